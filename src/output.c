/* Writers for a cost result: the JSON contract, tables, csv and markdown. */
#include "output.h"
#include "budget.h"
#include "strbuf.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

static const char *const kind_names[] = { "cloud", "onprem", "hybrid" };

static bool shown(int only, size_t i)
{
	return only < 0 || (size_t)only == i;
}

/* Accelerator-hours a workload uses within the horizon. */
static double horizon_gpu_hours(const struct scenario *s, const struct workload *w,
				const struct workload_demand *d)
{
	double end, active;

	if (workload_is_job(w))
		return d->gpu_hours;
	end = isnan(w->duration_hours) ? s->horizon_hours : w->start_hours + w->duration_hours;
	active = fmin(end, s->horizon_hours) - w->start_hours;
	return active > 0 ? d->gpus * active : 0;
}

static json_t *number_or_null(double value, bool applies)
{
	return applies && isfinite(value) ? json_real(value) : json_null();
}

/* A training workload's layout, e.g. "tp8 cp16 pp16 dp8" (cp, ep when used). */
static void layout_text(const struct workload_demand *d, struct strbuf *out)
{
	const struct perf_layout *l = &d->step.layout;

	strbuf_addf(out, "tp%d", l->tp);
	if (l->cp > 1)
		strbuf_addf(out, " cp%d", l->cp);
	strbuf_addf(out, " pp%d dp%d", l->pp, l->dp);
	if (l->ep > 1)
		strbuf_addf(out, " ep%d", l->ep);
}

/*
 * What a training workload's hours rest on besides the common assumptions: where
 * the MFU came from (predicted or given), the parallel layout and the step time
 * with its shares (perfmodel.h).
 */
static void training_assumptions_json(json_t *o, const struct workload_demand *d)
{
	const struct perf_step *st = &d->step;

	json_object_set_new(o, "mfu_source", json_string(d->mfu_predicted ? "predicted" : "given"));
	json_object_set_new(o, "recompute", json_string(recompute_name(d->recompute)));
	json_object_set_new(o, "checkpoint_interval_hours",
			    number_or_null(d->checkpoint_interval_hours, true));
	if (d->has_layout) {
		json_t *layout = json_object();
		double step = st->step_seconds;

		json_object_set_new(layout, "tp", json_integer(st->layout.tp));
		json_object_set_new(layout, "pp", json_integer(st->layout.pp));
		json_object_set_new(layout, "dp", json_integer(st->layout.dp));
		json_object_set_new(layout, "ep", json_integer(st->layout.ep));
		json_object_set_new(layout, "cp", json_integer(st->layout.cp > 1 ? st->layout.cp : 1));
		json_object_set_new(layout, "microbatches", json_integer(st->layout.microbatches));
		json_object_set_new(layout, "chunks", json_integer(st->layout.chunks));
		json_object_set_new(o, "layout", layout);
		json_object_set_new(o, "layers", json_integer(d->layers));
		json_object_set_new(o, "hidden", json_integer(d->hidden));
		json_object_set_new(o, "seq_len", json_real(d->seq_len));
		json_object_set_new(o, "batch_tokens", json_real(d->batch_tokens));
		json_object_set_new(o, "step_seconds", json_real(step));
		json_object_set_new(o, "compute_share", json_real(st->compute_seconds / step));
		json_object_set_new(o, "communication_share",
				    json_real((st->tp_seconds + st->dp_seconds + st->ep_seconds +
					       st->pp_seconds + st->cp_seconds) / step));
		json_object_set_new(o, "bubble_share", json_real(st->bubble_seconds / step));
		json_object_set_new(o, "memory_per_gpu_gb", json_real(st->memory_bytes / 1e9));
	} else {
		json_object_set_new(o, "layout", json_null());
		json_object_set_new(o, "step_seconds", json_null());
		json_object_set_new(o, "compute_share", json_null());
		json_object_set_new(o, "communication_share", json_null());
		json_object_set_new(o, "bubble_share", json_null());
	}
}

/* What the demand rests on: {peak_tflops, precision, mfu, ...}, null where n/a. */
static json_t *assumptions_json(const struct workload *w, const struct workload_assumptions *a)
{
	const struct inference_spec *inf = &w->inference;
	bool serve = w->kind != WORKLOAD_TRAINING;
	json_t *o = json_object();

	json_object_set_new(o, "peak_tflops", number_or_null(a->peak_tflops, true));
	json_object_set_new(o, "precision", json_string(precision_name(a->precision)));
	json_object_set_new(o, "mfu", number_or_null(a->mfu, true));
	json_object_set_new(o, "goodput", number_or_null(a->goodput, true));
	json_object_set_new(o, "compute_efficiency", number_or_null(a->compute_efficiency, true));
	json_object_set_new(o, "bandwidth_efficiency",
			    number_or_null(a->bandwidth_efficiency, true));
	json_object_set_new(o, "hbm_tb_s", number_or_null(a->hbm_tb_s, true));
	json_object_set_new(o, "ttft_ms", number_or_null(a->ttft_ms, true));
	json_object_set_new(o, "ttft_p95_ms", number_or_null(a->ttft_p95_ms, true));
	json_object_set_new(o, "ttft_p99_ms", number_or_null(a->ttft_p99_ms, true));
	json_object_set_new(o, "tpot_ms", number_or_null(a->tpot_ms, true));
	json_object_set_new(o, "tpot_p95_ms", number_or_null(a->tpot_p95_ms, true));
	json_object_set_new(o, "utilisation", number_or_null(a->utilisation, true));
	json_object_set_new(o, "kv_precision", serve ?
			    json_string(precision_name(a->kv_precision)) : json_null());
	json_object_set_new(o, "scaleup_gb_s", number_or_null(a->scaleup_gb_s, serve));
	json_object_set_new(o, "communication_ms", number_or_null(a->communication_ms, serve));
	json_object_set_new(o, "prefix_cache_hit", number_or_null(a->prefix_cache_hit, serve));
	json_object_set_new(o, "tokens_per_step", number_or_null(a->tokens_per_step, serve));
	json_object_set_new(o, "batching", serve ? json_string(inf->static_batching ? "static" :
								 "continuous") : json_null());
	json_object_set_new(o, "kv_read_per_query_head", serve ?
			    json_boolean(inf->kv_read_per_query_head) : json_null());
	json_object_set_new(o, "speculative", serve && inf->draft_params > 0 ?
			    json_pack("{s:f, s:f, s:i, s:f}", "draft_params", inf->draft_params,
				      "acceptance", inf->acceptance, "lookahead", inf->lookahead,
				      "draft_kv_cache_gb", a->draft_kv_cache_gb) :
			    json_null());
	return o;
}

