/*
 * A cost result as FinOps FOCUS 1.2 rows (CSV), so that an estimate can be loaded
 * beside real bills: one row per deployment, cost component and month with a
 * cost, monthly charge periods from the scenario's start. The column mapping is
 * documented in aicost-estimate(1). Issue 17.
 */
#ifndef AICOST_FOCUS_H
#define AICOST_FOCUS_H

#include <stdio.h>

#include "tco.h"

/* ONLY: a deployment index, or -1 for all. -1 with a message on a bad start
 * date or a write error. */
int focus_write(FILE *fp, const struct tco_result *r, int only);

/* "2026-01-01" plus MONTHS calendar months as "2026-04-01T00:00:00Z" into OUT
 * (the day kept, or the month's last day when it has fewer). */
int focus_month_start(const char *start_date, int months, struct strbuf *out);

#endif
