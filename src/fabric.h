/*
 * The cluster interconnect of cloud instance families: what joins one instance
 * to the next when a job spans several (EFA, InfiniBand, GPUDirect, a TPU slice's
 * data-center network), and how fast. One table, with its sources; the catalog
 * store fills every offer written (catalog, imports, fetchers) from it unless the
 * row names its own; the optimizer reads it back for offers stored before it existed. Pure: no I/O.
 */
#ifndef AICOST_FABRIC_H
#define AICOST_FABRIC_H

#include <stdbool.h>

/* Interconnect names, one spelling everywhere (the store's offers.interconnect). */
#define FABRIC_NONE "none"   /* no cluster network: a job stays on one instance */
#define FABRIC_NAMES \
	FABRIC_NONE, "efa", "infiniband", "gpudirect-tcpx", "gpudirect-tcpxo", \
	"gpudirect-rdma", "roce", "ici-dcn"
#define FABRIC_NAMES_TEXT "none, efa, infiniband, gpudirect-tcpx, gpudirect-tcpxo, " \
	"gpudirect-rdma, roce, ici-dcn"

struct fabric {
	const char *interconnect;   /* one of FABRIC_NAMES */
	double gbps;                /* per instance, one direction, Gb/s; 0 with "none" */
	const char *source;         /* where the figure comes from */
	bool approx;                /* an assumption rather than a published figure */
};

bool fabric_name_valid(const char *name);
/* NAME's one static spelling (FABRIC_NAMES), or NULL when it is none of them. */
const char *fabric_canonical(const char *name);

/* The fabric of PROVIDER's INSTANCE_TYPE with ACCELERATORS per instance (gbps for
 * the whole instance); FABRIC_NONE when the family has none. */
void fabric_for(const char *provider, const char *instance_type, int accelerators,
		struct fabric *out);

/* Can a job span several instances of O (a cluster fabric with a bandwidth)? */
bool fabric_spans_instances(const char *interconnect, double gbps);

#endif
