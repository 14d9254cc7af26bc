/*
 * AWS: the Price List bulk API (offer index -> region index -> per-region CSV,
 * streamed through libcsv's push parser as the bytes arrive), the AWSDataTransfer
 * offer for egress tiers, and the public spot price feed with the Spot Instance
 * Advisor's interruption buckets. See fetch.h.
 */
#include "fetch.h"
#include "http.h"
#include "units.h"
#include "util.h"

#include <csv.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define AWS_ENDPOINT "https://pricing.us-east-1.amazonaws.com"
#define AWS_OFFER_INDEX "/offers/v1.0/aws/index.json"
#define AWS_SPOT_ENDPOINT "https://website.spot.ec2.aws.a2z.com"
#define AWS_SPOT_ADVISOR_URL "https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json"

/* Instance families whose accelerator we can name; the count comes from the CSV. */
static const struct aws_family {
	const char *prefix;          /* up to and including the dot */
	const char *accelerator;
} aws_families[] = {
	{ "p6-b200.", "B200" },
	{ "p5en.", "H200" },
	{ "p5e.", "H200" },
	{ "p5.", "H100-SXM" },
	{ "p4de.", "A100-80GB" },
	{ "p4d.", "A100-40GB" },
	{ "p3.", "V100-SXM2-16GB" },
	{ "g6e.", "L40S" },
	{ "g6.", "L4" },
	{ "g5.", "A10G" },
	{ "g4dn.", "T4" },
	{ "trn1.", "Trainium1" },
};

/* Trainium has no "GPU" column value: chips per size from the trn1 documentation. */
static const struct { const char *instance; int chips; } aws_trainium_chips[] = {
	{ "trn1.2xlarge", 1 }, { "trn1.32xlarge", 16 },
};

/*
 * CPU instances kept for data pipelines: the current generations (7th and 8th) of
 * the general-purpose (m), compute-optimised (c) and memory-optimised (r) families,
 * Intel (i), AMD (a) and Graviton (g), without local disks or faster networking
 * (d, n variants) and without bare metal. Every size of a family is kept: about
 * 15 families of ~10 sizes a region, not the thousands of types in the file.
 */
static const char *const aws_cpu_families[] = {
	"m7i.", "m7i-flex.", "m7a.", "m7g.", "m8g.", "m8i.",
	"c7i.", "c7i-flex.", "c7a.", "c7g.", "c8g.", "c8i.",
	"r7i.", "r7a.", "r7g.", "r8g.", "r8i.",
};

static bool aws_cpu_instance(const char *instance)
{
	if (strstr(instance, ".metal"))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(aws_cpu_families); i++)
		if (str_starts_with(instance, aws_cpu_families[i]))
			return true;
	return false;
}

bool fetch_aws_cpu_kept(const char *instance_type)
{
	return aws_cpu_instance(instance_type);
}

static const char *aws_family_accelerator(const char *instance)
{
	for (size_t i = 0; i < ARRAY_SIZE(aws_families); i++)
		if (str_starts_with(instance, aws_families[i].prefix))
			return aws_families[i].accelerator;
	return NULL;
}

static int aws_accelerator_count(const char *instance, const char *gpu_column)
{
	double gpus;

	/* 1 to 64, as every other fetcher reads a count: "8e99" is no count (and no int). */
	if (fetch_parse_price(gpu_column, &gpus) && gpus >= 1 && gpus <= 64 &&
	    gpus == floor(gpus))
		return (int)gpus;
	for (size_t i = 0; i < ARRAY_SIZE(aws_trainium_chips); i++)
		if (strcmp(aws_trainium_chips[i].instance, instance) == 0)
			return aws_trainium_chips[i].chips;
	return 0;
}

/* ---- The columns we read, found by header name (never by position) ---- */

enum aws_column {
	COL_SKU, COL_OFFER_TERM, COL_TERM_TYPE, COL_PRICE_DESCRIPTION, COL_STARTING_RANGE,
	COL_ENDING_RANGE, COL_UNIT, COL_PRICE, COL_CURRENCY, COL_LEASE, COL_PURCHASE_OPTION,
	COL_OFFERING_CLASS, COL_PRODUCT_FAMILY, COL_INSTANCE_TYPE, COL_VCPU, COL_MEMORY,
	COL_TENANCY, COL_OS, COL_CAPACITY, COL_GPU, COL_PREINSTALLED, COL_REGION_CODE,
	COL_TRANSFER_TYPE, COL_FROM_REGION, COL_TO_LOCATION,
	NCOLUMNS
};

static const char *const aws_column_names[NCOLUMNS] = {
	[COL_SKU] = "SKU", [COL_OFFER_TERM] = "OfferTermCode", [COL_TERM_TYPE] = "TermType",
	[COL_PRICE_DESCRIPTION] = "PriceDescription", [COL_STARTING_RANGE] = "StartingRange",
	[COL_ENDING_RANGE] = "EndingRange", [COL_UNIT] = "Unit", [COL_PRICE] = "PricePerUnit",
	[COL_CURRENCY] = "Currency", [COL_LEASE] = "LeaseContractLength",
	[COL_PURCHASE_OPTION] = "PurchaseOption", [COL_OFFERING_CLASS] = "OfferingClass",
	[COL_PRODUCT_FAMILY] = "Product Family", [COL_INSTANCE_TYPE] = "Instance Type",
	[COL_VCPU] = "vCPU", [COL_MEMORY] = "Memory", [COL_TENANCY] = "Tenancy",
	[COL_OS] = "Operating System", [COL_CAPACITY] = "CapacityStatus", [COL_GPU] = "GPU",
	[COL_PREINSTALLED] = "Pre Installed S/W", [COL_REGION_CODE] = "Region Code",
	[COL_TRANSFER_TYPE] = "Transfer Type", [COL_FROM_REGION] = "From Region Code",
	[COL_TO_LOCATION] = "To Location",
};

