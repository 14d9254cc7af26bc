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
#define MAX_BATCH 1024            /* serving frameworks cap concurrent sequences about here */
#define MEMORY_HEADROOM 1.10      /* activations, fragmentation, CUDA context */
#define MAX_ACCELERATORS 10e6     /* beyond the world's supply: an input mistake */

static void demand_init(struct workload_demand *out, const struct accelerator *acc)
{
	struct workload_assumptions *a = &out->assumptions;

	memset(out, 0, sizeof(*out));
	out->accelerator = xstrdup(acc->name);
	a->peak_tflops = a->mfu = a->goodput = NAN;
	a->compute_efficiency = a->bandwidth_efficiency = a->hbm_tb_s = NAN;
	a->ttft_ms = a->tpot_ms = NAN;
	a->precision = PRECISION_BF16;
}

#define DEFAULT_SEQ_LEN 4096.0
#define DEFAULT_BATCH_TOKENS 4194304.0   /* 4M tokens: Llama 2's global batch */
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

/* One replica's timings for tensor-parallel size TP and batch BATCH. */
struct roofline {
	double weights_bytes;            /* all of them, held in memory */
	double active_weights_bytes;     /* what one token uses (MoE: its experts) */
	double kv_bytes_per_token;
	double active_flops_per_token;   /* 2·N, N = active parameters */
	double peak_flops;               /* one accelerator, at the efficiency */
	double bandwidth;                /* bytes/s of one accelerator, at the efficiency */
	double memory_bytes;             /* one accelerator */
	double input_tokens, output_tokens;
};

struct replica_timing {
	double prefill_s;                /* one request's prompt */
	double step_s;                   /* one decode step for the whole batch */
	double ttft_s;
	double tpot_s;                   /* per output token, prefill stalls included */
	double tokens_per_s;             /* input + output tokens per second */
};

static bool fits(const struct roofline *r, int tp, int batch)
{
	double kv = r->kv_bytes_per_token * (r->input_tokens + r->output_tokens) * batch;

	return (r->weights_bytes + kv) * MEMORY_HEADROOM <= tp * r->memory_bytes;
}

/*
 * Weight bytes read to process TOKENS tokens at once: each token reads its active
 * weights, but nothing is read twice (a dense model reads all of them for any count).
 */
static double weights_read(const struct roofline *r, double tokens)
{
	return fmin(r->weights_bytes, tokens * r->active_weights_bytes);
}

static struct replica_timing time_replica(const struct roofline *r, int tp, int batch)
{
	struct replica_timing rt;
	double flops = tp * r->peak_flops, bandwidth = tp * r->bandwidth;
	/* Decode reads each request's KV cache at its average length over the answer. */
	double kv_read = r->kv_bytes_per_token * (r->input_tokens + r->output_tokens / 2) * batch;
	double cycle_s;

	rt.prefill_s = fmax(r->active_flops_per_token * r->input_tokens / flops,
			    weights_read(r, r->input_tokens) / bandwidth);
	/* The batch shares one read of the weights per step. */
	rt.step_s = fmax((weights_read(r, batch) + kv_read) / bandwidth,
			 r->active_flops_per_token * batch / flops);
	/* A new request is prefilled between two steps, then joins the batch. */
	rt.ttft_s = rt.prefill_s + rt.step_s;
	/* In one cycle every slot finishes an answer and a new prompt is prefilled. */
	cycle_s = r->output_tokens * rt.step_s + batch * rt.prefill_s;
	rt.tpot_s = cycle_s / r->output_tokens;
	rt.tokens_per_s = batch * (r->input_tokens + r->output_tokens) / cycle_s;
	return rt;
}

static bool meets_slo(const struct inference_spec *inf, const struct replica_timing *rt)
{
	if (!isnan(inf->slo_ttft_ms) && rt->ttft_s * 1000 > inf->slo_ttft_ms)
		return false;
	if (!isnan(inf->slo_tpot_ms) && rt->tpot_s * 1000 > inf->slo_tpot_ms)
		return false;
	return true;
}

