/*
 * The inference performance model (infermodel.h). Terms, per replica of TP × PP
 * accelerators holding BATCH sequences, split into PP micro-batches of b = B/PP:
 *  - Memory: weights and the KV cache of every slot at full context, with 10%
 *    headroom; the busiest pipeline stage holds ceil(L/PP) of the L layers; KV
 *    heads are replicated when TP exceeds kv_heads (GQA).
 *  - Prefill of P = input × (1 − prefix_cache_hit) new tokens ending a context of
 *    C = input tokens: 2·N·P for the weights plus causal attention
 *    2·L·heads·head_dim·(C² − (C − P)²) (QKᵀ and A·V over the earlier positions),
 *    so a long prompt costs more than linearly. Compute-bound unless tiny.
 *  - A decode step of b sequences reads the weights once (MoE: only the experts its
 *    tokens use) and each sequence's KV cache at its mean length over the answer
 *    (C + output/2), and does 2·N + 4·L·heads·head_dim·(C + output/2) FLOPs a token.
 *  - Tensor parallel: two all-reduces a layer of tokens × hidden × 2 bytes, ring
 *    cost 2·(TP − 1)/TP of it over the scale-up fabric plus a fixed latency each;
 *    pipeline parallel: (PP − 1) activation transfers between servers a pass, on
 *    the scale-out network. Both exposed (decode has nothing to hide them behind).
 *  - Speculative decoding: k drafted tokens verified in one target step accept
 *    E = (1 − a^(k+1)) / (1 − a) tokens on average (Leviathan et al. 2023, eq. 1);
 *    each step costs k draft steps plus a target step over k + 1 tokens.
 *  - Continuous batching with chunked prefill: in one cycle every slot finishes an
 *    answer and admits a new prompt; the prompts' chunks ride in the decode steps,
 *    so the cycle is max(FLOPs / peak, bytes / bandwidth) over all of it plus the
 *    communication: cycle = max((b·F_prefill + S·F_step) / F, S·B_step / BW) + S·comm,
 *    S = output / E steps; but never less than a slot's own prompt followed by
 *    its S steps (at small batches nothing else hides the prompt).
 *  - Queueing: requests arrive as a Poisson process; a replica is B servers each
 *    held for a cycle (M/D/c). The chance to wait is Erlang C for the offered load
 *    a = λ·cycle; waits beyond t fall as C·exp(−(B − a)·t / (cycle·k)) with
 *    k = (1 + cv²)/2 = ½ for fixed service times (Kingman's M/G/c scaling). The
 *    percentile wait is never taken below the mean wait. TPOT at the mean number of
 *    busy slots (ρ·b), its p95 at the Poisson p95 of that count.
 */
#include "infermodel.h"
#include "strbuf.h"
#include "util.h"

#include <limits.h>

#include <math.h>
#include <string.h>

#define MEMORY_HEADROOM 1.10       /* activations, fragmentation, CUDA context */
#define MAX_BATCH 1024             /* serving frameworks cap concurrent sequences about here */
#define MAX_PIPELINE 16            /* servers a replica is split over before it is refused */
#define ACTIVATION_BYTES 2.0       /* BF16 activations on the wire */
/*
 * Fixed cost of one all-reduce on a server's scale-up fabric: an estimate of
 * NCCL's small-message latency on one NVLink server (nccl-tests report single-
 * digit to tens of microseconds); it dominates decode's small messages.
 */
#define ALLREDUCE_SECONDS 8e-6
#define NETWORK_HOP_SECONDS 5e-6   /* one transfer between servers, as perfmodel.c */
#define KINGMAN_FIXED_SERVICE 0.5  /* (1 + cv²)/2 with cv = 0 */
#define MAX_REPLICAS 1e7
/*
 * Expert parallelism: servers a replica's experts may be spread over (powers of
 * two up to 32: DeepSeek-V3 serves its 256 experts on 18 to 40 servers), and the
 * bytes a token's hidden state takes to its experts (FP8 for 8-bit models, as
 * DeepEP dispatches) and back (BF16, as it combines).
 */
#define MAX_EXPERT_SERVERS 32
#define COMBINE_BYTES 2.0

int infer_layout_gpus(const struct infer_layout *l)
{
	return l->ep > 1 ? l->ep : l->tp * l->pp;
}

double infer_expert_params(const struct infer_model *m)
{
	int e = m->experts, k = m->experts_per_token;

	if (e <= 0 || k <= 0 || e <= k || !(m->active_params < m->params))
		return 0;
	/* params = dense + E·expert, active = dense + k·expert */
	return (m->params - m->active_params) / (e - k);
}

/* Parameters every token uses: attention, dense layers, shared experts, embeddings. */
static double dense_params(const struct infer_model *m)
{
	/* never negative: scenario.c refuses sizes that would make it so */
	return fmax(0, m->params - m->experts * infer_expert_params(m));
}

/* The chance one expert is chosen by at least one of TOKENS tokens (k of E each). */
static double expert_hit(const struct infer_model *m, double tokens)
{
	return 1.0 - pow(1.0 - (double)m->experts_per_token / m->experts, tokens);
}

