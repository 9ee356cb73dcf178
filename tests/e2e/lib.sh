# Helpers for end-to-end test scripts. Source this file; each case calls
# pass NAME or fail NAME DETAIL, and the script ends with `finish`.
# BUILD is the build folder (build unless set), and CREDAUDIT the binary
# under test ($BUILD/credaudit unless set).

: "${BUILD:=build}"
: "${CREDAUDIT:=$BUILD/credaudit}"
E2E_FAILED=0
E2E_TMP=$(mktemp -d)
trap 'rm -rf "$E2E_TMP"' EXIT

pass() {
	echo "ok - $1"
}

fail() {
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	E2E_FAILED=1
}

# check NAME COMMAND...: a case that passes when COMMAND exits 0.
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$out"
	fi
}

finish() {
	exit "$E2E_FAILED"
}
