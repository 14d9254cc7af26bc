/*
 * Scenario files (YAML or JSON) loaded into one validated, in-memory scenario.
 * Every quantity is already in its base unit here: hours, bytes, fractions, money.
 * The schema for people lives in man/aicost-scenario.5.
 *
 * Contract (issue 6 implements loading; issue 7 consumes): extend, don't rename.
 * A numeric field left out of the file holds its documented default; a field with
 * no default that is optional holds NAN (test with isnan) or NULL.
 */
#ifndef AICOST_SCENARIO_H
#define AICOST_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "perfmodel.h"
#include "strbuf.h"

enum workload_kind { WORKLOAD_TRAINING, WORKLOAD_INFERENCE, WORKLOAD_BATCH_INFERENCE,
		     WORKLOAD_PIPELINE };
enum precision { PRECISION_FP32, PRECISION_BF16, PRECISION_FP16, PRECISION_FP8,
		 PRECISION_INT8, PRECISION_INT4 };

/* A training run's sequence length and global batch when the scenario gives none. */
#define DEFAULT_SEQ_LEN 4096.0
#define DEFAULT_BATCH_TOKENS 4194304.0   /* 4M tokens: Llama 2's global batch */
/* The most accelerators a training job is planned on: beyond the world's supply. */
#define MAX_TRAINING_GPUS 1000000

struct training_spec {
	double params;                 /* total parameters */
	double active_params;          /* MoE: parameters active per token (default = params) */
	double tokens;
	int gpus;                      /* 0 = not given: optimize sizes it to the deadline */
	double mfu;                    /* fraction; NAN = predicted by the performance model */
	enum recompute_mode recompute; /* full: 8·N·D instead of 6·N·D */
	bool recompute_given;          /* else the least recomputation that fits is chosen */
	/* Model shape for the performance model (perfmodel.h); 0 / NAN = inferred. */
	int layers, hidden, heads, kv_heads;
	double seq_len;                /* NAN = 4096 */
	double batch_tokens;           /* global batch; NAN = 4M tokens */
	enum precision precision;      /* bf16 (default) or fp8 */
	int experts, experts_per_token;     /* MoE; 0 = dense */
	double gpu_hours;              /* NAN unless the user gave it directly */
	double checkpoint_interval_hours;   /* NAN: the one that maximises goodput */
	double restart_time_hours;          /* default 0.25 h */
	double interruptions_per_day;       /* whole job; 0 by default */
	double interruptions_per_gpu_day;   /* alternative, scales with gpus; 0 by default */
	double deadline_hours;              /* NAN = none (optimize uses it) */
	double state_bytes_per_param;       /* training state; default 16 (Adam, mixed precision) */
};

struct inference_spec {
	double params;                 /* total: all of them are held in memory */
	double active_params;          /* MoE: parameters per token (default = params; NAN = params) */
	int experts, experts_per_token; /* MoE's routed experts; 0 = dense or not given */
	int layers;
	int hidden;
	int heads;
	int kv_heads;
	int head_dim;                  /* default hidden / heads */
	int kv_lora_rank;              /* multi-head latent attention's cached latent; 0 = none */
	int rope_head_dim;             /* its rotary part, cached beside the latent */
	int dense_layers;              /* MoE: layers with no experts (DeepSeek-V3: 3 of 61) */
	bool static_batching;          /* prompts prefilled together, then answers decoded */
	bool kv_read_per_query_head;   /* decode attention without grouped-query sharing */
	enum precision precision;      /* default bf16 */
	enum precision kv_precision;   /* KV cache values; default = precision (bf16 for int4) */
	int batch;                     /* 0 = find the largest batch meeting the SLO */
	double input_tokens;
	double output_tokens;          /* 0 = an embedding or classifier: prefill only */
	double requests_per_day;       /* one of these two is given; the other is derived */
	double tokens_per_day;         /* input + output tokens */
	double peak_to_average;        /* default 1 */
	double slo_ttft_ms;            /* NAN = no TTFT target */
	double slo_tpot_ms;            /* NAN = no TPOT target */
	double slo_ttft_p95_ms;        /* percentile targets at the peak; NAN = none */
	double slo_ttft_p99_ms;
	double slo_tpot_p95_ms;
	double prefix_cache_hit;       /* share of prompt tokens served from cache; default 0 */
	double draft_params;           /* speculative decoding's draft model; 0 = none */
	double acceptance;             /* chance one drafted token is accepted */
	int lookahead;                 /* tokens drafted per verification step */
	double compute_efficiency;     /* default 0.5 */
	double bandwidth_efficiency;   /* default 0.7 */
	int min_replicas;              /* default 1 */
	bool allow_spot;               /* optimize may serve an SLO from spot (with spares) */
	/* kind: batch-inference, an offline job instead of a service */
	double requests;               /* in all */
	double deadline_hours;         /* to finish them */
	char *deadline_where;          /* "file:line:col" of deadline, for messages */
};