/* The contract's workloads[] array. */
json_t *output_demand_json(const struct scenario *s, const struct workload_demand *demand)
{
	json_t *array = json_array();

	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const struct workload_demand *d = &demand[i];
		bool train = w->kind == WORKLOAD_TRAINING;
		bool serve = w->kind == WORKLOAD_INFERENCE || w->kind == WORKLOAD_BATCH_INFERENCE;
		bool pipeline = w->kind == WORKLOAD_PIPELINE;
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(w->name));
		json_object_set_new(o, "kind", json_string(workload_kind_name(w->kind)));
		json_object_set_new(o, "accelerator", d->accelerator ? json_string(d->accelerator) :
				    json_null());
		json_object_set_new(o, "gpus", json_integer(d->gpus));
		json_object_set_new(o, "flops", number_or_null(d->flops, train));
		json_object_set_new(o, "gpu_hours", json_real(horizon_gpu_hours(s, w, d)));
		json_object_set_new(o, "wall_hours", number_or_null(d->wall_hours,
								       workload_is_job(w)));
		json_object_set_new(o, "goodput", number_or_null(d->goodput, train));
		json_object_set_new(o, "memory_needed_gb", number_or_null(d->memory_needed_gb,
									  train && d->memory_needed_gb > 0));
		json_object_set_new(o, "weights_gb", number_or_null(d->weights_gb, serve));
		json_object_set_new(o, "kv_cache_gb", number_or_null(d->kv_cache_gb, serve));
		json_object_set_new(o, "prefill_ms", number_or_null(d->prefill_ms, serve));
		json_object_set_new(o, "decode_ms_per_token",
				    number_or_null(d->decode_ms_per_token, serve));
		json_object_set_new(o, "tokens_per_second_per_gpu",
				    number_or_null(d->tokens_per_second_per_gpu, serve));
		json_object_set_new(o, "tensor_parallel", serve ? json_integer(d->tensor_parallel) :
				    json_null());
		json_object_set_new(o, "pipeline_parallel", serve ?
				    json_integer(d->pipeline_parallel) : json_null());
		json_object_set_new(o, "expert_parallel", serve ?
				    json_integer(d->expert_parallel) : json_null());
		json_object_set_new(o, "gpus_per_replica", serve ?
				    json_integer(d->gpus_per_replica) : json_null());
		json_object_set_new(o, "batch", serve ? json_integer(d->batch) : json_null());
		json_object_set_new(o, "replicas", serve ? json_integer(d->replicas) : json_null());
		json_object_set_new(o, "gpu_hours_per_month",
				    number_or_null(d->gpu_hours_per_month, serve));
		json_object_set_new(o, "tokens_per_month", number_or_null(d->tokens_per_month, serve));
		/* pipelines (extension): CPU work; wall time and instances are per deployment */
		json_object_set_new(o, "vcpu_hours", number_or_null(w->pipeline.vcpu_hours, pipeline));
		json_object_set_new(o, "input_gb", number_or_null(w->pipeline.input_bytes / 1e9,
								  pipeline));
		json_object_set_new(o, "feature_store", w->feature_store.present ?
				    json_pack("{s:f, s:f, s:f, s:f}",
					      "online_gb", w->feature_store.online_bytes / 1e9,
					      "offline_gb", w->feature_store.offline_bytes / 1e9,
					      "reads_per_second", w->feature_store.reads_per_second,
					      "reads_per_vcpu", w->feature_store.reads_per_vcpu) :
				    json_null());
		json_object_set_new(o, "assumptions", assumptions_json(w, &d->assumptions));
		if (train)
			training_assumptions_json(json_object_get(o, "assumptions"), d);
		json_array_append_new(array, o);
	}
	return array;
}

/* The budget limits deployment I breaks: [{limit, value, budget, month}]; [] within. */
static json_t *budget_breaches_json(const struct budget_check *checks, int n)
{
	json_t *list = json_array();

	for (int k = 0; k < n; k++) {
		const struct budget_check *c = &checks[k];

		if (c->status != BUDGET_FAIL || c->kind == BUDGET_FEASIBLE)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:f, s:f, s:o}",
			"limit", budget_kind_names[c->kind], "value", c->actual,
			"budget", c->limit, "month", c->first_month_over > 0 ?
			json_integer(c->first_month_over) : json_null()));
	}
	return list;
}

/* "pass", "fail", "error" for deployment I's budget; NULL when no limit applies. */
static const char *budget_verdict(const struct tco_result *r, size_t i)
{
	struct budget_check checks[BUDGET_NKINDS + 1];
	int n = budget_evaluate(r, i, NULL, BUDGET_AT_MEAN, checks);

	return n > 0 ? budget_status_names[budget_worst(checks, (size_t)n)] : NULL;
}

