//! Tamper evidence over HTTP and with the CLI: signed checkpoints, proofs that a client
//! checks with nothing but the public key, verification online and offline.

use std::process::Command;

use auditlog::model::checkpoint::{self, NoteVerifier};
use auditlog::model::merkle;
use auditlog::service::integrity::unb64;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn verifier(app: &TestApp) -> NoteVerifier {
    let keys: Value = app
        .client
        .get(app.url("/v1/integrity/public-keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    NoteVerifier::parse_vkey(keys["keys"][0]["verifier_key"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn checkpoints_and_proofs_verify_with_only_the_public_key() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let vk = verifier(&app).await;

    let (s, v) = app
        .get_json("/v1/integrity/checkpoints/latest", &acme.read)
        .await;
    assert_eq!((s, error_code(&v)), (StatusCode::NOT_FOUND, "not_found"));

    // 33 events after the org's 4 records (org and keys created): a tree of 37
    app.ingest(
        &acme.write,
        (0..33).map(|n| event("ticket.updated", n)).collect(),
    )
    .await;
    let (s, cp1) = app
        .post_json("/v1/integrity/checkpoints", &acme.admin, &json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cp1}");
    let (opened1, _) =
        checkpoint::open(cp1["note"].as_str().unwrap(), std::slice::from_ref(&vk)).unwrap();
    assert_eq!(
        (opened1.size, opened1.origin.as_str()),
        (37, "auditlog/acme")
    );
    let (s, _) = app
        .post_json("/v1/integrity/checkpoints", &acme.read, &json!({}))
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "creating a checkpoint needs admin"
    );

    app.ingest(
        &acme.write,
        (33..96).map(|n| event("ticket.closed", n)).collect(),
    )
    .await;
    let (_, cp2) = app
        .post_json("/v1/integrity/checkpoints", &acme.admin, &json!({}))
        .await;
    let (opened2, _) =
        checkpoint::open(cp2["note"].as_str().unwrap(), std::slice::from_ref(&vk)).unwrap();
    assert_eq!(opened2.size, 100);
    let (_, list) = app.get_json("/v1/integrity/checkpoints", &acme.read).await;
    assert_eq!(list["checkpoints"].as_array().unwrap().len(), 2);

    // every event is provably in the latest checkpoint, and its leaf is its stored body
    let events = app.all_events(&acme.read, "").await;
    for e in events.iter().step_by(7) {
        let id = e["id"].as_str().unwrap();
        let (s, p) = app
            .get_json(
                &format!("/v1/integrity/inclusion?event_id={id}"),
                &acme.read,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let leaf = unb64(p["leaf_hash"].as_str().unwrap()).unwrap();
        assert_eq!(
            leaf,
            merkle::leaf_hash(serde_jcs::to_string(e).unwrap().as_bytes())
        );
        let index = p["leaf_index"].as_u64().unwrap();
        assert_eq!(index + 1, e["seq"].as_u64().unwrap());
        merkle::verify_inclusion(&leaf, index, 100, &proof(&p), &opened2.root).unwrap();
        assert!(merkle::verify_inclusion(&leaf, index, 100, &proof(&p), &opened1.root).is_err());
        assert!(proof(&p).len() <= 8, "O(log n) hashes");
    }
    // the newer checkpoint extends the older one
    let (_, c) = app
        .get_json("/v1/integrity/consistency?from=37&to=100", &acme.read)
        .await;
    merkle::verify_consistency(37, 100, &opened1.root, &opened2.root, &proof(&c)).unwrap();
    assert!(merkle::verify_consistency(37, 100, &opened2.root, &opened1.root, &proof(&c)).is_err());
    for q in [
        "from=5&to=1000",
        "from=9&to=3",
        "from=x&to=3",
        "to=3",
        "from=0&to=5",
    ] {
        let (s, _) = app
            .get_json(&format!("/v1/integrity/consistency?{q}"), &acme.read)
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}");
    }
    let (s, _) = app
        .get_json("/v1/integrity/inclusion?event_id=nope", &acme.read)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // another org's proofs and checkpoints stay its own
    let globex = app.org("globex").await;
    let id = events[0]["id"].as_str().unwrap();
    let (s, _) = app
        .get_json(
            &format!("/v1/integrity/inclusion?event_id={id}&tree_size=1"),
            &globex.read,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, l) = app
        .get_json("/v1/integrity/checkpoints", &globex.read)
        .await;
    assert_eq!(l["checkpoints"], json!([]));

    let (s, r) = app
        .post_json("/v1/integrity/verify", &acme.admin, &json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["ok"], true, "{r}");
    // the 100 events and the recorded listing above (proofs are not recorded reads)
    assert_eq!(r["events"], 101);
    assert_eq!(r["checkpoints"], 2);
}

#[test]
fn cli_verifies_the_database_and_an_export_and_names_the_first_broken_seq() {
    if crate::BACKEND != Backend::Sqlite {
        // edits the SQLite file and drives the CLI on it: the PostgreSQL twin is in tests/store
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(spawn_app()).expect("a SQLite server");
    let acme = rt.block_on(app.org("acme"));
    rt.block_on(app.ingest(
        &acme.write,
        // after the org's 4 records: a log of 300
        (0..296).map(|n| event("user.logged_in", n)).collect(),
    ));
    let (_, cp) = rt.block_on(app.post_json("/v1/integrity/checkpoints", &acme.admin, &json!({})));
    let vk = rt.block_on(verifier(&app)).vkey();
    // the whole log: the export's own record (seq 301, written before it starts) included
    let export = rt.block_on(async {
        app.get(
            &format!("/v1/events/export?format=ndjson&{WHOLE_LOG}"),
            &acme.read,
        )
        .await
        .text()
        .await
        .unwrap()
    });
    assert_eq!(export.lines().count(), 301);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme.ndjson");
    std::fs::write(&file, &export).unwrap();
    let cp_file = dir.path().join("cp.json");
    std::fs::write(&cp_file, cp.to_string()).unwrap();
    let data = app._dir.path().to_str().unwrap().to_string();
    let bin = || Command::new(env!("CARGO_BIN_EXE_auditlog"));

    let ok = bin()
        .args(["verify", "--org", "acme", "--data-dir", &data])
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("ok: 301 events"));

    let offline = |path: &std::path::Path| {
        bin()
            .args([
                "verify",
                "--file",
                path.to_str().unwrap(),
                "--public-key",
                &vk,
                "--checkpoint",
                cp_file.to_str().unwrap(),
            ])
            .output()
            .unwrap()
    };
    let out = offline(&file);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 signed checkpoint matches"));

    // an edited line, a removed line, a truncated tail: each fails and says where
    let lines: Vec<&str> = export.lines().collect();
    let seq_of = |l: &str| {
        serde_json::from_str::<Value>(l).unwrap()["seq"]
            .as_u64()
            .unwrap()
    };
    let edited: Vec<String> = lines
        .iter()
        .map(|l| {
            if seq_of(l) == 120 {
                l.replace("Agent", "Agnet")
            } else {
                l.to_string()
            }
        })
        .collect();
    let removed: Vec<&str> = lines.iter().copied().filter(|l| seq_of(l) != 77).collect();
    let truncated: Vec<&str> = lines.iter().copied().filter(|l| seq_of(l) <= 250).collect();
    for (name, content, seq) in [
        ("edited", edited.join("\n"), 120),
        ("removed", removed.join("\n"), 77),
        ("truncated", truncated.join("\n"), 251),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        let out = offline(&p);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let msg = String::from_utf8_lossy(&out.stdout);
        assert!(
            msg.starts_with(&format!("FAILED at seq {seq}:")),
            "{name}: {msg}"
        );
    }

    // proofs checked offline against the saved checkpoint
    let (_, p) = rt.block_on(app.get_json(
        &format!(
                "/v1/integrity/inclusion?event_id={}",
                serde_json::from_str::<Value>(lines[5]).unwrap()["id"]
                    .as_str()
                    .unwrap()
            ),
        &acme.read,
    ));
    let proof_file = dir.path().join("proof.json");
    std::fs::write(&proof_file, p.to_string()).unwrap();
    let event_file = dir.path().join("event.json");
    let check_inclusion = |event_line: &str| {
        std::fs::write(&event_file, event_line).unwrap();
        bin()
            .args([
                "verify-proof",
                "inclusion",
                "--proof",
                proof_file.to_str().unwrap(),
            ])
            .args(["--checkpoint", cp_file.to_str().unwrap()])
            .args(["--event", event_file.to_str().unwrap(), "--public-key", &vk])
            .output()
            .unwrap()
    };
    let out = check_inclusion(lines[5]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        check_inclusion(lines[6]).status.code(),
        Some(1),
        "another event does not fit the proof"
    );
}

#[test]
fn retention_settings_purge_and_the_purge_event() {
    if crate::BACKEND != Backend::Sqlite {
        // edits the SQLite file and drives the CLI on it: the PostgreSQL twin is in tests/store
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let app = rt.block_on(spawn_app()).expect("a SQLite server");
    let acme = rt.block_on(app.org("acme"));
    rt.block_on(app.ingest(
        &acme.write,
        // after the org's 4 records: a tree of 120
        (0..116).map(|n| event("ticket.created", n)).collect(),
    ));
    let (_, cp) = rt.block_on(app.post_json("/v1/integrity/checkpoints", &acme.admin, &json!({})));
    assert_eq!(cp["tree_size"], 120);

    // settings: admin only, validated
    let put = |key: &str, body: Value| {
        rt.block_on(async {
            let r = app
                .client
                .put(app.url("/v1/settings"))
                .bearer_auth(key)
                .json(&body)
                .send()
                .await
                .unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap())
        })
    };
    let (s, v) = rt.block_on(app.get_json("/v1/settings", &acme.admin));
    assert_eq!(
        (s, &v["retention_days"], &v["legal_hold"]),
        (StatusCode::OK, &Value::Null, &json!(false))
    );
    assert_eq!(
        put(&acme.read, json!({"retention_days": 30})).0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put(&acme.admin, json!({"retention_days": 0})).0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        put(&acme.admin, json!({"retention_days": -3})).0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        put(&acme.admin, json!({"retention": 3})).0,
        StatusCode::BAD_REQUEST
    );
    let (s, v) = put(
        &acme.admin,
        json!({"retention_days": 30, "legal_hold": true}),
    );
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["effective_retention_days"], 30);

    // make the first 70 events look 40 days old
    let db = rusqlite::Connection::open(app._dir.path().join("auditlog.db")).unwrap();
    db.execute_batch("DROP TRIGGER events_no_update;").unwrap();
    let old = auditlog::model::time::now_micros() - 40 * 86_400_000_000;
    db.execute("UPDATE events SET recorded_at = ?1 WHERE seq <= 70", [old])
        .unwrap();
    drop(db);

    let data = app._dir.path().to_str().unwrap().to_string();
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_auditlog"))
            .args(args)
            .args(["--data-dir", &data])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert!(cli(&["purge", "--org", "acme"]).contains("under legal hold"));
    put(
        &acme.admin,
        json!({"retention_days": 30, "legal_hold": false}),
    );
    assert!(cli(&["purge", "--org", "acme", "--dry-run"]).contains("would purge 70 events"));
    assert!(cli(&["purge", "--org", "acme"]).contains("purged 70 events"));

    // the server keeps appending after the CLI's purge record
    let (s, v) = rt.block_on(app.ingest(&acme.write, vec![event("ticket.closed", 500)]));
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["events"][0]["seq"], 124);

    // what is left: 50 events, the two settings changes (seq 121, 122), the purge's own
    // record (123) and the new one; it all verifies
    let events = rt.block_on(app.all_events(&acme.read, ""));
    assert_eq!(events.len(), 54);
    let settings: Vec<(&Value, &Value)> = events
        .iter()
        .filter(|e| e["action"] == "audit_log.settings_updated")
        .map(|e| (&e["seq"], &e["changes"]))
        .collect();
    assert_eq!(
        settings,
        [
            (
                &json!(121),
                // no `old`: retention was unset (the server default)
                &json!([
                    {"field": "retention_days", "new": 30},
                    {"field": "legal_hold", "new": true, "old": false}
                ])
            ),
            (
                &json!(122),
                &json!([{"field": "legal_hold", "new": false, "old": true}])
            ),
        ]
    );
    let purge_event = events
        .iter()
        .find(|e| e["action"] == "audit_log.purged")
        .unwrap();
    assert_eq!(purge_event["seq"], 123);
    assert_eq!(purge_event["category"], "compliance");
    assert_eq!(purge_event["metadata"]["events_purged"], 70);
    let (_, summary) = rt.block_on(app.get_json("/v1/events/summary", &acme.read));
    assert_eq!(summary["total"], 54);
    let (_, r) = rt.block_on(app.post_json("/v1/integrity/verify", &acme.admin, &json!({})));
    assert_eq!(r["ok"], true, "{r}");
    // plus the two recorded reads just above (seq 125, 126)
    assert!(cli(&["verify", "--org", "acme"]).starts_with("ok: 126 events"));
    // offline: the export starts after the cut; with the kept state it verifies against the
    // checkpoint signed before the purge
    let (s, cut) = rt.block_on(app.get_json("/v1/integrity/retention-cut", &acme.read));
    assert_eq!((s, &cut["cut_seq"]), (StatusCode::OK, &json!(70)));
    let export = rt.block_on(async {
        app.get(
            &format!("/v1/events/export?format=ndjson&{WHOLE_LOG}"),
            &acme.read,
        )
        .await
        .text()
        .await
        .unwrap()
    });
    let dir = tempfile::tempdir().unwrap();
    let (file, cut_file, cp_file) = (
        dir.path().join("e.ndjson"),
        dir.path().join("cut.json"),
        dir.path().join("cp.json"),
    );
    std::fs::write(&file, export).unwrap();
    std::fs::write(&cut_file, cut.to_string()).unwrap();
    std::fs::write(&cp_file, cp.to_string()).unwrap();
    let vk = rt.block_on(verifier(&app)).vkey();
    let offline = Command::new(env!("CARGO_BIN_EXE_auditlog"))
        .args([
            "verify",
            "--file",
            file.to_str().unwrap(),
            "--public-key",
            &vk,
        ])
        .args([
            "--checkpoint",
            cp_file.to_str().unwrap(),
            "--after-cut",
            cut_file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        offline.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&offline.stdout),
        String::from_utf8_lossy(&offline.stderr)
    );

    // the checkpoint signed before the purge still proves the remaining events
    let opened = checkpoint::open(cp["note"].as_str().unwrap(), &[rt.block_on(verifier(&app))])
        .unwrap()
        .0;
    let id = events.iter().find(|e| e["seq"] == 71).unwrap()["id"]
        .as_str()
        .unwrap();
    let (_, p) = rt.block_on(app.get_json(
        &format!("/v1/integrity/inclusion?event_id={id}&tree_size=120"),
        &acme.read,
    ));
    merkle::verify_inclusion(
        &unb64(p["leaf_hash"].as_str().unwrap()).unwrap(),
        70,
        120,
        &proof(&p),
        &opened.root,
    )
    .unwrap();
}

