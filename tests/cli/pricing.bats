#!/usr/bin/env bats
# aicost pricing: the store seeded from the shipped catalog, offline.
load helpers
eval "helpers_$(declare -f setup)"

# These tests pin numbers and layouts: they seed from the small 2025 catalog in
# tests/fixtures/catalog-2025 (the shipped one is tested in catalog.bats).
setup() {
	helpers_setup
	export AICOST_CATALOG=$FIXTURES/catalog-2025
}

@test "pricing list: h100 by price per accelerator shows every kind of provider" {
	run_split pricing list --accelerator h100 --sort per-accelerator --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"aws,p5.48xlarge,H100-SXM,8,80,192,2048,us-east-1,,on-demand,55.04,6.88,"* ]]
	[[ "$output" == *"azure,Standard_ND96isr_H100_v5,"* ]]
	[[ "$output" == *"gcp,a3-highgpu-8g,"* ]]
	[[ "$output" == *"lambda,"* && "$output" == *"coreweave,"* && "$output" == *"runpod,"* ]]
	# sorted: the per-accelerator column (12th) never decreases
	echo "$output" | tail -n +2 | cut -d, -f12 | sort -c -g
	# the store was created where XDG says
	[ -f "$XDG_DATA_HOME/aicost/prices.db" ]
}

@test "pricing list: aliases of one accelerator give the same rows" {
	a=$(aicost pricing list --accelerator h100 --format csv)
	b=$(aicost pricing list --accelerator H100-SXM --format csv)
	c=$(aicost pricing list --accelerator "NVIDIA H100 80GB HBM3" --format csv)
	[ "$a" = "$b" ]
	[ "$a" = "$c" ]
	[ "$(echo "$a" | wc -l)" -ge 8 ]
}

@test "pricing list: an unknown accelerator suggests one and exits 2" {
	run_split pricing list --accelerator H10
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown accelerator 'H10'; did you mean"* ]]
}

@test "pricing list: --db and AICOST_DB choose the store" {
	run aicost --db "$BATS_TEST_TMPDIR/flag.db" pricing list --limit 1
	[ "$status" -eq 0 ]
	[ -f "$BATS_TEST_TMPDIR/flag.db" ]
	AICOST_DB="$BATS_TEST_TMPDIR/env/x.db" run aicost pricing list --limit 1
	[ "$status" -eq 0 ]
	[ -f "$BATS_TEST_TMPDIR/env/x.db" ]
	[ ! -e "$XDG_DATA_HOME/aicost/prices.db" ]
}

@test "pricing: unknown subcommand suggests one" {
	run_split pricing lsit
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'lsit' is not a subcommand; did you mean 'list'?"* ]]
}

# ---- list: formats, filters, sorting ----

@test "pricing list: json has the documented keys and numbers" {
	run_split pricing list --instance-type-is-not-an-option
	[ "$status" -eq 2 ]
	run_split pricing list --accelerator h100 --provider aws --format json
	[ "$status" -eq 0 ]
	python3 - "$output" <<'PY'
import json, sys
rows = json.loads(sys.argv[1])
assert len(rows) == 1, rows
r = rows[0]
for key in ("provider", "instance_type", "region", "accelerator", "accelerator_count",
            "accelerator_memory_gb", "vcpus", "memory_gib", "purchase", "price_per_hour",
            "price_per_accelerator_hour", "price_per_pflop_hour", "currency", "source",
            "observed"):
    assert key in r, key
assert r["instance_type"] == "p5.48xlarge" and r["accelerator_count"] == 8
assert r["price_per_hour"] == 55.04
# 55.04 / 8 = 6.88 per GPU-hour; / 0.989 dense BF16 PFLOPS = 6.9565 per PFLOP-hour
assert r["price_per_accelerator_hour"] == 6.88
assert abs(r["price_per_pflop_hour"] - 6.88 / 0.989) < 1e-9
assert r["currency"] == "USD" and r["observed"] == "2025"
PY
}

@test "pricing list: table output matches the golden file" {
	run_split pricing list --accelerator h100 --sort per-accelerator
	[ "$status" -eq 0 ]
	diff -u "$AICOST_ROOT/tests/cli/golden/pricing-list-h100.txt" <(echo "$output")
}

@test "pricing list: markdown output matches the golden file" {
	run_split pricing list --provider azure --format markdown
	[ "$status" -eq 0 ]
	diff -u "$AICOST_ROOT/tests/cli/golden/pricing-list-azure.md" <(echo "$output")
}

@test "pricing list: --provider and --purchase filter; unknown provider is suggested" {
	run_split pricing list --provider azure,lambda --purchase spot --format csv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]   # header + the four Azure spot prices
	[ -z "$(echo "$output" | tail -n +2 | grep -v '^azure,.*,spot,')" ]
	run_split pricing list --provider azrue
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no prices for provider 'azrue'; did you mean 'azure'?"* ]]
	run_split pricing list --purchase weekly
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown purchase option 'weekly'"* ]]
}

