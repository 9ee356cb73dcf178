#include "keycache.h"

#include <errno.h>
#include <gcrypt.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embedded.h"
#include "msg.h"

/*
 * Raised whenever the encoding below, or how GnuPG is asked, changes, so
 * old entries are not read. 2: keys are listed without repair-keys.
 */
#define ENTRY_FORMAT 2
#define CACHE_FILE "gpg-keys.sqlite"
/* A string marked absent (NULL) in the encoding. */
#define ABSENT 0xFFFFFFFFu
/* Upper bounds that a decoded entry must respect. */
#define MAX_ITEMS 100000u

struct keycache {
	sqlite3 *db;
	sqlite3_stmt *get;
	sqlite3_stmt *put;
	char *path;
	char *gnupg_version;
	size_t damaged;
	int write_failed;       /* a warning about writes was printed */
	int in_transaction;
};

/* ------------------------------------------------------------- folder */

int keycache_default_dir(struct buf *out)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	/* The XDG Base Directory specification ignores relative paths. */
	if (xdg && xdg[0] == '/') {
		buf_addf(out, "%s/credaudit", xdg);
		return 0;
	}
	if (home && home[0] == '/') {
		buf_addf(out, "%s/.cache/credaudit", home);
		return 0;
	}
	return -1;
}

/*
 * Create `dir` and missing parents with mode 0700, which the XDG
 * specification requires for cache folders. An existing credaudit folder of
 * ours with wider permissions is narrowed to 0700.
 */
/*
 * Return 1 the first time in the process, 0 after: up to four threads
 * open the cache, and a cache that cannot be used warrants one warning.
 */
static int first_open_warning(void)
{
	static int warned;

	return !__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED);
}

static int make_private_dir(const char *dir)
{
	char *path = xstrdup(dir);
	struct stat st;
	char *p;
	int ret = -1;

	for (p = path + 1; ; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			if (first_open_warning())
				warning("cannot create cache folder '%s': %s; running without the GPG key cache",
					path, strerror(errno));
			goto out;
		}
		if (last)
			break;
		*p = '/';
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (first_open_warning())
			warning("cache path '%s' is not a folder; running without the GPG key cache",
				dir);
		goto out;
	}
	if ((st.st_mode & 077) && st.st_uid == geteuid() && chmod(dir, 0700) < 0 &&
	    first_open_warning())
		warning("cannot set mode 0700 on cache folder '%s': %s",
			dir, strerror(errno));
	ret = 0;
out:
	free(path);
	return ret;
}

/* ------------------------------------------------------------- encoding */

static void put_u32(struct buf *out, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };

	buf_add(out, b, sizeof(b));
}

static void put_i64(struct buf *out, int64_t v)
{
	put_u32(out, (uint32_t)((uint64_t)v >> 32));
	put_u32(out, (uint32_t)v);
}

static void put_str(struct buf *out, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	put_u32(out, s ? (uint32_t)len : ABSENT);
	buf_add(out, s, len);
}

static void put_uids(struct buf *out, const struct gpg_uid *uids, size_t count)
{
	size_t i;

	put_u32(out, (uint32_t)count);
	for (i = 0; i < count; i++) {
		put_str(out, uids[i].uid);
		put_str(out, uids[i].name);
		put_str(out, uids[i].email);
		buf_addch(out, uids[i].revoked != 0);
		buf_addch(out, uids[i].invalid != 0);
		buf_addch(out, uids[i].valid_utf8 != 0);
	}
}

void keycache_encode(const struct gpg_key_info *info, struct buf *out)
{
	size_t i;

	buf_addch(out, (int)info->result);
	put_str(out, info->error);
	put_str(out, info->fingerprint);
	put_str(out, info->keyid);
	put_str(out, info->algorithm);
	put_str(out, info->curve);
	put_u32(out, info->bits);
	put_i64(out, info->created);
	put_i64(out, info->expires);
	buf_addch(out, info->revoked != 0);
	put_u32(out, (uint32_t)info->extra_keys);
	put_uids(out, info->uids, info->uid_count);
	put_u32(out, (uint32_t)info->subkey_count);
	for (i = 0; i < info->subkey_count; i++) {
		const struct gpg_subkey *sub = &info->subkeys[i];

		put_str(out, sub->fingerprint);
		put_str(out, sub->keyid);
		put_str(out, sub->algorithm);
		put_str(out, sub->curve);
		put_u32(out, sub->bits);
		put_i64(out, sub->created);
		put_i64(out, sub->expires);
		buf_addch(out, sub->revoked != 0);
		buf_addch(out, sub->can_sign != 0);
		buf_addch(out, sub->can_encrypt != 0);
	}
	put_uids(out, info->extra_uids, info->extra_uid_count);
}

