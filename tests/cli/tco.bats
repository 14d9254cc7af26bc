#!/usr/bin/env bats
# The cost commands: estimate (the JSON contract), compare and optimize, on the
# shipped scenarios and the shipped catalog.
load helpers

SCENARIOS=$AICOST_ROOT/scenarios

# Checks the JSON contract of `estimate --format json` on stdin with python3.
CONTRACT='
import json, sys
r = json.load(sys.stdin)
keys = ["compute", "storage", "egress", "shortage", "capex", "power",
        "facility", "staff", "network", "maintenance", "residual", "pipeline", "labeling"]
for k in ["scenario", "currency", "horizon_months", "workloads", "deployments"]:
    assert k in r, k
assert r["deployments"], "no deployments"
for d in r["deployments"]:
    for k in ["name", "kind", "total", "monthly", "breakdown", "per_gpu_hour",
              "per_million_tokens", "breakeven_month"]:
        assert k in d, (d["name"], k)
    assert sorted(d["breakdown"]) == sorted(keys), d["breakdown"]
    assert len(d["monthly"]) == r["horizon_months"], len(d["monthly"])
    tol = 1e-6 * max(1.0, abs(d["total"]))
    assert abs(sum(d["breakdown"].values()) - d["total"]) < tol, "breakdown"
    assert abs(sum(d["monthly"]) - d["total"]) < tol, "monthly"
    assert d["p10"] <= d["p50"] <= d["p90"], "percentiles"
print("ok")
'

