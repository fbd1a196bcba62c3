-- Row-level security by org, as defence in depth: a statement that forgot its org filter
-- sees nothing. Each transaction names its org in `auditlog.org` (`org_tx`). Superusers
-- bypass it: run the service as an ordinary role (docs/scaling.md).
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON events
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE org_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON org_heads
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE rollup_action ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_action FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON rollup_action
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE rollup_actor ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_actor FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON rollup_actor
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE rollup_actor_action ENABLE ROW LEVEL SECURITY;
ALTER TABLE rollup_actor_action FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON rollup_actor_action
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE actors ENABLE ROW LEVEL SECURITY;
ALTER TABLE actors FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON actors
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE merkle_nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE merkle_nodes FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON merkle_nodes
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON checkpoints
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE org_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON org_settings
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
ALTER TABLE purge_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE purge_state FORCE ROW LEVEL SECURITY;
CREATE POLICY org_scope ON purge_state
    USING (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT)
    WITH CHECK (org_id = NULLIF(current_setting('auditlog.org', true), '')::BIGINT);
