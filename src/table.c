#include "table.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

struct cell {
	char *text;        /* what people see */
	double number;
	char *json;        /* CELL_JSON: the value for json output, encoded */
	enum { CELL_TEXT, CELL_NUMBER, CELL_NULL, CELL_BOOL, CELL_JSON } kind;
};

struct column {
	char *key;
	char *title;
	enum column_type type;
	size_t width;
};

struct table {
	struct column *columns;
	size_t ncolumns, columns_alloc;
	struct cell *cells;         /* row-major, ncolumns per row */
	size_t ncells, cells_alloc;
};

int output_format_parse(const char *text, enum output_format *out)
{
	static const struct { const char *name; enum output_format format; } names[] = {
		{ "table", FORMAT_TABLE }, { "csv", FORMAT_CSV }, { "json", FORMAT_JSON },
		{ "markdown", FORMAT_MARKDOWN }, { "md", FORMAT_MARKDOWN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(text, names[i].name) == 0) {
			*out = names[i].format;
			return 0;
		}
	}
	error_set("unknown format '%s'; expected one of table, csv, json, markdown", text);
	return -1;
}

struct table *table_new(void)
{
	return xcalloc(1, sizeof(struct table));
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncolumns; i++) {
		free(t->columns[i].key);
		free(t->columns[i].title);
	}
	for (size_t i = 0; i < t->ncells; i++) {
		free(t->cells[i].text);
		free(t->cells[i].json);
	}
	free(t->columns);
	free(t->cells);
	free(t);
}

void table_add_column(struct table *t, const char *key, const char *title, enum column_type type)
{
	struct column *c;

	xgrow(&t->columns, &t->columns_alloc, t->ncolumns + 1, sizeof(*t->columns));
	c = &t->columns[t->ncolumns++];
	c->key = xstrdup(key);
	c->title = xstrdup(title ? title : key);
	c->type = type;
	c->width = strlen(c->title);
}

void table_begin_row(struct table *t)
{
	/* Pads a short previous row so that rows always stay aligned to columns. */
	while (t->ncolumns && t->ncells % t->ncolumns)
		table_add_null(t);
}

static struct cell *next_cell(struct table *t)
{
	xgrow(&t->cells, &t->cells_alloc, t->ncells + 1, sizeof(*t->cells));
	return &t->cells[t->ncells++];
}

static void note_width(struct table *t, const struct cell *c)
{
	struct column *col = &t->columns[(size_t)(c - t->cells) % t->ncolumns];
	size_t w = strlen(c->text);

	if (w > col->width)
		col->width = w;
}

void table_add_text(struct table *t, const char *text)
{
	struct strbuf printable = STRBUF_INIT;
	struct cell *c;

	if (!text) {
		table_add_null(t);
		return;
	}
	/* A name from a store written before imports refused controls must not set a
	 * terminal's title or clear its screen: each control becomes '?'. */
	strbuf_add_printable(&printable, text);
	c = next_cell(t);
	c->kind = CELL_TEXT;
	c->text = strbuf_detach(&printable, NULL);
	note_width(t, c);
}

static void add_number(struct table *t, double value, int decimals, char style)
{
	struct strbuf sb = STRBUF_INIT;
	struct cell *c;

	if (!isfinite(value)) {
		table_add_null(t);
		return;
	}
	if (style == ',')
		format_grouped(&sb, value, decimals);
	else if (style == 'e')
		strbuf_addf(&sb, "%.*e", decimals, value);
	else
		format_fixed(&sb, value, decimals);
	c = next_cell(t);
	c->kind = CELL_NUMBER;
	c->number = value;
	c->text = strbuf_detach(&sb, NULL);
	note_width(t, c);
}

void table_add_number(struct table *t, double value, int decimals)
{
	add_number(t, value, decimals, 'f');
}

void table_add_money(struct table *t, double value, int decimals)
{
	add_number(t, value, decimals, ',');
}

void table_add_scientific(struct table *t, double value, int decimals)
{
	add_number(t, value, decimals, 'e');
}

void table_add_null(struct table *t)
{
	struct cell *c = next_cell(t);

	c->kind = CELL_NULL;
	c->text = xstrdup("");
}

void table_add_bool(struct table *t, bool value)
{
	struct cell *c = next_cell(t);

	c->kind = CELL_BOOL;
	c->number = value;
	c->text = xstrdup(value ? "yes" : "no");
}

void table_add_json(struct table *t, const char *json, const char *text)
{
	table_add_text(t, text ? text : "");
	t->cells[t->ncells - 1].kind = CELL_JSON;
	t->cells[t->ncells - 1].json = xstrdup(json);
}

size_t table_rows(const struct table *t)
{
	return t->ncolumns ? (t->ncells + t->ncolumns - 1) / t->ncolumns : 0;
}

