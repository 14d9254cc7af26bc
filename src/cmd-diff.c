/*
 * aicost diff BASE HEAD: what changed between two scenarios (files, '-' or
 * git:REV:path) — the inputs as key paths, old → new, each with what it alone
 * does to the plan's total — and the cost delta per deployment and component.
 * Exit 1 when HEAD breaks a budget of its plan or the plan's total grows more
 * than --max-increase; identical inputs are "no change". Issue 18.
 */
#include "budget.h"
#include "cli.h"
#include "costcli.h"
#include "docdiff.h"
#include "doctree.h"
#include "gate.h"
#include "output.h"
#include "units.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

/* Each changed input is priced alone on BASE to say what it moves; past this many
 * the rest are listed without. */
#define MAX_ATTRIBUTED 40

static int cmd_diff(int argc, char **argv);

enum { OPT_MAX_INCREASE = CLI_LONG_ONLY + 91 };

static const struct cli_option diff_options[] = {
	{ OPT_MAX_INCREASE, "max-increase", "PERCENT", "fail when the plan's total grows more\n(10%)" },
	GATE_OPTIONS,
	COSTCLI_MONTE_CARLO_OPTIONS,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command diff_command = {
	.name = "diff", .run = cmd_diff,
	.summary = "what changed between two scenarios (files or git:REV:path) and the cost",
	.usage = "usage: aicost diff [--max-increase PERCENT] [--budget-total AMOUNT]\n"
		 "                   [--budget-monthly AMOUNT] [--at mean|p50|p90]\n"
		 "                   [--max-price-age DURATION] [--format FORMAT] BASE HEAD\n",
	.description =
		"Compares two scenarios: each is a file, '-' (standard input) or\n"
		"git:REVISION:PATH, read with 'git show' (aicost diff git:origin/main:plan.yaml\n"
		"plan.yaml). Prints the inputs that changed as key paths (old → new) with what\n"
		"each alone does to the plan's total, the cost of every deployment and of each\n"
		"of its components in BASE and HEAD (money and percent), and HEAD's budget\n"
		"checked for its plan as 'aicost check' does. Prices come from the store as\n"
		"they are (never fetched) and the snapshots used are named.\n",
	.options = diff_options,
	.notes = "Exit status: 0 no change, or HEAD within its budget and --max-increase;\n"
		"1 HEAD breaks a budget or the plan's total grows more than --max-increase;\n"
		"2 a scenario cannot be read, loaded or priced, or a limit cannot be checked.\n",
	.flags = CMD_NEEDS_STORE,
	.help_column = 30,
};

struct diff_input {
	struct doc_change *change;
	double plan_delta;           /* the plan's total with this change alone, minus BASE's;
					NAN when not priced */
};

struct diff {
	struct gate_options o;
	double max_increase;         /* fraction; NAN = none */
	struct gate_scenario base, head;
	struct doc_change *changes;
	size_t nchanges;
	struct diff_input *inputs;
	int base_plan, head_plan;
	double growth;               /* of the plan's total, fraction; NAN when BASE's is 0 */
	bool over_increase;
	struct budget_check checks[BUDGET_NKINDS + 1];
	size_t nchecks;
	int mover;                   /* index into inputs: what moved the plan most; -1 */
	int status;
};

static double plan_total(const struct gate_scenario *g, int plan)
{
	return g->result.deployments[plan].total;
}

/* BASE with CHANGE alone applied: its plan's total minus BASE's; NAN if it cannot be priced. */
static double attribute(const struct diff *d, const struct doc_change *change, struct db *db,
			const struct tco_options *opts)
{
	struct gate_scenario variant;
	struct strbuf assignment = STRBUF_INIT;
	const char *override;
	double delta = NAN;
	int plan;

	memset(&variant, 0, sizeof(variant));
	variant.spec = d->base.spec;
	variant.text = xstrndup(d->base.text, d->base.len);
	variant.len = d->base.len;
	strbuf_addf(&assignment, "%s=%s", change->path, change->new_value ? change->new_value : "");
	override = assignment.buf;
	if (gate_compute(&variant, &override, 1, db, opts) == 0 &&
	    (plan = budget_plan(&variant.result)) >= 0)
		delta = plan_total(&variant, plan) - plan_total(&d->base, d->base_plan);
	error_clear();
	gate_release(&variant);
	strbuf_release(&assignment);
	return delta;
}

static int diff_run(struct diff *d, struct db *db, const struct tco_options *opts)
{
	struct node *base_root = NULL, *head_root = NULL;
	struct strbuf errors = STRBUF_INIT;
	double base_total, head_total;
	int result = -1;

	if (gate_compute(&d->base, NULL, 0, db, opts) < 0 ||
	    gate_compute(&d->head, NULL, 0, db, opts) < 0)
		goto cleanup;
	/* Both parsed fine just now: these cannot fail but are checked anyway. */
	if (doctree_parse(d->base.spec, d->base.text, d->base.len, &base_root, &errors) < 0 ||
	    doctree_parse(d->head.spec, d->head.text, d->head.len, &head_root, &errors) < 0) {
		gate_fail(&d->head, "%s", errors.buf);
		goto cleanup;
	}
	docdiff(base_root, head_root, &d->changes, &d->nchanges);
	d->base_plan = budget_plan(&d->base.result);
	d->head_plan = budget_plan(&d->head.result);
	if (d->base_plan < 0 || d->head_plan < 0) {
		gate_fail(d->base_plan < 0 ? &d->base : &d->head, "%s: no deployment can be the "
			  "plan: every one is excluded", d->base_plan < 0 ? d->base.spec : d->head.spec);
		goto cleanup;
	}
	if (gate_prices(&d->head, db, (size_t)d->head_plan, d->o.max_age_days) < 0 ||
	    gate_prices(&d->base, db, (size_t)d->base_plan, d->o.max_age_days) < 0)
		goto cleanup;
	d->nchecks = (size_t)budget_evaluate(&d->head.result, (size_t)d->head_plan, &d->o.flags,
					     d->o.at, d->checks);
	base_total = plan_total(&d->base, d->base_plan);
	head_total = plan_total(&d->head, d->head_plan);
	d->growth = base_total != 0 ? (head_total - base_total) / fabs(base_total) : NAN;
	d->over_increase = !isnan(d->max_increase) && head_total > base_total &&
		!(d->growth <= d->max_increase);
	d->inputs = xcalloc(d->nchanges + 1, sizeof(*d->inputs));
	d->mover = -1;
	for (size_t i = 0; i < d->nchanges; i++) {
		struct diff_input *in = &d->inputs[i];

		in->change = &d->changes[i];
		in->plan_delta = i < MAX_ATTRIBUTED ? attribute(d, in->change, db, opts) : NAN;
		/* the annotation points at HEAD's line, so a removed key cannot be it */
		if (in->change->new_value && in->plan_delta > 0 &&
		    (d->mover < 0 || in->plan_delta > d->inputs[d->mover].plan_delta))
			d->mover = (int)i;
	}
	result = 0;
cleanup:
	node_free(base_root);
	node_free(head_root);
	strbuf_release(&errors);
	return result;
}

/* "+1,234 (+5.6%)" */
static void add_delta(struct strbuf *sb, double base, double head)
{
	if (isnan(base) || isnan(head)) {
		strbuf_adds(sb, isnan(base) ? "new" : "removed");
		return;
	}
	strbuf_adds(sb, head - base >= 0 ? "+" : "");
	format_grouped(sb, head - base, 0);
	if (base != 0)
		strbuf_addf(sb, " (%+.1f%%)", 100 * (head - base) / fabs(base));
}

/* "14,600 → 16,060: +1,460 (+10.0%)" */
static void add_move(struct strbuf *sb, double base, double head)
{
	gate_money(sb, base, 0);
	strbuf_adds(sb, " → ");
	gate_money(sb, head, 0);
	strbuf_adds(sb, ": ");
	add_delta(sb, base, head);
}

static double total_of(const struct gate_scenario *g, const char *name, int component)
{
	for (size_t i = 0; i < g->result.ndeployments; i++)
		if (strcmp(g->result.deployments[i].deployment->name, name) == 0)
			return component < 0 ? g->result.deployments[i].total :
				g->result.deployments[i].breakdown[component];
	return NAN;
}

/* Every deployment name of HEAD, then those only in BASE. */
static size_t deployment_names(const struct diff *d, const char ***out)
{
	const struct tco_result *h = &d->head.result, *b = &d->base.result;
	const char **names = xcalloc(h->ndeployments + b->ndeployments + 1, sizeof(*names));
	size_t n = 0;

	for (size_t i = 0; i < h->ndeployments; i++)
		names[n++] = h->deployments[i].deployment->name;
	for (size_t i = 0; i < b->ndeployments; i++)
		if (isnan(total_of(&d->head, b->deployments[i].deployment->name, -1)))
			names[n++] = b->deployments[i].deployment->name;
	*out = names;
	return n;
}

static const char *verdict(const struct diff *d)
{
	return d->status == EXIT_OK ? (d->nchanges ? "pass" : "no change") :
		d->status == EXIT_CHECK_FAILED ? "fail" : "error";
}

/* "the plan's total grows 11.0% (4,054,007 → 4,500,000), over --max-increase 10%" */
static void describe_growth(struct strbuf *sb, const struct diff *d)
{
	strbuf_addf(sb, "the plan's total (%s → %s) ",
		    d->base.result.deployments[d->base_plan].deployment->name,
		    d->head.result.deployments[d->head_plan].deployment->name);
	add_move(sb, plan_total(&d->base, d->base_plan), plan_total(&d->head, d->head_plan));
	if (!isnan(d->max_increase))
		strbuf_addf(sb, ", %s --max-increase %.4g%%", d->over_increase ? "over" : "within",
			    100 * d->max_increase);
}

/* "workloads.serve.tokens_per_day: 6B → 8B" */
static void describe_input(struct strbuf *sb, const struct diff_input *in)
{
	strbuf_addf(sb, "%s: %s → %s", in->change->path,
		    in->change->old_value ? in->change->old_value : "(absent)",
		    in->change->new_value ? in->change->new_value : "(removed)");
}

/* Why HEAD fails, for an annotation: what moved it most. */
static void describe_mover(struct strbuf *sb, const struct diff *d)
{
	if (d->mover < 0)
		return;
	strbuf_adds(sb, "moved most by ");
	describe_input(sb, &d->inputs[d->mover]);
	strbuf_adds(sb, " (plan total +");
	format_grouped(sb, d->inputs[d->mover].plan_delta, 0);
	strbuf_adds(sb, " alone)");
}

static void print_text(FILE *fp, const struct diff *d)
{
	struct strbuf sb = STRBUF_INIT;
	const char **names;
	size_t n;

	fprintf(fp, "aicost diff %s → %s\n", d->base.spec, d->head.spec);
	if (d->nchanges == 0) {
		fputs("no change\n", fp);
		return;
	}
	fprintf(fp, "Inputs changed: %zu\n", d->nchanges);
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct diff_input *in = &d->inputs[i];

		strbuf_reset(&sb);
		describe_input(&sb, in);
		fprintf(fp, "  %s", sb.buf);
		if (in->change->new_value && in->change->line > 0)
			fprintf(fp, "  [%s:%d:%d]", d->head.file, in->change->line, in->change->col);
		if (!isnan(in->plan_delta)) {
			strbuf_reset(&sb);
			format_grouped(&sb, in->plan_delta, 0);
			fprintf(fp, "  plan total alone: %s%s", in->plan_delta >= 0 ? "+" : "", sb.buf);
		}
		fputc('\n', fp);
	}
	strbuf_reset(&sb);
	describe_growth(&sb, d);
	fprintf(fp, "Plan: %s\n", sb.buf);
	fprintf(fp, "Cost per deployment (%s), base → head:\n", d->head.scenario.currency);
	n = deployment_names(d, &names);
	for (size_t i = 0; i < n; i++) {
		double base = total_of(&d->base, names[i], -1), head = total_of(&d->head, names[i], -1);

		strbuf_reset(&sb);
		add_move(&sb, base, head);
		fprintf(fp, "  %s: %s\n", names[i], sb.buf);
		for (int c = 0; c < COST_NCOMPONENTS && !isnan(base) && !isnan(head); c++) {
			double cb = total_of(&d->base, names[i], c), ch = total_of(&d->head, names[i], c);

			if (fabs(ch - cb) < 0.5)
				continue;
			strbuf_reset(&sb);
			add_move(&sb, cb, ch);
			fprintf(fp, "    %s: %s\n", cost_component_names[c], sb.buf);
		}
	}
	free(names);
	fprintf(fp, "Budget of the plan in %s, at the %s:\n", d->head.spec, budget_at_name(d->o.at));
	if (d->nchecks == 0)
		fputs("  no budget set\n", fp);
	for (size_t k = 0; k < d->nchecks; k++) {
		strbuf_reset(&sb);
		budget_check_describe(&sb, &d->head.result, &d->checks[k]);
		fprintf(fp, "%-5s %s: %s\n", d->checks[k].status == BUDGET_PASS ? "PASS" :
			d->checks[k].status == BUDGET_FAIL ? "FAIL" : "ERROR",
			gate_check_deployment(&d->head, &d->checks[k]), sb.buf);
	}
	strbuf_reset(&sb);
	gate_describe_prices(&sb, &d->head);
	fprintf(fp, "Prices: %s\n", sb.buf);
	strbuf_reset(&sb);
	if (d->status == EXIT_CHECK_FAILED)
		describe_mover(&sb, d);
	fprintf(fp, "Verdict: %s%s%s\n", verdict(d), sb.len ? "; " : "", sb.buf);
	strbuf_release(&sb);
}

