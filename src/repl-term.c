/*
 * The REPL at a terminal: GNU Readline through its callback interface, so that
 * Ctrl-C can drop the line being typed (or stop a sweep) instead of the program;
 * Tab completion of commands, options, scenario paths and names from the store;
 * history kept in $XDG_STATE_HOME/aicost/history.
 */
#include "repl-term.h"
#include "cli.h"
#include "db.h"
#include "doctree.h"
#include "plot.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_LINES 1000

static volatile sig_atomic_t got_sigint, got_sigwinch;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

static void on_sigwinch(int sig)
{
	(void)sig;
	got_sigwinch = 1;
}

bool repl_interrupted(void)
{
	return got_sigint != 0;
}

/* ---- reading a line ------------------------------------------------------------ */

static char *line_read;
static bool line_done;

static void on_line(char *line)
{
	line_read = line;
	line_done = true;
	rl_callback_handler_remove();
}

enum read_result { READ_LINE, READ_EOF, READ_INTERRUPTED };

/*
 * One line at PROMPT into *OUT (the caller frees it). The signals are blocked but
 * while waiting in pselect(), so that a Ctrl-C that comes while readline works
 * on a key is seen before the next wait, not after the next key.
 */
static enum read_result read_line(const char *prompt, char **out)
{
	int fd = fileno(rl_instream ? rl_instream : stdin);
	enum read_result result = READ_EOF;
	sigset_t block, waiting;

	*out = NULL;
	line_read = NULL;
	line_done = false;
	got_sigint = 0;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &waiting);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGWINCH);
	rl_callback_handler_install(prompt, on_line);
	while (!line_done) {
		fd_set fds;

		if (got_sigwinch) {
			got_sigwinch = 0;
			rl_resize_terminal();
		}
		if (got_sigint) {
			/* drop what was typed; a fresh prompt follows */
			got_sigint = 0;
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_replace_line("", 0);
			rl_callback_handler_remove();
			fputs("\n", rl_outstream ? rl_outstream : stdout);
			result = READ_INTERRUPTED;
			goto done;
		}
		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		if (pselect(fd + 1, &fds, NULL, NULL, NULL, &waiting) < 0) {
			if (errno == EINTR)
				continue;
			rl_callback_handler_remove();
			goto done;
		}
		rl_callback_read_char();
	}
	*out = line_read;
	result = line_read ? READ_LINE : READ_EOF;
done:
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	return result;
}

bool repl_confirm(struct repl *r, const char *question)
{
	struct strbuf prompt = STRBUF_INIT;
	char *answer = NULL;
	bool yes;

	if (!r->interactive)
		return true;
	strbuf_addf(&prompt, "%s [y/N] ", question);
	yes = read_line(prompt.buf, &answer) == READ_LINE &&
	      (answer[0] == 'y' || answer[0] == 'Y');
	if (!answer)
		putchar('\n');
	free(answer);
	strbuf_release(&prompt);
	return yes;
}

/* ---- history --------------------------------------------------------------------- */

/* $XDG_STATE_HOME/aicost/history, else ~/.local/state/aicost/history; NULL: no home. */
static char *history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct strbuf path = STRBUF_INIT;

	if (state && *state == '/')
		strbuf_addf(&path, "%s/aicost/history", state);
	else if (home && *home)
		strbuf_addf(&path, "%s/.local/state/aicost/history", home);
	else
		return NULL;
	return strbuf_detach(&path, NULL);
}

/* ---- completion ------------------------------------------------------------------ */

static struct repl *session;         /* readline's callbacks take no context */

/* The candidates of the word being completed; the generator hands out matches. */
static const char **candidates;
static size_t ncandidates, candidates_alloc;
static char **owned;                 /* candidates made here, freed at the next completion */
static size_t nowned, owned_alloc;

static void candidates_reset(void)
{
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	nowned = 0;
	ncandidates = 0;
}

static void candidate_add(const char *word)
{
	xgrow(&candidates, &candidates_alloc, ncandidates + 1, sizeof(*candidates));
	candidates[ncandidates++] = word;
}

