#include "snapshot.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embedded.h"
#include "integrity.h"
#include "msg.h"
#include "policy.h"
#include "text.h"

/*
 * The tables and columns the queries read. A column that an older GitLab
 * lacks is replaced by NULL through a temporary view of the same name, so
 * the query files in queries/ stay written against GitLab's full schema
 * and the model records what was not available.
 */
#define MAX_COLUMNS 16

struct table_spec {
	const char *name;
	const char *columns[MAX_COLUMNS];
	unsigned required;          /* bit i: without column i the table is unusable */
};

enum table_id {
	T_USERS, T_EMAILS, T_USER_DETAILS, T_MEMBERS, T_PROJECTS, T_NAMESPACES,
	T_TOKENS, T_KEYS, T_GPG_KEYS, T_SNAPSHOT_INFO, T_SETTINGS, T_COUNT
};

static const struct table_spec tables[T_COUNT] = {
	[T_USERS] = { "users", { "id", "username", "name", "state",
		"user_type", "admin", "email", "confirmed_at" },
		1u << 0 | 1u << 1 | 1u << 3 | 1u << 4 | 1u << 5 },
	[T_EMAILS] = { "emails", { "id", "user_id", "email", "confirmed_at" },
		1u << 1 | 1u << 2 },
	[T_USER_DETAILS] = { "user_details", { "user_id", "bot_namespace_id" },
		1u << 0 | 1u << 1 },
	[T_MEMBERS] = { "members", { "id", "user_id", "source_id",
		"source_type" }, 1u << 1 | 1u << 2 | 1u << 3 },
	[T_PROJECTS] = { "projects", { "id", "path", "namespace_id",
		"project_namespace_id", "archived", "pending_delete",
		"marked_for_deletion_at" }, 1u << 0 },
	[T_NAMESPACES] = { "namespaces", { "id", "path", "type",
		"parent_id" }, 1u << 0 },
	[T_TOKENS] = { "personal_access_tokens", { "id", "user_id", "name",
		"revoked", "expires_at", "created_at", "updated_at",
		"last_used_at", "scopes", "impersonation",
		"previous_personal_access_token_id" },
		1u << 0 | 1u << 1 | 1u << 3 | 1u << 4 },
	[T_KEYS] = { "keys", { "id", "user_id", "key", "title", "type",
		"fingerprint", "fingerprint_sha256", "created_at",
		"last_used_at", "expires_at", "usage_type" },
		1u << 0 | 1u << 2 | 1u << 4 },
	[T_GPG_KEYS] = { "gpg_keys", { "id", "user_id", "key",
		"primary_keyid", "fingerprint", "created_at" },
		1u << 0 | 1u << 2 },
	[T_SNAPSHOT_INFO] = { "credaudit_snapshot", { "key", "value" },
		1u << 0 | 1u << 1 },
	/* Columns 1 to 6 are the key restrictions, in enum key_family order. */
	[T_SETTINGS] = { "application_settings", { "id",
		"rsa_key_restriction", "dsa_key_restriction",
		"ecdsa_key_restriction", "ed25519_key_restriction",
		"ecdsa_sk_key_restriction", "ed25519_sk_key_restriction",
		"max_personal_access_token_lifetime", "max_ssh_key_lifetime" },
		0 },
};

#define SETTINGS_RESTRICTION_COLUMN(family) (1 + (int)(family))
#define SETTINGS_TOKEN_LIFETIME_COLUMN 7
#define SETTINGS_KEY_LIFETIME_COLUMN 8

struct table_state {
	int present;
	unsigned columns;           /* bit i: column i exists */
};

/* A confirmed secondary address of a user, from the emails table. */
struct secondary_email {
	int64_t user_id;
	const char *email;          /* in the model's strings */
	size_t order;               /* position in the query's rows */
};

/* A project bot user's project or group, from members or user_details. */
struct bot_resource {
	int64_t user_id;
	struct resource resource;
	/* The snapshot lacks the projects or namespaces table, so whether
	   the project or group is gone is not known. */
	int existence_unknown;
	/* The reason, in the words of the value-invalid finding, that
	   namespaces.parent_id gave no full path, or NULL when it did. */
	char *path_problem;
};

struct loader {
	sqlite3 *db;
	const char *path;
	char *open_name;            /* what sqlite3_open_v2() was given */
	int open_flags;
	struct model *model;
	struct gpg_pool *gpg;       /* NULL: GPG keys are not inspected */
	struct snapshot_options opts;
	struct buf *err;
	struct table_state state[T_COUNT];
	size_t invalid_user_rows;   /* users rows whose id is not one */
	gcry_md_hd_t digest;
	struct buf digest_row;      /* one row as digest_row() hashes it */
	char *gitlab_host;

	struct bot_resource *bots;
	size_t bot_count;
	int64_t last_id[T_COUNT];   /* id of the previous row of each table */
	int rows_seen[T_COUNT];
	int64_t kind_rows[KIND_COUNT];  /* rows handed over, per kind */
	int integer_ids[T_COUNT];   /* an INTEGER id was read from the table */
	struct secondary_email *emails;   /* by user id */
	size_t email_count;

	snapshot_row_fn *row_fn;    /* the consumer of snapshot_stream() */
	void *row_arg;
	struct integrity_check *integrity;   /* started by snapshot_open() */
};

static int has_column(const struct loader *ld, enum table_id t, int column)
{
	return ld->state[t].present && (ld->state[t].columns & (1u << column));
}

/* Recognise files that people mistake for a snapshot, to say what to do. */
static const char *describe_foreign_file(const unsigned char *head, size_t n)
{
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
		return "a gzip file: decompress it with gunzip first";
	if (n >= 6 && !memcmp(head, "\xfd" "7zXZ\0", 6))
		return "an xz file: decompress it with unxz first";
	if (n >= 4 && !memcmp(head, "PK\3\4", 4))
		return "a zip archive: extract the database from it first";
	if (n >= 8 && !memcmp(head, "\x89PNG\r\n\x1a\n", 8))
		return "a PNG image, not a database";
	if (n >= 5 && (!strncasecmp((const char *)head, "CREATE", 6) ||
		       !strncasecmp((const char *)head, "BEGIN", 5) ||
		       !strncasecmp((const char *)head, "PRAGMA", 6) ||
		       !strncasecmp((const char *)head, "INSERT", 6) ||
		       !strncmp((const char *)head, "--", 2)))
		return "SQL text: load it with `sqlite3 NEW.db < FILE` and pass NEW.db";
	return "not an SQLite database: export the snapshot as docs/export.md describes";
}

/* Check that `path` is an SQLite file; otherwise `err` names what it is. */
static enum snapshot_status check_file(const char *path, struct buf *err)
{
	unsigned char head[16];
	struct stat st;
	ssize_t n;
	int fd;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			buf_addf(err, "snapshot '%s' not found: check the path given to --db", path);
		else
			buf_addf(err, "cannot read snapshot '%s': %s", path, strerror(errno));
		return SNAPSHOT_CANNOT_OPEN;
	}
	if (S_ISDIR(st.st_mode)) {
		buf_addf(err, "snapshot '%s' is a directory: pass the SQLite file inside it", path);
		return SNAPSHOT_CANNOT_OPEN;
	}
	/* A FIFO or a device would block the read or never end. */
	if (!S_ISREG(st.st_mode)) {
		buf_addf(err, "snapshot '%s' is not a regular file (a pipe, socket or device): pass the SQLite file itself", path);
		return SNAPSHOT_CANNOT_OPEN;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		buf_addf(err, "cannot open snapshot '%s': %s%s", path,
			 strerror(errno),
			 errno == EACCES ? ": give the user that runs credaudit read access to the file" : "");
		return SNAPSHOT_CANNOT_OPEN;
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0) {
		buf_addf(err, "cannot read snapshot '%s': %s", path, strerror(errno));
		return SNAPSHOT_CANNOT_OPEN;
	}
	if (n == 0) {
		buf_addf(err, "snapshot '%s' is empty (0 bytes): export the snapshot again", path);
		return SNAPSHOT_NOT_SNAPSHOT;
	}
	if ((size_t)n < sizeof(head) || memcmp(head, "SQLite format 3", 16)) {
		buf_addf(err, "snapshot '%s' is %s", path,
			 describe_foreign_file(head, (size_t)n));
		return SNAPSHOT_NOT_SNAPSHOT;
	}
	return SNAPSHOT_OK;
}

/*
 * Put into ld->err what the SQLite error `extended_code`, with SQLite's
 * `message`, means for the snapshot, and return its status. `what` names
 * the query or step that failed.
 */
static enum snapshot_status describe_sqlite_error(struct loader *ld,
						  int extended_code,
						  const char *message,
						  const char *what)
{
	int code = extended_code & 0xff;

	buf_reset(ld->err);
	/*
	 * A hot journal, left by a writer that stopped in the middle of a
	 * transaction, must be rolled back before any read, and a read-only
	 * connection cannot do that.
	 */
	if (extended_code == SQLITE_READONLY_ROLLBACK) {
		/* SQLite looks for the journal beside the file a link names. */
		char *real = realpath(ld->path, NULL);

		buf_addf(ld->err, "snapshot '%s' has a hot journal '%s-journal', left by a program that stopped in the middle of a transaction, and SQLite cannot roll it back for a read-only reader: copy both files into a writable folder as COPY.db and COPY.db-journal, run sqlite3 COPY.db \"PRAGMA quick_check\" once so that SQLite rolls the transaction back, and audit COPY.db; or export the snapshot again (docs/export.md)",
			 ld->path, real ? real : ld->path);
		free(real);
		return SNAPSHOT_CANNOT_OPEN;
	}
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
		buf_addf(ld->err, "snapshot '%s' is locked by another program: wait for it to finish, or copy the file and audit the copy",
			 ld->path);
		return SNAPSHOT_CANNOT_OPEN;
	}
	if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
		buf_addf(ld->err, "snapshot '%s' is damaged (%s): export it again",
			 ld->path, message);
		return SNAPSHOT_NOT_SNAPSHOT;
	}
	if (code == SQLITE_CANTOPEN) {
		buf_addf(ld->err, "cannot open snapshot '%s' (%s): if it is a WAL database in a read-only folder, copy it to a writable folder",
			 ld->path, message);
		return SNAPSHOT_CANNOT_OPEN;
	}
	/*
	 * The queries read views over the snapshot's own tables, so a plain
	 * SQL error comes from what the snapshot holds: a view over a table
	 * that is gone, or one that fails on its rows.
	 */
	if (code == SQLITE_ERROR) {
		buf_addf(ld->err, "snapshot '%s' cannot be read in %s (%s): a view or table in it does not work; export the tables again as plain tables (docs/export.md)",
			 ld->path, what, message);
		return SNAPSHOT_NOT_SNAPSHOT;
	}
	buf_addf(ld->err, "reading snapshot '%s' failed in %s: %s", ld->path,
		 what, message);
	return SNAPSHOT_FAILED;
}

static enum snapshot_status sql_failed(struct loader *ld, const char *what)
{
	return describe_sqlite_error(ld, sqlite3_extended_errcode(ld->db),
				     sqlite3_errmsg(ld->db), what);
}

/* The size of `path` followed by `suffix`, or -1 when it does not exist. */
static long long file_size_with_suffix(const char *path, const char *suffix)
{
	struct buf name = BUF_INIT;
	struct stat st;
	long long size = -1;

	buf_addf(&name, "%s%s", path, suffix);
	if (stat(name.data, &st) == 0)
		size = (long long)st.st_size;
	buf_release(&name);
	return size;
}

char *snapshot_file_name(const char *path)
{
	struct buf name = BUF_INIT;

	/* SQLite built with SQLITE_USE_URI reads "file:NAME" as a URI. */
	if (!strncmp(path, "file:", 5))
		buf_adds(&name, "./");
	buf_adds(&name, path);
	return buf_detach(&name, NULL);
}

void snapshot_immutable_uri(struct buf *out, const char *path)
{
	const char *p;

	buf_adds(out, "file:");
	for (p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			buf_addf(out, "%%%02X", (unsigned char)*p);
		else
			buf_addch(out, *p);
	}
	buf_adds(out, "?immutable=1");
}

int snapshot_is_wal(const char *path)
{
	unsigned char head[20];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, head, sizeof(head));
	close(fd);
	return n == (ssize_t)sizeof(head) && head[18] == 2 && head[19] == 2;
}

int snapshot_wal_without_file(const char *path)
{
	return snapshot_is_wal(path) && file_size_with_suffix(path, "-wal") < 0;
}

/*
 * Open `path` again as an immutable URI. SQLite then needs no -shm file,
 * which a WAL database in a read-only folder cannot create.
 */
