//! The configuration file: its committed JSON Schema is fresh, and each setting changes the
//! report as documented.

use composeguard::config::{Config, ConfigError};
use composeguard::lint::{lint, LintOptions, Report};
use composeguard::Severity;
use composeguard_tests::workspace_root;

#[test]
fn config_schema_is_fresh() {
    let generated = composeguard::config::schema_json() + "\n";
    let path = workspace_root().join("schemas").join("config.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        if std::env::var_os("COMPOSEGUARD_BLESS").is_some() {
            std::fs::write(&path, generated).expect("write schema");
            return;
        }
        panic!("schemas/config.schema.json is stale: run `COMPOSEGUARD_BLESS=1 cargo test -p composeguard-tests --test config`");
    }
}

#[test]
fn schema_describes_every_key() {
    let schema = composeguard::config::schema();
    let props = schema["properties"].as_object().expect("properties");
    for key in ["select", "ignore", "severity", "fail-on", "waiver"] {
        assert!(props.contains_key(key), "schema lacks `{key}`");
    }
    assert_eq!(schema["additionalProperties"], false);
    let waiver = &schema["definitions"]["Waiver"];
    let required: Vec<&str> = waiver["required"].as_array().expect("required").iter().filter_map(|v| v.as_str()).collect();
    assert!(required.contains(&"rule") && required.contains(&"reason"), "{required:?}");
}

const FILE: &str = "services:\n  web:\n    image: nginx:latest\n  dind:\n    image: docker:27.3.1-dind\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n";

fn run(config: &str) -> Report {
    let config = Config::from_toml("composeguard.toml", config).expect("valid config");
    lint("compose.yaml", FILE, &LintOptions { config: Some(config), ..LintOptions::default() })
}

fn find<'a>(report: &'a Report, rule: &str) -> Vec<&'a composeguard::Diagnostic> {
    report.diagnostics().filter(|d| d.rule == rule).collect()
}

#[test]
fn select_and_ignore() {
    let report = run("select = [\"style\"]\nignore = [\"reproducibility\"]\n");
    assert!(find(&report, "image-floating-tag").is_empty());
    assert!(!find(&report, "service-keys-order").is_empty() || !find(&report, "unsorted-services").is_empty());
    // options on top of the configuration win where they name the same rule
    let config = Config::from_toml("c.toml", "ignore = [\"image-floating-tag\"]\n").expect("config");
    let options = LintOptions { config: Some(config), select: vec!["image-floating-tag".into()], ..LintOptions::default() };
    assert_eq!(find(&lint("compose.yaml", FILE, &options), "image-floating-tag").len(), 1);
}

#[test]
fn severity_per_rule_and_category() {
    let report = run("[severity]\nimage-floating-tag = \"error\"\nreliability = \"info\"\n");
    assert_eq!(find(&report, "image-floating-tag")[0].severity, Severity::Error);
    assert_eq!(find(&report, "no-healthcheck")[0].severity, Severity::Info);
    assert!(report.has_errors());
}

#[test]
fn waivers_keep_the_finding_visible_with_the_reason() {
    let report = run("[[waiver]]\nrule = \"CG503\"\nservice = \"dind\"\nreason = \"pinned by the CI image policy\"\n");
    let d = find(&report, "image-without-digest");
    assert_eq!(d.len(), 1);
    let s = d[0].suppression.as_ref().expect("suppressed");
    assert_eq!((s.kind.as_str(), s.reason.as_deref()), ("config", Some("pinned by the CI image policy")));
    assert_eq!(report.summary.info, 1, "waived findings are not counted: {:?}", report.summary);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
    let shown = json["files"][0]["diagnostics"].as_array().expect("array").iter().any(|d| d["suppression"]["kind"] == "config");
    assert!(shown, "suppressed findings stay in the JSON report");
    // a waiver for another service changes nothing
    let report = run("[[waiver]]\nrule = \"image-floating-tag\"\nservice = \"dind\"\nreason = \"x\"\n");
    assert!(find(&report, "image-floating-tag").iter().all(|d| d.suppression.is_none()));
}

#[test]
fn misuse_is_an_error() {
    let bad = |text: &str| Config::from_toml("composeguard.toml", text).expect_err(text);
    assert!(matches!(bad("[[waiver]]\nrule = \"privileged-typo\"\nreason = \"r\"\n"), ConfigError::Invalid { .. }));
    assert!(bad("[[waiver]]\nrule = \"image-floating-tag\"\nservice = \"web\"\n").to_string().contains("reason"));
    assert!(bad("unknown = 1\n").to_string().contains("unknown"));
    assert!(bad("select = [\"CG9\"]\n").to_string().contains("unknown rule"));
    assert!(bad("[severity]\nyaml-syntax = \"warning\"\n").to_string().contains("spec rule"));
}

#[test]
fn pyproject_table() {
    let found = Config::from_pyproject("pyproject.toml", "[project]\nname = \"x\"\n[tool.composeguard]\nfail-on = \"warning\"\n").expect("valid");
    assert_eq!(found.and_then(|c| c.fail_on).map(Severity::from), Some(Severity::Warning));
    assert_eq!(Config::from_pyproject("pyproject.toml", "[tool.black]\nline-length = 100\n").expect("valid"), None);
    assert!(Config::from_pyproject("pyproject.toml", "[tool.composeguard]\nselct = []\n").is_err());
}
