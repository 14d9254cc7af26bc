/*
 * The family table of cluster interconnects (fabric.h). Bandwidth is the
 * instance's share of the cluster network for accelerator traffic, one direction,
 * as the provider publishes it; a family missing here has no cluster fabric.
 */
#include "fabric.h"
#include "util.h"

#include <fnmatch.h>
#include <string.h>

#define AWS_EFA "https://aws.amazon.com/ec2/instance-types/ (accelerated computing: EFA " \
	"bandwidth per instance); https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa.html"
#define AZURE_ND "https://learn.microsoft.com/azure/virtual-machines/sizes/gpu-accelerated/ " \
	"(ND-series: one InfiniBand NIC per GPU)"
#define GCP_GPU "https://cloud.google.com/compute/docs/gpus (A3/A4 machine types: " \
	"GPUDirect-TCPX, TCPXO and RDMA NICs)"
#define GCP_TPU_DCN "https://cloud.google.com/tpu/docs/v5e (per-host NIC 2 x 100 Gbps, " \
	"8 chips per host); https://cloud.google.com/tpu/docs/multislice-introduction " \
	"(slices joined over the data-center network)"

static const struct fabric none = {
	FABRIC_NONE, 0, "no cluster network published for this family", false
};

/*
 * PROVIDER, instance-type glob, accelerators per instance it needs (0 = any) and
 * the fabric. First match wins; anything else is FABRIC_NONE.
 */
