/* Unit tests for owner_digest.c: the digest of a plan's owners' users rows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "owner_digest.h"

/* SHA-256 of no input: the digest of a plan without actions. */
#define EMPTY_DIGEST \
	"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct fixture {
	char dir[64];
	char path[96];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_owner_digest.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/snapshot.db", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* Replace the snapshot by one made with `sql`. */
static void make_snapshot(const struct fixture *fx, const char *sql)
{
	sqlite3 *db;

	unlink(fx->path);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static const char users_sql[] =
	"CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, "
	"state TEXT, user_type INTEGER, admin INTEGER);"
	"INSERT INTO users VALUES (3, 'bob', 'active', 0, 0);"
	"INSERT INTO users VALUES (12, 'mallory', 'blocked', 0, 0);"
	"INSERT INTO users VALUES (19, 'victor', 'active', 0, 0);";

/*
 * The digest of `count` owners `ids` of the snapshot, and of the first
 * `address_count` of them as owners of GPG key actions. The test fails on
 * error.
 */
static void digest_with_addresses(const struct fixture *fx, const int64_t *ids,
				  size_t count, size_t address_count,
				  char out[OWNER_DIGEST_MAX])
{
	struct owner_ids owners = OWNER_IDS_INIT;
	struct owner_ids address_owners = OWNER_IDS_INIT;
	struct buf err = BUF_INIT;
	size_t i;

	for (i = 0; i < count; i++)
		owner_ids_add(&owners, ids[i]);
	for (i = 0; i < address_count; i++)
		owner_ids_add(&address_owners, ids[i]);
	if (owner_digest_compute(fx->path, &owners, &address_owners, out,
				 &err) < 0)
		fail_msg("owner_digest_compute: %s", err.data);
	owner_ids_release(&owners);
	owner_ids_release(&address_owners);
	buf_release(&err);
}

/* The digest of `count` ids of the snapshot; the test fails on error. */
static void digest_of(const struct fixture *fx, const int64_t *ids,
		      size_t count, char out[OWNER_DIGEST_MAX])
{
	digest_with_addresses(fx, ids, count, 0, out);
}

/* The digest of owners 3 and 12 after `change` to users_sql. */
static void digest_after(const struct fixture *fx, const char *change,
			 char out[OWNER_DIGEST_MAX])
{
	static const int64_t ids[] = { 3, 12 };
	struct buf sql = BUF_INIT;

	buf_adds(&sql, users_sql);
	buf_adds(&sql, change);
	make_snapshot(fx, sql.data);
	digest_of(fx, ids, 2, out);
	buf_release(&sql);
}

static void digest_ignores_order_and_repeats(void **state)
{
	struct fixture *fx = *state;
	static const int64_t sorted[] = { 3, 12 };
	static const int64_t shuffled[] = { 12, 3, 12, 12, 3 };
	char a[OWNER_DIGEST_MAX], b[OWNER_DIGEST_MAX];

	make_snapshot(fx, users_sql);
	digest_of(fx, sorted, 2, a);
	digest_of(fx, shuffled, 5, b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 7 + 64);
	assert_memory_equal(a, "sha256:", 7);
}

static void digest_without_owners(void **state)
{
	struct owner_ids owners = OWNER_IDS_INIT;
	struct buf err = BUF_INIT;
	char digest[OWNER_DIGEST_MAX];

	(void)state;
	/* Without owners the snapshot is not opened, so it need not exist. */
	assert_int_equal(owner_digest_compute("/nonexistent/snapshot.db",
					      &owners, &owners, digest, &err), 0);
	assert_string_equal(digest, EMPTY_DIGEST);
	buf_release(&err);
}

/* A change to one of the users rows and whether the digest must change. */
struct row_change {
	const char *name;
	const char *sql;
	int changes_digest;
};

static const struct row_change row_changes[] = {
	{ "owner state", "UPDATE users SET state = 'active' WHERE id = 12;", 1 },
	{ "owner admin", "UPDATE users SET admin = 1 WHERE id = 3;", 1 },
	{ "owner admin as text", "UPDATE users SET admin = 'f' WHERE id = 3;", 1 },
	{ "owner user type", "UPDATE users SET user_type = 6 WHERE id = 3;", 1 },
	{ "owner state to NULL", "UPDATE users SET state = NULL WHERE id = 12;", 1 },
	{ "owner deleted", "DELETE FROM users WHERE id = 12;", 1 },
	{ "owner username", "UPDATE users SET username = 'bobby' WHERE id = 3;", 0 },
	{ "user without actions", "UPDATE users SET state = 'blocked', admin = 1 WHERE id = 19;", 0 },
	{ "user added", "INSERT INTO users VALUES (20, 'walter', 'active', 0, 1);", 0 },
};

static void digest_follows_owner_rows(void **state)
{
	struct fixture *fx = *state;
	char before[OWNER_DIGEST_MAX], after[OWNER_DIGEST_MAX];
	size_t i;

	digest_after(fx, "", before);
	for (i = 0; i < sizeof(row_changes) / sizeof(row_changes[0]); i++) {
		const struct row_change *change = &row_changes[i];

		digest_after(fx, change->sql, after);
		if (change->changes_digest != (strcmp(before, after) != 0))
			fail_msg("%s: digest %s, before %s; expected it to %s",
				 change->name, after, before,
				 change->changes_digest ? "change" : "stay");
	}
}

static void digest_without_columns(void **state)
{
	struct fixture *fx = *state;
	static const int64_t ids[] = { 3 };
	char full[OWNER_DIGEST_MAX], nulls[OWNER_DIGEST_MAX];
	char lacking[OWNER_DIGEST_MAX];

	make_snapshot(fx, "CREATE TABLE users (id INTEGER PRIMARY KEY, state TEXT, "
		      "user_type INTEGER, admin INTEGER);"
		      "INSERT INTO users VALUES (3, 'active', NULL, NULL);");
	digest_of(fx, ids, 1, nulls);
	/* An older GitLab without user_type and admin is read, with a digest
	   of its own. */
	make_snapshot(fx, "CREATE TABLE users (id INTEGER PRIMARY KEY, state TEXT);"
		      "INSERT INTO users VALUES (3, 'active');");
	digest_of(fx, ids, 1, lacking);
	make_snapshot(fx, users_sql);
	digest_of(fx, ids, 1, full);
	assert_string_not_equal(lacking, nulls);
	assert_string_not_equal(lacking, full);
}

/*
 * Without GPG key actions the digest is the one that plans made before
 * the address part existed record: SHA-256 over the documented input for
 * owners 3 and 12 of users_sql, computed with Python's hashlib.
 */
static void digest_without_addresses_is_unchanged(void **state)
{
	struct fixture *fx = *state;
	static const int64_t ids[] = { 3, 12 };
	char digest[OWNER_DIGEST_MAX];

	make_snapshot(fx, users_sql);
	digest_of(fx, ids, 2, digest);
	assert_string_equal(digest,
		"sha256:e4dd2b88ff5f344af0b14103fe74826942aa4e4f296821ce2dd557de44f61076");
}

static const char addresses_sql[] =
	"CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, "
	"state TEXT, user_type INTEGER, admin INTEGER, email TEXT, "
	"confirmed_at TEXT);"
	"INSERT INTO users VALUES (3, 'bob', 'active', 0, 0, "
	"'bob@example.com', '2024-01-01 00:00:00');"
	"INSERT INTO users VALUES (12, 'mallory', 'blocked', 0, 0, "
	"'mallory@example.com', NULL);"
	"CREATE TABLE emails (id INTEGER PRIMARY KEY, user_id INTEGER, "
	"email TEXT, confirmed_at TEXT);"
	"INSERT INTO emails VALUES (1, 3, 'bob@work.example', '2024-02-01 00:00:00');"
	"INSERT INTO emails VALUES (2, 3, 'bob@old.example', NULL);"
	"INSERT INTO emails VALUES (3, 12, 'mallory@work.example', NULL);"
	"CREATE TABLE credaudit_snapshot (key TEXT PRIMARY KEY, value TEXT);"
	"INSERT INTO credaudit_snapshot VALUES ('gitlab_host', 'gitlab.example');";

/* The digest of owners 3 and 12, 3 with a GPG key action, after `change`. */
static void address_digest_after(const struct fixture *fx, const char *change,
				 char out[OWNER_DIGEST_MAX])
{
	static const int64_t ids[] = { 3, 12 };
	struct buf sql = BUF_INIT;

	buf_adds(&sql, addresses_sql);
	buf_adds(&sql, change);
	make_snapshot(fx, sql.data);
	digest_with_addresses(fx, ids, 2, 1, out);
	buf_release(&sql);
}

static const struct row_change address_changes[] = {
	{ "primary address", "UPDATE users SET email = 'b@example.com' WHERE id = 3;", 1 },
	{ "primary address unconfirmed", "UPDATE users SET confirmed_at = NULL WHERE id = 3;", 1 },
	{ "secondary address confirmed", "UPDATE emails SET confirmed_at = '2026-01-01 00:00:00' WHERE id = 2;", 1 },
	{ "secondary address added", "INSERT INTO emails VALUES (4, 3, 'bob@new.example', NULL);", 1 },
	{ "secondary address removed", "DELETE FROM emails WHERE id = 1;", 1 },
	{ "emails table dropped", "DROP TABLE emails;", 1 },
	{ "username", "UPDATE users SET username = 'bobby' WHERE id = 3;", 1 },
	{ "GitLab host", "UPDATE credaudit_snapshot SET value = 'other.example';", 1 },
	{ "GitLab host removed", "DELETE FROM credaudit_snapshot;", 1 },
	{ "rows stored in another order", "DELETE FROM emails WHERE id = 1; INSERT INTO emails VALUES (9, 3, 'bob@work.example', '2024-02-01 00:00:00');", 0 },
	{ "addresses of an owner without GPG key actions", "UPDATE users SET confirmed_at = '2026-01-01 00:00:00' WHERE id = 12; UPDATE emails SET confirmed_at = '2026-01-01 00:00:00' WHERE user_id = 12;", 0 },
};

static void digest_follows_gpg_owner_addresses(void **state)
{
	struct fixture *fx = *state;
	char before[OWNER_DIGEST_MAX], after[OWNER_DIGEST_MAX];
	size_t i;

	address_digest_after(fx, "", before);
	for (i = 0; i < sizeof(address_changes) / sizeof(address_changes[0]); i++) {
		const struct row_change *change = &address_changes[i];

		address_digest_after(fx, change->sql, after);
		if (change->changes_digest != (strcmp(before, after) != 0))
			fail_msg("%s: digest %s, before %s; expected it to %s",
				 change->name, after, before,
				 change->changes_digest ? "change" : "stay");
	}
}

static void digest_of_missing_snapshot(void **state)
{
	struct fixture *fx = *state;
	struct owner_ids owners = OWNER_IDS_INIT;
	struct buf err = BUF_INIT;
	char digest[OWNER_DIGEST_MAX];

	owner_ids_add(&owners, 3);
	assert_int_equal(owner_digest_compute(fx->path, &owners, &owners, digest,
					      &err), -1);
	assert_non_null(strstr(err.data, fx->path));
	/* Opening read-only must not have created the file. */
	assert_int_not_equal(access(fx->path, F_OK), 0);
	owner_ids_release(&owners);
	buf_release(&err);
}

static void owner_ids_keep_distinct_ids(void **state)
{
	struct owner_ids owners = OWNER_IDS_INIT;
	int64_t i;

	(void)state;
	/* 10000 additions of 100 owners, as a large plan streams them. */
	for (i = 0; i < 10000; i++)
		owner_ids_add(&owners, (i * 7919) % 100);
	assert_true(owners.cap <= 256);
	owner_ids_release(&owners);
	assert_null(owners.ids);
	assert_int_equal(owners.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(digest_ignores_order_and_repeats, setup, teardown),
		cmocka_unit_test(digest_without_owners),
		cmocka_unit_test_setup_teardown(digest_follows_owner_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(digest_without_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(digest_without_addresses_is_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(digest_follows_gpg_owner_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(digest_of_missing_snapshot, setup, teardown),
		cmocka_unit_test(owner_ids_keep_distinct_ids),
	};

	return cmocka_run_group_tests_name("owner_digest", tests, NULL, NULL);
}
