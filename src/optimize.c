/*
 * The offer search (optimize.h). The store streams the current whole-instance
 * offers on accelerators the workload can use, filtered in SQL by provider,
 * accelerator, purchase option and price; each offer is priced from its plan
 * (the workload on that accelerator, instance size and fabric, computed once per
 * kind of instance, not per offer), and only the best `top` are kept: memory
 * stays flat however large the store.
 */
#include "optimize.h"
#include "fabric.h"
#include "price-lookup.h"
#include "table.h"
#include "tco.h"
#include "units.h"
#include "util.h"

#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define IDEAL_FABRIC_GB_S 1e9       /* per accelerator: a network that never waits */

struct scan_state {
	struct db *db;
	struct offer_scanner *scanner;
	const struct scenario *s;
	const struct workload *w;
	const struct optimize_options *opts;
	struct optimize_search *search;
	double factor;               /* store prices × this */
	bool latency_bound;          /* an inference SLO */
	size_t pairs, allowed;       /* current providers × regions, and those the filters pass */
	/* The group being read: */
	size_t plan;                 /* its plan */
	bool legacy;                 /* rows stored without a fabric: a plan per row */
	bool counting;               /* none can enter: only counting what fails */
	double least_per_price;      /* no offer's cost is below its price × this */
};

static void offer_copy(struct offer *dst, const struct offer *src)
{
	*dst = *src;
	dst->provider = xstrdup_or_null(src->provider);
	dst->region = xstrdup_or_null(src->region);
	dst->zone = xstrdup_or_null(src->zone);
	dst->instance_type = xstrdup_or_null(src->instance_type);
	dst->accelerator = xstrdup_or_null(src->accelerator);
	dst->purchase = xstrdup_or_null(src->purchase);
	dst->currency = xstrdup_or_null(src->currency);
	dst->observed = xstrdup_or_null(src->observed);
	dst->source = xstrdup_or_null(src->source);
	dst->confidence = xstrdup_or_null(src->confidence);
	dst->component = xstrdup_or_null(src->component);
	dst->note = xstrdup_or_null(src->note);
	dst->interconnect = xstrdup_or_null(src->interconnect);
}

static void candidate_release(struct candidate *c)
{
	offer_release(&c->offer);
	free(c->why);
	memset(c, 0, sizeof(*c));
}

void optimize_release(struct optimize_search *search)
{
	for (size_t i = 0; i < search->nplans; i++) {
		struct optimize_plan *p = &search->plans[i];

		free(p->accelerator);
		free(p->interconnect);
		free(p->reason);
		if (p->fits)
			workload_demand_release(&p->demand);
	}
	free(search->plans);
	free(search->index);
	for (size_t i = 0; i < search->naccelerators; i++) {
		accelerator_release(&search->accelerators[i]);
		if (search->demands)
			workload_demand_release(&search->demands[i]);
		if (search->local && !search->local_reason[i])
			workload_demand_release(&search->local[i]);
		if (search->local_reason)
			free(search->local_reason[i]);
	}
	free(search->accelerators);
	free(search->demands);
	free(search->local);
	free(search->local_reason);
	for (size_t i = 0; i < search->n; i++)
		candidate_release(&search->items[i]);
	free(search->items);
	free(search->note);
	for (size_t i = 0; i < search->nrejections; i++) {
		free(search->rejections[i].accelerator);
		free(search->rejections[i].reason);
		offer_release(&search->rejections[i].cheapest);
	}
	free(search->rejections);
	memset(search, 0, sizeof(*search));
}

/* ---- the workload on one kind of instance ---- */

/* "GPU", or "chip" for a TPU. */
static const char *chip_word(const struct accelerator *acc)
{
	return acc->kind && strcmp(acc->kind, "tpu") == 0 ? "chip" : "GPU";
}

/* Hours a training run may take: to the end of the horizon from its start. */
static double horizon_hours_left(const struct scenario *s, const struct workload *w)
{
	return s->horizon_months * HOURS_PER_MONTH - (isnan(w->start_hours) ? 0 : w->start_hours);
}

void optimize_fabric_accelerator(const struct accelerator *acc, int per_instance,
				 double fabric_gbps, struct accelerator *out)
{
	*out = *acc;   /* shallow: the strings stay the caller's */
	if (fabric_gbps > 0) {
		/* Gb/s per instance to GB/s per accelerator, one direction. */
		out->scaleout_gb_s = fabric_gbps / 8.0 / per_instance;
		out->scaleup_domain = per_instance;
	}
}

/*
 * The training demand on GPUS accelerators; -1 with a message when it cannot run.
 * A given mfu is taken to hold on an ideal fabric (where it was measured, the
 * network did not hold the job back): over ACC's fabric each step takes as much
 * longer as the performance model says the slower network makes it, and so does
 * the run: SLOWDOWN (when not NULL) = step time on ACC / on an ideal fabric. Not
 * for measured gpu_hours, nor where the model finds no layout.
 */
static int training_at(const struct workload *w, const struct accelerator *acc, int gpus,
		       struct workload_demand *out, double *slowdown)
{
	struct workload sized = *w;
	struct accelerator ideal_acc = *acc;
	struct workload_demand ideal;
	double ratio = 1;

	sized.training.gpus = gpus;
	if (slowdown)
		*slowdown = 1;
	if (workload_demand(&sized, acc, out) < 0)
		return -1;
	if (isnan(w->training.mfu) || !isnan(w->training.gpu_hours) || !out->has_layout)
		return 0;
	ideal_acc.scaleout_gb_s = IDEAL_FABRIC_GB_S;
	if (workload_demand(&sized, &ideal_acc, &ideal) < 0) {
		error_clear();   /* cannot be: more bandwidth never stops a layout fitting */
		return 0;
	}
	if (ideal.has_layout && ideal.step.step_seconds > 0)
		ratio = fmax(1, out->step.step_seconds / ideal.step.step_seconds);
	workload_demand_release(&ideal);
	out->ideal_gpu_hours *= ratio;
	out->wall_hours *= ratio;
	out->gpu_hours *= ratio;
	out->assumptions.mfu /= ratio;
	if (slowdown)
		*slowdown = ratio;
	return 0;
}

