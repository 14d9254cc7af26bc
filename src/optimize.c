/*
 * The offer search: one pass over every offer, the workload model consulted once
 * per accelerator type (not per offer), reasons written only for the winners —
 * so 100k offers take milliseconds beyond loading them.
 */
#include "optimize.h"
#include "db.h"
#include "tco.h"
#include "units.h"
#include "util.h"

#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRAINING_GPUS 1e6   /* beyond the world's supply: no answer */

int optimize_begin(struct db *db, const struct optimize_options *opts,
		   struct optimize_search *out)
{
	struct offer_filter filter = { 0 };

	memset(out, 0, sizeof(*out));
	filter.providers = opts->providers;
	if (db_query_offers(db, &filter, &out->offers) < 0)
		return -1;
	if (opts->price_factor > 0 && opts->price_factor != 1)
		for (size_t i = 0; i < out->offers.n; i++)
			out->offers.items[i].price_per_hour *= opts->price_factor;
	return 0;
}

static void cache_release(struct optimize_search *search)
{
	for (size_t i = 0; i < search->ncache; i++) {
		free(search->cache[i].accelerator);
		free(search->cache[i].reason);
		if (search->cache[i].fits)
			workload_demand_release(&search->cache[i].demand);
	}
	free(search->cache);
	search->cache = NULL;
	search->ncache = search->cache_alloc = 0;
}

static void candidates_release(struct optimize_search *search)
{
	for (size_t i = 0; i < search->n; i++)
		free(search->items[i].why);
	free(search->items);
	search->items = NULL;
	search->n = 0;
}

void optimize_end(struct optimize_search *search)
{
	candidates_release(search);
	cache_release(search);
	offer_list_release(&search->offers);
	memset(search, 0, sizeof(*search));
}

/* The hours a training run has: to its deadline, and to the horizon from its start. */
static double training_limit_hours(const struct scenario *s, const struct workload *w)
{
	double limit = s->horizon_months * HOURS_PER_MONTH -
		(isnan(w->start_hours) ? 0 : w->start_hours);

	if (!isnan(w->training.deadline_hours))
		limit = fmin(limit, w->training.deadline_hours);
	return limit;
}

/*
 * A training run on ACC with as many GPUs as it needs to end within LIMIT hours:
 * the workload's count, else that count scaled by how late it is (again while
 * interruptions that grow with the GPUs keep it late). -1 when none does.
 */
static int size_for_deadline(const struct workload *w, const struct accelerator *acc,
			     double limit, struct workload_demand *out)
{
	struct workload sized = *w;

	if (workload_demand(w, acc, out) < 0)
		return -1;
	for (int round = 0; round < 8 && out->wall_hours > limit * (1 + 1e-9); round++) {
		double gpus = ceil(sized.training.gpus * out->wall_hours / limit);

		if (!(limit > 0) || gpus > MAX_TRAINING_GPUS)
			break;
		sized.training.gpus = gpus > sized.training.gpus ? (int)gpus : sized.training.gpus + 1;
		workload_demand_release(out);
		if (workload_demand(&sized, acc, out) < 0)
			return -1;
	}
	if (out->wall_hours > limit * (1 + 1e-9)) {
		error_set("needs %.0f h on %d x %s, more than the %.0f h it has (deadline or "
			  "horizon)", out->wall_hours, out->gpus, acc->name, limit);
		workload_demand_release(out);
		return -1;
	}
	return 0;
}

/* The workload's demand on ACCELERATOR, computed the first time it is asked for. */
static struct accelerator_demand *demand_on(struct db *db, const struct scenario *s,
					    const struct workload *w,
					    struct optimize_search *search,
					    const char *accelerator)
{
	struct accelerator_demand *entry;
	struct accelerator acc;
	int rc;

	for (size_t i = 0; i < search->ncache; i++)
		if (strcmp(search->cache[i].accelerator, accelerator) == 0)
			return &search->cache[i];
	xgrow(&search->cache, &search->cache_alloc, search->ncache + 1, sizeof(*search->cache));
	entry = &search->cache[search->ncache++];
	memset(entry, 0, sizeof(*entry));
	entry->accelerator = xstrdup(accelerator);
	memset(&acc, 0, sizeof(acc));
	rc = db_find_accelerator(db, accelerator, &acc);
	if (rc == 0)
		rc = w->kind == WORKLOAD_TRAINING ?
			size_for_deadline(w, &acc, training_limit_hours(s, w), &entry->demand) :
			workload_demand(w, &acc, &entry->demand);
	if (rc < 0) {
		entry->reason = xstrdup(error_get());
		error_clear();
	} else {
		entry->fits = true;
	}
	accelerator_release(&acc);
	return entry;
}