/* A CPU data pipeline (ingest, clean, tokenise): no accelerator. */
struct pipeline_spec {
	double input_bytes;            /* NAN unless given */
	double bytes_per_vcpu_hour;    /* throughput_per_vcpu; NAN unless given */
	double vcpu_hours;             /* given, or input / throughput_per_vcpu */
	char *instance;                /* NULL = the cheapest general or compute instance */
	double deadline_hours;         /* NAN = one instance, however long it takes */
	/* labeling: {items, price_per_item} or {hours, price_per_hour}; NAN = none */
	double labeling_items, labeling_price_per_item;
	double labeling_hours, labeling_price_per_hour;
};

/*
 * feature_store: {online, offline, reads_per_second}: the features a workload
 * serves or builds, online in memory (sized by bytes and reads) and offline on
 * object storage, from the workload's start to the horizon (an inference
 * workload's: to the end of its duration).
 */
struct feature_store_spec {
	bool present;
	double online_bytes;           /* held in memory; default 0 */
	double offline_bytes;          /* on object storage; default 0 */
	double reads_per_second;       /* online lookups; default 0 */
	double reads_per_vcpu;         /* lookups a second one vCPU serves; default 10,000 */
};

struct workload {
	char *name;
	enum workload_kind kind;
	char *accelerator;             /* canonical or alias; resolved against the store */
	char *accelerator_where;       /* "file:line:col" of that value, for messages */
	double start_hours;            /* offset from the scenario start; default 0 */
	double duration_hours;         /* inference: NAN = until the horizon */
	double egress_per_month_bytes; /* this workload's own egress; default 0 */
	/* Reads of the scenario's data (training): data_read, else epochs x data.stored. */
	double epochs;                 /* default 1 */
	double data_read_bytes;        /* NAN = epochs x data.stored */
	struct training_spec training;
	struct inference_spec inference;
	struct pipeline_spec pipeline;
	char *throughput_text;         /* pipeline throughput_per_vcpu as written ("50GB/h") */
	struct feature_store_spec feature_store;
};

struct data_spec {
	double stored_bytes;           /* default 0 */
	double growth_per_month_bytes; /* default 0 */
	double hot_fraction;           /* on block / parallel FS; default 0.2 */
	char *hot_class;               /* the hot share's class: block | parallel-fs; default block */
	char *hot_throughput_text;     /* hot_throughput as written ("20GB/s"); NULL = none */
	double hot_throughput_bytes_per_s; /* the parallel FS must deliver; NAN = the training
					      runs' read rate in their busiest month */
	char *cold_class;              /* object-storage class for the rest: hot|cool|cold|archive; default "hot" */
	double egress_per_month_bytes; /* default 0 */
	char *egress_to;               /* internet | inter-region | inter-zone; default internet */
	/* Where the data lives: "provider/region" or an on-prem deployment's name;
	 * NULL = with each deployment (no reads cross a boundary). */
	char *location;
	char *location_where;          /* "file:line:col" of data.location, for messages */
	bool replicate;                /* copy it once to each deployment instead of reading across */
};

