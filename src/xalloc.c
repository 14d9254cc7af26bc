/* Allocation that cannot fail (see xalloc.h). */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void xoom(void)
{
	fputs("aicost: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		xoom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		xoom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		xoom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void xgrow(void *items_ptr, size_t *alloc, size_t need, size_t elem)
{
	void **items = items_ptr;
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc ? *alloc * 2 : 8;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / elem)
		xoom();
	*items = xrealloc(*items, n * elem);
	memset((char *)*items + *alloc * elem, 0, (n - *alloc) * elem);
	*alloc = n;
}
