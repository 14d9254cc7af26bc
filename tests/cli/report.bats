#!/usr/bin/env bats
# aicost report: the HTML report opened by headless Chromium (the answer and every
# deployment in its DOM, nothing fetched, screenshots at desktop and print
# widths), the markdown report with its charts beside it, and usage errors.
load helpers

SCENARIOS=$AICOST_ROOT/scenarios

# Headless Chromium with a fresh profile and nothing that phones home.
chromium_run() {
	command -v chromium >/dev/null || { echo "chromium is missing: run scripts/install-deps"; return 1; }
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$BATS_TEST_TMPDIR/chromium-profile" "$@" 2>/dev/null
}

@test "the HTML report in Chromium: the answer sentence and every deployment" {
	run aicost -q report --trials 1000 -o report.html "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	# the answer as compare states it: rack is cheapest and breaks even in month 20
	answer='rack costs least: $4.32M over 36 months, $371.1k less than mix and $4.07M less than aws; it breaks even with aws in month 19'
	chromium_run --dump-dom "file://$PWD/report.html" > dom.html
	grep -qF "id=\"answer\">$answer" dom.html
	for name in aws rack mix; do
		grep -q "<td><span class=\"swatch\" style=\"background:#[0-9A-F]\{6\}\"></span>$name</td>" dom.html ||
			{ echo "no row for $name"; return 1; }
	done
	# the four charts are inline SVG, and the sections are all there
	[ "$(grep -c '<figure id="chart-' dom.html)" -eq 4 ]
	[ "$(grep -c '<svg' dom.html)" -eq 4 ]
	for section in 'Where the money goes' 'Excluded deployments' 'Assumptions' \
		'Where the prices came from' 'Warnings'; do
		grep -q "<h2>$section" dom.html || { echo "no section $section"; return 1; }
	done
	# a price's source: p5.48xlarge's us-east-1 on-demand price as last observed (2026-10-05)
	grep -q 'github:syahvan/need-more-vram@14db8ab src/data/pricing.json' dom.html
	grep -q '@media print' report.html
}

@test "the HTML report fetches nothing: a CSP forbids it and no element points out" {
	run aicost -q report --trials 1000 -o report.html "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	grep -q "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">" report.html
	[ -z "$(grep -i '<script\|<link\|<img\|<iframe\|<object\|@import' report.html)" ]
	# every reference in an attribute or url() stays inside the file
	[ "$(grep -cE "(src|href)=['\"]#|url\(#" report.html)" -gt 0 ]
	[ -z "$(grep -oE "(src|href)=['\"][^'\"#][^'\"]*|url\([^#)][^)]*\)" report.html)" ]
}

@test "the HTML report renders at desktop and print widths" {
	run aicost -q report --trials 1000 -o report.html "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	chromium_run --hide-scrollbars --window-size=1280,2400 --screenshot="$PWD/desktop.png" "file://$PWD/report.html"
	chromium_run --hide-scrollbars --window-size=794,2400 --screenshot="$PWD/print.png" "file://$PWD/report.html"
	chromium_run --print-to-pdf="$PWD/report.pdf" --no-pdf-header-footer "file://$PWD/report.html"
	for f in desktop.png print.png; do
		[ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
		[ "$(stat -c %s "$f")" -gt 50000 ]
	done
	[ "$(head -c 5 report.pdf)" = "%PDF-" ]
	# A4 or Letter pages, more than one
	[ "$(grep -ac '/Type /Page\b\|/Type/Page\b' report.pdf)" -gt 1 ]
}

@test "the markdown report links its charts, written beside it" {
	mkdir out
	run aicost -q report --trials 1000 -o out/pr.md "$SCENARIOS/onprem-vs-cloud-64gpu.yaml"
	[ "$status" -eq 0 ]
	grep -q '^# onprem-vs-cloud-64gpu: AI infrastructure cost report$' out/pr.md
	grep -qF '**rack costs least: $4.32M over 36 months' out/pr.md
	grep -q '^| Deployment | Kind | Total |' out/pr.md
	grep -q '^|---|---|---:|' out/pr.md
	for chart in cumulative risk breakdown sensitivity; do
		grep -q "^!\[$chart chart\](pr-$chart.svg)$" out/pr.md
		xmllint --noout "out/pr-$chart.svg"
	done
	grep -q '^## Warnings' out/pr.md
}

@test "every shipped scenario gets a report" {
	for f in "$SCENARIOS"/*.yaml; do
		run aicost -q report --trials 1000 -o "$(basename "$f" .yaml).html" "$f"
		[ "$status" -eq 0 ] || { echo "$f: $output"; return 1; }
		grep -q 'id="answer">' "$(basename "$f" .yaml).html"
	done
}

@test "report usage errors exit 2 and write nothing" {
	run_split report "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ]; [[ "$stderr" == *"-o FILE is required"* ]]
	run_split report -o r.pdf "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ]; [[ "$stderr" == *"must end in .html or .md"* ]]
	run_split report -o r.html
	[ "$status" -eq 2 ]; [[ "$stderr" == *"expected exactly one scenario"* ]]
	run bash -c 'PATH=/nonexistent exec "$0" -q report -o r.html "$1" 2>&1' "$AICOST" "$SCENARIOS/chat-8b.yaml"
	[ "$status" -eq 2 ]; [[ "$output" == *"gnuplot-nox"* ]]
	[ ! -e r.html ] && [ ! -e r.pdf ]
}

@test "a total with a component that has no price is flagged as a lower bound" {
	cat > inc.yaml <<-'EOF2'
	name: inc
	horizon: 6mo
	workloads:
	  - {name: job, kind: training, accelerator: H100, gpus: 8, gpu_hours: 7200}
	data: {stored: 1TB, egress_per_month: 10TB, egress_to: internet}
	deployments:
	  - {name: cheap, kind: cloud, provider: rental, price_per_gpu_hour: 2}
	EOF2
	run aicost -q report -o inc.md inc.yaml
	[ "$status" -eq 0 ]
	grep -q '^| cheap | cloud | 14,400 |.*| cheapest, lower bound |$' inc.md
	grep -q '^- cheap has no price for .*egress.*: counted as 0, so its total is a lower bound\.$' inc.md
}

@test "a report in another currency says how the store's prices were converted" {
	cat > eur.yaml <<-'EOF2'
	name: eur
	currency: EUR
	horizon: 6mo
	workloads:
	  - {name: job, kind: training, accelerator: H100, gpus: 8, gpu_hours: 7200}
	deployments:
	  - {name: cheap, kind: cloud, provider: rental, price_per_gpu_hour: 2}
	  - {name: dear, kind: cloud, provider: rental, price_per_gpu_hour: 3}
	EOF2
	run aicost -q report -o eur.md eur.yaml
	[ "$status" -eq 0 ]
	# 7,200 GPU-hours at 2 and 3: 14,400 and 21,600; no shortage, so no P90 clause
	grep -qF '**cheap costs least: €14.4k over 6 months, €7,200 less than dear.**' eur.md
	grep -q '^- Store prices in USD are converted to EUR at [0-9.]* (.*)\.$' eur.md
}
