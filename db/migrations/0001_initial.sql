-- 0001: the initial schema of a Policy Tracker file.
-- Identity is a UUID text id on every record (files from two analysts can be merged by id).
-- Tables that feed the full-text index also carry `seq INTEGER PRIMARY KEY`, a rowid alias that
-- VACUUM never renumbers, so the external-content search index can never point at the wrong row.

CREATE TABLE app_meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE statuses (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    color TEXT NOT NULL DEFAULT '#888888',
    sort_order INTEGER NOT NULL DEFAULT 0
);

INSERT INTO statuses (key, label, description, color, sort_order) VALUES
 ('proposed', 'Proposed', 'Stated or proposed; no decision to act on it yet.', '#7e57c2', 10),
 ('not_started', 'Not started', 'Adopted or committed to, but no sign of work yet.', '#90a4ae', 20),
 ('in_progress', 'In progress', 'Work has visibly begun.', '#1e88e5', 30),
 ('partially_achieved', 'Partially achieved', 'Some of what was stated has been delivered.', '#00897b', 40),
 ('achieved', 'Achieved', 'Delivered as stated.', '#43a047', 50),
 ('stalled', 'Stalled', 'Work began but has stopped or shows no movement.', '#fb8c00', 60),
 ('abandoned', 'Abandoned', 'Dropped, withdrawn or superseded without delivery.', '#e53935', 70),
 ('unknown', 'Unknown', 'Not enough evidence to judge.', '#757575', 80);

