#!/usr/bin/env bats
# The command table is the single list: each command's --help, its parser, the
# completion script and its man page name exactly the same options (cli.h).
load helpers

# "PATH<TAB>--opt -o ..." for every command and subcommand, from the table (via
# the generated completion script's option lists).
table_options() {
	"$AICOST" completion bash | sed -n 's/^ *"\([a-z ]*\)") words="\([^"]*\)" ;;$/\1\t\2/p'
}

# The options in the Options: section of --help of "$@", one a line: --long and -x.
help_options() {
	"$AICOST" "$@" --help | sed -n '/^Options:$/,/^$/p' |
		sed -n 's/^  \(-\([a-zA-Z]\), \|    \)--\([a-z-]*\).*/\3 \2/p' |
		while read -r long short; do
			printf "%s\n" "--$long"
			[ -z "$short" ] || printf "%s\n" "-$short"
		done | sort
}

# The options man page $1 documents for command $2 in scope $3: "page" takes the
# page's own option lists and items under `.It Cm $2` or `.Sh $2`; "scoped" only
# the latter. A `.Pq CMD ...` line naming commands restricts an item to them.
man_options() {
	local page=$1 name=$2 mode=$3 commands
	commands=$("$AICOST" completion bash | sed -n "s/.*compgen -W '\([^']*\)'.*/\1/p")
	commands="$commands $("$AICOST" completion bash |
		sed -n 's/^ *"[a-z]* \([a-z]*\)") words=.*/\1/p' | tr '\n' ' ')"
	awk -v name="$name" -v mode="$mode" -v cmds="$commands" '
	function flush() {
		if (item != "" && (restrict == "" || index(restrict, " " name " ")) &&
		    (itemscope == name || (itemscope == "" && mode == "page")))
			print item
		item = ""
	}
	BEGIN { n = split(cmds, c, " "); for (i = 1; i <= n; i++) iscmd[c[i]] = 1 }
	{ gsub(/\\-/, "-") }
	/^\.Sh / { flush(); section = tolower($2); depth = 0; delete owner; next }
	/^\.Bl / { depth++; next }
	/^\.El/ { flush(); owner[depth] = ""; depth--; next }
	/^\.It / {
		flush()
		owner[depth] = ($2 == "Cm" && iscmd[$3]) ? $3 : ""
		if ($2 != "Fl")
			next
		itemscope = iscmd[section] ? section : ""
		for (d = depth - 1; d >= 1; d--)
			if (owner[d] != "") { itemscope = owner[d]; break }
		restrict = ""
		for (i = 2; i < NF; i++)
			if ($i == "Fl" && $(i + 1) != "") {
				opt = "-" $(i + 1)
				if (opt != "--help" && opt != "-h")
					item = item (item == "" ? "" : "\n") opt
			}
		next
	}
	/^\.Pq / && item != "" && iscmd[$2] {
		for (i = 2; i <= NF; i++)
			if (iscmd[$i]) restrict = restrict " " $i " "
	}
	END { flush() }' "$AICOST_ROOT/man/$page" | sort
}

# The man page of command path "$@" and how to read it.
man_page_of() {
	local name=${*: -1} page
	if [ -f "$AICOST_ROOT/man/aicost-$name.1" ]; then
		echo "aicost-$name.1 page"
	elif page=$(grep -l "^\.Nm aicost $* *,\{0,1\}$" "$AICOST_ROOT"/man/*.1 | head -1) &&
	     [ -n "$page" ]; then
		echo "${page##*/} page"
	elif [ $# -gt 1 ] && [ -f "$AICOST_ROOT/man/aicost-$1.1" ]; then
		echo "aicost-$1.1 scoped"
	else
		echo "aicost.1 scoped"
	fi
}

@test "every command's --help lists exactly the options of its table entry" {
	local count=0
	while IFS=$'\t' read -r path words; do
		# shellcheck disable=SC2086
		expected=$(printf '%s\n' $words | sort)
		actual=$(help_options $path | grep -- '^--')
		[ "$actual" = "$expected" ] ||
			{ echo "$path: --help lists"; echo "$actual"; echo "table:"; echo "$expected"; return 1; }
		count=$((count + 1))
	done < <(table_options)
	[ "$count" -ge 15 ]   # 8 commands and 7 pricing subcommands at least
}

@test "the parser of every command handles every option its --help lists" {
	local checked=0
	while IFS=$'\t' read -r path words; do
		"$AICOST" $path --help | sed -n '/^Options:$/,/^$/p' |
			sed -n 's/^  \(-[a-zA-Z], \|    \)\(--[a-z-]*\)\( [A-Z]\)\{0,1\}.*/\2\3/p' >opts
		while read -r opt arg; do
			# The option (with a value if it takes one), then one no parser knows.
			run_split $path "$opt" ${arg:+1} --zz-not-an-option
			[[ "$stderr" != *"not handled"* && "$stderr" != *"unknown option '$opt'"* ]] ||
				{ echo "$path $opt: $stderr"; return 1; }
			[[ "$opt" = --help ]] || [ "$status" -eq 2 ] ||
				{ echo "$path $opt: exit $status"; return 1; }
			checked=$((checked + 1))
		done <opts
		run_split $path --zz-not-an-option
		[ "$status" -eq 2 ] && [[ "$stderr" == *"unknown option '--zz-not-an-option'"* ]] ||
			{ echo "$path: $stderr"; return 1; }
	done < <(table_options)
	[ "$checked" -ge 50 ]
}

@test "every command's man page documents exactly the options of its --help" {
	while IFS=$'\t' read -r path words; do
		read -r page mode < <(man_page_of $path)
		expected=$(help_options $path | grep -v -x -e --help -e -h || true)
		actual=$(man_options "$page" "${path##* }" "$mode")
		[ "$actual" = "$expected" ] || {
			echo "$path: man/$page documents"; echo "$actual"
			echo "--help lists:"; echo "$expected"; return 1; }
	done < <(table_options)
	# The global options, in aicost(1).
	expected=$("$AICOST" --help | sed -n '/^Global options:$/,/^$/p' |
		sed -n 's/^  \(-\([a-zA-Z]\), \|    \)--\([a-z-]*\).*/--\3\n-\2/p' |
		{ grep -v -x -e - -e --help -e -h || true; } | sort)
	actual=$(man_options aicost.1 aicost page)
	[ "$actual" = "$expected" ] || { echo "aicost.1: $actual"; echo "--help: $expected"; return 1; }
}

@test "completion offers each command's options from the table" {
	run bash -c 'source <("$0" completion bash) || exit 1
		COMP_WORDS=("$0" pricing update --gcp); COMP_CWORD=3; COMPREPLY=()
		_aicost; printf "%s\n" "${COMPREPLY[@]}"' "$AICOST"
	[ "$output" = --gcp-api-key-file ]
	run bash -c 'source <("$0" completion bash) || exit 1
		COMP_WORDS=("$0" pricing export -o); COMP_CWORD=3; COMPREPLY=()
		_aicost; printf "%s\n" "${COMPREPLY[@]}"' "$AICOST"
	[ "$status" -eq 0 ]
}
