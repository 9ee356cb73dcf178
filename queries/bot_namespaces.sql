-- The namespace that user_details.bot_namespace_id names for each project
-- bot user: a group, or the project namespace of a project, with the
-- project's archived, pending_delete and marked_for_deletion_at. Used when
-- the bot's membership row is missing. A namespace of another type (a
-- user's own) is no project or group, and the C code skips it. The join
-- leaves out a namespace that is gone, so column 7 is always 1: the
-- resource was found, as in bot_memberships.sql.
--
-- The path is built by walking parent_id up, as in bot_memberships.sql,
-- with columns 8 to 10 giving the reason when it could not be built. A project
-- namespace is one level below its group, so its walk starts at depth -1
-- and the group still gets the 20 ancestors that GitLab allows.
WITH RECURSIVE walk(start_id, id, parent_id, full_path, depth, seen) AS (
	SELECT id, id, parent_id, path,
	       CASE type WHEN 'Project' THEN -1 ELSE 0 END, '/' || id || '/'
	FROM namespaces
	WHERE id IN (SELECT user_details.bot_namespace_id
		     FROM user_details
		     JOIN users ON users.id = user_details.user_id
		     WHERE users.user_type = 6)
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
       1 AS resource_found,
       namespace_paths.problem,
       namespace_paths.problem_id,
       namespace_paths.problem_parent_id
FROM user_details
JOIN users ON users.id = user_details.user_id
JOIN namespaces ON namespaces.id = user_details.bot_namespace_id
LEFT JOIN namespace_paths ON namespace_paths.id = namespaces.id
LEFT JOIN projects ON namespaces.type = 'Project'
		  AND projects.project_namespace_id = namespaces.id
WHERE users.user_type = 6
ORDER BY user_details.user_id;
