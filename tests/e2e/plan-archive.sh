#!/bin/sh
# What `credaudit report` keeps of the old plan in its output folder when
# it writes a new one. An unapproved plan is replaced and not kept. A plan
# with a ticked box, "approved": true in plan.json or a damaged box is kept
# once under plans/, as hard links, or as copies where links fail. Peak
# memory of a rerun does not grow with the size of the old plan.md or
# plan.json. An interrupt while the plan is kept leaves no folder behind.
# Every name under plans/ is portable to SMB/CIFS shares and Windows, and
# a folder that an earlier build named with ':' is still found.
# The large plan comes from a generated snapshot (gensample --scale). The
# memory cases compare peaks and the interrupts come from strace, so no
# case depends on timing.
. tests/e2e/lib.sh

: "${GENSAMPLE:=$BUILD/gensample}"
NOW=2026-12-04T12:00:00Z
# $NOW in the ISO 8601 basic format, as it appears in the names of kept
# plans' folders.
NOW_BASIC=20261204T120000Z
DEMO=samples/demo.db
# Tokens of the generated snapshot. Its plan.md is about 4.7 MB, above the
# 4 MiB up to which credaudit once read an old plan whole.
SCALE=55000
# Largest growth of peak resident memory from a fresh run to a rerun into
# a folder with an old plan, which is read through fixed buffers. Measured:
# under 0.5 MiB on a 2-core Debian 12 machine, while reading a plan whole
# took over 100 MiB.
GROWTH_MAX_KIB=4096

# skip NAME REASON: a case that cannot run on this machine.
skip() {
	echo "ok - $1 # skip $2"
}

