#!/usr/bin/env bats
# estimate --format focus: FinOps FOCUS 1.2 CSV, read back by a reader written
# from the specification's column definitions (focus-check.py).
load helpers

SCENARIOS=$AICOST_ROOT/scenarios
CHECK=$AICOST_ROOT/tests/cli/focus-check.py

# 7,200 GPU-hours at 2 and 3 per GPU-hour on 8 GPUs: 900 hours, 730 in month 1
# and 170 in month 2. cheap pays 730 x 8 x 2 = 11,680 then 170 x 8 x 2 = 2,720;
# dear 17,520 then 4,080.
small_scenario() {
	cat > small.yaml <<-EOF
	name: small
	horizon: 6mo
	${1:+start_date: $1}
	workloads:
	  - {name: job, kind: training, accelerator: H100, gpus: 8, gpu_hours: 7200}
	deployments:
	  - {name: cheap, kind: cloud, provider: rental, price_per_gpu_hour: 2, region: us}
	  - {name: dear, kind: cloud, provider: rental, price_per_gpu_hour: 3,
	     purchase: {commit-1y: 100%}}
	EOF
}

@test "focus: one row per deployment, component and month, hand-checked" {
	small_scenario 2027-01-01
	run aicost -q estimate --format focus small.yaml
	[ "$status" -eq 0 ]
	echo "$output" > small.csv
	# header, cheap's two months, dear's twelve-month commitment: its whole term
	# is owed, the rest of it in the last month of the horizon
	run python3 "$CHECK" small.csv
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "cheap 14400.00" ]
	grep -q '^11680\.000000,aicost:small,small,USD,2027-01-01T00:00:00Z,2027-02-01T00:00:00Z,Usage,,"cheap: GPU compute, month 1 of 6 (estimate)",2027-01-01T00:00:00Z,2027-02-01T00:00:00Z,11680\.000000,11680\.000000,rental,11680\.000000,1,Month,rental,rental,AI and Machine Learning,GPU compute,Standard,us,us,small/cheap,cheap,Cloud GPU deployment,cheap,cheap,small,cloud,compute,1,on-demand 100%,false$' small.csv
	grep -q '^2720\.000000,.*,2027-02-01T00:00:00Z,2027-03-01T00:00:00Z,Usage,' small.csv
	[ "$(grep -c ',cheap,cheap,small,' small.csv)" -eq 2 ]
	# dear commits for a year: PricingCategory Committed
	grep ',dear,dear,small,' small.csv | grep -q ',GPU compute,Committed,'
}

@test "focus: charge periods are calendar months from the scenario's start" {
	small_scenario 2026-11-15
	run aicost -q estimate --format focus small.yaml
	[ "$status" -eq 0 ]
	echo "$output" > mid.csv
	python3 "$CHECK" mid.csv
	grep -q ',2026-11-15T00:00:00Z,2026-12-15T00:00:00Z,Usage,' mid.csv
	grep -q ',2026-12-15T00:00:00Z,2027-01-15T00:00:00Z,Usage,' mid.csv
	# no start: the first day of next month
	small_scenario
	first=$(python3 -c 'import datetime as d; t = d.datetime.now(d.timezone.utc); print(f"{t.year + t.month // 12:04d}-{t.month % 12 + 1:02d}-01T00:00:00Z")')
	run aicost -q estimate --format focus small.yaml
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *",$first,"* ]]
}

@test "focus: every shipped scenario loads, mandatory columns, sums equal the totals" {
	for f in "$SCENARIOS"/*.yaml; do
		"$AICOST" -q estimate --trials 1000 --format focus "$f" > out.csv 2>/dev/null || [ $? -eq 1 ]
		"$AICOST" -q estimate --trials 1000 --format json "$f" > out.json 2>/dev/null || [ $? -eq 1 ]
		run python3 "$CHECK" out.csv out.json
		[ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
	done
}

@test "focus: capex is a Purchase, the residual a Credit, fallback compute the cloud's" {
	"$AICOST" -q estimate --trials 1000 --format focus "$SCENARIOS/onprem-vs-cloud-64gpu.yaml" > out.csv 2>/dev/null || [ $? -eq 1 ]
	python3 - out.csv <<-'EOF'
	import csv, sys
	rows = list(csv.DictReader(open(sys.argv[1])))
	rack = [r for r in rows if r["SubAccountId"] == "rack"]
	capex = [r for r in rack if r["x_AicostComponent"] == "capex"]
	assert capex and all(r["ChargeCategory"] == "Purchase" for r in capex), capex
	assert all(r["ProviderName"] == "On-premises" for r in capex)
	residual = [r for r in rack if r["x_AicostComponent"] == "residual"]
	assert len(residual) == 1 and residual[0]["ChargeCategory"] == "Credit"
	assert float(residual[0]["BilledCost"]) < 0
	assert residual[0]["x_AicostMonth"] == "36"
	compute = [r for r in rack if r["x_AicostComponent"] == "compute"]
	assert compute and all(r["ProviderName"] == "aws" for r in compute)
	aws = [r for r in rows if r["SubAccountId"] == "aws" and r["x_AicostComponent"] == "compute"]
	assert all(r["PricingCategory"] == "Other" for r in aws)   # a 70/30 mix
	assert all(r["x_AicostPurchase"] == "reserved-1y 70% on-demand 30%" for r in aws)
	want = {"storage": "Storage", "egress": "Networking", "compute": "AI and Machine Learning"}
	bad = [r for r in rows if r["x_AicostComponent"] in want and
	       r["ServiceCategory"] != want[r["x_AicostComponent"]]]
	assert not bad, bad
	EOF
}

@test "focus with --deployment exports that deployment only" {
	small_scenario 2027-01-01
	run aicost -q estimate --format focus --deployment dear small.yaml
	[ "$status" -eq 0 ]
	[[ "$output" != *",cheap,"* ]]
	[[ "$output" == *",dear,"* ]]
}
