/*
 * The report (report.h). Its content is built once as paragraphs and small
 * tables of text, then written as HTML or as markdown, so that both say the
 * same thing. HTML is one file: CSS inline, charts as inline SVG, a Content
 * Security Policy that forbids every fetch, and no script.
 */
#include "report.h"
#include "table.h"
#include "util.h"
#include "version.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const enum plot_chart report_charts[REPORT_NCHARTS] = {
	CHART_CUMULATIVE, CHART_RISK, CHART_BREAKDOWN, CHART_SENSITIVITY,
};

static const char *const chart_captions[REPORT_NCHARTS] = {
	"Cumulative cash paid by each deployment; circles mark the month each breaks even "
	"against the baseline.",
	"The expected cumulative cash and, shaded, the 10th to 90th percentile with GPU "
	"shortages.",
	"Cash paid each month by cost component; bars beyond the scale are cut and carry "
	"their value.",
	"How far the cheapest deployment's lead moves when each input is set lower and "
	"higher.",
};

/* Prices observed longer ago than this are flagged. */
#define STALE_DAYS 180

/* A small table of text, written as HTML or markdown. */
struct rtable {
	size_t ncols, ncells, alloc;
	char **cells;                 /* row-major; the first row is the header */
	bool numeric[16];             /* right-aligned columns */
	bool swatch;                  /* column 0 names a deployment: show its colour */
	int *row_deployment;          /* per row (header included): index or -1 */
	size_t rows_alloc;
};

static void rtable_init(struct rtable *t, size_t ncols, ...)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

static void rtable_cell(struct rtable *t, const char *text)
{
	xgrow(&t->cells, &t->alloc, t->ncells + 1, sizeof(*t->cells));
	t->cells[t->ncells++] = xstrdup(text ? text : "");
}

static void rtable_cellf(struct rtable *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rtable_cellf(struct rtable *t, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	rtable_cell(t, sb.buf);
	strbuf_release(&sb);
}

/* Starts a row; DEPLOYMENT is its deployment's index for the colour, or -1. */
static void rtable_row(struct rtable *t, int deployment)
{
	size_t row = t->ncells / (t->ncols ? t->ncols : 1);

	xgrow(&t->row_deployment, &t->rows_alloc, row + 1, sizeof(int));
	t->row_deployment[row] = deployment;
}

static void rtable_release(struct rtable *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->row_deployment);
	memset(t, 0, sizeof(*t));
}

static void html_escape(struct strbuf *sb, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		switch (*p) {
		case '&': strbuf_adds(sb, "&amp;"); break;
		case '<': strbuf_adds(sb, "&lt;"); break;
		case '>': strbuf_adds(sb, "&gt;"); break;
		case '"': strbuf_adds(sb, "&quot;"); break;
		case '\'': strbuf_adds(sb, "&#39;"); break;
		default: strbuf_addch(sb, *p);
		}
	}
}

/* Markdown table cells: pipes escaped, line breaks flattened. */
static void md_escape(struct strbuf *sb, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == '|')
			strbuf_adds(sb, "\\|");
		else if (*p == '\n' || *p == '\r')
			strbuf_addch(sb, ' ');
		else
			strbuf_addch(sb, *p);
	}
}

static void rtable_html(struct strbuf *sb, const struct rtable *t, const char *css_class)
{
	size_t rows = t->ncols ? t->ncells / t->ncols : 0;

	strbuf_addf(sb, "<div class=\"scroll\"><table class=\"%s\">\n", css_class);
	for (size_t r = 0; r < rows; r++) {
		strbuf_adds(sb, r == 0 ? "<thead><tr>" : "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			strbuf_addf(sb, "<%s%s>", r == 0 ? "th" : "td",
				    c < 16 && t->numeric[c] ? " class=\"num\"" : "");
			if (c == 0 && t->swatch && r > 0 && t->row_deployment &&
			    t->row_deployment[r] >= 0)
				strbuf_addf(sb, "<span class=\"swatch\" style=\"background:%s\"></span>",
					    plot_deployment_colour((size_t)t->row_deployment[r]));
			html_escape(sb, cell);
			strbuf_addf(sb, "</%s>", r == 0 ? "th" : "td");
		}
		strbuf_adds(sb, r == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n");
	}
	strbuf_adds(sb, "</tbody></table></div>\n");
}

static void rtable_markdown(struct strbuf *sb, const struct rtable *t)
{
	size_t rows = t->ncols ? t->ncells / t->ncols : 0;

	for (size_t r = 0; r < rows; r++) {
		strbuf_addch(sb, '|');
		for (size_t c = 0; c < t->ncols; c++) {
			strbuf_addch(sb, ' ');
			md_escape(sb, t->cells[r * t->ncols + c]);
			strbuf_adds(sb, " |");
		}
		strbuf_addch(sb, '\n');
		if (r == 0) {
			strbuf_addch(sb, '|');
			for (size_t c = 0; c < t->ncols; c++)
				strbuf_adds(sb, c < 16 && t->numeric[c] ? "---:|" : "---|");
			strbuf_addch(sb, '\n');
		}
	}
	strbuf_addch(sb, '\n');
}

