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

# equal NAME ACTUAL EXPECTED: pass when ACTUAL is EXPECTED.
equal() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got:      $2" "expected: $3"
	fi
}

# has NAME FILE LINE: pass when FILE has LINE as a whole line.
has() {
	if grep -qxF -- "$3" "$2"; then
		pass "$1"
	else
		fail "$1" "no line '$3' in $(basename "$2"):" "$(head -n 40 "$2")"
	fi
}

# variant NAME SQL: report at $NOW on a copy of $DB changed by SQL (none
# when SQL is empty) into $E2E_TMP/NAME, with stdout, stderr and the exit
# status beside it. The facts of each output, parsed back with inspect
# ($INSPECT, or $BUILD/tests/inspect), go into NAME.json and NAME.fields
# (report.json), NAME.html (report.html) and NAME.md (report.md).
variant() {
	v_dir=$E2E_TMP/$1
	v_inspect=${INSPECT:-$BUILD/tests/inspect}
	rm -f "$v_dir.db"
	cp "$DB" "$v_dir.db"
	if [ -n "$2" ]; then
		sqlite3 "$v_dir.db" "$2" || fail "$1: sqlite3 changes the copy" "$2"
	fi
	"$CREDAUDIT" report --db "$v_dir.db" --out "$v_dir" --now "$NOW" \
		>"$v_dir.stdout" 2>"$v_dir.stderr"
	echo $? >"$v_dir.status"
	"$v_inspect" json "$v_dir/report.json" >"$v_dir.json"
	"$v_inspect" json-fields "$v_dir/report.json" >"$v_dir.fields"
	"$v_inspect" html-ids "$v_dir/report.html" >"$v_dir.html"
	"$v_inspect" md-paragraphs "$v_dir/report.md" >"$v_dir.md"
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

# start_mock_gitlab STATE_FILE [PORT]: start tests/mock-gitlab/mock_gitlab.py
# in the background on 127.0.0.1, with its state in STATE_FILE (seeded
# from samples/demo.db when the file does not exist) and 2026-12-04 as
# the date that decides token expiry. It accepts $TOKEN as an
# administrator's token and, when USER_TOKEN is set, $USER_TOKEN as the
# token of a user who is not one. PORT (default 0: one that the system
# picks) lets a restarted mock keep its URL, because the journal
# identifies an instance by its URL. Sets MOCK_PID, MOCK_PORT and URL, and appends the mock's
# stderr to $E2E_TMP/mock.log. Python is $PYTHON, or /usr/bin/python3.
# When the mock has not written its port after 10 seconds, the case
# "mock GitLab starts" fails and this returns 1.
start_mock_gitlab() {
	mock_port_file=$E2E_TMP/mock.port
	rm -f "$mock_port_file"
	"${PYTHON:-/usr/bin/python3}" tests/mock-gitlab/mock_gitlab.py \
		--port-file "$mock_port_file" --port "${2:-0}" --token "$TOKEN" \
		${USER_TOKEN:+--user-token "$USER_TOKEN"} \
		--snapshot samples/demo.db --state "$1" --today 2026-12-04 \
		--idle 120 2>>"$E2E_TMP/mock.log" &
	MOCK_PID=$!
	mock_tries=0
	while [ ! -s "$mock_port_file" ] && [ $mock_tries -lt 100 ]; do
		sleep 0.1
		mock_tries=$((mock_tries + 1))
	done
	MOCK_PORT=$(cat "$mock_port_file" 2>/dev/null)
	URL="http://127.0.0.1:$MOCK_PORT"
	if [ -z "$MOCK_PORT" ]; then
		fail "mock GitLab starts" "$(tail -n 5 "$E2E_TMP/mock.log")"
		return 1
	fi
}

# stop_mock_gitlab: stop the mock that start_mock_gitlab started, if any,
# and wait until it has saved its state and exited.
stop_mock_gitlab() {
	if [ -n "${MOCK_PID-}" ]; then
		kill "$MOCK_PID" 2>/dev/null
		wait "$MOCK_PID" 2>/dev/null
	fi
	MOCK_PID=
}

# find_unprivileged_user: set AS_USER to the command prefix that runs a
# command as the user nobody when this runs as root, to the empty string
# when it does not (a read-only folder then stops this user too), or to
# "none" when root has neither setpriv nor runuser.
find_unprivileged_user() {
	if [ "$(id -u)" -ne 0 ]; then
		AS_USER=
	elif command -v setpriv >/dev/null 2>&1; then
		AS_USER="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
	elif command -v runuser >/dev/null 2>&1; then
		AS_USER="runuser -u nobody --"
	else
		AS_USER=none
	fi
}

finish() {
	exit "$E2E_FAILED"
}
