/* Azure Retail Prices API: GPU and CPU VM prices, paged by NextPageLink (see fetch.h). */
#include "fetch.h"
#include "http.h"
#include "units.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AZURE_ENDPOINT "https://prices.azure.com/api/retail/prices"
#define AZURE_API_VERSION "2023-01-01-preview"   /* the version that lists savingsPlan */
#define AZURE_MAX_PAGES 10000                     /* a loop guard, far above real counts */

/* VM sizes we can name the accelerators of (Azure's N-series documentation). */
static const struct azure_vm {
	const char *arm_sku;
	const char *accelerator;
	int count;
	double vcpus;
	double memory_gib;
} azure_vms[] = {
	{ "Standard_ND96isr_H100_v5", "H100-SXM", 8, 96, 1900 },
	{ "Standard_ND96isr_H200_v5", "H200", 8, 96, 1850 },
	{ "Standard_ND96isr_MI300X_v5", "MI300X", 8, 96, 1850 },
	{ "Standard_ND96amsr_A100_v4", "A100-80GB", 8, 96, 1900 },
	{ "Standard_ND96asr_v4", "A100-40GB", 8, 96, 900 },
	{ "Standard_NC24ads_A100_v4", "A100-80GB", 1, 24, 220 },
	{ "Standard_NC48ads_A100_v4", "A100-80GB", 2, 48, 440 },
	{ "Standard_NC96ads_A100_v4", "A100-80GB", 4, 96, 880 },
	{ "Standard_NC4as_T4_v3", "T4", 1, 4, 28 },
	{ "Standard_NC8as_T4_v3", "T4", 1, 8, 56 },
	{ "Standard_NC16as_T4_v3", "T4", 1, 16, 110 },
	{ "Standard_NC64as_T4_v3", "T4", 4, 64, 440 },
	{ "Standard_NC6s_v3", "V100-SXM2-16GB", 1, 6, 112 },
	{ "Standard_NC12s_v3", "V100-SXM2-16GB", 2, 12, 224 },
	{ "Standard_NC24s_v3", "V100-SXM2-16GB", 4, 24, 448 },
};

/*
 * CPU series kept for data pipelines: the current generations of the general-purpose
 * (D), compute-optimised (F) and memory-optimised (E) families on Intel and AMD, named
 * Standard_<letter><vCPUs><suffix>_v<version> ("Standard_D16as_v5"). Local-disk (d),
 * isolated (i), constrained-core (E16-4s) and Arm sizes are not kept. Memory is the
 * series' GiB per vCPU (Azure's size tables), up to its largest size's.
 */
static const struct azure_cpu_series {
	char letter;
	const char *suffix;
	int version;
	double gib_per_vcpu;
	double max_memory_gib;       /* 0: no cap */
} azure_cpu_series[] = {
	{ 'D', "s", 5, 4, 0 }, { 'D', "as", 5, 4, 0 }, { 'D', "s", 6, 4, 0 },
	{ 'D', "as", 6, 4, 0 },
	{ 'F', "s", 2, 2, 0 }, { 'F', "as", 6, 4, 0 }, { 'F', "als", 6, 2, 0 },
	{ 'E', "s", 5, 8, 672 }, { 'E', "as", 5, 8, 672 }, { 'E', "s", 6, 8, 0 },
	{ 'E', "as", 6, 8, 672 },
};

