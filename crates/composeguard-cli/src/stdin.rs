//! `-` as a compose file: its text is read from standard input, as `docker compose -f -` reads it.
//! The project folder is then the current folder, as compose has it; `--stdin-filename PATH`
//! names the file the text stands for (an editor's unsaved buffer, a pre-commit hook's staged
//! copy), so findings show that path and `.env`, `env_file` and the configuration are found from
//! its folder.

use std::io::Read;

use composeguard::os_fs::{OsFileSystem, MAX_COMPOSE_READ_BYTES};
use composeguard_model::paths::join_clean;
use composeguard_model::project::{decode_bytes, FileSystem};

/// The compose file that stands for standard input on the command line.
pub const STDIN: &str = "-";

/// The real file system, but for one path, whose text is what standard input gave.
pub struct WithStdin {
    /// The path the loader reads the text at (the given name, resolved from the current folder).
    path: String,
    text: Vec<u8>,
}

impl WithStdin {
    /// Reads standard input for the file `name` (as given), which the loader finds from `cwd`;
    /// at most one byte more than `max_bytes`, the largest compose file read.
    pub fn read(name: &str, cwd: &str, max_bytes: usize) -> Result<Self, String> {
        let mut text = Vec::new();
        // one byte over the limit: the parser then reports the file as too large, with its
        // limit, rather than a cut text as an error somewhere inside
        let max = u64::try_from(max_bytes).unwrap_or(u64::MAX).min(MAX_COMPOSE_READ_BYTES).saturating_add(1);
        std::io::stdin()
            .lock()
            .take(max)
            .read_to_end(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(Self::new(name, cwd, text))
    }

    /// `text` as the file `name` (as given), which the loader finds from `cwd`.
    pub fn new(name: &str, cwd: &str, text: Vec<u8>) -> Self {
        Self { path: join_clean(cwd, name), text }
    }

    fn serves(&self, path: &str) -> bool {
        path == self.path
    }
}

impl FileSystem for WithStdin {
    fn read(&self, path: &str) -> Result<String, String> {
        if self.serves(path) {
            return Ok(decode_bytes(&self.text).0);
        }
        OsFileSystem.read(path)
    }

    fn exists(&self, path: &str) -> bool {
        self.serves(path) || OsFileSystem.exists(path)
    }

    fn is_dir(&self, path: &str) -> bool {
        !self.serves(path) && OsFileSystem.is_dir(path)
    }

    fn read_if_file(&self, path: &str) -> Option<Result<String, String>> {
        if self.serves(path) {
            return Some(self.read(path));
        }
        OsFileSystem.read_if_file(path)
    }

    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        if self.serves(path) {
            return Ok(self.text.clone());
        }
        OsFileSystem.read_bytes(path)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn serves_the_text_at_the_resolved_path_only() {
        let fs = WithStdin::new("-", "/work/app", b"services: {}\n".to_vec());
        assert_eq!(fs.read_bytes("/work/app/-").unwrap(), b"services: {}\n");
        assert!(fs.exists("/work/app/-") && !fs.is_dir("/work/app/-"));
        assert!(fs.read_if_file("/work/app/-").is_some());
        // any other path is the disk's
        assert!(fs.read_if_file("/nonexistent-composeguard-dir/-").is_none());
        let named = WithStdin::new("sub/../compose.yaml", "/work/app", Vec::new());
        assert!(named.exists("/work/app/compose.yaml"));
    }
}