/* Does a demand end within LIMIT hours? */
static bool ends_by(const struct workload_demand *d, double limit)
{
	return d->wall_hours <= limit * (1 + 1e-9);
}

/*
 * The smallest whole number of instances that ends the run by LIMIT: the count
 * doubles (or jumps by how late the run is) until one meets it, then a bisection
 * finds the least. In this model more accelerators never take fewer GPU-hours, so
 * the least count is also the cheapest. -1 with the reason when none up to
 * MAX_INSTANCES does.
 */
static int size_to_deadline(const struct workload *w, const struct accelerator *acc,
			    struct optimize_plan *p, int max_instances, double limit)
{
	struct workload_demand d;
	long lo = 0, hi = 0, n = 1;
	double wall = NAN;
	int fit;

	if (!isnan(w->training.params) && acc->memory_gb > 0)   /* the state must fit */
		n = whole_to_int(fmax(1, ceil(w->training.params * w->training.state_bytes_per_param /
					      1e9 / (acc->memory_gb * p->per_instance))),
				 1, max_instances, &fit) ? fit : max_instances + 1L;
	while (n <= max_instances) {
		bool ok = training_at(w, acc, (int)n * p->per_instance, &d, NULL) == 0;

		if (ok && ends_by(&d, limit)) {
			hi = n;
			workload_demand_release(&d);
			break;
		}
		lo = n;
		if (ok) {
			wall = d.wall_hours;
			workload_demand_release(&d);
			n = whole_to_int(fmax(2.0 * n, ceil(n * wall / limit)), 1, max_instances,
					 &fit) ? fit : max_instances + 1L;
		} else {
			error_clear();
			n *= 2;
		}
		if (n > max_instances && lo < max_instances)
			n = max_instances;
	}
	if (hi == 0) {
		if (max_instances == 1 && isnan(wall))
			error_set("the training state needs more than one %d-%s instance's memory, "
				  "and without a cluster fabric a job cannot span several",
				  p->per_instance, chip_word(acc));
		else if (lo == 0)   /* sized to the state, no count was tried */
			error_set("the training state needs more than the memory of %d %s",
				  max_instances * p->per_instance, acc->name);
		else if (max_instances == 1)
			error_set("one %d-%s instance takes %.0f h, more than the %.4g h it has, and "
				  "without a cluster fabric a job cannot span several",
				  p->per_instance, chip_word(acc), wall, limit);
		else
			error_set("no count of %d-%s instances up to %d %s meets the %.4g h it has",
				  p->per_instance, chip_word(acc), max_instances * p->per_instance,
				  acc->name, limit);
		return -1;
	}
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;
		bool ok = training_at(w, acc, (int)mid * p->per_instance, &d, NULL) == 0;

		if (ok && ends_by(&d, limit))
			hi = mid;
		else
			lo = mid;
		if (ok)
			workload_demand_release(&d);
		else
			error_clear();
	}
	p->instances = (int)hi;
	p->gpus = (int)hi * p->per_instance;
	p->sized = true;
	p->meets_deadline = true;
	return training_at(w, acc, p->gpus, &p->demand, &p->slowdown);
}

static int plan_training(const struct scan_state *st, struct optimize_plan *p,
			 const struct accelerator *base)
{
	const struct workload *w = st->w;
	struct accelerator acc;
	double left = horizon_hours_left(st->s, w);
	double deadline = w->training.deadline_hours;
	int max_instances = p->fabric_gbps > 0 ? MAX_TRAINING_GPUS / p->per_instance : 1;

	optimize_fabric_accelerator(base, p->per_instance, p->fabric_gbps, &acc);
	if (w->training.gpus < 1)   /* the scenario gives a deadline instead */
		return size_to_deadline(w, &acc, p, max_instances,
					isnan(deadline) ? left : fmin(deadline, left));
	p->gpus = w->training.gpus;
	p->instances = p->gpus / p->per_instance + (p->gpus % p->per_instance != 0);
	if (p->instances > max_instances) {
		error_set("%d x %d-%s instances: no cluster fabric", p->instances,
			  p->per_instance, chip_word(base));
		return -1;
	}
	if (training_at(w, &acc, p->gpus, &p->demand, &p->slowdown) < 0)
		return -1;
	if (!ends_by(&p->demand, left)) {
		error_set("%d x %s: %.0f h, past the horizon's %.0f h", p->gpus, base->name,
			  p->demand.wall_hours, left);
		workload_demand_release(&p->demand);
		return -1;
	}
	p->meets_deadline = isnan(deadline) || ends_by(&p->demand, deadline);
	return 0;
}

static void demand_copy(struct workload_demand *dst, const struct workload_demand *src)
{
	*dst = *src;
	dst->accelerator = xstrdup_or_null(src->accelerator);
	dst->notes = xstrdup_or_null(src->notes);
}

