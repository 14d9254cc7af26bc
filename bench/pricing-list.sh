#!/usr/bin/env bash
# How fast `aicost pricing list` answers from the store: first use (create + seed
# from the shipped catalog) and warm runs of the issue's headline query.
# Usage: bench/pricing-list.sh [RUNS]   (from the repository root, after make)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-50}
aicost=bin/aicost
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aicost-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C AICOST_DB="$tmp/prices.db"

now_ns() { date +%s%N; }

start=$(now_ns)
"$aicost" pricing list --accelerator h100 --sort per-accelerator >/dev/null
first_ms=$(( ($(now_ns) - start) / 1000000 ))

start=$(now_ns)
for _ in $(seq "$runs"); do
	"$aicost" pricing list --accelerator h100 --sort per-accelerator >/dev/null
done
total_us=$(( ($(now_ns) - start) / 1000 ))

# The same store after a large SkyPilot-style import (20,000 extra offers).
awk 'BEGIN { print "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,AvailabilityZone,Price,SpotPrice"
	for (i = 0; i < 10000; i++)
		printf "x%d.large,L4,1,4.0,16.0,bench-%d,bench-%d-a,%.4f,%.4f\n", i, i % 40, i % 40, 1 + i / 10000, 0.5 }' \
	>"$tmp/big.csv"
start=$(now_ns)
"$aicost" -q pricing import "$tmp/big.csv" --format skypilot --provider bench
import_ms=$(( ($(now_ns) - start) / 1000000 ))
start=$(now_ns)
for _ in $(seq "$runs"); do
	"$aicost" pricing list --accelerator h100 --sort per-accelerator >/dev/null
done
big_us=$(( ($(now_ns) - start) / 1000 ))

printf 'pricing list --accelerator h100 --sort per-accelerator\n'
printf '  first use (create, migrate, seed the catalog):  %d ms\n' "$first_ms"
printf '  warm, mean of %d runs:                          %d.%03d ms\n' "$runs" \
	$((total_us / runs / 1000)) $((total_us / runs % 1000))
printf '  import of 20,000 SkyPilot offers:               %d ms\n' "$import_ms"
printf '  warm after that import, mean of %d runs:        %d.%03d ms\n' "$runs" \
	$((big_us / runs / 1000)) $((big_us / runs % 1000))
