#!/usr/bin/env bash
# `entramap diff OLD NEW --users` (the impact of a change) beside one `entramap plan` and one
# `entramap preview` on the same synthetic tenant as plan.sh: USERS users (default 1,000,000,
# `entramap synth --seed 42`) against as many existing accounts, the IDmelon example against a
# copy whose displayName is an expression (so that nearly every user's value changes). Prints
# wall time, CPU time and peak memory of each (`/usr/bin/time`), RUNS runs each (default 3),
# alternating. BIN=path/to/entramap measures that binary instead of a fresh release build.
# Usage: benches/scripts/impact.sh [USERS].
set -euo pipefail
users=${1:-1000000}
cd "$(dirname "$0")/../.."
. benches/scripts/tenant.sh
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/entramap
fi
old=examples/idmelon.entramap.yaml
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
new=$dir/new.entramap.yaml
awk 'BEGIN { n = 0 }
  /^  - target: displayName$/ && n == 0 { print; getline; print "    expression: Join(\" \", [displayName], \"(Contoso)\")"; n = 1; next }
  { print }' "$old" > "$new"
make_tenant "$BIN" "$old" "$users" "$dir"
for _ in $(seq "${RUNS:-3}"); do
  measure preview "$BIN" preview "$old" --users "$dir/users.jsonl" --out /dev/null || true
  measure plan "$BIN" plan "$new" --users "$dir/users.jsonl" --accounts "$dir/accounts.jsonl" || true
  measure "diff --users" "$BIN" diff "$old" "$new" --users "$dir/users.jsonl" \
    --accounts "$dir/accounts.jsonl" || true
done
"$BIN" diff "$old" "$new" --users "$dir/users.jsonl" --accounts "$dir/accounts.jsonl" | tail -4
