/*
 * Verda (formerly DataCrunch) public API v1, https://api.verda.com/v1, as its SDKs
 * (github:verda-cloud/sdk-python, verdacloud-sdk-go) call it:
 *   POST /oauth2/token {"grant_type": "client_credentials", "client_id",
 *        "client_secret"} -> {"access_token", "token_type": "Bearer", "expires_in", ...}
 *   GET  /locations (bearer) -> [{"code": "FIN-01", "name", "country_code"}, ...]
 *   GET  /instance-types?currency=usd -> [{"instance_type": "8H100.80S.176V",
 *        "gpu": {"description": "8x H100 SXM5 80GB", "number_of_gpus": 8},
 *        "cpu": {"number_of_cores"}, "memory": {"size_in_gigabytes"},
 *        "price_per_hour": "21.20", "spot_price": "8.80", "currency": "usd"}, ...]
 * Prices are the whole instance's per hour (strings or numbers); one list for every
 * location. The price list needs no key, the locations do: with the account's
 * client credentials an offer per instance type and location, on-demand and spot.
 * The client secret travels in the POST body only, the token in the Authorization
 * header only: neither reaches a URL, a message, the request log or the store.
 */
#include "fetch.h"
#include "http.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VERDA_ENDPOINT "https://api.verda.com/v1"

/* Verda's GPU descriptions without the "8x " -> the accelerator table's names. */
static const struct fetch_gpu_name verda_gpus[] = {
	{ "H100 SXM5 80GB", "H100-SXM" },
	{ "H200 SXM5 141GB", "H200" },
	{ "B200 SXM6 180GB", "B200" },
	{ "B300 SXM6 268GB", "B300" },
	{ "A100 SXM4 80GB", "A100-80GB" },
	{ "A100 SXM4 40GB", "A100-40GB" },
	{ "L40S 48GB", "L40S" },
};

bool fetch_region_is_verda(const char *name)
{
	/* A location code as Verda spells it: FIN-01, ICE-01 (capitals, dash, digits). */
	const char *p = name;

	while (isupper((unsigned char)*p))
		p++;
	if (p - name < 2 || p - name > 4 || *p != '-' || !isdigit((unsigned char)p[1]))
		return false;
	for (p++; isdigit((unsigned char)*p); p++)
		;
	return *p == '\0';
}

/* "8x H100 SXM5 80GB" -> its accelerator (NULL: not in the table) and 8. */
static const char *verda_gpu(const char *description, int *count)
{
	char *end;
	long n = strtol(description, &end, 10);

	if (end == description || n < 1 || n > 64 || end[0] != 'x' || end[1] != ' ')
		return NULL;
	*count = (int)n;
	return fetch_gpu_lookup(verda_gpus, ARRAY_SIZE(verda_gpus), end + 2);
}

/*
 * A price as Verda writes it: a string ("21.20") or a number. 1 and the price, 0
 * when none is listed (missing, null, 0), -1 when it is something else.
 */
static int verda_price(json_t *value, double *out)
{
	double price;

	if (!value || json_is_null(value))
		return 0;
	if (json_is_string(value)) {
		if (!fetch_parse_price(json_string_value(value), &price))
			return -1;
	} else if (json_is_number(value)) {
		price = json_number_value(value);
	} else {
		return -1;
	}
	if (!isfinite(price) || price < 0)
		return -1;
	*out = price;
	return price > 0;
}

/* A whole answer (Verda's are bare arrays), or NULL with an error naming SOURCE. */
static json_t *verda_load(const char *json, size_t len, const char *source)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);

	if (!root)
		error_set("%s: malformed JSON at line %d, column %d: %s", source, jerr.line,
			  jerr.column, jerr.text);
	return root;
}

/* The locations' codes, in the order listed; -1 with an error when not that shape. */
int verda_parse_locations(const char *json, size_t len, const char *source,
			  struct strbuf *codes)
{
	json_t *root = verda_load(json, len, source), *loc;
	size_t i;
	int result = -1;

