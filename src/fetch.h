/*
 * Provider price fetchers: each turns one provider's price source into normalised
 * `struct offer` / `struct egress_tier` rows handed to a sink, so the parsers are
 * testable without the store and the command layer decides where rows go.
 *
 *   fetch-azure.c  Retail Prices API (JSON pages, NextPageLink)
 *   fetch-aws.c    Price List bulk API (streamed CSV), AWSDataTransfer, spot feed
 *   fetch-gcp.c    Cloud Billing Catalog (JSON pages, nextPageToken, API key)
 *   fetch-fx.c     ECB euro reference rates (daily XML) as fx-EUR-CODE facts
 *   fetch-lambda.c Lambda Cloud API instance types (JSON, API key as bearer token)
 *   fetch-vast.c   Vast.ai marketplace offer search (JSON, public), folded per country
 *   fetch-runpod.c RunPod REST API v2 GPU types (JSON, API key as bearer token)
 *   fetch-verda.c  Verda (DataCrunch) instance types and locations (OAuth2 client
 *                  credentials: a POST for the token)
 *   fetch-vultr.c  Vultr API v2 plans and bare-metal plans (JSON pages, cursor, public)
 */
#ifndef AICOST_FETCH_H
#define AICOST_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prices.h"
#include "strbuf.h"

struct fetch_sink {
	/* Each returns 0, or -1 with error_set() to stop the provider's fetch. When a
	 * streamed file is fetched again after a cut, offers already handed over come
	 * again, identical: the sink keeps the first of each (region, zone, instance,
	 * component, purchase), as the store does. */
	int (*offer)(void *ctx, const struct offer *o);
	int (*egress)(void *ctx, const struct egress_tier *t);
	void *ctx;
	/* Reference figures (exchange rates); only the fx fetcher hands these over. */
	int (*fact)(void *ctx, const struct fact *f);
};

struct fetch_stats {
	unsigned long requests;      /* HTTP requests that answered */
	unsigned long pages;         /* JSON pages or CSV files parsed */
	unsigned long rows;          /* source rows / items / SKUs read */
	unsigned long offers;        /* offers handed to the sink */
	unsigned long egress_tiers;
	unsigned long facts;         /* reference figures (exchange rates) */
	unsigned long skipped;       /* rows of accelerators not in the accelerator table */
	unsigned long unpriced;      /* of those skipped: a known accelerator listed without
					a price */
	unsigned long fractional;    /* of those skipped: a fraction of one GPU (a vGPU
					slice), not a whole accelerator */
	uint64_t bytes;
};

struct http_client;

struct fetch_config {
	struct http_client *http;    /* cancel flag, progress; NULL: defaults */
	const char *const *regions;  /* this provider's regions; never empty */
	size_t nregions;
	const char *observed;        /* YYYY-MM-DD stamped on every offer */
	const char *gcp_api_key;
	/* Sent as "Authorization: Bearer ..." on every request when set (Lambda's key);
	 * for a provider with client credentials (Verda) the client secret instead. */
	const char *bearer_token;
	/* The OAuth2 client id that goes with the secret (Verda); NULL otherwise. */
	const char *client_id;
	/* Validators stored for the head URL (see fetch_result); NULL = unconditional. */
	const char *head_etag;
	const char *head_last_modified;
	/* Validators stored under KEY for a source the head does not cover (see
	 * fetch_get_keyed): 0 and filled, or -1 when none. NULL = unconditional. */
	int (*stored_validators)(void *ctx, const char *key, struct strbuf *etag,
				 struct strbuf *last_modified);
	void *validators_ctx;
};

/* What a conditional request answered, to be stored under KEY. */
struct fetch_validators {
	struct strbuf key;
	struct strbuf etag;
	struct strbuf last_modified;
};

/*
 * The provider's first request (its "head") is conditional on the validators
 * the caller stored; a 304 there means nothing changed: unchanged is set and
 * no row is emitted. head_key names the head for storing its new validators,
 * which the caller must only do after the snapshot committed.
 */
