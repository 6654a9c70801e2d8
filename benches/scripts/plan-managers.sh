#!/usr/bin/env bash
# `entramap plan` of a first cycle with managers: USERS synthetic users (default 1,000,000,
# `entramap synth --seed 42`), each given a manager, through the scim-core-default example
# (which maps `manager`), in three orders of the same export: every manager before its reports
# (nothing held), every manager after them (every decision held until its manager is decided,
# the worst case), and at random. Beside them, the same export without managers. Prints wall
# time, CPU time and peak memory of each (`/usr/bin/time`), RUNS runs each (default 1).
# Usage: benches/scripts/plan-managers.sh [USERS].
set -euo pipefail
users=${1:-1000000}
cd "$(dirname "$0")/../.."
. benches/scripts/tenant.sh
cargo build --release --quiet
bin=target/release/entramap
mapping=examples/scim-core-default.entramap.yaml
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" synth --users "$users" --seed "${SEED:-42}" -o "$dir/plain.jsonl"
# The manager of user N (1-based) is user ceil(N/8): a tree of eight reports a manager, the
# first user its root. `before`: in file order; `after`: the file reversed, so every manager
# comes after its reports; `random`: shuffled with a fixed seed.
awk -F'"' '{ id[NR] = $4; line[NR] = $0 }
  END { for (n = 1; n <= NR; n++) {
    m = int((n + 7) / 8); if (m == n) { print line[n]; continue }
    printf "%s,\"manager\":\"%s\"}\n", substr(line[n], 1, length(line[n]) - 1), id[m] } }' \
  "$dir/plain.jsonl" > "$dir/before.jsonl"
tac "$dir/before.jsonl" > "$dir/after.jsonl"
shuf --random-source=<(yes) "$dir/before.jsonl" > "$dir/random.jsonl"
for _ in $(seq "${RUNS:-1}"); do
  for order in plain before after random; do
    measure "plan ($order)" "$bin" plan "$mapping" --users "$dir/$order.jsonl" \
      --format json --requests "$dir/requests.jsonl"
  done
done
"$bin" plan "$mapping" --users "$dir/random.jsonl" | head -3
