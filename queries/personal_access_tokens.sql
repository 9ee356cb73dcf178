-- Every personal, project and group access token. The owner's user_type
-- and membership tell the three kinds apart, in C.
SELECT id, user_id, name, revoked, expires_at, created_at, updated_at,
       last_used_at, scopes, impersonation,
       previous_personal_access_token_id
FROM personal_access_tokens
ORDER BY id;
