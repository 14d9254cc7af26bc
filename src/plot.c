/*
 * Charts through gnuplot (plot.h). Every chart answers one question in its title,
 * labels its axes with units and currency, writes money with thousands
 * separators (tic labels made here, so no locale is involved), gives each
 * deployment one colour, dash type and marker in every chart (readable in grey),
 * and carries its data inline, so that gnuplot never opens a file of ours.
 */
#include "plot.h"
#include "table.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const plot_chart_names[CHART_COUNT] = {
	"cumulative", "breakdown", "risk", "sensitivity", "prices",
};

/* Okabe-Ito: told apart with every kind of colour blindness. */
static const char *const deployment_colours[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
};
/* Solid, long dash, dash-dot, dot, dash-dot-dot: told apart in grey. */
static const char *const deployment_dashes[] = {
	"1", "(14,6)", "(14,5,3,5)", "(3,4)", "(14,5,3,5,3,5)", "(8,4)", "(20,4,8,4)",
};
static const int deployment_points[] = { 7, 5, 9, 13, 11, 15, 3 };

/* Shades of distinct lightness, so that stacked components read in grey too. */
static const char *const component_colours[COST_NCOMPONENTS] = {
	[COST_COMPUTE] = "#0072B2", [COST_STORAGE] = "#56B4E9", [COST_EGRESS] = "#009E73",
	[COST_SHORTAGE] = "#D55E00", [COST_CAPEX] = "#3B3B3B", [COST_POWER] = "#E69F00",
	[COST_FACILITY] = "#F0E442", [COST_STAFF] = "#CC79A7", [COST_NETWORK] = "#999999",
	[COST_MAINTENANCE] = "#8C6D31", [COST_RESIDUAL] = "#B5D99C",
	[COST_PIPELINE] = "#6A3D9A", [COST_LABELING] = "#FB9A99",
};

/* Stacked from the zero line out: one-off capex first, so that a cut bar shows it. */
static const enum cost_component stack_order[COST_NCOMPONENTS] = {
	COST_CAPEX, COST_COMPUTE, COST_SHORTAGE, COST_STORAGE, COST_EGRESS, COST_NETWORK,
	COST_POWER, COST_FACILITY, COST_STAFF, COST_MAINTENANCE, COST_RESIDUAL, COST_PIPELINE,
	COST_LABELING,
};

/* The key of a line chart: inside, top left, where cumulative cash starts low;
 * below the plot in text, where lines cannot pass behind an opaque box. */
#define LINE_KEY "set key top left Left reverse box lc rgb '#cccccc' opaque\n" \
	"if (text_terminal) set key below nobox\n"

#define MAX_PRICE_BARS 40
#define MAX_TORNADO_BARS 8
#define MAX_OUTPUT (64u << 20)       /* what gnuplot may draw: far above any chart */
#define MAX_MESSAGE (16u << 10)

const char *plot_deployment_colour(size_t index)
{
	return deployment_colours[index % ARRAY_SIZE(deployment_colours)];
}

static const char *deployment_dash(size_t index)
{
	return deployment_dashes[index % ARRAY_SIZE(deployment_dashes)];
}

static int deployment_point(size_t index)
{
	return deployment_points[index % ARRAY_SIZE(deployment_points)];
}

int plot_chart_parse(const char *name, enum plot_chart *out)
{
	for (int c = 0; c < CHART_COUNT; c++) {
		if (strcmp(name, plot_chart_names[c]) == 0) {
			*out = (enum plot_chart)c;
			return 0;
		}
	}
	error_set("\"%s\": expected cumulative, breakdown, risk, sensitivity or prices", name);
	return -1;
}

int plot_terminal_for_path(const char *path, enum plot_terminal *out)
{
	static const struct { const char *suffix; enum plot_terminal term; } by_suffix[] = {
		{ ".png", PLOT_PNG }, { ".svg", PLOT_SVG }, { ".pdf", PLOT_PDF },
		{ ".txt", PLOT_TEXT },
	};

	if (strcmp(path, "-") == 0) {
		*out = PLOT_TEXT;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(by_suffix); i++) {
		size_t n = strlen(path), k = strlen(by_suffix[i].suffix);

		if (n > k && str_ieq(path + n - k, by_suffix[i].suffix)) {
			*out = by_suffix[i].term;
			return 0;
		}
	}
	error_set("\"%s\": the file name must end in .png, .svg, .pdf or .txt (or be '-')",
		  path);
	return -1;
}

void plot_release(struct plot *p)
{
	strbuf_release(&p->script);
}

static void plot_init(struct plot *p)
{
	strbuf_init(&p->script, 4096);
	p->height_factor = 1;
}

/* TEXT as a gnuplot single-quoted string: '' for a quote, no escapes, no newlines. */
static void gp_quote(struct strbuf *sb, const char *text)
{
	strbuf_addch(sb, '\'');
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == '\'')
			strbuf_adds(sb, "''");
		else
			strbuf_addch(sb, (unsigned char)*p < 0x20 ? ' ' : *p);
	}
	strbuf_addch(sb, '\'');
}

/* A title of two lines: the answer, then what is drawn. */
static void gp_title(struct strbuf *sb, const char *answer, const char *what)
{
	strbuf_adds(sb, "set title ");
	gp_quote(sb, answer);
	strbuf_adds(sb, " . \"\\n\" . ");
	gp_quote(sb, what);
	strbuf_adds(sb, " font ',13'\n");
}

static void add_money(struct strbuf *sb, double value)
{
	format_grouped(sb, value, 0);
}

/* 1, 2, 2.5 or 5 times a power of ten: about RANGE / TICKS. */
static double nice_step(double range, int ticks)
{
	double raw = range / ticks, power, fraction;

	if (!(raw > 0))
		return 1;
	power = pow(10, floor(log10(raw)));
	fraction = raw / power;
	if (fraction <= 1)
		return power;
	if (fraction <= 2)
		return 2 * power;
	if (fraction <= 2.5)
		return 2.5 * power;
	if (fraction <= 5)
		return 5 * power;
	return 10 * power;
}

