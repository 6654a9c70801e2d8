# Sourced by plan.sh, impact.sh and plan-managers.sh: the synthetic tenant plan.sh and impact.sh
# measure on, and how they all measure.

# make_tenant BIN MAPPING USERS DIR: DIR/users.jsonl, USERS users (`entramap synth`, seed SEED or
# 42), and DIR/accounts.jsonl, as many existing accounts: each user's payload through MAPPING
# with an `id` prepended (`{"id":"aN",`), so that every user matches an account and every mapped
# attribute is compared.
make_tenant() {
  local bin=$1 mapping=$2 users=$3 dir=$4
  "$bin" synth --users "$users" --seed "${SEED:-42}" -o "$dir/users.jsonl"
  "$bin" preview "$mapping" --users "$dir/users.jsonl" --out "$dir/payloads.jsonl" > /dev/null || true
  awk '{ printf "{\"id\":\"a%d\",%s\n", NR, substr($0, 2) }' "$dir/payloads.jsonl" > "$dir/accounts.jsonl"
  rm "$dir/payloads.jsonl"
  echo "users: $(wc -l < "$dir/users.jsonl"), accounts: $(wc -l < "$dir/accounts.jsonl")"
}

# measure NAME COMMAND...: the command's wall and CPU time and peak memory, on one line.
measure() {
  local name=$1
  shift
  /usr/bin/time -f "$name: %e s wall, %U s user, %S s system, %M KB peak" "$@" > /dev/null
}
