#ifndef PROJECT_H
#define PROJECT_H
/*
 * project: everything a command needs before it touches a database: the
 * config (an alembic.ini, the [tool.alembic] table of a pyproject.toml,
 * or both, found as Alembic 1.16+ finds them), its settings and which
 * file each came from, the version locations, the database URL (--url,
 * SQLALCHEMY_URL, sqlalchemy.url) and the revision graph read from the
 * work tree, a commit or the index. The project owns all of it; a struct
 * project_target read from one of the ini's [target:NAME] sections
 * belongs to the caller.
 */
#include "config.h"
#include "graph.h"
#include "strbuf.h"
#include "toml.h"

struct xarg {
	char *key;
	char *value;
};

/* Global options, as parsed by main(). */
struct options {
	const char **config;  /* -c, up to one ini and one pyproject.toml */
	size_t nconfig;
	const char *name;     /* -n, default "alembic" */
	const char *url;      /* --url */
	const char *at;       /* --at TREE-ISH */
	int staged;           /* --staged */
	int need_bodies;      /* the command runs or prints revision bodies */
	int quiet;
	struct xarg *x;       /* -x KEY=VALUE */
	size_t nx;
};

/* Where project->url came from. */
enum project_url_origin {
	PROJECT_URL_NONE,
	PROJECT_URL_OPTION,      /* --url */
	PROJECT_URL_ENV,         /* SQLALCHEMY_URL */
	PROJECT_URL_CONFIG,      /* sqlalchemy.url of the main section */
};

/* Where a setting came from. */
enum project_origin {
	PROJECT_DEFAULT,
	PROJECT_FROM_INI,        /* the main section of the ini */
	PROJECT_FROM_TOML,       /* [tool.alembic] of pyproject.toml */
};

/* How a config file was found. */
enum project_found {
	PROJECT_FOUND_OPTION,    /* -c */
	PROJECT_FOUND_ENV,       /* ALEMBIC_CONFIG */
	PROJECT_FOUND_CWD,       /* the default name, in the current folder */
	PROJECT_FOUND_WORKTREE,  /* the default name, at the work tree's root */
};

struct project {
	struct config *cfg;      /* the ini; NULL when none is read */
	struct toml_value *toml; /* pyproject.toml; NULL when none is read */
	const struct toml_value *tool; /* its [tool.alembic], or NULL */
	const struct options *opts;
	char *ini_path;          /* absolute; NULL when no ini is read */
	char *toml_path;         /* absolute; NULL when no pyproject.toml */
	enum project_found ini_found, toml_found;
	char *here;              /* the ini's folder, else pyproject.toml's */
	/* where script_location ... version_table_schema came from */
	enum project_origin script_location_from, locations_from, recursive_from,
		file_template_from, truncate_from, version_table_from,
		version_table_schema_from;
	char *script_location;   /* absolute */
	char **locations;        /* absolute version folders */
	size_t nlocations;
	int recursive;
	char *file_template;
	int truncate_slug_length;
	char *version_table;
	char *version_table_schema;
	char *url;               /* NULL when none is configured */
	enum project_url_origin url_origin;
	struct graph *graph;     /* after project_load_graph */
	char *git_root;          /* --at/--staged: real path of the work tree */
};

/*
 * Which files Alembic 1.16+ reads for these options: the -c names (a
 * file named pyproject.toml is the TOML one, any other the ini; at
 * most one of each), else ALEMBIC_CONFIG in the place of its kind,
 * else alembic.ini and pyproject.toml in the current folder.
 * *ini_found and *toml_found say which (PROJECT_FOUND_CWD for a
 * default name). The strings belong to the caller. Fails on two files
 * of one kind.
 */
int project_config_files(char **ini, char **toml, enum project_found *ini_found,
			 enum project_found *toml_found, const struct options *opts,
			 struct strbuf *err);

/*
 * Find and read the config (SPEC 2): a file named by -c or
 * ALEMBIC_CONFIG must exist; with neither, alembic.ini and
 * pyproject.toml in the current folder, or, when the current folder
 * holds neither an alembic.ini nor a pyproject.toml with [tool.alembic],
 * the two at the root of the enclosing git work tree. Fails when no
 * file gives the settings.
 */
int project_open(struct project **out, const struct options *opts,
		 struct strbuf *err);

/* The config file that messages name: the ini, else pyproject.toml. */
const char *project_config_name(const struct project *p);
/*
 * Read and parse every revision file, and build the graph. Without
 * opts->need_bodies the graph may come from the caches, with headers
 * only (rf->bodies 0) and no blob ids.
 */
int project_load_graph(struct project *p, struct strbuf *err);
/*
 * Give revision rev its bodies and blob id when the graph came without
 * them: read its file again, whose header must still be the one the
 * graph was built from. A command that runs bodies loads the graph as a
 * read-only command does and reads only the files it will run.
 */
int project_load_body(struct project *p, size_t rev, struct strbuf *err);
void project_free(struct project *p);
/*
 * For a command that ends the process next: p is kept reachable (so that
 * leak checkers see no leak) and not freed, which for a graph of 100,000
 * revisions costs as much as a tenth of building it; the exit frees it.
 */
void project_leave(struct project *p);

/*
 * The absolute path of a revision's file, as Alembic 1.18 prints it on
 * "Path:" lines: the file's real path (symlinks resolved, as Alembic's
 * Path.resolve()). With --at or --staged the file need not exist: the
 * path it has in the work tree is given. Kept in the graph's revision.
 */
const char *project_rev_path(struct project *p, int rev);

/* A setting of the ini's main section, or def when absent. */
const char *project_get(struct project *p, const char *key, const char *def);

/* The value of -x KEY, or NULL. */
const char *project_xarg(const struct project *p, const char *key);

/*
 * A named database of a fleet, read from a section [target:NAME] of the
 * config:
 *
 *     [target:orders]
 *     sqlalchemy.url = postgresql://deploy@db1/orders
 *     labels = CORE MOD1
 *
 * "labels" lists the branch labels whose revisions the database holds
 * (separated by spaces or commas); "*", or no "labels" key, means all of
 * them. Other keys are refused, so that a misspelt "lables" is noticed.
 */
struct project_target {
	char *name;
	char *url;
	char **labels;           /* NULL when all_labels */
	size_t nlabels;
	int all_labels;
};

#define PROJECT_ERR_NO_TARGET (-2)

/*
 * The NAMEs of the config's [target:NAME] sections, in file order. The
 * array belongs to the caller (free() it); the names are the project's.
 */
size_t project_target_names(const struct project *p, const char ***out);

/*
 * Read [target:NAME]. Returns PROJECT_ERR_NO_TARGET when the config has
 * no such section, -1 on a bad section (no sqlalchemy.url, an unknown
 * key, a bad interpolation), each with a message in err.
 */
int project_target(struct project_target **out, const struct project *p,
		   const char *name, struct strbuf *err);
void project_target_free(struct project_target *t);

/*
 * Before writing a file in dir: fail when dir lies in the project (the
 * folder of alembic.ini) by its path but a symlink takes it out of the
 * project. A folder configured outside the project is the user's
 * choice and passes. dir may be relative to the current folder and need
 * not exist yet.
 */
int project_check_write_dir(const struct project *p, const char *dir,
			    struct strbuf *err);

#endif
