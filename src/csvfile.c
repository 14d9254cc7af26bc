#include "csvfile.h"
#include "util.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* No price file has a line or record anywhere near this: a bound for endless input. */
#define MAX_LINE_BYTES (1 << 20)
#define MAX_RECORD_BYTES (4 << 20)

struct reader {
	struct csv_record record;
	size_t alloc;
	/* The record's fields, each NUL-terminated, one after another: a record costs no
	 * allocation once the buffers have grown to the longest. */
	struct strbuf text;
	size_t *offsets;            /* of each field in TEXT */
	struct strbuf line_text;    /* the physical line being fed */
	long line;                  /* its number */
	long record_line;           /* where the record in progress started; 0 = none */
	size_t record_bytes;        /* bytes fed since the last record ended */
	size_t header_n;            /* fields of the first record (the header); 0 = not yet */
	csv_record_fn fn;
	void *ctx;
	int status;                 /* 0 going on, 1 stopped, -1 failed */
};

/* One more field in the record, its text (NUL-terminated) at OFFSET in r->text. */
static void push_field(struct reader *r, size_t offset)
{
	if (r->record_line == 0)
		r->record_line = r->line;
	if (r->record.n == r->alloc) {
		xgrow(&r->record.fields, &r->alloc, r->record.n + 1, sizeof(*r->record.fields));
		r->offsets = xrealloc(r->offsets, r->alloc * sizeof(*r->offsets));
	}
	r->offsets[r->record.n] = offset;
	r->record.n++;
}

static void on_field(void *data, size_t len, void *ctx)
{
	struct reader *r = ctx;

	if (r->status != 0)
		return;
	push_field(r, r->text.len);
	if (data)
		strbuf_add(&r->text, data, len);
	strbuf_addch(&r->text, '\0');
}

static void clear_record(struct reader *r)
{
	strbuf_reset(&r->text);
	r->record.n = 0;
	r->record_line = 0;
	r->record_bytes = 0;
}

/*
 * The header names each column once; a data record has no more fields than it.
 * Either would leave a value that nothing reads, so that a file could say one
 * price and mean another.
 */
static int check_shape(struct reader *r)
{
	const struct csv_record *rec = &r->record;

	if (r->header_n == 0) {
		for (size_t i = 0; i < rec->n; i++)
			for (size_t j = 0; j < i; j++)
				if (str_ieq(rec->fields[i], rec->fields[j]))
					return csv_field_error(rec, i, rec->fields[i],
							       "the header names this column twice "
							       "(also field %zu)", j + 1);
		r->header_n = rec->n;
		return 0;
	}
	if (rec->n > r->header_n)
		return csv_field_error(rec, r->header_n, "record",
				       "%zu fields, but the header names %zu columns",
				       rec->n, r->header_n);
	return 0;
}

static void on_record(int terminator, void *ctx)
{
	struct reader *r = ctx;
	bool blank;

	(void)terminator;
	if (r->status != 0) {
		clear_record(r);
		return;
	}
	if (r->record_line == 0)
		r->record_line = r->line;
	r->record.line = r->record_line;
	for (size_t i = 0; i < r->record.n; i++)
		r->record.fields[i] = r->text.buf + r->offsets[i];
	blank = r->record.n == 0 || (r->record.n == 1 && r->record.fields[0][0] == '\0');
	if (!blank && r->record.fields[0][0] != '#') {
		/* Columns are found in the line only for a message (csv_column). */
		r->record.line_text = r->record_line == r->line ? r->line_text.buf : NULL;
		r->status = check_shape(r);
		if (r->status == 0)
			r->status = r->fn(&r->record, r->ctx);
	}
	clear_record(r);
}