/* Experts on the busiest accelerator of an expert-parallel layout. */
static double experts_per_gpu(const struct infer_model *m, const struct infer_layout *l)
{
	return ceil((double)m->experts / l->ep);
}

/* Multi-head latent attention: one cached latent a token for all heads. */
static bool latent_attention(const struct infer_model *m)
{
	return m->kv_lora_rank > 0;
}

double infer_kv_bytes_per_token(const struct infer_model *m)
{
	if (latent_attention(m))
		return (double)m->layers * (m->kv_lora_rank + m->rope_head_dim) * m->kv_value_bytes;
	return 2.0 * m->layers * m->kv_heads * (double)m->head_dim * m->kv_value_bytes;
}

/* Layers whose tokens go to experts (and through the all-to-all). */
static double moe_layers(const struct infer_model *m)
{
	return m->dense_layers > 0 && m->dense_layers < m->layers ? m->layers - m->dense_layers
		: m->layers;
}

double infer_draft_kv_bytes_per_token(const struct infer_model *m)
{
	if (!(m->draft_params > 0) || m->lookahead <= 0)
		return 0;
	return infer_kv_bytes_per_token(m) * pow(m->draft_params / m->params, 2.0 / 3.0);
}

/*
 * QKᵀ and A·V of one query token against one earlier position, all layers (2
 * FLOPs a multiply-add): 4·heads·head_dim a layer. MLA in DECODE attends in the
 * latent space, the key and value up-projections absorbed into the query and the
 * output (FlashMLA): scores over rank + rope values, values over the rank, for
 * every head, 2·heads·(2·rank + rope); its prefill expands the latent into keys
 * of head_dim + rope and values of head_dim, 2·heads·(2·head_dim + rope).
 */
static double attention_pair_flops(const struct infer_model *m, bool decode)
{
	double per_layer = 4.0 * m->heads * (double)m->head_dim;

	if (latent_attention(m))
		per_layer = 2.0 * m->heads * (decode ? 2.0 * m->kv_lora_rank + m->rope_head_dim :
					      2.0 * m->head_dim + m->rope_head_dim);
	return per_layer * m->layers;
}

/* Matmul FLOPs one attention FLOP is worth: attention kernels run at 16 bits. */
static double attention_weight(const struct infer_hw *hw)
{
	return hw->attention_flops > 0 ? hw->flops / hw->attention_flops : 1.0;
}

/* Attention FLOPs of NEW tokens ending a context of CONTEXT tokens. */
static double prefill_attention_flops(const struct infer_model *m, double context,
				      double new_tokens)
{
	double earlier = context - new_tokens;

	/* Σ over the new positions i of pair · i ≈ pair / 2 · (C² − (C − P)²). */
	return attention_pair_flops(m, false) / 2.0 * (context * context - earlier * earlier);
}

double infer_prefill_flops(const struct infer_model *m, double context, double new_tokens)
{
	return 2.0 * m->active_params * new_tokens +
		prefill_attention_flops(m, context, new_tokens);
}

double infer_prefill_cost(const struct infer_model *m, const struct infer_hw *hw,
			  double context, double new_tokens)
{
	return 2.0 * m->active_params * new_tokens +
		attention_weight(hw) * prefill_attention_flops(m, context, new_tokens);
}

static int drafted(const struct infer_model *m)
{
	return m->draft_params > 0 && m->lookahead > 0 ? m->lookahead : 0;
}

double infer_tokens_per_step(const struct infer_model *m)
{
	int k = drafted(m);
	double a = m->acceptance;

	if (k == 0 || !(a > 0))
		return 1.0;
	if (a >= 1)
		return k + 1.0;
	return (1.0 - pow(a, k + 1)) / (1.0 - a);
}

static double kv_replication(const struct infer_model *m, int tp)
{
	if (latent_attention(m))
		return tp;   /* every rank holds its sequences' whole latent */
	return m->kv_heads > 0 && tp > m->kv_heads ? (double)tp / m->kv_heads : 1.0;
}

/*
 * Bytes a decode step reads per cached byte: 1, or, when the kernel loads each KV
 * head once per query head, the query heads a rank's KV head serves (heads /
 * kv_heads, or heads / TP where the KV heads are replicated).
 */
static double kv_read_factor(const struct infer_model *m, int tp)
{
	if (!m->kv_read_per_query_head || latent_attention(m) || m->kv_heads <= 0)
		return 1.0;
	return m->heads / (m->kv_heads * kv_replication(m, tp));
}