static const char *currency_of(const struct tco_result *r)
{
	return r->scenario->currency ? r->scenario->currency : "USD";
}

/* "$4.05M", "€305.6k", "1.20M CHF": money for a sentence. */
static void money_short(struct strbuf *sb, double value, const char *currency)
{
	const char *symbol = strcmp(currency, "USD") == 0 ? "$" :
		strcmp(currency, "EUR") == 0 ? "€" : strcmp(currency, "GBP") == 0 ? "£" : NULL;
	double a = fabs(value);

	if (value < 0)
		strbuf_addch(sb, '-');
	if (symbol)
		strbuf_adds(sb, symbol);
	if (a >= 1e6)
		strbuf_addf(sb, "%.2fM", a / 1e6);
	else if (a >= 1e4)
		strbuf_addf(sb, "%.1fk", a / 1e3);
	else
		format_grouped(sb, a, 0);
	if (!symbol)
		strbuf_addf(sb, " %s", currency);
}

/* "1,234,567": money for a table. */
static char *money_cell(double value)
{
	struct strbuf sb = STRBUF_INIT;

	if (isfinite(value))
		format_grouped(&sb, value, 0);
	else
		strbuf_adds(&sb, "–");
	return strbuf_detach(&sb, NULL);
}

static void rtable_money(struct rtable *t, double value)
{
	char *cell = money_cell(value);

	rtable_cell(t, cell);
	free(cell);
}

static const char *name_of(const struct tco_result *r, int i)
{
	return r->deployments[i].deployment->name;
}

static int baseline_of(const struct tco_result *r)
{
	const struct scenario *s = r->scenario;

	for (size_t i = 0; s->baseline && i < r->ndeployments; i++)
		if (strcmp(name_of(r, (int)i), s->baseline) == 0)
			return (int)i;
	return 0;
}

/* The deployment cheapest at P90 among those not excluded; -1 none. */
static int cheapest_at_p90(const struct tco_result *r)
{
	int best = -1;

	for (size_t i = 0; i < r->ndeployments; i++)
		if (!r->deployments[i].excluded &&
		    (best < 0 || r->deployments[i].p90 < r->deployments[best].p90))
			best = (int)i;
	return best;
}

void report_answer(const struct tco_result *r, struct strbuf *out)
{
	const char *cur = currency_of(r);
	int c = r->cheapest, runner_up = tco_runner_up(r), base = baseline_of(r);
	int months = r->scenario->horizon_months, p90 = cheapest_at_p90(r);
	const struct deployment_result *dc;

	if (c < 0) {
		strbuf_adds(out, "No deployment meets the scenario's constraints: every one is "
			    "excluded (see why below).");
		return;
	}
	dc = &r->deployments[c];
	strbuf_addf(out, "%s costs least: ", name_of(r, c));
	money_short(out, dc->total, cur);
	strbuf_addf(out, " over %d month%s", months, months == 1 ? "" : "s");
	if (runner_up >= 0) {
		strbuf_adds(out, ", ");
		money_short(out, r->deployments[runner_up].total - dc->total, cur);
		strbuf_addf(out, " less than %s", name_of(r, runner_up));
	}
	if (base != c && base != runner_up && !r->deployments[base].excluded) {
		strbuf_adds(out, runner_up >= 0 ? " and " : ", ");
		money_short(out, r->deployments[base].total - dc->total, cur);
		strbuf_addf(out, " less than %s", name_of(r, base));
	}
	if (base != c && dc->breakeven_month > 0)
		strbuf_addf(out, "; it breaks even with %s in month %d", name_of(r, base),
			    dc->breakeven_month);
	if (p90 >= 0 && p90 != c) {
		strbuf_addf(out, "; but at P90 shortage risk %s costs least (", name_of(r, p90));
		money_short(out, r->deployments[p90].p90, cur);
		strbuf_adds(out, ")");
	} else if (runner_up >= 0 && (r->deployments[runner_up].p90 - r->deployments[runner_up].total
				      >= 0.5 || dc->p90 - dc->total >= 0.5)) {
		/* Only when shortages spread the totals: else P90 repeats the lead. */
		strbuf_addf(out, "; at P90 shortage risk %s costs ", name_of(r, runner_up));
		money_short(out, r->deployments[runner_up].p90 - dc->p90, cur);
		strbuf_adds(out, " more");
	}
	strbuf_addch(out, '.');
}

/* "Which of aws, rack or mix runs train-v1, train-v2 and serve-70b for least over 36 months?" */
static void question(const struct tco_result *r, struct strbuf *out)
{
	const struct scenario *s = r->scenario;

	strbuf_adds(out, r->ndeployments > 1 ? "Which of " : "What does ");
	for (size_t i = 0; i < r->ndeployments; i++)
		strbuf_addf(out, "%s%s", i == 0 ? "" : i + 1 == r->ndeployments ? " or " : ", ",
			    name_of(r, (int)i));
	strbuf_adds(out, r->ndeployments > 1 ? " runs " : " cost to run ");
	for (size_t i = 0; i < s->nworkloads; i++)
		strbuf_addf(out, "%s%s", i == 0 ? "" : i + 1 == s->nworkloads ? " and " : ", ",
			    s->workloads[i].name);
	if (s->nworkloads == 0)
		strbuf_adds(out, "the work");
	strbuf_addf(out, "%s over %d month%s%s%s?", r->ndeployments > 1 ? " for least" : "",
		    s->horizon_months, s->horizon_months == 1 ? "" : "s",
		    s->start_date ? " from " : "", s->start_date ? s->start_date : "");
}

