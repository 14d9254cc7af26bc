/*
 * CPU data pipelines (kind: pipeline): vCPU-hours bought as whole instances,
 * as many as the deadline needs, and the human labelling of their data. Clouds
 * bill instances by the second, so more instances finish sooner for the same
 * vCPU-hours; the cost is vcpu_hours x the price per vCPU-hour.
 */
#include "tco.h"
#include "units.h"
#include "util.h"

#include <limits.h>
#include <math.h>

int tco_pipeline_size(const struct workload *w, struct pipeline_run *run)
{
	const struct pipeline_spec *p = &w->pipeline;
	double per_instance = run->vcpus > 0 ? run->vcpus : 1;

	run->instances = 1;
	if (!isnan(p->deadline_hours) && p->deadline_hours > 0) {
		double want = ceil(p->vcpu_hours / (per_instance * p->deadline_hours) - 1e-9);

		if (!whole_to_int(fmax(1, want), 1, INT_MAX, &run->instances)) {
			error_set("workloads.%s.deadline: %g instances of %g vCPUs to finish by "
				  "it; more than any cloud sells", w->name, want, per_instance);
			return -1;
		}
	}
	run->wall_hours = p->vcpu_hours / (per_instance * run->instances);
	return 0;
}

static double labeling_cost(const struct pipeline_spec *p)
{
	if (!isnan(p->labeling_items) && !isnan(p->labeling_price_per_item))
		return p->labeling_items * p->labeling_price_per_item;
	if (!isnan(p->labeling_hours) && !isnan(p->labeling_price_per_hour))
		return p->labeling_hours * p->labeling_price_per_hour;
	return 0;
}

static double cpu_cost(const struct pipeline_run *run)
{
	return run->instances * run->price_per_hour * run->wall_hours;
}

double tco_pipeline_cost(const struct workload *w, const struct pipeline_run *run)
{
	if (w->kind != WORKLOAD_PIPELINE || !run->present)
		return 0;
	return cpu_cost(run) + labeling_cost(&w->pipeline);
}

void tco_pipeline_costs(const struct scenario *s, const struct pipeline_run *runs,
			double (*by)[COST_NCOMPONENTS])
{
	int months = s->horizon_months;

	for (size_t i = 0; runs && i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const struct pipeline_run *run = &runs[i];
		double start = isnan(w->start_hours) ? 0 : w->start_hours, end, cpu, labels;

		if (w->kind != WORKLOAD_PIPELINE || !run->present)
			continue;
		end = start + run->wall_hours;
		cpu = cpu_cost(run);
		labels = labeling_cost(&w->pipeline);
		for (int m = 0; m < months; m++) {
			double from = fmax(start, m * HOURS_PER_MONTH);
			double to = fmin(end, (m + 1) * HOURS_PER_MONTH);
			/* A run of no length is paid in the month it starts. */
			double share = run->wall_hours > 0 ? fmax(0, to - from) / run->wall_hours
				: start >= m * HOURS_PER_MONTH && start < (m + 1) * HOURS_PER_MONTH;

			by[m][COST_PIPELINE] += cpu * share;
			by[m][COST_LABELING] += labels * share;
		}
	}
}
