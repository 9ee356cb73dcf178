#!/bin/sh
# Rules that a snapshot without some tables or columns keeps from checking
# every credential. The overview (report.html, report.md) and the summary
# of report.json name each such rule in its place. They give the
# credentials it skipped and GitLab's table.column names of what is
# missing, and one warning on stderr lists the rules. A complete snapshot
# lists no rule. Each snapshot is samples/demo.db changed with sqlite3.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
TAB=$(printf '\t')

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok - rules not checked # skip no sqlite3"
	finish
fi

# html_note VARIANT RULE: the note under RULE's heading in report.html.
html_note() {
	awk -F "$TAB" -v id="not-checked-$2" '$1 == id { print $2 }' "$T/$1.html"
}

# html_heading VARIANT RULE: RULE's heading in the findings of report.html.
html_heading() {
	awk -F "$TAB" -v id="findings-$2" '$1 == id { print $2 }' "$T/$1.html"
}

# md_note VARIANT RULE: the paragraphs under RULE's heading in report.md
# that begin "Not checked".
md_note() {
	awk -F "$TAB" -v rule=": $2 (" 'index($1, rule) && $2 ~ /^Not checked/ { print $2 }' \
		"$T/$1.md"
}

# md_heading VARIANT RULE: RULE's heading in the findings of report.md.
md_heading() {
	awk -F "$TAB" -v rule=": $2 (" 'index($1, rule) { print $1; exit }' "$T/$1.md"
}

# active VARIANT KIND: the active credentials of KIND in the summary.
active() {
	sed -n "s/^summary $2 active //p" "$T/$1.json"
}

# warnings VARIANT: the lines of stderr that warn about rules not checked.
warnings() {
	grep -c 'rules\{0,1\} w[a-z]* not checked for every credential' "$T/$1.stderr"
}

# The complete demo: no rule is listed, nothing is warned.

variant full ""
equal "complete snapshot exits 0" "$(cat "$T/full.status")" 0
has "complete snapshot: JSON lists no rule not checked" "$T/full.json" \
	"rules-not-checked 0"
equal "complete snapshot: HTML has no note" \
	"$(grep -c '^not-checked-' "$T/full.html")" 0
equal "complete snapshot: HTML headings say no rule was checked in part" \
	"$(grep '^findings-' "$T/full.html" | grep -c 'checked')" 0
equal "complete snapshot: Markdown has no note" \
	"$(grep -c "${TAB}Not checked" "$T/full.md")" 0
equal "complete snapshot: no warning" "$(warnings full)" 0

# last_used_at dropped from tokens and keys: the two use rules check
# nothing, and the report still exits 0.

variant last-used "ALTER TABLE personal_access_tokens DROP COLUMN last_used_at;
	ALTER TABLE keys DROP COLUMN last_used_at"
V=last-used
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
has "$V: JSON lists two rules" "$T/$V.json" "rules-not-checked 2"
for rule in credential-unused credential-never-used; do
	has "$V: JSON names the token column for $rule" "$T/$V.json" \
		"not-checked-missing $rule personal_access_tokens.last_used_at"
	has "$V: JSON names the key column for $rule" "$T/$V.json" \
		"not-checked-missing $rule keys.last_used_at"
	for kind in personal_access_token project_access_token \
		group_access_token ssh_key deploy_key; do
		has "$V: JSON counts every active $kind for $rule" "$T/$V.json" \
			"not-checked $rule $kind $(active $V $kind)"
	done
	equal "$V: HTML note for $rule" "$(html_note $V $rule)" \
		"Not checked for all $(active $V personal_access_token) active personal access tokens, all $(active $V project_access_token) active project access tokens, all $(active $V group_access_token) active group access tokens, all $(active $V ssh_key) active SSH keys and all $(active $V deploy_key) active deploy keys: personal_access_tokens.last_used_at and keys.last_used_at are not in this snapshot."
	equal "$V: Markdown note for $rule" "$(md_note $V $rule)" \
		"$(html_note $V $rule)"
	case "$(html_heading $V $rule)" in
	*"(not checked)") pass "$V: HTML heading of $rule says not checked" ;;
	*) fail "$V: HTML heading of $rule says not checked" "$(html_heading $V $rule)" ;;
	esac
	case "$(md_heading $V $rule)" in
	*"$rule (not checked)") pass "$V: Markdown heading of $rule says not checked" ;;
	*) fail "$V: Markdown heading of $rule says not checked" "$(md_heading $V $rule)" ;;
	esac
done
equal "$V: one warning" "$(warnings $V)" 1
if grep -q 'credential-unused and credential-never-used' "$T/$V.stderr" &&
   grep -q 'personal_access_tokens.last_used_at and keys.last_used_at' "$T/$V.stderr"; then
	pass "$V: warning names the rules and columns"
else
	fail "$V: warning names the rules and columns" "$(cat "$T/$V.stderr")"
fi

# Only keys lack last_used_at: tokens are still checked, so the rule is
# checked in part and keeps its findings among the tokens.

