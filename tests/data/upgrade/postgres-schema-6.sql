--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: upgrade_fx; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA upgrade_fx;


--
-- Name: auditlog_events_append_only(); Type: FUNCTION; Schema: upgrade_fx; Owner: -
--

CREATE FUNCTION upgrade_fx.auditlog_events_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('auditlog.purge', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'events are append-only; only the retention purge deletes';
END $$;


--
-- Name: auditlog_expect_head(bigint, bigint, bytea); Type: FUNCTION; Schema: upgrade_fx; Owner: -
--

CREATE FUNCTION upgrade_fx.auditlog_expect_head(p_org bigint, p_seq bigint, p_hash bytea) RETURNS void
    LANGUAGE plpgsql
    AS $$
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


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: actors; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.actors (
    org_id bigint NOT NULL,
    actor_id text NOT NULL,
    performed_by text NOT NULL,
    seen_at bigint NOT NULL
);

ALTER TABLE ONLY upgrade_fx.actors FORCE ROW LEVEL SECURITY;


--
-- Name: api_keys; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.api_keys (
    id text NOT NULL,
    org_id bigint NOT NULL,
    scope text NOT NULL,
    name text NOT NULL,
    prefix text NOT NULL,
    secret_hash bytea NOT NULL,
    created_at bigint NOT NULL,
    revoked_at bigint
);


--
-- Name: auditlog_schema; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.auditlog_schema (
    version bigint NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: checkpoints; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.checkpoints (
    org_id bigint NOT NULL,
    tree_size bigint NOT NULL,
    root bytea NOT NULL,
    "time" bigint NOT NULL,
    key_id text NOT NULL,
    note text NOT NULL
);

ALTER TABLE ONLY upgrade_fx.checkpoints FORCE ROW LEVEL SECURITY;


--
-- Name: events; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.events (
    org_id bigint NOT NULL,
    seq bigint NOT NULL,
    id text NOT NULL,
    occurred_at bigint NOT NULL,
    recorded_at bigint NOT NULL,
    action text NOT NULL,
    entity_id text NOT NULL,
    actor_type text NOT NULL,
    actor_id text,
    via_type text,
    content_hash bytea NOT NULL,
    hash bytea NOT NULL,
    body text NOT NULL
);

ALTER TABLE ONLY upgrade_fx.events FORCE ROW LEVEL SECURITY;


--
-- Name: merkle_nodes; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.merkle_nodes (
    org_id bigint NOT NULL,
    level bigint NOT NULL,
    idx bigint NOT NULL,
    hash bytea NOT NULL
);

ALTER TABLE ONLY upgrade_fx.merkle_nodes FORCE ROW LEVEL SECURITY;


--
-- Name: org_heads; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.org_heads (
    org_id bigint NOT NULL,
    seq bigint NOT NULL,
    hash bytea NOT NULL,
    peaks bytea NOT NULL
);

ALTER TABLE ONLY upgrade_fx.org_heads FORCE ROW LEVEL SECURITY;


--
-- Name: org_settings; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.org_settings (
    org_id bigint NOT NULL,
    retention_days bigint,
    legal_hold boolean DEFAULT false NOT NULL
);

ALTER TABLE ONLY upgrade_fx.org_settings FORCE ROW LEVEL SECURITY;


--
-- Name: orgs; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.orgs (
    id bigint NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: purge_state; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.purge_state (
    org_id bigint NOT NULL,
    cut_seq bigint NOT NULL,
    prev_hash bytea NOT NULL,
    peaks bytea NOT NULL,
    purged_at bigint NOT NULL
);

ALTER TABLE ONLY upgrade_fx.purge_state FORCE ROW LEVEL SECURITY;


--
-- Name: rollup_action; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.rollup_action (
    org_id bigint NOT NULL,
    grain bigint NOT NULL,
    bucket bigint NOT NULL,
    action text NOT NULL,
    n bigint NOT NULL
)
WITH (autovacuum_vacuum_scale_factor='0.01', autovacuum_vacuum_insert_scale_factor='0.01');

ALTER TABLE ONLY upgrade_fx.rollup_action FORCE ROW LEVEL SECURITY;


--
-- Name: rollup_actor; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.rollup_actor (
    org_id bigint NOT NULL,
    grain bigint NOT NULL,
    bucket bigint NOT NULL,
    actor_type text NOT NULL,
    actor_id text NOT NULL,
    via_type text NOT NULL,
    n bigint NOT NULL
)
WITH (autovacuum_vacuum_scale_factor='0.01', autovacuum_vacuum_insert_scale_factor='0.01');

ALTER TABLE ONLY upgrade_fx.rollup_actor FORCE ROW LEVEL SECURITY;


--
-- Name: rollup_actor_actions; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.rollup_actor_actions (
    org_id bigint NOT NULL,
    bucket bigint NOT NULL,
    actor_type text NOT NULL,
    actor_id text NOT NULL,
    via_type text NOT NULL,
    counts text NOT NULL
)
WITH (autovacuum_vacuum_scale_factor='0.01', autovacuum_vacuum_insert_scale_factor='0.01');

ALTER TABLE ONLY upgrade_fx.rollup_actor_actions FORCE ROW LEVEL SECURITY;


--
-- Name: signing_keys; Type: TABLE; Schema: upgrade_fx; Owner: -
--

CREATE TABLE upgrade_fx.signing_keys (
    key_id text NOT NULL,
    name text NOT NULL,
    public_key bytea NOT NULL,
    created_at bigint NOT NULL,
    retired_at bigint
);


--
-- Data for Name: actors; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.actors VALUES (1092610133907, 'u_0', 'Agent 0', 1795850100000000);
INSERT INTO upgrade_fx.actors VALUES (1092610133907, 'u_4', 'Agent 4', 1795310100000000);
INSERT INTO upgrade_fx.actors VALUES (1092610133907, 'u_2', 'Agent 2', 1795580100000000);
INSERT INTO upgrade_fx.actors VALUES (1092610133907, 'u_1', 'Agent 1', 1795745700000000);
INSERT INTO upgrade_fx.actors VALUES (1092610133907, 'u_3', 'Agent 3', 1795670100000000);


--
-- Data for Name: api_keys; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.api_keys VALUES ('key_01M94EZ26N5VFD629RD61A8T25', 1092610133907, 'admin', 'first admin key', 'alk_01d293cd', '\x5d11576520afbfff760c08a5b051b5e6dce7a3544c827fe2ce02042d175e7f25', 1796519987413355, NULL);


--
-- Data for Name: auditlog_schema; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.auditlog_schema VALUES (1, 1796519987357437);
INSERT INTO upgrade_fx.auditlog_schema VALUES (2, 1796519987360812);
INSERT INTO upgrade_fx.auditlog_schema VALUES (3, 1796519987363503);
INSERT INTO upgrade_fx.auditlog_schema VALUES (4, 1796519987375402);
INSERT INTO upgrade_fx.auditlog_schema VALUES (5, 1796519987386333);
INSERT INTO upgrade_fx.auditlog_schema VALUES (6, 1796519987386913);


--
-- Data for Name: checkpoints; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.checkpoints VALUES (1092610133907, 60, '\xbced6630c20bdeb37277113ed54d0cc609c9e22f4a1217c2a48aa7d0bbe540ab', 1796519988089100, '215e8f20', 'auditlog/acme
60
vO1mMMIL3rNydxE+1U0MxgnJ4i9KEhfCpIqn0LvlQKs=
time 2026-12-06T01:19:48.089100Z

— auditlog IV6PIDxutJ6irrB1bd3r856RWYk2n2ehHzjEf7NeiFsTqS5y/iW1l9SCP0h0q6RdnYgBSYb3+yKduIWWZ8rkvrLP5w4=
');


--
-- Data for Name: events; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.events VALUES (1092610133907, 1, 'evt_000', 1793492100000000, 1796519987980436, 'rule.updated', 'rule_0', 'system', NULL, 'rule', '\xef21601912d6163c0d329c12bbfce81443b6c6a7e99e84ff2d73d896a47c46f3', '\x966b8573f47747d6979f55db52d0d00634505f210dd3cbed0d54926a54148f52', '{"action":"rule.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[{"field":"name","new":"new 0","old":"old 0"}],"context":{},"entity":{"id":"rule_0","name":"Rule 0","type":"rule"},"hash":"966b8573f47747d6979f55db52d0d00634505f210dd3cbed0d54926a54148f52","id":"evt_000","metadata":{"n":0,"note":"ünïcödé ✓"},"occurred_at":"2026-11-01T00:15:00.000000Z","org":"acme","prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_0","type":"ticket"}],"seq":1,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 2, 'evt_001', 1793582100000000, 1796519987980436, 'inbox.updated', 'inbox_1', 'user', 'u_1', NULL, '\xea569e58c6c12dd27268aa089eca9ba7218f44855fd39a23cb0577391534c231', '\xabac1f338a12667ea48bc56d5968b7741de9b791a7929efbdb28c1d093e39fee', '{"action":"inbox.updated","actor":{"email":"agent1@acme.test","id":"u_1","name":"Agent 1","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_1","name":"Inbox 1","type":"inbox"},"hash":"abac1f338a12667ea48bc56d5968b7741de9b791a7929efbdb28c1d093e39fee","id":"evt_001","metadata":{"n":1,"note":"ünïcödé ✓"},"occurred_at":"2026-11-02T01:15:00.000000Z","org":"acme","prev_hash":"966b8573f47747d6979f55db52d0d00634505f210dd3cbed0d54926a54148f52","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":2}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 3, 'evt_002', 1793672100000000, 1796519987980436, 'ticket.created', 'ticket_2', 'user', 'u_2', NULL, '\x43351eadb14cdc0d8f2d3c5ce18bfc77f83756ae09f2ac9afd266d7d6c81b271', '\xaac16164ae703d336940d959a9c11049947312a97643261847e911c7e01f60b8', '{"action":"ticket.created","actor":{"email":"agent2@acme.test","id":"u_2","name":"Agent 2","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_2","name":"Ticket 2","type":"ticket"},"hash":"aac16164ae703d336940d959a9c11049947312a97643261847e911c7e01f60b8","id":"evt_002","metadata":{"n":2,"note":"ünïcödé ✓"},"occurred_at":"2026-11-03T02:15:00.000000Z","org":"acme","prev_hash":"abac1f338a12667ea48bc56d5968b7741de9b791a7929efbdb28c1d093e39fee","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":3}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 4, 'evt_003', 1793762100000000, 1796519987980436, 'user.updated', 'user_3', 'system', NULL, NULL, '\x52624852f85e6576346dd9bb20f717ee9dbdbc97f662d2b7eae242d8d1db3c31', '\x9cda706a087ed9d3e12130a25bba264fe1d74f118548b2f63a7e882e412c05ea', '{"action":"user.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_3","name":"User 3","type":"user"},"hash":"9cda706a087ed9d3e12130a25bba264fe1d74f118548b2f63a7e882e412c05ea","id":"evt_003","metadata":{"n":3,"note":"ünïcödé ✓"},"occurred_at":"2026-11-04T03:15:00.000000Z","org":"acme","prev_hash":"aac16164ae703d336940d959a9c11049947312a97643261847e911c7e01f60b8","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":4}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 5, 'evt_004', 1793852100000000, 1796519987980436, 'rule.updated', 'rule_4', 'user', 'u_4', NULL, '\x9af1c52a8d7c8d350621f757929925e3525751f07dbe78d2639077474ce3cbb9', '\x748535d36b09e632f52c1314bbce6ec9773dbb383892f307fb6613975ce46420', '{"action":"rule.updated","actor":{"email":"agent4@acme.test","id":"u_4","name":"Agent 4","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 4","old":"old 4"}],"context":{},"entity":{"id":"rule_4","name":"Rule 4","type":"rule"},"hash":"748535d36b09e632f52c1314bbce6ec9773dbb383892f307fb6613975ce46420","id":"evt_004","metadata":{"n":4,"note":"ünïcödé ✓"},"occurred_at":"2026-11-05T04:15:00.000000Z","org":"acme","prev_hash":"9cda706a087ed9d3e12130a25bba264fe1d74f118548b2f63a7e882e412c05ea","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":5}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 6, 'evt_005', 1793942100000000, 1796519987980436, 'inbox.updated', 'inbox_5', 'user', 'u_0', NULL, '\xa0e8ef9b8d55d9d587811285515602ce0dc34c37f5d57eb8723e068af38f4d33', '\x806db0f6f4160f1043688f7fbcf58ca72b3b75ca8494e1d6f18d305c8c4e5c03', '{"action":"inbox.updated","actor":{"email":"agent0@acme.test","id":"u_0","name":"Agent 0","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_5","name":"Inbox 5","type":"inbox"},"hash":"806db0f6f4160f1043688f7fbcf58ca72b3b75ca8494e1d6f18d305c8c4e5c03","id":"evt_005","metadata":{"n":5,"note":"ünïcödé ✓"},"occurred_at":"2026-11-06T05:15:00.000000Z","org":"acme","prev_hash":"748535d36b09e632f52c1314bbce6ec9773dbb383892f307fb6613975ce46420","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_5","type":"ticket"}],"seq":6}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 7, 'evt_006', 1794032100000000, 1796519987980436, 'ticket.created', 'ticket_6', 'system', NULL, 'rule', '\x82548c9b9c672b396ddc839a27f30e3e943195762ca4645e47a9583d0dd6a06c', '\x443640645b84faaace0906cb596d330667761318a43d34bf4bd11e986b2bc34b', '{"action":"ticket.created","actor":{"name":"Rules engine","type":"system"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_6","name":"Ticket 6","type":"ticket"},"hash":"443640645b84faaace0906cb596d330667761318a43d34bf4bd11e986b2bc34b","id":"evt_006","metadata":{"n":6,"note":"ünïcödé ✓"},"occurred_at":"2026-11-07T06:15:00.000000Z","org":"acme","prev_hash":"806db0f6f4160f1043688f7fbcf58ca72b3b75ca8494e1d6f18d305c8c4e5c03","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":7,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 8, 'evt_007', 1794122100000000, 1796519987980436, 'user.updated', 'user_0', 'user', 'u_2', NULL, '\xe8cde4ba3fdff46e4752201cd7e28e503798755bc7fb2d775f9b2d86dede54e5', '\x173f460e5496638e0801fcbdaaf8eddf9baf90070b8e3f6454651a7e262fbf48', '{"action":"user.updated","actor":{"email":"agent2@acme.test","id":"u_2","name":"Agent 2","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_0","name":"User 0","type":"user"},"hash":"173f460e5496638e0801fcbdaaf8eddf9baf90070b8e3f6454651a7e262fbf48","id":"evt_007","metadata":{"n":7,"note":"ünïcödé ✓"},"occurred_at":"2026-11-08T07:15:00.000000Z","org":"acme","prev_hash":"443640645b84faaace0906cb596d330667761318a43d34bf4bd11e986b2bc34b","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":8}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 9, 'evt_008', 1794212100000000, 1796519987980436, 'rule.updated', 'rule_1', 'user', 'u_3', NULL, '\x09d8b9124dc188bf97b36baa1fcd1260eb665ed47eb0ffe7e7d6dffbb21281d7', '\x0aef9b388878c8029bfe703f646658178bd2fe50868914a0eb7a1df6624d0aec', '{"action":"rule.updated","actor":{"email":"agent3@acme.test","id":"u_3","name":"Agent 3","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 8","old":"old 8"}],"context":{},"entity":{"id":"rule_1","name":"Rule 1","type":"rule"},"hash":"0aef9b388878c8029bfe703f646658178bd2fe50868914a0eb7a1df6624d0aec","id":"evt_008","metadata":{"n":8,"note":"ünïcödé ✓"},"occurred_at":"2026-11-09T08:15:00.000000Z","org":"acme","prev_hash":"173f460e5496638e0801fcbdaaf8eddf9baf90070b8e3f6454651a7e262fbf48","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":9}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 10, 'evt_009', 1794302100000000, 1796519987980436, 'inbox.updated', 'inbox_2', 'system', NULL, NULL, '\xba3b97ca9d4ac0f0ee8717f13682df00a9f23dd9498989a4cb52449a89279d06', '\xc37f9dffc1d08f6e429ae1cfab81fc724dab7b63a3cd4053d4dc7b4c5a08538a', '{"action":"inbox.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_2","name":"Inbox 2","type":"inbox"},"hash":"c37f9dffc1d08f6e429ae1cfab81fc724dab7b63a3cd4053d4dc7b4c5a08538a","id":"evt_009","metadata":{"n":9,"note":"ünïcödé ✓"},"occurred_at":"2026-11-10T09:15:00.000000Z","org":"acme","prev_hash":"0aef9b388878c8029bfe703f646658178bd2fe50868914a0eb7a1df6624d0aec","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":10}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 11, 'evt_010', 1794392100000000, 1796519987980436, 'ticket.created', 'ticket_3', 'user', 'u_0', NULL, '\xc6f2d5adc59b850820ce0071f462bbf06b20d17e1d526865b01fb5ad3683ce60', '\xf47c8c48e6b335ffad48fab277a81c3583e709806e29b1e27ddffb96fe99d64b', '{"action":"ticket.created","actor":{"email":"agent0@acme.test","id":"u_0","name":"Agent 0","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_3","name":"Ticket 3","type":"ticket"},"hash":"f47c8c48e6b335ffad48fab277a81c3583e709806e29b1e27ddffb96fe99d64b","id":"evt_010","metadata":{"n":10,"note":"ünïcödé ✓"},"occurred_at":"2026-11-11T10:15:00.000000Z","org":"acme","prev_hash":"c37f9dffc1d08f6e429ae1cfab81fc724dab7b63a3cd4053d4dc7b4c5a08538a","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_10","type":"ticket"}],"seq":11}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 12, 'evt_011', 1794482100000000, 1796519987980436, 'user.updated', 'user_4', 'user', 'u_1', NULL, '\x21e67e2f00eb75232c0e30a5167b5e820256f6f5300954535ba9553cb36771fb', '\xca2f1d01bb528e5aa008e873f3740df0a0c3ccd889adfd5c52f8ae4fd7705548', '{"action":"user.updated","actor":{"email":"agent1@acme.test","id":"u_1","name":"Agent 1","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_4","name":"User 4","type":"user"},"hash":"ca2f1d01bb528e5aa008e873f3740df0a0c3ccd889adfd5c52f8ae4fd7705548","id":"evt_011","metadata":{"n":11,"note":"ünïcödé ✓"},"occurred_at":"2026-11-12T11:15:00.000000Z","org":"acme","prev_hash":"f47c8c48e6b335ffad48fab277a81c3583e709806e29b1e27ddffb96fe99d64b","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":12}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 13, 'evt_012', 1794572100000000, 1796519987980436, 'rule.updated', 'rule_5', 'system', NULL, 'rule', '\x151ee3d67ce8d8c0d3297bd6b5abb4853553a8e0e4041a4b475959988fb3ae0e', '\xf524d831d830a40d9d3e1d158b53ef39a29bdffd73727ff74da58f3d59e2ed67', '{"action":"rule.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[{"field":"name","new":"new 12","old":"old 12"}],"context":{},"entity":{"id":"rule_5","name":"Rule 5","type":"rule"},"hash":"f524d831d830a40d9d3e1d158b53ef39a29bdffd73727ff74da58f3d59e2ed67","id":"evt_012","metadata":{"n":12,"note":"ünïcödé ✓"},"occurred_at":"2026-11-13T12:15:00.000000Z","org":"acme","prev_hash":"ca2f1d01bb528e5aa008e873f3740df0a0c3ccd889adfd5c52f8ae4fd7705548","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":13,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 14, 'evt_013', 1794662100000000, 1796519987980436, 'inbox.updated', 'inbox_6', 'user', 'u_3', NULL, '\x822d729e64033142e7f3cf716cdff2e0d5a509a06175bc863f0bec9b9c27f01e', '\xb596ee43ad977e18c844b8cbcd62eb75be0428655cfabbde019ea349c1f2c731', '{"action":"inbox.updated","actor":{"email":"agent3@acme.test","id":"u_3","name":"Agent 3","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_6","name":"Inbox 6","type":"inbox"},"hash":"b596ee43ad977e18c844b8cbcd62eb75be0428655cfabbde019ea349c1f2c731","id":"evt_013","metadata":{"n":13,"note":"ünïcödé ✓"},"occurred_at":"2026-11-14T13:15:00.000000Z","org":"acme","prev_hash":"f524d831d830a40d9d3e1d158b53ef39a29bdffd73727ff74da58f3d59e2ed67","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":14}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 15, 'evt_014', 1794752100000000, 1796519987980436, 'ticket.created', 'ticket_0', 'user', 'u_4', NULL, '\x5ac300330599d5504ff118c70ff4c94c10ac070b249cbf6f4e55f0b0454eae00', '\x3b8cd390f0f200a9fe350ec077421cce7ebd82faaaca83fdcf4c6bad3a745e81', '{"action":"ticket.created","actor":{"email":"agent4@acme.test","id":"u_4","name":"Agent 4","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_0","name":"Ticket 0","type":"ticket"},"hash":"3b8cd390f0f200a9fe350ec077421cce7ebd82faaaca83fdcf4c6bad3a745e81","id":"evt_014","metadata":{"n":14,"note":"ünïcödé ✓"},"occurred_at":"2026-11-15T14:15:00.000000Z","org":"acme","prev_hash":"b596ee43ad977e18c844b8cbcd62eb75be0428655cfabbde019ea349c1f2c731","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":15}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 16, 'evt_015', 1794842100000000, 1796519987980436, 'user.updated', 'user_1', 'system', NULL, NULL, '\x1a03f0a5d77c19e015c8eecafa65c153af71bfd0c6641a06af990d9639554fb4', '\x10d4a0f8e8e09d65a734bd900ac988ed12ad2e488ea21af4314c029ec7831397', '{"action":"user.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_1","name":"User 1","type":"user"},"hash":"10d4a0f8e8e09d65a734bd900ac988ed12ad2e488ea21af4314c029ec7831397","id":"evt_015","metadata":{"n":15,"note":"ünïcödé ✓"},"occurred_at":"2026-11-16T15:15:00.000000Z","org":"acme","prev_hash":"3b8cd390f0f200a9fe350ec077421cce7ebd82faaaca83fdcf4c6bad3a745e81","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_15","type":"ticket"}],"seq":16}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 17, 'evt_016', 1794932100000000, 1796519987980436, 'rule.updated', 'rule_2', 'user', 'u_1', NULL, '\xc09abae6049e578acd6363489a154554acf89f0192b99411f8258a445ba78216', '\xfe7a26168b15e6a5b9a6d025c04a1abd79740ea8e732fccae3e047f66c5f17bb', '{"action":"rule.updated","actor":{"email":"agent1@acme.test","id":"u_1","name":"Agent 1","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 16","old":"old 16"}],"context":{},"entity":{"id":"rule_2","name":"Rule 2","type":"rule"},"hash":"fe7a26168b15e6a5b9a6d025c04a1abd79740ea8e732fccae3e047f66c5f17bb","id":"evt_016","metadata":{"n":16,"note":"ünïcödé ✓"},"occurred_at":"2026-11-17T16:15:00.000000Z","org":"acme","prev_hash":"10d4a0f8e8e09d65a734bd900ac988ed12ad2e488ea21af4314c029ec7831397","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":17}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 18, 'evt_017', 1795022100000000, 1796519987980436, 'inbox.updated', 'inbox_3', 'user', 'u_2', NULL, '\xdfd9e53b06037597cb4344fb45ca9898f3db89b5bcf84692e21f6d26274b6a87', '\xd1b7a3e1d37a07fe70aaaee9a375589176286bb539c5bf8b6e8c5960ce1c7348', '{"action":"inbox.updated","actor":{"email":"agent2@acme.test","id":"u_2","name":"Agent 2","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_3","name":"Inbox 3","type":"inbox"},"hash":"d1b7a3e1d37a07fe70aaaee9a375589176286bb539c5bf8b6e8c5960ce1c7348","id":"evt_017","metadata":{"n":17,"note":"ünïcödé ✓"},"occurred_at":"2026-11-18T17:15:00.000000Z","org":"acme","prev_hash":"fe7a26168b15e6a5b9a6d025c04a1abd79740ea8e732fccae3e047f66c5f17bb","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":18}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 19, 'evt_018', 1795112100000000, 1796519987980436, 'ticket.created', 'ticket_4', 'system', NULL, 'rule', '\xb22b89370e323b6b8ceb4ef14e9f89f8d96bdb5dd61c5892faa3b40da6d9f392', '\x495cf0da5d599fb3839c60bf196e6d695e8c0693b4e00d89ae0adf05d26f709d', '{"action":"ticket.created","actor":{"name":"Rules engine","type":"system"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_4","name":"Ticket 4","type":"ticket"},"hash":"495cf0da5d599fb3839c60bf196e6d695e8c0693b4e00d89ae0adf05d26f709d","id":"evt_018","metadata":{"n":18,"note":"ünïcödé ✓"},"occurred_at":"2026-11-19T18:15:00.000000Z","org":"acme","prev_hash":"d1b7a3e1d37a07fe70aaaee9a375589176286bb539c5bf8b6e8c5960ce1c7348","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":19,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 20, 'evt_019', 1795202100000000, 1796519987980436, 'user.updated', 'user_5', 'user', 'u_4', NULL, '\x727d34125091051465f19f27a97cceec7dce75d0849c7d6a70176372127608e0', '\x999397f2a360bdca388511675369d8d11209950cd725a9fa6ae9bee0b09fb93c', '{"action":"user.updated","actor":{"email":"agent4@acme.test","id":"u_4","name":"Agent 4","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_5","name":"User 5","type":"user"},"hash":"999397f2a360bdca388511675369d8d11209950cd725a9fa6ae9bee0b09fb93c","id":"evt_019","metadata":{"n":19,"note":"ünïcödé ✓"},"occurred_at":"2026-11-20T19:15:00.000000Z","org":"acme","prev_hash":"495cf0da5d599fb3839c60bf196e6d695e8c0693b4e00d89ae0adf05d26f709d","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":20}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 21, 'evt_020', 1795292100000000, 1796519987980436, 'rule.updated', 'rule_6', 'user', 'u_0', NULL, '\x11250d25e94ebc1528f8e0852622f69d337d0f1852e6b943c97e7d68a1fe1b19', '\x18328b3117ecc19eb4cade52cf913630b8885060b1e6c75e10518eb52a461344', '{"action":"rule.updated","actor":{"email":"agent0@acme.test","id":"u_0","name":"Agent 0","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 20","old":"old 20"}],"context":{},"entity":{"id":"rule_6","name":"Rule 6","type":"rule"},"hash":"18328b3117ecc19eb4cade52cf913630b8885060b1e6c75e10518eb52a461344","id":"evt_020","metadata":{"n":20,"note":"ünïcödé ✓"},"occurred_at":"2026-11-21T20:15:00.000000Z","org":"acme","prev_hash":"999397f2a360bdca388511675369d8d11209950cd725a9fa6ae9bee0b09fb93c","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_20","type":"ticket"}],"seq":21}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 22, 'evt_021', 1795382100000000, 1796519987980436, 'inbox.updated', 'inbox_0', 'system', NULL, NULL, '\xf6ad6e63d7fcf1b9a4e94f63f251a5353e9a84321e8c9bbcf4a8321e911e6b31', '\x65801614c2c7f281561dc742c441ca53fda9f724732de5de658d4155cddc2795', '{"action":"inbox.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_0","name":"Inbox 0","type":"inbox"},"hash":"65801614c2c7f281561dc742c441ca53fda9f724732de5de658d4155cddc2795","id":"evt_021","metadata":{"n":21,"note":"ünïcödé ✓"},"occurred_at":"2026-11-22T21:15:00.000000Z","org":"acme","prev_hash":"18328b3117ecc19eb4cade52cf913630b8885060b1e6c75e10518eb52a461344","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":22}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 23, 'evt_022', 1795472100000000, 1796519987980436, 'ticket.created', 'ticket_1', 'user', 'u_2', NULL, '\x01bac72303be17980ef1b8601a6d6a17ed6120013ae8933b50790fa9eabdc6ad', '\x4e8d4361234a9a7d0711e62c94af3bfd9c8861ff3bf2cd23c648b9e33154afa3', '{"action":"ticket.created","actor":{"email":"agent2@acme.test","id":"u_2","name":"Agent 2","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_1","name":"Ticket 1","type":"ticket"},"hash":"4e8d4361234a9a7d0711e62c94af3bfd9c8861ff3bf2cd23c648b9e33154afa3","id":"evt_022","metadata":{"n":22,"note":"ünïcödé ✓"},"occurred_at":"2026-11-23T22:15:00.000000Z","org":"acme","prev_hash":"65801614c2c7f281561dc742c441ca53fda9f724732de5de658d4155cddc2795","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":23}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 24, 'evt_023', 1795562100000000, 1796519987980436, 'user.updated', 'user_2', 'user', 'u_3', NULL, '\xfd165c971e131fbdf93440c549a313700200f24dc1de41218c4d105ee8571104', '\xf4c23396fb5a0cfdbe9ae3e25a4b59dac84be40771871419113908d4af2000ee', '{"action":"user.updated","actor":{"email":"agent3@acme.test","id":"u_3","name":"Agent 3","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_2","name":"User 2","type":"user"},"hash":"f4c23396fb5a0cfdbe9ae3e25a4b59dac84be40771871419113908d4af2000ee","id":"evt_023","metadata":{"n":23,"note":"ünïcödé ✓"},"occurred_at":"2026-11-24T23:15:00.000000Z","org":"acme","prev_hash":"4e8d4361234a9a7d0711e62c94af3bfd9c8861ff3bf2cd23c648b9e33154afa3","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":24}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 25, 'evt_024', 1795565700000000, 1796519987980436, 'rule.updated', 'rule_3', 'system', NULL, 'rule', '\x123df3992a250c77f4b5ac55b4f971dec6323a0159ddef29730bb66fdaf65fe0', '\x4a6ab8c1e24adcabda509b1f4a1fdb13d2fde0527815d6165f24846cbad09454', '{"action":"rule.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[{"field":"name","new":"new 24","old":"old 24"}],"context":{},"entity":{"id":"rule_3","name":"Rule 3","type":"rule"},"hash":"4a6ab8c1e24adcabda509b1f4a1fdb13d2fde0527815d6165f24846cbad09454","id":"evt_024","metadata":{"n":24,"note":"ünïcödé ✓"},"occurred_at":"2026-11-25T00:15:00.000000Z","org":"acme","prev_hash":"f4c23396fb5a0cfdbe9ae3e25a4b59dac84be40771871419113908d4af2000ee","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":25,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 26, 'evt_025', 1795655700000000, 1796519987980436, 'inbox.updated', 'inbox_4', 'user', 'u_0', NULL, '\x43dea19f54a4e8036e768240bcaba10aaac48e7216fd728f5d47ce49b5ad1d52', '\xf32b84c0853a169d51f6d37dd6a2e7332a8a0eb4a99f06ea287ea71842812617', '{"action":"inbox.updated","actor":{"email":"agent0@acme.test","id":"u_0","name":"Agent 0","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_4","name":"Inbox 4","type":"inbox"},"hash":"f32b84c0853a169d51f6d37dd6a2e7332a8a0eb4a99f06ea287ea71842812617","id":"evt_025","metadata":{"n":25,"note":"ünïcödé ✓"},"occurred_at":"2026-11-26T01:15:00.000000Z","org":"acme","prev_hash":"4a6ab8c1e24adcabda509b1f4a1fdb13d2fde0527815d6165f24846cbad09454","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_25","type":"ticket"}],"seq":26}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 27, 'evt_026', 1795745700000000, 1796519987980436, 'ticket.created', 'ticket_5', 'user', 'u_1', NULL, '\x08bd25eb663512385ef13010dd7f418035be6c7d987ce8033d95dd244cf055ed', '\x60af753e8c0820b5264c133e5df403788724b4291104d29c705bf290efec7076', '{"action":"ticket.created","actor":{"email":"agent1@acme.test","id":"u_1","name":"Agent 1","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_5","name":"Ticket 5","type":"ticket"},"hash":"60af753e8c0820b5264c133e5df403788724b4291104d29c705bf290efec7076","id":"evt_026","metadata":{"n":26,"note":"ünïcödé ✓"},"occurred_at":"2026-11-27T02:15:00.000000Z","org":"acme","prev_hash":"f32b84c0853a169d51f6d37dd6a2e7332a8a0eb4a99f06ea287ea71842812617","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":27}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 28, 'evt_027', 1795835700000000, 1796519987980436, 'user.updated', 'user_6', 'system', NULL, NULL, '\x0524ec24f72f904fd62e1087282bc4f0575e1f0cab52d88a69b79a90b9be68b9', '\x4a8156fb9136adfbb1570a94cd7663454ec48b0df36d87e830359c97574cc93b', '{"action":"user.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_6","name":"User 6","type":"user"},"hash":"4a8156fb9136adfbb1570a94cd7663454ec48b0df36d87e830359c97574cc93b","id":"evt_027","metadata":{"n":27,"note":"ünïcödé ✓"},"occurred_at":"2026-11-28T03:15:00.000000Z","org":"acme","prev_hash":"60af753e8c0820b5264c133e5df403788724b4291104d29c705bf290efec7076","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":28}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 29, 'evt_028', 1793506500000000, 1796519987980436, 'rule.updated', 'rule_0', 'user', 'u_3', NULL, '\xd3557d5514c7ade1fc9c045607f62087d9821eae50fbd2536db543f3d1396999', '\xdb4440113b6f27e198c7fddaefa43a1ef79874978ad937b90bc1d09f5c272608', '{"action":"rule.updated","actor":{"email":"agent3@acme.test","id":"u_3","name":"Agent 3","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 28","old":"old 28"}],"context":{},"entity":{"id":"rule_0","name":"Rule 0","type":"rule"},"hash":"db4440113b6f27e198c7fddaefa43a1ef79874978ad937b90bc1d09f5c272608","id":"evt_028","metadata":{"n":28,"note":"ünïcödé ✓"},"occurred_at":"2026-11-01T04:15:00.000000Z","org":"acme","prev_hash":"4a8156fb9136adfbb1570a94cd7663454ec48b0df36d87e830359c97574cc93b","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":29}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 30, 'evt_029', 1793596500000000, 1796519987980436, 'inbox.updated', 'inbox_1', 'user', 'u_4', NULL, '\x4902832a86ca7b04cbc28396bfbe10f1ab5532b0d72f64c95c8ff42e2ed19b38', '\xef06608474132bdaff0b693f40e5827271c4f46bcb8d8bf2cadb4ca8ab137c79', '{"action":"inbox.updated","actor":{"email":"agent4@acme.test","id":"u_4","name":"Agent 4","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_1","name":"Inbox 1","type":"inbox"},"hash":"ef06608474132bdaff0b693f40e5827271c4f46bcb8d8bf2cadb4ca8ab137c79","id":"evt_029","metadata":{"n":29,"note":"ünïcödé ✓"},"occurred_at":"2026-11-02T05:15:00.000000Z","org":"acme","prev_hash":"db4440113b6f27e198c7fddaefa43a1ef79874978ad937b90bc1d09f5c272608","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":30}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 31, 'evt_030', 1793686500000000, 1796519987980436, 'ticket.created', 'ticket_2', 'system', NULL, 'rule', '\x5b80f018d41fc427870b98d66c92bbeb35f8797c1d2e236538e7eae18a644fdf', '\x6ef61fb941d1039935f3f5f8278992c7e17704c437134b369795b3eb8ccad64d', '{"action":"ticket.created","actor":{"name":"Rules engine","type":"system"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_2","name":"Ticket 2","type":"ticket"},"hash":"6ef61fb941d1039935f3f5f8278992c7e17704c437134b369795b3eb8ccad64d","id":"evt_030","metadata":{"n":30,"note":"ünïcödé ✓"},"occurred_at":"2026-11-03T06:15:00.000000Z","org":"acme","prev_hash":"ef06608474132bdaff0b693f40e5827271c4f46bcb8d8bf2cadb4ca8ab137c79","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_30","type":"ticket"}],"seq":31,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 32, 'evt_031', 1793776500000000, 1796519987980436, 'user.updated', 'user_3', 'user', 'u_1', NULL, '\x19f16956fe8e020675500da9f026a5b966cc9ab8dbca07e4679b56cba2fa30fb', '\xa4179ebafb672924ea9c99105d18afc03b60a412eb8dba2aefbcada6383f44f1', '{"action":"user.updated","actor":{"email":"agent1@acme.test","id":"u_1","name":"Agent 1","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_3","name":"User 3","type":"user"},"hash":"a4179ebafb672924ea9c99105d18afc03b60a412eb8dba2aefbcada6383f44f1","id":"evt_031","metadata":{"n":31,"note":"ünïcödé ✓"},"occurred_at":"2026-11-04T07:15:00.000000Z","org":"acme","prev_hash":"6ef61fb941d1039935f3f5f8278992c7e17704c437134b369795b3eb8ccad64d","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":32}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 33, 'evt_032', 1793866500000000, 1796519987980436, 'rule.updated', 'rule_4', 'user', 'u_2', NULL, '\xb3f42d7dc6abb4cd1e0de456e2ee065605f3a6c2d768b638fdde4fec8c16bba6', '\x696d2abb586515125370cadbd55edd84e7d4e7268842557801ce58b4a90df9aa', '{"action":"rule.updated","actor":{"email":"agent2@acme.test","id":"u_2","name":"Agent 2","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 32","old":"old 32"}],"context":{},"entity":{"id":"rule_4","name":"Rule 4","type":"rule"},"hash":"696d2abb586515125370cadbd55edd84e7d4e7268842557801ce58b4a90df9aa","id":"evt_032","metadata":{"n":32,"note":"ünïcödé ✓"},"occurred_at":"2026-11-05T08:15:00.000000Z","org":"acme","prev_hash":"a4179ebafb672924ea9c99105d18afc03b60a412eb8dba2aefbcada6383f44f1","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":33}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 34, 'evt_033', 1793956500000000, 1796519987980436, 'inbox.updated', 'inbox_5', 'system', NULL, NULL, '\xbc4a655ec273ca0d439f6c962af8c99aa896cb173922bb5776a995c4196c334c', '\x43dae0fe1b01629949a48b703a32c9ba6d5543c0ccc6e4f273ae4c35b77f641a', '{"action":"inbox.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_5","name":"Inbox 5","type":"inbox"},"hash":"43dae0fe1b01629949a48b703a32c9ba6d5543c0ccc6e4f273ae4c35b77f641a","id":"evt_033","metadata":{"n":33,"note":"ünïcödé ✓"},"occurred_at":"2026-11-06T09:15:00.000000Z","org":"acme","prev_hash":"696d2abb586515125370cadbd55edd84e7d4e7268842557801ce58b4a90df9aa","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":34}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 35, 'evt_034', 1794046500000000, 1796519987980436, 'ticket.created', 'ticket_6', 'user', 'u_4', NULL, '\xdfbd45b8575e66fcfca27534c8cc032ff3e3d39557eded9cc549733fa6a9b57c', '\x8620ce0f0279f4bee3341d176b32b083a2d16b991b995ab52a30d7b8cff7f80f', '{"action":"ticket.created","actor":{"email":"agent4@acme.test","id":"u_4","name":"Agent 4","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_6","name":"Ticket 6","type":"ticket"},"hash":"8620ce0f0279f4bee3341d176b32b083a2d16b991b995ab52a30d7b8cff7f80f","id":"evt_034","metadata":{"n":34,"note":"ünïcödé ✓"},"occurred_at":"2026-11-07T10:15:00.000000Z","org":"acme","prev_hash":"43dae0fe1b01629949a48b703a32c9ba6d5543c0ccc6e4f273ae4c35b77f641a","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":35}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 36, 'evt_035', 1794136500000000, 1796519987980436, 'user.updated', 'user_0', 'user', 'u_0', NULL, '\x83cc3fd3b23fe5a4dd536962f80964ed99e59bc869e10b9475231b7c2b94db2a', '\x21465ec58663abc2d0364e3a1281bebb8c71d669166f75723df85da5ae2bd324', '{"action":"user.updated","actor":{"email":"agent0@acme.test","id":"u_0","name":"Agent 0","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_0","name":"User 0","type":"user"},"hash":"21465ec58663abc2d0364e3a1281bebb8c71d669166f75723df85da5ae2bd324","id":"evt_035","metadata":{"n":35,"note":"ünïcödé ✓"},"occurred_at":"2026-11-08T11:15:00.000000Z","org":"acme","prev_hash":"8620ce0f0279f4bee3341d176b32b083a2d16b991b995ab52a30d7b8cff7f80f","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_35","type":"ticket"}],"seq":36}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 37, 'evt_036', 1794226500000000, 1796519987980436, 'rule.updated', 'rule_1', 'system', NULL, 'rule', '\x21197f40cacf73b0e8007c139d0e8d4f5e4bd7cc37e1da96c1bf9e8b517854ba', '\xa0a1740e99f4d40138f15909f0ca6a684b1c92a8c2a551ca8f0158f66acc7c5b', '{"action":"rule.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[{"field":"name","new":"new 36","old":"old 36"}],"context":{},"entity":{"id":"rule_1","name":"Rule 1","type":"rule"},"hash":"a0a1740e99f4d40138f15909f0ca6a684b1c92a8c2a551ca8f0158f66acc7c5b","id":"evt_036","metadata":{"n":36,"note":"ünïcödé ✓"},"occurred_at":"2026-11-09T12:15:00.000000Z","org":"acme","prev_hash":"21465ec58663abc2d0364e3a1281bebb8c71d669166f75723df85da5ae2bd324","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":37,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 38, 'evt_037', 1794316500000000, 1796519987980436, 'inbox.updated', 'inbox_2', 'user', 'u_2', NULL, '\x6f314b67ece94d478da10918be826eae180fcd002f47836bc517b72910afec91', '\x4674a0176f709eb4e82810e1aae8af7b29b3489a588b0220703b066fe796fbe2', '{"action":"inbox.updated","actor":{"email":"agent2@acme.test","id":"u_2","name":"Agent 2","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_2","name":"Inbox 2","type":"inbox"},"hash":"4674a0176f709eb4e82810e1aae8af7b29b3489a588b0220703b066fe796fbe2","id":"evt_037","metadata":{"n":37,"note":"ünïcödé ✓"},"occurred_at":"2026-11-10T13:15:00.000000Z","org":"acme","prev_hash":"a0a1740e99f4d40138f15909f0ca6a684b1c92a8c2a551ca8f0158f66acc7c5b","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":38}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 39, 'evt_038', 1794406500000000, 1796519987980436, 'ticket.created', 'ticket_3', 'user', 'u_3', NULL, '\x880e2e5d4617acc13345b9740eb4d5d2447f3b12f70e218dd5db6990b1cd7c48', '\x445a9d1f12ac3406f3d1f7646cca3ef16736330a72b14e53da8a5f0ffdfe6c1d', '{"action":"ticket.created","actor":{"email":"agent3@acme.test","id":"u_3","name":"Agent 3","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_3","name":"Ticket 3","type":"ticket"},"hash":"445a9d1f12ac3406f3d1f7646cca3ef16736330a72b14e53da8a5f0ffdfe6c1d","id":"evt_038","metadata":{"n":38,"note":"ünïcödé ✓"},"occurred_at":"2026-11-11T14:15:00.000000Z","org":"acme","prev_hash":"4674a0176f709eb4e82810e1aae8af7b29b3489a588b0220703b066fe796fbe2","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":39}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 40, 'evt_039', 1794496500000000, 1796519987980436, 'user.updated', 'user_4', 'system', NULL, NULL, '\xfda38dafeef554bc690fcef7bac700fa238c6d45daa01b806e5c5c479c5d25ba', '\x3c10d002577514ae9af011b5d37c07856f36e433b419b2c61bfdd434539cdad9', '{"action":"user.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_4","name":"User 4","type":"user"},"hash":"3c10d002577514ae9af011b5d37c07856f36e433b419b2c61bfdd434539cdad9","id":"evt_039","metadata":{"n":39,"note":"ünïcödé ✓"},"occurred_at":"2026-11-12T15:15:00.000000Z","org":"acme","prev_hash":"445a9d1f12ac3406f3d1f7646cca3ef16736330a72b14e53da8a5f0ffdfe6c1d","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":40}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 41, 'evt_040', 1794586500000000, 1796519987980436, 'rule.updated', 'rule_5', 'user', 'u_0', NULL, '\xa32a178d36c63ba0d96f6de8db561274fb6c209f29b1d8170a82c78b0e8bbec1', '\xa0cc95c5fc6649cbb1f27175a7ee51b4604a961c3806ae4c3005dc74c82ff877', '{"action":"rule.updated","actor":{"email":"agent0@acme.test","id":"u_0","name":"Agent 0","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 40","old":"old 40"}],"context":{},"entity":{"id":"rule_5","name":"Rule 5","type":"rule"},"hash":"a0cc95c5fc6649cbb1f27175a7ee51b4604a961c3806ae4c3005dc74c82ff877","id":"evt_040","metadata":{"n":40,"note":"ünïcödé ✓"},"occurred_at":"2026-11-13T16:15:00.000000Z","org":"acme","prev_hash":"3c10d002577514ae9af011b5d37c07856f36e433b419b2c61bfdd434539cdad9","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_40","type":"ticket"}],"seq":41}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 42, 'evt_041', 1794676500000000, 1796519987980436, 'inbox.updated', 'inbox_6', 'user', 'u_1', NULL, '\x72d08aadda8c6b4bcbacc54d21b95638884bd75327cb4c5bdb176b3c6498ddac', '\x3531d4214546be10fdb8a7eba94c2ab9178e3d4c63351e7080ebca32d2640451', '{"action":"inbox.updated","actor":{"email":"agent1@acme.test","id":"u_1","name":"Agent 1","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_6","name":"Inbox 6","type":"inbox"},"hash":"3531d4214546be10fdb8a7eba94c2ab9178e3d4c63351e7080ebca32d2640451","id":"evt_041","metadata":{"n":41,"note":"ünïcödé ✓"},"occurred_at":"2026-11-14T17:15:00.000000Z","org":"acme","prev_hash":"a0cc95c5fc6649cbb1f27175a7ee51b4604a961c3806ae4c3005dc74c82ff877","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":42}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 43, 'evt_042', 1794766500000000, 1796519987980436, 'ticket.created', 'ticket_0', 'system', NULL, 'rule', '\x7e55f3e1678fbc07c3f018def62fb693c6596580aa53f1c463d306e720582409', '\xfcf69094fb7339453bb60bee5894cb84850408b73eeadb5a4842bda03b53fbb6', '{"action":"ticket.created","actor":{"name":"Rules engine","type":"system"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_0","name":"Ticket 0","type":"ticket"},"hash":"fcf69094fb7339453bb60bee5894cb84850408b73eeadb5a4842bda03b53fbb6","id":"evt_042","metadata":{"n":42,"note":"ünïcödé ✓"},"occurred_at":"2026-11-15T18:15:00.000000Z","org":"acme","prev_hash":"3531d4214546be10fdb8a7eba94c2ab9178e3d4c63351e7080ebca32d2640451","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":43,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 44, 'evt_043', 1794856500000000, 1796519987980436, 'user.updated', 'user_1', 'user', 'u_3', NULL, '\xf11c11cd05ea969ac583ca62f288ed669ac1110e5cd3f197813094dff2699110', '\xef930f946bc56234d7c775907d3b5f7729e6bdce4fb4effe06720a9720369997', '{"action":"user.updated","actor":{"email":"agent3@acme.test","id":"u_3","name":"Agent 3","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_1","name":"User 1","type":"user"},"hash":"ef930f946bc56234d7c775907d3b5f7729e6bdce4fb4effe06720a9720369997","id":"evt_043","metadata":{"n":43,"note":"ünïcödé ✓"},"occurred_at":"2026-11-16T19:15:00.000000Z","org":"acme","prev_hash":"fcf69094fb7339453bb60bee5894cb84850408b73eeadb5a4842bda03b53fbb6","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":44}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 45, 'evt_044', 1794946500000000, 1796519987980436, 'rule.updated', 'rule_2', 'user', 'u_4', NULL, '\x038e31aa7b8476941ec1357c42fb5a62850c88f8cac16bc5e3029700edfc33d3', '\x5e5c18c2b408828551b3be2404dead9f1ec3f260adc8af1d66d096afe8c14bff', '{"action":"rule.updated","actor":{"email":"agent4@acme.test","id":"u_4","name":"Agent 4","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 44","old":"old 44"}],"context":{},"entity":{"id":"rule_2","name":"Rule 2","type":"rule"},"hash":"5e5c18c2b408828551b3be2404dead9f1ec3f260adc8af1d66d096afe8c14bff","id":"evt_044","metadata":{"n":44,"note":"ünïcödé ✓"},"occurred_at":"2026-11-17T20:15:00.000000Z","org":"acme","prev_hash":"ef930f946bc56234d7c775907d3b5f7729e6bdce4fb4effe06720a9720369997","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":45}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 46, 'evt_045', 1795036500000000, 1796519987980436, 'inbox.updated', 'inbox_3', 'system', NULL, NULL, '\xb67bd14c22e6d61a56cabf5657179f2fe85d3d8b0b0045a7d4f4f57bb1fa6a5f', '\x2b0d950679ef48656bbf0394faa65cc301ce2b16dfaec9afca0ca64738640d1f', '{"action":"inbox.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_3","name":"Inbox 3","type":"inbox"},"hash":"2b0d950679ef48656bbf0394faa65cc301ce2b16dfaec9afca0ca64738640d1f","id":"evt_045","metadata":{"n":45,"note":"ünïcödé ✓"},"occurred_at":"2026-11-18T21:15:00.000000Z","org":"acme","prev_hash":"5e5c18c2b408828551b3be2404dead9f1ec3f260adc8af1d66d096afe8c14bff","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_45","type":"ticket"}],"seq":46}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 47, 'evt_046', 1795126500000000, 1796519987980436, 'ticket.created', 'ticket_4', 'user', 'u_1', NULL, '\xb42e59f6715347945feebb7a0054b3d1b16b5bbb166fd1e117faa4d1a63657f7', '\x2c9311158853f0b2b9c6d308a171d5b424a7ee43c98cad17b69aad758507dde4', '{"action":"ticket.created","actor":{"email":"agent1@acme.test","id":"u_1","name":"Agent 1","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_4","name":"Ticket 4","type":"ticket"},"hash":"2c9311158853f0b2b9c6d308a171d5b424a7ee43c98cad17b69aad758507dde4","id":"evt_046","metadata":{"n":46,"note":"ünïcödé ✓"},"occurred_at":"2026-11-19T22:15:00.000000Z","org":"acme","prev_hash":"2b0d950679ef48656bbf0394faa65cc301ce2b16dfaec9afca0ca64738640d1f","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":47}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 48, 'evt_047', 1795216500000000, 1796519987980436, 'user.updated', 'user_5', 'user', 'u_2', NULL, '\xd1d90777ab92e815ec1b0f77b182795f44d9452d4b48d712ce7b55b24484b0c3', '\xc98d21930b6aae86898fc14ff65217dcb16501d5e27b92ceaa06e485d173abd2', '{"action":"user.updated","actor":{"email":"agent2@acme.test","id":"u_2","name":"Agent 2","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_5","name":"User 5","type":"user"},"hash":"c98d21930b6aae86898fc14ff65217dcb16501d5e27b92ceaa06e485d173abd2","id":"evt_047","metadata":{"n":47,"note":"ünïcödé ✓"},"occurred_at":"2026-11-20T23:15:00.000000Z","org":"acme","prev_hash":"2c9311158853f0b2b9c6d308a171d5b424a7ee43c98cad17b69aad758507dde4","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":48}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 49, 'evt_048', 1795220100000000, 1796519987980436, 'rule.updated', 'rule_6', 'system', NULL, 'rule', '\xd1f6693e47b4a3d5fa70b714b91d91ebc25f23ea826df1ae8f4832e9db3aaa86', '\x36fe9549c2ac9118824369d412374fd4ef8e1cc5d262cf77e1832b8752c68586', '{"action":"rule.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[{"field":"name","new":"new 48","old":"old 48"}],"context":{},"entity":{"id":"rule_6","name":"Rule 6","type":"rule"},"hash":"36fe9549c2ac9118824369d412374fd4ef8e1cc5d262cf77e1832b8752c68586","id":"evt_048","metadata":{"n":48,"note":"ünïcödé ✓"},"occurred_at":"2026-11-21T00:15:00.000000Z","org":"acme","prev_hash":"c98d21930b6aae86898fc14ff65217dcb16501d5e27b92ceaa06e485d173abd2","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":49,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 50, 'evt_049', 1795310100000000, 1796519987980436, 'inbox.updated', 'inbox_0', 'user', 'u_4', NULL, '\xed7aecafbf15b0478702ed8c24ba57261e1cad5100bb1cbd448ec7820cb3171c', '\x2df1bfd737630131b35a576e91b28c9fc363e90c89fca26f32fbcf42f38da3f9', '{"action":"inbox.updated","actor":{"email":"agent4@acme.test","id":"u_4","name":"Agent 4","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_0","name":"Inbox 0","type":"inbox"},"hash":"2df1bfd737630131b35a576e91b28c9fc363e90c89fca26f32fbcf42f38da3f9","id":"evt_049","metadata":{"n":49,"note":"ünïcödé ✓"},"occurred_at":"2026-11-22T01:15:00.000000Z","org":"acme","prev_hash":"36fe9549c2ac9118824369d412374fd4ef8e1cc5d262cf77e1832b8752c68586","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":50}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 51, 'evt_050', 1795400100000000, 1796519987980436, 'ticket.created', 'ticket_1', 'user', 'u_0', NULL, '\xec7ff9cb701d0cf1f4b6f5a6f7ba0d247cb3fdb9deb3a126c8e9f262f340170c', '\x027e62b748b61f59d7e5a83fe09ea0f789ad7d4c7bec4ebd0ef92a6ad201bcb9', '{"action":"ticket.created","actor":{"email":"agent0@acme.test","id":"u_0","name":"Agent 0","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_1","name":"Ticket 1","type":"ticket"},"hash":"027e62b748b61f59d7e5a83fe09ea0f789ad7d4c7bec4ebd0ef92a6ad201bcb9","id":"evt_050","metadata":{"n":50,"note":"ünïcödé ✓"},"occurred_at":"2026-11-23T02:15:00.000000Z","org":"acme","prev_hash":"2df1bfd737630131b35a576e91b28c9fc363e90c89fca26f32fbcf42f38da3f9","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_50","type":"ticket"}],"seq":51}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 52, 'evt_051', 1795490100000000, 1796519987980436, 'user.updated', 'user_2', 'system', NULL, NULL, '\xed7afd648a5573c00f2dc46da029549ce896238e8f0202321cb2a11cb1db859d', '\x62367df84a8b1383b8928840a789909e580ae3bbe9fbbc51d6b8f442aabe45f3', '{"action":"user.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_2","name":"User 2","type":"user"},"hash":"62367df84a8b1383b8928840a789909e580ae3bbe9fbbc51d6b8f442aabe45f3","id":"evt_051","metadata":{"n":51,"note":"ünïcödé ✓"},"occurred_at":"2026-11-24T03:15:00.000000Z","org":"acme","prev_hash":"027e62b748b61f59d7e5a83fe09ea0f789ad7d4c7bec4ebd0ef92a6ad201bcb9","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":52}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 53, 'evt_052', 1795580100000000, 1796519987980436, 'rule.updated', 'rule_3', 'user', 'u_2', NULL, '\x22cdcda8de6b0a991dcd180ed5838d40b0de275f520d7ede84e6847ad1eedc4a', '\xae0d8968aaeeef8e209eaf3d9bbb85ab4cd653248ce2868eb95a74906cc5b5fd', '{"action":"rule.updated","actor":{"email":"agent2@acme.test","id":"u_2","name":"Agent 2","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 52","old":"old 52"}],"context":{},"entity":{"id":"rule_3","name":"Rule 3","type":"rule"},"hash":"ae0d8968aaeeef8e209eaf3d9bbb85ab4cd653248ce2868eb95a74906cc5b5fd","id":"evt_052","metadata":{"n":52,"note":"ünïcödé ✓"},"occurred_at":"2026-11-25T04:15:00.000000Z","org":"acme","prev_hash":"62367df84a8b1383b8928840a789909e580ae3bbe9fbbc51d6b8f442aabe45f3","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":53}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 54, 'evt_053', 1795670100000000, 1796519987980436, 'inbox.updated', 'inbox_4', 'user', 'u_3', NULL, '\x8c92a4611b19104f702c8c9504c5cdd326d5a5d76a587a10854ed20c28c01c93', '\x071912a9e4e5365b4bd6825d68cd8f6107be0ed8f9e71f7b419b59e4fe23fa31', '{"action":"inbox.updated","actor":{"email":"agent3@acme.test","id":"u_3","name":"Agent 3","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_4","name":"Inbox 4","type":"inbox"},"hash":"071912a9e4e5365b4bd6825d68cd8f6107be0ed8f9e71f7b419b59e4fe23fa31","id":"evt_053","metadata":{"n":53,"note":"ünïcödé ✓"},"occurred_at":"2026-11-26T05:15:00.000000Z","org":"acme","prev_hash":"ae0d8968aaeeef8e209eaf3d9bbb85ab4cd653248ce2868eb95a74906cc5b5fd","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":54}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 55, 'evt_054', 1795760100000000, 1796519987980436, 'ticket.created', 'ticket_5', 'system', NULL, 'rule', '\xa648fce96dcbf6abf292bfaacbadd64b2538033cb4ceaaefe353164a1ef3d374', '\x503bf28abd6214c417a0f0110ee60212a18bbe1c8e8fe78af097a665eb09cc3d', '{"action":"ticket.created","actor":{"name":"Rules engine","type":"system"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_5","name":"Ticket 5","type":"ticket"},"hash":"503bf28abd6214c417a0f0110ee60212a18bbe1c8e8fe78af097a665eb09cc3d","id":"evt_054","metadata":{"n":54,"note":"ünïcödé ✓"},"occurred_at":"2026-11-27T06:15:00.000000Z","org":"acme","prev_hash":"071912a9e4e5365b4bd6825d68cd8f6107be0ed8f9e71f7b419b59e4fe23fa31","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":55,"via":{"id":"rule_1","name":"Auto-close","type":"rule"}}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 56, 'evt_055', 1795850100000000, 1796519987980436, 'user.updated', 'user_6', 'user', 'u_0', NULL, '\x011305b5be84b9255d8385a8b347661b7c4a8e22017f37ae85f95ab574ea5732', '\xc2bea0c27202ee5db5c8efe2ed47969acb1f48e7d49e2e1323dc6680687c2189', '{"action":"user.updated","actor":{"email":"agent0@acme.test","id":"u_0","name":"Agent 0","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_6","name":"User 6","type":"user"},"hash":"c2bea0c27202ee5db5c8efe2ed47969acb1f48e7d49e2e1323dc6680687c2189","id":"evt_055","metadata":{"n":55,"note":"ünïcödé ✓"},"occurred_at":"2026-11-28T07:15:00.000000Z","org":"acme","prev_hash":"503bf28abd6214c417a0f0110ee60212a18bbe1c8e8fe78af097a665eb09cc3d","recorded_at":"2026-12-06T01:19:47.980436Z","related":[{"id":"ticket_55","type":"ticket"}],"seq":56}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 57, 'evt_056', 1793520900000000, 1796519987980436, 'rule.updated', 'rule_0', 'user', 'u_1', NULL, '\x7088bc4f90c78450e02d8877587c29824c79bbdf482734b11eb08228f04665d1', '\x9d92eff1205879e8360f6072f403c4827bb34a6ed578c5dc6157668aaa472c85', '{"action":"rule.updated","actor":{"email":"agent1@acme.test","id":"u_1","name":"Agent 1","type":"user"},"category":"configuration","changes":[{"field":"name","new":"new 56","old":"old 56"}],"context":{},"entity":{"id":"rule_0","name":"Rule 0","type":"rule"},"hash":"9d92eff1205879e8360f6072f403c4827bb34a6ed578c5dc6157668aaa472c85","id":"evt_056","metadata":{"n":56,"note":"ünïcödé ✓"},"occurred_at":"2026-11-01T08:15:00.000000Z","org":"acme","prev_hash":"c2bea0c27202ee5db5c8efe2ed47969acb1f48e7d49e2e1323dc6680687c2189","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":57}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 58, 'evt_057', 1793610900000000, 1796519987980436, 'inbox.updated', 'inbox_1', 'system', NULL, NULL, '\x138f80935979bf46b0ff1724dfd047862923a61bbe55f7ab4d52521a05884587', '\x8d847d99346e6825e218b1ae1a4eb2b983e2c7f260f54c3a15ec16ae20bca8e4', '{"action":"inbox.updated","actor":{"name":"Rules engine","type":"system"},"category":"configuration","changes":[],"context":{},"entity":{"id":"inbox_1","name":"Inbox 1","type":"inbox"},"hash":"8d847d99346e6825e218b1ae1a4eb2b983e2c7f260f54c3a15ec16ae20bca8e4","id":"evt_057","metadata":{"n":57,"note":"ünïcödé ✓"},"occurred_at":"2026-11-02T09:15:00.000000Z","org":"acme","prev_hash":"9d92eff1205879e8360f6072f403c4827bb34a6ed578c5dc6157668aaa472c85","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":58}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 59, 'evt_058', 1793700900000000, 1796519987980436, 'ticket.created', 'ticket_2', 'user', 'u_3', NULL, '\xb9289690a75605618df66350533679004f186784fb81dc504f912d3378268214', '\xeee4456ee973222771e3896bbdc714ae74867569fd9bbe85441d3373778b69cc', '{"action":"ticket.created","actor":{"email":"agent3@acme.test","id":"u_3","name":"Agent 3","type":"user"},"category":"activity","changes":[],"context":{},"entity":{"id":"ticket_2","name":"Ticket 2","type":"ticket"},"hash":"eee4456ee973222771e3896bbdc714ae74867569fd9bbe85441d3373778b69cc","id":"evt_058","metadata":{"n":58,"note":"ünïcödé ✓"},"occurred_at":"2026-11-03T10:15:00.000000Z","org":"acme","prev_hash":"8d847d99346e6825e218b1ae1a4eb2b983e2c7f260f54c3a15ec16ae20bca8e4","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":59}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 60, 'evt_059', 1793790900000000, 1796519987980436, 'user.updated', 'user_3', 'user', 'u_4', NULL, '\x2b4eeca25dc77d9ba94ec4e13b6e8ee5b1c153a196b6f2cbfe66936b439d1428', '\xfcfedbd625035c5c16feb2f5cb78f68f2547a9f038e89b5406b74fbe2ef18fd6', '{"action":"user.updated","actor":{"email":"agent4@acme.test","id":"u_4","name":"Agent 4","type":"user"},"category":"configuration","changes":[],"context":{},"entity":{"id":"user_3","name":"User 3","type":"user"},"hash":"fcfedbd625035c5c16feb2f5cb78f68f2547a9f038e89b5406b74fbe2ef18fd6","id":"evt_059","metadata":{"n":59,"note":"ünïcödé ✓"},"occurred_at":"2026-11-04T11:15:00.000000Z","org":"acme","prev_hash":"eee4456ee973222771e3896bbdc714ae74867569fd9bbe85441d3373778b69cc","recorded_at":"2026-12-06T01:19:47.980436Z","related":[],"seq":60}');
INSERT INTO upgrade_fx.events VALUES (1092610133907, 61, 'evt_01M94EZ2WNNSVNYKNZ2M819006', 1796519988117421, 1796519988117869, 'audit_log.viewed', 'acme', 'system', 'key_01M94EZ26N5VFD629RD61A8T25', NULL, '\xcee8ab4d2c0e9cc0f2f3ecb2eec833410c2ee5f4dbc5bfb784e77a87dbfa6b0c', '\x11141329c42f311ce47cb0185f7c018ee6199e8b18600c4ad2f9e1048147f762', '{"action":"audit_log.viewed","actor":{"id":"key_01M94EZ26N5VFD629RD61A8T25","name":"first admin key","type":"system"},"category":"access","changes":[],"context":{},"entity":{"id":"acme","name":"Audit log","type":"audit_log"},"hash":"11141329c42f311ce47cb0185f7c018ee6199e8b18600c4ad2f9e1048147f762","id":"evt_01M94EZ2WNNSVNYKNZ2M819006","metadata":{"coalesce_seconds":60,"credential":"api_key","endpoint":"list","key_id":"key_01M94EZ26N5VFD629RD61A8T25","key_name":"first admin key","query":{"limit":"1"},"rows":1},"occurred_at":"2026-12-06T01:19:48.117421Z","org":"acme","prev_hash":"fcfedbd625035c5c16feb2f5cb78f68f2547a9f038e89b5406b74fbe2ef18fd6","recorded_at":"2026-12-06T01:19:48.117869Z","related":[],"seq":61}');