void format_fixed(struct strbuf *sb, double value, int decimals)
{
	static const double scales[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
	double magnitude = fabs(value), scaled, whole, rest;
	uint64_t units, scale;
	char digits[24];
	int len = 0;

	/*
	 * printf rounds the exact value to DECIMALS places, ties to even. SCALED is
	 * VALUE × 10^DECIMALS rounded once (the power of ten is exact), so it is off
	 * by at most half a unit in its last place: unless the exact product lies
	 * within that of a tie (x.5), rounding SCALED rounds it the same way. Ties,
	 * near ties, many decimals and huge values go to printf.
	 */
	if (decimals < 0 || decimals >= (int)ARRAY_SIZE(scales) || !(magnitude < 1e12)) {
		strbuf_addf(sb, "%.*f", decimals, value);
		return;
	}
	scaled = magnitude * scales[decimals];
	whole = floor(scaled);
	rest = scaled - whole;   /* exact: the bits of SCALED below its units */
	if (fabs(rest - 0.5) <= scaled * 0x1p-50) {
		strbuf_addf(sb, "%.*f", decimals, value);
		return;
	}
	units = (uint64_t)whole + (rest > 0.5);
	scale = (uint64_t)scales[decimals];
	/* printf keeps the sign of anything negative, even what rounds to zero. */
	if (signbit(value))
		strbuf_addch(sb, '-');
	for (uint64_t n = units / scale; len == 0 || n > 0; n /= 10)
		digits[len++] = (char)('0' + n % 10);
	while (len > 0)
		strbuf_addch(sb, digits[--len]);
	if (decimals == 0)
		return;
	strbuf_addch(sb, '.');
	for (uint64_t n = units % scale, i = 0; i < (uint64_t)decimals; i++, n /= 10)
		digits[len++] = (char)('0' + n % 10);
	while (len > 0)
		strbuf_addch(sb, digits[--len]);
}

void format_grouped(struct strbuf *sb, double value, int decimals)
{
	struct strbuf digits = STRBUF_INIT;
	const char *p, *point;
	size_t int_len;

	format_fixed(&digits, fabs(value), decimals);
	point = strchr(digits.buf, '.');
	int_len = point ? (size_t)(point - digits.buf) : digits.len;
	if (value < 0 && strspn(digits.buf, "0.") != digits.len)
		strbuf_addch(sb, '-');
	p = digits.buf;
	for (size_t i = 0; i < int_len; i++) {
		if (i && (int_len - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, p[i]);
	}
	strbuf_adds(sb, p + int_len);
	strbuf_release(&digits);
}

/* Full precision, shortest form that reads back exactly for common values. */
static void format_plain_number(struct strbuf *sb, double value)
{
	char buf[64];

	for (int precision = 15; precision <= 17; precision++) {
		snprintf(buf, sizeof(buf), "%.*g", precision, value);
		if (c_strtod(buf, NULL) == value)
			break;
	}
	strbuf_adds(sb, buf);
}

static void csv_field(struct strbuf *sb, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		strbuf_adds(sb, s);
		return;
	}
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void markdown_field(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s == '\n' ? ' ' : *s);
	}
}

/* The last column people see (COLUMN_DATA is for scripts only). */
static size_t last_shown(const struct table *t)
{
	size_t last = 0;

	for (size_t j = 0; j < t->ncolumns; j++)
		if (t->columns[j].type != COLUMN_DATA)
			last = j;
	return last;
}

/* TEXT in WIDTH bytes, as "%*s" (RIGHT) or "%-*s" would print it. */
static void add_padded(struct strbuf *out, const char *text, size_t width, bool right)
{
	size_t len = strlen(text), pad = len < width ? width - len : 0;

	if (right)
		for (size_t i = 0; i < pad; i++)
			strbuf_addch(out, ' ');
	strbuf_add(out, text, len);
	if (!right)
		for (size_t i = 0; i < pad; i++)
			strbuf_addch(out, ' ');
}

static void render_table(const struct table *t, struct strbuf *out, bool color)
{
	size_t rows = table_rows(t);
	size_t final = last_shown(t);

	for (size_t j = 0; j < t->ncolumns; j++) {
		const struct column *col = &t->columns[j];
		bool last = j == final;

		if (col->type == COLUMN_DATA)
			continue;
		if (color)
			strbuf_adds(out, "\033[1m");
		if (col->type == COLUMN_NUMBER)
			add_padded(out, col->title, col->width, true);
		else if (last)
			strbuf_adds(out, col->title);
		else
			add_padded(out, col->title, col->width, false);
		if (color)
			strbuf_adds(out, "\033[0m");
		strbuf_adds(out, last ? "\n" : "  ");
	}
	for (size_t i = 0; i < rows; i++) {
		for (size_t j = 0; j < t->ncolumns; j++) {
			const struct column *col = &t->columns[j];
			size_t idx = i * t->ncolumns + j;
			const char *text = idx < t->ncells ? t->cells[idx].text : "";
			bool last = j == final;

			if (col->type == COLUMN_DATA)
				continue;
			if (col->type == COLUMN_NUMBER)
				add_padded(out, text, col->width, true);
			else if (last)
				strbuf_adds(out, text);
			else
				add_padded(out, text, col->width, false);
			if (!last)
				strbuf_adds(out, "  ");
		}
		strbuf_rtrim(out);
		strbuf_addch(out, '\n');
	}
}

