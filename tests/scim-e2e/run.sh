#!/usr/bin/env bash
# The SCIM end-to-end test of `entramap plan --requests` (replay.py): installs the pinned
# scim2-server (PyPI) into target/scim-e2e-venv (once; again when requirements.txt changes or the
# venv does not work), then replays the planned requests of both dialects against it on
# 127.0.0.1 and checks the server's final state against the plan. Uses $ENTRAMAP_BIN (default
# target/debug/entramap, which `cargo test` builds; $CARGO_TARGET_DIR is honoured).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../python-venv.sh
source "$here/../python-venv.sh"
python_venv scim-e2e-venv scim2_server
export SCIM2_SERVER_BIN="$venv/bin/scim2-server"
SCIM_E2E_WORK="$(mktemp -d)"
export SCIM_E2E_WORK
trap 'rm -rf "$SCIM_E2E_WORK"' EXIT
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" "$here/replay.py"
