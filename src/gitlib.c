/*
 * gitlib.c: the table of libgit2's functions (see gitlib.h), filled once
 * a process by the first thread that needs it.
 */
#include "gitlib.h"

#ifdef DBMIG_DLOPEN
#include "dynlib-sonames.h"
#include "usage.h"

#include <pthread.h>
#include <stdlib.h>

static struct gitlib table;
static int table_loaded;
static const char *const table_names[] = { GITLIB_FUNCS(DYNLIB_NAME) };
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static struct strbuf table_err = STRBUF_INIT;

static void load_table(void)
{
	dynlib_load(&table_loaded, DYNLIB_SONAME_GIT2, "git", table_names, &table,
		    sizeof(table_names) / sizeof(*table_names), &table_err);
}

const struct gitlib *gitlib(void)
{
	pthread_once(&table_once, load_table);
	if (!table_loaded) {
		report_failed(table_err.buf);
		exit(1);
	}
	return &table;
}
#endif
