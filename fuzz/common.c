/* What the harnesses share: the in-memory store and the input file. */
#include "fuzz.h"
#include "db.h"
#include "strbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct db *store;
static struct strbuf input_path = STRBUF_INIT;

static void remove_input(void)
{
	if (input_path.len)
		unlink(input_path.buf);
	strbuf_release(&input_path);
	db_close(store);
}

struct db *fuzz_store(void)
{
	if (!store) {
		store = db_open_catalog(":memory:", "pricing");
		if (!store) {
			fprintf(stderr, "fuzz: cannot open a store seeded from pricing/ (run from "
				"the source tree): %s\n", error_get());
			exit(2);
		}
		atexit(remove_input);
	}
	return store;
}

const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	if (!input_path.len) {
		const char *tmp = getenv("TMPDIR");

		strbuf_addf(&input_path, "%s/aicost-fuzz-%ld%s", tmp && *tmp ? tmp : "/tmp",
			    (long)getpid(), suffix);
	}
	if (atomic_write_file(input_path.buf, data, size) < 0) {
		fprintf(stderr, "fuzz: %s\n", error_get());
		exit(2);
	}
	return input_path.buf;
}

void fuzz_import(const uint8_t *data, size_t size,
		 int (*import)(struct db *db, const char *path, const uint8_t *data, size_t size))
{
	struct db *db = fuzz_store();

	if (db_transaction_begin(db) < 0)
		abort();
	import(db, fuzz_file(data, size, ".csv"), data, size);
	db_transaction_rollback(db);
	error_clear();
}
