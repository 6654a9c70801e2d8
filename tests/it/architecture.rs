//! The layer rules of `ARCHITECTURE.md`, enforced: every `crate::`, `super::` and `self::` path
//! in `src/` is read, and a path that runs back up the layer order, or joins two modules of one
//! folder in a cycle, fails this test unless ARCHITECTURE.md's table of exceptions lists it.
//! The layer order itself is read from ARCHITECTURE.md's diagram, so the document and the code
//! cannot drift apart. The checker is tested on planted violations too, so it cannot pass by
//! reading nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path inside the crate, such as `["expr", "catalogue", "text"]`.
type ModulePath = Vec<String>;

/// One source file: its module path and its text without comments.
struct SourceFile {
    module: ModulePath,
    code: String,
}

/// A reference from one module to another, as found in the code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Reference {
    from: ModulePath,
    to: ModulePath,
}

/// The layers of ARCHITECTURE.md's diagram, bottom first; modules of one layer may not import
/// each other.
fn layers_from_architecture(text: &str) -> Vec<Vec<String>> {
    let diagram = text
        .lines()
        .find(|line| line.starts_with("base") && line.contains('→'))
        .expect("ARCHITECTURE.md has a `base → ...` diagram line");
    diagram
        .split('→')
        .map(|group| {
            group
                .split(',')
                .map(|name| name.trim().to_string())
                .collect()
        })
        .collect()
}

/// The exceptions of ARCHITECTURE.md: rows `| from | to | reason |` of the table under the
/// heading "Exceptions to the layer rules", as `(from, to)` module paths joined by `::`.
fn exceptions_from_architecture(text: &str) -> BTreeSet<(String, String)> {
    let mut exceptions = BTreeSet::new();
    let Some(start) = text.find("## Exceptions to the layer rules") else {
        return exceptions;
    };
    for line in text[start..].lines().skip(1) {
        if line.starts_with("## ") {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() >= 4 && cells[1].starts_with('`') && cells[2].starts_with('`') {
            exceptions.insert((
                cells[1].trim_matches('`').to_string(),
                cells[2].trim_matches('`').to_string(),
            ));
        }
    }
    exceptions
}

/// Every `.rs` file under `src/` that belongs to the library (not `main.rs`, not `cli/`).
fn library_files(src: &Path) -> Vec<SourceFile> {
    let mut files = Vec::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let relative = path.strip_prefix(src).unwrap();
                let mut module: ModulePath = relative
                    .with_extension("")
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if module
                    .last()
                    .is_some_and(|last| last == "mod" || last == "lib")
                {
                    module.pop();
                }
                if module
                    .first()
                    .is_some_and(|first| first == "main" || first == "cli")
                {
                    continue;
                }
                let code = strip_comments(&std::fs::read_to_string(&path).unwrap());
                files.push(SourceFile { module, code });
            }
        }
    }
    files
}

/// The code without `//` comments (doc links may point anywhere; a `use` may not) and without
/// the contents of string literals.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            if c == '\\' {
                chars.next();
            } else if c == '"' {
                in_string = false;
                out.push('"');
            } else if c == '\n' {
                out.push('\n');
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push('"');
            }
            '/' if chars.peek() == Some(&'/') => {
                for skipped in chars.by_ref() {
                    if skipped == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The tokens that matter for paths: identifiers, `::`, braces and commas.
fn tokens(code: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            let mut ident = c.to_string();
            while let Some(&next) = chars.peek() {
                if next.is_alphanumeric() || next == '_' {
                    ident.push(next);
                    chars.next();
                } else {
                    break;
                }
            }
            tokens.push(ident);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            tokens.push("::".to_string());
        } else if matches!(c, '{' | '}' | ',') {
            tokens.push(c.to_string());
        } else if !c.is_whitespace() {
            tokens.push(String::from("·"));
        }
    }
    tokens
}

/// Reads one use-tree or path at `at` (after a `::`), appending every full path it names to
/// `out`. Returns the index after the tree.
fn read_tree(
    tokens: &[String],
    mut at: usize,
    prefix: &[String],
    out: &mut Vec<ModulePath>,
) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match tokens.get(at).map(String::as_str) {
            Some("{") => {
                at += 1;
                loop {
                    match tokens.get(at).map(String::as_str) {
                        Some("}") => return at + 1,
                        Some(",") => at += 1,
                        None => return at,
                        Some(_) => at = read_tree(tokens, at, &path, out),
                    }
                }
            }
            Some(word) if word.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                path.push(word.to_string());
                at += 1;
                if tokens.get(at).map(String::as_str) == Some("::") {
                    at += 1;
                } else {
                    out.push(path);
                    return at;
                }
            }
            _ => {
                out.push(path);
                return at;
            }
        }
    }
}

