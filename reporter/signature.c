#include "signature.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gpgme.h>

#include "fileio.h"
#include "gpgkey.h"
#include "text.h"
#include "timestamp.h"

/* A keyring file larger than this is not a list of approvers' keys. */
#define KEYRING_MAX (16u << 20)
/* Armored detached signatures are a few hundred bytes each. */
#define SIGNATURE_FILE_MAX (1u << 20)

static void fill_signer(gpgme_ctx_t ctx, const char *fpr, unsigned long time,
			struct plan_signer *signer)
{
	gpgme_key_t key = NULL;
	gpgme_user_id_t uid;

	memset(signer, 0, sizeof(*signer));
	signer->signed_at = (int64_t)time;
	snprintf(signer->fingerprint, sizeof(signer->fingerprint), "%s",
		 fpr ? fpr : "");
	if (!fpr || gpgme_get_key(ctx, fpr, &key, 0) != 0 || !key)
		return;
	/* The signature may name a signing subkey: report the primary key. */
	if (key->subkeys && key->subkeys->fpr)
		snprintf(signer->fingerprint, sizeof(signer->fingerprint),
			 "%s", key->subkeys->fpr);
	for (uid = key->uids; uid; uid = uid->next) {
		struct buf text = BUF_INIT;

		if (uid->revoked || uid->invalid || !uid->uid)
			continue;
		text_escape_str(&text, uid->uid, TEXT_NAME_MAX);
		signer->user_id = buf_detach(&text, NULL);
		break;
	}
	gpgme_key_unref(key);
}

/*
 * Return 1 for the hash algorithms that a plan's signature may use:
 * SHA-256, SHA-384 and SHA-512. The approver signs a plan that someone
 * else prepared, so a hash with chosen-prefix collisions would let that
 * person make a second plan.md with the same signature. Such collisions
 * are practical for MD5 since 2009 and for SHA-1 since 2020 (Leurent and
 * Peyrin, https://eprint.iacr.org/2020/014). RIPEMD-160 and SHA-224 are
 * rejected too, since their collision resistance is below SHA-256's.
 */
static int hash_algo_accepted(gpgme_hash_algo_t algo)
{
	return algo == GPGME_MD_SHA256 || algo == GPGME_MD_SHA384 ||
	       algo == GPGME_MD_SHA512;
}

/* The name of hash algorithm `algo` as GnuPG writes it ("SHA1"). */
static const char *hash_algo_label(gpgme_hash_algo_t algo)
{
	const char *name = gpgme_hash_algo_name(algo);

	return name ? name : "unknown";
}

static int key_usable_for_signing(gpgme_key_t key)
{
	return key->can_sign && !key->revoked && !key->expired &&
	       !key->disabled && !key->invalid && key->secret;
}

/* Return 1 when the GnuPG home of `ctx` has a secret key, or cannot list them. */
static int has_secret_key(gpgme_ctx_t ctx)
{
	gpgme_key_t key = NULL;
	int found;

	if (gpgme_op_keylist_start(ctx, NULL, 1) != 0)
		return 1;
	found = gpgme_op_keylist_next(ctx, &key) == 0;
	if (key)
		gpgme_key_unref(key);
	gpgme_op_keylist_end(ctx);
	return found;
}

/* Keys that cannot sign that a message describes before it only counts the rest. */
#define UNUSABLE_KEYS_NAMED 3

/* The expiry time of `sub` for comparisons, INT64_MAX when it never expires. */
static int64_t subkey_expiry(gpgme_subkey_t sub)
{
	return sub->expires ? (int64_t)sub->expires : INT64_MAX;
}

/*
 * The signing subkey of `key` that comes closest to being usable: one
 * that is not revoked, and of those the one that expires last. NULL when
 * `key` has no signing subkey.
 */
