#include "gpgpool.h"

#include <gcrypt.h>
#include <pthread.h>
#include <stdint.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "embedded.h"
#include "keycache.h"

/* A key that the feeder did not find in the cache. */
struct pending_key {
	size_t seq;                 /* row number in id order */
	char *armor;
	size_t len;
	unsigned char digest[32];
};

struct batch {
	struct pending_key keys[GPG_POOL_BATCH];
	size_t count;
	int warming;                /* results only go to the cache */
	struct batch *next;
};

/* Batches of the warmer that may be queued or inspected at once. */
#define WARM_BATCHES_MAX 4

/* The result of row `seq` waits in slots[seq % GPG_POOL_WINDOW]. */
struct slot {
	int ready;
	struct gpg_pool_result result;
};

struct worker_arg {
	struct gpg_pool *pool;
	struct gpg_session *session;
};

struct gpg_pool {
	struct gpg_pool_options opts;
	char *snapshot_path;
	char *open_name;
	char *cache_dir;
	const char *gnupg_version;         /* of sessions[0] */
	struct worker_arg worker_args[GPG_POOL_WORKERS];

	struct gpg_session *sessions[GPG_POOL_WORKERS];
	struct gpg_session *own_session;   /* for gpg_pool_inspect_now() */
	pthread_t feeder;
	pthread_t warmer;
	pthread_t workers[GPG_POOL_WORKERS];
	int threads_started;
	int warm;                   /* a warmer fills the cache ahead */

	/* Everything below is shared and guarded by `lock`. */
	pthread_mutex_t lock;
	pthread_cond_t changed;   /* broadcast on every change of the state */
	struct slot *slots;
	size_t consumed;          /* rows handed out */
	size_t produced;          /* rows read by the feeder */
	int feeder_done;
	char *feeder_error;       /* set when the feeder failed */
	struct batch *queue_head, *queue_tail;
	int stopping;
	struct gpg_pool_stats stats;

	/*
	 * The warmer reads every row ahead and inspects what the cache lacks,
	 * storing the results there. Rows before `warm_frontier` are then in
	 * the cache, or were inspected already when the warmer failed.
	 */
	size_t warm_scanned;        /* rows the warmer has read */
	size_t warm_pending_first;  /* first row of its unqueued batch, or
				       SIZE_MAX */
	struct batch *warm_outstanding[WARM_BATCHES_MAX];
	size_t warm_outstanding_count;
	int warm_done;              /* every row is before the frontier */
};

/* ---------------------------------------------------------------- feeder */

/* Append `batch` to the workers' queue; the caller holds the lock. */
static void enqueue(struct gpg_pool *pool, struct batch *batch)
{
	batch->next = NULL;
	if (pool->queue_tail)
		pool->queue_tail->next = batch;
	else
		pool->queue_head = batch;
	pool->queue_tail = batch;
	pthread_cond_broadcast(&pool->changed);
}

static void push_batch(struct gpg_pool *pool, struct batch **current)
{
	struct batch *batch = *current;

	*current = NULL;
	if (!batch)
		return;
	pthread_mutex_lock(&pool->lock);
	enqueue(pool, batch);
	pthread_mutex_unlock(&pool->lock);
}

/* The first row that may not be in the cache yet; the caller holds the lock. */
static size_t warm_frontier(const struct gpg_pool *pool)
{
	size_t frontier = pool->warm_scanned, i;

	if (pool->warm_done)
		return SIZE_MAX;
	if (pool->warm_pending_first < frontier)
		frontier = pool->warm_pending_first;
	for (i = 0; i < pool->warm_outstanding_count; i++)
		if (pool->warm_outstanding[i]->keys[0].seq < frontier)
			frontier = pool->warm_outstanding[i]->keys[0].seq;
	return frontier;
}

/*
 * Wait until row `seq` fits in the window. The partial batch goes to the
 * workers first: the consumer may be waiting for a row in it.
 */
static int wait_for_room(struct gpg_pool *pool, size_t seq,
			 struct batch **current)
{
	int stopping;

	pthread_mutex_lock(&pool->lock);
	if (seq >= pool->consumed + GPG_POOL_WINDOW) {
		pthread_mutex_unlock(&pool->lock);
		push_batch(pool, current);
		pthread_mutex_lock(&pool->lock);
	}
	while (seq >= pool->consumed + GPG_POOL_WINDOW && !pool->stopping)
		pthread_cond_wait(&pool->changed, &pool->lock);
	stopping = pool->stopping;
	pthread_mutex_unlock(&pool->lock);
	return stopping ? -1 : 0;
}

