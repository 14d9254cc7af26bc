/*
 * The training performance model (perfmodel.h). Terms and their sources:
 *  - FLOPs per token: 6·N for the weight matmuls (forward 2·N, backward 4·N), plus
 *    the attention score and value matmuls, 4·s·h per layer forward, halved by the
 *    causal mask: 6·L·h·s over a step (Kaplan et al. 2020; PaLM appendix B counts
 *    12·L·h·s without the mask). Full recomputation repeats the forward (8·N),
 *    selective recomputation only the attention core (Korthikanti et al. 2022).
 *  - Memory: weights and gradients in BF16 on every data-parallel rank, the rest
 *    of the optimizer state sharded over them (Megatron's distributed optimizer,
 *    ZeRO-1); activations per layer s·h·(34 + 5·a·s/h) bytes, 34·s·h with
 *    selective and 2·s·h with full recomputation, divided by the tensor-parallel
 *    degree (sequence parallel), the first pipeline stage holding min(m, p)
 *    micro-batches in flight (1F1B schedule; Korthikanti et al. 2022, table 2).
 *  - Context parallelism splits each sequence over cp GPUs (causal load-balanced
 *    chunks): each holds s/cp tokens' activations, does 1/cp of the sequence's work,
 *    and passes its keys and values around the ring, cp − 1 steps a layer forward
 *    and twice that backward, hidden behind the attention it feeds (ring attention,
 *    Liu et al. 2023; Llama 3's all-gather variant moves the same bytes). Gradients
 *    and the optimizer's shards span the dp · cp ranks.
 *  - Time: matmuls at an achievable efficiency of the peak, memory-bound kernels at
 *    HBM bandwidth, tensor-parallel all-reduces on the scale-up fabric (exposed),
 *    the gradient reduce-scatter and parameter all-gather on the scale-out network
 *    less what hides behind one micro-batch's compute, the 1F1B bubble (p − 1)
 *    micro-batch slots, and MoE all-to-all (exposed).
 */
#include "perfmodel.h"
#include "util.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#define MEMORY_USABLE 0.90          /* CUDA context, NCCL buffers, fragmentation */
#define ACTIVATION_BYTES 34.0       /* per token per hidden unit per layer, sequence parallel */
#define FULL_RECOMPUTE_BYTES 2.0    /* only each layer's input is kept */
/*
 * HBM bytes that layer norms, residual adds, activation functions and softmax
 * move per token per hidden unit per layer over forward and backward: each of
 * the ~34 bytes of activations written once and read about twice (an estimate).
 */
#define ELEMENTWISE_BYTES 100.0
#define HBM_EFFICIENCY 0.8
#define OPTIMIZER_BYTES 32.0        /* Adam reads and writes fp32 weight, m, v, gradient */
#define GRADIENT_BYTES 2.0          /* BF16 gradients reduce-scattered, BF16 weights gathered */
#define ACTIVATION_VALUE_BYTES 2.0  /* BF16 activations on the wire */
#define NETWORK_HOP_SECONDS 5e-6    /* one ring step between servers (NCCL over IB/RoCE) */
/*
 * The fewest tokens of a sequence one context-parallel rank keeps. Llama 3 split
 * its 131,072-token sequences 16 ways (8,192 a rank) and did not split 8,192-token
 * ones (Dubey et al. 2024, table 4); below that the per-rank attention blocks and
 * the exposed latency of each ring step grow, costs this model does not price.
 */
#define CP_MIN_TOKENS 8192.0

/*
 * Achievable matmul efficiency per accelerator family, calibrated on the published
 * runs in man/aicost-estimate.1 (never on one named run alone), and the size of
 * its scale-up domain (an 8-GPU server; a TPU pod's ICI torus). The communication
 * efficiency is NCCL's bus bandwidth over the nominal link rate, 70–85% in
 * nccl-tests: 0.75 everywhere.
 */
