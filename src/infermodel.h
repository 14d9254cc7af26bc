/*
 * The inference performance model: where a model is placed (tensor parallel on
 * one server's scale-up fabric, pipeline stages across servers), how long its
 * prefill and decode steps take (weights, KV cache, causal attention, tensor- and
 * pipeline-parallel communication, speculative decoding), what one replica serves
 * under continuous batching, and the queueing delay at a Poisson arrival rate.
 * Pure: no I/O, no globals. man/aicost-estimate.1 lists the formulas and the
 * published figures they were checked on.
 */
#ifndef AICOST_INFERMODEL_H
#define AICOST_INFERMODEL_H

#include <stdbool.h>

struct infer_model {
	double params;                 /* all of them, held in memory */
	double active_params;          /* per token (MoE: its experts) */
	int experts, experts_per_token; /* MoE's routed experts; 0 = dense or not given */
	int layers, hidden, heads, kv_heads, head_dim;
	/*
	 * Multi-head latent attention (DeepSeek's MLA): one cached latent of
	 * kv_lora_rank + rope_head_dim values a token and layer for all heads; 0 =
	 * keys and values per KV head. head_dim is then each head's query/key width
	 * without the rotary part, and its value width.
	 */
	int kv_lora_rank, rope_head_dim;
	int dense_layers;              /* of a mixture of experts: layers without experts */
	bool static_batching;          /* a batch's prompts prefilled together, then its answers
					  decoded together (no in-flight batching) */
	bool kv_read_per_query_head;   /* decode attention loads each KV head once per query
					  head (no grouped-query sharing) */
	double weight_bytes;           /* per parameter */
	double kv_value_bytes;         /* per cached key or value element */
	double input_tokens;           /* per request: the context its answer attends to */
	double output_tokens;          /* per request; 0 = an embedding or classifier */
	double prefix_cache_hit;       /* share of prompt tokens found cached: not prefilled */
	double draft_params;           /* speculative decoding's draft model; 0 = none */
	double acceptance;             /* chance the target accepts one drafted token */
	int lookahead;                 /* tokens drafted per verification step */
};

/* One accelerator at the efficiencies it reaches, and its fabrics (bytes/s, one direction). */
struct infer_hw {
	double flops;                  /* FLOP/s reached in the weights' matmuls */
	double attention_flops;        /* in QKᵀ and A·V (16-bit kernels); 0 = flops */
	double bandwidth;              /* HBM bytes/s reached */
	double memory_bytes;
	double scaleup_bytes_per_s;    /* NVLink, Infinity Fabric, ICI: tensor parallel */
	double scaleout_bytes_per_s;   /* between servers: pipeline stages, expert all-to-all */
	int node_size;                 /* accelerators on one scale-up fabric: the largest TP */
	bool no_cluster_fabric;        /* servers not joined by a network (an offer without a
					  cluster fabric): one-server layouts only */
};

/* Latency targets in seconds; NAN = none. */
struct infer_targets {
	double ttft, ttft_p95, ttft_p99;
	double tpot, tpot_p95;
	double deadline;               /* a batch job's: no request may take longer, from its
					  start to its last token (its cycle at full load) */
};

/*
 * A replica: TP × PP accelerators, or with EP > 1 a mixture of experts spread
 * over EP accelerators on several servers, its attention and dense layers in
 * data-parallel groups of TP (pp is then 1).
 */
struct infer_layout {
	int tp, pp;                    /* tensor parallel within a server, pipeline stages */
	int batch;                     /* concurrent sequences (slots) per replica */
	int ep;                        /* accelerators the experts are spread over; 0/1 = none */
};

/* One replica's timings at its full batch. */
struct infer_timing {
	double prefill_s;              /* one request's uncached prompt on an idle replica */
	double step_s;                 /* one decode step of a micro-batch, per accepted token */
	double comm_s;                 /* of the step: tensor-, pipeline- and expert-parallel
					  transfers not hidden behind compute */
	double cycle_s;                /* a slot's holding time: prompt to last token */
	double tokens_per_step;        /* accepted tokens per verification (1 without drafts) */
	double tokens_per_s;           /* input + output tokens the replica serves */
	double requests_per_s;         /* its capacity: batch / cycle */
};

