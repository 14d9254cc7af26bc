/*
 * The total-cost engine: pure and deterministic given a seed. Month by month over
 * the horizon, following the cost conventions in README / aicost(1). Issue 7.
 */
#ifndef AICOST_TCO_H
#define AICOST_TCO_H

#include <stdint.h>

#include "db.h"
#include "scenario.h"
#include "workload.h"

enum cost_component {
	COST_COMPUTE, COST_STORAGE, COST_EGRESS, COST_SHORTAGE, COST_CAPEX, COST_POWER,
	COST_FACILITY, COST_STAFF, COST_NETWORK, COST_MAINTENANCE, COST_RESIDUAL,
	COST_NCOMPONENTS
};
/* The JSON contract's breakdown keys, in this order. */
extern const char *const cost_component_names[COST_NCOMPONENTS];

struct deployment_result {
	const struct deployment *deployment;
	double total;
	double *monthly;                           /* horizon_months entries */
	double (*monthly_by_component)[COST_NCOMPONENTS];
	double breakdown[COST_NCOMPONENTS];        /* sums to total */
	double npv;
	double gpu_hours_delivered;
	double tokens_delivered;
	double per_gpu_hour;                       /* NAN when no GPU-hours */
	double per_million_tokens;                 /* NAN when no tokens */
	int breakeven_month;                       /* 1-based; 0 = null */
	double p10, p50, p90;                      /* Monte Carlo of the total with shortages */
	double utilisation;                        /* on-prem: busy / installed over the horizon */
	bool excluded;                             /* data residency */
	char *excluded_reason;
};

struct tco_result {
	const struct scenario *scenario;
	struct workload_demand *demand;            /* one per workload */
	size_t ndemand;
	struct deployment_result *deployments;     /* one per scenario deployment */
	size_t ndeployments;
	int cheapest;                              /* index, -1 if none qualifies */
};

struct tco_options {
	uint64_t seed;                             /* default 1 */
	long trials;                               /* default 10000 */
};

int tco_run(struct db *db, const struct scenario *s, const struct tco_options *opts,
	    struct tco_result *out);
void tco_result_release(struct tco_result *r);

#endif
