//! Orgs and their API keys.

use serde::Serialize;
use utoipa::ToSchema;

use crate::model::time::format_micros;
use crate::model::{KeyInfo, Org, Scope};
use crate::service;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub slug: String,
    pub name: String,
    pub created_at: String,
}

impl From<&Org> for OrgView {
    fn from(o: &Org) -> Self {
        OrgView {
            slug: o.slug.clone(),
            name: o.name.clone(),
            created_at: format_micros(o.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgList {
    pub orgs: Vec<OrgView>,
}

impl From<&[Org]> for OrgList {
    fn from(orgs: &[Org]) -> Self {
        OrgList {
            orgs: orgs.iter().map(OrgView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedOrg {
    pub org: OrgView,
    pub admin_key: CreatedKey,
}

impl From<&service::CreatedOrg> for CreatedOrg {
    fn from(c: &service::CreatedOrg) -> Self {
        CreatedOrg {
            org: OrgView::from(&c.org),
            admin_key: CreatedKey::from(&c.admin_key),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum KeyScope {
    Read,
    Write,
    Admin,
}

impl From<Scope> for KeyScope {
    fn from(s: Scope) -> Self {
        match s {
            Scope::Read => KeyScope::Read,
            Scope::Write => KeyScope::Write,
            Scope::Admin => KeyScope::Admin,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    /// `key_` + ULID.
    pub id: String,
    pub org: String,
    pub scope: KeyScope,
    pub name: String,
    /// The first 12 characters of the secret.
    pub prefix: String,
    pub created_at: String,
    /// `null` while active.
    pub revoked_at: Option<String>,
}

impl From<&KeyInfo> for KeyView {
    fn from(k: &KeyInfo) -> Self {
        KeyView {
            id: k.id.clone(),
            org: k.org.clone(),
            scope: k.scope.into(),
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            created_at: format_micros(k.created_at),
            revoked_at: k.revoked_at.map(format_micros),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    pub keys: Vec<KeyView>,
}

impl From<&[KeyInfo]> for KeyList {
    fn from(keys: &[KeyInfo]) -> Self {
        KeyList {
            keys: keys.iter().map(KeyView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    pub key: KeyView,
    /// The secret, shown only this once.
    pub secret: String,
}

impl From<&service::CreatedKey> for CreatedKey {
    fn from(c: &service::CreatedKey) -> Self {
        CreatedKey {
            key: KeyView::from(&c.info),
            secret: c.secret.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_key_shows_its_members_and_the_secret() {
        let created = service::CreatedKey {
            info: KeyInfo {
                id: "key_1".into(),
                org: "acme".into(),
                scope: Scope::Read,
                name: "reports".into(),
                prefix: "alk_abcdefgh".into(),
                created_at: 0,
                revoked_at: None,
            },
            secret: "alk_secret".into(),
        };
        let v = serde_json::to_value(CreatedKey::from(&created)).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "key": {
                    "id": "key_1",
                    "org": "acme",
                    "scope": "read",
                    "name": "reports",
                    "prefix": "alk_abcdefgh",
                    "created_at": "1970-01-01T00:00:00.000000Z",
                    "revoked_at": null,
                },
                "secret": "alk_secret",
            })
        );
    }
}