/*
 * Range and tic labels of a money AXIS ("x" or "y") covering [LO, HI], labels
 * grouped in thousands ("1,250,000"), with a little headroom when PAD.
 */
static void money_axis(struct strbuf *sb, const char *axis, double lo, double hi, bool pad)
{
	double step, first, last;
	int decimals;

	if (!(hi > lo)) {
		double half = fmax(fabs(hi) * 0.1, 1);

		lo -= half;
		hi += half;
	}
	step = nice_step(hi - lo, 6);
	first = floor(lo / step) * step;
	last = ceil(hi / step) * step;
	if (pad && last - hi < step * 0.15)
		last += step;
	decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
	strbuf_addf(sb, "set %srange [%.10g:%.10g]\nset %stics (", axis, first, last, axis);
	for (int i = 0; first + i * step <= last + step * 1e-9; i++) {
		double value = first + i * step;

		if (fabs(value) < step * 1e-9)
			value = 0;
		strbuf_adds(sb, i ? ", '" : "'");
		format_grouped(sb, value, decimals);
		strbuf_addf(sb, "' %.10g", value);
	}
	strbuf_adds(sb, ")\n");
}

/* The month axis: month 0 is the start, tics every quarter, half-year or year. */
static void month_axis(struct strbuf *sb, const struct scenario *s, double left)
{
	int months = s->horizon_months;
	int step = months <= 12 ? 1 : months <= 48 ? 3 : months <= 96 ? 6 : 12;

	strbuf_addf(sb, "set xrange [%g:%d]\nset xtics %d\n", left, months, step);
	strbuf_adds(sb, "set xlabel ");
	if (s->start_date) {
		struct strbuf label = STRBUF_INIT;

		strbuf_addf(&label, "Month of the horizon (month 1 starts %s)", s->start_date);
		gp_quote(sb, label.buf);
		strbuf_release(&label);
	} else {
		gp_quote(sb, "Month of the horizon");
	}
	strbuf_addch(sb, '\n');
}

static void common_style(struct strbuf *sb)
{
	strbuf_adds(sb,
		    "set encoding utf8\n"
		    "set border 3 lw 1 lc rgb '#666666'\n"
		    "set tics nomirror out scale 0.6\n"
		    /* Grid lines help on paper; in text they are only noise. */
		    "if (!text_terminal) set grid ytics back lc rgb '#e0e0e0' lw 1\n"
		    "set key noautotitle\n");
}

static const char *currency_of(const struct tco_result *r)
{
	return r->scenario->currency ? r->scenario->currency : "USD";
}

static const char *deployment_name(const struct tco_result *r, size_t i)
{
	return r->deployments[i].deployment->name;
}

static const char *kind_name(enum deployment_kind kind)
{
	return kind == DEPLOYMENT_CLOUD ? "cloud" : kind == DEPLOYMENT_ONPREM ? "on-prem" :
		"hybrid";
}

/* How deployment I is drawn: its colour, dash (dotted when excluded) and marker. */
static void line_style(struct strbuf *sb, const struct tco_result *r, size_t i)
{
	bool excluded = r->deployments[i].excluded;

	strbuf_addf(sb, "lc rgb '%s' dt %s lw %s pt %d ps 0.9", plot_deployment_colour(i),
		    excluded ? "(4,6)" : deployment_dash(i), excluded ? "1.5" : "2.5",
		    deployment_point(i) - (excluded ? 1 : 0));
}

static void line_title(struct strbuf *sb, const struct tco_result *r, size_t i,
		       const char *suffix)
{
	struct strbuf title = STRBUF_INIT;
	const char *baseline = r->scenario->baseline ? r->scenario->baseline :
		r->scenario->ndeployments ? r->scenario->deployments[0].name : "";

	strbuf_addf(&title, "%s (%s%s)%s", deployment_name(r, i),
		    kind_name(r->deployments[i].deployment->kind),
		    r->deployments[i].excluded ? ", excluded" :
		    strcmp(baseline, deployment_name(r, i)) == 0 ? ", baseline" : "",
		    suffix ? suffix : "");
	strbuf_adds(sb, " title ");
	gp_quote(sb, title.buf);
	strbuf_release(&title);
}

/* "rack costs least over 36 months: 4,054,007 USD, 305,585 USD less than mix" */
static void answer_sentence(struct strbuf *sb, const struct tco_result *r)
{
	int runner_up = tco_runner_up(r), months = r->scenario->horizon_months;

	if (r->cheapest < 0) {
		strbuf_adds(sb, "No deployment meets the scenario's constraints");
		return;
	}
	strbuf_addf(sb, "%s costs least over %d month%s: ", deployment_name(r, r->cheapest),
		    months, months == 1 ? "" : "s");
	add_money(sb, r->deployments[r->cheapest].total);
	strbuf_addf(sb, " %s", currency_of(r));
	if (runner_up >= 0) {
		strbuf_adds(sb, ", ");
		add_money(sb, r->deployments[runner_up].total - r->deployments[r->cheapest].total);
		strbuf_addf(sb, " %s less than %s", currency_of(r), deployment_name(r, runner_up));
	}
}

static double *cumulative_of(const struct deployment_result *d, int months)
{
	double *cum = xmalloc((size_t)months * sizeof(double)), sum = 0;

	for (int m = 0; m < months; m++)
		cum[m] = sum += d->monthly[m];
	return cum;
}

/* Months across, cumulative cash from LO to HI up, the key of a line chart. */
static void cumulative_axes(struct strbuf *sb, const struct tco_result *r, double lo, double hi)
{
	month_axis(sb, r->scenario, 0);
	money_axis(sb, "y", lo, hi, true);
	strbuf_adds(sb, "set ylabel 'Cumulative cash (' . ");
	gp_quote(sb, currency_of(r));
	strbuf_adds(sb, " . ')'\n");
	strbuf_adds(sb, LINE_KEY);
}

