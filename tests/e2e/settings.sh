#!/bin/sh
# The instance's own limits from application_settings. GitLab disables an
# SSH key whose type the instance forbids or whose size is under the
# instance's minimum for its type, and judges token and key lifetimes
# against the instance's maximums. Each snapshot is samples/demo.db
# changed with sqlite3. Which keys a restriction hits is worked out
# again here from what ssh-keygen reads in each key, so a wrong type or
# size in credaudit's own parser fails the comparison.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
TAB=$(printf '\t')

for tool in sqlite3 ssh-keygen; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "ok - instance settings # skip no $tool"
		finish
	fi
done

# found VARIANT RULE: the ids of the SSH and deploy keys with a finding of
# RULE, sorted, on one line.
found() {
	awk -F "$TAB" -v rule="$2" \
		'$1 == "rule" && ($2 == "ssh_key" || $2 == "deploy_key") && $4 == rule { print $3 }' \
		"$T/$1.fields" | sort -n | tr '\n' ' '
}

# found_tokens VARIANT RULE: the same for tokens of every kind.
found_tokens() {
	awk -F "$TAB" -v rule="$2" \
		'$1 == "rule" && $2 ~ /access_token$/ && $4 == rule { print $3 }' \
		"$T/$1.fields" | sort -n | tr '\n' ' '
}

# message VARIANT KIND ID RULE: the message of that finding.
message() {
	awk -F "$TAB" -v kind="$2" -v id="$3" -v rule="$4" \
		'$1 == "message" && $2 == kind && $3 == id && $4 == rule { print $5 }' \
		"$T/$1.fields"
}

