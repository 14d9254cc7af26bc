/*
 * Vultr API v2 plan lists, public (no key; github:vultr/govultr plans.go):
 *   GET /v2/plans?type=all&per_page=500 -> {"plans": [...], "meta": {"total",
 *       "links": {"next": CURSOR, "prev"}}}
 *   GET /v2/plans-metal?per_page=500    -> {"plans_metal": [...], "meta": ...}
 * A plan: {"id": "vcg-l40s-16c-180g-48vram", "vcpu_count" (bare metal:
 * "cpu_threads"), "ram" (MB), "hourly_cost", "hourly_cost_preemptible",
 * "deploy_ondemand", "deploy_preemptible", "locations": ["ewr", ...],
 * "location_cost": {"sao": {"hourly_cost", ...}} (a location's own price),
 * "type": "vcg", "gpu_type": "NVIDIA_L40S", "gpu_vram_gb": 48, "gpu_count": "1"}.
 * Further pages: the same request with &cursor=NEXT while meta.links.next is set.
 *
 * GPU plans only (the others are CPU plans, read and not counted as skipped): the
 * GPU from gpu_type, else from the id ("vcg-h100-...", "vbm-...-8-h100-gpu"); the
 * count from gpu_count, else from a bare-metal id ("-8-h100-gpu"), else from the
 * plan's VRAM over the GPU's. A fraction of a GPU (gpu_count "1/4", a 20 GB A100
 * slice) is no whole accelerator: skipped and counted as such. One on-demand offer
 * per plan and location, and a spot one where Vultr sells the plan preemptible.
 */
#include "fetch.h"
#include "http.h"
#include "util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VULTR_ENDPOINT "https://api.vultr.com/v2"
/* Pages of one list before the paging is taken for a loop (500 plans a page). */
#define VULTR_MAX_PAGES 200

bool fetch_region_is_vultr(const char *name)
{
	/* A Vultr location id: three lowercase letters (ewr, fra, nrt). */
	return strlen(name) == 3 && islower((unsigned char)name[0]) &&
	       islower((unsigned char)name[1]) && islower((unsigned char)name[2]);
}

/*
 * Vultr's GPU model (gpu_type without the vendor, or the id's word) -> the
 * accelerator table's name and the VRAM of one such GPU on Vultr (GB), which
 * turns a plan's VRAM into a GPU count (0: never; Vultr's MI325X plan lists 1536
 * GB, no whole number of the 256 GB MI325Xs its pages describe as eight). GPUs
 * not here (A16, A40, L40, MI355X) are skipped and counted.
 */
static const struct vultr_gpu {
	const char *model;
	const char *accelerator;
	int vram_gb;
} vultr_gpus[] = {
	{ "a100", "A100-80GB", 80 },
	{ "h100", "H100-SXM", 80 },
	{ "h200", "H200", 141 },
	{ "gh200", "GH200", 96 },
	{ "b200", "B200", 192 },
	{ "l40s", "L40S", 48 },
	{ "mi300x", "MI300X", 192 },
	{ "mi325x", "MI325X", 0 },
};

static const struct vultr_gpu *gpu_by_model(const char *model, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(vultr_gpus); i++)
		if (strlen(vultr_gpus[i].model) == len &&
		    strncasecmp(vultr_gpus[i].model, model, len) == 0)
			return &vultr_gpus[i];
	return NULL;
}

/* What a plan says of its GPUs. */
struct plan_gpu {
	bool any;                       /* a GPU plan at all */
	const struct vultr_gpu *gpu;    /* NULL: a GPU the table does not know */
	int count;                      /* whole GPUs; 0: a fraction or unknown */
	bool fraction;
};

