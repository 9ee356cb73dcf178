#include "sshkey.h"

#include <gcrypt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "buf.h"

/*
 * Two text forms carry a key. The OpenSSH form is one line:
 *
 *   [options] type base64-blob [comment]
 *
 * where the options are authorized_keys options such as
 * command="echo \"hi\"",no-pty. The RFC 4716 form wraps the base64 blob
 * between "---- BEGIN SSH2 PUBLIC KEY ----" and "---- END SSH2 PUBLIC KEY
 * ----" lines, after optional "Tag: value" headers.
 *
 * The blob is the SSH wire encoding (RFC 4253, section 6.6): the type name
 * as a string, then the key fields as strings and mpints, each with a
 * big-endian uint32 length in front. Everything reported comes from the
 * blob, and every length is checked against the bytes that remain.
 */

#define RFC4716_BEGIN "---- BEGIN SSH2 PUBLIC KEY ----"
#define RFC4716_END "---- END SSH2 PUBLIC KEY ----"
/* RFC 4716, section 3.3: a header tag has at most 64 bytes. */
#define RFC4716_TAG_MAX 64

#define ED25519_KEY_SIZE 32
/* Maximum length of a type word, so that it fits `declared` with a NUL. */
#define TYPE_WORD_MAX 47

_Static_assert(sizeof(((struct sshkey_info *)NULL)->declared) ==
	       TYPE_WORD_MAX + 1, "TYPE_WORD_MAX must match `declared`");

enum key_family {
	FAMILY_RSA,
	FAMILY_DSA,
	FAMILY_ECDSA,
	FAMILY_ED25519,
};

struct key_type {
	const char *name;
	enum key_family family;
	const char *curve;    /* curve name inside an ECDSA blob */
	unsigned bits;        /* fixed size of EC and Ed25519 keys */
	int security_key;     /* FIDO key: an application string follows */
};

/* The key types that GitLab 17 and 18 accept for user and deploy keys. */
static const struct key_type key_types[] = {
	{ "ssh-rsa", FAMILY_RSA, NULL, 0, 0 },
	{ "ssh-dss", FAMILY_DSA, NULL, 0, 0 },
	{ "ecdsa-sha2-nistp256", FAMILY_ECDSA, "nistp256", 256, 0 },
	{ "ecdsa-sha2-nistp384", FAMILY_ECDSA, "nistp384", 384, 0 },
	{ "ecdsa-sha2-nistp521", FAMILY_ECDSA, "nistp521", 521, 0 },
	{ "ssh-ed25519", FAMILY_ED25519, NULL, 256, 0 },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", FAMILY_ECDSA, "nistp256", 256,
	  1 },
	{ "sk-ssh-ed25519@openssh.com", FAMILY_ED25519, NULL, 256, 1 },
};

/* A range of the key text. `end` points one past the last byte. */
struct span {
	const char *p;
	const char *end;
};

/* A read position in the decoded blob. */
struct wire {
	const unsigned char *p;
	size_t left;
};

static pthread_once_t gcrypt_once = PTHREAD_ONCE_INIT;
static int gcrypt_usable;

/*
 * Initialise libgcrypt unless another part of the program did. Public keys
 * are not secret, so secure memory is turned off rather than set up.
 */
static void init_gcrypt(void)
{
	if (!gcry_check_version(GCRYPT_VERSION))
		return;
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	}
	gcrypt_usable = 1;
}

__attribute__((format(printf, 2, 3)))
static int set_error(struct sshkey_info *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
	return -1;
}

/* Describe the byte `c` for a message: 'x' when printable, else its code. */
static const char *describe_char(char c, char out[16])
{
	unsigned char u = (unsigned char)c;

	if (u == '\'')
		snprintf(out, 16, "\"'\"");
	else if (u >= 0x20 && u < 0x7f)
		snprintf(out, 16, "'%c'", c);
	else
		snprintf(out, 16, "byte 0x%02x", u);
	return out;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_line_break(char c)
{
	return c == '\n' || c == '\r';
}

static int is_space(char c)
{
	return is_blank(c) || is_line_break(c);
}

static int is_type_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '@';
}

static const struct key_type *find_type(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strlen(key_types[i].name) == len &&
		    !memcmp(key_types[i].name, name, len))
			return &key_types[i];
	return NULL;
}

int sshkey_type_is_known(const char *type)
{
	return find_type(type, strlen(type)) != NULL;
}