static const struct calibration_row {
	const char *prefix;            /* of the canonical accelerator name; NULL: by kind */
	const char *kind;
	struct perf_calibration c;
} calibrations[] = {
	{ "A100", NULL, { 0.52, 0.75, 8, "A100: Megatron-LM (Narayanan et al. 2021, table 1)" } },
	{ "H100", NULL, { 0.72, 0.75, 8, "H100: Llama 3 (Dubey et al. 2024, table 4)" } },
	{ "H200", NULL, { 0.72, 0.75, 8, "as H100 (same compute)" } },
	{ "H800", NULL, { 0.72, 0.75, 8, "as H100 (same compute)" } },
	{ "TPU-v4", NULL, { 0.62, 0.75, 4096, "TPU v4: PaLM (Chowdhery et al. 2022)" } },
	{ "TPU-v5p", NULL, { 0.62, 0.75, 8960, "as TPU v4; 8,960-chip pods" } },
	{ NULL, "tpu", { 0.62, 0.75, 256, "as TPU v4; 256-chip pods" } },
	{ NULL, "asic", { 0.55, 0.75, 16, "not calibrated: 0.55 assumed; 16-chip instances" } },
	{ NULL, NULL, { 0.55, 0.75, 8, "not calibrated: 0.55 assumed" } },
};

const struct perf_calibration *perf_calibration_for(const char *name, const char *kind)
{
	for (size_t i = 0; i < ARRAY_SIZE(calibrations); i++) {
		const struct calibration_row *r = &calibrations[i];

		if (r->prefix && name && strncmp(name, r->prefix, strlen(r->prefix)) == 0)
			return &r->c;
		if (!r->prefix && (!r->kind || (kind && str_ieq(kind, r->kind))))
			return &r->c;
	}
	return &calibrations[ARRAY_SIZE(calibrations) - 1].c;
}

const char *recompute_name(enum recompute_mode r)
{
	switch (r) {
	case RECOMPUTE_SELECTIVE: return "selective";
	case RECOMPUTE_FULL: return "full";
	default: return "none";
	}
}

/* Attention score and value matmuls per token, forward, causal: 2·L·h·s. */
static double attention_forward_flops(const struct perf_model *m)
{
	return 2.0 * m->layers * (double)m->hidden * m->seq_len;
}

double perf_model_flops_per_token(const struct perf_model *m)
{
	return 6.0 * m->active_params + 3.0 * attention_forward_flops(m);
}

double perf_flops_per_token(const struct perf_model *m)
{
	double flops = perf_model_flops_per_token(m);

	if (m->recompute == RECOMPUTE_FULL)
		flops += 2.0 * m->active_params + attention_forward_flops(m);
	else if (m->recompute == RECOMPUTE_SELECTIVE)
		flops += attention_forward_flops(m);
	return flops;
}

/*
 * A dense transformer has N ≈ 12·L·h² parameters; published shapes keep h ≈ 128·L
 * (Llama 2 7B 4096/32, 13B 5120/40, GPT-3 12288/96), so L = (N / (12·128²))^(1/3),
 * and 128-wide heads, a multiple of 8 of them so that tensor parallelism divides them.
 */
void perf_infer_shape(struct perf_model *m)
{
	double n = m->active_params > 0 ? m->active_params : m->params;
	double layers = round(cbrt(n / (12.0 * 128.0 * 128.0)));

	if (layers < 2)
		layers = 2;
	m->layers = (int)layers;
	m->heads = (int)fmax(8, round(sqrt(n / (12.0 * layers)) / 1024.0) * 8.0);
	m->hidden = m->heads * 128;
	if (m->kv_heads <= 0)
		m->kv_heads = m->heads;
}

/* Parameters held by the busiest GPU: its stage's layers, its experts. */
static double params_per_gpu(const struct perf_model *m, const struct perf_layout *l)
{
	double experts_total = 0, dense, stage_share;

	if (m->experts > 1 && m->experts_per_token < m->experts && m->params > m->active_params) {
		/* N = dense + E·e and N_active = dense + k·e give each expert's size e. */
		double each = (m->params - m->active_params) / (m->experts - m->experts_per_token);

		experts_total = each * m->experts;
	}
	dense = m->params - experts_total;
	stage_share = ceil((double)m->layers / l->pp) / m->layers;
	return (dense / l->tp + experts_total / ((double)l->tp * l->ep)) * stage_share;
}