/* Columns without which a file of that kind cannot be read. */
static const enum aws_column ec2_required[] = {
	COL_SKU, COL_OFFER_TERM, COL_TERM_TYPE, COL_UNIT, COL_PRICE, COL_CURRENCY, COL_LEASE,
	COL_PURCHASE_OPTION, COL_OFFERING_CLASS, COL_PRODUCT_FAMILY, COL_INSTANCE_TYPE,
	COL_TENANCY, COL_OS, COL_CAPACITY, COL_PREINSTALLED, COL_REGION_CODE,
};
static const enum aws_column transfer_required[] = {
	COL_TERM_TYPE, COL_STARTING_RANGE, COL_ENDING_RANGE, COL_UNIT, COL_PRICE, COL_CURRENCY,
	COL_TRANSFER_TYPE, COL_FROM_REGION, COL_TO_LOCATION,
};

/* An instance seen in a region's EC2 file: what the spot feed needs to make offers. */
struct aws_instance {
	char *instance_type;
	char *region;
	const char *accelerator;     /* NULL for a CPU instance */
	int count;
	double vcpus;
	double memory_gib;
	double on_demand_per_hour;   /* 0 when the file had none */
};

struct aws_catalog {
	struct aws_instance *items;
	size_t n, alloc;
};

/* One reserved offer term (SKU + OfferTermCode): its hourly and upfront parts. */
struct reserved_term {
	char *key;                   /* SKU.OfferTermCode */
	size_t instance;             /* index into the catalog */
	int years;
	int option_rank;             /* 0 No Upfront, 1 Partial, 2 All Upfront */
	double hourly_usd;
	double upfront_usd;
	bool has_hourly, has_upfront;
};

struct aws_csv {
	struct csv_parser parser;
	enum aws_offer_kind kind;
	const struct fetch_config *config;
	char *source;
	const struct fetch_sink *sink;
	struct fetch_stats *stats;
	unsigned long rows_before;       /* stats->rows when this file started */
	struct aws_catalog *catalog;     /* instances seen, shared with the spot step */
	unsigned long line;              /* line the current record starts on, for messages */
	unsigned long next_line;         /* line the next record starts on */
	unsigned long record_newlines;   /* newlines inside the current record's quoted fields */
	size_t field;                    /* index of the current field in its record */
	bool header_seen;
	size_t header_fields;
	int *field_column;               /* header position -> enum aws_column or -1 */
	size_t field_column_alloc;
	struct strbuf values[NCOLUMNS];  /* the current record's fields we keep */
	struct strbuf first_field;       /* metadata rows: name and value */
	struct strbuf second_field;
	bool format_checked;
	bool failed;                     /* an error is set; ignore the rest */
	struct reserved_term *terms;
	size_t nterms, terms_alloc;
	struct egress_tier *tiers;
	size_t ntiers, tiers_alloc;
};

static size_t catalog_find(const struct aws_catalog *catalog, const char *instance,
			   const char *region)
{
	for (size_t i = 0; i < catalog->n; i++)
		if (strcmp(catalog->items[i].instance_type, instance) == 0 &&
		    strcmp(catalog->items[i].region, region) == 0)
			return i;
	return (size_t)-1;
}

static size_t catalog_add(struct aws_catalog *catalog, const char *instance,
			  const char *region, const char *accelerator, int count,
			  double vcpus, double memory_gib)
{
	size_t i = catalog_find(catalog, instance, region);
	struct aws_instance *it;

	if (i != (size_t)-1)
		return i;
	xgrow(&catalog->items, &catalog->alloc, catalog->n + 1, sizeof(*catalog->items));
	it = &catalog->items[catalog->n];
	memset(it, 0, sizeof(*it));
	it->instance_type = xstrdup(instance);
	it->region = xstrdup(region);
	it->accelerator = accelerator;
	it->count = count;
	it->vcpus = vcpus;
	it->memory_gib = memory_gib;
	return catalog->n++;
}

struct aws_catalog *aws_catalog_new(void)
{
	return xcalloc(1, sizeof(struct aws_catalog));
}

void aws_catalog_free(struct aws_catalog *catalog)
{
	if (!catalog)
		return;
	for (size_t i = 0; i < catalog->n; i++) {
		free(catalog->items[i].instance_type);
		free(catalog->items[i].region);
	}
	free(catalog->items);
	free(catalog);
}

static const char *value(const struct aws_csv *csv, enum aws_column col)
{
	return csv->values[col].buf;
}

static void csv_fail(struct aws_csv *csv, const char *fmt, const char *detail)
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_addf(&msg, "%s:%lu: ", csv->source, csv->line);
	strbuf_addf(&msg, fmt, detail);
	error_set("%s", msg.buf);
	strbuf_release(&msg);
	csv->failed = true;
}

/*
 * "2048 GiB", "0.5 GiB", "NA" -> GiB; "192" -> vCPUs: 0 (unknown) unless a finite
 * positive number ("nan" and "inf" are not sizes).
 */
static double parse_size(const char *text)
{
	char *end;
	double gib = c_strtod(text, &end);

	return end != text && isfinite(gib) && gib > 0 ? gib : 0;
}

