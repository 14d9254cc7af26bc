#!/usr/bin/env bats
# aicost repl fed scripts on standard input (no terminal): what set, undo, redo,
# show, sweep and save print, errors with line numbers, and the commands of the
# table run on the session's scenario. The prompt itself: repl-tty.bats.
load helpers

GOLDEN=$AICOST_ROOT/tests/cli/golden

# whatif.yaml gives every price, so the figures are hand-calculable:
#   cloud: 100,000 GPU-hours x 2.50 = 250,000, paid 8 GPUs x 730 h x 2.50 = 14,600 a
#          month for 12,500 h (months 1-18)
#   rack:  capex 200,000 + 10% network = 220,000 in month 1; at the 36-month horizon
#          24 of 60 months of life are left: 40% x 220,000 = 88,000 back -> 132,000
#   break-even of rack against cloud: 220,000 / 14,600 = 15.1 -> month 16
setup_whatif() {
	cp "$AICOST_ROOT/tests/fixtures/repl-whatif.yaml" whatif.yaml
}

@test "repl: set, undo, redo, reset, unset and show print what moved (golden)" {
	setup_whatif
	# at 3.00: cloud 100,000 x 3 = 300,000 (+20.0%), 17,520 a month: 220,000 in month 13
	# server 300k: 330,000 - 40% = 198,000 (+50.0%); cloud's 300,000 never reaches 330,000
	# at 1.00: cloud 100,000 (-66.7%) is cheaper than rack's 198,000: the cheapest changes
	run_split repl whatif.yaml <"$GOLDEN/repl-edit.in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	diff -u "$GOLDEN/repl-edit.txt" <(echo "$output")
}

@test "repl: sweep prints a table and a chart; two paths a grid (golden)" {
	setup_whatif
	# gpus 4: 4 x 730 x 2.50 = 7,300 a month; 220,000 / 7,300 = 30.1 -> month 31
	# server 100k: 110,000 - 40% = 66,000
	run_split repl whatif.yaml <"$GOLDEN/repl-sweep.in"
	[ "$status" -eq 0 ]
	diff -u "$GOLDEN/repl-sweep.txt" <(echo "$output")
}

