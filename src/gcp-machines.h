/*
 * Google Cloud's accelerator machine types and TPU slices: which chip and how many a
 * name stands for. The one table the GCP fetcher (fetch-gcp.c) and the SkyPilot
 * importer (skypilot.c) both read.
 */
#ifndef AICOST_GCP_MACHINES_H
#define AICOST_GCP_MACHINES_H

/* A machine family with built-in GPUs, priced by GCP as core + RAM + GPU SKUs. */
struct gcp_family {
	const char *prefix;          /* its machine types' names start so: "a2-highgpu-" */
	const char *sku_family;      /* the word that starts its core/RAM SKU descriptions */
	const char *accelerator;     /* the canonical name of its GPU */
	const char *gpu_sku;         /* the GPU SKU description before " GPU"; NULL: not fetched */
};

/*
 * The GPUs built into MACHINE_TYPE ("a2-highgpu-2g": 2, "g2-standard-24": 2) with its
 * family in *FAMILY; 0 when the name is not a GPU machine type we know.
 */
int gcp_machine_gpus(const char *machine_type, const struct gcp_family **family);

/*
 * TPU slice name -> chips, its accelerator in *ACCELERATOR: tpu-v5p-8 and tpu-v4-8 count
 * TensorCores (4 chips), v5e/v6e count chips. -1 when SLICE is not a slice name.
 */
int tpu_slice_chips(const char *slice, const char **accelerator);

#endif
