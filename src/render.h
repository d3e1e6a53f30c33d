#ifndef RENDER_H
#define RENDER_H
/*
 * render: draws a revision graph as text, for "git dbmig graph". No I/O:
 * the text is appended to a strbuf the caller owns. The same graph gives
 * the same text, byte for byte.
 */
#include "graph.h"
#include "strbuf.h"

/*
 * A mermaid gitGraph, like the "Visual" of the seed document: one git
 * branch per branch label (named after it), the bases as separate roots,
 * revisions as commits named by their id, merge revisions as merges,
 * version0 roots (a base that depends on other revisions) highlighted,
 * and depends_on shown as a tag, since gitGraph has no other way to
 * draw it. A revision graph is a DAG and a gitGraph is a little less;
 * see render.c for how forks and merges are laid out.
 */
void render_mermaid(struct strbuf *out, const struct graph *g);

/*
 * A graphviz digraph: one box per revision (id, declared branch labels,
 * message), solid edges from each down_revision to its revision, dashed
 * edges from each depends_on; version0 roots bold, heads doubled.
 */
void render_dot(struct strbuf *out, const struct graph *g);

#endif
