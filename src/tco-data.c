/*
 * Data gravity: the storage and egress of a deployment whose data lives
 * elsewhere (data.location). Reads by compute in another place leave the data's
 * provider: over the internet across providers (and to on-prem), between
 * regions within one provider, free within a region; on-prem data goes out over
 * its transit. Or the data is copied once to the deployment (data.replicate).
 */
#include "tco.h"
#include "table.h"   /* format_grouped */
#include "units.h"
#include "util.h"

#include <math.h>
#include <string.h>

#define GB 1e9

static double overlap(double a0, double a1, double b0, double b1)
{
	return fmax(0.0, fmin(a1, b1) - fmax(a0, b0));
}

static double data_read_gb(const struct scenario *s, const struct workload *w)
{
	if (!isnan(w->data_read_bytes))
		return w->data_read_bytes / GB;
	return w->epochs * s->data.stored_bytes / GB;
}

void tco_data_reads(const struct scenario *s, const struct workload_demand *demand,
		    const struct pipeline_run *runs, double *read_gb)
{
	int months = s->horizon_months;

	for (int m = 0; m < months; m++)
		read_gb[m] = 0;
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const struct workload_demand *d = &demand[i];
		double start = isnan(w->start_hours) ? 0 : w->start_hours;
		double wall = d->wall_hours, gb = data_read_gb(s, w);

		if (w->kind == WORKLOAD_PIPELINE && runs && runs[i].present) {
			gb = isnan(w->pipeline.input_bytes) ? 0 : w->pipeline.input_bytes / GB;
			wall = runs[i].wall_hours;
		} else if (w->kind != WORKLOAD_TRAINING) {
			continue;
		}
		if (!(gb > 0))
			continue;
		if (!(wall > 0))
			wall = d->gpu_hours / (d->gpus > 0 ? d->gpus : 1);
		if (!(wall > 0))
			continue;
		for (int m = 0; m < months; m++)
			read_gb[m] += gb * overlap(start, start + wall, m * HOURS_PER_MONTH,
						   (m + 1) * HOURS_PER_MONTH) / wall;
	}
}

double tco_data_read_peak_gb_s(const struct scenario *s, const struct workload_demand *demand)
{
	double peak = 0;

	for (int m = 0; m < s->horizon_months; m++) {
		double rate = 0;

		for (size_t i = 0; i < s->nworkloads; i++) {
			const struct workload *w = &s->workloads[i];
			const struct workload_demand *d = &demand[i];
			double start = isnan(w->start_hours) ? 0 : w->start_hours;
			double wall = d->wall_hours > 0 ? d->wall_hours :
				d->gpu_hours / (d->gpus > 0 ? d->gpus : 1);

			if (w->kind != WORKLOAD_TRAINING || !(wall > 0) ||
			    !(overlap(start, start + wall, m * HOURS_PER_MONTH,
				      (m + 1) * HOURS_PER_MONTH) > 0))
				continue;
			rate += data_read_gb(s, w) / (wall * 3600);
		}
		peak = fmax(peak, rate);
	}
	return peak;
}

static enum data_route route_named(const char *destination)
{
	if (destination && strcmp(destination, "inter-region") == 0)
		return ROUTE_INTER_REGION;
	if (destination && strcmp(destination, "inter-zone") == 0)
		return ROUTE_INTER_ZONE;
	return ROUTE_INTERNET;
}

int tco_data_route(const struct data_site *site, const struct deployment *d)
{
	bool onprem = d->kind != DEPLOYMENT_CLOUD;   /* a hybrid reads at its base */

	if (!site->present)
		return DATA_LOCAL;
	if (site->onprem)
		return onprem ? DATA_LOCAL : DATA_TRANSIT;
	if (onprem || !str_ieq(site->provider, d->provider))
		return ROUTE_INTERNET;
	/* A deployment that names no region is taken to run where the data is. */
	if (!d->region || str_ieq(site->region, d->region))
		return DATA_LOCAL;
	return ROUTE_INTER_REGION;
}

/* What one plan costs month by month: storage and egress. */
struct data_plan {
	double *storage, *egress;
	double total;
};

static void site_egress(const struct data_site *site, const double (*gb)[ROUTE_NROUTES],
			int m, double *out)
{
	for (int r = 0; r < ROUTE_NROUTES; r++)
		*out += egress_cost(site->tiers[r], site->ntiers[r], gb[m][r]);
}

