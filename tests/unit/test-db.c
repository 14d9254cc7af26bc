/* The price store: schema, migrations, seeding, alias matching, filters, snapshots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "gcp-machines.h"
#include "db.h"
#include "util.h"

/* The tests run from the repository root (tests/run-tests cds there). */
#define CATALOG "tests/fixtures/catalog-2025"   /* the small 2025 catalog: numbers below are its */

struct fixture {
	char dir[64];
	struct strbuf path;
	struct db *db;
};

static void assert_close(double got, double want)
{
	if (fabs(got - want) > fabs(want) * 1e-12 + 1e-12)
		fail_msg("got %.17g, want %.17g", got, want);
}

static void assert_error_contains(const char *needle)
{
	if (!strstr(error_get(), needle))
		fail_msg("error \"%s\" does not contain \"%s\"", error_get(), needle);
	error_clear();
}

static int setup_seeded(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/aicost-test-db.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	strbuf_init(&f->path, 0);
	strbuf_addf(&f->path, "%s/sub/dir/prices.db", f->dir);
	f->db = db_open_catalog(f->path.buf, CATALOG);
	if (!f->db) {
		fprintf(stderr, "# %s\n", error_get());
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct strbuf cmd = STRBUF_INIT;

	db_close(f->db);
	strbuf_addf(&cmd, "rm -rf '%s'", f->dir);
	if (system(cmd.buf) != 0)
		return -1;
	strbuf_release(&cmd);
	strbuf_release(&f->path);
	free(f);
	error_free();
	return 0;
}

static void test_purchase_vocabulary(void **state)
{
	(void)state;
	assert_true(purchase_option_valid("on-demand"));
	assert_true(purchase_option_valid("commit-3y"));
	assert_false(purchase_option_valid("ondemand"));
	assert_false(purchase_option_valid(NULL));
	assert_close(purchase_term_hours("reserved-1y"), 8760);
	assert_close(purchase_term_hours("savings-3y"), 26280);   /* 3 × 8760 */
	assert_close(purchase_term_hours("spot"), 0);
}

static void test_default_path(void **state)
{
	struct strbuf path = STRBUF_INIT;

	(void)state;
	setenv("AICOST_DB", "/x/env.db", 1);
	assert_int_equal(db_default_path("/x/flag.db", &path), 0);
	assert_string_equal(path.buf, "/x/flag.db");
	assert_int_equal(db_default_path(NULL, &path), 0);
	assert_string_equal(path.buf, "/x/env.db");
	unsetenv("AICOST_DB");
	setenv("XDG_DATA_HOME", "/x/data", 1);
	assert_int_equal(db_default_path(NULL, &path), 0);
	assert_string_equal(path.buf, "/x/data/aicost/prices.db");
	/* A relative XDG_DATA_HOME is invalid by the spec: fall back to HOME. */
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("HOME", "/x/home", 1);
	assert_int_equal(db_default_path(NULL, &path), 0);
	assert_string_equal(path.buf, "/x/home/.local/share/aicost/prices.db");
	strbuf_release(&path);
}

/* Patches PRAGMA user_version (big-endian at byte 60 of the header) in a closed store. */
static void set_user_version(const char *path, int version)
{
	unsigned char bytes[4] = { (unsigned char)(version >> 24), (unsigned char)(version >> 16),
				   (unsigned char)(version >> 8), (unsigned char)version };
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, bytes, 4, 60), 4);
	close(fd);
}

static void test_schema_and_migrations(void **state)
{
	struct fixture *f = *state;
	struct snapshot_list before, after;

	assert_true(db_schema_version() >= 1);
	assert_int_equal(db_list_snapshots(f->db, &before), 0);
	/* Reopening migrates nothing and seeds nothing a second time. */
	db_close(f->db);
	f->db = db_open_catalog(f->path.buf, CATALOG);
	assert_non_null(f->db);
	assert_int_equal(db_list_snapshots(f->db, &after), 0);
	assert_int_equal(after.n, before.n);
	snapshot_list_release(&before);
	snapshot_list_release(&after);

	/* A store written by a newer aicost is refused, not damaged. */
	db_close(f->db);
	set_user_version(f->path.buf, db_schema_version() + 1);
	f->db = db_open_catalog(f->path.buf, CATALOG);
	assert_null(f->db);
	assert_error_contains("newer than this aicost understands");
	set_user_version(f->path.buf, db_schema_version());
	f->db = db_open_catalog(f->path.buf, CATALOG);
	assert_non_null(f->db);
}

/* The catalog's one AWS H100 offer is still there, at its price. */
static void assert_aws_h100_kept(struct db *db)
{
	struct offer_filter filter = { 0 };
	struct offer_list list;

	filter.accelerator = "h100";
	filter.providers = "aws";
	assert_int_equal(db_query_offers(db, &filter, &list), 0);
	assert_int_equal(list.n, 1);
	assert_close(list.items[0].price_per_hour, 55.04);
	offer_list_release(&list);
}

/*
 * The catalog as a store of an older schema can hold it: CATALOG without the
 * storage classes schema step 10 added (parallel-fs-250|500|1000), in F's dir.
 */
static const char *old_catalog(struct fixture *f)
{
	static const char *const files[] = { "accelerators.csv", "aws.csv", "azure.csv",
					     "egress.csv", "gcp.csv", "gpu-clouds.csv",
					     "onprem.csv" };
	static char dir[128];
	char line[4096], *from;
	FILE *in, *out;

	snprintf(dir, sizeof(dir), "%s/old-catalog", f->dir);
	if (access(dir, F_OK) == 0)
		return dir;
	assert_int_equal(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char target[256], link[256];

		snprintf(target, sizeof(target), "%s/%s", CATALOG, files[i]);
		snprintf(link, sizeof(link), "%s/%s", dir, files[i]);
		from = realpath(target, NULL);
		assert_non_null(from);
		assert_int_equal(symlink(from, link), 0);
		free(from);
	}
	in = fopen(CATALOG "/storage.csv", "r");
	snprintf(line, sizeof(line), "%s/storage.csv", dir);
	out = fopen(line, "w");
	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in))
		if (!strstr(line, ",parallel-fs-"))
			fputs(line, out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	return dir;
}

/* A store left by schema v1 gains v2's index on open and keeps its prices. */
static void test_migration_from_v1(void **state)
{
	struct fixture *f = *state;
	struct strbuf old = STRBUF_INIT;
	struct db *db;
	int version;

	strbuf_addf(&old, "%s/v1.db", f->dir);
	db = db_open_version(old.buf, old_catalog(f), 1);
	assert_non_null(db);
	assert_int_equal(db_user_version(db, &version), 0);
	assert_int_equal(version, 1);
	db_close(db);
	db = db_open_catalog(old.buf, CATALOG);
	assert_non_null(db);
	assert_int_equal(db_user_version(db, &version), 0);
	assert_int_equal(version, db_schema_version());
	assert_aws_h100_kept(db);
	/* Step 10: a parallel file system's throughput tier is a storage class now. */
	{
		struct storage_price tier = { .provider = "aws", .region = "us-east-1",
			.storage_class = "parallel-fs-1000", .product = "FSx for Lustre (1000)",
			.price_per_gb_month = 0.6, .confidence = "approx",
			.source = "https://aws.amazon.com/fsx/lustre/pricing/", .observed = "2025" };
		struct storage_price got;
		int64_t snap = db_snapshot_begin(db, "aws", "storage.csv");

		assert_true(snap > 0);
		assert_int_equal(db_snapshot_add_storage_price(db, snap, &tier), 0);
		assert_int_equal(db_snapshot_commit(db, snap), 0);
		assert_int_equal(db_storage_price(db, "aws", "us-east-1", "parallel-fs-1000", &got), 0);
		assert_close(got.price_per_gb_month, 0.6);
		storage_price_release(&got);
	}
	db_close(db);
	strbuf_release(&old);
}