/* Each pipeline's run on a deployment: [{workload, instance, vcpus, instances, wall_hours}]. */
static json_t *pipelines_json(const struct scenario *s, const struct pipeline_run *runs)
{
	json_t *list = json_array();

	for (size_t i = 0; runs && i < s->nworkloads; i++) {
		const struct pipeline_run *run = &runs[i];

		if (s->workloads[i].kind != WORKLOAD_PIPELINE || !run->present)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:o, s:f, s:i, s:f, s:f}",
			"workload", s->workloads[i].name,
			"instance", run->instance ? json_string(run->instance) : json_null(),
			"vcpus", run->vcpus, "instances", run->instances,
			"price_per_hour", run->price_per_hour, "wall_hours", run->wall_hours));
	}
	return list;
}

/*
 * Each workload's feature store on a deployment: [{workload, instance, nodes,
 * price_per_hour, online_per_month, offline_per_gb_month, offline_per_month, total}].
 */
static json_t *feature_stores_json(const struct scenario *s, const struct feature_store_run *runs)
{
	json_t *list = json_array();

	for (size_t i = 0; runs && i < s->nworkloads; i++) {
		const struct feature_store_run *run = &runs[i];

		if (!run->present)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:o, s:f, s:f, s:f, s:f, s:f, s:f}",
			"workload", s->workloads[i].name,
			"instance", run->instance ? json_string(run->instance) : json_null(),
			"nodes", run->nodes, "price_per_hour", run->price_per_hour,
			"online_per_month", run->online_per_month,
			"offline_per_gb_month", run->offline_per_gb_month,
			"offline_per_month", run->offline_per_month, "total", run->total));
	}
	return list;
}

/* The components with no price: ["egress", "storage"]; [] when complete. */
static json_t *incomplete_json(unsigned incomplete)
{
	json_t *list = json_array();

	for (int c = 0; c < COST_NCOMPONENTS; c++)
		if (incomplete & COST_BIT(c))
			json_array_append_new(list, json_string(cost_component_names[c]));
	return list;
}

/* One string per line of NOTES; [] without any. */
static json_t *notes_json(const char *notes)
{
	json_t *list = json_array();

	while (notes && *notes) {
		size_t len = strcspn(notes, "\n");

		json_array_append_new(list, json_stringn(notes, len));
		notes += len + (notes[len] == '\n');
	}
	return list;
}

/* The NOTE column: why excluded, and what has no price. */
static void add_note_text(struct table *t, const struct deployment_result *dr)
{
	struct strbuf note = STRBUF_INIT;

	if (dr->excluded)
		strbuf_adds(&note, dr->excluded_reason);
	if (dr->incomplete) {
		strbuf_adds(&note, note.len ? "; incomplete: " : "incomplete: ");
		tco_incomplete_names(dr->incomplete, &note);
		strbuf_adds(&note, " counted as 0");
	}
	table_add_text(t, note.buf);
	strbuf_release(&note);
}

void output_cheapest_line(FILE *fp, const struct tco_result *r)
{
	const struct deployment_result *dr = &r->deployments[r->cheapest];
	struct strbuf what = STRBUF_INIT;

	if (!dr->incomplete)
		return;
	tco_incomplete_names(dr->incomplete, &what);
	fprintf(fp, "Incomplete: %s has no price for %s, counted as 0; its total is a lower "
		"bound (see its notes).\n", dr->deployment->name, what.buf);
	strbuf_release(&what);
}

static json_t *deployment_json(const struct tco_result *r, size_t i, int months)
{
	const struct deployment_result *dr = &r->deployments[i];
	json_t *o = json_object(), *monthly = json_array(), *breakdown = json_object();
	json_t *per_workload, *monthly_by_component = json_object();
	struct budget_check checks[BUDGET_NKINDS + 1];
	int n;

	json_object_set_new(o, "name", json_string(dr->deployment->name));
	json_object_set_new(o, "kind", json_string(kind_names[dr->deployment->kind]));
	json_object_set_new(o, "total", number_or_null(dr->total, true));
	for (int m = 0; m < months; m++)
		json_array_append_new(monthly, number_or_null(dr->monthly[m], true));
	for (int c = 0; c < COST_NCOMPONENTS; c++) {
		json_t *column = json_array();

		for (int m = 0; m < months; m++)
			json_array_append_new(column,
					      number_or_null(dr->monthly_by_component[m][c], true));
		json_object_set_new(monthly_by_component, cost_component_names[c], column);
	}
	json_object_set_new(o, "monthly", monthly);
	for (int c = 0; c < COST_NCOMPONENTS; c++)
		json_object_set_new(breakdown, cost_component_names[c], number_or_null(dr->breakdown[c], true));
	json_object_set_new(o, "breakdown", breakdown);
	json_object_set_new(o, "per_gpu_hour", number_or_null(dr->per_gpu_hour, true));
	json_object_set_new(o, "per_million_tokens", number_or_null(dr->per_million_tokens, true));
	json_object_set_new(o, "breakeven_month", dr->breakeven_month > 0 ?
			    json_integer(dr->breakeven_month) : json_null());
	/* Extensions after the contract's keys. */
	json_object_set_new(o, "npv", number_or_null(dr->npv, true));
	json_object_set_new(o, "p10", number_or_null(dr->p10, true));
	json_object_set_new(o, "p50", number_or_null(dr->p50, true));
	json_object_set_new(o, "p90", number_or_null(dr->p90, true));
	json_object_set_new(o, "gpu_hours_delivered", number_or_null(dr->gpu_hours_delivered, true));
	json_object_set_new(o, "tokens_delivered", number_or_null(dr->tokens_delivered, true));
	json_object_set_new(o, "utilisation", number_or_null(dr->utilisation, true));
	per_workload = json_object();
	for (size_t w = 0; dr->workload_cost && w < r->scenario->nworkloads; w++)
		json_object_set_new(per_workload, r->scenario->workloads[w].name,
				    number_or_null(dr->workload_cost[w], true));
	json_object_set_new(o, "workload_cost", per_workload);
	json_object_set_new(o, "gpu_hours_paid", number_or_null(dr->gpu_hours_paid, true));
	json_object_set_new(o, "per_gpu_hour_paid", number_or_null(dr->per_gpu_hour_paid, true));
	json_object_set_new(o, "per_pflop_hour", number_or_null(dr->per_pflop_hour, true));
	json_object_set_new(o, "committed_after_horizon",
			    number_or_null(dr->committed_after_horizon, true));
	json_object_set_new(o, "delivered_fraction", number_or_null(dr->delivered_fraction, true));
	per_workload = json_object();
	for (size_t w = 0; dr->workload_wall_hours && w < r->scenario->nworkloads; w++)
		json_object_set_new(per_workload, r->scenario->workloads[w].name,
				    number_or_null(dr->workload_wall_hours[w], true));
	json_object_set_new(o, "workload_wall_hours", per_workload);
	json_object_set_new(o, "pipelines", pipelines_json(r->scenario, dr->pipelines));
	json_object_set_new(o, "feature_stores", feature_stores_json(r->scenario,
								     dr->feature_stores));
	json_object_set_new(o, "monthly_by_component", monthly_by_component);
	json_object_set_new(o, "incomplete", incomplete_json(dr->incomplete));
	json_object_set_new(o, "notes", notes_json(dr->notes));
	json_object_set_new(o, "excluded", json_boolean(dr->excluded));
	json_object_set_new(o, "excluded_reason", dr->excluded_reason ?
			    json_string(dr->excluded_reason) : json_null());
	n = budget_evaluate(r, i, NULL, BUDGET_AT_MEAN, checks);
	json_object_set_new(o, "budget_breaches", budget_breaches_json(checks, n));
	json_object_set_new(o, "budget_status", n > 0 ?
			    json_string(budget_status_names[budget_worst(checks, (size_t)n)]) :
			    json_null());
	return o;
}

