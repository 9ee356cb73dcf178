#ifndef CREDAUDIT_OPENPGP_H
#define CREDAUDIT_OPENPGP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * OpenPGP framing (RFC 4880 and RFC 9580): ASCII armor and packet
 * headers. gpgkey.c hands GnuPG one keyblock at a time and uses what is
 * read here to explain why GnuPG rejected a key. GnuPG, not this code,
 * checks signatures and key material.
 */

#define OPENPGP_TAG_COMPRESSED 8

/* A public-key packet and the packets that follow it up to the next key. */
struct openpgp_keyblock {
	size_t offset;      /* into openpgp_packets.data */
	size_t len;
	int version;        /* key packet version: 2 to 6 */
	int algorithm;      /* public-key algorithm id, RFC 9580 section 9.1 */
};

struct openpgp_packets {
	struct buf data;    /* the binary packets, armor removed */
	struct openpgp_keyblock *keyblocks;
	size_t keyblock_count;
	uint64_t tags_seen; /* bit N is set when a packet with tag N occurs */
};

/*
 * Decode `text`, which is ASCII armor, or binary packets when its first
 * byte has bit 7 set, and split it into keyblocks. Returns 0, or -1 with
 * a one-line reason appended to `err` when the data is not well-formed
 * OpenPGP: text without armor, invalid base64, a checksum mismatch, an
 * armor without its END line, or a packet cut short. `out` is always
 * initialised and must be released with openpgp_packets_release().
 */
int openpgp_packets_read(const char *text, size_t len,
			 struct openpgp_packets *out, struct buf *err);
void openpgp_packets_release(struct openpgp_packets *packets);

/* Append the names of the packet types in `tags_seen`, e.g. "signature". */
void openpgp_describe_tags(uint64_t tags_seen, struct buf *out);

#endif
