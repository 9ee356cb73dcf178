-- What the exporter recorded about the snapshot (credaudit's own table,
-- not GitLab's): gitlab_version, gitlab_host, exported_at.
SELECT key, value FROM credaudit_snapshot ORDER BY key;
