//! Projects and configuration from disk, and the resolved model: the Python arguments converted
//! into the core's options, and the core's errors into what `errors.rs` raises. The loading
//! itself is the core's, the same calls `composeguard check -f …` and `composeguard config` make
//! (`composeguard::disk`, `composeguard_model::config_output`).

use pyo3::prelude::*;

use composeguard::config::{self, Config, ConfigError as CoreConfigError};
use composeguard::disk::{self, ProjectError};
use composeguard::os_fs::OsFileSystem;
use composeguard_model::config_output;
use composeguard_model::project::{FileSystem, Project, ProjectOptions};

use crate::errors::{config_error, failure, unreadable, with_os_cause};

/// Why what the caller named could not be used (misuse or I/O, never invalid compose input).
pub enum LoadError {
    /// A compose file or env file the caller named that is not a readable file.
    Io { path: String, error: std::io::Error },
    /// No compose file at all.
    NoComposeFile(String),
    Config(String),
    /// A configuration file that cannot be read: the core's message, and the file.
    ConfigRead { message: String, path: String },
    Json(String),
}

impl LoadError {
    pub fn into_py_err(self, py: Python<'_>) -> PyErr {
        match self {
            Self::Io { path, error } => unreadable(py, &path, error),
            Self::NoComposeFile(message) => failure(message),
            // The core keeps only the reason's text; the file is opened again (and a byte read)
            // for the `OSError` that is the cause, as for a compose file.
            Self::ConfigRead { message, path } => match std::fs::File::open(&path).and_then(|mut f| std::io::Read::read(&mut f, &mut [0u8; 1])) {
                Err(error) => with_os_cause(py, failure(message), &path, error),
                Ok(_) => failure(message),
            },
            Self::Config(message) => config_error(message),
            Self::Json(message) => failure(format!("cannot serialize the model: {message}")),
        }
    }
}

impl From<CoreConfigError> for LoadError {
    fn from(e: CoreConfigError) -> Self {
        match e {
            CoreConfigError::Read { ref path, .. } => Self::ConfigRead { path: path.clone(), message: e.to_string() },
            CoreConfigError::Invalid { .. } => Self::Config(e.to_string()),
        }
    }
}

impl From<ProjectError> for LoadError {
    fn from(e: ProjectError) -> Self {
        match e {
            ProjectError::File { path, error } | ProjectError::EnvFile { path, error } => Self::Io { path, error },
            ProjectError::NoComposeFile(message) => Self::NoComposeFile(message),
        }
    }
}

/// The loader's options for `lint_files`/`load`, as `composeguard check -f A -f B
/// [--project-directory D] [--env-file E…] [--profile P…]` makes them from its command line:
/// relative paths are relative to the current folder, `env` stands for the process environment.
pub fn project_options(
    files: Vec<String>,
    project_directory: Option<String>,
    env_files: Vec<String>,
    profiles: Vec<String>,
    env: indexmap::IndexMap<String, String>,
) -> ProjectOptions {
    let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    ProjectOptions { files, cwd, project_directory, env_files, env: env.into(), profiles, ..ProjectOptions::default() }
}

/// Loads the project from disk, as the CLI does.
pub fn load_project(options: &ProjectOptions) -> Result<Project, LoadError> {
    Ok(disk::load_project(options)?)
}

/// The `config` argument: the table of a `composeguard.toml` (as JSON), or a configuration file.
pub enum ConfigArg {
    /// Found from the project's first compose file upwards, as `composeguard check` finds it.
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

    /// The configuration given explicitly (read before any compose file, as `--config` is).
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

    /// The configuration for `project`: the explicit one, or the one `composeguard check` finds
    /// for it.
    pub fn for_project(&self, explicit: Option<Config>, project: &Project) -> Result<Option<Config>, LoadError> {
        if explicit.is_some() || !matches!(self, Self::Discover) {
            return Ok(explicit);
        }
        Ok(disk::discover_config(project)?.map(|c| c.config))
    }
}

/// The resolved project as compact JSON: what `composeguard config --format json` prints (the
/// same document, without the indentation).
pub fn model_json(project: &Project, fs: &dyn FileSystem) -> Result<String, LoadError> {
    serde_json::to_string(&config_output::to_json(project, fs)).map_err(|e| LoadError::Json(e.to_string()))
}
