/* The domain model of prices: the vocabulary, conversions and releases (prices.h). */
#include "prices.h"
#include "units.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool purchase_option_valid(const char *name)
{
	static const char *const options[] = { PURCHASE_OPTIONS };

	for (size_t i = 0; name && i < ARRAY_SIZE(options); i++)
		if (strcmp(name, options[i]) == 0)
			return true;
	return false;
}

int purchase_term_months(const char *name)
{
	if (!name)
		return 0;
	if (str_ends_with(name, "-1y"))
		return 12;
	if (str_ends_with(name, "-3y"))
		return 36;
	return 0;
}

double purchase_term_hours(const char *name)
{
	return purchase_term_months(name) / 12.0 * HOURS_PER_YEAR;
}

/* ---- provenance ---- */

bool provenance_confidence_valid(const char *confidence)
{
	return confidence && (strcmp(confidence, "exact") == 0 || strcmp(confidence, "approx") == 0);
}

bool provenance_observed_valid(const char *s)
{
	static const int days_in_month[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t len = s ? strlen(s) : 0;
	int year, month, day;

	if (len != 4 && len != 7 && len != 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 4 || i == 7;

		if (dash ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	}
	year = atoi(s);
	if (len == 4)
		return true;
	month = atoi(s + 5);
	if (month < 1 || month > 12)
		return false;
	if (len == 7)
		return true;
	day = atoi(s + 8);
	if (day < 1 || day > days_in_month[month - 1])
		return false;
	/* February 29th only in a leap year of the Gregorian calendar. */
	return month != 2 || day < 29 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
}

const char *provenance_check(const char *what, const char *confidence, const char *source,
			     const char *observed)
{
	if (!provenance_confidence_valid(confidence)) {
		error_set("%s: confidence must be 'exact' or 'approx', got '%s'", what,
			  confidence ? confidence : "");
		return "confidence";
	}
	if (!source || !*source) {
		error_set("%s: every price needs a source", what);
		return "source";
	}
	if (!provenance_observed_valid(observed)) {
		error_set("%s: observed must be a date YYYY-MM-DD (or YYYY-MM, YYYY), got '%s'",
			  what, observed ? observed : "");
		return "observed";
	}
	return NULL;
}

/* ---- accelerators ---- */

void accelerator_key(const char *name, struct strbuf *out)
{
	strbuf_reset(out);
	for (const char *p = name; *p; p++)
		if (isalnum((unsigned char)*p))
			strbuf_addch(out, (char)tolower((unsigned char)*p));
}

void accelerator_release(struct accelerator *a)
{
	if (!a)
		return;
	free(a->name);
	free(a->vendor);
	free(a->kind);
	free(a->confidence);
	free(a->source);
	free(a->observed);
	free(a->note);
	free(a->interconnect_source);
	for (size_t i = 0; i < a->naliases; i++)
		free(a->aliases[i]);
	free(a->aliases);
	memset(a, 0, sizeof(*a));
}

void accelerator_copy(struct accelerator *to, const struct accelerator *from)
{
	*to = *from;
	to->name = xstrdup_or_null(from->name);
	to->vendor = xstrdup_or_null(from->vendor);
	to->kind = xstrdup_or_null(from->kind);
	to->confidence = xstrdup_or_null(from->confidence);
	to->source = xstrdup_or_null(from->source);
	to->observed = xstrdup_or_null(from->observed);
	to->note = xstrdup_or_null(from->note);
	to->interconnect_source = xstrdup_or_null(from->interconnect_source);
	to->aliases = from->naliases ? xcalloc(from->naliases, sizeof(*to->aliases)) : NULL;
	for (size_t i = 0; i < from->naliases; i++)
		to->aliases[i] = xstrdup_or_null(from->aliases[i]);
}

void accelerator_list_release(struct accelerator_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		accelerator_release(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* ---- offers ---- */

void offer_release(struct offer *o)
{
	if (!o)
		return;
	free(o->provider);
	free(o->region);
	free(o->zone);
	free(o->instance_type);
	free(o->accelerator);
	free(o->purchase);
	free(o->currency);
	free(o->observed);
	free(o->source);
	free(o->confidence);
	free(o->component);
	free(o->note);
	free(o->interconnect);
	memset(o, 0, sizeof(*o));
}

void offer_list_release(struct offer_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		offer_release(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

double offer_price_per_accelerator_hour(const struct offer *o)
{
	return o->accelerator_count > 0 ? o->price_per_hour / o->accelerator_count : NAN;
}

double offer_price_per_vcpu_hour(const struct offer *o)
{
	return o->accelerator_count == 0 && !o->accelerator && o->vcpus > 0 ?
		o->price_per_hour / o->vcpus : NAN;
}

/* AWS "m7i.xlarge": the letters before the generation digit ("m", "x", "mac"). */
static const char *aws_cpu_family(const char *type)
{
	size_t n = strcspn(type, "0123456789.");

	if (n == 1 && strchr("mt", type[0]))
		return "general";
	if (n == 1 && type[0] == 'c')
		return "compute";
	if (n == 1 && strchr("rxzu", type[0]))
		return "memory";
	return NULL;
}

/* Azure "Standard_D4s_v5": the series letter after the prefix. */
static const char *azure_cpu_family(const char *type)
{
	if (!str_starts_with(type, "Standard_"))
		return NULL;
	switch (type[strlen("Standard_")]) {
	case 'D': case 'B': return "general";
	case 'F': return "compute";
	case 'E': case 'M': return "memory";
	default: return NULL;
	}
}

/* GCP "n2-standard-8": the machine series and shape. */
static const char *gcp_cpu_family(const char *type)
{
	if (strstr(type, "-highmem-") || strstr(type, "-megamem-") || strstr(type, "-ultramem-") ||
	    str_starts_with(type, "m1-") || str_starts_with(type, "m2-") ||
	    str_starts_with(type, "m3-"))
		return "memory";
	if (strstr(type, "-highcpu-") || str_starts_with(type, "c2-") ||
	    str_starts_with(type, "c2d-") || str_starts_with(type, "h3-"))
		return "compute";
	if (strstr(type, "-standard-"))
		return "general";
	return NULL;
}

const char *offer_cpu_family(const struct offer *o)
{
	if (o->accelerator || o->accelerator_count > 0 || !o->provider || !o->instance_type)
		return NULL;
	if (strcmp(o->provider, "aws") == 0)
		return aws_cpu_family(o->instance_type);
	if (strcmp(o->provider, "azure") == 0)
		return azure_cpu_family(o->instance_type);
	if (strcmp(o->provider, "gcp") == 0)
		return gcp_cpu_family(o->instance_type);
	return NULL;
}

double offer_interruptions_per_day(const struct offer *o)
{
	return o->interruptions_per_month / (HOURS_PER_MONTH / 24);
}

double offer_price_per_pflop_hour(const struct offer *o)
{
	/* The one number that compares a TPU v5e with an H100. */
	double pflops = o->accelerator_count * o->bf16_tflops / 1000.0;

	return pflops > 0 ? o->price_per_hour / pflops : NAN;
}

/* ---- egress, storage, facts ---- */

void egress_tier_list_release(struct egress_tier_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		struct egress_tier *t = &list->items[i];

		free(t->provider);
		free(t->scope);
		free(t->destination);
		free(t->confidence);
		free(t->source);
		free(t->observed);
		free(t->note);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void storage_price_release(struct storage_price *p)
{
	if (!p)
		return;
	free(p->provider);
	free(p->region);
	free(p->storage_class);
	free(p->product);
	free(p->confidence);
	free(p->source);
	free(p->observed);
	free(p->note);
	memset(p, 0, sizeof(*p));
}

void storage_price_list_release(struct storage_price_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		storage_price_release(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void fact_release(struct fact *f)
{
	if (!f)
		return;
	free(f->key);
	free(f->unit);
	free(f->confidence);
	free(f->source);
	free(f->observed);
	free(f->note);
	memset(f, 0, sizeof(*f));
}

void fact_list_release(struct fact_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		fact_release(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}
