/*
 * The domain model of prices, apart from the store that keeps them: accelerators,
 * offers, egress tiers, storage prices and reference facts; the purchase-option
 * vocabulary and its terms; an offer's unit conversions. Pure: no I/O. The store
 * (db.h) reads and writes these; the engine, the loaders and the fetchers use
 * them without the store.
 */
#ifndef AICOST_PRICES_H
#define AICOST_PRICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* The purchase vocabulary, one spelling everywhere. */
#define PURCHASE_OPTIONS \
	"on-demand", "spot", "reserved-1y", "reserved-3y", "savings-1y", "savings-3y", \
	"commit-1y", "commit-3y"
bool purchase_option_valid(const char *name);
/* Months of the term a commitment bills (12 or 36); 0 for on-demand, spot and NULL.
 * The one term rule: the engine, optimize and the store all ask it. */
int purchase_term_months(const char *name);
/* The same term in hours (8760 a year: 8760 or 26280). */
double purchase_term_hours(const char *name);

/*
 * Provenance, which every price row carries: confidence "exact" or "approx", a
 * non-empty source, and the date observed as YYYY, YYYY-MM or YYYY-MM-DD (sources
 * date some figures only to the year) naming a real calendar day: 2025-02-31 and
 * 2025-13-01 are typos, 2024-02-29 is a date. The one rule for the store, the
 * catalog loader and the fetchers.
 */
bool provenance_confidence_valid(const char *confidence);
bool provenance_observed_valid(const char *observed);
/* NULL when valid; otherwise the first bad field ("confidence", "source" or
 * "observed") with the reason in the error channel, prefixed "WHAT: ". */
const char *provenance_check(const char *what, const char *confidence, const char *source,
			     const char *observed);

struct accelerator {
	char *name;               /* canonical: "H100-SXM", "TPU-v5e", "A100-80GB" */
	char *vendor;             /* NVIDIA, AMD, Google, AWS */
	char *kind;               /* gpu, tpu, asic */
	double memory_gb;
	double bf16_tflops;       /* dense peak; never the 2:4-sparse figure */
	double fp8_tflops;        /* 0 when the chip has no FP8 */
	double hbm_tbps;
	double tdp_w;             /* 0 when not published */
	double scaleup_gb_s;      /* NVLink/ICI per accelerator, both directions; 0 = unknown */
	double scaleout_gb_s;     /* network per accelerator, one direction; 0 = unknown */
	char *interconnect_source;
	int scaleup_domain;       /* accelerators sharing the scale-up fabric; 0 = the model's
				     calibration (set per offer by optimize, never stored) */
	bool no_cluster_fabric;   /* on an offer whose instances no cluster network joins:
				     inference keeps each replica on one server (set per
				     offer by optimize and estimate, never stored) */
	/* Provenance and lookup (extensions; NULL/0 when unknown). */
	char *confidence;         /* "exact" or "approx" */
	char *source;
	char *observed;
	char *note;
	char **aliases;           /* db_put_accelerator input / db_list_accelerators output */
	size_t naliases;
	bool ambiguous;           /* the name given was an ambiguous alias ("A100") */
};

struct accelerator_list {
	struct accelerator *items;
	size_t n, alloc;
};

struct offer {
	char *provider;           /* aws, azure, gcp, lambda, coreweave, runpod, ... */
	char *region;
	char *zone;               /* NULL when the price is regional */
	char *instance_type;
	char *accelerator;        /* canonical accelerator name */
	int accelerator_count;
	double vcpus;
	double memory_gib;
	double accelerator_memory_gb;  /* per accelerator, from the accelerator table */
	double bf16_tflops;            /* per accelerator, from the accelerator table */
	char *purchase;           /* one of PURCHASE_OPTIONS */
	double price_per_hour;    /* effective hourly price for the whole instance */
	char *currency;
	char *observed;           /* YYYY-MM-DD the price was observed / effective */
	char *source;             /* URL or catalog file the row came from */
	char *confidence;         /* "exact" or "approx" */
	int64_t snapshot_id;
	/*
	 * What the price buys (extension). NULL or "instance": a whole machine. GCP
	 * prices some machines in parts: "host" is the VM without its accelerators,
	 * "accelerator" the accelerators attached on top of a host (instance_type
	 * then reads "A100-40GB:2"). Queries return instances unless asked otherwise.
	 */
	char *component;
	char *note;               /* free text from the source, e.g. a published range */
	/*
	 * Spot only (extension): the fraction of instances taken back per month, NAN
	 * when unknown. Writers must set NAN explicitly ({ 0 } means "never").
	 * AWS publishes buckets; aicost stores their midpoints (AWS_SPOT_BUCKET_RATES).
	 */
	double interruptions_per_month;
	/*
	 * The cluster network between instances (extension; fabric.h): one of
	 * FABRIC_NAMES and its Gb/s per instance. NULL when the source gave none:
	 * the store then records its family's (fabric_for).
	 */
	char *interconnect;
	double interconnect_gbps;
	int64_t row_id;           /* the store's row, in the optimizer's scan; else 0 */
};