/* "NVIDIA_A100_SXM" -> a100; the id's words ("vcg-h100-...", "vbm-...-gh200-gpu"). */
static const struct vultr_gpu *plan_model(const char *id, const char *gpu_type)
{
	const char *p = gpu_type ? strchr(gpu_type, '_') : NULL;

	if (p) {
		p++;
		return gpu_by_model(p, strcspn(p, "_"));
	}
	for (p = id; *p; ) {
		size_t n = strcspn(p, "-");
		const struct vultr_gpu *g = gpu_by_model(p, n);

		if (g)
			return g;
		p += n + (p[n] ? 1 : 0);
	}
	return NULL;
}

/* A bare-metal id's count: "vbm-112c-2048gb-8-h100-gpu" 8, "vbm-72c-480gb-gh200-gpu" 1. */
static int metal_id_count(const char *id, const struct vultr_gpu *gpu)
{
	size_t len = strlen(id), mlen = strlen(gpu->model);
	const char *model, *start;
	long n;

	if (len < mlen + 6 || strcmp(id + len - 4, "-gpu") != 0)
		return 0;
	model = id + len - 4 - mlen;
	if (model[-1] != '-' || strncasecmp(model, gpu->model, mlen) != 0)
		return 0;
	/* The word before the model: a count ("-8-"), else there is one GPU. */
	start = model - 1;
	while (start > id && isdigit((unsigned char)start[-1]))
		start--;
	if (start == model - 1 || start == id || start[-1] != '-')
		return 1;
	n = strtol(start, NULL, 10);
	return n >= 1 && n <= 64 ? (int)n : 0;
}

/* The VRAM of the whole plan: gpu_vram_gb, else the id's "...-640vram". */
static double plan_vram(const char *id, json_t *plan)
{
	json_t *v = json_object_get(plan, "gpu_vram_gb");
	size_t len = strlen(id);
	const char *p;

	if (json_is_number(v) && isfinite(json_number_value(v)) && json_number_value(v) > 0)
		return json_number_value(v);
	if (len < 5 || strcmp(id + len - 4, "vram") != 0)
		return 0;
	p = id + len - 4;
	while (p > id && isdigit((unsigned char)p[-1]))
		p--;
	return p > id && p < id + len - 4 && p[-1] == '-' ? strtod(p, NULL) : 0;
}

/*
 * gpu_count as Vultr writes it: a number, "8", or a fraction "1/4". 1 with a whole
 * count, 2 with no whole count (a fraction of one GPU also sets FRACTION; "3/2" does
 * not), 0 when absent, -1 when it is something else.
 */
static int gpu_count_field(json_t *v, int *count, bool *fraction)
{
	const char *s = json_string_value(v);
	char *end;
	long num, den = 1;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		num = json_integer_value(v) > 1000 || json_integer_value(v) < 0 ? -1 :
			(long)json_integer_value(v);
	} else if (json_is_real(v)) {
		double r = json_real_value(v);   /* 4.0 is four GPUs; 0.5 half of one */

		if (!(r >= 0 && r <= 1000))
			return -1;
		if (r == floor(r)) {
			num = (long)r;
		} else {
			*fraction = r < 1;
			return 2;
		}
	} else if (s && isdigit((unsigned char)s[0])) {
		num = strtol(s, &end, 10);
		if (*end == '/' && isdigit((unsigned char)end[1]))
			den = strtol(end + 1, &end, 10);
		if (*end)
			return -1;
	} else {
		return -1;
	}
	if (num < 0 || num > 1000 || den < 1 || den > 1000)
		return -1;
	if (num == 0)
		return 0;
	if (num % den == 0 && num / den <= 64) {
		*count = (int)(num / den);
		return 1;
	}
	*fraction = num < den;
	return 2;
}

/* The plan's GPUs; -1 (error set) when gpu_count is neither a number nor a fraction. */
static int plan_gpus(const char *id, json_t *plan, const char *source, size_t index,
		     struct plan_gpu *out)
{
	const char *gpu_type = json_string_value(json_object_get(plan, "gpu_type"));
	const char *brand = json_string_value(json_object_get(plan, "gpu_brand"));
	double vram = plan_vram(id, plan);
	int rc;

