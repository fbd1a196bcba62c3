//! The built binary, run like an operator would.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;

pub(crate) use crate::helpers::{bin, run_ok};

pub(crate) struct Server(pub(crate) std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `auditlog serve` on a random port; returns the process and its URL.
pub(crate) fn serve(data: &str, stderr: Stdio, log: &str) -> (std::process::Child, String) {
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", data])
        .env("AUDITLOG_LOG", log)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    (child, url)
}

#[test]
fn operator_commands_then_emit_and_query_against_the_real_binary() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();

    let created: Value = serde_json::from_str(&run_ok(bin().args([
        "org",
        "create",
        "acme",
        "--name",
        "Acme",
        "--json",
        "--data-dir",
        data,
    ])))
    .unwrap();
    assert_eq!(created["org"]["slug"], "acme");
    let write: Value = serde_json::from_str(&run_ok(bin().args([
        "key",
        "create",
        "--org",
        "acme",
        "--scope",
        "write",
        "--json",
        "--data-dir",
        data,
    ])))
    .unwrap();
    let read: Value = serde_json::from_str(&run_ok(bin().args([
        "key",
        "create",
        "--org",
        "acme",
        "--scope",
        "read",
        "--name",
        "reports",
        "--json",
        "--data-dir",
        data,
    ])))
    .unwrap();
    let listed = run_ok(bin().args(["key", "list", "--org", "acme", "--data-dir", data]));
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(
        !listed.contains(write["secret"].as_str().unwrap()),
        "secrets are never listed"
    );

    let dup = bin()
        .args(["org", "create", "acme", "--data-dir", data])
        .output()
        .unwrap();
    assert_eq!(dup.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));

    let (child, url) = serve(data, Stdio::null(), "info");
    let server = Server(child);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let w = write["secret"].as_str().unwrap();
    let r = read["secret"].as_str().unwrap();
    let out = run_ok(bin().args([
        "emit",
        "--url",
        &url,
        "--key",
        w,
        "--action",
        "rule.updated",
        "--entity-id",
        "r_9",
        "--entity-name",
        "Route VIP customers",
        "--actor-id",
        "u_1",
        "--actor-name",
        "Ana Lima",
        "--changes",
        r#"[{"field":"conditions","old":"tier = gold","new":"tier in (gold, platinum)"}]"#,
    ]));
    // after the org's own records: org created, three keys created
    assert!(out.contains("as seq 5"), "{out}");
    run_ok(bin().args([
        "emit",
        "--url",
        &url,
        "--key",
        w,
        "--action",
        "ticket.closed",
        "--entity-id",
        "t_1",
        "--system",
        "--via-type",
        "rule",
        "--via-name",
        "Auto-close",
    ]));

    let table = run_ok(bin().args(["query", "--url", &url, "--key", r]));
    assert!(
        table.contains("Route VIP customers (r_9)") && table.contains("Ana Lima"),
        "{table}"
    );
    assert!(table.contains("System via rule Auto-close"), "{table}");
    let json = run_ok(bin().args([
        "query",
        "--url",
        &url,
        "--key",
        r,
        "--json",
        "--category",
        "configuration",
    ]));
    let lines: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["changes"][0]["new"], "tier in (gold, platinum)");
    // the operator's commands are in the log, each naming its command, never a secret
    let admin = run_ok(bin().args([
        "query",
        "--url",
        &url,
        "--key",
        r,
        "--json",
        "--category",
        "admin",
    ]));
    assert!(!admin.contains(w) && !admin.contains(r), "{admin}");
    let records: Vec<Value> = admin
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let facts: Vec<(&str, &str, &str)> = records
        .iter()
        .rev()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor"]["id"].as_str().unwrap(),
                e["metadata"]["command"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        facts,
        [
            ("org.created", "operator", "auditlog org create"),
            ("api_key.created", "operator", "auditlog org create"),
            ("api_key.created", "operator", "auditlog key create"),
            ("api_key.created", "operator", "auditlog key create"),
        ]
    );
    assert_eq!(records[0]["metadata"]["key_name"], "reports");
    assert_eq!(records[0]["metadata"]["scope"], "read");

    let bad = bin()
        .args(["query", "--url", &url, "--key", r, "--verb", "exploded"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown verb"));
    drop(server);
}

/// Secrets never reach the database or the logs, even at the most verbose log level.
#[test]
fn api_key_secrets_are_never_stored_or_logged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let created: Value = serde_json::from_str(&run_ok(bin().args([
        "org",
        "create",
        "acme",
        "--json",
        "--data-dir",
        data,
    ])))
    .unwrap();
    let secret = created["admin_key"]["secret"].as_str().unwrap().to_string();
    let (mut child, url) = serve(data, Stdio::piped(), "trace");
    // a good request, a bad key, a revoked-looking key in the URL of a failing request
    run_ok(bin().args([
        "emit",
        "--url",
        &url,
        "--key",
        &secret,
        "--action",
        "rule.created",
        "--entity-id",
        "r_1",
        "--actor-id",
        "u_1",
    ]));
    let _ = bin()
        .args(["query", "--url", &url, "--key", &format!("{secret}x")])
        .output()
        .unwrap();
    let _ = bin()
        .args([
            "query",
            "--url",
            &url,
            "--key",
            &secret,
            "--entity-id",
            &secret,
        ])
        .output()
        .unwrap();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(logs.len() > 100, "trace logging produced output");
    let leaks: Vec<&str> = logs.lines().filter(|l| l.contains(&secret[4..])).collect();
    assert!(
        leaks.is_empty(),
        "a key secret appears in the logs: {leaks:#?}"
    );
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        let needle = &secret.as_bytes()[4..];
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "a key secret is stored"
        );
    }
}

