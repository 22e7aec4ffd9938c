//! `composeguard._core`: the native module behind the `composeguard` Python package.
//!
//! It only converts: Python arguments into the core's options, the core's report into frozen
//! Python objects (columns in code points, as Python counts), and errors into the exceptions that
//! `composeguard/__init__.py` defines. Linting runs with the GIL released. The typed, documented
//! API is the Python facade; this module is private.

mod errors;
mod loading;
mod types;

use std::ffi::OsString;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use composeguard::lint::{lint_project, LintOptions};
use composeguard::os_fs::OsFileSystem;
use composeguard_model::project::{load_bytes, load_text, LoadOptions, NoFiles, Project};

use crate::errors::{config_error, unknown_rule};
use crate::loading::FileOptions;
use crate::types::{Diagnostic, Edit, Fix, Related, Report, Rule, Suppression};

/// Compose text as handed in: text, or bytes that may not be UTF-8.
enum Source {
    Text(String),
    Bytes(Vec<u8>),
}

/// Reads `text` (a `str` or `bytes`). A `str` with lone surrogates (a file decoded with
/// `surrogateescape`) goes in as the bytes it stands for, so the core reports the invalid UTF-8
/// at its offset instead of this call raising.
fn source_of(text: &Bound<'_, PyAny>) -> PyResult<Source> {
    if let Ok(bytes) = text.cast::<PyBytes>() {
        return Ok(Source::Bytes(bytes.as_bytes().to_vec()));
    }
    let Ok(s) = text.cast::<PyString>() else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "text must be str or bytes, not {}",
            text.get_type().name()?
        )));
    };
    if let Ok(cow) = s.to_cow() {
        return Ok(Source::Text(cow.into_owned()));
    }
    let encoded = s
        .call_method1("encode", ("utf-8", "surrogateescape"))
        .or_else(|_| s.call_method1("encode", ("utf-8", "surrogatepass")))?;
    Ok(Source::Bytes(encoded.cast::<PyBytes>()?.as_bytes().to_vec()))
}

/// The core's options for a run.
fn lint_options(env: indexmap::IndexMap<String, String>, dotenv: bool, profiles: Vec<String>, config: Option<&str>) -> PyResult<LintOptions> {
    let settings = match config {
        Some(json) => loading::parse_config(json).map_err(config_error)?,
        None => loading::Settings::default(),
    };
    Ok(LintOptions { env, dotenv, profiles, select: settings.select, ignore: settings.ignore, ..LintOptions::default() })
}

/// Lints one compose file given as text; nothing else is read (no `.env`, no `env_file`).
#[pyfunction]
#[pyo3(signature = (text, path, env, config))]
fn lint(py: Python<'_>, text: &Bound<'_, PyAny>, path: &str, env: indexmap::IndexMap<String, String>, config: Option<&str>) -> PyResult<Report> {
    let source = source_of(text)?;
    let options = lint_options(env, false, Vec::new(), config)?;
    let linted = py.detach(|| {
        let load = LoadOptions { env: options.env.clone(), dotenv: false, limits: options.limits };
        let project = match &source {
            Source::Text(t) => load_text(path, t, &load, &NoFiles),
            Source::Bytes(b) => load_bytes(path, b, &load, &NoFiles),
        };
        types::Linted::of(&project, lint_project(&project, &options, &NoFiles))
    });
    Report::new(py, linted)
}

/// Lints compose files read from disk, as `composeguard check -f …` does.
#[pyfunction]
#[pyo3(signature = (paths, project_directory, env_files, profiles, env, config))]
fn lint_files(
    py: Python<'_>,
    paths: Vec<String>,
    project_directory: Option<String>,
    env_files: Vec<String>,
    profiles: Vec<String>,
    env: indexmap::IndexMap<String, String>,
    config: Option<&str>,
) -> PyResult<Report> {
    let options = lint_options(env, env_files.is_empty(), profiles, config)?;
    let files = FileOptions { paths, project_directory, env_files };
    let linted = py.detach(|| -> Result<types::Linted, loading::LoadError> {
        let mut all = types::Linted::default();
        for project in &loading::load_projects(&files, &options)? {
            all.extend(types::Linted::of(project, lint_project(project, &options, &OsFileSystem)));
        }
        Ok(all)
    });
    Report::new(py, linted.map_err(|e| e.into_py_err(py))?)
}

/// The resolved model of compose files as JSON (what `composeguard config --format json` prints).
#[pyfunction]
#[pyo3(signature = (paths, project_directory, env_files, profiles, env))]
fn load_json(
    py: Python<'_>,
    paths: Vec<String>,
    project_directory: Option<String>,
    env_files: Vec<String>,
    profiles: Vec<String>,
    env: indexmap::IndexMap<String, String>,
) -> PyResult<String> {
    let options = LintOptions { env, dotenv: env_files.is_empty(), profiles, ..LintOptions::default() };
    let files = FileOptions { paths, project_directory, env_files };
    py.detach(|| loading::load_model(&files, &options)).map_err(|e| e.into_py_err(py))
}

/// The resolved model of compose text as JSON (nothing else is read).
#[pyfunction]
#[pyo3(signature = (text, path, env))]
fn loads_json(py: Python<'_>, text: &Bound<'_, PyAny>, path: &str, env: indexmap::IndexMap<String, String>) -> PyResult<String> {
    let source = source_of(text)?;
    let load = LoadOptions { env, dotenv: false, ..LoadOptions::default() };
    py.detach(|| {
        let project: Project = match &source {
            Source::Text(t) => load_text(path, t, &load, &NoFiles),
            Source::Bytes(b) => load_bytes(path, b, &load, &NoFiles),
        };
        loading::model_json(&project)
    })
    .map_err(|e| e.into_py_err(py))
}

/// Every rule: the spec checks, then the checklist rules, in code order.
#[pyfunction]
fn rules() -> Vec<Rule> {
    composeguard::rules::all_metas().into_iter().map(Rule::from).collect()
}

/// A rule's documentation (markdown), by name or code.
#[pyfunction]
fn explain(name: &str) -> PyResult<String> {
    composeguard::rules::find(name).map(composeguard::RuleMeta::docs_text).ok_or_else(|| unknown_rule(name))
}

/// Runs the `composeguard` command (the Rust CLI's own code) with `argv` (program name first) and
/// returns its exit code.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<OsString>) -> u8 {
    py.detach(|| composeguard_cli::run(argv))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Report>()?;
    m.add_class::<Diagnostic>()?;
    m.add_class::<Related>()?;
    m.add_class::<Fix>()?;
    m.add_class::<Edit>()?;
    m.add_class::<Suppression>()?;
    m.add_class::<Rule>()?;
    m.add_function(wrap_pyfunction!(lint, m)?)?;
    m.add_function(wrap_pyfunction!(lint_files, m)?)?;
    m.add_function(wrap_pyfunction!(load_json, m)?)?;
    m.add_function(wrap_pyfunction!(loads_json, m)?)?;
    m.add_function(wrap_pyfunction!(rules, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    Ok(())
}
