#!/usr/bin/env bats
# aicost pricing update against tests/httpd.py on 127.0.0.1: every provider, every
# fault the server can inject, and that a failed provider keeps its previous prices.
load helpers
eval "helpers_$(declare -f setup)"

# tests/httpd.py serving fixtures ROOT ($1), its port, log, faults and pid in DIR ($2).
start_httpd() {
	python3 "$BATS_TEST_DIRNAME/../httpd.py" --root "$1" --port-file "$2/port" \
		--log "$2/requests.log" --faults "$2/faults" 3>&- >/dev/null &
	echo $! >"$2/pid"
	for _ in $(seq 100); do
		[ -s "$2/port" ] && break
		sleep 0.05
	done
	[ -s "$2/port" ]
}

setup_file() {
	start_httpd "$BATS_TEST_DIRNAME/../fixtures" "$BATS_FILE_TMPDIR"
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/pid")" 2>/dev/null || true
}

setup() {
	helpers_setup
	local base="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/port")"
	export AICOST_AZURE_ENDPOINT=$base/api/retail/prices AICOST_AWS_ENDPOINT=$base
	export AICOST_AWS_SPOT_ENDPOINT=$base AICOST_GCP_ENDPOINT=$base
	export AICOST_GCP_API_KEY=test-key
	export AICOST_VAST_ENDPOINT=$base/api/v0/bundles/
	export AICOST_RUNPOD_ENDPOINT=$base/v2/catalog/gpus
	export AICOST_VERDA_ENDPOINT=$base/v1
	export AICOST_VULTR_ENDPOINT=$base/v2
	# Tiny backoff and a 1 s stall limit keep the fault tests fast.
	export AICOST_HTTP_BACKOFF_MS=5 AICOST_HTTP_RETRIES=2 AICOST_HTTP_STALL_TIMEOUT=1
	: >"$BATS_FILE_TMPDIR/faults"
	: >"$BATS_FILE_TMPDIR/requests.log"
	REGIONS=us-east-1,eu-west-1,eastus,us-central1,us-east4
}

fault() {
	echo "$*" >>"$BATS_FILE_TMPDIR/faults"
}

requests() {
	grep -c "$1" "$BATS_FILE_TMPDIR/requests.log" || true
}

prices() {
	"$AICOST" pricing list --provider "$1" --format csv
}

@test "update: every provider updates from the local server, exit 0" {
	run_split pricing update --region "$REGIONS" --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"aws,updated,\"us-east-1,eu-west-1\",38,12,85,9,"* ]]
	[[ "$output" == *"azure,updated,eastus,29,0,35,3,"* ]]
	[[ "$output" == *"gcp,updated,\"us-central1,us-east4\",224,0,46,4,"* ]]
	# Not a terminal: no progress on stderr.
	[ -z "$stderr" ]
	run prices azure
	[[ "$output" == *"Standard_ND96isr_H100_v5"*"eastus"*"spot,18.169536"* ]]
	[[ "$output" == *"Standard_ND96isr_H100_v5"*"reserved-1y,62.4,"* ]]
	run prices gcp
	# 208 × 0.0291 + 1872 × 0.001820118 + 8 × 9.79655125 = 87.832470896
	[[ "$output" == *"a3-highgpu-8g"*"us-east4"*"on-demand,87.83247"* ]]
	run prices aws
	[[ "$output" == *"p5.48xlarge"*"us-east-1"*"spot,12.5123"* ]]
	[[ "$output" == *"p5.48xlarge"*"us-east-1"*"on-demand,55.04"* ]]
	# Windows, RHEL, Dedicated rows and older CPU families never reach the store.
	[[ "$output" != *"m5.large"* && "$output" != *"59.456"* ]]
}

@test "update: requests carry the User-Agent, accept gzip and follow every page" {
	run aicost pricing update --region "$REGIONS"
	[ "$status" -eq 0 ]
	[ "$(requests 'ua=aicost/[0-9.]* ')" -eq 16 ]
	[ "$(requests 'ae=[a-z,]*gzip')" -eq 16 ]
	[ "$(requests 'skip=2000 200')" -eq 1 ]
	[ "$(requests 'pageToken=tpu-page-2 200')" -eq 1 ]
	# Azure filtered server-side to the chosen region.
	[ "$(requests "armRegionName%20eq%20%27eastus%27")" -eq 1 ]
}

@test "update: an unchanged source costs one request (304 on the stored ETag)" {
	run aicost pricing update --region "$REGIONS"
	[ "$status" -eq 0 ]
	: >"$BATS_FILE_TMPDIR/requests.log"
	run aicost pricing update --region "$REGIONS" --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"aws,unchanged,"* && "$output" == *"azure,unchanged,"* ]]
	[[ "$output" == *"gcp,unchanged,"* ]]
	# AWS asks its two sources (bulk offer index, spot feed), GCP its two services.
	[ "$(requests ' 304 ')" -eq 5 ]
	[ "$(requests 'spot.json 304 ')" -eq 1 ]
	[ "$(requests 'E000-3F24-B8AA/skus.* 304 ')" -eq 1 ]
	[ "$(wc -l <"$BATS_FILE_TMPDIR/requests.log")" -eq 5 ]
	# --force ignores the validators.
	run aicost pricing update --region "$REGIONS" --provider azure --force --format csv
	[[ "$output" == *"azure,updated,"* ]]
}

# Seconds between the first request matching $1 and the next one to the same path.
retry_gap() {
	awk -v pat="$1" '$0 ~ pat && !first { first = $2; split($NF, t, "="); t0 = t[2]; next }
		first && $2 == first { split($NF, t, "="); printf "%.3f\n", t[2] - t0; exit }' \
		"$BATS_FILE_TMPDIR/requests.log"
}

@test "aws: the Spot Advisor bucket becomes a rate that list, show, export and estimate use" {
	cat >"$BATS_TEST_TMPDIR/spot.yaml" <<'EOF'
name: spot-16
horizon: 2mo
workloads:
  - name: train
    kind: training
    accelerator: H100-SXM
    gpus: 16
    gpu_hours: 11680
    checkpoint_interval: 1h
    restart_time: 15min
deployments:
  - name: aws
    kind: cloud
    provider: aws
    region: us-east-1
    instance: p5.48xlarge
    purchase: {spot: 100%}
EOF
	compute() {
		python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["breakdown"]["compute"])'
	}
	# The small 2025 catalog has no AWS spot row: price and rate are both assumed, and
	# said so (the shipped catalog now has spot prices; see pricing.bats).
	export AICOST_CATALOG=$FIXTURES/catalog-2025
	run_split estimate --format json "$BATS_TEST_TMPDIR/spot.yaml"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"no spot interruption rate in the store; assumed 10% of instances a month"* ]]
	# 55.04 x 30% / 8 = 2.064 per GPU-hour x 11,680 = 24,107.52; 10% a month is
	# 0.10 / 730 per instance-hour x 2 instances x 0.75 h lost = 0.15 / 730 more:
	# 24,107.52 x (1 + 0.15 / 730) = 24,112.4736
	[ "$(echo "$output" | compute)" = 24112.4736 ]
	run aicost pricing update --provider aws --region us-east-1
	[ "$status" -eq 0 ]
	# The fixture's Advisor puts p5.48xlarge in us-east-1 in bucket 4 (>20%): 0.225.
	run aicost pricing list --provider aws --accelerator h100 --purchase spot --format json
	[ "$(echo "$output" | python3 -c 'import json, sys; r = json.load(sys.stdin); print(len(r), r[0]["interruptions_per_month"])')" = "1 0.225" ]
	run_split pricing show p5.48xlarge --format csv
	[[ "$output" == *"aws,us-east-1,,spot,12.5123,1.5640375,77.26689680232558,0.225,exact,"* ]]
	run_split estimate --format json "$BATS_TEST_TMPDIR/spot.yaml"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"deployment aws: spot interruptions from the price store: 22.5% of p5.48xlarge instances a month in us-east-1"* ]]
	[[ "$stderr" != *"assumed"* ]]
	# 12.5123 / 8 = 1.5640375 x 11,680 = 18,267.958; 0.225 / 730 x 2 x 0.75 = 0.3375 / 730
	# more: 18,267.958 x (1 + 0.3375 / 730) = 18,276.4038025
	[ "$(echo "$output" | compute)" = 18276.4038025 ]
	# The scenario's own rate still wins over the store's, silently.
	run_split estimate --format json --set deployments.aws.spot_interruptions_per_day=0 \
		"$BATS_TEST_TMPDIR/spot.yaml"
	[ "$(echo "$output" | compute)" = 18267.958 ]
	[[ "$stderr" != *"interruption"* ]]
	# Export and import carry the rate unchanged into a fresh store.
	aicost pricing export > "$BATS_TEST_TMPDIR/offers.csv"
	grep -q '^aws,us-east-1,,p5.48xlarge,instance,H100-SXM,8,.*,spot,12.5123,.*,0.225$' \
		"$BATS_TEST_TMPDIR/offers.csv"
	AICOST_DB="$BATS_TEST_TMPDIR/other.db" aicost pricing import "$BATS_TEST_TMPDIR/offers.csv" \
		2>/dev/null
	AICOST_DB="$BATS_TEST_TMPDIR/other.db" aicost pricing export |
		diff -u "$BATS_TEST_TMPDIR/offers.csv" -
}

@test "aws: new spot prices are fetched even when the bulk offer index is unchanged" {
	run aicost pricing update --provider aws --region us-east-1
	[ "$status" -eq 0 ]
	: >"$BATS_FILE_TMPDIR/requests.log"
	fault changed spot.json 1
	run_split pricing update --provider aws --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"aws,updated,us-east-1,"* ]]
	[ "$(requests 'index.json 304 ')" -eq 1 ]
	# The feed is read once, by the request that found it changed.
	[ "$(requests 'spot.json 200 ')" -eq 1 ]
	[ "$(requests 'aws/index.json 200 ')" -eq 1 ]
	[[ "$(prices aws)" == *"p5.48xlarge"*"us-east-1"*"spot,12.5123"* ]]
	# The feed still at that version, whose validators the snapshot stored: two 304s.
	: >"$BATS_FILE_TMPDIR/requests.log"
	fault changed spot.json 1
	run aicost pricing update --provider aws --region us-east-1 --format csv
	[[ "$output" == *"aws,unchanged,"* ]]
	[ "$(requests ' 304 ')" -eq 2 ]
}

