/* aicost pricing: what accelerators cost, where, and where each number came from. */
#include "catalog.h"
#include "skypilot.h"
#include "cli.h"
#include "costcli.h"
#include "db.h"
#include "fetch.h"
#include "scenario.h"
#include "table.h"
#include "units.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int pricing_list(int argc, char **argv);
static int pricing_show(int argc, char **argv);
static int pricing_sources(int argc, char **argv);
static int pricing_history(int argc, char **argv);
static int pricing_export(int argc, char **argv);
static int pricing_import(int argc, char **argv);

static const char *const purchase_order[] = { PURCHASE_OPTIONS };

/* The store (command_store); prints the error itself. Only WRITING needs write
 * access: a read-only store can still be listed. */
static struct db *open_store(const char *cmd, bool writing)
{
	struct db *db = command_store(writing);

	if (!db)
		error_print(cmd);
	return db;
}

static int purchase_rank(const char *purchase)
{
	for (size_t i = 0; i < ARRAY_SIZE(purchase_order); i++)
		if (strcmp(purchase, purchase_order[i]) == 0)
			return (int)i;
	return (int)ARRAY_SIZE(purchase_order);
}

enum sort_key { SORT_PROVIDER, SORT_PRICE, SORT_PER_ACCELERATOR, SORT_PER_PFLOP, SORT_PER_VCPU };

/* Unknown values (NAN) sort last. */
static int compare_numbers(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return (a > b) - (a < b);
}

static int compare_offers(const void *pa, const void *pb, void *ctx)
{
	const struct offer *a = pa, *b = pb;
	const enum sort_key *key = ctx;
	int c = 0;

	switch (*key) {
	case SORT_PRICE:
		c = compare_numbers(a->price_per_hour, b->price_per_hour);
		break;
	case SORT_PER_ACCELERATOR:
		c = compare_numbers(offer_price_per_accelerator_hour(a), offer_price_per_accelerator_hour(b));
		break;
	case SORT_PER_PFLOP:
		c = compare_numbers(offer_price_per_pflop_hour(a), offer_price_per_pflop_hour(b));
		break;
	case SORT_PER_VCPU:
		c = compare_numbers(offer_price_per_vcpu_hour(a), offer_price_per_vcpu_hour(b));
		break;
	case SORT_PROVIDER:
		break;
	}
	if (c == 0)
		c = strcmp(a->provider, b->provider);
	if (c == 0)
		c = strcmp(a->instance_type, b->instance_type);
	if (c == 0)
		c = strcmp(a->region, b->region);
	if (c == 0)
		c = strcmp(a->zone ? a->zone : "", b->zone ? b->zone : "");
	if (c == 0)
		c = purchase_rank(a->purchase) - purchase_rank(b->purchase);
	return c;
}

static void sort_offers(struct offer_list *list, enum sort_key key)
{
	qsort_r(list->items, list->n, sizeof(*list->items), compare_offers, &key);
}

static void add_number_or_null(struct table *t, double value, int decimals)
{
	if (isfinite(value))
		table_add_number(t, value, decimals);
	else
		table_add_null(t);
}

/* 0 means "not published" for sizes of GPU-cloud offers. */
static void add_size(struct table *t, double value)
{
	if (value > 0)
		table_add_number(t, value, 0);
	else
		table_add_null(t);
}

/* CPU: CPU instances (the $/vCPU-hour and family columns instead of the accelerators'). */
static struct table *offers_table(const struct offer_list *list, enum output_format format,
				  bool cpu)
{
	struct table *t = table_new();
	bool people = format == FORMAT_TABLE || format == FORMAT_MARKDOWN;

	table_add_column(t, "provider", "PROVIDER", COLUMN_TEXT);
	table_add_column(t, "instance_type", "INSTANCE", COLUMN_TEXT);
	table_add_column(t, "accelerator", "ACCELERATOR", COLUMN_TEXT);
	table_add_column(t, "accelerator_count", "N", COLUMN_NUMBER);
	table_add_column(t, "accelerator_memory_gb", "GB/ACC", COLUMN_NUMBER);
	table_add_column(t, "vcpus", "VCPUS", COLUMN_NUMBER);
	table_add_column(t, "memory_gib", "MEM GIB", COLUMN_NUMBER);
	table_add_column(t, "region", "REGION", COLUMN_TEXT);
	if (!people)
		table_add_column(t, "zone", "ZONE", COLUMN_TEXT);
	table_add_column(t, "purchase", "PURCHASE", COLUMN_TEXT);
	table_add_column(t, "price_per_hour", "$/H", COLUMN_NUMBER);
	table_add_column(t, "price_per_accelerator_hour", "$/ACC-H", COLUMN_NUMBER);
	table_add_column(t, "price_per_pflop_hour", "$/PFLOP-H", COLUMN_NUMBER);
	if (cpu) {
		table_add_column(t, "family", "FAMILY", COLUMN_TEXT);
		table_add_column(t, "price_per_vcpu_hour", "$/VCPU-H", COLUMN_NUMBER);
	}
	table_add_column(t, "interruptions_per_month", "INTR/MO", COLUMN_NUMBER);
	if (!people) {
		table_add_column(t, "currency", "CURRENCY", COLUMN_TEXT);
		table_add_column(t, "source", "SOURCE", COLUMN_TEXT);
	}
	table_add_column(t, "confidence", "CONF", COLUMN_TEXT);
	table_add_column(t, "observed", "OBSERVED", COLUMN_TEXT);
	for (size_t i = 0; i < list->n; i++) {
		const struct offer *o = &list->items[i];

		table_begin_row(t);
		table_add_text(t, o->provider);
		table_add_text(t, o->instance_type);
		table_add_text(t, o->accelerator);
		table_add_number(t, o->accelerator_count, 0);
		add_size(t, o->accelerator_memory_gb);
		add_size(t, o->vcpus);
		add_size(t, o->memory_gib);
		table_add_text(t, o->region);
		if (!people)
			table_add_text(t, o->zone);
		table_add_text(t, o->purchase);
		table_add_number(t, o->price_per_hour, 3);
		add_number_or_null(t, offer_price_per_accelerator_hour(o), 3);
		add_number_or_null(t, offer_price_per_pflop_hour(o), 3);
		if (cpu) {
			table_add_text(t, offer_cpu_family(o));
			add_number_or_null(t, offer_price_per_vcpu_hour(o), 4);
		}
		add_number_or_null(t, o->interruptions_per_month, 3);
		if (!people) {
			table_add_text(t, o->currency);
			table_add_text(t, o->source);
		}
		table_add_text(t, o->confidence);
		table_add_text(t, o->observed);
	}
	return t;
}