/* ---- Base64 ---- */

/*
 * Decode padded base64 from `in`, skipping line breaks, into a new buffer
 * in `*blob` that the caller frees. Rejects what OpenSSH rejects: other
 * characters, missing or extra '=' padding, and set bits after the last
 * byte, which would let two texts encode one blob.
 */
static int base64_decode(struct span in, unsigned char **blob, size_t *size,
			 struct sshkey_info *out)
{
	const char *p;
	unsigned char *bytes;
	size_t chars = 0, pads = 0, n = 0;
	uint32_t group = 0;
	char desc[16];
	int v;

	bytes = xmalloc((size_t)(in.end - in.p) / 4 * 3 + 3);
	for (p = in.p; p < in.end; p++) {
		if (is_line_break(*p))
			continue;
		if (*p == '=') {
			pads++;
			continue;
		}
		v = base64_value(*p);
		if (v < 0) {
			set_error(out, "invalid character %s in the base64 "
				  "key data", describe_char(*p, desc));
			goto fail;
		}
		if (pads) {
			set_error(out, "base64 key data continues after its "
				  "'=' padding");
			goto fail;
		}
		group = group << 6 | (uint32_t)v;
		if (++chars % 4 == 0) {
			bytes[n++] = (unsigned char)(group >> 16);
			bytes[n++] = (unsigned char)(group >> 8);
			bytes[n++] = (unsigned char)group;
			group = 0;
		}
	}

	if (!chars) {
		set_error(out, "missing base64 key data");
		goto fail;
	}
	if (chars % 4 == 1) {
		set_error(out, "base64 key data is truncated");
		goto fail;
	}
	if (pads != (4 - chars % 4) % 4) {
		set_error(out, "base64 key data needs %zu '=' padding "
			  "characters but has %zu", (4 - chars % 4) % 4, pads);
		goto fail;
	}
	if (chars % 4 == 2) {
		if (group & 0xf)
			goto slop;
		bytes[n++] = (unsigned char)(group >> 4);
	} else if (chars % 4 == 3) {
		if (group & 0x3)
			goto slop;
		bytes[n++] = (unsigned char)(group >> 10);
		bytes[n++] = (unsigned char)(group >> 2);
	}
	*blob = bytes;
	*size = n;
	return 0;

slop:
	set_error(out, "base64 key data has non-zero bits after its last "
		  "byte");
fail:
	free(bytes);
	return -1;
}

/* Encode `len` bytes as base64 without '=' padding, as ssh-keygen prints. */
static void base64_encode_unpadded(const unsigned char *data, size_t len,
				   char *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	size_t i;
	uint32_t group;

	for (i = 0; i + 2 < len; i += 3) {
		group = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 |
			data[i + 2];
		*out++ = alphabet[group >> 18 & 0x3f];
		*out++ = alphabet[group >> 12 & 0x3f];
		*out++ = alphabet[group >> 6 & 0x3f];
		*out++ = alphabet[group & 0x3f];
	}
	if (len - i == 1) {
		group = (uint32_t)data[i] << 16;
		*out++ = alphabet[group >> 18 & 0x3f];
		*out++ = alphabet[group >> 12 & 0x3f];
	} else if (len - i == 2) {
		group = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
		*out++ = alphabet[group >> 18 & 0x3f];
		*out++ = alphabet[group >> 12 & 0x3f];
		*out++ = alphabet[group >> 6 & 0x3f];
	}
	*out = '\0';
}

/* ---- The blob's wire format ---- */

static int wire_string(struct wire *w, const unsigned char **data,
		       size_t *len, const char *field, struct sshkey_info *out)
{
	uint32_t n;

	if (w->left < 4)
		return set_error(out, "key blob ends before the length of "
				 "the %s", field);
	n = (uint32_t)w->p[0] << 24 | (uint32_t)w->p[1] << 16 |
	    (uint32_t)w->p[2] << 8 | w->p[3];
	w->p += 4;
	w->left -= 4;
	if (n > w->left)
		return set_error(out, "the %s is %lu bytes long but only %zu "
				 "bytes of the key blob remain", field,
				 (unsigned long)n, w->left);
	*data = w->p;
	*len = n;
	w->p += n;
	w->left -= n;
	return 0;
}

/*
 * Read a positive mpint and count its bits. Leading zero bytes are
 * skipped, the one that keeps the high bit clear and any extra ones, as
 * OpenSSH does.
 */
