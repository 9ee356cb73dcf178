#!/bin/sh
# Ids, states, flags and types that GitLab would not store. Each one is
# a value-invalid finding with the raw value in report.json's "invalid",
# and the field itself is null. It decides nothing: an invalid id is
# never written as another id. A credential whose id, kind or request is
# in doubt stays out of the plan. Also a bot whose project or group is
# gone, and a credential id that occurs on more than one row. Each
# snapshot is samples/demo.db changed with sqlite3.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok - values GitLab would not store # skip no sqlite3"
	finish
fi

# cred VARIANT TEXT: the lines of report.json with credentials whose
# compact object contains TEXT, such as '"name":"text id"'.
cred() {
	grep -F -- "$2" "$T/$1/report.json"
}

# cred_has NAME VARIANT SELECT TEXT: pass when the credential that SELECT
# finds (see cred) is one line that contains TEXT.
cred_has() {
	found=$(cred "$2" "$3")
	if [ "$(printf '%s\n' "$found" | grep -c .)" -eq 1 ] &&
	   printf '%s\n' "$found" | grep -qF -- "$4"; then
		pass "$1"
	else
		fail "$1" "no '$4' in the credential with '$3':" "$found"
	fi
}

# cred_lacks NAME VARIANT SELECT TEXT: pass when that credential is
# there and lacks TEXT.
cred_lacks() {
	found=$(cred "$2" "$3")
	if [ -n "$found" ] && ! printf '%s\n' "$found" | grep -qF -- "$4"; then
		pass "$1"
	else
		fail "$1" "'$4' in the credential with '$3', or none:" "$found"
	fi
}

# A token table without INTEGER PRIMARY KEY and without a declared type,
# so each id keeps the type it was inserted with, as in a view or an
# edited copy. Every token here was last used in January, so
# credential-unused would put each into the plan.
TOKEN_COLUMNS="id, user_id, name, revoked, expires_at, created_at, updated_at, last_used_at, scopes, impersonation, previous_personal_access_token_id"
UNTYPED_TOKENS="CREATE TABLE p2($TOKEN_COLUMNS);
	INSERT INTO p2 SELECT $TOKEN_COLUMNS FROM personal_access_tokens;
	DROP TABLE personal_access_tokens;
	ALTER TABLE p2 RENAME TO personal_access_tokens;"

# Ids that are not positive integers. Token 12 of the sample is real, so
# '12abc' must not become 12; 1.5 must not become 1.

variant ids "$UNTYPED_TOKENS
	DELETE FROM personal_access_tokens WHERE id NOT IN (1, 12);
	INSERT INTO personal_access_tokens($TOKEN_COLUMNS) VALUES
	('12abc', 3, 'text id', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL),
	(NULL, 3, 'null id', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL),
	(1.5, 3, 'real id', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL),
	(99999999999999999999, 3, 'huge id', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL),
	(0, 3, 'zero id', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL),
	('042', 3, 'padded id', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL),
	('42', 3, 'text 42', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL),
	('12', 3, 'text 12', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL),
	(43, '03', 'padded owner', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL)"
V=ids
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
for pair in 'text id|"12abc"' 'null id|null' 'real id|"1.5"' \
	'huge id|"1.0e+20"' 'zero id|"0"' 'padded id|"042"'
