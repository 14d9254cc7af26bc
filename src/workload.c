/*
 * The workload model: training FLOPs and GPU-hours with goodput losses, and an
 * inference roofline (compute-bound prefill, bandwidth-bound batched decode) that
 * sizes tensor-parallel groups, batch and replicas. Pure: no I/O, no globals.
 */
#include "workload.h"
#include "strbuf.h"
#include "units.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#define SECONDS_PER_DAY 86400.0
#define MAX_ACCELERATORS 10e6     /* beyond the world's supply: an input mistake */

static void demand_init(struct workload_demand *out, const struct accelerator *acc)
{
	struct workload_assumptions *a = &out->assumptions;

	memset(out, 0, sizeof(*out));
	out->accelerator = xstrdup(acc->name);
	a->peak_tflops = a->mfu = a->goodput = NAN;
	a->compute_efficiency = a->bandwidth_efficiency = a->hbm_tb_s = NAN;
	a->ttft_ms = a->tpot_ms = a->ttft_p95_ms = a->ttft_p99_ms = a->tpot_p95_ms = NAN;
	a->utilisation = a->scaleup_gb_s = a->communication_ms = NAN;
	a->prefix_cache_hit = a->tokens_per_step = NAN;
	a->precision = a->kv_precision = PRECISION_BF16;
}

#define DEFAULT_EXPERTS_PER_TOKEN 2      /* Mixtral, GShard top-2 routing */
#define DEFAULT_MFU 0.40                 /* only when nothing predicts it (no params) */
#define FALLBACK_SCALEUP_GB_S 64.0       /* PCIe Gen4 x16, both directions */
#define FALLBACK_SCALEOUT_GB_S 12.5      /* 100 Gb/s Ethernet */