variant key-last-used "ALTER TABLE keys DROP COLUMN last_used_at"
V=key-last-used
unused=$(sed -n 's/^finding personal_access_token credential-unused //p' "$T/$V.json")
if [ -n "$unused" ] && [ "$unused" -gt 0 ]; then
	pass "$V: tokens still get credential-unused"
else
	fail "$V: tokens still get credential-unused" "$(grep '^finding' "$T/$V.json")"
fi
equal "$V: JSON skips no token" \
	"$(grep -c '^not-checked credential-unused [a-z]*_access_token ' "$T/$V.json")" 0
has "$V: JSON counts the SSH keys" "$T/$V.json" \
	"not-checked credential-unused ssh_key $(active $V ssh_key)"
equal "$V: HTML note is about keys only" "$(html_note $V credential-unused)" \
	"Not checked for all $(active $V ssh_key) active SSH keys and all $(active $V deploy_key) active deploy keys: keys.last_used_at is not in this snapshot."
equal "$V: Markdown note is about keys only" "$(md_note $V credential-unused)" \
	"$(html_note $V credential-unused)"
total=$(grep -c "^finding [a-z_]* credential-unused " "$T/$V.json")
count=$(awk '$1 == "finding" && $3 == "credential-unused" { n += $4 } END { print n + 0 }' "$T/$V.json")
case "$(html_heading $V credential-unused)" in
*"($count, checked in part)") pass "$V: HTML heading says checked in part" ;;
*) fail "$V: HTML heading says checked in part" "$(html_heading $V credential-unused)" "$total kinds, $count findings" ;;
esac
case "$(md_heading $V credential-unused)" in
*"credential-unused ($count, checked in part)") pass "$V: Markdown heading says checked in part" ;;
*) fail "$V: Markdown heading says checked in part" "$(md_heading $V credential-unused)" ;;
esac

# created_at dropped from tokens and keys: the lifetime needs it for every
# token with an expiry, and never-used for every credential without a use.
# Rules that check the snapshot's own values need nothing that is absent.

variant created "ALTER TABLE personal_access_tokens DROP COLUMN created_at;
	ALTER TABLE keys DROP COLUMN created_at"
V=created
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
has "$V: JSON lists two rules" "$T/$V.json" "rules-not-checked 2"
has "$V: JSON names the column for token-lifetime" "$T/$V.json" \
	"not-checked-missing token-lifetime personal_access_tokens.created_at"
has "$V: JSON names the token column for credential-never-used" "$T/$V.json" \
	"not-checked-missing credential-never-used personal_access_tokens.created_at"
has "$V: JSON names the key column for credential-never-used" "$T/$V.json" \
	"not-checked-missing credential-never-used keys.created_at"
# Active credentials of KIND without a last use, from the credentials.
never_used() {
	awk -F "$TAB" -v kind="$2" '
		$1 == "field" && $2 == kind && $4 == "state" { state[$3] = $5 }
		$1 == "field" && $2 == kind && $4 == "last_used_at" { used[$3] = $5 }
		END { for (id in state) if (state[id] == "active" && used[id] == "null") n++; print n + 0 }
	' "$T/$1.fields"
}
has "$V: JSON counts the tokens never used" "$T/$V.json" \
	"not-checked credential-never-used personal_access_token $(never_used $V personal_access_token)"
has "$V: JSON counts the SSH keys never used" "$T/$V.json" \
	"not-checked credential-never-used ssh_key $(never_used $V ssh_key)"
case "$(html_note $V token-lifetime)" in
"Not checked for "*" active personal access tokens"*": personal_access_tokens.created_at is not in this snapshot.")
	pass "$V: HTML note for token-lifetime" ;;
*) fail "$V: HTML note for token-lifetime" "$(html_note $V token-lifetime)" ;;
esac
case "$(html_note $V credential-never-used)" in
*": personal_access_tokens.created_at and keys.created_at are not in this snapshot.")
	pass "$V: HTML note for credential-never-used" ;;
*) fail "$V: HTML note for credential-never-used" "$(html_note $V credential-never-used)" ;;
esac
equal "$V: Markdown note for token-lifetime" "$(md_note $V token-lifetime)" \
	"$(html_note $V token-lifetime)"
equal "$V: Markdown note for credential-never-used" \
	"$(md_note $V credential-never-used)" "$(html_note $V credential-never-used)"
equal "$V: date-invalid and value-invalid are not listed" \
	"$(grep -cE '^not-checked-(date|value)-invalid' "$T/$V.html")" 0
if grep -q 'token-lifetime and credential-never-used' "$T/$V.stderr"; then
	pass "$V: warning names the rules"
else
	fail "$V: warning names the rules" "$(cat "$T/$V.stderr")"
fi

# emails and users.confirmed_at dropped: no verified address is known but
# the private commit address, so GPG verification is unknown for every
# key that has an address no known one matched.

