-- Retention: per-org settings, the state at the cut, and the guard that lets only the
-- purge delete events.
CREATE TABLE org_settings (
    org_id INTEGER PRIMARY KEY, retention_days INTEGER, legal_hold INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE purge_state (
    org_id INTEGER PRIMARY KEY, cut_seq INTEGER NOT NULL, prev_hash BLOB NOT NULL,
    peaks BLOB NOT NULL, purged_at INTEGER NOT NULL
);
CREATE TABLE purge_guard (org_id INTEGER PRIMARY KEY);
DROP TRIGGER events_no_delete;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    WHEN NOT EXISTS (SELECT 1 FROM purge_guard WHERE org_id = OLD.org_id)
    BEGIN SELECT RAISE(ABORT, 'events are append-only; only the retention purge deletes'); END;
