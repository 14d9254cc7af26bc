/*
 * The command table (the single list of commands), the global options, and the
 * commands help, version and completion; aicost_main() runs one command line.
 */
#include "cli.h"
#include "util.h"

#include <string.h>

struct global_options global_options;

/*
 * The single list of commands (each described in its src/cmd-*.c: see cli.h):
 * dispatch, `aicost help`, --help, shell completion and the REPL use it.
 */
const struct command *const commands[] = {
	&help_command,
	&version_command,
	&completion_command,
	&pricing_command,
	&validate_command,
	&estimate_command,
	&compare_command,
	&optimize_command,
	&repl_command,
	&plot_command,
	&report_command,
	&check_command,
	&diff_command,
	NULL,
};
const size_t ncommands = ARRAY_SIZE(commands) - 1;

const struct cli_option global_option_specs[] = {
	{ CLI_LONG_ONLY, "db", "PATH", "price store (default: $AICOST_DB, else\n"
	  "$XDG_DATA_HOME/aicost/prices.db)" },
	{ 'q', "quiet", NULL, "no progress or notes on stderr" },
	{ 'v', "verbose", NULL, "more detail on stderr (repeat for more)" },
	{ 'V', "version", NULL, "print the version and exit" },
	{ 'h', "help", NULL, "print this help and exit" },
	CLI_OPTION_END,
};

static const struct command aicost_command = {
	.name = "aicost",
	.usage = "usage: aicost [--db PATH] [-q | -v] COMMAND [ARGS...]\n"
		 "       aicost --version | --help\n",
	.options = global_option_specs,
	.subcommands = commands,
};

static void print_main_help(FILE *fp)
{
	fputs(aicost_command.usage, fp);
	fputs("\nWhat AI infrastructure will really cost: cloud against on-prem.\n"
	      "\nGlobal options:\n", fp);
	cli_print_options(global_option_specs, 21, fp);
	fputs("\nCommands:\n", fp);
	for (size_t i = 0; i < ncommands; i++)
		fprintf(fp, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n'aicost help COMMAND' (or 'aicost COMMAND --help') describes one command.\n"
	      "Exit status: 0 ok, 1 a check failed, 2 usage, input or environment error.\n", fp);
}


static int cmd_help(int argc, char **argv)
{
	char *sub[4] = { NULL };   /* COMMAND [SUBCOMMAND] --help */
	const struct command *cmd;
	int status = cli_parse_help_only(&help_command, argc, argv);

	if (status >= 0)
		return status;
	argc -= optind - 1;
	argv += optind - 1;
	cmd = argc > 1 ? command_find(NULL, argv[1]) : NULL;
	if (argc > 3 || (argc == 3 && !(cmd && cmd->subcommands)))
		return usage_error("help", "expected a command name, and a subcommand only "
				   "after 'pricing'");
	if (argc > 1) {
		if (!cmd)
			return command_run(1, argv + 1);
		sub[0] = argv[1];
		if (argc == 3) {
			sub[1] = argv[2];
			sub[2] = "--help";
		} else {
			sub[1] = "--help";
		}
		return command_run(argc, sub);
	}
	print_main_help(stdout);
	return EXIT_OK;
}

static const struct cli_option help_only[] = { CLI_OPTION_HELP, CLI_OPTION_END };

const struct command help_command = {
	.name = "help", .run = cmd_help,
	.summary = "show help for aicost or one of its commands",
	.usage = "usage: aicost help [COMMAND [SUBCOMMAND]]\n",
	.description = "Without COMMAND, lists the global options and every command;\n"
		"with COMMAND, prints that command's help (the same as 'aicost COMMAND --help'),\n"
		"with a SUBCOMMAND too, that subcommand's ('aicost pricing list --help').\n",
	.options = help_only,
};

static int cmd_version(int argc, char **argv)
{
	int status = cli_parse_help_only(&version_command, argc, argv);

	if (status >= 0)
		return status;
	if (optind < argc)
		return usage_error("version", "unexpected argument '%s'", argv[optind]);
	printf("aicost %s\n", AICOST_VERSION);
	return EXIT_OK;
}

const struct command version_command = {
	.name = "version", .run = cmd_version,
	.summary = "print the version",
	.usage = "usage: aicost version\n",
	.description = "Prints the version of aicost.\n",
	.options = help_only,
};

/* The long options of OPTIONS, space-separated: a completion word list. */
static void print_option_words(const struct cli_option *options)
{
	for (const struct cli_option *o = options; o && o->name; o++)
		printf("%s--%s", o == options ? "" : " ", o->name);
}

/* Every option taking a file (FILE, PATH) as "|-o|--output": completed as files. */
static void print_file_options(const struct cli_option *options, bool *first)
{
	for (const struct cli_option *o = options; o && o->name; o++) {
		if (!o->arg || (strcmp(o->arg, "FILE") != 0 && strcmp(o->arg, "PATH") != 0))
			continue;
		if (o->key < CLI_LONG_ONLY)
			printf("%s-%c", *first ? "" : "|", o->key);
		printf("%s--%s", *first && o->key >= CLI_LONG_ONLY ? "" : "|", o->name);
		*first = false;
	}
}