/* A CPU size of azure_cpu_series as an azure_vm in OUT (no accelerator); false if not. */
static bool azure_cpu_size(const char *arm_sku, struct azure_vm *out)
{
	const char *p = arm_sku + strlen("Standard_");
	size_t suffix_len;
	char *end;
	long vcpus;

	if (!str_starts_with(arm_sku, "Standard_") || !strchr("DEF", *p) ||
	    !isdigit((unsigned char)p[1]))
		return false;
	vcpus = strtol(p + 1, &end, 10);
	suffix_len = strspn(end, "abcdefghijklmnopqrstuvwxyz");
	if (vcpus <= 0 || vcpus > 1024 || !str_starts_with(end + suffix_len, "_v"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(azure_cpu_series); i++) {
		const struct azure_cpu_series *c = &azure_cpu_series[i];
		char version[16];

		snprintf(version, sizeof(version), "_v%d", c->version);
		if (c->letter != *p || strlen(c->suffix) != suffix_len ||
		    strncmp(c->suffix, end, suffix_len) != 0 ||
		    strcmp(end + suffix_len, version) != 0)
			continue;
		memset(out, 0, sizeof(*out));
		out->arm_sku = arm_sku;
		out->vcpus = (double)vcpus;
		out->memory_gib = vcpus * c->gib_per_vcpu;
		if (c->max_memory_gib > 0 && out->memory_gib > c->max_memory_gib)
			out->memory_gib = c->max_memory_gib;
		return true;
	}
	return false;
}

bool fetch_azure_cpu_kept(const char *arm_sku)
{
	struct azure_vm vm;

	return azure_cpu_size(arm_sku, &vm);
}

/* The GPU size ARM_SKU names, or a CPU size kept (built in *CPU); NULL for neither. */
static const struct azure_vm *azure_vm_find(const char *arm_sku, struct azure_vm *cpu)
{
	for (size_t i = 0; i < ARRAY_SIZE(azure_vms); i++)
		if (str_ieq(azure_vms[i].arm_sku, arm_sku))
			return &azure_vms[i];
	return azure_cpu_size(arm_sku, cpu) ? cpu : NULL;
}

static const char *json_text(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* A JSON number (or numeric string) >= 0. */
static bool json_price(json_t *value, double *out)
{
	if (json_is_number(value)) {
		*out = json_number_value(value);
		return *out >= 0;
	}
	return json_is_string(value) && fetch_parse_price(json_string_value(value), out);
}

static int emit(const struct fetch_sink *sink, struct fetch_stats *stats,
		const struct fetch_config *config, const char *source,
		const struct azure_vm *vm, const char *region, const char *purchase,
		double price_per_hour)
{
	struct offer o = {
		.provider = "azure", .region = (char *)region,
		.instance_type = (char *)vm->arm_sku, .accelerator = (char *)vm->accelerator,
		.accelerator_count = vm->count, .vcpus = vm->vcpus,
		.memory_gib = vm->memory_gib, .purchase = (char *)purchase,
		.price_per_hour = price_per_hour, .currency = "USD",
		.observed = (char *)config->observed, .source = (char *)source,
		.confidence = "exact", .interruptions_per_month = NAN,
	};

	return fetch_emit_offer(sink, stats, &o);
}

static int savings_plans(json_t *item, const struct fetch_sink *sink,
			 struct fetch_stats *stats, const struct fetch_config *config,
			 const char *source, const struct azure_vm *vm, const char *region)
{
	json_t *plans = json_object_get(item, "savingsPlan");
	json_t *plan;
	size_t i;

	json_array_foreach(plans, i, plan) {
		const char *term = json_text(plan, "term");
		const char *purchase = strcmp(term, "1 Year") == 0 ? "savings-1y" :
				       strcmp(term, "3 Years") == 0 ? "savings-3y" : NULL;
		double price;

		if (!purchase || !json_price(json_object_get(plan, "retailPrice"), &price))
			continue;
		if (emit(sink, stats, config, source, vm, region, purchase, price) < 0)
			return -1;
	}
	return 0;
}

/* One Items[] row: returns 0 (emitted or deliberately skipped) or -1 (sink error). */
static int azure_item(json_t *item, const struct fetch_config *config, const char *source,
		      const struct fetch_sink *sink, struct fetch_stats *stats)
{
	const char *type = json_text(item, "type");
	const char *sku_name = json_text(item, "skuName");
	const char *region = json_text(item, "armRegionName");
	struct azure_vm cpu;
	const struct azure_vm *vm = azure_vm_find(json_text(item, "armSkuName"), &cpu);
	const char *purchase;
	double price;

	if (!vm || !fetch_region_wanted(config, region))
		return 0;
	if (str_ends_with(json_text(item, "productName"), " Windows"))
		return 0;
	if (strcmp(json_text(item, "currencyCode"), "USD") != 0 ||
	    strcmp(json_text(item, "unitOfMeasure"), "1 Hour") != 0)
		return 0;
	/* Low priority has no word in our purchase vocabulary (it is Batch's spot). */
	if (str_ends_with(sku_name, " Low Priority"))
		return 0;
	if (!json_price(json_object_get(item, "retailPrice"), &price))
		return 0;
	if (strcmp(type, "Consumption") == 0) {
		purchase = str_ends_with(sku_name, " Spot") ? "spot" : "on-demand";
		if (price <= 0)
			return 0;
		if (emit(sink, stats, config, source, vm, region, purchase, price) < 0)
			return -1;
		if (strcmp(purchase, "on-demand") == 0)
			return savings_plans(item, sink, stats, config, source, vm, region);
		return 0;
	}
	if (strcmp(type, "Reservation") == 0) {
		const char *term = json_text(item, "reservationTerm");

		/* A reservation's price is the whole term's: spread it over its hours. */
		double years;

		if (strcmp(term, "1 Year") == 0)
			purchase = "reserved-1y", years = 1;
		else if (strcmp(term, "3 Years") == 0)
			purchase = "reserved-3y", years = 3;
		else
			return 0;
		if (price <= 0)
			return 0;
		return emit(sink, stats, config, source, vm, region, purchase,
			    price / (years * HOURS_PER_YEAR));
	}
	return 0;   /* DevTestConsumption and anything new */
}

int azure_parse_page(const char *json, size_t len, const struct fetch_config *config,
		     const char *source, const struct fetch_sink *sink,
		     struct strbuf *next, struct fetch_stats *stats)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	json_t *items, *item, *link;
	size_t i;
	int result = -1;

	strbuf_reset(next);
	if (!root) {
		error_set("%s:%d:%d: malformed JSON: %s", source, jerr.line, jerr.column,
			  jerr.text);
		goto cleanup;
	}
	items = json_object_get(root, "Items");
	if (!json_is_array(items)) {
		error_set("%s: not a Retail Prices page (no \"Items\" array)", source);
		goto cleanup;
	}
	link = json_object_get(root, "NextPageLink");
	if (json_is_string(link))
		strbuf_adds(next, json_string_value(link));
	else if (link && !json_is_null(link)) {
		error_set("%s: \"NextPageLink\" is neither a URL nor null", source);
		goto cleanup;
	}
	json_array_foreach(items, i, item) {
		stats->rows++;
		if (!json_is_object(item)) {
			error_set("%s: Items[%zu] is not an object", source, i);
			goto cleanup;
		}
		if (azure_item(item, config, source, sink, stats) < 0)
			goto cleanup;
	}
	stats->pages++;
	result = 0;
cleanup:
	json_decref(root);
	return result;
}

static void azure_first_url(const struct fetch_config *config, struct strbuf *url)
{
	const char *endpoint = fetch_endpoint("AICOST_AZURE_ENDPOINT", AZURE_ENDPOINT);
	struct strbuf filter = STRBUF_INIT;

	strbuf_adds(&filter, "serviceName eq 'Virtual Machines' and (");
	for (size_t i = 0; i < config->nregions; i++)
		strbuf_addf(&filter, "%sarmRegionName eq '%s'", i ? " or " : "",
			    config->regions[i]);
	/* Server-side to the GPU families of azure_vms[] and the generations of
	 * azure_cpu_series[] (and their neighbours, dropped here), so that pages stay few. */
	strbuf_adds(&filter, ") and (contains(armSkuName, 'Standard_ND') or "
		    "contains(armSkuName, 'Standard_NC') or contains(armSkuName, 's_v2') or "
		    "contains(armSkuName, 's_v5') or contains(armSkuName, 's_v6'))");
	strbuf_addf(url, "%s%capi-version=%s&$filter=", endpoint,
		    strchr(endpoint, '?') ? '&' : '?', AZURE_API_VERSION);
	http_url_escape(url, filter.buf);
	strbuf_release(&filter);
}

void fetch_azure_head_key(const struct fetch_config *config, struct strbuf *key)
{
	strbuf_reset(key);
	azure_first_url(config, key);
}

int fetch_azure(const struct fetch_config *config, const struct fetch_sink *sink,
		struct fetch_result *result)
{
	struct strbuf url = STRBUF_INIT, next = STRBUF_INIT, body = STRBUF_INIT;
	struct strbuf label = STRBUF_INIT;
	struct fetch_seen seen = { 0 };
	int got, ret = -1;

	fetch_azure_head_key(config, &url);
	strbuf_reset(&result->head_key);
	strbuf_add(&result->head_key, url.buf, url.len);
	fetch_seen_add(&seen, url.buf);
	for (unsigned long page = 1;; page++) {
		if (page > AZURE_MAX_PAGES) {
			error_set("azure: more than %d pages; stopping (a NextPageLink loop?)",
				  AZURE_MAX_PAGES);
			goto cleanup;
		}
		strbuf_reset(&label);
		strbuf_addf(&label, "page %lu", page);
		/* Only the head is conditional: a 304 there means nothing moved. */
		got = fetch_get_page(config, page == 1, url.buf, label.buf, &body, result);
		if (got < 0)
			goto fail;
		if (got > 0) {
			ret = 0;
			goto cleanup;
		}
		if (azure_parse_page(body.buf, body.len, config, url.buf, sink, &next,
				     &result->stats) < 0)
			goto fail;
		if (!next.len)
			break;
		/* Any page seen before, not only this one, would page round in a circle. */
		if (!fetch_seen_add(&seen, next.buf)) {
			error_set("azure: page %lu links back to an earlier page (a NextPageLink "
				  "loop)", page);
			goto cleanup;
		}
		strbuf_reset(&url);
		strbuf_add(&url, next.buf, next.len);
	}
	ret = 0;
	goto cleanup;
fail:
	error_prefix("azure: ");
cleanup:
	fetch_seen_release(&seen);
	strbuf_release(&url);
	strbuf_release(&next);
	strbuf_release(&body);
	strbuf_release(&label);
	return ret;
}
