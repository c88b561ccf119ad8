-- Full-text search over statuses: FTS5. The index is keyed by the rowid of status_search, a
-- mapping table with a stable INTEGER PRIMARY KEY (statuses' own rowid may change on VACUUM).
-- Local statuses are indexed by what their author typed, remote ones by their HTML.

CREATE TABLE status_search (
    rowid     INTEGER PRIMARY KEY,
    status_id TEXT NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE
);

CREATE VIRTUAL TABLE statuses_fts USING fts5 (body, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER statuses_search_insert AFTER INSERT ON statuses
WHEN new.deleted_at IS NULL AND new.reblog_of_id IS NULL
BEGIN
    INSERT INTO status_search (status_id) VALUES (new.id);
    INSERT INTO statuses_fts (rowid, body) VALUES (last_insert_rowid(),
        new.title || ' ' || new.spoiler_text || ' ' || CASE WHEN new.source <> '' THEN new.source ELSE new.content END);
END;

CREATE TRIGGER statuses_search_update AFTER UPDATE OF title, spoiler_text, content, source, deleted_at ON statuses
BEGIN
    DELETE FROM statuses_fts WHERE rowid = (SELECT rowid FROM status_search WHERE status_id = old.id);
    DELETE FROM status_search WHERE status_id = old.id;
    INSERT INTO status_search (status_id)
        SELECT new.id WHERE new.deleted_at IS NULL AND new.reblog_of_id IS NULL;
    INSERT INTO statuses_fts (rowid, body)
        SELECT last_insert_rowid(), new.title || ' ' || new.spoiler_text || ' ' ||
            CASE WHEN new.source <> '' THEN new.source ELSE new.content END
        WHERE new.deleted_at IS NULL AND new.reblog_of_id IS NULL;
END;

CREATE TRIGGER statuses_search_delete BEFORE DELETE ON statuses
BEGIN
    DELETE FROM statuses_fts WHERE rowid = (SELECT rowid FROM status_search WHERE status_id = old.id);
END;

INSERT INTO status_search (status_id)
    SELECT id FROM statuses WHERE deleted_at IS NULL AND reblog_of_id IS NULL ORDER BY id;
INSERT INTO statuses_fts (rowid, body)
    SELECT x.rowid, s.title || ' ' || s.spoiler_text || ' ' || CASE WHEN s.source <> '' THEN s.source ELSE s.content END
    FROM status_search x JOIN statuses s ON s.id = x.status_id;
