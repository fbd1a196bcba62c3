//! The event endpoints' answers: the ingest receipt, a page of events, Event Counts and the
//! histogram. The page of events is described here but not built: its handler splices the
//! stored canonical bodies into the text it sends, without parsing them again.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::api::doc_only::StoredEvent;
use crate::service::IngestReport;
use crate::service::report;
use crate::store::Appended;

#[derive(Debug, serde::Serialize, ToSchema)]
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

#[derive(Debug, serde::Serialize, ToSchema)]
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

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct EventPage {
    // the stored canonical bodies, spliced in as they are
    #[schema(value_type = Vec<StoredEvent>)]
    pub events: Vec<Box<RawValue>>,
    /// `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Summary {
    pub group_by: Vec<String>,
    /// Each group has `count` and one member per `group_by` dimension (an `actor` is
    /// `{"type", "id", "name"}`).
    pub groups: Vec<SummaryGroup>,
    pub total: u64,
    /// `true` when `limit` cut groups off.
    pub truncated: bool,
}

impl From<&report::Summary> for Summary {
    fn from(s: &report::Summary) -> Self {
        Summary {
            group_by: s.group_by.iter().map(|d| d.name().to_string()).collect(),
            groups: s.groups.iter().map(SummaryGroup::from).collect(),
            total: s.total,
            truncated: s.truncated,
        }
    }
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct SummaryGroup {
    /// One member per `group_by` dimension.
    #[serde(flatten)]
    #[schema(value_type = BTreeMap<String, serde_json::Value>)]
    pub dimensions: Dimensions,
    pub count: u64,
}

impl From<&report::Group> for SummaryGroup {
    fn from(g: &report::Group) -> Self {
        SummaryGroup {
            dimensions: Dimensions(
                g.key
                    .iter()
                    .map(|(d, v)| (d.name(), DimensionValue::from(v)))
                    .collect(),
            ),
            count: g.count,
        }
    }
}

/// A group's dimensions, sent as members named by the dimension, in `group_by` order.
#[derive(Debug)]
pub struct Dimensions(pub Vec<(&'static str, DimensionValue)>);

impl Serialize for Dimensions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// One dimension's value: text, `null`, or (`actor`) an object.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
pub enum DimensionValue {
    Text(Option<String>),
    Actor(SummaryActor),
}

impl From<&report::DimValue> for DimensionValue {
    fn from(v: &report::DimValue) -> Self {
        match v {
            report::DimValue::Null => DimensionValue::Text(None),
            report::DimValue::Text(t) => DimensionValue::Text(Some(t.clone())),
            report::DimValue::Actor(a) => DimensionValue::Actor(SummaryActor {
                kind: a.kind.clone(),
                id: a.id.clone(),
                name: a.name.clone(),
            }),
        }
    }
}

/// A group's `actor`: `id` is `null` for the system actor.
#[derive(Debug, serde::Serialize)]
pub struct SummaryActor {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Option<String>,
    pub name: String,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Histogram {
    pub interval: String,
    pub tz: String,
    pub stack: Option<String>,
    pub keys: Vec<String>,
    pub buckets: Vec<HistogramBucket>,
    pub total: u64,
}

impl From<&report::Histogram> for Histogram {
    fn from(h: &report::Histogram) -> Self {
        Histogram {
            interval: h.interval.name().to_string(),
            tz: h.tz.iana_name().unwrap_or("UTC").to_string(),
            stack: h.stack.map(|s| s.name().to_string()),
            keys: h.keys.clone(),
            buckets: h.buckets.iter().map(HistogramBucket::from).collect(),
            total: h.total,
        }
    }
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct HistogramBucket {
    /// The bucket's local start with that moment's offset.
    pub start: String,
    pub label: String,
    pub total: u64,
    pub counts: BTreeMap<String, u64>,
}

impl From<&report::Bucket> for HistogramBucket {
    fn from(b: &report::Bucket) -> Self {
        HistogramBucket {
            start: b.start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            label: b.label.clone(),
            total: b.total,
            counts: b.counts.clone(),
        }
    }
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

    #[test]
    fn a_summary_group_names_its_dimensions_in_group_by_order_then_count() {
        use crate::service::report::{Dim, DimValue, Group, GroupActor};
        let summary = report::Summary {
            group_by: vec![Dim::Verb, Dim::Actor, Dim::ViaType],
            groups: vec![
                Group {
                    key: vec![
                        (Dim::Verb, DimValue::Text("created".into())),
                        (
                            Dim::Actor,
                            DimValue::Actor(GroupActor {
                                kind: "system".into(),
                                id: None,
                                name: "System".into(),
                            }),
                        ),
                        (Dim::ViaType, DimValue::Null),
                    ],
                    count: 3,
                },
                Group {
                    key: vec![
                        (Dim::Verb, DimValue::Null),
                        (
                            Dim::Actor,
                            DimValue::Actor(GroupActor {
                                kind: "user".into(),
                                id: Some("u_1".into()),
                                name: "Ana Lima".into(),
                            }),
                        ),
                        (Dim::ViaType, DimValue::Text("rule".into())),
                    ],
                    count: 1,
                },
            ],
            total: 4,
            truncated: false,
        };
        let text = serde_json::to_string(&Summary::from(&summary)).expect("json");
        assert_eq!(
            text,
            concat!(
                r#"{"group_by":["verb","actor","via_type"],"groups":["#,
                r#"{"verb":"created","actor":{"type":"system","id":null,"name":"System"},"via_type":null,"count":3},"#,
                r#"{"verb":null,"actor":{"type":"user","id":"u_1","name":"Ana Lima"},"via_type":"rule","count":1}"#,
                r#"],"total":4,"truncated":false}"#
            )
        );
    }
}
