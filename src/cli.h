/*
 * The command layer: global options, the command table, shared option helpers.
 *
 * THE COMMAND TABLE IS THE SINGLE LIST.  Each command is one `struct command`,
 * defined in its own src/cmd-*.c next to the code that parses its options, and
 * listed once in `commands[]` (src/commands.c).  From that one description come:
 *   - the getopt_long tables (cli_parser_init),
 *   - the command's --help (command_help: usage, description, Options:, notes),
 *   - `aicost help` and `aicost --help` (the summaries),
 *   - `aicost completion bash` (commands, subcommands, every option),
 *   - tests/cli/cli.bats, which checks that --help, the parser, completion and
 *     the man page document exactly the same options.
 *
 * How to add a command (or convert one written with getopt_long by hand):
 *
 *   1. In src/cmd-foo.c, describe the options and the command:
 *
 *        enum { OPT_DRY_RUN = CLI_LONG_ONLY, OPT_WIDTH };   // long-only keys
 *        static const struct cli_option foo_options[] = {
 *            { 'o', "output", "FILE", "write FILE atomically" },
 *            { OPT_DRY_RUN, "dry-run", NULL, "check, change nothing" },
 *            { OPT_WIDTH, "width", "N", "wrap at N columns\n(default 80)" },
 *            CLI_OPTION_HELP,
 *            CLI_OPTION_END,
 *        };
 *        const struct command foo_command = {
 *            .name = "foo", .run = cmd_foo, .summary = "one line for 'aicost help'",
 *            .usage = "usage: aicost foo [--output FILE] SCENARIO\n",
 *            .description = "What foo does, as paragraphs ending in a newline.\n",
 *            .options = foo_options,
 *            .notes = "Exit status: 0 ok, 2 usage, input or environment error.\n",
 *            .flags = CMD_NEEDS_STORE,   // then: struct db *db = command_store(false);
 *        };
 *
 *      A key below 256 is also the short option (-o); CLI_LONG_ONLY and up have
 *      none.  `arg` NULL: the option takes no value.  A '\n' in `help` continues
 *      it on the next line under the help column.  Shared groups such as
 *      COSTCLI_OPTIONS (costcli.h) are macros of entries.
 *
 *   2. Parse with the generated tables instead of a hand-written SHORTOPTS/option[]:
 *
 *        struct cli_parser p;
 *        int c;
 *
 *        cli_parser_init(&p, &foo_command);
 *        while ((c = cli_getopt(&p, argc, argv)) != -1) {
 *            switch (c) {
 *            case 'o': ...; break;
 *            case 'h': command_help(&foo_command, stdout); return EXIT_OK;
 *            default: return cli_option_error(&p, c, argv);
 *            }
 *        }
 *
 *      Delete the hand-written print_help(): command_help() prints
 *      usage, "\n" description, "\nOptions:\n" the option lines, "\n" notes.
 *
 *   3. Declare `extern const struct command foo_command;` below and add
 *      `&foo_command` to commands[] in commands.c (a subcommand: to its parent's
 *      `subcommands`, with `.parent = "pricing"`).  Document every option in the
 *      command's man page as `.It Fl o , Fl -output Ar file`; in a page shared
 *      by several commands, a `.Pq foo` line in the item restricts it to foo.
 *      `make check` (tests/cli/cli.bats) fails until --help, parser, completion
 *      and man page agree.
 */
#ifndef AICOST_CLI_H
#define AICOST_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "version.h"

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

/* Keys of options with no short letter: CLI_LONG_ONLY, CLI_LONG_ONLY + 1, ... */
enum { CLI_LONG_ONLY = 256 };

/* One option of a command (see the how-to above). */
struct cli_option {
	int key;                 /* the short letter, or CLI_LONG_ONLY and up */
	const char *name;        /* long name, without "--" */
	const char *arg;         /* its value's name in --help (FILE, N); NULL: a flag */
	const char *help;        /* one line; '\n' continues under the help column */
};
#define CLI_OPTION_HELP { 'h', "help", NULL, "print this help and exit" }
#define CLI_OPTION_END { 0, NULL, NULL, NULL }
#define CLI_MAX_OPTIONS 32

