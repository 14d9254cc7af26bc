/*
 * The total-cost engine: month-by-month cash for cloud, on-prem and hybrid
 * deployments, following the cost conventions in aicost-estimate(1). Everything
 * here is pure: tco_compute() sees only its input and the seed.
 */
#include "tco.h"
#include "table.h"   /* format_grouped */
#include "units.h"
#include "util.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

const char *const cost_component_names[COST_NCOMPONENTS] = {
	"compute", "storage", "egress", "shortage", "capex", "power",
	"facility", "staff", "network", "maintenance", "residual", "pipeline", "labeling",
};

#define GB 1e9
#define IDLE_DRAW_DEFAULT 0.3
#define PUE_DEFAULT 1.3
#define GPUS_PER_SERVER_DEFAULT 8
#define DEPRECIATION_HOURS_DEFAULT (5 * HOURS_PER_YEAR)
#define INFERENCE_RESTART_HOURS 0.25

static double or_default(double value, double fallback)
{
	return isnan(value) ? fallback : value;
}

double egress_cost(const struct egress_tier *tiers, size_t ntiers, double gb)
{
	double usd = 0;

	for (size_t i = 0; i < ntiers; i++) {
		if (gb <= tiers[i].start_gb)
			continue;
		usd += (fmin(gb, tiers[i].end_gb) - tiers[i].start_gb) * tiers[i].price_per_gb;
	}
	return usd;
}

double tco_npv(const double *monthly, int months, double discount_rate)
{
	double npv = 0;

	for (int m = 1; m <= months; m++)
		npv += monthly[m - 1] / pow(1 + discount_rate, m / 12.0);
	return npv;
}

int tco_breakeven_month(const double *cumulative, const double *baseline, int months)
{
	int last_above = -1;

	for (int m = 0; m < months; m++) {
		/* A relative hair of slack so that equal costs summed in another order tie. */
		double slack = 1e-9 * fmax(fabs(baseline[m]), 1.0);

		if (cumulative[m] > baseline[m] + slack)
			last_above = m;
	}
	if (last_above == months - 1)
		return 0;
	return last_above + 2;
}

/*
 * fmax(0, fmin(a1, b1) - fmax(a0, b0)) without libm's calls: the same for every
 * number, and for a NaN A0 or A1 (ignored, as fmax and fmin ignore it); B0 and B1,
 * a month's bounds, are always numbers.
 */
static double overlap_hours(double a0, double a1, double b0, double b1)
{
	double overlap = (a1 < b1 ? a1 : b1) - (a0 > b0 ? a0 : b0);

	return overlap > 0 ? overlap : 0.0;
}

void tco_demand_profile(const struct scenario *s, const struct workload_demand *demand,
			double *gpu_hours, double *tokens, double *egress_gb)
{
	tco_workload_profile(s, demand, s->nworkloads, gpu_hours, tokens, egress_gb);
}

/* PER_INSTANCE > 1: each workload's GPUs rounded up to whole instances. */
static void workload_profile(const struct scenario *s, const struct workload_demand *demand,
			     size_t only, int per_instance, double *gpu_hours, double *tokens,
			     double *egress_gb);

void tco_workload_profile(const struct scenario *s, const struct workload_demand *demand,
			  size_t only, double *gpu_hours, double *tokens, double *egress_gb)
{
	workload_profile(s, demand, only, 1, gpu_hours, tokens, egress_gb);
}

static void workload_profile(const struct scenario *s, const struct workload_demand *demand,
			     size_t only, int per_instance, double *gpu_hours, double *tokens,
			     double *egress_gb)
{
	int months = s->horizon_months;

	for (int m = 0; m < months; m++) {
		gpu_hours[m] = 0;
		tokens[m] = 0;
		egress_gb[m] = only < s->nworkloads ? 0 : s->data.egress_per_month_bytes / GB;
	}
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const struct workload_demand *d = &demand[i];
		double start = or_default(w->start_hours, 0), end, gpu_rate, token_rate = 0;

		if (only < s->nworkloads && only != i)
			continue;
		if (workload_is_job(w)) {
			double wall = d->wall_hours;

			if (!(wall > 0))
				wall = d->gpu_hours / (d->gpus > 0 ? d->gpus : 1);
			if (!(wall > 0))
				continue;
			end = start + wall;
			gpu_rate = d->gpu_hours / wall;
			/* A batch job's tokens at the pace it serves them (training has none). */
			if (w->kind == WORKLOAD_BATCH_INFERENCE)
				token_rate = d->tokens_per_month / HOURS_PER_MONTH;
		} else {
			end = isnan(w->duration_hours) ? INFINITY : start + w->duration_hours;
			gpu_rate = d->gpu_hours_per_month / HOURS_PER_MONTH;
			token_rate = d->tokens_per_month / HOURS_PER_MONTH;
		}
		if (per_instance > 1 && d->gpus > 0)
			gpu_rate *= ceil((double)d->gpus / per_instance) * per_instance / d->gpus;
		for (int m = 0; m < months; m++) {
			double active = overlap_hours(start, end, m * HOURS_PER_MONTH,
						      (m + 1) * HOURS_PER_MONTH);

			gpu_hours[m] += gpu_rate * active;
			tokens[m] += token_rate * active;
			egress_gb[m] += w->egress_per_month_bytes / GB * active / HOURS_PER_MONTH;
		}
	}
}

/* Cloud compute bought month by month for DEMAND under a deployment's purchase mix. */
struct cloud_cost {
	double *compute;
	double *exposed_cost;    /* on-demand/spot spend: what a shortage can hit */
	double *exposed_hours;
	double after_horizon;    /* commitments' months past the horizon, in the last one */
	double paid_hours;       /* GPU-hours billed: commitments' whole terms, the rest */
};

static void cloud_cost_init(struct cloud_cost *c, int months)
{
	c->compute = xcalloc((size_t)months, sizeof(double));
	c->exposed_cost = xcalloc((size_t)months, sizeof(double));
	c->exposed_hours = xcalloc((size_t)months, sizeof(double));
	c->after_horizon = 0;
	c->paid_hours = 0;
}

static void cloud_cost_release(struct cloud_cost *c)
{
	free(c->compute);
	free(c->exposed_cost);
	free(c->exposed_hours);
}

/*
 * MIX NULL buys everything on demand. Commitments (unless COMMITMENTS is false)
 * are sized to their share of the busiest month's average GPUs within each term,
 * start with the first month of demand, bill every hour of every term started
 * (renewed while demand remains), used or not; the months of a term past the
 * horizon are owed all the same and paid in its last month. Work above them goes
 * to the mix's on-demand/spot shares (spot inflated by the recomputed work
 * SPOT_OVERHEAD).
 */
