/*
 * What the cost commands (estimate, compare, optimize) share: the options
 * --set, --format, --trials and --seed, loading the scenario and opening the
 * store, and printing the engine's notes. Command layer: these print.
 */
#ifndef AICOST_COSTCLI_H
#define AICOST_COSTCLI_H

#include <getopt.h>

#include "db.h"
#include "scenario.h"
#include "table.h"
#include "tco.h"

/* getopt_long entries for the shared options; values are the COSTOPT_* codes. */
enum { COSTOPT_SET = 's', COSTOPT_FORMAT = 'f', COSTOPT_TRIALS = 0x100, COSTOPT_SEED };
#define COSTCLI_OPTIONS \
	{ "set", required_argument, NULL, COSTOPT_SET }, \
	{ "format", required_argument, NULL, COSTOPT_FORMAT }, \
	{ "trials", required_argument, NULL, COSTOPT_TRIALS }, \
	{ "seed", required_argument, NULL, COSTOPT_SEED }
#define COSTCLI_DEFAULT_TRIALS 10000
#define COSTCLI_MAX_TRIALS 10000000
#define COSTCLI_HELP \
	"  -s, --set KEY.PATH=VALUE  override one field of the scenario (repeatable)\n" \
	"  -f, --format FORMAT       table (default), csv, json or markdown\n" \
	"      --trials N            shortage Monte Carlo trials, 1-10M (default 10000)\n" \
	"      --seed N              Monte Carlo seed (default 1): same seed, same result\n"

struct costcli {
	const char *cmd;
	const char **overrides;
	size_t noverrides, overrides_alloc;
	struct tco_options opts;
	enum output_format format;
	struct scenario scenario;
	bool loaded;
	struct db *db;
};

void costcli_init(struct costcli *c, const char *cmd);
/* Takes a shared option: 0 taken, 1 not a shared option, -1 bad value (printed). */
int costcli_option(struct costcli *c, int opt, const char *arg);
/* Loads PATH (with the --set overrides) and opens the store; -1 printed on failure. */
int costcli_load(struct costcli *c, const char *path);
/* The engine's assumptions, on stderr unless -q. */
void costcli_print_notes(const struct costcli *c, const char *notes);
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
void costcli_release(struct costcli *c);

#endif
