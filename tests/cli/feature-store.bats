#!/usr/bin/env bats
# Feature stores (issue 13): feature_store: {online, offline, reads_per_second} on a
# workload, the online share on memory-optimised instances sized for its bytes and
# its reads, the offline share on hot object storage; both in breakdown.storage.
# Hand-worked against the shipped catalog:
#   aws us-east-1 r8g.12xlarge: 384 GiB, 48 vCPUs, 2.82768/h (pricing/aws.csv)
#   S3 Standard 0.023 per GB-month (pricing/storage.csv)
# 75% of a node's memory is usable (FEATURE_STORE_USABLE_MEMORY): 288 GiB of 384.
load helpers

# Prints "name storage total feature-store-total workload-cost" per deployment.
costs() {
	"$AICOST" -q estimate --format json "$@" | python3 -c '
import json, sys
for d in json.load(sys.stdin)["deployments"]:
    fs = sum(f["total"] for f in d["feature_stores"])
    print(d["name"], round(d["breakdown"]["storage"], 2), round(d["total"], 2), round(fs, 2),
          " ".join("%s=%.2f" % kv for kv in d["workload_cost"].items()))'
}

write_scenario() {   # $1 file, $2 feature_store, $3... deployment lines
	local file=$1 fs=$2
	shift 2
	{
		echo "name: features"
		echo "horizon: ${HORIZON:-1mo}"
		echo "workloads:"
		echo "  - {name: build, kind: pipeline, vcpu_hours: 48, instance: c7i.12xlarge,"
		echo "     start: ${START:-0mo}, feature_store: $fs}"
		echo "deployments:"
		for d in "$@"; do echo "  - $d"; done
	} > "$file"
}

AWS='{name: aws, kind: cloud, provider: aws, region: us-east-1}'

@test "feature store on AWS: memory nodes for 200 GB online, 20 TB offline on S3" {
	# online 200 GB = 200e9 / 2^30 = 186.2645 GiB; / 288 usable = 0.646752 r8g.12xlarge
	# (reads: 50,000 / (48 x 10,000) = 0.104 nodes, fewer); 0.646752 x 2.82768 x 730
	# = 1,335.03 a month. offline 20,000 GB x 0.023 = 460. Storage 1,795.03.
	# The pipeline: 48 vCPU-hours on c7i.12xlarge (48 vCPUs, 2.142/h) = 2.142.
	write_scenario f.yaml '{online: 200GB, offline: 20TB, reads_per_second: 50k}' "$AWS"
	run costs f.yaml
	[ "$status" -eq 0 ]
	[ "$output" = "aws 1795.03 1797.17 1795.03 build=1797.17" ]
}

@test "reads size the online store when they need more nodes than its bytes" {
	# 10 GB online is 0.032 nodes of memory; 1,000,000 reads/s / (48 vCPUs x 10,000)
	# = 2.083333 nodes: 2.083333 x 2.82768 x 730 = 4,300.43. No offline share.
	write_scenario f.yaml '{online: 10GB, reads_per_second: 1M}' "$AWS"
	run costs f.yaml
	[ "$status" -eq 0 ]
	[ "$output" = "aws 4300.43 4302.57 4300.43 build=4302.57" ]
	# reads_per_vcpu: 50,000 takes a fifth of the nodes: 0.416667 x 2064.2064 = 860.09.
	write_scenario f.yaml '{online: 10GB, reads_per_second: 1M, reads_per_vcpu: 50k}' "$AWS"
	run costs f.yaml
	[ "$output" = "aws 860.09 862.23 860.09 build=862.23" ]
}

@test "kept from the workload's start to the horizon; a stated price replaces the store's" {
	# feature_store_price 10 per GB-month x 100 GB = 1,000 a month; started in month 2
	# of 3: 2 months = 2,000. Offline 1 TB at S3's 0.023 = 23 a month: 46.
	HORIZON=3mo START=1mo write_scenario f.yaml '{online: 100GB, offline: 1TB}' \
		'{name: aws, kind: cloud, provider: aws, region: us-east-1, feature_store_price: 10/GB-month}'
	run costs f.yaml
	[ "$status" -eq 0 ]
	[ "$output" = "aws 2046.0 2048.14 2046.0 build=2048.14" ]
}

