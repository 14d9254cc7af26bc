/*
 * The total-cost engine: pure and deterministic given a seed. Month by month over
 * the horizon, following the cost conventions of aicost-estimate(1) (DESIGN.md). Issue 7.
 */
#ifndef AICOST_TCO_H
#define AICOST_TCO_H

#include <stdint.h>

#include "prices.h"

struct db;   /* the price store (db.h) */
#include "scenario.h"
#include "workload.h"

enum cost_component {
	COST_COMPUTE, COST_STORAGE, COST_EGRESS, COST_SHORTAGE, COST_CAPEX, COST_POWER,
	COST_FACILITY, COST_STAFF, COST_NETWORK, COST_MAINTENANCE, COST_RESIDUAL,
	COST_PIPELINE,      /* CPU data pipelines (kind: pipeline) */
	COST_LABELING,      /* human labelling of their data */
	COST_NCOMPONENTS
};
/* The JSON contract's breakdown keys, in this order. */
extern const char *const cost_component_names[COST_NCOMPONENTS];
/* A set of components, e.g. those with no price: bit COST_BIT(c) for component c. */
#define COST_BIT(c) (1u << (c))

/* The exchange rate that takes the store's prices into the scenario's currency. */
struct tco_fx {
	bool present;            /* false: the scenario is in the store's currency */
	char *from, *to;         /* ISO 4217 codes */
	double rate;             /* an amount in TO = the amount in FROM x RATE */
	char *date;              /* of the reference rates */
	char *source;
};

/*
 * A price from the store that priced a deployment (its own offer, a fallback's or
 * a burst's): what the freshness note and --max-price-age of estimate and compare
 * judge by its observed date.
 */
struct tco_price_used {
	char *deployment;        /* the deployment it priced */
	char *provider, *region, *instance_type, *purchase;
	char *observed;          /* YYYY, YYYY-MM or YYYY-MM-DD */
};
struct tco_prices_used {
	struct tco_price_used *items;
	size_t n, alloc;
};
/* Adds O for DEPLOYMENT unless the same offer is there for it already. */
void tco_prices_used_add(struct tco_prices_used *list, const char *deployment,
			 const struct tco_price_used *o);
void tco_prices_used_release(struct tco_prices_used *list);

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
	double per_million_tokens;                 /* the inference workloads' share of the
						      total (workload_cost) per million of
						      their tokens; NAN when no tokens */
	double gpu_hours_paid;                     /* rented (whole instances, commitments'
						      whole terms) or installed, used or not */
	double per_gpu_hour_paid;                  /* total / gpu_hours_paid; NAN when none */
	double per_pflop_hour;                     /* per_gpu_hour / the accelerator's dense
						      BF16 peak in PFLOP/s: what one PFLOP-hour
						      of its compute costs; NAN when unknown */
	int breakeven_month;                       /* 1-based; 0 = null */
	double p10, p50, p90;                      /* Monte Carlo of the total with shortages */
	double *cumulative_p10, *cumulative_p90;   /* the same of the cash paid up to the end
						      of each month (horizon_months entries) */
	double utilisation;                        /* on-prem: busy / installed over the horizon */
	double *workload_cost;                     /* per workload: the total split by the
						      GPU-hours each uses in the horizon
						      (a training run's fully loaded cost) */
	double committed_after_horizon;            /* what commitments still owe for their
						      terms' months past the horizon: paid in
						      the last month's compute, in the total */
	int committed_after_month;                 /* 0-based: the month that pays it */
	double delivered_fraction;                 /* of the GPU-hours demanded: training runs
						      whole, inference within the horizon (0-1) */
	struct pipeline_run *pipelines;            /* per workload: a pipeline's run here
						      (present for pipelines); owned */
	struct feature_store_run *feature_stores;  /* per workload: its feature store here
						      (present with one); owned */
	double *workload_wall_hours;               /* per workload: a training run's hours from
						      its start to its end on this deployment
						      (waits included; INFINITY never); NAN for
						      inference */
	unsigned incomplete;                       /* COST_BITs of components with no price,
						      counted as 0: the total is a lower bound */
	char *notes;                               /* what pricing it assumed, one per line;
						      or NULL */
	bool excluded;                             /* data residency, work undone or late */
	char *excluded_reason;                     /* what and how much, "; "-separated */
};

