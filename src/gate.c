/* Shared by aicost check and aicost diff: loading (also from git), prices, escaping. */
#include "gate.h"
#include "db.h"
#include "cli.h"
#include "table.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const format_names[] = { "text", "json", "junit", "github", "markdown" };

int gate_format_parse(const char *text, enum gate_format *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(format_names); i++) {
		if (strcmp(text, format_names[i]) == 0) {
			*out = (enum gate_format)i;
			return 0;
		}
	}
	if (strcmp(text, "md") == 0) {
		*out = GATE_MARKDOWN;
		return 0;
	}
	error_set("\"%s\": expected %s", text, GATE_FORMATS);
	return -1;
}

void gate_options_init(struct gate_options *o)
{
	memset(o, 0, sizeof(*o));
	budget_init(&o->flags);
	o->max_age_days = -1;
}

/* An amount for --budget-total / --budget-monthly ("5M", "250k/month"). */
static int parse_limit(const char *text, double *out)
{
	static const char *const per_month[] = { "month", "mo", NULL };
	int rc = strchr(text, '/') ? units_parse_rate(text, per_month, out, NULL) :
		units_parse_money(text, out);

	if (rc < 0 || !(*out > 0)) {
		error_set("\"%s\": expected a positive amount (e.g. 5M, 250k)", text);
		return -1;
	}
	return 0;
}

int gate_option(const char *cmd, struct gate_options *o, int opt, const char *arg)
{
	const char *name;
	int rc;

	switch (opt) {
	case GATEOPT_BUDGET_TOTAL:
		name = "--budget-total";
		rc = parse_limit(arg, &o->flags.total);
		break;
	case GATEOPT_BUDGET_MONTHLY:
		name = "--budget-monthly";
		rc = parse_limit(arg, &o->flags.monthly);
		break;
	case GATEOPT_AT:
		name = "--at";
		rc = budget_at_parse(arg, &o->at);
		break;
	case GATEOPT_MAX_PRICE_AGE:
		name = "--max-price-age";
		rc = units_parse_age_days(arg, &o->max_age_days);
		break;
	case GATEOPT_FORMAT:
		name = "--format";
		rc = gate_format_parse(arg, &o->format);
		break;
	default:
		return 1;
	}
	if (rc == 0)
		return 0;
	usage_error(cmd, "%s: %s", name, error_get());
	error_clear();
	return -1;
}

int gate_fail(struct gate_scenario *g, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		strbuf_setlen(&sb, sb.len - 1);
	free(g->error);
	g->error = strbuf_detach(&sb, NULL);
	/* "SPEC:LINE:COL: ..." says where: the annotation points there. */
	if (strncmp(g->error, g->spec, strlen(g->spec)) == 0 && g->error[strlen(g->spec)] == ':')
		sscanf(g->error + strlen(g->spec), ":%d:%d:", &g->error_line, &g->error_col);
	return -1;
}