static int emit_instance_offer(struct aws_csv *csv, const struct aws_instance *it,
			       const char *purchase, double price_per_hour)
{
	struct offer o = {
		.provider = "aws", .region = it->region, .instance_type = it->instance_type,
		.component = "instance", .accelerator = (char *)it->accelerator,
		.accelerator_count = it->count, .vcpus = it->vcpus,
		.memory_gib = it->memory_gib, .purchase = (char *)purchase,
		.price_per_hour = price_per_hour, .currency = "USD",
		.observed = (char *)csv->config->observed, .source = csv->source,
		.confidence = "exact", .interruptions_per_month = NAN,
	};

	return fetch_emit_offer(csv->sink, csv->stats, &o);
}

static struct reserved_term *reserved_term(struct aws_csv *csv, const char *key)
{
	struct reserved_term *t;

	for (size_t i = csv->nterms; i-- > 0;)
		if (strcmp(csv->terms[i].key, key) == 0)
			return &csv->terms[i];
	xgrow(&csv->terms, &csv->terms_alloc, csv->nterms + 1, sizeof(*csv->terms));
	t = &csv->terms[csv->nterms++];
	memset(t, 0, sizeof(*t));
	t->key = xstrdup(key);
	return t;
}

static int ec2_record(struct aws_csv *csv)
{
	const char *instance = value(csv, COL_INSTANCE_TYPE);
	const char *term_type = value(csv, COL_TERM_TYPE);
	const char *unit = value(csv, COL_UNIT);
	const char *accelerator;
	double price;
	size_t index;
	int count;

	/* Linux, shared tenancy, no pre-installed software, capacity used. */
	if (strcmp(value(csv, COL_PRODUCT_FAMILY), "Compute Instance") != 0 ||
	    strcmp(value(csv, COL_OS), "Linux") != 0 ||
	    strcmp(value(csv, COL_TENANCY), "Shared") != 0 ||
	    strcmp(value(csv, COL_PREINSTALLED), "NA") != 0 ||
	    strcmp(value(csv, COL_CAPACITY), "Used") != 0 ||
	    strcmp(value(csv, COL_CURRENCY), "USD") != 0 ||
	    !fetch_region_wanted(csv->config, value(csv, COL_REGION_CODE)))
		return 0;
	accelerator = aws_family_accelerator(instance);
	if (accelerator) {
		count = aws_accelerator_count(instance, value(csv, COL_GPU));
		if (count <= 0)
			return 0;
	} else {
		/* A CPU instance: priced per vCPU, so the vCPUs must be known. */
		double vcpus;

		if (!aws_cpu_instance(instance) ||
		    !fetch_parse_price(value(csv, COL_VCPU), &vcpus) || vcpus <= 0)
			return 0;
		count = 0;
	}
	if (!fetch_parse_price(value(csv, COL_PRICE), &price)) {
		csv_fail(csv, "PricePerUnit: expected a price, got \"%s\"", value(csv, COL_PRICE));
		return -1;
	}
	index = catalog_add(csv->catalog, instance, value(csv, COL_REGION_CODE), accelerator,
			    count, parse_size(value(csv, COL_VCPU)),
			    parse_size(value(csv, COL_MEMORY)));
	if (strcmp(term_type, "OnDemand") == 0) {
		if (strcmp(unit, "Hrs") != 0 || price <= 0)
			return 0;
		csv->catalog->items[index].on_demand_per_hour = price;
		return emit_instance_offer(csv, &csv->catalog->items[index], "on-demand", price);
	}
	if (strcmp(term_type, "Reserved") == 0 &&
	    strcmp(value(csv, COL_OFFERING_CLASS), "standard") == 0) {
		const char *lease = value(csv, COL_LEASE);
		const char *option = value(csv, COL_PURCHASE_OPTION);
		struct strbuf key = STRBUF_INIT;
		struct reserved_term *t;
		int years = strcmp(lease, "1yr") == 0 ? 1 : strcmp(lease, "3yr") == 0 ? 3 : 0;
		int rank = strcmp(option, "No Upfront") == 0 ? 0 :
			   strcmp(option, "Partial Upfront") == 0 ? 1 :
			   strcmp(option, "All Upfront") == 0 ? 2 : -1;

		if (!years || rank < 0)
			return 0;
		strbuf_addf(&key, "%s.%s", value(csv, COL_SKU), value(csv, COL_OFFER_TERM));
		t = reserved_term(csv, key.buf);
		strbuf_release(&key);
		t->instance = index;
		t->years = years;
		t->option_rank = rank;
		if (strcmp(unit, "Hrs") == 0) {
			t->hourly_usd = price;
			t->has_hourly = true;
		} else if (strcmp(unit, "Quantity") == 0) {
			t->upfront_usd = price;
			t->has_upfront = true;
		}
	}
	return 0;
}

/* The reserved price we keep per instance and term: standard class, the lowest
 * upfront option offered, as its effective hourly rate (upfront spread over the term). */
