//! `composeguard config` against `docker compose config --format json`.
//!
//! Two sets of inputs: every valid file of `../shared/corpus` (loaded as `docker compose -f FILE`
//! from its folder), and the multi-file projects under `tests/projects/<case>/`, each with a
//! `case.json` giving the command line (`args`), extra environment (`env`) and the folder to run
//! in (`cwd`). For each, the verdict must agree (compose fails ⇔ composeguard has a spec error)
//! and, when compose succeeds, the JSON must be equal, key order included, and the YAML that
//! `config` prints by default must be the same text as docker compose's.
//!
//! With `COMPOSEGUARD_ORACLE=<docker-compose binary>`, docker compose is run live; otherwise the
//! expected outputs committed under `tests/config_expected/` and `tests/projects/<case>/expected.json`
//! (with `expected.yaml` beside, docker compose's YAML text) are used. `COMPOSEGUARD_BLESS=1` (with the oracle) rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use composeguard::lint::{lint_loaded, LintOptions};
use composeguard::os_fs::OsFileSystem;
use composeguard_model::config_output::{to_json_string, to_yaml_string};
use composeguard_model::project::{load_project, ProjectOptions};
use composeguard_tests::{shared_dir, workspace_root};
use serde_json::{json, Value};

/// The environment every run gets (compose's is reduced to this too).
const PATH: &str = "/usr/bin:/bin";
const HOME: &str = "/nonexistent/composeguard-home";

/// A run: the folder, the command-line arguments, extra environment.
struct Run {
    cwd: PathBuf,
    args: Vec<String>,
    env: BTreeMap<String, String>,
}

/// What a run gives: compose's exit code and its JSON (on success) or first error line.
fn outcome(exit: i32, config: Option<Value>, error: &str) -> Value {
    match config {
        Some(c) => json!({ "exit": exit, "config": c }),
        None => json!({ "exit": exit, "error": error }),
    }
}

/// Replaces `root` (an absolute folder) in every string with a placeholder, so expected files do
/// not depend on where the repository is.
fn placeholder(value: Value, root: &str, mark: &str) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(root, mark)),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| placeholder(v, root, mark)).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k.replace(root, mark), placeholder(v, root, mark))).collect()),
        other => other,
    }
}

/// Runs docker compose on the case: its arguments, then `tail` (`config …`).
fn compose(run: &Run, bin: &str, tail: &[&str]) -> std::process::Output {
    Command::new(bin)
        .args(&run.args)
        .args(tail)
        .current_dir(&run.cwd)
        .env_clear()
        .env("PATH", PATH)
        .env("HOME", HOME)
        .envs(&run.env)
        .output()
        .expect("run docker compose")
}

fn oracle(run: &Run, bin: &str) -> Value {
    let out = compose(run, bin, &["config", "--format", "json"]);
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first_error = stderr.lines().find(|l| !l.contains("level=warning")).unwrap_or("").to_string();
    let config = (code == 0).then(|| serde_json::from_slice(&out.stdout).expect("compose JSON"));
    outcome(code, config, &first_error)
}

