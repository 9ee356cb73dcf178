#!/bin/sh
# credaudit report on inputs and output folders it cannot use: each case
# exits with the code that docs/exit-codes.md gives, names the value on
# stderr, and writes nothing, so an earlier report stays as it was. Also a
# snapshot from an older GitLab, whose missing columns and tables are
# "not available in this snapshot" in every report.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
TAB=$(printf '\t')

# skip NAME REASON: a case that cannot run on this machine.
skip() {
	echo "ok - $1 # skip $2"
}

# make_hot_journal FILE: copy the sample to FILE and leave FILE-journal
# hot, as a writer that dies in the middle of a transaction does. The
# transaction revokes every token and adds a second row for each user,
# and its small page cache spills those changes into FILE itself.
make_hot_journal() {
	cp "$DB" "$1"
	"${PYTHON:-/usr/bin/python3}" - "$1" <<'EOF'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size = 1")
db.execute("BEGIN")
db.execute("UPDATE personal_access_tokens SET revoked = 1")
db.execute("INSERT INTO users (id, username) SELECT id + 100000, username FROM users")
os._exit(0)
EOF
}

# Usage errors: exit 2.

fails "missing --db exits 2" 2 "--db" "$T/out" \
	"$CREDAUDIT" report --out "$T/out" --now "$NOW"
fails "unknown option exits 2" 2 "'--bogus'" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$NOW" --bogus
fails "option without its value exits 2" 2 "'--out'" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --now "$NOW" --out
fails "unexpected argument exits 2" 2 "'extra'" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$NOW" extra
fails "unknown command exits 2" 2 "'audit'" "$T/out" \
	"$CREDAUDIT" audit --db "$DB" --out "$T/out"
for now in yesterday 12/31/2026 2026-13-01T00:00:00Z 2026-02-30T00:00:00Z \
	2026-12-04T25:00:00Z 2026-12-04T12:00:00Zjunk 1e9 ""
do
	fails "invalid --now '$now' exits 2" 2 "--now '$now'" "$T/out" \
		"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$now"
done

# The snapshot cannot be opened: exit 3.

fails "missing snapshot exits 3" 3 "'$T/missing.db'" "$T/out" \
	"$CREDAUDIT" report --db "$T/missing.db" --out "$T/out" --now "$NOW"

# A terminal escape sequence in a path is shown, not sent to the terminal.
esc=$(printf '\033')
fails "escape in a path is shown as \\x1B" 3 "'$T/red\\x1B[31m.db' not found" "$T/out" \
	"$CREDAUDIT" report --db "$T/red$esc[31m.db" --out "$T/out" --now "$NOW"
if grep -q "$esc" "$T/stderr"; then
	fail "escape in a path is not printed" "$(cat -v "$T/stderr")"
else
	pass "escape in a path is not printed"
fi

mkdir "$T/folder.db"
fails "directory as snapshot exits 3" 3 "'$T/folder.db'" "$T/out" \
	"$CREDAUDIT" report --db "$T/folder.db" --out "$T/out" --now "$NOW"

# Root reads any file whatever its mode, so as root the unreadable case
# runs as the user nobody, with a copy of the binary that nobody can run.
mkdir "$T/nobody"
cp "$CREDAUDIT" "$T/nobody/credaudit"
cp "$DB" "$T/nobody/secret.db"
chmod 000 "$T/nobody/secret.db"
mkdir "$T/nobody/previous"
echo "an earlier report" >"$T/nobody/previous/report.md"
chmod 755 "$T/nobody" "$T/nobody/previous"
chmod 711 "$T"
find_unprivileged_user
if [ "$AS_USER" = none ]; then
	skip "unreadable snapshot exits 3" "running as root without setpriv or runuser"
	skip "read-only output folder exits 5" "running as root without setpriv or runuser"