@test "pricing list: --region glob, --min-accelerators, --min-memory, --max-price, --limit" {
	run_split pricing list --region 'us-east*' --format csv
	[ "$status" -eq 0 ]
	[ -z "$(echo "$output" | tail -n +2 | cut -d, -f8 | grep -v '^us-east')" ]
	[[ "$output" == *"a3-highgpu-8g"* && "$output" == *"p5.48xlarge"* ]]
	run_split pricing list --min-accelerators 8 --min-memory 141GB --format csv
	[ "$(echo "$output" | tail -n +2 | cut -d, -f2 | tr '\n' ' ')" = "p5en.48xlarge p6-b200.48xlarge " ]
	run_split pricing list --max-price 0.6 --format csv
	[ -z "$(echo "$output" | tail -n +2 | cut -d, -f11 | awk '$1 > 0.6')" ]
	[[ "$output" == *"g4dn.xlarge"* ]]
	run_split pricing list --limit 3 --format csv
	[ "${#lines[@]}" -eq 4 ]
	run_split pricing list --min-memory lots
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--min-memory"* ]]
}

@test "pricing list: sorting by price and by price per PFLOP-hour" {
	run_split pricing list --sort price --format csv
	[ "$status" -eq 0 ]
	echo "$output" | tail -n +2 | cut -d, -f11 | sort -c -g
	run_split pricing list --sort per-pflop --format csv
	echo "$output" | tail -n +2 | cut -d, -f13 | sort -c -g
	# the cheapest dense BF16 PFLOP-hour in the catalog: TPU v6e on a 3-year commitment
	# (1.22 per chip-hour / 0.918 PFLOPS = 1.329)
	[[ "${lines[1]}" == gcp,tpu-v6e-* ]]
	run_split pricing list --sort cheapest
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown sort key 'cheapest'"* ]]
}

@test "pricing list: an ambiguous alias says which part it chose, unless -q" {
	run_split pricing list --accelerator A100 --format csv
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"'A100' is ambiguous; showing A100-80GB"* ]]
	[ -z "$(echo "$output" | tail -n +2 | grep -v ',A100-80GB,')" ]
	run_split -q pricing list --accelerator A100 --format csv
	[ -z "$stderr" ]
}

@test "pricing: every subcommand has --help starting with its usage" {
	for sub in list show sources history export import; do
		run aicost pricing "$sub" --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "usage: aicost pricing $sub"* ]] || { echo "$sub: ${lines[0]}"; return 1; }
	done
	run aicost pricing --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"history"* && "$output" == *"import"* ]]
}

# ---- show, sources, history ----

@test "pricing show: every purchase option with the spot saving" {
	run_split pricing show Standard_ND96isr_H100_v5
	[ "$status" -eq 0 ]
	diff -u "$AICOST_ROOT/tests/cli/golden/pricing-show-nd96isr.txt" <(echo "$output")
	# spot 18.169536 against 98.32 on-demand: 1 - 18.169536 / 98.32 = 81.52%
	run_split pricing show Standard_ND96isr_H100_v5 --format csv
	[[ "$output" == *"azure,eastus,,spot,18.169536,2.271192,81.52"* ]]
}

@test "pricing show: an unknown instance type is suggested, exit 2" {
	run_split pricing show p5.48xlarg
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no prices for instance type 'p5.48xlarg'; did you mean 'p5.48xlarge'?"* ]]
	run_split pricing show p5.48xlarge --region 'eu*'
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no prices for 'p5.48xlarge' in regions matching 'eu*'; it is priced in us-east-1"* ]]
	run_split pricing history p5.48xlarge --region eu-west-1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"in regions matching 'eu-west-1'; it is priced in us-east-1"* ]]
	run_split pricing show A100-40GB:1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'A100-40GB:1' is priced only as a part of a machine"* ]]
	run_split pricing show
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"expected an instance type"* ]]
}

@test "pricing sources: every catalog snapshot, and how old the newest is" {
	run_split pricing sources --format csv
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "id,provider,source,fetched,observed,age_days,rows,status,current,message,oldest_observed,oldest_age_days,rows_over_180_days" ]
	[[ "$output" == *",aws,catalog:aws.csv,"*",2025,"*",11,ok,yes,"* ]]
	[[ "$output" == *",gcp,catalog:gcp.csv,"*",25,ok,yes,"* ]]
	run_split pricing sources
	# the newest by age: "2025" may be as late as 2025-12-31; CoreWeave's storage rows,
	# observed 2025-10-31, are the oldest; all 101 current prices (offers 11 + 8 + 25 +
	# 4 GPU clouds, egress 23, storage 30) are over 180 days old
	[[ "${lines[-1]}" == "Newest prices: observed 2025 ("*" days ago), fetched "* ]]
	[[ "${lines[-2]}" == "Oldest prices: observed 2025-10-31 ("*" days ago); 101 of 101 current prices (100%) were observed over 180 days ago." ]]
	[[ "$output" == *$'\n'"coreweave  2025 "*" 2025-10-31 "*" 7 of 7 (100%) "*"catalog only: no live fetcher"* ]]
}