struct reader {
	const unsigned char *p;
	size_t left;
	int bad;
};

static uint32_t get_u32(struct reader *r)
{
	uint32_t v;

	if (r->left < 4) {
		r->bad = 1;
		return 0;
	}
	v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return v;
}

static int64_t get_i64(struct reader *r)
{
	uint64_t high = get_u32(r);

	return (int64_t)(high << 32 | get_u32(r));
}

static int get_flag(struct reader *r)
{
	int v;

	if (!r->left || r->p[0] > 1) {
		r->bad = 1;
		return 0;
	}
	v = r->p[0];
	r->p++;
	r->left--;
	return v;
}

/* A string without NUL bytes; `*absent` is set for the NULL marker. */
static const unsigned char *get_bytes(struct reader *r, uint32_t *len,
				      int *absent)
{
	const unsigned char *start;

	*len = get_u32(r);
	*absent = *len == ABSENT && !r->bad;
	if (r->bad || *absent) {
		*len = 0;
		return NULL;
	}
	if (*len > r->left || memchr(r->p, '\0', *len)) {
		r->bad = 1;
		*len = 0;
		return NULL;
	}
	start = r->p;
	r->p += *len;
	r->left -= *len;
	return start;
}

/* Into a fixed array of `size` bytes, which it must fit with its NUL. */
static void get_fixed(struct reader *r, char *out, size_t size)
{
	uint32_t len;
	int absent;
	const unsigned char *s = get_bytes(r, &len, &absent);

	out[0] = '\0';
	if (r->bad)
		return;
	if (absent || len >= size) {
		r->bad = 1;
		return;
	}
	memcpy(out, s, len);
	out[len] = '\0';
}

static char *get_string(struct reader *r, int may_be_absent)
{
	uint32_t len;
	int absent;
	const unsigned char *s = get_bytes(r, &len, &absent);

	if (r->bad || (absent && !may_be_absent)) {
		r->bad = 1;
		return NULL;
	}
	return absent ? NULL : xstrndup((const char *)s, len);
}

/* A count of items of at least `min_size` encoded bytes each. */
static size_t get_count(struct reader *r, size_t min_size)
{
	uint32_t n = get_u32(r);

	if (r->bad || n > MAX_ITEMS || (size_t)n * min_size > r->left) {
		r->bad = 1;
		return 0;
	}
	return n;
}

static void get_uids(struct reader *r, struct gpg_uid **out, size_t *count)
{
	size_t n = get_count(r, 3 * 4 + 3), i;

	*out = NULL;
	*count = 0;
	if (r->bad || !n)
		return;
	*out = xcalloc(n, sizeof(**out));
	for (i = 0; i < n && !r->bad; i++) {
		struct gpg_uid *uid = &(*out)[i];

		/* Count each entry as soon as it owns memory, so release frees it. */
		(*count)++;
		uid->uid = get_string(r, 0);
		uid->name = get_string(r, 0);
		uid->email = get_string(r, 1);
		uid->revoked = get_flag(r);
		uid->invalid = get_flag(r);
		uid->valid_utf8 = get_flag(r);
	}
}

int keycache_decode(const void *data, size_t len, int64_t now,
		    struct gpg_key_info *out)
{
	struct reader r = { data, len, 0 };
	size_t i;
	int result;

