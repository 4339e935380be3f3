#!/usr/bin/env bash
# Times sharded builds against a full build on one corpus, for BENCHMARKS.md:
#
#   scripts/bench_shards.sh BIN OXIGRAPH CORPUS OUT [RUNS] [SHARD COUNTS]
#
# BIN is a release annalist, OXIGRAPH the `oxigraph` CLI (scripts/cluster.sh's
# annalist_oxigraph_cli_install), CORPUS a corpus (a workload's W/corpus),
# OUT a scratch directory (emptied). For each of RUNS rounds (default 3):
# a full `build --force` into a store; then for each N of SHARD COUNTS
# (default "1 2 4"): every shard K/N alone, one after another; all N shards
# again with GNU parallel two at a time (the total wall time); and
# `oxigraph load` of the N shards into an empty store. Writes OUT/times.tsv
# (round, step, N, K, seconds) and prints the medians as a Markdown table.
# Nothing else may run on the machine meanwhile if the times are to mean
# anything; the script measures, it asserts nothing.
set -euo pipefail
bin="$1" oxigraph="$2" corpus="$3" out="$4" runs="${5:-3}" counts="${6:-1 2 4}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/cluster.sh"
command -v parallel >/dev/null || { echo "bench_shards: GNU parallel is missing (annalist_parallel_install)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
tsv="$out/times.tsv"
printf 'round\tstep\tn\tk\tseconds\n' >"$tsv"

# Runs "$@" and appends its wall time to the table as (round, step, n, k).
timed() {
    local round="$1" step="$2" n="$3" k="$4" t0 t1
    shift 4
    t0="$(date +%s.%N)"
    "$@" >/dev/null
    t1="$(date +%s.%N)"
    printf '%s\t%s\t%s\t%s\t%.3f\n' "$round" "$step" "$n" "$k" "$(echo "$t1 - $t0" | bc)" | tee -a "$tsv" >&2
}

for round in $(seq "$runs"); do
    rm -rf "$out/store"
    timed "$round" full 1 - "$bin" -q --corpus "$corpus" --store "$out/store" build --force
    for n in $counts; do
        dir="$out/shards-$n"
        rm -rf "$dir"
        for k in $(seq "$n"); do
            timed "$round" shard "$n" "$k" "$bin" -q --corpus "$corpus" build --shard "$k/$n" --emit nquads "$dir"
        done
        rm -rf "$dir"
        timed "$round" parallel2 "$n" - parallel --will-cite -j2 --halt now,fail=1 \
            "$bin" -q --corpus "$corpus" build --shard {}/"$n" --emit nquads "$dir" ::: $(seq "$n")
        rm -rf "$out/oxigraph"
        timed "$round" oxigraph-load "$n" - annalist_oxigraph_bulk_load "$oxigraph" "$out/oxigraph" "$dir"
        rm -rf "$out/oxigraph"
    done
done
rm -rf "$out/store" "$out"/shards-*

python3 - "$tsv" <<'PY'
import csv, statistics, sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
times = defaultdict(list)
for r in rows:
    times[(r["step"], r["n"], r["k"])].append(float(r["seconds"]))

def cell(key):
    v = sorted(times.get(key, []))
    if not v:
        return "–"
    return f"{statistics.median(v):.2f} s ({v[0]:.2f}–{v[-1]:.2f})"

full = cell(("full", "1", "-"))
ns = sorted({int(n) for (s, n, k) in times if s == "shard"})
print("| N | each shard alone (K = 1 … N) | sum of the shards | N shards, 2 at a time (wall) | `oxigraph load` of the N shards | full `build` |")
print("|---|---|---|---|---|---|")
for n in ns:
    each = ", ".join(cell(("shard", str(n), str(k))) for k in range(1, n + 1))
    rounds = defaultdict(float)
    for r in rows:
        if r["step"] == "shard" and r["n"] == str(n):
            rounds[r["round"]] += float(r["seconds"])
    total = sorted(rounds.values())
    total_cell = f"{statistics.median(total):.2f} s ({total[0]:.2f}–{total[-1]:.2f})"
    print(f"| {n} | {each} | {total_cell} | {cell(('parallel2', str(n), '-'))} | "
          f"{cell(('oxigraph-load', str(n), '-'))} | {full} |")
PY
