#!/bin/sh
# credaudit report on samples/demo.db, checked by parsing every output
# back with the libraries its readers use (tests/tools/inspect.c, and
# sqlite3 for the CSV). The JSON must equal a reviewed expected file; the
# inventory pages, the CSV and the HTML and Markdown overviews must agree
# with the JSON and plan.md with plan.json; and the bytes must not depend
# on the time zone or locale.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
OUT=$E2E_TMP/out
FILES="credentials.csv plan.json plan.md report.html report.json report.md"
EXPECTED=tests/expected/demo-report.json
TAB=$(printf '\t')

# skip NAME REASON: a case that cannot run on this machine.
skip() {
	echo "ok - $1 # skip $2"
}

# report DIR [ARGS...]: run credaudit report on the sample into DIR, with
# --now $NOW unless ARGS set another; the exit status is in $status.
report() {
	report_dir=$1
	shift
	# credaudit rejects a repeated --now, so add it only when ARGS lack one.
	case " $* " in
	*" --now "*) ;;
	*) set -- --now "$NOW" "$@" ;;
	esac
	"$CREDAUDIT" report --db "$DB" --out "$report_dir" "$@" \
		>"$E2E_TMP/stdout" 2>"$E2E_TMP/stderr"
	status=$?
}

# same_files NAME DIR: pass when the files in DIR equal those in $OUT.
same_files() {
	differ=
	for file in $FILES; do
		cmp -s "$OUT/$file" "$2/$file" || differ="$differ $file"
	done
	diff -r "$OUT/inventory" "$2/inventory" >/dev/null 2>&1 ||
		differ="$differ inventory/"
	if [ -z "$differ" ]; then
		pass "$1"
	else
		fail "$1" "these files differ from the first run:$differ"
	fi
}

# has_facts NAME FACTS PROBLEMS LINE...: pass when the file FACTS has
# every LINE. On failure show what it has instead and the problems that
# inspect named.
has_facts() {
	facts_name=$1
	facts_file=$2
	problems_file=$3
	shift 3
	wrong=
	for line in "$@"; do
		grep -qxF "$line" "$facts_file" && continue
		wrong="$wrong${wrong:+
}expected '$line', got '$(grep -F "${line% *} " "$facts_file")'"
	done
	if [ -z "$wrong" ]; then
		pass "$facts_name"
	elif [ -s "$problems_file" ]; then
		fail "$facts_name" "$wrong" "$(head -n 20 "$problems_file")"
	else
		fail "$facts_name" "$wrong"
	fi
}

# same_lines NAME EXPECTED ACTUAL: pass when the two files are equal,
# else show their diff.
same_lines() {
	if diff -u "$2" "$3" >"$E2E_TMP/diff"; then
		pass "$1"
	else
		fail "$1" "$(head -n 60 "$E2E_TMP/diff")"
	fi
}

report "$OUT"
if [ "$status" -eq 0 ]; then
	pass "report on demo.db exits 0"
else
	fail "report on demo.db exits 0" "exit status $status" "$(cat "$E2E_TMP/stderr")"
	finish
fi

listing=$(cd "$OUT" && LC_ALL=C ls -A | tr '\n' ' ')
expected_listing="credentials.csv inventory plan.json plan.md report.html report.json report.md "
if [ "$listing" = "$expected_listing" ]; then
	pass "report writes its six files, the inventory and nothing else"
else
	fail "report writes its six files, the inventory and nothing else" \
		"expected: $expected_listing" "got:      $listing"
fi

empty=
for file in $FILES; do
	[ -s "$OUT/$file" ] || empty="$empty $file"
done
if [ -z "$empty" ]; then
	pass "report files are not empty"
else
	fail "report files are not empty" "empty or missing:$empty"
fi

temporary=$(find "$OUT" -name '.*')
if [ -z "$temporary" ]; then
	pass "report leaves no temporary files"
