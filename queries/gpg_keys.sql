-- GPG keys with their armored key material; user IDs are read from the key.
SELECT id, user_id, key, primary_keyid, fingerprint, created_at
FROM gpg_keys
ORDER BY id;
