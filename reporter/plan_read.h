#ifndef CREDAUDIT_PLAN_READ_H
#define CREDAUDIT_PLAN_READ_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "plan_digest.h"

/*
 * A revocation plan read back from disk, for `approve` and `apply`.
 *
 * plan.json is the source of truth for what each action does: its
 * request and its credential. plan.md is where a person approves, by
 * ticking task-list boxes, and it is parsed with cmark-gfm and its
 * tasklist extension. The two files are tied together:
 *  - plan.md carries the plan digest of plan.json (plan_digest.h), so
 *    plan.json cannot change unnoticed and a signature over plan.md
 *    covers both files;
 *  - each task item's first code span is its action id, and the text of
 *    the item must still read as plan.json records it ("markdown"), so
 *    an edited or damaged line is an error that names the line;
 *  - each header line that report writes must be there once and show
 *    what plan.json records, "Filter" only in a partial plan, and no
 *    other line may read as a header line.
 */

struct plan_item {
	char *id;              /* "revoke-pat-12" */
	char *type;            /* "revoke_token", "delete_ssh_key", "review_gpg_key" */
	char *kind;            /* credential kind: "personal_access_token", ... */
	int64_t cred_id;
	char *cred_name;       /* as plan.json shows it (escaped), or NULL */
	int64_t owner_id;
	char *owner_username;  /* or NULL */
	char *method;          /* "DELETE", or NULL for a manual step */
	char *path;            /* "/api/v4/...", or NULL for a manual step */
	char *manual;          /* the manual steps, or NULL */
	char *markdown;        /* the item's text in plan.md after the box */
	int ticked;            /* its box is ticked in plan.md */
	int approved_json;     /* "approved": true in plan.json */
	int line;              /* line of its task item in plan.md; negative
				  when only a damaged item names it */
};

struct plan_file {
	char *md_path;
	char *json_path;
	char *md_text;                 /* the bytes of plan.md that were read */
	size_t md_len;
	char digest[PLAN_DIGEST_MAX];  /* of plan.json, checked against plan.md */
	char *snapshot_digest;         /* NULL when the snapshot had none */
	char *owners_digest;           /* owner_digest.h; NULL in a plan made
					  before credaudit recorded it */
	char *snapshot_path;
	char *created_text;            /* "2026-12-04T12:00:00Z" */
	char *valid_until_text;
	int64_t created;
	int64_t valid_until;
	struct plan_item *items;       /* in plan.json order */
	size_t count;
};

enum plan_read_status {
	PLAN_READ_OK,
	PLAN_READ_CANNOT_OPEN,   /* a file is missing or unreadable */
	PLAN_READ_INVALID,       /* malformed, or the files do not match */
};

/*
 * U+FEFF in UTF-8, a byte order mark that editors on Windows may put at
 * the start of a file they save. It is accepted at the start of plan.md,
 * which cmark-gfm reads as if it were not there, and of plan.json, as
 * RFC 8259 allows a parser to.
 */
#define PLAN_UTF8_BOM "\xEF\xBB\xBF"

/* Largest plan file read. A plan.md of 62 actions is about 20 KB. */
#define PLAN_FILE_MAX (64u << 20)

/*
 * Read the plan whose Markdown file is `md_path` and whose JSON file is
 * plan_json_path_for(md_path). Every problem found is appended to
 * `problems` as one line ("plan.md:17: ..."), up to a limit, so that a
 * person can fix them all in one pass. Returns PLAN_READ_OK only when
 * there is none. `plan` is always initialised and must be released.
 */
enum plan_read_status plan_file_read(struct plan_file *plan,
				     const char *md_path,
				     struct buf *problems);
void plan_file_release(struct plan_file *plan);

/*
 * The JSON file of a plan: `md_path` with ".md" replaced by ".json".
 * Returns NULL when `md_path` does not end in ".md". The caller frees.
 */
char *plan_json_path_for(const char *md_path);

/* Return 1 when the action is ticked in plan.md or approved in plan.json. */
int plan_item_approved(const struct plan_item *item);

#endif
