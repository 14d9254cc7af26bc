/*
 * GPU shortages as a cost: the distribution of the extra paid over the months of
 * the horizon, exact when it is small (most scenarios), else a seeded Monte
 * Carlo. splitmix64 uses only 64-bit integer arithmetic, so every machine draws
 * the same numbers for the same seed.
 */
#include "tco.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double random_uniform(uint64_t *state)
{
	/* The top 53 bits scaled by 2^-53: exact in a double, never 1. */
	return (double)(splitmix64(state) >> 11) * 0x1.0p-53;
}

/*
 * The nearest-rank percentile Q of the N values in V, which it reorders: the
 * k-th smallest by selection (Hoare partitions), the same value a full sort
 * would give in O(n) instead of O(n log n); the band takes 2 per month.
 */
static double select_kth(double *v, long n, long k)
{
	long lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = v[lo + (hi - lo) / 2];
		long i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double swap = v[i];

				v[i++] = v[j];
				v[j--] = swap;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;   /* between the two parts: equal to the pivot */
	}
	return v[k];
}

/* The index of the nearest-rank percentile Q among N values. */
static long rank_of(double q, long n)
{
	long k = (long)ceil(q * (double)n) - 1;

	return k < 0 ? 0 : k;
}

static double percentile(double *v, long n, double q)
{
	return select_kth(v, n, rank_of(q, n));
}

/*
 * P10 and P90 over the trials of the extra paid up to the end of each month:
 * the band a chart draws around the cumulative cash (HITS: one bit per month
 * of each trial, WORDS 64-bit words a trial).
 *
 * The same order statistics as percentile() would give, without sorting or
 * selecting among a million totals 2 × months times. One pass over the trials
 * replays each one's months and counts its running total into that month's
 * histogram, whose bounds are known in advance (the running sums of the
 * negative and of the positive extras: rounding never takes a total past
 * them), keeping each bucket's smallest and largest total. The histogram says
 * which bucket holds each rank; a bucket of equal totals (the usual case:
 * totals are sums of a few distinct extras) is the answer; otherwise a second
 * pass collects that bucket's totals and selects among them only.
 */
#define BAND_BUCKETS_MAX 1024

struct band_month {
	double from, scale;           /* bucket = (total - from) * scale */
	long buckets;                 /* 1 to BAND_BUCKETS_MAX: about 8 trials a bucket */
	long *count;
	double *low, *high;
	long bucket[2], below[2];     /* the buckets of P10 and P90; counts below them */
	double *picked[2];            /* their totals, when they differ (second pass) */
	long npicked[2];
};

static long band_bucket(const struct band_month *bm, double total)
{
	long b = (long)((total - bm->from) * bm->scale);

	return b < bm->buckets ? b : bm->buckets - 1;
}

/* Trial T's running total at the end of each month, into RUNNING. */
static void replay(const uint64_t *hit, const double *extra, int months, double *running)
{
	double total = 0;

	for (int m = 0; m < months; m++) {
		total += hit[m / 64] >> (m % 64) & 1 ? extra[m] : 0.0;   /* x + 0 is x */
		running[m] = total;
	}
}

/* The histograms of each month, bounded as above; BAND_BUCKETS_MAX at most. */
static struct band_month *band_begin(const double *extra, int months, long trials)
{
	struct band_month *bm = xcalloc((size_t)months, sizeof(*bm));
	long buckets = trials / 8 < 1 ? 1 : trials / 8 > BAND_BUCKETS_MAX ? BAND_BUCKETS_MAX
									  : trials / 8;
	long *counts = xcalloc((size_t)(months * buckets), sizeof(*counts));
	double *bounds = xmalloc((size_t)(months * buckets) * 2 * sizeof(*bounds));
	double from = 0, to = 0;

	for (int m = 0; m < months; m++) {
		from += fmin(extra[m], 0);
		to += fmax(extra[m], 0);
		bm[m].from = from;
		bm[m].buckets = buckets;
		bm[m].scale = to > from ? (double)buckets / (to - from) : 0;
		bm[m].count = counts + m * buckets;
		bm[m].low = bounds + 2 * m * buckets;
		bm[m].high = bm[m].low + buckets;
		for (long b = 0; b < buckets; b++) {
			bm[m].low[b] = INFINITY;
			bm[m].high[b] = -INFINITY;
		}
	}
	return bm;
}

/* Counts TOTAL, a trial's extra paid up to the end of a month, into BM's histogram. */
static inline void band_count(struct band_month *bm, double total)
{
	long b = band_bucket(bm, total);

	bm->count[b]++;
	if (total < bm->low[b])
		bm->low[b] = total;
	if (total > bm->high[b])
		bm->high[b] = total;
}

