#!/bin/sh
# credaudit approve and apply on plan files that they cannot use as
# given. These are a folder, a plan.md without its plan.json and a plan
# saved as UTF-16. Each error exits with the code that
# docs/exit-codes.md gives, names the value at fault and changes no file.
# A plan saved with a UTF-8 byte order mark is accepted. apply runs
# against tests/mock-gitlab/mock_gitlab.py on 127.0.0.1. Plans come from
# samples/demo.db at 2026-12-04T12:00:00Z. Run from the repository root.
. tests/e2e/lib.sh

PYTHON=/usr/bin/python3
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
# The admin token the mock accepts.
TOKEN="glpat-input-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
MOCK_PID=
KEYS=$T/gnupg

cleanup() {
	stop_mock_gitlab
	[ -d "$KEYS" ] && gpgconf --homedir "$KEYS" --kill all 2>/dev/null
	rm -rf "$E2E_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

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

# --- A plan with a byte order mark, signed -------------------------------

KEY=alice@example.com
mkdir -m 700 "$KEYS"
if ! gpg --homedir "$KEYS" --batch --quiet --passphrase '' \
	--quick-gen-key "alice <$KEY>" ed25519 sign never >/dev/null 2>&1
then
	fail "gpg makes a test key"
	finish
fi

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
stop_mock_gitlab

finish
