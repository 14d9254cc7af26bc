/* The shipped catalog and the aicost CSV format: locating, loading, importing. */
#include "catalog.h"
#include "csvfile.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
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

/* ---- the aicost CSV format ---- */

enum table_kind { TABLE_OFFERS, TABLE_ACCELERATORS, TABLE_EGRESS, TABLE_STORAGE, TABLE_FACTS };

#define MAX_COLUMNS 20

struct table_spec {
	enum table_kind kind;
	const char *name;
	const char *marker;                  /* a column only this table has */
	const char *columns[MAX_COLUMNS];    /* NULL-terminated; '*' prefix = required */
};

static const struct table_spec table_specs[] = {
	{ TABLE_OFFERS, "offers", "instance_type",
	  { "*provider", "*region", "zone", "*instance_type", "component", "accelerator",
	    "*accelerator_count", "vcpus", "memory_gib", "*purchase", "*price_per_hour",
	    "currency", "*confidence", "*source", "*observed", "note",
	    "interruptions_per_month" } },
	{ TABLE_ACCELERATORS, "accelerators", "bf16_tflops",
	  { "*name", "aliases", "*vendor", "*kind", "*memory_gb", "*bf16_tflops", "fp8_tflops",
	    "hbm_tbps", "tdp_w", "*confidence", "*source", "*observed", "note",
	    "scaleup_gb_s", "scaleout_gb_s", "interconnect_source" } },
	{ TABLE_EGRESS, "egress", "destination",
	  { "*provider", "*scope", "*destination", "*start_gb", "end_gb", "*price_per_gb",
	    "*confidence", "*source", "*observed", "note" } },
	{ TABLE_STORAGE, "storage", "storage_class",
	  { "*provider", "*region", "*storage_class", "*product", "*price_per_gb_month",
	    "retrieval_per_gb", "min_days", "*confidence", "*source", "*observed", "note" } },
	{ TABLE_FACTS, "facts", "unit",
	  { "*key", "low", "high", "*unit", "*confidence", "*source", "*observed", "note" } },
};

struct provider_snapshot {
	char *provider;
	int64_t id;
};

struct loader {
	struct db *db;
	const char *source_label;
	const struct table_spec *spec;
	int col[MAX_COLUMNS];                /* header index of each spec column, or -1 */
	struct provider_snapshot *snapshots;
	size_t nsnapshots, snapshots_alloc;
	struct import_stats *stats;
	bool known_accelerators_only;        /* the shipped catalog: an unknown name is a typo */
};

static const char *column_name(const struct table_spec *spec, size_t i)
{
	const char *name = spec->columns[i];

	return name[0] == '*' ? name + 1 : name;
}

static int read_header(struct loader *l, const struct csv_record *header)
{
	l->spec = NULL;
	for (size_t t = 0; t < ARRAY_SIZE(table_specs) && !l->spec; t++)
		if (csv_header_index(header, table_specs[t].marker) >= 0)
			l->spec = &table_specs[t];
	if (!l->spec) {
		error_set("%s:%ld: not an aicost price file: the header names none of "
			  "instance_type, bf16_tflops, destination, storage_class, unit",
			  header->file, header->line);
		return -1;
	}
	for (size_t i = 0; i < header->n; i++) {
		bool known = false;

		for (size_t c = 0; c < MAX_COLUMNS && l->spec->columns[c]; c++)
			known |= strcmp(header->fields[i], column_name(l->spec, c)) == 0;
		if (!known)
			return csv_field_error(header, i, header->fields[i],
					       "not a column of %s files", l->spec->name);
	}
	for (size_t c = 0; c < MAX_COLUMNS; c++) {
		l->col[c] = -1;
		if (!l->spec->columns[c])
			continue;
		l->col[c] = csv_header_index(header, column_name(l->spec, c));
		if (l->col[c] < 0 && l->spec->columns[c][0] == '*') {
			error_set("%s:%ld: %s files need a '%s' column", header->file, header->line,
				  l->spec->name, column_name(l->spec, c));
			return -1;
		}
	}
	return 0;
}

