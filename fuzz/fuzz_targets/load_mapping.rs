//! Fuzz target: load and lint any bytes as a YAML and as a JSON mapping file, and format them;
//! nothing may panic and every span must lie inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["fuzz.entramap.yaml", "fuzz.entramap.json"] {
        let report = entramap::lint::lint_source(name, text, None).report;
        for d in &report.diagnostics {
            assert!(
                d.span.start <= d.span.end && d.span.end <= text.len(),
                "{d:?}"
            );
        }
        if let Some(formatted) = entramap::canonical::format_source(name, text).text {
            assert!(entramap::model::load_str(name, &formatted).file.is_some());
        }
    }
});
