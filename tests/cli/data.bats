#!/usr/bin/env bats
# Data gravity (issue 13): storage priced where the data lives, reads by compute
# elsewhere billed as egress on the data provider's tiers. Hand-worked against the
# shipped catalog (pricing/egress.csv, pricing/storage.csv).
load helpers

# AWS internet tiers per month (pricing/egress.csv): 100 GB free, to 10,240 GB at
# 0.09, to 51,200 at 0.085, to 153,600 at 0.07, beyond at 0.05. So
#   the first 153,600 GB cost 10,140 x 0.09 + 40,960 x 0.085 + 102,400 x 0.07
#                             = 912.6 + 3,481.6 + 7,168 = 11,562.2
# A training run of 5,840 GPU-hours on 8 GPUs lasts 730 h: exactly month 1.

# Prints "name storage egress total" per deployment of the scenario $1.
costs() {
	"$AICOST" -q estimate --format json "$1" | python3 -c '
import json, sys
for d in json.load(sys.stdin)["deployments"]:
    b = d["breakdown"]
    print(d["name"], round(b["storage"], 2), round(b["egress"], 2), round(d["total"], 2))'
}

write_scenario() {   # $1 file, $2 data line, $3... deployment lines
	local file=$1 data=$2
	shift 2
	{
		echo "name: gravity"
		echo "horizon: ${HORIZON:-1mo}"
		echo "workloads:"
		echo "  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: ${GPU_HOURS:-5840}, epochs: 3}"
		echo "data: $data"
		echo "deployments:"
		for d in "$@"; do echo "  - $d"; done
	} > "$file"
}

GCP='{name: gcp, kind: cloud, provider: gcp, region: us-central1, price_per_gpu_hour: 2}'
AWS='{name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2}'
WEST='{name: west, kind: cloud, provider: aws, region: us-west-2, price_per_gpu_hour: 2}'

@test "100 TB read 3 times in one month from S3 us-east-1 by Google Cloud: AWS internet tiers" {
	# 300,000 GB out of AWS: 11,562.2 + (300,000 - 153,600) x 0.05 = 11,562.2 + 7,320
	# = 18,882.2. Storage where the data lives: 100,000 GB x 0.023 (S3 Standard) = 2,300.
	# Compute 5,840 x 2 = 11,680. Total 32,862.2.
	write_scenario g.yaml '{stored: 100TB, hot: 0%, location: aws/us-east-1}' "$GCP" "$AWS"
	run costs g.yaml
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "gcp 2300.0 18882.2 32862.2" ]
	# The same reads from compute in AWS us-east-1 stay in the region: free.
	[ "${lines[1]}" = "aws 2300.0 0.0 13980.0" ]
}

@test "inter-region within one provider: 300,000 GB x 0.02" {
	# us-east-1 to us-west-2: 300,000 x 0.02 = 6,000 (pricing/egress.csv, aws inter-region).
	write_scenario g.yaml '{stored: 100TB, hot: 0%, location: aws/us-east-1}' "$WEST"
	run costs g.yaml
	[ "$status" -eq 0 ]
	[ "$output" = "west 2300.0 6000.0 19980.0" ]
}

@test "a replicate-once plan: one transfer plus storage in both places, and the note compares" {
	# Copying 100,000 GB once out of AWS: 912.6 + 3,481.6 + (100,000 - 51,200) x 0.07
	# = 912.6 + 3,481.6 + 3,416 = 7,810.2. Storage: S3 2,300 + Cloud Storage Standard
	# 100,000 x 0.02 = 2,000 = 4,300. Reading across costs 18,882.2 + 2,300 = 21,182.2.
	write_scenario g.yaml '{stored: 100TB, hot: 0%, location: aws/us-east-1, replicate: true}' "$GCP"
	run costs g.yaml
	[ "$status" -eq 0 ]
	[ "$output" = "gcp 4300.0 7810.2 23790.2" ]
	run bash -c '"$0" -q estimate --format json g.yaml | python3 -c "import json,sys; print(json.load(sys.stdin)[\"deployments\"][0][\"notes\"][-1])"' "$AICOST"
	[[ "$output" == *"reading it there (300,000 GB over the horizon, internet egress) costs 21,182 USD"* ]]
	[[ "$output" == *"replicating it once costs 12,110 USD: replicating is cheaper (priced: replicate)"* ]]
}