bool infer_fits(const struct infer_model *m, const struct infer_hw *hw,
		const struct infer_layout *l)
{
	double stage_share = ceil((double)m->layers / l->pp) / m->layers;
	double weights = m->params * m->weight_bytes;
	double context = m->input_tokens + m->output_tokens;
	double kv = infer_kv_bytes_per_token(m) * context * l->batch * kv_replication(m, l->tp);
	/* The draft model, weights and KV cache, beside every tensor-parallel rank's share. */
	double draft = m->draft_params * m->weight_bytes +
		infer_draft_kv_bytes_per_token(m) * context * l->batch;
	double per_gpu = ((weights + kv) * stage_share + draft) / l->tp;

	if (l->ep > 1)   /* dense part in TP, its share of the experts, its groups' sequences */
		per_gpu = dense_params(m) * m->weight_bytes / l->tp + m->draft_params *
			m->weight_bytes / l->tp + experts_per_gpu(m, l) * infer_expert_params(m) *
			m->weight_bytes + (kv + draft - m->draft_params * m->weight_bytes) / l->ep;
	return l->pp <= m->layers && per_gpu * MEMORY_HEADROOM <= hw->memory_bytes;
}

/*
 * Weight bytes read to process TOKENS tokens at once: each reads its active
 * weights once; with the experts known, the ones chosen by at least one token.
 */
static double weights_read(const struct infer_model *m, double tokens)
{
	double expert = infer_expert_params(m);

	if (expert > 0)
		return (dense_params(m) + m->experts * expert * expert_hit(m, tokens)) *
			m->weight_bytes;
	return fmin(m->params, tokens * m->active_params) * m->weight_bytes;
}

/*
 * Accelerators sharing the dense work of SEQS sequences: the tensor-parallel
 * group, or under expert parallelism the data-parallel attention groups busy.
 */
static double dense_lanes(const struct infer_layout *l, double seqs)
{
	if (l->ep <= 1)
		return l->tp;
	return fmin((double)l->ep / l->tp, fmax(1.0, ceil(seqs - 1e-9))) * l->tp;
}

/*
 * The work of a pass (or of a cycle of passes) in the two kinds of kernel each
 * layer runs one after the other: the weights' matmuls, and attention over the
 * KV cache.
 */
struct work {
	double matmul_flops;           /* 2 · active parameters a token */
	double attention_cost;         /* attention FLOPs, weighted to the matmuls' rate */
	double kv;                     /* KV cache bytes read */
	double tokens;                 /* tokens through the weights in all */
	double passes;                 /* passes over the weights */
	double pass_tokens;            /* tokens in each pass: the experts they touch */
};

/*
 * The busiest accelerator's expert work against the mean when TOKENS tokens,
 * k experts each chosen at random, are spread over EP accelerators: the largest
 * of EP counts of mean λ = tokens·k/EP is about λ + sqrt(2·λ·ln EP) (balls into
 * bins); never more than every token at each of the experts it holds.
 */
static double expert_imbalance(const struct infer_model *m, const struct infer_layout *l,
			       double tokens)
{
	double mean = tokens * m->experts_per_token / l->ep;
	double most = mean + sqrt(2.0 * mean * log(l->ep));

	if (!(mean > 0))
		return 1.0;
	return fmax(1.0, fmin(most, tokens * fmin(m->experts_per_token,
						  experts_per_gpu(m, l))) / mean);
}

/*
 * One accelerator's share (the busiest's) of W over SEQS sequences: seconds at
 * the roofline of each kind of kernel, added, since a layer's matmuls and its
 * attention run one after the other, each bound by its own resource (the
 * matmuls by FLOPs or the weights read, attention by FLOPs or the KV cache
 * read). Without expert parallelism "one accelerator" is a tensor-parallel rank
 * of each pipeline stage in turn.
 */
static double work_seconds(const struct infer_model *m, const struct infer_hw *hw,
			   const struct infer_layout *l, double seqs, const struct work *w)
{
	double lanes = l->ep > 1 ? dense_lanes(l, seqs) : l->tp, expert = infer_expert_params(m);
	double flops = w->matmul_flops / lanes, bytes;

	if (l->ep <= 1) {
		bytes = w->passes * weights_read(m, w->pass_tokens) / l->tp;
	} else {
		double expert_flops = 2.0 * expert * m->experts_per_token * w->tokens;

		flops += expert_flops * (expert_imbalance(m, l, w->pass_tokens) / l->ep - 1 / lanes);
		bytes = w->passes * (dense_params(m) * m->weight_bytes / l->tp +
				     experts_per_gpu(m, l) * expert * m->weight_bytes *
				     expert_hit(m, w->pass_tokens));
	}
	return fmax(flops / hw->flops, bytes / hw->bandwidth) +
		fmax(w->attention_cost / lanes / hw->flops, w->kv / lanes / hw->bandwidth);
}

double infer_all_to_all_seconds(const struct infer_model *m, const struct infer_hw *hw,
				const struct infer_layout *l, double seqs, double tokens)
{
	double servers = (double)l->ep / hw->node_size, senders = dense_lanes(l, seqs);
	double dispatch = m->weight_bytes <= 1 ? 1.0 : ACTIVATION_BYTES;
	/* The busiest sender's copies: each token goes to k experts and comes back. */
	double bytes = tokens / senders * m->experts_per_token * m->hidden *
		(dispatch + COMBINE_BYTES) * moe_layers(m);

	if (l->ep <= 1)
		return 0;
	return bytes * ((servers - 1) / servers / hw->scaleout_bytes_per_s +
			1 / servers / hw->scaleup_bytes_per_s);
}

