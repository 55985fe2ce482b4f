-- 0005: a status update can point at its evidence, one of its item's citations (issue 12).
--
-- An analyst who records "on track as of 2026-11-01" can say which words in a source show it, as an
-- observation already can. The link is a nullable column, NULL for every update made before this
-- step (nothing is guessed for them).
--
-- status_updates is append-only (0001's BEFORE UPDATE trigger refuses any change), so the link
-- cannot be cleared by a foreign key action: ON DELETE SET NULL is an UPDATE, and would fail. The
-- reference therefore has no action (NO ACTION), and the app refuses to remove a citation that a
-- status update cites (the update is withdrawn first, or the whole item is deleted: deleting an
-- item deletes its citations and its updates in one statement, which satisfies the check).
--
-- A trigger refuses an update citing words that are not its own item's: the database keeps that
-- rule whatever program writes the file.

ALTER TABLE status_updates ADD COLUMN citation_id TEXT REFERENCES citations(id);

CREATE INDEX status_updates_citation ON status_updates(citation_id) WHERE citation_id IS NOT NULL;

CREATE TRIGGER status_updates_cite_own_item BEFORE INSERT ON status_updates
WHEN new.citation_id IS NOT NULL
 AND NOT EXISTS (SELECT 1 FROM citations WHERE id = new.citation_id AND item_id = new.item_id)
BEGIN
    SELECT RAISE(ABORT, 'a status update can only cite words cited by its own item');
END;
