/* The SkyPilot catalog importer (`pricing import --format skypilot`). */
#ifndef AICOST_SKYPILOT_H
#define AICOST_SKYPILOT_H

#include "catalog.h"

/* Imports a SkyPilot catalog CSV for PROVIDER (its files do not name the cloud),
 * its snapshot labelled SOURCE_LABEL (NULL: the path); IN as catalog_import_file's. */
int skypilot_import_file(struct db *db, const char *path, FILE *in, const char *source_label,
			 const char *provider, struct import_stats *stats);

#endif
