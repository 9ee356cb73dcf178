/*
 * Unit tests for batched GPG key inspection (gpg_key_inspect_batch), the
 * cache of inspection results (keycache.c) and the pool that runs both
 * (gpgpool.c). The reference for a batch is gpg_key_inspect() on each
 * key alone, compared through the cache encoding, which covers every
 * field. Keys are the committed fixtures of samples/fixtures/gpg.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <gcrypt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "gpgkey.h"
#include "gpgpool.h"
#include "keycache.h"
#include "openpgp.h"

#define FIXTURES "samples/fixtures/gpg"
#define MAX_KEYS 32
/* 2026-12-04T12:00:00Z, the sample database's --now. */
#define SAMPLE_NOW 1796385600

static struct buf armors[MAX_KEYS];
static size_t key_count;
static struct gpg_session *session;
static char temp_dir[64];

static int read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int group_setup(void **state)
{
	DIR *dir = opendir(FIXTURES);
	char *names[MAX_KEYS];
	struct dirent *entry;
	struct buf err = BUF_INIT;
	size_t i, n = 0;

	gcry_check_version(NULL);
	if (!dir)
		return -1;
	while ((entry = readdir(dir)) && n < MAX_KEYS) {
		size_t len = strlen(entry->d_name);

		if (len > 4 && !strcmp(entry->d_name + len - 4, ".asc"))
			names[n++] = xstrdup(entry->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), compare_names);
	for (i = 0; i < n; i++) {
		struct buf path = BUF_INIT;

		buf_init(&armors[i]);
		buf_addf(&path, "%s/%s", FIXTURES, names[i]);
		if (read_file(path.data, &armors[i]))
			return -1;
		buf_release(&path);
		free(names[i]);
	}
	key_count = n;
	snprintf(temp_dir, sizeof(temp_dir), "/tmp/ca-test-XXXXXX");
	if (!mkdtemp(temp_dir))
		return -1;
	if (gpg_session_begin(&session, &err)) {
		fprintf(stderr, "%s\n", err.data);
		return -1;
	}
	buf_release(&err);
	return key_count >= 10 ? 0 : -1;
}

static int group_teardown(void **state)
{
	struct buf command = BUF_INIT;
	size_t i;

	for (i = 0; i < key_count; i++)
		buf_release(&armors[i]);
	gpg_session_end(session);
	buf_addf(&command, "rm -rf '%s'", temp_dir);
	if (system(command.data))
		fprintf(stderr, "cannot remove %s\n", temp_dir);
	buf_release(&command);
	return 0;
}

/* Assert that two results are equal in every field the cache keeps. */
static void assert_same_result(const struct gpg_key_info *a,
			       const struct gpg_key_info *b)
{
	struct buf x = BUF_INIT, y = BUF_INIT;

	assert_int_equal(a->result, b->result);
	assert_string_equal(a->error, b->error);
	assert_string_equal(a->fingerprint, b->fingerprint);
	assert_int_equal(a->expired, b->expired);
	keycache_encode(a, &x);
	keycache_encode(b, &y);
	assert_int_equal(x.len, y.len);
	assert_memory_equal(x.data, y.data, x.len);
	buf_release(&x);
	buf_release(&y);
}

/* Inspect `texts` in one batch and each alone, and compare. */
static void check_batch(struct buf *texts, size_t count,
			struct gpg_batch_stats *stats)
{
	const char *pointers[MAX_KEYS] = { NULL };
	size_t lens[MAX_KEYS] = { 0 }, i;
	struct gpg_key_info batch[MAX_KEYS];

	for (i = 0; i < count; i++) {
		pointers[i] = texts[i].data;
		lens[i] = texts[i].len;
	}
	gpg_key_inspect_batch(session, pointers, lens, count, SAMPLE_NOW, batch,
			      stats);
	for (i = 0; i < count; i++) {
		struct gpg_key_info alone;

		gpg_key_inspect(session, texts[i].data, texts[i].len, SAMPLE_NOW,
				&alone);
		assert_same_result(&batch[i], &alone);
		gpg_key_info_release(&alone);
		gpg_key_info_release(&batch[i]);
	}
}

static void batch_matches_single(void **state)
{
	struct gpg_batch_stats stats = { 0, 0, 0 };

	check_batch(armors, key_count, &stats);
	assert_int_equal(stats.listed_together, key_count);
	assert_int_equal(stats.batches_redone, 0);
}

