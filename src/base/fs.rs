//! Reading and writing the files users hand to entramap: every read is bounded (a FIFO,
//! `/dev/zero` or a huge file is refused, never read into memory) and every text read decoded
//! as its byte order mark says ([`encoding`](super::encoding)), every write is atomic (a
//! temporary file beside the target, then a rename) and keeps the existing file's permissions.

use super::encoding::{self, DecodeError};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Why a bounded read failed.
#[derive(Debug)]
pub enum ReadError {
    /// The file cannot be opened or read.
    Io(io::Error),
    /// The path names something other than a regular file (a directory, a FIFO, a device).
    NotAFile,
    /// The input is longer than the limit, in bytes.
    TooLarge {
        /// The limit that was exceeded.
        limit: usize,
    },
    /// The input is not text in an encoding entramap reads (only from the text readers; see
    /// [`encoding`](super::encoding)).
    Decode(DecodeError),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotAFile => f.write_str("not a regular file"),
            ReadError::TooLarge { limit } => {
                write!(
                    f,
                    "input exceeds {limit} bytes; entramap reads at most {limit}"
                )
            }
            ReadError::Decode(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads at most `limit` bytes of the regular file at `path`. Anything that is not a regular
/// file is refused before it is opened (opening a FIFO would block), and a file longer than
/// `limit` is [`ReadError::TooLarge`] whatever its metadata claims.
pub fn read_limited(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    if !fs::metadata(path)?.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit as u64 {
        return Err(ReadError::TooLarge { limit });
    }
    read_stream_limited(file, limit)
}

/// Reads the regular file at `path` as text of at most `limit` bytes (see [`read_limited`]):
/// UTF-8, or the encoding its byte order mark names (see [`encoding::decode`]).
pub fn read_text_limited(path: &Path, limit: usize) -> Result<String, ReadError> {
    into_text(read_limited(path, limit)?)
}

/// Reads at most `limit` bytes from `reader` (standard input, say): one byte more is
/// [`ReadError::TooLarge`], never a silent truncation.
pub fn read_stream_limited(reader: impl Read, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    reader
        .take((limit as u64).saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Reads text of at most `limit` bytes from `reader` (see [`read_stream_limited`]), decoded as
/// [`read_text_limited`] decodes a file.
pub fn read_stream_text_limited(reader: impl Read, limit: usize) -> Result<String, ReadError> {
    into_text(read_stream_limited(reader, limit)?)
}

fn into_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    encoding::decode(&bytes)
        .map(|(text, _)| text)
        .map_err(ReadError::Decode)
}

/// A file being written atomically: writes go to a temporary file beside the destination, and
/// [`AtomicFile::commit`] puts it in place. Dropped without a commit, it leaves the destination
/// untouched and removes the temporary file.
///
/// The destination keeps what a user set on it:
/// - its permissions (a new file gets the usual `0666` less the umask, not the temporary file's
///   `0600`), and a read-only destination is refused, not replaced;
/// - a destination that is a symbolic link is written through: its target is replaced and the
///   link stays;
/// - its owner and group, and its hard links: when a rename would change them (another owner
///   that cannot be given to the new file, several names for one file), the finished temporary
///   file is copied into the existing file instead of renamed over it. Only then is the write
///   not atomic (a crash during that copy leaves a partial file); the data is complete and on
///   disk before the destination is touched.
#[derive(Debug)]
pub struct AtomicFile {
    temp: tempfile::NamedTempFile,
    destination: PathBuf,
    in_place: bool,
}

impl AtomicFile {
    /// Starts writing `path`; fails when `path` exists and is read-only.
    pub fn create(path: &Path) -> io::Result<Self> {
        let destination = match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path)?,
            _ => path.to_path_buf(),
        };
        let existing = fs::metadata(&destination).ok();
        if existing
            .as_ref()
            .is_some_and(|m| m.permissions().readonly())
        {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "the file is read-only",
            ));
        }
        let dir = match destination.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir)?;
        let mut in_place = false;
        if let Some(meta) = &existing {
            fs::set_permissions(temp.path(), meta.permissions())?;
            in_place = !keeps_identity(temp.as_file(), meta)?;
        }
        Ok(AtomicFile {
            temp,
            destination,
            in_place,
        })
    }

    /// The temporary file being written (a signal handler may remove it).
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// Flushes the data to disk and puts it in place: a rename over the destination, or a copy
    /// into it when a rename would change its owner or split its hard links.
    pub fn commit(mut self) -> io::Result<()> {
        self.temp.flush()?;
        self.temp.as_file().sync_all()?;
        if self.in_place {
            let mut source = File::open(self.temp.path())?;
            let mut target = fs::OpenOptions::new().write(true).open(&self.destination)?;
            // Another entramap writing the same file (through another of its names) waits:
            // two copies never interleave.
            target.lock()?;
            target.set_len(0)?;
            io::copy(&mut source, &mut target)?;
            target.sync_all()?;
            target.unlock()?;
            return self.temp.close();
        }
        self.temp
            .persist(&self.destination)
            .map(drop)
            .map_err(|e| e.error)
    }
}

