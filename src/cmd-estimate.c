/*
 * aicost estimate SCENARIO: what each workload demands (accelerator-hours, GPUs,
 * latency, throughput) in table, csv, json or markdown. The JSON follows the
 * contract in DESIGN.md; costs per deployment are the cost engine's to add.
 */
#include "cli.h"
#include "db.h"
#include "scenario.h"
#include "table.h"
#include "units.h"
#include "util.h"
#include "workload.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

static void print_help(FILE *fp)
{
	fputs("usage: aicost estimate [--set KEY.PATH=VALUE]... [--format FORMAT] SCENARIO\n"
	      "\n"
	      "Loads and checks SCENARIO (see aicost-scenario(5)), looks up each workload's\n"
	      "accelerator in the price store and prints what every workload demands:\n"
	      "training FLOPs, GPU-hours and wall time; inference weights, KV cache, latency,\n"
	      "throughput, tensor-parallel size, batch and replicas.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --set KEY.PATH=VALUE  override one field of the scenario (repeatable),\n"
	      "                            e.g. --set workloads.pretrain.gpus=2048\n"
	      "  -f, --format FORMAT       table (default), csv, json or markdown\n"
	      "  -h, --help                print this help and exit\n"
	      "\n"
	      "Exit status: 0 ok, 2 the scenario is invalid or a workload cannot run.\n", fp);
}

/* Accelerator-hours a workload uses within the horizon. */
static double horizon_gpu_hours(const struct scenario *s, const struct workload *w,
				const struct workload_demand *d)
{
	double end, active;

	if (w->kind == WORKLOAD_TRAINING)
		return d->gpu_hours;
	end = isnan(w->duration_hours) ? s->horizon_hours : w->start_hours + w->duration_hours;
	active = fmin(end, s->horizon_hours) - w->start_hours;
	return active > 0 ? d->gpus * active : 0;
}

/*
 * Demand of every workload on its own accelerator, in scenario order (*OUT has
 * s->nworkloads entries). -1 with a message naming the file, line and workload.
 */
static int estimate_demand(struct db *db, const struct scenario *s,
			   struct workload_demand **out)
{
	struct workload_demand *demand = xcalloc(s->nworkloads ? s->nworkloads : 1,
						 sizeof(*demand));
	int result = -1;
	size_t i;

	for (i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		struct accelerator acc;

		if (db_find_accelerator(db, w->accelerator, &acc) < 0) {
			error_prefix("%s: workloads[%zu].accelerator: ", w->accelerator_where, i);
			goto cleanup;
		}
		if (workload_demand(w, &acc, &demand[i]) < 0) {
			error_prefix("%s: workloads[%zu]: ", w->accelerator_where, i);
			accelerator_release(&acc);
			goto cleanup;
		}
		accelerator_release(&acc);
	}
	result = 0;
cleanup:
	if (result < 0) {
		for (size_t k = 0; k < i; k++)
			workload_demand_release(&demand[k]);
		free(demand);
		demand = NULL;
	}
	*out = demand;
	return result;
}

static json_t *number_or_null(double value, bool applies)
{
	return applies && isfinite(value) ? json_real(value) : json_null();
}

/* The contract's workloads[] array. */
static json_t *demand_json(const struct scenario *s, const struct workload_demand *demand)
{
	json_t *array = json_array();

	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const struct workload_demand *d = &demand[i];
		bool train = w->kind == WORKLOAD_TRAINING, serve = !train;
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(w->name));
		json_object_set_new(o, "kind", json_string(train ? "training" : "inference"));
		json_object_set_new(o, "accelerator", json_string(d->accelerator));
		json_object_set_new(o, "gpus", json_integer(d->gpus));
		json_object_set_new(o, "flops", number_or_null(d->flops, train));
		json_object_set_new(o, "gpu_hours", json_real(horizon_gpu_hours(s, w, d)));
		json_object_set_new(o, "wall_hours", number_or_null(d->wall_hours, train));
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
		json_object_set_new(o, "batch", serve ? json_integer(d->batch) : json_null());
		json_object_set_new(o, "replicas", serve ? json_integer(d->replicas) : json_null());
		json_object_set_new(o, "gpu_hours_per_month",
				    number_or_null(d->gpu_hours_per_month, serve));
		json_object_set_new(o, "tokens_per_month", number_or_null(d->tokens_per_month, serve));
		json_array_append_new(array, o);
	}
	return array;
}

/* One row per workload, with the same stable keys as the JSON. */
static struct table *demand_table(const struct scenario *s, const struct workload_demand *demand)
{
	struct table *t = table_new();

