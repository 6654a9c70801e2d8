//! Helpers shared by the integration tests: the repository root and the `entramap` binary run
//! as a process (without colour). Each test crate uses some of them.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

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

/// A process's standard output.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A process's standard error.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
