/*
 * Budgets against a cost result: every limit that applies to one deployment
 * (the scenario's budget:, the deployment's own budget:, limits given on the
 * command line) checked against the engine's figures. Pure: no printing, no
 * store. Issue 18; the commands check, diff, estimate and compare use it.
 */
#ifndef AICOST_BUDGET_H
#define AICOST_BUDGET_H

#include "scenario.h"
#include "tco.h"

/* The figure a limit is checked against: the mean (the engine's totals) or a
 * percentile of the shortage Monte Carlo. */
enum budget_at { BUDGET_AT_MEAN, BUDGET_AT_P50, BUDGET_AT_P90 };

/* "mean", "p50", "p90"; -1 with error_set() for anything else. */
int budget_at_parse(const char *text, enum budget_at *out);
const char *budget_at_name(enum budget_at at);

enum budget_status { BUDGET_PASS, BUDGET_FAIL, BUDGET_ERROR };
extern const char *const budget_status_names[];   /* "pass", "fail", "error" */

/* Where a limit was set; the most specific one wins for each kind. */
enum budget_origin { BUDGET_FROM_SCENARIO, BUDGET_FROM_DEPLOYMENT, BUDGET_FROM_FLAG };

/* A deployment that cannot deliver its demand fails this line (its reason in MESSAGE). */
#define BUDGET_FEASIBLE BUDGET_NKINDS

struct budget_check {
	int kind;                   /* enum budget_kind, or BUDGET_FEASIBLE */
	enum budget_status status;
	enum budget_origin origin;
	size_t deployment;          /* index into the result (and the scenario) */
	double actual;              /* monthly: the highest month's running cost */
	double limit;
	double headroom;            /* limit - actual: negative when over */
	int peak_month;             /* monthly: the month of ACTUAL (1-based), else 0 */
	int first_month_over;       /* monthly: the first month over the limit, 0 if none */
	int line, col;              /* the limit in the scenario file; 0 = not in the file */
	const char *message;        /* BUDGET_ERROR / BUDGET_FEASIBLE: why (static or
				       the result's excluded_reason) */
};

/*
 * Every limit that applies to deployment INDEX of R, one check per kind, into OUT
 * (room for BUDGET_NKINDS + 1). A kind set in FLAGS (may be NULL) wins over the
 * deployment's budget, which wins over the scenario's. An excluded deployment
 * gets a failing BUDGET_FEASIBLE check first. Returns how many checks (0: no limit
 * applies). A figure that does not exist (per_million_tokens with no tokens
 * served) is a BUDGET_ERROR, never a pass or a fail.
 */
int budget_evaluate(const struct tco_result *r, size_t index, const struct budget *flags,
		    enum budget_at at, struct budget_check *out);

/*
 * The deployment whose budget the plan is: the scenario's plan: when it names one,
 * else R's cheapest (which is never excluded); -1 when there is none.
 */
int budget_plan(const struct tco_result *r);

/* The worst status among N checks (error over fail over pass); pass when N is 0. */
enum budget_status budget_worst(const struct budget_check *checks, size_t n);

/*
 * The key that set CHECK's limit, for people: "budget.total",
 * "deployments[1].budget.monthly", "--budget-total"; "feasibility" for that check.
 */
void budget_check_key(struct strbuf *sb, const struct tco_result *r,
		      const struct budget_check *check);

/*
 * One sentence for people: "total 6,557,366 is over budget.total 5,000,000 by
 * 1,557,366 (31.1%)", "running cost 380,000 in month 9 is over budget.monthly
 * 350,000 by 30,000 (8.6%); first month over: 4", "cannot check ...: why".
 */
void budget_check_describe(struct strbuf *sb, const struct tco_result *r,
			   const struct budget_check *check);
/* Digits after the point for a limit of KIND: 3 per 1M tokens, 2 per GPU-hour, else 0. */
int budget_decimals(int kind);

/* Running cost of month M (0-based) of D: its cash without capex and the residual credit. */
double budget_running_cost(const struct deployment_result *d, int month);

#endif
