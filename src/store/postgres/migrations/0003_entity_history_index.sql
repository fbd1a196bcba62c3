-- One entity's history ("who changed this Rule?") without walking the org's whole time
-- index and reading every row of the org.
CREATE INDEX events_org_entity ON events (org_id, entity_id, occurred_at, seq);
