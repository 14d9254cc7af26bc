/*
 * aicost plot SCENARIO --chart NAME -o FILE: one chart of a scenario's costs
 * (cumulative, breakdown, risk, sensitivity), or of one accelerator's prices in
 * the store (--chart prices --accelerator NAME, no scenario), drawn by gnuplot
 * on the terminal that FILE's extension names.
 */
#include "cli.h"
#include "costcli.h"
#include "plot.h"
#include "units.h"
#include "util.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SENSITIVITY_STEP 0.20

static int cmd_plot(int argc, char **argv);

enum { OPT_PER = CLI_LONG_ONLY, OPT_SIZE };

static const struct cli_option plot_options[] = {
	{ 'c', "chart", "CHART", "the chart to draw (required)" },
	{ 'o', "output", "FILE", "where to write it (required); '-' for text" },
	{ 'a', "accelerator", "NAME", "prices: the accelerator (h100, MI300X, ...)" },
	{ OPT_PER, "per", "UNIT", "prices: accelerator (default) or pflop" },
	{ OPT_SIZE, "size", "WxH", "pixels (png, svg; pdf at 100 an inch) or characters\n"
	  "(text); default 1280x720, 960x540, 1000x580,\nand the terminal's size for text" },
	COSTCLI_DRAW_OPTIONS,
	CLI_OPTION_HELP,
	CLI_OPTION_END,
};

const struct command plot_command = {
	.name = "plot", .run = cmd_plot,
	.summary = "draw a chart of a scenario's costs or of prices (gnuplot)",
	.usage = "usage: aicost plot --chart CHART -o FILE [--set KEY.PATH=VALUE]... [--trials N]\n"
		 "                   [--seed N] [--size WxH] SCENARIO\n"
		 "       aicost plot --chart prices --accelerator NAME [--per accelerator|pflop]\n"
		 "                   -o FILE [--size WxH]\n",
	.description =
		"Draws one chart with gnuplot. The extension of FILE picks the terminal:\n"
		".png (pngcairo), .svg, .pdf (pdfcairo), .txt or '-' (text on standard output,\n"
		"sized to the terminal). SCENARIO '-' is standard input.\n"
		"\n"
		"Charts:\n"
		"  cumulative   cumulative cash per deployment over the horizon, break-even\n"
		"               months marked, excluded deployments dotted\n"
		"  breakdown    cash paid each month, stacked by cost component, one panel a\n"
		"               deployment\n"
		"  risk         the P10-P90 band of cumulative cash with GPU shortages (Monte\n"
		"               Carlo) around the expected cost, per deployment\n"
		"  sensitivity  tornado of the inputs that move the cheapest's lead most, each\n"
		"               set 20% lower and higher\n"
		"  prices       one accelerator's price per accelerator-hour (or per dense BF16\n"
		"               PFLOP-hour) across providers, regions and purchase options,\n"
		"               from the store; takes no scenario\n",
	.options = plot_options,
	.notes = "Needs gnuplot (Debian package gnuplot-nox). Files are replaced atomically.\n"
		"Exit status: 0 ok, 2 usage or input error, or gnuplot failed or is missing.\n",
	.flags = CMD_NEEDS_STORE,
};

/* "1280x720" */
static int parse_size(const char *text, int *width, int *height)
{
	char *end;
	long w = strtol(text, &end, 10), h;

	if (end == text || (*end != 'x' && *end != 'X'))
		goto bad;
	text = end + 1;
	h = strtol(text, &end, 10);
	if (end == text || *end || w < 20 || h < 10 || w > 10000 || h > 10000)
		goto bad;
	*width = (int)w;
	*height = (int)h;
	return 0;
bad:
	error_set("\"%s\": expected WIDTHxHEIGHT, from 20x10 to 10000x10000", text);
	return -1;
}

/* Text charts fill the terminal they are printed on (or COLUMNS x LINES). */
static void text_size(int *width, int *height)
{
	struct winsize ws;
	const char *columns = getenv("COLUMNS"), *lines = getenv("LINES");

	if (*width > 0 && *height > 0)
		return;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 20 && ws.ws_row >= 10) {
		*width = ws.ws_col;
		*height = ws.ws_row - 1;   /* the prompt's line */
		return;
	}
	if (columns && atoi(columns) >= 20)
		*width = atoi(columns);
	if (lines && atoi(lines) >= 10)
		*height = atoi(lines) - 1;
}

