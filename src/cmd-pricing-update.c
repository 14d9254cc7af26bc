/* aicost pricing update: live prices from AWS, Azure, Google Cloud and the GPU clouds
 * with a price API (fetchers[]), and the ECB's exchange rates, into the store. */
#include "cli.h"
#include "db.h"
#include "fetch.h"
#include "http.h"
#include "interrupt.h"
#include "table.h"
#include "util.h"

#include <getopt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD "pricing update"

enum provider_status { ST_PENDING, ST_UPDATED, ST_UNCHANGED, ST_DRY_RUN, ST_FAILED, ST_SKIPPED };

static const char *const status_names[] = {
	[ST_PENDING] = "pending", [ST_UPDATED] = "updated", [ST_UNCHANGED] = "unchanged",
	[ST_DRY_RUN] = "dry-run", [ST_FAILED] = "failed", [ST_SKIPPED] = "skipped",
};

/* One entry of fetch.c's fetchers[] and what this run makes of it. */
struct provider {
	const struct fetcher *fetcher;
	/* Per run: */
	bool requested;
	bool explicit;              /* named in --provider, not just implied by "all" */
	const char **regions;
	size_t nregions, regions_alloc;
	bool every_region;          /* no --region of its own: its defaults */
	enum provider_status status;
	struct fetch_result result;
	char *message;
	const char *bearer_token;   /* its API key from the environment, or NULL */
	const char *client_id;      /* with client credentials: the id that goes with it */
};

struct update_options {
	struct http_client *http;
	const struct interrupt_guard *interrupt;   /* Ctrl-C keeps the previous prices */
	bool dry_run;
	bool force;
	bool progress;
	const char *gcp_key_file;
	enum output_format format;
};

/* What the sink needs: where rows go and what it has seen. */
struct update_sink {
	struct db *db;              /* NULL in --dry-run: rows are only counted */
	int64_t snapshot;
	struct fetch_seen seen;
	unsigned long duplicates;
};

struct progress {
	const struct provider *provider;
	struct timespec last;
	bool shown;
};


static int sink_offer(void *ctx, const struct offer *o)
{
	struct update_sink *sink = ctx;
	struct strbuf key = STRBUF_INIT;
	bool fresh;

	/* The same price listed twice (meters in two regions, duplicate rows): keep one. */
	strbuf_addf(&key, "%s|%s|%s|%s|%s", o->region, o->zone ? o->zone : "", o->instance_type,
		    o->component ? o->component : "instance", o->purchase);
	fresh = fetch_seen_add(&sink->seen, key.buf);
	strbuf_release(&key);
	if (!fresh) {
		sink->duplicates++;
		return 0;
	}
	return sink->db ? db_snapshot_add_offer(sink->db, sink->snapshot, o) : 0;
}

static int sink_egress(void *ctx, const struct egress_tier *t)
{
	struct update_sink *sink = ctx;

	return sink->db ? db_snapshot_add_egress_tier(sink->db, sink->snapshot, t) : 0;
}

