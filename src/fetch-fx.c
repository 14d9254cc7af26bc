/* ECB euro foreign exchange reference rates: the daily XML into fx-EUR-CODE facts. */
#include "fetch.h"
#include "util.h"

#include <ctype.h>
#include <string.h>

#define FX_ENDPOINT "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
#define FX_MAX_RATES 200   /* the ECB publishes about 30; a guard against a runaway file */

/*
 * A small scanner for the one shape the ECB publishes:
 *   <gesmes:Envelope ...> ... <Cube><Cube time="YYYY-MM-DD">
 *     <Cube currency="USD" rate="1.0812"/> ... </Cube></Cube></gesmes:Envelope>
 * Elements are found by name; attributes are read inside each element's tag.
 */

/* The value of ATTR="..." (or '...') inside the tag [tag, end); false when absent. */
static bool tag_attribute(const char *tag, const char *end, const char *attr, struct strbuf *out)
{
	size_t alen = strlen(attr);

	for (const char *p = tag; p + alen + 2 < end; p++) {
		const char *v;
		char quote;

		if (!isspace((unsigned char)p[0]) || strncmp(p + 1, attr, alen) != 0)
			continue;
		v = p + 1 + alen;
		while (v < end && isspace((unsigned char)*v))
			v++;
		if (v >= end || *v != '=')
			continue;
		v++;
		while (v < end && isspace((unsigned char)*v))
			v++;
		if (v >= end || (*v != '"' && *v != '\''))
			return false;
		quote = *v++;
		strbuf_reset(out);
		while (v < end && *v != quote)
			strbuf_addch(out, *v++);
		return v < end;
	}
	return false;
}

static bool is_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != '-')
			return false;
	return atoi(s + 5) >= 1 && atoi(s + 5) <= 12 && atoi(s + 8) >= 1 && atoi(s + 8) <= 31;
}

static bool is_currency_code(const char *s)
{
	return strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
	       isupper((unsigned char)s[2]);
}

/* The next "<Cube" element tag at or after P: its start and the end of its tag. */
static const char *next_cube(const char *p, const char *end, const char **tag_end)
{
	static const char name[] = "<Cube";

	for (; p && p + sizeof(name) - 1 < end; p++) {
		p = memchr(p, '<', (size_t)(end - p));
		if (!p || (size_t)(end - p) < sizeof(name))
			return NULL;
		if (strncmp(p, name, sizeof(name) - 1) == 0 &&
		    (isspace((unsigned char)p[5]) || p[5] == '>' || p[5] == '/')) {
			*tag_end = memchr(p, '>', (size_t)(end - p));
			return *tag_end ? p : NULL;
		}
	}
	return NULL;
}

static bool contains(const char *text, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(text + i, needle, n) == 0)
			return true;
	return false;
}

int fx_parse_daily(const char *xml, size_t len, const char *source,
		   const struct fetch_sink *sink, struct fetch_stats *stats)
{
	const char *end = xml + len, *p = xml, *tag_end = NULL;
	struct strbuf date = STRBUF_INIT, code = STRBUF_INIT, rate = STRBUF_INIT;
	struct strbuf key = STRBUF_INIT, unit = STRBUF_INIT;
	char *seen[FX_MAX_RATES];
	size_t nseen = 0;
	bool usd = false;
	int result = -1;

	/* The closing tag last: a body cut anywhere before it is not the whole day. */
	if (!contains(xml, len, "</gesmes:Envelope>") || !contains(xml, len, "eurofxref")) {
		error_set("%s: not a complete ECB reference rate file", source);
		goto cleanup;
	}
	while ((p = next_cube(p, end, &tag_end)) && !tag_attribute(p, tag_end, "time", &date))
		p = tag_end;
	if (!p || !is_date(date.buf)) {
		error_set("%s: no <Cube time=\"YYYY-MM-DD\"> (got '%s')", source, date.buf);
		goto cleanup;
	}
	for (p = tag_end; (p = next_cube(p, end, &tag_end)); p = tag_end) {
		struct fact f = { 0 };
		double value;

		if (tag_attribute(p, tag_end, "time", &code)) {
			error_set("%s: more than one day in the file", source);
			goto cleanup;
		}
		stats->rows++;
		if (!tag_attribute(p, tag_end, "currency", &code) || !is_currency_code(code.buf) ||
		    !tag_attribute(p, tag_end, "rate", &rate) ||
		    !fetch_parse_price(rate.buf, &value) || !(value > 0)) {
			error_set("%s: rate %lu: expected <Cube currency=\"XYZ\" rate=\"1.23\"/>, "
				  "got %.*s", source, stats->rows, (int)(tag_end - p + 1), p);
			goto cleanup;
		}
		for (size_t i = 0; i < nseen; i++)
			if (strcmp(seen[i], code.buf) == 0) {
				error_set("%s: %s listed twice", source, code.buf);
				goto cleanup;
			}
		if (nseen == FX_MAX_RATES) {
			error_set("%s: more than %d rates", source, FX_MAX_RATES);
			goto cleanup;
		}
		seen[nseen++] = xstrdup(code.buf);
		usd |= strcmp(code.buf, "USD") == 0;
		strbuf_reset(&key);
		strbuf_addf(&key, "fx-EUR-%s", code.buf);
		strbuf_reset(&unit);
		strbuf_addf(&unit, "%s per EUR", code.buf);
		f.key = key.buf;
		f.low = f.high = value;
		f.unit = unit.buf;
		f.confidence = "exact";
		f.source = (char *)source;
		f.observed = date.buf;
		f.note = "ECB euro foreign exchange reference rate";
		if (sink->fact(sink->ctx, &f) < 0)
			goto cleanup;
		stats->facts++;
	}
	/* Every store price is in dollars: a day without USD converts nothing. */
	if (!usd) {
		error_set("%s: no USD rate among %zu", source, nseen);
		goto cleanup;
	}
	result = 0;
cleanup:
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	strbuf_release(&date);
	strbuf_release(&code);
	strbuf_release(&rate);
	strbuf_release(&key);
	strbuf_release(&unit);
	return result;
}

void fetch_fx_head_key(const struct fetch_config *config, struct strbuf *key)
{
	(void)config;
	strbuf_adds(key, fetch_endpoint("AICOST_FX_ENDPOINT", FX_ENDPOINT));
}

int fetch_fx(const struct fetch_config *config, const struct fetch_sink *sink,
	     struct fetch_result *result)
{
	const char *url = fetch_endpoint("AICOST_FX_ENDPOINT", FX_ENDPOINT);
	struct strbuf body = STRBUF_INIT;
	int rc = fetch_get_page(config, true, url, "reference rates", &body, result);

	if (rc == 0) {
		result->stats.pages++;
		rc = fx_parse_daily(body.buf, body.len, url, sink, &result->stats);
	}
	strbuf_release(&body);
	return rc < 0 ? -1 : 0;
}
