/*
 * The price store: the only module that includes sqlite3.h. Owns the schema,
 * migrations and every statement. See README "Architecture". The domain types
 * it stores and returns (accelerators, offers, ...) are prices.h's: only the
 * store, the importers that write it and the commands include this header.
 *
 * Contract for other modules (issue 4 implements it; extend, don't rename):
 * everything returns 0 / a pointer on success, -1 / NULL with error_set() on failure.
 */
#ifndef AICOST_DB_H
#define AICOST_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "price-lookup.h"
#include "prices.h"
#include "strbuf.h"

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

/* How many prices were observed on one date: of one snapshot (every row it holds),
 * or of one provider's current prices (those the engine reads). */
struct observed_rows {
	int64_t snapshot_id;      /* 0 in a provider's count */
	char *provider;           /* NULL in a snapshot's count */
	char *observed;
	long rows;
};

struct observed_rows_list {
	struct observed_rows *items;
	size_t n, alloc;
};

struct db;

/* Resolves --db / AICOST_DB / $XDG_DATA_HOME/aicost/prices.db into PATH. */
int db_default_path(const char *override, struct strbuf *path);
/*
 * Opens (creating directories and schema; migrating). Only the store: the catalog
 * is not read here. TARGET_VERSION is db_schema_version() but in tests; READING:
 * a store the user may read but not write is opened read-only.
 */
struct db *db_open_unseeded(const char *path, int target_version, bool reading);
bool db_read_only(const struct db *db);
/*
 * A store that does not exist yet is built privately (a new file beside PATH,
 * migrated to TARGET_VERSION, written without journal or syncs) and then
 * published: db_publish syncs it once, links it to PATH unless another process
 * created a store there first (then that one is kept), syncs the directory and
 * closes DB. A crash leaves no store or a complete one. db_publish returns 1
 * (error set) when the file system cannot link: create the store in place then.
 */
struct db *db_create_private(const char *path, int target_version);
/*
 * The same, starting from a copy of SOURCE, a store seeded at build time from the
 * shipped catalog, when it has TARGET_VERSION and records FINGERPRINT
 * (catalog_fingerprint) as its catalog's; its snapshots read as taken in now.
 * NULL with error set when it cannot be read or does not match: seed instead.
 */
struct db *db_create_private_copy(const char *path, int target_version, const char *source,
				  const char *fingerprint);
int db_publish(struct db *db);
/*
 * Whether the store was seeded; marking it records the catalog it came from and,
 * unless NULL, that catalog's fingerprint.
 */
int db_seeded(struct db *db, bool *seeded);
int db_mark_seeded(struct db *db, const char *catalog_dir, const char *fingerprint);

/*
 * Opening for the commands and the tests: the store seeded from the shipped catalog
 * when empty. Defined in store-open.c, above both the store and the catalog loader
 * (db.c never calls into catalog.c).
 */
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

/* The canonical name of NAME_OR_ALIAS into *CANONICAL (caller frees); -1 with
 * db_find_accelerator's error when unknown. Remembered: cheap per imported row. */
int db_canonical_accelerator(struct db *db, const char *name_or_alias, char **canonical);
/* Inserts or replaces an accelerator with its aliases ("A100*" marks an ambiguous alias). */
int db_put_accelerator(struct db *db, const struct accelerator *a);

/* Every stored price of INSTANCE (optionally in REGION) across all snapshots, oldest first. */
int db_offer_history(struct db *db, const char *instance_type, const char *region,
		     struct offer_list *out);

/* The lookups the engine makes (db_find_accelerator, db_list_accelerators,
 * db_query_offers, the optimizer's db_scan_*, db_providers, db_egress_tiers, db_storage_price,
 * db_fact, db_list_facts): price-lookup.h. */

/* Every current egress tier / storage price (export). */
int db_list_egress_tiers(struct db *db, struct egress_tier_list *out);
int db_list_storage_prices(struct db *db, struct storage_price_list *out);

int db_put_fact(struct db *db, const struct fact *f);

/* Every snapshot, newest first. */
int db_list_snapshots(struct db *db, struct snapshot_list *out);
void snapshot_list_release(struct snapshot_list *list);
/* Rows per observed date: of each snapshot (offers, egress tiers, storage prices)
 * and of each provider's current ones (pricing sources). */
int db_snapshot_observed_rows(struct db *db, struct observed_rows_list *out);
int db_current_observed_rows(struct db *db, struct observed_rows_list *out);
void observed_rows_list_release(struct observed_rows_list *list);

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
/*
 * The N OFFERS in order, as db_snapshot_add_offer would store them, several to a
 * statement (a bulk import's rows cost less so). On the first one refused, its
 * index goes to *FAILED and its result (error set) is returned.
 */
int db_snapshot_add_offers(struct db *db, int64_t snapshot, const struct offer *offers,
			   size_t n, size_t *failed);
int db_snapshot_add_egress_tier(struct db *db, int64_t snapshot, const struct egress_tier *t);
int db_snapshot_add_storage_price(struct db *db, int64_t snapshot, const struct storage_price *p);
int db_snapshot_commit(struct db *db, int64_t snapshot);
void db_snapshot_rollback(struct db *db, int64_t snapshot);
/* Before commit, when SNAPSHOT is its provider's whole market in the regions for
 * which COVERS says true: the provider's current region and purchase options there
 * that SNAPSHOT does not price stop being current (no longer offered). Commit or
 * rollback decides with the rest. Returns how many, or -1. */
long db_snapshot_retire_missing(struct db *db, int64_t snapshot,
				bool (*covers)(const char *region, void *ctx), void *ctx);
/* Remembers a failed attempt (pricing sources shows it); prices stay untouched. */
int db_snapshot_record_failure(struct db *db, const char *provider, const char *source,
			       const char *message);

/* HTTP validators remembered per URL, for conditional requests. */
int db_get_validators(struct db *db, const char *url, struct strbuf *etag,
		      struct strbuf *last_modified);
int db_set_validators(struct db *db, const char *url, const char *etag,
		      const char *last_modified);

#endif