@test "gcp: new Cloud TPU prices are fetched even when Compute Engine's are unchanged" {
	run aicost pricing update --provider gcp --region us-central1 --format csv
	[ "$status" -eq 0 ]
	first=$(grep '^gcp,' <<<"$output" | cut -d, -f1-5)
	: >"$BATS_FILE_TMPDIR/requests.log"
	fault changed E000-3F24-B8AA -1
	run aicost pricing update --provider gcp --region us-central1 --format csv
	[ "$status" -eq 0 ]
	[ "$(grep '^gcp,' <<<"$output" | cut -d, -f1-5)" = "$first" ]
	[ "$(requests '6F81-5844-456A/skus.* 304 ')" -eq 1 ]
	# The probe found the change; both services are then read in the usual order.
	[ "$(requests 'E000-3F24-B8AA/skus?[^ ]*key=test-key 200 .*fault=changed')" -eq 2 ]
	[ "$(requests '6F81-5844-456A/skus?[^ ]*key=test-key 200 ')" -eq 1 ]
	# Both services' validators were stored with the snapshot: next time, two 304s.
	: >"$BATS_FILE_TMPDIR/requests.log"
	run aicost pricing update --provider gcp --region us-central1 --format csv
	[[ "$output" == *"gcp,unchanged,"* ]]
	[ "$(requests ' 304 ')" -eq 2 ]
}

@test "aws: the spot feed's validators belong to the regions they were fetched for" {
	run aicost pricing update --provider aws --region us-east-1
	[ "$status" -eq 0 ]
	# A new spot feed, first fetched for another region only.
	fault changed spot.json -1
	run aicost pricing update --provider aws --region eu-west-1
	[ "$status" -eq 0 ]
	# us-east-1's spot prices are still the old feed's: that is not "unchanged".
	run aicost pricing update --provider aws --region us-east-1 --format csv
	[[ "$output" == *"aws,updated,us-east-1,"* ]]
}

# --- CPU instances from the live fetchers (data pipelines) --------------------------
# An update replaces the catalog's prices of the regions it fetched, CPU rows included:
# the fetchers keep the current general, compute and memory families, so a pipeline
# there is still priced.

# A pipeline-only scenario in $1/$2: prints "pipeline instance incomplete-components".
cpu_pipeline() {
	cat >"$BATS_TEST_TMPDIR/p.yaml" <<EOF
name: prep
horizon: 6mo
workloads:
  - {name: tokenise, kind: pipeline, input: 500TB, throughput_per_vcpu: 50GB/h}
deployments:
  - {name: d, kind: cloud, provider: $1, region: $2, price_per_gpu_hour: 2}
EOF
	"$AICOST" -q estimate --format json "$BATS_TEST_TMPDIR/p.yaml" | python3 -c '
import json, sys
d = json.load(sys.stdin)["deployments"][0]
print(round(d["breakdown"]["pipeline"], 4), d["pipelines"][0]["instance"], ",".join(d["incomplete"]) or "-")'
}

# "instance purchase price family per-vcpu" of the CPU rows of --vcpus $1 in $2/$3.
cpu_rows() {
	"$AICOST" pricing list --vcpus "$1" --provider "$2" --region "$3" --format json | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    print(o["instance_type"], o["purchase"], round(o["price_per_hour"], 6), o["family"],
          round(o["price_per_vcpu_hour"], 6))'
}

@test "cpu: aws keeps current m/c/r instances with vCPUs, spot and reserved; pipelines priced" {
	# The shipped catalog prices the pipeline on c7i.12xlarge: 10,000 vCPU-h x 0.044625.
	run cpu_pipeline aws us-east-1
	[ "$output" = "446.25 c7i.12xlarge -" ]
	run aicost pricing update --provider aws --region us-east-1
	[ "$status" -eq 0 ]
	run cpu_rows 64 aws us-east-1
	[ "$status" -eq 0 ]
	# c7i.16xlarge 2.856 / 64 = 0.044625; r8g.16xlarge 3.77024 / 64 = 0.05891
	[ "$output" = "c7i.16xlarge on-demand 2.856 compute 0.044625
r8g.16xlarge on-demand 3.77024 memory 0.05891" ]
	run cpu_rows 16 aws us-east-1
	# Spot from the feed with the Advisor's bucket; reserved from the bulk file:
	# m7i.4xlarge 3yr All Upfront 9,277 / 26,280 h = 0.353006 (0.022063 per vCPU-hour).
	[[ "$output" == *"c7g.4xlarge spot 0.1682 compute 0.010512"* ]]
	[[ "$output" == *"m7i.4xlarge reserved-1y 0.508 general 0.03175"* ]]
	[[ "$output" == *"m7i.4xlarge reserved-3y 0.353006 general 0.022063"* ]]
	# Bare metal, local-disk and older generations are left out.
	[[ "$output" != *"metal"* && "$output" != *"c7gd"* && "$output" != *"c6i"* ]]
	# Now the cheapest general/compute instance per vCPU-hour is Graviton c7g.4xlarge:
	# 0.58 / 16 = 0.03625 x 10,000 vCPU-h = 362.50, complete.
	run cpu_pipeline aws us-east-1
	[ "$output" = "362.5 c7g.4xlarge -" ]
	run aicost pricing list --vcpus 16 --family memory --region us-east-1 --format csv
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == "aws,r8g.12xlarge,"* && "${lines[2]}" == "aws,r8g.16xlarge,"* ]]
}

@test "cpu: azure keeps Dsv5/Dasv5/Fsv2/Esv5 sizes with every purchase option; pipelines priced" {
	# The catalog's cheapest in eastus: Standard_F4s_v2, 0.169 / 4 = 0.04225 x 10,000.
	run cpu_pipeline azure eastus
	[ "$output" = "422.5 Standard_F4s_v2 -" ]
	run aicost pricing update --provider azure --region eastus
	[ "$status" -eq 0 ]
	run cpu_rows 64 azure eastus
	# vCPUs from the size's name; F64s_v2 2.706 / 64 = 0.042281; D64as_v5 2.752 / 64 =
	# 0.043; E96s_v5 6.048 / 96 = 0.063. Constrained E16-4s_v5, D4ds_v5 and D4s_v3: not kept.
	[ "$output" = "Standard_D64as_v5 on-demand 2.752 general 0.043
Standard_D64s_v5 on-demand 3.072 general 0.048
Standard_D64s_v5 savings-1y 2.1965 general 0.03432
Standard_D64s_v5 savings-3y 1.4131 general 0.02208
Standard_E64s_v5 on-demand 4.032 memory 0.063
Standard_E96s_v5 on-demand 6.048 memory 0.063
Standard_F64s_v2 on-demand 2.706 compute 0.042281
Standard_F64s_v2 spot 0.754433 compute 0.011788" ]
	# Reservations spread over the term: 1,009 / 8,760 h = 0.115183; 1,918 / 26,280 h.
	run cpu_rows 4 azure eastus
	[[ "$output" == *"Standard_D4s_v5 reserved-1y 0.115183 general 0.028796"* ]]
	[[ "$output" == *"Standard_D4s_v5 reserved-3y 0.072983 general 0.018246"* ]]
	[[ "$output" != *"E16-4s"* && "$output" != *"D4ds"* && "$output" != *"_v3"* ]]
	# The fetched F64s_v2 is now the cheapest: 0.04228125 x 10,000 = 422.8125, complete.
	run cpu_pipeline azure eastus
	[ "$output" = "422.8125 Standard_F64s_v2 -" ]
}

@test "cpu: gcp assembles CPU machines from core and RAM SKUs; pipelines priced" {
	# The catalog's cheapest in us-central1: n2-standard-16, 0.048559 x 10,000.
	run cpu_pipeline gcp us-central1
	[ "$output" = "485.5875 n2-standard-16 -" ]
	run aicost pricing update --provider gcp --region us-central1
	[ "$status" -eq 0 ]
	run cpu_rows 60 gcp us-central1
	# n2-standard-64 = 64 x 0.031611 + 256 x 0.004237 = 3.107776; n2-highmem-64 adds
	# 256 GiB more: 4.192448; spot 64 x 0.00765 + 256 x 0.001025 = 0.752.
	[[ "$output" == *"n2-standard-64 on-demand 3.107776 general 0.048559"* ]]
	[[ "$output" == *"n2-standard-64 spot 0.752 general 0.01175"* ]]
	[[ "$output" == *"n2-highmem-64 on-demand 4.192448 memory 0.065507"* ]]
	# c2-standard-60 = 60 x 0.03398 + 240 x 0.00455 = 3.1308 (Compute optimized SKUs)
	[[ "$output" == *"c2-standard-60 on-demand 3.1308 compute 0.05218"* ]]
	# c3-highcpu-88 = 88 x 0.03465 + 176 x 0.003938 = 3.742288
	[[ "$output" == *"c3-highcpu-88 on-demand 3.742288 compute 0.042526"* ]]
	# commitments: n2-standard-64 1y = 64 x 0.019915 + 256 x 0.002669 = 1.957824
	[[ "$output" == *"n2-standard-64 commit-1y 1.957824 general 0.030591"* ]]
	# The cheapest per vCPU is n2-highcpu (1 GiB a vCPU): 0.031611 + 0.004237 =
	# 0.035848 x 10,000 = 358.48, complete.
	run cpu_pipeline gcp us-central1
	[ "$output" = "358.48 n2-highcpu-16 -" ]
}

@test "env: a huge AICOST_HTTP_MAX_PAGE_MB is at most a terabyte, not wrapped to no bytes at all" {
	# 2^44 MB in bytes is 2^64: shifted in 64 bits it was 0 and every page was too large
	AICOST_HTTP_MAX_PAGE_MB=17592186044416 run_split pricing update --provider azure \
		--region eastus --format csv
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
	[[ "$output" == *"azure,updated,eastus,29,"* ]]
}

@test "fault 429 with Retry-After: retried after the wait, then updated" {
	fault 429 /api/retail/prices 1 1
	run aicost pricing update --provider azure --region eastus --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure,updated,eastus,29,"* ]]
	[ "$(requests ' 429 ')" -eq 1 ]
	[ "$(requests 'api/retail/prices.* 200 ')" -eq 3 ]
	# The server asked for 1 s; the backoff alone would have waited about 5 ms.
	gap=$(retry_gap ' 429 ')
	awk -v g="$gap" 'BEGIN { exit !(g >= 0.95) }'
}

@test "fault 429 with Retry-After as an HTTP date: waited until then" {
	fault 429 /api/retail/prices 1 date+2
	run aicost pricing update --provider azure --region eastus --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure,updated,eastus,29,"* ]]
	# A date two seconds ahead, to the second: at least one second from the answer.
	gap=$(retry_gap ' 429 ')
	awk -v g="$gap" 'BEGIN { exit !(g >= 0.95) }'
}

@test "fault 500 then success: retried with backoff, updated" {
	fault 500 skip=1000 2
	run aicost pricing update --provider azure --region eastus --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure,updated,eastus,29,"* ]]
	[ "$(requests 'skip=1000 500')" -eq 2 ]
	[ "$(requests 'skip=1000 200')" -eq 1 ]
}

@test "fault 500 for good: azure fails with its previous prices kept, others update (exit 1)" {
	before=$(prices azure)
	fault 500 skip=1000 -1
	run_split pricing update --provider azure,aws --region eastus,us-east-1 --format csv
	[ "$status" -eq 1 ]
	[[ "$output" == *"azure,failed,"*"HTTP 500"* ]]
	[[ "$output" == *"aws,updated,"* ]]
	[[ "$stderr" == *"azure: after 3 attempts: page 2: HTTP 500"*"previous prices are kept"* ]]
	[ "$(prices azure)" = "$before" ]
	[[ "$(prices aws)" == *"spot,12.5123"* ]]
}

@test "fault stall: the stalled AWS file times out, previous AWS prices kept (exit 2)" {
	before=$(prices aws)
	fault stall us-east-1/index.csv -1 20
	run_split pricing update --provider aws --region us-east-1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aws: "*"us-east-1 EC2 CSV"*"ransfer"*"previous prices are kept"* || \
	   "$stderr" == *"aws: "*"us-east-1 EC2 CSV"*"imeout"*"previous prices are kept"* ]]
	[ "$(requests 'us-east-1/index.csv 0 ')" -eq 3 ]
	[ "$(prices aws)" = "$before" ]
}

@test "fault truncated body: a retry recovers a JSON page" {
	fault truncate skip=2000 1
	run aicost pricing update --provider azure --region eastus --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure,updated,eastus,29,"* ]]
	[ "$(requests 'skip=2000 200 .*fault=truncate')" -eq 1 ]
}

@test "fault truncated body: always short, azure keeps its previous prices" {
	before=$(prices azure)
	fault truncate skip=2000 -1
	run_split pricing update --provider azure --region eastus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"azure: after 3 attempts: page 3"*"previous prices are kept"* ]]
	# Pages 1 and 2 were fine, but none of their rows became visible.
	[ "$(prices azure)" = "$before" ]
}

