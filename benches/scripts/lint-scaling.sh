#!/bin/sh
# How `entramap lint` grows with the size of a file: wall time and peak memory for files of
# 1,000 to 45,000 attribute mappings, clean ("clean") and with one finding a mapping ("bad"),
# in human and json output. Usage: `cargo build --release && benches/scripts/lint-scaling.sh`
# (BIN=path/to/entramap to measure another binary, SIZES="1000 2000" for fewer sizes, RUNS=n
# runs each, the minimum is printed). Needs python3 and GNU time (/usr/bin/time).
#
# The files: a target profile beside the mapping file lists N attributes (a0, a1, ...; so that
# the mapping file itself stays under the 4 MiB read limit at 45,000 mappings), and the mapping
# file maps userName (matching), active, then the N attributes, half Direct from `department`,
# half a three-call expression. In the "bad" file every Direct mapping reads an attribute Entra
# does not have: a finding every other mapping.
set -eu
BIN=${BIN:-target/release/entramap}
SIZES=${SIZES:-"1000 2000 4000 8000 45000"}
RUNS=${RUNS:-3}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

for n in $SIZES; do
    python3 - "$n" "$DIR" <<'PY'
import sys
n, out_dir = int(sys.argv[1]), sys.argv[2]
profile = ["entramap-target: 1", "name: bench", "users:", "  attributes:",
           "    - {name: userName, filterable: true, unique: true}", "    - {name: active, type: Boolean}"]
profile += [f"    - {{name: a{i}}}" for i in range(n)]
profile += ["groups:", "  attributes:", "    - {name: displayName, filterable: true}"]
with open(f"{out_dir}/bench-{n}.yaml", "w") as f:
    f.write("\n".join(profile) + "\n")
for variant in ("clean", "bad"):
    out = ["entramap: 1", "app: Bench", f"target: ./bench-{n}.yaml", "users:",
           "  - target: userName", "    source: userPrincipalName", "    matching_precedence: 1",
           "  - target: active",
           '    expression: Switch([IsSoftDeleted], , "False", "True", "True", "False")']
    bad = variant == "bad"
    for i in range(n):
        if i % 2:
            value = f"    source: {'undeclared' + str(i) if bad else 'department'}"
        else:
            value = '    expression: Join(" ", ToLower([givenName]), IIF(IsPresent([department]), [department], "none"))'
        out += [f"  - target: a{i}", value]
    with open(f"{out_dir}/{variant}-{n}.entramap.yaml", "w") as f:
        f.write("\n".join(out) + "\n")
PY
done

printf '%-8s %-6s %-6s %10s %12s %10s\n' mappings file format "bytes" "min wall s" "max RSS KB"
for n in $SIZES; do
    for variant in clean bad; do
        file="$DIR/$variant-$n.entramap.yaml"
        for format in human json; do
            best=""
            rss=0
            i=0
            while [ "$i" -lt "$RUNS" ]; do
                /usr/bin/time -f "%e %M" -o "$DIR/time" "$BIN" lint --format "$format" "$file" >/dev/null || true
                read -r wall kb <<EOF
$(tail -n 1 "$DIR/time")
EOF
                if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then best=$wall; fi
                if [ "$kb" -gt "$rss" ]; then rss=$kb; fi
                i=$((i + 1))
            done
            printf '%-8s %-6s %-6s %10s %12s %10s\n' "$n" "$variant" "$format" \
                "$(wc -c <"$file")" "$best" "$rss"
        done
    done
done
