#!/bin/sh
# credaudit approve and apply on plan files and options that they cannot
# use as given. The files are a folder, a plan.md without its plan.json
# and a plan saved as UTF-16. The edits are a header line that was
# repeated, removed, changed or copied into a paragraph, and a ticked
# action line outside the action list. The options are an unusable GnuPG
# home, an expired or revoked signing key and a --signature that cannot
# be written. Signatures with a hash weaker than SHA-256 are rejected
# when approve would make one and when apply checks one. Each error
# exits with the code that docs/exit-codes.md gives, names the value at
# fault and changes no file. A plan saved with a UTF-8 byte order mark is
# accepted. apply runs against tests/mock-gitlab/mock_gitlab.py on
# 127.0.0.1. Plans come from samples/demo.db at 2026-12-04T12:00:00Z.
# Run from the repository root.
. tests/e2e/lib.sh

PYTHON=/usr/bin/python3
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
# The admin token the mock accepts.
TOKEN="glpat-input-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
MOCK_PID=
KEYS=$T/gnupg
KEYLESS=$T/keyless
STALE=$T/stale-keys

cleanup() {
	stop_mock_gitlab
	for home in "$KEYS" "$KEYLESS" "$STALE"; do
		[ -d "$home" ] && gpgconf --homedir "$home" --kill all 2>/dev/null
	done
	rm -rf "$E2E_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# skip NAME REASON: a case that cannot run on this machine.
skip() {
	echo "ok - $1 # skip $2"
}

if [ ! -x "$PYTHON" ] || [ ! -f samples/demo.db ]; then
	fail "plan input test setup" "needs $PYTHON and samples/demo.db (make samples/demo.db)"
	finish
fi

# The plan, with one action ticked.
P=$T/plan
"$CREDAUDIT" report -q --db samples/demo.db --out "$P" --now "$NOW" \
	--plan-valid-days 3650
sed -i 's/^- \[ \] `revoke-pat-12` /- [x] `revoke-pat-12` /' "$P/plan.md"
total=$(grep -c '^- \[[ x]\] `' "$P/plan.md")
line=$(grep -n '^- \[x\] `revoke-pat-12` ' "$P/plan.md" | cut -d: -f1)

# --- A folder or a missing file in place of the plan ----------------------

fails "approve of a folder names its plan.md" 7 \
	"'$P/' is a folder: pass the plan.md in it, '$P/plan.md'" "$P" \
	"$CREDAUDIT" approve "$P/"
fails "approve of a folder without slash" 7 \
	"'$P' is a folder: pass the plan.md in it, '$P/plan.md'" "$P" \
	"$CREDAUDIT" approve "$P"
mkdir "$T/empty"
fails "approve of a folder without plan.md" 7 \
	"'$T/empty' is a folder, and it has no plan.md: pass the plan.md that credaudit report wrote" \
	"$T/empty" "$CREDAUDIT" approve "$T/empty"

mkdir "$T/alone"
cp "$P/plan.md" "$T/alone/"
fails "approve without plan.json names the missing file" 7 \
	"'$T/alone/plan.json' does not exist, but the actions of '$T/alone/plan.md' are read from it: put the plan.json" \
	"$T/alone" "$CREDAUDIT" approve "$T/alone/plan.md"
fails "approve of a missing plan.md" 7 \
	"'$T/alone/stage1.md' does not exist: pass the plan.md that credaudit report wrote" \
	"$T/alone" "$CREDAUDIT" approve "$T/alone/stage1.md"

# A FIFO would block the read until something writes to it.
mkfifo "$T/alone/pipe.md"
fails "approve of a FIFO ends at once" 7 \
	"'$T/alone/pipe.md' is not a regular file: pass the plan.md that credaudit report wrote" \
	"$T/alone" timeout 10 "$CREDAUDIT" approve "$T/alone/pipe.md"
rm -f "$T/alone/pipe.md"

# --- Byte order mark and UTF-16 ---------------------------------------------

# with_bom FILE COPY: COPY is FILE with a UTF-8 byte order mark before it.
with_bom() {
	{ printf '\357\273\277'; cat "$1"; } >"$2"
}

B=$T/bom
mkdir "$B"
with_bom "$P/plan.md" "$B/plan.md"
cp "$P/plan.json" "$B/"
if "$CREDAUDIT" approve "$B/plan.md" >"$T/bom.out" 2>"$T/bom.err"; then
	pass "approve accepts plan.md with a byte order mark"
else
	fail "approve accepts plan.md with a byte order mark" "$(cat "$T/bom.err")"
fi
has "a byte order mark keeps the ticks" "$T/bom.out" \
	"$B/plan.md: 1 of $total actions approved"
has "a byte order mark keeps the line numbers" "$T/bom.out" \
	"  revoke-pat-12 (line $line): DELETE /api/v4/personal_access_tokens/12"

BJ=$T/bom-json
mkdir "$BJ"
cp "$B/plan.md" "$BJ/"
with_bom "$P/plan.json" "$BJ/plan.json"
check "approve accepts plan.json with a byte order mark" \
	"$CREDAUDIT" approve -q "$BJ/plan.md"

BE=$T/bom-edited
mkdir "$BE"
cp "$P/plan.json" "$BE/"
sed 's/^- \[ \] `revoke-pat-13` Revoke/- [ ] `revoke-pat-13` Revokes/' \
	"$B/plan.md" >"$BE/plan.md"
fails "a BOM does not hide an edit" 7 \
	"the text of action 'revoke-pat-13' was changed" "$BE" \
	"$CREDAUDIT" approve "$BE/plan.md"

U=$T/utf16
mkdir "$U"
cp "$P/plan.json" "$U/"
"$PYTHON" -c '
import sys
text = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-16", newline="").write(text)
' "$P/plan.md" "$U/plan.md"
fails "approve rejects UTF-16" 7 \
	"'$U/plan.md' is UTF-16 text, but a plan is read as UTF-8: save it as UTF-8" \
	"$U" "$CREDAUDIT" approve "$U/plan.md"

# --- Header lines ------------------------------------------------------------

# edited NAME FROM SED_SCRIPT: a copy in $T/NAME of the plan in FROM, whose
# plan.md SED_SCRIPT edited.
edited() {
	rm -rf "${T:?}/$1"
	mkdir "$T/$1"
	cp "$2/plan.md" "$2/plan.json" "$T/$1/"
	sed -i "$3" "$T/$1/plan.md"
}

# A second line must not show the approver, and a signature cover,
# another expiry or filter than the one plan.json has.
valid_line=$(grep -n '^- Valid until: ' "$P/plan.md" | cut -d: -f1)
edited valid-twice "$P" '/^- Valid until/a - Valid until: 2099-01-01T00:00:00Z'
fails "a second Valid until line is rejected" 7 \
	"$T/valid-twice/plan.md:$((valid_line + 1)): a second \"Valid until\" line, after the one on line $valid_line" \
	"$T/valid-twice" "$CREDAUDIT" approve "$T/valid-twice/plan.md"
edited no-snapshot-digest "$P" '/^- Snapshot digest: /d'
fails "a removed Snapshot digest line is rejected" 7 \
	"$T/no-snapshot-digest/plan.md: there is no \"Snapshot digest\" line in the list under the title: restore the line '- Snapshot digest: \`sha256:" \
	"$T/no-snapshot-digest" "$CREDAUDIT" approve "$T/no-snapshot-digest/plan.md"
edited created "$P" 's/^- Created: 2026-12-04/- Created: 2026-12-03/'
fails "an edited Created line is rejected" 7 \
	"the \"Created\" line was changed: it says '2026-12-03T12:00:00Z', but $T/created/plan.json has '2026-12-04T12:00:00Z'" \
	"$T/created" "$CREDAUDIT" approve "$T/created/plan.md"
edited valid-paragraph "$P" 's/^## Actions/Valid until: 2099-01-01T00:00:00Z\n\n&/'
fails "a Valid until paragraph is rejected" 7 \
	"this line reads as a \"Valid until\" line, but credaudit report writes that line only in the list under the title" \
	"$T/valid-paragraph" "$CREDAUDIT" approve "$T/valid-paragraph/plan.md"

F=$T/filtered
"$CREDAUDIT" report -q --db samples/demo.db --out "$F" --now "$NOW" \
	--plan-severity high
filter_line=$(grep -n '^- Filter: ' "$F/plan.md" | cut -d: -f1)
edited filter-none "$F" '/^- Filter: /a - Filter: none'
fails "a second Filter line is rejected" 7 \
	"$T/filter-none/plan.md:$((filter_line + 1)): a second \"Filter\" line, after the one on line $filter_line" \
	"$T/filter-none" "$CREDAUDIT" approve "$T/filter-none/plan.md"

# --- Action lines outside the action list ----------------------------------

# A ticked copy of an action line that is not a list item reads as an
# approval to a person, but approves nothing.
copy=$(grep '^- \[ \] `revoke-pat-13` ' "$P/plan.md" | sed 's/^- \[ \]/[x]/')
edited copy-paragraph "$P" ''
printf '\n%s\n' "$copy" >>"$T/copy-paragraph/plan.md"
copy_line=$(grep -n '^\[x\] `revoke-pat-13` ' "$T/copy-paragraph/plan.md" | cut -d: -f1)
copy_item=$(grep -n '^- \[ \] `revoke-pat-13` ' "$P/plan.md" | cut -d: -f1)
fails "a ticked action line in a paragraph is rejected" 7 \
	"$T/copy-paragraph/plan.md:$copy_line: this line has the box and id of action 'revoke-pat-13', but it is not an item of the action list, so it approves nothing: remove it, and tick the box on line $copy_item" \
	"$T/copy-paragraph" "$CREDAUDIT" approve "$T/copy-paragraph/plan.md"

# A ticked item of another list approves nothing either: in the header
# list, under another heading, or in a list that an HTML block hides.
ticked=$(grep '^- \[ \] `revoke-pat-13` ' "$P/plan.md" | sed 's/^- \[ \]/- [x]/')
printf '%s\n' "$ticked" >"$T/ticked-line"
for place in header flagged details; do
	case $place in
	header) where='/^- Generated by/r' ;;
	flagged) where='/^## Flagged/r' ;;
	details) where='/^## Flagged/r' ;;
	esac
	edited "moved-$place" "$P" "/^- \[ \] \`revoke-pat-13\` /d"
	if [ "$place" = details ]; then
		printf '<details>\n\n%s\n\n</details>\n' "$ticked" >"$T/ticked-details"
		sed -i "$where $T/ticked-details" "$T/moved-$place/plan.md"
	else
		sed -i "$where $T/ticked-line" "$T/moved-$place/plan.md"
	fi
	fails "a ticked item moved into the $place list approves nothing" 7 \
		"action 'revoke-pat-13' of $T/moved-$place/plan.json is missing" \
		"$T/moved-$place" "$CREDAUDIT" approve "$T/moved-$place/plan.md"
