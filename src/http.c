/* HTTP GET with retries, backoff, conditional requests and gzip (see http.h). */
#include "http.h"
#include "version.h"
#include "util.h"

#include <curl/curl.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How much of an error response's body to quote in the message. */
#define ERROR_BODY_KEEP 300

/* http_init() calls not yet paired with http_cleanup(). */
static int init_count;

/*
 * libcurl's entry points, looked up when the first request is made: only
 * `pricing update` pays for loading libcurl and the ~30 libraries it needs
 * (TLS, Kerberos, LDAP, IDN...), which made up most of every other command's
 * start-up (issue 16). Loaded once, never unloaded (TLS libraries do not like it).
 */
static struct {
	void *handle;
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
	void (*slist_free_all)(struct curl_slist *list);
	time_t (*getdate)(const char *text, const time_t *unused);
} libcurl;

/* The sonames of libcurl 7.16 and later, in the order Debian's packages offer them. */
static const char *const libcurl_names[] = {
	"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4",
};

/* Loads libcurl (AICOST_LIBCURL names the file instead); -1 with error set. */
static int load_libcurl(void)
{
	const struct {
		const char *name;
		void **slot;
	} symbols[] = {
		{ "curl_global_init", (void **)&libcurl.global_init },
		{ "curl_global_cleanup", (void **)&libcurl.global_cleanup },
		{ "curl_easy_init", (void **)&libcurl.easy_init },
		{ "curl_easy_setopt", (void **)&libcurl.easy_setopt },
		{ "curl_easy_perform", (void **)&libcurl.easy_perform },
		{ "curl_easy_getinfo", (void **)&libcurl.easy_getinfo },
		{ "curl_easy_cleanup", (void **)&libcurl.easy_cleanup },
		{ "curl_easy_strerror", (void **)&libcurl.easy_strerror },
		{ "curl_slist_append", (void **)&libcurl.slist_append },
		{ "curl_slist_free_all", (void **)&libcurl.slist_free_all },
		{ "curl_getdate", (void **)&libcurl.getdate },
	};
	const char *chosen = getenv("AICOST_LIBCURL");
	struct strbuf tried = STRBUF_INIT;
	void *handle = NULL;

	if (libcurl.handle)
		return 0;
	if (chosen && *chosen) {
		handle = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
		if (!handle)
			strbuf_adds(&tried, dlerror());
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(libcurl_names) && !handle; i++) {
			handle = dlopen(libcurl_names[i], RTLD_NOW | RTLD_LOCAL);
			if (!handle)
				strbuf_addf(&tried, "%s%s", tried.len ? "; " : "", dlerror());
		}
	}
	if (!handle) {
		error_set("fetching prices needs libcurl, which cannot be loaded (%s): install "
			  "it (Debian: apt-get install libcurl4)", tried.buf);
		strbuf_release(&tried);
		return -1;
	}
	strbuf_release(&tried);
	for (size_t i = 0; i < ARRAY_SIZE(symbols); i++) {
		/* POSIX's way to turn dlsym's answer into a function pointer. */
		*symbols[i].slot = dlsym(handle, symbols[i].name);
		if (!*symbols[i].slot) {
			error_set("%s: not a usable libcurl (no %s)", chosen && *chosen ? chosen
				  : "libcurl", symbols[i].name);
			dlclose(handle);
			return -1;
		}
	}
	libcurl.handle = handle;
	return 0;
}

struct transfer {
	struct http_client *client;
	const struct http_request *req;
	struct http_response *resp;
	long status;                 /* of the current response, once headers are in */
	struct strbuf error_body;    /* start of a non-2xx body, for the message */
	struct strbuf etag, last_modified;
	double retry_after_s;        /* -1 when the answer had none */
	bool body_failed;            /* on_body returned -1: its message is in error_get() */
	bool too_big;                /* the body passed max_bytes */
	uint64_t bytes;
	uint64_t max_bytes;          /* decoded (and received) bytes allowed */
};

/*
 * The environment's caps are bounded so that what they feed stays in range: a
 * day's wait in milliseconds fits a long, a terabyte in bytes a uint64_t.
 */
#define HTTP_MAX_WAIT_S 86400
#define HTTP_MAX_MB (1L << 20)
#define HTTP_MAX_RETRIES 100

