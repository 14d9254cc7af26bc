/*
 * The cost engine on hand-built scenarios: every expected number is worked out
 * by hand in the comment next to it. Tolerance: 1e-9 relative unless stated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "db.h"
#include "tco.h"
#include "util.h"

#define MAXW 4
#define MAXD 4

/* One scenario with everything it points at, built by hand. */
struct fixture {
	struct scenario s;
	struct workload w[MAXW];
	struct workload_demand d[MAXW];
	struct deployment dep[MAXD];
	struct deployment_input din[MAXD];
	struct purchase_share shares[MAXD][3];
	double share_prices[MAXD][3];
	struct egress_tier tiers[5];
	struct tco_input in;
	struct tco_result r;
};

static void assert_near(double got, double want, double relative)
{
	if (fabs(got - want) > relative * fmax(fabs(want), 1e-6))
		fail_msg("got %.10f, want %.10f", got, want);
}
#define assert_close(got, want) assert_near((got), (want), 1e-9)

/* AWS internet egress, reference/prices.md, in decimal GB. */
static const struct egress_tier aws_tiers[5] = {
	{ .start_gb = 0, .end_gb = 100, .price_per_gb = 0 },
	{ .start_gb = 100, .end_gb = 10000, .price_per_gb = 0.09 },
	{ .start_gb = 10000, .end_gb = 50000, .price_per_gb = 0.085 },
	{ .start_gb = 50000, .end_gb = 150000, .price_per_gb = 0.07 },
	{ .start_gb = 150000, .end_gb = INFINITY, .price_per_gb = 0.05 },
};

static void fixture_init(struct fixture *f, int months)
{
	memset(f, 0, sizeof(*f));
	f->s.name = "test";
	f->s.horizon_months = months;
	f->s.horizon_hours = months * 730.0;
	f->s.data.hot_fraction = 0.2;
	f->s.workloads = f->w;
	f->s.deployments = f->dep;
	f->in.scenario = &f->s;
	f->in.deployments = f->din;
	f->in.opts.seed = 1;
	f->in.opts.trials = 10000;
	memcpy(f->tiers, aws_tiers, sizeof(aws_tiers));
}

static void add_training(struct fixture *f, int gpus, double gpu_hours, double start_hours)
{
	struct workload *w = &f->w[f->s.nworkloads];
	struct workload_demand *d = &f->d[f->s.nworkloads++];

	w->name = "train";
	w->kind = WORKLOAD_TRAINING;
	w->start_hours = start_hours;
	w->duration_hours = NAN;
	w->training.checkpoint_interval_hours = 1;
	w->training.restart_time_hours = 0.25;
	w->training.deadline_hours = NAN;
	d->gpus = gpus;
	d->gpu_hours = gpu_hours;
	d->wall_hours = gpu_hours / gpus;
}

static void add_inference(struct fixture *f, int gpus, double tokens_per_month)
{
	struct workload *w = &f->w[f->s.nworkloads];
	struct workload_demand *d = &f->d[f->s.nworkloads++];

	w->name = "serve";
	w->kind = WORKLOAD_INFERENCE;
	w->duration_hours = NAN;
	d->gpus = gpus;
	d->gpu_hours_per_month = gpus * 730.0;
	d->tokens_per_month = tokens_per_month;
}

static struct deployment *add_deployment(struct fixture *f, const char *name,
					 enum deployment_kind kind)
{
	size_t i = f->s.ndeployments++;
	struct deployment *d = &f->dep[i];

	d->name = (char *)name;
	d->kind = kind;
	d->price_per_gpu_hour = NAN;
	d->spot_interruptions_per_day = NAN;
	d->shortage.cost_of_delay_per_month = NAN;
	d->idle_draw = 0.3;
	d->pue = 1.3;
	d->order_month = 1;
	f->din[i].demand = f->d;
	f->din[i].shortage_fallback_per_gpu_hour = NAN;
	return d;
}

/* A cloud deployment at PRICE per GPU-hour for every share of OPTIONS (NULL-ended). */
static struct deployment *add_cloud(struct fixture *f, const char *name, double price,
				    const char *const *options, const double *fractions)
{
	size_t i = f->s.ndeployments;
	struct deployment *d = add_deployment(f, name, DEPLOYMENT_CLOUD);
	struct cloud_pricing *p = &f->din[i].cloud;

	d->provider = "aws";
	d->region = "us-east-1";
	d->purchase = f->shares[i];
	for (size_t k = 0; options[k]; k++) {
		f->shares[i][k].option = (char *)options[k];
		f->shares[i][k].fraction = fractions[k];
		f->share_prices[i][k] = price;
		d->npurchase++;
	}
	p->present = true;
	p->gpus_per_instance = 8;
	p->on_demand_per_gpu_hour = price;
	p->share_per_gpu_hour = f->share_prices[i];
	p->nshares = d->npurchase;
	p->egress_tiers = f->tiers;
	p->negress_tiers = 5;
	p->block_per_gb_month = 0.08;
	p->object_per_gb_month = 0.023;
	p->spot_interruptions_per_day = SPOT_INTERRUPTIONS_PER_DAY_DEFAULT;
	return d;
}

static const char *const on_demand[] = { "on-demand", NULL };
static const double all[] = { 1.0 };

/* One 8 x H100 server (reference/prices.md), 10.2 kW, PUE 1.3, $0.08/kWh, $184/kW-month. */
static struct deployment *add_onprem(struct fixture *f, const char *name, int gpus)
{
	struct deployment *d = add_deployment(f, name, DEPLOYMENT_ONPREM);

	d->gpus = gpus;
	d->gpus_per_server = 8;
	d->server_price = 310000;
	d->network_fraction = 0.10;
	d->kw_per_server = 10.2;
	d->power_price_per_kwh = 0.08;
	d->colo_per_kw_month = 184;
	d->depreciation_hours = 5 * 8760.0;
	return d;
}

static void run(struct fixture *f)
{
	if (tco_compute(&f->in, &f->r) < 0)
		fail_msg("tco_compute: %s", error_get());
}

static double sum(const double *v, int n)
{
	double total = 0;

	for (int i = 0; i < n; i++)
		total += v[i];
	return total;
}

static void test_egress_two_tiers_one_month(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	/* 12,000 GB: 100 free + 9,900 x 0.09 = 891 + 2,000 x 0.085 = 170 -> 1,061. */
	assert_close(egress_cost(aws_tiers, 5, 12000), 1061);
	/* Two jobs of 6 TB each in the same month are billed on the month's 12 TB
	 * (1,061), not as two 6 TB bills (2 x 5,900 x 0.09 = 1,062). */
	fixture_init(f, 1);
	add_inference(f, 1, 0);
	add_inference(f, 1, 0);
	f->w[0].egress_per_month_bytes = 6e12;
	f->w[1].egress_per_month_bytes = 6e12;
	add_cloud(f, "aws", 2, on_demand, all);
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_EGRESS], 1061);
	assert_close(2 * egress_cost(aws_tiers, 5, 6000), 1062);
	tco_result_release(&f->r);
	free(f);
}

static void test_egress_50tb_aws_within_tier_bounds(void **state)
{
	/* 50 TB = 50,000 GB: 9,900 x 0.09 + 40,000 x 0.085 = 891 + 3,400 = 4,291,
	 * inside [50,000 x 0.05, 50,000 x 0.09] = [2,500, 4,500]. */
	double usd = egress_cost(aws_tiers, 5, 50000);

	(void)state;
	assert_close(usd, 4291);
	assert_true(usd >= 50000 * 0.05 && usd <= 50000 * 0.09);
	/* Ingress or nothing sent costs nothing. */
	assert_close(egress_cost(aws_tiers, 5, 0), 0);
}

static void test_reserved_commitment_under_used(void **state)
{
	static const char *const reserved[] = { "reserved-1y", NULL };
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;

	(void)state;
	/* 8 GPUs busy for month 1 only (5,840 GPU-hours) on a 1-year reservation at
	 * $2/GPU-h: billed 8 x 730 h x 12 months x $2 = 140,160 although only
	 * 5,840 x $2 = 11,680 of it was used; $/GPU-hour = 140,160 / 5,840 = 24. */
	fixture_init(f, 12);
	add_training(f, 8, 5840, 0);
	add_cloud(f, "reserved", 2, reserved, all);
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_COMPUTE], 140160);
	for (int m = 0; m < 12; m++)
		assert_close(r->monthly_by_component[m][COST_COMPUTE], 11680);
	assert_close(r->per_gpu_hour, 24);
	tco_result_release(&f->r);
	free(f);
}

static void test_commitment_renewed_per_term(void **state)
{
	static const char *const reserved[] = { "reserved-1y", NULL };
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;

	(void)state;
	/* 8 GPUs in month 1 and 16 GPUs in month 14, on 1-year reservations at $1:
	 * the first term is sized to 8 GPUs (8 x 730 x 12 = 70,080), the renewal in
	 * month 13 to its own busiest month, 16 GPUs (16 x 730 x 12 = 140,160). */
	fixture_init(f, 24);
	add_training(f, 8, 8 * 730.0, 0);
	add_training(f, 16, 16 * 730.0, 13 * 730.0);
	add_cloud(f, "reserved", 1, reserved, all);
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->monthly_by_component[11][COST_COMPUTE], 8 * 730.0);
	assert_close(r->monthly_by_component[12][COST_COMPUTE], 16 * 730.0);
	assert_close(r->breakdown[COST_COMPUTE], 70080 + 140160);
	tco_result_release(&f->r);

	/* Without the second job no term is renewed: 70,080 and nothing after month 12. */
	f->s.nworkloads = 1;
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_COMPUTE], 70080);
	assert_close(r->monthly_by_component[12][COST_COMPUTE], 0);
	tco_result_release(&f->r);
	free(f);
}

/*
 * A commitment is owed for its whole term. 8 GPUs served steadily on a 3-year
 * commitment at $1/GPU-h, 12-month horizon: months 1-12 bill 8 x 730 = 5,840
 * each; the 24 months past the horizon (8 x 730 x 24 = 140,160) are owed and
 * paid in month 12: total 8 x 730 x 36 = 210,240, of which 140,160 is
 * committed_after_horizon. Invariant: the same total on any horizon up to the
 * term (6, 12, 24, 35, 36 months), since the term is paid whole.
 */
