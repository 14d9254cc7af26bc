#!/usr/bin/env bats
# Output for people and machines: colour only on a terminal, never with NO_COLOR.
load helpers

esc=$'\033['

@test "tables on a terminal use bold headers" {
	command -v script >/dev/null || skip "script(1) not installed"
	run script -qec "$AICOST pricing list --accelerator h100 --limit 1" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"$esc"1m* ]]
}

@test "NO_COLOR turns colour off even on a terminal" {
	command -v script >/dev/null || skip "script(1) not installed"
	NO_COLOR=1 run script -qec "$AICOST pricing list --accelerator h100 --limit 1" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *PROVIDER* ]]
	[[ "$output" != *"$esc"* ]]
}

@test "no colour when stdout is not a terminal" {
	run aicost pricing list --accelerator h100 --limit 1
	[ "$status" -eq 0 ]
	[[ "$output" == *PROVIDER* ]]
	[[ "$output" != *"$esc"* ]]
}

# Builds a private de_DE.UTF-8 (decimal comma) with localedef: no root needed.
german_locale() {
	export LOCPATH="$BATS_TEST_TMPDIR/locale"
	mkdir -p "$LOCPATH"
	localedef -i de_DE -f UTF-8 "$LOCPATH/de_DE.UTF-8" >/dev/null 2>&1 || return 1
	# Prove the locale is live: its decimal point is a comma.
	[ "$(LC_ALL=de_DE.UTF-8 locale decimal_point)" = "," ]
}

@test "numbers print and parse the same under a German locale" {
	german_locale || skip "cannot build de_DE.UTF-8 (package locales missing)"
	run aicost pricing list --accelerator h100 --provider aws --format csv
	c_output=$output
	LC_ALL=de_DE.UTF-8 run aicost pricing list --accelerator h100 --provider aws --format csv
	[ "$status" -eq 0 ]
	[ "$output" = "$c_output" ]
	[[ "$output" == *"55.04"* ]]
	LC_ALL=de_DE.UTF-8 run aicost pricing list --accelerator h100 --max-price 60.5 --format csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"p5.48xlarge"* ]]
}

@test "a scenario estimates identically under a German locale" {
	german_locale || skip "cannot build de_DE.UTF-8 (package locales missing)"
	run aicost estimate --format json "$AICOST_ROOT/scenarios/chat-8b.yaml"
	[ "$status" -eq 0 ]
	c_output=$output
	LC_ALL=de_DE.UTF-8 run aicost estimate --format json "$AICOST_ROOT/scenarios/chat-8b.yaml"
	[ "$status" -eq 0 ]
	[ "$output" = "$c_output" ]
}

@test "a full disk is a write error, exit 2, in every format of the cost commands" {
	[ -w /dev/full ] || skip "no /dev/full"
	f=$AICOST_ROOT/scenarios/chat-8b.yaml
	for cmd in estimate compare optimize; do
		for fmt in table csv json markdown; do
			run bash -c '"$0" -q "$@" >/dev/full' "$AICOST" $cmd --format $fmt "$f"
			[ "$status" -eq 2 ] || { echo "$cmd $fmt: $status"; return 1; }
			[ "$output" = "aicost $cmd: write error: No space left on device" ] ||
				{ echo "$cmd $fmt: $output"; return 1; }
		done
	done
}