else
	fails "unreadable snapshot exits 3" 3 "'$T/nobody/secret.db'" "$T/nobody/out" \
		env HOME="$T/nobody" $AS_USER "$T/nobody/credaudit" report \
		--db "$T/nobody/secret.db" --out "$T/nobody/out" --now "$NOW"

	chmod 644 "$T/nobody/secret.db"
	[ -z "$AS_USER" ] && chmod 555 "$T/nobody/previous"
	fails "read-only output folder exits 5" 5 "'$T/nobody/previous'" \
		"$T/nobody/previous" \
		env HOME="$T/nobody" $AS_USER "$T/nobody/credaudit" report \
		--db "$T/nobody/secret.db" --out "$T/nobody/previous" --now "$NOW"
	chmod 755 "$T/nobody/previous"

	# A WAL snapshot in a folder the user cannot write is still read, and
	# nothing is created next to it.
	mkdir "$T/nobody/wal" "$T/nobody/wal-out"
	cp "$DB" "$T/nobody/wal/snapshot.db"
	sqlite3 "$T/nobody/wal/snapshot.db" "PRAGMA journal_mode = WAL" >/dev/null
	chmod 644 "$T/nobody/wal/snapshot.db"
	if [ -n "$AS_USER" ]; then
		chmod 755 "$T/nobody/wal"
		chmod 777 "$T/nobody/wal-out"
	else
		chmod 555 "$T/nobody/wal"
	fi
	if env HOME="$T/nobody" $AS_USER "$T/nobody/credaudit" report -q \
		--db "$T/nobody/wal/snapshot.db" --out "$T/nobody/wal-out" \
		--now "$NOW" 2>"$T/wal.err" &&
	   [ "$(ls "$T/nobody/wal")" = snapshot.db ]; then
		pass "WAL snapshot in a read-only folder is read"
	else
		fail "WAL snapshot in a read-only folder is read" "$(cat "$T/wal.err")" \
			"$(ls "$T/nobody/wal")"
	fi
	chmod 755 "$T/nobody/wal"

	# A hot journal in a folder the user cannot write: SQLite cannot roll
	# it back there either, and the snapshot must not be read without it.
	mkdir "$T/nobody/hot"
	make_hot_journal "$T/nobody/hot/snapshot.db"
	chmod 644 "$T/nobody/hot/snapshot.db" "$T/nobody/hot/snapshot.db-journal"
	[ -z "$AS_USER" ] && chmod 555 "$T/nobody/hot"
	fails "hot journal in a read-only folder exits 3" 3 \
		"'$T/nobody/hot/snapshot.db-journal'" "$T/nobody/hot-out" \
		env HOME="$T/nobody" $AS_USER "$T/nobody/credaudit" report \
		--db "$T/nobody/hot/snapshot.db" --out "$T/nobody/hot-out" \
		--now "$NOW"
	chmod 755 "$T/nobody/hot"
fi

# A hot journal beside a snapshot in a writable folder: a read-only
# connection cannot roll it back, and reading the file without it would
# show the changes of a transaction that never committed.
make_hot_journal "$T/hot.db"
cp "$T/hot.db" "$T/hot-copy.db"
cp "$T/hot.db-journal" "$T/hot-copy.db-journal"
uncommitted=$(sqlite3 "file:$T/hot.db?immutable=1" \
	"SELECT count(*) FROM personal_access_tokens WHERE revoked = 0")
if [ -s "$T/hot.db-journal" ] && [ "$uncommitted" = 0 ]; then
	pass "hot journal snapshot has uncommitted changes"
else
	fail "hot journal snapshot has uncommitted changes" \
		"$uncommitted tokens not revoked without the journal"
fi
fails "hot journal exits 3" 3 "'$T/hot.db-journal'" "$T/out" \
	"$CREDAUDIT" report --db "$T/hot.db" --out "$T/out" --now "$NOW" -v
if grep -q "immutable" "$T/stderr"; then
	fail "hot journal is not read as immutable" "$(cat "$T/stderr")"
else
	pass "hot journal is not read as immutable"
fi
# Through a symbolic link, SQLite looks for the journal beside the file
# that the link names, so the message does too.
ln -s "$T/hot.db" "$T/hot-link.db"
fails "hot journal through a link names the real journal" 3 \
	"has a hot journal '$(realpath "$T/hot.db")-journal'" "$T/out" \
	"$CREDAUDIT" report --db "$T/hot-link.db" --out "$T/out" --now "$NOW"
