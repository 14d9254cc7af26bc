/*
 * The SkyPilot catalog importer: its vms.csv files (one cloud each, the cloud named by
 * the caller) into one store snapshot of what aicost prices: GPU and TPU rows, and the
 * CPU series the live fetcher of that cloud keeps. GCP hosts and their GPUs, priced
 * on separate rows, are joined into whole machines; a region's zones are folded into
 * one offer per instance type and purchase option (the lowest price).
 */
#include "skypilot.h"
#include "csvfile.h"
#include "fetch.h"
#include "gcp-machines.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* A component of the store's offers table; compared by address once interned. */
static const char COMPONENT_INSTANCE[] = "instance";
static const char COMPONENT_HOST[] = "host";
static const char COMPONENT_ACCELERATOR[] = "accelerator";
static const char PURCHASE_ON_DEMAND[] = "on-demand";
static const char PURCHASE_SPOT[] = "spot";

/*
 * The names an import repeats on thousands of rows (regions, zones, instance types,
 * chips), each stored once in blocks that live as long as the import: a row costs
 * no allocation of its own, and equal names are the same pointer.
 */
struct sky_names {
	struct str_index index;
	const char **items;          /* by the index's value */
	size_t n, alloc;
	char **blocks;
	size_t nblocks, blocks_alloc, used, size;
};

#define SKY_NAMES_BLOCK 65536

/* TEXT's one copy; *IS_NEW (if not NULL) says whether it was seen before. */
static const char *sky_name(struct sky_names *names, const char *text, bool *is_new)
{
	size_t len = strlen(text) + 1, found;
	char *copy;

	if (names->used + len > names->size) {
		names->size = len > SKY_NAMES_BLOCK ? len : SKY_NAMES_BLOCK;
		names->used = 0;
		xgrow(&names->blocks, &names->blocks_alloc, names->nblocks + 1,
		      sizeof(*names->blocks));
		names->blocks[names->nblocks++] = xmalloc(names->size);
	}
	copy = names->blocks[names->nblocks - 1] + names->used;
	memcpy(copy, text, len);
	found = str_index_add(&names->index, copy, names->n);
	if (is_new)
		*is_new = found == SIZE_MAX;
	if (found != SIZE_MAX)
		return names->items[found];   /* the copy's bytes are reused */
	names->used += len;
	xgrow(&names->items, &names->alloc, names->n + 1, sizeof(*names->items));
	names->items[names->n++] = copy;
	return copy;
}

static void sky_names_release(struct sky_names *names)
{
	for (size_t i = 0; i < names->nblocks; i++)
		free(names->blocks[i]);
	free(names->blocks);
	free(names->items);
	str_index_release(&names->index);
	memset(names, 0, sizeof(*names));
}

/*
 * One row kept: a whole instance, a host VM or an accelerator priced on top of one.
 * The strings are sky_names'.
 */
struct sky_part {
	const char *label;           /* the offer's instance_type: machine type, slice, chip:N */
	const char *component;       /* COMPONENT_* */
	const char *accelerator;     /* canonical; NULL for CPU machines */
	const char *region, *zone;   /* zone NULL when the file names none */
	const char *note;
	int count;
	double vcpus, memory_gib;
	double price, spot;          /* NAN when absent or skipped */
	long line;                   /* where it was read (0: joined from two rows) */
};

/* One price of a part: what the store gets, once a region's zones are folded. */
struct sky_offer {
	const struct sky_part *part;
	const char *purchase;        /* PURCHASE_* */
	double price;
	size_t order;                /* place in the file: ties keep the first */
};

struct sky_importer {
	struct db *db;
	const char *provider;
	const char *source;
	char observed[16];
	int64_t snapshot;
	bool have_header;
	int col_instance, col_accelerator, col_count, col_vcpus, col_memory, col_gpu_info,
	    col_region, col_zone, col_price, col_spot;
	struct sky_names names;
	struct sky_part *parts;
	size_t nparts, parts_alloc;
	struct strbuf key;           /* a row's region, zone, label and component */
	struct import_stats *stats;
	/* sky_accelerator's last answer: a chip's rows come one region after another. */
	const char *memo_name, *memo_result;
	int memo_memory_gib;
	bool memo_unknown;
	/* sky_cpu_component's, for the same reason */
	const char *cpu_memo_name, *cpu_memo_component;
};

static int header_index_ci(const struct csv_record *header, const char *name)
{
	for (size_t i = 0; i < header->n; i++)
		if (str_ieq(header->fields[i], name))
			return (int)i;
	return -1;
}

