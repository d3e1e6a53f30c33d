# git-dbmig: plain GNU make. `make` builds ./git-dbmig, `make check` runs
# every test, `make deps` installs what a Debian machine lacks.

PKG_CONFIG ?= pkg-config
CC ?= cc
prefix ?= /usr/local
PREFIX ?= $(prefix)
bindir ?= $(PREFIX)/bin
mandir ?= $(PREFIX)/share/man
# bash-completion's own folder, with its datadir moved under PREFIX (as
# meson's pkgconfig_define does), so that PREFIX=$HOME/.local works too;
# git's completion loads the file named git-dbmig from there.
bashcompdir ?= $(shell $(PKG_CONFIG) --define-variable=prefix=$(PREFIX) \
	--define-variable=datadir=$(PREFIX)/share \
	--variable=completionsdir bash-completion 2>/dev/null)
ifeq ($(bashcompdir),)
override bashcompdir = $(PREFIX)/share/bash-completion/completions
endif
zshcompdir ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=

PKGS = libgit2 sqlite3 libpq libcurl
define pc_flags
$(shell $(PKG_CONFIG) --$(1) $(2) 2>/dev/null)
endef
PC_MISSING = $(strip $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,$(p))))

LIBGIT2_CFLAGS ?= $(call pc_flags,cflags,libgit2)
LIBGIT2_LIBS ?= $(call pc_flags,libs,libgit2)
SQLITE_CFLAGS ?= $(call pc_flags,cflags,sqlite3)
SQLITE_LIBS ?= $(call pc_flags,libs,sqlite3)
LIBPQ_CFLAGS ?= $(call pc_flags,cflags,libpq)
LIBPQ_LIBS ?= $(call pc_flags,libs,libpq)
CURL_CFLAGS ?= $(call pc_flags,cflags,libcurl)
CURL_LIBS ?= $(call pc_flags,libs,libcurl)
CMOCKA_CFLAGS ?= $(call pc_flags,cflags,cmocka)
CMOCKA_LIBS ?= $(call pc_flags,libs,cmocka)

WARN = -Wall -Wextra -Werror -Wno-unused-parameter
OPT ?= -O2 -g
ifdef SANITIZE
OPT = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
LDSAN = -fsanitize=address,undefined
endif
ifdef DEVELOPER
WARN += -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
endif
DEPS_CFLAGS = -MMD -MP
ALL_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(DEPS_CFLAGS) -Isrc \
	$(LIBGIT2_CFLAGS) $(SQLITE_CFLAGS) $(LIBPQ_CFLAGS) $(CURL_CFLAGS) $(CFLAGS)
ALL_LIBS = $(LIBGIT2_LIBS) $(SQLITE_LIBS) $(LIBPQ_LIBS) $(CURL_LIBS) $(LDSAN) $(LDFLAGS)

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

check-pc:
ifneq ($(PC_MISSING),)
	@echo "missing pkg-config modules: $(PC_MISSING); run 'make deps'" >&2; exit 1
endif

git-dbmig: $(OBJS)
	$(Q_LINK)$(CC) -o $@ $(OBJS) $(ALL_LIBS)

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/ut/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q_CC)$(CC) $(ALL_CFLAGS) -DUNIT_TESTING $(CMOCKA_CFLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c $(UT_OBJS)
	@mkdir -p $(dir $@)
	$(Q_LINK)$(CC) $(ALL_CFLAGS) -DUNIT_TESTING $(CMOCKA_CFLAGS) -o $@ $< $(UT_OBJS) $(CMOCKA_LIBS) $(ALL_LIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "*** $$t"; $$t; done

test: check
check: all unit
	@cd tests && ./run-tests.sh

fuzz:
	@tests/fuzz/run.sh

demo: all
	@doc/deployment-example.sh

bench: all
	@tests/bench/run.sh

deps:
	@.ci/install-deps

install: all
	install -d $(DESTDIR)$(bindir)
	install -m 755 git-dbmig $(DESTDIR)$(bindir)/git-dbmig
	install -d $(DESTDIR)$(mandir)/man1
	install -m 644 doc/git-dbmig.1 $(DESTDIR)$(mandir)/man1/git-dbmig.1
	install -d $(DESTDIR)$(bashcompdir)
	install -m 644 completions/git-dbmig.bash $(DESTDIR)$(bashcompdir)/git-dbmig
	install -d $(DESTDIR)$(zshcompdir)
	install -m 644 completions/_git-dbmig $(DESTDIR)$(zshcompdir)/_git-dbmig

clean:
	rm -rf build git-dbmig

.PHONY: all check-pc unit test check demo fuzz bench deps install clean
.SECONDARY: $(UT_OBJS)
-include $(OBJS:.o=.d) $(UT_OBJS:.o=.d)
