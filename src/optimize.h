/*
 * The offer search behind `aicost optimize`: for one workload, the offers in the
 * store that can run it as an infrastructure engineer would plan it, cheapest
 * first. A job larger than one instance only spans instances joined by a cluster
 * fabric (fabric.h), with the fabric's bandwidth in the step-time model; without
 * a GPU count, the count is sized to the deadline per offer; spot does not serve
 * a latency SLO unless the workload allows it; a commitment is owed in full.
 * The store is streamed, filtered in SQL (providers, regions and the scenario's
 * constraints decided once per region, matched on an index), only the best N are
 * kept, and every offer turned down is counted by reason. No printing.
 */
#ifndef AICOST_OPTIMIZE_H
#define AICOST_OPTIMIZE_H

#include "prices.h"

struct db;   /* the price store (db.h) */
#include "scenario.h"
#include "workload.h"

/* The most offers kept per workload: a page anyone reads, not a memory sink. */
#define OPTIMIZE_MAX_TOP 10000

struct optimize_options {
	const char *providers;       /* comma-separated; NULL = any */
	const char *regions;         /* comma-separated globs; NULL = any */
	double max_per_gpu_hour;     /* in the scenario's currency; 0 = no limit */
	size_t top;                  /* how many to keep, at most OPTIMIZE_MAX_TOP */
	double price_factor;         /* store prices × this: the scenario's currency
					(tco_resolve_fx); 0 or 1 = as stored */
};

/*
 * The workload on one kind of instance: its accelerator, how many it holds and
 * the fabric between instances. Every offer of that kind shares it.
 */
struct optimize_plan {
	char *accelerator;
	int per_instance;            /* accelerators in one instance */
	double fabric_gbps;          /* per instance when jobs may span instances; else 0 */
	char *interconnect;          /* the offers' interconnect name */
	bool fits;
	char *reason;                /* why not, when it does not */
	struct workload_demand demand;   /* at the count chosen */
	int gpus;                    /* accelerators the workload uses */
	int instances;               /* whole instances rented */
	int spot_instances;          /* inference on spot: with one replica's spare instances */
	bool meets_deadline;         /* training: ends by its deadline (true without one) */
	bool sized;                  /* training: the count was chosen for the deadline */
	int replica_instances;       /* a service's: instances one replica spans (0: none fits) */
	int confined_from;           /* a service on one server only (no cluster fabric) where
					replicas over servers would take fewer: their GPUs; 0 */
	bool confined_experts;       /* those replicas spread experts (else a pipeline) */
	double slowdown;             /* training with a given mfu: step time over this
					fabric / over an ideal one (1 otherwise) */
};

struct candidate {
	struct offer offer;          /* a copy of the store's row */
	size_t plan;                 /* index into the search's plans */
	double per_gpu_hour;
	double cost_usd;             /* training: the whole run; inference: per month */
	double total;                /* over the horizon, commitments in full */
	double billed_gpu_hours;     /* training: the run; inference: per month */
	int instances;               /* rented (inference on spot: with the spare) */
	char *why;                   /* why it qualifies, for people */
};

/*
 * Offers of one accelerator turned down for one reason: every current offer in
 * the store that passed the filters (providers, regions, constraints, price)
 * and that the plan or the purchase rule rejects, whether or not the search read
 * it; and the cheapest of them per accelerator-hour.
 */
struct optimize_rejection {
	char *accelerator;
	char *reason;
	size_t offers;
	struct offer cheapest;       /* a copy; price in the store's currency */
	double per_gpu_hour;         /* the cheapest's, in the scenario's currency */
};

struct optimize_search {
	struct optimize_plan *plans;
	size_t nplans, plans_alloc;
	size_t *index;               /* open addressing into plans; index_mask + 1 slots */
	size_t index_mask;
	struct accelerator *accelerators;   /* those the workload might run on */
	struct workload_demand *demands;    /* a service or batch job on each, over the
					       accelerator's own network figures (the same
					       on every size of instance); training: NULL */
	struct workload_demand *local;      /* the same on one server's layouts only, for
					       offers without a cluster fabric */
	char **local_reason;                /* why one server cannot run it (local[i]
					       unset), else NULL */
	size_t naccelerators;
	struct candidate *items;     /* the best `top`, best first */
	size_t n;
	size_t searched, qualified;
	char *note;                  /* a rule that left offers out before the search */
	struct optimize_rejection *rejections;   /* most offers first */
	size_t nrejections, rejections_alloc;
};

/* Searches the store for workload WORKLOAD of S; OUT is released with optimize_release. */
int optimize_run(struct db *db, const struct scenario *s, size_t workload,
		 const struct optimize_options *opts, struct optimize_search *out);
void optimize_release(struct optimize_search *search);

/*
 * Whole instances of PER_INSTANCE accelerators for the replicas of a service or
 * batch job D (workload_demand on ACC): each tensor-parallel group (a pipeline
 * stage, an expert-parallel replica's attention group) inside one instance; a
 * replica larger than one instance on gpus_per_replica / (the instance's
 * accelerators that whole groups use) instances of its own, else as many
 * replicas to an instance as fit. *INSTANCES: rented; *SPOT_INSTANCES: one
 * replica's instances more, so that the replicas survive losing one instance.
 * -1 with a message when a tensor-parallel group does not fit one instance, or
 * when a replica spans instances that have no cluster fabric (FABRIC_GBPS, Gb/s
 * an instance, 0 = none): both counts are set then, their difference being the
 * instances a replica spans.
 */
int optimize_replica_instances(const struct workload_demand *d, int per_instance,
			       const struct accelerator *acc, double fabric_gbps, int *instances,
			       int *spot_instances);

/*
 * ACC as it runs on instances of PER_INSTANCE joined by a cluster fabric of
 * FABRIC_GBPS (Gb/s an instance, one direction): its scale-out bandwidth that
 * fabric's share per accelerator, its scale-up domain one instance. A copy of
 * ACC when FABRIC_GBPS is 0 (shallow: OUT's strings are ACC's).
 */
void optimize_fabric_accelerator(const struct accelerator *acc, int per_instance,
				 double fabric_gbps, struct accelerator *out);

#endif
