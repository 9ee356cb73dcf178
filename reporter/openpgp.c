#include "openpgp.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"

#define TAG_SECRET_KEY 5
#define TAG_PUBLIC_KEY 6

/* CRC-24 of the armor checksum line (RFC 4880 section 6.1). */
#define CRC24_INIT 0xB704CEu
#define CRC24_POLY 0x1864CFBu

static const char armor_begin[] = "-----BEGIN PGP ";
static const char armor_end[] = "-----END PGP ";
static const char armor_dashes[] = "-----";

struct base64_state {
	uint32_t bits;
	int chars;          /* characters in the current group of four */
	int padding;        /* '=' characters seen in the current group */
	int finished;       /* a padded group ended the data */
};

static uint32_t crc24(const unsigned char *p, size_t len)
{
	uint32_t crc = CRC24_INIT;
	int i;

	while (len--) {
		crc ^= (uint32_t)*p++ << 16;
		for (i = 0; i < 8; i++) {
			crc <<= 1;
			if (crc & 0x1000000u)
				crc ^= CRC24_POLY;
		}
	}
	return crc & 0xFFFFFFu;
}

/* Decode one armor line into `out`. Returns -1 on a character that is not base64. */
static int base64_decode_line(struct base64_state *st, const char *line,
			      size_t len, struct buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int value = base64_value((unsigned char)line[i]);

		if (line[i] == '=') {
			if (st->finished || st->chars < 2)
				return -1;
			st->padding++;
			value = 0;
		} else if (value < 0 || st->finished || st->padding) {
			return -1;
		}
		st->bits = st->bits << 6 | (uint32_t)value;
		if (++st->chars < 4)
			continue;

		buf_addch(out, (int)(st->bits >> 16 & 0xFF));
		if (st->padding < 2)
			buf_addch(out, (int)(st->bits >> 8 & 0xFF));
		if (st->padding < 1)
			buf_addch(out, (int)(st->bits & 0xFF));
		st->finished = st->padding > 0;
		st->bits = 0;
		st->chars = 0;
		st->padding = 0;
	}
	return 0;
}

static int has_prefix(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(line, prefix, n);
}

/*
 * Return the label of an armor line such as "-----BEGIN PGP PUBLIC KEY
 * BLOCK-----" ("PUBLIC KEY BLOCK") through `label`, or 0 when the line is
 * not one.
 */
static int armor_label(const char *line, size_t len, const char *prefix,
		       const char **label, size_t *label_len)
{
	size_t n = strlen(prefix), dashes = strlen(armor_dashes);

	if (!has_prefix(line, len, prefix) || len < n + dashes ||
	    memcmp(line + len - dashes, armor_dashes, dashes))
		return 0;
	*label = line + n;
	*label_len = len - n - dashes;
	return 1;
}

static int is_checksum_line(const char *line, size_t len)
{
	size_t i;

	if (len != 5 || line[0] != '=')
		return 0;
	for (i = 1; i < len; i++)
		if (base64_value((unsigned char)line[i]) < 0)
			return 0;
	return 1;
}

static uint32_t checksum_value(const char *line)
{
	uint32_t value = 0;
	int i;

	for (i = 1; i <= 4; i++)
		value = value << 6 | (uint32_t)base64_value((unsigned char)line[i]);
	return value;
}

enum armor_state {
	OUTSIDE,            /* before BEGIN or after END: text is ignored */
	HEADERS,            /* armor headers such as "Comment: ..." */
	BODY,               /* base64 lines */
	AFTER_CHECKSUM,     /* only the END line may follow */
};

/*
 * Decode every armor block in `text` into `out`. Text outside the blocks
 * is ignored, as GnuPG ignores it. Trailing spaces and CR are stripped
 * from each line, so CRLF text decodes like LF text. The checksum line is
 * optional (RFC 9580 no longer requires it), but a wrong one is an error,
 * as it is for GnuPG. A block without its END line is an error although
 * GnuPG accepts one whose packets are complete: GitLab stores only keys
 * that end with the END line, so a missing one means the text was cut.
 */
static int read_armor(const char *text, size_t len, struct buf *out,
		      struct buf *err)
{
	enum armor_state state = OUTSIDE;
	struct base64_state b64;
	const char *p = text, *end = text + len;
	const char *label = NULL, *end_label;
	size_t label_len = 0, end_label_len, line_no = 0, block_start = 0;
	size_t blocks = 0;
	uint32_t checksum = 0;
	int have_checksum = 0;

