/*
 * db/db.c: picks the backend for a URL. Backend code lives beside it,
 * one file per backend.
 */
#include "db.h"
#include "usage.h"

#include <string.h>

int db_open(struct db **out, const struct url *url, unsigned flags,
	    struct strbuf *err)
{
	*out = NULL;
	switch (url->kind) {
	case URL_SQLITE:
		return db_sqlite_open(out, url, flags, err);
	default:
		break;
	}
	strbuf_addf(err, "the %s backend is not available in this build", url->backend);
	return -1;
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

void db_quote_ident(struct strbuf *out, const char *name)
{
	strbuf_addch(out, '"');
	for (; *name; name++) {
		if (*name == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *name);
	}
	strbuf_addch(out, '"');
}