enum command_flags {
	/* Uses the price store (--db), through command_store(): the dispatcher opens it
	 * on first use and closes it when the command returns; a command run inside
	 * another (the REPL's lines) uses the outer one's open store. */
	CMD_NEEDS_STORE = 1 << 0,
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command name */
	const char *summary;                 /* its line in the parent's list */
	const char *parent;                  /* "pricing" for its subcommands; else NULL */
	const char *usage;                   /* "usage: aicost ...\n" lines */
	const char *description;             /* after a blank line; NULL none */
	const struct cli_option *options;    /* ends with CLI_OPTION_END */
	const char *notes;                   /* after the options; NULL none */
	unsigned flags;                      /* enum command_flags */
	const struct command *const *subcommands;   /* NULL-terminated; NULL none */
	int help_column;                     /* where option help starts; 0: 28 */
};

extern const struct command *const commands[];
extern const size_t ncommands;
/* The global options (before the command), for aicost --help and completion. */
extern const struct cli_option global_option_specs[];

/*
 * One whole command line, argv[0] "aicost": global options, then the command.
 * Returns the exit status; can be called any number of times in one process.
 */
int aicost_main(int argc, char **argv);

/* The command (or subcommand of PARENT, NULL top level) named NAME; NULL none. */
const struct command *command_find(const struct command *parent, const char *name);
/* Runs argv[0] as a command; prints the "did you mean" message for unknown names. */
int command_run(int argc, char **argv);
/*
 * The same inside SESSION (the REPL's scenario as edited, costcli.h; NULL none):
 * command_session() gives it to the command and the subcommands it runs.
 */
struct session_scenario;
int command_run_in_session(int argc, char **argv, const struct session_scenario *session);
/* The running command's session, or NULL (not in the REPL, or no scenario there). */
const struct session_scenario *command_session(void);
/* Runs argv[0] as a subcommand of PARENT (argv[0] a name, or a "did you mean"). */
int subcommand_run(const struct command *parent, int argc, char **argv);
/*
 * The store (--db / AICOST_DB / XDG) for the running command, which must have
 * CMD_NEEDS_STORE: an outer run's (the REPL's) when it has the same one open, else
 * opened here (read-only for a store the user may not write, unless WRITING) and
 * closed by the dispatcher when the command returns: never db_close it. NULL with
 * error_set() when it cannot be opened.
 */
struct db;
struct db *command_store(bool writing);
/* "pricing list" for a subcommand, else the name, written to BUF: for messages. */
const char *command_path(const struct command *cmd, char *buf, size_t size);

/* --help of CMD: usage, description, options, notes (and subcommands, if any). */
void command_help(const struct command *cmd, FILE *fp);
/* The option lines of OPTIONS at COLUMN (0: 28), as --help prints them. */
void cli_print_options(const struct cli_option *options, int column, FILE *fp);

/* The getopt_long tables generated from a command's options. */
struct cli_parser {
	const struct command *cmd;
	char path[64];                       /* "pricing list", for messages */
	struct option longopts[CLI_MAX_OPTIONS + 1];
	char shortopts[3 * CLI_MAX_OPTIONS + 1];
};
void cli_parser_init(struct cli_parser *p, const struct command *cmd);
/* getopt_long over the generated tables (errors left to cli_option_error). */
int cli_getopt(struct cli_parser *p, int argc, char **argv);
/*
 * Parses the options of SELF when --help is its only one: -1 to go on with the
 * operands from argv[optind], else the exit status (help printed, or a usage error).
 */
int cli_parse_help_only(const struct command *self, int argc, char **argv);
/* The usage error for what cli_getopt returned as C (unknown option, missing
 * value, or an option the command's switch forgot): EXIT_ERROR. */
int cli_option_error(const struct cli_parser *p, int c, char **argv);

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

/* The commands, one file each (src/cmd-*.c; help, version, completion in commands.c). */
extern const struct command help_command, version_command, completion_command;
extern const struct command pricing_command, pricing_update_command;
extern const struct command validate_command, estimate_command, compare_command;
extern const struct command optimize_command, repl_command;
extern const struct command plot_command, report_command;
extern const struct command check_command, diff_command;   /* cmd-check.c, cmd-diff.c */

/* For commands that take a scenario (cmd-validate.c): --set lists and loader errors. */
struct strbuf;
void add_override(const char ***overrides, size_t *n, size_t *alloc, const char *assignment);
void print_scenario_errors(const char *cmd, const struct strbuf *errors);

#endif