/* NAME's whole number: FALLBACK when unset or not one at least MIN; at most MAX. */
static long env_long(const char *name, long fallback, long min, long max)
{
	const char *text = getenv(name);
	char *end;
	long value;

	if (!text || !*text)
		return fallback;
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || *end || value < min)
		return fallback;
	return value < max ? value : max;
}

void http_response_init(struct http_response *resp)
{
	resp->status = 0;
	strbuf_init(&resp->etag, 0);
	strbuf_init(&resp->last_modified, 0);
	resp->body_bytes = 0;
	resp->attempts = 0;
}

void http_response_release(struct http_response *resp)
{
	strbuf_release(&resp->etag);
	strbuf_release(&resp->last_modified);
}

void http_client_init(struct http_client *client)
{
	memset(client, 0, sizeof(*client));
	/* Jitter exists to spread clients apart: differ between processes. */
	client->jitter_state = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
}

int http_init(void)
{
	if (init_count == 0 && load_libcurl() < 0)
		return -1;
	if (init_count == 0 && libcurl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		error_set("cannot initialise libcurl");
		return -1;
	}
	init_count++;
	return 0;
}

void http_cleanup(void)
{
	if (init_count > 0 && --init_count == 0)
		libcurl.global_cleanup();
}

static bool cancelled(const struct http_client *client)
{
	return client->cancel && *client->cancel;
}

static bool status_ok(long status)
{
	return status >= 200 && status < 300;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * nmemb;

	if (!status_ok(t->status)) {
		/* Keep the start of an error body for the message; drop the rest. */
		if (t->error_body.len < ERROR_BODY_KEEP)
			strbuf_add(&t->error_body, data,
				   len < ERROR_BODY_KEEP ? len : ERROR_BODY_KEEP);
		return len;
	}
	/* Decoded bytes: a gzip bomb is caught here, whatever came over the wire. */
	if (t->bytes + len > t->max_bytes) {
		t->too_big = true;
		return 0;
	}
	if (t->req->on_body(t->req->ctx, data, len) < 0) {
		t->body_failed = true;
		return 0;   /* CURLE_WRITE_ERROR ends the transfer */
	}
	t->bytes += len;
	return len;
}

/* Copies a header's value (trimmed) into SB when LINE is "NAME: value". */
static bool header_value(const char *line, size_t len, const char *name, struct strbuf *sb)
{
	size_t name_len = strlen(name);

	if (len <= name_len || line[name_len] != ':' || strncasecmp(line, name, name_len) != 0)
		return false;
	line += name_len + 1;
	len -= name_len + 1;
	while (len && isspace((unsigned char)*line))
		line++, len--;
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	strbuf_reset(sb);
	strbuf_add(sb, line, len);
	return true;
}

static size_t header_cb(char *line, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * nmemb;
	struct strbuf value = STRBUF_INIT;

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* A new response (after a redirect or 100-continue): start over. */
		const char *sp = memchr(line, ' ', len);

		t->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		strbuf_reset(&t->etag);
		strbuf_reset(&t->last_modified);
		t->retry_after_s = -1;
		return len;
	}
	header_value(line, len, "ETag", &t->etag);
	header_value(line, len, "Last-Modified", &t->last_modified);
	if (header_value(line, len, "Retry-After", &value)) {
		char *end;
		double seconds = c_strtod(value.buf, &end);

		if (end != value.buf && *end == '\0' && seconds >= 0) {
			t->retry_after_s = seconds;
		} else {
			time_t when = libcurl.getdate(value.buf, NULL);

			if (when > 0)
				t->retry_after_s = fmax(0, difftime(when, time(NULL)));
		}
	}
	strbuf_release(&value);
	return len;
}

static int xferinfo_cb(void *userp, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct transfer *t = userp;

	(void)dltotal, (void)ultotal, (void)ulnow;
	if (cancelled(t->client))
		return 1;   /* CURLE_ABORTED_BY_CALLBACK */
	/* Received bytes too: an endless error body never reaches write_cb's count. */
	if (dlnow > 0 && (uint64_t)dlnow > t->max_bytes) {
		t->too_big = true;
		return 1;
	}
	if (t->client->progress && status_ok(t->status))
		t->client->progress(t->client->progress_ctx,
				    t->req->label ? t->req->label : t->req->url, t->bytes);
	return 0;
}

