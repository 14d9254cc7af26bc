#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Outside every pushed context (unit tests, main before a command): this one. */
static struct error_context base_context = { STRBUF_INIT, NULL };
static struct error_context *current = &base_context;

void error_context_push(struct error_context *ctx)
{
	strbuf_init(&ctx->message, 0);
	ctx->outer = current;
	current = ctx;
}

void error_context_pop(struct error_context *ctx)
{
	if (current == ctx)
		current = ctx->outer;
	strbuf_release(&ctx->message);
}

void error_set(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_release(&current->message);
	current->message = sb;
}

void error_prefix(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_add(&sb, current->message.buf, current->message.len);
	strbuf_release(&current->message);
	current->message = sb;
}

const char *error_get(void)
{
	return current->message.len ? current->message.buf : "unknown error";
}

void error_clear(void)
{
	strbuf_reset(&current->message);
}

void error_free(void)
{
	strbuf_release(&base_context.message);
}

void error_print(const char *cmd)
{
	if (cmd)
		fprintf(stderr, "aicost %s: %s\n", cmd, error_get());
	else
		fprintf(stderr, "aicost: %s\n", error_get());
	error_clear();
}

void warnx_cmd(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs(cmd ? "aicost " : "aicost", stderr);
	if (cmd)
		fputs(cmd, stderr);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int atomic_open(struct atomic_file *af, const char *path)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd;

	af->fp = NULL;
	af->path = NULL;
	af->tmp_path = NULL;
	strbuf_addf(&tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		error_set("%s: cannot create temporary file: %s", path, strerror(errno));
		strbuf_release(&tmp);
		return -1;
	}
	/* mkstemp makes 0600; output files are ordinary files under the user's umask. */
	mode_t mask = umask(0);

	umask(mask);
	fchmod(fd, 0666 & ~mask);
	af->fp = fdopen(fd, "w");
	if (!af->fp) {
		error_set("%s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		strbuf_release(&tmp);
		return -1;
	}
	af->path = xstrdup(path);
	af->tmp_path = strbuf_detach(&tmp, NULL);
	return 0;
}

static void atomic_release(struct atomic_file *af)
{
	free(af->path);
	free(af->tmp_path);
	af->path = af->tmp_path = NULL;
	af->fp = NULL;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->fp)
		fclose(af->fp);
	if (af->tmp_path)
		unlink(af->tmp_path);
	atomic_release(af);
}

int atomic_commit(struct atomic_file *af)
{
	int result = -1;

	if (fflush(af->fp) != 0 || ferror(af->fp)) {
		error_set("%s: write failed: %s", af->path, strerror(errno));
		goto cleanup;
	}
	if (fsync(fileno(af->fp)) != 0) {
		error_set("%s: fsync failed: %s", af->path, strerror(errno));
		goto cleanup;
	}
	if (fclose(af->fp) != 0) {
		af->fp = NULL;
		error_set("%s: close failed: %s", af->path, strerror(errno));
		goto cleanup;
	}
	af->fp = NULL;
	if (rename(af->tmp_path, af->path) != 0) {
		error_set("%s: cannot replace: %s", af->path, strerror(errno));
		goto cleanup;
	}
	result = 0;
cleanup:
	if (result != 0) {
		atomic_abort(af);
		return result;
	}
	atomic_release(af);
	return result;
}

int atomic_write_file(const char *path, const void *data, size_t len)
{
	struct atomic_file af;

	if (atomic_open(&af, path) < 0)
		return -1;
	if (len && fwrite(data, 1, len, af.fp) != len) {
		error_set("%s: write failed: %s", path, strerror(errno));
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af);
}

