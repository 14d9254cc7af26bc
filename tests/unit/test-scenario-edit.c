/*
 * A scenario under edit (the REPL's model): undo, redo and reset over the edits,
 * what counts as unsaved, and write-back that patches the original text in place
 * (comments and key order kept) or writes the tree afresh when it cannot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctree.h"
#include "scenario-edit.h"
#include "util.h"

static const char base_yaml[] =
	"# a comment that must survive\n"
	"name: edit\n"
	"horizon: 36mo   # three years\n"
	"workloads:\n"
	"  - name: serve\n"
	"    kind: inference\n"
	"    params: 8B\n"
	"    layers: 32\n"
	"    hidden: 4096\n"
	"    accelerator: H100-SXM\n"
	"    requests_per_day: 1M\n"
	"    input_tokens: 800\n"
	"    output_tokens: 300\n"
	"    slo: {ttft: 500ms, tpot: 50ms}\n"
	"deployments:\n"
	"  - name: cloud\n"
	"    kind: cloud\n"
	"    provider: aws\n"
	"    region: us-east-1\n"
	"    price_per_gpu_hour: 2.5\n"
	"    purchase: {on-demand: 100%}\n"
	"\n"
	"  # the rack\n"
	"  - name: rack\n"
	"    kind: onprem\n"
	"    gpus: 8\n"
	"    server_price: 200k\n"
	"    kw_per_server: 10\n"
	"    power_price: 0.1\n"
	"    lead_time: 3mo   # months\n"
	"constraints:\n"
	"  providers: [aws, azure]\n";

static char path[64];

static void open_doc(struct scenario_doc *doc, const char *text)
{
	struct strbuf errors = STRBUF_INIT;
	int fd;

	snprintf(path, sizeof(path), "/tmp/aicost-edit-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(scenario_doc_open(doc, path, &errors), 0);
	unlink(path);
	strbuf_release(&errors);
}

static void push(struct scenario_doc *doc, enum edit_kind kind, const char *p, const char *v)
{
	struct scenario_edit e;

	assert_int_equal(scenario_edit_init(&e, kind, p, v, 1), 0);
	scenario_doc_push(doc, &e);
}

/* The value at PATH in the edited tree as text; "" when absent. */
static char *value_at(const struct scenario_doc *doc, const char *p)
{
	struct node *root = scenario_doc_tree(doc, NULL, 0), *cur = root;
	struct path_step *steps;
	size_t n;
	char *text;

	assert_non_null(root);
	assert_int_equal(doctree_path_parse(p, strlen(p), &steps, &n), 0);
	for (size_t i = 0; i < n && cur; i++)
		cur = doctree_child(cur, &steps[i], NULL);
	text = xstrdup(cur && cur->type == NODE_SCALAR ? cur->text : "");
	doctree_path_free(steps, n);
	node_free(root);
	return text;
}

static void assert_value(const struct scenario_doc *doc, const char *p, const char *want)
{
	char *got = value_at(doc, p);

	assert_string_equal(got, want);
	free(got);
}

static void test_undo_redo_reset(void **state)
{
	struct scenario_doc doc;

	(void)state;
	open_doc(&doc, base_yaml);
	assert_false(scenario_doc_dirty(&doc));
	push(&doc, EDIT_SET, "deployments.rack.gpus", "16");
	push(&doc, EDIT_UNSET, "deployments.rack.lead_time", NULL);
	assert_true(scenario_doc_dirty(&doc));
	assert_value(&doc, "deployments.rack.gpus", "16");
	assert_value(&doc, "deployments.rack.lead_time", "");
	assert_true(scenario_doc_undo(&doc));
	assert_value(&doc, "deployments.rack.lead_time", "3mo");
	assert_true(scenario_doc_undo(&doc));
	assert_false(scenario_doc_undo(&doc));
	assert_false(scenario_doc_dirty(&doc));   /* back where it was read */
	assert_value(&doc, "deployments.rack.gpus", "8");
	assert_true(scenario_doc_redo(&doc));
	assert_value(&doc, "deployments.rack.gpus", "16");
	/* a new edit drops what could be redone */
	push(&doc, EDIT_SET, "horizon", "24mo");
	assert_false(scenario_doc_redo(&doc));
	assert_value(&doc, "deployments.rack.lead_time", "3mo");
	/* reset is an edit too: the document as read, and undo brings the rest back */
	push(&doc, EDIT_RESET, NULL, NULL);
	assert_value(&doc, "horizon", "36mo");
	assert_value(&doc, "deployments.rack.gpus", "8");
	assert_true(scenario_doc_undo(&doc));
	assert_value(&doc, "horizon", "24mo");
	scenario_doc_release(&doc);
}

