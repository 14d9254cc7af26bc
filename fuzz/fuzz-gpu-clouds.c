/*
 * The GPU clouds' JSON answers: every input goes to the Lambda, Vast.ai, RunPod,
 * Verda and Vultr parsers alike (each refuses what is not its shape, so one corpus
 * seeded from all five fixtures mutates towards each); Verda's instance types
 * then meet the locations the same input gave, or two fixed ones; Vultr's page is
 * read as a plan list and as a bare-metal one, for every location and for two.
 */
#include "fuzz.h"
#include "fetch.h"
#include "fuzz-sink.h"
#include "util.h"

const char *const fuzz_seeds[] = {
	"tests/fixtures/lambda/*.json", "tests/fixtures/vast/*.json",
	"tests/fixtures/runpod/*.json", "tests/fixtures/verda/*.json",
	"tests/fixtures/vultr/*.json",
	"fuzz/corpus/fuzz-gpu-clouds/*", NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const lambda_regions[] = { "us-east-1", "us-west-3" };
	static const char *const vultr_regions[] = { "fra", "sao" };
	static const char *const all[] = { "all" };
	struct fetch_config lambda = { .regions = lambda_regions, .nregions = 2,
				       .observed = "2026-12-01" };
	struct fetch_config config = { .regions = all, .nregions = 1, .observed = "2026-12-01" };
	struct fetch_config vultr = { .regions = vultr_regions, .nregions = 2,
				      .observed = "2026-12-01" };
	struct fetch_stats stats = { 0 };
	struct strbuf codes = STRBUF_INIT, next = STRBUF_INIT;
	long long total;
	const char *json = (const char *)data;

	lambda_parse_instance_types(json, size, &lambda, "fuzz", &fuzz_sink, &stats);
	vast_parse_bundles(json, size, &config, "fuzz", &fuzz_sink, &stats);
	runpod_parse_gpus(json, size, &config, "fuzz", &fuzz_sink, &stats);
	if (verda_parse_locations(json, size, "fuzz", &codes) < 0 || !codes.len) {
		strbuf_reset(&codes);
		strbuf_adds(&codes, "FIN-01,ICE-01");
	}
	verda_parse_instance_types(json, size, codes.buf, &config, "fuzz", &fuzz_sink, &stats);
	vultr_parse_plans(json, size, "plans", &config, "fuzz", &fuzz_sink, &next, &total, &stats);
	vultr_parse_plans(json, size, "plans_metal", &vultr, "fuzz", &fuzz_sink, &next, &total,
			  &stats);
	strbuf_release(&codes);
	strbuf_release(&next);
	error_clear();
	return 0;
}
