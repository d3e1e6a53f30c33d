#!/bin/sh
# t6100: "git dbmig doctor" says what it would use, marks problems with
# "!" and a hint, never writes to (or creates) a database, and fails only
# when the config cannot be read.
. "$(dirname "$0")/lib.sh"

# line NAME: the value of the first "NAME: value" line of ./out
line() { sed -n "s/^$1: //p" out | head -n 1; }

mkdir proj && cd proj && seed_project

test_expect_success 'outside git, before any upgrade: what it would use' '
	git dbmig doctor >out 2>err &&
	test ! -s err &&
	test "$(line config)" = "$PWD/alembic.ini (in the current folder)" &&
	test "$(line section)" = "[alembic]" &&
	test "$(line script_location)" = "$PWD/migrations (from [alembic] of alembic.ini)" &&
	test "$(line version_locations)" = "$PWD/migrations/versions (default)" &&
	test "$(line file_template)" = "%(rev)s_%(slug)s (from [alembic] of alembic.ini)" &&
	test "$(line recursive_version_locations)" = "false (default)" &&
	test "$(line "version table")" = "alembic_version (from [alembic] of alembic.ini)" &&
	test "$(line "version location")" = "$PWD/migrations/versions (30 revision files)" &&
	test "$(line graph)" = "30 revisions, 10 heads, 10 branch labels" &&
	test "$(line url)" = "sqlite:///dbmig.db (from sqlalchemy.url in $PWD/alembic.ini)" &&
	test "$(line backend)" = sqlite &&
	test "$(line "database file")" = "$PWD/dbmig.db (relative to the current folder)" &&
	grep -q "^! database: database file .dbmig.db. does not exist$" out &&
	grep -q "^  hint: .git dbmig upgrade. creates it" out &&
	test "$(line git)" = "not a git repository" &&
	grep -q "^1 problem found$" out
'

test_expect_success 'doctor never creates the database' '
	test ! -e dbmig.db
'

test_expect_success 'after an upgrade: the database answers and its rows' '
	git dbmig -q upgrade CORE@head &&
	cksum dbmig.db >before &&
	git dbmig doctor >out &&
	test "$(line database)" = answers &&
	test "$(line rows)" = "core_rev3" &&
	! grep -q "^! database" out &&
	cksum dbmig.db >after &&
	diff -u before after
'

test_expect_success 'a row with no revision file is a problem' '
	cp -r migrations migrations.bak &&
	rm migrations/versions/core_rev3_*.sql &&
	git dbmig doctor >out &&
	grep -q "^! rows: no revision file for core_rev3$" out &&
	rm -rf migrations && mv migrations.bak migrations
'

test_expect_success 'the password is masked, and the URL'"'"'s source named' '
	SQLALCHEMY_URL="postgresql://app:s3cret@127.0.0.1:1/app" git dbmig doctor >out 2>&1 &&
	test "$(line url)" = "postgresql://app:***@127.0.0.1:1/app (from SQLALCHEMY_URL)" &&
	test "$(line backend)" = postgresql &&
	grep -q "^! database: " out &&
	! grep -q s3cret out &&
	git dbmig --url "postgresql+psycopg2://app:s3cret@127.0.0.1:1/app" doctor >out 2>&1 &&
	test "$(line url)" = "postgresql+psycopg2://app:***@127.0.0.1:1/app (from --url)" &&
	test "$(line backend)" = "postgresql (driver '"'"'psycopg2'"'"' ignored)" &&
	! grep -q s3cret out
'

test_expect_success 'a missing version location and a broken graph are problems, not failures' '
	mkdir ../broken && cd ../broken && make_project &&
	cat >>alembic.ini <<-EOF &&
	version_locations = %(here)s/migrations/versions %(here)s/nowhere
	EOF
	write_rev migrations/versions a1 missing_parent "" "" "SELECT 1;" "SELECT 1;" &&
	git dbmig doctor >out &&
	grep -q "^! version location: $PWD/nowhere (missing)$" out &&
	grep -q "^! graph: " out &&
	mkdir nowhere &&
	git dbmig doctor >out &&
	test "$(line "version location")" = "$PWD/migrations/versions (1 revision file)" &&
	grep -q "^! graph: .*missing_parent" out &&
	grep -q "^  hint: .git dbmig check. names" out
