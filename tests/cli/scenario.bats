#!/usr/bin/env bats
# Scenario files: validate and estimate on the shipped examples, --set, and a table of
# broken files, each of which must exit 2 with a message naming file:line:col and field.
load helpers

SCENARIOS=$AICOST_ROOT/scenarios

# pyq EXPR: evaluates the Python expression EXPR over the JSON on stdin as `d`
# (python3 is a build dependency; jq is not).
pyq() {
	python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# A valid minimal scenario; cases below edit it with sed.
write_base() {
	cat >"$1" <<'EOF'
name: t
workloads:
  - name: w
    kind: training
    params: 7B
    tokens: 1T
    accelerator: H100-SXM
    gpus: 8
deployments:
  - {name: aws, kind: cloud, provider: aws}
EOF
}

# invalid FILE EXPECTED...: validate exits 2, stdout is empty and stderr holds each EXPECTED.
invalid() {
	local file=$1
	shift
	run_split validate "$file"
	[ "$status" -eq 2 ] || { echo "exit $status: $stderr"; return 1; }
	[ -z "$output" ] || { echo "stdout: $output"; return 1; }
	for expected in "$@"; do
		[[ "$stderr" == *"$expected"* ]] || { echo "missing '$expected' in: $stderr"; return 1; }
	done
}

# edited SED-SCRIPT: the base scenario edited, written to edited.yaml
edited() {
	write_base base.yaml
	sed "$1" base.yaml >edited.yaml
}

@test "every shipped scenario validates" {
	run aicost validate "$SCENARIOS"/*.yaml
	[ "$status" -eq 0 ]
	[ "$(ls "$SCENARIOS"/*.yaml | wc -l)" -ge 5 ]
	[ "${#lines[@]}" -eq "$(ls "$SCENARIOS"/*.yaml | wc -l)" ]
	[[ "$output" == *"onprem-vs-cloud-64gpu.yaml: ok (3 workloads, 3 deployments, 36 months)"* ]]
}

@test "every shipped scenario estimates in every format" {
	for f in "$SCENARIOS"/*.yaml; do
		for format in table csv json markdown; do
			run_split estimate --format "$format" "$f"
			[ "$status" -eq 0 ] || { echo "$f ($format): $stderr"; return 1; }
			[ -n "$output" ]
		done
	done
}

@test "validate -q prints nothing for valid files; --help lists every option" {
	run aicost validate -q "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run aicost validate --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: aicost validate"* ]]
	for opt in --set --no-store --quiet --help; do [[ "$output" == *"$opt"* ]]; done
	run aicost estimate --help
	[[ "$output" == "usage: aicost estimate"* ]]
	for opt in --set --format --help; do [[ "$output" == *"$opt"* ]]; done
}

@test "validate without files is a usage error" {
	run_split validate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"expected one or more scenario files"* ]]
}

@test "validate reports every file and fails if one is bad" {
	write_base good.yaml
	printf 'name: [\n' >bad.yaml
	run_split validate good.yaml bad.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == "good.yaml: ok"* ]]
	[[ "$stderr" == *"bad.yaml:2:1: YAML syntax error"* ]]
}

@test "estimate json carries the contract's workloads[] keys" {
	run_split estimate --format json "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	run pyq '" ".join(map(str, [d["scenario"], d["currency"], d["horizon_months"], len(d["workloads"])]))' <<<"$output"
	[ "$output" = "onprem-vs-cloud-64gpu USD 36 3" ]
	json=$("$AICOST" estimate --format json "$SCENARIOS/onprem-vs-cloud-64gpu.yaml")
	for key in name kind flops gpu_hours wall_hours accelerator gpus weights_gb kv_cache_gb \
		prefill_ms decode_ms_per_token tokens_per_second_per_gpu replicas; do
		run pyq "all('$key' in w for w in d['workloads'])" <<<"$json"
		[ "$output" = True ] || { echo "workloads[] lacks $key"; return 1; }
	done
}

@test "estimate: 13B on 1T tokens at 40% MFU on H100 is 55,059 GPU-hours" {
	# 6 · 13e9 · 1e12 = 7.8e22 FLOPs / (989e12 · 0.4 · 3600) = 54,769 GPU-hours of work.
	# Interruptions default to Llama 3's 419 in 54 days on 16,384 GPUs: 4.7359e-4 per
	# GPU-day × 256 = λ 0.0050516 an hour. The 13e9 · 14-byte checkpoint at 32 servers'
	# 1 GB/s takes δ 5.69 s = 0.0015799 h; the best interval sqrt(2δ/λ) = 0.79088 h;
	# goodput 1 − δ/τ 0.0019976 − λ · (0.39544 + 0.25 + 0.00158) 0.0032685 = 0.994734;
	# 54,769 / 0.994734 = 55,059.
	run_split estimate --format json "$SCENARIOS/tpu-vs-gpu.yaml"
	[ "$status" -eq 0 ]
	run pyq '"%g %d %d %.4f" % (d["workloads"][0]["flops"], d["workloads"][0]["gpu_hours"], d["workloads"][0]["gpus"], d["workloads"][0]["assumptions"]["checkpoint_interval_hours"])' <<<"$output"
	[ "$output" = "7.8e+22 55059 256 0.7909" ]
}

@test "--set overrides a field by list index or by name before validation" {
	# (estimate's csv is one row per deployment; the workloads are in its json)
	run_split estimate --format json --set workloads.train.gpus=512 "$SCENARIOS/tpu-vs-gpu.yaml"
	[ "$status" -eq 0 ]
	run pyq '",".join(str(d["workloads"][0][k]) for k in ("name", "kind", "accelerator", "gpus"))' <<<"$output"
	[ "$output" = train,training,H100-SXM,512 ]
	run_split estimate --format json --set 'workloads[0].accelerator=TPU-v5p' \
		--set workloads.train.mfu=50% "$SCENARIOS/tpu-vs-gpu.yaml"
	[ "$status" -eq 0 ]
	run pyq '",".join(str(d["workloads"][0][k]) for k in ("name", "kind", "accelerator", "gpus"))' <<<"$output"
	[ "$output" = train,training,TPU-v5p,256 ]
}

@test "--set reports a bad value or path with the override named" {
	run_split validate --set workloads.train.gpus=-4 --set budget.monthy=1 \
		--set deployments.nope.gpus=1 "$SCENARIOS/tpu-vs-gpu.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--set workloads.train.gpus=-4: workloads[0].gpus: expected a positive whole number"* ]]
	[[ "$stderr" == *"budget.monthy: unknown key 'monthy'; did you mean 'monthly'?"* ]]
	[[ "$stderr" == *"--set deployments.nope.gpus=1: no item named 'nope' in deployments"* ]]
}

@test "estimate names the file and line of an unknown accelerator" {
	edited 's/accelerator: H100-SXM/accelerator: H100-SMX/'
	run_split estimate edited.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"edited.yaml:7:18: workloads[0].accelerator: unknown accelerator 'H100-SMX'"* ]]
}

@test "estimate explains a model whose training state does not fit" {
	edited 's/params: 7B/params: 70B/'
	run_split estimate edited.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"the training state needs 1120 GB"*"at least 14 GPUs"* ]]
}

@test "JSON scenarios load with line and column in errors" {
	printf '{"name": "j",\n "workloads": [{"name": "w", "kind": "training", "params": "7B",\n   "tokens": 1e12, "accelerator": "H100", "gpus": "eight"}],\n "deployments": [{"name": "a", "kind": "cloud", "provider": "aws"}]}\n' >s.json
	invalid s.json 's.json:3:51: workloads[0].gpus: "eight": expected'
	sed 's/"eight"/8/' s.json >ok.json
	run aicost validate ok.json
	[ "$status" -eq 0 ]
}

@test "several errors in one file are all reported" {
	edited 's/gpus: 8/gpus: 0/; s/tokens: 1T/tokns: 1T/; s/provider: aws/provider: aws, gpus: 8/'
	invalid edited.yaml 'edited.yaml:8:11: workloads[0].gpus: expected a positive whole number' \
		"edited.yaml:6:5: workloads[0].tokns: unknown key 'tokns'; did you mean 'tokens'?" \
		"deployments[0].gpus: 'gpus' applies to onprem deployments only"
	[ "$(wc -l <<<"$stderr")" -ge 4 ]
}

# The table of broken files.

@test "broken: empty file" {
	: >empty.yaml
	invalid empty.yaml 'empty.yaml:1:1: the file is empty'
}

@test "broken: only comments" {
	printf '# nothing here\n' >c.yaml
	invalid c.yaml 'c.yaml:1:1: the file is empty'
}

@test "broken: binary garbage" {
	printf '\x7fELF\x02\x01\x00\x00garbage' >g.yaml
	invalid g.yaml 'g.yaml:1:1: not a text file'
}

@test "broken: invalid UTF-8" {
	printf 'name: ok\nbad: \xff\xfe\n' >u.yaml
	invalid u.yaml 'u.yaml:2:6: not UTF-8 text (byte 0xff)'
}

@test "broken: invalid UTF-8 after accented letters is at its character column" {
	# Regression: the column counted bytes, so each é before the bad byte added one.
	printf 'name: \xc3\xa9t\xc3\xa9 \xff\n' >u2.yaml
	invalid u2.yaml 'u2.yaml:1:11: not UTF-8 text (byte 0xff)'
}

@test "broken: YAML syntax error" {
	printf 'name: [unclosed\nworkloads: 1\n' >s.yaml
	invalid s.yaml 's.yaml:2:10: YAML syntax error'
}

@test "broken: tab indentation" {
	printf 'name: x\n\tworkloads: []\n' >t.yaml
	invalid t.yaml 't.yaml:2:1: YAML syntax error: found a tab character'
}

@test "broken: duplicate key" {
	edited 's/gpus: 8/gpus: 8\n    gpus: 16/'
	invalid edited.yaml "edited.yaml:9:5: duplicate key 'gpus' (first given at line 8)"
}

@test "broken: duplicate key in JSON" {
	printf '{"name": "a",\n "name": "b"}\n' >d.json
	invalid d.json "d.json:2:7: JSON syntax error: duplicate object key"
}

@test "broken: JSON trailing comma" {
	printf '{"name": "x",\n "workloads": [1,]}\n' >j.json
	invalid j.json 'j.json:2:18: JSON syntax error'
}

@test "broken: a list instead of a mapping" {
	printf -- '- a\n- b\n' >l.yaml
	invalid l.yaml 'l.yaml:1:1: expected a scenario (a mapping'
}

@test "broken: wrong type (mapping for a number)" {
	edited 's/gpus: 8/gpus: {a: 1}/'
	invalid edited.yaml 'edited.yaml:8:11: workloads[0].gpus: expected a whole number, got a mapping'
}

@test "broken: wrong type (word for a count)" {
	edited 's/params: 7B/params: seven/'
	invalid edited.yaml 'edited.yaml:5:13: workloads[0].params: "seven": expected count'
}

@test "broken: negative count" {
	edited 's/gpus: 8/gpus: -4/'
	invalid edited.yaml 'edited.yaml:8:11: workloads[0].gpus: expected a positive whole number, got "-4"'
}

@test "broken: fractional GPU count" {
	edited 's/gpus: 8/gpus: 7.5/'
	invalid edited.yaml 'workloads[0].gpus: "7.5": expected a whole number'
}

@test "broken: huge number" {
	edited 's/gpus: 8/gpus: 99999999999999/'
	invalid edited.yaml 'edited.yaml:8:11: workloads[0].gpus: "99999999999999": number too large'
}

@test "broken: huge integer in JSON is too large, like in YAML" {
	# Regression: jansson's own "too big integer" syntax error stood in for the field's message.
	printf '{"workloads": [{"name": "w", "kind": "training", "params": 7e9, "tokens": 1e12,\n  "accelerator": "H100", "gpus": 123456789012345678901234567890}],\n "deployments": [{"name": "a", "kind": "cloud", "provider": "aws"}]}\n' >h.json
	invalid h.json 'h.json:2:34: workloads[0].gpus: "123456789012345678901234567890": number too large'
}

@test "JSON with a UTF-8 byte-order mark loads" {
	# Regression: looks_like_json skipped the mark but jansson was handed it and failed.
	printf '\xef\xbb\xbf{"workloads": [{"name": "w", "kind": "training", "params": "7B", "tokens": "1T",\n  "accelerator": "H100", "gpus": -8}],\n "deployments": [{"name": "a", "kind": "cloud", "provider": "aws"}]}\n' >bom.json
	invalid bom.json 'bom.json:2:34: workloads[0].gpus: expected a positive whole number, got "-8"'
	sed -i 's/-8/8/' bom.json
	run aicost validate bom.json
	[ "$status" -eq 0 ]
}

@test "broken: number beyond double" {
	edited 's/params: 7B/params: 1e999/'
	invalid edited.yaml 'workloads[0].params: "1e999": number too large'
}

@test "broken: percentage over 100" {
	edited 's/gpus: 8/gpus: 8\n    mfu: 140%/'
	invalid edited.yaml 'edited.yaml:9:10: workloads[0].mfu: "140%": expected at most 100%'
}

@test "broken: missing required key" {
	edited '/gpus: 8/d'
	invalid edited.yaml 'edited.yaml:3:5: workloads[0].gpus: required key is missing'
}

@test "broken: missing workloads" {
	edited '/^workloads:/,/gpus: 8/d'
	invalid edited.yaml 'edited.yaml:1:1: workloads: required key is missing; expected a list of one or more workloads'
}

@test "broken: missing kind says which kinds there are" {
	# Regression: a missing kind (or list) said only "expected a value".
	edited '/kind: training/d; s/provider: aws}/provider: aws}\n  - {name: b}/'
	invalid edited.yaml 'edited.yaml:3:5: workloads[0].kind: required key is missing; expected one of training, inference' \
		'edited.yaml:10:5: deployments[1].kind: required key is missing; expected one of cloud, onprem, hybrid'
}

@test "broken: unknown key with a suggestion" {
	edited 's/tokens: 1T/tokenz: 1T/'
	invalid edited.yaml "edited.yaml:6:5: workloads[0].tokenz: unknown key 'tokenz'; did you mean 'tokens'?"
}

@test "broken: unknown top-level key" {
	edited 's/^name: t/name: t\nhorizn: 12mo/'
	invalid edited.yaml "edited.yaml:2:1: horizn: unknown key 'horizn'; did you mean 'horizon'?"
}

@test "broken: unknown kind" {
	edited 's/kind: training/kind: trainig/'
	invalid edited.yaml 'edited.yaml:4:11: workloads[0].kind: unknown value "trainig"; did you mean "training"?'
}

@test "broken: an inference key on a training workload" {
	edited 's/gpus: 8/gpus: 8\n    batch: 4/'
	invalid edited.yaml "edited.yaml:9:5: workloads[0].batch: 'batch' applies to inference workloads only"
}

@test "broken: a unit where none fits" {
	edited 's/^name: t/name: t\nhorizon: 36 parsecs/'
	invalid edited.yaml "edited.yaml:2:10: horizon: \"36 parsecs\": unknown unit 'parsecs'"
}

@test "broken: purchase shares not adding up" {
	edited 's/provider: aws}/provider: aws, purchase: {spot: 50%, on-demand: 60%}}/'
	invalid edited.yaml 'deployments[0].purchase: the shares add up to 110%; they must add up to 100%'
}

@test "broken: unknown purchase option" {
	edited 's/provider: aws}/provider: aws, purchase: {reserved-2y: 100%}}/'
	invalid edited.yaml "deployments[0].purchase.reserved-2y: unknown value \"reserved-2y\"; did you mean \"reserved-1y\"?"
}

@test "broken: a reference to a deployment that does not exist" {
	write_base base.yaml
	printf '  - {name: mix, kind: hybrid, base: rack, burst: aws}\nbaseline: asw\n' >>base.yaml
	invalid base.yaml "deployments[1].base: no deployment named 'rack'" \
		"base.yaml:12:11: baseline: no deployment named 'asw'; did you mean 'aws'?"
}

@test "broken: hybrid burst naming an on-prem deployment" {
	write_base base.yaml
	cat >>base.yaml <<'EOF'
  - {name: rack, kind: onprem, gpus: 16, server_price: 300k, kw_per_server: 10, power_price: 0.1}
  - {name: mix, kind: hybrid, base: rack, burst: rack}
EOF
	invalid base.yaml "deployments[2].burst: 'rack' is a onprem deployment; expected a cloud one"
}

@test "broken: on-prem GPUs that do not fill whole servers" {
	write_base base.yaml
	printf '  - {name: rack, kind: onprem, gpus: 12, server_price: 300k, kw_per_server: 10, power_price: 0.1}\n' >>base.yaml
	invalid base.yaml 'deployments[1].gpus: 12 GPUs do not fill whole 8-GPU servers'
}

@test "broken: duplicate workload names" {
	write_base base.yaml
	sed -n '3,8p' base.yaml >w.yaml
	sed '8r w.yaml' base.yaml >edited.yaml
	invalid edited.yaml "edited.yaml:9:11: workloads[1].name: duplicate workload name 'w' (also workloads[0])"
}

@test "broken: YAML aliases" {
	printf 'x: &a 1\nname: *a\n' >a.yaml
	invalid a.yaml 'a.yaml:2:7: aliases (*a) are not supported'
}

@test "broken: two YAML documents" {
	printf 'name: a\n---\nname: b\n' >two.yaml
	invalid two.yaml 'two.yaml:2:1: a second YAML document'
}

@test "broken: absurd nesting" {
	python3 -c 'print("name: " + "[" * 200 + "]" * 200)' >deep.yaml
	invalid deep.yaml 'deep.yaml:1:' 'nesting deeper than 64 levels'
}

@test "broken: not a file" {
	mkdir dir.yaml
	invalid dir.yaml 'dir.yaml'
	invalid missing.yaml 'missing.yaml: No such file or directory'
}

@test "broken: hundreds of problems are capped at one hundred lines" {
	{
		echo 'workloads:'
		for i in $(seq 300); do
			echo "  - {name: w$i, kind: training, gpus: -1, accelerator: x, params: 1B, tokens: 1T}"
		done
		echo 'deployments: [{name: a, kind: cloud, provider: aws}]'
	} >many.yaml
	invalid many.yaml 'many.yaml: 200 more errors not shown'
	[ "$(wc -l <<<"$stderr")" -eq 101 ]
}

@test "broken: a cloud deployment without a provider under residency constraints" {
	# Regression: the residency check once read the missing provider.
	run_split validate --set 'deployments[0]={name: aws, kind: cloud}' \
		"$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"deployments[0].provider: required key is missing"* ]]
}

@test "validate looks accelerators up in the store, unless --no-store" {
	edited 's/accelerator: H100-SXM/accelerator: H100-SMX/'
	invalid edited.yaml "edited.yaml:7:18: workloads[0].accelerator: unknown accelerator 'H100-SMX'; did you mean 'H100-SXM'?"
	run aicost validate --no-store edited.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == "edited.yaml: ok"* ]]
}

@test "validate sizes every workload: training state that does not fit" {
	edited 's/params: 7B/params: 70B/'
	invalid edited.yaml 'edited.yaml:7:18: workloads[0]: workload '"'w'"': the training state needs 1120 GB' \
		'at least 14 GPUs'
}

@test "validate sizes workloads on a deployment's own accelerator" {
	# 70B fits 64 H100s (1120 GB of state in 5120 GB) but not 64 T4s (1024 GB).
	edited 's/params: 7B/params: 70B/; s/gpus: 8/gpus: 64/; s/provider: aws}/provider: aws, accelerator: T4}/'
	invalid edited.yaml 'edited.yaml:10:58: deployments[0].accelerator: workload '"'w'"': the training state needs 1120 GB' \
		'64 × T4 hold 1024 GB'
}

@test "validate: a store that cannot be opened is an error" {
	write_base base.yaml
	run_split --db /proc/aicost-nope/prices.db validate base.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"/proc/aicost-nope"* ]]
}

@test "broken: a workload that starts after the horizon" {
	edited 's/^name: t/name: t\nhorizon: 6mo/; s/gpus: 8/gpus: 8\n    start: 6mo/'
	invalid edited.yaml 'edited.yaml:10:12: workloads[0].start: starts at month 6, at or after the end of the 6-month horizon'
}

@test "broken: an empty name" {
	edited 's/name: w/name: ""/'
	invalid edited.yaml 'edited.yaml:3:11: workloads[0].name: expected a non-empty string'
}

@test "validate reports a workload that does not fit once, not again for each deployment on the same chip" {
	# Regression: an on-prem deployment inherits the workload's accelerator and the
	# same failure was reported a second time, blamed on deployments[1].accelerator.
	edited 's/params: 7B/params: 70B/; s/provider: aws}/provider: aws, accelerator: H100}\n  - {name: rack, kind: onprem, gpus: 8, server_price: 310k, kw_per_server: 10.2, power_price: 0.08}/'
	invalid edited.yaml 'edited.yaml:7:18: workloads[0]: workload '"'w'"': the training state needs 1120 GB'
	[ "$(grep -c 'training state needs' <<<"$stderr")" -eq 1 ] || { echo "$stderr"; return 1; }
}

@test "broken: an absurd horizon is one error, not a second about a negative month count" {
	# Regression: 1e300y became INT_MIN months and order_month 1 was "after the -2147483648-month horizon".
	run_split validate --no-store --set horizon=1e15y "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--set horizon=1e15y: horizon: a horizon over 100 years is not a plan"* ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ] || { echo "$stderr"; return 1; }
	# past 1e15 the number itself is refused (issue 20)
	run_split validate --no-store --set horizon=1e300y "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--set horizon=1e300y: horizon: \"1e300y\": number too large (at most 1e+15 before a unit)"* ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ] || { echo "$stderr"; return 1; }
}

@test "a model of absurd size is refused in a readable line" {
	# Regression: weights of 1e300 parameters were printed with %.1f: a 300-digit number.
	# (1e300 itself is now refused as a number; 1e15, the largest taken, is absurd enough.)
	run_split estimate --set workloads.serve.params=1e15 "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"weights (1e+06 GB) and one request's KV cache (0.0721 GB)"* ]] || { echo "$stderr"; return 1; }
	run_split estimate --set workloads.pretrain.params=1e15 "$SCENARIOS/pretrain-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"the training state needs 1.6e+07 GB"*"use at least 200000 GPUs"* ]] || { echo "$stderr"; return 1; }
	[ "$(wc -c <<<"$stderr")" -lt 400 ] || { echo "$stderr"; return 1; }
}

@test "'-' reads the scenario from standard input, named stdin in messages" {
	f=$AICOST_ROOT/scenarios/chat-8b.yaml
	run bash -c '"$0" validate - <"$1"' "$AICOST" "$f"
	[ "$status" -eq 0 ]
	[ "$output" = "stdin: ok (1 workload, 3 deployments, 12 months)" ]
	run bash -c 'sed "s/mfu: 40%/mfu: 400%/" "$1" | "$0" estimate -' "$AICOST" \
		"$AICOST_ROOT/scenarios/pretrain-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == "aicost estimate: stdin:"*": workloads[0].mfu: \"400%\": expected at most 100%" ]]
	run bash -c '"$0" -q compare --format json - <"$1" 2>/dev/null' "$AICOST" "$f"
	[ "$status" -eq 0 ]
	[ "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["scenario"])' <<<"$output")" = chat-8b ]
	run bash -c '"$0" estimate --deployment nope - <"$1"' "$AICOST" "$f"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--deployment: stdin has no deployment 'nope'"* ]]
}

@test "the scenario commands' --help says '-' is standard input" {
	for cmd in validate estimate compare optimize; do
		run aicost $cmd --help
		[[ "$output" == *"'-' is standard input"* ]] || { echo "$cmd"; return 1; }
	done
}

@test "validate checks a cloud deployment's provider, instance and region against the store" {
	f=$AICOST_ROOT/scenarios/chat-8b.yaml
	run_split validate --set deployments.aws-on-demand.instance=p5.48xlarg "$f"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == *"chat-8b.yaml:"*": deployments[0].instance: aws has no instance type 'p5.48xlarg' in the price store; did you mean 'p5.48xlarge'?" ]]
	run_split validate --set deployments.aws-on-demand.region=us-east-9 "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"deployments[0].region: no on-demand price for p5.48xlarge in region 'us-east-9' in the price store; did you mean 'us-east-1'?" ]]
	run_split validate --set deployments.aws-committed.provider=awz "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"deployments[1].provider: no on-demand prices for provider 'awz' in the price store; did you mean 'aws'?" ]]
	# estimate fails on the same scenario: validate is the pre-commit check for it
	run_split estimate --set deployments.aws-on-demand.instance=p5.48xlarg "$f"
	[ "$status" -eq 2 ]
	# a quoted price needs no offer; a region glob that matches is fine
	run_split validate --set deployments.aws-on-demand.instance=nope \
		--set deployments.aws-on-demand.price_per_gpu_hour=3 \
		--set 'deployments.aws-committed.region=US-*' "$f"
	[ "$status" -eq 0 ]
	run_split validate --no-store --set deployments.aws-on-demand.instance=p5.48xlarg "$f"
	[ "$status" -eq 0 ]
}

@test "validate checks the accelerator of a cloud deployment without an instance against the store" {
	# estimate prices coreweave (no instance) from its cheapest on-demand offer of
	# the chip in its region; validate passed a chip coreweave does not sell
	f=$AICOST_ROOT/scenarios/pretrain-8b.yaml
	run_split validate --set deployments.coreweave.accelerator=MI300X "$f"
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == *"deployments[2].accelerator: coreweave has no on-demand MI300X offer in region 'us' in the price store (known: GH200, A100-80GB, B200, H100-SXM, H200, L40S)" ]]
	run_split estimate --set deployments.coreweave.accelerator=MI300X "$f"
	[ "$status" -eq 2 ]
	# the chip the workload names, sold there: fine
	run_split validate --set deployments.coreweave.accelerator=H100-SXM "$f"
	[ "$status" -eq 0 ]
}
