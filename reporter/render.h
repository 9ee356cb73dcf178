#ifndef CREDAUDIT_RENDER_H
#define CREDAUDIT_RENDER_H

#include <stdio.h>

#include "buf.h"
#include "model.h"
#include "plan.h"
#include "policy.h"

struct journal;
struct journal_entry;

/*
 * The outputs of a report. Those that list every credential are sinks:
 * they take the credentials one at a time as the snapshot is read and
 * keep at most a page of them (report.json, credentials.csv, the
 * inventory pages, plan.md and plan.json). report.html and report.md
 * are the overview, written at the end from the model alone.
 */

/* Rows of one inventory page, and the folder of the pages. */
#define INVENTORY_PAGE_ROWS 1000
#define INVENTORY_DIR "inventory"

/* Credentials that `credaudit apply` carried out, from its journal. */
struct done_index;

struct render_context {
	const struct model *model;
	const struct policy *policy;
	const struct plan *plan;    /* its counts are final at the end */
	const char *template_dir;   /* NULL: the templates built into the binary */
	const char *tool_version;
	/* The owners digest (owner_digest.h) of the plan's actions, set when
	   the stream has ended; plan.json records it. */
	const char *owners_digest;
	/* What the apply journal in the output folder records as done, or
	   NULL: such credentials are marked in the HTML and Markdown. */
	const struct done_index *done;
	/* Inventory pages of each kind, set when the stream has ended. */
	size_t pages[KIND_COUNT];
	/* The first and last id on each of those pages, or NULL when a kind
	   has no page; freed by render_context_free_pages(). */
	struct page_ids *page_ids[KIND_COUNT];
};

/* The ids of the first and last row of an inventory page. */
struct page_ids {
	int64_t first;
	int64_t last;
};

/*
 * An output fed one credential at a time. credential() receives each
 * credential with its findings and the plan's decision, in stream order;
 * end() finishes the output once the stream has ended and the model is
 * complete. Both return 0, or -1 with a one-line reason in `err`.
 * free() releases the sink whether or not it ended.
 */
struct sink {
	const char *name;           /* the output, for messages */
	int (*credential)(struct sink *sink, const struct credential *cred,
			  const struct plan_decision *decision,
			  struct buf *err);
	int (*end)(struct sink *sink, struct buf *err);
	void (*free)(struct sink *sink);
};

/* report.json, streamed into `out` (docs/report-json.md). */
struct sink *render_json_sink(const struct render_context *ctx, FILE *out);
/*
 * credentials.csv (docs/report-csv.md). Its values are those of
 * report.json, from the same walk over each credential
 * (render_members.h).
 */
struct sink *render_csv_sink(const struct render_context *ctx, FILE *out);
/*
 * The inventory pages, written into folder `dir`, which exists. Returns
 * NULL with a reason in `err` when the template cannot be used.
 */
struct sink *render_inventory_sink(const struct render_context *ctx,
				   const char *dir, struct buf *err);
/*
 * Set the pages of each kind that the inventory sink wrote in `ctx`, and
 * move their ids there from the sink.
 */
void render_inventory_pages(struct sink *inventory,
			    struct render_context *ctx);
/* Free what render_inventory_pages() put in `ctx`. */
void render_context_free_pages(struct render_context *ctx);
/*
 * plan.md and plan.json. Parts that come later in the files than they
 * are produced wait in unlinked temporary files in `spool_dir`. NULL
 * with a reason in `err` when those cannot be created.
 */
struct sink *render_plan_sink(const struct render_context *ctx, FILE *md,
			      FILE *json, const char *spool_dir,
			      struct buf *err);

/* The overview pages, from the model once the stream has ended. */
int render_html(const struct render_context *ctx, FILE *out, struct buf *err);
int render_markdown(const struct render_context *ctx, FILE *out,
		    struct buf *err);

/* Versions of the libraries in use, as "SQLite 3.40.1, libxml2 2.9.14, ..." */
void render_library_versions(const struct render_context *ctx,
			     struct buf *out);

/* Index the entries of `journal` that record a credential as done. */
struct done_index *done_index_build(const struct journal *journal);
/* The last such entry for credential `kind` `id`, or NULL. */
const struct journal_entry *done_index_find(const struct done_index *index,
					    enum cred_kind kind, int64_t id);
void done_index_free(struct done_index *index);

/* The inventory page (from 1) of the `row`th credential of a kind (from 0). */
size_t inventory_page(size_t row);
/* Append "inventory/<kind>-NNNN.html", or the bare file name when !with_dir. */
void inventory_page_name(struct buf *out, enum cred_kind kind, size_t page,
			 int with_dir);

#endif
