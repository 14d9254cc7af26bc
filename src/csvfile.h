/*
 * Streaming CSV reading over libcsv: one record at a time, with the file, line and
 * column of every field so that errors can point at them. Used by the catalog
 * loader and the importers.
 */
#ifndef AICOST_CSVFILE_H
#define AICOST_CSVFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct csv_record {
	const char *file;
	long line;            /* physical line where the record starts, 1-based */
	char **fields;
	size_t *columns;      /* 1-based column of each field; 0: see csv_column */
	size_t n;
	const char *line_text;  /* the line the record fits on, else NULL */
};

/* Returns 0 to go on, 1 to stop early, -1 (error set) to fail the read. */
typedef int (*csv_record_fn)(const struct csv_record *record, void *ctx);

/*
 * Calls FN for every record of PATH ("-" is stdin), header included, skipping
 * blank lines and lines whose first field starts with '#'. Strips a UTF-8 BOM.
 */
int csv_read_file(const char *path, csv_record_fn fn, void *ctx);
/* The same for an open FP (left open), which PATH names in messages. */
int csv_read_stream(FILE *fp, const char *path, csv_record_fn fn, void *ctx);

/* How errors name PATH: "stdin" for "-". */
const char *csv_display_name(const char *path);

/* Index of the header field NAME (exact), or -1. */
int csv_header_index(const struct csv_record *header, const char *name);

/*
 * The 1-based column where field I of RECORD starts: from its columns, else found
 * in its line (when it fits on one), else 0 (not known).
 */
size_t csv_column(const struct csv_record *record, size_t i);

/* Sets "FILE:LINE:COL: FIELD: message" for field I of RECORD and returns -1. */
int csv_field_error(const struct csv_record *record, size_t i, const char *field_name,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Field I of RECORD as a non-negative finite number (locale-independent), within
 * the physical bound of column NAME (a price, vCPUs, GiB...; 1e15 for others). An empty
 * field (or I < 0: the column is absent) gives IF_EMPTY, or an error when REQUIRED.
 */
int csv_number(const struct csv_record *record, int i, const char *name, bool required,
	       double if_empty, double *out);
/* Field I, or "" when the column is absent. */
const char *csv_text(const struct csv_record *record, int i);

#endif
