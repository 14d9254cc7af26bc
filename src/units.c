#include "units.h"
#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <string.h>

struct unit {
	const char *name;
	double factor;
};

static const struct unit count_units[] = {
	{ "", 1 }, { "k", 1e3 }, { "K", 1e3 }, { "M", 1e6 }, { "B", 1e9 }, { "T", 1e12 },
};

static const struct unit byte_units[] = {
	{ "B", 1 },
	{ "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "TB", 1e12 }, { "PB", 1e15 },
	{ "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 },
	{ "TiB", 1099511627776.0 }, { "PiB", 1125899906842624.0 },
};

static const struct unit duration_units[] = {
	{ "ms", 1.0 / 3600000.0 }, { "s", 1.0 / 3600.0 }, { "min", 1.0 / 60.0 },
	{ "h", 1 }, { "d", 24 }, { "w", 168 }, { "mo", HOURS_PER_MONTH }, { "y", HOURS_PER_YEAR },
	{ "hour", 1 }, { "hours", 1 }, { "day", 24 }, { "days", 24 }, { "week", 168 },
	{ "weeks", 168 }, { "month", HOURS_PER_MONTH }, { "months", HOURS_PER_MONTH },
	{ "year", HOURS_PER_YEAR }, { "years", HOURS_PER_YEAR },
};

static const struct unit money_units[] = {
	{ "", 1 }, { "k", 1e3 }, { "K", 1e3 }, { "M", 1e6 }, { "B", 1e9 },
};

/*
 * Splits TEXT into a decimal number and a unit suffix. Only plain decimal notation
 * is a number here: no hex, no "nan", no "inf", no thousands separators.
 */
static int split_number(const char *text, const char *what, double *value, const char **suffix,
			const char **suffix_end)
{
	const char *p = text, *start, *end;
	bool digits = false;
	char *parsed_end;
	char *copy;

	while (isspace((unsigned char)*p))
		p++;
	if (!*p) {
		error_set("empty value; expected %s", what);
		return -1;
	}
	start = p;
	if (*p == '+' || *p == '-')
		p++;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits = true;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits = true;
		}
	}
	if (!digits) {
		error_set("\"%s\": expected %s", text, what);
		return -1;
	}
	if ((*p == 'e' || *p == 'E') &&
	    (isdigit((unsigned char)p[1]) ||
	     ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
		p += 2;
		while (isdigit((unsigned char)*p))
			p++;
	}
	end = p;
	copy = xstrndup(start, (size_t)(end - start));
	*value = c_strtod(copy, &parsed_end);
	free(copy);
	/* Past 1e15 no quantity in a scenario is real, and products of such numbers
	 * reach infinity: refuse them here rather than print inf or nan later. */
	if (!isfinite(*value) || fabs(*value) > UNITS_MAX_NUMBER) {
		error_set("\"%s\": number too large (at most %g before a unit); expected %s", text,
			  UNITS_MAX_NUMBER, what);
		return -1;
	}
	while (isspace((unsigned char)*p))
		p++;
	*suffix = p;
	end = p + strlen(p);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	*suffix_end = end;
	return 0;
}

static void list_units(struct strbuf *sb, const struct unit *units, size_t n, size_t shown)
{
	size_t listed = 0;

	for (size_t i = 0; i < n && listed < shown; i++) {
		if (!*units[i].name)
			continue;
		strbuf_addf(sb, "%s%s", listed ? ", " : "", units[i].name);
		listed++;
	}
}

/* Parses "<number><unit>" where unit is one of UNITS (exact, case-sensitive). */
static int parse_with_units(const char *text, const char *what, const struct unit *units,
			    size_t n_units, size_t n_listed, bool unit_required, double *out)
{
	const char *suffix, *suffix_end;
	double value;
	size_t len;

	if (split_number(text, what, &value, &suffix, &suffix_end) < 0)
		return -1;
	len = (size_t)(suffix_end - suffix);
	if (len == 0 && value == 0) {
		/* Zero needs no unit: 0 hours is 0 years. */
		*out = 0;
		return 0;
	}
	for (size_t i = 0; i < n_units; i++) {
		if (strlen(units[i].name) != len || strncmp(units[i].name, suffix, len) != 0)
			continue;
		if (value < 0) {
			error_set("\"%s\": expected a non-negative %s", text, what);
			return -1;
		}
		value *= units[i].factor;
		if (!isfinite(value) || value > UNITS_MAX_NUMBER * 1e6) {
			error_set("\"%s\": number too large", text);
			return -1;
		}
		*out = value;
		return 0;
	}
	if (len == 0 && unit_required) {
		struct strbuf sb = STRBUF_INIT;

		list_units(&sb, units, n_units, n_listed);
		error_set("\"%s\": missing unit; expected one of %s", text, sb.buf);
		strbuf_release(&sb);
		return -1;
	} else {
		struct strbuf sb = STRBUF_INIT;
		char *unit = xstrndup(suffix, len);

		list_units(&sb, units, n_units, n_listed);
		error_set("\"%s\": unknown unit '%s'; expected one of %s", text, unit, sb.buf);
		free(unit);
		strbuf_release(&sb);
		return -1;
	}
}

int units_parse_number(const char *text, double *out)
{
	const char *suffix, *suffix_end;
	double value;

	if (split_number(text, "a number", &value, &suffix, &suffix_end) < 0)
		return -1;
	if (suffix != suffix_end) {
		error_set("\"%s\": expected a number", text);
		return -1;
	}
	*out = value;
	return 0;
}

int units_parse_count(const char *text, double *out)
{
	return parse_with_units(text, "count (e.g. 7B, 1.5M, 64)", count_units,
				ARRAY_SIZE(count_units), ARRAY_SIZE(count_units), false, out);
}

int units_parse_bytes(const char *text, double *out_bytes)
{
	return parse_with_units(text, "size (e.g. 40TB, 512GiB)", byte_units,
				ARRAY_SIZE(byte_units), ARRAY_SIZE(byte_units), true, out_bytes);
}

int units_parse_duration(const char *text, double *out_hours)
{
	/* List the short forms only: h, d, w, mo, y, and the sub-hour ones. */
	return parse_with_units(text, "duration (e.g. 36mo, 2w, 500ms)", duration_units,
				ARRAY_SIZE(duration_units), 8, true, out_hours);
}

int units_parse_age_days(const char *text, double *out_days)
{
	double hours;
	char *end;

	/* Digits alone are days; anything else is a duration with its unit. */
	if (text[strspn(text, "0123456789.")] == '\0' && *text) {
		*out_days = c_strtod(text, &end);
		if (*end == '\0' && isfinite(*out_days) && *out_days <= UNITS_MAX_NUMBER)
			return 0;
	} else if (units_parse_duration(text, &hours) == 0 && hours >= 0) {
		*out_days = hours / 24;
		return 0;
	}
	error_clear();
	error_set("\"%s\": expected a number of days or a duration (e.g. 180, 30d, 6w, 6mo)", text);
	return -1;
}

int units_parse_fraction(const char *text, double *out_fraction)
{
	const char *suffix, *suffix_end;
	double value;
	size_t len;

	if (split_number(text, "a percentage (e.g. 40%) or a fraction (0.4)", &value, &suffix,
			 &suffix_end) < 0)
		return -1;
	len = (size_t)(suffix_end - suffix);
	if (value < 0) {
		error_set("\"%s\": expected a non-negative percentage", text);
		return -1;
	}
	if (len == 1 && *suffix == '%') {
		/* A rate of 1e300% compounds to infinity; 100x is beyond any real one. */
		if (value > 10000) {
			error_set("\"%s\": expected at most 10000%%", text);
			return -1;
		}
		*out_fraction = value / 100.0;
		return 0;
	}
	if (len != 0) {
		char *unit = xstrndup(suffix, len);

		error_set("\"%s\": unknown unit '%s'; expected a percentage (40%%) or a fraction (0.4)",
			  text, unit);
		free(unit);
		return -1;
	}
	if (value > 1) {
		error_set("\"%s\": a bare number is a fraction from 0 to 1; write %g%% for a percentage",
			  text, value);
		return -1;
	}
	*out_fraction = value;
	return 0;
}

int units_parse_money(const char *text, double *out)
{
	const char *p = text;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '$')
		p++;
	return parse_with_units(p, "amount of money (e.g. 310k, 1.5M, 0.08)", money_units,
				ARRAY_SIZE(money_units), ARRAY_SIZE(money_units), false, out);
}

