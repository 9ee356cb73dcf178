#ifndef CREDAUDIT_PLAN_DIGEST_H
#define CREDAUDIT_PLAN_DIGEST_H

#include <jansson.h>

#include "buf.h"

/*
 * The plan digest: "sha256:" and the SHA-256, in lowercase hex, of
 * plan.json in a canonical form. plan.md carries the digest, so a
 * signature over plan.md covers plan.json too, and plan.json cannot be
 * changed without plan.md showing it.
 *
 * The canonical form is jansson's compact dump with keys sorted, after
 * every action's "approved" is set to false and "snapshot"."path" is
 * removed: approving in plan.json does not change the digest, and neither
 * do indentation, key order or where the snapshot was read.
 */
#define PLAN_DIGEST_MAX 72

/* Fill `out` with the digest of `root`, which is not changed. Returns 0,
   or -1 with a reason appended to `err`. */
int plan_digest_compute(const json_t *root, char out[PLAN_DIGEST_MAX],
			struct buf *err);

#endif
