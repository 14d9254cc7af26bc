/*
 * Scenario files: the document tree (doctree.c) checked against the schema below
 * and loaded into struct scenario. Every problem is reported, each as
 * "file:line:col: field.path: message"; the schema for people is aicost-scenario(5).
 */
#include "scenario.h"
#include "prices.h"
#include "doctree.h"
#include "units.h"
#include "util.h"

#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

enum field_type {
	FIELD_STRING, FIELD_COUNT, FIELD_INT, FIELD_BYTES, FIELD_HOURS, FIELD_MS,
	FIELD_FRACTION,   /* any non-negative percentage: 150% is 1.5 */
	FIELD_SHARE,      /* a part of a whole: 0 to 100% */
	FIELD_MONEY, FIELD_NUMBER, FIELD_BOOL, FIELD_PRECISION, FIELD_DATE, FIELD_RECOMPUTE,
	FIELD_CUSTOM      /* read by the caller (nested mappings, lists) */
};

/* A file of garbage could produce thousands; the first hundred say enough. */
#define MAX_ERRORS 100

#define F_REQUIRED 1u
#define F_POSITIVE 2u     /* strictly greater than zero */

struct field {
	const char *key;
	enum field_type type;
	size_t offset;
	unsigned flags;
	const char *const *choices;   /* strings, kinds: the allowed values; money: rate units */
};

struct field_set {
	const struct field *fields;
	size_t n;
	const char *label;            /* "training workloads", for misplaced keys */
};

#define SET(fields, label) { fields, ARRAY_SIZE(fields), label }

static const char *const storage_classes[] = { "hot", "cool", "cold", "archive", NULL };
static const char *const hot_classes[] = { "block", "parallel-fs", NULL };
static const char *const egress_destinations[] = { "internet", "inter-region", "inter-zone",
						   NULL };
static const char *const purchase_options[] = { PURCHASE_OPTIONS };
static const char *const per_gpu_hour[] = { "GPU-h", "GPU-hour", "h", "hour", NULL };
static const char *const per_kwh[] = { "kWh", NULL };
static const char *const per_kw_month[] = { "kW-month", "kW-mo", "kW/month", NULL };
static const char *const per_gb[] = { "GB", NULL };
static const char *const per_gb_month[] = { "GB-month", "GB-mo", "GB/month", NULL };
static const char *const per_month[] = { "month", "mo", NULL };
static const char *const per_year[] = { "year", "y", "FTE-year", NULL };
static const char *const precision_names[] = { "fp32", "bf16", "fp16", "fp8", "int8", "int4" };
static const char *const workload_kinds[] = { "training", "inference", "batch-inference",
						    "pipeline", NULL };
static const char *const deployment_kinds[] = { "cloud", "onprem", "hybrid", NULL };

static const struct field scenario_fields[] = {
	{ "name", FIELD_STRING, offsetof(struct scenario, name), 0, NULL },
	{ "currency", FIELD_STRING, offsetof(struct scenario, currency), 0, NULL },
	{ "horizon", FIELD_HOURS, offsetof(struct scenario, horizon_hours), F_POSITIVE, NULL },
	{ "discount_rate", FIELD_SHARE, offsetof(struct scenario, discount_rate), 0, NULL },
	{ "start_date", FIELD_DATE, offsetof(struct scenario, start_date), 0, NULL },
	{ "workloads", FIELD_CUSTOM, 0, F_REQUIRED, NULL },
	{ "data", FIELD_CUSTOM, 0, 0, NULL },
	{ "deployments", FIELD_CUSTOM, 0, F_REQUIRED, NULL },
	{ "baseline", FIELD_STRING, offsetof(struct scenario, baseline), 0, NULL },
	{ "plan", FIELD_STRING, offsetof(struct scenario, plan), 0, NULL },
	{ "budget", FIELD_CUSTOM, 0, 0, NULL },
	{ "constraints", FIELD_CUSTOM, 0, 0, NULL },
};

#define W(member) offsetof(struct workload, member)
static const struct field workload_fields[] = {
	{ "name", FIELD_STRING, W(name), F_REQUIRED, NULL },
	{ "kind", FIELD_CUSTOM, 0, F_REQUIRED, workload_kinds },
	{ "accelerator", FIELD_STRING, W(accelerator), 0, NULL },   /* required but for pipelines */
	{ "start", FIELD_HOURS, W(start_hours), 0, NULL },
	{ "egress_per_month", FIELD_BYTES, W(egress_per_month_bytes), 0, NULL },
	{ "feature_store", FIELD_CUSTOM, 0, 0, NULL },
};

static const struct field training_fields[] = {
	{ "params", FIELD_COUNT, W(training.params), F_POSITIVE, NULL },
	{ "active_params", FIELD_COUNT, W(training.active_params), F_POSITIVE, NULL },
	{ "tokens", FIELD_COUNT, W(training.tokens), F_POSITIVE, NULL },
	{ "gpus", FIELD_INT, W(training.gpus), F_POSITIVE, NULL },   /* or a deadline */
	{ "mfu", FIELD_SHARE, W(training.mfu), F_POSITIVE, NULL },
	{ "recompute", FIELD_RECOMPUTE, W(training.recompute), 0, NULL },
	{ "layers", FIELD_INT, W(training.layers), F_POSITIVE, NULL },
	{ "hidden", FIELD_INT, W(training.hidden), F_POSITIVE, NULL },
	{ "heads", FIELD_INT, W(training.heads), F_POSITIVE, NULL },
	{ "kv_heads", FIELD_INT, W(training.kv_heads), F_POSITIVE, NULL },
	{ "seq_len", FIELD_COUNT, W(training.seq_len), F_POSITIVE, NULL },
	{ "batch_tokens", FIELD_COUNT, W(training.batch_tokens), F_POSITIVE, NULL },
	{ "precision", FIELD_PRECISION, W(training.precision), 0, NULL },
	{ "experts", FIELD_INT, W(training.experts), F_POSITIVE, NULL },
	{ "experts_per_token", FIELD_INT, W(training.experts_per_token), F_POSITIVE, NULL },
	{ "gpu_hours", FIELD_COUNT, W(training.gpu_hours), F_POSITIVE, NULL },
	{ "checkpoint_interval", FIELD_HOURS, W(training.checkpoint_interval_hours), F_POSITIVE,
	  NULL },
	{ "restart_time", FIELD_HOURS, W(training.restart_time_hours), 0, NULL },
	{ "interruptions_per_day", FIELD_COUNT, W(training.interruptions_per_day), 0, NULL },
	{ "interruptions_per_gpu_day", FIELD_COUNT, W(training.interruptions_per_gpu_day), 0,
	  NULL },
	{ "deadline", FIELD_HOURS, W(training.deadline_hours), F_POSITIVE, NULL },
	{ "state_bytes_per_param", FIELD_NUMBER, W(training.state_bytes_per_param), F_POSITIVE,
	  NULL },
	{ "epochs", FIELD_NUMBER, W(epochs), F_POSITIVE, NULL },
	{ "data_read", FIELD_BYTES, W(data_read_bytes), 0, NULL },
};

static const struct field inference_fields[] = {
	{ "params", FIELD_COUNT, W(inference.params), F_REQUIRED | F_POSITIVE, NULL },
	{ "active_params", FIELD_COUNT, W(inference.active_params), F_POSITIVE, NULL },
	{ "experts", FIELD_INT, W(inference.experts), F_POSITIVE, NULL },
	{ "experts_per_token", FIELD_INT, W(inference.experts_per_token), F_POSITIVE, NULL },
	{ "layers", FIELD_INT, W(inference.layers), F_REQUIRED | F_POSITIVE, NULL },
	{ "hidden", FIELD_INT, W(inference.hidden), F_REQUIRED | F_POSITIVE, NULL },
	{ "heads", FIELD_INT, W(inference.heads), F_POSITIVE, NULL },
	{ "kv_heads", FIELD_INT, W(inference.kv_heads), F_POSITIVE, NULL },
	{ "head_dim", FIELD_INT, W(inference.head_dim), F_POSITIVE, NULL },
	{ "kv_lora_rank", FIELD_INT, W(inference.kv_lora_rank), F_POSITIVE, NULL },
	{ "rope_head_dim", FIELD_INT, W(inference.rope_head_dim), 0, NULL },
	{ "dense_layers", FIELD_INT, W(inference.dense_layers), 0, NULL },
	{ "static_batching", FIELD_BOOL, W(inference.static_batching), 0, NULL },
	{ "kv_read_per_query_head", FIELD_BOOL, W(inference.kv_read_per_query_head), 0, NULL },
	{ "precision", FIELD_PRECISION, W(inference.precision), 0, NULL },
	{ "kv_precision", FIELD_PRECISION, W(inference.kv_precision), 0, NULL },
	{ "batch", FIELD_INT, W(inference.batch), 0, NULL },
	{ "input_tokens", FIELD_COUNT, W(inference.input_tokens), F_REQUIRED | F_POSITIVE, NULL },
	{ "output_tokens", FIELD_COUNT, W(inference.output_tokens), F_REQUIRED, NULL },
	{ "requests_per_day", FIELD_COUNT, W(inference.requests_per_day), F_POSITIVE, NULL },
	{ "tokens_per_day", FIELD_COUNT, W(inference.tokens_per_day), F_POSITIVE, NULL },
	{ "peak_to_average", FIELD_NUMBER, W(inference.peak_to_average), F_POSITIVE, NULL },
	{ "slo", FIELD_CUSTOM, 0, 0, NULL },
	{ "compute_efficiency", FIELD_SHARE, W(inference.compute_efficiency), F_POSITIVE, NULL },
	{ "bandwidth_efficiency", FIELD_SHARE, W(inference.bandwidth_efficiency), F_POSITIVE, NULL },
	{ "min_replicas", FIELD_INT, W(inference.min_replicas), 0, NULL },
	{ "allow_spot", FIELD_BOOL, W(inference.allow_spot), 0, NULL },
	{ "prefix_cache_hit", FIELD_SHARE, W(inference.prefix_cache_hit), 0, NULL },
	{ "speculative", FIELD_CUSTOM, 0, 0, NULL },
	{ "requests", FIELD_COUNT, W(inference.requests), F_POSITIVE, NULL },
	{ "deadline", FIELD_HOURS, W(inference.deadline_hours), F_POSITIVE, NULL },
	{ "duration", FIELD_HOURS, W(duration_hours), F_POSITIVE, NULL },
};

static const struct field pipeline_fields[] = {
	{ "input", FIELD_BYTES, W(pipeline.input_bytes), F_POSITIVE, NULL },
	{ "throughput_per_vcpu", FIELD_STRING, W(throughput_text), 0, NULL },
	{ "vcpu_hours", FIELD_COUNT, W(pipeline.vcpu_hours), F_POSITIVE, NULL },
	{ "instance", FIELD_STRING, W(pipeline.instance), 0, NULL },
	{ "deadline", FIELD_HOURS, W(pipeline.deadline_hours), F_POSITIVE, NULL },
	{ "labeling", FIELD_CUSTOM, 0, 0, NULL },
};
#undef W

static const char *const per_item[] = { "item", NULL };
static const struct field labeling_fields[] = {
	{ "items", FIELD_COUNT, offsetof(struct pipeline_spec, labeling_items), F_POSITIVE, NULL },
	{ "price_per_item", FIELD_MONEY, offsetof(struct pipeline_spec, labeling_price_per_item),
	  0, per_item },
	{ "hours", FIELD_HOURS, offsetof(struct pipeline_spec, labeling_hours), F_POSITIVE, NULL },
	{ "price_per_hour", FIELD_MONEY, offsetof(struct pipeline_spec, labeling_price_per_hour),
	  0, per_gpu_hour },
};

#define FS(member) offsetof(struct feature_store_spec, member)
static const struct field feature_store_fields[] = {
	{ "online", FIELD_BYTES, FS(online_bytes), 0, NULL },
	{ "offline", FIELD_BYTES, FS(offline_bytes), 0, NULL },
	{ "reads_per_second", FIELD_COUNT, FS(reads_per_second), 0, NULL },
	{ "reads_per_vcpu", FIELD_COUNT, FS(reads_per_vcpu), F_POSITIVE, NULL },
};
#undef FS

static const struct field slo_fields[] = {
	{ "ttft", FIELD_MS, offsetof(struct inference_spec, slo_ttft_ms), F_POSITIVE, NULL },
	{ "tpot", FIELD_MS, offsetof(struct inference_spec, slo_tpot_ms), F_POSITIVE, NULL },
	{ "ttft_p95", FIELD_MS, offsetof(struct inference_spec, slo_ttft_p95_ms), F_POSITIVE, NULL },
	{ "ttft_p99", FIELD_MS, offsetof(struct inference_spec, slo_ttft_p99_ms), F_POSITIVE, NULL },
	{ "tpot_p95", FIELD_MS, offsetof(struct inference_spec, slo_tpot_p95_ms), F_POSITIVE, NULL },
};

