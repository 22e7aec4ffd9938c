//! Inline suppressions through the library: what they cover, how they show in the report, and
//! what they cannot do.

use composeguard::lint::{lint, LintOptions, Report};

fn run(text: &str) -> Report {
    lint("compose.yaml", text, &LintOptions::default())
}

fn of<'a>(report: &'a Report, rule: &str) -> Vec<&'a composeguard::Diagnostic> {
    report.diagnostics().filter(|d| d.rule == rule).collect()
}

#[test]
fn line_above_and_same_line() {
    let report = run("name: x\nservices:\n  a:\n    # composeguard: ignore[image-floating-tag] reason one\n\n    image: nginx:latest\n  b:\n    image: nginx:latest  # composeguard: ignore[CG502]\n  c:\n    image: nginx:latest\n");
    let floating = of(&report, "image-floating-tag");
    assert_eq!(floating.len(), 3);
    let suppressed: Vec<(u32, Option<&str>)> =
        floating.iter().filter_map(|d| d.suppression.as_ref().map(|s| (d.start.line, s.reason.as_deref()))).collect();
    assert_eq!(suppressed, [(6, Some("reason one")), (8, None)]);
    assert!(floating.iter().all(|d| d.suppression.as_ref().is_none_or(|s| s.kind == "inline")));
    assert!(of(&report, "unused-suppression").is_empty());
}

#[test]
fn trailing_comment_does_not_cover_the_next_line() {
    let report = run("name: x\nservices:\n  a:\n    command: [\"run\"]  # composeguard: ignore[image-floating-tag]\n    image: nginx:latest\n");
    assert!(of(&report, "image-floating-tag")[0].suppression.is_none());
    assert_eq!(of(&report, "unused-suppression").len(), 1);
}

#[test]
fn file_wide_and_counting() {
    let text = "services:\n  a:\n    image: nginx:latest\n  b:\n    image: redis:latest\n# composeguard: ignore-file[image-floating-tag, missing-project-name] demo file\n";
    let report = run(text);
    assert!(of(&report, "image-floating-tag").iter().all(|d| d.suppression.as_ref().is_some_and(|s| s.kind == "file")));
    assert!(of(&report, "missing-project-name")[0].is_suppressed());
    let unsuppressed = report.diagnostics().filter(|d| !d.is_suppressed()).count();
    assert_eq!(report.summary.error + report.summary.warning + report.summary.info, unsuppressed);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
    let kinds: Vec<&str> = json["files"][0]["diagnostics"].as_array().expect("array").iter().filter_map(|d| d["suppression"]["kind"].as_str()).collect();
    assert_eq!(kinds, ["file", "file", "file"]);
}

#[test]
fn spec_errors_cannot_be_suppressed() {
    let report = run("services:\n  a:\n    # composeguard: ignore[unknown-key]\n    imgae: nginx:1.27\n");
    assert!(report.is_invalid());
    assert!(!of(&report, "unknown-key")[0].is_suppressed());
    let unused = of(&report, "unused-suppression");
    assert_eq!(unused.len(), 1);
    // it says why, not that there is no such finding
    assert!(unused[0].message.contains("cannot be suppressed"), "{}", unused[0].message);
}

/// A file docker compose rejects never passes: `ignore` of any breadth leaves the spec errors
/// on, through the options and the configuration alike (before, `--ignore unknown-key` or
/// `ignore = ["all"]` let such a file exit 0).
#[test]
fn spec_errors_cannot_be_ignored() {
    let text = "services:\n  a:\n    imgae: nginx:1.27\n";
    for ignore in ["unknown-key", "CG006", "spec", "all"] {
        let options = LintOptions { ignore: vec![ignore.into()], ..LintOptions::default() };
        let report = lint("compose.yaml", text, &options);
        assert!(report.is_invalid() && report.has_errors(), "{ignore}");
        let config = composeguard::Config { ignore: vec![ignore.into()], ..composeguard::Config::default() };
        let report = lint("compose.yaml", text, &LintOptions { config: Some(config), ..LintOptions::default() });
        assert!(report.is_invalid() && report.has_errors(), "{ignore} in the configuration");
    }
    // the spec warnings can be ignored
    let options = LintOptions { ignore: vec!["unset-variable".into()], ..LintOptions::default() };
    assert!(of(&lint("compose.yaml", "services:\n  a:\n    image: nginx:${TAG}\n", &options), "unset-variable").is_empty());
}

#[test]
fn rules_that_did_not_run_are_not_unused() {
    let text = "name: x\nservices:\n  a:\n    image: nginx:1.27.3  # composeguard: ignore[image-major-version-tag, image-without-digest]\n";
    let report = run(text);
    assert!(of(&report, "unused-suppression").is_empty());
    let options = LintOptions { ignore: vec!["unused-suppression".into()], ..LintOptions::default() };
    assert!(of(&lint("compose.yaml", "name: x\n# composeguard: ignore[no-such-rule]\nservices: {}\n", &options), "unused-suppression").is_empty());
}
