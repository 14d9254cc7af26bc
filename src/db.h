/*
 * The price store: the only module that includes sqlite3.h. Owns the schema,
 * migrations and every statement. See README "Architecture".
 *
 * Contract for other modules (issue 4 implements it; extend, don't rename):
 * everything returns 0 / a pointer on success, -1 / NULL with error_set() on failure.
 */
#ifndef AICOST_DB_H
#define AICOST_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* The purchase vocabulary, one spelling everywhere. */
#define PURCHASE_OPTIONS \
	"on-demand", "spot", "reserved-1y", "reserved-3y", "savings-1y", "savings-3y", \
	"commit-1y", "commit-3y"
bool purchase_option_valid(const char *name);
/* Hours of the term a commitment bills (8760 or 26280); 0 for on-demand and spot. */
double purchase_term_hours(const char *name);

struct accelerator {
	char *name;               /* canonical: "H100-SXM", "TPU-v5e", "A100-80GB" */
	char *vendor;             /* NVIDIA, AMD, Google, AWS */
	char *kind;               /* gpu, tpu, asic */
	double memory_gb;
	double bf16_tflops;       /* dense peak; never the 2:4-sparse figure */
	double fp8_tflops;        /* 0 when the chip has no FP8 */
	double hbm_tbps;
	double tdp_w;             /* 0 when not published */
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
	char *storage_class;      /* hot, cool, cold, archive, block, parallel-fs */
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

/* One recorded price snapshot (pricing sources). */
struct snapshot_info {
	int64_t id;
	char *provider;
	char *source;
	char *fetched_at;         /* when it entered the store, UTC ISO 8601 */
	char *observed;           /* newest observed date among its rows */
	char *status;             /* ok, failed */
	char *message;            /* why it failed; NULL when ok */
	long offer_rows, egress_rows, storage_rows;
	bool current;             /* still the newest for some region (and purchase option) */
};

struct snapshot_list {
	struct snapshot_info *items;
	size_t n, alloc;
};

struct db;

/* Resolves --db / AICOST_DB / $XDG_DATA_HOME/aicost/prices.db into PATH. */
int db_default_path(const char *override, struct strbuf *path);
/* Opens (creating directories and schema, seeding from the shipped catalog when empty). */
struct db *db_open(const char *path);
/*
 * The same for commands that only read: a store the user may read but not write
 * (a shared or packaged one) is opened read-only, without migrating or seeding.
 */
struct db *db_open_for_reading(const char *path);
/* Same, seeding from CATALOG_DIR; NULL searches (see catalog.h), "" never seeds. */
struct db *db_open_catalog(const char *path, const char *catalog_dir);
void db_close(struct db *db);
/* The schema version this build writes (PRAGMA user_version). */
int db_schema_version(void);
/* Migrates only up to VERSION: how tests build a store as an older aicost left it. */
struct db *db_open_version(const char *path, const char *catalog_dir, int version);
int db_user_version(struct db *db, int *out);
const char *db_path(const struct db *db);
/* True when the last failure was the machine's (disk full, busy, I/O), not the data's. */
bool db_failed_environment(const struct db *db);

/* One transaction around several writes (import, seeding); snapshots nest inside. */
int db_transaction_begin(struct db *db);
int db_transaction_commit(struct db *db);
void db_transaction_rollback(struct db *db);

int db_find_accelerator(struct db *db, const char *name_or_alias, struct accelerator *out);
void accelerator_release(struct accelerator *a);
/* Inserts or replaces an accelerator with its aliases ("A100*" marks an ambiguous alias). */
int db_put_accelerator(struct db *db, const struct accelerator *a);
int db_list_accelerators(struct db *db, struct accelerator_list *out);
void accelerator_list_release(struct accelerator_list *list);
/* Normalised lookup key: lower case, letters and digits only ("H100 SXM" -> "h100sxm"). */
void accelerator_key(const char *name, struct strbuf *out);

/* Offers matching FILTER from the newest successful snapshot of each provider,
 * region and purchase option (a snapshot replaces only the options it has). */
int db_query_offers(struct db *db, const struct offer_filter *filter, struct offer_list *out);
void offer_list_release(struct offer_list *list);
void offer_release(struct offer *o);
/* Unit conversions of an offer's price; NAN when the divisor is unknown or zero. */
double offer_price_per_accelerator_hour(const struct offer *o);
/* Per dense BF16 PFLOP-hour: price / (accelerators × BF16 TFLOPS / 1000). */
double offer_price_per_pflop_hour(const struct offer *o);
/* Interruptions per instance-day: the monthly rate over 730 / 24 days; NAN when unknown. */
double offer_interruptions_per_day(const struct offer *o);
/* Every stored price of INSTANCE (optionally in REGION) across all snapshots, oldest first. */
int db_offer_history(struct db *db, const char *instance_type, const char *region,
		     struct offer_list *out);
/* Providers with current offers, sorted; for validating --provider. */
int db_providers(struct db *db, char ***names, size_t *n);

/* Egress tiers for provider/scope/destination, ordered by start_gb (falls back to "global"). */
int db_egress_tiers(struct db *db, const char *provider, const char *scope,
		    const char *destination, struct egress_tier_list *out);
void egress_tier_list_release(struct egress_tier_list *list);
int db_storage_price(struct db *db, const char *provider, const char *region,
		     const char *storage_class, struct storage_price *out);
void storage_price_release(struct storage_price *p);
/* Every current egress tier / storage price (export). */
int db_list_egress_tiers(struct db *db, struct egress_tier_list *out);
int db_list_storage_prices(struct db *db, struct storage_price_list *out);
void storage_price_list_release(struct storage_price_list *list);

int db_fact(struct db *db, const char *key, struct fact *out);
int db_put_fact(struct db *db, const struct fact *f);
int db_list_facts(struct db *db, struct fact_list *out);
void fact_release(struct fact *f);
void fact_list_release(struct fact_list *list);

/* Every snapshot, newest first. */
int db_list_snapshots(struct db *db, struct snapshot_list *out);
void snapshot_list_release(struct snapshot_list *list);

/*
 * Writing a snapshot (pricing update, import): begin opens one transaction and a
 * snapshot row; inserts go through prepared statements; commit makes the provider's
 * new prices visible at once; rollback leaves the previous prices untouched.
 */
int64_t db_snapshot_begin(struct db *db, const char *provider, const char *source);
/* Returns 1 (nothing stored, error set) when the snapshot already holds an offer for
 * the same region, zone, instance type, component and purchase option. An accelerator
 * named by an alias ("H100", "nvidia-tesla-t4") is stored under its canonical name;
 * one the store does not know is kept as given (it then has no specs). */
int db_snapshot_add_offer(struct db *db, int64_t snapshot, const struct offer *o);
int db_snapshot_add_egress_tier(struct db *db, int64_t snapshot, const struct egress_tier *t);
int db_snapshot_add_storage_price(struct db *db, int64_t snapshot, const struct storage_price *p);
int db_snapshot_commit(struct db *db, int64_t snapshot);
void db_snapshot_rollback(struct db *db, int64_t snapshot);
/* Remembers a failed attempt (pricing sources shows it); prices stay untouched. */
int db_snapshot_record_failure(struct db *db, const char *provider, const char *source,
			       const char *message);

/* HTTP validators remembered per URL, for conditional requests. */
int db_get_validators(struct db *db, const char *url, struct strbuf *etag,
		      struct strbuf *last_modified);
int db_set_validators(struct db *db, const char *url, const char *etag,
		      const char *last_modified);

#endif