/* The output of 'git show REV:PATH' (no shell: REV and PATH are arguments). */
static char *git_show(const char *rev, const char *path, size_t *len)
{
	struct strbuf object = STRBUF_INIT, out = STRBUF_INIT;
	char buf[8192];
	int fds[2], status;
	pid_t pid;
	ssize_t got;

	strbuf_addf(&object, "%s:%s", rev, path);
	if (pipe(fds) < 0) {
		error_set("git show %s: %s", object.buf, strerror(errno));
		strbuf_release(&object);
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		error_set("git show %s: %s", object.buf, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		strbuf_release(&object);
		return NULL;
	}
	if (pid == 0) {
		char *argv[] = { "git", "show", "--end-of-options", object.buf, NULL };

		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp("git", argv);
		_exit(127);
	}
	close(fds[1]);
	while ((got = read(fds[0], buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		strbuf_add(&out, buf, (size_t)got);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			error_set("git show %s: cannot run git", object.buf);
		else
			error_set("git show %s failed (is %s a revision, and %s a file in it?)",
				  object.buf, rev, path);
		strbuf_release(&object);
		strbuf_release(&out);
		return NULL;
	}
	strbuf_release(&object);
	*len = out.len;
	return strbuf_detach(&out, NULL);
}

int gate_read(struct gate_scenario *g, const char *spec)
{
	memset(g, 0, sizeof(*g));
	g->spec = spec;
	if (strncmp(spec, "git:", 4) == 0) {
		const char *rev = spec + 4, *colon = strchr(rev, ':');
		char *rev_name;

		if (!colon || colon == rev || !colon[1])
			return gate_fail(g, "%s: expected git:REVISION:PATH (git:origin/main:plan.yaml)",
					 spec);
		/* git would take "-..." for one of its options (--output=FILE writes a file) */
		if (rev[0] == '-')
			return gate_fail(g, "%s: a revision cannot start with '-'", spec);
		rev_name = xstrndup(rev, (size_t)(colon - rev));
		g->text = git_show(rev_name, colon + 1, &g->len);
		free(rev_name);
		g->file = xstrdup(colon + 1 + (strncmp(colon + 1, "./", 2) == 0 ? 2 : 0));
	} else if (strcmp(spec, "-") == 0) {
		g->text = read_stream(stdin, "stdin", &g->len);
		g->file = xstrdup("stdin");
	} else {
		g->text = read_file(spec, &g->len);
		g->file = xstrdup(spec);
	}
	if (!g->text) {
		gate_fail(g, "%s", error_get());
		error_clear();
		return -1;
	}
	return 0;
}

void gate_take_text(struct gate_scenario *g, const char *name, char *text, size_t len)
{
	memset(g, 0, sizeof(*g));
	g->spec = name;
	g->file = xstrdup(name);
	g->text = text;
	g->len = len;
}

int gate_compute(struct gate_scenario *g, const char *const *overrides, size_t noverrides,
		 struct db *db, const struct tco_options *opts)
{
	struct strbuf errors = STRBUF_INIT;
	const char *name = strcmp(g->spec, "-") == 0 ? "stdin" : g->spec;

	if (scenario_load_text(name, g->text, g->len, overrides, noverrides, &g->scenario,
			       &errors) < 0) {
		gate_fail(g, "%s", errors.len ? errors.buf : error_get());
		error_clear();
		strbuf_release(&errors);
		return -1;
	}
	strbuf_release(&errors);
	g->loaded = true;
	if (tco_run(db, &g->scenario, opts, &g->result) < 0) {
		gate_fail(g, "%s", error_get());
		error_clear();
		return -1;
	}
	g->computed = true;
	return 0;
}

void gate_release(struct gate_scenario *g)
{
	if (g->computed)
		tco_result_release(&g->result);
	if (g->loaded)
		scenario_release(&g->scenario);
	for (size_t i = 0; i < g->nprices; i++) {
		free(g->prices[i].provider);
		free(g->prices[i].source);
		free(g->prices[i].observed);
		free(g->prices[i].oldest_used);
	}
	free(g->prices);
	free(g->file);
	free(g->text);
	free(g->error);
	memset(g, 0, sizeof(*g));
}

/* Adds PROVIDER (the first LEN bytes) to NAMES unless it is there. */
static void add_name(char ***names, size_t *n, size_t *alloc, const char *provider, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*names)[i]) == len && strncmp((*names)[i], provider, len) == 0)
			return;
	xgrow(names, alloc, *n + 1, sizeof(**names));
	(*names)[(*n)++] = xstrndup(provider, len);
}

/* The providers deployment D buys from, directly or through the ones it names. */
static void providers_of(const struct scenario *s, const struct deployment *d, int depth,
			 char ***names, size_t *n, size_t *alloc)
{
	if (!d || depth > 3)
		return;
	if (d->kind == DEPLOYMENT_CLOUD && d->provider) {
		add_name(names, n, alloc, d->provider, strlen(d->provider));
		if (d->shortage.fallback) {
			const char *slash = strchr(d->shortage.fallback, '/');

			if (slash)
				add_name(names, n, alloc, d->shortage.fallback,
					 (size_t)(slash - d->shortage.fallback));
			else
				providers_of(s, scenario_find_deployment(s, d->shortage.fallback),
					     depth + 1, names, n, alloc);
		}
	} else if (d->kind == DEPLOYMENT_ONPREM) {
		providers_of(s, scenario_find_deployment(s, d->fallback), depth + 1, names, n, alloc);
	} else if (d->kind == DEPLOYMENT_HYBRID) {
		providers_of(s, scenario_find_deployment(s, d->base), depth + 1, names, n, alloc);
		providers_of(s, scenario_find_deployment(s, d->burst), depth + 1, names, n, alloc);
	}
}

