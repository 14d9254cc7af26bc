/* Options, loading and notes shared by estimate, compare and optimize. */
#include "costcli.h"
#include "budget.h"
#include "cli.h"
#include "gate.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>


void costcli_init(struct costcli *c, const char *cmd)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->opts.seed = 1;
	c->opts.trials = COSTCLI_DEFAULT_TRIALS;
	c->format = FORMAT_TABLE;
	c->max_price_age_days = -1;
}

/* A seed is any 64-bit number: decimal or 0x hex. */
static int parse_seed(const char *text, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-') {
		error_set("\"%s\": expected a seed from 0 to 18446744073709551615", text);
		return -1;
	}
	return 0;
}

int costcli_option(struct costcli *c, int opt, const char *arg)
{
	const char *name = "--format";
	long trials;

	switch (opt) {
	case COSTOPT_SET:
		add_override(&c->overrides, &c->noverrides, &c->overrides_alloc, arg);
		return 0;
	case COSTOPT_FORMAT:
		if (output_format_parse(arg, &c->format) < 0)
			break;
		return 0;
	case COSTOPT_TRIALS:
		name = "--trials";
		if (units_parse_int(arg, &trials) < 0)
			break;
		if (trials < 1 || trials > COSTCLI_MAX_TRIALS) {
			/* Each trial keeps 8 bytes per deployment and the percentiles
			 * settle long before: 2B trials would only exhaust memory. */
			error_set("\"%s\": expected from 1 to 10M trials", arg);
			break;
		}
		c->opts.trials = trials;
		return 0;
	case COSTOPT_SEED:
		name = "--seed";
		if (parse_seed(arg, &c->opts.seed) < 0)
			break;
		return 0;
	case COSTOPT_MAX_PRICE_AGE:
		name = "--max-price-age";
		if (units_parse_age_days(arg, &c->max_price_age_days) < 0)
			break;
		return 0;
	default:
		return 1;
	}
	usage_error(c->cmd, "%s: %s", name, error_get());
	error_clear();
	return -1;
}

int costcli_load(struct costcli *c, const char *path)
{
	const struct session_scenario *session = command_session();
	struct strbuf errors = STRBUF_INIT;
	int result = -1;

	if (!path) {
		if (session->load(session->ctx, c->overrides, c->noverrides, &c->scenario,
				  &errors) < 0) {
			print_scenario_errors(c->cmd, &errors);
			error_clear();
			goto cleanup;
		}
		c->loaded = true;
		if (!(c->db = command_store(false))) {
			error_print(c->cmd);
			goto cleanup;
		}
		result = 0;
		goto cleanup;
	}
	if (scenario_load(path, c->overrides, c->noverrides, &c->scenario, &errors) < 0) {
		print_scenario_errors(c->cmd, &errors);
		error_clear();
		goto cleanup;
	}
	c->loaded = true;
	if (!(c->db = command_store(false))) {
		error_print(c->cmd);
		goto cleanup;
	}
	result = 0;
cleanup:
	strbuf_release(&errors);
	return result;
}

int costcli_gate_read(struct gate_scenario *g, const char *spec)
{
	const struct session_scenario *session = command_session();
	struct strbuf yaml = STRBUF_INIT;

	if (spec)
		return gate_read(g, spec);
	if (!session) {
		gate_take_text(g, "-", NULL, 0);
		return gate_fail(g, "no scenario given");
	}
	if (session->yaml(session->ctx, &yaml) < 0) {
		gate_take_text(g, session->name, NULL, 0);
		gate_fail(g, "%s", error_get());
		error_clear();
		strbuf_release(&yaml);
		return -1;
	}
	gate_take_text(g, session->name, yaml.buf, yaml.len);
	strbuf_detach(&yaml, NULL);
	return 0;
}

int costcli_load_operands(struct costcli *c, int nargs, char **args)
{
	if (nargs == 0 && command_session())
		return costcli_load(c, NULL);
	if (nargs != 1) {
		usage_error(c->cmd, "expected exactly one scenario file");
		return -1;
	}
	return costcli_load(c, args[0]);
}

