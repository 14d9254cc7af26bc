/* strbuf: one growable, always NUL-terminated byte string (after git's strbuf).
 * Whoever calls strbuf_init() calls strbuf_release(). Never used for fixed-size I/O. */
#ifndef AICOST_STRBUF_H
#define AICOST_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;      /* always valid and NUL-terminated after init */
	size_t len;     /* bytes in use, excluding the NUL */
	size_t alloc;   /* bytes allocated; 0 while buf points at the shared empty string */
};

#define STRBUF_INIT { strbuf_empty, 0, 0 }
extern char strbuf_empty[];

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Hands the buffer to the caller (who frees it) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Strips trailing whitespace. */
void strbuf_rtrim(struct strbuf *sb);

#endif