static gpgme_subkey_t signing_subkey(gpgme_key_t key)
{
	gpgme_subkey_t sub, best = NULL;

	for (sub = key->subkeys; sub; sub = sub->next) {
		if (!sub->can_sign)
			continue;
		if (!best || (best->revoked && !sub->revoked) ||
		    (best->revoked == sub->revoked &&
		     subkey_expiry(sub) > subkey_expiry(best)))
			best = sub;
	}
	return best;
}

/*
 * Append why the secret key `key`, which matched the pattern, cannot
 * sign, and what to do: it is revoked, expired, disabled or invalid, or
 * its signing subkey is revoked or expired.
 */
static void describe_unusable_key(gpgme_key_t key, struct buf *out)
{
	const char *fpr = key->subkeys && key->subkeys->fpr ?
			  key->subkeys->fpr : "unknown";
	gpgme_subkey_t sub = signing_subkey(key);
	char when[TS_TEXT_MAX];

	if (key->revoked) {
		buf_addf(out, "key %s is revoked: pass another key", fpr);
	} else if (key->expired) {
		ts_format(key->subkeys->expires, when);
		buf_addf(out, "key %s expired at %s: extend it with 'gpg --quick-set-expire %s 1y' and export it again for the keyring of apply, or pass another key",
			 fpr, when, fpr);
	} else if (key->disabled) {
		buf_addf(out, "key %s is disabled: enable it with 'gpg --edit-key %s enable', or pass another key",
			 fpr, fpr);
	} else if (key->invalid) {
		buf_addf(out, "key %s is not valid to GnuPG: check it with 'gpg --list-secret-keys %s', or pass another key",
			 fpr, fpr);
	} else if (sub && sub->revoked) {
		buf_addf(out, "the signing subkey %s of key %s is revoked: add one with 'gpg --quick-add-key %s ed25519 sign', or pass another key",
			 sub->fpr, fpr, fpr);
	} else if (sub && sub->expired) {
		ts_format(sub->expires, when);
		buf_addf(out, "the signing subkey %s of key %s expired at %s: extend it with 'gpg --quick-set-expire %s 1y %s' and export the key again for the keyring of apply, or pass another key",
			 sub->fpr, fpr, when, fpr, sub->fpr);
	} else {
		buf_addf(out, "key %s has no subkey that can sign: add one with 'gpg --quick-add-key %s ed25519 sign', or pass another key",
			 fpr, fpr);
	}
}

/* The one usable secret key that `pattern` names, or NULL with `err`. */
static gpgme_key_t find_signing_key(gpgme_ctx_t ctx, const char *pattern,
				    const char *home, struct buf *err)
{
	gpgme_key_t key, found = NULL;
	gpgme_error_t gerr;
	struct buf unusable = BUF_INIT;
	size_t matches = 0, unusable_count = 0;

	gerr = gpgme_op_keylist_start(ctx, pattern, 1);
	while (!gerr) {
		gerr = gpgme_op_keylist_next(ctx, &key);
		if (gerr)
			break;
		if (!key_usable_for_signing(key)) {
			if (unusable_count++ < UNUSABLE_KEYS_NAMED) {
				buf_adds(&unusable, unusable_count > 1 ?
					 "; " : "");
				describe_unusable_key(key, &unusable);
			}
			gpgme_key_unref(key);
			continue;
		}
		matches++;
		if (!found)
			found = key;
		else
			gpgme_key_unref(key);
	}
	gpgme_op_keylist_end(ctx);
	if (gerr && gpgme_err_code(gerr) != GPG_ERR_EOF) {
		buf_addf(err, "cannot list the secret keys of GnuPG home '%s': %s",
			 home, gpgme_strerror(gerr));
		goto fail;
	}
	if (matches == 0 && !has_secret_key(ctx)) {
		buf_addf(err, "GnuPG home '%s' has no secret key, so no key can sign: pass --gnupg-home DIR with the GnuPG home that contains the key '%s'",
			 home, pattern);
		goto fail;
	}
	if (matches == 0 && unusable_count) {
		buf_addf(err, "no usable secret signing key matches '%s' in GnuPG home '%s': %s",
			 pattern, home, unusable.data);
		if (unusable_count > UNUSABLE_KEYS_NAMED)
			buf_addf(err, " (and %zu more keys that cannot sign)",
				 unusable_count - UNUSABLE_KEYS_NAMED);
		goto fail;
	}
	if (matches == 0) {
		buf_addf(err, "no usable secret signing key matches '%s' in GnuPG home '%s': check the key with 'gpg --homedir %s --list-secret-keys', or pass --gnupg-home DIR with the GnuPG home that contains it",
			 pattern, home, home);
		goto fail;
	}
	if (matches > 1) {
		buf_addf(err, "'%s' matches %zu secret signing keys in GnuPG home '%s': pass the fingerprint of one",
			 pattern, matches, home);
		goto fail;
	}
	buf_release(&unusable);
	return found;
fail:
	buf_release(&unusable);
	if (found)
		gpgme_key_unref(found);
	return NULL;
}