struct fetch_result {
	bool unchanged;
	struct strbuf head_key;
	struct strbuf head_etag;
	struct strbuf head_last_modified;
	/* The other sources' validators (fetch_get_keyed), stored with the head's. */
	struct fetch_validators *more;
	size_t nmore, more_alloc;
	struct fetch_stats stats;
};

void fetch_result_init(struct fetch_result *r);
void fetch_result_release(struct fetch_result *r);

/* The head key of each provider for CONFIG (what the caller looks validators up by). */
void fetch_azure_head_key(const struct fetch_config *config, struct strbuf *key);
void fetch_aws_head_key(const struct fetch_config *config, struct strbuf *key);
void fetch_gcp_head_key(const struct fetch_config *config, struct strbuf *key);
void fetch_fx_head_key(const struct fetch_config *config, struct strbuf *key);
void fetch_lambda_head_key(const struct fetch_config *config, struct strbuf *key);
void fetch_vast_head_key(const struct fetch_config *config, struct strbuf *key);
void fetch_runpod_head_key(const struct fetch_config *config, struct strbuf *key);
void fetch_verda_head_key(const struct fetch_config *config, struct strbuf *key);
void fetch_vultr_head_key(const struct fetch_config *config, struct strbuf *key);

int fetch_azure(const struct fetch_config *config, const struct fetch_sink *sink,
		struct fetch_result *result);
int fetch_aws(const struct fetch_config *config, const struct fetch_sink *sink,
	      struct fetch_result *result);
int fetch_gcp(const struct fetch_config *config, const struct fetch_sink *sink,
	      struct fetch_result *result);
/* The ECB's daily rates (AICOST_FX_ENDPOINT replaces the URL): one fact per currency. */
int fetch_fx(const struct fetch_config *config, const struct fetch_sink *sink,
	     struct fetch_result *result);
/* Lambda's instance types (AICOST_LAMBDA_ENDPOINT replaces the URL); needs
 * CONFIG->bearer_token, the API key. */
int fetch_lambda(const struct fetch_config *config, const struct fetch_sink *sink,
		 struct fetch_result *result);
/* Vast.ai's offer search (AICOST_VAST_ENDPOINT replaces the URL); no key. */
int fetch_vast(const struct fetch_config *config, const struct fetch_sink *sink,
	       struct fetch_result *result);
/* RunPod's GPU types (AICOST_RUNPOD_ENDPOINT replaces the URL before its query);
 * needs CONFIG->bearer_token, the API key. */
int fetch_runpod(const struct fetch_config *config, const struct fetch_sink *sink,
		 struct fetch_result *result);
/* Verda's locations and instance types (AICOST_VERDA_ENDPOINT replaces the API's
 * base URL); needs CONFIG->client_id and the secret in CONFIG->bearer_token. */
int fetch_verda(const struct fetch_config *config, const struct fetch_sink *sink,
		struct fetch_result *result);
/* Vultr's plans and bare-metal plans, every page (AICOST_VULTR_ENDPOINT replaces
 * the API's base URL); no key. */
int fetch_vultr(const struct fetch_config *config, const struct fetch_sink *sink,
		struct fetch_result *result);

/*
 * The fetchers `pricing update` knows, in the order it runs them: adding a
 * provider is one entry here (and its fetch-*.c).
 */
struct fetcher {
	const char *name;                 /* --provider NAME and the snapshot's provider */
	int (*fetch)(const struct fetch_config *config, const struct fetch_sink *sink,
		     struct fetch_result *result);
	void (*head_key)(const struct fetch_config *config, struct strbuf *key);
	bool (*region_is_mine)(const char *region);
	const char *const *default_regions;
	bool needs_gcp_key;               /* skipped (with a warning) without an API key */
	bool reference;                   /* reference rates (fx), not prices: no regions,
					     fetched only when named, not by "all" */
	/* The environment variable holding the provider's API key (sent as a bearer
	 * token); "all" includes the provider only when it is set. NULL: no key. */
	const char *bearer_key_env;
	/* With client credentials (Verda): the variable of the client id; the secret is
	 * then bearer_key_env's, and both must be set. */
	const char *client_id_env;
	/* The answer is the provider's whole market (every type it rents in every
	 * region fetched), not a page of a bigger list: what a region it covers no
	 * longer lists stops being current there. */
	bool whole_market;
	/* A GPU cloud that "all" (and a bare update) takes along: a failure is reported
	 * (warning, summary row) but counts in the exit status only when the provider
	 * was named in --provider. */
	bool best_effort;
};
extern const struct fetcher fetchers[];
extern const size_t nfetchers;
/* True for the providers in fetchers[] (fetched live); the others are priced from
 * the shipped catalog and imports only. */
