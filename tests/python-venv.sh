# Sourced by the Python end-to-end steps (tests/pytest-lsp/run.sh, tests/scim-e2e/run.sh):
# `python_venv NAME MODULE` installs the pinned requirements.txt beside the calling script into
# target/NAME (once; again when requirements.txt changes or MODULE does not import), installing
# Debian's python3-venv first when it is missing. Sets $target, $venv and exports $ENTRAMAP_BIN
# (default target/debug/entramap, which `cargo test` builds; $CARGO_TARGET_DIR is honoured),
# which must exist.
python_venv() {
  local name=$1 module=$2
  local root python="${PYTHON:-python3}"
  root="$(cd "$here/../.." && pwd)"
  target="${CARGO_TARGET_DIR:-$root/target}"
  venv="$target/$name"
  if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    # Debian's python3 ships venv separately.
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; } ||
      { echo "run.sh: python3-venv is missing and could not be installed (needs root and Debian's mirror)" >&2; exit 1; }
  fi
  if ! cmp -s "$here/requirements.txt" "$venv/requirements.txt" ||
    ! "$venv/bin/python" -c "import $module" >/dev/null 2>&1; then
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
}