--
-- Data for Name: merkle_nodes; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.merkle_nodes VALUES (1092610133907, 4, 0, '\x2cf8713be46e782d988e4f8c85477f41c7119c8babae43beea5a6c43670fa910');
INSERT INTO upgrade_fx.merkle_nodes VALUES (1092610133907, 4, 1, '\xe9ca8588b38937e2d628d98348510cb773f29b7487dacb63735a7df29bb7004e');
INSERT INTO upgrade_fx.merkle_nodes VALUES (1092610133907, 5, 0, '\xeee977481586031daafd2804fc531b042951170e8fa3136304a016336182b701');
INSERT INTO upgrade_fx.merkle_nodes VALUES (1092610133907, 4, 2, '\xc8a15a27c7553df61ab197e4d7e483a7b35a54668177eafc60480ed77a079c87');


--
-- Data for Name: org_heads; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.org_heads VALUES (1092610133907, 61, '\x11141329c42f311ce47cb0185f7c018ee6199e8b18600c4ad2f9e1048147f762', '\xeee977481586031daafd2804fc531b042951170e8fa3136304a016336182b701c8a15a27c7553df61ab197e4d7e483a7b35a54668177eafc60480ed77a079c87506625a80f719e66ea9d0f6578aede4f0bff68759c1453f3090b3de65fe1993f21731d1b572de7698ae26e5778545c4cef1b10826bb98b92ab8dbd7de7fc0e9c73caad26e6f870da193eb6f9cca9d0f5a24d10dc6672121c5815e2e63e3f9d47');


