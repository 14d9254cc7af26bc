/*
 * The shipped catalog (the CSV files in pricing/) and the aicost CSV format it is written in,
 * which is also what `pricing export` writes and `pricing import` reads. Everything
 * goes into the store through db.h. (SkyPilot's catalogs: skypilot.h.)
 */
#ifndef AICOST_CATALOG_H
#define AICOST_CATALOG_H

#include <stdio.h>

#include "db.h"
#include "strbuf.h"

/*
 * The catalog directory: $AICOST_CATALOG, else <dir of the program>/../pricing (a
 * source checkout), else <dir of the program>/../share/aicost/pricing (installed
 * under any prefix or DESTDIR), else AICOST_DATADIR/pricing.
 */
int catalog_find_dir(struct strbuf *dir);

/*
 * What the files catalog_load_dir would load from DIR hash to (their names, sizes
 * and contents), as text: a store seeded from them records it, and first use takes
 * a pre-built store only when it matches (store-open.c). -1 with error set.
 */
int catalog_fingerprint(const char *dir, struct strbuf *out);

/* Loads every *.csv of DIR (accelerators first) in one transaction. */
int catalog_load_dir(struct db *db, const char *dir);

struct import_stats {
	long rows;                  /* data records read */
	long stored;                /* rows stored (offers, tiers, prices, accelerators, facts) */
	long snapshots;             /* snapshots created */
	long skipped_no_price;      /* SkyPilot: empty Price and SpotPrice */
	long skipped_duplicate;     /* SkyPilot: a row already seen */
	long skipped_placeholder;   /* SkyPilot: implausible placeholder prices */
	long skipped_spot_above;    /* SkyPilot: spot above on-demand (spot dropped) */
	long skipped_fractional;    /* SkyPilot: a fraction of an accelerator (Azure A10 slices) */
	long combined;              /* SkyPilot: host VM + accelerator rows joined */
	long skipped_cpu;           /* SkyPilot: CPU types outside the series aicost prices */
	long folded;                /* SkyPilot: zone prices above their region's lowest */
	long unknown_accelerators;  /* rows naming a chip the store has no specs for (kept as given) */
};

/*
 * Imports one aicost-format CSV (offers, accelerators, egress, storage or facts,
 * told apart by the header) in one transaction: one snapshot per provider, labelled
 * SOURCE_LABEL (NULL: the path). Any bad row fails the whole file, naming
 * file:line:col and the field. An accelerator the store does not know is kept as
 * given and counted (the shipped catalog, loaded by catalog_load_dir, must know all).
 * IN: PATH already open (spooled standard input; PATH then only names it), or NULL.
 */
int catalog_import_file(struct db *db, const char *path, FILE *in, const char *source_label,
			struct import_stats *stats);

struct table;

/* Whether NAME is a table of the format: offers, accelerators, egress, storage, facts. */
bool catalog_table_known(const char *name);

/*
 * Adds every row of the store's table NAME to T, a column per field of the format, from
 * the same field table import reads: what export writes, import reads back unchanged.
 */
int catalog_export(struct db *db, const char *name, struct table *t);

#endif