static int reopen_immutable(struct loader *ld)
{
	struct buf uri = BUF_INIT;
	int rc;

	snapshot_immutable_uri(&uri, ld->path);
	sqlite3_close(ld->db);
	ld->db = NULL;
	ld->open_flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
	rc = sqlite3_open_v2(uri.data, &ld->db,
			     ld->open_flags | SQLITE_OPEN_NOMUTEX, NULL);
	free(ld->open_name);
	ld->open_name = buf_detach(&uri, NULL);
	return rc;
}

/*
 * Read the schema once, so that problems show before any query: a WAL
 * database in a read-only folder fails here with SQLITE_CANTOPEN, and a
 * database with a hot journal with SQLITE_READONLY_ROLLBACK.
 */
static enum snapshot_status probe_database(struct loader *ld)
{
	int rc = sqlite3_exec(ld->db, "SELECT count(*) FROM sqlite_master",
			      NULL, NULL, NULL);
	struct buf reason = BUF_INIT;
	long long wal_size;

	if (rc == SQLITE_OK)
		return SNAPSHOT_OK;
	/*
	 * Only a WAL database may be read as immutable, and only because it
	 * cannot create its -shm file. Without write access to the folder,
	 * SQLite may return READONLY for that. An immutable open of a
	 * database in rollback mode would ignore a hot journal and read the
	 * changes of a transaction that never committed.
	 */
	rc = sqlite3_extended_errcode(ld->db);
	if (rc == SQLITE_READONLY_ROLLBACK || !snapshot_is_wal(ld->path) ||
	    ((rc & 0xff) != SQLITE_CANTOPEN && (rc & 0xff) != SQLITE_READONLY))
		return sql_failed(ld, "opening");

	/* Unwritten changes in the -wal file would be missed, so stop. */
	wal_size = file_size_with_suffix(ld->path, "-wal");
	if (wal_size > 0) {
		buf_addf(ld->err, "snapshot '%s' is a WAL database with changes in '%s-wal' that SQLite cannot read from a read-only folder: copy both files to a writable folder",
			 ld->path, ld->path);
		return SNAPSHOT_CANNOT_OPEN;
	}
	buf_adds(&reason, sqlite3_errmsg(ld->db));
	if (reopen_immutable(ld) != SQLITE_OK ||
	    sqlite3_exec(ld->db, "SELECT count(*) FROM sqlite_master", NULL,
			 NULL, NULL) != SQLITE_OK) {
		buf_release(&reason);
		return sql_failed(ld, "opening");
	}
	verbose("read '%s' as immutable: it is a WAL database whose '%s-wal' file holds no changes, and SQLite cannot open it the usual way here (%s), as happens in a read-only folder",
		ld->path, ld->path, reason.data);
	buf_release(&reason);
	return SNAPSHOT_OK;
}

/* Name the required columns of table `t` that `present` lacks. */
static void list_missing_columns(enum table_id t, unsigned present,
				 struct buf *out)
{
	int i;

	for (i = 0; i < MAX_COLUMNS && tables[t].columns[i]; i++) {
		if (!(tables[t].required & (1u << i)) || (present & (1u << i)))
			continue;
		if (out->len)
			buf_adds(out, ", ");
		buf_adds(out, tables[t].columns[i]);
	}
}

/* Find which tables and columns exist in the main database. */
static enum snapshot_status inspect_schema(struct loader *ld)
{
	sqlite3_stmt *stmt = NULL;
	int t, i, rc;

	for (t = 0; t < T_COUNT; t++) {
		struct table_state *st = &ld->state[t];

		if (sqlite3_prepare_v2(ld->db,
				       "SELECT name FROM pragma_table_info(?1, 'main')",
				       -1, &stmt, NULL) != SQLITE_OK)
			return sql_failed(ld, "reading the schema");
		sqlite3_bind_text(stmt, 1, tables[t].name, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(stmt, 0);

			st->present = 1;
			for (i = 0; i < MAX_COLUMNS && tables[t].columns[i]; i++)
				if (name && !strcasecmp(name, tables[t].columns[i]))
					st->columns |= 1u << i;
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
		if (rc != SQLITE_DONE)
			return sql_failed(ld, "reading the schema");
		if (st->present &&
		    (st->columns & tables[t].required) != tables[t].required) {
			struct buf missing = BUF_INIT;

			list_missing_columns(t, st->columns, &missing);
			if (t == T_USERS) {
				/* Owners decide every credential's kind and rules. */
				buf_addf(ld->err, "table users in '%s' lacks column %s, without which no credential can be judged: export it again as docs/export.md describes",
					 ld->path, missing.data);
				buf_release(&missing);
				return SNAPSHOT_NOT_SNAPSHOT;
			}
			warning("table %s in '%s' lacks column %s, which decides a credential's kind or state, so its credentials are reported as not available",
				tables[t].name, ld->path, missing.data);
			buf_release(&missing);
			st->present = 0;
		}
	}
	return SNAPSHOT_OK;
}

/*
 * Shadow each table with a temporary view that has every column the
 * queries name: a missing column reads as NULL, a missing table as no rows.
 * Temporary objects live outside the read-only snapshot.
 */
static enum snapshot_status create_views(struct loader *ld)
{
	struct buf sql = BUF_INIT;
	enum snapshot_status status = SNAPSHOT_OK;
	int t, i;

	for (t = 0; t < T_COUNT; t++) {
		buf_reset(&sql);
		buf_addf(&sql, "CREATE TEMP VIEW \"%s\" AS SELECT ", tables[t].name);
		for (i = 0; i < MAX_COLUMNS && tables[t].columns[i]; i++) {
			const char *column = tables[t].columns[i];

			if (i)
				buf_adds(&sql, ", ");
			if (has_column(ld, t, i))
				buf_addf(&sql, "\"%s\"", column);
			else
				buf_addf(&sql, "NULL AS \"%s\"", column);
		}
		if (ld->state[t].present)
			buf_addf(&sql, " FROM main.\"%s\"", tables[t].name);
		else
			buf_adds(&sql, " WHERE 0");
		if (sqlite3_exec(ld->db, sql.data, NULL, NULL, NULL) != SQLITE_OK) {
			status = sql_failed(ld, "preparing the views");
			break;
		}
	}
	buf_release(&sql);
	return status;
}

/*
 * Reject a users table without rows while credentials name owners. That
 * is almost always an export of users that failed or was left out, and
 * reading on would make every active credential owner-missing and put it
 * into the plan. Reads the views of create_views(), so a missing table
 * or user_id column counts no rows.
 */
static enum snapshot_status check_users_exported(struct loader *ld)
{
	sqlite3_stmt *stmt;
	int64_t owned;
	int rc;

	if (ld->model->owner_count)
		return SNAPSHOT_OK;
	if (sqlite3_prepare_v2(ld->db,
			       "SELECT (SELECT count(*) FROM personal_access_tokens WHERE user_id IS NOT NULL AND user_id <> '')"
			       " + (SELECT count(*) FROM keys WHERE user_id IS NOT NULL AND user_id <> '')"
			       " + (SELECT count(*) FROM gpg_keys WHERE user_id IS NOT NULL AND user_id <> '')",
			       -1, &stmt, NULL) != SQLITE_OK)
		return sql_failed(ld, "counting the owners of credentials");
	rc = sqlite3_step(stmt);
	owned = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return sql_failed(ld, "counting the owners of credentials");
	if (!owned)
		return SNAPSHOT_OK;
	if (ld->invalid_user_rows)
		buf_addf(ld->err, "the users table of '%s' has no row with a valid id (%zu row%s, each with an id that is not a positive whole number), but %" PRId64 " credential%s name%s an owner: export users again (docs/export.md)",
			 ld->path, ld->invalid_user_rows,
			 ld->invalid_user_rows == 1 ? "" : "s", owned,
			 owned == 1 ? "" : "s", owned == 1 ? "s" : "");
	else
		buf_addf(ld->err, "the users table of '%s' has no rows, but %" PRId64 " credential%s name%s an owner: the export of users failed or was left out; export users again (docs/export.md)",
			 ld->path, owned, owned == 1 ? "" : "s", owned == 1 ? "s" : "");
	return SNAPSHOT_NOT_SNAPSHOT;
}

/*
 * Start SQLite's quick_check of the tables that the report reads, with
 * their indexes, on a thread of its own (integrity.h). When one of them
 * is a view, the tables behind it are unknown, so the whole file is
 * checked instead.
 */
static enum snapshot_status start_integrity_check(struct loader *ld)
{
	const char *names[T_COUNT], *type;
	struct buf err = BUF_INIT;
	sqlite3_stmt *stmt;
	size_t count = 0;
	int t, rc = SQLITE_DONE, whole_file = 0;

	if (sqlite3_prepare_v2(ld->db,
			       "SELECT type FROM main.sqlite_master WHERE lower(name) = lower(?1)",
			       -1, &stmt, NULL) != SQLITE_OK)
		return sql_failed(ld, "reading the schema");
	for (t = 0; t < T_COUNT; t++) {
		if (!ld->state[t].present)
			continue;
		sqlite3_reset(stmt);
		sqlite3_bind_text(stmt, 1, tables[t].name, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			break;
		type = rc == SQLITE_ROW
			? (const char *)sqlite3_column_text(stmt, 0) : NULL;
		if (type && !strcmp(type, "table"))
			names[count++] = tables[t].name;
		else
			whole_file = 1;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		enum snapshot_status status = sql_failed(ld, "reading the schema");

		sqlite3_finalize(stmt);
		return status;
	}
	sqlite3_finalize(stmt);

	ld->integrity = integrity_check_start(ld->open_name, ld->open_flags,
					      whole_file ? NULL : names, count,
					      &err);
	if (!ld->integrity) {
		buf_addf(ld->err, "%s", err.data);
		buf_release(&err);
		return SNAPSHOT_FAILED;
	}
	buf_release(&err);
	return SNAPSHOT_OK;
}

/*
 * Turn the result of the integrity check into a status, with the reason
 * in ld->err. With `wait` 0 a check that still runs counts as passed.
 */
static enum snapshot_status integrity_status(struct loader *ld, int wait)
{
	struct integrity_outcome outcome;
	struct buf shown = BUF_INIT;

	if (!ld->integrity)
		return SNAPSHOT_OK;
	integrity_check_result(ld->integrity, wait, &outcome);
	if (outcome.result == INTEGRITY_RUNNING ||
	    outcome.result == INTEGRITY_OK)
		return SNAPSHOT_OK;
	if (outcome.result == INTEGRITY_FAILED)
		return describe_sqlite_error(ld, outcome.sqlite_code,
					     outcome.message,
					     "the integrity check");