json_t *output_estimate_json(const struct tco_result *r, int only)
{
	const struct scenario *s = r->scenario;
	json_t *root = json_object(), *deployments = json_array();

	json_object_set_new(root, "scenario", json_string(s->name ? s->name : ""));
	json_object_set_new(root, "currency", json_string(s->currency ? s->currency : "USD"));
	json_object_set_new(root, "fx", r->fx.present ?
			    json_pack("{s:s, s:s, s:f, s:s, s:s}", "from", r->fx.from, "to", r->fx.to,
				      "rate", r->fx.rate, "date", r->fx.date,
				      "source", r->fx.source) : json_null());
	json_object_set_new(root, "horizon_months", json_integer(s->horizon_months));
	json_object_set_new(root, "workloads", r->demand && r->ndemand == s->nworkloads ?
			    output_demand_json(s, r->demand) : json_array());
	for (size_t i = 0; i < r->ndeployments; i++)
		if (shown(only, i))
			json_array_append_new(deployments, deployment_json(r, i, s->horizon_months));
	json_object_set_new(root, "deployments", deployments);
	json_object_set_new(root, "cheapest", r->cheapest >= 0 ?
			    json_string(r->deployments[r->cheapest].deployment->name) : json_null());
	return root;
}

/* A money-per-unit column headed in the scenario's currency: "$/GPU-H", "EUR/GPU-H". */
static void money_column(struct table *t, const char *key, const char *sign, const char *unit)
{
	struct strbuf title = STRBUF_INIT;

	strbuf_addf(&title, "%s%s", sign, unit);
	table_add_column(t, key, title.buf, COLUMN_NUMBER);
	strbuf_release(&title);
}

struct table *output_summary_table(const struct tco_result *r, int only, bool with_breakdown)
{
	struct table *t = table_new();
	const char *sign = units_money_sign(r->scenario->currency);

	table_add_column(t, "deployment", "DEPLOYMENT", COLUMN_TEXT);
	table_add_column(t, "kind", "KIND", COLUMN_TEXT);
	table_add_column(t, "total", "TOTAL", COLUMN_NUMBER);
	table_add_column(t, "npv", "NPV", COLUMN_NUMBER);
	table_add_column(t, "p50", "P50", COLUMN_NUMBER);
	table_add_column(t, "p90", "P90", COLUMN_NUMBER);
	money_column(t, "per_gpu_hour", sign, "/GPU-H");
	money_column(t, "per_gpu_hour_paid", sign, "/GPU-H PAID");
	money_column(t, "per_pflop_hour", sign, "/PFLOP-H");
	money_column(t, "per_million_tokens", sign, "/1M TOK");
	table_add_column(t, "breakeven_month", "BREAK-EVEN", COLUMN_NUMBER);
	table_add_column(t, "utilisation", "UTIL", COLUMN_NUMBER);
	if (with_breakdown)
		for (int c = 0; c < COST_NCOMPONENTS; c++)
			table_add_column(t, cost_component_names[c], cost_component_names[c],
					 COLUMN_NUMBER);
	table_add_column(t, "cheapest", "CHEAPEST", COLUMN_TEXT);
	table_add_column(t, "note", "NOTE", COLUMN_TEXT);
	table_add_column(t, "budget_status", "BUDGET", COLUMN_TEXT);
	for (size_t i = 0; i < r->ndeployments; i++) {
		const struct deployment_result *dr = &r->deployments[i];

		if (!shown(only, i))
			continue;
		table_begin_row(t);
		table_add_text(t, dr->deployment->name);
		table_add_text(t, kind_names[dr->deployment->kind]);
		table_add_money(t, dr->total, 0);
		table_add_money(t, dr->npv, 0);
		table_add_money(t, dr->p50, 0);
		table_add_money(t, dr->p90, 0);
		table_add_number(t, dr->per_gpu_hour, 2);
		table_add_number(t, dr->per_gpu_hour_paid, 2);
		table_add_number(t, dr->per_pflop_hour, 2);
		table_add_number(t, dr->per_million_tokens, 3);
		if (dr->breakeven_month > 0)
			table_add_number(t, dr->breakeven_month, 0);
		else
			table_add_null(t);
		table_add_number(t, dr->utilisation, 2);
		if (with_breakdown)
			for (int c = 0; c < COST_NCOMPONENTS; c++)
				table_add_money(t, dr->breakdown[c], 0);
		table_add_text(t, (int)i == r->cheapest ? "*" : "");
		add_note_text(t, dr);
		table_add_text(t, budget_verdict(r, i));
	}
	return t;
}

