//! Test harness: start the real server on a random port with a fresh data dir, talk HTTP.

use std::net::SocketAddr;

use auditlog::server::{ServerConfig, bind};
use auditlog::service::Limits;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};

pub const OPERATOR: &str = "operator-token-for-tests-0123456789";

/// Every category, `access` (recorded reads) included: the filter for a whole-log export.
pub const WHOLE_LOG: &str = "category=all";
/// The events [`TestApp::org`] leaves in a new org's log: `org.created` and an
/// `api_key.created` for each of its three keys (category `admin`), seqs 1 to 4.
pub const SETUP: u64 = 4;
/// A filter for the clients' events alone: every category but the service's own records
/// of administration (`admin`) and of reads (`access`).
pub const CLIENTS: &str = "&category=configuration,activity,security,compliance";

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: Client,
    pub _dir: tempfile::TempDir,
    pub _schema: Option<crate::pg::PgSchema>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub struct OrgKeys {
    pub admin: String,
    pub read: String,
    pub write: String,
}

/// Which store the suite's servers use: each test target that includes this file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A server on this target's backend; `None` when that backend is PostgreSQL and
/// `AUDITLOG_TEST_POSTGRES_URL` is not set (the test then returns: skipped).
pub async fn spawn_app() -> Option<TestApp> {
    spawn_app_with(Limits::default()).await
}

pub async fn spawn_app_with(limits: Limits) -> Option<TestApp> {
    spawn_app_configured(|c| c.limits = limits).await
}

/// Starts the server with the test defaults changed by `configure`; `None` as for
/// [`spawn_app`].
pub async fn spawn_app_configured(configure: impl FnOnce(&mut ServerConfig)) -> Option<TestApp> {
    let schema = match crate::BACKEND {
        Backend::Sqlite => None,
        Backend::Postgres => Some(crate::pg::schema().await?),
    };
    let database = schema.as_ref().map(|s| s.url());
    Some(start(database, schema, configure).await)
}

/// Starts a server on `database` (`None`: SQLite in its fresh data dir), holding `schema`.
async fn start(
    database: Option<String>,
    schema: Option<crate::pg::PgSchema>,
    configure: impl FnOnce(&mut ServerConfig),
) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = ServerConfig {
        operator_token: Some(OPERATOR.into()),
        database,
        // no checkpoint by age: a test's checkpoints are the ones it asks for (a new org's
        // log holds its own records at once, so the background pass would otherwise sign
        // one within seconds); `checkpoint_every` still applies, and tests of the
        // background pass set their own schedule
        checkpoint_interval: std::time::Duration::from_secs(86_400),
        ..ServerConfig::new("127.0.0.1:0", dir.path())
    };
    configure(&mut config);
    let bound = bind(&config).await.expect("server binds");
    let addr = bound.addr;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(bound.serve(async {
        let _ = rx.await;
    }));
    TestApp {
        addr,
        client: Client::new(),
        _dir: dir,
        _schema: schema,
        shutdown: Some(tx),
    }
}

/// A second server (another node) on `first`'s database and checkpoint key, with a data dir
/// of its own, the test defaults changed by `configure`. `first` keeps the database alive.
pub async fn spawn_node_beside(
    first: &TestApp,
    configure: impl FnOnce(&mut ServerConfig),
) -> TestApp {
    let database = match &first._schema {
        Some(schema) => schema.url(),
        None => format!("sqlite:{}", first._dir.path().join("auditlog.db").display()),
    };
    let signing_key = first._dir.path().join("checkpoint-signing.key");
    start(Some(database), None, |c| {
        c.signing_key_file = Some(signing_key);
        configure(c);
    })
    .await
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str, key: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(key)
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str, key: &str) -> (StatusCode, Value) {
        let r = self.get(path, key).await;
        let status = r.status();
        (status, r.json().await.expect("json body"))
    }

    pub async fn post_json(&self, path: &str, key: &str, body: &Value) -> (StatusCode, Value) {
        self.post_raw(path, key, "application/json", body.to_string())
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        key: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> (StatusCode, Value) {
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = r.status();
        let text = r.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn ingest(&self, key: &str, events: Vec<Value>) -> (StatusCode, Value) {
        self.post_json("/v1/events", key, &json!({ "events": events }))
            .await
    }

    /// Creates an org through the operator API, plus read and write keys.
    pub async fn org(&self, slug: &str) -> OrgKeys {
        let (s, v) = self
            .post_json(
                "/v1/orgs",
                OPERATOR,
                &json!({ "slug": slug, "name": format!("{slug} Inc") }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let admin = v["admin_key"]["secret"]
            .as_str()
            .expect("secret")
            .to_string();
        let key = |scope: &'static str| {
            let admin = admin.clone();
            async move {
                let (s, v) = self
                    .post_json(
                        &format!("/v1/orgs/{slug}/keys"),
                        &admin,
                        &json!({ "scope": scope, "name": scope }),
                    )
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{v}");
                v["secret"].as_str().expect("secret").to_string()
            }
        };
        let read = key("read").await;
        let write = key("write").await;
        OrgKeys { admin, read, write }
    }

    /// Every event of the org, oldest first, following cursors.
    pub async fn all_events(&self, key: &str, filters: &str) -> Vec<Value> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/v1/events?order=asc&limit=1000{filters}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let (s, v) = self.get_json(&path, key).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            out.extend(v["events"].as_array().expect("events").iter().cloned());
            match v["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return out,
            }
        }
    }
}

/// A valid event; `n` makes names and ids distinct.
pub fn event(action: &str, n: usize) -> Value {
    let entity_type = action.split('.').next().unwrap();
    json!({
        "action": action,
        "entity": { "type": entity_type, "id": format!("{entity_type}_{n}"), "name": format!("{entity_type} number {n}") },
        "actor": { "type": "user", "id": format!("u_{}", n % 3), "name": format!("Agent {}", n % 3), "email": format!("agent{}@acme.test", n % 3) },
        "context": { "ip": "203.0.113.5", "user_agent": "test" }
    })
}

pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("<no error code>")
}

/// The built `auditlog` binary.
pub fn bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_auditlog"))
}

/// Runs `cmd`, asserts it succeeded, returns its stdout.
pub fn run_ok(cmd: &mut std::process::Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The hashes of a proof answer (`{"proof": [base64, ...]}`).
pub fn proof(v: &Value) -> Vec<auditlog::model::merkle::Hash> {
    v["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| auditlog::service::integrity::unb64(h.as_str().unwrap()).unwrap())
        .collect()
}

/// The log's seqs (events and recorded reads together) run 1..=n without a gap.
pub fn assert_gapless(mut seqs: Vec<u64>, when: &str) {
    seqs.sort_unstable();
    assert!(
        seqs.iter().enumerate().all(|(i, s)| *s == i as u64 + 1),
        "{when}: seq has gaps (n = {}, max = {:?})",
        seqs.len(),
        seqs.last()
    );
}
