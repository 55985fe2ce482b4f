-- 0007: review - status updates, observations and items are approved or returned by a reviewer (issue 16).
--
-- reviews holds every decision ever made on an entry, in the order it was written: its state
-- (draft, submitted, approved, returned), who made it, when (`at`, UTC) and the reviewer's comment.
-- It is append-only like status_updates (the trigger below refuses UPDATE); undoing a decision
-- deletes its row. Each decision has a text id, so the decisions made in a review copy are merged
-- back into the desk's file by id, once.
--
-- An entry's review state is its latest decision (latest `at`, then latest seq). review_current
-- keeps that one row per entry, by triggers, so that counts and filters by review state read an
-- index instead of scanning the decisions of 100,000 items. An entry with no decision is approved:
-- every entry already in a file when this step runs, the seeds, and entries of exchange documents
-- from before review states (versions 1 and 2). review_current only has rows for entries that
-- exist; a decision on an entry that was deleted stays in reviews, and comes back into
-- review_current if the entry is put back (undo), so undoing a deletion keeps its review history.
--
-- app_meta gets a stable `file_id`: a review copy records the file_id of the desk file it was
-- made from, and the desk refuses the decisions of a copy made from another file.
-- A review copy itself is marked by its app_meta keys review_copy_of, review_copy_made_at,
-- review_copy_desk_name: the store then refuses every write but review decisions.

INSERT OR IGNORE INTO app_meta (key, value) VALUES ('file_id', lower(hex(randomblob(16))));

CREATE TABLE reviews (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    entry_kind TEXT NOT NULL CHECK (entry_kind IN ('item', 'status_update', 'observation')),
    entry_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
    reviewer TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    comment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reviews_entry ON reviews(entry_id, at, seq);

CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'review decisions are append-only and cannot be edited');
END;

CREATE TABLE review_current (
    entry_id TEXT PRIMARY KEY,
    entry_kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    state TEXT NOT NULL,
    review_seq INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX review_current_state ON review_current(state, item_id);
CREATE INDEX review_current_item ON review_current(item_id);

CREATE TRIGGER reviews_current_insert AFTER INSERT ON reviews BEGIN
    DELETE FROM review_current WHERE entry_id = new.entry_id;
    INSERT INTO review_current (entry_id, entry_kind, item_id, state, review_seq)
    SELECT r.entry_id, r.entry_kind, r.item_id, r.state, r.seq FROM reviews r
    WHERE r.entry_id = new.entry_id
      AND ((r.entry_kind = 'item' AND EXISTS (SELECT 1 FROM items WHERE id = r.entry_id))
        OR (r.entry_kind = 'status_update' AND EXISTS (SELECT 1 FROM status_updates WHERE id = r.entry_id))
        OR (r.entry_kind = 'observation' AND EXISTS (SELECT 1 FROM observations WHERE id = r.entry_id)))
    ORDER BY r.at DESC, r.seq DESC LIMIT 1;
END;

CREATE TRIGGER reviews_current_delete AFTER DELETE ON reviews BEGIN
    DELETE FROM review_current WHERE entry_id = old.entry_id;
    INSERT INTO review_current (entry_id, entry_kind, item_id, state, review_seq)
    SELECT r.entry_id, r.entry_kind, r.item_id, r.state, r.seq FROM reviews r
    WHERE r.entry_id = old.entry_id
      AND ((r.entry_kind = 'item' AND EXISTS (SELECT 1 FROM items WHERE id = r.entry_id))
        OR (r.entry_kind = 'status_update' AND EXISTS (SELECT 1 FROM status_updates WHERE id = r.entry_id))
        OR (r.entry_kind = 'observation' AND EXISTS (SELECT 1 FROM observations WHERE id = r.entry_id)))
    ORDER BY r.at DESC, r.seq DESC LIMIT 1;
END;

-- an entry put back (undo of a deletion) takes up its decisions again; a deleted one leaves the counts
CREATE TRIGGER items_review_back AFTER INSERT ON items
WHEN EXISTS (SELECT 1 FROM reviews WHERE entry_id = new.id) BEGIN
    INSERT INTO review_current (entry_id, entry_kind, item_id, state, review_seq)
    SELECT r.entry_id, r.entry_kind, r.item_id, r.state, r.seq FROM reviews r
    WHERE r.entry_id = new.id ORDER BY r.at DESC, r.seq DESC LIMIT 1;
END;
CREATE TRIGGER status_updates_review_back AFTER INSERT ON status_updates
WHEN EXISTS (SELECT 1 FROM reviews WHERE entry_id = new.id) BEGIN
    INSERT INTO review_current (entry_id, entry_kind, item_id, state, review_seq)
    SELECT r.entry_id, r.entry_kind, r.item_id, r.state, r.seq FROM reviews r
    WHERE r.entry_id = new.id ORDER BY r.at DESC, r.seq DESC LIMIT 1;
END;
CREATE TRIGGER observations_review_back AFTER INSERT ON observations
WHEN EXISTS (SELECT 1 FROM reviews WHERE entry_id = new.id) BEGIN
    INSERT INTO review_current (entry_id, entry_kind, item_id, state, review_seq)
    SELECT r.entry_id, r.entry_kind, r.item_id, r.state, r.seq FROM reviews r
    WHERE r.entry_id = new.id ORDER BY r.at DESC, r.seq DESC LIMIT 1;
END;
CREATE TRIGGER items_review_gone AFTER DELETE ON items BEGIN
    DELETE FROM review_current WHERE entry_id = old.id;
END;
CREATE TRIGGER status_updates_review_gone AFTER DELETE ON status_updates BEGIN
    DELETE FROM review_current WHERE entry_id = old.id;
END;
CREATE TRIGGER observations_review_gone AFTER DELETE ON observations BEGIN
    DELETE FROM review_current WHERE entry_id = old.id;
END;