static void add_number_or_null(struct table *t, double value, int decimals)
{
	if (isfinite(value))
		table_add_number(t, value, decimals);
	else
		table_add_null(t);
}

void output_heading(FILE *fp, enum output_format format, const char *title)
{
	if (format == FORMAT_MARKDOWN)
		fprintf(fp, "\n## %s\n\n", title);
	else
		fprintf(fp, "\n%s\n", title);
}

/* One row per workload, with the same stable keys as the JSON; VERBOSE adds
 * every assumption (peak, precision, efficiencies, bandwidth) to the key ones. */
struct table *output_demand_table(const struct scenario *s, const struct workload_demand *demand,
				  bool verbose)
{
	struct table *t = table_new();

	table_add_column(t, "name", "WORKLOAD", COLUMN_TEXT);
	table_add_column(t, "kind", "KIND", COLUMN_TEXT);
	table_add_column(t, "accelerator", "ACCELERATOR", COLUMN_TEXT);
	table_add_column(t, "gpus", "GPUS", COLUMN_NUMBER);
	table_add_column(t, "gpu_hours", "GPU-HOURS", COLUMN_NUMBER);
	table_add_column(t, "wall_hours", "WALL-H", COLUMN_NUMBER);
	table_add_column(t, "flops", "FLOPS", COLUMN_NUMBER);
	table_add_column(t, "layout", "LAYOUT", COLUMN_TEXT);
	table_add_column(t, "tensor_parallel", "TP", COLUMN_NUMBER);
	table_add_column(t, "batch", "BATCH", COLUMN_NUMBER);
	table_add_column(t, "replicas", "REPLICAS", COLUMN_NUMBER);
	table_add_column(t, "prefill_ms", "PREFILL-MS", COLUMN_NUMBER);
	table_add_column(t, "decode_ms_per_token", "DECODE-MS/TOK", COLUMN_NUMBER);
	table_add_column(t, "tokens_per_second_per_gpu", "TOK/S/GPU", COLUMN_NUMBER);
	table_add_column(t, "mfu", "MFU", COLUMN_NUMBER);
	table_add_column(t, "goodput", "GOODPUT", COLUMN_NUMBER);
	table_add_column(t, "ttft_ms", "TTFT-MS", COLUMN_NUMBER);
	table_add_column(t, "tpot_ms", "TPOT-MS", COLUMN_NUMBER);
	if (verbose) {
		table_add_column(t, "peak_tflops", "PEAK-TFLOPS", COLUMN_NUMBER);
		table_add_column(t, "precision", "PRECISION", COLUMN_TEXT);
		table_add_column(t, "compute_efficiency", "COMPUTE-EFF", COLUMN_NUMBER);
		table_add_column(t, "bandwidth_efficiency", "BW-EFF", COLUMN_NUMBER);
		table_add_column(t, "hbm_tb_s", "HBM-TB/S", COLUMN_NUMBER);
		table_add_column(t, "pipeline_parallel", "PP", COLUMN_NUMBER);
		table_add_column(t, "expert_parallel", "EP", COLUMN_NUMBER);
		table_add_column(t, "kv_precision", "KV", COLUMN_TEXT);
		table_add_column(t, "communication_ms", "COMM-MS/TOK", COLUMN_NUMBER);
		table_add_column(t, "ttft_p95_ms", "TTFT-P95", COLUMN_NUMBER);
		table_add_column(t, "ttft_p99_ms", "TTFT-P99", COLUMN_NUMBER);
		table_add_column(t, "tpot_p95_ms", "TPOT-P95", COLUMN_NUMBER);
		table_add_column(t, "utilisation", "UTIL", COLUMN_NUMBER);
		table_add_column(t, "prefix_cache_hit", "PREFIX-HIT", COLUMN_NUMBER);
		table_add_column(t, "tokens_per_step", "TOK/STEP", COLUMN_NUMBER);
		table_add_column(t, "batching", "BATCHING", COLUMN_TEXT);
		table_add_column(t, "kv_reads", "KV-READS", COLUMN_TEXT);
	}
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const struct workload_demand *d = &demand[i];
		bool train = w->kind == WORKLOAD_TRAINING;

		table_begin_row(t);
		table_add_text(t, w->name);
		table_add_text(t, workload_kind_name(w->kind));
		table_add_text(t, d->accelerator);
		table_add_number(t, d->gpus, 0);
		table_add_money(t, horizon_gpu_hours(s, w, d), 0);
		if (w->kind == WORKLOAD_PIPELINE) {
			/* CPUs: its vCPU-hours and instances are in each deployment's notes */
			for (int k = 0; k < 13 + (verbose ? 5 : 0); k++)
				table_add_null(t);
			continue;
		}
		if (train) {
			struct strbuf text = STRBUF_INIT;

			table_add_money(t, d->wall_hours, 0);
			table_add_scientific(t, d->flops, 2);
			if (d->has_layout) {
				layout_text(d, &text);
				table_add_text(t, text.buf);
			} else {
				table_add_null(t);
			}
			strbuf_release(&text);
			for (int k = 0; k < 6; k++)
				table_add_null(t);
		} else {
			if (workload_is_job(w))
				table_add_money(t, d->wall_hours, 0);
			else
				table_add_null(t);
			for (int k = 0; k < 2; k++)
				table_add_null(t);
			table_add_number(t, d->tensor_parallel, 0);
			table_add_number(t, d->batch, 0);
			table_add_number(t, d->replicas, 0);
			table_add_number(t, d->prefill_ms, 1);
			add_number_or_null(t, d->decode_ms_per_token, 2);
			table_add_money(t, d->tokens_per_second_per_gpu, 0);
		}
		add_number_or_null(t, d->assumptions.mfu, 2);
		add_number_or_null(t, d->assumptions.goodput, 3);
		add_number_or_null(t, d->assumptions.ttft_ms, 1);
		add_number_or_null(t, d->assumptions.tpot_ms, 2);
		if (verbose) {
			add_number_or_null(t, d->assumptions.peak_tflops, 0);
			table_add_text(t, precision_name(d->assumptions.precision));
			add_number_or_null(t, d->assumptions.compute_efficiency, 2);
			add_number_or_null(t, d->assumptions.bandwidth_efficiency, 2);
			add_number_or_null(t, d->assumptions.hbm_tb_s, 3);
			if (train) {
				for (int k = 0; k < 13; k++)
					table_add_null(t);
				continue;
			}
			table_add_number(t, d->pipeline_parallel, 0);
			table_add_number(t, d->expert_parallel, 0);
			table_add_text(t, precision_name(d->assumptions.kv_precision));
			add_number_or_null(t, d->assumptions.communication_ms, 3);
			add_number_or_null(t, d->assumptions.ttft_p95_ms, 1);
			add_number_or_null(t, d->assumptions.ttft_p99_ms, 1);
			add_number_or_null(t, d->assumptions.tpot_p95_ms, 2);
			add_number_or_null(t, d->assumptions.utilisation, 2);
			add_number_or_null(t, d->assumptions.prefix_cache_hit, 2);
			add_number_or_null(t, d->assumptions.tokens_per_step, 2);
			table_add_text(t, w->inference.static_batching ? "static" : "continuous");
			table_add_text(t, w->inference.kv_read_per_query_head ? "per-head" : "grouped");
		}
	}
	return t;
}