static void test_commitment_owed_past_the_horizon(void **state)
{
	static const char *const commit[] = { "commit-3y", NULL };
	static const int horizons[] = { 6, 12, 24, 35, 36 };
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;

	(void)state;
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	add_cloud(f, "commit", 1, commit, all);
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->monthly_by_component[0][COST_COMPUTE], 5840);
	assert_close(r->monthly_by_component[11][COST_COMPUTE], 5840 + 140160);
	assert_close(r->committed_after_horizon, 140160);
	assert_close(r->total, 210240);
	/* a monthly budget sees what it costs to run, not the remainder */
	assert_close(budget_running_cost(r, 11), 5840);
	tco_result_release(&f->r);
	for (size_t i = 0; i < ARRAY_SIZE(horizons); i++) {
		fixture_init(f, horizons[i]);
		add_inference(f, 8, 0);
		add_cloud(f, "commit", 1, commit, all);
		run(f);
		assert_close(f->r.deployments[0].total, 210240);
		assert_close(f->r.deployments[0].committed_after_horizon,
			     8 * 730.0 * (36 - horizons[i]));
		tco_result_release(&f->r);
	}
	free(f);
}

static void test_cloud_rents_whole_instances(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;

	(void)state;
	/* 28 GPUs of serving (7 replicas at TP 4) on 8-GPU instances rent 4 of them:
	 * 32 x 730 x $2 = 46,720 a month, 560,640 a year. $/GPU-hour divides by the
	 * 28 x 8,760 = 245,280 GPU-hours the work used: 2.2857142857. A price given
	 * per GPU-hour with no instance is billed per GPU: 28 x 8,760 x 2 = 490,560. */
	fixture_init(f, 12);
	add_inference(f, 28, 0);
	add_cloud(f, "cloud", 2, on_demand, all);
	f->din[0].cloud.whole_instances = true;
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_COMPUTE], 560640);
	assert_close(r->gpu_hours_delivered, 245280);
	assert_close(r->per_gpu_hour, 560640 / 245280.0);
	tco_result_release(&f->r);
	f->din[0].cloud.whole_instances = false;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_COMPUTE], 490560);
	tco_result_release(&f->r);
	free(f);
}

static void test_purchase_mix_overflow(void **state)
{
	static const char *const mix[] = { "reserved-1y", "on-demand", NULL };
	static const double fractions[] = { 0.7, 0.3 };
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	/* 10 GPUs steady for 12 months, 70% reserved at $1.5 and 30% on demand at $3:
	 * 7 x 730 x 1.5 = 7,665 + 3 x 730 x 3 = 6,570 -> 14,235 a month, 170,820 a year. */
	fixture_init(f, 12);
	add_inference(f, 10, 0);
	add_cloud(f, "mix", 3, mix, fractions);
	f->share_prices[0][0] = 1.5;
	run(f);
	assert_close(f->r.deployments[0].monthly[0], 14235);
	assert_close(f->r.deployments[0].total, 170820);
	tco_result_release(&f->r);
	free(f);
}

static void test_spot_recomputed_work(void **state)
{
	static const char *const spot[] = { "spot", NULL };
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *d;

	(void)state;
	/* 16 GPUs = 2 instances; 0.24 interruptions per instance-day; each costs half
	 * a 1 h checkpoint interval + 0.25 h restart = 0.75 h of the whole job:
	 * 0.24 / 24 x 2 x 0.75 = 1.5% more work. 11,680 GPU-h x $1 x 1.015 = 11,855.2. */
	fixture_init(f, 2);
	add_training(f, 16, 11680, 0);
	d = add_cloud(f, "spot", 1, spot, all);
	d->spot_interruptions_per_day = 0.24;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_COMPUTE], 11855.2);
	assert_close(f->r.deployments[0].gpu_hours_delivered, 11680);
	tco_result_release(&f->r);
	/* A rate of 0 given in the scenario means no interruptions, not the default. */
	d->spot_interruptions_per_day = 0;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_COMPUTE], 11680);
	tco_result_release(&f->r);
	free(f);
}

/*
 * A store (the shipped catalog, tests run from the repository root) whose AWS
 * us-east-1 holds p5.48xlarge on demand at $55.04 and on spot at $20 with
 * INTERRUPTIONS_PER_MONTH (NAN: the store knows none).
 */
static struct db *spot_store(const char *dir, double interruptions_per_month)
{
	struct strbuf path = STRBUF_INIT;
	struct offer o = { 0 };
	struct db *db;
	int64_t snap;

	strbuf_addf(&path, "%s/prices.db", dir);
	db = db_open_catalog(path.buf, "pricing");
	strbuf_release(&path);
	assert_non_null(db);
	snap = db_snapshot_begin(db, "aws", "test");
	assert_true(snap > 0);
	o.provider = "aws";
	o.region = "us-east-1";
	o.instance_type = "p5.48xlarge";
	o.accelerator = "H100-SXM";
	o.accelerator_count = 8;
	o.purchase = "on-demand";
	o.price_per_hour = 55.04;
	o.observed = "2026-11-27";
	o.source = "test";
	o.confidence = "exact";
	o.interruptions_per_month = NAN;
	assert_int_equal(db_snapshot_add_offer(db, snap, &o), 0);
	o.purchase = "spot";
	o.price_per_hour = 20;
	o.interruptions_per_month = interruptions_per_month;
	assert_int_equal(db_snapshot_add_offer(db, snap, &o), 0);
	assert_int_equal(db_snapshot_commit(db, snap), 0);
	return db;
}

/* Prices DEP of F from DB, runs the engine; returns the compute cost, fills NOTES. */
static double store_spot_compute(struct fixture *f, struct db *db, struct strbuf *notes)
{
	struct tco_input in;
	struct tco_result r;
	double compute;

	if (tco_prepare(db, &f->s, &f->in.opts, &in) < 0)
		fail_msg("tco_prepare: %s", error_get());
	if (tco_compute(&in, &r) < 0)
		fail_msg("tco_compute: %s", error_get());
	compute = r.deployments[0].breakdown[COST_COMPUTE];
	strbuf_reset(notes);
	strbuf_adds(notes, in.notes.len ? in.notes.buf : "");
	tco_result_release(&r);
	tco_input_release(&in);
	return compute;
}

static void test_spot_interruptions_from_the_store(void **state)
{
	static const char *const spot[] = { "spot", NULL };
	struct fixture *f = xmalloc(sizeof(*f));
	struct strbuf notes = STRBUF_INIT, cmd = STRBUF_INIT;
	char dir[] = "/tmp/aicost-test-tco.XXXXXX";
	struct deployment *d;
	struct db *db;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* 16 H100 train for 11,680 GPU-hours (730 h on 2 p5 instances); each
	 * interruption loses half a 1 h checkpoint interval + 0.25 h restart = 0.75 h. */
	fixture_init(f, 2);
	add_training(f, 16, 11680, 0);
	f->w[0].accelerator = "H100-SXM";
	f->w[0].training.gpus = 16;
	f->w[0].training.gpu_hours = 11680;
	f->w[0].training.mfu = 0.4;
	f->w[0].training.params = NAN;
	f->w[0].training.active_params = NAN;
	f->w[0].training.deadline_hours = NAN;
	d = add_cloud(f, "aws", 1, spot, all);

	/* Spot Advisor bucket ">20%" stored as 0.225 a month = 0.225 / (730 / 24)
	 * per instance-day: 0.225 / 730 per instance-hour x 2 instances x 0.75 h
	 * = 0.3375 / 730 more work. $20 / 8 GPUs = $2.50; 11,680 x 2.50 = 29,200;
	 * 29,200 x 0.3375 / 730 = 40 x 0.3375 = 13.5 -> 29,213.5. */
	db = spot_store(dir, 0.225);
	assert_close(store_spot_compute(f, db, &notes), 29213.5);
	assert_non_null(strstr(notes.buf, "deployment aws: spot interruptions from the price "
				"store: 22.5% of p5.48xlarge instances a month in us-east-1"));
	/* The scenario's own rate wins: 0.24 / 24 x 2 x 0.75 = 1.5% -> 29,638, no note. */
	d->spot_interruptions_per_day = 0.24;
	assert_close(store_spot_compute(f, db, &notes), 29638);
	assert_null(strstr(notes.buf, "interruption"));
	d->spot_interruptions_per_day = NAN;
	db_close(db);

	/* A store without a rate: the default 10% a month, said so. 0.10 / 730 x 2 x
	 * 0.75 = 0.15 / 730; 29,200 x 0.15 / 730 = 6 -> 29,206. */
	strbuf_addf(&cmd, "rm -rf %s/prices.db*", dir);
	assert_int_equal(system(cmd.buf), 0);
	db = spot_store(dir, NAN);
	assert_close(store_spot_compute(f, db, &notes), 29206);
	assert_non_null(strstr(notes.buf, "deployment aws: no spot interruption rate in the "
				"store; assumed 10% of instances a month"));
	db_close(db);

	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_release(&cmd);
	strbuf_release(&notes);
	free(f);
}

static void test_power_and_colo_one_server_one_year(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;

	(void)state;
	/* One 8-GPU server busy all year: 10.2 kW x 1.0 x 1.3 PUE x $0.08 x 8,760 h
	 * = 9,292.608; colo per contracted kW: 10.2 x $184 x 12 = 22,521.6. */
	fixture_init(f, 12);
	add_training(f, 8, 8 * 8760.0, 0);
	add_onprem(f, "rack", 8);
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_POWER], 9292.608);
	assert_close(r->breakdown[COST_FACILITY], 22521.6);
	assert_close(r->utilisation, 1);
	tco_result_release(&f->r);

	/* Idle all year it still draws 30%: 9,292.608 x 0.3 = 2,787.7824; colo unchanged. */
	fixture_init(f, 12);
	add_onprem(f, "rack", 8);
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_POWER], 2787.7824);
	assert_close(f->r.deployments[0].breakdown[COST_FACILITY], 22521.6);
	assert_true(isnan(f->r.deployments[0].per_gpu_hour));
	tco_result_release(&f->r);
	free(f);
}

