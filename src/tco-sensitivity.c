/*
 * Which inputs move the answer: each one set ±STEP and the pure engine re-run on
 * shallow copies of the input, so the prepared prices are never touched. Only
 * the deployments whose result reads the input are re-run; the others keep the
 * base run's totals.
 */
#include "tco.h"
#include "util.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum knob_kind { KNOB_PRICE, KNOB_DEMAND, KNOB_EGRESS, KNOB_STORAGE, KNOB_FIELD };

struct knob {
	enum knob_kind kind;
	size_t deployment;
	size_t offset;               /* KNOB_FIELD: a double in struct deployment */
	const char *key;             /* KNOB_FIELD: the scenario key */
};

static const struct {
	size_t offset;
	const char *key;
} onprem_fields[] = {
	{ offsetof(struct deployment, server_price), "server_price" },
	{ offsetof(struct deployment, power_price_per_kwh), "power_price" },
	{ offsetof(struct deployment, pue), "pue" },
	{ offsetof(struct deployment, colo_per_kw_month), "colo_per_kw_month" },
	{ offsetof(struct deployment, facility_per_month), "facility_per_month" },
	{ offsetof(struct deployment, staff_cost_per_year), "staff_cost" },
	{ offsetof(struct deployment, maintenance_per_year), "maintenance" },
	{ offsetof(struct deployment, lead_time_hours), "lead_time" },
	{ offsetof(struct deployment, residual), "residual" },
}, shortage_fields[] = {
	{ offsetof(struct deployment, shortage.probability), "shortage.probability" },
	{ offsetof(struct deployment, shortage.premium), "shortage.premium" },
};

static double *field(struct deployment *d, size_t offset)
{
	return (double *)((char *)d + offset);
}

/* Does deployment J buy its cloud work from deployment I? */
static bool buys_from(const struct scenario *s, size_t j, size_t i)
{
	const struct deployment *d = &s->deployments[j];
	const char *name = s->deployments[i].name;

	if (j == i)
		return true;
	if (d->kind == DEPLOYMENT_HYBRID)
		return d->burst && strcmp(d->burst, name) == 0;
	return d->kind == DEPLOYMENT_ONPREM && d->fallback && strcmp(d->fallback, name) == 0;
}

/*
 * Does deployment J's result read deployment I's inputs: its own, or I's as its
 * base, burst or fallback (whose scenario fields and shortage it reads)?
 */
static bool depends_on(const struct scenario *s, size_t j, size_t i)
{
	const struct deployment *d = &s->deployments[j];
	const char *name = s->deployments[i].name;

	return j == i || (d->base && strcmp(d->base, name) == 0) ||
	       (d->burst && strcmp(d->burst, name) == 0) ||
	       (d->fallback && strcmp(d->fallback, name) == 0);
}

/* What a variant's answer is read from: each deployment's total, and the cheapest. */
struct totals {
	double *total;
	bool *excluded;
	int cheapest;
};

static void scale_demand(struct workload_demand *d, size_t n, double factor)
{
	for (size_t i = 0; i < n; i++) {
		d[i].gpu_hours *= factor;
		d[i].gpu_hours_per_month *= factor;
		d[i].tokens_per_month *= factor;
	}
}

/*
 * The engine's totals with knob K scaled by FACTOR, starting from BASE's: the
 * deployments that read the knob are re-run, the cheapest chosen as tco_compute
 * chooses it.
 */
