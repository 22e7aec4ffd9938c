//! The frozen Python objects: `Report`, `Diagnostic` and its parts, `Rule`.
//!
//! Positions are what Python counts: 1-based lines, columns in code points (the core locates the
//! spans so, as for the CLI); offsets stay UTF-8 byte offsets, as in the JSON report.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use composeguard::diagnostic::{Diagnostic as CoreDiagnostic, Position};
use composeguard::lint::Report as CoreReport;
use composeguard::output::Format;
use composeguard::rule::RuleMeta;
use composeguard::Severity;
use composeguard_model::project::Project;
use composeguard_model::yaml::{Mapping, Node};

use crate::errors::config_error;

/// Python's `repr` of a string.
fn repr(py: Python<'_>, s: &str) -> PyResult<String> {
    Ok(PyString::new(py, s).repr()?.to_cow()?.into_owned())
}

/// A tuple of new Python objects.
fn tuple<'py, T>(py: Python<'py>, items: impl IntoIterator<Item = T>) -> PyResult<Bound<'py, PyTuple>>
where
    T: IntoPyObject<'py>,
{
    PyTuple::new(py, items.into_iter().collect::<Vec<T>>())
}

/// One step of a diagnostic's `path`: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Splits the core's model path (`services.web.ports[0]`) into its steps. The core writes keys
/// unescaped, so a key with a dot (`com.example.role`, a service `web.v2`) is found by following
/// the project's YAML tree; past what the tree holds (a key the finding says is missing), the rest
/// splits at dots and brackets.
///
/// WAITING: the core exposing path segments; then this becomes a plain conversion.
pub fn segments<'a>(path: &str, root: Option<&'a Node>, index: &mut KeyIndex<'a>) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut node = root;
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            if let Some((digits, tail)) = after.split_once(']') {
                if let Ok(i) = digits.parse::<usize>() {
                    out.push(Segment::Index(i));
                    node = node.and_then(Node::as_seq).and_then(|items| items.get(i));
                    rest = tail;
                    continue;
                }
            }
        }
        let rest_key = rest.strip_prefix('.').unwrap_or(rest);
        // the longest key of this mapping that the path continues with
        let known = node.and_then(Node::as_map).and_then(|m| index.longest(m, rest_key));
        let (key, next) = if let Some((k, v)) = known {
            (k, Some(v))
        } else {
            let end = rest_key.find(['.', '[']).unwrap_or(rest_key.len());
            let end = if end == 0 { rest_key.len() } else { end };
            (rest_key.get(..end).unwrap_or(rest_key), None)
        };
        out.push(Segment::Key(key.to_string()));
        node = next;
        rest = rest_key.get(key.len()..).unwrap_or("");
    }
    out
}

/// Finds a path's next key in the project's mappings. A big mapping (the `services` of a large
/// file) is indexed by key once, rather than scanned for each diagnostic, which made a file with
/// thousands of services and findings take time in the square of their number.
#[derive(Default)]
pub struct KeyIndex<'a> {
    maps: std::collections::HashMap<*const Mapping, std::collections::HashMap<&'a str, &'a Node>>,
}

impl<'a> KeyIndex<'a> {
    /// Mappings up to this size are scanned.
    const SCAN: usize = 32;

    /// The longest key of `m` that `rest` starts with, followed by nothing, `.` or `[`.
    fn longest(&mut self, m: &'a Mapping, rest: &str) -> Option<(&'a str, &'a Node)> {
        if m.len() <= Self::SCAN {
            return m
                .iter()
                .filter(|(k, _)| !k.name.is_empty() && rest.strip_prefix(k.name.as_str()).is_some_and(|t| t.is_empty() || t.starts_with(['.', '['])))
                .max_by_key(|(k, _)| k.name.len())
                .map(|(k, v)| (k.name.as_str(), v));
        }
        let keys = self
            .maps
            .entry(std::ptr::from_ref(m))
            .or_insert_with(|| m.iter().filter(|(k, _)| !k.name.is_empty()).map(|(k, v)| (k.name.as_str(), v)).collect());
        // each place the key may end, the longest first
        let ends: Vec<usize> = rest.match_indices(['.', '[']).map(|(i, _)| i).chain(std::iter::once(rest.len())).collect();
        ends.into_iter().rev().filter(|&e| e > 0).find_map(|e| rest.get(..e).and_then(|k| keys.get_key_value(k)).map(|(k, v)| (*k, *v)))
    }
}

