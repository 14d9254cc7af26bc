/* Streaming CSV reading: records, line and column positions, quirks of real files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "csvfile.h"
#include "util.h"

struct seen {
	struct strbuf text;     /* "line:col=field|..." per record, one per line */
	int stop_after;         /* records to accept before returning 1; 0 = all */
	int records;
};

static int remember(const struct csv_record *r, void *ctx)
{
	struct seen *seen = ctx;

	for (size_t i = 0; i < r->n; i++)
		strbuf_addf(&seen->text, "%s%ld:%zu=%s", i ? "|" : "", r->line, csv_column(r, i),
			    r->fields[i]);
	strbuf_addch(&seen->text, '\n');
	seen->records++;
	return seen->stop_after && seen->records >= seen->stop_after ? 1 : 0;
}

/* Writes CONTENT to a temporary file and reads it back; returns csv_read_file's result. */
static int read_text(const char *content, struct seen *seen, char *path, size_t path_size)
{
	int fd;

	snprintf(path, path_size, "/tmp/aicost-test-csv.XXXXXX");
	fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return csv_read_file(path, remember, seen);
}

static void test_records_and_positions(void **state)
{
	struct seen seen = { STRBUF_INIT, 0, 0 };
	char path[64];

	(void)state;
	/* BOM, a comment, a blank line, CRLF, a quoted comma and a quoted quote */
	assert_int_equal(read_text("\xef\xbb\xbfname,price\r\n"
				   "# a comment line\r\n"
				   "\r\n"
				   "\"p5, big\",55.04\r\n"
				   "g5,\"say \"\"hi\"\"\"\n",
				   &seen, path, sizeof(path)), 0);
	assert_string_equal(seen.text.buf,
			    "1:1=name|1:6=price\n"
			    "4:1=p5, big|4:11=55.04\n"
			    "5:1=g5|5:4=say \"hi\"\n");
	unlink(path);
	strbuf_release(&seen.text);
}

static void test_multiline_field(void **state)
{
	struct seen seen = { STRBUF_INIT, 0, 0 };
	char path[64];

	(void)state;
	/* A record that spans lines keeps its first line; columns are then unknown (0). */
	assert_int_equal(read_text("a,b\n1,\"two\nlines\"\n3,4\n", &seen, path, sizeof(path)), 0);
	assert_string_equal(seen.text.buf, "1:1=a|1:3=b\n2:0=1|2:0=two\nlines\n4:1=3|4:3=4\n");
	unlink(path);
	strbuf_release(&seen.text);
}

/*
 * Lines are read in 64 KiB blocks: records that cross a block's end, a line of
 * 200,000 bytes and the columns after it come out whole, as a byte-by-byte read
 * gives them.
 */
static void test_lines_across_blocks(void **state)
{
	struct seen seen = { STRBUF_INIT, 0, 0 };
	struct strbuf text = STRBUF_INIT, want = STRBUF_INIT, name = STRBUF_INIT;
	char path[64];

	(void)state;
	strbuf_adds(&text, "name,price\n");
	strbuf_adds(&want, "1:1=name|1:6=price\n");
	for (int i = 0; i < 9000; i++) {   /* ~100 KB of short records */
		strbuf_addf(&text, "type-%d,%d.5\n", i, i);
		strbuf_addf(&want, "%d:1=type-%d|%d:%d=%d.5\n", i + 2, i, i + 2,
			    (int)snprintf(NULL, 0, "type-%d", i) + 2, i);
	}
	for (int i = 0; i < 200000; i++)
		strbuf_addch(&name, (char)('a' + i % 26));
	strbuf_addf(&text, "%s,7\n", name.buf);
	strbuf_addf(&want, "9002:1=%s|9002:200002=7\n", name.buf);
	assert_int_equal(read_text(text.buf, &seen, path, sizeof(path)), 0);
	assert_int_equal(seen.records, 9002);
	assert_true(strcmp(seen.text.buf, want.buf) == 0);
	unlink(path);
	strbuf_release(&seen.text);
	strbuf_release(&text);
	strbuf_release(&want);
	strbuf_release(&name);
}