/* Activation bytes per token per layer per hidden unit kept for the backward pass. */
static double activation_bytes(const struct perf_model *m)
{
	switch (m->recompute) {
	case RECOMPUTE_FULL: return FULL_RECOMPUTE_BYTES;
	case RECOMPUTE_SELECTIVE: return ACTIVATION_BYTES;
	default: return ACTIVATION_BYTES + 5.0 * m->heads * m->seq_len / m->hidden;
	}
}

/* The context-parallel degree; 0 (unset) is 1. */
static int cp_of(const struct perf_layout *l)
{
	return l->cp > 1 ? l->cp : 1;
}

double perf_memory_bytes(const struct perf_model *m, const struct perf_layout *l)
{
	double params = params_per_gpu(m, l);
	double replicated = fmin(m->state_bytes_per_param, 4.0);
	double sharded = m->state_bytes_per_param - replicated;
	double state = params * (replicated + sharded / ((double)l->dp * cp_of(l)));
	int stage_layers = (m->layers + l->pp - 1) / l->pp;
	int in_flight = l->microbatches < l->pp ? l->microbatches : l->pp;
	/* One sequence's share on this GPU, in units of bytes per value. */
	double per_layer = m->seq_len / cp_of(l) * m->hidden / l->tp;
	double activations = stage_layers * (double)in_flight * per_layer * activation_bytes(m);

	/* The interleaved schedule keeps (1 + (p − 1)/(p·v)) times as much in flight. */
	if (l->chunks > 1)
		activations *= 1.0 + (l->pp - 1.0) / ((double)l->pp * l->chunks);

	if (m->recompute == RECOMPUTE_FULL)   /* one layer recomputed at a time */
		activations += per_layer * ACTIVATION_BYTES;
	return state + activations;
}

/* Seconds for a ring all-reduce of BYTES over N ranks at BANDWIDTH (one direction). */
static double allreduce_seconds(double bytes, int n, double bandwidth)
{
	if (n <= 1)
		return 0;
	return 2.0 * (n - 1) / n * bytes / bandwidth;
}

