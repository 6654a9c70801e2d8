#!/usr/bin/env bash
# Builds the entramap playground into web/dist/index.html (one self-contained file) from a
# fresh machine with a Rust toolchain (rustup) and Node.js with npm:
#   1. the wasm32-unknown-unknown target,
#   2. wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock,
#   3. the web crate (web/src/lib.rs) in the `wasm` profile (release, no debug info, stripped),
#   4. the JavaScript glue (wasm-bindgen --target web) into web/pkg/,
#   5. npm ci (web/package-lock.json) and the esbuild bundle.
# Usage: web/build.sh
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$web")"
cd "$root"

if command -v rustup >/dev/null 2>&1; then
  rustup target add wasm32-unknown-unknown >/dev/null
fi

version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$version" ]; then
  echo "build.sh: no wasm-bindgen in Cargo.lock" >&2
  exit 2
fi
installed="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$installed" != "$version" ]; then
  echo "build.sh: installing wasm-bindgen-cli $version (a few minutes)" >&2
  # --locked uses the versions wasm-bindgen-cli was released with; when the registry no longer
  # serves one of them, the newest compatible versions are used instead.
  cargo install --locked wasm-bindgen-cli --version "$version" ||
    cargo install wasm-bindgen-cli --version "$version"
fi

cargo build -p entramap-web --profile wasm --target wasm32-unknown-unknown
rm -rf "$web/pkg"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$web/pkg" \
  "$root/target/wasm32-unknown-unknown/wasm/entramap_web.wasm"

cd "$web"
npm ci --no-audit --no-fund --loglevel=error
node bundle.mjs
