#!/bin/sh
# t8300: security properties on SQLite and the file system.
#
#  - Revision ids never reach SQL text: an LD_PRELOAD shim logs every
#    statement git-dbmig hands to SQLite (sqlite3_prepare*, sqlite3_exec)
#    and every bound text; after upgrade, downgrade and stamp no
#    statement holds an id, and the version-table writes hold ?1/?2.
#    An id with a quote cannot exist at all (header, --rev-id, target).
#  - Writing never follows a symlink out of the project: "revision" into
#    a versions/ that is a symlink to a folder outside the project is
#    refused (a symlink that stays inside, and a location configured
#    outside, are fine), an existing symlink is never written through,
#    and "squash" refuses the same way.
#  - No URL password is printed by any command, also percent-encoded.
. "$(dirname "$0")/lib.sh"

V=migrations/versions

# ------------------------------------------------------------------
# Bound parameters

cat >trace.c <<\EOF
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void logf_(const char *what, const char *text, int n)
{
	const char *path = getenv("DBMIG_SQL_TRACE");
	FILE *f;

	if (!path || !(f = fopen(path, "a")))
		return;
	if (n < 0)
		fprintf(f, "%s: %s\n", what, text ? text : "(null)");
	else
		fprintf(f, "%s: %.*s\n", what, n, text);
	fclose(f);
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int sqlite3_prepare_v2(void *db, const char *sql, int n, void **st, const char **tail)
{
	logf_("sql", sql, n);
	return REAL(sqlite3_prepare_v2)(db, sql, n, st, tail);
}

int sqlite3_prepare_v3(void *db, const char *sql, int n, unsigned flags, void **st, const char **tail)
{
	logf_("sql", sql, n);
	return REAL(sqlite3_prepare_v3)(db, sql, n, flags, st, tail);
}

int sqlite3_exec(void *db, const char *sql, void *cb, void *arg, char **err)
{
	logf_("sql", sql, -1);
	return REAL(sqlite3_exec)(db, sql, cb, arg, err);
}

int sqlite3_bind_text(void *st, int i, const char *text, int n, void (*d)(void *))
{
	logf_("bind", text, n);
	return REAL(sqlite3_bind_text)(st, i, text, n, d);
}
EOF

have_shim=
if ${CC:-cc} -shared -fPIC -o trace.so trace.c -ldl 2>cc.err; then
	have_shim=yes
else
	say "# no C compiler for the SQL trace shim: $(head -1 cc.err)"
fi

# the shim must not come before ASan's runtime check
traced() {
	DBMIG_SQL_TRACE="$TRASH/trace.log" LD_PRELOAD="$TRASH/trace.so" \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}

IDS="rev.one-1 rev_two-2 rev.three-3"
if [ -n "$have_shim" ]; then
	test_expect_success 'ids reach SQLite only as bound parameters' '
		mkdir bound && cd bound && make_project &&
		write_rev $V rev.one-1 "" "" "" "CREATE TABLE t1 (x INTEGER);" "DROP TABLE t1;" &&
		write_rev $V rev_two-2 rev.one-1 "" "" "CREATE TABLE t2 (x INTEGER);" "DROP TABLE t2;" &&
		write_rev $V rev.three-3 rev.one-1 "" rev_two-2 "CREATE TABLE t3 (x INTEGER);" "DROP TABLE t3;" &&
		: >"$TRASH/trace.log" &&
		traced git dbmig upgrade heads 2>/dev/null &&
		traced git dbmig downgrade rev.one-1 2>/dev/null &&
		traced git dbmig stamp base 2>/dev/null &&
		traced git dbmig stamp rev_two-2 2>/dev/null &&
		traced git dbmig stamp rev.three-3 2>/dev/null &&
		traced git dbmig stamp --purge rev.one-1 2>/dev/null &&
		traced git dbmig current >/dev/null 2>&1 &&
		test "$(rows test.db)" = rev.one-1 &&
		grep -c "^sql: " "$TRASH/trace.log" &&
		for id in $IDS; do
			grep -q "^bind: $id$" "$TRASH/trace.log" || { echo "$id never bound"; exit 1; }
			if grep "^sql: .*$id" "$TRASH/trace.log"; then
				echo "$id pasted into SQL text"; exit 1
			fi
		done &&
		grep -E "^sql: (INSERT INTO|UPDATE|DELETE FROM) \"?alembic_version" "$TRASH/trace.log" | sort -u >writes &&
		cat writes &&
		grep -q "^sql: INSERT INTO alembic_version (version_num) VALUES (?1)$" writes &&
		grep -q "^sql: UPDATE alembic_version SET version_num = ?2 WHERE version_num = ?1$" writes &&
		grep -q "^sql: DELETE FROM alembic_version WHERE version_num = ?1$" writes &&
		! grep -v "?1" writes | grep -v "^sql: DELETE FROM alembic_version$"
	'
fi

test_expect_success 'an id with a quote cannot exist: header, --rev-id and target refused' '
	mkdir quote && cd quote && make_project &&
	write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	git dbmig upgrade heads 2>/dev/null &&
	sqlite3 test.db .dump >before &&
	printf -- "-- revision: b'"'"'x\n-- down_revision: a\n\n-- migrate:upgrade\n" >$V/b_q.sql &&
	! git dbmig upgrade heads 2>err && grep "invalid revision id .b'"'"'x." err &&
	rm $V/b_q.sql &&
	! git dbmig revision -m q --rev-id "x'"'"'); DROP TABLE t_a; --" 2>err &&
	grep "^FAILED: invalid revision id" err &&
	! git dbmig stamp "a'"'"'); DROP TABLE t_a; --" 2>err &&
	grep "^FAILED: Can.t locate revision identified by" err &&
	sqlite3 test.db .dump >after && cmp before after &&
	test "$(ls $V)" = a_rev.sql