@test "every shipped scenario estimates" {
	for f in "$SCENARIOS"/*.yaml; do
		run aicost -q estimate "$f"
		[ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
		[[ "$output" == *"Cheapest: "* ]]
	done
}

@test "estimate --format json follows the contract on every shipped scenario" {
	for f in "$SCENARIOS"/*.yaml; do
		result=$("$AICOST" -q estimate --format json "$f" | python3 -c "$CONTRACT") ||
			{ echo "$f: $result"; return 1; }
		[ "$result" = ok ]
	done
}

@test "estimate --deployment shows one deployment; an unknown one exits 2" {
	run aicost -q estimate --deployment rack --format json "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | python3 -c 'import json,sys; print([d["name"] for d in json.load(sys.stdin)["deployments"]])')" = "['rack']" ]
	run_split estimate --deployment nope "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no deployment 'nope'"* ]]
}

@test "estimate csv has stable columns, one row per deployment" {
	run_split -q estimate --format csv "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == deployment,kind,total,npv,p50,p90,per_gpu_hour,per_gpu_hour_paid,per_pflop_hour,per_million_tokens,breakeven_month,utilisation,compute,storage,egress,shortage,capex,power,facility,staff,network,maintenance,residual,pipeline,labeling,cheapest,note,budget_status ]]
	[ "${#lines[@]}" -eq 4 ]
	# the verdict of each deployment's budget: AWS breaks the total, the rest fit
	[[ "${lines[1]}" == aws,*,fail ]] && [[ "${lines[2]}" == rack,*,pass ]]
}

@test "same seed, same numbers; zero shortage probability costs nothing" {
	a=$("$AICOST" -q estimate --format json --seed 42 "$SCENARIOS/onprem-vs-cloud-64gpu.yaml")
	b=$("$AICOST" -q estimate --format json --seed 42 "$SCENARIOS/onprem-vs-cloud-64gpu.yaml")
	[ "$a" = "$b" ]
	run bash -c '"$0" -q estimate --format json --set deployments.aws.shortage.probability=0 "$1" 2>/dev/null |
		python3 -c "import json,sys; print(json.load(sys.stdin)[\"deployments\"][0][\"breakdown\"][\"shortage\"])"' \
		"$AICOST" "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	[ "$output" = 0 ] || [ "$output" = 0.0 ]
}

@test "DeepSeek-V3: 2.788M H800 GPU-hours at \$2 cost \$5.576M" {
	cat > ds.yaml <<-'EOF'
	name: deepseek-v3
	horizon: 3mo
	workloads:
	  - {name: pretrain, kind: training, accelerator: H800, gpus: 2048, gpu_hours: 2.788M}
	deployments:
	  - {name: rental, kind: cloud, provider: rental, price_per_gpu_hour: 2}
	EOF
	run bash -c '"$0" -q estimate --format json ds.yaml |
		python3 -c "import json,sys; d=json.load(sys.stdin)[\"deployments\"][0]; print(round(d[\"total\"], 6), d[\"per_gpu_hour\"])"' "$AICOST"
	[ "$status" -eq 0 ]
	[ "$output" = "5576000.0 2.0" ]
}

@test "per_pflop_hour: \$ per GPU-hour over the accelerator's dense BF16 PFLOP/s, in compare's table and JSON" {
	# A quoted $2.967 per H100-hour over its 989 dense BF16 TFLOP/s (0.989 PFLOP/s):
	# 2.967 / 0.989 = 3.00 per PFLOP-hour. A TPU v5p (459 TFLOP/s) at $2.295:
	# 2.295 / 0.459 = 5.00. No storage or egress: per GPU-hour is the price.
	cat > pflop.yaml <<-'EOF'
	name: pflop
	horizon: 1mo
	workloads:
	  - {name: run, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 1000}
	deployments:
	  - {name: gpu, kind: cloud, provider: rental, price_per_gpu_hour: 2.967}
	  - {name: tpu, kind: cloud, provider: rental, accelerator: TPU-v5p, price_per_gpu_hour: 2.295}
	  - {name: rack, kind: onprem, accelerator: H100-SXM, gpus: 8, server_price: 300000,
	     gpus_per_server: 8, kw_per_server: 10, power_price: 0.1}
	EOF
	run bash -c '"$0" -q compare --format json pflop.yaml |
		python3 -c "import json,sys; r=json.load(sys.stdin)
for d in r[\"deployments\"]: print(d[\"name\"], round(d[\"per_pflop_hour\"], 9), round(d[\"per_gpu_hour\"] / d[\"per_pflop_hour\"], 9))"' "$AICOST"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "gpu 3.0 0.989" ]
	[ "${lines[1]}" = "tpu 5.0 0.459" ]
	# on-prem: its total per GPU-hour delivered, over the H100's 0.989
	[[ "${lines[2]}" == "rack "*" 0.989" ]]
	run_split -q compare pflop.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == *'$/GPU-H PAID  $/PFLOP-H'* ]]
	[[ "$output" == *"gpu "*"2.97          2.97       3.00"* ]]
	# estimate's JSON carries it too
	run bash -c '"$0" -q estimate --format json --deployment gpu pflop.yaml |
		python3 -c "import json,sys; print(round(json.load(sys.stdin)[\"deployments\"][0][\"per_pflop_hour\"], 9))"' "$AICOST"
	[ "$output" = 3.0 ]
}

@test "50 TB a month to the internet from AWS us-east-1 lands inside the tier table" {
	# Between the cheapest and the dearest tier over the year: 12 x 50,000 GB x
	# [0.05, 0.09] = [30,000, 54,000]. By the catalog's tiers (100 GB free,
	# to 10,240 GB at 0.09, to 51,200 at 0.085): 10,140 x 0.09 + 39,760 x 0.085
	# = 4,292.2 a month, 51,506.4 a year.
	cat > egress.yaml <<-'EOF'
	name: egress
	horizon: 12mo
	workloads:
	  - {name: job, kind: training, accelerator: H100, gpus: 8, gpu_hours: 100}
	data: {egress_per_month: 50TB, egress_to: internet}
	deployments:
	  - {name: aws, kind: cloud, provider: aws, region: us-east-1, instance: p5.48xlarge}
	EOF
	run bash -c '"$0" -q estimate --format json egress.yaml |
		python3 -c "import json,sys; print(round(json.load(sys.stdin)[\"deployments\"][0][\"breakdown\"][\"egress\"], 2))"' "$AICOST"
	[ "$status" -eq 0 ]
	python3 -c "import sys; v=float('$output'); sys.exit(0 if 30000 <= v <= 54000 else 1)"
	[ "$output" = 51506.4 ]
}

@test "compare names the cheapest, break-even of every pair and three sensitive inputs" {
	run_split -q compare "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Cheapest: "* ]]
	[[ "$output" == *"BREAK-EVEN OF"* ]]
	[[ "$output" == *"INPUT (±20%)"* ]]
	run bash -c '"$0" -q compare --format json "$1" 2>/dev/null | python3 -c "
import json, sys
r = json.load(sys.stdin)
n = len(r[\"deployments\"])
assert len(r[\"breakeven\"]) == n * (n - 1)
assert len(r[\"sensitivity\"]) == 3
s = [e[\"swing\"] for e in r[\"sensitivity\"]]
assert s == sorted(s, reverse=True)
assert r[\"cheapest\"] in [d[\"name\"] for d in r[\"deployments\"]]
print(\"ok\")"' "$AICOST" "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "a deployment outside the allowed regions is flagged and never cheapest" {
	run aicost -q compare --format json --set 'constraints.regions=[EU]' "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert all(d["excluded"] and d["excluded_reason"] for d in r["deployments"] if d["kind"] == "cloud"), r
assert r["cheapest"] is None or not [d for d in r["deployments"] if d["name"] == r["cheapest"]][0]["excluded"]'
}

@test "bad --trials and --seed are usage errors" {
	run_split compare --trials 0 "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"expected from 1 to 10M trials"* ]]
	run_split estimate --seed -3 "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"expected a seed"* ]]
}

@test "optimize prints at most --top offers per workload, within --max-price" {
	run aicost -q optimize --top 2 --max-price 3 --format csv "$SCENARIOS/pretrain-8b.yaml"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == workload,rank,provider,region,instance,accelerator,accelerators,purchase,per_gpu_hour,cost,cost_per,gpus,instances,interconnect,wall_hours,meets_deadline,total,why,rejected ]]
	[ "${#lines[@]}" -eq 3 ]
	echo "$output" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert all(float(r["per_gpu_hour"]) <= 3 for r in rows), rows
costs = [float(r["cost"]) for r in rows]
assert costs == sorted(costs), costs'
}

@test "optimize honours --providers and --regions, and reports the search" {
	run_split optimize --providers azure --regions 'east*' --format json "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"offers read qualify"* ]]
	echo "$output" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert rows and all(r["provider"] == "azure" and r["region"].startswith("east") for r in rows), rows'
}

@test "every cost command has --help listing its options" {
	for cmd in estimate compare optimize; do
		run aicost "$cmd" --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "usage: aicost $cmd"* ]]
		[[ "$output" == *"--format"* && "$output" == *"--set"* ]]
	done
	run aicost optimize --help
	[[ "$output" == *"--top"* && "$output" == *"--providers"* && "$output" == *"--regions"* && "$output" == *"--max-price"* ]]
	run aicost estimate --help
	[[ "$output" == *"--deployment"* && "$output" == *"--trials"* && "$output" == *"--seed"* ]]
}

@test "a fallback on another chip needs that chip's GPU-hours (dense BF16 ratio)" {
	# The rack arrives after the 2-month horizon, so all 5,840 H100 GPU-hours run
	# on the A100 fallback at $2: an A100 does 312 dense BF16 TFLOPS to the H100's
	# 989, so 5,840 x 989 / 312 = 18,511.79 A100-hours = 37,023.59 (not 11,680).
	cat > chip.yaml <<-'EOF'
	name: chip
	horizon: 2mo
	workloads:
	  - {name: job, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 5840}
	deployments:
	  - {name: rack, kind: onprem, accelerator: H100-SXM, gpus: 8, server_price: 310k,
	     kw_per_server: 10.2, power_price: 0.08, lead_time: 2mo, fallback: a100}
	  - {name: a100, kind: cloud, provider: rental, accelerator: A100-80GB,
	     price_per_gpu_hour: 2}
	EOF
	run aicost -q estimate --deployment rack --format json chip.yaml
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
d = json.loads(sys.argv[1])["deployments"][0]
want = 5840 * 989 / 312 * 2
assert abs(d["breakdown"]["compute"] - want) < 1e-6 * want, d["breakdown"]["compute"]
assert abs(d["gpu_hours_delivered"] - 5840) < 1e-6, d["gpu_hours_delivered"]
print("ok")' "$output"
	echo "$output"
	[ "$output" = ok ]
}

@test "optimize rents whole instances: 2 GPUs of work on an 8-GPU machine pay for 8" {
	# chat-8b's service needs 2 H100s (2 replicas at TP 1): on an 8-GPU instance
	# it pays 8 x 730 h a month, on a 1-GPU instance 2 x 730 h.
	run aicost -q optimize --top 100 --format json "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 0 ]
	run python3 -c '
import json, math, sys
rows = json.loads(sys.argv[1])
checked = 0
for r in rows:
    gpus = 2 if r["accelerator"] == "H100-SXM" else None
    if gpus is None:
        continue
    rented = math.ceil(gpus / r["accelerators"]) * r["accelerators"]
    want = rented * 730 * r["per_gpu_hour"]
    assert abs(r["cost"] - want) < 1e-6 * want, (r, want)
    checked += 1
assert checked >= 2, checked
costs = [r["cost"] for r in rows]
assert costs == sorted(costs), costs
print("ok")' "$output"
	echo "$output"
	[ "$output" = ok ]
}

@test "budget: a limit every deployment breaks is a failed check (exit 1), each breach named" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	# The shipped budget: AWS breaks it, owning fits: the check passes.
	run_split compare "$f"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"aws: total 8,388,333 is over budget.total 5,000,000"* ]]
	[[ "$stderr" != *"compare: rack:"* ]]
	# -q does not hide a breach: it is what the exit status is about.
	run_split -q compare "$f"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"aws: total 8,388,333 is over budget.total 5,000,000 by 3,388,333 (67.8%)"* ]]
	run_split -q compare --set budget.total=1M "$f"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"rack: total 4,315,660 is over budget.total 1,000,000"* ]]
	# A total no deployment keeps: exit 1, the tables still printed.
	run_split compare --set budget.total=1M "$f"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Cheapest: rack"* ]]
	[[ "$stderr" == *"rack: total 4,315,660 is over budget.total 1,000,000"* ]]
	[[ "$stderr" == *"no deployment is within the budget"* ]]
	# The monthly limit leaves capex out: rack's month 1 runs at 419,078, the
	# fallback's 353,577 and the contracts signed with the order: staff 30,000,
	# colo 8 x 10.2 kW x 184 = 15,014.4, maintenance 8% x 2,848,000 / 12 = 18,986.67,
	# transit 1,500.
	run_split estimate --deployment rack --set budget.monthly=410k "$f"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"rack: running cost 419,078 in month 1 is over budget.monthly 410,000 by 9,078 (2.2%); first month over: 1"* ]]
	[[ "$stderr" == *"rack is over budget"* ]]
	run_split estimate --deployment rack --set budget.monthly=420k "$f"
	[ "$status" -eq 0 ]
	# One deployment named: its budget alone decides.
	run_split estimate --deployment aws "$f"
	[ "$status" -eq 1 ]
	# (the serving's share of the total per 1M tokens; the training runs are not in it)
	[[ "$stderr" == *"aws: cost per 1M tokens 1.158 is over budget.per_million_tokens 0.750"* ]]
	# Every deployment shown: the plan (the cheapest, rack) decides; AWS's breach is named.
	run_split -q estimate "$f"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"aws: total 8,388,333 is over budget.total"* ]]
	run_split -q estimate --set plan=aws "$f"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"aws (the plan): total 8,388,333 is over budget.total"* ]]
	[[ "$stderr" == *"aws is over budget"* ]]
	# A limit that cannot be checked is an error, not a pass: no tokens, no $/1M tokens.
	run_split -q estimate --deployment rack --set 'workloads=[{name: t, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 1000}]' "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot check budget.per_million_tokens: no tokens are served"* ]]
	# No budget, no check.
	run_split estimate --deployment aws --set budget= "$f"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ] || [[ "$stderr" != *"budget"* ]]
}

@test "--trials and --seed: a bad value names the option; at most 10M trials" {
	f=$SCENARIOS/chat-8b.yaml
	for cmd in estimate compare; do
		run_split $cmd --trials 2B "$f"
		[ "$status" -eq 2 ] && [ -z "$output" ]
		[[ "$stderr" == "aicost $cmd: --trials: \"2B\": expected from 1 to 10M trials"* ]]
		run_split $cmd --trials 0 "$f"
		[ "$status" -eq 2 ]
		[[ "$stderr" == "aicost $cmd: --trials: \"0\": expected from 1 to 10M trials"* ]]
		run_split $cmd --seed -1 "$f"
		[ "$status" -eq 2 ]
		[[ "$stderr" == "aicost $cmd: --seed: \"-1\": expected a seed"* ]]
	done
	run_split -q estimate --trials 10M --deployment runpod "$f"
	[ "$status" -eq 0 ]
}

@test "every csv column of estimate and compare is a key of the json deployments" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	for cmd in estimate compare; do
		"$AICOST" -q $cmd --format csv "$f" >"$BATS_TEST_TMPDIR/out.csv" 2>/dev/null
		"$AICOST" -q $cmd --format json "$f" >"$BATS_TEST_TMPDIR/out.json" 2>/dev/null
		run python3 -c '
import csv, json, sys
header = next(csv.reader(open(sys.argv[1])))
r = json.load(open(sys.argv[2]))
d = r["deployments"][0]
# deployment is "name", cheapest is top-level, note is excluded_reason; the
# breakdown columns are under "breakdown".
keys = set(d) | set(d["breakdown"]) | {"deployment", "cheapest", "note"}
missing = [c for c in header if c not in keys]
print(" ".join(missing) if missing else "ok")' "$BATS_TEST_TMPDIR/out.csv" "$BATS_TEST_TMPDIR/out.json"
		[ "$output" = ok ] || { echo "$cmd json lacks: $output"; return 1; }
	done
}

@test "optimize --providers: a provider with no prices is an error, not an empty answer" {
	f=$SCENARIOS/chat-8b.yaml
	run_split optimize --providers awz "$f"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == "aicost optimize: --providers: no prices for provider 'awz'; did you mean 'aws'?"* ]]
	# "aws, gcp" used to drop gcp silently (the store matches exact names); azure
	# here, since AWS's reserved g6e (catalog) is now cheaper than anything at GCP.
	run_split optimize --providers "azure, gcp" --top 1 "$f"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *" gcp "* ]]
	run_split optimize --providers "" "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'"": expected providers separated by commas (known: aws, azure,'* ]]
	run_split optimize --providers aws,gcp --top 1 "$f"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *" gcp "* || "${lines[1]}" == *" aws "* ]]
}

@test "budget: json names each breach with its limit, value, budget and month" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	run_split -q compare --set budget.monthly=300k --format json "$f"
	[ "$status" -eq 1 ]
	run python3 -c '
import json, sys
r = json.loads(sys.argv[1])
b = {d["name"]: d["budget_breaches"] for d in r["deployments"]}
assert [x["limit"] for x in b["aws"]] == ["monthly", "total", "per_million_tokens"], b
assert b["aws"][1]["budget"] == 5e6 and abs(b["aws"][1]["value"] - 8388332.592) < 0.01, b
assert b["aws"][1]["month"] is None and b["aws"][0]["month"] == 13, b
assert len(b["rack"]) == 1 and b["rack"][0]["month"] == 1, b
assert b["rack"][0]["budget"] == 3e5 and abs(b["rack"][0]["value"] - 419078) < 1, b
print("ok")' "$output"
	[ "$output" = ok ]
	run_split -q compare --format json "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"budget_breaches": []'* ]]
}

@test "optimize --regions: spaces around the items do not matter" {
	f=$SCENARIOS/chat-8b.yaml
	# one provider's two regions: the ranking of other providers' offers does not matter
	run_split -q optimize --providers azure --regions "eastus,westeurope" --top 8 "$f"
	[ "$status" -eq 0 ]
	expected=$output
	[[ "$output" == *eastus* && "$output" == *westeurope* ]]
	run_split -q optimize --providers azure --regions " eastus , westeurope " --top 8 "$f"
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
}

@test "compare with one deployment: its total's sensitivity, no input that moves nothing; 1 month" {
	f=$SCENARIOS/chat-8b.yaml
	run_split -q compare --set horizon=1mo --set 'deployments=[{name: rp, kind: cloud, provider: runpod, region: us, price_per_gpu_hour: 2}]' \
		--set baseline= --set budget= "$f"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Scenario chat-8b: 1 month, USD; baseline rp" ]
	[[ "$output" == *"Sensitivity: the inputs that move the cheapest's total most"* ]]
	[[ "$output" == *"TOTAL AT -20%"* ]]
	# egress is free on this deployment: moving it moves nothing
	[[ "$output" != *"egress per month"* ]]
	run_split -q compare --format json --set horizon=1mo --set 'deployments=[{name: rp, kind: cloud, provider: runpod, region: us, price_per_gpu_hour: 2}]' \
		--set baseline= --set budget= "$f"
	[ "$status" -eq 0 ]
	run python3 -c 'import json, sys; s = json.loads(sys.argv[1])["sensitivity"]; assert s and all(e["swing"] > 0 for e in s), s; print("ok")' "$output"
	[ "$output" = ok ]
	run aicost validate --no-store --set horizon=1mo "$f"
	[ "$output" = "$f: ok (1 workload, 3 deployments, 1 month)" ]
}

@test "a deployment with no price in the store: the error names its file:line:col" {
	run_split estimate --set deployments.aws-on-demand.instance=p5.48xlarg "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == "aicost estimate: $SCENARIOS/chat-8b.yaml:"[0-9]*:[0-9]*": deployments.aws-on-demand: no on-demand price for p5.48xlarg in aws/us-east-1"* ]]
}

@test "on-prem hardware that arrives after the horizon is noted" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	run_split estimate --deployment rack --set deployments.rack.lead_time=40mo "$f"
	[ "$status" -eq 1 ]   # on the fallback alone it breaks the budget
	[[ "$stderr" == *"note: deployment rack: the hardware arrives after the 36-month horizon (ordered in month 1, lead time 40 months); all its work runs on the fallback"* ]]
	run_split estimate --deployment rack "$f"
	[[ "$stderr" != *"arrives after"* ]]
}

@test "financing shifts the rack's capex out of month 1 and adds only interest" {
	# Rack capex: 8 servers x 310,000 x 1.10 network + 120k storage + 25k
	# installation = 2,873,000. At 7% over 36 months (i = 0.07/12), payment =
	# 2,873,000 x i / (1 - (1 + i)^-36) = 88,709.90 from month 2; the one still
	# owed at month 36 is paid off then at its value 88,709.90 / (1 + i):
	# 35 x 88,709.90 + 88,194.36 = 3,193,041.90 of capex, 320,041.90 of interest.
	local f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	up=$("$AICOST" -q estimate --deployment rack --format json "$f")
	run_split -q estimate --set 'deployments.rack.financing={term: 36mo, rate: 7%}' "$f" --format json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | python3 -c "$CONTRACT")" = ok ]
	echo "$output" | python3 -c '
import json, sys
up = json.loads(sys.argv[1])["deployments"][0]
fin = [d for d in json.load(sys.stdin)["deployments"] if d["name"] == "rack"][0]
assert abs(up["breakdown"]["capex"] - 2873000) < 0.01, up["breakdown"]["capex"]
assert abs(fin["breakdown"]["capex"] - 3193041.90) < 0.01, fin["breakdown"]["capex"]
assert abs(up["monthly"][0] - fin["monthly"][0] - 2873000) < 0.01, (up["monthly"][0], fin["monthly"][0])
assert abs(fin["monthly"][1] - up["monthly"][1] - 88709.90) < 0.01
assert abs(fin["total"] - up["total"] - 320041.90) < 0.01, fin["total"] - up["total"]
assert fin["npv"] < up["npv"], "at an 8% discount rate a 7% loan is cheaper today"
for k in up["breakdown"]:
    if k != "capex":
        assert abs(up["breakdown"][k] - fin["breakdown"][k]) < 0.01, k
' "$up"
}
