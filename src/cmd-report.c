/*
 * aicost report SCENARIO -o FILE: the FinOps report of a scenario, as one
 * self-contained HTML file (.html) or as GitHub-flavoured markdown (.md) with its
 * charts written beside it as SVG files.
 */
#include "cli.h"
#include "costcli.h"
#include "plot.h"
#include "report.h"
#include "util.h"

#include <math.h>
#include <string.h>
#include <time.h>

#define SENSITIVITY_STEP 0.20
#define CHART_WIDTH 960
#define CHART_HEIGHT 540

static int cmd_report(int argc, char **argv);

static const struct cli_option report_options[] = {
	{ 'o', "output", "FILE", "where to write it (required): .html, or .md with the\n"
	  "charts beside it" },
	COSTCLI_DRAW_OPTIONS,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command report_command = {
	.name = "report", .run = cmd_report,
	.summary = "a FinOps report of a scenario: one HTML file, or markdown",
	.usage = "usage: aicost report -o FILE [--set KEY.PATH=VALUE]... [--trials N] [--seed N]\n"
		 "                     SCENARIO\n",
	.description =
		"Prices SCENARIO as 'aicost compare' does and writes the report a CFO can\n"
		"read and forward: the question, the answer in one sentence, the deployments\n"
		"compared, the charts (cumulative cash, shortage risk, monthly breakdown,\n"
		"sensitivity), where the money goes, excluded deployments and why, the\n"
		"assumptions, where every price came from (source and observed date) and\n"
		"the warnings (old or approximate prices, assumed figures, residency).\n"
		"\n"
		"FILE ending in .html: one file, CSS and charts (SVG) inline, no script, and\n"
		"a Content Security Policy that lets it fetch nothing; it prints on A4 or\n"
		"Letter. FILE ending in .md: GitHub-flavoured markdown for a pull request,\n"
		"the charts written beside it as FILE-STEM-CHART.svg and linked.\n"
		"SCENARIO '-' is standard input.\n",
	.options = report_options,
	.notes = "Needs gnuplot (Debian package gnuplot-nox). Files are replaced atomically.\n"
		"Exit status: 0 ok, 2 usage or input error, or gnuplot failed or is missing.\n",
	.flags = CMD_NEEDS_STORE,
};

struct price_rows {
	struct report_price *items;
	size_t n, alloc;
	struct offer_list *lists;     /* the offers the rows point into */
	size_t nlists, lists_alloc;
};

static bool purchase_wanted(const struct deployment *d, const char *purchase)
{
	if (d->npurchase == 0)
		return strcmp(purchase, "on-demand") == 0;
	for (size_t i = 0; i < d->npurchase; i++)
		if (strcmp(d->purchase[i].option, purchase) == 0)
			return true;
	/* Overflow above a mix is bought on demand. */
	return strcmp(purchase, "on-demand") == 0;
}

static struct report_price price_row(const struct deployment *d, const struct offer *o)
{
	return (struct report_price) {
		.deployment = d->name, .provider = o->provider, .region = o->region,
		.instance = o->instance_type, .purchase = o->purchase,
		.price_per_hour = o->price_per_hour, .accelerators = o->accelerator_count,
		.currency = o->currency, .observed = o->observed, .source = o->source,
		.confidence = o->confidence,
	};
}

/* The store's offers that priced cloud deployment D: one row per purchase option. */
static int deployment_prices(struct db *db, const struct scenario *s,
			     const struct deployment *d, struct price_rows *rows)
{
	struct offer_filter filter = {
		.providers = d->provider, .region_glob = d->region,
		.instance_type = d->instance,
		.accelerator = d->instance ? NULL : d->accelerator ? d->accelerator :
			s->nworkloads ? s->workloads[0].accelerator : NULL,
	};
	struct offer_list *list;

	if (d->kind != DEPLOYMENT_CLOUD || isfinite(d->price_per_gpu_hour) || !d->provider)
		return 0;
	xgrow(&rows->lists, &rows->lists_alloc, rows->nlists + 1, sizeof(*rows->lists));
	list = &rows->lists[rows->nlists++];
	memset(list, 0, sizeof(*list));
	if (db_query_offers(db, &filter, list) < 0)
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		const struct offer *o = &list->items[i];
		struct report_price *p;
		bool seen = false;

		if (!purchase_wanted(d, o->purchase))
			continue;
		/* Without an instance: the cheapest per accelerator of each option. */
		for (size_t k = 0; k < rows->n && !seen; k++) {
			p = &rows->items[k];
			if (strcmp(p->deployment, d->name) != 0 || strcmp(p->purchase, o->purchase))
				continue;
			seen = true;
			if (offer_price_per_accelerator_hour(o) <
			    p->price_per_hour / (p->accelerators > 0 ? p->accelerators : 1))
				*p = price_row(d, o);
		}
		if (seen)
			continue;
		xgrow(&rows->items, &rows->alloc, rows->n + 1, sizeof(*rows->items));
		rows->items[rows->n++] = price_row(d, o);
	}
	return 0;
}

