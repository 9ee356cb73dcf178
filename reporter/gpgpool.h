#ifndef CREDAUDIT_GPGPOOL_H
#define CREDAUDIT_GPGPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "gpgkey.h"

/*
 * GPG key inspection for a whole snapshot, ahead of the reader that needs
 * the results and spread over worker threads.
 *
 * A feeder thread reads the gpg_keys rows (id and key) through its own
 * read-only connection to the snapshot, in id order, and looks each key
 * up in the cache (keycache.h). Keys not found are joined in batches,
 * which GPG_POOL_WORKERS threads inspect with gpg_key_inspect_batch(),
 * each in its own GnuPG session, storing the results in the cache. The
 * results are put back in row order, and gpg_pool_next() hands them out
 * one by one. The feeder stays at most GPG_POOL_WINDOW keys ahead of the
 * consumer, which bounds memory whatever the number of keys. With a
 * cache, a warmer thread reads all keys from the start and has the
 * workers inspect the missing ones into the cache, so GnuPG works while
 * the consumer is still on other tables.
 */
#define GPG_POOL_WORKERS 2
#define GPG_POOL_WINDOW 4096
#define GPG_POOL_BATCH 256

struct gpg_pool;

struct gpg_pool_options {
	const char *snapshot_path;   /* for messages */
	const char *open_name;       /* what the feeder gives sqlite3_open_v2() */
	int open_flags;              /* read-only flags, SQLITE_OPEN_URI or not */
	int read_rows;               /* 0: the snapshot has no usable gpg_keys */
	int64_t now;
	const char *cache_dir;       /* NULL: no cache */
};

/* The inspection of one gpg_keys row, in row order. */
struct gpg_pool_result {
	int64_t id;                  /* gpg_keys.id */
	unsigned char digest[32];    /* SHA-256 of the key text */
	struct gpg_key_info info;    /* the caller releases it */
	int from_cache;
};

/* Counters for progress and the closing note; read them at any time. */
struct gpg_pool_stats {
	size_t rows;                 /* results handed out so far */
	size_t from_cache;
	size_t inspected;            /* by GnuPG in this run */
	struct gpg_batch_stats batches;
	size_t cache_damaged;        /* cache entries that failed their check */
};

/*
 * Start GnuPG sessions for the workers and the threads. The GnuPG
 * version is known from here on. Returns 0, or -1 with a reason in `err`
 * when GnuPG cannot be started.
 */
int gpg_pool_start(struct gpg_pool **out, const struct gpg_pool_options *opts,
		   struct buf *err);
/*
 * Wait for the result of the next row. Returns 1 and fills `out`, 0 when
 * every row was handed out, or -1 with a reason in `err` when the feeder
 * could not read the snapshot.
 */
int gpg_pool_next(struct gpg_pool *pool, struct gpg_pool_result *out,
		  struct buf *err);
/*
 * Inspect one key in the calling thread, for a row that the feeder read
 * differently (the snapshot changed under it). Returns as
 * gpg_key_inspect() does.
 */
int gpg_pool_inspect_now(struct gpg_pool *pool, const char *armor, size_t len,
			 struct gpg_key_info *out);
void gpg_pool_get_stats(struct gpg_pool *pool, struct gpg_pool_stats *out);
const char *gpg_pool_engine_version(const struct gpg_pool *pool);
/* Stop the threads, end the GnuPG sessions and free the pool. Accepts NULL. */
void gpg_pool_stop(struct gpg_pool *pool);

#endif