if cmp -s "$T/hot.db" "$T/hot-copy.db" &&
   cmp -s "$T/hot.db-journal" "$T/hot-copy.db-journal"; then
	pass "hot journal and snapshot stay as they were"
else
	fail "hot journal and snapshot stay as they were"
fi

# The fix that the message gives: a copy that sqlite3 opens once rolls
# the transaction back, and then reads as the sample.
mkdir "$T/rolled-back"
cp "$T/hot.db" "$T/rolled-back/COPY.db"
cp "$T/hot.db-journal" "$T/rolled-back/COPY.db-journal"
sqlite3 "$T/rolled-back/COPY.db" "PRAGMA quick_check" >/dev/null
"$CREDAUDIT" report -q --db "$DB" --out "$T/rolled-back/sample" --now "$NOW"
if "$CREDAUDIT" report -q --db "$T/rolled-back/COPY.db" \
	--out "$T/rolled-back/out" --now "$NOW" 2>"$T/rolled-back.err"; then
	"$INSPECT" json "$T/rolled-back/sample/report.json" | grep '^summary' >"$T/sample.summary"
	"$INSPECT" json "$T/rolled-back/out/report.json" | grep '^summary' >"$T/rolled-back.summary"
	if [ -s "$T/sample.summary" ] && cmp -s "$T/sample.summary" "$T/rolled-back.summary"; then
		pass "hot journal rolled back by sqlite3 reports as the sample"
	else
		fail "hot journal rolled back by sqlite3 reports as the sample" \
			"$(diff "$T/sample.summary" "$T/rolled-back.summary" | head -n 20)"
	fi
else
	fail "hot journal rolled back by sqlite3 reports as the sample" \
		"$(cat "$T/rolled-back.err")"
fi

# Another program holds an exclusive lock on the snapshot: credaudit
# waits for it a while and then gives up. sqlite3 holds the lock until
# its input, a FIFO that this script writes, ends.
if command -v sqlite3 >/dev/null 2>&1 && command -v mkfifo >/dev/null 2>&1; then
	cp "$DB" "$T/locked.db"
	mkfifo "$T/lock-input"
	sqlite3 "$T/locked.db" <"$T/lock-input" >/dev/null 2>&1 &
	holder=$!
	exec 3>"$T/lock-input"
	# The timeout lets the lock wait for the probes below, which read.
	printf '.timeout 5000\nBEGIN EXCLUSIVE;\n' >&3
	tries=0
	while [ "$tries" -lt 50 ] &&
	      sqlite3 "$T/locked.db" "SELECT 1 FROM users LIMIT 1;" >/dev/null 2>&1; do
		sleep 0.1
		tries=$((tries + 1))
	done
	if [ "$tries" -lt 50 ]; then
		fails "locked snapshot exits 3" 3 "'$T/locked.db'" "$T/out" \
			"$CREDAUDIT" report --db "$T/locked.db" --out "$T/out" --now "$NOW"
	else
		fail "locked snapshot exits 3" "sqlite3 did not lock the copy within 5 seconds"
	fi
	echo "COMMIT;" >&3
	exec 3>&-
	wait "$holder"
else
	skip "locked snapshot exits 3" "no sqlite3 or mkfifo"
fi

# Not a credential snapshot: exit 4.

: >"$T/empty.db"
fails "empty file exits 4" 4 "'$T/empty.db'" "$T/out" \
	"$CREDAUDIT" report --db "$T/empty.db" --out "$T/out" --now "$NOW"

# The PNG signature and an IHDR chunk of a 1x1 image.
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211' \
	>"$T/image.db"
fails "PNG named .db exits 4" 4 "'$T/image.db'" "$T/out" \
	"$CREDAUDIT" report --db "$T/image.db" --out "$T/out" --now "$NOW"

