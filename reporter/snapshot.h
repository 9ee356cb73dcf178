#ifndef CREDAUDIT_SNAPSHOT_H
#define CREDAUDIT_SNAPSHOT_H

#include "buf.h"
#include "gpgkey.h"
#include "gpgpool.h"
#include "model.h"

/* Why a snapshot could not be read; main() maps each to an exit code. */
enum snapshot_status {
	SNAPSHOT_OK,
	SNAPSHOT_CANNOT_OPEN,     /* missing, a directory, unreadable, locked */
	SNAPSHOT_NOT_SNAPSHOT,    /* not SQLite, or no credential tables */
	SNAPSHOT_FAILED,          /* a query failed midway */
	SNAPSHOT_GNUPG_FAILED,    /* GnuPG stopped working while reading keys */
	SNAPSHOT_STOPPED,         /* the consumer of the stream failed */
};

struct snapshot_options {
	int inspect_gpg;          /* 0: GPG keys are read but not inspected */
	const char *cache_dir;    /* folder of the GPG key cache, or NULL */
};

/* An open snapshot whose credentials have not been read yet. */
struct snapshot;

/*
 * Open the snapshot at `path` (read-only, never created) and read into
 * `model`, whose `now` must be set, what the credentials refer to: the
 * owners with their verified addresses, the bot users' projects and
 * groups, and which tables and columns exist. With opts->inspect_gpg,
 * threads start inspecting the GPG keys ahead of the stream
 * (gpgpool.h). On failure `err` holds one line that names the file and
 * what to do.
 */
enum snapshot_status snapshot_open(struct snapshot **out, const char *path,
				   struct model *model,
				   const struct snapshot_options *opts,
				   struct buf *err);

/*
 * Called with each credential, filled but without findings. The
 * credential is released after the call returns. Return 0, or -1 with a
 * reason appended to `err` to stop the stream.
 */
typedef int snapshot_row_fn(void *arg, struct credential *cred,
			    struct buf *err);

/*
 * Read every credential once, in table order (tokens, then SSH and deploy
 * keys, then GPG keys) and by id within a table, and hand each to `fn`.
 * SSH keys are parsed here and GPG keys come inspected, and the tables
 * and columns the snapshot lacks go into model->missing. At the end,
 * model->snapshot_digest is set, and one warning names the rules that
 * skipped credentials for lack of them (policy_warn_not_checked()), as
 * model_count() recorded them from each credential that `fn` counted.
 */
enum snapshot_status snapshot_stream(struct snapshot *snap, snapshot_row_fn *fn,
				     void *arg, struct buf *err);

/*
 * Wait for the integrity check that snapshot_open() started: SQLite's
 * PRAGMA quick_check of the tables read, or of the whole file when one
 * of them is a view. Returns SNAPSHOT_NOT_SNAPSHOT, with the first
 * problem that SQLite reports in `err`, when the file is damaged. Call it
 * after snapshot_stream() and before the outputs are committed, because
 * a damaged page can hide rows without any error while they are read.
 */
enum snapshot_status snapshot_verify(struct snapshot *snap, struct buf *err);

/* Counters of the GPG key inspection so far (zero without it). */
void snapshot_gpg_stats(struct snapshot *snap, struct gpg_pool_stats *out);
/* Stop the inspection threads and close the file. Accepts NULL. */
void snapshot_close(struct snapshot *snap);

/*
 * Return 1 when the SQLite file `path` is in WAL mode: bytes 18 and 19 of
 * its header, the file format write and read versions, are 2.
 */
int snapshot_is_wal(const char *path);
/*
 * Return 1 when the SQLite file `path` is in WAL mode and has no -wal
 * file: no connection writes it, so it can be read as immutable.
 */
int snapshot_wal_without_file(const char *path);
/*
 * Return, allocated, the name that makes SQLite open the file `path`:
 * "./" is put before a relative "file:NAME", which SQLite may take for a
 * URI.
 */
char *snapshot_file_name(const char *path);
/* Append the URI that opens `path` as immutable, with % ? # escaped. */
void snapshot_immutable_uri(struct buf *out, const char *path);

/*
 * Read the whole snapshot for its digest only (model->snapshot_digest),
 * without inspecting GPG keys and without keeping credentials, and check
 * its integrity as snapshot_verify() does. `gpg` is not used.
 */
enum snapshot_status snapshot_load(const char *path, struct model *model,
				   struct gpg_session *gpg, struct buf *err);

#endif
