/*
 * A scenario being edited: the document as read, the edits made to it (set,
 * unset, reset) with undo and redo, loading the edited scenario without reading
 * the file again, and saving it as YAML that keeps the original's comments and
 * key order where the edits allow. The REPL's model; no printing here.
 */
#ifndef AICOST_SCENARIO_EDIT_H
#define AICOST_SCENARIO_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"
#include "strbuf.h"

enum edit_kind {
	EDIT_SET,        /* PATH = VALUE, as --set PATH=VALUE */
	EDIT_UNSET,      /* PATH removed: its default applies */
	EDIT_RESET,      /* back to the document as read */
};

struct scenario_edit {
	enum edit_kind kind;
	char *path;
	char *value;
	char *assignment;   /* "path=value": the origin of the nodes a set makes */
	int line;           /* where it was made (the REPL's input line), for show */
};

struct scenario_doc {
	char *path;                    /* the file read, as named ("stdin" for -) */
	char *text;                    /* its bytes, for save */
	size_t len;
	struct node *root;             /* as read; never changed */
	struct scenario_edit *edits;   /* [0, nedits) in effect, [nedits, nall) undone */
	size_t nedits, nall, alloc;
	size_t saved;                  /* nedits at the last save or load; SIZE_MAX: gone */
};

/* Reads PATH; -1 with ERRORS holding "file:line:col: ..." lines. */
int scenario_doc_open(struct scenario_doc *doc, const char *path, struct strbuf *errors);
void scenario_doc_release(struct scenario_doc *doc);

/*
 * Makes an edit that holds ("path=value" for a set) or fails: one of KIND on
 * PATH (VALUE for a set) checked against the document. Returns -1 with
 * error_set() for a path that cannot be set or unset.
 */
int scenario_edit_init(struct scenario_edit *e, enum edit_kind kind, const char *path,
		       const char *value, int line);
void scenario_edit_release(struct scenario_edit *e);

/* The document with the edits in effect and then EXTRA applied; NULL with error_set(). */
struct node *scenario_doc_tree(const struct scenario_doc *doc, const struct scenario_edit *extra,
			       size_t nextra);
/* That tree checked into *OUT (scenario_from_tree); -1 with ERRORS filled. */
int scenario_doc_load(const struct scenario_doc *doc, const struct scenario_edit *extra,
		      size_t nextra, struct scenario *out, struct strbuf *errors);

/* Puts E in effect (taking it over); what could be redone is dropped. */
void scenario_doc_push(struct scenario_doc *doc, struct scenario_edit *e);
/* Steps back or forward; false when there is nothing to undo or redo. */
bool scenario_doc_undo(struct scenario_doc *doc);
bool scenario_doc_redo(struct scenario_doc *doc);
/* Differs from what was last loaded or saved? */
bool scenario_doc_dirty(const struct scenario_doc *doc);

/*
 * The edited document as YAML into OUT: the original text patched edit by edit
 * when every edit allows it and the result reads back as the edited tree
 * (*KEPT true: comments and key order kept); else the tree written out afresh.
 */
int scenario_doc_yaml(const struct scenario_doc *doc, struct strbuf *out, bool *kept);
/* Writes that YAML to PATH atomically and marks the document saved. */
int scenario_doc_save(struct scenario_doc *doc, const char *path, bool *kept);

#endif
