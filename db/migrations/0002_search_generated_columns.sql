-- 0002: a search index that any SQLite program can rebuild.
--
-- 0001's triggers wrote a normalised copy of the text into the FTS5 indexes, so FTS5's 'rebuild'
-- (and `sqlite-utils rebuild-fts`, which runs it) re-read the raw columns: afterwards "90" no
-- longer found "۹۰", and FTS5's integrity-check (rank 1) reported "database disk image is malformed".
-- Now the normalised text is a VIRTUAL generated column of the content table (computed when read,
-- nothing stored), and the indexes are external-content FTS5 tables over those columns. Every
-- program computes the same expression, so a rebuild gives the same index and the check passes.
--
-- The expression is app/core/textnorm.py `sql_normalize` (and equals its `normalize`, which the
-- queries use; tests/store/test_search_fts.py checks that they agree):
--   ARABIC YEH U+064A and ALEF MAKSURA U+0649 -> FARSI YEH U+06CC, ARABIC KAF U+0643 -> KEHEH U+06A9,
--   TEH MARBUTA U+0629 -> HEH U+0647, Persian digits U+06F0..U+06F9 -> 0..9, and the zero-width
--   non-joiner U+200C removed, so "میکشد" finds "می‌کشد". The GLOB class is U+0600..U+06FF plus
--   U+200C: Latin-script text skips the replace() calls.
--
-- Layout as sqlite-utils' enable_fts(create_triggers=True) makes it (`<table>_fts`,
-- content="<table>", triggers <table>_ai/_ad/_au), so `sqlite-utils search`, `rebuild-fts` and
-- Datasette find the indexes. content_rowid is `seq`, the rowid alias VACUUM never renumbers.
-- Default tokenizer (unicode61), as in 0001. Needs SQLite 3.31 or later (generated columns).
--
-- ALTER TABLE ... ADD COLUMN leaves the tables, their rows, the item_overview view and the audit
-- and count triggers as they are (no table rebuild); the audit triggers do not fire, since no
-- row changes. The runner applies this file in one transaction.

-- 1. The old indexes and the triggers that wrote normalised copies into them.
DROP TRIGGER IF EXISTS "items_ai";
DROP TRIGGER IF EXISTS "items_ad";
DROP TRIGGER IF EXISTS "items_au";
DROP TRIGGER IF EXISTS "status_updates_ai";
DROP TRIGGER IF EXISTS "status_updates_ad";
DROP TRIGGER IF EXISTS "status_updates_au";
DROP TRIGGER IF EXISTS "sources_ai";
DROP TRIGGER IF EXISTS "sources_ad";
DROP TRIGGER IF EXISTS "sources_au";
DROP TABLE IF EXISTS "items_fts";
DROP TABLE IF EXISTS "status_updates_fts";
DROP TABLE IF EXISTS "sources_fts";