/*
 * The offers deployment INDEX used, one by one: a provider's snapshot may hold a
 * few fresh rows and many old ones, and the scenario priced with whichever it
 * needed. Each provider's oldest one is kept; one older than MAX_AGE_DAYS (-1:
 * any age) fails the scenario as it fails estimate, naming the offer (once: the
 * first failure stands).
 */
static int used_prices(struct gate_scenario *g, size_t index, double max_age_days, time_t now)
{
	const char *name = g->scenario.deployments[index].name;
	const struct tco_prices_used *used = &g->result.prices;
	int result = 0;

	for (size_t i = 0; i < used->n; i++) {
		const struct tco_price_used *u = &used->items[i];
		double age = observed_age_days(u->observed, now);

		if (strcmp(u->deployment, name) != 0)
			continue;
		for (size_t k = 0; k < g->nprices; k++) {
			struct gate_price *p = &g->prices[k];

			/* An unknown date is as old as can be, as in estimate. */
			if (strcmp(p->provider, u->provider) == 0 &&
			    (!p->oldest_used || isnan(age) || age > p->oldest_used_age_days)) {
				free(p->oldest_used);
				p->oldest_used = xstrdup(u->observed ? u->observed : "?");
				p->oldest_used_age_days = age;
			}
		}
		if (max_age_days >= 0 && !(age <= max_age_days) && g->error == NULL) {
			if (isnan(age))
				gate_fail(g, "%s: the %s %s price of %s in %s (deployment %s) has no "
					  "observed date, over --max-price-age %g days; refresh it with "
					  "'aicost pricing update' or 'aicost pricing import'", g->spec,
					  u->provider, u->purchase, u->instance_type, u->region, name,
					  max_age_days);
			else
				gate_fail(g, "%s: the %s %s price of %s in %s (deployment %s) was "
					  "observed %s, %.0f days ago, over --max-price-age %g days; "
					  "refresh it with 'aicost pricing update' or 'aicost pricing "
					  "import'", g->spec, u->provider, u->purchase, u->instance_type,
					  u->region, name, u->observed, age, max_age_days);
			result = -1;
		}
	}
	return result;
}

int gate_prices(struct gate_scenario *g, struct db *db, size_t index, double max_age_days)
{
	struct snapshot_list list = { 0 };
	char **names = NULL;
	size_t nnames = 0, alloc = 0, prices_alloc = g->nprices;
	time_t now = time(NULL);
	int result = 0;

	providers_of(&g->scenario, &g->scenario.deployments[index], 0, &names, &nnames, &alloc);
	if (nnames > 0 && db_list_snapshots(db, &list) < 0) {
		gate_fail(g, "%s", error_get());
		error_clear();
		result = -1;
	}
	for (size_t i = 0; i < nnames && list.items; i++) {
		const struct snapshot_info *best = NULL;
		bool known = false;

		for (size_t k = 0; k < g->nprices; k++)
			known = known || strcmp(g->prices[k].provider, names[i]) == 0;
		/* Newest first: the first current one with offers is what prices it. */
		for (size_t k = 0; k < list.n && !known && !best; k++) {
			const struct snapshot_info *s = &list.items[k];

			if (strcmp(s->provider, names[i]) == 0 && s->current && s->offer_rows > 0 &&
			    strcmp(s->status, "ok") == 0)
				best = s;
		}
		if (best) {
			xgrow(&g->prices, &prices_alloc, g->nprices + 1, sizeof(*g->prices));
			g->prices[g->nprices++] = (struct gate_price){
				xstrdup(best->provider), best->id, xstrdup(best->source),
				xstrdup(best->observed ? best->observed : "?"),
				observed_age_days(best->observed, now), NULL, NAN,
			};
			if (max_age_days >= 0 && !(g->prices[g->nprices - 1].age_days <= max_age_days) &&
			    result == 0) {
				gate_fail(g, "%s: the %s prices (snapshot %lld, observed %s) are %.0f days "
					  "old, over --max-price-age %g days; refresh them with 'aicost "
					  "pricing update' or 'aicost pricing import'", g->spec,
					  best->provider, (long long)best->id, g->prices[g->nprices - 1].observed,
					  g->prices[g->nprices - 1].age_days, max_age_days);
				result = -1;
			}
		}
	}
	if (used_prices(g, index, max_age_days, now) < 0)
		result = -1;
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	snapshot_list_release(&list);
	return result;
}

