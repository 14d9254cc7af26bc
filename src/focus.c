/*
 * FOCUS 1.2 export (focus.h). Every mandatory column is present; an estimate has
 * no invoice, so the billed, effective, list and contracted costs are the same
 * estimated cash, the scenario is the billing account and each deployment a
 * sub-account. aicost's own columns carry the x_ prefix that FOCUS reserves
 * for them.
 */
#include "focus.h"
#include "scenario.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const columns[] = {
	/* mandatory in FOCUS 1.2 */
	"BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
	"BillingPeriodStart", "BillingPeriodEnd", "ChargeCategory", "ChargeClass",
	"ChargeDescription", "ChargePeriodStart", "ChargePeriodEnd", "ContractedCost",
	"EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit",
	"ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
	/* conditional and optional ones that an estimate can fill */
	"PricingCategory", "RegionId", "RegionName", "ResourceId", "ResourceName",
	"ResourceType", "SubAccountId", "SubAccountName",
	/* aicost's own */
	"x_AicostScenario", "x_AicostDeploymentKind", "x_AicostComponent", "x_AicostMonth",
	"x_AicostPurchase", "x_AicostExcluded",
};

/* What one component is to FOCUS: its service and charge category. */
static const struct {
	const char *service_category;
	const char *service_name;
	bool hardware;             /* paid to the owner of on-prem hardware, not a cloud */
} components[COST_NCOMPONENTS] = {
	[COST_COMPUTE] = { "AI and Machine Learning", "GPU compute", false },
	[COST_STORAGE] = { "Storage", "Storage", false },
	[COST_EGRESS] = { "Networking", "Data transfer out", false },
	[COST_SHORTAGE] = { "AI and Machine Learning", "GPU shortage premium", false },
	[COST_CAPEX] = { "Compute", "Hardware purchase", true },
	[COST_POWER] = { "Other", "Power", true },
	[COST_FACILITY] = { "Other", "Colocation and facility", true },
	[COST_STAFF] = { "Other", "Operations staff", true },
	[COST_NETWORK] = { "Networking", "Network and transit", true },
	[COST_MAINTENANCE] = { "Compute", "Hardware maintenance", true },
	[COST_RESIDUAL] = { "Compute", "Residual value of hardware", true },
	[COST_PIPELINE] = { "Compute", "CPU data pipelines", false },
	[COST_LABELING] = { "Other", "Data labelling", false },
};

static bool leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return month == 2 && leap_year(year) ? 29 : days[month - 1];
}

int focus_month_start(const char *start_date, int months, struct strbuf *out)
{
	int year, month, day, used = 0;

	if (!start_date || sscanf(start_date, "%4d-%2d-%2d%n", &year, &month, &day, &used) != 3 ||
	    start_date[used] || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, month)) {
		error_set("start_date \"%s\": expected YYYY-MM-DD", start_date ? start_date : "");
		return -1;
	}
	month += months;
	year += (month - 1) / 12;
	month = (month - 1) % 12 + 1;
	if (day > days_in_month(year, month))
		day = days_in_month(year, month);
	strbuf_addf(out, "%04d-%02d-%02dT00:00:00Z", year, month, day);
	return 0;
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(struct strbuf *line, const char *text)
{
	if (!text)
		text = "";
	if (strpbrk(text, ",\"\r\n")) {
		strbuf_addch(line, '"');
		for (const char *p = text; *p; p++) {
			if (*p == '"')
				strbuf_addch(line, '"');
			strbuf_addch(line, *p);
		}
		strbuf_addch(line, '"');
	} else {
		strbuf_adds(line, text);
	}
}

static void csv_money(struct strbuf *line, double value)
{
	/* Cents and four more digits: the rows add up to the totals. */
	strbuf_addf(line, "%.6f", value == 0 ? 0 : value);
}

/* Standard (on-demand), Dynamic (spot), Committed, or Other for a mix. */
static const char *pricing_category(const struct deployment *d, enum cost_component c)
{
	const char *purchase;

	if (c == COST_SHORTAGE)
		return "Dynamic";      /* bought at whatever the market asks */
	if (c != COST_COMPUTE)
		return d->kind == DEPLOYMENT_CLOUD || !components[c].hardware ? "Standard" :
			"Other";
	if (d->kind != DEPLOYMENT_CLOUD)
		return "Other";
	if (d->npurchase > 1)
		return "Other";
	purchase = d->npurchase ? d->purchase[0].option : "on-demand";
	if (strcmp(purchase, "on-demand") == 0)
		return "Standard";
	return strcmp(purchase, "spot") == 0 ? "Dynamic" : "Committed";
}

/* The provider that is paid: the cloud, or whoever runs the hardware. */
static const char *provider_of(const struct scenario *s, const struct deployment *d,
			       enum cost_component c)
{
	const char *cloud = d->kind == DEPLOYMENT_HYBRID ? d->burst : d->fallback;
	const struct deployment *other;

	if (d->kind == DEPLOYMENT_CLOUD)
		return d->provider ? d->provider : "cloud";
	if (components[c].hardware || !cloud)
		return "On-premises";
	other = scenario_find_deployment(s, cloud);
	if (other && other->kind == DEPLOYMENT_CLOUD && other->provider)
		return other->provider;
	return "On-premises";
}

