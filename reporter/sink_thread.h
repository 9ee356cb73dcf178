#ifndef CREDAUDIT_SINK_THREAD_H
#define CREDAUDIT_SINK_THREAD_H

#include "buf.h"
#include "model.h"
#include "plan.h"
#include "render.h"

/*
 * Sinks run on a thread of their own, so that building the outputs
 * overlaps with reading the snapshot. Threads form a pipeline: the
 * reading thread gives each credential to the first stage, each stage
 * hands its sinks every credential in stream order, then passes it on to
 * the next stage, and the last stage releases it. Credentials move in
 * batches through a queue of SINK_THREAD_BATCHES batches per stage,
 * which bounds the memory.
 */
#define SINK_THREAD_BATCH 64
#define SINK_THREAD_BATCHES 8

struct sink_thread;

/*
 * Start a stage for the `count` sinks of `sinks`, which must not be used
 * otherwise until sink_thread_finish(). `next` is the stage that gets the
 * credentials afterwards, or NULL. Returns NULL with a reason in `err`.
 */
struct sink_thread *sink_thread_start(struct sink *const *sinks, size_t count,
				      struct sink_thread *next,
				      struct buf *err);
/*
 * Move `cred` and `decision` to the stage: both are left empty, to be
 * released as usual. Returns 0, or -1 with the reason in `err` once a
 * sink of this stage or of a later one has failed.
 */
int sink_thread_give(struct sink_thread *thread, struct credential *cred,
		     struct plan_decision *decision, struct buf *err);
/*
 * Wait until the stage has handed every credential to its sinks and
 * passed it on, then end its sinks in order in the calling thread.
 * Finish the stages in pipeline order. Returns 0, or -1 with the reason
 * in `err` and the sink that failed in `*failed`.
 */
int sink_thread_finish(struct sink_thread *thread, const struct sink **failed,
		       struct buf *err);
/*
 * Stop the stage and the stages after it, dropping what they have not
 * handed over, and free them all. Accepts NULL.
 */
void sink_thread_free(struct sink_thread *thread);

#endif
