/*
 * aicost check SCENARIO...: every budget limit of the plan (or of --deployment
 * NAME, or of --all deployments) against the engine's figures, one line each, in
 * text, json, junit, github or markdown. Exit 0 all pass, 1 one fails, 2 one
 * cannot be checked (an error is never reported as a pass or a fail). Issue 18.
 */
#include "budget.h"
#include "cli.h"
#include "costcli.h"
#include "gate.h"
#include "output.h"
#include "units.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

static int cmd_check(int argc, char **argv);

enum { OPT_ALL = CLI_LONG_ONLY + 90 };

static const struct cli_option check_options[] = {
	{ 'd', "deployment", "NAME", "check this deployment instead of the plan" },
	{ OPT_ALL, "all", NULL, "check every deployment that is not excluded" },
	GATE_OPTIONS,
	{ COSTOPT_SET, "set", "KEY.PATH=VALUE", "override one field of the scenario\n(repeatable)" },
	COSTCLI_MONTE_CARLO_OPTIONS,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command check_command = {
	.name = "check", .run = cmd_check,
	.summary = "budget gate for CI: every limit of the plan, exit 1 when one breaks",
	.usage = "usage: aicost check [--deployment NAME | --all] [--budget-total AMOUNT]\n"
		 "                    [--budget-monthly AMOUNT] [--at mean|p50|p90]\n"
		 "                    [--max-price-age DURATION] [--format FORMAT]\n"
		 "                    [--set KEY.PATH=VALUE]... SCENARIO...\n",
	.description =
		"Checks every budget limit of each SCENARIO (its budget:, the deployment's own\n"
		"budget:, and the limits given here, which win) for the plan: the scenario's\n"
		"plan:, else its cheapest deployment that is not excluded. Prints one line per\n"
		"limit: pass or fail, the figure, the limit, the headroom and, for a monthly\n"
		"limit, the first month over. Prices come from the store as they are (never\n"
		"fetched); the snapshots used are named. SCENARIO may be a file, '-' (standard\n"
		"input) or git:REVISION:PATH (read with 'git show').\n",
	.options = check_options,
	.notes = "Formats: junit is JUnit XML (one testsuite per scenario, one testcase per\n"
		"limit); github prints workflow commands (::error file=...,line=N,col=M::)\n"
		"at the limit that broke and appends a markdown summary to\n"
		"$GITHUB_STEP_SUMMARY when it is set; markdown is a table for a PR comment.\n"
		"Exit status: 0 every limit passes, 1 one fails, 2 a scenario or a limit\n"
		"cannot be checked (invalid file, missing price, prices too old, no budget).\n",
	.flags = CMD_NEEDS_STORE,
	.help_column = 30,
};

struct check_options {
	struct gate_options gate;
	const char *deployment;
	bool all;
};

/* One scenario checked: its checks, or why it could not be. */
struct check_suite {
	struct gate_scenario g;
	struct budget_check *checks;
	size_t nchecks;
	enum budget_status status;
};

static const char *suite_name(const struct check_suite *s)
{
	return s->g.loaded && s->g.scenario.name ? s->g.scenario.name : s->g.spec;
}

/* Evaluates S, already loaded and priced; sets S->status, or S->g.error. */
static void check_suite_run(struct check_suite *s, const struct check_options *o, struct db *db)
{
	const struct tco_result *r = &s->g.result;
	size_t alloc = 0;
	int first = 0, last = 0;

	if (o->deployment) {
		const struct deployment *d = scenario_find_deployment(&s->g.scenario, o->deployment);

		if (!d) {
			gate_fail(&s->g, "%s: --deployment: no deployment named '%s'", s->g.spec,
				  o->deployment);
			return;
		}
		first = (int)(d - s->g.scenario.deployments);
		last = first + 1;
	} else if (o->all) {
		last = (int)r->ndeployments;
	} else if ((first = budget_plan(r)) < 0) {
		gate_fail(&s->g, "%s: no deployment can be the plan: every one is excluded",
			  s->g.spec);
		return;
	} else {
		last = first + 1;
	}
	for (int i = first; i < last; i++) {
		/* --all: the excluded ones are not candidates (their reason is in estimate) */
		if (o->all && r->deployments[i].excluded)
			continue;
		if (gate_prices(&s->g, db, (size_t)i, o->gate.max_age_days) < 0)
			return;
		xgrow(&s->checks, &alloc, s->nchecks + BUDGET_NKINDS + 1, sizeof(*s->checks));
		s->nchecks += (size_t)budget_evaluate(r, (size_t)i, &o->gate.flags, o->gate.at,
						      s->checks + s->nchecks);
	}
	if (s->nchecks == 0 && o->all && r->cheapest < 0) {
		gate_fail(&s->g, "%s: --all: every deployment is excluded (see aicost estimate)",
			  s->g.spec);
		return;
	}
	if (s->nchecks == 0) {
		gate_fail(&s->g, "%s: no budget to check: set budget: in the scenario (or under a "
			  "deployment), or give --budget-total or --budget-monthly", s->g.spec);
		return;
	}
	s->status = budget_worst(s->checks, s->nchecks);
}

static void suite_status_counts(const struct check_suite *s, size_t *failures, size_t *errors)
{
	*failures = *errors = 0;
	for (size_t i = 0; i < s->nchecks; i++) {
		*failures += s->checks[i].status == BUDGET_FAIL;
		*errors += s->checks[i].status == BUDGET_ERROR;
	}
}

static void print_text(FILE *fp, const struct check_suite *suites, size_t n,
		       const struct check_options *o)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		const struct check_suite *s = &suites[i];
		size_t failures, errors;

		if (s->g.error) {
			fprintf(fp, "ERROR %s: cannot be checked:\n%s\n", s->g.spec, s->g.error);
			continue;
		}
		strbuf_reset(&sb);
		gate_describe_prices(&sb, &s->g);
		fprintf(fp, "%s: scenario %s, at the %s; prices: %s\n", s->g.spec, suite_name(s),
			budget_at_name(o->gate.at), sb.buf);
		for (size_t k = 0; k < s->nchecks; k++) {
			strbuf_reset(&sb);
			budget_check_describe(&sb, &s->g.result, &s->checks[k]);
			fprintf(fp, "%-5s %s: %s\n", s->checks[k].status == BUDGET_PASS ? "PASS" :
				s->checks[k].status == BUDGET_FAIL ? "FAIL" : "ERROR",
				gate_check_deployment(&s->g, &s->checks[k]), sb.buf);
		}
		suite_status_counts(s, &failures, &errors);
		fprintf(fp, "%s: %s, %zu of %zu limit%s broken%s\n", s->g.spec,
			s->status == BUDGET_PASS ? "pass" : s->status == BUDGET_FAIL ? "FAIL" : "ERROR",
			failures, s->nchecks, s->nchecks == 1 ? "" : "s",
			errors ? ", some cannot be checked" : "");
	}
	strbuf_release(&sb);
}

