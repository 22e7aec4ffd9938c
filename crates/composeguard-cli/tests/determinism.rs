//! `check` over many files gives byte-identical output whatever the thread count.

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
        text.push_str(&format!(
            "  svc{i}:\n    image: registry.example.com/app{}:latest\n    privileged: {}\n    ports:\n      - \"{}:80\"\n    environment:\n      DB_PASSWORD: hunter{i}\n      MODE: \"{}\"\n    depends_on: [svc{}]\n",
            i % 7,
            i % 3 == 0,
            8000 + i % 50,
            ["a", "b"][i % 2],
            (i + 1) % 400,
        ));
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