static int wire_mpint_bits(struct wire *w, size_t *bits, const char *field,
			   struct sshkey_info *out)
{
	const unsigned char *data;
	size_t len;
	unsigned char top;

	if (wire_string(w, &data, &len, field, out))
		return -1;
	if (len && (data[0] & 0x80))
		return set_error(out, "the %s is negative", field);
	while (len && !data[0]) {
		data++;
		len--;
	}
	if (!len)
		return set_error(out, "the %s is zero", field);

	*bits = (len - 1) * 8;
	for (top = data[0]; top; top >>= 1)
		(*bits)++;
	return 0;
}

static int read_rsa(struct wire *w, struct sshkey_info *out)
{
	size_t exponent_bits, modulus_bits;

	if (wire_mpint_bits(w, &exponent_bits, "RSA exponent", out) ||
	    wire_mpint_bits(w, &modulus_bits, "RSA modulus", out))
		return -1;
	if (modulus_bits > UINT32_MAX)
		return set_error(out, "the RSA modulus is too large");
	out->bits = (unsigned)modulus_bits;
	return 0;
}

static int read_dsa(struct wire *w, struct sshkey_info *out)
{
	size_t p_bits, q_bits, g_bits, y_bits;

	if (wire_mpint_bits(w, &p_bits, "DSA prime p", out) ||
	    wire_mpint_bits(w, &q_bits, "DSA subprime q", out) ||
	    wire_mpint_bits(w, &g_bits, "DSA generator g", out) ||
	    wire_mpint_bits(w, &y_bits, "DSA public value y", out))
		return -1;
	if (p_bits > UINT32_MAX)
		return set_error(out, "the DSA prime p is too large");
	out->bits = (unsigned)p_bits;
	return 0;
}

/*
 * Check the curve name and the size of the point, which is either
 * uncompressed (0x04, X, Y) or compressed (0x02 or 0x03, X).
 */
static int read_ecdsa(struct wire *w, const struct key_type *type,
		      struct sshkey_info *out)
{
	const unsigned char *curve, *point;
	size_t curve_len, point_len, coordinate = (type->bits + 7) / 8;

	if (wire_string(w, &curve, &curve_len, "curve name", out) ||
	    wire_string(w, &point, &point_len, "EC point", out))
		return -1;
	if (curve_len != strlen(type->curve) ||
	    memcmp(curve, type->curve, curve_len))
		return set_error(out, "the curve name in the key blob does "
				 "not match the key type %s", type->name);
	if (!(point_len == 1 + 2 * coordinate && point[0] == 0x04) &&
	    !(point_len == 1 + coordinate &&
	      (point[0] == 0x02 || point[0] == 0x03)))
		return set_error(out, "the EC point of %zu bytes is not a "
				 "%s point", point_len, type->curve);
	out->bits = type->bits;
	return 0;
}

static int read_ed25519(struct wire *w, const struct key_type *type,
			struct sshkey_info *out)
{
	const unsigned char *key;
	size_t key_len;

	if (wire_string(w, &key, &key_len, "Ed25519 public key", out))
		return -1;
	if (key_len != ED25519_KEY_SIZE)
		return set_error(out, "the Ed25519 public key has %zu bytes, "
				 "expected %d", key_len, ED25519_KEY_SIZE);
	out->bits = type->bits;
	return 0;
}

/* Describe the blob's type name for a message: the name, or its size. */
static void describe_type_name(const unsigned char *name, size_t len,
			       char *out, size_t size)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_type_char((char)name[i]))
			break;
	if (len == 0)
		snprintf(out, size, "an empty type name");
	else if (i < len || len >= size - 2)
		snprintf(out, size, "a type name of %zu bytes", len);
	else
		snprintf(out, size, "'%.*s'", (int)len, (const char *)name);
}

static int read_blob(const unsigned char *blob, size_t size,
		     struct sshkey_info *out)
{
	struct wire w = { blob, size };
	const unsigned char *name, *application;
	size_t name_len, application_len;
	const struct key_type *type;
	char shown[sizeof(out->type) + 2];
	int ret;

	if (wire_string(&w, &name, &name_len, "key type name", out))
		return -1;
	type = find_type((const char *)name, name_len);
	if (!type) {
		describe_type_name(name, name_len, shown, sizeof(shown));
		return set_error(out, "unsupported key type: the key blob "
				 "has %s", shown);
	}
	snprintf(out->type, sizeof(out->type), "%s", type->name);

