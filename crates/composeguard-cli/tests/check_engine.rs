//! `composeguard check` with configuration, suppressions, baselines and the CI formats.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_composeguard"))
}

#[path = "support/temp.rs"]
mod temp;

fn temp_dir(name: &str) -> temp::TempDir {
    temp::TempDir::new("engine", name)
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin().arg("check").args(args).current_dir(dir).env_remove("TAG").output().unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn rules(report: &serde_json::Value, suppressed: bool) -> Vec<String> {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().iter())
        .filter(|d| d["suppression"].is_object() == suppressed)
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A hardened service whose only checklist finding is its floating `latest` tag.
const COMPOSE: &str = "name: demo
services:
  web:
    image: nginx:latest
    user: \"101:101\"
    read_only: true
    cap_drop: [ALL]
    security_opt: [\"no-new-privileges:true\"]
    restart: unless-stopped
    mem_limit: 256m
    cpus: 0.5
    pids_limit: 100
    healthcheck:
      test: [\"CMD\", \"true\"]
      interval: 30s
      timeout: 5s
      retries: 3
";

#[test]
fn configuration_is_found_upwards() {
    let dir = temp_dir("discover");
    write(&dir, "deploy/compose.yaml", COMPOSE);
    write(&dir, "pyproject.toml", "[tool.composeguard]\nfail-on = \"warning\"\n");
    let out = run(&dir, &["deploy/compose.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "fail-on = warning from pyproject.toml");
    write(&dir, "deploy/composeguard.toml", "[severity]\nimage-floating-tag = \"info\"\n");
    let out = run(&dir, &["deploy/compose.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "the nearer composeguard.toml wins: {}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(json(&out)["summary"]["info"].as_u64(), Some(1));
    // --fail-on beats the configuration
    write(&dir, "deploy/composeguard.toml", "fail-on = \"info\"\n");
    let out = run(&dir, &["deploy/compose.yaml", "--fail-on", "error"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn explicit_config_and_config_errors() {
    let dir = temp_dir("explicit");
    write(&dir, "compose.yaml", COMPOSE);
    write(&dir, "strict.toml", "fail-on = \"warning\"\n");
    assert_eq!(run(&dir, &["compose.yaml"]).status.code(), Some(0));
    assert_eq!(run(&dir, &["compose.yaml", "--config", "strict.toml"]).status.code(), Some(1));
    write(&dir, "nowhy.toml", "[[waiver]]\nrule = \"image-floating-tag\"\nservice = \"web\"\n");
    let out = run(&dir, &["compose.yaml", "--config", "nowhy.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reason"), "{}", String::from_utf8_lossy(&out.stderr));
    write(&dir, "typo.toml", "ignore = [\"image-floating-tags\"]\n");
    let out = run(&dir, &["compose.yaml", "--config", "typo.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `image-floating-tag`"));
    assert_eq!(run(&dir, &["compose.yaml", "--config", "missing.toml"]).status.code(), Some(2));
}

#[test]
fn waiver_and_inline_suppression_stay_visible() {
    let dir = temp_dir("waive");
    write(&dir, "compose.yaml", &COMPOSE.replace("image: nginx:latest", "image: nginx:latest # composeguard: ignore[CG502] demo image"));
    write(&dir, "composeguard.toml", "fail-on = \"warning\"\n");
    let out = run(&dir, &["compose.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let report = json(&out);
    assert_eq!(rules(&report, true), ["image-floating-tag"]);
    let d = &report["files"][0]["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "image-floating-tag").unwrap()["suppression"];
    assert_eq!((d["kind"].as_str(), d["reason"].as_str()), (Some("inline"), Some("demo image")));
}

#[test]
fn baseline_is_written_then_only_new_findings_fail() {
    let dir = temp_dir("baseline");
    write(&dir, "compose.yaml", COMPOSE);
    let out = run(&dir, &["compose.yaml", "--baseline", "ci/baseline.json", "--fail-on", "warning"]);
    assert_eq!(out.status.code(), Some(2), "the baseline's folder must exist");
    // in the words of the other messages, not the OS's with its number
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write ci/baseline.json: no such file or folder") && !stderr.contains("os error"), "{stderr}");
    std::fs::create_dir_all(dir.join("ci")).unwrap();
    let out = run(&dir, &["compose.yaml", "--baseline", "ci/baseline.json", "--fail-on", "warning"]);
    assert_eq!(out.status.code(), Some(0), "writing a baseline passes: {}", String::from_utf8_lossy(&out.stderr));
    let baseline: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("ci/baseline.json")).unwrap()).unwrap();
    let entries = baseline["findings"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["rule"] == "image-floating-tag"));
    assert!(entries.iter().all(|e| e["file"] == "../compose.yaml"), "files are relative to the baseline: {baseline}");
    // moving lines keeps old findings baselined; a new one fails
    let cache = COMPOSE.split_once("services:\n").unwrap().1.replace("web:", "cache:").replace("nginx:latest", "redis:latest");
    write(&dir, "compose.yaml", &format!("# moved down\n{COMPOSE}{cache}"));
    let out = run(&dir, &["compose.yaml", "--baseline", "ci/baseline.json", "--fail-on", "warning", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(rules(&report, false), ["image-floating-tag"]);
    assert!(rules(&report, true).contains(&"image-floating-tag".to_string()));
    // the same from another working directory
    let out = bin().args(["check", "../compose.yaml", "--baseline", "baseline.json", "--fail-on", "warning"]).current_dir(dir.join("ci")).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn every_format_renders() {
    let dir = temp_dir("formats");
    write(&dir, "compose.yaml", COMPOSE);
    for format in ["human", "json", "sarif", "github", "junit", "gitlab"] {
        let out = run(&dir, &["compose.yaml", "--format", format, "--fail-on", "warning"]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(!out.stdout.is_empty(), "{format}");
    }
    let out = run(&dir, &["compose.yaml", "--format", "github"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("::warning file=compose.yaml,line=4,col=12,endLine=4,endColumn=24,title=CG502 image-floating-tag::"));
    assert_eq!(run(&dir, &["compose.yaml", "--format", "xml"]).status.code(), Some(2));
}

#[test]
fn several_projects_render_their_own_sources() {
    let dir = temp_dir("projects");
    write(&dir, "a/compose.yaml", COMPOSE);
    write(&dir, "b/compose.yaml", "name: b\nservices:\n  db:\n    image: postgres\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n");
    let out = run(&dir, &["a/compose.yaml", "b/compose.yaml", "--no-color"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("b/compose.yaml:4:12") && text.contains("4 |     image: postgres"), "{text}");
    assert!(text.contains("a/compose.yaml:4:12") && text.contains("4 |     image: nginx:latest"), "{text}");
}