static int flush_reserved(struct aws_csv *csv)
{
	for (size_t i = 0; i < csv->nterms; i++) {
		const struct reserved_term *t = &csv->terms[i];
		bool best = true;
		double hourly;

		if (!t->has_hourly || (t->option_rank > 0 && !t->has_upfront))
			continue;   /* incomplete term: a fee without its rate or the reverse */
		for (size_t j = 0; j < csv->nterms; j++) {
			const struct reserved_term *u = &csv->terms[j];

			if (u->instance == t->instance && u->years == t->years && u->has_hourly &&
			    (u->option_rank < t->option_rank ||
			     (u->option_rank == t->option_rank && j < i)))
				best = false;
		}
		if (!best)
			continue;
		hourly = t->hourly_usd + t->upfront_usd / (t->years * HOURS_PER_YEAR);
		if (hourly <= 0)
			continue;
		if (emit_instance_offer(csv, &csv->catalog->items[t->instance],
					t->years == 1 ? "reserved-1y" : "reserved-3y", hourly) < 0)
			return -1;
	}
	return 0;
}

static bool range_gb(const char *text, double *out)
{
	if (strcmp(text, "Inf") == 0 || strcmp(text, "inf") == 0) {
		*out = INFINITY;
		return true;
	}
	return fetch_parse_price(text, out);
}

static void keep_tier(struct aws_csv *csv, const char *region, const char *destination,
		      double start_gb, double end_gb, double price_per_gb)
{
	struct egress_tier *t;

	for (size_t i = 0; i < csv->ntiers; i++) {
		t = &csv->tiers[i];
		if (strcmp(t->destination, destination) != 0 || strcmp(t->scope, region) != 0)
			continue;
		/* One flat tier for inter-region/-zone: the dearest destination (cautious). */
		if (strcmp(destination, "internet") != 0) {
			t->price_per_gb = fmax(t->price_per_gb, price_per_gb);
			return;
		}
		if (t->start_gb == start_gb)
			return;   /* a duplicate row */
	}
	xgrow(&csv->tiers, &csv->tiers_alloc, csv->ntiers + 1, sizeof(*csv->tiers));
	t = &csv->tiers[csv->ntiers++];
	memset(t, 0, sizeof(*t));
	t->scope = xstrdup(region);
	t->destination = (char *)destination;
	t->start_gb = strcmp(destination, "internet") == 0 ? start_gb : 0;
	t->end_gb = strcmp(destination, "internet") == 0 ? end_gb : INFINITY;
	t->price_per_gb = price_per_gb;
}

static int transfer_record(struct aws_csv *csv)
{
	const char *type = value(csv, COL_TRANSFER_TYPE);
	const char *destination;
	double start_gb, end_gb, price;

	if (strcmp(value(csv, COL_TERM_TYPE), "OnDemand") != 0 ||
	    strcmp(value(csv, COL_UNIT), "GB") != 0 ||
	    strcmp(value(csv, COL_CURRENCY), "USD") != 0 ||
	    !fetch_region_wanted(csv->config, value(csv, COL_FROM_REGION)))
		return 0;
	if (strcmp(type, "AWS Outbound") == 0 && strcmp(value(csv, COL_TO_LOCATION), "External") == 0)
		destination = "internet";
	else if (strcmp(type, "InterRegion Outbound") == 0)
		destination = "inter-region";
	else if (strcmp(type, "IntraRegion") == 0)
		destination = "inter-zone";
	else
		return 0;
	if (!range_gb(value(csv, COL_STARTING_RANGE), &start_gb) ||
	    !range_gb(value(csv, COL_ENDING_RANGE), &end_gb) || !(end_gb > start_gb)) {
		csv_fail(csv, "StartingRange/EndingRange: not a range of GB (\"%s\")",
			 value(csv, COL_STARTING_RANGE));
		return -1;
	}
	if (!fetch_parse_price(value(csv, COL_PRICE), &price)) {
		csv_fail(csv, "PricePerUnit: expected a price, got \"%s\"", value(csv, COL_PRICE));
		return -1;
	}
	keep_tier(csv, value(csv, COL_FROM_REGION), destination, start_gb, end_gb, price);
	return 0;
}

static int cmp_tier(const void *a, const void *b)
{
	const struct egress_tier *x = a, *y = b;
	int d = strcmp(x->scope, y->scope);

	if (d)
		return d;
	d = strcmp(x->destination, y->destination);

	if (d)
		return d;
	return (x->start_gb > y->start_gb) - (x->start_gb < y->start_gb);
}

static int flush_tiers(struct aws_csv *csv)
{
	sort_array(csv->tiers, csv->ntiers, sizeof(*csv->tiers), cmp_tier);
	for (size_t i = 0; i < csv->ntiers; i++) {
		struct egress_tier t = csv->tiers[i];

		t.provider = "aws";
		t.source = csv->source;
		t.observed = (char *)csv->config->observed;
		t.confidence = "exact";
		if (fetch_emit_egress(csv->sink, csv->stats, &t) < 0)
			return -1;
	}
	return 0;
}

static void header_field(struct aws_csv *csv, const char *name)
{
	int column = -1;

	for (int c = 0; c < NCOLUMNS; c++)
		if (strcmp(aws_column_names[c], name) == 0)
			column = c;
	xgrow(&csv->field_column, &csv->field_column_alloc, csv->field + 1,
	      sizeof(*csv->field_column));
	csv->field_column[csv->field] = column;
}

