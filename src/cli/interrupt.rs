//! Cleaning up after an interrupted command: a temporary file of an atomic write (`preview
//! --out`, `lint --fix`, `fmt`, `-o`) must not stay behind when the user presses Ctrl-C or the
//! process is terminated.

use std::path::PathBuf;
use std::sync::{Mutex, Once};

/// The temporary files to remove on a signal.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Creates a temporary file with `create` (which returns it and its path) so that it is removed
/// when the process receives SIGINT, SIGTERM or SIGHUP; the process then exits with status
/// 128 + the signal number, as a shell reports a process killed by it. The handler is in place
/// before the file exists, and a signal during the creation waits for it, so there is no moment
/// when the file exists and a signal leaves it behind.
pub fn removed_on_signal<T>(
    create: impl FnOnce() -> std::io::Result<(T, PathBuf)>,
) -> std::io::Result<T> {
    install();
    let mut registry = TEMPORARY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (value, path) = create()?;
    registry.push(path);
    Ok(value)
}

/// No longer removes `path` on a signal (it was put in place or removed).
pub fn forget(path: &std::path::Path) {
    TEMPORARY
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .retain(|p| p != path);
}

/// Writes `contents` to `path` atomically ([`entramap::base::fs::AtomicFile`]), its temporary
/// file removed if a signal ends the process before it is in place.
pub fn write_atomically(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = removed_on_signal(|| {
        let file = entramap::base::fs::AtomicFile::create(path)?;
        let temp = file.temp_path().to_path_buf();
        Ok((file, temp))
    })?;
    let temp = file.temp_path().to_path_buf();
    let result = file.write_all(contents).and_then(|()| file.commit());
    forget(&temp);
    result
}

/// Starts the signal thread, once (where signals cannot be caught, does nothing: the temporary
/// file's random name still keeps it from clobbering anything).
fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let registry = TEMPORARY
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    for path in registry.iter() {
                        let _ = std::fs::remove_file(path);
                    }
                    say!("entramap: interrupted; removed the partial output");
                    std::process::exit(128 + signal);
                }
            });
        }
    });
}