/// The core's report (for JSON, SARIF and human output), its diagnostics converted, and whether
/// `composeguard check` would pass (each project at its configuration's `fail-on`).
pub struct Linted {
    pub report: CoreReport,
    pub diagnostics: Vec<Diagnostic>,
    pub passes: bool,
}

impl Linted {
    /// Converts a project's report; `level` is where `composeguard check` fails for it.
    /// `bom` is the path of the text handed in, when it began with a byte order mark.
    pub fn of(project: &Project, report: CoreReport, level: Severity, bom: Option<&str>) -> Self {
        let mut index = KeyIndex::default();
        let diagnostics = report.diagnostics().map(|d| Diagnostic::new(d, project.root.as_ref(), &mut index, bom)).collect();
        let passes = report.passes(level);
        Self { report, diagnostics, passes }
    }
}

/// The result of a run: the diagnostics and counts by severity.
#[pyclass(frozen, module = "composeguard", name = "Report")]
pub struct Report {
    inner: CoreReport,
    diagnostics: Py<PyTuple>,
    passes: bool,
}

impl Report {
    pub fn new(py: Python<'_>, linted: Linted) -> PyResult<Self> {
        let objects = linted.diagnostics.into_iter().map(|d| Py::new(py, d)).collect::<PyResult<Vec<_>>>()?;
        Ok(Self { inner: linted.report, diagnostics: tuple(py, objects)?.unbind(), passes: linted.passes })
    }
}

#[pymethods]
impl Report {
    #[getter]
    fn diagnostics(&self, py: Python<'_>) -> Py<PyTuple> {
        self.diagnostics.clone_ref(py)
    }

    /// The files checked, in order.
    #[getter]
    fn files<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.inner.files.iter().map(|f| f.path.as_str()))
    }

    #[getter]
    fn error_count(&self) -> usize {
        self.inner.summary.error
    }

    #[getter]
    fn warning_count(&self) -> usize {
        self.inner.summary.warning
    }

    #[getter]
    fn info_count(&self) -> usize {
        self.inner.summary.info
    }

    /// `{"error": n, "warning": n, "info": n}`, as in the JSON report.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("error", self.inner.summary.error)?;
        d.set_item("warning", self.inner.summary.warning)?;
        d.set_item("info", self.inner.summary.info)?;
        Ok(d)
    }

    /// Whether docker compose accepts the files (no `spec` error).
    #[getter]
    fn valid(&self) -> bool {
        !self.inner.is_invalid()
    }

    /// Whether nothing unsuppressed is at or above `fail_on` (`composeguard check --fail-on`
    /// exits 0); without it, at the configuration's `fail-on`, else `error`.
    #[pyo3(signature = (fail_on = None))]
    fn ok(&self, fail_on: Option<&str>) -> PyResult<bool> {
        match fail_on {
            None => Ok(self.passes),
            Some(level) => Ok(self.inner.passes(level.parse::<Severity>().map_err(config_error)?)),
        }
    }

    /// The report in one of `composeguard check`'s formats: `human` (no colour), `json`,
    /// `sarif`, `github`, `junit`, `gitlab`.
    #[pyo3(signature = (format = "human"))]
    fn render(&self, format: &str) -> PyResult<String> {
        let format: Format = format.parse().map_err(config_error)?;
        Ok(composeguard::output::render(&self.inner, format, false))
    }

    /// What `composeguard check --format json` prints (columns in characters, as the CLI counts).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// What `composeguard check --format sarif` prints: a SARIF 2.1.0 log.
    fn to_sarif(&self) -> String {
        composeguard::output::sarif::render(&self.inner)
    }

    /// What `composeguard check` prints, without colour.
    fn __str__(&self) -> String {
        let text = composeguard::output::human::render(&self.inner, false);
        text.strip_suffix('\n').unwrap_or(&text).to_string()
    }

    fn __repr__(&self) -> String {
        let s = self.inner.summary;
        format!("<Report files={} error={} warning={} info={}>", self.inner.files.len(), s.error, s.warning, s.info)
    }
}