/// Every module path a file names through `crate::`, `super::` or `self::`, made absolute.
fn referenced_paths(file: &SourceFile, is_folder_module: bool) -> Vec<ModulePath> {
    let tokens = tokens(&file.code);
    let mut found = Vec::new();
    for index in 0..tokens.len() {
        let word = tokens[index].as_str();
        if !matches!(word, "crate" | "super" | "self")
            || tokens.get(index + 1).map(String::as_str) != Some("::")
        {
            continue;
        }
        if index > 0 && tokens[index - 1] == "::" {
            continue;
        }
        // The module a `super`/`self` path starts from: a folder's mod.rs is that folder.
        let mut base: ModulePath = match word {
            "crate" => Vec::new(),
            _ => {
                let mut base = file.module.clone();
                if !is_folder_module {
                    base.pop();
                }
                if word == "super" && is_folder_module {
                    base.pop();
                }
                base
            }
        };
        let mut at = index + 2;
        while tokens.get(at).map(String::as_str) == Some("super")
            && tokens.get(at + 1).map(String::as_str) == Some("::")
        {
            base.pop();
            at += 2;
        }
        let mut paths = Vec::new();
        read_tree(&tokens, at, &base, &mut paths);
        found.extend(paths);
    }
    found
}

/// Where a reference goes: the crate's modules are known, so a path is cut at its last module.
fn module_of(path: &[String], modules: &BTreeSet<ModulePath>) -> ModulePath {
    (0..=path.len())
        .rev()
        .map(|len| path[..len].to_vec())
        .find(|prefix| modules.contains(prefix))
        .unwrap_or_default()
}

/// Every reference between two different modules of the library.
fn references(files: &[SourceFile], folder_modules: &BTreeSet<ModulePath>) -> BTreeSet<Reference> {
    let modules: BTreeSet<ModulePath> = files.iter().map(|file| file.module.clone()).collect();
    let mut found = BTreeSet::new();
    for file in files {
        let is_folder = folder_modules.contains(&file.module);
        for path in referenced_paths(file, is_folder) {
            let to = module_of(&path, &modules);
            if !to.is_empty() && to != file.module {
                found.insert(Reference {
                    from: file.module.clone(),
                    to,
                });
            }
        }
    }
    found
}

/// The references that break the layer order: a module reaching a layer above its own, or a
/// module of its own layer other than itself.
fn layer_violations(references: &BTreeSet<Reference>, layers: &[Vec<String>]) -> Vec<String> {
    let layer_of = |module: &ModulePath| {
        let top = module.first()?;
        layers.iter().position(|layer| layer.contains(top))
    };
    let mut violations = Vec::new();
    for reference in references {
        let (Some(from), Some(to)) = (layer_of(&reference.from), layer_of(&reference.to)) else {
            violations.push(format!(
                "{} → {}: a module the diagram does not name",
                reference.from.join("::"),
                reference.to.join("::")
            ));
            continue;
        };
        let same_top = reference.from[0] == reference.to[0];
        if to > from || (to == from && !same_top) {
            violations.push(format!(
                "{} → {}",
                reference.from.join("::"),
                reference.to.join("::")
            ));
        }
    }
    violations
}

/// The cycles between the direct children of one folder: for every folder, the children
/// that reach each other (directly or through siblings).
fn folder_cycles(references: &BTreeSet<Reference>) -> Vec<String> {
    let mut edges: BTreeMap<ModulePath, BTreeSet<(String, String)>> = BTreeMap::new();
    for reference in references {
        let common = reference
            .from
            .iter()
            .zip(&reference.to)
            .take_while(|(a, b)| a == b)
            .count();
        if common < reference.from.len() && common < reference.to.len() {
            edges
                .entry(reference.from[..common].to_vec())
                .or_default()
                .insert((reference.from[common].clone(), reference.to[common].clone()));
        }
    }
    let mut cycles = Vec::new();
    for (folder, folder_edges) in edges {
        let reaches = |start: &str| {
            let mut seen = BTreeSet::new();
            let mut pending = vec![start.to_string()];
            while let Some(node) = pending.pop() {
                for (from, to) in &folder_edges {
                    if *from == node && seen.insert(to.clone()) {
                        pending.push(to.clone());
                    }
                }
            }
            seen
        };
        for (from, to) in &folder_edges {
            if from < to && reaches(to).contains(from) {
                let name = if folder.is_empty() {
                    "crate".to_string()
                } else {
                    folder.join("::")
                };
                cycles.push(format!("{name}: {from} ↔ {to}"));
            }
        }
    }
    cycles
}

