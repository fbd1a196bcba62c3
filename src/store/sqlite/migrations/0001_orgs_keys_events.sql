-- Orgs, their API keys, the append-only events (keyed by (org_id << 40) | seq) and the
-- rollups Event Counts read.
CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    scope       TEXT NOT NULL,
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    secret_hash BLOB NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_keys_org ON api_keys (org_id);
CREATE TABLE events (
    pk           INTEGER PRIMARY KEY,  -- (org_id << 40) | seq
    org_id       INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    id           TEXT NOT NULL,
    occurred_at  INTEGER NOT NULL,     -- microseconds since the epoch
    recorded_at  INTEGER NOT NULL,
    action       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    actor_type   TEXT NOT NULL,
    actor_id     TEXT,
    via_type     TEXT,
    content_hash BLOB NOT NULL,
    hash         BLOB NOT NULL,
    body         TEXT NOT NULL          -- canonical JSON, hash included
);
CREATE UNIQUE INDEX events_org_id ON events (org_id, id);
-- entity_id rides along so that a filter on it is checked in the index, without reading rows
CREATE INDEX events_org_time ON events (org_id, occurred_at, entity_id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
-- Rollups: event counts per org, grain (0 hour, 1 day), bucket start (microseconds) and
-- dimension, written in the same transaction as the events they count.
CREATE TABLE rollup_action (
    org_id INTEGER NOT NULL, grain INTEGER NOT NULL, bucket INTEGER NOT NULL,
    action TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, action)
) WITHOUT ROWID;
CREATE TABLE rollup_actor (
    org_id INTEGER NOT NULL, grain INTEGER NOT NULL, bucket INTEGER NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, actor_type, actor_id, via_type)
) WITHOUT ROWID;
-- action x actor, per day only: one row per actor and day, its per-action counts packed
-- in `counts` as "action=n" lines. A row per (action, actor) would cost an upsert for
-- almost every event at ingest; this costs one per actor and day.
CREATE TABLE rollup_actor_actions (
    org_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    counts TEXT NOT NULL,
    PRIMARY KEY (org_id, bucket, actor_type, actor_id, via_type)
) WITHOUT ROWID;
-- the latest "Performed By" of each actor, for reports
CREATE TABLE actors (
    org_id INTEGER NOT NULL, actor_id TEXT NOT NULL, performed_by TEXT NOT NULL,
    PRIMARY KEY (org_id, actor_id)
) WITHOUT ROWID;
