#!/bin/sh
# credaudit report with options that contradict each other or put the
# snapshot at risk: each is a usage error (exit 2) that names the value
# and writes nothing. Also a snapshot in WAL mode without its -wal file,
# which is read without creating files beside it.
. tests/e2e/lib.sh

DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP

fails "--db twice exits 2" 2 "--db given twice" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --db "$T/other.db" --out "$T/out" --now "$NOW"
fails "--out twice exits 2" 2 "--out given twice" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --out "$T/other" --now "$NOW"
fails "empty --out exits 2" 2 "empty --out" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "" --now "$NOW"
fails "--now twice exits 2" 2 "--now given twice" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$NOW" --now "$NOW"
fails "--plan-valid-days twice exits 2" 2 "--plan-valid-days given twice" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$NOW" \
	--plan-valid-days 3 --plan-valid-days 4
fails "--template twice exits 2" 2 "--template given twice" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$NOW" \
	--template templates --template templates
fails "--no-cache twice exits 2" 2 "--no-cache given twice" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now "$NOW" \
	--no-cache --no-cache
fails "empty --db exits 2" 2 "empty --db" "$T/out" \
	"$CREDAUDIT" report --db= --out "$T/out" --now "$NOW"
fails "empty --template exits 2" 2 "empty --template" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --template "" --out "$T/out" --now "$NOW"
fails "-q with -v exits 2" 2 "-q and -v" "$T/out" \
	"$CREDAUDIT" report -q -v --db "$DB" --out "$T/out" --now "$NOW"

# The plan's valid_until is --now plus --plan-valid-days, and approve
# reads only four-digit years.
fails "plan ending after 9999 exits 2" 2 "9999-12-31T23:59:59Z" "$T/out" \
	"$CREDAUDIT" report --db "$DB" --out "$T/out" --now 9999-12-31T23:59:59Z
fails "plan ending after 9999 with fewer days exits 2" 2 "--plan-valid-days 1" \
	"$T/out" "$CREDAUDIT" report --db "$DB" --out "$T/out" \
	--now 9999-12-31T00:00:01Z --plan-valid-days 1
if "$CREDAUDIT" report -q --db "$DB" --out "$T/late" \
	--now 9999-12-24T23:59:59Z && grep -q '9999-12-31T23:59:59Z' "$T/late/plan.json"
then
	pass "plan ending on 9999-12-31 is written"
else
	fail "plan ending on 9999-12-31 is written" "$(grep -m1 valid_until "$T/late/plan.json")"
fi

# The demo was exported at 2026-12-04T12:00:00Z: a --now half a year
# later warns and names the export time to pass instead.
if "$CREDAUDIT" report --db "$DB" --out "$T/later" --now 2027-06-01T00:00:00Z \
	2>"$T/stderr" >/dev/null &&
	grep -q "178 days after the snapshot was exported.*--now 2026-12-04T12:00:00Z" "$T/stderr"
then
	pass "--now long after the export warns"
else
	fail "--now long after the export warns" "stderr: $(cat "$T/stderr")"
fi
if "$CREDAUDIT" report --db "$DB" --out "$T/soon" --now 2026-12-20T00:00:00Z \
	2>"$T/stderr" >/dev/null && ! grep -q "after the snapshot was exported" "$T/stderr"
then
	pass "--now soon after the export is quiet"
else
	fail "--now soon after the export is quiet" "stderr: $(cat "$T/stderr")"
fi

# A snapshot where the report writes would be destroyed by it.
mkdir "$T/same"
cp "$DB" "$T/same/report.json"
fails "snapshot as report.json exits 2" 2 "report's report.json" "$T/same" \
	"$CREDAUDIT" report --db "$T/same/report.json" --out "$T/same" --now "$NOW"
mkdir -p "$T/inv/inventory"
cp "$DB" "$T/inv/inventory/snap.db"
fails "snapshot in inventory exits 2" 2 "which the report replaces" "$T/inv" \
	"$CREDAUDIT" report --db "$T/inv/inventory/snap.db" --out "$T/inv" --now "$NOW"
mkdir "$T/linked"
ln -s "$(pwd)/$DB" "$T/linked/plan.md"
fails "snapshot linked as plan.md exits 2" 2 "report's plan.md" "$T/linked" \
	"$CREDAUDIT" report --db "$DB" --out "$T/linked" --now "$NOW"