# The type and size of each key as ssh-keygen reads them:
# "ID<TAB>TYPE<TAB>BITS", TYPE as ssh-keygen names it (RSA, ED25519-SK).
# A key that ssh-keygen cannot read is left out.
sqlite3 -separator "$TAB" "$DB" "SELECT id, key FROM keys ORDER BY id" |
while IFS="$TAB" read -r id key; do
	line=$(printf '%s\n' "$key" | ssh-keygen -l -f - 2>/dev/null) || continue
	type=${line##*(}
	printf '%s\t%s\t%s\n' "$id" "${type%)}" "${line%% *}"
done >"$T/keygen"
if [ "$(grep -c . "$T/keygen")" -ge 30 ]; then
	pass "ssh-keygen reads the sample's keys"
else
	fail "ssh-keygen reads the sample's keys" "$(cat "$T/keygen")"
fi

# expected RESTRICTIONS: the ids of the keys that restrictions hit,
# RESTRICTIONS being "TYPE=LIMIT ..." with ssh-keygen's type names and
# GitLab's values (-1 forbidden, 0 any size, N minimum bits).
expected() {
	awk -F "$TAB" -v rules="$1" '
		BEGIN {
			n = split(rules, r, " ")
			for (i = 1; i <= n; i++) {
				split(r[i], kv, "=")
				limit[kv[1]] = kv[2]
			}
		}
		($2 in limit) && (limit[$2] == -1 || (limit[$2] > 0 && $3 + 0 < limit[$2] + 0)) { print $1 }
	' "$T/keygen" | sort -n | tr '\n' ' '
}

# GitLab's defaults, as the demo stores them: only DSA is forbidden.

variant defaults ""
V=defaults
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
has "$V: JSON has the settings" "$T/$V.json" "settings object"
has "$V: JSON gives dsa_key_restriction" "$T/$V.json" "setting dsa_key_restriction -1"
has "$V: JSON gives no maximum token lifetime" "$T/$V.json" \
	"setting max_personal_access_token_lifetime null"
equal "$V: the DSA keys are restricted" "$(found $V ssh-key-restricted)" \
	"$(expected "DSA=-1")"
equal "$V: message names the setting" "$(message $V ssh_key 5 ssh-key-restricted)" \
	"the instance forbids DSA keys (dsa_key_restriction = -1), so GitLab disables this key"
equal "$V: no key lifetime findings without a maximum" \
	"$(found $V ssh-key-lifetime)" ""
if grep -q "<dd>SSH key types: DSA forbidden, other types allowed at any size. Maximum access token lifetime: not set, so GitLab's default of 365 days. Maximum SSH key lifetime: not set.</dd>" "$T/$V/report.html"; then
	pass "$V: report.html states the settings"
else
	fail "$V: report.html states the settings" "$(grep -i 'instance' "$T/$V/report.html" | head -n 3)"
fi
if grep -qxF -- "- Instance settings: SSH key types: DSA forbidden, other types allowed at any size. Maximum access token lifetime: not set, so GitLab's default of 365 days. Maximum SSH key lifetime: not set." "$T/$V/report.md"; then
	pass "$V: report.md states the settings"
else
	fail "$V: report.md states the settings" "$(grep -i 'instance' "$T/$V/report.md" | head -n 3)"
fi
DEFAULT_LIFETIME=$(found_tokens $V token-lifetime)

# Hardened: RSA under 3072 bits and every Ed25519 key disabled.

variant hardened "UPDATE application_settings SET rsa_key_restriction = 3072,
	ed25519_key_restriction = -1"
V=hardened
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
want=$(expected "DSA=-1 RSA=3072 ED25519=-1")
equal "$V: the keys that ssh-keygen shows under the limits are restricted" \
	"$(found $V ssh-key-restricted)" "$want"
rsa=$(awk -F "$TAB" '$2 == "RSA" && $3 == 2048 { print $1; exit }' "$T/keygen")
kind=$(awk -F "$TAB" -v id="$rsa" '$1 == "field" && ($2 == "ssh_key" || $2 == "deploy_key") && $3 == id && $4 == "kind" { print $5; exit }' "$T/$V.fields")
equal "$V: message gives the size and the minimum" \
	"$(message $V "$kind" "$rsa" ssh-key-restricted)" \
	"RSA key of 2048 bits, under the instance's minimum of 3072 (rsa_key_restriction), so GitLab disables this key"
# Every restricted key is in the plan, but an LDAP key, which GitLab
# cannot delete.
missing=""
for id in $want; do
	action=$(awk -F "$TAB" -v id="$id" '$1 == "field" && ($2 == "ssh_key" || $2 == "deploy_key") && $3 == id && $4 == "plan_action" { print $5 }' "$T/$V.fields")
	ldap=$(awk -F "$TAB" -v id="$id" '$1 == "field" && ($2 == "ssh_key" || $2 == "deploy_key") && $3 == id && $4 == "ldap" { print $5 }' "$T/$V.fields")
	if [ "$action" = null ] && [ "$ldap" != true ]; then
		missing="$missing $id"
	fi
done
equal "$V: every restricted key but LDAP ones has a plan action" "$missing" ""

# Two rows: GitLab reads the newest, which allows DSA and requires 4096-bit RSA.

variant two-rows "INSERT INTO application_settings (id, rsa_key_restriction,
	dsa_key_restriction, ecdsa_key_restriction, ed25519_key_restriction,
	ecdsa_sk_key_restriction, ed25519_sk_key_restriction)
	VALUES (2, 4096, 0, 0, 0, 0, 0)"
V=two-rows
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
equal "$V: the newest row decides" "$(found $V ssh-key-restricted)" \
	"$(expected "RSA=4096")"
if grep -q "application_settings in .* has 2 rows" "$T/$V.stderr"; then
	pass "$V: a warning says so"
else
	fail "$V: a warning says so" "$(cat "$T/$V.stderr")"
fi

# Maximum lifetimes: 90 days for tokens, 30 days for SSH keys.

variant lifetimes "UPDATE application_settings SET
	max_personal_access_token_lifetime = 90, max_ssh_key_lifetime = 30"
V=lifetimes
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
has "$V: JSON gives the token maximum" "$T/$V.json" \
	"setting max_personal_access_token_lifetime 90"