static void test_depreciation_with_residual(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;
	struct deployment *d;

	(void)state;
	/* Hardware 310,000 + 10% network = 341,000, plus 5,000 installation paid in
	 * month 1 = 346,000 capex. After 36 of 60 months, with residual 20%, the book
	 * value is 341,000 x (1 - 0.8 x 36/60) = 341,000 x 0.52 = 177,320, credited in
	 * month 36. Staff 0.5 FTE x 120,000 / 12 = 5,000 a month; maintenance 8% of
	 * 341,000 / 12 = 2,273.33 a month. */
	fixture_init(f, 36);
	d = add_onprem(f, "rack", 8);
	d->residual = 0.20;
	d->installation = 5000;
	d->staff_fte = 0.5;
	d->staff_cost_per_year = 120000;
	d->maintenance_per_year = 0.08;
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_CAPEX], 346000);
	assert_close(r->monthly_by_component[0][COST_CAPEX], 346000);
	assert_close(r->breakdown[COST_RESIDUAL], -177320);
	assert_close(r->monthly_by_component[35][COST_RESIDUAL], -177320);
	assert_close(r->breakdown[COST_STAFF], 180000);
	assert_close(r->breakdown[COST_MAINTENANCE], 341000 * 0.08 * 3);
	tco_result_release(&f->r);

	/* Residual 0 and a 60-month life: 36 months leave 40% of the price. */
	d->residual = 0;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_RESIDUAL], -341000 * 0.4);
	tco_result_release(&f->r);
	free(f);
}

/* The capex of one financed server: 900,000 hardware (no network share) + 100,000 installation. */
static struct deployment *add_financed(struct fixture *f, int months, double term_months,
				       double rate, double down_payment)
{
	struct deployment *d;

	fixture_init(f, months);
	d = add_onprem(f, "rack", 8);
	d->server_price = 900000;
	d->network_fraction = 0;
	d->installation = 100000;
	d->finance_term_hours = term_months * 730;
	d->finance_rate = rate;
	d->finance_down_payment = down_payment;
	run(f);
	return d;
}

static void test_financed_capex(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;
	double paid_up_front;
	struct deployment *d;

	(void)state;
	/* 1,000,000 at 12%/yr over 12 months: i = 0.01, 1.01^-12 = 0.887449,
	 * payment = 1,000,000 x 0.01 / (1 - 0.887449) = 10,000 / 0.112551 = 88,848.79,
	 * paid in months 2..13 of a 13-month horizon: 12 x 88,848.7887 = 1,066,185.46.
	 * Nothing in month 1; depreciation still on the 900,000 hardware: 13 of 60
	 * months leave 900,000 x (1 - 13/60) = 705,000. */
	d = add_financed(f, 13, 12, 0.12, 0);
	r = &f->r.deployments[0];
	assert_close(r->monthly_by_component[0][COST_CAPEX], 0);
	for (int m = 1; m <= 12; m++)
		assert_near(r->monthly_by_component[m][COST_CAPEX], 88848.79, 1e-7);
	assert_near(r->breakdown[COST_CAPEX], 1066185.46, 1e-8);
	assert_close(r->breakdown[COST_RESIDUAL], -705000);
	assert_near(sum(r->monthly, 13), r->total, 1e-12);
	assert_near(sum(r->breakdown, COST_NCOMPONENTS), r->total, 1e-12);
	tco_result_release(&f->r);

	/* The same loan at 0%: 1,000,000 / 12 = 83,333.33 a month, 1,000,000 in all,
	 * and the same total as paying up front; only later, so at a 12% discount
	 * rate its NPV is below paying up front's. */
	d = add_financed(f, 13, 12, 0, 0);
	r = &f->r.deployments[0];
	assert_close(r->monthly_by_component[5][COST_CAPEX], 1000000.0 / 12);
	assert_close(r->breakdown[COST_CAPEX], 1000000);
	paid_up_front = r->total;
	tco_result_release(&f->r);
	f->s.discount_rate = 0.12;
	d->finance_term_hours = 0;
	run(f);
	assert_close(f->r.deployments[0].total, paid_up_front);
	assert_close(f->r.deployments[0].monthly_by_component[0][COST_CAPEX], 1000000);
	paid_up_front = f->r.deployments[0].npv;
	tco_result_release(&f->r);
	d->finance_term_hours = 12 * 730;
	run(f);
	assert_true(f->r.deployments[0].npv < paid_up_front);
	tco_result_release(&f->r);

	/* 20% down at 0% over 10 months: 200,000 in month 1, then 800,000 / 10 =
	 * 80,000 in months 2..11. */
	add_financed(f, 13, 10, 0, 0.20);
	r = &f->r.deployments[0];
	assert_close(r->monthly_by_component[0][COST_CAPEX], 200000);
	assert_close(r->monthly_by_component[10][COST_CAPEX], 80000);
	assert_close(r->monthly_by_component[11][COST_CAPEX], 0);
	assert_close(r->breakdown[COST_CAPEX], 1000000);
	tco_result_release(&f->r);

	/* A 36-month loan at 12% on a 24-month horizon: payment = 10,000 /
	 * (1 - 1.01^-36) = 10,000 / 0.301075 = 33,214.31; 23 of them fall in months
	 * 2..24; the balance after them, 1,000,000 x 1.01^23 - 33,214.31 x
	 * (1.01^23 - 1) / 0.01 = 1,257,163.03 - 33,214.31 x 25.716302 = 403,013.80, is
	 * paid off in month 24 too: 33,214.31 + 403,013.80 = 436,228.11 there, and
	 * 23 x 33,214.31 + 403,013.80 = 1,166,942.93 of capex in all. */
	add_financed(f, 24, 36, 0.12, 0);
	r = &f->r.deployments[0];
	assert_near(r->monthly_by_component[1][COST_CAPEX], 33214.31, 1e-7);
	assert_near(r->monthly_by_component[22][COST_CAPEX], 33214.31, 1e-7);
	assert_near(r->monthly_by_component[23][COST_CAPEX], 436228.11, 1e-7);
	assert_near(r->breakdown[COST_CAPEX], 1166942.93, 1e-8);
	assert_near(sum(r->monthly, 24), r->total, 1e-12);
	assert_near(sum(r->breakdown, COST_NCOMPONENTS), r->total, 1e-12);
	tco_result_release(&f->r);
	free(f);
}

static void test_hybrid_burst(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *h;
	struct deployment_result *r;

	(void)state;
	/* 12 GPUs of steady inference on an 8-GPU base: 4 x 730 = 2,920 GPU-h a month
	 * burst to the cloud at $3 = 8,760 a month, 105,120 a year; the base runs at
	 * 100% utilisation, so its power is the full draw 9,292.608. */
	fixture_init(f, 12);
	add_inference(f, 12, 0);
	add_onprem(f, "rack", 8);
	add_cloud(f, "cloud", 3, on_demand, all);
	h = add_deployment(f, "hybrid", DEPLOYMENT_HYBRID);
	h->base = "rack";
	h->burst = "cloud";
	f->din[2].cloud = f->din[1].cloud;
	run(f);
	r = &f->r.deployments[2];
	assert_close(r->breakdown[COST_COMPUTE], 105120);
	assert_close(r->breakdown[COST_POWER], 9292.608);
	assert_close(r->breakdown[COST_CAPEX], 341000);
	assert_close(r->utilisation, 1);
	assert_close(r->gpu_hours_delivered, 12 * 8760.0);
	/* The on-prem alone queues what it cannot take: it delivers only 8 GPUs' worth. */
	assert_close(f->r.deployments[0].gpu_hours_delivered, 8 * 8760.0);
	tco_result_release(&f->r);
	free(f);
}

static void test_hybrid_burst_on_spot_redoes_lost_work(void **state)
{
	static const char *const spot[] = { "spot", NULL };
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *cloud, *h;

	(void)state;
	/* 12 GPUs of serving on an 8-GPU base: 4 x 730 x 12 = 35,040 GPU-h a year
	 * burst to spot at $1. 2.4 interruptions per instance-day lose an inference
	 * replica's 0.25 h restart each: 2.4 / 24 x 0.25 = 2.5% more work, so
	 * 35,040 x 1.025 = 35,916, as the same spot cloud charges on its own. */
	fixture_init(f, 12);
	add_inference(f, 12, 0);
	add_onprem(f, "rack", 8);
	cloud = add_cloud(f, "cloud", 1, spot, all);
	cloud->spot_interruptions_per_day = 2.4;
	h = add_deployment(f, "hybrid", DEPLOYMENT_HYBRID);
	h->base = "rack";
	h->burst = "cloud";
	f->din[2].cloud = f->din[1].cloud;
	run(f);
	assert_close(f->r.deployments[2].breakdown[COST_COMPUTE], 35916);
	assert_close(f->r.deployments[1].breakdown[COST_COMPUTE], 12 * 8760 * 1.025);
	tco_result_release(&f->r);
	free(f);
}

static void test_lead_time_fallback(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *d;
	struct deployment_result *r;

	(void)state;
	/* 8 GPUs steady; the server arrives after 3 months: months 1-3 run on the
	 * fallback at $2 (8 x 730 x 2 = 11,680 each, 35,040); power starts in month 4,
	 * colo with the order (contracted: 10.2 kW x 184 x 12 = 22,521.6). */
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	d = add_onprem(f, "rack", 8);
	d->lead_time_hours = 3 * 730.0;
	f->din[0].cloud = (struct cloud_pricing){ .present = true, .on_demand_per_gpu_hour = 2 };
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_COMPUTE], 35040);
	assert_close(r->monthly_by_component[2][COST_COMPUTE], 11680);
	assert_close(r->monthly_by_component[3][COST_COMPUTE], 0);
	assert_close(r->breakdown[COST_FACILITY], 22521.6);
	assert_close(r->monthly_by_component[0][COST_POWER], 0);
	assert_close(r->gpu_hours_delivered, 8 * 8760.0);
	tco_result_release(&f->r);
	free(f);
}