int signature_sign(const void *data, size_t len, const char *key_pattern,
		   const char *home, const char *sig_path,
		   struct plan_signer *signer, struct buf *err)
{
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t in = NULL, out = NULL;
	gpgme_key_t key = NULL;
	gpgme_sign_result_t result;
	gpgme_error_t gerr;
	struct buf default_home = BUF_INIT;
	const char *env_home = getenv("GNUPGHOME");
	const char *home_name = home ? home :
				env_home && *env_home ? env_home : NULL;
	char *armor = NULL;
	size_t armor_len = 0;
	int ret = -1;

	memset(signer, 0, sizeof(*signer));
	if (!home_name) {
		buf_addf(&default_home, "%s/.gnupg",
			 getenv("HOME") ? getenv("HOME") : "");
		home_name = default_home.data;
	}
	gpgme_check_version(NULL);
	if ((gerr = gpgme_new(&ctx)) != 0 ||
	    (gerr = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (home && (gerr = gpgme_ctx_set_engine_info(ctx,
				GPGME_PROTOCOL_OpenPGP, NULL, home)) != 0)) {
		buf_addf(err, "cannot start GnuPG: %s", gpgme_strerror(gerr));
		goto out;
	}
	gpgme_set_armor(ctx, 1);
	key = find_signing_key(ctx, key_pattern, home_name, err);
	if (!key) {
		ret = -2;
		goto out;
	}
	if ((gerr = gpgme_signers_add(ctx, key)) != 0 ||
	    (gerr = gpgme_data_new_from_mem(&in, data, len, 0)) != 0 ||
	    (gerr = gpgme_data_new(&out)) != 0) {
		buf_addf(err, "cannot prepare the signature: %s",
			 gpgme_strerror(gerr));
		goto out;
	}
	gerr = gpgme_op_sign(ctx, in, out, GPGME_SIG_MODE_DETACH);
	result = gpgme_op_sign_result(ctx);
	if (gerr || !result || !result->signatures || result->invalid_signers) {
		buf_addf(err, "signing with key %s failed: %s; check that gpg-agent can ask for the passphrase",
			 key->subkeys ? key->subkeys->fpr : key_pattern,
			 gerr ? gpgme_strerror(gerr) : "no signature was made");
		goto out;
	}
	/* A gpg.conf of the approver may set a weaker hash than the default. */
	if (!hash_algo_accepted(result->signatures->hash_algo)) {
		buf_addf(err, "GnuPG signed with the hash algorithm %s, but credaudit apply accepts only SHA256, SHA384 and SHA512: remove the 'digest-algo' or 'personal-digest-preferences' line that selects %s from gpg.conf in GnuPG home '%s', or sign with another key; no signature was written",
			 hash_algo_label(result->signatures->hash_algo),
			 hash_algo_label(result->signatures->hash_algo),
			 home_name);
		goto out;
	}
	fill_signer(ctx, key->subkeys ? key->subkeys->fpr : result->signatures->fpr,
		    result->signatures->timestamp, signer);

	armor = gpgme_data_release_and_get_mem(out, &armor_len);
	out = NULL;
	if (!armor) {
		buf_adds(err, "cannot read the signature from GPGME: out of memory");
		goto out;
	}
	if (file_write_atomic(sig_path, armor, armor_len, 0644, err) < 0) {
		ret = -3;
		goto out;
	}
	ret = 0;
out:
	if (armor)
		gpgme_free(armor);
	buf_release(&default_home);
	gpgme_data_release(in);
	gpgme_data_release(out);
	if (key)
		gpgme_key_unref(key);
	gpgme_release(ctx);
	if (ret < 0) {
		free(signer->user_id);
		signer->user_id = NULL;
	}
	return ret;
}

static enum signature_status import_keyring(gpgme_ctx_t ctx,
					    const char *keyring,
					    struct buf *err)
{
	struct buf text = BUF_INIT, read_err = BUF_INIT;
	gpgme_data_t data = NULL;
	gpgme_import_result_t result;
	gpgme_error_t gerr;
	enum signature_status status = SIGNATURE_KEYRING;

