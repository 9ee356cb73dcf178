#ifndef CREDAUDIT_OWNER_DIGEST_H
#define CREDAUDIT_OWNER_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * The owners digest: "sha256:" and the SHA-256, in lowercase hex, of the
 * users rows that a plan's actions rely on. The rules owner-inactive and
 * token-admin-scope decide from the owner's state and admin flag, so a
 * plan holds only while those rows are as they were. `credaudit report`
 * stores the digest in plan.json as "snapshot"."owners_digest", and
 * `credaudit apply --db` computes it again from that snapshot.
 *
 * The input of the hash is, for each owner id in ascending order and
 * without repeats:
 *  - the id, 8 bytes, big-endian two's complement;
 *  - for each users row with that id, the byte 'R' and then the values
 *    of state, admin and user_type. There is normally one row, and none
 *    when the user is missing;
 *  - the byte 'E'.
 * Then, when there are GPG key actions, whose owners' confirmed
 * addresses decide whether GitLab shows a key as verified: the byte 'H'
 * and the value of gitlab_host in credaudit_snapshot, the host of the
 * private commit addresses, or the byte 'N' when there is none; and for
 * each owner of a GPG key action in ascending order:
 *  - the byte 'A' and the id as above;
 *  - for each users row with that id, 'R' and the values of email,
 *    confirmed_at and username;
 *  - for each emails row of that user, ordered by email and confirmed_at,
 *    'M' and those two values; or the byte 'N' when the snapshot has no
 *    usable emails table;
 *  - the byte 'E'.
 * A plan without GPG key actions has no such part, so its digest is the
 * one that credaudit computed before this part existed.
 * Each value is one type byte (SQLite's fundamental type, 1 to 5, or 0
 * when the users table lacks the column), its length in bytes as 8
 * bytes big-endian, and the bytes SQLite returns for it as text or blob.
 * The values are taken as stored: an admin flag that changes from 1 to
 * 't' changes the digest, although both mean true.
 */
#define OWNER_DIGEST_MAX 72

/*
 * A set of user ids, filled in any order and with repeats. The array
 * grows only with distinct ids: when it is full, it is sorted and its
 * repeats dropped before it grows.
 */
struct owner_ids {
	int64_t *ids;        /* owned; not sorted until owner_digest_compute() */
	size_t count;
	size_t cap;
};

#define OWNER_IDS_INIT { NULL, 0, 0 }

void owner_ids_add(struct owner_ids *set, int64_t id);
void owner_ids_release(struct owner_ids *set);

/*
 * Read the users rows of the ids in `owners`, and the addresses of the
 * ids in `address_owners`, from the snapshot at `snapshot_path` (opened
 * read-only, never created) and fill `out` with their digest. Both sets
 * are sorted and their repeats dropped. Returns 0, or -1 with one line
 * naming the file appended to `err`.
 */
int owner_digest_compute(const char *snapshot_path, struct owner_ids *owners,
			 struct owner_ids *address_owners,
			 char out[OWNER_DIGEST_MAX], struct buf *err);

#endif
