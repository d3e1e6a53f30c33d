#!/bin/sh
# t6830: edit REVISION opens the revision files in an editor, resolving
# the argument as Alembic's command.edit does (get_revisions: ids,
# prefixes, heads, LABEL@head, current) and finding the editor as
# Alembic's util/editor.py does ($EDITOR, $VISUAL, then sensible-editor,
# editor, nano, vim, code on $PATH). Compared with Alembic 1.8.1 on an
# Alembic project: the files the editor was given, and the FAILED text.
. "$(dirname "$0")/lib.sh"

require_python alembic

alembic() { "$PYTHON" -m alembic "$@"; }

mkdir proj && cd proj || exit 1
alembic init alembic >/dev/null 2>&1 || exit 1
sed -i 's|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///test.db|' alembic.ini
alembic revision -m core1 --rev-id core1xx --head base --branch-label CORE >/dev/null 2>&1 &&
alembic revision -m core2 --rev-id core2xx --head CORE@head >/dev/null 2>&1 &&
alembic revision -m mod1a --rev-id mod1aaa --head base --branch-label MOD1 --depends-on core1xx >/dev/null 2>&1 &&
alembic revision -m mod1b --rev-id mod1bbb --head MOD1@head >/dev/null 2>&1 || exit 1
alembic stamp core1xx mod1aaa >/dev/null 2>&1 || exit 1
P=$(pwd -P)/alembic/versions

# The editor: records each file it is given, one line a call.
mkdir "$TRASH/bin"
cat >"$TRASH/bin/rec" <<EOF
#!/bin/sh
echo "\$0 \$*" >>"$TRASH/calls"
EOF
chmod +x "$TRASH/bin/rec"

# both REVISION: the same files opened (as a set: Alembic opens several
# in set order) and the same failure, by Alembic and by git-dbmig
both() {
	rm -f "$TRASH/calls"
	EDITOR="$TRASH/bin/rec" alembic edit "$@" >al.out 2>/dev/null
	al=$?
	sort "$TRASH/calls" 2>/dev/null >al.calls
	rm -f "$TRASH/calls"
	EDITOR="$TRASH/bin/rec" git dbmig edit "$@" >db.out 2>db.err
	db=$?
	sort "$TRASH/calls" 2>/dev/null >db.calls
	diff -u al.calls db.calls &&
	{ [ $al = 0 ] && [ $db = 0 ] || { [ $al != 0 ] && [ $db != 0 ]; }; } &&
	if [ $al != 0 ]; then
		alf=$(grep "^FAILED: " al.out) &&
		dbf=$(grep "^FAILED: " db.err) &&
		case "$dbf" in
		"$alf"*) ;;
		*) echo "alembic: $alf"; echo "dbmig:   $dbf"; false ;;
		esac
	fi
}

for rev in core2xx core2 mod1a heads CORE@head MOD1@head MOD1@base \
	   core1xx+1 current base head nosuch mod1 CORE; do
	test_expect_success "edit $rev: as Alembic" "both $rev"
done

test_expect_success 'edit opens the real path, what show prints' '
	rm -f "$TRASH/calls" &&
	EDITOR="$TRASH/bin/rec" git dbmig edit core2xx &&
	test "$(cat "$TRASH/calls")" = "$TRASH/bin/rec $P/core2xx_core2.py" &&
	git dbmig show core2xx | grep -qx "Path: $P/core2xx_core2.py"
'

test_expect_success 'a failing editor: Alembic'"'"'s message, the next file not opened' '
	printf "#!/bin/sh\necho \"\$1\" >>\"%s/calls\"\nexit 3\n" "$TRASH" >"$TRASH/bin/bad" &&
	chmod +x "$TRASH/bin/bad" &&
	rm -f "$TRASH/calls" &&
	EDITOR="$TRASH/bin/bad" alembic edit core2xx >al.out 2>/dev/null;
	! EDITOR="$TRASH/bin/bad" git dbmig edit core2xx 2>db.err &&
	grep "^FAILED: " al.out >expect && grep "^FAILED: " db.err >actual &&
	diff -u expect actual &&
	grep -q "returned non-zero exit status 3" actual &&
	rm -f "$TRASH/calls" &&
	! EDITOR="$TRASH/bin/bad" git dbmig edit heads 2>/dev/null &&
	test "$(wc -l <"$TRASH/calls")" = 1
'

test_expect_success 'EDITOR that is not executable: Alembic'"'"'s message' '
	printf "x\n" >noexec &&
	EDITOR=./noexec alembic edit core2xx >al.out 2>/dev/null;
	! EDITOR=./noexec git dbmig edit core2xx 2>db.err &&
	grep "^FAILED: " al.out >expect && grep "^FAILED: " db.err >actual &&
	diff -u expect actual
'

test_expect_success 'no editor anywhere: Alembic'"'"'s message' '
	(unset EDITOR VISUAL; PATH=/nonexistent; export PATH;
	 "$PYTHON" -m alembic edit core2xx >al.out 2>/dev/null;
	 ! "$SRC_ROOT/git-dbmig" edit core2xx 2>db.err) &&
	grep "^FAILED: " al.out >expect && grep "^FAILED: " db.err >actual &&
	diff -u expect actual
'

# Fake editors on a PATH of their own: each says who it is.
mkdir "$TRASH/path"
for e in sensible-editor editor nano vim code myedit; do
	printf '#!/bin/sh\necho %s >>"%s/who"\n' "$e" "$TRASH" >"$TRASH/path/$e"
	chmod +x "$TRASH/path/$e"
done
# which: ENV... prints the editor git-dbmig runs, after checking Alembic's pick
which() {
	rm -f "$TRASH/who"
	(unset EDITOR VISUAL; PATH="$TRASH/path:/usr/bin:/bin"; export PATH
	 for a in "$@"; do export "$a"; done
	 "$PYTHON" -m alembic edit core2xx >/dev/null 2>&1
	 "$SRC_ROOT/git-dbmig" edit core2xx >/dev/null 2>&1)
	test "$(sed -n 1p "$TRASH/who")" = "$(sed -n 2p "$TRASH/who")" &&
	sed -n 2p "$TRASH/who"
}

test_expect_success 'the editor lookup order is Alembic'"'"'s' '
	test "$(which)" = sensible-editor &&
	test "$(which EDITOR=myedit)" = myedit &&
	test "$(which EDITOR=myedit VISUAL=vim)" = myedit &&
	test "$(which VISUAL=myedit)" = sensible-editor &&
	test "$(which EDITOR=nosuch VISUAL=myedit)" = myedit &&
	test "$(which EDITOR=/no/such/myedit)" = sensible-editor &&
	test "$(which EDITOR="$TRASH/path/code")" = code &&
	rm "$TRASH/path/sensible-editor" &&
	test "$(which VISUAL=myedit)" = myedit &&
	test "$(which)" = editor
'

test_expect_failure_msg 'no revision given' \
	"edit: a revision is required" git dbmig edit
test_expect_failure_msg 'two revisions given' \
	"edit: unexpected argument 'core1xx'" git dbmig edit core2xx core1xx
test_expect_failure_msg 'an unknown option' \
	"edit: unknown option '--verbose'" git dbmig edit --verbose core2xx
test_expect_failure_msg '--at: there is no file to edit' \
	"it cannot be used with --at" git dbmig --at HEAD edit core2xx
test_expect_failure_msg '--staged: there is no file to edit' \
	"it cannot be used with --staged" git dbmig --staged edit core2xx

test_done
