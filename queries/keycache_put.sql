-- Store or replace the inspection result of one key text.
INSERT OR REPLACE INTO gpg_key_results
	(key_sha256, gnupg_version, format, result, check_sha256)
VALUES (?1, ?2, ?3, ?4, ?5);