static void candidate_add_owned(char *word)
{
	xgrow(&owned, &owned_alloc, nowned + 1, sizeof(*owned));
	owned[nowned++] = word;
	candidate_add(word);
}

static char *generate(const char *text, int state)
{
	static size_t next;
	size_t len = strlen(text);

	if (state == 0)
		next = 0;
	while (next < ncandidates) {
		const char *c = candidates[next++];

		if (strncmp(c, text, len) == 0)
			return xstrdup(c);
	}
	return NULL;
}

/* Names from the store, read once per session. */
static char **accelerators, **instances, **providers;
static size_t naccelerators, ninstances, nproviders;
static bool store_read;

static void read_store_names(void)
{
	struct accelerator_list accs = { 0 };
	struct offer_list offers = { 0 };
	struct offer_filter all = { 0 };
	size_t alloc = 0;

	store_read = true;
	if (db_list_accelerators(session->db, &accs) == 0) {
		accelerators = xcalloc(accs.n + 1, sizeof(*accelerators));
		for (size_t i = 0; i < accs.n; i++)
			accelerators[naccelerators++] = xstrdup(accs.items[i].name);
		accelerator_list_release(&accs);
	}
	if (db_query_offers(session->db, &all, &offers) == 0) {
		for (size_t i = 0; i < offers.n; i++) {
			const char *name = offers.items[i].instance_type;
			bool seen = false;

			for (size_t k = 0; name && k < ninstances && !seen; k++)
				seen = strcmp(instances[k], name) == 0;
			if (!name || seen)
				continue;
			xgrow(&instances, &alloc, ninstances + 1, sizeof(*instances));
			instances[ninstances++] = xstrdup(name);
		}
		offer_list_release(&offers);
	}
	if (db_providers(session->db, &providers, &nproviders) < 0)
		nproviders = 0;
	error_clear();
}

static void free_store_names(void)
{
	for (size_t i = 0; i < naccelerators; i++)
		free(accelerators[i]);
	for (size_t i = 0; i < ninstances; i++)
		free(instances[i]);
	for (size_t i = 0; i < nproviders; i++)
		free(providers[i]);
	free(accelerators);
	free(instances);
	free(providers);
	accelerators = instances = providers = NULL;
	naccelerators = ninstances = nproviders = 0;
	store_read = false;
}

/* Scenario paths: the keys that may follow what TEXT has up to its last '.'. */
static void complete_path(const char *text)
{
	const struct scenario *s = repl_scenario(session);
	const char *dot = strrchr(text, '.');
	char *parent = xstrndup(text, dot ? (size_t)(dot - text) : 0);
	const char **keys;
	size_t n;

	if (!s) {
		free(parent);
		return;
	}
	n = scenario_field_keys(s, parent, &keys);
	for (size_t i = 0; i < n; i++) {
		struct strbuf full = STRBUF_INIT;
		const char **below;

		strbuf_addf(&full, "%s%s%s", parent, *parent ? "." : "", keys[i]);
		/* a section gets its dot: the next Tab goes on inside it */
		if (scenario_field_keys(s, full.buf, &below) > 0)
			strbuf_addch(&full, '.');
		free(below);
		candidate_add_owned(strbuf_detach(&full, NULL));
	}
	free(keys);
	free(parent);
}