static json_t *number_or_null(double value)
{
	return isfinite(value) ? json_real(value) : json_null();
}

static json_t *delta_json(double base, double head)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "base", number_or_null(base),
			 "head", number_or_null(head), "delta", number_or_null(head - base),
			 "percent", base != 0 ? number_or_null(100 * (head - base) / fabs(base)) :
			 json_null());
}

static int print_json(FILE *fp, const struct diff *d)
{
	json_t *root = json_object(), *inputs = json_array(), *deployments = json_array();
	json_t *checks = json_array(), *plan;
	const char **names;
	size_t n;

	json_object_set_new(root, "status", json_string(verdict(d)));
	json_object_set_new(root, "base", json_string(d->base.spec));
	json_object_set_new(root, "head", json_string(d->head.spec));
	json_object_set_new(root, "changed", json_boolean(d->nchanges > 0));
	json_object_set_new(root, "currency", json_string(d->head.scenario.currency));
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct doc_change *c = d->inputs[i].change;

		json_array_append_new(inputs, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}",
			"path", c->path,
			"old", c->old_value ? json_string(c->old_value) : json_null(),
			"new", c->new_value ? json_string(c->new_value) : json_null(),
			"line", c->new_value && c->line > 0 ? json_integer(c->line) : json_null(),
			"col", c->new_value && c->line > 0 ? json_integer(c->col) : json_null(),
			"plan_delta", number_or_null(d->inputs[i].plan_delta)));
	}
	json_object_set_new(root, "inputs", inputs);
	plan = delta_json(plan_total(&d->base, d->base_plan), plan_total(&d->head, d->head_plan));
	json_object_set_new(plan, "base_name",
			    json_string(d->base.result.deployments[d->base_plan].deployment->name));
	json_object_set_new(plan, "head_name",
			    json_string(d->head.result.deployments[d->head_plan].deployment->name));
	json_object_set_new(plan, "max_increase_percent", isnan(d->max_increase) ? json_null() :
			    json_real(100 * d->max_increase));
	json_object_set_new(plan, "over_max_increase", json_boolean(d->over_increase));
	json_object_set_new(root, "plan", plan);
	n = deployment_names(d, &names);
	for (size_t i = 0; i < n; i++) {
		json_t *o = delta_json(total_of(&d->base, names[i], -1), total_of(&d->head, names[i], -1));
		json_t *components = json_object();

		for (int c = 0; c < COST_NCOMPONENTS; c++)
			json_object_set_new(components, cost_component_names[c],
					    delta_json(total_of(&d->base, names[i], c),
						       total_of(&d->head, names[i], c)));
		json_object_set_new(o, "name", json_string(names[i]));
		json_object_set_new(o, "components", components);
		json_array_append_new(deployments, o);
	}
	free(names);
	json_object_set_new(root, "deployments", deployments);
	for (size_t k = 0; k < d->nchecks; k++)
		json_array_append_new(checks, gate_check_json(&d->head, &d->checks[k]));
	json_object_set_new(root, "checks", checks);
	json_object_set_new(root, "prices", gate_prices_json(&d->head));
	return output_json(fp, root);
}