void gate_describe_prices(struct strbuf *sb, const struct gate_scenario *g)
{
	if (g->nprices == 0)
		strbuf_adds(sb, "none from the store");
	for (size_t i = 0; i < g->nprices; i++) {
		const struct gate_price *p = &g->prices[i];

		strbuf_addf(sb, "%s%s snapshot %lld (%s) observed %s", i ? ", " : "", p->provider,
			    (long long)p->snapshot, p->source, p->observed);
		if (p->oldest_used && strcmp(p->oldest_used, p->observed) != 0)
			strbuf_addf(sb, ", the oldest price used %s", p->oldest_used);
	}
}

void gate_xml_escape(FILE *fp, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&apos;", fp); break;
		case '\n': fputs("&#10;", fp); break;
		case '\t': fputc('\t', fp); break;
		default:
			/* XML 1.0 has no other control characters */
			if (*p >= 0x20)
				fputc(*p, fp);
		}
	}
}

void gate_github_escape(FILE *fp, const char *text, bool property)
{
	for (const char *p = text; *p; p++) {
		if (*p == '%')
			fputs("%25", fp);
		else if (*p == '\r')
			fputs("%0D", fp);
		else if (*p == '\n')
			fputs("%0A", fp);
		else if (property && *p == ':')
			fputs("%3A", fp);
		else if (property && *p == ',')
			fputs("%2C", fp);
		else
			fputc(*p, fp);
	}
}

int gate_step_summary(const char *cmd, const char *markdown)
{
	const char *path = getenv("GITHUB_STEP_SUMMARY");
	FILE *fp;

	if (!path || !*path)
		return 0;
	fp = fopen(path, "a");
	if (fp) {
		bool written = fputs(markdown, fp) != EOF;

		if (fclose(fp) == 0 && written)
			return 0;
	}
	warnx_cmd(cmd, "GITHUB_STEP_SUMMARY %s: %s", path, strerror(errno));
	return -1;
}

void gate_money(struct strbuf *sb, double value, int decimals)
{
	if (isnan(value))
		strbuf_adds(sb, "-");
	else
		format_grouped(sb, value, decimals);
}

const char *gate_check_deployment(const struct gate_scenario *g, const struct budget_check *c)
{
	return g->result.deployments[c->deployment].deployment->name;
}

void gate_check_position(const struct gate_scenario *g, const struct budget_check *c,
			 int *line, int *col)
{
	const char *where = g->result.deployments[c->deployment].deployment->where;
	int where_line = 0, where_col = 0;

	*line = c->line;
	*col = c->col;
	if (*line > 0)
		return;
	/* A limit from a flag or --set: the deployment itself ("file:line:col"), or plan:. */
	if (where && strlen(where) > strlen(g->spec) && strncmp(where, g->spec, strlen(g->spec)) == 0)
		sscanf(where + strlen(g->spec), ":%d:%d", &where_line, &where_col);
	if (g->scenario.plan_line > 0 && !where_line) {
		where_line = g->scenario.plan_line;
		where_col = g->scenario.plan_col;
	}
	*line = where_line;
	*col = where_col;
}