--
-- Data for Name: org_settings; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.org_settings VALUES (1092610133907, 400, true);


--
-- Data for Name: orgs; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.orgs VALUES (1092610133907, 'acme', 'Acme Support', 1796519987410374);


--
-- Data for Name: purge_state; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--



--
-- Data for Name: rollup_action; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794096000000000, 'user.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794873600000000, 'rule.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794391200000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795132800000000, 'user.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795651200000000, 'inbox.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794315600000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794495600000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795035600000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1793577600000000, 'inbox.updated', 3);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795399200000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794528000000000, 'rule.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794787200000000, 'user.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1793836800000000, 'rule.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793761200000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794751200000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794931200000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793491200000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1793750400000000, 'user.updated', 3);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795021200000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795309200000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794182400000000, 'rule.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793775600000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795744800000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794585600000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794841200000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1793491200000000, 'rule.updated', 3);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795737600000000, 'ticket.created', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794945600000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795849200000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793700000000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793851200000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793520000000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795759200000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794481200000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795824000000000, 'user.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793941200000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795291200000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794700800000000, 'ticket.created', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795219200000000, 'rule.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794855600000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794571200000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795381200000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793581200000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1793664000000000, 'ticket.created', 3);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795111200000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795305600000000, 'inbox.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794268800000000, 'inbox.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795046400000000, 'ticket.created', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1793923200000000, 'inbox.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795561200000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793505600000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794045600000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793685600000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795392000000000, 'ticket.created', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794405600000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795125600000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795219200000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795669200000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793610000000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795201200000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794960000000000, 'inbox.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794675600000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793671200000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794301200000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795564800000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795834800000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794614400000000, 'inbox.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795471200000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793595600000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795654800000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793865600000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794121200000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794225600000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795489200000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793955600000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1793790000000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795478400000000, 'user.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794211200000000, 'rule.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794765600000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794441600000000, 'user.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794009600000000, 'ticket.created', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795215600000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794135600000000, 'user.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794031200000000, 'ticket.created', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1794661200000000, 'inbox.updated', 1);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1795564800000000, 'rule.updated', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 1, 1794355200000000, 'ticket.created', 2);
INSERT INTO upgrade_fx.rollup_action VALUES (1092610133907, 0, 1795579200000000, 'rule.updated', 1);


