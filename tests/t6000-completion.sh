#!/bin/sh
# t6000: shell completion. Drives the bash completion as bash would (git's
# completion for "git dbmig ...", ours for "git-dbmig ...") and checks
# what COMPREPLY offers; then the zsh completion through zsh's own _git,
# in a pseudo-terminal, where zsh is installed.
. "$(dirname "$0")/lib.sh"

GIT_COMPLETION=
for f in /usr/share/bash-completion/completions/git \
	 /usr/share/git-core/contrib/completion/git-completion.bash \
	 /usr/share/git/completion/git-completion.bash; do
	if [ -f "$f" ]; then
		GIT_COMPLETION=$f
		break
	fi
done
export GIT_COMPLETION SRC_ROOT

# comp.bash LINE: prints what completing at the end of LINE offers, one
# word a line (COMPREPLY, trailing space removed). COMP_WORDS is split as
# bash splits it: at blanks, and "=" and ":" as words of their own.
cat >"$TRASH/comp.bash" <<'EOF'
if [ -f /usr/share/bash-completion/bash_completion ]; then
	. /usr/share/bash-completion/bash_completion
fi
. "$GIT_COMPLETION"
. "$SRC_ROOT/completions/git-dbmig.bash"
line=$1
COMP_LINE=$line
COMP_POINT=${#line}
COMP_WORDS=()
for tok in $line; do
	while [[ $tok =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
		[ -n "${BASH_REMATCH[1]}" ] && COMP_WORDS+=("${BASH_REMATCH[1]}")
		COMP_WORDS+=("${BASH_REMATCH[2]}")
		tok=${BASH_REMATCH[3]}
	done
	[ -n "$tok" ] && COMP_WORDS+=("$tok")
done
case "$line" in *" ") COMP_WORDS+=("") ;; esac
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
# the function bash itself would call for this command
spec=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null) || exit 3
fn=${spec##*-F }
fn=${fn%% *}
"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
for w in "${COMPREPLY[@]}"; do
	printf '%s\n' "${w% }"
done
EOF

comp() { bash "$TRASH/comp.bash" "$1"; }

# has WORD...: every word is a line of ./out
has() {
	for w in "$@"; do
		grep -qxF -- "$w" out || { echo "missing '$w' in:"; cat out; return 1; }
	done
}
hasnt() {
	for w in "$@"; do
		! grep -qxF -- "$w" out || { echo "unexpected '$w' in:"; cat out; return 1; }
	done
}

if [ -z "$GIT_COMPLETION" ]; then
	say "skipped: $TEST_NAME: git's bash completion not found"
	test_done
fi

mkdir proj && cd proj && git init -q . && seed_project && cat >>alembic.ini <<'EOF'

[target:prod]
sqlalchemy.url = sqlite:///prod.db

[target:staging]
sqlalchemy.url = sqlite:///staging.db
EOF

test_expect_success 'git dbmig upgrade MO offers the modules'"'"' heads and bases' '
	comp "git dbmig upgrade MO" >out &&
	has MOD1@head MOD1@base MOD2@head MOD2@base MOD3@head MOD3@base &&
	test $(wc -l <out) = 6
'

test_expect_success 'upgrade offers heads, base, LABEL@head and revision ids' '
	comp "git dbmig upgrade " >out &&
	has heads base CORE@head INITCORE@head INITALL@head init_core_newtable core_rev3 mod1_rev1 &&
	hasnt head@head effective "(head)"
'

test_expect_success 'downgrade offers ids, base and LABEL@-1' '
	comp "git dbmig downgrade " >out &&
	has base MOD1@-1 CORE@-1 core_rev2 init_mod1_popdata &&
	hasnt heads MOD1@head &&
	comp "git dbmig downgrade MOD1@" >out &&
	has MOD1@-1 MOD1@base
'

test_expect_success 'stamp offers ids and labels' '
	comp "git dbmig stamp " >out &&
	has core_rev1 init_all_modules CORE INITALL INITDEV MOD3 heads base &&
	comp "git dbmig stamp init_core_" >out &&
	has init_core_newtable init_core_funcproc init_core_popdata init_core_version0 &&
	test $(wc -l <out) = 4
'

test_expect_success 'commands complete, doctor among them' '
	comp "git dbmig " >out &&
	has upgrade downgrade stamp current heads branches history show check hook init merge revision doctor status verify &&
	comp "git dbmig d" >out &&
	has doctor downgrade && hasnt upgrade &&
	comp "git dbmig e" >out &&
	has edit ensure_version && test $(wc -l <out) = 2
'

test_expect_success 'edit offers ids and labels, current --check-heads and ensure_version --sql their options' '
	comp "git dbmig edit " >out &&
	has core_rev1 CORE heads &&
	comp "git dbmig current --" >out &&
	has --check-heads --json &&
	comp "git dbmig ensure_version --" >out &&
	has --sql --lock-timeout &&
	comp "git dbmig merge --" >out &&
	has --splice --rev-id
'

test_expect_success 'a command'"'"'s options complete from its usage' '
	comp "git dbmig upgrade --" >out &&
	has --sql --one-transaction --lock-timeout &&
	comp "git dbmig stamp --p" >out &&
	has --purge &&
	comp "git dbmig heads --" >out &&
	has --resolve-dependencies
'

test_expect_success 'status, verify and graph options complete from their usage' '
	comp "git dbmig status --" >out &&
	has --json --target --fail-fast &&
	comp "git dbmig verify --" >out &&
	has --at --dev-url --no-schema --target &&
	comp "git dbmig graph --" >out &&
	has --format --url --target --verify --dev-url &&
	comp "git dbmig verify --target " >out &&
	has prod
'

test_expect_success 'global options, and the values of -n and --format' '
	comp "git dbmig --" >out &&
	has --config --name --url --at --staged --quiet &&
	comp "git dbmig -n " >out &&
	has alembic target:prod &&
	comp "git dbmig graph --format " >out &&
	has mermaid dot ascii svg png &&
	comp "git dbmig graph --format=m" >out &&
	has mermaid && hasnt dot &&
	comp "git dbmig init -t " >out &&
	has generic pyproject && test $(wc -l <out) = 2 &&
	comp "git dbmig init --template=py" >out &&
	has pyproject && hasnt generic
'

test_expect_success 'convert: its options, the values of --dialect, revisions after them' '
	comp "git dbmig convert --" >out &&
	has --dialect --url --as-recorded --dry-run &&
	comp "git dbmig convert --dialect " >out &&
	has sqlite postgresql && test $(wc -l <out) = 2 &&
	comp "git dbmig convert --dialect=p" >out &&
	has postgresql && hasnt sqlite &&
	comp "git dbmig convert --url " >out &&
	hasnt core_rev1 &&
	comp "git dbmig convert --dialect sqlite core_" >out &&
	has core_rev1 core_rev2
'

test_expect_success '--target offers the [target:NAME] sections' '
	comp "git dbmig upgrade --target " >out &&
	has prod staging && test $(wc -l <out) = 2 &&
	comp "git dbmig upgrade --target=st" >out &&
	has staging && hasnt prod
'

test_expect_success 'revision --head and --depends-on offer the graph' '
	comp "git dbmig revision --head " >out &&
	has base CORE@head init_core_version0 &&
	comp "git dbmig revision --depends-on " >out &&
	has INITCORE init_core_popdata
'

test_expect_success 'history -r completes each side of START:END' '
	comp "git dbmig history -r core_rev1:core_rev" >out &&
	has core_rev1 core_rev2 core_rev3 && test $(wc -l <out) = 3
'

test_expect_success 'hook offers install and uninstall' '
	comp "git dbmig hook " >out &&
	has install uninstall
'

test_expect_success 'squash offers branch labels' '
	comp "git dbmig squash MO" >out &&
	has MOD1 MOD2 MOD3 && test $(wc -l <out) = 3
'

test_expect_success 'git-dbmig run directly completes the same words' '
	comp "git-dbmig upgrade MO" >out &&
	has MOD1@head MOD2@base &&
	comp "git-dbmig up" >out &&
	has upgrade
'

test_expect_success 'git db completes to dbmig (git-dbmig is on PATH)' '
	comp "git db" >out &&
	has dbmig
'

test_expect_success 'the words come from the config -c names' '
	mkdir ../other && (
		cd ../other && make_project &&
		write_rev migrations/versions base1 "" "OTHER, SECOND" "" "SELECT 1;" "SELECT 1;" &&
		write_rev migrations/versions next1 base1 "" "" "SELECT 1;" "SELECT 1;"
	) &&
	comp "git dbmig -c ../other/alembic.ini upgrade " >out &&
	has OTHER@head SECOND@head base1 next1 && hasnt MOD1@head &&
	comp "git dbmig --config=../other/alembic.ini stamp S" >out &&
	has SECOND
'

test_expect_success 'outside a project: few words, nothing on stderr' '
	mkdir ../empty && cd ../empty &&
	comp "git dbmig upgrade " >out 2>err &&
	has heads base && test $(wc -l <out) = 3 &&
	test ! -s err
'

# zsh: its _git calls _git-dbmig for "git dbmig"; drive it in a pty.
if command -v zsh >/dev/null 2>&1 && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	cat >"$TRASH/zcomp.zsh" <<'EOF'
# zcomp.zsh LINE: prints the matches zsh offers at the end of LINE.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='' PROMPT='' RPROMPT=''"
zpty -w z "fpath=($SRC_ROOT/completions \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'comptest () { compprefuncs=( compadd_fn ); zle complete-word }'
zpty -w z 'compadd_fn () { compadd () { local -a __hits; builtin compadd -O __hits "$@"; builtin compadd "$@"; local h; for h in $__hits; do print -r -- "<<M>>$h"; done }; }'
# ^Xk clears the line: ^U would be the tty's own kill character if
# the keys arrived before zle took the terminal.
zpty -w z 'zle -N comptest; bindkey "^I" comptest; bindkey "^Xk" kill-whole-line; setopt nobeep'
zpty -w z "print -r -- '<<READY''>>'"
while zpty -r z line; do [[ $line == *'<<READY>>'* ]] && break; done
sleep 0.2
zpty -w -n z "$1"$'\t'
zpty -w -n z $'\C-xk'
zpty -w z "print -r -- '<<DONE''>>'"
while zpty -r z line; do
	[[ $line == *'<<DONE>>'* ]] && break
	[[ $line == *'<<M>>'* ]] && print -r -- ${${line##*<<M>>}%%$'\r'*}
done
zpty -d z
EOF
	zcomp() { timeout 30 zsh -f "$TRASH/zcomp.zsh" "$1" | sort -u; }
	cd "$TRASH/proj"

	test_expect_success 'zsh: git dbmig upgrade MO offers the modules'"'"' heads and bases' '
		zcomp "git dbmig upgrade MO" >out &&
		has MOD1@head MOD1@base MOD2@head MOD3@base &&
		test $(wc -l <out) = 6
	'

	test_expect_success 'zsh: downgrade offers LABEL@-1 and ids' '
		zcomp "git dbmig downgrade MOD1" >out &&
		has MOD1@-1 MOD1@base &&
		zcomp "git dbmig downgrade core_" >out &&
		has core_rev1 core_rev2 core_rev3
	'

	test_expect_success 'zsh: commands, options, --format values, hook actions' '
		zcomp "git dbmig d" >out && has doctor downgrade &&
		zcomp "git dbmig upgrade --" >out && has --sql --one-transaction --lock-timeout &&
		zcomp "git dbmig graph --format=" >out && has mermaid dot &&
		zcomp "git dbmig init -t " >out && has generic pyproject &&
		zcomp "git dbmig hook " >out && has install uninstall &&
		zcomp "git dbmig squash MO" >out && has MOD1 MOD2 MOD3 &&
		zcomp "git dbmig convert --dialect=" >out && has sqlite postgresql
	'

	test_expect_success 'zsh: git-dbmig run directly' '
		zcomp "git-dbmig stamp init_core_" >out &&
		has init_core_newtable init_core_popdata &&
		zcomp "git-dbmig -n " >out && has alembic target:prod
	'
else
	say "skipped: zsh cases of $TEST_NAME: zsh (with zsh/zpty) not found"
fi

test_done