	memset(out, 0, sizeof(*out));
	out->gpu = plan_model(id, gpu_type && *gpu_type ? gpu_type : NULL);
	out->any = out->gpu || (gpu_type && *gpu_type) || vram > 0 ||
		   (brand && *brand && strcasecmp(brand, "none") != 0) ||
		   (strlen(id) > 4 && strcmp(id + strlen(id) - 4, "-gpu") == 0);
	if (!out->gpu)
		return 0;
	rc = gpu_count_field(json_object_get(plan, "gpu_count"), &out->count, &out->fraction);
	if (rc < 0) {
		error_set("%s: [%zu] %s: gpu_count: expected a number of GPUs or a fraction "
			  "like \"1/4\"", source, index, id);
		return -1;
	}
	if (rc > 0)
		return 0;   /* counted, or said to be no whole number */
	out->count = metal_id_count(id, out->gpu);
	if (out->count)
		return 0;
	/* The VRAM over one GPU's: whole GPUs only; less than one is a slice. */
	if (!out->gpu->vram_gb)
		return 0;
	if (vram > 0 && vram < out->gpu->vram_gb)
		out->fraction = true;
	else if (vram > 0 && fmod(vram, out->gpu->vram_gb) == 0 &&
		 vram / out->gpu->vram_gb <= 64)
		out->count = (int)(vram / out->gpu->vram_gb);
	return 0;
}

/*
 * A price field of COST: 1 and the price, 0 when not given (missing, null, 0), -1
 * when it is not a number >= 0.
 */
static int price_field(json_t *cost, const char *key, double *out)
{
	json_t *v = json_object_get(cost, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0)
		return -1;
	*out = json_number_value(v);
	return *out > 0;
}

/*
 * One purchase option of one plan in one location: 1 when priced (handed to the
 * sink when WANTED), 0 when not sold so, -1 on a price of another shape.
 */
static int location_offer(const struct offer *base, json_t *plan, json_t *cost, bool spot,
			  bool wanted, const char *source, size_t index,
			  const struct fetch_sink *sink, struct fetch_stats *stats)
{
	const char *key = spot ? "hourly_cost_preemptible" : "hourly_cost";
	json_t *deploy = json_object_get(plan, spot ? "deploy_preemptible" : "deploy_ondemand");
	struct offer o = *base;
	double price = 0, on_demand = 0;
	int rc;

	if (json_is_false(deploy))
		return 0;
	rc = price_field(cost, key, &price);
	if (rc < 0 && cost != plan)
		error_set("%s: [%zu] %s: location_cost.%s.%s: expected a price per hour", source,
			  index, base->instance_type, base->region, key);
	else if (rc < 0)
		error_set("%s: [%zu] %s: %s: expected a price per hour", source, index,
			  base->instance_type, key);
	if (rc <= 0)
		return rc;
	/* Without deploy_preemptible (older answers) a preemptible price counts only
	 * below the on-demand one: Vultr repeats the on-demand price where it sells
	 * none. */
	if (spot && !json_is_true(deploy) &&
	    (price_field(cost, "hourly_cost", &on_demand) <= 0 || price >= on_demand))
		return 0;
	if (!wanted)
		return 1;
	o.purchase = spot ? "spot" : "on-demand";
	o.price_per_hour = price;
	if (spot)
		o.note = cost != plan ? "preemptible: Vultr may stop it; this location's list price"
			: "preemptible: Vultr may stop it; list price of the plan";
	else
		o.note = cost != plan ? "this location's list price of the plan"
			: "list price of the plan";
	return fetch_emit_offer(sink, stats, &o) < 0 ? -1 : 1;
}