static void test_onprem_fallback_shares_its_shortage(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *rack, *cloud, *h;

	(void)state;
	/* 8 GPUs steady; the rack arrives after 3 months and runs months 1-3 on its
	 * fallback "cloud" at $2: 3 x 8 x 730 x 2 = 35,040 of on-demand work, which
	 * meets the cloud's shortage (p = 1, 40% premium) like any other on-demand
	 * hour: 0.4 x 35,040 = 14,016. A hybrid of the same rack bursting to the same
	 * cloud buys the same hours and must pay the same shortage. */
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	rack = add_onprem(f, "rack", 8);
	rack->lead_time_hours = 3 * 730.0;
	rack->fallback = "cloud";
	cloud = add_cloud(f, "cloud", 2, on_demand, all);
	cloud->shortage = (struct shortage_spec){ .present = true, .probability = 1,
		.premium = 0.4, .cost_of_delay_per_month = NAN };
	f->din[0].cloud = f->din[1].cloud;
	h = add_deployment(f, "hybrid", DEPLOYMENT_HYBRID);
	h->base = "rack";
	h->burst = "cloud";
	f->din[2].cloud = f->din[1].cloud;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_COMPUTE], 35040);
	assert_close(f->r.deployments[0].breakdown[COST_SHORTAGE], 14016);
	assert_close(f->r.deployments[0].monthly_by_component[2][COST_SHORTAGE], 4672);
	assert_close(f->r.deployments[0].monthly_by_component[3][COST_SHORTAGE], 0);
	assert_close(f->r.deployments[2].breakdown[COST_SHORTAGE], 14016);
	assert_close(f->r.deployments[0].total, f->r.deployments[2].total);
	assert_close(f->r.deployments[1].breakdown[COST_SHORTAGE], 0.4 * 140160);
	tco_result_release(&f->r);
	free(f);
}

static void test_onprem_fallback_only_during_lead_time(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *rack, *h;

	(void)state;
	/* 12 GPUs steady on an 8-GPU rack that arrives after 3 months, fallback $2.
	 * On-prem: the fallback covers the lead time only (DESIGN: "until then the
	 * work runs on the fallback"): 3 x 12 x 730 x 2 = 52,560; afterwards the 4
	 * GPUs' worth above capacity queues, so it delivers 3 x 12 x 730 + 9 x 8 x 730
	 * = 26,280 + 52,560 = 78,840 GPU-h. A hybrid of the same rack bursts that
	 * overflow too: 52,560 + 9 x 4 x 730 x 2 = 105,120, delivering all 105,120. */
	fixture_init(f, 12);
	add_inference(f, 12, 0);
	rack = add_onprem(f, "rack", 8);
	rack->lead_time_hours = 3 * 730.0;
	rack->fallback = "cloud";
	add_cloud(f, "cloud", 2, on_demand, all);
	f->din[0].cloud = f->din[1].cloud;
	h = add_deployment(f, "hybrid", DEPLOYMENT_HYBRID);
	h->base = "rack";
	h->burst = "cloud";
	f->din[2].cloud = f->din[1].cloud;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_COMPUTE], 52560);
	assert_close(f->r.deployments[0].monthly_by_component[3][COST_COMPUTE], 0);
	assert_close(f->r.deployments[0].gpu_hours_delivered, 78840);
	assert_close(f->r.deployments[2].breakdown[COST_COMPUTE], 105120);
	assert_close(f->r.deployments[2].gpu_hours_delivered, 12 * 8760.0);
	tco_result_release(&f->r);
	free(f);
}

static void test_npv_known_discount_factor(void **state)
{
	double flows[24] = { 0 };

	(void)state;
	/* 1,080 paid in month 12 at 8% a year: 1,080 / 1.08^(12/12) = 1,000. */
	flows[11] = 1080;
	assert_close(tco_npv(flows, 12, 0.08), 1000);
	/* 14,641 in month 24 at 21%: 1.21^2 = 1.4641 -> 10,000. */
	flows[11] = 0;
	flows[23] = 14641;
	assert_close(tco_npv(flows, 24, 0.21), 10000);
	/* Month 6 at 21%: 1.21^(1/2) = 1.1, so 1,100 -> 1,000. */
	flows[23] = 0;
	flows[5] = 1100;
	assert_close(tco_npv(flows, 24, 0.21), 1000);
	/* No discount rate: NPV is the plain sum. */
	assert_close(tco_npv(flows, 24, 0), 1100);
}

static void test_breakeven_month(void **state)
{
	static const double baseline[4] = { 100, 200, 300, 400 };
	static const double later[4] = { 250, 260, 270, 280 };   /* below from month 3 */
	static const double dips[4] = { 90, 210, 290, 390 };     /* dips, rises, stays below */
	static const double never[4] = { 500, 500, 500, 500 };
	static const double equal[4] = { 100, 200, 300, 400 };

	(void)state;
	assert_int_equal(tco_breakeven_month(later, baseline, 4), 3);
	assert_int_equal(tco_breakeven_month(dips, baseline, 4), 3);
	assert_int_equal(tco_breakeven_month(never, baseline, 4), 0);
	assert_int_equal(tco_breakeven_month(equal, baseline, 4), 1);
}

static void test_deepseek_v3_h800_cost(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;

	(void)state;
	/* DeepSeek-V3 technical report: 2.788M H800 GPU-hours at $2 per GPU-hour =
	 * $5.576M. 2,048 GPUs finish in 1,361 h, inside a 3-month horizon. */
	fixture_init(f, 3);
	add_training(f, 2048, 2.788e6, 0);
	add_cloud(f, "rental", 2, on_demand, all);
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->total, 5.576e6);
	assert_close(r->breakdown[COST_COMPUTE], 5.576e6);
	assert_close(r->per_gpu_hour, 2);
	tco_result_release(&f->r);
	free(f);
}

static void test_storage_by_class(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	/* 10 TB, 20% hot on EBS at 0.08, 80% on S3 at 0.023:
	 * 10,000 x (0.2 x 0.08 + 0.8 x 0.023) = 10,000 x 0.0344 = 344 a month.
	 * Growth 1 TB a month adds 34.4 per month: month 3 holds 12 TB = 412.8. */
	fixture_init(f, 3);
	f->s.data.stored_bytes = 10e12;
	f->s.data.growth_per_month_bytes = 1e12;
	add_cloud(f, "aws", 2, on_demand, all);
	run(f);
	assert_close(f->r.deployments[0].monthly_by_component[0][COST_STORAGE], 344);
	assert_close(f->r.deployments[0].monthly_by_component[2][COST_STORAGE], 412.8);
	assert_close(f->r.deployments[0].breakdown[COST_STORAGE], 344 + 378.4 + 412.8);
	tco_result_release(&f->r);
	free(f);
}

/* A scenario with every kind of deployment, shortages and egress, for the invariants. */
static void build_mixed(struct fixture *f, double probability)
{
	static const char *const mix[] = { "reserved-1y", "on-demand", "spot", NULL };
	static const double fractions[] = { 0.5, 0.3, 0.2 };
	struct deployment *cloud, *rack, *hybrid;

	fixture_init(f, 36);
	f->s.discount_rate = 0.08;
	f->s.data.stored_bytes = 40e12;
	f->s.data.egress_per_month_bytes = 50e12;
	add_training(f, 64, 64 * 1500.0, 0);
	add_inference(f, 16, 1e11);
	f->w[1].start_hours = 3 * 730.0;
	f->w[1].egress_per_month_bytes = 5e12;
	cloud = add_cloud(f, "cloud", 2.5, mix, fractions);
	cloud->shortage = (struct shortage_spec){ .present = true, .probability = probability,
		.premium = 0.4, .delay_hours = 336, .cost_of_delay_per_month = NAN };
	f->din[0].shortage_fallback_per_gpu_hour = 4;
	rack = add_onprem(f, "rack", 32);
	rack->lead_time_hours = 3 * 730.0;
	rack->staff_fte = 1;
	rack->staff_cost_per_year = 180000;
	rack->residual = 0.2;
	rack->shortage = (struct shortage_spec){ .present = true, .probability = probability,
		.premium = 0.15, .delay_hours = 2 * 730.0, .cost_of_delay_per_month = 20000 };
	f->din[1].cloud = f->din[0].cloud;
	hybrid = add_deployment(f, "hybrid", DEPLOYMENT_HYBRID);
	hybrid->base = "rack";
	hybrid->burst = "cloud";
	f->din[2].cloud = f->din[0].cloud;
	f->din[2].shortage_fallback_per_gpu_hour = 4;
}

static void test_invariants_sums(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	build_mixed(f, 0.25);
	run(f);
	for (size_t i = 0; i < f->r.ndeployments; i++) {
		struct deployment_result *r = &f->r.deployments[i];

		assert_near(sum(r->breakdown, COST_NCOMPONENTS), r->total, 1e-12);
		assert_near(sum(r->monthly, 36), r->total, 1e-12);
		for (int c = 0; c < COST_NCOMPONENTS; c++) {
			double column = 0;

			for (int m = 0; m < 36; m++)
				column += r->monthly_by_component[m][c];
			assert_near(column, r->breakdown[c], 1e-12);
		}
		assert_true(r->breakdown[COST_SHORTAGE] > 0);
		assert_true(r->p10 <= r->p50 && r->p50 <= r->p90);
	}
	/* Discounting at 8% makes the cloud's all-positive cash flows worth less. */
	assert_true(f->r.deployments[0].npv < f->r.deployments[0].total);
	assert_int_equal(f->r.deployments[0].breakeven_month, 0);   /* the baseline */
	tco_result_release(&f->r);
	free(f);
}

static void test_invariant_zero_probability_zero_shortage(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	build_mixed(f, 0);
	run(f);
	for (size_t i = 0; i < f->r.ndeployments; i++) {
		struct deployment_result *r = &f->r.deployments[i];

		assert_true(r->breakdown[COST_SHORTAGE] == 0);
		assert_close(r->p50, r->total);
		assert_close(r->p90, r->total);
	}
	tco_result_release(&f->r);
	free(f);
}

static void test_invariant_more_gpus_never_lower_capex(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	double previous = 0;

	(void)state;
	for (int gpus = 1; gpus <= 64; gpus++) {
		fixture_init(f, 12);
		add_onprem(f, "rack", gpus);
		run(f);
		assert_true(f->r.deployments[0].breakdown[COST_CAPEX] >= previous);
		previous = f->r.deployments[0].breakdown[COST_CAPEX];
		tco_result_release(&f->r);
	}
	/* 64 GPUs = 8 servers x 341,000. */
	assert_close(previous, 8 * 341000.0);
	free(f);
}

static void test_invariant_same_seed_same_output(void **state)
{
	struct fixture *a = xmalloc(sizeof(*a)), *b = xmalloc(sizeof(*b));

	(void)state;
	build_mixed(a, 0.3);
	build_mixed(b, 0.3);
	a->in.opts.seed = b->in.opts.seed = 42;
	run(a);
	run(b);
	for (size_t i = 0; i < a->r.ndeployments; i++) {
		assert_true(a->r.deployments[i].total == b->r.deployments[i].total);
		assert_true(a->r.deployments[i].p10 == b->r.deployments[i].p10);
		assert_true(a->r.deployments[i].p90 == b->r.deployments[i].p90);
		assert_memory_equal(a->r.deployments[i].monthly, b->r.deployments[i].monthly,
				    36 * sizeof(double));
	}
	tco_result_release(&a->r);
	tco_result_release(&b->r);
	free(a);
	free(b);
}

