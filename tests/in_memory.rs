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

/// Text linted on its own is loaded as `docker compose` loads a project: `COMPOSE_PROJECT_NAME`
/// holds the project's name for interpolation (from `name:`, else the environment's), and
/// `COMPOSE_PROFILES` turns profiles on, as for the command line.
#[test]
fn project_name_and_profiles_come_from_the_environment_as_for_the_cli() {
    let text = "name: shop\nservices:\n  web:\n    image: \"nginx:1.27\"\n    container_name: \"${COMPOSE_PROJECT_NAME}-web\"\n  debug:\n    image: busybox:1.37.0\n    privileged: true\n    profiles: [debug]\n";
    let report = lint("compose.yaml", text, &LintOptions::default());
    assert!(!report.is_invalid(), "{:?}", report.diagnostics().map(|d| &d.message).collect::<Vec<_>>());
    assert!(!report.diagnostics().any(|d| d.rule == "privileged"));
    let env = [("COMPOSE_PROFILES".to_string(), "debug".to_string())].into_iter().collect();
    let report = lint("compose.yaml", text, &LintOptions { env, ..LintOptions::default() });
    assert!(report.diagnostics().any(|d| d.rule == "privileged"), "the debug profile is on");
    // the environment's name wins over an unset variable in `name:`
    let text = "name: ${APP}\nservices:\n  web:\n    image: nginx:1.27\n";
    let env = [("COMPOSE_PROJECT_NAME".to_string(), "proj".to_string())].into_iter().collect();
    let report = lint("compose.yaml", text, &LintOptions { env, ..LintOptions::default() });
    assert!(!report.is_invalid(), "{:?}", report.diagnostics().map(|d| &d.message).collect::<Vec<_>>());
}