static json_t *suite_json(const struct check_suite *s, const struct check_options *o)
{
	json_t *root = json_object(), *checks = json_array();

	json_object_set_new(root, "file", json_string(s->g.spec));
	json_object_set_new(root, "scenario", json_string(suite_name(s)));
	json_object_set_new(root, "status", json_string(s->g.error ? "error" :
							budget_status_names[s->status]));
	json_object_set_new(root, "error", s->g.error ? json_string(s->g.error) : json_null());
	json_object_set_new(root, "currency", json_string(s->g.loaded && s->g.scenario.currency ?
							  s->g.scenario.currency : "USD"));
	json_object_set_new(root, "at", json_string(budget_at_name(o->gate.at)));
	json_object_set_new(root, "prices", gate_prices_json(&s->g));
	for (size_t k = 0; !s->g.error && k < s->nchecks; k++)
		json_array_append_new(checks, gate_check_json(&s->g, &s->checks[k]));
	json_object_set_new(root, "checks", checks);
	return root;
}

static int print_json(FILE *fp, const struct check_suite *suites, size_t n,
		      const struct check_options *o, int status)
{
	json_t *root = json_object(), *list = json_array();

	json_object_set_new(root, "status", json_string(status == EXIT_OK ? "pass" :
							status == EXIT_CHECK_FAILED ? "fail" : "error"));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, suite_json(&suites[i], o));
	json_object_set_new(root, "scenarios", list);
	return output_json(fp, root);
}