	table_add_column(t, "name", "WORKLOAD", COLUMN_TEXT);
	table_add_column(t, "kind", "KIND", COLUMN_TEXT);
	table_add_column(t, "accelerator", "ACCELERATOR", COLUMN_TEXT);
	table_add_column(t, "gpus", "GPUS", COLUMN_NUMBER);
	table_add_column(t, "gpu_hours", "GPU-HOURS", COLUMN_NUMBER);
	table_add_column(t, "wall_hours", "WALL-H", COLUMN_NUMBER);
	table_add_column(t, "flops", "FLOPS", COLUMN_NUMBER);
	table_add_column(t, "tensor_parallel", "TP", COLUMN_NUMBER);
	table_add_column(t, "batch", "BATCH", COLUMN_NUMBER);
	table_add_column(t, "replicas", "REPLICAS", COLUMN_NUMBER);
	table_add_column(t, "prefill_ms", "PREFILL-MS", COLUMN_NUMBER);
	table_add_column(t, "decode_ms_per_token", "DECODE-MS/TOK", COLUMN_NUMBER);
	table_add_column(t, "tokens_per_second_per_gpu", "TOK/S/GPU", COLUMN_NUMBER);
	for (size_t i = 0; i < s->nworkloads; i++) {
		const struct workload *w = &s->workloads[i];
		const struct workload_demand *d = &demand[i];
		bool train = w->kind == WORKLOAD_TRAINING;

		table_begin_row(t);
		table_add_text(t, w->name);
		table_add_text(t, train ? "training" : "inference");
		table_add_text(t, d->accelerator);
		table_add_number(t, d->gpus, 0);
		table_add_money(t, horizon_gpu_hours(s, w, d), 0);
		if (train) {
			table_add_money(t, d->wall_hours, 0);
			table_add_scientific(t, d->flops, 2);
			for (int k = 0; k < 6; k++)
				table_add_null(t);
		} else {
			table_add_null(t);
			table_add_null(t);
			table_add_number(t, d->tensor_parallel, 0);
			table_add_number(t, d->batch, 0);
			table_add_number(t, d->replicas, 0);
			table_add_number(t, d->prefill_ms, 1);
			table_add_number(t, d->decode_ms_per_token, 2);
			table_add_money(t, d->tokens_per_second_per_gpu, 0);
		}
	}
	return t;
}

static int print_json(const struct scenario *s, const struct workload_demand *demand)
{
	json_t *root = json_object();
	int result;

	json_object_set_new(root, "scenario", json_string(s->name));
	json_object_set_new(root, "currency", json_string(s->currency));
	json_object_set_new(root, "horizon_months", json_integer(s->horizon_months));
	json_object_set_new(root, "workloads", demand_json(s, demand));
	json_object_set_new(root, "deployments", json_array());
	result = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	putchar('\n');
	json_decref(root);
	if (result < 0)
		error_set("write error");
	return result;
}

int cmd_estimate(int argc, char **argv)
{
	static const struct option options[] = {
		{ "set", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char **overrides = NULL;
	size_t noverrides = 0, alloc = 0;
	enum output_format format = FORMAT_TABLE;
	struct strbuf errors = STRBUF_INIT, db_path = STRBUF_INIT;
	struct workload_demand *demand = NULL;
	struct table *table = NULL;
	struct scenario s;
	struct db *db = NULL;
	bool loaded = false;
	int c, status = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "s:f:h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			add_override(&overrides, &noverrides, &alloc, optarg);
			break;
		case 'f':
			if (output_format_parse(optarg, &format) < 0) {
				status = usage_error("estimate", "%s", error_get());
				error_clear();
				goto cleanup;
			}
			break;
		case 'h':
			print_help(stdout);
			status = EXIT_OK;
			goto cleanup;
		default:
			status = usage_error("estimate", "unknown option");
			goto cleanup;
		}
	}
	if (argc - optind != 1) {
		status = usage_error("estimate", "expected exactly one scenario file");
		goto cleanup;
	}
	if (scenario_load(argv[optind], overrides, noverrides, &s, &errors) < 0) {
		print_scenario_errors("estimate", &errors);
		error_clear();
		goto cleanup;
	}
	loaded = true;
	if (db_default_path(global_options.db_path, &db_path) < 0 || !(db = db_open(db_path.buf)))
		goto fail;
	if (estimate_demand(db, &s, &demand) < 0)
		goto fail;
	if (format == FORMAT_JSON) {
		if (print_json(&s, demand) < 0)
			goto fail;
	} else {
		table = demand_table(&s, demand);
		if (table_print(table, stdout, format) < 0)
			goto fail;
	}
	status = EXIT_OK;
	goto cleanup;
fail:
	error_print("estimate");
cleanup:
	if (demand)
		for (size_t i = 0; i < s.nworkloads; i++)
			workload_demand_release(&demand[i]);
	free(demand);
	table_free(table);
	if (db)
		db_close(db);
	if (loaded)
		scenario_release(&s);
	strbuf_release(&errors);
	strbuf_release(&db_path);
	free(overrides);
	return status;
}
