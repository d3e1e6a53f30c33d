#ifndef SQUASH_H
#define SQUASH_H
/*
 * squash: folding a label's revisions after its version0 into the
 * label's head (SPEC 6), and reading such a file back. A squashed file
 * keeps the head's id, has down_revision = the version0, lists the
 * folded ids in "squashes:", and marks each part of its bodies with a
 * "-- part: <id>" line: upgrade parts in order, downgrade parts in
 * reverse order.
 *
 * A label with an Alembic .py revision squashes into a .py head that
 * Alembic runs as it is: down_revision = the version0, a module-level
 * "squashes" tuple, and a PARTS table that its upgrade() runs in order
 * and its downgrade() in reverse. The .py revisions' files move, as they
 * are, to a folder "squashed/<head id>" beside the head's versions
 * folder, from where the head loads them; .sql parts are kept in the
 * table as SQL text. The head's run_parts(direction, after, upto) runs
 * a slice of the parts, which the Python helper calls for a split half.
 *
 * A database whose version table still names a folded id is served by
 * squash_split_rows(): the squashed revision is split back, for that
 * run only, into the parts up to that id and the parts after it, so a
 * plan runs exactly what is missing. No I/O; everything returned
 * belongs to the caller.
 */
#include "graph.h"
#include "resolve.h"
#include "revfile.h"
#include "strbuf.h"

struct squash_part {
	char *id;
	char *body;   /* without the "-- part:" line; "" when empty */
};

struct squash_parts {
	struct squash_part *v;
	size_t n, alloc;
};
void squash_parts_release(struct squash_parts *p);

/*
 * The parts of a revision's upgrade (or downgrade) body. A body without
 * "-- part:" lines is one part carrying the revision's own id. Text
 * before the first marker of a marked body belongs to the first part.
 */
void squash_body_parts(struct squash_parts *out, const struct revfile *rf,
		       int upgrade);

/* A file that a .py squash moves into the parts folder. */
struct squash_move {
	char *from;
	char *to;
};

struct squash_moves {
	char *dir;      /* the parts folder; NULL for a .sql squash */
	char *head;     /* where the .py head goes: a .sql head's name as .py */
	struct squash_move *v;
	size_t n, alloc;
};
void squash_moves_release(struct squash_moves *m);

/*
 * The text of the squashed file for label: checks that the label's
 * revisions after its version0 form one straight line that nothing
 * outside the line depends on. *head is the revision that keeps its id
 * (its file is rewritten), *folded the revisions whose files go. When
 * any of them is a .py revision the text is a .py head and *moves lists
 * the .py files to move into moves->dir (the head's own among them);
 * otherwise *moves stays empty and the folded files are removed.
 */
int squash_build(struct strbuf *text, int *head, struct revlist *folded,
		 struct squash_moves *moves, const struct graph *g,
		 const char *label, struct strbuf *err);

/*
 * s as a Python string literal: '...' when it has no newline, else a
 * triple-quoted literal whose lines read as the text does.
 */
void squash_py_literal(struct strbuf *sb, const char *s);

/*
 * Rows naming an id that a squashed revision folded away: rebuild *g with
 * that revision split in two at the id (parts up to it under the folded
 * id, the rest under the head's id), so that the rows resolve and a plan
 * runs only what is missing. Returns 0 (nothing to do or done) or -1.
 */
int squash_split_rows(struct graph **g, const char *const *rows, size_t n,
		      struct strbuf *err);

/*
 * After a "Can't locate revision identified by 'ID'" message: append why
 * ID is gone, when squash folded it into another revision or when git
 * history shows the commit that removed its file.
 */
void squash_explain(struct strbuf *err, const struct graph *g);

/* The revision whose "squashes:" lists id, or -1. */
int squash_owner(const struct graph *g, const char *id);

#endif
