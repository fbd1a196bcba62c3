//! Viewer tokens in the service: minting them, authenticating them, and narrowing what a
//! token may read to its org and categories. The token format itself is in `viewer.rs`.
//!
//! Rules: a viewer token reads like a `read` key of its org, through the report endpoints
//! (list, one event, summary, histogram, export) and `whoami`, nothing else. A token limited
//! to categories answers a request without `category` as if it named the token's
//! categories; a request that names another category (or `category=all`, unless the token
//! may read every category) is refused with 403; an event of another category answers 404
//! like a missing one.

use serde_json::json;

use super::viewer::{self, Claims, TokenError};
use super::{
    Credential, Identity, MintViewerToken, MintedToken, Principal, Service, ServiceError, keys,
};
use crate::model::time::{format_micros, now_micros};
use crate::model::{Org, Scope};

fn now_secs() -> i64 {
    now_micros().div_euclid(1_000_000)
}

impl Service {
    /// Who may mint viewer tokens: a `read` or `admin` key, on a server with a viewer
    /// token secret. The API asks before it reads the request, so that a caller who may
    /// not mint hears so whatever it sent.
    pub fn may_mint_viewer_tokens(&self, p: &Principal) -> Result<(), ServiceError> {
        self.minter(p).map(|_| ())
    }

    /// The minting key's org and id, and the secret to sign with.
    fn minter<'a>(
        &'a self,
        p: &'a Principal,
    ) -> Result<(&'a Org, &'a str, &'a viewer::ViewerSecret), ServiceError> {
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
        Ok((org, key_id, secret))
    }

    /// Mints a viewer token, by a `read` or `admin` key.
    pub async fn mint_viewer_token(
        &self,
        p: &Principal,
        mint: MintViewerToken,
    ) -> Result<MintedToken, ServiceError> {
        let (org, key_id, secret) = self.minter(p)?;
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
                    let known: Vec<&str> = self
                        .catalog
                        .categories
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    return Err(bad_field(format!(
                        "unknown category {c:?}; use one of {}",
                        known.join(", ")
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
            kid: key_id.to_string(),
        };
        let token = secret.mint(&claims);
        let by = self.admin_actor(p, Some(org)).await;
        self.record_token_minted(&by, org, &token, &claims, ttl)
            .await?;
        Ok(MintedToken {
            token,
            org: org.clone(),
            categories,
            expires_at: exp,
            ttl_seconds: ttl,
        })
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
    pub fn whoami(&self, p: &Principal) -> Result<Identity, ServiceError> {
        match p {
            Principal::Key { org, scope, .. } => Ok(Identity {
                org: org.clone(),
                credential: Credential::Key,
                scope: *scope,
                categories: None,
                expires_at: None,
            }),
            Principal::Viewer {
                org,
                categories,
                expires_at,
                ..
            } => Ok(Identity {
                org: org.clone(),
                credential: Credential::ViewerToken,
                scope: Scope::Read,
                categories: categories.clone(),
                expires_at: Some(*expires_at),
            }),
            Principal::Operator | Principal::OperatorCommand(_) => Err(ServiceError::Forbidden(
                "the operator token has no org; use an org API key or a viewer token".into(),
            )),
            Principal::System(actor) => Err(ServiceError::Forbidden(format!(
                "{} is no caller of the API",
                actor.name()
            ))),
        }
    }
}