	switch (type->family) {
	case FAMILY_RSA:
		ret = read_rsa(&w, out);
		break;
	case FAMILY_DSA:
		ret = read_dsa(&w, out);
		break;
	case FAMILY_ECDSA:
		ret = read_ecdsa(&w, type, out);
		break;
	case FAMILY_ED25519:
	default:
		ret = read_ed25519(&w, type, out);
		break;
	}
	if (ret)
		return -1;

	if (type->security_key &&
	    wire_string(&w, &application, &application_len,
			"FIDO application", out))
		return -1;
	if (w.left)
		return set_error(out, "%zu byte%s of trailing data after the "
				 "%s key fields", w.left, w.left == 1 ? "" : "s",
				 type->name);
	return 0;
}

/* ---- Fingerprints ---- */

static void put_u32(struct buf *out, size_t value)
{
	unsigned char be[4] = {
		(unsigned char)(value >> 24), (unsigned char)(value >> 16),
		(unsigned char)(value >> 8), (unsigned char)value,
	};

	buf_add(out, be, sizeof(be));
}

/*
 * Re-encode a blob that read_blob() accepted the way ssh-keygen hashes
 * it: OpenSSH parses the key and serializes it again before it computes
 * a fingerprint, so every mpint loses the zero bytes in front that its
 * sign does not need. Other fields are strings and stay as they are.
 */
static void canonical_blob(const unsigned char *blob, size_t size,
			   struct buf *out)
{
	struct wire w = { blob, size };
	const unsigned char *name, *field;
	size_t name_len, len, mpints = 0, i;
	struct sshkey_info scratch;
	const struct key_type *type;

	if (wire_string(&w, &name, &name_len, "key type name", &scratch))
		return;
	type = find_type((const char *)name, name_len);
	if (type && type->family == FAMILY_RSA)
		mpints = 2;
	else if (type && type->family == FAMILY_DSA)
		mpints = 4;
	put_u32(out, name_len);
	buf_add(out, name, name_len);
	for (i = 0; i < mpints; i++) {
		int sign_byte;

		if (wire_string(&w, &field, &len, "mpint", &scratch))
			return;
		while (len && !field[0]) {
			field++;
			len--;
		}
		sign_byte = len && (field[0] & 0x80);
		put_u32(out, len + sign_byte);
		if (sign_byte)
			buf_addch(out, 0);
		buf_add(out, field, len);
	}
	buf_add(out, w.p, w.left);
}

static int add_fingerprints(const unsigned char *blob, size_t size,
			    struct sshkey_info *out)
{
	size_t i;
	char *p;

	pthread_once(&gcrypt_once, init_gcrypt);
	if (!gcrypt_usable)
		return set_error(out, "libgcrypt %s is older than the "
				 "%s that credaudit was built with",
				 gcry_check_version(NULL), GCRYPT_VERSION);

	gcry_md_hash_buffer(GCRY_MD_SHA256, out->sha256_raw, blob, size);
	memcpy(out->sha256, "SHA256:", 7);
	base64_encode_unpadded(out->sha256_raw, sizeof(out->sha256_raw),
			       out->sha256 + 7);

	/* FIPS mode forbids MD5, and GitLab then stores no MD5 fingerprint. */
	if (gcry_md_test_algo(GCRY_MD_MD5))
		return 0;
	gcry_md_hash_buffer(GCRY_MD_MD5, out->md5_raw, blob, size);
	p = out->md5;
	for (i = 0; i < sizeof(out->md5_raw); i++) {
		if (i)
			*p++ = ':';
		snprintf(p, 3, "%02x", out->md5_raw[i]);
		p += 2;
	}
	*p = '\0';
	return 0;
}

/* ---- The OpenSSH line ---- */

static struct span next_word(const char *p, const char *end)
{
	struct span word = { p, p };

