#!/usr/bin/env bats
# aicost pricing: the store seeded from the shipped catalog, offline.
load helpers

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
