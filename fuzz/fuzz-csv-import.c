/* pricing import of an aicost CSV (offers, accelerators, egress, storage, facts). */
#include "fuzz.h"
#include "catalog.h"

const char *const fuzz_seeds[] = {
	"pricing/*.csv", "tests/fixtures/aicost-*.csv", "fuzz/corpus/fuzz-csv-import/*", NULL
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_store();
	return 0;
}

static int import(struct db *db, const char *path, const uint8_t *data, size_t size)
{
	struct import_stats stats = { 0 };

	(void)data, (void)size;
	return catalog_import_file(db, path, NULL, "fuzz", &stats);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, import);
	return 0;
}