static void print_junit(FILE *fp, const struct diff *d)
{
	const char *suite = d->head.scenario.name;
	bool growth = !isnan(d->max_increase);
	size_t tests = d->nchecks + growth, failures = d->over_increase, errors = 0;
	struct strbuf sb = STRBUF_INIT;

	for (size_t k = 0; k < d->nchecks; k++) {
		failures += d->checks[k].status == BUDGET_FAIL;
		errors += d->checks[k].status == BUDGET_ERROR;
	}
	if (d->nchanges == 0)
		tests = 1, failures = errors = 0;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"aicost diff\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n"
		"  <testsuite", tests, failures, errors);
	gate_xml_attr(fp, "name", suite);
	fprintf(fp, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\"", tests, failures,
		errors);
	gate_xml_attr(fp, "file", d->head.file);
	fputs(">\n    <properties>\n      <property name=\"base\"", fp);
	gate_xml_attr(fp, "value", d->base.spec);
	fputs("/>\n      <property name=\"prices\"", fp);
	gate_describe_prices(&sb, &d->head);
	gate_xml_attr(fp, "value", sb.buf);
	fputs("/>\n    </properties>\n", fp);
	if (d->nchanges == 0) {
		fputs("    <testcase", fp);
		gate_xml_attr(fp, "classname", suite);
		fputs(" name=\"no change\"/>\n", fp);
	} else {
		if (growth) {
			fputs("    <testcase", fp);
			gate_xml_attr(fp, "classname", suite);
			fputs(" name=\"--max-increase\"", fp);
			strbuf_reset(&sb);
			describe_growth(&sb, d);
			if (d->over_increase) {
				double base = plan_total(&d->base, d->base_plan);

				fputs(">\n      <failure type=\"cost increase\"", fp);
				gate_xml_attr(fp, "message", sb.buf);
				fputc('>', fp);
				strbuf_reset(&sb);
				strbuf_adds(&sb, "actual: ");
				format_grouped(&sb, plan_total(&d->head, d->head_plan), 0);
				strbuf_adds(&sb, "\nlimit: ");
				format_grouped(&sb, base + fabs(base) * d->max_increase, 0);
				strbuf_adds(&sb, " (base ");
				format_grouped(&sb, base, 0);
				strbuf_addf(&sb, " + %.4g%%)\n", 100 * d->max_increase);
				describe_mover(&sb, d);
				gate_xml_escape(fp, sb.buf);
				fputs("</failure>\n    </testcase>\n", fp);
			} else {
				fputs("/>\n", fp);
			}
		}
		for (size_t k = 0; k < d->nchecks; k++)
			gate_junit_testcase(fp, &d->head, suite, &d->checks[k]);
	}
	fputs("  </testsuite>\n</testsuites>\n", fp);
	strbuf_release(&sb);
}

