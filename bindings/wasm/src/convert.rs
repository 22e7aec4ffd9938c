//! The JS API's shapes, and the conversion between them and the core's types.
//!
//! Everything here is plain Rust working on JSON text, so it is tested natively (`cargo test -p
//! composeguard-wasm`); `lib.rs` only moves the JSON across the JS boundary.
//!
//! Positions: the core computes `line` and `column` in UTF-16 code units (what JS strings and
//! editors count); this module adds `offset`, the UTF-16 index into the text that was passed in
//! (so `text.slice(start.offset, end.offset)` is the flagged source), and keeps the core's UTF-8
//! byte offset as `byteOffset` (the CLI's JSON `offset`).

use std::collections::HashMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use composeguard::diagnostic::Suppression;
use composeguard::lint::{lint_with, Summary};
use composeguard::model::project::{MemoryFiles, NoFiles};
use composeguard::model::{FileId, PositionEncoding, SourceMap, Span};
use composeguard::{Category, Config, Diagnostic, LintOptions, Position, Report, RuleMeta, Severity};

/// The path used when `options.path` is not given.
pub const DEFAULT_PATH: &str = "compose.yaml";

/// `lint()`'s options, as JS passes them (see `index.d.ts` for the documentation). Every field is
/// optional, and `undefined` or `null` is the same as leaving it out.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JsLintOptions {
    pub path: Option<String>,
    pub env: Option<IndexMap<String, String>>,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub profiles: Option<Vec<String>>,
    pub files: Option<IndexMap<String, String>>,
    /// The configuration: the keys of a `composeguard.toml`, as an object. TOML text is not read
    /// here: the TOML parser would add a tenth to the wasm, and JS has its own.
    pub config: Option<serde_json::Value>,
}

/// Where the configuration is said to come from, in error messages.
const CONFIG_NAME: &str = "options.config";

/// The core's configuration from `options.config`, checked as the CLI checks a file's.
fn config_from(value: Option<serde_json::Value>) -> Result<Option<Config>, String> {
    let Some(value) = value else { return Ok(None) };
    if value.is_string() {
        return Err(format!(
            "invalid lint options: {CONFIG_NAME}: expected an object with the keys of a composeguard.toml (parse TOML text first)"
        ));
    }
    let config: Config = serde_json::from_value(value).map_err(|e| format!("invalid lint options: {CONFIG_NAME}: {e}"))?;
    config.validate(CONFIG_NAME).map_err(|e| format!("invalid lint options: {e}"))?;
    Ok(Some(config))
}

/// A line, a column (both 1-based, the column in UTF-16 code units), and two 0-based offsets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsPosition {
    pub line: u32,
    pub column: u32,
    /// UTF-16 code units from the start of the text.
    pub offset: u32,
    /// UTF-8 bytes from the start of the text (after a byte order mark), as in the CLI's JSON.
    pub byte_offset: u32,
}

#[derive(Debug, Serialize)]
pub struct JsRelated<'a> {
    pub file: &'a str,
    pub start: JsPosition,
    pub end: JsPosition,
    pub message: &'a str,
}

#[derive(Debug, Serialize)]
pub struct JsEdit<'a> {
    pub file: &'a str,
    pub start: JsPosition,
    pub end: JsPosition,
    pub replacement: &'a str,
}

#[derive(Debug, Serialize)]
pub struct JsFix<'a> {
    pub description: &'a str,
    pub edits: Vec<JsEdit<'a>>,
}

#[derive(Debug, Serialize)]
pub struct JsDiagnostic<'a> {
    pub rule: &'a str,
    pub code: &'a str,
    pub category: Category,
    pub severity: Severity,
    pub message: &'a str,
    pub file: &'a str,
    pub path: &'a str,
    pub start: JsPosition,
    pub end: JsPosition,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<JsRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<JsFix<'a>>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub profiles: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<&'a Suppression>,
}

#[derive(Debug, Serialize)]
pub struct JsFileReport<'a> {
    pub path: &'a str,
    pub diagnostics: Vec<JsDiagnostic<'a>>,
}

#[derive(Debug, Serialize)]
pub struct JsReport<'a> {
    pub version: u32,
    /// False exactly when docker compose would reject the file (a `spec` error).
    pub valid: bool,
    pub files: Vec<JsFileReport<'a>>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsRule {
    pub name: &'static str,
    pub code: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub fixable: bool,
    pub default_enabled: bool,
    pub sources: &'static [&'static str],
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub struct JsRuleDocs {
    #[serde(flatten)]
    pub rule: JsRule,
    /// The documentation, markdown.
    pub docs: String,
}