/* The largest batch within memory and the SLO at this TP; 0 if even one misses. */
static int largest_batch(const struct roofline *r, const struct inference_spec *inf, int tp)
{
	int low = 1, high = 1;

	if (!fits(r, tp, 1))
		return 0;
	if (inf->batch > 0) {
		struct replica_timing rt = time_replica(r, tp, inf->batch);

		return fits(r, tp, inf->batch) && meets_slo(inf, &rt) ? inf->batch : 0;
	}
	while (high < MAX_BATCH && fits(r, tp, high * 2))
		high *= 2;
	if (high < MAX_BATCH && fits(r, tp, high + 1)) {
		/* fits() is monotonic: find the exact memory limit between high and 2·high. */
		int lo = high, hi = high * 2 > MAX_BATCH ? MAX_BATCH : high * 2;

		while (lo < hi) {
			int mid = lo + (hi - lo + 1) / 2;

			if (fits(r, tp, mid))
				lo = mid;
			else
				hi = mid - 1;
		}
		high = lo;
	}
	{
		struct replica_timing rt = time_replica(r, tp, 1);

		if (!meets_slo(inf, &rt))
			return 0;
	}
	/* TTFT and TPOT grow with the batch: bisect for the last batch that meets both. */
	while (low < high) {
		int mid = low + (high - low + 1) / 2;
		struct replica_timing rt = time_replica(r, tp, mid);

		if (meets_slo(inf, &rt))
			low = mid;
		else
			high = mid - 1;
	}
	return low;
}

/* Replicas that carry PEAK tokens/s, never fewer than MIN_REPLICAS (as a double: may be huge). */
static double replicas_for(double peak_tokens_per_s, double replica_tokens_per_s,
			   int min_replicas)
{
	double needed = ceil(peak_tokens_per_s / replica_tokens_per_s - 1e-9);

	return needed < min_replicas ? min_replicas : needed;
}

int workload_inference_demand(const struct workload *w, const struct accelerator *acc,
			      struct workload_demand *out)
{
	const struct inference_spec *inf = &w->inference;
	double active = isnan(inf->active_params) ? inf->params : inf->active_params;
	struct roofline r = { 0 };
	struct replica_timing rt;
	double peak_tokens_per_s, replica_tokens_per_s;
	double best_gpus = 0, replicas_needed = 0;
	int tp = 0, batch = 0, first_fit = 0, max_tp = max_tensor_parallel(acc);

