//! The event endpoints' answers: the ingest receipt, a page of events, Event Counts and the
//! histogram. Only the document uses them today: the handlers of `api/events.rs` still
//! build their JSON (or splice stored bodies) while their input side is being typed; they
//! are to send these views once that is merged.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::api::doc_only::StoredEvent;
use crate::service::IngestReport;
use crate::store::Appended;

#[derive(Debug, Serialize, ToSchema)]
pub struct IngestReceipt {
    /// New events stored.
    pub accepted: u64,
    /// Events recognised as repeats (same id, same content).
    pub duplicates: u64,
    /// One entry per event sent, in request order.
    pub events: Vec<IngestedEvent>,
}

impl From<&IngestReport> for IngestReceipt {
    fn from(r: &IngestReport) -> Self {
        IngestReceipt {
            accepted: r.accepted as u64,
            duplicates: r.duplicates as u64,
            events: r.events.iter().map(IngestedEvent::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IngestedEvent {
    pub id: String,
    #[schema(minimum = 1)]
    pub seq: u64,
    /// Present (and `true`) for a duplicate; `seq` is then the original's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<bool>,
}

impl From<&Appended> for IngestedEvent {
    fn from(e: &Appended) -> Self {
        IngestedEvent {
            id: e.id.clone(),
            seq: e.seq,
            duplicate: e.duplicate.then_some(true),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    // the stored canonical bodies, spliced in as they are
    #[schema(value_type = Vec<StoredEvent>)]
    pub events: Vec<Box<RawValue>>,
    /// `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    pub group_by: Vec<String>,
    /// Each group has `count` and one member per `group_by` dimension (an `actor` is
    /// `{"type", "id", "name"}`).
    pub groups: Vec<SummaryGroup>,
    pub total: u64,
    /// `true` when `limit` cut groups off.
    pub truncated: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryGroup {
    pub count: u64,
    /// One member per `group_by` dimension.
    #[serde(flatten)]
    pub dimensions: BTreeMap<String, Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Histogram {
    pub interval: String,
    pub tz: String,
    pub stack: Option<String>,
    pub keys: Vec<String>,
    pub buckets: Vec<HistogramBucket>,
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistogramBucket {
    /// The bucket's local start with that moment's offset.
    pub start: String,
    pub label: String,
    pub total: u64,
    pub counts: BTreeMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_is_marked_and_a_new_event_is_not() {
        let report = IngestReport {
            accepted: 1,
            duplicates: 1,
            events: vec![
                Appended {
                    id: "a".into(),
                    seq: 1,
                    duplicate: false,
                },
                Appended {
                    id: "b".into(),
                    seq: 2,
                    duplicate: true,
                },
            ],
        };
        let v = serde_json::to_value(IngestReceipt::from(&report)).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "accepted": 1,
                "duplicates": 1,
                "events": [{ "id": "a", "seq": 1 }, { "id": "b", "seq": 2, "duplicate": true }],
            })
        );
    }
}
