//! Generates the built-in catalogue: one row per target profile file under `schemas/targets/`
//! (generic profiles) and `schemas/gallery/` (gallery apps, each with its starter under
//! `schemas/gallery/starters/`). Adding a gallery app is adding its two files; `src/model/catalogue.rs`
//! includes the generated rows. The build only lists files and reads each profile's top-level
//! `title:` line; the profiles themselves are parsed at run time, one at a time, when asked for.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let mut rows = String::from("&[\n");
    for (folder, kind) in [
        ("schemas/targets", "Generic"),
        ("schemas/gallery", "Gallery"),
    ] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        for (name, path) in profiles(&dir) {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let title = top_level_title(&text).unwrap_or_default();
            let starter = dir.join("starters").join(format!("{name}.entramap.yaml"));
            let starter = if kind == "Gallery" {
                assert!(
                    starter.is_file(),
                    "{}: a gallery profile needs its starter {}",
                    path.display(),
                    starter.display()
                );
                format!("Some(include_str!({:?}))", starter.display().to_string())
            } else {
                "None".to_owned()
            };
            writeln!(
                rows,
                "    Entry {{ name: {name:?}, kind: Kind::{kind}, title: {title:?}, profile: include_str!({:?}), starter: {starter} }},",
                path.display().to_string()
            )
            .expect("writing to a String");
        }
    }
    rows.push_str("]\n");
    let target = out.join("catalogue.rs");
    if std::fs::read_to_string(&target).ok().as_deref() != Some(rows.as_str()) {
        std::fs::write(&target, rows).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
    }
}

/// The `<name>.yaml` files of a folder, by name.
fn profiles(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.strip_suffix(".yaml")?.to_owned();
            Some((name, p))
        })
        .collect();
    found.sort();
    found
}

/// The value of the top-level `title:` line: plain, or single- or double-quoted without escapes
/// other than `''` (the forms the profiles use; a test checks every row against the parsed
/// profile).
fn top_level_title(text: &str) -> Option<String> {
    let value = text.lines().find_map(|l| l.strip_prefix("title:"))?.trim();
    let value = value.split_once(" #").map_or(value, |(v, _)| v).trim_end();
    Some(
        if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
            inner.replace("''", "'")
        } else if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            inner.replace("\\\"", "\"").replace("\\\\", "\\")
        } else {
            value.to_owned()
        },
    )
}