/* Reads the one current aws offer of PURCHASE in us-east-1 (p5.48xlarge). */
static struct offer_list p5_offers(struct db *db, const char *purchase)
{
	struct offer_filter filter = { 0 };
	struct offer_list list;

	filter.providers = "aws";
	filter.region_glob = "us-east-1";
	filter.instance_type = "p5.48xlarge";
	filter.purchase = purchase;
	assert_int_equal(db_query_offers(db, &filter, &list), 0);
	assert_int_equal(list.n, 1);
	return list;
}

/*
 * Schema 3 adds offers.interruptions_per_month: a v2 store keeps its prices, and
 * the AWS spot rows whose note names a Spot Advisor bucket get its midpoint.
 */
static void test_migration_from_v2(void **state)
{
	struct fixture *f = *state;
	struct strbuf old = STRBUF_INIT;
	struct offer_list list;
	struct offer o = { 0 };
	struct db *db;
	int64_t snap;
	int version;

	strbuf_addf(&old, "%s/v2.db", f->dir);
	db = db_open_version(old.buf, old_catalog(f), 2);
	assert_non_null(db);
	assert_int_equal(db_user_version(db, &version), 0);
	assert_int_equal(version, 2);
	/* what pricing update stored before: the bucket only as text */
	snap = db_snapshot_begin(db, "aws", "https://example.test/spot.json");
	assert_true(snap > 0);
	o.provider = "aws";
	o.region = "us-east-1";
	o.instance_type = "p5.48xlarge";
	o.accelerator = "H100-SXM";
	o.accelerator_count = 8;
	o.purchase = "spot";
	o.price_per_hour = 15.0;
	o.observed = "2026-11-01";
	o.source = "https://example.test/spot.json";
	o.confidence = "exact";
	o.note = "interruption 10-15% per month (Spot Advisor bucket 2)";
	o.interruptions_per_month = NAN;
	assert_int_equal(db_snapshot_add_offer(db, snap, &o), 0);
	o.purchase = "on-demand";
	o.price_per_hour = 55.04;
	o.note = NULL;
	assert_int_equal(db_snapshot_add_offer(db, snap, &o), 0);
	o.region = "us-west-2";
	o.purchase = "spot";
	o.price_per_hour = 16.0;
	o.note = "spot above on-demand (10)";   /* no bucket: stays unknown */
	assert_int_equal(db_snapshot_add_offer(db, snap, &o), 0);
	assert_int_equal(db_snapshot_commit(db, snap), 0);
	db_close(db);

	db = db_open_catalog(old.buf, CATALOG);
	assert_non_null(db);
	assert_int_equal(db_user_version(db, &version), 0);
	assert_int_equal(version, db_schema_version());
	assert_true(version >= 3);
	list = p5_offers(db, "spot");
	assert_string_equal(list.items[0].region, "us-east-1");
	assert_close(list.items[0].price_per_hour, 15.0);
	assert_close(list.items[0].interruptions_per_month, 0.125);   /* (10% + 15%) / 2 */
	offer_list_release(&list);
	list = p5_offers(db, "on-demand");
	assert_true(isnan(list.items[0].interruptions_per_month));
	offer_list_release(&list);
	assert_int_equal(db_offer_history(db, "p5.48xlarge", "us-west-2", &list), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.items[0].purchase, "spot");
	assert_true(isnan(list.items[0].interruptions_per_month));
	offer_list_release(&list);
	db_close(db);
	strbuf_release(&old);
}

/*
 * Schema 4 keys "current" by purchase option too. A v3 store where an import of
 * on-demand prices for us-central1 hid the catalog's TPU commitments shows them
 * again after the migration; on-demand stays the import's; egress is untouched.
 */
static void test_migration_from_v3(void **state)
{
	struct fixture *f = *state;
	struct strbuf old = STRBUF_INIT;
	struct offer_filter filter = { 0 };
	struct egress_tier_list tiers;
	struct offer_list list;
	struct offer o = { 0 };
	struct db *db;
	int64_t snap;

	strbuf_addf(&old, "%s/v3.db", f->dir);
	db = db_open_version(old.buf, old_catalog(f), 3);
	assert_non_null(db);
	snap = db_snapshot_begin(db, "gcp", "sky.csv");
	assert_true(snap > 0);
	o.provider = "gcp";
	o.region = "us-central1";
	o.zone = "us-central1-a";
	o.instance_type = "tpu-v5litepod-8";
	o.accelerator = "TPU-v5e";
	o.accelerator_count = 8;
	o.purchase = "on-demand";
	o.price_per_hour = 12.48;
	o.observed = "2026-11-01";
	o.source = "sky.csv";
	o.confidence = "exact";
	o.interruptions_per_month = NAN;
	assert_int_equal(db_snapshot_add_offer(db, snap, &o), 0);
	assert_int_equal(db_snapshot_commit(db, snap), 0);
	db_close(db);

	db = db_open_catalog(old.buf, CATALOG);
	assert_non_null(db);
	filter.instance_type = "tpu-v5litepod-8";
	filter.purchase = "commit-1y";
	assert_int_equal(db_query_offers(db, &filter, &list), 0);
	assert_int_equal(list.n, 1);
	assert_close(list.items[0].price_per_hour, 6.72);   /* the catalog's, visible again */
	offer_list_release(&list);
	filter.purchase = "on-demand";
	assert_int_equal(db_query_offers(db, &filter, &list), 0);
	assert_int_equal(list.n, 1);   /* the import's zone price; the catalog's 9.6 hidden */
	assert_close(list.items[0].price_per_hour, 12.48);
	offer_list_release(&list);
	assert_int_equal(db_egress_tiers(db, "aws", "us-east-1", "internet", &tiers), 0);
	assert_true(tiers.n > 1);
	egress_tier_list_release(&tiers);
	db_close(db);
	strbuf_release(&old);
}

/* Runs SQL on the store at PATH through SQLite itself: its result code. */
static int raw_sql(const char *path, const char *sql)
{
	sqlite3 *handle;
	int rc;

	assert_int_equal(sqlite3_open(path, &handle), SQLITE_OK);
	rc = sqlite3_exec(handle, sql, NULL, NULL, NULL);
	sqlite3_close(handle);
	return rc;
}

