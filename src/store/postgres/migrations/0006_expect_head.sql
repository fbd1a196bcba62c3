-- A group sealed before the org's lock (against the head this node expects) commits only
-- if, once the lock is granted, the head is still that one; otherwise this raises
-- AL001, the transaction writes nothing and the group is decided again under the lock.
CREATE FUNCTION auditlog_expect_head(p_org BIGINT, p_seq BIGINT, p_hash BYTEA)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h RECORD;
BEGIN
    SELECT seq, hash INTO h FROM org_heads WHERE org_id = p_org FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'org % has no head row', p_org USING ERRCODE = 'AL001';
    END IF;
    IF h.seq <> p_seq OR h.hash <> p_hash THEN
        RAISE EXCEPTION 'the head of org % moved: seq % expected, % found', p_org, p_seq, h.seq
            USING ERRCODE = 'AL001';
    END IF;
END $$;
