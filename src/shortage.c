/*
 * GPU shortages as a cost: a seeded Monte Carlo over the months of the horizon.
 * splitmix64 uses only 64-bit integer arithmetic, so every machine draws the same
 * numbers for the same seed.
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
static double percentile(double *v, long n, double q)
{
	long k = (long)ceil(q * (double)n) - 1, lo = 0, hi = n - 1;

	if (k < 0)
		k = 0;
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

/*
 * P10 and P90 over the trials of the extra paid up to the end of each month:
 * the band a chart draws around the cumulative cash (HITS: one bit per month
 * of each trial, WORDS 64-bit words a trial).
 */
static void cumulative_band(const uint64_t *hits, size_t words, const double *extra,
			    int months, long trials, struct shortage_stats *out)
{
	double *running = xcalloc((size_t)trials, sizeof(double));
	double *values = xmalloc((size_t)trials * sizeof(double));

	out->cumulative_p10 = xmalloc((size_t)months * sizeof(double));
	out->cumulative_p90 = xmalloc((size_t)months * sizeof(double));
	for (int m = 0; m < months; m++) {
		for (long t = 0; t < trials; t++) {
			if (hits[(size_t)t * words + (size_t)m / 64] >> (m % 64) & 1)
				running[t] += extra[m];
			values[t] = running[t];
		}
		out->cumulative_p10[m] = percentile(values, trials, 0.10);
		out->cumulative_p90[m] = percentile(values, trials, 0.90);
	}
	free(running);
	free(values);
}

int shortage_simulate(double base_total, const double *extra, int months, double probability,
		      bool once, long trials, uint64_t seed, struct shortage_stats *out)
{
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
	for (long t = 0; t < trials; t++) {
		uint64_t *hit = hits + (size_t)t * words;
		double total = base_total;

		if (once) {
			if (random_uniform(&state) < probability)
				for (int m = 0; m < months; m++) {
					total += extra[m];
					hit[m / 64] |= 1ULL << (m % 64);
				}
		} else {
			for (int m = 0; m < months; m++) {
				/* Draw every month even when its extra is 0: a month's
				 * numbers never depend on another month's cost. */
				if (random_uniform(&state) < probability) {
					total += extra[m];
					hit[m / 64] |= 1ULL << (m % 64);
				}
			}
		}
		totals[t] = total;
	}
	cumulative_band(hits, words, extra, months, trials, out);
	/* The mean is the exact expectation, not the draws' average: totals, budgets
	 * and the cheapest never move with --seed or --trials, only the percentiles. */
	out->mean_monthly = xcalloc((size_t)months, sizeof(double));
	for (int m = 0; m < months; m++) {
		out->mean_monthly[m] = probability * extra[m];
		out->mean += out->mean_monthly[m];
	}
	out->p10 = percentile(totals, trials, 0.10);
	out->p50 = percentile(totals, trials, 0.50);
	out->p90 = percentile(totals, trials, 0.90);
	result = 0;
cleanup:
	free(totals);
	free(hits);
	return result;
}
