/*
 * The workload model against published runs (../shared/reference/published-runs.md)
 * and hand-worked inference cases. Accelerators are built by hand from the vendors'
 * datasheets (dense BF16 peaks) so that these tests do not depend on the store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "util.h"
#include "workload.h"

static struct accelerator a100_80 = {
	.name = "A100-80GB", .vendor = "NVIDIA", .kind = "gpu", .memory_gb = 80,
	.bf16_tflops = 312, .fp8_tflops = 0, .hbm_tbps = 2.039, .tdp_w = 400,
};
static struct accelerator h100 = {
	.name = "H100-SXM", .vendor = "NVIDIA", .kind = "gpu", .memory_gb = 80,
	.bf16_tflops = 989, .fp8_tflops = 1979, .hbm_tbps = 3.35, .tdp_w = 700,
};
static struct accelerator v100 = {
	.name = "V100-SXM2-16GB", .vendor = "NVIDIA", .kind = "gpu", .memory_gb = 16,
	.bf16_tflops = 125, .fp8_tflops = 0, .hbm_tbps = 0.9, .tdp_w = 300,
};

/* Relative error within TOLERANCE (e.g. 0.02 for 2%). */
static void assert_within(double got, double want, double tolerance)
{
	if (!(fabs(got - want) <= fabs(want) * tolerance))
		fail_msg("got %.6g, want %.6g (±%g%%, off by %.3f%%)", got, want, tolerance * 100,
			 (got - want) / want * 100);
}

static struct workload training(double params, double tokens, int gpus, double mfu)
{
	struct workload w;

	memset(&w, 0, sizeof(w));
	w.name = "train";
	w.kind = WORKLOAD_TRAINING;
	w.training.params = params;
	w.training.active_params = NAN;
	w.training.tokens = tokens;
	w.training.gpus = gpus;
	w.training.mfu = mfu;
	w.training.gpu_hours = NAN;
	w.training.checkpoint_interval_hours = 1;
	w.training.restart_time_hours = 0.25;
	w.training.deadline_hours = NAN;
	w.training.state_bytes_per_param = 16;
	w.training.precision = PRECISION_BF16;
	w.training.seq_len = NAN;
	w.training.batch_tokens = NAN;
	return w;
}

/*
 * Llama 2 paper, Table 2 (A100-80GB, 2T tokens), with the MFU each figure implies:
 *   7B:  6·7e9·2e12  = 8.4e22  FLOPs / (312e12·0.41·3600 = 4.6051e17) = 182,406 h vs 184,320
 *   13B: 6·13e9·2e12 = 1.56e23 FLOPs / (312e12·0.38·3600 = 4.2682e17) = 365,497 h vs 368,640
 *   34B: 6·34e9·2e12 = 4.08e23 FLOPs / (312e12·0.35·3600 = 3.9312e17) = 1,037,851 h vs 1,038,336
 *   70B: 6·70e9·2e12 = 8.4e23  FLOPs / (312e12·0.44·3600 = 4.9421e17) = 1,699,689 h vs 1,720,320
 * all within 2% (the worst, 70B, is 1.2% low). No interruptions: goodput 1 but
 * for writing each hourly checkpoint (7e9 · 14 bytes at 256 servers' 1 GB/s:
 * 0.38 s an hour, 1e-4 of the time; 1.1e-3 for 70B).
 */
