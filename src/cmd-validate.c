/* aicost validate FILE...: check scenario files; exit 0 when all are valid, 2 otherwise. */
#include "cli.h"
#include "db.h"
#include "scenario.h"
#include "tco.h"
#include "util.h"
#include "workload.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

static int cmd_validate(int argc, char **argv);

static const struct cli_option validate_options[] = {
	{ 's', "set", "KEY.PATH=VALUE", "override one field before checking (repeatable),\n"
	  "e.g. --set workloads.serve.batch=16" },
	{ 'n', "no-store", NULL, "check the files alone, without the price store" },
	{ 'q', "quiet", NULL, "print nothing for valid files" },
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command validate_command = {
	.name = "validate", .run = cmd_validate,
	.summary = "check scenario files (exit 0 valid, 2 invalid)",
	.usage = "usage: aicost validate [--set KEY.PATH=VALUE]... [--no-store] [-q] FILE...\n",
	.description =
		"Checks scenario files (YAML or JSON) against the schema in aicost-scenario(5),\n"
		"then looks every accelerator up in the price store (also the chip of each\n"
		"cloud deployment's instance) and sizes every workload on it (training state\n"
		"that does not fit, an SLO no GPU group meets), and every cloud deployment's\n"
		"provider, instance and region (an on-demand price).\n"
		"Every problem is reported on stderr as FILE:LINE:COL: FIELD.PATH: MESSAGE.\n"
		"FILE '-' is standard input (named stdin in messages).\n",
	.options = validate_options,
	.notes = "Exit status: 0 every file is valid, 2 a file is invalid or unreadable.\n",
	.flags = CMD_NEEDS_STORE,
};

/* Prints each "file:line:col: ..." line of ERRORS as its own diagnostic. */
void print_scenario_errors(const char *cmd, const struct strbuf *errors)
{
	const char *line = errors->buf;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		warnx_cmd(cmd, "%.*s", (int)len, line);
		line += len + (end != NULL);
	}
}

/* Adds one --set argument to the override list. */
void add_override(const char ***overrides, size_t *n, size_t *alloc, const char *assignment)
{
	xgrow(overrides, alloc, *n + 1, sizeof(**overrides));
	(*overrides)[(*n)++] = assignment;
}

/*
 * Sizes every workload on ACC. A problem of workload i becomes one line at WHERE
 * in PROBLEMS[i]; RUNS[i] is set where it can run. A workload whose own
 * accelerator (canonical name in OWN[i]) is ACC was sized already: skipped.
 */
static void check_demand(const struct scenario *s, const struct accelerator *acc,
			 char *const *own, const char *where, const char *field,
			 struct strbuf *problems, bool *runs)
{
	for (size_t i = 0; i < s->nworkloads; i++) {
		struct workload_demand demand;

		if ((own && own[i] && strcmp(own[i], acc->name) == 0) ||
		    s->workloads[i].kind == WORKLOAD_PIPELINE)   /* CPUs: no accelerator */
			continue;
		if (workload_demand(&s->workloads[i], acc, &demand) < 0) {
			if (workload_error_located(&s->workloads[i]))
				strbuf_addf(&problems[i], "%s\n", error_get());
			else
				strbuf_addf(&problems[i], "%s: %s: %s\n",
					    where ? where : s->workloads[i].accelerator_where,
					    field, error_get());
			error_clear();
			continue;
		}
		runs[i] = true;
		workload_demand_release(&demand);
	}
}

/*
 * The accelerator of a cloud deployment's named instance, as estimate prices it
 * (the store's on-demand offer of that instance decides the chip); NULL when the
 * deployment names no instance, quotes its own price, or the store has none
 * (tco_check reports that).
 */