int mkdir_parents(const char *path, bool dir_itself)
{
	char *copy = xstrdup(path);
	size_t end = strlen(copy);
	int result = -1;

	if (!dir_itself) {
		char *slash = strrchr(copy, '/');

		if (!slash) {
			free(copy);
			return 0;
		}
		end = (size_t)(slash - copy);
	}
	for (size_t i = 1; i <= end; i++) {
		if (i != end && copy[i] != '/')
			continue;
		char saved = copy[i];

		copy[i] = '\0';
		if (mkdir(copy, 0755) != 0 && errno != EEXIST) {
			error_set("cannot create directory %s: %s", copy, strerror(errno));
			goto cleanup;
		}
		copy[i] = saved;
	}
	result = 0;
cleanup:
	free(copy);
	return result;
}

int check_input_stream(FILE *fp, const char *name)
{
	struct stat st;

	if (fstat(fileno(fp), &st) < 0) {
		error_set("%s: %s", name, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		error_set("%s: not a regular file or pipe (a %s)", name,
			  S_ISDIR(st.st_mode) ? "directory" : "device");
		return -1;
	}
	return 0;
}

char *read_stream(FILE *fp, const char *name, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[8192];
	size_t n;

	if (check_input_stream(fp, name) < 0)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (sb.len + n > READ_FILE_MAX_BYTES) {
			error_set("%s: larger than %d MB; not an input aicost reads", name,
				  READ_FILE_MAX_BYTES >> 20);
			strbuf_release(&sb);
			return NULL;
		}
		strbuf_add(&sb, chunk, n);
	}
	if (ferror(fp)) {
		error_set("%s: read error: %s", name, strerror(errno));
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, len);
}

char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *text;

	if (!fp) {
		error_set("%s: %s", path, strerror(errno));
		return NULL;
	}
	text = read_stream(fp, path, len);
	fclose(fp);
	return text;
}

double c_strtod(const char *s, char **end)
{
	static locale_t c_locale;

	if (!c_locale) {
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		if (!c_locale)
			xoom();
	}
	return strtod_l(s, end, c_locale);
}

bool str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

size_t str_split(const char *text, char sep, unsigned flags, char ***items)
{
	size_t n = 0, alloc = 0;
	const char *p = text;

	*items = NULL;
	if (!*text)
		return 0;
	for (;;) {
		const char *end = strchr(p, sep), *start = p;
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (flags & SPLIT_TRIM) {
			while (len > 0 && *start == ' ') {
				start++;
				len--;
			}
			while (len > 0 && start[len - 1] == ' ')
				len--;
		}
		if (len > 0 || !(flags & SPLIT_SKIP_EMPTY)) {
			xgrow(items, &alloc, n + 1, sizeof(**items));
			(*items)[n++] = xstrndup(start, len);
		}
		if (!end)
			return n;
		p = end + 1;
	}
}

void str_list_free(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *d = xcalloc((la + 1) * (lb + 1), sizeof(*d));
	size_t result;

#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t best = D(i - 1, j) + 1;

			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < best)
				best = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	}
	result = D(la, lb);
#undef D
	free(d);
	return result;
}

const char *suggest_word(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_distance = SIZE_MAX;
	size_t limit = strlen(word) <= 4 ? 1 : strlen(word) <= 8 ? 2 : 3;

	for (size_t i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);

		if (d < best_distance) {
			best_distance = d;
			best = candidates[i];
		}
	}
	if (best && best_distance <= limit)
		return best;
	/* A unique prefix ("pric" for "pricing") is also a plausible intent. */
	best = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strlen(word) >= 3 && str_starts_with(candidates[i], word)) {
			if (best)
				return NULL;
			best = candidates[i];
		}
	}
	return best;
}

bool use_color(FILE *fp)
{
	const char *no_color = getenv("NO_COLOR");

	if (no_color && *no_color)
		return false;
	return isatty(fileno(fp));
}

