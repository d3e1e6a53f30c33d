/*
 * usage: allocation that cannot fail, BUG(), and every line the tool
 * prints on stderr. Only main() calls report_failed(); lower modules put
 * their message into a caller's strbuf.
 */
#include "usage.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int usage_quiet;

static void die_oom(size_t size)
{
	fprintf(stderr, "FAILED: out of memory allocating %zu bytes\n", size);
	exit(128);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die_oom(size);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		die_oom(size);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (usage_quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void warning(const char *fmt, ...)
{
	va_list ap;

	fputs("WARNING: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void report_failed(const char *reason)
{
	fprintf(stderr, "FAILED: %s\n", reason);
	fflush(stderr);
}