/* Latency at a replica's share of the peak rate (seconds; NAN = unbounded). */
struct infer_latency {
	double utilisation;            /* arrival rate / capacity */
	double ttft, ttft_p95, ttft_p99;
	double tpot, tpot_p95;         /* NAN for embeddings */
};

struct infer_plan {
	struct infer_layout layout;
	int replicas;
	struct infer_timing timing;
	struct infer_latency latency;
	double fastest_s;              /* one request alone on the layout that serves it
					  soonest: the shortest deadline a batch job can meet */
	struct infer_layout fastest;   /* that layout */
	bool one_server_holds;         /* a one-server layout fits (EP is then for throughput) */
	bool beyond_max_replicas;      /* a layout meets the targets only with more replicas
					  than any cluster holds */
};

/* Accelerators one replica of L takes. */
int infer_layout_gpus(const struct infer_layout *l);
/* One routed expert's parameters over all layers (0 for a dense model). */
double infer_expert_params(const struct infer_model *m);
/* KV cache bytes of one token of one sequence over all layers. */
double infer_kv_bytes_per_token(const struct infer_model *m);
/*
 * The draft model's, for speculative decoding: the target's scaled by
 * (draft_params / params)^(2/3), a smaller model of the same family's shape
 * (layers × KV width grow as params^(2/3) at a fixed aspect ratio); 0 without one.
 */
double infer_draft_kv_bytes_per_token(const struct infer_model *m);
/* Prefill FLOPs of NEW tokens ending a context of CONTEXT tokens (causal attention). */
double infer_prefill_flops(const struct infer_model *m, double context, double new_tokens);
/*
 * The same as seconds of the weights' matmul rate: the attention part scaled
 * by how much slower attention runs (its FLOP/s against the matmuls').
 */
double infer_prefill_cost(const struct infer_model *m, const struct infer_hw *hw,
			  double context, double new_tokens);
/* Accepted tokens per verification step: (1 − a^(k+1)) / (1 − a), 1 without drafts. */
double infer_tokens_per_step(const struct infer_model *m);
/* Does LAYOUT hold the weights and its batch's KV cache (with headroom)? */
bool infer_fits(const struct infer_model *m, const struct infer_hw *hw,
		const struct infer_layout *l);
/* Times one replica at LAYOUT (which must fit). */
void infer_time(const struct infer_model *m, const struct infer_hw *hw,
		const struct infer_layout *l, struct infer_timing *out);
/*
 * Seconds of the expert all-to-all (dispatch and combine, every layer) when
 * TOKENS tokens of SEQS sequences are routed once, bandwidth only; 0 without
 * expert parallelism.
 */
double infer_all_to_all_seconds(const struct infer_model *m, const struct infer_hw *hw,
				const struct infer_layout *l, double seqs, double tokens);
/* Latency of one replica receiving REQUESTS_PER_S (Poisson). */
void infer_latency(const struct infer_model *m, const struct infer_hw *hw,
		   const struct infer_layout *l, const struct infer_timing *t,
		   double requests_per_s, struct infer_latency *out);
/*
 * Erlang C: the chance an arrival waits in an M/M/C queue with offered load A
 * (erlangs); 1 when A >= C.
 */
double infer_erlang_c(int c, double a);

/*
 * The placement and replica count that serve PEAK_REQUESTS_PER_S within TARGETS
 * with the fewest accelerators; BATCH > 0 fixes the batch. Layouts over several
 * servers (pipeline stages, experts spread out) only where a cluster fabric joins
 * them (HW's no_cluster_fabric unset). -1 with a message (error_set) naming what
 * would work when nothing does.
 */
int infer_plan(const struct infer_model *m, const struct infer_hw *hw,
	       const struct infer_targets *targets, double peak_requests_per_s,
	       int min_replicas, int batch, struct infer_plan *out);

#endif