/* FNV-1a, salted per index so that no fixed set of keys collides everywhere. */
static size_t str_hash(const char *key, size_t salt)
{
	size_t h = 14695981039346656037ULL ^ salt;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* The slot of KEY, or the empty slot where it would go. */
static size_t str_index_slot(const struct str_index *index, const char *key)
{
	size_t mask = index->capacity - 1;
	size_t i = str_hash(key, index->salt) & mask;

	while (index->keys[i] && strcmp(index->keys[i], key) != 0)
		i = (i + 1) & mask;
	return i;
}

size_t str_index_add(struct str_index *index, const char *key, size_t value)
{
	size_t slot;

	if ((index->n + 1) * 2 > index->capacity) {
		struct str_index bigger = { .n = index->n };

		bigger.capacity = index->capacity ? index->capacity * 2 : 16;
		bigger.salt = index->capacity ? index->salt
					      : (size_t)time(NULL) ^ (size_t)(uintptr_t)index;
		bigger.keys = xcalloc(bigger.capacity, sizeof(*bigger.keys));
		bigger.values = xcalloc(bigger.capacity, sizeof(*bigger.values));
		for (size_t i = 0; i < index->capacity; i++) {
			if (!index->keys[i])
				continue;
			slot = str_index_slot(&bigger, index->keys[i]);
			bigger.keys[slot] = index->keys[i];
			bigger.values[slot] = index->values[i];
		}
		str_index_release(index);
		*index = bigger;
	}
	slot = str_index_slot(index, key);
	if (index->keys[slot])
		return index->values[slot];
	index->keys[slot] = key;
	index->values[slot] = value;
	index->n++;
	return SIZE_MAX;
}

void str_index_release(struct str_index *index)
{
	free(index->keys);
	free(index->values);
	memset(index, 0, sizeof(*index));
}

/* Whether the 8 bytes of WORD are all printable ASCII (0x20..0x7e). */
static bool printable_ascii_word(uint64_t word)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones << 7;

	/* A byte below 0x20 borrows into its high bit; one above 0x7e carries
	 * into it (or has it already). A false "no" only sends the word to the
	 * byte-by-byte loop. */
	return !((((word - ones * 0x20) & ~word) | (word + ones) | word) & highs);
}

size_t control_char_at(const char *text, size_t len, unsigned *code)
{
	size_t i = 0;

	/* Plain ASCII text, the usual case, 8 bytes at a time. */
	for (uint64_t word; i + 8 <= len; i += 8) {
		memcpy(&word, text + i, 8);
		if (!printable_ascii_word(word))
			break;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			*code = c;
			return i;
		}
		/* 0xc2 is always a lead byte; 0xc2 0x80..0x9f encodes U+0080..U+009F. */
		if (c == 0xc2 && i + 1 < len && (unsigned char)text[i + 1] >= 0x80 &&
		    (unsigned char)text[i + 1] <= 0x9f) {
			*code = (unsigned char)text[i + 1];
			return i;
		}
	}
	return len;
}

void strbuf_add_printable(struct strbuf *out, const char *text)
{
	size_t len = strlen(text), at;
	unsigned code;

	while ((at = control_char_at(text, len, &code)) < len) {
		strbuf_add(out, text, at);
		strbuf_addch(out, '?');
		at += code >= 0x80 ? 2 : 1;
		text += at;
		len -= at;
	}
	strbuf_add(out, text, len);
}

/* Days from the end of an observed period (YYYY, YYYY-MM, YYYY-MM-DD) to NOW. */
double observed_age_days(const char *observed, time_t now)
{
	struct tm tm = { 0 };
	int year = 0, month = 12, day = 0;
	time_t end;

	if (!observed || sscanf(observed, "%4d", &year) != 1)
		return NAN;
	if (strlen(observed) >= 7)
		month = atoi(observed + 5);
	if (strlen(observed) >= 10)
		day = atoi(observed + 8);
	/* Day 0 of the next month is the last day of this one (timegm normalises it). */
	tm.tm_year = year - 1900;
	tm.tm_mon = day ? month - 1 : month;
	tm.tm_mday = day;
	tm.tm_hour = 12;
	end = timegm(&tm);
	/* Noon stands for the day: a price observed today is 0 days old, not -1, in its morning. */
	return end == (time_t)-1 ? NAN : fmax(0, floor(difftime(now, end) / 86400.0));
}