	memset(out, 0, sizeof(*out));
	result = r.left ? r.p[0] : -1;
	if (result != GPG_OK && result != GPG_MALFORMED &&
	    result != GPG_UNSUPPORTED && result != GPG_NO_KEY)
		return -1;
	r.p++;
	r.left--;
	out->result = (enum gpg_result)result;
	get_fixed(&r, out->error, sizeof(out->error));
	get_fixed(&r, out->fingerprint, sizeof(out->fingerprint));
	get_fixed(&r, out->keyid, sizeof(out->keyid));
	get_fixed(&r, out->algorithm, sizeof(out->algorithm));
	get_fixed(&r, out->curve, sizeof(out->curve));
	out->bits = get_u32(&r);
	out->created = get_i64(&r);
	out->expires = get_i64(&r);
	out->expired = out->expires && out->expires <= now;
	out->revoked = get_flag(&r);
	out->extra_keys = get_u32(&r);
	get_uids(&r, &out->uids, &out->uid_count);

	out->subkey_count = get_count(&r, 4 * 4 + 4 + 2 * 8 + 3);
	if (out->subkey_count)
		out->subkeys = xcalloc(out->subkey_count, sizeof(*out->subkeys));
	for (i = 0; i < out->subkey_count && !r.bad; i++) {
		struct gpg_subkey *sub = &out->subkeys[i];

		get_fixed(&r, sub->fingerprint, sizeof(sub->fingerprint));
		get_fixed(&r, sub->keyid, sizeof(sub->keyid));
		get_fixed(&r, sub->algorithm, sizeof(sub->algorithm));
		get_fixed(&r, sub->curve, sizeof(sub->curve));
		sub->bits = get_u32(&r);
		sub->created = get_i64(&r);
		sub->expires = get_i64(&r);
		sub->expired = sub->expires && sub->expires <= now;
		sub->revoked = get_flag(&r);
		sub->can_sign = get_flag(&r);
		sub->can_encrypt = get_flag(&r);
	}
	get_uids(&r, &out->extra_uids, &out->extra_uid_count);

