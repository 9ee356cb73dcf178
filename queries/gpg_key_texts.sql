-- The key text of every GPG key, for the threads that inspect keys ahead
-- of the reader. Same rows and order as gpg_keys.sql.
SELECT id, key
FROM gpg_keys
ORDER BY id;