static void render_csv(const struct table *t, struct strbuf *out)
{
	size_t rows = table_rows(t);

	for (size_t j = 0; j < t->ncolumns; j++) {
		if (j)
			strbuf_addch(out, ',');
		csv_field(out, t->columns[j].key);
	}
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < rows; i++) {
		for (size_t j = 0; j < t->ncolumns; j++) {
			size_t idx = i * t->ncolumns + j;

			if (j)
				strbuf_addch(out, ',');
			if (idx >= t->ncells || t->cells[idx].kind == CELL_NULL)
				continue;
			if (t->cells[idx].kind == CELL_NUMBER)
				format_plain_number(out, t->cells[idx].number);
			else if (t->cells[idx].kind == CELL_BOOL)
				strbuf_adds(out, t->cells[idx].number != 0 ? "true" : "false");
			else
				csv_field(out, t->cells[idx].text);
		}
		strbuf_addch(out, '\n');
	}
}

static void render_markdown(const struct table *t, struct strbuf *out)
{
	size_t rows = table_rows(t);

	strbuf_adds(out, "|");
	for (size_t j = 0; j < t->ncolumns; j++) {
		if (t->columns[j].type == COLUMN_DATA)
			continue;
		strbuf_addch(out, ' ');
		markdown_field(out, t->columns[j].title);
		strbuf_adds(out, " |");
	}
	strbuf_adds(out, "\n|");
	for (size_t j = 0; j < t->ncolumns; j++)
		if (t->columns[j].type != COLUMN_DATA)
			strbuf_adds(out, t->columns[j].type == COLUMN_NUMBER ? " ---: |" : " --- |");
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < rows; i++) {
		strbuf_adds(out, "|");
		for (size_t j = 0; j < t->ncolumns; j++) {
			size_t idx = i * t->ncolumns + j;

			if (t->columns[j].type == COLUMN_DATA)
				continue;
			strbuf_addch(out, ' ');
			if (idx < t->ncells)
				markdown_field(out, t->cells[idx].text);
			strbuf_adds(out, " |");
		}
		strbuf_addch(out, '\n');
	}
}

/* Whole numbers print as JSON integers (8, not 8.0); everything else as reals. */
static json_t *json_number_value_of(double value)
{
	if (value == floor(value) && fabs(value) < 9007199254740992.0)
		return json_integer((json_int_t)value);
	return json_real(value);
}

static int render_json(const struct table *t, struct strbuf *out)
{
	json_t *array = json_array();
	size_t rows = table_rows(t);
	char *text;

	for (size_t i = 0; i < rows; i++) {
		json_t *object = json_object();

		for (size_t j = 0; j < t->ncolumns; j++) {
			size_t idx = i * t->ncolumns + j;
			json_t *value;

			if (idx >= t->ncells || t->cells[idx].kind == CELL_NULL)
				value = json_null();
			else if (t->cells[idx].kind == CELL_NUMBER)
				value = json_number_value_of(t->cells[idx].number);
			else if (t->cells[idx].kind == CELL_BOOL)
				value = json_boolean(t->cells[idx].number != 0);
			else if (t->cells[idx].kind == CELL_JSON)
				value = json_loads(t->cells[idx].json, JSON_DECODE_ANY, NULL);
			else
				value = json_string(t->cells[idx].text);
			json_object_set_new(object, t->columns[j].key, value ? value : json_null());
		}
		json_array_append_new(array, object);
	}
	text = json_dumps(array, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(array);
	if (!text) {
		error_set("cannot encode JSON output");
		return -1;
	}
	strbuf_adds(out, text);
	strbuf_addch(out, '\n');
	free(text);
	return 0;
}

int table_print(const struct table *t, FILE *fp, enum output_format format)
{
	struct strbuf out = STRBUF_INIT;
	int result = 0;

	switch (format) {
	case FORMAT_TABLE:
		render_table(t, &out, use_color(fp));
		break;
	case FORMAT_CSV:
		render_csv(t, &out);
		break;
	case FORMAT_MARKDOWN:
		render_markdown(t, &out);
		break;
	case FORMAT_JSON:
		result = render_json(t, &out);
		break;
	}
	if (result == 0 && (fwrite(out.buf, 1, out.len, fp) != out.len || fflush(fp) != 0)) {
		error_set("write error: %s", strerror(errno));
		result = -1;
	}
	strbuf_release(&out);
	return result;
}
