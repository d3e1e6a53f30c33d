#ifndef REVFILE_H
#define REVFILE_H
/*
 * revfile: parses one revision file from a buffer, no I/O. Two formats:
 *
 *  - native ".sql": a header of "-- key: value" lines, then
 *    "-- migrate:upgrade" and "-- migrate:downgrade" sections (SPEC 3.1);
 *  - Alembic ".py": only the module-level graph assignments (with
 *    git-dbmig's "squashes") and the docstring are read; Python is never executed (SPEC 3.2).
 *
 * The kind is taken from the name's suffix. A struct revfile owns all its
 * strings and arrays.
 */
#include "strbuf.h"

#define REVFILE_ID_MAX 32

enum revfile_kind {
	REVFILE_SQL,
	REVFILE_PY,
};

struct revfile {
	enum revfile_kind kind;
	char *revision;
	char **down_revision;   /* ndown ids; 0 for a base */
	size_t ndown;
	char **branch_labels;
	size_t nlabels;
	char **depends_on;      /* ids or branch labels, as written */
	size_t ndeps;
	char **squashes;        /* ids folded into this one by squash */
	size_t nsquashes;
	char *message;          /* NULL when none */
	char *create_date;      /* NULL when none */
	char *doc;              /* .py: the docstring, stripped; NULL for .sql */
	int transactional;      /* 1 unless "transactional: false" */
	char *upgrade;          /* body text, NULL when the section is absent */
	char *downgrade;
	/*
	 * 1 when upgrade and downgrade are the file's: set by
	 * revfile_parse(); a header from a cache has none (0), and
	 * project_load_body() reads them from the file.
	 */
	int bodies;
	unsigned upgrade_line;  /* 1-based line of the first body line */
	unsigned downgrade_line;
	unsigned revision_line; /* line of the revision key (for messages) */
	unsigned down_line;     /* line of down_revision (0 if absent) */
	unsigned deps_line;     /* line of depends_on (0 if absent) */
	unsigned labels_line;   /* line of branch_labels (0 if absent) */
	/*
	 * A half of a squashed .py revision split for a database stopped
	 * at a folded id (squash_split_rows): the squashed revision whose
	 * parts it runs, those after part_after and up to part_upto (NULL:
	 * from the first, to the last). NULL for a file as read.
	 */
	char *part_of;
	char *part_after;
	char *part_upto;
};

/*
 * Parse buf (len bytes, need not be NUL-terminated). "name" is used for
 * the kind (".sql" or ".py" suffix) and in messages. On error returns -1,
 * puts "<name>:<line>: <what>" into err and sets *out to NULL.
 *
 * .sql errors: a header line that is not "-- key: value", an unknown key
 * ("unknown key 'down_revison'"), a repeated key, a missing or empty
 * revision, an invalid id or label (see revfile_valid_id), transactional
 * other than true/false, a section marker repeated or downgrade before
 * upgrade, text between the header and the first section that is not
 * blank or a "--" comment, a NUL byte.
 * .py errors: no revision assignment, a value that is not a string, None,
 * or a tuple/list of strings, an invalid id.
 */
int revfile_parse(struct revfile **out, const char *name, const char *buf,
		  size_t len, struct strbuf *err);
void revfile_free(struct revfile *rf);
/* A copy that owns all its strings and arrays. */
struct revfile *revfile_dup(const struct revfile *rf);
/*
 * A digest (40 hex digits) of everything the header says: its kind,
 * transactional, revision, down_revision, branch_labels, depends_on,
 * squashes, message, create_date and docstring, and neither the bodies
 * nor a line number. Two files with the same header id are the same
 * revision to the graph, whatever their bodies.
 */
void revfile_header_id(const struct revfile *rf, char out[41]);

/* 1 if s[0..len) is 1..32 of letters, digits, '_', '-', '.'. */
int revfile_valid_id(const char *s, size_t len);

#endif
