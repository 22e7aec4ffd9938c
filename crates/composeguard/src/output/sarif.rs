//! SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards.
//!
//! Rules are identified by code (`ruleId: "CG502"`) and carry their name, summary and full
//! documentation; columns are UTF-16 code units, SARIF's default. Suppressed findings are kept,
//! with a `suppressions` entry (`inSource` for comments, `external` for the configuration and
//! the baseline).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use composeguard_model::{PositionEncoding, Span};
use serde::Serialize;

use crate::baseline::{fingerprint, normalize_file};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::lint::Report;
use crate::rule::RuleMeta;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const VERSION: &str = "2.1.0";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
struct RuleProperties {
    category: &'static str,
    tags: Vec<&'static str>,
    fixable: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct ResultProperties {
    name: String,
    category: &'static str,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::struct_field_names)] // SARIF's own names
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    char_offset: u32,
    char_length: u32,
}

#[derive(Serialize)]
struct SarifSuppression {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Text,
    artifact_changes: Vec<ArtifactChange>,
}

#[derive(Serialize)]
struct ArtifactChange {
    #[serde(rename = "artifactLocation")]
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Text,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference (`/` separators, reserved characters escaped); absolute
/// paths become `file://` URIs.
fn uri(path: &str) -> String {
    let path = normalize_file(path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// The region of a span in UTF-16 columns (SARIF's default `columnKind`).
fn region(report: &Report, span: Span, fallback: (&crate::Position, &crate::Position)) -> Region {
    match report.sources.get(span.file) {
        Some(file) => {
            let s = file.line_column(span.start, PositionEncoding::Utf16);
            let e = file.line_column(span.end, PositionEncoding::Utf16);
            let utf16 = |a: u32, b: u32| file.text.get(a as usize..b as usize).map_or(0, |t| t.encode_utf16().count());
            let len = utf16(span.start, span.end);
            Region {
                start_line: s.line,
                start_column: s.column,
                end_line: e.line,
                end_column: e.column,
                char_offset: u32::try_from(utf16(0, span.start)).unwrap_or(u32::MAX),
                char_length: u32::try_from(len).unwrap_or(u32::MAX),
            }
        }
        None => Region {
            start_line: fallback.0.line,
            start_column: fallback.0.column,
            end_line: fallback.1.line,
            end_column: fallback.1.column,
            char_offset: fallback.0.offset,
            char_length: fallback.1.offset.saturating_sub(fallback.0.offset),
        },
    }
}

fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let docs = meta.docs_text();
    let why = meta.section("Why is this bad?").unwrap_or_default();
    ReportingDescriptor {
        id: meta.code,
        name: meta.name,
        short_description: Text { text: meta.summary() },
        full_description: Text { text: if why.is_empty() { meta.summary() } else { why } },
        help: Help { text: format!("{}\n\nRun `composeguard explain {}` for the full documentation.", meta.summary(), meta.name), markdown: docs },
        default_configuration: Configuration { level: level(meta.severity), enabled: meta.default_enabled },
        properties: RuleProperties { category: meta.category.as_str(), tags: vec![meta.category.as_str()], fixable: meta.fixable },
    }
}

fn suppression(d: &Diagnostic) -> Vec<SarifSuppression> {
    d.suppression
        .iter()
        .map(|s| SarifSuppression {
            kind: if matches!(s.kind.as_str(), "inline" | "file") { "inSource" } else { "external" },
            justification: Some(match &s.reason {
                Some(r) => r.clone(),
                None => format!("suppressed by {}", s.kind),
            }),
        })
        .collect()
}

fn fixes(report: &Report, fix: Option<&Fix>, file: &str) -> Vec<SarifFix> {
    let Some(fix) = fix else { return Vec::new() };
    let mut by_file: Vec<ArtifactChange> = Vec::new();
    for e in &fix.edits {
        let path = if e.file.is_empty() { file } else { e.file.as_str() };
        let replacement = Replacement { deleted_region: region(report, e.span, (&e.start, &e.end)), inserted_content: Text { text: e.replacement.clone() } };
        match by_file.iter_mut().find(|c| c.artifact_location.uri == uri(path)) {
            Some(change) => change.replacements.push(replacement),
            None => by_file.push(ArtifactChange { artifact_location: ArtifactLocation { uri: uri(path) }, replacements: vec![replacement] }),
        }
    }
    vec![SarifFix { description: Text { text: fix.description.clone() }, artifact_changes: by_file }]
}

/// Renders the report as a SARIF 2.1.0 log with one run.
pub fn render(report: &Report) -> String {
    let mut rules: Vec<ReportingDescriptor> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = Vec::new();
    for d in report.diagnostics() {
        let rule_index = match index.get(&*d.code) {
            Some(i) => Some(*i),
            None => crate::rules::find(&d.code).map(|meta| {
                rules.push(descriptor(meta));
                index.insert(d.code.to_string(), rules.len() - 1);
                rules.len() - 1
            }),
        };
        let location = |span: Span, start: &crate::Position, end: &crate::Position, file: &str| PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(file) },
            region: region(report, span, (start, end)),
        };
        let related_locations = d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| Location { id: Some(i + 1), physical_location: location(r.span, &r.start, &r.end, &r.file), message: Some(Text { text: r.message.clone() }) })
            .collect();
        results.push(SarifResult {
            rule_id: d.code.to_string(),
            rule_index,
            level: level(d.severity),
            message: Text { text: d.message.clone() },
            locations: vec![Location { id: None, physical_location: location(d.span, &d.start, &d.end, &d.file), message: None }],
            related_locations,
            partial_fingerprints: BTreeMap::from([("composeguard/v1", fingerprint(d, &normalize_file(&d.file)))]),
            suppressions: suppression(d),
            fixes: fixes(report, d.fix.as_deref(), &d.file),
            properties: ResultProperties { name: d.rule.to_string(), category: d.category.as_str(), path: d.path.clone(), help: d.help.as_deref().map(str::to_owned) },
        });
    }
    let log = Log {
        schema: SCHEMA,
        version: VERSION,
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "composeguard",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris() {
        assert_eq!(uri("./deploy/compose.yaml"), "deploy/compose.yaml");
        assert_eq!(uri("my dir/c.yaml"), "my%20dir/c.yaml");
        assert_eq!(uri("/abs/c.yaml"), "file:///abs/c.yaml");
    }
}