/* The integer a one-value query on the store at PATH answers. */
static int raw_int(const char *path, const char *sql)
{
	sqlite3 *handle;
	sqlite3_stmt *st;
	int value;

	assert_int_equal(sqlite3_open(path, &handle), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(handle, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	value = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(handle);
	return value;
}

/*
 * Schema 6 writes the offers' enumeration CHECKs as comparisons (an IN list cost
 * SQLite a temporary index per row): a v5 store keeps its offers, and SQLite still
 * refuses an unknown purchase option or component written past aicost.
 */
static void test_migration_from_v5(void **state)
{
	struct fixture *f = *state;
	struct strbuf old = STRBUF_INIT;
	struct db *db;
	static const char *const in_lists =
		"SELECT (sql LIKE '% IN (''instance''%') + (sql LIKE '% IN (''on-demand''%')"
		" FROM sqlite_schema WHERE name = 'offers'";
	static const char *const insert =
		"INSERT INTO offers(snapshot_id, provider, region, instance_type, component,"
		" accelerator_count, purchase, price_per_hour, currency, observed, source,"
		" confidence) SELECT snapshot_id, provider, region, 'x.large', '%s', 0, '%s', 1,"
		" 'USD', '2026-01-01', 's', 'exact' FROM offers LIMIT 1";
	char sql[512];

	strbuf_addf(&old, "%s/v5.db", f->dir);
	db = db_open_version(old.buf, old_catalog(f), 5);
	assert_non_null(db);
	db_close(db);
	assert_int_equal(raw_int(old.buf, in_lists), 2);
	db = db_open_catalog(old.buf, CATALOG);
	assert_non_null(db);
	assert_aws_h100_kept(db);
	db_close(db);
	/* No IN list is left, and no index by snapshot; the rules still hold. */
	assert_int_equal(raw_int(old.buf, in_lists), 0);
	assert_int_equal(raw_int(old.buf, "SELECT count(*) FROM sqlite_schema"
				 " WHERE name = 'offers_by_snapshot'"), 0);
	snprintf(sql, sizeof(sql), insert, "instance", "weekly");
	assert_int_equal(raw_sql(old.buf, sql), SQLITE_CONSTRAINT);
	snprintf(sql, sizeof(sql), insert, "rack", "spot");
	assert_int_equal(raw_sql(old.buf, sql), SQLITE_CONSTRAINT);
	snprintf(sql, sizeof(sql), insert, "host", "commit-3y");
	assert_int_equal(raw_sql(old.buf, sql), SQLITE_OK);
	assert_int_equal(raw_int(old.buf, "SELECT count(*) FROM pragma_integrity_check"
				 " WHERE integrity_check != 'ok'"), 0);
	strbuf_release(&old);
}

static void test_not_a_database(void **state)
{
	struct fixture *f = *state;
	struct strbuf junk = STRBUF_INIT;
	static const char garbage[] = "this is not an SQLite database, just some text.\n";
	struct db *db;

	strbuf_addf(&junk, "%s/junk.db", f->dir);
	assert_int_equal(atomic_write_file(junk.buf, garbage, sizeof(garbage) - 1), 0);
	db = db_open_catalog(junk.buf, CATALOG);
	assert_null(db);
	assert_error_contains("not a usable aicost price store");
	strbuf_release(&junk);
}

/* A catalog offer naming a chip the catalog does not describe is a typo, not a new chip. */
static void test_catalog_names_known_chips(void **state)
{
	struct fixture *f = *state;
	struct strbuf dir = STRBUF_INIT, file = STRBUF_INIT, cmd = STRBUF_INIT, db_path = STRBUF_INIT;
	static const char offers[] =
		"provider,region,instance_type,accelerator,accelerator_count,purchase,"
		"price_per_hour,confidence,source,observed\n"
		"aws,us-east-1,p5.48xlarge,H10O,8,on-demand,55.04,exact,test,2025\n";
	struct db *db;

	strbuf_addf(&dir, "%s/catalog", f->dir);
	strbuf_addf(&cmd, "mkdir -p '%s' && cp " CATALOG "/accelerators.csv '%s'", dir.buf, dir.buf);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_addf(&file, "%s/aws.csv", dir.buf);
	assert_int_equal(atomic_write_file(file.buf, offers, sizeof(offers) - 1), 0);
	strbuf_addf(&db_path, "%s/typo.db", f->dir);
	db = db_open_catalog(db_path.buf, dir.buf);
	assert_null(db);
	assert_error_contains("aws.csv:2:27: accelerator: unknown accelerator 'H10O'");
	strbuf_release(&dir);
	strbuf_release(&file);
	strbuf_release(&cmd);
	strbuf_release(&db_path);
}

/*
 * A first use builds the store beside its path and puts it there whole: a catalog
 * that fails leaves neither the store nor the file it was built in, and SQLite's
 * ":memory:" stays in memory.
 */
/* Writes TEXT (LEN bytes) to DIR/NAME. */
static void put_file(const char *dir, const char *name, const char *text, size_t len)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "%s/%s", dir, name);
	assert_int_equal(atomic_write_file(path.buf, text, len), 0);
	strbuf_release(&path);
}

static char *fingerprint(const char *dir)
{
	struct strbuf out = STRBUF_INIT;

	assert_int_equal(catalog_fingerprint(dir, &out), 0);
	return strbuf_detach(&out, NULL);
}

/* The fingerprint a pre-built store must match: every byte and name of the *.csv files. */
static void test_catalog_fingerprint(void **state)
{
	struct fixture *f = *state;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, out = STRBUF_INIT;
	size_t big_len = 200003;   /* three 64 KiB blocks and a tail that is no whole word */
	char *big = xmalloc(big_len), *first, *next;

	for (size_t i = 0; i < big_len; i++)
		big[i] = (char)('a' + i % 23);
	strbuf_addf(&a, "%s/fp-a", f->dir);
	strbuf_addf(&b, "%s/fp-b", f->dir);
	assert_int_equal(mkdir(a.buf, 0755), 0);
	assert_int_equal(mkdir(b.buf, 0755), 0);
	put_file(a.buf, "accelerators.csv", "name\n", 5);
	put_file(a.buf, "big.csv", big, big_len);
	put_file(b.buf, "accelerators.csv", "name\n", 5);
	put_file(b.buf, "big.csv", big, big_len);
	first = fingerprint(a.buf);
	assert_true(strncmp(first, "2 files, ", 9) == 0 && strlen(first) == 9 + 16);
	/* the same files elsewhere: the same fingerprint; other files beside do not count */
	put_file(b.buf, "catalog.db", "x", 1);
	put_file(b.buf, "notes.txt", "x", 1);
	next = fingerprint(b.buf);
	assert_string_equal(next, first);
	free(next);
	/* one byte changed in a middle block, in the tail, a byte added, a file renamed */
	big[70000] = 'Z';
	put_file(b.buf, "big.csv", big, big_len);
	next = fingerprint(b.buf);
	assert_string_not_equal(next, first);
	free(next);
	big[70000] = (char)('a' + 70000 % 23);
	big[big_len - 1] = 'Z';
	put_file(b.buf, "big.csv", big, big_len);
	next = fingerprint(b.buf);
	assert_string_not_equal(next, first);
	free(next);
	big[big_len - 1] = (char)('a' + (big_len - 1) % 23);
	put_file(b.buf, "big.csv", big, big_len - 1);
	next = fingerprint(b.buf);
	assert_string_not_equal(next, first);
	free(next);
	put_file(b.buf, "big.csv", big, big_len);
	next = fingerprint(b.buf);
	assert_string_equal(next, first);
	free(next);
	/*
	 * Two edits in the top byte of two words (offsets 7 and 23: 'h' -> 'H',
	 * 'a' -> 'A') cancelled each other under a multiply-only step, whose
	 * top-byte differences never reach the low bits (found by review).
	 */
	big[7] = 'H';
	big[23] = 'A';
	put_file(b.buf, "big.csv", big, big_len);
	next = fingerprint(b.buf);
	assert_string_not_equal(next, first);
	free(next);
	big[7] = (char)('a' + 7 % 23);
	big[23] = (char)('a' + 23 % 23);
	put_file(b.buf, "big.csv", big, big_len);
	strbuf_addf(&out, "%s/bug.csv", b.buf);
	strbuf_addf(&b, "/big.csv");
	assert_int_equal(rename(b.buf, out.buf), 0);
	strbuf_setlen(&b, b.len - strlen("/big.csv"));
	next = fingerprint(b.buf);
	assert_string_not_equal(next, first);
	free(next);
	/* a directory that cannot be read */
	strbuf_reset(&a);
	strbuf_addf(&a, "%s/none", f->dir);
	assert_int_equal(catalog_fingerprint(a.buf, &out), -1);
	error_clear();
	strbuf_release(&out);
	free(first);
	free(big);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_first_use_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct strbuf dir = STRBUF_INIT, file = STRBUF_INIT, cmd = STRBUF_INIT, path = STRBUF_INIT;
	static const char offers[] =
		"provider,region,instance_type,accelerator,accelerator_count,purchase,"
		"price_per_hour,confidence,source,observed\n"
		"aws,us-east-1,p5.48xlarge,H100,8,on-demand,-1,exact,test,2025\n";
	char cwd[4096];
	struct dirent *entry;
	struct db *db;
	DIR *d;

	strbuf_addf(&dir, "%s/bad-catalog", f->dir);
	strbuf_addf(&cmd, "mkdir -p '%s' && cp " CATALOG "/accelerators.csv '%s'", dir.buf, dir.buf);
	assert_int_equal(system(cmd.buf), 0);
	strbuf_addf(&file, "%s/aws.csv", dir.buf);
	assert_int_equal(atomic_write_file(file.buf, offers, sizeof(offers) - 1), 0);
	strbuf_addf(&path, "%s/new/bad.db", f->dir);
	assert_null(db_open_catalog(path.buf, dir.buf));
	error_clear();
	strbuf_reset(&cmd);
	strbuf_addf(&cmd, "%s/new", f->dir);
	d = opendir(cmd.buf);
	assert_non_null(d);
	while ((entry = readdir(d)) != NULL)
		if (entry->d_name[0] != '.')
			fail_msg("a failed first use left %s", entry->d_name);
	closedir(d);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	strbuf_reset(&dir);
	strbuf_addf(&dir, "%s/%s", cwd, CATALOG);
	assert_int_equal(chdir(f->dir), 0);
	db = db_open_catalog(":memory:", dir.buf);
	assert_int_equal(chdir(cwd), 0);
	assert_non_null(db);
	db_close(db);
	strbuf_reset(&file);
	strbuf_addf(&file, "%s/:memory:", f->dir);
	assert_int_equal(access(file.buf, F_OK), -1);
	strbuf_release(&dir);
	strbuf_release(&file);
	strbuf_release(&cmd);
	strbuf_release(&path);
}