@test "pricing history: a price cut shows as a change between snapshots" {
	run_split pricing import "$FIXTURES/aicost-p5-cut.csv"
	[ "$status" -eq 0 ]
	run_split pricing history p5.48xlarge --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	# 50.00 after 55.04: 50 / 55.04 - 1 = -9.16%
	[[ "${lines[1]}" == 1,*,2025,aws,us-east-1,,on-demand,55.04,,https://aws.amazon.com/* ]]
	[[ "${lines[2]}" == *,2026-01-15,aws,us-east-1,,on-demand,50,-9.15697674418604*,https://example.test/p5 ]]
	run_split pricing list --accelerator h100 --provider aws --format csv
	[[ "$output" == *"on-demand,50,6.25,"* && "$output" == *"spot,15,1.875,"* ]]
	run_split pricing sources --format csv
	[[ "${lines[1]}" == *",aws,$FIXTURES/aicost-p5-cut.csv,"*",2026-01-15,"*",2,ok,yes,,2026-01-15,"*",2" ]]
	# a GCP machine's VM part is not a price of the machine
	run_split pricing history a2-highgpu-1g --format csv
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *",gcp,us-central1,,on-demand,3.673,,"* ]]
}

# ---- export and import ----

@test "pricing export → import round-trips every table exactly" {
	for table in offers accelerators egress storage facts; do
		aicost pricing export --table "$table" > "a-$table.csv"
		aicost pricing import "a-$table.csv" 2>/dev/null
		aicost pricing export --table "$table" -o "b-$table.csv"
		cmp "a-$table.csv" "b-$table.csv" || { diff "a-$table.csv" "b-$table.csv"; return 1; }
		[ "$(wc -l < "a-$table.csv")" -gt 3 ]
	done
	# the shipped catalog itself reads back unchanged through the store
	diff <(tail -n +2 "$AICOST_ROOT/pricing/egress.csv" | sort) <(tail -n +2 a-egress.csv | sort)
	run aicost pricing export --format json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c 'import json,sys; rows=json.load(sys.stdin); assert len(rows) > 40'
	run_split pricing export --format table
	[ "$status" -eq 2 ]
}

@test "pricing export → import: every column of every table, set and left empty, reads back as written" {
	# One field table (catalog.c) drives both directions: each file below is in export's
	# layout, every optional column both filled and empty, quoting and aliases included
	# (an empty component is stored as "instance", so both rows name it).
	cat > offers.csv <<'EOF'
provider,region,zone,instance_type,component,accelerator,accelerator_count,vcpus,memory_gib,purchase,price_per_hour,currency,confidence,source,observed,note,interruptions_per_month,interconnect,interconnect_gbps
testcloud,r1,,vm-a,instance,,0,,,on-demand,1.5,USD,exact,https://example.com/a,2026-01-15,,,,
testcloud,r1,r1-b,vm-b,instance,H100-SXM,8,192,2048,spot,12.25,EUR,approx,"https://example.com/b?x=1,2",2026-01,"a note, quoted",0.05,infiniband,3200
EOF
	cat > accelerators.csv <<'EOF'
name,aliases,vendor,kind,memory_gb,bf16_tflops,fp8_tflops,hbm_tbps,tdp_w,confidence,source,observed,note,scaleup_gb_s,scaleout_gb_s,interconnect_source
TestChip-A,,TestVendor,asic,96,500,,,,exact,https://example.com/a,2026,,,,
TestChip-B,tcb|Test B 141GB,TestVendor,gpu,141,989.5,1979,4.8,700,approx,https://example.com/b,2026-02-28,spec sheet,900,50,https://example.com/nvlink
EOF
	cat > egress.csv <<'EOF'
provider,scope,destination,start_gb,end_gb,price_per_gb,confidence,source,observed,note
testcloud,global,internet,0,10240,0.09,exact,https://example.com/e,2026-01-15,
testcloud,global,internet,10240,,0.085,approx,https://example.com/e,2026-01-15,above 10 TB
EOF
	cat > storage.csv <<'EOF'
provider,region,storage_class,product,price_per_gb_month,retrieval_per_gb,min_days,confidence,source,observed,note
testcloud,r1,hot,Test Object,0.02,0,0,exact,https://example.com/s,2026-01-15,
testcloud,r1,cool,Test Cool,0.01,0.01,30,approx,https://example.com/s,2026-01,minimum 30 days
EOF
	cat > facts.csv <<'EOF'
key,low,high,unit,confidence,source,observed,note
test-fact-a,1.5,,USD,exact,https://example.com/f,2026-01-15,
test-fact-b,,2,ratio,approx,https://example.com/f,2026,a range with one end
EOF
	for table in accelerators offers egress storage facts; do
		aicost pricing import "$table.csv" 2>/dev/null
		diff -u "$table.csv" <(aicost pricing export --table "$table" |
			grep -E '^(provider,|name,|key,|testcloud,|TestChip-|test-fact-)')
	done
}

@test "pricing import: an interruption rate is a fraction, on spot rows only" {
	cat > rates.csv <<'EOF'
provider,region,instance_type,accelerator,accelerator_count,purchase,price_per_hour,confidence,source,observed,interruptions_per_month
aws,us-east-1,p5.48xlarge,H100,8,spot,15,exact,test,2026-01-15,0.125
aws,us-east-1,p5.48xlarge,H100,8,on-demand,50,exact,test,2026-01-15,
EOF
	run_split pricing import rates.csv
	[ "$status" -eq 0 ]
	run_split pricing list --accelerator h100 --provider aws --format csv
	[[ "$output" == *",spot,15,1.875,"*",0.125,USD,"* ]]
	[[ "$output" == *",on-demand,50,6.25,"*",,USD,"* ]]
	# 12.5 (a percentage) and a rate on an on-demand row name the file, line and field
	sed -i 's/,0\.125$/,12.5/' rates.csv
	run_split pricing import rates.csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"rates.csv:2:"*"interruptions_per_month"*"expected a fraction from 0 to 1 (0.125 for 12.5%), got \"12.5\""* ]]
	sed -i -e 's/,12\.5$/,0.125/' -e 's/,on-demand,50,exact,test,2026-01-15,$/,on-demand,50,exact,test,2026-01-15,0.1/' rates.csv
	run_split pricing import rates.csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"rates.csv:3:"*"interruptions_per_month"*"only a spot offer has an interruption rate"* ]]
	# nothing of a refused file reaches the store
	run_split pricing list --accelerator h100 --provider aws --format csv
	[[ "$output" == *",spot,15,1.875,"*",0.125,USD,"* ]]
}