# Active tokens (not revoked, expiring after the --now date) whose
# calendar days from creation to expiry exceed 90. The sample's times
# are PostgreSQL's text ("2025-12-05 09:54:45.169051+00"), whose first
# 10 or 19 characters SQLite's date functions read.
want=$(sqlite3 "$DB" "SELECT id FROM personal_access_tokens
	WHERE coalesce(revoked, 0) IN (0, 'f') AND expires_at > '${NOW%%T*}'
	AND julianday(expires_at) - julianday(substr(created_at, 1, 10)) > 90
	ORDER BY id" | tr '\n' ' ')
equal "$V: token-lifetime uses the instance's maximum" \
	"$(found_tokens $V token-lifetime)" "$want"
if [ "$want" != "$DEFAULT_LIFETIME" ]; then
	pass "$V: the instance's maximum finds other tokens than the default"
else
	fail "$V: the instance's maximum finds other tokens than the default" "$want"
fi
id=${want%% *}
case "$(message $V personal_access_token "$id" token-lifetime)" in
*"(limit 90, the instance's max_personal_access_token_lifetime)")
	pass "$V: token message names the setting" ;;
*) fail "$V: token message names the setting" \
	"$(message $V personal_access_token "$id" token-lifetime)" ;;
esac
# Active keys without an expiry, or with more than 30 days from their
# creation to their expiry.
want=$(sqlite3 "$DB" "SELECT id FROM keys
	WHERE expires_at IS NULL
	OR (julianday(substr(expires_at, 1, 19)) > julianday('2026-12-04 12:00:00')
	AND julianday(substr(expires_at, 1, 19)) - julianday(substr(created_at, 1, 19)) > 30)
	ORDER BY id" | tr '\n' ' ')
equal "$V: ssh-key-lifetime finds the active keys over 30 days" \
	"$(found $V ssh-key-lifetime)" "$want"

# No application_settings: the key rules are not checked, and token
# lifetimes fall back to GitLab's default.

variant no-table "DROP TABLE application_settings"
V=no-table
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
has "$V: JSON settings are null" "$T/$V.json" "settings null"
for rule in ssh-key-restricted ssh-key-lifetime; do
	has "$V: JSON names the table for $rule" "$T/$V.json" \
		"not-checked-missing $rule application_settings"
done
equal "$V: no key is restricted" "$(found $V ssh-key-restricted)" ""
# The sample's unparseable key is not checked either, so every SSH key
# counts as skipped.
all_user_keys=$(sqlite3 "$DB" "SELECT count(*) FROM keys WHERE coalesce(type, 'Key') <> 'DeployKey'")
has "$V: every SSH key is counted as not checked" "$T/$V.json" \
	"not-checked ssh-key-restricted ssh_key $all_user_keys"
heading=$(awk -F "$TAB" '$1 == "findings-ssh-key-restricted" { print $2 }' "$T/$V.html")
case $heading in
*"(not checked)") pass "$V: the overview says not checked" ;;
*) fail "$V: the overview says not checked" "$heading" ;;
esac
equal "$V: token-lifetime keeps GitLab's default" \
	"$(found_tokens $V token-lifetime)" "$DEFAULT_LIFETIME"
if grep 'not checked for every credential' "$T/$V.stderr" |
   grep 'ssh-key-restricted' | grep 'ssh-key-lifetime' | grep -q 'lacks application_settings'; then
	pass "$V: the warning names both rules and the table"
else
	fail "$V: the warning names both rules and the table" "$(cat "$T/$V.stderr")"
fi
if grep -q "<dd>application_settings is not available in this snapshot" "$T/$V/report.html"; then
	pass "$V: report.html says the settings are not available"
else
	fail "$V: report.html says the settings are not available" \
		"$(grep -i 'settings' "$T/$V/report.html" | head -n 3)"
fi

# A plan filtered to a rule that could not check every key names the
# rule in plan.md, where it is approved, instead of only "None".
"$CREDAUDIT" report -q --db "$T/no-table.db" --out "$T/no-table-stage" --now "$NOW" \
	--plan-rules ssh-key-restricted 2>/dev/null
if grep -q '^Not checked for every credential, because the snapshot lacks what it needs (see the Findings of report.md): `ssh-key-restricted`\.$' \
	"$T/no-table-stage/plan.md"; then
	pass "$V: a stage of a rule not checked says so in plan.md"