static void test_shortage_premium_monte_carlo(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *d;
	struct deployment_result *r;

	(void)state;
	/* On-demand 8 GPUs x 730 h x $2 = 11,680 a month for 12 months = 140,160.
	 * A shortage with p = 1 and a 40% premium adds 0.4 x 140,160 = 56,064. */
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	d = add_cloud(f, "cloud", 2, on_demand, all);
	d->shortage = (struct shortage_spec){ .present = true, .probability = 1,
		.premium = 0.4, .cost_of_delay_per_month = NAN };
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_SHORTAGE], 56064);
	assert_close(r->p10, 140160 + 56064.0);
	tco_result_release(&f->r);

	/* p = 25%: the mean converges on 0.25 x 56,064 = 14,016; with 10,000 trials of
	 * 12 months its standard error is 4,672 x sqrt(0.1875 x 12 / 10,000) = 70, so
	 * 1% (140) is two standard errors. P10 <= P50 <= P90, each a whole number of
	 * 4,672 months above the base. */
	d->shortage.probability = 0.25;
	run(f);
	r = &f->r.deployments[0];
	assert_near(r->breakdown[COST_SHORTAGE], 14016, 0.01);
	assert_true(r->p10 < r->p50 && r->p50 < r->p90);
	assert_close(fmod(r->p50 - 140160, 4672), 0);
	tco_result_release(&f->r);

	/* A cheaper fallback remedy wins: 5,840 GPU-h x ($2.5 - $2) = 2,920 < 4,672. */
	d->shortage.probability = 1;
	f->din[0].shortage_fallback_per_gpu_hour = 2.5;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_SHORTAGE], 12 * 2920.0);
	tco_result_release(&f->r);
	free(f);
}

static void test_shortage_mean_does_not_depend_on_the_draws(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *a, *b;
	double total;

	(void)state;
	/* Two identical on-demand deployments (8 GPUs x 730 h x $2 = 11,680 a month)
	 * with p = 25% and a 40% premium: the expected shortage is 0.25 x 0.4 x
	 * 140,160 = 14,016 whatever the seed or the number of trials, so the two cost
	 * the same and a budget does not flip with --seed. The percentiles still come
	 * from the draws. */
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	a = add_cloud(f, "a", 2, on_demand, all);
	b = add_cloud(f, "b", 2, on_demand, all);
	a->shortage = b->shortage = (struct shortage_spec){ .present = true,
		.probability = 0.25, .premium = 0.4, .cost_of_delay_per_month = NAN };
	f->in.opts.trials = 100;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_SHORTAGE], 14016);
	assert_close(f->r.deployments[0].total, f->r.deployments[1].total);
	assert_close(f->r.deployments[0].monthly_by_component[5][COST_SHORTAGE], 1168);
	total = f->r.deployments[0].total;
	tco_result_release(&f->r);
	f->in.opts.seed = 99;
	f->in.opts.trials = 777;
	run(f);
	assert_close(f->r.deployments[1].total, total);
	tco_result_release(&f->r);
	free(f);
}

static void test_onprem_shortage_delay_or_premium(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *d;
	struct deployment_result *r;

	(void)state;
	/* An idle 8-GPU server for a year, hit by a shortage for sure (p = 1): it
	 * arrives 2 months late, which costs 2 x 20,000 of delay but saves 2 months of
	 * idle power (2,787.7824 / 6 = 464.6304; the colo is contracted from the order
	 * and paid all the same): 40,000 - 464.6304 = 39,535.3696, cheaper than a 15%
	 * premium on the 341,000 of hardware (51,150). */
	fixture_init(f, 12);
	d = add_onprem(f, "rack", 8);
	d->shortage = (struct shortage_spec){ .present = true, .probability = 1,
		.premium = 0.15, .delay_hours = 2 * 730.0, .cost_of_delay_per_month = 20000 };
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_SHORTAGE], 39535.3696);
	assert_close(r->monthly_by_component[0][COST_SHORTAGE], 20000 * 2 - 464.6304 / 2);
	tco_result_release(&f->r);

	/* At 50,000 a month of delay (100,000 - 464.6304 = 99,535.3696) the
	 * premium is cheaper: 51,150 paid with the order in month 1. */
	d->shortage.cost_of_delay_per_month = 50000;
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->breakdown[COST_SHORTAGE], 51150);
	assert_close(r->monthly_by_component[0][COST_SHORTAGE], 51150);
	tco_result_release(&f->r);
	free(f);
}

static void test_monte_carlo_portable(void **state)
{
	uint64_t s = 0;
	struct shortage_stats stats;
	double extra[3] = { 10, 20, 40 };

	(void)state;
	/* splitmix64's published first outputs for seed 0. */
	assert_true(splitmix64(&s) == 0xe220a8397b1dcdafULL);
	assert_true(splitmix64(&s) == 0x6e789e6aa1b965f4ULL);
	assert_int_equal(shortage_simulate(100, extra, 3, 0.5, false, 1000, 7, &stats), 0);
	assert_true(stats.p10 >= 100 && stats.p90 <= 170);
	assert_near(stats.mean, 35, 0.1);
	/* The band's last month is the total's percentiles less the base. */
	assert_near(stats.cumulative_p10[2] + 100, stats.p10, 1e-9);
	assert_near(stats.cumulative_p90[2] + 100, stats.p90, 1e-9);
	free(stats.mean_monthly);
	free(stats.cumulative_p10);
	free(stats.cumulative_p90);
	assert_int_equal(shortage_simulate(100, extra, 3, 0.5, false, 0, 7, &stats), -1);
	error_clear();
}

static void test_shortage_cumulative_band(void **state)
{
	struct shortage_stats stats;
	double extra[3] = { 10, 20, 40 };

	(void)state;
	/* Once, at 50%: half the trials pay nothing, half pay every month's extra,
	 * so P10 of the extra paid so far is 0 and P90 is 10, 10+20=30, 30+40=70. */
	assert_int_equal(shortage_simulate(100, extra, 3, 0.5, true, 1000, 7, &stats), 0);
	for (int m = 0; m < 3; m++)
		assert_near(stats.cumulative_p10[m], 0, 1e-9);
	assert_near(stats.cumulative_p90[0], 10, 1e-9);
	assert_near(stats.cumulative_p90[1], 30, 1e-9);
	assert_near(stats.cumulative_p90[2], 70, 1e-9);
	free(stats.mean_monthly);
	free(stats.cumulative_p10);
	free(stats.cumulative_p90);
	/* Month by month at 50%: P90 of the first month is its extra (a hit), of
	 * the first two 30 (the quarter of the trials hit in both pay 10+20). */
	assert_int_equal(shortage_simulate(100, extra, 3, 0.5, false, 1000, 7, &stats), 0);
	assert_near(stats.cumulative_p90[0], 10, 1e-9);
	assert_near(stats.cumulative_p90[1], 30, 1e-9);
	assert_near(stats.cumulative_p10[0], 0, 1e-9);
	for (int m = 1; m < 3; m++)
		assert_true(stats.cumulative_p90[m] >= stats.cumulative_p90[m - 1]);
	free(stats.mean_monthly);
	free(stats.cumulative_p10);
	free(stats.cumulative_p90);
}

static void stats_release(struct shortage_stats *stats)
{
	free(stats->mean_monthly);
	free(stats->cumulative_p10);
	free(stats->cumulative_p90);
}

/*
 * Month by month, equal extras: the number of months hit is binomial. 4 months of
 * 100 at p = 0.5: P(k <= 0..3) = 1/16, 5/16, 11/16, 15/16 = 0.0625, 0.3125,
 * 0.6875, 0.9375, so P10 = 1 hit (100), P50 = 2 (200), P90 = 3 (300), whatever
 * the trials and the seed. After 2 months: 0.25, 0.75, 1 for 0, 100, 200: P10 = 0
 * and P90 = 200. Once at p = 0.25 with 100, 200, 300: 75% pay nothing (P10 =
 * P50 = the base), 25% pay 600 (P90), 100 + 200 = 300 by the second month.
 */
static void test_shortage_percentiles_exact(void **state)
{
	double extra[4] = { 100, 100, 100, 100 }, once_extra[3] = { 100, 200, 300 };
	struct shortage_stats a, b;

	(void)state;
	assert_int_equal(shortage_simulate(1000, extra, 4, 0.5, false, 1, 1, &a), 0);
	assert_int_equal(shortage_simulate(1000, extra, 4, 0.5, false, 100000, 99, &b), 0);
	assert_true(a.p10 == 1100 && a.p50 == 1200 && a.p90 == 1300);
	assert_true(b.p10 == a.p10 && b.p50 == a.p50 && b.p90 == a.p90);
	assert_true(a.cumulative_p10[1] == 0 && a.cumulative_p90[1] == 200);
	assert_true(a.cumulative_p10[3] == 100 && a.cumulative_p90[3] == 300);
	assert_near(a.mean, 200, 1e-9);
	stats_release(&a);
	stats_release(&b);
	assert_int_equal(shortage_simulate(1000, once_extra, 3, 0.25, true, 10, 3, &a), 0);
	assert_true(a.p10 == 1000 && a.p50 == 1000 && a.p90 == 1600);
	assert_true(a.cumulative_p10[1] == 0 && a.cumulative_p90[1] == 300);
	assert_true(a.cumulative_p90[2] == 600);
	stats_release(&a);
	/* p = 1: every month is hit; nothing is left to chance. */
	assert_int_equal(shortage_simulate(0, once_extra, 3, 1, false, 10, 3, &a), 0);
	assert_true(a.p10 == 600 && a.p90 == 600 && a.cumulative_p10[0] == 100);
	stats_release(&a);
}

/*
 * The exact percentiles are what a million draws converge to. Three months of
 * 100 and three of 250 at p = 0.3 (16 totals): the cumulative probability is
 * 0.118 at 0 (P10 = 0), 0.494 at 300 and 0.689 at 350 (P50 = 350), 0.849 at 550
 * and 0.932 at 600 (P90 = 600), each step far from 10/50/90% next to the
 * draws' 0.05% standard error at a million trials.
 */
