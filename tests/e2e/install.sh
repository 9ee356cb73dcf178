#!/bin/sh
# make install into a staging folder (DESTDIR) with PREFIX=/usr: the
# binary, the templates and the man page land where the FHS puts them,
# the installed binary runs and reads the installed templates, and make
# uninstall removes them again.
. tests/e2e/lib.sh

ROOT=$E2E_TMP/root
VERSION=$(cat VERSION)

# skip NAME REASON: a case that cannot run on this machine.
skip() {
	echo "ok - $1 # skip $2"
}

if make --no-print-directory BUILD="$BUILD" PREFIX=/usr DESTDIR="$ROOT" install \
	>"$E2E_TMP/make.log" 2>&1; then
	pass "make install into DESTDIR exits 0"
else
	fail "make install into DESTDIR exits 0" "$(tail -n 20 "$E2E_TMP/make.log")"
	finish
fi

{
	echo "$ROOT/usr/bin/credaudit"
	for template in templates/*; do
		echo "$ROOT/usr/share/credaudit/$template"
	done
	echo "$ROOT/usr/share/man/man1/credaudit.1"
} | LC_ALL=C sort >"$E2E_TMP/expected-files"
find "$ROOT" ! -type d | LC_ALL=C sort >"$E2E_TMP/installed-files"
if diff -u "$E2E_TMP/expected-files" "$E2E_TMP/installed-files" >"$E2E_TMP/diff"; then
	pass "make install puts binary, templates and man page under PREFIX"
else
	fail "make install puts binary, templates and man page under PREFIX" \
		"$(cat "$E2E_TMP/diff")"
fi

differ=
for template in templates/*; do
	cmp -s "$template" "$ROOT/usr/share/credaudit/$template" ||
		differ="$differ $template"
done
if [ -z "$differ" ]; then
	pass "installed templates equal the sources"
else
	fail "installed templates equal the sources" "differ:$differ"
fi

BIN=$ROOT/usr/bin/credaudit
if [ -x "$BIN" ] && version=$("$BIN" --version 2>&1) &&
   [ "$version" = "credaudit $VERSION" ]; then
	pass "installed binary prints its version"
else
	fail "installed binary prints its version" \
		"expected 'credaudit $VERSION', got '$version'"
fi

if "$BIN" --help >"$E2E_TMP/help" 2>&1 && grep -q 'credaudit report' "$E2E_TMP/help"; then
	pass "installed binary prints its help"
else
	fail "installed binary prints its help" "$(head -n 5 "$E2E_TMP/help")"
fi

# The installed templates are the ones an organisation copies to restyle
# the report, so the installed binary must read them as they are.
"$BIN" report --db samples/demo.db --out "$E2E_TMP/builtin" \
	--now 2026-12-04T12:00:00Z -q
builtin_status=$?
"$BIN" report --db samples/demo.db --out "$E2E_TMP/installed" \
	--now 2026-12-04T12:00:00Z -q --template "$ROOT/usr/share/credaudit/templates"
installed_status=$?
if [ "$builtin_status" -eq 0 ] && [ "$installed_status" -eq 0 ] &&
   cmp -s "$E2E_TMP/builtin/report.html" "$E2E_TMP/installed/report.html"; then
	pass "installed template gives the built-in report"
else
	fail "installed template gives the built-in report" \
		"exit status $builtin_status with the built-in template, $installed_status with the installed one"
fi

MAN=$ROOT/usr/share/man/man1/credaudit.1
if head -n 1 "$MAN" | grep -q '^\.TH CREDAUDIT 1 .*"credaudit '"$VERSION"'"'; then
	pass "man page header names credaudit $VERSION"
else
	fail "man page header names credaudit $VERSION" "$(head -n 1 "$MAN")"
fi

if command -v groff >/dev/null 2>&1; then
	# -ww turns on every warning; -z formats without writing output.
	if groff -man -Tutf8 -ww -z "$MAN" >"$E2E_TMP/groff" 2>&1 &&
	   [ ! -s "$E2E_TMP/groff" ]; then
		pass "man page formats without groff warnings"
	else
		fail "man page formats without groff warnings" "$(head -n 20 "$E2E_TMP/groff")"
	fi
else
	skip "man page formats without groff warnings" "groff is not installed"
fi

if command -v man >/dev/null 2>&1; then
	MANPAGER=cat MANWIDTH=80 man -l "$MAN" >"$E2E_TMP/man" 2>"$E2E_TMP/man.err"
	if grep -q 'credaudit - audit' "$E2E_TMP/man" && grep -q 'SYNOPSIS' "$E2E_TMP/man"; then
		pass "man -l renders the installed man page"
	else
		fail "man -l renders the installed man page" \
			"$(head -n 10 "$E2E_TMP/man" "$E2E_TMP/man.err")"
	fi
else
	skip "man -l renders the installed man page" "man is not installed"
fi

if make --no-print-directory BUILD="$BUILD" PREFIX=/usr DESTDIR="$ROOT" uninstall \
	>"$E2E_TMP/make.log" 2>&1 && [ -z "$(find "$ROOT" ! -type d)" ]; then
	pass "make uninstall removes what install put there"
else
	fail "make uninstall removes what install put there" \
		"$(tail -n 10 "$E2E_TMP/make.log")" "$(find "$ROOT" ! -type d)"
fi

finish