static void test_errors_and_early_stop(void **state)
{
	struct seen seen = { STRBUF_INIT, 0, 0 };
	char path[64];
	double value;

	(void)state;
	assert_int_equal(read_text("a,b\n1,\"open\n", &seen, path, sizeof(path)), -1);
	if (!strstr(error_get(), ":2: unterminated quoted field"))
		fail_msg("%s", error_get());
	unlink(path);

	strbuf_reset(&seen.text);
	seen.records = 0;
	seen.stop_after = 2;
	assert_int_equal(read_text("a\n1\n2\n3\n", &seen, path, sizeof(path)), 0);
	assert_int_equal(seen.records, 2);

	assert_int_equal(csv_read_file("/nonexistent/x.csv", remember, &seen), -1);
	if (!strstr(error_get(), "/nonexistent/x.csv: No such file or directory"))
		fail_msg("%s", error_get());
	unlink(path);
	strbuf_release(&seen.text);

	/* numbers: locale-independent, non-negative, empty allowed only when optional */
	{
		char *fields[] = { "8.0", "", "-1", "1,5", "nan" };
		size_t columns[] = { 1, 5, 7, 10, 14 };
		struct csv_record r = { "f.csv", 3, fields, columns, 5, NULL };

		assert_int_equal(csv_number(&r, 0, "vcpus", true, 0, &value), 0);
		assert_true(value == 8.0);
		assert_int_equal(csv_number(&r, 1, "price", false, NAN, &value), 0);
		assert_true(isnan(value));
		assert_int_equal(csv_number(&r, 1, "price", true, 0, &value), -1);
		assert_string_equal(error_get(), "f.csv:3:5: price: a number is required");
		assert_int_equal(csv_number(&r, 2, "price", true, 0, &value), -1);
		assert_string_equal(error_get(), "f.csv:3:7: price: must not be negative, got -1");
		assert_int_equal(csv_number(&r, 3, "price", true, 0, &value), -1);
		assert_string_equal(error_get(), "f.csv:3:10: price: expected a number, got \"1,5\"");
		assert_int_equal(csv_number(&r, 4, "price", true, 0, &value), -1);
		/* an absent column (-1) is empty */
		assert_int_equal(csv_number(&r, -1, "spot", false, 7, &value), 0);
		assert_true(value == 7);
	}
	error_free();
}

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* csv_number's value and verdict for TEXT, against strtod's (any column of no bound) ... */
static void assert_number_as_strtod(const char *text)
{
	char *fields[] = { (char *)text };
	size_t columns[] = { 1 };
	struct csv_record r = { "f.csv", 1, fields, columns, 1, NULL };
	locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	double got = -1, want;
	char *end;
	int rc = csv_number(&r, 0, "x", true, 0, &got);

	errno = 0;
	want = strtod_l(text, &end, c);
	freelocale(c);
	/* ... but for hexadecimal, which csv_number refuses (a typo in a price file). */
	if (end == text || *end || !isfinite(want) || errno == ERANGE || want < 0 || want > 1e15 ||
	    text[strspn(text, " \t+-.0123456789eE")] != '\0') {
		if (rc != -1)
			fail_msg("\"%s\": accepted as %.17g", text, got);
		return;
	}
	if (rc != 0 || memcmp(&got, &want, sizeof(got)) != 0)
		fail_msg("\"%s\": %.17g (rc %d), strtod %.17g", text, got, rc, want);
}

/*
 * Plain decimals are read without strtod where that is exact arithmetic; every
 * value must be strtod's to the bit, and everything else still goes to strtod:
 * the limits of the fast path (2^53, 22 decimals), forms it leaves alone, and
 * 300,000 random decimals of 1 to 25 digits around the point.
 */
static void test_numbers_as_strtod(void **state)
{
	static const char *const edges[] = {
		"0", "00", "0.0", "000.000", "1", "0.1", "0.3", "4.35", "123.456", "98.75",
		"9007199254740992", "9007199254740993", "9007199254740991.5",
		"900719925474099.2", "900719925474099.3", "0.9007199254740993",
		"0.0000000000000000000001", "0.00000000000000000000001",
		"1.7976931348623157", "999999999999999.9", "1e3", "1E-2", ".5", "5.", "+5",
		"-0", " 5", "5 ", "0x10", "inf", "nan", "1..2", "1.2.3", "12a", "٣",
		"1000000000000000", "1000000000000001", "99999999999999999999999",
		"0.12345678901234567890123456789",
	};
	uint64_t state_rng = 16;
	char text[64];

	(void)state;
	for (size_t i = 0; i < sizeof(edges) / sizeof(*edges); i++)
		assert_number_as_strtod(edges[i]);
	for (int i = 0; i < 300000; i++) {
		uint64_t r = next_random(&state_rng);
		int before = 1 + (int)(r % 17), after = (int)(r >> 8) % 26, n = 0;

		for (int k = 0; k < before; k++)
			text[n++] = (char)('0' + next_random(&state_rng) % 10);
		if (after > 0) {
			text[n++] = '.';
			for (int k = 0; k < after; k++)
				text[n++] = (char)('0' + next_random(&state_rng) % 10);
		}
		text[n] = '\0';
		assert_number_as_strtod(text);
	}
	error_free();
}

/* TEXT with its newlines, CRs and tabs shown as \\n, \\r, \\t (into the static buffer N). */
static const char *shown(const char *text, int n)
{
	static char buffers[3][4096];
	char *out = buffers[n];
	size_t k = 0;

	for (; *text && k + 3 < sizeof(buffers[n]); text++) {
		const char *escape = *text == '\n' ? "\\n" : *text == '\r' ? "\\r" :
				     *text == '\t' ? "\\t" : NULL;

		if (escape) {
			memcpy(out + k, escape, 2);
			k += 2;
		} else {
			out[k++] = *text;
		}
	}
	out[k] = '\0';
	return out;
}

