-- Every user that can own a credential, with what the report shows of them.
-- Ordered by id so the reader can look owners up by binary search.
SELECT id, username, name, state, user_type, admin, email, confirmed_at
FROM users
ORDER BY id;
