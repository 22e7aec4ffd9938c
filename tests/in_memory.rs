//! Text linted on its own (no file access, as in Python's `lint(text)` and the browser): files it
//! refers to cannot be seen, so they are not reported missing; with a file system they are.

use composeguard::lint::{lint, lint_with, LintOptions};
use composeguard_model::project::MemoryFiles;

const TEXT: &str = "name: demo
services:
  web:
    image: nginx:1.27
    env_file: app.env
    label_file: labels.txt
    secrets: [token]
secrets:
  token:
    file: ./token.txt
";

fn rules(report: &composeguard::Report) -> Vec<String> {
    let mut v: Vec<String> = report.diagnostics().filter(|d| d.rule.contains("missing")).map(|d| d.rule.to_string()).collect();
    v.sort();
    v
}

#[test]
fn referenced_files_are_not_reported_without_a_file_system() {
    let report = lint("compose.yaml", TEXT, &LintOptions::default());
    assert!(!report.is_invalid(), "{:?}", report.diagnostics().map(|d| &d.message).collect::<Vec<_>>());
    assert!(rules(&report).is_empty(), "{:?}", rules(&report));
}

#[test]
fn referenced_files_are_reported_when_missing_from_a_file_system() {
    let report = lint_with("compose.yaml", TEXT, &LintOptions::default(), &MemoryFiles::default());
    assert!(report.is_invalid());
    assert_eq!(rules(&report), ["missing-file", "missing-file", "missing-secret-or-config-file"]);
}