static void cloud_costs(const struct deployment *mix, bool commitments,
			const struct cloud_pricing *p, const double *demand, int months,
			double spot_overhead, struct cloud_cost *out)
{
	size_t nshares = mix ? mix->npurchase : 0;
	double flexible_share = 0, flexible_usd = 0, flexible_price;
	double *commit_hours = xcalloc((size_t)months, sizeof(double));
	int first = -1;

	for (int m = 0; m < months && first < 0; m++)
		if (demand[m] > 0)
			first = m;
	for (size_t k = 0; k < nshares && k < p->nshares; k++) {
		const struct purchase_share *share = &mix->purchase[k];
		double price = p->share_per_gpu_hour[k];
		int term = purchase_term_months(share->option);

		if (term > 0 && !commitments)
			continue;
		if (term == 0) {
			flexible_share += share->fraction;
			flexible_usd += share->fraction * price *
				(strcmp(share->option, "spot") == 0 ? 1 + spot_overhead : 1);
			continue;
		}
		for (int start = first; start >= 0 && start < months; ) {
			int next = start + term, renew = -1;
			double peak_gpus = 0, gpus;

			for (int m = start; m < next && m < months; m++)
				peak_gpus = fmax(peak_gpus, demand[m] / HOURS_PER_MONTH);
			gpus = share->fraction * peak_gpus;
			for (int m = start; m < next && m < months; m++) {
				commit_hours[m] += gpus * HOURS_PER_MONTH;
				out->compute[m] += gpus * HOURS_PER_MONTH * price;
			}
			out->paid_hours += gpus * HOURS_PER_MONTH * (next - start);
			if (next > months) {
				double owed = gpus * HOURS_PER_MONTH * price * (next - months);

				out->compute[months - 1] += owed;
				out->after_horizon += owed;
			}
			for (int m = next; m < months && renew < 0; m++)
				if (demand[m] > 0)
					renew = next;
			start = renew;
		}
	}
	flexible_price = flexible_share > 0 ? flexible_usd / flexible_share
		: p->on_demand_per_gpu_hour;
	for (int m = 0; m < months; m++) {
		double rest = demand[m] - fmin(demand[m], commit_hours[m]);

		out->exposed_hours[m] = rest;
		out->exposed_cost[m] = rest * flexible_price;
		out->paid_hours += rest;
		out->compute[m] += out->exposed_cost[m];
	}
	free(commit_hours);
}

double spot_recompute_fraction(const struct workload *w, const struct workload_demand *d,
			       double interruptions_per_day, int gpus_per_instance)
{
	int per_instance = gpus_per_instance > 0 ? gpus_per_instance : GPUS_PER_INSTANCE_DEFAULT;

	if (w->kind == WORKLOAD_TRAINING) {
		double instances = ceil((double)d->gpus / per_instance);
		double rate = interruptions_per_day / 24 * instances;
		/* The interval given, else the best one for this rate (perfmodel.h). */
		double interval = !isnan(w->training.checkpoint_interval_hours) ?
			w->training.checkpoint_interval_hours :
			perf_checkpoint_interval(d->checkpoint_write_hours, rate);
		double lost_hours = (isnan(interval) ? 0 : interval / 2) +
			w->training.restart_time_hours;

		return rate * lost_hours;
	}
	return interruptions_per_day / 24 * INFERENCE_RESTART_HOURS;
}

/* The deployment's spot recompute fraction, weighted by the workloads' GPU-hours. */
static double spot_overhead(const struct scenario *s, const struct deployment *dep,
			    const struct workload_demand *demand, const struct cloud_pricing *p)
{
	double rate = dep && !isnan(dep->spot_interruptions_per_day) ?
		dep->spot_interruptions_per_day : p->spot_interruptions_per_day;
	double weighted = 0, weight = 0;

	/* 0 is a rate the user may give: only a missing one takes the default. */
	if (isnan(rate) || rate < 0)
		rate = SPOT_INTERRUPTIONS_PER_DAY_DEFAULT;
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload_demand *d = &demand[i];
		double hours = workload_is_job(&s->workloads[i]) ? d->gpu_hours
			: d->gpu_hours_per_month;

		weighted += hours * spot_recompute_fraction(&s->workloads[i], d, rate,
							    p->gpus_per_instance);
		weight += hours;
	}
	return weight > 0 ? weighted / weight : 0;
}

/* What a deployment's months cost, component by component, before shortages. */
struct month_costs {
	double (*by)[COST_NCOMPONENTS];
	double *exposed_cost;        /* shortage exposure (cloud work) */
	double *exposed_hours;
	double delivered_gpu_hours;
	double busy_hours, capacity_hours;
	double hardware_usd;         /* on-prem: what a premium would be paid on */
	double committed_after_horizon;   /* in the last month's compute */
	double paid_gpu_hours;            /* rented or installed, whether used or not */
	int order_month;             /* 0-based */
	int arrival_month;           /* 0-based month the capacity starts in */
	/* per workload */
	double *delivered;           /* GPU-hours done within the horizon */
	double *finish_hours;        /* training: when the run ends, from the scenario
					start (may lie past the horizon; INFINITY: never) */
	/* inference demand not served in the month it arrives */
	double unserved_hours;
	int unserved_first, unserved_last;   /* 0-based months; -1 = none */
	bool unserved_waiting;               /* before the hardware, else above it */
};

static void month_costs_init(struct month_costs *c, int months, size_t nworkloads)
{
	memset(c, 0, sizeof(*c));
	c->by = xcalloc((size_t)months, sizeof(*c->by));
	c->exposed_cost = xcalloc((size_t)months, sizeof(double));
	c->exposed_hours = xcalloc((size_t)months, sizeof(double));
	c->delivered = xcalloc(nworkloads + 1, sizeof(double));
	c->finish_hours = xcalloc(nworkloads + 1, sizeof(double));
	for (size_t i = 0; i < nworkloads; i++)
		c->finish_hours[i] = NAN;
	c->unserved_first = c->unserved_last = -1;
}

static void month_costs_release(struct month_costs *c)
{
	free(c->by);
	free(c->exposed_cost);
	free(c->exposed_hours);
	free(c->delivered);
	free(c->finish_hours);
}

/*
 * A deployment's demand month by month: all workloads, and each one alone
 * (EACH[i * months + m]), on the deployment's accelerator.
 */
struct demand_months {
	const struct workload_demand *demand;
	double *all, *tokens, *egress_gb;
	double *each;
};

static void demand_months_init(struct demand_months *dm, const struct scenario *s,
			       const struct workload_demand *demand)
{
	size_t months = (size_t)s->horizon_months;
	double *tokens = xcalloc(months, sizeof(double));
	double *egress = xcalloc(months, sizeof(double));

	dm->demand = demand;
	dm->all = xcalloc(months, sizeof(double));
	dm->tokens = xcalloc(months, sizeof(double));
	dm->egress_gb = xcalloc(months, sizeof(double));
	dm->each = xcalloc(s->nworkloads * months + 1, sizeof(double));
	tco_demand_profile(s, demand, dm->all, dm->tokens, dm->egress_gb);
	for (size_t i = 0; i < s->nworkloads; i++)
		tco_workload_profile(s, demand, i, &dm->each[i * months], tokens, egress);
	free(tokens);
	free(egress);
}

static void demand_months_release(struct demand_months *dm)
{
	free(dm->all);
	free(dm->tokens);
	free(dm->egress_gb);
	free(dm->each);
}

/* Where a training run ends when it never waits: its start plus its wall time. */
static double unqueued_finish(const struct workload *w, const struct workload_demand *d)
{
	double wall = d->wall_hours > 0 ? d->wall_hours : d->gpu_hours / (d->gpus > 0 ? d->gpus : 1);

	return or_default(w->start_hours, 0) + wall;
}

