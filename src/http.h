/*
 * HTTP GET (and POST, for a token) for the price fetchers: the only module that
 * includes curl.h.
 * Timeouts, retries with exponential backoff and jitter (429, 5xx, connection
 * errors; Retry-After honoured), gzip, conditional requests, proxies from the
 * environment (libcurl reads http_proxy / https_proxy / no_proxy itself).
 *
 * Response bodies never land in a fixed-size buffer: they are handed to the
 * caller's callback piece by piece as they arrive.
 *
 * Tunables (environment; defaults in brackets):
 *   AICOST_HTTP_CONNECT_TIMEOUT  seconds to connect [15]
 *   AICOST_HTTP_TIMEOUT          seconds for a whole response [1800]
 *   AICOST_HTTP_STALL_TIMEOUT    seconds below the minimum rate before giving up [60]
 *   AICOST_HTTP_MIN_RATE         the minimum rate, bytes per second [1024]
 *   AICOST_HTTP_RETRIES          attempts after the first [4]
 *   AICOST_HTTP_BACKOFF_MS       base delay of the exponential backoff [500]
 *   AICOST_HTTP_MAX_RETRY_AFTER  most seconds a Retry-After is obeyed [120]
 *   AICOST_HTTP_MAX_PAGE_MB      most MB a page held in memory may have, decoded [256]
 *   AICOST_HTTP_MAX_STREAM_MB    most MB a streamed file may have, decoded [16384]
 */
#ifndef AICOST_HTTP_H
#define AICOST_HTTP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* Receives the next LEN bytes of a 2xx body; returns 0, or -1 (error set) to abort. */
typedef int (*http_body_fn)(void *ctx, const char *data, size_t len);
/* Forgets everything received so far: a retry starts the body again. */
typedef void (*http_restart_fn)(void *ctx);
/* Progress: BYTES received so far for the request labelled LABEL. */
typedef void (*http_progress_fn)(void *ctx, const char *label, uint64_t bytes);

struct http_request {
	const char *url;
	const char *label;            /* for progress and messages; NULL = the URL */
	const char *etag;             /* If-None-Match when non-NULL and non-empty */
	const char *last_modified;    /* If-Modified-Since when non-NULL and non-empty */
	http_body_fn on_body;
	/* Without on_restart a response that failed after part of its body was
	 * delivered is not retried (a streaming consumer cannot take it back). */
	http_restart_fn on_restart;
	void *ctx;
	/* Held whole in memory (a page) rather than streamed: the smaller size cap. */
	bool held_in_memory;
	/* "Authorization: Bearer TOKEN" when non-NULL and non-empty (an API key). */
	const char *bearer_token;
	/* When non-NULL a POST of POST_LEN bytes of POST_BODY, sent as CONTENT_TYPE,
	 * instead of a GET. Redirects are not followed: the body (credentials) would
	 * go wherever the server points. */
	const char *post_body;
	size_t post_len;
	const char *content_type;
	/* Never in a message: an error answer that echoes it has it blanked out. */
	const char *secret;
};

struct http_response {
	long status;                  /* 200..299, or 304 when not modified */
	struct strbuf etag;
	struct strbuf last_modified;
	uint64_t body_bytes;          /* decoded bytes handed to on_body */
	int attempts;
};

void http_response_init(struct http_response *resp);
void http_response_release(struct http_response *resp);

/* Something the user should hear about while it happens (a long wait): MESSAGE. */
typedef void (*http_notice_fn)(void *ctx, const char *message);

/*
 * What one run of requests shares, owned by the caller (nothing in this module is
 * process-wide but libcurl's own initialisation): a REPL can run `pricing update`
 * many times, each with its own cancel flag and progress, and nothing leaks into
 * the next.
 */
struct http_client {
	/* When *cancel becomes non-zero (a signal handler), transfers and backoff
	 * sleeps stop; NULL: never cancelled. */
	volatile sig_atomic_t *cancel;
	http_progress_fn progress;    /* NULL: no progress */
	void *progress_ctx;
	http_notice_fn notice;        /* NULL: no notices */
	void *notice_ctx;
	unsigned int jitter_state;    /* rand_r state of the backoff jitter */
};

/* Defaults: no cancel flag, progress or notices; jitter seeded from time and pid. */
void http_client_init(struct http_client *client);

/* libcurl's global initialisation: before the first request, http_cleanup() after
 * the last (each may be called again: they pair like a reference count). */
int http_init(void);
void http_cleanup(void);

/*
 * GET (or POST, see post_body) with retries. Returns 0 for a 2xx answer (body
 * delivered) or a 304 (no body), -1 with error_set() for anything else, after the
 * retries are used up. CLIENT NULL: as http_client_init() would set it.
 */
int http_get(struct http_client *client, const struct http_request *req,
	     struct http_response *resp);

/* GET into BODY (reset first); for pages that are parsed whole (JSON).
 * ETAG / LAST_MODIFIED make it conditional (NULL: not). */
int http_get_buffer(struct http_client *client, const char *url, const char *label,
		    const char *etag, const char *last_modified, struct strbuf *body,
		    struct http_response *resp);

/* The same with BEARER_TOKEN (NULL: none) sent as the Authorization. */
int http_get_buffer_auth(struct http_client *client, const char *url, const char *label,
			 const char *bearer_token, const char *etag, const char *last_modified,
			 struct strbuf *body, struct http_response *resp);

/* POST of BODY (LEN bytes, CONTENT_TYPE) into ANSWER, retried like a GET; SECRET
 * (NULL: none) is blanked out of any message. */
int http_post_buffer(struct http_client *client, const char *url, const char *label,
		     const char *content_type, const char *body, size_t len, const char *secret,
		     struct strbuf *answer, struct http_response *resp);

/* Percent-encodes S for a query string (RFC 3986 unreserved characters kept). */
void http_url_escape(struct strbuf *out, const char *s);

#endif
