/*
 * Any command can run many times in one process (what the REPL does): the same
 * command line gives the same output and exit status the second time, and
 * nothing — global options, getopt, the error channel — leaks from one run into
 * the next. Runs aicost_main() in-process, standard output captured in a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

static char tmpdir[256];

static int setup(void **state)
{
	char path[300];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/aicost-rerun-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/prices.db", tmpdir);
	setenv("AICOST_DB", path, 1);
	setenv("AICOST_CATALOG", "pricing", 1);   /* run from the source tree */
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	error_free();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Runs "aicost ARGS..." in-process; its stdout and stderr go to OUT and ERR. */
static int run(struct strbuf *out, struct strbuf *err, ...)
{
	char *argv[16], out_path[300], err_path[300];
	int argc = 0, saved_out, saved_err, fd, status;
	size_t len;
	char *text;
	va_list ap;

	argv[argc++] = "aicost";
	va_start(ap, err);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	snprintf(out_path, sizeof(out_path), "%s/stdout", tmpdir);
	snprintf(err_path, sizeof(err_path), "%s/stderr", tmpdir);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, STDERR_FILENO);
	close(fd);
	status = aicost_main(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	strbuf_reset(out);
	strbuf_reset(err);
	text = read_file(out_path, &len);
	assert_non_null(text);
	strbuf_add(out, text, len);
	free(text);
	text = read_file(err_path, &len);
	assert_non_null(text);
	strbuf_add(err, text, len);
	free(text);
	return status;
}

#define SCENARIO "scenarios/chat-8b.yaml"

static void test_twice_the_same(void **state)
{
	static const char *const lines[][6] = {
		{ "estimate", "--format", "json", SCENARIO, NULL },
		{ "compare", "--trials", "200", SCENARIO, NULL },
		{ "optimize", "--top", "2", SCENARIO, NULL },
		{ "validate", SCENARIO, NULL },
		{ "pricing", "list", "--accelerator", "h100", "--limit", NULL },
		{ "pricing", "show", "p5.48xlarge", NULL },
		{ "help", "pricing", "list", NULL },
		{ "completion", "bash", NULL },
	};
	struct strbuf out1 = STRBUF_INIT, err1 = STRBUF_INIT;
	struct strbuf out2 = STRBUF_INIT, err2 = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		const char *const *a = lines[i];
		int first = run(&out1, &err1, a[0], a[1], a[2], a[3], a[4], NULL);
		int second = run(&out2, &err2, a[0], a[1], a[2], a[3], a[4], NULL);

		if (strcmp(a[0], "pricing") == 0 && strcmp(a[1], "list") == 0)
			assert_int_equal(first, EXIT_ERROR);   /* --limit needs a value */
		else
			assert_int_equal(first, EXIT_OK);
		assert_int_equal(second, first);
		assert_string_equal(out2.buf, out1.buf);
		assert_string_equal(err2.buf, err1.buf);
	}
	strbuf_release(&out1);
	strbuf_release(&err1);
	strbuf_release(&out2);
	strbuf_release(&err2);
}

static void test_nothing_leaks_into_the_next_run(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, quiet = STRBUF_INIT;
	char bad_db[300];

	(void)state;
	/* A failed run, then a good one: its messages are its own. */
	assert_int_equal(run(&out, &err, "estimate", "no-such-file.yaml", NULL), EXIT_ERROR);
	assert_non_null(strstr(err.buf, "no-such-file.yaml"));
	assert_int_equal(run(&out, &err, "validate", SCENARIO, NULL), EXIT_OK);
	assert_null(strstr(err.buf, "no-such-file"));
	assert_true(out.len > 0);
	/* -q belongs to its own line only. */
	assert_int_equal(run(&quiet, &err, "-q", "validate", SCENARIO, NULL), EXIT_OK);
	assert_true(quiet.len < out.len);
	assert_int_equal(run(&quiet, &err, "validate", SCENARIO, NULL), EXIT_OK);
	assert_string_equal(quiet.buf, out.buf);
	/* --db belongs to its own line only: the next one uses AICOST_DB again. */
	snprintf(bad_db, sizeof(bad_db), "%s/stdout/x.db", tmpdir);   /* under a file */
	assert_int_equal(run(&out, &err, "--db", bad_db, "pricing", "sources", NULL), EXIT_ERROR);
	assert_int_equal(run(&out, &err, "pricing", "sources", NULL), EXIT_OK);
	/* An unknown option, then a good line: getopt starts from scratch. */
	assert_int_equal(run(&out, &err, "estimate", "--bogus", SCENARIO, NULL), EXIT_ERROR);
	assert_int_equal(run(&out, &err, "estimate", "-f", "csv", SCENARIO, NULL), EXIT_OK);
	assert_null(strstr(err.buf, "bogus"));
	assert_int_equal(run(&quiet, &err, "estimate", "-f", "csv", SCENARIO, NULL), EXIT_OK);
	assert_string_equal(quiet.buf, out.buf);
	strbuf_release(&out);
	strbuf_release(&err);
	strbuf_release(&quiet);
}

/* Open file descriptors of this process. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* The dispatcher opens the store for a CMD_NEEDS_STORE command and closes it after. */
static void test_store_per_run(void **state)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int before;

	(void)state;
	/* Outside a command (or in one without CMD_NEEDS_STORE) it is a bug, not a store. */
	assert_null(command_store(false));
	assert_non_null(strstr(error_get(), "CMD_NEEDS_STORE"));
	error_clear();
	assert_int_equal(run(&out, &err, "pricing", "sources", NULL), EXIT_OK);
	before = open_fds();
	/* Reading and writing commands, and one that fails after opening it: none leaks it. */
	assert_int_equal(run(&out, &err, "pricing", "list", "--accelerator", "h100", NULL),
			 EXIT_OK);
	assert_int_equal(run(&out, &err, "estimate", SCENARIO, NULL), EXIT_OK);
	assert_int_equal(run(&out, &err, "pricing", "import", "no-such-file.csv", NULL),
			 EXIT_ERROR);
	assert_int_equal(run(&out, &err, "pricing", "list", "--provider", "nosuch", NULL),
			 EXIT_ERROR);
	assert_int_equal(open_fds(), before);
	strbuf_release(&out);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twice_the_same),
		cmocka_unit_test(test_nothing_leaks_into_the_next_run),
		cmocka_unit_test(test_store_per_run),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