static void cloud_month_costs(const struct scenario *s, const struct deployment *dep,
			      const struct deployment_input *in, const struct demand_months *dm,
			      struct month_costs *out)
{
	const double *gpu_hours = dm->all, *egress_gb = dm->egress_gb;
	const struct cloud_pricing *p = &in->cloud;
	int months = s->horizon_months;
	double hot = or_default(s->data.hot_fraction, 0.2);
	double *rented = xcalloc((size_t)months, sizeof(double));
	double *tokens = xcalloc((size_t)months, sizeof(double));
	double *egress = xcalloc((size_t)months, sizeof(double));
	struct cloud_cost cc;

	/* Instances are rented whole: 28 GPUs of work on 8-GPU machines pay for 32. */
	workload_profile(s, in->demand, s->nworkloads, p->whole_instances ? p->gpus_per_instance : 1,
			 rented, tokens, egress);
	cloud_cost_init(&cc, months);
	cloud_costs(dep, true, p, rented, months, spot_overhead(s, dep, in->demand, p), &cc);
	for (int m = 0; m < months; m++) {
		double stored_gb = (s->data.stored_bytes + s->data.growth_per_month_bytes * m) / GB;
		double data_egress_gb = s->data.egress_per_month_bytes / GB;

		out->by[m][COST_COMPUTE] = cc.compute[m];
		out->by[m][COST_STORAGE] =
			tco_hot_storage(p->block_per_gb_month, &p->hot_tiers, stored_gb * hot, NULL) +
			stored_gb * (1 - hot) * p->object_per_gb_month +
			data_egress_gb * p->retrieval_per_gb;
		out->by[m][COST_EGRESS] = egress_cost(p->egress_tiers, p->negress_tiers,
						      egress_gb[m]);
		out->exposed_cost[m] = cc.exposed_cost[m];
		out->exposed_hours[m] = cc.exposed_hours[m];
		out->delivered_gpu_hours += gpu_hours[m];
	}
	out->committed_after_horizon = cc.after_horizon;
	out->paid_gpu_hours = cc.paid_hours;
	/* The cloud has room for everything: work runs when it is wanted. */
	for (size_t i = 0; i < s->nworkloads; i++) {
		for (int m = 0; m < months; m++)
			out->delivered[i] += dm->each[(size_t)i * (size_t)months + (size_t)m];
		if (workload_is_job(&s->workloads[i]))
			out->finish_hours[i] = unqueued_finish(&s->workloads[i], &in->demand[i]);
	}
	cloud_cost_release(&cc);
	free(rented);
	free(tokens);
	free(egress);
}

/*
 * Capex of PRICE ordered in month ORDER (0-based) into BY[..][COST_CAPEX]: whole
 * then, or when financed the down payment then and the rest as a level monthly
 * annuity from the next month, P·i/(1 − (1 + i)^−n) with i the annual rate / 12
 * (P/n at 0%). What is still owed at the horizon is paid off in its last month,
 * so financing changes only interest and timing.
 */
static void pay_capex(const struct deployment *d, double price, int order, int months,
		      double (*by)[COST_NCOMPONENTS])
{
	double down, balance, rate, payment;
	int term;

	if (isnan(d->finance_term_hours) || !(d->finance_term_hours > 0)) {
		by[order][COST_CAPEX] += price;
		return;
	}
	down = price * or_default(d->finance_down_payment, 0);
	balance = price - down;
	rate = or_default(d->finance_rate, 0) / 12;
	/* whole months, rounded up like the horizon; the loader bounds the term (100 years) */
	if (!whole_to_int(fmax(1, ceil(d->finance_term_hours / HOURS_PER_MONTH - 1e-9)), 1,
			  INT_MAX, &term))
		term = INT_MAX;   /* the loader refuses such a term; this one pays the same */
	payment = rate > 0 ? balance * rate / (1 - pow(1 + rate, -term)) : balance / term;
	by[order][COST_CAPEX] += down;
	for (int k = 1; k <= term && order + k < months; k++) {
		balance = balance * (1 + rate) - payment;
		by[order + k][COST_CAPEX] += payment;
	}
	/* last payment's rounding, or a loan running past the horizon */
	if (fabs(balance) > 1e-9 * price)
		by[months - 1][COST_CAPEX] += balance;
}

/*
 * When a training run that lacked NEEDED GPU-hours finishes in month M (0-based),
 * with SPARE GPU-hours of capacity open to it there. Run as planned when it never
 * WAITED; else at the pace capacity allows (at most its own GPUs), from the later
 * of the month's start, ARRIVAL and its own start.
 */
static double finish_in_month(const struct workload *w, const struct workload_demand *d,
			      int m, double arrival_hours, bool waited, double needed, double spare)
{
	double from, to = (m + 1) * HOURS_PER_MONTH, open;

	if (!waited)
		return unqueued_finish(w, d);
	from = fmax(m * HOURS_PER_MONTH, fmax(arrival_hours, or_default(w->start_hours, 0)));
	open = d->gpus > 0 ? fmin(spare, d->gpus * (to - from)) : spare;
	return from + (to - from) * (open > 0 ? fmin(1, needed / open) : 1);
}

/*
 * When the training runs still unfinished at the horizon end, if the installed
 * GPUs left over by the last month's inference go on taking them in order.
 */
static void extrapolate_finish(const struct scenario *s, const struct demand_months *dm,
			       int gpus, double arrival_hours, struct month_costs *out)
{
	int months = s->horizon_months;
	double horizon = months * HOURS_PER_MONTH, backlog = 0;
	double inference_rate = 0;

	for (size_t i = 0; i < s->nworkloads; i++)
		if (s->workloads[i].kind == WORKLOAD_INFERENCE)
			inference_rate += dm->each[i * (size_t)months + (size_t)months - 1] /
				HOURS_PER_MONTH;
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload_demand *d = &dm->demand[i];
		double spare = fmin(gpus - inference_rate, d->gpus > 0 ? d->gpus : gpus);

		if (!workload_is_job(&s->workloads[i]) || !isnan(out->finish_hours[i]))
			continue;
		backlog += d->gpu_hours - out->delivered[i];
		out->finish_hours[i] = spare > 0 ?
			fmax(unqueued_finish(&s->workloads[i], d),
			     fmax(horizon, arrival_hours) + backlog / spare) : INFINITY;
	}
}

/*
 * On-prem capacity: capex in the order month (or financed, see pay_capex),
 * contracts (facility, staff, maintenance, transit) from the order month too,
 * power from the hardware's arrival (pro rata). Inference is
 * served in the month it arrives or not at all (requests do not wait for
 * hardware); training takes the capacity inference leaves, in the order the
 * scenario lists the runs, and waits for it. Work the capacity cannot take goes
 * to FALLBACK (bought under MIX, its spot share inflated by MIX_SPOT_OVERHEAD)
 * while the hardware is not all there yet, and always when BURST (a hybrid's
 * cloud takes the load above its base).
 */