static void feeder_failed(struct gpg_pool *pool, sqlite3 *db, const char *what)
{
	struct buf message = BUF_INIT;

	buf_addf(&message, "reading GPG keys from snapshot '%s' failed in %s: %s",
		 pool->snapshot_path, what,
		 db ? sqlite3_errmsg(db) : "cannot open the file");
	pthread_mutex_lock(&pool->lock);
	pool->feeder_error = buf_detach(&message, NULL);
	pthread_cond_broadcast(&pool->changed);
	pthread_mutex_unlock(&pool->lock);
}

static void *feeder_main(void *arg)
{
	struct gpg_pool *pool = arg;
	const struct embedded_file *query = embedded_file("gpg_key_texts.sql");
	struct keycache *cache = NULL;
	struct batch *current = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t seq = 0;
	int rc = SQLITE_DONE;

	if (!pool->opts.read_rows)
		goto done;
	if (sqlite3_open_v2(pool->open_name, &db,
			    (pool->opts.open_flags ? pool->opts.open_flags
						   : SQLITE_OPEN_READONLY) |
			    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		feeder_failed(pool, db, "opening");
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	/* One pass over gpg_keys in order needs no large page cache. */
	sqlite3_exec(db, "PRAGMA cache_size = -256", NULL, NULL, NULL);
	if (!query || sqlite3_prepare_v2(db, query->data, -1, &stmt, NULL) != SQLITE_OK) {
		feeder_failed(pool, db, "gpg_key_texts.sql");
		goto out;
	}
	if (pool->cache_dir)
		cache = keycache_open(pool->cache_dir, pool->gnupg_version);

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(stmt, 1);
		size_t len = (size_t)sqlite3_column_bytes(stmt, 1);
		struct slot *slot = &pool->slots[seq % GPG_POOL_WINDOW];
		struct gpg_key_info info;
		unsigned char digest[32];

		if (wait_for_room(pool, seq, &current) < 0)
			goto out;
		if (pool->warm) {
			pthread_mutex_lock(&pool->lock);
			while (seq >= warm_frontier(pool) && !pool->stopping)
				pthread_cond_wait(&pool->changed, &pool->lock);
			pthread_mutex_unlock(&pool->lock);
		}
		gcry_md_hash_buffer(GCRY_MD_SHA256, digest, text ? text : "", len);

		/* The slot is free: the consumer took row seq - WINDOW. */
		slot->result.id = sqlite3_column_int64(stmt, 0);
		memcpy(slot->result.digest, digest, sizeof(digest));
		if (cache && keycache_get(cache, digest, pool->opts.now, &info)) {
			pthread_mutex_lock(&pool->lock);
			slot->result.info = info;
			slot->result.from_cache = 1;
			slot->ready = 1;
			/* With a warmer, the warmer counts what the cache had. */
			if (!pool->warm)
				pool->stats.from_cache++;
			pool->produced = seq + 1;
			pthread_cond_broadcast(&pool->changed);
			pthread_mutex_unlock(&pool->lock);
		} else {
			struct pending_key *key;

			if (!current)
				current = xcalloc(1, sizeof(*current));
			key = &current->keys[current->count++];
			key->seq = seq;
			key->armor = xstrndup(text ? text : "", len);
			key->len = len;
			memcpy(key->digest, digest, sizeof(digest));
			pthread_mutex_lock(&pool->lock);
			slot->result.from_cache = 0;
			pool->produced = seq + 1;
			pthread_mutex_unlock(&pool->lock);
			if (current->count == GPG_POOL_BATCH)
				push_batch(pool, &current);
		}
		seq++;
	}
	if (rc != SQLITE_DONE) {
		feeder_failed(pool, db, "gpg_key_texts.sql");
		goto out;
	}
	push_batch(pool, &current);
done:
	pthread_mutex_lock(&pool->lock);
	pool->feeder_done = 1;
	pool->stats.cache_damaged += keycache_damaged(cache);
	pthread_cond_broadcast(&pool->changed);
	pthread_mutex_unlock(&pool->lock);
out:
	if (current) {
		size_t i;

		for (i = 0; i < current->count; i++)
			free(current->keys[i].armor);
		free(current);
	}
	keycache_close(cache);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return NULL;
}

/* ---------------------------------------------------------------- warmer */

/* Queue the warmer's batch, waiting while too many are outstanding. */
static int push_warm_batch(struct gpg_pool *pool, struct batch **current)
{
	struct batch *batch = *current;
	int stopping;

	*current = NULL;
	pthread_mutex_lock(&pool->lock);
	while (pool->warm_outstanding_count == WARM_BATCHES_MAX &&
	       !pool->stopping)
		pthread_cond_wait(&pool->changed, &pool->lock);
	stopping = pool->stopping;
	if (!stopping && batch) {
		pool->warm_outstanding[pool->warm_outstanding_count++] = batch;
		pool->warm_pending_first = SIZE_MAX;
		enqueue(pool, batch);
	}
	pthread_mutex_unlock(&pool->lock);
	if (stopping && batch) {
		size_t i;

		for (i = 0; i < batch->count; i++)
			free(batch->keys[i].armor);
		free(batch);
	}
	return stopping ? -1 : 0;
}

/*
 * Read every key ahead of the feeder and have the workers inspect those
 * the cache lacks, into the cache only. The feeder, which keeps at most
 * GPG_POOL_WINDOW results in memory, then finds them there, so GnuPG
 * works through all keys while the report reads the other tables.
 */
static void *warmer_main(void *arg)
{
	struct gpg_pool *pool = arg;
	const struct embedded_file *query = embedded_file("gpg_key_texts.sql");
	struct keycache *cache = keycache_open(pool->cache_dir,
					       pool->gnupg_version);
	struct batch *current = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t seq = 0, hits = 0;

	if (!cache || !query ||
	    sqlite3_open_v2(pool->open_name, &db,
			    (pool->opts.open_flags ? pool->opts.open_flags
						   : SQLITE_OPEN_READONLY) |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, query->data, -1, &stmt, NULL) != SQLITE_OK)
		goto out;   /* the feeder inspects what the cache lacks */
	sqlite3_busy_timeout(db, 5000);
	/* One pass over gpg_keys in order needs no large page cache. */
	sqlite3_exec(db, "PRAGMA cache_size = -256", NULL, NULL, NULL);

	while (sqlite3_step(stmt) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(stmt, 1);
		size_t len = (size_t)sqlite3_column_bytes(stmt, 1);
		struct gpg_key_info info;
		unsigned char digest[32];

		gcry_md_hash_buffer(GCRY_MD_SHA256, digest, text ? text : "", len);
		if (keycache_get(cache, digest, pool->opts.now, &info)) {
			gpg_key_info_release(&info);
			hits++;
		} else {
			struct pending_key *key;

			if (!current) {
				current = xcalloc(1, sizeof(*current));
				current->warming = 1;
			}
			key = &current->keys[current->count++];
			key->seq = seq;
			key->armor = xstrndup(text ? text : "", len);
			key->len = len;
			memcpy(key->digest, digest, sizeof(digest));
		}
		pthread_mutex_lock(&pool->lock);
		if (current && current->count == 1)
			pool->warm_pending_first = seq;
		pool->warm_scanned = ++seq;
		pthread_cond_broadcast(&pool->changed);
		pthread_mutex_unlock(&pool->lock);
		if (current && current->count == GPG_POOL_BATCH &&
		    push_warm_batch(pool, &current) < 0)
			goto out;
	}
	if (current && push_warm_batch(pool, &current) < 0)
		goto out;
	/* Wait for the workers to finish the last batches. */
	pthread_mutex_lock(&pool->lock);
	while (pool->warm_outstanding_count && !pool->stopping)
		pthread_cond_wait(&pool->changed, &pool->lock);
	pthread_mutex_unlock(&pool->lock);
out:
	pthread_mutex_lock(&pool->lock);
	/* On any failure the feeder goes on alone, from the cache or GnuPG. */
	pool->warm_done = 1;
	pool->stats.from_cache += hits;
	pool->stats.cache_damaged += keycache_damaged(cache);
	pthread_cond_broadcast(&pool->changed);
	pthread_mutex_unlock(&pool->lock);
	if (current) {
		size_t i;

		for (i = 0; i < current->count; i++)
			free(current->keys[i].armor);
		free(current);
	}
	keycache_close(cache);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return NULL;
}

/* --------------------------------------------------------------- workers */

static struct batch *take_batch(struct gpg_pool *pool)
{
	struct batch *batch = NULL;

	pthread_mutex_lock(&pool->lock);
	while (!pool->queue_head && !pool->stopping &&
	       ((!pool->feeder_done && !pool->feeder_error) ||
		(pool->warm && !pool->warm_done)))
		pthread_cond_wait(&pool->changed, &pool->lock);
	if (pool->queue_head && !pool->stopping) {
		batch = pool->queue_head;
		pool->queue_head = batch->next;
		if (!pool->queue_head)
			pool->queue_tail = NULL;
	}
	pthread_mutex_unlock(&pool->lock);
	return batch;
}

static void *worker_main(void *arg)
{
	struct worker_arg *worker = arg;
	struct gpg_pool *pool = worker->pool;
	struct keycache *cache = NULL;
	struct batch *batch;

	if (pool->cache_dir)
		cache = keycache_open(pool->cache_dir, pool->gnupg_version);
	while ((batch = take_batch(pool))) {
		const char *armors[GPG_POOL_BATCH];
		size_t lens[GPG_POOL_BATCH];
		struct gpg_key_info infos[GPG_POOL_BATCH];
		struct gpg_batch_stats stats = { 0, 0, 0 };
		size_t i;

		for (i = 0; i < batch->count; i++) {
			armors[i] = batch->keys[i].armor;
			lens[i] = batch->keys[i].len;
		}
		gpg_key_inspect_batch(worker->session, armors, lens, batch->count,
				      pool->opts.now, infos, &stats);
		if (cache) {
			keycache_begin(cache);
			for (i = 0; i < batch->count; i++)
				keycache_put(cache, batch->keys[i].digest, &infos[i]);
			keycache_commit(cache);
		}

		pthread_mutex_lock(&pool->lock);
		for (i = 0; i < batch->count && !batch->warming; i++) {
			struct slot *slot = &pool->slots[batch->keys[i].seq %
							 GPG_POOL_WINDOW];

			slot->result.info = infos[i];
			slot->ready = 1;
		}
		if (batch->warming) {
			size_t k;

			for (i = 0; i < batch->count; i++)
				gpg_key_info_release(&infos[i]);
			for (k = 0; k < pool->warm_outstanding_count; k++)
				if (pool->warm_outstanding[k] == batch)
					pool->warm_outstanding[k] =
						pool->warm_outstanding[--pool->warm_outstanding_count];
		}
		pool->stats.inspected += batch->count;
		pool->stats.batches.listed_together += stats.listed_together;
		pool->stats.batches.listed_alone += stats.listed_alone;
		pool->stats.batches.batches_redone += stats.batches_redone;
		pthread_cond_broadcast(&pool->changed);
		pthread_mutex_unlock(&pool->lock);

		for (i = 0; i < batch->count; i++)
			free(batch->keys[i].armor);
		free(batch);
	}
	if (cache) {
		pthread_mutex_lock(&pool->lock);
		pool->stats.cache_damaged += keycache_damaged(cache);
		pthread_mutex_unlock(&pool->lock);
	}
	keycache_close(cache);
	return NULL;
}

/* ------------------------------------------------------------------ API */

/* Threads block every signal but faults, so handlers run in the main thread. */
static int start_threads(struct gpg_pool *pool, struct buf *err)
{
	sigset_t all, saved;
	int i, rc;

	cleanup_worker_signals(&all);
	pthread_sigmask(SIG_BLOCK, &all, &saved);
	rc = pthread_create(&pool->feeder, NULL, feeder_main, pool);
	if (!rc && pool->warm) {
		rc = pthread_create(&pool->warmer, NULL, warmer_main, pool);
		if (rc) {
			pthread_mutex_lock(&pool->lock);
			pool->stopping = 1;
			pthread_cond_broadcast(&pool->changed);
			pthread_mutex_unlock(&pool->lock);
			pthread_join(pool->feeder, NULL);
		}
	}
	for (i = 0; !rc && i < GPG_POOL_WORKERS; i++) {
		pool->worker_args[i].pool = pool;
		pool->worker_args[i].session = pool->sessions[i];
		rc = pthread_create(&pool->workers[i], NULL, worker_main,
				    &pool->worker_args[i]);
		if (rc) {
			/* Stop the ones that started. */
			pthread_mutex_lock(&pool->lock);
			pool->stopping = 1;
			pthread_cond_broadcast(&pool->changed);
			pthread_mutex_unlock(&pool->lock);
			pthread_join(pool->feeder, NULL);
			if (pool->warm)
				pthread_join(pool->warmer, NULL);
			while (i-- > 0)
				pthread_join(pool->workers[i], NULL);
		}
	}
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc) {
		buf_addf(err, "cannot start the threads that inspect GPG keys: %s",
			 strerror(rc));
		return -1;
	}
	pool->threads_started = 1;
	return 0;
}

