/*
 * What the CI gates (aicost check, aicost diff) share: reading a scenario from a
 * file or from git (git:REV:path), pricing it from the store without fetching,
 * naming the price snapshots used and their age, and the escaping of the
 * machine formats (JUnit XML, GitHub workflow commands). Command layer.
 */
#ifndef AICOST_GATE_H
#define AICOST_GATE_H

#include <stdio.h>

#include "budget.h"
#include "cli.h"
#include "prices.h"

struct db;   /* the price store (db.h) */
#include "scenario.h"
#include "tco.h"

enum gate_format { GATE_TEXT, GATE_JSON, GATE_JUNIT, GATE_GITHUB, GATE_MARKDOWN };
#define GATE_FORMATS "text, json, junit, github or markdown"

/* -1 with error_set() for a name that is not one of GATE_FORMATS. */
int gate_format_parse(const char *text, enum gate_format *out);

/* The options check and diff share (struct cli_option entries, see cli.h). */
enum { GATEOPT_BUDGET_TOTAL = CLI_LONG_ONLY + 80, GATEOPT_BUDGET_MONTHLY, GATEOPT_AT,
       GATEOPT_MAX_PRICE_AGE, GATEOPT_FORMAT = 'f' };
#define GATE_OPTIONS \
	{ GATEOPT_BUDGET_TOTAL, "budget-total", "AMOUNT", \
	  "a limit on the total over the horizon\n(wins over the scenario's)" }, \
	{ GATEOPT_BUDGET_MONTHLY, "budget-monthly", "AMOUNT", \
	  "a limit on each month's running cost" }, \
	{ GATEOPT_AT, "at", "mean|p50|p90", \
	  "check the mean (default) or a shortage\npercentile" }, \
	{ GATEOPT_MAX_PRICE_AGE, "max-price-age", "DURATION", \
	  "exit 2 when the prices used were observed\nlonger ago (30d, 6w, 3mo)" }, \
	{ GATEOPT_FORMAT, "format", "FORMAT", "text (default), json, junit, github or\nmarkdown" }

struct gate_options {
	struct budget flags;         /* --budget-total, --budget-monthly */
	enum budget_at at;
	double max_age_days;         /* -1: any age */
	enum gate_format format;
};

void gate_options_init(struct gate_options *o);
/* Takes a shared option: 0 taken, 1 not one of them, -1 bad value (printed for CMD). */
int gate_option(const char *cmd, struct gate_options *o, int opt, const char *arg);

/* The newest current snapshot of one provider whose prices a deployment uses. */
struct gate_price {
	char *provider;
	int64_t snapshot;
	char *source;
	char *observed;       /* the newest date its prices were observed */
	double age_days;      /* from the end of OBSERVED to now */
	char *oldest_used;    /* the oldest date of the offers the checked deployments
				 used from it (NULL: none used) */
	double oldest_used_age_days;
};

/* One scenario as a gate sees it. */
struct gate_scenario {
	const char *spec;            /* as given: a path, '-' or git:REV:path */
	char *file;                  /* the path in the repository, for annotations */
	char *text;                  /* the document */
	size_t len;
	struct scenario scenario;
	bool loaded;
	struct tco_result result;
	bool computed;
	char *error;                 /* why it cannot be checked (one or more lines); NULL */
	int error_line, error_col;   /* of the first error, when the message has them */
	struct gate_price *prices;
	size_t nprices;
};

/*
 * Reads SPEC (a file, '-' for standard input, or git:REV:PATH through 'git show', run
 * without a shell) into G->text (and G->file); -1 with G->error set. G is released by
 * gate_release.
 */
int gate_read(struct gate_scenario *g, const char *spec);
/* G holds TEXT (LEN bytes, malloc'd: G owns it now), named NAME (the REPL's scenario as
 * edited, which the command layer reads: costcli_gate_read). */
void gate_take_text(struct gate_scenario *g, const char *name, char *text, size_t len);
/* Loads G->text with OVERRIDES and prices it from DB; -1 with G->error set. */
int gate_compute(struct gate_scenario *g, const char *const *overrides, size_t noverrides,
		 struct db *db, const struct tco_options *opts);
void gate_release(struct gate_scenario *g);
/* Sets G->error (and returns -1) from the error channel, prefixed by G's spec. */
int gate_fail(struct gate_scenario *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Adds to G->prices the snapshot of each provider that deployment INDEX buys from
 * (its own, its fallback's or burst's, its shortage fallback's). MAX_AGE_DAYS >= 0:
 * -1 with G->error set when one is older than that.
 */
int gate_prices(struct gate_scenario *g, struct db *db, size_t index, double max_age_days);
/* "aws snapshot 3 (catalog:aws.csv) observed 2025-06-01"; "none" when none. */
void gate_describe_prices(struct strbuf *sb, const struct gate_scenario *g);

/* XML character data / attribute value. */
void gate_xml_escape(FILE *fp, const char *text);
/* A GitHub workflow command's message (PROPERTY: a property value, which also
 * escapes ':' and ','). */
void gate_github_escape(FILE *fp, const char *text, bool property);
/* Appends MARKDOWN to $GITHUB_STEP_SUMMARY when it is set; -1 printed on failure. */
int gate_step_summary(const char *cmd, const char *markdown);
/* The formats' pieces for one budget check C of G. */
const char *gate_check_deployment(const struct gate_scenario *g, const struct budget_check *c);
/* Where to point an annotation for C: its limit in the file, else its deployment
 * (a limit from a flag), else plan:; 0 = nowhere in particular. */
void gate_check_position(const struct gate_scenario *g, const struct budget_check *c,
			 int *line, int *col);
struct json_t;
struct json_t *gate_check_json(const struct gate_scenario *g, const struct budget_check *c);
/* [{provider, snapshot, source, observed, age_days}] */
struct json_t *gate_prices_json(const struct gate_scenario *g);
void gate_xml_attr(FILE *fp, const char *name, const char *value);
/* <testcase classname="SUITE.DEPLOYMENT" name="KEY" file line> with <failure>/<error>. */
void gate_junit_testcase(FILE *fp, const struct gate_scenario *g, const char *suite,
			 const struct budget_check *c);
void gate_junit_error(FILE *fp, const char *classname, const char *name, const char *message);
/* ::error file=FILE,line=LINE,col=COL,title=TITLE::MESSAGE (LINE 0: no position) */
void gate_github_annotation(FILE *fp, const char *file, int line, int col, const char *title,
			    const char *message);
/* A failed or unchecked C as an annotation (WHY appended when not NULL); a pass as a line. */
void gate_github_check(FILE *fp, const struct gate_scenario *g, const struct budget_check *c,
		       const char *cmd, const char *why);
extern const char *const gate_marks[];   /* markdown status per enum budget_status */
void gate_markdown_check_header(struct strbuf *md, enum budget_at at);
void gate_markdown_check_row(struct strbuf *md, const struct gate_scenario *g, const char *suite,
			     const struct budget_check *c);
void gate_markdown_line(struct strbuf *md, const char *message);
/* A money figure for people: grouped, DECIMALS digits. NAN prints as "-". */
void gate_money(struct strbuf *sb, double value, int decimals);

#endif
