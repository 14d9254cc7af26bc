/* strbuf, the error channel, atomic files, edit distance and suggestions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "util.h"

static char tmpdir[256];

static int make_tmpdir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/aicost-util-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int count_temp_files(void)
{
	struct dirent *entry;
	DIR *dir = opendir(tmpdir);
	int n = 0;

	while (dir && (entry = readdir(dir)))
		n += strstr(entry->d_name, ".tmp.") != NULL;
	if (dir)
		closedir(dir);
	return n;
}

static void test_strbuf_grows_and_formats(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_true(sb.len > 3000);
	assert_int_equal(sb.buf[sb.len], '\0');
	assert_true(str_starts_with(sb.buf, "0,1,2,3,"));
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	strbuf_adds(&sb, "gpu  \n");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "gpu");
	strbuf_addch(&sb, '!');
	assert_string_equal(sb.buf, "gpu!");
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
}

static void test_strbuf_detach_hands_over(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;
	char *s;

	(void)state;
	s = strbuf_detach(&sb, &len);   /* even an empty buffer detaches a real string */
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	free(s);
	strbuf_add(&sb, "abc\0def", 7);
	s = strbuf_detach(&sb, &len);
	assert_int_equal(len, 7);
	assert_memory_equal(s, "abc\0def", 7);
	free(s);
	assert_int_equal(sb.len, 0);
}

static void test_error_channel(void **state)
{
	(void)state;
	error_clear();
	assert_string_equal(error_get(), "unknown error");
	error_set("bad %s", "value");
	error_prefix("file.yaml:3:1: ");
	assert_string_equal(error_get(), "file.yaml:3:1: bad value");
	error_set("replaced");
	assert_string_equal(error_get(), "replaced");
	error_clear();
}

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(edit_distance("pricing", "pricing"), 0);
	assert_int_equal(edit_distance("prcing", "pricing"), 1);
	assert_int_equal(edit_distance("prcinig", "pricing"), 2);
	assert_int_equal(edit_distance("verison", "version"), 1);   /* one transposition */
	assert_int_equal(edit_distance("", "abc"), 3);
	assert_int_equal(edit_distance("GPUS", "gpus"), 0);         /* case-insensitive */
}

static void test_suggest_word(void **state)
{
	static const char *const words[] = { "pricing", "estimate", "compare", "optimize",
					     "validate", "help" };
	(void)state;
	assert_string_equal(suggest_word("prcing", words, 6), "pricing");
	assert_string_equal(suggest_word("estimte", words, 6), "estimate");
	assert_string_equal(suggest_word("hlep", words, 6), "help");
	assert_string_equal(suggest_word("opt", words, 6), "optimize");    /* unique prefix */
	assert_null(suggest_word("zzzzzz", words, 6));
	assert_null(suggest_word("x", words, 6));
}

static void test_atomic_write_replaces(void **state)
{
	char path[512];
	size_t len;
	char *text;

	(void)state;
	snprintf(path, sizeof(path), "%s/out.txt", tmpdir);
	assert_int_equal(atomic_write_file(path, "first\n", 6), 0);
	assert_int_equal(atomic_write_file(path, "second\n", 7), 0);
	text = read_file(path, &len);
	assert_non_null(text);
	assert_int_equal(len, 7);
	assert_string_equal(text, "second\n");
	free(text);
}

static void test_atomic_abort_keeps_old(void **state)
{
	struct atomic_file af;
	char path[512];
	char *text;

	(void)state;
	snprintf(path, sizeof(path), "%s/keep.txt", tmpdir);
	assert_int_equal(atomic_write_file(path, "old\n", 4), 0);
	assert_int_equal(atomic_open(&af, path), 0);
	fputs("half-written", af.fp);
	atomic_abort(&af);
	text = read_file(path, NULL);
	assert_string_equal(text, "old\n");
	free(text);
	assert_int_equal(count_temp_files(), 0);   /* nothing left behind */
}

static void test_atomic_into_missing_dir_fails_cleanly(void **state)
{
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/x.txt", tmpdir);
	assert_int_equal(atomic_write_file(path, "x", 1), -1);
	assert_non_null(strstr(error_get(), "cannot create temporary file"));
	error_clear();
}