static json_t *number_or_null(double value)
{
	return isfinite(value) ? json_real(value) : json_null();
}

json_t *gate_prices_json(const struct gate_scenario *g)
{
	json_t *list = json_array();

	for (size_t i = 0; i < g->nprices; i++)
		json_array_append_new(list, json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o}",
			"provider", g->prices[i].provider, "snapshot", (json_int_t)g->prices[i].snapshot,
			"source", g->prices[i].source, "observed", g->prices[i].observed,
			"age_days", number_or_null(g->prices[i].age_days),
			"oldest_used_observed", g->prices[i].oldest_used ?
				json_string(g->prices[i].oldest_used) : json_null(),
			"oldest_used_age_days", g->prices[i].oldest_used ?
				number_or_null(g->prices[i].oldest_used_age_days) : json_null()));
	return list;
}

json_t *gate_check_json(const struct gate_scenario *g, const struct budget_check *c)
{
	struct strbuf key = STRBUF_INIT, text = STRBUF_INIT;
	json_t *o = json_object();

	budget_check_key(&key, &g->result, c);
	budget_check_describe(&text, &g->result, c);
	json_object_set_new(o, "deployment", json_string(gate_check_deployment(g, c)));
	json_object_set_new(o, "budget", json_string(c->kind == BUDGET_FEASIBLE ? "feasibility" :
						     budget_kind_names[c->kind]));
	json_object_set_new(o, "key", json_string(key.buf));
	json_object_set_new(o, "status", json_string(budget_status_names[c->status]));
	json_object_set_new(o, "actual", number_or_null(c->actual));
	json_object_set_new(o, "limit", number_or_null(c->limit));
	json_object_set_new(o, "headroom", number_or_null(c->headroom));
	json_object_set_new(o, "headroom_percent", c->limit > 0 ?
			    number_or_null(100 * c->headroom / c->limit) : json_null());
	json_object_set_new(o, "first_month_over", c->first_month_over > 0 ?
			    json_integer(c->first_month_over) : json_null());
	json_object_set_new(o, "peak_month", c->peak_month > 0 ? json_integer(c->peak_month) :
			    json_null());
	json_object_set_new(o, "line", c->line > 0 ? json_integer(c->line) : json_null());
	json_object_set_new(o, "col", c->line > 0 ? json_integer(c->col) : json_null());
	json_object_set_new(o, "message", json_string(text.buf));
	strbuf_release(&key);
	strbuf_release(&text);
	return o;
}

void gate_xml_attr(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, " %s=\"", name);
	gate_xml_escape(fp, value);
	fputc('"', fp);
}

void gate_junit_testcase(FILE *fp, const struct gate_scenario *g, const char *suite,
			 const struct budget_check *c)
{
	struct strbuf sb = STRBUF_INIT;
	const char *element = c->status == BUDGET_FAIL ? "failure" : "error";
	int decimals = budget_decimals(c->kind), line, col;

	fputs("    <testcase", fp);
	strbuf_addf(&sb, "%s.%s", suite, gate_check_deployment(g, c));
	gate_xml_attr(fp, "classname", sb.buf);
	strbuf_reset(&sb);
	budget_check_key(&sb, &g->result, c);
	gate_xml_attr(fp, "name", sb.buf);
	gate_xml_attr(fp, "file", g->file);
	gate_check_position(g, c, &line, &col);
	if (line > 0)
		fprintf(fp, " line=\"%d\"", line);
	if (c->status == BUDGET_PASS) {
		fputs("/>\n", fp);
		strbuf_release(&sb);
		return;
	}
	fprintf(fp, ">\n      <%s type=\"%s\"", element,
		c->status == BUDGET_FAIL ? "over budget" : "error");
	strbuf_reset(&sb);
	budget_check_describe(&sb, &g->result, c);
	gate_xml_attr(fp, "message", sb.buf);
	fputc('>', fp);
	strbuf_reset(&sb);
	strbuf_adds(&sb, "actual: ");
	gate_money(&sb, c->actual, decimals);
	strbuf_adds(&sb, "\nlimit: ");
	gate_money(&sb, c->limit, decimals);
	strbuf_adds(&sb, "\nheadroom: ");
	gate_money(&sb, c->headroom, decimals);
	if (c->first_month_over > 0)
		strbuf_addf(&sb, "\nfirst month over: %d", c->first_month_over);
	if (c->message)
		strbuf_addf(&sb, "\n%s", c->message);
	gate_xml_escape(fp, sb.buf);
	fprintf(fp, "</%s>\n    </testcase>\n", element);
	strbuf_release(&sb);
}

