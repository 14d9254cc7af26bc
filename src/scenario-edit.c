/* A scenario under edit: set/unset/reset with undo and redo, and YAML write-back. */
#include "scenario-edit.h"
#include "doctree.h"
#include "util.h"

#include <stdint.h>
#include <string.h>

int scenario_doc_open(struct scenario_doc *doc, const char *path, struct strbuf *errors)
{
	bool from_stdin = strcmp(path, "-") == 0;
	const char *name = from_stdin ? "stdin" : path;

	memset(doc, 0, sizeof(*doc));
	doc->text = from_stdin ? read_stream(stdin, name, &doc->len) : read_file(path, &doc->len);
	if (!doc->text) {
		strbuf_addf(errors, "%s\n", error_get());
		error_clear();
		return -1;
	}
	if (doctree_parse(name, doc->text, doc->len, &doc->root, errors) < 0) {
		scenario_doc_release(doc);
		return -1;
	}
	doc->path = xstrdup(name);
	return 0;
}

void scenario_edit_release(struct scenario_edit *e)
{
	free(e->path);
	free(e->value);
	free(e->assignment);
	memset(e, 0, sizeof(*e));
}

void scenario_doc_release(struct scenario_doc *doc)
{
	for (size_t i = 0; i < doc->nall; i++)
		scenario_edit_release(&doc->edits[i]);
	free(doc->edits);
	node_free(doc->root);
	free(doc->text);
	free(doc->path);
	memset(doc, 0, sizeof(*doc));
}

int scenario_edit_init(struct scenario_edit *e, enum edit_kind kind, const char *path,
		       const char *value, int line)
{
	struct path_step *steps = NULL;
	size_t nsteps = 0;
	struct strbuf assignment = STRBUF_INIT;

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->line = line;
	if (kind == EDIT_RESET)
		return 0;
	if (doctree_path_parse(path, strlen(path), &steps, &nsteps) < 0) {
		error_prefix("%s: ", path);
		return -1;
	}
	doctree_path_free(steps, nsteps);
	e->path = xstrdup(path);
	if (kind == EDIT_SET) {
		e->value = xstrdup(value);
		strbuf_addf(&assignment, "%s=%s", path, value);
		e->assignment = strbuf_detach(&assignment, NULL);
	}
	return 0;
}

static int apply_edit(struct node *root, const struct scenario_edit *e)
{
	if (e->kind == EDIT_SET)
		return doctree_override(root, e->assignment);
	return doctree_unset(root, e->path);
}

/* The first edit in effect that builds on the document as read (after the last reset). */
static size_t first_in_effect(const struct scenario_doc *doc)
{
	size_t first = 0;

	for (size_t i = 0; i < doc->nedits; i++)
		if (doc->edits[i].kind == EDIT_RESET)
			first = i + 1;
	return first;
}

struct node *scenario_doc_tree(const struct scenario_doc *doc, const struct scenario_edit *extra,
			       size_t nextra)
{
	struct node *root = node_clone(doc->root);
	size_t from = first_in_effect(doc), extra_from = 0;

	for (size_t i = 0; i < nextra; i++) {
		if (extra[i].kind == EDIT_RESET) {
			from = doc->nedits;   /* a reset among EXTRA drops the edits in effect */
			extra_from = i + 1;
		}
	}
	for (size_t i = from; i < doc->nedits; i++) {
		if (apply_edit(root, &doc->edits[i]) < 0)
			goto fail;
	}
	for (size_t i = extra_from; i < nextra; i++) {
		if (apply_edit(root, &extra[i]) < 0)
			goto fail;
	}
	return root;
fail:
	node_free(root);
	return NULL;
}

int scenario_doc_load(const struct scenario_doc *doc, const struct scenario_edit *extra,
		      size_t nextra, struct scenario *out, struct strbuf *errors)
{
	struct node *root = scenario_doc_tree(doc, extra, nextra);
	int result;

	memset(out, 0, sizeof(*out));
	if (!root) {
		strbuf_addf(errors, "%s\n", error_get());
		return -1;
	}
	result = scenario_from_tree(root, doc->path, out, errors);
	node_free(root);
	return result;
}