static void test_llama2_gpu_hours_within_2_percent(void **state)
{
	static const struct { double params, mfu, published_gpu_hours; } runs[] = {
		{ 7e9, 0.41, 184320 }, { 13e9, 0.38, 368640 },
		{ 34e9, 0.35, 1038336 }, { 70e9, 0.44, 1720320 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(runs); i++) {
		struct workload w = training(runs[i].params, 2e12, 2048, runs[i].mfu);
		struct workload_demand d;

		assert_int_equal(workload_training_demand(&w, &a100_80, &d), 0);
		assert_within(d.gpu_hours, runs[i].published_gpu_hours, 0.02);
		assert_within(d.goodput, 1.0, 2e-3);
		assert_string_equal(d.accelerator, "A100-80GB");
		/* The assumptions echoed: the BF16 peak, the MFU given, the goodput. */
		assert_within(d.assumptions.peak_tflops, 312, 1e-12);
		assert_int_equal(d.assumptions.precision, PRECISION_BF16);
		assert_within(d.assumptions.mfu, runs[i].mfu, 1e-12);
		assert_within(d.assumptions.goodput, d.goodput, 1e-12);
		assert_true(isnan(d.assumptions.hbm_tb_s) && isnan(d.assumptions.tpot_ms));
		workload_demand_release(&d);
	}
}

/* GPT-3 paper: 175B parameters, 300B tokens, 3.14e23 FLOPs; 6·175e9·300e9 = 3.15e23 (+0.3%). */
static void test_gpt3_flops_within_2_percent(void **state)
{
	struct workload w = training(175e9, 300e9, 10000, 0.3);
	struct workload_demand d;

	(void)state;
	assert_int_equal(workload_training_demand(&w, &v100, &d), 0);
	assert_within(d.flops, 3.14e23, 0.02);
	workload_demand_release(&d);
}

/*
 * Narayanan et al. 2021: 175B on 300B tokens with activation recomputation on 1024
 * A100s at 140 TFLOP/s achieved, about 34 days. 8·175e9·300e9 = 4.2e23 FLOPs;
 * MFU = 140/312; 4.2e23 / (1024 · 140e12) = 2.9297e6 s = 33.9 days.
 */
static void test_megatron_34_days_within_5_percent(void **state)
{
	struct workload w = training(175e9, 300e9, 1024, 140.0 / 312.0);
	struct workload_demand d;

	(void)state;
	w.training.recompute = RECOMPUTE_FULL;
	assert_int_equal(workload_training_demand(&w, &a100_80, &d), 0);
	assert_within(d.flops, 4.2e23, 1e-9);
	assert_within(d.wall_hours / 24, 34, 0.05);
	workload_demand_release(&d);
}

/*
 * Llama 3 paper: 419 interruptions in 54 days on 16,384 GPUs = 7.759 a day.
 * Hourly checkpoints lose 0.5 h each on average plus a 0.25 h restart:
 * goodput = 1 − 7.759/24 · 0.75 = 1 − 0.24248 = 0.75752; GPU-hours grow by 1/goodput.
 * Each checkpoint (8e9 · 14 bytes at 1 GB/s per server of the layout: 14,336 GPUs,
 * 1,792 servers: 0.0625 s = 1.736e-5 h) is read after each restart:
 * 1 − 7.759/24 · (0.75 + 1.736e-5) = 0.757518. The same rate given per GPU-day of
 * the GPUs the layout uses (idle ones do not interrupt it) gives the same answer.
 */
static void test_goodput_from_interruptions(void **state)
{
	struct workload w = training(8e9, 1e12, 16384, 0.4);
	struct workload_demand d, ideal;
	double rate = 419.0 / 54.0, io_hours;
	int used;

	(void)state;
	w.training.batch_tokens = 16777216;
	assert_int_equal(workload_training_demand(&w, &h100, &ideal), 0);
	w.training.interruptions_per_day = rate;
	assert_int_equal(workload_training_demand(&w, &h100, &d), 0);
	used = d.step.gpus_used;
	io_hours = 112e9 / (ceil(used / 8.0) * 1e9) / 3600;
	assert_within(d.goodput, 1 - rate / 24 * (0.75 + io_hours), 1e-12);
	assert_within(d.goodput, 0.757518, 1e-5);
	assert_within(d.gpu_hours, ideal.gpu_hours / d.goodput, 1e-12);
	assert_within(d.wall_hours, d.gpu_hours / 16384, 1e-12);
	workload_demand_release(&d);

	w.training.interruptions_per_day = 0;
	w.training.interruptions_per_gpu_day = rate / used;
	assert_int_equal(workload_training_demand(&w, &h100, &d), 0);
	assert_within(d.goodput, 1 - rate / 24 * (0.75 + io_hours), 1e-12);
	workload_demand_release(&d);
	workload_demand_release(&ideal);
}

/* One interruption an hour losing 12 h each: nothing useful is left. */
static void test_goodput_collapse_is_an_error(void **state)
{
	struct workload w = training(8e9, 1e12, 64, 0.4);
	struct workload_demand d;

	(void)state;
	w.training.interruptions_per_day = 24;
	w.training.checkpoint_interval_hours = 24;
	assert_int_equal(workload_training_demand(&w, &h100, &d), -1);
	assert_non_null(strstr(error_get(), "almost no useful time"));
	assert_null(d.accelerator);
	error_clear();
}

/* 70B × 16 bytes = 1120 GB of training state; 8 × 80 GB = 640 GB; needs ceil(1120/80) = 14. */
static void test_training_state_must_fit(void **state)
{
	struct workload w = training(70e9, 1e9, 8, 0.4);
	struct workload_demand d;

	(void)state;
	assert_int_equal(workload_training_demand(&w, &a100_80, &d), -1);
	assert_non_null(strstr(error_get(), "needs 1120 GB"));
	assert_non_null(strstr(error_get(), "hold 640 GB"));
	assert_non_null(strstr(error_get(), "at least 14 GPUs"));
	error_clear();
	w.training.gpus = 14;
	assert_int_equal(workload_training_demand(&w, &a100_80, &d), 0);
	assert_within(d.memory_needed_gb, 1120, 1e-12);
	workload_demand_release(&d);
	/* LoRA-style: 2 bytes/param of frozen BF16 weights fit 2 GPUs (140 ≤ 160 GB). */
	w.training.gpus = 2;
	w.training.state_bytes_per_param = 2;
	assert_int_equal(workload_training_demand(&w, &a100_80, &d), 0);
	workload_demand_release(&d);
}

/* Regression: a chip imported without its memory size (0 GB) asked for "at least inf GPUs". */
static void test_training_unknown_memory_is_not_checked(void **state)
{
	struct accelerator unknown = h100;
	struct workload w = training(70e9, 1e9, 8, 0.4);
	struct workload_demand d;

	(void)state;
	unknown.memory_gb = 0;
	assert_int_equal(workload_training_demand(&w, &unknown, &d), 0);
	/* 6 · 70e9 · 1e9 = 4.2e20 FLOPs / (989e12 · 0.4 · 3600) = 294.89 GPU-hours */
	assert_within(d.gpu_hours, 4.2e20 / (989e12 * 0.4 * 3600), 1e-12);
	assert_within(d.gpu_hours, 294.89, 1e-4);
	workload_demand_release(&d);
}

/* Mixtral-like MoE: 47B total, 13B active: FLOPs follow the active count, memory the total. */
static void test_moe_uses_active_params(void **state)
{
	struct workload w = training(47e9, 1e12, 64, 0.4);
	struct workload_demand d;

	(void)state;
	w.training.active_params = 13e9;
	assert_int_equal(workload_training_demand(&w, &h100, &d), 0);
	assert_within(d.flops, 6 * 13e9 * 1e12, 1e-12);
	assert_within(d.memory_needed_gb, 47 * 16, 1e-12);
	workload_demand_release(&d);
}

/* Known GPU-hours: 100k hours on 256 GPUs with goodput 1 is 390.625 h of wall time. */
static void test_known_gpu_hours(void **state)
{
	struct workload w = training(NAN, NAN, 256, 0.4);
	struct workload_demand d;

	(void)state;
	w.training.gpu_hours = 100000;
	assert_int_equal(workload_training_demand(&w, &h100, &d), 0);
	assert_within(d.gpu_hours, 100000, 1e-12);
	assert_within(d.wall_hours, 390.625, 1e-12);
	assert_within(d.flops, 100000 * 989e12 * 0.4 * 3600, 1e-12);
	workload_demand_release(&d);
}

static struct workload inference(double params, int layers, int hidden, int heads, int kv_heads)
{
	struct workload w;

	memset(&w, 0, sizeof(w));
	w.name = "serve";
	w.kind = WORKLOAD_INFERENCE;
	w.duration_hours = NAN;
	w.inference.params = params;
	w.inference.active_params = NAN;
	w.inference.layers = layers;
	w.inference.hidden = hidden;
	w.inference.heads = heads;
	w.inference.kv_heads = kv_heads;
	w.inference.head_dim = hidden / heads;
	w.inference.precision = PRECISION_BF16;
	w.inference.kv_precision = PRECISION_BF16;
	w.inference.peak_to_average = 1;
	w.inference.slo_ttft_ms = NAN;
	w.inference.slo_tpot_ms = NAN;
	w.inference.compute_efficiency = 0.5;
	w.inference.bandwidth_efficiency = 0.7;
	w.inference.min_replicas = 1;
	return w;
}

/*
 * 7B (Llama 2 shape: 32 layers, 4096 hidden, 32 heads of 128, MHA) in BF16 on one
 * A100-80GB (312 TFLOP/s, 2.039 TB/s), batch 16, 512 tokens in, 256 out:
 *   weights      = 7e9 · 2 B                      = 14 GB
 *   KV per token = 2 · 32 layers · 32 · 128 · 2 B = 524,288 B; × 768 tokens = 0.40265 GB
 *   fits TP 1:     (14 + 16 · 0.40265) · 1.1       = 22.5 GB ≤ 80 GB
 *   compute      = 312e12 · 0.5 = 156e12 FLOP/s;  bandwidth = 2.039e12 · 0.7 = 1.4273e12 B/s
 *   prefill      = max(2·7e9·512 / 156e12, 14e9 / 1.4273e12) = max(45.949, 9.809) ms = 45.949 ms
 *   decode step  = (14e9 + 524,288 · (512 + 128) · 16 B) / 1.4273e12
 *                = (14e9 + 5.3687e9) / 1.4273e12 = 13.570 ms   (compute 1.436 ms: bandwidth-bound)
 *   TTFT         = 45.949 + 13.570 = 59.519 ms
 *   cycle        = 256 · 13.570 + 16 · 45.949 = 3474.0 + 735.2 = 4209.2 ms
 *   TPOT         = 4209.2 / 256 = 16.442 ms;  throughput = 16 · 768 / 4.2092 s = 2919.3 tokens/s
 *   traffic      = 1M requests/day · 768 = 7.68e8 tokens/day = 8888.9/s; × 2 peak = 17,777.8/s
 *   replicas     = ceil(17,777.8 / 2919.3) = ceil(6.09) = 7; GPU-hours/month = 7 · 730 = 5110
 */
static void test_inference_7b_on_a100(void **state)
{
	struct workload w = inference(7e9, 32, 4096, 32, 32);
	struct workload_demand d;

	(void)state;
	w.inference.batch = 16;
	w.inference.input_tokens = 512;
	w.inference.output_tokens = 256;
	w.inference.requests_per_day = 1e6;
	w.inference.tokens_per_day = 1e6 * 768;
	w.inference.peak_to_average = 2;
	assert_int_equal(workload_inference_demand(&w, &a100_80, &d), 0);
	assert_within(d.weights_gb, 14, 1e-12);
	assert_within(d.kv_cache_gb, 0.402653184, 1e-9);
	assert_int_equal(d.tensor_parallel, 1);
	assert_int_equal(d.batch, 16);
	assert_within(d.prefill_ms, 45.949, 1e-3);
	assert_within(d.decode_ms_per_token, 13.570, 1e-3);
	assert_within(d.tokens_per_second_per_gpu, 2919.3, 1e-3);
	assert_int_equal(d.replicas, 7);
	assert_int_equal(d.gpus, 7);
	assert_within(d.gpu_hours_per_month, 5110, 1e-12);
	assert_within(d.tokens_per_month, 7.68e8 * 730 / 24, 1e-12);
	/* Echoed: 312 TFLOP/s, 2.039 TB/s, the efficiencies, TTFT 59.519 and TPOT 16.442 ms. */
	assert_within(d.assumptions.peak_tflops, 312, 1e-12);
	assert_within(d.assumptions.hbm_tb_s, 2.039, 1e-12);
	assert_within(d.assumptions.compute_efficiency, 0.5, 1e-12);
	assert_within(d.assumptions.bandwidth_efficiency, 0.7, 1e-12);
	assert_within(d.assumptions.ttft_ms, 59.519, 1e-4);
	assert_within(d.assumptions.tpot_ms, 16.442, 1e-4);
	assert_true(isnan(d.assumptions.mfu) && isnan(d.assumptions.goodput));
	workload_demand_release(&d);

	/*
	 * A TTFT SLO of 1 ms at batch 1: even at TP 8 a lone request's prefill is
	 * max(2·7e9·512 / (8·156e12), 14e9 / (8·1.4273e12)) = max(5.744, 1.226) ms.
	 * The message names only the TTFT target (no "TPOT nan") and, at batch 1,
	 * does not suggest a smaller batch.
	 */
	w.inference.batch = 1;
	w.inference.slo_ttft_ms = 1;
	assert_int_equal(workload_inference_demand(&w, &a100_80, &d), -1);
	assert_non_null(strstr(error_get(), "(SLO: TTFT 1 ms)"));
	assert_null(strstr(error_get(), "nan"));
	assert_null(strstr(error_get(), "smaller batch"));
	assert_non_null(strstr(error_get(), "relax the SLO"));
	error_clear();
}

/*
 * 70B (Llama 2 shape: 80 layers, 8192 hidden, 64 heads, 8 KV heads of 128) in BF16
 * on H100-SXM (989 TFLOP/s, 3.35 TB/s, 80 GB), batch 256, 2000 tokens in, 500 out:
 *   weights      = 70e9 · 2 B = 140 GB
 *   KV per token = 2 · 80 · 8 · 128 · 2 B = 327,680 B; × 2500 tokens = 0.8192 GB per request
 *   memory       = (140 + 256 · 0.8192) · 1.1 = 384.7 GB: TP 4 holds 320 GB, TP 8 holds 640
 *   compute      = 8 · 989e12 · 0.5 = 3.956e15 FLOP/s; bandwidth = 8 · 3.35e12 · 0.7 = 18.76e12 B/s
 *   prefill      = max(2·70e9·2000 / 3.956e15, 140e9 / 18.76e12) = max(70.779, 7.463) ms = 70.779 ms
 *   decode step  = (140e9 + 327,680 · (2000 + 250) · 256) / 18.76e12
 *                = (140e9 + 188.74e9) / 18.76e12 = 17.524 ms (compute 9.060 ms)
 *   TTFT         = 70.779 + 17.524 = 88.303 ms
 *   cycle        = 500 · 17.524 + 256 · 70.779 = 8761.8 + 18119.4 = 26,881 ms
 *   TPOT         = 26,881 / 500 = 53.76 ms; throughput = 256 · 2500 / 26.881 s = 23,809 tokens/s
 *                  = 2976.1 per GPU
 *   traffic      = 50B tokens/day = 578,704/s; replicas = ceil(578,704 / 23,809) = 25; 200 GPUs
 */
static void test_inference_70b_on_8_h100(void **state)
{
	struct workload w = inference(70e9, 80, 8192, 64, 8);
	struct workload_demand d;

	(void)state;
	w.inference.batch = 256;
	w.inference.input_tokens = 2000;
	w.inference.output_tokens = 500;
	w.inference.tokens_per_day = 50e9;
	w.inference.requests_per_day = 50e9 / 2500;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), 0);
	assert_within(d.weights_gb, 140, 1e-12);
	assert_within(d.kv_cache_gb, 0.8192, 1e-9);
	assert_int_equal(d.tensor_parallel, 8);
	assert_within(d.prefill_ms, 70.779, 1e-3);
	assert_within(d.decode_ms_per_token, 17.524, 1e-3);
	assert_within(d.tokens_per_second_per_gpu, 2976.1, 1e-3);
	assert_int_equal(d.replicas, 25);
	assert_int_equal(d.gpus, 200);
	workload_demand_release(&d);

	/*
	 * A TPOT SLO of 50 ms: 53.76 ms at TP 8 misses it, and a GPU group stays within
	 * one 8-GPU server (no 16-way tensor parallelism over the network): refused.
	 */
	w.inference.slo_tpot_ms = 50;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), -1);
	assert_non_null(strstr(error_get(), "even 8-way tensor parallel at batch 256 gives "
			       "TTFT 88.3 ms and TPOT 53.8 ms"));
	assert_non_null(strstr(error_get(), "try a smaller batch"));
	error_clear();
	/*
	 * Left to the model, the batch shrinks instead. At TP 8, per request:
	 *   step = 7.4627 ms + b · 327,680 · 2250 / 18.76e12 = 7.4627 + 0.039301·b ms
	 *   TPOT = step + b · 70.779 / 500 = 7.4627 + 0.180859·b ≤ 50  →  b ≤ 235.2: 235
	 *   step = 16.698 ms; cycle = 500 · 16.698 + 235 · 70.779 = 24,982 ms
	 *   throughput = 235 · 2500 / 24.982 s = 23,517/s = 2939.6 per GPU; replicas 25
	 * TP 4 (memory caps b at 184; TPOT caps it at 96) gives 2416.9 per GPU: 60 · 4 = 240.
	 */
	w.inference.batch = 0;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), 0);
	assert_int_equal(d.tensor_parallel, 8);
	assert_int_equal(d.batch, 235);
	assert_within(d.decode_ms_per_token, 16.698, 1e-4);
	assert_within(d.tokens_per_second_per_gpu, 2939.6, 1e-4);
	assert_int_equal(d.replicas, 25);
	assert_int_equal(d.gpus, 200);
	workload_demand_release(&d);
	/* Batch 512 fits 8 GPUs ((140 + 512 · 0.8192) · 1.1 = 615 GB) but cannot meet TPOT 5 ms. */
	w.inference.batch = 512;
	w.inference.slo_tpot_ms = 5;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), -1);
	assert_non_null(strstr(error_get(), "SLO cannot be met"));
	assert_non_null(strstr(error_get(), "try a smaller batch"));
	error_clear();
	/* 100,000 requests × 0.8192 GB of KV = 81,920 GB: no group of 8 × 80 GB holds it. */
	w.inference.batch = 100000;
	w.inference.slo_tpot_ms = NAN;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), -1);
	assert_non_null(strstr(error_get(), "batch 100000 needs 81920 GB of KV cache"));
	error_clear();
}