else
	fail "$V: a stage of a rule not checked says so in plan.md" \
		"$(sed -n '/partial/,/## Actions/p' "$T/no-table-stage/plan.md")"
fi

# A value GitLab would not store: RSA keys are not judged, others are.

variant invalid "UPDATE application_settings SET rsa_key_restriction = 'strong'"
V=invalid
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
if grep -q 'application_settings.rsa_key_restriction in .* is "strong", not -1, 0 or a key size' "$T/$V.stderr"; then
	pass "$V: a warning names the column and the value"
else
	fail "$V: a warning names the column and the value" "$(cat "$T/$V.stderr")"
fi
has "$V: JSON lists the column as unavailable" "$T/$V.json" \
	"setting-unavailable rsa_key_restriction"
rsa_user_keys=$(awk -F "$TAB" '$2 == "RSA"' "$T/keygen" | while IFS="$TAB" read -r id type bits; do
	sqlite3 "$DB" "SELECT 1 FROM keys WHERE id = $id AND coalesce(type, 'Key') <> 'DeployKey'"
done | grep -c 1)
has "$V: every RSA SSH key is counted as not checked" "$T/$V.json" \
	"not-checked ssh-key-restricted ssh_key $rsa_user_keys"
equal "$V: DSA keys are still judged" "$(found $V ssh-key-restricted)" \
	"$(expected "DSA=-1")"

if grep 'not checked for every credential' "$T/$V.stderr" |
   grep -q 'because application_settings.rsa_key_restriction has a value that GitLab does not store'; then
	pass "$V: the warning says the value is invalid, not missing"
else
	fail "$V: the warning says the value is invalid, not missing" "$(cat "$T/$V.stderr")"
fi
note=$(awk -F "$TAB" '$1 == "not-checked-ssh-key-restricted" { print $2 }' "$T/$V.html")
case $note in
*"application_settings.rsa_key_restriction has a value that GitLab does not store.")
	pass "$V: report.html says the value is invalid" ;;
*) fail "$V: report.html says the value is invalid" "$note" ;;
esac

# Values GitLab never stores: sizes it does not offer, text after the
# digits, a BLOB (even one whose bytes spell 256), NULL in a NOT NULL
# column, lifetimes of 0 and over 400 days. Each is named in a warning
# and decides nothing.
variant odd "UPDATE application_settings SET rsa_key_restriction = 65536,
	ecdsa_key_restriction = '256x', ed25519_key_restriction = x'323536',
	dsa_key_restriction = NULL, ecdsa_sk_key_restriction = 5,
	max_personal_access_token_lifetime = 36500, max_ssh_key_lifetime = 0"
V=odd
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
for column in rsa_key_restriction ecdsa_key_restriction ed25519_key_restriction \
	dsa_key_restriction ecdsa_sk_key_restriction max_personal_access_token_lifetime \
	max_ssh_key_lifetime; do
	if grep -q "application_settings.$column in " "$T/$V.stderr"; then
		pass "$V: a warning names $column"
	else
		fail "$V: a warning names $column" "$(cat "$T/$V.stderr")"
	fi
done
for column in rsa_key_restriction ecdsa_key_restriction ed25519_key_restriction \
	dsa_key_restriction ecdsa_sk_key_restriction max_ssh_key_lifetime; do
	has "$V: JSON lists $column as unavailable" "$T/$V.json" "setting-unavailable $column"
done
equal "$V: no key is restricted by an invalid value" "$(found $V ssh-key-restricted)" ""
equal "$V: token-lifetime keeps GitLab's default" \
	"$(found_tokens $V token-lifetime)" "$DEFAULT_LIFETIME"

# An older GitLab without the column for one type.

variant old-columns "ALTER TABLE application_settings DROP COLUMN ed25519_sk_key_restriction"
V=old-columns
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
has "$V: JSON names the missing column" "$T/$V.json" \
	"not-checked-missing ssh-key-restricted application_settings.ed25519_sk_key_restriction"
has "$V: JSON lists it as unavailable" "$T/$V.json" \
	"setting-unavailable ed25519_sk_key_restriction"

finish
