#ifndef CREDAUDIT_KEYCACHE_H
#define CREDAUDIT_KEYCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "gpgkey.h"

/*
 * A cache of GPG key inspection results, so that a second report on an
 * unchanged snapshot does not run GnuPG again. It is an SQLite file,
 * gpg-keys.sqlite, in $XDG_CACHE_HOME/credaudit (default
 * ~/.cache/credaudit), a folder created with mode 0700.
 *
 * An entry is keyed by the SHA-256 of the key text as the snapshot stores
 * it, the GnuPG version and the entry format, so a changed key or another
 * GnuPG is inspected afresh. Each entry also stores a SHA-256 over its key
 * and content, checked on every read: an entry that fails the check or
 * does not decode is ignored and inspected afresh. The cache guards
 * against damage, not against someone who can write to the folder.
 *
 * Results do not depend on --now: `expired` flags are computed again from
 * the stored expiry times on every read. Results of GPG_ENGINE_ERROR are
 * never stored.
 *
 * One struct keycache is one SQLite connection, for one thread at a time.
 * Several connections to the same file may run in parallel.
 */
struct keycache;

/*
 * Find the cache folder: $XDG_CACHE_HOME/credaudit when XDG_CACHE_HOME is
 * an absolute path, else $HOME/.cache/credaudit. Returns 0 and sets `out`,
 * or -1 when neither variable is usable.
 */
int keycache_default_dir(struct buf *out);

/*
 * Open (and create) the cache in folder `dir` for results of GnuPG
 * `gnupg_version`. Returns NULL after a warning when the cache cannot be
 * used, and the caller goes on without it.
 */
struct keycache *keycache_open(const char *dir, const char *gnupg_version);
void keycache_close(struct keycache *cache);

/*
 * Look up the result for the key text whose SHA-256 is `digest`. Returns
 * 1 and fills `out` (release it with gpg_key_info_release()), or 0 when
 * there is no usable entry; `out` is then left zeroed.
 */
int keycache_get(struct keycache *cache, const unsigned char digest[32],
		 int64_t now, struct gpg_key_info *out);

/*
 * Store results. keycache_put() calls between keycache_begin() and
 * keycache_commit() share one transaction. Failures only cost the entries
 * (a warning is printed once per cache).
 */
void keycache_begin(struct keycache *cache);
void keycache_put(struct keycache *cache, const unsigned char digest[32],
		  const struct gpg_key_info *info);
void keycache_commit(struct keycache *cache);

/* Entries ignored so far because they failed the check or did not decode. */
size_t keycache_damaged(const struct keycache *cache);

/* Serialization, exposed for tests: 0, or -1 for data that does not decode. */
void keycache_encode(const struct gpg_key_info *info, struct buf *out);
int keycache_decode(const void *data, size_t len, int64_t now,
		    struct gpg_key_info *out);

#endif
