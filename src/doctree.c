/* YAML (libyaml) and JSON (jansson) documents as one tree of positioned nodes. */
#include "doctree.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deeper than any scenario needs; stops garbage like [[[[... from recursing far. */
#define MAX_DEPTH 64
/* A file of garbage could produce thousands of errors; the first hundred say enough. */
#define MAX_ERRORS 100

static struct node *node_new(enum node_type type, int line, int col)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = line;
	n->col = col;
	return n;
}

static struct node *scalar_new(const char *text, size_t len, bool quoted, int line, int col)
{
	struct node *n = node_new(NODE_SCALAR, line, col);

	/* Kept whole: a NUL from "\0" must not silently cut the value short. */
	n->text = xmalloc(len + 1);
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->len = len;
	n->quoted = quoted;
	return n;
}

void node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			node_free(n->keys[i]);
		node_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n->used);
	free(n->text);
	free(n);
}

/* Appends ITEM (and KEY, for maps) to PARENT, which takes ownership of both. */
static void node_append(struct node *parent, struct node *key, struct node *item)
{
	size_t alloc = parent->alloc;

	xgrow(&parent->items, &alloc, parent->n + 1, sizeof(*parent->items));
	if (parent->type == NODE_MAP) {
		size_t key_alloc = parent->alloc, used_alloc = parent->alloc;

		xgrow(&parent->keys, &key_alloc, parent->n + 1, sizeof(*parent->keys));
		xgrow(&parent->used, &used_alloc, parent->n + 1, sizeof(*parent->used));
		parent->keys[parent->n] = key;
		parent->used[parent->n] = false;
	}
	parent->alloc = alloc;
	parent->items[parent->n++] = item;
}

bool node_is_null(const struct node *n)
{
	if (!n)
		return true;
	if (n->type != NODE_SCALAR || n->quoted)
		return false;
	return !*n->text || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
	       strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

static ssize_t map_index(const struct node *map, const char *key)
{
	if (!map || map->type != NODE_MAP)
		return -1;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->text, key) == 0)
			return (ssize_t)i;
	return -1;
}

struct node *node_get(struct node *map, const char *key)
{
	ssize_t i = map_index(map, key);

	if (i < 0)
		return NULL;
	map->used[i] = true;
	return map->items[i];
}

const char *node_type_name(const struct node *n)
{
	if (n->type == NODE_MAP)
		return "a mapping";
	if (n->type == NODE_SEQ)
		return "a list";
	if (node_is_null(n))
		return "null";
	return "a scalar";
}

static void set_origin(struct node *n, const char *origin)
{
	n->origin = origin;
	n->line = 0;
	for (size_t i = 0; i < n->n; i++) {
		if (n->keys)
			set_origin(n->keys[i], origin);
		set_origin(n->items[i], origin);
	}
}

/* ---- YAML ---------------------------------------------------------------- */

struct yaml_builder {
	yaml_parser_t parser;
	const char *file;
	struct strbuf *errors;
	int nerrors;
};