/* The binary packets of fixture `i`, for crafting damaged keys. */
static void binary_key(size_t i, struct buf *out)
{
	struct openpgp_packets packets;
	struct buf err = BUF_INIT;

	assert_int_equal(openpgp_packets_read(armors[i].data, armors[i].len,
					      &packets, &err), 0);
	buf_add(out, packets.data.data, packets.data.len);
	openpgp_packets_release(&packets);
	buf_release(&err);
}

static void batch_isolates_bad_framing(void **state)
{
	struct buf texts[6];
	struct gpg_batch_stats stats = { 0, 0, 0 };
	size_t i;

	for (i = 0; i < 6; i++)
		buf_init(&texts[i]);
	buf_add(&texts[0], armors[0].data, armors[0].len);
	buf_adds(&texts[1], "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64!\n");
	buf_add(&texts[2], armors[1].data, armors[1].len);
	buf_add(&texts[3], armors[2].data, armors[2].len / 2);
	buf_add(&texts[4], armors[3].data, armors[3].len);
	buf_adds(&texts[5], "   \n");

	check_batch(texts, 6, &stats);
	assert_int_equal(stats.listed_together, 3);
	assert_int_equal(stats.listed_alone, 3);
	for (i = 0; i < 6; i++)
		buf_release(&texts[i]);
}

/*
 * A key whose packets frame well but that GnuPG does not list (an RSA
 * modulus whose length runs past the packet) changes the count of a
 * batch, so the batch is inspected again key by key with the same
 * results.
 */
static void batch_redone_when_key_unlisted(void **state)
{
	struct buf texts[3];
	struct gpg_batch_stats stats = { 0, 0, 0 };
	size_t i;

	for (i = 0; i < 3; i++)
		buf_init(&texts[i]);
	binary_key(0, &texts[0]);
	binary_key(1, &texts[1]);
	binary_key(2, &texts[2]);
	/*
	 * The first packet of a binary fixture is the public key. gpg
	 * writes an old format header of 3 bytes: 0x99 and a two-byte
	 * length. Then come version 4, a 4-byte time, the algorithm (1 for
	 * RSA) and the bit count of the modulus.
	 */
	assert_int_equal((unsigned char)texts[1].data[0], 0x99);
	assert_int_equal(texts[1].data[3], 4);
	assert_int_equal(texts[1].data[8], 1);
	texts[1].data[9] = (char)0xFF;
	texts[1].data[10] = (char)0xFF;

	check_batch(texts, 3, &stats);
	assert_int_equal(stats.batches_redone, 1);
	assert_int_equal(stats.listed_alone, 3);
	for (i = 0; i < 3; i++)
		buf_release(&texts[i]);
}

static void cache_encoding_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < key_count; i++) {
		struct gpg_key_info info, decoded;
		struct buf first = BUF_INIT, second = BUF_INIT;

		gpg_key_inspect(session, armors[i].data, armors[i].len,
				SAMPLE_NOW, &info);
		keycache_encode(&info, &first);
		assert_int_equal(keycache_decode(first.data, first.len,
						 SAMPLE_NOW, &decoded), 0);
		assert_same_result(&info, &decoded);
		keycache_encode(&decoded, &second);
		assert_int_equal(first.len, second.len);
		assert_memory_equal(first.data, second.data, first.len);
		gpg_key_info_release(&info);
		gpg_key_info_release(&decoded);
		buf_release(&first);
		buf_release(&second);
	}
}

static void cache_decode_rejects_damage(void **state)
{
	struct gpg_key_info info, decoded;
	struct buf entry = BUF_INIT;
	size_t cut;

	gpg_key_inspect(session, armors[0].data, armors[0].len, SAMPLE_NOW,
			&info);
	keycache_encode(&info, &entry);
	for (cut = 0; cut < entry.len; cut++)
		assert_int_equal(keycache_decode(entry.data, cut, SAMPLE_NOW,
						 &decoded), -1);
	/* A trailing byte is damage too. */
	buf_addch(&entry, 0);
	assert_int_equal(keycache_decode(entry.data, entry.len, SAMPLE_NOW,
					 &decoded), -1);
	/* An impossible result code. */
	entry.data[0] = 9;
	assert_int_equal(keycache_decode(entry.data, entry.len - 1, SAMPLE_NOW,
					 &decoded), -1);
	gpg_key_info_release(&info);
	buf_release(&entry);
}

