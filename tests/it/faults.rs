//! Hostile inputs and unlucky faults around files: bounded rows in every preview
//! input format, cut-off documents, outputs that are inputs, what `fmt` must not change about a
//! file (permissions, owner, links, block scalars, CRLF), FIFOs, byte order marks, `!!binary`,
//! big numbers, `--param`, `--jobs` and interrupted runs. Each reproducer is a test; the large
//! inputs are generated here, never timed.

use crate::common::{entramap, entramap_in, root, stderr, stdout};
use entramap::model::prepare;
use entramap::preview::input::MAX_RECORD_BYTES;
use entramap::preview::{self, Options, Plan, Problem, Sink, Summary};
use std::fs;
use std::io::{BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/preview")
}

fn faults() -> PathBuf {
    root().join("tests/fixtures/faults")
}

#[derive(Default)]
struct Collect {
    problems: Vec<Problem>,
    payloads: Vec<serde_json::Value>,
}

impl Sink for Collect {
    fn problem(&mut self, problem: &Problem) -> std::io::Result<()> {
        self.problems.push(problem.clone());
        Ok(())
    }

    fn payload(&mut self, _line: u64, json: &[u8]) -> std::io::Result<()> {
        self.payloads
            .push(serde_json::from_slice(json).map_err(std::io::Error::other)?);
        Ok(())
    }
}