static void builder_error(struct yaml_builder *b, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void builder_error(struct yaml_builder *b, int line, int col, const char *fmt, ...)
{
	va_list ap;

	if (++b->nerrors > MAX_ERRORS)
		return;   /* counted, summed up at the end */
	strbuf_addf(b->errors, "%s:%d:%d: ", b->file, line, col);
	va_start(ap, fmt);
	strbuf_vaddf(b->errors, fmt, ap);
	va_end(ap);
	strbuf_addch(b->errors, '\n');
}

static int yaml_next(struct yaml_builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return 0;
	builder_error(b, (int)b->parser.problem_mark.line + 1, (int)b->parser.problem_mark.column + 1,
		      "YAML syntax error: %s%s%s", b->parser.problem ? b->parser.problem : "unknown",
		      b->parser.context ? " " : "", b->parser.context ? b->parser.context : "");
	return -1;
}

/* A block collection's end mark lies past the comments after it: only flow
 * collections and scalars record theirs. */
static void set_end(struct node *n, const yaml_mark_t *mark)
{
	n->end_line = (int)mark->line + 1;
	n->end_col = (int)mark->column + 1;
}

/* Builds the node that EV starts (consuming EV); NULL after a syntax error. */
static struct node *yaml_node(struct yaml_builder *b, yaml_event_t *ev, int depth)
{
	int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
	struct node *n = NULL;
	struct str_index keys = { 0 };
	yaml_event_t child;
	bool flow;

	if (depth > MAX_DEPTH) {
		builder_error(b, line, col, "nesting deeper than %d levels", MAX_DEPTH);
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = scalar_new((const char *)ev->data.scalar.value, ev->data.scalar.length,
			       ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE, line, col);
		set_end(n, &ev->end_mark);
		yaml_event_delete(ev);
		return n;
	case YAML_ALIAS_EVENT:
		builder_error(b, line, col, "aliases (*%s) are not supported; write the value out",
			      (const char *)ev->data.alias.anchor);
		yaml_event_delete(ev);
		return scalar_new("", 0, false, line, col);
	case YAML_SEQUENCE_START_EVENT:
		flow = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
		yaml_event_delete(ev);
		n = node_new(NODE_SEQ, line, col);
		for (;;) {
			struct node *item;

			if (yaml_next(b, &child) < 0)
				goto fail;
			if (child.type == YAML_SEQUENCE_END_EVENT) {
				if (flow)
					set_end(n, &child.end_mark);
				yaml_event_delete(&child);
				return n;
			}
			if (!(item = yaml_node(b, &child, depth + 1)))
				goto fail;
			node_append(n, NULL, item);
		}
	case YAML_MAPPING_START_EVENT:
		flow = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
		yaml_event_delete(ev);
		n = node_new(NODE_MAP, line, col);
		for (;;) {
			struct node *key, *value;
			size_t dup;

			if (yaml_next(b, &child) < 0)
				goto fail;
			if (child.type == YAML_MAPPING_END_EVENT) {
				if (flow)
					set_end(n, &child.end_mark);
				yaml_event_delete(&child);
				str_index_release(&keys);
				return n;
			}
			if (!(key = yaml_node(b, &child, depth + 1)))
				goto fail;
			if (yaml_next(b, &child) < 0 || !(value = yaml_node(b, &child, depth + 1))) {
				node_free(key);
				goto fail;
			}
			if (key->type != NODE_SCALAR) {
				builder_error(b, key->line, key->col,
					      "a key must be a plain name, not %s", node_type_name(key));
				node_free(key);
				node_free(value);
				continue;
			}
			/* Hashed: a file of 100k keys must not take n^2 comparisons. */
			dup = str_index_add(&keys, key->text, n->n);
			if (dup != SIZE_MAX) {
				builder_error(b, key->line, key->col,
					      "duplicate key '%s' (first given at line %d)", key->text,
					      n->keys[dup]->line);
				node_free(key);
				node_free(value);
				continue;
			}
			node_append(n, key, value);
		}
	default:
		builder_error(b, line, col, "unexpected YAML event");
		yaml_event_delete(ev);
		return NULL;
	}
fail:
	str_index_release(&keys);
	node_free(n);
	return NULL;
}

/* Parses one YAML document; *OUT is NULL for an empty stream. */
static int yaml_parse_document(struct yaml_builder *b, const char *text, size_t len,
			       struct node **out)
{
	yaml_event_t ev;
	struct node *root = NULL;
	int result = -1;

	*out = NULL;
	if (!yaml_parser_initialize(&b->parser))
		xoom();
	yaml_parser_set_input_string(&b->parser, (const unsigned char *)text, len);
	if (yaml_next(b, &ev) < 0)
		goto cleanup;
	yaml_event_delete(&ev);   /* stream start */
	if (yaml_next(b, &ev) < 0)
		goto cleanup;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		result = 0;
		goto cleanup;
	}
	yaml_event_delete(&ev);   /* document start */
	if (yaml_next(b, &ev) < 0 || !(root = yaml_node(b, &ev, 0)))
		goto cleanup;
	if (yaml_next(b, &ev) < 0)
		goto cleanup;
	yaml_event_delete(&ev);   /* document end */
	if (yaml_next(b, &ev) < 0)
		goto cleanup;
	if (ev.type != YAML_STREAM_END_EVENT) {
		builder_error(b, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
			      "a second YAML document; a scenario file holds exactly one");
		yaml_event_delete(&ev);
		goto cleanup;
	}
	yaml_event_delete(&ev);
	if (b->nerrors == 0) {
		*out = root;
		root = NULL;
		result = 0;
	}
cleanup:
	if (b->nerrors > MAX_ERRORS)
		strbuf_addf(b->errors, "%s: %d more errors not shown\n", b->file,
			    b->nerrors - MAX_ERRORS);
	node_free(root);
	yaml_parser_delete(&b->parser);
	return result;
}