	/* The message may name an index of the snapshot, so it is escaped. */
	text_escape_str(&shown, outcome.message, TEXT_MESSAGE_MAX);
	buf_reset(ld->err);
	buf_addf(ld->err, "snapshot '%s' is damaged, so rows may be missing without any error: SQLite's integrity check (PRAGMA quick_check%s%s%s) reports \"%s\"; restore the snapshot from a backup or export it again (docs/export.md)",
		 ld->path, outcome.table ? " of table " : "",
		 outcome.table ? outcome.table : "",
		 outcome.table ? "" : " of the whole file", shown.data);
	buf_release(&shown);
	return SNAPSHOT_NOT_SNAPSHOT;
}

static enum snapshot_status prepare_query(struct loader *ld, const char *name,
					  sqlite3_stmt **stmt)
{
	const struct embedded_file *query = embedded_file(name);

	if (!query) {
		buf_addf(ld->err, "query %s is missing from this build", name);
		return SNAPSHOT_FAILED;
	}
	if (sqlite3_prepare_v2(ld->db, query->data, -1, stmt, NULL) != SQLITE_OK)
		return sql_failed(ld, name);
	return SNAPSHOT_OK;
}

/* Column readers. Text is copied; NULL stays NULL. */
/*
 * Copy `len` bytes of text. A NUL byte inside the value would end the C
 * string and hide the rest, so each becomes the overlong pair C0 80, as
 * in Java's modified UTF-8. The reports show that pair as \u{0000} and
 * flag the row (text.c).
 */
static char *copy_text(const char *text, size_t len)
{
	struct buf out = BUF_INIT;
	const char *nul;

	if (!memchr(text, '\0', len))
		return xstrndup(text, len);
	while ((nul = memchr(text, '\0', len))) {
		buf_add(&out, text, (size_t)(nul - text));
		buf_add(&out, "\xc0\x80", 2);
		len -= (size_t)(nul - text) + 1;
		text = nul + 1;
	}
	buf_add(&out, text, len);
	return buf_detach(&out, NULL);
}

/*
 * Return `len` cut to VALUE_MAX_BYTES at a character boundary of the
 * UTF-8 in `text`, and set *cut when it was longer.
 */
static size_t value_length(const char *text, size_t len, int *cut)
{
	*cut = len > VALUE_MAX_BYTES;
	if (!*cut)
		return len;
	len = VALUE_MAX_BYTES;
	while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
		len--;
	return len;
}

/*
 * A name or title from column `i`, cut to VALUE_MAX_BYTES. *bytes gets
 * the length of the whole value, so that the caller can report a cut.
 */
static char *column_value(sqlite3_stmt *stmt, int i, size_t *bytes)
{
	const unsigned char *text;
	int cut;

	*bytes = 0;
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	text = sqlite3_column_text(stmt, i);
	*bytes = (size_t)sqlite3_column_bytes(stmt, i);
	return copy_text(text ? (const char *)text : "",
			 value_length((const char *)text, *bytes, &cut));
}

/* Add the finding that the credential's own name was cut. */
static void note_name_cut(struct credential *cred, size_t bytes)
{
	if (bytes > VALUE_MAX_BYTES)
		finding_add(cred, "value-invalid",
			    "the name is %zu bytes, more than GitLab stores; the reports show its first %d bytes",
			    bytes, VALUE_MAX_BYTES);
}

static char *column_strdup(sqlite3_stmt *stmt, int i)
{
	const unsigned char *text;

	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	text = sqlite3_column_text(stmt, i);
	return copy_text(text ? (const char *)text : "",
			 (size_t)sqlite3_column_bytes(stmt, i));
}

static const char *column_text(sqlite3_stmt *stmt, int i)
{
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(stmt, i);
}

/*
 * Read a whole number of 0 or more from column `i`: an INTEGER, or TEXT
 * that writes one in plain decimal, as a text export of a PostgreSQL
 * integer column does. Returns 1 and sets *value, or 0 for anything else:
 * NULL, a REAL, a BLOB, a negative number, or text such as "12abc",
 * "042", "+42", " 42" or digits past the int64 range.
 */
static int column_whole(sqlite3_stmt *stmt, int i, int64_t *value)
{
	/* The type first: sqlite3_column_text() may convert the value. */
	int type = sqlite3_column_type(stmt, i);
	const char *text;
	size_t len;
	char *end;
	long long v;

	*value = 0;
	if (type == SQLITE_INTEGER) {
		v = sqlite3_column_int64(stmt, i);
		if (v < 0)
			return 0;
		*value = v;
		return 1;
	}
	if (type != SQLITE_TEXT)
		return 0;
	text = (const char *)sqlite3_column_text(stmt, i);
	len = (size_t)sqlite3_column_bytes(stmt, i);
	/* Only digits, no leading zero, and no NUL byte inside. */
	if (!text || !len || strlen(text) != len ||
	    strspn(text, "0123456789") != len || (text[0] == '0' && len > 1))
		return 0;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end)
		return 0;
	*value = v;
	return 1;
}

/*
 * Read an id from column `i`. GitLab's ids are bigint values from 1, so
 * besides what column_whole() rejects, 0 is no id either.
 */
static int column_id(sqlite3_stmt *stmt, int i, int64_t *id)
{
	if (column_whole(stmt, i, id) && *id > 0)
		return 1;
	*id = 0;
	return 0;
}

/*
 * Copy the raw value of column `i` for the reports, as SQLite gives it
 * as text, cut like a name; NULL for NULL.
 */
static char *column_raw(sqlite3_stmt *stmt, int i)
{
	const char *text;
	int cut;

	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		return NULL;
	text = (const char *)sqlite3_column_text(stmt, i);
	if (!text)
		return xstrdup("");
	return copy_text(text, value_length(text,
			 (size_t)sqlite3_column_bytes(stmt, i), &cut));
}

/* Add `raw` (NULL for NULL) to `out` as a finding message shows it. */
static void show_raw(struct buf *out, const char *raw)
{
	if (raw) {
		buf_addch(out, '"');
		text_escape_str(out, raw, TEXT_NAME_MAX);
		buf_addch(out, '"');
	} else {
		buf_adds(out, "NULL");
	}
}

/*
 * A boolean as PostgreSQL exports it: 0/1, or 't'/'f' from a CSV copy.
 * NULL reads as false, which is GitLab's meaning for a nullable flag.
 * Returns 0 or 1, or -1 for any other value.
 */
static int column_bool(sqlite3_stmt *stmt, int i)
{
	const char *text;

	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_NULL:
		return 0;
	case SQLITE_INTEGER:
		switch (sqlite3_column_int64(stmt, i)) {
		case 0:
			return 0;
		case 1:
			return 1;
		default:
			return -1;
		}
	default:
		text = (const char *)sqlite3_column_text(stmt, i);
		if (!text)
			return 0;
		/* "t\0f" is neither: what follows a NUL byte counts too. */
		if (strlen(text) != (size_t)sqlite3_column_bytes(stmt, i))
			return -1;
		if (!strcasecmp(text, "t") || !strcasecmp(text, "true") ||
		    !strcmp(text, "1"))
			return 1;
		if (!strcasecmp(text, "f") || !strcasecmp(text, "false") ||
		    !strcmp(text, "0"))
			return 0;
		return -1;
	}
}

static void column_timestamp(sqlite3_stmt *stmt, int i, int available,
			     struct timestamp *out)
{
	const char *text = column_text(stmt, i);
	char *copy;

	if (!available) {
		memset(out, 0, sizeof(*out));
		out->state = TS_UNAVAILABLE;
		return;
	}
	/*
	 * A NUL byte makes the value invalid, not cut short at the NUL, and
	 * a date longer than a name is kept only as far as a name is.
	 */
	if (text && (strlen(text) != (size_t)sqlite3_column_bytes(stmt, i) ||
		     strlen(text) > VALUE_MAX_BYTES)) {
		int cut;

		copy = copy_text(text, value_length(text,
				 (size_t)sqlite3_column_bytes(stmt, i), &cut));
		ts_parse(copy, out);
		free(copy);
		return;
	}
	ts_parse(text, out);
}

/* Feed the first `n` columns of the current row into the snapshot digest. */
static void digest_columns(struct loader *ld, sqlite3_stmt *stmt, int n)
{
	struct buf *row = &ld->digest_row;
	int i;

	/*
	 * The row is serialized whole and hashed with one call: a call per
	 * value cost more than the hashing on snapshots of a million rows.
	 */
	buf_reset(row);
	for (i = 0; i < n; i++) {
		unsigned char type = (unsigned char)sqlite3_column_type(stmt, i);
		const void *data = NULL;
		uint64_t len = 0;
		unsigned char head[9];
		int b;

		if (type != SQLITE_NULL) {
			data = type == SQLITE_BLOB ? sqlite3_column_blob(stmt, i)
						   : sqlite3_column_text(stmt, i);
			len = (uint64_t)sqlite3_column_bytes(stmt, i);
		}
		head[0] = type;
		for (b = 0; b < 8; b++)
			head[1 + b] = (unsigned char)(len >> (56 - 8 * b));
		buf_add(row, head, sizeof(head));
		if (len)
			buf_add(row, data, (size_t)len);
	}
	gcry_md_write(ld->digest, row->data, row->len);
}

/* Feed every column of the current row into the snapshot digest. */
static void digest_row(struct loader *ld, sqlite3_stmt *stmt)
{
	digest_columns(ld, stmt, sqlite3_column_count(stmt));
}

/*
 * The columns of a bot's resource row that the digest covers. The last
 * one, whether the project or group was found, is left out: the path and
 * the project's state before it change when the row goes, and digests
 * of plans made before the column existed stay valid.
 */
#define BOT_DIGEST_COLUMNS 7

static struct owner *find_owner(struct model *model, int64_t id)
{
	return (struct owner *)model_find_owner(model, id);
}

/* A text column copied into the model's strings. */
/* A value for the model's strings, cut to VALUE_MAX_BYTES (*cut set then). */
static const char *column_pooled(struct model *model, sqlite3_stmt *stmt,
				 int i, int *cut)
{
	const char *text = column_text(stmt, i);
	size_t len = (size_t)sqlite3_column_bytes(stmt, i);
	char *copy;
	const char *pooled;

	*cut = 0;
	if (text)
		len = value_length(text, len, cut);
	if (!text || !memchr(text, '\0', len))
		return model_strdup(model, text, len);
	copy = copy_text(text, len);
	pooled = model_strdup(model, copy, strlen(copy));
	free(copy);
	return pooled;
}

/*
 * users.state: GitLab's own states share one copy, others are copied.
 * *invalid is set for NULL and for a state that GitLab does not define.
 */
static const char *column_state(struct model *model, sqlite3_stmt *stmt,
				int i, int *invalid)
{
	static const char *const states[] = {
		"active", "blocked", "ldap_blocked", "blocked_pending_approval",
		"banned", "deactivated",
	};
	const char *text = column_text(stmt, i);
	size_t k;
	int cut;

	*invalid = 0;
	/* "active\0blocked" is no state of GitLab's, and is copied whole. */
	if (text && strlen(text) != (size_t)sqlite3_column_bytes(stmt, i))
		text = NULL;
	for (k = 0; text && k < sizeof(states) / sizeof(states[0]); k++)
		if (!strcmp(text, states[k]))
			return states[k];
	/* The policy adds the value-invalid finding to each credential. */
	*invalid = 1;
	return column_pooled(model, stmt, i, &cut);
}

/*
 * A reference time before the export judges the snapshot at a moment it
 * does not describe: credentials created later look active, uses lie in
 * the future. That may be intended, so it is a warning.
 */
/* Days after the export beyond which --now is likely a mistake. */
#define EXPORT_AGE_WARN_DAYS 30

/*
 * Warn when --now is before the export, or long after it: states and ages
 * are judged at --now, so an old snapshot audited at today's date shows
 * tokens as expired or unused that were neither when it was exported.
 */
static void warn_if_far_from_export(const struct loader *ld, const char *text)
{
	struct timestamp exported;
	char now[TS_TEXT_MAX], when[TS_TEXT_MAX];

	if (ts_parse(text, &exported) < 0 || exported.state != TS_SET)
		goto out;
	ts_format(ld->model->now, now);
	ts_format(exported.sec, when);
	if (ld->model->now < exported.sec - 300)
		warning("--now %s is before the snapshot was exported (%s), so states and ages describe a time the snapshot does not show",
			now, when);
	else if (ld->model->now - exported.sec > EXPORT_AGE_WARN_DAYS * 86400LL)
		warning("--now %s is %lld days after the snapshot was exported (%s): states and ages are judged at --now; pass --now %s to see the instance as it was",
			now, (long long)((ld->model->now - exported.sec) / 86400),
			when, when);
out:
	ts_release(&exported);
}

static enum snapshot_status load_snapshot_info(struct loader *ld)
{
	sqlite3_stmt *stmt;
	enum snapshot_status status;
	int rc;