gzip -c "$DB" >"$T/compressed.db"
fails "gzip file named .db exits 4" 4 "'$T/compressed.db'" "$T/out" \
	"$CREDAUDIT" report --db "$T/compressed.db" --out "$T/out" --now "$NOW"

cp samples/schema.sql "$T/dump.db"
fails "SQL text named .db exits 4" 4 "'$T/dump.db'" "$T/out" \
	"$CREDAUDIT" report --db "$T/dump.db" --out "$T/out" --now "$NOW"

head -c 8192 "$DB" >"$T/truncated.db"
fails "truncated SQLite file exits 4" 4 "'$T/truncated.db'" "$T/out" \
	"$CREDAUDIT" report --db "$T/truncated.db" --out "$T/out" --now "$NOW"

if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$T/other.db" "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
	fails "SQLite without credential tables exits 4" 4 "'$T/other.db'" "$T/out" \
		"$CREDAUDIT" report --db "$T/other.db" --out "$T/out" --now "$NOW"
	sqlite3 "$T/users-only.db" "CREATE TABLE users (id INTEGER PRIMARY KEY);"
	fails "SQLite with only users exits 4" 4 "'$T/users-only.db'" "$T/out" \
		"$CREDAUDIT" report --db "$T/users-only.db" --out "$T/out" --now "$NOW"
	# A view over a table that is gone fails when the schema is read; one
	# that fails on a row fails while credentials are written. Both are
	# the snapshot's fault, and neither leaves a report behind.
	cp "$DB" "$T/view-gone.db"
	sqlite3 "$T/view-gone.db" "CREATE TABLE k2 AS SELECT * FROM keys; DROP TABLE keys;
		CREATE VIEW keys AS SELECT * FROM k2; DROP TABLE k2;"
	fails "a view over a dropped table exits 4" 4 "a view or table in it does not work" "$T/out" \
		"$CREDAUDIT" report --db "$T/view-gone.db" --out "$T/out" --now "$NOW"
	cp "$DB" "$T/view-fails.db"
	sqlite3 "$T/view-fails.db" "CREATE TABLE k2 AS SELECT * FROM keys; DROP TABLE keys;
		CREATE VIEW keys AS SELECT id, user_id, key, title, type, fingerprint,
		fingerprint_sha256, created_at, last_used_at, expires_at,
		CASE WHEN id = 30 THEN abs(-9223372036854775807 - 1) ELSE usage_type END AS usage_type
		FROM k2;"
	fails "a view that fails on a row exits 4" 4 "a view or table in it does not work" "$T/out" \
		"$CREDAUDIT" report --db "$T/view-fails.db" --out "$T/out" --now "$NOW"
else
	skip "SQLite without credential tables exits 4" "no sqlite3"
	skip "SQLite with only users exits 4" "no sqlite3"
fi

# The output folder cannot be written: exit 5.

echo "not a folder" >"$T/file"
fails "--out naming a file exits 5" 5 "'$T/file'" "$T/file" \
	"$CREDAUDIT" report --db "$DB" --out "$T/file" --now "$NOW"
fails "--out under a file exits 5" 5 "$T/file/out" "$T/file" \
	"$CREDAUDIT" report --db "$DB" --out "$T/file/out" --now "$NOW"
fails "--out under /proc exits 5" 5 "/proc/credaudit-e2e" /proc/credaudit-e2e \
	"$CREDAUDIT" report --db "$DB" --out /proc/credaudit-e2e/out --now "$NOW"

# A failed run leaves the previous report as it was.

"$CREDAUDIT" report --db "$DB" --out "$T/previous" --now "$NOW" -q
fails "missing snapshot keeps the previous report" 3 "'$T/missing.db'" \
	"$T/previous" \
	"$CREDAUDIT" report --db "$T/missing.db" --out "$T/previous" --now "$NOW"
fails "PNG snapshot keeps the previous report" 4 "'$T/image.db'" \
	"$T/previous" \
	"$CREDAUDIT" report --db "$T/image.db" --out "$T/previous" --now "$NOW"

