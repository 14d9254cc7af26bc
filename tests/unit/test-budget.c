/* Budget checks on hand-built results: every limit kind passes, fails, or cannot be checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "budget.h"
#include "util.h"

/*
 * One deployment over 3 months. Cash 100, 150 (of which 40 capex), 120 (of
 * which -20 residual): running costs 100, 110, 140; total 370. Shortage: 10 in
 * month 3 (its whole mean). 74 GPU-hours, 2M tokens: 5/GPU-h, 185 per 1M tokens.
 */
struct fixture {
	struct scenario s;
	struct deployment d;
	struct deployment_result dr;
	struct tco_result r;
	double monthly[3];
	double by_component[3][COST_NCOMPONENTS];
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	budget_init(&f->s.budget);
	budget_init(&f->d.budget);
	f->s.horizon_months = 3;
	f->s.discount_rate = 0;
	f->d.name = "aws";
	f->s.deployments = &f->d;
	f->s.ndeployments = 1;
	f->monthly[0] = 100;
	f->monthly[1] = 150;
	f->monthly[2] = 120;
	f->by_component[1][COST_CAPEX] = 40;
	f->by_component[2][COST_RESIDUAL] = -20;
	f->by_component[2][COST_SHORTAGE] = 10;
	f->dr.deployment = &f->d;
	f->dr.total = 370;
	f->dr.npv = 370;
	f->dr.monthly = f->monthly;
	f->dr.monthly_by_component = f->by_component;
	f->dr.breakdown[COST_SHORTAGE] = 10;
	f->dr.per_gpu_hour = 370.0 / 74;
	f->dr.per_million_tokens = 185;
	f->dr.p10 = 360;
	f->dr.p50 = 365;
	f->dr.p90 = 400;
	f->r.scenario = &f->s;
	f->r.deployments = &f->dr;
	f->r.ndeployments = 1;
	f->r.cheapest = 0;
}

static void assert_near(double got, double want)
{
	if (!(fabs(got - want) <= 1e-9 * fmax(1, fabs(want))))
		fail_msg("got %.17g, want %.17g", got, want);
}

static void test_no_budget_no_checks(void **state)
{
	struct fixture f;
	struct budget_check out[BUDGET_NKINDS + 1];

	(void)state;
	fixture_init(&f);
	assert_int_equal(budget_evaluate(&f.r, 0, NULL, BUDGET_AT_MEAN, out), 0);
	assert_int_equal(budget_worst(out, 0), BUDGET_PASS);
}

static void test_each_kind_pass_and_fail(void **state)
{
	struct fixture f;
	struct budget_check out[BUDGET_NKINDS + 1];
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	fixture_init(&f);
	/* Limits just above each figure: all pass. */
	f.s.budget.monthly = 140;            /* the peak, month 3: 120 - (-20) = 140 */
	f.s.budget.total = 370;
	f.s.budget.per_million_tokens = 185;
	f.s.budget.per_gpu_hour = 5;
	f.s.budget.npv = 370;
	assert_int_equal(budget_evaluate(&f.r, 0, NULL, BUDGET_AT_MEAN, out), 5);
	for (int k = 0; k < 5; k++) {
		assert_int_equal(out[k].kind, k);
		assert_int_equal(out[k].status, BUDGET_PASS);
		assert_near(out[k].headroom, 0);
	}
	assert_int_equal(out[BUDGET_MONTHLY].peak_month, 3);
	assert_int_equal(out[BUDGET_MONTHLY].first_month_over, 0);
	/* One unit (or cent) below: all fail, by that much. */
	f.s.budget.monthly = 105;            /* month 2 (110) is the first over; peak 140 */
	f.s.budget.total = 369;
	f.s.budget.per_million_tokens = 184.99;
	f.s.budget.per_gpu_hour = 4.99;
	f.s.budget.npv = 369;
	assert_int_equal(budget_evaluate(&f.r, 0, NULL, BUDGET_AT_MEAN, out), 5);
	for (int k = 0; k < 5; k++)
		assert_int_equal(out[k].status, BUDGET_FAIL);
	assert_int_equal(out[BUDGET_MONTHLY].first_month_over, 2);
	assert_int_equal(out[BUDGET_MONTHLY].peak_month, 3);
	assert_near(out[BUDGET_MONTHLY].headroom, -35);
	assert_near(out[BUDGET_PER_GPU_HOUR].headroom, -0.01);
	assert_int_equal(budget_worst(out, 5), BUDGET_FAIL);
	budget_check_describe(&sb, &f.r, &out[BUDGET_MONTHLY]);
	assert_string_equal(sb.buf, "running cost 140 in month 3 is over budget.monthly 105 by 35 "
			    "(33.3%); first month over: 2");
	strbuf_reset(&sb);
	budget_check_describe(&sb, &f.r, &out[BUDGET_TOTAL]);
	assert_string_equal(sb.buf, "total 370 is over budget.total 369 by 1 (0.3%)");
	strbuf_release(&sb);
}

