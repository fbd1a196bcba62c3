//! The event as a client sends it. The stored event adds `seq`, `org`, `category`,
//! `recorded_at`, `prev_hash` and `hash` (see `service::chain`).
//!
//! Serde attributes here define the wire format: unknown fields are rejected, optional
//! members are omitted (never `null`) when absent. Fields are declared in the sorted order
//! of their JSON names, so that serde_json writes them canonically (see `model::chain`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<String>,
    pub action: String,
    pub entity: EntityRef,
    pub actor: Actor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<Via>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub related: Vec<Related>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub changes: Vec<Change>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub context: Context,
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `null` means the same as leaving the member out.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActorType {
    User,
    System,
}

impl ActorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorType::User => "user",
            ActorType::System => "system",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: ActorType,
}

impl Actor {
    /// "Performed By": the user's name, else email, else id; `System` for a system actor.
    pub fn performed_by(&self) -> &str {
        match self.kind {
            ActorType::System => "System",
            ActorType::User => self
                .name
                .as_deref()
                .or(self.email.as_deref())
                .or(self.id.as_deref())
                .unwrap_or("Unknown user"),
        }
    }
}

/// The automation an action went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ViaType {
    Rule,
    Macro,
    Integration,
    Api,
}

impl ViaType {
    pub fn as_str(self) -> &'static str {
        match self {
            ViaType::Rule => "rule",
            ViaType::Macro => "macro",
            ViaType::Integration => "integration",
            ViaType::Api => "api",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Via {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: ViaType,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Related {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
}

/// One changed field. `old` is absent for a creation, `new` for a deletion; a JSON `null`
/// is treated as absent.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Context {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// A stored event read back: only what the query layer needs besides the canonical body.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredEventView {
    pub id: String,
    pub seq: u64,
    pub occurred_at: String,
    pub category: String,
    pub action: String,
    pub entity: EntityRef,
    pub actor: Actor,
    #[serde(default)]
    pub via: Option<Via>,
    pub hash: String,
}