@test "fault truncated stream: a CSV cut mid-transfer is fetched again from its start" {
	run aicost pricing update --provider aws --region us-east-1 --dry-run --format csv
	[ "$status" -eq 0 ]
	clean=$(grep '^aws,' <<<"$output" | cut -d, -f1-7)
	: >"$BATS_FILE_TMPDIR/requests.log"
	fault truncate us-east-1/index.csv 1
	run_split pricing update --provider aws --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	[ "$(requests 'AmazonEC2/.*us-east-1/index.csv 200 .*fault=truncate')" -eq 1 ]
	[ "$(requests 'AmazonEC2/.*us-east-1/index.csv 200 .*fault=-')" -eq 1 ]
	# The rows read before the cut are neither counted nor stored twice.
	[ "$(grep '^aws,' <<<"$output" | cut -d, -f1-7)" = "${clean/dry-run/updated}" ]
	[[ "$(prices aws)" == *"p5.48xlarge"*"us-east-1"*"on-demand,55.04"* ]]
	[ "$(prices aws | grep -c 'p5.48xlarge.*us-east-1.*,on-demand,')" -eq 1 ]
}

@test "fault truncated stream: always cut, AWS keeps its previous prices" {
	before=$(prices aws)
	fault truncate us-east-1/index.csv -1
	run_split pricing update --provider aws --region us-east-1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aws: after 3 attempts: us-east-1 EC2 CSV: "*"previous prices are kept"* ]]
	[ "$(requests 'AmazonEC2/.*us-east-1/index.csv')" -eq 3 ]
	[ "$(prices aws)" = "$before" ]
}

@test "fault malformed JSON: the bad page names itself, azure keeps its previous prices" {
	before=$(prices azure)
	fault malformed skip=2000 -1
	run_split pricing update --provider azure --region eastus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"azure: http://127.0.0.1:"*"skip=2000:"*"malformed JSON"* ]]
	[ "$(prices azure)" = "$before" ]
}

@test "fault malformed CSV: a record cut short fails AWS, previous prices kept" {
	before=$(prices aws)
	fault malformed eu-west-1/index.csv -1
	run_split pricing update --provider aws --region us-east-1,eu-west-1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"eu-west-1/index.csv:"*"previous prices are kept"* ]]
	# us-east-1 parsed fine before eu-west-1 failed: still nothing of it is visible.
	[ "$(prices aws)" = "$before" ]
}

@test "fault paging loop: a Catalog page that links to itself fails GCP at once" {
	before=$(prices gcp)
	fault loop tpu-page-2 -1
	run_split pricing update --provider gcp --region us-central1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"gcp: "*"Cloud TPU SKUs page 2: nextPageToken repeats"*"previous prices are kept"* ]]
	[ "$(requests 'pageToken=tpu-page-2')" -eq 1 ]
	[ "$(prices gcp)" = "$before" ]
}

@test "fault wrong Content-Length: a short read of a GCP page fails GCP only" {
	before=$(prices gcp)
	fault shortlength E000-3F24-B8AA -1
	run_split pricing update --provider gcp,azure --region us-central1,eastus --format csv
	[ "$status" -eq 1 ]
	[[ "$output" == *"gcp,failed,"* && "$output" == *"azure,updated,"* ]]
	[[ "$stderr" == *"gcp: "*"malformed JSON"*"previous prices are kept"* ]]
	# The API key never appears in a message.
	[[ "$stderr" != *"test-key"* ]]
	[ "$(prices gcp)" = "$before" ]
}

@test "fault gzip body: decoded transparently, same prices as plain" {
	run aicost pricing update --region "$REGIONS" --format csv
	plain=$(prices azure; prices aws; prices gcp)
	fault gzip / -1
	run aicost pricing update --region "$REGIONS" --force --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"aws,updated,"* && "$output" == *"azure,updated,"* ]]
	[[ "$output" == *"gcp,updated,"* ]]
	[ "$(requests 'fault=gzip')" -eq 16 ]
	[ "$(prices azure; prices aws; prices gcp)" = "$plain" ]
}

@test "Ctrl-C: an interrupted update keeps the previous prices (exit 2)" {
	before=$(prices aws)
	fault stall us-east-1/index.csv -1 20
	export AICOST_HTTP_STALL_TIMEOUT=30
	"$AICOST" pricing update --provider aws --region us-east-1 \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 100); do
		[ "$(requests 'us-east-1/index.csv 0 ')" -ge 1 ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 2 ]
	grep -q "aws: .*interrupted; its previous prices are kept" "$BATS_TEST_TMPDIR/err"
	! grep -q "Sanitizer\|runtime error:" "$BATS_TEST_TMPDIR/err"
	[ "$(prices aws)" = "$before" ]
}

@test "no Google key: said once, shipped Google prices kept, the others update" {
	unset AICOST_GCP_API_KEY
	before=$(prices gcp)
	run_split pricing update --region "$REGIONS" --format csv
	[ "$status" -eq 0 ]
	[ "$(grep -c 'no API key' <<<"$stderr")" -eq 1 ]
	[[ "$output" == *"gcp,skipped,"*"no API key"* ]]
	[[ "$output" == *"aws,updated,"* && "$output" == *"azure,updated,"* ]]
	[ "$(requests '/v1/services')" -eq 0 ]
	[ "$(prices gcp)" = "$before" ]
}

@test "--provider gcp without a key is an error; a key file works" {
	unset AICOST_GCP_API_KEY
	run_split pricing update --provider gcp
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"gcp: no API key"* ]]
	echo test-key >"$BATS_TEST_TMPDIR/key"
	run aicost pricing update --provider gcp --region us-central1 \
		--gcp-api-key-file "$BATS_TEST_TMPDIR/key" --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"gcp,updated,"* ]]
}

@test "a wrong Google key fails GCP with Google's message" {
	export AICOST_GCP_API_KEY=wrong
	before=$(prices gcp)
	run_split pricing update --provider gcp --region us-central1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"HTTP 400"*"API key not valid"* ]]
	[[ "$stderr" != *"key=wrong"* ]]
	[ "$(prices gcp)" = "$before" ]
}

@test "progress on a terminal names provider, page, MB and rows; -q silences it" {
	command -v script >/dev/null || skip "script(1) not installed"
	run script -qec "$AICOST pricing update --provider azure --region eastus >/dev/null" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure: page "*" MB, "*" rows, "*" offers"* ]]
	# The line is rewritten in place and cleared at the end.
	[[ "$output" == *$'\r\033[K'* ]]
	run script -qec "$AICOST pricing update --provider azure --region eastus -q >/dev/null" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" != *"azure: page"* ]]
}

@test "http_proxy from the environment carries every request" {
	# A host that cannot resolve: only the proxy (the test server) can answer for it.
	export AICOST_AZURE_ENDPOINT=http://prices.example.invalid/api/retail/prices
	export http_proxy="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/port")" no_proxy= NO_PROXY=
	run aicost pricing update --provider azure --region eastus --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure,updated,eastus,29,"* ]]
	# Absolute URIs in the request line: they came through a proxy, every page.
	[ "$(requests '^GET http://prices.example.invalid/api/retail/prices')" -eq 3 ]
}

@test "--dry-run fetches and counts but stores nothing" {
	before=$(prices azure)
	run aicost pricing update --provider azure --region eastus --dry-run --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure,dry-run,eastus,29,"* ]]
	[ "$(prices azure)" = "$before" ]
}

@test "usage errors: unknown provider, a region nobody spells that way, extra argument" {
	run_split pricing update --provider oracle
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown provider 'oracle'"* ]]
	run_split pricing update --region "East US"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'East US' is not a region name"* ]]
	run_split pricing update --provider azure --region us-east-1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--region names no azure region"* ]]
	# Named is named, whatever comes after it in the list.
	run_split pricing update --provider azure,all --region us-east-1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--region names no azure region"* ]]
	run_split pricing update extra
	[ "$status" -eq 2 ]
	[ "$(wc -l <"$BATS_FILE_TMPDIR/requests.log")" -eq 0 ]
}

@test "--help lists every option" {
	run aicost pricing update --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: aicost pricing update"* ]]
	for opt in --provider --region --dry-run --force --gcp-api-key-file --format --quiet --help; do
		[[ "$output" == *"$opt"* ]]
	done
}

@test "pricing sources and history show the new snapshot and the failed attempt" {
	export AICOST_CATALOG=$FIXTURES/catalog-2025   # its us-east-1 p5 row: the 2025 page
	run aicost pricing update --provider aws,azure --region us-east-1,eastus
	[ "$status" -eq 0 ]
	fault 500 skip=1000 -1
	run aicost pricing update --provider azure --region eastus --force
	[ "$status" -eq 2 ]
	run aicost pricing sources --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *",aws,http://127.0.0.1:"*"/offers/v1.0/aws/index.json#regions=us-east-1,"*",ok,yes,"* ]]
	[[ "$output" == *",azure,http://127.0.0.1:"*",failed,"*"HTTP 500"* ]]
	[[ "$output" == *",azure,http://127.0.0.1:"*",ok,yes,"* ]]
	# The shipped price and the fetched one, oldest first.
	run aicost pricing history p5.48xlarge --format csv
	[[ "$output" == *"on-demand,55.04,,https://aws.amazon.com/"*"on-demand,55.04,0,http://127.0.0.1:"* ]]
	[[ "$output" == *"reserved-1y,37.4272,"* ]]
}