/* Midpoints of the Spot Advisor buckets <5%, 5-10%, 10-15%, 15-20%, >20% (the
 * open-ended last one assumed 22.5%): an assumption, documented in aicost-pricing(1). */
#define AWS_SPOT_BUCKET_RATES { 0.025, 0.075, 0.125, 0.175, 0.225 }

struct offer_list {
	struct offer *items;
	size_t n, alloc;
};

struct offer_filter {
	const char *accelerator;      /* name or alias; NULL = any */
	const char *providers;        /* comma-separated; NULL = any */
	const char *region_glob;      /* fnmatch pattern; NULL = any */
	const char *purchase;         /* NULL = any */
	const char *instance_type;    /* exact; NULL = any */
	int min_accelerators;
	double min_memory_gb;         /* per accelerator */
	double max_price;             /* per hour; 0 = no limit */
	bool all_components;          /* also host and accelerator parts (export) */
};

struct egress_tier {
	char *provider;
	char *scope;              /* region, or "global" */
	char *destination;        /* internet, inter-region, inter-zone */
	double start_gb;          /* tier applies to the month's GB in [start_gb, end_gb) */
	double end_gb;            /* INFINITY for the last tier */
	double price_per_gb;
	char *confidence;         /* extension: provenance, NULL when unknown */
	char *source;
	char *observed;
	char *note;
};

struct egress_tier_list {
	struct egress_tier *items;
	size_t n, alloc;
};

struct storage_price {
	char *provider;
	char *region;
	char *storage_class;      /* hot, cool, cold, archive, block, parallel-fs (its
				     125 MB/s/TiB tier), parallel-fs-250|500|1000 */
	char *product;            /* "S3 Standard", "EBS gp3", ... */
	double price_per_gb_month;
	double retrieval_per_gb;
	double min_days;
	char *confidence;         /* extension: provenance, NULL when unknown */
	char *source;
	char *observed;
	char *note;
};

struct storage_price_list {
	struct storage_price *items;
	size_t n, alloc;
};

/* A reference figure for on-prem defaults (pricing/onprem.csv): a value or a range. */
struct fact {
	char *key;                /* "power-price-us-industrial", "pue-industry-average" */
	double low;               /* NAN when the source gives no number */
	double high;              /* == low for a single figure; NAN when open-ended */
	char *unit;
	char *confidence;
	char *source;
	char *observed;
	char *note;
};

struct fact_list {
	struct fact *items;
	size_t n, alloc;
};

/* Normalised lookup key: lower case, letters and digits only ("H100 SXM" -> "h100sxm"). */
void accelerator_key(const char *name, struct strbuf *out);
void accelerator_release(struct accelerator *a);
/* A deep copy of FROM into TO (released with accelerator_release). */
void accelerator_copy(struct accelerator *to, const struct accelerator *from);
void accelerator_list_release(struct accelerator_list *list);

void offer_release(struct offer *o);
void offer_list_release(struct offer_list *list);
/* Unit conversions of an offer's price; NAN when the divisor is unknown or zero. */
double offer_price_per_accelerator_hour(const struct offer *o);
/* Per dense BF16 PFLOP-hour: price / (accelerators × BF16 TFLOPS / 1000). */
double offer_price_per_pflop_hour(const struct offer *o);
/* Price per vCPU-hour of a CPU instance (no accelerators); NAN otherwise. */
double offer_price_per_vcpu_hour(const struct offer *o);
/*
 * The family of a CPU instance from its provider's naming: "general" (AWS m/t,
 * Azure D/B, GCP *-standard), "compute" (AWS c, Azure F, GCP c2/c2d/h3 and
 * *-highcpu) or "memory" (AWS r/x/z/u, Azure E/M, GCP *-highmem, m1-m3); NULL
 * for an accelerator instance or a name no rule knows.
 */
const char *offer_cpu_family(const struct offer *o);
#define CPU_FAMILIES "general", "compute", "memory"
/* Interruptions per instance-day: the monthly rate over 730 / 24 days; NAN when unknown. */
double offer_interruptions_per_day(const struct offer *o);

void egress_tier_list_release(struct egress_tier_list *list);
void storage_price_release(struct storage_price *p);
void storage_price_list_release(struct storage_price_list *list);
void fact_release(struct fact *f);
void fact_list_release(struct fact_list *list);

#endif