/* estimate -v: where each training workload's step goes. */
struct table *output_step_table(const struct scenario *s, const struct workload_demand *demand)
{
	struct table *t = table_new();

	table_add_column(t, "name", "WORKLOAD", COLUMN_TEXT);
	table_add_column(t, "layout", "LAYOUT", COLUMN_TEXT);
	table_add_column(t, "microbatches", "MICRO", COLUMN_NUMBER);
	table_add_column(t, "recompute", "RECOMPUTE", COLUMN_TEXT);
	table_add_column(t, "step_seconds", "STEP-S", COLUMN_NUMBER);
	table_add_column(t, "compute_seconds", "COMPUTE-S", COLUMN_NUMBER);
	table_add_column(t, "tp_seconds", "TP-S", COLUMN_NUMBER);
	table_add_column(t, "dp_seconds", "DP-S", COLUMN_NUMBER);
	table_add_column(t, "pp_seconds", "PP-S", COLUMN_NUMBER);
	table_add_column(t, "ep_seconds", "EP-S", COLUMN_NUMBER);
	table_add_column(t, "cp_seconds", "CP-S", COLUMN_NUMBER);
	table_add_column(t, "bubble_seconds", "BUBBLE-S", COLUMN_NUMBER);
	table_add_column(t, "memory_per_gpu_gb", "MEM-GB", COLUMN_NUMBER);
	table_add_column(t, "mfu", "MFU", COLUMN_TEXT);
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload_demand *d = &demand[i];
		const struct perf_step *st = &d->step;
		struct strbuf text = STRBUF_INIT;

		if (s->workloads[i].kind != WORKLOAD_TRAINING || !d->has_layout)
			continue;
		table_begin_row(t);
		table_add_text(t, s->workloads[i].name);
		layout_text(d, &text);
		if (st->layout.chunks > 1)
			strbuf_addf(&text, " v%d", st->layout.chunks);
		table_add_text(t, text.buf);
		table_add_number(t, st->layout.microbatches, 0);
		table_add_text(t, recompute_name(d->recompute));
		table_add_number(t, st->step_seconds, 3);
		table_add_number(t, st->compute_seconds, 3);
		table_add_number(t, st->tp_seconds, 3);
		table_add_number(t, st->dp_seconds, 3);
		table_add_number(t, st->pp_seconds, 3);
		table_add_number(t, st->ep_seconds, 3);
		table_add_number(t, st->cp_seconds, 3);
		table_add_number(t, st->bubble_seconds, 3);
		table_add_number(t, st->memory_bytes / 1e9, 1);
		strbuf_reset(&text);
		strbuf_addf(&text, "%.1f%%", st->mfu * 100);
		table_add_text(t, text.buf);
		strbuf_release(&text);
	}
	return t;
}

struct table *output_breakdown_table(const struct tco_result *r, int only)
{
	struct table *t = table_new();

	table_add_column(t, "component", "COMPONENT", COLUMN_TEXT);
	for (size_t i = 0; i < r->ndeployments; i++)
		if (shown(only, i))
			table_add_column(t, r->deployments[i].deployment->name,
					 r->deployments[i].deployment->name, COLUMN_NUMBER);
	for (int c = 0; c <= COST_NCOMPONENTS; c++) {
		table_begin_row(t);
		table_add_text(t, c < COST_NCOMPONENTS ? cost_component_names[c] : "total");
		for (size_t i = 0; i < r->ndeployments; i++)
			if (shown(only, i))
				table_add_money(t, c < COST_NCOMPONENTS ?
						r->deployments[i].breakdown[c] :
						r->deployments[i].total, 0);
	}
	return t;
}