int gpg_pool_start(struct gpg_pool **out, const struct gpg_pool_options *opts,
		   struct buf *err)
{
	struct gpg_pool *pool = xcalloc(1, sizeof(*pool));
	int i;

	*out = NULL;
	pool->opts = *opts;
	pool->snapshot_path = xstrdup(opts->snapshot_path);
	pool->open_name = xstrdup(opts->open_name ? opts->open_name
						  : opts->snapshot_path);
	pool->cache_dir = opts->cache_dir ? xstrdup(opts->cache_dir) : NULL;
	pool->slots = xcalloc(GPG_POOL_WINDOW, sizeof(*pool->slots));
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->changed, NULL);

	for (i = 0; i < GPG_POOL_WORKERS; i++)
		if (gpg_session_begin(&pool->sessions[i], err) < 0)
			goto failed;
	pool->gnupg_version = gpg_session_engine_version(pool->sessions[0]);
	pool->warm_pending_first = SIZE_MAX;
	/* The warmer needs a cache that opens; else the feeder does it all. */
	if (pool->cache_dir && opts->read_rows) {
		struct keycache *probe = keycache_open(pool->cache_dir,
						       pool->gnupg_version);

		pool->warm = probe != NULL;
		keycache_close(probe);
	}
	if (start_threads(pool, err) < 0)
		goto failed;
	*out = pool;
	return 0;