static void test_mkdir_parents(void **state)
{
	char path[512];
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/a/b/c/prices.db", tmpdir);
	assert_int_equal(mkdir_parents(path, false), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", tmpdir);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(mkdir_parents(path, true), 0);   /* already there: fine */
}

static void test_read_missing_file(void **state)
{
	(void)state;
	assert_null(read_file("/nonexistent/aicost", NULL));
	assert_non_null(strstr(error_get(), "No such file"));
	error_clear();
}

static void test_c_strtod_and_case(void **state)
{
	char *end;

	(void)state;
	assert_true(c_strtod("2.5x", &end) == 2.5);
	assert_string_equal(end, "x");
	assert_true(str_ieq("H100-SXM", "h100-sxm"));
	assert_false(str_ieq("H100", "H100-SXM"));
	assert_true(str_ends_with("Standard_NC24 Spot", " Spot"));
	assert_false(str_ends_with("Spot", " Spot"));
}

/* Splits TEXT and returns the items joined as "[a][b]", for one-line comparisons. */
static char *split_joined(const char *text, char sep, unsigned flags, size_t *n)
{
	struct strbuf out = STRBUF_INIT;
	char **items;

	*n = str_split(text, sep, flags, &items);
	for (size_t i = 0; i < *n; i++)
		strbuf_addf(&out, "[%s]", items[i]);
	str_list_free(items, *n);
	return strbuf_detach(&out, NULL);
}

static void test_str_split(void **state)
{
	const struct {
		const char *text;
		char sep;
		unsigned flags;
		size_t n;
		const char *joined;
	} cases[] = {
		{ "aws,gcp", ',', 0, 2, "[aws][gcp]" },
		{ "", ',', 0, 0, "" },
		{ "aws", ',', 0, 1, "[aws]" },
		/* kept empty: a caller can refuse "aws,,gcp" and "aws," */
		{ "aws,,gcp,", ',', 0, 4, "[aws][][gcp][]" },
		{ "aws,,gcp,", ',', SPLIT_SKIP_EMPTY, 2, "[aws][gcp]" },
		/* untrimmed unless asked: " gcp" is not a provider */
		{ "aws, gcp ", ',', 0, 2, "[aws][ gcp ]" },
		{ " us-east-1 , eastus,  ", ',', SPLIT_TRIM | SPLIT_SKIP_EMPTY, 2,
		  "[us-east-1][eastus]" },
		{ " , ", ',', SPLIT_TRIM, 2, "[][]" },
		{ "H100|H100 80GB||H100-SXM5", '|', SPLIT_SKIP_EMPTY, 3, "[H100][H100 80GB][H100-SXM5]" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n;
		char *joined = split_joined(cases[i].text, cases[i].sep, cases[i].flags, &n);

		assert_int_equal(n, cases[i].n);
		assert_string_equal(joined, cases[i].joined);
		free(joined);
	}
}

static void test_xgrow_zeroes_new_slots(void **state)
{
	int *items = NULL;
	size_t alloc = 0;

	(void)state;
	xgrow(&items, &alloc, 3, sizeof(*items));
	assert_true(alloc >= 3);
	for (size_t i = 0; i < alloc; i++)
		assert_int_equal(items[i], 0);
	items[0] = 7;
	xgrow(&items, &alloc, 100, sizeof(*items));
	assert_int_equal(items[0], 7);
	assert_int_equal(items[99], 0);
	free(items);
}

/* control_char_at as it reads byte by byte (the reference for its 8-byte steps). */
static size_t control_char_slowly(const unsigned char *text, size_t len, unsigned *code)
{
	for (size_t i = 0; i < len; i++) {
		if ((text[i] < 0x20 && text[i] != '\t' && text[i] != '\n') || text[i] == 0x7f) {
			*code = text[i];
			return i;
		}
		if (text[i] == 0xc2 && i + 1 < len && text[i + 1] >= 0x80 && text[i + 1] <= 0x9f) {
			*code = text[i + 1];
			return i;
		}
	}
	return len;
}

/*
 * Plain ASCII is skipped 8 bytes at a time: every position and code must be the
 * byte-by-byte answer, for controls (C0, DEL, C1 in UTF-8) and harmless bytes
 * (tab, newline, 0x7e, other UTF-8) at every offset in and across words.
 */
static void test_control_char_at_every_offset(void **state)
{
	static const unsigned char specials[] = {
		0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x9f, 0xc2, 0xc3, 0xff,
	};
	unsigned char text[40];
	uint64_t rng = 3;

	(void)state;
	for (int round = 0; round < 200000; round++) {
		size_t len, got, want;
		unsigned got_code = 999, want_code = 999;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		len = rng % (sizeof(text) + 1);
		for (size_t i = 0; i < len; i++)
			text[i] = (unsigned char)('a' + (rng >> (i % 50)) % 26);
		for (int k = 0; k < (int)(rng >> 58) % 3 && len > 0; k++)
			text[(rng >> (8 * k + 8)) % len] = specials[(rng >> (8 * k + 30)) %
							     sizeof(specials)];
		got = control_char_at((const char *)text, len, &got_code);
		want = control_char_slowly(text, len, &want_code);
		assert_int_equal(got, want);
		if (want < len)
			assert_int_equal(got_code, want_code);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf_grows_and_formats),
		cmocka_unit_test(test_strbuf_detach_hands_over),
		cmocka_unit_test(test_error_channel),
		cmocka_unit_test(test_control_char_at_every_offset),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_suggest_word),
		cmocka_unit_test(test_atomic_write_replaces),
		cmocka_unit_test(test_atomic_abort_keeps_old),
		cmocka_unit_test(test_atomic_into_missing_dir_fails_cleanly),
		cmocka_unit_test(test_mkdir_parents),
		cmocka_unit_test(test_read_missing_file),
		cmocka_unit_test(test_c_strtod_and_case),
		cmocka_unit_test(test_xgrow_zeroes_new_slots),
		cmocka_unit_test(test_str_split),
	};
	int failed = cmocka_run_group_tests_name("util", tests, make_tmpdir, remove_tmpdir);

	error_free();
	return failed;
}
