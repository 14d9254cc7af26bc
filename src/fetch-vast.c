/*
 * Vast.ai marketplace: GET /api/v0/bundles/?q=QUERY&select_cols=COLUMNS, the offer
 * search of Vast's OpenAPI ("Search Offers (GET)", no API key: security []). QUERY
 * is the JSON object the vastai CLI posts for `search offers` (verified, rentable,
 * not rented, on-demand); the answer is
 *   {"offers": [{"id", "gpu_name": "H100 SXM", "num_gpus", "gpu_ram" (MB per GPU),
 *      "dph_total" ($/h asked for the whole listing), "min_bid" ($/h, the lowest
 *      interruptible bid), "geolocation": "Texas, US"}, ...]}
 * Every listing is one host's asking price, so as the catalog does (build-catalog)
 * the listings are folded: per GPU model, GPU count and country, the median asking
 * price is the on-demand offer and the median minimum bid the spot offer.
 *
 * The search has a "limit" and no offset, so the whole market is read in pages by
 * a cursor on the listing id, with the documented operators: "order" by id
 * ascending and, after the first page, "id": {"gt": LAST}, until a page comes back
 * empty (an empty page rather than a short one ends it: a server that returns less
 * than asked still gets read to the end). A page whose ids are not above the
 * cursor, or not ascending, is an error, not a market: the search ignored the
 * cursor. The median needs every listing, so nothing is stored before the end.
 */
#include "fetch.h"
#include "http.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VAST_ENDPOINT "https://console.vast.ai/api/v0/bundles/"
/* The vastai CLI's default filters, on-demand prices, its 5 GB of disk; by id. */
#define VAST_FILTERS "\"verified\": {\"eq\": true}, \"external\": {\"eq\": false}, " \
	"\"rentable\": {\"eq\": true}, \"rented\": {\"eq\": false}, \"type\": \"on-demand\", " \
	"\"allocated_storage\": 5, \"order\": [[\"id\", \"asc\"]]"
/* Listings asked for per page (the most SkyPilot's catalog fetcher asks for at once). */
#define VAST_PAGE_LISTINGS 10000
/* A market that has not ended after this many listings is a search gone wrong. */
#define VAST_MAX_LISTINGS 2000000
#define VAST_COLUMNS "[\"id\", \"gpu_name\", \"num_gpus\", \"gpu_ram\", \"dph_total\", " \
	"\"min_bid\", \"geolocation\"]"

bool fetch_region_is_vast(const char *name)
{
	/* A country code, as Vast's geolocation ends: US, FR, SE. */
	return strlen(name) == 2 && isupper((unsigned char)name[0]) &&
	       isupper((unsigned char)name[1]);
}

/*
 * Vast's gpu_name -> the accelerator table's name. An A100's memory decides
 * which A100 it is (gpu_ram, MB). Anything else is skipped and counted.
 */
static const struct fetch_gpu_name vast_gpus[] = {
	{ "H100 SXM", "H100-SXM" },
	{ "H100 PCIE", "H100-PCIe" },
	{ "H100 NVL", "H100-NVL" },
	{ "H200", "H200" },
	{ "B200", "B200" },
	{ "GH200 SXM", "GH200" },
	{ "L40S", "L40S" },
	{ "L4", "L4" },
	{ "A10", "A10" },
	{ "Tesla T4", "T4" },
	{ "MI300X", "MI300X" },
};

static const char *vast_accelerator(const char *gpu_name, double gpu_ram_mb)
{
	if (strcmp(gpu_name, "A100 SXM4") == 0 || strcmp(gpu_name, "A100 PCIE") == 0)
		return gpu_ram_mb >= 60000 ? "A100-80GB" : "A100-40GB";
	return fetch_gpu_lookup(vast_gpus, ARRAY_SIZE(vast_gpus), gpu_name);
}