/*
 * With the batch left to the model, it is the largest that meets the SLO at the
 * smallest TP that holds the model. The 7B above at batch 16 has a TPOT of
 * 16.44 ms; with TPOT ≤ 15 ms the chosen batch is smaller, meets the SLO on one
 * GPU, and one request more no longer does (that batch needs a second GPU).
 * Light traffic (1,000 requests a day) keeps one replica of one GPU the cheapest.
 */
static void test_largest_batch_meeting_slo(void **state)
{
	struct workload w = inference(7e9, 32, 4096, 32, 32);
	struct workload_demand d, more;

	(void)state;
	w.inference.input_tokens = 512;
	w.inference.output_tokens = 256;
	w.inference.requests_per_day = 1000;
	w.inference.tokens_per_day = 1000 * 768;
	w.inference.slo_tpot_ms = 15;
	assert_int_equal(workload_inference_demand(&w, &a100_80, &d), 0);
	assert_int_equal(d.tensor_parallel, 1);
	assert_true(d.batch >= 2 && d.batch < 16);
	w.inference.batch = d.batch + 1;
	assert_int_equal(workload_inference_demand(&w, &a100_80, &more), 0);
	assert_true(more.tensor_parallel > 1);
	workload_demand_release(&more);
	w.inference.batch = d.batch;
	assert_int_equal(workload_inference_demand(&w, &a100_80, &more), 0);
	assert_int_equal(more.tensor_parallel, 1);
	assert_within(more.tokens_per_second_per_gpu, d.tokens_per_second_per_gpu, 1e-12);
	workload_demand_release(&more);
	workload_demand_release(&d);

	/* No SLO: the batch is bounded by memory: (80/1.1 − 14) / 0.40265 = 145.8 → 145. */
	w.inference.batch = 0;
	w.inference.slo_tpot_ms = NAN;
	assert_int_equal(workload_inference_demand(&w, &a100_80, &d), 0);
	assert_int_equal(d.batch, 145);
	workload_demand_release(&d);
}