static void test_saved_state(void **state)
{
	struct scenario_doc doc;
	struct strbuf out = STRBUF_INIT;
	char saved[64];
	bool kept;

	(void)state;
	open_doc(&doc, base_yaml);
	push(&doc, EDIT_SET, "horizon", "24mo");
	snprintf(saved, sizeof(saved), "/tmp/aicost-edit-saved-XXXXXX");
	close(mkstemp(saved));
	assert_int_equal(scenario_doc_save(&doc, saved, &kept), 0);
	assert_true(kept);
	assert_false(scenario_doc_dirty(&doc));
	assert_true(scenario_doc_undo(&doc));
	assert_true(scenario_doc_dirty(&doc));
	assert_true(scenario_doc_redo(&doc));
	assert_false(scenario_doc_dirty(&doc));
	/* once the saved state is undone and replaced, nothing matches it any more */
	assert_true(scenario_doc_undo(&doc));
	push(&doc, EDIT_SET, "horizon", "12mo");
	assert_true(scenario_doc_dirty(&doc));
	assert_true(scenario_doc_undo(&doc));
	assert_true(scenario_doc_dirty(&doc));
	unlink(saved);
	strbuf_release(&out);
	scenario_doc_release(&doc);
}

/* The YAML of DOC after its edits: patched in place (kept) or not. */
static char *yaml_of(const struct scenario_doc *doc, bool want_kept)
{
	struct strbuf out = STRBUF_INIT;
	bool kept;

	assert_int_equal(scenario_doc_yaml(doc, &out, &kept), 0);
	if (kept != want_kept)
		fail_msg("kept %d, wanted %d:\n%s", kept, want_kept, out.buf);
	return strbuf_detach(&out, NULL);
}

static void test_patch_in_place(void **state)
{
	struct scenario_doc doc;
	char *yaml;

	(void)state;
	open_doc(&doc, base_yaml);
	push(&doc, EDIT_SET, "deployments.rack.gpus", "16");                /* block scalar */
	push(&doc, EDIT_SET, "horizon", "24mo");                            /* before a comment */
	push(&doc, EDIT_SET, "workloads.serve.slo.tpot", "25ms");           /* in a flow map */
	push(&doc, EDIT_SET, "workloads.serve.slo.ttft", "1s");
	push(&doc, EDIT_SET, "deployments.cloud.purchase.spot", "0%");      /* new flow key */
	push(&doc, EDIT_SET, "deployments.rack.pue", "1.2");                /* new block key */
	push(&doc, EDIT_SET, "deployments.rack.financing.term", "3y");      /* new section */
	push(&doc, EDIT_UNSET, "deployments.rack.lead_time", NULL);         /* a block line */
	push(&doc, EDIT_UNSET, "constraints.providers[1]", NULL);           /* a flow item */
	push(&doc, EDIT_SET, "discount_rate", "8%");                        /* new top key */
	yaml = yaml_of(&doc, true);
	assert_string_equal(yaml,
		"# a comment that must survive\n"
		"name: edit\n"
		"horizon: 24mo   # three years\n"
		"workloads:\n"
		"  - name: serve\n"
		"    kind: inference\n"
		"    params: 8B\n"
		"    layers: 32\n"
		"    hidden: 4096\n"
		"    accelerator: H100-SXM\n"
		"    requests_per_day: 1M\n"
		"    input_tokens: 800\n"
		"    output_tokens: 300\n"
		"    slo: {ttft: 1s, tpot: 25ms}\n"
		"deployments:\n"
		"  - name: cloud\n"
		"    kind: cloud\n"
		"    provider: aws\n"
		"    region: us-east-1\n"
		"    price_per_gpu_hour: 2.5\n"
		"    purchase: {on-demand: 100%, spot: 0%}\n"
		"\n"
		"  # the rack\n"
		"  - name: rack\n"
		"    kind: onprem\n"
		"    gpus: 16\n"
		"    server_price: 200k\n"
		"    kw_per_server: 10\n"
		"    power_price: 0.1\n"
		"    pue: 1.2\n"
		"    financing: {term: 3y}\n"
		"constraints:\n"
		"  providers: [aws]\n"
		"discount_rate: 8%\n");
	free(yaml);
	scenario_doc_release(&doc);
}

