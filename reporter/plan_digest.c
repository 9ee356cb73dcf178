#include "plan_digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

int plan_digest_compute(const json_t *root, char out[PLAN_DIGEST_MAX],
			struct buf *err)
{
	json_t *copy, *actions, *action;
	unsigned char hash[32];
	char *text = NULL;
	size_t i;
	int ret = -1;

	copy = json_deep_copy(root);
	if (!copy) {
		buf_adds(err, "cannot copy the plan to compute its digest: out of memory");
		return -1;
	}
	/* The snapshot's path is only information, so a copy of the same
	   snapshot elsewhere gives the same plan. */
	json_object_del(json_object_get(copy, "snapshot"), "path");
	actions = json_object_get(copy, "actions");
	json_array_foreach(actions, i, action) {
		if (json_is_object(action) &&
		    json_object_set_new(action, "approved", json_false()) < 0) {
			buf_adds(err, "cannot compute the plan digest: out of memory");
			goto out;
		}
	}
	text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text) {
		buf_adds(err, "cannot compute the plan digest: out of memory");
		goto out;
	}
	gcry_md_hash_buffer(GCRY_MD_SHA256, hash, text, strlen(text));
	memcpy(out, "sha256:", 7);
	for (i = 0; i < sizeof(hash); i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", hash[i]);
	ret = 0;
out:
	free(text);
	json_decref(copy);
	return ret;
}
