#ifndef DYNLIB_H
#define DYNLIB_H
/*
 * dynlib.h: libpq, libcurl and Graphviz loaded by the first command that
 * needs them, not at start-up. Linked, the three and the thirty-odd
 * libraries they pull in are mapped and relocated on every run, which
 * costs more than a whole "heads" on a small project; most runs use none
 * of them.
 *
 * The one file that uses a library declares its functions once:
 *
 *	#define PQ_FUNCS(X) X(PQconnectdbParams) X(PQfinish)
 *	static struct { PQ_FUNCS(DYNLIB_SLOT) } pq;
 *	static int pq_loaded;
 *	static const char *const pq_names[] = { PQ_FUNCS(DYNLIB_NAME) };
 *	#define PQfinish (pq.PQfinish)
 *
 * and calls DYNLIB_LOAD(pq, soname, what, err) before the first of them. With DBMIG_DLOPEN
 * undefined (make NO_DLOPEN=1, the fuzz targets) nothing of this is used
 * and the libraries are linked as usual.
 */
#include "strbuf.h"

#include <stddef.h>

#define DYNLIB_SLOT(f) __typeof__(&f) f;
#define DYNLIB_NAME(f) #f,

/*
 * Opens the library soname (what names it in messages) once a process,
 * then fills slots, a struct of n function pointers, with the functions
 * names[0..n-1]. *loaded remembers a success. Fails, naming the library
 * or the function, if either is missing.
 */
int dynlib_load(int *loaded, const char *soname, const char *what,
		const char *const *names, void *slots, size_t n,
		struct strbuf *err);

#ifdef DBMIG_DLOPEN
#define DYNLIB_LOAD(p, soname, what, err) \
	dynlib_load(&p##_loaded, soname, what, p##_names, &p, \
		    sizeof(p##_names) / sizeof(*p##_names), err)
#else
#define DYNLIB_LOAD(p, soname, what, err) ((void)(err), 0)
#endif

#endif
