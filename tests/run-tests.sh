#!/bin/sh
# Runs every end-to-end script (tNNNN-*.sh) and reports the ones that
# failed, with the seconds each one took.
cd "$(dirname "$0")" || exit 1
failed=
for t in t[0-9][0-9][0-9][0-9]-*.sh; do
	echo "*** $t"
	start=$(date +%s)
	if ! sh "$t"; then
		failed="$failed $t"
	fi
	echo "*** $t: $(( $(date +%s) - start )) s"
done
if [ -n "$failed" ]; then
	echo "FAILED scripts:$failed"
	exit 1
fi
echo "all end-to-end scripts passed"
