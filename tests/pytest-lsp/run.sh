#!/usr/bin/env bash
# The pytest-lsp end-to-end test of `entramap lsp` (test_entramap_lsp.py): installs the pinned
# requirements into target/pytest-lsp-venv (once; again when requirements.txt changes or the venv
# does not work), then runs pytest against $ENTRAMAP_BIN (default target/debug/entramap, which
# `cargo test` builds; $CARGO_TARGET_DIR is honoured).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../python-venv.sh
source "$here/../python-venv.sh"
python_venv pytest-lsp-venv pytest_lsp
cd "$here"
export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
