/*
 * Unit tests for gpgkey.c and openpgp.c. The group setup makes real keys
 * with gpg --batch in a temporary home, and the expected values come from
 * `gpg --with-colons --show-keys`, not from the code under test. Crafted
 * packets cover what gpg 2.2 cannot make: key versions and algorithms it
 * does not support.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "gpgkey.h"

#define MAX_UIDS 8
#define MANIFEST "samples/fixtures/gpg/manifest.tsv"
/* 2026-12-04T12:00:00Z, the sample database's --now. */
#define SAMPLE_NOW 1796385600

/* A key as `gpg --with-colons --show-keys` lists it. */
struct listing {
	char fingerprint[65];
	char keyid[17];
	int algorithm;
	unsigned bits;
	int64_t created;
	int64_t expires;
	char curve[32];
	int revoked;
	char uids[MAX_UIDS][128];
	int uid_revoked[MAX_UIDS];
	size_t uid_count;
};

struct test_key {
	const char *name;
	struct buf armor;
	struct listing listing;
};

enum {
	ALICE,          /* Ed25519, one user ID */
	BOB,            /* RSA 2048, address in mixed case */
	CAROL,          /* a revoked user ID and a bare address */
	NOMAIL,         /* a user ID without an address */
	EXPIRED,        /* made in 2020, expired in 2021 */
	REVOKED,        /* revocation certificate imported */
	LATIN1,         /* user ID that is not valid UTF-8 */
	FUTURE,         /* created in 2035, after the machine's clock */
	RITA,           /* a revoked user ID, then the whole key revoked */
	KEY_COUNT,
};

static const char *const key_names[KEY_COUNT] = {
	"alice", "bob", "carol", "nomail", "expired", "revoked", "latin1",
	"future", "rita",
};

static char gen_home[64];
static struct test_key keys[KEY_COUNT];
static struct buf alice_binary = BUF_INIT;
static struct buf two_keys = BUF_INIT;
static struct buf signature = BUF_INIT;
static struct buf secret_key = BUF_INIT;
static struct gpg_session *session;
static int64_t wall_now;

/* ------------------------------------------------------------ helpers */

__attribute__((format(printf, 1, 2)))
static int run(const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	va_list ap;
	int status;

	va_start(ap, fmt);
	buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	status = system(cmd.data);
	if (status)
		print_error("command failed (%d): %s\n", status, cmd.data);
	buf_release(&cmd);
	return status;
}

/* Run a shell command and append its standard output to `out`. */
__attribute__((format(printf, 2, 3)))
static int capture(struct buf *out, const char *fmt, ...)
{
	struct buf cmd = BUF_INIT;
	char chunk[4096];
	va_list ap;
	size_t n;
	FILE *p;
	int status;

	va_start(ap, fmt);
	buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	p = popen(cmd.data, "r");
	if (!p) {
		buf_release(&cmd);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	status = pclose(p);
	if (status)
		print_error("command failed (%d): %s\n", status, cmd.data);
	buf_release(&cmd);
	return status;
}

static int read_file(const char *path, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	return 0;
}

/* Split a line at `separator` in place, keeping empty fields. Returns the count. */
static size_t split_fields(char *line, int separator, char **fields, size_t max)
{
	size_t n = 0;

	while (line && n < max) {
		fields[n++] = line;
		line = strchr(line, separator);
		if (line)
			*line++ = '\0';
	}
	return n;
}

/* Decode the \xNN escapes of a colon-listing user ID field. */
static void unescape(char *dst, size_t size, const char *src)
{
	size_t len = 0;

	while (*src && len + 1 < size) {
		unsigned value;

		if (src[0] == '\\' && src[1] == 'x' && sscanf(src + 2, "%2x", &value) == 1) {
			dst[len++] = (char)value;
			src += 4;
		} else {
			dst[len++] = *src++;
		}
	}
	dst[len] = '\0';
}

/* Fill `out` from the first key of a colon listing. */
static void parse_listing(char *text, struct listing *out)
{
	char *line, *save = NULL;
	int in_primary = 0, seen_primary = 0;

	memset(out, 0, sizeof(*out));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[21];
		size_t n = split_fields(line, ':', f, 21);

		if (!strcmp(f[0], "pub")) {
			if (seen_primary)
				break;
			seen_primary = in_primary = 1;
			out->bits = (unsigned)strtoul(f[2], NULL, 10);
			out->algorithm = atoi(f[3]);
			snprintf(out->keyid, sizeof(out->keyid), "%s", f[4]);
			out->revoked = strchr(f[1], 'r') != NULL;
			out->created = strtoll(f[5], NULL, 10);
			out->expires = strtoll(f[6], NULL, 10);
			if (n > 16)
				snprintf(out->curve, sizeof(out->curve), "%s", f[16]);
		} else if (!strcmp(f[0], "fpr") && in_primary && n > 9) {
			snprintf(out->fingerprint, sizeof(out->fingerprint), "%s", f[9]);
			in_primary = 0;
		} else if (!strcmp(f[0], "sub")) {
			in_primary = 0;
		} else if (!strcmp(f[0], "uid") && n > 9 &&
			   out->uid_count < MAX_UIDS) {
			unescape(out->uids[out->uid_count], sizeof(out->uids[0]), f[9]);
			out->uid_revoked[out->uid_count] = strchr(f[1], 'r') != NULL;
			out->uid_count++;
		}
	}
}

static const char *algorithm_of(int id)
{
	switch (id) {
	case 1: return "RSA";
	case 17: return "DSA";
	case 19: return "ECDSA";
	case 22: return "EdDSA";
	}
	return "?";
}

static void assert_matches_listing(const struct gpg_key_info *info,
				   const struct listing *expected)
{
	size_t i;

	assert_int_equal(info->result, GPG_OK);
	assert_string_equal(info->error, "");
	assert_string_equal(info->fingerprint, expected->fingerprint);
	assert_string_equal(info->keyid, expected->keyid);
	assert_string_equal(info->algorithm, algorithm_of(expected->algorithm));
	assert_string_equal(info->curve, expected->curve);
	assert_int_equal(info->bits, expected->bits);
	assert_true(info->created == expected->created);
	assert_true(info->expires == expected->expires);
	assert_int_equal(info->revoked, expected->revoked);
	assert_int_equal(info->uid_count, expected->uid_count);
	for (i = 0; i < info->uid_count; i++) {
		assert_string_equal(info->uids[i].uid, expected->uids[i]);
		/* gpg marks every user ID of a revoked key as revoked. */
		if (!expected->revoked)
			assert_int_equal(info->uids[i].revoked,
					 expected->uid_revoked[i]);
	}
}