static int onprem_month_costs(const struct scenario *s, const struct deployment *d,
			      const struct demand_months *dm, const struct cloud_pricing *fallback,
			      bool burst, const struct deployment *mix, double mix_spot_overhead,
			      double extra_lead_hours, struct month_costs *out)
{
	int months = s->horizon_months;
	size_t nw = s->nworkloads;
	int per_server = d->gpus_per_server > 0 ? d->gpus_per_server : GPUS_PER_SERVER_DEFAULT;
	double servers = ceil((double)d->gpus / per_server);
	double server_usd = servers * d->server_price;
	double idle = or_default(d->idle_draw, IDLE_DRAW_DEFAULT);
	double pue = or_default(d->pue, PUE_DEFAULT);
	double it_kw = servers * d->kw_per_server;
	double life_hours = d->depreciation_hours > 0 ? d->depreciation_hours
		: DEPRECIATION_HOURS_DEFAULT;
	double arrival_hours, age_hours, book_fraction;
	double *overflow, *queue = xcalloc(nw + 1, sizeof(double));
	bool *waited = xcalloc(nw + 1, sizeof(bool));
	int order;

	if (d->order_month > months) {
		error_set("order_month: month %g is past the %d-month horizon", d->order_month,
			  months);
		free(queue);
		free(waited);
		return -1;
	}
	order = isnan(d->order_month) || d->order_month < 1 ? 0 : (int)d->order_month - 1;
	out->hardware_usd = server_usd * (1 + or_default(d->network_fraction, 0)) +
		or_default(d->storage_capex, 0);
	out->order_month = order;
	pay_capex(d, out->hardware_usd + or_default(d->installation, 0), order, months, out->by);
	arrival_hours = order * HOURS_PER_MONTH + or_default(d->lead_time_hours, 0) +
		extra_lead_hours;
	out->arrival_month = arrival_hours >= months * HOURS_PER_MONTH ? months
		: (int)floor(arrival_hours / HOURS_PER_MONTH);
	overflow = xcalloc((size_t)months, sizeof(double));
	for (int m = 0; m < months; m++) {
		double month_end = (m + 1) * HOURS_PER_MONTH;
		double available = overlap_hours(arrival_hours, INFINITY, m * HOURS_PER_MONTH,
						 month_end) / HOURS_PER_MONTH;
		double contracted = m >= order ? 1 : 0;
		double capacity = d->gpus * HOURS_PER_MONTH * available, spare = capacity;
		bool stand_in = fallback && fallback->present && (burst || available < 1);
		double busy, utilisation;

		/* Inference first: it is served now or never. */
		for (size_t i = 0; i < nw; i++) {
			double wanted = dm->each[i * (size_t)months + (size_t)m], got;

			if (s->workloads[i].kind != WORKLOAD_INFERENCE || !(wanted > 0))
				continue;
			got = fmin(wanted, spare);
			spare -= got;
			out->delivered[i] += got;
			if (stand_in) {
				overflow[m] += wanted - got;
				out->delivered[i] += wanted - got;
			} else if (wanted - got > 1e-9 * wanted) {
				out->unserved_hours += wanted - got;
				if (out->unserved_first < 0)
					out->unserved_first = m;
				out->unserved_last = m;
				out->unserved_waiting = out->unserved_waiting || available < 1;
			}
		}
		/* Jobs (training, batch inference) in the order given: they wait for capacity, or go to the stand-in. */
		for (size_t i = 0; i < nw; i++) {
			const struct workload_demand *wd = &dm->demand[i];
			double wanted = dm->each[i * (size_t)months + (size_t)m] + queue[i], got;
			double needed = wd->gpu_hours - out->delivered[i];

			if (!workload_is_job(&s->workloads[i]) || !(wanted > 0))
				continue;
			double open = spare;

			got = fmin(wanted, spare);
			spare -= got;
			if (stand_in) {
				overflow[m] += wanted - got;
				open += wanted - got;
				got = wanted;
				queue[i] = 0;
			} else {
				queue[i] = wanted - got;
				waited[i] = waited[i] || queue[i] > 1e-9 * wanted;
			}
			out->delivered[i] += got;
			if (isnan(out->finish_hours[i]) && got >= needed * (1 - 1e-9) && needed > 0)
				out->finish_hours[i] = finish_in_month(&s->workloads[i], wd, m,
								       arrival_hours, waited[i],
								       needed, open);
		}
		busy = capacity - spare;
		utilisation = capacity > 0 ? busy / capacity : 0;
		/* Metered power: only hardware that is there draws it. */
		out->by[m][COST_POWER] = it_kw * (idle + (1 - idle) * utilisation) * pue *
			d->power_price_per_kwh * HOURS_PER_MONTH * available;
		/* Contracts signed with the order run from it, hardware there or not:
		 * the colocation space and power reserved, the staff, the support
		 * bought with the hardware, the transit. */
		out->by[m][COST_FACILITY] = (it_kw * or_default(d->colo_per_kw_month, 0) +
					     or_default(d->facility_per_month, 0)) * contracted;
		out->by[m][COST_STAFF] = or_default(d->staff_fte, 0) *
			or_default(d->staff_cost_per_year, 0) / 12 * contracted;
		out->by[m][COST_MAINTENANCE] = or_default(d->maintenance_per_year, 0) *
			out->hardware_usd / 12 * contracted;
		out->by[m][COST_NETWORK] = or_default(d->transit_per_month, 0) * contracted;
		out->busy_hours += busy;
		out->capacity_hours += capacity;
		out->paid_gpu_hours += capacity;
		out->delivered_gpu_hours += busy + overflow[m];
	}
	extrapolate_finish(s, dm, d->gpus, arrival_hours, out);
	if (fallback && fallback->present) {
		struct cloud_cost cc;

		/* Another chip does the same work in more or fewer GPU-hours. */
		if (fallback->gpu_hours_factor > 0)
			for (int m = 0; m < months; m++)
				overflow[m] *= fallback->gpu_hours_factor;
		cloud_cost_init(&cc, months);
		/* Bursts and stopgaps are bought by the hour: no commitments. */
		cloud_costs(mix, false, fallback, overflow, months, mix_spot_overhead, &cc);
		out->paid_gpu_hours += cc.paid_hours;
		for (int m = 0; m < months; m++) {
			out->by[m][COST_COMPUTE] += cc.compute[m];
			out->exposed_cost[m] = cc.exposed_cost[m];
			out->exposed_hours[m] = cc.exposed_hours[m];
		}
		cloud_cost_release(&cc);
	}
	/* Straight-line book value at the end of the horizon, credited back. */
	age_hours = (months - order) * HOURS_PER_MONTH;
	book_fraction = 1 - (1 - or_default(d->residual, 0)) * fmin(age_hours / life_hours, 1);
	out->by[months - 1][COST_RESIDUAL] -= (out->hardware_usd) * book_fraction;
	free(overflow);
	free(queue);
	free(waited);
	return 0;
}

static int find_deployment(const struct scenario *s, const char *name)
{
	const struct deployment *d = name ? scenario_find_deployment(s, name) : NULL;

	return d ? (int)(d - s->deployments) : -1;
}

/* NULL when the deployment may hold the data; else why not (caller frees). */
static char *residency_reason(const struct scenario *s, const struct deployment *d)
{
	struct strbuf why = STRBUF_INIT;

	if (d->residency_violation) {
		return xstrdup(d->residency_reason ? d->residency_reason
			       : "breaks the scenario's constraints");
	}
	if (d->kind == DEPLOYMENT_CLOUD)
		return NULL;
	/* A hybrid holds data wherever its base and its burst do; an on-prem one
	 * wherever its fallback runs the work. */
	for (int i = 0; i < 2; i++) {
		const char *part = d->kind == DEPLOYMENT_ONPREM ? (i == 0 ? d->fallback : NULL)
			: i == 0 ? d->base : d->burst;
		const char *role = d->kind == DEPLOYMENT_ONPREM ? "fallback" : i == 0 ? "base"
			: "burst";
		int index = find_deployment(s, part);

		if (index >= 0 && s->deployments[index].residency_violation) {
			strbuf_addf(&why, "%s %s: %s", role, part,
				    s->deployments[index].residency_reason ?
				    s->deployments[index].residency_reason : "breaks the constraints");
			return strbuf_detach(&why, NULL);
		}
	}
	return NULL;
}

