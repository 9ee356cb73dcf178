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
	int revoked;
	int invalid;
};

enum gpg_result {
	GPG_OK,
	GPG_MALFORMED,    /* not OpenPGP key material, or damaged */
	GPG_UNSUPPORTED,  /* valid packets that this GnuPG cannot use */
	GPG_NO_KEY,       /* the text holds no public key */
};

struct gpg_key_info {
	enum gpg_result result;
	char error[200];
	char fingerprint[41];   /* uppercase hex */
	char keyid[17];         /* last 16 hex digits of the fingerprint */
	char algorithm[32];     /* "RSA", "DSA", "EdDSA", ... */
	char curve[32];         /* "ed25519", ... or "" */
	unsigned bits;
	int64_t created;        /* seconds since the epoch, 0 when unknown */
	int64_t expires;        /* 0 when the key does not expire */
	int expired;
	int revoked;
	size_t extra_keys;      /* further keys found in the same armor */
	struct gpg_uid *uids;
	size_t uid_count;
};

enum gpg_verification {
	GPG_UNVERIFIED,
	GPG_VERIFIED,
};

int gpg_session_begin(struct gpg_session **out, struct buf *err);
void gpg_session_end(struct gpg_session *session);
/* The version of the GnuPG engine that GPGME drives, e.g. "2.2.40". */
const char *gpg_session_engine_version(const struct gpg_session *session);
const char *gpg_library_version(void);

/*
 * Read the first public key in `armor` and fill `out`. `now` decides
 * `expired`. Returns 0 when a key was read, -1 otherwise (`out->result`
 * and `out->error` say why). `out` is always initialised.
 */
int gpg_key_inspect(struct gpg_session *session, const char *armor,
		    size_t len, int64_t now, struct gpg_key_info *out);
void gpg_key_info_release(struct gpg_key_info *info);

/*
 * GitLab's verification rule: a key is verified when the e-mail of any
 * user ID, revoked ones included, matches one of `emails` ignoring ASCII
 * case. `*only_revoked` is set to 1 when every matching user ID is revoked.
 */
enum gpg_verification gpg_key_verify(const struct gpg_key_info *info,
				     const char *const *emails,
				     size_t email_count, int *only_revoked);

#endif
