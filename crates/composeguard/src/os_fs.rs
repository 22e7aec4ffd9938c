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
}

/// [`read_bounded`] for a regular file only: a device or a pipe (`env_file: /dev/zero`) is
/// never read.
fn read_regular(path: &str, max: u64) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{path}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{path}: not a regular file"));
    }
    read_bounded(path, max).map_err(|e| format!("{path}: {e}"))
}

/// Reads at most `max + 1` bytes of a file (so a caller can tell it was larger than `max`
/// without reading all of an endless or huge input).
pub fn read_bounded(path: impl AsRef<std::path::Path>, max: u64) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let hint = file.metadata().map_or(0, |m| m.len()).min(max.saturating_add(1));
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}
