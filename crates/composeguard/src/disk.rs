//! Projects and their configuration read from disk, as `composeguard check` and `composeguard
//! config` read them: what docker compose refuses before loading any file, and the configuration
//! found from the project's first compose file. The CLI and the Python package both call this, so
//! they behave the same (not compiled for wasm).

use std::io;
use std::path::Path;

use composeguard_model::project::{join_path, load_project as load, load_project_owned as load_owned, normalize_path, parent_dir, FileSystem, Project, ProjectOptions};
use composeguard_model::{IssueKind, Span};

use crate::config::{self, ConfigCache, ConfigError, LoadedConfig};
use crate::os_fs::OsFileSystem;

/// Why a project cannot be loaded at all (docker compose refuses it before reading the files).
/// What is wrong inside the files is never this: it is in the project's issues.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// A compose file (`-f`) that is not a file that can be read.
    #[error("cannot read {path}: {}", crate::os_fs::io_problem(.error))]
    File {
        path: String,
        #[source]
        error: io::Error,
    },
    /// An env file (`--env-file`) that is not a file that can be read.
    #[error("cannot read env file {path}: {}", crate::os_fs::io_problem(.error))]
    EnvFile {
        path: String,
        #[source]
        error: io::Error,
    },
    /// No compose file at all: none given, in `COMPOSE_FILE` or found.
    #[error("{0}")]
    NoComposeFile(String),
}

/// Loads the project `options` describe, reading the real file system (relative paths are
/// relative to `options.cwd`, or to the process's folder when it is empty). The env files and
/// compose files must be files; a project without any compose file is an `Err` too.
pub fn load_project(options: &ProjectOptions) -> Result<Project, ProjectError> {
    refuse(options, None)?;
    loaded(load(options, &OsFileSystem))
}

/// [`load_project`] taking the options (their environment becomes the project's variables
/// without a copy).
pub fn load_project_owned(options: ProjectOptions) -> Result<Project, ProjectError> {
    load_project_owned_with(options, &OsFileSystem, None)
}

/// [`load_project_owned`] reading through `fs`, which itself serves the compose file given as
/// `served` (the text of standard input): that one is not looked for on disk.
pub fn load_project_owned_with(options: ProjectOptions, fs: &dyn FileSystem, served: Option<&str>) -> Result<Project, ProjectError> {
    refuse(&options, served)?;
    loaded(load_owned(options, fs))
}

/// What docker compose refuses before reading any file: env files and compose files that are
/// not files (but `served`, which the file system has itself).
fn refuse(options: &ProjectOptions, served: Option<&str>) -> Result<(), ProjectError> {
    for path in &options.env_files {
        if let Some(error) = not_a_file(&options.cwd, path) {
            return Err(ProjectError::EnvFile { path: path.clone(), error });
        }
    }
    for path in options.files.iter().filter(|p| Some(p.as_str()) != served) {
        if let Some(error) = not_a_file(&options.cwd, path) {
            return Err(ProjectError::File { path: path.clone(), error });
        }
    }
    Ok(())
}

/// A loaded project, or the error for a project without any compose file.
fn loaded(project: Project) -> Result<Project, ProjectError> {
    if project.sources.is_empty() {
        if let Some(missing) = project.issues.iter().find(|i| i.kind == IssueKind::MissingFile && i.span == Span::default()) {
            return Err(ProjectError::NoComposeFile(missing.message.clone()));
        }
    }
    Ok(project)
}