static bool curl_error_retryable(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static bool status_retryable(long status)
{
	return status == 429 || status == 408 || (status >= 500 && status <= 599);
}

/* Sleeps MS milliseconds in small steps so that Ctrl-C is not kept waiting. */
static void sleep_ms(const struct http_client *client, long ms)
{
	while (ms > 0 && !cancelled(client)) {
		long step = ms < 50 ? ms : 50;
		struct timespec ts = { step / 1000, (step % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/*
 * Exponential backoff with jitter: base × 2^attempt × [0.5, 1.5), at most a minute.
 * The server's Retry-After wins when longer, capped so that a typo or a hostile
 * server cannot hang us; a wait on the server's word is said (LABEL names it).
 */
static long backoff_ms(struct http_client *client, int attempt, double retry_after_s,
		       const char *label)
{
	long base_ms = env_long("AICOST_HTTP_BACKOFF_MS", 500, 0, 60000);
	long cap_s = env_long("AICOST_HTTP_MAX_RETRY_AFTER", 120, 0, HTTP_MAX_WAIT_S);
	double jitter = 0.5 + (double)rand_r(&client->jitter_state) / RAND_MAX;
	double delay_ms = base_ms * ldexp(1.0, attempt) * jitter;

	delay_ms = fmin(delay_ms, 60000);
	if (retry_after_s >= 0 && retry_after_s * 1000 > delay_ms) {
		struct strbuf msg = STRBUF_INIT;

		delay_ms = fmin(retry_after_s, (double)cap_s) * 1000;
		strbuf_addf(&msg, "%s: the server asks to wait %.0f s (Retry-After)", label,
			    retry_after_s);
		if (retry_after_s > cap_s)
			strbuf_addf(&msg, "; waiting %ld s, the most AICOST_HTTP_MAX_RETRY_AFTER "
				    "allows", cap_s);
		else
			strbuf_adds(&msg, "; waiting");
		if (client->notice && delay_ms >= 1000)
			client->notice(client->notice_ctx, msg.buf);
		strbuf_release(&msg);
	}
	return (long)delay_ms;
}

/* The size cap of REQ's body, in bytes. */
static uint64_t max_body_bytes(const struct http_request *req)
{
	long mb = req->held_in_memory ? env_long("AICOST_HTTP_MAX_PAGE_MB", 256, 1, HTTP_MAX_MB)
				      : env_long("AICOST_HTTP_MAX_STREAM_MB", 16384, 1,
						       HTTP_MAX_MB);

	return (uint64_t)mb << 20;
}

static void set_options(CURL *curl, struct transfer *t, struct curl_slist *headers,
			char *curl_error)
{
	libcurl.easy_setopt(curl, CURLOPT_URL, t->req->url);
	libcurl.easy_setopt(curl, CURLOPT_USERAGENT, "aicost/" AICOST_VERSION);
	libcurl.easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");   /* every encoding libcurl has */
	libcurl.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	libcurl.easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
	libcurl.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	libcurl.easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	libcurl.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	libcurl.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
			 env_long("AICOST_HTTP_CONNECT_TIMEOUT", 15, 1, LONG_MAX));
	libcurl.easy_setopt(curl, CURLOPT_TIMEOUT, env_long("AICOST_HTTP_TIMEOUT", 1800, 1, LONG_MAX));
	/* A stalled or dripping server (a byte now and then) is caught by its rate over
	 * the window, not only by the total time. */
	libcurl.easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT,
			    env_long("AICOST_HTTP_MIN_RATE", 1024, 1, LONG_MAX));
	libcurl.easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
			 env_long("AICOST_HTTP_STALL_TIMEOUT", 60, 1, LONG_MAX));
	/* A Content-Length over the cap fails before the body is read. */
	libcurl.easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max_bytes);
	libcurl.easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	libcurl.easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
	libcurl.easy_setopt(curl, CURLOPT_WRITEDATA, t);
	libcurl.easy_setopt(curl, CURLOPT_HEADERFUNCTION, header_cb);
	libcurl.easy_setopt(curl, CURLOPT_HEADERDATA, t);
	libcurl.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
	libcurl.easy_setopt(curl, CURLOPT_XFERINFODATA, t);
	libcurl.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	libcurl.easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
}

/* Describes a failed attempt in the error channel. */
/*
 * SECRET blanked out of TEXT: every whole occurrence, and a start of it that TEXT
 * was cut in the middle of (the kept error body ends mid-secret).
 */
static void redact(struct strbuf *text, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	struct strbuf out = STRBUF_INIT;
	const char *p, *at;

	if (!n)
		return;
	for (p = text->buf; (at = strstr(p, secret)) != NULL; p = at + n) {
		strbuf_add(&out, p, (size_t)(at - p));
		strbuf_adds(&out, "[secret]");
	}
	strbuf_adds(&out, p);
	for (size_t k = n - 1 < out.len ? n - 1 : out.len; k >= 4; k--)
		if (memcmp(out.buf + out.len - k, secret, k) == 0) {
			strbuf_setlen(&out, out.len - k);
			strbuf_adds(&out, "[secret]");
			break;
		}
	strbuf_reset(text);
	strbuf_add(text, out.buf, out.len);
	strbuf_release(&out);
}

static void describe_failure(const struct transfer *t, CURLcode code, const char *curl_error)
{
	const char *what = t->req->label ? t->req->label : t->req->url;

	if (code == CURLE_OK) {
		struct strbuf excerpt = STRBUF_INIT, body = STRBUF_INIT;

		strbuf_add(&body, t->error_body.buf, t->error_body.len);
		redact(&body, t->req->secret);
		for (size_t i = 0; i < body.len && excerpt.len < 120; i++) {
			char c = body.buf[i];

			strbuf_addch(&excerpt, isprint((unsigned char)c) ? c : ' ');
		}
		strbuf_release(&body);
		strbuf_rtrim(&excerpt);
		error_set("%s: HTTP %ld%s%s", what, t->status, excerpt.len ? ": " : "",
			  excerpt.buf);
		strbuf_release(&excerpt);
	} else {
		error_set("%s: %s", what, curl_error[0] ? curl_error : libcurl.easy_strerror(code));
	}
}

int http_get(struct http_client *client, const struct http_request *req,
	     struct http_response *resp)
{
	struct http_client defaults;
	struct transfer t = { .req = req };
	struct curl_slist *headers = NULL;
	char curl_error[CURL_ERROR_SIZE];
	int max_retries = (int)env_long("AICOST_HTTP_RETRIES", 4, 0, HTTP_MAX_RETRIES);
	CURL *curl = NULL;
	bool initialised = false;
	int result = -1;

	if (!client) {
		http_client_init(&defaults);
		client = &defaults;
	}
	t.client = client;
	strbuf_init(&t.error_body, 0);
	strbuf_init(&t.etag, 0);
	strbuf_init(&t.last_modified, 0);
	t.max_bytes = max_body_bytes(req);
	if (http_init() < 0)
		goto cleanup;
	initialised = true;
	curl = libcurl.easy_init();
	if (!curl) {
		error_set("cannot create a libcurl handle");
		goto cleanup;
	}
	if (req->etag && *req->etag) {
		struct strbuf h = STRBUF_INIT;

		strbuf_addf(&h, "If-None-Match: %s", req->etag);
		headers = libcurl.slist_append(headers, h.buf);
		strbuf_release(&h);
	}
	if (req->last_modified && *req->last_modified) {
		struct strbuf h = STRBUF_INIT;

		strbuf_addf(&h, "If-Modified-Since: %s", req->last_modified);
		headers = libcurl.slist_append(headers, h.buf);
		strbuf_release(&h);
	}
	if (req->bearer_token && *req->bearer_token) {
		struct strbuf h = STRBUF_INIT;

		strbuf_addf(&h, "Authorization: Bearer %s", req->bearer_token);
		headers = libcurl.slist_append(headers, h.buf);
		strbuf_release(&h);
	}
	if (req->post_body) {
		struct strbuf h = STRBUF_INIT;

		strbuf_addf(&h, "Content-Type: %s",
			    req->content_type ? req->content_type : "application/json");
		headers = libcurl.slist_append(headers, h.buf);
		strbuf_release(&h);
	}
	set_options(curl, &t, headers, curl_error);
	if (req->post_body) {
		libcurl.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->post_len);
		libcurl.easy_setopt(curl, CURLOPT_POSTFIELDS, req->post_body);
		libcurl.easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	}

	for (int attempt = 0;; attempt++) {
		CURLcode code;
		bool retry;

		curl_error[0] = '\0';
		t.status = 0;
		t.retry_after_s = -1;
		t.body_failed = false;
		t.too_big = false;
		strbuf_reset(&t.error_body);
		if (attempt > 0 && t.bytes > 0) {
			req->on_restart(req->ctx);
			t.bytes = 0;
		}
		resp->attempts = attempt + 1;
		code = libcurl.easy_perform(curl);
		if (code == CURLE_OK)
			libcurl.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &t.status);
		if (code == CURLE_OK && (status_ok(t.status) || t.status == 304)) {
			resp->status = t.status;
			resp->body_bytes = t.bytes;
			strbuf_reset(&resp->etag);
			strbuf_add(&resp->etag, t.etag.buf, t.etag.len);
			strbuf_reset(&resp->last_modified);
			strbuf_add(&resp->last_modified, t.last_modified.buf, t.last_modified.len);
			result = 0;
			goto cleanup;
		}
		if (t.body_failed)
			goto cleanup;   /* the consumer said why */
		if (t.too_big || code == CURLE_FILESIZE_EXCEEDED) {
			/* Not retried: the same server would send the same flood again. */
			error_set("%s: the response is larger than %llu MB (a runaway server?); "
				  "%s raises the limit", req->label ? req->label : req->url,
				  (unsigned long long)(t.max_bytes >> 20),
				  req->held_in_memory ? "AICOST_HTTP_MAX_PAGE_MB"
						      : "AICOST_HTTP_MAX_STREAM_MB");
			goto cleanup;
		}
		if (code == CURLE_ABORTED_BY_CALLBACK || cancelled(client)) {
			error_set("%s: interrupted", req->label ? req->label : req->url);
			goto cleanup;
		}
		describe_failure(&t, code, curl_error);
		retry = code == CURLE_OK ? status_retryable(t.status) : curl_error_retryable(code);
		/* Part of a streamed body is already consumed and cannot be taken back. */
		if (t.bytes > 0 && !req->on_restart)
			retry = false;
		if (!retry || attempt >= max_retries) {
			if (attempt > 0)
				error_prefix("after %d attempts: ", attempt + 1);
			goto cleanup;
		}
		sleep_ms(client, backoff_ms(client, attempt, t.retry_after_s,
					    req->label ? req->label : req->url));
		if (cancelled(client)) {
			error_set("%s: interrupted", req->label ? req->label : req->url);
			goto cleanup;
		}
	}

