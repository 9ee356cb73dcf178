-- The cached inspection result of one key text for one GnuPG version.
SELECT result, check_sha256
FROM gpg_key_results
WHERE key_sha256 = ?1 AND gnupg_version = ?2 AND format = ?3;
