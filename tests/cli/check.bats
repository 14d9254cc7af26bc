#!/usr/bin/env bats
# The budget gate (issue 18): aicost check and aicost diff, every budget kind,
# every format, exit codes 0/1/2 on every path, git:REV:path, the README CI jobs.
load helpers

SCENARIOS=$AICOST_ROOT/scenarios

# 7,300 GPU-hours on 8 GPUs at $2: 912.5 wall hours, 730 in month 1 (8 x 730 x 2 =
# 11,680) and 182.5 in month 2 (2,920); total 14,600; $2.00 per GPU-hour; NPV
# 14,600 (no discount rate). "dear" at $3: 17,520 + 4,380 = 21,900, $3.00/GPU-h.
gate_yaml() {
	cat > gate.yaml <<-'EOF'
	name: gate
	horizon: 12mo
	start_date: 2026-01-01
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 7300}
	deployments:
	  - {name: rent, kind: cloud, provider: rental, price_per_gpu_hour: 2}
	  - {name: dear, kind: cloud, provider: rental, price_per_gpu_hour: 3,
	     budget: {total: 20000}}
	budget:
	  total: 15000
	  monthly: 12000
	  per_gpu_hour: 2.5
	  npv: 15000
	EOF
}

json() {   # json EXPR  (on $output)
	python3 -c 'import json, sys; r = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1" <<<"$output"
}

@test "check: each budget kind passes within its limit and fails over it (hand figures)" {
	gate_yaml
	run_split check gate.yaml
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "gate.yaml: scenario gate, at the mean; prices: none from the store" ]
	[ "${lines[1]}" = "PASS  rent: running cost 11,680 in month 1 is within budget.monthly 12,000, headroom 320 (2.7%)" ]
	[ "${lines[2]}" = "PASS  rent: total 14,600 is within budget.total 15,000, headroom 400 (2.7%)" ]
	[ "${lines[3]}" = "PASS  rent: cost per GPU-hour 2.00 is within budget.per_gpu_hour 2.50, headroom 0.50 (20.0%)" ]
	[ "${lines[4]}" = "PASS  rent: NPV 14,600 is within budget.npv 15,000, headroom 400 (2.7%)" ]
	[ "${lines[5]}" = "gate.yaml: pass, 0 of 4 limits broken" ]
	# Each limit just under its figure: each fails, by how much, and monthly says when.
	run_split check --set budget.monthly=11k --set budget.total=14k --set budget.per_gpu_hour=1.99 \
		--set budget.npv=14.5k gate.yaml
	[ "$status" -eq 1 ]
	[ "${lines[1]}" = "FAIL  rent: running cost 11,680 in month 1 is over budget.monthly 11,000 by 680 (6.2%); first month over: 1" ]
	[ "${lines[2]}" = "FAIL  rent: total 14,600 is over budget.total 14,000 by 600 (4.3%)" ]
	[ "${lines[3]}" = "FAIL  rent: cost per GPU-hour 2.00 is over budget.per_gpu_hour 1.99 by 0.01 (0.5%)" ]
	[ "${lines[4]}" = "FAIL  rent: NPV 14,600 is over budget.npv 14,500 by 100 (0.7%)" ]
	[ "${lines[5]}" = "gate.yaml: FAIL, 4 of 4 limits broken" ]
	# A monthly limit between the two months: month 1 is the first over.
	run_split check --set budget= --set budget.monthly=5k gate.yaml
	[ "$status" -eq 1 ]
	[[ "${lines[1]}" == *"; first month over: 1" ]]
}

@test "check: per_million_tokens passes, fails, and is an error with no tokens served" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	# The plan is the cheapest, rack; its figure is estimate's per_million_tokens.
	run_split -q estimate --deployment rack --format json "$f"
	pmt=$(json '"%.3f" % r["deployments"][0]["per_million_tokens"]')
	above=$(python3 -c "print($pmt + 0.01)") below=$(python3 -c "print($pmt - 0.01)")
	run_split check --set budget= --set budget.per_million_tokens=$above "$f"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "PASS  rack: cost per 1M tokens $pmt is within budget.per_million_tokens "* ]]
	run_split check --set budget= --set budget.per_million_tokens=$below "$f"
	[ "$status" -eq 1 ]
	[[ "${lines[1]}" == "FAIL  rack: cost per 1M tokens $pmt is over budget.per_million_tokens "*" by 0.0"* ]]
	gate_yaml
	run_split check --set budget.per_million_tokens=1 gate.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"ERROR rent: cannot check budget.per_million_tokens: no tokens are served"* ]]
	[[ "$output" != *"PASS  rent: cost per 1M"* ]] && [[ "$output" != *"FAIL  rent: cost per 1M"* ]]
}