--
-- Data for Name: rollup_actor; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795478400000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795219200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793664000000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794945600000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793671200000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795489200000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794528000000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794675600000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793955600000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795111200000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795219200000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793941200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793761200000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793923200000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793577600000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793851200000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795381200000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794441600000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794096000000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794614400000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793865600000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794931200000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794700800000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794225600000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794700800000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794787200000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795305600000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795125600000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795305600000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795046400000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793685600000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795849200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793664000000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795744800000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795309200000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795021200000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793595600000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793836800000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795651200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795579200000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794751200000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795737600000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795834800000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794405600000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794481200000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793750400000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794855600000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794960000000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795824000000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795046400000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793491200000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793836800000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794045600000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795219200000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794268800000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794121200000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794031200000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794391200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794135600000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795035600000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794661200000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793577600000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793750400000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794873600000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795564800000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795132800000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794571200000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794009600000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794960000000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794528000000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793750400000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795478400000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795564800000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793664000000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794841200000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795669200000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793581200000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793577600000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794355200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794301200000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795654800000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793505600000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793491200000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795201200000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794096000000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793610000000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795471200000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795392000000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793491200000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793700000000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793520000000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794211200000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794873600000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795215600000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795399200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795561200000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795824000000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794268800000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794315600000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794182400000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795392000000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793923200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1793491200000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793790000000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1793775600000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794441600000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795291200000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1795759200000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794765600000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795651200000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795564800000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794614400000000, 'user', 'u_1', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794009600000000, 'user', 'u_4', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795737600000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794182400000000, 'system', '', 'rule', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794355200000000, 'user', 'u_3', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794585600000000, 'user', 'u_0', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1795132800000000, 'user', 'u_2', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 0, 1794495600000000, 'system', '', '', 1);
INSERT INTO upgrade_fx.rollup_actor VALUES (1092610133907, 1, 1794787200000000, 'system', '', '', 1);