static const char *kind_name(enum deployment_kind kind)
{
	return kind == DEPLOYMENT_CLOUD ? "cloud" : kind == DEPLOYMENT_ONPREM ? "on-prem" :
		"hybrid";
}

static void comparison_table(const struct tco_result *r, struct rtable *t)
{
	static const char *const head[] = {
		"Deployment", "Kind", "Total", "NPV", "P90", "Per GPU-h", "Per 1M tok",
		"Break-even", "Util.", "Verdict",
	};
	int base = baseline_of(r);

	rtable_init(t, ARRAY_SIZE(head));
	t->swatch = true;
	for (size_t c = 2; c < 9; c++)
		t->numeric[c] = true;
	rtable_row(t, -1);
	for (size_t c = 0; c < ARRAY_SIZE(head); c++)
		rtable_cell(t, head[c]);
	for (size_t i = 0; i < r->ndeployments; i++) {
		const struct deployment_result *d = &r->deployments[i];

		rtable_row(t, (int)i);
		rtable_cell(t, name_of(r, (int)i));
		rtable_cell(t, kind_name(d->deployment->kind));
		rtable_money(t, d->total);
		rtable_money(t, d->npv);
		rtable_money(t, d->p90);
		if (isfinite(d->per_gpu_hour))
			rtable_cellf(t, "%.2f", d->per_gpu_hour);
		else
			rtable_cell(t, "–");
		if (isfinite(d->per_million_tokens))
			rtable_cellf(t, "%.3f", d->per_million_tokens);
		else
			rtable_cell(t, "–");
		if ((int)i == base)
			rtable_cell(t, "baseline");
		else if (d->breakeven_month > 0)
			rtable_cellf(t, "month %d", d->breakeven_month);
		else
			rtable_cell(t, "never");
		if (isfinite(d->utilisation))
			rtable_cellf(t, "%.0f%%", d->utilisation * 100);
		else
			rtable_cell(t, "–");
		rtable_cellf(t, "%s%s", d->excluded ? "excluded" : (int)i == r->cheapest ?
			     "cheapest" : "", d->incomplete ? (d->excluded || (int)i == r->cheapest ?
			     ", lower bound" : "lower bound") : "");
	}
}

static void breakdown_table(const struct tco_result *r, struct rtable *t)
{
	rtable_init(t, r->ndeployments + 1);
	for (size_t c = 1; c <= r->ndeployments && c < 16; c++)
		t->numeric[c] = true;
	rtable_row(t, -1);
	rtable_cellf(t, "Component (%s)", currency_of(r));
	for (size_t i = 0; i < r->ndeployments; i++)
		rtable_cell(t, name_of(r, (int)i));
	for (int c = 0; c < COST_NCOMPONENTS; c++) {
		bool any = false;

		for (size_t i = 0; i < r->ndeployments; i++)
			any |= fabs(r->deployments[i].breakdown[c]) >= 0.5;
		if (!any)
			continue;
		rtable_row(t, -1);
		rtable_cell(t, cost_component_names[c]);
		for (size_t i = 0; i < r->ndeployments; i++)
			rtable_money(t, r->deployments[i].breakdown[c]);
	}
	rtable_row(t, -1);
	rtable_cell(t, "total");
	for (size_t i = 0; i < r->ndeployments; i++)
		rtable_money(t, r->deployments[i].total);
}

/* What each workload costs on each deployment (its share of GPU-hours). */
static void workload_cost_table(const struct tco_result *r, struct rtable *t)
{
	const struct scenario *s = r->scenario;

	rtable_init(t, r->ndeployments + 1);
	for (size_t c = 1; c <= r->ndeployments && c < 16; c++)
		t->numeric[c] = true;
	rtable_row(t, -1);
	rtable_cellf(t, "Workload (%s)", currency_of(r));
	for (size_t i = 0; i < r->ndeployments; i++)
		rtable_cell(t, name_of(r, (int)i));
	for (size_t w = 0; w < s->nworkloads; w++) {
		rtable_row(t, -1);
		rtable_cell(t, s->workloads[w].name);
		for (size_t i = 0; i < r->ndeployments; i++)
			rtable_money(t, r->deployments[i].workload_cost ?
				     r->deployments[i].workload_cost[w] : NAN);
	}
}

static void add_number_or_dash(struct rtable *t, double value, const char *fmt, double scale)
{
	if (isfinite(value) && value != 0)
		rtable_cellf(t, fmt, value * scale);
	else
		rtable_cell(t, "–");
}