/* The cheapest remedy for a shortage of HOURS of cloud work that cost USD. */
static double shortage_remedy(const struct shortage_spec *sh, double fallback_per_gpu_hour,
			      double hours, double usd)
{
	double best = INFINITY;

	if (!(hours > 0))
		return 0;
	if (sh->premium > 0)
		best = fmin(best, sh->premium * usd);
	if (!isnan(fallback_per_gpu_hour))
		best = fmin(best, fmax(0, hours * fallback_per_gpu_hour - usd));
	if (sh->delay_hours > 0 && !isnan(sh->cost_of_delay_per_month))
		best = fmin(best, sh->cost_of_delay_per_month * sh->delay_hours / HOURS_PER_MONTH);
	/* Delay with no price on it: the work waits and nothing is paid. */
	return isinf(best) ? 0 : best;
}

static uint64_t deployment_seed(uint64_t seed, size_t index)
{
	uint64_t state = seed ^ ((uint64_t)(index + 1) * 0xd1342543de82ef95ULL);

	return splitmix64(&state);
}

const struct shortage_spec *tco_shortage_spec(const struct scenario *s,
					      const struct deployment *d)
{
	const struct deployment *cloud = NULL;

	if (d->shortage.present)
		return &d->shortage;
	if (d->kind == DEPLOYMENT_HYBRID && d->burst)
		cloud = scenario_find_deployment(s, d->burst);
	else if (d->kind == DEPLOYMENT_ONPREM && d->fallback)
		cloud = scenario_find_deployment(s, d->fallback);
	if (cloud && cloud->kind == DEPLOYMENT_CLOUD && cloud->shortage.present)
		return &cloud->shortage;
	return &d->shortage;
}

/* Shortage extra per month and whether it strikes once (hardware) or monthly. */
static int shortage_extra(const struct scenario *s, const struct deployment *d,
			  const struct deployment_input *in, const struct shortage_spec *sh,
			  const struct demand_months *dm, const struct month_costs *base,
			  double *extra, bool *once)
{
	int months = s->horizon_months;
	struct month_costs late;
	struct cloud_pricing stopgap;
	const struct cloud_pricing *fallback = &in->cloud;
	double delay_total = 0, premium_total;

	/* An on-prem's own shortage delays its hardware; one borrowed from its
	 * fallback hits the cloud hours like the cloud's own. */
	*once = d->kind == DEPLOYMENT_ONPREM && sh == &d->shortage;
	if (!*once) {
		for (int m = 0; m < months; m++)
			extra[m] = shortage_remedy(sh, in->shortage_fallback_per_gpu_hour,
						   base->exposed_hours[m], base->exposed_cost[m]);
		return 0;
	}
	/* On-prem: the hardware arrives DELAY late (the work runs on the fallback or
	 * waits), or is bought on time at the premium, whichever costs less. */
	if (!fallback->present && !isnan(in->shortage_fallback_per_gpu_hour)) {
		memset(&stopgap, 0, sizeof(stopgap));
		stopgap.present = true;
		stopgap.on_demand_per_gpu_hour = in->shortage_fallback_per_gpu_hour;
		fallback = &stopgap;
	}
	month_costs_init(&late, months, s->nworkloads);
	if (onprem_month_costs(s, d, dm, fallback, false, NULL, 0, sh->delay_hours,
			       &late) < 0) {
		month_costs_release(&late);
		return -1;
	}
	for (int m = 0; m < months; m++) {
		extra[m] = 0;
		for (int c = 0; c < COST_NCOMPONENTS; c++)
			extra[m] += late.by[m][c] - base->by[m][c];
	}
	if (!isnan(sh->cost_of_delay_per_month) && base->arrival_month < months)
		extra[base->arrival_month] += sh->cost_of_delay_per_month * sh->delay_hours /
			HOURS_PER_MONTH;
	for (int m = 0; m < months; m++)
		delay_total += extra[m];
	premium_total = sh->premium * base->hardware_usd;
	if (sh->premium > 0 && (premium_total < delay_total || !(sh->delay_hours > 0))) {
		for (int m = 0; m < months; m++)
			extra[m] = 0;
		extra[base->order_month] = premium_total;
	}
	month_costs_release(&late);
	return 0;
}

/* TOTAL split over the workloads by the GPU-hours each uses within the horizon. */
static double *split_by_workload(const struct scenario *s, const struct workload_demand *demand,
				 double total)
{
	int months = s->horizon_months;
	double *share = xcalloc(s->nworkloads + 1, sizeof(double)), all = 0;
	double *gpu_hours = xcalloc((size_t)months, sizeof(double));
	double *tokens = xcalloc((size_t)months, sizeof(double));
	double *egress_gb = xcalloc((size_t)months, sizeof(double));

	for (size_t i = 0; i < s->nworkloads; i++) {
		tco_workload_profile(s, demand, i, gpu_hours, tokens, egress_gb);
		for (int m = 0; m < months; m++)
			share[i] += gpu_hours[m];
		all += share[i];
	}
	for (size_t i = 0; i < s->nworkloads; i++)
		share[i] = all > 0 ? total * share[i] / all : 0;
	free(gpu_hours);
	free(tokens);
	free(egress_gb);
	return share;
}

