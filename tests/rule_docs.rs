//! Every rule's documentation examples are executable: the bad example fires the rule exactly
//! once, the good example never.

use composeguard::lint::{lint_with, LintOptions};
use composeguard_model::project::MemoryFiles;
use composeguard::rules::all_metas;

fn count(rule: &str, yaml: &str) -> (usize, String) {
    let options = LintOptions { select: vec![rule.to_string()], ..LintOptions::default() };
    // an empty in-memory folder: referenced files are checked, and missing
    let report = lint_with("compose.yaml", yaml, &options, &MemoryFiles::default());
    let found: Vec<String> = report
        .diagnostics()
        .filter(|d| d.rule == rule)
        .map(|d| format!("{}:{}: {}", d.start.line, d.start.column, d.message))
        .collect();
    (found.len(), found.join("\n"))
}

#[test]
fn bad_examples_fire_once_and_good_examples_never() {
    let mut failures = Vec::new();
    for meta in all_metas() {
        let Some(bad) = meta.bad_example() else {
            failures.push(format!("{}: no ```yaml block after `## Example`", meta.name));
            continue;
        };
        let Some(good) = meta.good_example() else {
            failures.push(format!("{}: no ```yaml block after `Use instead:`", meta.name));
            continue;
        };
        let (n, found) = count(meta.name, &bad);
        if n != 1 {
            failures.push(format!("{}: bad example fired {n} times (want 1)\n{found}", meta.name));
        }
        let (n, found) = count(meta.name, &good);
        if n != 0 {
            failures.push(format!("{}: good example fired {n} times (want 0)\n{found}", meta.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn good_examples_are_valid_compose() {
    // A "Use instead" example must itself be accepted by compose (no spec errors).
    let mut failures = Vec::new();
    for meta in all_metas() {
        let Some(good) = meta.good_example() else { continue };
        let report = lint_with("compose.yaml", &good, &LintOptions::default(), &MemoryFiles::default());
        let spec: Vec<String> = report
            .diagnostics()
            .filter(|d| d.category == composeguard::Category::Spec && d.severity == composeguard::Severity::Error)
            .map(|d| format!("{}: {}", d.rule, d.message))
            .collect();
        if !spec.is_empty() && meta.name != "missing-file" {
            failures.push(format!("{}: good example has spec errors: {}", meta.name, spec.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
