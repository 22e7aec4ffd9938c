#!/usr/bin/env bash
# Compares composeguard's verdict (invalid = a spec error) with docker compose's label for every
# file of ../shared/corpus. Usage: scripts/corpus-verdicts.sh [path/to/composeguard]
set -u
bin=${1:-$(cd "$(dirname "$0")/.." && pwd)/target/debug/composeguard}
corpus=$(cd "$(dirname "$0")/../../shared/corpus" && pwd)
pass=0; fail=0
while IFS=$'\t' read -r _ path _ want _; do
  [ "$path" = path ] && continue
  dir=$(dirname "$path"); file=$(basename "$path")
  got=$(cd "$corpus/$dir" && env -i PATH=/usr/bin:/bin "$bin" check --format json "$file" 2>/dev/null | python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)
    print(1 if any(d["category"] == "spec" and d["severity"] == "error" and not d.get("suppression") for f in r["files"] for d in f["diagnostics"]) else 0)
except Exception:
    print("crash")')
  if [ "$got" = "$want" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "MISMATCH want=$want got=$got $path"; fi
done < "$corpus/labels.tsv"
echo "$pass passed, $fail failed"
