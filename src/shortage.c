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

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double percentile(const double *sorted, long n, double q)
{
	long rank = (long)ceil(q * (double)n);

	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

int shortage_simulate(double base_total, const double *extra, int months, double probability,
		      bool once, long trials, uint64_t seed, struct shortage_stats *out)
{
	double *totals = NULL;
	uint64_t state = seed;
	int result = -1;

	memset(out, 0, sizeof(*out));
	if (trials < 1 || months < 1) {
		error_set("the shortage simulation needs at least one trial and one month");
		goto cleanup;
	}
	totals = xmalloc((size_t)trials * sizeof(*totals));
	for (long t = 0; t < trials; t++) {
		double total = base_total;

		if (once) {
			if (random_uniform(&state) < probability)
				for (int m = 0; m < months; m++)
					total += extra[m];
		} else {
			for (int m = 0; m < months; m++) {
				/* Draw every month even when its extra is 0: a month's
				 * numbers never depend on another month's cost. */
				if (random_uniform(&state) < probability)
					total += extra[m];
			}
		}
		totals[t] = total;
	}
	/* The mean is the exact expectation, not the draws' average: totals, budgets
	 * and the cheapest never move with --seed or --trials, only the percentiles. */
	out->mean_monthly = xcalloc((size_t)months, sizeof(double));
	for (int m = 0; m < months; m++) {
		out->mean_monthly[m] = probability * extra[m];
		out->mean += out->mean_monthly[m];
	}
	qsort(totals, (size_t)trials, sizeof(*totals), compare_doubles);
	out->p10 = percentile(totals, trials, 0.10);
	out->p50 = percentile(totals, trials, 0.50);
	out->p90 = percentile(totals, trials, 0.90);
	result = 0;
cleanup:
	free(totals);
	return result;
}
