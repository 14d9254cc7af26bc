/*
 * aicost compare SCENARIO: every deployment side by side — total, NPV, P50/P90
 * with shortages, per-unit costs, break-even of every pair, the cheapest marked
 * and the three inputs that move the answer most.
 */
#include "cli.h"
#include "costcli.h"
#include "output.h"
#include "util.h"

#include <string.h>
#include <time.h>

#define SENSITIVITY_STEP 0.20
#define SENSITIVITY_TOP 3

static int cmd_compare(int argc, char **argv);

static const struct cli_option compare_options[] = {
	COSTCLI_OPTIONS,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command compare_command = {
	.name = "compare", .run = cmd_compare,
	.summary = "all deployments side by side: total, NPV, break-even, risks",
	.usage = "usage: aicost compare [--set KEY.PATH=VALUE]... [--format FORMAT] [--trials N]\n"
		 "                      [--seed N] [--max-price-age DURATION] SCENARIO\n",
	.description =
		"Prices every deployment of SCENARIO over its horizon and shows them side by\n"
		"side: total cash, NPV, P50/P90 of the total with GPU shortages (Monte Carlo),\n"
		"$ per GPU-hour delivered, $ per PFLOP-hour (the GPU-hour over the accelerator's\n"
		"dense BF16 peak), $ per 1M tokens served, the break-even month of every\n"
		"pair, the cheapest deployment that respects the scenario's constraints (*), and\n"
		"the three inputs that move the answer most when each is set 20% lower and\n"
		"higher. Conventions: aicost-estimate(1). SCENARIO '-' is standard input.\n",
	.options = compare_options,
	.notes = "Prices from the store observed more than 180 days ago are noted on stderr\n"
		"(offer and date); --max-price-age makes an older one an error.\n"
		"Exit status: 0 ok, 1 every deployment breaks a limit of the scenario's budget\n"
		"(each one is named on stderr), 2 the scenario is invalid or cannot be priced,\n"
		"or a store price is older than --max-price-age.\n",
	.flags = CMD_NEEDS_STORE,
};

/* "Excluded: rack (why); gcp (why)." — the deployments that cannot be the answer. */
static void print_excluded(FILE *fp, const struct tco_result *r)
{
	const char *sep = "Excluded: ";

	for (size_t i = 0; i < r->ndeployments; i++) {
		if (!r->deployments[i].excluded)
			continue;
		fprintf(fp, "%s%s (%s)", sep, r->deployments[i].deployment->name,
			r->deployments[i].excluded_reason);
		sep = "; ";
	}
	if (*sep == ';')
		fputs(".\n", fp);
}

/* "rack is cheapest: 1,234 below aws" — the answer in one line, then the exclusions. */
static void print_answer(FILE *fp, const struct tco_result *r)
{
	struct strbuf lead = STRBUF_INIT;
	int runner_up = tco_runner_up(r);

	if (r->cheapest < 0) {
		fputs("No deployment meets the scenario's constraints and delivers all its "
		      "work in time.\n", fp);
		print_excluded(fp, r);
		return;
	}
	fprintf(fp, "Cheapest: %s", r->deployments[r->cheapest].deployment->name);
	for (size_t i = 0; i < r->ndeployments; i++)
		if ((int)i != r->cheapest && !r->deployments[i].excluded &&
		    tco_same_total(r, (int)i, r->cheapest))
			fprintf(fp, " (tied with %s)", r->deployments[i].deployment->name);
	if (runner_up >= 0) {
		format_grouped(&lead, r->deployments[runner_up].total -
			       r->deployments[r->cheapest].total, 0);
		fprintf(fp, ", %s %s below %s over %d month%s", lead.buf,
			r->scenario->currency ? r->scenario->currency : "USD",
			r->deployments[runner_up].deployment->name, r->scenario->horizon_months,
			r->scenario->horizon_months == 1 ? "" : "s");
	}
	fputs(".\n", fp);
	output_cheapest_line(fp, r);
	print_excluded(fp, r);
	strbuf_release(&lead);
}

static int print_tables(const struct tco_result *r, const struct sensitivity *list, size_t n,
			enum output_format format)
{
	const struct scenario *s = r->scenario;
	struct table *t;
	bool alone;
	int rc;

	if (format == FORMAT_CSV) {
		t = output_summary_table(r, -1, false);
		rc = table_print(t, stdout, format);
		table_free(t);
		return rc;
	}
	if (format == FORMAT_MARKDOWN)
		printf("# %s: deployments compared\n\n", s->name ? s->name : "scenario");
	printf("Scenario %s: %d month%s, %s; baseline %s\n", s->name ? s->name : "",
	       s->horizon_months, s->horizon_months == 1 ? "" : "s",
	       s->currency ? s->currency : "USD",
	       s->baseline ? s->baseline : s->ndeployments ? s->deployments[0].name : "-");
	print_answer(stdout, r);
	output_heading(stdout, format, "Deployments");
	t = output_summary_table(r, -1, false);
	rc = table_print(t, stdout, format);
	table_free(t);
	if (rc < 0)
		return -1;
	output_heading(stdout, format, "Where the money goes (shortage: the expected cost)");
	t = output_breakdown_table(r, -1);
	rc = table_print(t, stdout, format);
	table_free(t);
	if (rc < 0)
		return -1;
	output_heading(stdout, format,
		       "Break-even: the month from which the row's cumulative cash stays at or "
		       "below the column's");
	t = output_breakeven_table(r);
	rc = table_print(t, stdout, format);
	table_free(t);
	if (rc < 0)
		return -1;
	alone = r->cheapest >= 0 && tco_runner_up(r) < 0;
	output_heading(stdout, format, alone ?
		       "Sensitivity: the inputs that move the cheapest's total most" :
		       "Sensitivity: the inputs that move the cheapest's lead most");
	t = output_sensitivity_table(list, n, SENSITIVITY_TOP, alone);
	rc = table_print(t, stdout, format);
	table_free(t);
	return rc;
}

static int cmd_compare(int argc, char **argv)
{
	struct cli_parser p;
	struct costcli cli;
	struct tco_input in;
	struct tco_result r;
	struct sensitivity *list = NULL;
	size_t n = 0;
	bool prepared = false, computed = false;
	int c, status = EXIT_ERROR;

	costcli_init(&cli, "compare");
	cli_parser_init(&p, &compare_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		int taken = costcli_option(&cli, c, optarg);

		if (taken < 0)
			goto cleanup;
		if (taken == 0)
			continue;
		if (c == 'h') {
			command_help(&compare_command, stdout);
			status = EXIT_OK;
		} else {
			status = cli_option_error(&p, c, argv);
		}
		goto cleanup;
	}
	if (costcli_load_operands(&cli, argc - optind, argv + optind) < 0)
		goto cleanup;
	if (tco_prepare(cli.db, &cli.scenario, &cli.opts, &in) < 0)
		goto fail;
	prepared = true;
	if (tco_compute(&in, &r) < 0)
		goto fail;
	computed = true;
	r.demand = in.demand;
	r.ndemand = cli.scenario.nworkloads;
	if (tco_sensitivity(&in, &r, SENSITIVITY_STEP, &list, &n) < 0)
		goto fail;
	costcli_print_notes(&cli, in.notes.len ? in.notes.buf : NULL);
	if (costcli_price_ages(&cli, &in.prices, time(NULL)) < 0)
		goto cleanup;
	if (cli.format == FORMAT_JSON) {
		if (output_json(stdout, output_compare_json(&r, list, n, SENSITIVITY_TOP)) < 0)
			goto fail;
	} else if (print_tables(&r, list, n, cli.format) < 0) {
		goto fail;
	}
	status = costcli_budget_check(&cli, &r, -1, false);
	goto cleanup;
fail:
	error_print("compare");
cleanup:
	if (computed) {
		r.demand = NULL;       /* owned by the input */
		r.ndemand = 0;
		tco_result_release(&r);
	}
	if (prepared)
		tco_input_release(&in);
	sensitivity_release(list, n);
	costcli_release(&cli);
	return status;
}
