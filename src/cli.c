/*
 * The command table's machinery: dispatch, the getopt tables and the --help text
 * generated from each `struct command` (see the how-to in cli.h).
 */
#include "cli.h"
#include "db.h"
#include "util.h"

#include <stdarg.h>
#include <string.h>

#define DEFAULT_HELP_COLUMN 28

static size_t count_commands(const struct command *const *list)
{
	size_t n = 0;

	while (list && list[n])
		n++;
	return n;
}

const struct command *command_find(const struct command *parent, const char *name)
{
	const struct command *const *list = parent ? parent->subcommands : commands;

	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(list[i]->name, name) == 0)
			return list[i];
	return NULL;
}

const char *command_path(const struct command *cmd, char *buf, size_t size)
{
	if (cmd->parent)
		snprintf(buf, size, "%s %s", cmd->parent, cmd->name);
	else
		snprintf(buf, size, "%s", cmd->name);
	return buf;
}

void reset_getopt(void)
{
	optind = 0;   /* glibc: 0 also re-initialises its internal state */
	opterr = 1;
}

/* One run of a command: what the dispatcher holds for it until it returns. */
struct command_run {
	const struct command *cmd;
	struct db *db;              /* the store, once command_store opened or borrowed it */
	bool db_borrowed;           /* an outer run's: not this run's to close */
	struct command_run *outer;  /* the run this one runs inside (the REPL), or NULL */
	const struct session_scenario *session;   /* the REPL's scenario, or NULL */
};
static struct command_run *running;

/*
 * Runs CMD from a clean start: getopt reset, an error channel and a store of its
 * own, so that it can run any number of times in one process (the REPL).
 */
static int command_run_entry(const struct command *cmd, int argc, char **argv,
			     const struct session_scenario *session)
{
	struct error_context errors;
	struct command_run run = { cmd, NULL, false, running, session };
	int status;

	reset_getopt();
	error_context_push(&errors);
	running = &run;
	status = cmd->run(argc, argv);
	running = run.outer;
	if (run.db && !run.db_borrowed)
		db_close(run.db);
	error_context_pop(&errors);
	return status;
}

static bool store_serves(struct db *db, const char *path, bool writing)
{
	return db && strcmp(db_path(db), path) == 0 && (!writing || !db_read_only(db));
}

struct db *command_store(bool writing)
{
	struct command_run *run = running;
	struct strbuf path = STRBUF_INIT;
	struct db *db = NULL;

	if (!run || !(run->cmd->flags & CMD_NEEDS_STORE)) {
		error_set("'%s' uses the store without CMD_NEEDS_STORE (a bug)",
			  run ? run->cmd->name : "?");
		return NULL;
	}
	if (db_default_path(global_options.db_path, &path) < 0)
		goto done;
	if (store_serves(run->db, path.buf, writing)) {
		db = run->db;
		goto done;
	}
	if (run->db && !run->db_borrowed)
		db_close(run->db);
	run->db = NULL;
	run->db_borrowed = false;
	for (struct command_run *outer = run->outer; outer && !run->db; outer = outer->outer) {
		if (store_serves(outer->db, path.buf, writing)) {
			run->db = outer->db;
			run->db_borrowed = true;
		}
	}
	if (!run->db)
		run->db = writing ? db_open(path.buf) : db_open_for_reading(path.buf);
	db = run->db;
done:
	strbuf_release(&path);
	return db;
}

/* The names of LIST, for suggest_word; the caller frees the array. */
static const char **command_names(const struct command *const *list, size_t *n)
{
	const char **names;

	*n = count_commands(list);
	names = xmalloc((*n ? *n : 1) * sizeof(*names));
	for (size_t i = 0; i < *n; i++)
		names[i] = list[i]->name;
	return names;
}

const struct session_scenario *command_session(void)
{
	return running ? running->session : NULL;
}

int command_run(int argc, char **argv)
{
	return command_run_in_session(argc, argv, command_session());
}

int command_run_in_session(int argc, char **argv, const struct session_scenario *session)
{
	const struct command *cmd = command_find(NULL, argv[0]);

	if (!cmd) {
		size_t n;
		const char **names = command_names(commands, &n);
		const char *guess = suggest_word(argv[0], names, n);

		if (guess)
			fprintf(stderr, "aicost: '%s' is not a command; did you mean '%s'?\n",
				argv[0], guess);
		else
			fprintf(stderr, "aicost: '%s' is not a command; see 'aicost help'\n",
				argv[0]);
		free(names);
		return EXIT_ERROR;
	}
	return command_run_entry(cmd, argc, argv, session);
}

