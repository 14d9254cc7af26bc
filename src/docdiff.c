/* Leaf-by-leaf differences between two documents, keyed by --set paths. */
#include "docdiff.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct leaf {
	char *path;
	const struct node *value;
};

struct leaves {
	struct leaf *items;
	size_t n, alloc;
};

/* The item's name, when it is a usable path segment unique in SEQ; else NULL. */
static const char *item_name(const struct node *seq, size_t index)
{
	const struct node *item = seq->items[index];
	const char *name = NULL;

	if (item->type != NODE_MAP)
		return NULL;
	for (size_t k = 0; k < item->n; k++)
		if (strcmp(item->keys[k]->text, "name") == 0 && item->items[k]->type == NODE_SCALAR)
			name = item->items[k]->text;
	if (!name || !*name || strpbrk(name, ".[]= "))
		return NULL;
	for (size_t i = 0; i < seq->n; i++) {
		const struct node *other = seq->items[i];

		if (i == index || other->type != NODE_MAP)
			continue;
		for (size_t k = 0; k < other->n; k++)
			if (strcmp(other->keys[k]->text, "name") == 0 &&
			    other->items[k]->type == NODE_SCALAR &&
			    strcmp(other->items[k]->text, name) == 0)
				return NULL;
	}
	return name;
}

static void flatten(const struct node *n, struct strbuf *path, struct leaves *out)
{
	size_t mark = path->len;

	if ((n->type == NODE_MAP || n->type == NODE_SEQ) && n->n > 0) {
		for (size_t i = 0; i < n->n; i++) {
			const char *name = n->type == NODE_SEQ ? item_name(n, i) : NULL;

			if (n->type == NODE_MAP)
				strbuf_addf(path, "%s%s", mark ? "." : "", n->keys[i]->text);
			else if (name)
				strbuf_addf(path, "%s%s", mark ? "." : "", name);
			else
				strbuf_addf(path, "[%zu]", i);
			flatten(n->items[i], path, out);
			strbuf_setlen(path, mark);
		}
		return;
	}
	xgrow(&out->items, &out->alloc, out->n + 1, sizeof(*out->items));
	out->items[out->n++] = (struct leaf){ xstrdup(path->buf), n };
}

static int leaf_cmp(const void *a, const void *b)
{
	return strcmp(((const struct leaf *)a)->path, ((const struct leaf *)b)->path);
}

/* A leaf's value as text: a scalar's own, "{}" / "[]" for an empty mapping / list. */
static char *leaf_text(const struct node *n)
{
	if (n->type == NODE_MAP)
		return xstrdup("{}");
	if (n->type == NODE_SEQ)
		return xstrdup("[]");
	return xstrdup(node_is_null(n) ? "" : n->text);
}

static bool same_leaf(const struct node *a, const struct node *b)
{
	if (a->type != b->type)
		return false;
	if (a->type != NODE_SCALAR)
		return true;   /* both empty */
	if (node_is_null(a) || node_is_null(b))
		return node_is_null(a) && node_is_null(b);
	return strcmp(a->text, b->text) == 0;
}

static void add_change(struct doc_change **out, size_t *n, size_t *alloc, const char *path,
		       const struct node *old_value, const struct node *new_value)
{
	const struct node *at = new_value ? new_value : old_value;

	xgrow(out, alloc, *n + 1, sizeof(**out));
	(*out)[(*n)++] = (struct doc_change){
		.path = xstrdup(path),
		.old_value = old_value ? leaf_text(old_value) : NULL,
		.new_value = new_value ? leaf_text(new_value) : NULL,
		.line = at->line, .col = at->col,
	};
}

void docdiff(const struct node *old_root, const struct node *new_root,
	     struct doc_change **out, size_t *n)
{
	struct leaves old_leaves = { 0 }, new_leaves = { 0 };
	struct strbuf path = STRBUF_INIT;
	bool *matched;
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	flatten(old_root, &path, &old_leaves);
	flatten(new_root, &path, &new_leaves);
	sort_array(old_leaves.items, old_leaves.n, sizeof(struct leaf), leaf_cmp);
	matched = xcalloc(old_leaves.n + 1, sizeof(bool));
	for (size_t i = 0; i < new_leaves.n; i++) {
		const struct leaf *leaf = &new_leaves.items[i];
		struct leaf *found = bsearch(leaf, old_leaves.items, old_leaves.n,
					     sizeof(struct leaf), leaf_cmp);

		if (!found) {
			add_change(out, n, &alloc, leaf->path, NULL, leaf->value);
			continue;
		}
		matched[found - old_leaves.items] = true;
		if (!same_leaf(found->value, leaf->value))
			add_change(out, n, &alloc, leaf->path, found->value, leaf->value);
	}
	for (size_t i = 0; i < old_leaves.n; i++)
		if (!matched[i])
			add_change(out, n, &alloc, old_leaves.items[i].path, old_leaves.items[i].value,
				   NULL);
	for (size_t i = 0; i < old_leaves.n; i++)
		free(old_leaves.items[i].path);
	for (size_t i = 0; i < new_leaves.n; i++)
		free(new_leaves.items[i].path);
	free(old_leaves.items);
	free(new_leaves.items);
	free(matched);
	strbuf_release(&path);
}

void doc_changes_release(struct doc_change *changes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(changes[i].path);
		free(changes[i].old_value);
		free(changes[i].new_value);
	}
	free(changes);
}