static void print_junit(FILE *fp, const struct check_suite *suites, size_t n,
			const struct check_options *o)
{
	struct strbuf sb = STRBUF_INIT;
	size_t tests = 0, failures = 0, errors = 0;

	for (size_t i = 0; i < n; i++) {
		size_t f, e;

		suite_status_counts(&suites[i], &f, &e);
		tests += suites[i].g.error ? 1 : suites[i].nchecks;
		failures += suites[i].g.error ? 0 : f;
		errors += suites[i].g.error ? 1 : e;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"aicost check\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"%zu\">\n", tests, failures, errors);
	for (size_t i = 0; i < n; i++) {
		const struct check_suite *s = &suites[i];
		size_t f = 0, e = 1;

		if (!s->g.error)
			suite_status_counts(s, &f, &e);
		fputs("  <testsuite", fp);
		gate_xml_attr(fp, "name", suite_name(s));
		fprintf(fp, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\"",
			s->g.error ? 1 : s->nchecks, f, e);
		gate_xml_attr(fp, "file", s->g.file ? s->g.file : s->g.spec);
		fputs(">\n    <properties>\n      <property name=\"at\"", fp);
		gate_xml_attr(fp, "value", budget_at_name(o->gate.at));
		fputs("/>\n      <property name=\"prices\"", fp);
		strbuf_reset(&sb);
		gate_describe_prices(&sb, &s->g);
		gate_xml_attr(fp, "value", sb.buf);
		fputs("/>\n    </properties>\n", fp);
		if (s->g.error)
			gate_junit_error(fp, s->g.spec, "load and price", s->g.error);
		for (size_t k = 0; !s->g.error && k < s->nchecks; k++)
			gate_junit_testcase(fp, &s->g, suite_name(s), &s->checks[k]);
		fputs("  </testsuite>\n", fp);
	}
	fputs("</testsuites>\n", fp);
	strbuf_release(&sb);
}

/* The markdown table (for the markdown format and the GitHub step summary). */
static void markdown_report(struct strbuf *md, const struct check_suite *suites, size_t n,
			    const struct check_options *o, int status)
{
	struct strbuf prices = STRBUF_INIT;

	strbuf_addf(md, "### aicost check: %s\n\n", status == EXIT_OK ? "pass" :
		    status == EXIT_CHECK_FAILED ? "**over budget**" : "**error**");
	gate_markdown_check_header(md, o->gate.at);
	for (size_t i = 0; i < n; i++) {
		const struct check_suite *s = &suites[i];

		if (s->g.error)
			strbuf_addf(md, "| %s | %s | | | | | | |\n", gate_marks[BUDGET_ERROR],
				    s->g.spec);
		for (size_t k = 0; !s->g.error && k < s->nchecks; k++)
			gate_markdown_check_row(md, &s->g, suite_name(s), &s->checks[k]);
	}
	strbuf_addch(md, '\n');
	for (size_t i = 0; i < n; i++) {
		const struct check_suite *s = &suites[i];

		strbuf_addf(md, "- `%s`: ", s->g.spec);
		if (s->g.error) {
			strbuf_adds(md, "cannot be checked: ");
			gate_markdown_line(md, s->g.error);
		} else {
			strbuf_reset(&prices);
			gate_describe_prices(&prices, &s->g);
			strbuf_addf(md, "prices %s", prices.buf);
		}
		strbuf_addch(md, '\n');
	}
	strbuf_release(&prices);
}

