#include "sink_thread.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

struct work_item {
	struct credential cred;
	struct plan_decision decision;
};

struct work_batch {
	struct work_item items[SINK_THREAD_BATCH];
	size_t count;
};

struct sink_thread {
	struct sink *sink;
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
	struct buf err;                  /* why the sink failed */
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

static void *worker_main(void *arg)
{
	struct sink_thread *t = arg;
	struct buf err = BUF_INIT;

	for (;;) {
		struct work_batch *batch;
		size_t i;
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
		for (i = 0; i < batch->count && !failed; i++) {
			struct work_item *item = &batch->items[i];

			if (t->sink->credential(t->sink, &item->cred,
						&item->decision, &err) < 0) {
				pthread_mutex_lock(&t->lock);
				t->failed = 1;
				buf_add(&t->err, err.data, err.len);
				pthread_mutex_unlock(&t->lock);
				failed = 1;
			}
			credential_release(&item->cred);
			plan_decision_release(&item->decision);
		}
		release_batch(batch, i);
	}
	buf_release(&err);
	return NULL;
}

struct sink_thread *sink_thread_start(struct sink *sink, struct buf *err)
{
	struct sink_thread *t = xcalloc(1, sizeof(*t));
	sigset_t all, saved;
	int rc;

	t->sink = sink;
	buf_init(&t->err);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->changed, NULL);
	/* Signals go to the main thread, whose handlers clean up. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &saved);
	rc = pthread_create(&t->thread, NULL, worker_main, t);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc) {
		buf_addf(err, "cannot start a thread for %s: %s", sink->name,
			 strerror(rc));
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->changed);
		free(t);
		return NULL;
	}
	return t;
}

/* Queue the batch being filled; wait while the queue is full. */
static int push_batch(struct sink_thread *t, struct buf *err)
{
	int failed;

	pthread_mutex_lock(&t->lock);
	while (t->count == SINK_THREAD_BATCHES && !t->failed)
		pthread_cond_wait(&t->changed, &t->lock);
	failed = t->failed;
	if (!failed) {
		t->queue[(t->head + t->count) % SINK_THREAD_BATCHES] = t->filling;
		t->count++;
		t->filling = NULL;
		pthread_cond_broadcast(&t->changed);
	} else {
		buf_add(err, t->err.data, t->err.len);
	}
	pthread_mutex_unlock(&t->lock);
	return failed ? -1 : 0;
}

int sink_thread_give(struct sink_thread *t, struct credential *cred,
		     struct plan_decision *decision, struct buf *err)
{
	struct work_item *item;

	if (!t->filling)
		t->filling = xcalloc(1, sizeof(*t->filling));
	item = &t->filling->items[t->filling->count++];
	item->cred = *cred;
	item->decision = *decision;
	credential_init(cred, cred->kind);
	memset(decision, 0, sizeof(*decision));
	if (t->filling->count < SINK_THREAD_BATCH)
		return 0;
	return push_batch(t, err);
}

static void close_queue(struct sink_thread *t)
{
	pthread_mutex_lock(&t->lock);
	t->closing = 1;
	pthread_cond_broadcast(&t->changed);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
}

int sink_thread_finish(struct sink_thread *t, struct buf *err)
{
	int ret = 0;

	if (t->filling && t->filling->count)
		ret = push_batch(t, err);
	close_queue(t);
	if (!ret && t->failed) {
		buf_add(err, t->err.data, t->err.len);
		ret = -1;
	}
	if (!ret)
		ret = t->sink->end(t->sink, err);
	return ret;
}

void sink_thread_free(struct sink_thread *t)
{
	size_t i;

	if (!t)
		return;
	if (!t->closing)
		close_queue(t);
	for (i = 0; i < t->count; i++)
		release_batch(t->queue[(t->head + i) % SINK_THREAD_BATCHES], 0);
	if (t->filling)
		release_batch(t->filling, 0);
	buf_release(&t->err);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->changed);
	free(t);
}