/// A secondary location: the anchor behind an alias, the first duplicate, the file that set a value.
#[pyclass(frozen, eq, hash, get_all, module = "composeguard", name = "Related")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Related {
    pub file: String,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub start_offset: u32,
    pub end_offset: u32,
    pub message: String,
}

#[pymethods]
impl Related {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<Related {}:{}:{} {}>", self.file, self.start_line, self.start_column, repr(py, &self.message)?))
    }
}

/// One text replacement of a fix.
#[pyclass(frozen, eq, hash, get_all, module = "composeguard", name = "Edit")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: String,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub start_offset: u32,
    pub end_offset: u32,
    pub replacement: String,
}

#[pymethods]
impl Edit {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<Edit {}:{}:{} {}>", self.file, self.start_line, self.start_column, repr(py, &self.replacement)?))
    }
}

/// A fix: edits that resolve the finding.
#[pyclass(frozen, eq, hash, module = "composeguard", name = "Fix")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    #[pyo3(get)]
    pub description: String,
    pub edits: Vec<Edit>,
}

#[pymethods]
impl Fix {
    #[getter]
    fn edits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.edits.iter().cloned())
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("<Fix {} edits={}>", repr(py, &self.description)?, self.edits.len()))
    }
}

/// Why a finding does not count: an inline comment, the configuration or a baseline waives it.
#[pyclass(frozen, eq, hash, get_all, module = "composeguard", name = "Suppression")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Suppression {
    pub kind: String,
    pub reason: Option<String>,
}

#[pymethods]
impl Suppression {
    fn __repr__(&self) -> String {
        format!("<Suppression {}>", self.kind)
    }
}

/// One finding.
#[pyclass(frozen, eq, hash, module = "composeguard", name = "Diagnostic")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    #[pyo3(get)]
    pub rule: String,
    #[pyo3(get)]
    pub code: String,
    #[pyo3(get)]
    pub category: &'static str,
    #[pyo3(get)]
    pub severity: &'static str,
    #[pyo3(get)]
    pub message: String,
    #[pyo3(get)]
    pub file: String,
    pub path: Vec<Segment>,
    #[pyo3(get)]
    pub start_line: u32,
    #[pyo3(get)]
    pub start_column: u32,
    #[pyo3(get)]
    pub end_line: u32,
    #[pyo3(get)]
    pub end_column: u32,
    #[pyo3(get)]
    pub start_offset: u32,
    #[pyo3(get)]
    pub end_offset: u32,
    #[pyo3(get)]
    pub help: Option<String>,
    pub related: Vec<Related>,
    #[pyo3(get)]
    pub fix: Option<Fix>,
    pub profiles: Vec<String>,
    #[pyo3(get)]
    pub suppression: Option<Suppression>,
}

/// Line and column of a position the core located in code points, with its byte offset. The
/// core drops a byte order mark; in the file whose text began with one (`bom`, its path), the
/// positions are given back in that text: one more column on the first line, three more bytes.
fn at(p: Position, file: &str, bom: Option<&str>) -> (u32, u32, u32) {
    if bom == Some(file) {
        let column = if p.line == 1 { p.column.saturating_add(1) } else { p.column };
        return (p.line, column, p.offset.saturating_add(3));
    }
    (p.line, p.column, p.offset)
}

