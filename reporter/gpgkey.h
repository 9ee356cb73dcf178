#ifndef CREDAUDIT_GPGKEY_H
#define CREDAUDIT_GPGKEY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * GPG public keys read through GPGME. The GnuPG home is private: a fresh
 * directory under $TMPDIR (or /tmp) that gpg_session_end() removes along
 * with the agent it may have started.
 */
struct gpg_session;

struct gpg_uid {
	char *uid;       /* the whole user ID, as GnuPG decoded it */
	char *name;
	char *email;     /* NULL when the user ID carries no address */
	int revoked;     /* by its own revocation, not only the key's */
	int invalid;
	int valid_utf8;  /* 0 when name or e-mail is not valid UTF-8 */
};

struct gpg_subkey {
	char fingerprint[65];
	char keyid[17];
	char algorithm[32];
	char curve[32];
	unsigned bits;
	int64_t created;
	int64_t expires;        /* 0 when the subkey does not expire */
	int expired;            /* expires != 0 && expires <= now */
	int revoked;
	int can_sign;
	int can_encrypt;
};

enum gpg_result {
	GPG_OK,
	GPG_MALFORMED,    /* not OpenPGP key material, or damaged */
	GPG_UNSUPPORTED,  /* valid packets that this GnuPG cannot use */
	GPG_NO_KEY,       /* the text holds no public key */
	GPG_ENGINE_ERROR, /* GnuPG could not be run, so the key was not judged */
};

struct gpg_key_info {
	enum gpg_result result;
	char error[200];        /* one line, empty for GPG_OK */
	char fingerprint[65];   /* uppercase hex: 40 digits for v4 keys */
	char keyid[17];         /* long key ID: for v4 keys the last 16
				   hex digits of the fingerprint */
	char algorithm[32];     /* "RSA", "DSA", "EdDSA", ... */
	char curve[32];         /* "ed25519", ... or "" */
	unsigned bits;
	int64_t created;        /* seconds since the epoch, 0 when unknown */
	int64_t expires;        /* 0 when the key does not expire */
	int expired;            /* expires != 0 && expires <= now */
	int revoked;
	size_t extra_keys;      /* further keys found in the same armor */
	struct gpg_uid *uids;
	size_t uid_count;
	struct gpg_subkey *subkeys;
	size_t subkey_count;
	/*
	 * User IDs of the further keys that GnuPG accepts. GitLab imports
	 * every key of the armor and checks the user IDs of all of them.
	 */
	struct gpg_uid *extra_uids;
	size_t extra_uid_count;
};

enum gpg_verification {
	GPG_UNVERIFIED,
	GPG_VERIFIED,
};

/*
 * Start GPGME and create the private GnuPG home. Returns 0, or -1 with a
 * message appended to `err`. The home works without $HOME. A caller that
 * got a session must call gpg_session_end() on every exit path. As a
 * safety net, an atexit() handler ends the sessions still open when the
 * process calls exit(), but nothing ends them when a signal kills it.
 *
 * When SIGPIPE has its default action, gpgme_check_version() sets it to
 * SIG_IGN for the whole process, so that a GnuPG process that dies does
 * not kill credaudit. Writes to a closed pipe then fail with EPIPE.
 * gpg_library_version() calls gpgme_check_version() too.
 */
int gpg_session_begin(struct gpg_session **out, struct buf *err);
/*
 * Stop any GnuPG daemon that runs for the home, remove the home and free
 * the session. Accepts NULL. A failure to remove the home is reported
 * with warning().
 */
void gpg_session_end(struct gpg_session *session);
/* The version of the GnuPG engine that GPGME drives, e.g. "2.2.40". */
const char *gpg_session_engine_version(const struct gpg_session *session);
/* The private GnuPG home directory. */
const char *gpg_session_home(const struct gpg_session *session);
const char *gpg_library_version(void);

/*
 * Read the first public key in `armor` (ASCII armor, or binary packets)
 * and fill `out`. `now` decides `expired`, so the result does not depend
 * on the clock. Returns 0 when a key was read, -1 otherwise (`out->result`
 * and `out->error` say why). `out` is always initialised and must be
 * released with gpg_key_info_release(). When GnuPG rejects the key but
 * could read its key packet, the key fields stay filled.
 */
int gpg_key_inspect(struct gpg_session *session, const char *armor,
		    size_t len, int64_t now, struct gpg_key_info *out);
void gpg_key_info_release(struct gpg_key_info *info);

/* How gpg_key_inspect_batch() went, added up over calls. */
struct gpg_batch_stats {
	size_t listed_together;   /* keys listed in one GnuPG run per batch */
	size_t listed_alone;      /* keys inspected one at a time */
	size_t batches_redone;    /* batches that went back to one at a time */
};

/*
 * Inspect `count` keys with the same results as gpg_key_inspect() on
 * each, in one GnuPG run where possible. Keys whose armor holds exactly
 * one version 4 keyblock are joined and listed together. When GnuPG lists
 * a different number of keys than it was given, or their fingerprints
 * differ from the key packets in order, or the run fails, those keys are
 * inspected again one at a time, so a bad key only affects its own
 * result. The other keys are always inspected alone. Every out[i] is
 * initialised; a key was read when out[i].result is GPG_OK. `stats` may
 * be NULL.
 */
void gpg_key_inspect_batch(struct gpg_session *session,
			   const char *const *armors, const size_t *lens,
			   size_t count, int64_t now, struct gpg_key_info *out,
			   struct gpg_batch_stats *stats);

/*
 * GitLab's verification rule: a key is verified when the e-mail of any
 * user ID, revoked ones included, matches one of `emails` ignoring ASCII
 * case. User IDs of every key in the armor count (see extra_uids); user
 * IDs whose name or e-mail is not valid UTF-8 do not. `*only_revoked` is
 * set to 1 when every matching user ID is revoked and to 0 otherwise; it
 * may be NULL. A key whose result is not GPG_OK is unverified.
 */
enum gpg_verification gpg_key_verify(const struct gpg_key_info *info,
				     const char *const *emails,
				     size_t email_count, int *only_revoked);

#endif
