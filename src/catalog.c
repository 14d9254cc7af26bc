/* The shipped catalog and the aicost CSV format: locating, loading, importing. */
#include "catalog.h"
#include "csvfile.h"
#include "table.h"
#include "fabric.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef AICOST_DATADIR
#define AICOST_DATADIR "/usr/local/share/aicost"
#endif

static bool catalog_dir_ok(const char *dir)
{
	struct strbuf probe = STRBUF_INIT;
	struct stat st;
	bool ok;

	strbuf_addf(&probe, "%s/accelerators.csv", dir);
	ok = stat(probe.buf, &st) == 0 && S_ISREG(st.st_mode);
	strbuf_release(&probe);
	return ok;
}

int catalog_find_dir(struct strbuf *dir)
{
	const char *env = getenv("AICOST_CATALOG");
	struct strbuf exe = STRBUF_INIT, tried = STRBUF_INIT;
	char *slash;
	ssize_t len;
	int result = -1;

	strbuf_reset(dir);
	if (env && *env) {
		/* An explicit choice that does not work is an error, not a hint. */
		if (catalog_dir_ok(env)) {
			strbuf_adds(dir, env);
			return 0;
		}
		error_set("AICOST_CATALOG=%s: no accelerators.csv there", env);
		return -1;
	}
	strbuf_grow(&exe, PATH_MAX);
	len = readlink("/proc/self/exe", exe.buf, exe.alloc - 1);
	if (len > 0) {
		strbuf_setlen(&exe, (size_t)len);
		slash = strrchr(exe.buf, '/');
		if (slash) {
			/* A source checkout (bin/../pricing), then any install prefix. */
			static const char *const beside[] = { "/../pricing", "/../share/aicost/pricing" };
			size_t bin_len = (size_t)(slash - exe.buf);

			for (size_t i = 0; i < ARRAY_SIZE(beside); i++) {
				strbuf_setlen(&exe, bin_len);
				strbuf_adds(&exe, beside[i]);
				if (catalog_dir_ok(exe.buf)) {
					strbuf_adds(dir, exe.buf);
					result = 0;
					goto cleanup;
				}
				strbuf_addf(&tried, "%s, ", exe.buf);
			}
		}
	}
	if (catalog_dir_ok(AICOST_DATADIR "/pricing")) {
		strbuf_adds(dir, AICOST_DATADIR "/pricing");
		result = 0;
		goto cleanup;
	}
	strbuf_adds(&tried, AICOST_DATADIR "/pricing");
	error_set("cannot find the shipped price catalog (looked in %s); set AICOST_CATALOG "
		  "to the directory holding accelerators.csv", tried.buf);
cleanup:
	strbuf_release(&exe);
	strbuf_release(&tried);
	return result;
}

/* ---- the aicost CSV format: one field table read by import and written by export ---- */

enum field_kind {
	FIELD_TEXT,       /* char * */
	FIELD_INT,        /* int, a whole number */
	FIELD_NUMBER,     /* double; NAN and INFINITY export as empty */
	FIELD_SIZE,       /* double; 0 means "not published" and exports as empty */
	FIELD_ALIASES,    /* struct accelerator's aliases, '|'-separated */
};

enum {
	FIELD_REQUIRED = 1,     /* the header must name it; a number must be given */
	FIELD_NONEMPTY = 2,     /* text that must not be empty */
	FIELD_EMPTY_NULL = 4,   /* empty text is stored as NULL */
};

/* A column of a file, which is also the struct member it is read into and written from. */
struct format_field {
	const char *name;
	enum field_kind kind;
	size_t offset;
	unsigned flags;
	double if_empty;        /* an optional number left empty */
};

#define MAX_COLUMNS 20

struct loader;

struct format_table {
	const char *name;
	const char *marker;                  /* a column only this table has */
	const struct format_field *fields;   /* in the order export writes them */
	size_t nfields;
	/* Checks what the field table cannot and stores the row read into ITEM. */
	int (*store)(struct loader *l, const struct csv_record *r, void *item);
	/* Adds the store's rows of this table to T, a column per field. */
	int (*export)(struct db *db, struct table *t, const struct format_table *spec);
};

