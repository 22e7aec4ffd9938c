//! A fully hardened project produces nothing but style findings, with every rule enabled.

use composeguard::lint::LintOptions;
use composeguard::Category;
use composeguard_tests::{lint_file, workspace_root};

#[test]
fn hardened_project_has_only_style_findings() {
    let path = workspace_root().join("tests/hardened/compose.yaml");
    let all = LintOptions { select: vec!["all".into()], ..LintOptions::default() };
    let report = lint_file(&path, &all);
    let other: Vec<String> = report
        .diagnostics()
        .filter(|d| d.category != Category::Style)
        .map(|d| format!("{}:{}: [{}] {}", d.start.line, d.start.column, d.rule, d.message))
        .collect();
    assert!(other.is_empty(), "non-style findings on the hardened project:\n{}", other.join("\n"));
    let defaults = lint_file(&path, &LintOptions::default());
    let found: Vec<String> = defaults.diagnostics().map(|d| format!("[{}] {}", d.rule, d.message)).collect();
    assert!(found.is_empty(), "default rules fire on the hardened project:\n{}", found.join("\n"));
}
