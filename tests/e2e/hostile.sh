#!/bin/sh
# credaudit report on samples/hostile.db, the sample with one row per
# case of hostile or damaged input (samples/README.md lists them). The run
# must exit 0 with every output complete; the HTML and Markdown must
# carry no markup, link or URL from the data, and the inventory pages
# one row per credential;
# each hostile row must get its expected state and findings in the JSON;
# shown text must be escaped and capped; and no output may grow out of
# proportion to the snapshot.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/hostile.db
NOW=2026-12-04T12:00:00Z
OUT=$E2E_TMP/out
FILES="credentials.csv plan.json plan.md report.html report.json report.md"
TAB=$(printf '\t')

# skip NAME REASON: a case that cannot run on this machine.
skip() {
	echo "ok - $1 # skip $2"
}

# has_lines NAME FILE LINE...: pass when FILE has every LINE exactly.
has_lines() {
	has_name=$1
	has_file=$2
	shift 2
	missing=
	for line in "$@"; do
		grep -qxF -- "$line" "$has_file" && continue
		missing="$missing${missing:+
}no line '$line'"
	done
	if [ -z "$missing" ]; then
		pass "$has_name"
	else
		fail "$has_name" "$missing"
	fi
}

if [ ! -s "$DB" ]; then
	fail "hostile sample exists" "$DB is missing: run make $DB"
	finish
fi

"$CREDAUDIT" report --db "$DB" --out "$OUT" --now "$NOW" \
	>"$E2E_TMP/stdout" 2>"$E2E_TMP/stderr"
status=$?
if [ "$status" -eq 0 ]; then
	pass "report on hostile.db exits 0"
else
	fail "report on hostile.db exits 0" "exit status $status" \
		"$(head -c 2000 "$E2E_TMP/stderr")"
	finish
fi

if grep -q 'error' "$E2E_TMP/stderr"; then
	fail "report on hostile.db prints no error" "$(head -c 2000 "$E2E_TMP/stderr")"
else
	pass "report on hostile.db prints no error"
fi

listing=$(cd "$OUT" && LC_ALL=C ls -A | tr '\n' ' ')
if [ "$listing" = "credentials.csv inventory plan.json plan.md report.html report.json report.md " ]; then
	pass "hostile report writes every output"
else
	fail "hostile report writes every output" "expected: $FILES and inventory" \
		"got:      $listing"
fi

