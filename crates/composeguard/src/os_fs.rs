//! The real file system, for the CLI, tests and the Python package (not compiled for wasm).

use composeguard_model::project::FileSystem;

/// Reads files from disk (invalid UTF-8 is replaced with U+FFFD; compose files themselves are
/// read with `load_bytes`, which reports it).
#[derive(Clone, Copy, Debug, Default)]
pub struct OsFileSystem;

impl FileSystem for OsFileSystem {
    fn read(&self, path: &str) -> Result<String, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        Ok(composeguard_model::project::decode_bytes(&bytes).0)
    }

    fn exists(&self, path: &str) -> bool {
        std::path::Path::new(path).exists()
    }

    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| format!("{path}: {e}"))
    }

    fn is_dir(&self, path: &str) -> bool {
        std::path::Path::new(path).is_dir()
    }
}