static void print_github(FILE *fp, const struct diff *d)
{
	struct strbuf why = STRBUF_INIT, msg = STRBUF_INIT;
	const struct doc_change *mover = d->mover >= 0 ? d->inputs[d->mover].change : NULL;

	if (d->nchanges == 0) {
		fputs("no change\n", fp);
		return;
	}
	describe_mover(&why, d);
	describe_growth(&msg, d);
	if (d->over_increase && why.len)
		strbuf_addf(&msg, "; %s", why.buf);
	if (d->over_increase)
		gate_github_annotation(fp, d->head.file, mover ? mover->line : 0, mover ? mover->col : 0,
				       "aicost diff: cost increase", msg.buf);
	else
		fprintf(fp, "%s\n", msg.buf);
	for (size_t k = 0; k < d->nchecks; k++) {
		struct budget_check c = d->checks[k];

		/* point at the input that moved it, where there is one */
		if (mover && c.status == BUDGET_FAIL) {
			c.line = mover->line;
			c.col = mover->col;
		}
		gate_github_check(fp, &d->head, &c, "diff", c.status == BUDGET_FAIL && why.len ?
				  why.buf : NULL);
	}
	strbuf_release(&why);
	strbuf_release(&msg);
}

static void markdown_report(struct strbuf *md, const struct diff *d)
{
	const char **names;
	size_t n;

	strbuf_addf(md, "### aicost diff: %s\n\n", d->status == EXIT_CHECK_FAILED ?
		    "**over budget**" : verdict(d));
	strbuf_addf(md, "`%s` → `%s`\n\n", d->base.spec, d->head.spec);
	if (d->nchanges == 0)
		return;
	strbuf_adds(md, "| Input | Base | Head | Plan total, this change alone |\n"
		    "|---|---|---|---:|\n");
	for (size_t i = 0; i < d->nchanges; i++) {
		const struct diff_input *in = &d->inputs[i];

		strbuf_addf(md, "| `%s` | ", in->change->path);
		gate_markdown_line(md, in->change->old_value ? in->change->old_value : "(absent)");
		strbuf_adds(md, " | ");
		gate_markdown_line(md, in->change->new_value ? in->change->new_value : "(removed)");
		strbuf_adds(md, " | ");
		if (!isnan(in->plan_delta)) {
			strbuf_adds(md, in->plan_delta >= 0 ? "+" : "");
			format_grouped(md, in->plan_delta, 0);
		}
		strbuf_adds(md, " |\n");
	}
	strbuf_adds(md, "\n**Plan:** ");
	describe_growth(md, d);
	strbuf_addf(md, "\n\n| Deployment | Component | Base (%s) | Head | Change |\n"
		    "|---|---|---:|---:|---:|\n", d->head.scenario.currency);
	n = deployment_names(d, &names);
	for (size_t i = 0; i < n; i++) {
		for (int c = -1; c < COST_NCOMPONENTS; c++) {
			double base = total_of(&d->base, names[i], c), head = total_of(&d->head, names[i], c);

			if (c >= 0 && (isnan(base) || isnan(head) || fabs(head - base) < 0.5))
				continue;
			strbuf_addf(md, "| %s | %s | ", names[i], c < 0 ? "**total**" :
				    cost_component_names[c]);
			gate_money(md, base, 0);
			strbuf_adds(md, " | ");
			gate_money(md, head, 0);
			strbuf_adds(md, " | ");
			add_delta(md, base, head);
			strbuf_adds(md, " |\n");
		}
	}
	free(names);
	if (d->nchecks > 0) {
		strbuf_addch(md, '\n');
		gate_markdown_check_header(md, d->o.at);
		for (size_t k = 0; k < d->nchecks; k++)
			gate_markdown_check_row(md, &d->head, d->head.scenario.name, &d->checks[k]);
	}
	strbuf_adds(md, "\nPrices: ");
	gate_describe_prices(md, &d->head);
	strbuf_addch(md, '\n');
}