	if ((status = prepare_query(ld, "snapshot_info.sql", &stmt)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *key = column_text(stmt, 0);

		if (!key)
			continue;
		if (!strcmp(key, "gitlab_version") && !ld->model->gitlab_version)
			ld->model->gitlab_version = column_strdup(stmt, 1);
		else if (!strcmp(key, "gitlab_host") && !ld->gitlab_host) {
			ld->gitlab_host = column_strdup(stmt, 1);
			ld->model->gitlab_host = column_strdup(stmt, 1);
		}
		else if (!strcmp(key, "exported_at"))
			warn_if_far_from_export(ld, column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SNAPSHOT_OK : sql_failed(ld, "snapshot_info.sql");
}

/*
 * Read users.user_type, a smallint that GitLab's schema keeps NOT NULL,
 * into `owner`. Any whole number counts, so that a type newer than credaudit
 * is shown as "unknown" rather than rejected. NULL or anything else
 * makes it invalid, with the raw text kept for the reports.
 */
static void read_user_type(struct model *model, sqlite3_stmt *stmt, int i,
			   struct owner *owner)
{
	int64_t value;
	char *raw;

	if (column_whole(stmt, i, &value) && value <= 32767) {
		owner->user_type = (int)value;
		return;
	}
	owner->user_type = -1;
	owner->user_type_invalid = 1;
	raw = column_raw(stmt, i);
	owner->user_type_raw = raw ? model_strdup(model, raw, strlen(raw)) : NULL;
	free(raw);
}

static int compare_owner_ids(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Sort the owners by their id as an integer. users.sql orders by id, but
 * SQLite orders ids stored as text ('1', '10', '2'), as a plain CSV import
 * makes them, as text. GitLab's primary key allows one row per id, so a
 * repeated id means a damaged snapshot. A lookup finds one of its rows, in
 * no defined order. So every row of that id is marked id_repeated, and the
 * policy skips the rules that read the owner's row.
 */
static void sort_owners(struct model *model)
{
	size_t i, repeated = 0;
	int64_t first_repeated = 0;

	for (i = 1; i < model->owner_count; i++)
		if (model->owners[i - 1].id > model->owners[i].id)
			break;
	if (i < model->owner_count)
		qsort(model->owners, model->owner_count, sizeof(*model->owners),
		      compare_owner_ids);
	for (i = 1; i < model->owner_count; i++) {
		if (model->owners[i - 1].id != model->owners[i].id)
			continue;
		/* Count each repeated id once, however many rows it has. */
		if (!model->owners[i - 1].id_repeated && !repeated++)
			first_repeated = model->owners[i].id;
		model->owners[i - 1].id_repeated = 1;
		model->owners[i].id_repeated = 1;
	}
	if (repeated == 1)
		warning("the users table repeats id %" PRId64 ": which row is the owner is unknown, so the owner rules skip that user's credentials (value-invalid)",
			first_repeated);
	else if (repeated)
		warning("the users table repeats id %" PRId64 " and %zu more: which row is the owner is unknown, so the owner rules skip those users' credentials (value-invalid)",
			first_repeated, repeated - 1);
}

static int compare_emails(const void *a, const void *b)
{
	const struct secondary_email *x = a, *y = b;

	if (x->user_id != y->user_id)
		return (x->user_id > y->user_id) - (x->user_id < y->user_id);
	return (x->order > y->order) - (x->order < y->order);
}

/*
 * Sort the addresses by user id as an integer, for verified_emails().
 * The query orders user ids stored as text, as a plain CSV import makes
 * them, as text ('10' before '9').
 */
static void sort_emails(struct loader *ld)
{
	size_t i;

	for (i = 1; i < ld->email_count; i++)
		if (ld->emails[i - 1].user_id > ld->emails[i].user_id)
			break;
	if (i < ld->email_count)
		qsort(ld->emails, ld->email_count, sizeof(*ld->emails),
		      compare_emails);
}

static enum snapshot_status load_users(struct loader *ld)
{
	struct model *model = ld->model;
	sqlite3_stmt *stmt;
	enum snapshot_status status;
	size_t cap = 0, invalid_ids = 0;
	char *first_invalid = NULL;
	int rc, cut;

	/*
	 * Owners stay in memory for the whole run, so each takes little: the
	 * private commit address is made when a GPG key needs it, and the
	 * secondary addresses wait in ld->emails.
	 */
	if ((status = prepare_query(ld, "users.sql", &stmt)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct owner *owner;
		int64_t id;

		/* No credential can name a user whose id is not one. */
		if (!column_id(stmt, 0, &id)) {
			if (!invalid_ids++)
				first_invalid = column_raw(stmt, 0);
			continue;
		}
		if (model->owner_count == cap) {
			cap = cap ? cap * 2 : 256;
			model->owners = xrealloc(model->owners,
						 cap * sizeof(*owner));
		}
		owner = &model->owners[model->owner_count++];
		memset(owner, 0, sizeof(*owner));
		owner->id = id;
		owner->username = column_pooled(model, stmt, 1, &cut);
		owner->cut |= cut ? OWNER_CUT_USERNAME : 0;
		owner->name = column_pooled(model, stmt, 2, &cut);
		owner->cut |= cut ? OWNER_CUT_NAME : 0;
		owner->state = column_state(model, stmt, 3, &owner->state_invalid);
		read_user_type(model, stmt, 4, owner);
		/* users.admin is NOT NULL in GitLab, so NULL is invalid too. */
		owner->admin = sqlite3_column_type(stmt, 5) == SQLITE_NULL
			? -1 : column_bool(stmt, 5);

		/* The primary address counts once it is confirmed. */
		if (column_text(stmt, 6) && column_text(stmt, 7))
			owner->primary_email = column_pooled(model, stmt, 6,
							     &cut);
	}
	sqlite3_finalize(stmt);
	ld->invalid_user_rows = invalid_ids;
	if (invalid_ids) {
		struct buf shown = BUF_INIT;

		show_raw(&shown, first_invalid);
		warning("the users table in '%s' has %zu row%s whose id is not a positive integer, such as %s; no credential can name such a user, so credentials are matched to the other rows",
			ld->path, invalid_ids, invalid_ids == 1 ? "" : "s",
			shown.data);
		buf_release(&shown);
		free(first_invalid);
	}
	if (rc != SQLITE_DONE)
		return sql_failed(ld, "users.sql");
	if (model->owner_count)
		model->owners = xrealloc(model->owners, model->owner_count *
					 sizeof(*model->owners));
	sort_owners(model);
	model_index_owners(model);

	if ((status = prepare_query(ld, "verified_emails.sql", &stmt)))
		return status;
	cap = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t user_id;

		if (!column_id(stmt, 0, &user_id) || !column_text(stmt, 2) ||
		    !column_text(stmt, 1) || !find_owner(model, user_id))
			continue;
		if (ld->email_count == cap) {
			cap = cap ? cap * 2 : 64;
			ld->emails = xrealloc(ld->emails, cap * sizeof(*ld->emails));
		}
		ld->emails[ld->email_count].user_id = user_id;
		ld->emails[ld->email_count].email = column_pooled(model, stmt, 1,
								  &cut);
		ld->emails[ld->email_count].order = ld->email_count;
		ld->email_count++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sql_failed(ld, "verified_emails.sql");
	sort_emails(ld);
	return SNAPSHOT_OK;
}

/*
 * The addresses that GitLab counts as verified for `owner`: the confirmed
 * primary address, the confirmed secondary ones, and the private commit
 * address ID-USERNAME@users.noreply.HOST. They go into `list`, whose
 * strings stay valid until `noreply` changes.
 */
static size_t verified_emails(const struct loader *ld,
			      const struct owner *owner, struct buf *noreply,
			      const char ***list, size_t *cap)
{
	size_t lo = 0, hi = ld->email_count, n = 0;

	/* The rows arrive by user id, so a user's addresses are adjacent. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ld->emails[mid].user_id < owner->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < ld->email_count && ld->emails[hi].user_id == owner->id;)
		hi++;
	if (*cap < hi - lo + 2) {
		*cap = hi - lo + 2;
		*list = xrealloc(*list, *cap * sizeof(**list));
	}
	if (owner->primary_email)
		(*list)[n++] = owner->primary_email;
	for (; lo < hi; lo++)
		(*list)[n++] = ld->emails[lo].email;
	if (ld->gitlab_host && owner->username) {
		buf_reset(noreply);
		buf_addf(noreply, "%lld-%s@users.noreply.%s",
			 (long long)owner->id, owner->username, ld->gitlab_host);
		(*list)[n++] = noreply->data;
	}
	return n;
}

/*
 * Read a project's state from columns `at` to `at` + 2 of `stmt`:
 * archived, pending_delete and marked_for_deletion_at. `has_archived` is 0
 * when the snapshot lacks projects.archived, whose NULL then means nothing.
 * resource->missing must be set: a project that is gone has no state.
 */
static void read_project_state(sqlite3_stmt *stmt, int at, int has_archived,
			       struct resource *resource)
{
	int archived = column_bool(stmt, at);
	int pending = column_bool(stmt, at + 1);
	struct timestamp marked;
	enum ts_state marked_state;

	column_timestamp(stmt, at + 2, 1, &marked);
	marked_state = marked.state;
	ts_release(&marked);
	/* projects.archived is NOT NULL in GitLab; a missing project has no row. */
	if (has_archived && sqlite3_column_type(stmt, at) == SQLITE_NULL &&
	    !resource->missing)
		archived = -1;
	resource->invalid_column = archived < 0 ? "archived"
		: pending < 0 ? "pending_delete"
		: marked_state == TS_INVALID ? "marked_for_deletion_at" : NULL;
	/* A value that is neither true nor false decides nothing. */
	resource->archived = !resource->invalid_column && archived == 1;
	resource->deleting = !resource->invalid_column &&
			     (pending == 1 || marked_state == TS_SET);
}

/* Add the id in column `i` to `out`: plain digits when valid, else quoted. */
static void show_id(struct buf *out, sqlite3_stmt *stmt, int i)
{
	int64_t id;
	char *raw;

	if (column_id(stmt, i, &id)) {
		buf_addf(out, "%" PRId64, id);
		return;
	}
	raw = column_raw(stmt, i);
	show_raw(out, raw);
	free(raw);
}

/*
 * Describe why the walk up namespaces.parent_id in columns 8 to 10 of a
 * bot's resource row reached no top-level namespace: the problem, the
 * last namespace walked and its parent_id. Returns NULL when it did.
 */
static char *describe_path_problem(sqlite3_stmt *stmt)
{
	const char *problem = column_text(stmt, 8);
	struct buf text = BUF_INIT;

	if (!problem)
		return NULL;
	buf_adds(&text, "namespaces.parent_id of namespace ");
	show_id(&text, stmt, 9);
	buf_adds(&text, " is ");
	show_id(&text, stmt, 10);
	if (!strcmp(problem, "loop"))
		buf_adds(&text, ", which leads back to a namespace already on the path (a loop)");
	else if (!strcmp(problem, "depth"))
		buf_adds(&text, ", past the 20 ancestors that GitLab allows a group");
	else
		buf_adds(&text, ", which is not in the namespaces table");
	buf_adds(&text, ", so the path of the bot's project or group is not available");
	return buf_detach(&text, NULL);
}

/*
 * Add the project or group of bot user `user_id` from the current row of
 * `stmt`. Column 2 has the resource's id and column 3 its path. Columns
 * 4 to 6 have the project's state, column 7 whether it was found, and
 * columns 8 to 10 why the path is NULL (describe_path_problem()).
 */
static void add_bot(struct loader *ld, int64_t user_id, enum resource_type type,
		    sqlite3_stmt *stmt)
{
	const char *path = column_text(stmt, 3);
	struct bot_resource *bot;
	int known;

	/* Rows arrive ordered by user; the first resource of a bot wins. */
	if (ld->bot_count && ld->bots[ld->bot_count - 1].user_id == user_id)
		return;
	ld->bots = xrealloc(ld->bots, (ld->bot_count + 1) * sizeof(*bot));
	bot = &ld->bots[ld->bot_count++];
	memset(bot, 0, sizeof(*bot));
	bot->user_id = user_id;
	bot->resource.type = type;
	column_id(stmt, 2, &bot->resource.id);
	/* A path is a name too: GitLab keeps each part to 255 characters. */
	if (path) {
		int cut;

		bot->resource.path = xstrndup(path, value_length(path, strlen(path),
								  &cut));
		bot->resource.path_cut = cut;
	}
	bot->path_problem = describe_path_problem(stmt);
	/* Without the table of the resource, no row of it can be looked for. */
	known = ld->state[type == RESOURCE_PROJECT ? T_PROJECTS
						   : T_NAMESPACES].present;
	bot->existence_unknown = !known;
	bot->resource.missing = known && sqlite3_column_int(stmt, 7) == 0;
	if (type == RESOURCE_PROJECT)
		read_project_state(stmt, 4, has_column(ld, T_PROJECTS, 4),
				   &bot->resource);
}

static int compare_bots(const void *a, const void *b)
{
	const struct bot_resource *x = a, *y = b;

	return (x->user_id > y->user_id) - (x->user_id < y->user_id);
}

static const struct bot_resource *find_bot(const struct loader *ld,
					   int64_t user_id)
{
	struct bot_resource key = { .user_id = user_id };

	if (!ld->bot_count)
		return NULL;
	return bsearch(&key, ld->bots, ld->bot_count, sizeof(key), compare_bots);
}

static enum snapshot_status load_bots(struct loader *ld)
{
	sqlite3_stmt *stmt;
	enum snapshot_status status;
	size_t from_members;
	int rc;

	if ((status = prepare_query(ld, "bot_memberships.sql", &stmt)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *type = column_text(stmt, 1);
		int64_t user_id, resource_id;

		/* A bot's project decides its token's kind, request and rules. */
		digest_columns(ld, stmt, BOT_DIGEST_COLUMNS);
		/* A row with an invalid user or resource id names no resource. */
		if (!column_id(stmt, 0, &user_id) ||
		    !column_id(stmt, 2, &resource_id))
			continue;
		add_bot(ld, user_id,
			type && !strcmp(type, "Project") ? RESOURCE_PROJECT
							 : RESOURCE_GROUP,
			stmt);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sql_failed(ld, "bot_memberships.sql");

	/* Bots without a membership row fall back to user_details. */
	from_members = ld->bot_count;
	if ((status = prepare_query(ld, "bot_namespaces.sql", &stmt)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *type = column_text(stmt, 1);
		struct bot_resource key;
		int64_t resource_id;

		digest_columns(ld, stmt, BOT_DIGEST_COLUMNS);
		if (!column_id(stmt, 0, &key.user_id) ||
		    (from_members && bsearch(&key, ld->bots, from_members,
					     sizeof(key), compare_bots)))
			continue;
		/*
		 * A project namespace without its project has no resource id.
		 * A user's own namespace (type 'User') serves no bot.
		 */
		if (!column_id(stmt, 2, &resource_id) || !type ||
		    (strcmp(type, "Project") && strcmp(type, "Group")))
			continue;
		add_bot(ld, key.user_id,
			!strcmp(type, "Project") ? RESOURCE_PROJECT
						 : RESOURCE_GROUP,
			stmt);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sql_failed(ld, "bot_namespaces.sql");
	if (ld->bot_count)
		qsort(ld->bots, ld->bot_count, sizeof(*ld->bots), compare_bots);
	return SNAPSHOT_OK;
}

/*
 * Record the missing column `column` of table `t` as GitLab names it,
 * "keys.last_used_at", with what it leaves unavailable.
 */
static void note_missing_column(struct loader *ld, enum table_id t,
				int column, unsigned kinds, unsigned fields)
{
	struct buf name = BUF_INIT;

	buf_addf(&name, "%s.%s", tables[t].name, tables[t].columns[column]);
	model_add_missing(ld->model, name.data, kinds, fields, 0);
	buf_release(&name);
}

/* Record column `column` of table `t` as holding an invalid value. */
static void note_invalid_column(struct loader *ld, enum table_id t,
				int column, unsigned kinds, unsigned fields)
{
	struct buf name = BUF_INIT;

	buf_addf(&name, "%s.%s", tables[t].name, tables[t].columns[column]);
	model_add_invalid(ld->model, name.data, kinds, fields);
	buf_release(&name);
}

/*
 * Record table `t`, which is not read: it is absent, or inspect_schema()
 * set it aside for lack of a required column, which is then named.
 */
static void note_missing_table(struct loader *ld, enum table_id t,
			       unsigned kinds, unsigned fields,
			       int table_unread)
{
	int i;

	if (!ld->state[t].columns) {
		model_add_missing(ld->model, tables[t].name, kinds, fields,
				  table_unread);
		return;
	}
	for (i = 0; i < MAX_COLUMNS && tables[t].columns[i]; i++) {
		struct buf name = BUF_INIT;

		if (!(tables[t].required & (1u << i)) ||
		    (ld->state[t].columns & (1u << i)))
			continue;
		buf_addf(&name, "%s.%s", tables[t].name, tables[t].columns[i]);
		model_add_missing(ld->model, name.data, kinds, fields,
				  table_unread);
		buf_release(&name);
	}
}

/*
 * The sizes that GitLab offers in <type>_key_restriction besides -1
 * (forbidden) and 0 (any size), from supported_sizes in GitLab's
 * lib/gitlab/ssh_public_key.rb. A 0 ends each list.
 */
static const int64_t restriction_values[KEY_FAMILY_COUNT][6] = {
	[KEY_RSA] = { 1024, 2048, 3072, 4096 },
	[KEY_DSA] = { 1024, 2048, 3072 },
	[KEY_ECDSA] = { 256, 384, 521 },
	[KEY_ED25519] = { 256 },
	[KEY_ECDSA_SK] = { 256 },
	[KEY_ED25519_SK] = { 256 },
};

/*
 * The largest maximum lifetime, in days: GitLab's limit for access tokens
 * is 365, or 400 behind a feature flag.
 * NOTE: the same limit is assumed for max_ssh_key_lifetime; it was not
 * read from GitLab's validation of that setting.
 */
#define SETTING_LIFETIME_MAX 400

/*
 * Read column `i` of application_settings (`column` in the table spec)
 * into `out`: an integer, or the digits of one in a text export, that
 * `valid` accepts. NULL is SETTING_NULL. Anything else is
 * SETTING_INVALID, with a warning that names the value, what GitLab
 * stores and `consequence`.
 */
static void read_setting(struct loader *ld, sqlite3_stmt *stmt, int i,
			 int column, int (*valid)(int64_t value, int family),
			 int family, const char *stored,
			 const char *consequence, struct setting *out)
{
	/* The type first: sqlite3_column_text() may convert the value. */
	int type = sqlite3_column_type(stmt, i);
	const char *text = column_text(stmt, i);
	char *end = NULL;
	long long v = 0;
	int ok = 0;

	out->state = SETTING_INVALID;
	switch (type) {
	case SQLITE_NULL:
		out->state = SETTING_NULL;
		return;
	case SQLITE_INTEGER:
		v = sqlite3_column_int64(stmt, i);
		ok = 1;
		break;
	case SQLITE_TEXT:
		/* Digits with an optional '-', and nothing else, not even a NUL. */
		if (strlen(text) != (size_t)sqlite3_column_bytes(stmt, i) ||
		    !(*text == '-' || (*text >= '0' && *text <= '9')))
			break;
		errno = 0;
		v = strtoll(text, &end, 10);
		ok = !*end && !errno && end != text;
		break;
	default:
		break;   /* a REAL or a BLOB is not what GitLab stores */
	}
	if (ok && valid(v, family)) {
		out->state = SETTING_SET;
		out->value = v;
		return;
	}
	{
		struct buf shown = BUF_INIT;

		text_escape(&shown, text ? text : "",
			    (size_t)sqlite3_column_bytes(stmt, i), TEXT_NAME_MAX);
		warning("application_settings.%s in '%s' is \"%s\", not %s as GitLab stores it, so %s; export the table again (docs/export.md)",
			tables[T_SETTINGS].columns[column], ld->path, shown.data,
			stored, consequence);
		buf_release(&shown);
	}
}

static int valid_restriction(int64_t value, int family)
{
	size_t k;

	if (value == -1 || value == 0)
		return 1;
	for (k = 0; k < 6 && restriction_values[family][k]; k++)
		if (value == restriction_values[family][k])
			return 1;
	return 0;
}

static int valid_lifetime(int64_t value, int family)
{
	(void)family;
	return value >= 1 && value <= SETTING_LIFETIME_MAX;
}

/*
 * Read the instance's key restrictions and maximum lifetimes from
 * application_settings. What the snapshot lacks is noted for the rules
 * that need it: ssh-key-restricted and ssh-key-lifetime. Without a
 * maximum token lifetime, token-lifetime uses GitLab's default.
 */
static enum snapshot_status load_settings(struct loader *ld)
{
	struct instance_settings *set = &ld->model->settings;
	const unsigned both = FIELD_KEY_RESTRICTION | FIELD_KEY_MAX_LIFETIME;
	sqlite3_stmt *stmt;
	enum snapshot_status status;
	int f, rc;

	if (!ld->state[T_SETTINGS].present) {
		note_missing_table(ld, T_SETTINGS, KINDS_SSH, both, 0);
		return SNAPSHOT_OK;
	}
	if ((status = prepare_query(ld, "application_settings.sql", &stmt)))
		return status;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		warning("application_settings in '%s' has no row, so the instance's SSH key restrictions and maximum lifetimes are unknown; export the table again (docs/export.md)",
			ld->path);
		model_add_missing(ld->model, tables[T_SETTINGS].name, KINDS_SSH,
				  both, 0);
		sqlite3_finalize(stmt);
		return SNAPSHOT_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return sql_failed(ld, "application_settings.sql");
	}
	/* The settings decide findings and actions, so the digest covers them. */
	digest_row(ld, stmt);
	set->table_read = 1;
	for (f = 0; f < KEY_FAMILY_COUNT; f++) {
		int column = SETTINGS_RESTRICTION_COLUMN(f);
		const char *label = key_family_label((enum key_family)f);
		char consequence[64];
		struct setting *restriction = &set->key_restriction[f];

		if (!has_column(ld, T_SETTINGS, column)) {
			note_missing_column(ld, T_SETTINGS, column, KINDS_SSH,
					    FIELD_KEY_RESTRICTION);
			continue;
		}
		snprintf(consequence, sizeof(consequence),
			 "%s SSH keys are not checked against it", label);
		read_setting(ld, stmt, f, column, valid_restriction, f,
			     "-1, 0 or a key size that GitLab offers for the type",
			     consequence, restriction);
		/* The column is NOT NULL in GitLab. */
		if (restriction->state == SETTING_NULL) {
			warning("application_settings.%s in '%s' is NULL, which GitLab does not store, so %s; export the table again (docs/export.md)",
				tables[T_SETTINGS].columns[column], ld->path,
				consequence);
			restriction->state = SETTING_INVALID;
		}
		if (restriction->state == SETTING_INVALID)
			note_invalid_column(ld, T_SETTINGS, column, KINDS_SSH,
					    FIELD_KEY_RESTRICTION);
	}
	if (has_column(ld, T_SETTINGS, SETTINGS_TOKEN_LIFETIME_COLUMN))
		read_setting(ld, stmt, 6, SETTINGS_TOKEN_LIFETIME_COLUMN,
			     valid_lifetime, 0, "a number of days from 1 to 400",
			     "token lifetimes are judged against GitLab's default of 365 days",
			     &set->max_token_lifetime);
	if (has_column(ld, T_SETTINGS, SETTINGS_KEY_LIFETIME_COLUMN))
		read_setting(ld, stmt, 7, SETTINGS_KEY_LIFETIME_COLUMN,
			     valid_lifetime, 0, "a number of days from 1 to 400",
			     "SSH key lifetimes are not checked",
			     &set->max_key_lifetime);
	if (set->max_key_lifetime.state == SETTING_UNREAD)
		note_missing_column(ld, T_SETTINGS, SETTINGS_KEY_LIFETIME_COLUMN,
				    KINDS_SSH, FIELD_KEY_MAX_LIFETIME);
	else if (set->max_key_lifetime.state == SETTING_INVALID)
		note_invalid_column(ld, T_SETTINGS, SETTINGS_KEY_LIFETIME_COLUMN,
				    KINDS_SSH, FIELD_KEY_MAX_LIFETIME);
	if (sqlite3_column_int64(stmt, 8) > 1) {
		struct buf id = BUF_INIT;

		text_escape_str(&id, column_text(stmt, 9) ? column_text(stmt, 9)
							   : "NULL",
				TEXT_NAME_MAX);
		warning("application_settings in '%s' has %lld rows; like GitLab, the report uses the one with the highest id, %s",
			ld->path, (long long)sqlite3_column_int64(stmt, 8),
			id.data);
		buf_release(&id);
	}
	sqlite3_finalize(stmt);
	return SNAPSHOT_OK;
}

/*
 * Return `fields` when table `t` lacks column `column`, and 0 when it has
 * it. A missing column of a table that is read is recorded in the model
 * for the credentials of `kinds`.
 */
static unsigned column_unavailable(struct loader *ld, enum table_id t,
				   int column, unsigned kinds, unsigned fields)
{
	if (has_column(ld, t, column))
		return 0;
	if (ld->state[t].present)
		note_missing_column(ld, t, column, kinds, fields);
	return fields;
}

/* An optional column of a credential table and what it fills. */
struct optional_column {
	int column;           /* index in the table's column list */
	unsigned field;       /* enum field bit that is unavailable without it */
};

/*
 * Return the fields of table `t` that the snapshot lacks, of the `count`
 * optional columns in `columns`, noting each missing one for `kinds`.
 */
static unsigned columns_unavailable(struct loader *ld, enum table_id t,
				    unsigned kinds,
				    const struct optional_column *columns,
				    size_t count)
{
	unsigned unavailable = 0;
	size_t i;

	for (i = 0; i < count; i++)
		unavailable |= column_unavailable(ld, t, columns[i].column,
						  kinds, columns[i].field);
	return unavailable;
}

/*
 * Return 1 when the snapshot can tell that a bot user has no project or
 * group: it has the members table, or the user_details fallback with
 * the namespaces and projects.project_namespace_id it resolves through
 * (bot_namespaces.sql).
 */
static int bot_lookup_complete(const struct loader *ld)
{
	return ld->state[T_MEMBERS].present ||
	       (ld->state[T_USER_DETAILS].present &&
		ld->state[T_NAMESPACES].present && has_column(ld, T_PROJECTS, 3));
}

/* Record what keeps bot users' projects and groups unknown, if anything. */
static void note_bot_lookup(struct loader *ld)
{
	if (bot_lookup_complete(ld)) {
		/*
		 * A membership names its project or group by id, but without
		 * their table the snapshot cannot show whether it is gone.
		 */
		if (!ld->state[T_PROJECTS].present)
			note_missing_table(ld, T_PROJECTS,
					   KIND_BIT(KIND_PROJECT_TOKEN),
					   FIELD_RESOURCE, 0);
		if (!ld->state[T_NAMESPACES].present)
			note_missing_table(ld, T_NAMESPACES,
					   KIND_BIT(KIND_GROUP_TOKEN),
					   FIELD_RESOURCE, 0);
		return;
	}
	note_missing_table(ld, T_MEMBERS, KINDS_BOT_TOKEN, FIELD_RESOURCE, 0);
	if (!ld->state[T_USER_DETAILS].present)
		note_missing_table(ld, T_USER_DETAILS, KINDS_BOT_TOKEN,
				   FIELD_RESOURCE, 0);
	if (!ld->state[T_NAMESPACES].present)
		note_missing_table(ld, T_NAMESPACES, KINDS_BOT_TOKEN,
				   FIELD_RESOURCE, 0);
	if (!ld->state[T_PROJECTS].present)
		note_missing_table(ld, T_PROJECTS, KINDS_BOT_TOKEN,
				   FIELD_RESOURCE, 0);
	else
		column_unavailable(ld, T_PROJECTS, 3, KINDS_BOT_TOKEN,
				   FIELD_RESOURCE);
}

/* Tell a project token from a group token by the bot user's resource. */
static void classify_token(struct loader *ld, struct credential *cred)
{
	const struct bot_resource *bot;

	if (!cred->owner || cred->owner->user_type != 6)
		return;
	bot = find_bot(ld, cred->owner_id);
	if (bot) {
		cred->kind = bot->resource.type == RESOURCE_PROJECT
			? KIND_PROJECT_TOKEN : KIND_GROUP_TOKEN;
		cred->resource.type = bot->resource.type;
		cred->resource.id = bot->resource.id;
		cred->resource.path = bot->resource.path
			? xstrdup(bot->resource.path) : NULL;
		cred->resource.archived = bot->resource.archived;
		cred->resource.deleting = bot->resource.deleting;
		cred->resource.missing = bot->resource.missing;
		if (bot->resource.path_cut)
			finding_add(cred, "value-invalid",
			    "the path of the bot's project or group is longer than GitLab stores; the reports show its first %d bytes",
			    VALUE_MAX_BYTES);
		if (bot->path_problem)
			finding_add(cred, "value-invalid", "%s",
				    bot->path_problem);
		if (bot->resource.invalid_column)
			finding_add(cred, "value-invalid",
			    "projects.%s of project %lld is not a value GitLab stores, so token-project-inactive was skipped",
			    bot->resource.invalid_column,
			    (long long)bot->resource.id);
		if (!has_column(ld, T_PROJECTS, 4))
			cred->unavailable |= FIELD_PROJECT_STATE;
		if (bot->existence_unknown)
			policy_skip_rule(cred, "token-resource-missing");
		else if (bot->resource.missing)
			finding_add(cred, "token-resource-missing",
			    "bot user @%s is a member of %s %lld, which is not in the snapshot's %s table",
			    cred->owner->username ? cred->owner->username : "?",
			    bot->resource.type == RESOURCE_PROJECT ? "project" : "group",
			    (long long)bot->resource.id,
			    bot->resource.type == RESOURCE_PROJECT ? "projects" : "namespaces");
		return;
	}

	/* GitLab names group bots group_<id>_bot_<hex>, project bots project_... */
	cred->kind = cred->owner->username &&
		     !strncmp(cred->owner->username, "group_", 6)
		? KIND_GROUP_TOKEN : KIND_PROJECT_TOKEN;
	cred->unavailable |= FIELD_RESOURCE;
	if (!bot_lookup_complete(ld)) {
		/* Without a complete lookup, no missing resource is known. */
		policy_skip_rule(cred, "token-resource-missing");
		return;
	}
	finding_add(cred, "token-resource-missing",
		    "bot user @%s has no project or group membership in the snapshot",
		    cred->owner->username ? cred->owner->username : "?");
}

/* The table that contains credentials of `kind`. */
static enum table_id kind_table(enum cred_kind kind)
{
	switch (kind) {
	case KIND_SSH_KEY:
	case KIND_DEPLOY_KEY:
		return T_KEYS;
	case KIND_GPG_KEY:
		return T_GPG_KEYS;
	default:
		return T_TOKENS;
	}
}

/*
 * Add the finding for an owner whose users.user_type GitLab would not
 * store. The type decides whether a token is a personal access token or
 * a project or group token, so such a token's kind is a guess and it
 * gets no plan action.
 */
static void note_owner_user_type(struct credential *cred)
{
	struct buf shown = BUF_INIT;
	int token = kind_table(cred->kind) == T_TOKENS;

	if (!cred->owner || !cred->owner->user_type_invalid)
		return;
	show_raw(&shown, cred->owner->user_type_raw);
	finding_add(cred, "value-invalid",
		    "users.user_type of the owner is %s, not a user type%s",
		    shown.data,
		    token ? ", so whether this is a personal, project or group token is unknown and it is left out of the plan"
			  : "");
	buf_release(&shown);
}

/*
 * Read the owner id in column `i` of a credential row, after
 * cred->unavailable is set. GitLab stores an owner for every credential,
 * so a NULL or a value that is not a positive integer (digits in a text
 * export count) leaves the owner unknown, with a value-invalid finding.
 */
static void read_owner(struct loader *ld, sqlite3_stmt *stmt, int i,
		       struct credential *cred)
{
	struct buf shown = BUF_INIT;
	char *raw;

	cred->owner_id = 0;
	cred->owner = NULL;
	if (cred->unavailable & FIELD_OWNER)
		return;
	if (column_id(stmt, i, &cred->owner_id)) {
		cred->owner = model_find_owner(ld->model, cred->owner_id);
		note_owner_user_type(cred);
		return;
	}
	cred->unavailable |= FIELD_OWNER_INVALID;
	raw = column_raw(stmt, i);
	if (!raw) {
		finding_add(cred, "value-invalid",
			    "user_id is NULL, so the owner is unknown and the owner rules were skipped");
		return;
	}
	show_raw(&shown, raw);
	finding_add(cred, "value-invalid",
		    "user_id is %s, not a user id, so the owner is unknown and the owner rules were skipped",
		    shown.data);
	buf_release(&shown);
	free(raw);
}

/*
 * Read the credential's id from column 0. GitLab's ids are positive
 * integers, and any other value cannot be given to GitLab's API: NULL,
 * a fraction, a number too large for SQLite's integers, text that is not
 * plain digits, or 0. Then the reports show no id, report.json keeps the
 * raw value under "invalid", and the credential gets no plan action. The
 * same applies to text digits in a table whose earlier rows had integers.
 */
static void read_id(struct loader *ld, sqlite3_stmt *stmt,
		    struct credential *cred)
{
	enum table_id table = kind_table(cred->kind);
	int is_text = sqlite3_column_type(stmt, 0) == SQLITE_TEXT;
	struct buf shown = BUF_INIT;

	if (column_id(stmt, 0, &cred->id) && !is_text) {
		ld->integer_ids[table] = 1;
		return;
	}
	/*
	 * SQLite sorts text after numbers, so a text id in a table that also
	 * has integer ids does not follow an integer row of the same id, and
	 * hand_over() could not see the repeat.
	 */
	if (cred->id && !ld->integer_ids[table])
		return;
	cred->invalid_id = 1;
	cred->id_raw = column_raw(stmt, 0);
	show_raw(&shown, cred->id_raw);
	if (cred->id)
		finding_add(cred, "value-invalid",
			    "id is %s, text in a table whose other ids are integers, so it may repeat one of them and is left out of the plan",
			    shown.data);
	else
		finding_add(cred, "value-invalid",
			    "id is %s, not a positive integer, so GitLab's API cannot be given this credential and it is left out of the plan",
			    shown.data);
	cred->id = 0;
	buf_release(&shown);
}

/*
 * Give `cred` to the consumer and release it. Returns -1 when the
 * consumer failed, with its reason in ld->err.
 */
static int hand_over(struct loader *ld, struct credential *cred)
{
	enum table_id table = kind_table(cred->kind);
	int ret;

	/* The inventory counts rows per kind in this order, from 1. */
	cred->row = ++ld->kind_rows[cred->kind];
	/*
	 * Rows arrive by id, so a repeated id follows its first row. GitLab's
	 * primary keys make that impossible; plan_note_repeated_id() reports
	 * it once the plan has decided on the row.
	 */
	if (!cred->invalid_id) {
		cred->duplicate = ld->rows_seen[table] &&
				  ld->last_id[table] == cred->id;
		ld->rows_seen[table] = 1;
		ld->last_id[table] = cred->id;
	}

	ret = ld->row_fn(ld->row_arg, cred, ld->err);

	credential_release(cred);
	return ret;
}

/*
 * Read personal_access_tokens.impersonation, which GitLab keeps NOT NULL.
 * NULL or a value that is not a boolean is shown as unknown, with a
 * value-invalid finding. The flag decides no rule.
 */
static void read_impersonation(struct loader *ld, sqlite3_stmt *stmt, int i,
			       struct credential *cred)
{
	struct buf shown = BUF_INIT;
	int value = column_bool(stmt, i);

	if (!has_column(ld, T_TOKENS, i))
		return;
	if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
		value = -1;
	cred->impersonation = value;
	if (value >= 0)
		return;
	cred->impersonation_raw = column_raw(stmt, i);
	show_raw(&shown, cred->impersonation_raw);
	finding_add(cred, "value-invalid",
		    "impersonation is %s, not a boolean, so whether this is an impersonation token is unknown",
		    shown.data);
	buf_release(&shown);
}

/*
 * Read previous_personal_access_token_id, the token that this one
 * replaced by rotation; NULL means none. Any value but an id is shown as
 * no rotation, with a value-invalid finding.
 */
static void read_previous_id(sqlite3_stmt *stmt, int i,
			     struct credential *cred)
{
	struct buf shown = BUF_INIT;

	if (sqlite3_column_type(stmt, i) == SQLITE_NULL ||
	    column_id(stmt, i, &cred->previous_id))
		return;
	cred->previous_id_raw = column_raw(stmt, i);
	show_raw(&shown, cred->previous_id_raw);
	finding_add(cred, "value-invalid",
		    "previous_personal_access_token_id is %s, not a token id, so the token it replaced is unknown",
		    shown.data);
	buf_release(&shown);
}

static enum snapshot_status load_tokens(struct loader *ld)
{
	struct model *model = ld->model;
	sqlite3_stmt *stmt;
	enum snapshot_status status;
	static const struct optional_column token_columns[] = {
		{ 8, FIELD_SCOPES }, { 7, FIELD_LAST_USED }, { 4, FIELD_EXPIRES },
		{ 3, FIELD_REVOKED }, { 5, FIELD_CREATED },
	};
	unsigned unavailable = 0;
	int rc;

	if (!ld->state[T_TOKENS].present)
		note_missing_table(ld, T_TOKENS, KINDS_TOKEN, 0, 1);
	unavailable = columns_unavailable(ld, T_TOKENS, KINDS_TOKEN,
					  token_columns,
					  sizeof(token_columns) / sizeof(token_columns[0]));
	note_bot_lookup(ld);
	/* Without projects.archived, no project token's project is judged. */
	if (!ld->state[T_PROJECTS].present)
		note_missing_table(ld, T_PROJECTS, KIND_BIT(KIND_PROJECT_TOKEN),
				   FIELD_PROJECT_STATE, 0);
	else
		column_unavailable(ld, T_PROJECTS, 4,
				   KIND_BIT(KIND_PROJECT_TOKEN), FIELD_PROJECT_STATE);

	if ((status = prepare_query(ld, "personal_access_tokens.sql", &stmt)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct credential row, *cred = &row;
		const char *scopes = column_text(stmt, 8);
		int revoked = column_bool(stmt, 3);
		size_t name_bytes;

		credential_init(cred, KIND_PERSONAL_TOKEN);
		digest_row(ld, stmt);
		read_id(ld, stmt, cred);
		cred->name = column_value(stmt, 2, &name_bytes);
		note_name_cut(cred, name_bytes);
		cred->unavailable = unavailable;
		read_owner(ld, stmt, 1, cred);
		column_timestamp(stmt, 4, has_column(ld, T_TOKENS, 4), &cred->expires_at);
		column_timestamp(stmt, 5, has_column(ld, T_TOKENS, 5), &cred->created_at);
		column_timestamp(stmt, 7, has_column(ld, T_TOKENS, 7), &cred->last_used_at);
		read_impersonation(ld, stmt, 9, cred);
		read_previous_id(stmt, 10, cred);

		if (revoked < 0) {
			finding_add(cred, "value-invalid",
				    "revoked is \"%s\", not a boolean; the token is shown as not revoked",
				    column_text(stmt, 3));
			revoked = 0;
		}
		cred->revoked = revoked;
		/* GitLab shows updated_at as the revocation date. */
		if (revoked)
			column_timestamp(stmt, 6, has_column(ld, T_TOKENS, 6),
					 &cred->revoked_at);
		cred->state = token_state(revoked, &cred->expires_at, model->now);

		if (scopes) {
			struct buf why = BUF_INIT;

			if (scopes_parse(scopes, (size_t)sqlite3_column_bytes(stmt, 8),
					 &cred->scopes, &why) < 0)
				cred->scopes_invalid = 1;
			buf_release(&why);
		}
		classify_token(ld, cred);
		if (hand_over(ld, cred) < 0) {
			sqlite3_finalize(stmt);
			return SNAPSHOT_STOPPED;
		}
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SNAPSHOT_OK
				 : sql_failed(ld, "personal_access_tokens.sql");
}

static const char *usage_type_name(sqlite3_stmt *stmt, int i)
{
	static const char *const names[] = { "auth_and_signing", "auth", "signing" };
	const char *text;

	if (sqlite3_column_type(stmt, i) == SQLITE_INTEGER) {
		int64_t v = sqlite3_column_int64(stmt, i);

		return v >= 0 && v <= 2 ? names[v] : NULL;
	}
	text = column_text(stmt, i);
	if (!text)
		return names[0];  /* the column default */
	for (size_t k = 0; k < 3; k++)
		if (!strcmp(text, names[k]) || (text[0] == '0' + (int)k && !text[1]))
			return names[k];
	return NULL;
}

/* Compare the stored fingerprints with the ones computed from the key. */
/* Whether the snapshot gives a usable restriction for any key type. */
static int any_key_restriction_set(const struct instance_settings *settings)
{
	int family;

	for (family = 0; family < KEY_FAMILY_COUNT; family++)
		if (settings->key_restriction[family].state == SETTING_SET)
			return 1;
	return 0;
}

static void check_stored_fingerprints(sqlite3_stmt *stmt, struct credential *cred)
{
	const char *md5 = column_text(stmt, 5);

	if (md5 && *md5 && strcasecmp(md5, cred->ssh.md5))
		finding_add(cred, "ssh-key-fingerprint-mismatch",
			    "stored MD5 fingerprint differs from %s computed from the key",
			    cred->ssh.md5);

	if (sqlite3_column_type(stmt, 6) == SQLITE_BLOB) {
		const void *raw = sqlite3_column_blob(stmt, 6);
		int n = sqlite3_column_bytes(stmt, 6);

		if (n != 32 || memcmp(raw, cred->ssh.sha256_raw, 32))
			finding_add(cred, "ssh-key-fingerprint-mismatch",
				    "stored SHA256 fingerprint differs from %s computed from the key",
				    cred->ssh.sha256);
	} else if (sqlite3_column_type(stmt, 6) == SQLITE_TEXT) {
		const char *text = column_text(stmt, 6);
		char hex[65];
		int k;

		/* A text export contains hex, or GitLab's display form. */
		for (k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", cred->ssh.sha256_raw[k]);
		/* PostgreSQL writes a bytea as text with "\x" before the hex. */
		if (!strncmp(text, "\\x", 2))
			text += 2;
		if (strcasecmp(text, hex) && strcmp(text, cred->ssh.sha256) &&
		    strcmp(text, cred->ssh.sha256 + 7))
			finding_add(cred, "ssh-key-fingerprint-mismatch",
				    "stored SHA256 fingerprint differs from %s computed from the key",
				    cred->ssh.sha256);
	}
}

/* The kind of a keys row, from the model class of GitLab in keys.type. */
enum key_row_type {
	KEY_ROW_USER,       /* NULL or 'Key' */
	KEY_ROW_DEPLOY,     /* 'DeployKey' */
	KEY_ROW_LDAP,       /* 'LDAPKey', a user key synced from LDAP */
	KEY_ROW_UNKNOWN,    /* any other value */
};

/*
 * Read keys.type, which names the Rails subclass of Key that GitLab
 * loads the row as (single-table inheritance), or is NULL for Key itself.
 */
static enum key_row_type key_row_type(sqlite3_stmt *stmt, int i)
{
	const char *type = column_text(stmt, i);

	if (!type)
		return KEY_ROW_USER;
	/* "DeployKey\0x" is no class name. */
	if (strlen(type) != (size_t)sqlite3_column_bytes(stmt, i))
		return KEY_ROW_UNKNOWN;
	if (!strcmp(type, "Key"))
		return KEY_ROW_USER;
	if (!strcmp(type, "DeployKey"))
		return KEY_ROW_DEPLOY;
	if (!strcmp(type, "LDAPKey"))
		return KEY_ROW_LDAP;
	return KEY_ROW_UNKNOWN;
}

/*
 * Keep the keys.type in column `i` that names no kind of key, and add
 * the finding. Such a row is shown as an SSH key, but it may be a user
 * key or a deploy key, which GitLab deletes through different requests,
 * so it gets no plan action.
 */
static void note_key_type(sqlite3_stmt *stmt, int i, struct credential *cred)
{
	struct buf shown = BUF_INIT;

	cred->key_type_raw = column_raw(stmt, i);
	show_raw(&shown, cred->key_type_raw);
	finding_add(cred, "value-invalid",
		    "type is %s, not a kind of key GitLab defines (NULL, Key, DeployKey or LDAPKey), so the key is shown as an SSH key and left out of the plan",
		    shown.data);
	buf_release(&shown);
}

static enum snapshot_status load_keys(struct loader *ld)
{
	struct model *model = ld->model;
	sqlite3_stmt *stmt;
	enum snapshot_status status;
	static const struct optional_column key_columns[] = {
		{ 8, FIELD_LAST_USED }, { 9, FIELD_EXPIRES }, { 10, FIELD_USAGE_TYPE },
		{ 7, FIELD_CREATED }, { 1, FIELD_OWNER },
	};
	unsigned unavailable = 0;
	int rc;

	if (!ld->state[T_KEYS].present)
		note_missing_table(ld, T_KEYS, KINDS_SSH, 0, 1);
	unavailable = columns_unavailable(ld, T_KEYS, KINDS_SSH, key_columns,
					  sizeof(key_columns) / sizeof(key_columns[0]));
	if (model->settings.max_key_lifetime.state == SETTING_UNREAD ||
	    model->settings.max_key_lifetime.state == SETTING_INVALID)
		unavailable |= FIELD_KEY_MAX_LIFETIME;

	if ((status = prepare_query(ld, "keys.sql", &stmt)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		enum key_row_type type = key_row_type(stmt, 4);
		const char *key = column_text(stmt, 2);
		struct credential row, *cred = &row;
		const char *usage;
		size_t name_bytes;

		digest_row(ld, stmt);
		credential_init(cred, type == KEY_ROW_DEPLOY ? KIND_DEPLOY_KEY
							     : KIND_SSH_KEY);
		read_id(ld, stmt, cred);
		cred->name = column_value(stmt, 3, &name_bytes);
		note_name_cut(cred, name_bytes);
		cred->ldap = type == KEY_ROW_LDAP;
		if (type == KEY_ROW_UNKNOWN)
			note_key_type(stmt, 4, cred);
		cred->unavailable = unavailable;
		/*
		 * Without keys.user_id, the owner is unknown, not user 0:
		 * the reports show it as not available (FIELD_OWNER).
		 */
		read_owner(ld, stmt, 1, cred);
		column_timestamp(stmt, 7, has_column(ld, T_KEYS, 7), &cred->created_at);
		column_timestamp(stmt, 8, has_column(ld, T_KEYS, 8), &cred->last_used_at);
		column_timestamp(stmt, 9, has_column(ld, T_KEYS, 9), &cred->expires_at);
		cred->state = key_state(&cred->expires_at, model->now);

		if (has_column(ld, T_KEYS, 10)) {
			usage = usage_type_name(stmt, 10);
			if (usage) {
				cred->usage_type = xstrdup(usage);
			} else {
				struct buf shown = BUF_INIT;

				cred->usage_type_raw = column_raw(stmt, 10);
				show_raw(&shown, cred->usage_type_raw);
				finding_add(cred, "value-invalid",
					    "usage_type %s is not 0, 1 or 2",
					    shown.data);
				buf_release(&shown);
			}
		}

		cred->ssh_ok = sshkey_parse(key ? key : "",
					    (size_t)sqlite3_column_bytes(stmt, 2),
					    &cred->ssh) == 0;
		if (cred->ssh_ok) {
			enum key_family family = key_family_of(cred->ssh.type);

			check_stored_fingerprints(stmt, cred);
			if (family != KEY_FAMILY_COUNT &&
			    model->settings.key_restriction[family].state != SETTING_SET)
				cred->unavailable |= FIELD_KEY_RESTRICTION;
		} else if (!any_key_restriction_set(&model->settings)) {
			/*
			 * Without any restriction this key is not checked
			 * either, so a snapshot without application_settings
			 * reads "not checked" rather than "checked in part".
			 */
			cred->unavailable |= FIELD_KEY_RESTRICTION;
		}
		if (hand_over(ld, cred) < 0) {
			sqlite3_finalize(stmt);
			return SNAPSHOT_STOPPED;
		}
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? SNAPSHOT_OK : sql_failed(ld, "keys.sql");
}

/*
 * The inspection of the key in the current row of `stmt`, from the pool
 * that inspected it ahead. When the pool read another key for this row,
 * because the snapshot changed between the two reads, the key is
 * inspected here. Returns -1 when GnuPG failed.
 */
static int take_inspection(struct loader *ld, sqlite3_stmt *stmt,
			   struct credential *cred)
{
	const char *key = column_text(stmt, 2);
	size_t len = (size_t)sqlite3_column_bytes(stmt, 2);
	struct gpg_pool_result result;
	unsigned char digest[32];
	int got;

	gcry_md_hash_buffer(GCRY_MD_SHA256, digest, key ? key : "", len);
	got = gpg_pool_next(ld->gpg, &result, ld->err);
	if (got < 0)
		return -1;
	if (got && result.id == cred->id &&
	    !memcmp(result.digest, digest, sizeof(digest))) {
		cred->gpg = result.info;
	} else {
		if (got)
			gpg_key_info_release(&result.info);
		gpg_pool_inspect_now(ld->gpg, key ? key : "", len, &cred->gpg);
	}
	cred->gpg_ok = cred->gpg.result == GPG_OK;
	if (cred->gpg.result == GPG_ENGINE_ERROR) {
		/* A key that was never judged would make a wrong report. */
		buf_addf(ld->err, "GnuPG failed while reading GPG key %lld: %s",
			 (long long)cred->id, cred->gpg.error);
		return -1;
	}
	return 0;
}

/* Return 1 when `email` is `owner`'s private commit address on any host. */
static int is_noreply_of(const char *email, const struct owner *owner)
{
	struct buf prefix = BUF_INIT;
	int match;

	buf_addf(&prefix, "%lld-%s@users.noreply.", (long long)owner->id,
		 owner->username);
	match = !strncasecmp(email, prefix.data, prefix.len) &&
		email[prefix.len] != '\0';
	buf_release(&prefix);
	return match;
}

static int uids_have_noreply(const struct gpg_uid *uids, size_t count,
			     const struct owner *owner, int *only_revoked)
{
	size_t i;
	int found = 0;

	for (i = 0; i < count; i++) {
		if (!uids[i].email || !uids[i].valid_utf8 ||
		    !is_noreply_of(uids[i].email, owner))
			continue;
		if (!found || !uids[i].revoked)
			*only_revoked = uids[i].revoked;
		found = 1;
	}
	return found;
}

/*
 * A key that matched no known address may still be verified in GitLab
 * through data the snapshot lacks. Without gitlab_host, a user ID with
 * the owner's private commit address on any host counts, because that
 * host can only be the instance's own.
 */
static void judge_unverified(const struct loader *ld, struct credential *cred)
{
	const struct owner *owner = cred->owner;
	int only_revoked = 0;

	if (!ld->gitlab_host && owner->username &&
	    (uids_have_noreply(cred->gpg.uids, cred->gpg.uid_count, owner,
			       &only_revoked) ||
	     uids_have_noreply(cred->gpg.extra_uids, cred->gpg.extra_uid_count,
			       owner, &only_revoked))) {
		cred->verification = GPG_VERIFIED;
		cred->verified_by_revoked_uid = only_revoked;
	}
}

/*
 * Return 1 when a user ID of `gpg` has an address that GitLab could
 * match; revoked user IDs count only with `revoked_too`.
 */
static int uids_have_address(const struct gpg_key_info *gpg, int revoked_too)
{
	const struct gpg_uid *lists[2] = { gpg->uids, gpg->extra_uids };
	const size_t counts[2] = { gpg->uid_count, gpg->extra_uid_count };
	size_t list, i;

	for (list = 0; list < 2; list++)
		for (i = 0; i < counts[list]; i++)
			if (lists[list][i].email && lists[list][i].valid_utf8 &&
			    (revoked_too || !lists[list][i].revoked))
				return 1;
	return 0;
}

/*
 * When the snapshot lacks some of the owners' verified addresses, mark
 * the verification of `cred` unavailable if one of them could change it.
 * An unverified key could match one. A key verified only through a
 * revoked user ID could match one through another user ID.
 */
static void judge_unknown_addresses(struct credential *cred)
{
	int could_change = cred->verification == GPG_UNVERIFIED
		? uids_have_address(&cred->gpg, 1)
		: cred->verified_by_revoked_uid && uids_have_address(&cred->gpg, 0);

	if (could_change)
		cred->unavailable |= FIELD_VERIFICATION;
}

/*
 * Return nonzero when the snapshot lacks some verified addresses: the
 * confirmed primary address needs users.email and users.confirmed_at,
 * and the confirmed secondary ones the emails table with its
 * confirmed_at. Records what is missing.
 */
static unsigned note_verified_addresses(struct loader *ld)
{
	const unsigned gpg = KIND_BIT(KIND_GPG_KEY);
	unsigned missing;

	missing = column_unavailable(ld, T_USERS, 6, gpg, FIELD_VERIFICATION) |
		  column_unavailable(ld, T_USERS, 7, gpg, FIELD_VERIFICATION);
	if (!ld->state[T_EMAILS].present) {
		note_missing_table(ld, T_EMAILS, gpg, FIELD_VERIFICATION, 0);
		return FIELD_VERIFICATION;
	}
	return missing | column_unavailable(ld, T_EMAILS, 3, gpg,
					    FIELD_VERIFICATION);
}

static enum snapshot_status load_gpg_keys(struct loader *ld)
{
	sqlite3_stmt *stmt;
	enum snapshot_status status;
	unsigned addresses_unknown = 0, owner_unknown = 0;
	const char **emails = NULL;
	size_t email_cap = 0;
	struct buf noreply = BUF_INIT;
	int rc;

	if (!ld->state[T_GPG_KEYS].present)
		note_missing_table(ld, T_GPG_KEYS, KIND_BIT(KIND_GPG_KEY), 0, 1);
	else
		addresses_unknown = note_verified_addresses(ld);
	owner_unknown = column_unavailable(ld, T_GPG_KEYS, 1,
					   KIND_BIT(KIND_GPG_KEY), FIELD_OWNER);
	if ((status = prepare_query(ld, "gpg_keys.sql", &stmt)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct credential row, *cred = &row;

		credential_init(cred, KIND_GPG_KEY);
		digest_row(ld, stmt);
		read_id(ld, stmt, cred);
		column_timestamp(stmt, 5, has_column(ld, T_GPG_KEYS, 5), &cred->created_at);
		cred->last_used_at.state = TS_UNAVAILABLE;
		cred->unavailable = FIELD_LAST_USED | owner_unknown;
		read_owner(ld, stmt, 1, cred);

		if (ld->gpg && take_inspection(ld, stmt, cred) < 0) {
			credential_release(cred);
			status = SNAPSHOT_GNUPG_FAILED;
			goto out;
		}
		if (!cred->gpg_ok) {
			cred->state = STATE_ACTIVE;
		} else {
			if (cred->gpg.uid_count)
				cred->name = xstrdup(cred->gpg.uids[0].uid);
			cred->expires_at.state = cred->gpg.expires ? TS_SET : TS_NONE;
			cred->expires_at.sec = cred->gpg.expires;
			cred->state = cred->gpg.revoked ? STATE_REVOKED
				    : cred->gpg.expired ? STATE_EXPIRED : STATE_ACTIVE;
		}
		if (cred->gpg_ok && cred->owner) {
			size_t n = verified_emails(ld, cred->owner, &noreply,
						   &emails, &email_cap);

			cred->verification = gpg_key_verify(&cred->gpg, emails, n,
						&cred->verified_by_revoked_uid);
			if (cred->verification == GPG_UNVERIFIED)
				judge_unverified(ld, cred);
			if (addresses_unknown)
				judge_unknown_addresses(cred);
		}
		if (hand_over(ld, cred) < 0) {
			status = SNAPSHOT_STOPPED;
			goto out;
		}
	}
	status = rc == SQLITE_DONE ? SNAPSHOT_OK : sql_failed(ld, "gpg_keys.sql");
out:
	sqlite3_finalize(stmt);
	free(emails);
	buf_release(&noreply);
	return status;
}

static void finish_digest(struct loader *ld)
{
	const unsigned char *sum = gcry_md_read(ld->digest, GCRY_MD_SHA256);
	struct buf hex = BUF_INIT;
	int i;

	buf_adds(&hex, "sha256:");
	for (i = 0; i < 32; i++)
		buf_addf(&hex, "%02x", sum[i]);
	free(ld->model->snapshot_digest);
	ld->model->snapshot_digest = buf_detach(&hex, NULL);
}

/* Start the threads that inspect GPG keys ahead of the stream. */
static enum snapshot_status start_gpg_pool(struct loader *ld)
{
	struct gpg_pool_options opts = {
		.snapshot_path = ld->path,
		.open_name = ld->open_name,
		.open_flags = ld->open_flags,
		.read_rows = ld->state[T_GPG_KEYS].present,
		.now = ld->model->now,
		.cache_dir = ld->opts.cache_dir,
	};
	struct buf err = BUF_INIT;

	if (gpg_pool_start(&ld->gpg, &opts, &err) < 0) {
		buf_addf(ld->err, "cannot start GnuPG to read GPG keys: %s",
			 err.data);
		buf_release(&err);
		return SNAPSHOT_GNUPG_FAILED;
	}
	buf_release(&err);
	ld->model->gnupg_version = xstrdup(gpg_pool_engine_version(ld->gpg));
	return SNAPSHOT_OK;
}

void snapshot_close(struct snapshot *snap)
{
	struct loader *ld = (struct loader *)snap;
	size_t i;

	if (!ld)
		return;
	gpg_pool_stop(ld->gpg);
	integrity_check_free(ld->integrity);
	for (i = 0; i < ld->bot_count; i++) {
		free(ld->bots[i].resource.path);
		free(ld->bots[i].path_problem);
	}
	free(ld->bots);
	free(ld->gitlab_host);
	free(ld->emails);
	free(ld->open_name);
	if (ld->digest)
		gcry_md_close(ld->digest);
	buf_release(&ld->digest_row);
	if (ld->db) {
		sqlite3_exec(ld->db, "COMMIT", NULL, NULL, NULL);
		sqlite3_close(ld->db);
	}
	free(ld);
}

enum snapshot_status snapshot_open(struct snapshot **out, const char *path,
				   struct model *model,
				   const struct snapshot_options *opts,
				   struct buf *err)
{
	struct loader *ld = xcalloc(1, sizeof(*ld));
	enum snapshot_status status;

	*out = NULL;
	ld->path = path;
	ld->model = model;
	ld->opts = *opts;
	ld->err = err;
	ld->open_name = snapshot_file_name(path);
	ld->open_flags = SQLITE_OPEN_READONLY;
	buf_init(&ld->digest_row);

	if ((status = check_file(path, err)))
		goto out;
	/*
	 * Only this thread uses the connection (the GPG pool opens its own),
	 * so it needs no mutex: a million rows make tens of millions of calls.
	 */
	if (sqlite3_open_v2(ld->open_name, &ld->db,
			    ld->open_flags | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		status = ld->db ? sql_failed(ld, "opening") : SNAPSHOT_CANNOT_OPEN;
		goto out;
	}
	/*
	 * A WAL database without its -wal file has no writer: read it as
	 * immutable, which creates no -wal and -shm files beside it. If it
	 * is a cp of a running database, its newest changes are missing.
	 */
	if (snapshot_wal_without_file(path)) {
		warning("snapshot '%s' is an SQLite database in WAL mode with no '%s-wal' file beside it: that is normal after a clean close, but a copy of a running database made with cp lacks its latest changes; copy with sqlite3 LIVE.db \".backup COPY.db\" (docs/export.md)",
			path, path);
		if (reopen_immutable(ld) != SQLITE_OK) {
			status = sql_failed(ld, "opening");
			goto out;
		}
	}
	sqlite3_busy_timeout(ld->db, 5000);
	if ((status = probe_database(ld)))
		goto out;
	/*
	 * The queries read each table once in order, so a small page cache
	 * loses nothing, and it caps what a large snapshot costs in memory.
	 */
	sqlite3_exec(ld->db, "PRAGMA cache_size = -1024", NULL, NULL, NULL);
	if (gcry_md_open(&ld->digest, GCRY_MD_SHA256, 0)) {
		buf_addf(err, "libgcrypt cannot compute SHA-256");
		status = SNAPSHOT_FAILED;
		goto out;
	}

	if ((status = inspect_schema(ld)))
		goto out;
	if (!ld->state[T_USERS].present ||
	    !(ld->state[T_TOKENS].present || ld->state[T_KEYS].present ||
	      ld->state[T_GPG_KEYS].present)) {
		buf_addf(err, "'%s' is an SQLite database but not a credential snapshot: it needs the users table and at least one of personal_access_tokens, keys and gpg_keys (see docs/export.md)",
			 path);
		status = SNAPSHOT_NOT_SNAPSHOT;
		goto out;
	}
	/* It reads every page of those tables, while the rows are read. */
	if ((status = start_integrity_check(ld)))
		goto out;
	model->summary.kind_available[KIND_PERSONAL_TOKEN] = ld->state[T_TOKENS].present;
	model->summary.kind_available[KIND_PROJECT_TOKEN] = ld->state[T_TOKENS].present;
	model->summary.kind_available[KIND_GROUP_TOKEN] = ld->state[T_TOKENS].present;
	model->summary.kind_available[KIND_SSH_KEY] = ld->state[T_KEYS].present;
	model->summary.kind_available[KIND_DEPLOY_KEY] = ld->state[T_KEYS].present;
	model->summary.kind_available[KIND_GPG_KEY] = ld->state[T_GPG_KEYS].present;

	/*
	 * One read transaction for every query, so that the digest and the
	 * rows come from the same state of the file.
	 */
	if ((status = create_views(ld)))
		goto out;
	if (sqlite3_exec(ld->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		status = sql_failed(ld, "starting a read transaction");
		goto out;
	}
	if ((status = load_snapshot_info(ld)) ||
	    (status = load_settings(ld)) ||
	    (status = load_users(ld)) ||
	    (status = check_users_exported(ld)) ||
	    (status = load_bots(ld)))
		goto out;
	if (opts->inspect_gpg && (status = start_gpg_pool(ld)))
		goto out;
	free(model->snapshot_path);
	model->snapshot_path = xstrdup(path);
out:
	if (status) {
		snapshot_close((struct snapshot *)ld);
		return status;
	}
	*out = (struct snapshot *)ld;
	return SNAPSHOT_OK;
}

enum snapshot_status snapshot_verify(struct snapshot *snap, struct buf *err)
{
	struct loader *ld = (struct loader *)snap;

	ld->err = err;
	return integrity_status(ld, 1);
}

/* snapshot_stream() without its warning about rules not checked. */
static enum snapshot_status read_credentials(struct loader *ld,
					     snapshot_row_fn *fn, void *arg,
					     struct buf *err)
{
	enum snapshot_status status;

	ld->row_fn = fn;
	ld->row_arg = arg;
	ld->err = err;
	/*
	 * A damaged page can end a table early without an error, so a
	 * problem that the integrity check found stops the stream at the
	 * next table rather than at the end.
	 */
	if ((status = load_tokens(ld)) ||
	    (status = integrity_status(ld, 0)) ||
	    (status = load_keys(ld)) ||
	    (status = integrity_status(ld, 0)) ||
	    (status = load_gpg_keys(ld)))
		return status;
	finish_digest(ld);
	return SNAPSHOT_OK;
}

enum snapshot_status snapshot_stream(struct snapshot *snap, snapshot_row_fn *fn,
				     void *arg, struct buf *err)
{
	struct loader *ld = (struct loader *)snap;
	enum snapshot_status status = read_credentials(ld, fn, arg, err);

	if (status == SNAPSHOT_OK)
		policy_warn_not_checked(ld->model);
	return status;
}

void snapshot_gpg_stats(struct snapshot *snap, struct gpg_pool_stats *out)
{
	struct loader *ld = (struct loader *)snap;

	memset(out, 0, sizeof(*out));
	if (ld->gpg)
		gpg_pool_get_stats(ld->gpg, out);
}

static int ignore_row(void *arg, struct credential *cred, struct buf *err)
{
	return 0;
}

enum snapshot_status snapshot_load(const char *path, struct model *model,
				   struct gpg_session *gpg, struct buf *err)
{
	struct snapshot_options opts = { .inspect_gpg = 0 };
	struct snapshot *snap;
	enum snapshot_status status;

	status = snapshot_open(&snap, path, model, &opts, err);
	if (status)
		return status;
	/* Only the digest is wanted, so no rule is judged or warned about. */
	status = read_credentials((struct loader *)snap, ignore_row, NULL, err);
	if (status == SNAPSHOT_OK)
		status = snapshot_verify(snap, err);
	snapshot_close(snap);
	return status;
}
