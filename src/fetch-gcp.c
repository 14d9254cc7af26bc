/*
 * Google Cloud Billing Catalog: Compute Engine core, RAM and GPU SKUs assembled
 * into per-machine hourly prices (GPU and CPU machines), and Cloud TPU per-chip
 * prices (see fetch.h).
 */
#include "fetch.h"
#include "gcp-machines.h"
#include "http.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GCP_ENDPOINT "https://cloudbilling.googleapis.com"
#define GCP_COMPUTE_SERVICE "6F81-5844-456A"
#define GCP_TPU_SERVICE "E000-3F24-B8AA"
#define GCP_MAX_PAGES 10000

/*
 * The GPU machine types priced: a VM is vCPUs × core SKU + GiB × RAM SKU + GPUs × GPU
 * SKU. Which GPU, how many and which SKUs: the family table in gcp-machines.c.
 */
static const struct gcp_machine {
	const char *name;
	double vcpus;
	double memory_gib;
} gcp_machines[] = {
	{ "a2-highgpu-1g", 12, 85 }, { "a2-highgpu-2g", 24, 170 },
	{ "a2-highgpu-4g", 48, 340 }, { "a2-highgpu-8g", 96, 680 },
	{ "a2-ultragpu-1g", 12, 170 }, { "a2-ultragpu-8g", 96, 1360 },
	{ "a3-highgpu-8g", 208, 1872 }, { "a3-megagpu-8g", 208, 1872 },
	{ "a3-ultragpu-8g", 224, 2952 },
	{ "g2-standard-4", 4, 16 }, { "g2-standard-8", 8, 32 }, { "g2-standard-12", 12, 48 },
	{ "g2-standard-24", 24, 96 }, { "g2-standard-48", 48, 192 },
};

/*
 * CPU machine series kept for data pipelines: the current general-purpose (N2, N2D,
 * N4, C3, C4, E2), compute-optimised (C2, C2D) and memory shapes, priced like the
 * VM part of a GPU machine: vCPUs × core SKU + GiB × RAM SKU of the series' family.
 * Each series' predefined sizes (GCP's machine-type tables); memory is the shape's
 * GiB per vCPU, which holds at every size listed.
 */
static const struct gcp_cpu_series {
	const char *prefix;          /* machine types are PREFIX + vCPUs */
	const char *sku_family;      /* first word of its core/RAM SKU descriptions */
	double gib_per_vcpu;
	int sizes[12];               /* vCPUs, 0-terminated */
} gcp_cpu_series[] = {
	{ "n2-standard-", "N2", 4, { 2, 4, 8, 16, 32, 48, 64, 80, 96, 128 } },
	{ "n2-highcpu-", "N2", 1, { 2, 4, 8, 16, 32, 48, 64, 80, 96 } },
	{ "n2-highmem-", "N2", 8, { 2, 4, 8, 16, 32, 48, 64, 80, 96, 128 } },
	{ "n2d-standard-", "N2D", 4, { 2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224 } },
	{ "n2d-highcpu-", "N2D", 1, { 2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224 } },
	{ "n2d-highmem-", "N2D", 8, { 2, 4, 8, 16, 32, 48, 64, 80, 96 } },
	{ "n4-standard-", "N4", 4, { 2, 4, 8, 16, 32, 48, 64, 80 } },
	{ "n4-highcpu-", "N4", 2, { 2, 4, 8, 16, 32, 48, 64, 80 } },
	{ "n4-highmem-", "N4", 8, { 2, 4, 8, 16, 32, 48, 64, 80 } },
	{ "c3-standard-", "C3", 4, { 4, 8, 22, 44, 88, 176 } },
	{ "c3-highcpu-", "C3", 2, { 4, 8, 22, 44, 88, 176 } },
	{ "c3-highmem-", "C3", 8, { 4, 8, 22, 44, 88, 176 } },
	{ "c4-standard-", "C4", 3.75, { 4, 8, 16, 32, 48, 96, 192, 288 } },
	{ "c4-highcpu-", "C4", 2, { 4, 8, 16, 32, 48, 96, 192, 288 } },
	{ "c4-highmem-", "C4", 7.75, { 4, 8, 16, 32, 48, 96, 192, 288 } },
	{ "e2-standard-", "E2", 4, { 2, 4, 8, 16, 32 } },
	{ "e2-highcpu-", "E2", 1, { 2, 4, 8, 16, 32 } },
	{ "e2-highmem-", "E2", 8, { 2, 4, 8, 16 } },
	/* C2's SKUs read "Compute optimized Core running in ..." */
	{ "c2-standard-", "Compute", 4, { 4, 8, 16, 30, 60 } },
	{ "c2d-standard-", "C2D", 4, { 2, 4, 8, 16, 32, 56, 112 } },
	{ "c2d-highcpu-", "C2D", 2, { 2, 4, 8, 16, 32, 56, 112 } },
	{ "c2d-highmem-", "C2D", 8, { 2, 4, 8, 16, 32, 56, 112 } },
};

