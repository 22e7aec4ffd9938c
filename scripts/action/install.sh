#!/usr/bin/env bash
# The GitHub Action (action.yml), first step: makes a `composeguard` command available to the
# next steps. COMPOSEGUARD_VERSION (the action's `version` input) says which:
#   action     build the crates/composeguard-cli of the action's own checkout: the ref the
#              workflow names in `uses: composeguard/composeguard@REF` (the default)
#   installed  the composeguard already on the PATH (pip install, cargo install, a binary)
#   X.Y.Z      that version of the composeguard-cli crate from crates.io
# Builds need cargo (GitHub's hosted runners have it). The binary goes to
# $RUNNER_TEMP/composeguard/bin, which is added to $GITHUB_PATH.
set -euo pipefail

version=${COMPOSEGUARD_VERSION:-action}
action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
root=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/composeguard

need_cargo() {
  if ! command -v cargo >/dev/null; then
    echo "::error title=composeguard::cargo is needed to build composeguard (install a Rust toolchain first, for example with rustup), or set version: installed" >&2
    exit 2
  fi
}

case "$version" in
  installed)
    if ! command -v composeguard >/dev/null; then
      echo "::error title=composeguard::version is 'installed' but there is no composeguard on the PATH" >&2
      exit 2
    fi
    ;;
  action)
    need_cargo
    cargo install --locked --root "$root" --path "$action_path/crates/composeguard-cli"
    echo "$root/bin" >>"${GITHUB_PATH:-/dev/null}"
    ;;
  [0-9]*.[0-9]*.[0-9]*)
    need_cargo
    cargo install --locked --root "$root" composeguard-cli --version "=$version"
    echo "$root/bin" >>"${GITHUB_PATH:-/dev/null}"
    ;;
  *)
    echo "::error title=composeguard::version must be 'action', 'installed' or a version such as 0.1.0, not '$version'" >&2
    exit 2
    ;;
esac
PATH="$root/bin:$PATH" composeguard --version