	if (file_read_all(keyring, KEYRING_MAX, &text, &read_err, NULL) < 0) {
		buf_addf(err, "keyring: %s", read_err.data);
		goto out;
	}
	if ((gerr = gpgme_data_new_from_mem(&data, text.data, text.len, 0)) ||
	    (gerr = gpgme_op_import(ctx, data))) {
		buf_addf(err, "cannot import keyring '%s': %s", keyring,
			 gpgme_strerror(gerr));
		goto out;
	}
	result = gpgme_op_import_result(ctx);
	if (!result || result->imported + result->unchanged == 0) {
		buf_addf(err, "keyring '%s' holds no OpenPGP public key: export the approvers' keys with 'gpg --export --armor KEY > FILE'",
			 keyring);
		goto out;
	}
	status = SIGNATURE_OK;
out:
	gpgme_data_release(data);
	buf_release(&text);
	buf_release(&read_err);
	return status;
}

/* Describe why signature `sig` does not count; returns 0 when it does. */
static int signature_problem(gpgme_signature_t sig, const char *keyring,
			     struct buf *err)
{
	const char *fpr = sig->fpr ? sig->fpr : "unknown";

	/*
	 * Checked first, because GnuPG 2.2 rejects MD5 signatures itself, and
	 * then its error does not name the algorithm.
	 */
	if (gpgme_err_code(sig->status) != GPG_ERR_BAD_SIGNATURE &&
	    !hash_algo_accepted(sig->hash_algo)) {
		buf_addf(err, "the signature by key %s uses the hash algorithm %s, but only SHA256, SHA384 and SHA512 are accepted: sign the plan again with 'credaudit approve PLAN.md --sign KEY', which uses GnuPG's default, or with 'gpg --digest-algo SHA256'",
			 fpr, hash_algo_label(sig->hash_algo));
		return -1;
	}
	switch (gpgme_err_code(sig->status)) {
	case GPG_ERR_NO_ERROR:
		if (sig->wrong_key_usage) {
			buf_addf(err, "key %s is not meant for signing", fpr);
			return -1;
		}
		return 0;
	case GPG_ERR_BAD_SIGNATURE:
		buf_adds(err, "BAD signature: the plan was changed after it was signed; approve and sign it again");
		return -1;
	case GPG_ERR_NO_PUBKEY:
		buf_addf(err, "the plan is signed by key %s, which is not in keyring '%s'",
			 fpr, keyring);
		return -1;
	case GPG_ERR_KEY_EXPIRED:
		buf_addf(err, "the plan is signed by key %s, which has expired",
			 fpr);
		return -1;
	case GPG_ERR_CERT_REVOKED:
		buf_addf(err, "the plan is signed by key %s, which is revoked",
			 fpr);
		return -1;
	case GPG_ERR_SIG_EXPIRED:
		buf_addf(err, "the signature by key %s has expired", fpr);
		return -1;
	default:
		buf_addf(err, "the signature by key %s cannot be checked: %s",
			 fpr, gpgme_strerror(sig->status));
		return -1;
	}
}

enum signature_status signature_verify(const void *data, size_t len,
				       const char *sig_path,
				       const char *keyring,
				       struct plan_signer **signers_out,
				       size_t *count_out, struct buf *err)
{
	struct gpg_session *session = NULL;
	struct buf sig = BUF_INIT, read_err = BUF_INIT;
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t sig_data = NULL, text_data = NULL;
	gpgme_verify_result_t result = NULL;
	gpgme_signature_t s;
	gpgme_error_t gerr;
	struct plan_signer *signers = NULL;
	size_t count = 0, i;
	enum signature_status status;
	int missing, result_held = 0;

	*signers_out = NULL;
	*count_out = 0;
	if (file_read_all(sig_path, SIGNATURE_FILE_MAX, &sig, &read_err,
			  &missing) < 0) {
		buf_addf(err, "signature: %s", read_err.data);
		status = missing ? SIGNATURE_MISSING : SIGNATURE_BAD;
		goto out;
	}
	if (gpg_session_begin(&session, err) < 0) {
		status = SIGNATURE_ENGINE;
		goto out;
	}
	if ((gerr = gpgme_new(&ctx)) ||
	    (gerr = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP)) ||
	    (gerr = gpgme_ctx_set_engine_info(ctx, GPGME_PROTOCOL_OpenPGP,
					      NULL,
					      gpg_session_home(session)))) {
		buf_addf(err, "cannot start GnuPG: %s", gpgme_strerror(gerr));
		status = SIGNATURE_ENGINE;
		goto out;
	}
	if ((status = import_keyring(ctx, keyring, err)) != SIGNATURE_OK)
		goto out;

