/* The units parser: every quantity a flag or a scenario value can carry. */
#include "fuzz.h"
#include "units.h"
#include "util.h"

#include <string.h>

const char *const fuzz_seeds[] = { "fuzz/corpus/fuzz-units/*", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const rate_units[] = { "kWh", "kW-month", "GPU-h", "month", NULL };
	char *text = xstrndup((const char *)data, size);
	const char *unit;
	double value;
	long whole;

	units_parse_number(text, &value);
	units_parse_count(text, &value);
	units_parse_bytes(text, &value);
	units_parse_duration(text, &value);
	units_parse_fraction(text, &value);
	units_parse_money(text, &value);
	units_parse_rate(text, rate_units, &value, &unit);
	units_parse_int(text, &whole);
	free(text);
	error_clear();
	return 0;
}