void tco_data_costs(const struct scenario *s, const struct deployment *d,
		    const struct deployment_input *din, const struct data_site *site,
		    const double *egress_gb, double (*by)[COST_NCOMPONENTS], struct strbuf *notes)
{
	int months = s->horizon_months, route = tco_data_route(site, d);
	double hot = isnan(s->data.hot_fraction) ? 0.2 : s->data.hot_fraction;
	double data_egress_gb = s->data.egress_per_month_bytes / GB;
	enum data_route data_route = route_named(s->data.egress_to);
	const struct cloud_pricing *own = &din->cloud;
	/* D's own egress shares the site's tiers when both are one provider's. */
	bool shared_tiers = route == ROUTE_INTER_REGION && isnan(d->egress_price_per_gb);
	double *read_gb, (*across)[ROUTE_NROUTES], (*copy)[ROUTE_NROUTES];
	struct data_plan read = { 0 }, replicate = { 0 };
	const struct data_plan *chosen;
	double read_total_gb = 0;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;

	if (route == DATA_LOCAL)
		return;
	read_gb = xcalloc((size_t)months, sizeof(double));
	across = xcalloc((size_t)months, sizeof(*across));
	copy = xcalloc((size_t)months, sizeof(*copy));
	read.storage = xcalloc((size_t)months, sizeof(double));
	read.egress = xcalloc((size_t)months, sizeof(double));
	replicate.storage = xcalloc((size_t)months, sizeof(double));
	replicate.egress = xcalloc((size_t)months, sizeof(double));
	tco_data_reads(s, din->demand, din->pipelines, read_gb);
	for (int m = 0; m < months; m++) {
		double stored_gb = (s->data.stored_bytes + s->data.growth_per_month_bytes * m) / GB;
		double moved_gb = (m == 0 ? s->data.stored_bytes : s->data.growth_per_month_bytes) / GB;
		double own_egress_gb = fmax(0, egress_gb[m] - data_egress_gb);
		double site_storage = 0;

		read_total_gb += read_gb[m];
		if (route == DATA_TRANSIT) {
			/* On-prem data: its storage is that deployment's storage_capex, and
			 * it leaves over that building's transit in the months it moves. */
			double transit = site->onprem->transit_per_month;

			read.egress[m] = (own->negress_tiers ? egress_cost(own->egress_tiers,
									   own->negress_tiers,
									   own_egress_gb) : 0) +
				(read_gb[m] > 0 ? transit : 0);
			replicate.egress[m] = by[m][COST_EGRESS] + (moved_gb > 0 ? transit : 0);
			replicate.storage[m] = by[m][COST_STORAGE];
			continue;
		}
		site_storage = tco_hot_storage(site->block_per_gb_month, &site->hot_tiers,
					       stored_gb * hot, NULL) +
			stored_gb * (1 - hot) * site->object_per_gb_month;
		/* Reading across: every read leaves the site, and so does the data's own
		 * egress (it is served from where it lives). */
		across[m][route] += read_gb[m];
		across[m][data_route] += data_egress_gb;
		read.storage[m] = site_storage + data_egress_gb * site->retrieval_per_gb;
		if (shared_tiers)
			across[m][data_route] += own_egress_gb;
		else if (d->kind == DEPLOYMENT_CLOUD && own->negress_tiers)
			read.egress[m] = egress_cost(own->egress_tiers, own->negress_tiers,
						     own_egress_gb);
		site_egress(site, (const double (*)[ROUTE_NROUTES])across, m, &read.egress[m]);
		/* Replicating: one copy (then the growth) leaves the site; the copy is
		 * stored and served where the deployment is, as if it lived there. */
		copy[m][route] += moved_gb;
		replicate.storage[m] = by[m][COST_STORAGE] + site_storage;
		replicate.egress[m] = by[m][COST_EGRESS];
		site_egress(site, (const double (*)[ROUTE_NROUTES])copy, m, &replicate.egress[m]);
	}
	for (int m = 0; m < months; m++) {
		read.total += read.storage[m] + read.egress[m];
		replicate.total += replicate.storage[m] + replicate.egress[m];
	}
	chosen = s->data.replicate ? &replicate : &read;
	for (int m = 0; m < months; m++) {
		by[m][COST_STORAGE] = chosen->storage[m];
		by[m][COST_EGRESS] = chosen->egress[m];
	}
	format_grouped(&a, read.total, 0);
	format_grouped(&b, replicate.total, 0);
	format_grouped(&c, read_total_gb, 0);
	strbuf_addf(notes, "deployment %s: the data lives in %s; reading it there (%s GB over "
		    "the horizon, %s) costs %s %s in storage and egress, replicating it once "
		    "costs %s %s: %s is cheaper%s\n", d->name, s->data.location,
		    c.buf,
		    route == DATA_TRANSIT ? "over its transit" : route == ROUTE_INTERNET ?
		    "internet egress" : "inter-region transfer",
		    a.buf, s->currency, b.buf, s->currency,
		    replicate.total < read.total ? "replicating" : "reading across",
		    s->data.replicate ? " (priced: replicate)" : " (priced: read across)");
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	free(read_gb);
	free(across);
	free(copy);
	free(read.storage);
	free(read.egress);
	free(replicate.storage);
	free(replicate.egress);
}

void data_site_release(struct data_site *site)
{
	for (int r = 0; r < ROUTE_NROUTES; r++) {
		struct egress_tier_list tiers = { site->tiers[r], site->ntiers[r], site->ntiers[r] };

		egress_tier_list_release(&tiers);
	}
	free(site->provider);
	free(site->region);
	memset(site, 0, sizeof(*site));
}