void gate_junit_error(FILE *fp, const char *classname, const char *name, const char *message)
{
	fputs("    <testcase", fp);
	gate_xml_attr(fp, "classname", classname);
	gate_xml_attr(fp, "name", name);
	fputs(">\n      <error type=\"error\"", fp);
	gate_xml_attr(fp, "message", message);
	fputc('>', fp);
	gate_xml_escape(fp, message);
	fputs("</error>\n    </testcase>\n", fp);
}

void gate_github_annotation(FILE *fp, const char *file, int line, int col, const char *title,
			    const char *message)
{
	fputs("::error file=", fp);
	gate_github_escape(fp, file, true);
	if (line > 0)
		fprintf(fp, ",line=%d,col=%d", line, col);
	fputs(",title=", fp);
	gate_github_escape(fp, title, true);
	fputs("::", fp);
	gate_github_escape(fp, message, false);
	fputc('\n', fp);
}

void gate_github_check(FILE *fp, const struct gate_scenario *g, const struct budget_check *c,
		       const char *cmd, const char *why)
{
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT;
	int line, col;

	strbuf_addf(&sb, "%s: ", gate_check_deployment(g, c));
	budget_check_describe(&sb, &g->result, c);
	if (c->status == BUDGET_PASS) {
		fprintf(fp, "pass %s\n", sb.buf);
	} else {
		gate_check_position(g, c, &line, &col);
		if (why)
			strbuf_addf(&sb, "; %s", why);
		strbuf_addf(&title, "aicost %s: %s", cmd, c->status == BUDGET_FAIL ?
			    "over budget" : "cannot check");
		gate_github_annotation(fp, g->file, line, col, title.buf, sb.buf);
	}
	strbuf_release(&sb);
	strbuf_release(&title);
}

const char *const gate_marks[] = { "✅ pass", "❌ fail", "⚠️ error" };

void gate_markdown_check_row(struct strbuf *md, const struct gate_scenario *g, const char *suite,
			     const struct budget_check *c)
{
	struct strbuf key = STRBUF_INIT;
	int decimals = budget_decimals(c->kind);

	budget_check_key(&key, &g->result, c);
	strbuf_addf(md, "| %s | %s | %s | `%s` | ", gate_marks[c->status], suite,
		    gate_check_deployment(g, c), key.buf);
	gate_money(md, c->actual, decimals);
	strbuf_adds(md, " | ");
	gate_money(md, c->limit, decimals);
	strbuf_adds(md, " | ");
	gate_money(md, c->headroom, decimals);
	if (c->limit > 0 && isfinite(c->headroom))
		strbuf_addf(md, " (%.1f%%)", 100 * c->headroom / c->limit);
	strbuf_adds(md, " | ");
	if (c->first_month_over > 0)
		strbuf_addf(md, "%d", c->first_month_over);
	strbuf_adds(md, " |\n");
	strbuf_release(&key);
}

void gate_markdown_check_header(struct strbuf *md, enum budget_at at)
{
	strbuf_addf(md, "| Status | Scenario | Deployment | Budget | Actual (%s) | Limit | Headroom "
		    "| First month over |\n|---|---|---|---|---:|---:|---:|---:|\n",
		    budget_at_name(at));
}

/* One line of MESSAGE (its lines joined by "; ") into MD. */
void gate_markdown_line(struct strbuf *md, const char *message)
{
	for (const char *p = message; *p; p++) {
		if (*p == '\n')
			strbuf_adds(md, p[1] ? "; " : "");
		else
			strbuf_addch(md, *p == '|' ? '/' : *p);
	}
}
