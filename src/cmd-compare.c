/*
 * aicost compare SCENARIO: every deployment side by side — total, NPV, P50/P90
 * with shortages, per-unit costs, break-even of every pair, the cheapest marked
 * and the three inputs that move the answer most.
 */
#include "cli.h"
#include "costcli.h"
#include "output.h"
#include "util.h"

#include <jansson.h>
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
		"$ per GPU-hour delivered, $ per 1M tokens served, the break-even month of every\n"
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

static struct table *breakeven_table(const struct tco_result *r)
{
	struct table *t = table_new();

	table_add_column(t, "deployment", "BREAK-EVEN OF", COLUMN_TEXT);
	for (size_t j = 0; j < r->ndeployments; j++)
		table_add_column(t, r->deployments[j].deployment->name,
				 r->deployments[j].deployment->name, COLUMN_NUMBER);
	for (size_t i = 0; i < r->ndeployments; i++) {
		table_begin_row(t);
		table_add_text(t, r->deployments[i].deployment->name);
		for (size_t j = 0; j < r->ndeployments; j++) {
			int month = i == j ? 0 : tco_pair_breakeven(r, i, j);

			if (month > 0)
				table_add_number(t, month, 0);
			else
				table_add_null(t);
		}
	}
	return t;
}

/* ALONE: the cheapest has no runner-up, so the answer is its total, not a lead. */
static struct table *sensitivity_table(const struct sensitivity *list, size_t n, bool alone)
{
	struct table *t = table_new();

	table_add_column(t, "input", "INPUT (±20%)", COLUMN_TEXT);
	table_add_column(t, "low", alone ? "TOTAL AT -20%" : "LEAD AT -20%", COLUMN_NUMBER);
	table_add_column(t, "high", alone ? "TOTAL AT +20%" : "LEAD AT +20%", COLUMN_NUMBER);
	table_add_column(t, "swing", "SWING", COLUMN_NUMBER);
	table_add_column(t, "flips", "FLIPS CHEAPEST", COLUMN_TEXT);
	/* An input that moves nothing is not one of those that move the answer. */
	for (size_t i = 0; i < n && i < SENSITIVITY_TOP && list[i].swing_usd > 0; i++) {
		table_begin_row(t);
		table_add_text(t, list[i].input);
		table_add_money(t, list[i].low_usd, 0);
		table_add_money(t, list[i].high_usd, 0);
		table_add_money(t, list[i].swing_usd, 0);
		table_add_text(t, list[i].flips ? "yes" : "no");
	}
	return t;
}

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

static json_t *compare_json(const struct tco_result *r, const struct sensitivity *list,
			    size_t n)
{
	json_t *root = output_estimate_json(r, -1), *pairs = json_array(), *top = json_array();

	for (size_t i = 0; i < r->ndeployments; i++) {
		for (size_t j = 0; j < r->ndeployments; j++) {
			int month = i == j ? 0 : tco_pair_breakeven(r, i, j);
			json_t *pair;

			if (i == j)
				continue;
			pair = json_object();
			json_object_set_new(pair, "deployment",
					    json_string(r->deployments[i].deployment->name));
			json_object_set_new(pair, "against",
					    json_string(r->deployments[j].deployment->name));
			json_object_set_new(pair, "breakeven_month",
					    month > 0 ? json_integer(month) : json_null());
			json_array_append_new(pairs, pair);
		}
	}
	json_object_set_new(root, "breakeven", pairs);
	for (size_t i = 0; i < n && i < SENSITIVITY_TOP && list[i].swing_usd > 0; i++) {
		json_t *entry = json_object();

		json_object_set_new(entry, "input", json_string(list[i].input));
		json_object_set_new(entry, "low", json_real(list[i].low_usd));
		json_object_set_new(entry, "high", json_real(list[i].high_usd));
		json_object_set_new(entry, "swing", json_real(list[i].swing_usd));
		json_object_set_new(entry, "flips", json_boolean(list[i].flips));
		json_array_append_new(top, entry);
	}
	json_object_set_new(root, "sensitivity", top);
	return root;
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
	t = breakeven_table(r);
	rc = table_print(t, stdout, format);
	table_free(t);
	if (rc < 0)
		return -1;
	alone = r->cheapest >= 0 && tco_runner_up(r) < 0;
	output_heading(stdout, format, alone ?
		       "Sensitivity: the inputs that move the cheapest's total most" :
		       "Sensitivity: the inputs that move the cheapest's lead most");
	t = sensitivity_table(list, n, alone);
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
	if (tco_sensitivity(&in, SENSITIVITY_STEP, &list, &n) < 0)
		goto fail;
	costcli_print_notes(&cli, in.notes.len ? in.notes.buf : NULL);
	if (costcli_price_ages(&cli, &in.prices, time(NULL)) < 0)
		goto cleanup;
	if (cli.format == FORMAT_JSON) {
		if (output_json(stdout, compare_json(&r, list, n)) < 0)
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
