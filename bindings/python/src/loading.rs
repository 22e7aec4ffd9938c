//! Reading projects from disk, the `config` argument, and the resolved model.
//!
//! Three spots here wait for core APIs that other issues are adding; each is marked `WAITING:`
//! and is the only code that changes when its API lands:
//! - [`load_projects`]: the project-loading API (issue 4: `-f` stacking, `--project-directory`,
//!   repeatable `--env-file`).
//! - [`parse_config`]: the core's configuration type (issue 3: `LintOptions::config`).
//! - [`model_json`]: what `composeguard config --format json` prints (issue 4).

use pyo3::prelude::*;
use serde::Deserialize;

use composeguard::lint::LintOptions;
use composeguard::os_fs::OsFileSystem;
use composeguard_model::project::{decode_bytes, load_bytes, LoadOptions, Project};

use crate::errors::{failure, unreadable};

/// Which files make the project, as the caller named them.
pub struct FileOptions {
    pub paths: Vec<String>,
    pub project_directory: Option<String>,
    pub env_files: Vec<String>,
}

/// Why files the caller named could not be loaded (misuse or I/O, never invalid compose input).
pub enum LoadError {
    Io { path: String, error: std::io::Error },
    EnvFile { path: String, message: String },
    Unsupported(&'static str),
    Json(String),
}

impl LoadError {
    pub fn into_py_err(self, py: Python<'_>) -> PyErr {
        match self {
            Self::Io { path, error } => unreadable(py, &path, error),
            Self::EnvFile { path, message } => failure(format!("{path}: {message}")),
            Self::Unsupported(what) => pyo3::exceptions::PyNotImplementedError::new_err(what),
            Self::Json(message) => failure(format!("cannot serialize the model: {message}")),
        }
    }
}

/// WAITING: the project-loading API (issue 4). Until it lands, each path is its own project,
/// loaded exactly as `composeguard check` loads each of its paths today (the same core calls as
/// `crates/composeguard-cli`), so `lint_files(a, b)` equals `composeguard check a b`. When the API
/// lands, this function becomes one call that stacks `paths` into one project.
pub fn load_projects(files: &FileOptions, options: &LintOptions) -> Result<Vec<Project>, LoadError> {
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
            Ok(load_bytes(path, &bytes, &load, &OsFileSystem))
        })
        .collect()
}

/// What the `config` argument may set.
#[derive(Debug, Default)]
pub struct Settings {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

/// WAITING: the core's configuration (issue 3). Until `LintOptions` has a `config`, the
/// `config` mapping (the shape of `composeguard.toml`, passed here as JSON) may only hold
/// `select` and `ignore`; anything else is a `ConfigError`. When it lands, this deserializes the
/// core's own configuration type from the same JSON instead.
pub fn parse_config(json: &str) -> Result<Settings, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Shim {
        #[serde(default)]
        select: Vec<String>,
        #[serde(default)]
        ignore: Vec<String>,
    }
    let shim: Shim = serde_json::from_str(json).map_err(|e| format!("invalid configuration: {e}"))?;
    Ok(Settings { select: shim.select, ignore: shim.ignore })
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
        Some(project) => model_json(project),
        None => Ok("{}".into()),
    }
}

/// WAITING: `composeguard config --format json` (issue 4). Until the core can print the resolved
/// project as docker compose does, this serializes the core's typed model.
pub fn model_json(project: &Project) -> Result<String, LoadError> {
    serde_json::to_string(&project.compose).map_err(|e| LoadError::Json(e.to_string()))
}
