-- The project or group that each project bot user (user_type 6) is a member
-- of, with its full path. A bot that serves a project access token is a
-- member of that project only; one that serves a group token, of that group.
-- A project's archived, pending_delete and marked_for_deletion_at follow;
-- they are NULL for a group. The last column is 1 when the projects or
-- namespaces table has a row of the project or group, and 0 when the
-- membership names one that is gone. The depth limit stops a parent_id
-- cycle in a damaged snapshot.
WITH RECURSIVE namespace_paths(id, full_path, depth) AS (
	SELECT id, path, 0 FROM namespaces WHERE parent_id IS NULL
	UNION ALL
	SELECT child.id, parent.full_path || '/' || child.path, parent.depth + 1
	FROM namespaces AS child
	JOIN namespace_paths AS parent ON child.parent_id = parent.id
	WHERE parent.depth < 64
)
SELECT members.user_id,
       members.source_type,
       members.source_id,
       CASE members.source_type
	WHEN 'Project' THEN (
		SELECT namespace_paths.full_path || '/' || projects.path
		FROM projects
		JOIN namespace_paths ON namespace_paths.id = projects.namespace_id
		WHERE projects.id = members.source_id)
	ELSE (
		SELECT full_path FROM namespace_paths
		WHERE namespace_paths.id = members.source_id)
       END AS full_path,
       projects.archived,
       projects.pending_delete,
       projects.marked_for_deletion_at,
       CASE members.source_type
	WHEN 'Project' THEN projects.id IS NOT NULL
	ELSE EXISTS (SELECT 1 FROM namespaces
		     WHERE namespaces.id = members.source_id)
       END AS resource_found
FROM members
LEFT JOIN projects ON members.source_type = 'Project'
		  AND projects.id = members.source_id
JOIN users ON users.id = members.user_id
WHERE users.user_type = 6
  AND members.source_type IN ('Project', 'Namespace')
ORDER BY members.user_id, members.id;
