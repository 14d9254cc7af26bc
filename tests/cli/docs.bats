#!/usr/bin/env bats
# The manuals: clean mdoc, and every command in the table documented.
load helpers

@test "every man page is clean under groff -mandoc -ww" {
	for page in "$AICOST_ROOT"/man/*.[1-9]; do
		run groff -mandoc -ww -z "$page"
		[ "$status" -eq 0 ] || { echo "$page: exit $status"; return 1; }
		[ -z "$output" ] || { echo "$page: $output"; return 1; }
	done
}

@test "every command in the table is listed in aicost(1)" {
	for cmd in $("$AICOST" completion bash | sed -n "s/.*compgen -W '\([^']*\)'.*/\1/p"); do
		grep -q "^\.It Cm $cmd\b" "$AICOST_ROOT/man/aicost.1" ||
			{ echo "aicost.1 does not document '$cmd'"; return 1; }
	done
}

@test "every man page cross-referenced from aicost(1) exists" {
	run grep -o '^\.Xr aicost-[a-z]* [1-9]' "$AICOST_ROOT/man/aicost.1"
	for ref in "${lines[@]}"; do
		set -- $ref
		[ -f "$AICOST_ROOT/man/$2.$3" ] || { echo "missing man/$2.$3"; return 1; }
	done
}

@test "README documents the two commands and the exit codes" {
	grep -q '^    make demo' "$AICOST_ROOT/README.md"
	grep -q '^    make check' "$AICOST_ROOT/README.md"
	grep -q '^## Architecture' "$AICOST_ROOT/README.md"
	grep -q '| 2 | usage, input or environment error' "$AICOST_ROOT/README.md"
}

@test "aicost(1) SEE ALSO names every other shipped page" {
	see_also=$(sed -n '/^\.Sh SEE ALSO/,/^\.Sh/p' "$AICOST_ROOT/man/aicost.1")
	for page in "$AICOST_ROOT"/man/aicost-*.[1-9]; do
		base=${page##*/}
		grep -q "^\.Xr ${base%.*} ${base##*.}" <<<"$see_also" ||
			{ echo "SEE ALSO lacks $base"; return 1; }
	done
}
