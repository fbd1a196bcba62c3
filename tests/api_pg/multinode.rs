//! Several `auditlog serve` processes on one PostgreSQL database, written to at once for the
//! same org: every acknowledged event is stored exactly once, the org's seq stays gapless and
//! its chain and Merkle tree verify. The admin CLI works against PostgreSQL too.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use auditlog::model::chain::verify_chain;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::event;

struct Node(Child, String);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_auditlog"))
}

/// One node as operations.md describes them: its own data dir, the shared secrets.
fn node(database: &str, shared: &std::path::Path, n: usize) -> Node {
    let data_dir = shared.join(format!("node-{n}"));
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("--signing-key-file")
        .arg(shared.join("signing.key"))
        .arg("--viewer-secret-file")
        .arg(shared.join("viewer.key"))
        .env("AUDITLOG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://"), "no URL in {line:?}");
    Node(child, url)
}

fn cli_json(args: &[&str]) -> Value {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_nodes_one_org_every_acknowledged_event_once_and_the_chain_verifies() {
    let Some(schema) = crate::pg::schema().await else {
        return;
    };
    let db = schema.url();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("viewer.key"), "ab".repeat(32)).unwrap();

    // the operator CLI on PostgreSQL: two orgs and their keys
    let mut write = BTreeMap::new();
    for slug in ["acme", "globex"] {
        let created = cli_json(&["org", "create", slug, "--json", "--database", &db]);
        assert_eq!(created["org"]["slug"], slug);
        let k = cli_json(&[
            "key",
            "create",
            "--org",
            slug,
            "--scope",
            "write",
            "--json",
            "--database",
            &db,
        ]);
        write.insert(slug, k["secret"].as_str().unwrap().to_string());
    }
    let read = cli_json(&[
        "key",
        "create",
        "--org",
        "acme",
        "--scope",
        "read",
        "--json",
        "--database",
        &db,
    ])["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = cli_json(&["key", "list", "--org", "acme", "--json", "--database", &db]);
    let mut scopes: Vec<&str> = listed["keys"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .map(|k| k["scope"].as_str().unwrap())
        .collect();
    scopes.sort_unstable();
    assert_eq!(scopes, ["admin", "read", "write"], "{listed}");

    // three nodes started at once: migrations and key registration take turns
    let nodes: Vec<Node> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3)
            .map(|n| {
                let (db, shared) = (&db, dir.path());
                s.spawn(move || node(db, shared, n))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let urls: Vec<String> = nodes.iter().map(|n| n.1.clone()).collect();

    // 6 clients per org, each batch to the next node round-robin, some retried
    const CLIENTS: usize = 6;
    const BATCHES: usize = 15;
    const PER_BATCH: usize = 20;
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for (slug, key) in &write {
        for c in 0..CLIENTS {
            let (client, urls, key, slug) =
                (client.clone(), urls.clone(), key.clone(), slug.to_string());
            tasks.push(tokio::spawn(async move {
                let mut acked: Vec<(String, u64)> = Vec::new();
                for b in 0..BATCHES {
                    let events: Vec<Value> = (0..PER_BATCH)
                        .map(|i| {
                            let mut e = event("rule.updated", c * 1000 + b * PER_BATCH + i);
                            e["id"] = json!(format!("{slug}-{c}-{b}-{i}"));
                            e
                        })
                        .collect();
                    // every third batch is sent twice, to two nodes: an idempotent retry
                    let sends = if b % 3 == 0 { 2 } else { 1 };
                    for s in 0..sends {
                        let url = &urls[(c + b + s) % urls.len()];
                        let r = client
                            .post(format!("{url}/v1/events"))
                            .bearer_auth(&key)
                            .json(&json!({ "events": events }))
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(r.status(), StatusCode::CREATED);
                        let v: Value = r.json().await.unwrap();
                        for e in v["events"].as_array().unwrap() {
                            if s == 0 {
                                acked.push((
                                    e["id"].as_str().unwrap().to_string(),
                                    e["seq"].as_u64().unwrap(),
                                ));
                            } else {
                                assert_eq!(e["duplicate"], true, "{e}");
                            }
                        }
                    }
                }
                (slug, acked)
            }));
        }
    }
    let mut acked: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for t in tasks {
        let (slug, a) = t.await.unwrap();
        acked.entry(slug).or_default().extend(a);
    }

    // read back through one node: every acknowledged event exactly once, at its seq
    let total = CLIENTS * BATCHES * PER_BATCH;
    let read_all = |url: String, key: String| {
        let client = client.clone();
        async move {
            let mut out: Vec<Value> = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut u = format!("{url}/v1/events?order=asc&limit=1000");
                if let Some(c) = &cursor {
                    u.push_str(&format!("&cursor={c}"));
                }
                let v: Value = client
                    .get(u)
                    .bearer_auth(&key)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                out.extend(v["events"].as_array().unwrap().iter().cloned());
                match v["next_cursor"].as_str() {
                    Some(c) => cursor = Some(c.to_string()),
                    None => return out,
                }
            }
        }
    };
    let events = read_all(urls[2].clone(), read.clone()).await;
    // the org's own records first: the CLI's org create (org and first key) and key creates
    let setup = events.iter().filter(|e| e["category"] == "admin").count();
    assert_eq!(setup, 4, "org.created and three api_key.created");
    assert_eq!(events.len(), total + setup);
    let ids: HashSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), total + setup, "an event was stored twice");
    let mut seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=(total + setup) as u64).collect::<Vec<_>>(),
        "seq has gaps"
    );
    let by_id: BTreeMap<&str, u64> = events
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["seq"].as_u64().unwrap()))
        .collect();
    for (id, seq) in &acked["acme"] {
        assert_eq!(
            by_id.get(id.as_str()),
            Some(seq),
            "acknowledged {id} missing"
        );
    }
    assert_eq!(acked["acme"].len(), total);
    assert_eq!(acked["globex"].len(), total);
    let mut in_seq = events.clone();
    in_seq.sort_by_key(|e| e["seq"].as_u64().unwrap());
    let bodies: Vec<String> = in_seq.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        verify_chain(bodies.iter().map(String::as_str)),
        Ok((total + setup) as u64)
    );

    // the stored log verifies (chain, columns, Merkle tree) through the CLI
    let out = bin()
        .args(["verify", "--org", "acme", "--database", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "verify failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    drop(nodes);
}