/* The record's field for spec column NAME ("" when the file has no such column). */
static int field_index(const struct loader *l, const char *name)
{
	for (size_t c = 0; c < MAX_COLUMNS && l->spec->columns[c]; c++)
		if (strcmp(column_name(l->spec, c), name) == 0)
			return l->col[c];
	return -1;
}

static const char *field(const struct loader *l, const struct csv_record *r, const char *name)
{
	return csv_text(r, field_index(l, name));
}

static int number(const struct loader *l, const struct csv_record *r, const char *name,
		  bool required, double if_empty, double *out)
{
	return csv_number(r, field_index(l, name), name, required, if_empty, out);
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

static int require_text(const struct loader *l, const struct csv_record *r, const char *name)
{
	int idx = field_index(l, name);

	if (*csv_text(r, idx) == '\0')
		return csv_field_error(r, (size_t)idx, name, "must not be empty");
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

static int load_offer(struct loader *l, const struct csv_record *r)
{
	struct offer o = { 0 };
	struct accelerator acc = { 0 };
	const char *accelerator = field(l, r, "accelerator");
	double count, vcpus, memory, price, interruptions;
	int64_t snapshot;
	int rc;

	if (require_text(l, r, "region") < 0 || require_text(l, r, "instance_type") < 0)
		return -1;
	if (number(l, r, "accelerator_count", true, 0, &count) < 0 ||
	    number(l, r, "vcpus", false, 0, &vcpus) < 0 ||
	    number(l, r, "memory_gib", false, 0, &memory) < 0 ||
	    number(l, r, "price_per_hour", true, 0, &price) < 0 ||
	    number(l, r, "interruptions_per_month", false, NAN, &interruptions) < 0)
		return -1;
	/* A rate is a fraction of the month's instances, and only spot has one. */
	if (!isnan(interruptions) && (interruptions > 1 ||
				      strcmp(field(l, r, "purchase"), "spot") != 0))
		return csv_field_error(r, (size_t)field_index(l, "interruptions_per_month"),
				       "interruptions_per_month", interruptions > 1 ?
				       "expected a fraction from 0 to 1 (0.125 for 12.5%%), got \"%s\"" :
				       "only a spot offer has an interruption rate (\"%s\")",
				       field(l, r, "interruptions_per_month"));
	if (count != floor(count) || count > INT_MAX)
		return csv_field_error(r, (size_t)field_index(l, "accelerator_count"),
				       "accelerator_count", "expected a whole number, got \"%s\"",
				       field(l, r, "accelerator_count"));
	if (check_provenance(l, r, field(l, r, "instance_type")) < 0)
		return -1;
	if (*accelerator && db_find_accelerator(l->db, accelerator, &acc) < 0) {
		/* Export writes chips a SkyPilot import brought in as given: read them back. */
		if (l->known_accelerators_only)
			return row_error(r, "accelerator", l);
		error_clear();
		l->stats->unknown_accelerators++;
	}
	snapshot = snapshot_for(l, r, field(l, r, "provider"));
	if (snapshot < 0) {
		accelerator_release(&acc);
		return -1;
	}
	o.provider = (char *)field(l, r, "provider");
	o.region = (char *)field(l, r, "region");
	o.zone = (char *)field(l, r, "zone");
	o.instance_type = (char *)field(l, r, "instance_type");
	o.component = *field(l, r, "component") ? (char *)field(l, r, "component") : NULL;
	/* Aliases are accepted in files; the store keeps canonical names. */
	o.accelerator = acc.name ? acc.name : *accelerator ? (char *)accelerator : NULL;
	o.accelerator_count = (int)count;
	o.vcpus = vcpus;
	o.memory_gib = memory;
	o.purchase = (char *)field(l, r, "purchase");
	o.price_per_hour = price;
	o.currency = *field(l, r, "currency") ? (char *)field(l, r, "currency") : "USD";
	o.confidence = (char *)field(l, r, "confidence");
	o.source = (char *)field(l, r, "source");
	o.observed = (char *)field(l, r, "observed");
	o.note = (char *)field(l, r, "note");
	o.interruptions_per_month = interruptions;
	rc = db_snapshot_add_offer(l->db, snapshot, &o);
	accelerator_release(&acc);
	if (rc != 0)
		return row_error(r, rc > 0 ? "instance_type" : "price_per_hour", l);
	return 0;
}

static void split_aliases(const char *text, struct accelerator *a)
{
	size_t alloc = 0;

	while (*text) {
		size_t len = strcspn(text, "|");

		if (len > 0) {
			xgrow(&a->aliases, &alloc, a->naliases + 1, sizeof(*a->aliases));
			a->aliases[a->naliases++] = xstrndup(text, len);
		}
		text += len;
		if (*text == '|')
			text++;
	}
}

static int load_accelerator(struct loader *l, const struct csv_record *r)
{
	struct accelerator a = { 0 };
	const char *kind = field(l, r, "kind");
	int result = -1;

	if (require_text(l, r, "name") < 0 || require_text(l, r, "vendor") < 0)
		return -1;
	if (strcmp(kind, "gpu") != 0 && strcmp(kind, "tpu") != 0 && strcmp(kind, "asic") != 0)
		return csv_field_error(r, (size_t)field_index(l, "kind"), "kind",
				       "expected gpu, tpu or asic, got \"%s\"", kind);
	if (number(l, r, "memory_gb", true, 0, &a.memory_gb) < 0 ||
	    number(l, r, "bf16_tflops", true, 0, &a.bf16_tflops) < 0 ||
	    number(l, r, "fp8_tflops", false, 0, &a.fp8_tflops) < 0 ||
	    number(l, r, "hbm_tbps", false, 0, &a.hbm_tbps) < 0 ||
	    number(l, r, "tdp_w", false, 0, &a.tdp_w) < 0 ||
	    number(l, r, "scaleup_gb_s", false, 0, &a.scaleup_gb_s) < 0 ||
	    number(l, r, "scaleout_gb_s", false, 0, &a.scaleout_gb_s) < 0)
		return -1;
	a.name = (char *)field(l, r, "name");
	a.vendor = (char *)field(l, r, "vendor");
	a.kind = (char *)kind;
	a.confidence = (char *)field(l, r, "confidence");
	a.source = (char *)field(l, r, "source");
	a.observed = (char *)field(l, r, "observed");
	a.note = *field(l, r, "note") ? (char *)field(l, r, "note") : NULL;
	a.interconnect_source = *field(l, r, "interconnect_source") ?
		(char *)field(l, r, "interconnect_source") : NULL;
	split_aliases(field(l, r, "aliases"), &a);
	if (check_provenance(l, r, a.name) < 0)
		goto cleanup;
	if (db_put_accelerator(l->db, &a) < 0) {
		row_error(r, "aliases", l);
		goto cleanup;
	}
	result = 0;
cleanup:
	for (size_t i = 0; i < a.naliases; i++)
		free(a.aliases[i]);
	free(a.aliases);
	return result;
}

static int load_egress(struct loader *l, const struct csv_record *r)
{
	struct egress_tier t = { 0 };
	int64_t snapshot;

	if (number(l, r, "start_gb", true, 0, &t.start_gb) < 0 ||
	    number(l, r, "end_gb", false, INFINITY, &t.end_gb) < 0 ||
	    number(l, r, "price_per_gb", true, 0, &t.price_per_gb) < 0)
		return -1;
	if (check_provenance(l, r, "egress tier") < 0)
		return -1;
	snapshot = snapshot_for(l, r, field(l, r, "provider"));
	if (snapshot < 0)
		return -1;
	t.provider = (char *)field(l, r, "provider");
	t.scope = (char *)field(l, r, "scope");
	t.destination = (char *)field(l, r, "destination");
	t.confidence = (char *)field(l, r, "confidence");
	t.source = (char *)field(l, r, "source");
	t.observed = (char *)field(l, r, "observed");
	t.note = (char *)field(l, r, "note");
	if (db_snapshot_add_egress_tier(l->db, snapshot, &t) < 0)
		return row_error(r, "destination", l);
	return 0;
}

static int load_storage(struct loader *l, const struct csv_record *r)
{
	struct storage_price p = { 0 };
	int64_t snapshot;

	if (number(l, r, "price_per_gb_month", true, 0, &p.price_per_gb_month) < 0 ||
	    number(l, r, "retrieval_per_gb", false, 0, &p.retrieval_per_gb) < 0 ||
	    number(l, r, "min_days", false, 0, &p.min_days) < 0)
		return -1;
	if (check_provenance(l, r, field(l, r, "product")) < 0)
		return -1;
	snapshot = snapshot_for(l, r, field(l, r, "provider"));
	if (snapshot < 0)
		return -1;
	p.provider = (char *)field(l, r, "provider");
	p.region = (char *)field(l, r, "region");
	p.storage_class = (char *)field(l, r, "storage_class");
	p.product = (char *)field(l, r, "product");
	p.confidence = (char *)field(l, r, "confidence");
	p.source = (char *)field(l, r, "source");
	p.observed = (char *)field(l, r, "observed");
	p.note = (char *)field(l, r, "note");
	if (db_snapshot_add_storage_price(l->db, snapshot, &p) < 0)
		return row_error(r, "storage_class", l);
	return 0;
}

static int load_fact(struct loader *l, const struct csv_record *r)
{
	struct fact f = { 0 };
	const char *confidence = field(l, r, "confidence");

	if (require_text(l, r, "key") < 0 || require_text(l, r, "source") < 0 ||
	    require_text(l, r, "observed") < 0)
		return -1;
	if (number(l, r, "low", false, NAN, &f.low) < 0 ||
	    number(l, r, "high", false, NAN, &f.high) < 0)
		return -1;
	if (check_provenance(l, r, field(l, r, "key")) < 0)
		return -1;
	f.key = (char *)field(l, r, "key");
	f.unit = (char *)field(l, r, "unit");
	f.confidence = (char *)confidence;
	f.source = (char *)field(l, r, "source");
	f.observed = (char *)field(l, r, "observed");
	f.note = *field(l, r, "note") ? (char *)field(l, r, "note") : NULL;
	if (db_put_fact(l->db, &f) != 0)
		return row_error(r, "key", l);
	return 0;
}

static int load_record(const struct csv_record *r, void *ctx)
{
	struct loader *l = ctx;
	int rc = -1;

	if (!l->spec)
		return read_header(l, r);
	l->stats->rows++;
	switch (l->spec->kind) {
	case TABLE_OFFERS:
		rc = load_offer(l, r);
		break;
	case TABLE_ACCELERATORS:
		rc = load_accelerator(l, r);
		break;
	case TABLE_EGRESS:
		rc = load_egress(l, r);
		break;
	case TABLE_STORAGE:
		rc = load_storage(l, r);
		break;
	case TABLE_FACTS:
		rc = load_fact(l, r);
		break;
	}
	if (rc == 0)
		l->stats->stored++;
	return rc;
}

static int import_file(struct db *db, const char *path, const char *source_label,
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
	if (csv_read_file(path, load_record, &l) < 0)
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

int catalog_import_file(struct db *db, const char *path, const char *source_label,
			struct import_stats *stats)
{
	return import_file(db, path, source_label, stats, false);
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

int catalog_load_dir(struct db *db, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	int result = -1;

	if (!d) {
		error_set("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((entry = readdir(d)) != NULL) {
		if (entry->d_name[0] == '.' || !str_ends_with(entry->d_name, ".csv"))
			continue;
		xgrow(&names, &alloc, n + 1, sizeof(*names));
		names[n++] = xstrdup(entry->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), compare_catalog_names);
	if (db_transaction_begin(db) < 0)
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		struct strbuf path = STRBUF_INIT, label = STRBUF_INIT;
		int rc;

		strbuf_addf(&path, "%s/%s", dir, names[i]);
		strbuf_addf(&label, "catalog:%s", names[i]);
		rc = import_file(db, path.buf, label.buf, NULL, true);
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
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return result;
}

int tpu_slice_chips(const char *slice, const char **accelerator)
{
	/* prices.md: v4 and v5p slice names count TensorCores (two per chip), v5e/v6e chips. */
	static const struct {
		const char *prefix;
		const char *accelerator;
		int cores_per_chip;
	} families[] = {
		{ "tpu-v5litepod-", "TPU-v5e", 1 },
		{ "tpu-v6e-", "TPU-v6e", 1 },
		{ "tpu-v5p-", "TPU-v5p", 2 },
		{ "tpu-v4-", "TPU-v4", 2 },
		{ "tpu-v3-", "TPU-v3", 2 },
		{ "tpu-v2-", "TPU-v2", 2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		const char *digits = slice + strlen(families[i].prefix);
		char *end;
		long n;

		if (!str_starts_with(slice, families[i].prefix))
			continue;
		if (!isdigit((unsigned char)*digits))
			return -1;
		errno = 0;
		n = strtol(digits, &end, 10);
		if (*end || errno || n <= 0 || n > 1000000 || n % families[i].cores_per_chip)
			return -1;
		*accelerator = families[i].accelerator;
		return (int)(n / families[i].cores_per_chip);
	}
	return -1;
}

/* ---- SkyPilot catalogs ---- */

/* Machine families whose accelerators are built in, priced by GCP as VM + GPU SKUs. */
static int builtin_accelerators(const char *instance_type, const char **accelerator)
{
	static const struct {
		const char *prefix;
		const char *accelerator;
	} families[] = {
		{ "a2-highgpu-", "A100-40GB" }, { "a2-megagpu-", "A100-40GB" },
		{ "a2-ultragpu-", "A100-80GB" }, { "a3-highgpu-", "H100-SXM" },
		{ "a3-megagpu-", "H100-SXM" }, { "a3-edgegpu-", "H100-SXM" },
		{ "a3-ultragpu-", "H200" }, { "a4-highgpu-", "B200" },
	};
	/* g2-standard-N: 1 L4 up to 32 vCPUs, then 2, 4 and 8 (GCP machine-type table). */
	static const struct { int vcpus, gpus; } g2[] = {
		{ 4, 1 }, { 8, 1 }, { 12, 1 }, { 16, 1 }, { 24, 2 }, { 32, 1 }, { 48, 4 }, { 96, 8 },
	};
	char *end;
	long n;

	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		if (!str_starts_with(instance_type, families[i].prefix))
			continue;
		n = strtol(instance_type + strlen(families[i].prefix), &end, 10);
		if (n <= 0 || n > 64 || strcmp(end, "g") != 0)
			return 0;
		*accelerator = families[i].accelerator;
		return (int)n;
	}
	if (str_starts_with(instance_type, "g2-standard-")) {
		n = strtol(instance_type + strlen("g2-standard-"), &end, 10);
		for (size_t i = 0; *end == '\0' && i < ARRAY_SIZE(g2); i++) {
			if (g2[i].vcpus == n) {
				*accelerator = "L4";
				return g2[i].gpus;
			}
		}
	}
	return 0;
}

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

	if (db_find_accelerator(s->db, name, &acc) < 0) {
		error_clear();
		s->stats->unknown_accelerators++;
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
		const char *accelerator;
		int gpus = builtin_accelerators(host->instance_type, &accelerator);

		if (gpus <= 0)
			continue;
		for (size_t a = 0; a < s->naccelerators; a++) {
			const struct sky_part *acc = &s->accelerators[a];
			struct sky_part whole = *host;
			struct strbuf note = STRBUF_INIT;
			int rc;

			if (acc->count != gpus || strcmp(acc->accelerator, accelerator) != 0 ||
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

int skypilot_import_file(struct db *db, const char *path, const char *source_label,
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
	if (csv_read_file(path, sky_record, &s) < 0)
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
	return result;
}