--
-- Data for Name: rollup_actor_actions; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795305600000000, 'user', 'u_4', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795651200000000, 'user', 'u_3', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794268800000000, 'system', '', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793491200000000, 'user', 'u_1', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795305600000000, 'system', '', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795046400000000, 'user', 'u_1', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793836800000000, 'user', 'u_4', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794873600000000, 'user', 'u_1', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794096000000000, 'user', 'u_2', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795478400000000, 'user', 'u_3', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793750400000000, 'system', '', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794873600000000, 'user', 'u_4', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794700800000000, 'system', '', 'rule', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794182400000000, 'system', '', 'rule', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795392000000000, 'user', 'u_0', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794182400000000, 'user', 'u_3', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793750400000000, 'user', 'u_4', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793664000000000, 'user', 'u_3', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793577600000000, 'system', '', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794700800000000, 'user', 'u_4', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793664000000000, 'system', '', 'rule', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795824000000000, 'user', 'u_0', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794787200000000, 'system', '', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794614400000000, 'user', 'u_1', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795132800000000, 'user', 'u_4', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794268800000000, 'user', 'u_2', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793491200000000, 'system', '', 'rule', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793491200000000, 'user', 'u_3', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795219200000000, 'user', 'u_0', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795564800000000, 'user', 'u_2', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795651200000000, 'user', 'u_0', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793577600000000, 'user', 'u_4', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794441600000000, 'user', 'u_1', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793923200000000, 'system', '', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795564800000000, 'system', '', 'rule', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794528000000000, 'user', 'u_0', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794960000000000, 'system', '', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795478400000000, 'system', '', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793836800000000, 'user', 'u_2', '', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795737600000000, 'user', 'u_1', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793923200000000, 'user', 'u_0', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794355200000000, 'user', 'u_0', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794355200000000, 'user', 'u_3', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793664000000000, 'user', 'u_2', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794787200000000, 'user', 'u_3', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795132800000000, 'user', 'u_2', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794960000000000, 'user', 'u_2', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794528000000000, 'system', '', 'rule', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795392000000000, 'user', 'u_2', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793750400000000, 'user', 'u_1', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1793577600000000, 'user', 'u_1', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795219200000000, 'system', '', 'rule', 'rule.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794096000000000, 'user', 'u_0', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795737600000000, 'system', '', 'rule', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795824000000000, 'system', '', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794009600000000, 'user', 'u_4', '', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794441600000000, 'system', '', '', 'user.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794614400000000, 'user', 'u_3', '', 'inbox.updated=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1795046400000000, 'system', '', 'rule', 'ticket.created=1
');
INSERT INTO upgrade_fx.rollup_actor_actions VALUES (1092610133907, 1794009600000000, 'system', '', 'rule', 'ticket.created=1
');


--
-- Data for Name: signing_keys; Type: TABLE DATA; Schema: upgrade_fx; Owner: -
--

INSERT INTO upgrade_fx.signing_keys VALUES ('215e8f20', 'auditlog', '\x74deab4334ac013cde2a3a13fb7ce4d601e180912c4a0eeb4f32b53320e2c53d', 1796519987451496, NULL);


--
-- Name: actors actors_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.actors
    ADD CONSTRAINT actors_pkey PRIMARY KEY (org_id, actor_id);


--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id);