static void add_reason(struct strbuf *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_reason(struct strbuf *why, const char *fmt, ...)
{
	va_list ap;

	if (why->len)
		strbuf_adds(why, "; ");
	va_start(ap, fmt);
	strbuf_vaddf(why, fmt, ap);
	va_end(ap);
}

/* "13,140" into the scratch buffer SB, which it resets. */
static const char *grouped(struct strbuf *sb, double value)
{
	strbuf_reset(sb);
	format_grouped(sb, value, 0);
	return sb->buf;
}

/*
 * What deployment D leaves undone, into WHY: a training run that ends after the
 * horizon or its deadline, inference not served in the month it arrives.
 * Empty when it delivers everything in time.
 */
static void feasibility(const struct scenario *s, const struct deployment *d,
			const struct demand_months *dm, const struct month_costs *mc,
			const struct pipeline_run *pipelines, struct strbuf *why)
{
	int months = s->horizon_months;
	double horizon = months * HOURS_PER_MONTH, inference = 0;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const struct workload_demand *wd = &dm->demand[i];
		double finish = mc->finish_hours[i], start = or_default(w->start_hours, 0);
		double deadline = workload_deadline_hours(w);
		const char *kind = workload_kind_name(w->kind);
		int gpus = d->kind == DEPLOYMENT_ONPREM ? d->gpus : wd->gpus;

		if (w->kind == WORKLOAD_INFERENCE) {
			for (int m = 0; m < months; m++)
				inference += dm->each[i * (size_t)months + (size_t)m];
			continue;
		}
		if (!(wd->gpu_hours > 0))
			continue;
		if (isinf(finish))
			add_reason(why, "%s %s never finishes: the GPUs left by inference "
				   "cannot take it; %.1f%% of its %s GPU-hours are done by the %d-month "
				   "horizon", kind, w->name, 100 * mc->delivered[i] / wd->gpu_hours,
				   grouped(&a, wd->gpu_hours), months);
		else if (finish > horizon * (1 + 1e-9))
			add_reason(why, "%s %s ends in month %.1f, after the %d-month horizon: "
				   "%.1f%% of its %s GPU-hours are done by then", kind, w->name,
				   finish / HOURS_PER_MONTH, months,
				   fmin(99.9, 100 * mc->delivered[i] / wd->gpu_hours),
				   grouped(&a, wd->gpu_hours));
		if (!isnan(deadline) && finish - start > deadline * (1 + 1e-9))
			add_reason(why, "%s %s takes %s h (%.1f days) on %d × %s, past its "
				   "deadline of %s h (%.1f days)", kind, w->name,
				   isinf(finish) ? "∞" : grouped(&a, finish - start),
				   (finish - start) / 24, gpus,
				   wd->accelerator ? wd->accelerator : "GPUs",
				   grouped(&b, deadline), deadline / 24);
	}
	for (size_t i = 0; pipelines && i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		double start = or_default(w->start_hours, 0);

		if (w->kind != WORKLOAD_PIPELINE || !pipelines[i].present)
			continue;
		if (start + pipelines[i].wall_hours > horizon * (1 + 1e-9))
			add_reason(why, "pipeline %s ends in month %.1f, after the %d-month horizon",
				   w->name, (start + pipelines[i].wall_hours) / HOURS_PER_MONTH, months);
		if (!isnan(w->pipeline.deadline_hours) &&
		    pipelines[i].wall_hours > w->pipeline.deadline_hours * (1 + 1e-9))
			add_reason(why, "pipeline %s takes %s h on %g host cores, past its deadline "
				   "of %s h", w->name, grouped(&a, pipelines[i].wall_hours),
				   pipelines[i].vcpus, grouped(&b, w->pipeline.deadline_hours));
	}
	if (mc->unserved_hours > 0) {
		add_reason(why, "inference demand not served in the month it arrives: %s "
			   "GPU-hours (%.1f%%) in month%s %d", grouped(&a, mc->unserved_hours),
			   inference > 0 ? 100 * mc->unserved_hours / inference : 100,
			   mc->unserved_last > mc->unserved_first ? "s" : "", mc->unserved_first + 1);
		if (mc->unserved_last > mc->unserved_first)
			strbuf_addf(why, "–%d", mc->unserved_last + 1);
		strbuf_adds(why, mc->unserved_waiting ?
			    ", before the hardware arrives and with no fallback" :
			    ", above the installed GPUs (on-prem does not burst)");
	}
	strbuf_release(&a);
	strbuf_release(&b);
}

/*
 * GPU-hours workload I wants as the scenario describes it (on its own
 * accelerator): a training run whole, inference within the horizon.
 */
static double unfit_demand(const struct tco_input *in, size_t i)
{
	const struct scenario *s = in->scenario;
	int months = s->horizon_months;
	double *gpu_hours, *tokens, *egress_gb, want = 0;

	if (!in->demand)
		return 0;
	if (workload_is_job(&s->workloads[i]))
		return in->demand[i].gpu_hours;
	gpu_hours = xcalloc((size_t)months, sizeof(double));
	tokens = xcalloc((size_t)months, sizeof(double));
	egress_gb = xcalloc((size_t)months, sizeof(double));
	tco_workload_profile(s, in->demand, i, gpu_hours, tokens, egress_gb);
	for (int m = 0; m < months; m++)
		want += gpu_hours[m];
	free(gpu_hours);
	free(tokens);
	free(egress_gb);
	return want;
}

/*
 * The workloads deployment INDEX cannot run on its accelerator, into WHY, each
 * with the deployments that can.
 */
static void unfit_reasons(const struct tco_input *in, size_t index, struct strbuf *why)
{
	const struct scenario *s = in->scenario;
	const struct deployment_input *din = &in->deployments[index];

	for (size_t i = 0; din->unfit && i < s->nworkloads; i++) {
		const char *sep = "; it can run on ";

		if (!din->unfit[i])
			continue;
		add_reason(why, "%s", din->unfit[i]);
		for (size_t k = 0; k < s->ndeployments; k++) {
			if (k == index || (in->deployments[k].unfit && in->deployments[k].unfit[i]))
				continue;
			strbuf_addf(why, "%s%s", sep, s->deployments[k].name);
			if (in->deployments[k].demand && in->deployments[k].demand[i].accelerator)
				strbuf_addf(why, " (%s)", in->deployments[k].demand[i].accelerator);
			sep = ", ";
		}
	}
}

/* Why deployment INDEX is no answer to "which is cheapest", into WHY (empty: it is one). */
static void exclusion_reasons(const struct tco_input *in, size_t index,
			      const struct demand_months *dm, const struct month_costs *mc,
			      struct strbuf *why)
{
	const struct scenario *s = in->scenario;
	const struct deployment *d = &s->deployments[index];
	char *residency = residency_reason(s, d);

	if (residency)
		strbuf_adds(why, residency);
	free(residency);
	unfit_reasons(in, index, why);
	feasibility(s, d, dm, mc, in->deployments[index].pipelines, why);
}

/*
 * The P10-P90 band of the cash paid up to each month: the cash that is certain
 * (all but the expected shortage) plus the percentiles of the shortage so far.
 */
static void cumulative_band(struct deployment_result *r, const struct shortage_stats *stats,
			    int months)
{
	double certain = 0;

	r->cumulative_p10 = xmalloc((size_t)months * sizeof(double));
	r->cumulative_p90 = xmalloc((size_t)months * sizeof(double));
	for (int m = 0; m < months; m++) {
		certain += r->monthly[m] - (stats->mean_monthly ? stats->mean_monthly[m] : 0);
		r->cumulative_p10[m] = certain +
			(stats->cumulative_p10 ? stats->cumulative_p10[m] : 0);
		r->cumulative_p90[m] = certain +
			(stats->cumulative_p90 ? stats->cumulative_p90[m] : 0);
	}
}

/*
 * TOTALS_ONLY: only r->total and r->excluded are read (the sensitivity's
 * variants): the same sums, without the shortage's percentiles and band, the
 * per-workload figures, the NPV and the notes.
 */
static int compute_deployment(const struct tco_input *in, size_t index, bool totals_only,
			      struct deployment_result *r)
{
	const struct scenario *s = in->scenario;
	const struct deployment *d = &s->deployments[index];
	const struct deployment_input *din = &in->deployments[index];
	const struct shortage_spec *sh = tco_shortage_spec(s, d);
	int months = s->horizon_months;
	double *extra = xcalloc((size_t)months, sizeof(double));
	double demanded = 0, delivered = 0, inference_demanded = 0, inference_delivered = 0;
	double tokens_total = 0, base_total = 0, inference_cost = 0, feature_store_total = 0;
	struct demand_months dm;
	struct month_costs mc;
	struct shortage_stats stats = { 0 };
	struct strbuf why = STRBUF_INIT, data_notes = STRBUF_INIT;
	int result = -1;

