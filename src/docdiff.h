/*
 * What changed between two parsed documents (doctree.h), as key paths with the
 * old and new values: "workloads.serve.requests_per_day: 2M -> 4M". Paths use the
 * syntax of --set (a list item by its name when it has a unique one, else [N]),
 * so that one change can be applied to the old document alone. Pure.
 */
#ifndef AICOST_DOCDIFF_H
#define AICOST_DOCDIFF_H

#include <stddef.h>

#include "doctree.h"

struct doc_change {
	char *path;
	char *old_value;      /* NULL: the key is new */
	char *new_value;      /* NULL: the key was removed */
	int line, col;        /* of the new value in the new document (removed: of the old
				 one in the old document); 0 = unknown */
};

/* Every leaf that differs, in the order of NEW (removed keys last). */
void docdiff(const struct node *old_root, const struct node *new_root,
	     struct doc_change **out, size_t *n);
void doc_changes_release(struct doc_change *changes, size_t n);

#endif