static const struct family {
	const char *provider;
	const char *pattern;
	int min_accelerators;
	bool per_accelerator;      /* fabric.gbps is per accelerator, not per instance */
	struct fabric fabric;
} families[] = {
	/* AWS: EFA on the UltraCluster families. */
	{ "aws", "p4d.24xlarge", 0, false, { "efa", 400, AWS_EFA " (p4d: 4 x 100 Gbps)", false } },
	{ "aws", "p4de.24xlarge", 0, false, { "efa", 400, AWS_EFA " (p4de: 4 x 100 Gbps)", false } },
	{ "aws", "p5.48xlarge", 0, false, { "efa", 3200, AWS_EFA " (p5: 3,200 Gbps EFAv2)", false } },
	{ "aws", "p5e.48xlarge", 0, false, { "efa", 3200, AWS_EFA " (p5e: 3,200 Gbps)", false } },
	{ "aws", "p5en.48xlarge", 0, false, { "efa", 3200, AWS_EFA " (p5en: 3,200 Gbps EFAv3)", false } },
	{ "aws", "p6-b200.48xlarge", 0, false, { "efa", 3200, AWS_EFA " (p6-b200: 3,200 Gbps EFAv4)",
					  false } },
	{ "aws", "p6-b300.48xlarge", 0, false, { "efa", 6400, AWS_EFA " (p6-b300: 6,400 Gbps EFAv4)",
					  false } },
	{ "aws", "trn1.32xlarge", 0, false, { "efa", 800, AWS_EFA " (trn1: 800 Gbps)", false } },
	{ "aws", "trn1n.32xlarge", 0, false, { "efa", 1600, AWS_EFA " (trn1n: 1,600 Gbps)", false } },
	{ "aws", "trn2.48xlarge", 0, false, { "efa", 3200, AWS_EFA " (trn2: 3,200 Gbps EFAv3)", false } },
	{ "aws", "g5.48xlarge", 0, false, { "efa", 100, AWS_EFA " (g5.48xlarge: 100 Gbps)", false } },
	/* Azure: InfiniBand on the ND families (200 Gb/s HDR or 400 Gb/s NDR per GPU). */
	{ "azure", "Standard_ND96asr_v4", 0, false, { "infiniband", 1600, AZURE_ND " (8 x 200 Gb/s HDR)",
					       false } },
	{ "azure", "Standard_ND96amsr_A100_v4", 0, false, { "infiniband", 1600,
						     AZURE_ND " (8 x 200 Gb/s HDR)", false } },
	{ "azure", "Standard_ND96is*_v5", 0, false, { "infiniband", 3200, AZURE_ND " (8 x 400 Gb/s NDR)",
					       false } },
	/* Google Cloud: GPUDirect on the 8-GPU A3/A4 machines; TPU slices over DCN. */
	{ "gcp", "a3-highgpu-8g", 0, false, { "gpudirect-tcpx", 800, GCP_GPU " (a3-highgpu-8g: "
				       "4 x 200 Gbps GPUDirect-TCPX)", false } },
	{ "gcp", "a3-megagpu-8g", 0, false, { "gpudirect-tcpxo", 1600, GCP_GPU " (a3-megagpu-8g: "
				       "8 x 200 Gbps GPUDirect-TCPXO)", false } },
	{ "gcp", "a3-ultragpu-8g", 0, false, { "gpudirect-rdma", 3200, GCP_GPU " (a3-ultragpu-8g: "
					"8 x 400 Gbps RDMA)", false } },
	{ "gcp", "a4-highgpu-8g", 0, false, { "gpudirect-rdma", 3200, GCP_GPU " (a4-highgpu-8g: "
				       "8 x 400 Gbps RDMA)", false } },
	/* Multislice needs whole hosts (8 chips on v5e/v6e, 4 on v5p): 25 Gb/s a chip. */
	{ "gcp", "tpu-v5litepod-*", 8, true, { "ici-dcn", 25, GCP_TPU_DCN " (25 Gbps per chip)",
					 false } },
	{ "gcp", "tpu-v6e-*", 8, true, { "ici-dcn", 25, GCP_TPU_DCN " (v6e: assumed as v5e, "
				   "25 Gbps per chip)", true } },
	{ "gcp", "tpu-v5p-*", 4, true, { "ici-dcn", 50, GCP_TPU_DCN " (v5p: assumed 2 x 100 Gbps per "
				   "4-chip host)", true } },
	/* GPU clouds that publish an InfiniBand fabric for their 8-GPU nodes. */
	{ "coreweave", "hgx-a100-8gpu", 0, false, { "infiniband", 1600, "https://docs.coreweave.com/ "
					     "(HGX A100 nodes: 8 x 200 Gb/s HDR)", false } },
	{ "coreweave", "hgx-*-8gpu", 0, false, { "infiniband", 3200, "https://docs.coreweave.com/ "
					  "(HGX H100/H200/B200 nodes: 8 x 400 Gb/s NDR)", false } },
	{ "crusoe", "a100-*-ib.8x", 0, false, { "infiniband", 1600, "https://docs.crusoecloud.com/ "
					 "(-ib types: 8 x 200 Gb/s HDR)", false } },
	{ "crusoe", "*-ib.8x", 0, false, { "infiniband", 3200, "https://docs.crusoecloud.com/ "
				    "(-ib types: 8 x 400 Gb/s NDR)", false } },
	{ "nebius", "gpu-*-sxm-8gpu", 0, false, { "infiniband", 3200, "https://docs.nebius.com/compute/"
					   "clusters/gpu (8 x 400 Gb/s NDR)", false } },
};

static const char *const names[] = { FABRIC_NAMES };

const char *fabric_canonical(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i], name) == 0)
			return names[i];
	return NULL;
}

bool fabric_name_valid(const char *name)
{
	return fabric_canonical(name) != NULL;
}

void fabric_for(const char *provider, const char *instance_type, int accelerators,
		struct fabric *out)
{
	*out = none;
	if (!provider || !instance_type)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		const struct family *f = &families[i];

		if (strcmp(f->provider, provider) == 0 &&
		    fnmatch(f->pattern, instance_type, 0) == 0 &&
		    accelerators >= f->min_accelerators) {
			*out = f->fabric;
			if (f->per_accelerator)
				out->gbps *= accelerators;
			return;
		}
	}
}

bool fabric_spans_instances(const char *interconnect, double gbps)
{
	return interconnect && strcmp(interconnect, FABRIC_NONE) != 0 && gbps > 0;
}
