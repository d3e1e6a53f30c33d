#ifndef URL_H
#define URL_H
/*
 * url: database URLs as SQLAlchemy writes them. A driver suffix
 * ("postgresql+psycopg2", "sqlite+pysqlite") is accepted and ignored.
 * Forms:
 *   sqlite://            in memory
 *   sqlite:///rel.db     relative to the current directory
 *   sqlite:////abs.db    absolute
 *   postgresql://user:pass@host:port/db?param=value (also postgres://)
 *   rqlite://host:port[,host:port...]/?param=value, rqlite+pyrqlite://
 *   libsql://host:port/, sqlite+libsql://host:port/
 * User, password, database and parameter values are percent-decoded.
 * The password is never printed: url_display() shows it as ***.
 * A struct url owns all its strings.
 */
#include "strbuf.h"

enum url_kind {
	URL_SQLITE,
	URL_POSTGRESQL,
	URL_RQLITE,
	URL_LIBSQL,
};

struct url_host {
	char *host;
	int port; /* 0 when absent */
};

struct url_param {
	char *key;
	char *value;
};

struct url {
	enum url_kind kind;
	char *scheme;   /* as written, e.g. "postgresql+psycopg2" */
	char *backend;  /* "sqlite", "postgresql", "rqlite", "libsql" */
	char *driver;   /* after '+', or NULL */
	char *user;     /* NULL when absent */
	char *password; /* NULL when absent */
	struct url_host *hosts;
	size_t nhosts;
	char *database; /* sqlite: the file path, NULL for memory; pg: db name */
	struct url_param *params;
	size_t nparams;
};

/*
 * Parse text. On error returns -1 with a message that never contains the
 * password (e.g. "unknown database URL scheme 'mysql' in 'mysql://u:***@h/db'").
 */
int url_parse(struct url **out, const char *text, struct strbuf *err);
void url_free(struct url *u);

/* The URL re-assembled as SQLAlchemy prints it, with the password as ***. */
void url_display(struct strbuf *out, const struct url *u);

/*
 * Copy text to out with anything that looks like a URL password
 * ("scheme://user:SECRET@") replaced by ***: for messages that quote
 * user input that may not even parse.
 */
void url_redact(struct strbuf *out, const char *text);

/* Value of the first query parameter named key, or NULL. */
const char *url_param(const struct url *u, const char *key);

#endif