struct tco_result {
	const struct scenario *scenario;
	struct workload_demand *demand;            /* one per workload */
	size_t ndemand;
	struct deployment_result *deployments;     /* one per scenario deployment */
	size_t ndeployments;
	size_t nworkloads;                         /* the scenario's (it may not outlive this) */
	int cheapest;                              /* index, -1 if none qualifies */
	char *notes;                               /* assumptions made, one per line; or NULL */
	struct tco_fx fx;                          /* the conversion applied to the store's
						      prices (a copy of the input's) */
	struct tco_prices_used prices;             /* the store's offers used (tco_run) */
};

struct tco_options {
	uint64_t seed;                             /* default 1 */
	long trials;                               /* default 10000 */
};

int tco_run(struct db *db, const struct scenario *s, const struct tco_options *opts,
	    struct tco_result *out);
void tco_result_release(struct tco_result *r);

/*
 * The pure engine below works on hand-built inputs: tco_run() only resolves prices
 * and demand from the store (tco_prepare) and then calls tco_compute().
 */

/* Default spot interruptions per instance-day: 10% of instances a month (AWS advisor). */
#define SPOT_INTERRUPTIONS_PER_DAY_DEFAULT (0.10 * 12.0 / 365.0)
#define GPUS_PER_INSTANCE_DEFAULT 8

/*
 * A parallel file system's throughput tiers for the hot share: each month the
 * tier that costs least, charged on the hot data or on the capacity that
 * delivers the throughput, whichever is more (tco_hot_storage). N == 0: the
 * hot share is on block storage at one price per GB-month.
 */
#define HOT_TIERS_MAX 4
struct hot_tiers {
	size_t n;
	double mb_s_per_tib[HOT_TIERS_MAX];
	double per_gb_month[HOT_TIERS_MAX];
	double min_gb[HOT_TIERS_MAX];       /* capacity that delivers the throughput */
};

/* What one cloud deployment charges, resolved from the store or the overrides. */
struct cloud_pricing {
	bool present;
	char *provider;
	char *region;
	char *accelerator;
	int gpus_per_instance;
	bool whole_instances;               /* an offer's instance: each workload rents
					       whole ones; false: priced per GPU */
	bool no_cluster_fabric;             /* that offer has no cluster network (fabric.h):
					       inference replicas stay on one server */
	double on_demand_per_gpu_hour;      /* overflow above the mix is bought on demand */
	double *share_per_gpu_hour;         /* one per purchase share of the deployment */
	size_t nshares;
	struct egress_tier *egress_tiers;   /* ordered by start_gb */
	size_t negress_tiers;
	double block_per_gb_month;          /* hot share on block storage */
	struct hot_tiers hot_tiers;         /* or on a parallel FS (n > 0) */
	double object_per_gb_month;         /* the rest, in the data's cold class */
	double retrieval_per_gb;            /* cold classes: per GB read back (egress) */
	double spot_interruptions_per_day;  /* per instance */
	/* GPU-hours here that do one GPU-hour of the work of the deployment they
	 * stand in for (fallback, burst): the dense BF16 throughput ratio; 0 = 1. */
	double gpu_hours_factor;
	/* Which figures came from the store (in its currency, USD), not the scenario. */
	bool compute_from_store, egress_from_store, storage_from_store;
	struct tco_prices_used used;        /* the offers these figures came from
					       (deployment names unset) */
};


/* Where and on what a pipeline workload runs on one deployment (tco-pipeline.c). */
struct pipeline_run {
	bool present;                       /* a pipeline workload with a price */
	char *instance;                     /* NULL: the on-prem servers' host CPUs */
	double vcpus;                       /* per instance; on-prem: the cores */
	double price_per_hour;              /* per instance, in the scenario's currency */
	int instances;                      /* enough to meet its deadline */
	double wall_hours;
};

/*
 * A workload's feature store on one deployment (tco-feature.c): the online share
 * on memory-optimised instances (or a given price per GB-month), the offline
 * share on object storage; both in breakdown.storage.
 */
struct feature_store_run {
	bool present;                       /* the workload has a feature_store */
	char *instance;                     /* holds the online store; NULL: a given price,
					       the on-prem servers' memory, or none needed */
	double memory_gib, vcpus;           /* of that instance */
	double price_per_hour;              /* of that instance, in the scenario's currency */
	double nodes;                       /* instances' worth: sizes in a family scale
					       linearly, so a fraction is priced pro rata */
	double online_per_month;            /* a whole month, in the scenario's currency */
	double offline_per_gb_month;
	double offline_per_month;
	double total;                       /* over its months in the horizon */
};

