/* One Azure Retail Prices page. */
#include "fuzz.h"
#include "fetch.h"
#include "fuzz-sink.h"
#include "util.h"

const char *const fuzz_seeds[] = {
	"tests/fixtures/azure/*.json", "fuzz/corpus/fuzz-azure-page/*", NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regions[] = { "eastus", "westeurope" };
	struct fetch_config config = { .regions = regions, .nregions = 2, .observed = "2025-11-27" };
	struct fetch_stats stats = { 0 };
	struct strbuf next = STRBUF_INIT;

	azure_parse_page((const char *)data, size, &config, "fuzz", &fuzz_sink, &next, &stats);
	strbuf_release(&next);
	error_clear();
	return 0;
}
