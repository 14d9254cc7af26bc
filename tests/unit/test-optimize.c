/*
 * The optimizer's arithmetic that needs no store: how many whole instances a
 * service's replicas take, the spare that spot needs, the cluster fabric a
 * replica spanning instances needs and its bandwidth (optimize.h). The
 * demands are built by hand in the shapes the inference model gives
 * (workload.h: tensor_parallel, pipeline_parallel, expert_parallel,
 * gpus_per_replica, replicas).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "optimize.h"
#include "util.h"

static const struct accelerator h100 = {
	.name = "H100-SXM", .kind = "gpu", .memory_gb = 80, .scaleup_gb_s = 900,
	.scaleout_gb_s = 50,
};

static struct workload_demand replicas_of(int replicas, int tp, int pp, int ep)
{
	struct workload_demand d;

	memset(&d, 0, sizeof(d));
	d.tensor_parallel = tp;
	d.pipeline_parallel = pp;
	d.expert_parallel = ep;
	d.gpus_per_replica = ep > 1 ? ep : tp * pp;
	d.replicas = replicas;
	d.gpus = replicas * d.gpus_per_replica;
	return d;
}

/* Instances and spot instances of D on PER_INSTANCE-accelerator instances joined
 * by EFA (3,200 Gb/s an instance, as p5.48xlarge). */
static void assert_instances(int replicas, int tp, int pp, int ep, int per_instance,
			     int want, int want_spot)
{
	struct workload_demand d = replicas_of(replicas, tp, pp, ep);
	int instances = -1, spot = -1;

	assert_int_equal(optimize_replica_instances(&d, per_instance, &h100, 3200, &instances,
						    &spot), 0);
	assert_int_equal(instances, want);
	assert_int_equal(spot, want_spot);
}

/*
 * A replica larger than one instance (DeepSeek-V3 in FP8 on H100: TP 8 x PP 2,
 * 16 GPUs a replica; workload.c places it so) on 8-GPU instances, 3 replicas:
 *   a replica spans 16 / 8 = 2 instances; 3 replicas = 3 x 2 = 6 instances;
 *   spot: losing one instance stops the replica it holds half of, so one more
 *   replica's 2 instances: 6 + 2 = 8.
 * (Sizing by tensor parallelism alone gave 8 / 8 = 1 replica an instance: a
 * spare of 3 + 1 = 4 spot instances, fewer than the 6 the replicas need.)
 */
static void test_pipeline_replica_spans_instances(void **state)
{
	(void)state;
	assert_instances(3, 8, 2, 1, 8, 6, 8);
	/* A 3-stage TP 8 pipeline, 2 replicas: 2 x 3 = 6 instances, spot 6 + 3 = 9. */
	assert_instances(2, 8, 3, 1, 8, 6, 9);
	/* TP 4 x PP 3 = 12 GPUs on 6-GPU instances: one TP 4 stage fits an instance (2
	 * of its GPUs idle), so 12 / 4 = 3 instances a replica; 2 replicas: 6, spot 9. */
	assert_instances(2, 4, 3, 1, 6, 6, 9);
}

/*
 * Experts over servers: EP 16 (attention in TP 2 groups), 5 replicas:
 *   on 8-GPU instances 16 / 8 = 2 a replica: 10 instances, spot 10 + 2 = 12;
 *   on 4-GPU instances 16 / 4 = 4 a replica: 20 instances, spot 20 + 4 = 24.
 */
static void test_expert_replica_spans_instances(void **state)
{
	(void)state;
	assert_instances(5, 2, 1, 16, 8, 10, 12);
	assert_instances(5, 2, 1, 16, 4, 20, 24);
}

/*
 * Replicas inside one instance, as before: TP 2, 5 replicas on 8-GPU instances
 * hold 8 / 2 = 4 replicas each: ceil(5 / 4) = 2 instances, spot 2 + 1 = 3.
 * On 3-GPU instances one TP 2 group fits (a group never straddles two): 5
 * instances, spot 6. One GPU a replica on 1-GPU instances: 7 replicas, 7, 8.
 */
static void test_replicas_inside_one_instance(void **state)
{
	(void)state;
	assert_instances(5, 2, 1, 1, 8, 2, 3);
	assert_instances(5, 2, 1, 1, 3, 5, 6);
	assert_instances(7, 1, 1, 1, 1, 7, 8);
}

/* A tensor-parallel group larger than the instance: refused, naming both. */
static void test_tensor_parallel_group_must_fit_one_instance(void **state)
{
	struct workload_demand d = replicas_of(1, 8, 2, 1);
	int instances, spot;

	(void)state;
	assert_int_equal(optimize_replica_instances(&d, 4, &h100, 3200, &instances, &spot), -1);
	assert_string_equal(error_get(),
			    "a replica needs 8 x H100-SXM (tensor parallel) but one instance holds 4");
	error_clear();
}

