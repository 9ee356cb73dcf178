#!/bin/sh
# End-to-end tests of credaudit report --plan-severity and --plan-rules.
# Each filtered plan is checked against the plan made without a filter,
# by parsing plan.json, report.json, credentials.csv, the overview and
# the inventory. Then come the usage errors, approve and apply of a
# filtered plan against tests/mock-gitlab/mock_gitlab.py (started on
# 127.0.0.1), and the plan archive on filtered plans. Plans come from
# samples/demo.db at 2026-12-04T12:00:00Z. Run from the repository root.
. tests/e2e/lib.sh

PYTHON=/usr/bin/python3
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
# The admin token the mock accepts.
TOKEN="glpat-filter-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
MOCK_PID=

cleanup() {
	[ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null
	rm -rf "$E2E_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ ! -x "$PYTHON" ] || [ ! -f "$DB" ]; then
	fail "plan filter test setup" "needs $PYTHON and $DB (make samples/demo.db)"
	finish
fi

# The checks of one filtered plan, in Python. Arguments: the folder of
# the filtered report, the folder of the report without a filter, the
# --plan-severity value or "", the --plan-rules value or "", and a label
# for the case names. It prints one line per case: "ok", a tab and the
# name, or "not-ok", the name and the detail, separated by tabs.
cat >"$T/check.py" <<'EOF'
import csv
import json
import os
import re
import sys

out, full, severity, rules_arg, label = sys.argv[1:6]
listed = set(rules_arg.split(",")) if rules_arg else None
levels = {"info": 0, "low": 1, "medium": 2, "high": 3}
action_id = re.compile(r"\b(?:revoke-(?:pat|project-token|group-token)"
                       r"|delete-(?:ssh-key|deploy-key)|review-gpg-key)-\d+\b")


def load(folder, name):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        return json.load(f)


def verdict(name, problems):
    name = label + ": " + name
    if problems:
        print("not-ok\t%s\t%s" % (name, "; ".join(str(p) for p in problems[:5])))
    else:
        print("ok\t" + name)


report = load(out, "report.json")
plan = load(out, "plan.json")
full_report = load(full, "report.json")
full_plan = load(full, "plan.json")
proposes = {r["id"]: r["proposes_action"] for r in report["rules"]}


def passes(finding):
    if not proposes.get(finding["rule"]):
        return False
    if severity and levels[finding["severity"]] < levels[severity]:
        return False
    return listed is None or finding["rule"] in listed


def key(credential):
    return (credential["kind"], credential["id"])


passing = {key(c) for c in report["credentials"]
           if any(passes(f) for f in c["findings"])}
actions = {key(a["credential"]): a["id"] for a in plan["actions"]}
full_actions = {key(a["credential"]): a["id"] for a in full_plan["actions"]}

recorded = plan.get("filter")
verdict("plan.json records the filter", [] if recorded and
        recorded["min_severity"] == (severity or None) and
        (set(recorded["rules"]) if recorded["rules"] is not None else None) == listed
        else ["filter is %r" % (recorded,)])

verdict("every action has a reason that passes", [
    a["id"] for a in plan["actions"]
    if not any(passes(r) for r in a["reasons"])])
verdict("no reason fails the filter", [
    "%s: %s" % (a["id"], r["rule"]) for a in plan["actions"]
    for r in a["reasons"] if not passes(r)])

expected = {k: v for k, v in full_actions.items() if k in passing}
verdict("no passing credential is missing", [
    v for k, v in expected.items() if actions.get(k) != v])
verdict("no other credential is in the plan", [
    v for k, v in actions.items() if k not in expected])

expected_skips = {key(e["credential"]) for e in full_plan["not_possible"]
                  if key(e["credential"]) in passing}
skips = {key(e["credential"]) for e in plan["not_possible"]}
verdict("not_possible is filtered the same way",
        [] if skips == expected_skips else
        ["got %s, expected %s" % (sorted(skips), sorted(expected_skips))])

left_out = recorded or {}
verdict("the left-out counts add up", [] if
        left_out.get("left_out_actions") == len(full_actions) - len(actions) and
        left_out.get("left_out_not_possible") ==
        len(full_plan["not_possible"]) - len(skips)
        else ["filter is %r, plans have %d and %d actions"
              % (recorded, len(actions), len(full_actions))])

findings = {key(c): c["findings"] for c in report["credentials"]}
full_findings = {key(c): c["findings"] for c in full_report["credentials"]}
verdict("findings are those of the full report",
        [] if findings == full_findings and
        report["summary"]["findings"] == full_report["summary"]["findings"]
        else ["findings differ"])

json_actions = {key(c): c["plan_action"] for c in report["credentials"]
                if c["plan_action"] is not None}
verdict("report.json plan_action is the plan's",
        [] if json_actions == actions else
        ["report.json has %d actions, plan.json %d"
         % (len(json_actions), len(actions))])

with open(os.path.join(out, "credentials.csv"), encoding="utf-8", newline="") as f:
    csv_actions = {(row["kind"], int(row["id"])): row["plan_action"]
                   for row in csv.DictReader(f) if row["plan_action"]}
verdict("credentials.csv plan_action is the plan's",
        [] if csv_actions == actions else
        ["credentials.csv has %d actions, plan.json %d"
         % (len(csv_actions), len(actions))])

planned = set(actions.values())
for name in ("report.html", "report.md"):
    with open(os.path.join(out, name), encoding="utf-8") as f:
        named = set(action_id.findall(f.read()))
    verdict(name + " names only planned actions", sorted(named - planned))

inventory = set()
for page in os.listdir(os.path.join(out, "inventory")):
    with open(os.path.join(out, "inventory", page), encoding="utf-8") as f:
        inventory |= set(action_id.findall(f.read()))
verdict("the inventory names exactly the planned actions",
        [] if inventory == planned else
        ["only in the inventory: %s" % sorted(inventory - planned),
         "only in the plan: %s" % sorted(planned - inventory)])

with open(os.path.join(out, "plan.md"), encoding="utf-8") as f:
    md = f.read()
verdict("plan.md says the plan is partial",
        [] if re.search(r"^- Filter: findings ", md, re.M) and
        "This plan is partial" in md else ["no Filter line or partial note"])
verdict("plan.md lists every action once", [
    a for a in planned if md.count("`%s` " % a) != 1])
verdict("plan.md says when nothing passes",
        [] if bool(actions) != ("None: no finding that passes the filter" in md)
        else ["%d actions, and the None line is %s"
              % (len(actions), "present" if not actions else "absent")])
EOF

# check_plan LABEL DIR SEVERITY RULES: run check.py on DIR against the
# plan without a filter in $T/full, and report its cases.
check_plan() {
	if "$PYTHON" "$T/check.py" "$2" "$T/full" "$3" "$4" "$1" >"$T/verdicts" 2>"$T/check.err"
	then
		tab=$(printf '\t')
		while IFS=$tab read -r result name detail; do
			if [ "$result" = ok ]; then
				pass "$name"
			else
				fail "$name" "$detail"
			fi
		done <"$T/verdicts"
	else
		fail "$1: plan checks ran" "$(cat "$T/check.err")"
	fi
}

# filtered LABEL SEVERITY RULES: write a report whose plan is filtered
# by SEVERITY and RULES ("" for an option left out) into $T/LABEL, check
# that approve accepts its plan, and run check_plan on it.
filtered() {
	dir=$T/$1
	args=
	[ -n "$2" ] && args="--plan-severity $2"
	[ -n "$3" ] && args="$args --plan-rules $3"
	# $args is split on purpose: the values hold no blanks.
	if ! "$CREDAUDIT" report -q --db "$DB" --out "$dir" --now "$NOW" $args \
		2>"$T/report.err"
	then
		fail "$1: report succeeds" "$(cat "$T/report.err")"
		return
	fi
	pass "$1: report succeeds"
	if "$CREDAUDIT" approve "$dir/plan.md" >"$T/approve.out" 2>&1 &&
		grep -q "0 of [0-9]* actions approved" "$T/approve.out"
	then
		pass "$1: approve accepts the filtered plan"
	else
		fail "$1: approve accepts the filtered plan" "$(cat "$T/approve.out")"
	fi
	check_plan "$1" "$dir" "$2" "$3"
}

# --- The plan without a filter, which the filtered plans are checked against

if ! "$CREDAUDIT" report -q --db "$DB" --out "$T/full" --now "$NOW"; then
	fail "report without a filter succeeds"
	finish
fi
pass "report without a filter succeeds"
if grep -q '"filter"' "$T/full/plan.json" || grep -q '^- Filter:' "$T/full/plan.md" ||
	grep -q 'This plan is partial' "$T/full/plan.md"
then
	fail "a plan without a filter does not call itself filtered"
else
	pass "a plan without a filter does not call itself filtered"
fi

# --- Filtered plans --------------------------------------------------------

filtered high high ""
filtered medium medium ""
filtered info info ""
filtered unused "" credential-unused
filtered two-rules "" owner-inactive,gpg-key-expired
filtered both medium owner-inactive,credential-never-used,ssh-key-dsa
# credential-unused is medium, so only owner-inactive findings pass.
filtered both-high high owner-inactive,credential-unused
# The sample has no credential without an owner row.
filtered nothing "" owner-missing

# The demo has findings below high that propose actions, so the high
# stage must leave some out, and info, the lowest, none.
if [ "$(grep -c '^- \[ \]' "$T/high/plan.md")" -lt "$(grep -c '^- \[ \]' "$T/full/plan.md")" ]; then
	pass "the high stage leaves actions out"
else
	fail "the high stage leaves actions out" "$(grep -c '^- \[ \]' "$T/high/plan.md") actions"
fi
if cmp -s "$T/info/plan.md" "$T/full/plan.md"; then
	fail "a filtered plan differs from the full one" "the info plan is the full plan"
else
	pass "a filtered plan differs from the full one"
fi
if grep -q "Without the filter, the plan would be the same" "$T/info/plan.md"; then
	pass "the info stage says it leaves nothing out"
else
	fail "the info stage says it leaves nothing out" "$(sed -n '/partial/,/finding\./p' "$T/info/plan.md")"
fi
if grep -q '^## Actions (0)$' "$T/nothing/plan.md" &&
	grep -q 'Without the filter, the plan would have [1-9][0-9]* more actions' "$T/nothing/plan.md"
then
	pass "an empty stage says what the full plan has"
else
	fail "an empty stage says what the full plan has" "$(sed -n '/partial/,/^## Actions/p' "$T/nothing/plan.md")"
fi

# The overviews and report.json's summary mark the plan as partial,
# with what passes and how many actions the filter left out; the
# unfiltered report has nothing of the kind.
left_out=$(( $(grep -c '^- \[ \]' "$T/full/plan.md") - $(grep -c '^- \[ \]' "$T/high/plan.md") ))
note="This plan is partial: it holds only the actions for findings of severity high (--plan-severity). It leaves out $left_out actions that other findings propose."
"$PYTHON" - "$T/high" "$note" "$left_out" >"$T/overview.out" 2>&1 <<'PY'
import html.parser, json, sys
out, note, left_out = sys.argv[1], sys.argv[2], int(sys.argv[3])
plan = json.load(open(out + "/report.json"))["summary"]["plan"]
print("json-filter", plan.get("filter") == "findings of severity high")
print("json-left-out", plan.get("left_out_actions") == left_out)
class Paragraphs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth, self.text, self.found = 0, "", []
    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self.depth, self.text = 1, ""
    def handle_endtag(self, tag):
        if tag == "p" and self.depth:
            self.found.append(self.text)
            self.depth = 0
    def handle_data(self, data):
        if self.depth:
            self.text += data
parser = Paragraphs()
parser.feed(open(out + "/report.html", encoding="utf-8").read())
print("html-note", note in parser.found)
print("md-note", note in open(out + "/report.md", encoding="utf-8").read().split("\n"))
PY
for fact in json-filter json-left-out html-note md-note; do
	if grep -qx "$fact True" "$T/overview.out"; then
		pass "high: overview fact $fact"
	else
		fail "high: overview fact $fact" "$(cat "$T/overview.out")"
	fi
done
if grep -q 'partial' "$T/full/report.md" "$T/full/report.html" ||
	grep -q '"left_out_actions"' "$T/full/report.json"
then
	fail "the unfiltered report does not call its plan partial"
else
	pass "the unfiltered report does not call its plan partial"
fi

# A credential whose only proposing findings the filter left out shows
# that in its Plan cell, not "none": token 10 has only a medium finding.
if grep '<tr id="personal_access_token-10"' "$T/high/inventory/personal_access_token-0001.html" |
	grep -q 'left out by the plan filter'; then
	pass "high: the inventory says what the filter left out"
else
	fail "high: the inventory says what the filter left out" \
		"$(grep -o '<tr id="personal_access_token-10".*' "$T/high/inventory/personal_access_token-0001.html" | tail -c 300)"
fi
if grep -rq 'left out by the plan filter' "$T/full/report.md" "$T/full/report.html" "$T/full/inventory"; then
	fail "the unfiltered report leaves nothing out"
else
	pass "the unfiltered report leaves nothing out"
fi

# The rules' order on the command line does not change the plan.
"$CREDAUDIT" report -q --db "$DB" --out "$T/reordered" --now "$NOW" \
	--plan-rules gpg-key-expired,owner-inactive
if cmp -s "$T/reordered/plan.json" "$T/two-rules/plan.json" &&
	cmp -s "$T/reordered/plan.md" "$T/two-rules/plan.md"
then
	pass "the order of --plan-rules does not matter"
else
	fail "the order of --plan-rules does not matter" \
		"$(diff "$T/reordered/plan.md" "$T/two-rules/plan.md" | head -n 10)"
fi

# A listed rule below --plan-severity is allowed, with a warning.
"$CREDAUDIT" report --db "$DB" --out "$T/warned" --now "$NOW" \
	--plan-severity high --plan-rules owner-inactive,credential-unused \
	>/dev/null 2>"$T/stderr"
if grep -q "warning: --plan-severity high leaves out every finding of credential-unused" "$T/stderr"; then
	pass "a rule below --plan-severity gives a warning"
else
	fail "a rule below --plan-severity gives a warning" "stderr: $(cat "$T/stderr")"
fi
if grep -q "the plan is filtered to findings of severity high and of the rules owner-inactive and credential-unused; it leaves out [0-9]* actions" "$T/stderr"; then
	pass "the closing note names the filter"
else
	fail "the closing note names the filter" "stderr: $(cat "$T/stderr")"
fi

# The filter is part of the plan digest: a plan.json whose filter was
# removed no longer matches plan.md.
cp "$T/high/plan.md" "$T/high/plan.json" "$T/"
"$PYTHON" -c '
import json, sys
plan = json.load(open(sys.argv[1]))
del plan["filter"]
json.dump(plan, open(sys.argv[1], "w"), indent=2)
' "$T/plan.json"
"$CREDAUDIT" approve "$T/plan.md" >/dev/null 2>"$T/stderr"
status=$?
if [ "$status" -eq 7 ] && grep -q "plan digest does not match" "$T/stderr"; then
	pass "removing the filter from plan.json breaks the digest"
else
	fail "removing the filter from plan.json breaks the digest" \
		"exit $status" "stderr: $(cat "$T/stderr")"
fi

# --- Usage errors ----------------------------------------------------------

# rejects NAME TEXT LISTED ARGS...: the report with ARGS fails with
# exit 2, names TEXT, lists the valid value LISTED and writes nothing.
rejects() {
	rejects_name=$1
	rejects_text=$2
	rejects_listed=$3
	shift 3
	fails "$rejects_name" 2 "$rejects_text" "$T/rejected" \
		"$CREDAUDIT" report --db "$DB" --out "$T/rejected" --now "$NOW" "$@"
	if grep -qF -- "$rejects_listed" "$T/stderr"; then
		pass "$rejects_name lists the valid values"
	else
		fail "$rejects_name lists the valid values" "stderr: $(cat "$T/stderr")"
	fi
}

SEVERITIES="high, medium, low, info"
rejects "unknown severity exits 2" "invalid --plan-severity 'urgent'" "$SEVERITIES" \
	--plan-severity urgent
rejects "upper-case severity exits 2" "invalid --plan-severity 'HIGH'" "$SEVERITIES" \
	--plan-severity HIGH
rejects "empty --plan-severity exits 2" "empty --plan-severity" "$SEVERITIES" \
	--plan-severity=
rejects "--plan-severity twice exits 2" \
	"--plan-severity given twice ('high' and 'low')" "$SEVERITIES" \
	--plan-severity high --plan-severity low
rejects "unknown rule exits 2" "unknown rule 'no-such-rule'" "owner-inactive" \
	--plan-rules ssh-key-dsa,no-such-rule
rejects "rule without actions exits 2" "rule 'token-no-expiry' in --plan-rules never proposes an action" \
	"credential-unused" --plan-rules token-no-expiry
rejects "empty --plan-rules exits 2" "empty --plan-rules" "owner-inactive" \
	--plan-rules=
rejects "empty rule id exits 2" "empty rule id in --plan-rules 'owner-inactive,,ssh-key-dsa'" \
	"owner-inactive" --plan-rules owner-inactive,,ssh-key-dsa
rejects "trailing comma exits 2" "empty rule id in --plan-rules 'owner-inactive,'" \
	"owner-inactive" --plan-rules owner-inactive,
rejects "rule listed twice exits 2" "rule 'ssh-key-dsa' is listed twice" "owner-inactive" \
	--plan-rules ssh-key-dsa,owner-inactive,ssh-key-dsa
rejects "--plan-rules twice exits 2" \
	"--plan-rules given twice ('owner-inactive' and 'ssh-key-dsa')" "credential-unused" \
	--plan-rules owner-inactive --plan-rules ssh-key-dsa
fails "--plan-rules without a value exits 2" 2 "option '--plan-rules' needs a value" \
	"$T/rejected" "$CREDAUDIT" report --db "$DB" --out "$T/rejected" --now "$NOW" \
	--plan-rules

# --- Approve and apply a filtered plan -------------------------------------

P=$T/staged
"$CREDAUDIT" report -q --db "$DB" --out "$P" --now "$NOW" --plan-valid-days 3650 \
	--plan-severity high
# Two actions of the high stage, and one that only the full plan has.
first=$("$PYTHON" -c '
import json, sys
print(" ".join(a["id"] for a in json.load(open(sys.argv[1]))["actions"][:2]))
' "$P/plan.json")
left_out=$("$PYTHON" -c '
import json, sys
staged = {a["id"] for a in json.load(open(sys.argv[1]))["actions"]}
print(next((a["id"] for a in json.load(open(sys.argv[2]))["actions"]
            if a["id"] not in staged), ""))
' "$P/plan.json" "$T/full/plan.json")
total=$(grep -c '^- \[ \]' "$P/plan.md")
for id in $first; do
	sed -i "s/^- \[ \] \`$id\` /- [x] \`$id\` /" "$P/plan.md"
done

if "$CREDAUDIT" approve "$P/plan.md" >"$T/approve.out" 2>&1 &&
	grep -q "2 of $total actions approved" "$T/approve.out"
then
	pass "approve lists the ticked actions of a filtered plan"
else
	fail "approve lists the ticked actions of a filtered plan" "$(cat "$T/approve.out")"
fi
# An action that the filter left out cannot be smuggled in.
printf -- '- [x] `%s` Revoke it.\n' "$left_out" >>"$P/plan.md"
"$CREDAUDIT" approve "$P/plan.md" >/dev/null 2>"$T/stderr"
status=$?
if [ -n "$left_out" ] && [ "$status" -eq 7 ] &&
	grep -q "'$left_out' is not the id of an action" "$T/stderr"
then
	pass "approve rejects an action the filter left out"
else
	fail "approve rejects an action the filter left out" "exit $status" "stderr: $(cat "$T/stderr")"
fi
sed -i '$d' "$P/plan.md"

start_mock_gitlab "$T/mock.json"
apply_args="--timeout 5 --retries 1 --retry-wait 0.05 --max-wait 1"

# deletes: the paths of the DELETE requests the mock received, sorted.
deletes() {
	"$PYTHON" -c '
import json, sys, urllib.request
state = json.load(urllib.request.urlopen(sys.argv[1] + "/_mock/state"))
print(" ".join(sorted(r["path"] for r in state["requests"] if r["method"] == "DELETE")))
' "$URL"
}
# expected_deletes IDS: the request paths of these actions in plan.json.
expected_deletes() {
	"$PYTHON" -c '
import json, sys
ids = sys.argv[2].split()
print(" ".join(sorted(a["request"]["path"] for a in json.load(open(sys.argv[1]))["actions"]
                      if a["id"] in ids)))
' "$P/plan.json" "$1"
}

GITLAB_TOKEN=$TOKEN "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" $apply_args \
	>"$T/dry.out" 2>&1
status=$?
if [ "$status" -eq 0 ] && grep -q "dry run: 2 would be sent" "$T/dry.out"; then
	pass "dry run of a filtered plan"
else
	fail "dry run of a filtered plan" "exit $status" "$(tail -n 8 "$T/dry.out")"
fi
GITLAB_TOKEN=$TOKEN "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" --execute \
	$apply_args >"$T/exec.out" 2>&1
status=$?
if [ "$status" -eq 0 ] && grep -q "2 done, 0 skipped, 0 failed" "$T/exec.out"; then
	pass "apply --execute of a filtered plan"
else
	fail "apply --execute of a filtered plan" "exit $status" "$(tail -n 8 "$T/exec.out")"
fi
sent=$(deletes)
wanted=$(expected_deletes "$first")
if [ -n "$wanted" ] && [ "$sent" = "$wanted" ]; then
	pass "apply sends exactly the approved DELETEs"
else
	fail "apply sends exactly the approved DELETEs" "sent '$sent', expected '$wanted'"
fi

# The Filter line of plan.md must read as "filter" of plan.json
# describes it, so that what an approver reads and signs is what the
# plan covers. A line that was changed, removed or added stops approve
# and apply with exit 7, and the message names both values.
E=$T/filter-edit
# filter_line_rejected NAME FROM SED_SCRIPT TEXT: approve and apply of a
# copy in $E of the plan in FROM, whose plan.md SED_SCRIPT edited, fail
# with exit 7 and TEXT on stderr.
filter_line_rejected() {
	rm -rf "$E"
	mkdir "$E"
	cp "$2/plan.md" "$2/plan.json" "$E/"
	sed -i "$3" "$E/plan.md"
	fails "approve: $1" 7 "$4" "$E" "$CREDAUDIT" approve "$E/plan.md"
	fails "apply: $1" 7 "$4" "$E" env GITLAB_TOKEN="$TOKEN" \
		"$CREDAUDIT" apply "$E/plan.md" --gitlab-url "$URL" $apply_args
}
filter_line=$(grep -n '^- Filter: ' "$P/plan.md" | cut -d: -f1)
filter_line_rejected "a changed Filter line is rejected" "$P" \
	's/^- Filter: findings of severity high$/- Filter: findings of severity medium or above/' \
	"$E/plan.md:$filter_line: the Filter line was changed: it says 'findings of severity medium or above', but $E/plan.json has the filter 'findings of severity high'; restore the line, or make the plan again with credaudit report"
filter_line_rejected "a removed Filter line is rejected" "$P" '/^- Filter: /d' \
	"$E/plan.md: there is no Filter line, but $E/plan.json has the filter 'findings of severity high', so the plan is partial"
filter_line_rejected "a rule dropped from the Filter line is rejected" "$T/two-rules" \
	's/^- Filter: .*/- Filter: findings of the rule `owner-inactive`/' \
	"it says 'findings of the rule \`owner-inactive\`', but $E/plan.json has the filter 'findings of the rules "
filter_line_rejected "a Filter line added to a full plan is rejected" "$T/full" \
	's/^- Generated by: .*/&\n- Filter: findings of severity high/' \
	"the Filter line says 'findings of severity high', but $E/plan.json has no filter, so the plan is not partial"
stop_mock_gitlab

# --- The plan archive on filtered plans ------------------------------------

# The approved high stage is kept when the next stage replaces it.
"$CREDAUDIT" report -q --db "$DB" --out "$P" --now "$NOW" --plan-severity medium
kept=$(find "$P/plans" -name plan.md 2>/dev/null)
if [ "$(echo "$kept" | grep -c .)" -eq 1 ] &&
	grep -q '^- Filter: findings of severity high$' "$kept" &&
	grep -q '^- \[x\] ' "$kept"
then
	pass "an approved filtered plan is kept"
else
	fail "an approved filtered plan is kept" "kept: '$kept'" "$(ls -R "$P/plans" 2>&1)"
fi
if grep -q '^- Filter: findings of severity medium or above$' "$P/plan.md"; then
	pass "the next stage replaces the kept plan"
else
	fail "the next stage replaces the kept plan" "$(sed -n '1,12p' "$P/plan.md")"
fi
if grep -q "done by apply" "$P/report.md"; then
	pass "the next stage's reports mark what apply did"
else
	fail "the next stage's reports mark what apply did"
fi
# A filtered plan without approvals is replaced without being kept.
"$CREDAUDIT" report -q --db "$DB" --out "$T/high" --now "$NOW" --plan-severity medium
if [ -e "$T/high/plans" ]; then
	fail "an unapproved filtered plan is not kept" "$(ls -R "$T/high/plans")"
else
	pass "an unapproved filtered plan is not kept"
fi

finish