static const struct field speculative_fields[] = {
	{ "draft_params", FIELD_COUNT, offsetof(struct inference_spec, draft_params),
	  F_REQUIRED | F_POSITIVE, NULL },
	{ "acceptance", FIELD_SHARE, offsetof(struct inference_spec, acceptance), F_REQUIRED, NULL },
	{ "lookahead", FIELD_INT, offsetof(struct inference_spec, lookahead),
	  F_REQUIRED | F_POSITIVE, NULL },
};

#define D(member) offsetof(struct data_spec, member)
static const struct field data_fields[] = {
	{ "stored", FIELD_BYTES, D(stored_bytes), 0, NULL },
	{ "growth_per_month", FIELD_BYTES, D(growth_per_month_bytes), 0, NULL },
	{ "hot", FIELD_SHARE, D(hot_fraction), 0, NULL },
	{ "hot_class", FIELD_STRING, D(hot_class), 0, hot_classes },
	{ "hot_throughput", FIELD_STRING, D(hot_throughput_text), 0, NULL },
	{ "cold_class", FIELD_STRING, D(cold_class), 0, storage_classes },
	{ "egress_per_month", FIELD_BYTES, D(egress_per_month_bytes), 0, NULL },
	{ "egress_to", FIELD_STRING, D(egress_to), 0, egress_destinations },
	{ "location", FIELD_STRING, D(location), 0, NULL },
	{ "replicate", FIELD_BOOL, D(replicate), 0, NULL },
};
#undef D

#define P(member) offsetof(struct deployment, member)
static const struct field deployment_fields[] = {
	{ "name", FIELD_STRING, P(name), F_REQUIRED, NULL },
	{ "kind", FIELD_CUSTOM, 0, F_REQUIRED, deployment_kinds },
	{ "budget", FIELD_CUSTOM, 0, 0, NULL },
};

static const struct field cloud_fields[] = {
	{ "provider", FIELD_STRING, P(provider), F_REQUIRED, NULL },
	{ "region", FIELD_STRING, P(region), 0, NULL },
	{ "instance", FIELD_STRING, P(instance), 0, NULL },
	{ "accelerator", FIELD_STRING, P(accelerator), 0, NULL },
	{ "price_per_gpu_hour", FIELD_MONEY, P(price_per_gpu_hour), F_POSITIVE, per_gpu_hour },
	{ "purchase", FIELD_CUSTOM, 0, 0, NULL },
	{ "spot_interruptions_per_day", FIELD_COUNT, P(spot_interruptions_per_day), 0, NULL },
	{ "egress_price", FIELD_MONEY, P(egress_price_per_gb), 0, per_gb },
	{ "storage_price", FIELD_MONEY, P(storage_price_per_gb_month), 0, per_gb_month },
	{ "feature_store_price", FIELD_MONEY, P(feature_store_price_per_gb_month), 0, per_gb_month },
	{ "shortage", FIELD_CUSTOM, 0, 0, NULL },
	{ "scaleup_gb_s", FIELD_NUMBER, P(scaleup_gb_s), F_POSITIVE, NULL },
	{ "scaleout_gb_s", FIELD_NUMBER, P(scaleout_gb_s), F_POSITIVE, NULL },
};

static const struct field onprem_fields[] = {
	{ "accelerator", FIELD_STRING, P(accelerator), 0, NULL },
	{ "region", FIELD_STRING, P(region), 0, NULL },
	{ "gpus", FIELD_INT, P(gpus), F_REQUIRED | F_POSITIVE, NULL },
	{ "gpus_per_server", FIELD_INT, P(gpus_per_server), F_POSITIVE, NULL },
	{ "cpu_cores", FIELD_INT, P(cpu_cores), F_POSITIVE, NULL },
	{ "server_price", FIELD_MONEY, P(server_price), F_REQUIRED | F_POSITIVE, NULL },
	{ "network", FIELD_FRACTION, P(network_fraction), 0, NULL },
	{ "storage_capex", FIELD_MONEY, P(storage_capex), 0, NULL },
	{ "installation", FIELD_MONEY, P(installation), 0, NULL },
	{ "kw_per_server", FIELD_NUMBER, P(kw_per_server), F_REQUIRED | F_POSITIVE, NULL },
	{ "pue", FIELD_NUMBER, P(pue), F_POSITIVE, NULL },
	{ "power_price", FIELD_MONEY, P(power_price_per_kwh), F_REQUIRED, per_kwh },
	{ "idle_draw", FIELD_SHARE, P(idle_draw), 0, NULL },
	{ "colo_per_kw_month", FIELD_MONEY, P(colo_per_kw_month), 0, per_kw_month },
	{ "facility_per_month", FIELD_MONEY, P(facility_per_month), 0, per_month },
	{ "staff", FIELD_NUMBER, P(staff_fte), 0, NULL },
	{ "staff_cost", FIELD_MONEY, P(staff_cost_per_year), 0, per_year },
	{ "depreciation", FIELD_HOURS, P(depreciation_hours), F_POSITIVE, NULL },
	{ "lead_time", FIELD_HOURS, P(lead_time_hours), 0, NULL },
	{ "residual", FIELD_SHARE, P(residual), 0, NULL },
	{ "maintenance", FIELD_FRACTION, P(maintenance_per_year), 0, NULL },
	{ "transit_per_month", FIELD_MONEY, P(transit_per_month), 0, per_month },
	{ "feature_store_price", FIELD_MONEY, P(feature_store_price_per_gb_month), 0, per_gb_month },
	{ "order_month", FIELD_COUNT, P(order_month), F_POSITIVE, NULL },
	{ "fallback", FIELD_STRING, P(fallback), 0, NULL },
	{ "financing", FIELD_CUSTOM, 0, 0, NULL },
	{ "scaleup_gb_s", FIELD_NUMBER, P(scaleup_gb_s), F_POSITIVE, NULL },
	{ "scaleout_gb_s", FIELD_NUMBER, P(scaleout_gb_s), F_POSITIVE, NULL },
};

static const struct field financing_fields[] = {
	{ "term", FIELD_HOURS, P(finance_term_hours), F_REQUIRED | F_POSITIVE, NULL },
	{ "rate", FIELD_FRACTION, P(finance_rate), F_REQUIRED, NULL },
	{ "down_payment", FIELD_SHARE, P(finance_down_payment), 0, NULL },
};

static const struct field hybrid_fields[] = {
	{ "base", FIELD_STRING, P(base), F_REQUIRED, NULL },
	{ "burst", FIELD_STRING, P(burst), F_REQUIRED, NULL },
};
#undef P

#define S(member) offsetof(struct shortage_spec, member)
static const struct field shortage_fields[] = {
	{ "probability", FIELD_SHARE, S(probability), 0, NULL },
	{ "premium", FIELD_FRACTION, S(premium), 0, NULL },
	{ "delay", FIELD_HOURS, S(delay_hours), 0, NULL },
	{ "fallback", FIELD_STRING, S(fallback), 0, NULL },
	{ "cost_of_delay", FIELD_MONEY, S(cost_of_delay_per_month), 0, per_month },
};
#undef S

/* In the order of enum budget_kind. */
static const struct field budget_fields[] = {
	{ "monthly", FIELD_MONEY, offsetof(struct budget, monthly), F_POSITIVE, per_month },
	{ "total", FIELD_MONEY, offsetof(struct budget, total), F_POSITIVE, NULL },
	{ "per_million_tokens", FIELD_MONEY, offsetof(struct budget, per_million_tokens),
	  F_POSITIVE, NULL },
	{ "per_gpu_hour", FIELD_MONEY, offsetof(struct budget, per_gpu_hour), F_POSITIVE,
	  per_gpu_hour },
	{ "npv", FIELD_MONEY, offsetof(struct budget, npv), F_POSITIVE, NULL },
};

const char *const budget_kind_names[BUDGET_NKINDS] = {
	"monthly", "total", "per_million_tokens", "per_gpu_hour", "npv",
};

void budget_init(struct budget *b)
{
	memset(b, 0, sizeof(*b));
	b->monthly = b->total = b->per_million_tokens = b->per_gpu_hour = b->npv = NAN;
}

double budget_limit(const struct budget *b, enum budget_kind kind)
{
	switch (kind) {
	case BUDGET_MONTHLY: return b->monthly;
	case BUDGET_TOTAL: return b->total;
	case BUDGET_PER_MILLION_TOKENS: return b->per_million_tokens;
	case BUDGET_PER_GPU_HOUR: return b->per_gpu_hour;
	case BUDGET_NPV: return b->npv;
	case BUDGET_NKINDS: break;
	}
	return NAN;
}

static const struct field constraints_fields[] = {
	{ "providers", FIELD_CUSTOM, 0, 0, NULL },
	{ "regions", FIELD_CUSTOM, 0, 0, NULL },
};

/* The loader's state: where we are, and every problem found so far. */
struct loader {
	const char *file;
	struct strbuf *errors;
	int nerrors;
	struct strbuf path;          /* the field path of the node being checked */
};

static void report(struct loader *ld, const struct node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(struct loader *ld, const struct node *at, const char *fmt, ...)
{
	va_list ap;

	if (++ld->nerrors > MAX_ERRORS)
		return;   /* counted; scenario_load says how many more there were */

	if (at && at->line == 0 && at->origin)
		strbuf_addf(ld->errors, "%s: --set %s: ", ld->file, at->origin);
	else
		strbuf_addf(ld->errors, "%s:%d:%d: ", ld->file, at ? at->line : 1, at ? at->col : 1);
	if (ld->path.len)
		strbuf_addf(ld->errors, "%s: ", ld->path.buf);
	va_start(ap, fmt);
	strbuf_vaddf(ld->errors, fmt, ap);
	va_end(ap);
	strbuf_addch(ld->errors, '\n');
}

/* Appends ".KEY" (or "[I]") to the path and returns the length to restore. */
static size_t path_push(struct loader *ld, const char *key)
{
	size_t mark = ld->path.len;

	strbuf_addf(&ld->path, "%s%s", ld->path.len ? "." : "", key);
	return mark;
}

static size_t path_push_index(struct loader *ld, size_t index)
{
	size_t mark = ld->path.len;

	strbuf_addf(&ld->path, "[%zu]", index);
	return mark;
}

static const char *field_expectation(const struct field *f)
{
	switch (f->type) {
	case FIELD_STRING: return "a string";
	case FIELD_COUNT: return "a count (e.g. 7B, 1.5M, 64)";
	case FIELD_INT: return "a whole number";
	case FIELD_BYTES: return "a size (e.g. 40TB, 512GiB)";
	case FIELD_HOURS: case FIELD_MS: return "a duration (e.g. 36mo, 2w, 500ms)";
	case FIELD_FRACTION: case FIELD_SHARE: return "a percentage (e.g. 40%) or a fraction (0.4)";
	case FIELD_MONEY: return "an amount of money (e.g. 310k, 0.08)";
	case FIELD_NUMBER: return "a number";
	case FIELD_BOOL: return "true or false";
	case FIELD_PRECISION: return "one of fp32, bf16, fp16, fp8, int8, int4";
	case FIELD_DATE: return "a date (YYYY-MM-DD, from 1900)";
	case FIELD_RECOMPUTE: return "one of none, selective, full (or true, false)";
	case FIELD_CUSTOM: break;
	}
	return "a value";
}

static bool valid_date(const char *text)
{
	static const int days_in_month[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int year, month, day, consumed = 0;

	/* Digits where digits go: "%4d" alone would take "-001" as year -1. */
	for (size_t i = 0; i < 10 && text[i]; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)text[i]))
			return false;
	if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3 ||
	    consumed != 10 || text[4] != '-' || text[7] != '-' || year < 1900)
		return false;
	if (month < 1 || month > 12 || day < 1 || day > days_in_month[month - 1])
		return false;
	return month != 2 || day < 29 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
}

/* Checks that TEXT is one of CHOICES; reports with a suggestion otherwise. */
static bool check_choice(struct loader *ld, const struct node *at, const char *text,
			 const char *const *choices, size_t n)
{
	struct strbuf list = STRBUF_INIT;
	const char *guess;

	for (size_t i = 0; i < n; i++)
		if (strcmp(text, choices[i]) == 0)
			return true;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&list, "%s%s", i ? ", " : "", choices[i]);
	guess = suggest_word(text, choices, n);
	if (guess)
		report(ld, at, "unknown value \"%s\"; did you mean \"%s\"? (expected one of %s)", text,
		       guess, list.buf);
	else
		report(ld, at, "unknown value \"%s\"; expected one of %s", text, list.buf);
	strbuf_release(&list);
	return false;
}

static size_t count_choices(const char *const *choices)
{
	size_t n = 0;

	while (choices[n])
		n++;
	return n;
}