static void test_seeded_catalog(void **state)
{
	struct fixture *f = *state;
	struct snapshot_list snaps;
	struct fact fact;
	size_t offers = 0;

	assert_int_equal(db_list_snapshots(f->db, &snaps), 0);
	/* aws, azure, gcp, lambda, coreweave, runpod offers + aws/azure/gcp egress and storage */
	assert_true(snaps.n >= 12);
	for (size_t i = 0; i < snaps.n; i++) {
		assert_string_equal(snaps.items[i].status, "ok");
		assert_true(str_starts_with(snaps.items[i].source, "catalog:"));
		offers += (size_t)snaps.items[i].offer_rows;
	}
	assert_true(offers >= 40);
	snapshot_list_release(&snaps);

	/* EIA 2024 US industrial average, prices.md */
	assert_int_equal(db_fact(f->db, "power-price-us-industrial", &fact), 0);
	assert_close(fact.low, 0.0806);
	assert_string_equal(fact.unit, "USD/kWh");
	fact_release(&fact);
	assert_int_equal(db_fact(f->db, "no-such-figure", &fact), -1);
	assert_error_contains("no reference figure");
}

static void expect_accelerator(struct db *db, const char *name, const char *canonical,
			       bool ambiguous)
{
	struct accelerator a;

	if (db_find_accelerator(db, name, &a) < 0)
		fail_msg("'%s': %s", name, error_get());
	assert_string_equal(a.name, canonical);
	assert_int_equal(a.ambiguous, ambiguous);
	accelerator_release(&a);
}

static void test_alias_matching(void **state)
{
	struct fixture *f = *state;
	struct accelerator a;

	expect_accelerator(f->db, "h100", "H100-SXM", false);
	expect_accelerator(f->db, "H100-SXM", "H100-SXM", false);
	expect_accelerator(f->db, "NVIDIA H100 80GB HBM3", "H100-SXM", false);
	expect_accelerator(f->db, "nvidia h100-sxm", "H100-SXM", false);
	expect_accelerator(f->db, "nvidia-tesla-t4", "T4", false);
	expect_accelerator(f->db, "A100-SXM4-80GB", "A100-80GB", false);
	expect_accelerator(f->db, "A100", "A100-80GB", true);
	/* A vendor prefix does not make a bare "A100" any less ambiguous. */
	expect_accelerator(f->db, "NVIDIA A100", "A100-80GB", true);
	expect_accelerator(f->db, "nvidia-a100", "A100-80GB", true);
	expect_accelerator(f->db, "a100 40gb", "A100-40GB", false);
	expect_accelerator(f->db, "v5litepod", "TPU-v5e", false);
	expect_accelerator(f->db, "tpu-v5-lite-podslice", "TPU-v5e", false);
	expect_accelerator(f->db, "v5p", "TPU-v5p", false);
	expect_accelerator(f->db, "Trillium", "TPU-v6e", false);
	expect_accelerator(f->db, "v6e", "TPU-v6e", false);
	/* GKE's node labels (cloud.google.com/gke-tpu-accelerator) for each TPU generation */
	expect_accelerator(f->db, "tpu-v4-podslice", "TPU-v4", false);
	expect_accelerator(f->db, "tpu-v5p-slice", "TPU-v5p", false);
	expect_accelerator(f->db, "tpu-v6e-slice", "TPU-v6e", false);

	/* Specs carry over from accelerators.md: dense BF16, never the sparse figure. */
	assert_int_equal(db_find_accelerator(f->db, "h100", &a), 0);
	assert_close(a.bf16_tflops, 989);
	assert_close(a.fp8_tflops, 1979);
	assert_close(a.memory_gb, 80);
	assert_close(a.hbm_tbps, 3.35);
	assert_close(a.tdp_w, 700);
	assert_string_equal(a.kind, "gpu");
	assert_true(a.naliases > 3);
	accelerator_release(&a);

	assert_int_equal(db_find_accelerator(f->db, "H1000", &a), -1);
	assert_error_contains("unknown accelerator 'H1000'; did you mean");
	assert_int_equal(db_find_accelerator(f->db, "", &a), -1);
	assert_error_contains("unknown accelerator");
}

static const struct offer *find_offer(const struct offer_list *list, const char *instance,
				      const char *purchase)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->items[i].instance_type, instance) == 0 &&
		    strcmp(list->items[i].purchase, purchase) == 0)
			return &list->items[i];
	return NULL;
}

