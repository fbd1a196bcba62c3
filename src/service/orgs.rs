//! Organizations and their API keys: creating and listing orgs (operator), creating,
//! listing and revoking keys (operator, or the org's own admin key). The key format itself
//! is in `keys.rs`.

use super::{CreatedKey, CreatedOrg, Principal, Service, ServiceError, keys, validate};
use crate::model::{KeyInfo, Org, Scope, validate_slug};
use crate::store::NewKey;

impl Service {
    /// The org `slug` if `p` may manage its keys: the operator, or that org's admin key.
    pub(super) async fn managed_org(&self, p: &Principal, slug: &str) -> Result<Org, ServiceError> {
        let not_found = || ServiceError::NotFound(format!("no organization {slug:?}"));
        match p {
            Principal::Operator | Principal::OperatorCommand(_) => {
                self.store.get_org(slug).await?.ok_or_else(not_found)
            }
            Principal::Key { org, scope, .. } if org.slug == slug => {
                if *scope == Scope::Admin {
                    Ok(org.clone())
                } else {
                    Err(ServiceError::Forbidden(
                        "managing keys needs an admin key".into(),
                    ))
                }
            }
            // Another org looks exactly like a missing one.
            Principal::Key { .. } => Err(not_found()),
            Principal::Viewer { .. } => Err(ServiceError::Forbidden(
                "a viewer token is read-only; it cannot manage keys".into(),
            )),
            Principal::System(actor) => Err(ServiceError::Forbidden(format!(
                "{} only records events; it cannot manage keys",
                actor.name()
            ))),
        }
    }

    pub async fn create_org(
        &self,
        p: &Principal,
        slug: &str,
        name: Option<&str>,
    ) -> Result<CreatedOrg, ServiceError> {
        self.require_operator(p)?;
        validate_slug(slug).map_err(|m| ServiceError::InvalidRequest {
            message: m,
            details: Some(serde_json::json!({ "field": "slug" })),
        })?;
        let name = name.unwrap_or(slug);
        check_org_name(name)?;
        let generated = keys::generate().map_err(ServiceError::Internal)?;
        let new = NewKey {
            id: keys::new_key_id(),
            scope: Scope::Admin,
            name: "first admin key".into(),
            prefix: generated.display_prefix,
            secret_hash: generated.secret_hash,
        };
        let planned = KeyInfo {
            id: new.id.clone(),
            org: slug.to_string(),
            scope: new.scope,
            name: new.name.clone(),
            prefix: new.prefix.clone(),
            created_at: 0,
            revoked_at: None,
        };
        // the org does not exist yet: the actor is named without looking anything up
        let by = self.admin_actor(p, None).await;
        let records = self.org_created_records(&by, slug, name, &planned)?;
        let (org, info) = self.store.create_org(slug, name, new, records).await?;
        Ok(CreatedOrg {
            org,
            admin_key: CreatedKey {
                info,
                secret: generated.secret,
            },
        })
    }

    /// Renames the org `slug` (the operator, or the org's admin key), recorded as
    /// `org.renamed`. The same name again changes and records nothing.
    pub async fn rename_org(
        &self,
        p: &Principal,
        slug: &str,
        name: &str,
    ) -> Result<Org, ServiceError> {
        let org = self.managed_org(p, slug).await?;
        check_org_name(name)?;
        if org.name != name {
            let by = self.admin_actor(p, Some(&org)).await;
            self.administer_rename(&by, &org, name).await?;
        }
        Ok(Org {
            name: name.to_string(),
            ..org
        })
    }

    pub async fn list_orgs(&self, p: &Principal) -> Result<Vec<Org>, ServiceError> {
        self.require_operator(p)?;
        Ok(self.store.list_orgs().await?)
    }

    pub async fn create_key(
        &self,
        p: &Principal,
        slug: &str,
        scope: Scope,
        name: &str,
    ) -> Result<CreatedKey, ServiceError> {
        let org = self.managed_org(p, slug).await?;
        if name.len() > validate::MAX_NAME || name.chars().any(validate::is_forbidden_char) {
            return Err(ServiceError::InvalidRequest {
                message: format!(
                    "name must be at most {} bytes without control characters",
                    validate::MAX_NAME
                ),
                details: Some(serde_json::json!({ "field": "name" })),
            });
        }
        let generated = keys::generate().map_err(ServiceError::Internal)?;
        let by = self.admin_actor(p, Some(&org)).await;
        let info = self
            .administer_new_key(
                &by,
                &org,
                NewKey {
                    id: keys::new_key_id(),
                    scope,
                    name: name.to_string(),
                    prefix: generated.display_prefix,
                    secret_hash: generated.secret_hash,
                },
            )
            .await?;
        Ok(CreatedKey {
            info,
            secret: generated.secret,
        })
    }

    pub async fn list_keys(&self, p: &Principal, slug: &str) -> Result<Vec<KeyInfo>, ServiceError> {
        let org = self.managed_org(p, slug).await?;
        Ok(self.store.list_keys(&org).await?)
    }

    pub async fn revoke_key(
        &self,
        p: &Principal,
        slug: &str,
        key_id: &str,
    ) -> Result<(), ServiceError> {
        let org = self.managed_org(p, slug).await?;
        let not_found =
            || ServiceError::NotFound(format!("no active key {key_id:?} in organization {slug:?}"));
        let key = self
            .store
            .list_keys(&org)
            .await?
            .into_iter()
            .find(|k| k.id == key_id && k.revoked_at.is_none())
            .ok_or_else(not_found)?;
        let by = self.admin_actor(p, Some(&org)).await;
        if self.administer_revoke(&by, &org, &key).await? {
            self.auth_cache.forget_key(key_id);
            Ok(())
        } else {
            Err(not_found())
        }
    }

    /// Resolves an org by slug for operator tooling (CLI).
    pub async fn org(&self, slug: &str) -> Result<Org, ServiceError> {
        self.managed_org(&Principal::Operator, slug).await
    }

    /// The org `slug`, or `None` when there is none (the operator).
    pub async fn find_org(&self, p: &Principal, slug: &str) -> Result<Option<Org>, ServiceError> {
        self.require_operator(p)?;
        Ok(self.store.get_org(slug).await?)
    }
}

/// An org's display name: 1 to [`validate::MAX_NAME`] bytes without control characters.
fn check_org_name(name: &str) -> Result<(), ServiceError> {
    if name.is_empty()
        || name.len() > validate::MAX_NAME
        || name.chars().any(validate::is_forbidden_char)
    {
        return Err(ServiceError::InvalidRequest {
            message: format!(
                "name must be 1 to {} bytes without control characters",
                validate::MAX_NAME
            ),
            details: Some(serde_json::json!({ "field": "name" })),
        });
    }
    Ok(())
}
