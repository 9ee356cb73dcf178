-- The users row of one owner of a plan action, for the owners digest
-- (reporter/owner_digest.c), which reads state, admin and user_type by
-- column name. SELECT * lets a snapshot of an older GitLab that lacks one
-- of these columns still be read: the digest records the column as absent.
SELECT *
FROM users
WHERE id = ?1;