static int sky_header(struct sky_importer *s, const struct csv_record *h)
{
	s->col_instance = header_index_ci(h, "InstanceType");
	s->col_accelerator = header_index_ci(h, "AcceleratorName");
	s->col_count = header_index_ci(h, "AcceleratorCount");
	s->col_vcpus = header_index_ci(h, "vCPUs");
	s->col_memory = header_index_ci(h, "MemoryGiB");
	s->col_gpu_info = header_index_ci(h, "GpuInfo");
	s->col_region = header_index_ci(h, "Region");
	s->col_zone = header_index_ci(h, "AvailabilityZone");
	s->col_price = header_index_ci(h, "Price");
	s->col_spot = header_index_ci(h, "SpotPrice");
	if (s->col_instance < 0 || s->col_region < 0 || (s->col_price < 0 && s->col_spot < 0)) {
		error_set("%s:%ld: not a SkyPilot catalog: the header needs InstanceType, Region "
			  "and Price or SpotPrice", h->file, h->line);
		return -1;
	}
	s->have_header = true;
	return 0;
}

/*
 * "{'Gpus': [{'MemoryInfo': {'SizeInMiB': 40960}}]}" -> 40 (GiB) in *GIB; 0 when
 * absent. A size outside what any accelerator has (1 MiB to 4 TiB) is an error.
 */
static int gpu_info_memory_gib(const struct csv_record *r, int col, int *gib)
{
	const char *info = csv_text(r, col);
	const char *p = strstr(info, "SizeInMiB");
	char *end;
	double mib;

	*gib = 0;
	if (!p)
		return 0;
	p += strlen("SizeInMiB");
	while (*p && !isdigit((unsigned char)*p) && *p != '-')
		p++;
	/* As a double: a 9223372036854775807 must not overflow on its way to GiB. */
	mib = c_strtod(p, &end);
	if (end == p || !(mib >= 1 && mib <= 4194304))
		return csv_field_error(r, (size_t)col, "GpuInfo", "SizeInMiB %.*s is not a memory "
				       "size any accelerator has (1 MiB to 4 TiB)",
				       (int)strcspn(p, ",}]' "), p);
	*gib = (int)((mib + 512) / 1024);
	return 0;
}

/* Canonical name for a SkyPilot accelerator; unknown chips keep their own name. */
static const char *sky_accelerator(struct sky_importer *s, const char *name, int memory_gib)
{
	struct accelerator acc;

	if (s->memo_name && strcmp(s->memo_name, name) == 0 && s->memo_memory_gib == memory_gib) {
		s->stats->unknown_accelerators += s->memo_unknown;
		return s->memo_result;
	}
	s->memo_name = sky_name(&s->names, name, NULL);
	s->memo_memory_gib = memory_gib;
	s->memo_unknown = false;
	if (db_find_accelerator(s->db, name, &acc) < 0) {
		error_clear();
		s->stats->unknown_accelerators++;
		s->memo_unknown = true;
		s->memo_result = s->memo_name;
		return s->memo_result;
	}
	if (acc.ambiguous && memory_gib > 0) {
		/* "A100" with 40960 MiB is the A100-40GB, not the default 80 GB part. */
		struct strbuf precise = STRBUF_INIT;
		struct accelerator better;

		strbuf_addf(&precise, "%s-%dGB", name, memory_gib);
		if (db_find_accelerator(s->db, precise.buf, &better) == 0) {
			accelerator_release(&acc);
			acc = better;
		} else {
			error_clear();
		}
		strbuf_release(&precise);
	}
	s->memo_result = sky_name(&s->names, acc.name, NULL);
	accelerator_release(&acc);
	return s->memo_result;
}

/* A price field: NAN when empty; error for text that is not a non-negative number. */
static int sky_price(const struct csv_record *r, int col, const char *name, double *out)
{
	return csv_number(r, col, name, false, NAN, out);
}

/* Placeholders: no accelerator rents for over 100 an hour; 700.0 marks unpriced TPUs. */
static bool sky_placeholder(double price, int accelerators, bool tpu_slice)
{
	return !isnan(price) && accelerators > 0 &&
	       (price / accelerators > 100 || (tpu_slice && price == 700.0));
}

/*
 * What a row with an instance type and no accelerator is: the VM part of a Google
 * Cloud GPU machine (a host, joined with its GPU row later), a CPU machine of the
 * series the live fetcher keeps (a whole instance: data pipelines are priced on
 * them), or nothing aicost prices (NULL).
 */
