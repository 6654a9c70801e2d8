//! Helpers shared by the integration tests: the repository root, the `entramap` binary run
//! as a process (without colour), named pipes, and the drift check of generated documentation.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The clean example mapping files under `examples/` whose tables, docs and exports are
/// snapshotted: the three vendor setups and the generic SCIM default.
pub const EXAMPLES: &[&str] = &[
    "idmelon.entramap.yaml",
    "configcat.entramap.yaml",
    "cloudsso.entramap.yaml",
    "scim-core-default.entramap.yaml",
];

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `entramap ARGS` in `dir`, with `NO_COLOR` set.
pub fn entramap_in(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entramap"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run entramap: {e}"))
}

/// Runs `entramap ARGS` in the repository root, with `NO_COLOR` set.
pub fn entramap(args: &[&str]) -> Output {
    entramap_in(args, root())
}

/// Makes a named pipe (FIFO) at `path`, as `<(command)` in a shell hands a program one.
#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap_or_else(|e| panic!("cannot run mkfifo: {e}"));
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A process's standard output.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A process's standard error.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `entramap ARGS` in the repository root with `input` on standard input (closed after it).
pub fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entramap"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run entramap: {e}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // A process that stops reading at an input limit closes the pipe: a write error is expected.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("entramap finishes")
}

/// Checks that the part of `docs/<name>` between its `<!-- BEGIN GENERATED ... -->` and
/// `<!-- END GENERATED -->` markers is `generated`; with `ENTRAMAP_UPDATE_DOCS` set, rewrites it
/// instead. Returns the file's text. `test` names the test to rerun in the failure message.
pub fn assert_generated_docs(name: &str, generated: &str, test: &str) -> String {
    let path = root().join("docs").join(name);
    let docs = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("docs/{name}: {e}"));
    let begin = docs
        .find("<!-- BEGIN GENERATED")
        .expect("a BEGIN GENERATED marker");
    let begin = begin + docs[begin..].find("-->\n").expect("marker end") + 4;
    let end = docs
        .find("<!-- END GENERATED -->")
        .expect("an END GENERATED marker");
    if std::env::var_os("ENTRAMAP_UPDATE_DOCS").is_some() {
        let updated = format!("{}{generated}{}", &docs[..begin], &docs[end..]);
        std::fs::write(&path, &updated).unwrap_or_else(|e| panic!("docs/{name}: {e}"));
        return updated;
    }
    assert!(
        docs[begin..end] == *generated,
        "docs/{name} drifted from the code: run ENTRAMAP_UPDATE_DOCS=1 cargo test --test it {test}"
    );
    docs
}

/// Runs one `run:` step of a GitHub Actions job as a runner would (bash `-eo pipefail`, in
/// `repo`), with the stubs in `stubs` and the `entramap` under test first on the PATH, and each
/// `${{ ... }}` of its `env:` replaced from `expressions`. `None` for a step without `run:`.
/// Panics on an expression inside the script (workflows pass them through `env:`) or one that
/// `expressions` does not know.
pub fn run_workflow_step(
    step: &serde_json::Value,
    repo: &Path,
    stubs: &Path,
    runner_temp: &Path,
    expressions: &[(&str, &str)],
) -> Option<(String, Output)> {
    let script = step["run"].as_str()?;
    let name = step["name"].as_str().unwrap_or("unnamed").to_owned();
    assert!(
        !script.contains("${{"),
        "{name}: expressions go through env:"
    );
    let binary = Path::new(env!("CARGO_BIN_EXE_entramap"));
    let path = format!(
        "{}:{}:{}",
        stubs.display(),
        binary.parent().unwrap_or(Path::new(".")).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(repo)
        .env("PATH", &path)
        .env("STUBS", stubs)
        .env("RUNNER_TEMP", runner_temp)
        .env("NO_COLOR", "1");
    for (key, value) in step["env"].as_object().into_iter().flatten() {
        let mut value = value.as_str().unwrap_or_default().to_owned();
        for (expression, replacement) in expressions {
            value = value.replace(expression, replacement);
        }
        assert!(
            !value.contains("${{"),
            "{name}: unknown expression in {key}"
        );
        command.env(key, value);
    }
    let output = command.output().unwrap_or_else(|e| panic!("{name}: {e}"));
    Some((name, output))
}
