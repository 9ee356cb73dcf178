#!/bin/sh
# End-to-end tests of `credaudit approve` and `credaudit apply` against
# tests/mock-gitlab/mock_gitlab.py, a stand-in for GitLab's REST API that
# each scenario starts on 127.0.0.1 with a port of the system's choice.
# Plans come from samples/demo.db at 2026-12-04T12:00:00Z. Run from the
# repository root.
. tests/e2e/lib.sh

PYTHON=/usr/bin/python3
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
# The admin token the mock accepts; no output may ever contain it.
TOKEN="glpat-e2e-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
# The token of a user who is not an administrator.
USER_TOKEN="glpat-user-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
OUT=$T/outputs
mkdir -p "$OUT"
MOCK_PID=
GNUPG_HOMES=

cleanup() {
	[ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null
	for home in $GNUPG_HOMES; do
		gpgconf --homedir "$home" --kill all 2>/dev/null
	done
	rm -rf "$E2E_TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ ! -x "$PYTHON" ] || [ ! -f samples/demo.db ]; then
	fail "apply test setup" "needs $PYTHON and samples/demo.db (make samples/demo.db)"
	finish
fi

# ctl VERB [JSON]: call the mock's control endpoint /_mock/VERB.
ctl() {
	"$PYTHON" -c '
import sys, urllib.request
data = sys.argv[2].encode() if len(sys.argv) > 2 else None
urllib.request.urlopen(sys.argv[1], data=data).read()
' "$URL/_mock/$1" ${2+"$2"}
}

# query EXPRESSION: evaluate a Python expression over the mock's state
# `s`; helpers: deletes(path=None), token(id), key(id).
query() {
	"$PYTHON" -c '
import json, sys, urllib.request
s = json.load(urllib.request.urlopen(sys.argv[1]))
def deletes(path=None):
    return sum(1 for r in s["requests"] if r["method"] == "DELETE"
               and (path is None or r["path"] == path))
def token(i):
    return next((t for t in s["tokens"] if t["id"] == i), None)
def key(i):
    return next((k for k in s["keys"] if k["id"] == i), None)
print(eval(sys.argv[2]))
' "$URL/_mock/state" "$1"
}

# wait_for_delete PATH: wait until the mock has received a DELETE of PATH,
# for at most 10 seconds.
wait_for_delete() {
	tries=0
	while [ "$(query "deletes('$1')")" = 0 ] && [ $tries -lt 100 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
}

# journal_count FILE EXPRESSION: number of journal lines `e` for which
# the Python expression holds.
journal_count() {
	"$PYTHON" -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    n += bool(eval(sys.argv[2]))
print(n)
' "$1" "$2"
}

# make_plan DIR: write the reports and plan of the sample into DIR.
make_plan() {
	"$CREDAUDIT" report --db samples/demo.db --out "$1" --now "$NOW" \
		--plan-valid-days 3650 -q
}

# tick PLAN ID...: tick the boxes of these actions in plan.md.
tick() {
	plan=$1
	shift
	for id in "$@"; do
		sed -i "s/^- \[ \] \`$id\` /- [x] \`$id\` /" "$plan"
	done
}

# approve_json PLAN_JSON ID: set "approved": true in plan.json.
approve_json() {
	"$PYTHON" -c '
import json, sys
path, action_id = sys.argv[1], sys.argv[2]
plan = json.load(open(path))
for action in plan["actions"]:
    if action["id"] == action_id:
        action["approved"] = True
json.dump(plan, open(path, "w"), indent=2)
' "$1" "$2"
}

# run NAME ARGS...: run credaudit with the token in the environment,
# keeping stdout and stderr in $OUT/NAME.out and $OUT/NAME.err; sets RC
# and LAST=NAME.
run() {
	LAST=$1
	shift
	GITLAB_TOKEN=$TOKEN "$CREDAUDIT" "$@" >"$OUT/$LAST.out" 2>"$OUT/$LAST.err"
	RC=$?
}

# expect NAME WANTED_RC [PATTERN]: the last run exited with WANTED_RC and
# its output matches PATTERN.
expect() {
	if [ "$RC" -ne "$2" ]; then
		fail "$1" "exit $RC, expected $2" "$(cat "$OUT/$LAST.out" "$OUT/$LAST.err" | tail -n 8)"
	elif [ -n "${3-}" ] && ! cat "$OUT/$LAST.out" "$OUT/$LAST.err" | grep -q -- "$3"; then
		fail "$1" "output lacks '$3'" "$(cat "$OUT/$LAST.out" "$OUT/$LAST.err" | tail -n 8)"
	else
		pass "$1"
	fi
}

# equal NAME ACTUAL EXPECTED
equal() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got '$2', expected '$3'"
	fi
}

# adds_up NAME: the counts before ';' in the summary of the last run add
# up to the number of approved actions that its first note names.
adds_up() {
	approved=$(sed -n 's/.*\(carrying out\|dry run of\) \([0-9]*\) approved action.*/\2/p' "$OUT/$LAST.err")
	counted=$(grep -E 'not reached; ' "$OUT/$LAST.out" | sed 's/;.*//' |
		grep -o '[0-9][0-9]*' | paste -sd+ | bc)
	equal "$1" "$counted" "$approved"
}

apply_args="--timeout 2 --retries 3 --retry-wait 0.05 --max-wait 5"

# --- Approve a subset, dry run, execute, rerun -----------------------------

P=$T/plan
make_plan "$P"
start_mock_gitlab "$T/mock1.json"
tick "$P/plan.md" revoke-pat-12 revoke-pat-13 delete-ssh-key-5 delete-ssh-key-8
approve_json "$P/plan.json" revoke-pat-15

run approve approve "$P/plan.md"
# The total is the plan's own count of task items, from plan.md.
total=$(grep -c '^- \[[ xX]\] `' "$P/plan.md")
expect "approve lists the approved subset" 0 "5 of $total actions approved"
run approve_quiet approve -q "$P/plan.md"
expect "approve -q succeeds" 0
equal "approve -q prints nothing" "$(cat "$OUT/approve_quiet.out" "$OUT/approve_quiet.err")" ""
run approve_report approve "$P/report.md"
expect "approve of report.md says it is no plan" 7 "is not a revocation plan: pass the plan.md"
run approve_json approve "$P/plan.json"
expect "approve of plan.json asks for plan.md" 7 "is not a plan.md"

run dry apply "$P/plan.md" --gitlab-url "$URL" $apply_args
expect "dry run succeeds" 0 "dry run: 5 would be sent"
adds_up "the summary adds up after a dry run"
equal "dry run sends no DELETE" "$(query 'deletes()')" 0
equal "dry run leaves token 12 active" "$(query 'token(12)["revoked"]')" False
equal "dry run is journaled as dry run" \
	"$(journal_count "$P/journal.jsonl" 'e["dry_run"] and e["result"] == "would_send"')" 5

run exec apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "execute carries out the approved actions" 0 "5 done, 0 skipped, 0 failed"
adds_up "the summary adds up after execute"
equal "execute revokes the ticked tokens" \
	"$(query '[token(i)["revoked"] for i in (12, 13)]')" "[True, True]"
equal "execute revokes the token approved in plan.json" \
	"$(query 'token(15)["revoked"]')" True
equal "execute deletes the ticked SSH keys" "$(query '[key(5), key(8)]')" "[None, None]"
equal "execute leaves unapproved token 10 alone" \
	"$(query 'token(10)["revoked"]')" False
equal "execute sends one DELETE per action" "$(query 'deletes()')" 5
equal "journal records each action as done" \
	"$(journal_count "$P/journal.jsonl" 'not e["dry_run"] and e["result"] == "done" and e["http_status"] == 204 and e["approver"] == "unsigned"')" 5
equal "journal lines carry credential, request and UTC time" \
	"$(journal_count "$P/journal.jsonl" 'e["credential"]["kind"] and e["request"]["method"] == "DELETE" and e["time"].endswith("Z") and "T" in e["time"]')" \
	"$(wc -l <"$P/journal.jsonl" | tr -d ' ')"

run rerun apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "rerun succeeds" 0 "0 done, 0 skipped, 0 failed, 0 stopped, 0 manual, 5 done in earlier runs"
equal "rerun repeats no DELETE" "$(query 'deletes()')" 5

# --- Credentials that changed since the plan -------------------------------

tick "$P/plan.md" revoke-pat-16 revoke-pat-18 delete-ssh-key-11
ctl change '{"path": "/api/v4/personal_access_tokens/16", "revoke": true}'
ctl change '{"path": "/api/v4/users/7/keys/11", "user_id": 3}'
run changed apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "changed credentials are skipped, the rest done" 0 "1 done, 2 skipped"
expect "a revoked token is reported as revoked" 0 "revoke-pat-16: skipped: changed since the plan: the token is already revoked"
expect "a moved key is reported with its new owner" 0 "delete-ssh-key-11: skipped: changed since the plan: the key now belongs to user 3"
equal "skipped credentials get no DELETE" \
	"$(query 'deletes("/api/v4/personal_access_tokens/16") + deletes("/api/v4/users/7/keys/11")')" 0

# A manual step (a deploy key whose projects the snapshot lacks) is not
# sent. It is no failure, and apply lists it again after the summary.
tick "$P/plan.md" delete-deploy-key-39
run manual apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "a manual step leaves the exit code 0" 0 ", 0 failed, 0 stopped, 1 manual,"
expect "a manual step is listed after the summary" 0 \
	"^1 approved action is manual: apply sends nothing for it, so carry it out by hand:"
expect "the listed manual step names its action and steps" 0 \
	"^  delete-deploy-key-39: the snapshot does not record which projects use this deploy key"
adds_up "the summary adds up with a manual step"
equal "a manual step is journaled as manual" \
	"$(journal_count "$P/journal.jsonl" 'e["action"] == "delete-deploy-key-39" and e["result"] == "manual" and e["request"] is None')" 1

# The message names each member of a token that is missing or of the
# wrong type, with its value.
tick "$P/plan.md" revoke-pat-10
ctl fail '{"method": "GET", "path": "/api/v4/personal_access_tokens/10", "status": 200, "body": {"id": 10, "user_id": "11", "active": true, "revoked": false}}'
run token_user_string apply "$P/plan.md" --gitlab-url "$URL" $apply_args
expect "a token user_id that is a string is named" 11 \
	"revoke-pat-10: failed: GET /api/v4/personal_access_tokens/10 returned \"user_id\" as a string (\"11\"), not an integer: is --gitlab-url the GitLab instance?"
ctl fail '{"method": "GET", "path": "/api/v4/personal_access_tokens/10", "status": 200, "body": {"id": 10, "active": null, "revoked": false}}'
run token_members apply "$P/plan.md" --gitlab-url "$URL" $apply_args
expect "each wrong member of a token is named" 11 \
	"GET /api/v4/personal_access_tokens/10 returned \"active\" as null, not true or false, and no \"user_id\""

# --- A journal whose last line is torn ---------------------------------------

J=$T/torn
make_plan "$J"
tick "$J/plan.md" revoke-pat-30
printf 'not json\n{"half":' >"$J/journal.jsonl"
run torn apply "$J/plan.md" --gitlab-url "$URL" $apply_args
expect "a torn journal names its bad lines" 0 "lines 1 and 2 of journal '$J/journal.jsonl' are not journal entries"
equal "the next entry starts on a new line" "$(sed -n 2p "$J/journal.jsonl")" '{"half":'
equal "the new entry is a whole line" \
	"$(sed -n 3p "$J/journal.jsonl" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["action"])')" \
	revoke-pat-30
run torn_again apply "$J/plan.md" --gitlab-url "$URL" $apply_args
equal "the warning comes once per run" "$(grep -c 'not journal entries' "$OUT/torn_again.err")" 1
run torn_report report --db samples/demo.db --out "$J" --now "$NOW"
expect "the report warns about the bad lines" 0 "lines 1 and 2 of journal '$J/journal.jsonl' are not journal entries"
stop_mock_gitlab

# A later report in the same folder marks what apply carried out, and
# keeps the approved plan that its new plan replaces.
cp "$P/plan.md" "$T/approved-plan.md"
echo "not a signature" >"$P/plan.md.asc"
run failed_report report --db samples/demo.db --out "$P" --now "$NOW" \
	--template "$T/no-such-template"
if [ "$RC" -ne 0 ] && [ ! -e "$P/plans" ] && cmp -s "$P/plan.md" "$T/approved-plan.md"; then
	pass "a failed report keeps the plan in place"
else
	fail "a failed report keeps the plan in place" "exit $RC; $(ls "$P")"
fi
run later_report report --db samples/demo.db --out "$P" --now "$NOW"
expect "a later report reads the journal" 0
expect "a later report names where the plan is kept" 0 "the approved plan that was in $P/ is kept in $P/plans/20261204T120000Z-"
kept=$(ls -d "$P"/plans/*/ 2>/dev/null | head -n 1)
if [ -n "$kept" ] && cmp -s "$kept/plan.md" "$T/approved-plan.md" &&
	[ -f "$kept/plan.json" ] && [ -f "$kept/plan.md.asc" ]; then
	pass "the approved plan and its signature are kept"
else
	fail "the approved plan and its signature are kept" "$(find "$P/plans" 2>&1)"
fi
equal "the new plan.md has no ticked box" "$(grep -c '^- \[x\]' "$P/plan.md")" 0
if [ -e "$P/plan.md.asc" ]; then
	fail "the old signature is not left next to the new plan"
else
	pass "the old signature is not left next to the new plan"
fi
run unticked_report report --db samples/demo.db --out "$P" --now "$NOW" -q
equal "an unapproved plan is replaced without being kept" \
	"$(ls -d "$P"/plans/*/ | wc -l | tr -d ' ')" 1
# The sample's gitlab_host is gitlab.acme.example and the mock listens on
# 127.0.0.1, so each mark names the host the work was done on.
on='done by apply on <bdi>127.0.0.1</bdi>:'
equal "the HTML report marks each action done, on the host apply used" \
	"$(grep -o 'done by apply on <bdi>127.0.0.1</bdi>: <bdi>[a-z0-9-]*</bdi>' "$P/report.html" | sort -u | tr '\n' ' ')" \
	"$on <bdi>delete-ssh-key-5</bdi> $on <bdi>delete-ssh-key-8</bdi> $on <bdi>revoke-pat-12</bdi> $on <bdi>revoke-pat-13</bdi> $on <bdi>revoke-pat-15</bdi> $on <bdi>revoke-pat-18</bdi> "
equal "the Markdown report marks each action done, on the host apply used" \
	"$(grep -o 'done by apply on 127\\\.0\\\.0\\\.1: [a-z0-9-]*' "$P/report.md" | sort -u | wc -l | tr -d ' ')" 6
if grep -q 'done by apply.*: revoke-pat-16' "$P/report.md"; then
	fail "the reports do not mark skipped actions"
else
	pass "the reports do not mark skipped actions"
fi

# --- Retries: 500, 429 with Retry-After, timeouts; then 401 and 403 --------

P=$T/retry
make_plan "$P"
start_mock_gitlab "$T/mock2.json"
tick "$P/plan.md" revoke-pat-12 revoke-pat-13 revoke-pat-15 delete-ssh-key-5
ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/12", "status": 500, "times": 2}'
ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/13", "status": 429, "retry_after": 1}'
ctl fail '{"method": "GET", "path": "/api/v4/personal_access_tokens/15", "status": 503, "times": 1}'
ctl fail '{"method": "GET", "path": "/api/v4/users/3/keys/5", "delay": 3, "times": 1}'
run retry apply "$P/plan.md" --gitlab-url "$URL" --execute \
	--timeout 1 --retries 3 --retry-wait 0.05 --max-wait 5
expect "500, 429, 503 and a timeout are retried" 0 "4 done, 0 skipped, 0 failed"
equal "500 is retried until the DELETE succeeds" \
	"$(query 'deletes("/api/v4/personal_access_tokens/12")')" 3
equal "429 is retried once" "$(query 'deletes("/api/v4/personal_access_tokens/13")')" 2

# Retry-After: 2 s, against a first wait of 0.05 s.
tick "$P/plan.md" revoke-pat-16
ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/16", "status": 429, "retry_after": 2}'
started=$(date +%s%N)
run retry_after apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
expect "429 with Retry-After is retried" 0 "1 done, 0 skipped"
if [ "$elapsed_ms" -ge 1900 ]; then
	pass "Retry-After is honoured"
else
	fail "Retry-After is honoured" "the run took $elapsed_ms ms, less than the 2 s asked for"
fi

ctl fail '{"method": "DELETE", "path": "/api/v4/users/5/keys/8", "status": 500, "times": -1}'
tick "$P/plan.md" delete-ssh-key-8 delete-ssh-key-11
run exhausted apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "retries end after --retries and the run stops" 11 "delete-ssh-key-8: failed"
expect "the failure detail is only the failure" 11 "delete-ssh-key-8: failed: DELETE /api/v4/users/5/keys/8 returned 500 on every attempt (4)"
expect "actions after a persistent 5xx are not reached" 11 "1 not reached"
equal "a failing DELETE is sent 1 + --retries times" \
	"$(query 'deletes("/api/v4/users/5/keys/8")')" 4

ctl fail '{"method": "GET", "path": "/api/v4/(personal_access_tokens|users)/.*", "status": 403, "times": 1}'
run forbidden apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "403 stops the run" 10 "GitLab returned 403"
expect "the summary counts the stopped action" 10 ", 1 stopped,"
adds_up "the summary adds up after a stop"

before=$(query 'deletes()')
ctl fail '{"method": "GET", "path": "/api/v4/(personal_access_tokens|users)/.*", "status": 401, "times": 1}'
run unauth apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "401 stops the run with a clear message" 10 "GitLab returned 401: the token is invalid"
equal "401 sends no DELETE" "$(query 'deletes()')" "$before"
equal "401 is journaled as stopped" \
	"$(journal_count "$P/journal.jsonl" 'e["result"] == "stopped" and e["http_status"] == 401')" 1

# --- The server and the token are checked before any action ---------------

lines=$(wc -l <"$P/journal.jsonl")
requests=$(query 'len(s["requests"])')
GITLAB_TOKEN=wrong-token "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" \
	--execute $apply_args >"$OUT/wrong_token.out" 2>"$OUT/wrong_token.err"
RC=$?
LAST=wrong_token
expect "invalid token stops before any action" 10 "GitLab returned 401: the token is invalid"
equal "invalid token sends only GET /api/v4/user" \
	"$(query '[r["path"] for r in s["requests"][-1:]], len(s["requests"])')" \
	"(['/api/v4/user'], $((requests + 1)))"

GITLAB_TOKEN=$USER_TOKEN "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" \
	--execute $apply_args >"$OUT/not_admin.out" 2>"$OUT/not_admin.err"
RC=$?
LAST=not_admin
expect "non-admin token is rejected" 10 "the token belongs to user @bob (id 2), who is not an administrator"

ctl fail '{"method": "GET", "path": "/api/v4/user", "status": 200, "body": {"id": "1", "username": "root", "is_admin": true}}'
run user_id_string apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "a user id that is a string is named" 12 \
	"GET /api/v4/user returned 200 with \"id\" as a string (\"1\"), not an integer"
ctl fail '{"method": "GET", "path": "/api/v4/user", "status": 200, "body": {"id": 1.5}}'
run user_members apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "each wrong member of the user is named" 12 \
	"GET /api/v4/user returned 200 with \"id\" as a number with a fraction (1.5), not an integer, and no \"username\""

run wrong_base apply "$P/plan.md" --gitlab-url "$URL/gitlab" --execute $apply_args
expect "URL that is not GitLab is rejected" 12 "is not GitLab's REST API v4: GET /api/v4/user returned 404"
if grep -q 'skipped' "$OUT/wrong_base.out"; then
	fail "wrong URL skips no action" "$(cat "$OUT/wrong_base.out")"
else
	pass "wrong URL skips no action"
fi
equal "failed server checks journal nothing" "$(wc -l <"$P/journal.jsonl")" "$lines"
equal "failed server checks send no DELETE" "$(query 'deletes()')" "$before"
stop_mock_gitlab

# --- Interrupted runs resume without repeating ------------------------------

P=$T/resume
make_plan "$P"
start_mock_gitlab "$T/mock3.json"
tick "$P/plan.md" revoke-pat-12 revoke-pat-13 revoke-pat-15 revoke-pat-16 delete-ssh-key-5
# The mock revokes token 15, saves its state and exits before responding.
ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/15", "die_after_apply": true}'
run died apply "$P/plan.md" --gitlab-url "$URL" --execute \
	--timeout 1 --retries 2 --retry-wait 0.05
expect "a mock that dies mid-run stops the run" 11 "2 not reached"
adds_up "the summary adds up after a lost response"
wait "$MOCK_PID" 2>/dev/null
MOCK_PID=
start_mock_gitlab "$T/mock3.json" "$MOCK_PORT"
run resumed apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "the rerun finishes the plan" 0 "2 done in earlier runs"
expect "a lost response is confirmed, not sent again" 0 "revoke-pat-15: done: the request of an earlier, interrupted run took effect"
equal "no action is sent twice across the interruption" \
	"$(query '[deletes(p) for p in ("/api/v4/personal_access_tokens/12", "/api/v4/personal_access_tokens/13", "/api/v4/personal_access_tokens/15", "/api/v4/personal_access_tokens/16", "/api/v4/users/3/keys/5")]')" \
	"[1, 1, 1, 1, 1]"

# A run killed while a DELETE is in flight: the mock responds late.
tick "$P/plan.md" revoke-pat-18 revoke-pat-30 delete-ssh-key-8
ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/30", "delay": 2}'
GITLAB_TOKEN=$TOKEN "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" \
	--execute --timeout 10 >"$OUT/killed.out" 2>"$OUT/killed.err" &
apply_pid=$!
wait_for_delete /api/v4/personal_access_tokens/30
kill -9 "$apply_pid" 2>/dev/null
wait "$apply_pid" 2>/dev/null
# Let the mock finish the request that the killed run sent.
sleep 2.5
run after_kill apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "a run killed mid-request is resumed" 0 "revoke-pat-30: done: the request of an earlier, interrupted run took effect"
equal "the killed run's request is not repeated" \
	"$(query '[deletes("/api/v4/personal_access_tokens/30"), deletes("/api/v4/personal_access_tokens/18"), deletes("/api/v4/users/5/keys/8")]')" \
	"[1, 1, 1]"

# SIGTERM, SIGINT or SIGHUP (a dropped ssh session) while a DELETE is in
# flight lets the request finish, journals its result, and stops the run
# before the next action.
for signal in TERM INT HUP; do
	case $signal in
	TERM) pat=31 next_pat=32 ;;
	INT) pat=33 next_pat=34 ;;
	HUP) pat=65 next_pat=69 ;;
	esac
	tick "$P/plan.md" revoke-pat-$pat revoke-pat-$next_pat
	ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/'$pat'", "delay": 2}'
	GITLAB_TOKEN=$TOKEN "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" \
		--execute --timeout 10 >"$OUT/sig$signal.out" 2>"$OUT/sig$signal.err" &
	apply_pid=$!
	wait_for_delete /api/v4/personal_access_tokens/$pat
	kill -$signal "$apply_pid" 2>/dev/null
	wait "$apply_pid"
	RC=$?
	LAST=sig$signal
	expect "SIG$signal stops the run after the request in flight" 11 "interrupted: the run stopped"
	expect "SIG$signal says the request in flight finishes" 11 "the request in flight may take up to --timeout to finish"
	adds_up "the summary adds up after SIG$signal"
	equal "SIG$signal journals the request in flight as done" \
		"$(journal_count "$P/journal.jsonl" 'e["action"] == "revoke-pat-'$pat'" and e["result"] == "done" and e["http_status"] == 204')" 1
	equal "SIG$signal leaves the next action unsent" \
		"$(query 'deletes("/api/v4/personal_access_tokens/'$next_pat'")')" 0
	run after_sig$signal apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
	expect "the run after SIG$signal finds the request done" 0 \
		"revoke-pat-$pat: done in an earlier run"
	expect "the run after SIG$signal finishes the plan" 0 "revoke-pat-$next_pat: done"
	equal "the request in flight at SIG$signal is not repeated" \
		"$(query 'deletes("/api/v4/personal_access_tokens/'$pat'")')" 1