	if (!root)
		return -1;
	if (!json_is_array(root) || !json_array_size(root)) {
		error_set("%s: expected an array of locations (has the format changed?)", source);
		goto cleanup;
	}
	strbuf_reset(codes);
	json_array_foreach(root, i, loc) {
		const char *code = json_string_value(json_object_get(loc, "code"));

		if (!code || !fetch_region_is_verda(code)) {
			error_set("%s: [%zu].code: expected a location code like FIN-01", source, i);
			goto cleanup;
		}
		strbuf_addf(codes, "%s%s", codes->len ? "," : "", code);
	}
	result = 0;
cleanup:
	json_decref(root);
	return result;
}

/* One purchase option of one instance type in every location of LOCATIONS. */
static int verda_offers(const struct offer *base, const char *locations,
			const struct fetch_config *config, const struct fetch_sink *sink,
			struct fetch_stats *stats)
{
	struct strbuf region = STRBUF_INIT;
	int result = 0;

	for (const char *p = locations; *p && result == 0;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		struct offer o = *base;

		strbuf_reset(&region);
		strbuf_add(&region, p, n);
		p += n + (comma ? 1 : 0);
		if (!fetch_wants_every_region(config) && !fetch_region_wanted(config, region.buf))
			continue;
		o.region = region.buf;
		result = fetch_emit_offer(sink, stats, &o);
	}
	strbuf_release(&region);
	return result;
}

/* One instance type: 0 (emitted, or skipped and counted), -1 on another shape. */
static int verda_type(size_t index, json_t *type, const char *locations,
		      const struct fetch_config *config, const char *source,
		      const struct fetch_sink *sink, struct fetch_stats *stats)
{
	const char *name = json_string_value(json_object_get(type, "instance_type"));
	const char *gpu = json_string_value(json_object_get(json_object_get(type, "gpu"),
							    "description"));
	const char *currency = json_string_value(json_object_get(type, "currency"));
	const char *accelerator;
	double price = 0, spot = 0;
	int count = 0, has_price, has_spot;
	struct offer o = {
		.provider = "verda", .currency = "USD", .observed = (char *)config->observed,
		.source = (char *)source, .confidence = "exact",
		.interruptions_per_month = NAN,
	};

	if (!json_is_object(type) || !name || !*name) {
		error_set("%s: [%zu]: no instance_type (has the format changed?)", source, index);
		return -1;
	}
	if (currency && strcmp(currency, "usd") != 0) {
		error_set("%s: [%zu] %s: prices in \"%s\", asked for usd", source, index, name,
			  currency);
		return -1;
	}
	/* CPU nodes, and GPUs the accelerator table does not know (RTX A6000, V100). */
	accelerator = gpu ? verda_gpu(gpu, &count) : NULL;
	if (!accelerator) {
		stats->skipped++;
		return 0;
	}
	has_price = verda_price(json_object_get(type, "price_per_hour"), &price);
	has_spot = verda_price(json_object_get(type, "spot_price"), &spot);
	if (has_price < 0 || has_spot < 0) {
		error_set("%s: [%zu] %s: %s: expected a price per hour", source, index, name,
			  has_price < 0 ? "price_per_hour" : "spot_price");
		return -1;
	}
	if (!has_price) {
		stats->skipped++;
		stats->unpriced++;
		return 0;
	}
	o.instance_type = (char *)name;
	o.accelerator = (char *)accelerator;
	o.accelerator_count = count;
	o.vcpus = json_number_value(json_object_get(json_object_get(type, "cpu"),
						    "number_of_cores"));
	o.memory_gib = json_number_value(json_object_get(json_object_get(type, "memory"),
							 "size_in_gigabytes"));
	o.purchase = "on-demand";
	o.price_per_hour = price;
	o.note = "list price of the instance type (one list for every location)";
	if (verda_offers(&o, locations, config, sink, stats) < 0)
		return -1;
	/* No spot price listed (0): no spot offer, the on-demand one stands. */
	if (!has_spot)
		return 0;
	o.purchase = "spot";
	o.price_per_hour = spot;
	o.note = "spot: list price of the instance type; may be stopped (one list for every "
		 "location)";
	return verda_offers(&o, locations, config, sink, stats);
}

