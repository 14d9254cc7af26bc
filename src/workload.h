/*
 * The workload model: pure functions that turn a workload (scenario.h) and its
 * accelerator's specs (prices.h) into demand. No I/O. Issue 6 implements it.
 */
#ifndef AICOST_WORKLOAD_H
#define AICOST_WORKLOAD_H

#include "infermodel.h"
#include "perfmodel.h"
#include "prices.h"
#include "scenario.h"

/*
 * The figures the demand rests on, echoed in the output so that a reader can
 * check them. NAN (null in the JSON) where one does not apply to the kind.
 */
struct workload_assumptions {
	double peak_tflops;                /* one accelerator's dense peak at PRECISION */
	enum precision precision;          /* the arithmetic: training bf16 */
	double mfu;                        /* training: model FLOPs utilisation */
	double goodput;                    /* training: useful / wall time */
	double compute_efficiency;         /* inference: fraction of the peak reached */
	double bandwidth_efficiency;       /* inference: fraction of HBM bandwidth reached */
	double hbm_tb_s;                   /* inference: one accelerator's memory bandwidth */
	double ttft_ms;                    /* inference: achieved time to first token */
	double tpot_ms;                    /* inference: achieved time per output token */
	double ttft_p95_ms, ttft_p99_ms;   /* inference: percentiles at the peak (queueing) */
	double tpot_p95_ms;
	double utilisation;                /* inference: peak arrivals / a replica's capacity */
	enum precision kv_precision;       /* inference: of the KV cache */
	double scaleup_gb_s;               /* inference: the fabric tensor parallelism uses */
	double communication_ms;           /* inference: of a decode step, per token */
	double prefix_cache_hit;           /* inference: share of prompt tokens not prefilled */
	double tokens_per_step;            /* inference: accepted per verification (speculative) */
	double draft_kv_cache_gb;          /* inference: the draft model's KV cache a request */
};

struct workload_demand {
	/* both kinds */
	char *accelerator;                 /* canonical name used */
	int gpus;                          /* training: cluster size; inference: replicas × tp */
	double gpu_hours;                  /* training: whole run incl. goodput loss;
					      inference: over `duration` when given, else 0 */
	double gpu_hours_per_month;        /* inference: steady-state accelerator-hours / 730 h */
	/* training */
	double flops;
	double ideal_gpu_hours;            /* before goodput losses */
	double wall_hours;
	double goodput;                    /* useful / wall time, 0..1 */
	double checkpoint_interval_hours;  /* given, or the one that maximises goodput;
					      NAN when nothing interrupts the job */
	double checkpoint_write_hours;     /* each checkpoint at the storage bandwidth */
	double memory_needed_gb;           /* training state */
	bool mfu_predicted;                /* assumptions.mfu came from the step time */
	bool has_layout;                   /* step holds the layout the model chose */
	struct perf_step step;             /* layout, step time and its parts */
	enum recompute_mode recompute;     /* used (chosen to fit when not given) */
	int layers, hidden;                /* shape used (inferred from params when not given) */
	double seq_len, batch_tokens;
	char *notes;                       /* assumptions made, one per line; or NULL */
	/* inference */
	double weights_gb;
	double kv_cache_gb;                /* per request at full context */
	double prefill_ms;
	double decode_ms_per_token;
	double tokens_per_second_per_gpu;
	int tensor_parallel;               /* accelerators per pipeline stage (one server);
					      with expert_parallel, per attention group */
	int pipeline_parallel;             /* stages, each on its own server */
	int expert_parallel;               /* accelerators the experts are spread over; 1 = none */
	int gpus_per_replica;              /* tensor × pipeline, or expert parallel */
	int batch;                         /* batch used per replica */
	int replicas;
	double tokens_per_month;           /* served, input + output */
	double requests_per_month;
	struct workload_assumptions assumptions;
};

/* Returns -1 with a message (e.g. "does not fit") when the workload cannot run. */
int workload_training_demand(const struct workload *w, const struct accelerator *acc,
			     struct workload_demand *out);
int workload_inference_demand(const struct workload *w, const struct accelerator *acc,
			      struct workload_demand *out);
int workload_demand(const struct workload *w, const struct accelerator *acc,
		    struct workload_demand *out);
void workload_demand_release(struct workload_demand *d);
/* TO becomes a copy of FROM that owns its own strings. */
void workload_demand_copy(struct workload_demand *to, const struct workload_demand *from);
/*
 * Does the message of W's last failed workload_demand() start with its own
 * place in the scenario (file:line:col of the key at fault, e.g. a batch job's
 * deadline shorter than one request takes)? Callers then add no other place.
 */
bool workload_error_located(const struct workload *w);

#endif