#define OFFER(m, kind, flags, if_empty) { #m, kind, offsetof(struct offer, m), flags, if_empty }
static const struct format_field offer_fields[] = {
	OFFER(provider, FIELD_TEXT, FIELD_REQUIRED, 0),
	OFFER(region, FIELD_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, 0),
	OFFER(zone, FIELD_TEXT, 0, 0),
	OFFER(instance_type, FIELD_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, 0),
	OFFER(component, FIELD_TEXT, FIELD_EMPTY_NULL, 0),
	OFFER(accelerator, FIELD_TEXT, FIELD_EMPTY_NULL, 0),
	OFFER(accelerator_count, FIELD_INT, FIELD_REQUIRED, 0),
	OFFER(vcpus, FIELD_SIZE, 0, 0),
	OFFER(memory_gib, FIELD_SIZE, 0, 0),
	OFFER(purchase, FIELD_TEXT, FIELD_REQUIRED, 0),
	OFFER(price_per_hour, FIELD_NUMBER, FIELD_REQUIRED, 0),
	OFFER(currency, FIELD_TEXT, 0, 0),
	OFFER(confidence, FIELD_TEXT, FIELD_REQUIRED, 0),
	OFFER(source, FIELD_TEXT, FIELD_REQUIRED, 0),
	OFFER(observed, FIELD_TEXT, FIELD_REQUIRED, 0),
	OFFER(note, FIELD_TEXT, 0, 0),
	OFFER(interruptions_per_month, FIELD_NUMBER, 0, NAN),
	OFFER(interconnect, FIELD_TEXT, FIELD_EMPTY_NULL, 0),
	OFFER(interconnect_gbps, FIELD_NUMBER, 0, 0),
};

#define ACCELERATOR(m, kind, flags) { #m, kind, offsetof(struct accelerator, m), flags, 0 }
static const struct format_field accelerator_fields[] = {
	ACCELERATOR(name, FIELD_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY),
	ACCELERATOR(aliases, FIELD_ALIASES, 0),
	ACCELERATOR(vendor, FIELD_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY),
	ACCELERATOR(kind, FIELD_TEXT, FIELD_REQUIRED),
	ACCELERATOR(memory_gb, FIELD_NUMBER, FIELD_REQUIRED),
	ACCELERATOR(bf16_tflops, FIELD_NUMBER, FIELD_REQUIRED),
	ACCELERATOR(fp8_tflops, FIELD_SIZE, 0),
	ACCELERATOR(hbm_tbps, FIELD_SIZE, 0),
	ACCELERATOR(tdp_w, FIELD_SIZE, 0),
	ACCELERATOR(confidence, FIELD_TEXT, FIELD_REQUIRED),
	ACCELERATOR(source, FIELD_TEXT, FIELD_REQUIRED),
	ACCELERATOR(observed, FIELD_TEXT, FIELD_REQUIRED),
	ACCELERATOR(note, FIELD_TEXT, FIELD_EMPTY_NULL),
	ACCELERATOR(scaleup_gb_s, FIELD_SIZE, 0),
	ACCELERATOR(scaleout_gb_s, FIELD_SIZE, 0),
	ACCELERATOR(interconnect_source, FIELD_TEXT, FIELD_EMPTY_NULL),
};

