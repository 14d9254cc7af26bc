/* Small shared helpers: the error channel, atomic files, strings (and xalloc.h). */
#ifndef AICOST_UTIL_H
#define AICOST_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "strbuf.h"
#include "xalloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* qsort for an array that may be empty, and so NULL: qsort(NULL, 0, ...) is undefined. */
static inline void sort_array(void *base, size_t n, size_t size,
			      int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/*
 * X, a whole number the caller has already rounded (ceil, floor), as an int in
 * [LO, HI]; false for NaN, infinities, fractions and anything outside, so that no
 * double is cast to an int it does not fit (undefined behaviour, C11 6.3.1.4).
 * For a count computed from input that validation cannot bound tightly enough.
 */
static inline bool whole_to_int(double x, int lo, int hi, int *out)
{
	if (!(x >= lo && x <= hi) || (double)(int)x != x)
		return false;
	*out = (int)x;
	return true;
}

/*
 * The error channel. Modules return -1 or NULL and describe why with error_set();
 * only the command layer prints (with error_print) and picks the exit code.
 * error_set() replaces the message; error_prefix() puts context in front of it.
 */
void error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *error_get(void);
void error_clear(void);
/* Prints "aicost: <message>" (or "aicost CMD: ...") on stderr. */
void error_print(const char *cmd);
void error_free(void);
/*
 * Where error_set() writes: each run of a command (command_run) pushes its own,
 * so a message one command left is never read by the next one in the same
 * process (the REPL). Pop releases it; contexts nest.
 */
struct error_context {
	struct strbuf message;
	struct error_context *outer;
};
void error_context_push(struct error_context *ctx);
void error_context_pop(struct error_context *ctx);

/* Prints a formatted diagnostic "aicost[ CMD]: ..." on stderr. */
void warnx_cmd(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Atomic output: data goes to PATH.tmp.XXXXXX in the same directory, is fsync'ed,
 * then renamed over PATH. On any failure PATH is left as it was.
 */
struct atomic_file {
	FILE *fp;
	char *path;
	char *tmp_path;
};
int atomic_open(struct atomic_file *af, const char *path);
int atomic_commit(struct atomic_file *af);   /* closes, fsyncs, renames */
void atomic_abort(struct atomic_file *af);   /* closes and removes the temp file */
int atomic_write_file(const char *path, const void *data, size_t len);

/* mkdir -p for the directory part of PATH (or PATH itself with dir_itself). */
int mkdir_parents(const char *path, bool dir_itself);
/* Refuses (error set, -1) what never ends or is not data: devices (/dev/zero), directories. */
int check_input_stream(FILE *fp, const char *name);
/* The most read_file and read_stream read (scenarios, key files): 64 MB. */
#define READ_FILE_MAX_BYTES (64 << 20)
/* Reads a whole (small) file; NULL with error set on failure, on a device or
 * directory, and beyond READ_FILE_MAX_BYTES. */
char *read_file(const char *path, size_t *len);
/* The same for an open stream (standard input); NAME is for the message. */
char *read_stream(FILE *fp, const char *name, size_t *len);

/* Locale-independent strtod: always '.' as decimal point whatever LC_ALL says. */
double c_strtod(const char *s, char **end);

/* Case-insensitive ASCII comparisons. */
bool str_ieq(const char *a, const char *b);
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
/*
 * The one list splitter: TEXT cut at each SEP into *ITEMS, which the caller frees with
 * str_list_free; returns how many. SPLIT_TRIM drops the spaces around each item
 * ("aws, gcp"); SPLIT_SKIP_EMPTY drops empty items, which are otherwise kept as "" so
 * that a caller can refuse "aws,,gcp". An empty TEXT has no items.
 */
enum { SPLIT_TRIM = 1 << 0, SPLIT_SKIP_EMPTY = 1 << 1 };
size_t str_split(const char *text, char sep, unsigned flags, char ***items);
void str_list_free(char **items, size_t n);
/* Edit distance (Damerau-Levenshtein, optimal string alignment). */
size_t edit_distance(const char *a, const char *b);
/* The candidate closest to WORD, if close enough to be a plausible typo; else NULL. */
const char *suggest_word(const char *word, const char *const *candidates, size_t n);

/*
 * Strings to indexes in a hash table, for duplicate checks that must stay linear on
 * hostile input. Keys are borrowed: they must outlive the index. Zero-initialise.
 */
struct str_index {
	const char **keys;
	size_t *values;
	size_t n, capacity;
	size_t salt;
};
/* The value KEY already has; or, when new, adds KEY -> VALUE and returns SIZE_MAX. */
size_t str_index_add(struct str_index *index, const char *key, size_t value);
void str_index_release(struct str_index *index);

/*
 * The first byte of TEXT (LEN bytes) that must not reach a terminal: a NUL, a C0
 * control other than tab and newline, DEL, or a C1 control (UTF-8 U+0080..U+009F).
 * Returns its offset, or LEN when there is none; *CODE is the control's code point.
 */
size_t control_char_at(const char *text, size_t len, unsigned *code);
/* Appends TEXT with every such control replaced by '?': safe for a terminal. */
void strbuf_add_printable(struct strbuf *out, const char *text);

/* Days from the end of an observed period (YYYY, YYYY-MM, YYYY-MM-DD) to NOW; NAN
 * when OBSERVED is not a date. */
double observed_age_days(const char *observed, time_t now);

/* True when colour may be used on FP: a terminal and NO_COLOR unset. */
bool use_color(FILE *fp);

#endif