/*
 * A larger group when it serves the peak with fewer accelerators: 70B in FP8 is
 * 70 GB, so one H100 holds it with room for (80/1.1 − 70)/0.311 = 8 requests of
 * 1,900 tokens (KV 2·80·8·128·1 B = 163,840 B/token); two GPUs hold 8 + 233.
 * At 1B tokens a day (× 2.5 peak) TP 2 needs fewer GPUs in all than 1-GPU replicas.
 */
static void test_tensor_parallel_chosen_for_fewest_gpus(void **state)
{
	struct workload w = inference(70e9, 80, 8192, 64, 8);
	struct workload_demand d, forced;

	(void)state;
	w.inference.precision = PRECISION_FP8;
	w.inference.kv_precision = PRECISION_FP8;
	w.inference.input_tokens = 1500;
	w.inference.output_tokens = 400;
	w.inference.tokens_per_day = 1e9;
	w.inference.requests_per_day = 1e9 / 1900;
	w.inference.peak_to_average = 2.5;
	w.inference.slo_ttft_ms = 1000;
	w.inference.slo_tpot_ms = 60;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), 0);
	assert_true(d.tensor_parallel >= 2);
	/* One-GPU replicas are confined to batch 8 and need more GPUs in all. */
	w.inference.batch = 8;
	assert_int_equal(workload_inference_demand(&w, &h100, &forced), 0);
	assert_int_equal(forced.tensor_parallel, 1);
	assert_true(forced.gpus > d.gpus);
	workload_demand_release(&forced);
	workload_demand_release(&d);
}