	while (p < end) {
		const char *line = p, *newline = memchr(p, '\n', (size_t)(end - p));
		size_t n = newline ? (size_t)(newline - p) : (size_t)(end - p);

		p = newline ? newline + 1 : end;
		line_no++;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
			     line[n - 1] == '\t'))
			n--;

		switch (state) {
		case OUTSIDE:
			if (armor_label(line, n, armor_begin, &label, &label_len)) {
				state = HEADERS;
				memset(&b64, 0, sizeof(b64));
				block_start = out->len;
				have_checksum = 0;
			}
			continue;
		case HEADERS:
			if (!n) {
				state = BODY;
				continue;
			}
			if (memchr(line, ':', n))
				continue;
			/* A body line without the empty line before it. */
			state = BODY;
			break;
		case BODY:
		case AFTER_CHECKSUM:
			break;
		}

		if (armor_label(line, n, armor_end, &end_label, &end_label_len)) {
			if (end_label_len != label_len ||
			    memcmp(end_label, label, label_len)) {
				buf_addf(err, "armor line %zu ends a block that did not begin with \"%.*s\"",
					 line_no, (int)end_label_len, end_label);
				return -1;
			}
			if (b64.chars) {
				buf_addf(err, "the base64 data before armor line %zu stops in the middle of a group",
					 line_no);
				return -1;
			}
			if (have_checksum &&
			    crc24((unsigned char *)out->data + block_start,
				  out->len - block_start) != checksum) {
				buf_addf(err, "armor checksum mismatch on line %zu: the key text is damaged",
					 line_no - 1);
				return -1;
			}
			blocks++;
			state = OUTSIDE;
			continue;
		}
		if (state == AFTER_CHECKSUM) {
			buf_addf(err, "armor line %zu follows the checksum line but is not the END line",
				 line_no);
			return -1;
		}
		if (is_checksum_line(line, n)) {
			checksum = checksum_value(line);
			have_checksum = 1;
			state = AFTER_CHECKSUM;
			continue;
		}
		if (base64_decode_line(&b64, line, n, out)) {
			buf_addf(err, "armor line %zu is not valid base64", line_no);
			return -1;
		}
	}

	if (state != OUTSIDE) {
		buf_addf(err, "the armor has no END line: the key text is truncated");
		return -1;
	}
	if (!blocks) {
		buf_adds(err, "not OpenPGP data: no \"-----BEGIN PGP\" armor line and no binary packet");
		return -1;
	}
	return 0;
}

/* Data packets, the only ones that may use partial body lengths. */
static int is_data_packet(int tag)
{
	return tag == 8 || tag == 9 || tag == 11 || tag == 18 || tag == 20;
}

static size_t read_be(const unsigned char *p, size_t n)
{
	size_t value = 0;

	while (n--)
		value = value << 8 | *p++;
	return value;
}

/*
 * Read a new-format body length at `*pos` and set `*partial` for a
 * partial body length (RFC 4880 section 4.2.2.4). Returns -1 when the
 * length octets are cut off.
 */
static int read_new_length(const unsigned char *d, size_t len, size_t *pos,
			   size_t *body_len, int *partial)
{
	unsigned first;

	*partial = 0;
	if (*pos >= len)
		return -1;
	first = d[(*pos)++];
	if (first < 192) {
		*body_len = first;
	} else if (first < 224) {
		if (*pos >= len)
			return -1;
		*body_len = ((first - 192) << 8) + d[(*pos)++] + 192;
	} else if (first == 255) {
		if (len - *pos < 4)
			return -1;
		*body_len = read_be(d + *pos, 4);
		*pos += 4;
	} else {
		*body_len = (size_t)1 << (first & 0x1F);
		*partial = 1;
	}
	return 0;
}

/* Record the version and algorithm of the key packet that starts a keyblock. */
static int start_keyblock(struct openpgp_packets *out, size_t offset,
			  const unsigned char *body, size_t body_len,
			  struct buf *err)
{
	struct openpgp_keyblock *kb;
	int version, algorithm;
	size_t algorithm_at;

	if (!body_len) {
		buf_addf(err, "the public-key packet at byte %zu is empty", offset);
		return -1;
	}
	version = body[0];
	if (version == 2 || version == 3) {
		algorithm_at = 7;   /* after the creation time and validity days */
	} else if (version >= 4 && version <= 6) {
		algorithm_at = 5;   /* after the creation time */
	} else {
		buf_addf(err, "the public-key packet at byte %zu has invalid version %d",
			 offset, version);
		return -1;
	}
	if (body_len <= algorithm_at) {
		buf_addf(err, "the version %d public-key packet at byte %zu is too short",
			 version, offset);
		return -1;
	}
	algorithm = body[algorithm_at];

	out->keyblocks = xrealloc(out->keyblocks,
				  (out->keyblock_count + 1) * sizeof(*out->keyblocks));
	kb = &out->keyblocks[out->keyblock_count++];
	kb->offset = offset;
	kb->len = 0;
	kb->version = version;
	kb->algorithm = algorithm;
	return 0;
}

/*
 * Walk the packets in out->data and split them into keyblocks. A keyblock
 * begins at a public-key packet and ends before the next public-key or
 * secret-key packet. Packets outside keyblocks only count in tags_seen,
 * and compressed data packets are not opened.
 */