/* Each record as "field|field\n" (no positions). */
static int remember_fields(const struct csv_record *r, void *ctx)
{
	struct strbuf *text = ctx;

	for (size_t i = 0; i < r->n; i++)
		strbuf_addf(text, "%s%s", i ? "|" : "", r->fields[i]);
	strbuf_addch(text, '\n');
	return 0;
}

/* What libcsv alone makes of a whole text, with csvfile.c's rules on top. */
struct reference {
	struct strbuf text, record;
	size_t n, header_n;
	bool failed, blank_first;
	char first[2];
	char *names[16];
};

static void reference_field(void *data, size_t len, void *ctx)
{
	struct reference *ref = ctx;

	if (ref->n == 0)
		ref->first[0] = len ? ((char *)data)[0] : '\0';
	if (ref->header_n == 0 && ref->n < 16) {
		free(ref->names[ref->n]);   /* a skipped line's (blank, comment) */
		ref->names[ref->n] = strndup(data, len);
	}
	strbuf_addf(&ref->record, "%s%.*s", ref->n ? "|" : "", (int)len, (char *)data);
	ref->n++;
}

static void reference_record(int terminator, void *ctx)
{
	struct reference *ref = ctx;
	bool skip = ref->n == 0 || (ref->n == 1 && ref->first[0] == '\0') || ref->first[0] == '#';

	(void)terminator;
	if (!skip && !ref->failed) {
		if (ref->header_n == 0) {
			for (size_t i = 0; i < ref->n && i < 16; i++)
				for (size_t j = 0; j < i; j++)
					ref->failed = ref->failed || str_ieq(ref->names[i], ref->names[j]);
			ref->header_n = ref->n;
		} else if (ref->n > ref->header_n) {
			ref->failed = true;
		}
		if (!ref->failed)
			strbuf_addf(&ref->text, "%s\n", ref->record.buf);
	}
	for (size_t i = 0; ref->header_n == ref->n && i < ref->n && i < 16; i++) {
		free(ref->names[i]);
		ref->names[i] = NULL;
	}
	strbuf_reset(&ref->record);
	ref->n = 0;
}

/*
 * Lines without quotes are split without libcsv: the records must be libcsv's
 * to the byte, whatever surrounds them (quoted fields over several lines,
 * doubled quotes, stray quotes that strict parsing refuses, CR, CRLF, spaces
 * and tabs around fields, blank and comment lines, no final newline).
 */
static void test_plain_lines_as_libcsv(void **state)
{
	static const char *const pieces[] = {
		"a", "b c", " ", "\t", ",", ",", ",", "\"", "\"\"", "#", "1.5", "x y ",
		"\n", "\n", "\r\n", "\r", "\"q,\nr\"", "\"s\"\"t\"",
	};
	uint64_t rng = 7;
	char path[64];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/aicost-test-csv.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (int file = 0; file < 4000; file++) {
		struct strbuf content = STRBUF_INIT, got = STRBUF_INIT;
		struct reference ref = { STRBUF_INIT, STRBUF_INIT, 0, 0, false, false, "", { 0 } };
		struct csv_parser parser;
		int pieces_n = 1 + (int)(next_random(&rng) % 30), rc;
		FILE *fp;

		for (int k = 0; k < pieces_n; k++)
			strbuf_adds(&content, pieces[next_random(&rng) % ARRAY_SIZE(pieces)]);
		if (next_random(&rng) % 2)
			strbuf_addch(&content, '\n');
		fp = fopen(path, "w");
		assert_non_null(fp);
		assert_int_equal(fwrite(content.buf, 1, content.len, fp), content.len);
		fclose(fp);
		rc = csv_read_file(path, remember_fields, &got);
		assert_int_equal(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL), 0);
		if (csv_parse(&parser, content.buf, content.len, reference_field, reference_record,
			      &ref) != content.len ||
		    csv_fini(&parser, reference_field, reference_record, &ref) != 0)
			ref.failed = true;
		csv_free(&parser);
		if ((rc < 0) != ref.failed || strcmp(got.buf, ref.text.buf) != 0)
			fail_msg("file %d \"%s\": read %d \"%s\", libcsv %s \"%s\"", file,
				 shown(content.buf, 0), rc, shown(got.buf, 1),
				 ref.failed ? "failed" : "ok", shown(ref.text.buf, 2));
		for (size_t i = 0; i < 16; i++)
			free(ref.names[i]);
		strbuf_release(&ref.text);
		strbuf_release(&ref.record);
		strbuf_release(&content);
		strbuf_release(&got);
	}
	unlink(path);
	error_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_and_positions),
		cmocka_unit_test(test_multiline_field),
		cmocka_unit_test(test_lines_across_blocks),
		cmocka_unit_test(test_errors_and_early_stop),
		cmocka_unit_test(test_numbers_as_strtod),
		cmocka_unit_test(test_plain_lines_as_libcsv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
