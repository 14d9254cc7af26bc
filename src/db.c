/*
 * The price store: schema, migrations and every statement. The only file that
 * includes sqlite3.h. Values always travel through ? binds; statements are
 * prepared once per connection and re-bound per row.
 */
#include "db.h"
#include "fabric.h"
#include "units.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* PRAGMA application_id of an aicost store: "AIcs" in ASCII. */
#define AICOST_APPLICATION_ID 0x41496373

/* The steps missing from a store run in one transaction (migrate); user_version counts
 * the steps applied. */
static const char *const schema_v1[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n",
	"CREATE TABLE accelerators(\n"
	"  name TEXT PRIMARY KEY,\n"
	"  vendor TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('gpu', 'tpu', 'asic')),\n"
	"  memory_gb REAL NOT NULL CHECK (memory_gb >= 0),\n"
	"  bf16_tflops REAL NOT NULL CHECK (bf16_tflops >= 0),\n"
	"  fp8_tflops REAL NOT NULL DEFAULT 0 CHECK (fp8_tflops >= 0),\n"
	"  hbm_tbps REAL NOT NULL DEFAULT 0 CHECK (hbm_tbps >= 0),\n"
	"  tdp_w REAL NOT NULL DEFAULT 0 CHECK (tdp_w >= 0),\n"
	"  confidence TEXT CHECK (confidence IN ('exact', 'approx')),\n"
	"  source TEXT, observed TEXT, note TEXT);\n",
	"CREATE TABLE accelerator_aliases(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  alias TEXT NOT NULL,\n"
	"  accelerator TEXT NOT NULL REFERENCES accelerators(name) ON DELETE CASCADE,\n"
	"  position INTEGER NOT NULL,\n"
	"  ambiguous INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX accelerator_aliases_by_name ON accelerator_aliases(accelerator, position);\n",
	"CREATE TABLE snapshots(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  provider TEXT NOT NULL,\n"
	"  source TEXT NOT NULL,\n"
	"  fetched_at TEXT NOT NULL,\n"
	"  observed TEXT,\n"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'failed')),\n"
	"  message TEXT,\n"
	"  offer_rows INTEGER NOT NULL DEFAULT 0,\n"
	"  egress_rows INTEGER NOT NULL DEFAULT 0,\n"
	"  storage_rows INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX snapshots_by_provider ON snapshots(provider, id);\n",
	"CREATE TABLE offers(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,\n"
	"  provider TEXT NOT NULL,\n"
	"  region TEXT NOT NULL,\n"
	"  zone TEXT,\n"
	"  instance_type TEXT NOT NULL,\n"
	"  component TEXT NOT NULL DEFAULT 'instance'\n"
	"    CHECK (component IN ('instance', 'host', 'accelerator')),\n"
	"  accelerator TEXT,\n"
	"  accelerator_count INTEGER NOT NULL CHECK (accelerator_count >= 0),\n"
	"  vcpus REAL NOT NULL DEFAULT 0 CHECK (vcpus >= 0),\n"
	"  memory_gib REAL NOT NULL DEFAULT 0 CHECK (memory_gib >= 0),\n"
	"  purchase TEXT NOT NULL CHECK (purchase IN ('on-demand', 'spot', 'reserved-1y',\n"
	"    'reserved-3y', 'savings-1y', 'savings-3y', 'commit-1y', 'commit-3y')),\n"
	"  price_per_hour REAL NOT NULL CHECK (price_per_hour >= 0),\n"
	"  currency TEXT NOT NULL,\n"
	"  observed TEXT NOT NULL,\n"
	"  source TEXT NOT NULL,\n"
	"  confidence TEXT NOT NULL CHECK (confidence IN ('exact', 'approx')),\n"
	"  note TEXT);\n"
	"CREATE INDEX offers_by_snapshot ON offers(snapshot_id, provider, region);\n"
	"CREATE INDEX offers_by_instance ON offers(instance_type, region);\n"
	"CREATE UNIQUE INDEX offers_unique ON offers(snapshot_id, region, coalesce(zone, ''),\n"
	"  instance_type, component, purchase);\n",
	"CREATE TABLE egress_tiers(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,\n"
	"  provider TEXT NOT NULL,\n"
	"  scope TEXT NOT NULL,\n"
	"  destination TEXT NOT NULL\n"
	"    CHECK (destination IN ('internet', 'inter-region', 'inter-zone')),\n"
	"  start_gb REAL NOT NULL CHECK (start_gb >= 0),\n"
	"  end_gb REAL CHECK (end_gb IS NULL OR end_gb > start_gb),\n"
	"  price_per_gb REAL NOT NULL CHECK (price_per_gb >= 0),\n"
	"  confidence TEXT NOT NULL CHECK (confidence IN ('exact', 'approx')),\n"
	"  source TEXT NOT NULL, observed TEXT NOT NULL, note TEXT);\n"
	"CREATE UNIQUE INDEX egress_by_snapshot ON egress_tiers(snapshot_id, provider, scope,\n"
	"  destination, start_gb);\n",
	"CREATE TABLE storage_prices(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,\n"
	"  provider TEXT NOT NULL,\n"
	"  region TEXT NOT NULL,\n"
	"  storage_class TEXT NOT NULL CHECK (storage_class IN ('hot', 'cool', 'cold',\n"
	"    'archive', 'block', 'parallel-fs')),\n"
	"  product TEXT NOT NULL,\n"
	"  price_per_gb_month REAL NOT NULL CHECK (price_per_gb_month >= 0),\n"
	"  retrieval_per_gb REAL NOT NULL DEFAULT 0 CHECK (retrieval_per_gb >= 0),\n"
	"  min_days REAL NOT NULL DEFAULT 0 CHECK (min_days >= 0),\n"
	"  confidence TEXT NOT NULL CHECK (confidence IN ('exact', 'approx')),\n"
	"  source TEXT NOT NULL, observed TEXT NOT NULL, note TEXT);\n"
	"CREATE UNIQUE INDEX storage_by_snapshot ON storage_prices(snapshot_id, provider, region,\n"
	"  storage_class);\n",
	/* Which snapshot is newest for each provider and region, per kind of price. */
	"CREATE TABLE current(\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('offers', 'egress', 'storage')),\n"
	"  provider TEXT NOT NULL,\n"
	"  region TEXT NOT NULL,\n"
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY (kind, provider, region));\n"
	"CREATE INDEX current_by_snapshot ON current(snapshot_id);\n",
	"CREATE TABLE facts(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  low REAL, high REAL, unit TEXT NOT NULL,\n"
	"  confidence TEXT NOT NULL CHECK (confidence IN ('exact', 'approx')),\n"
	"  source TEXT NOT NULL, observed TEXT NOT NULL, note TEXT);\n",
	"CREATE TABLE http_validators(\n"
	"  url TEXT PRIMARY KEY,\n"
	"  etag TEXT, last_modified TEXT, updated_at TEXT NOT NULL);\n",
	NULL,
};

/* 2: list --accelerator looks offers up by accelerator, not by scanning snapshots. */
static const char *const schema_v2[] = {
	"CREATE INDEX offers_by_accelerator ON offers(accelerator, provider, region);\n",
	NULL,
};

/*
 * 3: a spot offer's interruption rate as a number (fraction of instances taken
 * back per month). Stores that fetched AWS spot before kept only the Spot
 * Advisor's bucket in the note: those rows get the bucket's midpoint.
 */
static const char *const schema_v3[] = {
	"ALTER TABLE offers ADD COLUMN interruptions_per_month REAL\n"
	"  CHECK (interruptions_per_month IS NULL OR\n"
	"    (interruptions_per_month >= 0 AND interruptions_per_month <= 1));\n",
	"UPDATE offers SET interruptions_per_month = CASE\n"
	"  WHEN note LIKE '%(Spot Advisor bucket 0)%' THEN 0.025\n"
	"  WHEN note LIKE '%(Spot Advisor bucket 1)%' THEN 0.075\n"
	"  WHEN note LIKE '%(Spot Advisor bucket 2)%' THEN 0.125\n"
	"  WHEN note LIKE '%(Spot Advisor bucket 3)%' THEN 0.175\n"
	"  WHEN note LIKE '%(Spot Advisor bucket 4)%' THEN 0.225 END\n"
	"  WHERE purchase = 'spot' AND note LIKE '%(Spot Advisor bucket _)%';\n",
	NULL,
};

/*
 * 4: "current" per provider, region AND purchase option: an import or update that
 * brings some options of a region (SkyPilot: on-demand and spot) no longer hides
 * the others (the catalog's commitments). Offers' current rows are rebuilt by
 * that rule from every successful snapshot; egress and storage keep theirs.
 */
static const char *const schema_v4[] = {
	"CREATE TABLE current_v4(\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('offers', 'egress', 'storage')),\n"
	"  provider TEXT NOT NULL,\n"
	"  region TEXT NOT NULL,\n"
	"  purchase TEXT NOT NULL DEFAULT '',\n"
	"  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY (kind, provider, region, purchase));\n",
	"INSERT INTO current_v4(kind, provider, region, purchase, snapshot_id)\n"
	"  SELECT kind, provider, region, '', snapshot_id FROM current WHERE kind != 'offers';\n",
	"INSERT INTO current_v4(kind, provider, region, purchase, snapshot_id)\n"
	"  SELECT 'offers', o.provider, o.region, o.purchase, max(o.snapshot_id) FROM offers o\n"
	"  JOIN snapshots s ON s.id = o.snapshot_id AND s.status = 'ok'\n"
	"  GROUP BY o.provider, o.region, o.purchase;\n",
	"DROP TABLE current;\n",
	"ALTER TABLE current_v4 RENAME TO current;\n",
	"CREATE INDEX current_by_snapshot ON current(snapshot_id);\n",
	NULL,
};

/* Interconnect figures for the training performance model (issue 11). */
static const char *const schema_v5[] = {
	"ALTER TABLE accelerators ADD COLUMN"
	" scaleup_gb_s REAL NOT NULL DEFAULT 0 CHECK (scaleup_gb_s >= 0);\n",
	"ALTER TABLE accelerators ADD COLUMN"
	" scaleout_gb_s REAL NOT NULL DEFAULT 0 CHECK (scaleout_gb_s >= 0);\n",
	"ALTER TABLE accelerators ADD COLUMN interconnect_source TEXT;\n",
	NULL,
};

/*
 * 6: each offer's cluster network between instances (fabric.h): NULL in rows
 * stored before, which readers take from the family table.
 */
static const char *const schema_v6[] = {
	"ALTER TABLE offers ADD COLUMN interconnect TEXT;\n",
	"ALTER TABLE offers ADD COLUMN interconnect_gbps REAL\n"
	"  CHECK (interconnect_gbps IS NULL OR interconnect_gbps >= 0);\n",
	NULL,
};

/* The step that added offers.interconnect (renumber with schema_v6). */
#define OFFERS_FABRIC_VERSION 6

/*
 * 7: an import inserts offers at the speed of reading the file. A CHECK of the form
 * "x IN (list of more than two)" makes SQLite build and free a temporary index for
 * every row written (most of an import's time in 2026: issue 16): the same rules
 * written as comparisons cost nothing. The table's text is rewritten in place (the
 * rows do not change; SQLite's documented way to change only a constraint), and
 * the redundant index by snapshot goes (offers_unique leads with snapshot_id).
 * The C writers check both enumerations too, with a message naming the value.
 */
static const char *const schema_v7[] = {
	"PRAGMA writable_schema = ON;\n",
	"UPDATE sqlite_schema SET sql = replace(replace(sql,\n"
	"  'CHECK (component IN (''instance'', ''host'', ''accelerator''))',\n"
	"  'CHECK (component = ''instance'' OR component = ''host''\n"
	"    OR component = ''accelerator'')'),\n"
	"  'CHECK (purchase IN (''on-demand'', ''spot'', ''reserved-1y'',\n"
	"    ''reserved-3y'', ''savings-1y'', ''savings-3y'', ''commit-1y'', ''commit-3y''))',\n"
	"  'CHECK (purchase = ''on-demand'' OR purchase = ''spot''\n"
	"    OR purchase = ''reserved-1y'' OR purchase = ''reserved-3y''\n"
	"    OR purchase = ''savings-1y'' OR purchase = ''savings-3y''\n"
	"    OR purchase = ''commit-1y'' OR purchase = ''commit-3y'')')\n"
	"  WHERE type = 'table' AND name = 'offers';\n",
	"PRAGMA writable_schema = RESET;\n",
	"DROP INDEX offers_by_snapshot;\n",
	NULL,
};

/* 8: the optimizer reads each accelerator, size and purchase option cheapest first. */
static const char *const schema_v8[] = {
	"CREATE INDEX offers_by_price ON offers(accelerator, accelerator_count, purchase,\n"
	"  price_per_hour);\n",
	NULL,
};

/*
 * 9: the optimizer's index also holds each row's fabric, snapshot and region, so
 * that its groups are per fabric and its filters (current, allowed regions and
 * providers) never read the table; only whole-instance rows are indexed.
 */
static const char *const schema_v9[] = {
	"DROP INDEX offers_by_price;\n",
	"CREATE INDEX offers_by_price ON offers(accelerator, accelerator_count, purchase,\n"
	"  interconnect, interconnect_gbps, price_per_hour, snapshot_id, region)\n"
	"  WHERE component = 'instance';\n",
	NULL,
};

/*
 * 10: a parallel file system's throughput tiers are storage classes of their own
 * (parallel-fs is the base tier, 125 MB/s/TiB; parallel-fs-250, -500, -1000),
 * so that data.hot_class: parallel-fs can choose one. The CHECK is rewritten in
 * place as in step 7.
 */
static const char *const schema_v10[] = {
	"PRAGMA writable_schema = ON;\n",
	"UPDATE sqlite_schema SET sql = replace(sql,\n"
	"  'CHECK (storage_class IN (''hot'', ''cool'', ''cold'',\n"
	"    ''archive'', ''block'', ''parallel-fs''))',\n"
	"  'CHECK (storage_class IN (''hot'', ''cool'', ''cold'',\n"
	"    ''archive'', ''block'', ''parallel-fs'', ''parallel-fs-250'',\n"
	"    ''parallel-fs-500'', ''parallel-fs-1000''))')\n"
	"  WHERE type = 'table' AND name = 'storage_prices';\n",
	"PRAGMA writable_schema = RESET;\n",
	NULL,
};

/* Step N is migrations[N - 1]: a NULL-terminated list of statements. */
static const char *const *const migrations[] = {
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4,
	schema_v5,
	schema_v6,
	schema_v7,
	schema_v8,
	schema_v9,
	schema_v10,
};

/* A current row of offers whose region and purchase option snapshot ?1 has none of. */
#define UNLISTED \
	" AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.snapshot_id = ?1" \
	"   AND o.provider = current.provider AND o.region = current.region" \
	"   AND o.purchase = current.purchase)"

enum stmt_id {
	ST_FIND_ACCELERATOR,
	ST_ALIASES,
	ST_PUT_ACCELERATOR,
	ST_PUT_ALIAS,
	ST_ALIAS_OWNER,
	ST_LIST_ACCELERATORS,
	ST_QUERY_OFFERS,
	ST_QUERY_OFFERS_BY_ACCELERATOR,
	ST_QUERY_OFFERS_BY_INSTANCE,
	ST_HISTORY,
	ST_PROVIDERS,
	ST_STORED_CHIP,
	ST_SNAPSHOT_INSERT,
	ST_SNAPSHOT_PROVIDER,
	ST_SNAPSHOT_FINISH,
	ST_SNAPSHOT_CURRENT_OFFERS,
	ST_SNAPSHOT_CURRENT_EGRESS,
	ST_SNAPSHOT_CURRENT_STORAGE,
	ST_SNAPSHOT_DELETE,
	ST_SNAPSHOT_UNLISTED,
	ST_SNAPSHOT_RETIRE,
	ST_SNAPSHOT_FAILED,
	ST_SNAPSHOT_FINISH_COUNTED,
	ST_SNAPSHOT_CURRENT_PAIR,
	ST_ADD_OFFER,
	ST_ADD_OFFERS,
	ST_ADD_EGRESS,
	ST_ADD_STORAGE,
	ST_EGRESS,
	ST_LIST_EGRESS,
	ST_STORAGE,
	ST_LIST_STORAGE,
	ST_FACT,
	ST_PUT_FACT,
	ST_LIST_FACTS,
	ST_LIST_SNAPSHOTS,
	ST_SNAPSHOT_OBSERVED,
	ST_CURRENT_OBSERVED,
	ST_GET_VALIDATORS,
	ST_SET_VALIDATORS,
	ST_SCAN_CURRENT,
	ST_SCAN_NEXT_COUNT,
	ST_SCAN_FIRST_FABRIC,
	ST_SCAN_NEXT_GBPS,
	ST_SCAN_NEXT_FABRIC,
	ST_SCAN_OFFERS,
	ST_SCAN_COUNT,
	ST_SCAN_ROW,
	ST_COUNT
};