/*
 * Without a cluster fabric (fabric 0: lambda's 8-GPU VMs, "none") a replica
 * cannot span instances, as a training job cannot (plan_training):
 *   DeepSeek-V3 TP 8 x PP 2 = 16 GPUs on 8-GPU instances: 16 / 8 = 2 instances a
 *   replica > 1: refused, naming the replica, the count and the size. The counts
 *   are still set: 3 replicas x 2 = 6, spot 6 + 2 = 8 (8 - 6 = 2, the span).
 *   With EFA 3,200 Gb/s the same demand takes those 6 instances.
 *   EP 16 on 4-chip TPU hosts: 16 / 4 = 4 hosts a replica: refused, in chips.
 * A replica inside one instance needs no fabric: TP 2, 5 replicas on 8-GPU
 * instances hold 8 / 2 = 4 each: ceil(5 / 4) = 2 instances, spot 2 + 1 = 3, with
 * a fabric or without.
 */
static void test_spanning_replica_needs_a_cluster_fabric(void **state)
{
	struct workload_demand ds = replicas_of(3, 8, 2, 1), ep = replicas_of(1, 4, 1, 16);
	struct workload_demand small = replicas_of(5, 2, 1, 1);
	struct accelerator tpu = { .name = "TPU-v5p", .kind = "tpu" };
	int instances = -1, spot = -1;

	(void)state;
	assert_int_equal(optimize_replica_instances(&ds, 8, &h100, 0, &instances, &spot), -1);
	assert_string_equal(error_get(), "a replica of 16 H100-SXM spans 2 x 8-GPU instances: "
			    "no cluster fabric");
	error_clear();
	assert_int_equal(instances, 6);
	assert_int_equal(spot - instances, 2);
	assert_int_equal(optimize_replica_instances(&ds, 8, &h100, 3200, &instances, &spot), 0);
	assert_int_equal(instances, 6);
	assert_int_equal(spot, 8);

	assert_int_equal(optimize_replica_instances(&ep, 4, &tpu, 0, &instances, &spot), -1);
	assert_string_equal(error_get(), "a replica of 16 TPU-v5p spans 4 x 4-chip instances: "
			    "no cluster fabric");
	error_clear();

	assert_int_equal(optimize_replica_instances(&small, 8, &h100, 0, &instances, &spot), 0);
	assert_int_equal(instances, 2);
	assert_int_equal(spot, 3);
	assert_int_equal(optimize_replica_instances(&small, 8, &h100, 3200, &instances, &spot), 0);
	assert_int_equal(instances, 2);
	assert_int_equal(spot, 3);
}

/*
 * The accelerator a spanning replica runs on: the offer's fabric shared by its
 * accelerators, one direction, in GB/s (what the inference model takes as the
 * scale-out network for pipeline activations and the expert all-to-all):
 *   EFA on p5: 3,200 Gb/s / 8 bits / 8 GPUs = 50 GB/s a GPU;
 *   RoCE at 400 Gb/s an 8-GPU instance: 400 / 8 / 8 = 6.25 GB/s a GPU;
 *   InfiniBand 1,600 Gb/s over 4 GPUs: 1600 / 8 / 4 = 50 GB/s.
 * The scale-up domain becomes the instance. No fabric (0): the accelerator's own
 * figures, unchanged (a replica inside one instance is priced as before).
 */
static void test_fabric_bandwidth_per_accelerator(void **state)
{
	struct accelerator out;

	(void)state;
	optimize_fabric_accelerator(&h100, 8, 3200, &out);
	assert_float_equal(out.scaleout_gb_s, 50, 1e-12);
	assert_int_equal(out.scaleup_domain, 8);
	optimize_fabric_accelerator(&h100, 8, 400, &out);
	assert_float_equal(out.scaleout_gb_s, 6.25, 1e-12);
	optimize_fabric_accelerator(&h100, 4, 1600, &out);
	assert_float_equal(out.scaleout_gb_s, 50, 1e-12);
	assert_int_equal(out.scaleup_domain, 4);
	optimize_fabric_accelerator(&h100, 8, 0, &out);
	assert_float_equal(out.scaleout_gb_s, 50, 1e-12);
	assert_int_equal(out.scaleup_domain, h100.scaleup_domain);
	assert_float_equal(out.scaleup_gb_s, 900, 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline_replica_spans_instances),
		cmocka_unit_test(test_expert_replica_spans_instances),
		cmocka_unit_test(test_replicas_inside_one_instance),
		cmocka_unit_test(test_tensor_parallel_group_must_fit_one_instance),
		cmocka_unit_test(test_spanning_replica_needs_a_cluster_fabric),
		cmocka_unit_test(test_fabric_bandwidth_per_accelerator),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	error_free();
	return failed;
}