/* Values for `set PATH`: names from the store or the scenario, by the last key. */
static void complete_value(const char *path)
{
	static const char *const kinds[] = { "training", "inference", "cloud", "onprem", "hybrid",
					     NULL };
	static const char *const precisions[] = { "fp32", "bf16", "fp16", "fp8", "int8", "int4",
						  NULL };
	static const char *const purchases[] = { PURCHASE_OPTIONS, NULL };
	const struct scenario *s = repl_scenario(session);
	const char *key = strrchr(path, '.');
	const char *const *list = NULL;

	key = key ? key + 1 : path;
	if (!store_read)
		read_store_names();
	if (strcmp(key, "accelerator") == 0) {
		for (size_t i = 0; i < naccelerators; i++)
			candidate_add(accelerators[i]);
	} else if (strcmp(key, "instance") == 0) {
		for (size_t i = 0; i < ninstances; i++)
			candidate_add(instances[i]);
	} else if (strcmp(key, "provider") == 0) {
		for (size_t i = 0; i < nproviders; i++)
			candidate_add(providers[i]);
	} else if (s && (strcmp(key, "fallback") == 0 || strcmp(key, "base") == 0 ||
			 strcmp(key, "burst") == 0 || strcmp(key, "baseline") == 0)) {
		for (size_t i = 0; i < s->ndeployments; i++)
			candidate_add(s->deployments[i].name);
	} else if (strcmp(key, "kind") == 0) {
		list = kinds;
	} else if (strcmp(key, "precision") == 0 || strcmp(key, "kv_precision") == 0) {
		list = precisions;
	} else if (strcmp(key, "purchase") == 0) {
		list = purchases;
	}
	for (size_t i = 0; list && list[i]; i++)
		candidate_add(list[i]);
}

/* The long options of command NAME (of its subcommand SUB, if it has one). */
static void complete_options(const char *name, const char *sub)
{
	const struct command *cmd = command_find(NULL, strcmp(name, "cost") == 0 ? "estimate" :
						 name);
	const struct cli_option *options = repl_command_options(name);

	if (cmd && cmd->subcommands && sub && command_find(cmd, sub))
		cmd = command_find(cmd, sub);
	if (!options && cmd)
		options = cmd->options;
	for (const struct cli_option *o = options; o && o->name; o++) {
		struct strbuf option = STRBUF_INIT;

		strbuf_addf(&option, "--%s", o->name);
		candidate_add_owned(strbuf_detach(&option, NULL));
	}
}

static bool is_one_of(const char *word, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(word, list[i]) == 0)
			return true;
	return false;
}