@test "pricing export → import round-trips chips the store has no specs for" {
	cat > sky.csv <<'EOF'
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice
inf1.xlarge,Inferentia,1,4.0,8.0,us-east-1,0.228,0.1
g4ad.xlarge,Radeon Pro V520,1,4.0,16.0,us-east-1,0.379,
EOF
	run_split pricing import sky.csv --format skypilot --provider aws
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"; 2 rows name an accelerator the store has no specs for (kept as named)"* ]]
	aicost pricing export > a.csv
	grep -q ',g4ad.xlarge,instance,Radeon Pro V520,1,4,16,on-demand,0.379,' a.csv
	run_split --db other.db pricing import a.csv
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"3 rows name an accelerator the store has no specs for"* ]]
	aicost --db other.db pricing export | cmp - a.csv
	# such a chip is still listed by its name
	run_split pricing list --accelerator inferentia --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"aws,inf1.xlarge,Inferentia,1,,4,8,us-east-1,,on-demand,0.228,0.228,,"* ]]
}

@test "pricing export writes the shipped catalog back byte for byte" {
	unset AICOST_CATALOG
	cd "$AICOST_ROOT/pricing"
	diff -u accelerators.csv <(aicost pricing export --table accelerators)
	diff -u egress.csv <(aicost pricing export --table egress)
	diff -u storage.csv <(aicost pricing export --table storage)
	diff -u onprem.csv <(aicost pricing export --table facts | grep -v '^fx-')
	diff -u fx.csv <(aicost pricing export --table facts | grep -E '^(key,|fx-)')
	aicost pricing export > "$BATS_TEST_TMPDIR/offers.csv"
	for file in aws azure gcp; do
		diff -u "$file.csv" <(head -1 "$BATS_TEST_TMPDIR/offers.csv"; grep "^$file," "$BATS_TEST_TMPDIR/offers.csv")
	done
	diff -u gpu-clouds.csv <(head -1 "$BATS_TEST_TMPDIR/offers.csv"; grep -vE '^(provider|aws|azure|gcp),' "$BATS_TEST_TMPDIR/offers.csv")
	# every data row of the catalog cites a source and an observed date
	for file in *.csv; do
		python3 - "$file" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows, sys.argv[1]
for n, row in enumerate(rows, 2):
    assert row["source"] and row["observed"], (sys.argv[1], n)
    assert row["confidence"] in ("exact", "approx"), (sys.argv[1], n)
PY
	done
}

@test "pricing export | edit | import - works on a fresh store (stdin is read before locking)" {
	for i in 1 2 3; do
		rm -f "$BATS_TEST_TMPDIR"/pipe.db*
		export AICOST_DB="$BATS_TEST_TMPDIR/pipe.db"
		run bash -c '"$0" pricing export --table egress | sed "s/,0.09,/,0.091,/" |
			timeout 5 "$0" pricing import -' "$AICOST"
		[ "$status" -eq 0 ]
		[[ "$output" == *"stdin: 23 rows read, 23 stored in 6 snapshots"* ]]
	done
	run aicost pricing export --table egress
	[[ "$output" == *"aws,global,internet,100,10240,0.091,"* ]]
	run aicost pricing sources --format csv
	[[ "${lines[1]}" == *",stdin,"* ]]
}

@test "pricing import: a bad row names file:line:col and field, and imports nothing" {
	aicost pricing export > before.csv
	before=$(aicost pricing sources --format csv | wc -l)
	run_split pricing import "$FIXTURES/aicost-bad-row.csv"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aicost-bad-row.csv:3:68: price_per_hour: expected a number, got \"twenty\""* ]]
	[[ "$stderr" == *"nothing was imported"* ]]
	# from standard input, the position names stdin (not the spooled copy)
	run_split pricing import - < "$FIXTURES/aicost-bad-row.csv"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aicost pricing import: stdin:3:68: price_per_hour: expected a number"* ]]
	run_split pricing import - --format skypilot --provider aws < "$FIXTURES/skypilot-bad-price.csv"
	[[ "$stderr" == *"aicost pricing import: stdin:3:48: Price: expected a number"* ]]
	# a hexadecimal number is refused, not read as strtod reads it (0x15 = 21)
	sed 's/,twenty,/,0x15,/' "$FIXTURES/aicost-bad-row.csv" > hex-price.csv
	run_split pricing import hex-price.csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"hex-price.csv:3:68: price_per_hour: expected a number, got \"0x15\""* ]]
	run_split pricing import - < /dev/null
	[[ "$stderr" == *"aicost pricing import: stdin: empty file"* ]]
	run_split pricing import "$FIXTURES/aicost-unterminated.csv"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aicost-unterminated.csv:2: unterminated quoted field"* ]]
	printf 'name,colour\nx,red\n' > other.csv
	run_split pricing import other.csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"other.csv:1: not an aicost price file"* ]]
	sed '1s/,price_per_hour,/,price,/' "$AICOST_ROOT/pricing/aws.csv" > aws-renamed.csv
	run_split pricing import aws-renamed.csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aws-renamed.csv:1:102: price: not a column of offers files"* ]]
	cut -d, -f1-10,12- "$AICOST_ROOT/pricing/aws.csv" > aws-short.csv
	run_split pricing import aws-short.csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aws-short.csv:1: offers files need a 'price_per_hour' column"* ]]
	sed 's/,exact,/,maybe,/' "$AICOST_ROOT/pricing/azure.csv" > azure-bad.csv
	run_split pricing import azure-bad.csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"azure-bad.csv:2:"*"confidence must be 'exact' or 'approx', got 'maybe'"* ]]
	run_split pricing import missing.csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"missing.csv: No such file or directory"* ]]
	[ "$(aicost pricing sources --format csv | wc -l)" -eq "$before" ]
	aicost pricing export | cmp - before.csv
}