static int print_table(struct table *t, enum output_format format, const char *cmd)
{
	int status = EXIT_OK;

	if (table_print(t, stdout, format) < 0) {
		error_print(cmd);
		status = EXIT_ERROR;
	}
	table_free(t);
	return status;
}

/* Checks each name of a comma-separated --provider against the store. */
static int check_providers(struct db *db, const char *providers, const char *cmd)
{
	return store_check_providers(db, cmd, NULL, providers) < 0 ? EXIT_ERROR : EXIT_OK;
}

/* --min-memory: GB per accelerator; a bare number is GB, units as in units.h. */
static int parse_memory_gb(const char *text, double *out_gb)
{
	double bytes;

	if (units_parse_number(text, out_gb) == 0 && *out_gb >= 0)
		return 0;
	error_clear();
	if (units_parse_bytes(text, &bytes) < 0)
		return -1;
	*out_gb = bytes / 1e9;
	return 0;
}


static int parse_sort(const char *text, enum sort_key *out)
{
	static const struct { const char *name; enum sort_key key; } keys[] = {
		{ "provider", SORT_PROVIDER }, { "price", SORT_PRICE },
		{ "per-accelerator", SORT_PER_ACCELERATOR }, { "per-pflop", SORT_PER_PFLOP },
		{ "per-vcpu", SORT_PER_VCPU },
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(text, keys[i].name) == 0) {
			*out = keys[i].key;
			return 0;
		}
	}
	error_set("unknown sort key '%s'; expected provider, price, per-accelerator, per-pflop "
		  "or per-vcpu",
		  text);
	return -1;
}

enum { OPT_PURCHASE = CLI_LONG_ONLY, OPT_MIN_ACCELERATORS, OPT_MIN_MEMORY, OPT_MAX_PRICE,
       OPT_VCPUS, OPT_FAMILY };

#define PRICING_FORMAT_OPTION \
	{ 'f', "format", "FORMAT", "table (default), csv, json or markdown" }