/* Each line of TEXT on stderr as "aicost CMD: PREFIXline". */
static void costcli_print_lines(const struct costcli *c, const char *text, const char *prefix)
{
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		warnx_cmd(c->cmd, "%s%.*s", prefix, (int)len, line);
		line += len + (end != NULL);
	}
}

void costcli_print_notes(const struct costcli *c, const char *notes)
{
	if (notes && global_options.verbosity >= 0)
		costcli_print_lines(c, notes, "note: ");
}

/* Is item J of USED the same offer as item I (whichever deployment it priced)? */
static bool same_offer(const struct tco_prices_used *used, size_t i, size_t j)
{
	const struct tco_price_used *a = &used->items[i], *b = &used->items[j];

	return strcmp(a->provider, b->provider) == 0 && strcmp(a->region, b->region) == 0 &&
	       strcmp(a->instance_type, b->instance_type) == 0 &&
	       strcmp(a->purchase, b->purchase) == 0;
}

int costcli_price_ages(const struct costcli *c, const struct tco_prices_used *used, time_t now)
{
	struct strbuf line = STRBUF_INIT;
	int result = 0;

	for (size_t i = 0; i < used->n; i++) {
		const struct tco_price_used *u = &used->items[i];
		double age = observed_age_days(u->observed, now);
		bool first = true, too_old;
		size_t deployments = 0;

		for (size_t k = 0; k < i && first; k++)
			first = !same_offer(used, k, i);
		for (size_t k = i; k < used->n; k++)
			deployments += same_offer(used, i, k);
		/* An unknown date is as old as can be: nothing vouches for it. */
		too_old = c->max_price_age_days >= 0 && !(age <= c->max_price_age_days);
		if (!first || (!too_old && !(age > COSTCLI_PRICE_AGE_NOTE_DAYS) && !isnan(age)))
			continue;
		strbuf_reset(&line);
		strbuf_addf(&line, "the %s %s price of %s in %s (deployment%s ", u->provider,
			    u->purchase, u->instance_type, u->region, deployments > 1 ? "s" : "");
		for (size_t k = i; k < used->n; k++)
			if (same_offer(used, i, k))
				strbuf_addf(&line, "%s%s", k == i ? "" : ", ", used->items[k].deployment);
		if (isnan(age))
			strbuf_addf(&line, ") has no observed date");
		else
			strbuf_addf(&line, ") was observed %s, %.0f days ago", u->observed, age);
		if (too_old) {
			warnx_cmd(c->cmd, "%s, over --max-price-age %g days; refresh it with 'aicost "
				  "pricing update' or 'aicost pricing import'", line.buf,
				  c->max_price_age_days);
			result = -1;
		} else if (global_options.verbosity >= 0) {
			warnx_cmd(c->cmd, "note: %s (over %d days)", line.buf,
				  COSTCLI_PRICE_AGE_NOTE_DAYS);
		}
	}
	strbuf_release(&line);
	return result;
}

int costcli_budget_check(const struct costcli *c, const struct tco_result *r, int only,
			 bool plan_decides)
{
	struct strbuf all = STRBUF_INIT;
	int gate = !plan_decides ? -1 : only >= 0 ? only : budget_plan(r);
	size_t checked = 0, over = 0;
	enum budget_status verdict = BUDGET_PASS;

	for (size_t i = 0; i < r->ndeployments; i++) {
		struct budget_check checks[BUDGET_NKINDS + 1];
		enum budget_status worst;
		int n;

		/* Without --deployment the excluded ones are not candidates: their
		 * reason (in the output) says enough. */
		if (only >= 0 ? (int)i != only : r->deployments[i].excluded)
			continue;
		n = budget_evaluate(r, i, NULL, BUDGET_AT_MEAN, checks);
		if (n == 0)
			continue;
		checked++;
		worst = budget_worst(checks, (size_t)n);
		over += worst != BUDGET_PASS;
		if ((int)i == gate || (gate < 0 && worst == BUDGET_ERROR))
			verdict = worst > verdict ? worst : verdict;
		for (int k = 0; k < n; k++) {
			if (checks[k].status == BUDGET_PASS)
				continue;
			strbuf_addf(&all, "%s%s: ", r->deployments[i].deployment->name,
				    (int)i == gate && only < 0 ? " (the plan)" : "");
			budget_check_describe(&all, r, &checks[k]);
			strbuf_addch(&all, '\n');
		}
	}
	if (gate < 0 && verdict == BUDGET_PASS && checked > 0 && over == checked)
		verdict = BUDGET_FAIL;
	/* Breaches are printed whatever -q says: they are why the status is what it is. */
	costcli_print_lines(c, all.buf, "");
	strbuf_release(&all);
	switch (verdict) {
	case BUDGET_PASS:
		return EXIT_OK;
	case BUDGET_ERROR:
		warnx_cmd(c->cmd, "a budget cannot be checked");
		return EXIT_ERROR;
	case BUDGET_FAIL:
		break;
	}
	if (gate < 0)
		warnx_cmd(c->cmd, "no deployment is within the budget");
	else
		warnx_cmd(c->cmd, "%s is over budget", r->deployments[gate].deployment->name);
	return EXIT_CHECK_FAILED;
}