/*
 * One group of the optimizer's scan: accelerator ?1, ?2 per instance, option ?3,
 * fabric ?4 at ?5 Gb/s (both NULL: rows stored before fabrics were recorded), at
 * most ?6 per accelerator-hour (0: any), and current in a region the caller
 * allows: aicost_scan_allows(?7, snapshot, region) for option number ?7 (the
 * scanner's table in C: half the time of an IN list over json_each, which SQLite
 * looks up as a row value in a temporary B-tree for every row). Every term is on
 * the index.
 */
#define SCAN_WHERE \
	" WHERE o.accelerator = ?1 AND o.accelerator_count = ?2 AND o.purchase = ?3" \
	"  AND o.interconnect IS ?4 AND o.interconnect_gbps IS ?5" \
	"  AND (?6 <= 0 OR o.price_per_hour <= ?6 * o.accelerator_count)" \
	"  AND o.component = 'instance'" \
	"  AND aicost_scan_allows(?7, o.snapshot_id, o.region)"

/* Current offers: the newest snapshot of each provider, region and purchase option. */
#define OFFERS_SELECT \
	"SELECT o.provider, o.region, o.zone, o.instance_type, o.accelerator," \
	" o.accelerator_count, o.vcpus, o.memory_gib, coalesce(a.memory_gb, 0)," \
	" coalesce(a.bf16_tflops, 0), o.purchase, o.price_per_hour, o.currency," \
	" o.observed, o.source, o.confidence, o.snapshot_id, o.component, o.note," \
	" o.interruptions_per_month, o.interconnect, o.interconnect_gbps" \
	" FROM current c" \
	" JOIN offers o ON o.snapshot_id = c.snapshot_id AND o.provider = c.provider" \
	"  AND o.region = c.region AND o.purchase = c.purchase" \
	" LEFT JOIN accelerators a ON a.name = o.accelerator" \
	" WHERE c.kind = 'offers'"
#define OFFERS_FILTER \
	"  AND (?2 IS NULL OR instr(',' || ?2 || ',', ',' || o.provider || ',') > 0)" \
	"  AND (?3 IS NULL OR o.purchase = ?3)" \
	"  AND o.accelerator_count >= ?5" \
	"  AND (?6 <= 0 OR coalesce(a.memory_gb, 0) >= ?6)" \
	"  AND (?7 <= 0 OR o.price_per_hour <= ?7)" \
	"  AND (?8 OR o.component = 'instance')" \
	"  AND (?9 IS NULL OR o.region = ?9 COLLATE NOCASE)" \
	" ORDER BY o.provider, o.region, o.instance_type, o.component, coalesce(o.zone, '')," \
	"  o.purchase, o.id"

/* ST_ADD_OFFERS: OFFER_BATCH rows of OFFER_COLUMNS parameters each. */
#define OFFER_COLUMNS 20
#define OFFER_BATCH 16
#define OFFER_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define OFFER_ROWS_4 OFFER_ROW ", " OFFER_ROW ", " OFFER_ROW ", " OFFER_ROW
#define OFFER_ROWS_16 OFFER_ROWS_4 ", " OFFER_ROWS_4 ", " OFFER_ROWS_4 ", " OFFER_ROWS_4

static const char *const statements[ST_COUNT] = {
	[ST_FIND_ACCELERATOR] =
		"SELECT a.name, a.vendor, a.kind, a.memory_gb, a.bf16_tflops, a.fp8_tflops,"
		" a.hbm_tbps, a.tdp_w, a.confidence, a.source, a.observed, a.note, k.ambiguous,"
		" a.scaleup_gb_s, a.scaleout_gb_s, a.interconnect_source"
		" FROM accelerator_aliases k JOIN accelerators a ON a.name = k.accelerator"
		" WHERE k.key = ?1",
	[ST_ALIASES] =
		"SELECT alias, ambiguous FROM accelerator_aliases"
		" WHERE accelerator = ?1 AND position > 0 ORDER BY position",
	[ST_PUT_ACCELERATOR] =
		"INSERT OR REPLACE INTO accelerators(name, vendor, kind, memory_gb, bf16_tflops,"
		" fp8_tflops, hbm_tbps, tdp_w, confidence, source, observed, note,"
		" scaleup_gb_s, scaleout_gb_s, interconnect_source)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_PUT_ALIAS] =
		"INSERT INTO accelerator_aliases(key, alias, accelerator, position, ambiguous)"
		" VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_ALIAS_OWNER] =
		"SELECT accelerator FROM accelerator_aliases WHERE key = ?1",
	[ST_LIST_ACCELERATORS] =
		"SELECT name, vendor, kind, memory_gb, bf16_tflops, fp8_tflops, hbm_tbps, tdp_w,"
		" confidence, source, observed, note, 0, scaleup_gb_s, scaleout_gb_s,"
		" interconnect_source FROM accelerators ORDER BY rowid",
	[ST_QUERY_OFFERS] =
		OFFERS_SELECT " AND (?1 IS NULL OR o.accelerator = ?1)"
		" AND (?4 IS NULL OR o.instance_type = ?4)" OFFERS_FILTER,
	/* Equality without "IS NULL OR" lets SQLite use the accelerator/instance indexes. */
	[ST_QUERY_OFFERS_BY_ACCELERATOR] =
		OFFERS_SELECT " AND o.accelerator = ?1"
		" AND (?4 IS NULL OR o.instance_type = ?4)"
		/* One provider (?10) seeks on the index's second column; NULL is every
		 * provider: '' is below any text, a blob above it. */
		" AND o.provider BETWEEN coalesce(?10, '') AND coalesce(?10, x'ff')" OFFERS_FILTER,
	[ST_QUERY_OFFERS_BY_INSTANCE] =
		OFFERS_SELECT " AND (?1 IS NULL OR o.accelerator = ?1)"
		" AND o.instance_type = ?4" OFFERS_FILTER,
	/*
	 * The optimizer's scan (offers_by_price, db_scan_begin): what is current; each
	 * size of an accelerator, and per size and option each fabric with its lowest
	 * price, one index seek each; then one group's rows cheapest first, matched on
	 * the index alone (the table is read only for the rows the caller asks for).
	 */
	[ST_SCAN_CURRENT] =
		"SELECT provider, region, purchase, snapshot_id FROM current WHERE kind = 'offers'",
	[ST_SCAN_NEXT_COUNT] =
		"SELECT min(accelerator_count) FROM offers INDEXED BY offers_by_price"
		" WHERE accelerator = ?1 AND accelerator_count > ?2 AND component = 'instance'",
	/* The first row in fabric order: rows stored before fabrics were recorded (both
	 * NULL, first in the index) at their lowest price, else the first fabric's. */
	[ST_SCAN_FIRST_FABRIC] =
		"SELECT interconnect, interconnect_gbps, price_per_hour"
		" FROM offers INDEXED BY offers_by_price"
		" WHERE accelerator = ?1 AND accelerator_count = ?2 AND purchase = ?3"
		"  AND component = 'instance'"
		" ORDER BY interconnect, interconnect_gbps, price_per_hour LIMIT 1",
	/* The next fabric in two seeks: the same name at a higher bandwidth, else the
	 * next name. (One row-value (interconnect, interconnect_gbps) > (?4, ?5) seeks
	 * on the name only and then walks every row of the fabric it has just seen: at
	 * 1M offers that walk was half of optimize's time.) */
	[ST_SCAN_NEXT_GBPS] =
		"SELECT interconnect, interconnect_gbps, price_per_hour"
		" FROM offers INDEXED BY offers_by_price"
		" WHERE accelerator = ?1 AND accelerator_count = ?2 AND purchase = ?3"
		"  AND component = 'instance' AND interconnect = ?4 AND interconnect_gbps > ?5"
		" ORDER BY interconnect_gbps, price_per_hour LIMIT 1",
	[ST_SCAN_NEXT_FABRIC] =
		"SELECT interconnect, interconnect_gbps, price_per_hour"
		" FROM offers INDEXED BY offers_by_price"
		" WHERE accelerator = ?1 AND accelerator_count = ?2 AND purchase = ?3"
		"  AND component = 'instance' AND interconnect > ?4"
		" ORDER BY interconnect, interconnect_gbps, price_per_hour LIMIT 1",
	[ST_SCAN_OFFERS] =
		"SELECT o.id, o.price_per_hour, o.snapshot_id, o.region"
		" FROM offers o INDEXED BY offers_by_price" SCAN_WHERE
		" ORDER BY o.price_per_hour",
	/* The group's size and its cheapest row (SQLite takes a bare column from min's row). */
	[ST_SCAN_COUNT] =
		"SELECT min(o.price_per_hour), o.id, count(*), o.snapshot_id"
		" FROM offers o INDEXED BY offers_by_price" SCAN_WHERE,
	[ST_SCAN_ROW] =
		"SELECT provider, zone, instance_type, vcpus, memory_gib, currency, observed, source,"
		" confidence, note, interruptions_per_month, region FROM offers WHERE id = ?1",
	[ST_HISTORY] =
		"SELECT o.provider, o.region, o.zone, o.instance_type, o.accelerator,"
		" o.accelerator_count, o.vcpus, o.memory_gib, coalesce(a.memory_gb, 0),"
		" coalesce(a.bf16_tflops, 0), o.purchase, o.price_per_hour, o.currency,"
		" o.observed, o.source, o.confidence, o.snapshot_id, o.component, o.note,"
		" o.interruptions_per_month, o.interconnect, o.interconnect_gbps"
		" FROM offers o JOIN snapshots s ON s.id = o.snapshot_id AND s.status = 'ok'"
		" LEFT JOIN accelerators a ON a.name = o.accelerator"
		" WHERE o.instance_type = ?1 AND (?2 IS NULL OR o.region = ?2)"
		"  AND o.component = 'instance'"
		" ORDER BY o.provider, o.region, coalesce(o.zone, ''), o.purchase, o.snapshot_id, o.id",
	/* A chip imported without specs keeps the name it came with (any case). */
	[ST_STORED_CHIP] =
		"SELECT accelerator FROM offers WHERE accelerator = ?1 COLLATE NOCASE LIMIT 1",
	[ST_PROVIDERS] =
		"SELECT DISTINCT provider FROM current WHERE kind = 'offers' ORDER BY provider",
	[ST_SNAPSHOT_INSERT] =
		"INSERT INTO snapshots(provider, source, fetched_at, status)"
		" VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'pending')",
	[ST_SNAPSHOT_PROVIDER] =
		"SELECT provider, status FROM snapshots WHERE id = ?1",
	[ST_SNAPSHOT_FINISH] =
		"UPDATE snapshots SET status = 'ok',"
		" offer_rows = (SELECT count(*) FROM offers WHERE snapshot_id = ?1),"
		" egress_rows = (SELECT count(*) FROM egress_tiers WHERE snapshot_id = ?1),"
		" storage_rows = (SELECT count(*) FROM storage_prices WHERE snapshot_id = ?1),"
		" observed = (SELECT max(observed) FROM ("
		"   SELECT observed FROM offers WHERE snapshot_id = ?1"
		"   UNION ALL SELECT observed FROM egress_tiers WHERE snapshot_id = ?1"
		"   UNION ALL SELECT observed FROM storage_prices WHERE snapshot_id = ?1))"
		" WHERE id = ?1",
	/* A snapshot replaces the purchase options it has, region by region. */
	[ST_SNAPSHOT_CURRENT_OFFERS] =
		"INSERT INTO current(kind, provider, region, purchase, snapshot_id)"
		" SELECT DISTINCT 'offers', provider, region, purchase, ?1 FROM offers"
		" WHERE snapshot_id = ?1"
		" ON CONFLICT(kind, provider, region, purchase)"
		" DO UPDATE SET snapshot_id = excluded.snapshot_id",
	[ST_SNAPSHOT_CURRENT_EGRESS] =
		"INSERT INTO current(kind, provider, region, snapshot_id)"
		" SELECT DISTINCT 'egress', provider, scope, ?1 FROM egress_tiers WHERE snapshot_id = ?1"
		" ON CONFLICT(kind, provider, region, purchase)"
		" DO UPDATE SET snapshot_id = excluded.snapshot_id",
	[ST_SNAPSHOT_CURRENT_STORAGE] =
		"INSERT INTO current(kind, provider, region, snapshot_id)"
		" SELECT DISTINCT 'storage', provider, region, ?1 FROM storage_prices"
		" WHERE snapshot_id = ?1"
		" ON CONFLICT(kind, provider, region, purchase)"
		" DO UPDATE SET snapshot_id = excluded.snapshot_id",
	[ST_SNAPSHOT_DELETE] =
		"DELETE FROM snapshots WHERE id = ?1",
	/* The provider's current region and purchase options SNAPSHOT does not price. */
	[ST_SNAPSHOT_UNLISTED] =
		"SELECT DISTINCT region FROM current WHERE kind = 'offers'"
		" AND provider = (SELECT provider FROM snapshots WHERE id = ?1)" UNLISTED,
	[ST_SNAPSHOT_RETIRE] =
		"DELETE FROM current WHERE kind = 'offers'"
		" AND provider = (SELECT provider FROM snapshots WHERE id = ?1)"
		" AND region = ?2" UNLISTED,
	/* ST_SNAPSHOT_FINISH with the offers counted as they were written (?2, ?3). */
	[ST_SNAPSHOT_FINISH_COUNTED] =
		"UPDATE snapshots SET status = 'ok', offer_rows = ?2,"
		" egress_rows = (SELECT count(*) FROM egress_tiers WHERE snapshot_id = ?1),"
		" storage_rows = (SELECT count(*) FROM storage_prices WHERE snapshot_id = ?1),"
		" observed = (SELECT max(observed) FROM ("
		"   SELECT ?3 AS observed"
		"   UNION ALL SELECT observed FROM egress_tiers WHERE snapshot_id = ?1"
		"   UNION ALL SELECT observed FROM storage_prices WHERE snapshot_id = ?1))"
		" WHERE id = ?1",
	/* ST_SNAPSHOT_CURRENT_OFFERS for one region and purchase option the writes saw. */
	[ST_SNAPSHOT_CURRENT_PAIR] =
		"INSERT INTO current(kind, provider, region, purchase, snapshot_id)"
		" VALUES ('offers', ?2, ?3, ?4, ?1)"
		" ON CONFLICT(kind, provider, region, purchase)"
		" DO UPDATE SET snapshot_id = excluded.snapshot_id",
	[ST_SNAPSHOT_FAILED] =
		"INSERT INTO snapshots(provider, source, fetched_at, status, message)"
		" VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'failed', ?3)",
	[ST_ADD_OFFER] =
		"INSERT INTO offers(snapshot_id, provider, region, zone, instance_type, component,"
		" accelerator, accelerator_count, vcpus, memory_gib, purchase, price_per_hour,"
		" currency, observed, source, confidence, note, interruptions_per_month,"
		" interconnect, interconnect_gbps)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?18, ?19, ?20)",
	/* OFFER_BATCH rows of ST_ADD_OFFER's columns, row j's at j * 20 + 1 .. j * 20 + 20. */
	[ST_ADD_OFFERS] =
		"INSERT INTO offers(snapshot_id, provider, region, zone, instance_type, component,"
		" accelerator, accelerator_count, vcpus, memory_gib, purchase, price_per_hour,"
		" currency, observed, source, confidence, note, interruptions_per_month,"
		" interconnect, interconnect_gbps) VALUES " OFFER_ROWS_16,
	[ST_ADD_EGRESS] =
		"INSERT INTO egress_tiers(snapshot_id, provider, scope, destination, start_gb, end_gb,"
		" price_per_gb, confidence, source, observed, note)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_ADD_STORAGE] =
		"INSERT INTO storage_prices(snapshot_id, provider, region, storage_class, product,"
		" price_per_gb_month, retrieval_per_gb, min_days, confidence, source, observed, note)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[ST_EGRESS] =
		"SELECT e.provider, e.scope, e.destination, e.start_gb, e.end_gb, e.price_per_gb,"
		" e.confidence, e.source, e.observed, e.note"
		" FROM current c JOIN egress_tiers e ON e.snapshot_id = c.snapshot_id"
		"  AND e.provider = c.provider AND e.scope = c.region"
		" WHERE c.kind = 'egress' AND c.provider = ?1 AND c.region = ?2"
		"  AND e.destination = ?3 ORDER BY e.start_gb",
	[ST_LIST_EGRESS] =
		"SELECT e.provider, e.scope, e.destination, e.start_gb, e.end_gb, e.price_per_gb,"
		" e.confidence, e.source, e.observed, e.note"
		" FROM current c JOIN egress_tiers e ON e.snapshot_id = c.snapshot_id"
		"  AND e.provider = c.provider AND e.scope = c.region"
		" WHERE c.kind = 'egress' ORDER BY e.provider, e.scope, e.destination, e.start_gb",
	[ST_STORAGE] =
		"SELECT p.provider, p.region, p.storage_class, p.product, p.price_per_gb_month,"
		" p.retrieval_per_gb, p.min_days, p.confidence, p.source, p.observed, p.note"
		" FROM current c JOIN storage_prices p ON p.snapshot_id = c.snapshot_id"
		"  AND p.provider = c.provider AND p.region = c.region"
		" WHERE c.kind = 'storage' AND c.provider = ?1 AND p.storage_class = ?3"
		" ORDER BY c.region = ?2 DESC, c.region = 'global' DESC, c.region, p.id LIMIT 1",
	[ST_LIST_STORAGE] =
		"SELECT p.provider, p.region, p.storage_class, p.product, p.price_per_gb_month,"
		" p.retrieval_per_gb, p.min_days, p.confidence, p.source, p.observed, p.note"
		" FROM current c JOIN storage_prices p ON p.snapshot_id = c.snapshot_id"
		"  AND p.provider = c.provider AND p.region = c.region"
		" WHERE c.kind = 'storage' ORDER BY p.provider, p.region, p.id",
	[ST_FACT] =
		"SELECT key, low, high, unit, confidence, source, observed, note FROM facts"
		" WHERE key = ?1",
	[ST_PUT_FACT] =
		"INSERT OR REPLACE INTO facts(key, low, high, unit, confidence, source, observed, note)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_LIST_FACTS] =
		"SELECT key, low, high, unit, confidence, source, observed, note FROM facts"
		" ORDER BY rowid",
	[ST_LIST_SNAPSHOTS] =
		"SELECT s.id, s.provider, s.source, s.fetched_at, s.observed, s.status, s.message,"
		" s.offer_rows, s.egress_rows, s.storage_rows,"
		" EXISTS (SELECT 1 FROM current c WHERE c.snapshot_id = s.id)"
		" FROM snapshots s WHERE s.status != 'pending' ORDER BY s.id DESC",
	[ST_SNAPSHOT_OBSERVED] =
		"SELECT snapshot_id, NULL, observed, count(*) FROM ("
		" SELECT snapshot_id, observed FROM offers"
		" UNION ALL SELECT snapshot_id, observed FROM egress_tiers"
		" UNION ALL SELECT snapshot_id, observed FROM storage_prices)"
		" GROUP BY snapshot_id, observed",
	[ST_CURRENT_OBSERVED] =
		"SELECT 0, c.provider, o.observed, count(*) FROM current c"
		" JOIN offers o ON o.snapshot_id = c.snapshot_id AND o.provider = c.provider"
		"  AND o.region = c.region AND o.purchase = c.purchase"
		" WHERE c.kind = 'offers' GROUP BY c.provider, o.observed"
		" UNION ALL SELECT 0, c.provider, e.observed, count(*) FROM current c"
		" JOIN egress_tiers e ON e.snapshot_id = c.snapshot_id"
		"  AND e.provider = c.provider AND e.scope = c.region"
		" WHERE c.kind = 'egress' GROUP BY c.provider, e.observed"
		" UNION ALL SELECT 0, c.provider, p.observed, count(*) FROM current c"
		" JOIN storage_prices p ON p.snapshot_id = c.snapshot_id"
		"  AND p.provider = c.provider AND p.region = c.region"
		" WHERE c.kind = 'storage' GROUP BY c.provider, p.observed",
	[ST_GET_VALIDATORS] =
		"SELECT etag, last_modified FROM http_validators WHERE url = ?1",
	[ST_SET_VALIDATORS] =
		"INSERT INTO http_validators(url, etag, last_modified, updated_at)"
		" VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
		" ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
		" last_modified = excluded.last_modified, updated_at = excluded.updated_at",
};