# ---- a hostile or broken server cannot take the memory or the hours (issue 20) ----

@test "fault endless body: a page past AICOST_HTTP_MAX_PAGE_MB fails at once, not retried" {
	before=$(prices azure)
	fault endless skip=1000 -1
	AICOST_HTTP_MAX_PAGE_MB=8 run_split pricing update --provider azure --region eastus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"azure: page 2: the response is larger than 8 MB"*"AICOST_HTTP_MAX_PAGE_MB raises the limit"* ]]
	[ "$(requests 'skip=1000 200 .*fault=endless')" -eq 1 ]
	[ "$(prices azure)" = "$before" ]
}

@test "fault endless stream: a streamed AWS file past AICOST_HTTP_MAX_STREAM_MB fails" {
	before=$(prices aws)
	fault endless us-east-1/index.csv -1
	AICOST_HTTP_MAX_STREAM_MB=4 run_split pricing update --provider aws --region us-east-1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aws: "*"us-east-1 EC2 CSV: the response is larger than 4 MB"*"AICOST_HTTP_MAX_STREAM_MB raises the limit"* ]]
	[ "$(requests 'us-east-1/index.csv 200 .*fault=endless')" -eq 1 ]
	[ "$(prices aws)" = "$before" ]
}

@test "fault gzip bomb: 64 MB of zeros in 290 kB of gzip stops at the decoded cap" {
	before=$(prices azure)
	fault bomb skip=1000 -1 64
	# the server takes a moment to make the bomb: no stall limit in the way
	AICOST_HTTP_STALL_TIMEOUT=60 AICOST_HTTP_MAX_PAGE_MB=16 run_split pricing update --provider azure --region eastus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"azure: page 2: the response is larger than 16 MB"* ]]
	[ "$(requests 'skip=1000 200 .*fault=bomb')" -eq 1 ]
	[ "$(prices azure)" = "$before" ]
}

@test "fault slow drip: a byte now and then is below the minimum rate and times out" {
	before=$(prices azure)
	fault drip skip=1000 -1 0.2
	AICOST_HTTP_RETRIES=1 run_split pricing update --provider azure --region eastus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"azure: after 2 attempts: page 2: Operation too slow"* ]]
	[ "$(requests 'skip=1000 200 .*fault=drip')" -eq 2 ]
	[ "$(prices azure)" = "$before" ]
}

@test "fault Retry-After: 100000: capped by AICOST_HTTP_MAX_RETRY_AFTER and said on stderr" {
	fault 429 /api/retail/prices 1 100000
	AICOST_HTTP_MAX_RETRY_AFTER=1 run_split pricing update --provider azure --region eastus -q
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"aicost pricing update: azure: page 1: the server asks to wait 100000 s (Retry-After); waiting 1 s, the most AICOST_HTTP_MAX_RETRY_AFTER allows"* ]]
	gap=$(retry_gap ' 429 ')
	awk -v g="$gap" 'BEGIN { exit !(g >= 0.95 && g < 30) }'
}

@test "fault paging cycle: an Azure page that links back to an earlier one fails at once" {
	before=$(prices azure)
	fault cycle skip=2000 -1 1000
	run_split pricing update --provider azure --region eastus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"azure: page 3 links back to an earlier page (a NextPageLink loop)"* ]]
	[ "$(requests 'skip=2000 200')" -eq 1 ]
	[ "$(prices azure)" = "$before" ]
}

@test "kill -9 during an update: previous prices kept, the store sound, the next update works" {
	before=$(prices azure)
	fault drip skip=2000 -1 0.5
	export AICOST_HTTP_STALL_TIMEOUT=30
	"$AICOST" pricing update --provider azure --region eastus >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ "$(requests 'skip=2000 200 .*fault=drip')" -ge 1 ] && break
		sleep 0.05
	done
	sleep 0.3   # pages 1 and 2 are in; page 3 trickles
	kill -9 "$pid"
	wait "$pid" || true
	[ "$(prices azure)" = "$before" ]
	run python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])' "$XDG_DATA_HOME/aicost/prices.db"
	[ "$output" = "ok" ]
	: >"$BATS_FILE_TMPDIR/faults"
	run aicost pricing update --provider azure --region eastus --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure,updated,eastus,29,"* ]]
}

# The rate from dollars to pounds and its date, as estimate applies it.
fx_gbp() {
	"$AICOST" -q estimate --format json --set currency=GBP \
		"$AICOST_ROOT/scenarios/tpu-vs-gpu.yaml" |
		python3 -c 'import json, sys; f = json.load(sys.stdin)["fx"]; print("%.9f %s %s" % (f["rate"], f["date"], f["source"]))'
}

fx_setup() {
	export AICOST_FX_ENDPOINT="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/port")/stats/eurofxref/eurofxref-daily.xml"
}

@test "fx: the ECB daily XML replaces the exchange rates, exit 0" {
	fx_setup
	run_split pricing update --provider fx --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"fx,updated,,0,0,29,1,"*"29 exchange rates"* ]]
	[ "$(requests 'eurofxref-daily.xml 200')" -eq 1 ]
	# GBP per USD = 0.87545 / 1.1575 = 0.756328294 (fixture of 2026-11-27)
	[ "$(fx_gbp)" = "0.756328294 2026-11-27 $AICOST_FX_ENDPOINT" ]
	# Unchanged on the server (same ETag): a 304, the rates stay.
	run aicost pricing update --provider fx --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"fx,unchanged,"* ]]
	[ "$(fx_gbp)" = "0.756328294 2026-11-27 $AICOST_FX_ENDPOINT" ]
}

@test "fx: only when named; 'all' stays the clouds' prices; --region leaves it alone" {
	fx_setup
	run aicost pricing update --provider all --region eastus --format csv
	[ "$status" -eq 0 ]
	[[ "$output" != *"fx,"* ]]
	[ "$(requests eurofxref)" -eq 0 ]
	run aicost pricing update --provider fx,azure --region eastus --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"azure,unchanged,eastus,"* && "$output" == *"fx,updated,"* ]]
	run_split pricing update --provider nope
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"expected aws, azure, gcp, lambda, vast, runpod, verda, vultr, fx or all"* ]]
}

@test "fx: HTTP 500 then success is retried and updates" {
	fx_setup
	fault 500 eurofxref 1
	run aicost pricing update --provider fx --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"fx,updated,"* ]]
	[ "$(requests 'eurofxref-daily.xml 500')" -eq 1 ]
	[ "$(fx_gbp)" = "0.756328294 2026-11-27 $AICOST_FX_ENDPOINT" ]
}

@test "fx: 500 for good, a truncated or a malformed body keep the previous rates (exit 2)" {
	fx_setup
	# The shipped rates: 0.86503 / 1.1476 = 0.753773092 (ECB, 2026-03-13)
	before=$(fx_gbp)
	for kind in 500 truncate malformed; do
		: >"$BATS_FILE_TMPDIR/faults"
		fault "$kind" eurofxref -1
		run_split pricing update --provider fx
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"fx: "*"previous prices are kept"* ]]
		[ "$(fx_gbp)" = "$before" ]
	done
	[[ "$before" == "0.753773092 2026-03-13 "* ]]
	# The failure is on record.
	run aicost pricing sources
	[[ "$output" == *fx* ]]
}

@test "libcurl: loaded by pricing update only; a missing one is an environment error (exit 2)" {
	# Every other command starts without libcurl and the ~30 libraries it needs.
	run env LD_DEBUG=files "$AICOST" --version
	[ "$status" -eq 0 ]
	[[ "$output" == *"file=libsqlite3"* ]]   # LD_DEBUG does report what is loaded
	[[ "$output" != *"libcurl"* ]]
	run env LD_DEBUG=files "$AICOST" pricing list --accelerator h100
	[[ "$output" != *"libcurl"* ]]
	AICOST_LIBCURL=/nonexistent/libcurl.so.4 run_split pricing update --provider azure \
		--region eastus
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"fetching prices needs libcurl, which cannot be loaded"* ]]
	[[ "$stderr" == *"/nonexistent/libcurl.so.4"* ]]
	[ "$(requests /api/retail/prices)" -eq 0 ]
	# Found by its soname otherwise: the update runs.
	run env LD_DEBUG=files "$AICOST" pricing update --provider azure --region eastus \
		--format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"file=libcurl"* ]]
	[[ "$output" == *"azure,updated,eastus,"* ]]
}

# Lambda: tests/fixtures/lambda/instance-types.json has the shape of Lambda's
# OpenAPI 1.10.0 listInstanceTypes answer (data.<type>.instance_type{name,
# price_cents_per_hour, specs{vcpus, memory_gib, gpus}}, regions_with_capacity_
# available[{name}]), with the prices of Lambda's 2026-05-20 catalog rows.
lambda_setup() {
	export AICOST_LAMBDA_ENDPOINT="http://127.0.0.1:$(cat "$BATS_FILE_TMPDIR/port")/api/v1/instance-types"
	export AICOST_LAMBDA_API_KEY=test-lambda-key
}

@test "lambda: one price per instance type becomes an on-demand offer in each region asked for" {
	lambda_setup
	run_split pricing update --provider lambda --region us-east-1,europe-central-1 --format csv
	[ "$status" -eq 0 ]
	# 8 types read; 7 name a GPU of the accelerator table (not the A6000): 7 × 2 regions
	[[ "$output" == *'lambda,updated,"us-east-1,europe-central-1",14,0,8,1,'* ]]
	[ -z "$stderr" ]
	run prices lambda
	today=$(date -u +%F)
	# 3192 cents an hour = 31.92, 3.99 per GPU
	[[ "$output" == *"lambda,gpu_8x_h100_sxm5,H100-SXM,8,80,208,1800,us-east-1,,on-demand,31.92,3.99,"*",USD,$AICOST_LAMBDA_ENDPOINT,exact,$today"* ]]
	[[ "$output" == *"lambda,gpu_8x_b200_sxm6,B200,8,"*",2900,europe-central-1,,on-demand,53.52,6.69,"*",$AICOST_LAMBDA_ENDPOINT,exact,$today"* ]]
	[[ "$output" != *"gpu_1x_a6000"* ]]
	# the other regions keep the catalog's rows
	[[ "$output" == *"lambda,gpu_8x_h100_sxm5,H100-SXM,8,80,208,1800,us-west-1,,on-demand,31.92,"*"github:anycloud-sh/catalog"* ]]
	# the note says whether the region had capacity when fetched
	run aicost pricing export
	[[ "$output" == *"lambda,europe-central-1,,gpu_8x_b200_sxm6,instance,B200,8,208,2900,on-demand,53.52,USD,exact,$AICOST_LAMBDA_ENDPOINT,$today,one price in every region; no capacity here when fetched,"* ]]
	[[ "$output" == *"lambda,us-east-1,,gpu_8x_h100_sxm5,instance,H100-SXM,8,208,1800,on-demand,31.92,USD,exact,$AICOST_LAMBDA_ENDPOINT,$today,one price in every region; capacity here when fetched,"* ]]
	# the key goes in the Authorization header, never in the URL or a message
	! grep -q test-lambda-key "$BATS_FILE_TMPDIR/requests.log" || false
	run aicost pricing sources
	echo "$output" | grep -E '^lambda +[0-9-]+ +[0-9]+ +[0-9-]+ +[0-9]+ +[0-9]+ of [0-9]+ \([0-9<>]+%\) +live: aicost pricing update$'
	# unchanged on the server: one conditional request, 304
	run aicost pricing update --provider lambda --region us-east-1,europe-central-1 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"lambda,unchanged,"* ]]
	[ "$(requests 'instance-types 304')" -eq 1 ]
}

