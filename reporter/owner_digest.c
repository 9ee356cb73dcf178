#include "owner_digest.h"

#include <gcrypt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "embedded.h"
#include "snapshot.h"

/* The columns of users that the digest covers, in digest order. */
static const char *const owner_columns[] = { "state", "admin", "user_type" };
#define OWNER_COLUMN_COUNT 3

/*
 * The columns of users that decide a GPG key's verification. The username
 * is part of the private commit address, ID-USERNAME@users.noreply.HOST.
 */
static const char *const address_columns[] = { "email", "confirmed_at",
						 "username" };
#define ADDRESS_COLUMN_COUNT 3

static int compare_ids(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Sort the ids and drop repeats. */
static void owner_ids_compact(struct owner_ids *set)
{
	size_t i, n = 0;

	if (!set->count)
		return;
	qsort(set->ids, set->count, sizeof(*set->ids), compare_ids);
	for (i = 1; i < set->count; i++)
		if (set->ids[i] != set->ids[n])
			set->ids[++n] = set->ids[i];
	set->count = n + 1;
}

void owner_ids_add(struct owner_ids *set, int64_t id)
{
	/* A credential's neighbours in the stream often share its owner. */
	if (set->count && set->ids[set->count - 1] == id)
		return;
	if (set->count == set->cap) {
		owner_ids_compact(set);
		/* Grow only when compacting freed less than half. */
		if (set->count * 2 > set->cap || !set->cap) {
			set->cap = set->cap ? set->cap * 2 : 64;
			set->ids = xrealloc(set->ids,
					    set->cap * sizeof(*set->ids));
		}
	}
	set->ids[set->count++] = id;
}

void owner_ids_release(struct owner_ids *set)
{
	free(set->ids);
	set->ids = NULL;
	set->count = 0;
	set->cap = 0;
}

static void hash_u64(gcry_md_hd_t md, uint64_t value)
{
	unsigned char bytes[8];
	int b;

	for (b = 0; b < 8; b++)
		bytes[b] = (unsigned char)(value >> (56 - 8 * b));
	gcry_md_write(md, bytes, sizeof(bytes));
}

/* Hash column `i` of the current row, or an absent column when i < 0. */
static void hash_value(gcry_md_hd_t md, sqlite3_stmt *stmt, int i)
{
	unsigned char type = 0;
	const void *data = NULL;
	uint64_t len = 0;

	if (i >= 0) {
		type = (unsigned char)sqlite3_column_type(stmt, i);
		if (type != SQLITE_NULL) {
			data = type == SQLITE_BLOB ? sqlite3_column_blob(stmt, i)
						   : sqlite3_column_text(stmt, i);
			len = (uint64_t)sqlite3_column_bytes(stmt, i);
		}
	}
	gcry_md_write(md, &type, 1);
	hash_u64(md, len);
	if (len)
		gcry_md_write(md, data, len);
}

/*
 * Open `path` read-only and prepare owner_rows.sql. A WAL database in a
 * read-only folder cannot be read the usual way, because SQLite cannot
 * create its -shm file. It is then opened as an immutable URI, as
 * snapshot.c does, unless its -wal file contains changes that this would
 * miss. A database in rollback mode is never opened so, because that
 * would ignore a hot journal and read uncommitted changes.
 */
static int open_snapshot(const char *path, sqlite3 **db, sqlite3_stmt **stmt,
			 struct buf *err)
{
	const struct embedded_file *query = embedded_file("owner_rows.sql");
	struct buf name = BUF_INIT;
	struct stat st;
	char *file_name;
	int rc, ret = -1;

	if (!query) {
		buf_adds(err, "query owner_rows.sql is missing from this build");
		return -1;
	}
	if (snapshot_wal_without_file(path))
		goto immutable;  /* creates no -wal and -shm beside it */
	file_name = snapshot_file_name(path);
	rc = sqlite3_open_v2(file_name, db, SQLITE_OPEN_READONLY, NULL);
	free(file_name);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(*db, 5000);
		rc = sqlite3_prepare_v2(*db, query->data, -1, stmt, NULL);
	}
	if (rc == SQLITE_OK)
		return 0;
	/* Without write access to the folder, SQLite may return READONLY. */
	if (((rc & 0xff) != SQLITE_CANTOPEN && (rc & 0xff) != SQLITE_READONLY) ||
	    !*db || !snapshot_is_wal(path))
		goto failed;

	buf_addf(&name, "%s-wal", path);
	if (stat(name.data, &st) == 0 && st.st_size > 0)
		goto failed;
	sqlite3_close(*db);
	*db = NULL;
immutable:
	buf_reset(&name);
	snapshot_immutable_uri(&name, path);
	rc = sqlite3_open_v2(name.data, db,
			     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(*db, query->data, -1, stmt, NULL);
	if (rc == SQLITE_OK) {
		ret = 0;
		goto out;
	}
failed:
	buf_addf(err, "cannot read the owners of the plan's actions from snapshot '%s': %s",
		 path, *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
out:
	buf_release(&name);
	return ret;
}

/* Find the index of each of `names` among the columns of `stmt`, or -1. */
static void find_columns(sqlite3_stmt *stmt, const char *const *names,
			 int count, int *columns)
{
	int c, k;

	for (k = 0; k < count; k++) {
		columns[k] = -1;
		for (c = 0; c < sqlite3_column_count(stmt); c++)
			if (!strcasecmp(sqlite3_column_name(stmt, c), names[k]))
				columns[k] = c;
	}
}

/*
 * Hash the users row values `columns` of `id` as the bytes 'R' and the
 * values, once per row. Returns SQLITE_DONE or the error of the step.
 */
static int hash_user_rows(gcry_md_hd_t md, sqlite3_stmt *stmt, int64_t id,
			  const int *columns, int count)
{
	int k, rc;

	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		gcry_md_write(md, "R", 1);
		for (k = 0; k < count; k++)
			hash_value(md, stmt, columns[k]);
	}
	return rc;
}

/*
 * Hash the rows of `emails` of `id` as 'M' and the two values each, or
 * the byte 'N' when the snapshot has no usable emails table (`emails` is
 * NULL). Returns SQLITE_DONE or the error of the step.
 */
static int hash_email_rows(gcry_md_hd_t md, sqlite3_stmt *emails, int64_t id)
{
	int rc;

	if (!emails) {
		gcry_md_write(md, "N", 1);
		return SQLITE_DONE;
	}
	sqlite3_reset(emails);
	sqlite3_bind_int64(emails, 1, id);
	while ((rc = sqlite3_step(emails)) == SQLITE_ROW) {
		gcry_md_write(md, "M", 1);
		hash_value(md, emails, 0);
		hash_value(md, emails, 1);
	}
	return rc;
}

/*
 * Hash the snapshot's gitlab_host, the HOST of the private commit
 * addresses, as 'H' and its value, or the byte 'N' when the snapshot does
 * not record it.
 */
static void hash_gitlab_host(gcry_md_hd_t md, sqlite3 *db)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(db, "SELECT value FROM credaudit_snapshot WHERE key = 'gitlab_host'",
			       -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW) {
		gcry_md_write(md, "H", 1);
		hash_value(md, stmt, 0);
	} else {
		gcry_md_write(md, "N", 1);
	}
	sqlite3_finalize(stmt);
}