int subcommand_run(const struct command *parent, int argc, char **argv)
{
	const struct command *sub = command_find(parent, argv[0]);
	const char **names;
	const char *guess;
	size_t n;
	int status;

	if (sub)
		return command_run_entry(sub, argc, argv, command_session());
	names = command_names(parent->subcommands, &n);
	guess = suggest_word(argv[0], names, n);
	if (guess)
		status = usage_error(parent->name, "'%s' is not a subcommand; did you mean '%s'?",
				     argv[0], guess);
	else
		status = usage_error(parent->name, "'%s' is not a subcommand", argv[0]);
	free(names);
	return status;
}

void cli_print_options(const struct cli_option *options, int column, FILE *fp)
{
	if (column <= 0)
		column = DEFAULT_HELP_COLUMN;
	for (const struct cli_option *o = options; o->name; o++) {
		const char *help = o->help;
		int len;

		if (o->key < CLI_LONG_ONLY)
			len = fprintf(fp, "  -%c, --%s", o->key, o->name);
		else
			len = fprintf(fp, "      --%s", o->name);
		if (o->arg)
			len += fprintf(fp, " %s", o->arg);
		/* A long option runs into the help column: two spaces, or one before it. */
		fprintf(fp, "%*s", len < column ? column - len : 2, "");
		for (;;) {
			size_t n = strcspn(help, "\n");

			fprintf(fp, "%.*s\n", (int)n, help);
			if (!help[n])
				break;
			help += n + 1;
			fprintf(fp, "%*s", column, "");
		}
	}
}

void command_help(const struct command *cmd, FILE *fp)
{
	fputs(cmd->usage, fp);
	if (cmd->description) {
		fputc('\n', fp);
		fputs(cmd->description, fp);
	}
	if (cmd->subcommands) {
		fputs("\nSubcommands:\n", fp);
		for (const struct command *const *s = cmd->subcommands; *s; s++)
			fprintf(fp, "  %-10s %s\n", (*s)->name, (*s)->summary);
	}
	if (cmd->options && cmd->options[0].name) {
		fputs("\nOptions:\n", fp);
		cli_print_options(cmd->options, cmd->help_column, fp);
	}
	if (cmd->notes) {
		fputc('\n', fp);
		fputs(cmd->notes, fp);
	}
}

void cli_parser_init(struct cli_parser *p, const struct command *cmd)
{
	size_t n = 0, s = 0;

	memset(p, 0, sizeof(*p));
	p->cmd = cmd;
	command_path(cmd, p->path, sizeof(p->path));
	/* Options end at the subcommand name: what follows belongs to it. */
	if (cmd->subcommands)
		p->shortopts[s++] = '+';
	for (const struct cli_option *o = cmd->options; o && o->name; o++, n++) {
		if (n == CLI_MAX_OPTIONS)
			abort();   /* raise CLI_MAX_OPTIONS: a programming error */
		p->longopts[n].name = o->name;
		p->longopts[n].has_arg = o->arg ? required_argument : no_argument;
		p->longopts[n].val = o->key;
		if (o->key < CLI_LONG_ONLY) {
			p->shortopts[s++] = (char)o->key;
			if (o->arg)
				p->shortopts[s++] = ':';
		}
	}
	p->shortopts[s] = '\0';
}

int cli_getopt(struct cli_parser *p, int argc, char **argv)
{
	opterr = 0;   /* cli_option_error() reports it, once */
	return getopt_long(argc, argv, p->shortopts, p->longopts, NULL);
}

int cli_parse_help_only(const struct command *self, int argc, char **argv)
{
	struct cli_parser p;
	int c;

	cli_parser_init(&p, self);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		if (c != 'h')
			return cli_option_error(&p, c, argv);
		command_help(self, stdout);
		return EXIT_OK;
	}
	return -1;
}

int cli_option_error(const struct cli_parser *p, int c, char **argv)
{
	for (const struct cli_option *o = p->cmd->options; c != '?' && o && o->name; o++)
		if (o->key == c)   /* in the table, but the command's switch lacks it */
			return usage_error(p->path, "option '--%s' is not handled (a bug)",
					   o->name);
	return option_error(p->path, argv, p->shortopts);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	/* CMD NULL: the global options, before any command */
	fprintf(stderr, "aicost%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'aicost%s%s --help'.\n", cmd ? " " : "", cmd ? cmd : "");
	return EXIT_ERROR;
}

int option_error(const char *cmd, char **argv, const char *shortopts)
{
	const char *arg = argv[optind - 1];

	if (optopt == 0)
		return usage_error(cmd, "unknown option '%.*s'", (int)strcspn(arg, "="), arg);
	/* A known long option (optopt is its value, maybe a letter of no short one). */
	if (strncmp(arg, "--", 2) == 0)
		return strchr(arg, '=') ?
			usage_error(cmd, "option '%.*s' takes no value", (int)strcspn(arg, "="), arg) :
			usage_error(cmd, "option '%s' needs a value", arg);
	if (optopt < 256 && optopt != ':' && optopt != '+' && !strchr(shortopts, optopt))
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "option '-%c' needs a value", optopt);
}