/* The workload model's figures each demand rests on. */
static void workload_table(const struct tco_result *r, struct rtable *t)
{
	static const char *const head[] = {
		"Workload", "Kind", "Accelerator", "GPUs", "GPU-hours", "Precision",
		"Peak TFLOPS", "MFU", "Goodput", "TTFT ms", "TPOT ms",
	};
	const struct scenario *s = r->scenario;

	rtable_init(t, ARRAY_SIZE(head));
	for (size_t c = 3; c < ARRAY_SIZE(head); c++)
		t->numeric[c] = c != 5;
	rtable_row(t, -1);
	for (size_t c = 0; c < ARRAY_SIZE(head); c++)
		rtable_cell(t, head[c]);
	for (size_t w = 0; w < s->nworkloads && r->demand && w < r->ndemand; w++) {
		const struct workload_demand *d = &r->demand[w];
		const struct workload_assumptions *a = &d->assumptions;
		bool training = s->workloads[w].kind == WORKLOAD_TRAINING;
		double gpu_hours = workload_is_job(&s->workloads[w]) ? d->gpu_hours :
			d->gpu_hours_per_month * s->horizon_months;

		rtable_row(t, -1);
		rtable_cell(t, s->workloads[w].name);
		rtable_cell(t, workload_kind_name(s->workloads[w].kind));
		rtable_cell(t, d->accelerator);
		rtable_cellf(t, "%d", d->gpus);
		rtable_money(t, d->gpu_hours > 0 ? d->gpu_hours : gpu_hours);
		rtable_cell(t, precision_name(a->precision));
		add_number_or_dash(t, a->peak_tflops, "%.0f", 1);
		add_number_or_dash(t, a->mfu, "%.0f%%", 100);
		add_number_or_dash(t, training ? a->goodput : NAN, "%.1f%%", 100);
		add_number_or_dash(t, a->ttft_ms, "%.0f", 1);
		add_number_or_dash(t, a->tpot_ms, "%.1f", 1);
	}
}

static void sensitivity_table(const struct report *rep, struct rtable *t)
{
	int pct = (int)lround(rep->step * 100);

	rtable_init(t, 5);
	t->numeric[1] = t->numeric[2] = t->numeric[3] = true;
	rtable_row(t, -1);
	rtable_cellf(t, "Input (±%d%%)", pct);
	rtable_cellf(t, "Answer at -%d%%", pct);
	rtable_cellf(t, "Answer at +%d%%", pct);
	rtable_cell(t, "Swing");
	rtable_cell(t, "Changes the cheapest");
	for (size_t i = 0; i < rep->nsensitivity && i < 5; i++) {
		const struct sensitivity *x = &rep->sensitivity[i];

		if (!(x->swing_usd > 0))
			break;
		rtable_row(t, -1);
		rtable_cell(t, x->input);
		rtable_money(t, x->low_usd);
		rtable_money(t, x->high_usd);
		rtable_money(t, x->swing_usd);
		rtable_cell(t, x->flips ? "yes" : "no");
	}
}

static void prices_table(const struct report *rep, struct rtable *t)
{
	static const char *const head[] = {
		"Deployment", "Provider", "Region", "Instance", "Purchase", "Per hour",
		"Observed", "Confidence", "Source",
	};
	const struct tco_result *r = rep->r;

	rtable_init(t, ARRAY_SIZE(head));
	t->numeric[5] = true;
	rtable_row(t, -1);
	for (size_t c = 0; c < ARRAY_SIZE(head); c++)
		rtable_cell(t, head[c]);
	for (size_t i = 0; i < rep->nprices; i++) {
		const struct report_price *p = &rep->prices[i];

		rtable_row(t, -1);
		rtable_cell(t, p->deployment);
		rtable_cell(t, p->provider);
		rtable_cell(t, p->region);
		rtable_cell(t, p->instance);
		rtable_cell(t, p->purchase);
		rtable_cellf(t, "%.2f %s", p->price_per_hour, p->currency ? p->currency : "");
		rtable_cell(t, p->observed);
		rtable_cell(t, p->confidence);
		rtable_cell(t, p->source);
	}
	for (size_t i = 0; i < r->ndeployments; i++) {
		const struct deployment *d = r->deployments[i].deployment;

		if (d->kind == DEPLOYMENT_ONPREM) {
			struct strbuf price = STRBUF_INIT;

			format_grouped(&price, d->server_price, 0);
			rtable_row(t, -1);
			rtable_cell(t, d->name);
			rtable_cell(t, "on-prem");
			rtable_cell(t, d->region);
			rtable_cellf(t, "%d GPUs, %d per server", d->gpus, d->gpus_per_server);
			rtable_cell(t, "capex");
			rtable_cellf(t, "%s a server", price.buf);
			rtable_cell(t, "");
			rtable_cell(t, "given");
			rtable_cell(t, r->scenario->path);
			strbuf_release(&price);
		} else if (d->kind == DEPLOYMENT_CLOUD && isfinite(d->price_per_gpu_hour)) {
			rtable_row(t, -1);
			rtable_cell(t, d->name);
			rtable_cell(t, d->provider);
			rtable_cell(t, d->region);
			rtable_cell(t, "per GPU");
			rtable_cell(t, "quoted");
			rtable_cellf(t, "%.2f %s", d->price_per_gpu_hour, currency_of(r));
			rtable_cell(t, "");
			rtable_cell(t, "given");
			rtable_cell(t, r->scenario->path);
		}
	}
}

static long days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's algorithm: days since 1970-01-01. */
	int era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (long)era * 146097 + (long)doe - 719468;
}