static const char *sky_cpu_component(struct sky_importer *s, const char *instance)
{
	const struct gcp_family *family;

	if (s->cpu_memo_name && strcmp(s->cpu_memo_name, instance) == 0)
		return s->cpu_memo_component;
	s->cpu_memo_name = sky_name(&s->names, instance, NULL);
	if (gcp_machine_gpus(instance, &family) > 0)
		s->cpu_memo_component = COMPONENT_HOST;
	else if (fetch_cpu_instance_kept(s->provider, instance))
		s->cpu_memo_component = COMPONENT_INSTANCE;
	else
		s->cpu_memo_component = NULL;
	return s->cpu_memo_component;
}

/* Keeps PART, unless the file had its region, zone, instance and component before. */
static void sky_keep(struct sky_importer *s, struct sky_part *part)
{
	bool is_new;

	strbuf_reset(&s->key);
	strbuf_adds(&s->key, part->region);
	strbuf_addch(&s->key, '\x1f');
	if (part->zone)
		strbuf_adds(&s->key, part->zone);
	strbuf_addch(&s->key, '\x1f');
	strbuf_adds(&s->key, part->label);
	strbuf_addch(&s->key, '\x1f');
	strbuf_adds(&s->key, part->component);
	sky_name(&s->names, s->key.buf, &is_new);
	if (!is_new) {
		s->stats->skipped_duplicate++;
		return;
	}
	xgrow(&s->parts, &s->parts_alloc, s->nparts + 1, sizeof(*s->parts));
	s->parts[s->nparts++] = *part;
}

static int sky_row(struct sky_importer *s, const struct csv_record *r)
{
	struct sky_part part = { 0 };
	const char *instance = csv_text(r, s->col_instance);
	const char *accelerator = csv_text(r, s->col_accelerator);
	const char *tpu_accelerator = NULL;
	const char *zone = csv_text(r, s->col_zone);
	double count = 0;
	int chips = -1, memory_gib;

	s->stats->rows++;
	if (*csv_text(r, s->col_region) == '\0')
		return csv_field_error(r, (size_t)s->col_region, "Region", "must not be empty");
	if (!*instance && !*accelerator)
		return csv_field_error(r, (size_t)s->col_instance, "InstanceType",
				       "the row names neither an instance type nor an accelerator");
	if (sky_price(r, s->col_price, "Price", &part.price) < 0 ||
	    sky_price(r, s->col_spot, "SpotPrice", &part.spot) < 0 ||
	    csv_number(r, s->col_count, "AcceleratorCount", false, 0, &count) < 0 ||
	    csv_number(r, s->col_vcpus, "vCPUs", false, 0, &part.vcpus) < 0 ||
	    csv_number(r, s->col_memory, "MemoryGiB", false, 0, &part.memory_gib) < 0 ||
	    gpu_info_memory_gib(r, s->col_gpu_info, &memory_gib) < 0)
		return -1;
	if (count != floor(count)) {
		/* Azure rents slices of a GPU (NV6ads_A10_v5: 1/6); offers count whole chips. */
		s->stats->skipped_fractional++;
		return 0;
	}
	if (isnan(part.price) && isnan(part.spot)) {
		s->stats->skipped_no_price++;
		return 0;
	}
	part.count = (int)count;
	part.line = r->line;
	if (*accelerator && !*instance)
		chips = tpu_slice_chips(accelerator, &tpu_accelerator);
	if (chips > 0) {
		/* A TPU slice is priced whole: it is the instance. */
		part.accelerator = sky_name(&s->names, tpu_accelerator, NULL);
		part.count = chips;
		part.component = COMPONENT_INSTANCE;
		part.label = sky_name(&s->names, accelerator, NULL);
	} else if (*accelerator) {
		part.accelerator = sky_accelerator(s, accelerator, memory_gib);
		part.component = *instance ? COMPONENT_INSTANCE : COMPONENT_ACCELERATOR;
	} else {
		part.component = sky_cpu_component(s, instance);
		if (!part.component) {
			s->stats->skipped_cpu++;
			return 0;
		}
	}
	if (sky_placeholder(part.price, part.count, chips > 0)) {
		s->stats->skipped_placeholder++;
		part.price = NAN;
	}
	if (sky_placeholder(part.spot, part.count, chips > 0)) {
		s->stats->skipped_placeholder++;
		part.spot = NAN;
	}
	if (!isnan(part.price) && !isnan(part.spot) && part.spot > part.price) {
		s->stats->skipped_spot_above++;
		part.spot = NAN;
	}
	if (isnan(part.price) && isnan(part.spot))
		return 0;
	if (!part.label && *instance) {
		part.label = sky_name(&s->names, instance, NULL);
	} else if (!part.label) {
		strbuf_reset(&s->key);
		strbuf_addf(&s->key, "%s:%d", part.accelerator, part.count);
		part.label = sky_name(&s->names, s->key.buf, NULL);
	}
	part.region = sky_name(&s->names, csv_text(r, s->col_region), NULL);
	part.zone = *zone ? sky_name(&s->names, zone, NULL) : NULL;
	sky_keep(s, &part);
	return 0;
}

