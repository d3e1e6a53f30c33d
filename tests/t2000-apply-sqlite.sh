#!/bin/sh
# t2000: upgrade, downgrade, stamp and current on SQLite: rows, the log
# table, -x values, transactional: false, --one-transaction, --sql.
. "$(dirname "$0")/lib.sh"

make_project
V=migrations/versions
write_rev $V a1 "" A "" "CREATE TABLE t_a1 (x INTEGER);" "DROP TABLE t_a1;"
write_rev $V a2 a1 "" "" "CREATE TABLE t_a2 (x INTEGER);" "DROP TABLE t_a2;"
write_rev $V a3 a2 "" "" "CREATE TABLE t_a3 (x INTEGER);" "DROP TABLE t_a3;"
write_rev $V b1 "" B a1 "CREATE TABLE t_b1 (x INTEGER);" "DROP TABLE t_b1;"
write_rev $V b2 b1 "" "" "CREATE TABLE t_b2 (x INTEGER);" "DROP TABLE t_b2;"

tables() { sqlite3 test.db "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 't_%' ORDER BY 1" | tr '\n' ' ' | sed 's/ $//'; }

test_expect_success 'upgrade B@head applies only what B needs' '
	git dbmig upgrade B@head 2>err &&
	grep -q "^Running upgrade  -> a1, rev a1$" err &&
	grep -q "^Running upgrade b1 -> b2, rev b2$" err &&
	test "$(rows test.db)" = "b2" &&
	test "$(tables)" = "t_a1 t_b1 t_b2"
'

test_expect_success 'version table is created exactly as Alembic creates it' '
	sqlite3 test.db "SELECT sql FROM sqlite_master WHERE name = '"'"'alembic_version'"'"'" >actual &&
	grep -q "version_num VARCHAR(32) NOT NULL" actual &&
	grep -q "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)" actual
'

test_expect_success 'a dependency with no dependent applied gets its own row' '
	git dbmig upgrade A@+1 2>err &&
	test "$(rows test.db)" = "a2 b2"
'

test_expect_success 'current prints rows expanded through dependencies' '
	git dbmig current >out &&
	grep -q "^a2$" out && grep -q "^b2 (head)$" out
'

test_expect_success 'dbmig_log records each step with the file blob id' '
	test "$(sqlite3 test.db "SELECT count(*) FROM dbmig_log")" = 4 &&
	blob=$(git hash-object $V/a1_rev.sql) &&
	test "$(sqlite3 test.db "SELECT blob_id FROM dbmig_log WHERE revision = '"'"'a1'"'"'")" = "$blob" &&
	sqlite3 test.db "SELECT direction, tool_version FROM dbmig_log WHERE revision = '"'"'b2'"'"'" | grep -q "^upgrade|"
'

test_expect_success 'downgrade base removes everything and every row' '
	git dbmig downgrade base 2>err &&
	test "$(rows test.db)" = "" &&
	test "$(tables)" = "" &&
	grep -q "^Running downgrade a1 -> , rev a1$" err
'

test_expect_success 'stamp writes rows without running bodies' '
	git dbmig stamp b2 2>err &&
	test "$(rows test.db)" = "b2" &&
	test "$(tables)" = "" &&
	git dbmig stamp --purge a1 &&
	test "$(rows test.db)" = "a1"
'

test_expect_success 'history -i marks the current revision' '
	git dbmig history -i >out &&
	grep -q "^<base> -> a1 (A) (current), rev a1$" out
'

test_expect_success 'history -r current: shows what is above the rows' '
	git dbmig history -r current: >out &&
	test "$(wc -l <out)" = 3
'

test_expect_success '--sql prints the script and touches nothing' '
	rm -f test.db &&
	git dbmig upgrade --sql B@head >out 2>err &&
	! test -f test.db &&
	grep -q "^CREATE TABLE alembic_version" out &&
	grep -q "^CREATE TABLE t_b1 (x INTEGER);$" out &&
	grep -q "^INSERT INTO alembic_version (version_num) VALUES ('"'"'a1'"'"');$" out &&
	grep -q "^UPDATE alembic_version SET version_num='"'"'b2'"'"' WHERE alembic_version.version_num = '"'"'b1'"'"';$" out &&
	grep -q "^BEGIN;$" out && grep -q "^COMMIT;$" out
'

test_expect_success '--sql script runs in the sqlite3 shell to the same rows' '
	sqlite3 shell.db <out &&
	test "$(rows shell.db)" = "b2"
'

test_expect_success 'downgrade --sql needs a range; a range works' '
	! git dbmig downgrade --sql base 2>err &&
	grep -q "requires <fromrev>:<torev>" err &&
	git dbmig downgrade --sql b2:base >out &&
	grep -q "^DROP TABLE t_b2;$" out &&
	grep -q "^DROP TABLE alembic_version;$" out