/* Errors in any format: a line, an element, an annotation; never a pass or a fail. */
static void print_error(FILE *fp, const struct diff *d, const struct gate_scenario *g)
{
	struct strbuf md = STRBUF_INIT;

	switch (d->o.format) {
	case GATE_TEXT:
		fprintf(fp, "ERROR %s: cannot be compared:\n%s\n", g->spec, g->error);
		break;
	case GATE_JSON:
		output_json(fp, json_pack("{s:s, s:s, s:s, s:s}", "status", "error", "base",
					  d->base.spec, "head", d->head.spec, "error", g->error));
		break;
	case GATE_JUNIT:
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"aicost diff\" "
		      "tests=\"1\" failures=\"0\" errors=\"1\">\n  <testsuite", fp);
		gate_xml_attr(fp, "name", g->spec);
		fputs(" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n", fp);
		gate_junit_error(fp, g->spec, "load and price", g->error);
		fputs("  </testsuite>\n</testsuites>\n", fp);
		break;
	case GATE_GITHUB:
	case GATE_MARKDOWN:
		strbuf_addf(&md, "### aicost diff: **error**\n\n`%s`: cannot be compared: ", g->spec);
		gate_markdown_line(&md, g->error);
		strbuf_addch(&md, '\n');
		if (d->o.format == GATE_MARKDOWN) {
			fputs(md.buf, fp);
			break;
		}
		gate_github_annotation(fp, g->file ? g->file : g->spec, g->error_line, g->error_col,
				       "aicost diff: cannot compare", g->error);
		gate_step_summary("diff", md.buf);
		break;
	}
	strbuf_release(&md);
}

