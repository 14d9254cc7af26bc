/*
 * A parsed YAML or JSON document as one tree of nodes, each knowing the line and
 * column it came from, so that a later schema check can say exactly where a value
 * is wrong. YAML goes through libyaml, JSON through jansson; which one is chosen by
 * the content (a document starting with '{' or '[' is JSON).
 */
#ifndef AICOST_DOCTREE_H
#define AICOST_DOCTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

enum node_type { NODE_SCALAR, NODE_MAP, NODE_SEQ };

struct node {
	enum node_type type;
	int line, col;            /* 1-based; line 0 = the value came from ORIGIN */
	int end_line, end_col;    /* YAML: just after the value (a block collection: 0,
				     ask its last item); 0 when unknown (JSON, --set) */
	const char *origin;       /* NULL, or the --set argument the node came from */
	char *text;               /* scalar: its text (decoded) */
	size_t len;               /* scalar: bytes of text (a NUL inside is refused) */
	bool quoted;              /* scalar: was a quoted / JSON string (never null or bool) */
	struct node **keys;       /* map: key scalars, in document order */
	struct node **items;      /* map: values; seq: items */
	bool *used;               /* map: value consumed by the schema check */
	size_t n, alloc;
};

/*
 * Parses TEXT (LEN bytes) named FILE into *OUT. Syntax errors, duplicate keys and
 * unsupported constructs are appended to ERRORS as "file:line:col: message" lines;
 * returns -1 if any were found (and *OUT is NULL).
 */
int doctree_parse(const char *file, const char *text, size_t len, struct node **out,
		  struct strbuf *errors);
void node_free(struct node *n);

/* An unquoted null ("", "~", "null") or a JSON null. */
bool node_is_null(const struct node *n);
/* The map's value for KEY (marking it used), or NULL. */
struct node *node_get(struct node *map, const char *key);
/* "a mapping", "a list", "a string", ... for messages. */
const char *node_type_name(const struct node *n);

/* A deep copy of N (origins are shared: they point at the callers' strings). */
struct node *node_clone(const struct node *n);
/* Do A and B hold the same keys, items and scalar texts (positions aside)? */
bool node_equal(const struct node *a, const struct node *b);

/* One step of a key path: a key (or a list item's `name`), or a list index. */
struct path_step {
	char *key;       /* NULL for an index */
	size_t index;
};
/* Splits PATH (LEN bytes) as --set takes it (a.b[2].c); -1 with error_set(). */
int doctree_path_parse(const char *path, size_t len, struct path_step **steps, size_t *n);
void doctree_path_free(struct path_step *steps, size_t n);
/*
 * The child of PARENT that STEP names: a mapping's value for a key, a list's item
 * by index or by its `name`; NULL when there is none. *SLOT (if not NULL) is its
 * index among PARENT's items.
 */
struct node *doctree_child(const struct node *parent, const struct path_step *step,
			   size_t *slot);
/*
 * Removes the value at PATH (a mapping's key or a list's item) from ROOT.
 * Returns -1 with error_set() when PATH is malformed or holds nothing.
 */
int doctree_unset(struct node *root, const char *path);

/*
 * Applies one "key.path=value" override (as --set takes it) to ROOT: path segments
 * are keys, [N] list indexes, or the `name` of a list item (workloads.serve.batch).
 * Missing keys are created; the value is parsed as YAML (so lists and maps work).
 * Returns -1 with error_set() on a malformed override or a path that cannot exist.
 */
int doctree_override(struct node *root, const char *assignment);

#endif
