//! `check` over many files gives byte-identical output whatever the thread count.

// in the helpers too (clippy.toml allows them in `#[test]` functions): a test panicking on a broken fixture fails, as it should
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut out = Vec::new();
    collect(&root.join("tests/fixtures"), &mut out);
    collect(&root.join("../shared/corpus"), &mut out);
    out.sort();
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
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

fn check(threads: usize, format: &str, files: &[PathBuf]) -> (Vec<u8>, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_composeguard"))
        .arg("check")
        .args(["--format", format, "--select", "all", "--no-color"])
        .args(files)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .env("NO_COLOR", "1")
        .output()
        .expect("run composeguard");
    (out.stdout, out.status.code())
}

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let files = files();
    assert!(files.len() > 50, "{} files", files.len());
    for format in ["json", "human", "sarif"] {
        let (one, code) = check(1, format, &files);
        assert!(!one.is_empty());
        for threads in [2, 4, 8] {
            let (many, many_code) = check(threads, format, &files);
            assert_eq!(code, many_code);
            assert!(one == many, "{format} output differs between 1 and {threads} threads");
        }
    }
}

/// One project big enough that its rules run as parallel tasks: the same output on any count.
#[test]
fn one_big_project_does_not_depend_on_the_thread_count() {
    let dir = std::env::temp_dir().join(format!("composeguard-determinism-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("services:\n");
    for i in 0..400 {
        // findings from many rules: floating tags, plaintext secrets, duplicate ports, privileged…
        let _ = write!(
            text,
            "  svc{i}:\n    image: registry.example.com/app{}:latest\n    privileged: {}\n    ports:\n      - \"{}:80\"\n    environment:\n      DB_PASSWORD: hunter{i}\n      MODE: \"{}\"\n    depends_on: [svc{}]\n",
            i % 7,
            i % 3 == 0,
            8000 + i % 50,
            ["a", "b"][i % 2],
            (i + 1) % 400,
        );
    }
    assert!(text.len() > 64 * 1024, "{} bytes", text.len());
    let file = dir.join("compose.yaml");
    std::fs::write(&file, &text).unwrap();
    for format in ["json", "human"] {
        let (one, code) = check(1, format, std::slice::from_ref(&file));
        assert!(one.len() > 10_000, "{format}: {} bytes", one.len());
        for threads in [2, 4] {
            let (many, many_code) = check(threads, format, std::slice::from_ref(&file));
            assert_eq!(code, many_code);
            assert!(one == many, "{format} output differs between 1 and {threads} threads");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Human output without its last line (the summary), and that line.
fn split_summary(text: &str) -> (&str, &str) {
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.rsplit_once('\n').map_or(("", body), |(findings, summary)| (&text[..=findings.len()], summary))
}

/// Many projects in one run (each rendered on the thread that checked it) print what each
/// prints alone, in command-line order, then one summary line that adds theirs up.
#[test]
fn many_projects_print_what_each_prints_alone() {
    let all = files();
    let picked: Vec<PathBuf> = all.iter().step_by(all.len() / 12 + 1).cloned().collect();
    assert!(picked.len() >= 8, "{} files", picked.len());
    let (together, code) = check(2, "human", &picked);
    let together = String::from_utf8(together).unwrap();
    let (findings, summary) = split_summary(&together);
    let mut expected = String::new();
    let (mut errors, mut warnings, mut notes) = (0, 0, 0);
    let mut any_failed = false;
    for f in &picked {
        let (alone, alone_code) = check(1, "human", std::slice::from_ref(f));
        let alone = String::from_utf8(alone).unwrap();
        expected.push_str(split_summary(&alone).0);
        any_failed |= alone_code == Some(1);
        let (json, _) = check(1, "json", std::slice::from_ref(f));
        let report: serde_json::Value = serde_json::from_slice(&json).unwrap();
        errors += report["summary"]["error"].as_u64().unwrap();
        warnings += report["summary"]["warning"].as_u64().unwrap();
        notes += report["summary"]["info"].as_u64().unwrap();
    }
    assert!(findings == expected, "the findings of the joint run differ from the runs one by one");
    assert_eq!(code, Some(i32::from(any_failed)));
    let plural = |n: u64, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    let counts: Vec<String> =
        [(errors, "error"), (warnings, "warning"), (notes, "note")].iter().filter(|(n, _)| *n > 0).map(|(n, w)| plural(*n, w)).collect();
    assert!(!counts.is_empty());
    assert_eq!(summary, format!("Found {} in {}.", counts.join(", "), plural(picked.len() as u64, "file")));
}