struct deployment_input {
	struct workload_demand *demand;     /* one per workload, on this deployment's accelerator */
	struct pipeline_run *pipelines;     /* one per workload (present for pipelines) */
	struct feature_store_run *feature_stores;   /* one per workload (present with one) */
	struct cloud_pricing cloud;         /* cloud: its own; on-prem: its fallback; hybrid: burst */
	double shortage_fallback_per_gpu_hour;  /* NAN = no shortage fallback; per GPU-hour of
						   the accelerator the shortage hits */
	unsigned incomplete;                /* COST_BITs with no price (counted as 0) */
	struct strbuf notes;                /* what pricing this deployment assumed */
	/* Per workload, NULL when it runs here; else why it cannot on this
	 * deployment's accelerator (its demand above stays zero and the deployment
	 * is excluded), and the error a run with no other deployment stops with. */
	char **unfit;
	char **failed;
	double bf16_tflops;                 /* dense peak of the accelerator that does the
					       work (per_pflop_hour); 0 = unknown */
};

/* Egress destinations a data site prices separately (tiers of each). */
enum data_route { ROUTE_INTERNET, ROUTE_INTER_REGION, ROUTE_INTER_ZONE, ROUTE_NROUTES };

/*
 * Where the scenario's data lives when data.location names a place: its
 * provider's egress tiers and its storage prices (tco-data.c prices the reads).
 */
struct data_site {
	bool present;                       /* data.location given */
	char *provider, *region;            /* a cloud site; NULL for an on-prem one */
	const struct deployment *onprem;    /* the on-prem deployment holding the data */
	struct egress_tier *tiers[ROUTE_NROUTES];   /* out of the site, per route */
	size_t ntiers[ROUTE_NROUTES];
	double block_per_gb_month;          /* its hot share on block storage */
	struct hot_tiers hot_tiers;         /* or on a parallel FS (n > 0) */
	double object_per_gb_month;         /* the rest, in the data's cold class */
	double retrieval_per_gb;
};

struct tco_input {
	const struct scenario *scenario;
	struct deployment_input *deployments;   /* one per scenario deployment */
	struct workload_demand *demand;         /* one per workload, on its own accelerator */
	struct tco_options opts;
	struct strbuf notes;                    /* assumptions made while pricing */
	struct tco_fx fx;                       /* applied to every price from the store */
	struct tco_prices_used prices;          /* the store's offers used, per deployment */
	struct data_site data_site;             /* data.location's prices */
};

/* Everything from the store that the engine needs; tco_input_release() frees it. */
/*
 * What validate asks before estimate runs: that deployment K's offers are in the
 * store as tco_prepare looks them up (provider, instance, region, the chip without
 * an instance, a provider/region shortage fallback). Appends one line per problem,
 * "FILE:LINE:COL: deployments[K].FIELD: ...", to ERRORS.
 */
void tco_check(struct db *db, const struct scenario *s, size_t k, struct strbuf *errors);
/*
 * What validate asks of data.location (a provider/region): that the store knows
 * the provider and the region (one line per problem to ERRORS, "FILE:LINE:COL:
 * data.location: ..."), and has storage prices there (else a line to WARNINGS:
 * estimate counts the storage as 0 or prices it at another region's).
 */
void tco_check_data(struct db *db, const struct scenario *s, struct strbuf *errors,
		    struct strbuf *warnings);
int tco_prepare(struct db *db, const struct scenario *s, const struct tco_options *opts,
		struct tco_input *out);
void tco_input_release(struct tco_input *in);
void cloud_pricing_release(struct cloud_pricing *p);
/*
 * The rate from the store's currency (USD) to S's `currency`, through the ECB's
 * euro rates in the store; not present when they are the same. An unknown code is
 * an error naming the known ones. tco_prepare applies it; so does optimize.
 */