/* The band from the histograms BM counted (freed): see above. */
static void band_end(struct band_month *bm, const uint64_t *hits, size_t words,
		     const double *extra, int months, long trials, struct shortage_stats *out)
{
	double *running = xmalloc((size_t)months * sizeof(double));
	const long ranks[2] = { rank_of(0.10, trials), rank_of(0.90, trials) };
	bool second_pass = false;

	out->cumulative_p10 = xmalloc((size_t)months * sizeof(double));
	out->cumulative_p90 = xmalloc((size_t)months * sizeof(double));
	for (int m = 0; m < months; m++) {
		double *band[2] = { &out->cumulative_p10[m], &out->cumulative_p90[m] };

		for (int i = 0; i < 2; i++) {
			long below = 0, b = 0;

			while (below + bm[m].count[b] <= ranks[i])
				below += bm[m].count[b++];
			bm[m].bucket[i] = b;
			bm[m].below[i] = below;
			*band[i] = bm[m].low[b];
			if (bm[m].low[b] != bm[m].high[b]) {
				bm[m].picked[i] = xmalloc((size_t)bm[m].count[b] * sizeof(double));
				second_pass = true;
			}
		}
	}
	for (long t = 0; second_pass && t < trials; t++) {
		replay(hits + (size_t)t * words, extra, months, running);
		for (int m = 0; m < months; m++)
			for (int i = 0; i < 2; i++)
				if (bm[m].picked[i] &&
				    band_bucket(&bm[m], running[m]) == bm[m].bucket[i])
					bm[m].picked[i][bm[m].npicked[i]++] = running[m];
	}
	for (int m = 0; m < months; m++) {
		double *band[2] = { &out->cumulative_p10[m], &out->cumulative_p90[m] };

		for (int i = 0; i < 2; i++)
			if (bm[m].picked[i]) {
				*band[i] = select_kth(bm[m].picked[i], bm[m].npicked[i],
						      ranks[i] - bm[m].below[i]);
				free(bm[m].picked[i]);
			}
	}
	free(running);
	free(bm[0].count);
	free(bm[0].low);
	free(bm);
}

/*
 * The exact distribution instead of draws, when it is small. A trial's extra is
 * a sum of independent terms (each month's extra with probability P; with once,
 * all of them together), so its distribution follows month by month: the totals
 * reachable after month m are those after m - 1, missed (1 - P) or plus the
 * month's extra (P). Months of equal extras reach the same totals again (k hits
 * of n: a binomial), so the list stays short for most scenarios; it is given up
 * past EXACT_POINTS_MAX, for the draws. Each total is added up in the order a
 * trial adds it, so a percentile is a total the draws would print; totals apart
 * by less than a billionth (one sum in two orders) count as one.
 */
#define EXACT_POINTS_MAX 16384

struct atom {
	double total, probability;
};

struct distribution {
	struct atom *atoms;
	size_t n, alloc;
};

static bool same_total(double a, double b)
{
	return fabs(a - b) <= 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
}

/*
 * D after one more month: missed with 1 - P, or plus EXTRA with P, built in
 * SPARE (whose list D then takes); false when it would pass EXACT_POINTS_MAX.
 */
static bool add_month(struct distribution *d, struct distribution *spare, double extra,
		      double p)
{
	struct distribution swap;
	size_t i = 0, j = 0, n = 0;

	if (extra == 0)
		return true;
	xgrow(&spare->atoms, &spare->alloc, 2 * d->n, sizeof(*spare->atoms));
	while (i < d->n || j < d->n) {
		struct atom next;

		/* Both lists are in order (adding EXTRA keeps the order: rounding is monotone). */
		if (j >= d->n || (i < d->n && d->atoms[i].total <= d->atoms[j].total + extra))
			next = (struct atom){ d->atoms[i].total, d->atoms[i].probability * (1 - p) },
			i++;
		else
			next = (struct atom){ d->atoms[j].total + extra, d->atoms[j].probability * p },
			j++;
		if (next.probability == 0)   /* P = 1: a miss never happens */
			continue;
		if (n > 0 && same_total(spare->atoms[n - 1].total, next.total))
			spare->atoms[n - 1].probability += next.probability;
		else if (n == EXACT_POINTS_MAX)
			return false;
		else
			spare->atoms[n++] = next;
	}
	spare->n = n;
	swap = *d;
	*d = *spare;
	*spare = swap;
	return true;
}

/* The smallest total whose cumulative probability reaches Q (the nearest rank). */
static double exact_percentile(const struct distribution *d, double q)
{
	double below = 0;

	for (size_t i = 0; i < d->n; i++) {
		below += d->atoms[i].probability;
		/* 1e-12: the probabilities' own rounding, not a real gap */
		if (below >= q - 1e-12)
			return d->atoms[i].total;
	}
	return d->atoms[d->n - 1].total;
}

/* D = {A with 1 - P, B with P}: what a shortage that strikes once has paid. */
static void two_totals(struct distribution *d, double a, double b, double p)
{
	struct atom miss = { a, 1 - p }, hit = { b, p };

	xgrow(&d->atoms, &d->alloc, 2, sizeof(*d->atoms));
	d->n = 0;
	if (same_total(a, b)) {
		d->atoms[d->n++] = (struct atom){ a, 1 };
		return;
	}
	if (b < a)
		d->atoms[d->n++] = hit;
	if (miss.probability > 0)
		d->atoms[d->n++] = miss;
	if (b >= a)
		d->atoms[d->n++] = hit;
}