bool fetch_gcp_cpu_kept(const char *machine_type)
{
	for (size_t i = 0; i < ARRAY_SIZE(gcp_cpu_series); i++) {
		const struct gcp_cpu_series *c = &gcp_cpu_series[i];
		const char *size = machine_type + strlen(c->prefix);
		long vcpus;
		char *end;

		if (!str_starts_with(machine_type, c->prefix) || *size < '1' || *size > '9' ||
		    strspn(size, "0123456789") != strlen(size))
			continue;
		errno = 0;   /* atoi of a number past an int would be undefined */
		vcpus = strtol(size, &end, 10);
		if (errno || *end)
			continue;
		for (const int *v = c->sizes; *v; v++)
			if (vcpus == *v)
				return true;
	}
	return false;
}

/* TPU versions as SKU descriptions spell them. */
static const struct gcp_tpu {
	const char *token;           /* matched case-insensitively in the description */
	const char *accelerator;
} gcp_tpu_versions[] = {
	{ "v6e", "TPU-v6e" }, { "trillium", "TPU-v6e" }, { "v5p", "TPU-v5p" },
	{ "v5e", "TPU-v5e" }, { "v5 lite", "TPU-v5e" }, { "v5lite", "TPU-v5e" },
	{ "v4", "TPU-v4" },
};

/* The TPU slices priced per chip (chips per slice: tpu_slice_chips). */
static const char *const gcp_tpu_slices[] = {
	"tpu-v5litepod-1", "tpu-v5litepod-8", "tpu-v6e-1", "tpu-v6e-8", "tpu-v5p-8", "tpu-v4-8",
};

enum gcp_resource { GCP_CORE, GCP_RAM, GCP_GPU, GCP_TPU };

struct gcp_rate {
	enum gcp_resource resource;
	char *name;                  /* family ("A2"), GPU SKU name or TPU accelerator */
	char *region;
	const char *purchase;
	double price;                /* per vCPU-hour, GiB-hour, GPU-hour or chip-hour */
	char *source;
};

struct gcp_rates {
	struct gcp_rate *items;
	size_t n, alloc;
};

struct gcp_rates *gcp_rates_new(void)
{
	return xcalloc(1, sizeof(struct gcp_rates));
}

void gcp_rates_free(struct gcp_rates *rates)
{
	if (!rates)
		return;
	for (size_t i = 0; i < rates->n; i++) {
		free(rates->items[i].name);
		free(rates->items[i].region);
		free(rates->items[i].source);
	}
	free(rates->items);
	free(rates);
}

static const struct gcp_rate *rate_find(const struct gcp_rates *rates,
					enum gcp_resource resource, const char *name,
					const char *region, const char *purchase)
{
	for (size_t i = 0; i < rates->n; i++) {
		const struct gcp_rate *r = &rates->items[i];

		if (r->resource == resource && str_ieq(r->name, name) &&
		    strcmp(r->region, region) == 0 && strcmp(r->purchase, purchase) == 0)
			return r;
	}
	return NULL;
}

