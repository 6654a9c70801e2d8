#!/bin/sh
# What the gallery catalogue costs a process: `entramap lint` of one starter against its
# built-in gallery profile, beside the non-gallery default against `scim-core`, and
# `entramap targets` (the list, which parses no profile), as wall time and peak memory, and the
# binary's size. Usage: `cargo build --release && bench/gallery-startup.sh`
# (BIN=path/to/entramap to measure another binary, APPS="slack zoom" for other gallery apps,
# RUNS=n runs each, the minimum time and the largest memory are printed). Needs GNU time
# (/usr/bin/time). The starters come from the binary itself (`init --app`), so an older binary
# is measured on the apps it knows.
set -eu
BIN=${BIN:-target/release/entramap}
APPS=${APPS:-"slack sap-cloud-platform-identity-authentication g-suite"}
RUNS=${RUNS:-20}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

measure() { # label, then the command
    label=$1
    shift
    best=""
    peak=0
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        /usr/bin/time -f "%e %M" -o "$DIR/time" "$@" >/dev/null 2>&1 || true
        read -r wall rss <"$DIR/time"
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
        if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
        i=$((i + 1))
    done
    printf '%-58s %6s s  %6s KiB\n' "$label" "$best" "$peak"
}

printf 'binary: %s, %s bytes\n' "$BIN" "$(wc -c <"$BIN")"
"$BIN" init >"$DIR/default.entramap.yaml"
measure "lint, scim-core (non-gallery default)" "$BIN" lint -q "$DIR/default.entramap.yaml"
for app in $APPS; do
    if "$BIN" init --app "$app" >"$DIR/$app.entramap.yaml" 2>/dev/null; then
        measure "lint, gallery $app" "$BIN" lint -q "$DIR/$app.entramap.yaml"
    fi
done
measure "targets (the catalogue list)" "$BIN" targets
