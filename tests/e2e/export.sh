# The export path of docs/export.md: CSV files with the documented columns,
# loaded by scripts/import-csv.sh, give the same audit as the database they
# came from. The CSV files are written from samples/demo.db with the same
# SELECT statements the document runs on PostgreSQL.
. tests/e2e/lib.sh

DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
mkdir -p "$T/csv"

export_table() {
	sqlite3 -header -csv -nullvalue '\N' "$DB" "$2" >"$T/csv/$1.csv"
}

# Column order as in docs/export.md, which differs from samples/schema.sql.
export_table users "SELECT id, username, name, state, user_type, admin, email, confirmed_at FROM users"
export_table emails "SELECT id, user_id, email, confirmed_at FROM emails"
export_table user_details "SELECT user_id, bot_namespace_id FROM user_details"
export_table members "SELECT id, user_id, source_id, source_type FROM members"
export_table projects "SELECT id, path, namespace_id, project_namespace_id, archived, pending_delete, marked_for_deletion_at FROM projects"
export_table namespaces "SELECT id, path, type, parent_id FROM namespaces"
export_table personal_access_tokens "SELECT id, user_id, name, revoked, expires_at, created_at, updated_at, last_used_at, scopes, impersonation, previous_personal_access_token_id FROM personal_access_tokens"
export_table keys "SELECT id, user_id, key, title, type, fingerprint, hex(fingerprint_sha256) AS fingerprint_sha256, created_at, last_used_at, expires_at, usage_type FROM keys"
export_table gpg_keys "SELECT id, user_id, key, hex(primary_keyid) AS primary_keyid, hex(fingerprint) AS fingerprint, created_at FROM gpg_keys"
export_table application_settings "SELECT id, rsa_key_restriction, dsa_key_restriction, ecdsa_key_restriction, ed25519_key_restriction, ecdsa_sk_key_restriction, ed25519_sk_key_restriction, max_personal_access_token_lifetime, max_ssh_key_lifetime FROM application_settings"
host=$(sqlite3 "$DB" "SELECT value FROM credaudit_snapshot WHERE key = 'gitlab_host'")

