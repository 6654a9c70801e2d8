#!/usr/bin/env bash
# `entramap plan` beside `entramap preview` on the same synthetic tenant: USERS users (default
# 1,000,000, `entramap synth --seed 42`) against as many existing accounts (the users' own
# payloads with an `id` each, so that every user matches an account and every mapped attribute
# is compared), through the IDmelon example. Prints wall time, CPU time and peak memory of each
# (`/usr/bin/time`), RUNS runs each (default 3), alternating. Usage: benches/scripts/plan.sh [USERS].
set -euo pipefail
users=${1:-1000000}
cd "$(dirname "$0")/../.."
. benches/scripts/tenant.sh
cargo build --release --quiet
bin=target/release/entramap
mapping=examples/idmelon.entramap.yaml
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
make_tenant "$bin" "$mapping" "$users" "$dir"
for _ in $(seq "${RUNS:-3}"); do
  measure preview "$bin" preview "$mapping" --users "$dir/users.jsonl" --out /dev/null || true
  measure plan "$bin" plan "$mapping" --users "$dir/users.jsonl" --accounts "$dir/accounts.jsonl"
  measure "plan --format json --requests" "$bin" plan "$mapping" --users "$dir/users.jsonl" \
    --accounts "$dir/accounts.jsonl" --format json --requests "$dir/requests.jsonl"
done
"$bin" plan "$mapping" --users "$dir/users.jsonl" --accounts "$dir/accounts.jsonl" | head -4
