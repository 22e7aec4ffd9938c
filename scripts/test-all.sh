#!/usr/bin/env bash
# Runs every test suite of the repository and ends with one "N passed, N failed" line.
# Usage: scripts/test-all.sh
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
log=$(mktemp)
status=0

echo "== cargo test (workspace)"
cargo test --workspace --locked 2>&1 | tee "$log" || status=1

read -r passed failed < <(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' | awk '{p+=$1; f+=$2} END {print p+0, f+0}')

for extra in scripts/test-python.sh scripts/test-wasm.sh scripts/test-dist.sh; do
  if [ -x "$extra" ]; then
    echo "== $extra"
    "$extra" 2>&1 | tee "$log" || status=1
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
    if [ -n "$line" ]; then
      passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
      failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
    else
      failed=$((failed + 1)); status=1
    fi
  fi
done
rm -f "$log"
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit $status