done

# --- The GnuPG home of approve --sign ---------------------------------------

KEY=alice@example.com
fails "a --gnupg-home that does not exist is named" 2 \
	"--gnupg-home '$T/no-home' does not exist: pass the GnuPG home that contains the signing key" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$T/no-home"
if [ -e "$T/no-home" ]; then
	fail "a missing --gnupg-home is not created"
else
	pass "a missing --gnupg-home is not created"
fi
fails "a --gnupg-home that is a file is named" 2 \
	"--gnupg-home '$P/plan.json' is not a folder" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$P/plan.json"
fails "a GNUPGHOME that does not exist is named" 2 \
	"GNUPGHOME '$T/no-home' does not exist: set GNUPGHOME to the GnuPG home that contains the signing key, or pass --gnupg-home DIR" \
	"$P" env GNUPGHOME="$T/no-home" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY"
mkdir "$T/user"
fails "a missing ~/.gnupg asks for --gnupg-home" 2 \
	"the default GnuPG home '$T/user/.gnupg' does not exist: pass --gnupg-home DIR" \
	"$P" env -u GNUPGHOME HOME="$T/user" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY"
if [ -e "$T/user/.gnupg" ]; then
	fail "a missing ~/.gnupg is not created"
else
	pass "a missing ~/.gnupg is not created"