/* What each workload costs on each deployment: the total split by GPU-hours. */
static struct table *workload_cost_table(const struct tco_result *r, int only)
{
	const struct scenario *s = r->scenario;
	struct table *t = table_new();

	table_add_column(t, "workload", "WORKLOAD", COLUMN_TEXT);
	table_add_column(t, "per", "PER", COLUMN_TEXT);
	for (size_t i = 0; i < r->ndeployments; i++)
		if (shown(only, i))
			table_add_column(t, r->deployments[i].deployment->name,
					 r->deployments[i].deployment->name, COLUMN_NUMBER);
	for (size_t w = 0; w < s->nworkloads; w++) {
		table_begin_row(t);
		table_add_text(t, s->workloads[w].name);
		table_add_text(t, workload_is_job(&s->workloads[w]) ? "run" : "horizon");
		for (size_t i = 0; i < r->ndeployments; i++)
			if (shown(only, i))
				table_add_money(t, r->deployments[i].workload_cost ?
						r->deployments[i].workload_cost[w] : NAN, 0);
	}
	return t;
}

/* Cash per month and cumulative (the residual credit included, in the last month). */
static struct table *monthly_table(const struct tco_result *r, int only)
{
	struct table *t = table_new();
	double *cumulative = xcalloc(r->ndeployments + 1, sizeof(double));
	struct strbuf key = STRBUF_INIT, title = STRBUF_INIT;

	table_add_column(t, "month", "MONTH", COLUMN_NUMBER);
	for (size_t i = 0; i < r->ndeployments; i++) {
		const char *name = r->deployments[i].deployment->name;

		if (!shown(only, i))
			continue;
		strbuf_reset(&key);
		strbuf_reset(&title);
		strbuf_addf(&key, "%s_cumulative", name);
		strbuf_addf(&title, "%s (cum.)", name);
		table_add_column(t, name, name, COLUMN_NUMBER);
		table_add_column(t, key.buf, title.buf, COLUMN_NUMBER);
	}
	for (int m = 0; m < r->scenario->horizon_months; m++) {
		table_begin_row(t);
		table_add_number(t, m + 1, 0);
		for (size_t i = 0; i < r->ndeployments; i++) {
			if (!shown(only, i))
				continue;
			cumulative[i] += r->deployments[i].monthly[m];
			table_add_money(t, r->deployments[i].monthly[m], 0);
			table_add_money(t, cumulative[i], 0);
		}
	}
	free(cumulative);
	strbuf_release(&key);
	strbuf_release(&title);
	return t;
}

/* Every budget limit of the deployments shown (the excluded ones only when named):
 * one row each, with the verdict; NULL when no limit applies. */
static struct table *budget_table(const struct tco_result *r, int only, size_t *failed)
{
	struct table *t = table_new();
	struct strbuf key = STRBUF_INIT;

	table_add_column(t, "deployment", "DEPLOYMENT", COLUMN_TEXT);
	table_add_column(t, "budget", "BUDGET", COLUMN_TEXT);
	table_add_column(t, "status", "STATUS", COLUMN_TEXT);
	table_add_column(t, "actual", "ACTUAL", COLUMN_NUMBER);
	table_add_column(t, "limit", "LIMIT", COLUMN_NUMBER);
	table_add_column(t, "headroom", "HEADROOM", COLUMN_NUMBER);
	table_add_column(t, "first_month_over", "FIRST MONTH OVER", COLUMN_NUMBER);
	*failed = 0;
	for (size_t i = 0; i < r->ndeployments; i++) {
		struct budget_check checks[BUDGET_NKINDS + 1];
		int n;

		if (only >= 0 ? (int)i != only : r->deployments[i].excluded)
			continue;
		n = budget_evaluate(r, i, NULL, BUDGET_AT_MEAN, checks);
		for (int k = 0; k < n; k++) {
			const struct budget_check *c = &checks[k];
			int decimals = budget_decimals(c->kind);

			table_begin_row(t);
			table_add_text(t, r->deployments[i].deployment->name);
			strbuf_reset(&key);
			budget_check_key(&key, r, c);
			table_add_text(t, key.buf);
			table_add_text(t, budget_status_names[c->status]);
			table_add_money(t, c->actual, decimals);
			table_add_money(t, c->limit, decimals);
			table_add_money(t, c->headroom, decimals);
			if (c->first_month_over > 0)
				table_add_number(t, c->first_month_over, 0);
			else
				table_add_null(t);
			*failed += c->status != BUDGET_PASS;
		}
	}
	strbuf_release(&key);
	if (table_rows(t) == 0) {
		table_free(t);
		return NULL;
	}
	return t;
}

/* ---- compare: break-even of every pair, the inputs that move the answer ---- */

struct table *output_breakeven_table(const struct tco_result *r)
{
	struct table *t = table_new();

	table_add_column(t, "deployment", "BREAK-EVEN OF", COLUMN_TEXT);
	for (size_t j = 0; j < r->ndeployments; j++)
		table_add_column(t, r->deployments[j].deployment->name,
				 r->deployments[j].deployment->name, COLUMN_NUMBER);
	for (size_t i = 0; i < r->ndeployments; i++) {
		table_begin_row(t);
		table_add_text(t, r->deployments[i].deployment->name);
		for (size_t j = 0; j < r->ndeployments; j++) {
			int month = i == j ? 0 : tco_pair_breakeven(r, i, j);

			if (month > 0)
				table_add_number(t, month, 0);
			else
				table_add_null(t);
		}
	}
	return t;
}

