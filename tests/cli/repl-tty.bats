#!/usr/bin/env bats
# aicost repl at a real prompt: driven in tmux (send-keys) and read back from the
# screen (capture-pane). Tab completion, Ctrl-C, the unsaved-changes question,
# the history file.
load helpers

# Each test has its own tmux server (a socket in its directory).
tm() {
	tmux -S "$BATS_TEST_TMPDIR/tmux.sock" "$@"
}

# Starts `aicost repl ARGS` in a 100x30 pane; the pane stays to be read after exit.
start_repl() {
	cp "$AICOST_ROOT/tests/fixtures/repl-whatif.yaml" whatif.yaml
	tm -f /dev/null new-session -d -s repl -x 100 -y 30 \
		"'$AICOST' repl $*; echo \"exit status \$?\"; sleep 60"
	wait_for 'whatif> $'
}

screen() {
	tm capture-pane -p -N -t repl | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# Waits until the screen has a line matching the regex $1 (up to ~10 s).
wait_for() {
	for _ in $(seq 100); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	echo "the screen never showed /$1/:" >&2
	screen >&2
	return 1
}

teardown() {
	tm kill-server 2>/dev/null || true
}

@test "repl tty: Tab completes a command and a scenario path" {
	start_repl whatif.yaml
	tm send-keys -t repl 'swe' Tab
	wait_for '^whatif> sweep $'
	tm send-keys -t repl 'deployments.ra' Tab
	wait_for '^whatif> sweep deployments\.rack\.$'
	tm send-keys -t repl 'server_p' Tab
	wait_for '^whatif> sweep deployments\.rack\.server_price $'
	tm send-keys -t repl '100k 300k 100k' Enter
	wait_for '^total of the cheapest'
	# values: accelerator names from the store
	tm send-keys -t repl 'set deployments.rack.accelerator H100-S' Tab
	wait_for '^whatif> set deployments\.rack\.accelerator H100-SXM $'
	tm send-keys -t repl C-c
	wait_for '^whatif> $'	# the fresh prompt first: keys sent sooner may reach the old line
	# options, from the command table (cost is estimate)
	tm send-keys -t repl 'cost --for' Tab
	wait_for '^whatif> cost --format $'
	tm send-keys -t repl C-c
	wait_for '^whatif> $'	# the fresh prompt first: keys sent sooner may reach the old line
	tm send-keys -t repl 'pricing li' Tab
	wait_for '^whatif> pricing list $'
}

@test "repl tty: Ctrl-C drops the line, not the program" {
	start_repl whatif.yaml
	tm send-keys -t repl 'set deployments.rack.gpus 999'
	wait_for 'gpus 999$'
	tm send-keys -t repl C-c
	wait_for '^whatif> $'	# the fresh prompt first: keys sent sooner may reach the old line
	tm send-keys -t repl 'show deployments.rack.gpus' Enter
	wait_for '^deployments\.rack\.gpus = 8  \(whatif\.yaml:23\)$'
	# the dropped line was never run: no unsaved change in the prompt
	wait_for '^whatif> $'
	run screen
	[[ "$output" != *"999 "* ]]
	[[ "$output" != *"exit status"* ]]
}

@test "repl tty: Ctrl-D and quit ask before discarding unsaved changes" {
	start_repl whatif.yaml
	tm send-keys -t repl 'set deployments.cloud.price_per_gpu_hour 3' Enter
	wait_for '^whatif\*> $'
	tm send-keys -t repl C-d
	wait_for '^quit and discard the unsaved changes\? \[y/N\] $'
	tm send-keys -t repl n Enter
	wait_for '^whatif\*> $'
	tm send-keys -t repl 'quit' Enter
	wait_for 'quit and discard the unsaved changes\? \[y/N\] $'
	tm send-keys -t repl y Enter
	wait_for '^exit status 0$'
}

@test "repl tty: saved changes need no question; the history file keeps the lines" {
	start_repl whatif.yaml
	tm send-keys -t repl 'set deployments.cloud.price_per_gpu_hour 3' Enter
	wait_for '^whatif\*> $'
	tm send-keys -t repl 'save' Enter
	wait_for '^saved whatif\.yaml$'
	wait_for '^whatif> $'
	tm send-keys -t repl C-d
	wait_for '^exit status 0$'
	run cat "$XDG_STATE_HOME/aicost/history"
	[ "$output" = "set deployments.cloud.price_per_gpu_hour 3
save" ]
	# the next session finds it: Up brings back the last line
	tm kill-server
	start_repl whatif.yaml
	tm send-keys -t repl Up
	wait_for '^whatif> save$'
}

@test "repl tty: Ctrl-C stops a running sweep, not the program" {
	start_repl whatif.yaml
	# 100 x 100 runs of the engine: seconds of work
	tm send-keys -t repl 'sweep deployments.cloud.price_per_gpu_hour 1 100 1 deployments.rack.gpus 8 800 8' Enter
	sleep 0.5
	tm send-keys -t repl C-c
	wait_for '^aicost repl: sweep interrupted$'
	wait_for '^whatif> $'
	tm send-keys -t repl 'show deployments.rack.gpus' Enter
	wait_for '^deployments\.rack\.gpus = 8  \(whatif\.yaml:23\)$'
}
