//! Shared by the `preview_*` fuzz targets: run any bytes through one input reader of
//! `entramap preview` with the preview test mapping, and check what must always hold.

use entramap::preview::{self, InputFormat, Options, Plan, Problem, Sink};
use std::sync::OnceLock;

/// The plan of `tests/fixtures/preview/mapping.entramap.yaml` (built once).
fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/preview");
        let text = std::fs::read_to_string(dir.join("mapping.entramap.yaml")).expect("fixture");
        let prepared = entramap::model::prepare("mapping.entramap.yaml", &text, Some(&dir))
            .expect("the fixture prepares");
        Plan::new(&prepared).expect("the fixture has a plan")
    })
}

#[derive(Default)]
struct Count {
    problems: u64,
    payloads: u64,
    last_line: u64,
}

impl Sink for Count {
    fn problem(&mut self, problem: &Problem) -> std::io::Result<()> {
        assert!(problem.line >= 1, "{problem:?}");
        assert!(problem.line >= self.last_line, "out of order: {problem:?}");
        self.last_line = problem.line;
        self.problems += 1;
        Ok(())
    }

    fn payload(&mut self, line: u64, json: &[u8]) -> std::io::Result<()> {
        assert!(line >= self.last_line, "out of order: line {line}");
        self.last_line = line;
        serde_json::from_slice::<serde_json::Value>(json).expect("a payload is JSON");
        self.payloads += 1;
        Ok(())
    }
}

/// Previews `data` read as `format` (and detected, when the format is chosen by the content):
/// no panic, every row counted once, every payload valid JSON, problems in export order.
pub fn run(data: &[u8], format: InputFormat) {
    for format in [format, InputFormat::Auto] {
        let options = Options {
            jobs: 1,
            chunk_size: 3,
            format,
            now: chrono::DateTime::UNIX_EPOCH,
            ..Options::default()
        };
        let mut sink = Count::default();
        let Ok(summary) = preview::preview(plan(), data, &options, &mut sink) else {
            continue;
        };
        assert!(summary.balanced(), "{summary:?}");
        assert_eq!(summary.payloads, sink.payloads);
        assert_eq!(summary.problems.values().sum::<u64>(), sink.problems);
        let lines = data.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        assert!(
            sink.last_line <= lines,
            "line {} of {lines}",
            sink.last_line
        );
    }
}
