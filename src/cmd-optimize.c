/*
 * aicost optimize SCENARIO: for each workload, the cheapest offers in the store
 * (any provider, region, purchase option, instance size or accelerator whose
 * memory fits) that meet its deadline or SLO and the scenario's constraints.
 */
#include "cli.h"
#include "costcli.h"
#include "optimize.h"
#include "tco.h"
#include "units.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define TOP_DEFAULT 5
#define WHY_REJECTIONS 2     /* rejected alternatives a row's WHY names */

static int cmd_optimize(int argc, char **argv);

static const struct cli_option optimize_options[] = {
	{ 'n', "top", "N", "how many offers per workload (default 5)" },
	{ 'p', "providers", "LIST", "only these providers (comma-separated)" },
	{ 'r', "regions", "LIST", "only these regions (comma-separated globs, e.g.\n"
	  "'us-*,eastus')" },
	{ 'm', "max-price", "PRICE", "only offers up to PRICE per GPU-hour (in the\n"
	  "scenario's currency)" },
	COSTCLI_SCENARIO_OPTIONS,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command optimize_command = {
	.name = "optimize", .run = cmd_optimize,
	.summary = "the cheapest offers in the store for each workload",
	.usage = "usage: aicost optimize [--top N] [--providers LIST] [--regions LIST]\n"
		 "                       [--max-price PRICE] [--set KEY.PATH=VALUE]...\n"
		 "                       [--format FORMAT] SCENARIO\n",
	.description =
		"Searches every offer in the price store for each workload of SCENARIO: all\n"
		"providers, regions, purchase options, instance sizes and accelerator types\n"
		"whose memory fits the model. An offer qualifies when the workload model runs\n"
		"on its accelerator (the model fits; inference meets its TTFT/TPOT SLO with\n"
		"each tensor-parallel group inside one instance, a replica larger than one on\n"
		"whole instances of its own), a training run ends within its deadline and the\n"
		"horizon (its GPU count scaled up when it would not), and the provider and\n"
		"region meet the scenario's constraints. Training is ranked by the cost of the\n"
		"whole run, inference by the cost per month of service; a commitment bills its\n"
		"whole term in both. Prints the cheapest N of each with why they qualify.\n"
		"Prices are in the scenario's currency, converted as estimate converts them.\n"
		"SCENARIO '-' is standard input.\n",
	.options = optimize_options,
	.notes = "Exit status: 0 ok (also when a workload has no qualifying offer: see stderr),\n"
		"2 the scenario is invalid or the store cannot be read.\n",
	.flags = CMD_NEEDS_STORE,
};

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "407 H100-SXM offers from $2.49/GPU-H (lambda gpu_1x_h100_sxm5): REASON" */
static void describe_rejection(struct strbuf *sb, const struct optimize_rejection *r,
			       const char *currency)
{
	strbuf_addf(sb, "%zu %s offer%s from %s%.2f/GPU-h (%s %s): %s", r->offers, r->accelerator,
		    r->offers == 1 ? "" : "s", units_money_sign(currency), r->per_gpu_hour,
		    r->cheapest.provider, r->cheapest.instance_type, r->reason);
}

/*
 * What was turned down on C's accelerator though cheaper per accelerator-hour:
 * appended to WHY for people, and as a JSON array for scripts.
 */
static char *rejected_cheaper(const struct optimize_search *search, const struct candidate *c,
			      const char *currency, struct strbuf *why)
{
	json_t *list = json_array();
	size_t shown = 0, more = 0;
	char *text;

	for (size_t i = 0; i < search->nrejections; i++) {
		const struct optimize_rejection *r = &search->rejections[i];
		const struct offer *o = &r->cheapest;

		if (strcmp(r->accelerator, c->offer.accelerator) != 0 ||
		    !(r->per_gpu_hour < c->per_gpu_hour))
			continue;
		json_array_append_new(list, json_pack("{s:{s:s,s:s,s:s,s:s,s:i,s:f},s:s,s:I}",
			"offer", "provider", o->provider, "region", o->region,
			"instance", o->instance_type, "purchase", o->purchase,
			"accelerators", o->accelerator_count, "per_gpu_hour", r->per_gpu_hour,
			"reason", r->reason, "count", (json_int_t)r->offers));
		if (shown == WHY_REJECTIONS) {
			more++;
			continue;
		}
		strbuf_adds(why, shown++ ? "; " : "; rejected though cheaper: ");
		describe_rejection(why, r, currency);
	}
	if (more)
		strbuf_addf(why, "; %zu more rejected (json lists them)", more);
	text = json_dumps(list, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(list);
	return text;
}

static void add_rows(struct table *t, const struct workload *w, const struct optimize_search *search,
		     const char *currency)
{
	bool job = workload_is_job(w);   /* training or batch: priced per run */

	struct strbuf why = STRBUF_INIT;

	for (size_t i = 0; i < search->n; i++) {
		const struct candidate *c = &search->items[i];
		const struct optimize_plan *p = &search->plans[c->plan];
		const struct offer *o = &c->offer;
		char *rejected;

		table_begin_row(t);
		table_add_text(t, w->name);
		table_add_number(t, (double)(i + 1), 0);
		table_add_text(t, o->provider);
		table_add_text(t, o->region);
		table_add_text(t, o->instance_type);
		table_add_text(t, o->accelerator);
		table_add_number(t, o->accelerator_count, 0);
		table_add_text(t, o->purchase);
		table_add_number(t, c->per_gpu_hour, 4);
		table_add_money(t, c->cost_usd, 0);
		table_add_text(t, job ? "run" : "month");
		table_add_number(t, p->gpus, 0);
		table_add_number(t, c->instances, 0);
		table_add_text(t, o->interconnect);
		if (job)
			table_add_number(t, p->demand.wall_hours, 1);
		else
			table_add_null(t);
		if (job)
			table_add_bool(t, p->meets_deadline);
		else
			table_add_null(t);
		table_add_money(t, c->total, 0);
		strbuf_reset(&why);
		strbuf_adds(&why, c->why);
		rejected = rejected_cheaper(search, c, currency, &why);
		table_add_text(t, why.buf);
		table_add_json(t, rejected ? rejected : "[]", why.len > strlen(c->why) ?
			       why.buf + strlen(c->why) + 2 : "");
		free(rejected);
	}
	strbuf_release(&why);
}

static struct table *new_table(const char *currency)
{
	struct table *t = table_new();
	struct strbuf price = STRBUF_INIT;

	table_add_column(t, "workload", "WORKLOAD", COLUMN_TEXT);
	table_add_column(t, "rank", "#", COLUMN_NUMBER);
	table_add_column(t, "provider", "PROVIDER", COLUMN_TEXT);
	table_add_column(t, "region", "REGION", COLUMN_TEXT);
	table_add_column(t, "instance", "INSTANCE", COLUMN_TEXT);
	table_add_column(t, "accelerator", "ACCELERATOR", COLUMN_TEXT);
	table_add_column(t, "accelerators", "N", COLUMN_NUMBER);
	table_add_column(t, "purchase", "PURCHASE", COLUMN_TEXT);
	strbuf_addf(&price, "%s/GPU-H", units_money_sign(currency));
	table_add_column(t, "per_gpu_hour", price.buf, COLUMN_NUMBER);
	strbuf_release(&price);
	table_add_column(t, "cost", "COST", COLUMN_NUMBER);
	table_add_column(t, "cost_per", "PER", COLUMN_TEXT);
	table_add_column(t, "gpus", "GPUS", COLUMN_NUMBER);
	table_add_column(t, "instances", "INST", COLUMN_NUMBER);
	table_add_column(t, "interconnect", "FABRIC", COLUMN_TEXT);
	table_add_column(t, "wall_hours", "WALL-H", COLUMN_NUMBER);
	table_add_column(t, "meets_deadline", "DEADLINE", COLUMN_TEXT);
	table_add_column(t, "total", "TOTAL", COLUMN_NUMBER);
	table_add_column(t, "why", "WHY IT QUALIFIES (AND WHAT CHEAPER WAS REJECTED)", COLUMN_TEXT);
	table_add_column(t, "rejected", "REJECTED", COLUMN_DATA);
	return t;
}

/* What the search turned down and why, on stderr: the largest groups (-v: all). */
static void report_rejections(const struct workload *w, const struct optimize_search *search,
			      const char *currency)
{
	size_t shown = global_options.verbosity > 0 ? search->nrejections : 5;
	struct strbuf line = STRBUF_INIT;

	if (search->note)
		warnx_cmd("optimize", "%s: %s", w->name, search->note);
	for (size_t i = 0; i < search->nrejections && i < shown; i++) {
		strbuf_reset(&line);
		describe_rejection(&line, &search->rejections[i], currency);
		warnx_cmd("optimize", "%s: rejected %s", w->name, line.buf);
	}
	if (search->nrejections > shown)
		warnx_cmd("optimize", "%s: and %zu more reasons (-v lists them)", w->name,
			  search->nrejections - shown);
	strbuf_release(&line);
}

static void remove_spaces(char *text)
{
	char *out = text;

	for (; *text; text++)
		if (*text != ' ')
			*out++ = *text;
	*out = '\0';
}

static int cmd_optimize(int argc, char **argv)
{
	struct cli_parser p;
	struct optimize_options opts = { NULL, NULL, 0, TOP_DEFAULT, 1 };
	struct tco_fx fx = { 0 };
	char *providers = NULL;
	struct optimize_search search;
	struct costcli cli;
	struct table *t = NULL;
	long top = 1;
	double started;
	int c, status = EXIT_ERROR;

	costcli_init(&cli, "optimize");
	cli_parser_init(&p, &optimize_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		int taken = costcli_option(&cli, c, optarg);

		if (taken < 0)
			goto cleanup;
		if (taken == 0)
			continue;
		switch (c) {
		case 'n':
			if (units_parse_int(optarg, &top) < 0) {
				status = usage_error("optimize", "--top: %s", error_get());
				error_clear();
				goto cleanup;
			}
			/* every kept candidate is allocated up front; no table needs more */
			if (top < 1 || top > OPTIMIZE_MAX_TOP) {
				status = usage_error("optimize", "--top: expected from 1 to %d, got %s",
						     OPTIMIZE_MAX_TOP, optarg);
				goto cleanup;
			}
			opts.top = (size_t)top;
			break;
		case 'p':
			/* "aws, gcp": the store matches names exactly, without spaces */
			free(providers);
			providers = xstrdup(optarg);
			remove_spaces(providers);
			opts.providers = providers;
			break;
		case 'r':
			opts.regions = optarg;
			break;
		case 'm':
			if (units_parse_money(optarg, &opts.max_per_gpu_hour) < 0) {
				status = usage_error("optimize", "--max-price: %s", error_get());
				error_clear();
				goto cleanup;
			}
			break;
		case 'h':
			command_help(&optimize_command, stdout);
			status = EXIT_OK;
			goto cleanup;
		default:
			status = cli_option_error(&p, c, argv);
			goto cleanup;
		}
	}
	if (costcli_load_operands(&cli, argc - optind, argv + optind) < 0)
		goto cleanup;
	if (opts.providers && costcli_check_providers(&cli, "--providers", opts.providers) < 0)
		goto cleanup;
	/* The store's dollars in the scenario's currency, at the rate estimate uses. */
	if (tco_resolve_fx(cli.db, &cli.scenario, &fx) < 0)
		goto fail;
	if (fx.present) {
		opts.price_factor = fx.rate;
		if (global_options.verbosity >= 0)
			warnx_cmd("optimize", "prices in %s: 1 %s = %.9g %s (%s, %s)", fx.to,
				  fx.from, fx.rate, fx.to, fx.source, fx.date);
	}
	t = new_table(cli.scenario.currency);
	for (size_t w = 0; w < cli.scenario.nworkloads; w++) {
		const struct workload *wl = &cli.scenario.workloads[w];

		if (wl->kind == WORKLOAD_PIPELINE)
			continue;   /* CPUs: estimate prices it on each deployment's instances */
		started = seconds_now();
		if (optimize_run(cli.db, &cli.scenario, w, &opts, &search) < 0) {
			optimize_release(&search);
			goto fail;
		}
		if (global_options.verbosity >= 0) {
			warnx_cmd("optimize", "%s: %zu of the %zu offers read qualify", wl->name,
				  search.qualified, search.searched);
			report_rejections(wl, &search, cli.scenario.currency);
		}
		if (global_options.verbosity > 0) {
			warnx_cmd("optimize", "%s: searched in %.3f s", wl->name,
				  seconds_now() - started);
		}
		add_rows(t, wl, &search, cli.scenario.currency);
		optimize_release(&search);
	}
	if (table_print(t, stdout, cli.format) < 0)
		goto fail;
	status = EXIT_OK;
	goto cleanup;
fail:
	error_print("optimize");
cleanup:
	table_free(t);
	costcli_release(&cli);
	tco_fx_release(&fx);
	free(providers);
	return status;
}