static void rate_add(struct gcp_rates *rates, enum gcp_resource resource, const char *name,
		     const char *region, const char *purchase, double price, const char *source)
{
	struct gcp_rate *r;

	if (rate_find(rates, resource, name, region, purchase))
		return;   /* the same SKU listed twice: the first wins */
	xgrow(&rates->items, &rates->alloc, rates->n + 1, sizeof(*rates->items));
	r = &rates->items[rates->n++];
	r->resource = resource;
	r->name = xstrdup(name);
	r->region = xstrdup(region);
	r->purchase = purchase;
	r->price = price;
	r->source = xstrdup(source);
}

static const char *purchase_of_usage(const char *usage_type)
{
	if (strcmp(usage_type, "OnDemand") == 0)
		return "on-demand";
	if (strcmp(usage_type, "Preemptible") == 0)
		return "spot";
	if (strcmp(usage_type, "Commit1Yr") == 0)
		return "commit-1y";
	if (strcmp(usage_type, "Commit3Yr") == 0)
		return "commit-3y";
	return NULL;
}

/* The description without "Spot Preemptible " / "Preemptible " / "Commitment v1: " /
 * "Commitment: " (C2's commitments are spelled without the version). */
static const char *strip_description(const char *d)
{
	static const char *const prefixes[] = { "Spot Preemptible ", "Preemptible " };

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (str_starts_with(d, prefixes[i]))
			return d + strlen(prefixes[i]);
	if (str_starts_with(d, "Commitment ") || str_starts_with(d, "Commitment:")) {
		const char *colon = strchr(d, ':');

		if (colon)
			for (d = colon + 1; *d == ' '; d++)
				;
	}
	return d;
}

/* units (a string, sometimes a number) + nanos × 1e-9. */
static bool money_value(json_t *unit_price, double *out)
{
	json_t *units = json_object_get(unit_price, "units");
	json_t *nanos = json_object_get(unit_price, "nanos");
	double whole = 0;

	if (json_is_string(units)) {
		if (!fetch_parse_price(json_string_value(units), &whole))
			return false;
	} else if (json_is_integer(units)) {
		whole = (double)json_integer_value(units);
	} else if (units) {
		return false;
	}
	if (nanos && !json_is_integer(nanos))
		return false;
	*out = whole + (nanos ? (double)json_integer_value(nanos) * 1e-9 : 0);
	return isfinite(*out) && *out >= 0;
}

/* The SKU's rate: the first tier with a price (a leading free tier is skipped). */
static bool sku_price(json_t *sku, const char **unit, const char **currency, double *out)
{
	json_t *expression = json_object_get(json_array_get(json_object_get(sku, "pricingInfo"), 0),
					     "pricingExpression");
	json_t *tier;
	size_t i;

	*unit = json_string_value(json_object_get(expression, "usageUnit"));
	json_array_foreach(json_object_get(expression, "tieredRates"), i, tier) {
		json_t *unit_price = json_object_get(tier, "unitPrice");

		*currency = json_string_value(json_object_get(unit_price, "currencyCode"));
		if (money_value(unit_price, out) && *out > 0)
			return *unit && *currency;
	}
	return false;
}

static const char *tpu_accelerator(const char *description)
{
	struct strbuf lower = STRBUF_INIT;
	const char *found = NULL;

	for (const char *p = description; *p; p++)
		strbuf_addch(&lower, (char)tolower((unsigned char)*p));
	if (strstr(lower.buf, "tpu"))
		for (size_t i = 0; i < ARRAY_SIZE(gcp_tpu_versions) && !found; i++)
			if (strstr(lower.buf, gcp_tpu_versions[i].token))
				found = gcp_tpu_versions[i].accelerator;
	strbuf_release(&lower);
	return found;
}