bool fetch_provider_is_live(const char *provider);

/*
 * Whether the live fetcher of PROVIDER keeps the CPU instance type TYPE: the current
 * general-purpose, compute- and memory-optimised series that data pipelines are
 * priced on (each fetcher's table). False for providers whose fetcher keeps no CPU
 * instances, or that have no fetcher. The SkyPilot importer keeps the same ones.
 */
bool fetch_cpu_instance_kept(const char *provider, const char *type);
bool fetch_aws_cpu_kept(const char *instance_type);
bool fetch_azure_cpu_kept(const char *arm_sku);
bool fetch_gcp_cpu_kept(const char *machine_type);

/* Default regions when --region names none of a provider's. */
extern const char *const fetch_azure_default_regions[];
extern const char *const fetch_aws_default_regions[];
extern const char *const fetch_gcp_default_regions[];
extern const char *const fetch_lambda_regions[];
/* { "all" }: every region the source lists (Vast.ai's countries, RunPod's data
 * centres), found in the answer rather than known beforehand. */
extern const char *const fetch_every_region[];
/* True when CONFIG asks for every region the source lists. */
bool fetch_wants_every_region(const struct fetch_config *config);

/* True when NAME is spelled like a region of that provider (us-east-1, eastus, us-central1). */
bool fetch_region_is_aws(const char *name);
bool fetch_region_is_azure(const char *name);
bool fetch_region_is_gcp(const char *name);
/* One of Lambda's regions (spelled like AWS's: us-east-1 names both). */
bool fetch_region_is_lambda(const char *name);
/* A country code (US, FR): Vast.ai's listings are placed by country. */
bool fetch_region_is_vast(const char *name);
/* A RunPod data centre id in lowercase (eu-ro-1, us-ks-2, eur-is-1). */
bool fetch_region_is_runpod(const char *name);
/* A Verda location code as Verda spells it (FIN-01, ICE-01). */
bool fetch_region_is_verda(const char *name);
/* A Vultr location id: three lowercase letters (ewr, fra). */
bool fetch_region_is_vultr(const char *name);
/* The region rule and defaults of a source without regions (fx). */
bool fetch_region_is_none(const char *name);
extern const char *const fetch_no_regions[];

/* ---- Parsers, exposed for the unit tests ---- */

/* Azure: one Retail Prices page. NEXT receives NextPageLink ("" at the end). */
int azure_parse_page(const char *json, size_t len, const struct fetch_config *config,
		     const char *source, const struct fetch_sink *sink,
		     struct strbuf *next, struct fetch_stats *stats);

/* AWS: a push parser for a Price List CSV (AmazonEC2 or AWSDataTransfer). */
enum aws_offer_kind { AWS_OFFER_EC2, AWS_OFFER_DATA_TRANSFER };
/* The accelerator and CPU instances kept from the EC2 files: what spot offers are made of. */
struct aws_catalog;
struct aws_catalog *aws_catalog_new(void);
void aws_catalog_free(struct aws_catalog *catalog);
struct aws_csv;
struct aws_csv *aws_csv_new(enum aws_offer_kind kind, const struct fetch_config *config,
			    const char *source, const struct fetch_sink *sink,
			    struct fetch_stats *stats, struct aws_catalog *catalog);
