#!/usr/bin/env bats
# aicost plot: every chart of every shipped scenario on every terminal, a golden
# text chart, the prices chart from the store, and gnuplot failing or missing.
load helpers

SCENARIOS=$AICOST_ROOT/scenarios

# A small case checked by hand: 7,200 GPU-hours at 2 and 3 per GPU-hour are
# 14,400 and 21,600; on 8 GPUs the job runs 900 hours, 730 in month 1 and 170 in
# month 2, so cheap pays 11,680 then 2,720 (dear 17,520 then 4,080).
small_scenario() {
	cat > small.yaml <<-'EOF'
	name: small
	horizon: 6mo
	start_date: 2027-01-01
	workloads:
	  - {name: job, kind: training, accelerator: H100, gpus: 8, gpu_hours: 7200}
	deployments:
	  - {name: cheap, kind: cloud, provider: rental, price_per_gpu_hour: 2}
	  - {name: dear, kind: cloud, provider: rental, price_per_gpu_hour: 3}
	baseline: dear
	EOF
}

# Checks FILE's signature for its extension and that it is more than a stub.
check_chart() {
	local file=$1 size
	size=$(stat -c %s "$file")
	[ "$size" -gt 4000 ] || { echo "$file: only $size bytes"; return 1; }
	case $file in
	*.png) [ "$(head -c 8 "$file" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ;;
	*.pdf) [ "$(head -c 5 "$file")" = "%PDF-" ] ;;
	*.svg) xmllint --noout "$file" && grep -q '<svg' "$file" ;;
	esac || { echo "$file: not a valid ${file##*.}"; return 1; }
}

