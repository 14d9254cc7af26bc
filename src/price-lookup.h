/*
 * What the engine may ask the price store (tco-prepare.c, optimize.c): read-only
 * lookups of current prices. Implemented by db.c; opening, writing, migrating and
 * snapshots stay behind db.h, which only the store, the importers and the commands
 * include. A caller gets the open store (struct db) from its command.
 */
#ifndef AICOST_PRICE_LOOKUP_H
#define AICOST_PRICE_LOOKUP_H

#include <stddef.h>

#include "prices.h"

struct db;

/* An accelerator by canonical name or alias; -1 (with a "did you mean") when unknown. */
int db_find_accelerator(struct db *db, const char *name_or_alias, struct accelerator *out);
/* Every accelerator with its aliases. */
int db_list_accelerators(struct db *db, struct accelerator_list *out);

/* Offers matching FILTER from the newest successful snapshot of each provider,
 * region and purchase option (a snapshot replaces only the options it has). */
int db_query_offers(struct db *db, const struct offer_filter *filter, struct offer_list *out);

/* What the optimizer's scan reads: current whole-instance offers with accelerators. */
struct offer_scan {
	const char *providers;        /* comma-separated; NULL = any */
	const char *accelerators;     /* comma-separated canonical names; NULL = any */
	const char *exclude_purchase; /* one option left out ("spot"); NULL = none */
	double max_price_per_accelerator_hour;   /* as stored; 0 = no limit */
};
/*
 * Calls EACH for every such offer, one at a time, without loading them all: the
 * offer and its strings belong to the store and last only for the call (copy what
 * is kept). A row stored without an interconnect gets its family's. EACH returns
 * -1 to stop with its error.
 */
int db_scan_offers(struct db *db, const struct offer_scan *scan,
		   int (*each)(void *ctx, const struct offer *o), void *ctx);
/* Providers with current offers, sorted; for validating --provider. */
int db_providers(struct db *db, char ***names, size_t *n);

/* Egress tiers for provider/scope/destination, ordered by start_gb (falls back to "global"). */
int db_egress_tiers(struct db *db, const char *provider, const char *scope,
		    const char *destination, struct egress_tier_list *out);
int db_storage_price(struct db *db, const char *provider, const char *region,
		     const char *storage_class, struct storage_price *out);

int db_fact(struct db *db, const char *key, struct fact *out);
int db_list_facts(struct db *db, struct fact_list *out);

#endif
