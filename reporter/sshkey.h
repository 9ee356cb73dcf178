#ifndef CREDAUDIT_SSHKEY_H
#define CREDAUDIT_SSHKEY_H

#include <stddef.h>

/*
 * An SSH public key as read from GitLab's keys.key column. The type and
 * size come from the key blob, never from the type word in front of it,
 * and both fingerprints are computed from the blob as ssh-keygen
 * (OpenSSH 9.2) computes them: after the integers of RSA and DSA keys are
 * encoded again without the zero bytes in front that their sign does not
 * need.
 */
struct sshkey_info {
	char type[48];         /* key type from the blob, e.g. "ssh-ed25519" */
	char declared[48];     /* type word in the text line, "" when none
				  (RFC 4716); differs from `type` when the
				  word disagrees with the blob */
	unsigned bits;         /* modulus, prime or curve size */
	char sha256[64];       /* "SHA256:" and unpadded base64 */
	char md5[48];          /* lowercase hex pairs joined by ':'; "" when
				  libgcrypt forbids MD5 (FIPS mode) */
	unsigned char sha256_raw[32];
	unsigned char md5_raw[16];
	char *comment;         /* owned; NULL when the line has none */
	char error[160];       /* why the key could not be read; "" when it was */
};

/*
 * Parse one public key (an OpenSSH line, optionally with an authorized_keys
 * options prefix, or the RFC 4716 form) from `len` bytes of `text`, which
 * need not end with NUL and must not contain one.
 *
 * Leading and trailing whitespace, CRLF line ends and line breaks inside
 * the base64 blob are accepted, but the comment must stay on one line.
 * A type word that disagrees with the blob is no error: `type` comes from
 * the blob and `declared` keeps the word, for the caller to report.
 *
 * Returns 0 on success, -1 with `out->error` set otherwise. `out` is always
 * initialised, without releasing what it held. After a failure `bits` and
 * the fingerprints are zero, while `type`, `declared` and `comment` keep
 * what was read. Call sshkey_release() in both cases.
 */
int sshkey_parse(const char *text, size_t len, struct sshkey_info *out);
/* Free `comment`. Releasing twice is safe. */
void sshkey_release(struct sshkey_info *info);

/* Return 1 for key types that GitLab accepts, 0 otherwise. */
int sshkey_type_is_known(const char *type);

#endif
