#!/usr/bin/env bash
# AWS Price List ingest benchmark (not a test): a synthetic AWS-format EC2 CSV of
# BENCH_MB megabytes (default 1024) is served by tests/httpd.py on 127.0.0.1 and
# ingested by `aicost pricing update -p aws`; prints rows/s, MB/s and the peak RSS
# (must stay under 64 MB whatever the size), then the same file through
# `sqlite3 :memory: .import` as a ratio, so the figure means something on a noisy
# machine. The data is generated on the fly in a temporary directory and deleted.
# Usage: bench/ingest.sh   (or make bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mb=${BENCH_MB:-1024}
limit_kb=$((64 * 1024))
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aicost-bench.XXXXXX")
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -x "$root/bin/aicost" ] || make -C "$root" --no-print-directory all >/dev/null
cp -r "$root/tests/fixtures/aws" "$tmp/aws"
csv=$tmp/aws/offers/v1.0/aws/AmazonEC2/20251120185519/us-east-1/index.csv

echo "generating a ${mb} MB AWS-format EC2 CSV ..."
# The recorded file's rows (GPU on-demand/reserved, Windows, RHEL, dedicated, storage)
# followed by 80 non-GPU rows per block with unique SKUs, as in the real file where
# accelerator rows are a small minority; blocks repeat until the size is reached.
python3 - "$csv" "$mb" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
lines = open(path).read().splitlines(keepends=True)
head, data = lines[:6], lines[6:]
noise = [l for l in data if '"m5.large"' in l and '"OnDemand"' in l][0]
sku = noise.split('","')[0].lstrip('"')
families = ["m5", "c5", "r5", "m6i", "c6i", "r6i", "m7g", "c7g"]
sizes = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"]
target = mb << 20
with open(path, "w") as out:
    out.writelines(head)
    written = sum(len(l) for l in head)
    block_no = 0
    while written < target:
        parts = list(data)
        for k in range(80):
            inst = "%s.%s" % (families[k % 8], sizes[k % 5])
            parts.append(noise.replace(sku, "B%07dN%02d" % (block_no, k))
                         .replace("m5.large", inst))
        block = "".join(parts)
        out.write(block)
        written += len(block)
        block_no += 1
PY
size=$(stat -c %s "$csv")
echo "  $(numfmt --to=iec "$size") in $(wc -l <"$csv") lines"

python3 "$root/tests/httpd.py" --root "$tmp" --port-file "$tmp/port" --log "$tmp/log" &
server=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$tmp/port")

echo "aicost pricing update -p aws -r us-east-1 ..."
start=$(date +%s.%N)
AICOST_AWS_ENDPOINT=$base AICOST_AWS_SPOT_ENDPOINT=$base \
	/usr/bin/time -f '%M' -o "$tmp/rss" \
	"$root/bin/aicost" --db "$tmp/prices.db" pricing update -p aws -r us-east-1 -q \
	--format csv >"$tmp/summary"
end=$(date +%s.%N)
rss_kb=$(tail -n 1 "$tmp/rss")
cat "$tmp/summary"
rows=$(awk -F, '$1 == "aws" { print $(NF-3) }' "$tmp/summary")
offers=$(awk -F, '$1 == "aws" { print $(NF-5) }' "$tmp/summary")

echo "sqlite3 :memory: .import of the same file ..."
sq_start=$(date +%s.%N)
sqlite3 :memory: -cmd ".mode csv" ".import --skip 5 $csv ec2" \
	"SELECT count(*) FROM ec2;" >"$tmp/sqlite_rows"
sq_end=$(date +%s.%N)

awk -v s="$start" -v e="$end" -v qs="$sq_start" -v qe="$sq_end" -v rows="$rows" \
	-v offers="$offers" -v size="$size" -v rss="$rss_kb" -v limit="$limit_kb" \
	-v sqrows="$(cat "$tmp/sqlite_rows")" 'BEGIN {
	t = e - s; q = qe - qs
	printf "aicost:  %d rows (%d offers kept) in %.2f s = %.0f rows/s, %.1f MB/s, peak RSS %.1f MB\n",
		rows, offers, t, rows / t, size / 1e6 / t, rss / 1024
	printf "sqlite3: %d rows in %.2f s = %.0f rows/s (.import into :memory:)\n",
		sqrows, q, sqrows / q
	printf "ratio:   aicost takes %.2fx the time of sqlite3 .import\n", t / q
	if (rss > limit) { printf "FAIL: peak RSS %.1f MB is over 64 MB\n", rss / 1024; exit 1 }
	printf "ok: peak RSS under 64 MB\n"
}'
