#!/usr/bin/env bash
# The Windows build, checked on Linux: cross-compiles entramap for x86_64-pc-windows-gnu with
# Debian's mingw-w64 and runs a suite of commands under Debian's Wine, comparing what the .exe
# prints and how it exits with the Linux binary on the same inputs. Installs what it lacks
# (mingw-w64, Wine, the Rust target). Wine 8 lacks `ProcessPrng` (bcryptprimitives.dll), which
# Rust's standard library imports; a stand-in DLL built here with mingw (.ci/windows/) provides
# it inside the test's own Wine prefix only. Real Windows has the function; nothing shipped
# uses the stand-in.
#
# Usage: .ci/windows.sh   (from anywhere; prints the time each stage took)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
stage() { echo "windows: $1 ($((SECONDS - started)) s)"; }

if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || ! command -v wine >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    gcc-mingw-w64-x86-64 wine wine64 >/dev/null
fi
rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1
stage "tools ready"

target_dir=${CARGO_TARGET_DIR:-$PWD/target}
# The debug profile without debug info: a .exe of 40 MB instead of 140, faster to link and load.
CARGO_PROFILE_DEV_DEBUG=0 cargo build --quiet --target x86_64-pc-windows-gnu --bin entramap
cargo build --quiet --bin entramap
exe="$target_dir/x86_64-pc-windows-gnu/debug/entramap.exe"
linux="$target_dir/debug/entramap"
stage "built $exe"

work="$target_dir/windows-ci"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$work"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  wineboot --init >/dev/null 2>&1 || true
  wineserver --wait || true
fi
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  .ci/windows/bcryptprimitives.c .ci/windows/bcryptprimitives.def -ladvapi32
stage "Wine prefix ready"

failures=0
fail() { echo "windows: FAIL: $*" >&2; failures=$((failures + 1)); }
# win ARGS...: runs the .exe under Wine; its stdout, stderr and exit status in $work/win.*.
win() {
  local status=0
  wine "$exe" "$@" >"$work/win.out" 2>"$work/win.err" </dev/null || status=$?
  echo "$status" >"$work/win.status"
}
lin() {
  local status=0
  "$linux" "$@" >"$work/lin.out" 2>"$work/lin.err" </dev/null || status=$?
  echo "$status" >"$work/lin.status"
}
# compare WHAT [SED]: the last win and lin runs printed the same and exited the same (after
# SED, a sed script turning the Windows paths it prints into the Linux ones, on its output).
compare() {
  local what=$1 script=${2:-}
  for part in out err status; do
    [ -z "$script" ] || sed -i "$script" "$work/win.$part"
    if ! cmp -s "$work/win.$part" "$work/lin.$part"; then
      fail "$what: std$part differs from Linux"
      diff "$work/lin.$part" "$work/win.$part" | head -20 >&2 || true
    fi
  done
}
# same WHAT ARGS...: the .exe and the Linux binary, given the same arguments, print the same
# and exit the same.
same() {
  local what=$1
  shift
  win "$@"
  lin "$@"
  compare "$what"
}
status_is() {
  local want=$1 what=$2
  [ "$(cat "$work/win.status")" = "$want" ] ||
    fail "$what: exit $(cat "$work/win.status"), expected $want: $(head -c 400 "$work/win.err")"
}

