#!/bin/sh
# t1200: the config as Alembic 1.16+ reads it: [tool.alembic] in
# pyproject.toml, -c given once or twice, ALEMBIC_CONFIG, the ini's
# path_separator, which file wins for each key, and bad input.
#
# Where Alembic 1.8.1 (Debian 12's, at /usr/bin/python3 -m alembic) has
# the feature (ALEMBIC_CONFIG naming an ini, version_path_separator, the
# legacy split of version_locations), the same project is run through it
# and the heads must agree. 1.8.1 reads no pyproject.toml and knows no
# path_separator: for those tests the expected behaviour is taken from
# Alembic 1.18's alembic/config.py (CommandLine._inis_from_config,
# Config.get_alembic_option, get_alembic_boolean_option,
# _get_toml_config_value, get_version_locations_list,
# _get_file_separator_char) and alembic/script/base.py
# (ScriptDirectory.from_config), as each test says.
. "$(dirname "$0")/lib.sh"

# A .py revision both tools read: pyrev DIR ID DOWN
pyrev() {
	mkdir -p "$1"
	down=None
	[ -n "$3" ] && down="'$3'"
	cat >"$1/$2_rev.py" <<-EOF
	"""rev $2"""
	revision = '$2'
	down_revision = $down
	branch_labels = None
	depends_on = None


	def upgrade():
	    pass


	def downgrade():
	    pass
	EOF
}

# heads as git-dbmig and, where 1.8.1 applies, Alembic print them
heads() { git dbmig "$@" heads 2>err | sort; }
alembic_heads() { "$PYTHON" -m alembic "$@" heads 2>err | sort; }

# A SQLite file's dump, or "none", to see that a failure left it alone.
dump() { if [ -e "$1" ]; then sqlite3 "$1" .dump; else echo none; fi; }

# line NAME: the value of the first "NAME: value" line of ./out
line() { sed -n "s/^$1: //p" out | head -n 1; }

# Inside a test: the command fails with one FAILED: line holding $1.
test_must_fail_one() {
	msg=$1
	shift
	if "$@" >fail.out 2>fail.err; then
		echo "succeeded: $*"
		return 1
	fi
	if [ "$(grep -c '^FAILED: ' fail.err)" != 1 ] || ! grep -F -q -- "$msg" fail.err; then
		echo "expected one FAILED: line with '$msg':"
		cat fail.err
		return 1
	fi
}

test_expect_success 'set-up: revisions in three folders' '
	mkdir base && cd base &&
	write_rev mig/versions a1 "" "" "" "CREATE TABLE t1 (x);" "DROP TABLE t1;" &&
	write_rev mig/versions a2 a1 "" "" "CREATE TABLE t2 (x);" "DROP TABLE t2;" &&
	write_rev one b1 "" "" "" "CREATE TABLE t3 (x);" "DROP TABLE t3;" &&
	write_rev two c1 "" "" "" "SELECT 1;" "SELECT 1;"
'
cd base

# ------------------------------------------------------------------
# pyproject.toml alone (Alembic 1.18: get_alembic_option falls back to
# toml_alembic_config when the ini lacks the key, or there is no ini)

test_expect_success 'pyproject.toml alone gives the settings' '
	cat >pyproject.toml <<-\EOF &&
	[project]
	name = "app"

	[tool.alembic]
	script_location = "%(here)s/mig"
	EOF
	heads >out &&
	echo "a2 (head)" >expect &&
	diff -u expect out &&
	git dbmig doctor >out &&
	test "$(line config)" = "$PWD/pyproject.toml (in the current folder)" &&
	test "$(line script_location)" = "$PWD/mig (from [tool.alembic] of pyproject.toml)" &&
	! grep -q "^section:" out
'

test_expect_success 'version_locations is an array; relative paths from the file'"'"'s folder' '
	cat >>pyproject.toml <<-\EOF &&
	version_locations = [
	    "%(here)s/mig/versions",
	    "one",  # relative to pyproject.toml
	]
	EOF
	mkdir -p deep && (cd deep && git dbmig -c ../pyproject.toml heads | sort) >out &&
	printf "a2 (head)\nb1 (head)\n" >expect &&
	diff -u expect out
'

