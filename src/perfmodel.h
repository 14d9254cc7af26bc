/*
 * The training performance model: FLOPs per token, a parallel layout (tensor,
 * pipeline, data and expert parallel degrees) that fits memory, and the step time
 * it gives: compute at an achievable matmul efficiency, plus exposed communication
 * and the pipeline bubble. MFU and GPU-hours follow. Pure: no I/O, no globals.
 * man/aicost-estimate.1 lists the terms and the published runs it was checked on.
 */
#ifndef AICOST_PERFMODEL_H
#define AICOST_PERFMODEL_H

#include <stdbool.h>

enum recompute_mode { RECOMPUTE_NONE, RECOMPUTE_SELECTIVE, RECOMPUTE_FULL };

/* The model being trained, every field filled in (perf_infer_shape helps). */
struct perf_model {
	double params;                 /* all of them: memory, gradients */
	double active_params;          /* per token: compute (= params when dense) */
	int layers, hidden, heads, kv_heads;
	double seq_len;                /* tokens per sequence */
	double batch_tokens;           /* global batch, tokens per optimizer step */
	int experts, experts_per_token;     /* 0, 0 when dense */
	bool fp8;                      /* FP8 matmuls (else BF16) */
	enum recompute_mode recompute;
	double state_bytes_per_param;  /* weights + gradients + optimizer, unsharded */
};

/* One accelerator and the cluster of them (bandwidths in bytes/s, one direction). */
struct perf_cluster {
	int gpus;
	int scaleup_domain;            /* accelerators sharing the scale-up fabric */
	double bf16_flops, fp8_flops;  /* dense peaks, FLOP/s; fp8 0 when absent */
	double memory_bytes;
	double hbm_bytes_per_s;
	double scaleup_bytes_per_s;    /* per accelerator: NVLink, Infinity Fabric, ICI */
	double scaleout_bytes_per_s;   /* per accelerator: its share of the NICs */
	double matmul_efficiency;      /* achievable fraction of peak on large matmuls */
	double comm_efficiency;        /* achievable fraction of link bandwidth */
};

struct perf_layout {
	int tp, pp, dp, ep;
	int microbatches;              /* per optimizer step, one sequence each */
	int chunks;                    /* interleaved schedule: model chunks per stage (1 = plain 1F1B) */
	int cp;                        /* context parallel: each sequence split over cp GPUs */
};

struct perf_step {
	struct perf_layout layout;
	double model_flops_per_token;  /* 6·N + causal attention, what MFU counts */
	double flops_per_token;        /* executed, with recomputation */
	double step_seconds;
	double compute_seconds;        /* matmuls and memory-bound kernels */
	double tp_seconds;             /* exposed tensor-parallel all-reduces */
	double dp_seconds;             /* exposed gradient reduce-scatter/all-gather */
	double ep_seconds;             /* MoE all-to-all */
	double bubble_seconds;         /* pipeline fill and drain */
	double pp_seconds;             /* stage-to-stage activation transfers */
	double cp_seconds;             /* exposed ring-attention key/value exchange */
	double memory_bytes;           /* per accelerator */
	double tokens_per_second;      /* whole cluster */
	double mfu;                    /* flops_per_token · tokens/s ÷ (gpus used · peak) */
	int gpus_used;                 /* tp · cp · pp · dp; the rest idle */
};

/* Calibration of one accelerator family (see perfmodel.c for the sources). */
struct perf_calibration {
	double matmul_efficiency;
	double comm_efficiency;
	int scaleup_domain;
	const char *source;
};

/* The calibration for an accelerator by canonical name and kind (gpu, tpu, asic). */
const struct perf_calibration *perf_calibration_for(const char *name, const char *kind);

/* FLOPs per token: model (6·N_active + causal attention) and executed (recompute). */
double perf_model_flops_per_token(const struct perf_model *m);
double perf_flops_per_token(const struct perf_model *m);

/* Fills layers, hidden, heads (and kv_heads) from params: a standard dense shape. */
void perf_infer_shape(struct perf_model *m);

/* Accelerator memory one GPU needs at LAYOUT. */
double perf_memory_bytes(const struct perf_model *m, const struct perf_layout *l);

/* Times one optimizer step at LAYOUT; -1 (no message) when it does not fit or divide. */
int perf_step_at(const struct perf_model *m, const struct perf_cluster *c,
		 const struct perf_layout *l, struct perf_step *out);

/* The fastest layout that fits; -1 with a message (error_set) when none does. */
int perf_best_layout(const struct perf_model *m, const struct perf_cluster *c,
		     struct perf_step *out);

/*
 * Goodput (useful / wall time) of a job on GPUS accelerators. Each checkpoint
 * pauses the job while it is written; each interruption loses the work since the
 * last one (half an interval on average), the restart and reading it back. An
 * interval of NAN (not given) is Young and Daly's optimum sqrt(2 · write time ·
 * mean time between interruptions), which balances the two: bigger checkpoints
 * and bigger jobs lose more.
 */
struct perf_goodput_input {
	int gpus;
	double interruptions_per_hour;     /* whole job */
	double checkpoint_interval_hours;  /* NAN: the optimum */
	double restart_hours;
	double checkpoint_bytes;
	double storage_bytes_per_s;        /* aggregate write/read bandwidth */
};
struct perf_goodput {
	double goodput;
	double checkpoint_interval_hours;  /* given or chosen; NAN: none needed */
	double checkpoint_write_hours;     /* each checkpoint, the job paused */
	double lost_hours_each;            /* per interruption */
};
void perf_goodput(const struct perf_goodput_input *in, struct perf_goodput *out);

/* Young and Daly's checkpoint interval; 0 when writing is free, NAN with no interruptions. */
double perf_checkpoint_interval(double write_hours, double interruptions_per_hour);

#define PERF_INTERRUPTIONS_PER_GPU_DAY (419.0 / (54.0 * 16384.0))   /* Llama 3, §3.3.4 */
#define PERF_STORAGE_BYTES_PER_S_PER_SERVER 1e9   /* Llama 3: ~2 TB/s over 2,048 servers */

const char *recompute_name(enum recompute_mode r);

#endif