	month_costs_init(&mc, months, s->nworkloads);
	demand_months_init(&dm, s, din->demand);
	if (d->kind == DEPLOYMENT_CLOUD) {
		if (!din->cloud.present) {
			error_set("no price for this cloud deployment");
			goto cleanup;
		}
		cloud_month_costs(s, d, din, &dm, &mc);
	} else if (d->kind == DEPLOYMENT_ONPREM) {
		if (onprem_month_costs(s, d, &dm, &din->cloud, false, NULL, 0, 0, &mc) < 0)
			goto cleanup;
	} else {
		int base = find_deployment(s, d->base), burst = find_deployment(s, d->burst);

		if (base < 0 || s->deployments[base].kind != DEPLOYMENT_ONPREM ||
		    burst < 0 || s->deployments[burst].kind != DEPLOYMENT_CLOUD) {
			error_set("a hybrid needs an on-prem base and a cloud burst");
			goto cleanup;
		}
		if (onprem_month_costs(s, &s->deployments[base], &dm, &din->cloud, true,
				       &s->deployments[burst],
				       spot_overhead(s, &s->deployments[burst], din->demand,
						     &din->cloud), 0, &mc) < 0)
			goto cleanup;
	}

	tco_pipeline_costs(s, din->pipelines, mc.by);
	tco_data_costs(s, d, din, &in->data_site, dm.egress_gb, mc.by, &data_notes);
	/* After the data's own storage, which tco_data_costs replaces. */
	r->feature_stores = xcalloc(s->nworkloads + 1, sizeof(*r->feature_stores));
	for (size_t i = 0; din->feature_stores && i < s->nworkloads; i++) {
		r->feature_stores[i] = din->feature_stores[i];
		r->feature_stores[i].instance = din->feature_stores[i].instance ?
			xstrdup(din->feature_stores[i].instance) : NULL;
	}
	tco_feature_store_costs(s, r->feature_stores, mc.by);
	for (size_t i = 0; i < s->nworkloads; i++)
		feature_store_total += r->feature_stores[i].total;
	for (int m = 0; m < months; m++) {
		for (int c = 0; c < COST_NCOMPONENTS; c++)
			base_total += mc.by[m][c];
		tokens_total += dm.tokens[m];
	}
	if (sh->present && sh->probability > 0 && in->opts.trials > 0) {
		bool once;

		if (shortage_extra(s, d, din, sh, &dm, &mc, extra, &once) < 0)
			goto cleanup;
		if (totals_only) {
			/* The mean is the exact expectation, whatever the draws. */
			stats.mean_monthly = xmalloc((size_t)months * sizeof(double));
			shortage_expected(extra, months, sh->probability, stats.mean_monthly);
		} else if (shortage_simulate(base_total, extra, months, sh->probability, once,
				      in->opts.trials, deployment_seed(in->opts.seed, index),
				      &stats) < 0)
			goto cleanup;
		for (int m = 0; m < months; m++)
			mc.by[m][COST_SHORTAGE] += stats.mean_monthly[m];
		r->p10 = stats.p10;
		r->p50 = stats.p50;
		r->p90 = stats.p90;
	} else {
		r->p10 = r->p50 = r->p90 = base_total;
	}

	r->deployment = d;
	r->monthly = xcalloc((size_t)months, sizeof(double));
	r->monthly_by_component = xcalloc((size_t)months, sizeof(*r->monthly_by_component));
	memcpy(r->monthly_by_component, mc.by, (size_t)months * sizeof(*mc.by));
	for (int m = 0; m < months; m++) {
		for (int c = 0; c < COST_NCOMPONENTS; c++) {
			r->monthly[m] += mc.by[m][c];
			r->breakdown[c] += mc.by[m][c];
		}
		r->total += r->monthly[m];
	}
	if (totals_only) {
		exclusion_reasons(in, index, &dm, &mc, &why);
		r->excluded = why.len > 0;
		result = 0;
		goto cleanup;
	}
	/* Demanded: a training run whole (past the horizon too), inference within it. */
	r->workload_wall_hours = xcalloc(s->nworkloads + 1, sizeof(double));
	for (size_t i = 0; i < s->nworkloads; i++) {
		double want = 0;

		if (din->unfit && din->unfit[i]) {
			/* Not run here at all: the work as the scenario describes it. */
			want = unfit_demand(in, i);
			if (s->workloads[i].kind != WORKLOAD_TRAINING)
				inference_demanded += want;
			r->workload_wall_hours[i] = NAN;
		} else if (workload_is_job(&s->workloads[i])) {
			want = din->demand[i].gpu_hours;
			r->workload_wall_hours[i] = mc.finish_hours[i] -
				or_default(s->workloads[i].start_hours, 0);
			if (s->workloads[i].kind == WORKLOAD_BATCH_INFERENCE) {
				inference_demanded += want;
				inference_delivered += fmin(want, mc.delivered[i]);
			}
		} else if (s->workloads[i].kind == WORKLOAD_PIPELINE) {
			r->workload_wall_hours[i] = din->pipelines && din->pipelines[i].present ?
				din->pipelines[i].wall_hours : NAN;
		} else {
			for (int m = 0; m < months; m++)
				want += dm.each[i * (size_t)months + (size_t)m];
			inference_demanded += want;
			inference_delivered += mc.delivered[i];
			r->workload_wall_hours[i] = NAN;
		}
		demanded += want;
		delivered += fmin(want, mc.delivered[i]);
	}
	r->delivered_fraction = demanded > 0 ? delivered / demanded : 1;
	r->committed_after_horizon = mc.committed_after_horizon;
	r->committed_after_month = months - 1;
	cumulative_band(r, &stats, months);
	r->npv = tco_npv(r->monthly, months, s->discount_rate);
	r->gpu_hours_delivered = mc.delivered_gpu_hours;
	r->tokens_delivered = inference_demanded > 0 ?
		tokens_total * fmin(1, inference_delivered / inference_demanded) : 0;
	r->per_gpu_hour = r->gpu_hours_delivered > 0 ? r->total / r->gpu_hours_delivered : NAN;
	r->gpu_hours_paid = mc.paid_gpu_hours;
	r->per_gpu_hour_paid = r->gpu_hours_paid > 0 ? r->total / r->gpu_hours_paid : NAN;
	r->per_pflop_hour = din->bf16_tflops > 0 ? r->per_gpu_hour / (din->bf16_tflops / 1000) : NAN;
	r->utilisation = mc.capacity_hours > 0 ? mc.busy_hours / mc.capacity_hours : NAN;
	/* Pipelines pay their own CPUs and labels, feature stores their own
	 * storage; the rest is split by GPU-hours. */
	r->workload_cost = split_by_workload(s, din->demand, r->total -
					     r->breakdown[COST_PIPELINE] -
					     r->breakdown[COST_LABELING] - feature_store_total);
	for (size_t i = 0; i < s->nworkloads; i++)
		r->workload_cost[i] += r->feature_stores[i].total;
	r->pipelines = xcalloc(s->nworkloads + 1, sizeof(*r->pipelines));
	for (size_t i = 0; din->pipelines && i < s->nworkloads; i++) {
		r->pipelines[i] = din->pipelines[i];
		r->pipelines[i].instance = din->pipelines[i].instance ?
			xstrdup(din->pipelines[i].instance) : NULL;
		r->workload_cost[i] += tco_pipeline_cost(&s->workloads[i], &r->pipelines[i]);
	}
	/* Tokens pay for what serves them, not for the training runs beside them. */
	for (size_t i = 0; i < s->nworkloads; i++)
		if (s->workloads[i].kind != WORKLOAD_TRAINING)
			inference_cost += r->workload_cost[i];
	r->per_million_tokens = r->tokens_delivered > 0 ?
		inference_cost / (r->tokens_delivered / 1e6) : NAN;
	/* A total that buys less work, or buys it late, is no answer to "which is cheapest". */
	exclusion_reasons(in, index, &dm, &mc, &why);
	r->excluded_reason = why.len ? strbuf_detach(&why, NULL) : NULL;
	r->excluded = r->excluded_reason != NULL;
	r->incomplete = din->incomplete;
	/* Its pricing notes, then what the data's place costs it. */
	strbuf_reset(&why);
	strbuf_add(&why, din->notes.buf, din->notes.len);
	strbuf_add(&why, data_notes.buf, data_notes.len);
	r->notes = why.len ? strbuf_detach(&why, NULL) : NULL;
	result = 0;
cleanup:
	if (result < 0)
		error_prefix("deployments.%s: ", d->name);
	strbuf_release(&why);
	strbuf_release(&data_notes);
	month_costs_release(&mc);
	demand_months_release(&dm);
	free(stats.mean_monthly);
	free(stats.cumulative_p10);
	free(stats.cumulative_p90);
	free(extra);
	return result;
}

