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

/*
 * The optimizer's scan of current whole-instance offers, without loading them
 * all: begin (choosing the providers and regions to read), list an accelerator's
 * groups (a size, a purchase option and a fabric, with the lowest price any of
 * its offers has), read or count a group cheapest first, end.
 */
struct offer_scan {
	/* Read offers of PROVIDER in REGION? Asked once per current pair; NULL = all. */
	bool (*allow)(void *ctx, const char *provider, const char *region);
	void *ctx;
	double max_price_per_accelerator_hour;   /* as stored; 0 = no limit */
};
struct offer_group {
	int accelerator_count;
	const char *purchase;         /* static: one of PURCHASE_OPTIONS */
	const char *interconnect;     /* static: one of FABRIC_NAMES; NULL for rows stored
					 before fabrics were (each gets its family's) */
	double interconnect_gbps;
	double min_price;             /* per hour: none of the group costs less */
};
struct offer_scanner;
/* NULL with the error when the store cannot be read. */
struct offer_scanner *db_scan_begin(struct db *db, const struct offer_scan *scan);
void db_scan_end(struct offer_scanner *s);
int db_scan_groups(struct offer_scanner *s, const char *accelerator, struct offer_group **out,
		   size_t *n);
/*
 * Calls EACH for the group's offers that pass the filters, cheapest first, with
 * what the index holds: region, price, snapshot, the group's fields, row_id (and
 * for a row stored without a fabric, everything). The offer and its strings
 * belong to the store and last only for the call (copy what is kept). EACH
 * returns 1 to stop (the rest cost more), -1 to stop with its error.
 */
int db_scan_group(struct offer_scanner *s, const char *accelerator,
		  const struct offer_group *g, int (*each)(void *ctx, struct offer *o),
		  void *ctx);
/* Within EACH (or after db_scan_count): reads the rest of O's row (provider,
 * zone, instance type, spot interruptions, ...); valid until the next call. */
int db_scan_complete(struct offer_scanner *s, struct offer *o);
/* How many of the group's offers pass the filters, and the cheapest, completed. */
int db_scan_count(struct offer_scanner *s, const char *accelerator, const struct offer_group *g,
		  size_t *count, struct offer *cheapest);
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
