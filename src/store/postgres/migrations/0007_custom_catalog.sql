-- Platform-defined catalog entries (docs/catalog.md, "Platform-defined actions"): every
-- version of every entity type and action an operator (org_id 0: the whole instance) or an
-- org's admin defined, its definition as JSON text. Versions are never rewritten; a delete
-- removes an action (all its versions) that no event uses. Not under row-level security:
-- instance entries belong to no org, and every statement names the scopes it reads.
CREATE TABLE catalog_entries (
    org_id BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('entity_type', 'action')),
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, kind, name, version)
);
CREATE INDEX catalog_entries_by_name ON catalog_entries (kind, name);
-- One counter, bumped by every change to catalog_entries: what each node's catalog cache
-- compares (at most every 500 ms) to know whether what it holds is still current.
CREATE TABLE catalog_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1), generation BIGINT NOT NULL
);
INSERT INTO catalog_generation (id, generation) VALUES (1, 0);
