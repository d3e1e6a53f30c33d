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
int usage_color;
int usage_tty;
int usage_color_stdout;
static int progress_shown;

static void progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

void progress(const char *fmt, ...)
{
	va_list ap;

	if (!usage_tty || usage_quiet)
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = 1;
}

void progress_done(void)
{
	progress_clear();
	fflush(stderr);
}

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
	progress_clear();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void warning(const char *fmt, ...)
{
	va_list ap;

	progress_clear();
	fputs(usage_color ? "\033[33mWARNING:\033[m " : "WARNING: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void report_failed(const char *reason)
{
	progress_clear();
	fprintf(stderr, "%s %s\n", usage_color ? "\033[1;31mFAILED:\033[m" : "FAILED:", reason);
	fflush(stderr);
}