@test "reads are spread over the run's months, each month on its own tiers" {
	# 11,680 GPU-hours on 8 GPUs: 1,460 h, two months; 150,000 GB read in each.
	# A month: 912.6 + 3,481.6 + (150,000 - 51,200) x 0.07 = 11,310.2; two: 22,620.4
	# (more than the 18,882.2 of the same 300,000 GB in one month). Storage 2 x 2,300.
	HORIZON=2mo GPU_HOURS=11680 write_scenario g.yaml '{stored: 100TB, hot: 0%, location: aws/us-east-1}' "$GCP"
	run costs g.yaml
	[ "$status" -eq 0 ]
	[ "$output" = "gcp 4600.0 22620.4 50580.4" ]
}

@test "the data's own egress leaves from where it lives, on the same tiers as the reads" {
	# 300,000 GB of reads + 50,000 GB of the data's egress = 350,000 GB out of AWS:
	# 11,562.2 + (350,000 - 153,600) x 0.05 = 11,562.2 + 9,820 = 21,382.2.
	write_scenario g.yaml '{stored: 100TB, hot: 0%, location: aws/us-east-1, egress_per_month: 50TB}' "$GCP"
	run costs g.yaml
	[ "$status" -eq 0 ]
	[ "$output" = "gcp 2300.0 21382.2 35362.2" ]
}

@test "explicit data_read instead of epochs" {
	# 20 TB: 912.6 + (20,000 - 10,240) x 0.085 = 912.6 + 829.6 = 1,742.2.
	cat > g.yaml <<-'EOF'
	name: read
	horizon: 1mo
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 5840, data_read: 20TB}
	data: {stored: 100TB, hot: 0%, location: aws/us-east-1}
	deployments:
	  - {name: gcp, kind: cloud, provider: gcp, region: us-central1, price_per_gpu_hour: 2}
	EOF
	run costs g.yaml
	[ "$status" -eq 0 ]
	[ "$output" = "gcp 2300.0 1742.2 15722.2" ]
}

@test "on-prem reading S3 pays AWS internet egress; a cloud reading on-prem data pays its transit" {
	cat > g.yaml <<-'EOF'
	name: onprem
	horizon: 1mo
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 5840, epochs: 3}
	data: {stored: 100TB, hot: 0%, location: aws/us-east-1}
	deployments:
	  - {name: rack, kind: onprem, gpus: 8, server_price: 300000, kw_per_server: 10,
	     power_price: 0.1, transit_per_month: 5000}
	EOF
	# 18,882.2 out of AWS as above, and the 2,300 of S3 it is read from.
	run costs g.yaml
	[ "$status" -eq 0 ]
	[[ "$output" == "rack 2300.0 18882.2 "* ]]
	# The data in the rack, read by Google Cloud: one month of the rack's transit
	# (5,000); its storage is the rack's, not Google's.
	sed -i 's|location: aws/us-east-1|location: rack|' g.yaml
	cat >> g.yaml <<-'EOF'
	  - {name: gcp, kind: cloud, provider: gcp, region: us-central1, price_per_gpu_hour: 2}
	EOF
	run costs g.yaml
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "rack 0.0 0.0 "* ]]
	[ "${lines[1]}" = "gcp 0.0 5000.0 16680.0" ]
}

@test "without data.location nothing moves: the data lives with each deployment" {
	write_scenario g.yaml '{stored: 100TB, hot: 0%}' "$GCP" "$AWS"
	run costs g.yaml
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "gcp 2000.0 0.0 13680.0" ]
	[ "${lines[1]}" = "aws 2300.0 0.0 13980.0" ]
}