	demand_init(out, acc);
	r.weights_bytes = inf->params * precision_bytes(inf->precision);
	r.active_weights_bytes = active * precision_bytes(inf->precision);
	r.kv_bytes_per_token = 2.0 * inf->layers * inf->kv_heads * inf->head_dim *
			       precision_bytes(inf->kv_precision);
	r.active_flops_per_token = 2.0 * active;
	r.peak_flops = inference_peak_flops(acc, inf->precision) * inf->compute_efficiency;
	r.bandwidth = acc->hbm_tbps * 1e12 * inf->bandwidth_efficiency;
	r.memory_bytes = acc->memory_gb * 1e9;
	r.input_tokens = inf->input_tokens;
	r.output_tokens = inf->output_tokens;
	if (!(r.peak_flops > 0) || !(r.bandwidth > 0) || !(r.memory_bytes > 0)) {
		error_set("workload '%s': %s lacks the peak FLOP/s, memory bandwidth or memory "
			  "size the inference model needs", w->name, acc->name);
		goto fail;
	}
	out->weights_gb = r.weights_bytes / 1e9;
	out->kv_cache_gb = r.kv_bytes_per_token * (r.input_tokens + r.output_tokens) / 1e9;
	peak_tokens_per_s = inf->tokens_per_day / SECONDS_PER_DAY * inf->peak_to_average;
	/*
	 * The smallest group that holds the model, unless a larger one meets the SLO
	 * where it cannot, or serves the peak with fewer accelerators in all (a 70B
	 * model squeezed onto one GPU has no room left for a useful batch).
	 */
	for (int candidate = 1; candidate <= max_tp; candidate *= 2) {
		double replicas;
		int candidate_batch;

		if (!first_fit && fits(&r, candidate, 1))
			first_fit = candidate;
		if ((candidate_batch = largest_batch(&r, inf, candidate)) == 0)
			continue;
		rt = time_replica(&r, candidate, candidate_batch);
		replicas = replicas_for(peak_tokens_per_s, rt.tokens_per_s, inf->min_replicas);
		if (batch == 0 || replicas * candidate < best_gpus) {
			tp = candidate;
			batch = candidate_batch;
			best_gpus = replicas * candidate;
			replicas_needed = replicas;
		}
	}
	if (!first_fit) {
		error_set("workload '%s': weights (%.6g GB) and one request's KV cache (%.3g GB) "
			  "with 10%% headroom do not fit %d × %s (%.0f GB each), the largest "
			  "tensor-parallel group on one %s; use a lower precision or an accelerator "
			  "with more memory", w->name, out->weights_gb, out->kv_cache_gb, max_tp,
			  acc->name, acc->memory_gb, max_tp == 64 ? "TPU slice" : "server");
		goto fail;
	}
	if (batch == 0 && inf->batch > 0 && !fits(&r, max_tp, inf->batch)) {
		error_set("workload '%s': batch %d needs %.6g GB of KV cache besides %.6g GB of "
			  "weights: more than %d × %s hold; give a smaller batch", w->name, inf->batch,
			  out->kv_cache_gb * inf->batch, out->weights_gb, max_tp, acc->name);
		goto fail;
	}
	if (batch == 0) {
		int shown = inf->batch > 0 ? inf->batch : 1;
		struct strbuf slo = STRBUF_INIT;

		rt = time_replica(&r, max_tp, shown);
		/* Only the targets that were given: a missing one is no target. */
		if (!isnan(inf->slo_ttft_ms))
			strbuf_addf(&slo, "TTFT %.4g ms", inf->slo_ttft_ms);
		if (!isnan(inf->slo_tpot_ms))
			strbuf_addf(&slo, "%sTPOT %.4g ms", slo.len ? ", " : "", inf->slo_tpot_ms);
		error_set("workload '%s': the SLO cannot be met on %s: even %d-way tensor parallel "
			  "at batch %d gives TTFT %.1f ms and TPOT %.1f ms (SLO: %s); %s", w->name,
			  acc->name, max_tp, shown, rt.ttft_s * 1000, rt.tpot_s * 1000, slo.buf,
			  shown > 1 ? "try a smaller batch"
			  : "one request alone misses it: relax the SLO, shorten the prompt or "
			  "answer, or use a faster accelerator");
		strbuf_release(&slo);
		goto fail;
	}
	if (best_gpus > MAX_ACCELERATORS) {
		error_set("workload '%s': the peak of %.4g tokens/s needs %.4g × %s, more than "
			  "any cluster holds", w->name, peak_tokens_per_s, best_gpus, acc->name);
		goto fail;
	}
	rt = time_replica(&r, tp, batch);
	replica_tokens_per_s = rt.tokens_per_s;
	out->tensor_parallel = tp;
	out->batch = batch;
	out->prefill_ms = rt.prefill_s * 1000;
	out->decode_ms_per_token = rt.step_s * 1000;
	out->tokens_per_second_per_gpu = replica_tokens_per_s / tp;
	out->assumptions.precision = inf->precision;
	out->assumptions.peak_tflops = inference_peak_flops(acc, inf->precision) / 1e12;
	out->assumptions.compute_efficiency = inf->compute_efficiency;
	out->assumptions.bandwidth_efficiency = inf->bandwidth_efficiency;
	out->assumptions.hbm_tb_s = acc->hbm_tbps;
	out->assumptions.ttft_ms = rt.ttft_s * 1000;
	out->assumptions.tpot_ms = rt.tpot_s * 1000;
	out->replicas = (int)replicas_needed;
	out->gpus = out->replicas * tp;
	out->gpu_hours_per_month = out->gpus * HOURS_PER_MONTH;
	if (!isnan(w->duration_hours))
		out->gpu_hours = out->gpus * w->duration_hours;
	out->tokens_per_month = inf->tokens_per_day * HOURS_PER_MONTH / 24.0;
	out->requests_per_month = inf->requests_per_day * HOURS_PER_MONTH / 24.0;
	return 0;
fail:
	workload_demand_release(out);
	return -1;
}

int workload_demand(const struct workload *w, const struct accelerator *acc,
		    struct workload_demand *out)
{
	if (w->kind == WORKLOAD_TRAINING)
		return workload_training_demand(w, acc, out);
	return workload_inference_demand(w, acc, out);
}

void workload_demand_release(struct workload_demand *d)
{
	free(d->accelerator);
	free(d->notes);
	memset(d, 0, sizeof(*d));
}
