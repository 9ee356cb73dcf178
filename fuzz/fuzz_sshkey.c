/*
 * Fuzz target for sshkey_parse(). Each input is read twice: as a key
 * text, and as a key blob that this file wraps into an OpenSSH line and
 * into the RFC 4716 form, so that mutations reach the blob parser.
 *
 * Properties checked on every result: the fields are NUL-terminated
 * strings. A success carries a known type, a size and well-formed
 * fingerprints, and a failure carries a message and no size or
 * fingerprint. The message is printable ASCII, so no input byte reaches
 * a report through it unescaped. The two forms of one blob give the same
 * result.
 */
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "sshkey.h"

/* The comment that check_blob() puts on both forms of a blob. */
#define BLOB_COMMENT "fuzz@blob"
/* Base64 characters per line in the RFC 4716 form (at most 72). */
#define RFC4716_LINE 70

static int is_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int is_printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static int is_all_zero(const void *p, size_t size)
{
	const unsigned char *bytes = p;
	size_t i;

	for (i = 0; i < size; i++)
		if (bytes[i])
			return 0;
	return 1;
}

static int is_md5_text(const char *s)
{
	size_t i;

	if (strlen(s) != 47)
		return 0;
	for (i = 0; i < 47; i++) {
		if (i % 3 == 2) {
			if (s[i] != ':')
				return 0;
		} else if (!strchr("0123456789abcdef", s[i])) {
			return 0;
		}
	}
	return 1;
}

/* Check what sshkey_parse() returned and stored in `info`. */
static void check_result(const struct sshkey_info *info, int ret)
{
	fuzz_require(is_terminated(info->type, sizeof(info->type)),
		     "type is a string");
	fuzz_require(is_terminated(info->declared, sizeof(info->declared)),
		     "declared is a string");
	fuzz_require(is_terminated(info->sha256, sizeof(info->sha256)),
		     "sha256 is a string");
	fuzz_require(is_terminated(info->md5, sizeof(info->md5)),
		     "md5 is a string");
	fuzz_require(is_terminated(info->error, sizeof(info->error)),
		     "error is a string");
	fuzz_require(is_printable_ascii(info->error),
		     "the message has only printable ASCII");
	fuzz_require(info->comment == NULL || info->comment[0] != '\0',
		     "an empty comment is NULL");

	if (ret == 0) {
		fuzz_require(info->error[0] == '\0', "success has no message");
		fuzz_require(sshkey_type_is_known(info->type),
			     "success has a known type");
		fuzz_require(info->bits > 0, "success has a size");
		fuzz_require(strlen(info->sha256) == 7 + 43 &&
			     !memcmp(info->sha256, "SHA256:", 7),
			     "SHA256 fingerprint is \"SHA256:\" and 43 "
			     "base64 characters");
		fuzz_require(info->md5[0] == '\0' || is_md5_text(info->md5),
			     "MD5 fingerprint is 16 hex pairs");
		return;
	}
	fuzz_require(ret == -1, "failure returns -1");
	fuzz_require(info->error[0] != '\0', "failure has a message");
	fuzz_require(info->bits == 0, "failure has no size");
	fuzz_require(info->sha256[0] == '\0' && info->md5[0] == '\0',
		     "failure has no fingerprint text");
	fuzz_require(is_all_zero(info->sha256_raw, sizeof(info->sha256_raw)) &&
		     is_all_zero(info->md5_raw, sizeof(info->md5_raw)),
		     "failure has no raw fingerprint");
}

static void base64_encode(struct buf *out, const uint8_t *data, size_t size)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	uint32_t group;
	size_t i;

	for (i = 0; i + 3 <= size; i += 3) {
		group = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 |
			data[i + 2];
		buf_addch(out, alphabet[group >> 18 & 0x3f]);
		buf_addch(out, alphabet[group >> 12 & 0x3f]);
		buf_addch(out, alphabet[group >> 6 & 0x3f]);
		buf_addch(out, alphabet[group & 0x3f]);
	}
	if (size - i == 1) {
		group = (uint32_t)data[i] << 16;
		buf_addch(out, alphabet[group >> 18 & 0x3f]);
		buf_addch(out, alphabet[group >> 12 & 0x3f]);
		buf_adds(out, "==");
	} else if (size - i == 2) {
		group = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
		buf_addch(out, alphabet[group >> 18 & 0x3f]);
		buf_addch(out, alphabet[group >> 12 & 0x3f]);
		buf_addch(out, alphabet[group >> 6 & 0x3f]);
		buf_addch(out, '=');
	}
}

/* Read `size` bytes as a blob, in an OpenSSH line and in RFC 4716 form. */
static void check_blob(const uint8_t *data, size_t size)
{
	struct buf base64 = BUF_INIT, line = BUF_INIT, rfc = BUF_INIT;
	struct sshkey_info from_line, from_rfc;
	int line_ret, rfc_ret;
	size_t i, chunk;

	if (!size)
		return;
	base64_encode(&base64, data, size);

	buf_addf(&line, "ssh-ed25519 %s " BLOB_COMMENT, base64.data);
	line_ret = sshkey_parse(line.data, line.len, &from_line);
	check_result(&from_line, line_ret);
	fuzz_require(!strcmp(from_line.declared, "ssh-ed25519"),
		     "the type word is kept as declared");

	buf_adds(&rfc, "---- BEGIN SSH2 PUBLIC KEY ----\n"
		 "Comment: \"" BLOB_COMMENT "\"\n");
	for (i = 0; i < base64.len; i += chunk) {
		chunk = base64.len - i < RFC4716_LINE ? base64.len - i :
							RFC4716_LINE;
		buf_add(&rfc, base64.data + i, chunk);
		buf_addch(&rfc, '\n');
	}
	buf_adds(&rfc, "---- END SSH2 PUBLIC KEY ----\n");
	rfc_ret = sshkey_parse(rfc.data, rfc.len, &from_rfc);
	check_result(&from_rfc, rfc_ret);

	fuzz_require(line_ret == rfc_ret, "both forms give the same result");
	fuzz_require(!strcmp(from_line.type, from_rfc.type) &&
		     from_line.bits == from_rfc.bits &&
		     !strcmp(from_line.sha256, from_rfc.sha256) &&
		     !strcmp(from_line.md5, from_rfc.md5) &&
		     !strcmp(from_line.error, from_rfc.error),
		     "both forms give the same key");
	fuzz_require(from_line.comment && from_rfc.comment &&
		     !strcmp(from_line.comment, BLOB_COMMENT) &&
		     !strcmp(from_rfc.comment, BLOB_COMMENT),
		     "both forms keep the comment");

	sshkey_release(&from_line);
	sshkey_release(&from_rfc);
	buf_release(&base64);
	buf_release(&line);
	buf_release(&rfc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sshkey_info info;
	int ret = sshkey_parse((const char *)data, size, &info);

	check_result(&info, ret);
	sshkey_release(&info);
	fuzz_require(info.comment == NULL, "release clears the comment");
	sshkey_release(&info);

	check_blob(data, size);
	return 0;
}
