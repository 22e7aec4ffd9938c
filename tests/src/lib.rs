//! Shared helpers for the workspace tests.

use std::path::{Path, PathBuf};

use composeguard::lint::{lint_project, LintOptions, Report};
use composeguard::os_fs::OsFileSystem;
use composeguard_model::project::{load_bytes, LoadOptions};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `../shared` beside the workspace, when present.
pub fn shared_dir() -> Option<PathBuf> {
    let p = workspace_root().join("..").join("shared");
    p.is_dir().then_some(p)
}

/// Lints a file on disk as `docker compose -f FILE` would load it: its folder is the project
/// folder, `.env` there is read, and the environment is `env` only.
pub fn lint_file(path: &Path, options: &LintOptions) -> Report {
    let bytes = std::fs::read(path).unwrap_or_default();
    let display = path.to_string_lossy();
    let load = LoadOptions { env: options.env.clone(), dotenv: true, limits: options.limits };
    let project = load_bytes(&display, &bytes, &load, &OsFileSystem);
    lint_project(&project, options, &OsFileSystem)
}

/// Whether docker compose would reject the file, by composeguard's verdict.
pub fn is_invalid(report: &Report) -> bool {
    report.is_invalid()
}
