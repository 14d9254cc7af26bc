#!/usr/bin/env bash
# REPL benchmark (figures, not a test): how fast `set` + `cost` answer in one session
# on the biggest shipped scenario, where the scenario stays parsed and the store open,
# against the same what-if as a fresh `aicost estimate --set` process each time.
# Usage: bench/repl.sh   (or make bench); BENCH_RUNS (default 200) set+cost pairs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${BENCH_RUNS:-200}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aicost-bench-repl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share XDG_STATE_HOME=$tmp/state LC_ALL=C
mkdir -p "$HOME"
cd "$root"
[ -x bin/aicost ] || make --no-print-directory all >/dev/null
aicost=$root/bin/aicost

now() { date +%s.%N; }
per_run() { python3 -c "import sys; print('%.1f' % ((float(sys.argv[2]) - float(sys.argv[1])) / int(sys.argv[3]) * 1000))" "$@"; }

# The biggest shipped scenario: most deployments x months, then most workloads.
biggest=$(for f in scenarios/*.yaml; do
	"$aicost" -q estimate --format json "$f" 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(len(r["deployments"]) * r["horizon_months"], len(r["workloads"]), sys.argv[1])' "$f"
done | sort -k1,1n -k2,2n | tail -1 | cut -d' ' -f3)

# Alternating horizons make every set change what the engine computes.
for i in $(seq "$runs"); do
	echo "set horizon $((35 + i % 2))mo"
	echo "cost"
done >"$tmp/set-cost.txt"
for i in $(seq "$runs"); do
	echo "set horizon $((35 + i % 2))mo"
done >"$tmp/set.txt"

# Wall and CPU milliseconds per line of input file $2 fed to `aicost repl $1`, N=$3.
session() {
	python3 - "$aicost" "$1" "$2" "$3" <<'PY'
import resource, subprocess, sys, time
aicost, scenario, script, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
start = time.monotonic()
with open(script) as f:
    subprocess.run([aicost, "-q", "repl", scenario], stdin=f, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
wall = time.monotonic() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.1f ms each (CPU %.1f ms)" % (wall / n * 1000, (ru.ru_utime + ru.ru_stime) / n * 1000))
PY
}

echo "repl on $biggest ($runs changes; set runs the shortage Monte Carlo with 1 trial, cost with 10,000):"
echo "  set (engine re-run, delta printed):  $(session "$biggest" "$tmp/set.txt" "$runs")"
echo "  set + cost (full estimate printed):  $(session "$biggest" "$tmp/set-cost.txt" "$runs")"
n=$((runs / 10 > 0 ? runs / 10 : 1))
start=$(now)
for i in $(seq "$n"); do
	# exit 1 (over budget) is an answer too
	"$aicost" -q estimate --set "horizon=$((35 + i % 2))mo" "$biggest" >/dev/null 2>&1 || true
done
echo "  a fresh 'estimate --set' process:    $(per_run "$start" "$(now)" "$n") ms each ($n runs)"
echo "  (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
