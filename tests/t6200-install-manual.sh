#!/bin/sh
# t6200: "make install" puts the binary, the Python helper, the manual and both completions
# where they belong (PREFIX, DESTDIR); man and "git help dbmig" (so also
# "git dbmig --help") find the page; bash-completion loads the installed
# completion on its own; and the page describes every command and option
# the tool's usage lists.
. "$(dirname "$0")/lib.sh"

PAGE="$SRC_ROOT/doc/git-dbmig.1"
INST="$TRASH/inst"

# Installing must not rebuild a binary that others may be changing: -o.
test_expect_success 'make install PREFIX=... installs binary, manual and completions' '
	make -s -C "$SRC_ROOT" -o git-dbmig install PREFIX="$INST" >out 2>&1 &&
	test -x "$INST/bin/git-dbmig" &&
	test -f "$INST/share/man/man1/git-dbmig.1" &&
	test -f "$INST/share/bash-completion/completions/git-dbmig" &&
	test -f "$INST/share/zsh/site-functions/_git-dbmig" &&
	cmp "$PAGE" "$INST/share/man/man1/git-dbmig.1" &&
	cmp "$SRC_ROOT/src/pyhelper/git_dbmig_alembic.py" "$INST/libexec/git-dbmig/git_dbmig_alembic.py"
'

test_expect_success 'DESTDIR stages under its folder, with paths of PREFIX' '
	make -s -C "$SRC_ROOT" -o git-dbmig install DESTDIR="$TRASH/stage" PREFIX=/opt/dbmig \
		bashcompdir=/opt/dbmig/share/bash-completion/completions >out 2>&1 &&
	test -x "$TRASH/stage/opt/dbmig/bin/git-dbmig" &&
	test -f "$TRASH/stage/opt/dbmig/share/man/man1/git-dbmig.1" &&
	test -f "$TRASH/stage/opt/dbmig/share/bash-completion/completions/git-dbmig" &&
	test -f "$TRASH/stage/opt/dbmig/share/zsh/site-functions/_git-dbmig" &&
	test -f "$TRASH/stage/opt/dbmig/libexec/git-dbmig/git_dbmig_alembic.py" &&
	test ! -e /opt/dbmig/bin/git-dbmig
'

test_expect_success 'an installed tree moved elsewhere finds its Python helper beside bin/' '
	mv "$TRASH/stage/opt/dbmig" "$TRASH/moved" &&
	mkdir pyproj && cd pyproj && make_project &&
	cat >migrations/versions/p1_one.py <<-PY &&
	from alembic import op
	revision = "p1"
	down_revision = None
	branch_labels = None
	depends_on = None
	def upgrade():
	    pass
	def downgrade():
	    pass
	PY
	GIT_DBMIG_PYTHON=$PYTHON "$TRASH/moved/bin/git-dbmig" doctor >out 2>&1 || : &&
	grep -x "python helper: $TRASH/moved/bin/../libexec/git-dbmig/git_dbmig_alembic.py" out
'

test_expect_success 'the page is valid roff with a NAME line whatis can read' '
	if command -v groff >/dev/null; then
		groff -man -ww -z "$PAGE" 2>err && test ! -s err
	fi &&
	if command -v lexgrog >/dev/null; then
		lexgrog "$PAGE" >out &&
		grep -q "git-dbmig - Migrate a database" out
	fi
'

test_expect_success 'it has git'"'"'s sections' '
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS CONFIGURATION FILES \
		 ENVIRONMENT "\"EXIT STATUS\"" EXAMPLES "\"SEE ALSO\""; do
		grep -qx "\.SH $s" "$PAGE" || { echo "no section $s"; exit 1; }
	done
'

# roff writes "-" as "\-": the form to look for.
roff() { printf "%s" "$1" | sed "s/-/\\\\-/g"; }

