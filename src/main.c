/* aicost: global options, the command table, dispatch. */
#include "cli.h"
#include "util.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>

struct global_options global_options;

/* One list, four uses: dispatch, `aicost help`, shell completion and the REPL. */
const struct command commands[] = {
	{ "help", cmd_help, "show help for aicost or one of its commands" },
	{ "version", cmd_version, "print the version" },
	{ "completion", cmd_completion, "print a bash completion script" },
	{ "pricing", cmd_pricing, "list, show, import and export accelerator prices" },
	{ "validate", cmd_validate, "check scenario files (exit 0 valid, 2 invalid)" },
	{ "estimate", cmd_estimate, "what a scenario's workloads demand and cost per deployment" },
	{ "compare", cmd_compare, "all deployments side by side: total, NPV, break-even, risks" },
	{ "optimize", cmd_optimize, "the cheapest offers in the store for each workload" },
};
const size_t ncommands = ARRAY_SIZE(commands);

const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void reset_getopt(void)
{
	optind = 0;   /* glibc: 0 also re-initialises its internal state */
	opterr = 1;
}

int command_run(int argc, char **argv)
{
	const struct command *cmd = command_find(argv[0]);

	if (!cmd) {
		const char **names = xmalloc(ncommands * sizeof(*names));
		const char *guess;

		for (size_t i = 0; i < ncommands; i++)
			names[i] = commands[i].name;
		guess = suggest_word(argv[0], names, ncommands);
		if (guess)
			fprintf(stderr, "aicost: '%s' is not a command; did you mean '%s'?\n",
				argv[0], guess);
		else
			fprintf(stderr, "aicost: '%s' is not a command; see 'aicost help'\n",
				argv[0]);
		free(names);
		return EXIT_ERROR;
	}
	reset_getopt();
	return cmd->run(argc, argv);
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

static void print_main_help(FILE *fp)
{
	fputs("usage: aicost [--db PATH] [-q | -v] COMMAND [ARGS...]\n"
	      "       aicost --version | --help\n"
	      "\n"
	      "What AI infrastructure will really cost: cloud against on-prem.\n"
	      "\n"
	      "Global options:\n"
	      "  --db PATH        price store (default: $AICOST_DB, else\n"
	      "                   $XDG_DATA_HOME/aicost/prices.db)\n"
	      "  -q, --quiet      no progress or notes on stderr\n"
	      "  -v, --verbose    more detail on stderr (repeat for more)\n"
	      "  -V, --version    print the version and exit\n"
	      "  -h, --help       print this help and exit\n"
	      "\n"
	      "Commands:\n", fp);
	for (size_t i = 0; i < ncommands; i++)
		fprintf(fp, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'aicost help COMMAND' (or 'aicost COMMAND --help') describes one command.\n"
	      "Exit status: 0 ok, 1 a check failed, 2 usage, input or environment error.\n", fp);
}

int cmd_help(int argc, char **argv)
{
	char *sub[4] = { NULL };   /* COMMAND [SUBCOMMAND] --help */

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: aicost help [COMMAND [SUBCOMMAND]]\n\n"
		     "Without COMMAND, lists the global options and every command;\n"
		     "with COMMAND, prints that command's help (the same as 'aicost COMMAND --help'),\n"
		     "with a SUBCOMMAND too, that subcommand's ('aicost pricing list --help').");
		return EXIT_OK;
	}
	if (argc > 3 || (argc == 3 && strcmp(argv[1], "pricing") != 0))
		return usage_error("help", "expected a command name, and a subcommand only "
				   "after 'pricing'");
	if (argc > 1) {
		if (!command_find(argv[1]))
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

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: aicost version\n\nPrints the version of aicost.");
		return EXIT_OK;
	}
	if (argc > 1)
		return usage_error("version", "unexpected argument '%s'", argv[1]);
	printf("aicost %s\n", AICOST_VERSION);
	return EXIT_OK;
}

int cmd_completion(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts("usage: aicost completion [bash]\n\n"
		     "Prints a bash completion script for aicost's commands, their options,\n"
		     "the pricing subcommands and the --format values. Load it with\n"
		     "    source <(aicost completion bash)");
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "bash") != 0))
		return usage_error("completion", "only 'bash' completion is available");
	/* Options and pricing subcommands come from the --help texts at completion
	 * time, so the script never lags behind a command. */
	fputs("# bash completion for aicost\n"
	      "_aicost() {\n"
	      "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "    local self=${COMP_WORDS[0]} i cmd= at=0 words\n"
	      "    # The command is the first word after the global options (--db takes one).\n"
	      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "        case ${COMP_WORDS[i]} in\n"
	      "        --db) ((i++)) ;;\n"
	      "        -*) ;;\n"
	      "        *) cmd=${COMP_WORDS[i]}; at=$i; break ;;\n"
	      "        esac\n"
	      "    done\n"
	      "    case $prev in\n"
	      "    --db|-o|--output|--gcp-api-key-file)\n"
	      "        COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	      "    -f|--format)\n"
	      "        if [ \"$cmd\" != pricing ] || [[ ${COMP_WORDS[at+1]} != import ]]; then\n"
	      "            COMPREPLY=($(compgen -W \"table csv json markdown\" -- \"$cur\")); return\n"
	      "        fi ;;\n"
	      "    esac\n"
	      "    if [ -z \"$cmd\" ] && [[ $cur == -* ]]; then\n"
	      "        COMPREPLY=($(compgen -W \"--db --quiet --verbose --version --help\" -- \"$cur\"))\n"
	      "    elif [ -z \"$cmd\" ] || { [ \"$cmd\" = help ] && [ $at -eq $((COMP_CWORD - 1)) ]; }; then\n"
	      "        COMPREPLY=($(compgen -W '", stdout);
	for (size_t i = 0; i < ncommands; i++)
		printf("%s%s", i ? " " : "", commands[i].name);
	fputs("' -- \"$cur\"))\n"
	      "    elif [ \"$cmd\" = completion ]; then\n"
	      "        COMPREPLY=($(compgen -W \"bash\" -- \"$cur\"))\n"
	      "    elif [ \"$cmd\" = pricing ] && [ $at -eq $((COMP_CWORD - 1)) ]; then\n"
	      "        words=$(\"$self\" pricing --help 2>/dev/null |\n"
	      "            sed -n '/^Subcommands:/,/^$/s/^  \\([a-z][a-z-]*\\) .*/\\1/p')\n"
	      "        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	      "    elif [[ $cur == -* ]]; then\n"
	      "        if [ \"$cmd\" = pricing ]; then\n"
	      "            cmd=\"pricing ${COMP_WORDS[at+1]}\"\n"
	      "        fi\n"
	      "        words=$(\"$self\" $cmd --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)\n"
	      "        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	      "    else\n"
	      "        COMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "    fi\n"
	      "}\n"
	      "complete -o filenames -F _aicost aicost\n", stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	opterr = 0;   /* option_error() reports it, once */
	/* '+' stops at the command name: what follows belongs to the command. */
	while ((c = getopt_long(argc, argv, "+qvVh", options, NULL)) != -1) {
		switch (c) {
		case 'd':
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
			return option_error(NULL, argv, "+qvVh");
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