int optimize_replica_instances(const struct workload_demand *d, int per_instance,
			       const struct accelerator *acc, double fabric_gbps, int *instances,
			       int *spot_instances)
{
	int tp = d->tensor_parallel > 0 ? d->tensor_parallel : 1;
	int per_replica = d->gpus_per_replica > 0 ? d->gpus_per_replica : tp;
	int usable, replica_instances = 1;   /* instances one replica spans */

	/* A replica must fit one instance: tensor parallelism stays on a node. */
	if (tp > per_instance) {
		error_set("a replica needs %d x %s (tensor parallel) but one instance holds %d",
			  tp, acc->name, per_instance);
		return -1;
	}
	usable = per_instance / tp * tp;   /* whole tensor-parallel groups fit these */
	if (per_replica <= usable) {   /* one instance holds one replica or several */
		int per = usable / per_replica;

		*instances = (d->replicas + per - 1) / per;
	} else {   /* pipeline stages or expert groups on instances of its own */
		replica_instances = (per_replica + usable - 1) / usable;
		*instances = d->replicas * replica_instances;
	}
	/* On spot one instance may be taken back, and with it every replica it holds
	 * a part of: one more replica's instances keep the replicas the SLO needs. */
	*spot_instances = *instances + replica_instances;
	/* As for training: without a cluster fabric nothing spans instances. */
	if (replica_instances > 1 && !(fabric_gbps > 0)) {
		error_set("a replica of %d %s spans %d x %d-%s instances: no cluster fabric",
			  per_replica, acc->name, replica_instances, per_instance, chip_word(acc));
		return -1;
	}
	return 0;
}

/* Does one replica of D take more than one instance of PER_INSTANCE? */
static bool spans_instances(const struct workload_demand *d, int per_instance,
			    const struct accelerator *acc)
{
	int instances, spot_instances;

	if (optimize_replica_instances(d, per_instance, acc, 1, &instances, &spot_instances) < 0) {
		error_clear();
		return false;   /* a tensor-parallel group larger than the instance */
	}
	return spot_instances - instances > 1;
}

/*
 * A service, or a batch job (the model sizes its replicas to finish the requests
 * by the deadline, and it is paid for its wall time): replicas on whole
 * instances (optimize_replica_instances). Without a fabric (plan_for) the
 * model's answer on the accelerator's own figures when a replica stays on one
 * instance, else its answer on one server's layouts (a mixture of experts one
 * server holds runs there, on more accelerators than experts spread over
 * servers would take), else the reason it cannot; computed once per accelerator.
 * A replica that spans instances runs over the offers' fabric: its pipeline
 * activations and expert all-to-all at that fabric's bandwidth, so the model
 * answers again for it.
 */
static int plan_inference(const struct scan_state *st, struct optimize_plan *p,
			  const struct accelerator *acc)
{
	size_t i = (size_t)(acc - st->search->accelerators);
	const struct workload_demand *spread = &st->search->demands[i];

	if (p->fabric_gbps > 0) {
		struct accelerator over;

		optimize_fabric_accelerator(acc, p->per_instance, p->fabric_gbps, &over);
		if (workload_demand(st->w, &over, &p->demand) < 0)
			return -1;
	} else if (!st->search->local_reason[i] && spans_instances(spread, p->per_instance, acc)) {
		demand_copy(&p->demand, &st->search->local[i]);
		if (p->demand.gpus > spread->gpus) {
			p->confined_from = spread->gpus;
			p->confined_experts = spread->expert_parallel > 1;
		}
	} else {
		demand_copy(&p->demand, spread);
	}
	p->instances = p->spot_instances = 0;
	if (optimize_replica_instances(&p->demand, p->per_instance, acc, p->fabric_gbps,
				       &p->instances, &p->spot_instances) < 0) {
		p->replica_instances = p->spot_instances - p->instances;
		workload_demand_release(&p->demand);
		return -1;
	}
	p->replica_instances = p->spot_instances - p->instances;
	p->gpus = p->demand.gpus;
	if (st->w->kind == WORKLOAD_BATCH_INFERENCE) {
		double left = horizon_hours_left(st->s, st->w);

		if (!ends_by(&p->demand, left)) {
			error_set("%d x %s: %.0f h, past the horizon's %.0f h", p->gpus, acc->name,
				  p->demand.wall_hours, left);
			workload_demand_release(&p->demand);
			return -1;
		}
		p->meets_deadline = isnan(st->w->inference.deadline_hours) ||
			ends_by(&p->demand, st->w->inference.deadline_hours);
		return 0;
	}
	p->meets_deadline = true;
	return 0;
}

static const struct accelerator *find_accelerator(const struct optimize_search *search,
						  const char *name)
{
	for (size_t i = 0; i < search->naccelerators; i++)
		if (strcmp(search->accelerators[i].name, name) == 0)
			return &search->accelerators[i];
	return NULL;
}

static size_t plan_hash(const char *accelerator, int per, double gbps)
{
	size_t h = 1469598103934665603ULL;

	for (const unsigned char *c = (const unsigned char *)accelerator; *c; c++)
		h = (h ^ *c) * 1099511628211ULL;
	h = (h ^ (size_t)per) * 1099511628211ULL;
	return (h ^ (size_t)gbps) * 1099511628211ULL;
}

static void index_insert(struct optimize_search *search, size_t plan)
{
	const struct optimize_plan *p = &search->plans[plan];
	size_t i = plan_hash(p->accelerator, p->per_instance, p->fabric_gbps) & search->index_mask;

	while (search->index[i] != SIZE_MAX)
		i = (i + 1) & search->index_mask;
	search->index[i] = plan;
}

/*
 * The plan of ACCELERATOR on instances of PER, joined by INTERCONNECT at GBPS
 * (0: jobs stay on one instance), computed the first time it is asked for.
 */