static void demand_note(struct workload_demand *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void demand_note(struct workload_demand *out, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (out->notes)
		strbuf_adds(&sb, out->notes);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addch(&sb, '\n');
	free(out->notes);
	out->notes = strbuf_detach(&sb, NULL);
}

/* The model being trained, with the defaults and the inferred shape noted. */
static void training_model(const struct workload *w, struct perf_model *m,
			   struct workload_demand *out)
{
	const struct training_spec *t = &w->training;

	memset(m, 0, sizeof(*m));
	m->params = t->params;
	m->active_params = isnan(t->active_params) ? t->params : t->active_params;
	m->layers = t->layers;
	m->hidden = t->hidden;
	m->heads = t->heads;
	m->kv_heads = t->kv_heads;
	m->seq_len = isnan(t->seq_len) ? DEFAULT_SEQ_LEN : t->seq_len;
	m->batch_tokens = isnan(t->batch_tokens) ? DEFAULT_BATCH_TOKENS : t->batch_tokens;
	m->experts = t->experts;
	m->experts_per_token = t->experts > 0 && t->experts_per_token == 0 ?
			       DEFAULT_EXPERTS_PER_TOKEN : t->experts_per_token;
	m->fp8 = t->precision == PRECISION_FP8;
	m->recompute = t->recompute;
	m->state_bytes_per_param = t->state_bytes_per_param;
	if (m->layers <= 0 || m->hidden <= 0) {
		perf_infer_shape(m);
		demand_note(out, "workload %s: no layers/hidden given; assumed a standard shape "
			    "for %.3g parameters: %d layers, hidden %d, %d heads", w->name,
			    m->active_params, m->layers, m->hidden, m->heads);
	} else if (m->heads <= 0) {
		m->heads = m->hidden % 128 == 0 ? m->hidden / 128 : 1;
	}
	if (m->kv_heads <= 0)
		m->kv_heads = m->heads;
	if (isnan(t->seq_len) || isnan(t->batch_tokens))
		demand_note(out, "workload %s: assumed seq_len %.0f and batch_tokens %.0f (give "
			    "them for a better prediction)", w->name, m->seq_len, m->batch_tokens);
}

/* One accelerator type in a cluster of GPUS; a deployment may have overridden the network. */
static void training_cluster(const struct accelerator *acc, int gpus, struct perf_cluster *c,
			     struct workload_demand *out)
{
	const struct perf_calibration *cal = perf_calibration_for(acc->name, acc->kind);
	double scaleup_gb_s = acc->scaleup_gb_s, scaleout_gb_s = acc->scaleout_gb_s;

	if (!(scaleup_gb_s > 0) || !(scaleout_gb_s > 0)) {
		demand_note(out, "%s: no interconnect figures in the price store (one from before "
			    "they were added: aicost pricing import pricing/accelerators.csv loads "
			    "them); assumed %s", acc->name,
			    !(scaleup_gb_s > 0) && !(scaleout_gb_s > 0) ?
			    "PCIe Gen4 between accelerators and 100 Gb/s Ethernet between servers" :
			    !(scaleup_gb_s > 0) ? "PCIe Gen4 between accelerators" :
			    "100 Gb/s Ethernet between servers");
		if (!(scaleup_gb_s > 0))
			scaleup_gb_s = FALLBACK_SCALEUP_GB_S;
		if (!(scaleout_gb_s > 0))
			scaleout_gb_s = FALLBACK_SCALEOUT_GB_S;
	}
	memset(c, 0, sizeof(*c));
	c->gpus = gpus;
	c->scaleup_domain = cal->scaleup_domain;
	/* A smaller domain the offer imposes: a TPU slice joined to others over DCN. */
	if (acc->scaleup_domain > 0 && acc->scaleup_domain < c->scaleup_domain)
		c->scaleup_domain = acc->scaleup_domain;
	c->bf16_flops = acc->bf16_tflops * 1e12;
	c->fp8_flops = acc->fp8_tflops * 1e12;
	c->memory_bytes = acc->memory_gb * 1e9;
	c->hbm_bytes_per_s = acc->hbm_tbps * 1e12;
	c->scaleup_bytes_per_s = scaleup_gb_s * 1e9 / 2;   /* one direction of the datasheet's total */
	c->scaleout_bytes_per_s = scaleout_gb_s * 1e9;
	c->matmul_efficiency = cal->matmul_efficiency;
	c->comm_efficiency = cal->comm_efficiency;
}

/*
 * The fastest layout; without a recompute setting the fastest of the three
 * (less recomputation on a tie), as practitioners choose. -1 with a message
 * when nothing fits.
 */
static int predict_step(const struct workload *w, struct perf_model *m,
			const struct perf_cluster *c, struct workload_demand *out)
{
	struct perf_step best = { 0 };
	enum recompute_mode chosen = RECOMPUTE_NONE;

	if (w->training.recompute_given)
		return perf_best_layout(m, c, &out->step);
	for (int mode = RECOMPUTE_NONE; mode <= RECOMPUTE_FULL; mode++) {
		m->recompute = (enum recompute_mode)mode;
		if (perf_best_layout(m, c, &out->step) == 0 && (best.step_seconds <= 0 ||
		    out->step.step_seconds < best.step_seconds * (1 - 1e-9))) {
			best = out->step;
			chosen = m->recompute;
		}
	}
	if (best.step_seconds <= 0)
		return -1;   /* the message of full recomputation, the last tried */
	error_clear();
	out->step = best;
	m->recompute = chosen;
	if (chosen != RECOMPUTE_NONE)
		demand_note(out, "workload %s: %s recomputation is fastest where the activations "
			    "must fit; assumed it (recompute sets it)", w->name,
			    recompute_name(chosen));
	return 0;
}

/*
 * The layout and step time of W on ACC; -1 (with a message) when nothing fits and
 * no mfu was given to fall back on.
 */
static int predict_training(const struct workload *w, const struct accelerator *acc,
			    struct workload_demand *out)
{
	const struct training_spec *t = &w->training;
	struct perf_model m;
	struct perf_cluster c;

	training_model(w, &m, out);
	training_cluster(acc, t->gpus, &c, out);
	if (predict_step(w, &m, &c, out) == 0) {
		out->has_layout = true;
		out->recompute = m.recompute;
	} else if (isnan(t->mfu)) {
		error_prefix("workload '%s': %.4g parameters on %d × %s: ", w->name, t->params,
			     t->gpus, acc->name);
		return -1;
	} else {
		error_clear();   /* the given MFU stands */
	}
	out->layers = m.layers;
	out->hidden = m.hidden;
	out->seq_len = m.seq_len;
	out->batch_tokens = m.batch_tokens;
	if (out->has_layout && out->step.gpus_used < t->gpus)
		demand_note(out, "workload %s: the layout uses %d of the %d GPUs (the batch of "
			    "%.4g sequences limits data parallelism); all are paid for", w->name,
			    out->step.gpus_used, t->gpus, m.batch_tokens / m.seq_len);
	return 0;
}

int workload_training_demand(const struct workload *w, const struct accelerator *acc,
			     struct workload_demand *out)
{
	const struct training_spec *t = &w->training;
	double peak_flops = acc->bf16_tflops * 1e12;
	double active = isnan(t->active_params) ? t->params : t->active_params;
	double cluster_gb;
	int gpus_working = t->gpus;
	struct perf_goodput_input gin = { 0 };
	struct perf_goodput good;

	demand_init(out, acc);
	out->recompute = t->recompute;
	out->assumptions.mfu = t->mfu;
	if (t->gpus < 1) {
		error_set("workload '%s': no gpus given; give the count (optimize chooses one "
			  "for the deadline)", w->name);
		goto fail;
	}
	if (!(peak_flops > 0)) {
		error_set("workload '%s': %s has no published BF16 peak to train with", w->name,
			  acc->name);
		goto fail;
	}
	/*
	 * The state must fit the cluster at all: checked first for the plainest
	 * message. An accelerator imported without its memory size (0) cannot be.
	 */
	if (!isnan(t->params) && acc->memory_gb > 0) {
		/* Weights, gradients and Adam's fp32 master copy and moments; activations aside. */
		out->memory_needed_gb = t->params * t->state_bytes_per_param / 1e9;
		cluster_gb = t->gpus * acc->memory_gb;
		if (out->memory_needed_gb > cluster_gb) {
			error_set("workload '%s': the training state needs %.6g GB (%g bytes per "
				  "parameter × %.4g parameters) but %d × %s hold %.6g GB; use at least "
				  "%.6g GPUs, or lower state_bytes_per_param for sharded or LoRA training",
				  w->name, out->memory_needed_gb, t->state_bytes_per_param, t->params,
				  t->gpus, acc->name, cluster_gb,
				  ceil(out->memory_needed_gb / acc->memory_gb));
			goto fail;
		}
		if (predict_training(w, acc, out) < 0)
			goto fail;
	}
	if (out->has_layout)
		gpus_working = out->step.gpus_used;
	if (isnan(t->mfu)) {
		out->mfu_predicted = out->has_layout;
		if (!out->has_layout) {
			out->assumptions.mfu = DEFAULT_MFU;
			/* Given hours do not depend on it; only the FLOPs they stand for do. */
			if (isnan(t->gpu_hours))
				demand_note(out, "workload %s: no params (or accelerator memory) to "
					    "predict the MFU from; "
					    "assumed %.0f%%", w->name, DEFAULT_MFU * 100);
		}
	}
	if (!isnan(t->gpu_hours)) {
		/* The user measured the hours; the FLOPs are what they deliver at this MFU. */
		if (out->mfu_predicted)
			out->assumptions.mfu = out->step.mfu * gpus_working / t->gpus;
		out->ideal_gpu_hours = t->gpu_hours;
		out->flops = t->gpu_hours * peak_flops * out->assumptions.mfu * 3600.0;
	} else if (out->mfu_predicted) {
		out->flops = out->step.flops_per_token * t->tokens;
		out->ideal_gpu_hours = t->tokens / out->step.tokens_per_second * t->gpus / 3600.0;
		out->assumptions.mfu = out->flops / (out->ideal_gpu_hours * 3600.0 * peak_flops);
	} else {
		out->flops = (t->recompute == RECOMPUTE_FULL ? 8.0 : 6.0) * active * t->tokens;
		out->ideal_gpu_hours = out->flops / (peak_flops * out->assumptions.mfu * 3600.0);
	}
	/* Idle GPUs of the allocation do not interrupt the job. */
	gin.gpus = gpus_working;
	gin.interruptions_per_hour = (t->interruptions_per_day +
				      t->interruptions_per_gpu_day * gpus_working) / 24.0;
	gin.checkpoint_interval_hours = t->checkpoint_interval_hours;
	gin.restart_hours = t->restart_time_hours;
	/* The checkpoint holds the training state less the gradients. */
	gin.checkpoint_bytes = isnan(t->params) ? 0 :
		t->params * fmax(t->state_bytes_per_param - 2.0, 2.0);
	gin.storage_bytes_per_s = ceil(gpus_working / 8.0) * PERF_STORAGE_BYTES_PER_S_PER_SERVER;
	perf_goodput(&gin, &good);
	out->goodput = good.goodput;
	out->checkpoint_interval_hours = good.checkpoint_interval_hours;
	out->checkpoint_write_hours = good.checkpoint_write_hours;
	if (out->goodput < 0.05) {
		error_set("workload '%s': %.3g interruptions an hour, each losing %.3g h, leave "
			  "almost no useful time; checkpoint more often or restart faster",
			  w->name, gin.interruptions_per_hour, good.lost_hours_each);
		goto fail;
	}
	out->gpus = t->gpus;
	out->assumptions.peak_tflops = acc->bf16_tflops;
	out->assumptions.precision = t->precision;
	out->assumptions.goodput = out->goodput;
	out->wall_hours = out->ideal_gpu_hours / t->gpus / out->goodput;
	out->gpu_hours = out->wall_hours * t->gpus;
	return 0;
fail:
	workload_demand_release(out);
	return -1;
}

/*
 * The largest tensor-parallel group: it all-reduces twice a layer, so it stays on
 * the fast interconnect: one 8-GPU server's NVLink or Infinity Fabric, a 16-chip
 * Trainium instance's NeuronLink, a TPU slice's ICI torus (up to 64 chips here).
 */
static int max_tensor_parallel(const struct accelerator *acc)
{
	if (acc->kind && str_ieq(acc->kind, "tpu"))
		return 64;
	if (acc->kind && str_ieq(acc->kind, "asic"))
		return 16;
	return 8;
}

/* Peak FLOP/s of one accelerator for the arithmetic PRECISION implies. */
static double inference_peak_flops(const struct accelerator *acc, enum precision p)
{
	switch (p) {
	case PRECISION_FP8:
	case PRECISION_INT8:
		return (acc->fp8_tflops > 0 ? acc->fp8_tflops : acc->bf16_tflops) * 1e12;
	case PRECISION_FP32:
		return acc->bf16_tflops * 1e12 / 2;   /* TF32 tensor cores: half the BF16 rate */
	default:
		return acc->bf16_tflops * 1e12;       /* int4 is weight-only: math stays 16-bit */
	}
}

/* One accelerator at the efficiencies the workload gives, and its fabrics. */
static void inference_hw(const struct workload *w, const struct accelerator *acc,
			 struct infer_hw *hw, struct workload_demand *out)
{
	const struct inference_spec *inf = &w->inference;
	const struct perf_calibration *cal = perf_calibration_for(acc->name, acc->kind);
	double scaleup_gb_s = acc->scaleup_gb_s, scaleout_gb_s = acc->scaleout_gb_s;

	memset(hw, 0, sizeof(*hw));
	hw->flops = inference_peak_flops(acc, inf->precision) * inf->compute_efficiency;
	/* FlashAttention, FlashInfer, FlashMLA: QKᵀ and A·V in BF16/FP16 whatever the weights. */
	hw->attention_flops = fmin(inference_peak_flops(acc, PRECISION_BF16) * inf->compute_efficiency,
				   hw->flops);
	hw->bandwidth = acc->hbm_tbps * 1e12 * inf->bandwidth_efficiency;
	hw->memory_bytes = acc->memory_gb * 1e9;
	hw->node_size = max_tensor_parallel(acc);
	hw->no_cluster_fabric = acc->no_cluster_fabric;
	/* Without a cluster fabric a replica has one instance: a smaller one bounds TP. */
	if (acc->no_cluster_fabric && acc->scaleup_domain > 0 && acc->scaleup_domain < hw->node_size)
		hw->node_size = acc->scaleup_domain;
	if (!(scaleup_gb_s > 0)) {
		scaleup_gb_s = FALLBACK_SCALEUP_GB_S;
		demand_note(out, "%s: no scale-up interconnect figure in the price store; assumed "
			    "PCIe Gen4 between accelerators for tensor parallelism", acc->name);
	}
	if (!(scaleout_gb_s > 0))
		scaleout_gb_s = FALLBACK_SCALEOUT_GB_S;
	out->assumptions.scaleup_gb_s = scaleup_gb_s;
	/* One direction of the datasheet's total, at NCCL's bus efficiency. */
	hw->scaleup_bytes_per_s = scaleup_gb_s * 1e9 / 2 * cal->comm_efficiency;
	hw->scaleout_bytes_per_s = scaleout_gb_s * 1e9 * cal->comm_efficiency;
}

static void inference_model(const struct inference_spec *inf, struct infer_model *m)
{
	memset(m, 0, sizeof(*m));
	m->params = inf->params;
	m->active_params = isnan(inf->active_params) ? inf->params : inf->active_params;
	m->experts = inf->experts;
	m->experts_per_token = inf->experts_per_token;
	m->layers = inf->layers;
	m->hidden = inf->hidden;
	m->heads = inf->heads;
	m->kv_heads = inf->kv_heads;
	m->head_dim = inf->head_dim;
	m->kv_lora_rank = inf->kv_lora_rank;
	m->rope_head_dim = inf->rope_head_dim;
	m->dense_layers = inf->dense_layers;
	m->static_batching = inf->static_batching;
	m->kv_read_per_query_head = inf->kv_read_per_query_head;
	m->weight_bytes = precision_bytes(inf->precision);
	m->kv_value_bytes = precision_bytes(inf->kv_precision);
	m->input_tokens = inf->input_tokens;
	m->output_tokens = inf->output_tokens;
	m->prefix_cache_hit = inf->prefix_cache_hit;
	m->draft_params = inf->draft_params;
	m->acceptance = inf->acceptance;
	m->lookahead = inf->lookahead;
}

/*
 * Places W on ACC for REQUESTS_PER_S within TARGETS and fills OUT with the
 * layout, timings and assumptions both kinds of inference share; -1 with a
 * message (OUT released) when nothing fits or meets the targets.
 */
static int place_inference(const struct workload *w, const struct accelerator *acc,
			   const struct infer_targets *targets, double requests_per_s,
			   int min_replicas, struct infer_plan *plan, struct workload_demand *out)
{
	const struct inference_spec *inf = &w->inference;
	struct infer_model m;
	struct infer_hw hw;
	struct workload_assumptions *a = &out->assumptions;
	int per_replica;

	demand_init(out, acc);
	inference_model(inf, &m);
	inference_hw(w, acc, &hw, out);
	if (!(hw.flops > 0) || !(hw.bandwidth > 0) || !(hw.memory_bytes > 0)) {
		error_set("workload '%s': %s lacks the peak FLOP/s, memory bandwidth or memory "
			  "size the inference model needs", w->name, acc->name);
		goto fail;
	}
	out->weights_gb = m.params * m.weight_bytes / 1e9;
	out->kv_cache_gb = infer_kv_bytes_per_token(&m) * (m.input_tokens + m.output_tokens) / 1e9;
	out->assumptions.draft_kv_cache_gb = infer_draft_kv_bytes_per_token(&m) *
		(m.input_tokens + m.output_tokens) / 1e9;
	if (infer_plan(&m, &hw, targets, requests_per_s, min_replicas, inf->batch, plan) < 0) {
		error_prefix("workload '%s' on %s: ", w->name, acc->name);
		goto fail;
	}
	per_replica = infer_layout_gpus(&plan->layout);
	if ((double)plan->replicas * per_replica > MAX_ACCELERATORS) {
		error_set("workload '%s': %.4g requests/s need %.4g × %s, more than any cluster "
			  "holds", w->name, requests_per_s, (double)plan->replicas * per_replica,
			  acc->name);
		goto fail;
	}
	out->tensor_parallel = plan->layout.tp;
	out->pipeline_parallel = plan->layout.pp;
	out->expert_parallel = plan->layout.ep > 1 ? plan->layout.ep : 1;
	out->gpus_per_replica = per_replica;
	out->batch = plan->layout.batch;
	out->replicas = plan->replicas;
	out->gpus = plan->replicas * per_replica;
	out->prefill_ms = plan->timing.prefill_s * 1000;
	out->decode_ms_per_token = m.output_tokens > 0 ? plan->timing.step_s * 1000 : NAN;
	out->tokens_per_second_per_gpu = plan->timing.tokens_per_s / per_replica;
	a->precision = inf->precision;
	a->kv_precision = inf->kv_precision;
	a->peak_tflops = inference_peak_flops(acc, inf->precision) / 1e12;
	a->compute_efficiency = inf->compute_efficiency;
	a->bandwidth_efficiency = inf->bandwidth_efficiency;
	a->hbm_tb_s = acc->hbm_tbps;
	a->communication_ms = m.output_tokens > 0 ? plan->timing.comm_s * 1000 : NAN;
	a->prefix_cache_hit = inf->prefix_cache_hit;
	a->tokens_per_step = plan->timing.tokens_per_step;
	if (inf->draft_params > 0 && plan->timing.tokens_per_step <= 1 + 1e-9)
		demand_note(out, "workload %s: at %.0f%% acceptance the draft model only adds work",
			    w->name, inf->acceptance * 100);
	if (hw.no_cluster_fabric && infer_expert_params(&m) > 0)
		demand_note(out, "workload %s on an offer without a cluster fabric: each replica "
			    "stays on one server (%d-way tensor parallel); its %d experts are not "
			    "spread over servers", w->name, plan->layout.tp, inf->experts);
	if (plan->layout.ep > 1 && plan->one_server_holds)
		demand_note(out, "workload %s: each replica spreads its %d experts over %d servers "
			    "(%d accelerators), attention in groups of %d: fewer accelerators for the "
			    "traffic than one-server replicas", w->name, inf->experts,
			    plan->layout.ep / hw.node_size, plan->layout.ep, plan->layout.tp);
	else if (plan->layout.ep > 1)
		demand_note(out, "workload %s: %.4g GB of weights do not fit one server of %d × %s; "
			    "each replica spreads its %d experts over %d servers (%d accelerators), "
			    "attention in groups of %d", w->name, out->weights_gb, hw.node_size,
			    acc->name, inf->experts, plan->layout.ep / hw.node_size, plan->layout.ep,
			    plan->layout.tp);
	else if (plan->layout.pp > 1)
		demand_note(out, "workload %s: %.4g GB of weights do not fit one server of %d × %s; "
			    "each replica is a %d-stage pipeline over %d servers", w->name,
			    out->weights_gb, hw.node_size, acc->name, plan->layout.pp, plan->layout.pp);
	return 0;
fail:
	workload_demand_release(out);
	return -1;
}

int workload_inference_demand(const struct workload *w, const struct accelerator *acc,
			      struct workload_demand *out)
{
	const struct inference_spec *inf = &w->inference;
	struct infer_targets targets = {
		inf->slo_ttft_ms / 1000, inf->slo_ttft_p95_ms / 1000, inf->slo_ttft_p99_ms / 1000,
		inf->slo_tpot_ms / 1000, inf->slo_tpot_p95_ms / 1000, NAN,
	};
	struct infer_plan plan;
	struct workload_assumptions *a = &out->assumptions;

	if (place_inference(w, acc, &targets, inf->requests_per_day / SECONDS_PER_DAY *
			    inf->peak_to_average, inf->min_replicas, &plan, out) < 0)
		return -1;
	a->ttft_ms = plan.latency.ttft * 1000;
	a->ttft_p95_ms = plan.latency.ttft_p95 * 1000;
	a->ttft_p99_ms = plan.latency.ttft_p99 * 1000;
	a->tpot_ms = plan.latency.tpot * 1000;
	a->tpot_p95_ms = plan.latency.tpot_p95 * 1000;
	a->utilisation = plan.latency.utilisation;
	if (isnan(plan.latency.ttft))
		demand_note(out, "workload %s: the replicas run full at the peak, where a queue "
			    "grows without bound; give slo.ttft or slo.ttft_p95 to size for latency",
			    w->name);
	out->gpu_hours_per_month = out->gpus * HOURS_PER_MONTH;
	if (!isnan(w->duration_hours))
		out->gpu_hours = out->gpus * w->duration_hours;
	out->tokens_per_month = inf->tokens_per_day * HOURS_PER_MONTH / 24.0;
	out->requests_per_month = inf->requests_per_day * HOURS_PER_MONTH / 24.0;
	return 0;
}

bool workload_error_located(const struct workload *w)
{
	const char *where = w->inference.deadline_where;

	return where && str_starts_with(error_get(), where);
}

/*
 * An offline job: REQUESTS run at the largest batch that fits memory and ends
 * each request within the deadline, on the fewest accelerators that finish
 * them all by then (sized as a steady stream of requests / deadline with no
 * latency target), paid for its wall time only. A deadline shorter than one
 * request takes alone on its fastest layout is an error at the deadline.
 */
static int batch_inference_demand(const struct workload *w, const struct accelerator *acc,
				  struct workload_demand *out)
{
	const struct inference_spec *inf = &w->inference;
	double deadline_s = inf->deadline_hours * 3600;
	struct infer_targets targets = { NAN, NAN, NAN, NAN, NAN, deadline_s };
	struct infer_plan plan = { 0 };

	if (place_inference(w, acc, &targets, inf->requests / deadline_s, 1, &plan, out) < 0) {
		if (plan.fastest_s > deadline_s) {
			struct strbuf at = STRBUF_INIT;

			if (inf->deadline_where)
				strbuf_addf(&at, "%s: ", inf->deadline_where);
			error_set("%sworkloads.%s.deadline: %.4g s is shorter than one request takes "
				  "on %s: %.4g s for its %.0f-token prompt and %.0f-token answer alone "
				  "(%d-way tensor parallel%s); the minimum feasible deadline is %.4g s",
				  at.buf, w->name, deadline_s, acc->name, plan.fastest_s,
				  inf->input_tokens, inf->output_tokens, plan.fastest.tp,
				  plan.fastest.ep > 1 ? " with the experts over servers" :
				  plan.fastest.pp > 1 ? " in a pipeline over servers" : "",
				  plan.fastest_s);
			strbuf_release(&at);
		}
		return -1;
	}
	/*
	 * Flat out until the last request is done; the GPUs are released then. No
	 * job ends before one request's own cycle, however many replicas run.
	 */
	out->wall_hours = fmax(inf->requests / (plan.replicas * plan.timing.requests_per_s),
			       plan.timing.cycle_s) / 3600;
	out->gpu_hours = out->gpus * out->wall_hours;
	out->goodput = 1;
	out->tokens_per_month = inf->tokens_per_day / out->wall_hours * HOURS_PER_MONTH;
	out->requests_per_month = inf->requests / out->wall_hours * HOURS_PER_MONTH;
	out->assumptions.utilisation = 1;
	return 0;
}

int workload_demand(const struct workload *w, const struct accelerator *acc,
		    struct workload_demand *out)
{
	if (w->kind == WORKLOAD_TRAINING)
		return workload_training_demand(w, acc, out);
	if (w->kind == WORKLOAD_BATCH_INFERENCE)
		return batch_inference_demand(w, acc, out);
	return workload_inference_demand(w, acc, out);
}

void workload_demand_release(struct workload_demand *d)
{
	free(d->accelerator);
	free(d->notes);
	memset(d, 0, sizeof(*d));
}

void workload_demand_copy(struct workload_demand *to, const struct workload_demand *from)
{
	*to = *from;
	to->accelerator = from->accelerator ? xstrdup(from->accelerator) : NULL;
	to->notes = from->notes ? xstrdup(from->notes) : NULL;
}