fi
mkdir -m 700 "$KEYLESS"
fails "a GnuPG home without secret keys is named" 2 \
	"GnuPG home '$KEYLESS' has no secret key, so no key can sign: pass --gnupg-home DIR" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$KEYLESS"

fails "an empty --sign exits 2" 2 "empty --sign" "$P" \
	"$CREDAUDIT" approve -q "$P/plan.md" --sign ""
fails "an empty --gnupg-home exits 2" 2 "empty --gnupg-home" "$P" \
	"$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home ""
fails "an empty --signature exits 2" 2 "empty --signature" "$P" \
	"$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --signature ""
fails "--signature without --sign exits 2" 2 "--signature needs --sign KEY" "$P" \
	"$CREDAUDIT" approve -q "$P/plan.md" --signature "$T/plan.md.asc"

# A key that expired, made with a clock set back to 2020 so that its
# one day has passed, and a key revoked with the revocation certificate
# that GnuPG made with it. Neither can sign, and the message names the
# reason.
mkdir -m 700 "$STALE"
gpg --homedir "$STALE" --batch --quiet --passphrase '' \
	--faked-system-time 20200101T000000 \
	--quick-gen-key "old <old@example.com>" ed25519 sign 1d >/dev/null 2>&1
gpg --homedir "$STALE" --batch --quiet --passphrase '' \
	--quick-gen-key "gone <gone@example.com>" ed25519 sign never >/dev/null 2>&1