#define EGRESS(m, kind, flags, if_empty) \
	{ #m, kind, offsetof(struct egress_tier, m), flags, if_empty }
static const struct format_field egress_fields[] = {
	EGRESS(provider, FIELD_TEXT, FIELD_REQUIRED, 0),
	EGRESS(scope, FIELD_TEXT, FIELD_REQUIRED, 0),
	EGRESS(destination, FIELD_TEXT, FIELD_REQUIRED, 0),
	EGRESS(start_gb, FIELD_NUMBER, FIELD_REQUIRED, 0),
	EGRESS(end_gb, FIELD_NUMBER, 0, INFINITY),
	EGRESS(price_per_gb, FIELD_NUMBER, FIELD_REQUIRED, 0),
	EGRESS(confidence, FIELD_TEXT, FIELD_REQUIRED, 0),
	EGRESS(source, FIELD_TEXT, FIELD_REQUIRED, 0),
	EGRESS(observed, FIELD_TEXT, FIELD_REQUIRED, 0),
	EGRESS(note, FIELD_TEXT, 0, 0),
};

#define STORAGE(m, kind, flags) { #m, kind, offsetof(struct storage_price, m), flags, 0 }
static const struct format_field storage_fields[] = {
	STORAGE(provider, FIELD_TEXT, FIELD_REQUIRED),
	STORAGE(region, FIELD_TEXT, FIELD_REQUIRED),
	STORAGE(storage_class, FIELD_TEXT, FIELD_REQUIRED),
	STORAGE(product, FIELD_TEXT, FIELD_REQUIRED),
	STORAGE(price_per_gb_month, FIELD_NUMBER, FIELD_REQUIRED),
	STORAGE(retrieval_per_gb, FIELD_NUMBER, 0),
	STORAGE(min_days, FIELD_NUMBER, 0),
	STORAGE(confidence, FIELD_TEXT, FIELD_REQUIRED),
	STORAGE(source, FIELD_TEXT, FIELD_REQUIRED),
	STORAGE(observed, FIELD_TEXT, FIELD_REQUIRED),
	STORAGE(note, FIELD_TEXT, 0),
};

#define FACT(m, kind, flags, if_empty) { #m, kind, offsetof(struct fact, m), flags, if_empty }
static const struct format_field fact_fields[] = {
	FACT(key, FIELD_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, 0),
	FACT(low, FIELD_NUMBER, 0, NAN),
	FACT(high, FIELD_NUMBER, 0, NAN),
	FACT(unit, FIELD_TEXT, FIELD_REQUIRED, 0),
	FACT(confidence, FIELD_TEXT, FIELD_REQUIRED, 0),
	FACT(source, FIELD_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, 0),
	FACT(observed, FIELD_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, 0),
	FACT(note, FIELD_TEXT, FIELD_EMPTY_NULL, 0),
};

/* Any one row read, before it is stored. */
union format_item {
	struct offer offer;
	struct accelerator accelerator;
	struct egress_tier egress;
	struct storage_price storage;
	struct fact fact;
};

struct provider_snapshot {
	char *provider;
	int64_t id;
};

struct loader {
	struct db *db;
	const char *source_label;
	const struct format_table *spec;
	int col[MAX_COLUMNS];                /* header index of each spec field, or -1 */
	struct provider_snapshot *snapshots;
	size_t nsnapshots, snapshots_alloc;
	struct import_stats *stats;
	bool known_accelerators_only;        /* the shipped catalog: an unknown name is a typo */
};

/* The record's index of field NAME (-1 when the file has no such column). */
static int field_index(const struct loader *l, const char *name)
{
	for (size_t c = 0; c < l->spec->nfields; c++)
		if (strcmp(l->spec->fields[c].name, name) == 0)
			return l->col[c];
	return -1;
}

static const char *field(const struct loader *l, const struct csv_record *r, const char *name)
{
	return csv_text(r, field_index(l, name));
}

/* Puts the error in the channel at the row's field NAME. */
static int channel_error_at(const struct csv_record *r, const char *name, const struct loader *l)
{
	struct strbuf msg = STRBUF_INIT;
	int idx = field_index(l, name);

	strbuf_adds(&msg, error_get());
	csv_field_error(r, idx < 0 ? r->n : (size_t)idx, name, "%s", msg.buf);
	strbuf_release(&msg);
	return -1;
}

/* Puts the error the store gave for this row at the row's position. */
static int row_error(const struct csv_record *r, const char *name, const struct loader *l)
{
	/* A full disk or a busy store is not the row's fault: say it plainly. */
	if (db_failed_environment(l->db))
		return -1;
	return channel_error_at(r, name, l);
}

/* The provenance columns by prices.c's one rule, reported at the bad column. */
static int check_provenance(const struct loader *l, const struct csv_record *r, const char *what)
{
	const char *bad = provenance_check(what, field(l, r, "confidence"), field(l, r, "source"),
					   field(l, r, "observed"));

	return bad ? channel_error_at(r, bad, l) : 0;
}

/* Reads every field of the table from R into ITEM (text points into R). */
static int read_fields(const struct loader *l, const struct csv_record *r, void *item)
{
	for (size_t c = 0; c < l->spec->nfields; c++) {
		const struct format_field *f = &l->spec->fields[c];
		const char *text = csv_text(r, l->col[c]);
		bool required = (f->flags & FIELD_REQUIRED) != 0;
		char *at = (char *)item + f->offset, *value;
		double number;
		int whole;

		switch (f->kind) {
		case FIELD_TEXT:
			if ((f->flags & FIELD_NONEMPTY) && !*text)
				return csv_field_error(r, (size_t)l->col[c], f->name,
						       "must not be empty");
			value = *text || !(f->flags & FIELD_EMPTY_NULL) ? (char *)text : NULL;
			memcpy(at, &value, sizeof(value));
			break;
		case FIELD_ALIASES: {
			struct accelerator *a = item;

			a->naliases = str_split(text, '|', SPLIT_SKIP_EMPTY, &a->aliases);
			break;
		}
		case FIELD_INT:
			if (csv_number(r, l->col[c], f->name, required, f->if_empty, &number) < 0)
				return -1;
			if (number != floor(number) || number > INT_MAX)
				return csv_field_error(r, (size_t)l->col[c], f->name,
						       "expected a whole number, got \"%s\"", text);
			whole = (int)number;
			memcpy(at, &whole, sizeof(whole));
			break;
		case FIELD_NUMBER:
		case FIELD_SIZE:
			if (csv_number(r, l->col[c], f->name, required, f->if_empty, &number) < 0)
				return -1;
			memcpy(at, &number, sizeof(number));
			break;
		}
	}
	return 0;
}

static bool provider_name_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

static int64_t snapshot_for(struct loader *l, const struct csv_record *r, const char *provider)
{
	struct provider_snapshot *s;
	int64_t id;

	if (!provider_name_valid(provider)) {
		csv_field_error(r, (size_t)field_index(l, "provider"), "provider",
				"expected a lower-case name such as aws, azure, gcp, got \"%s\"",
				provider);
		return -1;
	}
	for (size_t i = 0; i < l->nsnapshots; i++)
		if (strcmp(l->snapshots[i].provider, provider) == 0)
			return l->snapshots[i].id;
	id = db_snapshot_begin(l->db, provider, l->source_label);
	if (id < 0)
		return -1;
	xgrow(&l->snapshots, &l->snapshots_alloc, l->nsnapshots + 1, sizeof(*l->snapshots));
	s = &l->snapshots[l->nsnapshots++];
	s->provider = xstrdup(provider);
	s->id = id;
	l->stats->snapshots++;
	return id;
}

static int store_offer(struct loader *l, const struct csv_record *r, void *item)
{
	struct offer *o = item;
	char *canonical = NULL;
	const char *accelerator = o->accelerator;
	double interruptions = o->interruptions_per_month;
	int64_t snapshot;
	int rc;

	/* Optional: a row without one gets its family's (fabric.h) when stored. */
	if (o->interconnect && !fabric_name_valid(o->interconnect))
		return csv_field_error(r, (size_t)field_index(l, "interconnect"), "interconnect",
				       "expected one of %s, got \"%s\"", FABRIC_NAMES_TEXT,
				       o->interconnect);
	if (o->interconnect && strcmp(o->interconnect, FABRIC_NONE) != 0 &&
	    !(o->interconnect_gbps > 0))
		return csv_field_error(r, (size_t)field_index(l, "interconnect_gbps"),
				       "interconnect_gbps", "%s needs its bandwidth in Gb/s per "
				       "instance", o->interconnect);
	/* A rate is a fraction of the month's instances, and only spot has one. */
	if (!isnan(interruptions) && (interruptions > 1 || strcmp(o->purchase, "spot") != 0))
		return csv_field_error(r, (size_t)field_index(l, "interruptions_per_month"),
				       "interruptions_per_month", interruptions > 1 ?
				       "expected a fraction from 0 to 1 (0.125 for 12.5%%), got \"%s\"" :
				       "only a spot offer has an interruption rate (\"%s\")",
				       field(l, r, "interruptions_per_month"));
	if (check_provenance(l, r, o->instance_type) < 0)
		return -1;
	if (accelerator && db_canonical_accelerator(l->db, accelerator, &canonical) < 0) {
		/* Export writes chips a SkyPilot import brought in as given: read them back. */
		if (l->known_accelerators_only)
			return row_error(r, "accelerator", l);
		error_clear();
		l->stats->unknown_accelerators++;
	}
	snapshot = snapshot_for(l, r, o->provider);
	if (snapshot < 0) {
		free(canonical);
		return -1;
	}
	/* Aliases are accepted in files; the store keeps canonical names. */
	if (canonical)
		o->accelerator = canonical;
	if (!*o->currency)
		o->currency = "USD";
	rc = db_snapshot_add_offer(l->db, snapshot, o);
	free(canonical);
	if (rc != 0)
		return row_error(r, rc > 0 ? "instance_type" : "price_per_hour", l);
	return 0;
}

static int store_accelerator(struct loader *l, const struct csv_record *r, void *item)
{
	struct accelerator *a = item;

	if (strcmp(a->kind, "gpu") != 0 && strcmp(a->kind, "tpu") != 0 &&
	    strcmp(a->kind, "asic") != 0)
		return csv_field_error(r, (size_t)field_index(l, "kind"), "kind",
				       "expected gpu, tpu or asic, got \"%s\"", a->kind);
	if (check_provenance(l, r, a->name) < 0)
		return -1;
	if (db_put_accelerator(l->db, a) < 0)
		return row_error(r, "aliases", l);
	return 0;
}

static int store_egress(struct loader *l, const struct csv_record *r, void *item)
{
	struct egress_tier *t = item;
	int64_t snapshot;

	if (check_provenance(l, r, "egress tier") < 0)
		return -1;
	snapshot = snapshot_for(l, r, t->provider);
	if (snapshot < 0)
		return -1;
	if (db_snapshot_add_egress_tier(l->db, snapshot, t) < 0)
		return row_error(r, "destination", l);
	return 0;
}

static int store_storage(struct loader *l, const struct csv_record *r, void *item)
{
	struct storage_price *p = item;
	int64_t snapshot;

	if (check_provenance(l, r, p->product) < 0)
		return -1;
	snapshot = snapshot_for(l, r, p->provider);
	if (snapshot < 0)
		return -1;
	if (db_snapshot_add_storage_price(l->db, snapshot, p) < 0)
		return row_error(r, "storage_class", l);
	return 0;
}

static int store_fact(struct loader *l, const struct csv_record *r, void *item)
{
	struct fact *f = item;

	if (check_provenance(l, r, f->key) < 0)
		return -1;
	if (db_put_fact(l->db, f) != 0)
		return row_error(r, "key", l);
	return 0;
}

/* Adds a row of ITEMS[i] for each i < N (each SIZE bytes) to T, columns from SPEC. */
static void add_items(struct table *t, const struct format_table *spec, const void *items,
		      size_t n, size_t size)
{
	for (size_t c = 0; c < spec->nfields; c++)
		table_add_column(t, spec->fields[c].name, spec->fields[c].name,
				 spec->fields[c].kind == FIELD_TEXT ||
				 spec->fields[c].kind == FIELD_ALIASES ? COLUMN_TEXT : COLUMN_NUMBER);
	for (size_t i = 0; i < n; i++) {
		const char *item = (const char *)items + i * size;

		table_begin_row(t);
		for (size_t c = 0; c < spec->nfields; c++) {
			const struct format_field *f = &spec->fields[c];
			const void *at = item + f->offset;
			const char *text;
			double number;
			int count;

			switch (f->kind) {
			case FIELD_TEXT:
				memcpy(&text, at, sizeof(text));
				if (text && *text)
					table_add_text(t, text);
				else
					table_add_null(t);
				break;
			case FIELD_INT:
				memcpy(&count, at, sizeof(count));
				table_add_number(t, count, 0);
				break;
			case FIELD_NUMBER:
			case FIELD_SIZE:
				memcpy(&number, at, sizeof(number));
				if (isfinite(number) && (f->kind == FIELD_NUMBER || number > 0))
					table_add_number(t, number, 6);
				else
					table_add_null(t);
				break;
			case FIELD_ALIASES: {
				const struct accelerator *a = (const void *)item;
				struct strbuf joined = STRBUF_INIT;

				for (size_t j = 0; j < a->naliases; j++)
					strbuf_addf(&joined, "%s%s", j ? "|" : "", a->aliases[j]);
				if (joined.len)
					table_add_text(t, joined.buf);
				else
					table_add_null(t);
				strbuf_release(&joined);
				break;
			}
			}
		}
	}
}

/*
 * Offers: an interconnect that is its family's (fabric.h) is left empty, which
 * import fills back the same; the two interconnect columns, the last ones, are
 * written only when some row names its own, so a catalog without them exports
 * as it was read.
 */
static int export_offers(struct db *db, struct table *t, const struct format_table *spec)
{
	struct offer_filter filter = { 0 };
	struct offer_list list;
	struct format_table narrow = *spec;
	bool own = false;

	filter.all_components = true;
	if (db_query_offers(db, &filter, &list) < 0)
		return -1;
	for (size_t i = 0; i < list.n; i++) {
		struct offer *o = &list.items[i];
		struct fabric f;

		fabric_for(o->provider, o->instance_type, o->accelerator_count, &f);
		if (o->interconnect && (strcmp(o->interconnect, f.interconnect) != 0 ||
					o->interconnect_gbps != f.gbps)) {
			own = true;
			continue;
		}
		free(o->interconnect);
		o->interconnect = NULL;
		o->interconnect_gbps = NAN;
	}
	if (!own && narrow.nfields >= 2 &&
	    strcmp(narrow.fields[narrow.nfields - 2].name, "interconnect") == 0)
		narrow.nfields -= 2;
	add_items(t, &narrow, list.items, list.n, sizeof(*list.items));
	offer_list_release(&list);
	return 0;
}

/* The other tables: read the whole list from the store, add it through its fields. */
#define EXPORT_LIST(name, list_type, read_list, release)				\
	static int name(struct db *db, struct table *t, const struct format_table *spec) \
	{										\
		struct list_type list;							\
											\
		if (read_list(db, &list) < 0)						\
			return -1;							\
		add_items(t, spec, list.items, list.n, sizeof(*list.items));		\
		release(&list);								\
		return 0;								\
	}

EXPORT_LIST(export_accelerators, accelerator_list, db_list_accelerators,
	    accelerator_list_release)
EXPORT_LIST(export_egress, egress_tier_list, db_list_egress_tiers, egress_tier_list_release)
EXPORT_LIST(export_storage, storage_price_list, db_list_storage_prices,
	    storage_price_list_release)
EXPORT_LIST(export_facts, fact_list, db_list_facts, fact_list_release)

static const struct format_table format_tables[] = {
	{ "offers", "instance_type", offer_fields, ARRAY_SIZE(offer_fields),
	  store_offer, export_offers },
	{ "accelerators", "bf16_tflops", accelerator_fields, ARRAY_SIZE(accelerator_fields),
	  store_accelerator, export_accelerators },
	{ "egress", "destination", egress_fields, ARRAY_SIZE(egress_fields),
	  store_egress, export_egress },
	{ "storage", "storage_class", storage_fields, ARRAY_SIZE(storage_fields),
	  store_storage, export_storage },
	{ "facts", "unit", fact_fields, ARRAY_SIZE(fact_fields), store_fact, export_facts },
};
_Static_assert(ARRAY_SIZE(offer_fields) <= MAX_COLUMNS &&
	       ARRAY_SIZE(accelerator_fields) <= MAX_COLUMNS, "struct loader's col[] is too short");

static int read_header(struct loader *l, const struct csv_record *header)
{
	l->spec = NULL;
	for (size_t t = 0; t < ARRAY_SIZE(format_tables) && !l->spec; t++)
		if (csv_header_index(header, format_tables[t].marker) >= 0)
			l->spec = &format_tables[t];
	if (!l->spec) {
		error_set("%s:%ld: not an aicost price file: the header names none of "
			  "instance_type, bf16_tflops, destination, storage_class, unit",
			  header->file, header->line);
		return -1;
	}
	for (size_t i = 0; i < header->n; i++) {
		bool known = false;

		for (size_t c = 0; c < l->spec->nfields; c++)
			known |= strcmp(header->fields[i], l->spec->fields[c].name) == 0;
		if (!known)
			return csv_field_error(header, i, header->fields[i],
					       "not a column of %s files", l->spec->name);
	}
	for (size_t c = 0; c < l->spec->nfields; c++) {
		const struct format_field *f = &l->spec->fields[c];

		l->col[c] = csv_header_index(header, f->name);
		if (l->col[c] < 0 && (f->flags & FIELD_REQUIRED)) {
			error_set("%s:%ld: %s files need a '%s' column", header->file, header->line,
				  l->spec->name, f->name);
			return -1;
		}
	}
	return 0;
}


static const struct format_table *format_table_named(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_tables); i++)
		if (strcmp(format_tables[i].name, name) == 0)
			return &format_tables[i];
	return NULL;
}