static int cmd_diff(int argc, char **argv)
{
	struct diff d = { .max_increase = NAN, .status = EXIT_ERROR };
	struct strbuf md = STRBUF_INIT;
	struct cli_parser p;
	struct costcli cli;
	const char *head;
	int c;

	costcli_init(&cli, "diff");
	gate_options_init(&d.o);
	cli_parser_init(&p, &diff_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		int taken;

		if (c == 'h') {
			command_help(&diff_command, stdout);
			d.status = EXIT_OK;
			goto cleanup;
		}
		if (c == OPT_MAX_INCREASE) {
			if (units_parse_fraction(optarg, &d.max_increase) < 0) {
				usage_error("diff", "--max-increase: %s", error_get());
				error_clear();
				goto cleanup;
			}
			continue;
		}
		taken = gate_option("diff", &d.o, c, optarg);
		if (taken == 1)
			taken = costcli_option(&cli, c, optarg);
		if (taken < 0)
			goto cleanup;
		if (taken > 0) {
			d.status = cli_option_error(&p, c, argv);
			goto cleanup;
		}
	}
	/* in the REPL, HEAD left out is the session's scenario as edited */
	head = argc - optind == 1 && command_session() ? NULL : argv[optind + 1];
	if (argc - optind != 2 && !(argc - optind == 1 && command_session())) {
		d.status = usage_error("diff", "expected two scenarios: BASE HEAD");
		goto cleanup;
	}
	if (head && strcmp(argv[optind], "-") == 0 && strcmp(head, "-") == 0) {
		d.status = usage_error("diff", "only one of BASE and HEAD can be standard input");
		goto cleanup;
	}
	if (!(cli.db = command_store(false))) {
		error_print("diff");
		goto cleanup;
	}
	/* both read, so that an error can name both sides */
	if ((gate_read(&d.base, argv[optind]) | costcli_gate_read(&d.head, head)) < 0 ||
	    diff_run(&d, cli.db, &cli.opts) < 0) {
		const struct gate_scenario *bad = d.base.error ? &d.base : &d.head;

		warnx_cmd("diff", "%s", bad->error);
		print_error(stdout, &d, bad);
		d.status = EXIT_ERROR;
		goto cleanup;
	}
	d.status = EXIT_OK;
	if (d.nchanges > 0) {
		enum budget_status worst = budget_worst(d.checks, d.nchecks);

		if (worst == BUDGET_ERROR)
			d.status = EXIT_ERROR;
		else if (worst == BUDGET_FAIL || d.over_increase)
			d.status = EXIT_CHECK_FAILED;
	}
	switch (d.o.format) {
	case GATE_TEXT:
		print_text(stdout, &d);
		break;
	case GATE_JSON:
		if (print_json(stdout, &d) < 0) {
			error_print("diff");
			d.status = EXIT_ERROR;
		}
		break;
	case GATE_JUNIT:
		print_junit(stdout, &d);
		break;
	case GATE_GITHUB:
		print_github(stdout, &d);
		markdown_report(&md, &d);
		if (gate_step_summary("diff", md.buf) < 0)
			d.status = EXIT_ERROR;
		break;
	case GATE_MARKDOWN:
		markdown_report(&md, &d);
		fputs(md.buf, stdout);
		break;
	}
cleanup:
	doc_changes_release(d.changes, d.nchanges);
	free(d.inputs);
	gate_release(&d.base);
	gate_release(&d.head);
	strbuf_release(&md);
	costcli_release(&cli);
	return d.status;
}