else
	fail "report leaves no temporary files" "$temporary"
fi

# report.json

if cmp -s "$EXPECTED" "$OUT/report.json"; then
	pass "report.json equals the reviewed expected file"
else
	diff -u "$EXPECTED" "$OUT/report.json" >"$E2E_TMP/diff"
	fail "report.json equals the reviewed expected file" \
		"$(head -n 80 "$E2E_TMP/diff")" \
		"If the change is intended, review it as tests/expected/README.md says."
fi

"$INSPECT" json "$OUT/report.json" >"$E2E_TMP/json" 2>"$E2E_TMP/json.err"
if [ $? -eq 0 ]; then
	pass "report.json parses with Jansson"
else
	fail "report.json parses with Jansson" "$(cat "$E2E_TMP/json.err")"
fi
has_facts "report.json credentials are well-formed" \
	"$E2E_TMP/json" "$E2E_TMP/json.err" "bad-credentials 0"

sed -n 's/^state //p' "$E2E_TMP/json" >"$E2E_TMP/json.states"
sed -n 's/^summary //p' "$E2E_TMP/json" >"$E2E_TMP/json.summary"
same_lines "report.json summary counts its credentials" \
	"$E2E_TMP/json.states" "$E2E_TMP/json.summary"

for case in \
	"personal_access_token 1 expired" \
	"personal_access_token 2 active" \
	"personal_access_token 22 revoked" \
	"personal_access_token 43 active" \
	"ssh_key 21 expired" \
	"ssh_key 12 active"
do
	set -- $case
	has_facts "$1 $2 is $3 at $NOW" "$E2E_TMP/json" "$E2E_TMP/json.err" \
		"cred $case"
done

# report.html

"$INSPECT" html "$OUT/report.html" templates/report.html \
	>"$E2E_TMP/html" 2>"$E2E_TMP/html.err"
if [ $? -eq 0 ]; then
	pass "report.html parses with libxml2"
else
	fail "report.html parses with libxml2" "$(cat "$E2E_TMP/html.err")"
fi

# The overview holds no inventory rows: those are on the pages.
has_facts "HTML overview lists no inventory rows" \
	"$E2E_TMP/html" "$E2E_TMP/html.err" \
	"kind personal_access_token 0" "kind ssh_key 0" "kind gpg_key 0"
has_facts "HTML has no script or event handler" \
	"$E2E_TMP/html" "$E2E_TMP/html.err" \
	"scripts 0" "event-handlers 0"
has_facts "HTML loads and links nothing outside the report" \
	"$E2E_TMP/html" "$E2E_TMP/html.err" \
	"external-urls 0" "data-urls 0" "broken-file-links 0"
has_facts "HTML has only the template's and renderer's names" \
	"$E2E_TMP/html" "$E2E_TMP/html.err" \
	"unknown-elements 0" "unknown-attributes 0"
has_facts "HTML carries one content security policy" \
	"$E2E_TMP/html" "$E2E_TMP/html.err" "csp-meta 1"
has_facts "HTML ids are unique and every link resolves" \
	"$E2E_TMP/html" "$E2E_TMP/html.err" \
	"duplicate-ids 0" "broken-fragments 0"

# inventory/

"$INSPECT" inventory "$OUT/inventory" templates/report.html \
	>"$E2E_TMP/pages" 2>"$E2E_TMP/pages.err"
if [ $? -eq 0 ]; then
	pass "inventory pages parse with libxml2"
else
	fail "inventory pages parse with libxml2" "$(head -n 20 "$E2E_TMP/pages.err")"
fi
grep -E '^(kind|state) ' "$E2E_TMP/json" >"$E2E_TMP/json.rows"
grep -E '^(kind|state) ' "$E2E_TMP/pages" >"$E2E_TMP/pages.rows"
same_lines "inventory rows per kind and state equal the JSON" \
	"$E2E_TMP/json.rows" "$E2E_TMP/pages.rows"