/* ---- JSON ---------------------------------------------------------------- */

/* Walks the text alongside jansson's tree to learn where each value starts. */
struct json_scan {
	const char *p, *end;
	int line, col;
};

static void scan_advance(struct json_scan *s, size_t n)
{
	for (; n > 0 && s->p < s->end; n--, s->p++) {
		if (*s->p == '\n') {
			s->line++;
			s->col = 1;
		} else if (((unsigned char)*s->p & 0xC0) != 0x80) {
			s->col++;   /* count characters, not UTF-8 continuation bytes */
		}
	}
}

static void scan_ws(struct json_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		scan_advance(s, 1);
}

/* Length of the JSON string token at s->p (quotes included). */
static size_t string_token_length(const struct json_scan *s)
{
	const char *q = s->p + 1;

	while (q < s->end && *q != '"')
		q += (*q == '\\' && q + 1 < s->end) ? 2 : 1;
	return (size_t)(q - s->p) + (q < s->end);
}

static struct node *json_node(const json_t *v, struct json_scan *s)
{
	int line = s->line, col = s->col;
	struct node *n;
	size_t len;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = node_new(NODE_MAP, line, col);
		scan_advance(s, 1);
		for (;;) {
			struct node *key;
			json_t *decoded;

			scan_ws(s);
			if (s->p >= s->end || *s->p == '}')
				break;
			len = string_token_length(s);
			decoded = json_loadb(s->p, len, JSON_DECODE_ANY, NULL);
			key = scalar_new(json_string_value(decoded), json_string_length(decoded), true,
					 s->line, s->col);
			scan_advance(s, len);
			scan_ws(s);
			scan_advance(s, 1);   /* ':' */
			scan_ws(s);
			node_append(n, key, json_node(json_object_get(v, key->text), s));
			json_decref(decoded);
			scan_ws(s);
			if (s->p < s->end && *s->p == ',')
				scan_advance(s, 1);
		}
		scan_advance(s, 1);
		return n;
	case JSON_ARRAY:
		n = node_new(NODE_SEQ, line, col);
		scan_advance(s, 1);
		for (size_t i = 0; i < json_array_size(v); i++) {
			scan_ws(s);
			node_append(n, NULL, json_node(json_array_get(v, i), s));
			scan_ws(s);
			if (s->p < s->end && *s->p == ',')
				scan_advance(s, 1);
		}
		scan_ws(s);
		scan_advance(s, 1);
		return n;
	case JSON_STRING:
		n = scalar_new(json_string_value(v), json_string_length(v), true, line, col);
		scan_advance(s, string_token_length(s));
		return n;
	default:
		/* Numbers keep their text ("1e9" stays "1e9"); true/false/null are plain words. */
		len = 0;
		while (s->p + len < s->end && (isalnum((unsigned char)s->p[len]) ||
					       strchr("+-.", s->p[len])))
			len++;
		n = scalar_new(s->p, len, false, line, col);
		scan_advance(s, len);
		return n;
	}
}

static int json_depth_ok(const json_t *v, int depth)
{
	const char *key;
	json_t *child;
	size_t i;

	if (depth > MAX_DEPTH)
		return 0;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, child)
			if (!json_depth_ok(child, depth + 1))
				return 0;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if (!json_depth_ok(child, depth + 1))
				return 0;
	}
	return 1;
}

static int json_parse_document(const char *file, const char *text, size_t len,
			       struct node **out, struct strbuf *errors)
{
	json_error_t err;
	json_t *root;
	struct json_scan scan;

	*out = NULL;
	/* jansson rejects a UTF-8 byte-order mark; editors on Windows write one. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	scan = (struct json_scan){ text, text + len, 1, 1 };
	/* Integers as reals: a huge one is then "number too large" below, as in YAML. */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
			  JSON_DECODE_INT_AS_REAL, &err);
	if (!root) {
		strbuf_addf(errors, "%s:%d:%d: JSON syntax error: %s\n", file, err.line,
			    err.column > 0 ? err.column : 1, err.text);
		return -1;
	}
	if (!json_depth_ok(root, 0)) {
		strbuf_addf(errors, "%s:1:1: nesting deeper than %d levels\n", file, MAX_DEPTH);
		json_decref(root);
		return -1;
	}
	scan_ws(&scan);
	*out = json_node(root, &scan);
	json_decref(root);
	return 0;
}