@test "check: plan:, --deployment, --all and a deployment's own budget" {
	gate_yaml
	run_split check --set plan=dear gate.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAIL  dear: total 21,900 is over deployments.dear.budget.total 20,000 by 1,900 (9.5%)"* ]]
	run_split check --deployment dear --set deployments.dear.budget.total=22k --set budget= gate.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == *"PASS  dear: total 21,900 is within deployments.dear.budget.total 22,000"* ]]
	run_split check --all --set budget= --budget-total 20k gate.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *"PASS  rent: total 14,600 is within --budget-total 20,000"* ]]
	[[ "$output" == *"FAIL  dear: total 21,900 is over --budget-total 20,000"* ]]
	run_split check --set budget= --budget-monthly 10k/month gate.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *"over --budget-monthly 10,000"* ]]
	# Exit 2 and no verdict: an unknown deployment, both selectors, no budget, bad values.
	run_split check --deployment nope gate.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--deployment: no deployment named 'nope'"* ]]
	run_split check --all --deployment rent gate.yaml
	[ "$status" -eq 2 ] && [ -z "$output" ]
	run_split check --set budget= gate.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no budget to check"* ]]
	run_split check --all --set 'constraints.providers=[aws]' gate.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--all: every deployment is excluded"* ]]
	# The plan named but excluded: it fails its feasibility, whatever its budget says.
	run_split check --set plan=rent --set 'constraints.providers=[aws]' gate.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAIL  rent: cannot deliver its demand: provider rental is not among the allowed providers"* ]]
	run_split check --budget-total -5 gate.yaml
	[ "$status" -eq 2 ] && [[ "$stderr" == *"--budget-total"* ]]
	run_split check --at p95 gate.yaml
	[ "$status" -eq 2 ] && [[ "$stderr" == *'--at: "p95": expected mean, p50 or p90'* ]]
	run_split check --format xml gate.yaml
	[ "$status" -eq 2 ] && [[ "$stderr" == *"expected text, json, junit, github or markdown"* ]]
	run_split check
	[ "$status" -eq 2 ]
}

@test "scenario: plan and budgets are checked where they are written (file:line:col)" {
	gate_yaml
	printf 'plan: renr\n' >> gate.yaml
	run_split validate --no-store gate.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"gate.yaml:15:7: plan: no deployment named 'renr'; did you mean 'rent'?"* ]]
	gate_yaml
	sed -i 's/budget: {total: 20000}/budget: {totl: 20000, per_gpu_hour: -1}/' gate.yaml
	run_split validate --no-store gate.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"gate.yaml:9:15: deployments[1].budget.totl: unknown key 'totl'; did you mean 'total'?"* ]]
	[[ "$stderr" == *"gate.yaml:9:42: deployments[1].budget.per_gpu_hour: expected a positive value"* ]]
	run_split check gate.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == "ERROR gate.yaml: cannot be checked:"* ]]
}

@test "check --at p50/p90: the shortage percentiles instead of the mean" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	run_split -q estimate --deployment rack --format json "$f"
	p90=$(json 'round(r["deployments"][0]["p90"])')
	mean=$(json 'round(r["deployments"][0]["total"])')
	[ "$p90" -gt "$mean" ]
	# A limit between the mean and P90: the mean passes, P90 fails.
	limit=$(( (mean + p90) / 2 ))
	run_split check --set budget= --budget-total "$limit" "$f"
	[ "$status" -eq 0 ]
	run_split check --set budget= --budget-total "$limit" --at p90 --format json "$f"
	[ "$status" -eq 1 ]
	[ "$(json 'round(r["scenarios"][0]["checks"][0]["actual"])')" = "$p90" ]
	[ "$(json 'r["scenarios"][0]["at"]')" = p90 ]
}