static int sky_record(const struct csv_record *r, void *ctx)
{
	struct sky_importer *s = ctx;

	if (!s->have_header)
		return sky_header(s, r);
	return sky_row(s, r);
}

/*
 * GCP hosts with built-in GPUs + the GPU row of the same zone = the whole machine's
 * price, added as an instance part (the two parts stay as well).
 */
static void sky_combine(struct sky_importer *s)
{
	size_t n = s->nparts;

	for (size_t h = 0; h < n; h++) {
		const struct gcp_family *family;
		struct sky_part host = s->parts[h];   /* parts may move as joined ones are added */
		int gpus;

		if (host.component != COMPONENT_HOST ||
		    (gpus = gcp_machine_gpus(host.label, &family)) <= 0)
			continue;
		for (size_t a = 0; a < n; a++) {
			const struct sky_part *acc = &s->parts[a];
			struct sky_part whole = host;
			struct strbuf note = STRBUF_INIT;

			if (acc->component != COMPONENT_ACCELERATOR || acc->count != gpus ||
			    acc->region != host.region || acc->zone != host.zone ||
			    strcmp(acc->accelerator, family->accelerator) != 0)
				continue;
			whole.component = COMPONENT_INSTANCE;
			whole.accelerator = acc->accelerator;
			whole.count = acc->count;
			whole.line = 0;
			/* NAN if either is missing; rounded to the 10 decimals prices come in. */
			whole.price = round((host.price + acc->price) * 1e10) / 1e10;
			whole.spot = round((host.spot + acc->spot) * 1e10) / 1e10;
			strbuf_addf(&note, "host VM + %s:%d priced separately", acc->accelerator,
				    acc->count);
			whole.note = sky_name(&s->names, note.buf, NULL);
			strbuf_release(&note);
			xgrow(&s->parts, &s->parts_alloc, s->nparts + 1, sizeof(*s->parts));
			s->parts[s->nparts++] = whole;
			s->stats->combined++;
			break;
		}
	}
}

static int compare_names(const char *a, const char *b)
{
	return a == b ? 0 : strcmp(a ? a : "", b ? b : "");
}

