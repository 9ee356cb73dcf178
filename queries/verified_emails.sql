-- Secondary e-mail addresses of users. GitLab counts an address as verified
-- when confirmed_at is set; the C code checks that, since dates are never
-- compared as text here.
SELECT user_id, email, confirmed_at
FROM emails
WHERE email IS NOT NULL
ORDER BY user_id, id;
