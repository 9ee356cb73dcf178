#include "integrity.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

struct integrity_check {
	char *open_name;
	int open_flags;
	char **tables;            /* NULL: the whole file */
	size_t table_count;
	pthread_t thread;
	int started;              /* `thread` runs and must be joined */

	/* Shared with the thread, guarded by `lock`. */
	pthread_mutex_t lock;
	pthread_cond_t finished;
	sqlite3 *db;              /* while the thread has it open */
	int stopping;             /* integrity_check_free() interrupts */
	struct integrity_outcome outcome;
	char *table;              /* outcome.table */
	char *message;            /* outcome.message */
};

/*
 * SQLite 3.40.1 puts "*** in database main ***" and a newline before the
 * first problem that quick_check reports.
 */
static const char *skip_schema_line(const char *text)
{
	const char *newline;

	if (strncmp(text, "*** in database ", 16))
		return text;
	newline = strchr(text, '\n');
	return newline ? newline + 1 : text;
}

/* Record the final result of the check. */
static void set_outcome(struct integrity_check *check,
			enum integrity_result result, const char *table,
			const char *message, int sqlite_code)
{
	pthread_mutex_lock(&check->lock);
	check->outcome.result = result;
	check->outcome.sqlite_code = sqlite_code;
	free(check->table);
	free(check->message);
	check->table = table ? xstrdup(table) : NULL;
	/* quick_check puts one problem on a line: the first one is named. */
	check->message = message ? xstrndup(message, strcspn(message, "\n"))
				 : NULL;
	check->outcome.table = check->table;
	check->outcome.message = check->message;
	pthread_mutex_unlock(&check->lock);
}

/*
 * Run PRAGMA quick_check on `table`, or on the whole file when it is
 * NULL. Returns 0 when SQLite finds nothing, else -1 after set_outcome().
 */
static int run_quick_check(struct integrity_check *check, sqlite3 *db,
			   const char *table)
{
	char *sql = table ? sqlite3_mprintf("PRAGMA main.quick_check(%Q)", table)
			  : sqlite3_mprintf("PRAGMA main.quick_check");
	sqlite3_stmt *stmt = NULL;
	const char *text;
	int rc, code;

	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	sqlite3_free(sql);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(stmt, 0);
		if (text && !strcmp(text, "ok")) {
			sqlite3_finalize(stmt);
			return 0;
		}
		set_outcome(check, INTEGRITY_DAMAGED, table,
			    text ? skip_schema_line(text) : "no message", 0);
		sqlite3_finalize(stmt);
		return -1;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return 0;
	}
	/* A page so damaged that the check itself stops is damage too. */
	code = sqlite3_extended_errcode(db);
	set_outcome(check, (code & 0xff) == SQLITE_CORRUPT ||
			   (code & 0xff) == SQLITE_NOTADB
			   ? INTEGRITY_DAMAGED : INTEGRITY_FAILED,
		    table, sqlite3_errmsg(db), code);
	sqlite3_finalize(stmt);
	return -1;
}

static int stop_requested(struct integrity_check *check)
{
	int stopping;

	pthread_mutex_lock(&check->lock);
	stopping = check->stopping;
	pthread_mutex_unlock(&check->lock);
	return stopping;
}

static void *integrity_thread_main(void *arg)
{
	struct integrity_check *check = arg;
	sqlite3 *db = NULL;
	size_t i;
	int rc;

	rc = sqlite3_open_v2(check->open_name, &db, check->open_flags, NULL);
	pthread_mutex_lock(&check->lock);
	check->db = db;
	if (check->stopping && db)
		sqlite3_interrupt(db);
	pthread_mutex_unlock(&check->lock);
	if (rc != SQLITE_OK) {
		set_outcome(check, INTEGRITY_FAILED, NULL,
			    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc),
			    db ? sqlite3_extended_errcode(db) : rc);
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);
	/* Each page is read once, so a small cache loses nothing. */
	sqlite3_exec(db, "PRAGMA cache_size = -512", NULL, NULL, NULL);
	if (!check->tables) {
		if (run_quick_check(check, db, NULL) < 0)
			goto out;
	} else {
		/*
		 * An interrupt may not reach a statement that starts after
		 * it, so the flag is checked before each table.
		 */
		for (i = 0; i < check->table_count; i++) {
			if (stop_requested(check)) {
				set_outcome(check, INTEGRITY_FAILED, NULL,
					    "interrupted", SQLITE_INTERRUPT);
				goto out;
			}
			if (run_quick_check(check, db, check->tables[i]) < 0)
				goto out;
		}
	}
	set_outcome(check, INTEGRITY_OK, NULL, NULL, 0);
out:
	pthread_mutex_lock(&check->lock);
	check->db = NULL;
	pthread_mutex_unlock(&check->lock);
	sqlite3_close(db);
	pthread_mutex_lock(&check->lock);
	/* set_outcome() ran for every path that gets here. */
	pthread_cond_broadcast(&check->finished);
	pthread_mutex_unlock(&check->lock);
	return NULL;
}

struct integrity_check *integrity_check_start(const char *open_name,
					      int open_flags,
					      const char *const *tables,
					      size_t table_count,
					      struct buf *err)
{
	struct integrity_check *check = xcalloc(1, sizeof(*check));
	sigset_t all, saved;
	size_t i;
	int rc;

	check->open_name = xstrdup(open_name);
	/*
	 * integrity_check_free() may interrupt from another thread, so the
	 * connection keeps SQLite's mutex.
	 */
	check->open_flags = (open_flags & ~SQLITE_OPEN_NOMUTEX) |
			    SQLITE_OPEN_FULLMUTEX;
	if (tables) {
		check->tables = xcalloc(table_count ? table_count : 1,
					sizeof(*check->tables));
		for (i = 0; i < table_count; i++)
			check->tables[i] = xstrdup(tables[i]);
		check->table_count = table_count;
	}
	check->outcome.result = INTEGRITY_RUNNING;
	pthread_mutex_init(&check->lock, NULL);
	pthread_cond_init(&check->finished, NULL);

	/* Signals but faults go to the main thread, whose handlers clean up. */
	cleanup_worker_signals(&all);
	pthread_sigmask(SIG_BLOCK, &all, &saved);
	rc = pthread_create(&check->thread, NULL, integrity_thread_main, check);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (rc) {
		buf_addf(err, "cannot start the thread that checks the snapshot's integrity: %s",
			 strerror(rc));
		integrity_check_free(check);
		return NULL;
	}
	check->started = 1;
	return check;
}

void integrity_check_result(struct integrity_check *check, int wait,
			    struct integrity_outcome *out)
{
	pthread_mutex_lock(&check->lock);
	while (wait && check->outcome.result == INTEGRITY_RUNNING)
		pthread_cond_wait(&check->finished, &check->lock);
	*out = check->outcome;
	pthread_mutex_unlock(&check->lock);
}

void integrity_check_free(struct integrity_check *check)
{
	size_t i;

	if (!check)
		return;
	if (check->started) {
		pthread_mutex_lock(&check->lock);
		check->stopping = 1;
		if (check->db)
			sqlite3_interrupt(check->db);
		pthread_mutex_unlock(&check->lock);
		pthread_join(check->thread, NULL);
	}
	pthread_mutex_destroy(&check->lock);
	pthread_cond_destroy(&check->finished);
	for (i = 0; i < check->table_count; i++)
		free(check->tables[i]);
	free(check->tables);
	free(check->open_name);
	free(check->table);
	free(check->message);
	free(check);
}
