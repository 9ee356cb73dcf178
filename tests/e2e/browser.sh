#!/bin/sh
# The HTML report of samples/hostile.db in a real browser. Debian's
# headless Chromium opens it, and tests/browser/page-check.js records
# through the DevTools protocol what the page does: every script that it
# compiles, every dialog, console message, uncaught exception, browser
# log entry (such as a Content Security Policy violation) and request for
# anything but the page. The report must cause none. Two control pages that are
# not reports prove that the harness sees a script that runs and a CSP
# violation, so a silent harness cannot pass the report.
#
# Then page-check --layout opens the reports of both samples at several
# window widths. Up to 700 px, no page may be wider than its window, and
# every cell must show its label: the column header of a table, or the
# ::before label of a row laid out as a card. At 1280 px, every table
# must stay a table. Set PAGE_SCREENSHOTS to a folder to keep
# screenshots of every page at every width there, for a look by eye.
. tests/e2e/lib.sh

: "${CHROMIUM:=/usr/bin/chromium}"
DB=samples/hostile.db
NOW=2026-12-04T12:00:00Z
OUT=$E2E_TMP/out
TAB=$(printf '\t')

if [ ! -x "$CHROMIUM" ]; then
	fail "Chromium is installed" "no $CHROMIUM: run scripts/install-deps.sh --browser"
	finish
fi
if ! command -v node >/dev/null 2>&1; then
	fail "Node.js is installed" "no node in PATH: run scripts/install-deps.sh --browser"
	finish
fi

"$CREDAUDIT" report --db "$DB" --out "$OUT" --now "$NOW" -q \
	>"$E2E_TMP/stdout" 2>"$E2E_TMP/stderr"
status=$?
if [ "$status" -ne 0 ]; then
	fail "report on hostile.db for the browser" "exit status $status" \
		"$(head -c 2000 "$E2E_TMP/stderr")"
	finish
fi

# A page where a script runs: an image that fails to load runs its
# error handler, and no policy forbids it.
cat >"$E2E_TMP/control-script.html" <<'EOF'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>control: a script runs</title></head>
<body><img src="missing.png" onerror="alert(1)"></body></html>
EOF
# A page with the report's policy and an inline script, which the policy
# blocks: the browser logs the violation.
csp=$(grep -o '<meta http-equiv="Content-Security-Policy"[^>]*>' "$OUT/report.html" | head -n 1)
cat >"$E2E_TMP/control-csp.html" <<EOF
<!DOCTYPE html>
<html><head><meta charset="utf-8">$csp<title>control: a blocked script</title></head>
<body><script>alert(1)</script></body></html>
EOF

# A restyled template whose stylesheet link comes before its charset:
# the policy that credaudit writes must still come first and block it.
mkdir -p "$E2E_TMP/template"
sed 's|^<meta charset="utf-8">|<link rel="stylesheet" href="http://127.0.0.1:9/beacon.css">\n<meta charset="utf-8">|' \
	templates/report.html >"$E2E_TMP/template/report.html"
"$CREDAUDIT" report --db "$DB" --out "$E2E_TMP/control-template" --now "$NOW" -q \
	--template "$E2E_TMP/template" 2>"$E2E_TMP/template.err" ||
	fail "report with a template whose link precedes the charset" "$(cat "$E2E_TMP/template.err")"
TEMPLATED=$E2E_TMP/control-template/report.html

pages="$E2E_TMP/control-script.html $E2E_TMP/control-csp.html $TEMPLATED $OUT/report.html"
# The inventory pages, one per kind in this small sample, which show the
# hostile values in full rows.
for inventory in "$OUT"/inventory/*.html; do
	[ -e "$inventory" ] && pages="$pages $inventory"
done

# page-check makes its Chromium profile in a new folder under TMPDIR, so
# an empty $E2E_TMP/tmp afterwards shows that it removed the folder.
mkdir "$E2E_TMP/tmp"
# shellcheck disable=SC2086
TMPDIR=$E2E_TMP/tmp node tests/browser/page-check.js "$CHROMIUM" $pages \
	>"$E2E_TMP/events" 2>"$E2E_TMP/page-check.err"
status=$?
if [ "$status" -ne 0 ]; then
	fail "page-check opens the pages in Chromium" "exit status $status" \
		"$(head -c 2000 "$E2E_TMP/page-check.err")"
	finish
fi
pass "page-check opens the pages in Chromium"

if [ -z "$(ls -A "$E2E_TMP/tmp")" ]; then
	pass "page-check removes the Chromium profile"
else
	fail "page-check removes the Chromium profile" "left in $E2E_TMP/tmp:" \
		"$(ls -A "$E2E_TMP/tmp")"
fi
# Every Chromium process has the profile path on its command line. The
# bracket keeps this grep from matching its own command line.
left=$(grep -l "$E2E_TMP/tm[p]/" /proc/[0-9]*/cmdline 2>/dev/null)
if [ -z "$left" ]; then
	pass "no Chromium process outlives page-check"
else
	fail "no Chromium process outlives page-check" "$left"
fi

# events_of FILE KIND: the events of one page, or of one kind of it.
events_of() {
	awk -F "$TAB" -v f="$1" -v k="$2" '$2 == f && (k == "" || $1 == k)' "$E2E_TMP/events"
}

if events_of "$E2E_TMP/control-script.html" dialog | grep -q . &&
   events_of "$E2E_TMP/control-script.html" script | grep -q .; then
	pass "harness detects a script that runs"
else
	fail "harness detects a script that runs" \
		"events of the control page: $(events_of "$E2E_TMP/control-script.html")"