/* Is TEXT one of the comma-separated LIST's items (globs when GLOB)? */
static bool listed(const char *list, const char *text, bool glob)
{
	const char *p = list;

	if (!list || !*list)
		return true;
	if (!text)
		return false;
	while (*p) {
		size_t len, item_len;
		char *item;
		bool match;

		p += strspn(p, " ");   /* "us-east-1, eastus": spaces around items */
		len = strcspn(p, ",");
		for (item_len = len; item_len > 0 && p[item_len - 1] == ' '; item_len--)
			;
		item = xstrndup(p, item_len);
		match = glob ? fnmatch(item, text, FNM_CASEFOLD) == 0 : str_ieq(item, text);
		free(item);
		if (match)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

static bool constraints_allow(const struct constraints *c, const struct offer *o)
{
	bool ok = c->nproviders == 0;

	for (size_t i = 0; i < c->nproviders && !ok; i++)
		ok = str_ieq(c->providers[i], o->provider);
	if (!ok)
		return false;
	if (c->nregions == 0)
		return true;
	for (size_t i = 0; i < c->nregions; i++)
		if (scenario_region_allowed(o->region, c->regions[i]))
			return true;
	return false;
}

/* Hours an inference workload serves within the horizon. */
static double inference_active_hours(const struct scenario *s, const struct workload *w)
{
	double start = isnan(w->start_hours) ? 0 : w->start_hours;
	double end = s->horizon_months * HOURS_PER_MONTH;

	if (!isnan(w->duration_hours))
		end = fmin(end, start + w->duration_hours);
	return end - start;
}

/* Machines are rented whole: GPUs paid for per GPU the workload uses (>= 1). */
static double rented_share(const struct workload_demand *d, const struct offer *o)
{
	double instances;

	if (d->gpus < 1)
		return 1;
	instances = ceil((double)d->gpus / o->accelerator_count);
	return instances * o->accelerator_count / d->gpus;
}

static int compare_candidates(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;
	int rc;

	if (a->cost_usd != b->cost_usd)
		return a->cost_usd < b->cost_usd ? -1 : 1;
	if ((rc = strcmp(a->offer->provider, b->offer->provider)) != 0)
		return rc;
	if ((rc = strcmp(a->offer->region, b->offer->region)) != 0)
		return rc;
	if ((rc = strcmp(a->offer->instance_type, b->offer->instance_type)) != 0)
		return rc;
	return strcmp(a->offer->purchase, b->offer->purchase);
}

static char *explain(const struct workload *w, const struct candidate *c)
{
	const struct workload_demand *d = c->demand;
	const struct offer *o = c->offer;
	struct strbuf why = STRBUF_INIT;

	if (w->kind == WORKLOAD_TRAINING) {
		strbuf_addf(&why, "%d x %s: %.0f GPU-h in %.0f h", d->gpus, o->accelerator,
			    d->gpu_hours, d->wall_hours);
		if (!isnan(w->training.deadline_hours))
			strbuf_addf(&why, " <= deadline %.0f h", w->training.deadline_hours);
		if (d->gpus != w->training.gpus)
			strbuf_addf(&why, " (sized up from %d GPUs)", w->training.gpus);
		if (d->memory_needed_gb > 0)
			strbuf_addf(&why, "; state %.0f GB fits %d x %.0f GB", d->memory_needed_gb,
				    d->gpus, o->accelerator_memory_gb);
		if (d->gpus % o->accelerator_count != 0)
			strbuf_addf(&why, "; %.0f whole instances", ceil((double)d->gpus /
									o->accelerator_count));
		if (strcmp(o->purchase, "spot") == 0)
			strbuf_addf(&why, "; %.0f GPU-h with spot restarts", c->billed_gpu_hours);
		else if (c->billed_gpu_hours > d->gpu_hours)
			strbuf_addf(&why, "; the %s term bills %.0f GPU-h", o->purchase,
				    c->billed_gpu_hours);
	} else {
		strbuf_addf(&why, "weights %.0f GB on TP %d of %d x %.0f GB, %d replica%s",
			    d->weights_gb, d->tensor_parallel, o->accelerator_count,
			    o->accelerator_memory_gb, d->replicas, d->replicas == 1 ? "" : "s");
		if (d->gpus % o->accelerator_count != 0)
			strbuf_addf(&why, " (%d GPUs) on %.0f whole instance%s", d->gpus,
				    ceil((double)d->gpus / o->accelerator_count),
				    d->gpus > o->accelerator_count ? "s" : "");
		if (purchase_term_hours(o->purchase) > 0 && c->billed_gpu_hours >
		    d->gpu_hours_per_month * rented_share(d, o) * (1 + 1e-9))
			strbuf_addf(&why, "; the %s term outlasts the service: %.0f GPU-h a month "
				    "over its run", o->purchase, c->billed_gpu_hours);
		if (!isnan(w->inference.slo_ttft_ms) || !isnan(w->inference.slo_tpot_ms))
			strbuf_addf(&why, "; meets the SLO (TTFT %.0f ms, TPOT %.1f ms)",
				    d->prefill_ms, d->decode_ms_per_token);
	}
	if (o->confidence && strcmp(o->confidence, "exact") != 0)
		strbuf_addf(&why, "; price %s", o->confidence);
	return strbuf_detach(&why, NULL);
}

int optimize_run(struct db *db, const struct scenario *s, size_t workload,
		 const struct optimize_options *opts, struct optimize_search *search)
{
	const struct workload *w = &s->workloads[workload];
	struct candidate *all = NULL;
	size_t n = 0, alloc = 0;

	candidates_release(search);
	if (search->workload != workload)
		cache_release(search);
	search->workload = workload;
	search->searched = search->offers.n;
	for (size_t i = 0; i < search->offers.n; i++) {
		const struct offer *o = &search->offers.items[i];
		struct accelerator_demand *ad;
		struct candidate c = { 0 };

		if (o->accelerator_count < 1 || !o->accelerator)
			continue;
		c.per_gpu_hour = o->price_per_hour / o->accelerator_count;
		if (opts->max_per_gpu_hour > 0 && c.per_gpu_hour > opts->max_per_gpu_hour)
			continue;
		if (!listed(opts->regions, o->region, true) || !constraints_allow(&s->constraints, o))
			continue;
		ad = demand_on(db, s, w, search, o->accelerator);
		if (!ad->fits)
			continue;
		c.offer = o;
		c.cache_index = (size_t)(ad - search->cache);
		if (w->kind == WORKLOAD_TRAINING) {
			/* A commitment bills its whole term for every GPU, used or not;
			 * spot redoes the work its interruptions throw away. */
			c.billed_gpu_hours = rented_share(&ad->demand, o) *
				fmax(ad->demand.gpu_hours, ad->demand.gpus * purchase_term_hours(o->purchase));
			if (strcmp(o->purchase, "spot") == 0) {
				double rate = offer_interruptions_per_day(o);

				c.billed_gpu_hours *= 1 + spot_recompute_fraction(w, &ad->demand,
					isnan(rate) ? SPOT_INTERRUPTIONS_PER_DAY_DEFAULT : rate,
					o->accelerator_count);
			}
			c.cost_usd = c.billed_gpu_hours * c.per_gpu_hour;
		} else {
			/* A replica must fit one instance: tensor parallelism stays on a node. */
			if (ad->demand.tensor_parallel > o->accelerator_count)
				continue;
			/* A commitment bills its whole term, even past the service's end. */
			double active = inference_active_hours(s, w);

			c.billed_gpu_hours = ad->demand.gpu_hours_per_month *
				rented_share(&ad->demand, o);
			if (active > 0 && purchase_term_hours(o->purchase) > active)
				c.billed_gpu_hours *= purchase_term_hours(o->purchase) / active;
			c.cost_usd = c.billed_gpu_hours * c.per_gpu_hour;
		}
		xgrow(&all, &alloc, n + 1, sizeof(*all));
		all[n++] = c;
	}
	search->qualified = n;
	/* The cache may have moved while it grew: point at the demands only now. */
	for (size_t i = 0; i < n; i++)
		all[i].demand = &search->cache[all[i].cache_index].demand;
	qsort(all, n, sizeof(*all), compare_candidates);
	if (n > opts->top)
		n = opts->top;
	for (size_t i = 0; i < n; i++)
		all[i].why = explain(w, &all[i]);
	search->items = all;
	search->n = n;
	return 0;
}
