/*
 * The what-if REPL: one scenario kept in memory with its edits and the store kept
 * open, so that a set re-runs only the engine. Its own commands are the table
 * below; every other word goes to the command table of main.c (one parser), and
 * those commands use the session's scenario when they are given none.
 */
#include "repl.h"
#include "cli.h"
#include "costcli.h"
#include "doctree.h"
#include "output.h"
#include "repl-term.h"
#include "scenario-edit.h"
#include "table.h"
#include "tco.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* The scenario with the edits in effect, and what the engine made of it. */
struct state {
	struct scenario scenario;
	struct tco_result result;
};

struct session_command {
	const char *name;
	int (*run)(struct repl *r, int argc, char **argv);
	const char *usage;
	const char *summary;
	const struct cli_option *options;    /* long ones only, ends with CLI_OPTION_END */
	const char *runs;                    /* the command of the table it runs, if any */
};

/* The table of them, at the end of this file. */
static const struct session_command *session_command_list(size_t *n);

/* ---- messages -------------------------------------------------------------- */

/* "line N: message" for scripts (the line that failed), "aicost repl: message" at a prompt. */
static void repl_error(struct repl *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void repl_error(struct repl *r, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (r->interactive)
		fputs("aicost repl: ", stderr);
	else
		fprintf(stderr, "line %d: ", r->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Each line of TEXT as one error. */
static void repl_error_lines(struct repl *r, const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");

		repl_error(r, "%.*s", (int)len, text);
		text += len + (text[len] == '\n');
	}
}

/* ---- the priced scenario ----------------------------------------------------- */

static void state_free(struct state *st)
{
	if (!st)
		return;
	tco_result_release(&st->result);
	scenario_release(&st->scenario);
	free(st);
}

/* DOC with its edits and EXTRA, loaded and priced; NULL with ERRORS filled. */
static struct state *state_build(struct repl *r, const struct scenario_doc *doc,
				 const struct scenario_edit *extra, size_t nextra,
				 struct strbuf *errors)
{
	struct state *st = xcalloc(1, sizeof(*st));

	if (scenario_doc_load(doc, extra, nextra, &st->scenario, errors) < 0) {
		error_clear();
		free(st);
		return NULL;
	}
	if (tco_run(r->db, &st->scenario, &r->opts, &st->result) < 0) {
		strbuf_addf(errors, "%s\n", error_get());
		error_clear();
		scenario_release(&st->scenario);
		free(st);
		return NULL;
	}
	return st;
}

static int find_deployment(const struct tco_result *res, const char *name)
{
	for (size_t i = 0; name && i < res->ndeployments; i++)
		if (strcmp(res->deployments[i].deployment->name, name) == 0)
			return (int)i;
	return -1;
}

/* The deployment whose cost a change is reported on: the plan, else the cheapest. */
static int followed_deployment(const struct tco_result *res)
{
	int plan = find_deployment(res, res->scenario->plan);

	return plan >= 0 ? plan : res->cheapest;
}

static void add_money(struct strbuf *sb, double value)
{
	format_grouped(sb, value, 0);
}

static void add_month(struct strbuf *sb, int month)
{
	if (month > 0)
		strbuf_addf(sb, "month %d", month);
	else
		strbuf_adds(sb, "never");
}

/* "4,204,800 → 3,871,200 (−7.9%)", or "4,204,800 (unchanged)" */
static void add_delta(struct strbuf *out, const struct repl *r, double old, double now)
{
	add_money(out, old);
	if (old == now) {
		strbuf_adds(out, " (unchanged)");
		return;
	}
	strbuf_adds(out, " → ");
	add_money(out, now);
	if (old != 0) {
		double pct = (now - old) / fabs(old) * 100;
		const char *on = r->color ? (pct < 0 ? "\033[32m" : "\033[31m") : "";

		/* U+2212 MINUS SIGN for a decrease */
		strbuf_addf(out, " (%s%s%.1f%%%s)", on, pct < 0 ? "\u2212" : "+", fabs(pct),
			    r->color ? "\033[0m" : "");
	}
}

/*
 * What a change did: the total of the cheapest deployment before it (as
 * "total: 4,204,800 → 3,871,200 (−7.9%) on rack"), a new cheapest, and every
 * break-even month that moved.
 */
static void report_change(struct repl *r, const struct state *before, const struct state *after)
{
	const struct tco_result *b = &before->result, *a = &after->result;
	int from = followed_deployment(b);
	const char *name = from >= 0 ? b->deployments[from].deployment->name :
			   a->cheapest >= 0 ? a->deployments[a->cheapest].deployment->name : NULL;
	int to = find_deployment(a, name);
	struct strbuf out = STRBUF_INIT;

	if (!name) {
		puts("no deployment delivers all the work, before or after");
		return;
	}
	strbuf_adds(&out, "total: ");
	if (from < 0) {
		strbuf_adds(&out, "excluded");
	} else if (to >= 0 && !a->deployments[to].excluded) {
		add_delta(&out, r, b->deployments[from].total, a->deployments[to].total);
	} else {
		add_money(&out, b->deployments[from].total);
	}
	if (to < 0)
		strbuf_addf(&out, " → gone (no deployment %s)", name);
	else if (a->deployments[to].excluded)
		strbuf_addf(&out, " → excluded on %s: %s", name, a->deployments[to].excluded_reason ?
			    a->deployments[to].excluded_reason : "it does not deliver all the work");
	else if (from < 0)
		strbuf_adds(&out, " → ");
	if (to >= 0 && !a->deployments[to].excluded) {
		if (from < 0)
			add_money(&out, a->deployments[to].total);
		strbuf_addf(&out, " on %s", name);
	}
	puts(out.buf);
	strbuf_reset(&out);
	/* the other deployments that moved, one line each */
	for (size_t i = 0; i < a->ndeployments; i++) {
		const struct deployment_result *now = &a->deployments[i];
		int k = find_deployment(b, now->deployment->name);

		if ((int)i == to || k < 0 || now->excluded || b->deployments[k].excluded ||
		    now->total == b->deployments[k].total)
			continue;
		strbuf_addf(&out, "%s: ", now->deployment->name);
		add_delta(&out, r, b->deployments[k].total, now->total);
		puts(out.buf);
		strbuf_reset(&out);
	}
	if (a->cheapest != b->cheapest || (a->cheapest >= 0 && b->cheapest >= 0 &&
	    strcmp(a->deployments[a->cheapest].deployment->name,
		   b->deployments[b->cheapest].deployment->name) != 0)) {
		strbuf_addf(&out, "cheapest: %s → %s",
			    b->cheapest >= 0 ? b->deployments[b->cheapest].deployment->name : "none",
			    a->cheapest >= 0 ? a->deployments[a->cheapest].deployment->name : "none");
		if (a->cheapest >= 0) {
			strbuf_adds(&out, " (");
			add_money(&out, a->deployments[a->cheapest].total);
			strbuf_adds(&out, ")");
		}
		puts(out.buf);
		strbuf_reset(&out);
	}
	for (size_t i = 0; i < a->ndeployments; i++) {
		const struct deployment *d = a->deployments[i].deployment;
		int k = find_deployment(b, d->name);

		if (k < 0 || b->deployments[k].breakeven_month == a->deployments[i].breakeven_month)
			continue;
		strbuf_addf(&out, "break-even of %s against %s: ", d->name,
			    after->scenario.baseline ? after->scenario.baseline : "the baseline");
		add_month(&out, b->deployments[k].breakeven_month);
		strbuf_adds(&out, " → ");
		add_month(&out, a->deployments[i].breakeven_month);
		puts(out.buf);
		strbuf_reset(&out);
	}
	strbuf_release(&out);
}

/* One line about the priced scenario: what is cheapest, at what total. */
static void print_summary(const struct state *st)
{
	const struct tco_result *res = &st->result;
	struct strbuf out = STRBUF_INIT;

	strbuf_addf(&out, "%s: %zu workload%s, %zu deployment%s over %d months; ",
		    st->scenario.name, st->scenario.nworkloads, st->scenario.nworkloads == 1 ? "" : "s",
		    res->ndeployments, res->ndeployments == 1 ? "" : "s",
		    st->scenario.horizon_months);
	if (res->cheapest >= 0) {
		strbuf_addf(&out, "cheapest %s at ", res->deployments[res->cheapest].deployment->name);
		add_money(&out, res->deployments[res->cheapest].total);
		strbuf_addf(&out, " %s", st->scenario.currency);
	} else {
		strbuf_adds(&out, "no deployment delivers all the work");
	}
	puts(out.buf);
	strbuf_release(&out);
}

static bool need_scenario(struct repl *r)
{
	if (r->state)
		return true;
	repl_error(r, "no scenario loaded; 'load FILE' first");
	return false;
}

static void describe_edit(struct strbuf *sb, const struct scenario_edit *e);

/*
 * The loader's messages about edit E, which it names as "FILE: --set PATH=VALUE: ",
 * as "set PATH VALUE: ..." (the words typed); others, at a file line, as they are.
 */
static void report_edit_errors(struct repl *r, const struct scenario_edit *e, const char *text)
{
	struct strbuf named = STRBUF_INIT, typed = STRBUF_INIT, line = STRBUF_INIT;

	strbuf_addf(&named, "--set %s: ", e->assignment ? e->assignment : "");
	describe_edit(&typed, e);
	strbuf_adds(&typed, ": ");
	while (*text) {
		size_t len = strcspn(text, "\n");
		const char *at;

		strbuf_reset(&line);
		strbuf_add(&line, text, len);
		at = e->assignment ? strstr(line.buf, named.buf) : NULL;
		if (at && (at == line.buf || (at >= line.buf + 2 && at[-2] == ':')))
			repl_error(r, "%s%s", typed.buf, at + named.len);
		else
			repl_error(r, "%s", line.buf);
		text += len + (text[len] == '\n');
	}
	strbuf_release(&named);
	strbuf_release(&typed);
	strbuf_release(&line);
}

/* Makes edit E (taking it over) when the scenario stays valid and priceable. */
static int apply_edit(struct repl *r, struct scenario_edit *e)
{
	struct strbuf errors = STRBUF_INIT;
	struct state *st = state_build(r, &r->doc, e, 1, &errors);

	if (!st) {
		report_edit_errors(r, e, errors.buf);
		strbuf_release(&errors);
		scenario_edit_release(e);
		return EXIT_ERROR;
	}
	strbuf_release(&errors);
	report_change(r, r->state, st);
	state_free(r->state);
	r->state = st;
	scenario_doc_push(&r->doc, e);
	return EXIT_OK;
}

/* After undo or redo: the state of the edits now in effect. */
static int rebuild(struct repl *r)
{
	struct strbuf errors = STRBUF_INIT;
	struct state *st = state_build(r, &r->doc, NULL, 0, &errors);

	if (!st) {
		repl_error_lines(r, errors.buf);
		strbuf_release(&errors);
		return -1;
	}
	strbuf_release(&errors);
	report_change(r, r->state, st);
	state_free(r->state);
	r->state = st;
	return 0;
}

static void describe_edit(struct strbuf *sb, const struct scenario_edit *e)
{
	if (e->kind == EDIT_SET)
		strbuf_addf(sb, "set %s %s", e->path, e->value);
	else if (e->kind == EDIT_UNSET)
		strbuf_addf(sb, "unset %s", e->path);
	else
		strbuf_adds(sb, "reset");
}

/* ---- the session's scenario for the commands of the table --------------------- */

static int session_load(void *ctx, const char *const *overrides, size_t n, struct scenario *out,
			struct strbuf *errors)
{
	struct repl *r = ctx;
	struct scenario_edit *extra = xcalloc(n ? n : 1, sizeof(*extra));
	size_t made = 0;
	int result = -1;

	for (; made < n; made++) {
		const char *eq = strchr(overrides[made], '=');
		char *path;
		int rc;

		if (!eq) {
			strbuf_addf(errors, "--set %s: expected key.path=value\n", overrides[made]);
			goto cleanup;
		}
		path = xstrndup(overrides[made], (size_t)(eq - overrides[made]));
		rc = scenario_edit_init(&extra[made], EDIT_SET, path, eq + 1, 0);
		free(path);
		if (rc < 0) {
			strbuf_addf(errors, "--set %s\n", error_get());
			error_clear();
			goto cleanup;
		}
	}
	result = scenario_doc_load(&r->doc, extra, n, out, errors);
cleanup:
	for (size_t i = 0; i < made; i++)
		scenario_edit_release(&extra[i]);
	free(extra);
	return result;
}

static int session_yaml(void *ctx, struct strbuf *out)
{
	struct repl *r = ctx;
	bool kept;

	return scenario_doc_yaml(&r->doc, out, &kept);
}

/*
 * Runs ARGV through the command table. In a script a failing command's messages
 * are given the line number, like the REPL's own.
 */
static int run_table_command(struct repl *r, int argc, char **argv)
{
	struct session_scenario session = { session_load, session_yaml, r->doc.path, r };
	FILE *captured = NULL;
	int saved_stderr = -1, status;

	fflush(stdout);
	fflush(stderr);
	if (!r->interactive && (captured = tmpfile())) {
		saved_stderr = dup(STDERR_FILENO);
		if (saved_stderr < 0 || dup2(fileno(captured), STDERR_FILENO) < 0) {
			if (saved_stderr >= 0)
				close(saved_stderr);
			saved_stderr = -1;
			fclose(captured);
			captured = NULL;
		}
	}
	status = command_run_in_session(argc, argv, r->state ? &session : NULL);
	error_clear();
	fflush(stdout);
	fflush(stderr);
	if (captured) {
		char line[4096];

		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		rewind(captured);
		while (fgets(line, sizeof(line), captured)) {
			if (status == EXIT_ERROR)
				fprintf(stderr, "line %d: ", r->line);
			fputs(line, stderr);
		}
		fclose(captured);
	}
	return status == EXIT_ERROR ? EXIT_ERROR : EXIT_OK;
}

/* ---- the REPL's commands -------------------------------------------------------- */

static int do_set(struct repl *r, int argc, char **argv)
{
	struct scenario_edit e;
	struct strbuf value = STRBUF_INIT;
	char *path;
	int rc;

	if (!need_scenario(r))
		return EXIT_ERROR;
	if (argc == 2 && strchr(argv[1], '=')) {
		const char *eq = strchr(argv[1], '=');

		path = xstrndup(argv[1], (size_t)(eq - argv[1]));
		strbuf_adds(&value, eq + 1);
	} else if (argc >= 3) {
		path = xstrdup(argv[1]);
		for (int i = 2; i < argc; i++)
			strbuf_addf(&value, "%s%s", i > 2 ? " " : "", argv[i]);
	} else {
		repl_error(r, "usage: set PATH VALUE (or set PATH=VALUE)");
		return EXIT_ERROR;
	}
	rc = scenario_edit_init(&e, EDIT_SET, path, value.buf, r->line);
	free(path);
	strbuf_release(&value);
	if (rc < 0) {
		repl_error(r, "set %s", error_get());
		error_clear();
		return EXIT_ERROR;
	}
	return apply_edit(r, &e);
}

static int do_unset(struct repl *r, int argc, char **argv)
{
	struct scenario_edit e;
	struct node *tree;

	if (!need_scenario(r))
		return EXIT_ERROR;
	if (argc != 2) {
		repl_error(r, "usage: unset PATH");
		return EXIT_ERROR;
	}
	if (scenario_edit_init(&e, EDIT_UNSET, argv[1], NULL, r->line) < 0) {
		repl_error(r, "unset %s", error_get());
		error_clear();
		return EXIT_ERROR;
	}
	/* Say plainly when there is nothing to remove, before the loader would. */
	tree = scenario_doc_tree(&r->doc, &e, 1);
	if (!tree) {
		repl_error(r, "unset %s", error_get());
		error_clear();
		scenario_edit_release(&e);
		return EXIT_ERROR;
	}
	node_free(tree);
	return apply_edit(r, &e);
}

static int do_undo_redo(struct repl *r, int argc, char **argv)
{
	bool undo = strcmp(argv[0], "undo") == 0;
	struct strbuf what = STRBUF_INIT;

	if (!need_scenario(r))
		return EXIT_ERROR;
	if (argc != 1) {
		repl_error(r, "usage: %s", argv[0]);
		return EXIT_ERROR;
	}
	if (undo ? !scenario_doc_undo(&r->doc) : !scenario_doc_redo(&r->doc)) {
		repl_error(r, "nothing to %s", argv[0]);
		return EXIT_ERROR;
	}
	describe_edit(&what, &r->doc.edits[undo ? r->doc.nedits : r->doc.nedits - 1]);
	printf("%s: %s\n", undo ? "undone" : "redone", what.buf);
	strbuf_release(&what);
	if (rebuild(r) < 0) {
		if (undo)
			scenario_doc_redo(&r->doc);
		else
			scenario_doc_undo(&r->doc);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

static int do_reset(struct repl *r, int argc, char **argv)
{
	struct scenario_edit e;

	(void)argv;
	if (!need_scenario(r))
		return EXIT_ERROR;
	if (argc != 1) {
		repl_error(r, "usage: reset");
		return EXIT_ERROR;
	}
	scenario_edit_init(&e, EDIT_RESET, NULL, NULL, r->line);
	return apply_edit(r, &e);
}

/* The edit whose set made a node of ORIGIN, or NULL. */
static const struct scenario_edit *edit_of_origin(const struct repl *r, const char *origin)
{
	for (size_t i = 0; origin && i < r->doc.nedits; i++)
		if (r->doc.edits[i].assignment == origin)
			return &r->doc.edits[i];
	return NULL;
}

static void add_origin(struct strbuf *sb, const struct repl *r, const struct node *n)
{
	const struct scenario_edit *e = edit_of_origin(r, n->origin);

	if (e && e->line > 0)
		strbuf_addf(sb, "set on line %d", e->line);
	else if (e || n->origin)
		strbuf_adds(sb, "set");
	else
		strbuf_addf(sb, "%s:%d", r->doc.path, n->line);
}

/* Every scalar under N, one "path = value  (origin)" line each. */
static void show_node(const struct repl *r, const struct node *n, struct strbuf *path)
{
	size_t mark = path->len;

	if (n->type == NODE_SCALAR) {
		struct strbuf line = STRBUF_INIT;

		strbuf_addf(&line, "%s = %s%s%s  (", path->buf, n->quoted ? "\"" : "", n->text,
			    n->quoted ? "\"" : "");
		add_origin(&line, r, n);
		strbuf_addch(&line, ')');
		puts(line.buf);
		strbuf_release(&line);
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct node *item = n->items[i];

		if (n->type == NODE_MAP) {
			strbuf_addf(path, "%s%s", path->len ? "." : "", n->keys[i]->text);
		} else {
			const struct path_step by_name = { "name", 0 };
			const struct node *name = item->type == NODE_MAP ?
						  doctree_child(item, &by_name, NULL) : NULL;

			if (name && name->type == NODE_SCALAR && *name->text)
				strbuf_addf(path, ".%s", name->text);
			else
				strbuf_addf(path, "[%zu]", i);
		}
		show_node(r, item, path);
		strbuf_setlen(path, mark);
	}
}

static int do_show(struct repl *r, int argc, char **argv)
{
	struct node *tree, *cur;
	struct path_step *steps = NULL;
	size_t nsteps = 0;
	struct strbuf path = STRBUF_INIT;
	int status = EXIT_ERROR;

	if (!need_scenario(r))
		return EXIT_ERROR;
	if (argc > 2) {
		repl_error(r, "usage: show [PATH]");
		return EXIT_ERROR;
	}
	if (argc == 1) {
		size_t from = 0;

		for (size_t i = 0; i < r->doc.nedits; i++)
			if (r->doc.edits[i].kind == EDIT_RESET)
				from = i + 1;
		if (from == r->doc.nedits)
			printf("%s: no changes%s\n", r->doc.path,
			       scenario_doc_dirty(&r->doc) ? " in effect (not saved)" : "");
		for (size_t i = from; i < r->doc.nedits; i++) {
			struct strbuf what = STRBUF_INIT;

			describe_edit(&what, &r->doc.edits[i]);
			printf("%s  (line %d)\n", what.buf, r->doc.edits[i].line);
			strbuf_release(&what);
		}
		return EXIT_OK;
	}
	tree = scenario_doc_tree(&r->doc, NULL, 0);
	if (!tree || doctree_path_parse(argv[1], strlen(argv[1]), &steps, &nsteps) < 0) {
		repl_error(r, "show %s", error_get());
		error_clear();
		goto cleanup;
	}
	cur = tree;
	for (size_t i = 0; i < nsteps && cur; i++)
		cur = doctree_child(cur, &steps[i], NULL);
	if (cur) {
		strbuf_adds(&path, argv[1]);
		show_node(r, cur, &path);
		status = EXIT_OK;
	} else if (scenario_field_text(&r->state->scenario, argv[1], &path) == 0) {
		printf("%s = %s  (default)\n", argv[1], path.buf);
		status = EXIT_OK;
	} else {
		repl_error(r, "show %s", error_get());
		error_clear();
	}
cleanup:
	doctree_path_free(steps, nsteps);
	node_free(tree);
	strbuf_release(&path);
	return status;
}

static int do_history(struct repl *r, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		repl_error(r, "usage: history");
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < r->nlines; i++)
		printf("%5zu  %s\n", i + 1, r->lines[i]);
	return EXIT_OK;
}

static int do_save(struct repl *r, int argc, char **argv)
{
	const char *target;
	bool kept = false;

	if (!need_scenario(r))
		return EXIT_ERROR;
	if (argc > 2) {
		repl_error(r, "usage: save [FILE]");
		return EXIT_ERROR;
	}
	target = argc == 2 ? argv[1] : r->doc.path;
	if (strcmp(target, "stdin") == 0 && argc == 1) {
		repl_error(r, "the scenario came from standard input: 'save FILE'");
		return EXIT_ERROR;
	}
	if (scenario_doc_save(&r->doc, target, &kept) < 0) {
		repl_error(r, "save: %s", error_get());
		error_clear();
		return EXIT_ERROR;
	}
	printf("saved %s%s\n", target, kept ? "" :
	       " (written afresh: the comments could not be kept with these changes)");
	return EXIT_OK;
}

static int do_load(struct repl *r, int argc, char **argv)
{
	struct scenario_doc doc;
	struct strbuf errors = STRBUF_INIT;
	struct state *st;

	if (argc != 2) {
		repl_error(r, "usage: load FILE");
		return EXIT_ERROR;
	}
	if (r->state && scenario_doc_dirty(&r->doc) && !repl_confirm(r, "discard the unsaved changes?"))
		return EXIT_OK;
	if (scenario_doc_open(&doc, argv[1], &errors) < 0) {
		repl_error_lines(r, errors.buf);
		strbuf_release(&errors);
		return EXIT_ERROR;
	}
	if (!(st = state_build(r, &doc, NULL, 0, &errors))) {
		repl_error_lines(r, errors.buf);
		strbuf_release(&errors);
		scenario_doc_release(&doc);
		return EXIT_ERROR;
	}
	strbuf_release(&errors);
	if (r->state)
		scenario_doc_release(&r->doc);
	state_free(r->state);
	r->doc = doc;
	r->state = st;
	print_summary(st);
	return EXIT_OK;
}

static int do_cost(struct repl *r, int argc, char **argv)
{
	char **args = xcalloc((size_t)argc + 1, sizeof(*args));
	int status;

	args[0] = "estimate";
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	status = run_table_command(r, argc, args);
	free(args);
	return status;
}

/* plot CHART [options]: aicost plot --chart CHART, as text on the screen unless -o. */
static int do_plot(struct repl *r, int argc, char **argv)
{
	char **args = xcalloc((size_t)argc + 5, sizeof(*args));
	bool output = false;
	int n = 0, i = 1, status;

	args[n++] = "plot";
	if (argc > 1 && argv[1][0] != '-') {
		args[n++] = "--chart";
		args[n++] = argv[i++];
	}
	for (; i < argc; i++) {
		output = output || str_starts_with(argv[i], "-o") ||
			 str_starts_with(argv[i], "--output");
		args[n++] = argv[i];
	}
	if (!output) {
		args[n++] = "-o";
		args[n++] = "-";
	}
	status = run_table_command(r, n, args);
	free(args);
	return status;
}

static int do_quit(struct repl *r, int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		repl_error(r, "usage: quit");
		return EXIT_ERROR;
	}
	if (r->state && scenario_doc_dirty(&r->doc) &&
	    !repl_confirm(r, "quit and discard the unsaved changes?"))
		return EXIT_OK;
	r->quit = true;
	return EXIT_OK;
}

static int do_help(struct repl *r, int argc, char **argv)
{
	if (argc > 2) {
		repl_error(r, "usage: help [COMMAND]");
		return EXIT_ERROR;
	}
	size_t nsession_commands;
	const struct session_command *session_commands = session_command_list(&nsession_commands);

	if (argc == 2) {
		char *sub[] = { argv[1], "--help", NULL };

		for (size_t i = 0; i < nsession_commands; i++) {
			if (strcmp(session_commands[i].name, argv[1]) == 0) {
				printf("usage: %s\n\n%s\n", session_commands[i].usage,
				       session_commands[i].summary);
				if (session_commands[i].options) {
					puts("\nOptions:");
					cli_print_options(session_commands[i].options, 0, stdout);
				}
				if (!session_commands[i].runs)
					return EXIT_OK;
				/* and the help of the command it runs */
				sub[0] = (char *)session_commands[i].runs;
				putchar('\n');
				return run_table_command(r, 2, sub);
			}
		}
		if (!command_find(NULL, argv[1])) {
			repl_error(r, "'%s' is not a command; see 'help'", argv[1]);
			return EXIT_ERROR;
		}
		return run_table_command(r, 2, sub);
	}
	puts("What-if commands:");
	for (size_t i = 0; i < nsession_commands; i++) {
		const char *usage = session_commands[i].usage;

		/* a usage too long for the column puts the summary under it */
		if (strlen(usage) > 34)
			printf("  %s\n  %-34s %s\n", usage, "", session_commands[i].summary);
		else
			printf("  %-34s %s\n", usage, session_commands[i].summary);
	}
	puts("\nCommands of aicost (without the 'aicost'; with no SCENARIO they use this one):");
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(commands[i]->name, "repl") != 0 && strcmp(commands[i]->name, "help") != 0)
			printf("  %-34s %s\n", commands[i]->name, commands[i]->summary);
	puts("\nPaths name a field as --set does: deployments.rack.gpus, workloads[0].batch.");
	return EXIT_OK;
}

/* ---- sweep --------------------------------------------------------------------- */

enum quantity { QUANTITY_COUNT, QUANTITY_DURATION, QUANTITY_BYTES, QUANTITY_FRACTION };

static const char *const sweep_metrics[] = { "total", "npv", "breakeven", "per_million_tokens",
					     NULL };

struct sweep_axis {
	const char *path;
	enum quantity quantity;
	double *values;
	size_t n;
};

/* TEXT as a quantity, the kind told by its unit: 40%, 6mo, 2TB, else a count (1.5M). */
static int parse_quantity(const char *text, enum quantity *q, double *out)
{
	size_t len = strlen(text), digits = strspn(text, "+-0123456789.");
	const char *unit = text + digits;

	if (len > 0 && text[len - 1] == '%') {
		*q = QUANTITY_FRACTION;
		return units_parse_fraction(text, out);
	}
	if (*unit && strchr("hdwmsy", *unit)) {
		*q = QUANTITY_DURATION;
		return units_parse_duration(text, out);
	}
	if (*unit && str_ends_with(unit, "B") && strlen(unit) >= 2) {
		*q = QUANTITY_BYTES;
		return units_parse_bytes(text, out);
	}
	*q = QUANTITY_COUNT;
	return units_parse_count(text, out);
}

/* A value as the field takes it: the base unit spelled out. */
static void add_quantity_value(struct strbuf *sb, enum quantity q, double v)
{
	static const char *const units[] = { "", "h", "B", "%" };

	strbuf_addf(sb, "%.15g%s", q == QUANTITY_FRACTION ? v * 100 : v, units[q]);
}

struct scale {
	double factor;
	const char *unit;
};

/* V in the largest of the N units (largest first) it reaches, else with PLAIN after it. */
static void add_scaled(struct strbuf *sb, double v, const struct scale *units, size_t n,
		       const char *plain)
{
	for (size_t i = 0; i < n; i++) {
		if (fabs(v) >= units[i].factor) {
			strbuf_addf(sb, "%.4g%s", v / units[i].factor, units[i].unit);
			return;
		}
	}
	strbuf_addf(sb, "%.15g%s", v, plain);
}

/* A value for people: 2M, 6mo, 2TB, 40%. */
static void add_quantity_label(struct strbuf *sb, enum quantity q, double v)
{
	static const struct scale counts[] = {
		{ 1e12, "T" }, { 1e9, "B" }, { 1e6, "M" }, { 1e3, "k" },
	}, bytes[] = { { 1e15, "PB" }, { 1e12, "TB" }, { 1e9, "GB" }, { 1e6, "MB" } };

	switch (q) {
	case QUANTITY_FRACTION:
		strbuf_addf(sb, "%.15g%%", v * 100);
		return;
	case QUANTITY_DURATION:
		if (fmod(v, HOURS_PER_MONTH) == 0)
			strbuf_addf(sb, "%.15gmo", v / HOURS_PER_MONTH);
		else
			strbuf_addf(sb, "%.15gh", v);
		return;
	case QUANTITY_BYTES:
		add_scaled(sb, v, bytes, ARRAY_SIZE(bytes), "B");
		return;
	case QUANTITY_COUNT:
		add_scaled(sb, v, counts, ARRAY_SIZE(counts), "");
		return;
	}
}

#define SWEEP_MAX_VALUES 1000
#define SWEEP_MAX_RUNS 10000

static int sweep_axis_parse(struct repl *r, struct sweep_axis *axis, char **args)
{
	enum quantity q[3];
	double v[3], values;
	int n;

	axis->path = args[0];
	for (int i = 0; i < 3; i++) {
		if (parse_quantity(args[i + 1], &q[i], &v[i]) < 0) {
			repl_error(r, "sweep %s: %s", args[0], error_get());
			error_clear();
			return -1;
		}
	}
	if (q[0] != q[1] || q[0] != q[2]) {
		repl_error(r, "sweep %s: FROM, TO and STEP must be the same kind of quantity "
			   "(\"%s\", \"%s\", \"%s\")", args[0], args[1], args[2], args[3]);
		return -1;
	}
	if (!(v[2] > 0) || v[1] < v[0]) {
		repl_error(r, "sweep %s: expected FROM <= TO and a positive STEP", args[0]);
		return -1;
	}
	axis->quantity = q[0];
	/* counted in double: a tiny STEP gives more values than any integer holds */
	values = floor((v[1] - v[0]) / v[2] + 1e-9) + 1;
	if (!whole_to_int(values, 1, SWEEP_MAX_VALUES, &n)) {
		repl_error(r, "sweep %s: %.4g values; at most %d", args[0], values, SWEEP_MAX_VALUES);
		return -1;
	}
	axis->n = (size_t)n;
	axis->values = xcalloc(axis->n, sizeof(*axis->values));
	for (size_t i = 0; i < axis->n; i++)
		axis->values[i] = v[0] + (double)i * v[2];
	return 0;
}

/* The metric of deployment I of RES; NAN when it has none (never breaks even, excluded). */
static double sweep_metric(const struct tco_result *res, int i, const char *metric)
{
	const struct deployment_result *d;

	if (i < 0)
		return NAN;
	d = &res->deployments[i];
	if (d->excluded)
		return NAN;
	if (strcmp(metric, "npv") == 0)
		return d->npv;
	if (strcmp(metric, "breakeven") == 0)
		return d->breakeven_month > 0 ? d->breakeven_month : NAN;
	if (strcmp(metric, "per_million_tokens") == 0)
		return d->per_million_tokens;
	return d->total;
}

static void add_metric_cell(struct table *t, double v, const char *metric)
{
	if (isnan(v))
		table_add_null(t);
	else if (strcmp(metric, "breakeven") == 0)
		table_add_number(t, v, 0);
	else
		table_add_money(t, v, strcmp(metric, "per_million_tokens") == 0 ? 3 : 0);
}

/* One run of the sweep: the session's scenario with AXES at VALUES. */
static struct state *sweep_run(struct repl *r, const struct sweep_axis *axes, size_t naxes,
			       const double *values, struct strbuf *first_error)
{
	struct scenario_edit edits[2] = { { 0 }, { 0 } };
	struct strbuf errors = STRBUF_INIT;
	struct state *st;

	for (size_t k = 0; k < naxes; k++) {
		struct strbuf value = STRBUF_INIT;

		add_quantity_value(&value, axes[k].quantity, values[k]);
		scenario_edit_init(&edits[k], EDIT_SET, axes[k].path, value.buf, r->line);
		strbuf_release(&value);
	}
	st = state_build(r, &r->doc, edits, naxes, &errors);
	if (!st && !first_error->len) {
		for (size_t k = 0; k < naxes; k++) {
			strbuf_addf(first_error, "%s%s=", k ? ", " : "at ", axes[k].path);
			add_quantity_label(first_error, axes[k].quantity, values[k]);
		}
		strbuf_addf(first_error, ": %.*s", (int)strcspn(errors.buf, "\n"), errors.buf);
	}
	for (size_t k = 0; k < naxes; k++)
		scenario_edit_release(&edits[k]);
	strbuf_release(&errors);
	return st;
}

static void sweep_interrupted(struct repl *r)
{
	if (r->interactive)
		fputc('\n', stderr);   /* after the ^C the terminal echoed */
	repl_error(r, "sweep interrupted");
}

/* A bar of '#' for V: 1 wide at LOW, 40 at HIGH (the range makes small moves visible). */
static void add_bar(struct strbuf *sb, double v, double low, double high)
{
	int width = high > low ? 1 + (int)lround((v - low) / (high - low) * 39) : 40;

	for (int i = 0; i < width; i++)
		strbuf_addch(sb, '#');
}

/* FOLLOW: the deployment to chart; -1: each value's cheapest, named on its bar. */
static int sweep_one(struct repl *r, const struct sweep_axis *axis, const char *metric, int follow)
{
	const struct tco_result *base = &r->state->result;
	struct table *t = table_new();
	double *chart = xcalloc(axis->n, sizeof(*chart)), low = INFINITY, high = -INFINITY;
	int *charted = xcalloc(axis->n, sizeof(*charted));
	int decimals = strcmp(metric, "per_million_tokens") == 0 ? 3 : 0;
	struct strbuf sb = STRBUF_INIT, first_error = STRBUF_INIT;
	size_t ok = 0;
	int status = EXIT_ERROR;

	table_add_column(t, "value", axis->path, COLUMN_TEXT);
	for (size_t i = 0; i < base->ndeployments; i++)
		table_add_column(t, base->deployments[i].deployment->name,
				 base->deployments[i].deployment->name, COLUMN_NUMBER);
	table_add_column(t, "cheapest", "cheapest", COLUMN_TEXT);
	for (size_t v = 0; v < axis->n; v++) {
		struct state *st;

		if (repl_interrupted()) {
			sweep_interrupted(r);
			goto cleanup;
		}
		st = sweep_run(r, axis, 1, &axis->values[v], &first_error);
		strbuf_reset(&sb);
		add_quantity_label(&sb, axis->quantity, axis->values[v]);
		table_begin_row(t);
		table_add_text(t, sb.buf);
		chart[v] = NAN;
		if (!st) {
			for (size_t i = 0; i <= base->ndeployments; i++)
				table_add_text(t, "invalid");
			continue;
		}
		ok++;
		for (size_t i = 0; i < base->ndeployments; i++)
			add_metric_cell(t, sweep_metric(&st->result,
							find_deployment(&st->result,
									base->deployments[i].deployment->name),
							metric), metric);
		table_add_text(t, st->result.cheapest >= 0 ?
			       st->result.deployments[st->result.cheapest].deployment->name : NULL);
		charted[v] = follow >= 0 ? follow : st->result.cheapest < 0 ? -1 :
			     find_deployment(base, st->result.deployments[st->result.cheapest]
					     .deployment->name);
		chart[v] = charted[v] < 0 ? NAN :
			   sweep_metric(&st->result, find_deployment(&st->result,
					base->deployments[charted[v]].deployment->name), metric);
		if (!isnan(chart[v])) {
			low = fmin(low, chart[v]);
			high = fmax(high, chart[v]);
		}
		state_free(st);
	}
	if (ok == 0) {
		repl_error(r, "sweep: no value gives a valid scenario; %s", first_error.buf);
		goto cleanup;
	}
	if (first_error.len)
		fprintf(stderr, "note: some values are invalid, the first %s\n", first_error.buf);
	if (table_print(t, stdout, FORMAT_TABLE) < 0)
		goto cleanup;
	strbuf_reset(&sb);
	if (low <= high) {
		strbuf_adds(&sb, " (bars from ");
		format_grouped(&sb, low, decimals);
		strbuf_adds(&sb, " to ");
		format_grouped(&sb, high, decimals);
		strbuf_adds(&sb, ")");
	}
	printf("\n%s of %s%s:\n", metric, follow >= 0 ? base->deployments[follow].deployment->name :
	       "the cheapest", sb.buf);
	for (size_t v = 0; v < axis->n; v++) {
		strbuf_reset(&sb);
		add_quantity_label(&sb, axis->quantity, axis->values[v]);
		printf("  %10s ", sb.buf);
		strbuf_reset(&sb);
		if (isnan(chart[v])) {
			strbuf_adds(&sb, strcmp(metric, "breakeven") == 0 ? "never" : "none");
		} else {
			add_bar(&sb, chart[v], low, high);
			strbuf_addch(&sb, ' ');
			format_grouped(&sb, chart[v], decimals);
		}
		if (follow < 0 && charted[v] >= 0)
			strbuf_addf(&sb, " %s", base->deployments[charted[v]].deployment->name);
		puts(sb.buf);
	}
	status = EXIT_OK;
cleanup:
	table_free(t);
	free(chart);
	free(charted);
	strbuf_release(&sb);
	strbuf_release(&first_error);
	return status;
}

static int sweep_grid(struct repl *r, const struct sweep_axis *axes, const char *metric,
		      int follow)
{
	const char *name = r->state->result.deployments[follow].deployment->name;
	struct table *t = table_new(), *cheapest = table_new();
	struct strbuf sb = STRBUF_INIT, first_error = STRBUF_INIT;
	size_t ok = 0;
	int status = EXIT_ERROR;

	strbuf_addf(&sb, "%s \\ %s", axes[0].path, axes[1].path);
	table_add_column(t, "value", sb.buf, COLUMN_TEXT);
	table_add_column(cheapest, "value", sb.buf, COLUMN_TEXT);
	for (size_t j = 0; j < axes[1].n; j++) {
		strbuf_reset(&sb);
		add_quantity_label(&sb, axes[1].quantity, axes[1].values[j]);
		table_add_column(t, sb.buf, sb.buf, COLUMN_NUMBER);
		table_add_column(cheapest, sb.buf, sb.buf, COLUMN_TEXT);
	}
	for (size_t i = 0; i < axes[0].n; i++) {
		strbuf_reset(&sb);
		add_quantity_label(&sb, axes[0].quantity, axes[0].values[i]);
		table_begin_row(t);
		table_add_text(t, sb.buf);
		table_begin_row(cheapest);
		table_add_text(cheapest, sb.buf);
		for (size_t j = 0; j < axes[1].n; j++) {
			double values[2] = { axes[0].values[i], axes[1].values[j] };
			struct state *st;

			if (repl_interrupted()) {
				sweep_interrupted(r);
				goto cleanup;
			}
			if (!(st = sweep_run(r, axes, 2, values, &first_error))) {
				table_add_text(t, "invalid");
				table_add_text(cheapest, "invalid");
				continue;
			}
			ok++;
			add_metric_cell(t, sweep_metric(&st->result, find_deployment(&st->result, name),
							metric), metric);
			table_add_text(cheapest, st->result.cheapest >= 0 ?
				       st->result.deployments[st->result.cheapest].deployment->name :
				       NULL);
			state_free(st);
		}
	}
	if (ok == 0) {
		repl_error(r, "sweep: no value gives a valid scenario; %s", first_error.buf);
		goto cleanup;
	}
	if (first_error.len)
		fprintf(stderr, "note: some values are invalid, the first %s\n", first_error.buf);
	printf("%s of %s:\n", metric, name);
	if (table_print(t, stdout, FORMAT_TABLE) < 0)
		goto cleanup;
	puts("\ncheapest:");
	if (table_print(cheapest, stdout, FORMAT_TABLE) < 0)
		goto cleanup;
	status = EXIT_OK;
cleanup:
	table_free(t);
	table_free(cheapest);
	strbuf_release(&sb);
	strbuf_release(&first_error);
	return status;
}

static const struct cli_option sweep_options[] = {
	{ CLI_LONG_ONLY, "metric", "METRIC",
	  "total (default), npv, breakeven or per_million_tokens" },
	{ CLI_LONG_ONLY + 1, "deployment", "NAME", "chart (and grid) this deployment's metric" },
	CLI_OPTION_END,
};

/*
 * Splits ARGV (after the command) into the values of OPTIONS ("--name VALUE" or
 * "--name=VALUE", into VALUES in the order of OPTIONS) and the other words.
 */
static int session_options(struct repl *r, int argc, char **argv,
			   const struct cli_option *options, const char **values,
			   char **positional, size_t *npositional)
{
	for (int i = 1; i < argc; i++) {
		size_t len = strcspn(argv[i], "=");
		const struct cli_option *o = options;

		if (strncmp(argv[i], "--", 2) != 0) {
			positional[(*npositional)++] = argv[i];
			continue;
		}
		while (o->name && (strlen(o->name) != len - 2 || strncmp(o->name, argv[i] + 2,
									 len - 2) != 0))
			o++;
		if (!o->name) {
			repl_error(r, "%s: unknown option '%.*s'", argv[0], (int)len, argv[i]);
			return -1;
		}
		if (argv[i][len] == '=') {
			values[o - options] = argv[i] + len + 1;
		} else if (i + 1 < argc) {
			values[o - options] = argv[++i];
		} else {
			repl_error(r, "%s: option '%s' needs a value", argv[0], argv[i]);
			return -1;
		}
	}
	return 0;
}

static int do_sweep(struct repl *r, int argc, char **argv)
{
	const char *metric, *deployment, *values[2] = { NULL, NULL };
	char **positional = xcalloc((size_t)argc, sizeof(*positional));
	struct sweep_axis axes[2] = { { 0 }, { 0 } };
	size_t npositional = 0, naxes;
	int follow, status = EXIT_ERROR;

	if (!need_scenario(r) ||
	    session_options(r, argc, argv, sweep_options, values, positional, &npositional) < 0)
		goto cleanup;
	metric = values[0] ? values[0] : "total";
	deployment = values[1];
	{
		bool known = false;

		for (size_t i = 0; sweep_metrics[i]; i++)
			known = known || strcmp(sweep_metrics[i], metric) == 0;
		if (!known) {
			repl_error(r, "sweep: --metric: unknown metric \"%s\"; expected total, npv, "
				   "breakeven or per_million_tokens", metric);
			goto cleanup;
		}
	}
	if (npositional != 4 && npositional != 8) {
		repl_error(r, "usage: sweep PATH FROM TO STEP [PATH FROM TO STEP] [--metric METRIC] "
			   "[--deployment NAME]");
		goto cleanup;
	}
	naxes = npositional / 4;
	for (size_t k = 0; k < naxes; k++)
		if (sweep_axis_parse(r, &axes[k], positional + 4 * k) < 0)
			goto cleanup;
	if (naxes == 2 && axes[0].n * axes[1].n > SWEEP_MAX_RUNS) {
		repl_error(r, "sweep: %zu runs; at most %d", axes[0].n * axes[1].n, SWEEP_MAX_RUNS);
		goto cleanup;
	}
	follow = deployment ? find_deployment(&r->state->result, deployment) :
		 followed_deployment(&r->state->result);
	if (follow < 0) {
		if (deployment)
			repl_error(r, "sweep: --deployment: no deployment '%s'", deployment);
		else
			repl_error(r, "sweep: no deployment delivers all the work; name one with "
				   "--deployment");
		goto cleanup;
	}
	status = naxes == 1 ? sweep_one(r, &axes[0], metric, deployment ? follow : -1) :
		 sweep_grid(r, axes, metric, follow);
cleanup:
	free(axes[0].values);
	free(axes[1].values);
	free(positional);
	return status;
}

static const struct session_command session_commands[] = {
	{ "set", do_set, "set PATH VALUE",
	  "change a field (as --set PATH=VALUE); prints what moved", NULL, NULL },
	{ "unset", do_unset, "unset PATH", "remove a field: its default applies", NULL, NULL },
	{ "show", do_show, "show [PATH]",
	  "a field's value and where it came from; the changes", NULL, NULL },
	{ "cost", do_cost, "cost [ESTIMATE OPTIONS]", "estimate this scenario", NULL,
	  "estimate" },
	{ "plot", do_plot, "plot CHART [PLOT OPTIONS]",
	  "a chart of this scenario, as text here or -o FILE", NULL, "plot" },
	{ "sweep", do_sweep, "sweep PATH FROM TO STEP [PATH FROM TO STEP] [OPTIONS]",
	  "a metric over a range of values (two ranges: a grid)", sweep_options, NULL },
	{ "undo", do_undo_redo, "undo", "take back the last change", NULL, NULL },
	{ "redo", do_undo_redo, "redo", "make the change taken back again", NULL, NULL },
	{ "reset", do_reset, "reset",
	  "back to the file as loaded (undo brings the changes back)", NULL, NULL },
	{ "history", do_history, "history", "the lines typed in this session", NULL, NULL },
	{ "save", do_save, "save [FILE]",
	  "write the scenario as YAML (comments kept if possible)", NULL, NULL },
	{ "load", do_load, "load FILE", "work on another scenario", NULL, NULL },
	{ "help", do_help, "help [COMMAND]", "this list, or a command's help", NULL, NULL },
	{ "quit", do_quit, "quit", "leave (asks first when changes are not saved)", NULL, NULL },
	{ "exit", do_quit, "exit", "the same as quit", NULL, NULL },
};
static const size_t nsession_commands = ARRAY_SIZE(session_commands);

static const struct session_command *session_command_list(size_t *n)
{
	*n = nsession_commands;
	return session_commands;
}

const struct cli_option *repl_command_options(const char *name)
{
	for (size_t i = 0; i < nsession_commands; i++)
		if (strcmp(session_commands[i].name, name) == 0)
			return session_commands[i].options;
	return NULL;
}

size_t repl_command_names(const char ***names)
{
	size_t n = 0;

	*names = xcalloc(nsession_commands + ncommands + 1, sizeof(**names));
	for (size_t i = 0; i < nsession_commands; i++)
		(*names)[n++] = session_commands[i].name;
	for (size_t i = 0; i < ncommands; i++)
		if (strcmp(commands[i]->name, "help") != 0 && strcmp(commands[i]->name, "repl") != 0)
			(*names)[n++] = commands[i]->name;
	return n;
}

/* ---- lines ----------------------------------------------------------------------- */

/*
 * Splits LINE into words as a shell would for simple cases: blanks separate,
 * '...' and "..." quote, a backslash escapes one character. -1 on an open quote.
 */
int repl_split(const char *line, char ***words, int *nwords)
{
	struct strbuf word = STRBUF_INIT;
	size_t alloc = 0;
	const char *p = line;

	*words = NULL;
	*nwords = 0;
	for (;;) {
		bool in_word = false;
		char quote = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			break;
		strbuf_reset(&word);
		for (; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
			in_word = true;
			if (quote && *p == quote)
				quote = 0;
			else if (!quote && (*p == '\'' || *p == '"'))
				quote = *p;
			else if (*p == '\\' && quote != '\'' && p[1])
				strbuf_addch(&word, *++p);
			else
				strbuf_addch(&word, *p);
		}
		if (quote) {
			for (int i = 0; i < *nwords; i++)
				free((*words)[i]);
			free(*words);
			*words = NULL;
			*nwords = 0;
			strbuf_release(&word);
			error_set("unterminated %c quote", quote);
			return -1;
		}
		if (in_word) {
			xgrow(words, &alloc, (size_t)*nwords + 2, sizeof(**words));
			(*words)[(*nwords)++] = xstrdup(word.buf);
			(*words)[*nwords] = NULL;
		}
	}
	strbuf_release(&word);
	return 0;
}

int repl_execute(struct repl *r, const char *line)
{
	char **argv;
	int argc, status = EXIT_OK;

	if (repl_split(line, &argv, &argc) < 0) {
		repl_error(r, "%s", error_get());
		error_clear();
		return EXIT_ERROR;
	}
	if (argc == 0)
		return EXIT_OK;
	xgrow(&r->lines, &r->lines_alloc, r->nlines + 1, sizeof(*r->lines));
	r->lines[r->nlines++] = xstrdup(line);
	{
		char **args = argv;
		int nargs = argc;
		const struct session_command *own = NULL;

		/* "aicost estimate" typed out of habit is "estimate" */
		if (nargs > 1 && strcmp(args[0], "aicost") == 0) {
			args++;
			nargs--;
		}
		for (size_t i = 0; i < nsession_commands && !own; i++)
			if (strcmp(session_commands[i].name, args[0]) == 0)
				own = &session_commands[i];
		if (own) {
			status = own->run(r, nargs, args);
		} else if (strcmp(args[0], "repl") == 0) {
			repl_error(r, "already in the REPL");
			status = EXIT_ERROR;
		} else if (command_find(NULL, args[0])) {
			status = run_table_command(r, nargs, args);
		} else {
			const char **names;
			size_t n = repl_command_names(&names);
			const char *guess = suggest_word(args[0], names, n);

			if (guess)
				repl_error(r, "'%s' is not a command; did you mean '%s'?", args[0], guess);
			else
				repl_error(r, "'%s' is not a command; see 'help'", args[0]);
			free(names);
			status = EXIT_ERROR;
		}
	}
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	fflush(stdout);
	return status;
}

const char *repl_prompt(struct repl *r, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (!r->state) {
		strbuf_adds(sb, "aicost> ");
		return sb->buf;
	}
	/* \001 \002 tell readline that what they hold takes no room on the screen */
	if (r->color)
		strbuf_adds(sb, "\001\033[1m\002");
	strbuf_addf(sb, "%s%s", r->state->scenario.name, scenario_doc_dirty(&r->doc) ? "*" : "");
	if (r->color)
		strbuf_adds(sb, "\001\033[0m\002");
	strbuf_adds(sb, "> ");
	return sb->buf;
}

const struct scenario *repl_scenario(const struct repl *r)
{
	return r->state ? &r->state->scenario : NULL;
}

struct node *repl_tree(const struct repl *r)
{
	return r->state ? scenario_doc_tree(&r->doc, NULL, 0) : NULL;
}

/* Lines from a file or pipe: no prompt, no colour, errors with line numbers. */
static int run_script(struct repl *r, FILE *in)
{
	char *line = NULL;
	size_t alloc = 0;
	ssize_t len;
	bool failed = false;

	while (!r->quit && (len = getline(&line, &alloc, in)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		r->line++;
		if (repl_execute(r, line) == EXIT_ERROR) {
			failed = true;
			if (r->stop_on_error)
				break;
		}
	}
	free(line);
	return failed ? EXIT_ERROR : EXIT_OK;
}

int repl_run(const char *scenario, const struct repl_options *opts)
{
	struct repl r = { 0 };
	int status = EXIT_ERROR;

	r.interactive = isatty(STDIN_FILENO);
	r.color = r.interactive && use_color(stdout);
	r.stop_on_error = opts->stop_on_error;
	r.opts.seed = 1;
	/* What set, undo and sweep print (totals, NPV, break-even, per-unit costs, the
	 * cheapest) are expectations that the shortage Monte Carlo does not move; its
	 * percentiles are for cost and compare, which run it in full. */
	r.opts.trials = 1;
	/* Kept open for the whole session: the commands it runs use it (command_store). */
	if (!(r.db = command_store(true))) {
		error_print("repl");
		goto cleanup;
	}
	if (scenario) {
		struct strbuf errors = STRBUF_INIT;

		if (scenario_doc_open(&r.doc, scenario, &errors) < 0 ||
		    !(r.state = state_build(&r, &r.doc, NULL, 0, &errors))) {
			print_scenario_errors("repl", &errors);
			strbuf_release(&errors);
			goto cleanup;
		}
		strbuf_release(&errors);
	}
	if (r.interactive) {
		if (r.state)
			print_summary(r.state);
		status = repl_terminal(&r);
	} else {
		status = run_script(&r, stdin);
	}
cleanup:
	if (r.state || r.doc.root)
		scenario_doc_release(&r.doc);
	state_free(r.state);
	for (size_t i = 0; i < r.nlines; i++)
		free(r.lines[i]);
	free(r.lines);
	return status;
}