static void test_filters(void **state)
{
	struct fixture *f = *state;
	struct offer_filter filter = { 0 };
	struct offer_list list;
	const struct offer *o;

	/* by accelerator alias: AWS, Azure, GCP and the GPU clouds all have H100s */
	filter.accelerator = "NVIDIA H100 80GB HBM3";
	assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
	assert_non_null(find_offer(&list, "p5.48xlarge", "on-demand"));
	assert_non_null(find_offer(&list, "Standard_ND96isr_H100_v5", "spot"));
	assert_non_null(find_offer(&list, "a3-highgpu-8g", "on-demand"));
	assert_non_null(find_offer(&list, "gpu_8x_h100_sxm5", "on-demand"));
	for (size_t i = 0; i < list.n; i++) {
		assert_string_equal(list.items[i].accelerator, "H100-SXM");
		/* host VM and attached-GPU parts are not whole instances */
		assert_string_equal(list.items[i].component, "instance");
	}
	o = find_offer(&list, "p5.48xlarge", "on-demand");
	assert_close(o->price_per_hour, 55.04);
	assert_int_equal(o->accelerator_count, 8);
	assert_close(o->accelerator_memory_gb, 80);
	assert_close(o->bf16_tflops, 989);
	assert_string_equal(o->observed, "2025");
	assert_string_equal(o->confidence, "exact");
	offer_list_release(&list);

	/* providers, region glob, purchase */
	memset(&filter, 0, sizeof(filter));
	filter.providers = "azure,lambda";
	filter.purchase = "spot";
	assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
	assert_int_equal(list.n, 4);   /* the four Azure sizes have spot prices */
	for (size_t i = 0; i < list.n; i++)
		assert_string_equal(list.items[i].provider, "azure");
	offer_list_release(&list);

	memset(&filter, 0, sizeof(filter));
	filter.region_glob = "US-EAST*";   /* case-insensitive */
	assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
	assert_non_null(find_offer(&list, "p5.48xlarge", "on-demand"));
	assert_non_null(find_offer(&list, "a3-highgpu-8g", "on-demand"));
	for (size_t i = 0; i < list.n; i++)
		assert_true(str_starts_with(list.items[i].region, "us-east"));
	offer_list_release(&list);

	/* min accelerators, min memory per accelerator, max price */
	memset(&filter, 0, sizeof(filter));
	filter.min_accelerators = 8;
	filter.min_memory_gb = 141;
	assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
	assert_int_equal(list.n, 2);   /* p5en (8 × H200 141 GB), p6-b200 (8 × B200 180 GB) */
	offer_list_release(&list);

	memset(&filter, 0, sizeof(filter));
	filter.max_price = 0.6;
	assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
	/* g4dn.xlarge 0.526 and TPU v5e/v6e commitments 0.54 per chip */
	assert_non_null(find_offer(&list, "g4dn.xlarge", "on-demand"));
	for (size_t i = 0; i < list.n; i++)
		assert_true(list.items[i].price_per_hour <= 0.6);
	offer_list_release(&list);

	memset(&filter, 0, sizeof(filter));
	filter.instance_type = "tpu-v5p-8";
	assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
	assert_int_equal(list.n, 3);
	o = find_offer(&list, "tpu-v5p-8", "commit-1y");
	assert_close(o->price_per_hour, 11.76);   /* 4 chips × 2.94 */
	assert_int_equal(o->accelerator_count, 4);
	offer_list_release(&list);

	/* the VM + GPU split of GCP is kept as parts */
	memset(&filter, 0, sizeof(filter));
	filter.providers = "gcp";
	filter.all_components = true;
	filter.region_glob = "us-central1";
	assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
	o = find_offer(&list, "A100-40GB:1", "on-demand");
	assert_non_null(o);
	assert_string_equal(o->component, "accelerator");
	assert_close(o->price_per_hour, 2.93391);
	offer_list_release(&list);

	memset(&filter, 0, sizeof(filter));
	filter.accelerator = "not-a-chip";
	assert_int_equal(db_query_offers(f->db, &filter, &list), -1);
	assert_error_contains("unknown accelerator");
	memset(&filter, 0, sizeof(filter));
	filter.purchase = "weekly";
	assert_int_equal(db_query_offers(f->db, &filter, &list), -1);
	assert_error_contains("unknown purchase option 'weekly'");
}

static void test_egress_tiers(void **state)
{
	struct fixture *f = *state;
	struct egress_tier_list tiers;

	/* AWS: 100 GB free, then 0.09 to 10 TB, 0.085, 0.07, 0.05 beyond 150 TB (prices.md) */
	assert_int_equal(db_egress_tiers(f->db, "aws", "us-east-1", "internet", &tiers), 0);
	assert_int_equal(tiers.n, 5);
	assert_string_equal(tiers.items[0].scope, "global");   /* fell back to global */
	assert_close(tiers.items[0].start_gb, 0);
	assert_close(tiers.items[0].end_gb, 100);
	assert_close(tiers.items[0].price_per_gb, 0);
	assert_close(tiers.items[1].price_per_gb, 0.09);
	assert_close(tiers.items[1].end_gb, 10240);
	assert_close(tiers.items[4].start_gb, 153600);
	assert_true(isinf(tiers.items[4].end_gb));
	assert_close(tiers.items[4].price_per_gb, 0.05);
	for (size_t i = 1; i < tiers.n; i++)
		assert_close(tiers.items[i].start_gb, tiers.items[i - 1].end_gb);
	egress_tier_list_release(&tiers);

	assert_int_equal(db_egress_tiers(f->db, "gcp", NULL, "internet", &tiers), 0);
	assert_int_equal(tiers.n, 3);
	assert_close(tiers.items[0].price_per_gb, 0.12);
	egress_tier_list_release(&tiers);

	assert_int_equal(db_egress_tiers(f->db, "aws", NULL, "inter-zone", &tiers), 0);
	assert_close(tiers.items[0].price_per_gb, 0.01);
	egress_tier_list_release(&tiers);

	/* Lambda publishes no transfer charges: one free tier, not "unknown". */
	assert_int_equal(db_egress_tiers(f->db, "lambda", NULL, "internet", &tiers), 0);
	assert_int_equal(tiers.n, 1);
	assert_close(tiers.items[0].price_per_gb, 0);
	egress_tier_list_release(&tiers);
	assert_int_equal(db_egress_tiers(f->db, "vast", NULL, "internet", &tiers), -1);
	assert_error_contains("no internet egress prices for provider 'vast'");
}

static void test_storage_prices(void **state)
{
	struct fixture *f = *state;
	struct storage_price p;

	assert_int_equal(db_storage_price(f->db, "aws", "us-east-1", "hot", &p), 0);
	assert_close(p.price_per_gb_month, 0.023);
	assert_string_equal(p.product, "S3 Standard");
	storage_price_release(&p);
	/* Another region falls back to the provider's catalog region and says so. */
	assert_int_equal(db_storage_price(f->db, "gcp", "europe-west4", "archive", &p), 0);
	assert_close(p.price_per_gb_month, 0.0012);
	assert_string_equal(p.region, "us-central1");
	storage_price_release(&p);
	assert_int_equal(db_storage_price(f->db, "aws", "us-east-1", "parallel-fs", &p), 0);
	assert_close(p.price_per_gb_month, 0.145);
	assert_string_equal(p.confidence, "approx");
	storage_price_release(&p);
	/* its throughput tiers (FSx for Lustre Persistent-2, pricing/storage.csv) */
	assert_int_equal(db_storage_price(f->db, "aws", "us-east-1", "parallel-fs-1000", &p), 0);
	assert_close(p.price_per_gb_month, 0.6);
	storage_price_release(&p);
	/* Block storage on every cloud, so that the hot share is like for like. */
	assert_int_equal(db_storage_price(f->db, "azure", "eastus", "block", &p), 0);
	assert_close(p.price_per_gb_month, 0.0812);
	storage_price_release(&p);
	assert_int_equal(db_storage_price(f->db, "gcp", "us-central1", "block", &p), 0);
	assert_close(p.price_per_gb_month, 0.10);
	storage_price_release(&p);
	/* A GPU cloud's one price stands for all its regions. */
	assert_int_equal(db_storage_price(f->db, "runpod", "us", "block", &p), 0);
	assert_close(p.price_per_gb_month, 0.07);
	assert_string_equal(p.region, "global");
	storage_price_release(&p);
	assert_int_equal(db_storage_price(f->db, "vast", "US", "block", &p), -1);
	assert_error_contains("no block storage price for provider 'vast'");
}

