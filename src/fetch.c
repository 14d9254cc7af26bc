/* Helpers shared by the provider fetchers (see fetch.h). */
#include "fetch.h"
#include "http.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const fetch_azure_default_regions[] = { "eastus", "westus2", "westeurope", NULL };
const char *const fetch_aws_default_regions[] = { "us-east-1", "us-west-2", "eu-west-1", NULL };
const char *const fetch_gcp_default_regions[] = {
	"us-central1", "us-east4", "europe-west4", NULL
};

void fetch_result_init(struct fetch_result *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->head_key, 0);
	strbuf_init(&r->head_etag, 0);
	strbuf_init(&r->head_last_modified, 0);
}

void fetch_result_release(struct fetch_result *r)
{
	strbuf_release(&r->head_key);
	strbuf_release(&r->head_etag);
	strbuf_release(&r->head_last_modified);
	for (size_t i = 0; i < r->nmore; i++) {
		strbuf_release(&r->more[i].key);
		strbuf_release(&r->more[i].etag);
		strbuf_release(&r->more[i].last_modified);
	}
	free(r->more);
	r->more = NULL;
	r->nmore = r->more_alloc = 0;
}

const char *fetch_endpoint(const char *env_name, const char *fallback)
{
	const char *value = getenv(env_name);

	return value && *value ? value : fallback;
}

int fetch_get_page(const struct fetch_config *config, bool head, const char *url,
		   const char *label, struct strbuf *body, struct fetch_result *result)
{
	struct http_response resp;
	int ret = -1;

	http_response_init(&resp);
	if (http_get_buffer_auth(config->http, url, label, config->bearer_token,
				 head ? config->head_etag : NULL,
				 head ? config->head_last_modified : NULL, body, &resp) < 0)
		goto cleanup;
	result->stats.requests++;
	result->stats.bytes += resp.body_bytes;
	ret = 0;
	if (head) {
		strbuf_reset(&result->head_etag);
		strbuf_add(&result->head_etag, resp.etag.buf, resp.etag.len);
		strbuf_reset(&result->head_last_modified);
		strbuf_add(&result->head_last_modified, resp.last_modified.buf,
			   resp.last_modified.len);
		if (resp.status == 304) {
			result->unchanged = true;
			ret = 1;
		}
	}
cleanup:
	http_response_release(&resp);
	return ret;
}

int fetch_get_keyed(const struct fetch_config *config, const char *key, bool conditional,
		    const char *url, const char *label, struct strbuf *body,
		    struct fetch_result *result)
{
	struct strbuf etag = STRBUF_INIT, last_modified = STRBUF_INIT, full_key = STRBUF_INIT;
	struct http_response resp;
	struct fetch_validators *v = NULL;
	bool stored;
	int ret = -1;

	strbuf_adds(&full_key, key);
	fetch_key_add_regions(config, &full_key);
	stored = conditional && config->stored_validators &&
		 config->stored_validators(config->validators_ctx, full_key.buf, &etag,
					   &last_modified) == 0;
	http_response_init(&resp);
	if (http_get_buffer(config->http, url, label, stored ? etag.buf : NULL,
			    stored ? last_modified.buf : NULL, body, &resp) < 0)
		goto cleanup;
	result->stats.requests++;
	result->stats.bytes += resp.body_bytes;
	for (size_t i = 0; i < result->nmore && !v; i++)
		if (strcmp(result->more[i].key.buf, full_key.buf) == 0)
			v = &result->more[i];
	if (!v) {
		xgrow(&result->more, &result->more_alloc, result->nmore + 1, sizeof(*result->more));
		v = &result->more[result->nmore++];
		strbuf_init(&v->key, 0);
		strbuf_init(&v->etag, 0);
		strbuf_init(&v->last_modified, 0);
		strbuf_add(&v->key, full_key.buf, full_key.len);
	}
	strbuf_reset(&v->etag);
	strbuf_add(&v->etag, resp.etag.buf, resp.etag.len);
	strbuf_reset(&v->last_modified);
	strbuf_add(&v->last_modified, resp.last_modified.buf, resp.last_modified.len);
	ret = resp.status == 304 ? 1 : 0;
cleanup:
	http_response_release(&resp);
	strbuf_release(&etag);
	strbuf_release(&last_modified);
	strbuf_release(&full_key);
	return ret;
}

int fetch_post_json(const struct fetch_config *config, const char *url, const char *label,
		    const char *payload, const char *secret, struct strbuf *answer,
		    struct fetch_result *result)
{
	struct http_response resp;
	int ret = -1;

