-- Orgs, their API keys, the append-only events, each org's head, and the rollups
-- Event Counts read.
CREATE TABLE orgs (
    id         BIGINT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    org_id      BIGINT NOT NULL,
    scope       TEXT NOT NULL,
    name        TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    secret_hash BYTEA NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX api_keys_org ON api_keys (org_id);
-- the org's chain head and Merkle right edge; its row lock serializes the org's appends
CREATE TABLE org_heads (
    org_id BIGINT PRIMARY KEY,
    seq    BIGINT NOT NULL,
    hash   BYTEA NOT NULL,
    peaks  BYTEA NOT NULL
);
CREATE TABLE events (
    org_id       BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    id           TEXT NOT NULL,
    occurred_at  BIGINT NOT NULL,     -- microseconds since the epoch
    recorded_at  BIGINT NOT NULL,
    action       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    actor_type   TEXT NOT NULL,
    actor_id     TEXT,
    via_type     TEXT,
    content_hash BYTEA NOT NULL,
    hash         BYTEA NOT NULL,
    body         TEXT NOT NULL,        -- canonical JSON, hash included
    PRIMARY KEY (org_id, seq)
);
CREATE UNIQUE INDEX events_org_id ON events (org_id, id);
CREATE INDEX events_org_time ON events (org_id, occurred_at, seq);
CREATE FUNCTION auditlog_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('auditlog.purge', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'events are append-only; only the retention purge deletes';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION auditlog_events_append_only();
CREATE TABLE rollup_action (
    org_id BIGINT NOT NULL, grain BIGINT NOT NULL, bucket BIGINT NOT NULL,
    action TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, action)
);
CREATE TABLE rollup_actor (
    org_id BIGINT NOT NULL, grain BIGINT NOT NULL, bucket BIGINT NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, grain, bucket, actor_type, actor_id, via_type)
);
-- action x actor, per day only
CREATE TABLE rollup_actor_action (
    org_id BIGINT NOT NULL, bucket BIGINT NOT NULL,
    actor_type TEXT NOT NULL, actor_id TEXT NOT NULL, via_type TEXT NOT NULL,
    action TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (org_id, bucket, actor_type, actor_id, via_type, action)
);
CREATE TABLE actors (
    org_id BIGINT NOT NULL, actor_id TEXT NOT NULL, performed_by TEXT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, actor_id)
);
CREATE TABLE merkle_nodes (
    org_id BIGINT NOT NULL, level BIGINT NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL,
    PRIMARY KEY (org_id, level, idx)
);
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key BYTEA NOT NULL,
    created_at BIGINT NOT NULL, retired_at BIGINT
);
CREATE TABLE checkpoints (
    org_id BIGINT NOT NULL, tree_size BIGINT NOT NULL, root BYTEA NOT NULL,
    time BIGINT NOT NULL, key_id TEXT NOT NULL, note TEXT NOT NULL,
    PRIMARY KEY (org_id, tree_size)
);
CREATE TABLE org_settings (
    org_id BIGINT PRIMARY KEY, retention_days BIGINT, legal_hold BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE purge_state (
    org_id BIGINT PRIMARY KEY, cut_seq BIGINT NOT NULL, prev_hash BYTEA NOT NULL,
    peaks BYTEA NOT NULL, purged_at BIGINT NOT NULL
);
