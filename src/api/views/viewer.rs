//! A minted viewer token, and who is asking.

use serde::Serialize;
use utoipa::ToSchema;

use super::KeyScope;
use crate::model::Org;
use crate::model::time::format_micros;
use crate::service::{Credential, Identity, MintedToken};

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRef {
    pub slug: String,
    pub name: String,
}

impl From<&Org> for OrgRef {
    fn from(o: &Org) -> Self {
        OrgRef {
            slug: o.slug.clone(),
            name: o.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViewerToken {
    pub token: String,
    pub org: OrgRef,
    pub categories: Option<Vec<String>>,
    pub expires_at: String,
    pub expires_in: i64,
    pub embed_path: String,
}

impl From<&MintedToken> for ViewerToken {
    fn from(m: &MintedToken) -> Self {
        ViewerToken {
            token: m.token.clone(),
            org: OrgRef::from(&m.org),
            categories: m.categories.clone(),
            expires_at: format_micros(m.expires_at * 1_000_000),
            expires_in: m.ttl_seconds,
            // the page (`api/web.rs`), signed in with the token
            embed_path: format!("/embed?token={}", m.token),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WhoAmI {
    pub org: OrgRef,
    /// `key` or `viewer_token`.
    #[schema(value_type = String)]
    pub credential: &'static str,
    pub scope: KeyScope,
    pub categories: Option<Vec<String>>,
    pub expires_at: Option<String>,
}

impl From<&Identity> for WhoAmI {
    fn from(i: &Identity) -> Self {
        WhoAmI {
            org: OrgRef::from(&i.org),
            credential: match i.credential {
                Credential::Key => "key",
                Credential::ViewerToken => "viewer_token",
            },
            scope: i.scope.into(),
            categories: i.categories.clone(),
            expires_at: i.expires_at.map(|s| format_micros(s * 1_000_000)),
        }
    }
}
