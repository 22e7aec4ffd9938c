//! The allocator's settings (src/main.rs): mimalloc prints its options when `MIMALLOC_VERBOSE` is
//! set, by name, so this shows that the option numbers set are the options meant.

#![cfg(target_os = "linux")]
// in the helpers too (clippy.toml allows them in `#[test]` functions): a test panicking on a broken fixture fails, as it should
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::Command;

fn options(env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_composeguard"))
        .arg("--version")
        .env("MIMALLOC_VERBOSE", "1")
        .envs(env.iter().copied())
        .output()
        .expect("run composeguard");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_heap_is_reserved_16_mib_at_a_time() {
    let stderr = options(&[]);
    assert!(stderr.contains("option 'arena_reserve': 16384 KiB"), "{stderr}");
}

#[test]
fn the_variable_still_wins() {
    let stderr = options(&[("MIMALLOC_ARENA_RESERVE", "64MiB")]);
    assert!(stderr.contains("option 'arena_reserve': 65536 KiB"), "{stderr}");
}
