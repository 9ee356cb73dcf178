-- The namespace that user_details.bot_namespace_id names for each project
-- bot user: a group, or the project namespace of a project, with the
-- project's archived, pending_delete and marked_for_deletion_at. Used when
-- the bot's membership row is missing. A namespace of another type (a
-- user's own) is no project or group, and the C code skips it. The join
-- leaves out a namespace that is gone, so the last column is always 1:
-- the resource was found, as in bot_memberships.sql.
WITH RECURSIVE namespace_paths(id, full_path, depth) AS (
	SELECT id, path, 0 FROM namespaces WHERE parent_id IS NULL
	UNION ALL
	SELECT child.id, parent.full_path || '/' || child.path, parent.depth + 1
	FROM namespaces AS child
	JOIN namespace_paths AS parent ON child.parent_id = parent.id
	WHERE parent.depth < 64
)
SELECT user_details.user_id,
       namespaces.type,
       CASE namespaces.type
	WHEN 'Project' THEN (SELECT projects.id FROM projects
			     WHERE projects.project_namespace_id = namespaces.id)
	ELSE namespaces.id
       END AS resource_id,
       namespace_paths.full_path,
       projects.archived,
       projects.pending_delete,
       projects.marked_for_deletion_at,
       1 AS resource_found
FROM user_details
JOIN users ON users.id = user_details.user_id
JOIN namespaces ON namespaces.id = user_details.bot_namespace_id
LEFT JOIN namespace_paths ON namespace_paths.id = namespaces.id
LEFT JOIN projects ON namespaces.type = 'Project'
		  AND projects.project_namespace_id = namespaces.id
WHERE users.user_type = 6
ORDER BY user_details.user_id;
