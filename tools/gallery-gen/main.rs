//! `gallery-gen`: turns a folder of Microsoft provisioning tutorials (Markdown, one
//! `<stem>-provisioning-tutorial.md` each, as copied from MicrosoftDocs/entra-docs with a
//! `<!-- source: REPO PATH @ COMMIT -->` first line) into the gallery catalogue: a target profile
//! `schemas/gallery/<stem>.yaml` and a starter `schemas/gallery/starters/<stem>.entramap.yaml` per
//! tutorial with an attribute table, and the list of the tutorials left out (with the reason)
//! in `docs/target-profiles.md`. Files without the generated marker are hand-curated and kept.
//!
//! ```sh
//! cargo run --example gallery-gen -- TUTORIALS_DIR [REPOSITORY_ROOT]
//! ```

mod app;
mod markdown;
mod write;

#[cfg(test)]
mod spot_checks;

use entramap::base::fs::write_atomically;
use std::path::{Path, PathBuf};

/// Where the list of left-out tutorials goes in `docs/target-profiles.md`.
const LIST_START: &str = "<!-- gallery-gen: left out (generated) -->";
const LIST_END: &str = "<!-- gallery-gen: end -->";

/// What one run did.
#[derive(Debug, Default)]
struct Summary {
    written: Vec<String>,
    unchanged: usize,
    curated: Vec<String>,
    removed: Vec<String>,
    excluded: Vec<app::Excluded>,
}

/// Reads every tutorial of `tutorials` and writes the catalogue under `root`.
fn run(tutorials: &Path, root: &Path) -> Result<Summary, String> {
    let gallery = root.join("schemas/gallery");
    let starters = gallery.join("starters");
    let mut files: Vec<PathBuf> = std::fs::read_dir(tutorials)
        .map_err(|e| format!("{}: {e}", tutorials.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("-provisioning-tutorial.md"))
        })
        .collect();
    files.sort();
    let mut summary = Summary::default();
    for file in files {
        let Some(stem) = file
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix("-provisioning-tutorial.md"))
            .map(str::to_owned)
        else {
            continue;
        };
        let text = entramap::base::fs::read_text_limited(&file, 4 * 1024 * 1024)
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let profile_path = gallery.join(format!("{stem}.yaml"));
        let starter_path = starters.join(format!("{stem}.entramap.yaml"));
        match app::from_tutorial(&stem, markdown::read(&text)) {
            Ok(app) => {
                for (path, contents) in [
                    (&profile_path, write::profile(&app)),
                    (&starter_path, write::starter(&app)),
                ] {
                    match std::fs::read_to_string(path) {
                        Ok(old) if !is_generated(&old) => {
                            summary.curated.push(stem.clone());
                            break;
                        }
                        Ok(old) if old == contents => summary.unchanged += 1,
                        _ => {
                            write_atomically(path, contents.as_bytes())
                                .map_err(|e| format!("{}: {e}", path.display()))?;
                            summary.written.push(path.display().to_string());
                        }
                    }
                }
            }
            Err(excluded) => {
                for path in [&profile_path, &starter_path] {
                    if std::fs::read_to_string(path).is_ok_and(|old| is_generated(&old)) {
                        std::fs::remove_file(path)
                            .map_err(|e| format!("{}: {e}", path.display()))?;
                        summary.removed.push(path.display().to_string());
                    }
                }
                summary.excluded.push(excluded);
            }
        }
    }
    summary.curated.dedup();
    let docs = root.join("docs/target-profiles.md");
    let text = std::fs::read_to_string(&docs).map_err(|e| format!("{}: {e}", docs.display()))?;
    let (Some(start), Some(end)) = (text.find(LIST_START), text.find(LIST_END)) else {
        return Err(format!(
            "{}: no `{LIST_START}` ... `{LIST_END}` block for the list of left-out tutorials",
            docs.display()
        ));
    };
    let updated = format!(
        "{}{LIST_START}\n{}{}",
        &text[..start],
        write::excluded_list(&summary.excluded),
        &text[end..]
    );
    if updated != text {
        write_atomically(&docs, updated.as_bytes())
            .map_err(|e| format!("{}: {e}", docs.display()))?;
    }
    Ok(summary)
}

/// Whether a file's text was written by this generator.
fn is_generated(text: &str) -> bool {
    text.lines().take(2).any(|l| l.starts_with(write::MARKER))
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (tutorials, root) = match args.as_slice() {
        [t] => (PathBuf::from(t), PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
        [t, r] => (PathBuf::from(t), PathBuf::from(r)),
        _ => {
            eprintln!("usage: gallery-gen TUTORIALS_DIR [REPOSITORY_ROOT]");
            return std::process::ExitCode::from(2);
        }
    };
    match run(&tutorials, &root) {
        Ok(s) => {
            for path in &s.written {
                println!("wrote {path}");
            }
            for path in &s.removed {
                println!("removed {path}");
            }
            println!(
                "{} files written, {} unchanged, {} hand-curated apps kept ({}), {} tutorials left out",
                s.written.len(),
                s.unchanged,
                s.curated.len(),
                s.curated.join(", "),
                s.excluded.len()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gallery-gen: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
