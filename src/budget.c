/* Budgets against a cost result (issue 18): which limits apply, and pass or fail. */
#include "budget.h"
#include "table.h"
#include "util.h"

#include <math.h>
#include <string.h>

const char *const budget_status_names[] = { "pass", "fail", "error" };

static const char *const at_names[] = { "mean", "p50", "p90" };

int budget_at_parse(const char *text, enum budget_at *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(at_names); i++) {
		if (str_ieq(text, at_names[i])) {
			*out = (enum budget_at)i;
			return 0;
		}
	}
	error_set("\"%s\": expected mean, p50 or p90", text);
	return -1;
}

const char *budget_at_name(enum budget_at at)
{
	return at_names[at];
}

double budget_running_cost(const struct deployment_result *d, int month)
{
	/* Capex and its residual credit are capital, paid once, and so is what a
	 * commitment owes past the horizon: a monthly limit is for what it costs to run. */
	return d->monthly[month] - d->monthly_by_component[month][COST_CAPEX] -
		d->monthly_by_component[month][COST_RESIDUAL] -
		(month == d->committed_after_month ? d->committed_after_horizon : 0);
}

/*
 * The figures at percentile AT: the total is the Monte Carlo percentile; the
 * difference from the mean is spread over the months in proportion to each
 * month's expected shortage cost (where the randomness is), and per-unit
 * figures scale with the total.
 */
struct figures {
	double total, npv, per_million_tokens, per_gpu_hour;
	double *running;      /* horizon_months entries */
};

static void figures_at(const struct tco_result *r, const struct deployment_result *d,
		       enum budget_at at, struct figures *f)
{
	int months = r->scenario->horizon_months;
	double percentile = at == BUDGET_AT_P50 ? d->p50 : at == BUDGET_AT_P90 ? d->p90 : d->total;
	double delta = percentile - d->total, shortage = d->breakdown[COST_SHORTAGE];
	double scale = d->total != 0 ? percentile / d->total : 1;
	double *moved = xcalloc((size_t)months, sizeof(double));

	if (at == BUDGET_AT_MEAN || !isfinite(delta))
		delta = 0, scale = 1;
	f->running = xcalloc((size_t)months, sizeof(double));
	for (int m = 0; m < months; m++) {
		if (delta != 0 && shortage > 0)
			moved[m] = delta * d->monthly_by_component[m][COST_SHORTAGE] / shortage;
		f->running[m] = budget_running_cost(d, m) + moved[m];
	}
	f->total = d->total + delta;
	f->npv = d->npv + (delta != 0 ? tco_npv(moved, months, r->scenario->discount_rate) : 0);
	f->per_million_tokens = d->per_million_tokens * scale;
	f->per_gpu_hour = d->per_gpu_hour * scale;
	free(moved);
}

/* The limit of KIND for deployment D, the most specific first; NAN when none. */
static double limit_for(const struct scenario *s, const struct deployment *d,
			const struct budget *flags, int kind, struct budget_check *c)
{
	double limit;

	c->line = c->col = 0;
	if (flags && !isnan(limit = budget_limit(flags, (enum budget_kind)kind))) {
		c->origin = BUDGET_FROM_FLAG;
		return limit;
	}
	if (!isnan(limit = budget_limit(&d->budget, (enum budget_kind)kind))) {
		c->origin = BUDGET_FROM_DEPLOYMENT;
		c->line = d->budget.line[kind];
		c->col = d->budget.col[kind];
		return limit;
	}
	c->origin = BUDGET_FROM_SCENARIO;
	c->line = s->budget.line[kind];
	c->col = s->budget.col[kind];
	return budget_limit(&s->budget, (enum budget_kind)kind);
}

int budget_evaluate(const struct tco_result *r, size_t index, const struct budget *flags,
		    enum budget_at at, struct budget_check *out)
{
	const struct scenario *s = r->scenario;
	const struct deployment_result *d = &r->deployments[index];
	struct figures f;
	int n = 0;

