#!/usr/bin/env bash
# Cost engine benchmarks (not tests; figures per run, never timed assertions):
#  1. a full `aicost compare` (engine, Monte Carlo, sensitivity pass) of the biggest
#     shipped scenario, RUNS times;
#  2. the shortage Monte Carlo at 1,000,000 trials (`estimate --trials 1000000`);
#  3. `aicost optimize` over a store of 100,000 synthetic offers (plus the catalog),
#     imported into a temporary store — with the import timed on its own.
# Everything runs offline in a temporary HOME that is deleted afterwards.
# Usage: bench/tco.sh   (or make bench); BENCH_RUNS (default 20), BENCH_OFFERS (100000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_RUNS:-20}
offers=${BENCH_OFFERS:-100000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aicost-bench-tco.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share LC_ALL=C
mkdir -p "$HOME"
cd "$root"
[ -x bin/aicost ] || make --no-print-directory all >/dev/null
aicost=$root/bin/aicost

# Seconds since the epoch with nanoseconds, for differences.
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.3f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

# The biggest shipped scenario: most deployments x months, then most workloads.
biggest=$(for f in scenarios/*.yaml; do
	"$aicost" -q estimate --format json "$f" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(len(r["deployments"]) * r["horizon_months"], len(r["workloads"]), sys.argv[1])' "$f"
done | sort -k1,1n -k2,2n | tail -1 | cut -d' ' -f3)
"$aicost" -q estimate "$biggest" >/dev/null   # seeds the store outside the timing

echo "compare of $biggest (10,000 trials, sensitivity included), $runs runs:"
start=$(now)
for _ in $(seq "$runs"); do
	"$aicost" -q compare "$biggest" >/dev/null
done
total=$(elapsed "$start" "$(now)")
python3 -c "import sys; t=float(sys.argv[1]); n=int(sys.argv[2]); print('  %.1f ms per run (%d runs in %.2f s)' % (t / n * 1000, n, t))" "$total" "$runs"

echo "Monte Carlo at 1,000,000 trials (estimate of $biggest):"
start=$(now)
"$aicost" -q estimate --trials 1000000 --format json "$biggest" >"$tmp/mc.json"
total=$(elapsed "$start" "$(now)")
python3 - "$total" "$tmp/mc.json" <<'PY'
import json, sys
t = float(sys.argv[1])
r = json.load(open(sys.argv[2]))
shortage = [d for d in r["deployments"] if d["p90"] != d["p10"]]
print("  %.2f s per run, %d deployments with shortages: %.1f M trials/s" %
      (t, len(shortage), len(shortage) * 1.0 / t if t > 0 else 0))
for d in shortage:
    print("  %s: P10 %.0f  P50 %.0f  P90 %.0f  mean shortage %.0f" %
          (d["name"], d["p10"], d["p50"], d["p90"], d["breakdown"]["shortage"]))
PY

echo "optimize over $offers synthetic offers:"
python3 - "$offers" >"$tmp/offers.csv" <<'PY'
import random, sys
n = int(sys.argv[1])
rng = random.Random(1)
accelerators = [("H100-SXM", 2.0, 8.0), ("A100-80GB", 1.0, 4.0), ("A100-40GB", 0.8, 3.5),
                ("L40S", 0.6, 2.0), ("L4", 0.3, 1.0), ("H200", 2.5, 9.0), ("B200", 4.0, 14.0)]
purchases = ["on-demand", "spot", "reserved-1y", "reserved-3y", "savings-1y", "commit-1y"]
print("provider,region,zone,instance_type,component,accelerator,accelerator_count,vcpus,"
      "memory_gib,purchase,price_per_hour,currency,confidence,source,observed,note")
for i in range(n):
    acc, low, high = accelerators[i % len(accelerators)]
    count = rng.choice([1, 2, 4, 8])
    per_gpu = rng.uniform(low, high)
    print("synth%d,region-%d,,synth-%d,instance,%s,%d,%d,%d,%s,%.4f,USD,approx,bench,2025,"
          % (i % 40, i % 50, i, acc, count, 16 * count, 128 * count,
             purchases[i % len(purchases)], per_gpu * count))
PY
start=$(now)
"$aicost" -q --db "$tmp/bench.db" pricing import "$tmp/offers.csv" >/dev/null
echo "  import: $(elapsed "$start" "$(now)") s"
start=$(now)
"$aicost" -v --db "$tmp/bench.db" optimize --top 5 scenarios/chat-8b.yaml >"$tmp/opt.txt" 2>"$tmp/opt.err"
total=$(elapsed "$start" "$(now)")
echo "  optimize (load every offer + search, one inference workload): $total s per run"
sed 's/^/  /' "$tmp/opt.err"
start=$(now)
"$aicost" -q --db "$tmp/bench.db" optimize --top 5 scenarios/pretrain-8b.yaml >/dev/null
echo "  optimize (one training workload): $(elapsed "$start" "$(now)") s per run"