test_expect_success '%% is a % and %(here)s the folder, in file_template too' '
	cat >>pyproject.toml <<-\EOF &&
	file_template = "%%(rev)s_%%(slug)s_100%%"
	truncate_slug_length = 8
	EOF
	git dbmig doctor >out &&
	test "$(line file_template)" = "%(rev)s_%(slug)s_100% (from [tool.alembic] of pyproject.toml)" &&
	test "$(line truncate_slug_length)" = "8 (from [tool.alembic] of pyproject.toml)"
'

test_expect_success 'without an ini there is no URL: upgrade says where it goes' '
	test_must_fail_one "no database URL: set sqlalchemy.url in an alembic.ini beside $PWD/pyproject.toml" \
		git dbmig upgrade heads &&
	SQLALCHEMY_URL=sqlite:///t.db git dbmig -q upgrade heads &&
	test "$(rows t.db)" = "a2 b1" &&
	rm t.db
'

# ------------------------------------------------------------------
# both files: the ini's key wins, even empty, except version_locations,
# which an empty ini value leaves to the TOML (get_version_locations_list
# tests "if version_locations_str")

test_expect_success 'with an ini too: its keys win, the rest from [tool.alembic]' '
	cat >alembic.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/mig
	version_locations =
	truncate_slug_length = 12
	sqlalchemy.url = sqlite:///%(here)s/app.db
	EOF
	heads >out &&
	printf "a2 (head)\nb1 (head)\n" >expect &&
	diff -u expect out &&
	git dbmig doctor >out &&
	test "$(sed -n "s/^config: //p" out)" = "$PWD/alembic.ini (in the current folder)
$PWD/pyproject.toml (in the current folder)" &&
	test "$(line section)" = "[alembic]" &&
	test "$(line script_location)" = "$PWD/mig (from [alembic] of alembic.ini)" &&
	test "$(line version_locations)" = "2 folders (from [tool.alembic] of pyproject.toml)" &&
	test "$(line truncate_slug_length)" = "12 (from [alembic] of alembic.ini)" &&
	test "$(line file_template)" = "%(rev)s_%(slug)s_100% (from [tool.alembic] of pyproject.toml)" &&
	test "$(line url)" = "sqlite:///$PWD/app.db (from sqlalchemy.url in $PWD/alembic.ini)"
'

# Alembic 1.18 takes an empty script_location as the current folder
# (Path("")), 1.8.1 fails ("Path doesn't exist"); git-dbmig refuses it.
test_expect_success 'an empty script_location in the ini wins over the TOML one, and is refused' '
	sed -i "s|^script_location = .*|script_location =|" alembic.ini &&
	test_must_fail_one "No '"'"'script_location'"'"' key found" git dbmig heads &&
	sed -i "s|^script_location =\$|script_location = %(here)s/mig|" alembic.ini
'

test_expect_success 'an ini without the section leaves every key to [tool.alembic] (1.18)' '
	mkdir -p nosect &&
	printf "[tool.alembic]\nscript_location = \"mig\"\n" >nosect/pyproject.toml &&
	printf "[other]\nx = 1\n" >nosect/alembic.ini &&
	(cd nosect && pyrev mig/versions n1 "" && git dbmig heads >../out) &&
	echo "n1 (head)" >expect &&
	diff -u expect out &&
	(cd nosect && git dbmig -n missing heads >../out) &&
	diff -u expect out
'

test_expect_success 'upgrade with both files' '
	git dbmig -q upgrade heads &&
	test "$(rows app.db)" = "a2 b1"
'

# ------------------------------------------------------------------
# -c (CommandLine._inis_from_config): pyproject.toml by its name, one of
# each kind, the other kind from its default

test_expect_success '-c names the ini; pyproject.toml still comes from the current folder' '
	mkdir -p conf &&
	printf "[alembic]\nscript_location = %%(here)s/../mig\nversion_locations = %%(here)s/../two\n" >conf/other.ini &&
	heads -c conf/other.ini >out &&
	echo "c1 (head)" >expect &&
	diff -u expect out &&
	git dbmig -c conf/other.ini doctor >out &&
	grep -q "^config: $PWD/conf/other.ini (from -c)$" out &&
	grep -q "^config: $PWD/pyproject.toml (in the current folder)$" out
