/* aicost pricing: what accelerators cost, where, and where each number came from. */
#include "catalog.h"
#include "cli.h"
#include "db.h"
#include "table.h"
#include "units.h"
#include "util.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

struct pricing_subcommand {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the subcommand name */
	const char *summary;
};

static int pricing_list(int argc, char **argv);

/* One row per subcommand; `update` lives in cmd-pricing-update.c (issue 5). */
static const struct pricing_subcommand subcommands[] = {
	{ "list", pricing_list, "offers that match filters, cheapest first if asked" },
	{ "update", cmd_pricing_update, "fetch live prices from AWS, Azure and Google Cloud" },
};

static const char *const purchase_order[] = { PURCHASE_OPTIONS };

static bool is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Opens the store named by --db / AICOST_DB / XDG; prints the error itself. */
static struct db *open_store(const char *cmd)
{
	struct strbuf path = STRBUF_INIT;
	struct db *db = NULL;

	if (db_default_path(global_options.db_path, &path) == 0)
		db = db_open(path.buf);
	if (!db)
		error_print(cmd);
	strbuf_release(&path);
	return db;
}

static int purchase_rank(const char *purchase)
{
	for (size_t i = 0; i < ARRAY_SIZE(purchase_order); i++)
		if (strcmp(purchase, purchase_order[i]) == 0)
			return (int)i;
	return (int)ARRAY_SIZE(purchase_order);
}

static double per_accelerator_hour(const struct offer *o)
{
	return o->accelerator_count > 0 ? o->price_per_hour / o->accelerator_count : NAN;
}

/* Price per dense BF16 PFLOP-hour: compares a TPU v5e with an H100 on one scale. */
static double per_pflop_hour(const struct offer *o)
{
	double pflops = o->accelerator_count * o->bf16_tflops / 1000.0;

	return pflops > 0 ? o->price_per_hour / pflops : NAN;
}

enum sort_key { SORT_PROVIDER, SORT_PRICE, SORT_PER_ACCELERATOR, SORT_PER_PFLOP };

static enum sort_key current_sort;

/* Unknown values (NAN) sort last. */
static int compare_numbers(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return (a > b) - (a < b);
}