static void test_shortage_exact_matches_the_draws(void **state)
{
	double extra[6] = { 100, 250, 100, 250, 100, 250 };
	struct shortage_stats exact, drawn;

	(void)state;
	assert_int_equal(shortage_simulate(50, extra, 6, 0.3, false, 1, 1, &exact), 0);
	assert_int_equal(shortage_sample(50, extra, 6, 0.3, false, 1000000, 5, &drawn), 0);
	assert_true(exact.p10 == 50 && exact.p50 == 400 && exact.p90 == 650);
	assert_true(drawn.p10 == exact.p10 && drawn.p50 == exact.p50 && drawn.p90 == exact.p90);
	for (int m = 0; m < 6; m++)
		if (exact.cumulative_p10[m] != drawn.cumulative_p10[m] ||
		    exact.cumulative_p90[m] != drawn.cumulative_p90[m])
			fail_msg("month %d: exact %g..%g, drawn %g..%g", m + 1,
				 exact.cumulative_p10[m], exact.cumulative_p90[m],
				 drawn.cumulative_p10[m], drawn.cumulative_p90[m]);
	stats_release(&exact);
	stats_release(&drawn);
}

/* Too many distinct totals (2^20 here) for the exact list: the seeded draws, as before. */
static void test_shortage_many_totals_are_drawn(void **state)
{
	double extra[20];
	struct shortage_stats a, b;

	(void)state;
	for (int m = 0; m < 20; m++)
		extra[m] = 1000.0 / (m + 1);
	assert_int_equal(shortage_simulate(10, extra, 20, 0.4, false, 5000, 17, &a), 0);
	assert_int_equal(shortage_sample(10, extra, 20, 0.4, false, 5000, 17, &b), 0);
	assert_true(a.p10 == b.p10 && a.p50 == b.p50 && a.p90 == b.p90);
	for (int m = 0; m < 20; m++)
		assert_true(a.cumulative_p10[m] == b.cumulative_p10[m] &&
			    a.cumulative_p90[m] == b.cumulative_p90[m]);
	stats_release(&a);
	stats_release(&b);
	/* another seed draws other percentiles: these are samples */
	assert_int_equal(shortage_simulate(10, extra, 20, 0.4, false, 5000, 18, &b), 0);
	assert_true(a.p50 != b.p50 || a.p10 != b.p10 || a.p90 != b.p90);
	stats_release(&b);
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The draws' band is found by histogram and selection, not by sorting: it must
 * be the very same nearest-rank percentiles a full sort of every trial's running
 * total gives. The draws are replayed here (splitmix64 from the seed, one per month of
 * each trial), over 70 months (two words of hits a trial) of uneven extras, a
 * free month and a negative one, at trial counts from 1 to 20,000.
 */
static void test_shortage_band_is_the_sorted_percentiles(void **state)
{
	enum { MONTHS = 70 };
	static const long trial_counts[] = { 1, 7, 1000, 20000 };
	static const double probabilities[] = { 0.25, 0.5, 0.97 };
	double extra[MONTHS];

	(void)state;
	for (int m = 0; m < MONTHS; m++)
		extra[m] = m == 5 ? 0 : m == 6 ? -3.25 : 1000.0 / (m + 1) + 0.1 * (m % 7);
	for (size_t i = 0; i < ARRAY_SIZE(trial_counts); i++)
		for (size_t j = 0; j < ARRAY_SIZE(probabilities); j++) {
			long trials = trial_counts[i];
			double p = probabilities[j];
			double *running = xcalloc((size_t)trials, sizeof(double));
			double *sorted = xmalloc((size_t)trials * sizeof(double));
			uint64_t seed = 11 + i, draws = seed;
			struct shortage_stats stats;
			bool *hit = xmalloc((size_t)trials * MONTHS * sizeof(bool));

			for (long t = 0; t < trials; t++)
				for (int m = 0; m < MONTHS; m++)
					hit[t * MONTHS + m] = random_uniform(&draws) < p;
			assert_int_equal(shortage_sample(0, extra, MONTHS, p, false, trials, seed,
							 &stats), 0);
			for (int m = 0; m < MONTHS; m++) {
				long k10 = (long)ceil(0.10 * trials) - 1, k90 = (long)ceil(0.90 * trials) - 1;

				for (long t = 0; t < trials; t++) {
					if (hit[t * MONTHS + m])
						running[t] += extra[m];
					sorted[t] = running[t];
				}
				qsort(sorted, (size_t)trials, sizeof(double), compare_doubles);
				if (stats.cumulative_p10[m] != sorted[k10 < 0 ? 0 : k10] ||
				    stats.cumulative_p90[m] != sorted[k90])
					fail_msg("%ld trials at %g, month %d: band %.17g..%.17g, sorted "
						 "%.17g..%.17g", trials, p, m + 1, stats.cumulative_p10[m],
						 stats.cumulative_p90[m], sorted[k10 < 0 ? 0 : k10],
						 sorted[k90]);
			}
			free(stats.mean_monthly);
			free(stats.cumulative_p10);
			free(stats.cumulative_p90);
			free(running);
			free(sorted);
			free(hit);
		}
}

static void test_data_residency_excluded(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *us, *h;

	(void)state;
	/* The cheap US cloud breaks an EU-only constraint (flagged by validation): it
	 * is excluded from cheapest with its reason, and so is a hybrid bursting to it. */
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	us = add_cloud(f, "us-cheap", 1, on_demand, all);
	us->residency_violation = true;
	us->residency_reason = "region us-east-1 is outside the allowed regions";
	add_cloud(f, "eu-dear", 3, on_demand, all)->region = "eu-west-1";
	add_onprem(f, "rack", 8);
	h = add_deployment(f, "hybrid", DEPLOYMENT_HYBRID);
	h->base = "rack";
	h->burst = "us-cheap";
	f->din[3].cloud = f->din[0].cloud;
	run(f);
	assert_true(f->r.deployments[0].excluded);
	assert_non_null(strstr(f->r.deployments[0].excluded_reason, "us-east-1"));
	assert_false(f->r.deployments[1].excluded);
	assert_true(f->r.deployments[3].excluded);
	assert_non_null(strstr(f->r.deployments[3].excluded_reason, "burst us-cheap"));
	/* us-cheap 8 x 8,760 x $1 = 70,080 is excluded; eu-dear costs 210,240; the rack
	 * 341,000 - 272,800 residual (48 of 60 months left) + 9,292.608 power +
	 * 22,521.6 colo = 100,014.208, the same as the (excluded) hybrid. */
	assert_close(f->r.deployments[2].total, 100014.208);
	assert_close(f->r.deployments[3].total, 100014.208);
	assert_int_equal(f->r.cheapest, 2);
	tco_result_release(&f->r);

	/* The rack running its lead time on us-cheap puts the data there too. */
	f->dep[2].fallback = "us-cheap";
	f->din[2].cloud = f->din[0].cloud;
	run(f);
	assert_true(f->r.deployments[2].excluded);
	assert_non_null(strstr(f->r.deployments[2].excluded_reason, "fallback us-cheap"));
	assert_int_equal(f->r.cheapest, 1);
	tco_result_release(&f->r);
	free(f);
}

static void test_undelivered_work_never_cheapest(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	/* 12 GPUs of steady serving; an 8-GPU rack without a fallback cannot serve
	 * the rest (requests do not wait): it costs 100,014.208 (see
	 * test_data_residency_excluded) but leaves 4 x 8,760 = 35,040 GPU-hours of
	 * 105,120 (33.3%) unserved in every month, so the cloud at 12 x 8,760 x $3 =
	 * 315,360 is the cheapest deployment that does all of it. */
	fixture_init(f, 12);
	add_inference(f, 12, 0);
	add_onprem(f, "rack", 8);
	add_cloud(f, "cloud", 3, on_demand, all);
	run(f);
	assert_close(f->r.deployments[0].total, 100014.208);
	assert_true(f->r.deployments[0].excluded);
	assert_string_equal(f->r.deployments[0].excluded_reason,
			    "inference demand not served in the month it arrives: 35,040 GPU-hours "
			    "(33.3%) in months 1–12, above the installed GPUs (on-prem does not burst)");
	assert_close(f->r.deployments[0].delivered_fraction, 8.0 / 12);
	assert_false(f->r.deployments[1].excluded);
	assert_int_equal(f->r.cheapest, 1);
	tco_result_release(&f->r);
	free(f);
}

/*
 * A training run longer than the horizon: 8 GPUs x 13,000 h of wall time
 * (104,000 GPU-hours) on a 6-month horizon of 4,380 h. The cloud bills the
 * 8 x 4,380 = 35,040 GPU-hours that fit (x $2 = 70,080) but the run ends at
 * 13,000 / 730 = month 17.8 with 4,380 / 13,000 = 33.7% done: excluded, never
 * cheapest, no break-even.
 */
static void test_training_past_the_horizon_excluded(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;

	(void)state;
	fixture_init(f, 6);
	add_training(f, 8, 104000, 0);
	f->d[0].accelerator = "H100-SXM";
	add_cloud(f, "baseline", 3, on_demand, all);
	add_cloud(f, "cheap", 2, on_demand, all);
	run(f);
	r = &f->r.deployments[1];
	assert_close(r->total, 70080);
	assert_true(r->excluded);
	assert_string_equal(r->excluded_reason, "training train ends in month 17.8, after the "
			    "6-month horizon: 33.7% of its 104,000 GPU-hours are done by then");
	assert_close(r->delivered_fraction, 35040.0 / 104000);
	assert_close(r->workload_wall_hours[0], 13000);
	assert_int_equal(r->breakeven_month, 0);
	assert_int_equal(f->r.cheapest, -1);
	tco_result_release(&f->r);
	free(f);
}

/*
 * Training waits for on-prem hardware: 8 GPUs x 1,000 h (8,000 GPU-hours) from
 * hour 0; the 8-GPU rack arrives after 2 months (hour 1,460) with no fallback.
 * Months 1-2: nothing runs; month 3 takes 5,840; month 4 the last 2,160 at 8 GPUs:
 * 270 h, so the run ends at hour 2,190 + 270 = 2,460 = 1,460 + 1,000: its wall
 * time is 2,460 h. Within a 12-month horizon and no deadline: included. With a
 * deadline of 2,000 h (83.3 days) it is late: excluded, saying by how much.
 * On a cloud it would take 1,000 h.
 */
static void test_training_waits_for_hardware_and_its_deadline(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment *rack;

	(void)state;
	fixture_init(f, 12);
	add_training(f, 8, 8000, 0);
	f->d[0].accelerator = "H100-SXM";
	rack = add_onprem(f, "rack", 8);
	rack->lead_time_hours = 2 * 730.0;
	add_cloud(f, "cloud", 3, on_demand, all);
	run(f);
	assert_close(f->r.deployments[0].workload_wall_hours[0], 2460);
	assert_close(f->r.deployments[1].workload_wall_hours[0], 1000);
	assert_false(f->r.deployments[0].excluded);
	assert_close(f->r.deployments[0].delivered_fraction, 1);
	tco_result_release(&f->r);

	f->w[0].training.deadline_hours = 2000;
	run(f);
	assert_true(f->r.deployments[0].excluded);
	assert_string_equal(f->r.deployments[0].excluded_reason,
			    "training train takes 2,460 h (102.5 days) on 8 × H100-SXM, past its "
			    "deadline of 2,000 h (83.3 days)");
	assert_false(f->r.deployments[1].excluded);
	assert_int_equal(f->r.cheapest, 1);
	tco_result_release(&f->r);
	free(f);
}

/*
 * Inference is never queued: 8 GPUs of serving from month 1 on an 8-GPU rack
 * that arrives after 3 months without a fallback leaves 3 x 5,840 = 17,520 of
 * 70,080 GPU-hours (25.0%) unserved in months 1-3. Excluded, not cheaper.
 */
static void test_inference_never_queued_for_hardware(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	fixture_init(f, 12);
	add_inference(f, 8, 1e9);
	add_onprem(f, "rack", 8)->lead_time_hours = 3 * 730.0;
	run(f);
	assert_true(f->r.deployments[0].excluded);
	assert_string_equal(f->r.deployments[0].excluded_reason,
			    "inference demand not served in the month it arrives: 17,520 GPU-hours "
			    "(25.0%) in months 1–3, before the hardware arrives and with no fallback");
	assert_close(f->r.deployments[0].delivered_fraction, 0.75);
	/* tokens: 9 of the 12 months' 1e9 are served */
	assert_close(f->r.deployments[0].tokens_delivered, 9e9);
	assert_int_equal(f->r.cheapest, -1);
	tco_result_release(&f->r);
	free(f);
}

/*
 * Invariant: a longer lead time never lowers a deployment's total unless it
 * becomes excluded. Serving 8 GPUs on an 8-GPU rack, lead time 0 to 14 months:
 * with a $2 fallback every month waited is bought by the hour (8 x 730 x 2 =
 * 11,680 against 774.4 of power saved, 10.2 kW x 1.3 x 0.08 x 730; the colo is
 * contracted from the order), so the total rises; without one, any lead time
 * leaves requests unserved and the rack is excluded.
 */
static void test_invariant_longer_lead_time_never_cheaper(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	for (int fallback = 0; fallback < 2; fallback++) {
		double previous = 0;

		for (int lead = 0; lead <= 14; lead++) {
			struct deployment_result *r;

			fixture_init(f, 12);
			add_inference(f, 8, 0);
			add_onprem(f, "rack", 8)->lead_time_hours = lead * 730.0;
			if (fallback)
				f->din[0].cloud = (struct cloud_pricing){
					.present = true, .on_demand_per_gpu_hour = 2 };
			run(f);
			r = &f->r.deployments[0];
			if (!r->excluded && lead > 0 && r->total < previous * (1 - 1e-12))
				fail_msg("lead time %d months: %.2f < %.2f", lead, r->total,
					 previous);
			assert_true(fallback || lead == 0 || r->excluded);
			assert_true(!fallback || !r->excluded);
			previous = r->total;
			tco_result_release(&f->r);
		}
	}
	free(f);
}

/*
 * Invariant over lead times 0, 3, 9 and 18 months on a 36-month horizon.
 *
 * Training only, no fallback: 8 GPUs x 4,380 h (35,040 GPU-h) on one 8-GPU
 * server (10.2 kW), 2 staff at 180,000, maintenance 8% and transit 1,000 a
 * month. The run waits for the hardware and ends in month 6, 9, 15 and 24: in
 * the horizon, so never excluded. Capex and residual do not move; the contracts
 * signed with the order do not either (facility 10.2 x 184 = 1,876.8 a month,
 * staff 30,000, maintenance 0.08 x 341,000 / 12 = 2,273.33, transit 1,000: each
 * x 36 months). Only metered power moves: the busy draw is the same 4,380 h at
 * full draw, and idle hardware that is not there yet draws nothing:
 *   power = 10.2 kW x 1.3 x 0.08 x (0.3 x 730 x (36 - L) + 0.7 x 4,380)
 *         = 1.0608 x (219 x (36 - L) + 3,066)
 *   L = 0: 11,615.76   3: 10,918.8144   9: 9,524.9232   18: 7,434.0864
 * So a longer lead time lowers the total by the idle power of hardware not yet
 * delivered (232.3152 a month, 0.01% of a 1.8M total here) and by nothing else;
 * with idle_draw 0 the total is the same at every lead time.
 *
 * Inference, 8 GPUs steady: without a fallback any lead time excludes the rack;
 * with a $2 fallback each month waited buys 8 x 730 x 2 = 11,680 of cloud while
 * saving only its power, so the total rises with the lead time.
 */
static void test_invariant_lead_time_0_3_9_18_months(void **state)
{
	static const int leads[] = { 0, 3, 9, 18 };
	static const double power[] = { 11615.76, 10918.8144, 9524.9232, 7434.0864 };
	struct fixture *f = xmalloc(sizeof(*f));
	double first[COST_NCOMPONENTS] = { 0 }, previous = 0;

	(void)state;
	for (int idle0 = 0; idle0 < 2; idle0++) {
		for (size_t k = 0; k < 4; k++) {
			struct deployment *rack;
			struct deployment_result *r;

			fixture_init(f, 36);
			add_training(f, 8, 35040, 0);
			rack = add_onprem(f, "rack", 8);
			rack->lead_time_hours = leads[k] * 730.0;
			rack->staff_fte = 2;
			rack->staff_cost_per_year = 180000;
			rack->maintenance_per_year = 0.08;
			rack->transit_per_month = 1000;
			if (idle0)
				rack->idle_draw = 0;
			run(f);
			r = &f->r.deployments[0];
			assert_false(r->excluded);
			assert_close(r->workload_wall_hours[0], (leads[k] + 6) * 730.0);
			assert_close(r->breakdown[COST_FACILITY], 36 * 1876.8);
			assert_close(r->breakdown[COST_STAFF], 36 * 30000.0);
			assert_close(r->breakdown[COST_MAINTENANCE], 36 * 0.08 * 341000 / 12);
			assert_close(r->breakdown[COST_NETWORK], 36 * 1000.0);
			if (!idle0)
				assert_close(r->breakdown[COST_POWER], power[k]);
			else
				assert_close(r->breakdown[COST_POWER], 1.0608 * 4380);
			for (int c = 0; c < COST_NCOMPONENTS; c++) {
				if (k == 0)
					first[c] = r->breakdown[c];
				else if (c != COST_POWER)
					assert_close(r->breakdown[c], first[c]);
			}
			if (idle0 && k > 0)
				assert_close(r->total, previous);
			previous = r->total;
			tco_result_release(&f->r);
		}
	}
	for (int fallback = 0; fallback < 2; fallback++) {
		for (size_t k = 0; k < 4; k++) {
			struct deployment_result *r;

			fixture_init(f, 36);
			add_inference(f, 8, 0);
			add_onprem(f, "rack", 8)->lead_time_hours = leads[k] * 730.0;
			if (fallback)
				f->din[0].cloud = (struct cloud_pricing){
					.present = true, .on_demand_per_gpu_hour = 2 };
			run(f);
			r = &f->r.deployments[0];
			assert_int_equal(r->excluded, !fallback && leads[k] > 0);
			if (fallback && k > 0 && !(r->total > previous))
				fail_msg("lead time %d months: %.2f <= %.2f", leads[k], r->total,
					 previous);
			previous = r->total;
			tco_result_release(&f->r);
		}
	}
	free(f);
}

/*
 * Per-unit figures on an 8-GPU instance at $2/GPU-h, rented whole: a training
 * run of 8 GPUs x 730 h in month 1 and a 2-GPU service all year (1e9 tokens a
 * month). Rented: 8 x 730 = 5,840 h for training (11,680) and 8 x 8,760 =
 * 70,080 h for the service (140,160): total 151,840.
 *   used GPU-hours  5,840 + 2 x 8,760 = 23,360: per_gpu_hour 151,840 / 23,360 = 6.5
 *   paid GPU-hours  5,840 + 70,080 = 75,920: per_gpu_hour_paid = 2.0
 *   inference share 151,840 x 17,520 / 23,360 = 113,880 over 12,000 M tokens:
 *                   per_million_tokens 9.49 (not 151,840 / 12,000 = 12.65)
 */
static void test_per_unit_figures(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct deployment_result *r;

	(void)state;
	fixture_init(f, 12);
	add_training(f, 8, 5840, 0);
	add_inference(f, 2, 1e9);
	add_cloud(f, "cloud", 2, on_demand, all);
	f->din[0].cloud.whole_instances = true;
	run(f);
	r = &f->r.deployments[0];
	assert_close(r->total, 151840);
	assert_close(r->per_gpu_hour, 6.5);
	assert_close(r->gpu_hours_paid, 75920);
	assert_close(r->per_gpu_hour_paid, 2.0);
	assert_close(r->workload_cost[1], 113880);
	assert_close(r->per_million_tokens, 9.49);
	tco_result_release(&f->r);

	/* Without inference there is no per-token figure. */
	f->s.nworkloads = 1;
	run(f);
	assert_true(isnan(f->r.deployments[0].per_million_tokens));
	tco_result_release(&f->r);
	free(f);
}

static void test_tokens_per_million(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));

	(void)state;
	/* 8 GPUs on demand at $2 = 11,680 a month serving 1e9 tokens a month:
	 * 11,680 / 1,000 M tokens = $11.68 per 1M tokens. */
	fixture_init(f, 12);
	add_inference(f, 8, 1e9);
	add_cloud(f, "cloud", 2, on_demand, all);
	run(f);
	assert_close(f->r.deployments[0].per_million_tokens, 11.68);
	assert_close(f->r.deployments[0].tokens_delivered, 12e9);
	tco_result_release(&f->r);
	free(f);
}

