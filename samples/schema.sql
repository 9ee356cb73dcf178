-- The tables of a credaudit snapshot: GitLab's own table and column
-- names, so that an administrator can copy them out of GitLab's
-- PostgreSQL database, with SQLite types in place of PostgreSQL's:
--   date                  TEXT 'YYYY-MM-DD'
--   timestamp[tz]         TEXT, ISO 8601 or PostgreSQL's text form, in UTC
--   boolean               INTEGER 0/1
--   bytea                 BLOB
-- Only the columns that credaudit reads are here. GitLab's tables have
-- more. No column is declared NOT NULL, unlike many in GitLab, so that a
-- sample can hold the damaged rows that an export may contain. gensample
-- creates the sample database from this file.

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT,
	name TEXT,
	email TEXT,
	state TEXT,              -- active, blocked, ldap_blocked, banned, ...
	user_type INTEGER,       -- 0 human, 5 ghost, 6 project_bot, 13 service_account, ...
	admin INTEGER,
	confirmed_at TEXT,       -- timestamp; NULL while the primary address is unconfirmed
	created_at TEXT,
	last_activity_on TEXT,   -- date
	commit_email TEXT,
	external INTEGER
);

-- Secondary e-mail addresses.
CREATE TABLE emails (
	id INTEGER PRIMARY KEY,
	user_id INTEGER,
	email TEXT,
	confirmed_at TEXT
);

CREATE TABLE user_details (
	user_id INTEGER PRIMARY KEY,
	bot_namespace_id INTEGER  -- group, or project namespace, that a bot serves
);

CREATE TABLE members (
	id INTEGER PRIMARY KEY,
	user_id INTEGER,
	source_id INTEGER,
	source_type TEXT,  -- 'Project' or 'Namespace'
	access_level INTEGER,
	expires_at TEXT             -- date
);

CREATE TABLE projects (
	id INTEGER PRIMARY KEY,
	name TEXT,
	path TEXT,
	namespace_id INTEGER,
	project_namespace_id INTEGER,
	archived INTEGER,
	pending_delete INTEGER,
	marked_for_deletion_at TEXT  -- date
);

CREATE TABLE namespaces (
	id INTEGER PRIMARY KEY,
	name TEXT,
	path TEXT,
	type TEXT,          -- 'User', 'Group' or 'Project'
	parent_id INTEGER
);

CREATE TABLE personal_access_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER,
	name TEXT,
	description TEXT,
	revoked INTEGER,             -- NULL means false
	expires_at TEXT,             -- date; NULL means the token never expires
	created_at TEXT,
	updated_at TEXT,    -- the revocation time of a revoked token
	last_used_at TEXT,           -- timestamptz
	scopes TEXT DEFAULT '--- []
',
	impersonation INTEGER DEFAULT 0,
	previous_personal_access_token_id INTEGER,
	organization_id INTEGER
);

CREATE TABLE personal_access_token_last_used_ips (
	id INTEGER PRIMARY KEY,
	personal_access_token_id INTEGER,
	ip_address TEXT,             -- inet
	created_at TEXT
);

-- User SSH keys (type NULL or 'Key'), deploy keys ('DeployKey') and
-- LDAP-synced keys ('LDAPKey').
CREATE TABLE keys (
	id INTEGER PRIMARY KEY,
	user_id INTEGER,
	key TEXT,                    -- OpenSSH public key line
	title TEXT,
	type TEXT,
	fingerprint TEXT,            -- MD5, lowercase hex pairs joined by ':'
	fingerprint_sha256 BLOB,     -- raw 32-byte SHA-256 digest of the key blob
	created_at TEXT,
	updated_at TEXT,
	last_used_at TEXT,
	expires_at TEXT,             -- timestamptz
	usage_type INTEGER DEFAULT 0  -- 0 auth_and_signing, 1 auth, 2 signing
);

CREATE TABLE gpg_keys (
	id INTEGER PRIMARY KEY,
	user_id INTEGER,
	key TEXT,                    -- ASCII-armored public key
	primary_keyid BLOB,          -- 8 bytes
	fingerprint BLOB,            -- 20 bytes
	created_at TEXT,
	externally_verified INTEGER DEFAULT 0
);

CREATE TABLE gpg_key_subkeys (
	id INTEGER PRIMARY KEY,
	gpg_key_id INTEGER,
	keyid BLOB,                  -- 8 bytes
	fingerprint BLOB             -- 20 bytes
);

CREATE TABLE application_settings (
	id INTEGER PRIMARY KEY,
	-- SSH key restrictions: -1 forbidden, 0 allowed, N minimum bits.
	rsa_key_restriction INTEGER DEFAULT 0,
	dsa_key_restriction INTEGER DEFAULT -1,
	ecdsa_key_restriction INTEGER DEFAULT 0,
	ed25519_key_restriction INTEGER DEFAULT 0,
	ecdsa_sk_key_restriction INTEGER DEFAULT 0,
	ed25519_sk_key_restriction INTEGER DEFAULT 0,
	max_personal_access_token_lifetime INTEGER,  -- days
	max_ssh_key_lifetime INTEGER,                -- days
	require_personal_access_token_expiry INTEGER DEFAULT 1,
	deactivate_dormant_users_period INTEGER DEFAULT 90  -- days
);

-- credaudit's own table, not GitLab's: facts about the export that the
-- exporter records, such as gitlab_version, gitlab_host and exported_at.
CREATE TABLE credaudit_snapshot (
	key TEXT PRIMARY KEY,
	value TEXT
);