'

test_expect_success '-c twice names both files, in either order' '
	mkdir -p elsewhere &&
	printf "[tool.alembic]\nscript_location = \"%%(here)s/../mig\"\nversion_locations = [\"../two\", \"../one\"]\n" \
		>elsewhere/pyproject.toml &&
	printf "[alembic]\nsqlalchemy.url = sqlite://\n" >conf/url.ini &&
	heads -c elsewhere/pyproject.toml -c conf/url.ini >out &&
	printf "b1 (head)\nc1 (head)\n" >expect &&
	diff -u expect out &&
	heads -c conf/url.ini --config=elsewhere/pyproject.toml >out &&
	diff -u expect out &&
	git dbmig -c conf/url.ini -c elsewhere/pyproject.toml doctor >out &&
	grep -q "^config: $PWD/elsewhere/pyproject.toml (from -c)$" out
'

test_expect_failure_msg 'two ini files are refused' "only one ini file may be indicated" \
	git dbmig -c alembic.ini -c conf/other.ini heads
test_expect_failure_msg 'two pyproject.toml are refused' "pyproject.toml indicated more than once" \
	git dbmig -c pyproject.toml -c elsewhere/pyproject.toml heads
test_expect_failure_msg 'a named ini must exist' "No config file 'nowhere.ini' found" \
	git dbmig -c nowhere.ini heads
test_expect_failure_msg 'a named pyproject.toml must exist' "No config file 'nowhere/pyproject.toml' found" \
	git dbmig -c nowhere/pyproject.toml heads

# ------------------------------------------------------------------
# ALEMBIC_CONFIG

mkdir "$TRASH/envini" && cd "$TRASH/envini"
test_expect_success 'ALEMBIC_CONFIG naming an ini (Alembic 1.8.1 agrees)' '
	pyrev mig/versions e1 "" &&
	pyrev mig/versions e2 e1 &&
	printf "[alembic]\nscript_location = mig\n" >custom.ini &&
	ALEMBIC_CONFIG=custom.ini heads >out &&
	echo "e2 (head)" >expect &&
	diff -u expect out &&
	ALEMBIC_CONFIG=custom.ini git dbmig doctor >out &&
	test "$(line config)" = "$PWD/custom.ini (from ALEMBIC_CONFIG)" &&
	if have_alembic; then
		ALEMBIC_CONFIG=custom.ini alembic_heads >out &&
		diff -u expect out
	fi
'

test_expect_success '-c of the same kind wins over ALEMBIC_CONFIG (1.8.1 agrees)' '
	pyrev other o1 "" &&
	printf "[alembic]\nscript_location = mig\nversion_locations = other\n" >other.ini &&
	ALEMBIC_CONFIG=custom.ini heads -c other.ini >out &&
	echo "o1 (head)" >expect &&
	diff -u expect out &&
	if have_alembic; then
		ALEMBIC_CONFIG=custom.ini alembic_heads -c other.ini >out &&
		diff -u expect out
	fi
'

test_expect_failure_msg 'ALEMBIC_CONFIG naming a missing file fails' "No config file 'gone.ini' found" \
	env ALEMBIC_CONFIG=gone.ini git dbmig heads

cd "$TRASH/base"
test_expect_success 'ALEMBIC_CONFIG naming a pyproject.toml (1.18: the TOML default)' '
	ALEMBIC_CONFIG=elsewhere/pyproject.toml git dbmig doctor >out &&
	grep -q "^config: $PWD/elsewhere/pyproject.toml (from ALEMBIC_CONFIG)$" out &&
	grep -q "^config: $PWD/alembic.ini (in the current folder)$" out &&
	ALEMBIC_CONFIG=elsewhere/pyproject.toml git dbmig -c pyproject.toml doctor >out &&
	grep -q "^config: $PWD/pyproject.toml (from -c)$" out &&
	ALEMBIC_CONFIG=conf/other.ini git dbmig -c elsewhere/pyproject.toml doctor >out &&
	grep -q "^config: $PWD/conf/other.ini (from ALEMBIC_CONFIG)$" out
'

# ------------------------------------------------------------------
# path_separator in the ini

