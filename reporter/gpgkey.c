#include "gpgkey.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gcrypt.h>
#include <gpgme.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "msg.h"
#include "openpgp.h"

extern char **environ;

/* GPGME 1.9.0 added gpgme_op_keylist_from_data_start(). */
#define MIN_GPGME_VERSION "1.9.0"
/*
 * That call runs gpg --import-options import-show, new in GnuPG 2.1.14;
 * gpg.conf below turns off repair-keys, an import option of the 2.2
 * series (Debian 10 and later ship 2.2).
 */
#define MIN_GNUPG_VERSION "2.2.0"

/*
 * For a home other than the default one, gpg-agent puts its sockets in
 * the home itself unless `gpgconf --create-socketdir` made a directory for
 * them under /run/user. A Unix socket path is at most 107 bytes long on
 * Linux (sun_path is 108 bytes with the NUL), so a $TMPDIR too long for
 * that falls back to /tmp.
 */
#define SOCKET_PATH_MAX 107
static const char longest_socket_name[] = "/S.gpg-agent.browser";
static const char home_template[] = "/ca-XXXXXX";

/*
 * gpg.conf of the private home. no-autostart keeps gpg from starting
 * gpg-agent or dirmngr, which listing public keys never needs, and
 * no-auto-check-trustdb skips a trust database update that it does not
 * need either. ignore-time-conflict and ignore-valid-from make GnuPG
 * accept keys and signatures dated after the machine's clock, which it
 * otherwise marks invalid, so the result depends on the key alone.
 */
/*
 * no-repair-keys: GPGME lists keys from data with an import that is not
 * carried out, and such an import repairs keys by default, checking every
 * signature a second time. `gpg --show-keys` does not repair either. An
 * audit should show a key as its holder uploaded it, and without the
 * repair, listing takes half the CPU time (docs/benchmarks.md).
 */
static const char gpg_conf[] =
	"no-autostart\n"
	"no-auto-check-trustdb\n"
	"ignore-time-conflict\n"
	"ignore-valid-from\n"
	"import-options no-repair-keys\n";

struct gpg_session {
	gpgme_ctx_t ctx;
	char *home;
	char *engine_version;
	pid_t owner;                /* only this process removes the home */
	struct gpg_session *next;   /* in open_sessions */
};

static struct gpg_session *open_sessions;

/* -------------------------------------------------------------- session */

