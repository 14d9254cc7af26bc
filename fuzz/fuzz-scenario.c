/* The scenario loader, YAML and JSON: parse, schema check, every message. */
#include "fuzz.h"
#include "scenario.h"
#include "strbuf.h"
#include "util.h"

const char *const fuzz_seeds[] = {
	"scenarios/*.yaml", "tests/fixtures/*.yaml", "fuzz/corpus/fuzz-scenario/*", NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario s;
	struct strbuf errors = STRBUF_INIT;
	/* The name decides whether a '{' document may fall back to YAML. */
	const char *name = size > 0 && (data[size - 1] & 1) ? "fuzz.json" : "fuzz.yaml";

	if (scenario_load_text(name, (const char *)data, size, NULL, 0, &s, &errors) == 0)
		scenario_release(&s);
	strbuf_release(&errors);
	error_clear();
	return 0;
}
