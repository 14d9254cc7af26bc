/*
 * Resolving a scenario against the price store: every price, tier and demand
 * that the pure engine (tco.c) needs. The only part of the engine that reads the
 * store; what it has to assume is written to the notes.
 */
#include "tco.h"
#include "fabric.h"
#include "price-lookup.h"
#include "table.h"   /* format_grouped */
#include "units.h"   /* HOURS_PER_MONTH */
#include "util.h"

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

/* The most accelerators one instance holds (as the fetchers accept). */
#define MAX_INSTANCE_ACCELERATORS 64

/* A typical price off on-demand when the store has none for an option (noted). */
static double assumed_fraction_of_on_demand(const char *option)
{
	if (strcmp(option, "spot") == 0)
		return 0.30;
	if (str_ends_with(option, "-1y"))
		return 0.65;
	if (str_ends_with(option, "-3y"))
		return 0.45;
	return 1;
}

/* The accelerator a deployment runs every workload on. */
static const char *deployment_accelerator(const struct scenario *s, const struct deployment *d)
{
	if (d->kind == DEPLOYMENT_HYBRID) {
		const struct deployment *base = scenario_find_deployment(s, d->base);

		return base ? deployment_accelerator(s, base) : NULL;
	}
	if (d->accelerator)
		return d->accelerator;
	for (size_t i = 0; i < s->nworkloads; i++)
		if (s->workloads[i].accelerator)
			return s->workloads[i].accelerator;
	return NULL;
}

struct priced_offer {
	bool found;
	double per_gpu_hour;
	int accelerators;
	char *accelerator;
	char *instance_type;
	char *provider;
	char *region;
	char *purchase;
	char *observed;
	double interruptions_per_month;   /* NAN when the store has none */
	double interruptions_per_day;
	bool no_cluster_fabric;           /* no network joins its instances (fabric.h) */
};

static void priced_offer_release(struct priced_offer *o)
{
	free(o->accelerator);
	free(o->instance_type);
	free(o->provider);
	free(o->region);
	free(o->purchase);
	free(o->observed);
	memset(o, 0, sizeof(*o));
}

static void priced_offer_copy(struct priced_offer *to, const struct priced_offer *from)
{
	*to = *from;
	to->accelerator = xstrdup_or_null(from->accelerator);
	to->instance_type = xstrdup_or_null(from->instance_type);
	to->provider = xstrdup_or_null(from->provider);
	to->region = xstrdup_or_null(from->region);
	to->purchase = xstrdup_or_null(from->purchase);
	to->observed = xstrdup_or_null(from->observed);
}

/*
 * What one tco_prepare has looked up already: deployments that ask the same
 * question (a cloud that is also a fallback or a burst, several deployments on
 * one chip) ask the store and the performance models once. Nothing outside the
 * run changes these answers while it lasts.
 */
struct prepare_memo {
	struct memo_offer {
		char *key;                          /* the lookup's arguments, offer_key */
		struct priced_offer offer;
	} *offers;
	size_t noffers, offers_alloc;
	struct memo_demand {
		const struct workload *workload;
		char *accelerator;                  /* canonical name */
		double scaleup_gb_s, scaleout_gb_s; /* after the deployment's overrides */
		bool no_cluster_fabric;
		int scaleup_domain;                 /* the offer's instance when confined to it */
		struct workload_demand demand;
	} *demands;
	size_t ndemands, demands_alloc;
	struct memo_chip {
		char *name;                         /* as asked for */
		struct accelerator acc;
	} *chips;
	size_t nchips, chips_alloc;
};

static void prepare_memo_release(struct prepare_memo *m)
{
	for (size_t i = 0; i < m->noffers; i++) {
		free(m->offers[i].key);
		priced_offer_release(&m->offers[i].offer);
	}
	free(m->offers);
	for (size_t i = 0; i < m->ndemands; i++) {
		free(m->demands[i].accelerator);
		workload_demand_release(&m->demands[i].demand);
	}
	free(m->demands);
	for (size_t i = 0; i < m->nchips; i++) {
		free(m->chips[i].name);
		accelerator_release(&m->chips[i].acc);
	}
	free(m->chips);
	memset(m, 0, sizeof(*m));
}

/* db_find_accelerator, or a copy of what it answered before for NAME (MEMO may be NULL). */
static int find_chip(struct db *db, struct prepare_memo *memo, const char *name,
		     struct accelerator *out)
{
	struct memo_chip *m;

	for (size_t i = 0; memo && i < memo->nchips; i++)
		if (strcmp(memo->chips[i].name, name) == 0) {
			accelerator_copy(out, &memo->chips[i].acc);
			return 0;
		}
	if (db_find_accelerator(db, name, out) < 0)
		return -1;
	if (!memo)
		return 0;
	xgrow(&memo->chips, &memo->chips_alloc, memo->nchips + 1, sizeof(*memo->chips));
	m = &memo->chips[memo->nchips++];
	m->name = xstrdup(name);
	accelerator_copy(&m->acc, out);
	return 0;
}

/* Each argument, a NULL told apart from any text. */
static void offer_key(struct strbuf *key, const char *const *args, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (args[i])
			strbuf_addf(key, "+%s", args[i]);
		strbuf_addch(key, '\x1f');
	}
}

void tco_prices_used_add(struct tco_prices_used *list, const char *deployment,
			 const struct tco_price_used *o)
{
	struct tco_price_used *to;

	for (size_t i = 0; i < list->n; i++) {
		const struct tco_price_used *u = &list->items[i];

		if ((u->deployment == deployment || (u->deployment && deployment &&
		     strcmp(u->deployment, deployment) == 0)) &&
		    strcmp(u->provider, o->provider) == 0 &&
		    strcmp(u->region, o->region) == 0 &&
		    strcmp(u->instance_type, o->instance_type) == 0 &&
		    strcmp(u->purchase, o->purchase) == 0)
			return;
	}
	xgrow(&list->items, &list->alloc, list->n + 1, sizeof(*list->items));
	to = &list->items[list->n++];
	to->deployment = xstrdup_or_null(deployment);
	to->provider = xstrdup(o->provider);
	to->region = xstrdup(o->region);
	to->instance_type = xstrdup(o->instance_type);
	to->purchase = xstrdup(o->purchase);
	to->observed = xstrdup(o->observed);
}