@test "an inference workload keeps its feature store for its duration only" {
	# 2 weeks = 336 h of a 730 h month: 1,000 x 336 / 730 = 460.27.
	cat > f.yaml <<-'EOF'
	name: serve-features
	horizon: 2mo
	workloads:
	  - {name: rank, kind: inference, accelerator: L4, params: 1B, layers: 16, hidden: 2048,
	     input_tokens: 100, output_tokens: 0, requests_per_day: 1k, duration: 2w,
	     feature_store: {online: 100GB}}
	deployments:
	  - {name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 1,
	     feature_store_price: 10/GB-month}
	EOF
	run "$AICOST" -q estimate --format json f.yaml
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["deployments"][0]
print(round(d["feature_stores"][0]["total"], 2), round(d["monthly_by_component"]["storage"][1], 2))' <(echo "$output")
	[ "$output" = "460.27 0.0" ]
}

@test "on-prem holds the feature store in its servers' memory, or at its stated price" {
	cat > f.yaml <<-'EOF'
	name: onprem-features
	horizon: 1mo
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 100,
	     feature_store: {online: 500GB, offline: 10TB, reads_per_second: 20k}}
	deployments:
	  - {name: rack, kind: onprem, gpus: 8, server_price: 300k, kw_per_server: 10,
	     power_price: 0.1, depreciation: 1mo}
	EOF
	run_split estimate --format json f.yaml
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"feature store of train held in rack's servers' memory and storage: no cost beyond them"* ]]
	run python3 -c 'import json,sys; d=json.load(sys.stdin)["deployments"][0]; print(d["breakdown"]["storage"], d["feature_stores"][0]["total"])' <<< "$output"
	[ "$output" = "0.0 0.0" ]
	# A stated 4 per GB-month of memory: 500 GB x 4 = 2,000 (the offline share is on
	# the servers' storage, in storage_capex).
	run costs --set deployments.rack.feature_store_price=4 f.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == "rack 2000.0 "*" 2000.0 train="* ]]
}

@test "the feature store belongs to its workload's cost; breakdown still sums to total" {
	cat > f.yaml <<-'EOF'
	name: two
	horizon: 1mo
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 100}
	  - {name: build, kind: pipeline, vcpu_hours: 48, instance: c7i.12xlarge,
	     feature_store: {online: 100GB}}
	deployments:
	  - {name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2,
	     feature_store_price: 10/GB-month}
	EOF
	# train: 100 GPU-hours x 2 = 200 (8-GPU instances: 100 h); build: 2.142 + 1,000.
	run "$AICOST" -q estimate --format json f.yaml
	[ "$status" -eq 0 ]
	run python3 -c '
import json, sys
d = json.load(sys.stdin)["deployments"][0]
print(round(sum(d["breakdown"].values()) - d["total"], 6), round(d["workload_cost"]["train"], 2),
      round(d["workload_cost"]["build"], 2))' <<< "$output"
	[ "$output" = "0.0 200.0 1002.14" ]
}

@test "feature_store errors name file:line:col and the field" {
	write_scenario f.yaml '{}' "$AWS"
	run "$AICOST" validate f.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"f.yaml:5:33: workloads[0].feature_store: give online"* ]]
	write_scenario f.yaml '{offline: 1TB, reads_per_second: 10k}' "$AWS"
	run "$AICOST" validate f.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"f.yaml:5:66: workloads[0].feature_store.reads_per_second: reads are served from the online store"* ]]
	write_scenario f.yaml '{online: -5GB}' "$AWS"
	run "$AICOST" validate f.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"f.yaml:5:42: workloads[0].feature_store.online: expected a non-negative"* ]]
	write_scenario f.yaml '{onlin: 5GB}' "$AWS"
	run "$AICOST" validate f.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"f.yaml:5:34: workloads[0].feature_store.onlin: unknown key 'onlin'; did you mean 'online'?"* ]]
}