@test "check --format json: keys, statuses and the price snapshot" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	run_split check --format json --set plan=aws "$f" "$f"
	[ "$status" -eq 1 ]
	[ "$(json 'r["status"]')" = fail ]
	[ "$(json 'len(r["scenarios"])')" = 2 ]
	[ "$(json 'sorted(r["scenarios"][0])')" = "['at', 'checks', 'currency', 'error', 'file', 'prices', 'scenario', 'status']" ]
	[ "$(json 'sorted(r["scenarios"][0]["checks"][0])')" = "['actual', 'budget', 'col', 'deployment', 'first_month_over', 'headroom', 'headroom_percent', 'key', 'limit', 'line', 'message', 'peak_month', 'status']" ]
	[ "$(json '[c["status"] for c in r["scenarios"][0]["checks"]]')" = "['fail', 'fail', 'fail']" ]
	[ "$(json 'r["scenarios"][0]["checks"][1]["line"], r["scenarios"][0]["checks"][1]["col"]')" = "(105, 10)" ]
	# observed: the newest price in each provider's catalog snapshot (AWS's: the
	# on-demand rows of four regions seen on 2026-10-05; Azure's: the EU GPU rows of
	# 2026-08-22; pricing/SOURCES.md)
	[ "$(json '[(p["provider"], p["source"], p["observed"]) for p in r["scenarios"][0]["prices"]]')" = "[('aws', 'catalog:aws.csv', '2026-10-05'), ('azure', 'catalog:azure.csv', '2026-08-22')]" ]
	gate_yaml
	run_split check --format json gate.yaml
	[ "$status" -eq 0 ] && [ "$(json 'r["status"]')" = pass ]
	# An error is an error in json too, with the message; never pass or fail.
	run_split check --format json gate.yaml missing.yaml
	[ "$status" -eq 2 ]
	[ "$(json 'r["status"], r["scenarios"][0]["status"], r["scenarios"][1]["status"]')" = "('error', 'pass', 'error')" ]
	[[ "$(json 'r["scenarios"][1]["error"]')" == *"missing.yaml"* ]]
	[ "$(json 'r["scenarios"][1]["checks"]')" = "[]" ]
}

# Structure of a JUnit report: counts add up; every failure names actual and limit.
junit_counts() {
	python3 - "$1" <<-'EOF'
	import sys, xml.etree.ElementTree as ET
	root = ET.parse(sys.argv[1]).getroot()
	assert root.tag == "testsuites", root.tag
	t = f = e = 0
	for s in root.findall("testsuite"):
	    cases = s.findall("testcase")
	    fs = sum(1 for c in cases if c.find("failure") is not None)
	    es = sum(1 for c in cases if c.find("error") is not None)
	    assert int(s.get("tests")) == len(cases), (s.get("tests"), len(cases))
	    assert int(s.get("failures")) == fs and int(s.get("errors")) == es, s.attrib
	    for c in cases:
	        x = c.find("failure")
	        if x is not None:
	            assert "actual: " in x.text and "limit: " in x.text, x.text
	    t += len(cases); f += fs; e += es
	assert (int(root.get("tests")), int(root.get("failures")), int(root.get("errors"))) == (t, f, e)
	print(len(root.findall("testsuite")), t, f, e)
	EOF
}

@test "check --format junit: one testsuite per scenario, one testcase per limit (xmllint)" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	gate_yaml
	aicost check --format junit gate.yaml > pass.xml
	xmllint --noout pass.xml
	[ "$(junit_counts pass.xml)" = "1 4 0 0" ]
	{ cat "$f"; echo "plan: aws"; } > aws.yaml
	run_split check --format junit aws.yaml gate.yaml
	[ "$status" -eq 1 ]
	echo "$output" > fail.xml
	xmllint --noout fail.xml
	[ "$(junit_counts fail.xml)" = "2 7 3 0" ]
	[ "$(xmllint --xpath 'string(//testcase[@name="budget.total"]/failure/@message)' fail.xml)" = \
	  "total 8,388,333 is over budget.total 5,000,000 by 3,388,333 (67.8%)" ]
	[ "$(xmllint --xpath 'string(//testcase[@name="budget.total"]/@classname)' fail.xml)" = onprem-vs-cloud-64gpu.aws ]
	# Errors: a scenario that cannot be loaded, a limit that cannot be checked.
	run_split check --format junit gate.yaml nothere.yaml
	[ "$status" -eq 2 ]
	echo "$output" > error.xml
	xmllint --noout error.xml
	[ "$(junit_counts error.xml)" = "2 5 0 1" ]
	run_split check --format junit --set budget.per_million_tokens=1 gate.yaml
	[ "$status" -eq 2 ]
	echo "$output" > error2.xml
	[ "$(junit_counts error2.xml)" = "1 5 0 1" ]
}