static const struct cli_option list_options[] = {
	{ 'a', "accelerator", "NAME", "only this accelerator (name or alias: h100, H100-SXM,\n"
	  "\"NVIDIA H100 80GB HBM3\")" },
	{ 'p', "provider", "LIST", "only these providers, comma-separated (aws,azure,gcp,...)" },
	{ 'r', "region", "GLOB", "only regions matching GLOB (us-*, europe-west4), or\n"
	  "in a group: EU, or a country code (US, DE, FR, ...)" },
	{ OPT_PURCHASE, "purchase", "OPTION", "on-demand, spot, reserved-1y, reserved-3y, "
	  "savings-1y,\nsavings-3y, commit-1y or commit-3y" },
	{ OPT_MIN_ACCELERATORS, "min-accelerators", "N", "at least N accelerators per instance" },
	{ OPT_MIN_MEMORY, "min-memory", "GB",
	  "at least GB of memory per accelerator (80, 80GB, 141GB)" },
	{ OPT_MAX_PRICE, "max-price", "X", "at most X per instance-hour" },
	{ OPT_VCPUS, "vcpus", "N", "CPU instances with at least N vCPUs" },
	{ OPT_FAMILY, "family", "NAME", "CPU instances of this family: general, compute or\n"
	  "memory (-optimised)" },
	{ 's', "sort", "KEY", "provider (default), price, per-accelerator, per-pflop,\n"
	  "per-vcpu" },
	{ 'n', "limit", "N", "at most N rows" },
	PRICING_FORMAT_OPTION,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

static const struct command pricing_list_command = {
	.name = "list", .parent = "pricing", .run = pricing_list,
	.summary = "offers that match filters, cheapest first if asked",
	.usage = "usage: aicost pricing list [OPTIONS]\n",
	.description = "Lists accelerator offers from the newest prices of each provider and region;\n"
		"with --vcpus or --family, CPU instances (for data pipelines) instead.\n",
	.options = list_options,
	.notes = "$/PFLOP-H is the price per dense BF16 PFLOP-hour, $/VCPU-H the price per\n"
		"vCPU-hour of a CPU instance; CONF says whether the source gave the price\n"
		"exactly or approximately.\n",
	.flags = CMD_NEEDS_STORE,
	.help_column = 27,
};

/* EU, or a two-letter country code: a group of regions rather than a glob. */
static bool is_region_group(const char *text)
{
	return strlen(text) == 2 && isalpha((unsigned char)text[0]) &&
	       isalpha((unsigned char)text[1]);
}

/* Keeps the offers whose region is in GROUP (scenario_region_allowed decides). */
static void keep_region_group(struct offer_list *list, const char *group)
{
	size_t kept = 0;

	for (size_t i = 0; i < list->n; i++) {
		if (scenario_region_allowed(list->items[i].region, group))
			list->items[kept++] = list->items[i];
		else
			offer_release(&list->items[i]);
	}
	list->n = kept;
}

/*
 * Keeps accelerator offers; or, when CPU, the CPU instances with at least
 * MIN_VCPUS vCPUs of FAMILY (NULL: any family).
 */
static void keep_kind(struct offer_list *list, bool cpu, double min_vcpus, const char *family)
{
	size_t kept = 0;

	for (size_t i = 0; i < list->n; i++) {
		const struct offer *o = &list->items[i];
		const char *of = offer_cpu_family(o);
		bool keep = cpu ? of && o->vcpus >= min_vcpus && (!family || strcmp(of, family) == 0)
			: o->accelerator || o->accelerator_count > 0;

		if (keep)
			list->items[kept++] = list->items[i];
		else
			offer_release(&list->items[i]);
	}
	list->n = kept;
}

static int pricing_list(int argc, char **argv)
{
	struct cli_parser p;
	const char *cmd = p.path;   /* "pricing list", once cli_parser_init() ran */
	const char *region_group = NULL;
	struct offer_filter filter = { 0 };
	struct offer_list offers = { 0 };
	enum output_format format = FORMAT_TABLE;
	enum sort_key sort = SORT_PROVIDER;
	long limit = -1, count;
	struct db *db = NULL;
	int c, status = EXIT_ERROR;
	static const char *const families[] = { CPU_FAMILIES };
	const char *family = NULL;
	double min_vcpus = 0;
	bool cpu = false;

	cli_parser_init(&p, &pricing_list_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		switch (c) {
		case 'a':
			filter.accelerator = optarg;
			break;
		case 'p':
			filter.providers = optarg;
			break;
		case 'r':
			if (is_region_group(optarg))
				region_group = optarg;
			else
				filter.region_glob = optarg;
			break;
		case OPT_PURCHASE:
			if (!purchase_option_valid(optarg))
				return usage_error(cmd, "unknown purchase option '%s'; expected one of "
						   "on-demand, spot, reserved-1y, reserved-3y, "
						   "savings-1y, savings-3y, commit-1y, commit-3y",
						   optarg);
			filter.purchase = optarg;
			break;
		case OPT_MIN_ACCELERATORS:
			if (units_parse_int(optarg, &count) < 0)
				return usage_error(cmd, "--min-accelerators: %s", error_get());
			filter.min_accelerators = (int)count;
			break;
		case OPT_MIN_MEMORY:
			if (parse_memory_gb(optarg, &filter.min_memory_gb) < 0)
				return usage_error(cmd, "--min-memory: %s", error_get());
			break;
		case OPT_MAX_PRICE:
			if (units_parse_money(optarg, &filter.max_price) < 0)
				return usage_error(cmd, "--max-price: %s", error_get());
			if (filter.max_price <= 0)
				return usage_error(cmd, "--max-price: must be above 0");
			break;
		case OPT_VCPUS:
			if (units_parse_int(optarg, &count) < 0 || count < 1)
				return usage_error(cmd, "--vcpus: expected a positive count, got '%s'",
						   optarg);
			min_vcpus = (double)count;
			cpu = true;
			break;
		case OPT_FAMILY:
			family = NULL;
			for (size_t k = 0; k < ARRAY_SIZE(families); k++)
				if (strcmp(optarg, families[k]) == 0)
					family = families[k];
			if (!family)
				return usage_error(cmd, "--family: unknown family '%s'; expected "
						   "general, compute or memory", optarg);
			cpu = true;
			break;
		case 's':
			if (parse_sort(optarg, &sort) < 0)
				return usage_error(cmd, "%s", error_get());
			break;
		case 'n':
			if (units_parse_int(optarg, &limit) < 0)
				return usage_error(cmd, "--limit: %s", error_get());
			break;
		case 'f':
			if (output_format_parse(optarg, &format) < 0)
				return usage_error(cmd, "%s", error_get());
			break;
		case 'h':
			command_help(&pricing_list_command, stdout);
			return EXIT_OK;
		default:
			return cli_option_error(&p, c, argv);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (cpu && (filter.accelerator || filter.min_accelerators > 0 || filter.min_memory_gb > 0))
		return usage_error(cmd, "--vcpus and --family list CPU instances; not with "
				   "--accelerator, --min-accelerators or --min-memory");
	db = open_store(cmd, false);
	if (!db)
		return EXIT_ERROR;
	if (filter.providers && check_providers(db, filter.providers, cmd) != EXIT_OK)
		goto cleanup;
	if (filter.accelerator) {
		struct accelerator acc;

		/* A chip imported without specs is unknown here; db_query_offers finds it. */
		if (db_find_accelerator(db, filter.accelerator, &acc) < 0) {
			error_clear();
		} else {
			if (acc.ambiguous && global_options.verbosity >= 0)
				fprintf(stderr, "aicost %s: note: '%s' is ambiguous; showing %s "
					"(name the exact part for another)\n", cmd,
					filter.accelerator, acc.name);
			accelerator_release(&acc);
		}
	}
	if (db_query_offers(db, &filter, &offers) < 0) {
		error_print(cmd);
		goto cleanup;
	}
	if (region_group)
		keep_region_group(&offers, region_group);
	keep_kind(&offers, cpu, min_vcpus, family);
	sort_offers(&offers, sort);
	if (limit >= 0 && (size_t)limit < offers.n) {
		for (size_t i = (size_t)limit; i < offers.n; i++)
			offer_release(&offers.items[i]);
		offers.n = (size_t)limit;
	}
	if (offers.n == 0 && format == FORMAT_TABLE && global_options.verbosity >= 0)
		fprintf(stderr, "aicost %s: no offers match\n", cmd);
	status = print_table(offers_table(&offers, format, cpu), format, cmd);
cleanup:
	offer_list_release(&offers);
	return status;
}

/* Options the read-only subcommands share: --region, --format, --help. */
struct common_options {
	const char *region;
	enum output_format format;
};

/*
 * Parses the shared options; returns -1 to go on, else the exit status. NEED_ARG
 * makes exactly one positional argument (left at argv[optind]) mandatory.
 */
static int parse_common(int argc, char **argv, const struct command *self, bool need_arg,
			 struct common_options *out)
{
	struct cli_parser p;
	const char *cmd = p.path;   /* "pricing list", once cli_parser_init() ran */
	int c;

	out->region = NULL;
	out->format = FORMAT_TABLE;
	cli_parser_init(&p, self);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		switch (c) {
		case 'r':
			out->region = optarg;
			break;
		case 'f':
			if (output_format_parse(optarg, &out->format) < 0)
				return usage_error(cmd, "%s", error_get());
			break;
		case 'h':
			command_help(self, stdout);
			return EXIT_OK;
		default:
			return cli_option_error(&p, c, argv);
		}
	}
	if (need_arg && optind >= argc)
		return usage_error(cmd, "expected an instance type, e.g. p5.48xlarge");
	if (optind + (need_arg ? 1 : 0) < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + (need_arg ? 1 : 0)]);
	return -1;
}

/*
 * Explains why INSTANCE (in regions matching REGION, if given) has no prices: other
 * regions, only a host/accelerator part, or a likely typo of a known instance type.
 */
static void unknown_instance(struct db *db, const char *instance, const char *region,
			     const char *cmd)
{
	struct offer_filter filter = { 0 };
	struct offer_list all = { 0 };
	const char **names = NULL;
	const char *guess = NULL;

	filter.instance_type = instance;
	if (region && db_query_offers(db, &filter, &all) == 0 && all.n > 0) {
		warnx_cmd(cmd, "no prices for '%s' in regions matching '%s'; it is priced in %s%s",
			  instance, region, all.items[0].region, all.n > 1 ? " and others" : "");
		offer_list_release(&all);
		return;
	}
	offer_list_release(&all);
	memset(&filter, 0, sizeof(filter));
	filter.all_components = true;
	if (db_query_offers(db, &filter, &all) == 0 && all.n > 0) {
		names = xmalloc(all.n * sizeof(*names));
		for (size_t i = 0; i < all.n; i++)
			names[i] = all.items[i].instance_type;
		guess = suggest_word(instance, names, all.n);
	}
	error_clear();
	if (guess && strcmp(guess, instance) == 0)
		warnx_cmd(cmd, "'%s' is priced only as a part of a machine (a host VM or attached "
			  "accelerators); see 'aicost pricing export'", instance);
	else if (guess)
		warnx_cmd(cmd, "no prices for instance type '%s'; did you mean '%s'?", instance,
			  guess);
	else
		warnx_cmd(cmd, "no prices for instance type '%s' (see 'aicost pricing list')",
			  instance);
	free(names);
	offer_list_release(&all);
}


/* On-demand in O's zone, else in its region (a SkyPilot import keeps each option's
 * cheapest zone: spot's may not be on-demand's). */
static const struct offer *on_demand_twin(const struct offer_list *list, const struct offer *o)
{
	const struct offer *in_region = NULL;

	for (size_t i = 0; i < list->n; i++) {
		const struct offer *t = &list->items[i];

		if (strcmp(t->purchase, "on-demand") != 0 || strcmp(t->provider, o->provider) != 0 ||
		    strcmp(t->region, o->region) != 0)
			continue;
		if (strcmp(t->zone ? t->zone : "", o->zone ? o->zone : "") == 0)
			return t;
		if (!in_region)
			in_region = t;
	}
	return in_region;
}

static const struct cli_option show_options[] = {
	{ 'r', "region", "GLOB", "only regions matching GLOB" },
	PRICING_FORMAT_OPTION,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

static const struct command pricing_show_command = {
	.name = "show", .parent = "pricing", .run = pricing_show,
	.summary = "every region and purchase option of one instance type",
	.usage = "usage: aicost pricing show INSTANCE [OPTIONS]\n",
	.description = "Shows every region and purchase option of one instance type, with the saving\n"
		"of each option against on-demand in the same region and zone (in the region\n"
		"when that zone has none).\n",
	.options = show_options,
	.flags = CMD_NEEDS_STORE,
	.help_column = 27,
};

static int pricing_show(int argc, char **argv)
{
	const char *cmd = "pricing show";
	struct common_options opts;
	struct offer_filter filter = { 0 };
	struct offer_list offers = { 0 };
	struct table *t;
	struct db *db;
	bool people;
	int status = parse_common(argc, argv, &pricing_show_command, true, &opts);

	if (status >= 0)
		return status;
	filter.instance_type = argv[optind];
	filter.region_glob = opts.region;
	db = open_store(cmd, false);
	if (!db)
		return EXIT_ERROR;
	status = EXIT_ERROR;
	if (db_query_offers(db, &filter, &offers) < 0) {
		error_print(cmd);
		goto cleanup;
	}
	if (offers.n == 0) {
		unknown_instance(db, filter.instance_type, opts.region, cmd);
		goto cleanup;
	}
	sort_offers(&offers, SORT_PROVIDER);
	people = opts.format == FORMAT_TABLE;
	if (people) {
		const struct offer *o = &offers.items[0];

		printf("%s (%s): %d x %s", o->instance_type, o->provider, o->accelerator_count,
		       o->accelerator ? o->accelerator : "no accelerator");
		if (o->accelerator_memory_gb > 0)
			printf(", %g GB each", o->accelerator_memory_gb);
		if (o->vcpus > 0)
			printf(", %g vCPUs, %g GiB", o->vcpus, o->memory_gib);
		fputs("\n\n", stdout);
	}
	t = table_new();
	table_add_column(t, "provider", "PROVIDER", COLUMN_TEXT);
	table_add_column(t, "region", "REGION", COLUMN_TEXT);
	table_add_column(t, "zone", "ZONE", COLUMN_TEXT);
	table_add_column(t, "purchase", "PURCHASE", COLUMN_TEXT);
	table_add_column(t, "price_per_hour", "$/H", COLUMN_NUMBER);
	table_add_column(t, "price_per_accelerator_hour", "$/ACC-H", COLUMN_NUMBER);
	table_add_column(t, "savings_percent", "SAVES %", COLUMN_NUMBER);
	table_add_column(t, "interruptions_per_month", "INTR/MO", COLUMN_NUMBER);
	table_add_column(t, "confidence", "CONF", COLUMN_TEXT);
	table_add_column(t, "observed", "OBSERVED", COLUMN_TEXT);
	if (!people)
		table_add_column(t, "source", "SOURCE", COLUMN_TEXT);
	for (size_t i = 0; i < offers.n; i++) {
		const struct offer *o = &offers.items[i];
		const struct offer *od = on_demand_twin(&offers, o);

		table_begin_row(t);
		table_add_text(t, o->provider);
		table_add_text(t, o->region);
		table_add_text(t, o->zone);
		table_add_text(t, o->purchase);
		table_add_number(t, o->price_per_hour, 3);
		add_number_or_null(t, offer_price_per_accelerator_hour(o), 3);
		/* Saving against on-demand in the same place: 1 - price / on-demand. */
		if (od && od != o && od->price_per_hour > 0)
			table_add_number(t, 100.0 * (1.0 - o->price_per_hour / od->price_per_hour), 1);
		else
			table_add_null(t);
		add_number_or_null(t, o->interruptions_per_month, 3);
		table_add_text(t, o->confidence);
		table_add_text(t, o->observed);
		if (!people)
			table_add_text(t, o->source);
	}
	status = print_table(t, opts.format, cmd);
cleanup:
	offer_list_release(&offers);
	return status;
}

static const struct cli_option sources_options[] = {
	PRICING_FORMAT_OPTION,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

static const struct command pricing_sources_command = {
	.name = "sources", .parent = "pricing", .run = pricing_sources,
	.summary = "where the prices came from, when, and how old they are",
	.usage = "usage: aicost pricing sources [OPTIONS]\n",
	.description = "Lists every price snapshot in the store, newest first: provider, source,\n"
		"when it was fetched, the newest date its prices were observed, rows, status,\n"
		"and whether it still supplies current prices; then, per provider, how old\n"
		"its newest and its oldest current prices are, how many of them were observed\n"
		"over 180 days ago, and whether pricing update renews them or they come from\n"
		"the shipped catalog only (a live provider with no prices stored yet is listed\n"
		"too); then the same over every provider. csv and json\n"
		"give each snapshot's oldest date and its rows over 180 days old instead.\n",
	.options = sources_options,
	.flags = CMD_NEEDS_STORE,
	.help_column = 27,
};

/* How old a set of prices is: its newest and oldest dates, and how many are past
 * the age note. */
struct price_ages {
	const char *newest, *oldest;
	double newest_age, oldest_age;
	long rows, stale;
};

static void price_ages_add(struct price_ages *a, const struct observed_rows *r, time_t now)
{
	double age = observed_age_days(r->observed, now);

	a->rows += r->rows;
	/* An unknown date is as old as can be, as in estimate's age note. */
	if (!(age <= COSTCLI_PRICE_AGE_NOTE_DAYS))
		a->stale += r->rows;
	if (!a->oldest || age > a->oldest_age || (isnan(age) && !isnan(a->oldest_age))) {
		a->oldest = r->observed;
		a->oldest_age = age;
	}
	if (!a->newest || age < a->newest_age || isnan(a->newest_age)) {
		a->newest = r->observed;
		a->newest_age = age;
	}
}

/* The counts of one snapshot (PROVIDER NULL) or of one provider's current prices. */
static struct price_ages ages_of(const struct observed_rows_list *counts, int64_t snapshot,
				 const char *provider, time_t now)
{
	struct price_ages a = { 0 };

	for (size_t i = 0; i < counts->n; i++) {
		const struct observed_rows *r = &counts->items[i];

		if (provider ? r->provider && strcmp(r->provider, provider) == 0 :
			       r->snapshot_id == snapshot)
			price_ages_add(&a, r, now);
	}
	return a;
}

/* "2539 of 2570 (99%)" */
static void add_stale_share(struct table *t, const struct price_ages *a)
{
	char text[96];
	double share = a->rows ? 100.0 * (double)a->stale / (double)a->rows : 0;

	if (a->stale > 0 && share < 0.5)
		snprintf(text, sizeof(text), "%ld of %ld (<1%%)", a->stale, a->rows);
	else if (a->stale < a->rows && share > 99.5)
		snprintf(text, sizeof(text), "%ld of %ld (>99%%)", a->stale, a->rows);
	else
		snprintf(text, sizeof(text), "%ld of %ld (%.0f%%)", a->stale, a->rows, share);
	table_add_text(t, text);
}

/*
 * Per provider: how old its newest and oldest current prices are (by age: "2025"
 * may be as late as its last day, so it is newer than 2025-10-31), how many are
 * past the age note, and how they are renewed.
 */
static void provider_ages(const struct snapshot_list *snaps,
			  const struct observed_rows_list *current, time_t now)
{
	struct table *t = table_new();

	table_add_column(t, "provider", "PROVIDER", COLUMN_TEXT);
	table_add_column(t, "observed", "NEWEST OBSERVED", COLUMN_TEXT);
	table_add_column(t, "age_days", "AGE DAYS", COLUMN_NUMBER);
	table_add_column(t, "oldest_observed", "OLDEST OBSERVED", COLUMN_TEXT);
	table_add_column(t, "oldest_age_days", "AGE DAYS", COLUMN_NUMBER);
	table_add_column(t, "over_180_days", "OVER 180 DAYS", COLUMN_TEXT);
	table_add_column(t, "updates", "UPDATES", COLUMN_TEXT);
	for (size_t i = 0; i < snaps->n; i++) {
		const struct snapshot_info *s = &snaps->items[i];
		struct price_ages a;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(snaps->items[j].provider, s->provider) == 0;
		if (seen)
			continue;
		a = ages_of(current, 0, s->provider, now);
		if (!a.rows)
			continue;
		table_begin_row(t);
		table_add_text(t, s->provider);
		table_add_text(t, a.newest);
		add_number_or_null(t, a.newest_age, 0);
		table_add_text(t, a.oldest);
		add_number_or_null(t, a.oldest_age, 0);
		add_stale_share(t, &a);
		table_add_text(t, fetch_provider_is_live(s->provider) ?
			       "live: aicost pricing update" : "catalog only: no live fetcher");
	}
	/* A live fetcher the catalog has no rows for (Verda, Vultr): no prices until fetched. */
	for (size_t i = 0; i < nfetchers; i++) {
		const struct fetcher *f = &fetchers[i];
		struct strbuf how = STRBUF_INIT;

		if (f->reference || ages_of(current, 0, f->name, now).rows)
			continue;
		strbuf_addf(&how, "live only: aicost pricing update --provider %s", f->name);
		if (f->client_id_env)
			strbuf_addf(&how, " (needs %s and %s)", f->client_id_env, f->bearer_key_env);
		else if (f->bearer_key_env)
			strbuf_addf(&how, " (needs %s)", f->bearer_key_env);
		table_begin_row(t);
		table_add_text(t, f->name);
		table_add_null(t);
		table_add_null(t);
		table_add_null(t);
		table_add_null(t);
		table_add_text(t, "no prices stored");
		table_add_text(t, how.buf);
		strbuf_release(&how);
	}
	putchar('\n');
	table_print(t, stdout, FORMAT_TABLE);
	table_free(t);
}

/* The closing lines: the oldest and the newest prices over every provider. */
static void print_age_summary(const struct snapshot_info *newest,
			      const struct observed_rows_list *current, time_t now)
{
	struct price_ages all = { 0 };

	for (size_t i = 0; i < current->n; i++)
		price_ages_add(&all, &current->items[i], now);
	putchar('\n');
	if (all.oldest && isfinite(all.oldest_age))
		printf("Oldest prices: observed %s (at least %.0f days ago); %ld of %ld current "
		       "prices (%.0f%%) were observed over %d days ago.\n", all.oldest,
		       all.oldest_age, all.stale, all.rows,
		       all.rows ? 100.0 * (double)all.stale / (double)all.rows : 0.0,
		       COSTCLI_PRICE_AGE_NOTE_DAYS);
	printf("Newest prices: observed %s (at least %.0f days ago), fetched %s.\n",
	       newest->observed, observed_age_days(newest->observed, now), newest->fetched_at);
}

static int pricing_sources(int argc, char **argv)
{
	const char *cmd = "pricing sources";
	struct common_options opts;
	struct snapshot_list snaps = { 0 };
	struct observed_rows_list by_snapshot = { 0 }, current = { 0 };
	const struct snapshot_info *newest = NULL;
	time_t now = time(NULL);
	struct table *t;
	struct db *db;
	int status = parse_common(argc, argv, &pricing_sources_command, false, &opts);

	if (status >= 0)
		return status;
	db = open_store(cmd, false);
	if (!db)
		return EXIT_ERROR;
	status = EXIT_ERROR;
	if (db_list_snapshots(db, &snaps) < 0 ||
	    (opts.format == FORMAT_TABLE ? db_current_observed_rows(db, &current) :
					   db_snapshot_observed_rows(db, &by_snapshot)) < 0) {
		error_print(cmd);
		goto cleanup;
	}
	t = table_new();
	table_add_column(t, "id", "ID", COLUMN_NUMBER);
	table_add_column(t, "provider", "PROVIDER", COLUMN_TEXT);
	table_add_column(t, "source", "SOURCE", COLUMN_TEXT);
	table_add_column(t, "fetched", "FETCHED", COLUMN_TEXT);
	table_add_column(t, "observed", "OBSERVED", COLUMN_TEXT);
	table_add_column(t, "age_days", "AGE DAYS", COLUMN_NUMBER);
	table_add_column(t, "rows", "ROWS", COLUMN_NUMBER);
	table_add_column(t, "status", "STATUS", COLUMN_TEXT);
	table_add_column(t, "current", "CURRENT", COLUMN_TEXT);
	if (opts.format != FORMAT_TABLE) {
		table_add_column(t, "message", "MESSAGE", COLUMN_TEXT);
		table_add_column(t, "oldest_observed", "OLDEST OBSERVED", COLUMN_TEXT);
		table_add_column(t, "oldest_age_days", "OLDEST AGE DAYS", COLUMN_NUMBER);
		table_add_column(t, "rows_over_180_days", "ROWS OVER 180 DAYS", COLUMN_NUMBER);
	}
	for (size_t i = 0; i < snaps.n; i++) {
		const struct snapshot_info *s = &snaps.items[i];
		bool ok = strcmp(s->status, "ok") == 0;

		/* by age: "2025" may be as late as 2025-12-31, later than 2025-10-31 */
		if (ok && s->observed && (!newest || observed_age_days(s->observed, now) <
						     observed_age_days(newest->observed, now)))
			newest = s;
		table_begin_row(t);
		table_add_number(t, (double)s->id, 0);
		table_add_text(t, s->provider);
		table_add_text(t, s->source);
		table_add_text(t, s->fetched_at);
		table_add_text(t, s->observed);
		add_number_or_null(t, ok ? observed_age_days(s->observed, now) : NAN, 0);
		table_add_number(t, (double)(s->offer_rows + s->egress_rows + s->storage_rows), 0);
		table_add_text(t, s->status);
		table_add_text(t, s->current ? "yes" : "no");
		if (opts.format != FORMAT_TABLE) {
			struct price_ages a = ages_of(&by_snapshot, s->id, NULL, now);

			table_add_text(t, s->message);
			table_add_text(t, a.oldest);
			add_number_or_null(t, a.oldest ? a.oldest_age : NAN, 0);
			table_add_number(t, (double)a.stale, 0);
		}
	}
	status = print_table(t, opts.format, cmd);
	if (status == EXIT_OK && opts.format == FORMAT_TABLE && newest) {
		provider_ages(&snaps, &current, now);
		print_age_summary(newest, &current, now);
	} else if (status == EXIT_OK && opts.format == FORMAT_TABLE) {
		puts("\nNo prices in the store.");
	}
cleanup:
	observed_rows_list_release(&by_snapshot);
	observed_rows_list_release(&current);
	snapshot_list_release(&snaps);
	return status;
}


static bool same_series(const struct offer *a, const struct offer *b)
{
	return strcmp(a->provider, b->provider) == 0 && strcmp(a->region, b->region) == 0 &&
	       strcmp(a->zone ? a->zone : "", b->zone ? b->zone : "") == 0 &&
	       strcmp(a->purchase, b->purchase) == 0;
}

static const struct cli_option history_options[] = {
	{ 'r', "region", "REGION", "only this region (exact name)" },
	PRICING_FORMAT_OPTION,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

static const struct command pricing_history_command = {
	.name = "history", .parent = "pricing", .run = pricing_history,
	.summary = "one instance type's price across snapshots",
	.usage = "usage: aicost pricing history INSTANCE [OPTIONS]\n",
	.description = "Shows one instance type's price in every snapshot that has it, oldest first,\n"
		"with the change against the previous snapshot for the same region, zone and\n"
		"purchase option.\n",
	.options = history_options,
	.flags = CMD_NEEDS_STORE,
	.help_column = 27,
};

static int pricing_history(int argc, char **argv)
{
	const char *cmd = "pricing history";
	struct common_options opts;
	struct offer_list history = { 0 };
	struct snapshot_list snaps = { 0 };
	struct table *t;
	struct db *db;
	int status = parse_common(argc, argv, &pricing_history_command, true, &opts);

	if (status >= 0)
		return status;
	db = open_store(cmd, false);
	if (!db)
		return EXIT_ERROR;
	status = EXIT_ERROR;
	if (db_offer_history(db, argv[optind], opts.region, &history) < 0 ||
	    db_list_snapshots(db, &snaps) < 0) {
		error_print(cmd);
		goto cleanup;
	}
	if (history.n == 0) {
		unknown_instance(db, argv[optind], opts.region, cmd);
		goto cleanup;
	}
	t = table_new();
	table_add_column(t, "snapshot", "SNAPSHOT", COLUMN_NUMBER);
	table_add_column(t, "fetched", "FETCHED", COLUMN_TEXT);
	table_add_column(t, "observed", "OBSERVED", COLUMN_TEXT);
	table_add_column(t, "provider", "PROVIDER", COLUMN_TEXT);
	table_add_column(t, "region", "REGION", COLUMN_TEXT);
	table_add_column(t, "zone", "ZONE", COLUMN_TEXT);
	table_add_column(t, "purchase", "PURCHASE", COLUMN_TEXT);
	table_add_column(t, "price_per_hour", "$/H", COLUMN_NUMBER);
	table_add_column(t, "change_percent", "CHANGE %", COLUMN_NUMBER);
	table_add_column(t, "source", "SOURCE", COLUMN_TEXT);
	for (size_t i = 0; i < history.n; i++) {
		const struct offer *o = &history.items[i];
		const struct offer *prev = i > 0 && same_series(o, o - 1) ? o - 1 : NULL;
		const char *fetched = NULL;

		for (size_t j = 0; j < snaps.n && !fetched; j++)
			if (snaps.items[j].id == o->snapshot_id)
				fetched = snaps.items[j].fetched_at;
		table_begin_row(t);
		table_add_number(t, (double)o->snapshot_id, 0);
		table_add_text(t, fetched);
		table_add_text(t, o->observed);
		table_add_text(t, o->provider);
		table_add_text(t, o->region);
		table_add_text(t, o->zone);
		table_add_text(t, o->purchase);
		table_add_number(t, o->price_per_hour, 3);
		if (prev && prev->price_per_hour > 0)
			table_add_number(t, 100.0 * (o->price_per_hour / prev->price_per_hour - 1.0), 1);
		else
			table_add_null(t);
		table_add_text(t, o->source);
	}
	status = print_table(t, opts.format, cmd);
cleanup:
	offer_list_release(&history);
	snapshot_list_release(&snaps);
	return status;
}

/* ---- export / import: the aicost CSV format of pricing/ (catalog.h) ---- */

static const struct cli_option export_options[] = {
	{ 't', "table", "TABLE", "offers (default), accelerators, egress, storage, facts" },
	{ 'f', "format", "FORMAT", "csv (default) or json" },
	{ 'o', "output", "FILE", "write FILE atomically instead of standard output" },
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

static const struct command pricing_export_command = {
	.name = "export", .parent = "pricing", .run = pricing_export,
	.summary = "write the current prices as CSV or JSON",
	.usage = "usage: aicost pricing export [OPTIONS]\n",
	.description = "Writes the current prices in the format of the shipped catalog (pricing/*.csv),\n"
		"which 'aicost pricing import' reads back unchanged.\n",
	.options = export_options,
	.flags = CMD_NEEDS_STORE,
	.help_column = 27,
};

static int pricing_export(int argc, char **argv)
{
	struct cli_parser p;
	const char *cmd = "pricing export";
	enum output_format format = FORMAT_CSV;
	const char *output = NULL;
	const char *which = "offers";
	struct atomic_file af = { 0 };
	struct table *t = NULL;
	struct db *db;
	int c, status = EXIT_ERROR;

	cli_parser_init(&p, &pricing_export_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		switch (c) {
		case 't':
			which = optarg;
			if (!catalog_table_known(which))
				return usage_error(cmd, "unknown table '%s'; expected offers, "
						   "accelerators, egress, storage or facts", optarg);
			break;
		case 'f':
			if (output_format_parse(optarg, &format) < 0)
				return usage_error(cmd, "%s", error_get());
			if (format != FORMAT_CSV && format != FORMAT_JSON)
				return usage_error(cmd, "export writes csv or json, not '%s'", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			command_help(&pricing_export_command, stdout);
			return EXIT_OK;
		default:
			return cli_option_error(&p, c, argv);
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	db = open_store(cmd, false);
	if (!db)
		return EXIT_ERROR;
	t = table_new();
	if (catalog_export(db, which, t) < 0)
		goto fail;
	if (!output) {
		status = table_print(t, stdout, format) < 0 ? EXIT_ERROR : EXIT_OK;
		if (status != EXIT_OK)
			error_print(cmd);
		goto cleanup;
	}
	/* Nothing half-written: a temporary file renamed over OUTPUT when complete. */
	if (atomic_open(&af, output) < 0)
		goto fail;
	if (table_print(t, af.fp, format) < 0) {
		atomic_abort(&af);
		goto fail;
	}
	if (atomic_commit(&af) < 0)
		goto fail;
	status = EXIT_OK;
	goto cleanup;
fail:
	error_print(cmd);
cleanup:
	table_free(t);
	return status;
}

/*
 * Copies standard input to an anonymous temporary file (tmpfile(): gone when closed),
 * rewound for reading. An import holds the store's write lock while it reads, so
 * reading a pipe fed by another aicost (export | import) would wait on a writer that
 * waits on us. Standard input itself is left alone (the REPL goes on reading it).
 */
static FILE *spool_stdin(void)
{
	char buf[65536];
	size_t n;
	FILE *out = tmpfile();

	if (!out) {
		error_set("a temporary file for standard input: %s", strerror(errno));
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(stdin) || ferror(out) || fflush(out) != 0 || fseek(out, 0, SEEK_SET) != 0) {
		error_set("copying standard input to a temporary file: %s", strerror(errno));
		fclose(out);
		return NULL;
	}
	return out;
}


static const struct cli_option import_options[] = {
	{ 'f', "format", "FORMAT", "aicost (default: the pricing/*.csv and export format)\n"
	  "or skypilot (SkyPilot catalog CSV)" },
	{ 'p', "provider", "NAME", "the cloud a SkyPilot file describes (required with\n"
	  "--format skypilot: aws, azure, gcp, ...)" },
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

static const struct command pricing_import_command = {
	.name = "import", .parent = "pricing", .run = pricing_import,
	.summary = "load prices from an aicost or SkyPilot CSV file",
	.usage = "usage: aicost pricing import FILE [OPTIONS]\n",
	.description = "Loads prices from FILE ('-' for standard input) in one transaction: one bad\n"
		"row (reported with its line) imports nothing. Each provider in the file gets\n"
		"a new snapshot, whose prices replace that provider's in the regions it covers.\n",
	.options = import_options,
	.notes = "SkyPilot rows with no price, duplicate rows, placeholder prices, spot prices\n"
		"above on-demand and fractions of a GPU are skipped and counted; GCP GPU rows\n"
		"priced on top of a host VM are stored as parts and joined with their host\n"
		"where the machine type has them built in (a2, a3, a4, g2).\n",
	.flags = CMD_NEEDS_STORE,
	.help_column = 27,
};

static int pricing_import(int argc, char **argv)
{
	struct cli_parser p;
	const char *cmd = "pricing import";
	const char *provider = NULL;
	const char *path, *label = NULL;
	FILE *spooled = NULL;
	bool skypilot = false;
	struct import_stats stats = { 0 };
	struct db *db;
	int c, rc;

	cli_parser_init(&p, &pricing_import_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "skypilot") == 0)
				skypilot = true;
			else if (strcmp(optarg, "aicost") != 0)
				return usage_error(cmd, "unknown import format '%s'; expected aicost "
						   "or skypilot", optarg);
			break;
		case 'p':
			provider = optarg;
			break;
		case 'h':
			command_help(&pricing_import_command, stdout);
			return EXIT_OK;
		default:
			return cli_option_error(&p, c, argv);
		}
	}
	if (optind >= argc)
		return usage_error(cmd, "expected a file to import");
	if (optind + 1 < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + 1]);
	if (skypilot && !provider)
		return usage_error(cmd, "SkyPilot files do not name their cloud: add --provider "
				   "aws|azure|gcp|...");
	if (provider && (!*provider || strspn(provider, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
			 strlen(provider)))
		return usage_error(cmd, "--provider: expected a lower-case name such as aws, azure, "
				   "gcp, got '%s'", provider);
	if (!skypilot && provider)
		return usage_error(cmd, "--provider applies to --format skypilot only; aicost "
				   "files name the provider on every row");
	path = argv[optind];
	if (strcmp(argv[optind], "-") == 0) {
		spooled = spool_stdin();
		if (!spooled) {
			error_print(cmd);
			return EXIT_ERROR;
		}
		label = "stdin";
	}
	db = open_store(cmd, true);
	if (!db) {
		rc = -1;
		goto done;
	}
	if (skypilot)
		rc = skypilot_import_file(db, path, spooled, label, provider, &stats);
	else
		rc = catalog_import_file(db, path, spooled, label, &stats);
	if (rc < 0)
		error_print(cmd);
done:
	if (spooled)
		fclose(spooled);
	if (rc < 0) {
		warnx_cmd(cmd, "nothing was imported");
		return EXIT_ERROR;
	}
	if (global_options.verbosity >= 0) {
		fprintf(stderr, "aicost %s: %s: %ld rows read, %ld stored in %ld snapshot%s",
			cmd, label ? label : path, stats.rows, stats.stored, stats.snapshots,
			stats.snapshots == 1 ? "" : "s");
		if (skypilot)
			fprintf(stderr, "; skipped: %ld without a price, %ld duplicates, %ld "
				"placeholder prices, %ld spot prices above on-demand, %ld fractions "
				"of an accelerator; %ld host+GPU machines joined; not stored: %ld "
				"CPU rows outside the series aicost prices, %ld zone prices folded "
				"into their region's lowest",
				stats.skipped_no_price, stats.skipped_duplicate,
				stats.skipped_placeholder, stats.skipped_spot_above,
				stats.skipped_fractional, stats.combined, stats.skipped_cpu,
				stats.folded);
		if (stats.unknown_accelerators > 0)
			fprintf(stderr, "; %ld row%s name an accelerator the store has no specs "
				"for (kept as named)", stats.unknown_accelerators,
				stats.unknown_accelerators == 1 ? "" : "s");
		fputc('\n', stderr);
	}
	return EXIT_OK;
}


static int cmd_pricing(int argc, char **argv);

/* One entry per subcommand; `update` lives in cmd-pricing-update.c (issue 5). */
static const struct command *const pricing_subcommands[] = {
	&pricing_list_command,
	&pricing_show_command,
	&pricing_sources_command,
	&pricing_history_command,
	&pricing_export_command,
	&pricing_import_command,
	&pricing_update_command,
	NULL,
};

static const struct cli_option pricing_options[] = { CLI_OPTION_HELP, CLI_OPTION_END };

const struct command pricing_command = {
	.name = "pricing", .run = cmd_pricing,
	.summary = "list, show, import and export accelerator prices",
	.usage = "usage: aicost pricing SUBCOMMAND [OPTIONS]\n",
	.description = "What accelerators cost, where, and where each number came from.\n",
	.subcommands = pricing_subcommands,
	.options = pricing_options,
	.notes = "'aicost pricing SUBCOMMAND --help' describes one subcommand.\n",
};

static int cmd_pricing(int argc, char **argv)
{
	int status = cli_parse_help_only(&pricing_command, argc, argv);

	if (status >= 0)
		return status;
	if (optind >= argc) {
		command_help(&pricing_command, stderr);
		return EXIT_ERROR;
	}
	return subcommand_run(&pricing_command, argc - optind, argv + optind);
}
