-- 0008: source editions - a source that changes keeps every edition, and its citations follow (issue 15).
--
-- source_editions holds every edition of every source, numbered from 1, each with its text exactly
-- as read (line endings included), its sha256, the date it was published and a note. An edition
-- is never changed (a trigger refuses it), and only the newest one may be taken away (the undo of
-- adding it), never the first: an edition is removed with its source (ON DELETE CASCADE) or not at all.
--
-- sources.text (what the search index, the reader and reports read) and sources.sha256 are the
-- newest edition's. The trigger sources_text_immutable of the initial schema refused any change of
-- them; it is replaced, under the same name, by one that allows exactly one change: to the text and
-- sha256 of the source's newest edition. A source inserted anywhere (the app, an import, the sqlite3
-- shell) gets its first edition from its own text (sources_first_edition).
-- This step makes edition 1 of every existing source from its text: the file grows by the size of
-- the texts, which are kept twice (the newest edition here and in sources.text) so that the search
-- index and every reader keep reading sources.text alone.
--
-- The original file and the pages of a source (source_files, source_pages) belong to one edition:
-- both tables are rebuilt with an `edition` column (existing rows are edition 1); readers take the
-- source's newest edition's. They stay immutable.
--
-- Citations keep their start_offset, end_offset and quote in the source's newest edition, and gain:
--   anchor_state     how it is placed there: 'exact' (the same words at the same or the mapped
--                    place), 'moved', 'reworded' (placed), 'review' (a person must decide; offsets
--                    are NULL, suggested_start/suggested_end may hold a candidate span), 'not_found'
--                    (offsets NULL), 'gone' (offsets NULL: a person decided its words are not in
--                    this edition; it leaves the citations to check); every existing placed citation is 'exact', and one an import
--                    already left unplaced (NULL offsets) is 'not_found': a person must place it;
--   suggested_start, suggested_end   the candidate span for a 'review' citation, in the newest text;
--   figures_changed  1 when the quote's digits differ in the new edition: the observations citing it
--                    and its item's target are shown as needing a look until a person decides.
-- citation_placements keeps where each citation was in each earlier edition of its source (start,
-- end, quote, state), written when a new edition is added, and read back by its undo.

CREATE TABLE source_editions (
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    edition INTEGER NOT NULL CHECK (edition >= 1),
    sha256 TEXT NOT NULL,  -- as sources.sha256, which the app computes and the schema does not check
    text TEXT NOT NULL,
    published_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (source_id, edition)
);

INSERT INTO source_editions (source_id, edition, sha256, text, published_on, added_at)
SELECT id, 1, sha256, text, published_on, imported_at FROM sources ORDER BY seq;

CREATE TRIGGER source_editions_immutable BEFORE UPDATE ON source_editions
BEGIN
    SELECT RAISE(ABORT, 'an edition of a source cannot be changed after it is added');
END;

-- editions are numbered 1, 2, 3... per source, each added after the one before
CREATE TRIGGER source_editions_in_order BEFORE INSERT ON source_editions
WHEN new.edition <> 1 + coalesce((SELECT max(edition) FROM source_editions WHERE source_id = new.source_id), 0)
BEGIN
    SELECT RAISE(ABORT, 'a source''s editions are added in order, each after the newest');
END;

-- only the newest edition of a source that stays may go (undo), never its first
CREATE TRIGGER source_editions_keep_earlier BEFORE DELETE ON source_editions
WHEN EXISTS (SELECT 1 FROM sources WHERE id = old.source_id)
 AND (old.edition = 1 OR old.edition < (SELECT max(edition) FROM source_editions WHERE source_id = old.source_id))
BEGIN
    SELECT RAISE(ABORT, 'only the newest edition of a source can be removed, and never its first');
END;

CREATE TRIGGER sources_first_edition AFTER INSERT ON sources
BEGIN
    INSERT INTO source_editions (source_id, edition, sha256, text, published_on, added_at)
    VALUES (new.id, 1, new.sha256, new.text, new.published_on, new.imported_at);