static void on_field(void *data, size_t len, void *ctx)
{
	struct aws_csv *csv = ctx;

	if (csv->failed)
		return;
	/* A quoted field may hold line breaks: count them so messages name real lines. */
	for (const char *nl = len ? data : NULL; nl; nl++) {
		nl = memchr(nl, '\n', len - (size_t)(nl - (const char *)data));
		if (!nl)
			break;
		csv->record_newlines++;
	}
	if (!csv->header_seen) {
		if (csv->field == 0) {
			strbuf_reset(&csv->first_field);
			strbuf_add(&csv->first_field, data, len);
		} else if (csv->field == 1) {
			strbuf_reset(&csv->second_field);
			strbuf_add(&csv->second_field, data, len);
		}
		if (strcmp(csv->first_field.buf, "SKU") == 0) {
			struct strbuf name = STRBUF_INIT;

			strbuf_add(&name, data, len);
			header_field(csv, name.buf);
			strbuf_release(&name);
		}
	} else if (csv->field < csv->header_fields && csv->field_column[csv->field] >= 0) {
		struct strbuf *sb = &csv->values[csv->field_column[csv->field]];

		strbuf_reset(sb);
		strbuf_add(sb, data, len);
	}
	csv->field++;
}

static void check_header(struct aws_csv *csv)
{
	const enum aws_column *required = csv->kind == AWS_OFFER_EC2 ? ec2_required :
					  transfer_required;
	size_t nrequired = csv->kind == AWS_OFFER_EC2 ? ARRAY_SIZE(ec2_required) :
			   ARRAY_SIZE(transfer_required);

	for (size_t i = 0; i < nrequired; i++) {
		bool found = false;

		for (size_t f = 0; f < csv->field; f++)
			if (csv->field_column[f] == (int)required[i])
				found = true;
		if (!found) {
			csv_fail(csv, "the header has no \"%s\" column",
				 aws_column_names[required[i]]);
			return;
		}
	}
	csv->header_fields = csv->field;
	csv->header_seen = true;
}

static void on_record(int terminator, void *ctx)
{
	struct aws_csv *csv = ctx;
	size_t fields = csv->field;

	(void)terminator;
	if (csv->failed)
		return;
	csv->line = csv->next_line;
	csv->next_line += 1 + csv->record_newlines;
	csv->record_newlines = 0;
	csv->field = 0;
	if (!csv->header_seen) {
		/* The 5 metadata rows ("FormatVersion","v1.0" ...) and then the header. */
		if (!csv->format_checked) {
			if (strcmp(csv->first_field.buf, "FormatVersion") != 0) {
				csv_fail(csv, "not an AWS Price List CSV (starts with \"%s\")",
					 csv->first_field.buf);
				return;
			}
			csv->format_checked = true;
		} else if (strcmp(csv->first_field.buf, "OfferCode") == 0) {
			const char *want = csv->kind == AWS_OFFER_EC2 ? "AmazonEC2" :
					   "AWSDataTransfer";

			if (strcmp(csv->second_field.buf, want) != 0)
				csv_fail(csv, "offer code \"%s\" is not the one asked for",
					 csv->second_field.buf);
		} else if (strcmp(csv->first_field.buf, "SKU") == 0) {
			csv->field = fields;
			check_header(csv);
			csv->field = 0;
		}
		return;
	}
	if (fields != csv->header_fields) {
		struct strbuf detail = STRBUF_INIT;

		strbuf_addf(&detail, "%zu fields where the header has %zu", fields,
			    csv->header_fields);
		csv_fail(csv, "%s (a truncated or damaged file)", detail.buf);
		strbuf_release(&detail);
		return;
	}
	csv->stats->rows++;
	if ((csv->kind == AWS_OFFER_EC2 ? ec2_record(csv) : transfer_record(csv)) < 0)
		csv->failed = true;
}

static void aws_csv_reset_state(struct aws_csv *csv)
{
	csv->line = 0;
	csv->next_line = 1;
	csv->record_newlines = 0;
	csv->field = 0;
	csv->header_seen = false;
	csv->header_fields = 0;
	csv->format_checked = false;
	csv->failed = false;
	strbuf_reset(&csv->first_field);
	strbuf_reset(&csv->second_field);
	for (size_t i = 0; i < csv->nterms; i++)
		free(csv->terms[i].key);
	csv->nterms = 0;
	for (size_t i = 0; i < csv->ntiers; i++)
		free(csv->tiers[i].scope);
	csv->ntiers = 0;
}

struct aws_csv *aws_csv_new(enum aws_offer_kind kind, const struct fetch_config *config,
			    const char *source, const struct fetch_sink *sink,
			    struct fetch_stats *stats, struct aws_catalog *catalog)
{
	struct aws_csv *csv = xcalloc(1, sizeof(*csv));