void scenario_doc_push(struct scenario_doc *doc, struct scenario_edit *e)
{
	for (size_t i = doc->nedits; i < doc->nall; i++)
		scenario_edit_release(&doc->edits[i]);
	if (doc->saved != SIZE_MAX && doc->saved > doc->nedits)
		doc->saved = SIZE_MAX;   /* the saved state was undone and is now gone */
	xgrow(&doc->edits, &doc->alloc, doc->nedits + 1, sizeof(*doc->edits));
	doc->edits[doc->nedits++] = *e;
	doc->nall = doc->nedits;
	memset(e, 0, sizeof(*e));
}

bool scenario_doc_undo(struct scenario_doc *doc)
{
	if (doc->nedits == 0)
		return false;
	doc->nedits--;
	return true;
}

bool scenario_doc_redo(struct scenario_doc *doc)
{
	if (doc->nedits == doc->nall)
		return false;
	doc->nedits++;
	return true;
}

bool scenario_doc_dirty(const struct scenario_doc *doc)
{
	return doc->saved != doc->nedits;
}

/* ---- YAML write-back ------------------------------------------------------ */

/* Byte offset of 1-based LINE, COL (COL counts characters, as libyaml's do). */
static size_t text_offset(const struct strbuf *text, int line, int col)
{
	size_t i = 0;

	for (int l = 1; l < line && i < text->len; i++)
		if (text->buf[i] == '\n')
			l++;
	for (int c = 1; c < col && i < text->len && text->buf[i] != '\n'; c++) {
		i++;
		while (i < text->len && ((unsigned char)text->buf[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

static bool is_flow(const struct strbuf *text, const struct node *n)
{
	return n->type != NODE_SCALAR && n->end_line > 0 &&
	       strchr("{[", text->buf[text_offset(text, n->line, n->col)]);
}

/* Just past N's text; a block collection ends where its last item does. */
static size_t span_end(const struct strbuf *text, const struct node *n)
{
	if (n->end_line > 0)
		return text_offset(text, n->end_line, n->end_col);
	if (n->type != NODE_SCALAR && n->n > 0)
		return span_end(text, n->items[n->n - 1]);
	return text_offset(text, n->line, n->col);
}

static size_t line_start(const struct strbuf *text, size_t at)
{
	while (at > 0 && text->buf[at - 1] != '\n')
		at--;
	return at;
}

/* Past the newline that ends the line holding AT (or the end of the text). */
static size_t next_line(const struct strbuf *text, size_t at)
{
	const char *nl = memchr(text->buf + at, '\n', text->len - at);

	return nl ? (size_t)(nl - text->buf) + 1 : text->len;
}

static void splice(struct strbuf *text, size_t from, size_t to, const char *with)
{
	struct strbuf out = STRBUF_INIT;

	strbuf_add(&out, text->buf, from);
	strbuf_adds(&out, with);
	strbuf_add(&out, text->buf + to, text->len - to);
	strbuf_release(text);
	*text = out;
}

/* Deletes FROM..TO inside a flow collection together with one comma beside it. */
static void cut_flow_item(struct strbuf *text, size_t from, size_t to)
{
	size_t after = to, before = from;

	while (after < text->len && (text->buf[after] == ' ' || text->buf[after] == '\t'))
		after++;
	if (after < text->len && text->buf[after] == ',') {
		after++;
		while (after < text->len && text->buf[after] == ' ')
			after++;
		splice(text, from, after, "");
		return;
	}
	while (before > 0 && (text->buf[before - 1] == ' ' || text->buf[before - 1] == '\t'))
		before--;
	if (before > 0 && text->buf[before - 1] == ',')
		before--;
	splice(text, before, to, "");
}

/* Follows STEPS from ROOT as far as they exist; the count found. */
static size_t walk(const struct node *root, const struct path_step *steps, size_t nsteps,
		   const struct node **parent, const struct node **found, size_t *slot)
{
	const struct node *cur = root;
	size_t i;

	*parent = NULL;
	for (i = 0; i < nsteps; i++) {
		const struct node *child = doctree_child(cur, &steps[i], slot);

		if (!child)
			break;
		*parent = cur;
		cur = child;
	}
	*found = cur;
	return i;
}

static int patch_set(struct strbuf *text, const struct node *root, const struct path_step *steps,
		     size_t nsteps, const char *value)
{
	const struct node *parent, *cur;
	struct strbuf entry = STRBUF_INIT;
	size_t slot = 0, found = walk(root, steps, nsteps, &parent, &cur, &slot);
	int result = -1;

	if (found == nsteps) {
		size_t from = text_offset(text, cur->line, cur->col);

		splice(text, from, span_end(text, cur), value);
		return 0;
	}
	/* New keys below CUR: "key: {deeper: value}" */
	for (size_t i = found; i < nsteps; i++) {
		if (!steps[i].key)
			goto cleanup;
		strbuf_addf(&entry, "%s%s: ", i > found ? "{" : "", steps[i].key);
	}
	strbuf_adds(&entry, value);
	for (size_t i = found + 1; i < nsteps; i++)
		strbuf_addch(&entry, '}');
	if (cur->type == NODE_MAP && is_flow(text, cur)) {
		size_t close = span_end(text, cur) - 1;
		struct strbuf with = STRBUF_INIT;

		strbuf_addf(&with, "%s%s", cur->n ? ", " : "", entry.buf);
		splice(text, close, close, with.buf);
		strbuf_release(&with);
	} else if (cur->type == NODE_MAP && cur->n > 0) {
		size_t at = next_line(text, span_end(text, cur->items[cur->n - 1]));
		struct strbuf with = STRBUF_INIT;

		if (at > 0 && text->buf[at - 1] != '\n')
			strbuf_addch(&with, '\n');
		strbuf_addf(&with, "%*s%s\n", cur->keys[0]->col - 1, "", entry.buf);
		splice(text, at, at, with.buf);
		strbuf_release(&with);
	} else if (node_is_null(cur) && parent) {
		struct strbuf with = STRBUF_INIT;
		size_t from = text_offset(text, cur->line, cur->col);

		strbuf_addf(&with, "{%s}", entry.buf);
		splice(text, from, span_end(text, cur), with.buf);
		strbuf_release(&with);
	} else {
		goto cleanup;
	}
	result = 0;
cleanup:
	strbuf_release(&entry);
	return result;
}

static int patch_unset(struct strbuf *text, const struct node *root, const struct path_step *steps,
		       size_t nsteps)
{
	const struct node *parent, *cur;
	size_t slot = 0, from, to;

	if (walk(root, steps, nsteps, &parent, &cur, &slot) != nsteps || !parent)
		return -1;
	from = parent->type == NODE_MAP ?
	       text_offset(text, parent->keys[slot]->line, parent->keys[slot]->col) :
	       text_offset(text, cur->line, cur->col);
	to = span_end(text, cur);
	if (is_flow(text, parent)) {
		cut_flow_item(text, from, to);
		return 0;
	}
	/* A block entry goes with its whole lines; before it only indentation (and "- "). */
	for (size_t i = line_start(text, from); i < from; i++) {
		char c = text->buf[i];

		if (c != ' ' && !(parent->type == NODE_SEQ && c == '-'))
			return -1;
	}
	splice(text, line_start(text, from), next_line(text, to), "");
	return 0;
}

/* Patches TEXT (YAML) with edit E; -1 when the edit cannot be made in place. */
static int patch_text(struct strbuf *text, const char *file, const struct scenario_edit *e)
{
	struct strbuf errors = STRBUF_INIT;
	struct node *root = NULL;
	struct path_step *steps = NULL;
	size_t nsteps = 0;
	int result = -1;

	if (doctree_parse(file, text->buf, text->len, &root, &errors) < 0 ||
	    doctree_path_parse(e->path, strlen(e->path), &steps, &nsteps) < 0)
		goto cleanup;
	if (e->kind == EDIT_SET && !strchr(e->value, '\n'))
		result = patch_set(text, root, steps, nsteps, e->value);
	else if (e->kind == EDIT_UNSET)
		result = patch_unset(text, root, steps, nsteps);
cleanup:
	error_clear();
	doctree_path_free(steps, nsteps);
	node_free(root);
	strbuf_release(&errors);
	return result;
}

/* A scalar that reads back as the same text, and the same kind, when written plain. */
static bool plain_safe(const struct node *n)
{
	static const char *const words[] = { "null", "Null", "NULL", "~", "true", "false", "yes",
					     "no", "on", "off", "True", "False", "Yes", "No", "On",
					     "Off", "TRUE", "FALSE", "YES", "NO", "ON", "OFF" };
	const char *t = n->text;
	size_t len = strlen(t);

	if (len == 0)
		return !n->quoted;
	/* a quoted "null" or "yes" is a string; plain it would be null or a bool */
	for (size_t i = 0; n->quoted && i < ARRAY_SIZE(words); i++)
		if (strcmp(t, words[i]) == 0)
			return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@` ", t[0]) && !(t[0] == '-' && len > 1 && t[1] != ' '))
		return false;
	if (t[len - 1] == ' ' || t[len - 1] == ':' || strchr(t, '\n') || strchr(t, '\t'))
		return false;
	return !strstr(t, ": ") && !strstr(t, " #");
}

static void emit_scalar(struct strbuf *out, const struct node *n)
{
	if (plain_safe(n)) {
		strbuf_adds(out, n->text);
		return;
	}
	strbuf_addch(out, '"');
	for (const char *p = n->text; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addch(out, '\\');
		if (*p == '\n')
			strbuf_adds(out, "\\n");
		else if (*p == '\t')
			strbuf_adds(out, "\\t");
		else
			strbuf_addch(out, *p);
	}
	strbuf_addch(out, '"');
}

/* N at INDENT in block style; INLINE: its first line follows a "- " already written. */
static void emit_node(struct strbuf *out, const struct node *n, int indent, bool inline_first)
{
	for (size_t i = 0; i < n->n; i++) {
		const struct node *v = n->items[i];

		if (!(inline_first && i == 0))
			strbuf_addf(out, "%*s", indent, "");
		if (n->type == NODE_MAP) {
			emit_scalar(out, n->keys[i]);
			strbuf_addch(out, ':');
		} else {
			strbuf_addch(out, '-');
		}
		if (v->type == NODE_SCALAR) {
			if (!node_is_null(v) || v->quoted)
				strbuf_addch(out, ' ');
			emit_scalar(out, v);
			strbuf_addch(out, '\n');
		} else if (v->n == 0) {
			strbuf_adds(out, v->type == NODE_MAP ? " {}\n" : " []\n");
		} else if (n->type == NODE_SEQ && v->type == NODE_MAP) {
			strbuf_addch(out, ' ');
			emit_node(out, v, indent + 2, true);
		} else {
			strbuf_addch(out, '\n');
			emit_node(out, v, indent + 2, false);
		}
	}
}

int scenario_doc_yaml(const struct scenario_doc *doc, struct strbuf *out, bool *kept)
{
	struct node *want = scenario_doc_tree(doc, NULL, 0), *got = NULL;
	struct strbuf text = STRBUF_INIT, errors = STRBUF_INIT;
	/* Only YAML has the end positions that patching needs (JSON has none). */
	bool patched = doc->root->type == NODE_MAP && doc->root->n > 0 &&
		       doc->root->keys[0]->end_line > 0;

	*kept = false;
	if (!want)
		return -1;
	strbuf_add(&text, doc->text, doc->len);
	for (size_t i = first_in_effect(doc); patched && i < doc->nedits; i++)
		patched = patch_text(&text, doc->path, &doc->edits[i]) == 0;
	if (patched && doctree_parse(doc->path, text.buf, text.len, &got, &errors) == 0 &&
	    node_equal(want, got)) {
		strbuf_add(out, text.buf, text.len);
		*kept = true;
	} else {
		error_clear();
		emit_node(out, want, 0, false);
	}
	node_free(want);
	node_free(got);
	strbuf_release(&text);
	strbuf_release(&errors);
	return 0;
}

int scenario_doc_save(struct scenario_doc *doc, const char *path, bool *kept)
{
	struct strbuf yaml = STRBUF_INIT;
	int result = -1;

	if (scenario_doc_yaml(doc, &yaml, kept) < 0)
		goto cleanup;
	if (atomic_write_file(path, yaml.buf, yaml.len) < 0)
		goto cleanup;
	doc->saved = doc->nedits;
	if (strcmp(doc->path, path) != 0) {
		free(doc->path);
		doc->path = xstrdup(path);
	}
	result = 0;
cleanup:
	strbuf_release(&yaml);
	return result;
}
