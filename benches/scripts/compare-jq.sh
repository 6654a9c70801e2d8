#!/usr/bin/env bash
# entramap preview against jq doing the same transform (benches/scripts/idmelon.jq), side by side on the
# same synthetic tenant. Usage: benches/scripts/compare-jq.sh [USERS] (default 1000000); RUNS=3 SEED=42.
# Needs jq and hyperfine (apt-get install jq hyperfine).
set -euo pipefail
users=${1:-1000000}
cd "$(dirname "$0")/../.."
cargo build --release --quiet
bin=target/release/entramap
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" synth --users "$users" --seed "${SEED:-42}" -o "$dir/users.jsonl"

# Same output first: both transforms over the first 2,000 users, keys sorted.
head -n 2000 "$dir/users.jsonl" > "$dir/sample.jsonl"
"$bin" preview examples/idmelon.entramap.yaml --users "$dir/sample.jsonl" --out "$dir/entramap.jsonl" > /dev/null
jq -S -c . "$dir/entramap.jsonl" > "$dir/a.jsonl"
jq -S -c -f benches/scripts/idmelon.jq "$dir/sample.jsonl" > "$dir/b.jsonl"
cmp "$dir/a.jsonl" "$dir/b.jsonl" && echo "same payloads for the first 2,000 users"

hyperfine -N --warmup 1 --runs "${RUNS:-3}" \
  "$bin preview examples/idmelon.entramap.yaml --users $dir/users.jsonl --out /dev/null" \
  "jq -c -f benches/scripts/idmelon.jq $dir/users.jsonl"