/*
 * Seconds of W over SEQS sequences with its expert all-to-all (each of its
 * passes paying two network hops an expert layer), of which *EXPOSED not hidden
 * behind compute: the all-to-all after the compute, or, once each attention
 * group has two tokens to split, two micro-batches alternating so that one's
 * all-to-all hides behind the other's compute (DeepSeek-V3's serving, SGLang's
 * two-batch overlap), whichever is sooner: each micro-batch streams the weights
 * it uses, so a memory-bound pass reads them twice.
 */
static double with_all_to_all(const struct infer_model *m, const struct infer_hw *hw,
			      const struct infer_layout *l, double seqs, struct work w,
			      double *exposed)
{
	double a2a, one, two;

	*exposed = 0;
	one = work_seconds(m, hw, l, seqs, &w);
	if (l->ep <= 1)
		return one;
	a2a = infer_all_to_all_seconds(m, hw, l, seqs, w.tokens) +
		w.passes * 2.0 * moe_layers(m) * NETWORK_HOP_SECONDS;
	*exposed = a2a;
	if (w.pass_tokens / dense_lanes(l, seqs) * l->tp < 2)
		return one + a2a;
	w.passes *= 2;
	w.pass_tokens /= 2;
	two = work_seconds(m, hw, l, seqs, &w);
	if (fmax(two, a2a) >= one + a2a)
		return one + a2a;
	*exposed = fmax(0, a2a - two);
	return fmax(two, a2a);
}

/*
 * Tensor- and pipeline-parallel transfers of TOKENS tokens' (of SEQS sequences)
 * activations through the model.
 */
static double comm_seconds(const struct infer_model *m, const struct infer_hw *hw,
			   const struct infer_layout *l, double seqs, double tokens, bool latency)
{
	double bytes = tokens * m->hidden * ACTIVATION_BYTES, s = 0;

	if (l->ep > 1)   /* each attention group all-reduces its own tokens */
		bytes *= (double)l->tp / dense_lanes(l, seqs);
	if (l->tp > 1)
		s += 2.0 * m->layers * ((latency ? ALLREDUCE_SECONDS : 0) +
					2.0 * (l->tp - 1) / l->tp * bytes / hw->scaleup_bytes_per_s);
	if (l->pp > 1)
		s += (l->pp - 1) * ((latency ? NETWORK_HOP_SECONDS : 0) +
				    bytes / (l->tp * hw->scaleout_bytes_per_s));
	return s;
}

/* The uncached prompt of one request. */
static double prompt_tokens(const struct infer_model *m)
{
	return m->input_tokens * (1.0 - m->prefix_cache_hit);
}

/* Mean context a decode step attends to over the answer. */
static double decode_context(const struct infer_model *m)
{
	return m->input_tokens + m->output_tokens / 2.0;
}

/* One verification step of N sequences (k + 1 tokens each). */
static void verify_work(const struct infer_model *m, const struct infer_hw *hw,
			const struct infer_layout *l, double n, struct work *w)
{
	double tokens = n * (drafted(m) + 1);

	w->matmul_flops = tokens * 2.0 * m->active_params;
	w->attention_cost = tokens * attention_weight(hw) * attention_pair_flops(m, true) *
		decode_context(m);
	w->kv = n * infer_kv_bytes_per_token(m) * decode_context(m) * kv_replication(m, l->tp) *
		kv_read_factor(m, l->tp);
	w->tokens = w->pass_tokens = tokens;
	w->passes = 1;
}

/* The uncached prompts of N requests in one pass. */
static void prompt_work(const struct infer_model *m, const struct infer_hw *hw, double n,
			struct work *w)
{
	double p = prompt_tokens(m);

	w->matmul_flops = n * 2.0 * m->active_params * p;
	w->attention_cost = n * attention_weight(hw) * prefill_attention_flops(m, m->input_tokens, p);
	w->kv = 0;
	w->tokens = w->pass_tokens = n * p;
	w->passes = 1;
}

/*
 * The draft model's k steps for N sequences, run in each tensor-parallel (or
 * attention) group: its weights and its KV cache at the mean context.
 */
static double draft_seconds(const struct infer_model *m, const struct infer_hw *hw,
			    const struct infer_layout *l, double n)
{
	double lanes = dense_lanes(l, n), flops = n * 2.0 * m->draft_params;
	double bytes = m->draft_params * m->weight_bytes / l->tp +
		n * infer_draft_kv_bytes_per_token(m) * decode_context(m) / lanes;

	return drafted(m) * fmax(flops / (lanes * hw->flops), bytes / hw->bandwidth);
}

/* N requests' uncached prompts in one pass (N = 1: one alone on an idle replica). */
static double prompts_seconds(const struct infer_model *m, const struct infer_hw *hw,
			      const struct infer_layout *l, double n)
{
	struct work w;
	double exposed;

	prompt_work(m, hw, n, &w);
	return with_all_to_all(m, hw, l, n, w, &exposed) +
		comm_seconds(m, hw, l, n, w.tokens, true);
}