sep_project() {
	rm -rf "$TRASH/sep" && mkdir "$TRASH/sep" && cd "$TRASH/sep" &&
	pyrev mig/versions s1 "" &&
	pyrev "d 1" t1 "" &&
	pyrev d2 u1 "" &&
	{ printf "[alembic]\nscript_location = mig\n"; printf "$1"; } >alembic.ini
}

test_expect_success 'version_path_separator (deprecated), as 1.8.1 reads it' '
	for sep in "os %%(here)s/d2:%%(here)s/mig/versions" ": d2:mig/versions" \
		   "; d2;mig/versions" "space d2 mig/versions"; do
		sep_project "version_path_separator = ${sep%% *}\nversion_locations = ${sep#* }\n" &&
		heads >out &&
		printf "s1 (head)\nu1 (head)\n" >expect &&
		diff -u expect out || exit 1
		if have_alembic; then
			alembic_heads >out &&
			diff -u expect out || exit 1
		fi
	done
'

test_expect_success 'no separator: spaces and commas, as 1.8.1 splits' '
	sep_project "version_locations = d2, mig/versions\n" &&
	heads >out &&
	printf "s1 (head)\nu1 (head)\n" >expect &&
	diff -u expect out &&
	if have_alembic; then
		alembic_heads >out &&
		diff -u expect out
	fi
'

test_expect_success 'path_separator (1.18): a folder name with a space, newline-separated' '
	sep_project "path_separator = ;\nversion_locations = d 1;  mig/versions \n" &&
	heads >out &&
	printf "s1 (head)\nt1 (head)\n" >expect &&
	diff -u expect out &&
	sep_project "path_separator = newline\nversion_locations =\n    d 1\n    d2\n" &&
	heads >out &&
	printf "t1 (head)\nu1 (head)\n" >expect &&
	diff -u expect out
'

test_expect_success 'path_separator wins over version_path_separator (1.18)' '
	sep_project "path_separator = :\nversion_path_separator = space\nversion_locations = d 1:d2\n" &&
	heads >out &&
	printf "t1 (head)\nu1 (head)\n" >expect &&
	diff -u expect out
'

test_expect_success 'a bad path_separator fails, naming the key (1.18)' '
	sep_project "path_separator = comma\nversion_locations = d2,mig/versions\n" &&
	test_must_fail_one "'"'"'comma'"'"' is not a valid value for path_separator; expected '"'"'space'"'"', '"'"'newline'"'"', '"'"'os'"'"', '"'"':'"'"', '"'"';'"'"'" \
		git dbmig heads &&
	sep_project "version_path_separator = tab\nversion_locations = d2\n" &&
	test_must_fail_one "is not a valid value for version_path_separator" git dbmig heads &&
	sep_project "path_separator = bad\nprepend_sys_path = .\n" &&
	test_must_fail_one "'"'"'bad'"'"' is not a valid value for path_separator" git dbmig heads &&
	sep_project "path_separator = bad\n" &&
	git dbmig heads >out
'

test_expect_success 'recursive_version_locations in the ini: only "true" (1.18)' '
	sep_project "recursive_version_locations = True\nversion_locations = d2\n" &&
	mkdir -p d2/sub && mv d2/u1_rev.py d2/sub/ &&
	git dbmig heads >out &&
	test ! -s out &&
	sed -i "s/= True/= true/" alembic.ini &&
	git dbmig heads >out &&
	echo "u1 (head)" >expect &&
	diff -u expect out
'

# ------------------------------------------------------------------
# where the files are looked for

test_expect_success 'a work tree: pyproject.toml at its root, from a subfolder' '
	rm -rf "$TRASH/wt" && mkdir "$TRASH/wt" && cd "$TRASH/wt" &&
	git init -q . &&
	pyrev mig/versions w1 "" &&
	printf "[tool.alembic]\nscript_location = \"mig\"\n" >pyproject.toml &&
	mkdir -p pkg/sub && cd pkg/sub &&
	git dbmig heads >out &&
	echo "w1 (head)" >expect &&
	diff -u expect out &&
	git dbmig doctor >out &&
	test "$(line config)" = "$TRASH/wt/pyproject.toml (at the root of the work tree)"
'