struct purchase_share {
	char *option;                  /* one of PURCHASE_OPTIONS (db.h) */
	double fraction;               /* shares add up to 1 */
};

struct shortage_spec {
	bool present;
	double probability;            /* per month, fraction */
	double premium;                /* price uplift when bought anyway, fraction */
	double delay_hours;            /* how long work waits when delayed */
	char *fallback;                /* deployment name or "provider/region"; NULL = delay */
	double cost_of_delay_per_month;/* NAN = not priced */
};

/* The limits a budget can set, in this order (budget.h evaluates them). */
enum budget_kind {
	BUDGET_MONTHLY, BUDGET_TOTAL, BUDGET_PER_MILLION_TOKENS, BUDGET_PER_GPU_HOUR, BUDGET_NPV,
	BUDGET_NKINDS
};

struct budget {
	double monthly;                /* NAN = no limit; running cost (no capex, no residual) */
	double total;
	double per_million_tokens;
	double per_gpu_hour;
	double npv;
	/* where each limit is set in the file (1-based); line 0 = not in the file (--set, a flag) */
	int line[BUDGET_NKINDS], col[BUDGET_NKINDS];
};

enum deployment_kind { DEPLOYMENT_CLOUD, DEPLOYMENT_ONPREM, DEPLOYMENT_HYBRID };

struct deployment {
	char *name;
	enum deployment_kind kind;
	struct shortage_spec shortage;

	/* cloud */
	char *provider;
	char *region;                  /* cloud region; on-prem: location (region or country) */
	char *instance;                /* NULL = pick by accelerator */
	char *accelerator;             /* NULL = the workloads' accelerator (on-prem: filled
					  in with the first workload's) */
	char *where;                   /* "file:line:col" of this deployment, for messages */
	char *accelerator_where;       /* "file:line:col" of its accelerator (or of it) */
	double price_per_gpu_hour;     /* NAN = from the store */
	struct purchase_share *purchase;   /* default: 100% on-demand */
	size_t npurchase;
	double spot_interruptions_per_day; /* NAN = from the store / default */
	double egress_price_per_gb;    /* flat, instead of the store's tiers; NAN = the store */
	double storage_price_per_gb_month; /* every class, instead of the store's; NAN = the store */
	double feature_store_price_per_gb_month; /* online feature store in memory, instead of
						    the store's instances (on-prem: its
						    servers' memory, free); NAN = none given */
	double scaleout_gb_s;          /* NAN = the accelerator's; network per accelerator, GB/s */
	double scaleup_gb_s;           /* NAN = the accelerator's */

	/* on-prem */
	int gpus;
	int gpus_per_server;           /* default 8 */
	int cpu_cores;                 /* host CPU cores free for pipelines; 0 = none */
	double server_price;
	double network_fraction;       /* of server capex; default 0.10 */
	double storage_capex;          /* default 0 */
	double installation;           /* default 0 */
	double kw_per_server;
	double pue;                    /* default 1.3 */
	double power_price_per_kwh;
	double idle_draw;              /* fraction of full power when idle; default 0.3 */
	double colo_per_kw_month;      /* default 0 */
	double facility_per_month;     /* own facility instead of colo; default 0 */
	double staff_fte;              /* default 0 */
	double staff_cost_per_year;
	double depreciation_hours;     /* default 5 y */
	double lead_time_hours;        /* default 0 */
	double residual;               /* fraction of price at end of depreciation; default 0 */
	double maintenance_per_year;   /* fraction of hardware per year; default 0 */
	double transit_per_month;      /* flat internet transit fee; default 0 */
	double order_month;            /* capex paid in this month (1-based); default 1 */
	char *fallback;                /* deployment used during lead time; NULL = work waits */
	/* financing: {term, rate, down_payment}; hardware + installation paid as a loan */
	double finance_term_hours;     /* NAN = paid up front (no financing) */
	double finance_rate;           /* nominal annual interest, fraction; default 0 */
	double finance_down_payment;   /* fraction paid in the order month; default 0 */

	/* hybrid */
	char *base;                    /* on-prem deployment name */
	char *burst;                   /* cloud deployment name */