/*
 * Mixture of experts (Mixtral 8x7B shape: 46.7B total, 12.9B active per token, 32
 * layers, 8 KV heads of 128) in BF16 on H100-SXM, batch 2, 1000 tokens in, 200 out:
 *   weights      = 46.7e9 · 2 B = 93.4 GB held: (93.4 + 0.157) · 1.1 = 102.9 GB > 80, so TP 2
 *   KV per token = 2 · 32 · 8 · 128 · 2 B = 131,072 B; × 1200 = 0.1572864 GB per request
 *   compute      = 2 · 989e12 · 0.5 = 989e12 FLOP/s; bandwidth = 2 · 3.35e12 · 0.7 = 4.69e12 B/s
 *   prefill      = max(2 · 12.9e9 · 1000 / 989e12, min(93.4e9, 1000 · 25.8e9) / 4.69e12)
 *                = max(26.087, 19.915) ms = 26.087 ms   (dense 46.7B: 94.44 ms)
 *   decode step  = (min(93.4e9, 2 · 25.8e9) + 131,072 · 1100 · 2) / 4.69e12
 *                = (51.6e9 + 0.28836e9) / 4.69e12 = 11.064 ms   (two tokens read two experts' worth)
 *   cycle        = 200 · 11.064 + 2 · 26.087 = 2264.9 ms; 2 · 1200 / 2.2649 s = 1059.65 tokens/s
 *                = 529.83 per GPU
 * At batch 4 the tokens would read 103.2 GB of experts: every weight once, 93.4 GB:
 *   step = (93.4e9 + 131,072 · 1100 · 4) / 4.69e12 = 20.038 ms
 */