old_fpr=$(gpg --homedir "$STALE" --with-colons --list-keys old@example.com 2>/dev/null |
	awk -F: '$1 == "fpr" { print $10; exit }')
gone_fpr=$(gpg --homedir "$STALE" --with-colons --list-keys gone@example.com 2>/dev/null |
	awk -F: '$1 == "fpr" { print $10; exit }')
sed 's/^:-----BEGIN/-----BEGIN/' "$STALE/openpgp-revocs.d/$gone_fpr.rev" |
	gpg --homedir "$STALE" --batch --quiet --import >/dev/null 2>&1
fails "an expired key is named" 2 \
	"no usable secret signing key matches 'old@example.com' in GnuPG home '$STALE': key $old_fpr expired at 2020-01-02T00:00:00Z: extend it with 'gpg --quick-set-expire $old_fpr 1y'" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign old@example.com --gnupg-home "$STALE"
fails "a revoked key is named" 2 \
	"no usable secret signing key matches 'gone@example.com' in GnuPG home '$STALE': key $gone_fpr is revoked: pass another key" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign gone@example.com --gnupg-home "$STALE"

# --- Where approve --sign writes the signature ------------------------------

mkdir -m 700 "$KEYS"
if ! gpg --homedir "$KEYS" --batch --quiet --passphrase '' \
	--quick-gen-key "alice <$KEY>" ed25519 sign never >/dev/null 2>&1
then
	fail "gpg makes a test key"
	finish
fi

# The folder of a --signature is checked before GnuPG signs, so the
# message names the option, not a temporary file.
fails "a --signature in a missing folder is named" 5 \
	"cannot write --signature '$T/no-dir/plan.md.asc': its folder '$T/no-dir' does not exist" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$KEYS" \
	--signature "$T/no-dir/plan.md.asc"
fails "a --signature under a file is named" 5 \
	"cannot write --signature '$P/plan.json/plan.md.asc': '$P/plan.json' is not a folder" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$KEYS" \
	--signature "$P/plan.json/plan.md.asc"
fails "a --signature that is a folder is named" 5 \
	"--signature '$T/empty' is a folder: pass the file to write, such as '$T/empty/plan.md.asc'" \
	"$T/empty" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$KEYS" \
	--signature "$T/empty"
fails "a --signature that is plan.md is rejected" 2 \
	"--signature '$P/plan.md' is a file of the plan itself, which the signature would replace" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$KEYS" \
	--signature "$P/plan.md"
