/*
 * Feature stores (feature_store on a workload): the online share is memory-class
 * storage, held on memory-optimised instances sized for both its bytes and its
 * reads (self-managed nodes bill by the hour, not per request); the offline
 * share is object storage. Both are storage in the breakdown, kept from the
 * workload's start to the horizon (an inference workload's: to its end).
 */
#include "tco.h"
#include "units.h"

#include <math.h>
#include <stdlib.h>

#define GIB 1073741824.0

double tco_feature_store_nodes(const struct feature_store_spec *fs, double memory_gib,
			       double vcpus)
{
	double for_memory = 0, for_reads = 0;

	if (fs->online_bytes > 0 && memory_gib > 0)
		for_memory = fs->online_bytes / GIB / (memory_gib * FEATURE_STORE_USABLE_MEMORY);
	if (fs->reads_per_second > 0 && vcpus > 0 && fs->reads_per_vcpu > 0)
		for_reads = fs->reads_per_second / (vcpus * fs->reads_per_vcpu);
	return fmax(for_memory, for_reads);
}

/* The hours of month M (0-based) in which workload W keeps its feature store. */
static double kept_hours(const struct scenario *s, const struct workload *w, int m)
{
	double start = isnan(w->start_hours) ? 0 : w->start_hours;
	double end = s->horizon_months * HOURS_PER_MONTH;

	if (w->kind == WORKLOAD_INFERENCE && !isnan(w->duration_hours))
		end = fmin(end, start + w->duration_hours);
	return fmax(0, fmin(end, (m + 1) * HOURS_PER_MONTH) - fmax(start, m * HOURS_PER_MONTH));
}

void tco_feature_store_costs(const struct scenario *s, struct feature_store_run *runs,
			     double (*by)[COST_NCOMPONENTS])
{
	for (size_t i = 0; runs && i < s->nworkloads; i++) {
		struct feature_store_run *run = &runs[i];
		double per_month = run->online_per_month + run->offline_per_month;

		if (!run->present)
			continue;
		run->total = 0;
		for (int m = 0; m < s->horizon_months; m++) {
			double cost = per_month * kept_hours(s, &s->workloads[i], m) / HOURS_PER_MONTH;

			by[m][COST_STORAGE] += cost;
			run->total += cost;
		}
	}
}

void feature_store_runs_release(struct feature_store_run *runs, size_t n)
{
	for (size_t i = 0; runs && i < n; i++)
		free(runs[i].instance);
	free(runs);
}
