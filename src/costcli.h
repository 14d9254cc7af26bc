/*
 * What the cost commands (estimate, compare, optimize) share: the options
 * --set, --format, --trials and --seed, loading the scenario and opening the
 * store, and printing the engine's notes. Command layer: these print.
 */
#ifndef AICOST_COSTCLI_H
#define AICOST_COSTCLI_H

#include <getopt.h>
#include <time.h>

#include "cli.h"
#include "db.h"
#include "scenario.h"
#include "table.h"
#include "tco.h"

/* The shared options (struct cli_option entries, see cli.h); keys COSTOPT_*. */
enum { COSTOPT_SET = 's', COSTOPT_FORMAT = 'f', COSTOPT_TRIALS = CLI_LONG_ONLY + 64,
       COSTOPT_SEED, COSTOPT_MAX_PRICE_AGE };
/* --set and --format: every command that loads a scenario. */
#define COSTCLI_SCENARIO_OPTIONS \
	{ COSTOPT_SET, "set", "KEY.PATH=VALUE", \
	  "override one field of the scenario (repeatable)" }, \
	{ COSTOPT_FORMAT, "format", "FORMAT", "table (default), csv, json or markdown" }
/* All of them: the commands that run the Monte Carlo (estimate, compare). */
#define COSTCLI_OPTIONS \
	COSTCLI_SCENARIO_OPTIONS, \
	COSTCLI_MONTE_CARLO_OPTIONS, \
	{ COSTOPT_MAX_PRICE_AGE, "max-price-age", "DURATION", \
	  "exit 2 when a store price used was observed\nlonger ago (days, or 30d, 6w, 6mo)" }
/* Store prices older than this are noted on stderr (estimate, compare). */
#define COSTCLI_PRICE_AGE_NOTE_DAYS 180
/* --trials and --seed alone (check and diff, which have their own --format). */
#define COSTCLI_MONTE_CARLO_OPTIONS \
	{ COSTOPT_TRIALS, "trials", "N", "shortage Monte Carlo trials, 1-10M (default 10000)" }, \
	{ COSTOPT_SEED, "seed", "N", "Monte Carlo seed (default 1): same seed, same result" }
/* --set, --trials and --seed: the commands that draw a result (plot, report). */
#define COSTCLI_DRAW_OPTIONS \
	{ COSTOPT_SET, "set", "KEY.PATH=VALUE", \
	  "override one field of the scenario (repeatable)" }, \
	{ COSTOPT_TRIALS, "trials", "N", "shortage Monte Carlo trials, 1-10M (default 10000)" }, \
	{ COSTOPT_SEED, "seed", "N", "Monte Carlo seed (default 1): same seed, same result" }
#define COSTCLI_DEFAULT_TRIALS 10000
#define COSTCLI_MAX_TRIALS 10000000

/*
 * The scenario a command uses when it names none: the REPL's, edited in memory.
 * LOAD fills *OUT from it with the --set OVERRIDES applied (-1 with ERRORS filled,
 * nothing printed). The REPL runs a command in it (command_run_in_session); the
 * command reads it with command_session() (NULL outside the REPL), and the REPL's
 * open store through command_store().
 */
struct session_scenario {
	int (*load)(void *ctx, const char *const *overrides, size_t n, struct scenario *out,
		    struct strbuf *errors);
	/* The edited document as YAML into OUT, for commands that read text (check);
	 * -1 with error_set(). */
	int (*yaml)(void *ctx, struct strbuf *out);
	const char *name;        /* the file it was loaded from, for messages */
	void *ctx;
};

struct costcli {
	const char *cmd;
	const char **overrides;
	size_t noverrides, overrides_alloc;
	struct tco_options opts;
	enum output_format format;
	struct scenario scenario;
	bool loaded;
	struct db *db;           /* command_store's: the dispatcher closes it */
	double max_price_age_days;   /* --max-price-age; -1: any age */
};

void costcli_init(struct costcli *c, const char *cmd);
/* Takes a shared option: 0 taken, 1 not a shared option, -1 bad value (printed). */
int costcli_option(struct costcli *c, int opt, const char *arg);
/* Loads PATH (with the --set overrides) and opens the store; -1 printed on failure.
 * PATH NULL is the session's scenario and store. */
int costcli_load(struct costcli *c, const char *path);
/* gate_read for check and diff: SPEC NULL is the REPL's scenario as edited. */
struct gate_scenario;
int costcli_gate_read(struct gate_scenario *g, const char *spec);
/* The same for the NARGS operands left in ARGS: exactly one SCENARIO, or none in
 * a session; -1 printed ("expected exactly one scenario file") otherwise. */
int costcli_load_operands(struct costcli *c, int nargs, char **args);
/* The engine's assumptions, on stderr unless -q. */
void costcli_print_notes(const struct costcli *c, const char *notes);
/*
 * The age of the store prices USED, as of NOW: a note on stderr (unless -q) for
 * each offer observed more than COSTCLI_PRICE_AGE_NOTE_DAYS ago; -1 printed
 * (naming the offer and its date) when one is older than --max-price-age.
 */
int costcli_price_ages(const struct costcli *c, const struct tco_prices_used *used, time_t now);
/*
 * The scenario's budgets against the deployments shown (ONLY, or -1: every one not
 * excluded): each limit broken on stderr, also under -q. With PLAN_DECIDES the
 * exit status is aicost check's for deployment ONLY, or for the plan when ONLY is
 * -1: EXIT_CHECK_FAILED over a limit, EXIT_ERROR when one cannot be checked.
 * Without (compare), EXIT_CHECK_FAILED when every deployment breaks a limit.
 */
int costcli_budget_check(const struct costcli *c, const struct tco_result *r, int only,
			 bool plan_decides);
/* Each name of LIST (comma-separated) has prices in the store; -1 printed
 * (naming OPTION, with a suggestion or the known providers) otherwise. */
int costcli_check_providers(const struct costcli *c, const char *option, const char *list);
/* The same for any command with a store (OPTION NULL: the message names none). */
int store_check_providers(struct db *db, const char *cmd, const char *option,
			  const char *list);
void costcli_release(struct costcli *c);

/*
 * What plot and report draw from: the prepared input, its result and the
 * sensitivity of the answer to each input moved by STEP (0: none computed).
 */
struct costcli_run {
	struct tco_input in;
	struct tco_result r;
	struct sensitivity *sensitivity;
	size_t nsensitivity;
	bool prepared, computed;
};
/* Prices the loaded scenario of C; -1 printed on failure. Notes on stderr. */
int costcli_run(struct costcli *c, double step, struct costcli_run *run);
void costcli_run_release(struct costcli_run *run);

#endif
