/* The domain model of prices: the purchase vocabulary, its one term rule, conversions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "prices.h"
#include "util.h"

#include <string.h>

static void test_purchase_terms(void **state)
{
	(void)state;
	assert_int_equal(purchase_term_months("on-demand"), 0);
	assert_int_equal(purchase_term_months("spot"), 0);
	assert_int_equal(purchase_term_months(NULL), 0);
	assert_int_equal(purchase_term_months("reserved-1y"), 12);
	assert_int_equal(purchase_term_months("savings-3y"), 36);
	assert_int_equal(purchase_term_months("commit-3y"), 36);
	/* 8760 hours a year: 1y = 8760, 3y = 3 × 8760 = 26280 */
	assert_true(purchase_term_hours("commit-1y") == 8760);
	assert_true(purchase_term_hours("reserved-3y") == 26280);
	assert_true(purchase_term_hours("spot") == 0);
	assert_true(purchase_option_valid("savings-1y"));
	assert_false(purchase_option_valid("reserved-2y"));
	assert_false(purchase_option_valid(NULL));
}

static void test_offer_conversions(void **state)
{
	struct offer o = { .accelerator_count = 8, .price_per_hour = 98.32, .bf16_tflops = 989 };

	(void)state;
	/* 98.32 / 8 = 12.29 per GPU-hour */
	assert_true(fabs(offer_price_per_accelerator_hour(&o) - 12.29) < 1e-9);
	/* 98.32 / (8 × 989 / 1000 = 7.912 PFLOPS) = 12.4267... per PFLOP-hour */
	assert_true(fabs(offer_price_per_pflop_hour(&o) - 98.32 / 7.912) < 1e-9);
	/* 0.05 a month over 730 / 24 = 30.4167 days: 0.0016438 a day */
	o.interruptions_per_month = 0.05;
	assert_true(fabs(offer_interruptions_per_day(&o) - 0.05 * 24 / 730) < 1e-12);
	o.accelerator_count = 0;
	assert_true(isnan(offer_price_per_accelerator_hour(&o)));
	assert_true(isnan(offer_price_per_pflop_hour(&o)));
}

/* The one provenance rule: real calendar days, coarser dates allowed. */
static void test_provenance(void **state)
{
	(void)state;
	assert_true(provenance_observed_valid("2025"));
	assert_true(provenance_observed_valid("2025-02"));
	assert_true(provenance_observed_valid("2025-02-28"));
	assert_true(provenance_observed_valid("2024-02-29"));   /* 2024 = 4 * 506: leap */
	assert_true(provenance_observed_valid("2000-02-29"));   /* 2000 = 400 * 5: leap */
	assert_false(provenance_observed_valid("1900-02-29")); /* 1900 = 100 * 19, not 400k */
	assert_false(provenance_observed_valid("2025-02-29")); /* 2025 is odd */
	assert_false(provenance_observed_valid("2025-02-31"));
	assert_false(provenance_observed_valid("2025-04-31")); /* April has 30 days */
	assert_true(provenance_observed_valid("2025-12-31"));
	assert_false(provenance_observed_valid("2025-13-01"));
	assert_false(provenance_observed_valid("2025-00"));
	assert_false(provenance_observed_valid("2025-06-00"));
	assert_false(provenance_observed_valid("2025-6-1"));
	assert_false(provenance_observed_valid("2025/06/01"));
	assert_false(provenance_observed_valid("25"));
	assert_false(provenance_observed_valid(""));
	assert_false(provenance_observed_valid(NULL));

	assert_true(provenance_confidence_valid("exact"));
	assert_true(provenance_confidence_valid("approx"));
	assert_false(provenance_confidence_valid("maybe"));
	assert_false(provenance_confidence_valid(NULL));

	assert_null(provenance_check("p5.48xlarge", "exact", "https://x", "2025-11-27"));
	assert_string_equal(provenance_check("p5.48xlarge", "maybe", "https://x", "2025-11-27"),
			    "confidence");
	assert_string_equal(provenance_check("p5.48xlarge", "exact", "", "2025-11-27"), "source");
	assert_string_equal(provenance_check("p5.48xlarge", "exact", "https://x", "2025-02-31"),
			    "observed");
	assert_non_null(strstr(error_get(), "p5.48xlarge: observed must be a date"));
	assert_non_null(strstr(error_get(), "'2025-02-31'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purchase_terms),
		cmocka_unit_test(test_offer_conversions),
		cmocka_unit_test(test_provenance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