/*
 * One verification step of N sequences, with the communication not hidden
 * behind it in *EXPOSED.
 */
static double step_seconds(const struct infer_model *m, const struct infer_hw *hw,
			   const struct infer_layout *l, double n, double *exposed)
{
	struct work w;
	double step, comm;

	verify_work(m, hw, l, n, &w);
	step = with_all_to_all(m, hw, l, n, w, exposed);
	comm = comm_seconds(m, hw, l, n, w.tokens, true);
	*exposed += comm;
	return step + comm + draft_seconds(m, hw, l, n);
}

/*
 * A slot's holding time when N sequences of a micro-batch are busy: every one
 * finishes an answer and admits a new prompt (chunked into the decode steps);
 * with static batching the N prompts are prefilled together, then the N
 * answers decoded together.
 */
static double cycle_seconds(const struct infer_model *m, const struct infer_hw *hw,
			    const struct infer_layout *l, double n)
{
	double p = prompt_tokens(m), steps, step_comm, shared, own, exposed;
	struct work prompts, step, all;

	if (m->output_tokens <= 0)
		return prompts_seconds(m, hw, l, n);
	steps = m->output_tokens / infer_tokens_per_step(m);
	if (m->static_batching)
		return prompts_seconds(m, hw, l, n) + steps * step_seconds(m, hw, l, n, &exposed);
	prompt_work(m, hw, n, &prompts);
	verify_work(m, hw, l, n, &step);
	all.matmul_flops = prompts.matmul_flops + steps * step.matmul_flops;
	all.attention_cost = prompts.attention_cost + steps * step.attention_cost;
	all.kv = steps * step.kv;
	all.tokens = prompts.tokens + steps * step.tokens;
	all.passes = steps;
	all.pass_tokens = step.tokens;
	step_comm = steps * (comm_seconds(m, hw, l, n, step.tokens, true) +
			     draft_seconds(m, hw, l, n));
	shared = with_all_to_all(m, hw, l, n, all, &exposed) + step_comm +
		comm_seconds(m, hw, l, n, n * p, false);
	/* A slot's own prompt cannot overlap its own answer. */
	own = prompts_seconds(m, hw, l, 1) + steps * step_seconds(m, hw, l, n, &exposed);
	return fmax(shared, own);
}

void infer_time(const struct infer_model *m, const struct infer_hw *hw,
		const struct infer_layout *l, struct infer_timing *out)
{
	double b = (double)l->batch / l->pp, exposed;

	memset(out, 0, sizeof(*out));
	out->tokens_per_step = infer_tokens_per_step(m);
	/* Statically batched, a prompt's first token waits for the batch's prompts. */
	out->prefill_s = prompts_seconds(m, hw, l, m->static_batching ? b : 1);
	if (m->output_tokens > 0) {
		out->step_s = step_seconds(m, hw, l, b, &exposed) / out->tokens_per_step;
		out->comm_s = exposed / out->tokens_per_step;
	}
	out->cycle_s = cycle_seconds(m, hw, l, b);
	out->requests_per_s = l->batch / out->cycle_s;
	out->tokens_per_s = out->requests_per_s * (m->input_tokens + m->output_tokens);
}

double infer_erlang_c(int c, double a)
{
	double b = 1.0;

	if (a >= c)
		return 1.0;
	if (a <= 0)
		return 0.0;
	/* Erlang B by its recursion, then C = c·B / (c − a·(1 − B)). */
	for (int k = 1; k <= c; k++)
		b = a * b / (k + a * b);
	return c * b / (c - a * (1.0 - b));
}

/* The P-quantile of the wait (never below the mean wait). */
static double wait_quantile(double erlang, double theta, double p, double mean)
{
	double w = KINGMAN_FIXED_SERVICE * log(erlang / (1.0 - p)) / theta;

	return w > mean ? w : mean;
}

void infer_latency(const struct infer_model *m, const struct infer_hw *hw,
		   const struct infer_layout *l, const struct infer_timing *t,
		   double requests_per_s, struct infer_latency *out)
{
	double a = requests_per_s * t->cycle_s, b = (double)l->batch / l->pp;
	double erlang, theta, mean, busy, busy95, first, first95;

	out->utilisation = a / l->batch;
	out->ttft = out->ttft_p95 = out->ttft_p99 = NAN;
	out->tpot = out->tpot_p95 = NAN;
	if (out->utilisation >= 1.0 - 1e-12)
		return;   /* the queue grows without bound */
	erlang = infer_erlang_c(l->batch, a);
	theta = (l->batch - a) / t->cycle_s;
	mean = KINGMAN_FIXED_SERVICE * erlang / theta;
	/* Busy slots of a micro-batch: the request's own and a Poisson share of the rest. */
	busy = fmin(b, fmax(1.0, out->utilisation * b));
	busy95 = fmin(b, busy + 1.6449 * sqrt(busy));
	if (m->output_tokens <= 0) {
		/* An embedding is done when the prompts batched with it are through. */
		first = cycle_seconds(m, hw, l, busy);
		first95 = cycle_seconds(m, hw, l, busy95);
	} else {
		/* The prompt is prefilled after the step in progress. */
		first = first95 = t->prefill_s + t->step_s * t->tokens_per_step;
	}
	out->ttft = first + mean;
	out->ttft_p95 = first95 + wait_quantile(erlang, theta, 0.95, mean);
	out->ttft_p99 = first95 + wait_quantile(erlang, theta, 0.99, mean);
	if (m->output_tokens <= 0)
		return;
	out->tpot = cycle_seconds(m, hw, l, busy) / m->output_tokens;
	out->tpot_p95 = cycle_seconds(m, hw, l, busy95) / m->output_tokens;
}

