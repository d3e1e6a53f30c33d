#ifndef DRIFT_H
#define DRIFT_H
/*
 * drift: does the live schema match what the applied revisions make? The
 * revisions the version rows stand for are run on an empty scratch
 * database and the two catalogs compared (schema.h). A struct drift
 * owns its text.
 */
#include "db.h"
#include "project.h"
#include "status.h"
#include "strbuf.h"

struct drift {
	struct strbuf diff;   /* schema_diff()'s lines: "- KIND NAME: DEF", "+ ..." */
	size_t n;             /* objects that differ */
	size_t nobjects;      /* objects of the live database */
	char *where;          /* the scratch database, for messages */
};

/*
 * Compare live (p->url's database, open) with a scratch database made
 * from st's version rows: "upgrade ROW" for each, or one "upgrade heads"
 * when everything is applied. dev_url (PostgreSQL only, may be NULL)
 * names the server to make the scratch database on. The rows must all
 * name revisions of the graph. Fails, with nothing changed, when the
 * scratch database cannot be made or the revisions fail on it.
 */
int drift_schema(struct drift *out, struct project *p, struct db *live,
		 const struct status *st, const char *dev_url, struct strbuf *err);
void drift_release(struct drift *d);

#endif
