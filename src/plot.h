/*
 * Charts: the only module that runs gnuplot. A chart is a gnuplot script with its
 * data inline (datablocks); plot_render() starts gnuplot through pipes (fork and
 * exec, no shell), feeds it the script and collects what it draws. Issue 17.
 */
#ifndef AICOST_PLOT_H
#define AICOST_PLOT_H

#include <stdbool.h>

#include "prices.h"
#include "strbuf.h"
#include "tco.h"

enum plot_chart {
	CHART_CUMULATIVE,    /* cumulative cash per deployment, break-even marked */
	CHART_BREAKDOWN,     /* monthly stacked bars by component, one panel each */
	CHART_RISK,          /* P10-P90 band of cumulative cash with shortages */
	CHART_SENSITIVITY,   /* tornado of the inputs that move the answer most */
	CHART_PRICES,        /* one accelerator's hourly price across offers */
	CHART_COUNT
};
extern const char *const plot_chart_names[CHART_COUNT];

enum plot_terminal { PLOT_PNG, PLOT_SVG, PLOT_PDF, PLOT_TEXT };

/* "cumulative", ...; -1 with a message naming the charts otherwise. */
int plot_chart_parse(const char *name, enum plot_chart *out);
/* The terminal for an output file: .png, .svg, .pdf, .txt (and "-": text). */
int plot_terminal_for_path(const char *path, enum plot_terminal *out);

/* A chart ready to render: its script (data inline) and how much taller than the
 * terminal's default it wants to be (stacked panels, many bars). */
struct plot {
	struct strbuf script;
	double height_factor;
};
void plot_release(struct plot *p);

/* The cost charts of a result. SENSITIVITY (N entries, each input moved by STEP)
 * is only read by CHART_SENSITIVITY. */
int plot_result(const struct tco_result *r, enum plot_chart chart,
		const struct sensitivity *list, size_t n, double step, struct plot *out);
/* CHART_PRICES: OFFERS of ACCELERATOR, per accelerator-hour or per dense BF16
 * PFLOP-hour. */
int plot_prices(const struct offer_list *offers, const char *accelerator, bool per_pflop,
		struct plot *out);

/*
 * Runs gnuplot on P for terminal TERM: WIDTH x HEIGHT pixels (PNG, SVG; PDF at
 * 100 pixels an inch), characters for text; 0 picks the default. What gnuplot
 * draws is appended to OUT. -1 with gnuplot's own message when it fails, or the
 * package to install when it is missing.
 */
int plot_render(const struct plot *p, enum plot_terminal term, int width, int height,
		struct strbuf *out);

/* One colour per deployment index, the same in every chart and in the report. */
const char *plot_deployment_colour(size_t index);

#endif