static bool within(double value, double target)
{
	return isnan(target) || (!isnan(value) && value <= target * (1 + 1e-12));
}

static bool any_target(const struct infer_targets *g)
{
	return !isnan(g->ttft) || !isnan(g->ttft_p95) || !isnan(g->ttft_p99) ||
		!isnan(g->tpot) || !isnan(g->tpot_p95);
}

static bool meets(const struct infer_latency *lat, const struct infer_targets *g)
{
	return within(lat->ttft, g->ttft) && within(lat->ttft_p95, g->ttft_p95) &&
		within(lat->ttft_p99, g->ttft_p99) && within(lat->tpot, g->tpot) &&
		within(lat->tpot_p95, g->tpot_p95);
}

/*
 * Replicas of L that serve PEAK within the targets; 0 when no number does, INFINITY
 * when only more than MAX_REPLICAS would.
 */
static double replicas_needed(const struct infer_model *m, const struct infer_hw *hw,
			      const struct infer_layout *l, const struct infer_timing *t,
			      const struct infer_targets *g, double peak, int min_replicas)
{
	struct infer_latency lat;
	double low, high;

	low = fmax(min_replicas, ceil(peak / t->requests_per_s - 1e-9));
	if (!any_target(g))
		return low;
	/* No load at all is the best any count can do. */
	infer_latency(m, hw, l, t, 0, &lat);
	if (!meets(&lat, g))
		return 0;
	infer_latency(m, hw, l, t, peak / low, &lat);
	if (meets(&lat, g))
		return low;
	high = low;
	do {
		low = high;
		high *= 2;
		if (high > MAX_REPLICAS)
			return INFINITY;
		infer_latency(m, hw, l, t, peak / high, &lat);
	} while (!meets(&lat, g));
	/* Latency falls as replicas are added: the fewest that meet the targets. */
	while (high - low > 1) {
		double mid = floor((low + high) / 2);

		infer_latency(m, hw, l, t, peak / mid, &lat);
		if (meets(&lat, g))
			high = mid;
		else
			low = mid;
	}
	return high;
}

/*
 * The largest batch L holds (0 when not even one request fits); the cap on
 * concurrent sequences is per serving engine: each data-parallel attention
 * group of an expert-parallel replica is one.
 */
static int largest_batch(const struct infer_model *m, const struct infer_hw *hw,
			 struct infer_layout l)
{
	int lo = 1, hi = l.ep > 1 ? MAX_BATCH * (l.ep / l.tp) : MAX_BATCH;

	l.batch = 1;
	if (!infer_fits(m, hw, &l))
		return 0;
	while (lo < hi) {
		l.batch = lo + (hi - lo + 1) / 2;
		if (infer_fits(m, hw, &l))
			lo = l.batch;
		else
			hi = l.batch - 1;
	}
	return lo;
}

/* Tries batch B on layout L; keeps it in BEST when it needs fewer accelerators. */
static void try_batch(const struct infer_model *m, const struct infer_hw *hw,
		      struct infer_layout l, int b, const struct infer_targets *g, double peak,
		      int min_replicas, struct infer_plan *best, double *best_gpus)
{
	struct infer_timing t;
	double replicas;

	l.batch = b;
	infer_time(m, hw, &l, &t);
	if (!within(t.cycle_s, g->deadline))
		return;   /* a request of this batch would end after the job's deadline */
	replicas = replicas_needed(m, hw, &l, &t, g, peak, min_replicas);
	if (isinf(replicas))
		best->beyond_max_replicas = true;
	if (replicas <= 0 || isinf(replicas) || (*best_gpus > 0 && replicas * infer_layout_gpus(&l) >= *best_gpus))
		return;
	*best_gpus = replicas * infer_layout_gpus(&l);
	best->layout = l;
	best->replicas = replicas > INT_MAX ? INT_MAX : (int)replicas;
	best->timing = t;
	infer_latency(m, hw, &l, &t, peak / replicas, &best->latency);
}

