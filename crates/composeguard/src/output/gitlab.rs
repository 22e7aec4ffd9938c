//! GitLab code quality report (a Code Climate subset): a JSON array of issues.

use serde::Serialize;

use crate::baseline::{fingerprint, normalize_file};
use crate::diagnostic::{Category, Severity};
use crate::lint::Report;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: &'a str,
    categories: [&'static str; 1],
    severity: &'static str,
    fingerprint: String,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// Code Climate's category names.
fn category(c: Category) -> &'static str {
    match c {
        Category::Spec | Category::Correctness | Category::Reliability => "Bug Risk",
        Category::Security => "Security",
        Category::Resources => "Performance",
        Category::Reproducibility => "Compatibility",
        Category::Style => "Style",
    }
}

/// Renders the unsuppressed findings. Fingerprints are the baseline's, made unique by counting
/// repeats, so GitLab tracks each finding across commits.
pub fn render(report: &Report) -> String {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let issues: Vec<Issue<'_>> = report
        .diagnostics()
        .filter(|d| !d.is_suppressed())
        .map(|d| {
            let path = normalize_file(&d.file);
            let base = fingerprint(d, &path);
            let n = seen.entry(base.clone()).or_default();
            *n += 1;
            let fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
            Issue {
                kind: "issue",
                check_name: format!("{} {}", d.code, d.rule),
                description: &d.message,
                categories: [category(d.category)],
                severity: severity(d.severity),
                fingerprint,
                location: Location { path, lines: Lines { begin: d.start.line, end: d.end.line.max(d.start.line) } },
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}