int verda_parse_instance_types(const char *json, size_t len, const char *locations,
			       const struct fetch_config *config, const char *source,
			       const struct fetch_sink *sink, struct fetch_stats *stats)
{
	json_t *root = verda_load(json, len, source), *type;
	size_t i;
	int result = -1;

	if (!root)
		return -1;
	if (!json_is_array(root)) {
		error_set("%s: expected an array of instance types (has the format changed?)",
			  source);
		goto cleanup;
	}
	json_array_foreach(root, i, type) {
		stats->rows++;
		if (verda_type(i, type, locations, config, source, sink, stats) < 0)
			goto cleanup;
	}
	result = 0;
cleanup:
	json_decref(root);
	return result;
}

/* The token answer's access_token; -1 with an error that never quotes the answer. */
static int verda_token(const char *json, size_t len, const char *source, struct strbuf *token)
{
	json_t *root = json_loadb(json, len, 0, NULL);
	const char *access = json_string_value(json_object_get(root, "access_token"));
	int result = -1;

	if (!access || !*access) {
		error_set("%s: no access_token in the answer (has the format changed?)", source);
	} else {
		strbuf_reset(token);
		strbuf_adds(token, access);
		result = 0;
	}
	json_decref(root);
	return result;
}

void fetch_verda_head_key(const struct fetch_config *config, struct strbuf *key)
{
	strbuf_adds(key, fetch_endpoint("AICOST_VERDA_ENDPOINT", VERDA_ENDPOINT));
	strbuf_adds(key, "/instance-types?currency=usd");
	fetch_key_add_regions(config, key);
}

int fetch_verda(const struct fetch_config *config, const struct fetch_sink *sink,
		struct fetch_result *result)
{
	const char *base = fetch_endpoint("AICOST_VERDA_ENDPOINT", VERDA_ENDPOINT);
	struct strbuf url = STRBUF_INIT, body = STRBUF_INIT, token = STRBUF_INIT,
		      locations = STRBUF_INIT, source = STRBUF_INIT;
	struct fetch_config authed = *config;
	json_t *credentials = NULL;
	char *payload = NULL;
	int rc = -1;

	if (!config->client_id || !*config->client_id || !config->bearer_token ||
	    !*config->bearer_token) {
		error_set("no client credentials (set AICOST_VERDA_CLIENT_ID and "
			  "AICOST_VERDA_CLIENT_SECRET)");
		return -1;
	}
	/* 1. The access token: the secret goes in the body, as JSON. */
	credentials = json_pack("{s:s, s:s, s:s}", "grant_type", "client_credentials",
				"client_id", config->client_id, "client_secret",
				config->bearer_token);
	payload = credentials ? json_dumps(credentials, JSON_COMPACT) : NULL;
	if (!payload) {
		error_set("cannot encode the client credentials");
		goto cleanup;
	}
	strbuf_addf(&url, "%s/oauth2/token", base);
	if (fetch_post_json(config, url.buf, "access token", payload, config->bearer_token,
			    &body, result) < 0 ||
	    verda_token(body.buf, body.len, url.buf, &token) < 0)
		goto cleanup;
	authed.bearer_token = token.buf;
	/* 2. Where it rents: the locations (only these need the token). */
	strbuf_reset(&url);
	strbuf_addf(&url, "%s/locations", base);
	if (fetch_get_page(&authed, false, url.buf, "locations", &body, result) < 0)
		goto cleanup;
	result->stats.pages++;
	if (verda_parse_locations(body.buf, body.len, url.buf, &locations) < 0)
		goto cleanup;
	/* 3. The price list; unconditional, since a 304 would not cover new locations. */
	strbuf_reset(&url);
	strbuf_addf(&url, "%s/instance-types?currency=usd", base);
	strbuf_addf(&source, "%s/instance-types", base);
	if (fetch_get_page(&authed, false, url.buf, "instance types", &body, result) < 0)
		goto cleanup;
	result->stats.pages++;
	rc = verda_parse_instance_types(body.buf, body.len, locations.buf, config, source.buf,
					sink, &result->stats);
cleanup:
	free(payload);
	json_decref(credentials);
	strbuf_release(&token);
	strbuf_release(&url);
	strbuf_release(&body);
	strbuf_release(&locations);
	strbuf_release(&source);
	return rc;
}
