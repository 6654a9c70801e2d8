#!/bin/sh
# How `entramap lint` grows with the size of a file: wall time and peak memory for files of
# 1,000 to 45,000 attribute mappings, clean ("clean") and with one finding a mapping ("bad"),
# in human and json output. Usage: `cargo build --release && bench/lint-scaling.sh`
# (BIN=path/to/entramap to measure another binary, SIZES="1000 2000" for fewer sizes, RUNS=n
# runs each, the minimum is printed). Needs python3 and GNU time (/usr/bin/time).
#
# The files are those of BENCHMARKS.md's 1,000-mapping file, scaled: N directory extensions
# under source_attributes, N custom SCIM attributes under target_attributes, then N mappings,
# half Direct, half a four-call expression. In the "bad" file every Direct mapping reads an
# attribute that is not declared and every expression calls `ToLower` with two arguments.
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
ext = "extension_0123456789abcdef0123456789abcdef"
urn = "urn:ietf:params:scim:schemas:extension:Bench:2.0:User"
for variant in ("clean", "bad"):
    out = ["entramap: 1", "app: Bench", "source_attributes:", "  users:"]
    out += [f"    - {{name: {ext}_attr{i}}}" for i in range(n)]
    out += ["target_attributes:", "  users:"] + [f"    - {{name: {urn}:a{i}}}" for i in range(n)]
    out += ["users:", "  - target: userName", "    source: userPrincipalName",
            "    matching_precedence: 1", "  - target: active",
            '    expression: Switch([IsSoftDeleted], , "False", "True", "True", "False")']
    bad = variant == "bad"
    for i in range(n - 2):
        if i % 2:
            value = f"    source: {'undeclared' if bad else ext + '_attr'}{i}"
        else:
            lower = "ToLower([givenName], 1)" if bad else "ToLower([givenName])"
            value = (f'    expression: Join(" ", {lower}, IIF(IsPresent([department]), '
                     f'[department], "none"), [{ext}_attr{i}])')
        out += [f"  - target: {urn}:a{i}", value]
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
