//! Who is calling: resolving a bearer credential to a [`Principal`] (API key, operator
//! token, viewer token; `viewing.rs` checks the tokens), the cache of verified keys, and the
//! two authorization questions every endpoint asks: which org may this principal access with
//! this scope ([`Service::org_for`]), and is it the operator ([`Service::require_operator`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use super::{Service, ServiceError, keys, viewer};
use crate::config::AUTH_CACHE_TTL;
use crate::model::{Org, Scope};

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Principal {
    /// An org's API key.
    Key {
        key_id: String,
        org: Org,
        scope: Scope,
    },
    /// The platform operator (manages orgs and keys, reads no events), by its token.
    Operator,
    /// The operator through a command of the CLI (`auditlog key revoke`, ...), which opens
    /// the database directly: the same rights as [`Principal::Operator`]; the command is
    /// named in the records of what it does (`service::admin`).
    OperatorCommand(&'static str),
    /// A viewer token (`service::viewer`): reads its org's reports, limited to
    /// `categories` when set, until `expires_at` (Unix seconds).
    Viewer {
        key_id: String,
        org: Org,
        categories: Option<Vec<String>>,
        expires_at: i64,
    },
    /// The service itself, recording its own events in the one org its [`SystemActor`]
    /// names. [`Service::authenticate`] never returns it: no request can act as it.
    System(SystemActor),
}

/// A part of the service that records events of its own, and the one org it writes to. It
/// may write there (`org_for` with [`Scope::Write`]) and do nothing else: it reads no
/// events and manages no org or key.
#[derive(Debug, Clone)]
pub enum SystemActor {
    /// The retention purge, recording each purge as `audit_log.purged`.
    Retention(Org),
    /// The access log, recording reads of the log as `audit_log.viewed`/`exported`.
    AccessLog(Org),
    /// `auditlog demo`, seeding the demo org's generated history.
    DemoSeed(Org),
}

impl SystemActor {
    /// The org this actor writes to.
    pub fn org(&self) -> &Org {
        match self {
            SystemActor::Retention(org)
            | SystemActor::AccessLog(org)
            | SystemActor::DemoSeed(org) => org,
        }
    }

    /// What the actor is, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            SystemActor::Retention(_) => "the retention purge",
            SystemActor::AccessLog(_) => "the access log",
            SystemActor::DemoSeed(_) => "the demo seeder",
        }
    }
}

/// Most verified keys remembered.
const AUTH_CACHE_MAX: usize = 10_000;

/// Verified keys by the hash of their secret: saves a database round trip per request.
#[derive(Default)]
pub(super) struct AuthCache {
    entries: Mutex<HashMap<[u8; 32], (Principal, Instant)>>,
}

impl AuthCache {
    pub(super) fn get(&self, hash: &[u8; 32]) -> Option<Principal> {
        let map = self.entries.lock().ok()?;
        let (p, at) = map.get(hash)?;
        (at.elapsed() < AUTH_CACHE_TTL).then(|| p.clone())
    }

    pub(super) fn put(&self, hash: [u8; 32], p: Principal) {
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= AUTH_CACHE_MAX {
                map.retain(|_, (_, at)| at.elapsed() < AUTH_CACHE_TTL);
                if map.len() >= AUTH_CACHE_MAX {
                    map.clear();
                }
            }
            map.insert(hash, (p, Instant::now()));
        }
    }

    pub(super) fn forget_key(&self, key_id: &str) {
        if let Ok(mut map) = self.entries.lock() {
            map.retain(|_, (p, _)| {
                !matches!(p, Principal::Key { key_id: k, .. } | Principal::Viewer { key_id: k, .. } if k == key_id)
            });
        }
    }
}

