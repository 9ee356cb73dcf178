-- The instance's own limits: the SSH key restrictions per key type and
-- the maximum lifetimes of access tokens and SSH keys. GitLab keeps one
-- row and reads the newest, the highest id, when there are more. The
-- count of rows and the id follow, for a warning when there is more
-- than one.
SELECT rsa_key_restriction, dsa_key_restriction, ecdsa_key_restriction,
       ed25519_key_restriction, ecdsa_sk_key_restriction,
       ed25519_sk_key_restriction, max_personal_access_token_lifetime,
       max_ssh_key_lifetime,
       (SELECT count(*) FROM application_settings),
       id
FROM application_settings
ORDER BY CAST(id AS INTEGER) DESC
LIMIT 1;