/// The folders of `src/` (modules with children), by module path.
fn folder_modules(src: &Path) -> BTreeSet<ModulePath> {
    let mut folders = BTreeSet::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                let module = path
                    .strip_prefix(src)
                    .unwrap()
                    .components()
                    .map(|part| part.as_os_str().to_string_lossy().into_owned())
                    .collect();
                folders.insert(module);
                pending.push(path);
            }
        }
    }
    folders.insert(Vec::new());
    folders
}

/// The references ARCHITECTURE.md's exceptions table does not list (a row names a module and
/// everything below it, on either side).
fn without_exceptions(
    found: BTreeSet<Reference>,
    exceptions: &BTreeSet<(String, String)>,
) -> BTreeSet<Reference> {
    let under = |module: &ModulePath, root: &str| {
        let name = module.join("::");
        name == root || name.starts_with(&format!("{root}::"))
    };
    found
        .into_iter()
        .filter(|reference| {
            !exceptions
                .iter()
                .any(|(from, to)| under(&reference.from, from) && under(&reference.to, to))
        })
        .collect()
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let architecture = std::fs::read_to_string(repository().join("ARCHITECTURE.md")).unwrap();
    let layers = layers_from_architecture(&architecture);
    let src = repository().join("src");
    let files = library_files(&src);
    assert!(files.len() > 50, "the walk found the library's files");
    let found = references(&files, &folder_modules(&src));
    assert!(found.len() > 100, "the walk found the library's references");
    let violations = layer_violations(
        &without_exceptions(found, &exceptions_from_architecture(&architecture)),
        &layers,
    );
    assert!(
        violations.is_empty(),
        "imports against ARCHITECTURE.md's layer order (fix them, or list each in its table of exceptions with the reason):\n{}",
        violations.join("\n")
    );
}

#[test]
fn no_two_modules_of_one_folder_import_each_other() {
    let architecture = std::fs::read_to_string(repository().join("ARCHITECTURE.md")).unwrap();
    let src = repository().join("src");
    let files = library_files(&src);
    let found = references(&files, &folder_modules(&src));
    let cycles = folder_cycles(&without_exceptions(
        found,
        &exceptions_from_architecture(&architecture),
    ));
    assert!(
        cycles.is_empty(),
        "cycles between modules of one folder:\n{}",
        cycles.join("\n")
    );
}

/// The checker itself, on planted code: an import up the layers, one across a layer, a cycle
/// inside a folder, and the grouped `use` forms, so the real tests cannot pass by finding
/// nothing.
#[test]
fn the_layer_checker_catches_planted_violations() {
    let layers = layers_from_architecture("base → diagnostics → lint, output → lsp\n");
    let file = |module: &[&str], code: &str| SourceFile {
        module: module.iter().map(|part| part.to_string()).collect(),
        code: strip_comments(code),
    };
    let files = vec![
        file(
            &["base"],
            "use crate::{diagnostics::Diagnostic, base::x};\n// use crate::lsp::Server;",
        ),
        file(&["diagnostics"], "fn f() { crate::base::g() }"),
        file(&["lint"], "use crate::output::{table::{Table, Row}};"),
        file(&["output"], ""),
        file(&["output", "table"], "use super::diff::Change;"),
        file(
            &["output", "diff"],
            "use crate::output::table::Row; let s = \"crate::lsp::x\";",
        ),
        file(&["lsp"], "use crate::lint::lint;"),
    ];
    let folders: BTreeSet<ModulePath> = [vec![], vec!["output".to_string()]].into_iter().collect();
    let found = references(&files, &folders);
    assert_eq!(
        layer_violations(&found, &layers),
        vec!["base → diagnostics", "lint → output::table"],
        "an import up the layers and one across a layer, nothing from comments or strings"
    );
    assert_eq!(
        folder_cycles(&found),
        vec!["crate: base ↔ diagnostics", "output: diff ↔ table"]
    );
    let exceptions = exceptions_from_architecture(
        "## Exceptions to the layer rules\n\n| from | to | reason |\n|---|---|---|\n| `lint` | `output` | planted |\n",
    );
    assert_eq!(
        layer_violations(&without_exceptions(found, &exceptions), &layers),
        vec!["base → diagnostics"]
    );
}
