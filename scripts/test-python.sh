#!/usr/bin/env bash
# Builds the Python wheel, installs it into a fresh virtual environment and runs the Python tests
# there. Ends with one "N passed, N failed" line (pytest finding no test counts as a failure).
# Usage: scripts/test-python.sh [pytest args…]
# Environment: PYTHON (default python3), PY_VENV (default target/py-venv), CARGO_TARGET_DIR.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-python3}
venv=${PY_VENV:-$root/target/py-venv}
dist=$root/target/py-dist
target=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TERM_COLOR=never PIP_DISABLE_PIP_VERSION_CHECK=1

finish() {
  echo "$1 passed, $2 failed"
  exit "$3"
}

echo "== fresh virtual environment: $venv"
rm -rf "$venv" "$dist"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv" || finish 0 1 1
"$venv/bin/python" -m pip install -q maturin==1.16.0 pytest==9.2.0 mypy==2.4.1 || finish 0 1 1

echo "== the Rust CLI to compare against"
cargo build -q --locked -p composeguard-cli || finish 0 1 1
export COMPOSEGUARD_BIN=$target/debug/composeguard

echo "== wheel"
start=$(date +%s)
"$venv/bin/maturin" build --release --locked -q -m bindings/python/Cargo.toml -o "$dist" || finish 0 1 1
echo "built in $(($(date +%s) - start)) s: $(ls "$dist")"
"$venv/bin/python" -m pip install -q "$dist"/composeguard-*.whl || finish 0 1 1

echo "== pytest"
log=$(mktemp)
start=$(date +%s)
(cd bindings/python && "$venv/bin/python" -m pytest -p no:cacheprovider -q -rs "$@" tests) 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
echo "pytest took $(($(date +%s) - start)) s"

# pytest's summary line, e.g. "3 failed, 120 passed, 2 skipped in 9.81s"
summary=$(grep -E '([0-9]+ (passed|failed|errors?)|no tests ran).* in [0-9.]+s' "$log" | tail -1)
rm -f "$log"
count() { echo "$summary" | grep -oE "[0-9]+ $1" | grep -oE '[0-9]+' | head -1; }
passed=$(count passed); passed=${passed:-0}
failed=$(count failed); failed=${failed:-0}
errors=$(count 'errors?'); errors=${errors:-0}
failed=$((failed + errors))
# exit code 5: no tests collected; any other failure without a counted test is one failure too
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
if [ "$status" = 0 ] && [ "$passed" = 0 ]; then failed=1; status=1; fi
finish "$passed" "$failed" "$status"