/*
 * How an older schema spelled a write: db_open_version builds stores as an older
 * aicost left them (migration tests), so their writes must fit that schema.
 * Used when the store's version is below BEFORE; the first match wins.
 */
static const struct {
	enum stmt_id id;
	int before;
	const char *sql;
} older_statements[] = {
	{ ST_PUT_ACCELERATOR, 5,
	  "INSERT OR REPLACE INTO accelerators(name, vendor, kind, memory_gb, bf16_tflops,"
	  " fp8_tflops, hbm_tbps, tdp_w, confidence, source, observed, note)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)" },
	{ ST_FIND_ACCELERATOR, 5,
	  "SELECT a.name, a.vendor, a.kind, a.memory_gb, a.bf16_tflops, a.fp8_tflops,"
	  " a.hbm_tbps, a.tdp_w, a.confidence, a.source, a.observed, a.note, k.ambiguous,"
	  " 0, 0, NULL"
	  " FROM accelerator_aliases k JOIN accelerators a ON a.name = k.accelerator"
	  " WHERE k.key = ?1" },
	{ ST_LIST_ACCELERATORS, 5,
	  "SELECT name, vendor, kind, memory_gb, bf16_tflops, fp8_tflops, hbm_tbps, tdp_w,"
	  " confidence, source, observed, note, 0, 0, 0, NULL FROM accelerators ORDER BY rowid" },
	{ ST_ADD_OFFER, 3,
	  "INSERT INTO offers(snapshot_id, provider, region, zone, instance_type, component,"
	  " accelerator, accelerator_count, vcpus, memory_gib, purchase, price_per_hour,"
	  " currency, observed, source, confidence, note)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)" },
	{ ST_ADD_OFFER, OFFERS_FABRIC_VERSION,
	  "INSERT INTO offers(snapshot_id, provider, region, zone, instance_type, component,"
	  " accelerator, accelerator_count, vcpus, memory_gib, purchase, price_per_hour,"
	  " currency, observed, source, confidence, note, interruptions_per_month)"
	  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	  " ?18)" },
	{ ST_SNAPSHOT_CURRENT_OFFERS, 4,
	  "INSERT INTO current(kind, provider, region, snapshot_id)"
	  " SELECT DISTINCT 'offers', provider, region, ?1 FROM offers WHERE snapshot_id = ?1"
	  " ON CONFLICT(kind, provider, region) DO UPDATE SET snapshot_id = excluded.snapshot_id" },
	{ ST_SNAPSHOT_CURRENT_EGRESS, 4,
	  "INSERT INTO current(kind, provider, region, snapshot_id)"
	  " SELECT DISTINCT 'egress', provider, scope, ?1 FROM egress_tiers WHERE snapshot_id = ?1"
	  " ON CONFLICT(kind, provider, region) DO UPDATE SET snapshot_id = excluded.snapshot_id" },
	{ ST_SNAPSHOT_CURRENT_STORAGE, 4,
	  "INSERT INTO current(kind, provider, region, snapshot_id)"
	  " SELECT DISTINCT 'storage', provider, region, ?1 FROM storage_prices"
	  " WHERE snapshot_id = ?1"
	  " ON CONFLICT(kind, provider, region) DO UPDATE SET snapshot_id = excluded.snapshot_id" },
};

/*
 * What a snapshot begun by this connection has been given so far: its provider, and
 * of its offers the count, the latest observed date and each region and purchase
 * option. Publishing it (db_snapshot_commit) then needs no pass over its rows, which
 * took a sixth of a large import. Forgotten on any rollback: the snapshot is then
 * published from its rows, as before.
 */
struct pending {
	int64_t snapshot;
	char *provider;
	long offers;
	char *observed;              /* the latest; NULL before the first offer */
	struct str_index pairs;      /* "region\x1fpurchase" */
	char **keys;                 /* the index's keys, owned */
	size_t nkeys, keys_alloc;
};

struct db {
	sqlite3 *handle;
	char *path;
	sqlite3_stmt *stmts[ST_COUNT];
	int txn_depth;              /* db_transaction_begin nesting */
	int64_t owning_snapshot;    /* the snapshot that opened the transaction, or 0 */
	int version;                /* schema version after migrating (user_version) */
	/* The pending snapshot whose provider check_provider last read, and that provider. */
	int64_t checked_snapshot;
	char *checked_provider;
	/* The snapshots this connection began and has not finished (see struct pending). */
	struct pending *pending;
	size_t npending, pending_alloc, last_pending;
	/* What lookup_accelerator answered for the last names an import's rows gave. */
	struct chip_memo {
		char *name, *canonical;     /* canonical NULL: not a known chip */
	} chips[16];
	size_t next_chip;
	bool read_only;             /* opened for reading: the user may not write the file */
	bool environment_failed;    /* the last failure was the machine's, not the data's */
	bool new_store;             /* created by this open: synced at its first commit */
	char *private_path;         /* db_create_private: the file being built, not yet published */
	struct offer_scanner *scan; /* the optimizer's scan under way (aicost_scan_allows) */
	bool scan_function;         /* aicost_scan_allows is registered */
};

/* How long a writer waits for another one: AICOST_DB_BUSY_TIMEOUT seconds [10]. */
static int busy_timeout_s(void)
{
	const char *text = getenv("AICOST_DB_BUSY_TIMEOUT");
	char *end;
	long seconds;

	if (!text || !*text)
		return 10;
	seconds = strtol(text, &end, 10);
	return *end || seconds < 0 || seconds > 86400 ? 10 : (int)seconds;
}

static int db_fail(struct db *db, const char *what)
{
	int code = sqlite3_errcode(db->handle) & 0xff;

	db->environment_failed = code == SQLITE_BUSY || code == SQLITE_LOCKED ||
				 code == SQLITE_FULL || code == SQLITE_IOERR ||
				 code == SQLITE_NOMEM || code == SQLITE_READONLY ||
				 code == SQLITE_CANTOPEN || code == SQLITE_CORRUPT;
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		error_set("%s: %s: the price store is busy: another aicost is writing to it "
			  "(waited %d s, AICOST_DB_BUSY_TIMEOUT); try again when it has finished",
			  db->path, what, busy_timeout_s());
	else if (code == SQLITE_FULL || code == SQLITE_IOERR)
		error_set("%s: %s: %s (the disk is full or the file would pass a size limit; "
			  "the store keeps what it had)", db->path, what,
			  sqlite3_errmsg(db->handle));
	else
		error_set("%s: %s: %s", db->path, what, sqlite3_errmsg(db->handle));
	return -1;
}

bool db_failed_environment(const struct db *db)
{
	return db->environment_failed;
}

/* Forgets what the import caches above remember (the tables they mirror changed). */
static void forget_memos(struct db *db)
{
	db->checked_snapshot = 0;
	free(db->checked_provider);
	db->checked_provider = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(db->chips); i++) {
		free(db->chips[i].name);
		free(db->chips[i].canonical);
		db->chips[i].name = db->chips[i].canonical = NULL;
	}
	db->next_chip = 0;
}

static void pending_release(struct pending *p)
{
	free(p->provider);
	free(p->observed);
	for (size_t i = 0; i < p->nkeys; i++)
		free(p->keys[i]);
	free(p->keys);
	str_index_release(&p->pairs);
}

/* Forgets SNAPSHOT's record (0: every record). */
static void pending_forget(struct db *db, int64_t snapshot)
{
	size_t kept = 0;

	for (size_t i = 0; i < db->npending; i++) {
		if (snapshot == 0 || db->pending[i].snapshot == snapshot)
			pending_release(&db->pending[i]);
		else
			db->pending[kept++] = db->pending[i];
	}
	db->npending = kept;
	db->last_pending = 0;
	if (kept == 0) {
		free(db->pending);
		db->pending = NULL;
		db->pending_alloc = 0;
	}
}

static struct pending *pending_find(struct db *db, int64_t snapshot)
{
	if (db->last_pending < db->npending && db->pending[db->last_pending].snapshot == snapshot)
		return &db->pending[db->last_pending];
	for (size_t i = 0; i < db->npending; i++)
		if (db->pending[i].snapshot == snapshot) {
			db->last_pending = i;
			return &db->pending[i];
		}
	return NULL;
}

/* Counts offer O, just written into P's snapshot. */
static void pending_count(struct pending *p, const struct offer *o)
{
	size_t region = strlen(o->region), purchase = strlen(o->purchase);
	char *key = xmalloc(region + purchase + 2);

	p->offers++;
	if (!p->observed || strcmp(o->observed, p->observed) > 0) {
		free(p->observed);
		p->observed = xstrdup(o->observed);
	}
	memcpy(key, o->region, region);
	key[region] = '\x1f';
	memcpy(key + region + 1, o->purchase, purchase + 1);
	if (str_index_add(&p->pairs, key, p->nkeys) != SIZE_MAX) {
		free(key);
		return;
	}
	xgrow(&p->keys, &p->keys_alloc, p->nkeys + 1, sizeof(*p->keys));
	p->keys[p->nkeys++] = key;
}

static int exec_sql(struct db *db, const char *sql, const char *what)
{
	if (sqlite3_exec(db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, what);
	return 0;
}

/* The statement ID, reset and unbound, ready for new values; NULL with error set. */
static sqlite3_stmt *stmt_get(struct db *db, enum stmt_id id)
{
	sqlite3_stmt *st = db->stmts[id];

	if (!st) {
		const char *sql = statements[id];

		for (size_t i = 0; i < ARRAY_SIZE(older_statements); i++)
			if (older_statements[i].id == id && db->version < older_statements[i].before) {
				sql = older_statements[i].sql;
				break;
			}
		if (sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT,
				       &db->stmts[id], NULL) != SQLITE_OK) {
			db_fail(db, "preparing a statement");
			return NULL;
		}
		return db->stmts[id];
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* NAN and INFINITY are stored as NULL: "not published" and "no upper bound". */
static void bind_number(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static char *column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

static double column_number(sqlite3_stmt *st, int i, double if_null)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? if_null : sqlite3_column_double(st, i);
}

/* Runs a write statement to completion; 1 (error set) when it would duplicate a row. */
static int step_done(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		error_set("%s: duplicate of a row already in this snapshot", what);
		return 1;
	}
	if (rc != SQLITE_DONE)
		return db_fail(db, what);
	return 0;
}

/* Reads the current row into ITEM (zeroed memory); false skips the row. */
typedef bool (*row_reader)(sqlite3_stmt *st, void *item, const void *ctx);

/* Steps ST to the end, appending one item of SIZE bytes per row kept by READ. */
static int collect_rows(struct db *db, sqlite3_stmt *st, void *items_ptr, size_t *n,
			size_t *alloc, size_t size, row_reader read, const void *ctx,
			const char *what)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *base;

		xgrow(items_ptr, alloc, *n + 1, size);   /* new slots come zeroed */
		memcpy(&base, items_ptr, sizeof(base));
		if (read(st, base + *n * size, ctx))
			(*n)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, what);
}

#define COLLECT(db, st, list, read, ctx, what) \
	collect_rows((db), (st), &(list)->items, &(list)->n, &(list)->alloc, \
		     sizeof(*(list)->items), (read), (ctx), (what))

