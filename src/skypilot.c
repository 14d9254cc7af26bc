/*
 * The SkyPilot catalog importer: its vms.csv files (one cloud each, the cloud named by
 * the caller) into one store snapshot. GCP hosts and their GPUs, priced on separate
 * rows, are joined into whole machines.
 */
#include "skypilot.h"
#include "csvfile.h"
#include "gcp-machines.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* One priced part seen in the file, kept for joining hosts with their GPUs. */
struct sky_part {
	char *instance_type;        /* host: machine type */
	char *accelerator;          /* canonical */
	int count;
	char *region, *zone;
	double vcpus, memory_gib;
	double price, spot;         /* NAN when absent or skipped */
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
	struct sky_part *hosts, *accelerators;
	size_t nhosts, hosts_alloc, naccelerators, accelerators_alloc;
	struct import_stats *stats;
	/* sky_accelerator's last answer: a chip's rows come one region after another. */
	char *memo_name, *memo_result;
	int memo_memory_gib;
	bool memo_unknown;
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
static char *sky_accelerator(struct sky_importer *s, const char *name, int memory_gib)
{
	struct accelerator acc;
	char *result;

	if (s->memo_name && strcmp(s->memo_name, name) == 0 && s->memo_memory_gib == memory_gib) {
		s->stats->unknown_accelerators += s->memo_unknown;
		return xstrdup(s->memo_result);
	}
	free(s->memo_name);
	free(s->memo_result);
	s->memo_name = xstrdup(name);
	s->memo_memory_gib = memory_gib;
	s->memo_unknown = false;
	if (db_find_accelerator(s->db, name, &acc) < 0) {
		error_clear();
		s->stats->unknown_accelerators++;
		s->memo_unknown = true;
		s->memo_result = xstrdup(name);
		return xstrdup(name);
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
	result = acc.name;
	acc.name = NULL;
	accelerator_release(&acc);
	s->memo_result = xstrdup(result);
	return result;
}

/* A price field: NAN when empty; error for text that is not a non-negative number. */
static int sky_price(const struct csv_record *r, int col, const char *name, double *out)
{
	return csv_number(r, col, name, false, NAN, out);
}

/* Stores one offer; 1 when the snapshot already had it (a duplicate row). */
static int sky_store(struct sky_importer *s, const struct sky_part *part, const char *component,
		     const char *instance_type, const char *purchase, double price,
		     const char *note)
{
	struct offer o = { 0 };

	o.provider = (char *)s->provider;
	o.region = part->region;
	o.zone = part->zone;
	o.instance_type = (char *)instance_type;
	o.component = (char *)component;
	o.accelerator = part->accelerator;
	o.accelerator_count = part->count;
	o.vcpus = part->vcpus;
	o.memory_gib = part->memory_gib;
	o.purchase = (char *)purchase;
	o.price_per_hour = price;
	o.currency = "USD";
	o.observed = s->observed;
	o.source = (char *)s->source;
	o.confidence = "exact";
	o.note = (char *)note;
	o.interruptions_per_month = NAN;   /* SkyPilot's catalog carries no rate */
	return db_snapshot_add_offer(s->db, s->snapshot, &o);
}

/* Stores the on-demand and spot offers of PART; 1 if both were duplicates. */
static int sky_store_both(struct sky_importer *s, const struct sky_part *part,
			  const char *component, const char *instance_type, const char *note)
{
	int stored = 0, duplicates = 0;
	const double prices[] = { part->price, part->spot };
	const char *const purchases[] = { "on-demand", "spot" };

	for (size_t i = 0; i < 2; i++) {
		int rc;

		if (isnan(prices[i]))
			continue;
		rc = sky_store(s, part, component, instance_type, purchases[i], prices[i], note);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			error_clear();
			duplicates++;
		} else {
			stored++;
		}
	}
	s->stats->stored += stored;
	return stored == 0 && duplicates > 0 ? 1 : 0;
}

/* Placeholders: no accelerator rents for over 100 an hour; 700.0 marks unpriced TPUs. */
static bool sky_placeholder(double price, int accelerators, bool tpu_slice)
{
	return !isnan(price) && accelerators > 0 &&
	       (price / accelerators > 100 || (tpu_slice && price == 700.0));
}

static void sky_part_release(struct sky_part *p)
{
	free(p->instance_type);
	free(p->accelerator);
	free(p->region);
	free(p->zone);
}

static int sky_row(struct sky_importer *s, const struct csv_record *r)
{
	struct sky_part part = { 0 };
	const char *instance = csv_text(r, s->col_instance);
	const char *accelerator = csv_text(r, s->col_accelerator);
	const char *tpu_accelerator = NULL;
	struct strbuf label = STRBUF_INIT;
	double count = 0;
	int rc, result = -1, chips = -1, memory_gib;
	bool keep = false;

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
	part.region = xstrdup(csv_text(r, s->col_region));
	part.zone = *csv_text(r, s->col_zone) ? xstrdup(csv_text(r, s->col_zone)) : NULL;
	part.count = (int)count;
	if (*accelerator && !*instance)
		chips = tpu_slice_chips(accelerator, &tpu_accelerator);
	if (chips > 0) {
		part.accelerator = xstrdup(tpu_accelerator);
		part.count = chips;
	} else if (*accelerator) {
		part.accelerator = sky_accelerator(s, accelerator, memory_gib);
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
	if (isnan(part.price) && isnan(part.spot)) {
		result = 0;
		goto cleanup;
	}
	if (chips > 0) {
		/* A TPU slice is priced whole: it is the instance. */
		rc = sky_store_both(s, &part, "instance", accelerator, NULL);
	} else if (*instance && part.accelerator) {
		rc = sky_store_both(s, &part, "instance", instance, NULL);
	} else if (*instance) {
		part.instance_type = xstrdup(instance);
		rc = sky_store_both(s, &part, "host", instance, NULL);
		keep = rc == 0;
	} else {
		strbuf_addf(&label, "%s:%d", part.accelerator, part.count);
		rc = sky_store_both(s, &part, "accelerator", label.buf, NULL);
		keep = rc == 0;
	}
	if (rc < 0) {
		struct strbuf msg = STRBUF_INIT;

		/* A full disk or a busy store is not the row's fault: say it plainly. */
		strbuf_adds(&msg, error_get());
		if (!db_failed_environment(s->db))
			csv_field_error(r, (size_t)s->col_price, "Price", "%s", msg.buf);
		strbuf_release(&msg);
		goto cleanup;
	}
	if (rc > 0)
		s->stats->skipped_duplicate++;
	if (keep && part.instance_type) {
		xgrow(&s->hosts, &s->hosts_alloc, s->nhosts + 1, sizeof(*s->hosts));
		s->hosts[s->nhosts++] = part;
		memset(&part, 0, sizeof(part));
	} else if (keep) {
		xgrow(&s->accelerators, &s->accelerators_alloc, s->naccelerators + 1,
		      sizeof(*s->accelerators));
		s->accelerators[s->naccelerators++] = part;
		memset(&part, 0, sizeof(part));
	}
	result = 0;
cleanup:
	strbuf_release(&label);
	sky_part_release(&part);
	return result;
}

static int sky_record(const struct csv_record *r, void *ctx)
{
	struct sky_importer *s = ctx;

	if (!s->have_header)
		return sky_header(s, r);
	return sky_row(s, r);
}

static bool same_zone(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* GCP hosts with built-in GPUs + the matching GPU row = the whole machine's price. */
static int sky_combine(struct sky_importer *s)
{
	for (size_t h = 0; h < s->nhosts; h++) {
		const struct sky_part *host = &s->hosts[h];
		const struct gcp_family *family;
		int gpus = gcp_machine_gpus(host->instance_type, &family);

		if (gpus <= 0)
			continue;
		for (size_t a = 0; a < s->naccelerators; a++) {
			const struct sky_part *acc = &s->accelerators[a];
			struct sky_part whole = *host;
			struct strbuf note = STRBUF_INIT;
			int rc;

			if (acc->count != gpus || strcmp(acc->accelerator, family->accelerator) != 0 ||
			    strcmp(acc->region, host->region) != 0 || !same_zone(acc->zone, host->zone))
				continue;
			whole.accelerator = acc->accelerator;
			whole.count = acc->count;
			/* NAN if either is missing; rounded to the 10 decimals prices come in. */
			whole.price = round((host->price + acc->price) * 1e10) / 1e10;
			whole.spot = round((host->spot + acc->spot) * 1e10) / 1e10;
			strbuf_addf(&note, "host VM + %s:%d priced separately", acc->accelerator,
				    acc->count);
			rc = sky_store_both(s, &whole, "instance", host->instance_type, note.buf);
			strbuf_release(&note);
			if (rc < 0)
				return -1;
			if (rc == 0)
				s->stats->combined++;
			break;
		}
	}
	return 0;
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
	/* The file does not date its prices: its modification time is the best witness,
	 * unless it is from before 2000 or the future (a clock or archive gone wrong). */
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && st.st_mtime >= 946684800 &&
	    st.st_mtime <= when + 86400)
		when = st.st_mtime;
	gmtime_r(&when, &tm);
	strftime(s.observed, sizeof(s.observed), "%Y-%m-%d", &tm);
	if (db_transaction_begin(db) < 0)
		return -1;
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
	if (sky_combine(&s) < 0 || db_snapshot_commit(db, s.snapshot) < 0)
		goto rollback;
	if (db_transaction_commit(db) < 0)
		goto cleanup;
	result = 0;
	goto cleanup;
rollback:
	db_transaction_rollback(db);
cleanup:
	for (size_t i = 0; i < s.nhosts; i++)
		sky_part_release(&s.hosts[i]);
	for (size_t i = 0; i < s.naccelerators; i++)
		sky_part_release(&s.accelerators[i]);
	free(s.hosts);
	free(s.accelerators);
	free(s.memo_name);
	free(s.memo_result);
	return result;
}
