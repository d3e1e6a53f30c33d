#!/bin/sh
# The seed document's "Deployment example", with `alembic` replaced by
# `git dbmig`, against a fresh SQLite file (dbmig.db in the repository
# root, the alembic.ini default). `make demo` runs it.
set -e
cd "$(dirname "$0")/.."
PATH="$PWD:$PATH"
rm -f dbmig.db
run() { echo "\$ git dbmig $*"; git dbmig "$@"; }

run heads | sort
run history

run upgrade    INITCORE@head
run upgrade    INITMOD1@head
run upgrade    INITMOD2@head
run upgrade    INITMOD3@head
run current

run upgrade    CORE@head
run upgrade    MOD1@head
run upgrade    MOD2@head
run upgrade    MOD3@head
run current

run downgrade  CORE@base
run downgrade  MOD1@-1
run downgrade  MOD2@-2
run downgrade  MOD3@-3
run current

run downgrade  base
run upgrade    INITALL@head
run downgrade  base
run upgrade    INITDEV@head

run upgrade    heads
run current