static int run_variant(const struct tco_input *in, const struct knob *k, double factor,
		       const struct tco_result *base, struct totals *out)
{
	const struct scenario *s = in->scenario;
	struct scenario copy = *s;
	struct tco_input variant = *in;
	size_t nd = s->ndeployments, nw = s->nworkloads;
	double **prices = xcalloc(nd + 1, sizeof(*prices));
	struct workload_demand **demand = xcalloc(nd + 1, sizeof(*demand));
	int rc;

	copy.deployments = xmalloc((nd + 1) * sizeof(*copy.deployments));
	memcpy(copy.deployments, s->deployments, nd * sizeof(*copy.deployments));
	copy.workloads = xmalloc((nw + 1) * sizeof(*copy.workloads));
	memcpy(copy.workloads, s->workloads, nw * sizeof(*copy.workloads));
	variant.scenario = &copy;
	variant.deployments = xmalloc((nd + 1) * sizeof(*variant.deployments));
	memcpy(variant.deployments, in->deployments, nd * sizeof(*variant.deployments));
	for (size_t j = 0; j < nd; j++) {
		struct deployment_input *din = &variant.deployments[j];

		if (k->kind == KNOB_PRICE && buys_from(s, j, k->deployment) && din->cloud.present) {
			prices[j] = xcalloc(din->cloud.nshares + 1, sizeof(double));
			for (size_t q = 0; q < din->cloud.nshares; q++)
				prices[j][q] = din->cloud.share_per_gpu_hour[q] * factor;
			din->cloud.share_per_gpu_hour = prices[j];
			din->cloud.on_demand_per_gpu_hour *= factor;
		}
		if (k->kind == KNOB_DEMAND) {
			demand[j] = xmalloc((nw + 1) * sizeof(**demand));
			memcpy(demand[j], din->demand, nw * sizeof(**demand));
			scale_demand(demand[j], nw, factor);
			din->demand = demand[j];
		}
	}
	if (k->kind == KNOB_EGRESS) {
		copy.data.egress_per_month_bytes *= factor;
		for (size_t w = 0; w < nw; w++)
			copy.workloads[w].egress_per_month_bytes *= factor;
	} else if (k->kind == KNOB_STORAGE) {
		copy.data.stored_bytes *= factor;
		copy.data.growth_per_month_bytes *= factor;
	} else if (k->kind == KNOB_FIELD) {
		double *value = field(&copy.deployments[k->deployment], k->offset);

		*value = fmin(*value * factor, k->offset == offsetof(struct deployment,
			shortage.probability) || k->offset == offsetof(struct deployment, residual)
			? 1.0 : INFINITY);
	}
	rc = 0;
	out->cheapest = -1;
	for (size_t j = 0; j < nd; j++) {
		bool rerun = k->kind == KNOB_DEMAND || k->kind == KNOB_EGRESS ||
			     k->kind == KNOB_STORAGE || depends_on(s, j, k->deployment);

		out->total[j] = base->deployments[j].total;
		out->excluded[j] = base->deployments[j].excluded;
		/* Totals carry the exact expected shortage, whatever the draws: the
		 * percentiles nobody reads here are not computed. */
		if (rerun && rc == 0)
			rc = tco_deployment_total(&variant, j, &out->total[j], &out->excluded[j]);
		if (!out->excluded[j] && (out->cheapest < 0 || out->total[j] <
					  out->total[out->cheapest]))
			out->cheapest = (int)j;
	}
	for (size_t j = 0; j < nd; j++) {
		free(prices[j]);
		free(demand[j]);
	}
	free(prices);
	free(demand);
	free(copy.deployments);
	free(copy.workloads);
	free(variant.deployments);
	return rc;
}

/* The lead of the base run's cheapest A over its runner-up B (tco_runner_up). */
static double answer(const struct totals *r, int a, int b)
{
	if (a < 0)
		return 0;
	if (b < 0)
		return r->total[a];
	return r->total[b] - r->total[a];
}

static int compare_swing(const void *x, const void *y)
{
	const struct sensitivity *a = x, *b = y;

	if (a->swing_usd != b->swing_usd)
		return a->swing_usd < b->swing_usd ? 1 : -1;
	return strcmp(a->input, b->input);
}