static struct optimize_plan *plan_at(const struct scan_state *st, const char *accelerator,
				     int per, const char *interconnect, double gbps)
{
	struct optimize_search *search = st->search;
	size_t i = plan_hash(accelerator, per, gbps) & search->index_mask;
	const struct accelerator *acc;
	struct optimize_plan *p;
	int rc;

	for (; search->index[i] != SIZE_MAX; i = (i + 1) & search->index_mask) {
		p = &search->plans[search->index[i]];
		if (p->per_instance == per && p->fabric_gbps == gbps &&
		    strcmp(p->accelerator, accelerator) == 0 &&
		    strcmp(p->interconnect ? p->interconnect : "", interconnect ? interconnect : "") == 0)
			return p;
	}
	if (2 * (search->nplans + 1) > search->index_mask + 1) {   /* at most half full */
		free(search->index);
		search->index_mask = 2 * search->index_mask + 1;
		search->index = xmalloc((search->index_mask + 1) * sizeof(*search->index));
		memset(search->index, 0xff, (search->index_mask + 1) * sizeof(*search->index));
		for (size_t k = 0; k < search->nplans; k++)
			index_insert(search, k);
	}
	xgrow(&search->plans, &search->plans_alloc, search->nplans + 1, sizeof(*search->plans));
	p = &search->plans[search->nplans];
	memset(p, 0, sizeof(*p));
	p->accelerator = xstrdup(accelerator);
	p->per_instance = per;
	p->fabric_gbps = gbps;
	p->interconnect = xstrdup_or_null(interconnect);
	acc = find_accelerator(search, accelerator);
	if (!acc) {
		error_set("%s: no specifications in the price store", accelerator);
		rc = -1;
	} else {
		rc = st->w->kind == WORKLOAD_TRAINING ? plan_training(st, p, acc) :
			plan_inference(st, p, acc);
	}
	if (rc < 0) {
		p->reason = xstrdup(error_get());
		error_clear();
	} else {
		p->fits = true;
	}
	index_insert(search, search->nplans++);
	return p;
}

/*
 * The plan for offers like O. The fabric tells plans apart for training, and
 * for a service or batch job whose replica spans several instances of O's size
 * (one that stays on one instance has the same plan on every fabric, or none).
 */
static struct optimize_plan *plan_for(const struct scan_state *st, const struct offer *o)
{
	double gbps = fabric_spans_instances(o->interconnect, o->interconnect_gbps) ?
		o->interconnect_gbps : 0;
	struct optimize_plan *p;

	if (st->w->kind == WORKLOAD_TRAINING)
		return plan_at(st, o->accelerator, o->accelerator_count, o->interconnect, gbps);
	p = plan_at(st, o->accelerator, o->accelerator_count, NULL, 0);
	if ((p->replica_instances <= 1 && !p->confined_from) || gbps == 0)
		return p;
	return plan_at(st, o->accelerator, o->accelerator_count, o->interconnect, gbps);
}

/* ---- the filters, decided once per provider and region ---- */

/* Is TEXT one of the comma-separated LIST's items (globs when GLOB)? */
static bool listed(const char *list, const char *text, bool glob)
{
	char **items;
	size_t n;
	bool match = false;

	if (!list || !*list)
		return true;
	if (!text)
		return false;
	/* "us-east-1, eastus": spaces around items */
	n = str_split(list, ',', SPLIT_TRIM | SPLIT_SKIP_EMPTY, &items);
	for (size_t i = 0; i < n && !match; i++)
		match = glob ? fnmatch(items[i], text, FNM_CASEFOLD) == 0 :
			str_ieq(items[i], text);
	str_list_free(items, n);
	return match;
}

static bool constraints_allow(const struct constraints *c, const char *provider,
			      const char *region)
{
	bool ok = c->nproviders == 0;

	for (size_t i = 0; i < c->nproviders && !ok; i++)
		ok = str_ieq(c->providers[i], provider);
	if (!ok)
		return false;
	if (c->nregions == 0)
		return true;
	for (size_t i = 0; i < c->nregions; i++)
		if (scenario_region_allowed(region, c->regions[i]))
			return true;
	return false;
}

/* The store asks once per current provider and region (offer_scan.allow). */
static bool allow(void *ctx, const char *provider, const char *region)
{
	struct scan_state *st = ctx;
	bool ok = listed(st->opts->providers, provider, false) &&
		listed(st->opts->regions, region, true) &&
		constraints_allow(&st->s->constraints, provider, region);

	st->pairs++;
	st->allowed += ok;
	return ok;
}

/* ---- one offer ---- */

/* Hours an inference workload serves within the horizon. */
static double inference_active_hours(const struct scenario *s, const struct workload *w)
{
	double start = isnan(w->start_hours) ? 0 : w->start_hours;
	double end = s->horizon_months * HOURS_PER_MONTH;

	if (!isnan(w->duration_hours))
		end = fmin(end, start + w->duration_hours);
	return end - start;
}

/* Best first; with NAMES false, a tie of cost is 0 (the offers' strings unread). */
static int compare_candidates(const struct candidate *a, const struct candidate *b,
			      const struct optimize_search *search, bool names)
{
	bool meets_a = search->plans[a->plan].meets_deadline;
	bool meets_b = search->plans[b->plan].meets_deadline;
	int rc;

	if (meets_a != meets_b)
		return meets_a ? -1 : 1;
	if (a->cost_usd != b->cost_usd)
		return a->cost_usd < b->cost_usd ? -1 : 1;
	if (!names)
		return 0;
	if ((rc = strcmp(a->offer.provider, b->offer.provider)) != 0)
		return rc;
	if ((rc = strcmp(a->offer.region, b->offer.region)) != 0)
		return rc;
	if ((rc = strcmp(a->offer.instance_type, b->offer.instance_type)) != 0)
		return rc;
	if ((rc = strcmp(a->offer.purchase, b->offer.purchase)) != 0)
		return rc;
	return strcmp(a->offer.zone ? a->offer.zone : "", b->offer.zone ? b->offer.zone : "");
}

