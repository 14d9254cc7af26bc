#!/usr/bin/env bats
# Issue 14: estimate and compare say how old the store prices they used are, and
# --max-price-age makes a price older than that an error (exit 2).
load helpers

# Two offers of one provider, one observed today and one in January 2020; a
# scenario with a deployment on each and one on a quoted price (no store price).
seed_offers() {
	local today
	today=$(date -u +%F)
	cat > offers.csv <<-EOF
	provider,region,zone,instance_type,component,accelerator,accelerator_count,vcpus,memory_gib,purchase,price_per_hour,currency,confidence,source,observed,note,interruptions_per_month
	testcloud,us,,fresh-8x,instance,H100-SXM,8,,,on-demand,16,USD,exact,https://example.test/fresh,$today,,
	testcloud,us,,stale-8x,instance,H100-SXM,8,,,on-demand,24,USD,exact,https://example.test/stale,2020-01-15,,
	testcloud,us,,stale-8x,instance,H100-SXM,8,,,spot,8,USD,exact,https://example.test/stale,2020-01,,
	EOF
	aicost pricing import offers.csv
	cat > s.yaml <<-'EOF'
	name: freshness
	horizon: 1mo
	workloads:
	  - {name: run, kind: training, params: 1B, tokens: 1B, accelerator: H100-SXM, gpus: 8, mfu: 40%}
	deployments:
	  - {name: fresh, kind: cloud, provider: testcloud, region: us, instance: fresh-8x}
	  - {name: stale, kind: cloud, provider: testcloud, region: us, instance: stale-8x,
	     purchase: {spot: 50%, on-demand: 50%}}
	  - {name: quoted, kind: cloud, provider: testcloud, region: us, price_per_gpu_hour: 2}
	  - {name: rack, kind: onprem, accelerator: H100-SXM, gpus: 8, server_price: 300000,
	     gpus_per_server: 8, kw_per_server: 10, power_price: 0.1, fallback: stale}
	EOF
}

# Whole days from the end of an observed day (noon, as aicost counts it) to now.
days_since() {
	python3 -c 'import sys, datetime as d
end = d.datetime.strptime(sys.argv[1], "%Y-%m-%d").replace(hour=12, tzinfo=d.timezone.utc)
print((d.datetime.now(d.timezone.utc) - end).days)' "$1"
}

@test "estimate and compare note each store price older than 180 days: offer, deployments, date, age" {
	seed_offers
	# 2020-01-15 is about 2,500 days back; the clock may pass noon between the
	# two counts, so the age is the one computed here or one more.
	age=$(days_since 2020-01-15)
	month_age=$(days_since 2020-01-31)   # a month counts from its last day
	for cmd in estimate compare; do
		run_split "$cmd" s.yaml
		[ "$status" -eq 0 ]
		[[ "$stderr" == *"note: the testcloud on-demand price of stale-8x in us (deployments stale, rack) was observed 2020-01-15, "@($age|$((age + 1)))" days ago (over 180 days)"* ]]
		[[ "$stderr" == *"note: the testcloud spot price of stale-8x in us (deployments stale, rack) was observed 2020-01, "@($month_age|$((month_age + 1)))" days ago"* ]]
		# today's price and the quoted one are not noted
		[[ "$stderr" != *"fresh-8x"* && "$stderr" != *"deployment quoted"* ]]
		[ "$(grep -c 'days ago' <<<"$stderr")" -eq 2 ]
		# -q keeps the notes off
		run_split -q "$cmd" s.yaml
		[ "$status" -eq 0 ]
		[[ "$stderr" != *"days ago"* ]]
	done
}

@test "--max-price-age: an older store price is exit 2 naming the offer and its date; nothing on stdout" {
	seed_offers
	for cmd in estimate compare; do
		run_split -q "$cmd" --max-price-age 30d s.yaml
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[[ "$stderr" == *"the testcloud on-demand price of stale-8x in us (deployments stale, rack) was observed 2020-01-15, "*" days ago, over --max-price-age 30 days"* ]]
		[[ "$stderr" == *"the testcloud spot price of stale-8x in us (deployments stale, rack) was observed 2020-01, "* ]]
		[[ "$stderr" != *"fresh-8x"* ]]
		# a bare number is days; 20 years is older than both
		run_split "$cmd" --max-price-age 7300 --format json s.yaml
		[ "$status" -eq 0 ]
		[ "$(python3 -c 'import json, sys; print(json.load(sys.stdin)["deployments"][0]["name"])' <<<"$output")" = fresh ]
		run_split "$cmd" --max-price-age 20y s.yaml
		[ "$status" -eq 0 ]
		# today's price is within even a zero age... of a day
		run_split "$cmd" --max-price-age 1 --set deployments.stale.price_per_gpu_hour=3 \
			--set deployments.rack.fallback=fresh s.yaml
		[ "$status" -eq 0 ]
		run_split "$cmd" --max-price-age soon s.yaml
		[ "$status" -eq 2 ]
		[[ "$stderr" == *'--max-price-age: "soon": expected a number of days or a duration'* ]]
		run_split "$cmd" --max-price-age -3d s.yaml
		[ "$status" -eq 2 ]
	done
}

@test "check --max-price-age takes a bare number of days as estimate does" {
	seed_offers
	# check judges each provider's newest snapshot: today's import
	run_split check --budget-total 1M --max-price-age 30 s.yaml
	[ "$status" -eq 0 ]
	run_split check --budget-total 1M --max-price-age 30x s.yaml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'"30x": expected a number of days or a duration'* ]]
}