	if (d->excluded) {
		out[n++] = (struct budget_check){
			.kind = BUDGET_FEASIBLE, .status = BUDGET_FAIL, .deployment = index,
			.actual = NAN, .limit = NAN, .headroom = NAN,
			.message = d->excluded_reason ? d->excluded_reason :
				"does not deliver the demand",
		};
	}
	figures_at(r, d, at, &f);
	for (int k = 0; k < BUDGET_NKINDS; k++) {
		struct budget_check c = { .kind = k, .deployment = index };

		c.limit = limit_for(s, d->deployment, flags, k, &c);
		if (isnan(c.limit))
			continue;
		switch ((enum budget_kind)k) {
		case BUDGET_MONTHLY:
			c.actual = -INFINITY;
			for (int m = 0; m < s->horizon_months; m++) {
				if (f.running[m] > c.actual) {
					c.actual = f.running[m];
					c.peak_month = m + 1;
				}
				if (f.running[m] > c.limit && c.first_month_over == 0)
					c.first_month_over = m + 1;
			}
			break;
		case BUDGET_TOTAL:
			c.actual = f.total;
			break;
		case BUDGET_PER_MILLION_TOKENS:
			c.actual = f.per_million_tokens;
			if (!isfinite(c.actual))
				c.message = "no tokens are served: there is no cost per 1M tokens";
			break;
		case BUDGET_PER_GPU_HOUR:
			c.actual = f.per_gpu_hour;
			if (!isfinite(c.actual))
				c.message = "no GPU-hours are delivered: there is no cost per GPU-hour";
			break;
		case BUDGET_NPV:
			c.actual = f.npv;
			break;
		case BUDGET_NKINDS:
			break;
		}
		if (!isfinite(c.actual)) {
			c.status = BUDGET_ERROR;
			if (!c.message)
				c.message = "the cost is not a number";
			c.actual = c.headroom = NAN;
		} else {
			c.headroom = c.limit - c.actual;
			c.status = c.actual > c.limit ? BUDGET_FAIL : BUDGET_PASS;
		}
		out[n++] = c;
	}
	free(f.running);
	return n;
}

int budget_plan(const struct tco_result *r)
{
	const char *plan = r->scenario->plan;

	for (size_t i = 0; plan && i < r->ndeployments; i++)
		if (strcmp(r->deployments[i].deployment->name, plan) == 0)
			return (int)i;
	return r->cheapest;
}

enum budget_status budget_worst(const struct budget_check *checks, size_t n)
{
	enum budget_status worst = BUDGET_PASS;

	for (size_t i = 0; i < n; i++)
		if (checks[i].status > worst)
			worst = checks[i].status;
	return worst;
}

void budget_check_key(struct strbuf *sb, const struct tco_result *r,
		      const struct budget_check *check)
{
	const char *kind = check->kind == BUDGET_FEASIBLE ? NULL : budget_kind_names[check->kind];

	if (!kind) {
		strbuf_adds(sb, "feasibility");
		return;
	}
	switch (check->origin) {
	case BUDGET_FROM_FLAG:
		strbuf_adds(sb, "--budget-");
		for (const char *p = kind; *p; p++)
			strbuf_addch(sb, *p == '_' ? '-' : *p);
		return;
	case BUDGET_FROM_DEPLOYMENT:
		/* the path --set takes: deployments.NAME.budget.KIND */
		strbuf_addf(sb, "deployments.%s.budget.%s",
			    r->deployments[check->deployment].deployment->name, kind);
		return;
	case BUDGET_FROM_SCENARIO:
		strbuf_addf(sb, "budget.%s", kind);
		return;
	}
}

int budget_decimals(int kind)
{
	return kind == BUDGET_PER_MILLION_TOKENS ? 3 : kind == BUDGET_PER_GPU_HOUR ? 2 : 0;
}

void budget_check_describe(struct strbuf *sb, const struct tco_result *r,
			   const struct budget_check *c)
{
	static const char *const figure[] = {
		"running cost", "total", "cost per 1M tokens", "cost per GPU-hour", "NPV",
	};
	int decimals = budget_decimals(c->kind);

	if (c->kind == BUDGET_FEASIBLE) {
		strbuf_addf(sb, "cannot deliver its demand: %s", c->message);
		return;
	}
	if (c->status == BUDGET_ERROR) {
		strbuf_adds(sb, "cannot check ");
		budget_check_key(sb, r, c);
		strbuf_addf(sb, ": %s", c->message);
		return;
	}
	strbuf_addf(sb, "%s ", figure[c->kind]);
	format_grouped(sb, c->actual, decimals);
	if (c->kind == BUDGET_MONTHLY)
		strbuf_addf(sb, " in month %d", c->peak_month);
	strbuf_addf(sb, " is %s ", c->status == BUDGET_FAIL ? "over" : "within");
	budget_check_key(sb, r, c);
	strbuf_addch(sb, ' ');
	format_grouped(sb, c->limit, decimals);
	strbuf_adds(sb, c->status == BUDGET_FAIL ? " by " : ", headroom ");
	format_grouped(sb, fabs(c->headroom), decimals);
	if (c->limit > 0)
		strbuf_addf(sb, " (%.1f%%)", 100.0 * fabs(c->headroom) / c->limit);
	if (c->first_month_over > 0)
		strbuf_addf(sb, "; first month over: %d", c->first_month_over);
}