'

test_expect_success '-x values reach bodies as ${x.KEY}' '
	write_rev $V c1 "" C "" "CREATE TABLE t_c1 (v TEXT); INSERT INTO t_c1 VALUES ('"'"'\${x.REVISE:-none}'"'"');" "DROP TABLE t_c1;" &&
	git dbmig -x REVISE=yes upgrade C@head &&
	test "$(sqlite3 test.db "SELECT v FROM t_c1")" = yes &&
	git dbmig downgrade C@base &&
	git dbmig upgrade C@head &&
	test "$(sqlite3 test.db "SELECT v FROM t_c1")" = none
'

test_expect_success 'a placeholder without value and default fails before running' '
	write_rev $V d1 "" D "" "SELECT \${x.NEEDED};" "" &&
	! git dbmig upgrade D@head 2>err &&
	grep -q "FAILED: .*no -x NEEDED=VALUE" err &&
	! sqlite3 test.db "SELECT version_num FROM alembic_version" | grep -q d1 &&
	rm $V/d1_rev.sql
'

test_expect_success 'transactional: false runs outside a transaction and says so' '
	printf -- "-- revision: e1\n-- transactional: false\n\n-- migrate:upgrade\nCREATE TABLE t_e1 (x INTEGER);\n\n-- migrate:downgrade\nDROP TABLE t_e1;\n" >$V/e1_notx.sql &&
	git dbmig upgrade e1 2>err &&
	cat >expect <<-\EOF &&
	Running upgrade  -> e1
	Revision e1 runs outside a transaction (transactional: false)
	EOF
	diff -u expect err &&
	rows test.db | grep -q e1
'

test_expect_success 'the Running line of a transactional: false revision is Alembic'"'"'s own' '
	git dbmig downgrade e1@-1 2>err &&
	cat >expect <<-\EOF &&
	Running downgrade e1 -> 
	Revision e1 runs outside a transaction (transactional: false)
	EOF
	diff -u expect err &&
	git dbmig upgrade e1 2>/dev/null
'

test_expect_success '--one-transaction applies the whole run at once' '
	git dbmig downgrade base &&
	git dbmig upgrade --one-transaction heads 2>err &&
	test "$(rows test.db)" = "a3 b2 c1 e1"
'

# The version-row and dbmig_log statements are prepared once a run and
# kept (src/db/sqlite.c): a body that changes those tables under them must
# still get its row, and one that drops dbmig_log a clean FAILED.
test_expect_success 'bodies that change alembic_version and dbmig_log under kept statements' '
	mkdir kept && (
		cd kept && make_project &&
		write_rev $V k1 "" "" "" "CREATE TABLE t_k1 (x INTEGER);" "DROP TABLE t_k1;" &&
		write_rev $V k2 k1 "" "" "ALTER TABLE dbmig_log ADD COLUMN note TEXT;" "SELECT 1;" &&
		write_rev $V k3 k2 "" "" "ALTER TABLE alembic_version RENAME TO av_old;
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
INSERT INTO alembic_version SELECT version_num FROM av_old;
DROP TABLE av_old;" "SELECT 1;" &&
		write_rev $V k4 k3 "" "" "CREATE TABLE t_k4 (x INTEGER);" "DROP TABLE t_k4;" &&
		for how in "" "--one-transaction"; do
			rm -f test.db &&
			git dbmig upgrade $how heads 2>err &&
			test "$(rows test.db)" = k4 &&
			test "$(sqlite3 test.db "SELECT revision FROM dbmig_log ORDER BY id" | tr "\n" " ")" = "k1 k2 k3 k4 " &&
			git dbmig downgrade $how base 2>err &&
			test "$(rows test.db)" = "" &&
			test "$(sqlite3 test.db "SELECT count(*) FROM dbmig_log")" = 8 || exit 1
		done
	)
'

test_expect_success 'a body that drops dbmig_log: one FAILED line, the rows at the revision before' '
	mkdir dropped && (
		cd dropped && make_project &&
		write_rev $V d1 "" "" "" "CREATE TABLE t_d1 (x INTEGER);" "DROP TABLE t_d1;" &&
		write_rev $V d2 d1 "" "" "DROP TABLE dbmig_log;" "SELECT 1;" &&
		write_rev $V d3 d2 "" "" "CREATE TABLE t_d3 (x INTEGER);" "DROP TABLE t_d3;" &&
		! git dbmig upgrade heads 2>err &&
		test "$(grep -c "^FAILED: " err)" = 1 &&
		grep -q "^FAILED: cannot write dbmig_log after .*d2.*no such table: dbmig_log" err &&
		test "$(rows test.db)" = d1 &&
		test "$(sqlite3 test.db "SELECT count(*) FROM dbmig_log")" = 1
	)
'

test_done
