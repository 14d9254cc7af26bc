#!/usr/bin/env bats
# data.hot_class: block | parallel-fs (issue 13). The hot share on a parallel file
# system's throughput tier that delivers the training runs' read rate (or
# data.hot_throughput) for the least, buying capacity beyond the data when a tier
# needs it. Hand-worked against the shipped catalog (pricing/storage.csv):
#   aws: EBS gp3 0.08; FSx for Lustre 125 MB/s/TiB 0.145, 250: 0.21, 500: 0.34,
#        1000: 0.60; S3 Standard 0.023
#   gcp: only the 125 MB/s/TiB tier, 0.145; Cloud Storage Standard 0.02
# 100 TB stored, 20% hot: 20,000 GB = 20e12 / 2^40 = 18.189894 TiB hot;
# the cold 80,000 GB cost 1,840 on S3 and 1,600 on Cloud Storage.
load helpers

# Prints "name storage" per deployment of the scenario (extra arguments: --set).
storage() {
	"$AICOST" -q estimate --format json "$@" | python3 -c '
import json, sys
for d in json.load(sys.stdin)["deployments"]:
    print(d["name"], round(d["breakdown"]["storage"], 2))'
}

write_scenario() {   # $1 file, $2 data mapping
	cat > "$1" <<-EOF
	name: hot
	horizon: 1mo
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: ${GPU_HOURS:-5840}, epochs: 3}
	data: $2
	deployments:
	  - {name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2}
	  - {name: gcp, kind: cloud, provider: gcp, region: us-central1, price_per_gpu_hour: 2}
	EOF
}

@test "hot_class block (the default) keeps the hot share on block storage" {
	# aws 20,000 x 0.08 + 1,840 = 3,440; gcp 20,000 x 0.10 (pd-balanced) + 1,600 = 3,600.
	write_scenario h.yaml '{stored: 100TB, hot: 20%}'
	run storage h.yaml
	[ "$status" -eq 0 ]
	[ "$output" = $'aws 3440.0\ngcp 3600.0' ]
	write_scenario h.yaml '{stored: 100TB, hot: 20%, hot_class: block}'
	run storage h.yaml
	[ "$output" = $'aws 3440.0\ngcp 3600.0' ]
}

@test "parallel-fs: the base tier delivers the training run's reads" {
	# 3 epochs of 100 TB in 730 h: 300,000 GB / 2,628,000 s = 0.114 GB/s; the 125
	# MB/s/TiB tier gives 125 x 18.19 = 2,274 MB/s. aws 20,000 x 0.145 + 1,840 = 4,740;
	# gcp 20,000 x 0.145 + 1,600 = 4,500.
	write_scenario h.yaml '{stored: 100TB, hot: 20%, hot_class: parallel-fs}'
	run_split estimate --format json h.yaml
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"deployment aws: the hot share on the aws parallel file system's 125 MB/s/TiB tier (0.114 GB/s needed): 0.145 per GB-month"* ]]
	run storage h.yaml
	[ "$output" = $'aws 4740.0\ngcp 4500.0' ]
}

@test "parallel-fs: hot_throughput picks the tier that delivers it for the least" {
	# 20 GB/s = 20,000 MB/s over 18.189894 TiB. Capacity bought per tier and price per
	# GB of data: 125: x8.7961 -> 1.2754; 250: x4.3980 -> 0.9236; 500: x2.1990 -> 0.7477;
	# 1000: x1.0995 -> 0.6 x 1.0995117 = 0.6597070. aws takes 1000: 20,000 x 0.6597070
	# = 13,194.14 + 1,840 = 15,034.14. gcp has the 125 tier only: 20,000 / (125 x
	# 18.189894) = x8.796093, 0.145 x 8.796093 = 1.2754335 a GB: 25,508.67 + 1,600.
	write_scenario h.yaml '{stored: 100TB, hot: 20%, hot_class: parallel-fs, hot_throughput: 20GB/s}'
	run storage h.yaml
	[ "$status" -eq 0 ]
	[ "$output" = $'aws 15034.14\ngcp 27108.67' ]
}