int perf_step_at(const struct perf_model *m, const struct perf_cluster *c,
		 const struct perf_layout *l, struct perf_step *out)
{
	double sequences = m->batch_tokens / m->seq_len;
	int cp = cp_of(l);
	int gpus_used = l->tp * cp * l->pp * l->dp;
	int gradient_ranks = l->dp * cp;
	double stage_share, tokens, matmul_flops, attention_flops, matmul_s, memory_s, micro_s;
	double tp_s, ep_s, dp_s, pp_s, cp_s, optimizer_s, bubble_s, step_s, passes;
	double scaleup = c->scaleup_bytes_per_s * c->comm_efficiency;
	double scaleout = c->scaleout_bytes_per_s * c->comm_efficiency;
	double peak = m->fp8 && c->fp8_flops > 0 ? c->fp8_flops : c->bf16_flops;

	memset(out, 0, sizeof(*out));
	if (l->tp < 1 || l->pp < 1 || l->dp < 1 || l->ep < 1 || gpus_used > c->gpus ||
	    l->tp > c->scaleup_domain || l->pp > m->layers || l->dp > floor(sequences + 1e-9) ||
	    l->chunks < 1 || l->chunks > (m->layers + l->pp - 1) / l->pp ||
	    (l->chunks > 1 && sequences / l->dp < l->pp) ||
	    (m->heads > 0 && m->heads % l->tp != 0) || l->dp % l->ep != 0 ||
	    (l->ep > 1 && (m->experts < l->ep || m->experts % l->ep != 0)) ||
	    (cp > 1 && (m->seq_len / cp < CP_MIN_TOKENS || fmod(m->seq_len, 2.0 * cp) != 0)))
		return -1;
	out->layout = *l;
	if (!whole_to_int(ceil(sequences / l->dp - 1e-9), 1, INT_MAX, &out->layout.microbatches))
		return -1;
	out->memory_bytes = perf_memory_bytes(m, &out->layout);
	if (out->memory_bytes > c->memory_bytes * MEMORY_USABLE)
		return -1;

	/* One micro-batch (one sequence, its s/cp tokens here) through the busiest stage on one GPU. */
	stage_share = ceil((double)m->layers / l->pp) / m->layers;
	tokens = m->seq_len / cp;
	attention_flops = (perf_flops_per_token(m) - (m->recompute == RECOMPUTE_FULL ? 8.0 : 6.0) *
			   m->active_params) * tokens * stage_share / l->tp;
	matmul_flops = (m->recompute == RECOMPUTE_FULL ? 8.0 : 6.0) * m->active_params * tokens *
		       stage_share / l->tp;
	/* FP8 speeds the weight matmuls; attention and everything memory-bound stay as they are. */
	matmul_s = matmul_flops / (peak * c->matmul_efficiency) +
		   attention_flops / (c->bf16_flops * c->matmul_efficiency);
	passes = m->recompute == RECOMPUTE_FULL ? 4.0 / 3.0 : 1.0;
	memory_s = passes * ELEMENTWISE_BYTES * m->hidden * m->layers * stage_share * tokens /
		   l->tp / (c->hbm_bytes_per_s * HBM_EFFICIENCY);
	/* Two all-reduces a layer forward, two backward, two more when the forward is redone. */
	tp_s = (m->recompute == RECOMPUTE_FULL ? 6 : 4) * m->layers * stage_share *
	       allreduce_seconds(tokens * m->hidden * ACTIVATION_VALUE_BYTES, l->tp, scaleup);
	ep_s = 0;
	if (l->ep > 1) {
		/* Dispatch and combine, forward and backward: k copies of each token's hidden state. */
		double bytes = tokens / l->tp * m->experts_per_token * m->hidden *
			       ACTIVATION_VALUE_BYTES * (l->ep - 1) / l->ep;
		double bandwidth = l->tp * l->ep <= c->scaleup_domain ? scaleup : scaleout;

		ep_s = (m->recompute == RECOMPUTE_FULL ? 6 : 4) * m->layers * stage_share * bytes /
		       bandwidth;
	}
	/* Each chunk boundary sends the activations on, forward and backward. */
	pp_s = l->pp > 1 ? 2.0 * l->chunks * tokens * m->hidden / l->tp * ACTIVATION_VALUE_BYTES /
		(l->tp * l->pp <= c->scaleup_domain ? scaleup : scaleout) : 0;
	cp_s = 0;
	if (cp > 1) {
		/*
		 * Each rank's keys and values (kv_heads of hidden/heads each, split over
		 * TP, at least one head) go cp − 1 steps round the ring: once forward,
		 * and keys, values and their gradients backward; hidden behind the
		 * attention matmuls they feed.
		 */
		double head_dim = (double)m->hidden / m->heads;
		double kv_per_rank = fmax(1.0, (double)m->kv_heads / l->tp) * head_dim;
		double bytes = 2.0 * tokens * kv_per_rank * ACTIVATION_VALUE_BYTES * (cp - 1);
		double bandwidth = l->tp * cp <= c->scaleup_domain ? scaleup : scaleout;
		double rings = m->recompute == RECOMPUTE_FULL ? 4.0 : 3.0;
		double attention_s = attention_flops / (c->bf16_flops * c->matmul_efficiency);

		cp_s = fmax(0, rings * m->layers * stage_share * bytes / bandwidth - attention_s);
	}
	micro_s = matmul_s + memory_s + tp_s + ep_s + pp_s + cp_s;
	/* 1F1B idles p − 1 micro-batch slots; v interleaved chunks shrink each slot v-fold. */
	bubble_s = (l->pp - 1) * micro_s / l->chunks;

	/*
	 * Gradients reduce-scattered and weights all-gathered across the data-parallel
	 * ranks, in a hierarchy: the ranks that share a scale-up domain (tensor parallel
	 * innermost, then data parallel) first, then 1/that of the bytes over the network.
	 */
	{
		double bytes = params_per_gpu(m, &out->layout) * GRADIENT_BYTES;
		int inside = gpus_used <= c->scaleup_domain ? gradient_ranks :
			l->tp >= c->scaleup_domain ? 1 : c->scaleup_domain / l->tp;

		if (inside > gradient_ranks)
			inside = gradient_ranks;
		int across = (gradient_ranks + inside - 1) / inside;

		dp_s = allreduce_seconds(bytes, inside, scaleup) +
		       allreduce_seconds(bytes / inside, across, scaleout);
		/* One reduce-scatter and one all-gather a layer, each n − 1 ring steps. */
		dp_s += m->layers * stage_share * 2.0 * (across - 1) * NETWORK_HOP_SECONDS;
	}
	/*
	 * The gradient reduce-scatter (half the traffic) hides behind the last backward
	 * (2/3 of a micro-batch's compute), the weight all-gather behind the first forward.
	 */
	dp_s = fmax(0, dp_s / 2 - (matmul_s + memory_s) * 2 / 3) +
	       fmax(0, dp_s / 2 - (matmul_s + memory_s) / 3);
	optimizer_s = params_per_gpu(m, &out->layout) * OPTIMIZER_BYTES / gradient_ranks /
		      (c->hbm_bytes_per_s * HBM_EFFICIENCY);

	step_s = out->layout.microbatches * micro_s + bubble_s + dp_s + optimizer_s;
	out->model_flops_per_token = perf_model_flops_per_token(m);
	out->flops_per_token = perf_flops_per_token(m);
	out->step_seconds = step_s;
	out->compute_seconds = out->layout.microbatches * (matmul_s + memory_s) + optimizer_s;
	out->tp_seconds = out->layout.microbatches * tp_s;
	out->ep_seconds = out->layout.microbatches * ep_s;
	out->dp_seconds = dp_s;
	out->bubble_seconds = bubble_s;
	out->pp_seconds = out->layout.microbatches * pp_s;
	out->cp_seconds = out->layout.microbatches * cp_s;
	out->gpus_used = gpus_used;
	out->tokens_per_second = m->batch_tokens / step_s;
	out->mfu = out->flops_per_token * out->tokens_per_second / (gpus_used * c->bf16_flops);
	return 0;
}

