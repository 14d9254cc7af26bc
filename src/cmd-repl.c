/*
 * aicost repl [SCENARIO]: a what-if session (issue 19). Parses the options and
 * hands over to repl.c.
 */
#include "cli.h"
#include "repl.h"

static int cmd_repl(int argc, char **argv);

enum { OPT_STOP_ON_ERROR = CLI_LONG_ONLY };

static const struct cli_option repl_options[] = {
	{ OPT_STOP_ON_ERROR, "stop-on-error", NULL,
	  "(input not a terminal) stop at the first failing line" },
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command repl_command = {
	.name = "repl", .run = cmd_repl,
	.summary = "what-if session: set fields, see costs move, sweep, undo, save",
	.usage = "usage: aicost repl [--stop-on-error] [SCENARIO]\n",
	.description =
		"A what-if session over SCENARIO, kept in memory with the price store: change\n"
		"a field and see at once what the cheapest deployment's total does.\n"
		"\n"
		"  set PATH VALUE      change a field, as --set PATH=VALUE; prints\n"
		"                      'total: OLD → NEW (±%) on DEPLOYMENT', a new cheapest\n"
		"                      and any break-even month that moved\n"
		"  unset PATH          remove a field (its default applies)\n"
		"  show [PATH]         a field's value and where it came from (file line,\n"
		"                      default, or a set); without PATH, the changes\n"
		"  cost, compare, ...  any aicost command; with no SCENARIO it uses this one\n"
		"  sweep PATH FROM TO STEP [PATH FROM TO STEP] [--metric METRIC]\n"
		"                      [--deployment NAME]\n"
		"                      METRIC (total, npv, breakeven, per_million_tokens) for\n"
		"                      each value, as a table and a text chart; two paths: a grid\n"
		"  undo, redo, reset, history, save [FILE], load FILE, help [COMMAND], quit\n"
		"\n"
		"On a terminal it reads with GNU Readline: Tab completes commands, options,\n"
		"scenario paths and names from the store; Ctrl-C drops the line or stops a\n"
		"sweep; Ctrl-D or quit asks before discarding unsaved changes; the history\n"
		"is kept in $XDG_STATE_HOME/aicost/history. Otherwise it reads commands line\n"
		"by line, with no prompt and no colour; a failing line is reported on stderr\n"
		"as 'line N: ...' and the next one runs.\n",
	.options = repl_options,
	.notes = "Exit status: 0 ok; 2 SCENARIO cannot be loaded or priced, or a line failed.\n",
	.flags = CMD_NEEDS_STORE,
};

static int cmd_repl(int argc, char **argv)
{
	struct repl_options opts = { 0 };
	struct cli_parser p;
	int c;

	cli_parser_init(&p, &repl_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		switch (c) {
		case OPT_STOP_ON_ERROR:
			opts.stop_on_error = true;
			break;
		case 'h':
			command_help(&repl_command, stdout);
			return EXIT_OK;
		default:
			return cli_option_error(&p, c, argv);
		}
	}
	if (argc - optind > 1)
		return usage_error("repl", "expected at most one scenario file");
	return repl_run(optind < argc ? argv[optind] : NULL, &opts);
}