@test "repl: a set gives the totals estimate --set gives" {
	f=$AICOST_ROOT/scenarios/onprem-vs-cloud-64gpu.yaml
	run_split repl "$f" <<<"set deployments.rack.gpus 128"
	[ "$status" -eq 0 ]
	before=$("$AICOST" -q estimate --format json "$f" |
		python3 -c 'import json,sys; r=json.load(sys.stdin); print(round([d for d in r["deployments"] if d["name"] == r["cheapest"]][0]["total"]))')
	after=$("$AICOST" -q estimate --format json --set deployments.rack.gpus=128 "$f" |
		python3 -c 'import json,sys; r=json.load(sys.stdin); print(round([d for d in r["deployments"] if d["name"] == "rack"][0]["total"]))')
	expected=$(python3 -c "
import sys
b, a = $before, $after
sign = '\u2212' if a < b else '+'
print('total: {:,} \u2192 {:,} ({}{:.1f}%) on rack'.format(b, a, sign, abs(a - b) / b * 100))")
	[ "${lines[0]}" = "$expected" ]
}

@test "repl: commands of the table run on the edited scenario" {
	setup_whatif
	run_split repl whatif.yaml <<'EOF'
set deployments.cloud.price_per_gpu_hour 3
cost --format json
EOF
	[ "$status" -eq 0 ]
	json=$(sed 1,3d <<<"$output")
	[ "$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(round(r["deployments"][0]["total"]))' <<<"$json")" = 300000 ]
	[ "$json" = "$("$AICOST" estimate --format json --set deployments.cloud.price_per_gpu_hour=3 whatif.yaml)" ]
	# --set on top of the session's edits, and compare too
	run_split repl whatif.yaml <<'EOF'
set deployments.cloud.price_per_gpu_hour 3
estimate --set deployments.rack.server_price=300k --format csv
compare --format csv
EOF
	[ "$status" -eq 0 ]
	[[ "$output" == *"rack,onprem,198000"* ]]
	grep -q '^cloud,' <<<"$output"
}

@test "repl: errors name their line and the script goes on; exit 2" {
	setup_whatif
	run_split repl whatif.yaml <<'EOF'
set deployments.rack.gpus 16
set deployments.rack.gpus -4
bogus
estimate --bogus
unset deployments.rack.nothing
set deployments.nothing.gpus 1
undo
redo
redo
show deployments.rack.gpus
EOF
	[ "$status" -eq 2 ]
	[ "$(grep -c '^line ' <<<"$stderr")" -eq 7 ]
	grep -q '^line 2: .*deployments\[1\]\.gpus: expected a positive whole number, got "-4"' <<<"$stderr"
	grep -q "^line 3: 'bogus' is not a command; see 'help'" <<<"$stderr"
	grep -q "^line 4: aicost estimate: unknown option '--bogus'" <<<"$stderr"
	grep -q "^line 5: unset deployments.rack.nothing: not in the scenario" <<<"$stderr"
	grep -q "^line 6: .*no item named 'nothing' in deployments" <<<"$stderr"
	grep -q "^line 9: nothing to redo" <<<"$stderr"
	# the lines after each error ran: 16 GPUs stayed in effect (undone, redone)
	[ "${lines[-1]}" = "deployments.rack.gpus = 16  (set on line 1)" ]
}

@test "repl --stop-on-error stops at the first failing line with exit 2" {
	setup_whatif
	run_split repl --stop-on-error whatif.yaml <<'EOF'
show deployments.rack.gpus
set deployments.rack.gpus x
show deployments.rack.gpus
EOF
	[ "$status" -eq 2 ]
	[ "$output" = "deployments.rack.gpus = 8  (whatif.yaml:23)" ]
	[[ "$stderr" == "line 2: "* ]]
}

@test "repl: save keeps comments and key order; validate accepts it; it loads back" {
	setup_whatif
	run_split repl whatif.yaml <<'EOF'
set deployments.cloud.price_per_gpu_hour 3
set deployments.rack.staff_cost 150k/year
set deployments.rack.staff 1
unset deployments.rack.depreciation
set workloads.pretrain.deadline 18mo
save out.yaml
EOF
	[ "$status" -eq 0 ]
	# one FTE at 150k a year for 3 years: 132,000 + 450,000 = 582,000 (+340.9%)
	[ "${lines[4]}" = "total: 132,000 → 582,000 (+340.9%) on rack" ]
	[ "${lines[5]}" = "cheapest: rack → cloud (300,000)" ]
	[ "${lines[-1]}" = "saved out.yaml" ]
	run diff whatif.yaml out.yaml
	[ "$output" = "12a13
>     deadline: 18mo
19c20
<     price_per_gpu_hour: 2.50    # per GPU-hour, on demand
---
>     price_per_gpu_hour: 3    # per GPU-hour, on demand
27c28,29
<     depreciation: 5y
---
>     staff_cost: 150k/year
>     staff: 1" ]
	run aicost validate out.yaml
	[ "$status" -eq 0 ]
	# the saved file prices as the session did
	run_split repl out.yaml <<<"cost --format csv"
	[ "$output" = "$("$AICOST" estimate --format csv whatif.yaml \
		--set deployments.cloud.price_per_gpu_hour=3 --set deployments.rack.staff=1 \
		--set deployments.rack.staff_cost=150k/year --set workloads.pretrain.deadline=18mo)" ]
}

@test "repl: a JSON scenario is saved as YAML written afresh, still valid" {
	cat >whatif.json <<'EOF'
{"name": "whatif", "horizon": "36mo", "start_date": "2026-01-01",
 "workloads": [{"name": "pretrain", "kind": "training", "accelerator": "H100-SXM",
                "gpu_hours": "100k", "gpus": 8}],
 "deployments": [
   {"name": "cloud", "kind": "cloud", "provider": "aws", "region": "us-east-1",
    "price_per_gpu_hour": 2.5, "purchase": {"on-demand": "100%"}},
   {"name": "rack", "kind": "onprem", "accelerator": "H100-SXM", "gpus": 8,
    "server_price": "200k", "kw_per_server": 10, "power_price": "0/kWh",
    "region": "null", "depreciation": "5y"}],
 "baseline": "cloud", "constraints": {"providers": ["aws"], "regions": []}}
EOF
	run_split repl whatif.json <<'EOF'
set deployments.cloud.price_per_gpu_hour 3
save whatif.yaml
EOF
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "saved whatif.yaml (written afresh: the comments could not be kept with these changes)" ]
	[ "$(sed -n 1,5p whatif.yaml)" = "name: whatif
horizon: 36mo
start_date: 2026-01-01
workloads:
  - name: pretrain" ]
	grep -q '^    price_per_gpu_hour: 3$' whatif.yaml
	grep -q '^    region: "null"$' whatif.yaml     # a string, not a null
	grep -q '^  regions: \[\]$' whatif.yaml
	run aicost validate whatif.yaml
	[ "$status" -eq 0 ]
	run aicost estimate --format csv whatif.yaml
	[ "$output" = "$("$AICOST" estimate --format csv whatif.json \
		--set deployments.cloud.price_per_gpu_hour=3)" ]
}

@test "repl: save without a name writes the loaded file; load asks nothing in a script" {
	setup_whatif
	run_split repl whatif.yaml <<'EOF'
set deployments.rack.server_price 250k
save
load whatif.yaml
show deployments.rack.server_price
EOF
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "deployments.rack.server_price = 250k  (whatif.yaml:24)" ]
	grep -q '^    server_price: 250k          # one 8-GPU server$' whatif.yaml
}

@test "repl: help lists its commands and the table's; help COMMAND" {
	run_split repl <<'EOF'
help
help sweep
help estimate
EOF
	[ "$status" -eq 0 ]
	[[ "$output" == *"set PATH VALUE"* ]]
	[[ "$output" == *"usage: sweep PATH FROM TO STEP"* ]]
	[[ "$output" == *"usage: aicost estimate"* ]]
	for cmd in estimate compare optimize validate pricing; do
		grep -q "^  $cmd " <<<"$output" || { echo "help lacks $cmd"; return 1; }
	done
}

@test "repl: without a scenario, set asks for one; load brings it" {
	setup_whatif
	run_split repl <<'EOF'
set deployments.rack.gpus 16
load whatif.yaml
set deployments.rack.gpus 16
EOF
	[ "$status" -eq 2 ]
	[ "$stderr" = "line 1: no scenario loaded; 'load FILE' first" ]
	[ "${lines[0]}" = "whatif: 1 workload, 2 deployments over 36 months; cheapest rack at 132,000 USD" ]
	# 16 GPUs: 2 servers, capex 440,000 - 40% = 264,000
	[ "${lines[1]}" = "total: 132,000 → 264,000 (+100.0%) on rack" ]
}

@test "repl: a scenario that cannot be loaded is exit 2 before any line" {
	run_split repl nosuch.yaml <<<"show"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "aicost repl: nosuch.yaml"* ]]
	run_split repl a.yaml b.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == "aicost repl: expected at most one scenario file"* ]]
}