@test "pricing import --format skypilot: needs --provider; GCP VM + GPU rows are joined" {
	run_split pricing import "$FIXTURES/skypilot-gcp-excerpt.csv" --format skypilot
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"add --provider"* ]]
	run_split pricing import "$FIXTURES/skypilot-gcp-excerpt.csv" --format skypilot --provider gcp
	[ "$status" -eq 0 ]
	# 28 prices on 14 rows + 2 joined machines × 2 = 32 ... 44 offers before folding;
	# folded: a2 (zone b), a3 (zone c) and g2 (zones b, c), on-demand and spot = 8
	[[ "$stderr" == *"20 rows read, 36 stored in 1 snapshot"*"2 host+GPU machines joined"*", 8 zone prices folded into their region's lowest"* ]]
	run_split pricing list --provider gcp --region europe-west4 --format csv
	# a2-highgpu-1g = VM 0.81406 + A100 1.61365 = 2.42771; spot 0.31824 + 1.1691 = 1.48734
	[[ "$output" == *"gcp,a2-highgpu-1g,A100-40GB,1,40,12,85,europe-west4,europe-west4-a,on-demand,2.42771,"* ]]
	[[ "$output" == *"gcp,a2-highgpu-1g,A100-40GB,1,40,12,85,europe-west4,europe-west4-a,spot,1.48734,"* ]]
	# TPU slices count chips: tpu-v5litepod-8 is 8 × TPU-v5e at 12.48 / 8 = 1.56 per chip
	[[ "$output" == *"gcp,tpu-v5litepod-8,TPU-v5e,8,16,,,europe-west4,europe-west4-a,on-demand,12.48,1.56,"* ]]
	# the parts stay in the store: the A100 ×8 GPU row and the a3 host with no GPU row
	run_split pricing export
	[[ "$output" == *"gcp,europe-west4,europe-west4-a,A100-40GB:8,accelerator,A100-40GB,8,,,on-demand,12.90919,"* ]]
	[[ "$output" == *"gcp,europe-west4,europe-west4-b,a3-highgpu-8g,host,,0,208,1872,on-demand,9.93306,"* ]]
	# the catalog's us-central1 prices are untouched by a europe-west4 import
	run_split pricing show a2-highgpu-1g --format csv
	[[ "$output" == *"gcp,us-central1,,on-demand,3.673,"* ]]
}

@test "pricing import --format skypilot: on-demand and spot for a region keep the catalog's commitments there" {
	# SkyPilot's GCP catalog for us-central1 has on-demand and spot only.
	sed -e 's/europe-west4/us-central1/g' "$FIXTURES/skypilot-gcp-excerpt.csv" > sky-us.csv
	run_split pricing import sky-us.csv --format skypilot --provider gcp
	[ "$status" -eq 0 ]
	run_split pricing list --accelerator v5e --purchase commit-1y --format csv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"gcp,tpu-v5litepod-1,TPU-v5e,1,16,,,us-central1,,commit-1y,0.84,"* ]]
	[[ "$output" == *"gcp,tpu-v5litepod-8,TPU-v5e,8,16,,,us-central1,,commit-1y,6.72,"* ]]
	# on demand the import is newer: its zone prices replace the catalog's
	run_split pricing list --accelerator v5e --purchase on-demand --format csv
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *",us-central1,us-central1-a,on-demand,12.48,1.56,"* ]]
	[[ "$output" != *",on-demand,9.6,"* ]]
	# the engine prices a 1-year commitment from the store, not "65% of on-demand":
	# 5,840 TPU-hours in the first month = 8 chips committed for 12 x 730 h
	# = 70,080 chip-hours x 0.84 = 58,867.2 (assumed: 70,080 x 1.56 x 65% = 71,061.12)
	cat > tpu.yaml <<'EOF'
name: tpu-commit
horizon: 12mo
workloads:
  - name: train
    kind: training
    accelerator: TPU-v5e
    gpus: 8
    gpu_hours: 5840
deployments:
  - name: gcp
    kind: cloud
    provider: gcp
    region: us-central1
    instance: tpu-v5litepod-8
    purchase: {commit-1y: 100%}
EOF
	run_split estimate --format json tpu.yaml
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"assumed"* ]]
	[ "$(echo "$output" | python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["breakdown"]["compute"])')" = 58867.2 ]
}