-- 2. The normalised text, as generated columns (not stored; shown last in `SELECT *`).
ALTER TABLE "items" ADD COLUMN "ref_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "ref" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("ref", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "ref" END
) VIRTUAL;
ALTER TABLE "items" ADD COLUMN "title_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "title" END
) VIRTUAL;
ALTER TABLE "items" ADD COLUMN "description_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "description" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("description", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "description" END
) VIRTUAL;
ALTER TABLE "items" ADD COLUMN "actor_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "actor" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("actor", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "actor" END
) VIRTUAL;
ALTER TABLE "items" ADD COLUMN "tags_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "tags" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("tags", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "tags" END
) VIRTUAL;
ALTER TABLE "status_updates" ADD COLUMN "note_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "note" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("note", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "note" END
) VIRTUAL;
ALTER TABLE "status_updates" ADD COLUMN "author_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "author" END
) VIRTUAL;
ALTER TABLE "sources" ADD COLUMN "title_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "title" END
) VIRTUAL;
ALTER TABLE "sources" ADD COLUMN "publisher_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "publisher" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("publisher", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "publisher" END
) VIRTUAL;
ALTER TABLE "sources" ADD COLUMN "author_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "author" END
) VIRTUAL;
ALTER TABLE "sources" ADD COLUMN "text_search" TEXT GENERATED ALWAYS AS (
    CASE WHEN "text" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace("text", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9'), char(8204), '') ELSE "text" END
) VIRTUAL;

-- 3. The indexes over them, kept current by triggers, then filled from the rows.
CREATE VIRTUAL TABLE "items_fts" USING FTS5 (
    "ref_search", "title_search", "description_search", "actor_search", "tags_search",
    content="items", content_rowid="seq"
);
CREATE TRIGGER "items_ai" AFTER INSERT ON "items" BEGIN
  INSERT INTO "items_fts" (rowid, "ref_search", "title_search", "description_search", "actor_search", "tags_search") VALUES (new."seq", new."ref_search", new."title_search", new."description_search", new."actor_search", new."tags_search");
END;
CREATE TRIGGER "items_ad" AFTER DELETE ON "items" BEGIN
  INSERT INTO "items_fts" ("items_fts", rowid, "ref_search", "title_search", "description_search", "actor_search", "tags_search") VALUES ('delete', old."seq", old."ref_search", old."title_search", old."description_search", old."actor_search", old."tags_search");
END;
CREATE TRIGGER "items_au" AFTER UPDATE ON "items" WHEN old."seq" IS NOT new."seq" OR new."ref" IS NOT old."ref" OR new."title" IS NOT old."title" OR new."description" IS NOT old."description" OR new."actor" IS NOT old."actor" OR new."tags" IS NOT old."tags" BEGIN
  INSERT INTO "items_fts" ("items_fts", rowid, "ref_search", "title_search", "description_search", "actor_search", "tags_search") VALUES ('delete', old."seq", old."ref_search", old."title_search", old."description_search", old."actor_search", old."tags_search");
  INSERT INTO "items_fts" (rowid, "ref_search", "title_search", "description_search", "actor_search", "tags_search") VALUES (new."seq", new."ref_search", new."title_search", new."description_search", new."actor_search", new."tags_search");
END;
INSERT INTO "items_fts" ("items_fts") VALUES ('rebuild');

CREATE VIRTUAL TABLE "status_updates_fts" USING FTS5 (
    "note_search", "author_search",
    content="status_updates", content_rowid="seq"
);
CREATE TRIGGER "status_updates_ai" AFTER INSERT ON "status_updates" BEGIN
  INSERT INTO "status_updates_fts" (rowid, "note_search", "author_search") VALUES (new."seq", new."note_search", new."author_search");
END;
CREATE TRIGGER "status_updates_ad" AFTER DELETE ON "status_updates" BEGIN
  INSERT INTO "status_updates_fts" ("status_updates_fts", rowid, "note_search", "author_search") VALUES ('delete', old."seq", old."note_search", old."author_search");
END;
CREATE TRIGGER "status_updates_au" AFTER UPDATE ON "status_updates" WHEN old."seq" IS NOT new."seq" OR new."note" IS NOT old."note" OR new."author" IS NOT old."author" BEGIN
  INSERT INTO "status_updates_fts" ("status_updates_fts", rowid, "note_search", "author_search") VALUES ('delete', old."seq", old."note_search", old."author_search");
  INSERT INTO "status_updates_fts" (rowid, "note_search", "author_search") VALUES (new."seq", new."note_search", new."author_search");
END;
INSERT INTO "status_updates_fts" ("status_updates_fts") VALUES ('rebuild');

CREATE VIRTUAL TABLE "sources_fts" USING FTS5 (
    "title_search", "publisher_search", "author_search", "text_search",
    content="sources", content_rowid="seq"
);
CREATE TRIGGER "sources_ai" AFTER INSERT ON "sources" BEGIN
  INSERT INTO "sources_fts" (rowid, "title_search", "publisher_search", "author_search", "text_search") VALUES (new."seq", new."title_search", new."publisher_search", new."author_search", new."text_search");
END;
CREATE TRIGGER "sources_ad" AFTER DELETE ON "sources" BEGIN
  INSERT INTO "sources_fts" ("sources_fts", rowid, "title_search", "publisher_search", "author_search", "text_search") VALUES ('delete', old."seq", old."title_search", old."publisher_search", old."author_search", old."text_search");
END;
CREATE TRIGGER "sources_au" AFTER UPDATE ON "sources" WHEN old."seq" IS NOT new."seq" OR new."title" IS NOT old."title" OR new."publisher" IS NOT old."publisher" OR new."author" IS NOT old."author" OR new."text" IS NOT old."text" BEGIN
  INSERT INTO "sources_fts" ("sources_fts", rowid, "title_search", "publisher_search", "author_search", "text_search") VALUES ('delete', old."seq", old."title_search", old."publisher_search", old."author_search", old."text_search");
  INSERT INTO "sources_fts" (rowid, "title_search", "publisher_search", "author_search", "text_search") VALUES (new."seq", new."title_search", new."publisher_search", new."author_search", new."text_search");
END;
INSERT INTO "sources_fts" ("sources_fts") VALUES ('rebuild');
