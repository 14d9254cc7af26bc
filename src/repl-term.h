/*
 * Inside the REPL: the session that repl.c keeps and the terminal side of it
 * (repl-term.c: GNU Readline, completion, history, Ctrl-C). Not for other modules.
 */
#ifndef AICOST_REPL_TERM_H
#define AICOST_REPL_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "scenario-edit.h"
#include "strbuf.h"
#include "tco.h"

struct state;

struct repl {
	struct scenario_doc doc;       /* valid while state is set */
	struct state *state;           /* the edited scenario, priced; NULL: none loaded */
	struct db *db;                 /* opened once for the session */
	struct tco_options opts;
	bool interactive;              /* a terminal: prompt, questions, colour */
	bool color;
	bool stop_on_error;
	bool quit;
	int line;                      /* number of the input line being run */
	char **lines;                  /* what was typed, for history */
	size_t nlines, lines_alloc;
};

/* repl.c */
/* Runs one input line; EXIT_ERROR when it failed (the message is printed). */
int repl_execute(struct repl *r, const char *line);
/* "name> ", "name*> " with unsaved changes, "aicost> " with no scenario. */
const char *repl_prompt(struct repl *r, struct strbuf *sb);
/* The options of the REPL's own command NAME; NULL for none (or another command). */
const struct cli_option *repl_command_options(const char *name);
/* The REPL's commands and those of the table that it runs; the caller frees *NAMES. */
size_t repl_command_names(const char ***names);
/* Splits LINE into words (quotes, backslashes); -1 with error_set() on an open quote. */
int repl_split(const char *line, char ***words, int *nwords);
/* The scenario of the session, or NULL; and its tree with the edits (caller frees). */
const struct scenario *repl_scenario(const struct repl *r);
struct node *repl_tree(const struct repl *r);

/* repl-term.c */
/* Reads and runs lines at the terminal until quit or end of input. */
int repl_terminal(struct repl *r);
/* Asks QUESTION on a terminal (y/N); true without a terminal. */
bool repl_confirm(struct repl *r, const char *question);
/* Ctrl-C was pressed since the current line started running. */
bool repl_interrupted(void);

#endif
