-- 0003: the search indexes are brought up to date by the app, not by triggers.
--
-- Why: every connection Policy Tracker opens runs PRAGMA trusted_schema = OFF, so that nothing a
-- file carries (a trigger, view, generated column or index expression someone added) can call
-- anything unsafe. FTS5 is not marked innocuous, so with trusted_schema off a trigger may not
-- write to an FTS5 table ("unsafe use of virtual table"): 0002's triggers items_ai/_ad/_au,
-- status_updates_ai/_ad/_au and sources_ai/_ad/_au would make every write to those tables fail.
--
-- Now the nine triggers (the names sqlite-utils gives them, as before) only note which rows
-- changed, in one plain table per index, <table>_fts_pending:
--   seq      the content row's rowid (content_rowid "seq");
--   had_old  1 when the index held the row at the last flush; the *_search columns then hold
--            exactly the values it was indexed with (FTS5's 'delete' needs them);
--            0 when the row was added since (nothing to take out of the index).
-- Only the first change of a row since the last flush is noted (a row already queued is left as it
-- is), so the old values are those in the index. Rows are noted with INSERT ... WHERE NOT EXISTS
-- rather than INSERT OR IGNORE: inside a trigger, the conflict clause of the statement that fired
-- it (INSERT OR REPLACE, which `sqlite-utils insert --replace` runs) overrides OR IGNORE, and a
-- later change would overwrite the first old values.
--
-- The store empties the queues with top-level statements (allowed with trusted_schema off) in the
-- same transaction, just before COMMIT (app/store/db.py flush_search_queue): FTS5 'delete' with the
-- stored values for each had_old row, then the current values of every queued row still present,
-- then the queue is emptied. A program that is not Policy Tracker (the sqlite3 shell, sqlite-utils)
-- leaves its rows queued; the app flushes them when it next opens the file.
--
-- The index itself is unchanged and in step with its content table; the queues start empty.
--
-- Also here, so the schema changes once: audit triggers for the vocabularies (statuses,
-- item_kinds, relation_kinds), written like 0001's: relabelling a status leaves a trace.

DROP TRIGGER "items_ai";
DROP TRIGGER "items_ad";
DROP TRIGGER "items_au";
DROP TRIGGER "status_updates_ai";
DROP TRIGGER "status_updates_ad";
DROP TRIGGER "status_updates_au";
DROP TRIGGER "sources_ai";
DROP TRIGGER "sources_ad";
DROP TRIGGER "sources_au";

CREATE TABLE "items_fts_pending" (
    "seq" INTEGER PRIMARY KEY,
    "had_old" INTEGER NOT NULL CHECK ("had_old" IN (0, 1)),
    "ref_search" TEXT,
    "title_search" TEXT,
    "description_search" TEXT,
    "actor_search" TEXT,
    "tags_search" TEXT
);
CREATE TRIGGER "items_ai" AFTER INSERT ON "items" BEGIN
  INSERT INTO "items_fts_pending" ("seq", "had_old") SELECT new."seq", 0
  WHERE NOT EXISTS (SELECT 1 FROM "items_fts_pending" WHERE "seq" = new."seq");
END;
CREATE TRIGGER "items_ad" AFTER DELETE ON "items" BEGIN
  INSERT INTO "items_fts_pending" ("seq", "had_old", "ref_search", "title_search", "description_search", "actor_search", "tags_search")
  SELECT old."seq", 1, old."ref_search", old."title_search", old."description_search", old."actor_search", old."tags_search"
  WHERE NOT EXISTS (SELECT 1 FROM "items_fts_pending" WHERE "seq" = old."seq");
END;
CREATE TRIGGER "items_au" AFTER UPDATE ON "items" WHEN old."seq" IS NOT new."seq" OR new."ref" IS NOT old."ref" OR new."title" IS NOT old."title" OR new."description" IS NOT old."description" OR new."actor" IS NOT old."actor" OR new."tags" IS NOT old."tags" BEGIN
  INSERT INTO "items_fts_pending" ("seq", "had_old", "ref_search", "title_search", "description_search", "actor_search", "tags_search")
  SELECT old."seq", 1, old."ref_search", old."title_search", old."description_search", old."actor_search", old."tags_search"
  WHERE NOT EXISTS (SELECT 1 FROM "items_fts_pending" WHERE "seq" = old."seq");
  INSERT INTO "items_fts_pending" ("seq", "had_old") SELECT new."seq", 0
  WHERE NOT EXISTS (SELECT 1 FROM "items_fts_pending" WHERE "seq" = new."seq");
END;

CREATE TABLE "status_updates_fts_pending" (
    "seq" INTEGER PRIMARY KEY,
    "had_old" INTEGER NOT NULL CHECK ("had_old" IN (0, 1)),
    "note_search" TEXT,
    "author_search" TEXT
);
CREATE TRIGGER "status_updates_ai" AFTER INSERT ON "status_updates" BEGIN
  INSERT INTO "status_updates_fts_pending" ("seq", "had_old") SELECT new."seq", 0
  WHERE NOT EXISTS (SELECT 1 FROM "status_updates_fts_pending" WHERE "seq" = new."seq");
END;
CREATE TRIGGER "status_updates_ad" AFTER DELETE ON "status_updates" BEGIN
  INSERT INTO "status_updates_fts_pending" ("seq", "had_old", "note_search", "author_search")
  SELECT old."seq", 1, old."note_search", old."author_search"
  WHERE NOT EXISTS (SELECT 1 FROM "status_updates_fts_pending" WHERE "seq" = old."seq");
END;
CREATE TRIGGER "status_updates_au" AFTER UPDATE ON "status_updates" WHEN old."seq" IS NOT new."seq" OR new."note" IS NOT old."note" OR new."author" IS NOT old."author" BEGIN
  INSERT INTO "status_updates_fts_pending" ("seq", "had_old", "note_search", "author_search")
  SELECT old."seq", 1, old."note_search", old."author_search"
  WHERE NOT EXISTS (SELECT 1 FROM "status_updates_fts_pending" WHERE "seq" = old."seq");
  INSERT INTO "status_updates_fts_pending" ("seq", "had_old") SELECT new."seq", 0
  WHERE NOT EXISTS (SELECT 1 FROM "status_updates_fts_pending" WHERE "seq" = new."seq");
END;

CREATE TABLE "sources_fts_pending" (
    "seq" INTEGER PRIMARY KEY,
    "had_old" INTEGER NOT NULL CHECK ("had_old" IN (0, 1)),
    "title_search" TEXT,
    "publisher_search" TEXT,
    "author_search" TEXT,
    "text_search" TEXT
);
CREATE TRIGGER "sources_ai" AFTER INSERT ON "sources" BEGIN
  INSERT INTO "sources_fts_pending" ("seq", "had_old") SELECT new."seq", 0
  WHERE NOT EXISTS (SELECT 1 FROM "sources_fts_pending" WHERE "seq" = new."seq");
END;
CREATE TRIGGER "sources_ad" AFTER DELETE ON "sources" BEGIN
  INSERT INTO "sources_fts_pending" ("seq", "had_old", "title_search", "publisher_search", "author_search", "text_search")
  SELECT old."seq", 1, old."title_search", old."publisher_search", old."author_search", old."text_search"
  WHERE NOT EXISTS (SELECT 1 FROM "sources_fts_pending" WHERE "seq" = old."seq");
END;
CREATE TRIGGER "sources_au" AFTER UPDATE ON "sources" WHEN old."seq" IS NOT new."seq" OR new."title" IS NOT old."title" OR new."publisher" IS NOT old."publisher" OR new."author" IS NOT old."author" OR new."text" IS NOT old."text" BEGIN
  INSERT INTO "sources_fts_pending" ("seq", "had_old", "title_search", "publisher_search", "author_search", "text_search")
  SELECT old."seq", 1, old."title_search", old."publisher_search", old."author_search", old."text_search"
  WHERE NOT EXISTS (SELECT 1 FROM "sources_fts_pending" WHERE "seq" = old."seq");
  INSERT INTO "sources_fts_pending" ("seq", "had_old") SELECT new."seq", 0
  WHERE NOT EXISTS (SELECT 1 FROM "sources_fts_pending" WHERE "seq" = new."seq");
END;

-- The vocabularies' audit trail, as 0001 writes it for the records (row_id is the key).
CREATE TRIGGER statuses_audit_insert AFTER INSERT ON statuses BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'statuses', new.key, substr(new.label, 1, 200));
END;
CREATE TRIGGER statuses_audit_update AFTER UPDATE ON statuses BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'statuses', new.key, substr(new.label, 1, 200));
END;
CREATE TRIGGER statuses_audit_delete AFTER DELETE ON statuses BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'statuses', old.key, substr(old.label, 1, 200));
END;
CREATE TRIGGER item_kinds_audit_insert AFTER INSERT ON item_kinds BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'item_kinds', new.key, substr(new.label, 1, 200));
END;
CREATE TRIGGER item_kinds_audit_update AFTER UPDATE ON item_kinds BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'item_kinds', new.key, substr(new.label, 1, 200));
END;
CREATE TRIGGER item_kinds_audit_delete AFTER DELETE ON item_kinds BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'item_kinds', old.key, substr(old.label, 1, 200));
END;
CREATE TRIGGER relation_kinds_audit_insert AFTER INSERT ON relation_kinds BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'relation_kinds', new.key, substr(new.label, 1, 200));
END;
CREATE TRIGGER relation_kinds_audit_update AFTER UPDATE ON relation_kinds BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'relation_kinds', new.key, substr(new.label, 1, 200));
END;
CREATE TRIGGER relation_kinds_audit_delete AFTER DELETE ON relation_kinds BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'relation_kinds', old.key, substr(old.label, 1, 200));
END;