int owner_digest_compute(const char *snapshot_path, struct owner_ids *owners,
			 struct owner_ids *address_owners,
			 char out[OWNER_DIGEST_MAX], struct buf *err)
{
	const struct embedded_file *emails_query = embedded_file("owner_emails.sql");
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL, *emails = NULL;
	gcry_md_hd_t md = NULL;
	int columns[OWNER_COLUMN_COUNT], addresses[ADDRESS_COLUMN_COUNT];
	const unsigned char *sum;
	size_t i;
	int rc, ret = -1;

	if (gcry_md_open(&md, GCRY_MD_SHA256, 0)) {
		buf_adds(err, "libgcrypt cannot compute SHA-256");
		return -1;
	}
	owner_ids_compact(owners);
	owner_ids_compact(address_owners);
	if (owners->count || address_owners->count) {
		if (open_snapshot(snapshot_path, &db, &stmt, err) < 0)
			goto out;
		find_columns(stmt, owner_columns, OWNER_COLUMN_COUNT, columns);
		find_columns(stmt, address_columns, ADDRESS_COLUMN_COUNT,
			     addresses);
		/* A snapshot without the emails table or its columns hashes 'N'. */
		if (address_owners->count &&
		    (!emails_query ||
		     sqlite3_prepare_v2(db, emails_query->data, -1, &emails,
					NULL) != SQLITE_OK)) {
			sqlite3_finalize(emails);
			emails = NULL;
		}
		/* One read transaction, so that every row comes from one state. */
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			goto sql_failed;
	}
	for (i = 0; i < owners->count; i++) {
		hash_u64(md, (uint64_t)owners->ids[i]);
		rc = hash_user_rows(md, stmt, owners->ids[i], columns,
				    OWNER_COLUMN_COUNT);
		if (rc != SQLITE_DONE)
			goto sql_failed;
		gcry_md_write(md, "E", 1);
	}
	/* Nothing is added without GPG key actions, so older plans still match. */
	if (address_owners->count)
		hash_gitlab_host(md, db);
	for (i = 0; i < address_owners->count; i++) {
		gcry_md_write(md, "A", 1);
		hash_u64(md, (uint64_t)address_owners->ids[i]);
		rc = hash_user_rows(md, stmt, address_owners->ids[i], addresses,
				    ADDRESS_COLUMN_COUNT);
		if (rc == SQLITE_DONE)
			rc = hash_email_rows(md, emails, address_owners->ids[i]);
		if (rc != SQLITE_DONE)
			goto sql_failed;
		gcry_md_write(md, "E", 1);
	}

	sum = gcry_md_read(md, GCRY_MD_SHA256);
	memcpy(out, "sha256:", 7);
	for (i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", sum[i]);
	ret = 0;
	goto out;
sql_failed:
	buf_addf(err, "cannot read the owners of the plan's actions from snapshot '%s': %s",
		 snapshot_path, sqlite3_errmsg(db));
out:
	sqlite3_finalize(emails);
	sqlite3_finalize(stmt);
	if (db) {
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	gcry_md_close(md);
	return ret;
}