	http_response_init(&resp);
	if (http_post_buffer(config->http, url, label, "application/json", payload,
			     strlen(payload), secret, answer, &resp) == 0) {
		result->stats.requests++;
		result->stats.bytes += resp.body_bytes;
		ret = 0;
	}
	http_response_release(&resp);
	return ret;
}

struct json_t *fetch_json_member(const char *json, size_t len, const char *source,
				 const char *key, bool object, const char *what,
				 struct json_t **root)
{
	json_error_t jerr;
	json_t *member;

	*root = json_loadb(json, len, 0, &jerr);
	if (!*root) {
		error_set("%s: malformed JSON at line %d, column %d: %s", source, jerr.line,
			  jerr.column, jerr.text);
		return NULL;
	}
	member = json_object_get(*root, key);
	if (object ? !json_is_object(member) : !json_is_array(member)) {
		error_set("%s: no \"%s\" %s (has the format changed?)", source, key, what);
		return NULL;
	}
	return member;
}

int fetch_json_page(const struct fetch_config *config, const char *key_env, const char *url,
		    const char *label, const char *source, fetch_page_parser parse,
		    const struct fetch_sink *sink, struct fetch_result *result)
{
	struct strbuf body = STRBUF_INIT;
	int rc;

	if (key_env && (!config->bearer_token || !*config->bearer_token)) {
		error_set("no API key (set %s)", key_env);
		return -1;
	}
	rc = fetch_get_page(config, true, url, label, &body, result);
	if (rc == 0) {
		result->stats.pages++;
		rc = parse(body.buf, body.len, config, source, sink, &result->stats);
	}
	strbuf_release(&body);
	return rc < 0 ? -1 : 0;
}

void fetch_key_add_regions(const struct fetch_config *config, struct strbuf *key)
{
	strbuf_adds(key, "#regions=");
	for (size_t i = 0; i < config->nregions; i++)
		strbuf_addf(key, "%s%s", i ? "," : "", config->regions[i]);
}

bool fetch_region_wanted(const struct fetch_config *config, const char *region)
{
	for (size_t i = 0; i < config->nregions; i++)
		if (strcmp(config->regions[i], region) == 0)
			return true;
	return false;
}

const char *const fetch_every_region[] = { "all", NULL };

bool fetch_wants_every_region(const struct fetch_config *config)
{
	return config->nregions == 1 && strcmp(config->regions[0], "all") == 0;
}

const char *fetch_gpu_lookup(const struct fetch_gpu_name *map, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(map[i].name, name) == 0)
			return map[i].accelerator;
	return NULL;
}