/* "Texas, US" -> "US"; "Quebec, CA, NA" (with georegion) -> "CA"; false without one. */
static bool vast_country(const char *geolocation, char out[3])
{
	const char *parts[3] = { NULL, NULL, NULL }, *p = geolocation, *code;
	size_t n = 0;

	while (p) {
		const char *comma = strchr(p, ',');

		if (n == ARRAY_SIZE(parts))
			memmove(parts, parts + 1, sizeof(parts[0]) * --n);
		parts[n++] = p;
		p = comma ? comma + 1 : NULL;
	}
	code = parts[n >= 3 ? n - 2 : n - 1];
	while (*code == ' ')
		code++;
	if (!isupper((unsigned char)code[0]) || !isupper((unsigned char)code[1]) ||
	    (code[2] && code[2] != ',' && code[2] != ' '))
		return false;
	out[0] = code[0];
	out[1] = code[1];
	out[2] = '\0';
	return true;
}

/* The listings of one GPU model, count and country. */
struct vast_group {
	char key[64];             /* "US|H100-SXM|8" */
	char country[3];
	const char *accelerator;
	int count;
	double *asks, *bids;
	size_t nasks, asks_alloc, nbids, bids_alloc;
};

struct vast_groups {
	struct vast_group *items;
	size_t n, alloc;
};

static struct vast_group *group_of(struct vast_groups *groups, const char *country,
				   const char *accelerator, int count)
{
	char key[64];
	struct vast_group *g;

	snprintf(key, sizeof(key), "%s|%s|%d", country, accelerator, count);
	for (size_t i = 0; i < groups->n; i++)
		if (strcmp(groups->items[i].key, key) == 0)
			return &groups->items[i];
	xgrow(&groups->items, &groups->alloc, groups->n + 1, sizeof(*groups->items));
	g = &groups->items[groups->n++];
	memset(g, 0, sizeof(*g));
	memcpy(g->key, key, sizeof(key));
	memcpy(g->country, country, 3);
	g->accelerator = accelerator;
	g->count = count;
	return g;
}

