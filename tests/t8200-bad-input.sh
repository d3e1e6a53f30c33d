#!/bin/sh
# t8200: the bad-input corpus, tests/bad/. Each case is a folder:
#
#   alembic.ini, migrations/...   the project (copied to a fresh folder)
#   cmd      the arguments of "git dbmig", one line, in shell quoting
#   expect   a substring of the one FAILED: line
#   setup    optional: sh script run in the copy before the command
#            (make a database, a lock, a symlink loop...); it may start
#            background processes, whose pids it appends to
#            $BAD_SCRATCH/pids (killed after the command); $BAD_SCRATCH
#            is a scratch folder outside the project
#   about    optional: one line on what the case is about
#
# For each case the command must exit non-zero (but not die of a signal
# or a sanitizer/valgrind report), print exactly one "FAILED:" line, on
# stderr, containing the expected text, print no password of a URL in
# cmd or alembic.ini anywhere, and leave the database (its .dump, or its
# absence) and the work tree (every path, symlink target and file hash)
# as they were after setup; the scratch folder too, so that a write
# through a symlink out of the project shows. BAD_CASES="a b" runs only those cases.
. "$(dirname "$0")/lib.sh"

BAD="$TEST_DIR/bad"

# In $work: every path of the project and the scratch folder with its
# type and symlink target, every file's hash (the
# .db files by their SQL dump, or their hash where SQLite cannot read
# them).
snapshot() {
	find proj scratch -printf '%y %p -> %l\n' | sort
	find proj scratch -type f ! -name '*.db' -print0 | sort -z | xargs -0r sha1sum
	find proj scratch -type f -name '*.db' | sort | while read -r f; do
		echo "== $f"
		sqlite3 -readonly "$f" .dump 2>&1 || sha1sum <"$f"
	done
}

# The passwords of the URLs in the case's cmd and alembic.ini.
passwords() {
	cat "$1/cmd" "$1/alembic.ini" 2>/dev/null |
		grep -o '://[^:/@ ]*:[^@ ]*@' | sed -e 's|^://[^:]*:||' -e 's|@$||'
}

run_case() {
	name=$1 dir=$BAD/$1
	work=$TRASH/cases/$name
	mkdir -p "$work/proj" "$work/scratch" "$work/logs" &&
	cp -R "$dir/." "$work/proj/" &&
	rm -f "$work/proj/cmd" "$work/proj/expect" "$work/proj/setup" "$work/proj/about" &&
	cd "$work/proj" || return 1
	BAD_SCRATCH=$work/scratch
	export BAD_SCRATCH
	if [ -f "$dir/setup" ] && ! sh -e "$dir/setup" >"$work/logs/setup" 2>&1; then
		echo "setup failed:"
		cat "$work/logs/setup"
		return 1
	fi
	(cd "$work" && snapshot) >"$work/logs/before"
	eval "set -- $(cat "$dir/cmd")"
	git dbmig "$@" >"$work/logs/out" 2>"$work/logs/err"
	rc=$?
	(cd "$work" && snapshot) >"$work/logs/after"
	if [ -f "$BAD_SCRATCH/pids" ]; then
		for pid in $(cat "$BAD_SCRATCH/pids"); do
			kill "$pid" 2>/dev/null
		done
	fi
	expect=$(cat "$dir/expect")
	bad=
	if [ $rc = 0 ]; then
		bad="$bad; it succeeded"
	elif [ $rc -ge 125 ]; then
		bad="$bad; exit status $rc (a signal, or a sanitizer or valgrind report)"
	fi
	if [ "$(grep -c '^FAILED: ' "$work/logs/err")" != 1 ]; then
		bad="$bad; $(grep -c '^FAILED: ' "$work/logs/err") FAILED: lines on stderr"
	elif ! grep '^FAILED: ' "$work/logs/err" | grep -F -q -- "$expect"; then
		bad="$bad; the FAILED: line lacks '$expect'"
	fi
	if grep -q 'FAILED:' "$work/logs/out"; then
		bad="$bad; FAILED: on stdout"
	fi
	if grep -E -q 'Sanitizer|runtime error:|^==[0-9]+==' "$work/logs/err"; then
		bad="$bad; a sanitizer or valgrind report"
	fi
	for pw in $(passwords "$dir"); do
		if grep -F -q -- "$pw" "$work/logs/out" "$work/logs/err"; then
			bad="$bad; the password '$pw' is shown"
		fi
	done
	if ! cmp -s "$work/logs/before" "$work/logs/after"; then
		bad="$bad; the database or the work tree changed"
		diff -u "$work/logs/before" "$work/logs/after" | head -40
	fi
	if [ -n "$bad" ]; then
		echo "git dbmig $(cat "$dir/cmd") (exit $rc)${bad}"
		sed 's/^/stderr: /' "$work/logs/err"
		sed 's/^/stdout: /' "$work/logs/out"
		return 1
	fi
	grep '^FAILED: ' "$work/logs/err"
}

n=0
for d in "$BAD"/*/; do
	name=$(basename "$d")
	if [ -n "${BAD_CASES:-}" ] && ! echo " $BAD_CASES " | grep -q " $name "; then
		continue
	fi
	test_expect_success "$name" "run_case $name"
	n=$((n + 1))
done
say "# $n bad-input cases"

test_done