static bool blank_byte(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * LINE (LEN bytes, its newline included), read outside any quoted field, when it
 * holds no quote and no carriage return but its CRLF end: its record exactly as
 * libcsv gives it (fields split at commas, spaces and tabs around each one
 * trimmed, a blank line no record) without libcsv's byte-by-byte state machine.
 * False, nothing done: anything else is libcsv's to read.
 */
static bool read_plain_line(struct reader *r, const char *line, size_t len)
{
	size_t n = len, at = r->text.len, field = 0;
	char *copy;

	if (n > 0 && line[n - 1] == '\n')
		n--;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (memchr(line, '"', n) || memchr(line, '\r', n))
		return false;
	while (field < n && blank_byte(line[field]))
		field++;
	if (field == n)
		return true;
	/* The fields in place in one copy of the line: each one's end becomes a NUL. */
	strbuf_add(&r->text, line, n);
	copy = r->text.buf + at;
	for (field = 0;;) {
		const char *comma = memchr(copy + field, ',', n - field);
		size_t stop = comma ? (size_t)(comma - copy) : n, next = stop + 1;

		while (field < stop && blank_byte(copy[field]))
			field++;
		while (stop > field && blank_byte(copy[stop - 1]))
			stop--;
		copy[stop] = '\0';
		push_field(r, at + field);
		if (!comma)
			break;
		field = next;
	}
	on_record('\n', r);
	return true;
}

const char *csv_display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

/* Reads FP in blocks: a line is found with memchr, not a getc per byte. */
struct line_source {
	FILE *fp;
	size_t at, end;
	char block[65536];
};

/*
 * Reads one line (with its newline) into LINE, at most MAX_LINE_BYTES. Returns its
 * length, 0 at the end, -1 (error set) for a longer line or a read error.
 */
static ssize_t read_line(struct line_source *in, struct strbuf *line, const char *file,
			 long number)
{
	strbuf_reset(line);
	for (;;) {
		const char *start, *newline;
		size_t n;

		if (in->at == in->end) {
			in->at = 0;
			in->end = fread(in->block, 1, sizeof(in->block), in->fp);
			if (in->end == 0)
				break;
		}
		start = in->block + in->at;
		newline = memchr(start, '\n', in->end - in->at);
		n = newline ? (size_t)(newline - start) + 1 : in->end - in->at;
		if (line->len + n > MAX_LINE_BYTES) {
			error_set("%s:%ld: a line longer than %d MiB: not a price file",
				  file, number, MAX_LINE_BYTES >> 20);
			return -1;
		}
		strbuf_add(line, start, n);
		in->at += n;
		if (newline)
			break;
	}
	if (ferror(in->fp)) {
		error_set("%s: %s", file, strerror(errno));
		return -1;
	}
	return (ssize_t)line->len;
}

/*
 * A NUL would end the field early in C (5<NUL>5.04 read as 5) and control
 * characters would reach terminals from names: refuse both with their position.
 * Tab, CR and LF are layout; C1 controls (U+0080..U+009F) are as bad as C0 ones.
 */
static int check_bytes(const char *file, long line, const char *data, size_t len)
{
	size_t at = 0, next;
	unsigned code;

	/* A carriage return ends CRLF lines; every other control is refused. */
	while ((next = control_char_at(data + at, len - at, &code)) < len - at) {
		at += next;
		if (code == '\r') {
			at++;
			continue;
		}
		if (code == 0)
			error_set("%s:%ld:%zu: a NUL byte: not a text price file", file, line, at + 1);
		else
			error_set("%s:%ld:%zu: control character 0x%02x: price files hold "
				  "printable text only", file, line, at + 1, code);
		return -1;
	}
	return 0;
}

int csv_read_file(const char *path, csv_record_fn fn, void *ctx)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int result;

	if (!fp) {
		error_set("%s: %s", csv_display_name(path), strerror(errno));
		return -1;
	}
	result = csv_read_stream(fp, path, fn, ctx);
	if (fp != stdin)
		fclose(fp);
	return result;
}

