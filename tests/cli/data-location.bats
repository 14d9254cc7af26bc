#!/usr/bin/env bats
# validate checks data.location against the price store (issue 13): an unknown
# provider or region is an error naming file:line:col and the field; a region the
# store has no storage price for is a warning (estimate prices it at the provider's
# catalog region, pricing/storage.csv: aws us-east-1, gcp us-central1).
load helpers

write_scenario() {   # $1 file, $2 location
	cat > "$1" <<-EOF
	name: where
	horizon: 1mo
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 5840}
	data: {stored: 100TB, location: $2}
	deployments:
	  - {name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2}
	  - {name: rack, kind: onprem, gpus: 8, server_price: 300k, kw_per_server: 10,
	     power_price: 0.1}
	EOF
}

@test "validate: data.location's provider must be in the store" {
	write_scenario d.yaml azur/eastus
	run_split validate d.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"d.yaml:5:33: data.location: no provider 'azur' in the price store; did you mean 'azure'?"* ]]
}

@test "validate: data.location's region must be one of the provider's" {
	write_scenario d.yaml aws/us-eest-1
	run_split validate d.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"d.yaml:5:33: data.location: aws has no region 'us-eest-1' in the price store; did you mean 'us-east-1'?"* ]]
}

@test "validate: a region with no storage price of its own is a warning, not an error" {
	write_scenario d.yaml aws/eu-west-1
	run_split validate d.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == "d.yaml: ok "* ]]
	[[ "$stderr" == *"warning: d.yaml:5:33: data.location: no hot storage price for aws/eu-west-1 in the price store; estimate prices it as in us-east-1 (S3 Standard)"* ]]
	# where the store has the price: no warning
	write_scenario d.yaml aws/us-east-1
	run_split validate d.yaml
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# an on-prem deployment's name is not looked up
	write_scenario d.yaml rack
	run_split validate d.yaml
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# a --set location is named as such
	run_split validate --set data.location=gcp/europe-west9 d.yaml
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"warning: d.yaml: --set data.location=gcp/europe-west9: data.location: no hot storage price for gcp/europe-west9"*"as in us-central1"* ]]
}
