//! Event validation: turns a client's JSON into a [`PreparedEvent`] or says exactly what is
//! wrong, field by field. The limits are documented in docs/api.md.

use super::error::FieldError;
use crate::model::Catalog;
use crate::model::chain::{EventParts, PreparedEvent};
use crate::model::event::{ActorType, EventInput};
use crate::model::time::{format_micros, parse_rfc3339_micros};

/// Client-supplied event ids: 1 to 128 of `A-Z a-z 0-9 . _ : -`.
pub const MAX_EVENT_ID: usize = 128;
/// Ids of entities, actors, automations, related objects; field names; roles.
pub const MAX_REF: usize = 256;
/// Display names.
pub const MAX_NAME: usize = 512;
pub const MAX_EMAIL: usize = 320;
pub const MAX_USER_AGENT: usize = 1024;
pub const MAX_RELATED: usize = 50;
pub const MAX_CHANGES: usize = 100;
/// `metadata` as canonical JSON.
pub const MAX_METADATA: usize = 16 * 1024;
/// The whole stored event.
pub const MAX_EVENT: usize = 64 * 1024;
/// How far in the future `occurred_at` may be (clock skew allowance).
pub const MAX_FUTURE_MICROS: i64 = 5 * 60 * 1_000_000;

struct Errors<'a> {
    index: usize,
    out: &'a mut Vec<FieldError>,
}

impl Errors<'_> {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.out.push(FieldError {
            index: self.index,
            field: field.into(),
            message: message.into(),
        });
    }

    /// Text that ends up in names and ids: bounded, non-empty, no control or bidirectional
    /// override characters (they would corrupt what readers see).
    fn text(&mut self, field: &str, value: &str, max: usize) {
        if value.is_empty() {
            self.add(field, "must not be empty (omit the member instead)");
        } else if value.len() > max {
            self.add(
                field,
                format!("is {} bytes; the limit is {max} bytes", value.len()),
            );
        } else if let Some(c) = value.chars().find(|c| is_forbidden_char(*c)) {
            self.add(
                field,
                format!(
                    "contains the control or bidirectional character U+{:04X}",
                    c as u32
                ),
            );
        }
    }

    /// An identifier: text that list filters can also select, so no commas and no
    /// leading or trailing whitespace.
    fn ident(&mut self, field: &str, value: &str) {
        let before = self.out.len();
        self.text(field, value, MAX_REF);
        if self.out.len() == before {
            if value.contains(',') {
                self.add(field, "must not contain ',' (list filters split on commas)");
            } else if value.trim() != value {
                self.add(field, "must not start or end with whitespace");
            }
        }
    }

    fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            self.text(field, v, max);
        }
    }

    /// A display name: like [`Self::text`], but a name may span lines (`\n`, `\r\n`, `\t`
    /// are kept; exports quote them).
    fn name(&mut self, field: &str, value: Option<&str>) {
        let Some(v) = value else { return };
        if v.is_empty() {
            self.add(field, "must not be empty (omit the member instead)");
        } else if v.len() > MAX_NAME {
            self.add(
                field,
                format!("is {} bytes; the limit is {MAX_NAME} bytes", v.len()),
            );
        } else if let Some(c) = v
            .chars()
            .find(|c| is_forbidden_char(*c) && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.add(
                field,
                format!(
                    "contains the control or bidirectional character U+{:04X}",
                    c as u32
                ),
            );
        }
    }
}

/// Control characters and bidirectional overrides/isolates: never allowed in names and ids.
pub fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Ids that would collide with routes under /v1/events/.
pub const RESERVED_IDS: &[&str] = &["summary", "histogram", "export"];