static void test_missing_figure_is_an_error(void **state)
{
	struct fixture f;
	struct budget_check out[BUDGET_NKINDS + 1];
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	fixture_init(&f);
	f.dr.per_million_tokens = NAN;       /* training only: no tokens */
	f.dr.per_gpu_hour = NAN;
	f.s.budget.per_million_tokens = 1000;
	f.s.budget.per_gpu_hour = 1000;
	f.s.budget.total = 1;
	assert_int_equal(budget_evaluate(&f.r, 0, NULL, BUDGET_AT_MEAN, out), 3);
	assert_int_equal(out[0].status, BUDGET_FAIL);        /* total */
	assert_int_equal(out[1].status, BUDGET_ERROR);
	assert_int_equal(out[2].status, BUDGET_ERROR);
	assert_int_equal(budget_worst(out, 3), BUDGET_ERROR);
	budget_check_describe(&sb, &f.r, &out[1]);
	assert_string_equal(sb.buf, "cannot check budget.per_million_tokens: no tokens are served: "
			    "there is no cost per 1M tokens");
	strbuf_release(&sb);
}

static void test_most_specific_limit_wins(void **state)
{
	struct fixture f;
	struct budget_check out[BUDGET_NKINDS + 1];
	struct budget flags;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	fixture_init(&f);
	budget_init(&flags);
	f.s.budget.total = 1000;
	f.s.budget.line[BUDGET_TOTAL] = 7;
	f.s.budget.col[BUDGET_TOTAL] = 10;
	f.d.budget.total = 300;
	f.d.budget.line[BUDGET_TOTAL] = 12;
	f.d.budget.col[BUDGET_TOTAL] = 20;
	assert_int_equal(budget_evaluate(&f.r, 0, NULL, BUDGET_AT_MEAN, out), 1);
	assert_int_equal(out[0].origin, BUDGET_FROM_DEPLOYMENT);
	assert_int_equal(out[0].status, BUDGET_FAIL);
	assert_int_equal(out[0].line, 12);
	assert_int_equal(out[0].col, 20);
	budget_check_key(&sb, &f.r, &out[0]);
	assert_string_equal(sb.buf, "deployments.aws.budget.total");
	flags.total = 400;
	assert_int_equal(budget_evaluate(&f.r, 0, &flags, BUDGET_AT_MEAN, out), 1);
	assert_int_equal(out[0].origin, BUDGET_FROM_FLAG);
	assert_int_equal(out[0].status, BUDGET_PASS);
	assert_int_equal(out[0].line, 0);
	strbuf_reset(&sb);
	budget_check_key(&sb, &f.r, &out[0]);
	assert_string_equal(sb.buf, "--budget-total");
	strbuf_release(&sb);
}

static void test_percentiles(void **state)
{
	struct fixture f;
	struct budget_check out[BUDGET_NKINDS + 1];

	(void)state;
	fixture_init(&f);
	f.s.budget.total = 390;
	f.s.budget.monthly = 160;
	f.s.budget.per_gpu_hour = 5.2;
	/* Mean 370 and P50 365 pass; P90 400 fails. */
	budget_evaluate(&f.r, 0, NULL, BUDGET_AT_P50, out);
	assert_near(out[1].actual, 365);
	/* P50 is 5 under the mean: month 3's shortage (all of it) takes it: 140 - 5. */
	assert_near(out[0].actual, 135);
	assert_int_equal(budget_worst(out, 3), BUDGET_PASS);
	budget_evaluate(&f.r, 0, NULL, BUDGET_AT_P90, out);
	assert_near(out[1].actual, 400);
	assert_int_equal(out[1].status, BUDGET_FAIL);
	assert_near(out[0].actual, 170);             /* 140 + 30 */
	assert_int_equal(out[0].first_month_over, 3);
	assert_near(out[2].actual, 400.0 / 74);      /* 5.405 > 5.2 */
	assert_int_equal(out[2].status, BUDGET_FAIL);
}

static void test_excluded_fails_feasibility(void **state)
{
	struct fixture f;
	struct budget_check out[BUDGET_NKINDS + 1];
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	fixture_init(&f);
	f.dr.excluded = true;
	f.dr.excluded_reason = "region us-east-1 is outside the allowed regions";
	f.s.budget.total = 1000;
	assert_int_equal(budget_evaluate(&f.r, 0, NULL, BUDGET_AT_MEAN, out), 2);
	assert_int_equal(out[0].kind, BUDGET_FEASIBLE);
	assert_int_equal(out[0].status, BUDGET_FAIL);
	assert_int_equal(out[1].status, BUDGET_PASS);
	budget_check_describe(&sb, &f.r, &out[0]);
	assert_string_equal(sb.buf, "cannot deliver its demand: region us-east-1 is outside the "
			    "allowed regions");
	strbuf_release(&sb);
}

static void test_plan(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	assert_int_equal(budget_plan(&f.r), 0);
	f.r.cheapest = -1;
	assert_int_equal(budget_plan(&f.r), -1);
	f.s.plan = "aws";
	assert_int_equal(budget_plan(&f.r), 0);
}

static void test_at_parse(void **state)
{
	enum budget_at at;

	(void)state;
	assert_int_equal(budget_at_parse("P90", &at), 0);
	assert_int_equal(at, BUDGET_AT_P90);
	assert_int_equal(budget_at_parse("p99", &at), -1);
	assert_string_equal(error_get(), "\"p99\": expected mean, p50 or p90");
	error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_budget_no_checks),
		cmocka_unit_test(test_each_kind_pass_and_fail),
		cmocka_unit_test(test_missing_figure_is_an_error),
		cmocka_unit_test(test_most_specific_limit_wins),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_excluded_fails_feasibility),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_at_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