int csv_read_stream(FILE *fp, const char *path, csv_record_fn fn, void *ctx)
{
	struct reader r = { 0 };
	struct line_source *in = xcalloc(1, sizeof(*in));
	struct csv_parser parser;
	struct strbuf line = STRBUF_INIT;
	ssize_t len = 0;
	int result = -1;
	/* Inside a quoted field at the end of the lines read so far: each quote
	 * opens, closes or (doubled) escapes, so their count's parity says. */
	bool quoted = false, quoted_before;

	r.record.file = csv_display_name(path);
	r.fn = fn;
	r.ctx = ctx;
	strbuf_init(&r.line_text, 0);
	strbuf_init(&r.text, 0);
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		xoom();
	if (check_input_stream(fp, r.record.file) < 0)
		goto cleanup;
	in->fp = fp;
	while (r.status == 0 && (len = read_line(in, &line, r.record.file, r.line + 1)) > 0) {
		const char *data = line.buf;

		r.line++;
		/* A BOM would otherwise glue itself to the first column name. */
		if (r.line == 1 && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
			data += 3;
			len -= 3;
		}
		if (check_bytes(r.record.file, r.line, data, (size_t)len) < 0)
			goto cleanup;
		r.record_bytes += (size_t)len;
		if (r.record_bytes > MAX_RECORD_BYTES) {
			error_set("%s:%ld: a record longer than %d MiB (an unterminated quote?)",
				  r.record.file, r.record_line ? r.record_line : r.line,
				  MAX_RECORD_BYTES >> 20);
			goto cleanup;
		}
		strbuf_reset(&r.line_text);
		strbuf_add(&r.line_text, data, (size_t)len);
		quoted_before = quoted;
		for (const char *q = data; (q = memchr(q, '"', (size_t)(data + len - q))); q++)
			quoted = !quoted;
		if (!quoted_before && read_plain_line(&r, data, (size_t)len))
			continue;
		if (csv_parse(&parser, data, (size_t)len, on_field, on_record, &r) != (size_t)len) {
			error_set("%s:%ld: %s", r.record.file, r.line, csv_strerror(csv_error(&parser)));
			goto cleanup;
		}
	}
	if (len < 0)
		goto cleanup;
	if (r.status == 0 && csv_fini(&parser, on_field, on_record, &r) != 0) {
		error_set("%s:%ld: unterminated quoted field", r.record.file, r.record_line ? r.record_line : r.line);
		goto cleanup;
	}
	result = r.status < 0 ? -1 : 0;
cleanup:
	clear_record(&r);
	free(r.record.fields);
	free(r.offsets);
	strbuf_release(&r.text);
	csv_free(&parser);
	free(in);
	strbuf_release(&line);
	strbuf_release(&r.line_text);
	return result;
}

int csv_header_index(const struct csv_record *header, const char *name)
{
	for (size_t i = 0; i < header->n; i++)
		if (strcmp(header->fields[i], name) == 0)
			return (int)i;
	return -1;
}

int csv_field_error(const struct csv_record *record, size_t i, const char *field_name,
		    const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (i < record->n && csv_column(record, i))
		error_set("%s:%ld:%zu: %s: %s", record->file, record->line, csv_column(record, i),
			  field_name, msg.buf);
	else
		error_set("%s:%ld: %s: %s", record->file, record->line, field_name, msg.buf);
	strbuf_release(&msg);
	return -1;
}

size_t csv_column(const struct csv_record *record, size_t i)
{
	const char *s = record->line_text;
	size_t field = 0;
	bool quoted = false;

	if (i >= record->n)
		return 0;
	if (record->columns && record->columns[i])
		return record->columns[i];
	if (!s)
		return 0;
	/* Field I starts after the I-th comma outside quotes. */
	for (size_t at = 0; s[at]; at++) {
		if (field == i)
			return at + 1;
		if (s[at] == '"')
			quoted = !quoted;
		else if (s[at] == ',' && !quoted)
			field++;
	}
	return field == i ? strlen(s) + 1 : 0;
}

const char *csv_text(const struct csv_record *record, int i)
{
	return i >= 0 && (size_t)i < record->n ? record->fields[i] : "";
}

/*
 * Physical bounds of the numbers price files carry, by column (both formats), so
 * that a typo or a hostile 1e300 is refused instead of stored: no instance rents
 * for a million dollars an hour, none has 100,000 vCPUs. Anything else: 1e15.
 */