pub fn valid_event_id(id: &str) -> bool {
    !RESERVED_IDS.contains(&id)
        && !id.is_empty()
        && id.len() <= MAX_EVENT_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// Deserializes and validates one event from its JSON text. `now` is the receipt time in
/// microseconds.
pub fn prepare(
    catalog: &Catalog,
    org: &str,
    index: usize,
    raw: &str,
    now: i64,
    errors: &mut Vec<FieldError>,
) -> Option<PreparedEvent> {
    let before = errors.len();
    if !raw.trim_start().starts_with('{') {
        errors.push(FieldError {
            index,
            field: String::new(),
            message: "an event must be a JSON object".into(),
        });
        return None;
    }
    // The plain parser first (the common case, and faster); only a failure pays for the
    // path-tracking one that names the field.
    let parsed = serde_json::from_str::<EventInput>(raw).or_else(|_| {
        let de = &mut serde_json::Deserializer::from_str(raw);
        serde_path_to_error::deserialize::<_, EventInput>(de)
    });
    let mut input: EventInput = match parsed {
        Ok(i) => i,
        Err(e) => {
            let path = e.path().to_string();
            let field = if path == "." { String::new() } else { path };
            errors.push(FieldError {
                index,
                field,
                message: super::error::json_message(e.inner()),
            });
            return None;
        }
    };
    let mut err = Errors { index, out: errors };

    let (id, id_generated) = match &input.id {
        Some(id) if valid_event_id(id) => (id.clone(), false),
        Some(_) => {
            err.add(
                "id",
                format!(
                    "must be 1 to {MAX_EVENT_ID} characters of A-Z, a-z, 0-9, '.', '_', ':', '-', and not summary, histogram or export"
                ),
            );
            (String::new(), false)
        }
        None => (format!("evt_{}", crate::model::new_ulid()), true),
    };

    let occurred_at = match &input.occurred_at {
        None => now,
        Some(s) => match parse_rfc3339_micros(s) {
            Ok(t) if t > now + MAX_FUTURE_MICROS => {
                err.add("occurred_at", "is more than 5 minutes in the future");
                now
            }
            Ok(t) if t < 0 => {
                err.add("occurred_at", "is before 1970-01-01");
                now
            }
            Ok(t) => {
                // normalized, so that the idempotency check ignores formatting differences
                input.occurred_at = Some(format_micros(t));
                t
            }
            Err(m) => {
                err.add("occurred_at", m);
                now
            }
        },
    };

    let action = catalog.action(&input.action);
    match action {
        None => err.add(
            "action",
            format!("unknown action {:?}; see GET /v1/catalog", input.action),
        ),
        Some(a) if a.entity_type != input.entity.kind => err.add(
            "entity.type",
            format!(
                "must be {:?} for action {}, got {:?}",
                a.entity_type, a.name, input.entity.kind
            ),
        ),
        Some(_) => {}
    }
    err.ident("entity.id", &input.entity.id);
    err.name("entity.name", input.entity.name.as_deref());

    let actor = &input.actor;
    match (actor.kind, &actor.id) {
        (ActorType::User, None) => err.add("actor.id", "is required for a user actor"),
        (_, Some(id)) => err.ident("actor.id", id),
        _ => {}
    }
    err.name("actor.name", actor.name.as_deref());
    if let Some(email) = &actor.email {
        err.text("actor.email", email, MAX_EMAIL);
        let parts: Vec<&str> = email.split('@').collect();
        if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
            err.add("actor.email", "is not an email address");
        }
    }
    if let Some(via) = &input.via {
        if let Some(id) = &via.id {
            err.ident("via.id", id);
        }
        err.name("via.name", via.name.as_deref());
    }

    if input.related.len() > MAX_RELATED {
        err.add(
            "related",
            format!(
                "has {} entries; the limit is {MAX_RELATED}",
                input.related.len()
            ),
        );
    }
    for (i, r) in input.related.iter().enumerate().take(MAX_RELATED) {
        if !catalog.has_entity_type(&r.kind) {
            err.add(
                format!("related[{i}].type"),
                format!("unknown entity type {:?}; see GET /v1/catalog", r.kind),
            );
        }
        err.ident(&format!("related[{i}].id"), &r.id);
        err.opt_text(&format!("related[{i}].role"), r.role.as_deref(), MAX_REF);
        err.name(&format!("related[{i}].name"), r.name.as_deref());
    }

    if input.changes.len() > MAX_CHANGES {
        err.add(
            "changes",
            format!(
                "has {} entries; the limit is {MAX_CHANGES}",
                input.changes.len()
            ),
        );
    }
    let custom = action.and_then(|a| a.custom.as_deref());
    for (i, c) in input.changes.iter().enumerate().take(MAX_CHANGES) {
        err.text(&format!("changes[{i}].field"), &c.field, MAX_REF);
        if let Some(allowed) = custom.and_then(|r| r.change_fields.as_ref())
            && !allowed.contains(&c.field)
        {
            err.add(
                format!("changes[{i}].field"),
                format!(
                    "{:?} is not one of the fields action {} declares (change_fields in GET /v1/catalog)",
                    c.field, input.action
                ),
            );
        }
    }

    let ctx = &input.context;
    if let Some(ip) = &ctx.ip
        && ip.parse::<std::net::IpAddr>().is_err()
    {
        err.add("context.ip", "is not an IPv4 or IPv6 address");
    }
    err.opt_text(
        "context.user_agent",
        ctx.user_agent.as_deref(),
        MAX_USER_AGENT,
    );
    err.opt_text("context.request_id", ctx.request_id.as_deref(), MAX_REF);
    err.opt_text("context.session_id", ctx.session_id.as_deref(), MAX_REF);

    let metadata_jcs = if input.metadata.is_empty() {
        "{}".to_string()
    } else {
        match crate::model::chain::metadata_jcs(&input.metadata) {
            Ok(s) => s,
            Err(e) => {
                err.add("metadata", format!("cannot be canonicalized: {e}"));
                String::new()
            }
        }
    };
    let meta_len = metadata_jcs.len();
    if meta_len > MAX_METADATA {
        err.add(
            "metadata",
            format!("is {meta_len} bytes as JSON; the limit is {MAX_METADATA}"),
        );
    } else if let Some(schema) = custom.and_then(|r| r.metadata_schema.as_deref()) {
        // the compiled schema of the action's current version (cached by the service)
        let metadata = serde_json::Value::Object(std::mem::take(&mut input.metadata));
        for (field, message) in super::catalog_rules::metadata_errors(schema, &metadata) {
            err.add(field, message);
        }
    }

    if errors.len() > before {
        return None;
    }
    let action = action?;
    let prepared = PreparedEvent::new(EventParts {
        id: &id,
        id_generated,
        org,
        occurred_at,
        category: &action.category,
        action: &action.name,
        entity: &input.entity,
        actor: &input.actor,
        via: input.via.as_ref(),
        related: &input.related,
        changes: &input.changes,
        context: &input.context,
        metadata_jcs: &metadata_jcs,
        occurred_at_given: input.occurred_at.is_some(),
        schema_version: action.custom.as_ref().map(|r| r.version),
    });
    match prepared {
        Ok(p) if p.approx_len() > MAX_EVENT => {
            errors.push(FieldError {
                index,
                field: String::new(),
                message: format!(
                    "event is about {} bytes stored; the limit is {MAX_EVENT}",
                    p.approx_len()
                ),
            });
            None
        }
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(FieldError {
                index,
                field: String::new(),
                message: format!("cannot be canonicalized: {e}"),
            });
            None
        }
    }
}