static int inspect(const struct buf *text, int64_t now, struct gpg_key_info *info)
{
	return gpg_key_inspect(session, text->data, text->len, now, info);
}

static int inspect_string(const char *text, struct gpg_key_info *info)
{
	return gpg_key_inspect(session, text, strlen(text), wall_now, info);
}

static void assert_one_line(const char *error)
{
	assert_true(error[0] != '\0');
	assert_null(strchr(error, '\n'));
	assert_null(strchr(error, '\r'));
}

/* Return 1 when a running process has `needle` in its command line. */
static int process_mentions(const char *needle)
{
	DIR *proc = opendir("/proc");
	struct dirent *entry;
	int found = 0;

	if (!proc)
		return 0;
	while (!found && (entry = readdir(proc))) {
		char path[300], cmdline[4096];
		size_t n, i;
		FILE *f;

		if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", entry->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(cmdline, 1, sizeof(cmdline) - 1, f);
		fclose(f);
		for (i = 0; i < n; i++)
			if (!cmdline[i])
				cmdline[i] = ' ';
		cmdline[n] = '\0';
		found = strstr(cmdline, needle) != NULL;
	}
	closedir(proc);
	return found;
}

/* Wait up to five seconds for every process that mentions `needle` to exit. */
static int wait_for_no_process(const char *needle)
{
	int i;

	for (i = 0; i < 100; i++) {
		struct timespec pause = { 0, 50 * 1000 * 1000 };

		if (!process_mentions(needle))
			return 1;
		nanosleep(&pause, NULL);
	}
	return 0;
}

/* --------------------------------------------------- crafted packets */

static void add_packet(struct buf *out, int tag, const struct buf *body)
{
	size_t len = body->len;

	buf_addch(out, 0xC0 | tag);
	if (len < 192) {
		buf_addch(out, (int)len);
	} else {
		buf_addch(out, 0xFF);
		buf_addch(out, (int)(len >> 24 & 0xFF));
		buf_addch(out, (int)(len >> 16 & 0xFF));
		buf_addch(out, (int)(len >> 8 & 0xFF));
		buf_addch(out, (int)(len & 0xFF));
	}
	buf_add(out, body->data, body->len);
}

/*
 * Wrap `packets` in a compressed data packet (tag 8) with algorithm ZIP,
 * using one stored deflate block (RFC 1951 section 3.2.4), which needs no
 * compressor.
 */
static void add_compressed(struct buf *out, const struct buf *packets)
{
	struct buf body = BUF_INIT;
	size_t len = packets->len;

	assert_true(len <= 0xFFFF);
	buf_addch(&body, 1);            /* ZIP: raw deflate */
	buf_addch(&body, 1);            /* final block, stored */
	buf_addch(&body, (int)(len & 0xFF));
	buf_addch(&body, (int)(len >> 8));
	buf_addch(&body, (int)(~len & 0xFF));
	buf_addch(&body, (int)(~len >> 8 & 0xFF));
	buf_add(&body, packets->data, packets->len);
	add_packet(out, 8, &body);
	buf_release(&body);
}

static void add_be32(struct buf *out, uint32_t value)
{
	buf_addch(out, (int)(value >> 24 & 0xFF));
	buf_addch(out, (int)(value >> 16 & 0xFF));
	buf_addch(out, (int)(value >> 8 & 0xFF));
	buf_addch(out, (int)(value & 0xFF));
}

/* A multiprecision integer of `bytes` bytes whose top bit is set. */
static void add_mpi(struct buf *out, size_t bytes, int fill)
{
	size_t bits = bytes * 8, i;

	buf_addch(out, (int)(bits >> 8));
	buf_addch(out, (int)(bits & 0xFF));
	buf_addch(out, 0x80 | fill);
	for (i = 1; i < bytes; i++)
		buf_addch(out, fill);
}

static const unsigned char ed25519_oid[] = {
	0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01,
};
static const unsigned char ed448_oid[] = { 0x2B, 0x65, 0x71 };

enum crafted {
	CRAFT_V5_ED25519,
	CRAFT_V3_RSA,
	CRAFT_V4_ALGORITHM_99,
	CRAFT_V4_ED448,
	CRAFT_V4_UNSIGNED,
	CRAFT_V4_SHORT_MPI,
};

/* Build a public-key packet of the given kind followed by a user ID packet. */
static void craft_key(enum crafted kind, struct buf *out)
{
	struct buf body = BUF_INIT, material = BUF_INIT, uid = BUF_INIT;
	const uint32_t created = 1700000000;

	switch (kind) {
	case CRAFT_V5_ED25519:
		buf_addch(&material, sizeof(ed25519_oid));
		buf_add(&material, ed25519_oid, sizeof(ed25519_oid));
		add_mpi(&material, 33, 0x40);
		buf_addch(&body, 5);
		add_be32(&body, created);
		buf_addch(&body, 22);
		add_be32(&body, (uint32_t)material.len);
		buf_add(&body, material.data, material.len);
		break;
	case CRAFT_V3_RSA:
		buf_addch(&body, 3);
		add_be32(&body, created);
		buf_addch(&body, 0);
		buf_addch(&body, 0);
		buf_addch(&body, 1);
		add_mpi(&body, 128, 0x41);
		add_mpi(&body, 3, 0x01);
		break;
	case CRAFT_V4_ALGORITHM_99:
		buf_addch(&body, 4);
		add_be32(&body, created);
		buf_addch(&body, 99);
		add_mpi(&body, 32, 0x11);
		break;
	case CRAFT_V4_ED448:
		buf_addch(&body, 4);
		add_be32(&body, created);
		buf_addch(&body, 22);
		buf_addch(&body, sizeof(ed448_oid));
		buf_add(&body, ed448_oid, sizeof(ed448_oid));
		add_mpi(&body, 58, 0x40);
		break;
	case CRAFT_V4_UNSIGNED:
		buf_addch(&body, 4);
		add_be32(&body, created);
		buf_addch(&body, 22);
		buf_addch(&body, sizeof(ed25519_oid));
		buf_add(&body, ed25519_oid, sizeof(ed25519_oid));
		add_mpi(&body, 33, 0x40);
		break;
	case CRAFT_V4_SHORT_MPI:
		/* The modulus claims 2048 bits but the packet ends after 4 bytes. */
		buf_addch(&body, 4);
		add_be32(&body, created);
		buf_addch(&body, 1);
		buf_addch(&body, 0x08);
		buf_addch(&body, 0x00);
		buf_add(&body, "\xC1\x02\x03\x04", 4);
		break;
	}
	add_packet(out, 6, &body);
	buf_adds(&uid, "Eve Example <eve@example.com>");
	add_packet(out, 13, &uid);
	buf_release(&body);
	buf_release(&material);
	buf_release(&uid);
}

