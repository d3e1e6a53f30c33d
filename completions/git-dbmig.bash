# bash completion for git-dbmig                              -*- shell-script -*-
#
# Completes "git dbmig ..." (git's completion calls _git_dbmig after
# asking bash-completion to load a file named git-dbmig, which is the
# name "make install" gives this file) and "git-dbmig ..." run directly.
#
# Commands and options come from the tool itself ("git dbmig -h" and
# "git dbmig <command> -h"), so new ones complete without changes here.
# The graph's own words come from "git dbmig history": the revision id
# is the word after "-> " and the branch labels are in the parentheses
# right after it. upgrade offers LABEL@head, LABEL@base, ids, heads,
# base; downgrade ids, base, LABEL@-1, LABEL@base; stamp and show ids
# and labels. --target offers the config's [target:NAME] sections.
#
# Every call of the tool is quiet (2>/dev/null): a project without a
# config, or a broken graph, just completes fewer words.

# One word a line, as __git_dbmig_comp takes them.
__git_dbmig_commands_fallback="$(printf '%s\n' branches check convert current doctor \
	downgrade edit ensure_version graph heads history hook init merge refs revision \
	show squash stamp status upgrade verify)"
__git_dbmig_global_options="$(printf '%s\n' -c --config -n --name -x --url \
	--at --staged -q --quiet --version -h --help)"

# Add the newline-separated words of $1 that start with $3 (default: $cur)
# to COMPREPLY, each with prefix $2 and suffix $4 (default: a space).
__git_dbmig_comp ()
{
	local IFS=$'\n'
	COMPREPLY+=($(compgen -P "${2-}" -S "${4- }" -W "$1" -- "${3-$cur}"))
}

# Run git-dbmig with the global options the command line already has
# (-c, -n, --url, --at, --staged), quietly.
__git_dbmig_run ()
{
	local bin="${words[__git_cmd_idx]}"

	if [ "$bin" = dbmig ]; then
		if declare -F __git >/dev/null; then
			__git dbmig "${__git_dbmig_globals[@]}" "$@"
		else
			git dbmig "${__git_dbmig_globals[@]}" "$@" 2>/dev/null
		fi
		return
	fi
	# shellcheck disable=SC2088 # a "~/" the user typed, unexpanded
	case "$bin" in
	"~/"*)	bin="$HOME/${bin#"~/"}" ;;
	*/*)	;;
	*)	bin=git-dbmig ;;
	esac
	"$bin" "${__git_dbmig_globals[@]}" "$@" 2>/dev/null
}

# The command names, from "git dbmig -h".
__git_dbmig_commands ()
{
	local list
	list="$(__git_dbmig_run -h | sed -n '/^commands:/,$s/^  \([a-z][-a-z_]*\) .*/\1/p')"
	printf '%s\n' "${list:-$__git_dbmig_commands_fallback}"
}

# The options a command's usage line lists ("git dbmig <cmd> -h").
__git_dbmig_options ()
{
	__git_dbmig_run "$1" -h |
	sed -e 's/[][|=(),]/ /g' | tr -s ' \t' '\n' |
	sed -n 's/^\(--*[A-Za-z][-A-Za-z0-9]*\).*/\1/p' | sort -u
}

# The values "git dbmig <cmd> -h" gives for an option: "--format mermaid|dot".
__git_dbmig_option_values ()
{
	__git_dbmig_run "$1" -h |
	sed -n "s/.*$2[ =]\([a-z][a-z|]*|[a-z|]*\).*/\1/p" | tr '|' '\n'
}

# Reads the graph into __git_dbmig_ids and __git_dbmig_labels, one word a
# line, from "git dbmig history".
__git_dbmig_read_graph ()
{
	local out
	out="$(__git_dbmig_run history | awk '
		{
			i = index($0, "-> ")
			if (!i)
				next
			rest = substr($0, i + 3)
			id = rest
			sub(/[ ,].*/, "", id)
			if (id == "")
				next
			print "I" id
			rest = substr(rest, length(id) + 1)
			if (substr(rest, 1, 2) != " (")
				next
			j = index(rest, ")")
			inner = substr(rest, 3, j - 3)
			if (inner == "head" || inner == "effective head" ||
			    inner == "branchpoint" || inner == "mergepoint")
				next
			n = split(inner, labels, ", ")
			for (k = 1; k <= n; k++)
				print "L" labels[k]
		}')"
	__git_dbmig_ids="$(printf '%s\n' "$out" | sed -n 's/^I//p' | sort -u)"
	__git_dbmig_labels="$(printf '%s\n' "$out" | sed -n 's/^L//p' | sort -u)"
}