@test "data.location must be PROVIDER/REGION or an on-prem deployment; epochs or data_read" {
	write_scenario g.yaml '{stored: 100TB, location: s3}' "$GCP"
	run_split validate g.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"g.yaml:5:"*"data.location: expected PROVIDER/REGION (e.g. aws/us-east-1) or the name of an on-prem deployment, got \"s3\""* ]]
	write_scenario g.yaml '{stored: 100TB, location: gcp}' "$GCP"
	run_split validate g.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"data.location: 'gcp' is a cloud deployment"* ]]
	sed -i 's|epochs: 3|epochs: 3, data_read: 1TB|' g.yaml
	run_split validate g.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"workloads[0].data_read: give either epochs or data_read, not both"* ]]
}

# --- CPU pipelines (kind: pipeline) and labelling ---------------------------------
# pricing/cpu.csv, AWS us-east-1 on-demand: c7i.12xlarge (48 vCPUs) 2.142/h =
# 0.044625 per vCPU-hour; m8g.4xlarge (16) 0.71808/h = 0.04488; r8g.12xlarge is
# memory-optimised, never a default. So the default pipeline instance is c7i.12xlarge.

pipeline_scenario() {   # $1 extra pipeline keys, $2... deployment lines
	local extra=$1
	shift
	{
		echo "name: prep"
		echo "horizon: 2mo"
		echo "workloads:"
		echo "  - {name: tokenise, kind: pipeline, input: 500TB, throughput_per_vcpu: 50GB/h$extra}"
		echo "deployments:"
		for d in "$@"; do echo "  - $d"; done
	} > p.yaml
}

# Prints "name pipeline labeling total" per deployment, then its pipelines[] runs.
pipeline_costs() {
	"$AICOST" -q estimate --format json p.yaml | python3 -c '
import json, sys
r = json.load(sys.stdin)
for d in r["deployments"]:
    b = d["breakdown"]
    print(d["name"], round(b["pipeline"], 2), round(b["labeling"], 2), round(d["total"], 2))
    for p in d["pipelines"]:
        print(" ", p["workload"], p["instance"], p["instances"], round(p["wall_hours"], 3))'
}

@test "500 TB at 50 GB per vCPU-hour on a named instance: 10,000 vCPU-hours" {
	# 500,000 GB / 50 GB = 10,000 vCPU-hours x 0.044625 = 446.25; one c7i.12xlarge
	# takes 10,000 / 48 = 208.333 h.
	pipeline_scenario ", instance: c7i.12xlarge" \
		'{name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2}'
	run pipeline_costs
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "aws 446.25 0.0 446.25" ]
	[ "${lines[1]}" = "  tokenise c7i.12xlarge 1 208.333" ]
	run bash -c '"$0" -q estimate --format json p.yaml | python3 -c "
