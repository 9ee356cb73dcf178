#ifndef CREDAUDIT_SIGNATURE_H
#define CREDAUDIT_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Detached OpenPGP signatures over an approved plan.md, made and checked
 * with GPGME. `approve --sign` signs with a secret key from the
 * approver's own GnuPG home. `apply --require-signature` checks the
 * signature in a private, temporary GnuPG home into which only the keys
 * of the given keyring file are imported. So only those keys can make a
 * signature count, whatever the operator's own keyring trusts.
 */

struct plan_signer {
	char fingerprint[65];   /* primary key, uppercase hex */
	char *user_id;          /* first user ID that is not revoked,
				   escaped for display (text.h), or NULL */
	int64_t signed_at;      /* seconds since the epoch */
};

/*
 * Sign `len` bytes at `data` with the one usable secret key that `key`
 * names (a fingerprint, key ID, or user ID pattern as gpg takes it) in
 * the GnuPG home `home`, or in $GNUPGHOME or ~/.gnupg when `home` is
 * NULL. Writes an ASCII-armored detached signature to `sig_path`
 * (through a temporary file) and fills `signer`. Returns 0; -2 when no
 * single usable secret key matches `key`; -3 when `sig_path` cannot be
 * written; -1 when GnuPG fails or signs with a hash algorithm that
 * signature_verify() rejects. A one-line
 * reason is appended to `err` on failure.
 */
int signature_sign(const void *data, size_t len, const char *key,
		   const char *home, const char *sig_path,
		   struct plan_signer *signer, struct buf *err);

enum signature_status {
	SIGNATURE_OK,
	SIGNATURE_MISSING,      /* the signature file does not exist */
	SIGNATURE_BAD,          /* not good, or by a key outside the keyring */
	SIGNATURE_KEYRING,      /* the keyring cannot be read or has no key */
	SIGNATURE_ENGINE,       /* GnuPG cannot be started */
};

/*
 * Check the detached signature in `sig_path` over `len` bytes at `data`
 * against the public keys in the file `keyring` (armored or binary).
 * Every signature in the file must be good, made by a key of the
 * keyring that is neither expired nor revoked, and use SHA-256, SHA-384
 * or SHA-512. On SIGNATURE_OK `*signers`
 * (an array the caller frees with signature_signers_free()) and `*count`
 * describe the signers. Otherwise `err` contains the reason.
 */
enum signature_status signature_verify(const void *data, size_t len,
				       const char *sig_path,
				       const char *keyring,
				       struct plan_signer **signers,
				       size_t *count, struct buf *err);

void signature_signers_free(struct plan_signer *signers, size_t count);

#endif