# The report replaces OUT/inventory whole, so a folder of that name with
# files it did not write, or a file of that name, is left alone.
mkdir -p "$T/ansible/inventory"
echo "[web]" >"$T/ansible/inventory/hosts.ini"
fails "foreign inventory folder exits 2" 2 "'hosts.ini', which credaudit did not write" \
	"$T/ansible" "$CREDAUDIT" report --db "$DB" --out "$T/ansible" --now "$NOW"
mkdir "$T/notdir"
echo "not a folder" >"$T/notdir/inventory"
fails "inventory that is a file exits 2" 2 "is not a folder" "$T/notdir" \
	"$CREDAUDIT" report --db "$DB" --out "$T/notdir" --now "$NOW"
"$CREDAUDIT" report -q --db "$DB" --out "$T/nested/inventory" --now "$NOW"
fails "report inside inventory exits 2" 2 "'report.html', which credaudit did not write" \
	"$T/nested" "$CREDAUDIT" report --db "$DB" --out "$T/nested" --now "$NOW"
check "rerun over its own inventory" \
	"$CREDAUDIT" report -q --db "$DB" --out "$T/nested/inventory" --now "$NOW"

# users.id stored as text, as a plain sqlite3 .import makes it, sorts as
# text in SQL; owners must still be found, and a repeated id is named.
if command -v sqlite3 >/dev/null 2>&1; then
	cp "$DB" "$T/text-ids.db"
	sqlite3 "$T/text-ids.db" "CREATE TABLE u2 AS SELECT CAST(id AS TEXT) AS id, username, name, state, user_type, admin, email, confirmed_at FROM users; DROP TABLE users; ALTER TABLE u2 RENAME TO users;"
	"$CREDAUDIT" report -q --db "$DB" --out "$T/int-out" --now "$NOW"
	"$CREDAUDIT" report -q --db "$T/text-ids.db" --out "$T/text-out" --now "$NOW"
	if [ -s "$T/text-out/credentials.csv" ] &&
		cmp -s "$T/int-out/credentials.csv" "$T/text-out/credentials.csv"; then
		pass "users ids stored as text match"
	else
		fail "users ids stored as text match" \
			"$(diff "$T/int-out/credentials.csv" "$T/text-out/credentials.csv" | head -n 6)"
	fi
	sqlite3 "$T/text-ids.db" "INSERT INTO users SELECT * FROM users WHERE id = '3';"
	if "$CREDAUDIT" report --db "$T/text-ids.db" --out "$T/text-out" --now "$NOW" \
		2>"$T/stderr" >/dev/null && grep -q "users table repeats id 3:" "$T/stderr"; then
		pass "repeated users id warns"
	else
		fail "repeated users id warns" "stderr: $(cat "$T/stderr")"
	fi
fi

# Token ids that GitLab's API cannot take (NULL, text, 0) are findings
# and stay out of the plan, so that approve accepts it.
if command -v sqlite3 >/dev/null 2>&1; then
	cp "$DB" "$T/bad-ids.db"
	sqlite3 "$T/bad-ids.db" "CREATE TABLE p2 AS SELECT * FROM personal_access_tokens; DROP TABLE personal_access_tokens; ALTER TABLE p2 RENAME TO personal_access_tokens; UPDATE personal_access_tokens SET id = NULL WHERE id = 10; UPDATE personal_access_tokens SET id = 'abc' WHERE id = 12; UPDATE personal_access_tokens SET id = 0 WHERE id = 15;"
	"$CREDAUDIT" report -q --db "$T/bad-ids.db" --out "$T/bad-ids" --now "$NOW"
	found=$(grep -c 'not a positive integer' "$T/bad-ids/report.json")
	sed 's/^- \[ \]/- [x]/' "$T/bad-ids/plan.md" >"$T/bad-ids/ticked.md" &&
		mv "$T/bad-ids/ticked.md" "$T/bad-ids/plan.md"
	if [ "$found" -eq 3 ] && ! grep -q 'revoke-pat-0`' "$T/bad-ids/plan.md" &&
		"$CREDAUDIT" approve "$T/bad-ids/plan.md" >/dev/null 2>"$T/stderr"; then
		pass "invalid token ids stay out of the plan"
	else
		fail "invalid token ids stay out of the plan" "$found findings" \
			"stderr: $(cat "$T/stderr")"
	fi