# Lint of every example (human and JSON findings, exit codes), and of a broken one.
for file in examples/*.entramap.yaml examples/broken/*.entramap.yaml; do
  same "lint $file" lint "$file"
  same "lint --format json $file" lint --format json "$file"
done
# A directory: the files found are named with Windows separators.
win lint examples
lin lint examples
compare "lint of a directory" 's#examples\\broken\\#examples/broken/#g'
# Colour is off when the output is not a console, without NO_COLOR.
unset NO_COLOR
win lint examples/broken/idmelon-typo.entramap.yaml
if grep -q $'\e\[' "$work/win.out" "$work/win.err"; then fail "colour written to a pipe"; fi
status_is 1 "lint of a broken example"

# Paths: backslashes, a drive letter (Wine's Z: is /), and standard input as `-`.
win lint 'examples\broken\idmelon-typo.entramap.yaml'
lin lint examples/broken/idmelon-typo.entramap.yaml
# shellcheck disable=SC1003 # backslashes, not an escaped quote
compare 'lint examples\broken\' 's#examples\\broken\\#examples/broken/#g'
# shellcheck disable=SC1003
win lint "Z:$(pwd | tr / '\\')\\examples\\idmelon.entramap.yaml"
status_is 0 "lint with a drive letter"
status=0
wine "$exe" lint - <examples/broken/idmelon-typo.entramap.yaml >"$work/win.out" 2>&1 || status=$?
"$linux" lint - <examples/broken/idmelon-typo.entramap.yaml >"$work/lin.out" 2>&1 || true
[ "$status" = 1 ] || fail "lint - exited $status"
cmp -s "$work/win.out" "$work/lin.out" || fail "lint - differs from Linux"

# An expression with `"` inside, on the command line Windows PowerShell builds for
# `entramap check 'Join(\"@\", ...)'` (5.1) and for `entramap check 'Join("@", ...)'` (7.3 and
# later): the argument in double quotes, each inner quote as \". Run through cmd, which hands
# the command line to the program as it is.
printf '@"%s" check "Join(\\"@\\", [mailNickname], \\"contoso.com\\")"\r\n' "$(winepath -w "$exe")" >"$work/quote.cmd"
status=0
wine cmd /c "$(winepath -w "$work/quote.cmd")" >"$work/win.out" 2>"$work/win.err" || status=$?
echo "$status" >"$work/win.status"
lin check 'Join("@", [mailNickname], "contoso.com")'
compare "an expression with quotes on a Windows command line"
# Standard input: an expression, and a user as Windows PowerShell writes it (UTF-16LE, CRLF).
expression='Join(" / ", [displayName], [department])'
status=0
printf '%s\r\n' "$expression" | wine "$exe" check - >"$work/win.out" 2>&1 || status=$?
printf '%s\r\n' "$expression" | "$linux" check - >"$work/lin.out" 2>&1 || true
[ "$status" = 0 ] || fail "check - exited $status"
cmp -s "$work/win.out" "$work/lin.out" || fail "check - differs from Linux"
status=0
wine "$exe" eval "$expression" --user - <tests/fixtures/windows/user.utf16le.json >"$work/win.out" 2>&1 || status=$?
[ "$status" = 0 ] || fail "eval --user - exited $status"
grep -q 'Zoë Müller / Engineering' "$work/win.out" || fail "eval --user - of a UTF-16LE user: $(cat "$work/win.out")"

# Writes: fmt in place, -o replacing an existing file, a read-only file refused, init refusing
# to overwrite.
scratch="$work/scratch"
rm -rf "$scratch"
mkdir -p "$scratch"
printf 'entramap: 1\napp: Demo\ntarget: scim-core\nusers:\n  mappings:\n    - target: userName\n      expression: Join( "@" , [mailNickname],"contoso.com" )\n    - target: externalId\n      source: objectId\n      matching_precedence: 1\n' >"$scratch/messy.entramap.yaml"
cp "$scratch/messy.entramap.yaml" "$scratch/linux.entramap.yaml"
win fmt "$scratch/messy.entramap.yaml"
status_is 0 "fmt"
"$linux" fmt --quiet "$scratch/linux.entramap.yaml" >/dev/null
cmp -s "$scratch/messy.entramap.yaml" "$scratch/linux.entramap.yaml" || fail "fmt wrote another text than on Linux"
echo old >"$scratch/table.md"
win table examples/idmelon.entramap.yaml -o "$scratch/table.md"
status_is 0 "table -o over an existing file"
lin table examples/idmelon.entramap.yaml
cmp -s "$scratch/table.md" "$work/lin.out" || fail "table -o wrote another table than Linux prints"
if find "$scratch" -name '*.tmp' | grep -q .; then fail "a temporary file was left beside the output"; fi
echo keep >"$scratch/locked.md"
chmod a-w "$scratch/locked.md"
win table examples/idmelon.entramap.yaml -o "$scratch/locked.md"
status_is 2 "table -o over a read-only file"
grep -q 'read-only' "$work/win.err" || fail "table -o over a read-only file: $(cat "$work/win.err")"
[ "$(cat "$scratch/locked.md")" = keep ] || fail "a read-only file was replaced"
win init -o "$scratch/new.entramap.yaml"
status_is 0 "init"
cp "$scratch/new.entramap.yaml" "$scratch/first.entramap.yaml"
win init --app slack -o "$scratch/new.entramap.yaml"
status_is 2 "init over an existing file"
cmp -s "$scratch/new.entramap.yaml" "$scratch/first.entramap.yaml" || fail "init overwrote a file"

# preview, and export -> import.
same "preview" preview examples/idmelon.entramap.yaml --users examples/exports/users.jsonl
same "preview --user" preview examples/idmelon.entramap.yaml --users examples/exports/users.jsonl --user 1
win export examples/scim-core-default.entramap.yaml -o "$scratch/schema.json"
status_is 0 "export -o"
same "import of the exported schema" import "$scratch/schema.json" --app Demo

# Files as Windows PowerShell 5.1 writes them (UTF-16LE with a mark, CRLF) read as their
# UTF-8 twins.
win import tests/fixtures/windows/schema.utf16le.json --app Forcepoint
lin import tests/fixtures/graph/forcepoint-smc-scim-job-schema.json --app Forcepoint
cmp -s "$work/win.out" "$work/lin.out" || fail "import of a UTF-16LE schema differs from its UTF-8 twin"
status_is 0 "import of a UTF-16LE schema"
same "preview of a UTF-16LE export" preview tests/fixtures/preview/mapping.entramap.yaml \
  --users tests/fixtures/windows/users.utf16le.jsonl
cp tests/fixtures/windows/mapping.utf16le.entramap.yaml tests/fixtures/preview/profile.yaml "$scratch/"
same "lint of a UTF-16LE mapping file" lint "$scratch/mapping.utf16le.entramap.yaml"

wineserver --kill || true
stage "suite done"
if [ "$failures" -gt 0 ]; then
  echo "windows: $failures checks failed" >&2
  exit 1
fi
echo "windows: every check passed"