	if (csv_init(&csv->parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(csv);
		error_set("cannot initialise the CSV parser");
		return NULL;
	}
	csv->kind = kind;
	csv->config = config;
	csv->source = xstrdup(source);
	csv->next_line = 1;
	csv->sink = sink;
	csv->stats = stats;
	csv->rows_before = stats->rows;
	csv->catalog = catalog;
	for (int c = 0; c < NCOLUMNS; c++)
		strbuf_init(&csv->values[c], 0);
	strbuf_init(&csv->first_field, 0);
	strbuf_init(&csv->second_field, 0);
	return csv;
}

int aws_csv_push(struct aws_csv *csv, const char *data, size_t len)
{
	if (csv->failed)
		return -1;
	if (csv_parse(&csv->parser, data, len, on_field, on_record, csv) != len) {
		csv->line = csv->next_line;   /* the record being read */
		csv_fail(csv, "CSV syntax: %s", csv_strerror(csv_error(&csv->parser)));
		return -1;
	}
	return csv->failed ? -1 : 0;
}

int aws_csv_finish(struct aws_csv *csv)
{
	if (csv->failed)
		return -1;
	if (csv_fini(&csv->parser, on_field, on_record, csv) != 0) {
		csv->line = csv->next_line;
		csv_fail(csv, "CSV syntax at the end: %s (a truncated file?)",
			 csv_strerror(csv_error(&csv->parser)));
		return -1;
	}
	if (csv->failed)
		return -1;
	if (!csv->header_seen) {
		csv_fail(csv, "%s", "no header row: an empty or truncated file");
		return -1;
	}
	csv->stats->pages++;
	if (csv->kind == AWS_OFFER_EC2)
		return flush_reserved(csv);
	return flush_tiers(csv);
}

void aws_csv_restart(struct aws_csv *csv)
{
	csv_free(&csv->parser);
	csv_init(&csv->parser, CSV_STRICT | CSV_STRICT_FINI);
	aws_csv_reset_state(csv);
	csv->stats->rows = csv->rows_before;
}

void aws_csv_free(struct aws_csv *csv)
{
	if (!csv)
		return;
	csv_free(&csv->parser);
	aws_csv_reset_state(csv);
	for (int c = 0; c < NCOLUMNS; c++)
		strbuf_release(&csv->values[c]);
	strbuf_release(&csv->first_field);
	strbuf_release(&csv->second_field);
	free(csv->field_column);
	free(csv->terms);
	free(csv->tiers);
	free(csv->source);
	free(csv);
}

/* ---- Spot: the price feed and the Spot Instance Advisor ---- */

/* The spot feed still names regions the way EC2 did before region codes. */
static const struct { const char *legacy, *code; } aws_spot_regions[] = {
	{ "us-east", "us-east-1" }, { "us-west", "us-west-1" }, { "eu-ireland", "eu-west-1" },
	{ "apac-sin", "ap-southeast-1" }, { "apac-syd", "ap-southeast-2" },
	{ "apac-tokyo", "ap-northeast-1" },
};

static const char *spot_region_code(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(aws_spot_regions); i++)
		if (strcmp(aws_spot_regions[i].legacy, name) == 0)
			return aws_spot_regions[i].code;
	return name;
}

/* Interruption frequency of the Advisor's bucket "r" (labels from its "ranges"). */
static const char *const aws_interruption_labels[] = { "<5%", "5-10%", "10-15%", "15-20%", ">20%" };

static int spot_interruption_bucket(json_t *advisor, const char *region, const char *instance)
{
	json_t *entry = json_object_get(json_object_get(json_object_get(
		json_object_get(advisor, "spot_advisor"), region), "Linux"), instance);
	json_t *r = json_object_get(entry, "r");

	if (!json_is_integer(r) || json_integer_value(r) < 0 ||
	    json_integer_value(r) >= (json_int_t)ARRAY_SIZE(aws_interruption_labels))
		return -1;
	return (int)json_integer_value(r);
}

/* spot.js wraps the JSON in "callback( ... );": accept both shapes. */
static json_t *load_spot_feed(const char *text, size_t len, json_error_t *jerr)
{
	const char *open = memchr(text, '(', len < 64 ? len : 64);

	if (open && memchr(text, '{', len) > (const void *)open) {
		const char *close = text + len;

		while (close > open && close[-1] != ')')
			close--;
		if (close > open + 1)
			return json_loadb(open + 1, (size_t)(close - 1 - (open + 1)), 0, jerr);
	}
	return json_loadb(text, len, 0, jerr);
}

static int spot_size(const struct aws_catalog *catalog, json_t *advisor, json_t *size,
		     const char *region, const struct fetch_config *config, const char *source,
		     const struct fetch_sink *sink, struct fetch_stats *stats)
{
	const char *instance = json_string_value(json_object_get(size, "size"));
	json_t *columns = json_object_get(size, "valueColumns"), *column;
	struct strbuf note = STRBUF_INIT;
	size_t i, index;
	int result = 0;

	if (!instance)
		return 0;
	index = catalog_find(catalog, instance, region);
	if (index == (size_t)-1)
		return 0;   /* not an instance we kept from the EC2 file here */
	json_array_foreach(columns, i, column) {
		const struct aws_instance *it = &catalog->items[index];
		const char *text = json_string_value(json_object_get(
			json_object_get(column, "prices"), "USD"));
		int bucket = spot_interruption_bucket(advisor, region, instance);
		static const double bucket_rates[] = AWS_SPOT_BUCKET_RATES;
		double price;

		if (strcmp(json_string_value(json_object_get(column, "name")) ?
			   json_string_value(json_object_get(column, "name")) : "", "linux") != 0)
			continue;
		if (!text || !fetch_parse_price(text, &price) || price <= 0)
			continue;   /* "N/A*": not offered as spot there */
		strbuf_reset(&note);
		if (bucket >= 0)
			strbuf_addf(&note, "interruption %s per month (Spot Advisor bucket %d)",
				    aws_interruption_labels[bucket], bucket);
		if (it->on_demand_per_hour > 0 && price > it->on_demand_per_hour)
			strbuf_addf(&note, "%sspot above on-demand (%g)", note.len ? "; " : "",
				    it->on_demand_per_hour);
		{
			struct offer o = {
				.provider = "aws", .region = it->region,
				.instance_type = it->instance_type, .component = "instance",
				.accelerator = (char *)it->accelerator,
				.accelerator_count = it->count, .vcpus = it->vcpus,
				.memory_gib = it->memory_gib, .purchase = "spot",
				.price_per_hour = price, .currency = "USD",
				.observed = (char *)config->observed, .source = (char *)source,
				.confidence = "exact", .note = note.len ? note.buf : NULL,
				.interruptions_per_month = bucket >= 0 ? bucket_rates[bucket] : NAN,
			};

			if (fetch_emit_offer(sink, stats, &o) < 0) {
				result = -1;
				break;
			}
		}
	}
	strbuf_release(&note);
	return result;
}