/* Is A a better choice than B: faster, then fewer GPUs, then less model parallelism? */
static bool better(const struct perf_step *a, const struct perf_step *b)
{
	if (b->step_seconds <= 0)
		return true;
	if (a->step_seconds < b->step_seconds * (1 - 1e-9))
		return true;
	if (a->step_seconds > b->step_seconds * (1 + 1e-9))
		return false;
	if (a->gpus_used != b->gpus_used)
		return a->gpus_used < b->gpus_used;
	return a->layout.tp * a->layout.pp * cp_of(&a->layout) <
	       b->layout.tp * b->layout.pp * cp_of(&b->layout);
}

static void consider(const struct perf_model *m, const struct perf_cluster *c,
		     const struct perf_layout *l, struct perf_step *best)
{
	struct perf_step step;

	if (perf_step_at(m, c, l, &step) == 0 && better(&step, best))
		*best = step;
}

/* The widest context parallelism M allows: a power of two keeping CP_MIN_TOKENS a rank. */
static int max_context_parallel(const struct perf_model *m)
{
	int cp = 1;

	while (m->seq_len / (cp * 2) >= CP_MIN_TOKENS && fmod(m->seq_len, 4.0 * cp) == 0)
		cp *= 2;
	return cp;
}

/*
 * TP a power of two within the scale-up domain, CP a power of two (long sequences
 * only), PP each distinct stage size (the fewest stages that give it), DP as wide
 * as the GPUs and the batch allow, or the narrowest with the same micro-batch
 * count; EP a power of two dividing DP.
 */