# report NAME DB OUT [WRAPPER...]: credaudit report of DB into OUT, run by
# WRAPPER when given, with a cache that every run shares. Its stderr goes
# to $E2E_TMP/NAME.err. Sets $status, and $peak_kib to the peak resident
# memory in KiB (empty without /usr/bin/time or with a wrapper).
report() {
	name=$1
	db=$2
	out=$3
	shift 3
	peak_kib=
	if [ $# -eq 0 ] && [ -x /usr/bin/time ]; then
		XDG_CACHE_HOME=$E2E_TMP/cache /usr/bin/time -f '%M' \
			-o "$E2E_TMP/$name.peak" "$CREDAUDIT" report --db "$db" \
			--out "$out" --now "$NOW" >/dev/null 2>"$E2E_TMP/$name.err"
		status=$?
		peak_kib=$(tail -n 1 "$E2E_TMP/$name.peak")
	else
		# LeakSanitizer cannot run under ptrace (strace), so only the
		# runs without a wrapper check for leaks in a sanitizer build.
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		XDG_CACHE_HOME=$E2E_TMP/cache "$@" "$CREDAUDIT" report --db "$db" \
			--out "$out" --now "$NOW" >/dev/null 2>"$E2E_TMP/$name.err"
		status=$?
	fi
}

# memory_flat NAME FRESH_KIB RERUN_KIB: pass when the rerun's peak is at
# most GROWTH_MAX_KIB above the fresh run's.
memory_flat() {
	if [ -z "$2" ] || [ -z "$3" ]; then
		skip "$1" "no /usr/bin/time (Debian package time)"
	elif nm "$CREDAUDIT" 2>/dev/null | grep -q ' __asan_init'; then
		# AddressSanitizer keeps freed memory in quarantine, so peaks grow.
		skip "$1" "$CREDAUDIT is built with AddressSanitizer"
	elif [ $(($3 - $2)) -le "$GROWTH_MAX_KIB" ]; then
		pass "$1"
	else
		fail "$1" "peak $3 KiB; a fresh run took $2 KiB, more than $GROWTH_MAX_KIB KiB less"
	fi
}

# tick_last PLAN: tick the box of the last action of plan.md PLAN, and
# print the line number.
tick_last() {
	line=$(grep -n '^- \[ \]' "$1" | tail -n 1 | cut -d: -f1)
	sed -i "${line}s/^- \[ \]/- [x]/" "$1"
	echo "$line"
}

# kept_folders OUT: the folders under OUT/plans, one per line.
kept_folders() {
	find "$1/plans" -mindepth 1 -maxdepth 1 2>/dev/null
}

# kept_folder OUT: the folder under OUT/plans when there is exactly one.
kept_folder() {
	[ "$(kept_folders "$1" | wc -l)" -eq 1 ] && kept_folders "$1"
}

# nonportable DIR...: every file and folder under DIR/plans whose name
# has a character outside [A-Za-z0-9._-], one per line. Windows and
# SMB/CIFS shares reject some such characters, ':' among them.
nonportable() {
	for dir in "$@"; do
		[ -d "$dir/plans" ] || continue
		LC_ALL=C find "$dir/plans" -mindepth 1 -name '*[!A-Za-z0-9._-]*'
	done
}

# inode FILE
inode() {
	ls -i "$1" | cut -d' ' -f1
}

# pad_json FILE MB: put a member of MB million bytes first in the JSON
# object in FILE, so that the file stays valid JSON.
pad_json() {
	{
		printf '{"padding": "'
		head -c "$(($2 * 1000000))" /dev/zero | tr '\0' x
		printf '",'
		tail -c +2 "$1"
	} >"$1.padded" && mv "$1.padded" "$1"
}

if [ ! -x "$GENSAMPLE" ]; then
	fail "gensample is built" "$GENSAMPLE is missing: run make $GENSAMPLE"
	finish
fi
BIG=$E2E_TMP/big.db
if ! "$GENSAMPLE" --schema samples/schema.sql --fixtures samples/fixtures \
	--now "$NOW" --scale "$SCALE" --out "$BIG" >"$E2E_TMP/gen.log" 2>&1; then
	fail "gensample --scale $SCALE writes a snapshot" "$(head -c 2000 "$E2E_TMP/gen.log")"
	finish
fi

# The first run fills the GPG key cache, so that the runs compared below
# all read it.
report warm "$BIG" "$E2E_TMP/warm"
report fresh "$BIG" "$E2E_TMP/big"
fresh_kib=$peak_kib
OUT=$E2E_TMP/big
size=$(wc -c <"$OUT/plan.md")
if [ "$status" -eq 0 ] && [ "$size" -gt $((4 * 1024 * 1024)) ]; then
	pass "generated plan.md is over 4 MiB"
else
	fail "generated plan.md is over 4 MiB" "exit status $status, $size bytes" \
		"$(head -c 2000 "$E2E_TMP/fresh.err")"
	finish
fi

# --- An unapproved large plan ----------------------------------------------

report unapproved "$BIG" "$OUT"
if [ "$status" -eq 0 ] && [ -z "$(kept_folders "$OUT")" ]; then
	pass "large unapproved plan is replaced, not kept"
else
	fail "large unapproved plan is replaced, not kept" "exit status $status" \
		"$(kept_folders "$OUT")"
fi
if grep -q 'approved' "$E2E_TMP/unapproved.err"; then
	fail "no note calls an unapproved plan approved" "$(cat "$E2E_TMP/unapproved.err")"
else
	pass "no note calls an unapproved plan approved"
fi
memory_flat "rerun over a large unapproved plan keeps memory flat" \
	"$fresh_kib" "$peak_kib"

# --- One ticked box at the end of a large plan ------------------------------

ticked=$(tick_last "$OUT/plan.md")
cp "$OUT/plan.md" "$E2E_TMP/ticked.md"
cp "$OUT/plan.json" "$E2E_TMP/ticked.json"
md_inode=$(inode "$OUT/plan.md")
report ticked "$BIG" "$OUT"
kept=$(kept_folder "$OUT")
case $kept in
"$OUT/plans/$NOW_BASIC-"????????????) named=yes ;;
*) named=no ;;
esac
if [ "$status" -eq 0 ] && [ "$named" = yes ] &&
	cmp -s "$kept/plan.md" "$E2E_TMP/ticked.md" &&
	cmp -s "$kept/plan.json" "$E2E_TMP/ticked.json"; then
	pass "large plan with one ticked box is kept"