CREATE TABLE item_kinds (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

INSERT INTO item_kinds (key, label, description) VALUES
 ('goal', 'Goal', 'A stated aim, broader than a single deliverable.'),
 ('target', 'Target', 'A goal with a measurable value and date.'),
 ('proposal', 'Proposal', 'Something proposed to others, not yet agreed.'),
 ('priority', 'Priority', 'A declared priority of a body or statement.'),
 ('commitment', 'Commitment', 'Something an actor has said it will do.'),
 ('indicator', 'Indicator', 'A quantity the texts report, tracked over time.');

CREATE TABLE relation_kinds (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

INSERT INTO relation_kinds (key, label, description) VALUES
 ('same_as', 'Same as', 'Both items state the same thing.'),
 ('aligns_with', 'Aligns with', 'The items point in the same direction.'),
 ('supports', 'Supports', 'Progress on this item advances the other.'),
 ('conflicts_with', 'Conflicts with', 'The items pull against each other.'),
 ('supersedes', 'Supersedes', 'This item replaces the other.');

CREATE TABLE sources (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'document',
    publisher TEXT,
    author TEXT,
    event TEXT,
    published_on TEXT,
    url TEXT,
    language TEXT,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A source's text is the evidence every citation points into: it never changes after import.
CREATE TRIGGER sources_text_immutable BEFORE UPDATE OF text, sha256 ON sources
WHEN new.text IS NOT old.text OR new.sha256 IS NOT old.sha256
BEGIN
    SELECT RAISE(ABORT, 'a source text cannot be changed after import');
END;

CREATE TABLE frameworks (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    actor TEXT,
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE items (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    framework_id TEXT NOT NULL REFERENCES frameworks(id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES items(id) ON DELETE SET NULL,
    ref TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL REFERENCES item_kinds(key),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description TEXT NOT NULL DEFAULT '',
    actor TEXT,
    status TEXT NOT NULL DEFAULT 'unknown' REFERENCES statuses(key),
    due_on TEXT,
    tags TEXT NOT NULL DEFAULT '[]' CHECK (substr(tags, 1, 1) = '['),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- bumped by every update; a save that read an older version is refused, not applied
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX items_framework ON items(framework_id, ref);
CREATE INDEX items_status ON items(status, framework_id);
CREATE INDEX items_due ON items(due_on);
CREATE INDEX items_parent ON items(parent_id);

CREATE TABLE citations (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL REFERENCES sources(id),
    -- offsets in Unicode code points into sources.text; NULL when the quote could not be placed
    start_offset INTEGER CHECK (start_offset IS NULL OR start_offset >= 0),
    end_offset INTEGER CHECK (end_offset IS NULL OR end_offset >= start_offset),
    quote TEXT NOT NULL,
    prefix TEXT NOT NULL DEFAULT '',
    suffix TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX citations_item ON citations(item_id);
CREATE INDEX citations_source ON citations(source_id, start_offset);

CREATE TABLE status_updates (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    status TEXT NOT NULL REFERENCES statuses(key),
    as_of TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX status_updates_item ON status_updates(item_id, as_of, created_at);

-- The history is append-only: an update may be withdrawn (undo) but never rewritten.
CREATE TRIGGER status_updates_append_only BEFORE UPDATE ON status_updates
BEGIN
    SELECT RAISE(ABORT, 'status updates are append-only and cannot be edited');
END;

CREATE TABLE targets (
    item_id TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    unit TEXT NOT NULL DEFAULT '',
    baseline REAL,
    baseline_on TEXT,
    target REAL NOT NULL,
    target_on TEXT,
    direction TEXT NOT NULL DEFAULT 'increase' CHECK (direction IN ('increase', 'decrease', 'maintain'))
);

CREATE TABLE observations (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    value REAL NOT NULL,
    observed_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    citation_id TEXT REFERENCES citations(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX observations_item ON observations(item_id, observed_on);
CREATE INDEX observations_citation ON observations(citation_id);

CREATE TABLE relations (
    id TEXT PRIMARY KEY,
    from_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    to_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    kind TEXT NOT NULL REFERENCES relation_kinds(key),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (from_id <> to_id),
    UNIQUE (from_id, to_id, kind)
);
CREATE INDEX relations_to ON relations(to_id);

-- Every change to the tracked records, written by triggers so that no code path can skip it.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_row ON audit_log(table_name, row_id);


CREATE TRIGGER sources_audit_insert AFTER INSERT ON sources BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'sources', new.id, substr(new.title, 1, 200));
END;
CREATE TRIGGER sources_audit_update AFTER UPDATE ON sources BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'sources', new.id, substr(new.title, 1, 200));
END;
CREATE TRIGGER sources_audit_delete AFTER DELETE ON sources BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'sources', old.id, substr(old.title, 1, 200));
END;
CREATE TRIGGER frameworks_audit_insert AFTER INSERT ON frameworks BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'frameworks', new.id, substr(new.title, 1, 200));
END;
CREATE TRIGGER frameworks_audit_update AFTER UPDATE ON frameworks BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'frameworks', new.id, substr(new.title, 1, 200));
END;
CREATE TRIGGER frameworks_audit_delete AFTER DELETE ON frameworks BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'frameworks', old.id, substr(old.title, 1, 200));
END;
CREATE TRIGGER items_audit_insert AFTER INSERT ON items BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'items', new.id, substr(new.ref || ' ' || new.title, 1, 200));
END;
CREATE TRIGGER items_audit_update AFTER UPDATE ON items BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'items', new.id, substr(new.ref || ' ' || new.title, 1, 200));
END;
CREATE TRIGGER items_audit_delete AFTER DELETE ON items BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'items', old.id, substr(old.ref || ' ' || old.title, 1, 200));
END;
CREATE TRIGGER citations_audit_insert AFTER INSERT ON citations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'citations', new.id, substr(new.quote, 1, 200));
END;
CREATE TRIGGER citations_audit_update AFTER UPDATE ON citations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'citations', new.id, substr(new.quote, 1, 200));
END;
CREATE TRIGGER citations_audit_delete AFTER DELETE ON citations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'citations', old.id, substr(old.quote, 1, 200));
END;
CREATE TRIGGER status_updates_audit_insert AFTER INSERT ON status_updates BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'status_updates', new.id, substr(new.status || ' ' || new.as_of, 1, 200));
END;
CREATE TRIGGER status_updates_audit_update AFTER UPDATE ON status_updates BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'status_updates', new.id, substr(new.status || ' ' || new.as_of, 1, 200));
END;
CREATE TRIGGER status_updates_audit_delete AFTER DELETE ON status_updates BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'status_updates', old.id, substr(old.status || ' ' || old.as_of, 1, 200));
END;
CREATE TRIGGER targets_audit_insert AFTER INSERT ON targets BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'targets', new.item_id, substr(new.target, 1, 200));
END;
CREATE TRIGGER targets_audit_update AFTER UPDATE ON targets BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'targets', new.item_id, substr(new.target, 1, 200));
END;
CREATE TRIGGER targets_audit_delete AFTER DELETE ON targets BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'targets', old.item_id, substr(old.target, 1, 200));
END;
CREATE TRIGGER observations_audit_insert AFTER INSERT ON observations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'observations', new.id, substr(new.value || ' on ' || new.observed_on, 1, 200));
END;
CREATE TRIGGER observations_audit_update AFTER UPDATE ON observations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'observations', new.id, substr(new.value || ' on ' || new.observed_on, 1, 200));
END;
CREATE TRIGGER observations_audit_delete AFTER DELETE ON observations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'observations', old.id, substr(old.value || ' on ' || old.observed_on, 1, 200));
END;
CREATE TRIGGER relations_audit_insert AFTER INSERT ON relations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('insert', 'relations', new.id, substr(new.kind, 1, 200));
END;
CREATE TRIGGER relations_audit_update AFTER UPDATE ON relations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('update', 'relations', new.id, substr(new.kind, 1, 200));
END;
CREATE TRIGGER relations_audit_delete AFTER DELETE ON relations BEGIN
    INSERT INTO audit_log (action, table_name, row_id, summary) VALUES ('delete', 'relations', old.id, substr(old.kind, 1, 200));