static void test_cost_per_workload(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	double *split;

	(void)state;
	/* A year of 8-GPU inference (70,080 GPU-h) and an 8-GPU training run in month 1
	 * (5,840 GPU-h) on demand at $2: 140,160 + 11,680 = 151,840, split as used. */
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	add_training(f, 8, 5840, 0);
	add_cloud(f, "cloud", 2, on_demand, all);
	add_onprem(f, "rack", 8);
	run(f);
	split = f->r.deployments[0].workload_cost;
	assert_close(f->r.deployments[0].total, 151840);
	assert_close(split[0], 140160);
	assert_close(split[1], 11680);
	/* On-prem, the idle and queued capacity is carried by the work in the same
	 * ratio: 70,080 : 5,840 = 12 : 1 of the total. */
	split = f->r.deployments[1].workload_cost;
	assert_close(split[0] + split[1], f->r.deployments[1].total);
	assert_close(split[0], 12 * split[1]);
	tco_result_release(&f->r);
	free(f);
}

static void test_sensitivity_ranks_inputs(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct sensitivity *list;
	size_t n;

	(void)state;
	/* 8 GPUs for a year (70,080 GPU-h) on A at $2 or B at $3: A leads by 70,080.
	 * B's price ±20%: 70,080 x (2.4 - 2) = 28,032 .. 70,080 x (3.6 - 2) = 112,128,
	 * swing 84,096. A's: 70,080 x (3 - 2.4) = 42,048 .. x (3 - 1.6) = 98,112, swing
	 * 56,064. Demand ±20%: 56,064 .. 84,096, swing 28,032. Nothing flips. */
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	add_cloud(f, "A", 2, on_demand, all);
	add_cloud(f, "B", 3, on_demand, all);
	assert_int_equal(tco_sensitivity(&f->in, NULL, 0.2, &list, &n), 0);
	assert_true(n >= 3);
	assert_string_equal(list[0].input, "deployments.B GPU-hour price");
	assert_close(list[0].low_usd, 28032);
	assert_close(list[0].high_usd, 112128);
	assert_close(list[0].swing_usd, 84096);
	assert_string_equal(list[1].input, "deployments.A GPU-hour price");
	assert_close(list[1].swing_usd, 56064);
	assert_string_equal(list[2].input, "workload demand (GPU-hours, tokens)");
	assert_close(list[2].swing_usd, 28032);
	assert_false(list[0].flips || list[1].flips || list[2].flips);
	sensitivity_release(list, n);

	/* A twin of A costs the same: the answer is still A's lead over B, not a
	 * lead of 0 over its twin that no input moves. */
	add_cloud(f, "A2", 2, on_demand, all);
	assert_int_equal(tco_sensitivity(&f->in, NULL, 0.2, &list, &n), 0);
	assert_string_equal(list[0].input, "deployments.B GPU-hour price");
	assert_close(list[0].swing_usd, 84096);
	sensitivity_release(list, n);
	run(f);
	assert_int_equal(tco_runner_up(&f->r), 1);
	tco_result_release(&f->r);
	f->s.ndeployments--;

	/* At ±60% A's price flips the answer: 3.2 > 3. */
	assert_int_equal(tco_sensitivity(&f->in, NULL, 0.6, &list, &n), 0);
	assert_true(list[1].flips || list[0].flips);
	sensitivity_release(list, n);
	free(f);
}

