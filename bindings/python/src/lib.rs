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

use composeguard::config;
use composeguard::lint::{lint_loaded, lint_project, LintOptions};
use composeguard::os_fs::OsFileSystem;
use composeguard_model::project::{load_bytes, load_text, LoadOptions, NoFiles};
use composeguard_model::PositionEncoding;

use crate::errors::unknown_rule;
use crate::loading::{ConfigArg, LoadError};
use crate::types::{Diagnostic, Edit, Fix, Related, Report, Rule, Suppression};

/// How columns are counted: in code points, as Python indexes strings and as the CLI counts them
/// in every format (`Report.to_json()` and `render()` print what `composeguard check` prints).
const COLUMNS: PositionEncoding = PositionEncoding::CodePoints;

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

/// `select` and `ignore` name rules, codes, code prefixes or categories; one that names nothing
/// is a `ConfigError`, with a "did you mean", as in a configuration; so is an `ignore` entry that
/// names only spec error rules, which cannot be ignored.
fn check_selectors(select: &[String], ignore: &[String]) -> PyResult<()> {
    for entry in select {
        config::parse_selector(entry).map_err(|message| errors::config_error(format!("select: {message}")))?;
    }
    for entry in ignore {
        config::parse_ignore(entry).map_err(|message| errors::config_error(format!("ignore: {message}")))?;
    }
    Ok(())
}

/// Lints one compose file given as text; nothing else is read (no `.env`, no `env_file`, no
/// configuration file unless `config_path` names one).
#[pyfunction]
#[pyo3(signature = (text, path, env, config_json, config_path, select, ignore, profiles))]
#[allow(clippy::too_many_arguments)]
fn lint(
    py: Python<'_>,
    text: &Bound<'_, PyAny>,
    path: &str,
    env: indexmap::IndexMap<String, String>,
    config_json: Option<String>,
    config_path: Option<String>,
    select: Vec<String>,
    ignore: Vec<String>,
    profiles: Vec<String>,
) -> PyResult<Report> {
    let source = source_of(text)?;
    check_selectors(&select, &ignore)?;
    let config_arg = ConfigArg::new(config_json, config_path, ConfigArg::Nothing);
    let linted = py.detach(|| -> Result<types::Linted, LoadError> {
        let config = config_arg.explicit()?;
        let level = config::fail_level(config.as_ref());
        let options = LintOptions { config, env, select, ignore, profiles, encoding: COLUMNS, ..LintOptions::default() };
        let load = LoadOptions { env: options.env.clone(), dotenv: false, limits: options.limits };
        let project = match &source {
            Source::Text(t) => load_text(path, t, &load, &NoFiles),
            Source::Bytes(b) => load_bytes(path, b, &load, &NoFiles),
        };
        let bom = match &source {
            Source::Text(t) => t.starts_with('\u{feff}'),
            Source::Bytes(b) => b.starts_with(b"\xef\xbb\xbf"),
        };
        Ok(types::Linted::of(&project, lint_project(&project, &options, &NoFiles), level, bom.then_some(path)))
    });
    Report::new(py, linted.map_err(|e| e.into_py_err(py))?)
}

/// Lints compose files read from disk, stacked into one project as `composeguard check -f A -f B`
/// stacks them (the configuration found from the project's first file, unless one is given).
#[pyfunction]
#[pyo3(signature = (paths, project_directory, env_files, profiles, env, config_json, config_path, select, ignore))]
#[allow(clippy::too_many_arguments)]
fn lint_files(
    py: Python<'_>,
    paths: Vec<String>,
    project_directory: Option<String>,
    env_files: Vec<String>,
    profiles: Vec<String>,
    env: indexmap::IndexMap<String, String>,
    config_json: Option<String>,
    config_path: Option<String>,
    select: Vec<String>,
    ignore: Vec<String>,
) -> PyResult<Report> {
    check_selectors(&select, &ignore)?;
    let options = loading::project_options(paths, project_directory, env_files, profiles, env);
    let config_arg = ConfigArg::new(config_json, config_path, ConfigArg::Discover);
    let linted = py.detach(|| -> Result<types::Linted, LoadError> {
        let explicit = config_arg.explicit()?;
        let project = loading::load_project(&options)?;
        let config = config_arg.for_project(explicit, &project)?;
        let level = config::fail_level(config.as_ref());
        let report = lint_loaded(&project, &LintOptions { config, select, ignore, encoding: COLUMNS, ..LintOptions::default() }, &OsFileSystem);
        Ok(types::Linted::of(&project, report, level, None))
    });
    Report::new(py, linted.map_err(|e| e.into_py_err(py))?)
}

/// The resolved project of compose files stacked as `-f` stacks them, as JSON: what
/// `composeguard config --format json` prints.
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
    let options = loading::project_options(paths, project_directory, env_files, profiles, env);
    py.detach(|| loading::model_json(&loading::load_project(&options)?, &OsFileSystem)).map_err(|e| e.into_py_err(py))
}

/// The resolved project of compose text as JSON, loaded as `lint` loads it (nothing else is
/// read).
#[pyfunction]
#[pyo3(signature = (text, path, env))]
fn loads_json(py: Python<'_>, text: &Bound<'_, PyAny>, path: &str, env: indexmap::IndexMap<String, String>) -> PyResult<String> {
    let source = source_of(text)?;
    let load = LoadOptions { env, dotenv: false, ..LoadOptions::default() };
    py.detach(|| {
        let project = match &source {
            Source::Text(t) => load_text(path, t, &load, &NoFiles),
            Source::Bytes(b) => load_bytes(path, b, &load, &NoFiles),
        };
        loading::model_json(&project, &NoFiles)
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