/// The `files` of the options, each relative one also under the folder of `path`: a key is
/// relative to that folder (`.env` beside `/srv/app/compose.yaml`), or written from the same base
/// as `path` (`app/.env` beside `app/compose.yaml`).
fn with_folder_keys(files: IndexMap<String, String>, path: &str) -> IndexMap<String, String> {
    let folder = composeguard::model::project::parent_dir(path);
    if folder == "." || folder.is_empty() {
        return files;
    }
    let mut out = IndexMap::with_capacity(files.len() * 2);
    for (k, v) in files {
        if !k.starts_with('/') {
            out.entry(composeguard::model::project::join_path(&folder, &k)).or_insert_with(|| v.clone());
        }
        out.entry(k).or_insert(v);
    }
    out
}

/// Lints `text` and returns the report as JSON in the JS API's shape. `Err` is API misuse.
pub fn lint_json(text: &str, options: JsLintOptions) -> Result<String, String> {
    let path = options.path.unwrap_or_else(|| DEFAULT_PATH.to_string());
    let config = config_from(options.config)?;
    for entry in options.select.iter().flatten() {
        composeguard::config::parse_selector(entry)?;
    }
    // (spec errors cannot be ignored: an entry that names only such rules is refused)
    for entry in options.ignore.iter().flatten() {
        composeguard::config::parse_ignore(entry)?;
    }
    let core_options = LintOptions {
        env: options.env.unwrap_or_default(),
        // `.env` in the project folder is read from `files`, as the CLI reads it from the disk.
        dotenv: true,
        encoding: PositionEncoding::Utf16,
        select: options.select.unwrap_or_default(),
        ignore: options.ignore.unwrap_or_default(),
        profiles: options.profiles.unwrap_or_default(),
        config,
        ..LintOptions::default()
    };
    // Without `files`, the text is linted on its own: files it refers to are not checked (the
    // core says so in an info finding). With `files`, they are the whole file system, as the
    // disk is for the CLI: a file not among them is missing.
    let report = match options.files {
        Some(files) => lint_with(&path, text, &core_options, &MemoryFiles(with_folder_keys(files, &path))),
        None => lint_with(&path, text, &core_options, &NoFiles),
    };
    let bom = text.starts_with('\u{feff}');
    let main = report.sources.find(&path);
    let js = convert_report(&report, main.filter(|_| bom));
    serde_json::to_string(&js).map_err(|e| format!("cannot serialize the report: {e}"))
}

/// Every rule, as JSON.
pub fn rules_json() -> String {
    let list: Vec<JsRule> = composeguard::rules::all_metas().into_iter().map(js_rule).collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// One rule's documentation by name or code, as JSON (`None` when there is no such rule).
pub fn explain_json(name: &str) -> Option<String> {
    let meta = composeguard::rules::find(name)?;
    let docs = JsRuleDocs { rule: js_rule(meta), docs: meta.docs_text() };
    serde_json::to_string(&docs).ok()
}

fn js_rule(meta: &'static RuleMeta) -> JsRule {
    JsRule {
        name: meta.name,
        code: meta.code,
        category: meta.category,
        severity: meta.severity,
        fixable: meta.fixable,
        default_enabled: meta.default_enabled,
        sources: meta.sources,
        summary: meta.summary(),
    }
}

/// Positions in the JS API's shape: the core's line and column (UTF-16 units), with the UTF-16
/// offset of the position, from a table per file of the UTF-16 offset of each of the core's line
/// starts (built when the file is first needed). In the file whose text began with a byte order
/// mark (which the core drops), offsets count it, and so do columns on the first line.
struct Positions<'a> {
    sources: &'a SourceMap,
    bom_file: Option<FileId>,
    line_starts: HashMap<FileId, Vec<u32>>,
}

impl Positions<'_> {
    fn convert(&mut self, span: Span, p: Position) -> JsPosition {
        let sources = self.sources;
        let starts = self.line_starts.entry(span.file).or_insert_with(|| {
            let Some(file) = sources.get(span.file) else { return Vec::new() };
            let mut units = 0u32;
            let mut from = 0usize;
            (0..file.lines.line_count())
                .map(|line| {
                    let start = file.lines.line_start(line) as usize;
                    let between = file.text.get(from..start).unwrap_or_default();
                    units = units.saturating_add(u32::try_from(between.encode_utf16().count()).unwrap_or(u32::MAX));
                    from = start;
                    units
                })
                .collect()
        });
        let line_start = p.line.checked_sub(1).and_then(|l| starts.get(l as usize)).copied().unwrap_or(0);
        let shift = u32::from(self.bom_file == Some(span.file));
        JsPosition {
            line: p.line,
            column: p.column.saturating_add(if p.line == 1 { shift } else { 0 }),
            offset: line_start.saturating_add(p.column.saturating_sub(1)).saturating_add(shift),
            byte_offset: p.offset,
        }
    }
}

