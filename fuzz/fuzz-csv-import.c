/* pricing import of an aicost CSV (offers, accelerators, egress, storage, facts). */
#include "fuzz.h"
#include "catalog.h"
#include "util.h"

const char *const fuzz_seeds[] = {
	"pricing/*.csv", "tests/fixtures/aicost-*.csv", "fuzz/corpus/fuzz-csv-import/*", NULL
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_store();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db *db = fuzz_store();
	struct import_stats stats = { 0 };

	/* Inside a transaction rolled back: every input meets the same store. */
	if (db_transaction_begin(db) < 0)
		abort();
	catalog_import_file(db, fuzz_file(data, size, ".csv"), "fuzz", &stats);
	db_transaction_rollback(db);
	error_clear();
	return 0;
}