/// `serve` refuses a SQLite database it cannot make durable (no WAL: the dot-file locking
/// VFS has no shared memory) and starts on it only with `--unsafe-allow-unsynced`.
#[test]
fn serve_refuses_an_unsynced_database_unless_the_operator_opts_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!(
        "sqlite:file:{}?vfs=unix-dotfile",
        dir.path().join("a.db").display()
    );
    let data = dir.path().to_str().unwrap();
    let out = bin()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", data])
        .args(["--database", &db])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to start") && err.contains("journal_mode"),
        "{err}"
    );

    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", data])
        .args(["--database", &db])
        .env("AUDITLOG_UNSAFE_ALLOW_UNSYNCED", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = Server(child);
    assert!(line.starts_with("auditlog listening on"), "{line:?}");
}

#[test]
fn serve_takes_the_viewer_secret_from_the_named_file_or_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let secret = dir.path().join("viewer.key");
    let serve = || {
        let mut cmd = bin();
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir", data]);
        cmd
    };
    // the env var, a secret too short: exit 2, the reason, never the content
    std::fs::write(&secret, "0123abcd\n").unwrap();
    let out = serve()
        .env("AUDITLOG_VIEWER_SECRET_FILE", &secret)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is too short (8 hex digits)"), "{err}");
    assert!(!err.contains("0123abcd"), "{err}");
    // the flag, a missing file
    let out = serve()
        .arg("--viewer-secret-file")
        .arg(dir.path().join("missing.key"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("reading the viewer secret file") && err.contains("missing.key"),
        "{err}"
    );
    // a good one: the server starts and makes no secret of its own in the data dir
    std::fs::write(&secret, format!("{}\n", "c0ffee00".repeat(8))).unwrap();
    let mut child = serve()
        .arg("--viewer-secret-file")
        .arg(&secret)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = Server(child);
    assert!(line.starts_with("auditlog listening on"), "{line:?}");
    assert!(!dir.path().join("data/viewer-token.key").exists());
}

#[test]
fn purge_with_zero_retention_days_keeps_everything_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    run_ok(bin().args(["org", "create", "acme", "--data-dir", data]));
    let out = run_ok(bin().args([
        "purge",
        "--org",
        "acme",
        "--retention-days",
        "0",
        "--data-dir",
        data,
    ]));
    assert_eq!(out.trim(), "acme: no retention set; nothing to purge");
}