static struct offer test_offer(const char *region, const char *purchase, double price)
{
	struct offer o = { 0 };

	o.provider = "aws";
	o.region = (char *)region;
	o.instance_type = "p5.48xlarge";
	o.accelerator = "H100-SXM";
	o.accelerator_count = 8;
	o.vcpus = 192;
	o.memory_gib = 2048;
	o.purchase = (char *)purchase;
	o.price_per_hour = price;
	o.currency = "USD";
	o.observed = "2026-11-27";
	o.source = "test";
	o.confidence = "exact";
	o.interruptions_per_month = NAN;
	return o;
}

static double current_price(struct db *db, const char *region, const char *purchase)
{
	struct offer_filter filter = { 0 };
	struct offer_list list;
	double price = NAN;

	filter.instance_type = "p5.48xlarge";
	filter.region_glob = region;
	filter.purchase = purchase;
	assert_int_equal(db_query_offers(db, &filter, &list), 0);
	if (list.n == 1)
		price = list.items[0].price_per_hour;
	assert_true(list.n <= 1);
	offer_list_release(&list);
	return price;
}

/* Offer I of the batch test: its own region, every other one spot, some with a chip alias. */
static struct offer batch_offer(const char *prefix, size_t i, char *region, size_t size)
{
	struct offer o = test_offer(region, i % 2 ? "spot" : "on-demand", 1.0 + (double)i);

	snprintf(region, size, "%s-%02zu", prefix, i / 2);
	o.zone = i % 3 == 0 ? region : NULL;
	o.accelerator = i % 5 == 0 ? NULL : i % 5 == 1 ? "h100" : "H100-SXM";
	o.accelerator_count = i % 5 == 0 ? 0 : 8;
	o.instance_type = i % 5 == 0 ? "m7i.48xlarge" : "p5.48xlarge";
	return o;
}

/*
 * db_snapshot_add_offers stores what db_snapshot_add_offer stores, row for row,
 * 16 to a statement and the rest one by one (40 = 16 + 16 + 8), and counts them
 * for the snapshot alike; a refused row, in a batch or after, is named by its
 * index with db_snapshot_add_offer's message, and what comes after it is not stored.
 */
static void test_snapshot_add_offers_in_batches(void **state)
{
	struct fixture *f = *state;
	static char regions[2][40][16];
	struct offer batch[40], one_by_one[40];
	const char *prefixes[2] = { "batch", "single" }, *globs[2] = { "batch-*", "single-*" };
	struct offer_list lists[2];
	struct snapshot_list snaps;
	size_t failed = 99;
	int64_t snap;

	for (int k = 0; k < 2; k++) {
		struct offer *rows = k == 0 ? batch : one_by_one;
		struct offer_filter filter = { 0 };

		snap = db_snapshot_begin(f->db, "aws", "https://example.test/batch");
		assert_true(snap > 0);
		for (size_t i = 0; i < 40; i++)
			rows[i] = batch_offer(prefixes[k], i, regions[k][i], sizeof(regions[k][i]));
		if (k == 0)
			assert_int_equal(db_snapshot_add_offers(f->db, snap, rows, 40, &failed), 0);
		for (size_t i = 0; k == 1 && i < 40; i++)
			assert_int_equal(db_snapshot_add_offer(f->db, snap, &rows[i]), 0);
		assert_int_equal(db_snapshot_commit(f->db, snap), 0);
		filter.region_glob = globs[k];
		filter.all_components = true;
		assert_int_equal(db_query_offers(f->db, &filter, &lists[k]), 0);
	}
	assert_int_equal(lists[0].n, 40);
	assert_int_equal(lists[1].n, 40);
	for (size_t i = 0; i < 40; i++) {
		const struct offer *a = &lists[0].items[i], *b = &lists[1].items[i];

		assert_string_equal(a->region + strlen("batch"), b->region + strlen("single"));
		assert_true((a->zone == NULL) == (b->zone == NULL));
		if (a->zone)
			assert_string_equal(a->zone, a->region);
		assert_string_equal(a->instance_type, b->instance_type);
		assert_true((a->accelerator == NULL) == (b->accelerator == NULL));
		if (a->accelerator)
			assert_string_equal(a->accelerator, "H100-SXM");
		if (b->accelerator)
			assert_string_equal(b->accelerator, "H100-SXM");
		assert_string_equal(a->purchase, b->purchase);
		assert_true(a->price_per_hour == b->price_per_hour);
		assert_true(a->accelerator_count == b->accelerator_count);
		assert_string_equal(a->interconnect ? a->interconnect : "",
				    b->interconnect ? b->interconnect : "");
	}
	offer_list_release(&lists[0]);
	offer_list_release(&lists[1]);
	assert_int_equal(db_list_snapshots(f->db, &snaps), 0);
	for (size_t i = 0; i < snaps.n; i++)
		if (strcmp(snaps.items[i].source, "https://example.test/batch") == 0)
			assert_int_equal(snaps.items[i].offer_rows, 40);
	snapshot_list_release(&snaps);

	/* A duplicate inside the second batch (21 repeats 20's key), a bad price in
	 * the first, a bad price among the last few. */
	for (int k = 0; k < 3; k++) {
		const size_t bad[3] = { 21, 5, 36 };

		snap = db_snapshot_begin(f->db, "aws", "https://example.test/refused");
		for (size_t i = 0; i < 40; i++)
			batch[i] = batch_offer("batch", i, regions[0][i], sizeof(regions[0][i]));
		if (k == 0) {
			batch[21] = batch[20];
			assert_int_equal(db_snapshot_add_offers(f->db, snap, batch, 40, &failed), 1);
			assert_error_contains("duplicate of a row already in this snapshot");
		} else {
			batch[bad[k]].price_per_hour = -1;
			assert_int_equal(db_snapshot_add_offers(f->db, snap, batch, 40, &failed), -1);
			assert_error_contains("price per hour must be a non-negative number");
		}
		assert_int_equal(failed, bad[k]);
		db_snapshot_rollback(f->db, snap);
	}
}