# Each label with a suffix: __git_dbmig_label_words @head @base ...
__git_dbmig_label_words ()
{
	local suffix label
	for label in $__git_dbmig_labels; do
		for suffix in "$@"; do
			printf '%s%s\n' "$label" "$suffix"
		done
	done
}

# The config file completion would use: -c, else ./alembic.ini, else the
# work tree's.
__git_dbmig_ini ()
{
	local i top
	for ((i = 0; i < ${#__git_dbmig_globals[@]}; i++)); do
		case "${__git_dbmig_globals[i]}" in
		-c|--config)	echo "${__git_dbmig_globals[i+1]}"; return ;;
		--config=*)	echo "${__git_dbmig_globals[i]#--config=}"; return ;;
		esac
	done
	if [ -f alembic.ini ]; then
		echo alembic.ini
	elif top="$(git rev-parse --show-toplevel 2>/dev/null)" &&
	     [ -f "$top/alembic.ini" ]; then
		echo "$top/alembic.ini"
	fi
}

# Section names of the config ("target:" ones with the prefix removed
# when $1 is "target").
__git_dbmig_sections ()
{
	local ini
	ini="$(__git_dbmig_ini)"
	[ -n "$ini" ] && [ -r "$ini" ] || return
	if [ "${1-}" = target ]; then
		sed -n 's/^[[:space:]]*\[target:\([^]]*\)\][[:space:]]*$/\1/p' "$ini"
	else
		sed -n 's/^[[:space:]]*\[\([^]]*\)\][[:space:]]*$/\1/p' "$ini"
	fi
}

__git_dbmig_refs ()
{
	if declare -F __git_complete_refs >/dev/null && [ "${words[__git_cmd_idx]}" = dbmig ]; then
		__git_complete_refs --cur="$1"
	else
		__git_dbmig_comp "$(git for-each-ref --format='%(refname:short)' 2>/dev/null)" "" "$1"
	fi
}

# Complete the value $2 of option $1 for command $3; returns 1 when $1
# takes no value this file knows how to complete. For "--opt=value" only
# the value is completed: "=" (and ":") break words for bash.
__git_dbmig_option_value ()
{
	local opt="$1" val="$2" cmd="$3"
	case "$cmd,$opt" in
	,-n|,--name)
		__git_dbmig_comp "$(__git_dbmig_sections)" "" "$val" ;;
	*,-n|*,--name)
		# "refs -n" is --dry-run
		return 1 ;;
	*,--target)
		__git_dbmig_comp "$(__git_dbmig_sections target)" "" "$val" ;;
	*,--at)
		__git_dbmig_refs "$val" ;;
	*,--format|graph,-f)
		__git_dbmig_comp "$(__git_dbmig_option_values "$cmd" --format)" "" "$val" ;;
	init,-t|init,--template)
		__git_dbmig_comp "$(__git_dbmig_option_values "$cmd" -t)" "" "$val" ;;
	convert,--dialect)
		__git_dbmig_comp "$(__git_dbmig_option_values "$cmd" --dialect)" "" "$val" ;;
	*,--head)
		__git_dbmig_read_graph
		__git_dbmig_comp "base
head
$(__git_dbmig_label_words @head)
$__git_dbmig_ids" "" "$val" ;;
	*,--depends-on)
		__git_dbmig_read_graph
		__git_dbmig_comp "$__git_dbmig_ids
$__git_dbmig_labels" "" "$val" ;;
	history,-r|history,--rev-range)
		__git_dbmig_read_graph
		local words_="base
