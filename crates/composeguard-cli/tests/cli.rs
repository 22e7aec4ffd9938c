//! The CLI contract: exit codes, discovery, JSON report, every error with its location.

// in the helpers too (clippy.toml allows them in `#[test]` functions): a test panicking on a broken fixture fails, as it should
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_composeguard"))
}

#[path = "support/temp.rs"]
mod temp;

fn temp_dir(name: &str) -> temp::TempDir {
    temp::TempDir::new("cli", name)
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const VALID: &str = "name: demo\nservices:\n  web:\n    image: nginx:1.27\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n";

#[test]
fn valid_file_exits_zero() {
    let dir = temp_dir("valid");
    write(&dir, "compose.yaml", VALID);
    let out = bin().args(["check", "compose.yaml", "--no-color"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn discovers_compose_file_without_arguments() {
    let dir = temp_dir("discover");
    write(&dir, "docker-compose.yml", "services:\n  web:\n    imgae: nginx\n");
    let out = bin().args(["check", "--no-color"]).current_dir(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("docker-compose.yml:3:5"), "{stdout}");
    assert!(stdout.contains("did you mean `image`?"), "{stdout}");
}

#[test]
fn no_compose_file_is_a_usage_error() {
    let dir = temp_dir("none");
    let out = bin().args(["check"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unknown_option_is_a_usage_error() {
    let out = bin().args(["check", "--frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Five independent mistakes give five diagnostics, each at its own line and column.
#[test]
fn five_errors_five_diagnostics() {
    let dir = temp_dir("five");
    let text = "\
services:
  web:
    image: nginx
    enviroment:
      A: b
    ports:
      - \"80800:80\"
    cap_add: NET_ADMIN
  worker:
    image: worker
    depends_on: [missing]
    healthcheck:
      interval: 10x
      test: [\"CMD\", \"true\"]
";
    write(&dir, "compose.yaml", text);
    let out = bin().args(["check", "--format", "json", "compose.yaml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, u64, u64)> = report["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["category"] == "spec")
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d["start"]["line"].as_u64().unwrap(), d["start"]["column"].as_u64().unwrap()))
        .collect();
    got.sort_by_key(|g| (g.1, g.2));
    let want: Vec<(String, u64, u64)> = vec![
        ("unknown-key".into(), 4, 5),
        ("invalid-value".into(), 7, 9),
        ("invalid-type".into(), 8, 14),
        ("undefined-reference".into(), 11, 18),
        ("invalid-value".into(), 13, 17),
    ];
    assert_eq!(got, want);
    assert_eq!(report["version"], 1);
    assert_eq!(report["summary"]["error"].as_u64(), Some(5));
}

/// A column counts characters in every format that names one the way the human output does
/// (`é` is one column, though two bytes); the offset stays in bytes.
#[test]
fn columns_count_characters_in_every_format() {
    let dir = temp_dir("columns");
    write(&dir, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    labels: {a: \"\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\", b: [1]}\n");
    let run = |format: &str| String::from_utf8(bin().args(["check", "--no-color", "--format", format, "compose.yaml"]).current_dir(&dir).output().unwrap().stdout).unwrap();
    assert!(run("human").contains("--> compose.yaml:4:29"), "{}", run("human"));
    assert!(run("junit").contains("compose.yaml:4:29"), "{}", run("junit"));
    let report: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let error = report["files"][0]["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "invalid-type").unwrap().clone();
    assert_eq!((error["start"]["line"].as_u64(), error["start"]["column"].as_u64(), error["start"]["offset"].as_u64()), (Some(4), Some(29), Some(72)));
}

/// A project name that no file holds says where it came from.
#[test]
fn a_bad_project_name_says_where_it_came_from() {
    let dir = temp_dir("name-source");
    let folder = dir.join("___");
    std::fs::create_dir_all(&folder).unwrap();
    write(&folder, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n");
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.args(["check", "--no-color"]).args(args).arg("compose.yaml").current_dir(&folder).env_remove("COMPOSE_PROJECT_NAME");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let out = run(&["-p", "My.App"], &[]);
    assert!(out.contains("invalid project name `My.App` (from `-p`)") && out.contains("`my-app`"), "{out}");
    let out = run(&[], &[("COMPOSE_PROJECT_NAME", "MyApp")]);
    assert!(out.contains("(from `COMPOSE_PROJECT_NAME` in the environment)"), "{out}");
    let out = run(&[], &[]);
    assert!(out.contains("names the project after its folder, and `___` has no letter or digit"), "{out}");
}

#[test]
fn fail_on_warning_turns_warnings_into_failure() {
    let dir = temp_dir("failon");
    write(&dir, "compose.yaml", "services:\n  web:\n    image: nginx:${TAG}\n");
    let ok = bin().args(["check", "compose.yaml", "--select", "unset-variable", "--ignore", "all"]).current_dir(&dir).env_remove("TAG").output().unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stdout));
    let fail = bin()
        .args(["check", "compose.yaml", "--select", "unset-variable", "--ignore", "all", "--fail-on", "warning"])
        .current_dir(&dir)
        .env_remove("TAG")
        .output()
        .unwrap();
    assert_eq!(fail.status.code(), Some(1));
}

#[test]
fn invalid_utf8_is_located() {
    let dir = temp_dir("utf8");
    std::fs::write(dir.join("compose.yaml"), b"services:\n  web:\n    image: \"x\xffy\"\n").unwrap();
    let out = bin().args(["check", "--no-color", "compose.yaml"]).current_dir(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("compose.yaml:3:14") && stdout.contains("UTF-8"), "{stdout}");
}

#[test]
fn rules_and_explain() {
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules.as_array().unwrap().iter().any(|r| r["name"] == "unknown-key"));
    let out = bin().args(["explain", "unknown-key"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("## Why is this bad?"));
    let out = bin().args(["explain", "no-such-rule"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // a misspelt rule name gets a did-you-mean, as `--select` does
    let out = bin().args(["explain", "privilegd"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `privileged`?"));
}

#[test]
fn schema_command_prints_the_model_schema() {
    let out = bin().arg("schema").output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(schema["properties"]["services"].is_object());
}

#[test]
fn version_is_the_workspace_version() {
    // [workspace.package] version of the root Cargo.toml, which every package carries
    // (tests/distribution.rs checks the others)
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml")).unwrap();
    let section = &manifest[manifest.find("[workspace.package]").unwrap()..];
    let line = section.lines().find(|l| l.starts_with("version = ")).unwrap();
    let version = line.trim_start_matches("version = ").trim_matches('"');
    let out = bin().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("composeguard {version}\n"));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `composeguard rules | head`: the pipe is closed before the output is written
    for args in [&["rules"][..], &["rules", "--format", "json"], &["explain", "no-user"], &["schema"]] {
        let mut child = bin()
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn files_given_by_absolute_path_name_the_files_they_extend_absolutely_too() {
    let dir = temp_dir("absolute");
    write(&dir, "base.yaml", "services:\n  app:\n    image: nginx:1.27\n    user: root\n");
    write(&dir, "child.yaml", "services:\n  app:\n    extends:\n      file: base.yaml\n      service: app\n");
    let abs = |name: &str| dir.join(name).to_string_lossy().into_owned();
    // run from the folder above, so that a relative spelling would differ from the given one
    let above = dir.parent().unwrap_or(&dir);
    let out = bin()
        .args(["check", "--format", "json", "--select", "root-user", &abs("child.yaml"), &abs("base.yaml")])
        .current_dir(above)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = report["files"].as_array().unwrap().iter().filter_map(|f| f["path"].as_str()).collect();
    assert!(!files.is_empty(), "{report}");
    assert!(files.iter().all(|f| f.starts_with('/')), "{files:?}");
    // each project reports on the base file, under one spelling
    let spellings: std::collections::BTreeSet<&&str> = files.iter().filter(|f| f.ends_with("base.yaml")).collect();
    assert_eq!(spellings.len(), 1, "one spelling of base.yaml: {files:?}");
}

/// Runs `composeguard ARGS` in `dir` with `input` on standard input.
fn with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write as _;
    let mut child = bin()
        .args(args)
        .current_dir(dir)
        .env_remove("COMPOSE_PROJECT_NAME")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// `-` is standard input, as with `docker compose -f -`: findings are located in `-`, and the
/// project folder is the current one.
#[test]
fn a_dash_reads_the_compose_file_from_standard_input() {
    let dir = temp_dir("stdin");
    write(&dir, ".env", "TAG=1.27\n");
    let text = "services:\n  web:\n    image: nginx:${TAG}\n    enviroment: [A=1]\n";
    let out = with_stdin(&dir, &["check", "-", "--no-color"], text.as_bytes());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("--> -:4:5"), "{stdout}");
    assert!(stdout.contains("did you mean `environment`?"), "{stdout}");
    // `TAG` came from the current folder's `.env`
    assert!(!stdout.contains("variable `TAG`"), "{stdout}");
    // the same as `-f -`, in JSON
    let out = with_stdin(&dir, &["check", "-f", "-", "--format", "json"], text.as_bytes());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"][0]["path"], "-", "{report}");
    assert_eq!(report["summary"]["error"], 1, "{report}");
}

/// `--stdin-filename` names the file the text stands for (an editor's unsaved buffer): it is
/// shown, and `.env`, `env_file` and the configuration are found from its folder.
#[test]
fn stdin_filename_places_the_text_in_its_folder() {
    let dir = temp_dir("stdin-filename");
    std::fs::create_dir_all(dir.join("app")).unwrap();
    write(&dir.join("app"), ".env", "TAG=1.27\n");
    write(&dir.join("app"), "app.env", "MODE=prod\n");
    write(&dir.join("app"), "composeguard.toml", "ignore = [\"no-healthcheck\"]\n");
    let text = "services:\n  web:\n    image: nginx:${TAG}\n    env_file: app.env\n    ports: [\"99999:80\"]\n";
    let out = with_stdin(&dir, &["check", "--stdin-filename", "app/compose.yaml", "--format", "json"], text.as_bytes());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = report["files"][0]["diagnostics"].as_array().unwrap();
    assert_eq!(report["files"][0]["path"], "app/compose.yaml", "{report}");
    let rules: Vec<&str> = diagnostics.iter().filter_map(|d| d["rule"].as_str()).collect();
    // the bad port is found; `app.env` and `TAG` are found from app/; the configuration there applies
    assert!(diagnostics.iter().any(|d| d["path"] == "services.web.ports[0]" && d["start"]["line"] == 5), "{rules:?}");
    assert!(!rules.contains(&"missing-env-file") && !rules.contains(&"unset-variable"), "{rules:?}");
    assert!(!rules.contains(&"no-healthcheck"), "{rules:?}");
    assert_eq!(out.status.code(), Some(1));
}

/// `config -f base.yaml -f -` stacks standard input over a file, as docker compose does.
#[test]
fn standard_input_stacks_over_files() {
    let dir = temp_dir("stdin-stack");
    write(&dir, "base.yaml", "services:\n  web:\n    image: nginx:1.27\n");
    let out = with_stdin(&dir, &["config", "-f", "base.yaml", "-f", "-", "--format", "json"], b"services:\n  web:\n    command: hi\n");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(config["services"]["web"]["image"], "nginx:1.27");
    assert_eq!(config["services"]["web"]["command"], serde_json::json!(["hi"]));
    // bytes that are not text are located, never a panic
    let out = with_stdin(&dir, &["check", "-", "--no-color"], b"services:\n  web:\n    image: \xff\xfe\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("-:3:"), "{stdout}");
}

/// `--fix` applies the fixes of the findings it reports to the compose files given, then reports
/// what is left; files they extend are not touched, and standard input cannot be fixed.
#[test]
fn fix_writes_the_fixed_files() {
    let dir = temp_dir("fix");
    let base = "version: \"3\"\nservices:\n  base:\n    image: nginx:1.27\n";
    write(&dir, "base.yaml", base);
    write(
        &dir,
        "compose.yaml",
        "version: \"3\"\nservices:\n  web:\n    extends: {file: base.yaml, service: base}\n    ports:\n      - 8080:80\n    volumes:\n      - \"./data:/data\"\n",
    );
    let args = ["check", "--fix", "--select", "unquoted-ports,quoted-volumes", "--format", "json", "compose.yaml"];
    let out = bin().args(args).current_dir(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 3 findings in 1 file"), "{stderr}");
    let fixed = std::fs::read_to_string(dir.join("compose.yaml")).unwrap();
    assert_eq!(fixed, "services:\n  web:\n    extends: {file: base.yaml, service: base}\n    ports:\n      - \"8080:80\"\n    volumes:\n      - ./data:/data\n");
    assert_eq!(std::fs::read_to_string(dir.join("base.yaml")).unwrap(), base);
    // the report is of the fixed file: no fixable finding is left
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixable: Vec<(&str, &str)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().iter().filter(|d| !d["fix"].is_null()).map(move |d| (f["path"].as_str().unwrap(), d["rule"].as_str().unwrap())))
        .collect();
    assert!(fixable.is_empty(), "{fixable:?}");
    assert!(report["files"][0]["diagnostics"].as_array().unwrap().iter().any(|d| d["rule"] == "port-all-interfaces"), "{report}");
    // nothing left to fix: nothing written, nothing said
    let out = bin().args(args).current_dir(&dir).output().unwrap();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = with_stdin(&dir, &["check", "--fix", "-"], b"version: '3'\nservices: {}\n");
    assert_eq!(out.status.code(), Some(2));
    // a byte-order mark and CRLF line ends are kept
    std::fs::write(dir.join("bom.yaml"), b"\xEF\xBB\xBFversion: '3'\r\nservices:\r\n  web:\r\n    image: nginx:1.27\r\n").unwrap();
    let out = bin().args(["check", "--fix", "bom.yaml"]).current_dir(&dir).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 1 finding in 1 file"));
    assert_eq!(std::fs::read(dir.join("bom.yaml")).unwrap(), b"\xEF\xBB\xBFservices:\r\n  web:\r\n    image: nginx:1.27\r\n");
}

/// `--fix` leaves alone what the baseline lists, as it leaves a suppressed finding: a finding
/// accepted into the baseline is not rewritten behind the user's back.
#[test]
fn fix_keeps_what_the_baseline_lists() {
    let dir = temp_dir("fix-baseline");
    write(&dir, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - 8080:80\n");
    let select = ["--select", "unquoted-ports", "--no-color"];
    // the first run writes the baseline with the finding
    let out = bin().args(["check", "--baseline", "baseline.json"]).args(select).arg("compose.yaml").current_dir(&dir).output().unwrap();
    assert!(dir.join("baseline.json").exists(), "{}", String::from_utf8_lossy(&out.stderr));
    write(&dir, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - 8080:80\n      - 9090:90\n");
    let out = bin().args(["check", "--fix", "--baseline", "baseline.json"]).args(select).arg("compose.yaml").current_dir(&dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 1 finding in 1 file"), "{stderr}");
    // the new port is quoted, the one in the baseline is as it was
    assert_eq!(std::fs::read_to_string(dir.join("compose.yaml")).unwrap(), "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - 8080:80\n      - \"9090:90\"\n");
    // without the baseline, it is fixed too
    let out = bin().args(["check", "--fix"]).args(select).arg("compose.yaml").current_dir(&dir).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 1 finding in 1 file"));
    assert!(std::fs::read_to_string(dir.join("compose.yaml")).unwrap().contains("- \"8080:80\"\n"));
}

/// A `--select` or `--ignore` entry that names no rule, code, code prefix or category is a usage
/// error with a "did you mean" (a misspelt rule would otherwise select nothing, silently).
#[test]
fn an_unknown_selector_is_a_usage_error() {
    let dir = temp_dir("selector");
    write(&dir, "compose.yaml", VALID);
    let out = bin().args(["check", "--select", "security,privilegd", "compose.yaml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`privilegd` is not a rule name") && stderr.contains("did you mean `privileged`?"), "{stderr}");
    let out = bin().args(["check", "--ignore", "CG9", "compose.yaml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // names, codes in either case, code prefixes, categories and `all` are taken
    let out = bin().args(["check", "--select", "all,CG2,cg201,privileged,security", "--ignore", "style", "compose.yaml"]).current_dir(&dir).output().unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A folder among the paths is every project under it, each as docker compose finds a folder's
/// project (its compose file and that folder's override file), in path order; hidden folders and
/// `node_modules` are left out, and a folder without a compose file is said so.
#[test]
fn a_folder_is_every_project_under_it() {
    let dir = temp_dir("folders");
    for sub in ["deploy/web", "deploy/api", ".git/x", "node_modules/m", "docs"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    write(&dir, "deploy/web/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n");
    write(&dir, "deploy/web/compose.override.yaml", "services:\n  web:\n    restart: sometimes\n");
    write(&dir, "deploy/api/docker-compose.yml", "services:\n  api:\n    image: nginx:1.27\n    enviroment: {A: 1}\n");
    write(&dir, ".git/x/compose.yaml", "services: [broken\n");
    write(&dir, "node_modules/m/compose.yaml", "services: [broken\n");
    let out = bin().args(["check", "--format", "json", "deploy"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<(String, String)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").map(move |d| (f["path"].as_str().unwrap().to_string(), d["rule"].as_str().unwrap().to_string())))
        .collect();
    // the override file is part of the web project; the folders come in path order
    assert_eq!(
        errors,
        [("deploy/api/docker-compose.yml".to_string(), "unknown-key".to_string()), ("deploy/web/compose.override.yaml".to_string(), "invalid-restart-policy".to_string())],
        "{report}"
    );
    // `.` finds the same two, shown without `./`, and never the hidden or vendored ones
    let out = bin().args(["check", "--no-color", "."]).current_dir(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("--> deploy/api/docker-compose.yml:4:5") && !stdout.contains("broken") && !stdout.contains("node_modules"), "{stdout}");
    // a folder without a compose file is said so; with nothing else to check, it is a usage error
    let out = bin().args(["check", "docs"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no compose file under docs"));
}

/// `config --services`, `--volumes`, `--networks`, `--profiles`, `--images` and `-q` print what
/// `docker compose config` prints with them (a service after those it depends on; the volumes and
/// networks the project uses; every profile named; an image per active service).
#[test]
fn config_lists_as_docker_compose_config() {
    let dir = temp_dir("config-lists");
    write(
        &dir,
        "compose.yaml",
        "name: shop\nservices:\n  web:\n    build: .\n    depends_on: [api]\n    networks: [front]\n  api:\n    image: api:${TAG:-1}\n    volumes: [data:/d]\n  debug:\n    image: busybox:1\n    profiles: [debug, tools]\nvolumes:\n  data: {}\n  unused: {}\nnetworks:\n  front: {}\n  unused: {}\n",
    );
    let lines = |flag: &str| {
        let out = bin().args(["config", flag]).current_dir(&dir).env_remove("COMPOSE_PROFILES").env_remove("TAG").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(lines("--services"), "api\nweb\n");
    assert_eq!(lines("--volumes"), "data\n");
    assert_eq!(lines("--networks"), "default\nfront\n");
    assert_eq!(lines("--profiles"), "debug\ntools\n");
    assert_eq!(lines("--images"), "api:1\nshop-web\n");
    assert_eq!(lines("-q"), "");
    // a project compose refuses: its errors, nothing listed, exit 1
    write(&dir, "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n");
    let out = bin().args(["config", "--services"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && String::from_utf8_lossy(&out.stderr).contains("undefined service `db`"));
    // one list at a time
    let out = bin().args(["config", "--services", "--images"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `--select` wins over the configuration's `ignore` where both name the same rule, by its name
/// in one and its code in the other too (and `--ignore` over its `select`).
#[test]
fn the_command_line_wins_over_the_configuration_by_name_or_code() {
    let dir = temp_dir("select-code");
    write(&dir, "compose.yaml", "services:\n  db:\n    image: postgres:16\n");
    let count = |toml: &str, args: &[&str], rule: &str| {
        write(&dir, "composeguard.toml", toml);
        let out = bin().args(["check", "--format", "json"]).args(args).arg("compose.yaml").current_dir(&dir).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["files"][0]["diagnostics"].as_array().unwrap().iter().filter(|d| d["rule"] == rule).count()
    };
    assert_eq!(count("ignore = [\"no-healthcheck\"]\n", &[], "no-healthcheck"), 0);
    assert_eq!(count("ignore = [\"no-healthcheck\"]\n", &["--select", "CG301"], "no-healthcheck"), 1);
    assert_eq!(count("select = [\"CG508\"]\n", &[], "image-major-version-tag"), 1);
    assert_eq!(count("select = [\"CG508\"]\n", &["--ignore", "image-major-version-tag"], "image-major-version-tag"), 0);
}

/// Where `--select` and `--ignore` both name a rule, the more precise entry wins: a category or a
/// code prefix selected over `--ignore all` runs that part of the rules only, and a rule ignored by
/// name stays off inside a selected category.
#[test]
fn the_more_precise_of_select_and_ignore_wins() {
    let dir = temp_dir("select-precise");
    write(&dir, "compose.yaml", "services:\n  db:\n    image: postgres\n    privileged: true\n");
    let rules = |args: &[&str]| {
        let out = bin().args(["check", "--format", "json"]).args(args).arg("compose.yaml").current_dir(&dir).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut found: Vec<String> = report["files"][0]["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap().to_string()).collect();
        found.sort();
        found.dedup();
        found
    };
    let categories = |args: &[&str]| {
        let mut found: Vec<&str> = rules(args).iter().map(|r| composeguard::rules::find(r).unwrap().category.as_str()).collect();
        found.sort_unstable();
        found.dedup();
        found
    };
    // by default, rules of several categories report on this file
    assert!(categories(&[]).len() > 2);
    assert_eq!(categories(&["--ignore", "all", "--select", "security"]), ["security"]);
    assert_eq!(categories(&["--ignore", "all", "--select", "CG3"]), ["reliability"]);
    let security = rules(&["--ignore", "all", "--select", "security", "--ignore", "privileged"]);
    assert!(!security.is_empty() && !security.iter().any(|r| r == "privileged"));
    // a tie goes to `--ignore`
    assert!(rules(&["--select", "privileged", "--ignore", "CG201"]).iter().all(|r| r != "privileged"));
    // spaces after the commas of a list are dropped (before, ` no-healthcheck` was no rule name)
    assert_eq!(rules(&["--ignore", "all", "--select", "privileged, no-healthcheck ,CG501"]), ["image-without-tag", "no-healthcheck", "privileged"]);
}

/// `--max-depth` goes up to what the threads of a run have stack for: nesting 5 000 deep is
/// checked on several threads without running out, and a deeper limit is refused as a usage error
/// (before, `--max-depth 20000` let such a file abort the process).
#[test]
fn max_depth_is_bounded_by_the_stack() {
    let dir = temp_dir("deep");
    let n = 4990;
    let text = format!(
        "x-a: {}{}\nx-b: {}1{}\nservices:\n  web:\n    image: nginx:1.27\n    x-d: {}{}\n",
        "[".repeat(n),
        "]".repeat(n),
        "{a: ".repeat(n),
        "}".repeat(n),
        "[".repeat(n - 3),
        "]".repeat(n - 3)
    );
    write(&dir, "a.yaml", &text);
    write(&dir, "b.yaml", &text);
    for files in [&["a.yaml"][..], &["a.yaml", "b.yaml"][..]] {
        let out = bin().args(["check", "--no-color", "--max-depth", "5000"]).args(files).current_dir(&dir).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
        // and at the default limit, the same file is an input-limit error
        let out = bin().args(["check", "--no-color"]).args(files).current_dir(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stdout).contains("nesting is deeper than the supported limit"));
    }
    let out = bin().args(["check", "--max-depth", "20000", "a.yaml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give 1 to 5000"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A path that cannot be read does not hide the others' findings: every readable file is still
/// checked and reported (each format stays one valid document), the unreadable one is named on
/// stderr, and the exit code is 2 (before, stdout was empty and a.yaml's findings were lost).
#[test]
fn an_unreadable_path_does_not_hide_the_others() {
    let dir = temp_dir("unreadable-path");
    write(&dir, "a.yaml", "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n");
    std::fs::create_dir_all(dir.join("folder.yaml")).unwrap();
    for missing in ["missing.yaml", "-f"] {
        let mut cmd = bin();
        cmd.args(["check", "--no-color", "a.yaml"]).current_dir(&dir);
        // a missing file, or a stacked "file" that is a folder (a project of its own)
        if missing == "-f" { cmd.args(["-f", "folder.yaml"]) } else { cmd.arg(missing) };
        let out = cmd.output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
        assert!(stdout.contains("a.yaml:4:17") && stdout.contains("1 project could not be checked"), "{stdout}");
        assert!(stderr.contains("missing.yaml: no such file") || stderr.contains("folder.yaml: is a directory"), "{stderr}");
    }
    for format in ["json", "sarif", "gitlab"] {
        let out = bin().args(["check", "a.yaml", "missing.yaml", "--format", format]).current_dir(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{format}: {e}"));
        assert!(doc.to_string().contains("privileged"), "{format}: {doc}");
    }
    // a pattern no shell expanded gets a hint (composeguard does not expand patterns)
    let out = bin().args(["check", "a.yaml", "*.yml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read *.yml: no such file (composeguard does not expand patterns"), "{}", String::from_utf8_lossy(&out.stderr));
    // the missing path first, in a format that is not JSON
    let out = bin().args(["check", "missing.yaml", "a.yaml", "--format", "junit"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("privileged"));
}

/// A file docker compose rejects never passes: `--ignore` cannot name a rule that only reports
/// spec errors (usage error, exit 2), a wider entry (`all`, `spec`) leaves them on, and the
/// configuration file refuses such an entry too (before, `--ignore unknown-key` exited 0).
#[test]
fn spec_errors_cannot_be_ignored() {
    let dir = temp_dir("spec-not-ignored");
    write(&dir, "compose.yaml", "name: x\nservices:\n  web:\n    image: nginx:1.27\n    imgae: x\n");
    let run = |args: &[&str]| bin().args(["check", "compose.yaml", "--no-color"]).args(args).current_dir(&dir).output().unwrap();
    for ignore in ["unknown-key", "CG006"] {
        let out = run(&["--ignore", ignore]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("names spec errors only"), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for ignore in ["all", "spec", "CG0"] {
        let out = run(&["--ignore", ignore, "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "--ignore {ignore}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("\"unknown-key\""));
    }
    write(&dir, "composeguard.toml", "ignore = [\"unknown-key\"]\n");
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("composeguard.toml: ignore: `unknown-key` names spec errors only"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `-q`/`--quiet` prints the findings only (no summary line, no note on stderr), `--exit-zero`
/// keeps the exit code 0 with findings but not with an unreadable path, and `--statistics`
/// prints a count per rule instead of the findings (before, none of these existed).
#[test]
fn quiet_exit_zero_and_statistics() {
    let dir = temp_dir("quiet");
    write(&dir, "a.yaml", "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n  db:\n    image: postgres:17\n    privileged: true\n");
    let run = |args: &[&str]| bin().args(["check", "--no-color", "a.yaml"]).args(args).current_dir(&dir).output().unwrap();
    let text = |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).to_string();
    let loud = run(&[]);
    assert!(text(&loud).contains("\nFound 2 errors"));
    for quiet in ["-q", "--quiet"] {
        let out = run(&[quiet]);
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out).contains("a.yaml:4:17") && !text(&out).contains("Found"), "{}", text(&out));
        // only the summary line is left out
        assert!(text(&loud).starts_with(&text(&out)) && text(&loud).lines().count() == text(&out).lines().count() + 1);
    }
    // the baseline note goes with --quiet too
    let out = run(&["-q", "--baseline", "base.json"]);
    assert!(out.stderr.is_empty() && dir.join("base.json").is_file(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["--exit-zero"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("Found 2 errors"));
    assert_eq!(run(&["--exit-zero", "missing.yaml"]).status.code(), Some(2));

    let out = run(&["--statistics"]);
    assert_eq!(out.status.code(), Some(1));
    let stats = text(&out);
    assert!(stats.starts_with("2  CG201  privileged "), "{stats}");
    assert!(!stats.contains("a.yaml:") && stats.trim_end().ends_with("in 1 file."), "{stats}");
    let out = run(&["--statistics", "--format", "json", "--select", "all"]);
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let privileged = rows.as_array().unwrap().iter().find(|r| r["name"] == "privileged").unwrap();
    assert_eq!((privileged["code"].as_str(), privileged["count"].as_u64(), privileged["severity"].as_str()), (Some("CG201"), Some(2), Some("error")));
    assert_eq!(run(&["--statistics", "--format", "sarif"]).status.code(), Some(2));
}

/// A path that is not UTF-8 text is named as one composeguard cannot read, given on the command
/// line or found in a folder, and the other paths are still checked (before, a given one was
/// "no such file" although it exists, and a folder of such a name was skipped in silence).
#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let dir = temp_dir("not-utf8");
    let project = "name: x\nservices:\n  web:\n    image: nginx:1.27\n    privileged: true\n";
    let file = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::write(dir.join(file), project).unwrap();
    std::fs::create_dir_all(dir.join(std::ffi::OsStr::from_bytes(b"sub\xe9"))).unwrap();
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"sub\xe9")).join("compose.yaml"), project).unwrap();
    write(&dir, "a.yaml", project);
    let out = bin().args(["check", "--no-color", "a.yaml"]).arg(file).current_dir(&dir).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout.contains("a.yaml:5:17") && stderr.contains("caf\u{fffd}.yaml: the path is not UTF-8 text"), "{stdout}{stderr}");
    let out = bin().args(["check", "--no-color", "."]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sub\u{fffd}/compose.yaml: the path is not UTF-8 text"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = bin().args(["config", "-f"]).arg(file).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8 text"));
}

/// `check --help` says what the exit codes mean, and `rules --format xml` which formats there are.
#[test]
fn help_names_exit_codes_and_formats() {
    let out = bin().args(["check", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Exit status: 0 when nothing is at or above --fail-on") && help.contains("-q, --quiet"), "{help}");
    let out = bin().args(["rules", "--format", "xml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format `xml` (expected human or json)"));
}

/// A project named twice is checked once, where it first comes (before, `check . compose.yaml`
/// reported every finding twice and counted it twice).
#[test]
fn a_project_named_twice_is_checked_once() {
    let dir = temp_dir("twice");
    write(&dir, "compose.yaml", "name: x\nservices:\n  web:\n    image: nginx:1.27\n    privileged: true\n");
    write(&dir, "b.yaml", "name: y\nservices:\n  web:\n    image: nginx:1.27\n");
    let abs = dir.join("compose.yaml");
    let out = bin().args(["check", "--format", "json", ".", "b.yaml", "compose.yaml", "./compose.yaml"]).arg(&abs).current_dir(&dir).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = report["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["compose.yaml", "b.yaml"]);
    assert_eq!(report["summary"]["error"], 1);
}

/// A folder with both `compose.yaml` and `docker-compose.yml`: docker compose warns that it uses
/// the first only, and so does `check` when it finds the file by its name (before, the other
/// file went unchecked without a word). A file named on the command line gets no warning.
#[test]
fn several_compose_files_in_a_folder_are_named() {
    let dir = temp_dir("several-compose-files");
    std::fs::create_dir_all(dir.join("app")).unwrap();
    write(&dir.join("app"), "compose.yaml", VALID);
    write(&dir.join("app"), "docker-compose.yml", "services:\n  web:\n    imgae: x\n");
    let stderr = |args: &[&str], folder: &Path| {
        let out = bin().args(["check", "--no-color"]).args(args).current_dir(folder).env_remove("COMPOSE_FILE").output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    let warning = "app/compose.yaml is used, as docker compose uses it; app/docker-compose.yml beside it is neither read nor checked";
    assert!(stderr(&["."], &dir).contains(warning), "{}", stderr(&["."], &dir));
    assert!(stderr(&[], &dir.join("app")).contains("compose.yaml is used"));
    assert_eq!(stderr(&["app/compose.yaml"], &dir), "");
    assert_eq!(stderr(&["-q", "."], &dir), "");
    // nor, with -q, the warning for a folder given that holds no compose file
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    assert!(stderr(&["empty", "app/compose.yaml"], &dir).contains("no compose file under empty"));
    assert_eq!(stderr(&["-q", "empty", "app/compose.yaml"], &dir), "");
}