# The export time is that of the newest file, not of the import.
touch -d 2026-12-01T08:00:00Z "$T/csv"/*.csv
touch -d 2026-12-01T09:30:00Z "$T/csv/users.csv"
if sh scripts/import-csv.sh "$T/csv" "$T/snapshot.db" "$host" 2>"$T/import.err"; then
	pass "import-csv loads the exported files"
else
	fail "import-csv loads the exported files" "$(cat "$T/import.err")"
fi
equal "import-csv records when the newest file was written" \
	"$(sqlite3 "$T/snapshot.db" "SELECT value FROM credaudit_snapshot WHERE key = 'exported_at'")" \
	2026-12-01T09:30:00Z
equal "import-csv prints no line per left-out column" \
	"$(grep -c 'not in ' "$T/import.err")" 0

if sh scripts/import-csv.sh "$T/csv" "$T/snapshot.db" 2>"$T/again.err"; then
	fail "import-csv keeps an existing database"
else
	check "import-csv keeps an existing database" grep -q "already exists" "$T/again.err"
fi

"$CREDAUDIT" report -q --db "$DB" --out "$T/direct" --now "$NOW"
"$CREDAUDIT" report -q --db "$T/snapshot.db" --out "$T/imported" --now "$NOW"

# The credentials and their findings must match; the header names the file.
credentials() {
	awk '/^  "credentials": \[/ { on = 1 } on { print } on && /^  \]/ { exit }' \
		"$1/report.json"
}
credentials "$T/direct" >"$T/direct.json"
credentials "$T/imported" >"$T/imported.json"
if [ -s "$T/direct.json" ] && cmp -s "$T/direct.json" "$T/imported.json"; then
	pass "imported snapshot gives the same credentials"
else
	fail "imported snapshot gives the same credentials" \
		"$(diff "$T/direct.json" "$T/imported.json" | head -40)"
fi

# An older GitLab's export: keys without last_used_at, and no emails
# file. The snapshot must lack that column and that table. The report
# then names what it could not check, as for a database without them,
# instead of reading every key as never used.
mkdir -p "$T/old"
cp "$T/csv"/*.csv "$T/old/"
rm "$T/old/emails.csv"
sqlite3 -header -csv -nullvalue '\N' "$DB" "SELECT id, user_id, key, title, type, fingerprint, hex(fingerprint_sha256) AS fingerprint_sha256, created_at, expires_at, usage_type FROM keys" >"$T/old/keys.csv"
if sh scripts/import-csv.sh "$T/old" "$T/old.db" "$host" 2>"$T/old.err"; then
	pass "import-csv loads an export that leaves out a column and a table"
else
	fail "import-csv loads an export that leaves out a column and a table" "$(cat "$T/old.err")"
fi
check "the left-out column is not in the snapshot" \
	test "$(sqlite3 "$T/old.db" "SELECT count(*) FROM pragma_table_info('keys') WHERE name = 'last_used_at'")" = 0
check "the table without a file is not in the snapshot" \
	test "$(sqlite3 "$T/old.db" "SELECT count(*) FROM sqlite_master WHERE name = 'emails'")" = 0
cp "$DB" "$T/old-direct.db"
sqlite3 "$T/old-direct.db" "ALTER TABLE keys DROP COLUMN last_used_at; DROP TABLE emails"
"$CREDAUDIT" report -q --db "$T/old-direct.db" --out "$T/old-direct" --now "$NOW"
"$CREDAUDIT" report -q --db "$T/old.db" --out "$T/old-imported" --now "$NOW"
credentials "$T/old-direct" >"$T/old-direct.json"
credentials "$T/old-imported" >"$T/old-imported.json"
if [ -s "$T/old-direct.json" ] && cmp -s "$T/old-direct.json" "$T/old-imported.json"; then
	pass "an imported older export gives the same credentials as the database"
else
	fail "an imported older export gives the same credentials as the database" \
		"$(diff "$T/old-direct.json" "$T/old-imported.json" | head -20)"
fi
if grep -q '"credential-never-used"' "$T/old-imported.json" &&
   grep '"kind":"ssh_key"' "$T/old-imported.json" | grep -q 'credential-never-used'; then
	fail "keys without last_used_at are not called never used"
else
	pass "keys without last_used_at are not called never used"
fi

# A folder whose name has an apostrophe, a double quote and a backslash
# imports like any other, and an empty file, which a failed \copy leaves,
# is named.
odd="$T/O'Brien \"exports\\"
mkdir -p "$odd"
cp "$T/csv/users.csv" "$T/csv/personal_access_tokens.csv" "$odd/"
if sh scripts/import-csv.sh "$odd" "$T/odd.db" 2>"$T/odd.err"; then
	pass "import-csv reads a folder with quotes in its name"
else
	fail "import-csv reads a folder with quotes in its name" "$(cat "$T/odd.err")"
fi
: >"$odd/keys.csv"
if sh scripts/import-csv.sh "$odd" "$T/odd-empty.db" 2>"$T/odd-empty.err"; then
	fail "import-csv rejects an empty file by name"
else
	check "import-csv rejects an empty file by name" grep -q "keys.csv' is empty" "$T/odd-empty.err"
fi

# A file without the column that identifies rows is rejected.
mkdir -p "$T/noid"
sqlite3 -header -csv "$DB" "SELECT user_id, name FROM personal_access_tokens" >"$T/noid/personal_access_tokens.csv"
if sh scripts/import-csv.sh "$T/noid" "$T/noid.db" 2>"$T/noid.err"; then
	fail "import-csv rejects a file without the id column"
else
	check "import-csv rejects a file without the id column" grep -q "has no column id" "$T/noid.err"
fi

# A header with a column the table does not have is rejected by name.
mkdir -p "$T/bad"
printf 'id,username,nickname\n1,root,x\n' >"$T/bad/users.csv"
if sh scripts/import-csv.sh "$T/bad" "$T/bad.db" 2>"$T/bad.err"; then
	fail "import-csv rejects an unknown column"
else
	check "import-csv rejects an unknown column" grep -q "nickname" "$T/bad.err"
fi
check "import-csv leaves no database after a failure" test ! -e "$T/bad.db"

# A users file with only its header row, which a users query that failed
# or returned nothing leaves, while the tokens name owners: rejected,
# because credaudit would take every owner for deleted.
mkdir -p "$T/no-users"
head -n 1 "$T/csv/users.csv" >"$T/no-users/users.csv"
cp "$T/csv/personal_access_tokens.csv" "$T/no-users/"
if sh scripts/import-csv.sh "$T/no-users" "$T/no-users.db" 2>"$T/no-users.err"; then
	fail "import-csv rejects users without rows" "$(cat "$T/no-users.err")"
else
	check "import-csv rejects users without rows" \
		grep -q "users.csv' has a header but no rows" "$T/no-users.err"
fi
check "import-csv leaves no database without users" test ! -e "$T/no-users.db"

# An export that stopped in the middle of a row: sqlite3 would fill the
# cut row with NULLs, so a revoked token would read as active, or take
# the rest of the file into an unterminated quoted field.
for cut in row quote; do
	mkdir -p "$T/cut-$cut"
	cp "$T/csv/users.csv" "$T/cut-$cut/"
	if [ "$cut" = row ]; then
		cp "$T/csv/personal_access_tokens.csv" "$T/cut-$cut/"
		printf '9999,3,cut-here\n' >>"$T/cut-$cut/personal_access_tokens.csv"
		file=personal_access_tokens.csv
	else
		head -c 2000 "$T/csv/gpg_keys.csv" >"$T/cut-$cut/gpg_keys.csv"
		file=gpg_keys.csv
	fi
	if sh scripts/import-csv.sh "$T/cut-$cut" "$T/cut-$cut.db" 2>"$T/cut-$cut.err"; then
		fail "import-csv rejects a file cut in a $cut" "$(cat "$T/cut-$cut.err")"
	else
		check "import-csv rejects a file cut in a $cut" \
			grep -q "'$T/cut-$cut/$file' is not a complete CSV file" "$T/cut-$cut.err"
	fi
	check "import-csv leaves no database after a cut $cut" test ! -e "$T/cut-$cut.db"
done

# A credaudit_snapshot.csv in the export keeps its time; the host given
# on the command line replaces its host.
mkdir -p "$T/info"
cp "$T/csv/users.csv" "$T/csv/personal_access_tokens.csv" "$T/info/"
printf 'key,value\nexported_at,2026-11-30T10:00:00Z\ngitlab_host,old.example\n' >"$T/info/credaudit_snapshot.csv"
if sh scripts/import-csv.sh "$T/info" "$T/info.db" gitlab.example 2>"$T/info.err"; then
	equal "import-csv keeps the export's own time" \
		"$(sqlite3 "$T/info.db" "SELECT value FROM credaudit_snapshot WHERE key = 'exported_at'")" \
		2026-11-30T10:00:00Z
	equal "import-csv puts the given host in place of the export's" \
		"$(sqlite3 "$T/info.db" "SELECT value FROM credaudit_snapshot WHERE key = 'gitlab_host'")" \
		gitlab.example
else
	fail "import-csv loads a credaudit_snapshot.csv" "$(cat "$T/info.err")"
fi

# Without owners named, an empty users file is no sign of a failed export.
mkdir -p "$T/no-owners"
head -n 1 "$T/csv/users.csv" >"$T/no-owners/users.csv"
sqlite3 -header -csv -nullvalue '\N' "$DB" "SELECT id, NULL AS user_id, name, revoked, expires_at FROM personal_access_tokens" >"$T/no-owners/personal_access_tokens.csv"
if sh scripts/import-csv.sh "$T/no-owners" "$T/no-owners.db" 2>"$T/no-owners.err"; then
	pass "import-csv loads users without rows when no owner is named"
else
	fail "import-csv loads users without rows when no owner is named" "$(cat "$T/no-owners.err")"
fi

finish
