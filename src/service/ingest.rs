//! Ingest: a request body split into one JSON text per event (without building JSON trees),
//! the batch limits, validation of every event (`validate.rs`), and the append.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

use super::{
    BodyFormat, FieldError, IngestReport, Principal, Service, ServiceError, error, validate,
};
use crate::model::chain::PreparedEvent;
use crate::model::time::now_micros;
use crate::model::{Org, Scope};

/// The right to append to one org's log: `p`'s write scope, checked once by
/// [`Service::write_access`] (before a request's body is read) and carried to
/// [`Service::ingest`].
#[derive(Debug, Clone, Copy)]
pub struct WriteAccess<'p> {
    org: &'p Org,
}

impl Service {
    /// Checks that `p` may write events: the first step of an ingest, before its body is read.
    pub fn write_access<'p>(&self, p: &'p Principal) -> Result<WriteAccess<'p>, ServiceError> {
        Ok(WriteAccess {
            org: self.org_for(p, Scope::Write)?,
        })
    }

    /// Parses, validates and stores a batch. All or nothing.
    pub async fn ingest(
        &self,
        access: WriteAccess<'_>,
        body: &[u8],
        format: BodyFormat,
    ) -> Result<IngestReport, ServiceError> {
        let text = std::str::from_utf8(body).map_err(|e| {
            ServiceError::invalid(format!(
                "the body is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            ))
        })?;
        let events = split_body(text, format)?;
        self.ingest_checked(access.org, &events, true).await
    }

    /// Validates and stores events given as JSON values (tools and the demo seeder).
    pub async fn ingest_values(
        &self,
        p: &Principal,
        values: Vec<Value>,
    ) -> Result<IngestReport, ServiceError> {
        let access = self.write_access(p)?;
        let texts: Vec<String> = values.iter().map(Value::to_string).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        self.ingest_checked(access.org, &refs, false).await
    }

    /// Validates and stores events given as JSON texts, one per event. All or nothing.
    /// `from_client`: refuse the actions only the service records (`access.rs`:
    /// reads of the log, retention purges).
    async fn ingest_checked(
        &self,
        org: &Org,
        values: &[&str],
        from_client: bool,
    ) -> Result<IngestReport, ServiceError> {
        if values.is_empty() {
            return Err(ServiceError::invalid("the request holds no events"));
        }
        if values.len() > self.limits.max_batch_events {
            return Err(ServiceError::PayloadTooLarge(format!(
                "the batch has {} events; the limit is {}",
                values.len(),
                self.limits.max_batch_events
            )));
        }
        let now = now_micros();
        let view = self.catalog_of(org).await?;
        let catalog = &view.catalog;
        let mut errors = Vec::new();
        let mut deprecated = Vec::new();
        let mut prepared: Vec<PreparedEvent> = Vec::with_capacity(values.len());
        for (index, v) in values.iter().enumerate() {
            if let Some(ev) = validate::prepare(catalog, &org.slug, index, v, now, &mut errors) {
                if catalog
                    .action(&ev.action)
                    .and_then(|a| a.custom.as_ref())
                    .is_some_and(|r| r.deprecated)
                {
                    deprecated.push((index, ev.action.clone()));
                    continue;
                }
                if from_client && let Some(message) = self.reserved_action(&ev.action) {
                    errors.push(FieldError {
                        index,
                        field: "action".into(),
                        message,
                    });
                    continue;
                }
                prepared.push(ev);
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::InvalidEvent(errors));
        }
        if !deprecated.is_empty() {
            return Err(ServiceError::ActionDeprecated(deprecated));
        }
        let events = self.store.append(org, prepared).await?;
        let duplicates = events.iter().filter(|e| e.duplicate).count();
        Ok(IngestReport {
            accepted: events.len() - duplicates,
            duplicates,
            events,
        })
    }
}

/// Splits a request body into the JSON text of each event without building JSON trees:
/// one object, `{"events": [...]}`, a JSON array, or NDJSON (one object per line).
/// Malformed JSON names the line and column.
pub fn split_body(text: &str, format: BodyFormat) -> Result<Vec<&str>, ServiceError> {
    let malformed = |e: serde_json::Error, line_offset: usize| ServiceError::InvalidRequest {
        message: format!(
            "malformed JSON at line {} column {}: {}",
            e.line() + line_offset,
            e.column(),
            error::json_message(&e)
        ),
        details: Some(serde_json::json!({ "line": e.line() + line_offset, "column": e.column() })),
    };
    match format {
        BodyFormat::Ndjson => {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let raw: &RawValue = serde_json::from_str(line).map_err(|e| malformed(e, i))?;
                out.push(raw.get());
            }
            Ok(out)
        }
        BodyFormat::Json => match text.trim_start().as_bytes().first() {
            Some(b'[') => {
                let items: Vec<&RawValue> =
                    serde_json::from_str(text).map_err(|e| malformed(e, 0))?;
                Ok(items.into_iter().map(RawValue::get).collect())
            }
            Some(b'{') => {
                let top: TopMembers<'_> =
                    serde_json::from_str(text).map_err(|e| malformed(e, 0))?;
                let top = top.0;
                match top.get("events") {
                    None => Ok(vec![text]),
                    Some(_) if top.len() != 1 => Err(ServiceError::invalid(
                        "a batch object holds only \"events\"",
                    )),
                    Some(events) => {
                        let items: Vec<&RawValue> =
                            serde_json::from_str(events.get()).map_err(|_| {
                                ServiceError::invalid(
                                    "\"events\" must be an array of event objects",
                                )
                            })?;
                        Ok(items.into_iter().map(RawValue::get).collect())
                    }
                }
            }
            _ => {
                // Let the parser say what is wrong, or say what shape is expected.
                serde_json::from_str::<&RawValue>(text).map_err(|e| malformed(e, 0))?;
                Err(ServiceError::invalid(
                    "the body must be an event object, {\"events\": [...]}, or an array of events",
                ))
            }
        },
    }
}

/// The members of a top-level JSON object, unparsed. `events` given twice is an error: with
/// `{"events": [a], "events": [b]}` one reader would store `a` and another `b`. (Other
/// repeated members are left to event validation, which names them.)
struct TopMembers<'a>(BTreeMap<Cow<'a, str>, &'a RawValue>);

impl<'de> serde::Deserialize<'de> for TopMembers<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = TopMembers<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    if key == "events" && out.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate member {key:?}"
                        )));
                    }
                    out.insert(key, value);
                }
                Ok(TopMembers(out))
            }
        }
        d.deserialize_map(Visit)
    }
}
