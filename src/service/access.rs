//! Reads of the audit log are themselves recorded: `audit_log.viewed` (list, one event,
//! summary, histogram) and `audit_log.exported`, in the `access` category, for the reader's
//! own org, through the normal append path (hash chain, Merkle tree, rollups).
//!
//! Rules:
//! - A view is recorded after its answer is computed, so a listing never holds its own view.
//!   An export is recorded when it starts, before its first byte (data may leave even if the
//!   transfer breaks later), so an export that asks for `category=access` includes itself.
//! - Views are coalesced: at most one event per key, endpoint and normalized query (the
//!   query without `cursor`, list values sorted) per [`COALESCE_WINDOW`], so paging and a
//!   busy dashboard do not flood the log. Every export is recorded.
//! - Listings, counts and exports leave the `access` category out unless the request names
//!   an action filter (`query::parse_filters`).
//! - Recording never fails the read: a failed append is logged and the next read retries.
//! - Clients cannot send `access` actions themselves, nor `audit_log.purged` (written by the
//!   retention purge): `Service::ingest` refuses every action the catalog marks
//!   `Action::service_only`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;

use super::requests::{Given, Recorded};
use super::{Principal, Service, SystemActor};
use crate::model::time::format_micros;

/// The catalog category of reads of the log.
pub const CATEGORY: &str = "access";
pub const VIEWED: &str = "audit_log.viewed";
pub const EXPORTED: &str = "audit_log.exported";
/// The record of a retention purge (category `compliance`), also written by the service only.
pub const PURGED: &str = "audit_log.purged";
/// One view event per key, endpoint and query in this window.
pub const COALESCE_WINDOW: Duration = Duration::from_secs(60);
/// Most (key, endpoint, query) entries remembered; older ones are dropped first.
const MAX_ENTRIES: usize = 10_000;
/// Longest query value kept in an event's metadata (the 16 KiB metadata limit).
const MAX_VALUE_CHARS: usize = 500;
/// Which read endpoint was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReadKind {
    List,
    Get,
    Summary,
    Histogram,
    Export,
}

impl ReadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadKind::List => "list",
            ReadKind::Get => "get",
            ReadKind::Summary => "summary",
            ReadKind::Histogram => "histogram",
            ReadKind::Export => "export",
        }
    }
}

type SeenKey = (String, ReadKind, String);

/// When each (key, endpoint, query) was last recorded.
#[derive(Default)]
pub(super) struct Coalescer {
    seen: Mutex<HashMap<SeenKey, Instant>>,
}

impl Coalescer {
    /// Whether a view should be recorded now; if so, remembers it.
    fn claim(&self, key: &SeenKey) -> bool {
        let Ok(mut map) = self.seen.lock() else {
            return true;
        };
        let now = Instant::now();
        if map
            .get(key)
            .is_some_and(|at| now.duration_since(*at) < COALESCE_WINDOW)
        {
            return false;
        }
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, at| now.duration_since(*at) < COALESCE_WINDOW);
            if map.len() >= MAX_ENTRIES {
                // all recent: drop the oldest half
                let mut times: Vec<Instant> = map.values().copied().collect();
                times.sort_unstable();
                let cut = times[times.len() / 2];
                map.retain(|_, at| *at > cut);
            }
        }
        map.insert(key.clone(), now);
        true
    }

    /// Forgets a claim whose event could not be stored, so the next read records it.
    fn release(&self, key: &SeenKey) {
        if let Ok(mut map) = self.seen.lock() {
            map.remove(key);
        }
    }
}

/// The query as recorded and compared: the parameters `req` named, sorted, `cursor`
/// dropped, list values trimmed, sorted and deduplicated, other values trimmed.
pub fn normalize_query(req: &impl Recorded) -> BTreeMap<String, String> {
    req.given()
        .into_iter()
        .filter(|(k, _)| *k != "cursor")
        .map(|(k, v)| {
            let v = match v {
                Given::List(items) => {
                    let mut items: Vec<&str> = items.iter().map(|s| s.trim()).collect();
                    items.retain(|s| !s.is_empty());
                    items.sort_unstable();
                    items.dedup();
                    items.join(",")
                }
                Given::Scalar(v) => v.trim().to_string(),
            };
            (k.to_string(), v)
        })
        .collect()
}