/* Days between an observed date ("2025", "2025-06", "2025-06-30") and TODAY; -1 unknown. */
static long age_days(const char *observed, const char *today)
{
	int y1, m1 = 12, d1 = 31, y2, m2, d2;

	if (!observed || !today || sscanf(today, "%d-%d-%d", &y2, &m2, &d2) != 3 ||
	    sscanf(observed, "%d-%d-%d", &y1, &m1, &d1) < 1)
		return -1;
	if (m1 < 1 || m1 > 12 || d1 < 1 || d1 > 31)
		return -1;
	return days_from_civil(y2, m2, d2) - days_from_civil(y1, m1, d1);
}

/* Warnings a reader must see: old or assumed prices, exclusions, residency. */
static void warnings(const struct report *rep, struct rtable *list)
{
	const struct tco_result *r = rep->r;
	const char *line = rep->notes;

	rtable_init(list, 1);
	for (size_t i = 0; i < rep->nprices; i++) {
		const struct report_price *p = &rep->prices[i];
		long age = age_days(p->observed, rep->today);

		if (age > STALE_DAYS)
			rtable_cellf(list, "The %s price of %s %s in %s was observed %s, %ld days "
				     "ago: refresh it with 'aicost pricing update'.", p->purchase,
				     p->provider, p->instance, p->region, p->observed, age);
		if (p->confidence && strcmp(p->confidence, "exact") != 0)
			rtable_cellf(list, "The %s price of %s %s in %s is approximate (%s).",
				     p->purchase, p->provider, p->instance, p->region, p->source);
	}
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *note = xstrndup(line, len);

		rtable_cellf(list, "Assumed: %s.", note);
		free(note);
		line += len + (end != NULL);
	}
	for (size_t i = 0; i < r->ndeployments; i++) {
		const struct deployment *d = r->deployments[i].deployment;

		if (r->deployments[i].incomplete) {
			struct strbuf names = STRBUF_INIT;

			tco_incomplete_names(r->deployments[i].incomplete, &names);
			rtable_cellf(list, "%s has no price for %s: counted as 0, so its total is "
				     "a lower bound.", d->name, names.buf);
			strbuf_release(&names);
		}
		if (d->residency_violation && d->residency_reason)
			rtable_cellf(list, "%s breaks the scenario's data residency: %s.", d->name,
				     d->residency_reason);
	}
}

static const char *const conventions[] = {
	"A month is 730 hours and a year 8,760; month 1 starts on the scenario's start date.",
	"Cash basis: capex is paid whole in the month it is ordered; the book value left at "
	"the horizon (straight-line depreciation to the residual) is credited in the last "
	"month.",
	"Cloud on-demand and spot are paid per hour used; commitments for every hour of "
	"their term, used or not, the part past the horizon in its last month.",
	"On-prem capacity costs the same busy or idle; power scales with utilisation (idle "
	"draw to full), times PUE.",
	"GPU shortages are priced by a seeded Monte Carlo: the expected cost is in the "
	"totals, P10 and P90 show the spread.",
	"NPV discounts month m's cash by (1 + discount rate)^(m/12); break-even is the "
	"first month from which cumulative cash (without the residual credit) stays at or "
	"below the baseline's.",
	"A deployment that does not deliver all the work in time is excluded and never "
	"cheapest.",
};

/* Everything both formats say, built once. */
struct report_content {
	struct strbuf title, question, answer, fx;
	struct rtable comparison, breakdown, workload_cost, workloads, sensitivity, prices,
		warnings;
};

static void content_build(const struct report *rep, struct report_content *c)
{
	const struct tco_result *r = rep->r;

	strbuf_init(&c->title, 64);
	strbuf_init(&c->question, 128);
	strbuf_init(&c->answer, 256);
	strbuf_init(&c->fx, 0);
	if (r->fx.present)
		strbuf_addf(&c->fx, "Store prices in %s are converted to %s at %g (%s, %s).",
			    r->fx.from, r->fx.to, r->fx.rate, r->fx.date ? r->fx.date : "",
			    r->fx.source ? r->fx.source : "");
	strbuf_addf(&c->title, "%s", r->scenario->name ? r->scenario->name : "scenario");
	question(r, &c->question);
	report_answer(r, &c->answer);
	comparison_table(r, &c->comparison);
	breakdown_table(r, &c->breakdown);
	workload_cost_table(r, &c->workload_cost);
	workload_table(r, &c->workloads);
	sensitivity_table(rep, &c->sensitivity);
	prices_table(rep, &c->prices);
	warnings(rep, &c->warnings);
}

static void content_release(struct report_content *c)
{
	strbuf_release(&c->title);
	strbuf_release(&c->question);
	strbuf_release(&c->answer);
	strbuf_release(&c->fx);
	rtable_release(&c->comparison);
	rtable_release(&c->breakdown);
	rtable_release(&c->workload_cost);
	rtable_release(&c->workloads);
	rtable_release(&c->sensitivity);
	rtable_release(&c->prices);
	rtable_release(&c->warnings);
}

static int write_all(FILE *fp, const struct strbuf *sb)
{
	if (fwrite(sb->buf, 1, sb->len, fp) != sb->len || fflush(fp) != 0) {
		error_set("write error");
		return -1;
	}
	return 0;
}