END;

-- Full-text search, laid out as sqlite-utils' enable_fts(create_triggers=True) lays it out (so
-- `sqlite-utils search` and Datasette find it), but the triggers index a normalised copy of the
-- text (app/core/textnorm.py: Arabic/Persian letter forms and Persian digits), one code point
-- for one, so snippets and offsets still line up with the stored text.
CREATE VIRTUAL TABLE "items_fts" USING FTS5 (
    "ref", "title", "description", "actor", "tags",
    content="items"
);
CREATE TRIGGER "items_ai" AFTER INSERT ON "items" BEGIN
  INSERT INTO "items_fts" (rowid, "ref", "title", "description", "actor", "tags") VALUES (new.rowid, CASE WHEN new."ref" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."ref", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."ref" END, CASE WHEN new."title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."title" END, CASE WHEN new."description" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."description", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."description" END, CASE WHEN new."actor" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."actor", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."actor" END, CASE WHEN new."tags" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."tags", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."tags" END);
END;
CREATE TRIGGER "items_ad" AFTER DELETE ON "items" BEGIN
  INSERT INTO "items_fts" ("items_fts", rowid, "ref", "title", "description", "actor", "tags") VALUES('delete', old.rowid, CASE WHEN old."ref" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."ref", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."ref" END, CASE WHEN old."title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."title" END, CASE WHEN old."description" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."description", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."description" END, CASE WHEN old."actor" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."actor", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."actor" END, CASE WHEN old."tags" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."tags", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."tags" END);
END;
CREATE TRIGGER "items_au" AFTER UPDATE ON "items" WHEN new."ref" IS NOT old."ref" OR new."title" IS NOT old."title" OR new."description" IS NOT old."description" OR new."actor" IS NOT old."actor" OR new."tags" IS NOT old."tags" BEGIN
  INSERT INTO "items_fts" ("items_fts", rowid, "ref", "title", "description", "actor", "tags") VALUES('delete', old.rowid, CASE WHEN old."ref" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."ref", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."ref" END, CASE WHEN old."title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."title" END, CASE WHEN old."description" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."description", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."description" END, CASE WHEN old."actor" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."actor", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."actor" END, CASE WHEN old."tags" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."tags", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."tags" END);
  INSERT INTO "items_fts" (rowid, "ref", "title", "description", "actor", "tags") VALUES (new.rowid, CASE WHEN new."ref" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."ref", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."ref" END, CASE WHEN new."title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."title" END, CASE WHEN new."description" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."description", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."description" END, CASE WHEN new."actor" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."actor", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."actor" END, CASE WHEN new."tags" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."tags", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."tags" END);
END;
CREATE VIRTUAL TABLE "status_updates_fts" USING FTS5 (
    "note", "author",
    content="status_updates"
);
CREATE TRIGGER "status_updates_ai" AFTER INSERT ON "status_updates" BEGIN
  INSERT INTO "status_updates_fts" (rowid, "note", "author") VALUES (new.rowid, CASE WHEN new."note" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."note", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."note" END, CASE WHEN new."author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."author" END);
END;
CREATE TRIGGER "status_updates_ad" AFTER DELETE ON "status_updates" BEGIN
  INSERT INTO "status_updates_fts" ("status_updates_fts", rowid, "note", "author") VALUES('delete', old.rowid, CASE WHEN old."note" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."note", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."note" END, CASE WHEN old."author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."author" END);
END;
CREATE TRIGGER "status_updates_au" AFTER UPDATE ON "status_updates" WHEN new."note" IS NOT old."note" OR new."author" IS NOT old."author" BEGIN
  INSERT INTO "status_updates_fts" ("status_updates_fts", rowid, "note", "author") VALUES('delete', old.rowid, CASE WHEN old."note" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."note", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."note" END, CASE WHEN old."author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."author" END);
  INSERT INTO "status_updates_fts" (rowid, "note", "author") VALUES (new.rowid, CASE WHEN new."note" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."note", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."note" END, CASE WHEN new."author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."author" END);
END;
CREATE VIRTUAL TABLE "sources_fts" USING FTS5 (
    "title", "publisher", "author", "text",
    content="sources"
);
CREATE TRIGGER "sources_ai" AFTER INSERT ON "sources" BEGIN
  INSERT INTO "sources_fts" (rowid, "title", "publisher", "author", "text") VALUES (new.rowid, CASE WHEN new."title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."title" END, CASE WHEN new."publisher" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."publisher", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."publisher" END, CASE WHEN new."author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."author" END, CASE WHEN new."text" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."text", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."text" END);
END;
CREATE TRIGGER "sources_ad" AFTER DELETE ON "sources" BEGIN
  INSERT INTO "sources_fts" ("sources_fts", rowid, "title", "publisher", "author", "text") VALUES('delete', old.rowid, CASE WHEN old."title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."title" END, CASE WHEN old."publisher" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."publisher", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."publisher" END, CASE WHEN old."author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."author" END, CASE WHEN old."text" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."text", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."text" END);
END;
CREATE TRIGGER "sources_au" AFTER UPDATE ON "sources" WHEN new."title" IS NOT old."title" OR new."publisher" IS NOT old."publisher" OR new."author" IS NOT old."author" OR new."text" IS NOT old."text" BEGIN
  INSERT INTO "sources_fts" ("sources_fts", rowid, "title", "publisher", "author", "text") VALUES('delete', old.rowid, CASE WHEN old."title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."title" END, CASE WHEN old."publisher" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."publisher", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."publisher" END, CASE WHEN old."author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."author" END, CASE WHEN old."text" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old."text", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE old."text" END);
  INSERT INTO "sources_fts" (rowid, "title", "publisher", "author", "text") VALUES (new.rowid, CASE WHEN new."title" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."title", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."title" END, CASE WHEN new."publisher" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."publisher", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."publisher" END, CASE WHEN new."author" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."author", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."author" END, CASE WHEN new."text" GLOB '*[؀-ۿ‌]*' THEN replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new."text", char(1610), 'ی'), char(1609), 'ی'), char(1603), 'ک'), char(1577), 'ه'), char(1776), '0'), char(1777), '1'), char(1778), '2'), char(1779), '3'), char(1780), '4'), char(1781), '5'), char(1782), '6'), char(1783), '7'), char(1784), '8'), char(1785), '9') ELSE new."text" END);
