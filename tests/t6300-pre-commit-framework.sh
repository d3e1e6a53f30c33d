#!/bin/sh
# t6300: .pre-commit-hooks.yaml, the hook for the pre-commit framework:
# its fields, and, where the framework is installed, a project that lists
# it in three lines has every commit of a revision file checked.
. "$(dirname "$0")/lib.sh"

HOOKS_YAML="$SRC_ROOT/.pre-commit-hooks.yaml"

test_expect_success 'the hook is declared as the framework expects' '
	grep -q "^- id: git-dbmig-check$" "$HOOKS_YAML" &&
	grep -q "^  entry: git dbmig check --staged$" "$HOOKS_YAML" &&
	grep -q "^  language: system$" "$HOOKS_YAML" &&
	grep -q "^  pass_filenames: false$" "$HOOKS_YAML" &&
	if "$PYTHON" -c "import yaml" 2>/dev/null; then
		"$PYTHON" - "$HOOKS_YAML" <<-EOF
		import re, sys, yaml
		hooks = yaml.safe_load(open(sys.argv[1]))
		h = [x for x in hooks if x["id"] == "git-dbmig-check"][0]
		assert h["entry"] == "git dbmig check --staged"
		assert h["language"] == "system" and h["pass_filenames"] is False
		files = re.compile(h["files"])
		for p in ("migrations/versions/a.sql", "db/migrations/versions/b.py",
		      "migrations/a.sql"):
		    assert files.search(p), p
		for p in ("src/a.sql", "migrations.sql", "migrations/versions/a.txt"):
		    assert not files.search(p), p
		EOF
	fi
'

if ! command -v pre-commit >/dev/null 2>&1; then
	say "skipped: framework cases of $TEST_NAME: pre-commit not installed"
	test_done
fi

test_expect_success 'set-up: a hook repository and a project that lists the hook' '
	mkdir hookrepo && (
		cd hookrepo && git init -q . &&
		cp "$HOOKS_YAML" . && git add . && git commit -q -m hooks
	) &&
	mkdir proj && cd proj && git init -q . && seed_project &&
	cat >.pre-commit-config.yaml <<-EOF &&
	repos:
	- repo: $TRASH/hookrepo
	  rev: $(git -C ../hookrepo rev-parse HEAD)
	  hooks:
	  - id: git-dbmig-check
	EOF
	pre-commit install >../log 2>&1 &&
	test -f .git/hooks/pre-commit
'

cd "$TRASH/proj" 2>/dev/null || cd "$TRASH"

test_expect_success 'a valid graph commits, and the hook ran' '
	git add . &&
	git commit -q -m "the seed" >../log 2>&1 &&
	grep -q "git dbmig check.*Passed" ../log
'

test_expect_success 'a dangling down_revision is refused, naming the file' '
	write_rev migrations/versions bad1 no_such_rev "" "" "SELECT 1;" "SELECT 1;" &&
	git add migrations &&
	! git commit -q -m bad >../log 2>&1 &&
	grep -q "git dbmig check.*Failed" ../log &&
	grep -q "bad1_rev.sql" ../log &&
	git rm -q --cached migrations/versions/bad1_rev.sql &&
	rm migrations/versions/bad1_rev.sql
'

test_expect_success 'a commit without revision files skips the hook' '
	echo notes >NOTES &&
	git add NOTES &&
	git commit -q -m notes >../log 2>&1 &&
	grep -q "git dbmig check.*Skipped" ../log
'

test_expect_success 'doctor sees the hook through the framework' '
	git dbmig doctor >../log &&
	grep -q "^hook: installed through the pre-commit framework" ../log
'

test_done