static void test_unset_list_item(void **state)
{
	struct scenario_doc doc;
	char *yaml;

	(void)state;
	open_doc(&doc, base_yaml);
	push(&doc, EDIT_UNSET, "deployments.cloud", NULL);
	yaml = yaml_of(&doc, true);
	assert_non_null(strstr(yaml, "deployments:\n\n  # the rack\n  - name: rack\n"));
	assert_null(strstr(yaml, "provider: aws"));
	free(yaml);
	scenario_doc_release(&doc);
}

static void test_written_afresh(void **state)
{
	struct scenario_doc doc;
	char *yaml;
	struct node *back = NULL, *want;
	struct strbuf errors = STRBUF_INIT;

	(void)state;
	open_doc(&doc, "{\"name\": \"j\", \"horizon\": \"36mo\", \"workloads\": "
		 "[{\"name\": \"w\", \"kind\": \"training\"}], \"note\": \"null\", "
		 "\"tags\": [], \"odd\": \"a: b #c\"}");
	push(&doc, EDIT_SET, "horizon", "12mo");
	yaml = yaml_of(&doc, false);
	assert_string_equal(yaml,
		"name: j\n"
		"horizon: 12mo\n"
		"workloads:\n"
		"  - name: w\n"
		"    kind: training\n"
		"note: \"null\"\n"
		"tags: []\n"
		"odd: \"a: b #c\"\n");
	/* it reads back as the edited tree */
	assert_int_equal(doctree_parse("back", yaml, strlen(yaml), &back, &errors), 0);
	want = scenario_doc_tree(&doc, NULL, 0);
	assert_true(node_equal(want, back));
	node_free(want);
	node_free(back);
	strbuf_release(&errors);
	free(yaml);
	scenario_doc_release(&doc);
}

static void test_bad_paths(void **state)
{
	struct scenario_doc doc;
	struct scenario_edit e;

	(void)state;
	assert_int_equal(scenario_edit_init(&e, EDIT_SET, "a..b", "1", 1), -1);
	error_clear();
	open_doc(&doc, base_yaml);
	assert_int_equal(scenario_edit_init(&e, EDIT_UNSET, "deployments.nothing", NULL, 1), 0);
	assert_null(scenario_doc_tree(&doc, &e, 1));   /* nothing there to remove */
	assert_non_null(strstr(error_get(), "not in the scenario"));
	error_clear();
	scenario_edit_release(&e);
	scenario_doc_release(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_undo_redo_reset),
		cmocka_unit_test(test_saved_state),
		cmocka_unit_test(test_patch_in_place),
		cmocka_unit_test(test_unset_list_item),
		cmocka_unit_test(test_written_afresh),
		cmocka_unit_test(test_bad_paths),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	error_free();
	return rc;
}