int aws_spot_parse(const struct aws_catalog *catalog, const char *spot_json,
		      size_t spot_len, const char *advisor_json, size_t advisor_len,
		      const struct fetch_config *config, const char *source,
		      const struct fetch_sink *sink, struct fetch_stats *stats)
{
	json_error_t jerr;
	json_t *feed = load_spot_feed(spot_json, spot_len, &jerr);
	json_t *advisor = NULL, *regions, *region, *type, *size;
	size_t i, j, k;
	int result = -1;

	if (!feed) {
		error_set("%s:%d:%d: malformed JSON: %s", source, jerr.line, jerr.column, jerr.text);
		goto cleanup;
	}
	advisor = json_loadb(advisor_json, advisor_len, 0, &jerr);
	if (!advisor) {
		error_set("spot advisor data:%d:%d: malformed JSON: %s", jerr.line, jerr.column,
			  jerr.text);
		goto cleanup;
	}
	regions = json_object_get(json_object_get(feed, "config"), "regions");
	if (!json_is_array(regions)) {
		error_set("%s: not a spot price feed (no config.regions)", source);
		goto cleanup;
	}
	json_array_foreach(regions, i, region) {
		const char *name = json_string_value(json_object_get(region, "region"));
		const char *code = name ? spot_region_code(name) : NULL;

		if (!code || !fetch_region_wanted(config, code))
			continue;
		json_array_foreach(json_object_get(region, "instanceTypes"), j, type) {
			json_array_foreach(json_object_get(type, "sizes"), k, size) {
				stats->rows++;
				if (spot_size(catalog, advisor, size, code, config, source, sink,
					      stats) < 0)
					goto cleanup;
			}
		}
	}
	stats->pages++;
	result = 0;
cleanup:
	json_decref(feed);
	json_decref(advisor);
	return result;
}


/* ---- The whole AWS fetch ---- */

static const char *aws_endpoint(void)
{
	return fetch_endpoint("AICOST_AWS_ENDPOINT", AWS_ENDPOINT);
}

/* The index URLs are relative ("/offers/v1.0/..."): resolve against the endpoint. */
static void aws_url(struct strbuf *url, const char *path)
{
	strbuf_reset(url);
	if (str_starts_with(path, "http://") || str_starts_with(path, "https://")) {
		strbuf_adds(url, path);
		return;
	}
	strbuf_adds(url, aws_endpoint());
	while (url->len && url->buf[url->len - 1] == '/')
		strbuf_setlen(url, url->len - 1);
	if (path[0] != '/')
		strbuf_addch(url, '/');
	strbuf_adds(url, path);
}

void fetch_aws_head_key(const struct fetch_config *config, struct strbuf *key)
{
	/* The offer index covers every region: the key names the regions asked for. */
	aws_url(key, AWS_OFFER_INDEX);
	fetch_key_add_regions(config, key);
}

static json_t *load_json(const struct strbuf *body, const char *url)
{
	json_error_t jerr;
	json_t *root = json_loadb(body->buf, body->len, 0, &jerr);

	if (!root)
		error_set("%s:%d:%d: malformed JSON: %s", url, jerr.line, jerr.column, jerr.text);
	return root;
}

/* offers.<CODE>.currentRegionIndexUrl of the offer index. */
static int region_index_url(json_t *offer_index, const char *offer_code, const char *index_url,
			    struct strbuf *url)
{
	const char *path = json_string_value(json_object_get(json_object_get(
		json_object_get(offer_index, "offers"), offer_code), "currentRegionIndexUrl"));

	if (!path) {
		error_set("%s: offer %s has no currentRegionIndexUrl", index_url, offer_code);
		return -1;
	}
	aws_url(url, path);
	return 0;
}

static int csv_body(void *ctx, const char *data, size_t len)
{
	return aws_csv_push(ctx, data, len);
}

static void csv_restart(void *ctx)
{
	aws_csv_restart(ctx);
}

/* Streams one region's CSV of OFFER_CODE through the push parser. */
static int fetch_region_csv(enum aws_offer_kind kind, json_t *region_index,
			    const char *region_index_url, const char *region,
			    const struct fetch_config *config, const struct fetch_sink *sink,
			    struct fetch_result *result, struct aws_catalog *catalog)
{
	const char *path = json_string_value(json_object_get(json_object_get(
		json_object_get(region_index, "regions"), region), "currentVersionUrl"));
	struct strbuf url = STRBUF_INIT, label = STRBUF_INIT;
	struct http_response resp;
	struct aws_csv *csv = NULL;
	int ret = -1;