static void start_at(struct distribution *d, double total)
{
	xgrow(&d->atoms, &d->alloc, 1, sizeof(*d->atoms));
	d->atoms[0] = (struct atom){ total, 1 };
	d->n = 1;
}

/*
 * The percentiles and the band from the exact distribution; false (nothing set)
 * when it has more than EXACT_POINTS_MAX totals. The extra paid so far and the
 * total (from BASE_TOTAL) are followed apart, each summed as a trial sums it.
 */
static bool shortage_exact(double base_total, const double *extra, int months,
			   double probability, bool once, struct shortage_stats *out)
{
	struct distribution paid = { 0 }, total = { 0 }, spare = { 0 };
	double hit_paid = 0, hit_total = base_total;
	bool exact = true;

	start_at(&paid, 0);
	start_at(&total, base_total);
	out->cumulative_p10 = xmalloc((size_t)months * sizeof(double));
	out->cumulative_p90 = xmalloc((size_t)months * sizeof(double));
	for (int m = 0; m < months && exact; m++) {
		if (once) {
			hit_paid += extra[m];
			hit_total += extra[m];
			two_totals(&paid, 0, hit_paid, probability);
			two_totals(&total, base_total, hit_total, probability);
		} else {
			exact = add_month(&paid, &spare, extra[m], probability) &&
				add_month(&total, &spare, extra[m], probability);
		}
		out->cumulative_p10[m] = exact_percentile(&paid, 0.10);
		out->cumulative_p90[m] = exact_percentile(&paid, 0.90);
	}
	if (exact) {
		out->p10 = exact_percentile(&total, 0.10);
		out->p50 = exact_percentile(&total, 0.50);
		out->p90 = exact_percentile(&total, 0.90);
	} else {
		free(out->cumulative_p10);
		free(out->cumulative_p90);
		out->cumulative_p10 = out->cumulative_p90 = NULL;
	}
	free(paid.atoms);
	free(total.atoms);
	free(spare.atoms);
	return exact;
}

void shortage_expected(const double *extra, int months, double probability, double *monthly)
{
	for (int m = 0; m < months; m++)
		monthly[m] = probability * extra[m];
}

/* The mean is the exact expectation, like the draws'. */
static void exact_mean(const double *extra, int months, double probability,
		       struct shortage_stats *out)
{
	out->mean_monthly = xcalloc((size_t)months, sizeof(double));
	shortage_expected(extra, months, probability, out->mean_monthly);
	for (int m = 0; m < months; m++)
		out->mean += out->mean_monthly[m];
}

int shortage_sample(double base_total, const double *extra, int months, double probability,
		    bool once, long trials, uint64_t seed, struct shortage_stats *out)
{
	struct band_month *band;
	double *totals = NULL;
	uint64_t state = seed, *hits = NULL;
	size_t words;
	int result = -1;

	memset(out, 0, sizeof(*out));
	if (trials < 1 || months < 1) {
		error_set("the shortage simulation needs at least one trial and one month");
		goto cleanup;
	}
	words = ((size_t)months + 63) / 64;
	totals = xmalloc((size_t)trials * sizeof(*totals));
	hits = xcalloc((size_t)trials * words, sizeof(*hits));
	band = band_begin(extra, months, trials);
	for (long t = 0; t < trials; t++) {
		uint64_t *hit = hits + (size_t)t * words;
		double total = base_total, paid = 0;
		bool h = once && random_uniform(&state) < probability;

		for (int m = 0; m < months; m++) {
			/* Month by month, draw every month even when its extra is 0: a
			 * month's numbers never depend on another month's cost. No branch
			 * on the draw (x + 0 is x): the CPU cannot predict it. The total
			 * and what is paid so far (the band's) are separate sums. */
			if (!once)
				h = random_uniform(&state) < probability;
			total += h ? extra[m] : 0.0;
			paid += h ? extra[m] : 0.0;
			hit[m / 64] |= (uint64_t)h << (m % 64);
			band_count(&band[m], paid);
		}
		totals[t] = total;
	}
	band_end(band, hits, words, extra, months, trials, out);
	/* The mean is the exact expectation, not the draws' average: totals, budgets
	 * and the cheapest never move with --seed or --trials, only the percentiles. */
	exact_mean(extra, months, probability, out);
	out->p10 = percentile(totals, trials, 0.10);
	out->p50 = percentile(totals, trials, 0.50);
	out->p90 = percentile(totals, trials, 0.90);
	result = 0;
cleanup:
	free(totals);
	free(hits);
	return result;
}

int shortage_simulate(double base_total, const double *extra, int months, double probability,
		      bool once, long trials, uint64_t seed, struct shortage_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (trials < 1 || months < 1) {
		error_set("the shortage simulation needs at least one trial and one month");
		return -1;
	}
	if (!shortage_exact(base_total, extra, months, probability, once, out))
		return shortage_sample(base_total, extra, months, probability, once, trials, seed,
				       out);
	exact_mean(extra, months, probability, out);
	return 0;
}