int db_schema_version(void)
{
	return (int)ARRAY_SIZE(migrations);
}

const char *db_path(const struct db *db)
{
	return db->path;
}

int db_default_path(const char *override, struct strbuf *path)
{
	const char *env = getenv("AICOST_DB");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	strbuf_reset(path);
	if (override && !*override) {
		/* --db '' is a mistake (an unset variable), not a request for the default. */
		error_set("--db: an empty path; name the price store's file");
		return -1;
	}
	if (override) {
		strbuf_adds(path, override);
	} else if (env && *env) {
		strbuf_adds(path, env);
	} else if (xdg && xdg[0] == '/') {
		/* The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored. */
		strbuf_addf(path, "%s/aicost/prices.db", xdg);
	} else if (home && *home) {
		strbuf_addf(path, "%s/.local/share/aicost/prices.db", home);
	} else {
		error_set("cannot locate the price store: HOME is not set (use --db PATH)");
		return -1;
	}
	return 0;
}

static int user_version(struct db *db, int *out)
{
	sqlite3_stmt *st;
	int result = -1;

	if (sqlite3_prepare_v2(db->handle, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "reading the schema version");
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_fail(db, "reading the schema version");
		goto cleanup;
	}
	*out = sqlite3_column_int(st, 0);
	result = 0;
cleanup:
	sqlite3_finalize(st);
	return result;
}

/* A sound store whose directory will not take the -wal and -shm files beside it. */
static int directory_error(struct db *db)
{
	db->environment_failed = true;
	error_set("%s: the price store's directory is not writable (SQLite keeps its "
		  "write-ahead log beside the store; check the permissions, or use --db "
		  "with a writable path)", db->path);
	return -1;
}

