//! The one policy for where a command's output goes: `-o/--output FILE` ([`OutputArg`]) and
//! preview's payload file open the same [`Output`]. Standard output for no file, `-`, or a path
//! that is standard output; a device or FIFO written in place (never renamed over); anything
//! else replaced atomically (a temporary file beside it, removed on an interrupt, renamed over
//! it at the end; a symbolic link to a regular file is written through and stays a link).

use super::interrupt::{forget, removed_on_signal};
use super::{emit, EXIT_OK, EXIT_USAGE};
use entramap::base::fs::AtomicFile;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// `-o/--output FILE`, the same on every command that writes a file: without it, or with `-`,
/// the result goes to standard output.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OutputArg {
    /// Write the result to FILE (atomically: a temporary file, then a rename) instead of
    /// standard output; `-` is standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputArg {
    /// The file to write, `None` for standard output.
    pub fn file(&self) -> Option<&Path> {
        self.output.as_deref().filter(|p| p.as_os_str() != "-")
    }

    /// Opens the output: the file as [`Output::open`] does, or standard output.
    pub fn open(&self) -> io::Result<Output> {
        match self.file() {
            Some(path) => Output::open(path),
            None => Ok(Output::stdout()),
        }
    }

    /// Writes `text` as it is (data, not a report: the same bytes either way): to standard
    /// output, or to the file as [`Output::open`] does. Returns the exit status.
    pub fn write(&self, text: &str) -> u8 {
        let Some(path) = self.file() else {
            emit(text);
            return EXIT_OK;
        };
        let result = Output::open(path).and_then(|mut out| {
            out.writer().write_all(text.as_bytes())?;
            out.finish()
        });
        match result {
            Ok(()) => EXIT_OK,
            Err(e) => {
                say!("entramap: cannot write {}: {e}", path.display());
                EXIT_USAGE
            }
        }
    }
}

/// An opened output: an [`AtomicFile`] committed by [`Output::finish`], or a stream written in
/// place (standard output, a device, a FIFO).
pub enum Output {
    /// A regular file or a new path, replaced at the end.
    Atomic(BufWriter<AtomicFile>),
    /// Standard output, a device or a FIFO.
    InPlace(BufWriter<Box<dyn Write>>),
}

impl Output {
    /// Opens `path`: standard output when `path` is `-` or is standard output (`/dev/stdout`,
    /// whatever it points to); the path itself, in place, for a device or a FIFO; otherwise an
    /// atomic replacement, its temporary file removed if the process is interrupted.
    pub fn open(path: &Path) -> io::Result<Output> {
        if writes_stdout(path) {
            return Ok(Output::stdout());
        }
        match std::fs::metadata(path) {
            // A device or FIFO, also behind a symbolic link; a link to a regular file is
            // written through by the atomic writer (the link stays).
            Ok(meta) if !meta.is_file() => Ok(Output::in_place(Box::new(
                std::fs::OpenOptions::new().write(true).open(path)?,
            ))),
            _ => {
                let file = removed_on_signal(|| {
                    let file = AtomicFile::create(path)?;
                    let temporary = file.temp_path().to_path_buf();
                    Ok((file, temporary))
                })?;
                Ok(Output::Atomic(BufWriter::with_capacity(1 << 20, file)))
            }
        }
    }

    /// Standard output.
    fn stdout() -> Output {
        Output::in_place(Box::new(io::stdout()))
    }

    fn in_place(w: Box<dyn Write>) -> Output {
        Output::InPlace(BufWriter::with_capacity(1 << 20, w))
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Atomic(w) => w,
            Output::InPlace(w) => w,
        }
    }

    /// Flushes the output and, for a file, puts it in place.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Output::Atomic(w) => {
                let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
                let temporary = file.temp_path().to_path_buf();
                let result = file.commit();
                forget(&temporary);
                result
            }
            Output::InPlace(mut w) => w.flush(),
        }
    }
}

/// Whether writing `path` writes this process's standard output: `-`, or a path to the same
/// file (`/dev/stdout`, `/proc/self/fd/1`, the file stdout is redirected to).
pub fn writes_stdout(path: &Path) -> bool {
    if path.as_os_str() == "-" {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let stdout = io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from)
            .and_then(|f| f.metadata());
        if let (Ok(out), Ok(target)) = (stdout, std::fs::metadata(path)) {
            return out.dev() == target.dev() && out.ino() == target.ino();
        }
    }
    false
}