/* "required key is missing", saying what F should be; the custom ones are a kind or a list. */
static void report_missing(struct loader *ld, const struct node *at, const struct field *f)
{
	struct strbuf expected = STRBUF_INIT;
	size_t mark = path_push(ld, f->key);

	if (f->type != FIELD_CUSTOM)
		strbuf_adds(&expected, field_expectation(f));
	else if (f->choices)
		for (size_t i = 0; f->choices[i]; i++)
			strbuf_addf(&expected, "%s%s", i == 0 ? "one of " : ", ", f->choices[i]);
	else
		strbuf_addf(&expected, "a list of one or more %s", f->key);
	report(ld, at, "required key is missing; expected %s", expected.buf);
	strbuf_release(&expected);
	strbuf_setlen(&ld->path, mark);
}

/* Parses one scalar into BASE + F->offset; reports and returns -1 when it is wrong. */
static int parse_field(struct loader *ld, const struct field *f, const struct node *value,
		       void *base)
{
	void *target = (char *)base + f->offset;
	const char *text = value->text;
	double number = 0;
	long whole = 0;
	int rc = 0;

	if (value->type != NODE_SCALAR) {
		report(ld, value, "expected %s, got %s", field_expectation(f), node_type_name(value));
		return -1;
	}
	if (f->type >= FIELD_COUNT && f->type <= FIELD_NUMBER && text[strspn(text, " ")] == '-') {
		report(ld, value, "expected a %s %s, got \"%s\"",
		       (f->flags & F_POSITIVE) ? "positive" : "non-negative",
		       f->type == FIELD_INT ? "whole number" : "value", text);
		return -1;
	}
	switch (f->type) {
	case FIELD_STRING:
		if (!text[strspn(text, " \t")]) {
			report(ld, value, "expected a non-empty string");
			return -1;
		}
		if (f->choices && !check_choice(ld, value, text, f->choices, count_choices(f->choices)))
			return -1;
		free(*(char **)target);
		*(char **)target = xstrdup(text);
		return 0;
	case FIELD_DATE:
		if (!valid_date(text)) {
			report(ld, value, "expected %s, got \"%s\"", field_expectation(f), text);
			return -1;
		}
		free(*(char **)target);
		*(char **)target = xstrdup(text);
		return 0;
	case FIELD_BOOL:
		if (str_ieq(text, "true") || str_ieq(text, "yes") || str_ieq(text, "on")) {
			*(bool *)target = true;
		} else if (str_ieq(text, "false") || str_ieq(text, "no") || str_ieq(text, "off")) {
			*(bool *)target = false;
		} else {
			report(ld, value, "expected true or false, got \"%s\"", text);
			return -1;
		}
		return 0;
	case FIELD_RECOMPUTE:
		/* true/false predate the modes: full and none. */
		if (str_ieq(text, "full") || str_ieq(text, "true") || str_ieq(text, "yes") ||
		    str_ieq(text, "on")) {
			*(enum recompute_mode *)target = RECOMPUTE_FULL;
		} else if (str_ieq(text, "selective")) {
			*(enum recompute_mode *)target = RECOMPUTE_SELECTIVE;
		} else if (str_ieq(text, "none") || str_ieq(text, "false") || str_ieq(text, "no") ||
			   str_ieq(text, "off")) {
			*(enum recompute_mode *)target = RECOMPUTE_NONE;
		} else {
			report(ld, value, "expected %s, got \"%s\"", field_expectation(f), text);
			return -1;
		}
		return 0;
	case FIELD_PRECISION:
		for (size_t i = 0; i < ARRAY_SIZE(precision_names); i++) {
			if (str_ieq(text, precision_names[i])) {
				*(enum precision *)target = (enum precision)i;
				return 0;
			}
		}
		check_choice(ld, value, text, precision_names, ARRAY_SIZE(precision_names));
		return -1;
	case FIELD_INT:
		rc = units_parse_int(text, &whole);
		number = (double)whole;
		break;
	case FIELD_COUNT:
		rc = units_parse_count(text, &number);
		break;
	case FIELD_BYTES:
		rc = units_parse_bytes(text, &number);
		break;
	case FIELD_HOURS:
	case FIELD_MS:
		rc = units_parse_duration(text, &number);
		if (f->type == FIELD_MS)
			number *= 3600.0 * 1000.0;
		break;
	case FIELD_FRACTION:
	case FIELD_SHARE:
		rc = units_parse_fraction(text, &number);
		if (rc == 0 && f->type == FIELD_SHARE && number > 1) {
			report(ld, value, "\"%s\": expected at most 100%%", text);
			return -1;
		}
		break;
	case FIELD_MONEY:
		if (f->choices && strchr(text, '/'))
			rc = units_parse_rate(text, f->choices, &number, NULL);
		else
			rc = units_parse_money(text, &number);
		if (rc == 0 && number < 0) {
			report(ld, value, "\"%s\": expected a non-negative amount", text);
			return -1;
		}
		break;
	case FIELD_NUMBER:
		rc = units_parse_number(text, &number);
		if (rc == 0 && number < 0) {
			report(ld, value, "\"%s\": expected a non-negative number", text);
			return -1;
		}
		break;
	case FIELD_CUSTOM:
		return 0;
	}
	if (rc < 0) {
		report(ld, value, "%s", error_get());
		error_clear();
		return -1;
	}
	if ((f->flags & F_POSITIVE) && number <= 0) {
		report(ld, value, "expected a positive %s, got \"%s\"",
		       f->type == FIELD_INT ? "whole number" : "value", text);
		return -1;
	}
	if (f->type == FIELD_INT)
		*(int *)target = (int)whole;
	else
		*(double *)target = number;
	return 0;
}

static const struct field *find_field(const struct field_set *sets, size_t nsets, const char *key,
				      const struct field_set **set)
{
	for (size_t s = 0; s < nsets; s++) {
		for (size_t i = 0; i < sets[s].n; i++) {
			if (strcmp(sets[s].fields[i].key, key) == 0) {
				if (set)
					*set = &sets[s];
				return &sets[s].fields[i];
			}
		}
	}
	return NULL;
}

/*
 * Loads MAP's keys described by SETS into BASE: required keys must be there, every
 * scalar is parsed, and a key that is in no set is an error (with a suggestion, or
 * naming the kind it belongs to when it is in one of OTHER). Returns -1 if MAP is
 * not a mapping.
 */
static int load_fields(struct loader *ld, struct node *map, void *base,
		       const struct field_set *sets, size_t nsets,
		       const struct field_set *other, size_t nother)
{
	const char **names = NULL;
	size_t nnames = 0, alloc = 0;

	if (map->type != NODE_MAP) {
		report(ld, map, "expected a mapping of keys, got %s%s%s%s", node_type_name(map),
		       map->type == NODE_SCALAR ? " \"" : "", map->type == NODE_SCALAR ? map->text : "",
		       map->type == NODE_SCALAR ? "\"" : "");
		return -1;
	}
	for (size_t s = 0; s < nsets; s++) {
		for (size_t i = 0; i < sets[s].n; i++) {
			const struct field *f = &sets[s].fields[i];
			struct node *value = node_get(map, f->key);
			size_t mark;

			xgrow(&names, &alloc, nnames + 1, sizeof(*names));
			names[nnames++] = f->key;
			if (node_is_null(value)) {
				if (f->flags & F_REQUIRED)
					report_missing(ld, value ? value : map, f);
				continue;
			}
			if (f->type == FIELD_CUSTOM)
				continue;
			mark = path_push(ld, f->key);
			parse_field(ld, f, value, base);
			strbuf_setlen(&ld->path, mark);
		}
	}
	for (size_t i = 0; i < map->n; i++) {
		const struct field_set *owner = NULL;
		const char *key = map->keys[i]->text;
		const char *guess;
		size_t mark;

		if (map->used[i])
			continue;
		mark = path_push(ld, key);
		if (find_field(other, nother, key, &owner))
			report(ld, map->keys[i], "'%s' applies to %s only", key, owner->label);
		else if ((guess = suggest_word(key, names, nnames)))
			report(ld, map->keys[i], "unknown key '%s'; did you mean '%s'?", key, guess);
		else
			report(ld, map->keys[i], "unknown key '%s'", key);
		strbuf_setlen(&ld->path, mark);
	}
	free(names);
	return 0;
}

/* A list of strings, or one string standing for a list of one. */
static void load_string_list(struct loader *ld, struct node *value, char ***out, size_t *n)
{
	size_t alloc = 0;

	if (node_is_null(value))
		return;
	if (value->type == NODE_SCALAR) {
		xgrow(out, &alloc, 1, sizeof(**out));
		(*out)[(*n)++] = xstrdup(value->text);
		return;
	}
	if (value->type != NODE_SEQ) {
		report(ld, value, "expected a list of names, got %s", node_type_name(value));
		return;
	}
	for (size_t i = 0; i < value->n; i++) {
		size_t mark = path_push_index(ld, i);

		if (value->items[i]->type != NODE_SCALAR || node_is_null(value->items[i])) {
			report(ld, value->items[i], "expected a name, got %s",
			       node_type_name(value->items[i]));
		} else {
			xgrow(out, &alloc, *n + 1, sizeof(**out));
			(*out)[(*n)++] = xstrdup(value->items[i]->text);
		}
		strbuf_setlen(&ld->path, mark);
	}
}

/* Reads the `kind` of a workload or deployment; -1 when missing or unknown. */
static int load_kind(struct loader *ld, struct node *map, const char *const *kinds, size_t n)
{
	struct node *value = node_get(map, "kind");
	size_t mark;
	int kind = -1;

	if (map->type != NODE_MAP || node_is_null(value))
		return -1;   /* load_fields reports it */
	mark = path_push(ld, "kind");
	if (value->type != NODE_SCALAR) {
		struct strbuf names = STRBUF_INIT;

		for (size_t i = 0; i < n; i++)
			strbuf_addf(&names, "%s%s", i ? ", " : "", kinds[i]);
		report(ld, value, "expected one of %s, got %s", names.buf, node_type_name(value));
		strbuf_release(&names);
	}
	else if (check_choice(ld, value, value->text, kinds, n))
		for (size_t i = 0; i < n; i++)
			if (strcmp(value->text, kinds[i]) == 0)
				kind = (int)i;
	strbuf_setlen(&ld->path, mark);
	return kind;
}