/* One integer from a read-only query such as "PRAGMA application_id". */
static int query_int(struct db *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int result = -1;

	if (sqlite3_prepare_v2(db->handle, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		result = 0;
	}
	sqlite3_finalize(st);
	return result;
}

enum store_kind { STORE_EMPTY, STORE_AICOST, STORE_AICOST_UNSTAMPED };

/*
 * What the file at the handle is, read without writing a byte: an empty database
 * (new), an aicost store (its application id, or from before the id: its tables),
 * or something else, which is refused untouched.
 */
static int identify_once(struct db *db, enum store_kind *kind, bool *busy)
{
	static const char *const own_tables =
		"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
		" ('meta', 'accelerators', 'snapshots', 'offers')";
	int application_id, version, tables, own;

	if (query_int(db, "PRAGMA application_id", &application_id) < 0 ||
	    query_int(db, "PRAGMA user_version", &version) < 0 ||
	    query_int(db, "SELECT count(*) FROM sqlite_master", &tables) < 0 ||
	    query_int(db, own_tables, &own) < 0) {
		int code = sqlite3_errcode(db->handle) & 0xff;

		if (code == SQLITE_CANTOPEN || code == SQLITE_READONLY)
			return directory_error(db);
		*busy = code == SQLITE_BUSY;
		if (code == SQLITE_BUSY)
			return db_fail(db, "reading the store");
		error_set("%s: not a usable aicost price store: %s", db->path,
			  sqlite3_errmsg(db->handle));
		return -1;
	}
	if (application_id == 0 && version == 0 && tables == 0) {
		*kind = STORE_EMPTY;
		return 0;
	}
	if (application_id != AICOST_APPLICATION_ID && !(application_id == 0 && own == 4)) {
		error_set("%s: not an aicost price store (a SQLite database of another "
			  "application: application id %d, %d schema objects); it was left "
			  "untouched: use --db with another path", db->path, application_id, tables);
		return -1;
	}
	if (version < 1 || version > db_schema_version()) {
		if (version > db_schema_version())
			error_set("%s: the price store has schema version %d, newer than this "
				  "aicost understands (%d); upgrade aicost or use another --db",
				  db->path, version, db_schema_version());
		else
			error_set("%s: a damaged price store: schema version %d is not one aicost "
				  "ever wrote; move it away and let aicost create a new one",
				  db->path, version);
		return -1;
	}
	*kind = application_id == AICOST_APPLICATION_ID ? STORE_AICOST : STORE_AICOST_UNSTAMPED;
	return 0;
}

/*
 * All missing steps in one transaction: a first use syncs the disk once, and a
 * crash leaves the store at its old version, never between two steps.
 */
static int migrate(struct db *db, int target)
{
	struct strbuf sql = STRBUF_INIT;
	int version;

	if (user_version(db, &version) < 0)
		return -1;
	if (version >= target)
		return 0;
	if (exec_sql(db, "BEGIN IMMEDIATE", "starting a migration") < 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (user_version(db, &version) < 0)
		goto fail;
	if (version >= target)
		return exec_sql(db, "COMMIT", "committing a migration");
	for (int step = version + 1; step <= target; step++)
		for (const char *const *part = migrations[step - 1]; *part; part++)
			strbuf_adds(&sql, *part);
	strbuf_addf(&sql, "PRAGMA user_version = %d; PRAGMA application_id = %d;", target,
		    AICOST_APPLICATION_ID);
	if (exec_sql(db, sql.buf, "migrating the schema") < 0 ||
	    exec_sql(db, "COMMIT", "committing a migration") < 0)
		goto fail;
	strbuf_release(&sql);
	return 0;
fail:
	strbuf_release(&sql);
	sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int meta_get(struct db *db, const char *key, struct strbuf *value, bool *found)
{
	sqlite3_stmt *st;
	int rc, result = -1;

	*found = false;
	if (sqlite3_prepare_v2(db->handle, "SELECT value FROM meta WHERE key = ?1", -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(db, "reading meta");
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		if (value)
			strbuf_adds(value, (const char *)sqlite3_column_text(st, 0));
	} else if (rc != SQLITE_DONE) {
		db_fail(db, "reading meta");
		goto cleanup;
	}
	result = 0;
cleanup:
	sqlite3_finalize(st);
	return result;
}

static int meta_set(struct db *db, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int result;

	if (sqlite3_prepare_v2(db->handle, "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "writing meta");
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	result = step_done(db, st, "writing meta");
	sqlite3_finalize(st);
	return result;
}

int db_seeded(struct db *db, bool *seeded)
{
	return meta_get(db, "seeded_from", NULL, seeded);
}

int db_mark_seeded(struct db *db, const char *catalog_dir, const char *fingerprint)
{
	if (fingerprint && meta_set(db, "catalog_fingerprint", fingerprint) < 0)
		return -1;
	return meta_set(db, "seeded_from", catalog_dir);
}

bool db_read_only(const struct db *db)
{
	return db->read_only;
}

/*
 * Switching a new file to WAL needs a lock that SQLite does not wait for through
 * busy_timeout, so two first uses at once would fail: retry for up to 10 s.
 */
static int enable_wal(struct db *db)
{
	int rc = SQLITE_BUSY;

	for (int attempt = 0; attempt < 200 && (rc & 0xff) == SQLITE_BUSY; attempt++) {
		if (attempt > 0)
			usleep(50 * 1000);
		rc = sqlite3_exec(db->handle, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
	}
	if ((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN)
		return directory_error(db);
	if (rc != SQLITE_OK) {
		/* "file is not a database" and friends: say what the file was supposed to be. */
		error_set("%s: not a usable aicost price store: %s", db->path,
			  sqlite3_errmsg(db->handle));
		return -1;
	}
	return 0;
}

/*
 * A reader can meet a first use switching the file to WAL, a lock SQLite does not
 * wait for through busy_timeout (see enable_wal): retry as long as a writer waits.
 */
static int identify(struct db *db, enum store_kind *kind)
{
	time_t give_up = time(NULL) + busy_timeout_s();
	bool busy = false;
	int rc;

	while ((rc = identify_once(db, kind, &busy)) < 0 && busy && time(NULL) < give_up) {
		usleep(50 * 1000);
		busy = false;
	}
	return rc;
}

/*
 * Opens the store for reading only: through a read-only handle, and when its
 * directory will not take the write-ahead log's index either, as an immutable file.
 */
static int open_read_only(struct db *db)
{
	struct strbuf uri = STRBUF_INIT;
	int objects;

	for (int immutable = 0; immutable <= 1; immutable++) {
		strbuf_reset(&uri);
		strbuf_adds(&uri, "file:");
		for (const char *p = db->path; *p; p++)
			if (*p == '?' || *p == '#' || *p == '%')
				strbuf_addf(&uri, "%%%02X", (unsigned char)*p);
			else
				strbuf_addch(&uri, *p);
		strbuf_adds(&uri, immutable ? "?mode=ro&immutable=1" : "?mode=ro");
		if (db->handle)
			sqlite3_close(db->handle);
		db->handle = NULL;
		if (sqlite3_open_v2(uri.buf, &db->handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
				    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
			break;
		sqlite3_extended_result_codes(db->handle, 1);
		/* A WAL store needs its -shm beside it: without one, immutable is the way. */
		if (query_int(db, "SELECT count(*) FROM sqlite_master", &objects) == 0 ||
		    ((sqlite3_errcode(db->handle) & 0xff) != SQLITE_CANTOPEN &&
		     (sqlite3_errcode(db->handle) & 0xff) != SQLITE_READONLY))
			break;
	}
	strbuf_release(&uri);
	if (!db->handle) {
		error_set("%s: cannot open the price store: out of memory", db->path);
		return -1;
	}
	db->read_only = true;
	return 0;
}

static int stamp(struct db *db)
{
	struct strbuf sql = STRBUF_INIT;
	int result;

	strbuf_addf(&sql, "PRAGMA application_id = %d", AICOST_APPLICATION_ID);
	result = exec_sql(db, sql.buf, "marking the file as an aicost price store");
	strbuf_release(&sql);
	return result;
}

/*
 * Before SQLite's first use: no allocation statistics (aicost reads none; each
 * allocation would take a global mutex to count itself). Later calls, or one after
 * SQLite started, change nothing.
 */
static void sqlite_configure(void)
{
	static bool done;

	if (!done)
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	done = true;
}

struct db *db_open_unseeded(const char *path, int target_version, bool reading)
{
	struct db *db = xcalloc(1, sizeof(*db));
	enum store_kind kind;
	int rc;

	db->path = xstrdup(path);
	if (!*path) {
		error_set("the price store path is empty (--db or AICOST_DB)");
		goto fail;
	}
	if (mkdir_parents(path, false) < 0) {
		error_prefix("%s: cannot create the price store's directory: ", path);
		goto fail;
	}
	sqlite_configure();
	rc = sqlite3_open_v2(path, &db->handle,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK && reading && access(path, R_OK) == 0) {
		rc = open_read_only(db);
	} else if (rc != SQLITE_OK) {
		if (access(path, R_OK | W_OK) < 0 && errno != ENOENT)
			error_set("%s: cannot open the price store: %s", path, strerror(errno));
		else if (db->handle)
			error_set("%s: cannot open the price store: %s", path,
				  sqlite3_errmsg(db->handle));
		else
			error_set("%s: cannot open the price store: out of memory", path);
		goto fail;
	}
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(db->handle, 1);
	/* Two writers wait for each other instead of failing at once. */
	sqlite3_busy_timeout(db->handle, busy_timeout_s() * 1000);
	if (!db->read_only && sqlite3_db_readonly(db->handle, "main") == 1) {
		if (!reading) {
			error_set("%s: the price store is read-only (check its permissions, or use "
				  "--db with a writable path)", path);
			goto fail;
		}
		if (open_read_only(db) < 0)
			goto fail;
	}
	/* Nothing is written before the file is known to be a store (or empty). */
	if (identify(db, &kind) < 0) {
		if (!reading || db->read_only || !db->environment_failed ||
		    open_read_only(db) < 0 || identify(db, &kind) < 0)
			goto fail;
		error_clear();
	}
	if (exec_sql(db, "PRAGMA foreign_keys = ON", "enabling foreign keys") < 0)
		goto fail;
	/*
	 * A store being created holds nothing yet: its migration and seeding need not
	 * wait for the disk at each commit (a power cut loses them, the log's
	 * checksums keep the file sound, and the next use does them again). The
	 * first transaction a command commits, the seeding, ends it (db_transaction_commit).
	 */
	if (kind == STORE_EMPTY && !db->read_only) {
		if (exec_sql(db, "PRAGMA synchronous = NORMAL", "creating the price store") < 0)
			goto fail;
		db->new_store = true;
	}
	if (!db->read_only && enable_wal(db) < 0) {
		/* A store in a directory the user cannot write: still readable. */
		if (!reading || open_read_only(db) < 0 || identify(db, &kind) < 0)
			goto fail;
		error_clear();
	}
	if (db->read_only) {
		if (kind == STORE_EMPTY) {
			error_set("%s: the price store is read-only and empty (check its "
				  "permissions, or use --db with a writable path)", path);
			goto fail;
		}
		if (user_version(db, &db->version) < 0)
			goto fail;
		if (db->version != db_schema_version()) {
			error_set("%s: the price store has schema version %d and is read-only: "
				  "run a command once with write access to update it to %d",
				  path, db->version, db_schema_version());
			goto fail;
		}
		return db;
	}
	if (migrate(db, target_version) < 0 || user_version(db, &db->version) < 0 ||
	    (kind == STORE_AICOST_UNSTAMPED && stamp(db) < 0))
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

int db_user_version(struct db *db, int *out)
{
	return user_version(db, out);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	forget_memos(db);
	pending_forget(db, 0);
	for (size_t i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->stmts[i]);
	if (db->handle)
		sqlite3_close(db->handle);
	if (db->private_path)
		unlink(db->private_path);
	free(db->private_path);
	free(db->path);
	free(db);
}

/*
 * A new store is built in a file of its own beside PATH, with neither journal nor
 * syncs (nobody else sees it, and a crash only leaves that file behind), and
 * published whole by db_publish: one sync of the file, a link to PATH, one sync
 * of the directory. The log of a shared store would instead sync ~7 times.
 */
/*
 * Files that first uses killed mid-way left beside PATH (kill -9, Ctrl-C): gone
 * after an hour, which no store takes to build.
 */
static void remove_stale_private(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	struct strbuf dir = STRBUF_INIT, prefix = STRBUF_INIT, stale = STRBUF_INIT;
	time_t cutoff = time(NULL) - 3600;
	struct dirent *entry;
	DIR *d;

	if (slash)
		strbuf_add(&dir, path, (size_t)(slash - path) + 1);
	else
		strbuf_adds(&dir, "./");
	strbuf_addf(&prefix, "%s.new-", base);
	d = opendir(dir.buf);
	while (d && (entry = readdir(d)) != NULL) {
		struct stat st;

		if (strncmp(entry->d_name, prefix.buf, prefix.len) != 0 ||
		    strlen(entry->d_name) != prefix.len + 6)
			continue;
		strbuf_reset(&stale);
		strbuf_addf(&stale, "%s%s", dir.buf, entry->d_name);
		if (lstat(stale.buf, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < cutoff)
			unlink(stale.buf);
	}
	if (d)
		closedir(d);
	strbuf_release(&dir);
	strbuf_release(&prefix);
	strbuf_release(&stale);
}

/* A new private file beside DB's path, its name in db->private_path; its fd, or -1. */
static int make_private(struct db *db)
{
	struct strbuf tmp = STRBUF_INIT;
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	if (mkdir_parents(db->path, false) < 0) {
		error_prefix("%s: cannot create the price store's directory: ", db->path);
		return -1;
	}
	remove_stale_private(db->path);
	strbuf_addf(&tmp, "%s.new-XXXXXX", db->path);
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		error_set("%s: cannot create the price store: %s", db->path, strerror(errno));
		strbuf_release(&tmp);
		return -1;
	}
	/* As SQLite would create it; mkstemp makes 0600. */
	fchmod(fd, 0644 & ~mask);
	db->private_path = strbuf_detach(&tmp, NULL);
	return fd;
}

/* Opens the private file: nobody else sees it, so neither journal nor syncs. */
static int open_private(struct db *db)
{
	sqlite_configure();
	if (sqlite3_open_v2(db->private_path, &db->handle,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		error_set("%s: cannot create the price store: %s", db->path,
			  db->handle ? sqlite3_errmsg(db->handle) : "out of memory");
		return -1;
	}
	sqlite3_extended_result_codes(db->handle, 1);
	return exec_sql(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
			" PRAGMA foreign_keys = ON", "creating the price store");
}

struct db *db_create_private(const char *path, int target_version)
{
	struct db *db = xcalloc(1, sizeof(*db));
	int fd;

	db->path = xstrdup(path);
	fd = make_private(db);
	if (fd < 0)
		goto fail;
	close(fd);
	if (open_private(db) < 0 || migrate(db, target_version) < 0 ||
	    user_version(db, &db->version) < 0)
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

/* Copies the file SOURCE to FD; -1 with error set. */
static int copy_file(const char *source, int fd, const char *path)
{
	char buf[1 << 17];
	int in = open(source, O_RDONLY | O_CLOEXEC);
	ssize_t got = 0;
	int result = -1;

	if (in < 0) {
		error_set("%s: %s", source, strerror(errno));
		return -1;
	}
	while ((got = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t done = 0, put; done < got; done += put) {
			put = write(fd, buf + done, (size_t)(got - done));
			if (put < 0) {
				error_set("%s: cannot create the price store: %s", path,
					  strerror(errno));
				goto cleanup;
			}
		}
	if (got < 0) {
		error_set("%s: %s", source, strerror(errno));
		goto cleanup;
	}
	result = 0;
cleanup:
	close(in);
	return result;
}

struct db *db_create_private_copy(const char *path, int target_version, const char *source,
				  const char *fingerprint)
{
	struct db *db = xcalloc(1, sizeof(*db));
	struct strbuf recorded = STRBUF_INIT;
	enum store_kind kind;
	bool found;
	int fd, rc;

	db->path = xstrdup(path);
	fd = make_private(db);
	if (fd < 0)
		goto fail;
	rc = copy_file(source, fd, path);
	close(fd);
	if (rc < 0 || open_private(db) < 0 || identify(db, &kind) < 0 ||
	    user_version(db, &db->version) < 0)
		goto fail;
	if (kind != STORE_AICOST || db->version != target_version) {
		error_set("%s: not a store of schema version %d", source, target_version);
		goto fail;
	}
	if (meta_get(db, "catalog_fingerprint", &recorded, &found) < 0)
		goto fail;
	if (!found || strcmp(recorded.buf, fingerprint) != 0) {
		error_set("%s: seeded from another catalog", source);
		goto fail;
	}
	/* Its catalog snapshots were taken in now, as if seeded now. */
	if (exec_sql(db, "UPDATE snapshots SET fetched_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
		     "creating the price store") < 0)
		goto fail;
	strbuf_release(&recorded);
	return db;
fail:
	strbuf_release(&recorded);
	db_close(db);
	return NULL;
}

static int sync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Closes DB (from db_create_private) and puts its file at its path, unless
 * another process published a store there first: then that one stays and this
 * one is dropped. 1 (error set) when the file system cannot link: the caller
 * creates the store in place instead.
 */
int db_publish(struct db *db)
{
	struct strbuf dir = STRBUF_INIT;
	const char *slash = strrchr(db->path, '/');
	int result = -1;

	/* The mode is in the file's header: every later open finds a WAL store. */
	if (exec_sql(db, "PRAGMA journal_mode = WAL", "creating the price store") < 0)
		goto cleanup;
	forget_memos(db);
	for (size_t i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(db->stmts[i]);
		db->stmts[i] = NULL;
	}
	if (sqlite3_close(db->handle) != SQLITE_OK) {
		db_fail(db, "creating the price store");
		goto cleanup;
	}
	db->handle = NULL;
	if (sync_path(db->private_path, O_RDONLY) < 0) {
		error_set("%s: cannot create the price store: %s", db->path, strerror(errno));
		goto cleanup;
	}
	if (link(db->private_path, db->path) < 0 && errno != EEXIST) {
		result = errno == EPERM || errno == ENOSYS || errno == EOPNOTSUPP ||
			 errno == EMLINK ? 1 : -1;
		error_set("%s: cannot create the price store: %s", db->path, strerror(errno));
		goto cleanup;
	}
	unlink(db->private_path);
	free(db->private_path);
	db->private_path = NULL;
	if (slash)
		strbuf_add(&dir, db->path, (size_t)(slash - db->path) + 1);
	else
		strbuf_adds(&dir, ".");
	/* Without it a power cut could forget the name, not the contents. */
	sync_path(dir.buf, O_RDONLY | O_DIRECTORY);
	result = 0;
cleanup:
	strbuf_release(&dir);
	db_close(db);
	return result;
}

/*
 * A write transaction's page cache, in KiB. An import touches the table and each
 * index of every offer it adds: with SQLite's default 2 MB, pages spill to the
 * log and are read back (a third of a 100k-offer import). Readers keep the default.
 */
#define WRITE_CACHE_KIB 65536
#define READ_CACHE_KIB 2000

int db_transaction_begin(struct db *db)
{
	struct strbuf sql = STRBUF_INIT;
	int result;

	/* IMMEDIATE takes the write lock up front, so busy_timeout applies to it. */
	if (db->txn_depth == 0)
		strbuf_addf(&sql, "PRAGMA cache_size = -%d; BEGIN IMMEDIATE", WRITE_CACHE_KIB);
	else
		strbuf_addf(&sql, "SAVEPOINT nested_%d", db->txn_depth);
	result = exec_sql(db, sql.buf, "starting a transaction");
	strbuf_release(&sql);
	if (result == 0)
		db->txn_depth++;
	return result;
}

int db_transaction_commit(struct db *db)
{
	struct strbuf sql = STRBUF_INIT;
	int result;

	if (db->txn_depth == 0) {
		error_set("%s: commit without a transaction", db->path);
		return -1;
	}
	if (db->txn_depth == 1)
		strbuf_addf(&sql, "COMMIT; PRAGMA cache_size = -%d%s", READ_CACHE_KIB,
			    db->new_store ? "; PRAGMA synchronous = FULL" : "");
	else
		strbuf_addf(&sql, "RELEASE nested_%d", db->txn_depth - 1);
	result = exec_sql(db, sql.buf, "committing");
	strbuf_release(&sql);
	if (result < 0) {
		db_transaction_rollback(db);
		return -1;
	}
	if (db->txn_depth == 1)
		db->new_store = false;
	db->txn_depth--;
	return 0;
}

void db_transaction_rollback(struct db *db)
{
	struct strbuf sql = STRBUF_INIT;

	if (db->txn_depth == 0)
		return;
	if (db->txn_depth == 1)
		strbuf_addf(&sql, "ROLLBACK; PRAGMA cache_size = -%d", READ_CACHE_KIB);
	else
		strbuf_addf(&sql, "ROLLBACK TO nested_%d; RELEASE nested_%d",
			    db->txn_depth - 1, db->txn_depth - 1);
	/* The error being reported is the one that caused the rollback: keep it. */
	sqlite3_exec(db->handle, sql.buf, NULL, NULL, NULL);
	forget_memos(db);
	pending_forget(db, 0);
	strbuf_release(&sql);
	db->txn_depth--;
}

/* ---- accelerators ---- */

static bool read_accelerator(sqlite3_stmt *st, void *item, const void *ctx)
{
	struct accelerator *a = item;

	(void)ctx;
	a->name = column_strdup(st, 0);
	a->vendor = column_strdup(st, 1);
	a->kind = column_strdup(st, 2);
	a->memory_gb = column_number(st, 3, 0);
	a->bf16_tflops = column_number(st, 4, 0);
	a->fp8_tflops = column_number(st, 5, 0);
	a->hbm_tbps = column_number(st, 6, 0);
	a->tdp_w = column_number(st, 7, 0);
	a->confidence = column_strdup(st, 8);
	a->source = column_strdup(st, 9);
	a->observed = column_strdup(st, 10);
	a->note = column_strdup(st, 11);
	a->ambiguous = sqlite3_column_int(st, 12) != 0;
	a->scaleup_gb_s = column_number(st, 13, 0);
	a->scaleout_gb_s = column_number(st, 14, 0);
	a->interconnect_source = column_strdup(st, 15);
	return true;
}

static int read_aliases(struct db *db, struct accelerator *a)
{
	sqlite3_stmt *st = stmt_get(db, ST_ALIASES);
	size_t alloc = 0;
	int rc;

	if (!st)
		return -1;
	bind_text(st, 1, a->name);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct strbuf alias = STRBUF_INIT;

		strbuf_adds(&alias, (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_int(st, 1))
			strbuf_addch(&alias, '*');
		xgrow(&a->aliases, &alloc, a->naliases + 1, sizeof(*a->aliases));
		a->aliases[a->naliases++] = strbuf_detach(&alias, NULL);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading accelerator aliases");
	return 0;
}

/* Looks KEY up in the alias table; 1 found, 0 not, -1 error. */
static int find_by_key(struct db *db, const char *key, struct accelerator *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_FIND_ACCELERATOR);
	int rc;

	if (!st)
		return -1;
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_accelerator(st, out, NULL);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "looking up an accelerator");
	return 0;
}

/* Closest canonical name or alias to NAME, for "did you mean"; caller frees. */
static char *suggest_accelerator(struct db *db, const char *name)
{
	struct accelerator_list list = { 0 };
	const char **candidates = NULL;
	size_t n = 0, alloc = 0;
	const char *guess;
	char *result = NULL;

	if (db_list_accelerators(db, &list) < 0) {
		error_clear();
		return NULL;
	}
	for (size_t i = 0; i < list.n; i++) {
		xgrow(&candidates, &alloc, n + 1 + list.items[i].naliases, sizeof(*candidates));
		candidates[n++] = list.items[i].name;
		for (size_t j = 0; j < list.items[i].naliases; j++)
			candidates[n++] = list.items[i].aliases[j];
	}
	guess = suggest_word(name, candidates, n);
	if (guess)
		result = xstrndup(guess, strcspn(guess, "*"));
	free(candidates);
	accelerator_list_release(&list);
	return result;
}

/* Looks NAME up with vendor prefixes peeled off one by one; 1 found, 0 not, -1 error. */
static int lookup_accelerator(struct db *db, const char *name, struct accelerator *out)
{
	/* Cloud APIs prefix the vendor in many ways: "NVIDIA H100", "nvidia-tesla-t4". */
	static const char *const prefixes[] = { "nvidia", "tesla", "amd", "instinct", "google",
						"aws" };
	struct strbuf key = STRBUF_INIT;
	const char *k;
	int found = 0;

	memset(out, 0, sizeof(*out));
	accelerator_key(name, &key);
	k = key.buf;
	while (*k) {
		bool stripped = false;

		found = find_by_key(db, k, out);
		if (found != 0)
			break;
		for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
			if (str_starts_with(k, prefixes[i]) && k[strlen(prefixes[i])]) {
				k += strlen(prefixes[i]);
				stripped = true;
				break;
			}
		}
		if (!stripped)
			break;
	}
	strbuf_release(&key);
	return found;
}

/* -1, with "unknown accelerator NAME" and the closest known name as the error. */
static int unknown_accelerator(struct db *db, const char *name)
{
	char *guess = suggest_accelerator(db, name);

	if (guess)
		error_set("unknown accelerator '%s'; did you mean '%s'?", name, guess);
	else
		error_set("unknown accelerator '%s'", name);
	free(guess);
	return -1;
}

int db_find_accelerator(struct db *db, const char *name_or_alias, struct accelerator *out)
{
	int found = lookup_accelerator(db, name_or_alias, out);

	if (found < 0)
		return -1;
	if (found == 0)
		return unknown_accelerator(db, name_or_alias);
	if (read_aliases(db, out) < 0) {
		accelerator_release(out);
		return -1;
	}
	return 0;
}

static int canonical_chip(struct db *db, const char *name, const char **canonical);

int db_canonical_accelerator(struct db *db, const char *name_or_alias, char **canonical)
{
	const char *name;
	int found = canonical_chip(db, name_or_alias, &name);

	*canonical = NULL;
	if (found < 0)
		return -1;
	if (found > 0) {
		*canonical = xstrdup(name);
		return 0;
	}
	return unknown_accelerator(db, name_or_alias);
}

static int put_alias(struct db *db, const char *accelerator, const char *alias, int position)
{
	struct strbuf key = STRBUF_INIT, text = STRBUF_INIT;
	sqlite3_stmt *st;
	bool ambiguous = str_ends_with(alias, "*");
	int rc, result = -1;

	strbuf_add(&text, alias, strlen(alias) - (ambiguous ? 1 : 0));
	accelerator_key(text.buf, &key);
	if (key.len == 0) {
		error_set("accelerator %s: alias '%s' has no letters or digits", accelerator, alias);
		goto cleanup;
	}
	st = stmt_get(db, ST_ALIAS_OWNER);
	if (!st)
		goto cleanup;
	bind_text(st, 1, key.buf);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		/* "A100 80GB" spells the canonical "A100-80GB" again: nothing to add. */
		if (strcmp((const char *)sqlite3_column_text(st, 0), accelerator) == 0)
			result = 0;
		else
			error_set("accelerator %s: alias '%s' already names %s", accelerator,
				  text.buf, (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		goto cleanup;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, "checking an alias");
		goto cleanup;
	}
	st = stmt_get(db, ST_PUT_ALIAS);
	if (!st)
		goto cleanup;
	bind_text(st, 1, key.buf);
	bind_text(st, 2, text.buf);
	bind_text(st, 3, accelerator);
	sqlite3_bind_int(st, 4, position);
	sqlite3_bind_int(st, 5, ambiguous);
	if (step_done(db, st, "storing an alias") != 0)
		goto cleanup;
	result = 0;
cleanup:
	strbuf_release(&key);
	strbuf_release(&text);
	return result;
}

int db_put_accelerator(struct db *db, const struct accelerator *a)
{
	sqlite3_stmt *st;
	int result = -1;

	if (db_transaction_begin(db) < 0)
		return -1;
	forget_memos(db);
	st = stmt_get(db, ST_PUT_ACCELERATOR);
	if (!st)
		goto rollback;
	bind_text(st, 1, a->name);
	bind_text(st, 2, a->vendor);
	bind_text(st, 3, a->kind);
	bind_number(st, 4, a->memory_gb);
	bind_number(st, 5, a->bf16_tflops);
	sqlite3_bind_double(st, 6, isfinite(a->fp8_tflops) ? a->fp8_tflops : 0);
	sqlite3_bind_double(st, 7, isfinite(a->hbm_tbps) ? a->hbm_tbps : 0);
	sqlite3_bind_double(st, 8, isfinite(a->tdp_w) ? a->tdp_w : 0);
	bind_text(st, 9, a->confidence);
	bind_text(st, 10, a->source);
	bind_text(st, 11, a->observed);
	bind_text(st, 12, a->note);
	if (sqlite3_bind_parameter_count(st) >= 15) {   /* not in a store before schema 5 */
		sqlite3_bind_double(st, 13, isfinite(a->scaleup_gb_s) ? a->scaleup_gb_s : 0);
		sqlite3_bind_double(st, 14, isfinite(a->scaleout_gb_s) ? a->scaleout_gb_s : 0);
		bind_text(st, 15, a->interconnect_source);
	}
	if (step_done(db, st, "storing an accelerator") != 0)
		goto rollback;
	/* REPLACE dropped the old aliases with the old row (ON DELETE CASCADE). */
	if (put_alias(db, a->name, a->name, 0) < 0)
		goto rollback;
	for (size_t i = 0; i < a->naliases; i++)
		if (put_alias(db, a->name, a->aliases[i], (int)i + 1) < 0)
			goto rollback;
	if (db_transaction_commit(db) < 0)
		return -1;
	result = 0;
	return result;
rollback:
	db_transaction_rollback(db);
	return result;
}

int db_list_accelerators(struct db *db, struct accelerator_list *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_LIST_ACCELERATORS);

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	if (COLLECT(db, st, out, read_accelerator, NULL, "listing accelerators") < 0)
		goto fail;
	/* Aliases after the outer statement is done: they share no statement. */
	for (size_t i = 0; i < out->n; i++)
		if (read_aliases(db, &out->items[i]) < 0)
			goto fail;
	return 0;
fail:
	accelerator_list_release(out);
	return -1;
}

/* ---- offers ---- */

/* The offer's stored interconnect (columns COL, COL + 1), else its family's. */
static void read_interconnect(sqlite3_stmt *st, int col, struct offer *o)
{
	if (sqlite3_column_type(st, col) != SQLITE_NULL) {
		o->interconnect = column_strdup(st, col);
		o->interconnect_gbps = column_number(st, col + 1, 0);
	} else {
		struct fabric f;

		fabric_for(o->provider, o->instance_type, o->accelerator_count, &f);
		o->interconnect = xstrdup(f.interconnect);
		o->interconnect_gbps = f.gbps;
	}
}

/* CTX: a region glob (fnmatch, case-insensitive) the row must match, or NULL. */
static bool read_offer(sqlite3_stmt *st, void *item, const void *ctx)
{
	struct offer *o = item;
	const char *region_glob = ctx;

	if (region_glob &&
	    fnmatch(region_glob, (const char *)sqlite3_column_text(st, 1), FNM_CASEFOLD) != 0)
		return false;
	o->provider = column_strdup(st, 0);
	o->region = column_strdup(st, 1);
	o->zone = column_strdup(st, 2);
	o->instance_type = column_strdup(st, 3);
	o->accelerator = column_strdup(st, 4);
	o->accelerator_count = sqlite3_column_int(st, 5);
	o->vcpus = column_number(st, 6, 0);
	o->memory_gib = column_number(st, 7, 0);
	o->accelerator_memory_gb = column_number(st, 8, 0);
	o->bf16_tflops = column_number(st, 9, 0);
	o->purchase = column_strdup(st, 10);
	o->price_per_hour = column_number(st, 11, 0);
	o->currency = column_strdup(st, 12);
	o->observed = column_strdup(st, 13);
	o->source = column_strdup(st, 14);
	o->confidence = column_strdup(st, 15);
	o->snapshot_id = sqlite3_column_int64(st, 16);
	o->component = column_strdup(st, 17);
	o->note = column_strdup(st, 18);
	o->interruptions_per_month = column_number(st, 19, NAN);
	read_interconnect(st, 20, o);
	return true;
}

static int collect_offers(struct db *db, sqlite3_stmt *st, const char *region_glob,
			  struct offer_list *out)
{
	if (COLLECT(db, st, out, read_offer, region_glob, "reading offers") < 0) {
		offer_list_release(out);
		return -1;
	}
	return 0;
}

/*
 * NAME's canonical name, or the name offers carry for a chip the store has no
 * specs for (matched in any case): 1 with OUT->name set, 0 when neither, -1 on error.
 */
static int stored_chip(struct db *db, const char *name, struct accelerator *out)
{
	sqlite3_stmt *st;
	int found = lookup_accelerator(db, name, out), rc;

	if (found != 0)
		return found;
	st = stmt_get(db, ST_STORED_CHIP);
	if (!st)
		return -1;
	bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out->name = column_strdup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "looking up an accelerator");
	return rc == SQLITE_ROW;
}

/*
 * The optimizer's scan. Which rows are current (the newest snapshot of their
 * provider, region and purchase option) and which regions the caller allows are
 * both decided once, in C, over the `current` table's few rows: the result is a
 * table of (snapshot, region) pairs with the purchase options allowed in each,
 * which the queries match on the index (offers_by_price holds both) through
 * aicost_scan_allows, so that a row the filters turn down never costs a table
 * read, and a filter nothing passes costs no read at all.
 */
static const char *const purchase_names[] = { PURCHASE_OPTIONS };

/* A (snapshot, region) some current rows are in, and the options the scan allows there. */
struct scan_pair {
	int64_t snapshot;
	char *region;                /* NULL: a free slot */
	unsigned purchases;          /* bit I: purchase_names[I] */
};

struct offer_scanner {
	struct db *db;
	bool any[ARRAY_SIZE(purchase_names)];   /* some current row of the option passes */
	struct scan_pair *pairs;     /* open addressing, at most half full */
	size_t mask;                 /* slots - 1 */
	double max_price_per_accelerator_hour;
};

static int purchase_index(const char *purchase)
{
	for (size_t i = 0; i < ARRAY_SIZE(purchase_names); i++)
		if (strcmp(purchase_names[i], purchase) == 0)
			return (int)i;
	return -1;
}

static size_t pair_hash(int64_t snapshot, const char *region)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)snapshot;

	for (const unsigned char *c = (const unsigned char *)region; *c; c++)
		h = (h ^ *c) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

/* The slot of (SNAPSHOT, REGION): its own, or the free one where it would go. */
static struct scan_pair *pair_slot(const struct offer_scanner *s, int64_t snapshot,
				   const char *region)
{
	size_t i = pair_hash(snapshot, region) & s->mask;

	while (s->pairs[i].region &&
	       (s->pairs[i].snapshot != snapshot || strcmp(s->pairs[i].region, region) != 0))
		i = (i + 1) & s->mask;
	return &s->pairs[i];
}

static void pair_add(struct offer_scanner *s, size_t *n, int64_t snapshot, const char *region,
		     int purchase)
{
	struct scan_pair *slot;

	if (2 * (*n + 1) > s->mask + 1) {   /* grow: rehash into twice the slots */
		struct scan_pair *old = s->pairs;
		size_t slots = old ? s->mask + 1 : 0;

		s->mask = slots ? 2 * slots - 1 : 63;
		s->pairs = xcalloc(s->mask + 1, sizeof(*s->pairs));
		for (size_t i = 0; i < slots; i++)
			if (old[i].region)
				*pair_slot(s, old[i].snapshot, old[i].region) = old[i];
		free(old);
	}
	slot = pair_slot(s, snapshot, region);
	if (!slot->region) {
		slot->snapshot = snapshot;
		slot->region = xstrdup(region);
		++*n;
	}
	slot->purchases |= 1u << purchase;
}

/* aicost_scan_allows(option, snapshot, region): may the scan under way read such a row? */
static void scan_allows(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct db *db = sqlite3_user_data(ctx);
	const struct offer_scanner *s = db->scan;
	const char *region = (const char *)sqlite3_value_text(argv[2]);
	int purchase = sqlite3_value_int(argv[0]);
	const struct scan_pair *slot;

	(void)argc;
	if (!s || !s->pairs || !region || purchase < 0 ||
	    purchase >= (int)ARRAY_SIZE(purchase_names)) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	slot = pair_slot(s, sqlite3_value_int64(argv[1]), region);
	sqlite3_result_int(ctx, slot->region && (slot->purchases >> purchase & 1));
}

struct offer_scanner *db_scan_begin(struct db *db, const struct offer_scan *scan)
{
	struct offer_scanner *s;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc = SQLITE_ERROR;

	if (!db->scan_function) {
		if (sqlite3_create_function(db->handle, "aicost_scan_allows", 3,
					    SQLITE_UTF8 | SQLITE_DIRECTONLY, db, scan_allows, NULL,
					    NULL) != SQLITE_OK) {
			db_fail(db, "registering the scan's filter");
			return NULL;
		}
		db->scan_function = true;
	}
	s = xcalloc(1, sizeof(*s));
	s->db = db;
	s->max_price_per_accelerator_hour = scan->max_price_per_accelerator_hour;
	st = stmt_get(db, ST_SCAN_CURRENT);
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *provider = (const char *)sqlite3_column_text(st, 0);
		const char *region = (const char *)sqlite3_column_text(st, 1);
		const char *purchase = (const char *)sqlite3_column_text(st, 2);
		int p = purchase ? purchase_index(purchase) : -1;

		if (!provider || !region || p < 0 ||
		    (scan->allow && !scan->allow(scan->ctx, provider, region)))
			continue;
		pair_add(s, &n, sqlite3_column_int64(st, 3), region, p);
		s->any[p] = true;
	}
	if (st)
		sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		if (st)
			db_fail(db, "reading the current snapshots");
		db_scan_end(s);
		return NULL;
	}
	db->scan = s;
	return s;
}

void db_scan_end(struct offer_scanner *s)
{
	if (!s)
		return;
	if (s->db->stmts[ST_SCAN_ROW])
		sqlite3_reset(s->db->stmts[ST_SCAN_ROW]);
	if (s->db->scan == s)
		s->db->scan = NULL;
	for (size_t i = 0; s->pairs && i <= s->mask; i++)
		free(s->pairs[i].region);
	free(s->pairs);
	free(s);
}

/* Text column I of the current row as the store holds it (NULL stays NULL). */
static char *column_view(sqlite3_stmt *st, int i)
{
	return (char *)sqlite3_column_text(st, i);
}

int db_scan_complete(struct offer_scanner *s, struct offer *o)
{
	sqlite3_stmt *st;
	int rc;

	st = stmt_get(s->db, ST_SCAN_ROW);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, o->row_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? (error_set("offer %lld: gone from the store while read",
						      (long long)o->row_id), -1) :
			db_fail(s->db, "reading an offer");
	o->provider = column_view(st, 0);
	o->zone = column_view(st, 1);
	o->instance_type = column_view(st, 2);
	o->vcpus = column_number(st, 3, 0);
	o->memory_gib = column_number(st, 4, 0);
	o->currency = column_view(st, 5);
	o->observed = column_view(st, 6);
	o->source = column_view(st, 7);
	o->confidence = column_view(st, 8);
	o->note = column_view(st, 9);
	o->interruptions_per_month = column_number(st, 10, NAN);
	o->region = column_view(st, 11);
	return 0;
}

/* One row of statement ID bound to ACCELERATOR, N, PURCHASE and the fabric (when
 * PURCHASE is given): 1 when there is one, 0 when not, -1 on error. */
static int scan_probe(struct db *db, enum stmt_id id, const char *accelerator, int n,
		      const char *purchase, const char *interconnect, double gbps,
		      sqlite3_stmt **out)
{
	sqlite3_stmt *st = stmt_get(db, id);
	int rc;

	*out = st;
	if (!st)
		return -1;
	bind_text(st, 1, accelerator);
	sqlite3_bind_int(st, 2, n);
	if (purchase) {
		bind_text(st, 3, purchase);
		bind_text(st, 4, interconnect);
		if (sqlite3_bind_parameter_count(st) >= 5)
			sqlite3_bind_double(st, 5, gbps);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading offer sizes");
}

static void add_group(struct offer_group **out, size_t *n, size_t *alloc, int count,
		      const char *purchase, const char *interconnect, double gbps, double low)
{
	struct offer_group *g;

	xgrow(out, alloc, *n + 1, sizeof(**out));
	g = &(*out)[(*n)++];
	g->accelerator_count = count;
	g->purchase = purchase;
	g->interconnect = interconnect;
	g->interconnect_gbps = gbps;
	g->min_price = low;
}

int db_scan_groups(struct offer_scanner *s, const char *accelerator, struct offer_group **out,
		   size_t *n)
{
	size_t alloc = 0;
	double count = 0;
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	*n = 0;
	for (;;) {
		if ((rc = scan_probe(s->db, ST_SCAN_NEXT_COUNT, accelerator, (int)count, NULL, NULL, 0,
				     &st)) < 0)
			goto fail;
		count = rc ? column_number(st, 0, NAN) : NAN;
		if (st)
			sqlite3_reset(st);
		if (isnan(count) || count > INT_MAX)
			break;
		if (count < 1)
			continue;   /* a host without accelerators: the next size */
		for (size_t i = 0; i < ARRAY_SIZE(purchase_names); i++) {
			const char *purchase = purchase_names[i];
			const char *fabric = NULL;
			double gbps = -1;
			bool read;   /* st holds the next fabric's row already */

			if (!s->any[i])
				continue;   /* no current row of this option passes the filters */
			if ((rc = scan_probe(s->db, ST_SCAN_FIRST_FABRIC, accelerator, (int)count,
					     purchase, NULL, 0, &st)) <= 0) {
				if (rc < 0)
					goto fail;
				continue;   /* no row of this size and option */
			}
			read = sqlite3_column_type(st, 0) != SQLITE_NULL;
			/* Rows stored before fabrics were recorded: each gets its family's. */
			if (!read && sqlite3_column_type(st, 1) == SQLITE_NULL)
				add_group(out, n, &alloc, (int)count, purchase, NULL, NAN,
					  column_number(st, 2, 0));
			if (!read)
				sqlite3_reset(st);
			/* Each fabric in turn: its name, bandwidth and lowest price, one seek. */
			for (;; read = false) {
				const char *name;

				rc = read ? 1 : fabric ? scan_probe(s->db, ST_SCAN_NEXT_GBPS, accelerator,
								    (int)count, purchase, fabric, gbps,
								    &st) : 0;
				if (rc == 0)
					rc = scan_probe(s->db, ST_SCAN_NEXT_FABRIC, accelerator,
							(int)count, purchase, fabric ? fabric : "", 0, &st);
				if (rc < 0)
					goto fail;
				if (rc == 0)
					break;
				name = fabric_canonical((const char *)sqlite3_column_text(st, 0));
				gbps = column_number(st, 1, 0);
				if (!name) {   /* the writers allow no other name */
					/* the column is read before the reset invalidates it */
					error_set("offers of %s: unknown interconnect '%s' in the store",
						  accelerator, sqlite3_column_text(st, 0));
					sqlite3_reset(st);
					goto fail;
				}
				fabric = name;
				add_group(out, n, &alloc, (int)count, purchase, name, gbps,
					  column_number(st, 2, 0));
				sqlite3_reset(st);
			}
		}
	}
	return 0;
fail:
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

/* Binds the group's filters to ST (SCAN_WHERE's parameters). */
static void bind_group(struct offer_scanner *s, sqlite3_stmt *st, const char *accelerator,
		       const struct offer_group *g)
{
	bind_text(st, 1, accelerator);
	sqlite3_bind_int(st, 2, g->accelerator_count);
	bind_text(st, 3, g->purchase);
	bind_text(st, 4, g->interconnect);
	if (g->interconnect)
		sqlite3_bind_double(st, 5, g->interconnect_gbps);
	sqlite3_bind_double(st, 6, s->max_price_per_accelerator_hour);
	sqlite3_bind_int(st, 7, purchase_index(g->purchase));
}

int db_scan_group(struct offer_scanner *s, const char *accelerator,
		  const struct offer_group *g, int (*each)(void *ctx, struct offer *o),
		  void *ctx)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, stop = 0;

	if (!s->any[purchase_index(g->purchase)])
		return 0;
	if (!(st = stmt_get(s->db, ST_SCAN_OFFERS)))
		return -1;
	bind_group(s, st, accelerator, g);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct offer o = { 0 };

		o.row_id = sqlite3_column_int64(st, 0);
		o.price_per_hour = column_number(st, 1, 0);
		o.snapshot_id = sqlite3_column_int64(st, 2);
		o.region = column_view(st, 3);
		o.accelerator = (char *)accelerator;
		o.accelerator_count = g->accelerator_count;
		o.purchase = (char *)g->purchase;
		o.component = "instance";
		o.interruptions_per_month = NAN;
		if (g->interconnect) {
			o.interconnect = (char *)g->interconnect;
			o.interconnect_gbps = g->interconnect_gbps;
		} else {   /* its family's: the instance type is needed now */
			struct fabric f;

			if (db_scan_complete(s, &o) < 0) {
				stop = -1;
				break;
			}
			fabric_for(o.provider, o.instance_type, o.accelerator_count, &f);
			o.interconnect = (char *)f.interconnect;
			o.interconnect_gbps = f.gbps;
		}
		stop = each(ctx, &o);
	}
	sqlite3_reset(st);
	if (stop < 0)
		return -1;
	if (stop == 0 && rc != SQLITE_DONE)
		return db_fail(s->db, "reading offers");
	return 0;
}

int db_scan_count(struct offer_scanner *s, const char *accelerator, const struct offer_group *g,
		  size_t *count, struct offer *cheapest)
{
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	memset(cheapest, 0, sizeof(*cheapest));
	if (!s->any[purchase_index(g->purchase)])
		return 0;
	if (!(st = stmt_get(s->db, ST_SCAN_COUNT)))
		return -1;
	bind_group(s, st, accelerator, g);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_fail(s->db, "counting offers");
	}
	*count = (size_t)sqlite3_column_int64(st, 2);
	if (*count > 0) {
		cheapest->row_id = sqlite3_column_int64(st, 1);
		cheapest->price_per_hour = column_number(st, 0, 0);
		cheapest->snapshot_id = sqlite3_column_int64(st, 3);
		cheapest->accelerator = (char *)accelerator;
		cheapest->accelerator_count = g->accelerator_count;
		cheapest->purchase = (char *)g->purchase;
		cheapest->component = "instance";
		cheapest->interconnect = (char *)g->interconnect;
		cheapest->interconnect_gbps = g->interconnect_gbps;
	}
	sqlite3_reset(st);
	return *count > 0 ? db_scan_complete(s, cheapest) : 0;
}
int db_query_offers(struct db *db, const struct offer_filter *filter, struct offer_list *out)
{
	static const struct offer_filter any = { 0 };
	struct accelerator acc = { 0 };
	sqlite3_stmt *st;
	int result = -1;

	memset(out, 0, sizeof(*out));
	if (!filter)
		filter = &any;
	if (filter->purchase && !purchase_option_valid(filter->purchase)) {
		error_set("unknown purchase option '%s'; expected one of on-demand, spot, "
			  "reserved-1y, reserved-3y, savings-1y, savings-3y, commit-1y, commit-3y",
			  filter->purchase);
		return -1;
	}
	if (filter->accelerator) {
		int found = stored_chip(db, filter->accelerator, &acc);

		if (found == 0) {
			/* Says it is unknown, with the closest name the store has. */
			if (db_find_accelerator(db, filter->accelerator, &acc) == 0)
				accelerator_release(&acc);
		}
		if (found <= 0)
			return -1;
	}
	st = stmt_get(db, acc.name ? ST_QUERY_OFFERS_BY_ACCELERATOR
				: filter->instance_type ? ST_QUERY_OFFERS_BY_INSTANCE : ST_QUERY_OFFERS);
	if (!st)
		goto cleanup;
	bind_text(st, 1, acc.name);
	bind_text(st, 2, filter->providers);
	if (acc.name && filter->providers && !strchr(filter->providers, ','))
		bind_text(st, 10, filter->providers);
	bind_text(st, 3, filter->purchase);
	bind_text(st, 4, filter->instance_type);
	sqlite3_bind_int(st, 5, filter->min_accelerators);
	sqlite3_bind_double(st, 6, filter->min_memory_gb);
	sqlite3_bind_double(st, 7, filter->max_price);
	sqlite3_bind_int(st, 8, filter->all_components);
	/* A region without wildcards is matched in SQL, before the row is read. */
	if (filter->region_glob && !strpbrk(filter->region_glob, "*?[\\"))
		bind_text(st, 9, filter->region_glob);
	result = collect_offers(db, st, filter->region_glob, out);
cleanup:
	accelerator_release(&acc);
	return result;
}

int db_offer_history(struct db *db, const char *instance_type, const char *region,
		     struct offer_list *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_HISTORY);

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	bind_text(st, 1, instance_type);
	bind_text(st, 2, region);
	return collect_offers(db, st, NULL, out);
}

static bool read_text(sqlite3_stmt *st, void *item, const void *ctx)
{
	(void)ctx;
	*(char **)item = column_strdup(st, 0);
	return true;
}

int db_providers(struct db *db, char ***names, size_t *n)
{
	sqlite3_stmt *st = stmt_get(db, ST_PROVIDERS);
	size_t alloc = 0;

	*names = NULL;
	*n = 0;
	if (!st)
		return -1;
	if (collect_rows(db, st, names, n, &alloc, sizeof(**names), read_text, NULL,
			 "listing providers") < 0) {
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* ---- egress and storage ---- */

static bool read_egress(sqlite3_stmt *st, void *item, const void *ctx)
{
	struct egress_tier *t = item;

	(void)ctx;
	t->provider = column_strdup(st, 0);
	t->scope = column_strdup(st, 1);
	t->destination = column_strdup(st, 2);
	t->start_gb = column_number(st, 3, 0);
	t->end_gb = column_number(st, 4, INFINITY);
	t->price_per_gb = column_number(st, 5, 0);
	t->confidence = column_strdup(st, 6);
	t->source = column_strdup(st, 7);
	t->observed = column_strdup(st, 8);
	t->note = column_strdup(st, 9);
	return true;
}

static int collect_egress(struct db *db, sqlite3_stmt *st, struct egress_tier_list *out)
{
	if (COLLECT(db, st, out, read_egress, NULL, "reading egress tiers") < 0) {
		egress_tier_list_release(out);
		return -1;
	}
	return 0;
}

int db_egress_tiers(struct db *db, const char *provider, const char *scope,
		    const char *destination, struct egress_tier_list *out)
{
	const char *scopes[] = { scope, "global" };

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ARRAY_SIZE(scopes) && out->n == 0; i++) {
		sqlite3_stmt *st;

		if (!scopes[i])
			continue;
		st = stmt_get(db, ST_EGRESS);
		if (!st)
			return -1;
		bind_text(st, 1, provider);
		bind_text(st, 2, scopes[i]);
		bind_text(st, 3, destination);
		if (collect_egress(db, st, out) < 0)
			return -1;
	}
	if (out->n == 0) {
		error_set("no %s egress prices for provider '%s'%s%s in the price store",
			  destination, provider, scope ? " in " : "", scope ? scope : "");
		return -1;
	}
	return 0;
}

int db_list_egress_tiers(struct db *db, struct egress_tier_list *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_LIST_EGRESS);

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	return collect_egress(db, st, out);
}

static bool read_storage(sqlite3_stmt *st, void *item, const void *ctx)
{
	struct storage_price *p = item;

	(void)ctx;
	p->provider = column_strdup(st, 0);
	p->region = column_strdup(st, 1);
	p->storage_class = column_strdup(st, 2);
	p->product = column_strdup(st, 3);
	p->price_per_gb_month = column_number(st, 4, 0);
	p->retrieval_per_gb = column_number(st, 5, 0);
	p->min_days = column_number(st, 6, 0);
	p->confidence = column_strdup(st, 7);
	p->source = column_strdup(st, 8);
	p->observed = column_strdup(st, 9);
	p->note = column_strdup(st, 10);
	return true;
}

/*
 * The region's price, else the provider's "global" one, else the provider's first
 * priced region: out->region says which region's price was used.
 */
int db_storage_price(struct db *db, const char *provider, const char *region,
		     const char *storage_class, struct storage_price *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_STORAGE);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	bind_text(st, 1, provider);
	bind_text(st, 2, region ? region : "");
	bind_text(st, 3, storage_class);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_storage(st, out, NULL);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading storage prices");
	error_set("no %s storage price for provider '%s' in the price store", storage_class,
		  provider);
	return -1;
}

int db_list_storage_prices(struct db *db, struct storage_price_list *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_LIST_STORAGE);

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	if (COLLECT(db, st, out, read_storage, NULL, "reading storage prices") < 0) {
		storage_price_list_release(out);
		return -1;
	}
	return 0;
}

/* ---- reference facts ---- */

static bool read_fact(sqlite3_stmt *st, void *item, const void *ctx)
{
	struct fact *f = item;

	(void)ctx;
	f->key = column_strdup(st, 0);
	f->low = column_number(st, 1, NAN);
	f->high = column_number(st, 2, NAN);
	f->unit = column_strdup(st, 3);
	f->confidence = column_strdup(st, 4);
	f->source = column_strdup(st, 5);
	f->observed = column_strdup(st, 6);
	f->note = column_strdup(st, 7);
	return true;
}

int db_fact(struct db *db, const char *key, struct fact *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_FACT);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_fact(st, out, NULL);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading a reference figure");
	error_set("no reference figure '%s' in the price store", key);
	return -1;
}

int db_put_fact(struct db *db, const struct fact *f)
{
	sqlite3_stmt *st = stmt_get(db, ST_PUT_FACT);

	if (!st)
		return -1;
	bind_text(st, 1, f->key);
	bind_number(st, 2, f->low);
	bind_number(st, 3, f->high);
	bind_text(st, 4, f->unit);
	bind_text(st, 5, f->confidence);
	bind_text(st, 6, f->source);
	bind_text(st, 7, f->observed);
	bind_text(st, 8, f->note);
	return step_done(db, st, "storing a reference figure");
}

int db_list_facts(struct db *db, struct fact_list *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_LIST_FACTS);

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	if (COLLECT(db, st, out, read_fact, NULL, "reading reference figures") < 0) {
		fact_list_release(out);
		return -1;
	}
	return 0;
}

/* ---- snapshots ---- */

int64_t db_snapshot_begin(struct db *db, const char *provider, const char *source)
{
	bool owns = db->txn_depth == 0;
	sqlite3_stmt *st;
	int64_t id;

	if (!provider || !*provider || !source || !*source) {
		error_set("a snapshot needs a provider and a source");
		return -1;
	}
	if (owns && db_transaction_begin(db) < 0)
		return -1;
	st = stmt_get(db, ST_SNAPSHOT_INSERT);
	if (!st)
		goto fail;
	bind_text(st, 1, provider);
	bind_text(st, 2, source);
	if (step_done(db, st, "starting a snapshot") < 0)
		goto fail;
	id = sqlite3_last_insert_rowid(db->handle);
	if (owns)
		db->owning_snapshot = id;
	xgrow(&db->pending, &db->pending_alloc, db->npending + 1, sizeof(*db->pending));
	db->pending[db->npending++] = (struct pending){ .snapshot = id,
							.provider = xstrdup(provider) };
	return id;
fail:
	if (owns)
		db_transaction_rollback(db);
	return -1;
}

/* The provider of pending snapshot ID, into PROVIDER; -1 if it is not pending. */
static int snapshot_provider(struct db *db, int64_t id, struct strbuf *provider)
{
	sqlite3_stmt *st = stmt_get(db, ST_SNAPSHOT_PROVIDER);
	int rc, result = -1;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 1), "pending") == 0) {
		strbuf_reset(provider);
		strbuf_adds(provider, (const char *)sqlite3_column_text(st, 0));
		result = 0;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		error_set("snapshot %lld is not open", (long long)id);
	} else {
		db_fail(db, "reading a snapshot");
	}
	sqlite3_reset(st);
	return result;
}