@test "check --format github: ::error at the limit's line, summary in GITHUB_STEP_SUMMARY" {
	f=$SCENARIOS/onprem-vs-cloud-64gpu.yaml
	export GITHUB_STEP_SUMMARY=$BATS_TEST_TMPDIR/summary.md
	echo "earlier step" > "$GITHUB_STEP_SUMMARY"
	run_split check --format github --set plan=aws "$f"
	[ "$status" -eq 1 ]
	# budget.total is on line 105, column 10 of the scenario
	[[ "$output" == *"::error file=$f,line=105,col=10,title=aicost check%3A over budget::aws: total 8,388,333 is over budget.total 5,000,000 by 3,388,333 (67.8%25)"* ]]
	# budget.monthly (line 104) is broken as well; raised, it passes
	[[ "$output" == *"::error file=$f,line=104,col=12,title=aicost check%3A over budget::aws: running cost 466,631 in month 14 is over budget.monthly 450,000 by 16,631 (3.7%25); first month over: 13"* ]]
	run_split check --format github --set plan=aws --set budget.monthly=500k "$f"
	[[ "$output" == *"pass aws: running cost 466,631 in month 14 is within budget.monthly"* ]]
	run_split check --format github --set plan=aws "$f"
	# Every ::error line has the syntax of a workflow command.
	grep '^::' <<<"$output" | while read -r line; do
		[[ "$line" =~ ^::error\ file=[^,:]+,line=[0-9]+,col=[0-9]+,title=[^:]+::.+$ ]] || { echo "bad: $line"; false; }
	done
	[ "$(head -1 "$GITHUB_STEP_SUMMARY")" = "earlier step" ]
	grep -q '^### aicost check: \*\*over budget\*\*' "$GITHUB_STEP_SUMMARY"
	grep -q '| ❌ fail | onprem-vs-cloud-64gpu | aws | `budget.total` | 8,388,333 | 5,000,000 |' "$GITHUB_STEP_SUMMARY"
	# A flag's limit points at the deployment; an error at its file:line:col.
	gate_yaml
	run_split check --format github --set budget= --budget-total 1k gate.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == "::error file=gate.yaml,line=7,col=5,title=aicost check%3A over budget::rent: total 14,600 is over --budget-total 1,000"* ]]
	sed -i 's/gpus: 8/gpus: -8/' gate.yaml
	run_split check --format github gate.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == "::error file=gate.yaml,line=5,col="*",title=aicost check%3A cannot check::gate.yaml:5:"*"workloads[0].gpus"* ]]
	# Unwritable summary: an environment error.
	gate_yaml
	GITHUB_STEP_SUMMARY=/nonexistent/dir/summary run_split check --format github gate.yaml
	[ "$status" -eq 2 ]
}

@test "check --format markdown: a PR-comment table for pass, fail and error" {
	gate_yaml
	run_split check --format markdown gate.yaml
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "### aicost check: pass" ]
	[[ "$output" == *"| ✅ pass | gate | rent | \`budget.total\` | 14,600 | 15,000 | 400 (2.7%) |  |"* ]]
	run_split check --format markdown --set budget.monthly=5k gate.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *"| ❌ fail | gate | rent | \`budget.monthly\` | 11,680 | 5,000 | -6,680 (-133.6%) | 1 |"* ]]
	run_split check --format markdown gate.yaml nothere.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"| ⚠️ error | nothere.yaml |"* ]]
	[[ "$output" == *'- `nothere.yaml`: cannot be checked: '* ]]
}

@test "check --max-price-age: prices older than that are an error; the snapshot is named" {
	f=$SCENARIOS/chat-8b.yaml
	# The shipped catalog was observed in 2025: more than 30 days before today.
	run_split check --max-price-age 30d "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"prices (snapshot "*", observed 2025) are "*" days old, over --max-price-age 30 days"* ]]
	run_split check --max-price-age 100y "$f"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"prices: runpod snapshot "*" (catalog:gpu-clouds.csv) observed 2025" ]]
	run_split check --max-price-age soon "$f"
	[ "$status" -eq 2 ]
}

