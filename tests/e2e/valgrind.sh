#!/bin/sh
# The report run on each sample database under valgrind's memcheck: any
# memory error or a definite or indirect leak fails the case. The cases
# are skipped when valgrind is missing, and when the binary is built with
# AddressSanitizer (`make check-asan`), which cannot run under valgrind.
. "$(dirname "$0")/lib.sh"

# The options of VALGRIND in the Makefile, for runs of this script alone.
: "${VALGRIND:=valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --suppressions=tests/valgrind.supp --num-callers=50 --error-exitcode=1 --trace-children=no --child-silent-after-fork=yes}"

skip_reason=""
if ! command -v valgrind >/dev/null 2>&1; then
	skip_reason="valgrind not installed"
elif nm -D "$CREDAUDIT" 2>/dev/null | grep -q ' __asan_init' ||
	nm "$CREDAUDIT" 2>/dev/null | grep -q ' __asan_init'; then
	skip_reason="$CREDAUDIT is built with AddressSanitizer"
fi

for sample in demo hostile; do
	db="samples/$sample.db"
	name="report on $db leaks nothing under valgrind"
	if [ -n "$skip_reason" ]; then
		echo "ok - $name # skip $skip_reason"
		continue
	fi
	if [ ! -f "$db" ]; then
		fail "$name" "missing $db: run make samples"
		continue
	fi

	log="$E2E_TMP/valgrind-$sample.log"
	# shellcheck disable=SC2086
	if $VALGRIND --log-file="$log" "$CREDAUDIT" report --db "$db" \
		--out "$E2E_TMP/out-$sample" --now 2026-12-04T12:00:00Z -q \
		>"$E2E_TMP/stdout" 2>&1 &&
		grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
		pass "$name"
	else
		fail "$name" "$(cat "$E2E_TMP/stdout")" "$(head -60 "$log")"
	fi
done

finish
