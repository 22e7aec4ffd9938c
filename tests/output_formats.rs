//! Every output format on one fixed input, as snapshots, plus structural checks: SARIF's
//! required fields, unique GitLab fingerprints, well-formed JUnit XML, escaped GitHub commands.

use composeguard::lint::{lint, LintOptions, Report};
use composeguard::output::{render, Format};

/// Findings of several severities, a suppressed one, one through a YAML anchor (a related
/// location), a fixable one, and a multi-byte character before a finding (UTF-16 columns).
const INPUT: &str = "\
version: \"3.8\"
x-img: &img redis
services:
  web:
    image: nginx:latest   # composeguard: ignore[image-floating-tag] retagged by the platform team
    labels:
      note: \"café, 100% <ok> & \\\"quoted\\\"\"
  cache:
    image: *img
  api:
    environment: { GREETING: \"héllo\" }
    image: ghcr.io/acme/api:1.4.2
";

fn report() -> Report {
    let options = LintOptions { ignore: vec!["no-healthcheck".into()], ..LintOptions::default() };
    let mut report = lint("deploy/compose.yaml", INPUT, &options);
    report.files.retain(|f| !f.path.is_empty());
    report
}

#[test]
fn snapshots() {
    let report = report();
    assert!(report.diagnostics().any(|d| d.is_suppressed()), "the input needs a suppressed finding");
    assert!(report.diagnostics().any(|d| !d.related.is_empty()), "the input needs a related location");
    assert!(report.diagnostics().any(|d| d.fix.is_some()), "the input needs a fix");
    for (name, format) in Format::ALL {
        insta::assert_snapshot!(format!("format_{name}"), render(&report, format, false));
    }
}

#[test]
fn sarif_has_the_required_shape() {
    let report = report();
    let log: serde_json::Value = serde_json::from_str(&render(&report, Format::Sarif, false)).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().is_some_and(|s| s.contains("sarif-2.1.0")));
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "composeguard");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for rule in rules {
        assert!(rule["id"].as_str().is_some_and(|id| id.starts_with("CG")), "{rule}");
        assert!(rule["shortDescription"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(rule["help"]["text"].as_str().is_some_and(|t| t.contains("composeguard explain")));
        assert!(["error", "warning", "note"].contains(&rule["defaultConfiguration"]["level"].as_str().unwrap_or("")));
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report.diagnostics().count(), "suppressed findings stay in SARIF");
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap_or("")));
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "deploy/compose.yaml");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][key].as_u64().is_some_and(|n| n >= 1), "{key} in {r}");
        }
        assert!(r["partialFingerprints"]["composeguard/v1"].as_str().is_some_and(|f| f.len() == 16));
        if let Some(s) = r["suppressions"].as_array() {
            assert!(s.iter().all(|s| ["inSource", "external"].contains(&s["kind"].as_str().unwrap_or(""))));
        }
    }
    let suppressed = results.iter().filter(|r| r["suppressions"].is_array()).count();
    assert_eq!(suppressed, 1);
}

#[test]
fn sarif_columns_are_utf16() {
    let report = lint("c.yaml", "services:\n  a:\n    environment: {X: \"😀\"}\n    image: nginx:latest\n  b: {environment: {X: \"😀\"}, image: nginx:latest}\n", &LintOptions::default());
    let log: serde_json::Value = serde_json::from_str(&render(&report, Format::Sarif, false)).expect("json");
    let result = log["runs"][0]["results"].as_array().expect("results").iter().find(|r| r["ruleId"] == "CG502" && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 5).cloned().expect("finding on line 5");
    // `  b: {environment: {X: "😀"}, image: ` — the emoji is 4 UTF-8 bytes but 2 UTF-16 units
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startColumn"], 38);
    let d = report.diagnostics().find(|d| d.code == "CG502" && d.start.line == 5).expect("diagnostic");
    assert_eq!(d.start.column, 40);
}

#[test]
fn gitlab_fingerprints_are_unique() {
    let report = report();
    let issues: serde_json::Value = serde_json::from_str(&render(&report, Format::Gitlab, false)).expect("json");
    let issues = issues.as_array().expect("array");
    assert_eq!(issues.len(), report.diagnostics().filter(|d| !d.is_suppressed()).count());
    let mut prints: Vec<&str> = issues.iter().filter_map(|i| i["fingerprint"].as_str()).collect();
    let n = prints.len();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), n);
    for i in issues {
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&i["severity"].as_str().unwrap_or("")));
        assert_eq!(i["location"]["path"], "deploy/compose.yaml");
        assert!(i["location"]["lines"]["begin"].as_u64().is_some_and(|n| n >= 1));
        assert!(i["description"].as_str().is_some_and(|d| !d.is_empty()));
    }
}

#[test]
fn junit_is_well_formed() {
    let xml = render(&report(), Format::Junit, false);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    // every element closes, and no raw markup leaks from messages
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml.split_once("?>").map_or("", |(_, r)| r);
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').expect("unterminated tag") + open;
        let tag = &rest[open + 1..close];
        assert!(!tag.contains('<'), "raw `<` inside a tag: {tag}");
        let name = tag.trim_start_matches('/').split_whitespace().next().unwrap_or("").trim_end_matches('/').to_string();
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            stack.push(name);
        }
        let text = &rest[close + 1..rest[close..].find('<').map_or(rest.len(), |n| n + close)];
        assert!(!text.contains('>') && !text.contains('"'), "unescaped text: {text}");
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert!(xml.contains("<skipped message=\"suppressed (inline): retagged by the platform team\"/>"));
}

#[test]
fn github_commands_escape_their_data() {
    let out = render(&report(), Format::Github, false);
    for line in out.lines() {
        assert!(line.starts_with("::error ") || line.starts_with("::warning ") || line.starts_with("::notice "), "{line}");
        let (props, message) = line.split_once("::").and_then(|(_, r)| r.split_once("::")).expect("command");
        assert!(props.contains("file=deploy/compose.yaml,line="), "{props}");
        assert!(!message.contains('\n'));
    }
    assert!(!out.contains("retagged"), "suppressed findings are not annotated");
}