static void test_moe_inference_uses_active_params(void **state)
{
	struct workload w = inference(46.7e9, 32, 4096, 32, 8);
	struct workload_demand d;

	(void)state;
	w.inference.active_params = 12.9e9;
	w.inference.batch = 2;
	w.inference.input_tokens = 1000;
	w.inference.output_tokens = 200;
	w.inference.requests_per_day = 1000;
	w.inference.tokens_per_day = 1000 * 1200;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), 0);
	assert_within(d.weights_gb, 93.4, 1e-12);
	assert_within(d.kv_cache_gb, 0.1572864, 1e-9);
	assert_int_equal(d.tensor_parallel, 2);
	assert_within(d.prefill_ms, 26.087, 1e-4);
	assert_within(d.decode_ms_per_token, 11.064, 1e-4);
	assert_within(d.tokens_per_second_per_gpu, 529.83, 1e-4);
	assert_int_equal(d.replicas, 1);
	workload_demand_release(&d);
	w.inference.batch = 4;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), 0);
	assert_within(d.decode_ms_per_token, 20.038, 1e-4);
	workload_demand_release(&d);
}

/*
 * 600B in BF16 is 1200 GB, × 1.1 headroom = 1320 GB (+ KV): more than one server of
 * 8 × 80 GB H100s holds (640 GB), so it is refused rather than split over servers.
 * A TPU slice is one ICI torus: 16 × 95 GB TPU-v5p chips (1520 GB) hold it.
 */