@test "check --max-price-age: each offer used counts, not the newest row of its snapshot" {
	f=$SCENARIOS/pretrain-8b.yaml
	# The AWS catalog snapshot's newest rows were observed on 2026-10-05, but the
	# p5.48xlarge spot price pretrain-8b's aws deployment uses on 2026-04-04
	# (pricing/aws.csv): a limit 30 days past the snapshot's age passes the
	# snapshot and fails that offer.
	limit=$(( ($(date -u +%s) - $(date -u -d 2026-10-05 +%s)) / 86400 + 30 ))
	run_split check --max-price-age "${limit}d" "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"the aws spot price of p5.48xlarge in us-east-1 (deployment aws) was observed 2026-04-04, "*" days ago, over --max-price-age $limit days"* ]]
	[[ "$stderr" != *"prices (snapshot "* ]]
	# Without a limit: the snapshot and the oldest offer used from it.
	run_split check "$f"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"prices: aws snapshot "*" (catalog:aws.csv) observed 2026-10-05, the oldest price used 2026-04-04" ]]
	run_split check --format json "$f"
	[ "$status" -eq 0 ]
	[ "$(json '[(p["provider"], p["observed"], p["oldest_used_observed"]) for p in r["scenarios"][0]["prices"]]')" = "[('aws', '2026-10-05', '2026-04-04')]" ]
	[ "$(json 'r["scenarios"][0]["prices"][0]["oldest_used_age_days"] - r["scenarios"][0]["prices"][0]["age_days"]')" = 184.0 ]
}

@test "diff: identical inputs are no change, in every format" {
	f=$SCENARIOS/chat-8b.yaml
	# Comments and layout are not inputs.
	{ echo "# a comment"; cat "$f"; } > same.yaml
	run_split diff "$f" same.yaml
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "no change" ]
	run_split diff --format json "$f" same.yaml
	[ "$status" -eq 0 ]
	[ "$(json 'r["status"], r["changed"], r["inputs"]')" = "('no change', False, [])" ]
	run_split diff --format junit "$f" same.yaml
	[ "$status" -eq 0 ]
	echo "$output" > same.xml
	xmllint --noout same.xml
	[ "$(junit_counts same.xml)" = "1 1 0 0" ]
	run_split diff --format github "$f" same.yaml
	[ "$status" -eq 0 ] && [ "$output" = "no change" ]
	run_split diff --format markdown "$f" same.yaml
	[ "$status" -eq 0 ] && [ "${lines[0]}" = "### aicost diff: no change" ]
}

@test "diff: inputs as key paths old → new, cost delta per deployment and component" {
	gate_yaml
	sed 's/gpu_hours: 7300/gpu_hours: 8030/; s/npv: 15000/npv: 16000/' gate.yaml > head.yaml
	run_split diff gate.yaml head.yaml
	[ "$status" -eq 1 ]
	# 730 more GPU-hours: rent +1,460 (+10.0%), dear +2,190.
	[[ "$output" == *"  workloads.train.gpu_hours: 7300 → 8030  [head.yaml:5:78]  plan total alone: +1,460"* ]]
	[[ "$output" == *"  budget.npv: 15000 → 16000  [head.yaml:14:8]  plan total alone: +0"* ]]
	[[ "$output" == *"Plan: the plan's total (rent → rent) 14,600 → 16,060: +1,460 (+10.0%)"* ]]
	[[ "$output" == *"  dear: 21,900 → 24,090: +2,190 (+10.0%)"*"    compute: 21,900 → 24,090: +2,190 (+10.0%)"* ]]
	# 16,060 breaks budget.total 15,000: exit 1.
	[[ "$output" == *"FAIL  rent: total 16,060 is over budget.total 15,000 by 1,060 (7.1%)"* ]]
	[[ "$output" == *"Verdict: fail; moved most by workloads.train.gpu_hours: 7300 → 8030 (plan total +1,460 alone)"* ]]
	run_split diff --set budget.total=1 gate.yaml head.yaml
	[ "$status" -eq 2 ]   # --set would apply to both sides: not an option of diff
	run_split diff --format json gate.yaml head.yaml
	[ "$(json 'sorted(r)')" = "['base', 'changed', 'checks', 'currency', 'deployments', 'head', 'inputs', 'plan', 'prices', 'status']" ]
	[ "$(json '[(i["path"], i["old"], i["new"], i["line"], round(i["plan_delta"])) for i in r["inputs"]]')" = \
	  "[('workloads.train.gpu_hours', '7300', '8030', 5, 1460), ('budget.npv', '15000', '16000', 14, 0)]" ]
	[ "$(json 'round(r["plan"]["delta"]), round(r["plan"]["percent"], 6), r["plan"]["base_name"]')" = "(1460, 10.0, 'rent')" ]
	[ "$(json 'round(r["deployments"][1]["components"]["compute"]["delta"])')" = 2190 ]
}

