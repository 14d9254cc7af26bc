#!/usr/bin/env bats
# Absurd values of the keys that become counts (review 5): each is refused with
# exit 2 naming the place and the key, or reported for what it is, never cast to
# an int it does not fit (undefined behaviour: a sanitizer abort, garbage plans).
load helpers

SCENARIOS=$AICOST_ROOT/scenarios

# Runs COMMAND with the --set options, expects exit 2 and each later string in stderr.
refused() {
	local command=$1 setting=$2 scenario=$3
	shift 3
	run_split "$command" --set "$setting" "$SCENARIOS/$scenario"
	[ "$status" -eq 2 ] || { echo "exit $status: $stderr"; return 1; }
	for expected in "$@"; do
		[[ "$stderr" == *"$expected"* ]] || { echo "missing '$expected' in: $stderr"; return 1; }
	done
}

@test "finding 1: a batch of 2.4e17 sequences is refused at batch_tokens, before the planner" {
	# 1000000000T tokens / 4096 a sequence = 2.44e17 sequences; the bound is 1e9
	refused estimate workloads.pretrain.batch_tokens=1000000000T pretrain-8b.yaml \
		"--set workloads.pretrain.batch_tokens=1000000000T: workloads[0].batch_tokens: 2.44141e+17 sequences of 4096 tokens a batch: expected at most 1000000000"
	# a subnormal sequence length made the batch infinite
	refused estimate workloads.pretrain.seq_len=1e-300 pretrain-8b.yaml \
		"workloads[0].seq_len: expected a whole number of tokens from 1 to 100000000, got 1e-300"
	refused validate workloads.pretrain.seq_len=4096.5 pretrain-8b.yaml \
		"workloads[0].seq_len: expected a whole number of tokens"
	# in a file: file:line:col of the key
	cat > big.yaml <<-'EOF'
	name: big
	workloads:
	  - name: w
	    kind: training
	    accelerator: H100-SXM
	    gpus: 8
	    params: 8B
	    tokens: 1T
	    seq_len: 8
	    batch_tokens: 10B
	deployments:
	  - {name: x, kind: cloud, provider: aws, region: us-east-1}
	EOF
	run_split validate --no-store big.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"big.yaml:10:19: workloads[0].batch_tokens: 1.25e+09 sequences of 8 tokens a batch"* ]] || { echo "$stderr"; return 1; }
	# the largest that is allowed still plans (1e9 sequences of 1 token)
	sed -i 's/seq_len: 8/seq_len: 10/' big.yaml
	run_split validate --no-store big.yaml
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
}

@test "finding 2: a pipeline needing 7e16 vCPUs at once is refused at its deadline" {
	# 1000000PB / throughput = 2e10 vCPU-hours in 1 ms (2.78e-7 h) = 7.2e16 vCPUs
	run_split estimate --set workloads.clean.deadline=1ms --set workloads.clean.input=1000000PB \
		"$SCENARIOS/pipeline-prep.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--set workloads.clean.deadline=1ms: workloads[0].deadline: 2e+10 vCPU-hours by it need 7.2e+16 vCPUs at once: expected at most 100000000"* ]] || { echo "$stderr"; return 1; }
	# the shipped deadline is fine
	run_split validate --no-store --set workloads.clean.deadline=12h "$SCENARIOS/pipeline-prep.yaml"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
}

@test "finding 3: a financing term over 100 years is refused like the horizon" {
	run_split validate --no-store --set deployments.rack.financing.term=1000000000y \
		--set deployments.rack.financing.rate=5% "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--set deployments.rack.financing.term=1000000000y: deployments[1].financing.term: a loan over 100 years is not a plan"* ]] || { echo "$stderr"; return 1; }
	run_split validate --no-store --set deployments.rack.financing.term=100y \
		--set deployments.rack.financing.rate=5% "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ] || { echo "$stderr"; return 1; }
}