	http_response_init(&resp);
	if (!path) {
		error_set("region %s is not in %s", region, region_index_url);
		goto cleanup;
	}
	aws_url(&url, path);
	/* The region index points at the JSON offer; the CSV sits beside it. */
	if (str_ends_with(url.buf, ".json"))
		strbuf_setlen(&url, url.len - strlen(".json"));
	if (!str_ends_with(url.buf, ".csv"))
		strbuf_adds(&url, ".csv");
	strbuf_addf(&label, "%s %s CSV", region,
		    kind == AWS_OFFER_EC2 ? "EC2" : "data transfer");
	csv = aws_csv_new(kind, config, url.buf, sink, &result->stats, catalog);
	if (!csv)
		goto cleanup;
	{
		/* A cut transfer starts the file again: the offers it already gave the sink
		 * come again, identical (the URL names a fixed version), and the sink keeps
		 * one of each; reserved terms and tiers are only handed over at the end. */
		struct http_request req = {
			.url = url.buf, .label = label.buf, .on_body = csv_body,
			.on_restart = csv_restart, .ctx = csv,
		};

		if (http_get(config->http, &req, &resp) < 0)
			goto cleanup;
	}
	result->stats.requests++;
	result->stats.bytes += resp.body_bytes;
	if (aws_csv_finish(csv) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	aws_csv_free(csv);
	http_response_release(&resp);
	strbuf_release(&url);
	strbuf_release(&label);
	return ret;
}

static int fetch_offer_regions(enum aws_offer_kind kind, json_t *offer_index,
			       const char *index_url, const struct fetch_config *config,
			       const struct fetch_sink *sink, struct fetch_result *result,
			       struct aws_catalog *catalog)
{
	const char *code = kind == AWS_OFFER_EC2 ? "AmazonEC2" : "AWSDataTransfer";
	struct strbuf url = STRBUF_INIT, body = STRBUF_INIT;
	json_t *region_index = NULL;
	int ret = -1;

	if (region_index_url(offer_index, code, index_url, &url) < 0 ||
	    fetch_get_page(config, false, url.buf, code, &body, result) < 0)
		goto cleanup;
	region_index = load_json(&body, url.buf);
	if (!region_index)
		goto cleanup;
	for (size_t i = 0; i < config->nregions; i++)
		if (fetch_region_csv(kind, region_index, url.buf, config->regions[i], config,
				     sink, result, catalog) < 0)
			goto cleanup;
	ret = 0;
cleanup:
	json_decref(region_index);
	strbuf_release(&url);
	strbuf_release(&body);
	return ret;
}

static void spot_url(struct strbuf *url)
{
	const char *endpoint = getenv("AICOST_AWS_SPOT_ENDPOINT");

	strbuf_reset(url);
	strbuf_addf(url, "%s/spot.json", endpoint && *endpoint ? endpoint : AWS_SPOT_ENDPOINT);
}

/* The spot feed (SPOT when already fetched, else fetched now) and the Advisor. */
static int fetch_spot(const struct fetch_config *config, const struct fetch_sink *sink,
		      struct fetch_result *result, const struct aws_catalog *catalog,
		      struct strbuf *spot)
{
	const char *endpoint = getenv("AICOST_AWS_SPOT_ENDPOINT");
	struct strbuf url = STRBUF_INIT, advisor_url = STRBUF_INIT, advisor = STRBUF_INIT;
	int ret = -1;

	spot_url(&url);
	/* One override serves both files, as a mirror would. */
	if (endpoint && *endpoint)
		strbuf_addf(&advisor_url, "%s/spot-advisor-data.json", endpoint);
	else
		strbuf_adds(&advisor_url, AWS_SPOT_ADVISOR_URL);
	if ((!spot->len &&
	     fetch_get_keyed(config, url.buf, false, url.buf, "spot prices", spot, result) < 0) ||
	    fetch_get_page(config, false, advisor_url.buf, "spot advisor", &advisor, result) < 0)
		goto cleanup;
	ret = aws_spot_parse(catalog, spot->buf, spot->len, advisor.buf, advisor.len, config,
			     url.buf, sink, &result->stats);
cleanup:
	strbuf_release(&url);
	strbuf_release(&advisor_url);
	strbuf_release(&advisor);
	return ret;
}

int fetch_aws(const struct fetch_config *config, const struct fetch_sink *sink,
	      struct fetch_result *result)
{
	struct strbuf url = STRBUF_INIT, body = STRBUF_INIT, spot = STRBUF_INIT;
	struct strbuf feed_url = STRBUF_INIT;
	struct aws_catalog *catalog = aws_catalog_new();
	json_t *offer_index = NULL;
	int got, ret = -1;

	fetch_aws_head_key(config, &result->head_key);
	aws_url(&url, AWS_OFFER_INDEX);
	got = fetch_get_page(config, true, url.buf, "offer index", &body, result);
	if (got < 0)
		goto cleanup;
	if (got > 0) {
		/* The index covers the bulk offers, not the spot feed, which moves far more
		 * often: unchanged only when the feed says so too. */
		spot_url(&feed_url);
		got = fetch_get_keyed(config, feed_url.buf, true, feed_url.buf, "spot prices",
				      &spot, result);
		if (got != 0) {
			ret = got > 0 ? 0 : -1;   /* both 304: nothing changed */
			goto cleanup;
		}
		result->unchanged = false;
		if (fetch_get_page(config, false, url.buf, "offer index", &body, result) < 0)
			goto cleanup;
	}
	offer_index = load_json(&body, url.buf);
	if (!offer_index)
		goto cleanup;
	if (fetch_offer_regions(AWS_OFFER_EC2, offer_index, url.buf, config, sink, result,
				catalog) < 0 ||
	    fetch_offer_regions(AWS_OFFER_DATA_TRANSFER, offer_index, url.buf, config, sink,
				result, catalog) < 0 ||
	    fetch_spot(config, sink, result, catalog, &spot) < 0)
		goto cleanup;
	ret = 0;
cleanup:
	if (ret < 0)
		error_prefix("aws: ");
	json_decref(offer_index);
	aws_catalog_free(catalog);
	strbuf_release(&url);
	strbuf_release(&body);
	strbuf_release(&spot);
	strbuf_release(&feed_url);
	return ret;
}