	struct budget budget;          /* deployments[].budget: this deployment's own limits */

	/* data residency: set by validation against the scenario's constraints */
	bool residency_violation;
	char *residency_reason;
};

struct constraints {
	char **providers;              /* allowed; n = 0 means any */
	size_t nproviders;
	char **regions;                /* allowed regions or country codes; n = 0 means any */
	size_t nregions;
};

struct scenario {
	char *path;                    /* the file it came from */
	char *name;
	char *currency;                /* default USD */
	double horizon_hours;          /* default 36 mo */
	int horizon_months;            /* horizon_hours / 730, rounded up */
	double discount_rate;          /* per year; default 0 */
	char *start_date;              /* YYYY-MM-DD; default: first day of next month */
	struct workload *workloads;
	size_t nworkloads;
	struct data_spec data;
	struct deployment *deployments;
	size_t ndeployments;
	char *baseline;                /* default: the first deployment */
	char *plan;                    /* the deployment budgets are checked for; NULL = the
					  cheapest that is not excluded */
	int plan_line, plan_col;       /* where plan: is set; 0 = not in the file */
	struct budget budget;          /* every deployment's limits (its own budget wins) */
	struct constraints constraints;
};

/*
 * Loads PATH (YAML or JSON, told apart by content), applies OVERRIDES
 * ("key.path=value", as --set takes them) and validates. On failure returns -1
 * and ERRORS holds one line per problem, each "file:line:col: field.path: message".
 */
int scenario_load(const char *path, const char *const *overrides, size_t noverrides,
		  struct scenario *out, struct strbuf *errors);
/* The same for a document already in memory (TEXT, LEN bytes), named NAME in messages. */
int scenario_load_text(const char *name, const char *text, size_t len,
		       const char *const *overrides, size_t noverrides, struct scenario *out,
		       struct strbuf *errors);
void scenario_release(struct scenario *s);
/* Limit KIND of B, or NAN when B does not set it; the key it is set with ("total"). */
double budget_limit(const struct budget *b, enum budget_kind kind);
extern const char *const budget_kind_names[BUDGET_NKINDS];
/* A budget with no limit set. */
void budget_init(struct budget *b);

/*
 * The two halves of scenario_load, for callers that keep the document (the REPL
 * edits it and loads it again without reading the file): reading PATH into a
 * tree, and checking a tree (FILE names it in messages) into *OUT.
 */
struct node;
int scenario_read_tree(const char *path, struct node **out, struct strbuf *errors);
int scenario_from_tree(struct node *root, const char *file, struct scenario *out,
		       struct strbuf *errors);

/*
 * The schema asked by key path (deployments.rack.gpus, workloads[0].slo.ttft):
 * the value S holds at PATH as text with its unit, a default where the file has
 * none ("5 y", "30%", "none"); -1 with error_set() when PATH names no field.
 */
int scenario_field_text(const struct scenario *s, const char *path, struct strbuf *out);
/*
 * The keys that may follow PATH ("" for the top level) in S: field names, or the
 * names of the workloads or deployments. Returns how many; *KEYS is the caller's
 * to free (the strings are not). 0 when PATH is a value or names nothing.
 */
size_t scenario_field_keys(const struct scenario *s, const char *path, const char ***keys);

const struct deployment *scenario_find_deployment(const struct scenario *s, const char *name);
const struct workload *scenario_find_workload(const struct scenario *s, const char *name);
/* Does REGION satisfy one constraints.regions entry (a name, glob, country or EU)? */
bool scenario_region_allowed(const char *region, const char *allowed);
const char *precision_name(enum precision p);
/* "training", "inference", "batch-inference", "pipeline". */
const char *workload_kind_name(enum workload_kind kind);
/* Training and batch inference run once, to an end; inference is a service. */
bool workload_is_job(const struct workload *w);
/* A job's deadline in hours from its start; NAN when none. */
double workload_deadline_hours(const struct workload *w);
double precision_bytes(enum precision p);

#endif
