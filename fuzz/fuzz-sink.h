/* A fetch sink that checks what it is handed and keeps nothing. */
#ifndef AICOST_FUZZ_SINK_H
#define AICOST_FUZZ_SINK_H

#include "fetch.h"

#include <math.h>
#include <stdlib.h>

static int fuzz_offer(void *ctx, const struct offer *o)
{
	(void)ctx;
	/* A parser must never hand over a price that is not a number. */
	if (!o->region || !o->instance_type || !isfinite(o->price_per_hour) ||
	    o->price_per_hour < 0)
		abort();
	return 0;
}

static int fuzz_egress(void *ctx, const struct egress_tier *t)
{
	(void)ctx;
	if (!isfinite(t->price_per_gb) || t->price_per_gb < 0)
		abort();
	return 0;
}

static const struct fetch_sink fuzz_sink = { .offer = fuzz_offer, .egress = fuzz_egress };

#endif