double tco_hot_storage(double block_per_gb_month, const struct hot_tiers *tiers, double hot_gb,
		       int *tier)
{
	double best = hot_gb * block_per_gb_month;
	int best_tier = -1;

	for (size_t t = 0; t < tiers->n; t++) {
		double cost = tiers->per_gb_month[t] * fmax(hot_gb, tiers->min_gb[t]);

		if (best_tier < 0 || cost < best) {
			best = cost;
			best_tier = (int)t;
		}
	}
	if (tier)
		*tier = best_tier;
	return best;
}

/* Cumulative cash without the residual credit, for break-even. */
static double *cumulative_cash(const struct deployment_result *r, int months)
{
	double *cum = xmalloc((size_t)months * sizeof(double)), sum = 0;

	for (int m = 0; m < months; m++) {
		sum += r->monthly[m] - r->monthly_by_component[m][COST_RESIDUAL];
		cum[m] = sum;
	}
	return cum;
}

int tco_pair_breakeven(const struct tco_result *r, size_t row, size_t column)
{
	int months = r->scenario->horizon_months, month;
	double *a = cumulative_cash(&r->deployments[row], months);
	double *b = cumulative_cash(&r->deployments[column], months);

	month = tco_breakeven_month(a, b, months);
	free(a);
	free(b);
	return month;
}

int tco_compute(const struct tco_input *in, struct tco_result *out)
{
	const struct scenario *s = in->scenario;
	int months = s->horizon_months, baseline;
	double *baseline_cum = NULL;

	memset(out, 0, sizeof(*out));
	out->scenario = s;
	out->cheapest = -1;
	if (in->fx.present) {
		out->fx = in->fx;
		out->fx.from = xstrdup(in->fx.from);
		out->fx.to = xstrdup(in->fx.to);
		out->fx.date = xstrdup(in->fx.date);
		out->fx.source = xstrdup(in->fx.source);
	}
	if (months < 1) {
		error_set("the horizon must be at least one month");
		return -1;
	}
	out->deployments = xcalloc(s->ndeployments, sizeof(*out->deployments));
	out->ndeployments = s->ndeployments;
	out->nworkloads = s->nworkloads;
	for (size_t i = 0; i < s->ndeployments; i++) {
		if (compute_deployment(in, i, false, &out->deployments[i]) < 0) {
			tco_result_release(out);
			return -1;
		}
	}
	baseline = s->baseline ? find_deployment(s, s->baseline) : 0;
	if (baseline < 0)
		baseline = 0;
	if (s->ndeployments > 0)
		baseline_cum = cumulative_cash(&out->deployments[baseline], months);
	for (size_t i = 0; i < s->ndeployments; i++) {
		struct deployment_result *r = &out->deployments[i];

		/* An excluded deployment wins nothing, not even a break-even. */
		if ((int)i != baseline && !r->excluded) {
			double *cum = cumulative_cash(r, months);

			r->breakeven_month = tco_breakeven_month(cum, baseline_cum, months);
			free(cum);
		}
		if (!r->excluded && (out->cheapest < 0 ||
				     r->total < out->deployments[out->cheapest].total))
			out->cheapest = (int)i;
	}
	free(baseline_cum);
	return 0;
}

void tco_incomplete_names(unsigned incomplete, struct strbuf *out)
{
	const char *sep = "";

	for (int c = 0; c < COST_NCOMPONENTS; c++) {
		if (incomplete & COST_BIT(c)) {
			strbuf_addf(out, "%s%s", sep, cost_component_names[c]);
			sep = ", ";
		}
	}
}

bool tco_same_total(const struct tco_result *r, int a, int b)
{
	double x = r->deployments[a].total, y = r->deployments[b].total;

	return fabs(x - y) <= 1e-9 * fmax(fmax(fabs(x), fabs(y)), 1.0);
}

int tco_runner_up(const struct tco_result *r)
{
	int best = -1;

	for (size_t i = 0; r->cheapest >= 0 && i < r->ndeployments; i++) {
		if ((int)i == r->cheapest || r->deployments[i].excluded ||
		    tco_same_total(r, (int)i, r->cheapest))
			continue;
		if (best < 0 || r->deployments[i].total < r->deployments[best].total)
			best = (int)i;
	}
	return best;
}

int tco_deployment_total(const struct tco_input *in, size_t index, double *total,
			 bool *excluded)
{
	struct deployment_result r;
	int rc;

	memset(&r, 0, sizeof(r));
	if (in->scenario->horizon_months < 1) {
		error_set("the horizon must be at least one month");
		return -1;
	}
	rc = compute_deployment(in, index, true, &r);
	*total = r.total;
	*excluded = r.excluded;
	tco_deployment_result_release(&r, in->scenario->nworkloads);
	return rc;
}

void tco_deployment_result_release(struct deployment_result *r, size_t nworkloads)
{
	free(r->monthly);
	free(r->monthly_by_component);
	free(r->cumulative_p10);
	free(r->cumulative_p90);
	free(r->excluded_reason);
	free(r->workload_cost);
	free(r->workload_wall_hours);
	for (size_t k = 0; r->pipelines && k < nworkloads; k++)
		free(r->pipelines[k].instance);
	free(r->pipelines);
	feature_store_runs_release(r->feature_stores, nworkloads);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

void tco_result_release(struct tco_result *r)
{
	for (size_t i = 0; i < r->ndeployments; i++)
		tco_deployment_result_release(&r->deployments[i], r->nworkloads);
	free(r->deployments);
	for (size_t i = 0; i < r->ndemand; i++)
		workload_demand_release(&r->demand[i]);
	free(r->demand);
	free(r->notes);
	tco_fx_release(&r->fx);
	tco_prices_used_release(&r->prices);
	memset(r, 0, sizeof(*r));
}
