#!/bin/sh
# The usage rules (credential-unused, credential-never-used) and SSH keys
# by usage type. GitLab records a key's last use only when the key
# authenticates, so a signing-only key (usage_type 2) is never judged by
# them, while a key for authentication with the same dates is. Each
# snapshot is samples/demo.db changed with sqlite3.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
TAB=$(printf '\t')

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok - usage rules # skip no sqlite3"
	finish
fi

# rules VARIANT ID: the rules of the findings of SSH key ID, sorted, on
# one line.
rules() {
	awk -F "$TAB" -v id="$2" '$1 == "rule" && $2 == "ssh_key" && $3 == id { print $4 }' \
		"$T/$1.fields" | sort | tr '\n' ' '
}

# action VARIANT ID: the plan action of SSH key ID, or nothing.
action() {
	grep -o "delete-ssh-key-$2\`" "$T/$1/plan.md" | head -n 1
}

# Key 13 of the sample is a signing-only ECDSA key of an active owner.
equal "key 13 of the sample is for signing only" \
	"$(sqlite3 "$DB" "SELECT usage_type FROM keys WHERE id = 13")" 2

# Never used, created 125 days before --now.
variant never "UPDATE keys SET created_at = '2026-08-01 00:00:00', last_used_at = NULL WHERE id = 13"
V=never
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
equal "$V: a signing key gets no usage finding" "$(rules $V 13)" ""
equal "$V: a signing key is not in the plan" "$(action $V 13)" ""
# The rules do not apply to the key, so none counts it as skipped.
equal "$V: usage rules are checked in full" \
	"$(grep '^not-checked credential-' "$T/$V.json")" ""

# Last used 300 days before --now.
variant unused "UPDATE keys SET last_used_at = '2026-02-07 00:00:00' WHERE id = 13"
V=unused
equal "$V: a signing key gets no unused finding" "$(rules $V 13)" ""

# The same dates on a key for authentication and signing are judged.
variant auth "UPDATE keys SET created_at = '2026-08-01 00:00:00', last_used_at = NULL, usage_type = 0 WHERE id = 13"
V=auth
equal "$V: an auth key never used is flagged" "$(rules $V 13)" "credential-never-used "
equal "$V: an auth key never used is in the plan" "$(action $V 13)" 'delete-ssh-key-13`'

# The plan deletes a signing key for another reason (its owner is
# blocked), and its consequence names signed commits, not Git over SSH.
variant blocked "UPDATE users SET state = 'blocked' WHERE id = (SELECT user_id FROM keys WHERE id = 13)"
V=blocked
if grep '`delete-ssh-key-13`' "$T/$V/plan.md" | grep -q 'commits signed with this key from now on are not verified'; then
	pass "$V: a signing key's deletion names signed commits"
else
	fail "$V: a signing key's deletion names signed commits" "$(grep 'delete-ssh-key-13' "$T/$V/plan.md")"
fi

# A usage type GitLab does not store may stand for signing only, so the
# usage rules skip the key rather than judge it.
variant odd "UPDATE keys SET created_at = '2026-08-01 00:00:00', last_used_at = NULL, usage_type = 3 WHERE id = 13"
V=odd
equal "$V: an unknown usage type gets no usage finding" "$(rules $V 13)" "value-invalid "
equal "$V: an unknown usage type is not in the plan" "$(action $V 13)" ""
has "$V: the usage rules count the key as not checked" "$T/$V.json" \
	"not-checked credential-never-used ssh_key 1"

finish
