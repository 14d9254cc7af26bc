/* table.c: one table, four formats, stable keys, grouping for people. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "table.h"
#include "util.h"

static char *render(const struct table *t, enum output_format format)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(table_print(t, fp, format), 0);
	fclose(fp);
	return text;
}

static struct table *sample(void)
{
	struct table *t = table_new();

	table_add_column(t, "provider", "PROVIDER", COLUMN_TEXT);
	table_add_column(t, "instance_type", "INSTANCE", COLUMN_TEXT);
	table_add_column(t, "price_per_hour", "$/H", COLUMN_NUMBER);
	table_begin_row(t);
	table_add_text(t, "aws");
	table_add_text(t, "p5.48xlarge");
	table_add_number(t, 55.04, 2);
	table_begin_row(t);
	table_add_text(t, "azure");
	table_add_text(t, "ND96isr, \"H100\"");
	table_add_null(t);
	return t;
}

static void test_aligned_table(void **state)
{
	struct table *t = sample();
	char *text = render(t, FORMAT_TABLE);

	(void)state;
	assert_string_equal(text,
			    "PROVIDER  INSTANCE           $/H\n"
			    "aws       p5.48xlarge      55.04\n"
			    "azure     ND96isr, \"H100\"\n");
	free(text);
	table_free(t);
}

static void test_csv_quotes_and_keys(void **state)
{
	struct table *t = sample();
	char *text = render(t, FORMAT_CSV);

	(void)state;
	assert_string_equal(text,
			    "provider,instance_type,price_per_hour\n"
			    "aws,p5.48xlarge,55.04\n"
			    "azure,\"ND96isr, \"\"H100\"\"\",\n");
	free(text);
	table_free(t);
}

static void test_markdown(void **state)
{
	struct table *t = sample();
	char *text = render(t, FORMAT_MARKDOWN);

	(void)state;
	assert_string_equal(text,
			    "| PROVIDER | INSTANCE | $/H |\n"
			    "| --- | --- | ---: |\n"
			    "| aws | p5.48xlarge | 55.04 |\n"
			    "| azure | ND96isr, \"H100\" |  |\n");
	free(text);
	table_free(t);
}

static void test_json_types(void **state)
{
	struct table *t = table_new();
	char *text;

	(void)state;
	table_add_column(t, "name", NULL, COLUMN_TEXT);
	table_add_column(t, "count", NULL, COLUMN_NUMBER);
	table_add_column(t, "price", NULL, COLUMN_NUMBER);
	table_begin_row(t);
	table_add_text(t, "h100");
	table_add_number(t, 8, 0);
	table_add_number(t, 0.1, 2);
	table_begin_row(t);
	table_add_text(t, "x");
	table_add_null(t);
	table_add_number(t, NAN, 2);    /* not a number: null, never "nan" */
	text = render(t, FORMAT_JSON);
	assert_string_equal(text,
			    "[\n  {\n    \"name\": \"h100\",\n    \"count\": 8,\n    \"price\": 0.1\n  },\n"
			    "  {\n    \"name\": \"x\",\n    \"count\": null,\n    \"price\": null\n  }\n]\n");
	free(text);
	table_free(t);
}

static void test_csv_full_precision(void **state)
{
	struct table *t = table_new();
	char *text;

	(void)state;
	table_add_column(t, "price", NULL, COLUMN_NUMBER);
	table_begin_row(t);
	table_add_number(t, 21.957642, 2);   /* people see 21.96; scripts get every digit */
	text = render(t, FORMAT_CSV);
	assert_string_equal(text, "price\n21.957642\n");
	free(text);
	table_free(t);
}

static void test_grouping(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	format_grouped(&sb, 1234567.891, 2);
	assert_string_equal(sb.buf, "1,234,567.89");
	strbuf_reset(&sb);
	format_grouped(&sb, -5576000, 0);
	assert_string_equal(sb.buf, "-5,576,000");
	strbuf_reset(&sb);
	format_grouped(&sb, 999, 0);
	assert_string_equal(sb.buf, "999");
	strbuf_reset(&sb);
	format_grouped(&sb, -0.001, 2);   /* no "-0.00" */
	assert_string_equal(sb.buf, "0.00");
	strbuf_release(&sb);
}

static void test_format_names(void **state)
{
	enum output_format f;

	(void)state;
	assert_int_equal(output_format_parse("json", &f), 0);
	assert_int_equal(f, FORMAT_JSON);
	assert_int_equal(output_format_parse("md", &f), 0);
	assert_int_equal(f, FORMAT_MARKDOWN);
	assert_int_equal(output_format_parse("yaml", &f), -1);
	assert_string_equal(error_get(),
			    "unknown format 'yaml'; expected one of table, csv, json, markdown");
	error_clear();
}

/* Compares format_fixed with printf at VALUE for every count of decimals to 8. */
static void check_fixed(double value)
{
	char want[512];

	for (int decimals = 0; decimals <= 8; decimals++) {
		struct strbuf got = STRBUF_INIT;

		snprintf(want, sizeof(want), "%.*f", decimals, value);
		format_fixed(&got, value, decimals);
		if (strcmp(got.buf, want) != 0)
			fail_msg("%.17g at %d decimals: %s, printf %s", value, decimals, got.buf, want);
		strbuf_release(&got);
	}
}

/* format_fixed prints what printf prints: ties, near ties, signs, huge values. */
static void test_format_fixed_is_printf(void **state)
{
	static const double cases[] = {
		0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 2.675, 1.005, 1.0049999999999999,
		55.04, 98.32, 0.001, -0.001, -0.004, 0.0049999, 999.995, 999999.9999995,
		1e-9, 4503599627370496.5, 9007199254740993.0, 1e11 + 0.5, 999999999999.99,
		1e12, 1e15 + 0.3, 1e22, -1e300, 5e-324, 0.1, 0.7, 12345.678949999999,
	};
	uint64_t x = 16;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_fixed(cases[i]);
	check_fixed(INFINITY);
	check_fixed(-INFINITY);
	check_fixed(NAN);
	/* Prices and totals of every size, and values a step from a tie at each scale. */
	for (int i = 0; i < 200000; i++) {
		double value, step;
		int scale;

		x = x * 6364136223846793005u + 1442695040888963407u;
		scale = (int)(x >> 59) - 8;   /* 10^-8 .. 10^23 */
		value = (double)(x >> 11) * 0x1p-53 * pow(10, scale);
		if (i % 3 == 0) {
			/* Near a tie: k + 0.5 at some decimal, nudged by a few units in the last place. */
			step = pow(10, -(int)(x >> 61));
			value = (floor(value / step) + 0.5) * step;
			value = nextafter(value, (x & 1) ? INFINITY : 0);
		}
		check_fixed((x >> 10) & 1 ? -value : value);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_table),
		cmocka_unit_test(test_format_fixed_is_printf),
		cmocka_unit_test(test_csv_quotes_and_keys),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_json_types),
		cmocka_unit_test(test_csv_full_precision),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_format_names),
	};
	int failed = cmocka_run_group_tests_name("table", tests, NULL, NULL);

	error_free();
	return failed;
}