/* Reports at MAP's KEY (or at MAP) with the path pointing at KEY. */
static void report_key(struct loader *ld, struct node *map, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report_key(struct loader *ld, struct node *map, const char *key, const char *fmt, ...)
{
	struct node *at = node_get(map, key);
	size_t mark = path_push(ld, key);
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	report(ld, at ? at : map, "%s", msg.buf);
	strbuf_release(&msg);
	strbuf_setlen(&ld->path, mark);
}

static bool given(struct node *map, const char *key)
{
	return !node_is_null(node_get(map, key));
}

/*
 * Upper bounds on the keys that become counts: the models loop over them and
 * multiply them as ints, so past these a value is a typo, not a plan. Each is far
 * beyond anything built; the reason is said with the error.
 */
#define MAX_LAYERS 10000            /* the deepest published transformers have ~130 */
#define MAX_HIDDEN 1000000          /* the widest have ~25k */
#define MAX_HEADS 100000            /* the most have 128 */
#define MAX_SEQ_LEN 1e8             /* 100M tokens: 100x the longest context trained */
#define MAX_BATCH_SEQUENCES 1e9     /* Llama 3 405B: ~4k sequences a batch */
#define MAX_PIPELINE_VCPUS 1e8      /* at once: more than a cloud region holds */
#define MAX_YEARS 100               /* a horizon or a loan term */

/* Reports KEY of MAP when VALUE, a count of WHAT, passes MAX. */
static void check_at_most(struct loader *ld, struct node *map, const char *key, double value,
			  double max, const char *what)
{
	if (value > max)
		report_key(ld, map, key, "%.15g %s: expected at most %.15g", value, what, max);
}

/* The shape keys both kinds of model share. */
static void check_shape(struct loader *ld, struct node *map, int layers, int hidden, int heads)
{
	check_at_most(ld, map, "layers", layers, MAX_LAYERS, "layers");
	check_at_most(ld, map, "hidden", hidden, MAX_HIDDEN, "hidden units");
	check_at_most(ld, map, "heads", heads, MAX_HEADS, "attention heads");
}

/* Sequence length and batch: whole tokens, and batches of a sane number of sequences. */
static void check_batch(struct loader *ld, struct node *map, const struct training_spec *t)
{
	double seq_len = isnan(t->seq_len) ? DEFAULT_SEQ_LEN : t->seq_len;
	double batch = isnan(t->batch_tokens) ? DEFAULT_BATCH_TOKENS : t->batch_tokens;

	if (!(seq_len >= 1 && seq_len == floor(seq_len) && seq_len <= MAX_SEQ_LEN)) {
		report_key(ld, map, "seq_len", "expected a whole number of tokens from 1 to "
			   "%.15g, got %g", MAX_SEQ_LEN, seq_len);
		return;
	}
	if (batch / seq_len > MAX_BATCH_SEQUENCES)
		report_key(ld, map, given(map, "batch_tokens") ? "batch_tokens" : "seq_len",
			   "%g sequences of %g tokens a batch: expected at most %.15g",
			   batch / seq_len, seq_len, MAX_BATCH_SEQUENCES);
}

static void training_defaults(struct training_spec *t)
{
	t->params = NAN;
	t->active_params = NAN;
	t->tokens = NAN;
	t->mfu = NAN;
	t->seq_len = NAN;
	t->batch_tokens = NAN;
	t->precision = PRECISION_BF16;
	t->gpu_hours = NAN;
	t->checkpoint_interval_hours = NAN;   /* the optimum (perf_goodput) */
	t->restart_time_hours = 0.25;
	t->deadline_hours = NAN;
	t->state_bytes_per_param = 16;
}

static void inference_defaults(struct inference_spec *inf)
{
	inf->params = NAN;
	inf->active_params = NAN;
	inf->precision = PRECISION_BF16;
	inf->input_tokens = NAN;
	inf->output_tokens = NAN;
	inf->requests_per_day = NAN;
	inf->tokens_per_day = NAN;
	inf->peak_to_average = 1;
	inf->slo_ttft_ms = NAN;
	inf->slo_tpot_ms = NAN;
	inf->slo_ttft_p95_ms = inf->slo_ttft_p99_ms = inf->slo_tpot_p95_ms = NAN;
	inf->requests = inf->deadline_hours = NAN;
	inf->compute_efficiency = 0.5;
	inf->bandwidth_efficiency = 0.7;
	inf->min_replicas = 1;
}

static void check_training(struct loader *ld, struct node *map, struct training_spec *t)
{
	/* Without a count optimize sizes one to the deadline; estimate needs one. */
	if (!given(map, "gpus") && !given(map, "deadline"))
		report_key(ld, map, "gpus", "required key is missing (or give a deadline: "
			   "optimize then chooses the count); expected a whole number");
	if (given(map, "gpu_hours")) {
		if (given(map, "tokens"))
			report_key(ld, map, "tokens", "give either gpu_hours or tokens, not both");
	} else {
		if (!given(map, "params"))
			report_key(ld, map, "params", "required key is missing (or give gpu_hours); "
				   "expected a count (e.g. 8B)");
		if (!given(map, "tokens"))
			report_key(ld, map, "tokens", "required key is missing (or give gpu_hours); "
				   "expected a count (e.g. 15T)");
	}
	if (isnan(t->active_params))
		t->active_params = t->params;
	else if (!isnan(t->params) && t->active_params > t->params)
		report_key(ld, map, "active_params", "%g active parameters exceed the %g in params",
			   t->active_params, t->params);
	else if (isnan(t->params))
		report_key(ld, map, "active_params", "give params (the total) as well");
	if (given(map, "interruptions_per_day") && given(map, "interruptions_per_gpu_day"))
		report_key(ld, map, "interruptions_per_gpu_day",
			   "give either interruptions_per_day or interruptions_per_gpu_day, not both");
	else if (!given(map, "interruptions_per_day") && !given(map, "interruptions_per_gpu_day") &&
		 !given(map, "gpu_hours"))   /* measured hours already include the interruptions */
		t->interruptions_per_gpu_day = PERF_INTERRUPTIONS_PER_GPU_DAY;
	t->recompute_given = given(map, "recompute");
	if (t->precision != PRECISION_BF16 && t->precision != PRECISION_FP8)
		report_key(ld, map, "precision", "training runs in bf16 or fp8, got %s",
			   precision_name(t->precision));
	if (t->heads > 0 && t->hidden > 0 && t->hidden % t->heads != 0)
		report_key(ld, map, "heads", "hidden (%d) is not a multiple of heads (%d)",
			   t->hidden, t->heads);
	if (t->kv_heads > 0 && t->heads > 0 && (t->kv_heads > t->heads || t->heads % t->kv_heads))
		report_key(ld, map, "kv_heads", "%d key/value heads do not divide %d heads",
			   t->kv_heads, t->heads);
	if (given(map, "layers") != given(map, "hidden"))
		report_key(ld, map, given(map, "layers") ? "hidden" : "layers",
			   "give layers and hidden together (or neither: a shape is inferred "
			   "from params)");
	if (t->experts_per_token > 0 && t->experts == 0)
		report_key(ld, map, "experts_per_token", "give experts as well");
	else if (t->experts > 0 && t->experts_per_token > t->experts)
		report_key(ld, map, "experts_per_token", "%d experts per token exceed the %d experts",
			   t->experts_per_token, t->experts);
	check_shape(ld, map, t->layers, t->hidden, t->heads);
	check_batch(ld, map, t);
	check_at_most(ld, map, "gpus", t->gpus, MAX_TRAINING_GPUS, "GPUs");
}

static char *node_where(const struct loader *ld, const struct node *n);

/* A batch job has requests and a deadline, a service a daily rate and latency targets. */
static bool check_batch_keys(struct loader *ld, struct node *map, struct inference_spec *inf,
			     bool batch)
{
	static const char *const service_only[] = {
		"requests_per_day", "tokens_per_day", "peak_to_average", "slo", "min_replicas",
		"duration",
	};
	static const char *const batch_only[] = { "requests", "deadline" };

	if (!batch) {
		for (size_t i = 0; i < ARRAY_SIZE(batch_only); i++)
			if (given(map, batch_only[i]))
				report_key(ld, map, batch_only[i], "only for kind: batch-inference (an "
					   "offline job); a service takes requests_per_day");
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(service_only); i++)
		if (given(map, service_only[i]))
			report_key(ld, map, service_only[i], "not for kind: batch-inference, a job "
				   "of requests finished by a deadline, with no latency target");
	if (!given(map, "requests"))
		report_key(ld, map, "requests", "required key is missing: the requests to run");
	if (!given(map, "deadline"))
		report_key(ld, map, "deadline", "required key is missing: when they must be done "
			   "(e.g. 7d)");
	else   /* a deadline shorter than one request takes is found when it is sized */
		inf->deadline_where = node_where(ld, node_get(map, "deadline"));
	inf->requests_per_day = inf->requests;
	inf->tokens_per_day = inf->requests * (inf->input_tokens + inf->output_tokens);
	return true;
}

static void pipeline_defaults(struct pipeline_spec *p)
{
	p->input_bytes = NAN;
	p->bytes_per_vcpu_hour = NAN;
	p->vcpu_hours = NAN;
	p->deadline_hours = NAN;
	p->labeling_items = p->labeling_price_per_item = NAN;
	p->labeling_hours = p->labeling_price_per_hour = NAN;
}

/* "50GB/h": a size per vCPU-hour. */
static int parse_throughput(const char *text, double *bytes_per_hour)
{
	const char *slash = strrchr(text, '/');
	char *size;
	int rc;

	if (!slash || (strcmp(slash + 1, "h") != 0 && strcmp(slash + 1, "hour") != 0))
		return -1;
	size = xstrndup(text, (size_t)(slash - text));
	rc = units_parse_bytes(size, bytes_per_hour);
	free(size);
	return rc == 0 && *bytes_per_hour > 0 ? 0 : -1;
}

static void check_pipeline(struct loader *ld, struct node *map, struct workload *w)
{
	struct pipeline_spec *p = &w->pipeline;
	struct node *labeling = node_get(map, "labeling");

	if (w->throughput_text && parse_throughput(w->throughput_text, &p->bytes_per_vcpu_hour) < 0) {
		error_clear();
		report_key(ld, map, "throughput_per_vcpu", "expected a size per vCPU-hour "
			   "(e.g. 50GB/h), got \"%s\"", w->throughput_text);
	}
	if (given(map, "vcpu_hours")) {
		if (given(map, "input") || given(map, "throughput_per_vcpu"))
			report_key(ld, map, "vcpu_hours", "give either vcpu_hours or input with "
				   "throughput_per_vcpu, not both");
	} else if (!given(map, "input") || !given(map, "throughput_per_vcpu")) {
		report_key(ld, map, given(map, "input") ? "throughput_per_vcpu" : "input",
			   "required key is missing (or give vcpu_hours); pipelines need input "
			   "(e.g. 500TB) and throughput_per_vcpu (e.g. 50GB/h)");
	} else if (p->bytes_per_vcpu_hour > 0) {
		p->vcpu_hours = p->input_bytes / p->bytes_per_vcpu_hour;
	}
	/* the instances bought to meet the deadline are counted in an int */
	if (p->vcpu_hours / p->deadline_hours > MAX_PIPELINE_VCPUS)
		report_key(ld, map, "deadline", "%g vCPU-hours by it need %.4g vCPUs at once: "
			   "expected at most %.15g", p->vcpu_hours,
			   p->vcpu_hours / p->deadline_hours, MAX_PIPELINE_VCPUS);
	if (!node_is_null(labeling)) {
		const struct field_set set = SET(labeling_fields, "labeling");
		size_t mark = path_push(ld, "labeling");
		bool items = given(labeling, "items") || given(labeling, "price_per_item");
		bool hours = given(labeling, "hours") || given(labeling, "price_per_hour");

		if (load_fields(ld, labeling, p, &set, 1, NULL, 0) == 0) {
			if (items == hours)
				report(ld, labeling, "give {items, price_per_item} or {hours, "
				       "price_per_hour}");
			else if (items && (isnan(p->labeling_items) || isnan(p->labeling_price_per_item)))
				report(ld, labeling, "give both items and price_per_item");
			else if (hours && (isnan(p->labeling_hours) || isnan(p->labeling_price_per_hour)))
				report(ld, labeling, "give both hours and price_per_hour");
		}
		strbuf_setlen(&ld->path, mark);
	}
}

static void check_inference(struct loader *ld, struct node *map, struct inference_spec *inf,
			    bool batch)
{
	bool requests = given(map, "requests_per_day"), tokens = given(map, "tokens_per_day");
	double per_request = inf->input_tokens + inf->output_tokens;

	if (check_batch_keys(ld, map, inf, batch))
		;   /* no daily rate */
	else if (!requests && !tokens)
		report_key(ld, map, "requests_per_day",
			   "required key is missing; give requests_per_day or tokens_per_day");
	else if (requests && tokens)
		report_key(ld, map, "tokens_per_day",
			   "give either requests_per_day or tokens_per_day, not both");
	else if (requests)
		inf->tokens_per_day = inf->requests_per_day * per_request;
	else
		inf->requests_per_day = inf->tokens_per_day / per_request;
	if (inf->hidden > 0) {
		if (inf->heads > 0 && inf->head_dim == 0) {
			if (inf->hidden % inf->heads != 0)
				report_key(ld, map, "heads", "hidden (%d) is not a multiple of heads (%d); "
					   "give head_dim", inf->hidden, inf->heads);
			inf->head_dim = inf->hidden / inf->heads;
		} else if (inf->head_dim == 0) {
			inf->head_dim = 128;   /* Llama, Mistral, Qwen: 128-wide heads */
		}
		if (inf->heads == 0)
			inf->heads = inf->hidden / inf->head_dim > 0 ? inf->hidden / inf->head_dim : 1;
	}
	if (inf->kv_heads == 0)
		inf->kv_heads = inf->heads;
	else if (inf->heads > 0 && (inf->kv_heads > inf->heads || inf->heads % inf->kv_heads != 0))
		report_key(ld, map, "kv_heads", "%d key/value heads do not divide %d heads",
			   inf->kv_heads, inf->heads);
	if (isnan(inf->active_params))
		inf->active_params = inf->params;
	else if (inf->active_params > inf->params)
		report_key(ld, map, "active_params", "%g active parameters exceed the %g in params",
			   inf->active_params, inf->params);
	if ((inf->experts > 0) != (inf->experts_per_token > 0))
		report_key(ld, map, inf->experts > 0 ? "experts" : "experts_per_token",
			   "give experts and experts_per_token together");
	else if (inf->experts > 0 && inf->experts_per_token >= inf->experts)
		report_key(ld, map, "experts_per_token", "%d experts per token leave none of the %d "
			   "experts idle: give fewer", inf->experts_per_token, inf->experts);
	else if (inf->experts > 0 && !(inf->active_params < inf->params))
		report_key(ld, map, "experts", "a mixture of experts needs active_params (per token) "
			   "below params (all of them)");
	else if (inf->experts > 0 &&
		 inf->active_params < inf->params * inf->experts_per_token / inf->experts)
		/* params = dense + E·expert and active = dense + k·expert give a
		 * negative dense part when active < params·k/E: sizes that cannot be. */
		report_key(ld, map, "active_params", "%g active parameters are below params x "
			   "experts_per_token / experts = %g: a token uses %d of %d experts and the "
			   "dense layers besides; give both sizes from the model card",
			   inf->active_params, inf->params * inf->experts_per_token / inf->experts,
			   inf->experts_per_token, inf->experts);
	if (!given(map, "kv_precision"))
		inf->kv_precision = inf->precision == PRECISION_INT4 ? PRECISION_BF16 : inf->precision;
	if (inf->rope_head_dim > 0 && inf->kv_lora_rank == 0)
		report_key(ld, map, "rope_head_dim", "the rotary part of a latent: give kv_lora_rank "
			   "(multi-head latent attention) as well");
	if (inf->kv_read_per_query_head && inf->kv_lora_rank > 0)
		report_key(ld, map, "kv_read_per_query_head", "multi-head latent attention caches "
			   "one latent for all heads; there are no KV heads to read per query head");
	if (inf->dense_layers > 0 && inf->experts == 0)
		report_key(ld, map, "dense_layers", "only for a mixture of experts: give experts "
			   "and experts_per_token");
	else if (inf->layers > 0 && inf->dense_layers >= inf->layers)
		report_key(ld, map, "dense_layers", "%d dense layers leave none of the %d layers "
			   "with experts", inf->dense_layers, inf->layers);
	if (inf->prefix_cache_hit >= 1)
		report_key(ld, map, "prefix_cache_hit", "expected less than 100%%: some of every "
			   "prompt is new");
	if (inf->output_tokens == 0 && (!isnan(inf->slo_tpot_ms) || !isnan(inf->slo_tpot_p95_ms)))
		report_key(ld, map, "slo", "an embedding workload (output_tokens: 0) has no TPOT; "
			   "give only ttft targets");
	if (inf->output_tokens == 0 && inf->draft_params > 0)
		report_key(ld, map, "speculative", "an embedding workload (output_tokens: 0) "
			   "decodes nothing to speculate on");
	if (inf->draft_params >= inf->params)
		report_key(ld, map, "speculative", "the draft model (%g parameters) must be "
			   "smaller than the model (%g)", inf->draft_params, inf->params);
	if (given(map, "peak_to_average") && inf->peak_to_average < 1)
		report_key(ld, map, "peak_to_average", "expected at least 1 (peak over average), got %g",
			   inf->peak_to_average);
	check_shape(ld, map, inf->layers, inf->hidden, inf->heads);
}

/* "file:line:col" (or "file: --set ...") of N, for messages after loading. */
static char *node_where(const struct loader *ld, const struct node *n)
{
	struct strbuf sb = STRBUF_INIT;

	if (n && n->line == 0 && n->origin)
		strbuf_addf(&sb, "%s: --set %s", ld->file, n->origin);
	else
		strbuf_addf(&sb, "%s:%d:%d", ld->file, n ? n->line : 1, n ? n->col : 1);
	return strbuf_detach(&sb, NULL);
}

/* feature_store: {online, offline, reads_per_second, reads_per_vcpu}, on any workload. */
static void load_feature_store(struct loader *ld, struct node *map, struct workload *w)
{
	struct node *value = node_get(map, "feature_store");
	struct feature_store_spec *fs = &w->feature_store;
	const struct field_set set = SET(feature_store_fields, "feature_store");
	size_t mark;

	fs->reads_per_vcpu = 10000;
	if (node_is_null(value))
		return;
	mark = path_push(ld, "feature_store");
	if (load_fields(ld, value, fs, &set, 1, NULL, 0) == 0) {
		fs->present = true;
		if (!given(value, "online") && !given(value, "offline"))
			report(ld, value, "give online (e.g. 200GB, held in memory) or offline "
			       "(e.g. 20TB, on object storage), or both");
		else if (fs->reads_per_second > 0 && !(fs->online_bytes > 0))
			report_key(ld, value, "reads_per_second", "reads are served from the "
				   "online store; give its size (online: e.g. 200GB)");
	}
	strbuf_setlen(&ld->path, mark);
}

static void load_workload(struct loader *ld, struct node *map, struct workload *w)
{
	int kind = load_kind(ld, map, workload_kinds, count_choices(workload_kinds));
	const struct field_set common = SET(workload_fields, "all workloads");
	const struct field_set training[] = { common, SET(training_fields, "training workloads") };
	const struct field_set inference[] = {
		common, SET(inference_fields, kind == WORKLOAD_BATCH_INFERENCE ?
			    "batch-inference workloads" : "inference workloads")
	};
	const struct field_set pipeline[] = { common, SET(pipeline_fields, "pipeline workloads") };

	training_defaults(&w->training);
	inference_defaults(&w->inference);
	pipeline_defaults(&w->pipeline);
	w->duration_hours = NAN;
	w->epochs = 1;
	w->data_read_bytes = NAN;
	if (kind < 0) {
		/* Without a kind only the common keys can be checked. */
		if (map->type == NODE_MAP)
			for (size_t i = 0; i < map->n; i++)
				map->used[i] = true;
		load_fields(ld, map, w, &common, 1, NULL, 0);
		return;
	}
	w->kind = (enum workload_kind)kind;
	w->accelerator_where = node_where(ld, given(map, "accelerator") ?
					  node_get(map, "accelerator") : map);
	if (w->kind != WORKLOAD_PIPELINE && !given(map, "accelerator"))
		report_missing(ld, map, &workload_fields[2]);
	if (w->kind == WORKLOAD_PIPELINE) {
		load_fields(ld, map, w, pipeline, 2, &training[1], 1);
		check_pipeline(ld, map, w);
		if (w->accelerator)
			report_key(ld, map, "accelerator", "a pipeline runs on CPUs; name its "
				   "instance instead");
	} else if (w->kind == WORKLOAD_TRAINING) {
		load_fields(ld, map, w, training, 2, &inference[1], 1);
		check_training(ld, map, &w->training);
		if (given(map, "epochs") && given(map, "data_read"))
			report_key(ld, map, "data_read", "give either epochs or data_read, not both");
	} else {
		struct node *slo = node_get(map, "slo"), *spec = node_get(map, "speculative");

		load_fields(ld, map, w, inference, 2, &training[1], 1);
		if (!node_is_null(slo)) {
			const struct field_set set = SET(slo_fields, "slo");
			size_t mark = path_push(ld, "slo");

			load_fields(ld, slo, &w->inference, &set, 1, NULL, 0);
			strbuf_setlen(&ld->path, mark);
		}
		if (!node_is_null(spec)) {
			const struct field_set set = SET(speculative_fields, "speculative");
			size_t mark = path_push(ld, "speculative");

			load_fields(ld, spec, &w->inference, &set, 1, NULL, 0);
			strbuf_setlen(&ld->path, mark);
		}
		check_inference(ld, map, &w->inference, w->kind == WORKLOAD_BATCH_INFERENCE);
	}
	load_feature_store(ld, map, w);
}

static void load_purchase(struct loader *ld, struct node *value, struct deployment *d)
{
	const size_t noptions = ARRAY_SIZE(purchase_options);
	double total = 0;

	if (value->type == NODE_SCALAR) {
		/* "purchase: spot" means all of it. */
		if (!check_choice(ld, value, value->text, purchase_options, noptions))
			return;
		d->purchase = xcalloc(1, sizeof(*d->purchase));
		d->purchase[0] = (struct purchase_share){ xstrdup(value->text), 1.0 };
		d->npurchase = 1;
		return;
	}
	if (value->type != NODE_MAP) {
		report(ld, value, "expected a mapping of purchase option to share "
		       "(e.g. {reserved-1y: 70%%, on-demand: 30%%}), got %s", node_type_name(value));
		return;
	}
	d->purchase = xcalloc(value->n ? value->n : 1, sizeof(*d->purchase));
	for (size_t i = 0; i < value->n; i++) {
		static const struct field share = { "share", FIELD_SHARE, 0, F_POSITIVE, NULL };
		const char *option = value->keys[i]->text;
		size_t mark = path_push(ld, option);
		double fraction = 0;

		value->used[i] = true;
		if (check_choice(ld, value->keys[i], option, purchase_options, noptions) &&
		    parse_field(ld, &share, value->items[i], &fraction) == 0) {
			d->purchase[d->npurchase++] = (struct purchase_share){ xstrdup(option), fraction };
			total += fraction;
		}
		strbuf_setlen(&ld->path, mark);
	}
	if (d->npurchase == value->n && fabs(total - 1.0) > 1e-6)
		report(ld, value, "the shares add up to %g%%; they must add up to 100%%", total * 100);
}

static void deployment_defaults(struct deployment *d)
{
	d->price_per_gpu_hour = NAN;
	d->egress_price_per_gb = NAN;
	d->storage_price_per_gb_month = NAN;
	d->feature_store_price_per_gb_month = NAN;
	budget_init(&d->budget);
	d->spot_interruptions_per_day = NAN;
	d->scaleup_gb_s = NAN;
	d->scaleout_gb_s = NAN;
	d->gpus_per_server = 8;
	d->network_fraction = 0.10;
	d->pue = 1.3;
	d->power_price_per_kwh = NAN;
	d->kw_per_server = NAN;
	d->server_price = NAN;
	d->idle_draw = 0.3;
	d->staff_cost_per_year = NAN;
	d->depreciation_hours = 5 * HOURS_PER_YEAR;
	d->order_month = 1;
	d->finance_term_hours = NAN;
	d->shortage.delay_hours = 0;
	d->shortage.cost_of_delay_per_month = NAN;
}

/* A budget: mapping at MAP["budget"] (if given), remembering where each limit is set. */
static void load_budget(struct loader *ld, struct node *map, struct budget *b)
{
	const struct field_set set = SET(budget_fields, "budget");
	struct node *value = node_get(map, "budget");
	size_t mark;

	if (node_is_null(value))
		return;
	mark = path_push(ld, "budget");
	if (load_fields(ld, value, b, &set, 1, NULL, 0) == 0) {
		for (int k = 0; k < BUDGET_NKINDS; k++) {
			struct node *limit = node_get(value, budget_kind_names[k]);

			if (limit && !node_is_null(limit)) {
				b->line[k] = limit->line;
				b->col[k] = limit->col;
			}
		}
	}
	strbuf_setlen(&ld->path, mark);
}

static void load_deployment(struct loader *ld, struct node *map, struct deployment *d)
{
	const struct field_set common = SET(deployment_fields, "all deployments");
	const struct field_set sets[] = {
		SET(cloud_fields, "cloud deployments"), SET(onprem_fields, "onprem deployments"),
		SET(hybrid_fields, "hybrid deployments"),
	};
	struct field_set mine[2], others[2];
	int kind = load_kind(ld, map, deployment_kinds, count_choices(deployment_kinds));
	size_t nothers = 0;

	deployment_defaults(d);
	d->where = node_where(ld, map);
	if (kind < 0) {
		if (map->type == NODE_MAP)
			for (size_t i = 0; i < map->n; i++)
				map->used[i] = true;
		load_fields(ld, map, d, &common, 1, NULL, 0);
		return;
	}
	d->kind = (enum deployment_kind)kind;
	mine[0] = common;
	mine[1] = sets[kind];
	for (int i = 0; i < 3; i++)
		if (i != kind)
			others[nothers++] = sets[i];
	load_fields(ld, map, d, mine, 2, others, nothers);
	load_budget(ld, map, &d->budget);
	d->accelerator_where = node_where(ld, given(map, "accelerator") ?
					  node_get(map, "accelerator") : map);
	if (d->kind == DEPLOYMENT_CLOUD) {
		struct node *purchase = node_get(map, "purchase");
		struct node *shortage = node_get(map, "shortage");

		if (!node_is_null(purchase)) {
			size_t mark = path_push(ld, "purchase");

			load_purchase(ld, purchase, d);
			strbuf_setlen(&ld->path, mark);
		} else {
			d->purchase = xcalloc(1, sizeof(*d->purchase));
			d->purchase[0] = (struct purchase_share){ xstrdup("on-demand"), 1.0 };
			d->npurchase = 1;
		}
		if (!node_is_null(shortage)) {
			const struct field_set set = SET(shortage_fields, "shortage");
			size_t mark = path_push(ld, "shortage");

			d->shortage.present = true;
			load_fields(ld, shortage, &d->shortage, &set, 1, NULL, 0);
			strbuf_setlen(&ld->path, mark);
		}
	} else if (d->kind == DEPLOYMENT_ONPREM) {
		if (d->gpus > 0 && d->gpus_per_server > 0 && d->gpus % d->gpus_per_server != 0)
			report_key(ld, map, "gpus", "%d GPUs do not fill whole %d-GPU servers",
				   d->gpus, d->gpus_per_server);
		if (given(map, "pue") && d->pue < 1)
			report_key(ld, map, "pue", "expected at least 1 (total power over IT power), "
				   "got %g", d->pue);
		if (d->staff_fte > 0 && isnan(d->staff_cost_per_year))
			report_key(ld, map, "staff_cost", "required key is missing when staff > 0; "
				   "expected the cost per FTE-year (e.g. 180k)");
		if (isnan(d->staff_cost_per_year))
			d->staff_cost_per_year = 0;
		if (d->order_month != floor(d->order_month))
			report_key(ld, map, "order_month", "expected a whole month number, got %g",
				   d->order_month);
		if (given(map, "financing")) {
			const struct field_set set = SET(financing_fields, "financing");
			size_t mark = path_push(ld, "financing");

			/* a term that is present but wrong must not read as "paid up front" */
			d->finance_term_hours = 0;
			if (load_fields(ld, node_get(map, "financing"), d, &set, 1, NULL, 0) == 0 &&
			    d->finance_term_hours > MAX_YEARS * HOURS_PER_YEAR)
				report_key(ld, node_get(map, "financing"), "term", "a loan over %d "
					   "years is not a plan", MAX_YEARS);
			strbuf_setlen(&ld->path, mark);
		}
	}
}

/* ISO country for a cloud region, from its name; NULL when not known. */
static const char *region_country(const char *region)
{
	static const struct { const char *pattern, *country; } table[] = {
		{ "us-*", "US" }, { "*us", "US" }, { "*us[0-9]", "US" }, { "us*", "US" },
		{ "northamerica-northeast*", "CA" }, { "ca-*", "CA" }, { "canada*", "CA" },
		{ "eu-central-1", "DE" }, { "europe-west3", "DE" }, { "germany*", "DE" },
		{ "eu-west-1", "IE" }, { "europe-north1", "FI" }, { "northeurope", "IE" },
		{ "eu-west-2", "GB" }, { "europe-west2", "GB" }, { "uk*", "GB" },
		{ "eu-west-3", "FR" }, { "europe-west9", "FR" }, { "france*", "FR" },
		{ "eu-north-1", "SE" }, { "sweden*", "SE" }, { "eu-south-1", "IT" },
		{ "europe-west4", "NL" }, { "westeurope", "NL" }, { "europe-west1", "BE" },
		{ "ap-northeast-1", "JP" }, { "asia-northeast1", "JP" }, { "japan*", "JP" },
		{ "ap-southeast-1", "SG" }, { "asia-southeast1", "SG" }, { "southeastasia", "SG" },
		{ "ap-south-1", "IN" }, { "asia-south1", "IN" }, { "*india", "IN" },
		{ "ap-southeast-2", "AU" }, { "australia*", "AU" },
		{ "eu-south-2", "ES" }, { "europe-southwest1", "ES" }, { "spain*", "ES" },
		{ "europe-central2", "PL" }, { "poland*", "PL" },
		{ "europe-west8", "IT" }, { "europe-west12", "IT" }, { "italy*", "IT" },
		{ "europe-west10", "DE" }, { "eu-central-2", "CH" }, { "europe-west6", "CH" },
		{ "switzerland*", "CH" }, { "norway*", "NO" }, { "europe-north2", "SE" },
		{ "*iceland*", "IS" }, { "eu-ro-*", "RO" }, { "europe-central-1", "DE" },
		/* The rest of AWS's, Azure's and Google Cloud's regions (their documented
		 * locations), and the GPU clouds' in the shipped catalog. */
		{ "af-south-1", "ZA" }, { "africa-south1", "ZA" }, { "southafrica*", "ZA" },
		{ "ap-east-1", "HK" }, { "asia-east2", "HK" }, { "eastasia", "HK" },
		{ "ap-east-2", "TW" }, { "asia-east1", "TW" },
		{ "ap-northeast-2", "KR" }, { "asia-northeast3", "KR" }, { "korea*", "KR" },
		{ "asia-northeast-2", "KR" },
		{ "ap-northeast-3", "JP" }, { "asia-northeast2", "JP" }, { "asia-northeast-1", "JP" },
		{ "ap-south-2", "IN" }, { "asia-south2", "IN" }, { "jioindia*", "IN" },
		{ "asia-south-1", "IN" },
		{ "ap-southeast-3", "ID" }, { "asia-southeast2", "ID" }, { "indonesia*", "ID" },
		{ "ap-southeast-4", "AU" }, { "australia*", "AU" },
		{ "ap-southeast-5", "MY" }, { "malaysia*", "MY" }, { "ap-southeast-7", "TH" },
		{ "sa-east-1", "BR" }, { "southamerica-east1", "BR" }, { "brazil*", "BR" },
		{ "southamerica-west1", "CL" }, { "chile*", "CL" },
		{ "mx-central-1", "MX" }, { "northamerica-south1", "MX" }, { "mexico*", "MX" },
		{ "il-central-1", "IL" }, { "me-west1", "IL" }, { "israel*", "IL" },
		{ "me-west-1", "IL" },
		{ "me-central-1", "AE" }, { "uae*", "AE" }, { "me-south-1", "BH" },
		{ "me-central1", "QA" }, { "qatar*", "QA" }, { "me-central2", "SA" },
		{ "austria*", "AT" }, { "belgium*", "BE" }, { "denmark*", "DK" },
		{ "newzealand*", "NZ" }, { "eu-north1", "FI" }, { "eu-west1", "FR" },
		/* Vultr's location ids (GET /v2/regions: id, city, country). */
		{ "ams", "NL" }, { "atl", "US" }, { "blr", "IN" }, { "bom", "IN" },
		{ "cdg", "FR" }, { "del", "IN" }, { "dfw", "US" }, { "ewr", "US" },
		{ "fra", "DE" }, { "hnl", "US" }, { "icn", "KR" }, { "itm", "JP" },
		{ "jnb", "ZA" }, { "lax", "US" }, { "lhr", "GB" }, { "mad", "ES" },
		{ "man", "GB" }, { "mel", "AU" }, { "mex", "MX" }, { "mia", "US" },
		{ "mxp", "IT" }, { "nrt", "JP" }, { "ord", "US" }, { "sao", "BR" },
		{ "scl", "CL" }, { "sea", "US" }, { "sgp", "SG" }, { "sjc", "US" },
		{ "sto", "SE" }, { "syd", "AU" }, { "tlv", "IL" }, { "waw", "PL" },
		{ "yto", "CA" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (fnmatch(table[i].pattern, region, FNM_CASEFOLD) == 0)
			return table[i].country;
	return NULL;
}

bool scenario_region_allowed(const char *region, const char *allowed)
{
	static const char *const eu[] = { "DE", "IE", "FR", "SE", "IT", "NL", "BE", "FI", "ES", "PL",
					  "AT", "DK", "CZ", "RO", "BG", "PT", "GR", "HU", "EE", "LV",
					  "LT", "SK", "SI", "HR", "LU", "CY", "MT" };
	/* An on-prem location may be a country code itself. */
	const char *country = strlen(region) == 2 ? region : region_country(region);

	if (str_ieq(region, allowed) || fnmatch(allowed, region, FNM_CASEFOLD) == 0)
		return true;
	if (country && str_ieq(country, allowed))
		return true;
	if (country && str_ieq(allowed, "EU"))
		for (size_t i = 0; i < ARRAY_SIZE(eu); i++)
			if (str_ieq(country, eu[i]))
				return true;
	/* A European region of no known country (europe-south-1, eu-north1): in the EU. */
	if (!country && str_ieq(allowed, "EU") &&
	    (fnmatch("eu-*", region, FNM_CASEFOLD) == 0 ||
	     fnmatch("europe-*", region, FNM_CASEFOLD) == 0))
		return true;
	return false;
}

static void check_residency(struct scenario *s)
{
	const struct constraints *c = &s->constraints;

	for (size_t i = 0; i < s->ndeployments; i++) {
		struct deployment *d = &s->deployments[i];
		struct strbuf why = STRBUF_INIT;
		bool ok = false;

		if (d->kind == DEPLOYMENT_HYBRID || (d->kind == DEPLOYMENT_CLOUD && !d->provider))
			continue;
		if (d->kind == DEPLOYMENT_CLOUD && c->nproviders > 0) {
			for (size_t k = 0; k < c->nproviders && !ok; k++)
				ok = str_ieq(d->provider, c->providers[k]);
			if (!ok)
				strbuf_addf(&why, "provider %s is not among the allowed providers", d->provider);
		}
		if (!why.len && c->nregions > 0) {
			ok = false;
			if (!d->region && d->kind == DEPLOYMENT_ONPREM)
				ok = true;   /* our own building: the user vouches for it */
			for (size_t k = 0; d->region && k < c->nregions && !ok; k++)
				ok = scenario_region_allowed(d->region, c->regions[k]);
			if (!ok)
				strbuf_addf(&why, d->region ? "region %s is outside the allowed regions" :
					    "no region given while constraints.regions restricts them",
					    d->region);
		}
		if (why.len) {
			d->residency_violation = true;
			d->residency_reason = strbuf_detach(&why, NULL);
		}
		strbuf_release(&why);
	}
}

/* Reports REF at MAP.KEY unless it names a deployment of kind WANT (-1 = any) other than SELF. */
/* "azure/eastus": a lower-case provider name, one slash, a region. */
static bool provider_region_valid(const char *text)
{
	size_t provider = strspn(text, "abcdefghijklmnopqrstuvwxyz0123456789-");

	return provider > 0 && text[provider] == '/' && text[provider + 1] &&
	       !strchr(text + provider + 1, '/');
}

static void check_reference(struct loader *ld, struct scenario *s, struct node *map,
			    const char *key, const char *ref, int want, const struct deployment *self)
{
	static const char *const kind_names[] = { "cloud", "onprem", "hybrid" };
	const struct deployment *target = scenario_find_deployment(s, ref);
	const char **names;
	const char *guess;

	if (!ref)
		return;
	if (target && target == self) {
		report_key(ld, map, key, "a deployment cannot refer to itself");
	} else if (target && want >= 0 && (int)target->kind != want) {
		report_key(ld, map, key, "'%s' is a %s deployment; expected a %s one", ref,
			   kind_names[target->kind], kind_names[want]);
	} else if (!target) {
		names = xcalloc(s->ndeployments + 1, sizeof(*names));
		for (size_t i = 0; i < s->ndeployments; i++)
			names[i] = s->deployments[i].name ? s->deployments[i].name : "";
		guess = suggest_word(ref, names, s->ndeployments);
		if (guess)
			report_key(ld, map, key, "no deployment named '%s'; did you mean '%s'?", ref, guess);
		else
			report_key(ld, map, key, "no deployment named '%s'", ref);
		free(names);
	}
}

/* data.hot_throughput: "20GB/s", what the parallel file system must deliver. */
static void check_hot_throughput(struct loader *ld, struct node *data, struct data_spec *spec)
{
	const char *text = spec->hot_throughput_text;
	const char *slash = text ? strrchr(text, '/') : NULL;
	char *size;

	spec->hot_throughput_bytes_per_s = NAN;
	if (!text)
		return;
	if (slash && (strcmp(slash + 1, "s") == 0 || strcmp(slash + 1, "second") == 0)) {
		size = xstrndup(text, (size_t)(slash - text));
		if (units_parse_bytes(size, &spec->hot_throughput_bytes_per_s) < 0 ||
		    !(spec->hot_throughput_bytes_per_s > 0))
			spec->hot_throughput_bytes_per_s = NAN;
		error_clear();
		free(size);
	}
	if (isnan(spec->hot_throughput_bytes_per_s))
		report_key(ld, data, "hot_throughput", "expected a positive size per second "
			   "(e.g. 20GB/s), got \"%s\"", text);
	else if (!spec->hot_class || strcmp(spec->hot_class, "parallel-fs") != 0)
		report_key(ld, data, "hot_throughput", "sizes a parallel file system: give "
			   "hot_class: parallel-fs too");
}

/* data.location: "provider/region", or the name of an on-prem deployment. */
static void check_data_location(struct loader *ld, struct scenario *s, struct node *data)
{
	const struct deployment *site;
	size_t mark;

	if (!s->data.location)
		return;
	site = scenario_find_deployment(s, s->data.location);
	free(s->data.location_where);
	s->data.location_where = node_where(ld, node_get(data, "location"));
	mark = path_push(ld, "data");
	if (site && site->kind != DEPLOYMENT_ONPREM)
		report_key(ld, data, "location", "'%s' is a %s deployment; data lives at a "
			   "provider/region or in an on-prem deployment", s->data.location,
			   site->kind == DEPLOYMENT_CLOUD ? "cloud" : "hybrid");
	else if (!site && !provider_region_valid(s->data.location))
		report_key(ld, data, "location", "expected PROVIDER/REGION (e.g. aws/us-east-1) or "
			   "the name of an on-prem deployment, got \"%s\"", s->data.location);
	strbuf_setlen(&ld->path, mark);
}

static void load_workloads(struct loader *ld, struct scenario *s, struct node *seq)
{
	if (seq->type != NODE_SEQ || seq->n == 0) {
		report(ld, seq, "expected a list of one or more workloads, got %s",
		       seq->type == NODE_SEQ ? "an empty list" : node_type_name(seq));
		return;
	}
	struct str_index names = { 0 };
	size_t first;

	s->workloads = xcalloc(seq->n, sizeof(*s->workloads));
	s->nworkloads = seq->n;
	for (size_t i = 0; i < seq->n; i++) {
		size_t mark = path_push_index(ld, i);

		load_workload(ld, seq->items[i], &s->workloads[i]);
		/* Hashed: a list of a million workloads must not take n^2 comparisons. */
		if (s->workloads[i].name &&
		    (first = str_index_add(&names, s->workloads[i].name, i)) != SIZE_MAX)
			report_key(ld, seq->items[i], "name",
				   "duplicate workload name '%s' (also workloads[%zu])",
				   s->workloads[i].name, first);
		/* Work that begins after the horizon would silently cost nothing. */
		if (s->workloads[i].start_hours >= s->horizon_hours)
			report_key(ld, seq->items[i], "start", "starts at month %g, at or after the "
				   "end of the %d-month horizon", s->workloads[i].start_hours /
				   HOURS_PER_MONTH, s->horizon_months);
		strbuf_setlen(&ld->path, mark);
	}
	str_index_release(&names);
}

static void load_deployments(struct loader *ld, struct scenario *s, struct node *seq)
{
	if (seq->type != NODE_SEQ || seq->n == 0) {
		report(ld, seq, "expected a list of one or more deployments, got %s",
		       seq->type == NODE_SEQ ? "an empty list" : node_type_name(seq));
		return;
	}
	struct str_index names = { 0 };
	size_t first;

	s->deployments = xcalloc(seq->n, sizeof(*s->deployments));
	s->ndeployments = seq->n;
	for (size_t i = 0; i < seq->n; i++) {
		size_t mark = path_push_index(ld, i);

		load_deployment(ld, seq->items[i], &s->deployments[i]);
		if (s->deployments[i].name &&
		    (first = str_index_add(&names, s->deployments[i].name, i)) != SIZE_MAX)
			report_key(ld, seq->items[i], "name",
				   "duplicate deployment name '%s' (also deployments[%zu])",
				   s->deployments[i].name, first);
		strbuf_setlen(&ld->path, mark);
	}
	str_index_release(&names);
	/* Names are known now: check what each deployment refers to. */
	for (size_t i = 0; i < seq->n; i++) {
		struct deployment *d = &s->deployments[i];
		struct node *map = seq->items[i];
		size_t mark;

		if (map->type != NODE_MAP)
			continue;
		mark = path_push_index(ld, i);
		if (d->kind == DEPLOYMENT_ONPREM) {
			check_reference(ld, s, map, "fallback", d->fallback, DEPLOYMENT_CLOUD, d);
			/* the first workload's accelerator (pipelines have none) */
			for (size_t k = 0; !d->accelerator && k < s->nworkloads; k++)
				if (s->workloads[k].accelerator)
					d->accelerator = xstrdup(s->workloads[k].accelerator);
			if (d->order_month > s->horizon_months)
				report_key(ld, map, "order_month", "month %g is after the %d-month horizon",
					   d->order_month, s->horizon_months);
		} else if (d->kind == DEPLOYMENT_HYBRID) {
			check_reference(ld, s, map, "base", d->base, DEPLOYMENT_ONPREM, d);
			check_reference(ld, s, map, "burst", d->burst, DEPLOYMENT_CLOUD, d);
		} else if (d->shortage.fallback) {
			struct node *shortage = node_get(map, "shortage");
			size_t inner = path_push(ld, "shortage");

			if (!strchr(d->shortage.fallback, '/'))
				check_reference(ld, s, shortage, "fallback", d->shortage.fallback,
						DEPLOYMENT_CLOUD, d);
			else if (!provider_region_valid(d->shortage.fallback))
				report_key(ld, shortage, "fallback", "\"%s\": expected a deployment "
					   "name or provider/region (e.g. azure/eastus)",
					   d->shortage.fallback);
			strbuf_setlen(&ld->path, inner);
		}
		strbuf_setlen(&ld->path, mark);
	}
}

static char *next_month_start(void)
{
	time_t now = time(NULL);
	struct tm tm;
	struct strbuf sb = STRBUF_INIT;

	gmtime_r(&now, &tm);
	tm.tm_mon++;
	if (tm.tm_mon == 12) {
		tm.tm_mon = 0;
		tm.tm_year++;
	}
	strbuf_addf(&sb, "%04d-%02d-01", tm.tm_year + 1900, tm.tm_mon + 1);
	return strbuf_detach(&sb, NULL);
}

static char *file_stem(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	return xstrndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
}

static void load_scenario(struct loader *ld, struct node *root, struct scenario *s)
{
	const struct field_set top = SET(scenario_fields, "the scenario");
	struct node *value;

	s->horizon_hours = 36 * HOURS_PER_MONTH;
	s->data.hot_fraction = 0.2;
	s->data.hot_throughput_bytes_per_s = NAN;
	budget_init(&s->budget);
	if (load_fields(ld, root, s, &top, 1, NULL, 0) < 0)
		return;
	if (s->horizon_hours > MAX_YEARS * HOURS_PER_YEAR) {
		report_key(ld, root, "horizon", "a horizon over %d years is not a plan", MAX_YEARS);
		/* Checked against below; 1e300y as months would overflow an int. */
		s->horizon_hours = MAX_YEARS * HOURS_PER_YEAR;
	}
	s->horizon_months = (int)ceil(s->horizon_hours / HOURS_PER_MONTH - 1e-9);
	if (s->horizon_months < 1) {
		/* a positive horizon under a millionth of a month rounds to none */
		report_key(ld, root, "horizon", "expected at least one month");
		s->horizon_months = 1;
	}
	if (s->currency) {
		bool iso = strlen(s->currency) == 3;

		for (size_t i = 0; iso && i < 3; i++)
			iso = s->currency[i] >= 'A' && s->currency[i] <= 'Z';
		if (!iso)
			report_key(ld, root, "currency", "expected a three-letter ISO code like USD, "
				   "got \"%s\"", s->currency);
	}
	if ((value = node_get(root, "workloads")) && !node_is_null(value)) {
		size_t mark = path_push(ld, "workloads");

		load_workloads(ld, s, value);
		strbuf_setlen(&ld->path, mark);
	}
	if ((value = node_get(root, "data")) && !node_is_null(value)) {
		const struct field_set set = SET(data_fields, "data");
		size_t mark = path_push(ld, "data");

		load_fields(ld, value, &s->data, &set, 1, NULL, 0);
		check_hot_throughput(ld, value, &s->data);
		strbuf_setlen(&ld->path, mark);
	}
	if ((value = node_get(root, "deployments")) && !node_is_null(value)) {
		size_t mark = path_push(ld, "deployments");

		load_deployments(ld, s, value);
		strbuf_setlen(&ld->path, mark);
	}
	load_budget(ld, root, &s->budget);
	if ((value = node_get(root, "data")) && value->type == NODE_MAP)
		check_data_location(ld, s, value);
	if ((value = node_get(root, "constraints")) && !node_is_null(value)) {
		const struct field_set set = SET(constraints_fields, "constraints");
		size_t mark = path_push(ld, "constraints");

		if (load_fields(ld, value, &s->constraints, &set, 1, NULL, 0) == 0) {
			size_t inner = path_push(ld, "providers");

			load_string_list(ld, node_get(value, "providers"), &s->constraints.providers,
					 &s->constraints.nproviders);
			strbuf_setlen(&ld->path, inner);
			inner = path_push(ld, "regions");
			load_string_list(ld, node_get(value, "regions"), &s->constraints.regions,
					 &s->constraints.nregions);
			strbuf_setlen(&ld->path, inner);
		}
		strbuf_setlen(&ld->path, mark);
	}
	if (s->baseline)
		check_reference(ld, s, root, "baseline", s->baseline, -1, NULL);
	else if (s->ndeployments > 0 && s->deployments[0].name)
		s->baseline = xstrdup(s->deployments[0].name);
	if (s->plan) {
		struct node *plan = node_get(root, "plan");

		check_reference(ld, s, root, "plan", s->plan, -1, NULL);
		s->plan_line = plan->line;
		s->plan_col = plan->col;
	}
	if (!s->name)
		s->name = file_stem(ld->file);
	if (!s->currency)
		s->currency = xstrdup("USD");
	if (!s->start_date)
		s->start_date = next_month_start();
	if (!s->data.cold_class)
		s->data.cold_class = xstrdup("hot");
	if (!s->data.hot_class)
		s->data.hot_class = xstrdup("block");
	if (!s->data.egress_to)
		s->data.egress_to = xstrdup("internet");
	if (ld->nerrors == 0)
		check_residency(s);   /* only a complete scenario can be judged */
}

int scenario_from_tree(struct node *root, const char *file, struct scenario *out,
		       struct strbuf *errors)
{
	struct loader ld = { .file = file, .errors = errors, .path = STRBUF_INIT };
	int result = -1;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(file);
	if (root->type != NODE_MAP) {
		report(&ld, root, "expected a scenario (a mapping of keys like name, workloads, "
		       "deployments), got %s", node_type_name(root));
		goto cleanup;
	}
	load_scenario(&ld, root, out);
	if (ld.nerrors > MAX_ERRORS)
		strbuf_addf(errors, "%s: %d more errors not shown\n", file, ld.nerrors - MAX_ERRORS);
	if (ld.nerrors == 0)
		result = 0;
cleanup:
	if (result < 0) {
		error_set("%s: invalid scenario", file);
		scenario_release(out);
	}
	strbuf_release(&ld.path);
	return result;
}

/* PATH's bytes ("-": standard input, then *NAME is "stdin"); NULL with ERRORS filled. */
static char *read_scenario(const char *path, const char **name, size_t *len,
			   struct strbuf *errors)
{
	/* "-" is standard input, named "stdin" in messages (stdin:3:7: ...). */
	bool from_stdin = strcmp(path, "-") == 0;
	char *text;

	*name = from_stdin ? "stdin" : path;
	*len = 0;
	text = from_stdin ? read_stream(stdin, *name, len) : read_file(path, len);
	if (!text) {
		strbuf_addf(errors, "%s\n", error_get());
		error_clear();
		error_set("%s: invalid scenario", *name);
	}
	return text;
}

int scenario_read_tree(const char *path, struct node **out, struct strbuf *errors)
{
	const char *name;
	size_t len;
	char *text = read_scenario(path, &name, &len, errors);
	int result;

	*out = NULL;
	if (!text)
		return -1;
	result = doctree_parse(name, text, len, out, errors);
	if (result < 0)
		error_set("%s: invalid scenario", name);
	free(text);
	return result;
}

int scenario_load(const char *path, const char *const *overrides, size_t noverrides,
		  struct scenario *out, struct strbuf *errors)
{
	const char *name;
	size_t len;
	char *text = read_scenario(path, &name, &len, errors);
	int result;

	if (!text) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	result = scenario_load_text(name, text, len, overrides, noverrides, out, errors);
	free(text);
	return result;
}

int scenario_load_text(const char *name, const char *text, size_t len,
		       const char *const *overrides, size_t noverrides, struct scenario *out,
		       struct strbuf *errors)
{
	struct node *root = NULL;
	int nerrors = 0, result;

	memset(out, 0, sizeof(*out));
	if (doctree_parse(name, text, len, &root, errors) < 0) {
		error_set("%s: invalid scenario", name);
		return -1;
	}
	for (size_t i = 0; i < noverrides; i++) {
		if (doctree_override(root, overrides[i]) < 0) {
			strbuf_addf(errors, "%s: %s\n", name, error_get());
			error_clear();
			nerrors++;
		}
	}
	/* loaded even after a bad override, so that every problem is reported */
	result = scenario_from_tree(root, name, out, errors);
	if (result == 0 && nerrors > 0) {
		scenario_release(out);
		error_set("%s: invalid scenario", name);
		result = -1;
	}
	node_free(root);
	return result;
}

void scenario_release(struct scenario *s)
{
	for (size_t i = 0; i < s->nworkloads; i++) {
		free(s->workloads[i].name);
		free(s->workloads[i].accelerator);
		free(s->workloads[i].accelerator_where);
		free(s->workloads[i].inference.deadline_where);
		free(s->workloads[i].pipeline.instance);
		free(s->workloads[i].throughput_text);
	}
	free(s->workloads);
	for (size_t i = 0; i < s->ndeployments; i++) {
		struct deployment *d = &s->deployments[i];

		free(d->name);
		free(d->shortage.fallback);
		free(d->provider);
		free(d->region);
		free(d->instance);
		free(d->accelerator);
		for (size_t k = 0; k < d->npurchase; k++)
			free(d->purchase[k].option);
		free(d->purchase);
		free(d->fallback);
		free(d->base);
		free(d->burst);
		free(d->residency_reason);
		free(d->where);
		free(d->accelerator_where);
	}
	free(s->deployments);
	for (size_t i = 0; i < s->constraints.nproviders; i++)
		free(s->constraints.providers[i]);
	free(s->constraints.providers);
	for (size_t i = 0; i < s->constraints.nregions; i++)
		free(s->constraints.regions[i]);
	free(s->constraints.regions);
	free(s->data.cold_class);
	free(s->data.egress_to);
	free(s->data.location);
	free(s->data.location_where);
	free(s->data.hot_class);
	free(s->data.hot_throughput_text);
	free(s->path);
	free(s->name);
	free(s->currency);
	free(s->start_date);
	free(s->baseline);
	free(s->plan);
	memset(s, 0, sizeof(*s));
}

/* ---- the schema asked by path (the REPL's show and completion) ------------- */

enum schema_level { LEVEL_FIELDS, LEVEL_WORKLOADS, LEVEL_DEPLOYMENTS, LEVEL_VALUE };

/* Where a key path leads in the schema: a set of fields to pick from, or a leaf. */
struct schema_at {
	enum schema_level level;
	struct field_set sets[2];
	size_t nsets;
	void *base;                    /* what the fields are offsets into */
	const struct field *field;     /* LEVEL_VALUE: the field (custom ones by key) */
	const struct workload *workload;
	const struct deployment *deployment;
};

static void at_fields(struct schema_at *at, void *base, struct field_set a, struct field_set b)
{
	at->level = LEVEL_FIELDS;
	at->base = base;
	at->sets[0] = a;
	at->sets[1] = b;
	at->nsets = b.fields ? 2 : 1;
}

/* Follows one step from AT; -1 with error_set() when it leads nowhere. */
static int schema_step(const struct scenario *s, struct schema_at *at, const struct path_step *st)
{
	static const struct field_set none = { NULL, 0, NULL };
	const struct field *f;

	if (at->level == LEVEL_WORKLOADS || at->level == LEVEL_DEPLOYMENTS) {
		bool w = at->level == LEVEL_WORKLOADS;
		size_t n = w ? s->nworkloads : s->ndeployments, i = st->index;

		if (st->key)
			for (i = 0; i < n; i++)
				if (strcmp(w ? s->workloads[i].name : s->deployments[i].name,
					   st->key) == 0)
					break;
		if (i >= n) {
			error_set("no %s %s%s%s", w ? "workload" : "deployment",
				  st->key ? "named '" : "", st->key ? st->key : "[index]",
				  st->key ? "'" : "");
			return -1;
		}
		if (w) {
			struct workload *wl = &s->workloads[i];

			at->workload = wl;
			at_fields(at, wl, (struct field_set)SET(workload_fields, NULL),
				  wl->kind == WORKLOAD_TRAINING ?
				  (struct field_set)SET(training_fields, NULL) :
				  wl->kind == WORKLOAD_PIPELINE ?
				  (struct field_set)SET(pipeline_fields, NULL) :
				  (struct field_set)SET(inference_fields, NULL));
		} else {
			struct deployment *d = &s->deployments[i];

			at->deployment = d;
			at_fields(at, d, (struct field_set)SET(deployment_fields, NULL),
				  d->kind == DEPLOYMENT_CLOUD ? (struct field_set)SET(cloud_fields, NULL) :
				  d->kind == DEPLOYMENT_ONPREM ?
				  (struct field_set)SET(onprem_fields, NULL) :
				  (struct field_set)SET(hybrid_fields, NULL));
		}
		return 0;
	}
	if (at->level != LEVEL_FIELDS || !st->key ||
	    !(f = find_field(at->sets, at->nsets, st->key, NULL))) {
		error_set("no field '%s' there", st->key ? st->key : "[index]");
		return -1;
	}
	at->field = f;
	at->level = LEVEL_VALUE;
	if (f->type != FIELD_CUSTOM)
		return 0;
	if (strcmp(f->key, "workloads") == 0)
		at->level = LEVEL_WORKLOADS;
	else if (strcmp(f->key, "deployments") == 0)
		at->level = LEVEL_DEPLOYMENTS;
	else if (strcmp(f->key, "data") == 0)
		at_fields(at, (void *)&s->data, (struct field_set)SET(data_fields, NULL), none);
	else if (strcmp(f->key, "budget") == 0)
		at_fields(at, (void *)&s->budget, (struct field_set)SET(budget_fields, NULL), none);
	else if (strcmp(f->key, "constraints") == 0)
		at_fields(at, (void *)&s->constraints,
			  (struct field_set)SET(constraints_fields, NULL), none);
	else if (strcmp(f->key, "slo") == 0)
		at_fields(at, (void *)&at->workload->inference,
			  (struct field_set)SET(slo_fields, NULL), none);
	else if (strcmp(f->key, "speculative") == 0)
		at_fields(at, (void *)&at->workload->inference,
			  (struct field_set)SET(speculative_fields, NULL), none);
	else if (strcmp(f->key, "shortage") == 0)
		at_fields(at, (void *)&at->deployment->shortage,
			  (struct field_set)SET(shortage_fields, NULL), none);
	else if (strcmp(f->key, "financing") == 0)
		at_fields(at, (void *)at->deployment,
			  (struct field_set)SET(financing_fields, NULL), none);
	return 0;
}

static int schema_walk(const struct scenario *s, const char *path, struct schema_at *at)
{
	struct path_step *steps = NULL;
	size_t nsteps = 0;
	int result = 0;

	memset(at, 0, sizeof(*at));
	at_fields(at, (void *)s, (struct field_set)SET(scenario_fields, NULL),
		  (struct field_set){ NULL, 0, NULL });
	if (!*path)
		return 0;
	if (doctree_path_parse(path, strlen(path), &steps, &nsteps) < 0)
		return -1;
	for (size_t i = 0; i < nsteps && result == 0; i++)
		result = schema_step(s, at, &steps[i]);
	doctree_path_free(steps, nsteps);
	if (result < 0)
		error_prefix("%s: ", path);
	return result;
}

/* A number as people write it: 15 digits at most, no trailing zeros. */
static void add_number(struct strbuf *out, double x)
{
	strbuf_addf(out, "%.15g", x);
}

static void add_field_text(struct strbuf *out, const struct field *f, const void *base,
			   const struct schema_at *at)
{
	const void *v = (const char *)base + f->offset;
	double x = f->type == FIELD_INT || f->type == FIELD_STRING || f->type == FIELD_DATE ||
		   f->type == FIELD_BOOL || f->type == FIELD_PRECISION || f->type == FIELD_CUSTOM ||
		   f->type == FIELD_RECOMPUTE ? 0 : *(const double *)v;

	if (f->type != FIELD_INT && f->type != FIELD_STRING && f->type != FIELD_DATE &&
	    f->type != FIELD_BOOL && f->type != FIELD_PRECISION && f->type != FIELD_CUSTOM &&
	    f->type != FIELD_RECOMPUTE && isnan(x)) {
		strbuf_adds(out, "none");
		return;
	}
	switch (f->type) {
	case FIELD_STRING:
	case FIELD_DATE:
		strbuf_adds(out, *(char *const *)v ? *(char *const *)v : "none");
		return;
	case FIELD_INT:
		strbuf_addf(out, "%d", *(const int *)v);
		return;
	case FIELD_BOOL:
		strbuf_adds(out, *(const bool *)v ? "true" : "false");
		return;
	case FIELD_PRECISION:
		strbuf_adds(out, precision_name(*(const enum precision *)v));
		return;
	case FIELD_RECOMPUTE:
		strbuf_adds(out, recompute_name(*(const enum recompute_mode *)v));
		return;
	case FIELD_BYTES:
		add_number(out, x / 1e9);
		strbuf_adds(out, "GB");
		return;
	case FIELD_HOURS:
		if (x >= HOURS_PER_MONTH && fmod(x, HOURS_PER_YEAR) == 0)
			strbuf_addf(out, "%gy", x / HOURS_PER_YEAR);
		else if (x >= HOURS_PER_MONTH && fmod(x, HOURS_PER_MONTH) == 0)
			strbuf_addf(out, "%gmo", x / HOURS_PER_MONTH);
		else {
			add_number(out, x);
			strbuf_adds(out, "h");
		}
		return;
	case FIELD_MS:
		add_number(out, x);
		strbuf_adds(out, "ms");
		return;
	case FIELD_FRACTION:
	case FIELD_SHARE:
		add_number(out, x * 100);
		strbuf_adds(out, "%");
		return;
	case FIELD_COUNT:
	case FIELD_MONEY:
	case FIELD_NUMBER:
		add_number(out, x);
		if (f->choices)
			strbuf_addf(out, "/%s", f->choices[0]);
		return;
	case FIELD_CUSTOM:
		break;
	}
	if (strcmp(f->key, "kind") == 0) {
		strbuf_adds(out, at->workload ? workload_kinds[at->workload->kind] :
			    deployment_kinds[at->deployment->kind]);
	} else if (strcmp(f->key, "purchase") == 0) {
		const struct deployment *d = at->deployment;

		strbuf_addch(out, '{');
		for (size_t i = 0; i < d->npurchase; i++) {
			strbuf_addf(out, "%s%s: ", i ? ", " : "", d->purchase[i].option);
			add_number(out, d->purchase[i].fraction * 100);
			strbuf_addch(out, '%');
		}
		strbuf_addch(out, '}');
	} else if (strcmp(f->key, "providers") == 0 || strcmp(f->key, "regions") == 0) {
		const struct constraints *c = base;
		bool providers = f->key[0] == 'p';
		size_t n = providers ? c->nproviders : c->nregions;

		strbuf_addch(out, '[');
		for (size_t i = 0; i < n; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "",
				    providers ? c->providers[i] : c->regions[i]);
		strbuf_addch(out, ']');
	} else {
		strbuf_adds(out, "(a section)");
	}
}

int scenario_field_text(const struct scenario *s, const char *path, struct strbuf *out)
{
	struct schema_at at;

	if (schema_walk(s, path, &at) < 0)
		return -1;
	if (at.level != LEVEL_VALUE) {
		error_set("%s: a section, not a value", path);
		return -1;
	}
	add_field_text(out, at.field, at.base, &at);
	return 0;
}

size_t scenario_field_keys(const struct scenario *s, const char *path, const char ***keys)
{
	struct schema_at at;
	size_t n = 0;

	*keys = NULL;
	if (schema_walk(s, path, &at) < 0) {
		error_clear();
		return 0;
	}
	if (at.level == LEVEL_WORKLOADS || at.level == LEVEL_DEPLOYMENTS) {
		bool w = at.level == LEVEL_WORKLOADS;

		n = w ? s->nworkloads : s->ndeployments;
		*keys = xcalloc(n + 1, sizeof(**keys));
		for (size_t i = 0; i < n; i++)
			(*keys)[i] = w ? s->workloads[i].name : s->deployments[i].name;
	} else if (at.level == LEVEL_FIELDS) {
		*keys = xcalloc(at.sets[0].n + (at.nsets > 1 ? at.sets[1].n : 0) + 1, sizeof(**keys));
		for (size_t k = 0; k < at.nsets; k++)
			for (size_t i = 0; i < at.sets[k].n; i++)
				(*keys)[n++] = at.sets[k].fields[i].key;
	}
	return n;
}

const struct deployment *scenario_find_deployment(const struct scenario *s, const char *name)
{
	for (size_t i = 0; name && i < s->ndeployments; i++)
		if (s->deployments[i].name && strcmp(s->deployments[i].name, name) == 0)
			return &s->deployments[i];
	return NULL;
}

const struct workload *scenario_find_workload(const struct scenario *s, const char *name)
{
	for (size_t i = 0; name && i < s->nworkloads; i++)
		if (s->workloads[i].name && strcmp(s->workloads[i].name, name) == 0)
			return &s->workloads[i];
	return NULL;
}

const char *workload_kind_name(enum workload_kind kind)
{
	return workload_kinds[kind];
}

bool workload_is_job(const struct workload *w)
{
	return w->kind == WORKLOAD_TRAINING || w->kind == WORKLOAD_BATCH_INFERENCE;
}

double workload_deadline_hours(const struct workload *w)
{
	if (w->kind == WORKLOAD_TRAINING)
		return w->training.deadline_hours;
	if (w->kind == WORKLOAD_BATCH_INFERENCE)
		return w->inference.deadline_hours;
	return NAN;
}

const char *precision_name(enum precision p)
{
	return (size_t)p < ARRAY_SIZE(precision_names) ? precision_names[p] : "?";
}

double precision_bytes(enum precision p)
{
	static const double bytes[] = { 4, 2, 2, 1, 1, 0.5 };

	return (size_t)p < ARRAY_SIZE(bytes) ? bytes[p] : NAN;
}