static int split_packets(struct openpgp_packets *out, struct buf *err)
{
	const unsigned char *d = (const unsigned char *)out->data.data;
	size_t len = out->data.len, pos = 0;
	int in_keyblock = 0;

	while (pos < len) {
		size_t start = pos, body_start, body_len = 0;
		unsigned header = d[pos++];
		int tag, partial = 0;

		if (!(header & 0x80)) {
			buf_addf(err, "byte %zu (0x%02x) is not an OpenPGP packet header",
				 start, header);
			return -1;
		}
		if (header & 0x40) {
			tag = header & 0x3F;
			if (read_new_length(d, len, &pos, &body_len, &partial))
				goto truncated;
		} else {
			static const size_t length_octets[] = { 1, 2, 4, 0 };
			size_t n = length_octets[header & 3];

			tag = header >> 2 & 0xF;
			if (!n) {
				/* Indeterminate length: the packet runs to the end. */
				partial = 1;
				body_len = len - pos;
			} else {
				if (len - pos < n)
					goto truncated;
				body_len = read_be(d + pos, n);
				pos += n;
			}
		}
		if (!tag) {
			buf_addf(err, "the packet at byte %zu has the reserved tag 0", start);
			return -1;
		}
		if (partial && !is_data_packet(tag)) {
			buf_addf(err, "the packet at byte %zu (tag %d) has a partial or indeterminate length, which only data packets may have",
				 start, tag);
			return -1;
		}

		body_start = pos;
		/* Each partial chunk is followed by another length. */
		while (partial && header & 0x40) {
			if (len - pos < body_len)
				goto truncated;
			pos += body_len;
			if (read_new_length(d, len, &pos, &body_len, &partial))
				goto truncated;
		}
		if (len - pos < body_len)
			goto truncated;
		pos += body_len;

		out->tags_seen |= (uint64_t)1 << tag;
		if (tag == TAG_PUBLIC_KEY || tag == TAG_SECRET_KEY) {
			if (in_keyblock) {
				struct openpgp_keyblock *kb =
					&out->keyblocks[out->keyblock_count - 1];
				kb->len = start - kb->offset;
			}
			in_keyblock = tag == TAG_PUBLIC_KEY;
			if (in_keyblock &&
			    start_keyblock(out, start, d + body_start, pos - body_start, err))
				return -1;
		}
		continue;

truncated:
		buf_addf(err, "the packet at byte %zu (tag %d) is cut off: the key data is truncated",
			 start, header & 0x40 ? (int)(header & 0x3F) : (int)(header >> 2 & 0xF));
		return -1;
	}
	if (in_keyblock) {
		struct openpgp_keyblock *kb = &out->keyblocks[out->keyblock_count - 1];
		kb->len = len - kb->offset;
	}
	return 0;
}

int openpgp_packets_read(const char *text, size_t len,
			 struct openpgp_packets *out, struct buf *err)
{
	static const char utf8_bom[] = "\xEF\xBB\xBF";
	int binary;

	memset(out, 0, sizeof(*out));
	buf_init(&out->data);

	if (len >= 3 && !memcmp(text, utf8_bom, 3)) {
		text += 3;
		len -= 3;
		binary = 0;
	} else {
		/* Armor is ASCII, so a byte above 0x7F starts a binary packet. */
		binary = len && (unsigned char)text[0] & 0x80;
	}

	if (binary)
		buf_add(&out->data, text, len);
	else if (read_armor(text, len, &out->data, err))
		return -1;
	return split_packets(out, err);
}

void openpgp_packets_release(struct openpgp_packets *packets)
{
	buf_release(&packets->data);
	free(packets->keyblocks);
	packets->keyblocks = NULL;
	packets->keyblock_count = 0;
	packets->tags_seen = 0;
}

static const char *tag_name(int tag)
{
	switch (tag) {
	case 1: return "public-key encrypted session key";
	case 2: return "signature";
	case 3: return "symmetric-key encrypted session key";
	case 4: return "one-pass signature";
	case 5: return "secret key";
	case 6: return "public key";
	case 7: return "secret subkey";
	case 8: return "compressed data";
	case 9: return "symmetrically encrypted data";
	case 10: return "marker";
	case 11: return "literal data";
	case 12: return "trust";
	case 13: return "user ID";
	case 14: return "public subkey";
	case 17: return "user attribute";
	case 18: return "encrypted and integrity protected data";
	case 19: return "modification detection code";
	case 20: return "AEAD encrypted data";
	case 21: return "padding";
	default: return NULL;
	}
}

void openpgp_describe_tags(uint64_t tags_seen, struct buf *out)
{
	const char *separator = "";
	int tag;

	if (!tags_seen) {
		buf_adds(out, "no packets");
		return;
	}
	for (tag = 1; tag < 64; tag++) {
		const char *name;

		if (!(tags_seen & (uint64_t)1 << tag))
			continue;
		name = tag_name(tag);
		if (name)
			buf_addf(out, "%s%s", separator, name);
		else
			buf_addf(out, "%spacket tag %d", separator, tag);
		separator = ", ";
	}
}