else
	fail "large plan with one ticked box is kept" "exit status $status" \
		"kept: $kept" "$(cat "$E2E_TMP/ticked.err")"
fi
if [ "$named" = yes ] && [ "$(inode "$kept/plan.md")" = "$md_inode" ]; then
	pass "kept plan is a hard link, not a copy"
else
	fail "kept plan is a hard link, not a copy" "plan.md had inode $md_inode"
fi
if [ "$named" = yes ] &&
	grep -qF "the approved plan that was in $OUT/ is kept in $kept/ (line $ticked of plan.md has a ticked box)" \
		"$E2E_TMP/ticked.err"; then
	pass "note names the folder and the ticked line"
else
	fail "note names the folder and the ticked line" "$(cat "$E2E_TMP/ticked.err")"
fi
if grep -q 'journal' "$E2E_TMP/ticked.err"; then
	fail "note leaves out a journal that does not exist" "$(cat "$E2E_TMP/ticked.err")"
else
	pass "note leaves out a journal that does not exist"
fi
memory_flat "rerun over a large ticked plan keeps memory flat" \
	"$fresh_kib" "$peak_kib"

# The same plan again, copied back as someone would to apply it, next to
# a journal: nothing new is kept.
cp "$E2E_TMP/ticked.md" "$OUT/plan.md"
cp "$E2E_TMP/ticked.json" "$OUT/plan.json"
: >"$OUT/journal.jsonl"
report again "$BIG" "$OUT"
if [ "$status" -eq 0 ] && [ "$named" = yes ] &&
	[ "$(kept_folders "$OUT")" = "$kept" ]; then
	pass "plan kept before is not kept twice"
else
	fail "plan kept before is not kept twice" "exit status $status" \
		"$(kept_folders "$OUT")"
fi
if [ "$named" = yes ] &&
	grep -qF "the approved plan that was in $OUT/ is already kept in $kept/" "$E2E_TMP/again.err" &&
	grep -qF "; the journal stays in $OUT/, and apply skips the actions it records as done" \
		"$E2E_TMP/again.err"; then
	pass "note says already kept and names the journal"
else
	fail "note says already kept and names the journal" "$(cat "$E2E_TMP/again.err")"
fi
rm -f "$OUT/journal.jsonl"

# A plan.md just under 4 MiB, which credaudit once read whole.
head -c 4000000 "$E2E_TMP/ticked.md" | sed '$d' >"$OUT/plan.md"
report under4 "$BIG" "$OUT"
memory_flat "rerun over a plan.md under 4 MiB keeps memory flat" \
	"$fresh_kib" "$peak_kib"

# --- A padded plan.json ------------------------------------------------------

P=$E2E_TMP/padded
report demo_warm "$DEMO" "$E2E_TMP/demo-warm"
report demo "$DEMO" "$P"
demo_kib=$peak_kib
pad_json "$P/plan.json" 48
report padded "$DEMO" "$P"
if [ "$status" -eq 0 ] && [ -z "$(kept_folders "$P")" ]; then
	pass "unapproved plan with a padded plan.json is not kept"
else
	fail "unapproved plan with a padded plan.json is not kept" "exit status $status" \
		"$(kept_folders "$P")" "$(cat "$E2E_TMP/padded.err")"
fi
memory_flat "padded plan.json keeps memory flat" "$demo_kib" "$peak_kib"

sed -i '0,/"approved":false/s//"approved":true/' "$P/plan.json"
pad_json "$P/plan.json" 48
cp "$P/plan.json" "$E2E_TMP/approved.json"
report approved_json "$DEMO" "$P"
kept=$(kept_folder "$P")
if [ "$status" -eq 0 ] && [ -n "$kept" ] &&
	cmp -s "$kept/plan.json" "$E2E_TMP/approved.json" &&
	grep -qF "(plan.json marks 1 action as approved)" "$E2E_TMP/approved_json.err"; then
	pass "approval in a padded plan.json keeps the plan"
else
	fail "approval in a padded plan.json keeps the plan" "exit status $status" \
		"kept: $kept" "$(cat "$E2E_TMP/approved_json.err")"
