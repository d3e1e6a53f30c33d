#!/bin/sh
# t6820: ensure_version creates the version table when the database has
# none, the table Alembic creates, and nothing else; --sql prints the
# script Alembic prints. Compared with Alembic 1.8.1 (which has the
# command since 1.7.6; 1.18 prints and creates the same) on the project's
# Alembic mirror (tests/alembic_mirror.py).
. "$(dirname "$0")/lib.sh"

require_python alembic

V=migrations/versions
make_project
write_rev $V r1 "" "" "" "CREATE TABLE t1 (x INTEGER);" "DROP TABLE t1;"
"$PYTHON" "$TEST_DIR/alembic_mirror.py" . al >/dev/null || exit 1
alembic() { (cd al && "$PYTHON" -m alembic "$@"); }
schema() { sqlite3 "$1" .schema; }

test_expect_success 'a missing SQLite file: created, with the table Alembic creates' '
	SQLALCHEMY_URL=sqlite:///$TRASH/al.db alembic ensure_version 2>/dev/null &&
	git dbmig --url sqlite:///dbmig.db ensure_version >out 2>err &&
	test ! -s out && test ! -s err &&
	test -n "$(schema al.db)" &&
	test "$(schema dbmig.db)" = "$(schema al.db)" &&
	test "$(rows dbmig.db)" = ""
'

test_expect_success 'upgrade creates the same table, to the byte' '
	git dbmig --url sqlite:///up.db upgrade r1 2>/dev/null &&
	test "$(sqlite3 up.db .schema\ alembic_version)" = "$(schema al.db)"
'

test_expect_success 'no dbmig_log, no revision run' '
	test "$(sqlite3 dbmig.db "SELECT name FROM sqlite_master ORDER BY 1" | tr "\n" " ")" = "alembic_version sqlite_autoindex_alembic_version_1 "
'

test_expect_success 'a second run changes nothing' '
	git dbmig --url sqlite:///dbmig.db ensure_version &&
	test "$(schema dbmig.db)" = "$(schema al.db)"
'

test_expect_success 'an existing table and its rows are left alone' '
	git dbmig --url sqlite:///dbmig.db upgrade r1 2>/dev/null &&
	sqlite3 dbmig.db .dump >before &&
	git dbmig --url sqlite:///dbmig.db ensure_version &&
	sqlite3 dbmig.db .dump >after &&
	diff -u before after &&
	test "$(rows dbmig.db)" = r1
'

test_expect_success 'then upgrade starts from the empty table' '
	git dbmig --url sqlite:///fresh.db ensure_version &&
	git dbmig --url sqlite:///fresh.db current >out &&
	test ! -s out &&
	git dbmig --url sqlite:///fresh.db upgrade r1 2>/dev/null &&
	test "$(rows fresh.db)" = r1
'

for url in sqlite:///x.db postgresql://app@db.example/app; do
	test_expect_success "--sql on $url: Alembic's script, nothing touched" "
		SQLALCHEMY_URL=$url alembic ensure_version --sql >expect 2>/dev/null &&
		git dbmig --url $url ensure_version --sql >actual &&
		diff -u expect actual &&
		test ! -e x.db
	"
done

test_expect_success 'version_table and version_table_schema are honoured, as by Alembic' '
	cp alembic.ini alembic.ini.orig &&
	printf "version_table = my_versions\nversion_table_schema = app\n" >>alembic.ini &&
	"$PYTHON" "$TEST_DIR/alembic_mirror.py" . al2 >/dev/null &&
	(cd al2 && SQLALCHEMY_URL=postgresql://app@db.example/app \
		"$PYTHON" -m alembic ensure_version --sql) >expect 2>/dev/null &&
	git dbmig --url postgresql://app@db.example/app ensure_version --sql >actual &&
	diff -u expect actual &&
	grep -q "CREATE TABLE app.my_versions" actual &&
	sed -i "/^version_table_schema/d" alembic.ini &&
	git dbmig --url sqlite:///named.db ensure_version &&
	test "$(sqlite3 named.db "SELECT name FROM sqlite_master WHERE type = '"'table'"'")" = my_versions &&
	mv alembic.ini.orig alembic.ini
'

test_expect_success 'the graph is not read: a broken revision does not stop it' '
	printf -- "-- revision: bad\n-- down_revison: r1\n" >$V/bad_rev.sql &&
	! git dbmig heads 2>/dev/null &&
	git dbmig --url sqlite:///broken.db ensure_version &&
	test -n "$(schema broken.db)" &&
	rm $V/bad_rev.sql
'

test_expect_failure_msg 'an argument is refused' \
	"ensure_version: unexpected argument 'heads'" git dbmig ensure_version heads
test_expect_failure_msg 'an unknown option is refused' \
	"ensure_version: unknown option '--purge'" git dbmig ensure_version --purge
test_expect_failure_msg 'a bad --lock-timeout is refused' \
	"--lock-timeout 'soon' is not a number of seconds" git dbmig ensure_version --lock-timeout soon
printf '[alembic]\nscript_location = %%(here)s/migrations\n' >noturl.ini
test_expect_failure_msg 'no database URL' \
	"no database URL" git dbmig -c noturl.ini ensure_version
test_expect_failure_msg 'a folder where the file should be' \
	"is not a file" git dbmig --url sqlite:///$V ensure_version
test_expect_failure_msg 'a URL of an unknown kind' \
	"mysql" git dbmig --url mysql://u@h/db ensure_version

test_done