static int search_layout(const struct perf_model *m, const struct perf_cluster *c,
			 struct perf_step *out)
{
	double sequences = m->batch_tokens / m->seq_len;
	int max_dp_batch = (int)fmin(floor(sequences + 1e-9), 1e9);
	int max_cp = max_context_parallel(m);

	memset(out, 0, sizeof(*out));
	for (int tp = 1; tp <= c->scaleup_domain && tp <= c->gpus; tp *= 2) {
		for (int cp = 1; cp <= max_cp && tp * cp <= c->gpus; cp *= 2) {
			int last_stage = 0;

			for (int pp = 1; pp <= m->layers && tp * cp * pp <= c->gpus; pp++) {
				int stage = (m->layers + pp - 1) / pp;
				int dp = c->gpus / (tp * cp * pp);

				if (pp > 1 && stage == last_stage)
					continue;
				last_stage = stage;
				if (dp > max_dp_batch)
					dp = max_dp_batch;
				if (dp < 1)
					break;
				for (int ep = 1; ep <= dp; ep *= 2) {
					int micro, narrow;

					if (!whole_to_int(ceil(sequences / dp - 1e-9), 1, INT_MAX, &micro) ||
					    !whole_to_int(ceil(sequences / micro - 1e-9), 1, INT_MAX,
							  &narrow))
						break;   /* no batch that large is planned */
					if (ep > 1 && m->experts < ep)
						break;
					for (int chunks = 1; chunks <= stage; chunks *= 2) {
						struct perf_layout l = { tp, pp, dp, ep, 0, chunks, cp };

						consider(m, c, &l, out);
						if (narrow < dp && narrow % ep == 0) {
							l.dp = narrow;
							consider(m, c, &l, out);
						}
						/* Fewer ranks can win where latency, not bandwidth, rules. */
						for (l.dp = ep; l.dp < narrow; l.dp *= 2)
							consider(m, c, &l, out);
						if (pp == 1)
							break;
					}
				}
			}
		}
	}
	if (out->step_seconds > 0)
		return 0;
	{
		struct perf_layout widest = { c->scaleup_domain < c->gpus ? c->scaleup_domain : c->gpus,
					      1, 1, 1, 1, 1, 1 };
		int tp = 1, cp = 1;

		while (tp * 2 <= widest.tp && (m->heads <= 0 || m->heads % (tp * 2) == 0))
			tp *= 2;
		while (cp * 2 <= max_cp && tp * cp * 2 <= c->gpus)
			cp *= 2;
		widest.tp = tp;
		widest.cp = cp;
		widest.pp = c->gpus / (tp * cp) < m->layers ? c->gpus / (tp * cp) : m->layers;
		if (widest.pp < 1)
			widest.pp = 1;
		widest.microbatches = widest.pp;
		error_set("needs %.4g GB per accelerator even split %d-way tensor, %d-way context "
			  "and %d-way pipeline parallel, more than %.4g GB × %.0f%% usable; use more "
			  "or larger accelerators, recompute: full, or a smaller seq_len",
			  perf_memory_bytes(m, &widest) / 1e9, widest.tp, widest.cp, widest.pp,
			  c->memory_bytes / 1e9, MEMORY_USABLE * 100);
	}
	return -1;
}

/*
 * The last layouts found. The search is a pure function of the model and the
 * cluster, and a run asks it the same question again: compare prices one chip
 * for several deployments, and training runs that differ only in their tokens
 * share a model. Only successes are kept (a failure's message comes from the
 * search).
 */
static struct layout_memo {
	struct perf_model m;
	struct perf_cluster c;
	struct perf_step step;
} layout_memo[8];
static size_t layout_memo_n, layout_memo_next;