bool catalog_table_known(const char *name)
{
	return format_table_named(name) != NULL;
}

int catalog_export(struct db *db, const char *name, struct table *t)
{
	const struct format_table *spec = format_table_named(name);

	if (!spec) {
		error_set("unknown table '%s'", name);
		return -1;
	}
	return spec->export(db, t, spec);
}

static int load_record(const struct csv_record *r, void *ctx)
{
	struct loader *l = ctx;
	union format_item item;
	int rc;

	if (!l->spec)
		return read_header(l, r);
	l->stats->rows++;
	memset(&item, 0, sizeof(item));
	rc = read_fields(l, r, &item);
	if (rc == 0)
		rc = l->spec->store(l, r, &item);
	/* The only field read_fields allocates. */
	if (l->spec->fields == accelerator_fields)
		str_list_free(item.accelerator.aliases, item.accelerator.naliases);
	if (rc == 0)
		l->stats->stored++;
	return rc;
}

static int import_file(struct db *db, const char *path, FILE *in, const char *source_label,
		       struct import_stats *stats, bool known_accelerators_only)
{
	struct loader l = { 0 };
	struct import_stats ignored = { 0 };
	int result = -1;

	l.db = db;
	l.known_accelerators_only = known_accelerators_only;
	l.source_label = source_label ? source_label : path;
	l.stats = stats ? stats : &ignored;
	if (db_transaction_begin(db) < 0)
		return -1;
	if ((in ? csv_read_stream(in, path, load_record, &l) :
	     csv_read_file(path, load_record, &l)) < 0)
		goto rollback;
	if (!l.spec) {
		error_set("%s: empty file: expected an aicost CSV header", csv_display_name(path));
		goto rollback;
	}
	for (size_t i = 0; i < l.nsnapshots; i++)
		if (db_snapshot_commit(db, l.snapshots[i].id) < 0)
			goto rollback;
	if (db_transaction_commit(db) < 0)
		goto cleanup;
	result = 0;
	goto cleanup;
rollback:
	db_transaction_rollback(db);
cleanup:
	for (size_t i = 0; i < l.nsnapshots; i++)
		free(l.snapshots[i].provider);
	free(l.snapshots);
	return result;
}