/* Every batch worth trying on L: the largest, and powers of two below it. */
static void try_layout(const struct infer_model *m, const struct infer_hw *hw,
		       struct infer_layout l, int batch, const struct infer_targets *g,
		       double peak, int min_replicas, struct infer_plan *best, double *best_gpus)
{
	int largest = largest_batch(m, hw, l);
	struct infer_timing alone;

	if (largest == 0)
		return;
	/* One request alone, a micro-batch of one in each stage: how soon it can end. */
	l.batch = l.pp;
	if (l.batch <= largest) {
		infer_time(m, hw, &l, &alone);
		if (best->fastest_s == 0 || alone.cycle_s < best->fastest_s) {
			best->fastest_s = alone.cycle_s;
			best->fastest = l;
		}
	}
	if (batch > 0) {
		if (batch <= largest)
			try_batch(m, hw, l, batch, g, peak, min_replicas, best, best_gpus);
		return;
	}
	try_batch(m, hw, l, largest, g, peak, min_replicas, best, best_gpus);
	if (!any_target(g) && isnan(g->deadline))
		return;   /* the largest batch serves the most per accelerator */
	for (int b = 1; b < largest; b *= 2)
		try_batch(m, hw, l, b, g, peak, min_replicas, best, best_gpus);
}

static bool tp_divides(const struct infer_model *m, int tp)
{
	return m->heads <= 0 || (m->heads >= tp && m->heads % tp == 0) || tp == 1;
}

