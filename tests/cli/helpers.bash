# Shared setup for the command-line tests: a private HOME and XDG dirs, C locale,
# UTC, no network, and a check that no sanitizer finding hides in any output.
AICOST_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
AICOST=${AICOST_BIN:-$AICOST_ROOT/bin/aicost}
FIXTURES=$AICOST_ROOT/tests/fixtures

setup() {
	export HOME="$BATS_TEST_TMPDIR/home"
	export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config"
	export XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
	mkdir -p "$HOME"
	export LC_ALL=C TZ=UTC
	unset AICOST_DB NO_COLOR
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	# A sanitizer report anywhere in the last command's output fails the test.
	if [[ "${output:-}" == *"Sanitizer"* || "${output:-}" == *"runtime error:"* ]]; then
		echo "sanitizer finding in output:" >&2
		echo "$output" >&2
		return 1
	fi
}

aicost() {
	"$AICOST" "$@"
}

# Runs aicost, keeping stdout and stderr apart: $output/$status as usual, $stderr too.
run_split() {
	local errfile="$BATS_TEST_TMPDIR/stderr.$$"
	run bash -c '"$0" "$@" 2>"'"$errfile"'"' "$AICOST" "$@"
	stderr=$(cat "$errfile")
	if [[ "$stderr" == *"Sanitizer"* || "$stderr" == *"runtime error:"* ]]; then
		output="$output$stderr"
	fi
}
