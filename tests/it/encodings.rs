//! Files as Windows writes them: UTF-16LE with a byte order mark and CRLF line endings (Windows
//! PowerShell 5.1's `>` and `Out-File`), UTF-8 with a mark, UTF-16BE, read by every command
//! exactly as their UTF-8 twins; text in a legacy code page or UTF-16 without a mark refused
//! with an error naming the encoding. The fixtures under `tests/fixtures/windows/` are the
//! UTF-16LE + CRLF twins of other fixtures (see its README).

use crate::common::{entramap_in, root, stderr, with_stdin};
use insta::assert_snapshot;
use std::path::{Path, PathBuf};
use std::process::Output;

/// `text` as Windows PowerShell 5.1 writes it: CRLF line endings, UTF-16LE after the mark
/// `FF FE`.
fn powershell(text: &str) -> Vec<u8> {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    [0xFF, 0xFE]
        .into_iter()
        .chain(crlf.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

/// `text` in UTF-16BE after the mark `FE FF`.
fn utf16be(text: &str) -> Vec<u8> {
    [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect()
}

/// `text` in UTF-8 after the mark `EF BB BF`.
fn utf8_bom(text: &str) -> Vec<u8> {
    [&[0xEF, 0xBB, 0xBF], text.as_bytes()].concat()
}

fn fixture(path: &str) -> String {
    let bytes = std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    String::from_utf8(bytes)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .trim_start_matches('\u{feff}')
        .to_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// What a run printed and how it ended, with `from` (a file name) replaced by `to`.
fn outcome(output: &Output, from: &str, to: &str) -> (Option<i32>, String, String) {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(from, to);
    (
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

#[test]
fn a_schema_written_by_windows_powershell_imports_as_its_utf8_twin() {
    let twin = fixture("tests/fixtures/graph/forcepoint-smc-scim-job-schema.json");
    let committed = std::fs::read(root().join("tests/fixtures/windows/schema.utf16le.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        committed,
        powershell(&twin),
        "the fixture is the UTF-16LE + CRLF twin"
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), "utf8.json", twin.as_bytes());
    write(dir.path(), "windows.json", &committed);
    write(dir.path(), "marked.json", &utf8_bom(&twin));
    write(dir.path(), "big.json", &utf16be(&twin));
    let import = |name: &str| entramap_in(&["import", name, "--app", "Forcepoint"], dir.path());
    let expected = outcome(&import("utf8.json"), "", "");
    assert_eq!(expected.0, Some(0), "{}", expected.2);
    assert!(expected.1.contains("entramap: 1"), "{}", expected.1);
    for name in ["windows.json", "marked.json", "big.json"] {
        assert_eq!(
            outcome(&import(name), name, "utf8.json"),
            expected,
            "{name}"
        );
    }
    // The same schema as `export --base`: the merged schema is the same.
    let mapping = root().join("examples/scim-core-default.entramap.yaml");
    let mapping = mapping.display().to_string();
    let export = |name: &str| entramap_in(&["export", &mapping, "--base", name], dir.path());
    let expected = outcome(&export("utf8.json"), "", "");
    assert_eq!(expected.0, Some(0), "{}", expected.2);
    assert_eq!(
        outcome(&export("windows.json"), "windows.json", "utf8.json"),
        expected
    );
}

#[test]
fn mapping_files_and_profiles_from_windows_lint_and_format_as_their_utf8_twins() {
    let twin = fixture("tests/fixtures/preview/mapping.entramap.yaml");
    let committed =
        std::fs::read(root().join("tests/fixtures/windows/mapping.utf16le.entramap.yaml"))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(committed, powershell(&twin));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let profile = fixture("tests/fixtures/preview/profile.yaml");
    write(dir.path(), "profile.yaml", &powershell(&profile));
    let crlf = twin.replace('\n', "\r\n");
    write(dir.path(), "a.entramap.yaml", crlf.as_bytes());
    write(dir.path(), "b.entramap.yaml", &committed);
    let lint = |name: &str| entramap_in(&["lint", name, "--format", "json"], dir.path());
    let expected = outcome(&lint("a.entramap.yaml"), "", "");
    assert_ne!(expected.0, Some(2), "{}", expected.2);
    assert_eq!(
        outcome(
            &lint("b.entramap.yaml"),
            "b.entramap.yaml",
            "a.entramap.yaml"
        ),
        expected
    );
    // The human report of a CRLF file places findings as in its LF twin.
    write(dir.path(), "c.entramap.yaml", twin.as_bytes());
    let human = |name: &str| entramap_in(&["lint", name], dir.path());
    assert_eq!(
        outcome(
            &human("b.entramap.yaml"),
            "b.entramap.yaml",
            "c.entramap.yaml"
        ),
        outcome(&human("c.entramap.yaml"), "", "")
    );

    // `fmt` rewrites the expressions and keeps the file's encoding and line endings.
    let messy = "entramap: 1\napp: Demo\ntarget: scim-core\nusers:\n  mappings:\n    - target: userName\n      expression: Join( \"@\" , [mailNickname],\"contoso.com\" )\n    - target: externalId\n      source: objectId\n      matching_precedence: 1\n";
    for (name, bytes) in [
        ("w.entramap.yaml", powershell(messy)),
        ("u.entramap.yaml", messy.as_bytes().to_vec()),
        ("m.entramap.yaml", utf8_bom(messy)),
    ] {
        write(dir.path(), name, &bytes);
    }
    let out = entramap_in(
        &[
            "fmt",
            "w.entramap.yaml",
            "u.entramap.yaml",
            "m.entramap.yaml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap_or_else(|e| panic!("{e}"));
    let formatted = String::from_utf8(read("u.entramap.yaml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        formatted.contains("Join(\"@\", [mailNickname], \"contoso.com\")"),
        "{formatted}"
    );
    assert_eq!(read("w.entramap.yaml"), powershell(&formatted));
    assert_eq!(read("m.entramap.yaml"), utf8_bom(&formatted));
}

#[test]
fn exports_and_users_from_windows_preview_as_their_utf8_twins() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // The fixture's lines that are UTF-8 (one is deliberately not, and has no UTF-16 twin).
    let raw = std::fs::read(root().join("tests/fixtures/preview/users.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    let lines: Vec<&str> = raw
        .split(|&b| b == b'\n')
        .filter_map(|line| std::str::from_utf8(line).ok())
        .collect();
    let twin = lines.join("\n").trim_start_matches('\u{feff}').to_owned();
    let committed = std::fs::read(root().join("tests/fixtures/windows/users.utf16le.jsonl"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(committed, powershell(&twin));
    write(
        dir.path(),
        "users.jsonl",
        twin.replace('\n', "\r\n").as_bytes(),
    );
    write(dir.path(), "windows.jsonl", &committed);
    write(
        dir.path(),
        "big.jsonl",
        &utf16be(&twin.replace('\n', "\r\n")),
    );
    let mapping = root().join("tests/fixtures/preview/mapping.entramap.yaml");
    let mapping = mapping.display().to_string();
    let preview = |name: &str, extra: &[&str]| {
        let mut args = vec!["preview", &mapping, "--users", name];
        args.extend_from_slice(extra);
        entramap_in(&args, dir.path())
    };
    for extra in [
        &[][..],
        &["--format", "json"],
        &["--user", "zoe@contoso.com"],
    ] {
        let expected = outcome(&preview("users.jsonl", extra), "", "");
        assert_ne!(expected.0, Some(2), "{expected:?}");
        assert!(expected.1.contains("contoso.com"), "{expected:?}");
        for name in ["windows.jsonl", "big.jsonl"] {
            assert_eq!(
                outcome(&preview(name, extra), name, "users.jsonl"),
                expected,
                "{name} {extra:?}"
            );
        }
    }
    // Standard input too.
    let piped = with_stdin(&["preview", &mapping, "--users", "-"], &committed);
    let file = preview("users.jsonl", &[]);
    assert_eq!(
        outcome(&piped, "", ""),
        outcome(&file, "users.jsonl:", "-:")
    );

    // A CSV export, and one user for `eval --user`.
    let csv =
        "userPrincipalName,displayName,department\r\nzoe@contoso.com,Zoë Müller,Engineering\r\n";
    write(dir.path(), "users.csv", csv.as_bytes());
    write(dir.path(), "windows.csv", &powershell(csv));
    assert_eq!(
        outcome(&preview("windows.csv", &[]), "windows.csv", "users.csv"),
        outcome(&preview("users.csv", &[]), "", "")
    );
    let user = "{\r\n    \"displayName\":  \"Zoë Müller\",\r\n    \"department\":  \"Engineering\"\r\n}\r\n";
    write(dir.path(), "user.json", user.as_bytes());
    let committed = std::fs::read(root().join("tests/fixtures/windows/user.utf16le.json"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(committed, powershell(user));
    write(dir.path(), "windows-user.json", &committed);
    let eval = |name: &str| {
        entramap_in(
            &[
                "eval",
                "Join(\" / \", [displayName], [department])",
                "--user",
                name,
            ],
            dir.path(),
        )
    };
    let expected = outcome(&eval("user.json"), "", "");
    assert!(
        expected.1.contains("Zoë Müller / Engineering"),
        "{expected:?}"
    );
    assert_eq!(
        outcome(&eval("windows-user.json"), "windows-user.json", "user.json"),
        expected
    );
}

#[test]
fn text_in_another_encoding_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // What Windows PowerShell 5.1's `Set-Content` writes by default: the ANSI code page.
    let mut ansi = b"entramap: 1\napp: Caf".to_vec();
    ansi.push(0xE9);
    ansi.extend_from_slice(b"\ntarget: scim-core\n");
    write(dir.path(), "ansi.entramap.yaml", &ansi);
    let unmarked: Vec<u8> = powershell("entramap: 1\napp: Demo\n")[2..].to_vec();
    write(dir.path(), "unmarked.entramap.yaml", &unmarked);
    let lint = entramap_in(
        &["lint", "ansi.entramap.yaml", "unmarked.entramap.yaml"],
        dir.path(),
    );
    assert_eq!(lint.status.code(), Some(1));
    assert_snapshot!("lint_other_encodings", crate::common::stdout(&lint));

    write(dir.path(), "schema.json", &unmarked);
    let import = entramap_in(&["import", "schema.json"], dir.path());
    let mut users = b"{\"displayName\": \"Zo".to_vec();
    users.extend_from_slice(b"\xEB\"}\n{\"displayName\": \"Ann\"}\n");
    write(dir.path(), "users.jsonl", &users);
    write(
        dir.path(),
        "unmarked.jsonl",
        &powershell("{\"displayName\": \"Ann\"}\n")[2..],
    );
    let mapping = fixture("tests/fixtures/preview/mapping.entramap.yaml");
    write(dir.path(), "mapping.entramap.yaml", mapping.as_bytes());
    let profile = fixture("tests/fixtures/preview/profile.yaml");
    write(dir.path(), "profile.yaml", profile.as_bytes());
    let preview = |name: &str| {
        entramap_in(
            &[
                "preview",
                "mapping.entramap.yaml",
                "--users",
                name,
                "--format",
                "json",
            ],
            dir.path(),
        )
    };
    let ansi_export = preview("users.jsonl");
    let unmarked_export = preview("unmarked.jsonl");
    let report = [
        ("import of UTF-16LE without a mark", &import),
        ("preview of a Windows-1252 export", &ansi_export),
        ("preview of UTF-16LE without a mark", &unmarked_export),
    ]
    .iter()
    .map(|(what, out)| {
        format!(
            "## {what}: exit {:?}\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
    .collect::<Vec<_>>()
    .join("\n");
    assert_snapshot!("other_encodings", report);
}
