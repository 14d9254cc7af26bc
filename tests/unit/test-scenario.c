/*
 * Scenario loading: every key lands in its field in base units, defaults follow
 * scenario.h, YAML and JSON load the same, --set overrides apply before checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "units.h"
#include "util.h"

static char path[64];

/* Writes TEXT to a temporary file (path[]), loads it with OVERRIDES, returns the rc. */
static int load_text(const char *text, const char *const *overrides, size_t n,
		     struct scenario *s, struct strbuf *errors)
{
	int fd;
	int rc;

	snprintf(path, sizeof(path), "/tmp/aicost-scenario-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = scenario_load(path, overrides, n, s, errors);
	unlink(path);
	error_clear();
	return rc;
}

static void assert_close(double got, double want)
{
	if (!(fabs(got - want) <= fabs(want) * 1e-12))
		fail_msg("got %.17g, want %.17g", got, want);
}

static const char full_yaml[] =
	"name: full\n"
	"currency: EUR\n"
	"horizon: 2y\n"
	"discount_rate: 8%\n"
	"start_date: 2026-03-01\n"
	"workloads:\n"
	"  - name: pre\n"
	"    kind: training\n"
	"    params: 47B\n"
	"    active_params: 13B\n"
	"    tokens: 2T\n"
	"    accelerator: H100\n"
	"    gpus: 512\n"
	"    mfu: 38%\n"
	"    recompute: yes\n"
	"    checkpoint_interval: 30min\n"
	"    restart_time: 6min\n"
	"    interruptions_per_gpu_day: 0.0005\n"
	"    deadline: 30d\n"
	"    start: 1mo\n"
	"    egress_per_month: 500GB\n"
	"  - name: chat\n"
	"    kind: inference\n"
	"    params: 8B\n"
	"    active_params: 3B\n"
	"    layers: 32\n"
	"    hidden: 4096\n"
	"    heads: 32\n"
	"    kv_heads: 8\n"
	"    precision: int4\n"
	"    accelerator: L40S\n"
	"    batch: 32\n"
	"    input_tokens: 1k\n"
	"    output_tokens: 250\n"
	"    tokens_per_day: 5B\n"
	"    peak_to_average: 2.5\n"
	"    slo: {ttft: 0.8s, tpot: 40ms}\n"
	"    compute_efficiency: 45%\n"
	"    bandwidth_efficiency: 0.65\n"
	"    min_replicas: 3\n"
	"    duration: 6mo\n"
	"data: {stored: 1.5PB, growth_per_month: 10TiB, hot: 10%, cold_class: archive,\n"
	"       egress_per_month: 20TB, egress_to: inter-region}\n"
	"deployments:\n"
	"  - name: gcp\n"
	"    kind: cloud\n"
	"    provider: gcp\n"
	"    region: europe-west4\n"
	"    instance: a3-highgpu-8g\n"
	"    accelerator: H100-SXM\n"
	"    price_per_gpu_hour: 3.10/GPU-h\n"
	"    purchase: {commit-3y: 50%, spot: 25%, on-demand: 25%}\n"
	"    spot_interruptions_per_day: 0.2\n"
	"    shortage: {probability: 10%, premium: 150%, delay: 3d, fallback: aws/us-east-1,\n"
	"               cost_of_delay: 50k}\n"
	"  - name: dc\n"
	"    kind: onprem\n"
	"    region: DE\n"
	"    gpus: 128\n"
	"    gpus_per_server: 8\n"
	"    server_price: $310k\n"
	"    network: 12%\n"
	"    storage_capex: 200k\n"
	"    installation: 40k\n"
	"    kw_per_server: 10.2\n"
	"    pue: 1.25\n"
	"    power_price: 0.21/kWh\n"
	"    idle_draw: 35%\n"
	"    colo_per_kw_month: 150\n"
	"    facility_per_month: 1k/month\n"
	"    staff: 1.5\n"
	"    staff_cost: 150k\n"
	"    depreciation: 4y\n"
	"    lead_time: 4mo\n"
	"    residual: 10%\n"
	"    maintenance: 10%\n"
	"    transit_per_month: 2k\n"
	"    order_month: 2\n"
	"    fallback: gcp\n"
	"  - {name: both, kind: hybrid, base: dc, burst: gcp}\n"
	"baseline: dc\n"
	"budget: {monthly: 400k, total: 9M, per_million_tokens: 0.3}\n"
	"constraints: {providers: [gcp, aws], regions: [EU]}\n";

static void test_every_key_lands_in_base_units(void **state)
{
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;
	const struct workload *w;
	const struct deployment *d;

	(void)state;
	assert_int_equal(load_text(full_yaml, NULL, 0, &s, &errors), 0);
	assert_string_equal(errors.buf, "");
	assert_string_equal(s.name, "full");
	assert_string_equal(s.currency, "EUR");
	assert_close(s.horizon_hours, 2 * 8760);
	assert_int_equal(s.horizon_months, 24);
	assert_close(s.discount_rate, 0.08);
	assert_string_equal(s.start_date, "2026-03-01");
	assert_int_equal(s.nworkloads, 2);

	w = scenario_find_workload(&s, "pre");
	assert_non_null(w);
	assert_int_equal(w->kind, WORKLOAD_TRAINING);
	assert_close(w->training.params, 47e9);
	assert_close(w->training.active_params, 13e9);
	assert_close(w->training.tokens, 2e12);
	assert_string_equal(w->accelerator, "H100");
	assert_int_equal(w->training.gpus, 512);
	assert_close(w->training.mfu, 0.38);
	assert_true(w->training.recompute);
	assert_close(w->training.checkpoint_interval_hours, 0.5);
	assert_close(w->training.restart_time_hours, 0.1);
	assert_close(w->training.interruptions_per_gpu_day, 0.0005);
	assert_close(w->training.deadline_hours, 720);
	assert_close(w->start_hours, 730);
	assert_close(w->egress_per_month_bytes, 500e9);
	assert_true(isnan(w->training.gpu_hours));
	assert_close(w->training.state_bytes_per_param, 16);

	w = scenario_find_workload(&s, "chat");
	assert_int_equal(w->kind, WORKLOAD_INFERENCE);
	assert_close(w->inference.params, 8e9);
	assert_close(w->inference.active_params, 3e9);
	assert_int_equal(w->inference.head_dim, 128);          /* 4096 / 32 */
	assert_int_equal(w->inference.kv_heads, 8);
	assert_int_equal(w->inference.precision, PRECISION_INT4);
	assert_int_equal(w->inference.kv_precision, PRECISION_BF16);   /* int4 weights, 16-bit KV */
	assert_int_equal(w->inference.batch, 32);
	assert_close(w->inference.input_tokens, 1000);
	assert_close(w->inference.tokens_per_day, 5e9);
	assert_close(w->inference.requests_per_day, 5e9 / 1250);      /* derived */
	assert_close(w->inference.peak_to_average, 2.5);
	assert_close(w->inference.slo_ttft_ms, 800);
	assert_close(w->inference.slo_tpot_ms, 40);
	assert_close(w->inference.compute_efficiency, 0.45);
	assert_close(w->inference.bandwidth_efficiency, 0.65);
	assert_int_equal(w->inference.min_replicas, 3);
	assert_close(w->duration_hours, 6 * 730);

	assert_close(s.data.stored_bytes, 1.5e15);
	assert_close(s.data.growth_per_month_bytes, 10.0 * 1099511627776.0);
	assert_close(s.data.hot_fraction, 0.1);
	assert_string_equal(s.data.cold_class, "archive");
	assert_close(s.data.egress_per_month_bytes, 20e12);
	assert_string_equal(s.data.egress_to, "inter-region");

	d = scenario_find_deployment(&s, "gcp");
	assert_int_equal(d->kind, DEPLOYMENT_CLOUD);
	assert_string_equal(d->provider, "gcp");
	assert_string_equal(d->region, "europe-west4");
	assert_string_equal(d->instance, "a3-highgpu-8g");
	assert_string_equal(d->accelerator, "H100-SXM");
	assert_close(d->price_per_gpu_hour, 3.10);
	assert_int_equal(d->npurchase, 3);
	assert_string_equal(d->purchase[0].option, "commit-3y");
	assert_close(d->purchase[0].fraction, 0.5);
	assert_string_equal(d->purchase[1].option, "spot");
	assert_close(d->spot_interruptions_per_day, 0.2);
	assert_true(d->shortage.present);
	assert_close(d->shortage.probability, 0.1);
	assert_close(d->shortage.premium, 1.5);
	assert_close(d->shortage.delay_hours, 72);
	assert_string_equal(d->shortage.fallback, "aws/us-east-1");
	assert_close(d->shortage.cost_of_delay_per_month, 50e3);
	assert_false(d->residency_violation);                 /* europe-west4 is NL: in the EU */

	d = scenario_find_deployment(&s, "dc");
	assert_int_equal(d->kind, DEPLOYMENT_ONPREM);
	assert_string_equal(d->accelerator, "H100");           /* the first workload's */
	assert_int_equal(d->gpus, 128);
	assert_close(d->server_price, 310e3);
	assert_close(d->network_fraction, 0.12);
	assert_close(d->storage_capex, 200e3);
	assert_close(d->installation, 40e3);
	assert_close(d->kw_per_server, 10.2);
	assert_close(d->pue, 1.25);
	assert_close(d->power_price_per_kwh, 0.21);
	assert_close(d->idle_draw, 0.35);
	assert_close(d->colo_per_kw_month, 150);
	assert_close(d->facility_per_month, 1000);
	assert_close(d->staff_fte, 1.5);
	assert_close(d->staff_cost_per_year, 150e3);
	assert_close(d->depreciation_hours, 4 * 8760);
	assert_close(d->lead_time_hours, 4 * 730);
	assert_close(d->residual, 0.1);
	assert_close(d->maintenance_per_year, 0.1);
	assert_close(d->transit_per_month, 2000);
	assert_close(d->order_month, 2);
	assert_string_equal(d->fallback, "gcp");
	assert_false(d->residency_violation);                 /* DE */

	d = scenario_find_deployment(&s, "both");
	assert_string_equal(d->base, "dc");
	assert_string_equal(d->burst, "gcp");
	assert_string_equal(s.baseline, "dc");
	assert_close(s.budget.monthly, 400e3);
	assert_close(s.budget.total, 9e6);
	assert_close(s.budget.per_million_tokens, 0.3);
	assert_int_equal(s.constraints.nproviders, 2);
	assert_string_equal(s.constraints.regions[0], "EU");
	scenario_release(&s);
	strbuf_release(&errors);
}

static const char minimal_yaml[] =
	"workloads:\n"
	"  - {name: t, kind: training, params: 7B, tokens: 1T, accelerator: A100, gpus: 16}\n"
	"  - {name: s, kind: inference, params: 7B, layers: 32, hidden: 4096, input_tokens: 500,\n"
	"     output_tokens: 100, requests_per_day: 10k, accelerator: A100}\n"
	"deployments:\n"
	"  - {name: c, kind: cloud, provider: aws}\n"
	"  - {name: r, kind: onprem, gpus: 16, server_price: 300k, kw_per_server: 10,\n"
	"     power_price: 0.1}\n";

/* Every documented default, from scenario.h's comments. */
static void test_defaults(void **state)
{
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;
	const struct workload *t, *inf;
	const struct deployment *c, *r;

	(void)state;
	assert_int_equal(load_text(minimal_yaml, NULL, 0, &s, &errors), 0);
	assert_true(str_starts_with(s.name, "aicost-scenario-"));   /* the file's stem */
	assert_string_equal(s.currency, "USD");
	assert_close(s.horizon_hours, 36 * 730);
	assert_int_equal(s.horizon_months, 36);
	assert_close(s.discount_rate, 0);
	assert_int_equal(strlen(s.start_date), 10);
	assert_string_equal(s.start_date + 7, "-01");
	t = &s.workloads[0];
	assert_close(t->training.active_params, 7e9);
	assert_true(isnan(t->training.mfu));   /* predicted by the performance model */
	assert_false(t->training.recompute);
	assert_true(isnan(t->training.checkpoint_interval_hours));   /* Young–Daly's optimum */
	assert_close(t->training.restart_time_hours, 0.25);
	assert_close(t->training.interruptions_per_day, 0);
	assert_close(t->training.interruptions_per_gpu_day, PERF_INTERRUPTIONS_PER_GPU_DAY);
	assert_true(isnan(t->training.deadline_hours));
	assert_close(t->start_hours, 0);
	assert_close(t->egress_per_month_bytes, 0);
	inf = &s.workloads[1];
	assert_close(inf->inference.active_params, 7e9);    /* = params */
	assert_int_equal(inf->inference.head_dim, 128);     /* no heads: 128-wide heads */
	assert_int_equal(inf->inference.heads, 32);         /* 4096 / 128 */
	assert_int_equal(inf->inference.kv_heads, 32);      /* = heads */
	assert_int_equal(inf->inference.precision, PRECISION_BF16);
	assert_int_equal(inf->inference.kv_precision, PRECISION_BF16);
	assert_int_equal(inf->inference.batch, 0);
	assert_close(inf->inference.tokens_per_day, 10e3 * 600);
	assert_close(inf->inference.peak_to_average, 1);
	assert_true(isnan(inf->inference.slo_ttft_ms));
	assert_true(isnan(inf->inference.slo_tpot_ms));
	assert_close(inf->inference.compute_efficiency, 0.5);
	assert_close(inf->inference.bandwidth_efficiency, 0.7);
	assert_int_equal(inf->inference.min_replicas, 1);
	assert_true(isnan(inf->duration_hours));
	assert_close(s.data.stored_bytes, 0);
	assert_close(s.data.hot_fraction, 0.2);
	assert_string_equal(s.data.cold_class, "hot");
	assert_string_equal(s.data.egress_to, "internet");
	c = &s.deployments[0];
	assert_int_equal(c->npurchase, 1);
	assert_string_equal(c->purchase[0].option, "on-demand");
	assert_close(c->purchase[0].fraction, 1);
	assert_true(isnan(c->price_per_gpu_hour));
	assert_true(isnan(c->spot_interruptions_per_day));
	assert_false(c->shortage.present);
	assert_null(c->region);
	assert_null(c->accelerator);
	r = &s.deployments[1];
	assert_int_equal(r->gpus_per_server, 8);
	assert_close(r->network_fraction, 0.10);
	assert_close(r->pue, 1.3);
	assert_close(r->idle_draw, 0.3);
	assert_close(r->colo_per_kw_month, 0);
	assert_close(r->staff_fte, 0);
	assert_close(r->staff_cost_per_year, 0);
	assert_close(r->depreciation_hours, 5 * 8760);
	assert_close(r->lead_time_hours, 0);
	assert_close(r->residual, 0);
	assert_close(r->maintenance_per_year, 0);
	assert_close(r->order_month, 1);
	assert_null(r->fallback);
	assert_string_equal(s.baseline, "c");                 /* the first deployment */
	assert_true(isnan(s.budget.monthly));
	assert_true(isnan(s.budget.total));
	assert_true(isnan(s.budget.per_million_tokens));
	assert_int_equal(s.constraints.nproviders, 0);
	scenario_release(&s);
	strbuf_release(&errors);
}

/* The same scenario in JSON loads to the same values. */
static void test_json_equals_yaml(void **state)
{
	static const char json[] =
		"{\"workloads\": [\n"
		"  {\"name\": \"t\", \"kind\": \"training\", \"params\": \"7B\", \"tokens\": 1e12,\n"
		"   \"accelerator\": \"A100\", \"gpus\": 16},\n"
		"  {\"name\": \"s\", \"kind\": \"inference\", \"params\": 7e9, \"layers\": 32,\n"
		"   \"hidden\": 4096, \"input_tokens\": 500, \"output_tokens\": 100,\n"
		"   \"requests_per_day\": \"10k\", \"accelerator\": \"A100\"}],\n"
		" \"deployments\": [{\"name\": \"c\", \"kind\": \"cloud\", \"provider\": \"aws\"},\n"
		"   {\"name\": \"r\", \"kind\": \"onprem\", \"gpus\": 16, \"server_price\": \"300k\",\n"
		"    \"kw_per_server\": 10, \"power_price\": 0.1}]}\n";
	struct strbuf errors = STRBUF_INIT;
	struct scenario a, b;

	(void)state;
	assert_int_equal(load_text(minimal_yaml, NULL, 0, &a, &errors), 0);
	assert_int_equal(load_text(json, NULL, 0, &b, &errors), 0);
	assert_close(a.workloads[0].training.params, b.workloads[0].training.params);
	assert_close(a.workloads[0].training.tokens, b.workloads[0].training.tokens);
	assert_close(a.workloads[1].inference.tokens_per_day, b.workloads[1].inference.tokens_per_day);
	assert_close(a.deployments[1].server_price, b.deployments[1].server_price);
	assert_close(a.deployments[1].power_price_per_kwh, b.deployments[1].power_price_per_kwh);
	scenario_release(&a);
	scenario_release(&b);
	strbuf_release(&errors);
}

static void test_overrides(void **state)
{
	static const char *const sets[] = {
		"workloads.s.batch=16",                    /* an item by name */
		"workloads[0].mfu=45%",                    /* an item by index */
		"deployments.c.purchase={spot: 100%}",     /* a YAML value */
		"deployments.c.shortage.probability=5%",   /* creates the missing mapping */
		"constraints.providers=[aws]",
		"horizon=12mo",
	};
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(load_text(minimal_yaml, sets, ARRAY_SIZE(sets), &s, &errors), 0);
	assert_string_equal(errors.buf, "");
	assert_int_equal(s.workloads[1].inference.batch, 16);
	assert_close(s.workloads[0].training.mfu, 0.45);
	assert_string_equal(s.deployments[0].purchase[0].option, "spot");
	assert_true(s.deployments[0].shortage.present);
	assert_close(s.deployments[0].shortage.probability, 0.05);
	assert_int_equal(s.constraints.nproviders, 1);
	assert_int_equal(s.horizon_months, 12);
	assert_false(s.deployments[0].residency_violation);
	scenario_release(&s);
	strbuf_release(&errors);
}

/* Regression: a key left empty ("budget:" with its keys commented out) takes a --set below it. */
static void test_override_into_empty_key(void **state)
{
	static const char text[] =
		"workloads:\n"
		"  - {name: s, kind: inference, params: 7B, layers: 32, hidden: 4096, input_tokens: 500,\n"
		"     output_tokens: 100, requests_per_day: 10k, accelerator: A100, slo: ~}\n"
		"deployments:\n"
		"  - {name: c, kind: cloud, provider: aws}\n"
		"budget:\n"
		"  # monthly: 10k\n";
	static const char *const sets[] = {
		"budget.monthly=5k", "budget.total=1M", "workloads.s.slo.tpot=40ms",
	};
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(load_text(text, sets, ARRAY_SIZE(sets), &s, &errors), 0);
	assert_string_equal(errors.buf, "");
	assert_close(s.budget.monthly, 5000);
	assert_close(s.budget.total, 1e6);
	assert_close(s.workloads[0].inference.slo_tpot_ms, 40);
	assert_true(isnan(s.workloads[0].inference.slo_ttft_ms));
	scenario_release(&s);
	strbuf_release(&errors);
}

static void test_override_errors(void **state)
{
	static const char *const sets[] = {
		"workloads[5].gpus=1",
		"workloads.t.gpus",
		"workloads.t.gpus.x=1",
		"workloads[x].gpus=1",
		"=1",
		"workloads.t.gpus=1.5",
	};
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(load_text(minimal_yaml, sets, ARRAY_SIZE(sets), &s, &errors), -1);
	assert_non_null(strstr(errors.buf, "--set workloads[5].gpus=1: workloads has 2 items; [5] "
			       "is out of range"));
	assert_non_null(strstr(errors.buf, "--set workloads.t.gpus: expected key.path=value"));
	assert_non_null(strstr(errors.buf, "workloads.t.gpus is a scalar, not a mapping"));
	assert_non_null(strstr(errors.buf, "expected a list index like [0]"));
	assert_non_null(strstr(errors.buf, "--set =1: empty path"));
	assert_non_null(strstr(errors.buf, "--set workloads.t.gpus=1.5: workloads[0].gpus: "
			       "\"1.5\": expected a whole number"));
	/* One line per problem, every one of them. */
	assert_int_equal(strchr(errors.buf, '\n') != NULL, 1);
	{
		size_t lines = 0;

		for (const char *p = errors.buf; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 6);
	}
	strbuf_release(&errors);
}

static void test_residency(void **state)
{
	static const char *const sets[] = {
		"constraints={providers: [aws, gcp], regions: [EU]}",
		"deployments.c.region=us-east-1",
		"deployments.r.region=DE",
	};
	static const char *const provider_sets[] = {
		"constraints.providers=[gcp]",
		"constraints.regions=[us-*]",
		"deployments.c.region=us-west-2",
	};
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(load_text(minimal_yaml, sets, ARRAY_SIZE(sets), &s, &errors), 0);
	assert_true(s.deployments[0].residency_violation);
	assert_string_equal(s.deployments[0].residency_reason,
			    "region us-east-1 is outside the allowed regions");
	assert_false(s.deployments[1].residency_violation);
	scenario_release(&s);
	assert_int_equal(load_text(minimal_yaml, provider_sets, ARRAY_SIZE(provider_sets), &s,
				   &errors), 0);
	assert_true(s.deployments[0].residency_violation);
	assert_string_equal(s.deployments[0].residency_reason,
			    "provider aws is not among the allowed providers");
	scenario_release(&s);
	strbuf_release(&errors);
}

/* Cross-field rules: the ones a table of keys cannot express. */
static void test_cross_field_rules(void **state)
{
	static const char *const sets[] = {
		"workloads.t.gpu_hours=100k",                     /* with tokens too */
		"workloads.t.active_params=9B",                   /* more than params */
		"workloads.t.interruptions_per_day=1",
		"workloads.t.interruptions_per_gpu_day=0.01",
		"workloads.s.tokens_per_day=1B",                  /* with requests_per_day */
		"workloads.s.heads=30",                           /* 4096 is not a multiple */
		"workloads.s.kv_heads=7",
		"workloads.s.peak_to_average=0.5",
		"workloads.s.active_params=8B",                   /* more than params */
		"deployments.r.staff=2",                          /* without staff_cost */
		"deployments.r.pue=0.9",
		"deployments.r.order_month=40",                   /* after the horizon */
		"deployments.r.fallback=r",
		"currency=dollars",
		"start_date=2026-02-30",
	};
	static const char *const expected[] = {
		"give either gpu_hours or tokens, not both",
		"workloads[0].active_params: 9e+09 active parameters exceed the 7e+09 in params",
		"give either interruptions_per_day or interruptions_per_gpu_day, not both",
		"give either requests_per_day or tokens_per_day, not both",
		"hidden (4096) is not a multiple of heads (30)",
		"7 key/value heads do not divide 30 heads",
		"peak_to_average: expected at least 1",
		"workloads[1].active_params: 8e+09 active parameters exceed the 7e+09 in params",
		"staff_cost: required key is missing when staff > 0",
		"pue: expected at least 1",
		"order_month: month 40 is after the 36-month horizon",
		"fallback: a deployment cannot refer to itself",
		"currency: expected a three-letter ISO code like USD, got \"dollars\"",
		"start_date: expected a date (YYYY-MM-DD, from 1900), got \"2026-02-30\"",
	};
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(load_text(minimal_yaml, sets, ARRAY_SIZE(sets), &s, &errors), -1);
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++)
		if (!strstr(errors.buf, expected[i]))
			fail_msg("missing \"%s\" in:\n%s", expected[i], errors.buf);
	strbuf_release(&errors);
}

