#!/usr/bin/env bats
# The program skeleton: global options, help, dispatch, suggestions.
load helpers

@test "--version prints the version" {
	run aicost --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^aicost\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "version command matches --version" {
	run aicost version
	[ "$status" -eq 0 ]
	[ "$output" = "$("$AICOST" --version)" ]
}

@test "--help lists every command in the table" {
	run aicost --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: aicost"* ]]
	[[ "$output" == *"help"* ]]
	[[ "$output" == *"completion"* ]]
	[[ "$output" == *"Exit status: 0 ok, 1 a check failed, 2"* ]]
}

@test "no command prints usage on stderr and exits 2" {
	run_split
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"usage: aicost"* ]]
}

@test "help COMMAND shows that command's help" {
	run aicost help version
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: aicost version"* ]]
}

@test "help with an unknown command suggests one" {
	run aicost help verison
	[ "$status" -eq 2 ]
	[[ "$output" == *"'verison' is not a command; did you mean 'version'?"* ]]
}

@test "a misspelled command gets a suggestion and exit 2" {
	run_split verison
	[ "$status" -eq 2 ]
	[ "$stderr" = "aicost: 'verison' is not a command; did you mean 'version'?" ]
}

@test "a command far from every name gets no guess" {
	run_split zzzzzzzz
	[ "$status" -eq 2 ]
	[ "$stderr" = "aicost: 'zzzzzzzz' is not a command; see 'aicost help'" ]
}

@test "an unknown global option exits 2" {
	run aicost --frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"Try 'aicost --help'."* ]]
}

@test "every command in the table answers --help with exit 0" {
	for cmd in $("$AICOST" completion bash | sed -n "s/.*compgen -W '\([^']*\)'.*/\1/p"); do
		run aicost "$cmd" --help
		[ "$status" -eq 0 ] || { echo "$cmd --help exited $status"; return 1; }
		[[ "$output" == *"usage: aicost $cmd"* ]] || { echo "$cmd --help: $output"; return 1; }
	done
}

@test "completion bash is a loadable script naming the commands" {
	run aicost completion bash
	[ "$status" -eq 0 ]
	[[ "$output" == *"complete -o filenames -F _aicost aicost"* ]]
	bash -n <(aicost completion bash)
}

@test "completion for another shell is a usage error" {
	run aicost completion tcsh
	[ "$status" -eq 2 ]
	[[ "$output" == *"only 'bash' completion"* ]]
}

@test "help without a command is the main help" {
	run aicost help
	[ "$status" -eq 0 ]
	[ "$output" = "$("$AICOST" --help)" ]
}

@test "a bad option is one message naming it, exit 2, nothing on stdout" {
	f=$AICOST_ROOT/scenarios/chat-8b.yaml
	for cmd in estimate compare optimize validate; do
		run_split $cmd --bogus=1 "$f"
		[ "$status" -eq 2 ] && [ -z "$output" ]
		[ "$stderr" = "aicost $cmd: unknown option '--bogus'
Try 'aicost $cmd --help'." ] || { echo "$cmd: $stderr"; return 1; }
		run_split $cmd -Z "$f"
		[ "$status" -eq 2 ] && [ -z "$output" ]
		[ "$(head -1 <<<"$stderr")" = "aicost $cmd: unknown option '-Z'" ]
		run_split $cmd --help=yes
		[ "$status" -eq 2 ]
		[ "$(head -1 <<<"$stderr")" = "aicost $cmd: option '--help' takes no value" ]
		run_split $cmd "$f" --set
		[ "$status" -eq 2 ] && [ -z "$output" ]
		[ "$(head -1 <<<"$stderr")" = "aicost $cmd: option '--set' needs a value" ]
	done
	run_split estimate "$f" -f
	[ "$(head -1 <<<"$stderr")" = "aicost estimate: option '-f' needs a value" ]
	run_split optimize "$f" --top
	[ "$(head -1 <<<"$stderr")" = "aicost optimize: option '--top' needs a value" ]
}

# Completes the words given (the last one is being typed) with the bash script.
complete_words() {
	bash -c 'source <("$0" completion bash) || exit 1
		COMP_WORDS=("$0" "$@"); COMP_CWORD=$#; COMPREPLY=()
		_aicost; printf "%s\n" "${COMPREPLY[@]}"' "$AICOST" "$@"
}

@test "completion: commands, each command's options, pricing subcommands, formats" {
	run complete_words est
	[ "$output" = estimate ]
	run complete_words --db x.db com
	[ "$output" = "$(printf 'completion\ncompare')" ]
	run complete_words --v
	[ "$output" = "$(printf -- '--verbose\n--version')" ]
	run complete_words help opt
	[ "$output" = optimize ]
	run complete_words estimate --de
	[ "$output" = --deployment ]
	run complete_words compare --t
	[ "$output" = --trials ]
	run complete_words optimize --max
	[ "$output" = --max-price ]
	run complete_words validate --no
	[ "$output" = --no-store ]
	run complete_words pricing s
	[ "$output" = "$(printf 'show\nsources')" ]
	run complete_words pricing list --sor
	[ "$output" = --sort ]
	run complete_words -q estimate --format j
	[ "$output" = json ]
	run complete_words compare -f m
	[ "$output" = markdown ]
	run complete_words completion b
	[ "$output" = bash ]
	cd "$AICOST_ROOT"
	run complete_words estimate scenarios/chat-8
	[ "$output" = scenarios/chat-8b.yaml ]
}

@test "help pricing SUBCOMMAND shows that subcommand's help" {
	run_split help pricing list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: aicost pricing list [OPTIONS]" ]
	[ "$output" = "$("$AICOST" pricing list --help)" ]
	run_split help pricing lst
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[[ "$stderr" == *"did you mean 'list'"* ]]
	run_split help estimate extra
	[ "$status" -eq 2 ] && [ -z "$output" ]
}

@test "global options: one message naming the bad one; --help and --version to a full disk fail" {
	run_split --bogus estimate
	[ "$status" -eq 2 ] && [ -z "$output" ]
	[ "$stderr" = "aicost: unknown option '--bogus'
Try 'aicost --help'." ]
	run_split --db
	[ "$status" -eq 2 ]
	[ "$(head -1 <<<"$stderr")" = "aicost: option '--db' needs a value" ]
	run_split --version=2
	[ "$(head -1 <<<"$stderr")" = "aicost: option '--version' takes no value" ]
	[ -w /dev/full ] || skip "no /dev/full"
	for opt in --help --version; do
		run bash -c '"$0" "$1" >/dev/full' "$AICOST" $opt
		[ "$status" -eq 2 ] || { echo "$opt: $status"; return 1; }
		[[ "$output" == "aicost: write error"* ]]
	done
}
