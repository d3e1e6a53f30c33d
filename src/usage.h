#ifndef USAGE_H
#define USAGE_H
/*
 * Allocation wrappers that never return NULL, BUG() for programming
 * mistakes, and the one place that prints messages to the user.
 * Everything returned by x*() belongs to the caller.
 */
#include <stddef.h>
#include <stdlib.h>

#ifdef UNIT_TESTING
void *_test_malloc(size_t size, const char *file, int line);
void *_test_calloc(size_t n, size_t size, const char *file, int line);
void *_test_realloc(void *p, size_t size, const char *file, int line);
void _test_free(void *p, const char *file, int line);
#define malloc(s) _test_malloc(s, __FILE__, __LINE__)
#define calloc(n, s) _test_calloc(n, s, __FILE__, __LINE__)
#define realloc(p, s) _test_realloc(p, s, __FILE__, __LINE__)
#define free(p) _test_free(p, __FILE__, __LINE__)
#endif

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
#define ALLOC_GROW(x, nr, alloc) \
	do { \
		if ((nr) > (alloc)) { \
			(alloc) = (alloc) * 2 + 16 > (nr) ? (alloc) * 2 + 16 : (nr); \
			(x) = xrealloc((x), (alloc) * sizeof(*(x))); \
		} \
	} while (0)

#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
__attribute__((noreturn, format(printf, 3, 4)))
void bug_fl(const char *file, int line, const char *fmt, ...);

/* Set by -q: info() prints nothing. */
extern int usage_quiet;
/*
 * Set by main() when stderr is a terminal and neither NO_COLOR nor
 * --no-color says otherwise: FAILED: and WARNING: come in colour, and
 * progress() draws its line.
 */
extern int usage_color;
extern int usage_tty;
/* The same for standard output: status and verify colour their states. */
extern int usage_color_stdout;
/*
 * A transient status line on a terminal ("[3/30] core_rev2 1.2s"),
 * redrawn in place and erased by the next info() line or by
 * progress_done(); nothing at all on a pipe.
 */
__attribute__((format(printf, 1, 2))) void progress(const char *fmt, ...);
void progress_done(void);
/* Progress and informational lines, on stderr. */
__attribute__((format(printf, 1, 2))) void info(const char *fmt, ...);
/* A warning line "WARNING: ..." on stderr. */
__attribute__((format(printf, 1, 2))) void warning(const char *fmt, ...);
/* The one "FAILED: <reason>" line, on stderr. */
void report_failed(const char *reason);

#endif