/* Checks the fields that every kind of price row carries (prices.h's one rule). */
static int check_provenance(const char *what, const char *confidence, const char *source,
			    const char *observed)
{
	return provenance_check(what, confidence, source, observed) ? -1 : 0;
}

/* Read once per snapshot: an import checks every row against the same answer. */
static int check_provider(struct db *db, int64_t snapshot, const char *row_provider)
{
	const struct pending *p = pending_find(db, snapshot);

	if (p) {
		if (row_provider && strcmp(row_provider, p->provider) != 0) {
			error_set("a %s row cannot go into a %s snapshot", row_provider,
				  p->provider);
			return -1;
		}
		return 0;
	}
	if (db->checked_snapshot != snapshot) {
		struct strbuf provider = STRBUF_INIT;

		if (snapshot_provider(db, snapshot, &provider) < 0) {
			strbuf_release(&provider);
			return -1;
		}
		free(db->checked_provider);
		db->checked_provider = strbuf_detach(&provider, NULL);
		db->checked_snapshot = snapshot;
	}
	if (row_provider && strcmp(row_provider, db->checked_provider) != 0) {
		error_set("a %s row cannot go into a %s snapshot", row_provider,
			  db->checked_provider);
		return -1;
	}
	return 0;
}

/*
 * The store's name for chip NAME into *CANONICAL (owned by DB, valid until the next
 * call): 1 found, 0 not (*CANONICAL NULL), -1 error. An import names the same few
 * chips on thousands of rows: the answers for the last ones are remembered.
 */