@test "parallel-fs: a short run's read rate sizes the tier" {
	# 1% hot: 1,000 GB = 0.9094947 TiB. 1,344 GPU-hours on 8 GPUs: 168 h, so 300,000 GB
	# at 300,000 / 604,800 s = 0.496032 GB/s = 496.032 MB/s. Tiers: 125 delivers 113.7
	# MB/s (x4.3631 -> 0.6326), 250: 227.4 (x2.1815 -> 0.4581), 500: 454.7 (x1.0907850
	# -> 0.3708669), 1000: 909.5 (x1 -> 0.6). aws takes 500: 1,000 x 0.3708669 = 370.87
	# + 99,000 x 0.023 = 2,277 -> 2,647.87.
	GPU_HOURS=1344 write_scenario h.yaml '{stored: 100TB, hot: 1%, hot_class: parallel-fs}'
	run_split estimate --format json h.yaml
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"aws parallel file system, the cheapest tier each month for 0.496 GB/s: month 1 the 500 MB/s/TiB tier at 0.34 per GB-month on 1091 GB bought for 1000 GB of hot data: 370.87"* ]]
	run storage h.yaml
	[ "${lines[0]}" = "aws 2647.87" ]
}

@test "parallel-fs: the capacity bought for throughput is a floor, not a multiplier on growing data" {
	# Nothing stored, 10 TB more a month, 20% hot, 20 GB/s, 12 months: month m (0-11)
	# holds 10,000m GB, 2,000m GB hot. 20,000 MB/s needs 20,000 / tier TiB: 1000 tier
	# 20 TiB = 21,990.23 GB x 0.60 = 13,194.14; 500: 43,980.47 x 0.34 = 14,953.36;
	# 250: 87,960.93 x 0.21 = 18,471.80; 125: 175,921.86 x 0.145 = 25,508.67. So the
	# 1000 tier on 21,990.23 GB until the hot data passes it: months 0-10 (at most
	# 20,000 GB hot) pay 13,194.14; month 11 pays 22,000 x 0.60 = 13,200. Cold: 0.8 x
	# 10,000m x 0.023 = 184m. Month 12: 13,200 + 2,024 = 15,224; the year: 11 x
	# 13,194.14 + 13,200 + 184 x 66 = 145,135.53 + 13,200 + 12,144 = 170,479.53.
	# (The old multiplier, sized on one month's 2,000 GB hot, charged 0.6 x 10.995 =
	# 6.597 per hot GB every month: month 12 at 147,159.)
	cat > g.yaml <<-EOF
	name: grow
	horizon: 12mo
	workloads:
	  - {name: train, kind: training, accelerator: H100-SXM, gpus: 8, gpu_hours: 5840, epochs: 3}
	data: {stored: 0TB, growth_per_month: 10TB, hot: 20%, hot_class: parallel-fs, hot_throughput: 20GB/s}
	deployments:
	  - {name: aws, kind: cloud, provider: aws, region: us-east-1, price_per_gpu_hour: 2}
	EOF
	run_split estimate --format json g.yaml
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"month 1 the 1000 MB/s/TiB tier at 0.6 per GB-month on 21990 GB bought for 0 GB of hot data: 13194.14; month 12 the 1000 MB/s/TiB tier at 0.6 per GB-month: 13200.00"* ]]
	run python3 -c '
import json, sys
d = json.load(sys.stdin)["deployments"][0]
s = d["monthly_by_component"]["storage"]
print(round(s[0], 2), round(s[11], 2), round(d["breakdown"]["storage"], 2))' <<<"$output"
	[ "$output" = "13194.14 15224.0 170479.53" ]
}

@test "parallel-fs: a throughput with no hot data still buys the capacity that delivers it" {
	# hot 0%: the 20 GB/s file system holds no data but must be 20 TiB on aws's 1000
	# tier: 21,990.23 GB x 0.60 = 13,194.14 + 100,000 x 0.023 = 15,494.14; gcp's 125
	# tier 175,921.86 GB x 0.145 = 25,508.67 + 100,000 x 0.02 = 27,508.67.
	write_scenario h.yaml '{stored: 100TB, hot: 0%, hot_class: parallel-fs, hot_throughput: 20GB/s}'
	run storage h.yaml
	[ "$status" -eq 0 ]
	[ "$output" = $'aws 15494.14\ngcp 27508.67' ]
}

@test "hot_class and hot_throughput errors name file:line:col and the field" {
	write_scenario h.yaml '{stored: 100TB, hot_class: lustre}'
	run "$AICOST" validate h.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"h.yaml:5:34: data.hot_class: unknown value \"lustre\"; expected one of block, parallel-fs"* ]]
	write_scenario h.yaml '{stored: 100TB, hot_class: parallel-fs, hot_throughput: 20GB}'
	run "$AICOST" validate h.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"h.yaml:5:63: data.hot_throughput: expected a positive size per second (e.g. 20GB/s), got \"20GB\""* ]]
	write_scenario h.yaml '{stored: 100TB, hot_throughput: 20GB/s}'
	run "$AICOST" validate h.yaml
	[ "$status" -eq 2 ]
	[[ "$output" == *"data.hot_throughput: sizes a parallel file system: give hot_class: parallel-fs too"* ]]
}
