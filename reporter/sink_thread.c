#include "sink_thread.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

struct work_item {
	struct credential cred;
	struct plan_decision decision;
};

struct work_batch {
	struct work_item items[SINK_THREAD_BATCH];
	size_t count;
	struct work_batch *next_spare;
};

struct sink_thread {
	struct sink *const *sinks;
	size_t sink_count;
	struct sink_thread *next;        /* the stage after this one, or NULL */
	struct sink_thread *first;       /* of the pipeline; may be this one */
	pthread_t thread;
	struct work_batch *filling;      /* owned by the giving thread */

	/* Shared, guarded by `lock`. */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct work_batch *queue[SINK_THREAD_BATCHES];
	size_t head;                     /* next batch to take */
	size_t count;                    /* batches in the queue */
	int closing;                     /* no more batches will come */
	int failed;
	const struct sink *failed_sink;  /* of this stage or a later one */
	struct buf err;                  /* why the sink failed */
	/*
	 * Of the first stage: batches that went through the pipeline, back
	 * to the giving thread, which releases their credentials when it
	 * refills them. Memory is then freed by the thread that allocated
	 * it, which spares both threads glibc's arena lock.
	 */
	struct work_batch *spare;
};

static void release_batch(struct work_batch *batch, size_t from)
{
	size_t i;

	for (i = from; i < batch->count; i++) {
		credential_release(&batch->items[i].cred);
		plan_decision_release(&batch->items[i].decision);
	}
	free(batch);
}

/* Record the first failure of the pipeline from this stage on. */
static void set_failed(struct sink_thread *t, const struct sink *sink,
		       const struct buf *why)
{
	pthread_mutex_lock(&t->lock);
	if (!t->failed) {
		t->failed = 1;
		t->failed_sink = sink;
		buf_add(&t->err, why->data, why->len);
	}
	pthread_mutex_unlock(&t->lock);
}

/*
 * Queue `batch` on `t`, waiting while the queue is full. Returns 0, or
 * -1 when `t` has failed. The batch is then released, and `why` and
 * `*sink` hold the reason and the sink that failed.
 */
static int push_batch(struct sink_thread *t, struct work_batch *batch,
		      const struct sink **sink, struct buf *why)
{
	int failed;

	pthread_mutex_lock(&t->lock);
	while (t->count == SINK_THREAD_BATCHES && !t->failed)
		pthread_cond_wait(&t->changed, &t->lock);
	failed = t->failed;
	if (!failed) {
		t->queue[(t->head + t->count) % SINK_THREAD_BATCHES] = batch;
		t->count++;
		pthread_cond_broadcast(&t->changed);
	} else {
		buf_add(why, t->err.data, t->err.len);
		*sink = t->failed_sink;
	}
	pthread_mutex_unlock(&t->lock);
	if (failed)
		release_batch(batch, 0);
	return failed ? -1 : 0;
}

/* Hand every credential of `batch` to the sinks; -1 when one failed. */
static int run_batch(struct sink_thread *t, struct work_batch *batch,
		     struct buf *err)
{
	size_t i, k;

	for (i = 0; i < batch->count; i++) {
		struct work_item *item = &batch->items[i];

		for (k = 0; k < t->sink_count; k++) {
			struct sink *sink = t->sinks[k];

			if (sink->credential(sink, &item->cred, &item->decision,
					     err) < 0) {
				set_failed(t, sink, err);
				return -1;
			}
		}
	}
	return 0;
}

/* Return a batch that has been through every stage to the first one. */
static void give_back(struct sink_thread *first, struct work_batch *batch)
{
	pthread_mutex_lock(&first->lock);
	batch->next_spare = first->spare;
	first->spare = batch;
	pthread_mutex_unlock(&first->lock);
}

/* A batch to fill: a returned one, its credentials released, or a new one. */
static struct work_batch *take_spare(struct sink_thread *t)
{
	struct work_batch *batch;
	size_t i;

	pthread_mutex_lock(&t->lock);
	batch = t->spare;
	if (batch)
		t->spare = batch->next_spare;
	pthread_mutex_unlock(&t->lock);
	if (!batch)
		/* Every item is written before it is read: no need to zero. */
		return xmalloc(sizeof(*batch));
	for (i = 0; i < batch->count; i++) {
		credential_release(&batch->items[i].cred);
		plan_decision_release(&batch->items[i].decision);
	}
	return batch;
}