@test "diff: exit 1 when HEAD breaks a budget or the plan grows more than --max-increase" {
	gate_yaml
	sed -i 's/total: 15000/total: 30000/; s/npv: 15000/npv: 30000/' gate.yaml
	sed 's/gpu_hours: 7300/gpu_hours: 8030/' gate.yaml > head.yaml
	# +10.0% exactly: within --max-increase 10%, over 9%
	run_split diff --max-increase 10% gate.yaml head.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == *"within --max-increase 10%"* ]]
	run_split diff --max-increase 9% --format github gate.yaml head.yaml
	[ "$status" -eq 1 ]
	# the annotation points at the input that moved the plan: head.yaml line 5
	[[ "${lines[0]}" == "::error file=head.yaml,line=5,col=78,title=aicost diff%3A cost increase::the plan's total (rent → rent) 14,600 → 16,060: +1,460 (+10.0%25), over --max-increase 9%25; moved most by workloads.train.gpu_hours: 7300 → 8030 (plan total +1,460 alone)" ]]
	run_split diff --max-increase 9% --format junit gate.yaml head.yaml
	[ "$status" -eq 1 ]
	echo "$output" > inc.xml
	xmllint --noout inc.xml
	[ "$(junit_counts inc.xml)" = "1 5 1 0" ]
	# A budget broken by HEAD: annotated at the input that moved it, why included.
	run_split diff --budget-total 16k --format github gate.yaml head.yaml
	[ "$status" -eq 1 ]
	[[ "$output" == *"::error file=head.yaml,line=5,col=78,title=aicost diff%3A over budget::rent: total 16,060 is over --budget-total 16,000 by 60 (0.4%25); moved most by workloads.train.gpu_hours"* ]]
	run_split diff --budget-total 16k --format markdown gate.yaml head.yaml
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "### aicost diff: **over budget**" ]
	[[ "$output" == *'| `workloads.train.gpu_hours` | 7300 | 8030 | +1,460 |'* ]]
	[[ "$output" == *"| rent | **total** | 14,600 | 16,060 | +1,460 (+10.0%) |"* ]]
	# Errors: exit 2, in every format, never a pass or a fail.
	for fmt in text json junit github markdown; do
		run_split diff --format $fmt gate.yaml nothere.yaml
		[ "$status" -eq 2 ] || { echo "$fmt: $status"; false; }
		[[ "$output" == *"nothere.yaml"* ]]
	done
	run_split diff --format json gate.yaml nothere.yaml
	[ "$(json 'r["status"]')" = error ]
	run_split diff gate.yaml
	[ "$status" -eq 2 ]
	run_split diff --max-increase lots gate.yaml head.yaml
	[ "$status" -eq 2 ]
}

# A repository whose origin/main has the plan and whose checkout changes it.
two_commit_repo() {
	git init -q --bare origin.git
	git init -q -b main work
	cd work
	git config user.email ci@example.com
	git config user.name CI
	git remote add origin ../origin.git
	cat > plan.yaml <<-'EOF'
	name: plan
	horizon: 12mo
	start_date: 2026-01-01
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 7300}
	deployments:
	  - {name: rent, kind: cloud, provider: rental, price_per_gpu_hour: 2}
	plan: rent
	budget: {total: 20000, monthly: 15000}
	EOF
	git add plan.yaml
	git commit -qm "plan"
	git push -q origin main
	git checkout -q -b change
	sed -i "s/gpu_hours: 7300/gpu_hours: $1/" plan.yaml
	git commit -q --allow-empty -am "change"
}

