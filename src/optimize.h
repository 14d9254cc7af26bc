/*
 * The offer search behind `aicost optimize`: for one workload, every offer in the
 * store whose accelerators fit it and that meets its deadline / SLO and the
 * scenario's constraints, cheapest first. No printing.
 */
#ifndef AICOST_OPTIMIZE_H
#define AICOST_OPTIMIZE_H

#include "prices.h"

struct db;   /* the price store (db.h) */
#include "scenario.h"
#include "workload.h"

struct optimize_options {
	const char *providers;       /* comma-separated; NULL = any */
	const char *regions;         /* comma-separated globs; NULL = any */
	double max_per_gpu_hour;     /* 0 = no limit */
	size_t top;                  /* how many to keep */
	double price_factor;         /* store prices × this: the scenario's currency
					(tco_resolve_fx); 0 or 1 = as stored */
};

struct candidate {
	const struct offer *offer;   /* into the search's offer list */
	const struct workload_demand *demand;   /* the workload on this accelerator */
	size_t cache_index;          /* where DEMAND lives in the search's cache */
	double per_gpu_hour;
	double cost_usd;             /* training: the whole run; inference: per month */
	double billed_gpu_hours;     /* training: with a commitment's whole term */
	char *why;                   /* why it qualifies, for people */
};

/* Demand of one workload per accelerator, looked up once. */
struct accelerator_demand {
	char *accelerator;
	bool fits;                   /* the workload model accepted it */
	char *reason;                /* why not, when it does not */
	struct workload_demand demand;
};

struct optimize_search {
	struct offer_list offers;    /* every current offer, loaded once */
	struct accelerator_demand *cache;
	size_t ncache, cache_alloc;
	size_t workload;             /* the workload of the last run */
	struct candidate *items;     /* the best `top`, cheapest first */
	size_t n;
	size_t searched, qualified;
};

/* Loads every offer matching OPTS' providers, converted by its price_factor; then
 * optimize_run per workload. */
int optimize_begin(struct db *db, const struct optimize_options *opts,
		   struct optimize_search *out);
int optimize_run(struct db *db, const struct scenario *s, size_t workload,
		 const struct optimize_options *opts, struct optimize_search *search);
void optimize_end(struct optimize_search *search);

#endif