static void test_inference_too_big(void **state)
{
	static struct accelerator v5p = {
		.name = "TPU-v5p", .vendor = "Google", .kind = "tpu", .memory_gb = 95,
		.bf16_tflops = 459, .fp8_tflops = 0, .hbm_tbps = 2.765,
	};
	struct workload w = inference(600e9, 126, 16384, 128, 8);
	struct workload_demand d;

	(void)state;
	w.inference.input_tokens = 1000;
	w.inference.output_tokens = 100;
	w.inference.tokens_per_day = 1e9;
	w.inference.requests_per_day = 1e9 / 1100;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), -1);
	assert_non_null(strstr(error_get(), "do not fit 8 × H100-SXM (80 GB each), the largest "
			       "tensor-parallel group on one server"));
	error_clear();
	assert_int_equal(workload_inference_demand(&w, &v5p, &d), 0);
	assert_int_equal(d.tensor_parallel, 16);
	workload_demand_release(&d);
}

/* Tiny traffic still gets min_replicas; FP8 halves the weights. */
static void test_min_replicas_and_fp8(void **state)
{
	struct workload w = inference(8e9, 32, 4096, 32, 8);
	struct workload_demand d;

	(void)state;
	w.inference.precision = PRECISION_FP8;
	w.inference.kv_precision = PRECISION_FP8;
	w.inference.input_tokens = 800;
	w.inference.output_tokens = 300;
	w.inference.requests_per_day = 10;
	w.inference.tokens_per_day = 11000;
	w.inference.min_replicas = 2;
	assert_int_equal(workload_inference_demand(&w, &h100, &d), 0);
	assert_within(d.weights_gb, 8, 1e-12);
	/* 2 · 32 · 8 · 128 · 1 B = 65,536 B per token × 1100 = 0.0720896 GB */
	assert_within(d.kv_cache_gb, 0.0720896, 1e-9);
	assert_int_equal(d.replicas, 2);
	assert_int_equal(d.gpus, 2);
	workload_demand_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_llama2_gpu_hours_within_2_percent),
		cmocka_unit_test(test_gpt3_flops_within_2_percent),
		cmocka_unit_test(test_megatron_34_days_within_5_percent),
		cmocka_unit_test(test_goodput_from_interruptions),
		cmocka_unit_test(test_goodput_collapse_is_an_error),
		cmocka_unit_test(test_training_state_must_fit),
		cmocka_unit_test(test_training_unknown_memory_is_not_checked),
		cmocka_unit_test(test_moe_uses_active_params),
		cmocka_unit_test(test_known_gpu_hours),
		cmocka_unit_test(test_inference_7b_on_a100),
		cmocka_unit_test(test_inference_70b_on_8_h100),
		cmocka_unit_test(test_largest_batch_meeting_slo),
		cmocka_unit_test(test_tensor_parallel_chosen_for_fewest_gpus),
		cmocka_unit_test(test_moe_inference_uses_active_params),
		cmocka_unit_test(test_inference_too_big),
		cmocka_unit_test(test_min_replicas_and_fp8),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	error_free();
	return failed;
}