int units_parse_rate(const char *text, const char *const *expected, double *out_amount,
		     const char **out_unit)
{
	const char *slash = strchr(text, '/');
	const char *unit;
	char *amount;
	int result;

	if (!slash) {
		error_set("\"%s\": expected a rate like %s%s", text, "184/",
			  expected && expected[0] ? expected[0] : "unit");
		return -1;
	}
	amount = xstrndup(text, (size_t)(slash - text));
	result = units_parse_money(amount, out_amount);
	free(amount);
	if (result < 0) {
		error_prefix("rate \"%s\": ", text);
		return -1;
	}
	unit = slash + 1;
	while (isspace((unsigned char)*unit))
		unit++;
	for (size_t i = 0; expected && expected[i]; i++) {
		if (str_ieq(unit, expected[i])) {
			if (out_unit)
				*out_unit = expected[i];
			return 0;
		}
	}
	{
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; expected && expected[i]; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", expected[i]);
		error_set("\"%s\": unknown rate unit '%s'; expected one of %s", text, unit, sb.buf);
		strbuf_release(&sb);
	}
	return -1;
}

int units_parse_int(const char *text, long *out)
{
	double value;

	if (units_parse_count(text, &value) < 0)
		return -1;
	if (value != floor(value)) {
		error_set("\"%s\": expected a whole number", text);
		return -1;
	}
	if (value > INT_MAX) {
		error_set("\"%s\": number too large (at most %d)", text, INT_MAX);
		return -1;
	}
	*out = (long)value;
	return 0;
}

const char *units_money_sign(const char *code)
{
	return !code || str_ieq(code, "USD") ? "$" : code;
}
