-- Tamper evidence: the per-org Merkle tree (complete subtrees of 16 leaves and more;
-- smaller ones are recomputed from the events), signing keys, signed checkpoints.
CREATE TABLE merkle_nodes (
    org_id INTEGER NOT NULL, level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
    PRIMARY KEY (org_id, level, idx)
) WITHOUT ROWID;
CREATE TABLE signing_keys (
    key_id TEXT PRIMARY KEY, name TEXT NOT NULL, public_key BLOB NOT NULL,
    created_at INTEGER NOT NULL, retired_at INTEGER
);
ALTER TABLE actors ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE checkpoints (
    org_id INTEGER NOT NULL, tree_size INTEGER NOT NULL, root BLOB NOT NULL,
    time INTEGER NOT NULL, key_id TEXT NOT NULL, note TEXT NOT NULL,
    PRIMARY KEY (org_id, tree_size)
) WITHOUT ROWID;