static int sink_fact(void *ctx, const struct fact *f)
{
	struct update_sink *sink = ctx;

	return sink->db ? db_put_fact(sink->db, f) : 0;
}

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Progress on stderr (a terminal only): what is being read, MB, rows, offers. */
static void show_progress(void *ctx, const char *label, uint64_t bytes)
{
	struct progress *p = ctx;
	const struct fetch_stats *st = &p->provider->result.stats;

	if (p->shown && seconds_since(&p->last) < 0.2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	p->shown = true;
	fprintf(stderr, "\r\033[K%s: %s %.1f MB, %lu rows, %lu offers", p->provider->fetcher->name,
		label, (double)(st->bytes + bytes) / 1e6, st->rows, st->offers);
}

static void end_progress(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}

/* A long wait the server asked for: said even under -q, since it looks like a hang. */
static void show_notice(void *ctx, const char *message)
{
	struct progress *p = ctx;

	end_progress(p);
	fprintf(stderr, "aicost %s: %s%s%s\n", CMD, p->provider ? p->provider->fetcher->name : "",
		p->provider ? ": " : "", message);
}

static void today(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static int split_list(const char *text, const char *what, char ***items, size_t *n)
{
	*n = str_split(text, ',', SPLIT_TRIM | SPLIT_SKIP_EMPTY, items);
	if (*n == 0) {
		error_set("%s: expected a comma-separated list, got \"%s\"", what, text);
		return -1;
	}
	return 0;
}

static int choose_providers(struct provider *providers, size_t nproviders, const char *list)
{
	char **names = NULL;
	size_t n = 0;
	int result = -1;

	if (!list || strcmp(list, "all") == 0) {
		for (size_t i = 0; i < nproviders; i++)
			providers[i].requested = !providers[i].fetcher->reference;
		return 0;
	}
	if (split_list(list, "--provider", &names, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t p = 0; p < nproviders; p++)
			if ((strcmp(names[i], "all") == 0 && !providers[p].fetcher->reference) ||
			    strcmp(names[i], providers[p].fetcher->name) == 0) {
				providers[p].requested = true;
				/* "all" after a name must not make that name implicit. */
				providers[p].explicit |= strcmp(names[i], "all") != 0;
				found = true;
			}
		if (!found && strcmp(names[i], "all") == 0)
			found = true;
		if (!found) {
			struct strbuf known = STRBUF_INIT;

			for (size_t p = 0; p < nproviders; p++)
				strbuf_addf(&known, "%s, ", providers[p].fetcher->name);
			strbuf_setlen(&known, known.len - 2);
			error_set("--provider: unknown provider '%s' (expected %s or all)", names[i],
				  known.buf);
			strbuf_release(&known);
			goto cleanup;
		}
	}
	result = 0;
cleanup:
	str_list_free(names, n);
	return result;
}

static void provider_add_region(struct provider *p, const char *region)
{
	xgrow(&p->regions, &p->regions_alloc, p->nregions + 1, sizeof(*p->regions));
	p->regions[p->nregions++] = region;
}

/* Hands each region of LIST to the provider that spells regions that way. */
static int assign_regions(struct provider *providers, size_t nproviders, char **regions,
			  size_t nregions)
{
	for (size_t r = 0; r < nregions; r++) {
		bool taken = false;

		for (size_t p = 0; p < nproviders; p++) {
			if (providers[p].fetcher->reference ||
			    !providers[p].fetcher->region_is_mine(regions[r]))
				continue;
			provider_add_region(&providers[p], regions[r]);
			taken = true;
		}
		if (!taken) {
			error_set("--region: '%s' is not a region name of aws (us-east-1), azure "
				  "(eastus) or gcp (us-central1), a country code (US) for vast, a "
				  "data centre (eu-ro-1) for runpod, a location (FIN-01) for verda or "
				  "a location id (fra) for vultr",
				  regions[r]);
			return -1;
		}
	}
	for (size_t p = 0; p < nproviders; p++) {
		if (!providers[p].requested || providers[p].nregions ||
		    providers[p].fetcher->reference)
			continue;
		if (providers[p].explicit) {
			error_set("--region names no %s region", providers[p].fetcher->name);
			return -1;
		}
		providers[p].requested = false;   /* "all", but the regions say otherwise */
	}
	return 0;
}

static int read_gcp_key(const char *file, struct strbuf *key)
{
	const char *env = getenv("AICOST_GCP_API_KEY");

	strbuf_reset(key);
	if (file) {
		size_t len;
		char *text = read_file(file, &len);

		if (!text)
			return -1;
		strbuf_add(key, text, len);
		free(text);
		strbuf_rtrim(key);
		if (!key->len) {
			error_set("%s: the API key file is empty", file);
			return -1;
		}
	} else if (env) {
		strbuf_adds(key, env);
		strbuf_rtrim(key);
	}
	return 0;
}

static int stored_validators(void *ctx, const char *key, struct strbuf *etag,
			     struct strbuf *last_modified)
{
	return db_get_validators(ctx, key, etag, last_modified);
}

/* Covered by a whole market's answer: a region the provider's API spells (not the
 * catalog's own groupings, like RunPod's "us"), and one asked for, if any were. */
static bool answer_covers(const char *region, void *ctx)
{
	const struct provider *p = ctx;

	if (!p->fetcher->region_is_mine(region))
		return false;
	for (size_t i = 0; !p->every_region && i < p->nregions; i++)
		if (strcmp(p->regions[i], region) == 0)
			return true;
	return p->every_region;
}

/*
 * A whole market's answer (fetcher.whole_market) lists everything the provider still
 * rents in the regions it covers: the region and purchase options it no longer lists
 * stop being current, in the same transaction as the new prices.
 */
static int retire_missing(struct db *db, struct provider *p, int64_t snapshot)
{
	long retired = db_snapshot_retire_missing(db, snapshot, answer_covers, p);
	struct strbuf message = STRBUF_INIT;

	if (retired <= 0)
		return retired < 0 ? -1 : 0;
	if (p->message)
		strbuf_addf(&message, "%s; ", p->message);
	strbuf_addf(&message, "%ld region and purchase option%s no longer listed: retired",
		    retired, retired == 1 ? "" : "s");
	free(p->message);
	p->message = strbuf_detach(&message, NULL);
	return 0;
}

/* One provider, start to finish: a snapshot that commits whole or not at all. */
static void update_provider(struct db *db, struct provider *p, const struct update_options *opt,
			    const char *observed, const char *gcp_key, struct progress *progress)
{
	const char *name = p->fetcher->name;
	struct update_sink sink = { .db = opt->dry_run ? NULL : db, .snapshot = -1 };
	struct fetch_sink fetch_sink = { sink_offer, sink_egress, &sink, sink_fact };
	struct strbuf key = STRBUF_INIT, etag = STRBUF_INIT, last_modified = STRBUF_INIT;
	struct fetch_config config = {
		.http = opt->http, .regions = p->regions, .nregions = p->nregions, .observed = observed,
		.gcp_api_key = gcp_key, .bearer_token = p->bearer_token, .client_id = p->client_id,
	};

	p->fetcher->head_key(&config, &key);
	if (!opt->force && !opt->dry_run && db_get_validators(db, key.buf, &etag, &last_modified) == 0) {
		config.head_etag = etag.buf;
		config.head_last_modified = last_modified.buf;
	}
	if (!opt->force && !opt->dry_run) {
		config.stored_validators = stored_validators;
		config.validators_ctx = db;
	}
	if (sink.db) {
		sink.snapshot = db_snapshot_begin(db, name, key.buf);
		if (sink.snapshot < 0)
			goto failed;
	}
	progress->provider = p;
	if (p->fetcher->fetch(&config, &fetch_sink, &p->result) < 0) {
		end_progress(progress);
		goto failed;
	}
	end_progress(progress);
	if (p->result.unchanged) {
		if (sink.db)
			db_snapshot_rollback(db, sink.snapshot);
		p->status = ST_UNCHANGED;
		goto cleanup;
	}
	if (p->result.stats.offers == 0 && p->result.stats.facts == 0) {
		error_set("no prices found in %lu rows (has the format changed?)",
			  p->result.stats.rows);
		goto failed;
	}
	p->result.stats.offers -= sink.duplicates;
	if (p->result.stats.facts) {
		struct strbuf message = STRBUF_INIT;

		strbuf_addf(&message, "%lu exchange rates", p->result.stats.facts);
		p->message = strbuf_detach(&message, NULL);
	} else if (p->result.stats.skipped) {
		struct strbuf message = STRBUF_INIT;

		const struct fetch_stats *st = &p->result.stats;

		unsigned long other = st->skipped - st->unpriced - st->fractional;
		const char *sep = "";

		strbuf_addf(&message, "%lu row%s skipped: ", st->skipped,
			    st->skipped == 1 ? "" : "s");
		if (other == st->skipped) {
			strbuf_adds(&message, "GPU not in the accelerator table or not placed");
		} else if (st->unpriced == st->skipped) {
			strbuf_adds(&message, "listed without a price");
		} else if (st->fractional == st->skipped) {
			strbuf_adds(&message, "a fraction of one GPU");
		} else {
			if (other) {
				strbuf_addf(&message, "%lu GPU not in the accelerator table or not "
					    "placed", other);
				sep = ", ";
			}
			if (st->fractional) {
				strbuf_addf(&message, "%s%lu a fraction of one GPU", sep,
					    st->fractional);
				sep = ", ";
			}
			if (st->unpriced)
				strbuf_addf(&message, "%s%lu listed without a price", sep,
					    st->unpriced);
		}
		strbuf_adds(&message, " (see aicost-pricing(1))");
		p->message = strbuf_detach(&message, NULL);
	}
	if (!sink.db) {
		p->status = ST_DRY_RUN;
		goto cleanup;
	}
	/* Ctrl-C during the final parse or price assembly: keep the previous prices. */
	if (interrupt_requested(opt->interrupt)) {
		error_set("%s: interrupted", name);
		goto failed;
	}
	if (p->fetcher->whole_market && retire_missing(db, p, sink.snapshot) < 0)
		goto failed;
	if (db_snapshot_commit(db, sink.snapshot) < 0) {
		sink.snapshot = -1;   /* commit rolled back itself */
		goto failed;
	}
	sink.snapshot = -1;
	/* Only now may the next run skip this source when it says "not modified". */
	if (db_set_validators(db, key.buf, p->result.head_etag.buf,
			      p->result.head_last_modified.buf) < 0)
		warnx_cmd(CMD, "%s: %s (the next update fetches everything again)", name,
			  error_get());
	for (size_t i = 0; i < p->result.nmore; i++) {
		const struct fetch_validators *v = &p->result.more[i];

		if (db_set_validators(db, v->key.buf, v->etag.buf, v->last_modified.buf) < 0)
			warnx_cmd(CMD, "%s: %s (the next update fetches everything again)",
				  name, error_get());
	}
	p->status = ST_UPDATED;
	goto cleanup;
failed:
	if (!str_starts_with(error_get(), name) || error_get()[strlen(name)] != ':')
		error_prefix("%s: ", name);
	p->status = ST_FAILED;
	/* The summary has a provider column: its message starts after "name: ". */
	p->message = xstrdup(interrupt_requested(opt->interrupt) ? "interrupted"
			     : error_get() + strlen(name) + 2);
	if (sink.db && sink.snapshot >= 0)
		db_snapshot_rollback(db, sink.snapshot);
	if (sink.db)
		db_snapshot_record_failure(db, name, key.buf, p->message);
	warnx_cmd(CMD, "%s; its previous prices are kept", error_get());
cleanup:
	fetch_seen_release(&sink.seen);
	strbuf_release(&key);
	strbuf_release(&etag);
	strbuf_release(&last_modified);
}

static int print_summary(const struct provider *providers, size_t n,
			 const struct update_options *opt)
{
	struct table *t = table_new();
	int result;

	table_add_column(t, "provider", "PROVIDER", COLUMN_TEXT);
	table_add_column(t, "status", "STATUS", COLUMN_TEXT);
	table_add_column(t, "regions", "REGIONS", COLUMN_TEXT);
	table_add_column(t, "offers", "OFFERS", COLUMN_NUMBER);
	table_add_column(t, "egress_tiers", "EGRESS TIERS", COLUMN_NUMBER);
	table_add_column(t, "rows_read", "ROWS READ", COLUMN_NUMBER);
	table_add_column(t, "requests", "REQUESTS", COLUMN_NUMBER);
	table_add_column(t, "mb", "MB", COLUMN_NUMBER);
	table_add_column(t, "message", "MESSAGE", COLUMN_TEXT);
	for (size_t i = 0; i < n; i++) {
		const struct provider *p = &providers[i];
		struct strbuf regions = STRBUF_INIT;

		if (!p->requested && p->status != ST_SKIPPED)
			continue;
		for (size_t r = 0; r < p->nregions; r++)
			strbuf_addf(&regions, "%s%s", r ? "," : "", p->regions[r]);
		table_begin_row(t);
		table_add_text(t, p->fetcher->name);
		table_add_text(t, status_names[p->status]);
		table_add_text(t, regions.buf);
		table_add_number(t, (double)p->result.stats.offers, 0);
		table_add_number(t, (double)p->result.stats.egress_tiers, 0);
		table_add_number(t, (double)p->result.stats.rows, 0);
		table_add_number(t, (double)p->result.stats.requests, 0);
		table_add_number(t, (double)p->result.stats.bytes / 1e6, 2);
		table_add_text(t, p->message);
		strbuf_release(&regions);
	}
	result = table_print(t, stdout, opt->format);
	table_free(t);
	return result;
}

static int cmd_pricing_update(int argc, char **argv);

enum { OPT_FORCE = CLI_LONG_ONLY, OPT_GCP_KEY_FILE };

static const struct cli_option update_options[] = {
	{ 'p', "provider", "LIST", "aws, azure, gcp, lambda, vast, runpod, verda,\n"
	  "vultr, fx, comma-separated, or all (default:\n"
	  "aws, azure, gcp, vast, vultr, and lambda,\n"
	  "runpod, verda when their keys are set (see\n"
	  "ENVIRONMENT);\n"
	  "fx only when named)" },
	{ 'r', "region", "LIST", "regions, each provider taking its own spelling\n"
	  "(us-east-1 aws, eastus azure, us-central1 gcp,\n"
	  "US vast, eu-ro-1 runpod, FIN-01 verda,\n"
	  "fra vultr); default: each provider's main\n"
	  "regions (vast: every country, runpod: every\n"
	  "data centre, verda, vultr: every location)" },
	{ 'n', "dry-run", NULL, "fetch and count, store nothing" },
	{ OPT_FORCE, "force", NULL, "fetch even when a source says it has not changed" },
	{ OPT_GCP_KEY_FILE, "gcp-api-key-file", "FILE",
	  "Google Cloud API key (else $AICOST_GCP_API_KEY)" },
	{ 'f', "format", "FORMAT", "summary as table, csv, json or markdown" },
	{ 'q', "quiet", NULL, "no progress on stderr" },
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command pricing_update_command = {
	.name = "update", .parent = "pricing", .run = cmd_pricing_update,
	.summary = "fetch live prices from AWS, Azure, Google Cloud, Lambda, Vast.ai, RunPod, "
		   "Verda, Vultr, and exchange rates",
	.usage = "usage: aicost pricing update [--provider aws,azure,...,fx|all]\n"
		 "                             [--region R,...]\n"
		 "                             [--dry-run] [--force] [--gcp-api-key-file FILE]\n"
		 "                             [--format table|csv|json|markdown] [-q]\n",
	.description =
		"Fetches current prices from the providers' price APIs into the store. A\n"
		"provider's new prices replace, at once and only when its whole fetch\n"
		"succeeded, the prices of the regions and purchase options it fetched; a\n"
		"failure, a timeout, a malformed answer or Ctrl-C keeps the previous prices.\n"
		"The GPU clouds answer with their whole market: a region and\n"
		"purchase option they no longer list (in the regions fetched) stops being\n"
		"current.\n"
		"--provider fx replaces the exchange rates with the European Central Bank's\n"
		"daily reference rates, by the same rules. Lambda's API needs an account's\n"
		"API key (AICOST_LAMBDA_API_KEY); it has one price per instance type, stored\n"
		"for each Lambda region. Vast.ai's marketplace search is public: its hosts'\n"
		"listings are folded into the median asking price (on-demand) and the median\n"
		"minimum bid (spot) per GPU model, GPU count and country. RunPod's catalog\n"
		"needs an API key (AICOST_RUNPOD_API_KEY): Secure Cloud's price per GPU-hour,\n"
		"stored for one GPU and the largest pod in each data centre offering it.\n"
		"Verda (DataCrunch) needs the account's OAuth2 client credentials\n"
		"(AICOST_VERDA_CLIENT_ID, AICOST_VERDA_CLIENT_SECRET; the secret is only\n"
		"POSTed for a token): its list price of each instance type, on-demand and\n"
		"spot, stored for each of its locations. Vultr's plan lists are public: each\n"
		"whole-GPU plan's hourly price (on-demand, and preemptible as spot) in each of\n"
		"its locations; plans with a fraction of a GPU are skipped and counted.\n",
	.options = update_options,
	.notes = "Environment: AICOST_AZURE_ENDPOINT, AICOST_AWS_ENDPOINT, AICOST_AWS_SPOT_ENDPOINT,\n"
		"AICOST_GCP_ENDPOINT, AICOST_LAMBDA_ENDPOINT, AICOST_VAST_ENDPOINT,\n"
		"AICOST_RUNPOD_ENDPOINT, AICOST_VERDA_ENDPOINT, AICOST_VULTR_ENDPOINT,\n"
		"AICOST_FX_ENDPOINT replace the providers' URLs (mirrors, tests);\n"
		"http_proxy, https_proxy and no_proxy are honoured.\n"
		"Exit status: 0 every requested provider updated (or unchanged), 1 some did,\n"
		"2 none did or a usage error. Lambda, Vast.ai, RunPod, Verda, Vultr count only\n"
		"when named in --provider: taken along by all (or a bare update) their\n"
		"failure is a warning and a failed row, the exit status stays 0 if the\n"
		"others updated.\n",
	.flags = CMD_NEEDS_STORE,
	.help_column = 27,
};

static int cmd_pricing_update(int argc, char **argv)
{
	const size_t nproviders = nfetchers;
	struct provider *providers = xcalloc(nproviders, sizeof(*providers));
	struct update_options opt = { .format = FORMAT_TABLE };
	const char *provider_list = NULL, *region_list = NULL;
	struct strbuf gcp_key = STRBUF_INIT;
	struct interrupt_guard interrupt;
	struct http_client http;
	bool http_ready = false;
	struct progress progress = { 0 };
	char **regions = NULL;
	size_t nregions = 0, wanted = 0, done = 0, counted_failures = 0;
	bool quiet = global_options.verbosity < 0;
	struct db *db = NULL;
	struct cli_parser parser;
	char observed[16];
	int c, status = EXIT_ERROR;

	for (size_t i = 0; i < nproviders; i++) {
		providers[i].fetcher = &fetchers[i];
		fetch_result_init(&providers[i].result);
	}
	cli_parser_init(&parser, &pricing_update_command);
	while ((c = cli_getopt(&parser, argc, argv)) != -1) {
		switch (c) {
		case 'p':
			provider_list = optarg;
			break;
		case 'r':
			region_list = optarg;
			break;
		case 'n':
			opt.dry_run = true;
			break;
		case OPT_FORCE:
			opt.force = true;
			break;
		case OPT_GCP_KEY_FILE:
			opt.gcp_key_file = optarg;
			break;
		case 'f':
			if (output_format_parse(optarg, &opt.format) < 0) {
				status = usage_error(CMD, "%s", error_get());
				goto cleanup;
			}
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			command_help(&pricing_update_command, stdout);
			status = EXIT_OK;
			goto cleanup;
		default:
			status = cli_option_error(&parser, c, argv);
			goto cleanup;
		}
	}
	if (optind < argc) {
		status = usage_error(CMD, "unexpected argument '%s'", argv[optind]);
		goto cleanup;
	}
	if (choose_providers(providers, nproviders, provider_list) < 0 ||
	    (region_list && (split_list(region_list, "--region", &regions, &nregions) < 0 ||
			     assign_regions(providers, nproviders, regions, nregions) < 0))) {
		status = usage_error(CMD, "%s", error_get());
		goto cleanup;
	}
	for (size_t i = 0; i < nproviders; i++) {
		struct provider *p = &providers[i];

		p->every_region = p->requested && !p->nregions;
		if (p->every_region)
			for (const char *const *r = p->fetcher->default_regions; *r; r++)
				provider_add_region(p, *r);
	}
	if (read_gcp_key(opt.gcp_key_file, &gcp_key) < 0) {
		status = usage_error(CMD, "%s", error_get());
		goto cleanup;
	}
	for (size_t i = 0; i < nproviders; i++) {
		struct provider *p = &providers[i];

		if (!p->fetcher->needs_gcp_key || !p->requested || gcp_key.len)
			continue;
		/* Said once; the shipped Google prices stay, the others still update. */
		warnx_cmd(CMD, "%s: no API key (set AICOST_GCP_API_KEY or use --gcp-api-key-file); "
			  "keeping the current Google Cloud prices", p->fetcher->name);
		p->status = ST_SKIPPED;
		p->message = xstrdup("no API key");
		p->requested = p->explicit;
		if (p->explicit)
			p->status = ST_FAILED;
	}
	for (size_t i = 0; i < nproviders; i++) {
		struct provider *p = &providers[i];
		const char *env = p->fetcher->bearer_key_env, *id_env = p->fetcher->client_id_env;

		if (!env || !p->requested)
			continue;
		p->bearer_token = getenv(env) && *getenv(env) ? getenv(env) : NULL;
		p->client_id = id_env && getenv(id_env) && *getenv(id_env) ? getenv(id_env) : NULL;
		if (p->bearer_token && (!id_env || p->client_id))
			continue;
		/* Needs an account's key: part of "all" only when one is set. */
		p->requested = p->explicit;
		if (p->explicit && id_env) {
			warnx_cmd(CMD, "%s: no client credentials (set %s and %s); keeping its "
				  "current prices", p->fetcher->name, id_env, env);
			p->status = ST_FAILED;
			p->message = xstrdup("no client credentials");
		} else if (p->explicit) {
			warnx_cmd(CMD, "%s: no API key (set %s); keeping its current prices",
				  p->fetcher->name, env);
			p->status = ST_FAILED;
			p->message = xstrdup("no API key");
		}
	}
	if (!(db = command_store(true))) {
		error_print(CMD);
		goto cleanup;
	}
	if (http_init() < 0) {
		error_print(CMD);
		goto cleanup;
	}
	http_ready = true;
	http_client_init(&http);
	opt.http = &http;
	opt.progress = !quiet && isatty(STDERR_FILENO);
	if (opt.progress) {
		http.progress = show_progress;
		http.progress_ctx = &progress;
	}
	http.notice = show_notice;
	http.notice_ctx = &progress;
	interrupt_catch(&interrupt);
	opt.interrupt = &interrupt;
	http.cancel = &interrupt.flag;
	today(observed);
	for (size_t i = 0; i < nproviders; i++) {
		struct provider *p = &providers[i];

		if (!p->requested || p->status != ST_PENDING)
			continue;
		if (interrupt_requested(&interrupt)) {
			p->status = ST_FAILED;
			p->message = xstrdup("interrupted before it started");
			continue;
		}
		update_provider(db, p, &opt, observed, gcp_key.buf, &progress);
	}
	interrupt_release(&interrupt);
	for (size_t i = 0; i < nproviders; i++) {
		const struct provider *p = &providers[i];
		bool ok = p->status == ST_UPDATED || p->status == ST_UNCHANGED ||
			  p->status == ST_DRY_RUN;

		if (!p->requested)
			continue;
		wanted++;
		done += ok;
		if (ok || (p->fetcher->best_effort && !p->explicit)) {
			if (!ok)
				warnx_cmd(CMD, "%s: not named in --provider: its failure does not "
					  "change the exit status", p->fetcher->name);
			continue;
		}
		counted_failures++;
	}
	if (print_summary(providers, nproviders, &opt) < 0) {
		error_print(CMD);
		goto cleanup;
	}
	/* 2 when nothing updated; 1 when a provider named (or one of the big three)
	 * failed; a GPU cloud only taken along by "all" is reported, not counted. */
	status = done == wanted ? EXIT_OK : done == 0 ? EXIT_ERROR
		 : counted_failures ? EXIT_CHECK_FAILED : EXIT_OK;
cleanup:
	if (http_ready)
		http_cleanup();
	for (size_t i = 0; i < nproviders; i++) {
		fetch_result_release(&providers[i].result);
		free(providers[i].regions);
		free(providers[i].message);
	}
	free(providers);
	str_list_free(regions, nregions);
	strbuf_release(&gcp_key);
	return status;
}