--
-- Name: api_keys api_keys_secret_hash_key; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.api_keys
    ADD CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash);


--
-- Name: checkpoints checkpoints_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.checkpoints
    ADD CONSTRAINT checkpoints_pkey PRIMARY KEY (org_id, tree_size);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (org_id, seq);


--
-- Name: merkle_nodes merkle_nodes_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.merkle_nodes
    ADD CONSTRAINT merkle_nodes_pkey PRIMARY KEY (org_id, level, idx);


--
-- Name: org_heads org_heads_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.org_heads
    ADD CONSTRAINT org_heads_pkey PRIMARY KEY (org_id);


--
-- Name: org_settings org_settings_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.org_settings
    ADD CONSTRAINT org_settings_pkey PRIMARY KEY (org_id);


--
-- Name: orgs orgs_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.orgs
    ADD CONSTRAINT orgs_pkey PRIMARY KEY (id);


--
-- Name: orgs orgs_slug_key; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.orgs
    ADD CONSTRAINT orgs_slug_key UNIQUE (slug);


--
-- Name: purge_state purge_state_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.purge_state
    ADD CONSTRAINT purge_state_pkey PRIMARY KEY (org_id);


--
-- Name: rollup_action rollup_action_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.rollup_action
    ADD CONSTRAINT rollup_action_pkey PRIMARY KEY (org_id, grain, bucket, action) INCLUDE (n);


