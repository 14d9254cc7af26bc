/* Units parser: every quantity in flags and scenario files goes through it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "units.h"
#include "util.h"

static void assert_close(double got, double want)
{
	double tolerance = fabs(want) * 1e-12 + 1e-15;

	if (fabs(got - want) > tolerance)
		fail_msg("got %.17g, want %.17g", got, want);
}

static void assert_error_contains(const char *needle)
{
	if (!strstr(error_get(), needle))
		fail_msg("error \"%s\" does not contain \"%s\"", error_get(), needle);
	error_clear();
}

static void test_counts(void **state)
{
	double v;

	(void)state;
	assert_int_equal(units_parse_count("7B", &v), 0); assert_close(v, 7e9);
	assert_int_equal(units_parse_count("2T", &v), 0); assert_close(v, 2e12);
	assert_int_equal(units_parse_count("1.5M", &v), 0); assert_close(v, 1.5e6);
	assert_int_equal(units_parse_count("310k", &v), 0); assert_close(v, 310e3);
	assert_int_equal(units_parse_count("64", &v), 0); assert_close(v, 64);
	assert_int_equal(units_parse_count(" 15T ", &v), 0); assert_close(v, 15e12);
	assert_int_equal(units_parse_count("1e3", &v), 0); assert_close(v, 1000);
	assert_int_equal(units_parse_count("0.5B", &v), 0); assert_close(v, 5e8);
}

static void test_count_errors(void **state)
{
	double v;

	(void)state;
	assert_int_equal(units_parse_count("", &v), -1); assert_error_contains("empty");
	assert_int_equal(units_parse_count("abc", &v), -1); assert_error_contains("expected");
	assert_int_equal(units_parse_count("-4", &v), -1); assert_error_contains("non-negative");
	assert_int_equal(units_parse_count("7X", &v), -1); assert_error_contains("unknown unit 'X'");
	assert_int_equal(units_parse_count("nan", &v), -1); assert_error_contains("expected");
	assert_int_equal(units_parse_count("inf", &v), -1); assert_error_contains("expected");
	assert_int_equal(units_parse_count("NaN", &v), -1); error_clear();
	assert_int_equal(units_parse_count("0x10", &v), -1); assert_error_contains("unknown unit");
	assert_int_equal(units_parse_count("1e999", &v), -1); assert_error_contains("too large");
	assert_int_equal(units_parse_count("1e300T", &v), -1); assert_error_contains("too large");
	assert_int_equal(units_parse_count(".", &v), -1); error_clear();
	assert_int_equal(units_parse_count("1,000", &v), -1); assert_error_contains("unknown unit");
}

static void test_bytes(void **state)
{
	double v;

	(void)state;
	assert_int_equal(units_parse_bytes("40TB", &v), 0); assert_close(v, 40e12);
	assert_int_equal(units_parse_bytes("1.5PB", &v), 0); assert_close(v, 1.5e15);
	assert_int_equal(units_parse_bytes("80 GB", &v), 0); assert_close(v, 80e9);
	assert_int_equal(units_parse_bytes("512GiB", &v), 0); assert_close(v, 512.0 * 1073741824.0);
	assert_int_equal(units_parse_bytes("2TiB", &v), 0); assert_close(v, 2.0 * 1099511627776.0);
	assert_int_equal(units_parse_bytes("0", &v), 0); assert_close(v, 0);
	assert_int_equal(units_parse_bytes("100", &v), -1); assert_error_contains("missing unit");
	assert_int_equal(units_parse_bytes("5 parsecs", &v), -1);
	assert_error_contains("unknown unit 'parsecs'");
	assert_int_equal(units_parse_bytes("-1GB", &v), -1); assert_error_contains("non-negative");
}

static void test_durations(void **state)
{
	double v;

	(void)state;
	assert_int_equal(units_parse_duration("36mo", &v), 0); assert_close(v, 36 * 730.0);
	assert_int_equal(units_parse_duration("1y", &v), 0); assert_close(v, 8760);
	assert_int_equal(units_parse_duration("2w", &v), 0); assert_close(v, 336);
	assert_int_equal(units_parse_duration("3d", &v), 0); assert_close(v, 72);
	assert_int_equal(units_parse_duration("12h", &v), 0); assert_close(v, 12);
	assert_int_equal(units_parse_duration("500ms", &v), 0); assert_close(v, 0.5 / 3600.0);
	assert_int_equal(units_parse_duration("90s", &v), 0); assert_close(v, 90.0 / 3600.0);
	assert_int_equal(units_parse_duration("30min", &v), 0); assert_close(v, 0.5);
	assert_int_equal(units_parse_duration("6 months", &v), 0); assert_close(v, 6 * 730.0);
	assert_int_equal(units_parse_duration("0", &v), 0); assert_close(v, 0);
}

static void test_duration_errors(void **state)
{
	double v;

	(void)state;
	assert_int_equal(units_parse_duration("12 parsecs", &v), -1);
	assert_string_equal(error_get(),
			    "\"12 parsecs\": unknown unit 'parsecs'; expected one of ms, s, min, h, d, w, mo, y");
	error_clear();
	assert_int_equal(units_parse_duration("36", &v), -1); assert_error_contains("missing unit");
	assert_int_equal(units_parse_duration("-2w", &v), -1); assert_error_contains("non-negative");
	assert_int_equal(units_parse_duration("mo", &v), -1); assert_error_contains("expected");
	assert_int_equal(units_parse_duration("3MO", &v), -1); assert_error_contains("unknown unit");
}

static void test_fractions(void **state)
{
	double v;

	(void)state;
	assert_int_equal(units_parse_fraction("40%", &v), 0); assert_close(v, 0.4);
	assert_int_equal(units_parse_fraction("0.4", &v), 0); assert_close(v, 0.4);
	assert_int_equal(units_parse_fraction("150%", &v), 0); assert_close(v, 1.5);
	assert_int_equal(units_parse_fraction("0%", &v), 0); assert_close(v, 0);
	assert_int_equal(units_parse_fraction("1", &v), 0); assert_close(v, 1);
	assert_int_equal(units_parse_fraction("12.5 %", &v), 0); assert_close(v, 0.125);
	assert_int_equal(units_parse_fraction("40", &v), -1); assert_error_contains("write 40%");
	assert_int_equal(units_parse_fraction("-5%", &v), -1); assert_error_contains("non-negative");
	assert_int_equal(units_parse_fraction("5 pct", &v), -1); assert_error_contains("unknown unit 'pct'");
}

static void test_money(void **state)
{
	double v;

	(void)state;
	assert_int_equal(units_parse_money("310k", &v), 0); assert_close(v, 310000);
	assert_int_equal(units_parse_money("1.5M", &v), 0); assert_close(v, 1.5e6);
	assert_int_equal(units_parse_money("$250000", &v), 0); assert_close(v, 250000);
	assert_int_equal(units_parse_money("0.08", &v), 0); assert_close(v, 0.08);
	assert_int_equal(units_parse_money("2B", &v), 0); assert_close(v, 2e9);
	assert_int_equal(units_parse_money("ten", &v), -1); assert_error_contains("amount of money");
	assert_int_equal(units_parse_money("-3", &v), -1); assert_error_contains("non-negative");
}

static void test_rates(void **state)
{
	static const char *const per_kw[] = { "kW-month", "kW-mo", NULL };
	static const char *const per_kwh[] = { "kWh", NULL };
	const char *unit = NULL;
	double v;

	(void)state;
	assert_int_equal(units_parse_rate("184/kW-month", per_kw, &v, &unit), 0);
	assert_close(v, 184);
	assert_string_equal(unit, "kW-month");
	assert_int_equal(units_parse_rate("0.08/kwh", per_kwh, &v, &unit), 0);
	assert_close(v, 0.08);
	assert_string_equal(unit, "kWh");
	assert_int_equal(units_parse_rate("1.2k/kW-mo", per_kw, &v, NULL), 0);
	assert_close(v, 1200);
	assert_int_equal(units_parse_rate("184", per_kw, &v, NULL), -1);
	assert_error_contains("expected a rate like 184/kW-month");
	assert_int_equal(units_parse_rate("184/parsec", per_kw, &v, NULL), -1);
	assert_error_contains("unknown rate unit 'parsec'; expected one of kW-month, kW-mo");
	assert_int_equal(units_parse_rate("x/kWh", per_kwh, &v, NULL), -1);
	assert_error_contains("rate \"x/kWh\"");
}

static void test_ints(void **state)
{
	long n;

	(void)state;
	assert_int_equal(units_parse_int("64", &n), 0); assert_int_equal(n, 64);
	assert_int_equal(units_parse_int("1k", &n), 0); assert_int_equal(n, 1000);
	assert_int_equal(units_parse_int("2.5", &n), -1); assert_error_contains("whole number");
	assert_int_equal(units_parse_int("3B", &n), -1); assert_error_contains("too large");
	assert_int_equal(units_parse_int("-1", &n), -1); assert_error_contains("non-negative");
}

static void test_numbers(void **state)
{
	double v;

	(void)state;
	assert_int_equal(units_parse_number("-2.5", &v), 0); assert_close(v, -2.5);
	assert_int_equal(units_parse_number("3e-2", &v), 0); assert_close(v, 0.03);
	assert_int_equal(units_parse_number("3x", &v), -1); assert_error_contains("expected a number");
	assert_int_equal(units_parse_number("  ", &v), -1); assert_error_contains("empty");
}

/* A German locale writes 0,4: the parser must still read "0.4" as 0.4. */
static void test_locale_independent(void **state)
{
	double v;

	(void)state;
	if (!setlocale(LC_ALL, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "de_DE"))
		setlocale(LC_NUMERIC, "C");  /* locale not installed: still run the checks */
	assert_int_equal(units_parse_fraction("0.4", &v), 0); assert_close(v, 0.4);
	assert_int_equal(units_parse_count("1.5M", &v), 0); assert_close(v, 1.5e6);
	assert_int_equal(units_parse_duration("1.5y", &v), 0); assert_close(v, 13140);
	assert_int_equal(units_parse_count("1,5M", &v), -1);
	error_clear();
	setlocale(LC_ALL, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_count_errors),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_duration_errors),
		cmocka_unit_test(test_fractions),
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_ints),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_locale_independent),
	};
	int failed = cmocka_run_group_tests_name("units", tests, NULL, NULL);

	error_free();
	return failed;
}