@test "pricing import --format skypilot: an a3-megagpu host joins SkyPilot's H100-MEGA row" {
	cat > mega.csv <<'EOF'
InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice
a3-megagpu-8g,208.0,1872.0,,,,us-central1,us-central1-a,9.5,
,,,H100-MEGA,8,,us-central1,us-central1-a,80.5,
EOF
	run_split pricing import mega.csv --format skypilot --provider gcp
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"1 host+GPU machines joined"* ]]
	# 9.5 (VM) + 80.5 (8 GPUs) = 90 for the whole machine, 11.25 per H100
	run_split pricing list --accelerator h100 --region us-central1 --format csv
	[[ "$output" == *"gcp,a3-megagpu-8g,H100-SXM,8,80,208,1872,us-central1,us-central1-a,on-demand,90,11.25,"* ]]
}

@test "pricing import --format skypilot: quirks are skipped and counted, never stored" {
	run_split pricing import "$FIXTURES/skypilot-quirks.csv" --format skypilot --provider aws
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"8 rows read, 5 stored"*"1 without a price, 1 duplicates, 1 placeholder prices, 1 spot prices above on-demand"*"not stored: 1 CPU rows outside the series aicost prices,"* ]]
	run_split pricing export
	[[ "$output" != *"700"* ]]                          # the TPU placeholder
	[ -z "$(echo "$output" | grep 'g6.4xlarge.*,spot,')" ]   # spot 1.9 above on-demand 1.3232
	[[ "$output" == *"g6.4xlarge,instance,L4,1,16,64,on-demand,1.3232,"* ]]
	[[ "$output" == *"aws,us-east-1,use1-az1,g5.xlarge,instance,A10G,1,4,16,spot,0.4,"* ]]
	[[ "$output" != *"g4dn.xlarge"*"use1-az1"* ]]      # no price at all
	# GpuInfo's 40960 MiB picks the A100-40GB for a plain "A100"
	[[ "$output" == *"aws,us-east-1,use1-az2,p4d.24xlarge,instance,A100-40GB,8,96,1152,on-demand,21.957642,"* ]]
	# m5 is not a CPU series aicost prices (pipelines use the 7th and 8th generations)
	[[ "$output" != *"m5.large"* ]]
	# an older catalog without AvailabilityZone, GpuInfo and SpotPrice columns
	run_split pricing import "$FIXTURES/skypilot-old.csv" --format skypilot --provider aws
	[ "$status" -eq 0 ]
	run_split pricing list --region us-west-2 --format csv
	[ "${#lines[@]}" -eq 3 ]
}

@test "pricing import --format skypilot: CPU series as the fetchers keep them; zones folded to the lowest" {
	cat > cpu.csv <<'EOF'
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Region,AvailabilityZone,Price,SpotPrice
m7i.large,,,2.0,8.0,,us-east-1,use1-az1,0.1008,0.05
m7i.large,,,2.0,8.0,,us-east-1,use1-az2,0.1008,0.031
m7i.large,,,2.0,8.0,,us-east-1,use1-az4,0.1008,0.04
m5.large,,,2.0,8.0,,us-east-1,use1-az1,0.096,0.04
m7i.metal-24xl,,,96.0,384.0,,us-east-1,use1-az1,4.8384,
c7g.xlarge,,,4.0,8.0,,us-west-2,usw2-az1,0.145,
p5.48xlarge,H100,8,192.0,2048.0,,us-east-1,use1-az2,55.04,21.0
p5.48xlarge,H100,8,192.0,2048.0,,us-east-1,use1-az1,55.04,19.5
EOF
	run_split pricing import cpu.csv --format skypilot --provider aws
	[ "$status" -eq 0 ]
	# kept: m7i.large (on-demand + spot), c7g.xlarge (on-demand), p5 (both) = 5 offers;
	# m5 (older) and the bare-metal m7i are not priced; folded: m7i on-demand and spot
	# of 2 more zones = 4, p5 on-demand and spot of 1 more zone = 2; 4 + 2 = 6
	[[ "$stderr" == *"8 rows read, 5 stored"*"not stored: 2 CPU rows outside the series aicost prices, 6 zone prices folded"* ]]
	run_split pricing export
	# CPU machines are whole instances, as pricing update stores them
	[[ "$output" == *"aws,us-east-1,use1-az1,m7i.large,instance,,0,2,8,on-demand,0.1008,"* ]]
	# spot: the lowest of the three zones, with its zone
	[[ "$output" == *"aws,us-east-1,use1-az2,m7i.large,instance,,0,2,8,spot,0.031,"* ]]
	[ "$(echo "$output" | grep -c ',m7i.large,')" -eq 2 ]
	[[ "$output" == *"aws,us-west-2,usw2-az1,c7g.xlarge,instance,,0,4,8,on-demand,0.145,"* ]]
	[[ "$output" != *"m5.large"* && "$output" != *"m7i.metal"* ]]
	# equal prices: the first zone in the file has it; spot 19.5 is use1-az1's
	[[ "$output" == *"aws,us-east-1,use1-az2,p5.48xlarge,instance,H100-SXM,8,192,2048,on-demand,55.04,"* ]]
	[[ "$output" == *"aws,us-east-1,use1-az1,p5.48xlarge,instance,H100-SXM,8,192,2048,spot,19.5,"* ]]
	# show: spot's saving is against the region's on-demand, kept in another zone:
	# 1 - 0.031 / 0.1008 = 69.2%
	run_split pricing show m7i.large --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"us-east-1,use1-az2,spot,0.031,"*"69.2"* ]]
	# Azure: the fetcher's series (Dsv5 yes; Dv3, and D2ds_v5 with a local disk, no);
	# a provider without a fetcher keeps no CPU rows at all
	cat > az.csv <<'EOF'
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Region,Price,SpotPrice
Standard_D2s_v5,,,2.0,8.0,,eastus,0.096,0.0192
Standard_D2_v3,,,2.0,8.0,,eastus,0.096,0.0192
Standard_D2ds_v5,,,2.0,8.0,,eastus,0.113,0.0226
EOF
	run_split pricing import az.csv --format skypilot --provider azure
	[[ "$stderr" == *"3 rows read, 2 stored"*"not stored: 2 CPU rows outside"* ]]
	run_split pricing import az.csv --format skypilot --provider nimbus
	[[ "$stderr" == *"3 rows read, 0 stored"*"not stored: 3 CPU rows outside"* ]]
	# Google Cloud: predefined sizes of the kept series only (no n2-standard-6, no N1)
	cat > gcp.csv <<'EOF'
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Region,AvailabilityZone,Price,SpotPrice
n2-standard-8,,,8.0,32.0,,europe-west4,europe-west4-a,0.42,0.1
n2-standard-6,,,6.0,24.0,,europe-west4,europe-west4-a,0.32,0.1
n1-standard-8,,,8.0,30.0,,europe-west4,europe-west4-a,0.41,0.1
EOF
	run_split pricing import gcp.csv --format skypilot --provider gcp
	[[ "$stderr" == *"3 rows read, 2 stored"*"not stored: 2 CPU rows outside"* ]]
}