@test "git:REV:path: read with git show in a real repository; a bad revision is exit 2" {
	two_commit_repo 7300
	run_split diff git:HEAD~1:plan.yaml git:HEAD:plan.yaml
	[ "$status" -eq 0 ] && [ "${lines[1]}" = "no change" ]
	sed -i 's/gpu_hours: 7300/gpu_hours: 9125/' plan.yaml
	run_split diff git:HEAD:plan.yaml plan.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == *"workloads.train.gpu_hours: 7300 → 9125  [plan.yaml:5:78]  plan total alone: +3,650"* ]]
	run_split check git:HEAD:plan.yaml
	[ "$status" -eq 0 ]
	run_split check --format junit git:HEAD:plan.yaml
	[[ "$output" == *'<testsuite name="plan" tests="2" failures="0" errors="0" skipped="0" file="plan.yaml">'* ]]
	run_split diff git:nosuchrev:plan.yaml plan.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"git show nosuchrev:plan.yaml failed"* ]]
	run_split diff git:HEAD plan.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"expected git:REVISION:PATH"* ]]
	# A revision or path with shell syntax is an argument, not a command.
	run_split diff 'git:HEAD;touch pwned:plan.yaml' plan.yaml
	[ "$status" -eq 2 ] && [ ! -e pwned ]
	# nor an option of git's: --output would write a file
	run_split diff 'git:--output=pwned:plan.yaml' plan.yaml
	[ "$status" -eq 2 ] && [ ! -e pwned ]
	[[ "$stderr" == *"a revision cannot start with '-'"* ]]
}

# The aicost and git lines of the README's CI jobs, in order.
ci_commands() {   # ci_commands github|gitlab
	awk -v want="$1" '
		/^## Budget checks in CI/ { on = 1; next }
		/^## / { on = 0 }
		on && /^```yaml/ { block++; next }
		on && /^```/ { next }
		on && ((want == "github" && block == 1) || (want == "gitlab" && block == 2)) {
			line = $0
			if (sub(/^ *- run: /, "", line) || sub(/^ *- /, "", line))
				if (line ~ /^(aicost|git) /)
					print line
		}' "$AICOST_ROOT/README.md"
}

@test "README's CI jobs: exactly their commands pass on a cheap change and fail on a dear one" {
	[ "$(ci_commands github | wc -l)" -eq 2 ]
	[ "$(ci_commands gitlab | wc -l)" -eq 3 ]
	PATH="$AICOST_ROOT/bin:$PATH"
	export GITHUB_STEP_SUMMARY=$BATS_TEST_TMPDIR/summary.md
	mkdir cheap dear
	# 7,665 GPU-hours: +5% (14,600 → 15,330); 14,600: +100% and over the total.
	(cd cheap && two_commit_repo 7665 >/dev/null)
	(cd dear && two_commit_repo 14600 >/dev/null)
	cd cheap/work
	while read -r cmd; do
		run bash -c "$cmd"
		[ "$status" -eq 0 ] || { echo "$cmd: $status $output"; false; }
	done < <(ci_commands github; ci_commands gitlab)
	xmllint --noout aicost-check.xml
	cd ../../dear/work
	ci_commands github > github.txt
	run bash -c "$(sed -n 1p github.txt)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"::error file=plan.yaml,line=9,col="*"over budget.total 20,000"* ]]
	run bash -c "$(sed -n 2p github.txt)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"::error file=plan.yaml,line=5,col=78,title=aicost diff%3A cost increase::"* ]]
	grep -q "### aicost diff: \*\*over budget\*\*" "$GITHUB_STEP_SUMMARY"
	ci_commands gitlab > gitlab.txt
	run bash -c "$(sed -n 1p gitlab.txt)"
	[ "$status" -eq 1 ]
	xmllint --noout aicost-check.xml
	[ "$(junit_counts aicost-check.xml)" = "1 2 1 0" ]
	run bash -c "$(sed -n 2p gitlab.txt)"
	[ "$status" -eq 0 ]
	run bash -c "$(sed -n 3p gitlab.txt)"
	[ "$status" -eq 1 ]
	[[ "$output" == *"over --max-increase 10%"* ]]
}

@test "estimate: a breach is printed also under -q; markdown and csv carry the verdict" {
	gate_yaml
	run_split -q estimate --format markdown gate.yaml
	# the plan (rent, the cheapest) is within; dear's own breaches are named
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"dear: total 21,900 is over deployments.dear.budget.total 20,000"* ]]
	[[ "$output" == *"**Budget: FAIL**, 4 of 8 limits not met"* ]]
	run_split -q estimate --deployment dear --format csv gate.yaml
	[ "$status" -eq 1 ]
	[[ "${lines[1]}" == dear,*,fail ]]
	[[ "$stderr" == *"dear is over budget"* ]]
	run_split -q estimate --deployment rent --format csv gate.yaml
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	[[ "${lines[1]}" == rent,*,pass ]]
}
