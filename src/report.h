/*
 * The FinOps report of a scenario: the question, the answer in one sentence, the
 * comparison, the charts, where the money goes, what was excluded and why, the
 * assumptions, where every price came from, and the warnings. As one
 * self-contained HTML file (CSS and SVG inline, no script, nothing fetched) or
 * as GitHub-flavoured markdown with the charts beside it. Issue 17.
 */
#ifndef AICOST_REPORT_H
#define AICOST_REPORT_H

#include <stdio.h>

#include "plot.h"
#include "tco.h"

/* Where one cloud deployment's price came from (the store's offer row). */
struct report_price {
	const char *deployment;
	const char *provider, *region, *instance, *purchase;
	double price_per_hour;       /* the instance's */
	int accelerators;            /* in the instance */
	const char *currency;
	const char *observed;        /* YYYY-MM-DD (or a year) */
	const char *source;
	const char *confidence;      /* exact, approx */
};

/* Report charts, in the order they appear. */
#define REPORT_NCHARTS 4
extern const enum plot_chart report_charts[REPORT_NCHARTS];

struct report {
	const struct tco_result *r;
	const struct sensitivity *sensitivity;
	size_t nsensitivity;
	double step;                              /* of the sensitivity, 0.2 = ±20% */
	const char *notes;                        /* the engine's, one per line; or NULL */
	const struct report_price *prices;
	size_t nprices;
	/* HTML: each chart's SVG; markdown: the file name it links (NULL: none). */
	const char *charts[REPORT_NCHARTS];
	const char *today;                        /* YYYY-MM-DD, for the price ages */
	long trials;
	unsigned long long seed;
};

/* "rack costs least: ..." — the answer in one sentence (appended to OUT). */
void report_answer(const struct tco_result *r, struct strbuf *out);

/* -1 with a message on a write error. */
int report_html(FILE *fp, const struct report *rep);
int report_markdown(FILE *fp, const struct report *rep);

#endif