fn plan() -> Plan {
    let text = fs::read_to_string(fixtures().join("mapping.entramap.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let prepared = prepare("mapping.entramap.yaml", &text, Some(&fixtures()))
        .unwrap_or_else(|e| panic!("{e:?}"));
    Plan::new(&prepared).unwrap_or_else(|e| panic!("{e}"))
}

fn options() -> Options {
    Options {
        jobs: 2,
        chunk_size: 2,
        now: chrono::DateTime::UNIX_EPOCH,
        ..Options::default()
    }
}

fn run(input: impl std::io::BufRead) -> Result<(Summary, Collect), preview::PreviewError> {
    let mut sink = Collect::default();
    let summary = preview::preview(&plan(), input, &options(), &mut sink)?;
    assert!(summary.balanced(), "{summary:?}");
    Ok((summary, sink))
}

fn unreadable(sink: &Collect) -> Vec<(u64, String)> {
    sink.problems
        .iter()
        .filter(|p| p.rule == preview::rule::UNREADABLE_ROW)
        .map(|p| (p.line, p.message.clone()))
        .collect()
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn write(path: &Path, contents: impl AsRef<[u8]>) {
    fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A row over the limit in any format is one unreadable row at its line, and the rows after it
/// are read: a CSV field, a JSON line and a Graph user object of 17 MiB.
#[test]
fn every_input_format_bounds_a_row_and_goes_on() {
    let huge = "A".repeat(MAX_RECORD_BYTES + (1 << 20));
    let user = |upn: &str| {
        format!(
            r#"{{"userPrincipalName": "{upn}", "department": "Sales", "accountEnabled": true}}"#
        )
    };
    let csv = format!(
        "userPrincipalName,department,accountEnabled\nana@contoso.com,Sales,True\n\"{huge}\",Sales,True\nzoe@contoso.com,Sales,True\n"
    );
    let jsonl = format!(
        "{}\n{{\"userPrincipalName\": \"{huge}\"}}\n{}\n",
        user("ana@contoso.com"),
        user("zoe@contoso.com")
    );
    let graph = format!(
        "{{\"value\": [\n{},\n{{\"userPrincipalName\": \"{huge}\"}},\n{}\n]}}\n",
        user("ana@contoso.com"),
        user("zoe@contoso.com")
    );
    for (format, input, line) in [("csv", csv, 3), ("jsonl", jsonl, 2), ("graph", graph, 3)] {
        let (summary, sink) = run(Cursor::new(input.as_bytes())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.users_read, 3, "{format}: {summary:?}");
        assert_eq!(summary.payloads, 2, "{format}: {summary:?}");
        let rows = unreadable(&sink);
        assert_eq!(rows.len(), 1, "{format}: {rows:?}");
        assert_eq!(rows[0].0, line, "{format}: {rows:?}");
        assert!(
            rows[0].1.contains("longer than 16 MiB"),
            "{format}: {rows:?}"
        );
    }
}

/// An endless line with no newline (`cat /dev/zero |`): a CSV header can never be complete, so
/// the preview stops with a message after reading a bounded amount, never holding it in memory.
#[test]
fn an_endless_csv_header_stops_after_a_bounded_read() {
    let mut source = std::io::repeat(b'x').take(4 * MAX_RECORD_BYTES as u64);
    let counted = Counted::new(&mut source);
    let read = counted.count.clone();
    let error = match run(BufReader::new(counted)) {
        Err(e) => e.to_string(),
        Ok((summary, _)) => panic!("read an endless header: {summary:?}"),
    };
    assert!(
        error.contains("header row is longer than 16 MiB"),
        "{error}"
    );
    let read = read.get();
    assert!(
        read <= MAX_RECORD_BYTES as u64 + (1 << 20),
        "read {read} bytes of an endless header"
    );
}

/// Counts the bytes read through it.
struct Counted<'a> {
    inner: &'a mut dyn Read,
    count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<'a> Counted<'a> {
    fn new(inner: &'a mut dyn Read) -> Self {
        Counted {
            inner,
            count: std::rc::Rc::default(),
        }
    }
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

#[cfg(unix)]
#[test]
fn a_device_is_not_read_as_an_export() {
    let output = entramap(&[
        "preview",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--users",
        "/dev/zero",
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("/dev/zero: it is a character device"),
        "{}",
        stderr(&output)
    );
}

/// A Graph page cut between two users (`tests/fixtures/faults/cut.graph.json`, the preview
/// fixture without its closing `]}`), or inside one: the users read are kept and the missing
/// end is one unreadable row; the command exits 1.
#[test]
fn a_cut_off_graph_page_is_an_unreadable_tail() {
    let cut = read(&faults().join("cut.graph.json"));
    let (summary, sink) = run(Cursor::new(&cut)).unwrap_or_else(|e| panic!("{e}"));
    let whole = read(&fixtures().join("users.graph.json"));
    let (complete, _) = run(Cursor::new(&whole)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.users_read, complete.users_read + 1, "{summary:?}");
    assert_eq!(summary.unreadable, complete.unreadable + 1, "{summary:?}");
    let rows = unreadable(&sink);
    assert!(rows.iter().any(|(_, m)| m.contains("cut off")), "{rows:?}");
    let inside = &whole[..whole.len() / 2];
    let (summary, sink) = run(Cursor::new(inside)).unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.unreadable >= 1, "{summary:?}");
    assert!(
        unreadable(&sink)
            .last()
            .is_some_and(|(_, m)| m.contains("cut off")),
        "{:?}",
        unreadable(&sink)
    );
    let output = entramap(&[
        "preview",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--users",
        "tests/fixtures/faults/cut.graph.json",
        "--fail-on",
        "error",
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stdout(&output).contains("cut off"), "{}", stdout(&output));
}

/// A document with no `value` array is not a page: one problem at line 1, whatever else is wrong
/// with it (the `preview_graph` fuzz target found it reported a cut-off at line 27 first, out of
/// export order).
#[test]
fn a_document_without_a_value_array_is_one_problem_at_line_one() {
    let data = read(&faults().join("no-value-cut.graph.json"));
    let (summary, sink) = run(Cursor::new(&data)).unwrap_or_else(|e| panic!("{e}"));
    let rows = unreadable(&sink);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, 1, "{rows:?}");
    assert!(rows[0].1.contains("no `value` array"), "{rows:?}");
    assert_eq!(summary.unreadable, 1, "{summary:?}");
    assert!(summary.balanced(), "{summary:?}");
}

/// Numbers that are not 64-bit integers keep every digit, in preview and in eval.
#[test]
fn big_numbers_keep_their_digits() {
    let line = r#"{"userPrincipalName": "ana@contoso.com", "displayName": 123456789012345678901234567890, "department": "Sales", "accountEnabled": true}"#;
    let (summary, sink) = run(Cursor::new(line.as_bytes())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.payloads, 1, "{summary:?}");
    assert_eq!(
        sink.payloads[0]["displayName"],
        "123456789012345678901234567890"
    );
    let dir = temp();
    let user = dir.path().join("user.json");
    write(
        &user,
        r#"{"employeeId": 123456789012345678901234567890, "otherMails": [1.50, 98765432109876543210]}"#,
    );
    let user = user.display().to_string();
    let output = entramap(&[
        "eval",
        "Join(\"|\", [employeeId], [otherMails])",
        "--user",
        &user,
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        stdout(&output).trim(),
        "\"123456789012345678901234567890|1.50|98765432109876543210\""
    );
}

/// A copy of the preview fixtures in a temporary directory.
fn preview_copy() -> tempfile::TempDir {
    let dir = temp();
    for name in ["mapping.entramap.yaml", "profile.yaml", "users.jsonl"] {
        write(&dir.path().join(name), read(&fixtures().join(name)));
    }
    dir
}

/// Writing over an input (by its name, a symbolic link or a hard link) is refused with exit 2
/// in every command that writes a file, and the input is untouched.
#[cfg(unix)]
#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = preview_copy();
    let d = dir.path();
    std::os::unix::fs::symlink(d.join("users.jsonl"), d.join("link.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    fs::hard_link(d.join("mapping.entramap.yaml"), d.join("hard.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let graph = d.join("schema.json");
    write(
        &graph,
        read(&root().join("tests/fixtures/graph/forcepoint-smc-scim-job-schema.json")),
    );
    let users = read(&d.join("users.jsonl"));
    let mapping = read(&d.join("mapping.entramap.yaml"));
    let runs: [&[&str]; 6] = [
        &[
            "preview",
            "mapping.entramap.yaml",
            "--users",
            "users.jsonl",
            "--out",
            "users.jsonl",
        ],
        &[
            "preview",
            "mapping.entramap.yaml",
            "--users",
            "users.jsonl",
            "--out",
            "link.jsonl",
        ],
        &[
            "preview",
            "mapping.entramap.yaml",
            "--users",
            "users.jsonl",
            "--out",
            "hard.yaml",
        ],
        &[
            "export",
            "mapping.entramap.yaml",
            "-o",
            "mapping.entramap.yaml",
        ],
        &["export", "mapping.entramap.yaml", "-o", "hard.yaml"],
        &["import", "schema.json", "-o", "schema.json"],
    ];
    let schema = read(&graph);
    for args in runs {
        let output = entramap_in(args, d);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(
            stderr(&output).contains("refusing to write"),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(read(&d.join("users.jsonl")), users, "{args:?}");
        assert_eq!(read(&d.join("mapping.entramap.yaml")), mapping, "{args:?}");
        assert_eq!(read(&graph), schema, "{args:?}");
    }
    let output = entramap_in(&["export", "mapping.entramap.yaml", "-o", "out.json"], d);
    assert_eq!(
        output.status.code(),
        Some(0),
        "another file is fine: {output:?}"
    );
}

const UNFORMATTED: &str = "entramap: 1\napp: X\nusers:\n  - target: userName\n    source: userPrincipalName\n    matching_precedence: 1\n  - target: displayName\n    expression: ToLower( [displayName] )\n";

fn fmt_in(dir: &Path, name: &str) -> std::process::Output {
    entramap_in(&["fmt", name], dir)
}

#[cfg(unix)]
#[test]
fn fmt_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp();
    let path = dir.path().join("m.entramap.yaml");
    write(&path, UNFORMATTED);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap_or_else(|e| panic!("{e}"));
    let output = fmt_in(dir.path(), "m.entramap.yaml");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr(&output).contains("read-only"), "{}", stderr(&output));
    assert_eq!(read(&path), UNFORMATTED.as_bytes());
    let mode = fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o444));
}

/// A file with two names stays one file, and (when the test may change owners, as root) a file
/// keeps its owner and group.
#[cfg(unix)]
#[test]
fn fmt_keeps_hard_links_and_owner() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = temp();
    let path = dir.path().join("m.entramap.yaml");
    let other = dir.path().join("other-name.yaml");
    write(&path, UNFORMATTED);
    fs::hard_link(&path, &other).unwrap_or_else(|e| panic!("{e}"));
    let before = fs::metadata(&path).unwrap_or_else(|e| panic!("{e}"));
    let output = fmt_in(dir.path(), "m.entramap.yaml");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let after = fs::metadata(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.ino(), before.ino(), "the file was replaced");
    assert_eq!(after.nlink(), 2);
    let formatted = String::from_utf8(read(&other)).unwrap_or_default();
    assert!(formatted.contains("ToLower([displayName])"), "{formatted}");

    let owned = dir.path().join("owned.entramap.yaml");
    write(&owned, UNFORMATTED);
    if std::os::unix::fs::chown(&owned, Some(4321), Some(4321)).is_ok() {
        let output = fmt_in(dir.path(), "owned.entramap.yaml");
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let meta = fs::metadata(&owned).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
        assert!(String::from_utf8(read(&owned))
            .unwrap_or_default()
            .contains("ToLower([displayName])"));
    }
}

/// Block scalars whose tokens change (`&h1` is printed `&H1`) are rewritten, in a file with
/// more mappings after them and in a CRLF file, and `fmt --check` is then clean.
#[test]
fn fmt_rewrites_block_scalars_and_keeps_crlf() {
    let dir = temp();
    for name in ["block.entramap.yaml", "crlf.entramap.yaml"] {
        let original = read(&faults().join(name));
        let path = dir.path().join(name);
        write(&path, &original);
        let output = fmt_in(dir.path(), name);
        assert_eq!(output.status.code(), Some(0), "{name}: {output:?}");
        let formatted = String::from_utf8(read(&path)).unwrap_or_default();
        let expected = String::from_utf8(read(&faults().join(format!("{name}.formatted"))))
            .unwrap_or_default();
        assert_eq!(formatted, expected, "{name}");
        let check = entramap_in(&["fmt", "--check", name], dir.path());
        assert_eq!(check.status.code(), Some(0), "{name}: {check:?}");
    }
    let crlf = String::from_utf8(read(&dir.path().join("crlf.entramap.yaml"))).unwrap_or_default();
    assert_eq!(
        crlf.matches('\n').count(),
        crlf.matches("\r\n").count(),
        "{crlf:?}"
    );
}

#[test]
fn binary_scalars_are_refused_at_their_place() {
    let output = entramap(&["lint", "tests/fixtures/faults/binary.entramap.yaml"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.contains("binary.entramap.yaml:8:26: error[file-syntax]") && text.contains("!!binary"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn eval_reads_a_fifo_without_a_writer_as_an_error() {
    let dir = temp();
    let fifo = dir.path().join("user.fifo");
    crate::common::mkfifo(&fifo);
    let fifo = fifo.display().to_string();
    let output = entramap(&["eval", "[mail]", "--user", &fifo]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        stderr(&output).contains("it is a FIFO and no program wrote to it"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn eval_accepts_a_byte_order_mark() {
    let dir = temp();
    let user = dir.path().join("user.json");
    write(&user, b"\xEF\xBB\xBF{\"mail\": \"ana@contoso.com\"}");
    let user = user.display().to_string();
    let output = entramap(&["eval", "[mail]", "--user", &user]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stdout(&output).trim(), "\"ana@contoso.com\"");
}

#[test]
fn a_parameter_needs_a_name() {
    for param in ["=x", "%Domain%=x"] {
        let output = entramap(&["eval", "\"x\"", "--param", param]);
        assert_eq!(output.status.code(), Some(2), "{param}: {output:?}");
        assert!(
            stderr(&output).contains("NAME=VALUE"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn jobs_are_capped_and_said_so() {
    let output = entramap(&[
        "preview",
        "tests/fixtures/preview/mapping.entramap.yaml",
        "--users",
        "tests/fixtures/preview/users.jsonl",
        "-j",
        "100000",
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stderr(&output).contains("--jobs 100000 is more than 4 per core; using"),
        "{}",
        stderr(&output)
    );
    assert!(preview::max_jobs() >= 4);
}

/// SIGTERM and SIGINT in the middle of `preview --out` (the export is a pipe held open, so the
/// run is certainly not finished; the handler is in place once the temporary file exists)
/// leave no temporary file of payloads behind.
#[cfg(unix)]
#[test]
fn an_interrupted_preview_leaves_no_temporary_file() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    for signal in ["TERM", "INT"] {
        let dir = preview_copy();
        let d = dir.path();
        let mut child = Command::new(env!("CARGO_BIN_EXE_entramap"))
            .args([
                "preview",
                "mapping.entramap.yaml",
                "--users",
                "-",
                "--out",
                "out.jsonl",
            ])
            .current_dir(d)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let mut stdin = child.stdin.take().expect("piped");
        stdin
            .write_all(&read(&d.join("users.jsonl")))
            .unwrap_or_else(|e| panic!("{e}"));
        stdin.flush().unwrap_or_else(|e| panic!("{e}"));
        let temporary = || {
            fs::read_dir(d)
                .unwrap_or_else(|e| panic!("{e}"))
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().starts_with(".entramap-"))
        };
        while !temporary() {
            assert!(child.try_wait().ok().flatten().is_none(), "exited early");
            std::thread::yield_now();
        }
        let killed = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(killed.success());
        let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
        drop(stdin);
        let expected = if signal == "TERM" { 143 } else { 130 };
        assert_eq!(output.status.code(), Some(expected), "{signal}: {output:?}");
        assert!(!temporary(), "{signal}: a temporary file is left");
        assert!(!d.join("out.jsonl").exists(), "{signal}");
    }
}

/// SIGTERM while `lint --fix` waits to copy into a hard-linked file (another writer holds its
/// lock: here the test) leaves no temporary file behind and the file as it was.
#[cfg(unix)]
#[test]
fn an_interrupted_fix_leaves_no_temporary_file() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let text = "entramap: 1\napp: T\nusers:\n  - target: userName\n    expression: LCase([mail])\n";
    let file = d.join("a.entramap.yaml");
    fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
    fs::hard_link(&file, d.join("other-name.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let held = fs::File::open(&file).unwrap_or_else(|e| panic!("{e}"));
    held.lock().unwrap_or_else(|e| panic!("{e}"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_entramap"))
        .args(["lint", "--fix", "a.entramap.yaml"])
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let temporary = || {
        fs::read_dir(d)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().starts_with(".entramap-"))
    };
    while !temporary() {
        assert!(child.try_wait().ok().flatten().is_none(), "exited early");
        std::thread::yield_now();
    }
    let killed = Command::new("kill")
        .args(["-TERM".to_owned(), child.id().to_string()])
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(killed.success());
    let output = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    held.unlock().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(output.status.code(), Some(143), "{output:?}");
    assert!(!temporary(), "a temporary file is left");
    assert_eq!(fs::read_to_string(&file).ok().as_deref(), Some(text));
}