static void purchase_mix(const struct deployment *d, struct strbuf *out)
{
	if (d->kind != DEPLOYMENT_CLOUD)
		return;
	if (d->npurchase == 0)
		strbuf_adds(out, "on-demand 100%");
	for (size_t i = 0; i < d->npurchase; i++)
		strbuf_addf(out, "%s%s %g%%", i ? " " : "", d->purchase[i].option,
			    round(d->purchase[i].fraction * 1000) / 10);
}

int focus_write(FILE *fp, const struct tco_result *r, int only)
{
	const struct scenario *s = r->scenario;
	const char *currency = s->currency ? s->currency : "USD";
	const char *scenario_name = s->name ? s->name : "scenario";
	struct strbuf line = STRBUF_INIT, account = STRBUF_INIT;
	struct strbuf *starts = xcalloc((size_t)s->horizon_months + 1, sizeof(*starts));
	int result = -1;

	for (int m = 0; m <= s->horizon_months; m++) {
		strbuf_init(&starts[m], 24);
		if (focus_month_start(s->start_date, m, &starts[m]) < 0)
			goto cleanup;
	}
	strbuf_addf(&account, "aicost:%s", scenario_name);
	for (size_t k = 0; k < ARRAY_SIZE(columns); k++)
		strbuf_addf(&line, "%s%s", k ? "," : "", columns[k]);
	strbuf_addch(&line, '\n');
	for (size_t i = 0; i < r->ndeployments; i++) {
		const struct deployment_result *dr = &r->deployments[i];
		const struct deployment *d = dr->deployment;
		struct strbuf mix = STRBUF_INIT, resource = STRBUF_INIT;

		if (only >= 0 && (int)i != only)
			continue;
		purchase_mix(d, &mix);
		strbuf_addf(&resource, "%s/%s", scenario_name, d->name);
		for (int m = 0; m < s->horizon_months; m++) {
			for (int c = 0; c < COST_NCOMPONENTS; c++) {
				double cost = dr->monthly_by_component[m][c];
				const char *provider = provider_of(s, d, (enum cost_component)c);
				struct strbuf text = STRBUF_INIT;

				if (cost == 0)
					continue;
				csv_money(&line, cost);
				strbuf_addch(&line, ',');
				csv_field(&line, account.buf);
				strbuf_addch(&line, ',');
				csv_field(&line, scenario_name);
				strbuf_addf(&line, ",%s,%s,%s,", currency, starts[m].buf,
					    starts[m + 1].buf);
				strbuf_adds(&line, c == COST_CAPEX ? "Purchase" :
					    c == COST_RESIDUAL ? "Credit" : "Usage");
				strbuf_adds(&line, ",,");        /* ChargeClass: not a correction */
				strbuf_addf(&text, "%s: %s, month %d of %d (estimate)", d->name,
					    components[c].service_name, m + 1, s->horizon_months);
				csv_field(&line, text.buf);
				strbuf_addf(&line, ",%s,%s,", starts[m].buf, starts[m + 1].buf);
				csv_money(&line, cost);          /* ContractedCost */
				strbuf_addch(&line, ',');
				csv_money(&line, cost);          /* EffectiveCost */
				strbuf_addch(&line, ',');
				csv_field(&line, provider);      /* InvoiceIssuerName */
				strbuf_addch(&line, ',');
				csv_money(&line, cost);          /* ListCost */
				/* The estimate is priced by the month: one month of it. */
				strbuf_adds(&line, ",1,Month,");
				csv_field(&line, provider);
				strbuf_addch(&line, ',');
				csv_field(&line, provider);      /* PublisherName */
				strbuf_addch(&line, ',');
				csv_field(&line, components[c].service_category);
				strbuf_addch(&line, ',');
				csv_field(&line, components[c].service_name);
				strbuf_addch(&line, ',');
				strbuf_adds(&line, pricing_category(d, (enum cost_component)c));
				strbuf_addch(&line, ',');
				csv_field(&line, d->region);
				strbuf_addch(&line, ',');
				csv_field(&line, d->region);
				strbuf_addch(&line, ',');
				csv_field(&line, resource.buf);
				strbuf_addch(&line, ',');
				csv_field(&line, d->name);
				strbuf_adds(&line, d->kind == DEPLOYMENT_CLOUD ? ",Cloud GPU deployment," :
					    d->kind == DEPLOYMENT_ONPREM ? ",On-prem GPU cluster," :
					    ",Hybrid GPU deployment,");
				csv_field(&line, d->name);       /* SubAccountId */
				strbuf_addch(&line, ',');
				csv_field(&line, d->name);
				strbuf_addch(&line, ',');
				csv_field(&line, scenario_name);
				strbuf_addf(&line, ",%s,%s,%d,",
					    d->kind == DEPLOYMENT_CLOUD ? "cloud" :
					    d->kind == DEPLOYMENT_ONPREM ? "onprem" : "hybrid",
					    cost_component_names[c], m + 1);
				csv_field(&line, mix.buf);
				strbuf_adds(&line, dr->excluded ? ",true\n" : ",false\n");
				strbuf_release(&text);
			}
		}
		strbuf_release(&mix);
		strbuf_release(&resource);
	}
	if (fwrite(line.buf, 1, line.len, fp) != line.len || fflush(fp) != 0) {
		error_set("write error");
		goto cleanup;
	}
	result = 0;
cleanup:
	for (int m = 0; m <= s->horizon_months; m++)
		strbuf_release(&starts[m]);
	free(starts);
	strbuf_release(&line);
	strbuf_release(&account);
	return result;
}