/* One plan: 0 (emitted, or skipped and counted), -1 on a plan of another shape. */
static int vultr_plan(size_t index, json_t *plan, const struct fetch_config *config,
		      const char *source, const struct fetch_sink *sink,
		      struct fetch_stats *stats)
{
	const char *id = json_string_value(json_object_get(plan, "id"));
	json_t *locations = json_object_get(plan, "locations"), *loc;
	json_t *vcpus = json_object_get(plan, "vcpu_count");
	struct plan_gpu g;
	size_t i;
	int priced = 0, rc;

	if (!json_is_object(plan) || !id || !*id || !json_is_array(locations)) {
		error_set("%s: [%zu]: expected a plan with an id and locations (has the format "
			  "changed?)", source, index);
		return -1;
	}
	if (plan_gpus(id, plan, source, index, &g) < 0)
		return -1;
	if (!g.any)
		return 0;   /* a CPU plan */
	/* A GPU the table does not know, a slice of one, a count the plan does not
	 * give, or rented nowhere: skipped and counted. */
	if (!g.gpu || !g.count || !json_array_size(locations)) {
		stats->skipped++;
		stats->fractional += g.fraction;
		return 0;
	}
	if (!json_is_number(vcpus))
		vcpus = json_object_get(plan, "cpu_threads");
	json_array_foreach(locations, i, loc) {
		const char *region = json_string_value(loc);
		json_t *cost = json_object_get(json_object_get(plan, "location_cost"),
					       region ? region : "");
		bool wanted;
		struct offer o = {
			.provider = "vultr", .region = (char *)region, .instance_type = (char *)id,
			.accelerator = (char *)g.gpu->accelerator, .accelerator_count = g.count,
			.vcpus = json_is_number(vcpus) ? json_number_value(vcpus) : 0,
			.memory_gib = json_number_value(json_object_get(plan, "ram")) / 1024,
			.currency = "USD", .observed = (char *)config->observed,
			.source = (char *)source, .confidence = "exact",
			.interruptions_per_month = NAN,
		};

		/* An empty location (the list sometimes holds one) places nothing. */
		if (region && !*region)
			continue;
		if (!region || !fetch_region_is_vultr(region)) {
			error_set("%s: [%zu] %s: locations[%zu]: expected a location id like ewr",
				  source, index, id, i);
			return -1;
		}
		if (!isfinite(o.memory_gib) || o.memory_gib < 0)
			o.memory_gib = 0;
		if (!isfinite(o.vcpus) || o.vcpus < 0)
			o.vcpus = 0;
		if (!json_is_object(cost))
			cost = plan;
		wanted = fetch_wants_every_region(config) || fetch_region_wanted(config, region);
		for (int spot = 0; spot < 2; spot++) {
			rc = location_offer(&o, plan, cost, spot, wanted, source, index, sink,
					    stats);
			if (rc < 0)
				return -1;
			priced += rc;
		}
	}
	/* Listed without a price in any location. */
	if (!priced) {
		stats->skipped++;
		stats->unpriced++;
	}
	return 0;
}

int vultr_parse_plans(const char *json, size_t len, const char *member,
		      const struct fetch_config *config, const char *source,
		      const struct fetch_sink *sink, struct strbuf *next, long long *total,
		      struct fetch_stats *stats)
{
	json_t *root, *plans = fetch_json_member(json, len, source, member, false,
						 "array of plans", &root), *plan;
	json_t *meta, *link;
	size_t i;
	int result = -1;

	strbuf_reset(next);
	*total = -1;
	if (!plans)
		goto cleanup;
	json_array_foreach(plans, i, plan) {
		stats->rows++;
		if (vultr_plan(i, plan, config, source, sink, stats) < 0)
			goto cleanup;
	}
	/* No meta: one page. A next cursor of another type is a format change. */
	meta = json_object_get(root, "meta");
	link = json_object_get(json_object_get(meta, "links"), "next");
	if (link && !json_is_null(link) && !json_is_string(link)) {
		error_set("%s: meta.links.next: expected a cursor (has the format changed?)",
			  source);
		goto cleanup;
	}
	if (json_string_value(link))
		strbuf_adds(next, json_string_value(link));
	if (json_is_integer(json_object_get(meta, "total")))
		*total = (long long)json_integer_value(json_object_get(meta, "total"));
	result = 0;
cleanup:
	json_decref(root);
	return result;
}