	while (word.end < end && !is_space(*word.end))
		word.end++;
	return word;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

static int is_type_word(struct span word)
{
	const char *p;

	if (word.p == word.end || word.end - word.p > TYPE_WORD_MAX)
		return 0;
	for (p = word.p; p < word.end; p++)
		if (!is_type_char(*p))
			return 0;
	return 1;
}

/*
 * Decide whether the line starts with authorized_keys options. The first
 * word is the type word when it is a known type, or when it looks like one
 * and the word after it starts with "AAAA". Every blob starts that way
 * because its first field is the uint32 length of a short type name.
 */
static int has_options(const char *p, const char *end)
{
	struct span first = next_word(p, end), second;

	if (!is_type_word(first))
		return 1;
	if (find_type(first.p, (size_t)(first.end - first.p)))
		return 0;
	second = next_word(skip_blanks(first.end, end), end);
	return !(second.end - second.p >= 4 && !memcmp(second.p, "AAAA", 4));
}

/*
 * Skip the options, which end at the first blank outside double quotes.
 * As in OpenSSH, \" is an escaped quote inside or outside quotes, and
 * options cannot span lines.
 */
static int skip_options(const char **pp, const char *end,
			struct sshkey_info *out)
{
	const char *p = *pp;
	int quoted = 0;

	for (; p < end && (quoted || !is_blank(*p)); p++) {
		if (is_line_break(*p))
			return set_error(out, "line break inside the key "
					 "options");
		if (*p == '\\' && p + 1 < end && p[1] == '"')
			p++;
		else if (*p == '"')
			quoted = !quoted;
	}
	if (quoted)
		return set_error(out, "missing closing quote in the key "
				 "options");
	*pp = skip_blanks(p, end);
	return 0;
}

/*
 * Split an OpenSSH line into the type word, the base64 blob and the
 * comment. Line breaks inside the blob are skipped, so that a blob wrapped
 * over lines reads as one. The comment runs from the first blank after the
 * blob to the end and must stay on one line.
 */
static int split_openssh_line(const char *p, const char *end,
			      struct span *blob, struct span *comment,
			      struct sshkey_info *out)
{
	struct span word;
	char desc[16];

	if (has_options(p, end)) {
		if (skip_options(&p, end, out))
			return -1;
		if (p == end)
			return set_error(out, "missing key type after the key "
					 "options");
	}

	word = next_word(p, end);
	if (!is_type_word(word))
		return set_error(out, "the key type word is invalid: it "
				 "must be 1 to %d letters, digits or "
				 "'-_.@'", TYPE_WORD_MAX);
	memcpy(out->declared, word.p, (size_t)(word.end - word.p));
	out->declared[word.end - word.p] = '\0';

	p = word.end;
	while (p < end && is_space(*p))
		p++;
	if (p == end)
		return set_error(out, "missing base64 key data after the key "
				 "type %s", out->declared);

	blob->p = p;
	while (p < end && !is_blank(*p))
		p++;
	blob->end = p;

	comment->p = skip_blanks(p, end);
	comment->end = end;
	for (p = comment->p; p < end; p++)
		if (is_line_break(*p))
			return set_error(out, "unexpected %s in the key "
					 "comment: a key must be one line",
					 describe_char(*p, desc));
	return 0;
}

/* ---- The RFC 4716 form ---- */

/* Find the line at `p`, without its line break and trailing blanks. */
static const char *next_line(const char *p, const char *end,
			     struct span *line)
{
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	const char *next = eol ? eol + 1 : end;

	if (!eol)
		eol = end;
	while (eol > p && is_space(eol[-1]))
		eol--;
	line->p = p;
	line->end = eol;
	return next;
}

static int span_equals(struct span s, const char *text)
{
	size_t len = strlen(text);

	return (size_t)(s.end - s.p) == len && !memcmp(s.p, text, len);
}

/*
 * Read one header, "Tag: value" with '\' at the end of a line to continue
 * the value on the next line (RFC 4716, section 3.3). `*pp` moves past
 * the continuation lines. The value of a Comment header, without its
 * surrounding quotes, goes to `comment`, so the last one wins.
 */
static int read_header(const char **pp, const char *end, struct span line,
		       struct buf *comment, struct sshkey_info *out)
{
	const char *colon = memchr(line.p, ':', (size_t)(line.end - line.p));
	const char *p;
	struct buf value = BUF_INIT;
	int is_comment;

