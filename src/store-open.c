/*
 * The one path that opens the price store: open it (db.c), then seed an empty
 * one from the shipped catalog (catalog.c). Here so that the store and the
 * catalog loader do not call each other.
 */
#include "catalog.h"
#include "db.h"
#include "util.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/*
 * The store `make` builds from the catalog's CSV files, beside them (installed with
 * them): first use copies it instead of seeding, when it is of this schema version
 * and records the fingerprint of the CSV files as they are now.
 */
#define PREBUILT_STORE "catalog.db"

/* Seeds an empty store from the catalog; concurrent first uses seed exactly once. */
static int seed(struct db *db, const char *catalog_dir)
{
	struct strbuf dir = STRBUF_INIT, print = STRBUF_INIT;
	bool seeded;
	int result = -1;

	if (db_seeded(db, &seeded) < 0)
		return -1;
	if (seeded)
		return 0;
	if (catalog_dir) {
		strbuf_adds(&dir, catalog_dir);
	} else if (catalog_find_dir(&dir) < 0) {
		error_prefix("%s: cannot seed the empty price store: ", db_path(db));
		goto cleanup;
	}
	if (catalog_fingerprint(dir.buf, &print) < 0 || db_transaction_begin(db) < 0)
		goto cleanup;
	/* Another process may have seeded it between the check and the lock. */
	if (db_seeded(db, &seeded) < 0)
		goto rollback;
	if (!seeded && (catalog_load_dir(db, dir.buf) < 0 ||
			db_mark_seeded(db, dir.buf, print.buf) < 0))
		goto rollback;
	if (db_transaction_commit(db) < 0)
		goto cleanup;
	result = 0;
	goto cleanup;
rollback:
	db_transaction_rollback(db);
cleanup:
	strbuf_release(&dir);
	strbuf_release(&print);
	return result;
}

/*
 * A private copy of the catalog's pre-built store, marked as seeded from the
 * catalog, when there is one that matches; NULL (no error) to seed instead.
 */
static struct db *copy_prebuilt(const char *path, const char *catalog_dir, int version)
{
	struct strbuf dir = STRBUF_INIT, prebuilt = STRBUF_INIT, print = STRBUF_INIT;
	struct db *db = NULL;

	if (catalog_dir)
		strbuf_adds(&dir, catalog_dir);
	else if (catalog_find_dir(&dir) < 0)
		goto cleanup;
	strbuf_addf(&prebuilt, "%s/" PREBUILT_STORE, dir.buf);
	if (access(prebuilt.buf, R_OK) < 0 || catalog_fingerprint(dir.buf, &print) < 0)
		goto cleanup;
	db = db_create_private_copy(path, version, prebuilt.buf, print.buf);
	if (db && db_mark_seeded(db, dir.buf, print.buf) < 0) {
		db_close(db);
		db = NULL;
	}
cleanup:
	/* Whatever went wrong, seeding from the CSV files says it better, if it fails too. */
	if (!db)
		error_clear();
	strbuf_release(&dir);
	strbuf_release(&prebuilt);
	strbuf_release(&print);
	return db;
}

/*
 * A store that does not exist is built whole beside PATH, copied from the
 * pre-built store or seeded, then put in place (db_create_private): the first use
 * waits for the disk twice, and two first uses at once both end with one sound
 * store. 0 when PATH now holds a store (this one or another process's), 1 when it
 * must be created in place.
 */
static int create_seeded(const char *path, const char *catalog_dir, int version)
{
	bool seeding = !catalog_dir || *catalog_dir;
	struct db *db = NULL;
	int rc;

	/* SQLite's name for a store in memory, never a file. */
	if (strcmp(path, ":memory:") == 0 || access(path, F_OK) == 0 || errno != ENOENT)
		return 1;
	if (seeding)
		db = copy_prebuilt(path, catalog_dir, version);
	if (!db) {
		db = db_create_private(path, version);
		if (!db) {
			/* An unwritable directory and the like: the in-place open says it best. */
			error_clear();
			return 1;
		}
		if (seeding && seed(db, catalog_dir) < 0) {
			db_close(db);
			return -1;
		}
	}
	rc = db_publish(db);
	if (rc > 0)
		error_clear();
	return rc;
}

/* CATALOG_DIR NULL searches (catalog.h); "" never seeds; a read-only store is not seeded. */
static struct db *open_seeded(const char *path, const char *catalog_dir, int version,
			      bool reading)
{
	struct db *db;

	if (create_seeded(path, catalog_dir, version) < 0)
		return NULL;
	db = db_open_unseeded(path, version, reading);

	if (!db || db_read_only(db) || (catalog_dir && !*catalog_dir))
		return db;
	if (seed(db, catalog_dir) < 0) {
		db_close(db);
		return NULL;
	}
	return db;
}

struct db *db_open(const char *path)
{
	return open_seeded(path, NULL, db_schema_version(), false);
}

struct db *db_open_for_reading(const char *path)
{
	return open_seeded(path, NULL, db_schema_version(), true);
}

struct db *db_open_catalog(const char *path, const char *catalog_dir)
{
	return open_seeded(path, catalog_dir, db_schema_version(), false);
}

struct db *db_open_version(const char *path, const char *catalog_dir, int version)
{
	return open_seeded(path, catalog_dir,
			   version < db_schema_version() ? version : db_schema_version(), false);
}