/* The chart of one accelerator's prices, from the store alone. */
static int prices_chart(const char *accelerator, bool per_pflop, struct plot *p)
{
	struct strbuf path = STRBUF_INIT;
	struct offer_filter filter = { .accelerator = accelerator };
	struct offer_list offers = { 0 };
	struct accelerator acc = { 0 };
	const char *name = accelerator;
	struct db *db = NULL;
	int result = -1;

	if (!(db = command_store(false)))
		goto cleanup;
	if (db_find_accelerator(db, accelerator, &acc) == 0) {
		name = acc.name;
		if (acc.ambiguous && global_options.verbosity >= 0)
			warnx_cmd("plot", "note: '%s' is ambiguous; drawing %s (name the exact "
				  "part for another)", accelerator, acc.name);
	} else {
		error_clear();   /* a chip imported without specs: the offers still name it */
	}
	filter.accelerator = name;
	if (db_query_offers(db, &filter, &offers) < 0)
		goto cleanup;
	if (offers.n == 0) {
		error_set("--accelerator: no offers of '%s' in the store (see 'aicost pricing "
			  "list')", accelerator);
		goto cleanup;
	}
	result = plot_prices(&offers, name, per_pflop, p);
cleanup:
	if (acc.name)
		accelerator_release(&acc);
	offer_list_release(&offers);
	strbuf_release(&path);
	return result;
}

static int write_chart(const struct strbuf *drawn, const char *output)
{
	if (strcmp(output, "-") == 0) {
		if (fwrite(drawn->buf, 1, drawn->len, stdout) != drawn->len || fflush(stdout)) {
			error_set("write error: standard output");
			return -1;
		}
		return 0;
	}
	if (atomic_write_file(output, drawn->buf, drawn->len) < 0) {
		error_prefix("%s: ", output);
		return -1;
	}
	return 0;
}

static int cmd_plot(int argc, char **argv)
{
	const char *chart_name = NULL, *output = NULL, *accelerator = NULL;
	enum plot_chart chart;
	enum plot_terminal term;
	struct cli_parser parser;
	struct costcli cli;
	struct costcli_run run = { 0 };
	struct plot p = { STRBUF_INIT, 1 };
	struct strbuf drawn = STRBUF_INIT;
	bool per_pflop = false;
	int c, width = 0, height = 0, status = EXIT_ERROR;

	costcli_init(&cli, "plot");
	cli_parser_init(&parser, &plot_command);
	while ((c = cli_getopt(&parser, argc, argv)) != -1) {
		int taken = costcli_option(&cli, c, optarg);

		if (taken < 0)
			goto cleanup;
		if (taken == 0)
			continue;
		switch (c) {
		case 'c':
			chart_name = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'a':
			accelerator = optarg;
			break;
		case OPT_PER:
			if (strcmp(optarg, "pflop") != 0 && strcmp(optarg, "accelerator") != 0) {
				status = usage_error("plot", "--per: \"%s\": expected accelerator or "
						     "pflop", optarg);
				goto cleanup;
			}
			per_pflop = strcmp(optarg, "pflop") == 0;
			break;
		case OPT_SIZE:
			if (parse_size(optarg, &width, &height) < 0) {
				status = usage_error("plot", "--size: %s", error_get());
				error_clear();
				goto cleanup;
			}
			break;
		case 'h':
			command_help(&plot_command, stdout);
			status = EXIT_OK;
			goto cleanup;
		default:
			status = cli_option_error(&parser, c, argv);
			goto cleanup;
		}
	}
	if (!chart_name) {
		status = usage_error("plot", "--chart is required (cumulative, breakdown, risk, "
				     "sensitivity or prices)");
		goto cleanup;
	}
	if (plot_chart_parse(chart_name, &chart) < 0) {
		status = usage_error("plot", "--chart: %s", error_get());
		error_clear();
		goto cleanup;
	}
	if (!output) {
		status = usage_error("plot", "-o FILE is required (.png, .svg, .pdf, .txt, or - "
				     "for text)");
		goto cleanup;
	}
	if (plot_terminal_for_path(output, &term) < 0) {
		status = usage_error("plot", "-o: %s", error_get());
		error_clear();
		goto cleanup;
	}
	if (term == PLOT_TEXT)
		text_size(&width, &height);
	if (chart == CHART_PRICES) {
		if (!accelerator) {
			status = usage_error("plot", "--chart prices needs --accelerator NAME");
			goto cleanup;
		}
		if (optind < argc) {
			status = usage_error("plot", "--chart prices draws from the store and "
					     "takes no scenario");
			goto cleanup;
		}
		if (prices_chart(accelerator, per_pflop, &p) < 0)
			goto fail;
	} else {
		if (accelerator || per_pflop) {
			status = usage_error("plot", "--accelerator and --per are for --chart "
					     "prices");
			goto cleanup;
		}
		if (costcli_load_operands(&cli, argc - optind, argv + optind) < 0 ||
		    costcli_run(&cli, chart == CHART_SENSITIVITY ? SENSITIVITY_STEP : 0,
				&run) < 0)
			goto cleanup;
		if (plot_result(&run.r, chart, run.sensitivity, run.nsensitivity,
				SENSITIVITY_STEP, &p) < 0)
			goto fail;
	}
	if (plot_render(&p, term, width, height, &drawn) < 0 || write_chart(&drawn, output) < 0)
		goto fail;
	status = EXIT_OK;
	goto cleanup;
fail:
	error_print("plot");
cleanup:
	plot_release(&p);
	strbuf_release(&drawn);
	costcli_run_release(&run);
	costcli_release(&cli);
	return status;
}
