/*
 * RunPod REST API v2 (OpenAPI 2.0.0): GET /v2/catalog/gpus?include=AVAILABILITY&
 * product=POD ("listGpuTypes") with an API key as a bearer token:
 *   {"gpus": [{"id": "NVIDIA H100 80GB HBM3", "name": "H100 SXM", "memory",
 *      "secure", "community", "price": {"secure", "community", "serverless"},
 *      "maxCount": {"secure", "community"}, "availability",
 *      "dataCenters": [{"id": "EU-RO-1", "name", "availability"}]}, ...]}
 * Prices are per GPU-hour, one list for every data centre; the availability
 * expansion (Secure Cloud, one GPU, by default) lists the data centres that offer
 * each type. An offer per wanted data centre that lists the type, for one GPU
 * and for the largest Secure Cloud pod (maxCount.secure), Secure Cloud's price.
 */
#include "fetch.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RUNPOD_ENDPOINT "https://api.runpod.io/v2/catalog/gpus"
#define RUNPOD_QUERY "?include=AVAILABILITY&product=POD"

/* RunPod's GPU ids (its GPU types reference) -> the accelerator table's names. */
static const struct fetch_gpu_name runpod_gpus[] = {
	{ "NVIDIA H100 80GB HBM3", "H100-SXM" },
	{ "NVIDIA H100 PCIe", "H100-PCIe" },
	{ "NVIDIA H100 NVL", "H100-NVL" },
	{ "NVIDIA H200", "H200" },
	{ "NVIDIA B200", "B200" },
	{ "NVIDIA B300 SXM6 AC", "B300" },
	{ "NVIDIA A100-SXM4-80GB", "A100-80GB" },
	{ "NVIDIA A100 80GB PCIe", "A100-80GB" },
	{ "NVIDIA A100-PCIE-40GB", "A100-40GB" },
	{ "NVIDIA L40S", "L40S" },
	{ "NVIDIA L4", "L4" },
	{ "AMD Instinct MI300X OAM", "MI300X" },
	{ "Tesla V100-SXM2-16GB", "V100-SXM2-16GB" },
};