done

# A signal during the GET that checks a credential lets the GET finish,
# but the DELETE is not sent.
tick "$P/plan.md" revoke-pat-60 revoke-pat-61
ctl fail '{"method": "GET", "path": "/api/v4/personal_access_tokens/60", "delay": 2}'
GITLAB_TOKEN=$TOKEN "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" \
	--execute --timeout 10 >"$OUT/sig_get.out" 2>"$OUT/sig_get.err" &
apply_pid=$!
tries=0
while [ "$(query 'sum(1 for r in s["requests"] if r["path"] == "/api/v4/personal_access_tokens/60")')" = 0 ] &&
	[ $tries -lt 100 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
kill -INT "$apply_pid" 2>/dev/null
wait "$apply_pid"
RC=$?
LAST=sig_get
expect "a signal during a check sends no DELETE" 11 \
	"revoke-pat-60: stopped: interrupted before the request was sent"
adds_up "the summary adds up after a signal during a check"
equal "a signal during a check leaves both tokens unrevoked" \
	"$(query '[deletes("/api/v4/personal_access_tokens/60"), deletes("/api/v4/personal_access_tokens/61")]')" "[0, 0]"
run after_sig_get apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "the run after a signal during a check sends the DELETE" 0 \
	"revoke-pat-60: done: DELETE /api/v4/personal_access_tokens/60 returned 204"

# A second SIGINT ends the request in flight at once. GitLab may still
# carry it out, here while the next run's DELETE waits, which then gets
# 400 "token is not active". That run finds the token revoked and
# records the action as done by the interrupted run.
tick "$P/plan.md" revoke-pat-35 revoke-pat-36
ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/35", "delay": 3, "times": 2}'
GITLAB_TOKEN=$TOKEN "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" \
	--execute --timeout 10 >"$OUT/twice.out" 2>"$OUT/twice.err" &
apply_pid=$!
wait_for_delete /api/v4/personal_access_tokens/35
started=$(date +%s%N)
kill -INT "$apply_pid" 2>/dev/null
sleep 0.2
kill -INT "$apply_pid" 2>/dev/null
wait "$apply_pid"
RC=$?
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
LAST=twice
expect "a second SIGINT ends the request in flight" 11 "revoke-pat-35: stopped: interrupted while the request was in flight"
if [ "$elapsed_ms" -lt 2500 ]; then
	pass "a second SIGINT does not wait for the response"
else
	fail "a second SIGINT does not wait for the response" "the run took $elapsed_ms ms after the first signal"
fi
run after_twice apply "$P/plan.md" --gitlab-url "$URL" --execute --timeout 10
expect "a DELETE refused after an interrupted run counts as done" 0 \
	"revoke-pat-35: done: the request of an earlier, interrupted run took effect: the token is already revoked"
equal "the interrupted run's DELETE and the next run's were both sent" \
	"$(query 'deletes("/api/v4/personal_access_tokens/35")')" 2
equal "the journal records the interrupted action as done" \
	"$(journal_count "$P/journal.jsonl" 'e["action"] == "revoke-pat-35" and e["result"] == "done"')" 1
stop_mock_gitlab
cp -R "$P" "$T/resume-report"
"$CREDAUDIT" report --db samples/demo.db --out "$T/resume-report" --now "$NOW" -q
if grep -q 'done by apply on 127\\\.0\\\.0\\\.1: revoke-pat-35' "$T/resume-report/report.md"; then
	pass "the report marks the interrupted action done"
else
	fail "the report marks the interrupted action done" "$(grep -n 'revoke-pat-35' "$T/resume-report/report.md" | head -n 3)"
fi

# --- Stale plans, other snapshots, hand edits -------------------------------

start_mock_gitlab "$T/mock4.json"
S=$T/stale
"$CREDAUDIT" report --db samples/demo.db --out "$S" --now 2020-01-01T00:00:00Z -q
tick "$S/plan.md" revoke-pat-12
run stale apply "$S/plan.md" --gitlab-url "$URL" $apply_args
expect "a plan past valid_until is rejected" 8 "was valid until 2020-01-08T00:00:00Z"
equal "a rejected plan sends nothing" "$(query 'len(s["requests"])')" 0
run forced apply "$S/plan.md" --gitlab-url "$URL" --force $apply_args
expect "--force accepts a stale plan" 0 "dry run: 1 would be sent"
equal "a forced run is journaled as forced" \
	"$(journal_count "$S/journal.jsonl" 'e["forced"]')" 1

F=$T/future
"$CREDAUDIT" report --db samples/demo.db --out "$F" --now 2030-01-01T00:00:00Z \
	--plan-valid-days 3650 -q
tick "$F/plan.md" revoke-pat-10
requests=$(query 'len(s["requests"])')
run future apply "$F/plan.md" --gitlab-url "$URL" $apply_args
expect "a plan created in the future is rejected" 8 "created at 2030-01-01T00:00:00Z, which is in the future"
equal "a plan from the future sends nothing" "$(query 'len(s["requests"])')" "$requests"
run future_forced apply "$F/plan.md" --gitlab-url "$URL" --force $apply_args
expect "--force accepts a plan from the future" 0 "dry run: 1 would be sent"

P=$T/edit
make_plan "$P"
tick "$P/plan.md" revoke-pat-12
cp samples/demo.db "$T/other.db"
"$PYTHON" -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE personal_access_tokens SET name = name || ? WHERE id = 12", ("x",))
db.commit()
' "$T/other.db"
run other_db apply "$P/plan.md" --gitlab-url "$URL" --db "$T/other.db" $apply_args
expect "a plan for another snapshot is rejected" 8 "the plan was made from snapshot"
run same_db apply "$P/plan.md" --gitlab-url "$URL" --db samples/demo.db $apply_args
expect "a plan for the given snapshot is accepted" 0 "dry run: 1 would be sent"
# The instance's settings and a bot's project decide findings too, so a
# change to them makes the plan one for another snapshot.
for change in "UPDATE application_settings SET dsa_key_restriction = 0" \
	"UPDATE projects SET marked_for_deletion_at = NULL WHERE id = 6"; do
	cp samples/demo.db "$T/context.db"
	sqlite3 "$T/context.db" "$change"
	run context_db apply "$P/plan.md" --gitlab-url "$URL" --db "$T/context.db" $apply_args
	expect "a plan is rejected after: $change" 8 "the plan was made from snapshot"
done

# Owner state and admin flag are reasons for actions (owner-inactive,
# token-admin-scope), so a change to them in a plan action's owner makes
# the plan stale. User 12 (blocked) and user 3 own plan actions; user 19
# owns none.
owner_change() {
	cp samples/demo.db "$T/owners.db"
	"$PYTHON" -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute(sys.argv[2])
db.commit()
' "$T/owners.db" "$1"
}
owner_change "UPDATE users SET state = 'active' WHERE id = 12"
run owner_state apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "a changed owner state is rejected" 8 "the state, admin flag or user type of an owner of the plan's actions"
run owner_state_forced apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" \
	--force $apply_args
expect "--force accepts a changed owner state" 0 "dry run: 1 would be sent"
owner_change "UPDATE users SET admin = 1 WHERE id = 3"
run owner_admin apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "a changed owner admin flag is rejected" 8 "the state, admin flag or user type of an owner of the plan's actions"
owner_change "UPDATE users SET user_type = 1 WHERE id = 3"
run owner_type apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "a changed owner user type is rejected" 8 "the state, admin flag or user type of an owner of the plan's actions"
owner_change "DELETE FROM users WHERE id = 12"
run owner_deleted apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "a deleted owner is rejected" 8 "the state, admin flag or user type of an owner of the plan's actions"
owner_change "UPDATE users SET state = 'blocked', admin = 1 WHERE id = 19"
run owner_unrelated apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "a change to a user without actions is accepted" 0 "dry run: 1 would be sent"
owner_change "UPDATE users SET name = 'Mallory M.', email = 'm@example.com' WHERE id = 12"
run owner_other_column apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "a change to another column of an owner is accepted" 0 "dry run: 1 would be sent"
# User 9 owns GPG key 7, whose action review-gpg-key-7 rests on which of
# her addresses are confirmed (gpg-key-revoked-uid-match).
owner_change "UPDATE users SET confirmed_at = NULL WHERE id = 9"
run owner_unconfirmed apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "an unconfirmed address of a GPG key owner is rejected" 8 "the addresses of an owner of a GPG key action"
owner_change "INSERT INTO emails (user_id, email, confirmed_at) VALUES (9, 'heidi@oldcorp.example', '2026-01-01 00:00:00')"
run owner_new_email apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "a new address of a GPG key owner is rejected" 8 "the addresses of an owner of a GPG key action"
# The username and the host make up her private commit address.
owner_change "UPDATE users SET username = 'heidi2' WHERE id = 9"
run owner_username apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "a new username of a GPG key owner is rejected" 8 "the addresses of an owner of a GPG key action"
owner_change "UPDATE credaudit_snapshot SET value = 'gitlab.other.example' WHERE key = 'gitlab_host'"
run owner_host apply "$P/plan.md" --gitlab-url "$URL" --db "$T/owners.db" $apply_args
expect "another GitLab host is rejected for GPG key actions" 8 "the addresses of an owner of a GPG key action"
cp samples/demo.db "$T/copy.db"
"$CREDAUDIT" report --db "$T/copy.db" --out "$T/copy" --now "$NOW" \
	--plan-valid-days 3650 -q
equal "the plan digest does not depend on the snapshot path" \
	"$(grep '^- Plan digest' "$T/copy/plan.md")" "$(grep '^- Plan digest' "$P/plan.md")"

cp "$P/plan.md" "$T/plan.md.orig"
sed -i 's/^- \[x\] `revoke-pat-12` /- [x] `revoke-pat-21` /' "$P/plan.md"
line=$(grep -n '`revoke-pat-21`' "$P/plan.md" | cut -d: -f1)
run broken_id apply "$P/plan.md" --gitlab-url "$URL" $apply_args
expect "an edited action id is an error naming the line" 7 "plan.md:$line: 'revoke-pat-21' is not the id of an action"
run broken_id_approve approve "$P/plan.md"
expect "approve rejects the edited id too" 7 "plan.md:$line:"

cp "$T/plan.md.orig" "$P/plan.md"
sed -i 's/^\(- \[x\] `revoke-pat-12` .*\)personal_access_tokens\/12`/\1personal_access_tokens\/13`/' "$P/plan.md"
run edited_request apply "$P/plan.md" --gitlab-url "$URL" $apply_args
expect "an edited request is an error" 7 "the request of action 'revoke-pat-12' was changed"

cp "$T/plan.md.orig" "$P/plan.md"
sed -i 's/^- \[ \] `revoke-pat-13` /- [] `revoke-pat-13` /' "$P/plan.md"
run damaged_box apply "$P/plan.md" --gitlab-url "$URL" $apply_args
expect "a damaged box is an error, not a rejection" 7 "the box of action 'revoke-pat-13' is damaged"

cp "$T/plan.md.orig" "$P/plan.md"
sed -i 's/"path": *"\/api\/v4\/personal_access_tokens\/10"/"path":"\/api\/v4\/personal_access_tokens\/11"/' "$P/plan.json"
run edited_json apply "$P/plan.md" --gitlab-url "$URL" $apply_args
expect "an edited plan.json breaks the plan digest" 7 "the plan digest does not match"
equal "rejected plans send nothing" "$(query 'deletes()')" 0
stop_mock_gitlab

# --- Signed approvals ------------------------------------------------------

# make_key NAME: a GnuPG home $T/g-NAME with an Ed25519 signing key.
make_key() {
	home=$T/g-$1
	mkdir -m 700 "$home"
	GNUPG_HOMES="$GNUPG_HOMES $home"
	gpg --homedir "$home" --batch --quiet --passphrase '' \
		--quick-gen-key "$1 <$1@example.com>" ed25519 sign never \
		>/dev/null 2>&1
}

P=$T/signed
make_plan "$P"
start_mock_gitlab "$T/mock5.json"
tick "$P/plan.md" revoke-pat-12 delete-ssh-key-5
if make_key alice && make_key mallory; then
	gpg --homedir "$T/g-alice" --export --armor alice@example.com >"$T/approvers.asc" 2>/dev/null
	alice_fpr=$(gpg --homedir "$T/g-alice" --with-colons --list-keys alice@example.com 2>/dev/null |
		awk -F: '$1 == "fpr" { print $10; exit }')

	run unsigned_required apply "$P/plan.md" --gitlab-url "$URL" \
		--require-signature --keyring "$T/approvers.asc" $apply_args
	expect "a required signature that is missing is rejected" 9 "the plan has no signature"
	run no_keyring apply "$P/plan.md" --gitlab-url "$URL" \
		--require-signature --keyring "$T/missing.asc" $apply_args
	expect "a missing keyring is a usage error" 2 "cannot read --keyring '$T/missing.asc'"
	run no_cacert apply "$P/plan.md" --gitlab-url "$URL" --cacert "$T/missing.pem" $apply_args
	expect "a missing CA file is a usage error" 2 "cannot read --cacert '$T/missing.pem'"
	run sign_unwritable approve "$P/plan.md" --sign alice@example.com \
		--gnupg-home "$T/g-alice" --signature /proc/credaudit-test.asc
	expect "an unwritable signature file is an output error" 5
	env -u HOME -u GNUPGHOME "$CREDAUDIT" approve "$P/plan.md" --sign alice@example.com \
		>"$OUT/no_home.out" 2>"$OUT/no_home.err"
	RC=$?
	LAST=no_home
	expect "approve --sign without HOME asks for --gnupg-home" 2 "HOME is not set.*pass --gnupg-home"

	run sign approve "$P/plan.md" --sign alice@example.com --gnupg-home "$T/g-alice"
	expect "approve --sign writes a detached signature" 0 "signed $P/plan.md: $alice_fpr"
	# A FIFO would make open() wait for a writer.
	mkfifo "$T/keyring.fifo"
	GITLAB_TOKEN=$TOKEN timeout 10 "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" \
		--require-signature --keyring "$T/keyring.fifo" $apply_args \
		>"$OUT/fifo_keyring.out" 2>"$OUT/fifo_keyring.err"
	RC=$?
	LAST=fifo_keyring
	expect "a FIFO as keyring is rejected at once" 2 "cannot read --keyring '$T/keyring.fifo': it is a pipe, socket or device"
	if head -n 1 "$P/plan.md.asc" | grep -q 'BEGIN PGP SIGNATURE' &&
		gpg --homedir "$T/g-alice" --verify "$P/plan.md.asc" "$P/plan.md" 2>/dev/null; then
		pass "the signature is armored and gpg verifies it"
	else
		fail "the signature is armored and gpg verifies it"
	fi

	run trusted apply "$P/plan.md" --gitlab-url "$URL" --execute \
		--require-signature --keyring "$T/approvers.asc" $apply_args
	expect "a plan signed by a trusted key is applied" 0 "good signature by $alice_fpr \"alice <alice@example.com>\" signed at"
	equal "the journal names the signer as approver" \
		"$(journal_count "$P/journal.jsonl" 'e["result"] == "done" and e["approver"][0]["fingerprint"] == "'"$alice_fpr"'"')" 2

	tick "$P/plan.md" revoke-pat-13
	run changed_after apply "$P/plan.md" --gitlab-url "$URL" --execute \
		--require-signature --keyring "$T/approvers.asc" $apply_args
	expect "an approval changed after signing is rejected" 9 "BAD signature"
	equal "a rejected signature sends nothing" "$(query 'token(13)["revoked"]')" False

	run mallory_sign approve "$P/plan.md" --sign mallory@example.com \
		--gnupg-home "$T/g-mallory"
	run untrusted apply "$P/plan.md" --gitlab-url "$URL" --execute \
		--require-signature --keyring "$T/approvers.asc" $apply_args
	expect "a plan signed by an untrusted key is rejected" 9 "which is not in keyring"

	approve_json "$P/plan.json" revoke-pat-15
	GNUPGHOME=$T/g-alice "$CREDAUDIT" approve "$P/plan.md" --sign alice@example.com \
		>"$OUT/json_sign.out" 2>"$OUT/json_sign.err"
	RC=$?
	LAST=json_sign
	expect "approve --sign rejects approvals made only in plan.json" 7 "not ticked in"
	expect "one action takes the singular" 7 "1 action is approved in"
else
	fail "gpg makes test keys" "$(cat "$T/mock.log" | tail -n 3)"
fi
stop_mock_gitlab

# --- The token stays secret -------------------------------------------------

P=$T/tokenfile
make_plan "$P"
start_mock_gitlab "$T/mock6.json"
tick "$P/plan.md" revoke-pat-12
printf '%s\n' "$TOKEN" >"$T/token"
# Any permission for the group or other users is rejected, as ssh does
# for a private key.
for mode in 644 640 660 620 610 604 602 601; do
	chmod $mode "$T/token"
	"$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" --token-file "$T/token" \
		>"$OUT/token_open.out" 2>"$OUT/token_open.err"
	RC=$?
	LAST=token_open
	expect "a token file with mode $mode is rejected" 2 \
		"'$T/token' is open to group or other users (mode 0$mode): run chmod 600 '$T/token'"
done
# A device gets no chmod advice, which as root would break the system.
"$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" --token-file /dev/null \
	>"$OUT/token_dev.out" 2>"$OUT/token_dev.err"
RC=$?
LAST=token_dev
expect "a device as token file is named, without chmod" 2 \
	"'/dev/null' is not a regular file: pass the file that holds the token"
if grep -q chmod "$OUT/token_dev.err"; then
	fail "a device as token file gets no chmod advice" "$(cat "$OUT/token_dev.err")"
else
	pass "a device as token file gets no chmod advice"
fi
# A FIFO would make the read wait for a writer.
mkfifo -m 600 "$T/token.fifo"
timeout 10 "$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" --token-file "$T/token.fifo" \
	>"$OUT/token_fifo.out" 2>"$OUT/token_fifo.err"
RC=$?
LAST=token_fifo
expect "a FIFO as token file is rejected at once" 2 "'$T/token.fifo' is not a regular file"
chmod 400 "$T/token"
"$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" --token-file "$T/token" \
	$apply_args >"$OUT/token_file.out" 2>"$OUT/token_file.err"
RC=$?
LAST=token_file
expect "a read-only private token file works" 0 "1 would be sent"
chmod 600 "$T/token"
"$CREDAUDIT" apply "$P/plan.md" --gitlab-url "$URL" --token-file "$T/token" \
	--execute $apply_args >"$OUT/token_file.out" 2>"$OUT/token_file.err"
RC=$?
LAST=token_file
expect "a private token file works" 0 "1 done"
stop_mock_gitlab

# A proxy or WAF in front of GitLab may repeat the PRIVATE-TOKEN header in
# its error message, as is or encoded. Apply shows and journals such a
# message with the token replaced.
P=$T/echo
make_plan "$P"
start_mock_gitlab "$T/mock-echo.json"
tick "$P/plan.md" revoke-pat-10 revoke-pat-12
ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/10", "status": 400, "echo_token": "raw"}'
run echo_delete apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "an echoed token in a DELETE error is redacted" 11 \
	"revoke-pat-10: failed: DELETE /api/v4/personal_access_tokens/10 returned 400: 400 injected for \[REDACTED\]"
equal "the journal has the redacted DELETE error" \
	"$(journal_count "$P/journal.jsonl" 'e["action"] == "revoke-pat-10" and e["detail"].endswith("400 injected for [REDACTED]")')" 1
ctl fail '{"method": "GET", "path": "/api/v4/personal_access_tokens/10", "status": 403, "echo_token": "percent"}'
run echo_get apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "a percent-encoded token in a GET error is redacted" 10 \
	"revoke-pat-10: stopped: GET /api/v4/personal_access_tokens/10 returned 403: 403 injected for \[REDACTED\]"
ctl fail '{"method": "GET", "path": "/api/v4/user", "status": 401, "echo_token": "json"}'
run echo_user apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "a JSON-escaped token in the server check is redacted" 10 \
	"(GET /api/v4/user returned 401: 401 injected for \[REDACTED\])"
stop_mock_gitlab
percent_token=$("$PYTHON" -c '
import sys
print("".join("%%%02x" % ord(c) if i % 2 else c for i, c in enumerate(sys.argv[1])))
' "$TOKEN")
if grep -r -l -F -e "$TOKEN" -e "$percent_token" "$OUT" "$P" >"$T/echo-leaks" 2>/dev/null; then
	fail "an echoed token appears in no output or journal" "$(cat "$T/echo-leaks")"
else
	pass "an echoed token appears in no output or journal"
fi

# A proxy or firewall may answer a DELETE with 200 and a page of its own
# while GitLab never sees the request. GitLab's API answers 204, so apply
# looks at the credential again and journals the action as failed while
# it is unchanged; the next run carries it out.
P=$T/odd-success
make_plan "$P"
start_mock_gitlab "$T/mock-odd.json"
tick "$P/plan.md" revoke-pat-12
ctl fail '{"method": "DELETE", "path": "/api/v4/personal_access_tokens/12", "status": 200, "body": "<html>The requested URL was rejected</html>"}'
run odd_success apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "a 200 page instead of 204 is not taken as done" 11 \
	"revoke-pat-12: failed: DELETE /api/v4/personal_access_tokens/12 returned 200, not the 204 of GitLab's API"
run odd_success_again apply "$P/plan.md" --gitlab-url "$URL" --execute $apply_args
expect "the next run carries the action out" 0 "1 done"
stop_mock_gitlab

# A plan that a later report kept in plans/ and that is applied from
# there journals into its output folder, so the next report in that
# folder marks its actions done.
# The snapshot names the mock's host as its own, so the marks are plain.
K=$T/kept
cp samples/demo.db "$T/local.db"
sqlite3 "$T/local.db" "UPDATE credaudit_snapshot SET value = '127.0.0.1' WHERE key = 'gitlab_host'"
"$CREDAUDIT" report --db "$T/local.db" --out "$K" --now "$NOW" \
	--plan-valid-days 3650 -q
tick "$K/plan.md" revoke-pat-12
"$CREDAUDIT" report --db "$T/local.db" --out "$K" --now "$NOW" \
	--plan-valid-days 3650 -q --plan-severity high
kept=$(ls -d "$K"/plans/*/ 2>/dev/null | head -n 1)
kept=${kept%/}
start_mock_gitlab "$T/mock-kept.json"
# Run from inside the kept folder, as `cd OUT/plans/NAME` and `apply
# plan.md` do; $CREDAUDIT may be relative to the repository root.
credaudit_path=$(cd "$(dirname "$CREDAUDIT")" && pwd)/$(basename "$CREDAUDIT")
(cd "$kept" && GITLAB_TOKEN=$TOKEN "$credaudit_path" apply plan.md \
	--gitlab-url "$URL" --execute $apply_args) \
	>"$OUT/kept_apply.out" 2>"$OUT/kept_apply.err"
RC=$?
LAST=kept_apply
expect "a kept plan applies from inside plans/NAME" 0 "1 done"
expect "apply names the kept plan's journal" 0 "so the journal is $K/journal.jsonl"
if [ -s "$K/journal.jsonl" ] && [ ! -e "$kept/journal.jsonl" ]; then
	pass "a kept plan journals into its output folder"
else
	fail "a kept plan journals into its output folder" "$(ls -R "$K" | head -n 20)"
fi
# Every other spelling of the path finds the same journal, and so the
# action done above.
ln -s "$kept" "$T/kept-link"
for spelling in plain double-slash dot dot-dot symlink; do
	case $spelling in
	plain) path=$kept/plan.md ;;
	double-slash) path=$kept//plan.md ;;
	dot) path=$kept/./plan.md ;;
	dot-dot) path=$K/plans/../plans/$(basename "$kept")/plan.md ;;
	symlink) path=$T/kept-link/plan.md ;;
	esac
	run kept_spelling apply "$path" --gitlab-url "$URL" --execute $apply_args
	expect "kept plan path, $spelling, finds the journal" 0 \
		"revoke-pat-12: done in an earlier run"
done
if [ -e "$kept/journal.jsonl" ] || [ -e "$T/kept-link/journal.jsonl" ]; then
	fail "no spelling journals into the kept folder" "$(ls "$kept")"
else
	pass "no spelling journals into the kept folder"
fi
# A journal that an earlier build wrote into the kept folder is named.
cp "$K/journal.jsonl" "$kept/journal.jsonl"
run kept_stray apply "$kept/plan.md" --gitlab-url "$URL" $apply_args
expect "a journal in the kept folder is named" 0 \
	"$kept/journal.jsonl is not read, because the journal of a kept plan is $K/journal.jsonl"
rm -f "$kept/journal.jsonl"
stop_mock_gitlab
# An output folder that is itself named plans/NAME inside another output
# folder keeps its own journal, because it has a report.json and a kept
# folder has none.
N=$T/nested/plans/stage
make_plan "$N"
cp "$N/report.json" "$T/nested/report.json"
tick "$N/plan.md" revoke-pat-12
start_mock_gitlab "$T/mock-nested.json"
run nested apply "$N/plan.md" --gitlab-url "$URL" $apply_args
stop_mock_gitlab
if [ -s "$N/journal.jsonl" ] && [ ! -e "$T/nested/journal.jsonl" ]; then
	pass "an output folder named plans/NAME keeps its journal"
else
	fail "an output folder named plans/NAME keeps its journal" "$(cat "$OUT/nested.err")"
fi
"$CREDAUDIT" report --db "$T/local.db" --out "$K" --now "$NOW" -q
if grep -q 'done by apply: revoke-pat-12' "$K/report.md"; then
	pass "the next report marks what the kept plan's apply did"
else
	fail "the next report marks what the kept plan's apply did" "$(grep -n 'revoke-pat-12' "$K/report.md" | head -n 3)"
fi

run http_remote apply "$P/plan.md" --gitlab-url http://gitlab.example.com
expect "plain http to a remote host is rejected" 2 "unencrypted"
# Such a name is rejected before it is resolved, so no DNS query is sent.
for host in 127.0.0.1.nip.io 127.attacker.example localhost.attacker.example; do
	run http_lookalike apply "$P/plan.md" --gitlab-url "http://$host:1"
	expect "plain http to $host is rejected" 2 "unencrypted"
done
run url_secret apply "$P/plan.md" --gitlab-url "https://root:$TOKEN@gitlab.example.com"
expect "credentials in the URL are rejected" 2 "user name or password"

if grep -r -l -F -- "$TOKEN" "$OUT" "$T"/plan "$T"/retry "$T"/resume "$T"/stale \
	"$T"/edit "$T"/signed "$T"/tokenfile "$T"/echo >"$T/leaks" 2>/dev/null; then
	fail "the token appears in no output, journal or report" "$(cat "$T/leaks")"
else
	pass "the token appears in no output, journal or report"
fi

finish
