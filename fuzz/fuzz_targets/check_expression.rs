//! Fuzz target: parse, check and print any text as an expression; nothing may panic, and the
//! canonical form must parse back to itself.
#![no_main]

use entramap::expr::catalogue::Context;
use entramap::expr::checker::{check_text, Attributes, CheckOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let schema = entramap::expr::source::entra_id();
    for (context, attributes) in [
        (Context::AppProvisioning, Attributes::Schema(&schema.users)),
        (Context::CloudSync, Attributes::Any),
    ] {
        let checked = check_text(
            text,
            &CheckOptions {
                context,
                attributes,
                target_type: None,
            },
        );
        for d in &checked.diagnostics {
            assert!(d.span.start <= d.span.end && d.span.end <= text.len());
        }
        if let Some(expr) = checked.expr {
            let printed = entramap::expr::syntax::print(&expr);
            let reparsed = entramap::expr::syntax::parse(&printed).expect("canonical form parses");
            assert_eq!(entramap::expr::syntax::print(&reparsed), printed);
        }
    }
});