int catalog_import_file(struct db *db, const char *path, FILE *in, const char *source_label,
			struct import_stats *stats)
{
	return import_file(db, path, in, source_label, stats, false);
}

static int compare_catalog_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	/* Accelerators first: offers name them. */
	bool ax = strcmp(x, "accelerators.csv") == 0, ay = strcmp(y, "accelerators.csv") == 0;

	if (ax != ay)
		return ax ? -1 : 1;
	return strcmp(x, y);
}

/* The *.csv files of DIR in the order they load (accelerators first); -1 with error set. */
static int list_catalog(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	size_t alloc = 0;

	*names = NULL;
	*n = 0;
	if (!d) {
		error_set("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((entry = readdir(d)) != NULL) {
		if (entry->d_name[0] == '.' || !str_ends_with(entry->d_name, ".csv"))
			continue;
		xgrow(names, &alloc, *n + 1, sizeof(**names));
		(*names)[(*n)++] = xstrdup(entry->d_name);
	}
	closedir(d);
	sort_array(*names, *n, sizeof(**names), compare_catalog_names);
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * One step of the fingerprint: for a given H each word W gives a different
 * result, and every bit of W reaches every bit of the result (a multiply only
 * carries upwards, so the shifts bring the high bits down; the constants are
 * splitmix64's finaliser). A multiply-only step let two edits in the top bytes
 * of two words cancel about once in 256.
 */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h ^= h >> 30;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 27;
	h *= UINT64_C(0x94d049bb133111eb);
	return h ^ (h >> 31);
}

static uint64_t mix_bytes(uint64_t h, const unsigned char *p, size_t len)
{
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = mix(h, w);
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = mix(h, w);
	}
	return h;
}

int catalog_fingerprint(const char *dir, struct strbuf *out)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	unsigned char buf[1 << 16];
	char **names;
	size_t n;
	int result = -1;

	if (list_catalog(dir, &names, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT;
		uint64_t size = 0;
		int fd;

		strbuf_addf(&path, "%s/%s", dir, names[i]);
		fd = open(path.buf, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			error_set("%s: %s", path.buf, strerror(errno));
			strbuf_release(&path);
			goto cleanup;
		}
		/* The name, the contents (full blocks: whole words until the end), the size. */
		h = mix_bytes(h, (const unsigned char *)names[i], strlen(names[i]) + 1);
		for (;;) {
			size_t len = 0;
			ssize_t got = 0;

			while (len < sizeof(buf) &&
			       (got = read(fd, buf + len, sizeof(buf) - len)) > 0)
				len += (size_t)got;
			if (got < 0) {
				error_set("%s: %s", path.buf, strerror(errno));
				close(fd);
				strbuf_release(&path);
				goto cleanup;
			}
			h = mix_bytes(h, buf, len);
			size += len;
			if (len < sizeof(buf))
				break;
		}
		close(fd);
		strbuf_release(&path);
		h = mix(h, size);
	}
	strbuf_reset(out);
	strbuf_addf(out, "%zu files, %016" PRIx64, n, h);
	result = 0;
cleanup:
	free_names(names, n);
	return result;
}

int catalog_load_dir(struct db *db, const char *dir)
{
	char **names;
	size_t n;
	int result = -1;

	if (list_catalog(dir, &names, &n) < 0)
		return -1;
	if (db_transaction_begin(db) < 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT, label = STRBUF_INIT;
		int rc;

		strbuf_addf(&path, "%s/%s", dir, names[i]);
		strbuf_addf(&label, "catalog:%s", names[i]);
		rc = import_file(db, path.buf, NULL, label.buf, NULL, true);
		strbuf_release(&path);
		strbuf_release(&label);
		if (rc < 0) {
			db_transaction_rollback(db);
			goto cleanup;
		}
	}
	if (db_transaction_commit(db) < 0)
		goto cleanup;
	result = 0;
cleanup:
	free_names(names, n);
	return result;
}