impl Service {
    /// Resolves a bearer credential: an org API key or the operator token.
    pub async fn authenticate(&self, bearer: Option<&str>) -> Result<Principal, ServiceError> {
        let unauthorized = || {
            ServiceError::Unauthorized(
                "missing, invalid or revoked API key; send Authorization: Bearer <key>".into(),
            )
        };
        let token = bearer.ok_or_else(unauthorized)?;
        let hash = keys::hash_secret(token);
        if let Some(op) = &self.operator_token_hash
            && keys::hashes_equal(op, &hash)
        {
            return Ok(Principal::Operator);
        }
        if viewer::is_viewer_token(token) {
            return self.authenticate_viewer(token).await;
        }
        if !keys::well_formed(token) {
            return Err(unauthorized());
        }
        if let Some(p) = self.auth_cache.get(&hash) {
            return Ok(p);
        }
        match self.store.find_key(&hash).await? {
            Some(rec) if keys::hashes_equal(&rec.secret_hash, &hash) && !rec.revoked => {
                let p = Principal::Key {
                    key_id: rec.key_id,
                    org: rec.org,
                    scope: rec.scope,
                };
                self.auth_cache.put(hash, p.clone());
                Ok(p)
            }
            _ => Err(unauthorized()),
        }
    }

    /// The org whose events `p` may access with `needed`.
    pub fn org_for<'a>(&self, p: &'a Principal, needed: Scope) -> Result<&'a Org, ServiceError> {
        match p {
            Principal::Key { org, scope, .. } if scope.allows(needed) => Ok(org),
            Principal::Key { scope, .. } => Err(ServiceError::Forbidden(match needed {
                Scope::Admin => format!(
                    "this {} key cannot do this; it needs an admin key",
                    scope.as_str()
                ),
                _ => format!(
                    "this {} key cannot do this; it needs a {} or admin key",
                    scope.as_str(),
                    needed.as_str()
                ),
            })),
            Principal::Operator | Principal::OperatorCommand(_) => Err(ServiceError::Forbidden(
                "the operator token manages orgs and keys; use an org API key for events".into(),
            )),
            Principal::Viewer { org, .. } if needed == Scope::Read => Ok(org),
            Principal::Viewer { .. } => Err(ServiceError::Forbidden(
                "a viewer token is read-only; it cannot do this".into(),
            )),
            Principal::System(actor) if needed == Scope::Write => Ok(actor.org()),
            Principal::System(actor) => Err(ServiceError::Forbidden(format!(
                "{} only records events; it cannot do this",
                actor.name()
            ))),
        }
    }

    pub(super) fn require_operator(&self, p: &Principal) -> Result<(), ServiceError> {
        match p {
            Principal::Operator | Principal::OperatorCommand(_) => Ok(()),
            Principal::Key { .. } | Principal::Viewer { .. } | Principal::System(_) => Err(
                ServiceError::Forbidden("only the operator token can manage organizations".into()),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::service::Limits;
    use crate::store::sqlite::SqliteStore;

    #[tokio::test]
    async fn a_system_actor_writes_its_own_org_and_does_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("t.db")).unwrap());
        let service = Service::new(store, Limits::default(), None);
        let acme = service
            .create_org(&Principal::Operator, "acme", None)
            .await
            .unwrap()
            .org;
        service
            .create_org(&Principal::Operator, "globex", None)
            .await
            .unwrap();
        for actor in [
            SystemActor::Retention(acme.clone()),
            SystemActor::AccessLog(acme.clone()),
            SystemActor::DemoSeed(acme.clone()),
        ] {
            let p = Principal::System(actor);
            assert_eq!(service.org_for(&p, Scope::Write).unwrap().id, acme.id);
            for scope in [Scope::Read, Scope::Admin] {
                assert!(matches!(
                    service.org_for(&p, scope),
                    Err(ServiceError::Forbidden(_))
                ));
            }
            assert!(service.require_operator(&p).is_err());
            assert!(service.list_orgs(&p).await.is_err());
            for slug in ["acme", "globex"] {
                assert!(matches!(
                    service.create_key(&p, slug, Scope::Read, "x").await,
                    Err(ServiceError::Forbidden(_))
                ));
                assert!(service.list_keys(&p, slug).await.is_err());
            }
            assert!(service.whoami(&p).is_err());
            assert!(service.list_events(&p, Default::default()).await.is_err());
            assert!(service.settings(&p).await.is_err());
        }
    }
}