@test "repl: quoted words, comments and blank lines" {
	setup_whatif
	run_split repl whatif.yaml <<'EOF'

# a comment
set deployments.aws.region 'us east'   # no such deployment
show "deployments.rack.gpus"
set workloads.pretrain.name "unterminated
EOF
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"line 3: "*"no item named 'aws'"* ]]
	[[ "$stderr" == *"line 5: unterminated \" quote"* ]]
	[ "$output" = "deployments.rack.gpus = 8  (whatif.yaml:23)" ]
}

@test "repl: a command of the table run three times in a session prints the same each time" {
	setup_whatif
	for cmd in "estimate --format json" "compare --format csv" "optimize --top 2" \
		"validate whatif.yaml" "pricing list --accelerator h100" "estimate --bogus" \
		"help compare"; do
		run_split repl whatif.yaml <<<"$cmd"
		once=$output once_err=${stderr//line 1: /}
		run_split repl whatif.yaml <<<"$cmd
$cmd
$cmd"
		[ "$output" = "${once:+$once
$once
$once}" ] || { echo "$cmd: stdout differs"; return 1; }
		err=${stderr//line [123]: /}
		[ "$err" = "${once_err:+$once_err
$once_err
$once_err}" ] || { echo "$cmd: stderr differs: $stderr"; return 1; }
	done
}

@test "repl: check and plot run on the edited scenario" {
	setup_whatif
	# server 400k: 440,000 - 40% = 264,000; cloud's 250,000 becomes the plan and breaks 200k
	run_split repl whatif.yaml <<'EOF2'
check --budget-total 200k
set deployments.rack.server_price 400k
check --budget-total 200k
EOF2
	[ "$status" -eq 0 ]   # a check that fails is an answer, not a failing line
	[ "${lines[1]}" = "PASS  rack: total 132,000 is within --budget-total 200,000, headroom 68,000 (34.0%)" ]
	[ "${lines[-2]}" = "FAIL  cloud: total 250,000 is over --budget-total 200,000 by 50,000 (25.0%)" ]
	# at 3.00 an hour the cloud passes 220,000 in month 13 (17,520 a month)
	run_split repl whatif.yaml <<'EOF2'
set deployments.cloud.price_per_gpu_hour 3
plot cumulative --size 70x20
plot risk -o risk.svg
EOF2
	[ "$status" -eq 0 ]
	[[ "$output" == *"rack breaks even in month 13"* ]]
	grep -q '<svg' risk.svg
}

@test "repl: diff FILE compares the file with the edited scenario; report writes it" {
	setup_whatif
	run_split repl whatif.yaml <<'EOF2'
set deployments.rack.server_price 300k
diff whatif.yaml
report -o r.html
EOF2
	[ "$status" -eq 0 ]
	# capex 220,000 -> 330,000 less 40% back: 132,000 -> 198,000
	grep -q '^  deployments.rack.server_price: 200k → 300k  \[whatif.yaml:24:19\]  plan total alone: +66,000$' <<<"$output"
	grep -q '^  rack: 132,000 → 198,000: +66,000 (+50.0%)$' <<<"$output"
	grep -q '198,000' r.html
	# outside the REPL diff still needs both
	run_split diff whatif.yaml
	[ "$status" -eq 2 ]
}
