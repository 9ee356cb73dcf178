-- The project or group that each project bot user (user_type 6) is a member
-- of, with its full path. A bot that serves a project access token is a
-- member of that project only; one that serves a group token, of that group.
-- A project's archived, pending_delete and marked_for_deletion_at follow;
-- they are NULL for a group. Column 7 is 1 when the projects or
-- namespaces table has a row of the project or group, and 0 when the
-- membership names one that is gone.
--
-- The path is built by walking parent_id up from the project's namespace
-- or the group. GitLab allows a group at most 20 ancestors
-- (Namespace::NUMBER_OF_ANCESTORS_ALLOWED in app/models/namespace.rb). A
-- walk that cannot reach a top-level namespace leaves full_path NULL,
-- and columns 8 to 10 give the reason: 'loop' (a parent_id leads back to
-- a namespace already walked), 'depth' (more ancestors than GitLab
-- allows) or 'missing' (a parent_id names no namespace), then the id of
-- the last namespace walked and its parent_id.
WITH RECURSIVE walk(start_id, id, parent_id, full_path, depth, seen) AS (
	SELECT id, id, parent_id, path, 0, '/' || id || '/'
	FROM namespaces
	WHERE id IN (SELECT projects.namespace_id
		     FROM members
		     JOIN users ON users.id = members.user_id
		     JOIN projects ON projects.id = members.source_id
		     WHERE users.user_type = 6
		       AND members.source_type = 'Project'
		     UNION
		     SELECT members.source_id
		     FROM members
		     JOIN users ON users.id = members.user_id
		     WHERE users.user_type = 6
		       AND members.source_type = 'Namespace')
	UNION ALL
	SELECT walk.start_id, parent.id, parent.parent_id,
	       parent.path || '/' || walk.full_path, walk.depth + 1,
	       walk.seen || parent.id || '/'
	FROM walk
	JOIN namespaces AS parent ON parent.id = walk.parent_id
	WHERE walk.depth < 20
	  AND instr(walk.seen, '/' || parent.id || '/') = 0
),
-- The last step of each walk: SQLite takes the other columns of a
-- max() aggregate from the row that has the maximum.
namespace_paths(id, full_path, problem, problem_id, problem_parent_id) AS (
	SELECT start_id,
	       CASE WHEN parent_id IS NULL THEN full_path END,
	       CASE WHEN parent_id IS NULL THEN NULL
		    WHEN instr(seen, '/' || parent_id || '/') THEN 'loop'
		    WHEN max(depth) >= 20 THEN 'depth'
		    ELSE 'missing' END,
	       CASE WHEN parent_id IS NOT NULL THEN id END,
	       parent_id
	FROM walk
	GROUP BY start_id
)
SELECT members.user_id,
       members.source_type,
       members.source_id,
       CASE members.source_type
	WHEN 'Project' THEN project_paths.full_path || '/' || projects.path
	ELSE group_paths.full_path
       END AS full_path,
       projects.archived,
       projects.pending_delete,
       projects.marked_for_deletion_at,
       CASE members.source_type
	WHEN 'Project' THEN projects.id IS NOT NULL
	ELSE EXISTS (SELECT 1 FROM namespaces
		     WHERE namespaces.id = members.source_id)
       END AS resource_found,
       coalesce(project_paths.problem, group_paths.problem),
       coalesce(project_paths.problem_id, group_paths.problem_id),
       coalesce(project_paths.problem_parent_id,
		group_paths.problem_parent_id)
FROM members
LEFT JOIN projects ON members.source_type = 'Project'
		  AND projects.id = members.source_id
LEFT JOIN namespace_paths AS project_paths
	ON project_paths.id = projects.namespace_id
LEFT JOIN namespace_paths AS group_paths
	ON members.source_type = 'Namespace'
	AND group_paths.id = members.source_id
JOIN users ON users.id = members.user_id
WHERE users.user_type = 6
  AND members.source_type IN ('Project', 'Namespace')
ORDER BY members.user_id, members.id;
