-- The GPG key cache (not a snapshot query): one row per key text, GnuPG
-- version and entry format. key_sha256 is the SHA-256 of the key text,
-- result the encoded inspection result, and check_sha256 a SHA-256 over
-- the other columns that every read verifies. WAL lets several
-- connections read and write at once. synchronous = NORMAL spares the
-- GnuPG workers an fsync per batch: in WAL mode a crash can then lose
-- the last batches, which the next run inspects again, but never damages
-- the file.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS gpg_key_results (
	key_sha256 BLOB NOT NULL,
	gnupg_version TEXT NOT NULL,
	format INTEGER NOT NULL,
	result BLOB NOT NULL,
	check_sha256 BLOB NOT NULL,
	PRIMARY KEY (key_sha256, gnupg_version, format)
) WITHOUT ROWID;
