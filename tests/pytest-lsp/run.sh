#!/usr/bin/env bash
# The pytest-lsp end-to-end test of `entramap lsp` (test_entramap_lsp.py): installs the pinned
# requirements into target/pytest-lsp-venv (once; again when requirements.txt changes or the venv
# does not work), then runs pytest against $ENTRAMAP_BIN (default target/debug/entramap, which
# `cargo test` builds; $CARGO_TARGET_DIR is honoured).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/pytest-lsp-venv"
python="${PYTHON:-python3}"
if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  # Debian's python3 ships venv separately.
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } ||
    { echo "run.sh: python3-venv is missing and could not be installed (needs root and Debian's mirror)" >&2; exit 1; }
fi
if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt" ||
  ! "$venv/bin/python" -c 'import pytest_lsp' >/dev/null 2>&1; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --retries 1 --timeout 30 -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi
export ENTRAMAP_BIN="${ENTRAMAP_BIN:-$target/debug/entramap}"
if [ ! -x "$ENTRAMAP_BIN" ]; then
  echo "no entramap binary at $ENTRAMAP_BIN: run cargo build (or cargo test) first" >&2
  exit 1
fi
cd "$here"
export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