/* Lowercase letters, digits and dashes only, starting with a letter. */
static bool region_charset(const char *name)
{
	if (!islower((unsigned char)name[0]))
		return false;
	for (const char *p = name; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
			return false;
	return true;
}

bool fetch_cpu_instance_kept(const char *provider, const char *type)
{
	if (strcmp(provider, "aws") == 0)
		return fetch_aws_cpu_kept(type);
	if (strcmp(provider, "azure") == 0)
		return fetch_azure_cpu_kept(type);
	if (strcmp(provider, "gcp") == 0)
		return fetch_gcp_cpu_kept(type);
	return false;
}

bool fetch_region_is_aws(const char *name)
{
	size_t len = strlen(name);

	/* us-east-1, ap-southeast-2, us-gov-west-1: dashes and a trailing -N. */
	return region_charset(name) && len >= 4 && strchr(name, '-') &&
	       isdigit((unsigned char)name[len - 1]) && name[len - 2] == '-';
}

bool fetch_region_is_gcp(const char *name)
{
	size_t len = strlen(name);

	/* us-central1, europe-west4: dashes and digits glued to the last word. */
	return region_charset(name) && len >= 4 && strchr(name, '-') &&
	       isdigit((unsigned char)name[len - 1]) && name[len - 2] != '-';
}

bool fetch_region_is_azure(const char *name)
{
	/* eastus, westeurope, southcentralus: no dashes at all (and longer than
	 * Vultr's three-letter location ids). */
	return region_charset(name) && !strchr(name, '-') && !fetch_region_is_vultr(name);
}

bool fetch_parse_price(const char *text, double *out)
{
	char *end;
	double value;

	while (isspace((unsigned char)*text))
		text++;
	if (!*text)
		return false;
	value = c_strtod(text, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == text || *end || !isfinite(value) || value < 0)
		return false;
	*out = value;
	return true;
}

int fetch_emit_offer(const struct fetch_sink *sink, struct fetch_stats *stats,
		     const struct offer *o)
{
	/* A fetcher stamps provenance; the same rule as the store and the catalog. */
	if (provenance_check(o->instance_type, o->confidence, o->source, o->observed))
		return -1;
	if (sink->offer(sink->ctx, o) < 0)
		return -1;
	stats->offers++;
	return 0;
}

int fetch_emit_egress(const struct fetch_sink *sink, struct fetch_stats *stats,
		      const struct egress_tier *t)
{
	if (provenance_check("egress tier", t->confidence, t->source, t->observed))
		return -1;
	if (sink->egress(sink->ctx, t) < 0)
		return -1;
	stats->egress_tiers++;
	return 0;
}

const char *const fetch_no_regions[] = { NULL };

bool fetch_region_is_none(const char *name)
{
	(void)name;
	return false;
}

const struct fetcher fetchers[] = {
	{ .name = "aws", .fetch = fetch_aws, .head_key = fetch_aws_head_key,
	  .region_is_mine = fetch_region_is_aws, .default_regions = fetch_aws_default_regions },
	{ .name = "azure", .fetch = fetch_azure, .head_key = fetch_azure_head_key,
	  .region_is_mine = fetch_region_is_azure, .default_regions = fetch_azure_default_regions },
	{ .name = "gcp", .fetch = fetch_gcp, .head_key = fetch_gcp_head_key,
	  .region_is_mine = fetch_region_is_gcp, .default_regions = fetch_gcp_default_regions,
	  .needs_gcp_key = true },
	{ .name = "lambda", .fetch = fetch_lambda, .head_key = fetch_lambda_head_key,
	  .region_is_mine = fetch_region_is_lambda, .default_regions = fetch_lambda_regions,
	  .bearer_key_env = "AICOST_LAMBDA_API_KEY", .whole_market = true, .best_effort = true },
	{ .name = "vast", .fetch = fetch_vast, .head_key = fetch_vast_head_key,
	  .region_is_mine = fetch_region_is_vast, .default_regions = fetch_every_region,
	  .whole_market = true, .best_effort = true },
	{ .name = "runpod", .fetch = fetch_runpod, .head_key = fetch_runpod_head_key,
	  .region_is_mine = fetch_region_is_runpod, .default_regions = fetch_every_region,
	  .bearer_key_env = "AICOST_RUNPOD_API_KEY", .whole_market = true, .best_effort = true },
	{ .name = "verda", .fetch = fetch_verda, .head_key = fetch_verda_head_key,
	  .region_is_mine = fetch_region_is_verda, .default_regions = fetch_every_region,
	  .bearer_key_env = "AICOST_VERDA_CLIENT_SECRET", .client_id_env = "AICOST_VERDA_CLIENT_ID",
	  .whole_market = true, .best_effort = true },
	{ .name = "vultr", .fetch = fetch_vultr, .head_key = fetch_vultr_head_key,
	  .region_is_mine = fetch_region_is_vultr, .default_regions = fetch_every_region,
	  .whole_market = true, .best_effort = true },
	{ .name = "fx", .fetch = fetch_fx, .head_key = fetch_fx_head_key,
	  .region_is_mine = fetch_region_is_none, .default_regions = fetch_no_regions,
	  .reference = true },
};
const size_t nfetchers = ARRAY_SIZE(fetchers);

bool fetch_provider_is_live(const char *provider)
{
	for (size_t i = 0; i < nfetchers; i++)
		if (strcmp(provider, fetchers[i].name) == 0)
			return true;
	return false;
}

/* FNV-1a: short keys, no adversary; the table stays under half full. */
static size_t seen_hash(const char *key)
{
	size_t h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static void seen_put(char **slots, size_t capacity, char *key)
{
	size_t i = seen_hash(key) & (capacity - 1);

	while (slots[i])
		i = (i + 1) & (capacity - 1);
	slots[i] = key;
}

bool fetch_seen_add(struct fetch_seen *seen, const char *key)
{
	size_t i;

	if (seen->capacity) {
		for (i = seen_hash(key) & (seen->capacity - 1); seen->slots[i];
		     i = (i + 1) & (seen->capacity - 1))
			if (strcmp(seen->slots[i], key) == 0)
				return false;
	}
	if ((seen->n + 1) * 2 > seen->capacity) {
		size_t capacity = seen->capacity ? seen->capacity * 2 : 64;
		char **slots = xcalloc(capacity, sizeof(*slots));

		for (i = 0; i < seen->capacity; i++)
			if (seen->slots[i])
				seen_put(slots, capacity, seen->slots[i]);
		free(seen->slots);
		seen->slots = slots;
		seen->capacity = capacity;
	}
	seen_put(seen->slots, seen->capacity, xstrdup(key));
	seen->n++;
	return true;
}

void fetch_seen_release(struct fetch_seen *seen)
{
	for (size_t i = 0; i < seen->capacity; i++)
		free(seen->slots[i]);
	free(seen->slots);
	memset(seen, 0, sizeof(*seen));
}