impl Diagnostic {
    /// Converts one of `report`'s diagnostics (located in code points).
    fn new<'a>(d: &CoreDiagnostic, root: Option<&'a Node>, index: &mut KeyIndex<'a>, bom: Option<&str>) -> Self {
        let d = d.clone();
        let (start_line, start_column, start_offset) = at(d.start, &d.file, bom);
        let (end_line, end_column, end_offset) = at(d.end, &d.file, bom);
        let related = d
            .related
            .into_iter()
            .map(|r| {
                let (start_line, start_column, start_offset) = at(r.start, &r.file, bom);
                let (end_line, end_column, end_offset) = at(r.end, &r.file, bom);
                Related { file: r.file, start_line, start_column, end_line, end_column, start_offset, end_offset, message: r.message }
            })
            .collect();
        let fix = d.fix.map(|f| Fix {
            description: f.description,
            edits: f
                .edits
                .into_iter()
                .map(|e| {
                    let (start_line, start_column, start_offset) = at(e.start, &e.file, bom);
                    let (end_line, end_column, end_offset) = at(e.end, &e.file, bom);
                    Edit { file: e.file, start_line, start_column, end_line, end_column, start_offset, end_offset, replacement: e.replacement }
                })
                .collect(),
        });
        Self {
            path: segments(&d.path, root, index),
            rule: d.rule.into_owned(),
            code: d.code.into_owned(),
            category: d.category.as_str(),
            severity: d.severity.as_str(),
            message: d.message,
            file: d.file.to_string(),
            start_line,
            start_column,
            end_line,
            end_column,
            start_offset,
            end_offset,
            help: d.help.map(std::borrow::Cow::into_owned),
            related,
            fix,
            profiles: d.profiles,
            suppression: d.suppression.map(|s| Suppression { kind: s.kind, reason: s.reason }),
        }
    }
}

#[pymethods]
impl Diagnostic {
    /// Where in the compose model, e.g. `("services", "web", "ports", 0)`.
    #[getter]
    fn path<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = self
            .path
            .iter()
            .map(|s| match s {
                Segment::Key(k) => Ok(PyString::new(py, k).into_any()),
                Segment::Index(i) => Ok(i.into_pyobject(py)?.into_any()),
            })
            .collect::<PyResult<Vec<_>>>()?;
        tuple(py, items)
    }

    #[getter]
    fn related<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.related.iter().cloned())
    }

    /// Profiles of the service the finding is about.
    #[getter]
    fn profiles<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.profiles.iter().map(String::as_str))
    }

    /// `compose.yaml:13:5: error[CG006 unknown-key] message`
    fn __str__(&self) -> String {
        format!("{}:{}:{}: {}[{} {}] {}", self.file, self.start_line, self.start_column, self.severity, self.code, self.rule, self.message)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "<Diagnostic {} {} {}:{}:{} {}>",
            self.code,
            self.rule,
            self.file,
            self.start_line,
            self.start_column,
            repr(py, &self.message)?
        ))
    }
}

/// A rule and its metadata (what `composeguard rules --format json` lists).
#[pyclass(frozen, eq, hash, module = "composeguard", name = "Rule")]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    #[pyo3(get)]
    pub name: &'static str,
    #[pyo3(get)]
    pub code: &'static str,
    #[pyo3(get)]
    pub category: &'static str,
    #[pyo3(get)]
    pub severity: &'static str,
    #[pyo3(get)]
    pub fixable: bool,
    #[pyo3(get)]
    pub default_enabled: bool,
    pub sources: &'static [&'static str],
    #[pyo3(get)]
    pub summary: String,
}

impl From<&'static RuleMeta> for Rule {
    fn from(m: &'static RuleMeta) -> Self {
        Self {
            name: m.name,
            code: m.code,
            category: m.category.as_str(),
            severity: m.severity.as_str(),
            fixable: m.fixable,
            default_enabled: m.default_enabled,
            sources: m.sources,
            summary: m.summary(),
        }
    }
}

#[pymethods]
impl Rule {
    /// Where the rule comes from ("KICS 451d79dc", "compose-lint CL-0002"…).
    #[getter]
    fn sources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        tuple(py, self.sources.iter().copied())
    }

    fn __repr__(&self) -> String {
        format!("<Rule {} {}>", self.code, self.name)
    }
}