'

# ------------------------------------------------------------------
# Symlinks out of the project

test_expect_success 'revision refuses a versions/ that is a symlink out of the project' '
	mkdir -p out/proj out/elsewhere && cd out/proj && make_project &&
	write_rev $V a "" "" "" "" "" &&
	mv $V/a_rev.sql ../elsewhere/ && rmdir $V && ln -s "$TRASH/out/elsewhere" $V &&
	git dbmig heads >heads && test "$(cat heads)" = "a (head)" &&
	! git dbmig revision -m new --rev-id b 2>err &&
	grep "^FAILED: refusing to write in .*/migrations/versions.: a symlink takes it out of the project to .*/out/elsewhere.$" err &&
	test "$(ls ../elsewhere)" = a_rev.sql &&
	! git dbmig merge -m m --rev-id b heads 2>err &&
	grep "^FAILED: " err &&
	test "$(ls ../elsewhere)" = a_rev.sql
'

test_expect_success 'a symlink that stays in the project, and a location configured outside, are fine' '
	mkdir -p in/proj/real in/shared && cd in/proj && make_project &&
	rmdir $V && ln -s ../real $V &&
	git dbmig revision -m one --rev-id a >/dev/null &&
	test -f real/a_one.sql &&
	cat >alembic.ini <<-\INI &&
	[alembic]
	script_location = %(here)s/migrations
	version_locations = %(here)s/../shared
	INI
	git dbmig revision -m two --rev-id b >/dev/null &&
	test -f ../shared/b_two.sql
'

test_expect_success 'a new revision file is never written through an existing symlink' '
	mkdir -p link/proj && cd link/proj && make_project &&
	ln -s "$TRASH/link/target.sql" $V/c_x.sql &&
	! git dbmig revision -m x --rev-id c 2>err &&
	grep "^FAILED: cannot create .*c_x.sql: File exists" err &&
	! test -e ../target.sql
'

test_expect_success 'squash refuses to rewrite a head through a symlink out of the project' '
	mkdir -p sq/proj sq/elsewhere && cd sq/proj && seed_project &&
	mv $V/* ../elsewhere/ && rmdir $V && ln -s "$TRASH/sq/elsewhere" $V &&
	(cd ../elsewhere && find . -type f | sort | xargs sha1sum) >before &&
	! git dbmig squash MOD1 2>err &&
	grep "^FAILED: refusing to write in .*: a symlink takes it out of the project" err &&
	(cd ../elsewhere && find . -type f | sort | xargs sha1sum) >after &&
	cmp before after
'

# ------------------------------------------------------------------
# Passwords

test_expect_success 'no command prints the password of a URL, also percent-encoded' '
	mkdir pw && cd pw && make_project &&
	write_rev $V a "" "" "" "CREATE TABLE t_a (x INTEGER);" "DROP TABLE t_a;" &&
	for url in "postgresql://u:Pw-Plain-9@127.0.0.1:1/db" \
		   "postgresql+psycopg2://u:%50w-%45nc-9@127.0.0.1:1/db" \
		   "mysql://u:Pw-Plain-9@h/db" "sqlite://u:Pw-Plain-9@h/x.db"; do
		for cmd in "current" "upgrade heads" "upgrade --sql heads" "downgrade --sql a:base" \
			   "stamp heads" "history -r current:" "doctor" "check"; do
			git dbmig --url "$url" $cmd >out 2>&1
			SQLALCHEMY_URL=$url git dbmig $cmd >>out 2>&1
			if grep -E "Pw-Plain-9|Pw-Enc-9|%50w-%45nc-9" out; then
				echo "shown by: $cmd ($url)"; exit 1
			fi
		done
	done
'

test_done
