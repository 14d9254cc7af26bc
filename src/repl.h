/*
 * aicost repl: a what-if session over one scenario. Lines are REPL commands
 * (set, unset, show, sweep, undo, redo, history, save, load, reset, help, quit)
 * or any command of the table, which then uses the session's scenario and store.
 * On a terminal it reads through GNU Readline; otherwise line by line.
 * Command layer: prints.
 */
#ifndef AICOST_REPL_H
#define AICOST_REPL_H

#include <stdbool.h>

struct repl_options {
	bool stop_on_error;      /* non-terminal input: stop at the first failing line */
};

/* Runs a session on SCENARIO (NULL: none loaded yet); returns the exit status. */
int repl_run(const char *scenario, const struct repl_options *opts);

#endif