/// A value with every comma-separated item that holds an API key or viewer token replaced:
/// a secret pasted into a filter must not be stored.
fn redact_credentials(value: &str) -> String {
    if !value.contains("alk_") && !value.contains("avt1.") {
        return value.to_string();
    }
    value
        .split(',')
        .map(|item| {
            if item.contains("alk_") || item.contains("avt1.") {
                "[redacted credential]"
            } else {
                item
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// What a read returned, for the event's metadata.
#[derive(Debug, Clone, Default)]
pub struct ReadFacts {
    /// Events or groups answered (`rows`), when cheap to know.
    pub rows: Option<u64>,
    /// Export or report format.
    pub format: Option<&'static str>,
}

impl Service {
    /// Records that `p` read its org's log through `kind` with `query` (the query as run,
    /// after a viewer token's narrowing). Coalesced for views; never fails the read.
    pub(super) async fn record_read(
        &self,
        p: &Principal,
        kind: ReadKind,
        query: BTreeMap<String, String>,
        facts: ReadFacts,
    ) {
        let (org, key_id, credential) = match p {
            Principal::Key { key_id, org, .. } => (org, key_id, "api_key"),
            Principal::Viewer { key_id, org, .. } => (org, key_id, "viewer_token"),
            // the operator reads no events; nothing to record for an org
            Principal::Operator | Principal::OperatorCommand(_) => return,
            // the service's own writers read nothing
            Principal::System(_) => return,
        };
        let normalized = serde_json::to_string(&query).unwrap_or_default();
        // a key and the viewer tokens it minted are told apart
        let seen: SeenKey = (format!("{credential}:{key_id}"), kind, normalized);
        if kind != ReadKind::Export && !self.access_seen.claim(&seen) {
            return;
        }
        let key_name = match self.store.list_keys(org).await {
            Ok(keys) => keys
                .into_iter()
                .find(|k| &k.id == key_id)
                .map(|k| k.name)
                .filter(|n| !n.is_empty()),
            Err(_) => None,
        };
        let mut truncated = false;
        let query: BTreeMap<String, String> = query
            .into_iter()
            .map(|(k, v)| {
                let v = redact_credentials(&v);
                if v.chars().count() > MAX_VALUE_CHARS {
                    truncated = true;
                    (k, v.chars().take(MAX_VALUE_CHARS).collect())
                } else {
                    (k, v)
                }
            })
            .collect();
        let mut actor = json!({ "type": "system", "id": key_id });
        if let Some(name) = &key_name {
            actor["name"] = json!(name);
        }
        let mut metadata = json!({
            "endpoint": kind.as_str(),
            "query": query,
            "credential": credential,
            "key_id": key_id,
        });
        if let Some(name) = &key_name {
            metadata["key_name"] = json!(name);
        }
        if truncated {
            metadata["query_truncated"] = json!(true);
        }
        if let Some(rows) = facts.rows {
            metadata["rows"] = json!(rows);
        }
        if let Some(format) = facts.format {
            metadata["format"] = json!(format);
        }
        if kind != ReadKind::Export {
            metadata["coalesce_seconds"] = json!(COALESCE_WINDOW.as_secs());
        }
        if let Principal::Viewer {
            categories,
            expires_at,
            ..
        } = p
        {
            metadata["token_categories"] = json!(categories);
            metadata["token_expires_at"] = json!(format_micros(expires_at * 1_000_000));
        }
        let event = json!({
            "action": if kind == ReadKind::Export { EXPORTED } else { VIEWED },
            "entity": { "type": "audit_log", "id": org.slug, "name": "Audit log" },
            "actor": actor,
            "metadata": metadata,
        });
        let writer = Principal::System(SystemActor::AccessLog(org.clone()));
        if let Err(e) = self.ingest_values(&writer, vec![event]).await {
            self.access_seen.release(&seen);
            tracing::warn!(error = %e, org.slug = %org.slug, "could not record a read of the log");
        }
    }

    /// Why a client may not send `action`: `Some(message)` for the actions only the service
    /// itself records (`Action::service_only`), `None` for the others.
    pub(super) fn reserved_action(&self, action: &str) -> Option<String> {
        let a = self.catalog.action(action).filter(|a| a.service_only())?;
        let when = if a.category == CATEGORY {
            " when the log is read"
        } else if a.category == super::admin::CATEGORY {
            " with the administrative change it records"
        } else if a.name == PURGED {
            " when retention deletes old events"
        } else {
            ""
        };
        Some(format!(
            "{} is recorded by the service itself{when}; clients cannot send it",
            a.name
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_drops_the_cursor_and_sorts_lists() {
        use crate::service::requests::{EventFilters, ListRequest};
        let list = |category: &[&str], cursor: Option<&str>| ListRequest {
            filters: EventFilters {
                category: Some(category.iter().map(|c| c.to_string()).collect()),
                ..EventFilters::default()
            },
            limit: Some("10".into()),
            cursor: cursor.map(str::to_string),
            ..ListRequest::default()
        };
        let a = normalize_query(&list(&["security", "activity"], Some("c1.x")));
        let b = normalize_query(&list(&["activity", " security", "activity"], None));
        assert_eq!(a, b);
        assert!(!a.contains_key("cursor"));
        assert_eq!(a["category"], "activity,security");
        assert_eq!(a["limit"], "10");
    }

    #[test]
    fn credentials_in_filters_are_redacted() {
        let key = "alk_ffba8bcc474b0e7a20710e5c28962a1ce4d40e2a4d47882b9b2147fe";
        assert_eq!(
            redact_credentials(&format!("t_1,{key},t_2")),
            "t_1,[redacted credential],t_2"
        );
        assert_eq!(redact_credentials("avt1.eyJ.x"), "[redacted credential]");
        assert_eq!(redact_credentials("t_1,t_2"), "t_1,t_2");
    }

    #[test]
    fn coalescing_remembers_within_the_window_and_stays_bounded() {
        let c = Coalescer::default();
        let k = |i: usize| (format!("key_{i}"), ReadKind::List, String::new());
        assert!(c.claim(&k(0)));
        assert!(!c.claim(&k(0)));
        assert!(c.claim(&(k(0).0, ReadKind::Summary, String::new())));
        c.release(&k(0));
        assert!(c.claim(&k(0)));
        for i in 1..=MAX_ENTRIES + 10 {
            c.claim(&k(i));
        }
        assert!(c.seen.lock().unwrap().len() <= MAX_ENTRIES);
    }
}