/* Prices O on plan P into C (C's offer still the store's). */
static void price(const struct scan_state *st, const struct optimize_plan *p,
		  const struct offer *o, struct candidate *c)
{
	const struct workload_demand *d = &p->demand;
	double rented = (double)p->instances * p->per_instance;
	double term = purchase_term_hours(o->purchase);
	bool spot = strcmp(o->purchase, "spot") == 0;

	c->per_gpu_hour = o->price_per_hour * st->factor / o->accelerator_count;
	c->instances = p->instances;
	if (workload_is_job(st->w)) {
		/* A commitment bills its whole term for every GPU rented, used or not;
		 * spot redoes the work its interruptions throw away. */
		c->billed_gpu_hours = rented * fmax(d->wall_hours, term);
		if (spot) {
			double rate = offer_interruptions_per_day(o);

			c->billed_gpu_hours *= 1 + spot_recompute_fraction(st->w, d,
				isnan(rate) ? SPOT_INTERRUPTIONS_PER_DAY_DEFAULT : rate,
				o->accelerator_count);
		}
		c->cost_usd = c->billed_gpu_hours * c->per_gpu_hour;
		c->total = c->cost_usd;
	} else {
		double active = inference_active_hours(st->s, st->w);

		if (spot) {   /* only when allowed: with a spare instance */
			c->instances = p->spot_instances;
			rented = (double)c->instances * p->per_instance;
		}
		/* A commitment bills its whole term, even past the service's end. */
		c->billed_gpu_hours = rented * HOURS_PER_MONTH;
		if (active > 0 && term > active)
			c->billed_gpu_hours *= term / active;
		c->cost_usd = c->billed_gpu_hours * c->per_gpu_hour;
		c->total = active > 0 ? c->cost_usd * active / HOURS_PER_MONTH : 0;
	}
}

/* Keeps C if it is among the best `top`; takes a copy of its offer (completed) then. */
static int keep(const struct scan_state *st, struct candidate *c, struct offer *o)
{
	struct optimize_search *search = st->search;
	size_t top = st->opts->top, at;
	const struct candidate *worst = search->n ? &search->items[search->n - 1] : NULL;

	/* Cheaper than the worst kept, or as cheap (the names break the tie), or room. */
	if (search->n == top && compare_candidates(c, worst, search, false) > 0)
		return 0;
	if (db_scan_complete(st->scanner, o) < 0)
		return -1;
	c->offer = *o;   /* compared while still the store's */
	if (search->n == top && compare_candidates(c, worst, search, true) >= 0)
		return 0;
	for (at = search->n; at > 0 && compare_candidates(c, &search->items[at - 1], search, true) < 0;
	     at--)
		;
	if (search->n == top)
		candidate_release(&search->items[--search->n]);
	memmove(&search->items[at + 1], &search->items[at], (search->n - at) * sizeof(*c));
	offer_copy(&search->items[at].offer, &c->offer);
	search->items[at].plan = c->plan;
	search->items[at].per_gpu_hour = c->per_gpu_hour;
	search->items[at].cost_usd = c->cost_usd;
	search->items[at].total = c->total;
	search->items[at].billed_gpu_hours = c->billed_gpu_hours;
	search->items[at].instances = c->instances;
	search->items[at].why = NULL;
	search->n++;
	return 0;
}

/* Could an offer of cost at least LEAST still enter the best `top`? */
static bool may_enter(const struct scan_state *st, double least)
{
	const struct optimize_search *search = st->search;
	const struct candidate *worst;

	if (search->n < st->opts->top)
		return true;
	worst = &search->items[search->n - 1];
	/* An offer that meets the deadline outranks one that does not, at any cost. */
	return !search->plans[worst->plan].meets_deadline || least <= worst->cost_usd;
}

/*
 * Counts N offers of ACCELERATOR turned down for REASON; O, one of them (the
 * store's), is kept when it is the cheapest per accelerator-hour so far.
 */
static void reject(const struct scan_state *st, const char *accelerator, const char *reason,
		   size_t n, const struct offer *o)
{
	struct optimize_search *search = st->search;
	struct optimize_rejection *r = NULL;
	double per = o->price_per_hour * st->factor / o->accelerator_count;

	for (size_t i = 0; i < search->nrejections && !r; i++)
		if (strcmp(search->rejections[i].reason, reason) == 0 &&
		    strcmp(search->rejections[i].accelerator, accelerator) == 0)
			r = &search->rejections[i];
	if (!r) {
		xgrow(&search->rejections, &search->rejections_alloc, search->nrejections + 1,
		      sizeof(*search->rejections));
		r = &search->rejections[search->nrejections++];
		memset(r, 0, sizeof(*r));
		r->accelerator = xstrdup(accelerator);
		r->reason = xstrdup(reason);
		r->per_gpu_hour = INFINITY;
	}
	r->offers += n;
	if (per < r->per_gpu_hour) {
		offer_release(&r->cheapest);
		offer_copy(&r->cheapest, o);
		r->per_gpu_hour = per;
	}
}

/* One offer of the group being read (db_scan_group). */
static int consider(void *ctx, struct offer *o)
{
	struct scan_state *st = ctx;
	struct optimize_search *search = st->search;
	struct optimize_plan *p;
	struct candidate c = { 0 };

	/* Cheapest first: once one cannot enter, none of the rest of the group can;
	 * a group of rows stored without a fabric is read on to count what fails. */
	if (!st->counting && !may_enter(st, o->price_per_hour * st->least_per_price)) {
		if (!st->legacy)
			return 1;
		st->counting = true;
	}
	if (!st->counting)
		search->searched++;
	p = st->legacy ? plan_for(st, o) : &search->plans[st->plan];
	if (!p->fits) {   /* rows stored without a fabric are complete already */
		reject(st, o->accelerator, p->reason, 1, o);
		return 0;
	}
	if (st->counting)
		return 0;
	search->qualified++;
	c.plan = (size_t)(p - search->plans);
	if (strcmp(o->purchase, "spot") == 0 && db_scan_complete(st->scanner, o) < 0)
		return -1;   /* its interruption rate */
	price(st, p, o, &c);
	c.offer = *o;
	return keep(st, &c, o) < 0 ? -1 : 0;
}

