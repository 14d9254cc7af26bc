/*
 * Lambda Cloud API: GET /api/v1/instance-types (Lambda's OpenAPI, version
 * 1.10.0), one JSON object with an API key as a bearer token:
 *   {"data": {"gpu_8x_h100_sxm5": {"instance_type": {"name", "description",
 *      "gpu_description", "price_cents_per_hour", "specs": {"vcpus", "memory_gib",
 *      "storage_gib", "gpus"}}, "regions_with_capacity_available": [{"name",
 *      "description"}]}, ...}}
 * One on-demand price per instance type, the same in every region: an offer per
 * wanted region, its note saying whether that region had capacity when fetched.
 */
#include "fetch.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LAMBDA_ENDPOINT "https://cloud.lambda.ai/api/v1/instance-types"

/* Lambda's regions (those its instance types are listed in). */
const char *const fetch_lambda_regions[] = {
	"asia-northeast-1", "asia-northeast-2", "asia-south-1", "australia-east-1",
	"europe-central-1", "europe-south-1", "me-west-1", "us-east-1", "us-east-2",
	"us-east-3", "us-midwest-1", "us-south-1", "us-south-2", "us-south-3",
	"us-west-1", "us-west-2", "us-west-3", NULL
};

bool fetch_region_is_lambda(const char *name)
{
	for (const char *const *r = fetch_lambda_regions; *r; r++)
		if (strcmp(*r, name) == 0)
			return true;
	return false;
}

/*
 * The GPU in a type name "gpu_<N>x_<gpu>" (Lambda's naming); types whose GPU has
 * no entry in the accelerator table (A6000, RTX 6000) are not priced.
 */
static const struct lambda_gpu {
	const char *suffix;
	const char *accelerator;
} lambda_gpus[] = {
	{ "a10", "A10" },
	{ "a100", "A100-40GB" },
	{ "a100_sxm4", "A100-40GB" },
	{ "a100_80gb_sxm4", "A100-80GB" },
	{ "a100_80gb_pcie", "A100-80GB" },
	{ "h100_pcie", "H100-PCIe" },
	{ "h100_sxm5", "H100-SXM" },
	{ "h100_sxm5gdr", "H100-SXM" },
	{ "gh200", "GH200" },
	{ "b200_sxm6", "B200" },
	{ "v100", "V100-SXM2-16GB" },
};

/* "gpu_8x_h100_sxm5": 8 and its GPU; false for any other shape. */
static bool lambda_type_gpu(const char *name, int *count, const struct lambda_gpu **gpu)
{
	char *end;
	long n;

	if (strncmp(name, "gpu_", 4) != 0 || !isdigit((unsigned char)name[4]))
		return false;
	n = strtol(name + 4, &end, 10);
	if (n < 1 || n > 64 || strncmp(end, "x_", 2) != 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(lambda_gpus); i++)
		if (strcmp(end + 2, lambda_gpus[i].suffix) == 0) {
			*count = (int)n;
			*gpu = &lambda_gpus[i];
			return true;
		}
	return false;
}

/* Does ITEM's regions_with_capacity_available name REGION? */
static bool has_capacity(json_t *item, const char *region)
{
	json_t *regions = json_object_get(item, "regions_with_capacity_available"), *r;
	size_t i;

	json_array_foreach(regions, i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));

		if (name && strcmp(name, region) == 0)
			return true;
	}
	return false;
}

/* One data entry: 0 (emitted or skipped as not a GPU we know), -1 on a bad entry. */
static int lambda_item(const char *key, json_t *item, const struct fetch_config *config,
		       const char *source, const struct fetch_sink *sink,
		       struct fetch_stats *stats)
{
	json_t *type = json_object_get(item, "instance_type");
	json_t *cents = json_object_get(type, "price_cents_per_hour");
	json_t *specs = json_object_get(type, "specs");
	json_t *gpus = json_object_get(specs, "gpus");
	const char *name = json_string_value(json_object_get(type, "name"));
	const struct lambda_gpu *gpu;
	int count;

	if (!json_is_object(type) || !name) {
		error_set("%s: data.%s: no instance_type with a name (has the format changed?)",
			  source, key);
		return -1;
	}
	if (!lambda_type_gpu(name, &count, &gpu)) {
		stats->skipped++;
		return 0;
	}
	/* A type listed without a price (null, missing, 0) is left out, not priced free:
	 * the other types still update. Counted and said in the summary. */
	if (!cents || json_is_null(cents) ||
	    (json_is_number(cents) && json_number_value(cents) == 0)) {
		stats->skipped++;
		stats->unpriced++;
		return 0;
	}
	if (!json_is_number(cents) || !(json_number_value(cents) > 0) ||
	    !isfinite(json_number_value(cents))) {
		error_set("%s: data.%s.instance_type.price_cents_per_hour: expected a number of "
			  "cents > 0", source, key);
		return -1;
	}
	/* The name's count, unless specs say otherwise (they count the GPUs). */
	if (json_is_integer(gpus) && json_integer_value(gpus) >= 1 &&
	    json_integer_value(gpus) <= 64)
		count = (int)json_integer_value(gpus);
	for (size_t r = 0; r < config->nregions; r++) {
		const char *region = config->regions[r];
		bool capacity = has_capacity(item, region);
		struct offer o = {
			.provider = "lambda", .region = (char *)region, .instance_type = (char *)name,
			.accelerator = (char *)gpu->accelerator, .accelerator_count = count,
			.vcpus = json_number_value(json_object_get(specs, "vcpus")),
			.memory_gib = json_number_value(json_object_get(specs, "memory_gib")),
			.purchase = "on-demand", .price_per_hour = json_number_value(cents) / 100,
			.currency = "USD", .observed = (char *)config->observed,
			.source = (char *)source, .confidence = "exact",
			.note = capacity ? "one price in every region; capacity here when fetched"
				: "one price in every region; no capacity here when fetched",
			.interruptions_per_month = NAN,
		};

		if (fetch_emit_offer(sink, stats, &o) < 0)
			return -1;
	}
	return 0;
}

int lambda_parse_instance_types(const char *json, size_t len, const struct fetch_config *config,
				const char *source, const struct fetch_sink *sink,
				struct fetch_stats *stats)
{
	json_t *root, *data = fetch_json_member(json, len, source, "data", true,
						"object of instance types", &root), *item;
	const char *key;
	int result = -1;

	if (!data)
		goto cleanup;
	json_object_foreach(data, key, item) {
		stats->rows++;
		if (lambda_item(key, item, config, source, sink, stats) < 0)
			goto cleanup;
	}
	result = 0;
cleanup:
	json_decref(root);
	return result;
}

void fetch_lambda_head_key(const struct fetch_config *config, struct strbuf *key)
{
	strbuf_adds(key, fetch_endpoint("AICOST_LAMBDA_ENDPOINT", LAMBDA_ENDPOINT));
	fetch_key_add_regions(config, key);
}

int fetch_lambda(const struct fetch_config *config, const struct fetch_sink *sink,
		 struct fetch_result *result)
{
	const char *url = fetch_endpoint("AICOST_LAMBDA_ENDPOINT", LAMBDA_ENDPOINT);

	return fetch_json_page(config, "AICOST_LAMBDA_API_KEY", url, "instance types", url,
			       lambda_parse_instance_types, sink, result);
}