has_facts "inventory lists every credential once" \
	"$E2E_TMP/pages" "$E2E_TMP/pages.err" \
	"duplicate-rows 0" "misplaced-rows 0" "rows-over-page-size 0" \
	"bad-page-names 0" "unknown-kind-rows 0" "bad-row-ids 0"
has_facts "inventory pages are inert and self-contained" \
	"$E2E_TMP/pages" "$E2E_TMP/pages.err" \
	"scripts 0" "event-handlers 0" "external-urls 0" "data-urls 0" \
	"unknown-elements 0" "unknown-attributes 0" \
	"pages-without-one-csp 0"
has_facts "inventory ids are unique and every link resolves" \
	"$E2E_TMP/pages" "$E2E_TMP/pages.err" \
	"duplicate-ids 0" "broken-fragments 0" "broken-file-links 0"

# credentials.csv, read by SQLite's RFC 4180 reader

if sqlite3 "$E2E_TMP/csv.db" ".import --csv $OUT/credentials.csv c" \
	2>"$E2E_TMP/csv.err"; then
	pass "credentials.csv imports with sqlite3 --csv"
else
	fail "credentials.csv imports with sqlite3 --csv" "$(cat "$E2E_TMP/csv.err")"
fi
sqlite3 -separator ' ' "$E2E_TMP/csv.db" \
	"SELECT 'kind', kind, count(*) FROM c GROUP BY kind ORDER BY kind" \
	>"$E2E_TMP/csv.kinds"
grep '^kind ' "$E2E_TMP/json" | LC_ALL=C sort >"$E2E_TMP/json.kinds"
same_lines "CSV rows per kind equal the JSON" \
	"$E2E_TMP/json.kinds" "$E2E_TMP/csv.kinds"
unique=$(sqlite3 "$E2E_TMP/csv.db" \
	"SELECT count(*) = count(DISTINCT kind || '-' || id) FROM c")
if [ "$unique" = 1 ]; then
	pass "CSV has each credential once"
else
	fail "CSV has each credential once" "repeated kind and id in credentials.csv"
fi
name=$(sqlite3 "$E2E_TMP/csv.db" \
	"SELECT name FROM c WHERE kind = 'personal_access_token' AND id = 43")
if [ "$name" = "spreadsheet-import" ]; then
	pass "CSV carries the values of report.json"
else
	fail "CSV carries the values of report.json" \
		"token 43: expected name 'spreadsheet-import', got '$name'"
fi

# report.md

"$INSPECT" md "$OUT/report.md" >"$E2E_TMP/md" 2>"$E2E_TMP/md.err"
if [ $? -eq 0 ]; then
	pass "report.md parses with cmark-gfm"
else
	fail "report.md parses with cmark-gfm" "$(cat "$E2E_TMP/md.err")"
fi

# The inventory section of each kind has the kind's label and count as
# its heading.
wrong=
for pair in \
	"personal_access_token:Personal access tokens" \
	"project_access_token:Project access tokens" \
	"group_access_token:Group access tokens" \
	"ssh_key:SSH keys" \
	"deploy_key:Deploy keys" \
	"gpg_key:GPG keys"