static char *instance_chip(struct db *db, const struct deployment *d)
{
	struct offer_filter filter = { 0 };
	struct offer_list offers = { 0 };
	char *chip = NULL;

	if (d->kind != DEPLOYMENT_CLOUD || d->accelerator || !d->instance || !d->provider ||
	    !isnan(d->price_per_gpu_hour))
		return NULL;
	filter.providers = d->provider;
	filter.instance_type = d->instance;
	filter.region_glob = d->region;
	filter.purchase = "on-demand";
	if (db_query_offers(db, &filter, &offers) < 0) {
		error_clear();
		return NULL;
	}
	for (size_t i = 0; !chip && i < offers.n; i++)
		if (offers.items[i].accelerator)
			chip = xstrdup(offers.items[i].accelerator);
	offer_list_release(&offers);
	return chip;
}

/*
 * What the file alone cannot tell: that every accelerator exists in the store and
 * that every workload can run on it. Appends one line per problem to ERRORS. As
 * estimate does, a deployment that cannot run a workload other deployments run
 * is only excluded: those lines go to NOTES.
 */
static void check_against_store(struct db *db, const struct scenario *s, struct strbuf *errors,
				struct strbuf *notes)
{
	struct strbuf field = STRBUF_INIT;
	struct accelerator acc;
	size_t nw = s->nworkloads;
	/* Each workload's own accelerator, canonical: a deployment on it adds nothing. */
	char **own = xcalloc(nw + 1, sizeof(*own));
	struct strbuf *problems = xcalloc(nw + 1, sizeof(*problems));
	bool *runs_own = xcalloc(nw + 1, sizeof(bool)), *runs = xcalloc(nw + 1, sizeof(bool));
	bool inherits = false;   /* a deployment runs the workloads on their own chips */

	for (size_t i = 0; i < nw; i++) {
		const struct workload *w = &s->workloads[i];
		struct scenario one = *s;

		strbuf_init(&problems[i], 0);
		if (w->kind == WORKLOAD_PIPELINE) {
			runs[i] = true;   /* CPUs: priced from each deployment's CPU instances */
			continue;
		}
		strbuf_reset(&field);
		strbuf_addf(&field, "workloads[%zu].accelerator", i);
		if (db_find_accelerator(db, w->accelerator, &acc) < 0) {
			strbuf_addf(errors, "%s: %s: %s\n", w->accelerator_where, field.buf, error_get());
			error_clear();
			runs[i] = true;   /* reported already */
			continue;
		}
		strbuf_reset(&field);
		strbuf_addf(&field, "workloads[%zu]", i);
		one.workloads = &s->workloads[i];
		one.nworkloads = 1;
		check_demand(&one, &acc, NULL, NULL, field.buf, &problems[i], &runs_own[i]);
		own[i] = xstrdup(acc.name);
		accelerator_release(&acc);
	}
	/* A deployment that runs the workloads on another accelerator must fit them too. */
	for (size_t k = 0; k < s->ndeployments; k++) {
		const struct deployment *d = &s->deployments[k];
		char *chip = instance_chip(db, d);
		const char *name = d->accelerator ? d->accelerator : chip;
		const char *where = d->accelerator ? d->accelerator_where : d->where;

		tco_check(db, s, k, errors);
		if (!name || d->kind == DEPLOYMENT_HYBRID) {
			inherits = inherits || d->kind != DEPLOYMENT_HYBRID;
			free(chip);
			continue;
		}
		strbuf_reset(&field);
		strbuf_addf(&field, d->accelerator ? "deployments[%zu].accelerator" :
			    "deployments[%zu].instance", k);
		if (db_find_accelerator(db, name, &acc) < 0) {
			strbuf_addf(errors, "%s: %s: %s\n", where, field.buf, error_get());
			error_clear();
			free(chip);
			continue;
		}
		for (size_t i = 0; i < nw; i++)
			inherits = inherits || (own[i] && strcmp(own[i], acc.name) == 0);
		check_demand(s, &acc, own, where, field.buf, problems, runs);
		accelerator_release(&acc);
		free(chip);
	}
	for (size_t i = 0; i < nw; i++) {
		bool somewhere = runs[i] || (runs_own[i] && inherits);

		strbuf_adds(somewhere ? notes : errors, problems[i].buf);
		strbuf_release(&problems[i]);
		free(own[i]);
	}
	free(own);
	free(problems);
	free(runs_own);
	free(runs);
	strbuf_release(&field);
}

