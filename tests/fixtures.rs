//! Fixture files under `tests/fixtures/<rule>/`: each `bad*.yaml` states how many findings of
//! its rule it must produce (`# expect: N`), each `good*.yaml` must produce none, and the rendered
//! output of every file is an insta snapshot (`tests/fixtures/<rule>/snapshots/`).

use std::path::Path;

use composeguard::lint::{LintOptions, Report};
use composeguard::output::human;
use composeguard_tests::{lint_file, workspace_root};

fn expected(text: &str, file_name: &str) -> usize {
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(n) = line.trim_start_matches('#').trim().strip_prefix("expect:") {
            return n.trim().parse().unwrap_or_else(|_| panic!("{file_name}: bad `# expect:` line"));
        }
    }
    assert!(file_name.starts_with("good"), "{file_name}: a bad fixture needs a `# expect: N` header");
    0
}

fn only_rule(mut report: Report, rule: &str) -> Report {
    for f in &mut report.files {
        f.diagnostics.retain(|d| d.rule == rule);
    }
    report.summary = Default::default();
    for d in report.files.iter().flat_map(|f| f.diagnostics.iter()).filter(|d| !d.is_suppressed()) {
        match d.severity {
            composeguard::Severity::Error => report.summary.error += 1,
            composeguard::Severity::Warning => report.summary.warning += 1,
            composeguard::Severity::Info => report.summary.info += 1,
        }
    }
    report
}

#[test]
fn fixtures() {
    let tests_dir = workspace_root().join("tests");
    std::env::set_current_dir(&tests_dir).expect("cd tests");
    let mut rule_dirs: Vec<_> = std::fs::read_dir("fixtures").expect("fixtures folder").flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    rule_dirs.sort();
    let mut failures = Vec::new();
    for dir in rule_dirs {
        let rule = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        assert!(composeguard::rules::find(&rule).is_some(), "fixtures/{rule}: no rule named `{rule}`");
        let mut files: Vec<_> = std::fs::read_dir(&dir).expect("read").flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if !(name.starts_with("bad") || name.starts_with("good")) || !(name.ends_with(".yaml") || name.ends_with(".yml")) {
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&file).expect("read fixture")).to_string();
            let want = expected(&text, &name);
            let options = LintOptions { select: vec![rule.clone()], ..LintOptions::default() };
            let report = only_rule(lint_file(Path::new(&file), &options), &rule);
            let got = report.diagnostics().filter(|d| !d.is_suppressed()).count();
            if got != want {
                let found: Vec<String> = report.diagnostics().map(|d| format!("  {}:{}: {}", d.start.line, d.start.column, d.message)).collect();
                failures.push(format!("fixtures/{rule}/{name}: {got} findings, expected {want}\n{}", found.join("\n")));
            }
            let rendered = human::render(&report, false);
            let snapshot_dir = tests_dir.join("fixtures").join(&rule).join("snapshots");
            insta::with_settings!({ snapshot_path => snapshot_dir, prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(name.trim_end_matches(".yaml").trim_end_matches(".yml").to_string(), rendered);
            });
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
