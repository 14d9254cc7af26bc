/*
 * aicost estimate SCENARIO: what each workload demands and what every deployment
 * costs over the horizon — totals, monthly cash, breakdown per component, NPV,
 * shortage percentiles and per-unit costs — in table, csv, json or markdown. The
 * JSON is the contract in DESIGN.md.
 */
#include "cli.h"
#include "costcli.h"
#include "focus.h"
#include "output.h"
#include "util.h"

#include <string.h>
#include <time.h>

static int cmd_estimate(int argc, char **argv);

static const struct cli_option estimate_options[] = {
	{ 'd', "deployment", "NAME", "show only this deployment" },
	COSTCLI_OPTIONS,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command estimate_command = {
	.name = "estimate", .run = cmd_estimate,
	.summary = "what a scenario's workloads demand and cost per deployment",
	.usage = "usage: aicost estimate [--deployment NAME] [--set KEY.PATH=VALUE]...\n"
		 "                       [--format FORMAT] [--trials N] [--seed N]\n"
		 "                       [--max-price-age DURATION] SCENARIO\n",
	.description =
		"Loads and checks SCENARIO (see aicost-scenario(5)), works out what every\n"
		"workload demands (training FLOPs, GPU-hours and wall time; inference weights,\n"
		"KV cache, latency, replicas) and prices every deployment month by month over\n"
		"the horizon: compute, storage, egress, GPU shortages (Monte Carlo), capex,\n"
		"power, facility, staff, network, maintenance and the residual credit; with\n"
		"NPV, P50/P90, $ per GPU-hour, $ per 1M tokens and the break-even month against\n"
		"the baseline. The cost conventions are in aicost-estimate(1).\n"
		"SCENARIO '-' is standard input.\n",
	.options = estimate_options,
	.notes = "Formats: table and markdown print workloads, deployments, breakdown and\n"
		"monthly cash; csv prints one row per deployment with its breakdown; json is\n"
		"the contract (every breakdown key present, monthly has horizon_months entries);\n"
		"focus is FinOps FOCUS 1.2 CSV, one row per deployment, component and month\n"
		"(the column mapping is in aicost-estimate(1)).\n"
		"Budget: every limit a deployment shown breaks is named on stderr (also under\n"
		"-q); the deployment named with --deployment, or else the plan, decides the\n"
		"exit status as in 'aicost check'. markdown, table and csv carry the verdict.\n"
		"Prices from the store observed more than 180 days ago are noted on stderr\n"
		"(offer and date); --max-price-age makes an older one an error.\n"
		"Exit status: 0 ok, 1 over budget, 2 the scenario is invalid, cannot be priced,\n"
		"a store price is older than --max-price-age, or a budget limit cannot be\n"
		"checked.\n",
	.flags = CMD_NEEDS_STORE,
};

static int cmd_estimate(int argc, char **argv)
{
	const char *only_name = NULL;
	struct cli_parser p;
	struct costcli cli;
	struct tco_result r;
	bool computed = false, focus = false;
	int c, only = -1, status = EXIT_ERROR;

	costcli_init(&cli, "estimate");
	cli_parser_init(&p, &estimate_command);
	while ((c = cli_getopt(&p, argc, argv)) != -1) {
		int taken;

		/* focus is estimate's own format: a cost export, not a table. */
		if (c == COSTOPT_FORMAT)
			focus = strcmp(optarg, "focus") == 0;
		taken = focus && c == COSTOPT_FORMAT ? 0 : costcli_option(&cli, c, optarg);

		if (taken < 0)
			goto cleanup;
		if (taken == 0)
			continue;
		switch (c) {
		case 'd':
			only_name = optarg;
			break;
		case 'h':
			command_help(&estimate_command, stdout);
			status = EXIT_OK;
			goto cleanup;
		default:
			status = cli_option_error(&p, c, argv);
			goto cleanup;
		}
	}
	if (costcli_load_operands(&cli, argc - optind, argv + optind) < 0)
		goto cleanup;
	if (only_name) {
		const struct deployment *d = scenario_find_deployment(&cli.scenario, only_name);

		if (!d) {
			status = usage_error("estimate", "--deployment: %s has no deployment '%s'",
					     cli.scenario.path, only_name);
			goto cleanup;
		}
		only = (int)(d - cli.scenario.deployments);
	}
	if (tco_run(cli.db, &cli.scenario, &cli.opts, &r) < 0)
		goto fail;
	computed = true;
	costcli_print_notes(&cli, r.notes);
	if (costcli_price_ages(&cli, &r.prices, time(NULL)) < 0)
		goto cleanup;
	if (focus ? focus_write(stdout, &r, only) < 0 :
	    output_estimate(stdout, &r, only, cli.format, global_options.verbosity > 0) < 0)
		goto fail;
	status = costcli_budget_check(&cli, &r, only, true);
	goto cleanup;
fail:
	error_print("estimate");
cleanup:
	if (computed)
		tco_result_release(&r);
	costcli_release(&cli);
	return status;
}