/* Classifies one SKU and records its rate in every wanted region it serves. */
static void gcp_sku(struct gcp_rates *rates, json_t *sku, const struct fetch_config *config,
		    const char *source)
{
	json_t *category = json_object_get(sku, "category");
	const char *group = json_string_value(json_object_get(category, "resourceGroup"));
	const char *usage = json_string_value(json_object_get(category, "usageType"));
	const char *description = json_string_value(json_object_get(sku, "description"));
	const char *purchase = usage ? purchase_of_usage(usage) : NULL;
	const char *unit, *currency, *tpu, *rest;
	struct strbuf name = STRBUF_INIT;
	enum gcp_resource resource;
	json_t *region;
	double price;
	size_t i;

	if (!group || !description || !purchase)
		return;
	if (!sku_price(sku, &unit, &currency, &price) || strcmp(currency, "USD") != 0)
		return;
	rest = strip_description(description);
	tpu = tpu_accelerator(description);
	if (tpu && strcmp(unit, "h") == 0) {
		resource = GCP_TPU;
		strbuf_adds(&name, tpu);
	} else if (strcmp(group, "GPU") == 0 && strcmp(unit, "h") == 0) {
		const char *end = strstr(rest, " GPU");

		if (!end)
			goto cleanup;
		resource = GCP_GPU;
		strbuf_add(&name, rest, (size_t)(end - rest));
	} else if ((strcmp(group, "CPU") == 0 && strcmp(unit, "h") == 0) ||
		   (strcmp(group, "RAM") == 0 && strcmp(unit, "GiBy.h") == 0)) {
		const char *space = strchr(rest, ' ');

		if (!space)
			goto cleanup;
		/* "A2 Instance Core running in Americas", "A2 Cpu in Americas for 1 Year" */
		if (strcmp(group, "CPU") == 0 && !strstr(space, " Core") && !strstr(space, " Cpu"))
			goto cleanup;
		if (strcmp(group, "RAM") == 0 && !strstr(space, " Ram") && !strstr(space, " RAM"))
			goto cleanup;
		/* Sole-tenancy and custom-machine SKUs share the group: not our machines. */
		if (strstr(space, "Sole Tenancy") || strstr(space, "Custom"))
			goto cleanup;
		resource = strcmp(group, "CPU") == 0 ? GCP_CORE : GCP_RAM;
		strbuf_add(&name, rest, (size_t)(space - rest));
	} else {
		goto cleanup;
	}
	json_array_foreach(json_object_get(sku, "serviceRegions"), i, region) {
		const char *code = json_string_value(region);

		if (code && fetch_region_wanted(config, code))
			rate_add(rates, resource, name.buf, code, purchase, price, source);
	}
cleanup:
	strbuf_release(&name);
}

int gcp_parse_page(struct gcp_rates *rates, const char *json, size_t len,
		   const struct fetch_config *config, const char *source,
		   struct strbuf *next, struct fetch_stats *stats)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	json_t *skus, *sku, *token;
	size_t i;
	int result = -1;

	strbuf_reset(next);
	if (!root) {
		error_set("%s:%d:%d: malformed JSON: %s", source, jerr.line, jerr.column,
			  jerr.text);
		goto cleanup;
	}
	skus = json_object_get(root, "skus");
	token = json_object_get(root, "nextPageToken");
	/* An empty last page may omit "skus"; anything else is not a Catalog page. */
	if ((skus && !json_is_array(skus)) || (!skus && !token) ||
	    (token && !json_is_string(token))) {
		error_set("%s: not a Cloud Billing Catalog page (no \"skus\" array)", source);
		goto cleanup;
	}
	if (token)
		strbuf_adds(next, json_string_value(token));
	json_array_foreach(skus, i, sku) {
		stats->rows++;
		if (!json_is_object(sku)) {
			error_set("%s: skus[%zu] is not an object", source, i);
			goto cleanup;
		}
		gcp_sku(rates, sku, config, source);
	}
	stats->pages++;
	result = 0;