/* ---- why, for people ---- */

static const char *interconnect_label(const char *name)
{
	static const struct { const char *name, *label; } labels[] = {
		{ "efa", "EFA" }, { "infiniband", "InfiniBand" },
		{ "gpudirect-tcpx", "GPUDirect-TCPX" }, { "gpudirect-tcpxo", "GPUDirect-TCPXO" },
		{ "gpudirect-rdma", "GPUDirect RDMA" }, { "roce", "RoCE" },
		{ "ici-dcn", "the data-center network between TPU slices" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		if (strcmp(labels[i].name, name) == 0)
			return labels[i].label;
	return name;
}

/* A job's spot restarts, or the commitment term it pays past its end. */
static void job_billing(struct strbuf *why, const struct optimize_plan *p,
			const struct candidate *c)
{
	const struct offer *o = &c->offer;

	if (strcmp(o->purchase, "spot") == 0)
		strbuf_addf(why, "; %.0f GPU-h with spot restarts", c->billed_gpu_hours);
	else if (c->billed_gpu_hours > (double)p->instances * o->accelerator_count *
		 p->demand.wall_hours * (1 + 1e-9))
		strbuf_addf(why, "; the %s term bills %.0f GPU-h", o->purchase,
			    c->billed_gpu_hours);
}

/*
 * A replica that spans instances: over which fabric; one kept on one server for
 * want of a fabric: what spanning servers would have saved.
 */
static void replica_fabric(struct strbuf *why, const struct optimize_plan *p,
			   const struct offer *o)
{
	if (p->replica_instances > 1)
		strbuf_addf(why, "; a replica spans %d x %s over %s %.0f Gb/s",
			    p->replica_instances, o->instance_type,
			    interconnect_label(p->interconnect), p->fabric_gbps);
	else if (p->confined_from > 0)
		strbuf_addf(why, "; each replica on one server: no cluster fabric (%s over "
			    "servers would take %d GPUs)", p->confined_experts ?
			    "experts spread" : "a pipeline", p->confined_from);
}

static char *explain(const struct workload *w, const struct optimize_plan *p,
		     const struct candidate *c)
{
	const struct workload_demand *d = &p->demand;
	const struct offer *o = &c->offer;
	struct strbuf why = STRBUF_INIT;

	if (w->kind == WORKLOAD_TRAINING) {
		if (p->instances > 1)
			strbuf_addf(&why, "%d x %s over %s %.0f Gb/s: ", p->instances,
				    o->instance_type, interconnect_label(p->interconnect),
				    p->fabric_gbps);
		strbuf_addf(&why, "%d x %s: %.0f GPU-h in %.0f h", d->gpus, o->accelerator,
			    d->gpu_hours, d->wall_hours);
		if (!isnan(w->training.deadline_hours))
			strbuf_addf(&why, p->meets_deadline ? " <= deadline %.0f h" :
				    " MISSES the deadline of %.0f h", w->training.deadline_hours);
		if (p->sized)
			strbuf_addf(&why, " (the fewest %s that do)", o->instance_type);
		if (p->slowdown > 1.0005)
			strbuf_addf(&why, "; mfu %.0f%% on an ideal fabric, %.1f%% over this one (each "
				    "step x%.3f)", w->training.mfu * 100, d->assumptions.mfu * 100,
				    p->slowdown);
		if (d->memory_needed_gb > 0)
			strbuf_addf(&why, "; state %.0f GB fits %d x %.0f GB", d->memory_needed_gb,
				    d->gpus, o->accelerator_memory_gb);
		if (d->gpus % o->accelerator_count != 0)
			strbuf_addf(&why, "; %d whole instances", p->instances);
		job_billing(&why, p, c);
	} else if (w->kind == WORKLOAD_BATCH_INFERENCE) {
		format_grouped(&why, w->inference.requests, 0);
		strbuf_addf(&why, " requests by %d replica%s of TP %d", d->replicas,
			    d->replicas == 1 ? "" : "s", d->tensor_parallel);
		if (d->pipeline_parallel > 1)
			strbuf_addf(&why, " x PP %d", d->pipeline_parallel);
		if (d->expert_parallel > 1)
			strbuf_addf(&why, " x EP %d", d->expert_parallel);
		strbuf_addf(&why, " at batch %d on %d x %s: %.0f GPU-h in %.1f h", d->batch,
			    p->instances, o->instance_type, d->gpu_hours, d->wall_hours);
		if (!isnan(w->inference.deadline_hours))
			strbuf_addf(&why, p->meets_deadline ? " <= deadline %.0f h" :
				    " MISSES the deadline of %.0f h", w->inference.deadline_hours);
		replica_fabric(&why, p, o);
		job_billing(&why, p, c);
	} else {
		strbuf_addf(&why, "weights %.0f GB on TP %d of %d x %.0f GB", d->weights_gb,
			    d->tensor_parallel, o->accelerator_count, o->accelerator_memory_gb);
		if (d->pipeline_parallel > 1)
			strbuf_addf(&why, " x PP %d instances", d->pipeline_parallel);
		if (d->expert_parallel > 1)
			strbuf_addf(&why, ", experts spread over %d GPUs", d->expert_parallel);
		strbuf_addf(&why, ", %d replica%s", d->replicas, d->replicas == 1 ? "" : "s");
		if (d->gpus % o->accelerator_count != 0)
			strbuf_addf(&why, " (%d GPUs) on %d whole instance%s", d->gpus,
				    p->instances, p->instances > 1 ? "s" : "");
		replica_fabric(&why, p, o);
		if (strcmp(o->purchase, "spot") == 0)
			strbuf_addf(&why, "; spot with a spare: %d instance%s, so that the SLO holds "
				    "when one is taken back", c->instances, c->instances > 1 ? "s" : "");
		if (purchase_term_hours(o->purchase) > 0 && c->billed_gpu_hours >
		    (double)c->instances * o->accelerator_count * HOURS_PER_MONTH * (1 + 1e-9))
			strbuf_addf(&why, "; the %s term outlasts the service: %.0f GPU-h a month "
				    "over its run", o->purchase, c->billed_gpu_hours);
		if (!isnan(w->inference.slo_ttft_ms) || !isnan(w->inference.slo_tpot_ms) ||
		    !isnan(w->inference.slo_ttft_p95_ms) || !isnan(w->inference.slo_ttft_p99_ms) ||
		    !isnan(w->inference.slo_tpot_p95_ms))
			strbuf_addf(&why, "; meets the SLO (TTFT %.0f ms, p95 %.0f ms, TPOT %.1f ms)",
				    d->assumptions.ttft_ms, d->assumptions.ttft_p95_ms,
				    d->assumptions.tpot_ms);
	}
	if (o->confidence && strcmp(o->confidence, "exact") != 0)
		strbuf_addf(&why, "; price %s", o->confidence);
	return strbuf_detach(&why, NULL);
}

/* ---- the search ---- */

/*
 * W on A's layouts within one server (an offer without a cluster fabric): SPREAD
 * (W on A over its own network figures) when that stays on one server, else the
 * model asked again without multi-server layouts; *REASON (allocated) when no
 * one-server layout serves it.
 */
static void one_server_demand(const struct workload *w, const struct accelerator *a,
			      const struct workload_demand *spread, struct workload_demand *out,
			      char **reason)
{
	struct accelerator alone = *a;

	*reason = NULL;
	if (spread->pipeline_parallel <= 1 && spread->expert_parallel <= 1) {
		demand_copy(out, spread);
		return;
	}
	alone.no_cluster_fabric = true;
	if (workload_demand(w, &alone, out) == 0)
		return;
	*reason = xstrdup(error_get());
	error_clear();
	memset(out, 0, sizeof(*out));
}

/*
 * The accelerators the workload might run on: inference where the model accepts
 * it (its answers kept, with a cluster fabric and on one server); training where
 * it has a peak and memory (the count comes later).
 */
static int candidate_accelerators(struct db *db, const struct workload *w,
				  struct optimize_search *search)
{
	struct accelerator_list all = { 0 };
	size_t alloc = 0, demands_alloc = 0, local_alloc = 0, reason_alloc = 0;

	if (db_list_accelerators(db, &all) < 0)
		return -1;
	for (size_t i = 0; i < all.n; i++) {
		struct accelerator *a = &all.items[i];
		struct workload_demand d;
		bool usable = a->bf16_tflops > 0 && a->memory_gb > 0;

		if (usable && w->kind != WORKLOAD_TRAINING) {
			usable = workload_demand(w, a, &d) == 0;
			if (!usable)
				error_clear();
		}
		if (!usable)
			continue;
		if (w->kind != WORKLOAD_TRAINING) {   /* kept for every plan on it */
			xgrow(&search->demands, &demands_alloc, search->naccelerators + 1,
			      sizeof(*search->demands));
			search->demands[search->naccelerators] = d;
			xgrow(&search->local, &local_alloc, search->naccelerators + 1,
			      sizeof(*search->local));
			xgrow(&search->local_reason, &reason_alloc, search->naccelerators + 1,
			      sizeof(*search->local_reason));
			one_server_demand(w, a, &d, &search->local[search->naccelerators],
					  &search->local_reason[search->naccelerators]);
		}
		xgrow(&search->accelerators, &alloc, search->naccelerators + 1,
		      sizeof(*search->accelerators));
		search->accelerators[search->naccelerators++] = *a;
		memset(a, 0, sizeof(*a));   /* moved */
	}
	accelerator_list_release(&all);
	return 0;
}

/* One group of offers to read and the least any of its offers can cost. */
struct group {
	const struct accelerator *acc;
	struct offer_group g;
	size_t plan;                 /* its plan (a group of rows without a fabric: the
					plan on an ideal fabric, a bound for all of them) */
	double least_per_price;      /* cost ÷ store price: a lower bound for the group */
	double least;                /* least_per_price × its lowest price */
};

static int by_least(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	if (a->least != b->least)
		return a->least < b->least ? -1 : 1;
	if (a->g.min_price != b->g.min_price)
		return a->g.min_price < b->g.min_price ? -1 : 1;
	return strcmp(a->acc->name, b->acc->name);
}

/*
 * G's plan and the lowest cost per unit of price any of its offers can have:
 * spot with no interruptions; rows stored without a fabric on an ideal one (no
 * slower than any real one, so no more GPU-hours, no more instances). +INF when
 * the plan cannot run the workload: then none of the group can.
 */
static double least_per_price(const struct scan_state *st, struct group *g)
{
	struct offer probe = { 0 };
	struct optimize_plan *p;
	struct candidate c = { 0 };

	probe.accelerator = g->acc->name;
	probe.accelerator_count = g->g.accelerator_count;
	probe.purchase = (char *)g->g.purchase;
	probe.price_per_hour = 1;
	probe.interruptions_per_month = 0;
	probe.interconnect = g->g.interconnect ? (char *)g->g.interconnect : "(ideal)";
	probe.interconnect_gbps = g->g.interconnect ? g->g.interconnect_gbps : 1e9;
	p = plan_for(st, &probe);
	g->plan = (size_t)(p - st->search->plans);
	if (!p->fits)
		return INFINITY;
	price(st, p, &probe, &c);
	return c.cost_usd;
}

/* Counts the whole of group G as turned down for REASON. */
static int reject_group(struct scan_state *st, const struct group *g, const char *reason)
{
	struct offer cheapest;
	size_t n;

	if (db_scan_count(st->scanner, g->acc->name, &g->g, &n, &cheapest) < 0)
		return -1;
	if (n > 0)
		reject(st, g->acc->name, reason, n, &cheapest);
	return 0;
}

static int by_offers(const void *x, const void *y)
{
	const struct optimize_rejection *a = x, *b = y;
	int rc;

	if (a->offers != b->offers)
		return a->offers > b->offers ? -1 : 1;
	if ((rc = strcmp(a->accelerator, b->accelerator)) != 0)
		return rc;
	return strcmp(a->reason, b->reason);
}

/* Every group of every accelerator the workload might use, with its plan and bound. */
static int list_groups(struct scan_state *st, struct group **out, size_t *n)
{
	struct optimize_search *search = st->search;
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	for (size_t a = 0; a < search->naccelerators; a++) {
		struct offer_group *found;
		size_t nfound;

		if (db_scan_groups(st->scanner, search->accelerators[a].name, &found, &nfound) < 0)
			return -1;
		for (size_t i = 0; i < nfound; i++) {
			struct group *g;

			xgrow(out, &alloc, *n + 1, sizeof(**out));
			g = &(*out)[(*n)++];
			g->acc = &search->accelerators[a];
			g->g = found[i];
			g->plan = SIZE_MAX;
			g->least_per_price = g->least = INFINITY;
			/* Spot does not serve a latency SLO unless allowed: counted, not read. */
			if (search->note && strcmp(g->g.purchase, "spot") == 0)
				continue;
			g->least_per_price = least_per_price(st, g);
			g->least = g->least_per_price * g->g.min_price;
		}
		free(found);
	}
	return 0;
}

int optimize_run(struct db *db, const struct scenario *s, size_t workload,
		 const struct optimize_options *opts, struct optimize_search *search)
{
	const struct workload *w = &s->workloads[workload];
	struct scan_state st = { 0 };
	struct offer_scan scan = { 0 };
	struct group *groups = NULL;
	size_t ngroups = 0;
	int rc = -1;

	memset(search, 0, sizeof(*search));
	st.db = db;
	st.s = s;
	st.w = w;
	st.opts = opts;
	st.search = search;
	st.factor = opts->price_factor > 0 ? opts->price_factor : 1;
	search->index_mask = 63;
	search->index = xmalloc((search->index_mask + 1) * sizeof(*search->index));
	memset(search->index, 0xff, (search->index_mask + 1) * sizeof(*search->index));
	search->items = xcalloc(opts->top + 1, sizeof(*search->items));
	if (candidate_accelerators(db, w, search) < 0)
		goto cleanup;
	st.latency_bound = w->kind == WORKLOAD_INFERENCE &&
		(!isnan(w->inference.slo_ttft_ms) || !isnan(w->inference.slo_tpot_ms));
	if (st.latency_bound && !w->inference.allow_spot)
		search->note = xstrdup("spot left out: a reclaimed instance breaks the latency SLO "
				       "(allow_spot: true offers it with a spare instance)");
	/* Providers, regions and constraints: decided here once per region, matched in SQL. */
	scan.allow = allow;
	scan.ctx = &st;
	if (opts->max_per_gpu_hour > 0)
		scan.max_price_per_accelerator_hour = opts->max_per_gpu_hour / st.factor;
	st.scanner = db_scan_begin(db, &scan);
	if (!st.scanner)
		goto cleanup;
	if (st.pairs > 0 && st.allowed == 0 && !search->note)
		search->note = xstrdup("no region of the store passes the providers, regions and "
				       "constraints asked for");
	if (list_groups(&st, &groups, &ngroups) < 0)
		goto cleanup;
	/* The most promising first, so that the best `top` fill early and the rest stop soon. */
	if (ngroups > 1)
		sort_array(groups, ngroups, sizeof(*groups), by_least);
	for (size_t i = 0; i < ngroups; i++) {
		const struct group *g = &groups[i];

		if (g->plan == SIZE_MAX) {
			if (reject_group(&st, g, "spot: a reclaimed instance breaks the latency SLO "
					 "(allow_spot: true offers it with a spare instance)") < 0)
				goto cleanup;
			continue;
		}
		if (g->g.interconnect && !search->plans[g->plan].fits) {
			if (reject_group(&st, g, search->plans[g->plan].reason) < 0)
				goto cleanup;
			continue;
		}
		/* A group that cannot enter costs more than the best: its offers qualify, but
		 * are not read. Rows without a fabric are read to the end to count failures. */
		st.legacy = !g->g.interconnect;
		st.counting = !isfinite(g->least) || !may_enter(&st, g->least);
		if (st.counting && !st.legacy)
			continue;
		st.plan = g->plan;
		st.least_per_price = g->least_per_price;
		if (db_scan_group(st.scanner, g->acc->name, &g->g, consider, &st) < 0)
			goto cleanup;
	}
	for (size_t i = 0; i < search->n; i++) {
		struct candidate *c = &search->items[i];
		const struct accelerator *acc = find_accelerator(search, c->offer.accelerator);

		c->offer.accelerator_memory_gb = acc ? acc->memory_gb : 0;
		c->offer.bf16_tflops = acc ? acc->bf16_tflops : 0;
		c->why = explain(w, &search->plans[c->plan], c);
	}
	if (search->nrejections > 1)
		sort_array(search->rejections, search->nrejections, sizeof(*search->rejections),
			   by_offers);
	rc = 0;
cleanup:
	db_scan_end(st.scanner);
	free(groups);
	return rc;
}