fails "a --signature reaching plan.json is rejected" 2 \
	"--signature '$P/../plan/./plan.json' is a file of the plan itself" \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$KEYS" \
	--signature "$P/../plan/./plan.json"
# A FIFO stands for any file that is not a regular file, such as a device
# that a signature renamed over it would replace.
mkdir "$T/special"
mkfifo "$T/special/fifo"
fails "a --signature that is not a regular file is rejected" 2 \
	"--signature '$T/special/fifo' exists and is not a regular file" \
	"$T/special" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" \
	--gnupg-home "$KEYS" --signature "$T/special/fifo"
# A file that is not a signature, such as the journal, stays as it is.
printf '{"action":"revoke-pat-12","result":"done"}\n' >"$T/special/journal.jsonl"
fails "a --signature over another file is rejected" 2 \
	"--signature '$T/special/journal.jsonl' exists and is not an armored OpenPGP signature" \
	"$T/special" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" \
	--gnupg-home "$KEYS" --signature "$T/special/journal.jsonl"
# /proc takes no new files, although its folder looks writable to root.
fails "an uncreatable signature names the option" 5 \
	"cannot write --signature '/proc/credaudit-test.asc': cannot create " \
	"$P" "$CREDAUDIT" approve -q "$P/plan.md" --sign "$KEY" --gnupg-home "$KEYS" \
	--signature /proc/credaudit-test.asc
if grep -qF "pass --signature FILE in a writable folder" "$T/stderr"; then
	pass "an uncreatable signature says what to do"
else
	fail "an uncreatable signature says what to do" "$(cat "$T/stderr")"
fi

# A folder the user cannot write. Root writes anywhere, so as root the
# case runs as the user nobody, with a copy of the binary that nobody can
# run. The check fails after only stat() and access() calls, so it needs
# no access to the GnuPG home.
mkdir "$T/locked"
find_unprivileged_user
if [ "$AS_USER" = none ]; then
	skip "a --signature in a read-only folder is named" "running as root without setpriv or runuser"
else
	cp "$CREDAUDIT" "$T/credaudit"
	chmod 755 "$T/credaudit"
	# Owned by root, mode 755 stops nobody; another user needs 555.
	if [ -n "$AS_USER" ]; then
		chmod 755 "$T/locked"
	else
		chmod 555 "$T/locked"
	fi
	chmod 711 "$T"
	chmod -R a+rX "$P"
	fails "a --signature in a read-only folder is named" 5 \
		"cannot write --signature '$T/locked/plan.md.asc': its folder '$T/locked' is not writable" \
		"$T/locked" env HOME="$T/user" $AS_USER "$T/credaudit" approve -q "$P/plan.md" \
		--sign "$KEY" --gnupg-home "$KEYS" --signature "$T/locked/plan.md.asc"
	chmod 755 "$T/locked"
fi

# The default signature file next to the plan, in a folder that has
# plan.md.asc as a folder.
D=$T/asc-folder
mkdir "$D"
cp "$P/plan.md" "$P/plan.json" "$D/"
mkdir "$D/plan.md.asc"
fails "a folder at plan.md.asc is named" 5 \
	"the signature file '$D/plan.md.asc' is a folder" \
	"$D" "$CREDAUDIT" approve -q "$D/plan.md" --sign "$KEY" --gnupg-home "$KEYS"

# A plan with a byte order mark is signed as it is, byte for byte.
if "$CREDAUDIT" approve -q "$B/plan.md" --sign "$KEY" --gnupg-home "$KEYS" \
	2>"$T/sign.err" &&
	gpg --homedir "$KEYS" --verify "$B/plan.md.asc" "$B/plan.md" 2>/dev/null
then
	pass "a plan with a BOM is signed"
else
	fail "a plan with a BOM is signed" "$(cat "$T/sign.err")"
fi
gpg --homedir "$KEYS" --export --armor "$KEY" >"$T/approvers.asc" 2>/dev/null

# --- apply reads the plan the same way --------------------------------------

start_mock_gitlab "$T/mock.json"
apply_args="--timeout 5 --retries 1 --retry-wait 0.05 --max-wait 1"