void tco_prices_used_release(struct tco_prices_used *list)
{
	for (size_t i = 0; i < list->n; i++) {
		struct tco_price_used *u = &list->items[i];

		free(u->deployment);
		free(u->provider);
		free(u->region);
		free(u->instance_type);
		free(u->purchase);
		free(u->observed);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* Remembers that P's figures came from offer O. */
static void note_used(struct cloud_pricing *p, const struct priced_offer *o)
{
	struct tco_price_used u = {
		NULL, o->provider, o->region, o->instance_type, o->purchase, o->observed
	};

	tco_prices_used_add(&p->used, NULL, &u);
}

/* Adds FROM's offers to TO as DEPLOYMENT's. */
static void take_used(struct tco_prices_used *to, const char *deployment,
		      const struct tco_prices_used *from)
{
	for (size_t i = 0; i < from->n; i++)
		tco_prices_used_add(to, deployment, &from->items[i]);
}

/*
 * The cheapest matching offer per accelerator-hour; found = false when none.
 * MEMO (or NULL) answers a question asked before.
 */
static int cheapest_offer(struct db *db, struct prepare_memo *memo, const char *provider,
			  const char *region, const char *instance, const char *accelerator,
			  const char *purchase, int min_accelerators, struct priced_offer *out)
{
	struct offer_filter filter = { 0 };
	struct offer_list list = { 0 };
	struct strbuf key = STRBUF_INIT;
	char min_text[16];

	memset(out, 0, sizeof(*out));
	filter.providers = provider;
	filter.region_glob = region;
	filter.instance_type = instance;
	filter.accelerator = instance ? NULL : accelerator;
	filter.purchase = purchase;
	filter.min_accelerators = min_accelerators;
	snprintf(min_text, sizeof(min_text), "%d", min_accelerators);
	if (memo) {
		const char *args[] = { provider, region, instance, filter.accelerator, purchase,
				       min_text };

		offer_key(&key, args, ARRAY_SIZE(args));
		for (size_t i = 0; i < memo->noffers; i++)
			if (strcmp(memo->offers[i].key, key.buf) == 0) {
				priced_offer_copy(out, &memo->offers[i].offer);
				strbuf_release(&key);
				return 0;
			}
	}
	if (db_query_offers(db, &filter, &list) < 0) {
		strbuf_release(&key);
		return -1;
	}
	for (size_t i = 0; i < list.n; i++) {
		const struct offer *o = &list.items[i];
		double per_gpu_hour;

		if (o->accelerator_count < 1)
			continue;
		per_gpu_hour = o->price_per_hour / o->accelerator_count;
		if (!out->found || per_gpu_hour < out->per_gpu_hour) {
			priced_offer_release(out);
			out->found = true;
			out->per_gpu_hour = per_gpu_hour;
			out->accelerators = o->accelerator_count;
			out->accelerator = xstrdup(o->accelerator);
			out->instance_type = xstrdup(o->instance_type);
			out->provider = xstrdup(o->provider);
			out->region = xstrdup(o->region);
			out->purchase = xstrdup(o->purchase);
			out->observed = xstrdup(o->observed ? o->observed : "");
			out->interruptions_per_month = o->interruptions_per_month;
			out->interruptions_per_day = offer_interruptions_per_day(o);
			out->no_cluster_fabric = !fabric_spans_instances(o->interconnect,
									 o->interconnect_gbps);
		}
	}
	offer_list_release(&list);
	if (memo) {
		struct memo_offer *m;

		xgrow(&memo->offers, &memo->offers_alloc, memo->noffers + 1, sizeof(*memo->offers));
		m = &memo->offers[memo->noffers++];
		m->key = strbuf_detach(&key, NULL);
		priced_offer_copy(&m->offer, out);
	}
	return 0;
}

/* Adds a note once: a deployment priced for several roles notes its assumption once. */
static void add_note(struct strbuf *notes, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_note(struct strbuf *notes, const char *fmt, ...)
{
	struct strbuf line = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&line, fmt, ap);
	va_end(ap);
	if (!strstr(notes->buf, line.buf))
		strbuf_adds(notes, line.buf);
	strbuf_release(&line);
}

/* Each line of LINES (NULL: none) into NOTES, once. */
static void add_lines(struct strbuf *notes, const char *lines)
{
	while (lines && *lines) {
		size_t len = strcspn(lines, "\n") + 1;
		char *one = xstrndup(lines, len);

		add_note(notes, "%s", one);
		free(one);
		lines += len - (lines[len - 1] == '\0');
	}
}

static void where(struct strbuf *sb, const char *provider, const char *region)
{
	strbuf_addf(sb, "%s%s%s", provider, region ? "/" : "", region ? region : "");
}

/* Storage price of CLASS, or 0 with found = false. */
static double storage_price(struct db *db, const char *provider, const char *region,
			    const char *storage_class, double *retrieval_per_gb, bool *found)
{
	struct storage_price price = { 0 };
	double per_gb_month;

	if (db_storage_price(db, provider, region, storage_class, &price) < 0) {
		error_clear();
		*found = false;
		return 0;
	}
	*found = true;
	per_gb_month = price.price_per_gb_month;
	if (retrieval_per_gb)
		*retrieval_per_gb = price.retrieval_per_gb;
	storage_price_release(&price);
	return per_gb_month;
}

/* A parallel file system's throughput tiers, as storage classes of the store. */
static const struct { const char *storage_class; double mb_s_per_tib; }
parallel_fs_tiers_of_store[] = {
	{ "parallel-fs", 125 }, { "parallel-fs-250", 250 }, { "parallel-fs-500", 500 },
	{ "parallel-fs-1000", 1000 },
};

/* What a month's hot data costs on TIERS and how, for the notes: "the 1000 MB/s/TiB tier ...". */
static void describe_hot_month(struct strbuf *sb, const struct hot_tiers *tiers, double hot_gb)
{
	int t;
	double cost = tco_hot_storage(0, tiers, hot_gb, &t);

	strbuf_addf(sb, "the %g MB/s/TiB tier at %.4g per GB-month", tiers->mb_s_per_tib[t],
		    tiers->per_gb_month[t]);
	if (tiers->min_gb[t] > hot_gb)
		strbuf_addf(sb, " on %.0f GB bought for %.0f GB of hot data", tiers->min_gb[t],
			    hot_gb);
	strbuf_addf(sb, ": %.2f", cost);
}

/*
 * PROVIDER's parallel file system tiers for the hot share (struct hot_tiers):
 * a tier delivers its MB/s per TiB times the capacity bought, so delivering
 * HOT_GB_S needs a minimum capacity per tier, bought beyond the hot data when
 * the data is smaller. The notes say which tier the first and last months take.
 * Returns whether the store has any tier.
 */
static bool parallel_fs_tiers(struct db *db, const struct scenario *s, const char *provider,
			      const char *region, double hot_gb_s, const char *label,
			      struct hot_tiers *tiers, struct strbuf *notes)
{
	double hot = isnan(s->data.hot_fraction) ? 0.2 : s->data.hot_fraction;
	double need_mb_s = hot_gb_s > 0 ? hot_gb_s * 1000 : 0;
	int last = s->horizon_months > 1 ? s->horizon_months - 1 : 0;
	double first_gb = hot * s->data.stored_bytes / 1e9;
	double last_gb = hot * (s->data.stored_bytes + s->data.growth_per_month_bytes * last) / 1e9;
	int first_tier, last_tier;
	struct strbuf sb = STRBUF_INIT;

	memset(tiers, 0, sizeof(*tiers));
	for (size_t t = 0; t < ARRAY_SIZE(parallel_fs_tiers_of_store); t++) {
		bool found;
		double price = storage_price(db, provider, region,
					     parallel_fs_tiers_of_store[t].storage_class, NULL,
					     &found);
		double mb_s_per_tib = parallel_fs_tiers_of_store[t].mb_s_per_tib;

		if (!found)
			continue;
		tiers->mb_s_per_tib[tiers->n] = mb_s_per_tib;
		tiers->per_gb_month[tiers->n] = price;
		tiers->min_gb[tiers->n] = need_mb_s / mb_s_per_tib * 1099511627776.0 / 1e9;
		tiers->n++;
	}
	if (tiers->n == 0)
		return false;
	tco_hot_storage(0, tiers, first_gb, &first_tier);
	tco_hot_storage(0, tiers, last_gb, &last_tier);
	if (first_tier == last_tier && !(tiers->min_gb[first_tier] > first_gb)) {
		add_note(notes, "%s: the hot share on the %s parallel file system's %g MB/s/TiB "
			 "tier (%.3g GB/s needed): %.4g per GB-month\n", label, provider,
			 tiers->mb_s_per_tib[first_tier], hot_gb_s > 0 ? hot_gb_s : 0,
			 tiers->per_gb_month[first_tier]);
		return true;
	}
	describe_hot_month(&sb, tiers, first_gb);
	if (last_gb != first_gb) {
		strbuf_addf(&sb, "; month %d ", last + 1);
		describe_hot_month(&sb, tiers, last_gb);
	}
	add_note(notes, "%s: the hot share on the %s parallel file system, the cheapest tier "
		 "each month for %.3g GB/s: month 1 %s\n", label, provider,
		 hot_gb_s > 0 ? hot_gb_s : 0, sb.buf);
	strbuf_release(&sb);
	return true;
}

/*
 * The store's storage prices at PROVIDER/REGION for the data: the hot share on
 * block storage (data.hot_class: parallel-fs, on a parallel file system's tier
 * that delivers HOT_GB_S), else a parallel file system, else (said so) hot
 * object storage; the rest in the data's cold class. A class with no price
 * counts as 0, with a note naming LABEL; returns whether every class had one.
 */
static bool store_storage_prices(struct db *db, const struct scenario *s, const char *provider,
				 const char *region, double hot_gb_s, const char *label,
				 double *block, struct hot_tiers *tiers, double *object,
				 double *retrieval, struct strbuf *notes)
{
	const char *cold = s->data.cold_class ? s->data.cold_class : "hot";
	bool found = false, all_found;

	memset(tiers, 0, sizeof(*tiers));
	*object = storage_price(db, provider, region, cold, retrieval, &found);
	if (!found)
		add_note(notes, "%s: no %s object storage price for %s%s%s; "
			    "counted as 0, the total is incomplete (storage_price sets one)\n",
			 label, cold, provider, region ? "/" : "", region ? region : "");
	all_found = found;
	if (s->data.hot_class && strcmp(s->data.hot_class, "parallel-fs") == 0) {
		*block = 0;
		if (parallel_fs_tiers(db, s, provider, region, hot_gb_s, label, tiers, notes))
			return all_found;
		add_note(notes, "%s: no parallel file system price for %s; the hot share is "
			 "priced as block storage\n", label, provider);
	}
	*block = storage_price(db, provider, region, "block", NULL, &found);
	if (!found)
		*block = storage_price(db, provider, region, "parallel-fs", NULL, &found);
	if (!found) {
		*block = storage_price(db, provider, region, "hot", NULL, &found);
		if (found)
			add_note(notes, "%s: no block or parallel file system price; "
				 "the hot share is priced as hot object storage\n", label);
		else
			add_note(notes, "%s: no block, parallel file system or hot "
				 "object storage price for %s; the hot share counted as 0, the total "
				 "is incomplete (storage_price sets one)\n", label, provider);
	}
	return all_found && found;
}

/*
 * Storage prices of D: the scenario's storage_price for every class, else the
 * store's (store_storage_prices). A class with no price marks storage in
 * INCOMPLETE (when not NULL: D's own costs, not a stand-in's).
 */
static void resolve_storage(struct db *db, const struct scenario *s, const struct deployment *d,
			    double hot_gb_s, struct cloud_pricing *p, struct strbuf *notes,
			    unsigned *incomplete)
{
	struct strbuf label = STRBUF_INIT;

	if (!(s->data.stored_bytes > 0) && !(s->data.growth_per_month_bytes > 0))
		return;
	if (!isnan(d->storage_price_per_gb_month)) {
		p->object_per_gb_month = p->block_per_gb_month = d->storage_price_per_gb_month;
		p->hot_tiers.n = 0;
		return;
	}
	strbuf_addf(&label, "deployment %s", d->name);
	if (!store_storage_prices(db, s, d->provider, d->region, hot_gb_s, label.buf,
				  &p->block_per_gb_month, &p->hot_tiers,
				  &p->object_per_gb_month, &p->retrieval_per_gb, notes) && incomplete)
		*incomplete |= COST_BIT(COST_STORAGE);
	strbuf_release(&label);
}

/* Does any traffic leave: the data's egress or a workload's own? */
static bool any_egress(const struct scenario *s)
{
	bool egress = s->data.egress_per_month_bytes > 0;

	for (size_t i = 0; i < s->nworkloads; i++)
		egress = egress || s->workloads[i].egress_per_month_bytes > 0;
	return egress;
}

/*
 * Spot interruptions per instance-day for D: the scenario's, else the rate of the
 * spot offer SPOT priced it with (a fraction of instances a month, spread over
 * 730/24 days), else the default; the notes say which when the store decided.
 */
static void resolve_spot_rate(const struct deployment *d, const struct priced_offer *spot,
			      struct cloud_pricing *p, struct strbuf *notes)
{
	bool has_spot = false;

	for (size_t k = 0; k < d->npurchase; k++)
		has_spot = has_spot || strcmp(d->purchase[k].option, "spot") == 0;
	p->spot_interruptions_per_day = SPOT_INTERRUPTIONS_PER_DAY_DEFAULT;
	if (!has_spot || !isnan(d->spot_interruptions_per_day))
		return;
	if (spot && spot->found && !isnan(spot->interruptions_per_month)) {
		p->spot_interruptions_per_day = spot->interruptions_per_day;
		add_note(notes, "deployment %s: spot interruptions from the price store: "
			 "%.1f%% of %s instances a month in %s\n", d->name,
			 spot->interruptions_per_month * 100, spot->instance_type, spot->region);
	} else {
		add_note(notes, "deployment %s: no spot interruption rate in the store; "
			 "assumed %.0f%% of instances a month (spot_interruptions_per_day sets "
			 "one)\n", d->name,
			 SPOT_INTERRUPTIONS_PER_DAY_DEFAULT * (HOURS_PER_MONTH / 24) * 100);
	}
}

/*
 * Prices of a cloud deployment D: the override, or the store's cheapest offer.
 * INCOMPLETE (NULL when D only stands in for another deployment's compute) gets
 * the components with no price.
 */
static int resolve_cloud(struct db *db, struct prepare_memo *memo, const struct scenario *s,
			 const struct deployment *d, double hot_gb_s, int min_gpus,
			 struct cloud_pricing *p, struct strbuf *notes, unsigned *incomplete)
{
	struct egress_tier_list tiers = { 0 };
	struct priced_offer base = { 0 }, spot = { 0 };
	const char *accelerator = deployment_accelerator(s, d);
	const char *destination = s->data.egress_to ? s->data.egress_to : "internet";
	int result = -1;

	memset(p, 0, sizeof(*p));
	p->present = true;
	p->provider = xstrdup(d->provider);
	p->region = xstrdup_or_null(d->region);
	p->gpus_per_instance = GPUS_PER_INSTANCE_DEFAULT;
	p->nshares = d->npurchase;
	p->share_per_gpu_hour = xcalloc(d->npurchase + 1, sizeof(double));
	p->compute_from_store = isnan(d->price_per_gpu_hour);
	p->egress_from_store = isnan(d->egress_price_per_gb);
	p->storage_from_store = isnan(d->storage_price_per_gb_month);
	if (!isnan(d->price_per_gpu_hour)) {
		/* A what-if price stands for every purchase option. */
		p->accelerator = xstrdup_or_null(accelerator);
		p->on_demand_per_gpu_hour = d->price_per_gpu_hour;
		for (size_t k = 0; k < d->npurchase; k++)
			p->share_per_gpu_hour[k] = d->price_per_gpu_hour;
	} else {
		if (cheapest_offer(db, memo, d->provider, d->region, d->instance, accelerator,
				   "on-demand", min_gpus, &base) < 0)
			goto cleanup;
		if (!base.found) {
			struct strbuf at = STRBUF_INIT;

			where(&at, d->provider, d->region);
			error_set("no on-demand price for %s in %s in the price store; name another "
				  "instance or region, or give price_per_gpu_hour",
				  d->instance ? d->instance : accelerator ? accelerator : "any GPU",
				  at.buf);
			strbuf_release(&at);
			goto cleanup;
		}
		note_used(p, &base);
		p->accelerator = xstrdup(base.accelerator);
		p->no_cluster_fabric = base.no_cluster_fabric;
		p->gpus_per_instance = base.accelerators;
		p->whole_instances = true;
		p->on_demand_per_gpu_hour = base.per_gpu_hour;
		for (size_t k = 0; k < d->npurchase; k++) {
			const char *option = d->purchase[k].option;
			struct priced_offer share;

			if (cheapest_offer(db, memo, d->provider, d->region, base.instance_type,
					   NULL, option, 0, &share) < 0)
				goto cleanup;
			if (share.found) {
				note_used(p, &share);
				p->share_per_gpu_hour[k] = share.per_gpu_hour;
				if (strcmp(option, "spot") == 0 && !spot.found) {
					spot = share;   /* its interruption rate, below */
					continue;
				}
			} else {
				double fraction = assumed_fraction_of_on_demand(option);

				p->share_per_gpu_hour[k] = base.per_gpu_hour * fraction;
				if (fraction < 1)
					add_note(notes, "deployment %s: no %s price for %s in the store; "
						    "assumed %.0f%% of on-demand\n", d->name, option,
						    base.instance_type, fraction * 100);
			}
			priced_offer_release(&share);
		}
	}
	resolve_spot_rate(d, &spot, p, notes);
	if (!isnan(d->egress_price_per_gb)) {
		/* The scenario's own flat price per GB. */
		tiers.items = xcalloc(1, sizeof(*tiers.items));
		tiers.items[0].end_gb = INFINITY;
		tiers.items[0].price_per_gb = d->egress_price_per_gb;
		tiers.n = tiers.alloc = 1;
	} else if (db_egress_tiers(db, d->provider, d->region, destination, &tiers) < 0) {
		error_clear();
		tiers.n = 0;
	}
	if (tiers.n == 0 && any_egress(s)) {
		add_note(notes, "deployment %s: no %s egress tiers for %s; egress counted "
			 "as 0, the total is incomplete (egress_price sets one)\n", d->name,
			 destination, d->provider);
		if (incomplete)
			*incomplete |= COST_BIT(COST_EGRESS);
	}
	p->egress_tiers = tiers.items;
	p->negress_tiers = tiers.n;
	resolve_storage(db, s, d, hot_gb_s, p, notes, incomplete);
	result = 0;
cleanup:
	priced_offer_release(&base);
	priced_offer_release(&spot);
	if (result < 0)   /* file:line:col: the deployment to fix */
		error_prefix("%s%sdeployments.%s: ", d->where ? d->where : "",
			     d->where ? ": " : "", d->name);
	return result;
}

void cloud_pricing_release(struct cloud_pricing *p)
{
	struct egress_tier_list tiers = { p->egress_tiers, p->negress_tiers, p->negress_tiers };

	free(p->provider);
	free(p->region);
	free(p->accelerator);
	free(p->share_per_gpu_hour);
	egress_tier_list_release(&tiers);
	tco_prices_used_release(&p->used);
	memset(p, 0, sizeof(*p));
}

/*
 * A fallback named either as a deployment (its on-demand price) or as
 * "provider/region" (the cheapest on-demand ACCELERATOR there).
 */
static int resolve_fallback(struct db *db, struct prepare_memo *memo, const struct scenario *s,
			    const char *name, const char *accelerator, struct cloud_pricing *p,
			    struct strbuf *notes)
{
	const struct deployment *target = scenario_find_deployment(s, name);
	struct priced_offer offer;
	const char *slash = strchr(name, '/');
	char *provider;
	int result;

	memset(p, 0, sizeof(*p));
	if (target) {
		if (target->kind != DEPLOYMENT_CLOUD) {
			error_set("fallback %s is not a cloud deployment", name);
			return -1;
		}
		return resolve_cloud(db, memo, s, target, 0, 0, p, notes, NULL);   /* no data there */
	}
	if (!slash) {
		error_set("fallback %s names no deployment; expected a deployment name or "
			  "provider/region", name);
		return -1;
	}
	provider = xstrndup(name, (size_t)(slash - name));
	result = cheapest_offer(db, memo, provider, slash + 1, NULL, accelerator, "on-demand", 0,
				&offer);
	if (result == 0 && !offer.found) {
		error_set("fallback %s: no on-demand %s offer in the price store", name,
			  accelerator ? accelerator : "GPU");
		result = -1;
	}
	if (result == 0) {
		note_used(p, &offer);
		p->present = true;
		p->provider = provider;
		p->region = xstrdup(slash + 1);
		p->accelerator = xstrdup(offer.accelerator);
		p->gpus_per_instance = offer.accelerators;
		p->on_demand_per_gpu_hour = offer.per_gpu_hour;
		p->share_per_gpu_hour = xcalloc(1, sizeof(double));
		p->compute_from_store = true;
		p->spot_interruptions_per_day = SPOT_INTERRUPTIONS_PER_DAY_DEFAULT;
		provider = NULL;
	}
	free(provider);
	priced_offer_release(&offer);
	return result;
}

/* NAME's dense BF16 peak TFLOP/s from the store; 0 when unknown. */
static double accelerator_bf16_tflops(struct db *db, struct prepare_memo *memo,
				     const char *name)
{
	struct accelerator a;
	double tflops = 0;

	memset(&a, 0, sizeof(a));
	if (name && find_chip(db, memo, name, &a) == 0)
		tflops = a.bf16_tflops;
	error_clear();
	accelerator_release(&a);
	return tflops;
}

/*
 * GPU-hours on TO that do the work of one GPU-hour on FROM, by dense BF16
 * throughput; 1 for the same chip, or (noted) when either figure is unknown.
 */
static double gpu_hours_factor(struct db *db, struct prepare_memo *memo, const char *from,
			       const char *to, struct strbuf *notes)
{
	struct accelerator a, b;
	double factor = 1;

	if (!from || !to || str_ieq(from, to))
		return 1;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (find_chip(db, memo, from, &a) == 0 && find_chip(db, memo, to, &b) == 0 &&
	    a.bf16_tflops > 0 && b.bf16_tflops > 0 && strcmp(a.name, b.name) != 0)
		factor = a.bf16_tflops / b.bf16_tflops;
	else if (!(a.name && b.name && strcmp(a.name, b.name) == 0))
		add_note(notes, "work moved from %s to %s keeps its GPU-hours: no dense "
			 "throughput known for both\n", from, to);
	error_clear();
	accelerator_release(&a);
	accelerator_release(&b);
	return factor;
}

/*
 * Why workload W cannot run where workload_demand() just failed: its message
 * without the "workload 'W': " (or "workload 'W' on ACC: ") it starts with,
 * after "W cannot run on ACC: ".
 */
static char *unfit_reason(const struct workload *w, const char *accelerator)
{
	struct strbuf why = STRBUF_INIT, prefix = STRBUF_INIT;
	const char *message = error_get();

	strbuf_addf(&prefix, "workload '%s'", w->name);
	if (str_starts_with(message, prefix.buf)) {
		const char *rest = message + prefix.len;

		strbuf_reset(&prefix);
		strbuf_addf(&prefix, " on %s", accelerator);
		if (str_starts_with(rest, prefix.buf))
			rest += prefix.len;
		if (str_starts_with(rest, ": "))
			message = rest + 2;
	}
	strbuf_addf(&why, "%s cannot run on %s: %s", w->name, accelerator, message);
	strbuf_release(&prefix);
	return strbuf_detach(&why, NULL);
}

/*
 * Demand of every workload run on ACCELERATOR (NULL: each on its own, else on
 * OTHERWISE), over deployment D's network when it overrides the accelerator's;
 * ONE_SERVER > 0: on an offer without a cluster fabric whose instances hold
 * ONE_SERVER accelerators, inference replicas stay on one instance (no pipeline or
 * experts across instances, tensor parallelism within one).
 * With UNFIT (one per workload) a workload that cannot run there (does not fit,
 * misses its SLO, ...) is no error: UNFIT[i] says why, its demand stays zero,
 * and FAILED[i] keeps the error the run would have stopped with.
 */
static bool same_number(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* workload_demand, or a copy of what it answered before for W on the same ACC. */
static int memo_demand(struct prepare_memo *memo, const struct workload *w,
		       const struct accelerator *acc, struct workload_demand *out)
{
	struct memo_demand *m;
	int rc;

	for (size_t i = 0; memo && i < memo->ndemands; i++) {
		m = &memo->demands[i];
		if (m->workload == w && strcmp(m->accelerator, acc->name) == 0 &&
		    same_number(m->scaleup_gb_s, acc->scaleup_gb_s) &&
		    same_number(m->scaleout_gb_s, acc->scaleout_gb_s) &&
		    m->no_cluster_fabric == acc->no_cluster_fabric &&
		    m->scaleup_domain == acc->scaleup_domain) {
			workload_demand_copy(out, &m->demand);
			return 0;
		}
	}
	rc = workload_demand(w, acc, out);
	if (rc < 0 || !memo)
		return rc;   /* a failure is answered again, with its message */
	xgrow(&memo->demands, &memo->demands_alloc, memo->ndemands + 1, sizeof(*memo->demands));
	m = &memo->demands[memo->ndemands++];
	m->workload = w;
	m->accelerator = xstrdup(acc->name);
	m->scaleup_gb_s = acc->scaleup_gb_s;
	m->scaleout_gb_s = acc->scaleout_gb_s;
	m->no_cluster_fabric = acc->no_cluster_fabric;
	m->scaleup_domain = acc->scaleup_domain;
	workload_demand_copy(&m->demand, out);
	return 0;
}

static int resolve_demand(struct db *db, struct prepare_memo *memo, const struct scenario *s,
			  const char *accelerator, const char *otherwise,
			  const struct deployment *d, int one_server, struct workload_demand **out,
			  struct strbuf *notes, char **unfit, char **failed)
{
	struct workload_demand *demand = xcalloc(s->nworkloads + 1, sizeof(*demand));
	struct accelerator acc;
	size_t i;

	for (i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const char *name = accelerator ? accelerator
			: w->accelerator ? w->accelerator : otherwise;
		int rc;

		if (w->kind == WORKLOAD_PIPELINE) {
			demand[i].wall_hours = NAN;   /* per deployment: its pipeline run */
			continue;   /* CPUs only: resolve_pipelines prices it */
		}
		if (!name) {
			error_set("workloads.%s: no accelerator named by the workload or the deployment",
				  w->name);
			goto fail;
		}
		memset(&acc, 0, sizeof(acc));
		if (find_chip(db, memo, name, &acc) < 0) {
			/* Point at the file when the name came from the workload itself. */
			if (!accelerator && w->accelerator && w->accelerator_where)
				error_prefix("%s: workloads[%zu].accelerator: ", w->accelerator_where, i);
			else
				error_prefix("workloads[%zu] (%s) on %s: ", i, w->name, name);
			goto fail;
		}
		if (d && !isnan(d->scaleup_gb_s))
			acc.scaleup_gb_s = d->scaleup_gb_s;
		if (d && !isnan(d->scaleout_gb_s))
			acc.scaleout_gb_s = d->scaleout_gb_s;
		acc.no_cluster_fabric = one_server > 0;
		acc.scaleup_domain = one_server;
		rc = memo_demand(memo, w, &acc, &demand[i]);
		for (const char *line = rc == 0 ? demand[i].notes : NULL; line && *line;) {
			size_t len = strcspn(line, "\n");

			add_note(notes, "%.*s\n", (int)len, line);
			line += len + (line[len] == '\n');
		}
		if (rc < 0 && unfit)
			unfit[i] = unfit_reason(w, acc.name);
		accelerator_release(&acc);
		if (rc < 0) {
			if (workload_error_located(w))
				;   /* the message names its place in the file */
			else if (!accelerator && w->accelerator_where)
				error_prefix("%s: workloads[%zu]: ", w->accelerator_where, i);
			else
				error_prefix("workloads[%zu] (%s) on %s: ", i, w->name, name);
			if (!unfit)
				goto fail;
			if (d)
				error_prefix("deployments.%s: ", d->name);
			failed[i] = xstrdup(error_get());
			error_clear();
		}
	}
	*out = demand;
	return 0;
fail:
	for (size_t k = 0; k < i; k++)
		workload_demand_release(&demand[k]);
	free(demand);
	return -1;
}

static void demand_release_all(struct workload_demand *demand, size_t n)
{
	for (size_t i = 0; demand && i < n; i++)
		workload_demand_release(&demand[i]);
	free(demand);
}

/* The store's prices of P in the scenario's currency: times the rate FX. */
static void convert_store_prices(struct cloud_pricing *p, double fx)
{
	if (!p->present || fx == 1)
		return;
	if (p->compute_from_store) {
		p->on_demand_per_gpu_hour *= fx;
		for (size_t k = 0; k < p->nshares; k++)
			p->share_per_gpu_hour[k] *= fx;
	}
	if (p->egress_from_store)
		for (size_t k = 0; k < p->negress_tiers; k++)
			p->egress_tiers[k].price_per_gb *= fx;
	if (p->storage_from_store) {
		p->block_per_gb_month *= fx;
		for (size_t k = 0; k < p->hot_tiers.n; k++)
			p->hot_tiers.per_gb_month[k] *= fx;
		p->object_per_gb_month *= fx;
		p->retrieval_per_gb *= fx;
	}
}

/*
 * The shortage fallback's on-demand price per GPU-hour of ACCELERATOR (the chip
 * whose hours the shortage hits), or NAN without one.
 */
static int shortage_fallback_price(struct db *db, struct prepare_memo *memo,
				   const struct scenario *s, const struct deployment *d,
				   const char *accelerator, double fx, double *out,
				   struct strbuf *notes, struct tco_prices_used *used)
{
	const struct shortage_spec *sh = tco_shortage_spec(s, d);
	struct cloud_pricing p;

	*out = NAN;
	if (!sh->present || !sh->fallback)
		return 0;
	if (resolve_fallback(db, memo, s, sh->fallback, accelerator, &p, notes) < 0) {
		error_prefix("deployments.%s.shortage: ", d->name);
		return -1;
	}
	take_used(used, d->name, &p.used);
	convert_store_prices(&p, fx);
	*out = p.on_demand_per_gpu_hour *
		gpu_hours_factor(db, memo, accelerator, p.accelerator, notes);
	cloud_pricing_release(&p);
	return 0;
}

/* The on-demand offers at PROVIDER/REGION (NULL: any region), of INSTANCE when named. */
static int on_demand_offers(struct db *db, const char *provider, const char *region,
			    const char *instance, struct offer_list *list)
{
	struct offer_filter filter = { 0 };

	filter.providers = provider;
	filter.region_glob = region;
	filter.instance_type = instance;
	filter.purchase = "on-demand";
	return db_query_offers(db, &filter, list);
}

/*
 * The cheapest on-demand CPU instance per vCPU-hour at PROVIDER/REGION (NULL:
 * any region): INSTANCE when named, else a general-purpose or compute-optimised
 * one. 0 with OUT->instance NULL when the store has none.
 */
static int cheapest_cpu_offer(struct db *db, const char *provider, const char *region,
			      const char *instance, struct pipeline_run *out, char **where)
{
	struct offer_list list = { 0 };
	double best = INFINITY;

	if (on_demand_offers(db, provider, region, instance, &list) < 0)
		return -1;
	for (size_t i = 0; i < list.n; i++) {
		const struct offer *o = &list.items[i];
		const char *family = offer_cpu_family(o);
		double per_vcpu = offer_price_per_vcpu_hour(o);

		if (!family || !(per_vcpu < best))
			continue;
		if (!instance && strcmp(family, "general") != 0 && strcmp(family, "compute") != 0)
			continue;
		best = per_vcpu;
		free(out->instance);
		free(*where);
		out->instance = xstrdup(o->instance_type);
		*where = xstrdup(o->region);
		out->vcpus = o->vcpus;
		out->price_per_hour = o->price_per_hour;
	}
	offer_list_release(&list);
	return 0;
}

/* Where D's pipelines run: a cloud's place, or none (on-prem host CPUs or nothing). */
static const struct deployment *pipeline_cloud(const struct scenario *s,
					       const struct deployment *d, int *cores)
{
	const struct deployment *site = d->kind == DEPLOYMENT_HYBRID ?
		scenario_find_deployment(s, d->base) : d;
	const char *other = d->kind == DEPLOYMENT_HYBRID ? d->burst : site ? site->fallback : NULL;

	*cores = site && site->kind == DEPLOYMENT_ONPREM ? site->cpu_cores : 0;
	if (d->kind == DEPLOYMENT_CLOUD)
		return d;
	site = other ? scenario_find_deployment(s, other) : NULL;
	return site && site->kind == DEPLOYMENT_CLOUD ? site : NULL;
}

/* Each pipeline workload's run on D (DIN->pipelines), priced from the store. */
static int resolve_pipelines(struct db *db, const struct scenario *s, const struct deployment *d,
			     double fx, struct deployment_input *din)
{
	int cores;
	const struct deployment *cloud = pipeline_cloud(s, d, &cores);

	din->pipelines = xcalloc(s->nworkloads + 1, sizeof(*din->pipelines));
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		struct pipeline_run *run = &din->pipelines[i];
		char *region = NULL;
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

		if (w->kind != WORKLOAD_PIPELINE)
			continue;
		if (cores > 0) {
			/* The servers' own cores: already paid for. */
			run->present = true;
			run->vcpus = cores;
			tco_pipeline_size(w, run);
			run->instances = 1;   /* no more cores to add for a deadline */
			run->wall_hours = w->pipeline.vcpu_hours / cores;
			format_grouped(&a, w->pipeline.vcpu_hours, 0);
			add_note(&din->notes, "deployment %s: pipeline %s: %s vCPU-hours on the "
				 "servers' %d host cores: %.1f h, no cost beyond the servers\n",
				 d->name, w->name, a.buf, cores, run->wall_hours);
			strbuf_release(&a);
			continue;
		}
		if (!cloud) {
			add_note(&din->notes, "deployment %s: pipeline %s has nowhere to run (give "
				 "cpu_cores or a cloud fallback); counted as 0, the total is "
				 "incomplete\n", d->name, w->name);
			din->incomplete |= COST_BIT(COST_PIPELINE);
			continue;
		}
		if (cheapest_cpu_offer(db, cloud->provider, cloud->region, w->pipeline.instance,
				       run, &region) < 0)
			return -1;
		if (!run->instance) {
			if (w->pipeline.instance) {
				error_set("workloads.%s.instance: no on-demand price for %s in %s%s%s "
					  "in the price store", w->name, w->pipeline.instance,
					  cloud->provider, cloud->region ? "/" : "",
					  cloud->region ? cloud->region : "");
				return -1;
			}
			add_note(&din->notes, "deployment %s: no general-purpose or compute-optimised "
				 "CPU instance of %s in the price store for pipeline %s; counted as 0, "
				 "the total is incomplete\n", d->name, cloud->provider, w->name);
			din->incomplete |= COST_BIT(COST_PIPELINE);
			continue;
		}
		run->present = true;
		run->price_per_hour *= fx;
		if (tco_pipeline_size(w, run) < 0) {
			free(region);
			return -1;
		}
		format_grouped(&a, w->pipeline.vcpu_hours, 0);
		format_grouped(&b, run->wall_hours, 1);
		add_note(&din->notes, "deployment %s: pipeline %s: %s vCPU-hours on %d x %s "
			 "(%g vCPUs, %.4g %s/h) in %s: %s h\n", d->name, w->name, a.buf,
			 run->instances, run->instance, run->vcpus, run->price_per_hour,
			 s->currency ? s->currency : "USD", region, b.buf);
		strbuf_release(&a);
		strbuf_release(&b);
		free(region);
	}
	return 0;
}

/*
 * The on-demand memory-optimised instance at PROVIDER/REGION that holds FS's
 * online share and serves its reads for the least (RUN: instance, nodes,
 * price); RUN->instance stays NULL when the store has none.
 */
static int cheapest_memory_nodes(struct db *db, const char *provider, const char *region,
				 const struct feature_store_spec *fs, struct feature_store_run *run)
{
	struct offer_list list = { 0 };
	double best = INFINITY;

	if (on_demand_offers(db, provider, region, NULL, &list) < 0)
		return -1;
	for (size_t i = 0; i < list.n; i++) {
		const struct offer *o = &list.items[i];
		const char *family = offer_cpu_family(o);
		double nodes = tco_feature_store_nodes(fs, o->memory_gib, o->vcpus);

		if (!family || strcmp(family, "memory") != 0 || !(o->memory_gib > 0) ||
		    !(nodes * o->price_per_hour < best))
			continue;
		best = nodes * o->price_per_hour;
		free(run->instance);
		run->instance = xstrdup(o->instance_type);
		run->memory_gib = o->memory_gib;
		run->vcpus = o->vcpus;
		run->price_per_hour = o->price_per_hour;
		run->nodes = nodes;
	}
	offer_list_release(&list);
	return 0;
}

/*
 * Each workload's feature store on D (DIN->feature_stores): a cloud's online
 * share on its memory-optimised instances (or feature_store_price), the offline
 * share at its hot object storage price (or storage_price); on-prem (and a
 * hybrid's base) holds them in its servers' memory and storage, paid for already
 * unless feature_store_price says otherwise.
 */
static int resolve_feature_stores(struct db *db, const struct scenario *s,
				  const struct deployment *d, double fx,
				  struct deployment_input *din)
{
	const struct deployment *site = d->kind == DEPLOYMENT_HYBRID ?
		scenario_find_deployment(s, d->base) : d;

	din->feature_stores = xcalloc(s->nworkloads + 1, sizeof(*din->feature_stores));
	for (size_t i = 0; site && i < s->nworkloads; i++) {
		const struct feature_store_spec *fs = &s->workloads[i].feature_store;
		struct feature_store_run *run = &din->feature_stores[i];
		const char *name = s->workloads[i].name;
		double online_gb = fs->online_bytes / 1e9, offline_gb = fs->offline_bytes / 1e9;
		bool found = true;

		if (!fs->present)
			continue;
		run->present = true;
		if (!isnan(site->feature_store_price_per_gb_month)) {
			run->online_per_month = online_gb * site->feature_store_price_per_gb_month;
		} else if (site->kind == DEPLOYMENT_ONPREM) {
			add_note(&din->notes, "deployment %s: feature store of %s held in %s's "
				 "servers' memory and storage: no cost beyond them "
				 "(feature_store_price sets one)\n", d->name, name, site->name);
		} else if (online_gb > 0) {
			if (cheapest_memory_nodes(db, site->provider, site->region, fs, run) < 0)
				return -1;
			if (run->instance) {
				run->price_per_hour *= fx;
				run->online_per_month = run->nodes * run->price_per_hour *
					HOURS_PER_MONTH;
				add_note(&din->notes, "deployment %s: feature store of %s online on "
					 "%.3g x %s (%g GiB, %g vCPUs, %.4g %s/h; %.0f%% of memory "
					 "usable, %g reads/s a vCPU), no per-request charge\n",
					 d->name, name, run->nodes, run->instance, run->memory_gib,
					 run->vcpus, run->price_per_hour, s->currency,
					 FEATURE_STORE_USABLE_MEMORY * 100, fs->reads_per_vcpu);
			} else {
				add_note(&din->notes, "deployment %s: no memory-optimised instance of "
					 "%s in the price store for the feature store of %s; counted "
					 "as 0, the total is incomplete (feature_store_price sets "
					 "one)\n", d->name, site->provider, name);
				din->incomplete |= COST_BIT(COST_STORAGE);
			}
		}
		if (site->kind == DEPLOYMENT_ONPREM || !(offline_gb > 0))
			continue;
		run->offline_per_gb_month = site->storage_price_per_gb_month;
		if (isnan(run->offline_per_gb_month))
			run->offline_per_gb_month = fx * storage_price(db, site->provider, site->region,
								       "hot", NULL, &found);
		if (!found) {
			add_note(&din->notes, "deployment %s: no hot object storage price for %s; "
				 "the offline feature store of %s counted as 0, the total is "
				 "incomplete\n", d->name, site->provider, name);
			din->incomplete |= COST_BIT(COST_STORAGE);
		}
		run->offline_per_month = offline_gb * run->offline_per_gb_month;
	}
	return 0;
}

static void free_strings(char **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

/*
 * How many workloads of S cannot run on deployment D's ACCELERATOR when a replica
 * (or training's tensor-parallel group) has ONE_SERVER of them (0: any number,
 * over a cluster fabric). An error other than "cannot run there" counts as all.
 */
static size_t unfit_workloads(struct db *db, struct prepare_memo *memo, const struct scenario *s,
			      const struct deployment *d, const char *accelerator, int one_server)
{
	struct workload_demand *demand = NULL;
	struct strbuf scratch = STRBUF_INIT;
	char **unfit = xcalloc(s->nworkloads + 1, sizeof(*unfit));
	char **failed = xcalloc(s->nworkloads + 1, sizeof(*failed));
	size_t n = s->nworkloads + 1;

	if (resolve_demand(db, memo, s, accelerator, NULL, d, one_server, &demand, &scratch,
			   unfit, failed) == 0) {
		n = 0;
		for (size_t i = 0; i < s->nworkloads; i++)
			n += unfit[i] != NULL;
		demand_release_all(demand, s->nworkloads);
	}
	error_clear();
	free_strings(unfit, s->nworkloads);
	free_strings(failed, s->nworkloads);
	strbuf_release(&scratch);
	return n;
}

/*
 * Without an instance named, a cloud deployment rents the cheapest offer of its
 * accelerator per GPU-hour. Where no cluster fabric joins that offer's instances,
 * a replica (and training's tensor-parallel group) stays on one of them: when a
 * workload cannot run on so few accelerators, a bigger instance of the same chip
 * in the same place is rented instead, the smallest on which the most workloads
 * run (*MIN_GPUS accelerators at least; 0: the cheapest offer as it is).
 */
static int fitting_instance_size(struct db *db, struct prepare_memo *memo,
				 const struct scenario *s, const struct deployment *d,
				 int *min_gpus, struct strbuf *notes)
{
	const char *accelerator = deployment_accelerator(s, d);
	struct priced_offer cheapest, bigger;
	struct strbuf why = STRBUF_INIT;
	size_t fewest;
	int result = 0;

	*min_gpus = 0;
	if (d->instance || !isnan(d->price_per_gpu_hour) || !isnan(d->scaleout_gb_s))
		return 0;
	if (cheapest_offer(db, memo, d->provider, d->region, NULL, accelerator, "on-demand", 0,
			   &cheapest) < 0)
		return -1;
	if (!cheapest.found || !cheapest.no_cluster_fabric) {
		priced_offer_release(&cheapest);
		return 0;
	}
	fewest = unfit_workloads(db, memo, s, d, cheapest.accelerator, cheapest.accelerators);
	for (int size = cheapest.accelerators * 2; fewest > 0 && size <= MAX_INSTANCE_ACCELERATORS;
	     size *= 2) {
		size_t n;

		if (cheapest_offer(db, memo, d->provider, d->region, NULL, accelerator, "on-demand",
				   size, &bigger) < 0) {
			result = -1;
			break;
		}
		if (!bigger.found) {
			priced_offer_release(&bigger);
			break;
		}
		n = unfit_workloads(db, memo, s, d, bigger.accelerator,
				    bigger.no_cluster_fabric ? bigger.accelerators : 0);
		if (n < fewest) {
			fewest = n;
			*min_gpus = bigger.accelerators;
			strbuf_reset(&why);
			strbuf_addf(&why, "deployment %s: %s (%d × %s), the cheapest per GPU-hour, "
				    "is too small for %s on one instance, and no cluster network "
				    "joins its instances; priced on %s (%d × %s) instead\n", d->name,
				    cheapest.instance_type, cheapest.accelerators,
				    cheapest.accelerator, s->nworkloads == 1 ? "the workload" :
				    "every workload", bigger.instance_type, bigger.accelerators,
				    bigger.accelerator);
		}
		if (bigger.accelerators > size)
			size = bigger.accelerators;
		priced_offer_release(&bigger);
	}
	if (why.len)
		add_note(notes, "%s", why.buf);
	strbuf_release(&why);
	priced_offer_release(&cheapest);
	return result;
}

/*
 * Training is modelled on the accelerator's own scale-out network wherever it runs.
 * On an offer whose instances no cluster network joins, a run on more GPUs than one
 * instance holds would go over whatever plain network there is: say that its time
 * is optimistic (optimize refuses such offers for it).
 */
static void note_training_across_instances(const struct scenario *s,
					   const struct deployment *d,
					   const struct cloud_pricing *cloud, struct strbuf *notes)
{
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		int per_instance = cloud->gpus_per_instance;

		if (w->kind != WORKLOAD_TRAINING || per_instance < 1 ||
		    w->training.gpus <= per_instance)
			continue;
		add_note(notes, "deployment %s: workload %s's %d GPUs span %d instances of %d × %s "
			 "at %s, which no cluster network joins; its time assumes the "
			 "accelerator's own scale-out network, so expect it slower (give the "
			 "deployment's scaleout_gb_s to model the network there is)\n", d->name,
			 w->name, w->training.gpus,
			 (w->training.gpus + per_instance - 1) / per_instance, per_instance,
			 cloud->accelerator, cloud->provider);
	}
}

/* On-prem traffic is bought as flat transit, not per GB: say so when none is given. */
static void note_transit(const struct scenario *s, const struct deployment *d,
			 struct strbuf *notes, unsigned *incomplete)
{
	const struct deployment *owner = d->kind == DEPLOYMENT_HYBRID ?
		scenario_find_deployment(s, d->base) : d;

	if (any_egress(s) && owner && !(owner->transit_per_month > 0)) {
		add_note(notes, "deployment %s: egress goes out over transit and no "
			 "transit_per_month is given; counted as 0, the total is incomplete\n",
			 owner->name);
		*incomplete |= COST_BIT(COST_NETWORK);
	}
}

static int prepare_deployment(struct db *db, struct prepare_memo *memo,
			      const struct scenario *s, const struct deployment *d, double fx,
			      double hot_gb_s, struct deployment_input *din,
			      struct tco_prices_used *used)
{
	const char *accelerator = deployment_accelerator(s, d);
	struct strbuf *notes = &din->notes;
	int one_server = 0;

	if (d->kind != DEPLOYMENT_CLOUD)
		note_transit(s, d, notes, &din->incomplete);

	din->shortage_fallback_per_gpu_hour = NAN;
	if (d->kind == DEPLOYMENT_CLOUD) {
		int min_gpus;

		if (fitting_instance_size(db, memo, s, d, &min_gpus, notes) < 0 ||
		    resolve_cloud(db, memo, s, d, hot_gb_s, min_gpus, &din->cloud, notes,
				  &din->incomplete) < 0)
			return -1;
		/* The store's offer decides what a cloud deployment runs on. */
		if (din->cloud.accelerator)
			accelerator = din->cloud.accelerator;
	} else if (d->kind == DEPLOYMENT_ONPREM) {
		int order = isnan(d->order_month) || d->order_month < 1 ? 0 :
			(int)d->order_month - 1;
		double lead_hours = isnan(d->lead_time_hours) ? 0 : d->lead_time_hours;

		/* Paid for and depreciating, but never running anything: say so. */
		if (order * HOURS_PER_MONTH + lead_hours >= s->horizon_months * HOURS_PER_MONTH)
			add_note(notes, "deployment %s: the hardware arrives after the %d-month "
				 "horizon (ordered in month %d, lead time %.3g months); %s\n",
				 d->name, s->horizon_months, order + 1,
				 lead_hours / HOURS_PER_MONTH,
				 d->fallback ? "all its work runs on the fallback"
				 : "none of its work is done");
		if (d->fallback && resolve_fallback(db, memo, s, d->fallback, accelerator,
						    &din->cloud, notes) < 0) {
			error_prefix("deployments.%s: ", d->name);
			return -1;
		}
		if (din->cloud.present)
			din->cloud.gpu_hours_factor = gpu_hours_factor(db, memo, accelerator,
								       din->cloud.accelerator, notes);
	} else {
		const struct deployment *burst = scenario_find_deployment(s, d->burst);

		if (!burst || burst->kind != DEPLOYMENT_CLOUD) {
			error_set("deployments.%s.burst: expected a cloud deployment", d->name);
			return -1;
		}
		if (resolve_cloud(db, memo, s, burst, hot_gb_s, 0, &din->cloud, notes, NULL) < 0)
			return -1;
		din->cloud.gpu_hours_factor = gpu_hours_factor(db, memo, accelerator,
							       din->cloud.accelerator, notes);
	}
	take_used(used, d->name, &din->cloud.used);
	convert_store_prices(&din->cloud, fx);
	/* Only an on-prem's own shortage hits its own chip; else the cloud hours'. */
	if (shortage_fallback_price(db, memo, s, d, d->kind == DEPLOYMENT_ONPREM &&
				    tco_shortage_spec(s, d) == &d->shortage ?
				    accelerator : din->cloud.accelerator, fx,
				    &din->shortage_fallback_per_gpu_hour, notes, used) < 0)
		return -1;
	din->unfit = xcalloc(s->nworkloads + 1, sizeof(*din->unfit));
	din->failed = xcalloc(s->nworkloads + 1, sizeof(*din->failed));
	/*
	 * A cloud deployment's inference runs over its offer's cluster fabric, and
	 * stays on one instance when the offer has none (an interconnect of "none",
	 * stored or its family's in fabric.c) unless the deployment gives its own
	 * scaleout_gb_s: tensor parallelism over that instance's accelerators only,
	 * and training's too. A what-if price, on-prem servers and a hybrid's burst
	 * plan on the accelerator's own network figures, as training does everywhere.
	 */
	if (d->kind == DEPLOYMENT_CLOUD && din->cloud.no_cluster_fabric &&
	    isnan(d->scaleout_gb_s)) {
		one_server = din->cloud.gpus_per_instance > 0 ? din->cloud.gpus_per_instance : 1;
		note_training_across_instances(s, d, &din->cloud, notes);
	}
	if (resolve_demand(db, memo, s, accelerator, NULL, d, one_server, &din->demand, notes,
			   din->unfit, din->failed) < 0 ||
	    resolve_pipelines(db, s, d, fx, din) < 0 ||
	    resolve_feature_stores(db, s, d, fx, din) < 0) {
		error_prefix("deployments.%s: ", d->name);
		return -1;
	}
	din->bf16_tflops = accelerator_bf16_tflops(db, memo, accelerator);
	return 0;
}

static const char *const route_names[ROUTE_NROUTES] = { "internet", "inter-region", "inter-zone" };

/*
 * data.location's prices: the egress tiers out of it on every route and its
 * storage, in the scenario's currency (FX). An on-prem site needs none.
 * STORAGE_FOUND says whether every storage class had a price.
 */
static void resolve_data_site(struct db *db, const struct scenario *s, double fx,
			      double hot_gb_s, struct data_site *site, bool *storage_found,
			      struct strbuf *notes)
{
	const char *location = s->data.location, *slash;
	const struct deployment *onprem = location ? scenario_find_deployment(s, location) : NULL;

	memset(site, 0, sizeof(*site));
	*storage_found = true;
	if (!location)
		return;
	site->present = true;
	if (onprem) {
		site->onprem = onprem;
		return;
	}
	slash = strchr(location, '/');
	site->provider = xstrndup(location, slash ? (size_t)(slash - location) : strlen(location));
	site->region = slash ? xstrdup(slash + 1) : NULL;
	for (int r = 0; r < ROUTE_NROUTES; r++) {
		struct egress_tier_list tiers = { 0 };

		if (db_egress_tiers(db, site->provider, site->region, route_names[r], &tiers) < 0)
			error_clear();
		for (size_t k = 0; k < tiers.n; k++)
			tiers.items[k].price_per_gb *= fx;
		site->tiers[r] = tiers.items;
		site->ntiers[r] = tiers.n;
	}
	if (s->data.stored_bytes > 0 || s->data.growth_per_month_bytes > 0) {
		*storage_found = store_storage_prices(db, s, site->provider, site->region, hot_gb_s,
						      "data.location", &site->block_per_gb_month,
						      &site->hot_tiers,
						      &site->object_per_gb_month,
						      &site->retrieval_per_gb, notes);
		site->block_per_gb_month *= fx;
		for (size_t k = 0; k < site->hot_tiers.n; k++)
			site->hot_tiers.per_gb_month[k] *= fx;
		site->object_per_gb_month *= fx;
		site->retrieval_per_gb *= fx;
	}
}

/* What D cannot price of reading the data where it lives: notes and INCOMPLETE bits. */
static void note_data_site(const struct scenario *s, const struct data_site *site,
			   bool storage_found, const struct deployment *d,
			   struct deployment_input *din)
{
	int route = tco_data_route(site, d);

	if (route == DATA_LOCAL)
		return;
	if (route == DATA_TRANSIT) {
		if (!(site->onprem->transit_per_month > 0)) {
			add_note(&din->notes, "deployment %s: the data leaves %s over its transit "
				 "and no transit_per_month is given; counted as 0, the total is "
				 "incomplete\n", d->name, site->onprem->name);
			din->incomplete |= COST_BIT(COST_EGRESS);
		}
		add_note(&din->notes, "deployment %s: the data's storage in %s is that "
			 "deployment's storage_capex, not in this total\n", d->name,
			 site->onprem->name);
		return;
	}
	if (site->ntiers[route] == 0) {
		add_note(&din->notes, "deployment %s: no %s egress tiers for %s; reads of the data "
			 "counted as 0, the total is incomplete\n", d->name, route_names[route],
			 site->provider);
		din->incomplete |= COST_BIT(COST_EGRESS);
	}
	if (!storage_found)
		din->incomplete |= COST_BIT(COST_STORAGE);
	(void)s;
}

#define FX_BASE "EUR"          /* the reference rates are per euro (ECB) */
#define STORE_CURRENCY "USD"   /* every price in the store */

/* Units of CODE per euro, from the store's fx-EUR-CODE fact; -1 when none. */
static int euro_rate(struct db *db, const char *code, struct fact *out)
{
	struct strbuf key = STRBUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strcmp(code, FX_BASE) == 0) {
		out->low = 1;
		return 0;
	}
	strbuf_addf(&key, "fx-" FX_BASE "-%s", code);
	rc = db_fact(db, key.buf, out);
	strbuf_release(&key);
	if (rc == 0 && !(out->low > 0)) {
		fact_release(out);
		rc = -1;
	}
	return rc;
}

/* "AUD, BRL, ..., ZAR": every currency the store has a rate for. */
static void known_currencies(struct db *db, struct strbuf *out)
{
	struct fact_list facts = { 0 };

	strbuf_adds(out, FX_BASE);
	if (db_list_facts(db, &facts) < 0) {
		error_clear();
		return;
	}
	for (size_t i = 0; i < facts.n; i++)
		if (str_starts_with(facts.items[i].key, "fx-" FX_BASE "-"))
			strbuf_addf(out, ", %s", facts.items[i].key + strlen("fx-" FX_BASE "-"));
	fact_list_release(&facts);
}

/*
 * The rate from the store's currency to S's (through the euro), or none when
 * they are the same. An unknown code is an error naming the known ones.
 */
int tco_resolve_fx(struct db *db, const struct scenario *s, struct tco_fx *out)
{
	const char *to = s->currency ? s->currency : STORE_CURRENCY;
	struct fact from_rate, to_rate;

	memset(out, 0, sizeof(*out));
	if (str_ieq(to, STORE_CURRENCY))
		return 0;
	if (euro_rate(db, STORE_CURRENCY, &from_rate) < 0) {
		error_set("currency: no %s exchange rate in the price store (pricing/fx.csv, or "
			  "aicost pricing update --provider fx)", STORE_CURRENCY);
		return -1;
	}
	if (euro_rate(db, to, &to_rate) < 0) {
		struct strbuf known = STRBUF_INIT;

		known_currencies(db, &known);
		error_set("currency: no exchange rate for '%s' in the price store; known: %s",
			  to, known.buf);
		strbuf_release(&known);
		fact_release(&from_rate);
		return -1;
	}
	out->present = true;
	out->from = xstrdup(STORE_CURRENCY);
	out->to = xstrdup(to);
	out->rate = to_rate.low / from_rate.low;
	out->date = xstrdup(from_rate.observed ? from_rate.observed : "");
	out->source = xstrdup(from_rate.source ? from_rate.source : "");
	fact_release(&from_rate);
	fact_release(&to_rate);
	return 0;
}

void tco_fx_release(struct tco_fx *fx)
{
	free(fx->from);
	free(fx->to);
	free(fx->date);
	free(fx->source);
	memset(fx, 0, sizeof(*fx));
}

/* ---- checking a scenario's offers against the store (validate) ---- */

/* Adds NAME to NAMES (of N, ALLOC) unless it is there. */
static void add_distinct(const char ***names, size_t *n, size_t *alloc, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*names)[i], name) == 0)
			return;
	xgrow((void **)names, alloc, *n + 1, sizeof(**names));
	(*names)[(*n)++] = name;
}

