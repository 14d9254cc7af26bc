/* The SkyPilot catalog importer (`pricing import --format skypilot`). */
#ifndef AICOST_SKYPILOT_H
#define AICOST_SKYPILOT_H

#include "catalog.h"

/* Imports a SkyPilot catalog CSV for PROVIDER (its files do not name the cloud),
 * its snapshot labelled SOURCE_LABEL (NULL: the path). */
int skypilot_import_file(struct db *db, const char *path, const char *source_label,
			 const char *provider, struct import_stats *stats);

/* Slice name -> chips: tpu-v5p-8 counts TensorCores (4 chips), v5e/v6e count chips. */
int tpu_slice_chips(const char *slice, const char **accelerator);

#endif