cleanup:
	json_decref(root);
	return result;
}

static const char *const gcp_purchases[] = { "on-demand", "spot", "commit-1y", "commit-3y" };

static int emit_machine(const struct gcp_machine *m, const struct gcp_rates *rates,
			const char *region, const char *purchase,
			const struct fetch_config *config, const struct fetch_sink *sink,
			struct fetch_stats *stats)
{
	const struct gcp_family *family;
	int count = gcp_machine_gpus(m->name, &family);
	const struct gcp_rate *core, *ram, *gpu;
	struct strbuf note = STRBUF_INIT;
	double vm, gpus;
	int result;

	if (count <= 0 || !family->gpu_sku)
		return 0;   /* gcp_machines[] names a machine the family table does not price */
	core = rate_find(rates, GCP_CORE, family->sku_family, region, purchase);
	ram = rate_find(rates, GCP_RAM, family->sku_family, region, purchase);
	gpu = rate_find(rates, GCP_GPU, family->gpu_sku, region, purchase);
	if (!core || !ram || !gpu)
		return 0;   /* not offered there on those terms */
	vm = m->vcpus * core->price + m->memory_gib * ram->price;
	gpus = count * gpu->price;
	strbuf_addf(&note, "= VM %.5f + %d GPU %.5f (core, RAM and GPU SKUs)", vm, count, gpus);
	{
		struct offer o = {
			.provider = "gcp", .region = (char *)region,
			.instance_type = (char *)m->name, .component = "instance",
			.accelerator = (char *)family->accelerator, .accelerator_count = count,
			.vcpus = m->vcpus, .memory_gib = m->memory_gib,
			.purchase = (char *)purchase, .price_per_hour = vm + gpus,
			.currency = "USD", .observed = (char *)config->observed,
			.source = gpu->source, .confidence = "exact", .note = note.buf,
			.interruptions_per_month = NAN,
		};

		result = fetch_emit_offer(sink, stats, &o);
	}
	strbuf_release(&note);
	return result;
}

/* One CPU machine: VCPUS of SERIES from its core and RAM rates. */
static int emit_cpu_machine(const struct gcp_cpu_series *series, int vcpus,
			    const struct gcp_rates *rates, const char *region, const char *purchase,
			    const struct fetch_config *config, const struct fetch_sink *sink,
			    struct fetch_stats *stats)
{
	const struct gcp_rate *core = rate_find(rates, GCP_CORE, series->sku_family, region,
						purchase);
	const struct gcp_rate *ram = rate_find(rates, GCP_RAM, series->sku_family, region,
					       purchase);
	double memory = vcpus * series->gib_per_vcpu;
	struct strbuf name = STRBUF_INIT, note = STRBUF_INIT;
	int result;

	if (!core || !ram)
		return 0;   /* not offered there on those terms */
	strbuf_addf(&name, "%s%d", series->prefix, vcpus);
	strbuf_addf(&note, "= %d vCPUs x %.6f + %g GiB x %.6f (core and RAM SKUs)", vcpus,
		    core->price, memory, ram->price);
	{
		struct offer o = {
			.provider = "gcp", .region = (char *)region, .instance_type = name.buf,
			.component = "instance", .vcpus = vcpus, .memory_gib = memory,
			.purchase = (char *)purchase,
			.price_per_hour = vcpus * core->price + memory * ram->price,
			.currency = "USD", .observed = (char *)config->observed,
			.source = core->source, .confidence = "exact", .note = note.buf,
			.interruptions_per_month = NAN,
		};

		result = fetch_emit_offer(sink, stats, &o);
	}
	strbuf_release(&name);
	strbuf_release(&note);
	return result;
}

