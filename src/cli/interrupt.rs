//! Cleaning up after an interrupted command: a temporary file of user data (`preview --out`)
//! must not stay behind when the user presses Ctrl-C or the process is terminated.

use std::path::PathBuf;

/// Removes `path` when the process receives SIGINT, SIGTERM or SIGHUP, then exits with status
/// 128 + the signal number, as the shell reports a process killed by it. Does nothing where
/// signals cannot be caught (the temporary file's random name still keeps it from clobbering
/// anything).
pub fn remove_on_signal(path: PathBuf) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _ = std::fs::remove_file(&path);
                eprintln!("entramap: interrupted; removed {}", path.display());
                std::process::exit(128 + signal);
            }
        });
    }
    #[cfg(not(unix))]
    drop(path);
}