heads
current
$__git_dbmig_ids"
		case "$val" in
		*:*)	__git_dbmig_comp "$words_" "" "${val#*:}" ;;
		*)	__git_dbmig_comp "$words_" "" "$val" ":" ;;
		esac ;;
	,-c|,--config|,--url|,-x|*,--version-path|*,-m|*,--message|*,--rev-id|\
	*,--branch-label|*,--lock-timeout|*,--tag|*,--dev-url|convert,--url|convert,-x)
		# a file, a folder or free text: leave it to bash
		;;
	*)
		return 1 ;;
	esac
	return 0
}

# Revision words for a command's positional arguments.
__git_dbmig_revisions ()
{
	__git_dbmig_read_graph
	case "$1" in
	upgrade)
		__git_dbmig_comp "heads
head
base
$(__git_dbmig_label_words @head @base)
$__git_dbmig_ids" ;;
	downgrade)
		__git_dbmig_comp "base
$(__git_dbmig_label_words @-1 @base)
$__git_dbmig_ids" ;;
	convert)
		__git_dbmig_comp "$__git_dbmig_ids" ;;
	stamp|show|merge|edit)
		__git_dbmig_comp "heads
head
base
$__git_dbmig_labels
$__git_dbmig_ids" ;;
	esac
}

_git_dbmig ()
{
	local c="$((__git_cmd_idx + 1))" w subcommand="" subcommand_idx
	local __git_dbmig_globals=() __git_dbmig_ids="" __git_dbmig_labels=""

	COMPREPLY=()

	# Global options up to the command; remember the ones that change
	# what the tool reads, to ask it the same question.
	while [ "$c" -lt "$cword" ]; do
		w="${words[c]}"
		case "$w" in
		-c|--config|-n|--name|--url|--at)
			__git_dbmig_globals+=("$w" "${words[c+1]}")
			((c++)) ;;
		-x)
			((c++)) ;;
		--config=*|--name=*|--url=*|--at=*|--staged)
			__git_dbmig_globals+=("$w") ;;
		-*)
			;;
		*)
			subcommand="$w"
			subcommand_idx="$c"
			break ;;
		esac
		((c++))
	done

	if [ -z "$subcommand" ]; then
		case "$cur" in
		--*=*)
			__git_dbmig_option_value "${cur%%=*}" "${cur#*=}" "" ;;
		-*)
			__git_dbmig_comp "$__git_dbmig_global_options" ;;
		*)
			if [ "$cword" -gt "$((__git_cmd_idx + 1))" ] &&
			   __git_dbmig_option_value "$prev" "$cur" ""; then
				return
			fi
			__git_dbmig_comp "$(__git_dbmig_commands)" ;;
		esac
		return
	fi

	case "$cur" in
	--*=*)
		__git_dbmig_option_value "${cur%%=*}" "${cur#*=}" "$subcommand"
		return ;;
	-*)
		__git_dbmig_comp "$(__git_dbmig_options "$subcommand")"
		return ;;
	esac
	# the value of an option of the command
	if [ "$((cword - 1))" -gt "$subcommand_idx" ] &&
	   __git_dbmig_option_value "$prev" "$cur" "$subcommand"; then
		return
	fi

	case "$subcommand" in
	upgrade|downgrade|stamp|show|merge|edit|convert)
		__git_dbmig_revisions "$subcommand" ;;
	squash)
		__git_dbmig_read_graph
		__git_dbmig_comp "$__git_dbmig_labels" ;;
	hook)
		if [ "$cword" -eq "$((subcommand_idx + 1))" ]; then
			__git_dbmig_comp "install
uninstall"
		fi ;;
	init)
		# a new folder: bash's own completion
		;;
	esac
}

# "git-dbmig ..." typed directly.
_git_dbmig_main ()
{
	local cur words cword prev __git_cmd_idx=0
	if declare -F _get_comp_words_by_ref >/dev/null; then
		_get_comp_words_by_ref -n =: cur words cword prev
	else
		words=("${COMP_WORDS[@]}")
		cword="$COMP_CWORD"
		cur="${words[cword]}"
		prev="${words[cword-1]}"
	fi
	COMPREPLY=()
	_git_dbmig
}

complete -o bashdefault -o default -o nospace -F _git_dbmig_main git-dbmig 2>/dev/null ||
	complete -o default -o nospace -F _git_dbmig_main git-dbmig