int store_check_providers(struct db *db, const char *cmd, const char *option,
			  const char *list)
{
	char **known = NULL, **names;
	size_t nknown = 0, n = str_split(list, ',', 0, &names);
	struct strbuf all = STRBUF_INIT, prefix = STRBUF_INIT;
	int result = -1;

	if (db_providers(db, &known, &nknown) < 0) {
		error_print(cmd);
		str_list_free(names, n);
		return -1;
	}
	for (size_t i = 0; i < nknown; i++)
		strbuf_addf(&all, "%s%s", i ? ", " : "", known[i]);
	if (option)
		strbuf_addf(&prefix, "%s: ", option);
	for (size_t k = 0; k == 0 || k < n; k++) {
		const char *name = k < n ? names[k] : "", *guess;
		bool found = false;

		for (size_t i = 0; i < nknown && !found; i++)
			found = strcmp(known[i], name) == 0;
		if (found)
			continue;
		if (!*name) {
			usage_error(cmd, "%s\"%s\": expected providers separated by commas "
				    "(known: %s)", prefix.buf, list, all.buf);
			goto cleanup;
		}
		guess = suggest_word(name, (const char *const *)known, nknown);
		if (guess)
			usage_error(cmd, "%sno prices for provider '%s'; did you mean '%s'?",
				    prefix.buf, name, guess);
		else
			usage_error(cmd, "%sno prices for provider '%s' (known: %s)", prefix.buf,
				    name, all.buf);
		goto cleanup;
	}
	result = 0;
cleanup:
	str_list_free(known, nknown);
	str_list_free(names, n);
	strbuf_release(&all);
	strbuf_release(&prefix);
	return result;
}

int costcli_check_providers(const struct costcli *c, const char *option, const char *list)
{
	return store_check_providers(c->db, c->cmd, option, list);
}

void costcli_release(struct costcli *c)
{
	if (c->loaded)
		scenario_release(&c->scenario);
	free(c->overrides);
	memset(c, 0, sizeof(*c));
}

int costcli_run(struct costcli *c, double step, struct costcli_run *run)
{
	memset(run, 0, sizeof(*run));
	if (tco_prepare(c->db, &c->scenario, &c->opts, &run->in) < 0)
		goto fail;
	run->prepared = true;
	if (tco_compute(&run->in, &run->r) < 0)
		goto fail;
	run->computed = true;
	run->r.demand = run->in.demand;      /* owned by the input */
	run->r.ndemand = c->scenario.nworkloads;
	if (step > 0 && tco_sensitivity(&run->in, &run->r, step, &run->sensitivity,
					&run->nsensitivity) < 0)
		goto fail;
	costcli_print_notes(c, run->in.notes.len ? run->in.notes.buf : NULL);
	return 0;
fail:
	error_print(c->cmd);
	return -1;
}

void costcli_run_release(struct costcli_run *run)
{
	if (run->computed) {
		run->r.demand = NULL;
		run->r.ndemand = 0;
		tco_result_release(&run->r);
	}
	if (run->prepared)
		tco_input_release(&run->in);
	sensitivity_release(run->sensitivity, run->nsensitivity);
	memset(run, 0, sizeof(*run));
}
