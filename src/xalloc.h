/*
 * Allocation that cannot fail: the bottom of the include graph (strbuf.c and util.c
 * both use it, neither is used by it).
 */
#ifndef AICOST_XALLOC_H
#define AICOST_XALLOC_H

#include <stddef.h>

/* Allocation failures end the program with a message: nothing sane can follow. */
_Noreturn void xoom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* xstrdup, except that NULL stays NULL. */
char *xstrdup_or_null(const char *s);
char *xstrndup(const char *s, size_t n);
/* Grows *items (of *alloc slots of size elem) so that index `need - 1` fits. */
void xgrow(void *items_ptr, size_t *alloc, size_t need, size_t elem);

#endif