static void *worker_main(void *arg)
{
	struct sink_thread *t = arg;
	struct buf err = BUF_INIT;

	for (;;) {
		struct work_batch *batch;
		const struct sink *failed_sink = NULL;
		int failed;

		pthread_mutex_lock(&t->lock);
		while (!t->count && !t->closing)
			pthread_cond_wait(&t->changed, &t->lock);
		if (!t->count) {
			pthread_mutex_unlock(&t->lock);
			break;
		}
		batch = t->queue[t->head];
		t->head = (t->head + 1) % SINK_THREAD_BATCHES;
		t->count--;
		failed = t->failed;
		pthread_cond_broadcast(&t->changed);
		pthread_mutex_unlock(&t->lock);

		/* After a failure the rest is only released. */
		buf_reset(&err);
		if (failed || run_batch(t, batch, &err) < 0) {
			release_batch(batch, 0);
		} else if (t->next) {
			if (push_batch(t->next, batch, &failed_sink, &err) < 0)
				set_failed(t, failed_sink, &err);
		} else {
			give_back(t->first, batch);
		}
	}
	buf_release(&err);
	return NULL;
}

struct sink_thread *sink_thread_start(struct sink *const *sinks, size_t count,
				      struct sink_thread *next,
				      struct buf *err)
{
	struct sink_thread *t = xcalloc(1, sizeof(*t));
	sigset_t all, saved;
	int rc;

	t->sinks = sinks;
	t->sink_count = count;
	t->next = next;
	/* No batch has moved yet, so the later stages see this in time. */
	for (t->first = t; next; next = next->next)
		next->first = t;
	buf_init(&t->err);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->changed, NULL);
	/* Signals but faults go to the main thread, whose handlers clean up. */
	cleanup_worker_signals(&all);
	pthread_sigmask(SIG_BLOCK, &all, &saved);
	rc = pthread_create(&t->thread, NULL, worker_main, t);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc) {
		buf_addf(err, "cannot start a thread for %s: %s",
			 count ? sinks[0]->name : "the outputs", strerror(rc));
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->changed);
		free(t);
		return NULL;
	}
	return t;
}

int sink_thread_give(struct sink_thread *t, struct credential *cred,
		     struct plan_decision *decision, struct buf *err)
{
	struct work_item *item;
	const struct sink *failed_sink = NULL;
	struct work_batch *batch;

	if (!t->filling) {
		t->filling = take_spare(t);
		t->filling->count = 0;
	}
	item = &t->filling->items[t->filling->count++];
	item->cred = *cred;
	item->decision = *decision;
	credential_init(cred, cred->kind);
	memset(decision, 0, sizeof(*decision));
	if (t->filling->count < SINK_THREAD_BATCH)
		return 0;
	batch = t->filling;
	t->filling = NULL;
	return push_batch(t, batch, &failed_sink, err);
}

static void close_queue(struct sink_thread *t)
{
	pthread_mutex_lock(&t->lock);
	t->closing = 1;
	pthread_cond_broadcast(&t->changed);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
}

int sink_thread_finish(struct sink_thread *t, const struct sink **failed,
		       struct buf *err)
{
	size_t k;

	*failed = NULL;
	if (t->filling && t->filling->count) {
		struct work_batch *batch = t->filling;

		t->filling = NULL;
		push_batch(t, batch, failed, err);
	}
	close_queue(t);
	if (t->failed) {
		buf_reset(err);
		buf_add(err, t->err.data, t->err.len);
		*failed = t->failed_sink;
		return -1;
	}
	for (k = 0; k < t->sink_count; k++) {
		if (t->sinks[k]->end(t->sinks[k], err) < 0) {
			*failed = t->sinks[k];
			return -1;
		}
	}
	return 0;
}

void sink_thread_free(struct sink_thread *t)
{
	size_t i;

	if (!t)
		return;
	if (!t->closing)
		close_queue(t);
	/* The later stages give batches back to this one until they stop. */
	sink_thread_free(t->next);
	for (i = 0; i < t->count; i++)
		release_batch(t->queue[(t->head + i) % SINK_THREAD_BATCHES], 0);
	if (t->filling)
		release_batch(t->filling, 0);
	while (t->spare) {
		struct work_batch *batch = t->spare;

		t->spare = batch->next_spare;
		release_batch(batch, 0);
	}
	buf_release(&t->err);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->changed);
	free(t);
}
