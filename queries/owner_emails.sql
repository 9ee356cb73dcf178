-- The secondary e-mail addresses of one owner of a GPG key action, for
-- the owners digest (reporter/owner_digest.c). Whether GitLab shows a GPG
-- key as verified depends on which of the owner's addresses are
-- confirmed, so a plan that reviews or deletes the key holds only while
-- they are as they were. The order makes the digest independent of the
-- order in which the snapshot stores the rows.
SELECT email, confirmed_at
FROM emails
WHERE user_id = ?1
ORDER BY email, confirmed_at;