/* financing: {term, rate, down_payment} on an on-prem deployment, and its errors. */
static void test_financing(void **state)
{
	static const char text[] =
		"workloads:\n"
		"  - {name: t, kind: training, params: 7B, tokens: 1T, accelerator: A100, gpus: 16}\n"
		"deployments:\n"
		"  - {name: c, kind: cloud, provider: aws}\n"
		"  - name: r\n"
		"    kind: onprem\n"
		"    gpus: 16\n"
		"    server_price: 300k\n"
		"    kw_per_server: 10\n"
		"    power_price: 0.1\n"
		"    financing:\n"
		"      term: 3y\n"
		"      rate: 7%\n"
		"      down_payment: 20%\n";
	static const char *const bad[][2] = {
		{ "deployments.r.financing.tern=3y", "financing.tern: unknown key 'tern'; did you mean 'term'?" },
		{ "deployments.r.financing={rate: 7%}", "financing.term: required key is missing; expected a duration" },
		{ "deployments.r.financing.term=0mo", "financing.term: expected a positive value, got \"0mo\"" },
		{ "deployments.r.financing.rate=-1%", "financing.rate: expected a non-negative value, got \"-1%\"" },
		{ "deployments.r.financing.down_payment=120%", "financing.down_payment: \"120%\": expected at most 100%" },
		{ "deployments.r.financing=36mo", "financing: expected a mapping of keys, got a scalar \"36mo\"" },
		{ "deployments.c.financing={term: 3y, rate: 7%}", "deployments[0].financing: 'financing' applies to onprem deployments only" },
	};
	static const char *const none[] = { "deployments.r.financing=~" };
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(load_text(text, NULL, 0, &s, &errors), 0);
	assert_true(isnan(s.deployments[0].finance_term_hours));
	assert_close(s.deployments[1].finance_term_hours, 3 * 8760.0);   /* = 36 x 730 */
	assert_close(s.deployments[1].finance_rate, 0.07);
	assert_close(s.deployments[1].finance_down_payment, 0.20);
	scenario_release(&s);

	assert_int_equal(load_text(text, none, 1, &s, &errors), 0);
	assert_true(isnan(s.deployments[1].finance_term_hours));
	scenario_release(&s);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		strbuf_reset(&errors);
		assert_int_equal(load_text(text, bad[i], 1, &s, &errors), -1);
		if (!strstr(errors.buf, bad[i][1]))
			fail_msg("missing \"%s\" in:\n%s", bad[i][1], errors.buf);
	}
	/* A mistake in the file itself is reported at its line and column. */
	strbuf_reset(&errors);
	{
		struct strbuf typo = STRBUF_INIT;

		strbuf_adds(&typo, text);
		strbuf_adds(&typo, "      intrest: 5%\n");
		assert_int_equal(load_text(typo.buf, NULL, 0, &s, &errors), -1);
		if (!strstr(errors.buf, ":15:7: deployments[1].financing.intrest: unknown key 'intrest'"))
			fail_msg("unexpected:\n%s", errors.buf);
		strbuf_release(&typo);
	}
	strbuf_release(&errors);
}

