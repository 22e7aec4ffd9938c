#!/usr/bin/env bash
# Runs docker compose v2.40.3 (../shared/tools/compose-verdict) on every fixture and compares its
# verdict with composeguard's: a fixture is invalid for composeguard exactly when it has a spec
# error. Usage: scripts/oracle-fixtures.sh [fixtures-dir]
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/target/debug/composeguard
verdict=$root/../shared/tools/compose-verdict
dir=${1:-$root/tests/fixtures}
pass=0; fail=0
while IFS= read -r f; do
  name=$(basename "$f")
  case $name in bad*|good*) ;; *) continue ;; esac
  # compose is killed by the alias bomb (minutes, then OOM) and cannot fetch remote includes here
  case $f in */input-limit/*|*/remote-resource/*) continue ;; esac
  want=$("$verdict" "$f" 2>/dev/null | tail -1 | sed 's/exit //')
  [ "$want" = 0 ] || want=1
  got=$(cd "$(dirname "$f")" && env -i PATH=/usr/bin:/bin "$bin" check --format json "$name" 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(1 if any(d["category"] == "spec" and d["severity"] == "error" for f in r["files"] for d in f["diagnostics"]) else 0)')
  if [ "$want" = "$got" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "MISMATCH compose=$want composeguard=$got ${f#$root/}"; fi
done < <(find "$dir" -name '*.yaml' -o -name '*.yml' | sort)
echo "$pass passed, $fail failed"