static void groups_release(struct vast_groups *groups)
{
	for (size_t i = 0; i < groups->n; i++) {
		free(groups->items[i].asks);
		free(groups->items[i].bids);
	}
	free(groups->items);
	memset(groups, 0, sizeof(*groups));
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median (of the middle two when even), as Python's statistics.median. */
static double median(double *values, size_t n)
{
	sort_array(values, n, sizeof(*values), compare_double);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static bool positive_number(json_t *value, double *out)
{
	if (!json_is_number(value) || !isfinite(json_number_value(value)) ||
	    !(json_number_value(value) > 0))
		return false;
	*out = json_number_value(value);
	return true;
}

/* Where the pages are: the cursor (the last id read, -1 before the first page). */
struct vast_cursor {
	json_int_t last_id;
	size_t listings;          /* read so far, every page */
};

/*
 * The listing's id moves the cursor: it must be above the last one read (the
 * page continues the market in id order), else -1 with an error.
 */
static int vast_advance(size_t index, json_t *item, const char *source,
			struct vast_cursor *cursor)
{
	json_t *id = json_object_get(item, "id");

	if (!json_is_integer(id) || json_integer_value(id) < 0) {
		error_set("%s: offers[%zu].id: expected a listing id (has the format changed?)",
			  source, index);
		return -1;
	}
	if (json_integer_value(id) <= cursor->last_id) {
		error_set("%s: offers[%zu].id %" JSON_INTEGER_FORMAT " is not above %"
			  JSON_INTEGER_FORMAT ": the search ignored the id cursor, so the market "
			  "cannot be read whole", source, index, json_integer_value(id),
			  cursor->last_id);
		return -1;
	}
	cursor->last_id = json_integer_value(id);
	if (++cursor->listings > VAST_MAX_LISTINGS) {
		error_set("%s: more than %d listings: the search does not end", source,
			  VAST_MAX_LISTINGS);
		return -1;
	}
	return 0;
}

/* One listing into its group: 0, or -1 on a listing that breaks the format. */
static int vast_listing(size_t index, json_t *item, const struct fetch_config *config,
			const char *source, struct vast_groups *groups, struct fetch_stats *stats)
{
	const char *gpu_name = json_string_value(json_object_get(item, "gpu_name"));
	const char *geolocation = json_string_value(json_object_get(item, "geolocation"));
	json_t *num_gpus = json_object_get(item, "num_gpus");
	const char *accelerator;
	double ask, bid;
	char country[3];
	struct vast_group *g;

	if (!json_is_object(item) || !json_is_integer(num_gpus) ||
	    json_integer_value(num_gpus) < 1 || json_integer_value(num_gpus) > 64) {
		error_set("%s: offers[%zu]: expected an object with num_gpus from 1 to 64 "
			  "(has the format changed?)", source, index);
		return -1;
	}
	if (!positive_number(json_object_get(item, "dph_total"), &ask)) {
		error_set("%s: offers[%zu].dph_total: expected a price per hour > 0", source,
			  index);
		return -1;
	}
	accelerator = gpu_name ? vast_accelerator(gpu_name, json_number_value(
							  json_object_get(item, "gpu_ram"))) : NULL;
	if (!accelerator) {
		stats->skipped++;
		return 0;
	}
	/* A listing without a country cannot be placed: skipped and counted, too. */
	if (!geolocation || !vast_country(geolocation, country)) {
		stats->skipped++;
		return 0;
	}
	if (!fetch_wants_every_region(config) && !fetch_region_wanted(config, country))
		return 0;
	g = group_of(groups, country, accelerator, (int)json_integer_value(num_gpus));
	xgrow(&g->asks, &g->asks_alloc, g->nasks + 1, sizeof(*g->asks));
	g->asks[g->nasks++] = ask;
	/* An interruptible bid only counts when it is below the asking price. */
	if (positive_number(json_object_get(item, "min_bid"), &bid) && bid < ask) {
		xgrow(&g->bids, &g->bids_alloc, g->nbids + 1, sizeof(*g->bids));
		g->bids[g->nbids++] = bid;
	}
	return 0;
}

static int emit_group(struct vast_group *g, const struct fetch_config *config,
		      const char *source, const struct fetch_sink *sink,
		      struct fetch_stats *stats)
{
	struct strbuf instance = STRBUF_INIT, note = STRBUF_INIT;
	struct offer o = {
		.provider = "vast", .region = g->country, .accelerator = (char *)g->accelerator,
		.accelerator_count = g->count, .currency = "USD",
		.observed = (char *)config->observed, .source = (char *)source,
		.confidence = "approx", .interruptions_per_month = NAN,
	};
	int result = -1;

	/* The catalog's instance names (build-catalog), so live rows replace its rows. */
	strbuf_addf(&instance, "%dx-%s", g->count, g->accelerator);
	o.instance_type = instance.buf;
	strbuf_addf(&note, "marketplace asking price; median of %zu listing%s", g->nasks,
		    g->nasks == 1 ? "" : "s");
	o.purchase = "on-demand";
	o.price_per_hour = median(g->asks, g->nasks);
	o.note = note.buf;
	if (fetch_emit_offer(sink, stats, &o) < 0)
		goto cleanup;
	if (g->nbids) {
		strbuf_reset(&note);
		strbuf_addf(&note, "interruptible: median minimum bid of %zu listing%s "
			    "(stopped when outbid)", g->nbids, g->nbids == 1 ? "" : "s");
		o.purchase = "spot";
		o.price_per_hour = median(g->bids, g->nbids);
		o.note = note.buf;
		if (fetch_emit_offer(sink, stats, &o) < 0)
			goto cleanup;
	}
	result = 0;
cleanup:
	strbuf_release(&instance);
	strbuf_release(&note);
	return result;
}

/* One page of the search into GROUPS, moving CURSOR; *COUNT takes its listings. */
static int vast_fold_page(const char *json, size_t len, const struct fetch_config *config,
			  const char *source, struct vast_groups *groups,
			  struct vast_cursor *cursor, size_t *count, struct fetch_stats *stats)
{
	json_t *root, *offers = fetch_json_member(json, len, source, "offers", false, "array",
						  &root), *item;
	size_t i;
	int result = -1;

	if (!offers)
		goto cleanup;
	json_array_foreach(offers, i, item) {
		stats->rows++;
		if (!json_is_object(item)) {
			error_set("%s: offers[%zu]: expected an object (has the format changed?)",
				  source, i);
			goto cleanup;
		}
		if (vast_advance(i, item, source, cursor) < 0 ||
		    vast_listing(i, item, config, source, groups, stats) < 0)
			goto cleanup;
	}
	*count = json_array_size(offers);
	result = 0;
cleanup:
	json_decref(root);
	return result;
}

static int emit_groups(struct vast_groups *groups, const struct fetch_config *config,
		       const char *source, const struct fetch_sink *sink,
		       struct fetch_stats *stats)
{
	for (size_t i = 0; i < groups->n; i++)
		if (emit_group(&groups->items[i], config, source, sink, stats) < 0)
			return -1;
	return 0;
}

int vast_parse_bundles(const char *json, size_t len, const struct fetch_config *config,
		       const char *source, const struct fetch_sink *sink,
		       struct fetch_stats *stats)
{
	struct vast_groups groups = { 0 };
	struct vast_cursor cursor = { .last_id = -1 };
	size_t count;
	int result = -1;

	if (vast_fold_page(json, len, config, source, &groups, &cursor, &count, stats) == 0)
		result = emit_groups(&groups, config, source, sink, stats);
	groups_release(&groups);
	return result;
}

/* The search URL of the page after listing AFTER (-1: the first page). */
static void vast_url(struct strbuf *url, json_int_t after)
{
	struct strbuf query = STRBUF_INIT;

	strbuf_adds(&query, "{" VAST_FILTERS);
	strbuf_addf(&query, ", \"limit\": %d", VAST_PAGE_LISTINGS);
	if (after >= 0)
		strbuf_addf(&query, ", \"id\": {\"gt\": %" JSON_INTEGER_FORMAT "}", after);
	strbuf_addch(&query, '}');
	strbuf_adds(url, fetch_endpoint("AICOST_VAST_ENDPOINT", VAST_ENDPOINT));
	strbuf_adds(url, "?q=");
	http_url_escape(url, query.buf);
	strbuf_adds(url, "&select_cols=");
	http_url_escape(url, VAST_COLUMNS);
	strbuf_release(&query);
}

void fetch_vast_head_key(const struct fetch_config *config, struct strbuf *key)
{
	vast_url(key, -1);
	fetch_key_add_regions(config, key);
}

int fetch_vast(const struct fetch_config *config, const struct fetch_sink *sink,
	       struct fetch_result *result)
{
	const char *source = fetch_endpoint("AICOST_VAST_ENDPOINT", VAST_ENDPOINT);
	struct strbuf url = STRBUF_INIT, body = STRBUF_INIT, label = STRBUF_INIT;
	struct vast_groups groups = { 0 };
	struct vast_cursor cursor = { .last_id = -1 };
	size_t count = 1;
	int rc = -1;

	/* Unconditional: a 304 on the first page would say nothing of the others. */
	for (int page = 1; count > 0; page++) {
		strbuf_reset(&url);
		strbuf_reset(&label);
		vast_url(&url, cursor.last_id);
		strbuf_addf(&label, "offers page %d", page);
		if (fetch_get_page(config, false, url.buf, label.buf, &body, result) < 0)
			goto cleanup;
		result->stats.pages++;
		if (vast_fold_page(body.buf, body.len, config, source, &groups, &cursor, &count,
				   &result->stats) < 0) {
			error_prefix("%s: ", label.buf);
			goto cleanup;
		}
	}
	rc = emit_groups(&groups, config, source, sink, &result->stats);
cleanup:
	groups_release(&groups);
	strbuf_release(&url);
	strbuf_release(&body);
	strbuf_release(&label);
	return rc;
}