static int chart_cumulative(const struct tco_result *r, struct plot *p)
{
	struct strbuf *sb = &p->script, title = STRBUF_INIT, what = STRBUF_INIT;
	const struct scenario *s = r->scenario;
	int months = s->horizon_months, labels = 0;
	double lo = 0, hi = 0;

	for (size_t i = 0; i < r->ndeployments; i++) {
		double *cum = cumulative_of(&r->deployments[i], months);

		strbuf_addf(sb, "$cumulative%zu << EOD\n0 0\n", i);
		for (int m = 0; m < months; m++) {
			strbuf_addf(sb, "%d %.2f\n", m + 1, cum[m]);
			lo = fmin(lo, cum[m]);
			hi = fmax(hi, cum[m]);
		}
		strbuf_adds(sb, "EOD\n");
		if (r->deployments[i].breakeven_month > 0) {
			int month = r->deployments[i].breakeven_month;
			struct strbuf label = STRBUF_INIT;

			strbuf_addf(&label, "%s breaks even in month %d", deployment_name(r, i),
				    month);
			strbuf_addf(sb, "set label %d ", ++labels);
			gp_quote(sb, label.buf);
			/* Alternate sides so that two labels near one month do not collide. */
			strbuf_addf(sb, " at %d, %.2f %s offset %s point pt 6 ps 2.2 "
				    "lc rgb '%s' front font ',10'\n", month, cum[month - 1],
				    labels % 2 ? "left" : "right",
				    labels % 2 ? "1.2,-1.2" : "-1.2,1.2", plot_deployment_colour(i));
			strbuf_release(&label);
		}
		free(cum);
	}
	common_style(sb);
	answer_sentence(&title, r);
	strbuf_addf(&what, "Cumulative cash paid, %s; break-even against the baseline marked; "
		    "the last month's drop is the hardware's residual value", currency_of(r));
	gp_title(sb, title.buf, what.buf);
	cumulative_axes(sb, r, lo, hi);
	strbuf_adds(sb, "plot ");
	for (size_t i = 0; i < r->ndeployments; i++) {
		strbuf_addf(sb, "%s$cumulative%zu using 1:2 with linespoints pi %d ",
			    i ? ", \\\n     " : "", i, months > 24 ? 3 : 1);
		line_style(sb, r, i);
		line_title(sb, r, i, NULL);
	}
	strbuf_addch(sb, '\n');
	strbuf_release(&title);
	strbuf_release(&what);
	return 0;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Is month M's bar cut by the scale: 1 at the top, -1 at the bottom, 0 not. */
static int cut_side(const struct deployment_result *d, int m, double top_cap,
		    double bottom_cap, double *up, double *down)
{
	*up = *down = 0;
	for (int c = 0; c < COST_NCOMPONENTS; c++) {
		double v = d->monthly_by_component[m][c];

		if (v > 0)
			*up += v;
		else
			*down += v;
	}
	if (*up > top_cap * 1.0001)
		return 1;
	return *down < bottom_cap * 1.0001 ? -1 : 0;
}

static int chart_breakdown(const struct tco_result *r, struct plot *p)
{
	struct strbuf *sb = &p->script, title = STRBUF_INIT;
	const struct scenario *s = r->scenario;
	int months = s->horizon_months;
	size_t n = r->ndeployments, nbars = n * (size_t)months;
	double *tops = xmalloc((nbars + 1) * sizeof(double));
	double *bottoms = xmalloc((nbars + 1) * sizeof(double));
	double top_cap, bottom_cap, max_top = 0, min_bottom = 0;
	bool present[COST_NCOMPONENTS] = { false };
	int labels = 0;

	/* Stack each month: positive components up from 0, credits down from 0. */
	for (size_t i = 0; i < n; i++) {
		for (int m = 0; m < months; m++) {
			double up = 0, down = 0;

			for (int c = 0; c < COST_NCOMPONENTS; c++) {
				double v = r->deployments[i].monthly_by_component[m][c];

				present[c] |= fabs(v) >= 0.005;
				if (v > 0)
					up += v;
				else
					down += v;
			}
			tops[i * (size_t)months + (size_t)m] = up;
			bottoms[i * (size_t)months + (size_t)m] = down;
			max_top = fmax(max_top, up);
			min_bottom = fmin(min_bottom, down);
		}
	}
	/*
	 * A capex month can be 30 times the running months and would flatten them to
	 * nothing: bars more than 2.5 times the 90th percentile are cut at the
	 * scale that fits all the others, and carry their value.
	 */
	sort_array(tops, nbars, sizeof(double), compare_doubles);
	{
		double typical = nbars ? tops[(size_t)floor(0.9 * (double)(nbars - 1))] : 0;

		top_cap = 0;
		for (size_t k = 0; k < nbars; k++)
			if (tops[k] <= 2.5 * typical)
				top_cap = tops[k];
		top_cap = max_top > 1.5 * top_cap && top_cap > 0 ? top_cap * 1.15 : max_top;
	}
	bottom_cap = min_bottom < -0.45 * top_cap ? -0.3 * top_cap : min_bottom;

	for (int o = 0; o < COST_NCOMPONENTS; o++) {
		enum cost_component c = stack_order[o];

		if (!present[c])
			continue;
		for (size_t i = 0; i < n; i++) {
			strbuf_addf(sb, "$%s%zu << EOD\n", cost_component_names[c], i);
			for (int m = 0; m < months; m++) {
				double up = 0, down = 0, v, low, high;

				for (int k = 0; k < o; k++) {
					double before =
						r->deployments[i].monthly_by_component[m][stack_order[k]];

					if (before > 0)
						up += before;
					else
						down += before;
				}
				v = r->deployments[i].monthly_by_component[m][c];
				low = v > 0 ? up : down + v;
				high = v > 0 ? up + v : down;
				low = fmax(fmin(low, top_cap), bottom_cap);
				high = fmax(fmin(high, top_cap), bottom_cap);
				strbuf_addf(sb, "%d %.2f %.2f\n", m + 1, low, high);
			}
			strbuf_adds(sb, "EOD\n");
		}
	}
	common_style(sb);
	p->height_factor = n > 1 ? 0.45 * (double)n + 0.3 : 1;
	answer_sentence(&title, r);
	strbuf_adds(sb, "set multiplot layout ");
	strbuf_addf(sb, "%zu,1 title ", n ? n : 1);
	gp_quote(sb, "Where the money goes, month by month");
	strbuf_adds(sb, " . \"\\n\" . ");
	{
		struct strbuf what = STRBUF_INIT;

		strbuf_addf(&what, "Cash paid each month by cost component (%s); credits below "
			    "zero; bars beyond the scale are cut and labelled", currency_of(r));
		gp_quote(sb, what.buf);
		strbuf_release(&what);
	}
	strbuf_adds(sb, " font ',13'\n");
	strbuf_adds(sb, "set lmargin at screen 0.11\nset rmargin at screen 0.80\n");
	strbuf_adds(sb, "set style fill solid 0.95 border rgb '#ffffff'\n");
	month_axis(sb, s, 0.4);
	strbuf_addf(sb, "set xrange [0.4:%d.6]\n", months);
	money_axis(sb, "y", bottom_cap, top_cap, true);
	strbuf_adds(sb, "set ylabel ");
	gp_quote(sb, currency_of(r));
	strbuf_adds(sb, " . ' per month'\n");
	for (size_t i = 0; i < n; i++) {
		struct strbuf panel = STRBUF_INIT;
		bool first = true;

		strbuf_addf(&panel, "%s (%s%s): ", deployment_name(r, i),
			    kind_name(r->deployments[i].deployment->kind),
			    r->deployments[i].excluded ? ", excluded" : "");
		add_money(&panel, r->deployments[i].total);
		strbuf_addf(&panel, " %s over %d months", currency_of(r), months);
		strbuf_adds(sb, "set title ");
		gp_quote(sb, panel.buf);
		strbuf_addf(sb, " font ',11' tc rgb '%s'\n", plot_deployment_colour(i));
		strbuf_release(&panel);
		if (i == 0)
			/* A vertical key is cut to the rows that fit one panel's height and
			 * the rest wraps into a column past the canvas, drawn without its
			 * names; a horizontal key of one column is not cut. */
			strbuf_adds(sb, "set key at screen 0.82, screen 0.90 left top Left reverse "
				    "horizontal samplen 2 spacing 1.2 maxcols 1 title 'Component'\n");
		else
			strbuf_adds(sb, "unset key\n");
		if (i + 1 < n) {
			strbuf_adds(sb, "unset xlabel\n");
		} else {
			month_axis(sb, s, 0.4);
			strbuf_addf(sb, "set xrange [0.4:%d.6]\n", months);
		}
		/* Labels of the bars cut by the scale: one for a run of them, its largest. */
		strbuf_adds(sb, "unset label\n");
		for (int m = 0; m < months; m++) {
			double up, down;
			int side = cut_side(&r->deployments[i], m, top_cap, bottom_cap, &up, &down);
			int last = m;
			double extreme = side > 0 ? up : down;
			struct strbuf label = STRBUF_INIT;

			if (side == 0)
				continue;
			while (last + 1 < months &&
			       cut_side(&r->deployments[i], last + 1, top_cap, bottom_cap, &up,
					&down) == side) {
				last++;
				extreme = side > 0 ? fmax(extreme, up) : fmin(extreme, down);
			}
			if (last > m)
				strbuf_adds(&label, side > 0 ? "up to " : "down to ");
			add_money(&label, extreme);
			strbuf_adds(&label, side > 0 ? " ▲" : " ▼");
			strbuf_addf(sb, "set label %d ", ++labels);
			gp_quote(sb, label.buf);
			strbuf_addf(sb, " at %d, %.2f %s offset %s front font ',9'\n", last + 1,
				    side > 0 ? top_cap : bottom_cap,
				    last + 1 > months / 2 ? "right" : "left",
				    side > 0 ? (last + 1 > months / 2 ? "-1.5,-0.6" : "1.5,-0.6") :
				    (last + 1 > months / 2 ? "-1.5,0.6" : "1.5,0.6"));
			strbuf_release(&label);
			m = last;
		}
		strbuf_adds(sb, "plot ");
		for (int o = 0; o < COST_NCOMPONENTS; o++) {
			enum cost_component c = stack_order[o];

			if (!present[c])
				continue;
			strbuf_addf(sb, "%s$%s%zu using 1:(($2+$3)/2):($1-0.42):($1+0.42):2:3 "
				    "with boxxyerror lc rgb '%s' title '%s'",
				    first ? "" : ", \\\n     ", cost_component_names[c], i,
				    component_colours[c], cost_component_names[c]);
			first = false;
		}
		strbuf_adds(sb, first ? "NaN\n" : "\n");
	}
	strbuf_adds(sb, "unset multiplot\n");
	strbuf_release(&title);
	free(tops);
	free(bottoms);
	return 0;
}

static int chart_risk(const struct tco_result *r, struct plot *p)
{
	struct strbuf *sb = &p->script, title = STRBUF_INIT, what = STRBUF_INIT;
	const struct scenario *s = r->scenario;
	int months = s->horizon_months, best = -1, labels = 0;
	double lo = 0, hi = 0;

	for (size_t i = 0; i < r->ndeployments; i++) {
		const struct deployment_result *d = &r->deployments[i];
		double *cum = cumulative_of(d, months);

		strbuf_addf(sb, "$risk%zu << EOD\n0 0 0 0\n", i);
		for (int m = 0; m < months; m++) {
			strbuf_addf(sb, "%d %.2f %.2f %.2f\n", m + 1, d->cumulative_p10[m],
				    d->cumulative_p90[m], cum[m]);
			lo = fmin(lo, fmin(d->cumulative_p10[m], cum[m]));
			hi = fmax(hi, fmax(d->cumulative_p90[m], cum[m]));
		}
		strbuf_adds(sb, "EOD\n");
		if (!d->excluded && (best < 0 || d->p90 < r->deployments[best].p90))
			best = (int)i;
		free(cum);
	}
	common_style(sb);
	if (best < 0) {
		strbuf_adds(&title, "No deployment meets the scenario's constraints");
	} else {
		strbuf_addf(&title, "At P90 shortage risk %s %s least: ",
			    deployment_name(r, (size_t)best),
			    best == r->cheapest ? "still costs" : "costs");
		add_money(&title, r->deployments[best].p90);
		strbuf_addf(&title, " %s", currency_of(r));
		for (size_t i = 0; i < r->ndeployments; i++) {
			if ((int)i == best || r->deployments[i].excluded)
				continue;
			strbuf_addf(&title, ", %s ", deployment_name(r, i));
			add_money(&title, r->deployments[i].p90);
		}
	}
	strbuf_addf(&what, "Cumulative cash (%s): line the expected cost, band P10 to P90 of "
		    "the GPU-shortage Monte Carlo", currency_of(r));
	gp_title(sb, title.buf, what.buf);
	cumulative_axes(sb, r, lo, hi);
	for (size_t i = 0; i < r->ndeployments; i++) {
		const struct deployment_result *d = &r->deployments[i];
		struct strbuf label = STRBUF_INIT;

		if (d->p90 - d->p10 < 0.5)
			continue;
		strbuf_adds(&label, "P90 ");
		add_money(&label, d->cumulative_p90[months - 1]);
		strbuf_addf(sb, "set label %d ", ++labels);
		gp_quote(sb, label.buf);
		strbuf_addf(sb, " at %d, %.2f right offset -1.5,0.9 tc rgb '%s' front font ',9'\n",
			    months, d->cumulative_p90[months - 1], plot_deployment_colour(i));
		strbuf_release(&label);
	}
	strbuf_adds(sb, "plot ");
	for (size_t i = 0; i < r->ndeployments; i++) {
		strbuf_addf(sb, "%s$risk%zu using 1:2:3 with filledcurves fc rgb '%s' "
			    "fs transparent solid 0.22 noborder, \\\n     ",
			    i ? ", \\\n     " : "", i, plot_deployment_colour(i));
		strbuf_addf(sb, "$risk%zu using 1:4 with linespoints pi %d ", i,
			    months > 24 ? 3 : 1);
		line_style(sb, r, i);
		line_title(sb, r, i, NULL);
	}
	strbuf_addch(sb, '\n');
	strbuf_release(&title);
	strbuf_release(&what);
	return 0;
}

static int chart_sensitivity(const struct tco_result *r, const struct sensitivity *list,
			     size_t n, double step, struct plot *p)
{
	struct strbuf *sb = &p->script, title = STRBUF_INIT, what = STRBUF_INIT;
	int runner_up = tco_runner_up(r), pct = (int)lround(step * 100);
	size_t bars = 0;
	double base, lo, hi;

	if (r->cheapest < 0) {
		error_set("no deployment meets the scenario's constraints: there is no answer "
			  "whose sensitivity to draw");
		return -1;
	}
	base = runner_up >= 0 ?
		r->deployments[runner_up].total - r->deployments[r->cheapest].total :
		r->deployments[r->cheapest].total;
	lo = hi = base;
	/* Inputs that move the answer by less than 1% of the largest swing are noise. */
	while (bars < n && bars < MAX_TORNADO_BARS && list[bars].swing_usd > 0 &&
	       list[bars].swing_usd >= 0.01 * list[0].swing_usd)
		bars++;
	/* Largest swing at the top: y counts down from BARS. */
	strbuf_adds(sb, "$lower << EOD\n");
	for (size_t i = 0; i < bars; i++)
		strbuf_addf(sb, "%zu %.2f %.2f\n", bars - i, fmin(base, list[i].low_usd),
			    fmax(base, list[i].low_usd));
	strbuf_adds(sb, "EOD\n$higher << EOD\n");
	for (size_t i = 0; i < bars; i++)
		strbuf_addf(sb, "%zu %.2f %.2f\n", bars - i, fmin(base, list[i].high_usd),
			    fmax(base, list[i].high_usd));
	strbuf_adds(sb, "EOD\n");
	for (size_t i = 0; i < bars; i++) {
		lo = fmin(lo, fmin(list[i].low_usd, list[i].high_usd));
		hi = fmax(hi, fmax(list[i].low_usd, list[i].high_usd));
	}
	common_style(sb);
	if (runner_up >= 0) {
		strbuf_addf(&title, "What moves %s's lead of ", deployment_name(r, r->cheapest));
		add_money(&title, base);
		strbuf_addf(&title, " %s over %s most?", currency_of(r),
			    deployment_name(r, runner_up));
		strbuf_addf(&what, "Each input set %d%% lower and higher; bars show the lead "
			    "(%s) it gives; below 0 %s would be cheaper", pct, currency_of(r),
			    deployment_name(r, runner_up));
	} else {
		strbuf_addf(&title, "What moves %s's total of ", deployment_name(r, r->cheapest));
		add_money(&title, base);
		strbuf_addf(&title, " %s most?", currency_of(r));
		strbuf_addf(&what, "Each input set %d%% lower and higher; bars show the total "
			    "(%s) it gives", pct, currency_of(r));
	}
	gp_title(sb, title.buf, what.buf);
	strbuf_adds(sb, "set tmargin 5\n");
	if (bars == 0)
		strbuf_adds(sb, "set label 1 'No input moves the answer' at graph 0.5, graph 0.5 "
			    "center\n");
	strbuf_addf(sb, "set yrange [0.3:%zu.7]\nset ytics (", bars ? bars : 1);
	for (size_t i = 0; i < bars; i++) {
		struct strbuf label = STRBUF_INIT;

		strbuf_addf(&label, "%s%s", list[i].input, list[i].flips ? " (flips)" : "");
		strbuf_adds(sb, i ? ", " : "");
		gp_quote(sb, label.buf);
		strbuf_addf(sb, " %zu", bars - i);
		strbuf_release(&label);
	}
	strbuf_adds(sb, ")\nset ytics scale 0\nunset grid\n"
		    "if (!text_terminal) set grid xtics back lc rgb '#e0e0e0'\n");
	money_axis(sb, "x", lo - (hi - lo) * 0.04, hi + (hi - lo) * 0.04, false);
	strbuf_reset(&what);
	strbuf_addf(&what, "%s of %s%s%s (%s)", runner_up >= 0 ? "Lead" : "Total",
		    deployment_name(r, r->cheapest), runner_up >= 0 ? " over " : "",
		    runner_up >= 0 ? deployment_name(r, runner_up) : "", currency_of(r));
	strbuf_adds(sb, "set xlabel ");
	gp_quote(sb, what.buf);
	strbuf_addch(sb, '\n');
	strbuf_addf(sb, "set arrow 1 from %.2f, graph 0 to %.2f, graph 1 nohead lc rgb '#333333' "
		    "lw 1.5 front\n", base, base);
	strbuf_adds(sb, "set label 2 'as given ");
	add_money(sb, base);
	strbuf_addf(sb, "' at %.2f, graph 1 center offset 0,0.6 font ',9'\n", base);
	if (runner_up >= 0 && lo < 0)
		strbuf_adds(sb, "set arrow 2 from 0, graph 0 to 0, graph 1 nohead lc rgb '#999999' "
			    "dt (4,4)\n");
	strbuf_adds(sb, "set key bottom right Left reverse box lc rgb '#cccccc' opaque\n"
		    "set style fill solid 0.9 border rgb '#ffffff'\n");
	strbuf_addf(sb, "plot $lower using (($2+$3)/2):1:2:3:($1-0.36):($1+0.36) with boxxyerror "
		    "lc rgb '#0072B2' title 'input %d%% lower', \\\n"
		    "     $higher using (($2+$3)/2):1:2:3:($1-0.36):($1+0.36) with boxxyerror "
		    "lc rgb '#E69F00' fs pattern 2 border rgb '#E69F00' "
		    "title 'input %d%% higher'\n", pct, pct);
	p->height_factor = bars > 5 ? 1 + 0.08 * (double)(bars - 5) : 1;
	strbuf_release(&title);
	strbuf_release(&what);
	return 0;
}

int plot_result(const struct tco_result *r, enum plot_chart chart,
		const struct sensitivity *list, size_t n, double step, struct plot *out)
{
	int rc;

	plot_init(out);
	if (r->scenario->horizon_months < 1 || r->ndeployments == 0) {
		error_set("nothing to draw: the scenario has no deployment or no horizon");
		return -1;
	}
	switch (chart) {
	case CHART_CUMULATIVE:
		rc = chart_cumulative(r, out);
		break;
	case CHART_BREAKDOWN:
		rc = chart_breakdown(r, out);
		break;
	case CHART_RISK:
		rc = chart_risk(r, out);
		break;
	case CHART_SENSITIVITY:
		rc = chart_sensitivity(r, list, n, step, out);
		break;
	default:
		error_set("the %s chart is drawn from the store, not from a scenario",
			  plot_chart_names[chart]);
		rc = -1;
	}
	if (rc < 0)
		plot_release(out);
	return rc;
}

/* Offers sort by price, cheapest first; equal prices by label. */
struct price_bar {
	double price;
	const struct offer *offer;
};

static int compare_bars(const void *a, const void *b)
{
	const struct price_bar *x = a, *y = b;
	int by_price = compare_doubles(&x->price, &y->price);

	return by_price ? by_price : strcmp(x->offer->provider, y->offer->provider);
}

/* Three families of purchase, one colour each. */
static int purchase_family(const char *purchase)
{
	if (strcmp(purchase, "on-demand") == 0)
		return 0;
	if (strcmp(purchase, "spot") == 0)
		return 1;
	return 2;
}

int plot_prices(const struct offer_list *offers, const char *accelerator, bool per_pflop,
		struct plot *out)
{
	static const char *const family_names[] = { "on-demand", "spot",
						    "reserved / savings / committed" };
	static const char *const family_colours[] = { "#0072B2", "#E69F00", "#009E73" };
	struct strbuf *sb, title = STRBUF_INIT, what = STRBUF_INIT;
	struct price_bar *bars = xmalloc((offers->n + 1) * sizeof(*bars));
	size_t nbars = 0, shown;
	const char *currency = NULL, *oldest = NULL, *newest = NULL;
	bool mixed = false;
	double hi = 0;

	plot_init(out);
	sb = &out->script;
	for (size_t i = 0; i < offers->n; i++) {
		const struct offer *o = &offers->items[i];
		double price = per_pflop ? offer_price_per_pflop_hour(o) :
			offer_price_per_accelerator_hour(o);

		if (!isfinite(price) || price <= 0)
			continue;
		bars[nbars].price = price;
		bars[nbars++].offer = o;
		if (o->currency && currency && strcmp(currency, o->currency) != 0)
			mixed = true;
		if (o->currency && !currency)
			currency = o->currency;
		if (o->observed && (!oldest || strcmp(o->observed, oldest) < 0))
			oldest = o->observed;
		if (o->observed && (!newest || strcmp(o->observed, newest) > 0))
			newest = o->observed;
	}
	if (nbars == 0) {
		error_set("no %s prices for %s in the store%s", per_pflop ? "per-PFLOP" : "",
			  accelerator, per_pflop ? " (its BF16 TFLOPS may be unknown)" : "");
		free(bars);
		plot_release(out);
		return -1;
	}
	currency = mixed ? "mixed currencies" : currency ? currency : "USD";
	sort_array(bars, nbars, sizeof(*bars), compare_bars);
	/* One bar per provider, region and purchase option: its cheapest instance
	 * (the sizes of one machine family often cost the same per accelerator). */
	{
		size_t kept = 0;

		for (size_t i = 0; i < nbars; i++) {
			bool seen = false;

			for (size_t k = 0; k < kept && !seen; k++)
				seen = strcmp(bars[k].offer->provider, bars[i].offer->provider) == 0 &&
					strcmp(bars[k].offer->region, bars[i].offer->region) == 0 &&
					strcmp(bars[k].offer->purchase, bars[i].offer->purchase) == 0;
			if (!seen)
				bars[kept++] = bars[i];
		}
		nbars = kept;
	}
	shown = nbars < MAX_PRICE_BARS ? nbars : MAX_PRICE_BARS;
	for (int f = 0; f < 3; f++) {
		strbuf_addf(sb, "$family%d << EOD\n", f);
		for (size_t i = 0; i < shown; i++)
			if (purchase_family(bars[i].offer->purchase) == f)
				strbuf_addf(sb, "%zu %.6f\n", shown - i, bars[i].price);
		/* An empty datablock is an error in gnuplot: one point out of range. */
		strbuf_adds(sb, "-1 0\nEOD\n");
	}
	for (size_t i = 0; i < shown; i++)
		hi = fmax(hi, bars[i].price);
	common_style(sb);
	strbuf_addf(&title, "Where is %s cheapest? %.2f %s per %s at %s %s (%s)", accelerator,
		    bars[0].price, currency, per_pflop ? "PFLOP-hour" : "accelerator-hour",
		    bars[0].offer->provider, bars[0].offer->region, bars[0].offer->purchase);
	strbuf_addf(&what, "%s, the cheapest per provider, region and option", per_pflop ?
		    "Per PFLOP-hour" : "Per accelerator-hour");
	if (shown < nbars)
		strbuf_addf(&what, ", %zu of %zu", shown, nbars);
	gp_title(sb, title.buf, what.buf);
	strbuf_addf(sb, "set yrange [0.3:%zu.7]\nset ytics scale 0 font ',9' (", shown);
	for (size_t i = 0; i < shown; i++) {
		const struct offer *o = bars[i].offer;
		struct strbuf label = STRBUF_INIT;

		strbuf_addf(&label, "%s %s %s · %s", o->provider, o->region, o->purchase,
			    o->instance_type);
		strbuf_adds(sb, i ? ", " : "");
		gp_quote(sb, label.buf);
		strbuf_addf(sb, " %zu", shown - i);
		strbuf_release(&label);
	}
	strbuf_adds(sb, ")\nunset grid\nif (!text_terminal) set grid xtics back lc rgb '#e0e0e0'\n");
	strbuf_addf(sb, "set xrange [0:%.6f]\n", hi * 1.15);
	strbuf_reset(&what);
	strbuf_addf(&what, "%s per %s; observed %s%s%s", currency,
		    per_pflop ? "dense BF16 PFLOP-hour (price per accelerator-hour / PFLOPS)" :
		    "accelerator-hour (instance price / accelerators)", oldest ? oldest : "?",
		    newest && oldest && strcmp(oldest, newest) ? " to " : "",
		    newest && oldest && strcmp(oldest, newest) ? newest : "");
	strbuf_adds(sb, "set xlabel ");
	gp_quote(sb, what.buf);
	strbuf_addch(sb, '\n');
	strbuf_adds(sb, "set key top right Left reverse box lc rgb '#cccccc' opaque\n"
		    "set style fill solid 0.9 border rgb '#ffffff'\n");
	strbuf_adds(sb, "plot ");
	for (int f = 0, drawn = 0; f < 3; f++) {
		bool present = false;

		for (size_t i = 0; i < shown; i++)
			present |= purchase_family(bars[i].offer->purchase) == f;
		if (!present)
			continue;
		strbuf_addf(sb, "%s$family%d using ($2/2):1:(0):2:($1-0.38):($1+0.38) with "
			    "boxxyerror lc rgb '%s' %s title '%s', \\\n     "
			    "$family%d using 2:1:(sprintf('%%.2f', $2)) with labels left "
			    "offset 0.5,0 font ',9' notitle",
			    drawn++ ? ", \\\n     " : "", f, family_colours[f],
			    f == 1 ? "fs pattern 2 border rgb '#E69F00'" : "", family_names[f], f);
	}
	strbuf_addch(sb, '\n');
	out->height_factor = shown > 12 ? 1 + 0.055 * (double)(shown - 12) : 1;
	strbuf_release(&title);
	strbuf_release(&what);
	free(bars);
	return 0;
}

/* The terminal line: sizes in pixels (PDF at 100 an inch) or characters. */
static void terminal_line(struct strbuf *sb, enum plot_terminal term, int width, int height)
{
	switch (term) {
	case PLOT_PNG:
		strbuf_addf(sb, "set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,11' "
			    "background rgb '#ffffff'\n", width, height);
		break;
	case PLOT_SVG:
		strbuf_addf(sb, "set terminal svg size %d,%d dynamic noenhanced "
			    "font 'DejaVu Sans,12' background rgb '#ffffff'\n", width, height);
		break;
	case PLOT_PDF:
		strbuf_addf(sb, "set terminal pdfcairo size %.2fin,%.2fin noenhanced "
			    "font 'DejaVu Sans,9'\n", width / 100.0, height / 100.0);
		break;
	case PLOT_TEXT:
		strbuf_addf(sb, "set terminal dumb size %d,%d noenhanced\n", width, height);
		break;
	}
	strbuf_addf(sb, "text_terminal = %d\n", term == PLOT_TEXT);
}

static void default_size(enum plot_terminal term, int *width, int *height)
{
	static const int sizes[][2] = {
		[PLOT_PNG] = { 1280, 720 }, [PLOT_SVG] = { 960, 540 },
		[PLOT_PDF] = { 1000, 580 }, [PLOT_TEXT] = { 100, 32 },
	};

	if (*width <= 0)
		*width = sizes[term][0];
	if (*height <= 0)
		*height = sizes[term][1];
}

/* The last lines of gnuplot's complaint, trimmed, as the error message. */
static void set_gnuplot_error(const struct strbuf *message, int status)
{
	struct strbuf text = STRBUF_INIT;
	const char *start = message->buf;

	strbuf_add(&text, start, message->len);
	strbuf_rtrim(&text);
	for (size_t i = 0; i < text.len; i++)
		if (text.buf[i] == '\n')
			text.buf[i] = ' ';
	if (text.len > 400)
		error_set("gnuplot failed (%s %d): ...%s", WIFEXITED(status) ? "status" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			  text.buf + text.len - 400);
	else
		error_set("gnuplot failed (%s %d)%s%s", WIFEXITED(status) ? "status" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			  text.len ? ": " : "", text.buf);
	strbuf_release(&text);
}

/* Reads what is ready on FD into SB (at most LIMIT bytes kept); 0 at end of file. */
static ssize_t drain(int fd, struct strbuf *sb, size_t limit)
{
	char chunk[8192];
	ssize_t got = read(fd, chunk, sizeof(chunk));

	if (got > 0 && sb->len < limit)
		strbuf_add(sb, chunk, (size_t)got < limit - sb->len ? (size_t)got :
			   limit - sb->len);
	return got;
}

int plot_render(const struct plot *p, enum plot_terminal term, int width, int height,
		struct strbuf *out)
{
	int to_child[2] = { -1, -1 }, from_child[2] = { -1, -1 }, errors[2] = { -1, -1 };
	int exec_status[2] = { -1, -1 }, exec_errno = 0, status = 0, result = -1;
	struct strbuf input = STRBUF_INIT, message = STRBUF_INIT;
	int *pipes[] = { to_child, from_child, errors, exec_status };
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old_pipe;
	size_t written = 0, start = out->len;
	pid_t pid = -1;

	default_size(term, &width, &height);
	/* Text fills the screen it is given; pictures grow for their panels. */
	if (term != PLOT_TEXT && p->height_factor > 1)
		height = (int)lround(height * p->height_factor);
	terminal_line(&input, term, width, height);
	strbuf_add(&input, p->script.buf, p->script.len);
	if (pipe2(to_child, O_CLOEXEC) < 0 || pipe2(from_child, O_CLOEXEC) < 0 ||
	    pipe2(errors, O_CLOEXEC) < 0 || pipe2(exec_status, O_CLOEXEC) < 0) {
		error_set("cannot start gnuplot: %s", strerror(errno));
		goto cleanup;
	}
	/* gnuplot may stop reading early: its message says why, not a SIGPIPE. */
	sigaction(SIGPIPE, &ignore, &old_pipe);
	pid = fork();
	if (pid < 0) {
		error_set("cannot start gnuplot: %s", strerror(errno));
		goto restore;
	}
	if (pid == 0) {
		/* -d: no ~/.gnuplot, so the user's settings never change a chart. */
		char *const argv[] = { "gnuplot", "-d", NULL };
		int e;

		if (dup2(to_child[0], 0) < 0 || dup2(from_child[1], 1) < 0 ||
		    dup2(errors[1], 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(exec_status[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(to_child[0]);
	close(from_child[1]);
	close(errors[1]);
	close(exec_status[1]);
	to_child[0] = from_child[1] = errors[1] = exec_status[1] = -1;
	if (read(exec_status[0], &exec_errno, sizeof(exec_errno)) == (ssize_t)sizeof(exec_errno)) {
		waitpid(pid, &status, 0);
		pid = -1;
		if (exec_errno == ENOENT)
			error_set("gnuplot is not installed (or not on PATH): install the package "
				  "gnuplot-nox (apt-get install gnuplot-nox)");
		else
			error_set("cannot run gnuplot: %s", strerror(exec_errno));
		goto restore;
	}
	fcntl(to_child[1], F_SETFL, O_NONBLOCK);
	while (from_child[0] >= 0 || errors[0] >= 0) {
		struct pollfd fds[3] = {
			{ .fd = from_child[0], .events = POLLIN },
			{ .fd = errors[0], .events = POLLIN },
			{ .fd = to_child[1], .events = POLLOUT },
		};

		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			error_set("waiting for gnuplot: %s", strerror(errno));
			goto restore;
		}
		if (fds[0].revents && drain(from_child[0], out, start + MAX_OUTPUT) <= 0) {
			close(from_child[0]);
			from_child[0] = -1;
		}
		if (fds[1].revents && drain(errors[0], &message, MAX_MESSAGE) <= 0) {
			close(errors[0]);
			errors[0] = -1;
		}
		if (fds[2].revents) {
			ssize_t n = fds[2].revents & POLLOUT ?
				write(to_child[1], input.buf + written, input.len - written) : -1;

			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EAGAIN) || written == input.len) {
				close(to_child[1]);
				to_child[1] = -1;
			}
		}
	}
	waitpid(pid, &status, 0);
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		set_gnuplot_error(&message, status);
		goto restore;
	}
	if (out->len - start >= MAX_OUTPUT) {
		error_set("gnuplot drew more than %u MB", MAX_OUTPUT >> 20);
		goto restore;
	}
	result = 0;
restore:
	sigaction(SIGPIPE, &old_pipe, NULL);
cleanup:
	for (size_t i = 0; i < ARRAY_SIZE(pipes); i++)
		for (int k = 0; k < 2; k++)
			if (pipes[i][k] >= 0)
				close(pipes[i][k]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (result < 0)
		strbuf_setlen(out, start);
	strbuf_release(&input);
	strbuf_release(&message);
	return result;
}
