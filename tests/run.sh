#!/bin/sh
# Run every unit test binary named on the command line and every script in
# tests/e2e/, then print one closing line: "N passed, N failed".
# Unit tests are cmocka programs; a case counts from cmocka's "[       OK ]"
# and "[  FAILED  ]" lines. End-to-end scripts print "ok - NAME" or
# "not ok - NAME" per case (see tests/e2e/lib.sh).
set -u

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {
	# $1: output file, $2: exit status of the program that wrote it.
	ok=$(grep -cE '^\[       OK \]|^ok - ' "$1")
	bad=$(grep -cE '^\[  FAILED  \] [^0-9]|^not ok - ' "$1")
	if [ "$2" -ne 0 ] && [ "$bad" -eq 0 ]; then
		# A crash or a setup failure before any case reported.
		bad=1
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
}

for program in "$@"; do
	echo "== $program"
	"$program" >"$log" 2>&1
	status=$?
	cat "$log"
	count "$log" "$status"
done

for script in tests/e2e/*.sh; do
	[ "$(basename "$script")" = lib.sh ] && continue
	echo "== $script"
	sh "$script" >"$log" 2>&1
	status=$?
	cat "$log"
	count "$log" "$status"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