static int canonical_chip(struct db *db, const char *name, const char **canonical)
{
	struct accelerator acc;
	struct chip_memo *memo;
	int found;

	for (size_t i = 0; i < ARRAY_SIZE(db->chips); i++)
		if (db->chips[i].name && strcmp(db->chips[i].name, name) == 0) {
			*canonical = db->chips[i].canonical;
			return *canonical != NULL;
		}
	found = lookup_accelerator(db, name, &acc);
	if (found < 0)
		return -1;
	memo = &db->chips[db->next_chip];
	db->next_chip = (db->next_chip + 1) % ARRAY_SIZE(db->chips);
	free(memo->name);
	free(memo->canonical);
	memo->name = xstrdup(name);
	memo->canonical = found > 0 ? acc.name : NULL;
	acc.name = NULL;
	accelerator_release(&acc);
	*canonical = memo->canonical;
	return found;
}

/*
 * Refuses (-1, error set) an offer the store would not keep as given; *CHIP is the
 * name its accelerator is stored under (NULL: none), owned by DB or O and valid
 * until OFFER_BATCH more offers have been checked.
 */
static int offer_check(struct db *db, int64_t snapshot, const struct offer *o,
		       const char **chip)
{
	const char *component = o->component ? o->component : "instance";
	int found;

	if (!o->provider || !o->region || !*o->region || !o->instance_type || !*o->instance_type) {
		error_set("an offer needs a provider, a region and an instance type");
		return -1;
	}
	if (!purchase_option_valid(o->purchase)) {
		error_set("%s: unknown purchase option '%s'", o->instance_type,
			  o->purchase ? o->purchase : "");
		return -1;
	}
	if (!(o->price_per_hour >= 0) || !isfinite(o->price_per_hour)) {
		error_set("%s: price per hour must be a non-negative number", o->instance_type);
		return -1;
	}
	if (o->accelerator_count < 0 || !(o->vcpus >= 0) || !(o->memory_gib >= 0)) {
		error_set("%s: counts and sizes must not be negative", o->instance_type);
		return -1;
	}
	if (strcmp(component, "instance") != 0 && strcmp(component, "host") != 0 &&
	    strcmp(component, "accelerator") != 0) {
		error_set("%s: component must be instance, host or accelerator, got '%s'",
			  o->instance_type, component);
		return -1;
	}
	/* NAN = unknown; only spot instances are ever taken back. */
	if (!isnan(o->interruptions_per_month) &&
	    !(o->interruptions_per_month >= 0 && o->interruptions_per_month <= 1)) {
		error_set("%s: interruptions_per_month must be a fraction from 0 to 1",
			  o->instance_type);
		return -1;
	}
	if (!isnan(o->interruptions_per_month) && strcmp(o->purchase, "spot") != 0) {
		error_set("%s: only a spot offer has an interruption rate, not %s",
			  o->instance_type, o->purchase);
		return -1;
	}
	if (o->interconnect && (!fabric_name_valid(o->interconnect) ||
				!(o->interconnect_gbps >= 0) || !isfinite(o->interconnect_gbps))) {
		error_set("%s: interconnect must be one of %s with a bandwidth of 0 or more Gb/s,"
			  " got '%s'", o->instance_type, FABRIC_NAMES_TEXT, o->interconnect);
		return -1;
	}
	if (check_provenance(o->instance_type, o->confidence, o->source, o->observed) < 0)
		return -1;
	if (check_provider(db, snapshot, o->provider) < 0)
		return -1;
	/* Writers may name the chip any way the alias table knows; the store keeps one name. */
	*chip = NULL;
	if (o->accelerator && *o->accelerator) {
		found = canonical_chip(db, o->accelerator, chip);
		if (found < 0)
			return -1;
		if (found == 0)
			*chip = o->accelerator;
	}
	return 0;
}