@test "lambda: without a key 'all' leaves it out; named, it is exit 2; a wrong key is Lambda's 401" {
	lambda_setup
	unset AICOST_LAMBDA_API_KEY
	before=$(prices lambda)
	run_split pricing update --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" != *"lambda"* && "$stderr" != *"lambda"* ]]
	run_split pricing update --provider lambda --format csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"lambda: no API key (set AICOST_LAMBDA_API_KEY)"* ]]
	[[ "$output" == *"lambda,failed,"*"no API key"* ]]
	[ "$(requests instance-types)" -eq 0 ]
	AICOST_LAMBDA_API_KEY=wrong run_split pricing update --provider lambda --region us-east-1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"HTTP 401"*"API key was invalid"* ]]
	[[ "$stderr" != *"wrong"* ]]
	[ "$(prices lambda)" = "$before" ]
	# with the key, "all" takes Lambda too
	lambda_setup
	run aicost pricing update --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	# aws fetched above: unchanged now
	[[ "$output" == *"aws,unchanged,"* && "$output" == *"lambda,updated,us-east-1,7,"* ]]
}

@test "lambda: 429 and 500 are retried; 500 for good, truncated, malformed or huge keep the previous prices" {
	lambda_setup
	fault 429 instance-types 1 1
	fault 500 instance-types 1
	run aicost pricing update --provider lambda --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"lambda,updated,us-east-1,7,"* ]]
	[ "$(requests 'instance-types 429')" -eq 1 ]
	[ "$(requests 'instance-types 500')" -eq 1 ]
	before=$(prices lambda)
	for kind in 500 truncate malformed endless; do
		: >"$BATS_FILE_TMPDIR/faults"
		fault "$kind" instance-types -1
		AICOST_HTTP_MAX_PAGE_MB=1 run_split pricing update --provider lambda --region us-east-1 --force
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"lambda: "*"previous prices are kept"* ]]
		[ "$(prices lambda)" = "$before" ]
	done
	[[ "$stderr" == *"larger than 1 MB"* ]]
}

# Vast.ai: tests/fixtures/vast/bundles.json has the shape of Vast's public offer
# search (GET /api/v0/bundles/, OpenAPI in github:vast-ai/docs; see its README):
# 18 listings, 4 skipped (RTX 4090, RTX 5090, Tesla V100 are not in the accelerator
# table; one H100 has no geolocation), 11 (GPU, count, country) groups, 10 of them
# with a bid below the asking price.
@test "vast: listings fold into a median asking price and a median bid (spot) per GPU, count and country" {
	run_split pricing update --provider vast --format csv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# 11 on-demand + 10 spot offers from 18 listings in 2 requests (the second page,
	# after the last id, is empty: the end of the market)
	[[ "$output" == *'vast,updated,all,21,0,18,2,'*',4 rows skipped: GPU not in the accelerator table or not placed (see aicost-pricing(1)); 1 region and purchase option no longer listed: retired'* ]]
	# the query is Vast's JSON object, URL-encoded, asking for on-demand prices
	[ "$(requests 'bundles/?q=%7B%22verified%22.*%22type%22%3A%20%22on-demand%22.*&select_cols=.* 200')" -eq 2 ]
	# by id, 10,000 a page; the second page starts after the first page's last id
	[ "$(requests 'bundles/?q=.*%22order%22%3A%20%5B%5B%22id%22%2C%20%22asc%22%5D%5D.*%22limit%22%3A%2010000.* 200')" -eq 2 ]
	[ "$(requests 'bundles/?q=.*%22id%22%3A%20%7B%22gt%22%3A%2031020106%7D.* 200')" -eq 1 ]
	run prices vast
	today=$(date -u +%F)
	src=$AICOST_VAST_ENDPOINT
	# US 1x H100 SXM asks 1.80, 2.10, 1.90 -> median 1.90; bids 1.20, 1.35, 1.10 -> 1.20
	[[ "$output" == *"vast,1x-H100-SXM,H100-SXM,1,80,,,US,,on-demand,1.9,1.9,"*",USD,$src,approx,$today"* ]]
	[[ "$output" == *"vast,1x-H100-SXM,H100-SXM,1,80,,,US,,spot,1.2,1.2,"*",USD,$src,approx,$today"* ]]
	# US 8x H100 SXM asks 14.40, 15.20 -> (14.40 + 15.20) / 2 = 14.80, 1.85 a GPU; the
	# 16.00 bid is above its 15.20 ask and does not count: spot 9.60 from one listing
	[[ "$output" == *"vast,8x-H100-SXM,H100-SXM,8,80,,,US,,on-demand,14.8,1.85,"* ]]
	[[ "$output" == *"vast,8x-H100-SXM,H100-SXM,8,80,,,US,,spot,9.6,1.2,"* ]]
	# VN's listing has no bid (min_bid 0): on-demand only
	[[ "$output" == *"vast,8x-H100-SXM,H100-SXM,8,80,,,VN,,on-demand,14.94,1.8675,"*"$src"* ]]
	[[ "$output" != *"VN,,spot"* ]]
	# an A100's memory says which: 81920 MB -> A100-80GB, 40960 MB -> A100-40GB
	[[ "$output" == *"vast,1x-A100-80GB,A100-80GB,1,80,,,US,,on-demand,0.95,"* ]]
	[[ "$output" == *"vast,1x-A100-40GB,A100-40GB,1,40,,,CA,,on-demand,0.6,"* ]]
	[[ "$output" == *"vast,2x-L40S,L40S,2,48,,,JP,,on-demand,1.2,0.6,"* ]]
	[[ "$output" != *"RTX"* && "$output" != *"V100"* ]]
	# a country's fetched prices replace all of its earlier ones (the catalog's US 8x H200);
	# the answer is the whole market: a country without a listing now (the catalog's
	# KR) has no current price left
	[[ "$output" != *"vast,8x-H200,H200,8,141,,,US,"* ]]
	[[ "$output" != *",KR,"* ]]
	run aicost pricing export
	[[ "$output" == *"vast,US,,1x-H100-SXM,instance,H100-SXM,1,,,on-demand,1.9,USD,approx,$src,$today,marketplace asking price; median of 3 listings,"* ]]
	[[ "$output" == *"vast,US,,1x-H100-SXM,instance,H100-SXM,1,,,spot,1.2,USD,approx,$src,$today,interruptible: median minimum bid of 3 listings (stopped when outbid),"* ]]
	run aicost pricing sources
	echo "$output" | grep -E '^vast +[0-9-]+ +[0-9]+ +[0-9-]+ +[0-9]+ +[0-9]+ of [0-9]+ \([0-9<>]+%\) +live: aicost pricing update$'
	# a country asked for: only its groups (US: 4 groups, each with a bid)
	run aicost pricing update --provider vast --region US --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"vast,updated,US,8,0,18,2,"* ]]
}

@test "vast: no key needed, in 'all' by default; --region takes country codes" {
	run aicost pricing update --provider aws,vast --region us-east-1,FR,SE --format csv
	[ "$status" -eq 0 ]
	# FR: 1x and 8x H200, each with a bid; SE only lists an RTX 4090
	[[ "$output" == *'vast,updated,"FR,SE",4,0,18,2,'* ]]
	[[ "$output" == *"aws,updated,us-east-1,"* ]]
	! grep -q Authorization "$BATS_FILE_TMPDIR/requests.log" || false
	# a bare update reaches Vast too
	run aicost pricing update --format csv
	[[ "$output" == *"vast,updated,all,21,"* ]]
}

# A second tests/httpd.py serving the fixture FILE ($1, under tests/fixtures) as python3
# code $2 changed it (d: its JSON); prints the server's base URL.
changed_market() {
	local root=$BATS_TEST_TMPDIR/market
	mkdir -p "$root/$(dirname "$1")"
	python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
$2
json.dump(d, open(sys.argv[2], 'w'))" "$BATS_TEST_DIRNAME/../fixtures/$1" "$root/$1"
	start_httpd "$root" "$root" || return 1
	echo "http://127.0.0.1:$(cat "$root/port")"
}

# The same for Vast's answer; prints the endpoint.
vast_market() {
	local base
	base=$(changed_market vast/bundles.json "$1") || return 1
	echo "$base/api/v0/bundles/"
}

vast_market_stop() {
	kill "$(cat "$BATS_TEST_TMPDIR/market/pid")" 2>/dev/null || true
}

@test "vast: the answer is the whole market: a country or a bid no longer listed stops being current" {
	run aicost pricing update --provider vast --format csv
	[ "$status" -eq 0 ]
	run prices vast
	[[ "$output" == *"vast,1x-H100-SXM,H100-SXM,1,80,,,US,,spot,1.2,"* ]]
	[[ "$output" == *"vast,8x-H100-SXM,H100-SXM,8,80,,,VN,,on-demand,14.94,"* ]]
	# the market now: US listings ask twice as much and take no bids; VN is gone
	endpoint=$(vast_market 'for o in d["offers"]:
    if str(o.get("geolocation")).endswith(", US"):
        o["dph_total"] *= 2
        o.pop("min_bid", None)
d["offers"] = [o for o in d["offers"] if not str(o.get("geolocation")).endswith(", VN")]')
	# with --region US only US changes: its spot prices go, VN keeps its price
	AICOST_VAST_ENDPOINT=$endpoint run aicost pricing update --provider vast --region US --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"vast,updated,US,"*"no longer listed: retired"* ]]
	run prices vast
	# US 1x H100 SXM asks 2 x 1.90 = 3.80 now
	[[ "$output" == *"vast,1x-H100-SXM,H100-SXM,1,80,,,US,,on-demand,3.8,3.8,"* ]]
	[[ "$output" != *",US,,spot,"* ]]
	[[ "$output" == *"vast,8x-H100-SXM,H100-SXM,8,80,,,VN,,on-demand,14.94,"* ]]
	[[ "$output" == *"vast,1x-A100-40GB,A100-40GB,1,40,,,CA,,on-demand,0.6,"* ]]
	# the whole market again: VN has no listing, so no current price
	AICOST_VAST_ENDPOINT=$endpoint run aicost pricing update --provider vast --force --format csv
	vast_market_stop
	[ "$status" -eq 0 ]
	[[ "$output" == *"vast,updated,all,"*"; 1 region and purchase option no longer listed: retired"* ]]
	run prices vast
	[[ "$output" != *",VN,"* && "$output" != *",US,,spot,"* ]]
	[[ "$output" == *"vast,1x-H100-SXM,H100-SXM,1,80,,,US,,on-demand,3.8,3.8,"* ]]
	[[ "$output" == *"vast,2x-L40S,L40S,2,48,,,JP,,on-demand,1.2,0.6,"* ]]
	# a failed fetch retires nothing
	before=$(prices vast)
	fault 500 bundles -1 3
	run aicost pricing update --provider vast --force
	[ "$status" -eq 2 ]
	[ "$(prices vast)" = "$before" ]
}