static size_t rows_of(const struct rtable *t)
{
	return t->ncols ? t->ncells / t->ncols : 0;
}

static const char css[] =
	":root{--ink:#1d2430;--muted:#5b6574;--rule:#d9dde3;--accent:#0072B2;--bg:#ffffff}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;background:#f4f5f7;color:var(--ink);font:15px/1.5 -apple-system,"
	"'Segoe UI',Roboto,'DejaVu Sans',Helvetica,Arial,sans-serif}\n"
	"main{max-width:1080px;margin:0 auto;background:var(--bg);padding:40px 56px 56px}\n"
	"header{border-bottom:3px solid var(--ink);padding-bottom:18px;margin-bottom:24px}\n"
	".kicker{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:var(--muted);"
	"margin:0 0 6px}\n"
	"h1{font-size:30px;line-height:1.2;margin:0 0 10px}\n"
	"h2{font-size:19px;margin:36px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--rule)}\n"
	"h3{font-size:15px;margin:22px 0 6px}\n"
	".question{font-size:17px;color:var(--muted);margin:0}\n"
	".answer{background:#eef5fb;border-left:5px solid var(--accent);padding:16px 20px;"
	"margin:0 0 22px;font-size:20px;line-height:1.4;font-weight:600}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;"
	"margin:0 0 8px}\n"
	".card{border:1px solid var(--rule);border-radius:6px;padding:12px 14px}\n"
	".card .label{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}\n"
	".card .value{font-size:24px;font-weight:700;margin-top:2px}\n"
	".card .sub{font-size:13px;color:var(--muted)}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;width:100%;font-size:13.5px;margin:6px 0 10px;"
	"font-variant-numeric:tabular-nums}\n"
	"th,td{padding:6px 9px;border-bottom:1px solid var(--rule);text-align:left;"
	"vertical-align:top}\n"
	"th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);"
	"border-bottom:2px solid var(--ink);white-space:nowrap}\n"
	"td.num,th.num{text-align:right;white-space:nowrap}\n"
	"tbody tr:last-child td{border-bottom:2px solid var(--ink)}\n"
	"table.comparison td{white-space:nowrap}\n"
	"table.sources td:last-child{word-break:break-all;font-size:12px;color:var(--muted)}\n"
	".swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:7px;"
	"vertical-align:-1px}\n"
	"figure{margin:18px 0 26px;break-inside:avoid;page-break-inside:avoid}\n"
	"figure svg{width:100%;height:auto;display:block;border:1px solid var(--rule)}\n"
	"figcaption{font-size:13px;color:var(--muted);margin-top:6px}\n"
	"ul{padding-left:20px}li{margin:3px 0}\n"
	".warnings li{color:#8a4b00}\n"
	"footer{margin-top:40px;border-top:1px solid var(--rule);padding-top:10px;font-size:12px;"
	"color:var(--muted)}\n"
	"code{font-size:12.5px}\n"
	"@media (max-width:900px){main{padding:24px}table{font-size:12px}th,td{padding:5px 6px}"
	"th{letter-spacing:0}}\n"
	"@media (max-width:720px){h1{font-size:24px}.answer{font-size:17px}}\n"
	"@page{margin:14mm}\n"
	"@media print{body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}"
	"table{font-size:8.5pt}th,td{padding:3px 5px}th{letter-spacing:0}"
	".answer{background:none;border-left:4px solid #000}"
	"h2{break-after:avoid;page-break-after:avoid}"
	"table,figure,.cards{break-inside:avoid;page-break-inside:avoid}"
	"figure svg{border:none}.scroll{overflow:visible}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* One key figure. */
static void card(struct strbuf *sb, const char *label, const char *value, const char *sub)
{
	strbuf_adds(sb, "<div class=\"card\"><div class=\"label\">");
	html_escape(sb, label);
	strbuf_adds(sb, "</div><div class=\"value\">");
	html_escape(sb, value);
	strbuf_adds(sb, "</div><div class=\"sub\">");
	html_escape(sb, sub);
	strbuf_adds(sb, "</div></div>\n");
}

static void cards(struct strbuf *sb, const struct tco_result *r)
{
	const char *cur = currency_of(r);
	int c = r->cheapest, runner_up = tco_runner_up(r), base = baseline_of(r);
	struct strbuf value = STRBUF_INIT, sub = STRBUF_INIT;

	if (c < 0)
		return;
	strbuf_adds(sb, "<section class=\"cards\">\n");
	money_short(&value, r->deployments[c].total, cur);
	strbuf_addf(&sub, "%s over %d months", name_of(r, c), r->scenario->horizon_months);
	card(sb, "Cheapest total", value.buf, sub.buf);
	if (runner_up >= 0) {
		strbuf_reset(&value);
		strbuf_reset(&sub);
		money_short(&value, r->deployments[runner_up].total - r->deployments[c].total, cur);
		strbuf_addf(&sub, "less than %s", name_of(r, runner_up));
		card(sb, "Lead over the runner-up", value.buf, sub.buf);
	}
	if (base != c) {
		strbuf_reset(&value);
		strbuf_reset(&sub);
		if (r->deployments[c].breakeven_month > 0)
			strbuf_addf(&value, "Month %d", r->deployments[c].breakeven_month);
		else
			strbuf_adds(&value, "Never");
		strbuf_addf(&sub, "%s against %s", name_of(r, c), name_of(r, base));
		card(sb, "Break-even", value.buf, sub.buf);
	}
	strbuf_reset(&value);
	strbuf_reset(&sub);
	money_short(&value, r->deployments[c].p90, cur);
	strbuf_addf(&sub, "%s with GPU shortages", name_of(r, c));
	card(sb, "P90 total", value.buf, sub.buf);
	strbuf_adds(sb, "</section>\n");
	strbuf_release(&value);
	strbuf_release(&sub);
}