/* Known GPU-hours stand in for params and tokens. */
static void test_gpu_hours_instead_of_tokens(void **state)
{
	static const char *const sets[] = {
		"workloads.t={name: t, kind: training, gpu_hours: 184k, accelerator: A100, gpus: 64}",
	};
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(load_text(minimal_yaml, sets, 1, &s, &errors), 0);
	assert_close(s.workloads[0].training.gpu_hours, 184e3);
	assert_true(isnan(s.workloads[0].training.params));
	scenario_release(&s);
	strbuf_release(&errors);
}

/* A file that cannot be read is reported like any other problem. */
/* Data residency by region name, glob, country or EU; Zurich, London and Oslo are not EU. */
static void test_region_allowed(void **state)
{
	static const char *const in_eu[] = {
		"eu-central-1", "europe-west4", "westeurope", "germanywestcentral", "DE",
		/* Regression: these EU regions were not known and so counted as outside it. */
		"eu-south-2", "europe-southwest1", "europe-central2", "polandcentral", "italynorth",
		"spaincentral", "europe-west8",
	};
	static const char *const outside_eu[] = {
		"eu-west-2", "uksouth", "eu-central-2", "europe-west6", "switzerlandnorth",
		"norwayeast", "us-east-1", "eastus", "CH",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(in_eu); i++)
		if (!scenario_region_allowed(in_eu[i], "EU"))
			fail_msg("%s should be in the EU", in_eu[i]);
	for (size_t i = 0; i < ARRAY_SIZE(outside_eu); i++)
		if (scenario_region_allowed(outside_eu[i], "EU"))
			fail_msg("%s should be outside the EU", outside_eu[i]);
	assert_true(scenario_region_allowed("eu-central-1", "DE"));
	assert_true(scenario_region_allowed("europe-west6", "CH"));
	assert_false(scenario_region_allowed("eu-central-2", "DE"));
	assert_true(scenario_region_allowed("us-west-2", "us-*"));
	assert_true(scenario_region_allowed("eastus2", "US"));
	assert_true(scenario_region_allowed("us-east-1", "US-EAST-1"));
	assert_false(scenario_region_allowed("ap-northeast-1", "US"));
	/* Regression: country codes missed these regions of the shipped catalog (review 7). */
	{
		static const char *const in[][2] = {
			{ "ap-northeast-2", "KR" }, { "asia-northeast3", "KR" },
			{ "koreacentral", "KR" }, { "asia-northeast-2", "KR" },
			{ "sa-east-1", "BR" }, { "brazilsouth", "BR" },
			{ "ap-south-2", "IN" }, { "asia-south2", "IN" }, { "jioindiawest", "IN" },
			{ "ap-northeast-3", "JP" }, { "ap-southeast-4", "AU" },
			{ "me-central-1", "AE" }, { "me-central2", "SA" }, { "me-west1", "IL" },
			{ "southamerica-west1", "CL" }, { "eu-north1", "FI" }, { "eu-west1", "FR" },
		};

		for (size_t i = 0; i < ARRAY_SIZE(in); i++)
			if (!scenario_region_allowed(in[i][0], in[i][1]))
				fail_msg("%s should be in %s", in[i][0], in[i][1]);
		assert_false(scenario_region_allowed("ap-northeast-2", "JP"));
		assert_false(scenario_region_allowed("me-central-1", "EU"));
	}
}

static void test_unreadable_file(void **state)
{
	struct strbuf errors = STRBUF_INIT;
	struct scenario s;

	(void)state;
	assert_int_equal(scenario_load("/nonexistent/x.yaml", NULL, 0, &s, &errors), -1);
	assert_non_null(strstr(errors.buf, "/nonexistent/x.yaml: No such file or directory"));
	error_clear();
	strbuf_release(&errors);
}

static void test_precision_table(void **state)
{
	(void)state;
	assert_string_equal(precision_name(PRECISION_FP8), "fp8");
	assert_close(precision_bytes(PRECISION_FP32), 4);
	assert_close(precision_bytes(PRECISION_BF16), 2);
	assert_close(precision_bytes(PRECISION_INT8), 1);
	assert_close(precision_bytes(PRECISION_INT4), 0.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_lands_in_base_units),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_json_equals_yaml),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_override_into_empty_key),
		cmocka_unit_test(test_override_errors),
		cmocka_unit_test(test_residency),
		cmocka_unit_test(test_cross_field_rules),
		cmocka_unit_test(test_financing),
		cmocka_unit_test(test_gpu_hours_instead_of_tokens),
		cmocka_unit_test(test_region_allowed),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_precision_table),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	error_free();
	return failed;
}
