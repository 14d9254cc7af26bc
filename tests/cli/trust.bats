#!/usr/bin/env bats
# Answers a CFO can trust (issue 10): assumptions echoed, feasibility, commitments
# owed in full, per-unit figures, unknown prices not counted as zero, currency.
load helpers

SCENARIOS=$AICOST_ROOT/scenarios

# jq-less JSON access: python3 -c "$PY" EXPR < json
PY='
import json, sys
r = json.load(sys.stdin)
print(eval(sys.argv[1]))
'

json() {   # json EXPR  (on $output)
	python3 -c "$PY" "$1" <<<"$output"
}

@test "estimate json: each workload echoes the assumptions its demand rests on" {
	run aicost -q estimate --format json "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	# H100-SXM in fp8: 1979 TFLOP/s dense, 3.35 TB/s; the scenario's 50% / 70%.
	[ "$(json 'r["workloads"][0]["assumptions"]["peak_tflops"]')" = 1979.0 ]
	[ "$(json 'r["workloads"][0]["assumptions"]["precision"]')" = fp8 ]
	[ "$(json 'r["workloads"][0]["assumptions"]["hbm_tb_s"]')" = 3.35 ]
	[ "$(json 'r["workloads"][0]["assumptions"]["compute_efficiency"]')" = 0.5 ]
	[ "$(json 'r["workloads"][0]["assumptions"]["bandwidth_efficiency"]')" = 0.7 ]
	[ "$(json 'r["workloads"][0]["assumptions"]["mfu"]')" = None ]
	# achieved latency within the SLO {ttft: 500ms, tpot: 50ms}
	[ "$(json '0 < r["workloads"][0]["assumptions"]["ttft_ms"] <= 500')" = True ]
	[ "$(json '0 < r["workloads"][0]["assumptions"]["tpot_ms"] <= 50')" = True ]
	run aicost -q estimate --format json "$SCENARIOS/pretrain-8b.yaml"
	[ "$(json 'r["workloads"][0]["assumptions"]["precision"]')" = bf16 ]
	[ "$(json 'r["workloads"][0]["assumptions"]["mfu"] > 0')" = True ]
	[ "$(json 'r["workloads"][0]["assumptions"]["tpot_ms"]')" = None ]
}

@test "estimate table prints the key assumptions; -v prints all of them" {
	run aicost -q estimate "$SCENARIOS/chat-8b.yaml"
	[[ "$output" == *"TTFT-MS"*"TPOT-MS"* ]]
	[[ "$output" != *"PEAK-TFLOPS"* ]]
	run aicost -v estimate "$SCENARIOS/chat-8b.yaml"
	[[ "$output" == *"PEAK-TFLOPS"*"PRECISION"*"COMPUTE-EFF"*"BW-EFF"*"HBM-TB/S"* ]]
	[[ "$output" == *" fp8 "* ]]
}

@test "an SLO that batch 1 misses names only the targets given, suggests no smaller batch" {
	run_split estimate --set workloads.serve.slo.ttft=1ms --set workloads.serve.slo.tpot= \
		--set workloads.serve.batch=1 "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"SLO cannot be met"* ]]
	[[ "$stderr" != *nan* ]]
	[[ "$stderr" != *"smaller batch"* ]]
}
