-- User SSH keys, deploy keys and LDAP-synced keys, all in GitLab's keys
-- table; the type column tells them apart (NULL or 'Key' is a user key).
SELECT id, user_id, key, title, type, fingerprint, fingerprint_sha256,
       created_at, last_used_at, expires_at, usage_type
FROM keys
ORDER BY id;
