/* The command layer: global options, the command table, shared option helpers. */
#ifndef AICOST_CLI_H
#define AICOST_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define AICOST_VERSION "0.1.0"

/* Exit codes (public API: see README and aicost(1)). */
enum {
	EXIT_OK = 0,
	EXIT_CHECK_FAILED = 1,   /* a check failed: over budget, a partial update */
	EXIT_ERROR = 2,          /* usage, input or environment error */
};

struct global_options {
	const char *db_path;     /* --db; NULL means AICOST_DB or the XDG default */
	int verbosity;           /* -q: -1, default 0, -v: 1 and up */
};

extern struct global_options global_options;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command name */
	const char *summary;
};

extern const struct command commands[];
extern const size_t ncommands;

const struct command *command_find(const char *name);
/* Runs argv[0] as a command; prints the "did you mean" message for unknown names. */
int command_run(int argc, char **argv);

/* Prints "aicost CMD: message" and "Try 'aicost CMD --help'." and returns EXIT_ERROR;
 * CMD NULL is aicost itself (its global options). */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * After getopt_long returned '?' with opterr = 0: one usage_error naming the
 * unknown option or the option that needs a value (SHORTOPTS as given to getopt).
 */
int option_error(const char *cmd, char **argv, const char *shortopts);

/* Resets getopt so that each command (and each REPL line) parses from scratch. */
void reset_getopt(void);

/* The command implementations, one file each (src/cmd-*.c). */
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_completion(int argc, char **argv);
int cmd_pricing(int argc, char **argv);
int cmd_pricing_update(int argc, char **argv);   /* pricing update (cmd-pricing-update.c) */
int cmd_validate(int argc, char **argv);
int cmd_estimate(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_optimize(int argc, char **argv);

/* For commands that take a scenario (cmd-validate.c): --set lists and loader errors. */
struct strbuf;
void add_override(const char ***overrides, size_t *n, size_t *alloc, const char *assignment);
void print_scenario_errors(const char *cmd, const struct strbuf *errors);

#endif