do
	name=${pair%%|*}
	raw=${pair#*|}
	cred_has "$V: $name is null in report.json" $V "\"name\":\"$name\"" \
		'"kind":"personal_access_token","id":null,'
	cred_has "$V: $name keeps its raw value in invalid" $V \
		"\"name\":\"$name\"" "\"invalid\":{\"id\":$raw}"
	cred_has "$V: $name is left out of the plan" $V "\"name\":\"$name\"" \
		'"plan_action":null'
done
cred_has "$V: text id has a value-invalid finding" $V '"name":"text id"' \
	'"message":"id is \"12abc\", not a positive integer, so GitLab'
cred_has "$V: NULL id has a value-invalid finding" $V '"name":"null id"' \
	'"message":"id is NULL, not a positive integer'
# SQLite sorts text after numbers, so a text id among integer ones could
# repeat an integer id without following it.
cred_has "$V: a text id among integer ids is null" $V '"name":"text 42"' \
	'"kind":"personal_access_token","id":null,'
cred_has "$V: a text id among integer ids keeps its raw value" $V \
	'"name":"text 42"' '"invalid":{"id":"42"}'
cred_has "$V: a text id among integer ids is value-invalid" $V \
	'"name":"text 42"' \
	'id is \"42\", text in a table whose other ids are integers, so it may repeat one of them'
cred_has "$V: a text repeat of an integer id is left out of the plan" $V \
	'"name":"text 12"' '"plan_action":null'
equal "$V: each token id has one action" \
	"$(grep -o '"id": *"revoke-pat-[0-9]*"' "$T/$V/plan.json" | sort | uniq -d)" ""
check "$V: the plan is approvable" "$CREDAUDIT" approve -q "$T/$V/plan.md"
cred_has "$V: an owner id with a leading zero is invalid" $V \
	'"name":"padded owner"' 'user_id is \"03\", not a user id'
cred_has "$V: so its owner is unknown" $V '"name":"padded owner"' \
	'"owner":null'

# credentials.csv: an invalid id is an empty cell, never another
# credential's id. The eight are the six above, text 42 and text 12.
repeated=$(awk -F, 'NR > 1 && $1 ~ /_token$/ && $2 != "" { print $2 }' \
	"$T/$V/credentials.csv" | sort | uniq -d | tr '\n' ' ')
equal "$V: credentials.csv shows no token id twice" "$repeated" ""
equal "$V: credentials.csv leaves eight invalid ids empty" \
	"$(awk -F, '$1 == "personal_access_token" && $2 == ""' "$T/$V/credentials.csv" | wc -l | tr -d ' ')" 8

# The inventory: one anchor per row, each the row its links name.
"$INSPECT" inventory "$T/$V/inventory" templates/report.html \
	>"$T/$V.pages" 2>"$T/$V.pages.err"
has "$V: inventory anchors are unique" "$T/$V.pages" "duplicate-rows 0"
has "$V: inventory anchors match their ID cells" "$T/$V.pages" "bad-row-ids 0"
page=$T/$V/inventory/personal_access_token-0001.html
links=$(grep -o 'personal_access_token-0001\.html#personal_access_token-row-[0-9]*' \
	"$T/$V/report.html" | sort -u)
if [ -n "$links" ]; then
	pass "$V: the overview links to rows by position"
else
	fail "$V: the overview links to rows by position" \
		"$(grep -o 'href="[^"]*personal_access_token[^"]*"' "$T/$V/report.html" | head -5)"
fi
bad=
for link in $links; do
	anchor=${link#*#}
	grep -q "<tr id=\"$anchor\".*(invalid)" "$page" || bad="$bad $anchor"
done
equal "$V: each such link lands on a row with an invalid id" "$bad" ""
if grep -q 'Personal access token with an invalid id (row [0-9]*)' "$T/$V/report.html"; then
	pass "$V: the overview names a row with an invalid id"
else
	fail "$V: the overview names a row with an invalid id" \
		"$(grep -o 'Personal access token[^<]*' "$T/$V/report.html" | sort -u | head -5)"
fi

# Every id as text, as a plain sqlite3 .import leaves it: digits are the
# id, and the token table sorts '10' before '9'. Text 12 is token 12,
# and a repeat of text 12 is still found.
variant text-ids "CREATE TABLE p2($TOKEN_COLUMNS);
	INSERT INTO p2 SELECT CAST(id AS TEXT), user_id, name, revoked, expires_at, created_at, updated_at, last_used_at, scopes, impersonation, previous_personal_access_token_id FROM personal_access_tokens;
	DROP TABLE personal_access_tokens;
	ALTER TABLE p2 RENAME TO personal_access_tokens;
	INSERT INTO personal_access_tokens SELECT id, user_id, 'text copy', revoked, expires_at, created_at, updated_at, last_used_at, scopes, impersonation, previous_personal_access_token_id FROM personal_access_tokens WHERE id = '12';
	INSERT INTO personal_access_tokens($TOKEN_COLUMNS) VALUES
	('042', 3, 'padded id', 0, '2027-06-01', '2026-01-01', '2026-01-01', '2026-01-02', '--- []', 0, NULL)"
V=text-ids
name12=$(sqlite3 "$DB" "SELECT name FROM personal_access_tokens WHERE id = 12")
cred_has "$V: text digits are the id" $V "\"name\":\"$name12\"" \
	'"kind":"personal_access_token","id":12,'
cred_has "$V: a token with a text id is in the plan" $V \
	"\"name\":\"$name12\"" '"plan_action":"revoke-pat-12"'
equal "$V: text ids are no finding" \
	"$(grep -c 'not a positive integer\|whose other ids are integers' "$T/$V/report.json")" 1
cred_has "$V: a repeat of a text id is found" $V '"name":"text copy"' \
	'id 12 occurs more than once in table personal_access_tokens'
cred_has "$V: a text id with a leading zero is invalid" $V \
	'"name":"padded id"' '"invalid":{"id":"042"}'

# users.id and emails.user_id go through the same check: '3abc' is not
# user 3, and an address of user '4abc' is not one of user 4's. GPG key 2
# of user 4 is verified only through that secondary address, here the
# only one, so that no ordering of the rows hides it.
variant user-ids "CREATE TABLE u2 AS SELECT * FROM users;
	DROP TABLE users;
	ALTER TABLE u2 RENAME TO users;
	UPDATE users SET id = '3abc' WHERE id = 3;
	DELETE FROM emails WHERE id <> 2;
	UPDATE emails SET user_id = '4abc' WHERE id = 2"
V=user-ids
cred_has "$V: a user whose id is invalid owns nothing" $V \
	'"kind":"personal_access_token","id":2,' \
	'"owner":{"id":3,"in_snapshot":false,'
if grep -q "users table in .* has 1 row whose id is not a positive integer, such as \"3abc\"" \
	"$T/$V.stderr"; then
	pass "$V: the users row is named in a warning"
else
	fail "$V: the users row is named in a warning" "$(cat "$T/$V.stderr")"
fi
cred_has "$V: an address of another user id does not verify" $V \
	'"kind":"gpg_key","id":2,' '"verification":"unverified"'

# A repeated id: the first row of that id with an action is the one in
# the plan, and every later row's finding names that row. The
# index keeps the rows of one id in the order they were inserted.
# Token 12 has an action, token 6 none unless its copy was unused since
# January, and token 9 none at all.
variant repeated "CREATE TABLE copy AS SELECT * FROM personal_access_tokens;
	DROP TABLE personal_access_tokens;
	ALTER TABLE copy RENAME TO personal_access_tokens;
	CREATE INDEX copy_id ON personal_access_tokens(id);
	INSERT INTO personal_access_tokens SELECT * FROM personal_access_tokens WHERE id IN (12, 9);
	UPDATE personal_access_tokens SET name = name || ' (copy)' WHERE rowid > (SELECT max(rowid) - 2 FROM personal_access_tokens);
	INSERT INTO personal_access_tokens SELECT * FROM personal_access_tokens WHERE id = 6;
	UPDATE personal_access_tokens SET name = name || ' (copy)', last_used_at = '2026-01-02'
	WHERE rowid = (SELECT max(rowid) FROM personal_access_tokens)"
V=repeated
name12=$(sqlite3 "$DB" "SELECT name FROM personal_access_tokens WHERE id = 12")
name6=$(sqlite3 "$DB" "SELECT name FROM personal_access_tokens WHERE id = 6")
name9=$(sqlite3 "$DB" "SELECT name FROM personal_access_tokens WHERE id = 9")
cred_has "$V: the first row with an action keeps it" $V \
	"\"id\":12,\"name\":\"$name12\"," '"plan_action":"revoke-pat-12"'
cred_has "$V: a later row says an earlier row is in the plan" $V \
	"\"id\":12,\"name\":\"$name12 (copy)\"," \
	'id 12 occurs more than once in table personal_access_tokens; an earlier row of that id is in the plan, so this one is not'
cred_has "$V: a later row with an action is in the plan" $V \
	"\"id\":6,\"name\":\"$name6 (copy)\"," '"plan_action":"revoke-pat-6"'
cred_has "$V: and its finding says so" $V \
	"\"id\":6,\"name\":\"$name6 (copy)\"," \
	'id 6 occurs more than once in table personal_access_tokens; this row is the one of that id in the plan'
cred_has "$V: a repeated id without an action says none is in the plan" $V \
	"\"id\":9,\"name\":\"$name9 (copy)\"," \
	'id 9 occurs more than once in table personal_access_tokens; this row is not in the plan, and neither is an earlier row of that id'
equal "$V: each token id has one action" \
	"$(grep -o '"id": *"revoke-pat-[0-9]*"' "$T/$V/plan.json" | sort | uniq -d)" ""
check "$V: the plan is approvable" "$CREDAUDIT" approve -q "$T/$V/plan.md"
"$INSPECT" inventory "$T/$V/inventory" templates/report.html \
	>"$T/$V.pages" 2>"$T/$V.pages.err"
has "$V: inventory anchors are unique" "$T/$V.pages" "duplicate-rows 0"

# A users.id on two rows, in a users table without a primary key. The
# extra row of user 19 is blocked, so judged by that row token 42 would
# be owner-inactive and in the plan, and judged by the original row not.
# With the extra row last or first, the owner rules skip user 19's
# credentials.
USER_COLUMNS="id, username, name, email, state, user_type, admin, confirmed_at"
EXTRA_USER="INSERT INTO users(id, username, state, user_type, admin)
	VALUES (19, 'victor2', 'blocked', 0, 0);"
for order in after before; do
	if [ $order = after ]; then
		rows="INSERT INTO users SELECT $USER_COLUMNS FROM u0; $EXTRA_USER"
	else
		rows="$EXTRA_USER INSERT INTO users SELECT $USER_COLUMNS FROM u0;"
	fi
	variant repeated-user-$order "ALTER TABLE users RENAME TO u0;
		CREATE TABLE users($USER_COLUMNS);
		$rows
		DROP TABLE u0"
	V=repeated-user-$order
	cred_has "$V: the token names the repeated users.id" $V \
		'"kind":"personal_access_token","id":42,' \
		'users.id 19 of the owner is on more than one row of the users table, so owner-inactive and token-admin-scope were skipped'
	cred_lacks "$V: the token is not owner-inactive" $V \
		'"kind":"personal_access_token","id":42,' '"rule":"owner-inactive"'
	cred_has "$V: an inactive key names the repeated users.id" $V \
		'"kind":"ssh_key","id":21,' \
		'users.id 19 of the owner is on more than one row of the users table, so which row is the owner is unknown'
	equal "$V: the token has no plan action" \
		"$(grep -c 'revoke-pat-42' "$T/$V/plan.md")" 0
	has "$V: a warning names the id" "$T/$V.stderr" \
		"credaudit: warning: the users table repeats id 19: which row is the owner is unknown, so the owner rules skip that user's credentials (value-invalid)"
done

# A bot whose project or group is gone: project 5 of token 51's bot, and
# group 102 of token 55's bot.
variant gone "DELETE FROM projects WHERE id = 5; DELETE FROM namespaces WHERE id = 102"
V=gone
cred_has "$V: a bot's missing project is token-resource-missing" $V \
	'"kind":"project_access_token","id":51,' \
	'is a member of project 5, which is not in the snapshot'"'"'s projects table'
cred_has "$V: a bot's missing group is token-resource-missing" $V \
	'"kind":"group_access_token","id":55,' \
	'is a member of group 102, which is not in the snapshot'"'"'s namespaces table'
if grep -F '"id":"revoke-project-token-51"' "$T/$V/plan.json" | grep -qF '"request":null' &&
   grep -F '"id":"revoke-project-token-51"' "$T/$V/plan.json" | grep -qF 'the snapshot has no project 5'; then
	pass "$V: its revocation is a manual step"
else
	fail "$V: its revocation is a manual step" \
		"$(grep -F 'revoke-project-token-51' "$T/$V/plan.json")"
fi
cred_lacks "$V: a project that is there is not missing" $V \
	'"kind":"project_access_token","id":27,' 'token-resource-missing'

# Without the projects table, whether a project is gone is unknown.
variant no-projects "DROP TABLE projects"
V=no-projects
projects=$(sed -n 's/^kind project_access_token //p' "$T/$V.json")
has "$V: the rule is not checked for project tokens" "$T/$V.json" \
	"not-checked token-resource-missing project_access_token $projects"
equal "$V: no token is token-resource-missing" \
	"$(grep -c 'token-resource-missing' "$T/$V.fields")" 0

# A bot's user_details that names a user's own namespace names no
# project or group. Bot 47 of token 54 has no membership row here.
variant user-namespace "DELETE FROM members WHERE user_id = 47;
	UPDATE namespaces SET type = 'User' WHERE id = 101"
cred_has "user-namespace: a bot of a user namespace has no resource" \
	user-namespace '"kind":"group_access_token","id":54,' \
	'token-resource-missing'

# A loop in namespaces.parent_id: group 102, of project 1, and group 103
# are each other's parent, so no path reaches a top-level group. Tokens
# 27 and 47 of project 1's bots are named by the project id, never "?".
variant parent-loop "UPDATE namespaces SET parent_id = 103 WHERE id = 102;
	UPDATE projects SET archived = 1 WHERE id = 1"
V=parent-loop
cred_has "$V: the token names the loop" $V \
	'"kind":"project_access_token","id":27,' \
	'namespaces.parent_id of namespace 103 is 102, which leads back to a namespace already on the path (a loop), so the path of the bot'"'"'s project or group is not available'
cred_has "$V: the path is null" $V \
	'"kind":"project_access_token","id":27,' \
	'"resource":{"type":"project","id":1,"path":null}'
cred_has "$V: the token is still judged" $V \
	'"kind":"project_access_token","id":27,' \
	'"message":"project 1 is archived"'
equal "$V: the plan names no project ?" \
	"$(grep -c 'project ?' "$T/$V/plan.md")" 0
equal "$V: the plan names project 1" \
	"$(grep -c 'token-project-inactive: project 1 is archived' "$T/$V/plan.md")" 2
if grep -qF 'not available in this snapshot</span><br><span class="muted">id 1<' \
	"$T/$V/inventory/project_access_token-0001.html"; then
	pass "$V: the inventory shows the path as not available"
else
	fail "$V: the inventory shows the path as not available"
fi

# Namespaces 900 to 918 above group 101: group 102 of project 1 then has
# the 20 ancestors that GitLab allows, and group 103 of project 2 has 21.
CHAIN="INSERT INTO namespaces(id, name, path, type, parent_id)
	VALUES (918, 'n918', 'n918', 'Group', NULL);"
i=917
while [ $i -ge 900 ]; do
	CHAIN="$CHAIN INSERT INTO namespaces(id, name, path, type, parent_id)
	VALUES ($i, 'n$i', 'n$i', 'Group', $((i + 1)));"
	i=$((i - 1))
done
variant parent-depth "$CHAIN UPDATE namespaces SET parent_id = 900 WHERE id = 101"
V=parent-depth
chain_path=$(seq 918 -1 900 | sed 's/^/n/' | paste -sd/ -)
cred_has "$V: 20 ancestors build the path" $V \
	'"kind":"project_access_token","id":27,' \
	"\"path\":\"$chain_path/acme/platform/api\""
cred_lacks "$V: 20 ancestors are no finding" $V \
	'"kind":"project_access_token","id":27,' 'namespaces.parent_id'
cred_has "$V: 21 ancestors name the limit" $V \
	'"kind":"project_access_token","id":48,' \
	'namespaces.parent_id of namespace 917 is 918, past the 20 ancestors that GitLab allows a group, so the path of the bot'"'"'s project or group is not available'
cred_has "$V: 21 ancestors leave the path null" $V \
	'"kind":"project_access_token","id":48,' \
	'"resource":{"type":"project","id":2,"path":null}'

# States, flags and types. User 2 owns expired token 1 and active token
# 14. Key 5 has a plan action in the sample, and so do token 10 and key
# 15 of user 11.
variant values "UPDATE users SET state = NULL WHERE id = 2;
	UPDATE users SET user_type = 'bot' WHERE id = 11;
	UPDATE personal_access_tokens SET impersonation = 'maybe' WHERE id = 2;
	UPDATE personal_access_tokens SET impersonation = NULL WHERE id = 3;
	UPDATE personal_access_tokens SET previous_personal_access_token_id = '7abc' WHERE id = 6;
	UPDATE keys SET type = 'FooKey' WHERE id = 5;
	UPDATE keys SET usage_type = 7 WHERE id = 6"
V=values
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
cred_has "$V: NULL state is value-invalid" $V \
	'"kind":"personal_access_token","id":14,' \
	'owner state is NULL, not one GitLab defines, so the owner rules were skipped'
cred_has "$V: so is it on an expired credential" $V \
	'"kind":"personal_access_token","id":1,' \
	'"message":"owner state is NULL, not one GitLab defines"'
cred_has "$V: NULL state is null with its raw value in invalid" $V \
	'"kind":"personal_access_token","id":14,' '"invalid":{"owner.state":null}'
cred_has "$V: an impersonation flag that is no boolean is value-invalid" $V \
	'"kind":"personal_access_token","id":2,' \
	'impersonation is \"maybe\", not a boolean'
cred_has "$V: and is null with its raw value" $V \
	'"kind":"personal_access_token","id":2,' \
	'"impersonation":null,'
cred_has "$V: the raw impersonation is in invalid" $V \
	'"kind":"personal_access_token","id":2,' '"invalid":{"impersonation":"maybe"}'
cred_has "$V: NULL impersonation is value-invalid" $V \
	'"kind":"personal_access_token","id":3,' 'impersonation is NULL, not a boolean'
cred_has "$V: a previous token id that is none is null" $V \
	'"kind":"personal_access_token","id":6,' \
	'"invalid":{"previous_token_id":"7abc"}'
cred_has "$V: an unknown key type is value-invalid" $V \
	'"kind":"ssh_key","id":5,' \
	'type is \"FooKey\", not a kind of key GitLab defines'
cred_has "$V: it keeps the raw type in invalid" $V \
	'"kind":"ssh_key","id":5,' '"invalid":{"type":"FooKey"}'
cred_has "$V: whether it is synced from LDAP is unknown" $V \
	'"kind":"ssh_key","id":5,' '"ldap":null,'
cred_has "$V: a key of unknown type is left out of the plan" $V \
	'"kind":"ssh_key","id":5,' '"plan_action":null'
cred_has "$V: an invalid usage_type keeps its raw value" $V \
	'"kind":"ssh_key","id":6,' '"invalid":{"usage_type":"7"}'
cred_has "$V: an invalid user_type is value-invalid" $V \
	'"kind":"personal_access_token","id":10,' \
	'users.user_type of the owner is \"bot\", not a user type, so whether this is a personal, project or group token is unknown'
cred_has "$V: the owner's user_type is null with its raw value" $V \
	'"kind":"personal_access_token","id":10,' '"invalid":{"owner.user_type":"bot"}'
cred_has "$V: a token whose kind is unknown is left out of the plan" $V \
	'"kind":"personal_access_token","id":10,' '"plan_action":null'
cred_has "$V: a key of that owner keeps its action" $V \
	'"kind":"ssh_key","id":15,' '"plan_action":"delete-ssh-key-15"'

finish
