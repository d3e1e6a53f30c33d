/*
 * render_gv: pictures laid out and drawn by Graphviz's own library:
 * the DOT text of render_picture_dot() is read by libcgraph, laid out
 * by libgvc's dot layout and rendered by its plugins (core for svg,
 * cairo for png) into memory. The only file that includes Graphviz's
 * headers. It draws nothing by hand.
 */
#include "render.h"
#include "usage.h"

#include <gvc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"
#ifdef DBMIG_DLOPEN
#include "dynlib-sonames.h"

#define GV_FUNCS(X) \
	X(agclose) X(aglasterr) X(agmemread) \
	X(agseterr) X(gvContext) X(gvFreeContext) \
	X(gvFreeLayout) X(gvLayout) X(gvRender)
static struct { GV_FUNCS(DYNLIB_SLOT) } gv;
static int gv_loaded;
static const char *const gv_names[] = { GV_FUNCS(DYNLIB_NAME) };
#define agclose (gv.agclose)
#define aglasterr (gv.aglasterr)
#define agmemread (gv.agmemread)
#define agseterr (gv.agseterr)
#define gvContext (gv.gvContext)
#define gvFreeContext (gv.gvFreeContext)
#define gvFreeLayout (gv.gvFreeLayout)
#define gvLayout (gv.gvLayout)
#define gvRender (gv.gvRender)
#endif

int render_image(struct strbuf *out, const char *dot, const char *format,
		 struct strbuf *err)
{
	GVC_t *gvc = NULL;
	Agraph_t *g = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int laid = 0, ret = -1;

	if (DYNLIB_LOAD(gv, DYNLIB_SONAME_GVC, "Graphviz's library", err))
		return -1;
	/* errors come back through aglasterr(), not on stderr */
	agseterr(AGMAX);
	gvc = gvContext();
	if (!gvc) {
		strbuf_addstr(err, "graphviz: cannot make a context");
		goto cleanup;
	}
	g = agmemread(dot);
	if (!g) {
		const char *m = aglasterr();

		strbuf_addf(err, "graphviz cannot read the graph: %s", m ? m : "unknown error");
		goto cleanup;
	}
	if (gvLayout(gvc, g, "dot")) {
		const char *m = aglasterr();

		/*
		 * Graphviz finds its layout plugins through a config file that
		 * 'dot -c' writes; Debian's graphviz package runs it, and on
		 * newer releases the library package alone does not. Its
		 * message goes on for lines: keep the first.
		 */
		strbuf_addstr(err, "graphviz cannot lay out the graph: ");
		if (m && *m)
			strbuf_add(err, m, strcspn(m, "\n"));
		else
			strbuf_addstr(err, "no dot layout plugin");
		strbuf_addstr(err, " (Graphviz's plugins are not registered: install the graphviz package, or run 'dot -c' as root)");
		goto cleanup;
	}
	laid = 1;
	f = open_memstream(&buf, &len);
	if (!f) {
		strbuf_addstr(err, "cannot allocate the picture");
		goto cleanup;
	}
	if (gvRender(gvc, g, format, f)) {
		const char *m = aglasterr();

		strbuf_addf(err, "graphviz cannot render '%s'%s%s", format, m ? ": " : "", m ? m : "");
		goto cleanup;
	}
	if (fclose(f)) {
		f = NULL;
		strbuf_addstr(err, "cannot write the picture");
		goto cleanup;
	}
	f = NULL;
	strbuf_add(out, buf, len);
	ret = 0;
cleanup:
	if (f)
		fclose(f);
	free(buf);
	if (laid)
		gvFreeLayout(gvc, g);
	if (g)
		agclose(g);
	if (gvc)
		gvFreeContext(gvc);
	return ret;
}