/// The core's report in the JS API's shape. `bom_file` is the file whose text began with a byte
/// order mark.
fn convert_report(report: &Report, bom_file: Option<FileId>) -> JsReport<'_> {
    let mut positions = Positions { sources: &report.sources, bom_file, line_starts: HashMap::new() };
    let files = report
        .files
        .iter()
        .map(|f| JsFileReport { path: &f.path, diagnostics: f.diagnostics.iter().map(|d| convert_diagnostic(d, &mut positions)).collect() })
        .collect();
    JsReport { version: report.version, valid: !report.is_invalid(), files, summary: report.summary }
}

fn convert_diagnostic<'a>(d: &'a Diagnostic, positions: &mut Positions<'_>) -> JsDiagnostic<'a> {
    JsDiagnostic {
        rule: &d.rule,
        code: &d.code,
        category: d.category,
        severity: d.severity,
        message: &d.message,
        file: &d.file,
        path: &d.path,
        start: positions.convert(d.span, d.start),
        end: positions.convert(d.span, d.end),
        help: d.help.as_deref(),
        related: d
            .related
            .iter()
            .map(|r| JsRelated { file: &r.file, start: positions.convert(r.span, r.start), end: positions.convert(r.span, r.end), message: &r.message })
            .collect(),
        fix: d.fix.as_ref().map(|fix| JsFix {
            description: &fix.description,
            edits: fix
                .edits
                .iter()
                .map(|e| JsEdit { file: &e.file, start: positions.convert(e.span, e.start), end: positions.convert(e.span, e.end), replacement: &e.replacement })
                .collect(),
        }),
        profiles: &d.profiles,
        suppression: d.suppression.as_deref(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use serde_json::Value;

    fn parse_options(json: &str) -> Result<JsLintOptions, serde_json::Error> {
        serde_json::from_str(json)
    }

    fn lint(text: &str, options: &str) -> Value {
        let options = parse_options(options).unwrap();
        serde_json::from_str(&lint_json(text, options).unwrap()).unwrap()
    }

    fn diagnostics(report: &Value) -> Vec<Value> {
        report["files"].as_array().unwrap().iter().flat_map(|f| f["diagnostics"].as_array().unwrap().clone()).collect()
    }

    fn utf16_slice(text: &str, start: u64, end: u64) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        String::from_utf16_lossy(&units[start as usize..end as usize])
    }

    #[test]
    fn positions_are_utf16_with_byte_offsets_kept() {
        let text = "services:\n  web:\n    image: nginx:1.27\n    labels:\n      x: \"é😀\"\n    enviroment: {}\n";
        let report = lint(text, "{}");
        let d = diagnostics(&report).into_iter().find(|d| d["rule"] == "unknown-key").unwrap();
        let start = &d["start"];
        let end = &d["end"];
        assert_eq!(start["line"], 6);
        assert_eq!(start["column"], 5);
        let byte = start["byteOffset"].as_u64().unwrap();
        assert_eq!(&text[byte as usize..byte as usize + 10], "enviroment");
        // é is 2 bytes and 1 unit, 😀 is 4 bytes and 2 units: the UTF-16 offset is 3 lower.
        assert_eq!(start["offset"].as_u64().unwrap(), byte - 3);
        assert_eq!(utf16_slice(text, start["offset"].as_u64().unwrap(), end["offset"].as_u64().unwrap()), "enviroment");
        assert_eq!(report["valid"], false);
    }

    #[test]
    fn byte_order_mark_counts_in_utf16_offsets() {
        let text = "\u{feff}servicez: {}\n";
        let report = lint(text, "{}");
        let d = &diagnostics(&report)[0];
        assert_eq!(d["start"]["byteOffset"], 0);
        assert_eq!(d["start"]["offset"], 1);
        assert_eq!(d["start"]["column"], 2);
    }

    #[test]
    fn options_are_checked() {
        assert!(parse_options(r#"{"selct": []}"#).unwrap_err().to_string().contains("selct"));
        assert!(parse_options(r#"{"env": {"A": 1}}"#).is_err());
        assert!(parse_options("{}").is_ok());
        for bad in [r#"{"config": {"selct": []}}"#, r#"{"config": "ignore = []"}"#, r#"{"config": {"ignore": ["no-such-rule"]}}"#, r#"{"config": 1}"#] {
            let options = parse_options(bad).unwrap();
            assert!(lint_json("services: {}\n", options).unwrap_err().contains("options.config"), "{bad}");
        }
    }

    #[test]
    fn path_env_and_files_reach_the_core() {
        let text = "services:\n  web:\n    image: \"nginx:${TAG}\"\n";
        let report = lint(text, r#"{"path": "app/compose.yml", "files": {"app/.env": "TAG=1.27\n"}}"#);
        assert_eq!(report["files"][0]["path"], "app/compose.yml");
        let unset = |r: &Value| diagnostics(r).iter().any(|d| d["rule"] == "unset-variable" && d["message"].as_str().unwrap().contains("TAG"));
        assert!(!unset(&report));
        assert!(unset(&lint(text, "{}")));
        assert!(!unset(&lint(text, r#"{"env": {"TAG": "1.27"}}"#)));
    }

    #[test]
    fn config_object() {
        let text = "services:\n  web:\n    image: \"nginx:1.27\"\n";
        let rules = |options: &str| -> Vec<String> {
            diagnostics(&lint(text, options)).iter().map(|d| d["rule"].as_str().unwrap().to_string()).collect()
        };
        let all = rules("{}");
        assert!(all.iter().any(|r| r == "no-healthcheck"));
        let got = rules(r#"{"config": {"ignore": ["no-healthcheck"]}}"#);
        assert!(!got.iter().any(|r| r == "no-healthcheck"), "{got:?}");
        assert_eq!(got.len(), all.len() - 1);
        let severity = lint(text, r#"{"config": {"severity": {"no-healthcheck": "error"}}}"#);
        assert_eq!(diagnostics(&severity).iter().find(|d| d["rule"] == "no-healthcheck").unwrap()["severity"], "error");
        let waived = lint(text, r#"{"config": {"waiver": [{"rule": "no-healthcheck", "service": "web", "reason": "a test"}]}}"#);
        let d = diagnostics(&waived).into_iter().find(|d| d["rule"] == "no-healthcheck").unwrap();
        assert_eq!(d["suppression"]["reason"], "a test");
    }

    #[test]
    fn offsets_follow_lines_ended_by_a_lone_carriage_return() {
        let text = "services:\r  wé:\r\n    image: nginx:1.27\r    enviroment: {}\r";
        let report = lint(text, "{}");
        let d = diagnostics(&report).into_iter().find(|d| d["rule"] == "unknown-key").unwrap();
        assert_eq!((d["start"]["line"].as_u64(), d["start"]["column"].as_u64()), (Some(4), Some(5)));
        assert_eq!(utf16_slice(text, d["start"]["offset"].as_u64().unwrap(), d["end"]["offset"].as_u64().unwrap()), "enviroment");
    }

    #[test]
    fn files_are_found_beside_an_absolute_path() {
        let text = "services:\n  web:\n    image: nginx:${TAG}\n    env_file: web.env\n";
        let report = lint(text, r#"{"path": "/srv/app/compose.yaml", "files": {".env": "TAG=1.27\n", "web.env": "A=1\n"}}"#);
        let found: Vec<_> = diagnostics(&report).into_iter().filter(|d| d["severity"] == "error" || d["rule"] == "unset-variable").collect();
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn referenced_files_are_checked_only_when_files_are_given() {
        let text = "services:\n  web:\n    image: \"nginx:1.27\"\n    env_file: web.env\n";
        let missing = |options: &str| -> Vec<(String, String)> {
            diagnostics(&lint(text, options))
                .iter()
                .filter(|d| d["message"].as_str().unwrap().contains("web.env"))
                .map(|d| (d["rule"].as_str().unwrap().to_string(), d["severity"].as_str().unwrap().to_string()))
                .collect()
        };
        assert!(missing("{}").iter().all(|(_, severity)| severity == "info"), "{:?}", missing("{}"));
        assert!(missing(r#"{"files": {}}"#).iter().any(|(_, severity)| severity == "error"));
        assert!(missing(r#"{"files": {"web.env": "A=1\n"}}"#).is_empty());
    }

    #[test]
    fn rules_and_explain() {
        let rules: Vec<Value> = serde_json::from_str(&rules_json()).unwrap();
        assert!(!rules.is_empty());
        let first = rules[0]["name"].as_str().unwrap();
        let docs: Value = serde_json::from_str(&explain_json(first).unwrap()).unwrap();
        assert_eq!(docs["name"], first);
        assert!(docs["docs"].as_str().unwrap().contains("## What it does"));
        assert!(explain_json("no-such-rule").is_none());
    }
}