static int emit_tpu(const char *slice, const struct gcp_rates *rates,
		    const char *region, const char *purchase, const struct fetch_config *config,
		    const struct fetch_sink *sink, struct fetch_stats *stats)
{
	const char *accelerator;
	int chips = tpu_slice_chips(slice, &accelerator);
	const struct gcp_rate *chip;
	struct strbuf note = STRBUF_INIT;
	int result;

	if (chips <= 0)
		return 0;
	chip = rate_find(rates, GCP_TPU, accelerator, region, purchase);
	if (!chip)
		return 0;
	strbuf_addf(&note, "%d chips x %.4f per chip-hour", chips, chip->price);
	{
		struct offer o = {
			.provider = "gcp", .region = (char *)region,
			.instance_type = (char *)slice, .component = "instance",
			.accelerator = (char *)accelerator, .accelerator_count = chips,
			.purchase = (char *)purchase, .price_per_hour = chips * chip->price,
			.currency = "USD", .observed = (char *)config->observed,
			.source = chip->source, .confidence = "exact", .note = note.buf,
			.interruptions_per_month = NAN,
		};

		result = fetch_emit_offer(sink, stats, &o);
	}
	strbuf_release(&note);
	return result;
}

int gcp_emit_offers(const struct gcp_rates *rates, const struct fetch_config *config,
		    const struct fetch_sink *sink, struct fetch_stats *stats)
{
	for (size_t r = 0; r < config->nregions; r++) {
		for (size_t p = 0; p < ARRAY_SIZE(gcp_purchases); p++) {
			for (size_t m = 0; m < ARRAY_SIZE(gcp_machines); m++)
				if (emit_machine(&gcp_machines[m], rates, config->regions[r],
						 gcp_purchases[p], config, sink, stats) < 0)
					return -1;
			for (size_t t = 0; t < ARRAY_SIZE(gcp_tpu_slices); t++)
				if (emit_tpu(gcp_tpu_slices[t], rates, config->regions[r],
					     gcp_purchases[p], config, sink, stats) < 0)
					return -1;
			for (size_t c = 0; c < ARRAY_SIZE(gcp_cpu_series); c++)
				for (const int *v = gcp_cpu_series[c].sizes; *v; v++)
					if (emit_cpu_machine(&gcp_cpu_series[c], *v, rates,
							     config->regions[r], gcp_purchases[p],
							     config, sink, stats) < 0)
						return -1;
		}
	}
	return 0;
}

/* The SKU list URL of SERVICE without the key (what messages and sources show). */
static void gcp_skus_url(struct strbuf *url, const char *service)
{
	const char *endpoint = fetch_endpoint("AICOST_GCP_ENDPOINT", GCP_ENDPOINT);

	strbuf_reset(url);
	strbuf_adds(url, endpoint);
	while (url->len && url->buf[url->len - 1] == '/')
		strbuf_setlen(url, url->len - 1);
	strbuf_addf(url, "/v1/services/%s/skus", service);
}

void fetch_gcp_head_key(const struct fetch_config *config, struct strbuf *key)
{
	gcp_skus_url(key, GCP_COMPUTE_SERVICE);
	fetch_key_add_regions(config, key);
}

/* How a service's first page is asked for. */
enum first_page {
	FIRST_HEAD,      /* the provider's head: conditional, its validators in result->head_* */
	FIRST_PLAIN,     /* unconditional, nothing recorded */
	FIRST_KEYED,     /* unconditional, its validators recorded (fetch_get_keyed) */
	FIRST_PROBE,     /* conditional on, and recording, its own validators */
};

/* Every page of one service's SKUs into RATES. Returns 0, 1 when the first page
 * answered 304 (nothing read; FIRST_HEAD also sets result->unchanged), -1. */
static int fetch_service(const char *service, enum first_page first,
			 const struct fetch_config *config, struct gcp_rates *rates,
			 struct fetch_result *result)
{
	struct strbuf source = STRBUF_INIT, url = STRBUF_INIT, token = STRBUF_INIT;
	struct strbuf body = STRBUF_INIT, label = STRBUF_INIT;
	const char *what = strcmp(service, GCP_TPU_SERVICE) == 0 ? "Cloud TPU SKUs" :
			   "Compute Engine SKUs";
	struct fetch_seen tokens = { 0 };
	int ret = -1;