test_expect_success 'a pyproject.toml without [tool.alembic] in the folder does not stop the search' '
	cd "$TRASH/wt/pkg" &&
	printf "[project]\nname = \"pkg\"\n" >pyproject.toml &&
	git dbmig heads >out &&
	echo "w1 (head)" >expect &&
	diff -u expect out
'

test_expect_success 'but one with [tool.alembic] does' '
	cd "$TRASH/wt/pkg" &&
	pyrev own/versions p1 "" &&
	printf "[tool.alembic]\nscript_location = \"own\"\n" >pyproject.toml &&
	git dbmig heads >out &&
	echo "p1 (head)" >expect &&
	diff -u expect out
'

test_expect_failure_msg 'no config at all' "No config file 'alembic.ini' found, or file has no '[alembic]' section (and no pyproject.toml)" \
	sh -c 'mkdir -p "$TRASH/empty" && cd "$TRASH/empty" && git dbmig heads'

# ------------------------------------------------------------------
# init -t pyproject (Alembic 1.18's command.init with its pyproject
# template: pyproject.toml created or appended to unless it has
# [tool.alembic], alembic.ini skipped when it exists)

test_expect_success 'init -t pyproject appends [tool.alembic] and writes the ini' '
	rm -rf "$TRASH/init" && mkdir "$TRASH/init" && cd "$TRASH/init" &&
	printf "[project]\nname = \"app\"" >pyproject.toml &&
	git dbmig init -t pyproject migrations >out &&
	grep -q "^  Appending to pyproject.toml ...  done$" out &&
	grep -q "^  Generating alembic.ini ...  done$" out &&
	"$PYTHON" -c "import tomllib; d = tomllib.load(open(\"pyproject.toml\", \"rb\")); \
		assert d[\"project\"][\"name\"] == \"app\"; \
		assert d[\"tool\"][\"alembic\"][\"script_location\"] == \"%(here)s/migrations\"" &&
	grep -q "^sqlalchemy.url = " alembic.ini &&
	! grep -q "^script_location" alembic.ini &&
	git dbmig revision -m "first one" --rev-id f1 >out &&
	test -f migrations/versions/f1_first_one.sql &&
	git dbmig -q upgrade head &&
	test "$(rows dbmig.db)" = f1 &&
	git dbmig doctor >out &&
	test "$(line script_location)" = "$PWD/migrations (from [tool.alembic] of pyproject.toml)"
'

test_expect_success 'init -t pyproject leaves a [tool.alembic] and an ini alone' '
	cd "$TRASH/init" &&
	cp pyproject.toml alembic.ini ../ &&
	git dbmig init -t pyproject other >out &&
	grep -q "^File pyproject.toml already exists and already has a \[tool.alembic\] section, skipping$" out &&
	grep -q "^File alembic.ini already exists, skipping$" out &&
	cmp pyproject.toml ../pyproject.toml &&
	cmp alembic.ini ../alembic.ini &&
	test -f other/script.sql.mako
'

test_expect_success 'init -t pyproject with -c: script_location from that file'"'"'s folder' '
	rm -rf "$TRASH/init2" && mkdir -p "$TRASH/init2/conf" && cd "$TRASH/init2" &&
	git dbmig -c conf/pyproject.toml init -t pyproject mig >out &&
	grep -q "^  Generating conf/pyproject.toml ...  done$" out &&
	grep -q "^script_location = \"%(here)s/../mig\"$" conf/pyproject.toml &&
	git dbmig -c conf/pyproject.toml doctor >out &&
	test "$(line script_location)" = "$PWD/conf/../mig (from [tool.alembic] of pyproject.toml)"
'

cd "$TRASH"
test_expect_failure_msg 'init -t pyproject refuses a malformed pyproject.toml, creating nothing' \
	"pyproject.toml:2: expected '=' after a key" \
	sh -c 'mkdir -p init3 && cd init3 && printf "[project]\nname\n" >pyproject.toml && git dbmig init -t pyproject mig'
test_expect_success 'init -t pyproject refuses a malformed pyproject.toml: nothing created' '
	test ! -e init3/mig && test ! -e init3/alembic.ini
'