failed:
	gpg_pool_stop(pool);
	return -1;
}

int gpg_pool_next(struct gpg_pool *pool, struct gpg_pool_result *out,
		  struct buf *err)
{
	int ret;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		struct slot *slot = &pool->slots[pool->consumed % GPG_POOL_WINDOW];

		if (pool->consumed < pool->produced && slot->ready) {
			*out = slot->result;
			memset(slot, 0, sizeof(*slot));
			pool->consumed++;
			pool->stats.rows++;
			pthread_cond_broadcast(&pool->changed);
			ret = 1;
			break;
		}
		if (pool->consumed == pool->produced && pool->feeder_error) {
			buf_adds(err, pool->feeder_error);
			ret = -1;
			break;
		}
		if (pool->consumed == pool->produced && pool->feeder_done) {
			ret = 0;
			break;
		}
		pthread_cond_wait(&pool->changed, &pool->lock);
	}
	pthread_mutex_unlock(&pool->lock);
	return ret;
}

int gpg_pool_inspect_now(struct gpg_pool *pool, const char *armor, size_t len,
			 struct gpg_key_info *out)
{
	struct buf err = BUF_INIT;

	if (!pool->own_session && gpg_session_begin(&pool->own_session, &err) < 0) {
		memset(out, 0, sizeof(*out));
		out->result = GPG_ENGINE_ERROR;
		snprintf(out->error, sizeof(out->error), "%s", err.data);
		buf_release(&err);
		return -1;
	}
	buf_release(&err);
	return gpg_key_inspect(pool->own_session, armor, len, pool->opts.now, out);
}

