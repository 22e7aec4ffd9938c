#!/usr/bin/env bash
# Builds the npm package: the wasm (size-tuned `wasm-release` profile), the JS glue for the web and
# for Node.js (wasm-bindgen), then wasm-opt. Needs the wasm32-unknown-unknown target, the
# wasm-bindgen CLI at the crate's version and `npm ci` (for wasm-opt); scripts/test-wasm.sh at the
# repository root installs them.
# Usage: bindings/wasm/scripts/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"

cargo build --locked -p composeguard-wasm --target wasm32-unknown-unknown --profile wasm-release
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/composeguard_wasm.wasm"

rm -rf "$here/pkg/web" "$here/pkg/node"
# --experimental-reset-state-function: after a crash, js/api.js starts a fresh instance.
for target in web nodejs; do
  out="$here/pkg/${target%js}"
  wasm-bindgen --target "$target" --no-typescript --experimental-reset-state-function --out-dir "$out" "$wasm"
done

# The node glue is CommonJS, inside a "type": "module" package.
echo '{ "type": "commonjs" }' > "$here/pkg/node/package.json"

opt="$here/node_modules/.bin/wasm-opt"
web_wasm="$here/pkg/web/composeguard_wasm_bg.wasm"
node_wasm="$here/pkg/node/composeguard_wasm_bg.wasm"
# wasm-bindgen emits the same module for both targets; optimize it once.
cmp -s "$web_wasm" "$node_wasm" || { echo "the web and node modules differ" >&2; exit 1; }
if [ -x "$opt" ]; then
  # wasm-opt takes most of a minute here: keep its last result, keyed by its input.
  cache="$target_dir/wasm-opt-cache"
  # -Oz until it stops shrinking (`--converge`): a few hundred bytes more than one round, which
  # the 1.5 MB budget needs
  flags=(-Oz --converge --strip-debug --strip-producers)
  key=$( (sha256sum "$web_wasm"; echo "${flags[*]}") | sha256sum | cut -d' ' -f1)
  before=$(stat -c %s "$web_wasm")
  if [ -f "$cache/$key.wasm" ]; then
    cp "$cache/$key.wasm" "$web_wasm"
    echo "wasm-opt: $before -> $(stat -c %s "$web_wasm") bytes (cached)"
  else
    "$opt" "${flags[@]}" "$web_wasm" -o "$web_wasm.opt"
    mv "$web_wasm.opt" "$web_wasm"
    rm -rf "$cache" && mkdir -p "$cache" && cp "$web_wasm" "$cache/$key.wasm"
    echo "wasm-opt: $before -> $(stat -c %s "$web_wasm") bytes"
  fi
else
  echo "wasm-opt not found (run npm ci in bindings/wasm); the wasm is not optimized" >&2
fi
cp "$web_wasm" "$node_wasm"
echo "built $here/pkg (web, node): $(stat -c %s "$web_wasm") bytes of wasm"
