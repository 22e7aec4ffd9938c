//! Reading projects and configuration from disk, and the resolved model.
//!
//! Two spots here wait for the project-loading API (issue 4); each is marked `WAITING:` and is
//! the only code that changes when it lands:
//! - [`load_projects`]: `-f` stacking, `--project-directory`, repeatable `--env-file`
//!   (`load_project(&ProjectOptions, fs)`).
//! - [`model_json`]: what `composeguard config --format json` prints.

use std::path::{Path, PathBuf};

use pyo3::prelude::*;

use composeguard::config::{self, Config, ConfigError as CoreConfigError};
use composeguard::lint::LintOptions;
use composeguard::os_fs::OsFileSystem;
use composeguard::Severity;
use composeguard_model::project::{decode_bytes, load_bytes, LoadOptions, Project};

use crate::errors::{config_error, failure, unreadable};

/// Which files make the project, as the caller named them.
pub struct FileOptions {
    pub paths: Vec<String>,
    pub project_directory: Option<String>,
    pub env_files: Vec<String>,
}

/// Why what the caller named could not be used (misuse or I/O, never invalid compose input).
pub enum LoadError {
    Io { path: String, error: std::io::Error },
    EnvFile { path: String, message: String },
    Config(String),
    ConfigRead(String),
    Unsupported(&'static str),
    Json(String),
}

impl LoadError {
    pub fn into_py_err(self, py: Python<'_>) -> PyErr {
        match self {
            Self::Io { path, error } => unreadable(py, &path, error),
            Self::EnvFile { path, message } => failure(format!("{path}: {message}")),
            Self::Config(message) => config_error(message),
            Self::ConfigRead(message) => failure(message),
            Self::Unsupported(what) => pyo3::exceptions::PyNotImplementedError::new_err(what),
            Self::Json(message) => failure(format!("cannot serialize the model: {message}")),
        }
    }
}

impl From<CoreConfigError> for LoadError {
    fn from(e: CoreConfigError) -> Self {
        match e {
            CoreConfigError::Read { .. } => Self::ConfigRead(e.to_string()),
            CoreConfigError::Invalid { .. } => Self::Config(e.to_string()),
        }
    }
}

/// The `config` argument: the table of a `composeguard.toml` (as JSON), or a configuration file.
pub enum ConfigArg {
    /// Found from each compose file's folder upwards, as `composeguard check` finds it.
    Discover,
    /// None at all (text handed in directly has no folder to search).
    Nothing,
    Table(String),
    File(String),
}

impl ConfigArg {
    pub fn new(json: Option<String>, path: Option<String>, otherwise: Self) -> Self {
        match (json, path) {
            (Some(json), _) => Self::Table(json),
            (None, Some(path)) => Self::File(path),
            (None, None) => otherwise,
        }
    }

    /// The configuration given explicitly, read once for every file of a run.
    pub fn explicit(&self) -> Result<Option<Config>, LoadError> {
        match self {
            Self::Discover | Self::Nothing => Ok(None),
            Self::Table(json) => {
                let config: Config = serde_json::from_str(json).map_err(|e| LoadError::Config(format!("config: {e}")))?;
                config.validate("config")?;
                Ok(Some(config))
            }
            Self::File(path) => Ok(Some(config::load(path, &OsFileSystem)?.config)),
        }
    }

    /// The configuration for the compose file at `path`: the explicit one, or the one found
    /// from its folder upwards (as the CLI does).
    pub fn for_file(&self, explicit: Option<&Config>, path: &str) -> Result<Option<Config>, LoadError> {
        if explicit.is_some() || !matches!(self, Self::Discover) {
            return Ok(explicit.cloned());
        }
        let path = Path::new(path);
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = absolute.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(config::discover(&dir.to_string_lossy(), &OsFileSystem)?.map(|c| c.config))
    }
}

/// The level `composeguard check` fails at under `config` (its `fail-on`, else `error`).
pub fn fail_level(config: Option<&Config>) -> Severity {
    config.and_then(|c| c.fail_on).map_or(Severity::Error, Severity::from)
}

/// WAITING: the project-loading API (issue 4). Until it lands, each path is its own project,
/// loaded exactly as `composeguard check` loads each of its paths today (the same core calls as
/// `crates/composeguard-cli`), so `lint_files(a, b)` equals `composeguard check a b`. When the API
/// lands, this function becomes one `load_project` call that stacks `paths` into one project.
pub fn load_projects(files: &FileOptions, options: &LintOptions) -> Result<Vec<(String, Project)>, LoadError> {
    if files.project_directory.is_some() {
        return Err(LoadError::Unsupported("project_directory needs the project-loading API (not in the core yet)"));
    }
    let mut load = LoadOptions { env: options.env.clone(), dotenv: options.dotenv, limits: options.limits };
    for path in &files.env_files {
        let bytes = std::fs::read(path).map_err(|error| LoadError::Io { path: path.clone(), error })?;
        let entries = composeguard_model::dotenv::parse(&decode_bytes(&bytes).0, &options.env)
            .map_err(|e| LoadError::EnvFile { path: path.clone(), message: e.to_string() })?;
        for e in entries {
            load.env.entry(e.key).or_insert(e.value);
        }
    }
    files
        .paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|error| LoadError::Io { path: path.clone(), error })?;
            Ok((path.clone(), load_bytes(path, &bytes, &load, &OsFileSystem)))
        })
        .collect()
}

/// The resolved model of the project that `files` make.
pub fn load_model(files: &FileOptions, options: &LintOptions) -> Result<String, LoadError> {
    if files.paths.len() > 1 {
        return Err(LoadError::Unsupported("stacking several files needs the project-loading API (not in the core yet)"));
    }
    if !options.profiles.is_empty() {
        return Err(LoadError::Unsupported("profiles in load() need the project-loading API (not in the core yet)"));
    }
    let projects = load_projects(files, options)?;
    match projects.first() {
        Some((_, project)) => model_json(project),
        None => Ok("{}".into()),
    }
}

/// WAITING: `composeguard config --format json` (issue 4). Until the core can print the resolved
/// project as docker compose does, this serializes the core's typed model.
pub fn model_json(project: &Project) -> Result<String, LoadError> {
    serde_json::to_string(&project.compose).map_err(|e| LoadError::Json(e.to_string()))
}