/* Every field (a new one must be added here: the sizes below say so). */
static bool same_model(const struct perf_model *a, const struct perf_model *b)
{
	_Static_assert(sizeof(struct perf_model) == 8 * 4 + 4 * 4 + 4 * 2 + 8 + 8,
		       "same_model compares every field of struct perf_model");
	return a->params == b->params && a->active_params == b->active_params &&
	       a->layers == b->layers && a->hidden == b->hidden && a->heads == b->heads &&
	       a->kv_heads == b->kv_heads && a->seq_len == b->seq_len &&
	       a->batch_tokens == b->batch_tokens && a->experts == b->experts &&
	       a->experts_per_token == b->experts_per_token && a->fp8 == b->fp8 &&
	       a->recompute == b->recompute &&
	       a->state_bytes_per_param == b->state_bytes_per_param;
}

static bool same_cluster(const struct perf_cluster *a, const struct perf_cluster *b)
{
	_Static_assert(sizeof(struct perf_cluster) == 4 * 2 + 8 * 8,
		       "same_cluster compares every field of struct perf_cluster");
	return a->gpus == b->gpus && a->scaleup_domain == b->scaleup_domain &&
	       a->bf16_flops == b->bf16_flops && a->fp8_flops == b->fp8_flops &&
	       a->memory_bytes == b->memory_bytes && a->hbm_bytes_per_s == b->hbm_bytes_per_s &&
	       a->scaleup_bytes_per_s == b->scaleup_bytes_per_s &&
	       a->scaleout_bytes_per_s == b->scaleout_bytes_per_s &&
	       a->matmul_efficiency == b->matmul_efficiency &&
	       a->comm_efficiency == b->comm_efficiency;
}

int perf_best_layout(const struct perf_model *m, const struct perf_cluster *c,
		     struct perf_step *out)
{
	struct layout_memo *slot;

	for (size_t i = 0; i < layout_memo_n; i++)
		if (same_model(&layout_memo[i].m, m) && same_cluster(&layout_memo[i].c, c)) {
			*out = layout_memo[i].step;
			return 0;
		}
	if (search_layout(m, c, out) < 0)
		return -1;
	slot = &layout_memo[layout_memo_next];
	layout_memo_next = (layout_memo_next + 1) % ARRAY_SIZE(layout_memo);
	if (layout_memo_n < ARRAY_SIZE(layout_memo))
		layout_memo_n++;
	slot->m = *m;
	slot->c = *c;
	slot->step = *out;
	return 0;
}

double perf_checkpoint_interval(double write_hours, double interruptions_per_hour)
{
	/*
	 * Young (1974), Daly (2006): writes cost δ/τ of the time, interruptions λ·τ/2;
	 * their sum is least at τ = sqrt(2·δ/λ).
	 */
	if (!(interruptions_per_hour > 0))
		return NAN;
	return sqrt(2.0 * write_hours / interruptions_per_hour);
}

void perf_goodput(const struct perf_goodput_input *in, struct perf_goodput *out)
{
	double io_hours = in->storage_bytes_per_s > 0 ?
		in->checkpoint_bytes / in->storage_bytes_per_s / 3600.0 : 0;
	double interval = in->checkpoint_interval_hours;

	if (isnan(interval))
		interval = perf_checkpoint_interval(io_hours, in->interruptions_per_hour);
	out->checkpoint_interval_hours = interval;
	out->checkpoint_write_hours = io_hours;
	out->goodput = 1.0;
	out->lost_hours_each = 0;
	if (isnan(interval))
		return;   /* nothing interrupts the job: no checkpoint is needed */
	/* Half an interval of work redone on average, the restart, and reading the checkpoint. */
	out->lost_hours_each = interval / 2.0 + in->restart_hours + io_hours;
	/* The job pauses while each checkpoint is written. */
	out->goodput = 1.0 - (interval > 0 ? io_hours / interval : 0) -
		       in->interruptions_per_hour * out->lost_hours_each;
}
