#ifndef CREDAUDIT_SINK_THREAD_H
#define CREDAUDIT_SINK_THREAD_H

#include "buf.h"
#include "model.h"
#include "plan.h"
#include "render.h"

/*
 * A sink run on a thread of its own, so that an output that is slow to
 * build (the HTML inventory) overlaps with reading the snapshot and the
 * other outputs. Credentials move to the thread in batches through a
 * queue of SINK_THREAD_BATCHES batches, which bounds the memory; the
 * thread releases them. The sink sees the credentials in stream order.
 */
#define SINK_THREAD_BATCH 64
#define SINK_THREAD_BATCHES 8

struct sink_thread;

/*
 * Start a thread for `sink`, which must not be used otherwise until
 * sink_thread_finish(). Returns NULL with a reason in `err`.
 */
struct sink_thread *sink_thread_start(struct sink *sink, struct buf *err);
/*
 * Move `cred` and `decision` to the thread: both are left empty, to be
 * released as usual. Returns 0, or -1 with the sink's reason in `err`
 * once it has failed.
 */
int sink_thread_give(struct sink_thread *thread, struct credential *cred,
		     struct plan_decision *decision, struct buf *err);
/*
 * Wait until the thread has handed every credential to the sink, then
 * end the sink in the calling thread. Returns as sink->end() does, or -1
 * when the sink failed on a credential.
 */
int sink_thread_finish(struct sink_thread *thread, struct buf *err);
/* Stop the thread, dropping what it has not handed over. Accepts NULL. */
void sink_thread_free(struct sink_thread *thread);

#endif