/* ", did you mean 'X'?" or " (known: a, b, ...)" for NAME among NAMES. */
static void add_suggestion(struct strbuf *sb, const char *name, const char **names, size_t n)
{
	const char *guess = suggest_word(name, names, n);

	if (guess) {
		strbuf_addf(sb, "; did you mean '%s'?", guess);
		return;
	}
	strbuf_adds(sb, " (known: ");
	for (size_t i = 0; i < n && i < 12; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", names[i]);
	strbuf_adds(sb, n > 12 ? ", ...)" : ")");
}

/*
 * A cloud deployment priced from the store names a provider, instance and region
 * that have an on-demand price there (what estimate looks up), else the field
 * that does not is reported, with the names the store has.
 */
/*
 * Without an instance estimate takes the cheapest on-demand offer of ACCELERATOR
 * where D's region matches: report D's accelerator when PROVIDER_OFFERS (the
 * provider's on-demand offers) hold none, with the chips they do hold there.
 */
static void check_chip_offer(struct db *db, const struct deployment *d, size_t k,
			     const char *accelerator, const struct offer_list *provider_offers,
			     struct strbuf *errors)
{
	struct priced_offer found;
	const char **names = NULL;
	size_t nnames = 0, alloc = 0;

	/* The very lookup resolve_cloud makes; an unknown chip is reported with the
	 * accelerator itself. */
	if (cheapest_offer(db, NULL, d->provider, d->region, NULL, accelerator, "on-demand", 0,
			   &found) < 0) {
		error_clear();
		return;
	}
	if (found.found)
		goto cleanup;   /* the offer estimate will find */
	for (size_t i = 0; i < provider_offers->n; i++) {
		const struct offer *o = &provider_offers->items[i];

		if (o->accelerator && (!d->region ||
				       fnmatch(d->region, o->region, FNM_CASEFOLD) == 0))
			add_distinct(&names, &nnames, &alloc, o->accelerator);
	}
	strbuf_addf(errors, "%s: deployments[%zu].accelerator: %s has no on-demand %s offer "
		    "in region '%s' in the price store", d->accelerator ? d->accelerator_where
		    : d->where, k, d->provider, accelerator, d->region ? d->region : "*");
	add_suggestion(errors, accelerator, names, nnames);
	strbuf_addch(errors, '\n');
cleanup:
	free(names);
	priced_offer_release(&found);
}

static void check_cloud_offer(struct db *db, const struct scenario *s,
			      const struct deployment *d, size_t k, struct strbuf *errors)
{
	struct offer_filter filter = { 0 };
	struct offer_list offers = { 0 };
	const char **names = NULL;
	size_t nnames = 0, alloc = 0;
	bool instance_known = false;
	const char *accelerator = d->accelerator;

	/* the chip estimate prices a deployment without an instance on */
	for (size_t i = 0; !accelerator && i < s->nworkloads; i++)
		accelerator = s->workloads[i].accelerator;

	if (d->kind != DEPLOYMENT_CLOUD || !d->provider || !isnan(d->price_per_gpu_hour))
		return;
	filter.providers = d->provider;
	filter.purchase = "on-demand";
	if (db_query_offers(db, &filter, &offers) < 0) {
		strbuf_addf(errors, "%s: deployments[%zu]: %s\n", d->where, k, error_get());
		error_clear();
		return;
	}
	for (size_t i = 0; i < offers.n; i++) {
		const struct offer *o = &offers.items[i];

		if (d->instance && strcmp(o->instance_type, d->instance) != 0)
			continue;
		instance_known = true;
		if (!d->region || fnmatch(d->region, o->region, FNM_CASEFOLD) == 0) {
			if (!d->instance && accelerator)
				check_chip_offer(db, d, k, accelerator, &offers, errors);
			goto cleanup;   /* the offer estimate will find */
		}
	}
	if (offers.n == 0) {
		char **providers = NULL;
		size_t nproviders = 0;

		if (db_providers(db, &providers, &nproviders) < 0)
			error_clear();
		strbuf_addf(errors, "%s: deployments[%zu].provider: no on-demand prices for "
			    "provider '%s' in the price store", d->where, k, d->provider);
		add_suggestion(errors, d->provider, (const char **)providers, nproviders);
		strbuf_addch(errors, '\n');
		for (size_t i = 0; i < nproviders; i++)
			free(providers[i]);
		free(providers);
	} else if (!instance_known) {
		for (size_t i = 0; i < offers.n; i++)
			add_distinct(&names, &nnames, &alloc, offers.items[i].instance_type);
		strbuf_addf(errors, "%s: deployments[%zu].instance: %s has no instance type '%s' "
			    "in the price store", d->where, k, d->provider, d->instance);
		add_suggestion(errors, d->instance, names, nnames);
		strbuf_addch(errors, '\n');
	} else {
		for (size_t i = 0; i < offers.n; i++)
			if (!d->instance || strcmp(offers.items[i].instance_type, d->instance) == 0)
				add_distinct(&names, &nnames, &alloc, offers.items[i].region);
		strbuf_addf(errors, "%s: deployments[%zu].region: no on-demand price for %s in "
			    "region '%s' in the price store", d->where, k,
			    d->instance ? d->instance : d->provider, d->region);
		add_suggestion(errors, d->region, names, nnames);
		strbuf_addch(errors, '\n');
	}
cleanup:
	free(names);
	offer_list_release(&offers);
}

/*
 * A shortage fallback given as provider/region must name a place the store has
 * on-demand offers in (estimate buys there); a typo fails here, with its place.
 */
static void check_fallback_offer(struct db *db, const struct deployment *d, size_t k,
				 struct strbuf *errors)
{
	const char *fallback = d->shortage.fallback;
	const char *slash = fallback ? strchr(fallback, '/') : NULL;
	struct offer_filter filter = { 0 };
	struct offer_list offers = { 0 };
	char *provider;

	if (!slash)
		return;
	provider = xstrndup(fallback, (size_t)(slash - fallback));
	filter.providers = provider;
	filter.purchase = "on-demand";
	filter.region_glob = slash + 1;
	if (db_query_offers(db, &filter, &offers) < 0)
		error_clear();
	else if (offers.n == 0)
		strbuf_addf(errors, "%s: deployments[%zu].shortage.fallback: %s has no on-demand "
			    "offer in region '%s' in the price store\n", d->where, k, provider,
			    slash + 1);
	offer_list_release(&offers);
	free(provider);
}

void tco_check(struct db *db, const struct scenario *s, size_t k, struct strbuf *errors)
{
	check_cloud_offer(db, s, &s->deployments[k], k, errors);
	check_fallback_offer(db, &s->deployments[k], k, errors);
}

/* Whether the store has a CLASS storage price for PROVIDER at REGION itself; WARNINGS when not. */
static void check_storage_at(struct db *db, const struct scenario *s, const char *provider,
			     const char *region, const char *storage_class,
			     struct strbuf *warnings)
{
	struct storage_price price = { 0 };

	if (db_storage_price(db, provider, region, storage_class, &price) < 0) {
		error_clear();
		strbuf_addf(warnings, "%s: data.location: no %s storage price for %s in the price "
			    "store; estimate counts that storage as 0 (storage_price on a "
			    "deployment does not reach it)\n", s->data.location_where, storage_class,
			    provider);
		return;
	}
	if (!str_ieq(price.region, region) && strcmp(price.region, "global") != 0)
		strbuf_addf(warnings, "%s: data.location: no %s storage price for %s/%s in the "
			    "price store; estimate prices it as in %s (%s)\n",
			    s->data.location_where, storage_class, provider, region, price.region,
			    price.product);
	storage_price_release(&price);
}

void tco_check_data(struct db *db, const struct scenario *s, struct strbuf *errors,
		    struct strbuf *warnings)
{
	const char *location = s->data.location, *slash;
	struct offer_filter filter = { 0 };
	struct offer_list offers = { 0 };
	const char **names = NULL;
	size_t nnames = 0, alloc = 0, nproviders = 0;
	char **providers = NULL, *provider = NULL;
	bool known = false;

	if (!location || scenario_find_deployment(s, location) || !(slash = strchr(location, '/')))
		return;   /* on-prem data, or reported by the scenario's own checks */
	provider = xstrndup(location, (size_t)(slash - location));
	if (db_providers(db, &providers, &nproviders) < 0)
		error_clear();
	for (size_t i = 0; i < nproviders; i++)
		known = known || str_ieq(providers[i], provider);
	if (!known) {
		strbuf_addf(errors, "%s: data.location: no provider '%s' in the price store",
			    s->data.location_where, provider);
		add_suggestion(errors, provider, (const char **)providers, nproviders);
		strbuf_addch(errors, '\n');
		goto cleanup;
	}
	filter.providers = provider;
	if (db_query_offers(db, &filter, &offers) < 0) {
		strbuf_addf(errors, "%s: data.location: %s\n", s->data.location_where, error_get());
		error_clear();
		goto cleanup;
	}
	known = false;
	for (size_t i = 0; i < offers.n; i++) {
		known = known || str_ieq(offers.items[i].region, slash + 1);
		add_distinct(&names, &nnames, &alloc, offers.items[i].region);
	}
	if (!known) {
		strbuf_addf(errors, "%s: data.location: %s has no region '%s' in the price store",
			    s->data.location_where, provider, slash + 1);
		add_suggestion(errors, slash + 1, names, nnames);
		strbuf_addch(errors, '\n');
		goto cleanup;
	}
	if (s->data.stored_bytes > 0 || s->data.growth_per_month_bytes > 0)
		check_storage_at(db, s, provider, slash + 1,
				 s->data.cold_class ? s->data.cold_class : "hot", warnings);
cleanup:
	for (size_t i = 0; i < nproviders; i++)
		free(providers[i]);
	free(providers);
	free(names);
	offer_list_release(&offers);
	free(provider);
}

/*
 * Workload I could not be described on its own accelerator (OWN_UNFIT says
 * why): describe it on the first deployment that runs it, and say so. -1 with
 * the run's error (FAILED) when no deployment can run it.
 */
static int describe_elsewhere(struct db *db, const struct scenario *s, size_t i,
			      const char *own_unfit, const char *failed, struct tco_input *in)
{
	const struct workload *w = &s->workloads[i];
	struct scenario one = *s;
	struct workload_demand *demand;

	for (size_t k = 0; k < s->ndeployments; k++) {
		const struct deployment_input *din = &in->deployments[k];

		if (din->unfit[i])
			continue;
		one.workloads = &s->workloads[i];
		one.nworkloads = 1;
		if (resolve_demand(db, NULL, &one, din->demand[i].accelerator, NULL, NULL, 0,
				   &demand,
				   &in->notes, NULL, NULL) < 0)
			return -1;
		workload_demand_release(&in->demand[i]);
		in->demand[i] = demand[0];
		free(demand);
		add_note(&in->notes, "workload %s: its figures are shown on %s, as deployment %s "
			 "runs it: %s\n", w->name, in->demand[i].accelerator,
			 s->deployments[k].name, own_unfit);
		return 0;
	}
	error_set("%s", failed);
	return -1;
}

/*
 * What the hot share's parallel file system must deliver, in GB/s:
 * data.hot_throughput, else the rate at which the training runs read the data
 * while they run (DEMAND: on their own accelerators), the most in any month.
 */
static double hot_throughput_gb_s(const struct scenario *s, const struct workload_demand *demand)
{
	if (!isnan(s->data.hot_throughput_bytes_per_s))
		return s->data.hot_throughput_bytes_per_s / 1e9;
	if (!s->data.hot_class || strcmp(s->data.hot_class, "parallel-fs") != 0)
		return 0;
	return tco_data_read_peak_gb_s(s, demand);
}

int tco_prepare(struct db *db, const struct scenario *s, const struct tco_options *opts,
		struct tco_input *out)
{
	bool site_storage_found;
	double hot_gb_s;
	char **own_unfit = xcalloc(s->nworkloads + 1, sizeof(char *));
	char **own_failed = xcalloc(s->nworkloads + 1, sizeof(char *));
	struct prepare_memo memo = { 0 };
	int result = -1;

	memset(out, 0, sizeof(*out));
	out->scenario = s;
	out->opts = *opts;
	strbuf_init(&out->notes, 0);
	if (tco_resolve_fx(db, s, &out->fx) < 0) {
		if (s->path)
			error_prefix("%s: ", s->path);
		goto cleanup;
	}
	out->deployments = xcalloc(s->ndeployments + 1, sizeof(*out->deployments));
	/* The workloads as written first (their errors name the file and line): on
	 * their own accelerator, else on the first deployment's. */
	if (resolve_demand(db, &memo, s, NULL, s->ndeployments > 0 ?
			   deployment_accelerator(s, &s->deployments[0]) : NULL, NULL, 0, &out->demand,
			   &out->notes, own_unfit, own_failed) < 0)
		goto cleanup;
	for (size_t i = 0; i < s->ndeployments; i++)
		strbuf_init(&out->deployments[i].notes, 0);
	hot_gb_s = hot_throughput_gb_s(s, out->demand);
	resolve_data_site(db, s, out->fx.present ? out->fx.rate : 1, hot_gb_s, &out->data_site,
			  &site_storage_found, &out->notes);
	for (size_t i = 0; i < s->ndeployments; i++) {
		if (prepare_deployment(db, &memo, s, &s->deployments[i],
				       out->fx.present ? out->fx.rate : 1, hot_gb_s,
				       &out->deployments[i], &out->prices) < 0)
			goto cleanup;
		note_data_site(s, &out->data_site, site_storage_found, &s->deployments[i],
			       &out->deployments[i]);
		/* Every deployment's notes once in the scenario's. */
		add_lines(&out->notes, out->deployments[i].notes.buf);
	}
	/* A workload that runs on no deployment is an error; where some run it, the
	 * others are excluded (tco_compute). */
	for (size_t i = 0; i < s->nworkloads; i++) {
		bool runs = false;

		for (size_t k = 0; k < s->ndeployments; k++)
			runs = runs || !out->deployments[k].unfit[i];
		if (!runs && !own_failed[i] && s->ndeployments > 0) {
			error_set("%s", out->deployments[0].failed[i]);
			goto cleanup;
		}
		if (own_failed[i] && describe_elsewhere(db, s, i, own_unfit[i], own_failed[i],
							out) < 0)
			goto cleanup;
	}
	result = 0;
cleanup:
	prepare_memo_release(&memo);
	free_strings(own_unfit, s->nworkloads);
	free_strings(own_failed, s->nworkloads);
	if (result < 0)
		tco_input_release(out);
	return result;
}

void tco_input_release(struct tco_input *in)
{
	const struct scenario *s = in->scenario;

	for (size_t i = 0; s && in->deployments && i < s->ndeployments; i++) {
		cloud_pricing_release(&in->deployments[i].cloud);
		for (size_t k = 0; in->deployments[i].pipelines && k < s->nworkloads; k++)
			free(in->deployments[i].pipelines[k].instance);
		free(in->deployments[i].pipelines);
		feature_store_runs_release(in->deployments[i].feature_stores, s->nworkloads);
		strbuf_release(&in->deployments[i].notes);
		free_strings(in->deployments[i].unfit, s->nworkloads);
		free_strings(in->deployments[i].failed, s->nworkloads);
		demand_release_all(in->deployments[i].demand, s->nworkloads);
	}
	free(in->deployments);
	if (s)
		demand_release_all(in->demand, s->nworkloads);
	strbuf_release(&in->notes);
	tco_fx_release(&in->fx);
	tco_prices_used_release(&in->prices);
	data_site_release(&in->data_site);
	memset(in, 0, sizeof(*in));
}

int tco_run(struct db *db, const struct scenario *s, const struct tco_options *opts,
	    struct tco_result *out)
{
	struct tco_input in;

	if (tco_prepare(db, s, opts, &in) < 0)
		return -1;
	if (tco_compute(&in, out) < 0) {
		tco_input_release(&in);
		return -1;
	}
	out->demand = in.demand;
	out->ndemand = s->nworkloads;
	in.demand = NULL;
	/* What the data's place cost each deployment is known only now. */
	for (size_t i = 0; in.data_site.present && i < out->ndeployments; i++)
		add_lines(&in.notes, out->deployments[i].notes);
	if (in.notes.len)
		out->notes = strbuf_detach(&in.notes, NULL);
	out->prices = in.prices;
	memset(&in.prices, 0, sizeof(in.prices));
	tco_input_release(&in);
	return 0;
}