/* Feeds the next bytes, as they arrive; -1 with error set on a bad file or a sink error. */
int aws_csv_push(struct aws_csv *csv, const char *data, size_t len);
/* End of file: flushes the reserved terms; -1 if the file was not a complete offer. */
int aws_csv_finish(struct aws_csv *csv);
/* Forgets everything pushed so far and the rows it counted (an HTTP retry restarts
 * the body); offers already handed to the sink stay there. */
void aws_csv_restart(struct aws_csv *csv);
void aws_csv_free(struct aws_csv *csv);

/* AWS spot: the public spot price feed plus the Spot Instance Advisor's data; offers
 * for the instances of CATALOG, with the interruption bucket in the note. */
int aws_spot_parse(const struct aws_catalog *catalog, const char *spot_json,
		   size_t spot_len, const char *advisor_json, size_t advisor_len,
		   const struct fetch_config *config, const char *source,
		   const struct fetch_sink *sink, struct fetch_stats *stats);

/* GCP: SKU rates collected over all pages, then assembled into machine prices. */
struct gcp_rates;
struct gcp_rates *gcp_rates_new(void);
void gcp_rates_free(struct gcp_rates *rates);
/* One Catalog page; NEXT receives nextPageToken ("" at the end). */
int gcp_parse_page(struct gcp_rates *rates, const char *json, size_t len,
		   const struct fetch_config *config, const char *source,
		   struct strbuf *next, struct fetch_stats *stats);
/* Machines whose core, RAM and GPU rates are all known (CPU machines: core and RAM);
 * TPU slices per chip. */
int gcp_emit_offers(const struct gcp_rates *rates, const struct fetch_config *config,
		    const struct fetch_sink *sink, struct fetch_stats *stats);

/* ECB: one eurofxref-daily.xml; every rate of its single day, USD among them. A
 * file cut short (no closing envelope), a second day or a bad rate is an error. */
int fx_parse_daily(const char *xml, size_t len, const char *source,
		   const struct fetch_sink *sink, struct fetch_stats *stats);

/* Lambda: one instance-types answer; an offer per type Lambda names a known GPU
 * of and per CONFIG region. */
int lambda_parse_instance_types(const char *json, size_t len, const struct fetch_config *config,
				const char *source, const struct fetch_sink *sink,
				struct fetch_stats *stats);

/* Vast.ai: one offer-search answer folded into a median offer (and a median
 * minimum bid as spot) per GPU model, count and country of CONFIG's regions. */
int vast_parse_bundles(const char *json, size_t len, const struct fetch_config *config,
		       const char *source, const struct fetch_sink *sink,
		       struct fetch_stats *stats);

/* RunPod: one GPU types answer; Secure Cloud offers (one GPU, the largest pod) per
 * known GPU and per data centre of CONFIG's regions that lists it. */
int runpod_parse_gpus(const char *json, size_t len, const struct fetch_config *config,
		      const char *source, const struct fetch_sink *sink,
		      struct fetch_stats *stats);

/* Verda: the locations answer as "FIN-01,ICE-01" in CODES. */
int verda_parse_locations(const char *json, size_t len, const char *source,
			  struct strbuf *codes);
/* Verda: the instance types answer; an offer (on-demand, and spot where listed) per
 * known GPU type and per location of LOCATIONS ("FIN-01,ICE-01") CONFIG wants. */
int verda_parse_instance_types(const char *json, size_t len, const char *locations,
			       const struct fetch_config *config, const char *source,
			       const struct fetch_sink *sink, struct fetch_stats *stats);

/* Vultr: one page of a plan list (MEMBER "plans" or "plans_metal"); an offer per
 * whole-GPU plan, location of CONFIG's regions and purchase option (on-demand,
 * preemptible as spot). NEXT receives meta.links.next ("" at the end), TOTAL
 * meta.total (-1 when not given). */
int vultr_parse_plans(const char *json, size_t len, const char *member,
		      const struct fetch_config *config, const char *source,
		      const struct fetch_sink *sink, struct strbuf *next, long long *total,
		      struct fetch_stats *stats);

/* ---- Helpers shared by the fetchers (fetch.c) ---- */