/*
 * An SVG from gnuplot, inlined: no XML declaration, and its ids prefixed so that
 * several charts in one page never share one.
 */
static void inline_svg(struct strbuf *sb, const char *svg, int chart)
{
	const char *p = strstr(svg, "<svg");
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "c%d-", chart);
	if (!p)
		return;
	while (*p) {
		static const char *const refs[] = { "id='", "id=\"", "href='#", "href=\"#",
						    "url(#" };
		bool done = false;

		for (size_t i = 0; i < ARRAY_SIZE(refs) && !done; i++) {
			size_t n = strlen(refs[i]);

			if (strncmp(p, refs[i], n) == 0) {
				strbuf_add(sb, p, n);
				strbuf_adds(sb, prefix);
				p += n;
				done = true;
			}
		}
		if (!done)
			strbuf_addch(sb, *p++);
	}
}

int report_html(FILE *fp, const struct report *rep)
{
	const struct tco_result *r = rep->r;
	struct report_content c;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	content_build(rep, &c);
	strbuf_adds(&sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'; img-src data:\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<meta name=\"generator\" content=\"aicost " AICOST_VERSION "\">\n<title>");
	html_escape(&sb, c.title.buf);
	strbuf_addf(&sb, ": cost report</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
		    css);
	strbuf_adds(&sb, "<header>\n<p class=\"kicker\">AI infrastructure cost report · ");
	html_escape(&sb, rep->today);
	strbuf_adds(&sb, "</p>\n<h1>");
	html_escape(&sb, c.title.buf);
	strbuf_adds(&sb, "</h1>\n<p class=\"question\" id=\"question\">");
	html_escape(&sb, c.question.buf);
	strbuf_adds(&sb, "</p>\n</header>\n<p class=\"answer\" id=\"answer\">");
	html_escape(&sb, c.answer.buf);
	strbuf_adds(&sb, "</p>\n");
	cards(&sb, r);

	strbuf_addf(&sb, "<h2>The deployments compared (%s)</h2>\n", currency_of(r));
	rtable_html(&sb, &c.comparison, "comparison");
	strbuf_adds(&sb, "<p class=\"note\">Totals are the cash paid over the horizon, with the "
		    "expected cost of GPU shortages; P90 is the total in the worst tenth of the shortage "
		    "simulation. Per GPU-hour "
		    "and per 1M tokens divide the total by the work delivered.</p>\n");

	strbuf_adds(&sb, "<h2>Charts</h2>\n");
	for (int i = 0; i < REPORT_NCHARTS; i++) {
		if (!rep->charts[i])
			continue;
		strbuf_addf(&sb, "<figure id=\"chart-%s\">\n", plot_chart_names[report_charts[i]]);
		inline_svg(&sb, rep->charts[i], i);
		strbuf_adds(&sb, "\n<figcaption>");
		html_escape(&sb, chart_captions[i]);
		strbuf_adds(&sb, "</figcaption>\n</figure>\n");
	}

	strbuf_adds(&sb, "<h2>Where the money goes</h2>\n");
	rtable_html(&sb, &c.breakdown, "breakdown");
	strbuf_adds(&sb, "<h3>By workload (the total split by the GPU-hours each uses)</h3>\n");
	rtable_html(&sb, &c.workload_cost, "workload-cost");
	if (rows_of(&c.sensitivity) > 1) {
		strbuf_adds(&sb, "<h3>What moves the answer</h3>\n");
		rtable_html(&sb, &c.sensitivity, "sensitivity");
	}

	strbuf_adds(&sb, "<h2>Excluded deployments</h2>\n<ul id=\"excluded\">\n");
	{
		bool any = false;

		for (size_t i = 0; i < r->ndeployments; i++) {
			if (!r->deployments[i].excluded)
				continue;
			any = true;
			strbuf_adds(&sb, "<li><strong>");
			html_escape(&sb, name_of(r, (int)i));
			strbuf_adds(&sb, "</strong>: ");
			html_escape(&sb, r->deployments[i].excluded_reason);
			strbuf_adds(&sb, "</li>\n");
		}
		if (!any)
			strbuf_adds(&sb, "<li>None: every deployment delivers all the work in time "
				    "and meets the scenario's constraints.</li>\n");
	}
	strbuf_adds(&sb, "</ul>\n");

	strbuf_adds(&sb, "<h2>Assumptions</h2>\n<h3>The workloads, as the model sizes them</h3>\n");
	rtable_html(&sb, &c.workloads, "workloads");
	strbuf_adds(&sb, "<h3>Cost conventions</h3>\n<ul>\n");
	for (size_t i = 0; i < ARRAY_SIZE(conventions); i++) {
		strbuf_adds(&sb, "<li>");
		html_escape(&sb, conventions[i]);
		strbuf_adds(&sb, "</li>\n");
	}
	strbuf_addf(&sb, "<li>Discount rate %.1f%% a year; Monte Carlo %ld trials, seed %llu."
		    "</li>\n", r->scenario->discount_rate * 100, rep->trials, rep->seed);
	if (c.fx.len) {
		strbuf_adds(&sb, "<li>");
		html_escape(&sb, c.fx.buf);
		strbuf_adds(&sb, "</li>\n");
	}
	strbuf_adds(&sb, "</ul>\n");

	strbuf_adds(&sb, "<h2>Where the prices came from</h2>\n");
	rtable_html(&sb, &c.prices, "sources");

	strbuf_adds(&sb, "<h2>Warnings</h2>\n<ul class=\"warnings\" id=\"warnings\">\n");
	for (size_t i = 0; i < rows_of(&c.warnings); i++) {
		strbuf_adds(&sb, "<li>");
		html_escape(&sb, c.warnings.cells[i]);
		strbuf_adds(&sb, "</li>\n");
	}
	if (rows_of(&c.warnings) == 0)
		strbuf_adds(&sb, "<li>None.</li>\n");
	strbuf_adds(&sb, "</ul>\n<footer>Generated by aicost " AICOST_VERSION " from <code>");
	html_escape(&sb, r->scenario->path);
	strbuf_adds(&sb, "</code>. Estimates, not quotes: check the price sources and "
		    "assumptions above before you sign.</footer>\n</main>\n</body>\n</html>\n");
	rc = write_all(fp, &sb);
	strbuf_release(&sb);
	content_release(&c);
	return rc;
}

int report_markdown(FILE *fp, const struct report *rep)
{
	const struct tco_result *r = rep->r;
	struct report_content c;
	struct strbuf sb = STRBUF_INIT;
	int rc;

	content_build(rep, &c);
	strbuf_addf(&sb, "# %s: AI infrastructure cost report\n\n", c.title.buf);
	strbuf_addf(&sb, "_%s_\n\n", c.question.buf);
	strbuf_addf(&sb, "**%s**\n\n", c.answer.buf);
	strbuf_addf(&sb, "## The deployments compared (%s)\n\n", currency_of(r));
	rtable_markdown(&sb, &c.comparison);
	strbuf_adds(&sb, "## Charts\n\n");
	for (int i = 0; i < REPORT_NCHARTS; i++) {
		if (!rep->charts[i])
			continue;
		strbuf_addf(&sb, "![%s chart](%s)\n\n%s\n\n", plot_chart_names[report_charts[i]],
			    rep->charts[i], chart_captions[i]);
	}
	strbuf_adds(&sb, "## Where the money goes\n\n");
	rtable_markdown(&sb, &c.breakdown);
	strbuf_adds(&sb, "### By workload (the total split by the GPU-hours each uses)\n\n");
	rtable_markdown(&sb, &c.workload_cost);
	if (rows_of(&c.sensitivity) > 1) {
		strbuf_adds(&sb, "### What moves the answer\n\n");
		rtable_markdown(&sb, &c.sensitivity);
	}
	strbuf_adds(&sb, "## Excluded deployments\n\n");
	{
		bool any = false;

		for (size_t i = 0; i < r->ndeployments; i++) {
			if (!r->deployments[i].excluded)
				continue;
			any = true;
			strbuf_addf(&sb, "- **%s**: %s\n", name_of(r, (int)i),
				    r->deployments[i].excluded_reason);
		}
		strbuf_adds(&sb, any ? "\n" : "None: every deployment delivers all the work in "
			    "time and meets the scenario's constraints.\n\n");
	}
	strbuf_adds(&sb, "## Assumptions\n\n");
	rtable_markdown(&sb, &c.workloads);
	for (size_t i = 0; i < ARRAY_SIZE(conventions); i++)
		strbuf_addf(&sb, "- %s\n", conventions[i]);
	strbuf_addf(&sb, "- Discount rate %.1f%% a year; Monte Carlo %ld trials, seed %llu.\n",
		    r->scenario->discount_rate * 100, rep->trials, rep->seed);
	if (c.fx.len)
		strbuf_addf(&sb, "- %s\n", c.fx.buf);
	strbuf_addch(&sb, '\n');
	strbuf_adds(&sb, "## Where the prices came from\n\n");
	rtable_markdown(&sb, &c.prices);
	strbuf_adds(&sb, "## Warnings\n\n");
	for (size_t i = 0; i < rows_of(&c.warnings); i++)
		strbuf_addf(&sb, "- %s\n", c.warnings.cells[i]);
	if (rows_of(&c.warnings) == 0)
		strbuf_adds(&sb, "None.\n");
	strbuf_addf(&sb, "\n---\nGenerated by aicost %s on %s from `%s`.\n", AICOST_VERSION,
		    rep->today, r->scenario->path);
	rc = write_all(fp, &sb);
	strbuf_release(&sb);
	content_release(&c);
	return rc;
}
