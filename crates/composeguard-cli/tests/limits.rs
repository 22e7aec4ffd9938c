//! The input limits on the command line: `--max-file-size`, `--max-depth`, `--max-alias-nodes`.

// in the helpers too (clippy.toml allows them in `#[test]` functions): a test panicking on a broken fixture fails, as it should
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::Command;

fn check(text: &str, flags: &[&str]) -> (String, Option<i32>) {
    let dir = std::env::temp_dir().join(format!("composeguard-limits-{}-{}", std::process::id(), flags.join("_")));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("compose.yaml");
    std::fs::write(&file, text).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_composeguard"))
        .arg("check")
        .arg(&file)
        .args(["--format", "json"])
        .args(flags)
        .output()
        .expect("run composeguard");
    let _ = std::fs::remove_dir_all(&dir);
    (String::from_utf8_lossy(&out.stdout).into_owned(), out.status.code())
}

const FILE: &str = "x-a: &a [1, 2, 3]\nx-b: [*a, *a, *a]\nservices:\n  web:\n    image: nginx:1.27\n    labels:\n      a.b: c\n";

#[test]
fn defaults_read_the_file() {
    let (out, _) = check(FILE, &[]);
    assert!(!out.contains("input-limit"), "{out}");
}

#[test]
fn each_limit_can_be_lowered() {
    for flags in [&["--max-file-size", "32"][..], &["--max-depth", "2"], &["--max-alias-nodes", "5"]] {
        let (out, code) = check(FILE, flags);
        assert!(out.contains("\"rule\": \"input-limit\""), "{flags:?}: {out}");
        assert_eq!(code, Some(1), "{flags:?}");
    }
    let (out, _) = check(FILE, &["--max-file-size", "1m"]);
    assert!(!out.contains("input-limit"), "{out}");
}

#[test]
fn a_bad_size_is_a_usage_error() {
    let (_, code) = check(FILE, &["--max-file-size", "lots"]);
    assert_eq!(code, Some(2));
}

#[test]
fn endless_inputs_are_bounded() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    // the compose file itself: not a regular file, refused before reading
    let out = Command::new(env!("CARGO_BIN_EXE_composeguard"))
        .args(["check", "/dev/zero", "--format", "json"])
        .output()
        .expect("run composeguard");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /dev/zero: not a regular file"), "{out:?}");
    // a file it refers to: a device is not read
    let (json, code) = check("services:\n  web:\n    image: nginx:1.27\n    env_file: /dev/zero\n", &[]);
    assert!(code.is_some(), "{json}");
}

/// A FIFO named as an env file, or as the project's `.env`, is refused at once: opening it must
/// not wait for a writer that never comes.
#[test]
fn fifos_are_not_waited_on() {
    let dir = std::env::temp_dir().join(format!("composeguard-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let made = Command::new("mkfifo").arg(dir.join("pipe.env")).arg(dir.join(".env")).status();
    if !made.is_ok_and(|s| s.success()) {
        let _ = std::fs::remove_dir_all(&dir);
        return; // no mkfifo here
    }
    std::fs::write(dir.join("compose.yaml"), "services:\n  web:\n    image: nginx:1.27\n    env_file: ./pipe.env\n").expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_composeguard"))
        .arg("check")
        .arg(dir.join("compose.yaml"))
        .args(["--format", "json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run composeguard");
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let out = child.wait_with_output().expect("output");
    let _ = std::fs::remove_dir_all(&dir);
    let status = status.expect("composeguard waited on a FIFO");
    let json = String::from_utf8_lossy(&out.stdout);
    // the `.env` is an env file that cannot be read, and the error says why
    assert_eq!(status.code(), Some(1), "{json}");
    assert!(json.contains("/.env`: not a regular file"), "{json}");
}