/* The expired flags follow the now of the read, not of the write. */
static void cache_expiry_uses_now(void **state)
{
	struct gpg_key_info info, before, after;
	struct buf entry = BUF_INIT;
	size_t i;
	int seen = 0;

	for (i = 0; i < key_count && !seen; i++) {
		gpg_key_inspect(session, armors[i].data, armors[i].len,
				SAMPLE_NOW, &info);
		if (info.result == GPG_OK && info.expires) {
			seen = 1;
			keycache_encode(&info, &entry);
			assert_int_equal(keycache_decode(entry.data, entry.len,
							 info.expires - 1,
							 &before), 0);
			assert_int_equal(keycache_decode(entry.data, entry.len,
							 info.expires, &after), 0);
			assert_false(before.expired);
			assert_true(after.expired);
			gpg_key_info_release(&before);
			gpg_key_info_release(&after);
		}
		gpg_key_info_release(&info);
	}
	assert_true(seen);
	buf_release(&entry);
}

static void cache_store_and_find(void **state)
{
	struct buf dir = BUF_INIT, file = BUF_INIT;
	struct keycache *cache, *other_version;
	struct gpg_key_info info, found;
	unsigned char digest[32];
	struct stat st;
	sqlite3 *db;

	buf_addf(&dir, "%s/xdg/credaudit", temp_dir);
	cache = keycache_open(dir.data, "2.2.40");
	assert_non_null(cache);
	assert_int_equal(stat(dir.data, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	gcry_md_hash_buffer(GCRY_MD_SHA256, digest, armors[0].data, armors[0].len);
	assert_int_equal(keycache_get(cache, digest, SAMPLE_NOW, &found), 0);
	gpg_key_inspect(session, armors[0].data, armors[0].len, SAMPLE_NOW, &info);
	keycache_begin(cache);
	keycache_put(cache, digest, &info);
	keycache_commit(cache);
	assert_int_equal(keycache_get(cache, digest, SAMPLE_NOW, &found), 1);
	assert_same_result(&info, &found);
	gpg_key_info_release(&found);

	/* Another GnuPG version does not see the entry. */
	other_version = keycache_open(dir.data, "2.4.7");
	assert_non_null(other_version);
	assert_int_equal(keycache_get(other_version, digest, SAMPLE_NOW, &found), 0);
	keycache_close(other_version);

	/* A damaged entry is ignored and counted, never decoded. */
	buf_addf(&file, "%s/gpg-keys.sqlite", dir.data);
	assert_int_equal(sqlite3_open(file.data, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"UPDATE gpg_key_results SET result = "
		"substr(result, 1, 10) || x'7a' || substr(result, 12)",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(keycache_get(cache, digest, SAMPLE_NOW, &found), 0);
	assert_int_equal(keycache_damaged(cache), 1);

	keycache_close(cache);
	gpg_key_info_release(&info);
	buf_release(&dir);
	buf_release(&file);
}

static void cache_rejects_foreign_file(void **state)
{
	struct buf dir = BUF_INIT, file = BUF_INIT;
	FILE *f;

	buf_addf(&dir, "%s/foreign", temp_dir);
	assert_int_equal(mkdir(dir.data, 0700), 0);
	buf_addf(&file, "%s/gpg-keys.sqlite", dir.data);
	f = fopen(file.data, "w");
	assert_non_null(f);
	fputs("this is not an SQLite database, but long enough to look like one\n", f);
	fclose(f);
	assert_null(keycache_open(dir.data, "2.2.40"));
	buf_release(&dir);
	buf_release(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_matches_single),
		cmocka_unit_test(batch_isolates_bad_framing),
		cmocka_unit_test(batch_redone_when_key_unlisted),
		cmocka_unit_test(cache_encoding_round_trip),
		cmocka_unit_test(cache_decode_rejects_damage),
		cmocka_unit_test(cache_expiry_uses_now),
		cmocka_unit_test(cache_store_and_find),
		cmocka_unit_test(cache_rejects_foreign_file),
	};

	return cmocka_run_group_tests_name("gpgbatch", tests, group_setup,
					   group_teardown);
}