/* Internal: the store could not be opened; stop checking further files. */
#define EXIT_ERROR_STORE (EXIT_ERROR + 100)

static void report_valid(const struct scenario *s, bool quiet)
{
	if (quiet)
		return;
	printf("%s: ok (%zu workload%s, %zu deployment%s, %d month%s)\n", s->path, s->nworkloads,
	       s->nworkloads == 1 ? "" : "s", s->ndeployments, s->ndeployments == 1 ? "" : "s",
	       s->horizon_months, s->horizon_months == 1 ? "" : "s");
	for (size_t k = 0; k < s->ndeployments; k++)
		if (s->deployments[k].residency_violation)
			warnx_cmd("validate", "%s: note: deployment '%s' is excluded by the "
				  "constraints: %s", s->path, s->deployments[k].name,
				  s->deployments[k].residency_reason);
}

/* "FILE:LINE:COL: FIELD: why" of a workload some deployment cannot run (it is excluded). */
static void print_unfit_notes(const struct strbuf *notes, bool quiet)
{
	const char *line = notes->buf;

	while (!quiet && *line) {
		size_t len = strcspn(line, "\n");

		warnx_cmd("validate", "note: %.*s (estimate excludes what would run it there; "
			  "other deployments can)", (int)len, line);
		line += len + (line[len] == '\n');
	}
}

/* "FILE:LINE:COL: FIELD: ..." of what estimate will price by an assumption. */
static void print_warnings(const struct strbuf *warnings, bool quiet)
{
	const char *line = warnings->buf;

	while (!quiet && *line) {
		size_t len = strcspn(line, "\n");

		warnx_cmd("validate", "warning: %.*s", (int)len, line);
		line += len + (line[len] == '\n');
	}
}

static int cmd_validate(int argc, char **argv)
{
	struct cli_parser p;
	const char **overrides = NULL;
	size_t noverrides = 0, alloc = 0;
	bool quiet = global_options.verbosity < 0, use_store = true;
	struct db *db = NULL;
	int c, status = EXIT_OK;

	cli_parser_init(&p, &validate_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		switch (c) {
		case 's':
			add_override(&overrides, &noverrides, &alloc, optarg);
			break;
		case 'n':
			use_store = false;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			command_help(&validate_command, stdout);
			free(overrides);
			return EXIT_OK;
		default:
			free(overrides);
			return cli_option_error(&p, c, argv);
		}
	}
	if (optind >= argc) {
		free(overrides);
		return usage_error("validate", "expected one or more scenario files");
	}
	for (int i = optind; i < argc && status != EXIT_ERROR_STORE; i++) {
		struct strbuf errors = STRBUF_INIT, notes = STRBUF_INIT, warnings = STRBUF_INIT;
		struct scenario s;

		if (scenario_load(argv[i], overrides, noverrides, &s, &errors) < 0) {
			print_scenario_errors("validate", &errors);
			error_clear();
			strbuf_release(&errors);
			status = EXIT_ERROR;
			continue;
		}
		/* The store is opened once, and only when a file got this far. */
		if (use_store && !db && !(db = command_store(false))) {
			error_print("validate");
			status = EXIT_ERROR_STORE;
		} else if (db) {
			check_against_store(db, &s, &errors, &notes);
			tco_check_data(db, &s, &errors, &warnings);
		}
		if (errors.len) {
			print_scenario_errors("validate", &errors);
			status = EXIT_ERROR;
		} else if (status != EXIT_ERROR_STORE) {
			report_valid(&s, quiet);
			print_unfit_notes(&notes, quiet);
			print_warnings(&warnings, quiet);
		}
		scenario_release(&s);
		strbuf_release(&errors);
		strbuf_release(&notes);
		strbuf_release(&warnings);
	}
	if (status == EXIT_ERROR_STORE)
		status = EXIT_ERROR;
	free(overrides);
	return status;
}
