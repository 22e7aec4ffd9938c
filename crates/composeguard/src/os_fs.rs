//! The real file system, for the CLI, tests and the Python package (not compiled for wasm).

use std::io::Read;

use composeguard_model::project::FileSystem;

/// Files larger than this are not read through [`OsFileSystem`] (`.env`, `env_file`,
/// Dockerfiles): the compose file's own limit is `Limits::max_file_bytes`.
pub const MAX_READ_BYTES: u64 = 64 * 1024 * 1024;

/// At most this much of a compose file is read (`--max-file-size` can allow more than
/// [`MAX_READ_BYTES`], up to this).
pub const MAX_COMPOSE_READ_BYTES: u64 = 1024 * 1024 * 1024;

/// Reads files from disk (invalid UTF-8 is replaced with U+FFFD; compose files themselves are
/// read with `load_bytes`, which reports it).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsFileSystem;

impl FileSystem for OsFileSystem {
    fn read(&self, path: &str) -> Result<String, String> {
        let bytes = read_regular(path, MAX_READ_BYTES)?;
        if bytes.len() as u64 > MAX_READ_BYTES {
            return Err(format!("{path}: larger than {} MiB", MAX_READ_BYTES / 1024 / 1024));
        }
        Ok(composeguard_model::project::decode_bytes(&bytes).0)
    }

    fn exists(&self, path: &str) -> bool {
        std::path::Path::new(path).exists()
    }

    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        // compose files: the parser reports one over `Limits::max_file_bytes`; this bound only
        // keeps a file that grows while it is read from being read forever
        read_regular(path, MAX_COMPOSE_READ_BYTES)
    }

    fn is_dir(&self, path: &str) -> bool {
        std::path::Path::new(path).is_dir()
    }

    fn read_if_file(&self, path: &str) -> Option<Result<String, String>> {
        // one `open` for the usual absent `.env` (not a `stat`, then an `open`, then a `stat`)
        let (file, meta) = match open(path) {
            Ok(opened) => opened,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(_) if !self.exists(path) => return None,
            Err(e) => return Some(Err(format!("{path}: {}", io_problem(&e)))),
        };
        if meta.is_dir() {
            return None;
        }
        Some(regular(path, file, &meta, MAX_READ_BYTES).and_then(|bytes| {
            if bytes.len() as u64 > MAX_READ_BYTES {
                return Err(format!("{path}: larger than {} MiB", MAX_READ_BYTES / 1024 / 1024));
            }
            Ok(composeguard_model::project::decode_bytes(&bytes).0)
        }))
    }
}

/// Opens `path` for reading, and its metadata. On Unix the file is opened without blocking, so
/// opening a FIFO (`env_file: ./pipe`) returns at once: it is refused by its metadata, never read.
fn open(path: &str) -> std::io::Result<(std::fs::File, std::fs::Metadata)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    Ok((file, meta))
}

/// [`read_bounded`] for a regular file only: a device or a pipe (`env_file: /dev/zero`) is
/// never read.
fn read_regular(path: &str, max: u64) -> Result<Vec<u8>, String> {
    let (file, meta) = open(path).map_err(|e| format!("{path}: {}", io_problem(&e)))?;
    regular(path, file, &meta, max)
}

/// An I/O error in the words the messages use for a path (`no such file`, `is a directory`), not
/// the OS's with its number (`No such file or directory (os error 2)`).
pub fn io_problem(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => error.to_string(),
    }
}

/// The bytes of an opened file, if it is a regular file (at most `max + 1` of them).
fn regular(path: &str, file: std::fs::File, meta: &std::fs::Metadata, max: u64) -> Result<Vec<u8>, String> {
    if meta.is_dir() {
        return Err(format!("{path}: is a directory"));
    }
    if !meta.is_file() {
        return Err(format!("{path}: not a regular file"));
    }
    read_open(file, meta.len(), max).map_err(|e| format!("{path}: {e}"))
}

/// Reads at most `max + 1` bytes of a file (so a caller can tell it was larger than `max`
/// without reading all of an endless or huge input).
pub fn read_bounded(path: impl AsRef<std::path::Path>, max: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |m| m.len());
    read_open(file, size, max)
}

/// Reads an open file of `size` bytes (its metadata's), at most `max + 1` of them. A file that
/// says its size is read up to that size, without a last read to see the end: what it gains
/// while it is read is not read (a file of size 0, as in `/proc`, is read to its end).
fn read_open(mut file: std::fs::File, size: u64, max: u64) -> std::io::Result<Vec<u8>> {
    let limit = max.saturating_add(1);
    if size == 0 {
        let mut bytes = Vec::new();
        file.take(limit).read_to_end(&mut bytes)?;
        return Ok(bytes);
    }
    let want = usize::try_from(size.min(limit)).unwrap_or(usize::MAX);
    let mut bytes = vec![0; want];
    let mut filled = 0;
    while let Some(rest) = bytes.get_mut(filled..).filter(|r| !r.is_empty()) {
        match file.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok(bytes)
}