	if (r.bad || r.left) {
		gpg_key_info_release(out);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- database */

/* SHA-256 over the key digest, the GnuPG version, the format and the entry. */
static void entry_check(const unsigned char digest[32], const char *version,
			const void *entry, size_t len, unsigned char out[32])
{
	unsigned char format[4] = { 0, 0, 0, ENTRY_FORMAT };
	gcry_md_hd_t md;

	if (gcry_md_open(&md, GCRY_MD_SHA256, 0)) {
		memset(out, 0, 32);
		return;
	}
	gcry_md_write(md, digest, 32);
	gcry_md_write(md, version, strlen(version) + 1);
	gcry_md_write(md, format, sizeof(format));
	gcry_md_write(md, entry, len);
	memcpy(out, gcry_md_read(md, GCRY_MD_SHA256), 32);
	gcry_md_close(md);
}

static int prepare(struct keycache *cache, const char *name,
		   sqlite3_stmt **stmt)
{
	const struct embedded_file *query = embedded_file(name);

	return query && sqlite3_prepare_v2(cache->db, query->data, -1, stmt,
					   NULL) == SQLITE_OK ? 0 : -1;
}

struct keycache *keycache_open(const char *dir, const char *gnupg_version)
{
	const struct embedded_file *schema = embedded_file("keycache_schema.sql");
	struct keycache *cache;
	struct buf path = BUF_INIT;

	if (!schema || make_private_dir(dir) < 0)
		return NULL;
	cache = xcalloc(1, sizeof(*cache));
	buf_addf(&path, "%s/%s", dir, CACHE_FILE);
	cache->path = buf_detach(&path, NULL);
	cache->gnupg_version = xstrdup(gnupg_version);

	if (sqlite3_open_v2(cache->path, &cache->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto failed;
	/* Other credaudit runs may write at the same time. */
	sqlite3_busy_timeout(cache->db, 10000);
	/*
	 * Up to four connections (feeder, warmer, workers) look up one key
	 * each at a time: a small page cache each keeps their memory low.
	 */
	sqlite3_exec(cache->db, "PRAGMA cache_size = -256", NULL, NULL, NULL);
	if (sqlite3_exec(cache->db, schema->data, NULL, NULL, NULL) != SQLITE_OK ||
	    prepare(cache, "keycache_get.sql", &cache->get) ||
	    prepare(cache, "keycache_put.sql", &cache->put))
		goto failed;
	return cache;

failed:
	if (first_open_warning())
		warning("cannot use the GPG key cache '%s': %s; running without it (delete the file if it is damaged)",
			cache->path, cache->db ? sqlite3_errmsg(cache->db) : "out of memory");
	keycache_close(cache);
	return NULL;
}

void keycache_close(struct keycache *cache)
{
	if (!cache)
		return;
	if (cache->in_transaction)
		keycache_commit(cache);
	sqlite3_finalize(cache->get);
	sqlite3_finalize(cache->put);
	sqlite3_close(cache->db);
	free(cache->path);
	free(cache->gnupg_version);
	free(cache);
}

static void note_damaged(struct keycache *cache, const char *why)
{
	static int warned;

	/*
	 * One warning per run, though up to four connections read the cache;
	 * the count goes into the closing note.
	 */
	if (!cache->damaged++ && !__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED))
		warning("GPG key cache '%s' has a damaged entry (%s); such entries are ignored and the keys inspected again",
			cache->path, why);
}

int keycache_get(struct keycache *cache, const unsigned char digest[32],
		 int64_t now, struct gpg_key_info *out)
{
	unsigned char check[32];
	const void *entry, *stored;
	int rc, found = 0;
	int len;

	memset(out, 0, sizeof(*out));
	sqlite3_bind_blob(cache->get, 1, digest, 32, SQLITE_STATIC);
	sqlite3_bind_text(cache->get, 2, cache->gnupg_version, -1, SQLITE_STATIC);
	sqlite3_bind_int(cache->get, 3, ENTRY_FORMAT);
	rc = sqlite3_step(cache->get);
	if (rc == SQLITE_ROW) {
		entry = sqlite3_column_blob(cache->get, 0);
		len = sqlite3_column_bytes(cache->get, 0);
		stored = sqlite3_column_blob(cache->get, 1);
		entry_check(digest, cache->gnupg_version, entry, (size_t)len, check);
		if (!entry || !stored || sqlite3_column_bytes(cache->get, 1) != 32 ||
		    memcmp(check, stored, 32))
			note_damaged(cache, "its checksum does not match");
		else if (keycache_decode(entry, (size_t)len, now, out) < 0)
			note_damaged(cache, "it does not decode");
		else
			found = 1;
	} else if (rc != SQLITE_DONE) {
		note_damaged(cache, sqlite3_errmsg(cache->db));
	}
	sqlite3_reset(cache->get);
	sqlite3_clear_bindings(cache->get);
	return found;
}

static void write_failed(struct keycache *cache)
{
	if (!cache->write_failed)
		warning("cannot write to the GPG key cache '%s': %s; the next run inspects these keys again",
			cache->path, sqlite3_errmsg(cache->db));
	cache->write_failed = 1;
}

void keycache_begin(struct keycache *cache)
{
	if (sqlite3_exec(cache->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		write_failed(cache);
		return;
	}
	cache->in_transaction = 1;
}

void keycache_put(struct keycache *cache, const unsigned char digest[32],
		  const struct gpg_key_info *info)
{
	struct buf entry = BUF_INIT;
	unsigned char check[32];

	if (info->result == GPG_ENGINE_ERROR || !cache->in_transaction)
		return;
	keycache_encode(info, &entry);
	entry_check(digest, cache->gnupg_version, entry.data, entry.len, check);
	sqlite3_bind_blob(cache->put, 1, digest, 32, SQLITE_STATIC);
	sqlite3_bind_text(cache->put, 2, cache->gnupg_version, -1, SQLITE_STATIC);
	sqlite3_bind_int(cache->put, 3, ENTRY_FORMAT);
	sqlite3_bind_blob(cache->put, 4, entry.data, (int)entry.len, SQLITE_STATIC);
	sqlite3_bind_blob(cache->put, 5, check, 32, SQLITE_STATIC);
	if (sqlite3_step(cache->put) != SQLITE_DONE)
		write_failed(cache);
	sqlite3_reset(cache->put);
	sqlite3_clear_bindings(cache->put);
	buf_release(&entry);
}

void keycache_commit(struct keycache *cache)
{
	if (!cache->in_transaction)
		return;
	cache->in_transaction = 0;
	if (sqlite3_exec(cache->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		write_failed(cache);
		sqlite3_exec(cache->db, "ROLLBACK", NULL, NULL, NULL);
	}
}

size_t keycache_damaged(const struct keycache *cache)
{
	return cache ? cache->damaged : 0;
}