# A file size limit of 64 blocks of 512 bytes makes writing a report
# fail part-way, as a full disk would; SIGXFSZ is ignored so that the
# write returns EFBIG rather than killing the process.
fails "write failure exits 5 and keeps the previous report" 5 "report.json" \
	"$T/previous" \
	sh -c 'trap "" XFSZ; ulimit -f 64; exec "$@"' sh \
	"$CREDAUDIT" report --db "$DB" --out "$T/previous" --now 2027-01-01T00:00:00Z

# A snapshot from an older GitLab: keys without last_used_at and
# expires_at, and no GPG tables. What depends on them is "not available
# in this snapshot", never "never", "no expiry" or 0.

if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "older snapshot reports what it lacks" "no sqlite3"
	finish
fi
sed -e '/^CREATE TABLE keys (/,/^);/{/^[[:space:]]*last_used_at /d;/^[[:space:]]*expires_at /d;}' \
	-e '/^CREATE TABLE gpg_keys (/,/^);/d' \
	-e '/^CREATE TABLE gpg_key_subkeys (/,/^);/d' \
	samples/schema.sql >"$T/older.sql"
sqlite3 "$T/older.db" <"$T/older.sql"
for table in $(sqlite3 "$T/older.db" "SELECT name FROM sqlite_master WHERE type = 'table';"); do
	columns=$(sqlite3 "$T/older.db" "SELECT group_concat(name, ', ') FROM pragma_table_info('$table');")
	sqlite3 "$T/older.db" "ATTACH '$DB' AS demo; INSERT INTO $table ($columns) SELECT $columns FROM demo.$table;"
done
lacks=
sqlite3 "$T/older.db" "SELECT key FROM keys WHERE last_used_at IS NULL LIMIT 1;" >/dev/null 2>&1 ||
	lacks="${lacks}keys.last_used_at "
sqlite3 "$T/older.db" "SELECT key FROM keys WHERE expires_at IS NULL LIMIT 1;" >/dev/null 2>&1 ||
	lacks="${lacks}keys.expires_at "
sqlite3 "$T/older.db" "SELECT 1 FROM gpg_keys LIMIT 1;" >/dev/null 2>&1 ||
	lacks="${lacks}gpg_keys "
keys=$(sqlite3 "$T/older.db" "SELECT count(*) FROM keys;")
if [ "$lacks" = "keys.last_used_at keys.expires_at gpg_keys " ] && [ "$keys" -gt 0 ]; then
	pass "older snapshot lacks the columns and tables"
else
	fail "older snapshot lacks the columns and tables" \
		"lacks: $lacks; keys: $keys"
fi

OLD=$T/older-out
"$CREDAUDIT" report --db "$T/older.db" --out "$OLD" --now "$NOW" \
	>"$T/stdout" 2>"$T/stderr"
status=$?
if [ "$status" -eq 0 ]; then
	pass "older snapshot exits 0"
else
	fail "older snapshot exits 0" "exit status $status" "$(cat "$T/stderr")"
	finish
fi

NA="not available in this snapshot"

# JSON: every SSH and deploy key names both fields in "unavailable", no
# rule that needs them fired, and the GPG counts are null, not 0.
"$INSPECT" json "$OLD/report.json" >"$T/old-json"
ssh_keys=$(sed -n 's/^kind ssh_key //p' "$T/old-json")
deploy_keys=$(sed -n 's/^kind deploy_key //p' "$T/old-json")
wrong=
for line in "unavailable ssh_key last_used_at $ssh_keys" \
	"unavailable ssh_key expires_at $ssh_keys" \
	"unavailable deploy_key last_used_at $deploy_keys" \
	"unavailable deploy_key expires_at $deploy_keys" \
	"available gpg_key false" \
	"summary gpg_key active null" \
	"summary gpg_key expired null" \
	"summary gpg_key revoked null" \
	"kind gpg_key 0"
do
	grep -qxF "$line" "$T/old-json" || wrong="$wrong; no '$line'"