void gpg_pool_get_stats(struct gpg_pool *pool, struct gpg_pool_stats *out)
{
	pthread_mutex_lock(&pool->lock);
	*out = pool->stats;
	pthread_mutex_unlock(&pool->lock);
}

const char *gpg_pool_engine_version(const struct gpg_pool *pool)
{
	return pool->gnupg_version;
}

void gpg_pool_stop(struct gpg_pool *pool)
{
	struct batch *batch;
	size_t i;

	if (!pool)
		return;
	if (pool->threads_started) {
		pthread_mutex_lock(&pool->lock);
		pool->stopping = 1;
		pthread_cond_broadcast(&pool->changed);
		pthread_mutex_unlock(&pool->lock);
		pthread_join(pool->feeder, NULL);
		if (pool->warm)
			pthread_join(pool->warmer, NULL);
		for (i = 0; i < GPG_POOL_WORKERS; i++)
			pthread_join(pool->workers[i], NULL);
	}
	while ((batch = pool->queue_head)) {
		pool->queue_head = batch->next;
		for (i = 0; i < batch->count; i++)
			free(batch->keys[i].armor);
		free(batch);
	}
	for (i = 0; i < GPG_POOL_WINDOW; i++)
		if (pool->slots[i].ready)
			gpg_key_info_release(&pool->slots[i].result.info);
	for (i = 0; i < GPG_POOL_WORKERS; i++)
		gpg_session_end(pool->sessions[i]);
	gpg_session_end(pool->own_session);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->changed);
	free(pool->slots);
	free(pool->feeder_error);
	free(pool->snapshot_path);
	free(pool->open_name);
	free(pool->cache_dir);
	free(pool);
}
