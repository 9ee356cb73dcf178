#ifndef CREDAUDIT_RENDER_H
#define CREDAUDIT_RENDER_H

#include <stdio.h>

#include "buf.h"
#include "model.h"
#include "plan.h"
#include "policy.h"

struct journal;

/*
 * Renderers read the model and write one output each. They never change
 * the model. Each returns 0, or -1 with a one-line reason in `err`; the
 * caller writes into a temporary file and renames it only on success.
 */
struct render_context {
	const struct model *model;
	const struct policy *policy;
	const struct plan *plan;
	const char *template_dir;   /* NULL: the templates built into the binary */
	const char *tool_version;
	/* The apply journal found in the output folder, or NULL: credentials
	   that it records as done are marked in the HTML and Markdown. */
	const struct journal *journal;
};

int render_html(const struct render_context *ctx, FILE *out, struct buf *err);
int render_markdown(const struct render_context *ctx, FILE *out,
		    struct buf *err);
int render_json(const struct render_context *ctx, FILE *out, struct buf *err);
int render_plan_markdown(const struct render_context *ctx, FILE *out,
			 struct buf *err);
int render_plan_json(const struct render_context *ctx, FILE *out,
		     struct buf *err);

/* Versions of the libraries in use, as "SQLite 3.40.1, libxml2 2.9.14, ..." */
void render_library_versions(const struct render_context *ctx,
			     struct buf *out);

#endif