END;

-- Counts by framework and status for the navigator, kept fresh by triggers instead of scanning.
CREATE TABLE framework_status_counts (
    framework_id TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (framework_id, status)
) WITHOUT ROWID;
CREATE TRIGGER items_count_insert AFTER INSERT ON items BEGIN
    INSERT INTO framework_status_counts (framework_id, status, n) VALUES (new.framework_id, new.status, 1)
    ON CONFLICT (framework_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_count_delete AFTER DELETE ON items BEGIN
    UPDATE framework_status_counts SET n = n - 1 WHERE framework_id = old.framework_id AND status = old.status;
END;
CREATE TRIGGER items_count_update AFTER UPDATE OF framework_id, status ON items
WHEN new.framework_id IS NOT old.framework_id OR new.status IS NOT old.status BEGIN
    UPDATE framework_status_counts SET n = n - 1 WHERE framework_id = old.framework_id AND status = old.status;
    INSERT INTO framework_status_counts (framework_id, status, n) VALUES (new.framework_id, new.status, 1)
    ON CONFLICT (framework_id, status) DO UPDATE SET n = n + 1;
END;

-- Friendly views for Datasette and `sqlite-utils rows`.
CREATE VIEW item_overview AS
SELECT i.id, f.title AS framework, i.ref, i.kind, i.title, s.label AS status, i.actor, i.due_on,
       (SELECT max(u.as_of) FROM status_updates u WHERE u.item_id = i.id) AS last_update_on,
       (SELECT count(*) FROM citations c WHERE c.item_id = i.id) AS citations
FROM items i JOIN frameworks f ON f.id = i.framework_id JOIN statuses s ON s.key = i.status;