/// The prefix of the temporary files [`AtomicFile`] writes beside their destination.
pub const TEMP_PREFIX: &str = ".entramap-";
/// The suffix of the temporary files [`AtomicFile`] writes beside their destination.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether renaming `temp` over a file with `existing` metadata keeps the file's owner, group
/// and links: it does when the destination has one link and `temp` has (or can be given) the
/// same owner and group.
#[cfg(unix)]
fn keeps_identity(temp: &File, existing: &fs::Metadata) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt as _;
    if existing.nlink() > 1 {
        return Ok(false);
    }
    let mine = temp.metadata()?;
    if (mine.uid(), mine.gid()) == (existing.uid(), existing.gid()) {
        return Ok(true);
    }
    Ok(std::os::unix::fs::fchown(temp, Some(existing.uid()), Some(existing.gid())).is_ok())
}

#[cfg(not(unix))]
fn keeps_identity(_temp: &File, _existing: &fs::Metadata) -> io::Result<bool> {
    Ok(true)
}

/// Whether two paths name the same file (through symbolic and hard links: same device and
/// inode). A path that does not exist is no file's.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => match (identity(&x), identity(&y)) {
            (Some(x), Some(y)) => x == y,
            _ => fs::canonicalize(a).ok() == fs::canonicalize(b).ok(),
        },
        _ => false,
    }
}

#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_meta: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Writes `contents` to `path` atomically (see [`AtomicFile`]): an interrupted run never leaves
/// a half-written file in place of a good one.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(contents)?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded_and_refuse_what_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("a.txt");
        fs::write(&path, "hello").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            read_text_limited(&path, 5).unwrap_or_else(|e| panic!("{e}")),
            "hello"
        );
        assert!(matches!(
            read_limited(&path, 4),
            Err(ReadError::TooLarge { limit: 4 })
        ));
        assert!(matches!(
            read_limited(dir.path(), 4),
            Err(ReadError::NotAFile)
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 4),
            Err(ReadError::NotAFile)
        ));
        let error = read_stream_limited(io::repeat(0), 1024)
            .err()
            .unwrap_or_else(|| panic!("read an endless stream"));
        assert_eq!(
            error.to_string(),
            "input exceeds 1024 bytes; entramap reads at most 1024"
        );
        fs::write(&path, b"ab\xffc").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            read_text_limited(&path, 10),
            Err(ReadError::Decode(DecodeError::NotUtf8 {
                valid_up_to: 2,
                ..
            }))
        ));
        fs::write(&path, encoding::Encoding::Utf16Le.encode("h\r\n"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            read_text_limited(&path, 10).unwrap_or_else(|e| panic!("{e}")),
            "h\r\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_keep_permissions_and_follow_symlinks() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("map.yaml");
        fs::write(&path, "old").unwrap_or_else(|e| panic!("{e}"));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        write_atomically(&path, b"new").unwrap_or_else(|e| panic!("{e}"));
        let mode = |p: &Path| {
            fs::metadata(p)
                .unwrap_or_else(|e| panic!("{e}"))
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(&path), 0o644);
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("new"));

        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&path, &link).unwrap_or_else(|e| panic!("{e}"));
        write_atomically(&link, b"through").unwrap_or_else(|e| panic!("{e}"));
        assert!(fs::symlink_metadata(&link)
            .unwrap_or_else(|e| panic!("{e}"))
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("through"));
        assert_eq!(mode(&path), 0o644);

        let fresh = dir.path().join("fresh.yaml");
        write_atomically(&fresh, b"x").unwrap_or_else(|e| panic!("{e}"));
        let plain = dir.path().join("plain.yaml");
        fs::write(&plain, "x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mode(&fresh), mode(&plain), "a new file gets the usual mode");
        let leftovers = fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(leftovers, 0);
    }

    /// A hard-linked destination is copied into under an exclusive lock: a second writer of
    /// the same file (here the test, holding the lock) is waited for, so copies never
    /// interleave.
    #[cfg(unix)]
    #[test]
    fn an_in_place_write_waits_for_the_lock_of_the_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("out.json");
        fs::write(&path, "old").unwrap_or_else(|e| panic!("{e}"));
        fs::hard_link(&path, dir.path().join("other-name.json")).unwrap_or_else(|e| panic!("{e}"));
        let held = File::open(&path).unwrap_or_else(|e| panic!("{e}"));
        held.lock().unwrap_or_else(|e| panic!("{e}"));
        let writer = {
            let path = path.clone();
            std::thread::spawn(move || write_atomically(&path, b"new"))
        };
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("old"));
        held.unlock().unwrap_or_else(|e| panic!("{e}"));
        writer
            .join()
            .unwrap_or_else(|_| panic!("the writer"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("new"));
    }
}