--
-- Name: rollup_actor_actions rollup_actor_actions_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.rollup_actor_actions
    ADD CONSTRAINT rollup_actor_actions_pkey PRIMARY KEY (org_id, bucket, actor_type, actor_id, via_type);


--
-- Name: rollup_actor rollup_actor_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.rollup_actor
    ADD CONSTRAINT rollup_actor_pkey PRIMARY KEY (org_id, grain, bucket, actor_type, actor_id, via_type) INCLUDE (n);


--
-- Name: signing_keys signing_keys_pkey; Type: CONSTRAINT; Schema: upgrade_fx; Owner: -
--

ALTER TABLE ONLY upgrade_fx.signing_keys
    ADD CONSTRAINT signing_keys_pkey PRIMARY KEY (key_id);


--
-- Name: api_keys_org; Type: INDEX; Schema: upgrade_fx; Owner: -
--

CREATE INDEX api_keys_org ON upgrade_fx.api_keys USING btree (org_id);


--
-- Name: events_org_entity; Type: INDEX; Schema: upgrade_fx; Owner: -
--

CREATE INDEX events_org_entity ON upgrade_fx.events USING btree (org_id, entity_id, occurred_at, seq);


--
-- Name: events_org_id; Type: INDEX; Schema: upgrade_fx; Owner: -
--