@test "vast: 429 and 500 are retried; 500 for good, a stall, truncated, malformed, huge or a changed format keep the previous prices" {
	fault 429 bundles 1 1
	fault 500 bundles 1
	run aicost pricing update --provider vast --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"vast,updated,all,21,"* ]]
	[ "$(requests 'bundles.* 429')" -eq 1 ]
	[ "$(requests 'bundles.* 500')" -eq 1 ]
	before=$(prices vast)
	for kind in 500 stall truncate malformed endless; do
		: >"$BATS_FILE_TMPDIR/faults"
		fault "$kind" bundles -1 3
		AICOST_HTTP_MAX_PAGE_MB=1 AICOST_HTTP_TIMEOUT=2 run_split pricing update --provider vast --force
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"vast: "*"previous prices are kept"* ]]
		[ "$(prices vast)" = "$before" ]
	done
	[[ "$stderr" == *"larger than 1 MB"* ]]
	: >"$BATS_FILE_TMPDIR/faults"
	# an answer of another shape (Vast's 400 body) is an error, not an empty market
	AICOST_VAST_ENDPOINT="${AICOST_VAST_ENDPOINT%/api/v0/bundles/}/api/retail/prices" \
		run_split pricing update --provider vast --force
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'vast: '*'no "offers" array (has the format changed?); its previous prices are kept'* ]]
	[ "$(prices vast)" = "$before" ]
}

@test "vast: a market bigger than a page is read page by page to its end; a search that ignores the cursor fails" {
	# the server answers at most 5 listings whatever is asked: 18 listings in pages
	# of 5, 5, 5, 3 and an empty one
	fault cap bundles -1 5
	run_split pricing update --provider vast --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *'vast,updated,all,21,0,18,5,'* ]]
	[ "$(requests 'bundles/?q=.* 200 .*fault=cap')" -eq 5 ]
	# the same medians as from one page
	run prices vast
	[[ "$output" == *"vast,1x-H100-SXM,H100-SXM,1,80,,,US,,on-demand,1.9,1.9,"* ]]
	[[ "$output" == *"vast,8x-H100-SXM,H100-SXM,8,80,,,US,,spot,9.6,1.2,"* ]]
	before=$(prices vast)
	# a search that ignores the cursor would repeat its first page for ever: stopped at
	# page 2 (which starts again at the first id), nothing stored
	: >"$BATS_FILE_TMPDIR/faults"
	fault nocursor bundles -1
	run_split pricing update --provider vast --force
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"vast: offers page 2: "*"offers[0].id 31001117 is not above 31020106: the search ignored the id cursor"*"previous prices are kept"* ]]
	[ "$(requests 'fault=nocursor')" -eq 2 ]
	[ "$(prices vast)" = "$before" ]
}

# RunPod: tests/fixtures/runpod/gpus.json has the shape of RunPod's REST API v2
# listGpuTypes answer with the availability expansion (OpenAPI in github:runpod/docs;
# see its README): 11 GPU types, 4 skipped (RTX 4090 and RTX A6000 not in the
# accelerator table, H100 NVL Community Cloud only, H100 PCIe unavailable everywhere).
@test "runpod: Secure Cloud's price per GPU becomes a 1-GPU and a largest-pod offer in each data centre listing the type" {
	export AICOST_RUNPOD_API_KEY=test-runpod-key
	run_split pricing update --provider runpod --format csv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# H100 SXM 3 data centres x (1, 8 GPUs) + H200 2 x 2 + B200, MI300X, A100 1 x 2 each
	# + L40S 2 x 2 + L4 (largest pod 1) 1 = 6 + 4 + 6 + 4 + 1 = 21
	[[ "$output" == *'runpod,updated,all,21,0,11,1,'*',4 rows skipped: '* ]]
	# the query asks for the data centres; the key goes in the Authorization header only
	[ "$(requests 'catalog/gpus?include=AVAILABILITY&product=POD 200')" -eq 1 ]
	! grep -q test-runpod-key "$BATS_FILE_TMPDIR/requests.log" || false
	run aicost pricing export
	today=$(date -u +%F)
	src=$AICOST_RUNPOD_ENDPOINT
	# 2.69 a GPU-hour; 8 x 2.69 = 21.52
	[[ "$output" == *"runpod,eu-ro-1,,h100-sxm-1gpu,instance,H100-SXM,1,,,on-demand,2.69,USD,exact,$src,$today,Secure Cloud; one price in every data centre; availability HIGH when fetched,"* ]]
	[[ "$output" == *"runpod,us-ks-2,,h100-sxm-8gpu,instance,H100-SXM,8,,,on-demand,21.52,USD,exact,$src,$today,Secure Cloud; one price in every data centre; availability LOW when fetched,"* ]]
	[[ "$output" == *"runpod,ca-mtl-1,,h100-sxm-1gpu,"*"availability NONE when fetched,"* ]]
	# 8 x 3.59 = 28.72; 8 x 2.49 = 19.92; RunPod's A100 SXM is the 80 GB part
	[[ "$output" == *"runpod,us-ga-2,,h200-sxm-8gpu,instance,H200,8,,,on-demand,28.72,"* ]]
	[[ "$output" == *"runpod,eu-ro-1,,mi300x-8gpu,instance,MI300X,8,,,on-demand,19.92,"* ]]
	[[ "$output" == *"runpod,us-ks-2,,a100-sxm-1gpu,instance,A100-80GB,1,,,on-demand,1.74,"* ]]
	# the L4's largest Secure Cloud pod is one GPU: no second offer
	[[ "$output" == *"runpod,eur-is-1,,l4-1gpu,instance,L4,1,,,on-demand,0.43,"* ]]
	[[ "$output" != *"l4-8gpu"* && "$output" != *"rtx"* && "$output" != *"h100-nvl"* ]]
	[[ "$output" != *"runpod,"*",h100-pcie-1gpu,instance,H100-PCIe,1,,,on-demand,2.39,USD,exact"* ]]
	# the catalog's "us" rows are no data centre, so the whole market does not cover them
	[[ "$output" == *"runpod,us,,h100-pcie-1gpu,instance,H100-PCIe,1,"*",on-demand,2.39,"* ]]
	run aicost pricing sources
	echo "$output" | grep -E '^runpod +[0-9-]+ +[0-9]+ +[0-9-]+ +[0-9]+ +[0-9]+ of [0-9]+ \([0-9<>]+%\) +live: aicost pricing update$'
	# a data centre asked for: only its offers (H100 SXM, H200, MI300X, L40S x 2)
	run aicost pricing update --provider runpod --region eu-ro-1 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"runpod,updated,eu-ro-1,8,0,11,1,"* ]]
}

@test "runpod: without a key 'all' leaves it out; named, it is exit 2; a wrong key is RunPod's 401" {
	unset AICOST_RUNPOD_API_KEY
	before=$(prices runpod)
	run_split pricing update --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" != *"runpod"* && "$stderr" != *"runpod"* ]]
	run_split pricing update --provider runpod --format csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"runpod: no API key (set AICOST_RUNPOD_API_KEY)"* ]]
	[ "$(requests catalog/gpus)" -eq 0 ]
	AICOST_RUNPOD_API_KEY=wrong run_split pricing update --provider runpod
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"HTTP 401"*"invalid bearer token"* ]]
	[[ "$stderr" != *"wrong"* ]]
	[ "$(prices runpod)" = "$before" ]
	# with the key, "all" takes RunPod too (eu-ro-1 is spelled like an AWS region)
	AICOST_RUNPOD_API_KEY=test-runpod-key run aicost pricing update --provider all --region eastus,eu-ro-1 --format csv
	[[ "$output" == *"runpod,updated,eu-ro-1,8,"* && "$output" == *"azure,updated,eastus,"* ]]
}

@test "runpod: 429 and 500 are retried; 500 for good, a stall, truncated, malformed, huge or a changed format keep the previous prices" {
	export AICOST_RUNPOD_API_KEY=test-runpod-key
	fault 429 catalog/gpus 1 1
	fault 500 catalog/gpus 1
	run aicost pricing update --provider runpod --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"runpod,updated,all,21,"* ]]
	[ "$(requests 'catalog/gpus.* 429')" -eq 1 ]
	[ "$(requests 'catalog/gpus.* 500')" -eq 1 ]
	before=$(prices runpod)
	for kind in 500 stall truncate malformed endless; do
		: >"$BATS_FILE_TMPDIR/faults"
		fault "$kind" catalog/gpus -1 3
		AICOST_HTTP_MAX_PAGE_MB=1 AICOST_HTTP_TIMEOUT=2 run_split pricing update --provider runpod --force
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"runpod: "*"previous prices are kept"* ]]
		[ "$(prices runpod)" = "$before" ]
	done
	[[ "$stderr" == *"larger than 1 MB"* ]]
	: >"$BATS_FILE_TMPDIR/faults"
	AICOST_RUNPOD_ENDPOINT="${AICOST_RUNPOD_ENDPOINT%/v2/catalog/gpus}/api/retail/prices" \
		run_split pricing update --provider runpod --force
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'runpod: '*'no "gpus" array of GPU types (has the format changed?); its previous prices are kept'* ]]
	[ "$(prices runpod)" = "$before" ]
}

