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

/*
 * Applies one "key.path=value" override (as --set takes it) to ROOT: path segments
 * are keys, [N] list indexes, or the `name` of a list item (workloads.serve.batch).
 * Missing keys are created; the value is parsed as YAML (so lists and maps work).
 * Returns -1 with error_set() on a malformed override or a path that cannot exist.
 */
int doctree_override(struct node *root, const char *assignment);

#endif
