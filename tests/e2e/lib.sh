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

# folder_state DIR: a listing of DIR with modes, and of the files in it
# with sizes, times, inodes and checksums, or "absent", to tell whether a
# run changed it. A folder's own time is left out: creating and removing
# a temporary file in it changes that time and nothing else.
folder_state() {
	if [ ! -e "$1" ]; then
		echo absent
		return
	fi
	find "$1" -type d -printf '%y %m %p\n' | LC_ALL=C sort
	find "$1" ! -type d -printf '%y %m %s %T@ %i %p\n' | LC_ALL=C sort
	find "$1" -type f -exec cksum {} + | LC_ALL=C sort
}

# fails NAME CODE TEXT OUT COMMAND...: run COMMAND and pass when it exits
# with CODE, prints nothing on stdout, has TEXT (the value at fault) on
# stderr, and leaves the output folder OUT as it was. Uses $T for its
# files.
fails() {
	fails_name=$1
	fails_code=$2
	fails_text=$3
	fails_out=$4
	shift 4
	folder_state "$fails_out" >"$T/before"
	"$@" >"$T/stdout" 2>"$T/stderr"
	status=$?
	folder_state "$fails_out" >"$T/after"
	wrong=
	[ "$status" -eq "$fails_code" ] ||
		wrong="${wrong}exit status $status, expected $fails_code; "
	[ -s "$T/stdout" ] && wrong="${wrong}printed on stdout; "
	grep -qF -- "$fails_text" "$T/stderr" ||
		wrong="${wrong}stderr does not have \"$fails_text\"; "
	cmp -s "$T/before" "$T/after" ||
		wrong="${wrong}the output folder $fails_out changed; "
	if [ -z "$wrong" ]; then
		pass "$fails_name"
	else
		fail "$fails_name" "$wrong" "stderr: $(cat "$T/stderr")" \
			"$(diff "$T/before" "$T/after" | head -n 20)"
	fi
}

finish() {
	exit "$E2E_FAILED"
}
