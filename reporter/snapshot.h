#ifndef CREDAUDIT_SNAPSHOT_H
#define CREDAUDIT_SNAPSHOT_H

#include "buf.h"
#include "gpgkey.h"
#include "model.h"

/* Why a snapshot could not be read; main() maps each to an exit code. */
enum snapshot_status {
	SNAPSHOT_OK,
	SNAPSHOT_CANNOT_OPEN,     /* missing, a directory, unreadable, locked */
	SNAPSHOT_NOT_SNAPSHOT,    /* not SQLite, or no credential tables */
	SNAPSHOT_FAILED,          /* a query failed midway */
	SNAPSHOT_GNUPG_FAILED,    /* GnuPG stopped working while reading keys */
};

/*
 * Read the snapshot at `path` (opened read-only, never created) into
 * `model`, whose `now` must be set. SSH keys are parsed here and GPG keys
 * inspected through `gpg`. On failure `err` holds one line that names the
 * file and what to do.
 */
enum snapshot_status snapshot_load(const char *path, struct model *model,
				   struct gpg_session *gpg, struct buf *err);

#endif