/* The same offer in every zone of a region next to each other, cheapest first. */
static int fold_order(const void *pa, const void *pb)
{
	const struct sky_offer *a = pa, *b = pb;
	int c;

	if ((c = compare_names(a->part->region, b->part->region)) != 0 ||
	    (c = compare_names(a->part->label, b->part->label)) != 0 ||
	    (c = compare_names(a->part->component, b->part->component)) != 0 ||
	    (c = compare_names(a->purchase, b->purchase)) != 0)
		return c;
	if (a->price != b->price)
		return a->price < b->price ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static bool same_offer(const struct sky_offer *a, const struct sky_offer *b)
{
	return a->part->region == b->part->region && a->part->label == b->part->label &&
	       a->part->component == b->part->component && a->purchase == b->purchase;
}

/* The order of the store's unique key: each insert lands next to the one before. */
static int store_order(const void *pa, const void *pb)
{
	const struct sky_offer *a = pa, *b = pb;
	int c;

	if ((c = compare_names(a->part->region, b->part->region)) != 0 ||
	    (c = compare_names(a->part->zone, b->part->zone)) != 0 ||
	    (c = compare_names(a->part->label, b->part->label)) != 0 ||
	    (c = compare_names(a->part->component, b->part->component)) != 0)
		return c;
	return compare_names(a->purchase, b->purchase);
}

/* The offer SO stores (its texts are the importer's). */
static void sky_offer_fill(struct sky_importer *s, const struct sky_offer *so,
			   struct offer *out)
{
	const struct sky_part *part = so->part;
	struct offer o = { 0 };

	o.provider = (char *)s->provider;
	o.region = (char *)part->region;
	o.zone = (char *)part->zone;
	o.instance_type = (char *)part->label;
	o.component = (char *)part->component;
	o.accelerator = (char *)part->accelerator;
	o.accelerator_count = part->count;
	o.vcpus = part->vcpus;
	o.memory_gib = part->memory_gib;
	o.purchase = (char *)so->purchase;
	o.price_per_hour = so->price;
	o.currency = "USD";
	o.observed = s->observed;
	o.source = (char *)s->source;
	o.confidence = "exact";
	o.note = (char *)part->note;
	o.interruptions_per_month = NAN;   /* SkyPilot's catalog carries no rate */
	*out = o;
}

/*
 * Every price kept, one per instance type, region and purchase option: of a region's
 * zones the lowest price (the first zone in the file that has it) is stored.
 */
static int sky_store_all(struct sky_importer *s, const char *path)
{
	struct sky_offer *offers = xcalloc(2 * s->nparts + 1, sizeof(*offers));
	struct offer *rows;
	size_t n = 0, kept = 0, failed = 0;
	int result = 0;

	for (size_t i = 0; i < s->nparts; i++) {
		const struct sky_part *part = &s->parts[i];

		if (!isnan(part->price)) {
			offers[n] = (struct sky_offer){ part, PURCHASE_ON_DEMAND, part->price, n };
			n++;
		}
		if (!isnan(part->spot)) {
			offers[n] = (struct sky_offer){ part, PURCHASE_SPOT, part->spot, n };
			n++;
		}
	}
	sort_array(offers, n, sizeof(*offers), fold_order);
	for (size_t i = 0; i < n; i++) {
		if (kept > 0 && same_offer(&offers[kept - 1], &offers[i])) {
			s->stats->folded++;
			continue;
		}
		offers[kept++] = offers[i];
	}
	sort_array(offers, kept, sizeof(*offers), store_order);
	rows = xcalloc(kept + 1, sizeof(*rows));
	for (size_t i = 0; i < kept; i++)
		sky_offer_fill(s, &offers[i], &rows[i]);
	if (db_snapshot_add_offers(s->db, s->snapshot, rows, kept, &failed) == 0) {
		s->stats->stored += (long)kept;
	} else {
		/* A full disk or a busy store is not the row's fault: say it plainly. */
		if (!db_failed_environment(s->db) && offers[failed].part->line > 0)
			error_prefix("%s:%ld: ", csv_display_name(path), offers[failed].part->line);
		result = -1;
	}
	free(rows);
	free(offers);
	return result;
}

int skypilot_import_file(struct db *db, const char *path, FILE *in, const char *source_label,
			 const char *provider, struct import_stats *stats)
{
	struct sky_importer s = { 0 };
	struct import_stats ignored = { 0 };
	struct stat st;
	time_t when = time(NULL);
	struct tm tm;
	int result = -1;

	s.db = db;
	s.provider = provider;
	s.source = source_label ? source_label : path;
	s.stats = stats ? stats : &ignored;
	strbuf_init(&s.key, 128);
	/* The file does not date its prices: its modification time is the best witness,
	 * unless it is from before 2000 or the future (a clock or archive gone wrong). */
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && st.st_mtime >= 946684800 &&
	    st.st_mtime <= when + 86400)
		when = st.st_mtime;
	gmtime_r(&when, &tm);
	strftime(s.observed, sizeof(s.observed), "%Y-%m-%d", &tm);
	if (db_transaction_begin(db) < 0)
		goto cleanup;
	s.snapshot = db_snapshot_begin(db, provider, s.source);
	if (s.snapshot < 0)
		goto rollback;
	s.stats->snapshots++;
	if ((in ? csv_read_stream(in, path, sky_record, &s) :
	     csv_read_file(path, sky_record, &s)) < 0)
		goto rollback;
	if (!s.have_header) {
		error_set("%s: empty file: expected a SkyPilot catalog header",
			  csv_display_name(path));
		goto rollback;
	}
	sky_combine(&s);
	if (sky_store_all(&s, path) < 0 || db_snapshot_commit(db, s.snapshot) < 0)
		goto rollback;
	if (db_transaction_commit(db) < 0)
		goto cleanup;
	result = 0;
	goto cleanup;
rollback:
	db_transaction_rollback(db);
cleanup:
	free(s.parts);
	sky_names_release(&s.names);
	strbuf_release(&s.key);
	return result;
}
