/* Google Cloud's accelerator machine types and TPU slices (see gcp-machines.h). */
#include "gcp-machines.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* GCP's machine-type tables; GPU SKU names as the Cloud Billing Catalog spells them. */
static const struct gcp_family families[] = {
	{ "a2-highgpu-", "A2", "A100-40GB", "Nvidia Tesla A100" },
	{ "a2-megagpu-", "A2", "A100-40GB", "Nvidia Tesla A100" },
	{ "a2-ultragpu-", "A2", "A100-80GB", "Nvidia A100 80GB" },
	{ "a3-highgpu-", "A3", "H100-SXM", "Nvidia H100 80GB" },
	{ "a3-megagpu-", "A3", "H100-SXM", "Nvidia H100 Mega 80GB" },
	{ "a3-edgegpu-", "A3", "H100-SXM", NULL },
	{ "a3-ultragpu-", "A3", "H200", "Nvidia H200 141GB" },
	{ "a4-highgpu-", "A4", "B200", NULL },
	{ "g2-standard-", "G2", "L4", "Nvidia L4" },
};

int gcp_machine_gpus(const char *machine_type, const struct gcp_family **family)
{
	/* g2-standard-N: 1 L4 up to 32 vCPUs, then 2, 4 and 8 (by vCPUs, not in the name). */
	static const struct { int vcpus, gpus; } g2[] = {
		{ 4, 1 }, { 8, 1 }, { 12, 1 }, { 16, 1 }, { 24, 2 }, { 32, 1 }, { 48, 4 }, { 96, 8 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		char *end;
		long n;

		if (!str_starts_with(machine_type, families[i].prefix))
			continue;
		n = strtol(machine_type + strlen(families[i].prefix), &end, 10);
		*family = &families[i];
		if (strcmp(families[i].prefix, "g2-standard-") == 0) {
			for (size_t j = 0; *end == '\0' && j < ARRAY_SIZE(g2); j++)
				if (g2[j].vcpus == n)
					return g2[j].gpus;
			return 0;
		}
		/* a2-highgpu-2g: the GPU count and a 'g' */
		if (n <= 0 || n > 64 || strcmp(end, "g") != 0)
			return 0;
		return (int)n;
	}
	return 0;
}

int tpu_slice_chips(const char *slice, const char **accelerator)
{
	/* prices.md: v4 and v5p slice names count TensorCores (two per chip), v5e/v6e chips. */
	static const struct {
		const char *prefix;
		const char *accelerator;
		int cores_per_chip;
	} slices[] = {
		{ "tpu-v5litepod-", "TPU-v5e", 1 },
		{ "tpu-v6e-", "TPU-v6e", 1 },
		{ "tpu-v5p-", "TPU-v5p", 2 },
		{ "tpu-v4-", "TPU-v4", 2 },
		{ "tpu-v3-", "TPU-v3", 2 },
		{ "tpu-v2-", "TPU-v2", 2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(slices); i++) {
		const char *digits;
		char *end;
		long n;

		if (!str_starts_with(slice, slices[i].prefix))
			continue;
		digits = slice + strlen(slices[i].prefix);
		if (!isdigit((unsigned char)*digits))
			return -1;
		errno = 0;
		n = strtol(digits, &end, 10);
		if (*end || errno || n <= 0 || n > 1000000 || n % slices[i].cores_per_chip)
			return -1;
		*accelerator = slices[i].accelerator;
		return (int)(n / slices[i].cores_per_chip);
	}
	return -1;
}