test_expect_success 'init writes the ALEMBIC_CONFIG ini (1.8.1 does too)' '
	rm -rf init4 && mkdir init4 && cd init4 &&
	ALEMBIC_CONFIG=conf.ini git dbmig init mig >out &&
	grep -q "^script_location = %(here)s/mig$" conf.ini &&
	ALEMBIC_CONFIG=conf.ini git dbmig heads
'

# ------------------------------------------------------------------
# bad input: one FAILED line naming the file and the line, nothing
# written (a malformed pyproject.toml fails Alembic 1.18 too: it loads
# the file for every key the ini lacks)

cd "$TRASH/base"
test_expect_success 'set-up: a database to keep unchanged' '
	printf "[alembic]\nscript_location = mig\nsqlalchemy.url = sqlite:///app.db\n" >alembic.ini &&
	rm -f app.db && git dbmig -q upgrade a1 &&
	dump app.db >db.before &&
	cp pyproject.toml pyproject.good
'

bad_toml() {
	title=$1 msg=$2
	shift 2
	printf "$@" >pyproject.toml
	test_expect_failure_msg "$title" "$msg" git dbmig upgrade heads
	test_expect_success "$title: nothing written" '
		dump app.db >db.after && diff -u db.before db.after
	'
}

bad_toml 'malformed TOML' "$PWD/pyproject.toml:3: expected the end of the line after a statement, found 'b'" \
	'[tool.alembic]\nscript_location = "mig"\nx = 1 b = 2\n'
bad_toml 'a duplicate key' "$PWD/pyproject.toml:4: cannot overwrite a value: duplicate key 'tool.alembic.script_location'" \
	'[tool.alembic]\nscript_location = "mig"\n\nscript_location = "mig"\n'
bad_toml 'a table declared twice' "$PWD/pyproject.toml:3: cannot declare the table twice: 'tool.alembic'" \
	'[tool.alembic]\nscript_location = "mig"\n[tool.alembic]\n'
bad_toml 'an unterminated string' "$PWD/pyproject.toml:2: invalid character in a string: '\\n'" \
	'[tool.alembic]\nscript_location = "mig\n'
bad_toml 'invalid UTF-8' "$PWD/pyproject.toml:2: invalid UTF-8" \
	'[tool.alembic]\nscript_location = "mig\377"\n'
bad_toml 'tool is not a table' "$PWD/pyproject.toml:1: Incorrect TOML format: 'tool' is a string, not a table" \
	'tool = "alembic"\n'
bad_toml 'tool.alembic is not a table' "$PWD/pyproject.toml:2: Incorrect TOML format: 'tool.alembic' is an array, not a table" \
	'[tool]\nalembic = []\n'
bad_toml 'a string setting of the wrong type' "$PWD/pyproject.toml:3: [tool.alembic] version_table must be a string, not an integer" \
	'[tool.alembic]\n\nversion_table = 7\n'
bad_toml 'version_locations not an array' "$PWD/pyproject.toml:2: [tool.alembic] version_locations must be an array of strings, not a string" \
	'[tool.alembic]\nversion_locations = "mig/versions one"\n'
bad_toml 'version_locations holding a number' "$PWD/pyproject.toml:3: [tool.alembic] version_locations must be an array of strings; item 2 is an integer" \
	'[tool.alembic]\nversion_locations = ["one",\n  2]\n'
bad_toml 'recursive_version_locations not a boolean' "$PWD/pyproject.toml:2: boolean value expected for TOML parameter 'recursive_version_locations'" \
	'[tool.alembic]\nrecursive_version_locations = "true"\n'
bad_toml 'truncate_slug_length not a number' "$PWD/pyproject.toml:2: [tool.alembic] truncate_slug_length must be an integer, not a float" \
	'[tool.alembic]\ntruncate_slug_length = 4.5\n'
bad_toml 'a bad interpolation' "$PWD/pyproject.toml:2: bad interpolation in [tool.alembic] file_template: '%(rev)s_%(when)s'" \
	'[tool.alembic]\nfile_template = "%%(rev)s_%%(when)s"\n'

test_expect_success 'the pyproject.toml mistakes do not matter once it is fixed' '
	cp pyproject.good pyproject.toml &&
	git dbmig -q upgrade heads &&
	test "$(rows app.db)" = "a2 b1"
'

test_done