fails "apply of a folder names its plan.md" 7 \
	"'$P/' is a folder: pass the plan.md in it, '$P/plan.md'" "$P" \
	env GITLAB_TOKEN="$TOKEN" "$CREDAUDIT" apply "$P/" --gitlab-url "$URL" $apply_args
fails "apply without plan.json names the missing file" 7 \
	"'$T/alone/plan.json' does not exist, but the actions of '$T/alone/plan.md' are read from it" \
	"$T/alone" env GITLAB_TOKEN="$TOKEN" "$CREDAUDIT" apply "$T/alone/plan.md" \
	--gitlab-url "$URL" $apply_args
fails "apply rejects UTF-16" 7 "'$U/plan.md' is UTF-16 text" "$U" \
	env GITLAB_TOKEN="$TOKEN" "$CREDAUDIT" apply "$U/plan.md" --gitlab-url "$URL" $apply_args

GITLAB_TOKEN=$TOKEN "$CREDAUDIT" apply "$B/plan.md" --gitlab-url "$URL" \
	--require-signature --keyring "$T/approvers.asc" $apply_args \
	>"$T/apply.out" 2>"$T/apply.err"
status=$?
if [ "$status" -eq 0 ] && grep -q "dry run: 1 would be sent" "$T/apply.out"; then
	pass "apply accepts a signed plan with a BOM"
else
	fail "apply accepts a signed plan with a BOM" "exit $status" \
		"$(tail -n 5 "$T/apply.out" "$T/apply.err")"
fi

# --- Hash algorithms of signatures ------------------------------------------

# approve signs with GnuPG's default hash for the key, which must be one
# that apply accepts: SHA256, SHA384 or SHA512 (OpenPGP ids 8, 9, 10).
algo=$(gpg --homedir "$KEYS" --list-packets "$B/plan.md.asc" 2>/dev/null |
	sed -n 's/.*digest algo \([0-9]*\).*/\1/p')
case $algo in
8 | 9 | 10) pass "approve signs with SHA256 or stronger" ;;
*) fail "approve signs with SHA256 or stronger" "OpenPGP hash algorithm '$algo'" ;;
esac

# A gpg.conf may select a weaker hash, which apply would reject later.
W=$T/weak-hash
mkdir "$W"
cp "$P/plan.md" "$P/plan.json" "$W/"
echo 'digest-algo SHA1' >"$KEYS/gpg.conf"
fails "approve writes no SHA1 signature" 6 \
	"GnuPG signed with the hash algorithm SHA1, but credaudit apply accepts only SHA256, SHA384 and SHA512: remove the 'digest-algo' or 'personal-digest-preferences' line that selects SHA1 from gpg.conf in GnuPG home '$KEYS'" \
	"$W" "$CREDAUDIT" approve -q "$W/plan.md" --sign "$KEY" --gnupg-home "$KEYS"
rm -f "$KEYS/gpg.conf"

# A signature over the ticked plan by a key of the keyring, but with a
# hash that has collisions (MD5, SHA1) or is shorter than SHA256.
for weak in MD5 SHA1 RIPEMD160 SHA224; do
	rm -f "$W/plan.md.asc"
	if ! gpg --homedir "$KEYS" --batch --yes --quiet --local-user "$KEY" \
		--digest-algo "$weak" --detach-sign --armor "$W/plan.md" 2>/dev/null
	then
		skip "apply rejects a $weak signature" "gpg does not sign with $weak"
		continue
	fi
	fails "apply rejects a $weak signature" 9 \
		"uses the hash algorithm $weak, but only SHA256, SHA384 and SHA512 are accepted: sign the plan again with 'credaudit approve PLAN.md --sign KEY', which uses GnuPG's default, or with 'gpg --digest-algo SHA256'" \
		"$W" env GITLAB_TOKEN="$TOKEN" "$CREDAUDIT" apply "$W/plan.md" \
		--gitlab-url "$URL" --require-signature --keyring "$T/approvers.asc" \
		$apply_args
done
stop_mock_gitlab

finish