	status = SIGNATURE_BAD;
	if ((gerr = gpgme_data_new_from_mem(&sig_data, sig.data, sig.len, 0)) ||
	    (gerr = gpgme_data_new_from_mem(&text_data, data, len, 0))) {
		buf_addf(err, "cannot prepare the signature check: %s",
			 gpgme_strerror(gerr));
		goto out;
	}
	gerr = gpgme_op_verify(ctx, sig_data, text_data, NULL);
	result = gpgme_op_verify_result(ctx);
	if (gerr || !result || !result->signatures) {
		buf_addf(err, "'%s' is not a detached OpenPGP signature%s%s",
			 sig_path, gerr ? ": " : "",
			 gerr ? gpgme_strerror(gerr) : "");
		goto out;
	}
	/* Looking up a signer's key starts a new operation on `ctx`. */
	gpgme_result_ref(result);
	result_held = 1;
	for (s = result->signatures; s; s = s->next)
		count++;
	signers = xcalloc(count, sizeof(*signers));
	for (s = result->signatures, i = 0; s; s = s->next, i++) {
		if (signature_problem(s, keyring, err) < 0)
			goto out;
		fill_signer(ctx, s->fpr, s->timestamp, &signers[i]);
	}
	*signers_out = signers;
	*count_out = count;
	signers = NULL;
	status = SIGNATURE_OK;
out:
	signature_signers_free(signers, count);
	if (result_held)
		gpgme_result_unref(result);
	gpgme_data_release(sig_data);
	gpgme_data_release(text_data);
	gpgme_release(ctx);
	gpg_session_end(session);
	buf_release(&sig);
	buf_release(&read_err);
	return status;
}

void signature_signers_free(struct plan_signer *signers, size_t count)
{
	size_t i;

	if (!signers)
		return;
	for (i = 0; i < count; i++)
		free(signers[i].user_id);
	free(signers);
}