#[tokio::test]
async fn checkpoints_come_by_themselves_and_survive_a_key_rotation() {
    use auditlog::server::{ServerConfig, bind};
    let dir = tempfile::tempdir().unwrap();
    let schema = match crate::BACKEND {
        Backend::Sqlite => None,
        Backend::Postgres => match crate::pg::schema().await {
            Some(s) => Some(s),
            None => return,
        },
    };
    let database = schema.as_ref().map(|s| s.url());
    let start = |key: &str, every: u64| {
        let config = ServerConfig {
            operator_token: Some(OPERATOR.into()),
            database: database.clone(),
            signing_key_file: Some(dir.path().join(key)),
            checkpoint_interval: std::time::Duration::from_secs(1),
            checkpoint_every: every,
            ..ServerConfig::new("127.0.0.1:0", dir.path())
        };
        async move {
            let bound = bind(&config).await.unwrap();
            let url = format!("http://{}", bound.addr);
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(bound.serve(async {
                let _ = rx.await;
            }));
            (url, tx)
        }
    };
    let client = reqwest::Client::new();
    let (url, stop) = start("key-a", 5).await;
    let admin: Value = client
        .post(format!("{url}/v1/orgs"))
        .bearer_auth(OPERATOR)
        .json(&json!({"slug": "acme"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = admin["admin_key"]["secret"].as_str().unwrap().to_string();
    let events: Vec<Value> = (0..7).map(|n| event("tag.created", n)).collect();
    let r = client
        .post(format!("{url}/v1/events"))
        .bearer_auth(&key)
        .json(&json!({"events": events}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // the background task signs within its interval, with no request asking for it
    let mut latest = Value::Null;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        latest = client
            .get(format!("{url}/v1/integrity/checkpoints/latest"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // the org's 2 records (org and first key created) and the 7 events
        if latest["tree_size"] == 9 {
            break;
        }
    }
    assert_eq!(latest["tree_size"], 9, "{latest}");
    let _ = stop.send(());

    // restart with a new key: the old one stays listed, retired, and still verifies
    let (url, _stop) = start("key-b", 10_000).await;
    let keys: Value = client
        .get(format!("{url}/v1/integrity/public-keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys = keys["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(
        !keys[0]["valid_until"].is_null(),
        "the first key is retired"
    );
    assert!(keys[1]["valid_until"].is_null(), "the new key is current");
    let r = client
        .post(format!("{url}/v1/events"))
        .bearer_auth(&key)
        .json(&event("tag.created", 9))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let cp: Value = client
        .post(format!("{url}/v1/integrity/checkpoints"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cp["key_id"], keys[1]["key_id"]);
    let v: Value = client
        .post(format!("{url}/v1/integrity/verify"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["checkpoints"], 2);
    // the rotation is in the org's log, naming both keys, between the two checkpoints
    let admin: Value = client
        .get(format!("{url}/v1/events?category=admin&order=asc"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rotated: Vec<&Value> = admin["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "signing_key.rotated")
        .collect();
    assert_eq!(rotated.len(), 1, "{admin}");
    assert_eq!(rotated[0]["seq"], 10);
    assert_eq!(rotated[0]["entity"]["id"], keys[1]["key_id"]);
    assert_eq!(
        rotated[0]["metadata"]["retired_key_ids"],
        json!([keys[0]["key_id"]])
    );
    assert_eq!(rotated[0]["actor"]["id"], "operator");
}

/// `category=all` is the whole log: with reads recorded between the events, that export
/// verifies offline against a checkpoint, while the default export leaves the reads out
/// (so its seqs have holes and it does not verify).
#[tokio::test]
async fn an_export_of_category_all_verifies_offline_after_recorded_reads() {
    let Some(app) = spawn_app().await else { return };
    let acme = app.org("acme").await;
    let ingest = |range: std::ops::Range<usize>| {
        app.ingest(
            &acme.write,
            range.map(|n| event("rule.updated", n)).collect(),
        )
    };
    let (s, v) = ingest(0..10).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // three recorded reads (seq 15-17) between the events
    for q in ["", "?category=configuration", "/summary"] {
        let (s, v) = app.get_json(&format!("/v1/events{q}"), &acme.read).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (s, v) = ingest(10..20).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, cp) = app
        .post_json("/v1/integrity/checkpoints", &acme.admin, &json!({}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cp}");
    // the org's 4 records, the 20 events and the 3 reads
    assert_eq!(cp["tree_size"], 27, "{cp}");

    // the default: the org's records and the 20 events, none of the reads (its own record,
    // seq 28, neither)
    let r = app.get("/v1/events/export?format=ndjson", &acme.read).await;
    assert_eq!(r.status(), StatusCode::OK);
    let default = r.text().await.unwrap();
    assert_eq!(default.lines().count(), SETUP as usize + 20);
    assert!(!default.contains("\"category\":\"access\""), "{default}");
    // everything, through `auditlog export --category all`: the 20 events, the 3 views,
    // the first export and its own record
    let dir = tempfile::tempdir().unwrap();
    let all_file = dir.path().join("all.ndjson");
    let (url, key, out) = (app.url(""), acme.read.clone(), all_file.clone());
    let run = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_auditlog"))
            .args(["export", "--url", &url, "--key", &key, "--format", "ndjson"])
            .args(["--category", "all", "--out"])
            .arg(&out)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(run.status.success(), "{run:?}");
    let all = std::fs::read_to_string(&all_file).unwrap();
    let events: Vec<Value> = all
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=SETUP + 25).collect::<Vec<_>>());
    let access: Vec<&Value> = events
        .iter()
        .filter(|e| e["category"] == "access")
        .collect();
    assert_eq!(access.len(), 5);
    assert_eq!(access[4]["action"], "audit_log.exported");
    assert_eq!(
        access[4]["metadata"]["query"],
        json!({"category": "all", "format": "ndjson"})
    );

    let cp_file = dir.path().join("cp.json");
    std::fs::write(&cp_file, cp.to_string()).unwrap();
    let vk = verifier(&app).await.vkey();
    let offline = |name: &str, content: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, content).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_auditlog"))
            .args(["verify", "--file", file.to_str().unwrap(), "--public-key"])
            .args([&vk, "--checkpoint", cp_file.to_str().unwrap()])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = offline("all.ndjson", &all);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.starts_with("ok: 29 events"), "{out}");
    let (code, out) = offline("default.ndjson", &default);
    assert_eq!(code, Some(1), "{out}");
    // the first read, after the org's records and the first 10 events
    assert!(out.starts_with("FAILED at seq 15:"), "{out}");
}
