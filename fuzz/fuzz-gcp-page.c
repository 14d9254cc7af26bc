/* One Google Cloud Billing Catalog page, then the offers assembled from its rates. */
#include "fuzz.h"
#include "fetch.h"
#include "fuzz-sink.h"
#include "util.h"

const char *const fuzz_seeds[] = {
	"tests/fixtures/gcp/*/*.json", "fuzz/corpus/fuzz-gcp-page/*", NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regions[] = { "us-central1", "us-east4" };
	struct fetch_config config = { .regions = regions, .nregions = 2, .observed = "2025-11-27" };
	struct fetch_stats stats = { 0 };
	struct strbuf next = STRBUF_INIT;
	struct gcp_rates *rates = gcp_rates_new();

	if (gcp_parse_page(rates, (const char *)data, size, &config, "fuzz", &next, &stats) == 0)
		gcp_emit_offers(rates, &config, &fuzz_sink, &stats);
	gcp_rates_free(rates);
	strbuf_release(&next);
	error_clear();
	return 0;
}