static void print_github(FILE *fp, const struct check_suite *suites, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct check_suite *s = &suites[i];

		if (s->g.error)
			gate_github_annotation(fp, s->g.file ? s->g.file : s->g.spec, s->g.error_line,
					       s->g.error_col, "aicost check: cannot check",
					       s->g.error);
		for (size_t k = 0; !s->g.error && k < s->nchecks; k++)
			gate_github_check(fp, &s->g, &s->checks[k], "check", NULL);
	}
}

static int cmd_check(int argc, char **argv)
{
	struct check_options o = { .all = false };
	struct check_suite *suites = NULL;
	struct strbuf md = STRBUF_INIT;
	struct cli_parser p;
	struct costcli cli;
	size_t n = 0;
	int c, status = EXIT_ERROR;

	costcli_init(&cli, "check");
	gate_options_init(&o.gate);
	cli_parser_init(&p, &check_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		int taken;

		if (c == 'd') {
			o.deployment = optarg;
			continue;
		}
		if (c == OPT_ALL) {
			o.all = true;
			continue;
		}
		if (c == 'h') {
			command_help(&check_command, stdout);
			status = EXIT_OK;
			goto cleanup;
		}
		taken = gate_option("check", &o.gate, c, optarg);
		if (taken == 1)
			taken = costcli_option(&cli, c, optarg);
		if (taken < 0)
			goto cleanup;
		if (taken > 0) {
			status = cli_option_error(&p, c, argv);
			goto cleanup;
		}
	}
	if (o.all && o.deployment) {
		status = usage_error("check", "give --deployment or --all, not both");
		goto cleanup;
	}
	/* in the REPL, no file is the session's scenario as edited */
	if (optind >= argc && !command_session()) {
		status = usage_error("check", "expected one or more scenario files");
		goto cleanup;
	}
	if (!(cli.db = command_store(false))) {
		error_print("check");
		goto cleanup;
	}
	n = optind < argc ? (size_t)(argc - optind) : 1;
	suites = xcalloc(n, sizeof(*suites));
	status = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		struct check_suite *s = &suites[i];

		if (costcli_gate_read(&s->g, optind < argc ? argv[optind + i] : NULL) == 0 &&
		    gate_compute(&s->g, cli.overrides, cli.noverrides, cli.db, &cli.opts) == 0)
			check_suite_run(s, &o, cli.db);
		if (s->g.error) {
			/* Every format says it too; stderr is where a person looks first. */
			warnx_cmd("check", "%s", s->g.error);
			status = EXIT_ERROR;
		} else if (s->status == BUDGET_ERROR) {
			status = EXIT_ERROR;
		} else if (s->status == BUDGET_FAIL && status == EXIT_OK) {
			status = EXIT_CHECK_FAILED;
		}
	}
	switch (o.gate.format) {
	case GATE_TEXT:
		print_text(stdout, suites, n, &o);
		break;
	case GATE_JSON:
		if (print_json(stdout, suites, n, &o, status) < 0) {
			error_print("check");
			status = EXIT_ERROR;
		}
		break;
	case GATE_JUNIT:
		print_junit(stdout, suites, n, &o);
		break;
	case GATE_GITHUB:
		print_github(stdout, suites, n);
		markdown_report(&md, suites, n, &o, status);
		if (gate_step_summary("check", md.buf) < 0)
			status = EXIT_ERROR;
		break;
	case GATE_MARKDOWN:
		markdown_report(&md, suites, n, &o, status);
		fputs(md.buf, stdout);
		break;
	}
cleanup:
	for (size_t i = 0; i < n; i++) {
		gate_release(&suites[i].g);
		free(suites[i].checks);
	}
	free(suites);
	strbuf_release(&md);
	costcli_release(&cli);
	return status;
}
