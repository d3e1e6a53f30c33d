#ifndef RENDER_H
#define RENDER_H
/*
 * render: draws a revision graph as text, for "git dbmig graph". No I/O:
 * the text is appended to a strbuf the caller owns. The same graph gives
 * the same text, byte for byte.
 */
#include "graph.h"
#include "status.h"
#include "strbuf.h"

/*
 * A database's place on the picture (graph with --url or --target): the
 * state of every revision, the ids the graph lacks, and the database's
 * name for the legend. Borrowed; NULL draws the graph alone.
 */
struct render_place {
	const char *database;     /* as shown, password masked */
	const struct status *st;
	/* graph --verify: the schema diff (drift.h), NULL when not compared */
	const char *drift;
	size_t ndrift;
};

/*
 * A mermaid gitGraph, like the "Visual" of the seed document: one git
 * branch per branch label (named after it), the bases as separate roots,
 * revisions as commits named by their id, merge revisions as merges,
 * version0 roots (a base that depends on other revisions) highlighted,
 * and depends_on shown as a tag, since gitGraph has no other way to
 * draw it. A revision graph is a DAG and a gitGraph is a little less;
 * see render.c for how forks and merges are laid out.
 */
void render_mermaid(struct strbuf *out, const struct graph *g,
		    const struct render_place *place);

/*
 * A graphviz digraph: one box per revision (id, declared branch labels,
 * message), solid edges from each down_revision to its revision, dashed
 * edges from each depends_on; version0 roots bold, heads doubled. With a
 * place, the picture's digraph instead (render_picture_dot()).
 */
void render_dot(struct strbuf *out, const struct graph *g,
		const struct render_place *place);

/*
 * The digraph the svg and png pictures are laid out from: one lane (a
 * cluster) per branch label, each revision in the lane of the label it
 * carries that was declared nearest to it; merges drawn bold, depends_on
 * dashed, version0 roots bold, heads doubled; with a place, each
 * revision filled by its state, the version rows framed thick, the ids
 * the graph lacks in a lane of their own, and a legend.
 */
void render_picture_dot(struct strbuf *out, const struct graph *g,
			const struct render_place *place);

/*
 * Lay out and draw a digraph (DOT text) with Graphviz's own library
 * (libgvc, the dot layout) as format ("svg" or "png"), appending the
 * bytes to out. Fails with Graphviz's message when it cannot.
 */
int render_image(struct strbuf *out, const char *dot, const char *format,
		 struct strbuf *err);

/* The marks of one revision line of graph --format ascii: " [applied, version row]". */
void render_ascii_mark(struct strbuf *out, const struct render_place *place, int rev);

#endif