done
used=$(grep -E '^finding (ssh|deploy)_key credential-(unused|never-used|expiring) ' "$T/old-json")
[ -n "$used" ] && wrong="$wrong; findings that need the missing columns: $used"
if [ "$ssh_keys" -gt 0 ] && [ -z "$wrong" ]; then
	pass "older snapshot: JSON marks what it lacks"
else
	fail "older snapshot: JSON marks what it lacks" "$ssh_keys SSH keys$wrong"
fi

# check_cells NAME CELLS FILTER: FILTER is an awk condition on the
# tab-separated cells; pass when at least one cell matches and every
# matching cell reads "not available in this snapshot".
check_cells() {
	matched=$(awk -F "$TAB" "$3" "$2" | wc -l)
	other=$(awk -F "$TAB" "($3) && \$NF != \"$NA\"" "$2" | head -n 10)
	if [ "$matched" -gt 0 ] && [ -z "$other" ]; then
		pass "$1"
	else
		fail "$1" "$matched cells; these say something else:" "$other"
	fi
}

# HTML: the cells of the inventory pages and the summary row of GPG keys.
for page in "$OLD"/inventory/*.html; do
	"$INSPECT" html-cells "$page"
done >"$T/old-html"
"$INSPECT" html-cells "$OLD/report.html" >>"$T/old-html"
check_cells "older snapshot: HTML key use and expiry not available" \
	"$T/old-html" \
	'$1 == "inventory" && ($2 == "ssh_key" || $2 == "deploy_key") && ($4 == "Last used" || $4 == "Expires")'
row=$(awk -F "$TAB" '$1 == "summary" && $4 == "Kind" && $5 == "GPG keys" { print $3 }' "$T/old-html")
check_cells "older snapshot: HTML GPG counts not available" \
	"$T/old-html" "\$1 == \"summary\" && \$3 == \"$row\" && \$4 != \"Kind\""
rows=$(awk -F "$TAB" '$1 == "inventory" && ($2 == "ssh_key" || $2 == "deploy_key") && $4 == "ID"' "$T/old-html" | wc -l)
if [ "$rows" -eq $((ssh_keys + deploy_keys)) ]; then
	pass "older snapshot: HTML lists every key"
else
	fail "older snapshot: HTML lists every key" \
		"$rows rows, expected $((ssh_keys + deploy_keys))"
fi

# Markdown: the overview lists no keys, but names their pages; the GPG
# counts and section state why they are empty.
"$INSPECT" md-cells "$OLD/report.md" >"$T/old-md"
if grep -qF '`inventory/ssh_key-0001.html`' "$OLD/report.md"; then
	pass "older snapshot: Markdown names the SSH key pages"
else
	fail "older snapshot: Markdown names the SSH key pages" \
		"$(grep -A3 '^### SSH keys' "$OLD/report.md")"
fi
row=$(awk -F "$TAB" '$1 == "Summary" && $3 == "Kind" && $4 == "GPG keys" { print $2 }' "$T/old-md")
awk -F "$TAB" -v row="$row" '$1 == "Summary" && $2 == row && $3 != "Kind" { print $4 }' \
	"$T/old-md" >"$T/gpg-counts"
if [ -n "$row" ] && grep -qxF "$NA" "$T/gpg-counts" &&
   ! grep -qE '[0-9]' "$T/gpg-counts"; then
	pass "older snapshot: Markdown GPG counts not available"
else
	fail "older snapshot: Markdown GPG counts not available" \
		"the GPG keys summary row says: $(tr '\n' '|' <"$T/gpg-counts")"
fi
if awk '/^### GPG keys/ { found = 1; next } found && NF { print; exit }' \
	"$OLD/report.md" | grep -qF "$NA"; then
	pass "older snapshot: Markdown GPG section not available"
else
	fail "older snapshot: Markdown GPG section not available" \
		"$(grep -A3 '^### GPG keys' "$OLD/report.md")"
fi

# A final name that is now a folder stops the commit before any file moves,
# so the folder keeps the whole previous report, not a mix of two runs.
KEEP="$T/keep"
"$CREDAUDIT" report -q --db "$DB" --out "$KEEP" --now "$NOW"
rm "$KEEP/report.md"
mkdir "$KEEP/report.md"
fails "output name taken by a folder exits 5" 5 "'$KEEP/report.md'" "$KEEP" \
	"$CREDAUDIT" report --db "$DB" --out "$KEEP" --now 2026-12-05T12:00:00Z

# A restyled template that credaudit rejects is a usage error, found
# before any work is done.
mkdir -p "$T/template"
printf '<html><body onload="x()"></body></html>\n' >"$T/template/report.html"
fails "template with an event handler exits 2" 2 "'$T/template'" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$NOW" --template "$T/template"
fails "missing template folder exits 2" 2 "'$T/no-such-folder'" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$NOW" --template "$T/no-such-folder"

# Missing columns and tables: what decides a kind or a state is required,
# and supporting data that is absent makes a field "not available" rather
# than a claim.
variant() {
	rm -f "$T/variant.db"
	cp "$DB" "$T/variant.db"
	sqlite3 "$T/variant.db" "$1"
	rm -rf "$T/variant"
	"$CREDAUDIT" report -q --db "$T/variant.db" --out "$T/variant" --now "$NOW" \
		2>"$T/variant.err"
}
json_fact() {
	"$BUILD/tests/inspect" json "$T/variant/report.json" | grep -qx "$1"
}
gpg_field() {
	"$BUILD/tests/inspect" json-fields "$T/variant/report.json" |
		awk -F '\t' -v id="$1" -v f="$2" '$2 == "gpg_key" && $3 == id && $4 == f { print $5 }'
}

variant "ALTER TABLE personal_access_tokens DROP COLUMN expires_at"
check "tokens without expires_at are not available" \
	json_fact "available personal_access_token false"
check "tokens without expires_at are not counted" \
	json_fact "summary personal_access_token expired null"

variant "ALTER TABLE keys DROP COLUMN type"
check "keys without type are not available" json_fact "available ssh_key false"

# A users table without rows while credentials name owners is a failed
# export of users: every credential would read as owner-missing and be
# proposed for revocation.
cp "$DB" "$T/no-users.db"
sqlite3 "$T/no-users.db" "DELETE FROM users"
owned=$(sqlite3 "$T/no-users.db" "SELECT (SELECT count(*) FROM personal_access_tokens WHERE user_id IS NOT NULL)
	+ (SELECT count(*) FROM keys WHERE user_id IS NOT NULL)
	+ (SELECT count(*) FROM gpg_keys WHERE user_id IS NOT NULL)")
fails "users without rows exits 4" 4 \
	"the users table of '$T/no-users.db' has no rows, but $owned credentials name an owner" \
	"$T/out" \
	"$CREDAUDIT" report --db "$T/no-users.db" --out "$T/out" --now "$NOW"
"$CREDAUDIT" report -q --db "$DB" --out "$T/no-users-previous" --now "$NOW"
fails "users without rows keeps the previous report" 4 "'$T/no-users.db'" \
	"$T/no-users-previous" \
	"$CREDAUDIT" report --db "$T/no-users.db" --out "$T/no-users-previous" --now "$NOW"

# Users rows whose ids are all invalid name no owner either.
cp "$DB" "$T/bad-user-ids.db"
sqlite3 "$T/bad-user-ids.db" "ALTER TABLE users RENAME TO old_users;
	CREATE TABLE users (id, username, name, email, state, user_type, admin, confirmed_at);
	INSERT INTO users (id, username, state, user_type, admin) VALUES ('x2', 'ann', 'active', 0, 0);
	DROP TABLE old_users"
fails "users with only invalid ids exits 4" 4 \
	"the users table of '$T/bad-user-ids.db' has no row with a valid id (1 row, each with an id that is not a positive whole number)" \
	"$T/out" \
	"$CREDAUDIT" report --db "$T/bad-user-ids.db" --out "$T/out" --now "$NOW"

# With no owner named anywhere, no users are needed.
if variant "DELETE FROM users; UPDATE personal_access_tokens SET user_id = NULL;
	UPDATE keys SET user_id = NULL; UPDATE gpg_keys SET user_id = NULL"; then
	pass "users without rows and no owners exits 0"
else
	fail "users without rows and no owners exits 0" "$(cat "$T/variant.err")"
fi

cp "$DB" "$T/no-admin.db"
sqlite3 "$T/no-admin.db" "ALTER TABLE users DROP COLUMN admin"
fails "users without admin exits 4" 4 "lacks column admin" "$T/out" \
	"$CREDAUDIT" report --db "$T/no-admin.db" --out "$T/out" --now "$NOW"

# GPG key 2 is verified through a confirmed secondary address.
variant "DROP TABLE emails"
if [ "$(gpg_field 2 verification)" = null ] &&
   json_fact "unavailable gpg_key verification [1-9][0-9]*"; then
	pass "without emails a GPG verification is not available"
else
	fail "without emails a GPG verification is not available" \
		"verification: $(gpg_field 2 verification)"
fi

# GPG key 12 is verified only through the private commit address.
variant "DROP TABLE credaudit_snapshot"
if [ "$(gpg_field 12 verification)" = verified ]; then
	pass "without gitlab_host the commit address still verifies"
else
	fail "without gitlab_host the commit address still verifies" \
		"verification: $(gpg_field 12 verification)"
fi

variant "DROP TABLE members; DROP TABLE user_details"
if ! grep -qE '"rule": *"token-resource-missing"' "$T/variant/report.json" &&
   json_fact "unavailable project_access_token resource 9"; then
	pass "without members a token's resource is not available"
else
	fail "without members a token's resource is not available" \
		"$(grep -cE '"rule": *"token-resource-missing"' "$T/variant/report.json") findings"
fi

# A users.state that GitLab does not define is a value-invalid finding,
# not a reason to revoke. User 12 is blocked in the sample.
variant "UPDATE users SET state = 'weird' WHERE id = 12"
if grep -q 'owner state \\"weird\\" is not one GitLab defines' "$T/variant/report.json" &&
   ! grep -q 'owner @[a-z]* is weird' "$T/variant/report.json"; then
	pass "unknown owner state is value-invalid"
else
	fail "unknown owner state is value-invalid" "$(grep -o 'weird[^"]*' "$T/variant/report.json" | head -3)"
fi

# Values that cannot have happened are flagged, never silently read.
variant "UPDATE personal_access_tokens SET revoked = 2 WHERE id = 4;
	UPDATE personal_access_tokens SET last_used_at = '2030-01-01 00:00:00' WHERE id = 16;
	UPDATE personal_access_tokens SET created_at = '2026-12-01', expires_at = '2026-11-01' WHERE id = 17"
check "revoked flag 2 is value-invalid" \
	grep -q 'revoked is \\"2\\", not a boolean' "$T/variant/report.json"
check "last use after the reference time is value-invalid" \
	grep -q 'last_used_at 2030-01-01T00:00:00Z is later than the reference time' "$T/variant/report.json"
check "expiry before creation is value-invalid" \
	grep -q 'expires_at 2026-11-01 is before created_at' "$T/variant/report.json"

# A repeated credential id (no primary key in an edited copy) is flagged
# and planned once, so approve can read the plan.
variant "CREATE TABLE copy AS SELECT * FROM personal_access_tokens;
	DROP TABLE personal_access_tokens;
	ALTER TABLE copy RENAME TO personal_access_tokens;
	INSERT INTO personal_access_tokens SELECT * FROM personal_access_tokens WHERE id IN (12, 30)"
check "repeated token id is value-invalid" \
	grep -q 'id 30 occurs more than once in table personal_access_tokens' "$T/variant/report.json"
check "plan with a repeated id is approvable" \
	"$CREDAUDIT" approve -q "$T/variant/plan.md"

# A NUL byte inside a name would end the C string; the rest stays visible.
variant "UPDATE personal_access_tokens SET name = 'abc' || char(0) || 'zz' WHERE id = 4"
check "name with a NUL byte keeps its tail" \
	grep -q '"name": *"abc\\\\u{0000}zz"' "$T/variant/report.json"

finish