static char **complete(const char *text, int start, int end)
{
	static const char *const path_first[] = { "set", "unset", "show", "sweep", NULL };
	static const char *const metrics[] = { "total", "npv", "breakeven", "per_million_tokens",
					       NULL };
	char *before = xstrndup(rl_line_buffer, (size_t)start);
	char **words = NULL;
	int nwords = 0, arg;
	const char *cmd;
	bool files = false;
	char **matches = NULL;

	(void)end;
	candidates_reset();
	rl_attempted_completion_over = 1;
	if (repl_split(before, &words, &nwords) < 0) {
		error_clear();
		goto cleanup;
	}
	arg = nwords;   /* the index of the word being completed */
	cmd = nwords > 0 ? words[0] : NULL;
	if (cmd && strcmp(cmd, "aicost") == 0) {
		cmd = nwords > 1 ? words[1] : NULL;
		arg--;
	}
	if (!cmd) {
		const char **names;
		size_t n = repl_command_names(&names);

		for (size_t i = 0; i < n; i++)
			candidate_add(names[i]);
		free(names);
	} else if (text[0] == '-') {
		complete_options(cmd, arg > 1 ? words[nwords - arg + 1] : NULL);
	} else if (strcmp(words[nwords - 1], "--metric") == 0) {
		for (size_t i = 0; metrics[i]; i++)
			candidate_add(metrics[i]);
	} else if (strcmp(words[nwords - 1], "--deployment") == 0 ||
		   strcmp(words[nwords - 1], "-d") == 0) {
		const struct scenario *s = repl_scenario(session);

		for (size_t i = 0; s && i < s->ndeployments; i++)
			candidate_add(s->deployments[i].name);
	} else if (is_one_of(cmd, path_first) && (arg == 1 || (strcmp(cmd, "sweep") == 0 &&
							       arg == 5))) {
		complete_path(text);
	} else if (strcmp(cmd, "set") == 0 && arg == 2) {
		complete_value(words[nwords - 1]);
	} else if (strcmp(cmd, "plot") == 0 && (arg == 1 ||
						strcmp(words[nwords - 1], "--chart") == 0 ||
						strcmp(words[nwords - 1], "-c") == 0)) {
		for (size_t i = 0; i < CHART_COUNT; i++)
			candidate_add(plot_chart_names[i]);
	} else if (strcmp(cmd, "help") == 0 && arg == 1) {
		const char **names;
		size_t n = repl_command_names(&names);

		for (size_t i = 0; i < n; i++)
			candidate_add(names[i]);
		free(names);
	} else if (arg == 1 && command_find(NULL, cmd) && command_find(NULL, cmd)->subcommands) {
		const struct command *const *subs = command_find(NULL, cmd)->subcommands;

		for (size_t i = 0; subs[i]; i++)
			candidate_add(subs[i]->name);
	} else if (strcmp(cmd, "save") == 0 || strcmp(cmd, "load") == 0 ||
		   command_find(NULL, cmd)) {
		files = true;
	}
	if (files) {
		rl_attempted_completion_over = 0;   /* readline's own file names */
		goto cleanup;
	}
	{
		size_t nmatch = 0;
		const char *only = NULL;

		for (size_t i = 0; i < ncandidates; i++) {
			if (strncmp(candidates[i], text, strlen(text)) == 0) {
				nmatch++;
				only = candidates[i];
			}
		}
		/* "deployments." goes on without a space */
		rl_completion_suppress_append = nmatch == 1 && only[strlen(only) - 1] == '.';
	}
	matches = rl_completion_matches(text, generate);
cleanup:
	for (int i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
	free(before);
	return matches;
}

/* ---- the loop --------------------------------------------------------------------- */

int repl_terminal(struct repl *r)
{
	struct sigaction sa = { .sa_handler = on_sigint }, winch = { .sa_handler = on_sigwinch };
	struct sigaction old_int, old_winch;
	struct strbuf prompt = STRBUF_INIT;
	char *history = history_path();
	bool failed = false;

	session = r;
	rl_readline_name = "aicost";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_attempted_completion_function = complete;
	/* its end sequence, sent each time the handler is removed, cost a blank line */
	rl_variable_bind("enable-bracketed-paste", "off");
	/* '.' and '[' stay inside a word: deployments.rack.gpus is one path */
	rl_completer_word_break_characters = " \t\n\"'=";
	sigemptyset(&sa.sa_mask);
	sigemptyset(&winch.sa_mask);
	sigaction(SIGINT, &sa, &old_int);   /* no SA_RESTART: select() returns */
	sigaction(SIGWINCH, &winch, &old_winch);
	stifle_history(HISTORY_LINES);
	if (history) {
		mkdir_parents(history, false);
		error_clear();
		if (read_history(history) != 0)
			write_history(history);   /* creates it, for append_history */
	}
	while (!r->quit) {
		char *line = NULL;
		enum read_result got = read_line(repl_prompt(r, &prompt), &line);

		if (got == READ_INTERRUPTED)
			continue;
		if (got == READ_EOF) {
			putchar('\n');   /* Ctrl-D leaves the cursor after the prompt */
			if (!r->state || !scenario_doc_dirty(&r->doc) ||
			    repl_confirm(r, "quit and discard the unsaved changes?"))
				break;
			continue;
		}
		r->line++;
		if (line[strspn(line, " \t")]) {
			add_history(line);
			if (history)
				append_history(1, history);
		}
		got_sigint = 0;
		failed |= repl_execute(r, line) == EXIT_ERROR;
		free(line);
	}
	if (history)
		history_truncate_file(history, HISTORY_LINES);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
	candidates_reset();
	free(candidates);
	free(owned);
	candidates = NULL;
	owned = NULL;
	candidates_alloc = owned_alloc = 0;
	free_store_names();
	session = NULL;
	free(history);
	strbuf_release(&prompt);
	(void)failed;   /* at a terminal every error was seen as it happened */
	return EXIT_OK;
}
