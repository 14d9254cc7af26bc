/* table.c: one table, four formats, stable keys, grouping for people. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_table),
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
