-- 0006: who made each change, and the indexes the dashboard reads (issue 17).
--
-- audit_log.author: the name of the person whose write added the row (the analyst name the
-- window uses for status updates; on the command line the same saved name, else
-- POLICY_TRACKER_ANALYST, else the login name). The triggers of 0001 and 0003 still write every
-- row; the store stamps the rows of its own write with the author just before COMMIT
-- (app/store/store.py Store.write), so no trigger changes. Rows written before this step, and
-- rows written by other programs (the sqlite3 shell, sqlite-utils), keep NULL: "unknown".
--
-- Indexes for the dashboard's sections (app/store/dashboard_queries.py):
--   status_updates_as_of  which items had an update on or after a day (the "no update in N
--                         days" section reads the few recent ones instead of probing every item).
--   items_open_due        open items (not achieved or abandoned) by due date: the overdue list
--                         read from the index alone;
--   items_open            open items by framework and ref: the quiet list read from the index alone.
-- The two are partial indexes whose WHERE is the dashboard's own ("open" means what it means in
-- the status report; status is their last column so that the query's own test of it is read
-- from the index too). Counts by status per framework use items_status (0001), recent changes
-- audit_log's own rowid order.

ALTER TABLE audit_log ADD COLUMN author TEXT;

CREATE INDEX status_updates_as_of ON status_updates(as_of, item_id);

CREATE INDEX items_open_due ON items(due_on, id, status) WHERE status NOT IN ('achieved', 'abandoned');

CREATE INDEX items_open ON items(framework_id, ref, id, status) WHERE status NOT IN ('achieved', 'abandoned');
