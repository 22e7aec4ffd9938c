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
    // no profile chosen: every service is checked, the one behind a profile as well
    assert!(report.diagnostics().any(|d| d.rule == "privileged"), "every service is checked");
    let env = [("COMPOSE_PROFILES".to_string(), "tools".to_string())].into_iter().collect();
    let report = lint("compose.yaml", text, &LintOptions { env, ..LintOptions::default() });
    assert!(!report.diagnostics().any(|d| d.rule == "privileged"), "only the tools profile is on");
    let env = [("COMPOSE_PROFILES".to_string(), "debug".to_string())].into_iter().collect();
    let report = lint("compose.yaml", text, &LintOptions { env, ..LintOptions::default() });
    assert!(report.diagnostics().any(|d| d.rule == "privileged"), "the debug profile is on");
    // the environment's name wins over an unset variable in `name:`
    let text = "name: ${APP}\nservices:\n  web:\n    image: nginx:1.27\n";
    let env = [("COMPOSE_PROJECT_NAME".to_string(), "proj".to_string())].into_iter().collect();
    let report = lint("compose.yaml", text, &LintOptions { env, ..LintOptions::default() });
    assert!(!report.is_invalid(), "{:?}", report.diagnostics().map(|d| &d.message).collect::<Vec<_>>());
}

/// A `COMPOSE_PROJECT_NAME` compose refuses is an error for text linted on its own too, as it is
/// for the command line (it was taken as the name without a word): from the environment, where
/// no file says it, and from `.env`, at its entry.
#[test]
fn an_invalid_project_name_from_the_environment_is_reported_as_for_the_cli() {
    let text = "services:\n  web:\n    image: nginx:1.27\n";
    let invalid = |report: &composeguard::Report| -> Vec<(String, String, u32)> {
        report.diagnostics().filter(|d| d.message.contains("invalid project name")).map(|d| (d.message.clone(), d.file.to_string(), d.start.line)).collect()
    };
    let env = [("COMPOSE_PROJECT_NAME".to_string(), "My App".to_string())].into_iter().collect();
    let report = lint("compose.yaml", text, &LintOptions { env, ..LintOptions::default() });
    assert!(report.is_invalid());
    let found = invalid(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.contains("`My App` (from `COMPOSE_PROJECT_NAME` in the environment)"), "{found:?}");

    let files = MemoryFiles([(".env".to_string(), "A=1\nCOMPOSE_PROJECT_NAME=My.App\n".to_string())].into_iter().collect());
    let report = lint_with("compose.yaml", text, &LintOptions { dotenv: true, ..LintOptions::default() }, &files);
    let found = invalid(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].1.as_str(), found[0].2), (".env", 2));
    assert!(found[0].0.contains("`My.App` (from `COMPOSE_PROJECT_NAME`)"), "{found:?}");
    // a valid name is no finding
    let env = [("COMPOSE_PROJECT_NAME".to_string(), "my-app".to_string())].into_iter().collect();
    assert!(invalid(&lint("compose.yaml", text, &LintOptions { env, ..LintOptions::default() })).is_empty());
}

/// `.env` among the files handed in is read as the command line reads it from the disk:
/// `COMPOSE_DISABLE_ENV_FILE` leaves it out, and `COMPOSE_ENV_FILES` reads those files instead
/// (both were ignored, and `.env` was read anyway).
#[test]
fn compose_env_files_variables_choose_the_env_files_as_for_the_cli() {
    let text = "services:\n  web:\n    image: \"nginx:${TAG}\"\n";
    let files = MemoryFiles([(".env".to_string(), "TAG=1.27\n".to_string()), ("other.env".to_string(), "TAG=1.28\n".to_string())].into_iter().collect());
    let unset = |env: &[(&str, &str)]| -> Vec<String> {
        let env = env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        let report = lint_with("compose.yaml", text, &LintOptions { env, dotenv: true, ..LintOptions::default() }, &files);
        report.diagnostics().filter(|d| d.rule == "unset-variable" || d.rule == "missing-file").map(|d| d.message.clone()).collect()
    };
    assert!(unset(&[]).is_empty(), "{:?}", unset(&[]));
    assert_eq!(unset(&[("COMPOSE_DISABLE_ENV_FILE", "1")]).len(), 1, "{:?}", unset(&[("COMPOSE_DISABLE_ENV_FILE", "1")]));
    assert!(unset(&[("COMPOSE_ENV_FILES", "other.env")]).is_empty());
    let missing = unset(&[("COMPOSE_ENV_FILES", "none.env")]);
    assert!(missing.iter().any(|m| m.contains("env file `none.env` not found")), "{missing:?}");
    // with no file system, the listed files are not checked
    let env = [("COMPOSE_ENV_FILES".to_string(), "none.env".to_string())].into_iter().collect();
    let report = lint("compose.yaml", text, &LintOptions { env, dotenv: true, ..LintOptions::default() });
    assert!(!report.is_invalid(), "{:?}", report.diagnostics().map(|d| &d.message).collect::<Vec<_>>());
}

/// A service whose image comes from an `extends` of another file: without a file system the base
/// is not read (an info says so), and the service is not called imageless for it; with the base
/// there it has the base's image, and with an empty base it has none, as compose says.
#[test]
fn an_image_from_another_file_is_not_missing_when_that_file_cannot_be_read() {
    let text = "services:\n  api:\n    extends: {file: base.yaml, service: b}\n";
    let missing = |report: &composeguard::Report| report.diagnostics().filter(|d| d.rule == "missing-image").count();
    let report = lint("compose.yaml", text, &LintOptions::default());
    assert!(!report.is_invalid(), "{:?}", report.diagnostics().map(|d| &d.message).collect::<Vec<_>>());
    assert_eq!(missing(&report), 0);
    let fs = |base: &str| MemoryFiles([("/p/compose.yaml", text), ("/p/base.yaml", base)].iter().map(|(p, t)| ((*p).to_string(), (*t).to_string())).collect());
    let options = composeguard_model::project::ProjectOptions { files: vec!["compose.yaml".into()], cwd: "/p".into(), ..Default::default() };
    let with_base = composeguard::lint::lint_files(&options, &LintOptions::default(), &fs("services:\n  b:\n    image: busybox:1.36\n"));
    assert_eq!(missing(&with_base), 0);
    let empty_base = composeguard::lint::lint_files(&options, &LintOptions::default(), &fs("services:\n  b:\n"));
    assert_eq!(missing(&empty_base), 1);
}

/// An empty `COMPOSE_PROFILES=` chooses no profile: every service is checked, as with none.
#[test]
fn an_empty_compose_profiles_chooses_no_profile() {
    let text = "name: shop\nservices:\n  web:\n    image: nginx:1.27\n  debug:\n    image: busybox:1.37.0\n    privileged: true\n    profiles: [debug]\n";
    let env = [("COMPOSE_PROFILES".to_string(), String::new())].into_iter().collect();
    let report = lint("compose.yaml", text, &LintOptions { env, ..LintOptions::default() });
    let found: Vec<_> = report.diagnostics().filter(|d| d.rule == "privileged").collect();
    assert_eq!(found.len(), 1, "the debug service is checked");
    assert_eq!(found[0].profiles, ["debug"]);
}
