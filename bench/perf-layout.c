/*
 * Benchmark (not a test): choosing the layout of a 405B model (Llama 3's shape)
 * on 16,384 H100 with perf_best_layout, for each recompute setting, at 8k and at
 * 128k context (where context parallelism joins the search), timed over many
 * repetitions. Built and run by bench/perf.sh.
 */
#include "perfmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 200;
	struct perf_model m = {
		.params = 405e9, .active_params = 405e9, .layers = 126, .hidden = 16384,
		.heads = 128, .kv_heads = 8, .seq_len = 8192, .batch_tokens = 16777216,
		.state_bytes_per_param = 16,
	};
	struct perf_cluster c = {
		.gpus = 16384, .scaleup_domain = 8, .bf16_flops = 989e12, .fp8_flops = 1979e12,
		.memory_bytes = 80e9, .hbm_bytes_per_s = 3.35e12, .scaleup_bytes_per_s = 450e9,
		.scaleout_bytes_per_s = 50e9, .matmul_efficiency = 0.72, .comm_efficiency = 0.75,
	};

	for (double seq = 8192; seq <= 131072; seq *= 16) {
		m.seq_len = seq;
		for (int mode = RECOMPUTE_NONE; mode <= RECOMPUTE_FULL; mode++) {
			struct perf_step step;
			double start, each_ms;
			int rc = 0;

			m.recompute = (enum recompute_mode)mode;
			start = seconds();
			for (int i = 0; i < runs; i++)
				rc = perf_best_layout(&m, &c, &step);
			each_ms = (seconds() - start) / runs * 1000;
			if (rc == 0)
				printf("405B, %6.0f-token sequences, on 16,384 H100, recompute %-9s "
				       "%.3f ms per choice: tp%d cp%d pp%d dp%d v%d, step %.2f s, "
				       "MFU %.1f%%\n", seq, recompute_name(m.recompute), each_ms,
				       step.layout.tp, step.layout.cp, step.layout.pp, step.layout.dp,
				       step.layout.chunks, step.step_seconds, step.mfu * 100);
			else
				printf("405B, %6.0f-token sequences, on 16,384 H100, recompute %-9s "
				       "%.3f ms per choice: nothing fits\n", seq,
				       recompute_name(m.recompute), each_ms);
		}
	}
	return 0;
}
