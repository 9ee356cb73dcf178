#!/bin/sh
# What a run leaves behind: after credaudit report ends, normally or by
# SIGINT or SIGTERM at any moment, no private GnuPG home (ca-* under
# $TMPDIR), no GnuPG process of it and no temporary output file remains,
# also when HOME is unset or names something that cannot be written, and
# a run that a signal ends reports whether the new report is complete. The
# hostile sample is used because its GPG keys keep GnuPG busy for a while.
# Also: a WAL snapshot with unread changes in a read-only folder.
. tests/e2e/lib.sh

DB=samples/hostile.db
NOW=2026-12-04T12:00:00Z
# Seconds after the start at which the signal arrives. A whole run on the
# hostile sample took about 0.12 seconds with --no-cache on a 2-core
# virtual machine; the last delays fall after a run on a fast machine.
DELAYS="0.01 0.03 0.05 0.07 0.09 0.11 0.15 0.3"

# skip NAME REASON: a case that cannot run on this machine.
skip() {
	echo "ok - $1 # skip $2"
}

# leftovers DIR: what a run left in its TMPDIR and which processes still
# name that TMPDIR on their command line.
leftovers() {
	found=$(ls -A "$1/tmp" 2>/dev/null | tr '\n' ' ')
	processes=$(pgrep -a -f -- "$1/tmp" 2>/dev/null | tr '\n' ';')
	temporary=$(find "$1/out" -name '.*' 2>/dev/null | tr '\n' ' ')
	[ -n "$found$processes$temporary" ] &&
		echo "left in TMPDIR: [$found] processes: [$processes] temporary outputs: [$temporary]"
}

# run_report DIR HOME-MODE [SIGNAL DELAY]: credaudit report with TMPDIR
# DIR/tmp and HOME set (set), unset (unset) or unwritable (unwritable),
# signalled after DELAY seconds when SIGNAL is given. Sets $status.
run_report() {
	dir=$1
	mkdir -p "$dir/tmp"
	case $2 in
	set) home_env="HOME=$dir" ;;
	unset) home_env="-u HOME" ;;
	unwritable) home_env="HOME=/proc/self/this-does-not-exist" ;;
	esac
	# shellcheck disable=SC2086
	env $home_env TMPDIR="$dir/tmp" "$CREDAUDIT" report --db "$DB" \
		--out "$dir/out" --now "$NOW" -q >"$dir/stdout" 2>"$dir/stderr" &
	pid=$!
	if [ $# -ge 4 ]; then
		sleep "$4"
		kill "-$3" "$pid" 2>/dev/null
	fi
	wait "$pid"
	status=$?
	# A GnuPG process that outlives credaudit would show up by now.
	sleep 0.3
}

if [ ! -s "$DB" ]; then
	fail "hostile sample exists" "$DB is missing: run make $DB"
	finish
fi

for home in set unset unwritable; do
	dir=$E2E_TMP/normal-$home
	run_report "$dir" "$home"
	left=$(leftovers "$dir")
	if [ "$status" -eq 0 ] && [ -z "$left" ] && [ -s "$dir/out/report.html" ]; then
		pass "run with HOME $home leaves nothing behind"
	else
		fail "run with HOME $home leaves nothing behind" "exit status $status" \
			"$left" "$(head -c 1000 "$dir/stderr")"
	fi
done

for signal in INT TERM; do
	for home in set unset unwritable; do
		wrong=
		messages=0
		for delay in $DELAYS; do
			dir=$E2E_TMP/$signal-$home-$delay
			run_report "$dir" "$home" "$signal" "$delay"
			left=$(leftovers "$dir")
			[ -n "$left" ] && wrong="$wrong${wrong:+
}SIG$signal after ${delay}s: exit $status, $left, stderr: $(head -c 300 "$dir/stderr")"
			# A run that ended before the signal must be complete.
			if [ "$status" -eq 0 ] && [ ! -s "$dir/out/report.html" ]; then
				wrong="$wrong${wrong:+
}SIG$signal after ${delay}s: exit 0 without report.html"
			fi
			# A run that the signal ended reports whether it wrote one.
			if [ "$status" -gt 128 ]; then
				said=$(grep 'interrupted' "$dir/stderr")
				case $said in
				*"no new report was written"*)
					[ -e "$dir/out/report.html" ] && wrong="$wrong${wrong:+
}SIG$signal after ${delay}s: says no report, but report.html exists"
					# The folder was new, so "as it was" is no folder.
					[ -e "$dir/out" ] && wrong="$wrong${wrong:+
}SIG$signal after ${delay}s: says the folder is as it was, but left $dir/out" ;;
				*"was complete"*)
					[ -s "$dir/out/report.html" ] || wrong="$wrong${wrong:+
}SIG$signal after ${delay}s: says complete, but report.html is missing" ;;
				*)
					# Before the handlers exist, the signal ends
					# the program at once, having written nothing.
					[ -e "$dir/out/report.html" ] && wrong="$wrong${wrong:+
}SIG$signal after ${delay}s: exit $status without a message: $(head -c 300 "$dir/stderr")" ;;
				esac
				[ -n "$said" ] && messages=$((messages + 1))
			fi
			rm -rf "$dir"
		done
		# At least one delay falls where credaudit is at work.
		[ "$messages" -eq 0 ] && wrong="no signalled run said it was interrupted"
		if [ -z "$wrong" ]; then
			pass "SIG$signal with HOME $home leaves nothing behind"
		else
			fail "SIG$signal with HOME $home leaves nothing behind" "$wrong"
		fi
	done