int tco_resolve_fx(struct db *db, const struct scenario *s, struct tco_fx *out);
void tco_fx_release(struct tco_fx *fx);
/* Pure and deterministic: the same input and seed give the same result. */
int tco_compute(const struct tco_input *in, struct tco_result *out);
void tco_deployment_result_release(struct deployment_result *r, size_t nworkloads);
/*
 * Deployment INDEX alone: its total and whether it is excluded, the same as
 * tco_compute's, without what only a report reads (the shortage's
 * percentiles and band, the per-workload figures, NPV, notes).
 */
int tco_deployment_total(const struct tco_input *in, size_t index, double *total,
			 bool *excluded);
/*
 * A month's cost of HOT_GB on the hot share's storage: BLOCK per GB-month, or
 * on TIERS (when any) the cheapest tier, whose index goes to *TIER (-1 for block).
 */
double tco_hot_storage(double block_per_gb_month, const struct hot_tiers *tiers, double hot_gb,
		       int *tier);

/*
 * Work thrown away on spot, as a fraction of the GPU-hours: a training job loses
 * half a checkpoint interval plus its restart whenever any of its instances is
 * taken back; an inference replica only its restart.
 */
double spot_recompute_fraction(const struct workload *w, const struct workload_demand *d,
			       double interruptions_per_day, int gpus_per_instance);

/*
 * The shortage that D meets: its own; else the one of the cloud deployment that
 * takes its cloud work (a hybrid's burst, an on-prem's fallback), since those
 * hours are bought from it. Check ->present.
 */
const struct shortage_spec *tco_shortage_spec(const struct scenario *s,
					      const struct deployment *d);

/*
 * The cheapest deployment after R's cheapest that is not excluded and does not
 * cost the same (a twin is no alternative); -1 when none.
 */
int tco_runner_up(const struct tco_result *r);
/* Appends the names of the components in INCOMPLETE to OUT, ", "-separated. */
void tco_incomplete_names(unsigned incomplete, struct strbuf *out);
/* Do deployments A and B of R cost the same (to a relative 1e-9)? */
bool tco_same_total(const struct tco_result *r, int a, int b);

/*
 * Data gravity (tco-data.c). The GB of the scenario's data that D's workloads
 * read month by month (READ_GB, horizon_months entries): each training run
 * reads data_read, else epochs x data.stored, spread over its wall time; each
 * pipeline its input over its RUNS' wall time (RUNS may be NULL).
 */
void tco_data_reads(const struct scenario *s, const struct workload_demand *demand,
		    const struct pipeline_run *runs, double *read_gb);
/*
 * GB/s at which the training runs read the data while they run (DEMAND: their
 * wall time), summed over the runs that share a month: the most of any month.
 */
double tco_data_read_peak_gb_s(const struct scenario *s, const struct workload_demand *demand);
/*
 * Deployment D's storage and egress when the data lives at SITE, replacing the
 * months' COST_STORAGE and COST_EGRESS in BY (computed as if the data lived with
 * D): reads cross to D on the site's tiers, or (data.replicate) the data is
 * copied once. EGRESS_GB is D's egress as computed (data egress included).
 * Appends to NOTES what each plan costs and which is cheaper.
 */
void tco_data_costs(const struct scenario *s, const struct deployment *d,
		    const struct deployment_input *din, const struct data_site *site,
		    const double *egress_gb, double (*by)[COST_NCOMPONENTS], struct strbuf *notes);
void data_site_release(struct data_site *site);
/*
 * Pipelines (tco-pipeline.c): RUN's instances for the workload's vcpu_hours,
 * enough of them to end within its deadline (one without), and the wall time;
 * -1 with the error set when no int holds that many.
 */
int tco_pipeline_size(const struct workload *w, struct pipeline_run *run);
/* Each pipeline's CPU cost and labelling, pro rata over its run, into BY. */
void tco_pipeline_costs(const struct scenario *s, const struct pipeline_run *runs,
			double (*by)[COST_NCOMPONENTS]);
/* A pipeline's whole cost on its run: CPU plus labelling. */
double tco_pipeline_cost(const struct workload *w, const struct pipeline_run *run);
/*
 * Feature stores (tco-feature.c). Usable memory of an in-memory store node: 75%
 * (ElastiCache reserves 25% for overhead by default), the rest for replication
 * buffers and fragmentation.
 */
#define FEATURE_STORE_USABLE_MEMORY 0.75
/* Instances' worth of an instance of MEMORY_GIB and VCPUS that holds FS's online
 * share and serves its reads; 0 when it has neither. */