static void test_snapshot_writes(void **state)
{
	struct fixture *f = *state;
	struct offer o;
	struct offer_list history;
	int64_t snap;

	/* A rolled-back snapshot leaves the previous prices untouched. */
	snap = db_snapshot_begin(f->db, "aws", "https://example.test/prices");
	assert_true(snap > 0);
	o = test_offer("us-east-1", "on-demand", 1.0);
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 0);
	db_snapshot_rollback(f->db, snap);
	assert_close(current_price(f->db, "us-east-1", "on-demand"), 55.04);

	/* A committed one replaces us-east-1 at once; other regions keep theirs. */
	snap = db_snapshot_begin(f->db, "aws", "https://example.test/prices");
	o = test_offer("us-east-1", "on-demand", 50.0);
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 0);
	o = test_offer("us-east-1", "spot", 12.5);
	o.interruptions_per_month = 0.125;
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 0);
	/* a rate is a fraction of a month's instances, and only spot is taken back */
	o = test_offer("us-west-2", "spot", 12.5);
	o.interruptions_per_month = 12.5;
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("interruptions_per_month must be a fraction from 0 to 1");
	o.interruptions_per_month = -0.1;
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("interruptions_per_month must be a fraction from 0 to 1");
	o = test_offer("us-west-2", "on-demand", 12.5);
	o.interruptions_per_month = 0;
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("only a spot offer has an interruption rate, not on-demand");
	o = test_offer("us-west-2", "on-demand", 51.0);
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 0);
	/* the same key twice is reported, not stored */
	o = test_offer("us-west-2", "on-demand", 52.0);
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 1);
	assert_error_contains("duplicate");
	/* nonsense is refused */
	o = test_offer("us-west-2", "hourly", 52.0);
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("unknown purchase option 'hourly'");
	o = test_offer("us-west-2", "spot", -1);
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("non-negative");
	o = test_offer("us-west-2", "spot", 1);
	o.observed = "last week";
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("observed must be a date");
	o.observed = "2025-13-01";   /* the right shape is not enough: month 13 */
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("observed must be a date");
	o.observed = "2025-06-00";
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("observed must be a date");
	o.observed = "2025-02-31";   /* a day February never has: prices.c's one rule */
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("observed must be a date");
	o.observed = "2025-12";
	o.purchase = "savings-3y";
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 0);
	o = test_offer("us-west-2", "spot", 1);
	o.provider = "gcp";
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), -1);
	assert_error_contains("a gcp row cannot go into a aws snapshot");
	/* an alias is stored under the canonical name; an unknown chip as given */
	o = test_offer("us-west-2", "spot", 20.0);
	o.accelerator = "NVIDIA H100 80GB HBM3";
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 0);
	o = test_offer("us-west-2", "reserved-1y", 30.0);
	o.accelerator = "Gaudi3";
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 0);
	assert_int_equal(db_snapshot_commit(f->db, snap), 0);
	assert_close(current_price(f->db, "us-west-2", "spot"), 20.0);
	{
		struct offer_filter filter = { 0 };
		struct offer_list list;

		filter.region_glob = "us-west-2";
		filter.purchase = "reserved-1y";
		assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
		assert_int_equal(list.n, 1);
		assert_string_equal(list.items[0].accelerator, "Gaudi3");
		assert_close(list.items[0].bf16_tflops, 0);
		offer_list_release(&list);
		filter.purchase = "spot";
		filter.accelerator = "h100";
		assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
		assert_int_equal(list.n, 1);
		assert_string_equal(list.items[0].accelerator, "H100-SXM");
		offer_list_release(&list);
		/* a chip stored without specs is found by its own name, in any case */
		memset(&filter, 0, sizeof(filter));
		filter.accelerator = "gaudi3";
		assert_int_equal(db_query_offers(f->db, &filter, &list), 0);
		assert_int_equal(list.n, 1);
		assert_string_equal(list.items[0].accelerator, "Gaudi3");
		offer_list_release(&list);
		filter.accelerator = "Gaudi4";
		assert_int_equal(db_query_offers(f->db, &filter, &list), -1);
		assert_error_contains("unknown accelerator 'Gaudi4'");
	}
	assert_close(current_price(f->db, "us-east-1", "on-demand"), 50.0);
	assert_close(current_price(f->db, "us-east-1", "spot"), 12.5);
	assert_close(current_price(f->db, "us-west-2", "on-demand"), 51.0);

	/* history keeps both on-demand prices of us-east-1, oldest first */
	assert_int_equal(db_offer_history(f->db, "p5.48xlarge", "us-east-1", &history), 0);
	assert_int_equal(history.n, 3);
	assert_string_equal(history.items[0].purchase, "on-demand");
	assert_close(history.items[0].price_per_hour, 55.04);
	assert_close(history.items[1].price_per_hour, 50.0);
	assert_string_equal(history.items[2].purchase, "spot");
	assert_close(history.items[2].interruptions_per_month, 0.125);
	assert_true(isnan(history.items[1].interruptions_per_month));
	offer_list_release(&history);

	/* A snapshot replaces only the purchase options it has: new spot in us-east-1
	 * leaves the on-demand price of the snapshot before current. */
	snap = db_snapshot_begin(f->db, "aws", "https://example.test/spot");
	o = test_offer("us-east-1", "spot", 11.0);
	assert_int_equal(db_snapshot_add_offer(f->db, snap, &o), 0);
	assert_int_equal(db_snapshot_commit(f->db, snap), 0);
	assert_close(current_price(f->db, "us-east-1", "spot"), 11.0);
	assert_close(current_price(f->db, "us-east-1", "on-demand"), 50.0);

	assert_int_equal(db_snapshot_record_failure(f->db, "azure", "https://example.test/az",
						    "HTTP 503"), 0);
	assert_true(db_snapshot_begin(f->db, "", "x") < 0);
	assert_error_contains("needs a provider");
}

/*
 * A multi-provider import writes its snapshots interleaved in one transaction: each
 * is published from what was counted as it was written (rows, newest observed date,
 * regions and purchase options), or, after a nested rollback, from its rows. Both
 * say the same.
 */
static void test_snapshot_publish_counted(void **state)
{
	static const char *const gcp_types[] = { "a3-highgpu-8g", "a3-highgpu-4g", "a3-highgpu-2g" };
	struct fixture *f = *state;
	struct snapshot_list snaps;
	struct offer o;
	int64_t ids[3];

	assert_int_equal(db_transaction_begin(f->db), 0);
	ids[0] = db_snapshot_begin(f->db, "aws", "interleaved");
	ids[1] = db_snapshot_begin(f->db, "gcp", "interleaved");
	for (int i = 0; i < 3; i++) {
		o = test_offer(i == 2 ? "eu-west-1" : "us-east-1", i == 1 ? "spot" : "on-demand",
			       40.0 + i);
		o.observed = i == 1 ? "2026-11-28" : "2026-11-27";
		assert_int_equal(db_snapshot_add_offer(f->db, ids[0], &o), 0);
		o = test_offer("us-central1", "on-demand", 30.0 + i);
		o.provider = "gcp";
		o.instance_type = (char *)gcp_types[i];
		assert_int_equal(db_snapshot_add_offer(f->db, ids[1], &o), 0);
	}
	/* refused rows are not counted */
	o = test_offer("us-east-1", "on-demand", 99.0);
	assert_int_equal(db_snapshot_add_offer(f->db, ids[0], &o), 1);
	o.provider = "gcp";
	assert_int_equal(db_snapshot_add_offer(f->db, ids[0], &o), -1);
	assert_error_contains("a gcp row cannot go into a aws snapshot");
	assert_int_equal(db_snapshot_commit(f->db, ids[0]), 0);
	assert_int_equal(db_snapshot_commit(f->db, ids[1]), 0);
	assert_int_equal(db_transaction_commit(f->db), 0);
	assert_close(current_price(f->db, "us-east-1", "on-demand"), 40.0);
	assert_close(current_price(f->db, "us-east-1", "spot"), 41.0);
	assert_close(current_price(f->db, "eu-west-1", "on-demand"), 42.0);

	/* a nested rollback forgets the counts: the rows are counted instead */
	assert_int_equal(db_transaction_begin(f->db), 0);
	ids[2] = db_snapshot_begin(f->db, "aws", "after a rollback");
	o = test_offer("us-east-1", "on-demand", 45.0);
	assert_int_equal(db_snapshot_add_offer(f->db, ids[2], &o), 0);
	assert_int_equal(db_transaction_begin(f->db), 0);
	o = test_offer("us-east-1", "spot", 9.0);
	assert_int_equal(db_snapshot_add_offer(f->db, ids[2], &o), 0);
	db_transaction_rollback(f->db);
	o = test_offer("us-west-2", "spot", 10.0);
	o.observed = "2026-11-29";
	assert_int_equal(db_snapshot_add_offer(f->db, ids[2], &o), 0);
	assert_int_equal(db_snapshot_commit(f->db, ids[2]), 0);
	assert_int_equal(db_transaction_commit(f->db), 0);
	assert_close(current_price(f->db, "us-east-1", "on-demand"), 45.0);
	assert_close(current_price(f->db, "us-east-1", "spot"), 41.0);   /* rolled back */
	assert_close(current_price(f->db, "us-west-2", "spot"), 10.0);

	assert_int_equal(db_list_snapshots(f->db, &snaps), 0);
	for (size_t i = 0; i < snaps.n; i++) {
		const struct snapshot_info *s = &snaps.items[i];

		if (s->id == ids[0]) {
			assert_int_equal(s->offer_rows, 3);
			assert_string_equal(s->observed, "2026-11-28");
		} else if (s->id == ids[1]) {
			assert_int_equal(s->offer_rows, 3);
			assert_string_equal(s->observed, "2026-11-27");
		} else if (s->id == ids[2]) {
			assert_int_equal(s->offer_rows, 2);
			assert_string_equal(s->observed, "2026-11-29");
		}
		if (s->id == ids[0] || s->id == ids[1] || s->id == ids[2])
			assert_string_equal(s->status, "ok");
	}
	snapshot_list_release(&snaps);
}