/* A set of strings (hash table): which offers a snapshot already holds. */
struct fetch_seen {
	char **slots;
	size_t n, capacity;
};
/* Adds KEY; false when it was already there. */
bool fetch_seen_add(struct fetch_seen *seen, const char *key);
void fetch_seen_release(struct fetch_seen *seen);

/*
 * GETs a page that is parsed whole into BODY and counts it in RESULT. With HEAD the
 * request is conditional on CONFIG's validators and RESULT takes the new ones.
 * Returns 0, 1 when the head answered 304 (unchanged), -1 with error set.
 */
int fetch_get_page(const struct fetch_config *config, bool head, const char *url,
		   const char *label, struct strbuf *body, struct fetch_result *result);
/*
 * The same for a source the head does not cover: its new validators go to
 * RESULT->more under KEY and CONFIG's regions, and with CONDITIONAL the request
 * carries those stored there (a 304 says nothing about prices another region set
 * stored). Returns 0, 1 when it answered 304 (BODY empty), -1 with error set.
 */
int fetch_get_keyed(const struct fetch_config *config, const char *key, bool conditional,
		    const char *url, const char *label, struct strbuf *body,
		    struct fetch_result *result);
/*
 * POSTs the JSON text PAYLOAD to URL (a token request) and holds the answer in
 * ANSWER, counted in RESULT; SECRET never appears in a message. 0, or -1 with error.
 */
int fetch_post_json(const struct fetch_config *config, const char *url, const char *label,
		    const char *payload, const char *secret, struct strbuf *answer,
		    struct fetch_result *result);
/* Appends "#regions=A,B" to KEY: validators hold for the prices of those regions. */
void fetch_key_add_regions(const struct fetch_config *config, struct strbuf *key);
/* Looks the environment variable up; FALLBACK when unset or empty. */
const char *fetch_endpoint(const char *env_name, const char *fallback);
bool fetch_region_wanted(const struct fetch_config *config, const char *region);
/* A provider's GPU name and the accelerator table's name for it. */
struct fetch_gpu_name {
	const char *name;
	const char *accelerator;
};
/* NAME's accelerator in MAP (N entries), or NULL when the table has no such GPU. */
const char *fetch_gpu_lookup(const struct fetch_gpu_name *map, size_t n, const char *name);
/*
 * A whole JSON page: its member KEY, which must be an object (OBJECT) or an array,
 * else NULL with an error naming SOURCE ("malformed JSON at line L, column C" or
 * "no \"KEY\" WHAT (has the format changed?)"). *ROOT takes the document, which
 * the caller json_decref()s (NULL when it did not parse).
 */
struct json_t;
struct json_t *fetch_json_member(const char *json, size_t len, const char *source,
				 const char *key, bool object, const char *what,
				 struct json_t **root);
/* A parser of one whole page into offers, counting in STATS. */
typedef int (*fetch_page_parser)(const char *json, size_t len, const struct fetch_config *config,
				 const char *source, const struct fetch_sink *sink,
				 struct fetch_stats *stats);
/*
 * The fetch of a provider whose prices are one JSON page (the GPU clouds): the head
 * request to URL, conditional on CONFIG's validators, and PARSE over the answer
 * with SOURCE stamped on its offers. Needs CONFIG->bearer_token when KEY_ENV names
 * the variable it comes from. Returns 0 (a 304 sets RESULT->unchanged), -1.
 */
int fetch_json_page(const struct fetch_config *config, const char *key_env, const char *url,
		    const char *label, const char *source, fetch_page_parser parse,
		    const struct fetch_sink *sink, struct fetch_result *result);
/* Decimal text to a number; false unless the whole text is a finite number >= 0. */
bool fetch_parse_price(const char *text, double *out);
/* Hands O to the sink and counts it. */
int fetch_emit_offer(const struct fetch_sink *sink, struct fetch_stats *stats,
		     const struct offer *o);
int fetch_emit_egress(const struct fetch_sink *sink, struct fetch_stats *stats,
		      const struct egress_tier *t);

#endif
