//! Viewer tokens in the service: minting them, authenticating them, and narrowing what a
//! token may read to its org and categories. The token format itself is in `viewer.rs`.
//!
//! Rules: a viewer token reads like a `read` key of its org, through the report endpoints
//! (list, one event, summary, histogram, export) and `whoami`, nothing else. A token limited
//! to categories answers a request without `category` as if it named the token's
//! categories; a request that names another category (or `category=all`, unless the token
//! may read every category) is refused with 403; an event of another category answers 404
//! like a missing one.

use serde_json::{Value, json};

use super::viewer::{self, Claims, TokenError};
use super::{Principal, Service, ServiceError, error, keys};
use crate::model::Scope;
use crate::model::time::{format_micros, now_micros};

fn now_secs() -> i64 {
    now_micros().div_euclid(1_000_000)
}

impl Service {
    /// Mints a viewer token: `{"ttl_seconds"?, "categories"?}`, by a `read` or `admin` key.
    pub async fn mint_viewer_token(
        &self,
        p: &Principal,
        body: &[u8],
    ) -> Result<Value, ServiceError> {
        #[derive(serde::Deserialize, Default)]
        #[serde(deny_unknown_fields)]
        struct Mint {
            ttl_seconds: Option<i64>,
            categories: Option<Vec<String>>,
        }
        let (org, key_id) = match p {
            Principal::Key { key_id, org, scope } if scope.allows(Scope::Read) => (org, key_id),
            Principal::Viewer { .. } => {
                return Err(ServiceError::Forbidden(
                    "a viewer token cannot mint viewer tokens; use a read or admin key".into(),
                ));
            }
            other => {
                self.org_for(other, Scope::Read)?;
                return Err(ServiceError::Forbidden(
                    "minting viewer tokens needs a read or admin key".into(),
                ));
            }
        };
        let secret = self.viewer_secret.as_ref().ok_or_else(|| {
            ServiceError::Unavailable("this server has no viewer token secret".into())
        })?;
        let mint: Mint = if body.iter().all(u8::is_ascii_whitespace) {
            Mint::default()
        } else {
            error::reject_json_array(body, "a viewer token request")?;
            let de = &mut serde_json::Deserializer::from_slice(body);
            serde_path_to_error::deserialize(de).map_err(|e| ServiceError::InvalidRequest {
                message: format!(
                    "invalid viewer token request: {}",
                    error::json_message(e.inner())
                ),
                details: Some(json!({ "field": e.path().to_string() })),
            })?
        };
        let ttl = viewer::ttl(mint.ttl_seconds).map_err(|m| ServiceError::InvalidRequest {
            message: m,
            details: Some(json!({ "field": "ttl_seconds" })),
        })?;
        let categories = match mint.categories {
            None => None,
            Some(list) => {
                let bad_field = |m: String| ServiceError::InvalidRequest {
                    message: m,
                    details: Some(json!({ "field": "categories" })),
                };
                if list.is_empty() {
                    return Err(bad_field(
                        "categories must name at least one category (omit it for all)".into(),
                    ));
                }
                if let Some(c) = list.iter().find(|c| !self.catalog.has_category(c)) {
                    return Err(bad_field(format!(
                        "unknown category {c:?}; use configuration, activity, security or compliance"
                    )));
                }
                // catalog order, each once
                Some(
                    self.catalog
                        .categories
                        .iter()
                        .filter(|c| list.contains(&c.name))
                        .map(|c| c.name.clone())
                        .collect::<Vec<_>>(),
                )
            }
        };
        let exp = now_secs() + ttl;
        let claims = Claims {
            org: org.slug.clone(),
            categories: categories.clone(),
            exp,
            kid: key_id.clone(),
        };
        let token = secret.mint(&claims);
        Ok(json!({
            "token": token,
            "org": { "slug": org.slug, "name": org.name },
            "categories": categories,
            "expires_at": format_micros(exp * 1_000_000),
            "expires_in": ttl,
            "embed_path": format!("/embed?token={token}"),
        }))
    }

    /// Resolves a viewer token to its principal: signature, expiry, org, and the minting
    /// key still active.
    pub(super) async fn authenticate_viewer(&self, token: &str) -> Result<Principal, ServiceError> {
        let invalid = |m: &str| ServiceError::TokenInvalid(m.to_string());
        let secret = self
            .viewer_secret
            .as_ref()
            .ok_or_else(|| invalid("this server does not accept viewer tokens"))?;
        let now = now_secs();
        let hash = keys::hash_secret(token);
        if let Some(p @ Principal::Viewer { expires_at, .. }) = self.auth_cache.get(&hash)
            && expires_at > now
        {
            return Ok(p);
        }
        let claims = secret.verify(token, now).map_err(|e| match e {
            TokenError::Invalid => invalid(
                "this viewer token is malformed or has been altered; open the page again from the host application",
            ),
            TokenError::Expired { exp } => ServiceError::TokenExpired(format!(
                "this viewer token expired at {}; open the page again from the host application for a new one",
                format_micros(exp * 1_000_000)
            )),
        })?;
        let revoked =
            || invalid("the key that issued this viewer token has been revoked or removed");
        let org = self.store.get_org(&claims.org).await?.ok_or_else(revoked)?;
        let active =
            self.store.list_keys(&org).await?.into_iter().any(|k| {
                k.id == claims.kid && k.revoked_at.is_none() && k.scope.allows(Scope::Read)
            });
        if !active {
            return Err(revoked());
        }
        let p = Principal::Viewer {
            key_id: claims.kid,
            org,
            categories: claims.categories,
            expires_at: claims.exp,
        };
        self.auth_cache.put(hash, p.clone());
        Ok(p)
    }

    /// Who the caller is, for the page: the org, the kind of credential, its limits.
    pub fn whoami(&self, p: &Principal) -> Result<Value, ServiceError> {
        match p {
            Principal::Key { org, scope, .. } => Ok(json!({
                "org": { "slug": org.slug, "name": org.name },
                "credential": "key",
                "scope": scope.as_str(),
                "categories": null,
                "expires_at": null,
            })),
            Principal::Viewer {
                org,
                categories,
                expires_at,
                ..
            } => Ok(json!({
                "org": { "slug": org.slug, "name": org.name },
                "credential": "viewer_token",
                "scope": "read",
                "categories": categories,
                "expires_at": format_micros(expires_at * 1_000_000),
            })),
            Principal::Operator => Err(ServiceError::Forbidden(
                "the operator token has no org; use an org API key or a viewer token".into(),
            )),
            Principal::System(actor) => Err(ServiceError::Forbidden(format!(
                "{} is no caller of the API",
                actor.name()
            ))),
        }
    }
}