	gcp_skus_url(&source, service);
	for (unsigned long page = 1;; page++) {
		int got;

		if (page > GCP_MAX_PAGES) {
			error_set("%s: more than %d pages; stopping", source.buf, GCP_MAX_PAGES);
			goto cleanup;
		}
		strbuf_reset(&url);
		strbuf_addf(&url, "%s?currencyCode=USD&pageSize=5000&key=", source.buf);
		http_url_escape(&url, config->gcp_api_key);
		if (token.len) {
			strbuf_adds(&url, "&pageToken=");
			http_url_escape(&url, token.buf);
		}
		/* The label, never the URL, names the request: the URL holds the key. */
		strbuf_reset(&label);
		strbuf_addf(&label, "%s page %lu", what, page);
		if (page == 1 && (first == FIRST_KEYED || first == FIRST_PROBE))
			got = fetch_get_keyed(config, source.buf, first == FIRST_PROBE, url.buf,
					      label.buf, &body, result);
		else
			got = fetch_get_page(config, page == 1 && first == FIRST_HEAD, url.buf,
					     label.buf, &body, result);
		if (got < 0)
			goto cleanup;
		if (got > 0) {
			ret = 1;   /* 304: nothing changed */
			goto cleanup;
		}
		strbuf_reset(&label);
		strbuf_addf(&label, "%s?pageToken=%s", source.buf, token.buf);
		if (gcp_parse_page(rates, body.buf, body.len, config, label.buf, &token,
				   &result->stats) < 0)
			goto cleanup;
		if (!token.len)
			break;
		/* A token seen before would page round in a circle until the page cap. */
		if (!fetch_seen_add(&tokens, token.buf)) {
			error_set("%s page %lu: nextPageToken repeats an earlier one (a paging loop)",
				  what, page);
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	fetch_seen_release(&tokens);
	strbuf_release(&source);
	strbuf_release(&url);
	strbuf_release(&token);
	strbuf_release(&body);
	strbuf_release(&label);
	return ret;
}

int fetch_gcp(const struct fetch_config *config, const struct fetch_sink *sink,
	      struct fetch_result *result)
{
	struct gcp_rates *rates = gcp_rates_new();
	int got, ret = -1;

	fetch_gcp_head_key(config, &result->head_key);
	if (!config->gcp_api_key || !*config->gcp_api_key) {
		error_set("no API key (set AICOST_GCP_API_KEY or use --gcp-api-key-file)");
		goto cleanup;
	}
	got = fetch_service(GCP_COMPUTE_SERVICE, FIRST_HEAD, config, rates, result);
	if (got < 0)
		goto cleanup;
	if (got > 0) {
		/* The head covers Compute Engine's SKUs, not Cloud TPU's: unchanged only
		 * when both say so. */
		got = fetch_service(GCP_TPU_SERVICE, FIRST_PROBE, config, rates, result);
		if (got != 0) {
			ret = got > 0 ? 0 : -1;
			goto cleanup;
		}
		/* Read both again in the usual order: a SKU listed by both services is
		 * taken from Compute Engine, whichever path got here. */
		result->unchanged = false;
		gcp_rates_free(rates);
		rates = gcp_rates_new();
		if (fetch_service(GCP_COMPUTE_SERVICE, FIRST_PLAIN, config, rates, result) < 0)
			goto cleanup;
	}
	if (fetch_service(GCP_TPU_SERVICE, FIRST_KEYED, config, rates, result) < 0)
		goto cleanup;
	if (gcp_emit_offers(rates, config, sink, &result->stats) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (ret < 0)
		error_prefix("gcp: ");
	gcp_rates_free(rates);
	return ret;
}
