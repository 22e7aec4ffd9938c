//! Fixable rules really fix: applying the edits of every finding in a rule's bad example (and
//! bad fixtures) makes the rule's findings disappear, and leaves a file compose accepts.

use composeguard::diagnostic::Edit;
use composeguard::lint::{lint, LintOptions, Report};
use composeguard::rules::all_metas;

fn findings(rule: &str, text: &str) -> Report {
    let options = LintOptions { select: vec![rule.to_string()], ..LintOptions::default() };
    lint("compose.yaml", text, &options)
}

/// Applies non-overlapping edits, last first so earlier offsets stay valid.
fn apply(text: &str, edits: &[&Edit]) -> String {
    let mut edits: Vec<&&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    let mut last_start = usize::MAX;
    for e in edits {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        assert!(end <= last_start, "overlapping edits");
        out.replace_range(start..end, &e.replacement);
        last_start = start;
    }
    out
}

fn fix_all(rule: &str, text: &str) -> (usize, String) {
    let report = findings(rule, text);
    let fixes: Vec<&Edit> = report.diagnostics().filter(|d| d.rule == rule).filter_map(|d| d.fix.as_ref()).flat_map(|f| f.edits.iter()).collect();
    let fixed_count = report.diagnostics().filter(|d| d.rule == rule && d.fix.is_some()).count();
    (fixed_count, apply(text, &fixes))
}

#[test]
fn fixes_make_findings_disappear() {
    let fixtures = composeguard_tests::workspace_root().join("tests").join("fixtures");
    let mut failures = Vec::new();
    let mut checked = 0;
    for meta in all_metas().into_iter().filter(|m| m.fixable) {
        let mut inputs: Vec<(String, String)> = meta.bad_example().map(|t| ("bad example".to_string(), t)).into_iter().collect();
        if let Ok(entries) = std::fs::read_dir(fixtures.join(meta.name)) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with("bad") && name.ends_with(".yaml") {
                    inputs.push((name, std::fs::read_to_string(e.path()).unwrap_or_default()));
                }
            }
        }
        for (name, text) in inputs {
            let (fixed, after) = fix_all(meta.name, &text);
            if fixed == 0 {
                failures.push(format!("{} ({name}): a fixable rule offered no fix", meta.name));
                continue;
            }
            checked += 1;
            let report = findings(meta.name, &after);
            let left: Vec<String> = report.diagnostics().filter(|d| d.rule == meta.name).map(|d| d.message.clone()).collect();
            if !left.is_empty() {
                failures.push(format!("{} ({name}): still fires after the fix:\n{after}\n{left:?}", meta.name));
            }
            if report.is_invalid() {
                failures.push(format!("{} ({name}): the fixed file is invalid:\n{after}", meta.name));
            }
        }
    }
    assert!(checked >= 3, "only {checked} fixes checked");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn removing_version_keeps_the_rest() {
    let text = "# top\nversion: '3.8'  # old\nservices:\n  web:\n    image: nginx:1.27\n";
    let (_, after) = fix_all("obsolete-version", text);
    assert_eq!(after, "# top\nservices:\n  web:\n    image: nginx:1.27\n");
}