static void test_validators(void **state)
{
	struct fixture *f = *state;
	struct strbuf etag = STRBUF_INIT, modified = STRBUF_INIT;

	assert_int_equal(db_get_validators(f->db, "https://example.test/a", &etag, &modified), 0);
	assert_int_equal(etag.len, 0);
	assert_int_equal(db_set_validators(f->db, "https://example.test/a", "\"abc\"",
					   "Tue, 01 Jul 2025 00:00:00 GMT"), 0);
	assert_int_equal(db_set_validators(f->db, "https://example.test/a", "\"def\"", NULL), 0);
	assert_int_equal(db_get_validators(f->db, "https://example.test/a", &etag, &modified), 0);
	assert_string_equal(etag.buf, "\"def\"");
	assert_int_equal(modified.len, 0);
	strbuf_release(&etag);
	strbuf_release(&modified);
}

static void test_price_conversions(void **state)
{
	struct offer o = { 0 };

	(void)state;
	/* p5.48xlarge: 55.04 / 8 GPUs = 6.88 per GPU-hour; 8 × 989 TFLOPS = 7.912 PFLOPS,
	 * 55.04 / 7.912 = 6.95652... per PFLOP-hour */
	o.price_per_hour = 55.04;
	o.accelerator_count = 8;
	o.bf16_tflops = 989;
	assert_close(offer_price_per_accelerator_hour(&o), 6.88);
	assert_close(offer_price_per_pflop_hour(&o), 55.04 / 7.912);
	/* tpu-v5litepod-8 at 3-year commitment: 4.32 / (8 × 0.197) = 2.7411 per PFLOP-hour,
	 * cheaper per unit of compute than the H100 on demand */
	o.price_per_hour = 4.32;
	o.bf16_tflops = 197;
	assert_close(offer_price_per_pflop_hour(&o), 4.32 / 1.576);
	assert_true(offer_price_per_pflop_hour(&o) < 6.95);
	/* a host VM has no accelerators: no per-accelerator figure */
	o.accelerator_count = 0;
	assert_true(isnan(offer_price_per_accelerator_hour(&o)));
	assert_true(isnan(offer_price_per_pflop_hour(&o)));
	o.accelerator_count = 1;
	o.bf16_tflops = 0;   /* an accelerator the store has no specs for */
	assert_true(isnan(offer_price_per_pflop_hour(&o)));
	/* 12.5% of instances a month over 730 / 24 = 30.4167 days: 0.125 × 24 / 730
	 * = 0.0041096 per instance-day; unknown stays unknown */
	o.interruptions_per_month = 0.125;
	assert_close(offer_interruptions_per_day(&o), 0.125 * 24 / 730);
	assert_close(offer_interruptions_per_day(&o), 0.00410958904109589);
	o.interruptions_per_month = NAN;
	assert_true(isnan(offer_interruptions_per_day(&o)));
}

static void test_tpu_slices(void **state)
{
	const char *acc = NULL;

	(void)state;
	/* prices.md: v5p slices count TensorCores (tpu-v5p-8 = 4 chips); v5e/v6e count chips */
	assert_int_equal(tpu_slice_chips("tpu-v5p-8", &acc), 4);
	assert_string_equal(acc, "TPU-v5p");
	assert_int_equal(tpu_slice_chips("tpu-v5litepod-8", &acc), 8);
	assert_string_equal(acc, "TPU-v5e");
	assert_int_equal(tpu_slice_chips("tpu-v6e-1", &acc), 1);
	assert_string_equal(acc, "TPU-v6e");
	assert_int_equal(tpu_slice_chips("tpu-v4-16", &acc), 8);
	assert_int_equal(tpu_slice_chips("tpu-v5p-x", &acc), -1);
	assert_int_equal(tpu_slice_chips("A100", &acc), -1);
	assert_int_equal(tpu_slice_chips("tpu-v", &acc), -1);
}

/* gcp-machines.c: the one table the GCP fetcher and the SkyPilot importer read. */
static void test_gcp_machine_families(void **state)
{
	const struct gcp_family *f = NULL;

	(void)state;
	/* a2-highgpu-Ng: N A100-40GB, priced by the A2 core/RAM SKUs + "Nvidia Tesla A100 GPU" */
	assert_int_equal(gcp_machine_gpus("a2-highgpu-2g", &f), 2);
	assert_string_equal(f->accelerator, "A100-40GB");
	assert_string_equal(f->sku_family, "A2");
	assert_string_equal(f->gpu_sku, "Nvidia Tesla A100");
	assert_int_equal(gcp_machine_gpus("a3-megagpu-8g", &f), 8);
	assert_string_equal(f->accelerator, "H100-SXM");
	assert_int_equal(gcp_machine_gpus("a4-highgpu-8g", &f), 8);
	assert_string_equal(f->accelerator, "B200");
	assert_null(f->gpu_sku);   /* known to the importer, not fetched */
	/* g2-standard-N counts vCPUs: 24 has 2 L4, 32 has 1, 96 has 8; 20 is no machine */
	assert_int_equal(gcp_machine_gpus("g2-standard-24", &f), 2);
	assert_string_equal(f->accelerator, "L4");
	assert_int_equal(gcp_machine_gpus("g2-standard-32", &f), 1);
	assert_int_equal(gcp_machine_gpus("g2-standard-96", &f), 8);
	assert_int_equal(gcp_machine_gpus("g2-standard-20", &f), 0);
	assert_int_equal(gcp_machine_gpus("a2-highgpu-8", &f), 0);
	assert_int_equal(gcp_machine_gpus("a2-highgpu-", &f), 0);
	assert_int_equal(gcp_machine_gpus("n1-standard-8", &f), 0);
	assert_int_equal(gcp_machine_gpus("a2", &f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purchase_vocabulary),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_tpu_slices),
		cmocka_unit_test(test_gcp_machine_families),
		cmocka_unit_test(test_price_conversions),
		cmocka_unit_test_setup_teardown(test_schema_and_migrations, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_migration_from_v1, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_migration_from_v2, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_migration_from_v3, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_migration_from_v5, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_seeded_catalog, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_first_use_all_or_nothing, setup_seeded,
						teardown),
		cmocka_unit_test_setup_teardown(test_catalog_fingerprint, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_catalog_names_known_chips, setup_seeded,
						teardown),
		cmocka_unit_test_setup_teardown(test_alias_matching, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_filters, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_egress_tiers, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_storage_prices, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_writes, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_add_offers_in_batches, setup_seeded,
						teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_publish_counted, setup_seeded, teardown),
		cmocka_unit_test_setup_teardown(test_validators, setup_seeded, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