fi
memory_flat "approved padded plan.json keeps memory flat" "$demo_kib" "$peak_kib"

# --- What may have been approved, and what is not a plan --------------------

D=$E2E_TMP/damaged
report damaged_first "$DEMO" "$D"
sed -i '0,/^- \[ \]/s//- [ x]/' "$D/plan.md"
line=$(grep -n '^- \[ x\]' "$D/plan.md" | cut -d: -f1)
report damaged "$DEMO" "$D"
kept=$(kept_folder "$D")
if [ "$status" -eq 0 ] && [ -n "$kept" ] &&
	grep -qF "the plan that was in $D/ is kept in $kept/ (it may have been approved, since line $line of plan.md has a box that is neither ticked nor empty)" \
		"$E2E_TMP/damaged.err"; then
	pass "plan with a damaged box is kept as maybe approved"
else
	fail "plan with a damaged box is kept as maybe approved" "exit status $status" \
		"$(cat "$E2E_TMP/damaged.err")"
fi

N=$E2E_TMP/notes
mkdir -p "$N"
head -c 5000000 /dev/zero | tr '\0' x >"$N/plan.md"
report notes "$DEMO" "$N"
if [ "$status" -eq 0 ] && [ ! -e "$N/plans" ] && ! grep -q 'kept' "$E2E_TMP/notes.err"; then
	pass "large plan.md that is no plan is replaced"
else
	fail "large plan.md that is no plan is replaced" "exit status $status" \
		"$(kept_folders "$N")" "$(cat "$E2E_TMP/notes.err")"
fi
printf '# Notes\n\n- [x] revoke the CI token\n' >"$N/plan.md"
report notes_ticked "$DEMO" "$N"
case $(kept_folder "$N") in
"$N/plans/"*-no-digest) named=yes ;;
*) named=no ;;
esac
if [ "$status" -eq 0 ] && [ "$named" = yes ]; then
	pass "ticked plan.md without a digest is kept"
else
	fail "ticked plan.md without a digest is kept" "exit status $status" \
		"$(kept_folders "$N")" "$(cat "$E2E_TMP/notes_ticked.err")"
fi

bad=$(nonportable "$OUT" "$P" "$D" "$N")
if [ -z "$bad" ] && [ -n "$(kept_folders "$OUT")" ] &&
	[ -n "$(kept_folders "$P")" ] && [ -n "$(kept_folders "$D")" ] &&
	[ -n "$(kept_folders "$N")" ]; then
	pass "kept folders have portable names"
else
	fail "kept folders have portable names" "not in [A-Za-z0-9._-]: $bad"
fi

# --- A plan kept by an earlier build, in a folder named with ':' ------------