static int compare_offers(const void *pa, const void *pb)
{
	const struct offer *a = pa, *b = pb;
	int c = 0;

	switch (current_sort) {
	case SORT_PRICE:
		c = compare_numbers(a->price_per_hour, b->price_per_hour);
		break;
	case SORT_PER_ACCELERATOR:
		c = compare_numbers(per_accelerator_hour(a), per_accelerator_hour(b));
		break;
	case SORT_PER_PFLOP:
		c = compare_numbers(per_pflop_hour(a), per_pflop_hour(b));
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
	current_sort = key;
	qsort(list->items, list->n, sizeof(*list->items), compare_offers);
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

static struct table *offers_table(const struct offer_list *list, enum output_format format)
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
		add_number_or_null(t, per_accelerator_hour(o), 3);
		add_number_or_null(t, per_pflop_hour(o), 3);
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
	char **known = NULL;
	size_t nknown = 0;
	int status = EXIT_ERROR;
	const char *p = providers;

	if (db_providers(db, &known, &nknown) < 0) {
		error_print(cmd);
		return EXIT_ERROR;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		char *name = xstrndup(p, len);
		bool found = false;

		for (size_t i = 0; i < nknown; i++)
			found |= strcmp(known[i], name) == 0;
		if (!found) {
			const char *guess = suggest_word(name, (const char *const *)known, nknown);
			struct strbuf all = STRBUF_INIT;

			for (size_t i = 0; i < nknown; i++)
				strbuf_addf(&all, "%s%s", i ? ", " : "", known[i]);
			if (guess)
				usage_error(cmd, "no prices for provider '%s'; did you mean '%s'?",
					    name, guess);
			else
				usage_error(cmd, "no prices for provider '%s' (known: %s)", name,
					    all.buf);
			strbuf_release(&all);
			free(name);
			goto cleanup;
		}
		free(name);
		p += len;
		if (*p == ',')
			p++;
	}
	status = EXIT_OK;
cleanup:
	for (size_t i = 0; i < nknown; i++)
		free(known[i]);
	free(known);
	return status;
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

static void list_usage(FILE *fp)
{
	fputs("usage: aicost pricing list [OPTIONS]\n"
	      "\n"
	      "Lists accelerator offers from the newest prices of each provider and region.\n"
	      "\n"
	      "Options:\n"
	      "  -a, --accelerator NAME   only this accelerator (name or alias: h100, H100-SXM,\n"
	      "                           \"NVIDIA H100 80GB HBM3\")\n"
	      "  -p, --provider LIST      only these providers, comma-separated (aws,azure,gcp,...)\n"
	      "  -r, --region GLOB        only regions matching GLOB (us-*, europe-west4)\n"
	      "      --purchase OPTION    on-demand, spot, reserved-1y, reserved-3y, savings-1y,\n"
	      "                           savings-3y, commit-1y or commit-3y\n"
	      "      --min-accelerators N at least N accelerators per instance\n"
	      "      --min-memory GB      at least GB of memory per accelerator (80, 80GB, 141GB)\n"
	      "      --max-price X        at most X per instance-hour\n"
	      "  -s, --sort KEY           provider (default), price, per-accelerator, per-pflop\n"
	      "  -n, --limit N            at most N rows\n"
	      "  -f, --format FORMAT      table (default), csv, json or markdown\n"
	      "  -h, --help               print this help\n"
	      "\n"
	      "$/PFLOP-H is the price per dense BF16 PFLOP-hour; CONF says whether the\n"
	      "source gave the price exactly or approximately.\n", fp);
}

static int parse_sort(const char *text, enum sort_key *out)
{
	static const struct { const char *name; enum sort_key key; } keys[] = {
		{ "provider", SORT_PROVIDER }, { "price", SORT_PRICE },
		{ "per-accelerator", SORT_PER_ACCELERATOR }, { "per-pflop", SORT_PER_PFLOP },
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(text, keys[i].name) == 0) {
			*out = keys[i].key;
			return 0;
		}
	}
	error_set("unknown sort key '%s'; expected provider, price, per-accelerator or per-pflop",
		  text);
	return -1;
}

static int pricing_list(int argc, char **argv)
{
	enum { OPT_PURCHASE = 256, OPT_MIN_ACCELERATORS, OPT_MIN_MEMORY, OPT_MAX_PRICE };
	static const struct option options[] = {
		{ "accelerator", required_argument, NULL, 'a' },
		{ "provider", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "purchase", required_argument, NULL, OPT_PURCHASE },
		{ "min-accelerators", required_argument, NULL, OPT_MIN_ACCELERATORS },
		{ "min-memory", required_argument, NULL, OPT_MIN_MEMORY },
		{ "max-price", required_argument, NULL, OPT_MAX_PRICE },
		{ "sort", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "pricing list";
	struct offer_filter filter = { 0 };
	struct offer_list offers = { 0 };
	enum output_format format = FORMAT_TABLE;
	enum sort_key sort = SORT_PROVIDER;
	long limit = -1, count;
	struct db *db = NULL;
	int c, status = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "a:p:r:s:n:f:h", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			filter.accelerator = optarg;
			break;
		case 'p':
			filter.providers = optarg;
			break;
		case 'r':
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
			list_usage(stdout);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try 'aicost %s --help'.\n", cmd);
			return EXIT_ERROR;
		}
	}
	if (optind < argc)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	db = open_store(cmd);
	if (!db)
		return EXIT_ERROR;
	if (filter.providers && check_providers(db, filter.providers, cmd) != EXIT_OK)
		goto cleanup;
	if (filter.accelerator) {
		struct accelerator acc;

		if (db_find_accelerator(db, filter.accelerator, &acc) < 0) {
			error_print(cmd);
			goto cleanup;
		}
		if (acc.ambiguous && global_options.verbosity >= 0)
			fprintf(stderr, "aicost %s: note: '%s' is ambiguous; showing %s "
				"(name the exact part for another)\n", cmd, filter.accelerator,
				acc.name);
		accelerator_release(&acc);
	}
	if (db_query_offers(db, &filter, &offers) < 0) {
		error_print(cmd);
		goto cleanup;
	}
	sort_offers(&offers, sort);
	if (limit >= 0 && (size_t)limit < offers.n) {
		for (size_t i = (size_t)limit; i < offers.n; i++)
			offer_release(&offers.items[i]);
		offers.n = (size_t)limit;
	}
	if (offers.n == 0 && format == FORMAT_TABLE && global_options.verbosity >= 0)
		fprintf(stderr, "aicost %s: no offers match\n", cmd);
	status = print_table(offers_table(&offers, format), format, cmd);
cleanup:
	offer_list_release(&offers);
	db_close(db);
	return status;
}

static void pricing_usage(FILE *fp)
{
	fputs("usage: aicost pricing SUBCOMMAND [OPTIONS]\n"
	      "\n"
	      "What accelerators cost, where, and where each number came from.\n"
	      "\n"
	      "Subcommands:\n", fp);
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(fp, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fputs("\n'aicost pricing SUBCOMMAND --help' describes one subcommand.\n", fp);
}

int cmd_pricing(int argc, char **argv)
{
	const char *names[ARRAY_SIZE(subcommands)];
	const char *guess;

	if (argc < 2) {
		pricing_usage(stderr);
		return EXIT_ERROR;
	}
	if (is_help(argv[1])) {
		pricing_usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++) {
		names[i] = subcommands[i].name;
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			reset_getopt();
			return subcommands[i].run(argc - 1, argv + 1);
		}
	}
	guess = suggest_word(argv[1], names, ARRAY_SIZE(subcommands));
	if (guess)
		return usage_error("pricing", "'%s' is not a subcommand; did you mean '%s'?",
				   argv[1], guess);
	return usage_error("pricing", "'%s' is not a subcommand", argv[1]);
}
