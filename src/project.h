#ifndef PROJECT_H
#define PROJECT_H
/*
 * project: everything a command needs before it touches a database: the
 * alembic.ini (found as SPEC 2 says), its settings, the version
 * locations, the database URL (--url, SQLALCHEMY_URL, sqlalchemy.url)
 * and the revision graph read from the work tree, a commit or the index.
 * The project owns all of it.
 */
#include "config.h"
#include "graph.h"
#include "strbuf.h"

struct xarg {
	char *key;
	char *value;
};

/* Global options, as parsed by main(). */
struct options {
	const char *config;   /* -c */
	const char *name;     /* -n, default "alembic" */
	const char *url;      /* --url */
	const char *at;       /* --at TREE-ISH */
	int staged;           /* --staged */
	int need_bodies;      /* the command runs or prints revision bodies */
	int quiet;
	struct xarg *x;       /* -x KEY=VALUE */
	size_t nx;
};

struct project {
	struct config *cfg;
	const struct options *opts;
	char *ini_path;
	char *here;
	char *script_location;   /* absolute */
	char **locations;        /* absolute version folders */
	size_t nlocations;
	int recursive;
	char *file_template;
	int truncate_slug_length;
	char *version_table;
	char *version_table_schema;
	char *url;               /* NULL when none is configured */
	struct graph *graph;     /* after project_load_graph */
};

/* Find and read the config. Fails when none is found. */
int project_open(struct project **out, const struct options *opts,
		 struct strbuf *err);
/* Read and parse every revision file, and build the graph. */
int project_load_graph(struct project *p, struct strbuf *err);
void project_free(struct project *p);

/* A setting of the main section, or def when absent. */
const char *project_get(struct project *p, const char *key, const char *def);

/* The value of -x KEY, or NULL. */
const char *project_xarg(const struct project *p, const char *key);

#endif