	if (colon == line.p || colon - line.p > RFC4716_TAG_MAX)
		return set_error(out, "invalid RFC 4716 header tag: it must "
				 "have 1 to %d bytes", RFC4716_TAG_MAX);
	for (p = line.p; p < colon; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return set_error(out, "invalid character in an RFC "
					 "4716 header tag");
	is_comment = colon - line.p == 7 && !strncasecmp(line.p, "Comment", 7);

	line.p = skip_blanks(colon + 1, line.end);
	while (line.end > line.p && line.end[-1] == '\\') {
		buf_add(&value, line.p, (size_t)(line.end - line.p - 1));
		if (*pp == end) {
			buf_release(&value);
			return set_error(out, "the last RFC 4716 header line "
					 "ends with '\\'");
		}
		*pp = next_line(*pp, end, &line);
	}
	buf_add(&value, line.p, (size_t)(line.end - line.p));

	if (is_comment) {
		buf_reset(comment);
		if (value.len >= 2 && value.data[0] == '"' &&
		    value.data[value.len - 1] == '"')
			buf_add(comment, value.data + 1, value.len - 2);
		else
			buf_add(comment, value.data, value.len);
	}
	buf_release(&value);
	return 0;
}

/*
 * Read the RFC 4716 form: the BEGIN line, headers, base64 lines and the
 * END line, which must be the last line. The base64 lines are copied to
 * `body` without their line breaks.
 */
static int read_rfc4716(const char *p, const char *end, struct buf *body,
			struct buf *comment, struct sshkey_info *out)
{
	struct span line;
	int in_headers = 1;

	p = next_line(p, end, &line);
	if (!span_equals(line, RFC4716_BEGIN))
		return set_error(out, "the first line is not \"%s\"",
				 RFC4716_BEGIN);

	while (p < end) {
		p = next_line(p, end, &line);
		if (span_equals(line, RFC4716_END)) {
			if (p != end)
				return set_error(out, "unexpected text "
						 "after the \"%s\" line",
						 RFC4716_END);
			if (!body->len)
				return set_error(out, "missing base64 key "
						 "data in the RFC 4716 key");
			return 0;
		}
		if (in_headers &&
		    memchr(line.p, ':', (size_t)(line.end - line.p))) {
			if (read_header(&p, end, line, comment, out))
				return -1;
			continue;
		}
		in_headers = 0;
		buf_add(body, line.p, (size_t)(line.end - line.p));
	}
	return set_error(out, "missing \"%s\" line", RFC4716_END);
}

/* ---- Entry points ---- */

int sshkey_parse(const char *text, size_t len, struct sshkey_info *out)
{
	const char *p = text, *end = text + len;
	struct buf body = BUF_INIT, rfc_comment = BUF_INIT, canonical = BUF_INIT;
	struct span blob_text = { NULL, NULL }, comment = { NULL, NULL };
	unsigned char *blob = NULL;
	size_t blob_size = 0;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!text || !len)
		return set_error(out, "empty key text");
	if (memchr(text, '\0', len))
		return set_error(out, "the key text contains a NUL byte");

	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if (p == end)
		return set_error(out, "blank key text");

	if ((size_t)(end - p) >= strlen(RFC4716_BEGIN) &&
	    !memcmp(p, RFC4716_BEGIN, strlen(RFC4716_BEGIN))) {
		if (read_rfc4716(p, end, &body, &rfc_comment, out))
			goto cleanup;
		blob_text.p = body.data;
		blob_text.end = body.data + body.len;
		comment.p = rfc_comment.data;
		comment.end = rfc_comment.data + rfc_comment.len;
	} else if (split_openssh_line(p, end, &blob_text, &comment, out)) {
		goto cleanup;
	}

	if (comment.p != comment.end)
		out->comment = xstrndup(comment.p,
					(size_t)(comment.end - comment.p));

	if (base64_decode(blob_text, &blob, &blob_size, out) ||
	    read_blob(blob, blob_size, out))
		goto cleanup;
	canonical_blob(blob, blob_size, &canonical);
	if (add_fingerprints((const unsigned char *)canonical.data,
			     canonical.len, out))
		goto cleanup;
	ret = 0;

cleanup:
	if (ret) {
		out->bits = 0;
		memset(out->sha256, 0, sizeof(out->sha256));
		memset(out->md5, 0, sizeof(out->md5));
		memset(out->sha256_raw, 0, sizeof(out->sha256_raw));
		memset(out->md5_raw, 0, sizeof(out->md5_raw));
	}
	free(blob);
	buf_release(&body);
	buf_release(&rfc_comment);
	buf_release(&canonical);
	return ret;
}

void sshkey_release(struct sshkey_info *info)
{
	free(info->comment);
	info->comment = NULL;
}