/* ---- entry points -------------------------------------------------------- */

static bool looks_like_json(const char *text, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	return i < len && (text[i] == '{' || text[i] == '[');
}

/* Offset of the first byte that is not valid UTF-8, or LEN when all of it is. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 :
			   (c & 0xF8) == 0xF0 ? 3 : 4;

		if (n == 4 || (n == 1 && c < 0xC2) || (n > 0 && i + n >= len))
			return i;
		for (size_t k = 1; k <= n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		i += n + 1;
	}
	return len;
}

/*
 * Escapes such as "\0" or "\e" put controls into values that are names and end up
 * on terminals: refuse them wherever they are. Returns the number found.
 */
static int check_controls(const char *file, const struct node *n, struct strbuf *errors)
{
	int found = 0;

	if (n->type == NODE_SCALAR) {
		unsigned code;

		if (control_char_at(n->text, n->len, &code) == n->len)
			return 0;
		strbuf_addf(errors, "%s:%d:%d: %s in a value; scenario text must be printable\n",
			    file, n->line, n->col, code == 0 ? "a NUL character" : "a control character");
		return 1;
	}
	for (size_t i = 0; i < n->n && found < MAX_ERRORS; i++) {
		if (n->keys)
			found += check_controls(file, n->keys[i], errors);
		found += check_controls(file, n->items[i], errors);
	}
	return found;
}

static int parse_text(const char *file, const char *text, size_t len, struct node **out,
		      struct strbuf *errors);