double tco_feature_store_nodes(const struct feature_store_spec *fs, double memory_gib,
			       double vcpus);
/* Each workload's feature store in the months it is kept, into BY's storage;
 * sets each run's total. */
void tco_feature_store_costs(const struct scenario *s, struct feature_store_run *runs,
			     double (*by)[COST_NCOMPONENTS]);
void feature_store_runs_release(struct feature_store_run *runs, size_t n);
/* How D reaches the data at SITE: a data_route, DATA_LOCAL (free) or DATA_TRANSIT
 * (the on-prem site's transit). */
#define DATA_LOCAL (-1)
#define DATA_TRANSIT ROUTE_NROUTES
int tco_data_route(const struct data_site *site, const struct deployment *d);

/* Cost of GB gigabytes sent in one calendar month on cumulative tiers. */
double egress_cost(const struct egress_tier *tiers, size_t ntiers, double gb);
/* Net present value: month m's cash discounted by (1 + rate)^(m/12). */
double tco_npv(const double *monthly, int months, double discount_rate);
/*
 * First month (1-based) at whose end CUMULATIVE is at or below BASELINE and stays
 * there to the horizon; 0 when never.
 */
int tco_breakeven_month(const double *cumulative, const double *baseline, int months);
/* The same for deployment ROW against COLUMN of R, on cash without the residual
 * credit (as each deployment's breakeven_month against the baseline). */
int tco_pair_breakeven(const struct tco_result *r, size_t row, size_t column);
/*
 * Busy accelerator-hours, tokens served and egress GB of the scenario's workloads,
 * month by month (each array has horizon_months entries), from their demand.
 */
void tco_demand_profile(const struct scenario *s, const struct workload_demand *demand,
			double *gpu_hours, double *tokens, double *egress_gb);
/* The same for workload ONLY alone (no data egress); ONLY >= nworkloads is all of them. */
void tco_workload_profile(const struct scenario *s, const struct workload_demand *demand,
			  size_t only, double *gpu_hours, double *tokens, double *egress_gb);

/*
 * Sensitivity (tco-sensitivity.c): every input that can move the answer is set
 * STEP below and above its value (0.2 = ±20%) and the engine re-run. The answer
 * is the cheapest deployment's lead over the runner-up (or its total when it is
 * the only one); SWING is how far that lead moves. Sorted by swing, largest first.
 */
struct sensitivity {
	char *input;                 /* "deployments.aws price per GPU-hour" */
	double low_usd, high_usd;    /* the answer with the input at -STEP / +STEP */
	double swing_usd;            /* |high - low| */
	bool flips;                  /* the cheapest deployment changes at one end */
};
/* BASE: tco_compute's result for IN (its totals are read), or NULL to compute it here. */
int tco_sensitivity(const struct tco_input *in, const struct tco_result *base, double step,
		    struct sensitivity **out, size_t *n);
void sensitivity_release(struct sensitivity *list, size_t n);

/*
 * Shortage percentiles (shortage.c). Each month (or, with once, the whole
 * deployment) meets a shortage with probability P; a hit adds that month's EXTRA
 * (with once, every month's). Computed exactly when the totals this can reach are
 * few (a strike once; months of equal extras: a binomial), else by a seeded Monte
 * Carlo of TRIALS trials. Portable: splitmix64 only.
 */
struct shortage_stats {
	double mean;                        /* the exact expectation, P x EXTRA */
	double *mean_monthly;               /* months entries; caller frees */
	double p10, p50, p90;               /* of BASE + extra (nearest rank) */
	double *cumulative_p10;             /* months entries, caller frees: P10 and */
	double *cumulative_p90;             /* P90 of the extra paid up to each month */
};
uint64_t splitmix64(uint64_t *state);
double random_uniform(uint64_t *state);    /* [0, 1), 53 bits */
int shortage_simulate(double base_total, const double *extra, int months, double probability,
		      bool once, long trials, uint64_t seed, struct shortage_stats *out);
/* The expected extra of each month, P x EXTRA, into MONTHLY: shortage_stats.mean_monthly. */
void shortage_expected(const double *extra, int months, double probability, double *monthly);
/* The draws alone, even where the exact distribution is small (tests compare both). */
int shortage_sample(double base_total, const double *extra, int months, double probability,
		    bool once, long trials, uint64_t seed, struct shortage_stats *out);

#endif
