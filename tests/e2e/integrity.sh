#!/bin/sh
# A damaged snapshot: a b-tree page whose header lost cells makes SQLite
# return fewer rows without any error. report and apply run SQLite's
# quick_check of the tables they read, exit 4 with the first problem, and
# write nothing. Damage in a table they do not read is left alone.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP

if ! sqlite3 "$DB" "SELECT count(*) FROM dbstat" >/dev/null 2>&1; then
	echo "ok - integrity checks # skip sqlite3 has no dbstat table"
	finish
fi

# damage_leaf FILE TABLE: set the cell count in the header of the first
# leaf page of TABLE in FILE to 1, as a torn or stray write can. The
# count is the 2 bytes at offset 3 of the page header.
damage_leaf() {
	damaged_page=$(sqlite3 "$1" "SELECT pageno FROM dbstat WHERE name = '$2' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1")
	page_size=$(sqlite3 "$1" "PRAGMA page_size")
	printf '\000\001' | dd of="$1" bs=1 seek=$(( (damaged_page - 1) * page_size + 3 )) \
		conv=notrunc status=none
}

# count_rows FILE TABLE: the rows that sqlite3 reads from TABLE, or "error".
count_rows() {
	sqlite3 "$1" "SELECT count(*) FROM $2" 2>/dev/null || echo error
}

tokens=$(count_rows "$DB" personal_access_tokens)

cp "$DB" "$T/damaged.db"
damage_leaf "$T/damaged.db" personal_access_tokens
left=$(count_rows "$T/damaged.db" personal_access_tokens)
if [ "$left" != error ] && [ "$left" -lt "$tokens" ]; then
	pass "damaged page hides rows without an error"
else
	fail "damaged page hides rows without an error" \
		"sqlite3 read $left of $tokens tokens"
fi

fails "damaged token page exits 4" 4 "snapshot '$T/damaged.db' is damaged" \
	"$T/out" \
	"$CREDAUDIT" report --db "$T/damaged.db" --out "$T/out" --now "$NOW"
check "damaged token page names the table" \
	grep -q "quick_check of table personal_access_tokens" "$T/stderr"
check "damaged token page names SQLite's problem" \
	grep -q "reports \"[A-Z].* on page $damaged_page\"" "$T/stderr"
check "damaged token page names the fix" \
	grep -q "restore the snapshot from a backup or export it again" "$T/stderr"

"$CREDAUDIT" report -q --db "$DB" --out "$T/previous" --now "$NOW"
fails "damaged snapshot keeps the previous report" 4 "'$T/damaged.db'" \
	"$T/previous" \
	"$CREDAUDIT" report --db "$T/damaged.db" --out "$T/previous" --now "$NOW"

# Owners come from users: a lost users row would make its credentials
# owner-missing.
cp "$DB" "$T/damaged-users.db"
damage_leaf "$T/damaged-users.db" users
fails "damaged users page exits 4" 4 "quick_check of table users" "$T/out" \
	"$CREDAUDIT" report --db "$T/damaged-users.db" --out "$T/out" --now "$NOW"

# A table behind a view is unknown to credaudit, so it checks the whole
# file then.
cp "$DB" "$T/view.db"
sqlite3 "$T/view.db" "ALTER TABLE personal_access_tokens RENAME TO token_rows;
	CREATE VIEW personal_access_tokens AS SELECT * FROM token_rows;"
damage_leaf "$T/view.db" token_rows
fails "damaged table behind a view exits 4" 4 "quick_check of the whole file" \
	"$T/out" \
	"$CREDAUDIT" report --db "$T/view.db" --out "$T/out" --now "$NOW"

# personal_access_token_last_used_ips is in the sample, but no report
# reads it.
cp "$DB" "$T/unread.db"
damage_leaf "$T/unread.db" personal_access_token_last_used_ips
if [ "$(sqlite3 "$T/unread.db" "PRAGMA quick_check" | head -n 1)" = ok ]; then
	fail "damage in a table not read is ignored" \
		"quick_check finds no damage in the copy"
elif "$CREDAUDIT" report -q --db "$T/unread.db" --out "$T/unread" --now "$NOW" \
	2>"$T/unread.err"; then
	pass "damage in a table not read is ignored"
else
	fail "damage in a table not read is ignored" "$(cat "$T/unread.err")"
fi

# apply compares the plan with --db before it sends anything, and a
# damaged --db is damage, not another snapshot. The URL is never used.
"$CREDAUDIT" report -q --db "$DB" --out "$T/plan" --now "$NOW"
fails "apply with a damaged --db exits 4" 4 "snapshot '$T/damaged.db' is damaged" \
	"$T/plan" \
	env GITLAB_TOKEN=e2e-unused "$CREDAUDIT" apply "$T/plan/plan.md" \
	--gitlab-url http://127.0.0.1:9 --db "$T/damaged.db"

finish