cleanup:
	if (curl)
		libcurl.easy_cleanup(curl);
	if (headers)
		libcurl.slist_free_all(headers);
	if (initialised)
		http_cleanup();
	strbuf_release(&t.error_body);
	strbuf_release(&t.etag);
	strbuf_release(&t.last_modified);
	return result;
}

static int buffer_body(void *ctx, const char *data, size_t len)
{
	strbuf_add(ctx, data, len);
	return 0;
}

static void buffer_restart(void *ctx)
{
	strbuf_reset(ctx);
}

int http_get_buffer_auth(struct http_client *client, const char *url, const char *label,
			 const char *bearer_token, const char *etag, const char *last_modified,
			 struct strbuf *body, struct http_response *resp)
{
	struct http_request req = {
		.url = url, .label = label, .etag = etag, .last_modified = last_modified,
		.on_body = buffer_body,
		.on_restart = buffer_restart, .ctx = body,
		.held_in_memory = true, .bearer_token = bearer_token,
	};

	strbuf_reset(body);
	return http_get(client, &req, resp);
}

int http_post_buffer(struct http_client *client, const char *url, const char *label,
		     const char *content_type, const char *body, size_t len, const char *secret,
		     struct strbuf *answer, struct http_response *resp)
{
	struct http_request req = {
		.url = url, .label = label, .on_body = buffer_body,
		.on_restart = buffer_restart, .ctx = answer, .held_in_memory = true,
		.post_body = body, .post_len = len, .content_type = content_type,
		.secret = secret,
	};

	strbuf_reset(answer);
	return http_get(client, &req, resp);
}

int http_get_buffer(struct http_client *client, const char *url, const char *label,
		    const char *etag, const char *last_modified, struct strbuf *body,
		    struct http_response *resp)
{
	return http_get_buffer_auth(client, url, label, NULL, etag, last_modified, body, resp);
}

void http_url_escape(struct strbuf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			strbuf_addch(out, (char)*p);
		else
			strbuf_addf(out, "%%%02X", *p);
}
