//! Fuzz target: any bytes as the `--accounts` file of `entramap plan` (a ListResponse, JSON
//! Lines of SCIM resources, or CSV), read for the IDmelon example's users and groups.
#![no_main]

use entramap::cycle::{accounts, Cycle};
use entramap::model::Prepared;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The IDmelon example, prepared once.
fn prepared() -> &'static Prepared {
    static PREPARED: OnceLock<Prepared> = OnceLock::new();
    PREPARED.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let text = std::fs::read_to_string(dir.join("idmelon.entramap.yaml")).expect("example");
        entramap::model::prepare("idmelon.entramap.yaml", &text, Some(&dir))
            .expect("the example prepares")
    })
}

fuzz_target!(|data: &[u8]| {
    let [users, groups] = Cycle::layouts(prepared());
    let Ok(read) = accounts::read(data, &users, &groups) else {
        return;
    };
    // Every resource read is indexed or refused with a problem at a line of the file (the
    // pages' totals, line 0, and an unreadable CSV header are not resources).
    let refused = read
        .problems
        .iter()
        .filter(|p| p.line > 0 && !p.message.starts_with("cannot read the CSV header"))
        .count() as u64;
    assert_eq!(read.read, read.users.len() as u64 + read.groups.len() as u64 + refused);
    // A CSV row may end with a lone carriage return.
    let lines = data.iter().filter(|b| matches!(b, b'\n' | b'\r')).count() as u64 + 1;
    assert!(read.problems.iter().all(|p| p.line <= lines), "{:?}", read.problems);
    for index in [&read.users, &read.groups] {
        for account in index.orphans() {
            assert!(account.line >= 1 && account.line <= lines);
            let _ = index.label(&account);
            for field in 0..8 {
                let _ = account.value(field);
            }
        }
    }
});