/// Why `path` is not a readable file, if it is not one.
fn not_a_file(cwd: &str, path: &str) -> Option<io::Error> {
    let given = Path::new(path);
    let full = if cwd.is_empty() || given.is_absolute() { given.to_path_buf() } else { Path::new(cwd).join(given) };
    match std::fs::metadata(full) {
        Ok(meta) if meta.is_file() => None,
        Ok(meta) if meta.is_dir() => Some(io::Error::from(io::ErrorKind::IsADirectory)),
        Ok(_) => Some(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")),
        Err(error) => Some(error),
    }
}

/// The configuration for a project, as `composeguard check` finds it: from the folder of the
/// project's first compose file upwards (`composeguard.toml`, or `pyproject.toml` with
/// `[tool.composeguard]`).
pub fn discover_config(project: &Project) -> Result<Option<LoadedConfig>, ConfigError> {
    let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    discover_config_with(project, &cwd, &ConfigCache::default())
}

/// [`discover_config`] for one of many projects checked in a run, from the current folder `cwd`
/// (read once for the run), sharing what earlier searches found in `cache`.
///
/// The search starts from the first file's folder with `..` resolved, as docker compose resolves
/// it: `../other/compose.yaml` never finds the configuration of the current folder.
pub fn discover_config_with(project: &Project, cwd: &str, cache: &ConfigCache) -> Result<Option<LoadedConfig>, ConfigError> {
    let first = match project.files.first() {
        Some(file) => join_path(cwd, file),
        None => join_path(&project.working_dir, "compose.yaml"),
    };
    let dir = parent_dir(&normalize_path(&first));
    config::discover_with(&dir, &OsFileSystem, cache)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("composeguard-disk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn options(dir: &Path, files: &[&str], env_files: &[&str]) -> ProjectOptions {
        ProjectOptions {
            files: files.iter().map(|f| (*f).to_string()).collect(),
            env_files: env_files.iter().map(|f| (*f).to_string()).collect(),
            cwd: dir.to_string_lossy().into_owned(),
            ..ProjectOptions::default()
        }
    }

    #[test]
    fn files_must_be_files() {
        let dir = temp_dir("files");
        std::fs::write(dir.join("compose.yaml"), "services:\n  web:\n    image: nginx\n").unwrap();
        std::fs::create_dir(dir.join("sub")).unwrap();
        let project = load_project(&options(&dir, &["compose.yaml"], &[])).unwrap();
        assert_eq!(project.files, ["compose.yaml"]);
        let err = load_project(&options(&dir, &["missing.yaml"], &[])).unwrap_err();
        assert_eq!(err.to_string(), "cannot read missing.yaml: no such file");
        assert!(matches!(err, ProjectError::File { error, .. } if error.kind() == io::ErrorKind::NotFound));
        let err = load_project(&options(&dir, &["sub"], &[])).unwrap_err();
        assert!(matches!(err, ProjectError::File { error, .. } if error.kind() == io::ErrorKind::IsADirectory));
        let err = load_project(&options(&dir, &["compose.yaml"], &["x.env"])).unwrap_err();
        // the reason is said, as for a compose file (before, only `cannot read env file x.env`)
        assert_eq!(err.to_string(), "cannot read env file x.env: no such file");
        let err = load_project(&options(&dir, &["compose.yaml"], &["sub"])).unwrap_err();
        assert_eq!(err.to_string(), "cannot read env file sub: is a directory");
        let _ = std::fs::remove_dir_all(&dir);
        let empty = temp_dir("empty");
        let err = load_project(&options(&empty, &[], &[])).unwrap_err();
        assert!(matches!(err, ProjectError::NoComposeFile(_)), "{err}");
        let _ = std::fs::remove_dir_all(&empty);
    }

    #[test]
    fn configuration_from_the_first_file() {
        let dir = temp_dir("config");
        std::fs::create_dir(dir.join("app")).unwrap();
        std::fs::write(dir.join("app/compose.yaml"), "services:\n  web:\n    image: nginx\n").unwrap();
        std::fs::write(dir.join("composeguard.toml"), "fail-on = \"warning\"\n").unwrap();
        let project = load_project(&options(&dir, &[&dir.join("app/compose.yaml").to_string_lossy()], &[])).unwrap();
        let found = discover_config(&project).unwrap().unwrap();
        assert_eq!(config::fail_level(Some(&found.config)), crate::Severity::Warning);
        assert_eq!(config::fail_level(None), crate::Severity::Error);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn configuration_of_a_sibling_folder_is_its_own() {
        // `check ../app/compose.yaml` from `tools/`: `tools/` is not a folder above `app/`
        let dir = temp_dir("sibling");
        std::fs::create_dir(dir.join("app")).unwrap();
        std::fs::create_dir(dir.join("tools")).unwrap();
        std::fs::write(dir.join("app/compose.yaml"), "services:\n  web:\n    image: nginx\n").unwrap();
        std::fs::write(dir.join("tools/composeguard.toml"), "fail-on = \"warning\"\n").unwrap();
        let tools = dir.join("tools").to_string_lossy().into_owned();
        let project = load_project(&options(Path::new(&tools), &["../app/compose.yaml"], &[])).unwrap();
        assert_eq!(discover_config_with(&project, &tools, &ConfigCache::default()).unwrap().map(|c| c.path), None);
        // while from a folder above, the search does reach it
        std::fs::write(dir.join("composeguard.toml"), "fail-on = \"warning\"\n").unwrap();
        let found = discover_config_with(&project, &tools, &ConfigCache::default()).unwrap().unwrap();
        assert_eq!(found.path, dir.join("composeguard.toml").to_string_lossy());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