/*
 * With no Monte Carlo trials the engine leaves the shortage out of the totals, so
 * the sensitivity variants must too. 8 GPUs for a year (70,080 GPU-h) on A at $2
 * or B at $3; A has a shortage (p = 50%, 40% premium) that trials = 0 ignores:
 * demand -20% leads by 56,064 x (3 - 2) = 56,064, +20% by 84,096 x 1 = 84,096
 * (with the expected shortage, 0.5 x 40% = 20% on A, the -20% lead would be
 * 56,064 x (3 - 2.4) = 33,638.4), and the shortage's inputs move nothing.
 */
static void test_sensitivity_without_trials_leaves_shortage_out(void **state)
{
	struct fixture *f = xmalloc(sizeof(*f));
	struct sensitivity *list;
	struct deployment *a;
	bool demand_seen = false;
	size_t n;

	(void)state;
	fixture_init(f, 12);
	add_inference(f, 8, 0);
	a = add_cloud(f, "A", 2, on_demand, all);
	add_cloud(f, "B", 3, on_demand, all);
	a->shortage = (struct shortage_spec){ .present = true, .probability = 0.5,
		.premium = 0.4, .cost_of_delay_per_month = NAN };
	f->in.opts.trials = 0;
	run(f);
	assert_close(f->r.deployments[0].breakdown[COST_SHORTAGE], 0);
	tco_result_release(&f->r);
	assert_int_equal(tco_sensitivity(&f->in, NULL, 0.2, &list, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (strstr(list[i].input, "shortage"))
			assert_close(list[i].swing_usd, 0);
		if (strcmp(list[i].input, "workload demand (GPU-hours, tokens)") == 0) {
			demand_seen = true;
			assert_close(list[i].low_usd, 56064);
			assert_close(list[i].high_usd, 84096);
		}
	}
	assert_true(demand_seen);
	sensitivity_release(list, n);
	free(f);
}

/*
 * The sensitivity's totals-only run gives tco_compute's totals to the bit, with
 * shortages on every kind of deployment (the on-prem's strikes once, the cloud's
 * monthly) at any trials; and a caller's result as the base changes nothing.
 */
static void test_deployment_total_is_tco_compute_total(void **state)
{
	const double probabilities[] = { 0.25, 1, 0 };
	const long trials[] = { 10000, 1, 0 };
	struct fixture *f = xmalloc(sizeof(*f));
	struct sensitivity *own, *given;
	size_t nown, ngiven;

	(void)state;
	for (size_t p = 0; p < ARRAY_SIZE(probabilities); p++) {
		for (size_t t = 0; t < ARRAY_SIZE(trials); t++) {
			build_mixed(f, probabilities[p]);
			f->in.opts.trials = trials[t];
			f->dep[1].fallback = "cloud";
			run(f);
			for (size_t i = 0; i < f->r.ndeployments; i++) {
				double total = -1;
				bool excluded = true;

				assert_int_equal(tco_deployment_total(&f->in, i, &total, &excluded), 0);
				assert_true(total == f->r.deployments[i].total);
				assert_true(excluded == f->r.deployments[i].excluded);
				if (probabilities[p] > 0 && trials[t] > 0)
					assert_true(f->r.deployments[i].breakdown[COST_SHORTAGE] > 0);
			}
			assert_int_equal(tco_sensitivity(&f->in, NULL, 0.2, &own, &nown), 0);
			assert_int_equal(tco_sensitivity(&f->in, &f->r, 0.2, &given, &ngiven), 0);
			assert_int_equal(nown, ngiven);
			for (size_t k = 0; k < nown; k++) {
				assert_string_equal(own[k].input, given[k].input);
				assert_true(own[k].low_usd == given[k].low_usd);
				assert_true(own[k].high_usd == given[k].high_usd);
				assert_true(own[k].flips == given[k].flips);
			}
			sensitivity_release(own, nown);
			sensitivity_release(given, ngiven);
			tco_result_release(&f->r);
		}
	}
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_egress_two_tiers_one_month),
		cmocka_unit_test(test_egress_50tb_aws_within_tier_bounds),
		cmocka_unit_test(test_reserved_commitment_under_used),
		cmocka_unit_test(test_commitment_renewed_per_term),
		cmocka_unit_test(test_commitment_owed_past_the_horizon),
		cmocka_unit_test(test_cloud_rents_whole_instances),
		cmocka_unit_test(test_purchase_mix_overflow),
		cmocka_unit_test(test_spot_recomputed_work),
		cmocka_unit_test(test_spot_interruptions_from_the_store),
		cmocka_unit_test(test_power_and_colo_one_server_one_year),
		cmocka_unit_test(test_depreciation_with_residual),
		cmocka_unit_test(test_financed_capex),
		cmocka_unit_test(test_hybrid_burst),
		cmocka_unit_test(test_hybrid_burst_on_spot_redoes_lost_work),
		cmocka_unit_test(test_lead_time_fallback),
		cmocka_unit_test(test_onprem_fallback_shares_its_shortage),
		cmocka_unit_test(test_onprem_fallback_only_during_lead_time),
		cmocka_unit_test(test_npv_known_discount_factor),
		cmocka_unit_test(test_breakeven_month),
		cmocka_unit_test(test_deepseek_v3_h800_cost),
		cmocka_unit_test(test_storage_by_class),
		cmocka_unit_test(test_invariants_sums),
		cmocka_unit_test(test_invariant_zero_probability_zero_shortage),
		cmocka_unit_test(test_invariant_more_gpus_never_lower_capex),
		cmocka_unit_test(test_invariant_same_seed_same_output),
		cmocka_unit_test(test_shortage_premium_monte_carlo),
		cmocka_unit_test(test_shortage_cumulative_band),
		cmocka_unit_test(test_shortage_band_is_the_sorted_percentiles),
		cmocka_unit_test(test_shortage_percentiles_exact),
		cmocka_unit_test(test_shortage_exact_matches_the_draws),
		cmocka_unit_test(test_shortage_many_totals_are_drawn),
		cmocka_unit_test(test_shortage_mean_does_not_depend_on_the_draws),
		cmocka_unit_test(test_onprem_shortage_delay_or_premium),
		cmocka_unit_test(test_monte_carlo_portable),
		cmocka_unit_test(test_data_residency_excluded),
		cmocka_unit_test(test_undelivered_work_never_cheapest),
		cmocka_unit_test(test_training_past_the_horizon_excluded),
		cmocka_unit_test(test_training_waits_for_hardware_and_its_deadline),
		cmocka_unit_test(test_inference_never_queued_for_hardware),
		cmocka_unit_test(test_invariant_longer_lead_time_never_cheaper),
		cmocka_unit_test(test_invariant_lead_time_0_3_9_18_months),
		cmocka_unit_test(test_tokens_per_million),
		cmocka_unit_test(test_per_unit_figures),
		cmocka_unit_test(test_cost_per_workload),
		cmocka_unit_test(test_sensitivity_ranks_inputs),
		cmocka_unit_test(test_sensitivity_without_trials_leaves_shortage_out),
		cmocka_unit_test(test_deployment_total_is_tco_compute_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