/* Compare dotted version strings numerically, e.g. "2.2.40" > "2.1.14". */
static int compare_versions(const char *a, const char *b)
{
	while (*a || *b) {
		char *end_a, *end_b;
		unsigned long x = strtoul(a, &end_a, 10);
		unsigned long y = strtoul(b, &end_b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a = *end_a == '.' ? end_a + 1 : end_a;
		b = *end_b == '.' ? end_b + 1 : end_b;
		if (end_a == a && end_b == b)
			break;
	}
	return 0;
}

/*
 * Replace the trailing XXXXXX of `path` with random letters and create
 * that folder, mode 0700, as mkdtemp() does. Unlike mkdtemp(), it
 * registers the folder for removal on a signal first, because a signal
 * handled on another thread between creating and registering would leave
 * the folder behind. Returns 0, or -1 with errno.
 */
static int make_registered_dir(struct buf *path)
{
	static const char letters[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *x = path->data + path->len - 6;
	int attempt, i;

	for (attempt = 0; attempt < 100; attempt++) {
		unsigned char random[6];

		gcry_create_nonce(random, sizeof(random));
		for (i = 0; i < 6; i++)
			x[i] = letters[random[i] % (sizeof(letters) - 1)];
		if (cleanup_add(path->data, CLEANUP_TREE) < 0) {
			errno = EINTR;    /* a signal is ending the program */
			return -1;
		}
		if (mkdir(path->data, 0700) == 0)
			return 0;
		cleanup_forget(path->data);
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static char *make_home(struct buf *err)
{
	const char *bases[] = { getenv("TMPDIR"), "/tmp" };
	struct buf path = BUF_INIT;
	size_t i;
	int saved_errno = 0;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		size_t len;

		if (!bases[i])
			continue;
		if (bases[i][0] != '/') {
			verbose("TMPDIR '%s' is not an absolute path, so the GnuPG home goes under /tmp",
				bases[i]);
			continue;
		}
		len = strlen(bases[i]);
		while (len > 1 && bases[i][len - 1] == '/')
			len--;
		if (len + strlen(home_template) + strlen(longest_socket_name) >
		    SOCKET_PATH_MAX) {
			verbose("'%s' is too long a path for GnuPG's sockets, so the GnuPG home goes under /tmp",
				bases[i]);
			continue;
		}

		buf_reset(&path);
		buf_add(&path, bases[i], len);
		buf_adds(&path, home_template);
		if (make_registered_dir(&path) == 0)
			return buf_detach(&path, NULL);
		saved_errno = errno;
		if (i == 0)
			verbose("cannot create a GnuPG home in TMPDIR '%s': %s; trying /tmp",
				bases[i], strerror(saved_errno));
	}
	buf_addf(err, "cannot create a private GnuPG home under TMPDIR ('%s') or /tmp: %s; set TMPDIR to a short writable directory",
		 bases[0] ? bases[0] : "unset",
		 saved_errno ? strerror(saved_errno) : "the path is too long");
	buf_release(&path);
	return NULL;
}

static int write_config(const char *home, struct buf *err)
{
	struct buf path = BUF_INIT;
	FILE *f;
	int ret = -1;

	buf_addf(&path, "%s/gpg.conf", home);
	f = fopen(path.data, "w");
	if (!f)
		goto out;
	if (fputs(gpg_conf, f) == EOF) {
		fclose(f);
		goto out;
	}
	if (fclose(f))
		goto out;
	ret = 0;
out:
	if (ret)
		buf_addf(err, "cannot write '%s': %s", path.data, strerror(errno));
	buf_release(&path);
	return ret;
}

/* Run a program with stdio on /dev/null and wait. Returns its exit status, or -1. */
static int run_quietly(char *const argv[])
{
	posix_spawn_file_actions_t actions;
	pid_t pid;
	int status, fd, ret = -1;

	if (posix_spawn_file_actions_init(&actions))
		return -1;
	for (fd = 0; fd <= 2; fd++)
		if (posix_spawn_file_actions_addopen(&actions, fd, "/dev/null",
						     fd ? O_WRONLY : O_RDONLY, 0))
			goto out;
	if (posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ))
		goto out;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			goto out;
	ret = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
out:
	posix_spawn_file_actions_destroy(&actions);
	return ret;
}

/*
 * Stop gpg-agent, dirmngr and any other GnuPG daemon of `home`. Should
 * gpgconf fail, removing the home still ends gpg-agent: it checks its
 * socket about once a minute and exits when the socket is gone.
 */
static void stop_daemons(const char *home)
{
	const char *gpgconf = gpgme_get_dirinfo("gpgconf-name");
	char *argv[] = {
		(char *)(gpgconf ? gpgconf : "gpgconf"),
		(char *)"--homedir", (char *)home, (char *)"--kill", (char *)"all",
		NULL,
	};

	if (run_quietly(argv))
		warning("'%s --homedir %s --kill all' failed; a GnuPG daemon may run until it notices that its home is gone",
			argv[0], home);
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	/* A daemon that exits may remove its socket while the walk runs. */
	if (remove(path) && errno != ENOENT)
		return -1;
	return 0;
}

static void remove_home(const char *home)
{
	if (nftw(home, remove_entry, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		warning("cannot remove the GnuPG home '%s': %s; delete it by hand",
			home, strerror(errno));
}

static void session_free(struct gpg_session *session)
{
	if (session->ctx)
		gpgme_release(session->ctx);
	if (session->home && getpid() == session->owner) {
		stop_daemons(session->home);
		remove_home(session->home);
		cleanup_forget(session->home);
	}
	free(session->home);
	free(session->engine_version);
	free(session);
}

static void end_open_sessions(void)
{
	while (open_sessions)
		gpg_session_end(open_sessions);
}

static int start_gpgme(struct gpg_session *session, struct buf *err)
{
	gpgme_engine_info_t info;
	gpgme_error_t gerr;

	gerr = gpgme_new(&session->ctx);
	if (!gerr)
		gerr = gpgme_set_protocol(session->ctx, GPGME_PROTOCOL_OpenPGP);
	if (!gerr)
		gerr = gpgme_ctx_set_engine_info(session->ctx, GPGME_PROTOCOL_OpenPGP,
						 NULL, session->home);
	/*
	 * Listing keys from data ignores the keyring, so LOCAL is enough.
	 * Revoked and invalid user IDs come from the validity field of the
	 * listing in every mode. GPGME_KEYLIST_MODE_SIGS adds gpg
	 * --with-sig-check, which is slower, so only find_revoked_uids()
	 * turns it on, for revoked keys.
	 */
	if (!gerr)
		gerr = gpgme_set_keylist_mode(session->ctx, GPGME_KEYLIST_MODE_LOCAL);
	if (gerr) {
		buf_addf(err, "cannot set up GPGME for the GnuPG home '%s': %s",
			 session->home, gpgme_strerror(gerr));
		return -1;
	}
	gpgme_set_offline(session->ctx, 1);

	for (info = gpgme_ctx_get_engine_info(session->ctx); info; info = info->next)
		if (info->protocol == GPGME_PROTOCOL_OpenPGP)
			break;
	if (!info || !info->version) {
		buf_adds(err, "GPGME found no version of gpg; install GnuPG 2.2 or later");
		return -1;
	}
	if (compare_versions(info->version, MIN_GNUPG_VERSION) < 0) {
		buf_addf(err, "GnuPG %s is too old: reading keys without importing them needs GnuPG %s or later",
			 info->version, MIN_GNUPG_VERSION);
		return -1;
	}
	session->engine_version = xstrdup(info->version);
	return 0;
}

int gpg_session_begin(struct gpg_session **out, struct buf *err)
{
	static int atexit_registered;
	struct gpg_session *session = NULL;
	gpgme_error_t gerr;
	int ret = -1;

	*out = NULL;
	if (!gpgme_check_version(MIN_GPGME_VERSION)) {
		buf_addf(err, "GPGME %s is too old: reading keys without importing them needs GPGME %s or later",
			 gpgme_check_version(NULL), MIN_GPGME_VERSION);
		return -1;
	}
	gerr = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
	if (gerr) {
		buf_addf(err, "GPGME cannot use gpg: %s; install GnuPG %s or later",
			 gpgme_strerror(gerr), MIN_GNUPG_VERSION);
		return -1;
	}

	session = xcalloc(1, sizeof(*session));
	session->owner = getpid();
	session->home = make_home(err);
	if (!session->home)
		goto out;
	if (write_config(session->home, err) || start_gpgme(session, err))
		goto out;

	if (!atexit_registered && !atexit(end_open_sessions))
		atexit_registered = 1;
	session->next = open_sessions;
	open_sessions = session;
	*out = session;
	ret = 0;
out:
	if (ret)
		session_free(session);
	return ret;
}

void gpg_session_end(struct gpg_session *session)
{
	struct gpg_session **p;

	if (!session)
		return;
	for (p = &open_sessions; *p; p = &(*p)->next) {
		if (*p == session) {
			*p = session->next;
			break;
		}
	}
	session_free(session);
}

const char *gpg_session_engine_version(const struct gpg_session *session)
{
	return session->engine_version;
}

const char *gpg_session_home(const struct gpg_session *session)
{
	return session->home;
}

const char *gpg_library_version(void)
{
	return gpgme_check_version(NULL);
}

/* ------------------------------------------------------------ key info */

static void copy_field(char *dst, size_t size, const char *src)
{
	size_t len = src ? strlen(src) : 0;

	if (len >= size)
		len = size - 1;
	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

__attribute__((format(printf, 3, 4)))
static void set_result(struct gpg_key_info *info, enum gpg_result result,
		       const char *fmt, ...)
{
	va_list ap;
	char *p;

	info->result = result;
	va_start(ap, fmt);
	vsnprintf(info->error, sizeof(info->error), fmt, ap);
	va_end(ap);
	for (p = info->error; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static const char *algorithm_name(gpgme_pubkey_algo_t algorithm)
{
	switch (algorithm) {
	case GPGME_PK_RSA:
	case GPGME_PK_RSA_E:
	case GPGME_PK_RSA_S:
		return "RSA";
	case GPGME_PK_ELG_E:
	case GPGME_PK_ELG:
		return "ElGamal";
	case GPGME_PK_DSA:
		return "DSA";
	case GPGME_PK_ECDSA:
		return "ECDSA";
	case GPGME_PK_ECC:
	case GPGME_PK_ECDH:
		return "ECDH";
	case GPGME_PK_EDDSA:
		return "EdDSA";
	}
	return NULL;
}

/*
 * Public-key algorithm ids that GnuPG 2.2 can use: RSA (1 to 3), ElGamal
 * encrypt-only (16), DSA (17), ECDH (18), ECDSA (19) and EdDSA (22). It
 * rejects ElGamal sign+encrypt (20) outside --rfc2440 mode. Newer
 * releases may add ids, but this list only explains a key that GnuPG
 * already rejected, so a stale entry mislabels the reason, not the result.
 */
static int gnupg_knows_algorithm(int algorithm)
{
	switch (algorithm) {
	case 1: case 2: case 3: case 16: case 17: case 18: case 19: case 22:
		return 1;
	}
	return 0;
}

/* GnuPG prints the name of a curve it supports and the dotted OID of any other. */
static int is_unknown_curve(const char *curve)
{
	return curve[0] >= '0' && curve[0] <= '9' && strchr(curve, '.');
}

static int64_t timestamp_or_zero(long value)
{
	return value > 0 ? (int64_t)value : 0;
}

static int is_valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t code, min;
		int more;

		if (*p < 0x80) {
			p++;
			continue;
		} else if (*p >= 0xC2 && *p <= 0xDF) {
			more = 1;
			code = *p & 0x1F;
			min = 0x80;
		} else if (*p >= 0xE0 && *p <= 0xEF) {
			more = 2;
			code = *p & 0x0F;
			min = 0x800;
		} else if (*p >= 0xF0 && *p <= 0xF4) {
			more = 3;
			code = *p & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		for (p++; more; more--, p++) {
			if ((*p & 0xC0) != 0x80)
				return 0;
			code = code << 6 | (*p & 0x3F);
		}
		/* Reject overlong forms, surrogates and values past U+10FFFF. */
		if (code < min || code > 0x10FFFF ||
		    (code >= 0xD800 && code <= 0xDFFF))
			return 0;
	}
	return 1;
}

static void append_uids(struct gpg_uid **uids, size_t *count, gpgme_key_t key)
{
	gpgme_user_id_t u;
	size_t n = *count;

	for (u = key->uids; u; u = u->next)
		n++;
	*uids = xrealloc(*uids, (n ? n : 1) * sizeof(**uids));

	for (u = key->uids; u; u = u->next) {
		struct gpg_uid *out = &(*uids)[(*count)++];
		const char *name = u->name ? u->name : "";
		const char *email = u->email ? u->email : "";

		out->uid = xstrdup(u->uid ? u->uid : "");
		out->name = xstrdup(name);
		out->email = *email ? xstrdup(email) : NULL;
		out->revoked = u->revoked;
		out->invalid = u->invalid;
		out->valid_utf8 = is_valid_utf8(name) && is_valid_utf8(email);
	}
}

static void fill_subkeys(struct gpg_key_info *info, gpgme_subkey_t first,
			 int64_t now)
{
	gpgme_subkey_t s;
	size_t n = 0;

	for (s = first; s; s = s->next)
		n++;
	if (!n)
		return;
	info->subkeys = xcalloc(n, sizeof(*info->subkeys));

	for (s = first; s; s = s->next) {
		struct gpg_subkey *out = &info->subkeys[info->subkey_count++];
		const char *name = algorithm_name(s->pubkey_algo);

		copy_field(out->fingerprint, sizeof(out->fingerprint), s->fpr);
		copy_field(out->keyid, sizeof(out->keyid), s->keyid);
		copy_field(out->algorithm, sizeof(out->algorithm),
			   name ? name : "unknown");
		copy_field(out->curve, sizeof(out->curve), s->curve);
		out->bits = s->length;
		out->created = timestamp_or_zero(s->timestamp);
		out->expires = timestamp_or_zero(s->expires);
		out->expired = out->expires && out->expires <= now;
		out->revoked = s->revoked;
		out->can_sign = s->can_sign;
		out->can_encrypt = s->can_encrypt;
	}
}

/*
 * Copy what GnuPG listed for the primary key. GnuPG's own expired flag
 * compares with the machine's clock; `expired` compares with `now`.
 * `algorithm_id` names an algorithm that GPGME does not know, or is -1.
 */
static void fill_key(struct gpg_key_info *info, gpgme_key_t key,
		     int algorithm_id, int64_t now)
{
	gpgme_subkey_t primary = key->subkeys;
	const char *name;

	if (!primary)
		return;
	copy_field(info->fingerprint, sizeof(info->fingerprint), primary->fpr);
	copy_field(info->keyid, sizeof(info->keyid), primary->keyid);
	name = algorithm_name(primary->pubkey_algo);
	if (name)
		copy_field(info->algorithm, sizeof(info->algorithm), name);
	else if (algorithm_id >= 0)
		snprintf(info->algorithm, sizeof(info->algorithm),
			 "algorithm %d", algorithm_id);
	else
		copy_field(info->algorithm, sizeof(info->algorithm), "unknown");
	copy_field(info->curve, sizeof(info->curve), primary->curve);
	info->bits = primary->length;
	info->created = timestamp_or_zero(primary->timestamp);
	info->expires = timestamp_or_zero(primary->expires);
	info->expired = info->expires && info->expires <= now;
	info->revoked = key->revoked;
	append_uids(&info->uids, &info->uid_count, key);
	fill_subkeys(info, primary->next, now);
}

/* The keys that GnuPG listed from one piece of data, in order. */
struct key_list {
	gpgme_key_t *keys;
	size_t count;
};

static void key_list_release(struct key_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		gpgme_key_unref(list->keys[i]);
	free(list->keys);
	list->keys = NULL;
	list->count = 0;
}

/*
 * List the keys in `len` bytes of packets with GnuPG, without importing
 * them. A key that GnuPG cannot read is left out of `list`. Returns -1
 * only when GPGME or GnuPG failed to run.
 */
static int list_keys(struct gpg_session *session, const char *bytes,
		     size_t len, struct key_list *list, struct buf *err)
{
	gpgme_data_t data = NULL;
	gpgme_key_t key;
	gpgme_error_t gerr;
	int ret = -1;

	key_list_release(list);
	gerr = gpgme_data_new_from_mem(&data, bytes, len, 0);
	if (!gerr)
		gerr = gpgme_op_keylist_from_data_start(session->ctx, data, 0);
	while (!gerr) {
		gerr = gpgme_op_keylist_next(session->ctx, &key);
		if (gerr)
			break;
		list->keys = xrealloc(list->keys, (list->count + 1) * sizeof(*list->keys));
		list->keys[list->count++] = key;
	}
	if (gpgme_err_code(gerr) != GPG_ERR_EOF) {
		buf_addf(err, "GnuPG %s failed to list the key: %s",
			 session->engine_version, gpgme_strerror(gerr));
		key_list_release(list);
		goto out;
	}
	ret = 0;
out:
	/* Ends the listing even after an error, so the next call starts clean. */
	gpgme_op_keylist_end(session->ctx);
	gpgme_data_release(data);
	return ret;
}

/*
 * Return 1 when the newest valid self-signature on `uid` is a revocation
 * (class 0x30), which is GnuPG's rule for a revoked user ID. Certifications
 * have classes 0x10 to 0x13. `*signatures` counts the signatures seen.
 */
static int uid_revoked_by_self(gpgme_user_id_t uid, const char *keyid,
			       size_t *signatures)
{
	gpgme_key_sig_t sig;
	long newest = -1;
	int revoked = 0;

	for (sig = uid->signatures; sig; sig = sig->next) {
		(*signatures)++;
		if (gpgme_err_code(sig->status) != GPG_ERR_NO_ERROR ||
		    strcmp(sig->keyid, keyid))
			continue;
		if (sig->sig_class != 0x30 &&
		    (sig->sig_class < 0x10 || sig->sig_class > 0x13))
			continue;
		if (sig->timestamp >= newest) {
			newest = sig->timestamp;
			revoked = sig->sig_class == 0x30;
		}
	}
	return revoked;
}

/*
 * GnuPG lists every user ID of a revoked key as revoked. For such a key,
 * list it again with its signatures checked and set `revoked` only on the
 * user IDs that carry their own revocation. `uids` are the user IDs of
 * key `index` in the data. A listing without signatures, as GPGME before
 * 1.18 gives, leaves GnuPG's flags in place.
 */
static int find_revoked_uids(struct gpg_session *session, const char *bytes,
			     size_t len, size_t index, struct gpg_uid *uids,
			     size_t count, struct buf *err)
{
	struct key_list list = { NULL, 0 };
	gpgme_user_id_t u;
	gpgme_error_t gerr;
	size_t i, signatures = 0;
	int *revoked = NULL;
	int ret = -1;

	gerr = gpgme_set_keylist_mode(session->ctx,
				      GPGME_KEYLIST_MODE_LOCAL | GPGME_KEYLIST_MODE_SIGS);
	if (gerr) {
		buf_addf(err, "cannot list key signatures with GPGME: %s",
			 gpgme_strerror(gerr));
		return -1;
	}
	if (list_keys(session, bytes, len, &list, err))
		goto out;
	ret = 0;
	if (index >= list.count || !list.keys[index]->subkeys)
		goto out;

	revoked = xcalloc(count, sizeof(*revoked));
	for (u = list.keys[index]->uids, i = 0; u && i < count; u = u->next, i++)
		revoked[i] = uid_revoked_by_self(u, list.keys[index]->subkeys->keyid,
						 &signatures);
	if (signatures)
		for (i = 0; i < count; i++)
			uids[i].revoked = revoked[i];
out:
	gpgme_set_keylist_mode(session->ctx, GPGME_KEYLIST_MODE_LOCAL);
	key_list_release(&list);
	free(revoked);
	return ret;
}

/* Say why GnuPG listed no key for a keyblock that has a key packet. */
static void explain_unlisted(struct gpg_key_info *info, const char *engine,
			     const struct openpgp_keyblock *kb)
{
	if (kb->version != 4)
		set_result(info, GPG_UNSUPPORTED,
			   "version %d OpenPGP keys are not supported by GnuPG %s",
			   kb->version, engine);
	else if (!gnupg_knows_algorithm(kb->algorithm))
		set_result(info, GPG_UNSUPPORTED,
			   "public-key algorithm %d is not supported by GnuPG %s",
			   kb->algorithm, engine);
	else
		set_result(info, GPG_MALFORMED,
			   "GnuPG %s cannot read the public-key packet: the key data is damaged",
			   engine);
}

/*
 * Say why GnuPG marked a listed key invalid. GnuPG keeps a key that has
 * no user ID with a valid self-signature out of a keyring. It cannot
 * check self-signatures made with an algorithm or curve it does not
 * support. `algorithm_id` is -1 when unknown.
 */
static void explain_invalid(struct gpg_key_info *info, const char *engine,
			    int algorithm_id)
{
	if (algorithm_id >= 0 && !gnupg_knows_algorithm(algorithm_id))
		set_result(info, GPG_UNSUPPORTED,
			   "public-key algorithm %d is not supported by GnuPG %s",
			   algorithm_id, engine);
	else if (is_unknown_curve(info->curve))
		set_result(info, GPG_UNSUPPORTED,
			   "elliptic curve %s is not supported by GnuPG %s",
			   info->curve, engine);
	else
		set_result(info, GPG_MALFORMED,
			   "key %s has no user ID with a valid self-signature, so GnuPG %s rejects it",
			   info->keyid, engine);
}

static void explain_no_key(struct gpg_key_info *info,
			   const struct openpgp_packets *packets)
{
	struct buf tags = BUF_INIT;

	openpgp_describe_tags(packets->tags_seen, &tags);
	set_result(info, GPG_NO_KEY,
		   "the OpenPGP data contains no public key, only: %s", tags.data);
	buf_release(&tags);
}

static int is_blank(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
		    text[i] != '\n')
			return 0;
	return 1;
}

/*
 * Add the user IDs of every keyblock after the first to `out`. The
 * keyblocks follow each other in the packets, so GnuPG lists them all in
 * one run, and a row of many keys costs one GnuPG process, not one per
 * key. A keyblock that GnuPG cannot read is left out of the listing.
 */
static int inspect_extra_keyblocks(struct gpg_session *session,
				   const struct openpgp_packets *packets,
				   struct gpg_key_info *out, struct buf *err)
{
	const struct openpgp_keyblock *second = &packets->keyblocks[1];
	const struct openpgp_keyblock *last =
		&packets->keyblocks[packets->keyblock_count - 1];
	const char *rest = packets->data.data + second->offset;
	size_t rest_len = last->offset + last->len - second->offset;
	struct key_list list = { NULL, 0 };
	size_t i;
	int ret = -1;

	if (list_keys(session, rest, rest_len, &list, err))
		goto out;
	for (i = 0; i < list.count; i++) {
		size_t first = out->extra_uid_count;

		if (list.keys[i]->invalid)
			continue;
		append_uids(&out->extra_uids, &out->extra_uid_count, list.keys[i]);
		/* The same data lists the same keys in the same order. */
		if (list.keys[i]->revoked &&
		    find_revoked_uids(session, rest, rest_len, i,
				      out->extra_uids + first,
				      out->extra_uid_count - first, err))
			goto out;
	}
	ret = 0;
out:
	key_list_release(&list);
	return ret;
}

/*
 * Hand GnuPG the first keyblock alone and use its framing to say why
 * GnuPG rejected it. The further keyblocks only add user IDs, because
 * GitLab checks the user IDs of every key it imports from the armor.
 * NOTE: GitLab keeps the first key that GnuPG imports. When the first key
 * of an armor is rejected and a later one is not, GitLab shows the later
 * key while this reports the first one as rejected.
 */
static int inspect_keyblocks(struct gpg_session *session,
			     const struct openpgp_packets *packets,
			     int64_t now, struct gpg_key_info *out)
{
	const struct openpgp_keyblock *kb = &packets->keyblocks[0];
	struct key_list list = { NULL, 0 };
	struct buf err = BUF_INIT;
	gpgme_key_t key;
	int ret = -1;

	out->extra_keys = packets->keyblock_count - 1;
	if (list_keys(session, packets->data.data + kb->offset, kb->len, &list, &err))
		goto engine_error;
	if (!list.count) {
		explain_unlisted(out, session->engine_version, kb);
		goto out;
	}
	key = list.keys[0];
	fill_key(out, key, kb->algorithm, now);
	if (key->invalid) {
		explain_invalid(out, session->engine_version, kb->algorithm);
		goto out;
	}
	if (key->revoked &&
	    find_revoked_uids(session, packets->data.data + kb->offset, kb->len,
			      0, out->uids, out->uid_count, &err))
		goto engine_error;

	if (packets->keyblock_count > 1 &&
	    inspect_extra_keyblocks(session, packets, out, &err))
		goto engine_error;
	ret = 0;
	goto out;

engine_error:
	set_result(out, GPG_ENGINE_ERROR, "%s", err.data);
out:
	key_list_release(&list);
	buf_release(&err);
	return ret;
}

/*
 * openpgp.c does not open compressed data packets but GnuPG does, so data
 * without a visible key packet but with compressed data goes to GnuPG
 * whole. The algorithm id of a key found there is unknown, so a key that
 * GnuPG rejects reads as malformed unless its curve shows otherwise.
 */
static int inspect_compressed(struct gpg_session *session,
			      const struct openpgp_packets *packets,
			      int64_t now, struct gpg_key_info *out)
{
	struct key_list list = { NULL, 0 };
	struct buf err = BUF_INIT;
	size_t i;
	int ret = -1;

	if (list_keys(session, packets->data.data, packets->data.len, &list, &err))
		goto engine_error;
	if (!list.count) {
		explain_no_key(out, packets);
		goto out;
	}
	out->extra_keys = list.count - 1;
	fill_key(out, list.keys[0], -1, now);
	if (list.keys[0]->invalid) {
		explain_invalid(out, session->engine_version, -1);
		goto out;
	}
	if (list.keys[0]->revoked &&
	    find_revoked_uids(session, packets->data.data, packets->data.len, 0,
			      out->uids, out->uid_count, &err))
		goto engine_error;

	for (i = 1; i < list.count; i++) {
		size_t first = out->extra_uid_count;

		if (list.keys[i]->invalid)
			continue;
		append_uids(&out->extra_uids, &out->extra_uid_count, list.keys[i]);
		if (list.keys[i]->revoked &&
		    find_revoked_uids(session, packets->data.data,
				      packets->data.len, i, out->extra_uids + first,
				      out->extra_uid_count - first, &err))
			goto engine_error;
	}
	ret = 0;
	goto out;

engine_error:
	set_result(out, GPG_ENGINE_ERROR, "%s", err.data);
out:
	key_list_release(&list);
	buf_release(&err);
	return ret;
}

/*
 * Check the framing here first, so that damaged or truncated text never
 * reaches GnuPG. Each call makes its own data objects and ends its
 * listing, so one bad key cannot affect the next call.
 */
int gpg_key_inspect(struct gpg_session *session, const char *armor,
		    size_t len, int64_t now, struct gpg_key_info *out)
{
	struct openpgp_packets packets;
	struct buf reason = BUF_INIT;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->result = GPG_OK;
	memset(&packets, 0, sizeof(packets));
	buf_init(&packets.data);

	if (is_blank(armor, len))
		set_result(out, GPG_NO_KEY, "the key text is empty");
	else if (openpgp_packets_read(armor, len, &packets, &reason))
		set_result(out, GPG_MALFORMED, "%s", reason.data);
	else if (packets.keyblock_count)
		ret = inspect_keyblocks(session, &packets, now, out);
	else if (packets.tags_seen & (uint64_t)1 << OPENPGP_TAG_COMPRESSED)
		ret = inspect_compressed(session, &packets, now, out);
	else
		explain_no_key(out, &packets);

	openpgp_packets_release(&packets);
	buf_release(&reason);
	return ret;
}

/* ------------------------------------------------------------ batches */

/*
 * The version 4 fingerprint of the key packet at the start of a keyblock:
 * SHA-1 over 0x99, the two-byte body length and the body (RFC 4880,
 * section 12.2), in uppercase hex. Returns -1 when the header is not one
 * that openpgp.c accepted for a version 4 key.
 */
static int v4_fingerprint(const unsigned char *p, size_t len, char hex[41])
{
	static const char digits[] = "0123456789ABCDEF";
	unsigned char prefix[3], sha1[20];
	size_t header, body;
	gcry_md_hd_t md;
	int i;

	if (len < 2 || !(p[0] & 0x80))
		return -1;
	if (p[0] & 0x40) {
		if (p[1] < 192) {
			header = 2;
			body = p[1];
		} else if (p[1] < 224 && len >= 3) {
			header = 3;
			body = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
		} else if (p[1] == 255 && len >= 6) {
			header = 6;
			body = (size_t)p[2] << 24 | (size_t)p[3] << 16 |
			       (size_t)p[4] << 8 | p[5];
		} else {
			return -1;
		}
	} else if ((p[0] & 3) == 0) {
		header = 2;
		body = p[1];
	} else if ((p[0] & 3) == 1 && len >= 3) {
		header = 3;
		body = (size_t)p[1] << 8 | p[2];
	} else if ((p[0] & 3) == 2 && len >= 5) {
		header = 5;
		body = (size_t)p[1] << 24 | (size_t)p[2] << 16 |
		       (size_t)p[3] << 8 | p[4];
	} else {
		return -1;
	}
	if (body > 0xFFFF || header + body > len)
		return -1;

	prefix[0] = 0x99;
	prefix[1] = (unsigned char)(body >> 8);
	prefix[2] = (unsigned char)body;
	if (gcry_md_open(&md, GCRY_MD_SHA1, 0))
		return -1;
	gcry_md_write(md, prefix, sizeof(prefix));
	gcry_md_write(md, p + header, body);
	memcpy(sha1, gcry_md_read(md, GCRY_MD_SHA1), sizeof(sha1));
	gcry_md_close(md);
	for (i = 0; i < 20; i++) {
		hex[2 * i] = digits[sha1[i] >> 4];
		hex[2 * i + 1] = digits[sha1[i] & 15];
	}
	hex[40] = '\0';
	return 0;
}

/* One key of a batch that can go to GnuPG together with the others. */
struct batch_entry {
	size_t index;              /* into the caller's arrays */
	size_t offset;             /* of its keyblock in the joined data */
	size_t len;
	int algorithm;
	char fingerprint[41];
};

/*
 * Fill out[index] from key `key` listed for a batch entry, as
 * inspect_keyblocks() does for a key listed alone. Returns -1 only when
 * GnuPG failed while listing the signatures of a revoked key.
 */
static int finish_batch_entry(struct gpg_session *session,
			      const struct batch_entry *entry,
			      const char *joined, gpgme_key_t key,
			      int64_t now, struct gpg_key_info *out)
{
	struct buf err = BUF_INIT;
	int ret = 0;

	fill_key(out, key, entry->algorithm, now);
	if (key->invalid)
		explain_invalid(out, session->engine_version, entry->algorithm);
	else if (key->revoked &&
		 find_revoked_uids(session, joined + entry->offset, entry->len,
				   0, out->uids, out->uid_count, &err)) {
		set_result(out, GPG_ENGINE_ERROR, "%s", err.data);
		ret = -1;
	}
	buf_release(&err);
	return ret;
}

void gpg_key_inspect_batch(struct gpg_session *session,
			   const char *const *armors, const size_t *lens,
			   size_t count, int64_t now, struct gpg_key_info *out,
			   struct gpg_batch_stats *stats)
{
	struct batch_entry *entries = xcalloc(count ? count : 1, sizeof(*entries));
	struct key_list list = { NULL, 0 };
	struct buf joined = BUF_INIT, err = BUF_INIT;
	char *alone = xcalloc(count ? count : 1, 1);
	size_t i, n = 0;
	int listed_in_order = 0;

	/*
	 * A key goes into the joined data when its armor holds exactly one
	 * version 4 keyblock and no compressed data, so that GnuPG lists
	 * one key for it. Every other key is inspected alone below.
	 */
	for (i = 0; i < count; i++) {
		struct openpgp_packets packets;
		struct buf reason = BUF_INIT;
		const struct openpgp_keyblock *kb;

		memset(&out[i], 0, sizeof(out[i]));
		alone[i] = 1;
		memset(&packets, 0, sizeof(packets));
		buf_init(&packets.data);
		if (!is_blank(armors[i], lens[i]) &&
		    !openpgp_packets_read(armors[i], lens[i], &packets, &reason) &&
		    packets.keyblock_count == 1 &&
		    !(packets.tags_seen & (uint64_t)1 << OPENPGP_TAG_COMPRESSED)) {
			kb = &packets.keyblocks[0];
			if (kb->version == 4 &&
			    !v4_fingerprint((const unsigned char *)packets.data.data +
					    kb->offset, kb->len,
					    entries[n].fingerprint)) {
				entries[n].index = i;
				entries[n].offset = joined.len;
				entries[n].len = kb->len;
				entries[n].algorithm = kb->algorithm;
				buf_add(&joined, packets.data.data + kb->offset, kb->len);
				alone[i] = 0;
				n++;
			}
		}
		openpgp_packets_release(&packets);
		buf_release(&reason);
	}

	/* GnuPG lists the keys in the order of the data, one per keyblock. */
	if (n && !list_keys(session, joined.data, joined.len, &list, &err) &&
	    list.count == n) {
		listed_in_order = 1;
		for (i = 0; i < n; i++)
			if (!list.keys[i]->subkeys || !list.keys[i]->subkeys->fpr ||
			    strcmp(list.keys[i]->subkeys->fpr, entries[i].fingerprint))
				listed_in_order = 0;
	}
	if (listed_in_order) {
		for (i = 0; i < n; i++) {
			out[entries[i].index].result = GPG_OK;
			finish_batch_entry(session, &entries[i], joined.data,
					   list.keys[i], now, &out[entries[i].index]);
		}
		if (stats)
			stats->listed_together += n;
	} else {
		/* A key that GnuPG rejected or a failed run: each key alone. */
		for (i = 0; i < n; i++)
			alone[entries[i].index] = 1;
		if (stats && n)
			stats->batches_redone++;
	}
	for (i = 0; i < count; i++) {
		if (!alone[i])
			continue;
		gpg_key_inspect(session, armors[i], lens[i], now, &out[i]);
		if (stats)
			stats->listed_alone++;
	}

	key_list_release(&list);
	buf_release(&joined);
	buf_release(&err);
	free(entries);
	free(alone);
}

static void release_uids(struct gpg_uid *uids, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(uids[i].uid);
		free(uids[i].name);
		free(uids[i].email);
	}
	free(uids);
}

void gpg_key_info_release(struct gpg_key_info *info)
{
	release_uids(info->uids, info->uid_count);
	release_uids(info->extra_uids, info->extra_uid_count);
	free(info->subkeys);
	info->uids = NULL;
	info->uid_count = 0;
	info->extra_uids = NULL;
	info->extra_uid_count = 0;
	info->subkeys = NULL;
	info->subkey_count = 0;
}

/* ------------------------------------------------------------ verification */

static int ascii_tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int equal_ignoring_ascii_case(const char *a, const char *b)
{
	while (*a && ascii_tolower((unsigned char)*a) == ascii_tolower((unsigned char)*b)) {
		a++;
		b++;
	}
	return !*a && !*b;
}

/*
 * NOTE: GitLab lowercases both sides with Ruby's String#downcase, which
 * also folds non-ASCII letters, so two addresses that differ only in the
 * case of a non-ASCII letter match in GitLab but not here.
 */
static void count_matches(const struct gpg_uid *uids, size_t count,
			  const char *const *emails, size_t email_count,
			  size_t *matched, size_t *matched_revoked)
{
	size_t i, j;

	for (i = 0; i < count; i++) {
		const struct gpg_uid *uid = &uids[i];

		if (!uid->email || !uid->valid_utf8)
			continue;
		for (j = 0; j < email_count; j++) {
			if (!emails[j] || !equal_ignoring_ascii_case(uid->email, emails[j]))
				continue;
			(*matched)++;
			if (uid->revoked)
				(*matched_revoked)++;
			break;
		}
	}
}

enum gpg_verification gpg_key_verify(const struct gpg_key_info *info,
				     const char *const *emails,
				     size_t email_count, int *only_revoked)
{
	size_t matched = 0, matched_revoked = 0;

	if (only_revoked)
		*only_revoked = 0;
	if (info->result != GPG_OK)
		return GPG_UNVERIFIED;

	count_matches(info->uids, info->uid_count, emails, email_count,
		      &matched, &matched_revoked);
	count_matches(info->extra_uids, info->extra_uid_count, emails,
		      email_count, &matched, &matched_revoked);
	if (!matched)
		return GPG_UNVERIFIED;
	if (only_revoked)
		*only_revoked = matched == matched_revoked;
	return GPG_VERIFIED;
}
