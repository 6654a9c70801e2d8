#!/bin/sh
# What the gallery catalogue costs a process: `entramap lint` of one starter against its
# built-in gallery profile, beside the non-gallery default against `scim-core`, and
# `entramap targets` (the list, which parses no profile): wall time a process (the mean of RUNS
# runs in a row, the best of BATCHES batches) and peak memory, and the binary's size. Usage:
# `cargo build --release && benches/scripts/gallery-startup.sh` (BIN=path/to/entramap to measure another
# binary, APPS="slack zoom" for other gallery apps). Needs GNU time (/usr/bin/time) and GNU date. The starters come from the binary itself (`init --app`), so an older binary
# is measured on the apps it knows.
set -eu
BIN=${BIN:-target/release/entramap}
APPS=${APPS:-"slack sap-cloud-platform-identity-authentication g-suite"}
RUNS=${RUNS:-50}
BATCHES=${BATCHES:-5}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

measure() { # label, then the command
    label=$1
    shift
    best=""
    batch=0
    while [ "$batch" -lt "$BATCHES" ]; do
        t0=$(date +%s%N)
        i=0
        while [ "$i" -lt "$RUNS" ]; do
            "$@" >/dev/null 2>&1 || true
            i=$((i + 1))
        done
        t1=$(date +%s%N)
        each=$(( (t1 - t0) / RUNS / 1000 ))
        if [ -z "$best" ] || [ "$each" -lt "$best" ]; then best=$each; fi
        batch=$((batch + 1))
    done
    /usr/bin/time -f "%M" -o "$DIR/rss" "$@" >/dev/null 2>&1 || true
    printf '%-58s %8s µs  %6s KiB\n' "$label" "$best" "$(cat "$DIR/rss")"
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
