//! End to end with a real editor: headless Neovim (Debian's `neovim` package) runs `entramap
//! lsp`, receives the diagnostics of a broken example, applies the quick fix of its typo and
//! writes the file, which the test then reads. It needs `nvim`, which the Rust toolchain does
//! not bring, so it is built only with the `e2e` feature: `.ci/run`'s end-to-end step installs
//! Neovim and runs it with `cargo test --features e2e --test it lsp::neovim`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn neovim_applies_a_quick_fix_from_entramap_lsp() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let original = std::fs::read_to_string(root.join("examples/broken/idmelon-typo.entramap.yaml"))
        .expect("the broken example");
    let file = dir.path().join("idmelon-typo.entramap.yaml");
    std::fs::write(&file, &original).expect("copy");
    let log = dir.path().join("nvim.log");
    let mut child = match Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            root.join("tests/it/lsp/neovim.lua").display()
        ))
        .env("ENTRAMAP_BIN", env!("CARGO_BIN_EXE_entramap"))
        .env("ENTRAMAP_FILE", &file)
        .env("ENTRAMAP_LOG", &log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run `nvim` ({e}): this test needs Neovim; install it with \
             `apt-get update && apt-get install -y neovim` (.ci/run does)"
        ),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for nvim") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "nvim did not finish in 120 s; its log:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let steps = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        status.success(),
        "nvim failed ({status}); its log:\n{steps}"
    );
    assert!(steps.contains("diagnostics: connect-sync-only-function,matching-precedence-duplicate,unknown-source-attribute"), "{steps}");
    assert!(steps.contains("applied: write `givenName`"), "{steps}");
    let fixed = std::fs::read_to_string(&file).expect("the written file");
    let typo = "expression: 'Join(\" \", [givenNme], [surname])'";
    assert!(original.contains(typo));
    assert_eq!(
        fixed,
        original.replace(typo, &typo.replace("givenNme", "givenName"))
    );
}
