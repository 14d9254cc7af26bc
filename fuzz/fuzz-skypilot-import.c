/* pricing import --format skypilot of a SkyPilot catalog CSV. */
#include "fuzz.h"
#include "catalog.h"
#include "util.h"

const char *const fuzz_seeds[] = {
	"tests/fixtures/skypilot-*.csv", "fuzz/corpus/fuzz-skypilot-import/*", NULL
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
	/* The provider changes which accelerators and joins apply. */
	const char *provider = size > 0 && (data[0] & 1) ? "gcp" : "aws";

	if (db_transaction_begin(db) < 0)
		abort();
	skypilot_import_file(db, fuzz_file(data, size, ".csv"), "fuzz", provider, &stats);
	db_transaction_rollback(db);
	error_clear();
	return 0;
}
