/* aicost validate FILE...: check scenario files; exit 0 when all are valid, 2 otherwise. */
#include "cli.h"
#include "scenario.h"
#include "util.h"

#include <getopt.h>
#include <string.h>

static void print_help(FILE *fp)
{
	fputs("usage: aicost validate [--set KEY.PATH=VALUE]... [-q] FILE...\n"
	      "\n"
	      "Checks scenario files (YAML or JSON) against the schema in aicost-scenario(5).\n"
	      "Every problem is reported on stderr as FILE:LINE:COL: FIELD.PATH: MESSAGE.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --set KEY.PATH=VALUE  override one field before checking (repeatable),\n"
	      "                            e.g. --set workloads.serve.batch=16\n"
	      "  -q, --quiet               print nothing for valid files\n"
	      "  -h, --help                print this help and exit\n"
	      "\n"
	      "Exit status: 0 every file is valid, 2 a file is invalid or unreadable.\n", fp);
}

/* Prints each "file:line:col: ..." line of ERRORS as its own diagnostic. */
void print_scenario_errors(const char *cmd, const struct strbuf *errors)
{
	const char *line = errors->buf;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		warnx_cmd(cmd, "%.*s", (int)len, line);
		line += len + (end != NULL);
	}
}

/* Adds one --set argument to the override list. */
void add_override(const char ***overrides, size_t *n, size_t *alloc, const char *assignment)
{
	xgrow(overrides, alloc, *n + 1, sizeof(**overrides));
	(*overrides)[(*n)++] = assignment;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option options[] = {
		{ "set", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char **overrides = NULL;
	size_t noverrides = 0, alloc = 0;
	bool quiet = global_options.verbosity < 0;
	int c, status = EXIT_OK;

	while ((c = getopt_long(argc, argv, "s:qh", options, NULL)) != -1) {
		switch (c) {
		case 's':
			add_override(&overrides, &noverrides, &alloc, optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			print_help(stdout);
			free(overrides);
			return EXIT_OK;
		default:
			free(overrides);
			return usage_error("validate", "unknown option");
		}
	}
	if (optind >= argc) {
		free(overrides);
		return usage_error("validate", "expected one or more scenario files");
	}
	for (int i = optind; i < argc; i++) {
		struct strbuf errors = STRBUF_INIT;
		struct scenario s;

		if (scenario_load(argv[i], overrides, noverrides, &s, &errors) < 0) {
			print_scenario_errors("validate", &errors);
			error_clear();
			status = EXIT_ERROR;
		} else {
			if (!quiet)
				printf("%s: ok (%zu workload%s, %zu deployment%s, %d months)\n", argv[i],
				       s.nworkloads, s.nworkloads == 1 ? "" : "s", s.ndeployments,
				       s.ndeployments == 1 ? "" : "s", s.horizon_months);
			for (size_t k = 0; k < s.ndeployments && !quiet; k++)
				if (s.deployments[k].residency_violation)
					warnx_cmd("validate", "%s: note: deployment '%s' is excluded by the "
						  "constraints: %s", argv[i], s.deployments[k].name,
						  s.deployments[k].residency_reason);
			scenario_release(&s);
		}
		strbuf_release(&errors);
	}
	free(overrides);
	return status;
}