L=$E2E_TMP/legacy
report legacy_first "$DEMO" "$L"
tick_last "$L/plan.md" >/dev/null
cp "$L/plan.md" "$E2E_TMP/legacy.md"
cp "$L/plan.json" "$E2E_TMP/legacy.json"
report legacy_kept "$DEMO" "$L"
kept=$(kept_folder "$L")
# Rename the folder to the name that earlier builds gave it, and copy the
# same plan back, as someone would to apply it again.
legacy=$L/plans/$NOW-${kept##*-}
if [ -n "$kept" ] && mv "$kept" "$legacy"; then
	cp "$E2E_TMP/legacy.md" "$L/plan.md"
	cp "$E2E_TMP/legacy.json" "$L/plan.json"
	report legacy_again "$DEMO" "$L"
	if [ "$status" -eq 0 ] && [ "$(kept_folders "$L")" = "$legacy" ] &&
		grep -qF "the approved plan that was in $L/ is already kept in $legacy/" \
			"$E2E_TMP/legacy_again.err"; then
		pass "plan kept under a name with ':' is not kept twice"
	else
		fail "plan kept under a name with ':' is not kept twice" \
			"exit status $status" "$(kept_folders "$L")" \
			"$(cat "$E2E_TMP/legacy_again.err")"
	fi
else
	fail "plan kept under a name with ':' is not kept twice" \
		"cannot rename the kept folder '$kept' to '$legacy'" \
		"$(cat "$E2E_TMP/legacy_kept.err")"
fi

# --- Interrupts and failed links, injected with strace ----------------------

S=$E2E_TMP/signal
report signal_first "$DEMO" "$S"
tick_last "$S/plan.md" >/dev/null
cp "$S/plan.md" "$E2E_TMP/signal.md"
if ! command -v strace >/dev/null 2>&1; then
	skip "interrupt while keeping a plan leaves nothing" "no strace"
	finish
fi
if ! strace -qq -o /dev/null true 2>"$E2E_TMP/strace.err"; then
	skip "interrupt while keeping a plan leaves nothing" \
		"strace cannot trace here: $(head -n 1 "$E2E_TMP/strace.err")"
	finish
fi

# interrupted NAME WHEN: SIGINT at the WHEN-th link() of the main thread,
# which the kept plan makes first. Without -f, strace leaves GnuPG and
# the threads alone.
interrupted() {
	report "$1" "$DEMO" "$S" strace -qq -o /dev/null -e trace=link \
		-e "inject=link:signal=INT:when=$2"
	left=$(find "$S" -name '.*')
	if [ "$status" -gt 128 ] && [ -z "$left" ] &&
		cmp -s "$S/plan.md" "$E2E_TMP/signal.md"; then
		return 0
	fi
	echo "exit status $status; temporary files: $left; $(cat "$E2E_TMP/$1.err")"
	return 1
}

if wrong=$(interrupted signal_new 1) && [ ! -e "$S/plans" ]; then
	pass "interrupt before a new plans folder leaves nothing"
else
	fail "interrupt before a new plans folder leaves nothing" "$wrong" \
		"$(find "$S/plans" 2>&1)"
fi
mkdir -p "$S/plans"
if wrong=$(interrupted signal_existing 2) && [ -z "$(kept_folders "$S")" ]; then
	pass "interrupt in a plans folder leaves nothing"
else
	fail "interrupt in a plans folder leaves nothing" "$wrong" \
		"$(find "$S/plans" 2>&1)"
fi

# EXDEV is what link() returns when plans is on another file system.
# The trace of the calls that take a path also shows the name of the
# temporary folder, which is gone when the run ends.
md_inode=$(inode "$S/plan.md")
report copied "$DEMO" "$S" strace -qq -o "$E2E_TMP/copied.trace" -s 4096 \
	-e trace=%file -e inject=link:error=EXDEV
kept=$(kept_folder "$S")
if [ "$status" -eq 0 ] && [ -n "$kept" ] &&
	cmp -s "$kept/plan.md" "$E2E_TMP/signal.md" &&
	[ "$(inode "$kept/plan.md")" != "$md_inode" ]; then
	pass "plan is copied where it cannot be linked"
else
	fail "plan is copied where it cannot be linked" "exit status $status" \
		"kept: $kept" "$(cat "$E2E_TMP/copied.err")"
fi

# The paths under plans/ that the traced run created, relative to $S.
# Lookups are left out: the run also looks for the name with ':' that
# earlier builds gave a kept plan.
grep -E '^(mkdir|mkdirat|link|linkat|rename|renameat|renameat2)\(|O_CREAT' \
	"$E2E_TMP/copied.trace" | grep -o '"[^"]*"' | tr -d '"' |
	grep -F "$S/" | sed "s|^$S/||" | grep -E '^\.?plans' |
	sort -u >"$E2E_TMP/copied.paths"
staging=$(grep -E '^plans/\.[^/]+\.[0-9]+\.[0-9]+$' "$E2E_TMP/copied.paths")
bad=$(LC_ALL=C grep '[^A-Za-z0-9._/-]' "$E2E_TMP/copied.paths")
if [ -n "$staging" ] && [ -z "$bad" ]; then
	pass "temporary folder of a kept plan has a portable name"
else
	fail "temporary folder of a kept plan has a portable name" \
		"temporary folder: $staging" "not in [A-Za-z0-9._-]: $bad" \
		"$(head -n 20 "$E2E_TMP/copied.paths")"
fi

finish