variant emails "DROP TABLE emails; ALTER TABLE users DROP COLUMN confirmed_at"
V=emails
unknown=$(sed -n 's/^unavailable gpg_key verification //p' "$T/$V.json")
has "$V: JSON lists two rules" "$T/$V.json" "rules-not-checked 2"
for rule in gpg-key-unverified gpg-key-revoked-uid-match; do
	has "$V: JSON names users.confirmed_at for $rule" "$T/$V.json" \
		"not-checked-missing $rule users.confirmed_at"
	has "$V: JSON names emails for $rule" "$T/$V.json" \
		"not-checked-missing $rule emails"
	has "$V: JSON counts the GPG keys for $rule" "$T/$V.json" \
		"not-checked $rule gpg_key $unknown"
	equal "$V: HTML note for $rule" "$(html_note $V $rule)" \
		"Not checked for $unknown of $(sed -n 's/^kind gpg_key //p' "$T/$V.json") GPG keys: users.confirmed_at and the emails table are not in this snapshot."
	equal "$V: Markdown note for $rule" "$(md_note $V $rule)" \
		"$(html_note $V $rule)"
done
# Key 10 has no user ID that any address could match: still unverified.
has "$V: a key no address can verify is still unverified" "$T/$V.json" \
	"finding gpg_key gpg-key-unverified 1"
if grep -q 'users.confirmed_at and emails' "$T/$V.stderr" &&
   grep -q 'gpg-key-unverified' "$T/$V.stderr"; then
	pass "$V: warning names the rules and what is missing"
else
	fail "$V: warning names the rules and what is missing" "$(cat "$T/$V.stderr")"
fi

# members and user_details dropped: a bot's project or group is unknown,
# so token-resource-missing checks none of the bot tokens.

variant bots "DROP TABLE members; DROP TABLE user_details"
V=bots
has "$V: JSON lists one rule" "$T/$V.json" "rules-not-checked 1"
has "$V: JSON counts the project tokens" "$T/$V.json" \
	"not-checked token-resource-missing project_access_token $(sed -n 's/^kind project_access_token //p' "$T/$V.json")"
equal "$V: HTML note" "$(html_note $V token-resource-missing)" \
	"Not checked for all $(sed -n 's/^kind project_access_token //p' "$T/$V.json") project access tokens and all $(sed -n 's/^kind group_access_token //p' "$T/$V.json") group access tokens: the members table and the user_details table are not in this snapshot."
equal "$V: Markdown note" "$(md_note $V token-resource-missing)" \
	"$(html_note $V token-resource-missing)"

# keys.user_id dropped: the owner of a key is unknown, not missing, so
# the owner rules skip every active key instead of flagging it.

variant key-owner "ALTER TABLE keys DROP COLUMN user_id"
V=key-owner
equal "$V: no key is owner-missing" \
	"$(grep -cE '^finding (ssh|deploy)_key owner-missing ' "$T/$V.json")" 0
for rule in owner-missing owner-inactive; do
	has "$V: JSON names the column for $rule" "$T/$V.json" \
		"not-checked-missing $rule keys.user_id"
	has "$V: JSON counts the active SSH keys for $rule" "$T/$V.json" \
		"not-checked $rule ssh_key $(active $V ssh_key)"
done
has "$V: JSON marks the owner of every SSH key unavailable" "$T/$V.json" \
	"unavailable ssh_key owner $(sed -n 's/^kind ssh_key //p' "$T/$V.json")"
equal "$V: no report shows the unknown owner as a user 0" \
	"$(grep -rl 'user 0' "$T/$V/report.md" "$T/$V/report.html" "$T/$V/inventory" "$T/$V/plan.md" | wc -l)" 0
if grep -q '| SSH key 5 "old desktop" | not available in this snapshot |' "$T/$V/report.md"; then
	pass "$V: Markdown says the owner is not available"
else
	fail "$V: Markdown says the owner is not available" "$(grep 'SSH key 5 ' "$T/$V/report.md")"
fi

# The keys table dropped: no rule checked an SSH or deploy key.

variant no-keys "DROP TABLE keys"
V=no-keys
has "$V: JSON has no count for SSH keys" "$T/$V.json" \
	"not-checked ssh-key-dsa ssh_key null"
has "$V: JSON names the table" "$T/$V.json" "not-checked-missing ssh-key-dsa keys"
equal "$V: HTML note for ssh-key-dsa" "$(html_note $V ssh-key-dsa)" \
	"Not checked for SSH keys and deploy keys: the keys table is not in this snapshot."
case "$(html_heading $V ssh-key-dsa)" in
*"(not checked)") pass "$V: HTML heading of ssh-key-dsa says not checked" ;;
*) fail "$V: HTML heading of ssh-key-dsa says not checked" "$(html_heading $V ssh-key-dsa)" ;;
esac
equal "$V: Markdown note for ssh-key-dsa" "$(md_note $V ssh-key-dsa)" \
	"$(html_note $V ssh-key-dsa)"
equal "$V: one warning" "$(warnings $V)" 1

finish