/* The two lists, each read to its last page. */
static const struct vultr_list {
	const char *path;      /* after the base URL */
	const char *query;
	const char *member;
	const char *label;
} vultr_lists[] = {
	{ "/plans", "?type=all&per_page=500", "plans", "plans" },
	{ "/plans-metal", "?per_page=500", "plans_metal", "bare-metal plans" },
};

void fetch_vultr_head_key(const struct fetch_config *config, struct strbuf *key)
{
	strbuf_adds(key, fetch_endpoint("AICOST_VULTR_ENDPOINT", VULTR_ENDPOINT));
	strbuf_adds(key, vultr_lists[0].path);
	strbuf_adds(key, vultr_lists[0].query);
	fetch_key_add_regions(config, key);
}

/* Every page of LIST: unconditional (a 304 on page 1 says nothing of page 2). */
static int vultr_read_list(const struct vultr_list *list, const struct fetch_config *config,
			   const struct fetch_sink *sink, struct fetch_result *result)
{
	const char *base = fetch_endpoint("AICOST_VULTR_ENDPOINT", VULTR_ENDPOINT);
	struct strbuf url = STRBUF_INIT, body = STRBUF_INIT, label = STRBUF_INIT,
		      source = STRBUF_INIT, next = STRBUF_INIT;
	struct fetch_seen cursors = { 0 };
	unsigned long rows = result->stats.rows;
	long long total = -1;
	int rc = -1;

	strbuf_addf(&source, "%s%s", base, list->path);
	strbuf_addf(&url, "%s%s", source.buf, list->query);
	for (int page = 1;; page++) {
		strbuf_reset(&label);
		strbuf_addf(&label, "%s page %d", list->label, page);
		if (page > VULTR_MAX_PAGES) {
			error_set("%s: more than %d pages: the paging does not end", label.buf,
				  VULTR_MAX_PAGES);
			goto cleanup;
		}
		if (fetch_get_page(config, false, url.buf, label.buf, &body, result) < 0)
			goto cleanup;
		result->stats.pages++;
		if (vultr_parse_plans(body.buf, body.len, list->member, config, source.buf, sink,
				      &next, &total, &result->stats) < 0) {
			error_prefix("%s: ", label.buf);
			goto cleanup;
		}
		if (!next.len)
			break;
		if (!fetch_seen_add(&cursors, next.buf)) {
			error_set("%s: meta.links.next repeats the cursor of an earlier page: the "
				  "paging does not end", label.buf);
			goto cleanup;
		}
		strbuf_reset(&url);
		strbuf_addf(&url, "%s%s&cursor=", source.buf, list->query);
		http_url_escape(&url, next.buf);
	}
	/* A page lost on the way: fewer plans than the listing's own count. */
	if (total >= 0 && (long long)(result->stats.rows - rows) < total) {
		error_set("%s: the listing ended after %lu of the %lld plans meta.total counts",
			  list->label, result->stats.rows - rows, total);
		goto cleanup;
	}
	rc = 0;
cleanup:
	fetch_seen_release(&cursors);
	strbuf_release(&url);
	strbuf_release(&body);
	strbuf_release(&label);
	strbuf_release(&source);
	strbuf_release(&next);
	return rc;
}

int fetch_vultr(const struct fetch_config *config, const struct fetch_sink *sink,
		struct fetch_result *result)
{
	for (size_t i = 0; i < ARRAY_SIZE(vultr_lists); i++)
		if (vultr_read_list(&vultr_lists[i], config, sink, result) < 0)
			return -1;
	return 0;
}