'

test_expect_success '-c and -n are reported as the way the config was found' '
	mkdir sub && cd sub &&
	git dbmig -c ../../proj/alembic.ini doctor >out &&
	grep -q "^config: .*/proj/alembic.ini (from -c)$" out &&
	cd ../../proj &&
	printf "[other]\nscript_location = migrations\nsqlalchemy.url = sqlite://\n" >>alembic.ini &&
	git dbmig -n other doctor >out &&
	test "$(line section)" = "[other] (from -n)" &&
	test "$(line database)" = "in memory: nothing is kept between runs"
'

test_expect_success 'in a git work tree: found at the root, hook missing' '
	git init -q . &&
	mkdir -p deep/er && cd deep/er &&
	git dbmig doctor >out &&
	test "$(line config)" = "$TRASH/proj/alembic.ini (at the root of the work tree)" &&
	test "$(line git)" = repository &&
	test "$(line "hooks folder")" = "$TRASH/proj/.git/hooks" &&
	grep -q "^! hook: no pre-commit hook" out &&
	grep -q "^  hint: run .git dbmig hook install." out
'

test_expect_success 'hook install is seen' '
	git dbmig hook install >/dev/null &&
	git dbmig doctor >out &&
	grep -q "^hook: installed ($TRASH/proj/.git/hooks/pre-commit runs .git dbmig check.)$" out
'

test_expect_success 'a hook that is not executable is a problem' '
	chmod -x .git/hooks/pre-commit &&
	git dbmig doctor >out &&
	grep -q "^! hook: installed but not executable" out &&
	git dbmig hook uninstall >/dev/null
'

test_expect_success 'core.hooksPath is respected' '
	git config core.hooksPath "$SRC_ROOT/hooks" &&
	git dbmig doctor >out &&
	test "$(line "hooks folder")" = "$SRC_ROOT/hooks" &&
	grep -q "^hook: installed ($SRC_ROOT/hooks/pre-commit runs" out &&
	git config core.hooksPath .githooks &&
	git dbmig doctor >out &&
	test "$(line "hooks folder")" = "$TRASH/proj/.githooks" &&
	grep -q "^! hook: no pre-commit hook" out &&
	git config --unset core.hooksPath
'

test_expect_success 'a pre-commit framework hook counts when its config lists git-dbmig-check' '
	printf "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\nexec pre-commit hook-impl\n" >.git/hooks/pre-commit &&
	chmod +x .git/hooks/pre-commit &&
	git dbmig doctor >out &&
	grep -q "^! hook: the pre-commit framework" out &&
	printf "repos:\n- repo: local\n  hooks:\n  - id: git-dbmig-check\n" >.pre-commit-config.yaml &&
	git dbmig doctor >out &&
	grep -q "^hook: installed through the pre-commit framework" out &&
	rm .git/hooks/pre-commit .pre-commit-config.yaml
'

test_expect_success 'a problem never changes the exit status' '
	SQLALCHEMY_URL="mysql://u:pw@h/db" git dbmig doctor >out &&
	grep -q "^! url: unknown database URL scheme" out &&
	! grep -q ":pw@" out
'

cd "$TRASH" && mkdir nothing && cd nothing
test_expect_failure_msg 'without a config it fails, after saying so' "No config file 'alembic.ini' found" \
	git dbmig doctor

test_expect_success 'the failure still prints the problem and the git lines' '
	git dbmig doctor >out 2>err;
	test $? = 1 &&
	grep -q "^! config: No config file" out &&
	grep -q "^  hint: pass -c FILE" out &&
	test "$(line git)" = "not a git repository" &&
	test $(grep -c "^FAILED: " err) = 1
'

test_expect_success 'doctor -h prints its usage; other arguments are refused' '
	git dbmig doctor -h >out &&
	grep -q "^usage: git dbmig doctor$" out &&
	! git dbmig doctor --bogus 2>err &&
	grep -q "^FAILED: doctor: unknown option .--bogus." err
'

test_done
