#!/usr/bin/env bash
# Cold `aicost pricing list --accelerator h100` (a fresh store each run: create, migrate,
# seed the whole shipped catalog, answer) against the sqlite3 shell answering the same
# question from an already seeded store, and against sqlite3 loading the same catalog
# CSVs into an empty database and answering.
# Usage: bench/catalog-cold.sh [RUNS]   (from the repository root, after make; needs sqlite3)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-10}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aicost-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
now_ns() { date +%s%N; }
rows=$(cat pricing/aws.csv pricing/azure.csv pricing/gcp.csv pricing/gpu-clouds.csv | grep -vc '^provider,')

start=$(now_ns)
for i in $(seq "$runs"); do
	AICOST_DB="$tmp/cold-$i.db" bin/aicost pricing list --accelerator h100 >/dev/null
done
cold_us=$(( ($(now_ns) - start) / 1000 / runs ))

query="SELECT o.provider, o.instance_type, o.region, o.purchase, o.price_per_hour
 FROM offers o JOIN current c ON c.snapshot_id = o.snapshot_id
 WHERE o.accelerator = 'H100-SXM' AND o.component = 'instance'
 ORDER BY o.provider, o.region, o.instance_type;"
if ! sqlite3 "$tmp/cold-1.db" "$query" >/dev/null 2>&1; then
	query="SELECT provider, instance_type, region, purchase, price_per_hour FROM offers
	 WHERE accelerator = 'H100-SXM' AND component = 'instance' ORDER BY 1, 3, 2;"
fi
start=$(now_ns)
for _ in $(seq "$runs"); do
	sqlite3 "$tmp/cold-1.db" "$query" >/dev/null
done
warm_sql_us=$(( ($(now_ns) - start) / 1000 / runs ))

start=$(now_ns)
for i in $(seq "$runs"); do
	rm -f "$tmp/s.db"
	{
		echo ".mode csv"
		for f in aws azure gcp gpu-clouds; do echo ".import pricing/$f.csv o_$i"; done
		echo "SELECT provider, instance_type, region, purchase, price_per_hour FROM o_$i"
		echo " WHERE accelerator = 'H100-SXM' AND component = 'instance' ORDER BY 1, 3, 2;"
	} | sqlite3 "$tmp/s.db" >/dev/null 2>&1
done
cold_sql_us=$(( ($(now_ns) - start) / 1000 / runs ))

printf 'catalog: %d offer rows; %d runs each\n' "$rows" "$runs"
printf '  aicost pricing list --accelerator h100, fresh store:  %6d us\n' "$cold_us"
printf '  sqlite3: load the same CSVs + the query:              %6d us  (aicost / sqlite3 = %s)\n' \
	"$cold_sql_us" "$(awk -v a="$cold_us" -v b="$cold_sql_us" 'BEGIN { printf "%.1f", a / b }')"
printf '  sqlite3: the query on a seeded store:                 %6d us\n' "$warm_sql_us"