int doctree_parse(const char *file, const char *text, size_t len, struct node **out,
		  struct strbuf *errors)
{
	if (parse_text(file, text, len, out, errors) < 0)
		return -1;
	if (check_controls(file, *out, errors) > 0) {
		node_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int parse_text(const char *file, const char *text, size_t len, struct node **out,
		      struct strbuf *errors)
{
	struct yaml_builder b = { .file = file, .errors = errors };
	const char *nul = memchr(text, '\0', len);

	*out = NULL;
	if (nul) {
		int line = 1;

		for (const char *p = text; p < nul; p++)
			line += *p == '\n';
		strbuf_addf(errors, "%s:%d:1: not a text file (a NUL byte); expected YAML or JSON\n",
			    file, line);
		return -1;
	}
	{
		size_t bad = utf8_invalid_at((const unsigned char *)text, len);

		if (bad < len) {
			int line = 1, col = 1;

			/* Columns count characters, as libyaml's and jansson's do. */
			for (size_t i = 0; i < bad; i++) {
				if (text[i] == '\n') {
					line++;
					col = 1;
				} else if (((unsigned char)text[i] & 0xC0) != 0x80) {
					col++;
				}
			}
			strbuf_addf(errors, "%s:%d:%d: not UTF-8 text (byte 0x%02x); expected YAML or "
				    "JSON\n", file, line, col, (unsigned char)text[bad]);
			return -1;
		}
	}
	if (looks_like_json(text, len)) {
		struct strbuf json_errors = STRBUF_INIT;

		if (json_parse_document(file, text, len, out, &json_errors) == 0) {
			strbuf_release(&json_errors);
			return 0;
		}
		/* YAML flow style ({name: x}) also starts with '{': give YAML a chance. */
		if (!str_ends_with(file, ".json")) {
			struct strbuf yaml_errors = STRBUF_INIT;

			b.errors = &yaml_errors;
			if (yaml_parse_document(&b, text, len, out) == 0 && *out) {
				strbuf_release(&yaml_errors);
				strbuf_release(&json_errors);
				return 0;
			}
			strbuf_release(&yaml_errors);
		}
		strbuf_add(errors, json_errors.buf, json_errors.len);
		strbuf_release(&json_errors);
		return -1;
	}
	if (yaml_parse_document(&b, text, len, out) < 0)
		return -1;
	if (!*out) {
		strbuf_addf(errors, "%s:1:1: the file is empty; expected a scenario (a mapping)\n",
			    file);
		return -1;
	}
	return 0;
}

int doctree_path_parse(const char *path, size_t len, struct path_step **steps,
		       size_t *nsteps)
{
	size_t alloc = 0, i = 0;

	*steps = NULL;
	*nsteps = 0;
	while (i < len) {
		size_t start = i;

		while (i < len && path[i] != '.' && path[i] != '[')
			i++;
		if (i > start) {
			xgrow(steps, &alloc, *nsteps + 1, sizeof(**steps));
			(*steps)[(*nsteps)++] = (struct path_step){ xstrndup(path + start, i - start), 0 };
		} else if (start == 0 || path[start] != '[') {
			error_set("empty key in the path");
			goto fail;
		}
		while (i < len && path[i] == '[') {
			char *end;
			unsigned long index;

			errno = 0;
			index = strtoul(path + i + 1, &end, 10);
			if (end == path + i + 1 || *end != ']' || errno || path[i + 1] == '-') {
				error_set("expected a list index like [0] at '%.*s'",
					  (int)(len - i), path + i);
				goto fail;
			}
			xgrow(steps, &alloc, *nsteps + 1, sizeof(**steps));
			(*steps)[(*nsteps)++] = (struct path_step){ NULL, index };
			i = (size_t)(end - path) + 1;
		}
		if (i < len) {
			if (path[i] != '.' || i + 1 == len) {
				error_set("unexpected '%c' in the path", path[i]);
				goto fail;
			}
			i++;
		}
	}
	if (*nsteps == 0) {
		error_set("empty path; expected key.path=value");
		goto fail;
	}
	return 0;
fail:
	doctree_path_free(*steps, *nsteps);
	*steps = NULL;
	*nsteps = 0;
	return -1;
}

void doctree_path_free(struct path_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(steps[i].key);
	free(steps);
}

/* The list item whose `name` is NAME, or -1. */
static ssize_t seq_find_named(const struct node *seq, const char *name)
{
	for (size_t i = 0; i < seq->n; i++) {
		ssize_t k = map_index(seq->items[i], "name");

		if (k >= 0 && seq->items[i]->items[k]->type == NODE_SCALAR &&
		    strcmp(seq->items[i]->items[k]->text, name) == 0)
			return (ssize_t)i;
	}
	return -1;
}

struct node *doctree_child(const struct node *parent, const struct path_step *step,
			   size_t *slot)
{
	ssize_t k = -1;

	if (step->key && parent->type == NODE_MAP)
		k = map_index(parent, step->key);
	else if (step->key && parent->type == NODE_SEQ)
		k = seq_find_named(parent, step->key);
	else if (!step->key && parent->type == NODE_SEQ && step->index < parent->n)
		k = (ssize_t)step->index;
	if (k < 0)
		return NULL;
	if (slot)
		*slot = (size_t)k;
	return parent->items[k];
}

int doctree_unset(struct node *root, const char *path)
{
	struct path_step *steps = NULL;
	size_t nsteps = 0, slot = 0;
	struct node *parent = root, *cur = root;

	if (doctree_path_parse(path, strlen(path), &steps, &nsteps) < 0) {
		error_prefix("%s: ", path);
		return -1;
	}
	for (size_t i = 0; i < nsteps && cur; i++) {
		parent = cur;
		cur = doctree_child(parent, &steps[i], &slot);
	}
	doctree_path_free(steps, nsteps);
	if (!cur) {
		error_set("%s: not in the scenario", path);
		return -1;
	}
	node_free(cur);
	if (parent->keys)
		node_free(parent->keys[slot]);
	parent->n--;
	memmove(parent->items + slot, parent->items + slot + 1,
		(parent->n - slot) * sizeof(*parent->items));
	if (parent->keys) {
		memmove(parent->keys + slot, parent->keys + slot + 1,
			(parent->n - slot) * sizeof(*parent->keys));
		memmove(parent->used + slot, parent->used + slot + 1,
			(parent->n - slot) * sizeof(*parent->used));
	}
	return 0;
}

struct node *node_clone(const struct node *n)
{
	struct node *copy;

	if (!n)
		return NULL;
	copy = node_new(n->type, n->line, n->col);
	copy->end_line = n->end_line;
	copy->end_col = n->end_col;
	copy->origin = n->origin;
	copy->quoted = n->quoted;
	copy->text = n->text ? xstrdup(n->text) : NULL;
	for (size_t i = 0; i < n->n; i++)
		node_append(copy, n->keys ? node_clone(n->keys[i]) : NULL, node_clone(n->items[i]));
	return copy;
}

bool node_equal(const struct node *a, const struct node *b)
{
	if (!a || !b)
		return a == b;
	/* "budget:" left with no keys is null in a file and empty in a tree */
	if ((a->type == NODE_MAP && a->n == 0 && node_is_null(b)) ||
	    (b->type == NODE_MAP && b->n == 0 && node_is_null(a)))
		return true;
	if (a->type != b->type || a->n != b->n)
		return false;
	if (a->type == NODE_SCALAR)
		return strcmp(a->text, b->text) == 0 && (a->quoted == b->quoted ||
							 !node_is_null(a) == !node_is_null(b));
	for (size_t i = 0; i < a->n; i++)
		if ((a->keys && strcmp(a->keys[i]->text, b->keys[i]->text) != 0) ||
		    !node_equal(a->items[i], b->items[i]))
			return false;
	return true;
}

static struct node *parse_override_value(const char *assignment, const char *value)
{
	struct yaml_builder b = { .file = "--set" };
	struct strbuf errors = STRBUF_INIT;
	struct node *n = NULL;

	b.errors = &errors;
	if (yaml_parse_document(&b, value, strlen(value), &n) < 0 || !n)
		n = scalar_new(value, strlen(value), !*value ? false : b.nerrors > 0, 0, 0);
	strbuf_release(&errors);
	set_origin(n, assignment);
	return n;
}

int doctree_override(struct node *root, const char *assignment)
{
	const char *eq = strchr(assignment, '=');
	struct path_step *steps = NULL;
	size_t nsteps = 0;
	struct node *cur = root;
	struct strbuf where = STRBUF_INIT;
	int result = -1;

	if (!eq) {
		error_set("--set %s: expected key.path=value", assignment);
		goto cleanup;
	}
	if (doctree_path_parse(assignment, (size_t)(eq - assignment), &steps, &nsteps) < 0) {
		error_prefix("--set %s: ", assignment);
		goto cleanup;
	}
	for (size_t i = 0; i < nsteps; i++) {
		bool last = i + 1 == nsteps;
		struct node **slot = NULL;

		if (steps[i].key && cur->type == NODE_MAP) {
			ssize_t k = map_index(cur, steps[i].key);

			if (k < 0) {
				struct node *key = scalar_new(steps[i].key, strlen(steps[i].key), false,
							      0, 0);

				set_origin(key, assignment);
				node_append(cur, key, last ? NULL : node_new(NODE_MAP, 0, 0));
				k = (ssize_t)cur->n - 1;
				set_origin(cur->items[k] ? cur->items[k] : key, assignment);
			}
			slot = &cur->items[k];
		} else if (steps[i].key && cur->type == NODE_SEQ) {
			ssize_t k = seq_find_named(cur, steps[i].key);

			if (k < 0) {
				error_set("--set %s: no item named '%s' in %s", assignment, steps[i].key,
					  where.len ? where.buf : "the list");
				goto cleanup;
			}
			slot = &cur->items[k];
		} else if (!steps[i].key && cur->type == NODE_SEQ) {
			if (steps[i].index >= cur->n) {
				error_set("--set %s: %s has %zu items; [%zu] is out of range", assignment,
					  where.len ? where.buf : "the list", cur->n, steps[i].index);
				goto cleanup;
			}
			slot = &cur->items[steps[i].index];
		} else {
			error_set("--set %s: %s is %s, not %s", assignment,
				  where.len ? where.buf : "the document", node_type_name(cur),
				  steps[i].key ? "a mapping" : "a list");
			goto cleanup;
		}
		if (steps[i].key)
			strbuf_addf(&where, "%s%s", where.len ? "." : "", steps[i].key);
		else
			strbuf_addf(&where, "[%zu]", steps[i].index);
		if (last) {
			node_free(*slot);
			*slot = parse_override_value(assignment, eq + 1);
		} else if (steps[i + 1].key && node_is_null(*slot)) {
			/* "budget:" with every key commented out is an empty mapping to fill. */
			node_free(*slot);
			*slot = node_new(NODE_MAP, 0, 0);
			set_origin(*slot, assignment);
		}
		cur = *slot;
	}
	result = 0;
cleanup:
	doctree_path_free(steps, nsteps);
	strbuf_release(&where);
	return result;
}
