-- The branch a trigger's session works on and pushes to: a pull request's head branch when a
-- mention on that pull request starts it. NULL: a new branch from the base branch.
ALTER TABLE triggers ADD COLUMN work_branch VARCHAR(255);
