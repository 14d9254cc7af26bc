#!/usr/bin/env bash
# Training performance model benchmark (a figure per run, never a timed assertion):
# how long perf_best_layout takes to choose the layout of a 405B model on 16,384
# H100 (the issue's target: well under 10 ms). Usage: bench/perf.sh [RUNS].
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aicost-bench-perf.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$root"
make --no-print-directory build/libaicost.a >/dev/null
${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Isrc -o "$tmp/perf-layout" bench/perf-layout.c \
	build/libaicost.a -lm
"$tmp/perf-layout" "${1:-200}"