@test "finding 4: optimize sizes absurd training counts in double and says why none fits" {
	# 1e21 params x 1e15 bytes each: more than the memory of the 1e6-GPU cap (1e6 x 80 GB)
	run_split optimize --set workloads.pretrain.gpus= --set workloads.pretrain.params=1000000000T \
		--set workloads.pretrain.state_bytes_per_param=1000000000000000 "$SCENARIOS/pretrain-8b.yaml"
	[[ "$stderr" == *"the training state needs more than the memory of 1000000 H100-SXM"* ]] || { echo "$stderr"; return 1; }
	# a 1 ms deadline (2.778e-07 h), said as such rather than "0 h"
	run_split optimize --set workloads.pretrain.gpus= --set workloads.pretrain.tokens=1000000000T \
		--set workloads.pretrain.deadline=1ms "$SCENARIOS/pretrain-8b.yaml"
	[[ "$stderr" == *"meets the 2.778e-07 h it has"* ]] || { echo "$stderr"; return 1; }
}

@test "finding 5: a REPL sweep of 1e22 or infinitely many values is refused before counting them" {
	printf 'sweep workloads.pretrain.tokens 0 1T 1e-300\nsweep workloads.pretrain.tokens 0 1T 1e-10\n' > in
	run_split repl "$SCENARIOS/pretrain-8b.yaml" < in
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"line 1: sweep workloads.pretrain.tokens: inf values; at most 1000"* ]] || { echo "$stderr"; return 1; }
	[[ "$stderr" == *"line 2: sweep workloads.pretrain.tokens: 1e+22 values; at most 1000"* ]] || { echo "$stderr"; return 1; }
}

@test "finding 6: optimize --top is a usage error above 10000, not an allocation of 1B candidates" {
	run_split optimize --top 1B "$SCENARIOS/pretrain-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"aicost optimize: --top: expected from 1 to 10000, got 1B"* ]] || { echo "$stderr"; return 1; }
	run_split optimize --top 0 "$SCENARIOS/pretrain-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--top: expected from 1 to 10000, got 0"* ]]
}

@test "finding 7: layers, hidden and heads are bounded with the key named" {
	refused validate workloads.pretrain.layers=2147483647 pretrain-8b.yaml \
		"workloads[0].layers: 2147483647 layers: expected at most 10000"
	run_split validate --no-store --set workloads.pretrain.layers=32 \
		--set workloads.pretrain.hidden=2000000 "$SCENARIOS/pretrain-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"workloads[0].hidden: 2000000 hidden units: expected at most 1000000"* ]] || { echo "$stderr"; return 1; }
	# inference shapes too
	refused validate workloads.serve.layers=20000 chat-8b.yaml \
		"workloads[0].layers: 20000 layers: expected at most 10000"
}

@test "finding 8: more traffic than any cluster serves says so, not that one request misses the SLO" {
	run_split estimate --set workloads.serve.requests_per_day=1000000000T "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"requests/s need more than 1e+07 replicas, more than any cluster holds"* ]] || { echo "$stderr"; return 1; }
	[[ "$stderr" != *"one request alone misses it"* ]]
}

@test "finding 10: a horizon under a month is refused at the key, by estimate and optimize" {
	for command in validate estimate optimize; do
		run_split "$command" --set horizon=1ms "$SCENARIOS/pretrain-8b.yaml"
		[ "$status" -eq 2 ] || { echo "$command: exit $status"; return 1; }
		[[ "$stderr" == *"pretrain-8b.yaml: --set horizon=1ms: horizon: expected at least one month"* ]] || { echo "$stderr"; return 1; }
	done
	printf 'name: h\nhorizon: 1ms\nworkloads: []\n' > h.yaml
	run_split validate --no-store h.yaml
	[[ "$stderr" == *"h.yaml:2:10: horizon: expected at least one month"* ]] || { echo "$stderr"; return 1; }
}

@test "finding 11: a training job of 2^31-1 GPUs is refused at gpus, by optimize as by estimate" {
	for command in estimate optimize; do
		refused "$command" workloads.train-v1.gpus=2147483647 onprem-vs-cloud-64gpu.yaml \
			"--set workloads.train-v1.gpus=2147483647: workloads[0].gpus: 2147483647 GPUs: expected at most 1000000"
	done
}