CREATE UNIQUE INDEX events_org_id ON upgrade_fx.events USING btree (org_id, id);


--
-- Name: events_org_time; Type: INDEX; Schema: upgrade_fx; Owner: -
--

CREATE INDEX events_org_time ON upgrade_fx.events USING btree (org_id, occurred_at, seq);


--
-- Name: events events_append_only; Type: TRIGGER; Schema: upgrade_fx; Owner: -
--

CREATE TRIGGER events_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON upgrade_fx.events FOR EACH STATEMENT EXECUTE FUNCTION upgrade_fx.auditlog_events_append_only();


--
-- Name: actors; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.actors ENABLE ROW LEVEL SECURITY;

--
-- Name: checkpoints; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.checkpoints ENABLE ROW LEVEL SECURITY;

--
-- Name: events; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.events ENABLE ROW LEVEL SECURITY;

--
-- Name: merkle_nodes; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.merkle_nodes ENABLE ROW LEVEL SECURITY;

--
-- Name: org_heads; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.org_heads ENABLE ROW LEVEL SECURITY;

--
-- Name: actors org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.actors USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: checkpoints org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.checkpoints USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: events org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.events USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: merkle_nodes org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.merkle_nodes USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: org_heads org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.org_heads USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: org_settings org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.org_settings USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: purge_state org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.purge_state USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: rollup_action org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.rollup_action USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: rollup_actor org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.rollup_actor USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: rollup_actor_actions org_scope; Type: POLICY; Schema: upgrade_fx; Owner: -
--

CREATE POLICY org_scope ON upgrade_fx.rollup_actor_actions USING ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint)) WITH CHECK ((org_id = (NULLIF(current_setting('auditlog.org'::text, true), ''::text))::bigint));


--
-- Name: org_settings; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.org_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: purge_state; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.purge_state ENABLE ROW LEVEL SECURITY;

--
-- Name: rollup_action; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.rollup_action ENABLE ROW LEVEL SECURITY;

--
-- Name: rollup_actor; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.rollup_actor ENABLE ROW LEVEL SECURITY;

--
-- Name: rollup_actor_actions; Type: ROW SECURITY; Schema: upgrade_fx; Owner: -
--

ALTER TABLE upgrade_fx.rollup_actor_actions ENABLE ROW LEVEL SECURITY;

--
-- PostgreSQL database dump complete
--


