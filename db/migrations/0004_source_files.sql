-- 0004: a source keeps the file it came from, and the pages of its text (issue 14).
--
-- A PDF, Word, OpenDocument or web page source is stored twice: as its canonical text in
-- sources.text (what citations point into, unchanged since 0001), and here as the original file,
-- byte for byte with its sha256, so it can be opened or saved again. A text or Markdown source
-- added before this step has no row here; its text is its file.
--
-- source_pages says where each page of a paged source (a PDF) starts and ends in sources.text,
-- in Unicode code points, pages numbered from 1 (an empty page has start_offset = end_offset).
-- Page marks are never put into the text itself.
--
-- Both tables hang off sources(id): deleting a source deletes its file and pages (ON DELETE
-- CASCADE; the store turns foreign keys on). Like the text, the file and its pages are evidence:
-- they are never changed after they are stored (the triggers below refuse it).
--
-- Nothing else changes: this step only adds two tables, their indexes and triggers.

CREATE TABLE source_files (
    source_id TEXT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size INTEGER NOT NULL CHECK (size >= 0),
    content BLOB NOT NULL,
    CHECK (length(content) = size)
);

CREATE TABLE source_pages (
    source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    page INTEGER NOT NULL CHECK (page >= 1),
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    end_offset INTEGER NOT NULL,
    PRIMARY KEY (source_id, page),
    CHECK (end_offset >= start_offset)
) WITHOUT ROWID;

CREATE TRIGGER source_files_immutable BEFORE UPDATE ON source_files
BEGIN
    SELECT RAISE(ABORT, 'a source''s original file cannot be changed after import');
END;

CREATE TRIGGER source_pages_immutable BEFORE UPDATE ON source_pages
BEGIN
    SELECT RAISE(ABORT, 'a source''s pages cannot be changed after import');
END;