@test "runpod: a type listed without a Secure Cloud price is skipped and counted; the others update" {
	export AICOST_RUNPOD_API_KEY=test-runpod-key
	# RunPod lists the H200 for Secure Cloud with no price (null) and the B200 at 0
	base=$(changed_market runpod/gpus.json 'for g in d["gpus"]:
    if g["id"] == "NVIDIA H200":
        g["price"]["secure"] = None
    if g["id"] == "NVIDIA B200":
        g["price"]["secure"] = 0')
	AICOST_RUNPOD_ENDPOINT=$base/v2/catalog/gpus run_split pricing update --provider runpod --format csv
	vast_market_stop
	[ "$status" -eq 0 ]
	# 21 offers less the H200's 2 data centres x 2 and the B200's 1 x 2 = 15; 4 + 2 skipped
	[[ "$output" == *'runpod,updated,all,15,0,11,1,'*',"6 rows skipped: 4 GPU not in the accelerator table or not placed, 2 listed without a price (see aicost-pricing(1))"'* ]]
	run prices runpod
	[[ "$output" == *"h100-sxm-8gpu"* && "$output" == *"mi300x-8gpu"* ]]
	# no H200 or B200 left in a data centre (the catalog's "us" rows stay)
	[ -z "$(echo "$output" | grep -E '^runpod,(h200|b200)[^,]*,.*,[a-z]+-[a-z]+-[0-9]+,')" ]
	echo "$output" | grep -q '^runpod,h200-1gpu,H200,1,.*,us,'
}

@test "exit status: a GPU cloud taken along by a bare update fails with a warning, exit 0; named, it counts" {
	fault 500 bundles -1
	run_split pricing update --region us-east-1,US --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"aws,updated,us-east-1,"* && "$output" == *"vast,failed,US,"*"HTTP 500"* ]]
	[[ "$stderr" == *"vast: after 3 attempts"*"previous prices are kept"* ]]
	[[ "$stderr" == *"vast: not named in --provider: its failure does not change the exit status"* ]]
	# named, it counts: 1 (aws updated), 2 (nothing did)
	run_split pricing update --provider aws,vast --region us-east-1,US --format csv
	[ "$status" -eq 1 ]
	[[ "$stderr" != *"not named"* ]]
	run_split pricing update --provider vast --region US
	[ "$status" -eq 2 ]
	# taken along, but the only provider asked: nothing updated is still 2
	run_split pricing update --region US
	[ "$status" -eq 2 ]
	# a big cloud failing still counts: 1
	: >"$BATS_FILE_TMPDIR/faults"
	fault 500 us-east-1/index.csv -1
	run_split pricing update --region us-east-1,US --force --format csv
	[ "$status" -eq 1 ]
	[[ "$output" == *"aws,failed,"* && "$output" == *"vast,updated,US,"* ]]
}

# Verda (DataCrunch): tests/fixtures/verda has the shape of Verda's API v1 answers as
# its SDKs read them (see its README): 11 instance types, 3 locations. Skipped: the
# RTX A6000, the Tesla V100 (not mapped: the listing does not say SXM2 or PCIe) and
# the CPU node; the 4x B300 is listed without a price.
@test "verda: client credentials buy a token (POST); each type's list price is an on-demand and a spot offer in each location" {
	export AICOST_VERDA_CLIENT_ID=test-verda-id AICOST_VERDA_CLIENT_SECRET=test-verda-secret
	run_split pricing update --provider verda --format csv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# H100 x1 and x8, H200, B200, A100 40 and 80 GB: on-demand + spot; the L40S has no
	# spot price (0): 6 x 2 + 1 = 13 in each of 3 locations = 39
	[[ "$output" == *'verda,updated,all,39,0,11,3,'*',"4 rows skipped: 3 GPU not in the accelerator table or not placed, 1 listed without a price (see aicost-pricing(1))"'* ]]
	[ "$(requests 'POST /v1/oauth2/token 200')" -eq 1 ]
	[ "$(requests 'GET /v1/locations 200')" -eq 1 ]
	[ "$(requests 'GET /v1/instance-types?currency=usd 200')" -eq 1 ]
	run aicost pricing export
	today=$(date -u +%F)
	src=$AICOST_VERDA_ENDPOINT/instance-types
	# the price is the whole instance's: 21.20 an hour for 8 H100s
	[[ "$output" == *"verda,FIN-01,,8H100.80S.176V,instance,H100-SXM,8,176,1480,on-demand,21.2,USD,exact,$src,$today,list price of the instance type (one list for every location),"* ]]
	[[ "$output" == *"verda,ICE-01,,8H100.80S.176V,instance,H100-SXM,8,176,1480,spot,8.8,USD,exact,$src,$today,spot: list price of the instance type; may be stopped (one list for every location),"* ]]
	[[ "$output" == *"verda,FIN-02,,1A100.22V,instance,A100-40GB,1,22,120,on-demand,1.29,"* ]]
	[[ "$output" == *"verda,FIN-02,,8A100.176V,instance,A100-80GB,8,176,960,spot,6,"* ]]
	[[ "$output" == *"verda,FIN-01,,1L40S.20V,instance,L40S,1,20,60,on-demand,1.1,"* ]]
	[[ "$output" != *"1L40S.20V,instance,L40S,1,20,60,spot"* ]]
	[[ "$output" != *"4B300"* && "$output" != *"2A6000"* && "$output" != *"1V100"* && "$output" != *"CPU.120V"* ]]
	# per GPU-hour: 21.20 / 8 = 2.65; 39.92 / 8 = 4.99
	run prices verda
	[[ "$output" == *"verda,8H100.80S.176V,H100-SXM,8,80,176,1480,FIN-01,,on-demand,21.2,2.65,"* ]]
	[[ "$output" == *"verda,8B200.240V,B200,8,"*",ICE-01,,on-demand,39.92,4.99,"* ]]
	run aicost pricing sources
	echo "$output" | grep -E '^verda +[0-9-]+ +[0-9]+ +[0-9-]+ +[0-9]+ +[0-9]+ of [0-9]+ \([0-9<>]+%\) +live: aicost pricing update$'
	# a location asked for: only its 13 offers
	run aicost pricing update --provider verda --region FIN-01 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"verda,updated,FIN-01,13,0,11,3,"* ]]
}

@test "verda: without credentials 'all' leaves it out, named it is exit 2; a wrong secret is Verda's 401; the secret is in no message, log or store" {
	unset AICOST_VERDA_CLIENT_ID AICOST_VERDA_CLIENT_SECRET
	run_split pricing update --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" != *"verda"* && "$stderr" != *"verda"* ]]
	# the secret alone is not enough
	AICOST_VERDA_CLIENT_SECRET=x run_split pricing update --provider verda --format csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"verda: no client credentials (set AICOST_VERDA_CLIENT_ID and AICOST_VERDA_CLIENT_SECRET)"* ]]
	[ "$(requests /v1/)" -eq 0 ]
	export AICOST_VERDA_CLIENT_ID=test-verda-id AICOST_VERDA_CLIENT_SECRET=wrong-secret-4711
	run_split pricing update --provider verda --format csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"verda: access token: HTTP 401: "*"Invalid client credentials"*"previous prices are kept"* ]]
	[ "$(requests 'GET /v1/')" -eq 0 ]
	# a server that quotes the request back: the secret is blanked out of the message
	# (it would be cut at 120 characters, after "wrong-secret-47")
	fault echo oauth2 -1
	run_split pricing update --provider verda --format csv
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'access token: HTTP 400: {"message": "cannot read {"grant_type":"client_credentials","client_id":"test-verda-id","client_secret":"[secret]'* ]]
	# the secret and the access token: in no message, request line or stored row
	[[ "$output$stderr" != *"4711"* ]]
	run aicost pricing sources
	[[ "$output" != *"4711"* ]]
	! grep -q "4711\|test-verda-secret\|test-verda-access-token" "$BATS_FILE_TMPDIR/requests.log" || false
	: >"$BATS_FILE_TMPDIR/faults"
	AICOST_VERDA_CLIENT_SECRET=test-verda-secret run aicost pricing update --provider verda
	[ "$status" -eq 0 ]
	run aicost pricing export
	[[ "$output" == *"verda,"* && "$output" != *"test-verda-secret"* && "$output" != *"access-token"* ]]
	! grep -a -q "4711\|test-verda-secret\|test-verda-access-token" "$XDG_DATA_HOME"/aicost/prices.db* || false
}

@test "verda: 429 and 500 are retried, the token POST too; 500 for good, a stall, truncated, malformed or huge answers keep the previous prices" {
	export AICOST_VERDA_CLIENT_ID=test-verda-id AICOST_VERDA_CLIENT_SECRET=test-verda-secret
	fault 429 oauth2 1 1
	fault 500 v1/locations 1
	fault 500 instance-types 1
	run aicost pricing update --provider verda --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"verda,updated,all,39,"* ]]
	[ "$(requests 'POST /v1/oauth2/token 429')" -eq 1 ]
	[ "$(requests 'POST /v1/oauth2/token 200')" -eq 1 ]
	[ "$(requests 'v1/locations 500')" -eq 1 ]
	[ "$(requests 'instance-types?currency=usd 500')" -eq 1 ]
	before=$(prices verda)
	for fault in "500 oauth2" "malformed oauth2" "stall oauth2" "malformed v1/locations" \
		     "500 instance-types" "stall instance-types" "truncate instance-types" \
		     "malformed instance-types" "endless instance-types"; do
		: >"$BATS_FILE_TMPDIR/faults"
		fault $fault -1 3
		AICOST_HTTP_MAX_PAGE_MB=1 AICOST_HTTP_TIMEOUT=2 run_split pricing update --provider verda
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"verda: "*"previous prices are kept"* ]]
		[ "$(prices verda)" = "$before" ]
	done
	[[ "$stderr" == *"larger than 1 MB"* ]]
}