@test "pricing import --format skypilot: placeholder spot prices are skipped and counted too" {
	cat > spot700.csv <<'EOF'
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,AvailabilityZone,Price,SpotPrice
,tpu-v5litepod-8,1,,,us-west4,us-west4-a,,700.0
,tpu-v6e-8,1,,,us-west4,us-west4-a,21.6,700.0
p5.48xlarge,H100,8,192.0,2048.0,us-west4,,55.04,900.0
EOF
	run_split pricing import spot700.csv --format skypilot --provider gcp
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"3 rows read, 2 stored"*"0 without a price, 0 duplicates, 3 placeholder prices, 0 spot prices above"* ]]
	run_split pricing export --format csv
	[ -z "$(echo "$output" | grep '^gcp,us-west4,' | grep -E ',(700|900),')" ]
	[[ "$output" != *"gcp,us-west4,us-west4-a,tpu-v5litepod-8,"* ]]
	[[ "$output" == *"gcp,us-west4,us-west4-a,tpu-v6e-8,instance,TPU-v6e,8,,,on-demand,21.6,"* ]]
}

@test "pricing import --format skypilot: Azure's fractions of a GPU are skipped and counted" {
	cat > azure-sky.csv <<'EOF'
InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Region,Price,SpotPrice
Standard_NV6ads_A10_v5,A10,0.167,6.0,55.0,,westus3,0.454,0.0908
Standard_NV36ads_A10_v5,A10,1.0,36.0,440.0,,westus3,3.2,0.64
Standard_NC24ads_A100_v4,A100-80GB,1.0,24.0,220.0,,westus3,3.673,0.746721
EOF
	run_split pricing import azure-sky.csv --format skypilot --provider azure
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"3 rows read, 4 stored"*", 1 fractions of an accelerator;"* ]]
	run_split pricing list --provider azure --region westus3 --format csv
	[ "${#lines[@]}" -eq 5 ]
	[[ "$output" != *"NV6ads"* ]]
	[[ "$output" == *"azure,Standard_NV36ads_A10_v5,A10,1,24,36,440,westus3,,on-demand,3.2,"* ]]
	# a count that is not a number still fails the whole file
	sed 's/,0\.167,/,0.1x7,/' azure-sky.csv > azure-bad.csv
	run_split pricing import azure-bad.csv --format skypilot --provider azure
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"azure-bad.csv:2:"*"AcceleratorCount: expected a number"* ]]
}

@test "pricing import --format skypilot: a malformed price fails the whole file" {
	before=$(aicost pricing export)
	run_split pricing import "$FIXTURES/skypilot-bad-price.csv" --format skypilot --provider aws
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"skypilot-bad-price.csv:3:48: Price: expected a number, got \"1.21O\""* ]]
	[ "$(aicost pricing export)" = "$before" ]
}

# ---- the store: location, damage, permissions, concurrency ----

@test "store: a file that is not a database is refused clearly" {
	echo "not a database at all, just text that is long enough" > junk.db
	run_split --db junk.db pricing list
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"junk.db: not a usable aicost price store"* ]]
	run_split --db "$BATS_TEST_TMPDIR/junk.db/sub/x.db" pricing list
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot create the price store's directory"* ]]
}

# Runs aicost as an unprivileged user when we are root (root ignores permissions),
# from a copy in $dir so that the checkout's own permissions do not matter.
as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$dir/aicost" "$@"
	else
		"$AICOST" "$@"
	fi
}