do
	kind=${pair%%:*}
	label=${pair#*:}
	count=$(sed -n "s/^kind $kind //p" "$E2E_TMP/json")
	grep -qxF "### $label ($count)" "$OUT/report.md" && continue
	wrong="$wrong
$kind: expected a heading '### $label ($count)'"
done
if [ -z "$wrong" ]; then
	pass "Markdown counts every kind of credential"
else
	fail "Markdown counts every kind of credential" "$wrong"
fi

# table HEADING ROWS BAD-ROWS: no row may have another cell count than
# its header, and a heading that ends in "(N)" promises N rows, or the 20
# worst of them.
bad=$(awk -F "$TAB" '$1 == "table" && $4 != 0' "$E2E_TMP/md")
if [ -z "$bad" ]; then
	pass "Markdown rows have the header's cell count"
else
	fail "Markdown rows have the header's cell count" "$bad" \
		"$(head -n 20 "$E2E_TMP/md.err")"
fi
bad=$(awk -F "$TAB" '$1 == "table" && match($2, /\([0-9]+\)$/) {
	n = substr($2, RSTART + 1, RLENGTH - 2) + 0
	if ((n > 20 ? 20 : n) != $3) print }' "$E2E_TMP/md")
if [ -z "$bad" ]; then
	pass "Markdown tables have the rows their headings count"
else
	fail "Markdown tables have the rows their headings count" "$bad"
fi

has_facts "Markdown report has no link, image or HTML" \
	"$E2E_TMP/md" "$E2E_TMP/md.err" \
	"links 0" "images 0" "html-blocks 0" "html-inlines 0" \
	"footnotes 0" "mentions 0"

# plan.md and plan.json

"$INSPECT" json "$OUT/plan.json" >"$E2E_TMP/plan-json" 2>"$E2E_TMP/plan-json.err"
if [ $? -eq 0 ]; then
	pass "plan.json parses with Jansson"
else
	fail "plan.json parses with Jansson" "$(cat "$E2E_TMP/plan-json.err")"
fi
"$INSPECT" plan-md "$OUT/plan.md" >"$E2E_TMP/plan-md" 2>"$E2E_TMP/plan-md.err"
actions=$(sed -n 's/^actions //p' "$E2E_TMP/plan-json")
has_facts "plan.md has one unticked task per plan.json action" \
	"$E2E_TMP/plan-md" "$E2E_TMP/plan-md.err" \
	"tasks $actions" "checked 0"
sed -n 's/^action //p' "$E2E_TMP/plan-json" >"$E2E_TMP/plan-json.ids"
sed -n 's/^task //p' "$E2E_TMP/plan-md" >"$E2E_TMP/plan-md.ids"
same_lines "plan.md tasks carry the plan.json action ids" \
	"$E2E_TMP/plan-json.ids" "$E2E_TMP/plan-md.ids"
duplicates=$(sort "$E2E_TMP/plan-json.ids" | uniq -d)
if [ "$actions" -gt 0 ] && [ -z "$duplicates" ]; then
	pass "plan action ids are unique"
else
	fail "plan action ids are unique" "$actions actions; repeated: $duplicates"
fi

"$INSPECT" md "$OUT/plan.md" >"$E2E_TMP/plan-nodes" 2>"$E2E_TMP/plan-nodes.err"
has_facts "plan.md has no link, image or HTML" \
	"$E2E_TMP/plan-nodes" "$E2E_TMP/plan-nodes.err" \
	"links 0" "images 0" "html-blocks 0" "html-inlines 0" \
	"footnotes 0" "mentions 0"

# Determinism: the same snapshot and --now give the same bytes whatever
# the time zone and locale. Pacific/Kiritimati is UTC+14, so a local
# date would already be tomorrow there.

if [ -e /usr/share/zoneinfo/Pacific/Kiritimati ]; then
	zone=Pacific/Kiritimati
else
	zone=KIR-14
fi
TZ=$zone LC_ALL=C.UTF-8 report "$E2E_TMP/kiritimati"
same_files "report is the same in TZ $zone" "$E2E_TMP/kiritimati"

# A second locale: an installed one, or Turkish built into the temporary
# folder, whose dotless i breaks case-insensitive comparisons that follow
# the locale. POSIX TZ "UTC+12" is 12 hours behind UTC.
locale=$(locale -a 2>/dev/null | grep -viE '^(c|posix|c\.utf-?8)$' | head -n 1)
if [ -z "$locale" ] && command -v localedef >/dev/null 2>&1 &&
   mkdir -p "$E2E_TMP/locale" &&
   localedef -i tr_TR -f UTF-8 "$E2E_TMP/locale/tr_TR.UTF-8" >/dev/null 2>&1; then
	locale=tr_TR.UTF-8
	LOCPATH=$E2E_TMP/locale
	export LOCPATH
fi
if [ -n "$locale" ]; then
	TZ=UTC+12 LC_ALL=$locale LANG=$locale report "$E2E_TMP/locale-run"
	same_files "report is the same in locale $locale and TZ UTC+12" \
		"$E2E_TMP/locale-run"
	unset LOCPATH
else
	skip "report is the same in another locale" \
		"no locale but C is installed and localedef cannot make one"
fi

# --now: an offset names the same instant, and another time changes the
# as-of line. Tokens expire at 00:00 UTC of their date, SSH keys at their
# exact time.

report "$E2E_TMP/offset" --now 2026-12-04T13:00:00+01:00
same_files "--now with an offset gives the same report" "$E2E_TMP/offset"

later=2027-01-01T08:30:00Z
report "$E2E_TMP/later" --now "$later"
"$INSPECT" html-cells "$E2E_TMP/later/report.html" >"$E2E_TMP/later-cells"
wrong=
grep -qxF "  \"now\": \"$later\"," "$E2E_TMP/later/report.json" ||
	wrong="$wrong report.json"
grep -qxF -- "- As of: $later" "$E2E_TMP/later/report.md" ||
	wrong="$wrong report.md"
grep -qxF "header$TAB-$TAB-${TAB}As of$TAB$later" "$E2E_TMP/later-cells" ||
	wrong="$wrong report.html"
grep -qxF -- "- Created: $later" "$E2E_TMP/later/plan.md" ||
	wrong="$wrong plan.md"
if [ "$status" -eq 0 ] && [ -z "$wrong" ]; then
	pass "another --now changes the as-of line"
else
	fail "another --now changes the as-of line" \
		"exit status $status; no as-of $later in:$wrong"
fi
if grep -qxF -- "- As of: $NOW" "$OUT/report.md"; then
	pass "first report says as of $NOW"
else
	fail "first report says as of $NOW" "$(grep -F 'As of' "$OUT/report.md")"
fi

# boundary NOW KIND ID STATE: at --now NOW, credential KIND ID is STATE.
boundary() {
	report "$E2E_TMP/boundary" --now "$1"
	"$INSPECT" json "$E2E_TMP/boundary/report.json" >"$E2E_TMP/boundary.json"
	has_facts "$2 $3 is $4 at $1" "$E2E_TMP/boundary.json" "$E2E_TMP/stderr" \
		"cred $2 $3 $4"
	rm -rf "$E2E_TMP/boundary"
}
# Token 2 expires on 2026-12-05; SSH key 21 at 2026-12-04 00:00:00+00.
boundary 2026-12-04T23:59:59Z personal_access_token 2 active
boundary 2026-12-05T00:00:00Z personal_access_token 2 expired
boundary 2026-12-03T23:59:59Z ssh_key 21 active
boundary 2026-12-04T00:00:00Z ssh_key 21 expired

report "$E2E_TMP/quiet" -q
if [ "$status" -eq 0 ] && [ ! -s "$E2E_TMP/stdout" ] && [ ! -s "$E2E_TMP/stderr" ]; then
	pass "report -q prints nothing"
else
	fail "report -q prints nothing" "exit status $status" \
		"$(cat "$E2E_TMP/stdout" "$E2E_TMP/stderr")"
fi

# A reference time before the snapshot's export is allowed, with a warning.
"$CREDAUDIT" report --db "$DB" --out "$E2E_TMP/early" --now 2026-11-01T00:00:00Z \
	>/dev/null 2>"$E2E_TMP/early.err"
check "--now before the export warns" \
	grep -q "before the snapshot was exported (2026-12-04T12:00:00Z)" "$E2E_TMP/early.err"

finish