static uint64_t xorshift(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* ------------------------------------------------------------- setup */

#define GPG "gpg --homedir '%s' --batch --quiet --no-tty --pinentry-mode loopback --passphrase ''"

static int fingerprint_of(const char *uid, char *fpr, size_t size)
{
	struct buf out = BUF_INIT;
	struct listing listing;
	int ret = -1;

	if (!capture(&out, GPG " --with-colons --list-keys '=%s'", gen_home, uid)) {
		parse_listing(out.data, &listing);
		snprintf(fpr, size, "%s", listing.fingerprint);
		ret = fpr[0] ? 0 : -1;
	}
	buf_release(&out);
	return ret;
}

static int export_key(struct test_key *key, const char *fpr)
{
	struct buf listing = BUF_INIT;
	int ret = -1;

	if (capture(&key->armor, GPG " --armor --export %s", gen_home, fpr) ||
	    !key->armor.len)
		goto out;
	if (run(GPG " --armor --export %s > '%s/%s.asc'", gen_home, fpr,
		gen_home, key->name))
		goto out;
	/* The options let gpg accept the key made after the machine's clock. */
	if (capture(&listing, GPG " --ignore-time-conflict --ignore-valid-from --with-colons --show-keys '%s/%s.asc'",
		    gen_home, gen_home, key->name))
		goto out;
	parse_listing(listing.data, &key->listing);
	ret = 0;
out:
	buf_release(&listing);
	return ret;
}

/* Make one key with quick-gen-key. `uid` may contain shell code in "$(...)". */
static int make_key(int index, const char *options, const char *uid,
		    const char *uid_for_lookup, const char *algorithm,
		    const char *expire)
{
	char fpr[65];

	keys[index].name = key_names[index];
	if (run(GPG " %s --quick-gen-key \"%s\" %s sign %s", gen_home, options,
		uid, algorithm, expire))
		return -1;
	if (fingerprint_of(uid_for_lookup, fpr, sizeof(fpr)))
		return -1;
	if (index == CAROL &&
	    (run(GPG " --quick-add-uid %s 'Carol Work <carol@work.example>'", gen_home, fpr) ||
	     run(GPG " --quick-revoke-uid %s 'Carol Work <carol@work.example>'", gen_home, fpr) ||
	     run(GPG " --quick-add-uid %s 'carol@bare.example'", gen_home, fpr)))
		return -1;
	if (index == RITA &&
	    (run(GPG " --quick-add-uid %s 'Rita Old <rita@old.example>'", gen_home, fpr) ||
	     run(GPG " --quick-revoke-uid %s 'Rita Old <rita@old.example>'", gen_home, fpr)))
		return -1;
	/* gpg prefixes the BEGIN line of a stored revocation certificate with ':'. */
	if ((index == REVOKED || index == RITA) &&
	    run("sed 's/^:-----/-----/' '%s/openpgp-revocs.d/%s.rev' | " GPG " --import",
		gen_home, fpr, gen_home))
		return -1;
	return export_key(&keys[index], fpr);
}

static int make_keys(void)
{
	return make_key(ALICE, "", "Alice Example <alice@example.com>",
			"Alice Example <alice@example.com>", "ed25519", "never") ||
	       make_key(BOB, "", "Bob Example <Bob.Example@Example.COM>",
			"Bob Example <Bob.Example@Example.COM>", "rsa2048", "never") ||
	       make_key(CAROL, "", "Carol Example <carol@example.com>",
			"Carol Example <carol@example.com>", "ed25519", "never") ||
	       make_key(NOMAIL, "", "Build Bot (release signing)",
			"Build Bot (release signing)", "ed25519", "never") ||
	       make_key(EXPIRED, "--faked-system-time 20200101T000000!",
			"Old Example <old@example.com>",
			"Old Example <old@example.com>", "ed25519", "1y") ||
	       make_key(REVOKED, "", "Revoked Example <revoked@example.com>",
			"Revoked Example <revoked@example.com>", "ed25519", "never") ||
	       make_key(LATIN1, "--utf8-strings",
			"$(printf 'Latin \\351 <latin@example.com>')",
			"Latin \xe9 <latin@example.com>", "ed25519", "never") ||
	       make_key(FUTURE, "--faked-system-time 20350101T000000!",
			"Future Example <future@example.com>",
			"Future Example <future@example.com>", "ed25519", "never") ||
	       make_key(RITA, "", "Rita Example <rita@example.com>",
			"Rita Example <rita@example.com>", "ed25519", "never");
}

static int group_setup(void **state)
{
	struct buf err = BUF_INIT;
	const char *tmp = getenv("TMPDIR");

	wall_now = (int64_t)time(NULL);
	snprintf(gen_home, sizeof(gen_home), "%s/ca-test-XXXXXX",
		 tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(gen_home))
		return -1;
	if (make_keys())
		return -1;
	if (capture(&alice_binary, GPG " --export %s", gen_home,
		    keys[ALICE].listing.fingerprint) ||
	    capture(&two_keys, GPG " --armor --export %s %s", gen_home,
		    keys[ALICE].listing.fingerprint, keys[BOB].listing.fingerprint) ||
	    capture(&signature, "echo hello | " GPG " --armor --detach-sign --local-user %s",
		    gen_home, keys[ALICE].listing.fingerprint) ||
	    capture(&secret_key, GPG " --armor --export-secret-keys %s", gen_home,
		    keys[ALICE].listing.fingerprint))
		return -1;

	if (gpg_session_begin(&session, &err)) {
		print_error("gpg_session_begin: %s\n", err.data);
		buf_release(&err);
		return -1;
	}
	buf_release(&err);
	return 0;
}

static int group_teardown(void **state)
{
	size_t i;

	gpg_session_end(session);
	session = NULL;
	for (i = 0; i < KEY_COUNT; i++)
		buf_release(&keys[i].armor);
	buf_release(&alice_binary);
	buf_release(&two_keys);
	buf_release(&signature);
	buf_release(&secret_key);
	if (gen_home[0]) {
		run("gpgconf --homedir '%s' --kill all", gen_home);
		run("rm -rf '%s'", gen_home);
	}
	return 0;
}

/* ------------------------------------------------------------- tests */

static void inspect_ed25519_matches_gpg(void **state)
{
	struct gpg_key_info info;

	assert_int_equal(inspect(&keys[ALICE].armor, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	assert_string_equal(info.algorithm, "EdDSA");
	assert_string_equal(info.curve, "ed25519");
	assert_int_equal(info.bits, 255);
	assert_string_equal(info.uids[0].name, "Alice Example");
	assert_string_equal(info.uids[0].email, "alice@example.com");
	assert_int_equal(info.uids[0].valid_utf8, 1);
	assert_string_equal(info.keyid, info.fingerprint + 24);
	assert_int_equal(info.expired, 0);
	assert_int_equal(info.revoked, 0);
	assert_int_equal(info.extra_keys, 0);
	assert_int_equal(info.extra_uid_count, 0);
	gpg_key_info_release(&info);
}

static void inspect_rsa2048_matches_gpg(void **state)
{
	struct gpg_key_info info;

	assert_int_equal(inspect(&keys[BOB].armor, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[BOB].listing);
	assert_string_equal(info.algorithm, "RSA");
	assert_int_equal(info.bits, 2048);
	assert_string_equal(info.curve, "");
	gpg_key_info_release(&info);
}

static void inspect_every_generated_key(void **state)
{
	size_t i;

	for (i = 0; i < KEY_COUNT; i++) {
		struct gpg_key_info info;

		print_message("key %s\n", keys[i].name);
		assert_int_equal(inspect(&keys[i].armor, wall_now, &info), 0);
		assert_matches_listing(&info, &keys[i].listing);
		gpg_key_info_release(&info);
	}
}

static const struct gpg_uid *find_uid(const struct gpg_key_info *info,
				      const char *email)
{
	size_t i;

	for (i = 0; i < info->uid_count; i++)
		if (info->uids[i].email && !strcmp(info->uids[i].email, email))
			return &info->uids[i];
	return NULL;
}

/*
 * GnuPG lists the primary user ID first. Without a primary flag that is
 * the one with the newest self-signature, so the order depends on timing.
 */
static void revoked_uid_listed(void **state)
{
	const struct gpg_uid *home, *work, *bare;
	struct gpg_key_info info;

	assert_int_equal(inspect(&keys[CAROL].armor, wall_now, &info), 0);
	assert_int_equal(info.uid_count, 3);
	home = find_uid(&info, "carol@example.com");
	work = find_uid(&info, "carol@work.example");
	bare = find_uid(&info, "carol@bare.example");
	assert_non_null(home);
	assert_non_null(work);
	assert_non_null(bare);
	assert_int_equal(home->revoked, 0);
	assert_int_equal(work->revoked, 1);
	assert_int_equal(bare->revoked, 0);
	assert_string_equal(work->uid, "Carol Work <carol@work.example>");
	assert_string_equal(bare->uid, "carol@bare.example");
	assert_string_equal(bare->name, "");
	gpg_key_info_release(&info);
}

static void verify_revoked_uid_only(void **state)
{
	const char *work[] = { "carol@work.example" };
	const char *home[] = { "carol@example.com" };
	const char *both[] = { "carol@work.example", "carol@example.com" };
	const char *bare[] = { "CAROL@bare.example" };
	struct gpg_key_info info;
	int only_revoked = -1;

	assert_int_equal(inspect(&keys[CAROL].armor, wall_now, &info), 0);

	assert_int_equal(gpg_key_verify(&info, work, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 1);
	assert_int_equal(gpg_key_verify(&info, home, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 0);
	assert_int_equal(gpg_key_verify(&info, both, 2, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 0);
	assert_int_equal(gpg_key_verify(&info, bare, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 0);
	assert_int_equal(gpg_key_verify(&info, work, 1, NULL), GPG_VERIFIED);
	gpg_key_info_release(&info);
}

static void verify_ignores_ascii_case(void **state)
{
	const char *lower[] = { "bob.example@example.com" };
	const char *upper[] = { "BOB.EXAMPLE@EXAMPLE.COM" };
	const char *other[] = { "bob.example@example.co" };
	struct gpg_key_info info;
	int only_revoked = -1;

	assert_int_equal(inspect(&keys[BOB].armor, wall_now, &info), 0);
	assert_int_equal(gpg_key_verify(&info, lower, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 0);
	assert_int_equal(gpg_key_verify(&info, upper, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(gpg_key_verify(&info, other, 1, &only_revoked), GPG_UNVERIFIED);
	assert_int_equal(only_revoked, 0);
	gpg_key_info_release(&info);
}

static void verify_unlisted_address(void **state)
{
	const char *emails[] = { "someone@example.com", "alice@example.org" };
	struct gpg_key_info info;
	int only_revoked = -1;

	assert_int_equal(inspect(&keys[ALICE].armor, wall_now, &info), 0);
	assert_int_equal(gpg_key_verify(&info, emails, 2, &only_revoked), GPG_UNVERIFIED);
	assert_int_equal(only_revoked, 0);
	assert_int_equal(gpg_key_verify(&info, NULL, 0, &only_revoked), GPG_UNVERIFIED);
	gpg_key_info_release(&info);
}

static void uid_without_email(void **state)
{
	const char *emails[] = { "", "build@example.com" };
	struct gpg_key_info info;

	assert_int_equal(inspect(&keys[NOMAIL].armor, wall_now, &info), 0);
	assert_int_equal(info.uid_count, 1);
	assert_string_equal(info.uids[0].uid, "Build Bot (release signing)");
	assert_string_equal(info.uids[0].name, "Build Bot");
	assert_null(info.uids[0].email);
	assert_int_equal(gpg_key_verify(&info, emails, 2, NULL), GPG_UNVERIFIED);
	gpg_key_info_release(&info);
}

static void expired_key_uses_now(void **state)
{
	const struct listing *expected = &keys[EXPIRED].listing;
	struct gpg_key_info info;

	/* --faked-system-time 20200101T000000 and an expiry of one year. */
	assert_true(expected->created == 1577836800);
	assert_true(expected->expires > expected->created);

	assert_int_equal(inspect(&keys[EXPIRED].armor, wall_now, &info), 0);
	assert_true(info.expires == expected->expires);
	assert_int_equal(info.expired, 1);
	gpg_key_info_release(&info);

	assert_int_equal(inspect(&keys[EXPIRED].armor, expected->expires, &info), 0);
	assert_int_equal(info.expired, 1);
	gpg_key_info_release(&info);

	assert_int_equal(inspect(&keys[EXPIRED].armor, expected->expires - 1, &info), 0);
	assert_int_equal(info.expired, 0);
	gpg_key_info_release(&info);
}

static void revoked_key_flagged(void **state)
{
	const char *emails[] = { "revoked@example.com" };
	struct gpg_key_info info;
	int only_revoked = -1;

	assert_int_equal(inspect(&keys[REVOKED].armor, wall_now, &info), 0);
	assert_int_equal(info.revoked, 1);
	assert_int_equal(info.expired, 0);
	/* GitLab's rule looks at addresses only, so a revoked key still matches. */
	assert_int_equal(gpg_key_verify(&info, emails, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 0);
	gpg_key_info_release(&info);

	assert_int_equal(inspect(&keys[ALICE].armor, wall_now, &info), 0);
	assert_int_equal(info.revoked, 0);
	gpg_key_info_release(&info);
}

static void revoked_key_keeps_uid_flags(void **state)
{
	const char *current[] = { "rita@example.com" };
	const char *old[] = { "rita@old.example" };
	const struct gpg_uid *uid;
	struct gpg_key_info info;
	int only_revoked = -1;

	assert_int_equal(inspect(&keys[REVOKED].armor, wall_now, &info), 0);
	assert_int_equal(info.revoked, 1);
	assert_int_equal(info.uids[0].revoked, 0);
	gpg_key_info_release(&info);

	assert_int_equal(inspect(&keys[RITA].armor, wall_now, &info), 0);
	assert_int_equal(info.revoked, 1);
	assert_int_equal(info.uid_count, 2);
	uid = find_uid(&info, "rita@example.com");
	assert_non_null(uid);
	assert_int_equal(uid->revoked, 0);
	uid = find_uid(&info, "rita@old.example");
	assert_non_null(uid);
	assert_int_equal(uid->revoked, 1);
	assert_int_equal(gpg_key_verify(&info, current, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 0);
	assert_int_equal(gpg_key_verify(&info, old, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 1);
	gpg_key_info_release(&info);
}

static void future_key_accepted(void **state)
{
	struct gpg_key_info info;

	assert_true(keys[FUTURE].listing.created > wall_now);
	assert_int_equal(inspect(&keys[FUTURE].armor, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[FUTURE].listing);
	assert_int_equal(info.uid_count, 1);
	gpg_key_info_release(&info);
}

static void invalid_utf8_uid_skipped(void **state)
{
	const char *emails[] = { "latin@example.com" };
	struct gpg_key_info info;

	assert_int_equal(inspect(&keys[LATIN1].armor, wall_now, &info), 0);
	assert_int_equal(info.uid_count, 1);
	assert_string_equal(info.uids[0].name, "Latin \xe9");
	assert_string_equal(info.uids[0].email, "latin@example.com");
	assert_int_equal(info.uids[0].valid_utf8, 0);
	assert_int_equal(gpg_key_verify(&info, emails, 1, NULL), GPG_UNVERIFIED);
	gpg_key_info_release(&info);
}

static void truncated_armor_malformed(void **state)
{
	const struct buf *armor = &keys[ALICE].armor;
	const char *end_line = strstr(armor->data, "-----END");
	struct gpg_key_info info;

	assert_non_null(end_line);

	/* Cut in the middle of the base64 data. */
	assert_int_equal(gpg_key_inspect(session, armor->data, armor->len / 2,
					 wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_one_line(info.error);
	assert_non_null(strstr(info.error, "truncated"));
	gpg_key_info_release(&info);

	/* Cut just before the END line: every packet is complete. */
	assert_int_equal(gpg_key_inspect(session, armor->data,
					 (size_t)(end_line - armor->data),
					 wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_non_null(strstr(info.error, "END line"));
	gpg_key_info_release(&info);

	/* Cut the binary form one byte short. */
	assert_int_equal(gpg_key_inspect(session, alice_binary.data,
					 alice_binary.len - 1, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_non_null(strstr(info.error, "truncated"));
	gpg_key_info_release(&info);
}

static void damaged_armor_malformed(void **state)
{
	const struct buf *armor = &keys[ALICE].armor;
	struct buf copy = BUF_INIT;
	struct gpg_key_info info;
	char *body;

	/* Change one base64 character so that the checksum no longer fits. */
	buf_add(&copy, armor->data, armor->len);
	body = strstr(copy.data, "\n\n");
	assert_non_null(body);
	body[10] = body[10] == 'A' ? 'B' : 'A';
	assert_int_equal(inspect(&copy, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_non_null(strstr(info.error, "checksum"));
	gpg_key_info_release(&info);

	/* A character outside base64. */
	body[10] = '*';
	assert_int_equal(inspect(&copy, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_non_null(strstr(info.error, "base64"));
	gpg_key_info_release(&info);
	buf_release(&copy);
}

static void random_bytes_malformed(void **state)
{
	uint64_t seed = 0x9E3779B97F4A7C15u;
	struct buf noise = BUF_INIT;
	struct gpg_key_info info;
	size_t i, round;

	for (i = 0; i < 256; i++)
		buf_addch(&noise, (int)(xorshift(&seed) & 0xFF));
	noise.data[0] = (char)0x99;   /* an old-format public-key header */
	assert_int_equal(inspect(&noise, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_one_line(info.error);
	gpg_key_info_release(&info);

	noise.data[0] = 'x';
	assert_int_equal(inspect(&noise, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_non_null(strstr(info.error, "not OpenPGP data"));
	gpg_key_info_release(&info);

	/* Whatever the bytes, no key is read and the message is one line. */
	for (round = 0; round < 200; round++) {
		buf_reset(&noise);
		for (i = xorshift(&seed) % 600; i > 0; i--)
			buf_addch(&noise, (int)(xorshift(&seed) & 0xFF));
		assert_int_equal(inspect(&noise, wall_now, &info), -1);
		assert_true(info.result == GPG_MALFORMED || info.result == GPG_NO_KEY ||
			    info.result == GPG_UNSUPPORTED);
		assert_one_line(info.error);
		gpg_key_info_release(&info);
	}
	buf_release(&noise);
}

static void garbage_text_malformed(void **state)
{
	static const char *const texts[] = {
		"hello",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq8 alice@laptop",
		"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n",
		"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP MESSAGE-----\n",
	};
	struct gpg_key_info info;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		print_message("text %zu\n", i);
		assert_int_equal(inspect_string(texts[i], &info), -1);
		assert_int_equal(info.result, GPG_MALFORMED);
		assert_one_line(info.error);
		gpg_key_info_release(&info);
	}
}

static void no_public_key(void **state)
{
	struct gpg_key_info info;

	assert_int_equal(inspect(&signature, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_NO_KEY);
	assert_non_null(strstr(info.error, "signature"));
	gpg_key_info_release(&info);

	assert_int_equal(inspect_string("", &info), -1);
	assert_int_equal(info.result, GPG_NO_KEY);
	gpg_key_info_release(&info);

	assert_int_equal(inspect_string(" \r\n\t", &info), -1);
	assert_int_equal(info.result, GPG_NO_KEY);
	gpg_key_info_release(&info);

	assert_int_equal(inspect_string("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n",
					&info), -1);
	assert_int_equal(info.result, GPG_NO_KEY);
	gpg_key_info_release(&info);
}

static void secret_key_is_no_public_key(void **state)
{
	struct gpg_key_info info;

	assert_non_null(strstr(secret_key.data, "PRIVATE KEY BLOCK"));
	assert_int_equal(inspect(&secret_key, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_NO_KEY);
	assert_non_null(strstr(info.error, "secret key"));
	gpg_key_info_release(&info);
}

static void armor_headers_accepted(void **state)
{
	const struct buf *armor = &keys[ALICE].armor;
	const char *body = strstr(armor->data, "\n\n");
	struct buf text = BUF_INIT;
	struct gpg_key_info info;
	size_t begin_len;

	assert_non_null(body);
	begin_len = (size_t)(body - armor->data) + 1;

	/* Text around the block, and armor headers before the empty line. */
	buf_adds(&text, "Here is my key:\n\n");
	buf_add(&text, armor->data, begin_len);
	buf_adds(&text, "Version: GnuPG v2\nComment: https://example.com/key\n");
	buf_adds(&text, body + 1);
	buf_adds(&text, "Thanks!\n");
	assert_int_equal(inspect(&text, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	gpg_key_info_release(&info);

	/* No empty line between the BEGIN line and the data. */
	buf_reset(&text);
	buf_add(&text, armor->data, begin_len);
	buf_adds(&text, body + 2);
	assert_int_equal(inspect(&text, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	gpg_key_info_release(&info);
	buf_release(&text);
}

static void partial_lengths_checked(void **state)
{
	/* Compressed data (tag 8) in two partial chunks of 1 and 2 bytes. */
	static const char compressed[] = "\xC8\xE0\x01\x02\x00\x00";
	/* A public-key packet (tag 6) may not use a partial length. */
	static const char partial_key[] = "\xC6\xE0\x04\x01\x04";
	struct gpg_key_info info;

	assert_int_equal(gpg_key_inspect(session, compressed, sizeof(compressed) - 1,
					 wall_now, &info), -1);
	assert_int_equal(info.result, GPG_NO_KEY);
	assert_non_null(strstr(info.error, "compressed data"));
	gpg_key_info_release(&info);

	assert_int_equal(gpg_key_inspect(session, partial_key, sizeof(partial_key) - 1,
					 wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_non_null(strstr(info.error, "partial"));
	gpg_key_info_release(&info);
}

static void compressed_key_read(void **state)
{
	struct buf packets = BUF_INIT, wrapped = BUF_INIT;
	struct gpg_key_info info;

	add_compressed(&wrapped, &alice_binary);
	assert_int_equal(inspect(&wrapped, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	assert_int_equal(info.extra_keys, 0);
	gpg_key_info_release(&info);

	/* A crafted key without self-signature, so GnuPG marks it invalid. */
	craft_key(CRAFT_V4_UNSIGNED, &packets);
	buf_reset(&wrapped);
	add_compressed(&wrapped, &packets);
	assert_int_equal(inspect(&wrapped, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_MALFORMED);
	assert_non_null(strstr(info.error, "self-signature"));
	gpg_key_info_release(&info);

	/* Compressed text without a key. */
	buf_reset(&packets);
	buf_adds(&packets, "\xCB\x06" "b\x00" "\x00\x00\x00\x00");
	buf_reset(&wrapped);
	add_compressed(&wrapped, &packets);
	assert_int_equal(inspect(&wrapped, wall_now, &info), -1);
	assert_int_equal(info.result, GPG_NO_KEY);
	assert_non_null(strstr(info.error, "compressed data"));
	gpg_key_info_release(&info);

	buf_release(&packets);
	buf_release(&wrapped);
}

static void two_keys_count_extra(void **state)
{
	const char *bob[] = { "bob.example@example.com" };
	struct gpg_key_info info;
	int only_revoked = -1;

	assert_int_equal(inspect(&two_keys, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	assert_int_equal(info.extra_keys, 1);
	assert_int_equal(info.extra_uid_count, 1);
	assert_string_equal(info.extra_uids[0].email, "Bob.Example@Example.COM");
	/* GitLab checks the user IDs of every key in the armor. */
	assert_int_equal(gpg_key_verify(&info, bob, 1, &only_revoked), GPG_VERIFIED);
	assert_int_equal(only_revoked, 0);
	gpg_key_info_release(&info);
}

static void two_armor_blocks_count_extra(void **state)
{
	struct buf text = BUF_INIT;
	struct gpg_key_info info;

	buf_adds(&text, "Alice's key:\n");
	buf_add(&text, keys[ALICE].armor.data, keys[ALICE].armor.len);
	buf_adds(&text, "and Bob's:\n");
	buf_add(&text, keys[BOB].armor.data, keys[BOB].armor.len);
	assert_int_equal(inspect(&text, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	assert_int_equal(info.extra_keys, 1);
	gpg_key_info_release(&info);
	buf_release(&text);
}

/*
 * The keys after the first are listed together. Rita's key is revoked
 * and second among them, so her revoked user ID must be found at its
 * place in that listing.
 */
static void further_keys_keep_their_uids(void **state)
{
	struct buf text = BUF_INIT;
	struct gpg_key_info info;
	int bob = 0, rita = 0, rita_old = 0;
	size_t i;

	buf_add(&text, keys[ALICE].armor.data, keys[ALICE].armor.len);
	buf_add(&text, keys[BOB].armor.data, keys[BOB].armor.len);
	buf_add(&text, keys[RITA].armor.data, keys[RITA].armor.len);
	assert_int_equal(inspect(&text, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	assert_int_equal(info.extra_keys, 2);
	assert_int_equal(info.extra_uid_count, 3);
	for (i = 0; i < info.extra_uid_count; i++) {
		const struct gpg_uid *uid = &info.extra_uids[i];

		if (!strcmp(uid->email, "Bob.Example@Example.COM"))
			bob = 1 + uid->revoked;
		else if (!strcmp(uid->email, "rita@example.com"))
			rita = 1 + uid->revoked;
		else if (!strcmp(uid->email, "rita@old.example"))
			rita_old = 1 + uid->revoked;
	}
	/* 1: listed and not revoked; 2: listed and revoked. */
	assert_int_equal(bob, 1);
	assert_int_equal(rita, 1);
	assert_int_equal(rita_old, 2);
	gpg_key_info_release(&info);
	buf_release(&text);
}

static void crlf_armor_works(void **state)
{
	const struct buf *armor = &keys[ALICE].armor;
	struct buf crlf = BUF_INIT;
	struct gpg_key_info info;
	size_t i;

	buf_adds(&crlf, "\xEF\xBB\xBF");
	for (i = 0; i < armor->len; i++) {
		if (armor->data[i] == '\n')
			buf_addch(&crlf, '\r');
		buf_addch(&crlf, armor->data[i]);
	}
	assert_int_equal(inspect(&crlf, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	gpg_key_info_release(&info);
	buf_release(&crlf);
}

static void binary_key_works(void **state)
{
	struct gpg_key_info info;

	assert_true(alice_binary.len > 0);
	assert_true((unsigned char)alice_binary.data[0] & 0x80);
	assert_int_equal(inspect(&alice_binary, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	gpg_key_info_release(&info);
}

static void unsupported_keys_named(void **state)
{
	static const struct {
		enum crafted kind;
		enum gpg_result result;
		const char *reason;
	} cases[] = {
		{ CRAFT_V5_ED25519, GPG_UNSUPPORTED, "version 5" },
		{ CRAFT_V3_RSA, GPG_UNSUPPORTED, "version 3" },
		{ CRAFT_V4_ALGORITHM_99, GPG_UNSUPPORTED, "algorithm 99" },
		{ CRAFT_V4_ED448, GPG_UNSUPPORTED, "curve 1.3.101.113" },
		{ CRAFT_V4_UNSIGNED, GPG_MALFORMED, "self-signature" },
		{ CRAFT_V4_SHORT_MPI, GPG_MALFORMED, "GnuPG" },
	};
	const char *version = gpg_session_engine_version(session);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf packets = BUF_INIT;
		struct gpg_key_info info;

		print_message("crafted key %zu\n", i);
		craft_key(cases[i].kind, &packets);
		assert_int_equal(inspect(&packets, wall_now, &info), -1);
		assert_int_equal(info.result, cases[i].result);
		assert_non_null(strstr(info.error, cases[i].reason));
		assert_non_null(strstr(info.error, version));
		assert_one_line(info.error);
		gpg_key_info_release(&info);
		buf_release(&packets);
	}
}

static void bad_key_leaves_next_call(void **state)
{
	struct buf packets = BUF_INIT;
	struct gpg_key_info info;

	craft_key(CRAFT_V5_ED25519, &packets);
	assert_int_equal(inspect(&packets, wall_now, &info), -1);
	gpg_key_info_release(&info);
	assert_int_equal(inspect(&keys[ALICE].armor, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[ALICE].listing);
	gpg_key_info_release(&info);

	assert_int_equal(inspect_string("garbage", &info), -1);
	gpg_key_info_release(&info);
	assert_int_equal(inspect(&keys[BOB].armor, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[BOB].listing);
	gpg_key_info_release(&info);

	craft_key(CRAFT_V4_UNSIGNED, &packets);
	assert_int_equal(inspect(&packets, wall_now, &info), -1);
	gpg_key_info_release(&info);
	assert_int_equal(inspect(&keys[CAROL].armor, wall_now, &info), 0);
	assert_matches_listing(&info, &keys[CAROL].listing);
	gpg_key_info_release(&info);
	buf_release(&packets);
}

static void verify_rejects_failed_key(void **state)
{
	const char *emails[] = { "eve@example.com" };
	struct buf packets = BUF_INIT;
	struct gpg_key_info info;
	int only_revoked = -1;

	craft_key(CRAFT_V4_UNSIGNED, &packets);
	assert_int_equal(inspect(&packets, wall_now, &info), -1);
	assert_int_equal(gpg_key_verify(&info, emails, 1, &only_revoked), GPG_UNVERIFIED);
	assert_int_equal(only_revoked, 0);
	gpg_key_info_release(&info);
	buf_release(&packets);
}

static void session_home_removed(void **state)
{
	struct gpg_session *own = NULL;
	struct buf err = BUF_INIT;
	struct stat st;
	char home[256];

	assert_int_equal(gpg_session_begin(&own, &err), 0);
	snprintf(home, sizeof(home), "%s", gpg_session_home(own));
	assert_true(strlen(home) + strlen("/S.gpg-agent.browser") <= 107);
	assert_int_equal(stat(home, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);

	/* gpg-connect-agent starts an agent for the home, as a signing gpg would. */
	assert_int_equal(run("gpg-connect-agent --homedir '%s' /bye >/dev/null 2>&1", home), 0);
	assert_true(process_mentions(home));

	gpg_session_end(own);
	assert_int_equal(stat(home, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_true(wait_for_no_process(home));
	buf_release(&err);
}

/*
 * A child process opens a session and exits without ending it: the
 * atexit() handler removes the child's home but not the home of the
 * session that the child inherited from this process.
 */
static void session_ended_at_exit(void **state)
{
	struct gpg_key_info info;
	char home[256] = "";
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct gpg_session *own = NULL;
		struct buf err = BUF_INIT;

		close(fds[0]);
		if (gpg_session_begin(&own, &err))
			_exit(2);
		if (write(fds[1], gpg_session_home(own), strlen(gpg_session_home(own))) < 0)
			_exit(3);
		exit(0);
	}
	close(fds[1]);
	n = read(fds[0], home, sizeof(home) - 1);
	close(fds[0]);
	assert_true(n > 0);
	home[n] = '\0';
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_true(access(home, F_OK) != 0);
	assert_int_equal(access(gpg_session_home(session), F_OK), 0);
	assert_int_equal(inspect(&keys[ALICE].armor, wall_now, &info), 0);
	gpg_key_info_release(&info);
}

static void session_without_home(void **state)
{
	static const char *const homes[] = { NULL, "/nonexistent/credaudit", "/proc" };
	char *saved = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	size_t i;

	for (i = 0; i < sizeof(homes) / sizeof(homes[0]); i++) {
		struct gpg_session *own = NULL;
		struct buf err = BUF_INIT;
		struct gpg_key_info info;

		print_message("HOME=%s\n", homes[i] ? homes[i] : "(unset)");
		if (homes[i])
			setenv("HOME", homes[i], 1);
		else
			unsetenv("HOME");
		assert_int_equal(gpg_session_begin(&own, &err), 0);
		assert_int_equal(gpg_key_inspect(own, keys[ALICE].armor.data,
						 keys[ALICE].armor.len, wall_now, &info), 0);
		assert_matches_listing(&info, &keys[ALICE].listing);
		gpg_key_info_release(&info);
		gpg_session_end(own);
		buf_release(&err);
	}
	if (saved)
		setenv("HOME", saved, 1);
	free(saved);
}

static void session_long_tmpdir(void **state)
{
	char *saved = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	struct gpg_session *own = NULL;
	struct buf err = BUF_INIT;
	char long_dir[200];

	memset(long_dir, 'd', sizeof(long_dir) - 1);
	long_dir[0] = '/';
	long_dir[sizeof(long_dir) - 1] = '\0';
	setenv("TMPDIR", long_dir, 1);
	assert_int_equal(gpg_session_begin(&own, &err), 0);
	assert_true(!strncmp(gpg_session_home(own), "/tmp/ca-", 8));
	gpg_session_end(own);

	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	buf_release(&err);
}

static void versions_reported(void **state)
{
	const char *engine = gpg_session_engine_version(session);
	const char *library = gpg_library_version();
	struct buf gpg = BUF_INIT;

	assert_non_null(engine);
	assert_non_null(library);
	assert_int_equal(capture(&gpg, "gpg --version | head -n 1"), 0);
	assert_non_null(strstr(gpg.data, engine));
	assert_true(library[0] >= '1' && library[0] <= '9');
	buf_release(&gpg);
}

static void manifest_subkeys(const struct gpg_key_info *info, struct buf *out)
{
	size_t i;

	for (i = 0; i < info->subkey_count; i++)
		buf_addf(out, "%s%s", i ? "," : "", info->subkeys[i].fingerprint);
}

/* Compare one manifest line with what gpg_key_inspect() reads from its file. */
static void check_fixture(char *line)
{
	struct buf path = BUF_INIT, text = BUF_INIT, uids = BUF_INIT;
	struct buf algorithm = BUF_INIT, subkeys = BUF_INIT;
	struct gpg_key_info info;
	char *f[8];
	size_t i;

	assert_int_equal(split_fields(line, '\t', f, 8), 8);
	print_message("fixture %s\n", f[0]);
	buf_addf(&path, "samples/fixtures/gpg/%s", f[0]);
	assert_int_equal(read_file(path.data, &text), 0);

	assert_int_equal(inspect(&text, SAMPLE_NOW, &info), 0);
	assert_string_equal(info.fingerprint, f[1]);
	assert_string_equal(info.keyid, f[2]);
	buf_adds(&algorithm, info.algorithm);
	if (info.curve[0])
		buf_addf(&algorithm, "/%s", info.curve);
	assert_string_equal(algorithm.data, f[3]);
	assert_int_equal(info.bits, strtoul(f[4], NULL, 10));
	for (i = 0; i < info.uid_count; i++)
		buf_addf(&uids, "%s%s", i ? " | " : "", info.uids[i].uid);
	assert_string_equal(uids.data, f[5]);
	manifest_subkeys(&info, &subkeys);
	assert_string_equal(subkeys.data, f[6]);
	assert_int_equal(info.revoked, !strncmp(f[7], "revoked:", 8));
	assert_int_equal(info.expired, !strncmp(f[7], "expired:", 8));

	gpg_key_info_release(&info);
	buf_release(&path);
	buf_release(&text);
	buf_release(&uids);
	buf_release(&algorithm);
	buf_release(&subkeys);
}

static void fixtures_match_manifest(void **state)
{
	struct buf manifest = BUF_INIT;
	size_t checked = 0;
	char *line, *next;

	if (read_file(MANIFEST, &manifest)) {
		print_message("%s not found; skipping\n", MANIFEST);
		skip();
	}
	for (line = manifest.data; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		check_fixture(line);
		checked++;
	}
	print_message("checked %zu fixtures\n", checked);
	assert_true(checked > 0);
	buf_release(&manifest);
}

static void inspect_speed(void **state)
{
	struct timespec start, end;
	const int rounds = 40;
	double ms;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (i = 0; i < rounds; i++) {
		struct gpg_key_info info;

		assert_int_equal(inspect(&keys[i % 2 ? BOB : ALICE].armor, wall_now, &info), 0);
		gpg_key_info_release(&info);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = ((double)(end.tv_sec - start.tv_sec) * 1e3 +
	      (double)(end.tv_nsec - start.tv_nsec) / 1e6) / rounds;
	print_message("%.1f ms per key inspected (%d keys)\n", ms, rounds);
	/* Far above the few milliseconds of a GnuPG run: only a hang fails it. */
	assert_true(ms < 500.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inspect_ed25519_matches_gpg),
		cmocka_unit_test(inspect_rsa2048_matches_gpg),
		cmocka_unit_test(inspect_every_generated_key),
		cmocka_unit_test(revoked_uid_listed),
		cmocka_unit_test(verify_revoked_uid_only),
		cmocka_unit_test(verify_ignores_ascii_case),
		cmocka_unit_test(verify_unlisted_address),
		cmocka_unit_test(uid_without_email),
		cmocka_unit_test(expired_key_uses_now),
		cmocka_unit_test(revoked_key_flagged),
		cmocka_unit_test(revoked_key_keeps_uid_flags),
		cmocka_unit_test(future_key_accepted),
		cmocka_unit_test(invalid_utf8_uid_skipped),
		cmocka_unit_test(truncated_armor_malformed),
		cmocka_unit_test(damaged_armor_malformed),
		cmocka_unit_test(random_bytes_malformed),
		cmocka_unit_test(garbage_text_malformed),
		cmocka_unit_test(no_public_key),
		cmocka_unit_test(secret_key_is_no_public_key),
		cmocka_unit_test(armor_headers_accepted),
		cmocka_unit_test(partial_lengths_checked),
		cmocka_unit_test(compressed_key_read),
		cmocka_unit_test(two_keys_count_extra),
		cmocka_unit_test(two_armor_blocks_count_extra),
		cmocka_unit_test(further_keys_keep_their_uids),
		cmocka_unit_test(crlf_armor_works),
		cmocka_unit_test(binary_key_works),
		cmocka_unit_test(unsupported_keys_named),
		cmocka_unit_test(bad_key_leaves_next_call),
		cmocka_unit_test(verify_rejects_failed_key),
		cmocka_unit_test(session_home_removed),
		cmocka_unit_test(session_ended_at_exit),
		cmocka_unit_test(session_without_home),
		cmocka_unit_test(session_long_tmpdir),
		cmocka_unit_test(versions_reported),
		cmocka_unit_test(fixtures_match_manifest),
		cmocka_unit_test(inspect_speed),
	};

	return cmocka_run_group_tests_name("gpgkey", tests, group_setup,
					   group_teardown);
}