@test "store: a read-only store is read by reading commands, refused by writing ones" {
	dir=$(mktemp -d "${TMPDIR:-/tmp}/aicost-ro.XXXXXX")
	chmod 755 "$dir"
	aicost --db "$dir/p.db" pricing list --limit 1 >/dev/null
	expected=$(aicost --db "$dir/p.db" pricing export)
	cp "$AICOST" "$dir/aicost"
	cp "$AICOST_ROOT/scenarios/chat-8b.yaml" "$dir/s.yaml"
	chmod 444 "$dir"/p.db*
	chmod 555 "$dir"
	# a shared or packaged store: file and directory read-only
	run as_user --db "$dir/p.db" pricing export
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
	run as_user --db "$dir/p.db" validate "$dir/s.yaml"
	[ "$status" -eq 0 ]
	run as_user --db "$dir/p.db" estimate "$dir/s.yaml" --format json
	[ "$status" -eq 0 ]
	run as_user --db "$dir/p.db" pricing import "$AICOST_ROOT/pricing/aws.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"p.db: the price store is read-only"* ]]
	# a writable store in a directory that will not take its write-ahead log
	chown 65534 "$dir/p.db" 2>/dev/null || true
	chmod 644 "$dir/p.db"
	run as_user --db "$dir/p.db" pricing list --limit 1
	[ "$status" -eq 0 ]
	run as_user --db "$dir/p.db" pricing import "$AICOST_ROOT/pricing/aws.csv"
	[ "$status" -eq 2 ]
	[[ "$output" == *"p.db: the price store's directory is not writable"* ]]
	chmod 000 "$dir/p.db"
	run as_user --db "$dir/p.db" pricing sources
	chmod -R u+w "$dir"
	rm -rf "$dir"
	[ "$status" -eq 2 ]
	[[ "$output" == *"p.db: cannot open the price store: Permission denied"* ]]
}

@test "store: two processes writing at once lose nothing and seed once" {
	# fresh store: both seed-or-wait, then import different providers' prices; six
	# imports of the full catalog queue on one lock, which takes long under ASan
	export AICOST_DB_BUSY_TIMEOUT=600
	sed 's/,us-east-1,/,eu-west-1,/' "$AICOST_CATALOG/aws.csv" > aws-eu.csv
	sed 's/,eastus,/,westeurope,/' "$AICOST_CATALOG/azure.csv" > azure-eu.csv
	for i in 1 2 3; do
		aicost pricing import aws-eu.csv 2>/dev/null &
		aicost pricing import azure-eu.csv 2>/dev/null &
	done
	wait
	run aicost pricing sources --format csv
	[ "$(echo "$output" | grep -c ',catalog:aws.csv,')" -eq 1 ]
	[ "$(echo "$output" | grep -c ',aws-eu.csv,.*,ok,')" -eq 3 ]
	[ "$(echo "$output" | grep -c ',azure-eu.csv,.*,ok,')" -eq 3 ]
	run aicost pricing list --region '*europe' --format csv
	[ "${#lines[@]}" -eq 9 ]    # 8 Azure prices in westeurope, once each
	run aicost pricing list --region eu-west-1 --format csv
	[ "${#lines[@]}" -eq 12 ]   # 11 AWS instances
	run python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])' "$XDG_DATA_HOME/aicost/prices.db"
	[ "$output" = "ok" ]
}

@test "catalog: found beside the program, or through AICOST_CATALOG" {
	local small=$AICOST_CATALOG
	unset AICOST_CATALOG
	mkdir -p inst/bin inst/pricing
	cp "$AICOST" inst/bin/aicost
	cp -L "$small"/*.csv inst/pricing/
	sed -i 's/,55.04,/,54.00,/' inst/pricing/aws.csv
	run inst/bin/aicost --db a.db pricing show p5.48xlarge --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *",on-demand,54,"* ]]
	AICOST_CATALOG="$AICOST_ROOT/pricing" run inst/bin/aicost --db b.db pricing show p5.48xlarge --format csv
	[[ "$output" == *",on-demand,55.04,"* ]]
	# the layout of make install under any PREFIX or DESTDIR: bin/ beside share/aicost/
	mkdir -p prefix/bin prefix/share/aicost
	cp "$AICOST" prefix/bin/aicost
	cp -r inst/pricing prefix/share/aicost/pricing
	(cd / && "$BATS_TEST_TMPDIR/prefix/bin/aicost" --db "$BATS_TEST_TMPDIR/d.db" pricing show p5.48xlarge --format csv) > installed.csv
	grep -q ',on-demand,54,' installed.csv
	AICOST_CATALOG="$BATS_TEST_TMPDIR/nowhere" run inst/bin/aicost --db c.db pricing list
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot seed the empty price store: AICOST_CATALOG="*"nowhere: no accelerators.csv there"* ]]
}

@test "pricing subcommands report a bad option once, naming the subcommand" {
	for sub in list show sources history export import update; do
		run_split pricing $sub --bogus
		[ "$status" -eq 2 ] || { echo "$sub: exit $status"; return 1; }
		[ -z "$output" ]
		[ "$stderr" = "aicost pricing $sub: unknown option '--bogus'
Try 'aicost pricing $sub --help'." ] || { echo "$sub: $stderr"; return 1; }
	done
	run_split pricing list --format
	[ "$status" -eq 2 ]
	[[ "$stderr" == "aicost pricing list: option '--format' needs a value"* ]]
}