struct table *output_sensitivity_table(const struct sensitivity *list, size_t n, size_t top,
				       bool alone)
{
	struct table *t = table_new();

	table_add_column(t, "input", "INPUT (±20%)", COLUMN_TEXT);
	table_add_column(t, "low", alone ? "TOTAL AT -20%" : "LEAD AT -20%", COLUMN_NUMBER);
	table_add_column(t, "high", alone ? "TOTAL AT +20%" : "LEAD AT +20%", COLUMN_NUMBER);
	table_add_column(t, "swing", "SWING", COLUMN_NUMBER);
	table_add_column(t, "flips", "FLIPS CHEAPEST", COLUMN_TEXT);
	/* An input that moves nothing is not one of those that move the answer. */
	for (size_t i = 0; i < n && i < top && list[i].swing_usd > 0; i++) {
		table_begin_row(t);
		table_add_text(t, list[i].input);
		table_add_money(t, list[i].low_usd, 0);
		table_add_money(t, list[i].high_usd, 0);
		table_add_money(t, list[i].swing_usd, 0);
		table_add_text(t, list[i].flips ? "yes" : "no");
	}
	return t;
}

json_t *output_compare_json(const struct tco_result *r, const struct sensitivity *list,
			    size_t n, size_t top)
{
	json_t *root = output_estimate_json(r, -1), *pairs = json_array(), *inputs = json_array();

	for (size_t i = 0; i < r->ndeployments; i++) {
		for (size_t j = 0; j < r->ndeployments; j++) {
			int month = i == j ? 0 : tco_pair_breakeven(r, i, j);
			json_t *pair;

			if (i == j)
				continue;
			pair = json_object();
			json_object_set_new(pair, "deployment",
					    json_string(r->deployments[i].deployment->name));
			json_object_set_new(pair, "against",
					    json_string(r->deployments[j].deployment->name));
			json_object_set_new(pair, "breakeven_month",
					    month > 0 ? json_integer(month) : json_null());
			json_array_append_new(pairs, pair);
		}
	}
	json_object_set_new(root, "breakeven", pairs);
	for (size_t i = 0; i < n && i < top && list[i].swing_usd > 0; i++) {
		json_t *entry = json_object();

		json_object_set_new(entry, "input", json_string(list[i].input));
		json_object_set_new(entry, "low", json_real(list[i].low_usd));
		json_object_set_new(entry, "high", json_real(list[i].high_usd));
		json_object_set_new(entry, "swing", json_real(list[i].swing_usd));
		json_object_set_new(entry, "flips", json_boolean(list[i].flips));
		json_array_append_new(inputs, entry);
	}
	json_object_set_new(root, "sensitivity", inputs);
	return root;
}

static int print_and_free(struct table *t, FILE *fp, enum output_format format)
{
	int rc = table_print(t, fp, format);

	table_free(t);
	return rc;
}

int output_json(FILE *fp, struct json_t *root)
{
	int rc;

	errno = 0;
	rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			JSON_REAL_PRECISION(15));

	json_decref(root);
	if (rc < 0 || fputc('\n', fp) == EOF || fflush(fp) != 0) {
		error_set("write error: %s", errno ? strerror(errno) : "output failed");
		return -1;
	}
	return 0;
}

int output_estimate(FILE *fp, const struct tco_result *r, int only, enum output_format format,
		    bool verbose)
{
	const struct scenario *s = r->scenario;
	struct table *budget;
	size_t failed, rows;

	if (format == FORMAT_JSON)
		return output_json(fp, output_estimate_json(r, only));
	if (format == FORMAT_CSV)
		return print_and_free(output_summary_table(r, only, true), fp, format);
	if (format == FORMAT_MARKDOWN)
		fprintf(fp, "# %s\n\n", s->name ? s->name : "scenario");
	fprintf(fp, "Scenario %s: %d month%s, %s", s->name ? s->name : "", s->horizon_months,
		s->horizon_months == 1 ? "" : "s", s->currency ? s->currency : "USD");
	if (s->discount_rate > 0)
		fprintf(fp, ", NPV at %.4g%% a year", s->discount_rate * 100);
	fputc('\n', fp);
	if (r->cheapest >= 0) {
		fprintf(fp, "Cheapest: %s\n", r->deployments[r->cheapest].deployment->name);
		output_cheapest_line(fp, r);
	}
	if (r->demand && r->ndemand == s->nworkloads) {
		output_heading(fp, format, "Workloads");
		if (print_and_free(output_demand_table(s, r->demand, verbose), fp, format) < 0)
			return -1;
	}
	output_heading(fp, format, "Deployments");
	if (print_and_free(output_summary_table(r, only, false), fp, format) < 0)
		return -1;
	output_heading(fp, format, "Breakdown");
	if (print_and_free(output_breakdown_table(r, only), fp, format) < 0)
		return -1;
	output_heading(fp, format, "Per workload: the total split by the GPU-hours each uses");
	if (print_and_free(workload_cost_table(r, only), fp, format) < 0)
		return -1;
	output_heading(fp, format, "Monthly cash");
	if (print_and_free(monthly_table(r, only), fp, format) < 0)
		return -1;
	if (verbose && r->demand && r->ndemand == s->nworkloads) {
		struct table *steps = output_step_table(s, r->demand);

		if (table_rows(steps) == 0) {
			table_free(steps);
		} else {
			output_heading(fp, format, "Training steps: where the time goes");
			if (print_and_free(steps, fp, format) < 0)
				return -1;
		}
	}
	budget = budget_table(r, only, &failed);
	if (!budget)
		return 0;
	rows = table_rows(budget);
	output_heading(fp, format, "Budget");
	if (print_and_free(budget, fp, format) < 0)
		return -1;
	/* The verdict that decides the exit status, in the output itself. */
	fprintf(fp, "\n%sBudget: %s%s, %zu of %zu limit%s not met\n",
		format == FORMAT_MARKDOWN ? "**" : "", failed ? "FAIL" : "PASS",
		format == FORMAT_MARKDOWN ? "**" : "", failed, rows, rows == 1 ? "" : "s");
	return 0;
}
