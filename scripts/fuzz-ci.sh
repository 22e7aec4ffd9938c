#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time and ends with one "N passed, N failed" line
# (one test per target). Installs cargo-fuzz when it is missing.
#
# Usage: scripts/fuzz-ci.sh [TARGET…]
#   FUZZ_SECONDS   time per target (default 60; yaml_fast_differential gets at most 45)
#   FUZZ_WORK      scratch folder for the corpora (default fuzz/target/ci-corpus)
#
# The targets build with the machine's stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass
# its nightly flags, and `--sanitizer none` skips AddressSanitizer (the crates it fuzzes forbid
# `unsafe`, so a panic, an assertion, a timeout or running out of memory are what it can find).
# A crash is saved under fuzz/artifacts/TARGET/; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -O --sanitizer none TARGET fuzz/artifacts/TARGET/crash-…
# then add the input to fuzz/regressions/ (tests/hostile.rs lints every file there).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${FUZZ_SECONDS:-60}
work=${FUZZ_WORK:-$root/fuzz/target/ci-corpus}
export RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=never

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(yaml_tree lint_bytes interpolation value_parsers yaml_fast_differential)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

echo "== building the fuzz targets"
if ! (cd fuzz && cargo fuzz build -O --sanitizer none); then
  echo "0 passed, ${#targets[@]} failed"
  exit 1
fi

# Seeds: the shared corpus and the fixtures (compose files), the hand-written seeds, and the
# regression inputs of earlier crashes.
seed() {
  local dir=$1
  mkdir -p "$dir"
  local sources=(tests/fixtures fuzz/regressions)
  [ -d ../shared/corpus ] && sources+=(../shared/corpus)
  find "${sources[@]}" -type f \( -name '*.yaml' -o -name '*.yml' -o -path 'fuzz/regressions/*' \) 2>/dev/null |
    while IFS= read -r f; do
      cp "$f" "$dir/$(cksum < "$f" | cut -d' ' -f1)"
    done
}

passed=0
failed=0
for t in "${targets[@]}"; do
  corpus="$work/$t"
  seed "$corpus"
  if [ -d "fuzz/seeds/$t" ]; then cp fuzz/seeds/"$t"/* "$corpus"/; fi
  budget=$seconds
  # The fast-YAML differential target shares its inputs with yaml_tree: a shorter run keeps CI bounded.
  if [ "$t" = yaml_fast_differential ] && [ "$budget" -gt 45 ]; then budget=45; fi
  echo "== fuzz $t for ${budget}s ($(find "$corpus" -type f | wc -l) seeds)"
  log=$(mktemp)
  (cd fuzz && cargo fuzz run -O --sanitizer none "$t" "$corpus" -- \
      -max_total_time="$budget" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1) >"$log" 2>&1
  code=$?
  grep -E '^Done [0-9]+ runs|stat::number_of_executed_units|^stat::peak_rss_mb' "$log"
  if [ $code -eq 0 ]; then
    echo "fuzz $t ... ok"
    passed=$((passed + 1))
  else
    tail -40 "$log"
    echo "fuzz $t ... FAILED (exit $code; the input is under fuzz/artifacts/$t/)"
    failed=$((failed + 1))
  fi
  rm -f "$log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