static const struct {
	const char *column;
	double max;
	const char *unit;
} physical_limits[] = {
	{ "price_per_hour", 1e6, "$/hour" }, { "Price", 1e6, "$/hour" },
	{ "SpotPrice", 1e6, "$/hour" }, { "accelerator_count", 1e6, "accelerators" },
	{ "AcceleratorCount", 1e6, "accelerators" }, { "vcpus", 1e5, "vCPUs" },
	{ "vCPUs", 1e5, "vCPUs" }, { "memory_gib", 1e6, "GiB" }, { "MemoryGiB", 1e6, "GiB" },
	{ "memory_gb", 1e5, "GB per accelerator" }, { "bf16_tflops", 1e6, "TFLOP/s" },
	{ "fp8_tflops", 1e6, "TFLOP/s" }, { "hbm_tbps", 1e3, "TB/s" }, { "tdp_w", 1e5, "W" },
	{ "price_per_gb", 1e3, "$/GB" }, { "price_per_gb_month", 1e3, "$/GB-month" },
	{ "retrieval_per_gb", 1e3, "$/GB" }, { "min_days", 36500, "days" },
};

/* The least of those bounds: a number below it needs no look-up. */
static double least_physical_max(void)
{
	double least = INFINITY;

	for (size_t i = 0; i < ARRAY_SIZE(physical_limits); i++)
		least = fmin(least, physical_limits[i].max);
	return least;
}

static double physical_max(const char *column, const char **unit)
{
	for (size_t i = 0; i < ARRAY_SIZE(physical_limits); i++)
		if (strcmp(physical_limits[i].column, column) == 0) {
			*unit = physical_limits[i].unit;
			return physical_limits[i].max;
		}
	*unit = "";
	return 1e15;
}

/*
 * TEXT when it is plain digits with an optional fraction ("12", "0.4321") whose
 * value strtod would compute exactly: all its digits as one integer of at most
 * 2^53 and at most 22 decimals, so that one division of two exact doubles gives
 * the correctly rounded value, as strtod does (Clinger's fast path). False for
 * anything else (signs, exponents, spaces, more digits): strtod decides those.
 */
static bool plain_decimal(const char *text, double *out)
{
	static const double powers_of_ten[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
		1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
	};
	uint64_t digits = 0;
	int decimals = -1;           /* -1: no point yet */
	const char *s = text;

	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			digits = digits * 10 + (uint64_t)(*s - '0');
			if (digits > (UINT64_C(1) << 53) ||
			    (decimals >= 0 && ++decimals >= (int)ARRAY_SIZE(powers_of_ten)))
				return false;
		} else if (*s == '.' && decimals < 0 && s > text && s[1] >= '0' && s[1] <= '9') {
			decimals = 0;
		} else {
			break;
		}
	}
	if (s == text || *s != '\0')
		return false;
	*out = (double)digits / powers_of_ten[decimals < 0 ? 0 : decimals];
	return true;
}

int csv_number(const struct csv_record *record, int i, const char *name, bool required,
	       double if_empty, double *out)
{
	static double least_max;
	const char *unit;
	double max;

	const char *text = csv_text(record, i);
	char *end;
	double value;

	if (*text == '\0') {
		if (required)
			return csv_field_error(record, (size_t)i, name, "a number is required");
		*out = if_empty;
		return 0;
	}
	if (!plain_decimal(text, &value)) {
		errno = 0;
		value = c_strtod(text, &end);
		/* strtod also reads hexadecimal ("0x15" would be 21): a price file writes
		 * decimals, so anything else is a typo, not a number. */
		if (end == text || *end != '\0' || !isfinite(value) || errno == ERANGE ||
		    text[strspn(text, " \t+-.0123456789eE")] != '\0')
			return csv_field_error(record, (size_t)i, name,
					       "expected a number, got \"%s\"", text);
	}
	if (value < 0)
		return csv_field_error(record, (size_t)i, name, "must not be negative, got %s",
				       text);
	if (!least_max)
		least_max = least_physical_max();
	if (value <= least_max) {
		*out = value;
		return 0;
	}
	max = physical_max(name, &unit);
	if (value > max)
		return csv_field_error(record, (size_t)i, name, "%s is beyond any real value "
				       "(at most %g%s%s)", text, max, *unit ? " " : "", unit);
	*out = value;
	return 0;
}
