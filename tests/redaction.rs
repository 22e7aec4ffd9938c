//! No message echoes a secret: over every rule's examples, every fixture and a few files built
//! to provoke messages about secret values, no plaintext secret written in the file appears
//! verbatim in a diagnostic's message, help or related labels.

use std::path::Path;

use composeguard::lint::{lint, LintOptions, Report};
use composeguard::rules::security::util::is_secret_key;

/// Secret literals written in a compose text: values of credential-named variables and build
/// arguments, URL passwords, and the values of password flags in commands.
fn secret_literals(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let clean = |v: &str| v.trim().trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == ']').trim().to_string();
    for line in text.lines() {
        let line = line.trim().trim_start_matches("- ").trim();
        let pair = line.split_once(": ").or_else(|| line.split_once('='));
        if let Some((key, value)) = pair {
            let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
            if is_secret_key(key) {
                out.push(clean(value));
            }
        }
        // scheme://user:password@host
        let mut rest = line;
        while let Some(i) = rest.find("://") {
            rest = rest.get(i + 3..).unwrap_or("");
            let authority = rest.split(['/', ' ', '"', '\'']).next().unwrap_or("");
            if let Some((userinfo, _)) = authority.rsplit_once('@') {
                if let Some((_, password)) = userinfo.split_once(':') {
                    out.push(password.to_string());
                }
            }
        }
        // --requirepass X, --password X, --password=X
        let words: Vec<&str> = line.split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == ']').filter(|w| !w.is_empty()).collect();
        for (i, w) in words.iter().enumerate() {
            let w = w.trim_matches(|c| c == '"' || c == '\'');
            if let Some(v) = w.strip_prefix("--password=").or_else(|| w.strip_prefix("--requirepass=")) {
                out.push(clean(v));
            } else if matches!(w, "--password" | "--requirepass") {
                if let Some(v) = words.get(i + 1) {
                    out.push(clean(v));
                }
            }
        }
    }
    out.retain(|s| s.len() >= 6 && !s.contains("${") && !s.starts_with('$') && !s.starts_with('/') && !s.contains("***"));
    out.sort();
    out.dedup();
    out
}

fn leaks(report: &Report, secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for d in report.diagnostics() {
        let mut texts = vec![d.message.as_str()];
        texts.extend(d.help.as_deref());
        texts.extend(d.related.iter().map(|r| r.message.as_str()));
        for s in secrets {
            if texts.iter().any(|t| t.contains(s.as_str())) {
                found.push(format!("{} ({}): `{s}` in {texts:?}", d.rule, d.code));
            }
        }
    }
    found
}

fn options() -> LintOptions {
    LintOptions { select: vec!["all".into()], ..LintOptions::default() }
}

fn check(name: &str, text: &str, checked: &mut usize, problems: &mut Vec<String>) {
    let secrets = secret_literals(text);
    if secrets.is_empty() {
        return;
    }
    *checked += secrets.len();
    let report = lint("compose.yaml", text, &options());
    problems.extend(leaks(&report, &secrets).into_iter().map(|l| format!("{name}: {l}")));
}

#[test]
fn no_message_echoes_a_secret() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for meta in composeguard::rules::all_metas() {
        for example in [meta.bad_example(), meta.good_example()].into_iter().flatten() {
            check(&format!("{} example", meta.name), &example, &mut checked, &mut problems);
        }
    }
    let fixtures = composeguard_tests::workspace_root().join("tests").join("fixtures");
    let mut files = Vec::new();
    collect(&fixtures, &mut files);
    files.sort();
    for path in &files {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
        check(&path.display().to_string(), &text, &mut checked, &mut problems);
    }
    for (i, text) in PROVOKING.iter().enumerate() {
        check(&format!("provoking case {i}"), text, &mut checked, &mut problems);
    }
    assert!(checked > 20, "only {checked} secrets found: the scan is broken");
    assert!(problems.is_empty(), "secrets echoed in messages:\n{}", problems.join("\n"));
    println!("{checked} secret literals, none echoed");
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

/// Files meant to make a message quote a secret value: a broken interpolation in a password, a
/// password with a wrong type, duplicates, URLs and command flags.
const PROVOKING: &[&str] = &[
    "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: \"hunter${2secretpw\"\n",
    "services:\n  db:\n    image: postgres:16\n    environment:\n      - DB_PASSWORD=s3cret${value\n      - API_TOKEN=tok_abcdef123456\n      - API_TOKEN=tok_abcdef654321\n",
    "services:\n  api:\n    image: api:1\n    build:\n      context: .\n      args:\n        NPM_TOKEN: npm_secret_tok_9999\n        GH_TOKEN: ghp_${broken\n",
    "services:\n  cache:\n    image: redis:7\n    command: [\"redis-server\", \"--requirepass\", \"r3disPassw0rd\"]\n",
    "services:\n  web:\n    image: web:1\n    environment:\n      DATABASE_URL: postgres://app:urlPassw0rd@db/app\n      STRIPE_SECRET_KEY: sk_live_abcdefghijklmnop\n      AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    "services:\n  web:\n    image: web:1\n    environment:\n      DB_PASSWORD: [not, a, string]\n      ADMIN_PASSWORD: {nested: hunter2hunter2}\n",
];