static size_t list_knobs(const struct scenario *s, struct knob **out)
{
	struct knob *knobs = NULL;
	size_t n = 0, alloc = 0;

#define ADD(...) do { \
		xgrow(&knobs, &alloc, n + 1, sizeof(*knobs)); \
		knobs[n++] = (struct knob){ __VA_ARGS__ }; \
	} while (0)
	ADD(KNOB_DEMAND, 0, 0, NULL);
	if (s->data.egress_per_month_bytes > 0 || s->nworkloads > 0)
		ADD(KNOB_EGRESS, 0, 0, NULL);
	if (s->data.stored_bytes > 0)
		ADD(KNOB_STORAGE, 0, 0, NULL);
	for (size_t i = 0; i < s->ndeployments; i++) {
		struct deployment *d = &s->deployments[i];

		if (d->kind == DEPLOYMENT_CLOUD)
			ADD(KNOB_PRICE, i, 0, NULL);
		for (size_t f = 0; d->kind == DEPLOYMENT_ONPREM && f < ARRAY_SIZE(onprem_fields); f++)
			if (*field(d, onprem_fields[f].offset) > 0)
				ADD(KNOB_FIELD, i, onprem_fields[f].offset, onprem_fields[f].key);
		for (size_t f = 0; d->shortage.present && f < ARRAY_SIZE(shortage_fields); f++)
			if (*field(d, shortage_fields[f].offset) > 0)
				ADD(KNOB_FIELD, i, shortage_fields[f].offset, shortage_fields[f].key);
	}
#undef ADD
	*out = knobs;
	return n;
}

static char *knob_name(const struct scenario *s, const struct knob *k)
{
	struct strbuf name = STRBUF_INIT;
	const char *deployment = s->ndeployments ? s->deployments[k->deployment].name : "";

	switch (k->kind) {
	case KNOB_DEMAND:
		strbuf_adds(&name, "workload demand (GPU-hours, tokens)");
		break;
	case KNOB_EGRESS:
		strbuf_adds(&name, "egress per month");
		break;
	case KNOB_STORAGE:
		strbuf_adds(&name, "data.stored");
		break;
	case KNOB_PRICE:
		strbuf_addf(&name, "deployments.%s GPU-hour price", deployment);
		break;
	case KNOB_FIELD:
		strbuf_addf(&name, "deployments.%s.%s", deployment, k->key);
		break;
	}
	return strbuf_detach(&name, NULL);
}

int tco_sensitivity(const struct tco_input *in, const struct tco_result *base, double step,
		    struct sensitivity **out, size_t *n)
{
	struct tco_input base_in = *in;
	struct tco_result own;
	size_t nd = in->scenario->ndeployments;
	struct totals low = { xcalloc(nd + 1, sizeof(double)), xcalloc(nd + 1, sizeof(bool)), -1 };
	struct totals high = { xcalloc(nd + 1, sizeof(double)), xcalloc(nd + 1, sizeof(bool)), -1 };
	struct sensitivity *list = NULL;
	struct knob *knobs = NULL;
	size_t nknobs, count = 0;
	int a, b, result = -1;

	*out = NULL;
	*n = 0;
	/* Only which deployment is cheapest and which comes next are read, from the
	 * totals: as in run_variant, one trial answers that (the caller's Monte Carlo,
	 * often a million trials, is not run a second time). */
	memset(&own, 0, sizeof(own));
	if (!base) {
		if (base_in.opts.trials > 1)
			base_in.opts.trials = 1;
		if (tco_compute(&base_in, &own) < 0)
			goto release_totals;
		base = &own;
	}
	a = base->cheapest;
	b = tco_runner_up(base);
	nknobs = list_knobs(in->scenario, &knobs);
	list = xcalloc(nknobs + 1, sizeof(*list));
	for (size_t i = 0; i < nknobs; i++) {
		struct sensitivity *entry = &list[count];

		if (run_variant(in, &knobs[i], 1 - step, base, &low) < 0 ||
		    run_variant(in, &knobs[i], 1 + step, base, &high) < 0)
			goto cleanup;
		entry->input = knob_name(in->scenario, &knobs[i]);
		entry->low_usd = answer(&low, a, b);
		entry->high_usd = answer(&high, a, b);
		entry->swing_usd = fabs(entry->high_usd - entry->low_usd);
		entry->flips = low.cheapest != a || high.cheapest != a;
		count++;
	}
	sort_array(list, count, sizeof(*list), compare_swing);
	*out = list;
	*n = count;
	list = NULL;
	result = 0;
cleanup:
	sensitivity_release(list, count);
	free(knobs);
	tco_result_release(&own);
release_totals:
	free(low.total);
	free(low.excluded);
	free(high.total);
	free(high.excluded);
	return result;
}

void sensitivity_release(struct sensitivity *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i].input);
	free(list);
}
