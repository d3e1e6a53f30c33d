/*
 * dynlib.c: dlopen() and dlsym() for the libraries a run may never need
 * (see dynlib.h). A library once opened stays open: Graphviz's plugins and
 * libcurl's TLS state outlive the calls into them.
 */
#include "dynlib.h"

#include <dlfcn.h>
#include <string.h>

int dynlib_load(int *loaded, const char *soname, const char *what,
		const char *const *names, void *slots, size_t n,
		struct strbuf *err)
{
	void *h;
	size_t i;

	if (*loaded)
		return 0;
	h = dlopen(soname, RTLD_NOW | RTLD_GLOBAL);
	if (!h) {
		const char *why = dlerror();

		strbuf_addf(err, "cannot load %s (%s): %s", soname, what, why ? why : "unknown error");
		return -1;
	}
	for (i = 0; i < n; i++) {
		/* dlsym() looks in the library and in those it depends on */
		void *f = dlsym(h, names[i]);
		void (*fn)(void);

		if (!f) {
			strbuf_addf(err, "cannot load %s (%s): it has no function %s", soname, what, names[i]);
			return -1;
		}
		/* POSIX's way from an object pointer to a function pointer */
		memcpy(&fn, &f, sizeof(fn));
		memcpy((char *)slots + i * sizeof(fn), &fn, sizeof(fn));
	}
	*loaded = 1;
	return 0;
}