static void price_rows_release(struct price_rows *rows)
{
	for (size_t i = 0; i < rows->nlists; i++)
		offer_list_release(&rows->lists[i]);
	free(rows->lists);
	free(rows->items);
	memset(rows, 0, sizeof(*rows));
}

/* "out/report.md" and "risk" -> "out/report-risk.svg" (and its name, "report-risk.svg"). */
static void chart_path(const char *output, const char *chart, struct strbuf *path,
		       struct strbuf *name)
{
	const char *slash = strrchr(output, '/');
	const char *base = slash ? slash + 1 : output;
	const char *dot = strrchr(base, '.');
	size_t stem = dot ? (size_t)(dot - base) : strlen(base);

	strbuf_add(name, base, stem);
	strbuf_addf(name, "-%s.svg", chart);
	if (slash)
		strbuf_add(path, output, (size_t)(slash - output) + 1);
	strbuf_adds(path, name->buf);
}

static int write_report(const char *output, bool html, const struct report *rep)
{
	struct atomic_file af;

	if (atomic_open(&af, output) < 0)
		return -1;
	if ((html ? report_html(af.fp, rep) : report_markdown(af.fp, rep)) < 0) {
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af);
}

static int cmd_report(int argc, char **argv)
{
	const char *output = NULL;
	struct cli_parser parser;
	struct costcli cli;
	struct costcli_run run = { 0 };
	struct price_rows prices = { 0 };
	struct report rep = { 0 };
	struct strbuf svg[REPORT_NCHARTS], names[REPORT_NCHARTS];
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	bool html = false;
	int c, status = EXIT_ERROR;

	for (int i = 0; i < REPORT_NCHARTS; i++) {
		strbuf_init(&svg[i], 0);
		strbuf_init(&names[i], 0);
	}
	costcli_init(&cli, "report");
	cli_parser_init(&parser, &report_command);
	while ((c = cli_getopt(&parser, argc, argv)) != -1) {
		int taken = costcli_option(&cli, c, optarg);

		if (taken < 0)
			goto cleanup;
		if (taken == 0)
			continue;
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			command_help(&report_command, stdout);
			status = EXIT_OK;
			goto cleanup;
		default:
			status = cli_option_error(&parser, c, argv);
			goto cleanup;
		}
	}
	if (!output) {
		status = usage_error("report", "-o FILE is required (.html or .md)");
		goto cleanup;
	}
	html = str_ends_with(output, ".html") || str_ends_with(output, ".htm");
	if (!html && !str_ends_with(output, ".md")) {
		status = usage_error("report", "-o: \"%s\": the file name must end in .html or .md",
				     output);
		goto cleanup;
	}
	if (costcli_load_operands(&cli, argc - optind, argv + optind) < 0 ||
	    costcli_run(&cli, SENSITIVITY_STEP, &run) < 0)
		goto cleanup;
	for (int i = 0; i < REPORT_NCHARTS; i++) {
		struct plot p;
		struct strbuf path = STRBUF_INIT;
		int rc;

		/* No answer, no tornado: the report says so in words instead. */
		if (report_charts[i] == CHART_SENSITIVITY && run.r.cheapest < 0)
			continue;
		if (plot_result(&run.r, report_charts[i], run.sensitivity, run.nsensitivity,
				SENSITIVITY_STEP, &p) < 0)
			goto fail;
		rc = plot_render(&p, PLOT_SVG, CHART_WIDTH, CHART_HEIGHT, &svg[i]);
		plot_release(&p);
		if (rc < 0)
			goto fail;
		if (html) {
			rep.charts[i] = svg[i].buf;
			continue;
		}
		chart_path(output, plot_chart_names[report_charts[i]], &path, &names[i]);
		rc = atomic_write_file(path.buf, svg[i].buf, svg[i].len);
		if (rc < 0)
			error_prefix("%s: ", path.buf);
		strbuf_release(&path);
		if (rc < 0)
			goto fail;
		rep.charts[i] = names[i].buf;
	}
	for (size_t i = 0; i < cli.scenario.ndeployments; i++)
		if (deployment_prices(cli.db, &cli.scenario, &cli.scenario.deployments[i],
				      &prices) < 0)
			goto fail;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	rep.r = &run.r;
	rep.sensitivity = run.sensitivity;
	rep.nsensitivity = run.nsensitivity;
	rep.step = SENSITIVITY_STEP;
	rep.notes = run.in.notes.len ? run.in.notes.buf : NULL;
	rep.prices = prices.items;
	rep.nprices = prices.n;
	rep.today = today;
	rep.trials = cli.opts.trials;
	rep.seed = (unsigned long long)cli.opts.seed;
	if (write_report(output, html, &rep) < 0) {
		error_prefix("%s: ", output);
		goto fail;
	}
	if (global_options.verbosity >= 0)
		warnx_cmd("report", "wrote %s", output);
	status = EXIT_OK;
	goto cleanup;
fail:
	error_print("report");
cleanup:
	for (int i = 0; i < REPORT_NCHARTS; i++) {
		strbuf_release(&svg[i]);
		strbuf_release(&names[i]);
	}
	price_rows_release(&prices);
	costcli_run_release(&run);
	costcli_release(&cli);
	return status;
}
