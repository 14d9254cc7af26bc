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
};

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
};

struct egress_tier {
	char *provider;
	char *scope;              /* region, or "global" */
	char *destination;        /* internet, inter-region, inter-zone */
	double start_gb;          /* tier applies to the month's GB in [start_gb, end_gb) */
	double end_gb;            /* INFINITY for the last tier */
	double price_per_gb;
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
};

struct db;

/* Resolves --db / AICOST_DB / $XDG_DATA_HOME/aicost/prices.db into PATH. */
int db_default_path(const char *override, struct strbuf *path);
/* Opens (creating directories and schema, seeding from the shipped catalog when empty). */
struct db *db_open(const char *path);
void db_close(struct db *db);

int db_find_accelerator(struct db *db, const char *name_or_alias, struct accelerator *out);
void accelerator_release(struct accelerator *a);

/* Offers from the newest successful snapshot of each provider, matching FILTER. */
int db_query_offers(struct db *db, const struct offer_filter *filter, struct offer_list *out);
void offer_list_release(struct offer_list *list);
void offer_release(struct offer *o);

/* Egress tiers for provider/scope/destination, ordered by start_gb (falls back to "global"). */
int db_egress_tiers(struct db *db, const char *provider, const char *scope,
		    const char *destination, struct egress_tier_list *out);
void egress_tier_list_release(struct egress_tier_list *list);
int db_storage_price(struct db *db, const char *provider, const char *region,
		     const char *storage_class, struct storage_price *out);
void storage_price_release(struct storage_price *p);

/*
 * Writing a snapshot (pricing update, import): begin opens one transaction and a
 * snapshot row; inserts go through prepared statements; commit makes the provider's
 * new prices visible at once; rollback leaves the previous prices untouched.
 */
int64_t db_snapshot_begin(struct db *db, const char *provider, const char *source);
int db_snapshot_add_offer(struct db *db, int64_t snapshot, const struct offer *o);
int db_snapshot_add_egress_tier(struct db *db, int64_t snapshot, const struct egress_tier *t);
int db_snapshot_add_storage_price(struct db *db, int64_t snapshot, const struct storage_price *p);
int db_snapshot_commit(struct db *db, int64_t snapshot);
void db_snapshot_rollback(struct db *db, int64_t snapshot);

/* HTTP validators remembered per URL, for conditional requests. */
int db_get_validators(struct db *db, const char *url, struct strbuf *etag,
		      struct strbuf *last_modified);
int db_set_validators(struct db *db, const char *url, const char *etag,
		      const char *last_modified);

#endif
