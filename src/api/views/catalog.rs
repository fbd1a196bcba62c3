//! What a change of the platform-defined catalog answers.

use serde::Serialize;
use utoipa::ToSchema;

use crate::service::catalog::CatalogChange;

/// The entry as stored by a `PUT /v1/catalog/...`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogEntryView {
    /// `entity_type` or `action`.
    pub kind: &'static str,
    pub name: String,
    /// `instance` (the operator's) or `org` (an admin key's).
    pub scope: &'static str,
    /// The org's slug, for an org entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// The version the definition now is; events record it as `schema_version`.
    #[schema(minimum = 1)]
    pub version: u32,
    /// `false`: the latest version already said this; nothing was stored.
    pub changed: bool,
}

impl From<&CatalogChange> for CatalogEntryView {
    fn from(c: &CatalogChange) -> Self {
        CatalogEntryView {
            kind: c.kind.as_str(),
            name: c.name.clone(),
            scope: if c.org.is_some() { "org" } else { "instance" },
            org: c.org.as_ref().map(|o| o.slug.clone()),
            version: c.version,
            changed: c.changed,
        }
    }
}