bool fetch_region_is_runpod(const char *name)
{
	/* A data centre id in lowercase: eu-ro-1, us-ks-2, eur-is-1, ca-mtl-1. */
	const char *p = name;
	int words = 0;

	while (*p) {
		size_t letters = 0;

		while (islower((unsigned char)p[letters]))
			letters++;
		if (letters < 2 || letters > 3 || p[letters] != '-')
			break;
		p += letters + 1;
		words++;
	}
	if (words != 2 || !isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '\0';
}

/* "H100 SXM" -> "h100-sxm": the instance names' stem. */
static void runpod_slug(struct strbuf *out, const char *name)
{
	bool dash = false;

	for (const char *p = name; *p; p++) {
		if (isalnum((unsigned char)*p)) {
			if (dash && out->len)
				strbuf_addch(out, '-');
			strbuf_addch(out, (char)tolower((unsigned char)*p));
			dash = false;
		} else {
			dash = true;
		}
	}
}

/* Offers of one GPU type in one data centre: one GPU and the largest pod. */
static int runpod_offers(const char *name, const char *accelerator, double price,
			 int max_count, const char *region, const char *availability,
			 const struct fetch_config *config, const char *source,
			 const struct fetch_sink *sink, struct fetch_stats *stats)
{
	struct strbuf instance = STRBUF_INIT, note = STRBUF_INIT;
	int counts[2] = { 1, max_count }, result = -1;

	strbuf_addf(&note, "Secure Cloud; one price in every data centre; availability %s "
		    "when fetched", availability);
	for (int i = 0; i < (max_count > 1 ? 2 : 1); i++) {
		struct offer o = {
			.provider = "runpod", .region = (char *)region,
			.accelerator = (char *)accelerator, .accelerator_count = counts[i],
			.purchase = "on-demand", .price_per_hour = price * counts[i],
			.currency = "USD", .observed = (char *)config->observed,
			.source = (char *)source, .confidence = "exact", .note = note.buf,
			.interruptions_per_month = NAN,
		};

		strbuf_reset(&instance);
		runpod_slug(&instance, name);
		strbuf_addf(&instance, "-%dgpu", counts[i]);
		o.instance_type = instance.buf;
		if (fetch_emit_offer(sink, stats, &o) < 0)
			goto cleanup;
	}
	result = 0;
cleanup:
	strbuf_release(&instance);
	strbuf_release(&note);
	return result;
}

/* One GPU type: 0 (emitted, or skipped and counted), -1 on an entry of another shape. */
static int runpod_gpu(size_t index, json_t *gpu, const struct fetch_config *config,
		      const char *source, const struct fetch_sink *sink,
		      struct fetch_stats *stats)
{
	const char *id = json_string_value(json_object_get(gpu, "id"));
	const char *name = json_string_value(json_object_get(gpu, "name"));
	json_t *price = json_object_get(json_object_get(gpu, "price"), "secure");
	json_t *max_count = json_object_get(json_object_get(gpu, "maxCount"), "secure");
	json_t *centres = json_object_get(gpu, "dataCenters"), *dc;
	const char *accelerator;
	struct strbuf region = STRBUF_INIT;
	size_t i;
	int largest, result = -1;

	if (!id || !name) {
		error_set("%s: gpus[%zu]: no id and name (has the format changed?)", source,
			  index);
		return -1;
	}
	accelerator = fetch_gpu_lookup(runpod_gpus, ARRAY_SIZE(runpod_gpus), id);
	/* Not in the accelerator table, or not rented on Secure Cloud (price 0). */
	if (!accelerator || !json_is_true(json_object_get(gpu, "secure"))) {
		stats->skipped++;
		return 0;
	}
	/* Listed for Secure Cloud without a price (null, missing, 0): this type cannot
	 * be priced, the others still can; counted and said in the summary. */
	if (!price || json_is_null(price) ||
	    (json_is_number(price) && json_number_value(price) == 0)) {
		stats->skipped++;
		stats->unpriced++;
		return 0;
	}
	if (!json_is_number(price) || !isfinite(json_number_value(price)) ||
	    !(json_number_value(price) > 0)) {
		error_set("%s: gpus[%zu].price.secure: expected a price per GPU-hour > 0 for "
			  "\"%s\"", source, index, id);
		return -1;
	}
	/* Without a usable largest pod the price still holds for one GPU. */
	largest = json_is_integer(max_count) && json_integer_value(max_count) >= 1 &&
		  json_integer_value(max_count) <= 64 ? (int)json_integer_value(max_count) : 1;
	/* Unavailable everywhere, the expansion leaves dataCenters out: no data centre. */
	if (!json_is_array(centres) || !json_array_size(centres)) {
		stats->skipped++;
		return 0;
	}
	json_array_foreach(centres, i, dc) {
		const char *dc_id = json_string_value(json_object_get(dc, "id"));
		const char *availability = json_string_value(json_object_get(dc, "availability"));

		if (!dc_id || !*dc_id) {
			error_set("%s: gpus[%zu].dataCenters[%zu]: no id", source, index, i);
			goto cleanup;
		}
		strbuf_reset(&region);
		for (const char *p = dc_id; *p; p++)
			strbuf_addch(&region, (char)tolower((unsigned char)*p));
		if (!fetch_wants_every_region(config) && !fetch_region_wanted(config, region.buf))
			continue;
		if (runpod_offers(name, accelerator, json_number_value(price),
				  largest, region.buf,
				  availability ? availability : "unknown", config, source, sink,
				  stats) < 0)
			goto cleanup;
	}
	result = 0;
cleanup:
	strbuf_release(&region);
	return result;
}

int runpod_parse_gpus(const char *json, size_t len, const struct fetch_config *config,
		      const char *source, const struct fetch_sink *sink,
		      struct fetch_stats *stats)
{
	json_t *root, *gpus = fetch_json_member(json, len, source, "gpus", false,
						"array of GPU types", &root), *gpu;
	size_t i;
	int result = -1;

	if (!gpus)
		goto cleanup;
	json_array_foreach(gpus, i, gpu) {
		stats->rows++;
		if (runpod_gpu(i, gpu, config, source, sink, stats) < 0)
			goto cleanup;
	}
	result = 0;
cleanup:
	json_decref(root);
	return result;
}

void fetch_runpod_head_key(const struct fetch_config *config, struct strbuf *key)
{
	strbuf_adds(key, fetch_endpoint("AICOST_RUNPOD_ENDPOINT", RUNPOD_ENDPOINT));
	strbuf_adds(key, RUNPOD_QUERY);
	fetch_key_add_regions(config, key);
}

int fetch_runpod(const struct fetch_config *config, const struct fetch_sink *sink,
		 struct fetch_result *result)
{
	const char *source = fetch_endpoint("AICOST_RUNPOD_ENDPOINT", RUNPOD_ENDPOINT);
	struct strbuf url = STRBUF_INIT;
	int rc;

	strbuf_addf(&url, "%s%s", source, RUNPOD_QUERY);
	rc = fetch_json_page(config, "AICOST_RUNPOD_API_KEY", url.buf, "GPU types", source,
			     runpod_parse_gpus, sink, result);
	strbuf_release(&url);
	return rc;
}
