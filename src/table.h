/*
 * Tabular output in the four formats every command offers: an aligned table for
 * people, and csv / json / markdown for scripts. Column keys are the stable names
 * (csv header, json keys); titles are for people (table and markdown headers).
 */
#ifndef AICOST_TABLE_H
#define AICOST_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "strbuf.h"

enum output_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON, FORMAT_MARKDOWN };

/* "table", "csv", "json", "markdown" (also "md"); -1 with a message otherwise. */
int output_format_parse(const char *text, enum output_format *out);

/* COLUMN_DATA: for scripts only (csv and json), not in the table people read. */
enum column_type { COLUMN_TEXT, COLUMN_NUMBER, COLUMN_DATA };

struct table;

struct table *table_new(void);
void table_free(struct table *t);
void table_add_column(struct table *t, const char *key, const char *title, enum column_type type);
void table_begin_row(struct table *t);
void table_add_text(struct table *t, const char *text);      /* NULL prints as empty / null */
/* DECIMALS digits after the point in table/markdown; csv and json get full precision. */
void table_add_number(struct table *t, double value, int decimals);
/* Same, printed with thousands separators for people (1,234,567). */
void table_add_money(struct table *t, double value, int decimals);
/* Same, printed as 7.20e+23 for people (FLOPs and other huge counts). */
void table_add_scientific(struct table *t, double value, int decimals);
void table_add_null(struct table *t);
/* yes / no for people, true / false in csv and json. */
void table_add_bool(struct table *t, bool value);
/* JSON (encoded: an array, an object...) in json output; TEXT in the others. */
void table_add_json(struct table *t, const char *json, const char *text);
size_t table_rows(const struct table *t);
/* Writes the whole table; returns -1 with a message on a write error. */
int table_print(const struct table *t, FILE *fp, enum output_format format);

/* "1,234,567.89" — locale-independent grouping for people. */
void format_grouped(struct strbuf *sb, double value, int decimals);
/* Exactly what "%.*f" prints (DECIMALS digits after the point), without printf when it can. */
void format_fixed(struct strbuf *sb, double value, int decimals);

#endif
