#!/bin/sh
# Project access tokens of archived projects and of projects marked for
# deletion: token-project-inactive flags every active one, and the plan
# revokes it. The tokens that should be flagged are found again here with
# SQL over members, projects and users of the same snapshot. Each
# snapshot is samples/demo.db changed with sqlite3.
. tests/e2e/lib.sh

: "${INSPECT:=$BUILD/tests/inspect}"
DB=samples/demo.db
NOW=2026-12-04T12:00:00Z
T=$E2E_TMP
TAB=$(printf '\t')

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok - project tokens # skip no sqlite3"
	finish
fi

# found VARIANT: the ids of the tokens with a token-project-inactive
# finding, sorted, on one line.
found() {
	awk -F "$TAB" '$1 == "rule" && $4 == "token-project-inactive" { print $3 }' \
		"$T/$1.fields" | sort -n | tr '\n' ' '
}

# expected DB: the active tokens of project bots whose project is archived,
# pending deletion or marked for deletion. A token is active when it is
# not revoked and expires after the --now date, or never.
expected() {
	sqlite3 "$1" "SELECT DISTINCT t.id FROM personal_access_tokens AS t
		JOIN users AS u ON u.id = t.user_id AND u.user_type = 6
		JOIN members AS m ON m.user_id = u.id AND m.source_type = 'Project'
		JOIN projects AS p ON p.id = m.source_id
		WHERE (p.archived IN (1, 't') OR p.pending_delete IN (1, 't')
		       OR p.marked_for_deletion_at IS NOT NULL)
		AND coalesce(t.revoked, 0) IN (0, 'f')
		AND (t.expires_at IS NULL OR t.expires_at > '${NOW%%T*}')
		ORDER BY t.id" | tr '\n' ' '
}

# plan_action VARIANT ID: the plan action of project token ID, or null.
plan_action() {
	awk -F "$TAB" -v id="$2" \
		'$1 == "field" && $2 == "project_access_token" && $3 == id && $4 == "plan_action" { print $5 }' \
		"$T/$1.fields"
}

variant demo ""
V=demo
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
want=$(expected "$DB")
if [ -n "$want" ]; then
	pass "$V: the sample has tokens of archived or deleted projects"
else
	fail "$V: the sample has tokens of archived or deleted projects"
fi
equal "$V: the flagged tokens are those SQL finds" "$(found $V)" "$want"
equal "$V: message of an archived project" \
	"$(awk -F "$TAB" '$1 == "message" && $3 == 51 && $4 == "token-project-inactive" { print $5 }' "$T/$V.fields")" \
	"project acme/legacy-billing is archived"
equal "$V: message of a project marked for deletion" \
	"$(awk -F "$TAB" '$1 == "message" && $3 == 53 && $4 == "token-project-inactive" { print $5 }' "$T/$V.fields")" \
	"project acme/web/old-shop is marked for deletion"
missing=""
for id in $want; do
	[ "$(plan_action $V "$id")" = "revoke-project-token-$id" ] ||
		missing="$missing $id"
done
equal "$V: the plan revokes every flagged token" "$missing" ""

# Archiving project 1 (acme/platform/api) flags its active tokens too,
# and pending_delete alone counts as marked for deletion.
variant archived "UPDATE projects SET archived = 1 WHERE id = 1;
	UPDATE projects SET pending_delete = 1 WHERE id = 2"
V=archived
want=$(expected "$T/$V.db")
equal "$V: the flagged tokens are those SQL finds" "$(found $V)" "$want"
if [ "$(echo $want | wc -w)" -gt "$(found demo | wc -w)" ]; then
	pass "$V: tokens of the newly archived projects are flagged"
else
	fail "$V: tokens of the newly archived projects are flagged" "$want"
fi

# A value GitLab would not store says neither archived nor not: the
# tokens of that project get a value-invalid finding and no
# token-project-inactive finding or plan action from it.
variant invalid "UPDATE projects SET archived = 'banana' WHERE id = 1;
	UPDATE projects SET marked_for_deletion_at = 'soon' WHERE id = 2;
	UPDATE projects SET archived = NULL WHERE id = 5"
V=invalid
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
# Project 5 is archived in the demo; with NULL (the column is NOT NULL in
# GitLab) its token is no longer flagged.
equal "$V: only the demo's token of the project marked for deletion is flagged" \
	"$(found $V)" "53 "
equal "$V: each token of the three projects' bots has a value-invalid finding" \
	"$(grep -c 'value-invalid	projects\.\(archived\|marked_for_deletion_at\) of project' "$T/$V.fields")" \
	"$(sqlite3 "$T/$V.db" "SELECT count(*) FROM personal_access_tokens AS t
		JOIN users AS u ON u.id = t.user_id AND u.user_type = 6
		JOIN members AS m ON m.user_id = t.user_id AND m.source_type = 'Project'
		WHERE m.source_id IN (1, 2, 5)")"

# An older GitLab without projects.archived: the rule is not checked
# for any active project token, and the JSON names the missing column.
variant no-archived "ALTER TABLE projects DROP COLUMN archived"
V=no-archived
equal "$V: exits 0" "$(cat "$T/$V.status")" 0
equal "$V: no token is flagged" "$(found $V)" ""
has "$V: JSON names the column" "$T/$V.json" \
	"not-checked-missing token-project-inactive projects.archived"
has "$V: JSON counts every active project token as not checked" "$T/$V.json" \
	"not-checked token-project-inactive project_access_token $(sed -n 's/^summary project_access_token active //p' "$T/$V.json")"

finish
