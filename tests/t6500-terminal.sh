#!/bin/sh
# t6500: on a terminal, colour (unless NO_COLOR or --no-color) and a
# progress line for runs of more than a few revisions; on a pipe, plain
# lines only.
. "$(dirname "$0")/lib.sh"

if ! command -v script >/dev/null; then
	echo "skipped: script(1) is missing"; exit 0
fi
seed_project
tty_run() { TERM=xterm script -qec "$*" /dev/null; }

test_expect_success 'a pipe gets plain lines only' '
	git dbmig upgrade INITCORE@head 2>err &&
	! grep -q "$(printf "\033")" err &&
	! git dbmig upgrade nope 2>err &&
	grep -q "^FAILED: " err
'

test_expect_success 'a terminal gets a progress line and a coloured FAILED' '
	tty_run git dbmig upgrade MOD1@head >out &&
	grep -q "\[1/[0-9]*\] upgrade init_mod1_newtable" out &&
	grep -q "Running upgrade init_mod1_newtable -> init_mod1_funcproc" out &&
	tty_run git dbmig upgrade nope >out2;
	grep -q "$(printf "\033")\[1;31mFAILED:" out2
'

test_expect_success 'NO_COLOR and --no-color turn colour off' '
	NO_COLOR=1 tty_run git dbmig upgrade nope >out;
	grep -q "^FAILED: " out &&
	tty_run git dbmig --no-color upgrade nope >out;
	grep -q "^FAILED: " out
'

test_done