/* Binds offer O, its chip stored as CHIP, to parameters FIRST + 1 .. FIRST + 20 of ST. */
static void bind_offer(struct db *db, sqlite3_stmt *st, int first, int64_t snapshot,
		       const struct offer *o, const char *chip)
{
	const char *component = o->component ? o->component : "instance";

	sqlite3_bind_int64(st, first + 1, snapshot);
	bind_text(st, first + 2, o->provider);
	bind_text(st, first + 3, o->region);
	bind_text(st, first + 4, o->zone && *o->zone ? o->zone : NULL);
	bind_text(st, first + 5, o->instance_type);
	bind_text(st, first + 6, component);
	bind_text(st, first + 7, chip);
	sqlite3_bind_int(st, first + 8, o->accelerator_count);
	sqlite3_bind_double(st, first + 9, o->vcpus);
	sqlite3_bind_double(st, first + 10, o->memory_gib);
	bind_text(st, first + 11, o->purchase);
	sqlite3_bind_double(st, first + 12, o->price_per_hour);
	bind_text(st, first + 13, o->currency ? o->currency : "USD");
	bind_text(st, first + 14, o->observed);
	bind_text(st, first + 15, o->source);
	bind_text(st, first + 16, o->confidence);
	bind_text(st, first + 17, o->note && *o->note ? o->note : NULL);
	if (db->version >= 3)
		bind_number(st, first + 18, o->interruptions_per_month);
	if (db->version >= OFFERS_FABRIC_VERSION) {
		/* A row that names no fabric gets its family's: every writer records one. */
		struct fabric f;

		fabric_for(o->provider, o->instance_type, o->accelerator_count, &f);
		bind_text(st, first + 19, o->interconnect ? o->interconnect : f.interconnect);
		sqlite3_bind_double(st, first + 20, o->interconnect ? o->interconnect_gbps : f.gbps);
	}
}

int db_snapshot_add_offer(struct db *db, int64_t snapshot, const struct offer *o)
{
	const char *chip;
	struct pending *p;
	sqlite3_stmt *st;
	int rc;

	if (offer_check(db, snapshot, o, &chip) < 0)
		return -1;
	st = stmt_get(db, ST_ADD_OFFER);
	if (!st)
		return -1;
	bind_offer(db, st, 0, snapshot, o, chip);
	rc = step_done(db, st, "storing an offer");
	if (rc == 0 && (p = pending_find(db, snapshot)))
		pending_count(p, o);
	return rc;
}

_Static_assert(OFFER_BATCH <= sizeof(((struct db *)0)->chips) / sizeof(struct chip_memo),
	       "a batch's chip names stay in the memo until it is stored");

/* OFFER_BATCH offers in one statement: 0, or -1 (none stored, no error set). */
static int add_offer_batch(struct db *db, int64_t snapshot, const struct offer *offers)
{
	const char *chips[OFFER_BATCH];
	struct pending *p;
	sqlite3_stmt *st;
	int rc;

	for (size_t j = 0; j < OFFER_BATCH; j++)
		if (offer_check(db, snapshot, &offers[j], &chips[j]) < 0) {
			error_clear();
			return -1;
		}
	st = stmt_get(db, ST_ADD_OFFERS);
	if (!st) {
		error_clear();
		return -1;
	}
	for (size_t j = 0; j < OFFER_BATCH; j++)
		bind_offer(db, st, (int)j * OFFER_COLUMNS, snapshot, &offers[j], chips[j]);
	/* A refused row aborts the statement: SQLite takes back the rows before it. */
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	p = pending_find(db, snapshot);
	for (size_t j = 0; p && j < OFFER_BATCH; j++)
		pending_count(p, &offers[j]);
	return 0;
}

int db_snapshot_add_offers(struct db *db, int64_t snapshot, const struct offer *offers,
			   size_t n, size_t *failed)
{
	size_t i = 0;

	while (i < n) {
		size_t end = n - i >= OFFER_BATCH ? i + OFFER_BATCH : n;

		if (end - i == OFFER_BATCH && db->version >= OFFERS_FABRIC_VERSION &&
		    add_offer_batch(db, snapshot, offers + i) == 0) {
			i = end;
			continue;
		}
		/* The last few, or a group with a refused row: one at a time, so that
		 * the error is that row's, as db_snapshot_add_offer says it. */
		for (; i < end; i++) {
			int rc = db_snapshot_add_offer(db, snapshot, &offers[i]);

			if (rc != 0) {
				*failed = i;
				return rc;
			}
		}
	}
	return 0;
}

int db_snapshot_add_egress_tier(struct db *db, int64_t snapshot, const struct egress_tier *t)
{
	sqlite3_stmt *st;

	if (!t->provider || !t->scope || !*t->scope || !t->destination) {
		error_set("an egress tier needs a provider, a scope and a destination");
		return -1;
	}
	if (strcmp(t->destination, "internet") != 0 && strcmp(t->destination, "inter-region") != 0 &&
	    strcmp(t->destination, "inter-zone") != 0) {
		error_set("egress destination must be internet, inter-region or inter-zone, got '%s'",
			  t->destination);
		return -1;
	}
	if (!(t->start_gb >= 0) || !isfinite(t->start_gb) || !(t->end_gb > t->start_gb) ||
	    !(t->price_per_gb >= 0) || !isfinite(t->price_per_gb)) {
		error_set("egress tier %s %s: need 0 <= start_gb < end_gb and a non-negative price",
			  t->provider, t->destination);
		return -1;
	}
	if (check_provenance("egress tier", t->confidence, t->source, t->observed) < 0)
		return -1;
	if (check_provider(db, snapshot, t->provider) < 0)
		return -1;
	st = stmt_get(db, ST_ADD_EGRESS);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, snapshot);
	bind_text(st, 2, t->provider);
	bind_text(st, 3, t->scope);
	bind_text(st, 4, t->destination);
	sqlite3_bind_double(st, 5, t->start_gb);
	bind_number(st, 6, t->end_gb);
	sqlite3_bind_double(st, 7, t->price_per_gb);
	bind_text(st, 8, t->confidence);
	bind_text(st, 9, t->source);
	bind_text(st, 10, t->observed);
	bind_text(st, 11, t->note && *t->note ? t->note : NULL);
	return step_done(db, st, "storing an egress tier") == 0 ? 0 : -1;
}

int db_snapshot_add_storage_price(struct db *db, int64_t snapshot, const struct storage_price *p)
{
	/* parallel-fs: a parallel file system's base tier (125 MB/s/TiB); -N: its
	 * N MB/s/TiB tiers (schema step 10) */
	static const char *const classes[] = { "hot", "cool", "cold", "archive", "block",
					       "parallel-fs", "parallel-fs-250",
					       "parallel-fs-500", "parallel-fs-1000" };
	bool class_ok = false;
	sqlite3_stmt *st;

	for (size_t i = 0; p->storage_class && i < ARRAY_SIZE(classes); i++)
		class_ok |= strcmp(p->storage_class, classes[i]) == 0;
	if (!p->provider || !p->region || !*p->region || !p->product || !*p->product) {
		error_set("a storage price needs a provider, a region and a product");
		return -1;
	}
	if (!class_ok) {
		error_set("storage class must be hot, cool, cold, archive, block, parallel-fs "
			  "or parallel-fs-250|500|1000, got '%s'",
			  p->storage_class ? p->storage_class : "");
		return -1;
	}
	if (!(p->price_per_gb_month >= 0) || !isfinite(p->price_per_gb_month) ||
	    !(p->retrieval_per_gb >= 0) || !isfinite(p->retrieval_per_gb) ||
	    !(p->min_days >= 0) || !isfinite(p->min_days)) {
		error_set("%s: prices and minimum days must be non-negative numbers", p->product);
		return -1;
	}
	if (check_provenance(p->product, p->confidence, p->source, p->observed) < 0)
		return -1;
	if (check_provider(db, snapshot, p->provider) < 0)
		return -1;
	st = stmt_get(db, ST_ADD_STORAGE);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, snapshot);
	bind_text(st, 2, p->provider);
	bind_text(st, 3, p->region);
	bind_text(st, 4, p->storage_class);
	bind_text(st, 5, p->product);
	sqlite3_bind_double(st, 6, p->price_per_gb_month);
	sqlite3_bind_double(st, 7, p->retrieval_per_gb);
	sqlite3_bind_double(st, 8, p->min_days);
	bind_text(st, 9, p->confidence);
	bind_text(st, 10, p->source);
	bind_text(st, 11, p->observed);
	bind_text(st, 12, p->note && *p->note ? p->note : NULL);
	return step_done(db, st, "storing a storage price") == 0 ? 0 : -1;
}

static int snapshot_run(struct db *db, enum stmt_id id, int64_t snapshot, const char *what)
{
	sqlite3_stmt *st = stmt_get(db, id);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, snapshot);
	return step_done(db, st, what);
}

/*
 * Marks SNAPSHOT finished and makes its offers current for each region and purchase
 * option they have: from what was counted as they were written, else from its rows.
 */
static int pending_publish(struct db *db, int64_t snapshot)
{
	const struct pending *p = pending_find(db, snapshot);
	sqlite3_stmt *st;

	if (!p || db->version < 4)
		return snapshot_run(db, ST_SNAPSHOT_FINISH, snapshot, "finishing a snapshot") < 0 ||
		       snapshot_run(db, ST_SNAPSHOT_CURRENT_OFFERS, snapshot,
				    "publishing offers") < 0 ? -1 : 0;
	if (!(st = stmt_get(db, ST_SNAPSHOT_FINISH_COUNTED)))
		return -1;
	sqlite3_bind_int64(st, 1, snapshot);
	sqlite3_bind_int64(st, 2, p->offers);
	bind_text(st, 3, p->observed);
	if (step_done(db, st, "finishing a snapshot") != 0)
		return -1;
	for (size_t i = 0; i < p->nkeys; i++) {
		const char *key = p->keys[i], *sep = strchr(key, '\x1f');

		if (!(st = stmt_get(db, ST_SNAPSHOT_CURRENT_PAIR)))
			return -1;
		sqlite3_bind_int64(st, 1, snapshot);
		bind_text(st, 2, p->provider);
		sqlite3_bind_text(st, 3, key, (int)(sep - key), SQLITE_STATIC);
		bind_text(st, 4, sep + 1);
		if (step_done(db, st, "publishing offers") != 0)
			return -1;
	}
	return 0;
}

int db_snapshot_commit(struct db *db, int64_t snapshot)
{
	struct strbuf provider = STRBUF_INIT;
	bool owns = db->owning_snapshot == snapshot;
	int result = -1;

	forget_memos(db);
	if (snapshot_provider(db, snapshot, &provider) < 0)
		goto fail;
	if (pending_publish(db, snapshot) < 0 ||
	    snapshot_run(db, ST_SNAPSHOT_CURRENT_EGRESS, snapshot, "publishing egress") < 0 ||
	    snapshot_run(db, ST_SNAPSHOT_CURRENT_STORAGE, snapshot, "publishing storage") < 0)
		goto fail;
	pending_forget(db, snapshot);
	if (owns) {
		db->owning_snapshot = 0;
		if (db_transaction_commit(db) < 0)
			goto cleanup;
	}
	result = 0;
	goto cleanup;
fail:
	if (owns) {
		db->owning_snapshot = 0;
		db_transaction_rollback(db);
	}
cleanup:
	strbuf_release(&provider);
	return result;
}

long db_snapshot_retire_missing(struct db *db, int64_t snapshot,
				bool (*covers)(const char *region, void *ctx), void *ctx)
{
	sqlite3_stmt *st = stmt_get(db, ST_SNAPSHOT_UNLISTED);
	char **regions = NULL;
	size_t n = 0, alloc = 0;
	long retired = 0;
	int rc;

	if (!st)
		return -1;
	/* Collected first: the deletes below change the table being read. */
	sqlite3_bind_int64(st, 1, snapshot);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		xgrow(&regions, &alloc, n + 1, sizeof(*regions));
		regions[n++] = column_strdup(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		retired = db_fail(db, "reading the prices no longer listed");
		goto cleanup;
	}
	st = stmt_get(db, ST_SNAPSHOT_RETIRE);
	for (size_t i = 0; st && i < n; i++) {
		if (!covers(regions[i], ctx))
			continue;
		sqlite3_bind_int64(st, 1, snapshot);
		bind_text(st, 2, regions[i]);
		if (step_done(db, st, "retiring prices no longer listed") != 0) {
			retired = -1;
			goto cleanup;
		}
		retired += sqlite3_changes(db->handle);
	}
	if (!st)
		retired = -1;
cleanup:
	str_list_free(regions, n);
	return retired;
}

void db_snapshot_rollback(struct db *db, int64_t snapshot)
{
	sqlite3_stmt *st;

	forget_memos(db);
	pending_forget(db, snapshot);
	if (db->owning_snapshot == snapshot) {
		db->owning_snapshot = 0;
		db_transaction_rollback(db);
		return;
	}
	/* Inside the caller's transaction: drop just this snapshot and its rows. */
	st = stmt_get(db, ST_SNAPSHOT_DELETE);
	if (st) {
		sqlite3_bind_int64(st, 1, snapshot);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

int db_snapshot_record_failure(struct db *db, const char *provider, const char *source,
			       const char *message)
{
	sqlite3_stmt *st = stmt_get(db, ST_SNAPSHOT_FAILED);

	if (!st)
		return -1;
	bind_text(st, 1, provider);
	bind_text(st, 2, source);
	bind_text(st, 3, message);
	return step_done(db, st, "recording a failed snapshot");
}

void snapshot_list_release(struct snapshot_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		struct snapshot_info *s = &list->items[i];

		free(s->provider);
		free(s->source);
		free(s->fetched_at);
		free(s->observed);
		free(s->status);
		free(s->message);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

static bool read_snapshot(sqlite3_stmt *st, void *item, const void *ctx)
{
	struct snapshot_info *s = item;

	(void)ctx;
	s->id = sqlite3_column_int64(st, 0);
	s->provider = column_strdup(st, 1);
	s->source = column_strdup(st, 2);
	s->fetched_at = column_strdup(st, 3);
	s->observed = column_strdup(st, 4);
	s->status = column_strdup(st, 5);
	s->message = column_strdup(st, 6);
	s->offer_rows = sqlite3_column_int(st, 7);
	s->egress_rows = sqlite3_column_int(st, 8);
	s->storage_rows = sqlite3_column_int(st, 9);
	s->current = sqlite3_column_int(st, 10) != 0;
	return true;
}

int db_list_snapshots(struct db *db, struct snapshot_list *out)
{
	sqlite3_stmt *st = stmt_get(db, ST_LIST_SNAPSHOTS);

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	if (COLLECT(db, st, out, read_snapshot, NULL, "listing snapshots") < 0) {
		snapshot_list_release(out);
		return -1;
	}
	return 0;
}

static bool read_observed_rows(sqlite3_stmt *st, void *item, const void *ctx)
{
	struct observed_rows *r = item;

	(void)ctx;
	r->snapshot_id = sqlite3_column_int64(st, 0);
	r->provider = column_strdup(st, 1);
	r->observed = column_strdup(st, 2);
	r->rows = (long)sqlite3_column_int64(st, 3);
	return true;
}

static int list_observed_rows(struct db *db, enum stmt_id id, struct observed_rows_list *out)
{
	sqlite3_stmt *st = stmt_get(db, id);

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	if (COLLECT(db, st, out, read_observed_rows, NULL, "counting prices by date") < 0) {
		observed_rows_list_release(out);
		return -1;
	}
	return 0;
}

int db_snapshot_observed_rows(struct db *db, struct observed_rows_list *out)
{
	return list_observed_rows(db, ST_SNAPSHOT_OBSERVED, out);
}

int db_current_observed_rows(struct db *db, struct observed_rows_list *out)
{
	return list_observed_rows(db, ST_CURRENT_OBSERVED, out);
}

void observed_rows_list_release(struct observed_rows_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->items[i].provider);
		free(list->items[i].observed);
	}
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* ---- HTTP validators ---- */

int db_get_validators(struct db *db, const char *url, struct strbuf *etag,
		      struct strbuf *last_modified)
{
	sqlite3_stmt *st = stmt_get(db, ST_GET_VALIDATORS);
	int rc;

	strbuf_reset(etag);
	strbuf_reset(last_modified);
	if (!st)
		return -1;
	bind_text(st, 1, url);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_text(st, 0))
			strbuf_adds(etag, (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_text(st, 1))
			strbuf_adds(last_modified, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading HTTP validators");
	return 0;
}

int db_set_validators(struct db *db, const char *url, const char *etag,
		      const char *last_modified)
{
	sqlite3_stmt *st = stmt_get(db, ST_SET_VALIDATORS);

	if (!st)
		return -1;
	bind_text(st, 1, url);
	bind_text(st, 2, etag && *etag ? etag : NULL);
	bind_text(st, 3, last_modified && *last_modified ? last_modified : NULL);
	return step_done(db, st, "storing HTTP validators");
}
