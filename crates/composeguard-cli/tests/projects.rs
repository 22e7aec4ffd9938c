//! The project options of the command line (`-f` stacking, override discovery, `--env-file`,
//! `--profile`, `--all-profiles`, `--project-directory`) and `composeguard config`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_composeguard"));
    c.env_remove("COMPOSE_FILE").env_remove("COMPOSE_PROFILES").env_remove("COMPOSE_PROJECT_NAME");
    c
}

#[path = "support/temp.rs"]
mod temp;

fn temp_dir(name: &str) -> temp::TempDir {
    temp::TempDir::new("projects", name)
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

const HEALTHY: &str = "    healthcheck:\n      test: [\"CMD\", \"true\"]\n";

#[test]
fn stacked_files_report_into_the_override() {
    let dir = temp_dir("stack");
    write(&dir, "compose.yaml", &format!("name: demo\nservices:\n  web:\n    image: nginx:1.27\n{HEALTHY}"));
    write(&dir, "prod.yaml", "services:\n  web:\n    restart: sometimes\n    imgae: x\n");
    let out = bin().args(["check", "-f", "compose.yaml", "-f", "prod.yaml", "--format", "json"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let errors: Vec<(&str, &str)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().iter())
        .filter(|d| d["severity"] == "error")
        .map(|d| (d["file"].as_str().unwrap(), d["rule"].as_str().unwrap()))
        .collect();
    assert!(errors.contains(&("prod.yaml", "unknown-key")), "{report:#}");
    assert!(errors.iter().all(|(f, _)| *f == "prod.yaml"), "{report:#}");
}

#[test]
fn override_file_is_discovered_and_env_file_replaces_dotenv() {
    let dir = temp_dir("discover");
    write(&dir, "compose.yaml", &format!("name: demo\nservices:\n  web:\n    image: \"nginx:${{TAG}}\"\n{HEALTHY}"));
    write(&dir, "compose.override.yaml", "services:\n  web:\n    environment:\n      - MODE=${MODE:-unset}\n");
    write(&dir, ".env", "TAG=1.27\n");
    write(&dir, "ci.env", "TAG=1.28\nMODE=ci\n");
    let out = bin().args(["config", "--format", "json"]).current_dir(&dir).env_remove("TAG").env_remove("MODE").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let config = json(&out);
    assert_eq!(config["services"]["web"]["image"], "nginx:1.27");
    assert_eq!(config["services"]["web"]["environment"]["MODE"], "unset");
    let out = bin().args(["config", "--format", "json", "--env-file", "ci.env"]).current_dir(&dir).env_remove("TAG").env_remove("MODE").output().unwrap();
    let config = json(&out);
    assert_eq!(config["services"]["web"]["image"], "nginx:1.28");
    assert_eq!(config["services"]["web"]["environment"]["MODE"], "ci");
}

#[test]
fn profiles_select_services() {
    let dir = temp_dir("profiles");
    write(&dir, "compose.yaml", &format!("name: demo\nservices:\n  web:\n    image: nginx:1.27\n{HEALTHY}  debug:\n    image: busybox:1.36\n    profiles: [debug]\n"));
    let names = |args: &[&str]| -> Vec<String> {
        let out = bin().args(["config", "--format", "json"]).args(args).current_dir(&dir).output().unwrap();
        let mut names: Vec<String> = json(&out)["services"].as_object().unwrap().keys().cloned().collect();
        names.sort();
        names
    };
    assert_eq!(names(&[]), ["web"]);
    assert_eq!(names(&["--profile", "debug"]), ["debug", "web"]);
    let out = bin().args(["check", "--all-profiles", "--format", "json", "--select", "no-healthcheck"]).current_dir(&dir).output().unwrap();
    let report = json(&out);
    let found: Vec<&serde_json::Value> = report["files"][0]["diagnostics"].as_array().unwrap().iter().filter(|d| d["rule"] == "no-healthcheck").collect();
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["profiles"], serde_json::json!(["debug"]));
}

#[test]
fn config_refuses_what_compose_refuses() {
    let dir = temp_dir("config-error");
    write(&dir, "compose.yaml", "services:\n  web:\n    extends: nothere\n");
    let out = bin().args(["config"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("compose.yaml:3:14") && stderr.contains("nothere"), "{stderr}");
    let out = bin().args(["config", "-f", "missing.yaml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn project_directory_resolves_paths_and_dotenv() {
    let dir = temp_dir("projdir");
    write(&dir, "files/compose.yaml", "services:\n  web:\n    image: \"app:${TAG}\"\n    build: ./ctx\n");
    write(&dir, "proj/.env", "TAG=proj\n");
    let out = bin().args(["config", "--format", "json", "--project-directory", "proj", "-f", "files/compose.yaml"]).current_dir(&dir).env_remove("TAG").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let config = json(&out);
    assert_eq!(config["name"], "proj");
    assert_eq!(config["services"]["web"]["image"], "app:proj");
    let context = config["services"]["web"]["build"]["context"].as_str().unwrap();
    assert!(context.ends_with("/proj/ctx"), "{context}");
}

/// Every error of a report as `file:line:column rule`.
fn error_places(report: &serde_json::Value) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().iter())
        .filter(|d| d["severity"] == "error")
        .map(|d| format!("{}:{}:{} {}", d["file"].as_str().unwrap(), d["start"]["line"], d["start"]["column"], d["rule"].as_str().unwrap()))
        .collect()
}

#[test]
fn an_env_file_compose_cannot_read_is_reported_at_its_entry() {
    let dir = temp_dir("bad-dotenv");
    write(&dir, "compose.yaml", &format!("name: demo\nservices:\n  web:\n    image: \"nginx:${{TAG}}\"\n{HEALTHY}"));
    // compose: `failed to read .env: line 4: unterminated quoted value`, for the quote opened
    // on line 2 (the file ends on line 4)
    write(&dir, ".env", "TAG=1.27\nGREETING=\"hello\nworld\n");
    let out = bin().args(["check", "--format", "json"]).current_dir(&dir).env_remove("TAG").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(error_places(&report), [".env:2:1 invalid-value"], "{report:#}");
    // the same through `--env-file`, and for a key with a space
    write(&dir, "ci.env", "# ci\nMODE=ci\nBAD KEY=1\n");
    let out = bin().args(["check", "--format", "json", "--env-file", "ci.env"]).current_dir(&dir).output().unwrap();
    assert_eq!(error_places(&json(&out)), ["ci.env:3:1 invalid-value"]);
    let human = bin().args(["check", "--no-color", "--env-file", "ci.env"]).current_dir(&dir).output().unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("--> ci.env:3:1\n  |\n3 | BAD KEY=1\n"), "{text}");
}

#[test]
fn an_invalid_project_name_from_dotenv_is_reported_at_its_line() {
    let dir = temp_dir("dotenv-name");
    write(&dir, "compose.yaml", &format!("services:\n  web:\n    image: nginx:1.27\n{HEALTHY}"));
    write(&dir, ".env", "TAG=1\nCOMPOSE_PROJECT_NAME=My.Shop\n");
    let out = bin().args(["check", "--format", "json"]).current_dir(&dir).output().unwrap();
    assert_eq!(error_places(&json(&out)), [".env:2:1 invalid-value"]);
    // from the environment, which wins over `.env`, no file says it
    let out = bin().args(["check", "--format", "json"]).current_dir(&dir).env("COMPOSE_PROJECT_NAME", "Other.Name").output().unwrap();
    assert_eq!(error_places(&json(&out)), ["compose.yaml:1:1 invalid-value"]);
    // a valid name from the environment overrides the invalid one of `.env`
    let out = bin().args(["check", "--format", "json"]).current_dir(&dir).env("COMPOSE_PROJECT_NAME", "shop").output().unwrap();
    assert!(error_places(&json(&out)).is_empty());
}

/// A `COMPOSE_FILE` entry compose cannot read is one error, at the entry of the `.env` that
/// lists it; from the environment, the message says so (no file holds it).
#[test]
fn compose_file_entries_are_reported_where_the_list_is_written() {
    let dir = temp_dir("compose-file-list");
    write(&dir, "base.yaml", &format!("name: demo\nservices:\n  web:\n    image: nginx:1.27\n{HEALTHY}"));
    let messages = |report: &serde_json::Value| -> Vec<String> {
        report["files"].as_array().unwrap().iter().flat_map(|f| f["diagnostics"].as_array().unwrap().iter()).filter(|d| d["severity"] == "error").map(|d| d["message"].as_str().unwrap().to_string()).collect()
    };
    write(&dir, ".env", "TAG=1\nCOMPOSE_FILE=base.yaml:prod.yaml\n");
    let report = json(&bin().args(["check", "--format", "json"]).current_dir(&dir).output().unwrap());
    assert_eq!(error_places(&report), [".env:2:24 missing-file"], "{report:#}");
    assert_eq!(messages(&report), ["`prod.yaml` (from `COMPOSE_FILE`) not found"]);
    // a trailing separator is an empty entry: the current folder, which compose cannot read
    write(&dir, ".env", "COMPOSE_FILE=base.yaml:\n");
    let report = json(&bin().args(["check", "--format", "json"]).current_dir(&dir).output().unwrap());
    assert_eq!(error_places(&report), [".env:1:1 invalid-value"], "{report:#}");
    assert!(messages(&report)[0].contains("has an empty entry"), "{report:#}");
    // from the environment
    std::fs::remove_file(dir.join(".env")).unwrap();
    let out = bin().args(["check", "--format", "json"]).current_dir(&dir).env("COMPOSE_FILE", "base.yaml:prod.yaml").output().unwrap();
    assert_eq!(messages(&json(&out)), ["`prod.yaml` (from the `COMPOSE_FILE` environment variable) not found"]);
}

/// A file the project reads that is there but is not read (over the 64 MiB limit on such files,
/// or a pipe) is an error that says why, not one that calls it missing, and not silence.
#[test]
fn env_files_too_large_or_irregular_say_why() {
    let dir = temp_dir("unreadable-env");
    write(&dir, "compose.yaml", &format!("name: demo\nservices:\n  web:\n    image: nginx:1.27\n    env_file: [big.env]\n{HEALTHY}"));
    // sparse: 65 MiB long, nothing written
    std::fs::File::create(dir.join("big.env")).unwrap().set_len(65 << 20).unwrap();
    let out = bin().args(["check", "--format", "json"]).current_dir(&dir).output().unwrap();
    let report = json(&out);
    assert_eq!(error_places(&report), ["compose.yaml:5:16 input-limit"], "{report:#}");
    let message = report["files"][0]["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "input-limit").unwrap()["message"].clone();
    assert_eq!(message, "cannot read env file `big.env`: larger than 64 MiB");
    #[cfg(unix)]
    {
        write(&dir, "small.env", "A=1\n");
        write(&dir, "compose.yaml", &format!("name: demo\nservices:\n  web:\n    image: nginx:1.27\n    env_file: [small.env]\n{HEALTHY}"));
        let status = Command::new("mkfifo").arg(dir.join(".env")).status().unwrap();
        assert!(status.success());
        let out = bin().args(["check", "--format", "json"]).current_dir(&dir).output().unwrap();
        let report = json(&out);
        let messages: Vec<&str> = report["files"][0]["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").map(|d| d["message"].as_str().unwrap()).collect();
        assert_eq!(messages.len(), 1, "{report:#}");
        assert!(messages[0].starts_with("cannot read env file `") && messages[0].ends_with(".env`: not a regular file"), "{messages:?}");
    }
}
