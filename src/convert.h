#ifndef CONVERT_H
#define CONVERT_H
/*
 * convert: the text of the native .sql file that stands for an Alembic
 * .py revision, from the statements its upgrade() and downgrade() ran on
 * a scratch database. The header is the .py revision's own
 * (revision, down_revision, branch_labels, depends_on, the docstring's
 * message and Create Date); the bodies are the recorded statements, one
 * after another, each ended by ";". No I/O; what the functions fill
 * belongs to the caller.
 */
#include "revfile.h"
#include "strbuf.h"

struct convert_body {
	char **v;     /* statements, without a trailing ";" needed */
	size_t n;
};

/*
 * The file's text. from names the .py file (its base name is used),
 * dialect the scratch database's ("sqlite", "postgresql"); note, when
 * not NULL, is one or more lines said in a comment before the bodies
 * (what a revision converted with --as-recorded was recorded with).
 */
void convert_sql_text(struct strbuf *out, const struct revfile *rf,
		      const char *from, const char *dialect,
		      const struct convert_body *up, const struct convert_body *down,
		      const char *note);

/* The .sql file's path: path with ".py" replaced by ".sql". */
void convert_sql_path(struct strbuf *out, const char *path);

void convert_body_release(struct convert_body *b);

#endif