import json, sys
w = json.load(sys.stdin)[\"workloads\"][0]
print(w[\"kind\"], w[\"vcpu_hours\"], w[\"gpu_hours\"], w[\"accelerator\"])"' "$AICOST"
	[ "$output" = "pipeline 10000.0 0.0 None" ]
}

@test "a pipeline whose deadline needs more instances: same vCPU-hours, shorter wall" {
	# 10,000 / (48 x 24 h) = 8.68: 9 instances, 10,000 / (9 x 48) = 23.148 h; billed by
	# the second, the cost stays 10,000 x 0.044625 = 446.25. Default instance: the
	# cheapest general or compute one per vCPU-hour, c7i.12xlarge.
	pipeline_scenario ", deadline: 24h" \
		'{name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2}'
	run pipeline_costs
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "aws 446.25 0.0 446.25" ]
	[ "${lines[1]}" = "  tokenise c7i.12xlarge 9 23.148" ]
}

@test "labelling: items x price, or hours x price, its own cost line" {
	# 1M items at 0.02 = 20,000; 500 h at 30 = 15,000.
	pipeline_scenario ", labeling: {items: 1M, price_per_item: 0.02}" \
		'{name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2}'
	run pipeline_costs
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "aws 446.25 20000.0 20446.25" ]
	pipeline_scenario ", labeling: {hours: 500h, price_per_hour: 30}" \
		'{name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2}'
	run pipeline_costs
	[ "${lines[0]}" = "aws 446.25 15000.0 15446.25" ]
	# the breakdown still sums to the total, and the workload carries both
	run bash -c '"$0" -q estimate --format json p.yaml | python3 -c "
import json, sys
d = json.load(sys.stdin)[\"deployments\"][0]
assert abs(sum(d[\"breakdown\"].values()) - d[\"total\"]) < 1e-6
print(round(d[\"workload_cost\"][\"tokenise\"], 2))"' "$AICOST"
	[ "$output" = "15446.25" ]
}

@test "on-prem runs a pipeline on its servers' host cores, or misses the deadline" {
	# 10,000 vCPU-hours on 256 cores: 39.06 h, no cost beyond the servers.
	pipeline_scenario "" '{name: rack, kind: onprem, accelerator: H100-SXM, gpus: 8,
	     server_price: 300000, kw_per_server: 10, power_price: 0.1, cpu_cores: 256}'
	run pipeline_costs
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "rack 0.0 0.0 "* ]]
	[ "${lines[1]}" = "  tokenise None 1 39.062" ]
	pipeline_scenario ", deadline: 24h" '{name: rack, kind: onprem, accelerator: H100-SXM,
	     gpus: 8, server_price: 300000, kw_per_server: 10, power_price: 0.1, cpu_cores: 256}'
	run bash -c '"$0" -q estimate --format json p.yaml | python3 -c "
import json, sys
print(json.load(sys.stdin)[\"deployments\"][0][\"excluded_reason\"])"' "$AICOST"
	[ "$output" = "pipeline tokenise takes 39 h on 256 host cores, past its deadline of 24 h" ]
}

@test "a pipeline reads its input where the data lives: egress like training" {
	# 500 TB out of S3 to Google Cloud in one month: 11,562.2 + (500,000 - 153,600) x 0.05
	# = 11,562.2 + 17,320 = 28,882.2 (the 500 TB run takes 10,000 / 16 vCPU... on GCP's
	# cheapest instance; all within month 1 when it is short enough: one deadline day).
	pipeline_scenario ", deadline: 24h" \
		'{name: gcp, kind: cloud, provider: gcp, region: us-central1, price_per_gpu_hour: 2}'
	echo "data: {location: aws/us-east-1}" >> p.yaml
	run bash -c '"$0" -q estimate --format json p.yaml | python3 -c "
import json, sys
print(round(json.load(sys.stdin)[\"deployments\"][0][\"breakdown\"][\"egress\"], 2))"' "$AICOST"
	[ "$output" = "28882.2" ]
}

@test "pipelines: input with throughput_per_vcpu, or vcpu_hours; no accelerator" {
	pipeline_scenario ", vcpu_hours: 5" '{name: aws, kind: cloud, provider: aws, region: us-east-1}'
	run_split validate p.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"workloads[0].vcpu_hours: give either vcpu_hours or input with throughput_per_vcpu, not both"* ]]
	sed -i 's|throughput_per_vcpu: 50GB/h, vcpu_hours: 5|throughput_per_vcpu: 50GB|' p.yaml
	run_split validate p.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"workloads[0].throughput_per_vcpu: expected a size per vCPU-hour (e.g. 50GB/h), got \"50GB\""* ]]
	sed -i 's|throughput_per_vcpu: 50GB|throughput_per_vcpu: 50GB/h, accelerator: H100|' p.yaml
	run_split validate p.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"workloads[0].accelerator: a pipeline runs on CPUs; name its instance instead"* ]]
}

@test "pricing list --vcpus and --family: CPU instances with \$ per vCPU-hour" {
	run aicost pricing list --family compute --provider aws --region us-east-1 --format csv
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *",family,price_per_vcpu_hour,"* ]]
	# 2.142 / 48 = 0.044625
	[[ "$output" == *"aws,c7i.12xlarge,,0,,48,96,us-east-1,,on-demand,2.142,,,compute,0.044625,"* ]]
	run aicost pricing list --vcpus 64 --provider gcp --region us-central1 --sort per-vcpu --format csv
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == gcp,n2-*-64,* ]]
	[[ "$output" != *"-standard-16,"* ]]
	run_split pricing list --family gpu
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--family: unknown family 'gpu'; expected general, compute or memory"* ]]
	# without them the list stays accelerators
	run aicost pricing list --provider aws --region us-east-1 --format csv
	[[ "$output" != *"c7i.12xlarge"* ]]
}