# Complete: each file ends as its format ends, not part-way.
incomplete=
tail -c 200 "$OUT/report.html" | grep -q '</html>' || incomplete="$incomplete report.html"
tail -c 2 "$OUT/report.json" | grep -q '}' || incomplete="$incomplete report.json"
tail -c 2 "$OUT/plan.json" | grep -q '}' || incomplete="$incomplete plan.json"
[ -s "$OUT/report.md" ] || incomplete="$incomplete report.md"
[ -s "$OUT/plan.md" ] || incomplete="$incomplete plan.md"
[ -s "$OUT/credentials.csv" ] || incomplete="$incomplete credentials.csv"
for page in "$OUT"/inventory/*.html; do
	tail -c 200 "$page" | grep -q '</html>' || incomplete="$incomplete $page"
done
if [ -z "$incomplete" ]; then
	pass "hostile report files are complete"
else
	fail "hostile report files are complete" "cut short or empty:$incomplete"
fi

# The number of rows in the snapshot, counted by SQLite itself, is the
# number of credentials every output must list.
if command -v sqlite3 >/dev/null 2>&1; then
	rows=$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM personal_access_tokens) + (SELECT count(*) FROM keys) + (SELECT count(*) FROM gpg_keys);")
else
	rows=
fi

# report.json

"$INSPECT" json "$OUT/report.json" >"$E2E_TMP/json" 2>"$E2E_TMP/json.err"
if [ $? -eq 0 ]; then
	pass "hostile report.json parses with Jansson"
else
	fail "hostile report.json parses with Jansson" "$(head -n 20 "$E2E_TMP/json.err")"
	finish
fi
credentials=$(sed -n 's/^credentials //p' "$E2E_TMP/json")
if [ -z "$rows" ]; then
	skip "report.json lists every row of the snapshot" "no sqlite3"
elif [ "$credentials" = "$rows" ]; then
	pass "report.json lists every row of the snapshot"
else
	fail "report.json lists every row of the snapshot" \
		"$credentials credentials, $rows rows in $DB"
fi
has_lines "hostile report.json credentials are well-formed" "$E2E_TMP/json" \
	"bad-credentials 0"

"$INSPECT" json-fields "$OUT/report.json" >"$E2E_TMP/fields" 2>&1

# expect NAME KIND ID STATE [RULE...]: credential KIND ID is in STATE and
# has exactly the findings of RULE..., in any order.
expect() {
	expect_name=$1
	kind=$2
	id=$3
	state=$4
	shift 4
	wrong=
	grep -qxF "field$TAB$kind$TAB$id${TAB}state$TAB$state" "$E2E_TMP/fields" ||
		wrong="state is '$(awk -F "$TAB" -v k="$kind" -v i="$id" \
			'$1 == "field" && $2 == k && $3 == i && $4 == "state" { print $5 }' \
			"$E2E_TMP/fields")', expected '$state'"
	got=$(awk -F "$TAB" -v k="$kind" -v i="$id" \
		'$1 == "rule" && $2 == k && $3 == i { print $4 }' "$E2E_TMP/fields" |
		LC_ALL=C sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ')
	[ "$got" = "$want" ] ||
		wrong="${wrong:+$wrong; }findings '$got', expected '$want'"
	if [ -z "$wrong" ]; then
		pass "$kind $id: $expect_name"
	else
		fail "$kind $id: $expect_name" "$wrong" \
			"$(grep "^message$TAB$kind$TAB$id$TAB" "$E2E_TMP/fields")"
	fi
}

# field_is NAME KIND ID FIELD VALUE: the JSON field has exactly VALUE.
field_is() {
	line="field$TAB$2$TAB$3$TAB$4$TAB$5"
	if grep -qxF -- "$line" "$E2E_TMP/fields"; then
		pass "$2 $3: $1"
	else
		fail "$2 $3: $1" "expected $4 '$5', got '$(awk -F "$TAB" \
			-v k="$2" -v i="$3" -v f="$4" \
			'$1 == "field" && $2 == k && $3 == i && $4 == f { print $5 }' \
			"$E2E_TMP/fields")'"
	fi
}

# field_has NAME KIND ID FIELD TEXT: the JSON field contains TEXT.
field_has() {
	value=$(awk -F "$TAB" -v k="$2" -v i="$3" -v f="$4" \
		'$1 == "field" && $2 == k && $3 == i && $4 == f { print $5 }' \
		"$E2E_TMP/fields")
	case $value in
	*"$5"*) pass "$2 $3: $1" ;;
	*) fail "$2 $3: $1" "expected $4 to contain '$5', got '$value'" ;;
	esac
}

P=personal_access_token
S=text-suspicious

# Kind 1 and 2: markup and Markdown are data, so the rows have no findings.
for id in 1 2 3 4 5 7 9 10 11 12 16; do
	expect "markup or Markdown in the name is no finding" $P $id active
done
expect "line breaks in the name are control characters" $P 6 active $S
expect "Markdown with line breaks" $P 8 active $S
# Kind 3.
expect "invalid UTF-8 as TEXT is flagged" $P 13 active $S
expect "invalid UTF-8 as BLOB is flagged" $P 14 active $S
expect "C0 controls are flagged" $P 15 active $S
expect "bidi controls are flagged" $P 17 active $S
expect "zero-width characters are flagged" $P 18 active $S
expect "a Hebrew name is not flagged" $P 19 active
expect "an Arabic name is not flagged" $P 20 active
field_is "a Hebrew name is shown as it is" $P 19 name \
	"$(printf '\327\222\327\231\327\221\327\225\327\231 \327\234\327\231\327\234\327\231')"
field_has "bidi controls are shown escaped" $P 17 name 'invoice\u{202E}fdp.exe'
field_has "invalid UTF-8 is shown escaped" $P 14 name 'blob \xC0\xAF overlong'
# Kind 4.
expect "a 100 KB name" $P 21 active
expect "a million-character scope list" $P 22 active
# Kind 7: parsed forms give the state at --now; the others a finding.
for id in 23 24 25 26 27 28 29 32; do
	expect "a date form that parses" $P $id active
done
field_is "a date is a date" $P 23 expires_at 2027-02-02
field_is "epoch text is read as seconds" $P 32 expires_at 2027-02-02T12:00:00Z
expect "offset -05:00 puts the expiry on the next UTC day" $P 30 active \
	credential-expiring
field_is "offset -05:00 is converted to UTC" $P 30 expires_at \
	2026-12-05T04:00:00Z
expect "an INTEGER epoch 10 days ago has expired" $P 31 expired
for id in 33 34 36 37; do
	expect "an unparseable expiry is a finding" $P $id active date-invalid
done
expect "NULL means no expiry" $P 35 active token-no-expiry
expect "garbage in three dates gives three findings" $P 38 revoked \
	date-invalid date-invalid date-invalid
expect "revoked neither true nor false" $P 39 active value-invalid
# Kind 8.
expect "a token whose owner is gone" $P 40 active owner-missing
expect "a bot without a membership" project_access_token 41 active \
	token-resource-missing
expect "a rotation from a missing token" $P 42 active
expect "an owner with a bidi username is flagged" $P 43 active $S
expect "an owner with Markdown in the name" $P 44 active
expect "an owner with HTML in the name" $P 45 active

# Kind 5: SSH key lines. The fingerprints of reshaped lines are those of
# the fixture, as ssh-keygen printed them into the manifest.
manifest_sha256() {
	awk -F "$TAB" -v f="$1" '$1 == f { print $4 }' samples/fixtures/ssh/manifest.tsv
}
alice=$(manifest_sha256 alice-laptop-ed25519.pub)
bob=$(manifest_sha256 bob-laptop-rsa2048.pub)
for id in 1 2 3; do
	expect "ed25519 line shape reads" ssh_key $id active
	field_is "fingerprint of the reshaped line" ssh_key $id fingerprint_sha256 "$alice"
done
for id in 4 5 6; do
	expect "RSA 2048 line shape reads" ssh_key $id active ssh-key-rsa-short
	field_is "fingerprint of the reshaped line" ssh_key $id fingerprint_sha256 "$bob"
done
expect "type word disagrees with the blob" ssh_key 7 active \
	ssh-key-type-mismatch ssh-key-rsa-short
field_is "the type comes from the blob" ssh_key 7 key_type ssh-rsa
field_is "the type word is kept" ssh_key 7 declared_type ssh-ed25519
expect "truncated base64" ssh_key 8 active key-unparseable
expect "padded base64" ssh_key 9 active key-unparseable
expect "RSA modulus with a leading zero byte" ssh_key 10 active ssh-key-rsa-short
field_is "a leading zero byte does not count" ssh_key 10 bits 2048
field_is "a leading zero byte changes no fingerprint" ssh_key 10 \
	fingerprint_sha256 "$bob"
expect "RSA modulus of 1023 bits" ssh_key 11 active ssh-key-rsa-weak
field_is "an odd bit count is counted" ssh_key 11 bits 1023
expect "unknown key type" ssh_key 12 active key-unparseable
field_has "unknown key type names the type" ssh_key 12 key_error ssh-foo@example.com
expect "a 5 MB key" ssh_key 13 active
expect "text that is no key" ssh_key 14 active key-unparseable
expect "key NULL" ssh_key 15 active key-unparseable
expect "markup in a deploy key title" deploy_key 16 active
expect "an expiry with an offset that has passed" ssh_key 17 expired
expect "an unparseable expiry" ssh_key 18 active date-invalid
expect "a key whose owner is gone" ssh_key 19 active owner-missing
expect "a bidi title is flagged" ssh_key 20 active $S

# ssh-keygen is the reference for a blob that no fixture has.
if command -v ssh-keygen >/dev/null 2>&1 && command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$DB" "SELECT key FROM keys WHERE id = 10;" >"$E2E_TMP/key10.pub"
	reference=$(ssh-keygen -l -E sha256 -f "$E2E_TMP/key10.pub" 2>&1 | awk '{ print $1 " " $2 }')
	field_is "bits and fingerprint agree with ssh-keygen" ssh_key 10 \
		fingerprint_sha256 "${reference#* }"
	case $reference in
	"2048 "*) pass "ssh-keygen reads key 10 as 2048 bits" ;;
	*) fail "ssh-keygen reads key 10 as 2048 bits" "ssh-keygen: $reference" ;;
	esac
else
	skip "bits and fingerprint agree with ssh-keygen" "no ssh-keygen or sqlite3"
fi

# Kind 6: GPG keys, each judged alone.
gpg_fingerprint() {
	awk -F "$TAB" -v f="$1" '$1 == f { print $2 }' "samples/fixtures/$2/manifest.tsv"
}
G=gpg_key
expect "a good key" $G 1 active
field_is "the good key's fingerprint" $G 1 fingerprint "$(gpg_fingerprint bob-rsa2048.asc gpg)"
expect "several keys in one armor" $G 2 active
field_is "the first key of the armor is judged" $G 2 fingerprint \
	"$(gpg_fingerprint 'two-keys.asc (first)' hostile)"
field_is "the further key is counted" $G 2 extra_keys 1
expect "CRLF armor" $G 3 active
field_is "CRLF armor reads" $G 3 fingerprint "$(gpg_fingerprint carol-rsa3072.asc gpg)"
expect "extra armor headers" $G 4 active
field_is "armor headers are skipped" $G 4 fingerprint "$(gpg_fingerprint dave-ed25519.asc gpg)"
expect "truncated armor" $G 5 active key-unparseable
expect "binary packets" $G 6 active
field_is "binary packets read" $G 6 fingerprint "$(gpg_fingerprint erin-dsa2048-elg.asc gpg)"
expect "a user ID without an address" $G 7 active gpg-key-unverified
expect "a bare address verifies" $G 8 active
field_is "a bare address is read as the address" $G 8 verification verified
expect "ISO 8859-1 bytes do not verify and are flagged" $G 9 active \
	gpg-key-unverified $S
expect "a revoked user ID" $G 10 active gpg-key-revoked-uid-match
expect "an expired subkey next to a valid one" $G 11 active
expect "an expired primary key" $G 12 expired gpg-key-expired
expect "algorithm 27" $G 13 active key-unparseable
expect "a version 5 key" $G 14 active key-unparseable
expect "thousands of certifications" $G 15 active
field_is "the bloated key verifies" $G 15 verification verified
expect "a good key before an unsupported one" $G 16 active gpg-key-unverified
field_is "the good key of the armor is judged" $G 16 fingerprint \
	"$(gpg_fingerprint judy-unconfirmed.asc gpg)"
expect "HTML in a user ID" $G 17 active gpg-key-unverified
expect "a bidi user ID is flagged" $G 18 active $S
expect "a revoked key whose owner is gone" $G 19 revoked gpg-key-revoked \
	gpg-key-unverified
expect "text that is not OpenPGP" $G 20 active key-unparseable
expect "empty key text" $G 21 active key-unparseable

# "Not supported by GnuPG <version>" is a reason of its own, never
# "malformed", and a malformed key never says "not supported".
for id in 13 14; do
	field_has "unsupported, not malformed" $G $id key_error "not supported by GnuPG 2."
done
for id in 5 20 21; do
	if grep -F "field$TAB$G$TAB$id${TAB}key_error$TAB" "$E2E_TMP/fields" |
	   grep -q 'not supported'; then
		fail "$G $id: malformed, not unsupported" \
			"$(grep -F "field$TAB$G$TAB$id${TAB}key_error" "$E2E_TMP/fields")"
	else
		pass "$G $id: malformed, not unsupported"
	fi
done

# report.html

"$INSPECT" html "$OUT/report.html" templates/report.html \
	>"$E2E_TMP/html" 2>"$E2E_TMP/html.err"
if [ $? -eq 0 ]; then
	pass "hostile report.html parses with libxml2"
else
	fail "hostile report.html parses with libxml2" "$(head -n 20 "$E2E_TMP/html.err")"
fi
"$INSPECT" inventory "$OUT/inventory" templates/report.html \
	>"$E2E_TMP/pages" 2>"$E2E_TMP/pages.err"
grep -E '^(kind|state) ' "$E2E_TMP/json" >"$E2E_TMP/json.rows"
grep -E '^(kind|state) ' "$E2E_TMP/pages" >"$E2E_TMP/pages.rows"
if diff -u "$E2E_TMP/json.rows" "$E2E_TMP/pages.rows" >"$E2E_TMP/diff"; then
	pass "hostile inventory has one row per credential"
else
	fail "hostile inventory has one row per credential" "$(head -n 40 "$E2E_TMP/diff")"
fi
has_lines "hostile inventory has no script, handler or URL from data" \
	"$E2E_TMP/pages" \
	"scripts 0" "event-handlers 0" "external-urls 0" "data-urls 0" \
	"unknown-elements 0" "unknown-attributes 0" \
	"pages-without-one-csp 0" "unknown-kind-rows 0" "bad-row-ids 0" \
	"duplicate-ids 0" "duplicate-rows 0" "broken-fragments 0" \
	"broken-file-links 0"
has_lines "hostile HTML has no script, handler or URL from data" "$E2E_TMP/html" \
	"scripts 0" "event-handlers 0" "external-urls 0" "data-urls 0" \
	"unknown-elements 0" "unknown-attributes 0" "csp-meta 1" \
	"unknown-kind-rows 0" "bad-row-ids 0" "duplicate-ids 0" \
	"broken-fragments 0"

for page in "$OUT"/inventory/*.html; do
	"$INSPECT" html-cells "$page"
done >"$E2E_TMP/cells"
# cell_has NAME ROW COLUMN TEXT: the inventory cell contains TEXT.
cell_has() {
	value=$(awk -F "$TAB" -v r="$2" -v c="$3" \
		'$1 == "inventory" && $3 == r && $4 == c { print $5 }' "$E2E_TMP/cells")
	case $value in
	*"$4"*) pass "$1" ;;
	*) fail "$1" "expected the $3 cell of $2 to contain '$4', got '$(printf '%s' "$value" | head -c 400)'" ;;
	esac
}
cell_has "HTML cuts a 100 KB name and says how much" \
	personal_access_token-21 Name "bytes, "
cell_has "HTML names the cut of a 100 KB name" \
	personal_access_token-21 Name " cut)"
cell_has "HTML cuts a million-character scope list" \
	personal_access_token-22 Scopes " more"
cell_has "HTML shows bidi controls escaped" \
	personal_access_token-17 Name 'invoice\u{202E}fdp.exe'
cell_has "HTML shows markup as text" \
	personal_access_token-1 Name '"><img src=x onerror=alert(1)>'

# report.md

"$INSPECT" md "$OUT/report.md" >"$E2E_TMP/md" 2>"$E2E_TMP/md.err"
if [ $? -eq 0 ]; then
	pass "hostile report.md parses with cmark-gfm"
else
	fail "hostile report.md parses with cmark-gfm" "$(head -n 20 "$E2E_TMP/md.err")"
fi
wrong=
for pair in \
	"personal_access_token:Personal access tokens" \
	"project_access_token:Project access tokens" \
	"ssh_key:SSH keys" \
	"deploy_key:Deploy keys" \
	"gpg_key:GPG keys"
do
	kind=${pair%%:*}
	label=${pair#*:}
	count=$(sed -n "s/^kind $kind //p" "$E2E_TMP/json")
	grep -qxF "### $label ($count)" "$OUT/report.md" && continue
	wrong="$wrong${wrong:+
}$kind: expected a heading '### $label ($count)'"
done
if [ -z "$wrong" ]; then
	pass "hostile Markdown counts every kind of credential"
else
	fail "hostile Markdown counts every kind of credential" "$wrong"
fi
bad=$(awk -F "$TAB" '$1 == "table" && $4 != 0' "$E2E_TMP/md")
if [ -z "$bad" ]; then
	pass "hostile Markdown rows all have the header's cell count"
else
	fail "hostile Markdown rows all have the header's cell count" "$bad" \
		"$(head -n 20 "$E2E_TMP/md.err")"
fi
has_lines "hostile Markdown has no link, image or HTML" "$E2E_TMP/md" \
	"links 0" "images 0" "html-blocks 0" "html-inlines 0" "footnotes 0" \
	"mentions 0"

"$INSPECT" md-cells "$OUT/report.md" >"$E2E_TMP/md-cells"
# The overview lists token 21 only among the worst cases of a rule.
name21=$(awk -F "$TAB" '$4 ~ /^Personal access token 21 / { print $4 }' "$E2E_TMP/md-cells" | head -n 1)
case $name21 in
"") skip "Markdown cuts a 100 KB name and says how much" \
	"token 21 is not among the worst cases the overview lists" ;;
*"bytes, "*" cut)"*) pass "Markdown cuts a 100 KB name and says how much" ;;
*) fail "Markdown cuts a 100 KB name and says how much" "$(printf '%s' "$name21" | head -c 400)" ;;
esac

# plan.md and plan.json

"$INSPECT" json "$OUT/plan.json" >"$E2E_TMP/plan-json" 2>"$E2E_TMP/plan-json.err" &&
	"$INSPECT" md "$OUT/plan.md" >"$E2E_TMP/plan-md" 2>"$E2E_TMP/plan-md.err"
if [ $? -eq 0 ]; then
	pass "hostile plan.json and plan.md parse"
else
	fail "hostile plan.json and plan.md parse" \
		"$(cat "$E2E_TMP/plan-json.err" "$E2E_TMP/plan-md.err" | head -n 20)"
fi
has_lines "hostile plan.md has no link, image or HTML" "$E2E_TMP/plan-md" \
	"links 0" "images 0" "html-blocks 0" "html-inlines 0" "footnotes 0" \
	"mentions 0"

# Characters that must never reach a reader raw: bidi controls, zero-width
# characters, C0 controls but tab and line feed, and invalid UTF-8. The
# reports show them as \u{...} and \x.. instead.
raw=
for file in report.html report.md plan.md $(cd "$OUT" && ls inventory/*.html); do
	if LC_ALL=C grep -q "$(printf '\342\200[\252-\256\213-\217]')\|$(printf '\342\201[\246-\251\240]')\|$(printf '\357\273\277')" "$OUT/$file"; then
		raw="$raw $file:bidi-or-invisible"
	fi
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$OUT/$file"; then
		raw="$raw $file:control"
	fi
	if command -v iconv >/dev/null 2>&1 &&
	   ! iconv -f UTF-8 -t UTF-8 "$OUT/$file" >/dev/null 2>&1; then
		raw="$raw $file:invalid-utf8"
	fi
done
if [ -z "$raw" ]; then
	pass "reports carry no raw bidi, invisible or control characters"
else
	fail "reports carry no raw bidi, invisible or control characters" "$raw"
fi

# Linear output: the HTML and Markdown cap what they show, so neither may
# come near the size of the snapshot, and the JSON, which keeps every
# value, stays below it.
db_size=$(wc -c <"$DB")
big=
for file in report.html report.md plan.md plan.json; do
	size=$(wc -c <"$OUT/$file")
	[ "$size" -lt $((db_size / 4)) ] || big="$big $file=$size"
done
size=$(wc -c <"$OUT/report.json")
[ "$size" -lt "$db_size" ] || big="$big report.json=$size"
if [ -z "$big" ]; then
	pass "no output is out of proportion to the $db_size-byte snapshot"
else
	fail "no output is out of proportion to the $db_size-byte snapshot" "$big"
fi

finish
