#!/usr/bin/env bash
# Builds and tests the browser build (bindings/wasm): the wasm package for the web and Node.js,
# its node tests (API, hostile input, parity with the CLI on ../shared/corpus), then the
# playground in headless Chromium. Installs what is missing first: the wasm32 target, the
# wasm-bindgen CLI at the crate's version (once per machine, 3–4 minutes), Chromium, npm packages.
# Ends with one "N passed, N failed" line.
# Usage: scripts/test-wasm.sh
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
pkg=bindings/wasm
started=$SECONDS

give_up() {
  echo "test-wasm: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}
step() { echo "== $* ($((SECONDS - started)) s)"; }

step "prerequisites"
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown || give_up "cannot add the wasm32-unknown-unknown target"
fi
bindgen_version=$(sed -nE 's/^wasm-bindgen = "=([0-9.]+)".*/\1/p' "$pkg/Cargo.toml")
[ -n "$bindgen_version" ] || give_up "no pinned wasm-bindgen version in $pkg/Cargo.toml"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  # Without --locked: its lockfile pins a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$bindgen_version" || give_up "cannot install wasm-bindgen-cli $bindgen_version"
fi
if [ ! -x /usr/bin/chromium ]; then
  { apt-get update && apt-get install -y chromium; } || give_up "cannot install chromium"
fi
(cd "$pkg" && npm ci --no-audit --no-fund) || give_up "npm ci failed in $pkg"

step "build: the CLI (the corpus test compares with it)"
# What `cargo test --workspace` builds (test-all.sh has just run it, so this is quick there): a
# `cargo build -p composeguard-cli` would unify features differently and build it all again.
cargo test --locked --workspace --no-run || give_up "cannot build the CLI"
export COMPOSEGUARD_CLI="${CARGO_TARGET_DIR:-$PWD/target}/debug/composeguard"

step "build: the wasm package"
"$pkg/scripts/build.sh" || give_up "cannot build the wasm package"

step "build: the playground"
(cd "$pkg" && npm run --silent build:playground) || give_up "cannot build the playground"

step "npm test (node tests, then the browser test)"
log=$(mktemp)
(cd "$pkg" && npm test) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# node --test's summary: "# pass N" (TAP) or "ℹ pass N" (spec), once per run.
passed=$(grep -aE '^(# |ℹ )pass [0-9]+$' "$log" | awk '{s += $3} END {print s + 0}')
failed=$(grep -aE '^(# |ℹ )fail [0-9]+$' "$log" | awk '{s += $3} END {print s + 0}')
runs=$(grep -acE '^(# |ℹ )pass [0-9]+$' "$log")
rm -f "$log"
if [ "$runs" -lt 2 ]; then
  echo "test-wasm: expected two test runs (node, browser), saw $runs" >&2
  failed=$((failed + 1))
fi
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "screenshots: $(ls "$PWD/$pkg"/test-results/*.png 2>/dev/null | tr "\n" " ")"
step "done"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