done

# SIGKILL leaves temporary outputs, which no handler can remove. The next
# run into the folder removes those of processes that no longer exist,
# and leaves those of a live process and files of other names alone.
dir=$E2E_TMP/killed
mkdir -p "$dir/out"
env TMPDIR="$E2E_TMP" "$CREDAUDIT" report --db "$DB" --out "$dir/out" \
	--now "$NOW" -q >/dev/null 2>&1 &
pid=$!
# Kill it as soon as its first temporary output exists.
tries=0
while [ -z "$(find "$dir/out" -name ".report.json.$pid.*" 2>/dev/null)" ] &&
	[ "$tries" -lt 500 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.01
	tries=$((tries + 1))
done
kill -KILL "$pid" 2>/dev/null
wait "$pid"
: >"$dir/out/.report.json.$$.7"
: >"$dir/out/.report.json.notes"
# What the plan archive fills when it is killed: a new plans folder, and
# a kept plan's folder inside an existing one.
mkdir -p "$dir/out/.plans.$pid.3/kept" "$dir/out/plans/.2026-12-04T12:00:00Z-1a2b.$pid.0"
: >"$dir/out/plans/.2026-12-04T12:00:00Z-1a2b.$pid.0/plan.md"
killed=$(find "$dir/out" -maxdepth 2 -name ".*.$pid.*" | wc -l)
"$CREDAUDIT" report --db "$DB" --out "$dir/out" --now "$NOW" >"$dir/stdout" 2>"$dir/stderr"
status=$?
left=$(find "$dir/out" -name ".*.$pid.*")
if [ "$status" -eq 0 ] && [ "$killed" -gt 0 ] && [ -z "$left" ] &&
	[ -e "$dir/out/.report.json.$$.7" ] && [ -e "$dir/out/.report.json.notes" ] &&
	grep -q "removed $killed temporary" "$dir/stderr"; then
	pass "rerun removes what SIGKILL left"
else
	fail "rerun removes what SIGKILL left" "exit $status, $killed left by the killed run" \
		"still there: $left" "$(ls -a "$dir/out")" "stderr: $(cat "$dir/stderr")"
fi
rm -f "$dir/out/.report.json.$$.7" "$dir/out/.report.json.notes"

# A WAL database whose -wal file contains changes that are not in the main
# file yet, in a folder that cannot be written: SQLite cannot create the
# -shm file it needs to read the -wal, so credaudit stops rather than
# report without those changes. A read-only tmpfs makes the folder
# read-only also for root.
if [ "$(id -u)" -ne 0 ]; then
	skip "WAL snapshot in a read-only folder exits 3" "mounting a tmpfs needs root"
	finish
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "WAL snapshot in a read-only folder exits 3" "no sqlite3"
	finish
fi
mnt=$E2E_TMP/readonly
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=64m tmpfs "$mnt" 2>"$E2E_TMP/mount.err"; then
	skip "WAL snapshot in a read-only folder exits 3" \
		"mount -t tmpfs is not permitted here: $(head -n 1 "$E2E_TMP/mount.err")"
	finish
fi
cp samples/demo.db "$mnt/wal.db"
sqlite3 "$mnt/wal.db" "PRAGMA journal_mode=WAL;" >/dev/null
sqlite3 "$mnt/wal.db" >/dev/null 2>&1 <<EOF
PRAGMA wal_autocheckpoint=0;
UPDATE personal_access_tokens SET name = 'changed in the WAL' WHERE id = 1;
.shell cp '$mnt/wal.db-wal' '$mnt/wal.db-wal.keep'
EOF
# sqlite3 checkpoints and deletes the -wal on close, so restore a copy
# that still holds the change.
if [ -s "$mnt/wal.db-wal.keep" ]; then
	mv "$mnt/wal.db-wal.keep" "$mnt/wal.db-wal"
fi
rm -f "$mnt/wal.db-shm"
if [ ! -s "$mnt/wal.db-wal" ]; then
	umount "$mnt"
	fail "WAL snapshot in a read-only folder exits 3" \
		"could not keep the changes in wal.db-wal"
	finish
fi
mount -o remount,ro "$mnt"
"$CREDAUDIT" report --db "$mnt/wal.db" --out "$E2E_TMP/wal-out" --now "$NOW" \
	>"$E2E_TMP/wal.stdout" 2>"$E2E_TMP/wal.stderr"
status=$?
umount "$mnt"
if [ "$status" -eq 3 ] && grep -qF "'$mnt/wal.db-wal'" "$E2E_TMP/wal.stderr" &&
   grep -qF "copy both files to a writable folder" "$E2E_TMP/wal.stderr" &&
   [ ! -e "$E2E_TMP/wal-out" ]; then
	pass "WAL snapshot in a read-only folder exits 3"
else
	fail "WAL snapshot in a read-only folder exits 3" "exit status $status" \
		"$(cat "$E2E_TMP/wal.stderr")"
fi

finish