/* "TTFT 500 ms, TPOT p95 50 ms": the targets given. */
static void targets_text(const struct infer_targets *g, struct strbuf *sb)
{
	const struct { double value; const char *name; } all[] = {
		{ g->ttft, "TTFT" }, { g->ttft_p95, "TTFT p95" }, { g->ttft_p99, "TTFT p99" },
		{ g->tpot, "TPOT" }, { g->tpot_p95, "TPOT p95" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		if (!isnan(all[i].value))
			strbuf_addf(sb, "%s%s %.4g ms", sb->len ? ", " : "", all[i].name,
				    all[i].value * 1000);
}

/* The message when the targets are missed even by one request alone on the widest layout. */
static int explain_missed(const struct infer_model *m, const struct infer_hw *hw,
			  const struct infer_targets *g, struct infer_layout l, int batch)
{
	struct infer_timing t;
	struct infer_latency lat;
	struct strbuf slo = STRBUF_INIT, got = STRBUF_INIT;

	if (l.pp == 1)
		for (l.tp = hw->node_size; l.tp > 1 && !tp_divides(m, l.tp); l.tp /= 2)
			;
	l.batch = batch > 0 ? batch : 1;
	if (!infer_fits(m, hw, &l)) {
		error_set("batch %d needs %.6g GB of KV cache besides %.6g GB of weights: more "
			  "than %d accelerators hold; give a smaller batch", batch,
			  infer_kv_bytes_per_token(m) * (m->input_tokens + m->output_tokens) *
			  batch / 1e9, m->params * m->weight_bytes / 1e9, infer_layout_gpus(&l));
		return -1;
	}
	infer_time(m, hw, &l, &t);
	infer_latency(m, hw, &l, &t, 0, &lat);
	targets_text(g, &slo);
	strbuf_addf(&got, "TTFT %.1f ms", lat.ttft * 1000);
	if (!isnan(lat.tpot))
		strbuf_addf(&got, " and TPOT %.1f ms", lat.tpot * 1000);
	error_set("the SLO cannot be met: even %d-way tensor parallel%s at batch %d with no "
		  "queue gives %s (SLO: %s); %s", l.tp, l.ep > 1 ? " with the experts over servers" :
		  l.pp > 1 ? " in a pipeline over servers" : "", l.batch, got.buf, slo.buf, l.batch > 1 ? "try a smaller batch" :
		  "one request alone misses it: relax the SLO, shorten the prompt or answer, "
		  "or use a faster accelerator");
	strbuf_release(&slo);
	strbuf_release(&got);
	return -1;
}

/* The message when no layout holds even one request. */
static void explain_no_fit(const struct infer_model *m, const struct infer_hw *hw)
{
	double weights = m->params * m->weight_bytes;
	double kv = infer_kv_bytes_per_token(m) * (m->input_tokens + m->output_tokens);
	double need = (weights + kv + m->draft_params * m->weight_bytes) * MEMORY_HEADROOM;
	double gpus = ceil(need / hw->memory_bytes);

	if (hw->no_cluster_fabric) {
		error_set("weights (%.6g GB) and one request's KV cache (%.3g GB) with 10%% "
			  "headroom need %.6g GB, about %.0f accelerators of %.0f GB: more than one "
			  "server of %d holds, and without a cluster fabric a replica cannot span "
			  "servers; use a lower precision (fp8 halves the weights, int4 quarters "
			  "them), an accelerator with more memory, or servers joined by a cluster "
			  "fabric", weights / 1e9, kv / 1e9, need / 1e9, gpus,
			  hw->memory_bytes / 1e9, hw->node_size);
		return;
	}
	error_set("weights (%.6g GB) and one request's KV cache (%.3g GB) with 10%% headroom "
		  "need %.6g GB, about %.0f accelerators of %.0f GB: more than a %d-stage pipeline "
		  "of %d-accelerator servers holds%s; use a lower precision (fp8 halves the weights, "
		  "int4 quarters them) or an accelerator with more memory", weights / 1e9, kv / 1e9,
		  need / 1e9, gpus, hw->memory_bytes / 1e9,
		  m->layers < MAX_PIPELINE ? m->layers : MAX_PIPELINE, hw->node_size,
		  infer_expert_params(m) > 0 ? ", or its experts spread over as many servers as "
		  "they go round" : "");
}

/*
 * A mixture of experts one server cannot hold, spread over 2, 4, … servers
 * (each accelerator at least one expert), its attention and dense layers in
 * data-parallel groups of every tensor-parallel size; WIDEST is set to the first
 * that fits when nothing did before.
 */
static void try_expert_parallel(const struct infer_model *m, const struct infer_hw *hw,
				const struct infer_targets *g, double peak, int min_replicas,
				int batch, struct infer_plan *best, double *best_gpus,
				struct infer_layout *widest)
{
	struct infer_layout l = { 1, 1, 1, 0 };

	if (infer_expert_params(m) <= 0)
		return;
	for (int servers = 2; servers <= MAX_EXPERT_SERVERS &&
	     servers * hw->node_size <= m->experts; servers *= 2) {
		l.ep = servers * hw->node_size;
		for (l.tp = 1; l.tp <= hw->node_size; l.tp *= 2) {
			if (!tp_divides(m, l.tp))
				continue;
			if (widest->tp == 0 && largest_batch(m, hw, l) > 0)
				*widest = l;
			try_layout(m, hw, l, batch, g, peak, min_replicas, best, best_gpus);
		}
	}
}

int infer_plan(const struct infer_model *m, const struct infer_hw *hw,
	       const struct infer_targets *targets, double peak_requests_per_s,
	       int min_replicas, int batch, struct infer_plan *out)
{
	struct infer_layout l = { 1, 1, 1, 0 }, widest = { 0, 0, 1, 0 };
	double best_gpus = 0;

	memset(out, 0, sizeof(*out));
	/* One server: the tensor-parallel sizes that divide the heads. */
	for (l.tp = 1; l.tp <= hw->node_size; l.tp *= 2) {
		if (!tp_divides(m, l.tp))
			continue;
		if (largest_batch(m, hw, l) > 0 && widest.tp == 0)
			widest = l;
		try_layout(m, hw, l, batch, targets, peak_requests_per_s, min_replicas, out,
			   &best_gpus);
	}
	/*
	 * Only a model one server cannot hold is split into stages across servers,
	 * and only where a cluster fabric joins them.
	 */
	if (hw->no_cluster_fabric) {
		/* one server's layouts only */
	} else if (widest.tp == 0) {
		for (l.tp = hw->node_size; l.tp > 1 && !tp_divides(m, l.tp); l.tp /= 2)
			;
		for (l.pp = 2; l.pp <= MAX_PIPELINE && l.pp <= m->layers; l.pp++) {
			if (largest_batch(m, hw, l) > 0 && widest.tp == 0)
				widest = l;
			try_layout(m, hw, l, batch, targets, peak_requests_per_s, min_replicas,
				   out, &best_gpus);
		}
		try_expert_parallel(m, hw, targets, peak_requests_per_s, min_replicas, batch, out,
				    &best_gpus, &widest);
	} else if (widest.tp > 1) {
		/*
		 * A mixture that needs a server's fabric anyway may also spread its
		 * experts over servers, when that serves the traffic on fewer
		 * accelerators (each reads fewer experts, and batches grow).
		 */
		try_expert_parallel(m, hw, targets, peak_requests_per_s, min_replicas, batch, out,
				    &best_gpus, &widest);
	}
	out->one_server_holds = widest.tp > 0 && widest.pp == 1 && widest.ep <= 1;
	if (widest.tp == 0) {
		explain_no_fit(m, hw);
		return -1;
	}
	if (best_gpus > 0)
		return 0;
	if (out->beyond_max_replicas) {
		error_set("%.4g requests/s need more than %.0e replicas, more than any cluster "
			  "holds", peak_requests_per_s, MAX_REPLICAS);
		return -1;
	}
	if (!isnan(targets->deadline) && !any_target(targets)) {
		if (out->fastest_s > targets->deadline)
			error_set("one request takes %.4g s alone on its fastest layout (%d-way "
				  "tensor parallel%s), more than the deadline of %.4g s",
				  out->fastest_s, out->fastest.tp, out->fastest.ep > 1 ?
				  " with the experts over servers" : out->fastest.pp > 1 ?
				  " in a pipeline over servers" : "", targets->deadline);
		else
			error_set("at batch %d a request takes longer than the deadline of %.4g s "
				  "(alone it takes %.4g s); give a smaller batch", batch,
				  targets->deadline, out->fastest_s);
		return -1;
	}
	return explain_missed(m, hw, targets, widest, batch);
}