fi

# A file named like an SQLite URI is read as a file, and a FIFO is
# rejected instead of blocking the run.
mkdir "$T/names"
cp "$DB" "$T/names/real.db"
cp samples/hostile.db "$T/names/file:real.db"
case $CREDAUDIT in
/*) binary=$CREDAUDIT ;;
*) binary=$(pwd)/$CREDAUDIT ;;
esac
(cd "$T/names" && "$binary" report -q --db "file:real.db" --out out --now "$NOW")
# The hostile sample, not the demo, has 86 credentials.
if [ "$(grep -c '"kind":' "$T/names/out/report.json")" -eq 86 ]; then
	pass "snapshot named file:NAME is read as a file"
else
	fail "snapshot named file:NAME is read as a file" \
		"$(grep -c '"kind":' "$T/names/out/report.json") credentials"
fi
if command -v mkfifo >/dev/null 2>&1; then
	mkfifo "$T/names/pipe.db"
	fails "FIFO as snapshot exits 3" 3 "not a regular file" "$T/out" \
		timeout 10 "$CREDAUDIT" report --db "$T/names/pipe.db" --out "$T/out" --now "$NOW"
fi

# WAL mode without a -wal file: a warning, and no -wal or -shm file.
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok - WAL snapshot without -wal creates no files # skip no sqlite3"
	finish
fi
mkdir "$T/wal"
cp "$DB" "$T/wal/snap.db"
sqlite3 "$T/wal/snap.db" "PRAGMA journal_mode = WAL;" >/dev/null
"$CREDAUDIT" report --db "$T/wal/snap.db" --out "$T/wal-out" --now "$NOW" \
	>"$T/stdout" 2>"$T/stderr"
status=$?
leftover=$(ls "$T/wal" | grep -v '^snap\.db$')
if [ "$status" -eq 0 ] && [ -z "$leftover" ] &&
	grep -q "WAL mode with no '$T/wal/snap.db-wal'" "$T/stderr"; then
	pass "WAL snapshot without -wal creates no files"
else
	fail "WAL snapshot without -wal creates no files" "exit $status" \
		"beside it: $leftover" "stderr: $(cat "$T/stderr")"
fi
"$CREDAUDIT" report -q --db "$DB" --out "$T/plain-out" --now "$NOW"
if [ -s "$T/wal-out/credentials.csv" ] &&
	cmp -s "$T/wal-out/credentials.csv" "$T/plain-out/credentials.csv"; then
	pass "WAL snapshot gives the same credentials"
else
	fail "WAL snapshot gives the same credentials" \
		"$(diff "$T/wal-out/credentials.csv" "$T/plain-out/credentials.csv" | head -n 5)"
fi

# A name or username far longer than GitLab stores is cut to 131072
# bytes when it is read, with a value-invalid finding, so that one value
# is not copied whole into every output. Owner 2 has several credentials.
cp "$DB" "$T/long.db"
sqlite3 "$T/long.db" "UPDATE users SET username = 'u' || hex(zeroblob(1000000)) WHERE id = 2;
	UPDATE personal_access_tokens SET name = hex(zeroblob(100000)) WHERE id = 3"
if "$CREDAUDIT" report -q --db "$T/long.db" --out "$T/long" --now "$NOW" 2>"$T/stderr"; then
	pass "long values: report exits 0"
else
	fail "long values: report exits 0" "stderr: $(cat "$T/stderr")"
fi
"${INSPECT:-$BUILD/tests/inspect}" json-fields "$T/long/report.json" >"$T/long.fields"
if grep -qF "the name is 200000 bytes, more than GitLab stores; the reports show its first 131072 bytes" "$T/long.fields"; then
	pass "long values: a cut token name is a finding"
else
	fail "long values: a cut token name is a finding" "$(grep 'personal_access_token.3.' "$T/long.fields" | head -n 5)"
fi
owned=$(sqlite3 "$T/long.db" "SELECT (SELECT count(*) FROM personal_access_tokens WHERE user_id = 2) + (SELECT count(*) FROM keys WHERE user_id = 2) + (SELECT count(*) FROM gpg_keys WHERE user_id = 2)")
equal_count=$(grep -cF "the owner's username is longer than GitLab stores; the reports show its first 131072 bytes" "$T/long.fields")
if [ "$equal_count" -eq "$owned" ]; then
	pass "long values: each credential of the owner has the finding"
else
	fail "long values: each credential of the owner has the finding" "$equal_count findings, $owned credentials"
fi
# Whole, the username alone would put 2 MB into report.json per
# credential, 14 MB in all; cut, it puts 128 KiB.
size=$(wc -c <"$T/long/report.json")
if [ "$size" -lt 3000000 ]; then
	pass "long values: report.json stays small"
else
	fail "long values: report.json stays small" "$size bytes"
fi

# An owner id that is NULL or not a number: the owner is unknown, with a
# value-invalid finding, and never shown as a user 0. A token gets no plan
# action, because apply checks the token's owner. A user's SSH key gets a
# manual step that finds the owner by the key's id.
cp "$DB" "$T/owners.db"
sqlite3 "$T/owners.db" "UPDATE personal_access_tokens SET user_id = NULL WHERE id = 12;
	UPDATE keys SET user_id = NULL WHERE id = 5; UPDATE keys SET user_id = 'abc' WHERE id = 19;
	UPDATE gpg_keys SET user_id = NULL WHERE id = 1; UPDATE personal_access_tokens SET user_id = '3' WHERE id = 2;
	UPDATE personal_access_tokens SET user_id = -3 WHERE id = 15"
"$CREDAUDIT" report -q --db "$T/owners.db" --out "$T/owners" --now "$NOW" 2>"$T/stderr"
"${INSPECT:-$BUILD/tests/inspect}" json-fields "$T/owners/report.json" >"$T/owners.fields"
for case in "personal_access_token	12	user_id is NULL" "ssh_key	5	user_id is NULL" \
	"ssh_key	19	user_id is \"abc\", not a user id" "gpg_key	1	user_id is NULL" \
	"personal_access_token	15	user_id is \"-3\", not a user id"; do
	if grep -qF "message	${case%%	*}	$(printf '%s' "$case" | cut -f2)	value-invalid	$(printf '%s' "$case" | cut -f3)" "$T/owners.fields"; then
		pass "invalid owner id: $(printf '%s' "$case" | tr '\t' ' ') is value-invalid"
	else
		fail "invalid owner id: $(printf '%s' "$case" | tr '\t' ' ') is value-invalid" \
			"$(grep "	$(printf '%s' "$case" | cut -f2)	value-invalid" "$T/owners.fields")"
	fi
done
if grep -rq 'user 0' "$T/owners/report.md" "$T/owners/report.html" "$T/owners/plan.md" "$T/owners/inventory"; then
	fail "invalid owner id: no output names a user 0" "$(grep -rl 'user 0' "$T/owners")"
else
	pass "invalid owner id: no output names a user 0"
fi
if grep -q 'revoke-pat-12`' "$T/owners/plan.md"; then
	fail "invalid owner id: the token gets no plan action"
else
	pass "invalid owner id: the token gets no plan action"
fi
if grep -q '`delete-ssh-key-5`.*find it with GET /api/v4/keys/5, then send DELETE /api/v4/users/\\:user\\_id/keys/5' "$T/owners/plan.md"; then
	pass "invalid owner id: the SSH key gets a manual step"
else
	fail "invalid owner id: the SSH key gets a manual step" "$(grep 'delete-ssh-key-5`' "$T/owners/plan.md")"
fi
if grep -qxF "field	personal_access_token	2	owner.username	bob" "$T/owners.fields" ||
   grep -q '"id":2,"name":"laptop-cli","owner":{"id":3,' "$T/owners/report.json"; then
	pass "owner id as text digits: the owner is found"
else
	fail "owner id as text digits: the owner is found" "$(grep -F 'laptop-cli' "$T/owners/report.json" | head -c 300)"
fi

# A NUL byte inside a state, a flag or a date makes the value invalid;
# what follows the NUL is not dropped. "active\0blocked" is no state.
cp "$DB" "$T/nul.db"
sqlite3 "$T/nul.db" "UPDATE users SET state = CAST('active' || char(0) || 'blocked' AS TEXT) WHERE id = 3;
	UPDATE personal_access_tokens SET expires_at = CAST('2027-01-01' || char(0) || 'x' AS TEXT) WHERE id = 4;
	UPDATE personal_access_tokens SET revoked = CAST('t' || char(0) || 'f' AS TEXT) WHERE id = 5"
"$CREDAUDIT" report -q --db "$T/nul.db" --out "$T/nul" --now "$NOW" 2>"$T/stderr"
"${INSPECT:-$BUILD/tests/inspect}" json-fields "$T/nul/report.json" >"$T/nul.fields"
for case in "personal_access_token	2	value-invalid	owner state" \
	"personal_access_token	4	date-invalid	expires_at cannot be parsed" \
	"personal_access_token	5	value-invalid	revoked"; do
	if grep -q "^message	$(printf '%s' "$case" | cut -f1-3)	$(printf '%s' "$case" | cut -f4)" "$T/nul.fields"; then
		pass "NUL byte: $(printf '%s' "$case" | cut -f1,2,4 | tr '\t' ' ') is invalid"
	else
		fail "NUL byte: $(printf '%s' "$case" | cut -f1,2,4 | tr '\t' ' ') is invalid" \
			"$(grep "	$(printf '%s' "$case" | cut -f2)	" "$T/nul.fields" | grep '^message' | head -n 5)"
	fi
done

# PostgreSQL's own text form of a bytea, "\x" and hex, is the stored
# fingerprint too, not a mismatch on every key.
cp "$DB" "$T/bytea.db"
sqlite3 "$T/bytea.db" "UPDATE keys SET fingerprint_sha256 = '\\x' || lower(hex(fingerprint_sha256)) WHERE fingerprint_sha256 IS NOT NULL"
"$CREDAUDIT" report -q --db "$DB" --out "$T/bytea-plain" --now "$NOW" 2>/dev/null
"$CREDAUDIT" report -q --db "$T/bytea.db" --out "$T/bytea" --now "$NOW" 2>/dev/null
plain=$(grep -o '"rule":"ssh-key-fingerprint-mismatch"' "$T/bytea-plain/report.json" | wc -l)
texted=$(grep -o '"rule":"ssh-key-fingerprint-mismatch"' "$T/bytea/report.json" | wc -l)
if [ "$plain" -gt 0 ] && [ "$plain" -eq "$texted" ]; then
	pass "a \\x hex fingerprint is read as the bytes it stands for"
else
	fail "a \\x hex fingerprint is read as the bytes it stands for" "$plain mismatches from BLOBs, $texted from \\x text"
fi

# users.admin is NOT NULL in GitLab. NULL is neither true nor false, so
# an admin-only scope is not called a non-administrator's. A value-invalid
# finding replaces token-admin-scope, and no plan action follows from it.
cp "$DB" "$T/admin.db"
sqlite3 "$T/admin.db" "UPDATE users SET admin = NULL WHERE id = 3"
"$CREDAUDIT" report -q --db "$T/admin.db" --out "$T/admin" --now "$NOW" 2>/dev/null
"${INSPECT:-$BUILD/tests/inspect}" json-fields "$T/admin/report.json" >"$T/admin.fields"
if grep -q "^message	personal_access_token	12	value-invalid	users.admin of @bob is neither true nor false" "$T/admin.fields" &&
   ! grep -q "^rule	personal_access_token	12	token-admin-scope" "$T/admin.fields"; then
	pass "NULL users.admin: the admin-scope rule is skipped, with a finding"
else
	fail "NULL users.admin: the admin-scope rule is skipped, with a finding" \
		"$(grep "	personal_access_token	12	" "$T/admin.fields" | grep '^message')"
fi
if grep -q '"id":12,"name":"sudo-attempt","owner":{"id":3,"in_snapshot":true,"username":"bob","name":"Bob Baker","state":"active","user_type":"human","admin":null}' "$T/admin/report.json"; then
	pass "NULL users.admin: report.json gives admin null"
else
	fail "NULL users.admin: report.json gives admin null" "$(grep -o '"id":12,"name":"sudo-attempt".\{0,200\}' "$T/admin/report.json")"
fi

finish