END;

DROP TRIGGER sources_text_immutable;
CREATE TRIGGER sources_text_immutable BEFORE UPDATE OF text, sha256 ON sources
WHEN (new.text IS NOT old.text OR new.sha256 IS NOT old.sha256)
 AND NOT EXISTS (SELECT 1 FROM source_editions e WHERE e.source_id = new.id
                 AND e.edition = (SELECT max(edition) FROM source_editions WHERE source_id = new.id)
                 AND e.text IS new.text AND e.sha256 IS new.sha256)
BEGIN
    SELECT RAISE(ABORT, 'a source text cannot be changed but to the text of its newest edition');
END;

-- the original file and pages, now per edition (rebuilt in the documented order; rows are edition 1)
CREATE TABLE "new_source_files" (
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    edition INTEGER NOT NULL DEFAULT 1 CHECK (edition >= 1),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    content BLOB NOT NULL,
    CHECK (length(content) = size),
    PRIMARY KEY (source_id, edition)
);
INSERT INTO "new_source_files" (source_id, edition, file_name, media_type, sha256, size, content)
SELECT source_id, 1, file_name, media_type, sha256, size, content FROM "source_files";
DROP TABLE "source_files";
ALTER TABLE "new_source_files" RENAME TO "source_files";

CREATE TABLE "new_source_pages" (
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    edition INTEGER NOT NULL DEFAULT 1 CHECK (edition >= 1),
    page INTEGER NOT NULL CHECK (page >= 1),
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    end_offset INTEGER NOT NULL,
    PRIMARY KEY (source_id, edition, page),
    CHECK (end_offset >= start_offset)
) WITHOUT ROWID;
INSERT INTO "new_source_pages" (source_id, edition, page, start_offset, end_offset)
SELECT source_id, 1, page, start_offset, end_offset FROM "source_pages";
DROP TABLE "source_pages";
ALTER TABLE "new_source_pages" RENAME TO "source_pages";

CREATE TRIGGER source_files_immutable BEFORE UPDATE ON source_files
BEGIN
    SELECT RAISE(ABORT, 'a source''s original file cannot be changed after import');
END;

CREATE TRIGGER source_pages_immutable BEFORE UPDATE ON source_pages
BEGIN
    SELECT RAISE(ABORT, 'a source''s pages cannot be changed after import');
END;

ALTER TABLE citations ADD COLUMN anchor_state TEXT NOT NULL DEFAULT 'exact'
    CHECK (anchor_state IN ('exact', 'moved', 'reworded', 'review', 'not_found', 'gone'));
ALTER TABLE citations ADD COLUMN suggested_start INTEGER CHECK (suggested_start IS NULL OR suggested_start >= 0);
ALTER TABLE citations ADD COLUMN suggested_end INTEGER
    CHECK (suggested_end IS NULL OR (suggested_start IS NOT NULL AND suggested_end >= suggested_start));
ALTER TABLE citations ADD COLUMN figures_changed INTEGER NOT NULL DEFAULT 0 CHECK (figures_changed IN (0, 1));
UPDATE citations SET anchor_state = 'not_found' WHERE start_offset IS NULL;
CREATE INDEX citations_to_check ON citations(anchor_state) WHERE anchor_state IN ('review', 'not_found');

CREATE TABLE citation_placements (
    citation_id TEXT NOT NULL REFERENCES citations(id) ON DELETE CASCADE,
    edition INTEGER NOT NULL CHECK (edition >= 1),
    start_offset INTEGER CHECK (start_offset IS NULL OR start_offset >= 0),
    end_offset INTEGER CHECK (end_offset IS NULL OR end_offset >= start_offset),
    quote TEXT NOT NULL,
    anchor_state TEXT NOT NULL CHECK (anchor_state IN ('exact', 'moved', 'reworded', 'review', 'not_found', 'gone')),
    PRIMARY KEY (citation_id, edition)
) WITHOUT ROWID;
