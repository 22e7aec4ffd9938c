#!/usr/bin/env bash
# The GitHub Action (action.yml), second step: runs `composeguard check` with the action's
# inputs, passed as environment variables (never pasted into the script, so a value cannot run
# as shell code):
#   COMPOSEGUARD_FILES    compose files separated by spaces or new lines, each its own project;
#                         empty: the compose file of the current folder, as docker compose finds it
#   COMPOSEGUARD_FORMAT   github (annotations, the default), sarif, human, json, junit, gitlab
#   COMPOSEGUARD_OUTPUT   the report file for sarif, json, junit and gitlab
#                         (default composeguard.sarif, .json, .junit.xml, .gitlab.json)
#   COMPOSEGUARD_FAIL_ON  error, warning or info; empty: the configuration's, else error
#   COMPOSEGUARD_ARGS     more arguments, split on spaces (--select all, --config FILE, …)
# Writes the outputs `exit-code` and `report` (the report file's absolute path, or empty when the
# report went to the log) to $GITHUB_OUTPUT, then exits with composeguard's exit code: 0 clean,
# 1 findings at or above the fail-on level, 2 a usage error or a file that cannot be read.
set -uo pipefail

format=${COMPOSEGUARD_FORMAT:-github}
read -r -d '' -a files <<<"${COMPOSEGUARD_FILES:-}" || true
read -r -d '' -a extra <<<"${COMPOSEGUARD_ARGS:-}" || true

# everything but the format
common=()
if [ -n "${COMPOSEGUARD_FAIL_ON:-}" ]; then
  common+=(--fail-on "$COMPOSEGUARD_FAIL_ON")
fi
common+=("${extra[@]}")
if [ "${#files[@]}" -gt 0 ]; then
  common+=(-- "${files[@]}")
fi

report=
case "$format" in
  github | human) ;;
  sarif) report=${COMPOSEGUARD_OUTPUT:-composeguard.sarif} ;;
  json) report=${COMPOSEGUARD_OUTPUT:-composeguard.json} ;;
  junit) report=${COMPOSEGUARD_OUTPUT:-composeguard.junit.xml} ;;
  gitlab) report=${COMPOSEGUARD_OUTPUT:-composeguard.gitlab.json} ;;
  *)
    echo "::error title=composeguard::unknown format '$format' (github, sarif, human, json, junit, gitlab)"
    exit 2
    ;;
esac

echo "composeguard check --format $format ${common[*]}"
if [ -n "$report" ]; then
  mkdir -p "$(dirname "$report")"
  composeguard check --format "$format" "${common[@]}" >"$report"
  code=$?
  report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
  echo "report: $report"
  # the findings in the log too, readable
  if [ "$code" != 2 ]; then
    composeguard check --format human --no-color "${common[@]}" || true
  fi
else
  composeguard check --format "$format" "${common[@]}"
  code=$?
fi

{
  echo "exit-code=$code"
  echo "report=$report"
} >>"${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