static void print_completion(void)
{
	bool first = true;

	fputs("# bash completion for aicost (generated from its command table)\n"
	      "_aicost() {\n"
	      "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "    local i cmd= at=0 words=\n"
	      "    # The command is the first word after the global options (--db takes one).\n"
	      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "        case ${COMP_WORDS[i]} in\n"
	      "        --db) ((i++)) ;;\n"
	      "        -*) ;;\n"
	      "        *) cmd=${COMP_WORDS[i]}; at=$i; break ;;\n"
	      "        esac\n"
	      "    done\n"
	      "    case $prev in\n"
	      "    ", stdout);
	print_file_options(global_option_specs, &first);
	for (size_t i = 0; i < ncommands; i++) {
		print_file_options(commands[i]->options, &first);
		for (const struct command *const *s = commands[i]->subcommands; s && *s; s++)
			print_file_options((*s)->options, &first);
	}
	fputs(")\n"
	      "        COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	      "    -f|--format)\n"
	      "        if [ \"$cmd\" = check ] || [ \"$cmd\" = diff ]; then\n"
	      "            COMPREPLY=($(compgen -W \"text json junit github markdown\" -- \"$cur\")); return\n"
	      "        elif [ \"$cmd\" != pricing ] || [[ ${COMP_WORDS[at+1]} != import ]]; then\n"
	      "            COMPREPLY=($(compgen -W \"table csv json markdown\" -- \"$cur\")); return\n"
	      "        fi ;;\n"
	      "    esac\n"
	      "    if [ -z \"$cmd\" ] && [[ $cur == -* ]]; then\n"
	      "        COMPREPLY=($(compgen -W \"", stdout);
	print_option_words(global_option_specs);
	fputs("\" -- \"$cur\"))\n"
	      "    elif [ -z \"$cmd\" ] || { [ \"$cmd\" = help ] && [ $at -eq $((COMP_CWORD - 1)) ]; }; then\n"
	      "        COMPREPLY=($(compgen -W '", stdout);
	for (size_t i = 0; i < ncommands; i++)
		printf("%s%s", i ? " " : "", commands[i]->name);
	fputs("' -- \"$cur\"))\n"
	      "    elif [ \"$cmd\" = completion ]; then\n"
	      "        COMPREPLY=($(compgen -W \"bash\" -- \"$cur\"))\n", stdout);
	for (size_t i = 0; i < ncommands; i++) {
		if (!commands[i]->subcommands)
			continue;
		printf("    elif [ \"$cmd\" = %s ] && [ $at -eq $((COMP_CWORD - 1)) ]; then\n"
		       "        COMPREPLY=($(compgen -W \"", commands[i]->name);
		for (const struct command *const *s = commands[i]->subcommands; *s; s++)
			printf("%s%s", s == commands[i]->subcommands ? "" : " ", (*s)->name);
		fputs("\" -- \"$cur\"))\n", stdout);
	}
	fputs("    elif [[ $cur == -* ]]; then\n"
	      "        case $cmd in\n", stdout);
	for (size_t i = 0; i < ncommands; i++)
		if (commands[i]->subcommands)
			printf("        %s) cmd=\"%s ${COMP_WORDS[at+1]}\" ;;\n",
			       commands[i]->name, commands[i]->name);
	fputs("        esac\n"
	      "        case $cmd in\n", stdout);
	for (size_t i = 0; i < ncommands; i++) {
		const struct command *const *s = commands[i]->subcommands;

		printf("        \"%s\") words=\"", commands[i]->name);
		print_option_words(commands[i]->options);
		fputs("\" ;;\n", stdout);
		for (; s && *s; s++) {
			printf("        \"%s %s\") words=\"", commands[i]->name, (*s)->name);
			print_option_words((*s)->options);
			fputs("\" ;;\n", stdout);
		}
	}
	fputs("        esac\n"
	      "        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	      "    else\n"
	      "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "    fi\n"
	      "}\n"
	      "complete -o filenames -F _aicost aicost\n", stdout);
}

static int cmd_completion(int argc, char **argv)
{
	int status = cli_parse_help_only(&completion_command, argc, argv);

	if (status >= 0)
		return status;
	argc -= optind - 1;
	argv += optind - 1;
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "bash") != 0))
		return usage_error("completion", "only 'bash' completion is available");
	print_completion();
	return EXIT_OK;
}

const struct command completion_command = {
	.name = "completion", .run = cmd_completion,
	.summary = "print a bash completion script",
	.usage = "usage: aicost completion [bash]\n",
	.description = "Prints a bash completion script for aicost's commands, their options,\n"
		"the pricing subcommands and the --format values. Load it with\n"
		"    source <(aicost completion bash)\n",
	.options = help_only,
};

int aicost_main(int argc, char **argv)
{
	struct cli_parser p;
	int c, status;

	memset(&global_options, 0, sizeof(global_options));   /* each line from scratch */
	reset_getopt();
	cli_parser_init(&p, &aicost_command);   /* stops at the command name */
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		switch (c) {
		case CLI_LONG_ONLY:   /* --db */
			global_options.db_path = optarg;
			break;
		case 'q':
			global_options.verbosity = -1;
			break;
		case 'v':
			global_options.verbosity++;
			break;
		case 'V':
			printf("aicost %s\n", AICOST_VERSION);
			status = EXIT_OK;
			goto done;
		case 'h':
			print_main_help(stdout);
			status = EXIT_OK;
			goto done;
		default:
			return option_error(NULL, argv, p.shortopts);
		}
	}
	if (optind >= argc) {
		print_main_help(stderr);
		return EXIT_ERROR;
	}
	status = command_run(argc - optind, argv + optind);
done:
	if (fflush(stdout) != 0 && status == EXIT_OK) {
		perror("aicost: write error");
		status = EXIT_ERROR;
	}
	error_free();
	return status;
}