test_expect_success 'every command of --help has an entry in COMMANDS' '
	# (git dbmig --help is "git help dbmig": ask git-dbmig -h)
	git-dbmig -h | sed -n "/^commands:/,\$s/^  \([a-z][-a-z_]*\) .*/\1/p" >cmds &&
	test -s cmds &&
	sed -n "/^\.SH COMMANDS/,/^\.SH OPTIONS/p" "$PAGE" >commands &&
	while read c; do
		grep -q "^\\\\fB$c\\\\fR\|^\\\\fB$c \|^\\\\fB$c\$" commands ||
		grep -q "^\\\\fBhook $c\\|, \\\\fB$c\\\\fR" commands ||
		{ echo "command $c is not described"; exit 1; }
	done <cmds
'

test_expect_success 'every option of every "<command> -h" is in the page' '
	for c in $(cat cmds); do
		git-dbmig $c -h 2>/dev/null |
		sed -e "s/[][|=(),]/ /g" | tr " " "\n" |
		sed -n "s/^\(--*[A-Za-z][-A-Za-z0-9]*\).*/\1/p"
	done | sort -u >opts &&
	git-dbmig -h | sed -e "s/[][|=(),]/ /g" | tr " " "\n" |
		sed -n "s/^\(--*[A-Za-z][-A-Za-z0-9]*\).*/\1/p" >>opts &&
	test -s opts &&
	while read o; do
		grep -qF -- "\\fB$(roff "$o")\\fR" "$PAGE" ||
		{ echo "option $o is not described"; exit 1; }
	done <opts
'

test_expect_success 'the README'"'"'s global options and configuration keys are in the page' '
	for w in -c -n -x -q --url --at --staged script_location version_locations \
		 recursive_version_locations file_template truncate_slug_length \
		 version_table version_table_schema sqlalchemy.url SQLALCHEMY_URL \
		 transactional down_revision branch_labels depends_on; do
		grep -qF -- "$(roff "$w")" "$PAGE" || { echo "$w missing"; exit 1; }
	done
'

if command -v man >/dev/null 2>&1; then
	test_expect_success 'man -w finds the installed page through MANPATH' '
		MANPATH="$INST/share/man" man -w git-dbmig >out &&
		test "$(cat out)" = "$INST/share/man/man1/git-dbmig.1"
	'

	test_expect_success 'git help dbmig shows it, non-interactively' '
		PATH="$INST/bin:$PATH" MANPATH="$INST/share/man" PAGER=cat MANPAGER=cat MANWIDTH=80 \
			git -c help.format=man help dbmig </dev/null >out 2>err &&
		tr -s " " <out | grep -q "git-dbmig - Migrate a database" &&
		grep -q "^ *doctor" out
	'

	test_expect_success 'git dbmig --help is the same page' '
		PATH="$INST/bin:$PATH" MANPATH="$INST/share/man" PAGER=cat MANPAGER=cat MANWIDTH=80 \
			git -c help.format=man dbmig --help </dev/null >out2 2>err &&
		diff -u out out2
	'
else
	say "skipped: man cases of $TEST_NAME: man not found (install man-db)"
fi

if [ -f /usr/share/bash-completion/bash_completion ] &&
   [ -f /usr/share/bash-completion/completions/git ]; then
	test_expect_success 'bash-completion loads the installed file for git dbmig by itself' '
		mkdir proj && cd proj && seed_project &&
		# bash-completion 2.11 looks in $XDG_DATA_DIRS/bash-completion/completions
		PATH="$INST/bin:/usr/bin:/bin" XDG_DATA_DIRS="$INST/share:/usr/share" bash -c "
			. /usr/share/bash-completion/bash_completion
			. /usr/share/bash-completion/completions/git
			declare -F _git_dbmig >/dev/null && exit 3
			COMP_WORDS=(git dbmig upgrade MO); COMP_CWORD=3
			COMP_LINE=\"git dbmig upgrade MO\"; COMP_POINT=\${#COMP_LINE}
			__git_wrap__git_main
			printf \"%s\\n\" \"\${COMPREPLY[@]}\"
		" >out &&
		grep -q "^MOD1@head" out && grep -q "^MOD3@base" out
	'
else
	say "skipped: lazy-loading case of $TEST_NAME: bash-completion not installed"
fi

test_done