@test "every chart of every shipped scenario renders to PNG, SVG and PDF" {
	for f in "$SCENARIOS"/*.yaml; do
		for chart in cumulative breakdown risk sensitivity; do
			for ext in png svg pdf; do
				out=$(basename "$f" .yaml)-$chart.$ext
				run aicost -q plot --trials 1000 --chart "$chart" -o "$out" "$f"
				[ "$status" -eq 0 ] || { echo "$out: $output"; return 1; }
				check_chart "$out"
			done
		done
	done
}

@test "the breakdown key names every component, none drawn past the canvas" {
	# Three panels of eleven components: a key cut to one panel's height once
	# wrapped into a second column beyond the right edge, swatches without names.
	run aicost -q plot --chart breakdown -o bd.svg "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	python3 - bd.svg <<-'EOF'
	import re, sys
	svg = open(sys.argv[1]).read()
	width = float(re.search(r'viewBox="0 0 ([0-9.]+)', svg).group(1))
	names = "capex compute shortage storage egress network power facility staff maintenance residual"
	found = {}
	for x, name in re.findall(r'translate\(([0-9.]+),[0-9.]+\)[^>]*>\s*<text>(\w+)</text>', svg):
	    if name in names.split():
	        found[name] = float(x)
	missing = [n for n in names.split() if n not in found]
	assert not missing, "key lacks %s" % missing
	assert max(found.values()) < width - 60, "a name starts at %g of %g" % (max(found.values()), width)
	assert len(set(found.values())) == 1, "key in more than one column: %s" % found
	EOF
}

@test "the cumulative chart's title answers the question and its axes carry units" {
	small_scenario
	run aicost -q plot --chart cumulative -o small.svg small.yaml
	[ "$status" -eq 0 ]
	grep -q 'cheap costs least over 6 months: 14,400 USD, 7,200 USD less than dear' small.svg
	grep -q 'Cumulative cash (USD)' small.svg
	grep -q 'Month of the horizon (month 1 starts 2027-01-01)' small.svg
	grep -q '>20,000<' small.svg       # a money tic with its thousands separator
	grep -q 'cheap breaks even in month 1' small.svg
}

@test "a text chart of a small case matches its golden copy" {
	small_scenario
	run aicost -q plot --chart cumulative --size 80x24 -o - small.yaml
	[ "$status" -eq 0 ]
	diff -u "$AICOST_ROOT/tests/cli/golden/plot-cumulative.txt" <(printf '%s\n' "$output")
	# .txt is the same text in a file
	run aicost -q plot --chart cumulative --size 80x24 -o small.txt small.yaml
	[ "$status" -eq 0 ]
	diff -u "$AICOST_ROOT/tests/cli/golden/plot-cumulative.txt" small.txt
}

@test "a text chart without --size takes COLUMNS and LINES" {
	small_scenario
	run bash -c 'COLUMNS=70 LINES=20 "$0" -q plot --chart breakdown -o - small.yaml' "$AICOST"
	[ "$status" -eq 0 ]
	widest=$(printf '%s\n' "$output" | python3 -c 'import sys; print(max(len(l.rstrip("\n").lstrip("\f")) for l in open(0, encoding="utf-8")))')
	[ "$widest" -le 70 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -le 19 ]
}

@test "the prices chart draws one accelerator from the store, per hour or per PFLOP" {
	run aicost plot --chart prices --accelerator h100 -o prices.png
	[ "$status" -eq 0 ]
	check_chart prices.png
	run aicost plot --chart prices --accelerator h100 --per pflop -o prices.svg
	[ "$status" -eq 0 ]
	check_chart prices.svg
	grep -q 'per dense BF16 PFLOP-hour' prices.svg
	grep -q 'Where is H100-SXM cheapest?' prices.svg
	run_split plot --chart prices --accelerator no-such-chip -o p.png
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"'no-such-chip'"* ]]
	[ ! -e p.png ]
}

@test "plot usage errors exit 2 and name the problem" {
	small_scenario
	run_split plot -o x.png small.yaml
	[ "$status" -eq 2 ]; [[ "$stderr" == *"--chart is required"* ]]
	run_split plot --chart pie -o x.png small.yaml
	[ "$status" -eq 2 ]; [[ "$stderr" == *'"pie": expected cumulative, breakdown'* ]]
	run_split plot --chart risk small.yaml
	[ "$status" -eq 2 ]; [[ "$stderr" == *"-o FILE is required"* ]]
	run_split plot --chart risk -o x.gif small.yaml
	[ "$status" -eq 2 ]; [[ "$stderr" == *"must end in .png, .svg, .pdf or .txt"* ]]
	run_split plot --chart prices -o x.png
	[ "$status" -eq 2 ]; [[ "$stderr" == *"needs --accelerator"* ]]
	run_split plot --chart prices --accelerator h100 -o x.png small.yaml
	[ "$status" -eq 2 ]; [[ "$stderr" == *"takes no scenario"* ]]
	run_split plot --chart risk --accelerator h100 -o x.png small.yaml
	[ "$status" -eq 2 ]
	run_split plot --chart risk --size 10 -o x.png small.yaml
	[ "$status" -eq 2 ]; [[ "$stderr" == *"WIDTHxHEIGHT"* ]]
	[ ! -e x.png ]
	run aicost plot --help
	[ "$status" -eq 0 ]; [[ "$output" == *"usage: aicost plot"* ]]
}

@test "a missing gnuplot names the package to install; exit 2" {
	small_scenario
	run bash -c 'PATH=/nonexistent exec "$0" -q plot --chart cumulative -o x.png small.yaml 2>&1' "$AICOST"
	[ "$status" -eq 2 ]
	[[ "$output" == *"gnuplot is not installed"*"gnuplot-nox"* ]]
	[ ! -e x.png ]
}

@test "gnuplot's own error is reported with exit 2 and the old file is kept" {
	small_scenario
	mkdir bin
	printf '#!/bin/sh\ncat >/dev/null\necho "line 3: all gone wrong" >&2\nexit 1\n' > bin/gnuplot
	chmod +x bin/gnuplot
	echo old > x.png
	run bash -c 'PATH=$PWD/bin:$PATH "$0" -q plot --chart cumulative -o x.png small.yaml 2>&1' "$AICOST"
	[ "$status" -eq 2 ]
	[[ "$output" == *"gnuplot failed (status 1): line 3: all gone wrong"* ]]
	[ "$(cat x.png)" = old ]
}