/// docker compose's YAML text (`config` without `--format`), on success.
fn oracle_yaml(run: &Run, bin: &str) -> Option<String> {
    let out = compose(run, bin, &["config"]);
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

fn ours(run: &Run) -> (Value, Vec<String>, Option<String>) {
    let mut options = ProjectOptions {
        cwd: run.cwd.to_string_lossy().to_string(),
        env: [("PATH".to_string(), PATH.to_string()), ("HOME".to_string(), HOME.to_string())].into_iter().collect(),
        ..ProjectOptions::default()
    };
    for (k, v) in &run.env {
        options.env.insert(k.clone(), v.clone());
    }
    let mut args = run.args.iter();
    while let Some(a) = args.next() {
        let mut value = || args.next().cloned().unwrap_or_default();
        match a.as_str() {
            "-f" | "--file" => options.files.push(value()),
            "--project-directory" => options.project_directory = Some(value()),
            "--env-file" => options.env_files.push(value()),
            "--profile" => options.profiles.push(value()),
            "-p" | "--project-name" => options.project_name = Some(value()),
            other => panic!("unsupported argument `{other}` in a case"),
        }
    }
    let project = load_project(&options, &OsFileSystem);
    let report = lint_loaded(&project, &LintOptions::default(), &OsFileSystem);
    let errors: Vec<String> = report
        .diagnostics()
        .filter(|d| d.category == composeguard::Category::Spec && d.severity == composeguard::Severity::Error)
        .map(|d| format!("{}:{}:{}: [{}] {}", d.file, d.start.line, d.start.column, d.rule, d.message))
        .collect();
    // the text `composeguard config --format json` prints, read back (numbers as Go writes them)
    let config = errors.is_empty().then(|| serde_json::from_str(&to_json_string(&project, &OsFileSystem)).expect("our config JSON"));
    let yaml = errors.is_empty().then(|| to_yaml_string(&project, &OsFileSystem));
    (outcome(i32::from(!errors.is_empty()), config, errors.first().map_or("", String::as_str)), errors, yaml)
}

/// Compares one run; returns a description of the disagreement.
fn check(name: &str, run: &Run, expected_file: &Path, root: &Path, mark: &str) -> Option<String> {
    let root_s = root.to_string_lossy().to_string();
    let yaml_file = expected_file.with_extension("yaml");
    let (expected, expected_yaml) = match std::env::var("COMPOSEGUARD_ORACLE") {
        Ok(bin) if !bin.is_empty() => {
            let live = placeholder(oracle(run, &bin), &root_s, mark);
            let live_yaml = oracle_yaml(run, &bin).map(|t| t.replace(&root_s, mark));
            if std::env::var("COMPOSEGUARD_BLESS").is_ok_and(|v| v == "1") {
                if let Some(dir) = expected_file.parent() {
                    std::fs::create_dir_all(dir).expect("create expected folder");
                }
                let text = serde_json::to_string_pretty(&live).expect("json") + "\n";
                std::fs::write(expected_file, text).expect("write expected");
                if let Some(y) = &live_yaml {
                    std::fs::write(&yaml_file, y).expect("write expected YAML");
                }
            }
            (live, live_yaml)
        }
        _ => match std::fs::read_to_string(expected_file) {
            Ok(text) => (serde_json::from_str(&text).expect("expected JSON"), std::fs::read_to_string(&yaml_file).ok()),
            Err(_) => return Some(format!("{name}: no expected output at {} (run with COMPOSEGUARD_ORACLE and COMPOSEGUARD_BLESS=1)", expected_file.display())),
        },
    };
    let (got, errors, got_yaml) = ours(run);
    let got = placeholder(got, &root_s, mark);
    let want_exit = expected.get("exit").and_then(Value::as_i64).unwrap_or(0);
    let got_exit = got.get("exit").and_then(Value::as_i64).unwrap_or(0);
    if (want_exit == 0) != (got_exit == 0) {
        return Some(format!(
            "{name}: docker compose {}, composeguard {}\n  compose: {}\n  ours: {}",
            if want_exit == 0 { "accepts it" } else { "rejects it" },
            if got_exit == 0 { "accepts it" } else { "rejects it" },
            expected.get("error").and_then(Value::as_str).unwrap_or(""),
            errors.join("\n        ")
        ));
    }
    if want_exit == 0 {
        let (a, b) = (got.get("config"), expected.get("config"));
        if a != b {
            let mut diffs = Vec::new();
            diff(a.unwrap_or(&Value::Null), b.unwrap_or(&Value::Null), String::new(), &mut diffs);
            return Some(format!("{name}: config differs\n  {}", diffs.iter().take(20).cloned().collect::<Vec<_>>().join("\n  ")));
        }
        // the same document, written in the same order
        let (a, b) = (serde_json::to_string(&a).expect("json"), serde_json::to_string(&b).expect("json"));
        if a != b {
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            let near = |t: &str| t.get(at.saturating_sub(60)..(at + 60).min(t.len())).unwrap_or("").to_string();
            return Some(format!("{name}: JSON key order differs\n  ours:    …{}…\n  compose: …{}…", near(&a), near(&b)));
        }
        if let Some(want) = expected_yaml {
            let got = got_yaml.unwrap_or_default().replace(&root_s, mark);
            if got != want {
                let line = got.lines().zip(want.lines()).position(|(x, y)| x != y).unwrap_or_else(|| got.lines().count().min(want.lines().count()));
                return Some(format!(
                    "{name}: YAML differs at line {}\n  ours:    {:?}\n  compose: {:?}",
                    line + 1,
                    got.lines().nth(line).unwrap_or(""),
                    want.lines().nth(line).unwrap_or("")
                ));
            }
        }
    }
    None
}

fn diff(a: &Value, b: &Value, path: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                match (x.get(k), y.get(k)) {
                    (Some(v), Some(w)) => diff(v, w, format!("{path}.{k}"), out),
                    (Some(v), None) => out.push(format!("{path}.{k}: only ours: {v}")),
                    (None, Some(w)) => out.push(format!("{path}.{k}: only compose's: {w}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                diff(v, w, format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{path}: ours {a}, compose {b}")),
        _ => {}
    }
}

#[test]
fn corpus_config_matches_docker_compose() {
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared/corpus is absent");
        return;
    };
    let corpus = shared.join("corpus").canonicalize().expect("corpus");
    let labels = std::fs::read_to_string(corpus.join("labels.tsv")).expect("labels.tsv");
    let expected_root = workspace_root().join("tests").join("config_expected");
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut header: Vec<&str> = Vec::new();
    for (i, line) in labels.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        if i == 0 {
            header = cols;
            continue;
        }
        let col = |name: &str| header.iter().position(|h| *h == name).and_then(|p| cols.get(p)).copied().unwrap_or("");
        if col("oracle_exit") != "0" {
            continue;
        }
        let path = col("path");
        let file = corpus.join(path);
        let run = Run {
            cwd: file.parent().expect("folder").to_path_buf(),
            args: vec!["-f".into(), file.file_name().expect("name").to_string_lossy().to_string()],
            env: BTreeMap::new(),
        };
        checked += 1;
        if let Some(f) = check(path, &run, &expected_root.join(format!("{path}.json")), &corpus, "@CORPUS@") {
            failures.push(f);
        }
    }
    println!("{checked} valid corpus files compared, {} equal, {} different", checked - failures.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn project_cases_match_docker_compose() {
    let cases_dir = workspace_root().join("tests").join("projects").canonicalize().expect("tests/projects");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&cases_dir).expect("read").flatten().map(|e| e.path()).filter(|p| p.join("case.json").is_file()).collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().expect("name").to_string_lossy().to_string();
        let spec: Value = serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).expect("case.json")).expect("case JSON");
        let args = spec.get("args").and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
        // `@CASE@` in an environment value stands for the case's folder (for absolute paths)
        let case_s = case.to_string_lossy().to_string();
        let env = spec
            .get("env")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").replace("@CASE@", &case_s))).collect())
            .unwrap_or_default();
        let cwd = case.join(spec.get("cwd").and_then(Value::as_str).unwrap_or("."));
        let run = Run { cwd, args, env };
        if let Some(f) = check(&name, &run, &case.join("expected.json"), case, "@CASE@") {
            failures.push(f);
        }
    }
    println!("{} project cases compared, {} agree, {} disagree", cases.len(), cases.len() - failures.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