# Vultr: tests/fixtures/vultr has the shape of Vultr's API v2 plan lists (public, no
# key; see its README): 12 plans (2 CPU plans, read and not counted) and 7 bare-metal
# plans (1 CPU). Skipped: the A40 slice, the MI355X and the bare-metal L40 (not in the
# accelerator table), the dedicated MI325X (its 1536 GB of VRAM gives no count), the
# 1/20 and 1/2 A100 slices (a fraction of one GPU), the bare-metal 8x A100
# (hourly_cost 0).
@test "vultr: a whole-GPU plan's list price is an on-demand offer (preemptible: spot) in each location; slices skipped and counted" {
	run_split pricing update --provider vultr --format csv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# plans: A100 2 locations + L40S 4 + 4x L40S 1 + 8x H100 3 x 2 (preemptible too) +
	# 8x B200 1 (preemptible only) = 14; bare metal: 8x H100 2 x 2 + MI300X 1 x 2 +
	# MI325X 1 + GH200 1 = 8; 22 offers from 19 plans in 2 requests
	[[ "$output" == *'vultr,updated,all,22,0,19,2,'*',"7 rows skipped: 4 GPU not in the accelerator table or not placed, 2 a fraction of one GPU, 1 listed without a price (see aicost-pricing(1))"'* ]]
	[ "$(requests 'GET /v2/plans?type=all&per_page=500 200')" -eq 1 ]
	[ "$(requests 'GET /v2/plans-metal?per_page=500 200')" -eq 1 ]
	run aicost pricing export
	today=$(date -u +%F)
	src=$AICOST_VULTR_ENDPOINT/plans
	# the whole plan's price per hour; ram is MB: 1,959,936 / 1024 = 1914 GiB
	[[ "$output" == *"vultr,fra,,vcg-h100-216c-1914gb-640vram,instance,H100-SXM,8,216,1914,on-demand,19.992,USD,exact,$src,$today,list price of the plan,"* ]]
	[[ "$output" == *"vultr,sea,,vcg-h100-216c-1914gb-640vram,instance,H100-SXM,8,216,1914,spot,15.992,USD,exact,$src,$today,preemptible: Vultr may stop it; list price of the plan,"* ]]
	# a location's own price (location_cost): Sao Paulo's L40S 2.14, elsewhere 1.671
	[[ "$output" == *"vultr,sao,,vcg-l40s-16c-180g-48vram,instance,L40S,1,16,180,on-demand,2.14,USD,exact,$src,$today,this location's list price of the plan,"* ]]
	[[ "$output" == *"vultr,nrt,,vcg-l40s-16c-180g-48vram,instance,L40S,1,16,180,on-demand,1.671,"* ]]
	# bare metal: vCPUs are cpu_threads; a preemptible price below on-demand without
	# deploy flags is sold (the 8x H100), one equal to it with deploy_preemptible false
	# is not (the GH200)
	[[ "$output" == *"vultr,ewr,,vbm-112c-2048gb-8-h100-gpu,instance,H100-SXM,8,224,2048,spot,18.4,USD,exact,$src-metal,$today,"* ]]
	[[ "$output" == *"vultr,ewr,,vbm-72c-480gb-gh200-gpu,instance,GH200,1,72,480,on-demand,2.99,"* ]]
	[[ "$output" != *"vbm-72c-480gb-gh200-gpu,instance,GH200,1,72,480,spot"* ]]
	# the B200 is preemptible only (deploy_ondemand false): no on-demand price
	[[ "$output" == *"vultr,ewr,,vcg-b200-248c-2826g-1536vram,instance,B200,8,248,2826,spot,23.92,"* ]]
	[[ "$output" != *"vcg-b200-248c-2826g-1536vram,instance,B200,8,248,2826,on-demand"* ]]
	# MI325X: eight by the bare-metal id; the dedicated plan's VRAM counts nothing
	[[ "$output" == *"vultr,atl,,vbm-256c-3072gb-8-mi325x-gpu,instance,MI325X,8,256,3072,on-demand,21.92,"* ]]
	[[ "$output" != *"vcg-mi325x"* ]]
	# an empty location among the 4x L40S's places nothing
	[[ "$output" == *"vultr,fra,,vcg-l40s-64c-750g-192vram,"* && "$output" != *"vultr,,,vcg-l40s"* ]]
	for gone in vc2-1c-1gb vbm-4c-32gb vcg-a100-1c-6g-4vram vcg-a100-6c-60g-40vram \
		    vcg-a40-6c-30g-12vram vcg-mi355x vbm-64c-2048gb-8-l40-gpu vbm-112c-2048gb-8-a100-gpu; do
		[[ "$output" != *"$gone"* ]]
	done
	# per GPU-hour: 19.992 / 8 = 2.499; 4x L40S 6.684 / 4 = 1.671; MI300X 17.52 / 8 = 2.19;
	# the A100 is the 80 GB one (80 GB of VRAM for one GPU)
	run prices vultr
	[[ "$output" == *"vultr,vcg-h100-216c-1914gb-640vram,H100-SXM,8,80,216,1914,ewr,,on-demand,19.992,2.499,"* ]]
	[[ "$output" == *"vultr,vcg-l40s-64c-750g-192vram,L40S,4,48,64,750,fra,,on-demand,6.684,1.671,"* ]]
	[[ "$output" == *"vultr,vbm-256c-2048gb-8-mi300x-gpu,MI300X,8,192,256,"*",ord,,on-demand,17.52,2.19,"* ]]
	[[ "$output" == *"vultr,vcg-a100-12c-120g-80vram,A100-80GB,1,80,12,120,ams,,on-demand,2.397,2.397,"* ]]
	# the EU group: Frankfurt (DE) and Amsterdam (NL), not Tokyo, Seattle or Sao Paulo
	run aicost pricing list --provider vultr --region EU --format csv
	[ "$(echo "$output" | tail -n +2 | cut -d, -f8 | sort -u | tr '\n' ' ')" = "ams fra " ]
	[ "$(echo "$output" | tail -n +2 | wc -l)" -eq 5 ]
	run aicost pricing list --provider vultr --region JP --format csv
	[ "$(echo "$output" | tail -n +2 | cut -d, -f8 | sort -u)" = "nrt" ]
	run aicost pricing sources
	echo "$output" | grep -E '^vultr +[0-9-]+ +[0-9]+ +[0-9-]+ +[0-9]+ +[0-9]+ of [0-9]+ \([0-9<>]+%\) +live: aicost pricing update$'
	# locations asked for: theirs only (fra: L40S, 4x L40S, H100 x 2; sao: L40S)
	run aicost pricing update --provider vultr --region fra,sao --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *'vultr,updated,"fra,sao",5,0,19,2,'* ]]
}

@test "vultr: no key, in 'all' by default; a three-letter --region is Vultr's location, not an Azure region" {
	run_split pricing update --provider all --region fra --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"vultr,updated,fra,4,0,19,2,"* ]]
	[[ "$output" != *"azure"* && "$stderr" != *"azure"* ]]
	[ "$(requests 'retail/prices')" -eq 0 ]
	run_split pricing update --provider azure --region fra
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--region names no azure region"* ]]
	# a bare update reaches Vultr too
	run aicost pricing update --format csv
	[[ "$output" == *"vultr,updated,all,22,"* ]]
}

@test "vultr: pages follow meta.links.next to the end; a repeated cursor or a listing short of meta.total keep the previous prices" {
	# at most 4 plans a page: 12 plans in 3 pages, 7 bare-metal plans in 2
	fault cap plans -1 4
	run_split pricing update --provider vultr --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *'vultr,updated,all,22,0,19,5,'* ]]
	[ "$(requests 'GET /v2/plans?type=all&per_page=500 200')" -eq 1 ]
	[ "$(requests 'GET /v2/plans?type=all&per_page=500&cursor=[A-Za-z0-9%]* 200')" -eq 2 ]
	[ "$(requests 'GET /v2/plans-metal?per_page=500&cursor=[A-Za-z0-9%]* 200')" -eq 1 ]
	# the second page's cursor names its first plan: base64 of "next__vcg-a100-12c-120g-80vram"
	[ "$(requests 'cursor=bmV4dF9fdmNnLWExMDAtMTJjLTEyMGctODB2cmFt 200')" -eq 1 ]
	before=$(prices vultr)
	[[ "$before" == *"vbm-72c-480gb-gh200-gpu"* && "$before" == *"vcg-b200-248c"* ]]
	# a next cursor naming the page itself: stopped at page 2
	: >"$BATS_FILE_TMPDIR/faults"
	fault loop /v2/plans? -1 4
	run_split pricing update --provider vultr --force
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"vultr: plans page 2: meta.links.next repeats the cursor of an earlier page: the paging does not end; its previous prices are kept"* ]]
	[ "$(requests 'fault=loop')" -eq 2 ]
	[ "$(prices vultr)" = "$before" ]
	# a listing that says it ends after 4 of 7 bare-metal plans
	: >"$BATS_FILE_TMPDIR/faults"
	fault endearly plans-metal -1 4
	run_split pricing update --provider vultr --force
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"vultr: bare-metal plans: the listing ended after 4 of the 7 plans meta.total counts; its previous prices are kept"* ]]
	[ "$(prices vultr)" = "$before" ]
}

@test "vultr: 429 and 500 are retried; 500 for good, a stall, truncated, malformed, huge or a changed format keep the previous prices" {
	fault 429 /v2/plans? 1 1
	fault 500 plans-metal 1
	run aicost pricing update --provider vultr --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"vultr,updated,all,22,"* ]]
	[ "$(requests '/v2/plans?.* 429')" -eq 1 ]
	[ "$(requests '/v2/plans-metal?.* 500')" -eq 1 ]
	before=$(prices vultr)
	for fault in "500 /v2/plans?" "stall plans-metal" "truncate /v2/plans?" \
		     "malformed plans-metal" "endless /v2/plans?"; do
		: >"$BATS_FILE_TMPDIR/faults"
		fault $fault -1 3
		AICOST_HTTP_MAX_PAGE_MB=1 AICOST_HTTP_TIMEOUT=2 run_split pricing update --provider vultr --force
		[ "$status" -eq 2 ]
		[[ "$stderr" == *"vultr: "*"previous prices are kept"* ]]
		[ "$(prices vultr)" = "$before" ]
	done
	[[ "$stderr" == *"larger than 1 MB"* ]]
	: >"$BATS_FILE_TMPDIR/faults"
	# an answer of another shape is an error, not an empty price list
	base=$(changed_market vultr/plans.json 'd = {"offers": d["plans"]}')
	AICOST_VULTR_ENDPOINT=$base/v2 run_split pricing update --provider vultr --force
	vast_market_stop
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'vultr: plans page 1: '*'/v2/plans: no "plans" array of plans (has the format changed?); its previous prices are kept'* ]]
	[ "$(prices vultr)" = "$before" ]
}

@test "vultr: the answer is the whole market: a location or a preemptible price no longer listed stops being current" {
	run aicost pricing update --provider vultr --format csv
	[ "$status" -eq 0 ]
	run prices vultr
	[[ "$output" == *"vcg-h100-216c-1914gb-640vram,H100-SXM,8,80,216,1914,fra,,spot,15.992,"* ]]
	# now: the 8x H100 VM is no longer sold preemptible, and no longer in Seattle
	base=$(changed_market vultr/plans.json 'for p in d["plans"]:
    if p["id"] == "vcg-h100-216c-1914gb-640vram":
        p["deploy_preemptible"] = False
        p["locations"].remove("sea")')
	mkdir -p "$BATS_TEST_TMPDIR/market/vultr"
	cp "$BATS_TEST_DIRNAME/../fixtures/vultr/plans-metal.json" "$BATS_TEST_TMPDIR/market/vultr/"
	AICOST_VULTR_ENDPOINT=$base/v2 run aicost pricing update --provider vultr --format csv
	vast_market_stop
	[ "$status" -eq 0 ]
	# 22 - 3 spot - 1 sea on-demand = 18 offers. A location and purchase option still
	# listed is replaced whole (ewr and sea spot: the bare-metal H100's); Frankfurt
	# spot, listed by nothing now, is retired
	[[ "$output" == *"vultr,updated,all,18,"*"; 1 region and purchase option no longer listed: retired"* ]]
	run prices vultr
	[[ "$output" != *"vcg-h100-216c-1914gb-640vram,H100-SXM,8,80,216,1914,fra,,spot"* ]]
	[[ "$output" != *"vcg-h100-216c-1914gb-640vram,H100-SXM,8,80,216,1914,sea,"* ]]
	[[ "$output" == *"vcg-h100-216c-1914gb-640vram,H100-SXM,8,80,216,1914,fra,,on-demand,19.992,"* ]]
	[[ "$output" == *"vbm-112c-2048gb-8-h100-gpu,H100-SXM,8,80,224,2048,sea,,spot,18.4,"* ]]
}
