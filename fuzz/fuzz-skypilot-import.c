/* pricing import --format skypilot of a SkyPilot catalog CSV. */
#include "fuzz.h"
#include "catalog.h"
#include "skypilot.h"

const char *const fuzz_seeds[] = {
	"tests/fixtures/skypilot-*.csv", "fuzz/corpus/fuzz-skypilot-import/*", NULL
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
	/* The provider changes which accelerators and joins apply. */
	const char *provider = size > 0 && (data[0] & 1) ? "gcp" : "aws";

	return skypilot_import_file(db, path, NULL, "fuzz", provider, &stats);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, import);
	return 0;
}