fi
if events_of "$E2E_TMP/control-csp.html" log | grep -q 'Content Security Policy' &&
   ! events_of "$E2E_TMP/control-csp.html" dialog | grep -q .; then
	pass "harness detects a CSP violation"
else
	fail "harness detects a CSP violation" \
		"events of the control page: $(events_of "$E2E_TMP/control-csp.html")"
fi

# Chromium reports the request it was about to make, and then that the
# policy blocked it; without the policy first, it makes the request.
if grep -q 'beacon.css' "$TEMPLATED" &&
   events_of "$TEMPLATED" log | grep 'beacon.css' | grep -q 'Content Security Policy.*blocked'; then
	pass "a template's link before its charset is blocked by the policy"
else
	fail "a template's link before its charset is blocked by the policy" \
		"events of the page: $(events_of "$TEMPLATED")"
fi

for page in $pages; do
	case $page in
	"$E2E_TMP"/control-*) continue ;;
	esac
	name=${page#"$OUT"/}
	if grep -qxF "page$TAB$page${TAB}0" "$E2E_TMP/events"; then
		pass "$name runs no script and raises no error in Chromium"
	else
		fail "$name runs no script and raises no error in Chromium" \
			"$(events_of "$page" | head -n 20)"
	fi
done

# The layout at each width: the hostile sample for long and strange
# values, the demo sample for a page of every kind of credential.
DEMO=$E2E_TMP/demo
"$CREDAUDIT" report --db samples/demo.db --out "$DEMO" --now "$NOW" -q \
	2>"$E2E_TMP/demo.err" ||
	fail "report on demo.db for the layout check" "$(cat "$E2E_TMP/demo.err")"
layout_pages="$OUT/report.html $DEMO/report.html"
for inventory in "$OUT"/inventory/*.html "$DEMO"/inventory/*.html; do
	[ -e "$inventory" ] && layout_pages="$layout_pages $inventory"
done
NARROW_WIDTHS="360 390 700"
WIDE_WIDTH=1280
screenshots=""
if [ -n "${PAGE_SCREENSHOTS:-}" ]; then
	mkdir -p "$PAGE_SCREENSHOTS"
	screenshots="--screenshots $PAGE_SCREENSHOTS"
fi
# shellcheck disable=SC2086
TMPDIR=$E2E_TMP/tmp node tests/browser/page-check.js "$CHROMIUM" \
	--layout "$(echo $NARROW_WIDTHS $WIDE_WIDTH | tr ' ' ,)" $screenshots \
	$layout_pages >"$E2E_TMP/layout" 2>"$E2E_TMP/layout.err"
status=$?
if [ "$status" -ne 0 ]; then
	fail "page-check --layout measures the pages in Chromium" "exit status $status" \
		"$(head -c 2000 "$E2E_TMP/layout.err")"
	finish
fi
pass "page-check --layout measures the pages in Chromium"

# layout_where WIDTH AWK-CONDITION: the layout lines of that width whose
# fields meet the condition, each with the first problems of its page.
# The fields are $2 FILE, $4 SCROLL, $5 CLIENT, $6 TABLE, $7 CARD and
# $8 PROBLEMS.
layout_where() {
	awk -F "$TAB" -v w="$1" '$1 == "layout" && $3 == w && ('"$2"')' "$E2E_TMP/layout" |
	while IFS= read -r line; do
		printf '%s\n' "$line"
		file=$(printf '%s\n' "$line" | cut -f 2)
		awk -F "$TAB" -v f="$file" -v w="$1" \
			'$1 == "problem" && $2 == f && $3 == w' "$E2E_TMP/layout" | head -n 5
	done
}

# Every page measured at every width, so that a check below cannot pass
# on a page that is missing.
pages_count=$(echo "$layout_pages" | wc -w)
for width in $NARROW_WIDTHS $WIDE_WIDTH; do
	measured=$(awk -F "$TAB" -v w="$width" '$1 == "layout" && $3 == w' "$E2E_TMP/layout" | wc -l)
	equal "page-check measures every page at $width px" "$measured" "$pages_count"
done

for width in $NARROW_WIDTHS; do
	overflowing=$(layout_where "$width" '$4 > $5')
	if [ -z "$overflowing" ]; then
		pass "no page scrolls sideways at $width px"
	else
		fail "no page scrolls sideways at $width px" "$overflowing"
	fi
	unlabelled=$(layout_where "$width" '$8 > 0 || $6 + $7 == 0')
	if [ -z "$unlabelled" ]; then
		pass "every cell shows its label at $width px"
	else
		fail "every cell shows its label at $width px" "$unlabelled"
	fi
	# Only the overview's summary tables stay tables on a narrow screen.
	not_cards=$(layout_where "$width" '$2 ~ /\/inventory\// && ($6 > 0 || $7 == 0)')
	if [ -z "$not_cards" ]; then
		pass "inventory rows are cards at $width px"
	else
		fail "inventory rows are cards at $width px" "$not_cards"
	fi
done

cards=$(layout_where "$WIDE_WIDTH" '$7 > 0 || $6 == 0')
if [ -z "$cards" ]; then
	pass "every table stays a table at $WIDE_WIDTH px"
else
	fail "every table stays a table at $WIDE_WIDTH px" "$cards"
fi
# The inventory tables of 11 to 13 columns are wider than 1280 px on the
# samples, so only the overview must fit.
overview=$(layout_where "$WIDE_WIDTH" '$2 ~ /\/report\.html$/ && ($4 > $5 || $8 > 0)')
if [ -z "$overview" ]; then
	pass "report.html fits and shows every header at $WIDE_WIDTH px"
else
	fail "report.html fits and shows every header at $WIDE_WIDTH px" "$overview"
fi

finish
