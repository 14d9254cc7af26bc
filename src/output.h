/*
 * Writers for a cost result (tco.h) in the four formats: the JSON contract of
 * DESIGN.md for scripts, tables and markdown for people, csv for spreadsheets.
 */
#ifndef AICOST_OUTPUT_H
#define AICOST_OUTPUT_H

#include <stdio.h>

#include "table.h"
#include "tco.h"

/* estimate: ONLY is a deployment index, or -1 for all; VERBOSE shows every
 * assumption of the workloads. Returns -1 on a write error. */
int output_estimate(FILE *fp, const struct tco_result *r, int only, enum output_format format,
		    bool verbose);

/* One row per deployment: totals, NPV, percentiles, per-unit figures, break-even,
 * the breakdown when WITH_BREAKDOWN. */
struct table *output_summary_table(const struct tco_result *r, int only, bool with_breakdown);

/* One row per cost component (and the total), one column per deployment. */
struct table *output_breakdown_table(const struct tco_result *r, int only);

/* The JSON contract for one result (caller json_decref's); ONLY as above. */
struct json_t;
struct json_t *output_estimate_json(const struct tco_result *r, int only);

/* Writes ROOT (and a newline) as indented JSON, flushes and json_decref's it;
 * -1 with "write error: ..." when the output fails. */
int output_json(FILE *fp, struct json_t *root);

/* What each workload demands: the contract's workloads[] array, and as a table. */
struct json_t *output_demand_json(const struct scenario *s, const struct workload_demand *demand);
struct table *output_demand_table(const struct scenario *s, const struct workload_demand *demand,
				  bool verbose);
/* Each training workload's step: layout, seconds of compute, communication, bubble. */
struct table *output_step_table(const struct scenario *s, const struct workload_demand *demand);

/*
 * compare's pieces: the break-even month of every pair (row against column); the TOP
 * inputs of LIST (ranked, N long) that move the answer, as a table (ALONE: the cheapest
 * has no runner-up, so the answer is its total, not a lead); and the whole JSON
 * contract of compare (the estimate's, plus "breakeven" and "sensitivity").
 */
struct table *output_breakeven_table(const struct tco_result *r);
struct table *output_sensitivity_table(const struct sensitivity *list, size_t n, size_t top,
				       bool alone);
struct json_t *output_compare_json(const struct tco_result *r, const struct sensitivity *list,
				   size_t n, size_t top);

/* When R's cheapest deployment is incomplete, a line saying what has no price. */
void output_cheapest_line(FILE *fp, const struct tco_result *r);

/* Prints a section heading in table ("Title") or markdown ("## Title") form. */
void output_heading(FILE *fp, enum output_format format, const char *title);

#endif
