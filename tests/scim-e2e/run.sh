#!/usr/bin/env bash
# The SCIM end-to-end test of `entramap plan --requests` (replay.py): installs the pinned
# scim2-server (PyPI) into target/scim-e2e-venv (once; again when requirements.txt changes or the
# venv does not work), then replays the planned requests of both dialects against it on
# 127.0.0.1 and checks the server's final state against the plan. Uses $ENTRAMAP_BIN (default
# target/debug/entramap, which `cargo test` builds; $CARGO_TARGET_DIR is honoured).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/scim-e2e-venv"
python="${PYTHON:-python3}"
if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } ||
    { echo "run.sh: python3-venv is missing and could not be installed (needs root and Debian's mirror)" >&2; exit 1; }
fi
if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt" ||
  ! "$venv/bin/python" -c 'import scim2_server' >/dev/null 2>&1; then
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
export SCIM2_SERVER_BIN="$venv/bin/scim2-server"
SCIM_E2E_WORK="$(mktemp -d)"
export SCIM_E2E_WORK
trap 'rm -rf "$SCIM_E2E_WORK"' EXIT
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" "$here/replay.py"
