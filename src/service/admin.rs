//! Self-audit: every administrative act on an org leaves an event in that org's log, in the
//! same transaction as the change (`Store::administer`, `Store::create_org`). The actions
//! are the catalog's `admin` category (`org.created`, `org.renamed`, `api_key.created`,
//! `api_key.revoked`, `audit_log.settings_updated`, `viewer_token.created`,
//! `signing_key.rotated`); like the access log's, only the service records them.
//!
//! The actor is who acted: an org's admin key (`{"type": "system", "id": "key_..."}`, with
//! the key's name), the operator token (`"id": "operator"`), or an operator command of the
//! CLI (`"id": "operator"`, and the command in `metadata.command`). Secrets never enter a
//! record: a key is named by its id, scope, name and display prefix; a viewer token by a
//! digest of it.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Principal, Service, ServiceError, validate};
use crate::model::chain::PreparedEvent;
use crate::model::time::now_micros;
use crate::model::{KeyInfo, Org};
use crate::store::{AdminChange, Administered, OrgSettings};

/// The catalog category of administrative acts.
pub const CATEGORY: &str = "admin";

/// Who performed an administrative act, as the record's actor and metadata name it.
#[derive(Debug, Clone)]
pub(super) struct AdminActor {
    actor: Value,
    /// `credential` and, for the CLI, `command`.
    meta: Value,
}

/// An `api_key.*` record's entity and metadata.
fn key_facts(k: &KeyInfo) -> (Value, Value) {
    let mut entity = json!({ "type": "api_key", "id": k.id });
    let mut meta = json!({ "key_id": k.id, "scope": k.scope.as_str(), "prefix": k.prefix });
    if !k.name.is_empty() {
        entity["name"] = json!(k.name);
        meta["key_name"] = json!(k.name);
    }
    (entity, meta)
}

/// The public id of a viewer token in its record: a digest, never the token.
pub(super) fn token_id(token: &str) -> String {
    format!(
        "vtk_{}",
        &hex::encode(Sha256::digest(token.as_bytes()))[..24]
    )
}

impl Service {
    /// The actor of `p`'s administrative acts on `org` (the org whose keys name a key
    /// actor; `None` before the org exists, or for the instance).
    pub(super) async fn admin_actor(&self, p: &Principal, org: Option<&Org>) -> AdminActor {
        match p {
            Principal::Key {
                key_id, org: own, ..
            }
            | Principal::Viewer {
                key_id, org: own, ..
            } => {
                let org = org.unwrap_or(own);
                let name = self.store.list_keys(org).await.ok().and_then(|keys| {
                    keys.into_iter()
                        .find(|k| &k.id == key_id)
                        .map(|k| k.name)
                        .filter(|n| !n.is_empty())
                });
                let mut actor = json!({ "type": "system", "id": key_id });
                if let Some(n) = &name {
                    actor["name"] = json!(n);
                }
                AdminActor {
                    actor,
                    meta: json!({ "credential": "api_key", "actor_key_id": key_id }),
                }
            }
            Principal::Operator => AdminActor {
                actor: json!({ "type": "system", "id": "operator", "name": "Operator" }),
                meta: json!({ "credential": "operator_token" }),
            },
            Principal::OperatorCommand(command) => AdminActor {
                actor: json!({ "type": "system", "id": "operator", "name": "Operator" }),
                meta: json!({ "credential": "operator_command", "command": command }),
            },
            Principal::System(actor) => AdminActor {
                actor: json!({ "type": "system", "name": actor.name() }),
                meta: json!({ "credential": "system" }),
            },
        }
    }

    /// One record as a JSON event: `action` on `entity` by `by`, with `metadata` (the
    /// actor's own members added) and `changes`.
    fn record(
        action: &str,
        entity: Value,
        by: &AdminActor,
        mut metadata: Value,
        changes: Option<Value>,
    ) -> Value {
        if let (Some(m), Some(extra)) = (metadata.as_object_mut(), by.meta.as_object()) {
            for (k, v) in extra {
                m.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        let mut ev = json!({
            "action": action,
            "entity": entity,
            "actor": by.actor,
            "metadata": metadata,
        });
        if let Some(c) = changes {
            ev["changes"] = c;
        }
        ev
    }

    /// Validates records like any event, for the org `slug`. A record that fails is a bug
    /// of ours, never the caller's: an internal error, and nothing is changed.
    fn prepare_records(
        &self,
        slug: &str,
        records: &[Value],
    ) -> Result<Vec<PreparedEvent>, ServiceError> {
        let now = now_micros();
        let mut errors = Vec::new();
        let mut out = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let text = r.to_string();
            if let Some(ev) = validate::prepare(self.catalog, slug, i, &text, now, &mut errors) {
                out.push(ev);
            }
        }
        match errors.first() {
            None => Ok(out),
            Some(e) => Err(ServiceError::Internal(format!(
                "an administrative record does not validate ({}: {})",
                e.field, e.message
            ))),
        }
    }

    /// The records of a new org and its first key.
    pub(super) fn org_created_records(
        &self,
        by: &AdminActor,
        slug: &str,
        name: &str,
        key: &KeyInfo,
    ) -> Result<Vec<PreparedEvent>, ServiceError> {
        let (key_entity, key_meta) = key_facts(key);
        let records = [
            Self::record(
                "org.created",
                json!({ "type": "org", "id": slug, "name": name }),
                by,
                json!({ "slug": slug, "name": name, "first_key_id": key.id }),
                None,
            ),
            Self::record("api_key.created", key_entity, by, key_meta, None),
        ];
        self.prepare_records(slug, &records)
    }

    /// A key created by `by`, with its record.
    pub(super) async fn administer_new_key(
        &self,
        by: &AdminActor,
        org: &Org,
        new: crate::store::NewKey,
    ) -> Result<KeyInfo, ServiceError> {
        // the record names the key as it will be stored (the store sets `created_at`)
        let planned = KeyInfo {
            id: new.id.clone(),
            org: org.slug.clone(),
            scope: new.scope,
            name: new.name.clone(),
            prefix: new.prefix.clone(),
            created_at: 0,
            revoked_at: None,
        };
        let (entity, meta) = key_facts(&planned);
        let records = self.prepare_records(
            &org.slug,
            &[Self::record("api_key.created", entity, by, meta, None)],
        )?;
        match self
            .store
            .administer(org, AdminChange::CreateKey(new), records)
            .await?
        {
            Administered::Done { key: Some(k) } => Ok(k),
            _ => Err(ServiceError::Internal("the key was not created".into())),
        }
    }

    /// Revokes `key` with its record; `false` when it was no longer active.
    pub(super) async fn administer_revoke(
        &self,
        by: &AdminActor,
        org: &Org,
        key: &KeyInfo,
    ) -> Result<bool, ServiceError> {
        let (entity, meta) = key_facts(key);
        let records = self.prepare_records(
            &org.slug,
            &[Self::record("api_key.revoked", entity, by, meta, None)],
        )?;
        let done = self
            .store
            .administer(
                org,
                AdminChange::RevokeKey {
                    key_id: key.id.clone(),
                },
                records,
            )
            .await?;
        Ok(done != Administered::Unchanged)
    }

    /// Replaces the settings `old` with `new`, with the record naming both; `false` when
    /// the stored settings were no longer `old` (the caller reads them again and retries).
    /// Settings that do not change record nothing.
    pub(super) async fn administer_settings(
        &self,
        by: &AdminActor,
        org: &Org,
        old: OrgSettings,
        new: OrgSettings,
    ) -> Result<bool, ServiceError> {
        if old == new {
            return Ok(true);
        }
        let mut changes = Vec::new();
        if old.retention_days != new.retention_days {
            changes.push(json!({ "field": "retention_days", "old": old.retention_days, "new": new.retention_days }));
        }
        if old.legal_hold != new.legal_hold {
            changes.push(
                json!({ "field": "legal_hold", "old": old.legal_hold, "new": new.legal_hold }),
            );
        }
        let record = Self::record(
            "audit_log.settings_updated",
            json!({ "type": "audit_log", "id": org.slug, "name": "Audit log" }),
            by,
            json!({
                "old_retention_days": old.retention_days,
                "new_retention_days": new.retention_days,
                "old_legal_hold": old.legal_hold,
                "new_legal_hold": new.legal_hold,
            }),
            Some(Value::Array(changes)),
        );
        let records = self.prepare_records(&org.slug, &[record])?;
        let done = self
            .store
            .administer(
                org,
                AdminChange::PutSettings { expected: old, new },
                records,
            )
            .await?;
        Ok(done != Administered::Unchanged)
    }

    /// Renames the org, with the record; `false` when the name was already `name`.
    pub(super) async fn administer_rename(
        &self,
        by: &AdminActor,
        org: &Org,
        name: &str,
    ) -> Result<bool, ServiceError> {
        let record = Self::record(
            "org.renamed",
            json!({ "type": "org", "id": org.slug, "name": name }),
            by,
            json!({ "old_name": org.name, "new_name": name }),
            Some(json!([{ "field": "name", "old": org.name, "new": name }])),
        );
        let records = self.prepare_records(&org.slug, &[record])?;
        let done = self
            .store
            .administer(
                org,
                AdminChange::Rename {
                    name: name.to_string(),
                },
                records,
            )
            .await?;
        Ok(done != Administered::Unchanged)
    }

    /// Records that a viewer token was minted; the token is returned only once this is
    /// stored.
    pub(super) async fn record_token_minted(
        &self,
        by: &AdminActor,
        org: &Org,
        token: &str,
        claims: &super::viewer::Claims,
        ttl_seconds: i64,
    ) -> Result<(), ServiceError> {
        let record = Self::record(
            "viewer_token.created",
            json!({ "type": "viewer_token", "id": token_id(token) }),
            by,
            json!({
                "key_id": claims.kid,
                "categories": claims.categories,
                "ttl_seconds": ttl_seconds,
                "expires_at": crate::model::time::format_micros(claims.exp * 1_000_000),
            }),
            None,
        );
        let records = self.prepare_records(&org.slug, &[record])?;
        self.store
            .administer(org, AdminChange::Record, records)
            .await?;
        Ok(())
    }

    /// The record of a change of `org`'s platform-defined catalog (`catalog.*`): the entry's
    /// kind, name, scope, version and a digest of its definition (a schema may be larger than
    /// an event's metadata; `GET /v1/catalog` serves it).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn catalog_records(
        &self,
        by: &AdminActor,
        org: &Org,
        action: &str,
        kind: crate::store::CatalogKind,
        name: &str,
        scope: &str,
        version: Option<u32>,
        definition: Option<&Value>,
    ) -> Result<Vec<PreparedEvent>, ServiceError> {
        let mut meta = json!({ "kind": kind.as_str(), "name": name, "scope": scope });
        if let Some(v) = version {
            meta["version"] = json!(v);
        }
        if let Some(def) = definition {
            meta["definition_sha256"] =
                json!(hex::encode(Sha256::digest(def.to_string().as_bytes())));
            for member in ["category", "deprecated", "label"] {
                if let Some(v) = def.get(member).filter(|v| !v.is_null()) {
                    meta[member] = v.clone();
                }
            }
        }
        let record = Self::record(
            action,
            json!({ "type": "catalog", "id": name, "name": name }),
            by,
            meta,
            None,
        );
        self.prepare_records(&org.slug, &[record])
    }

    /// Records a change of the instance's catalog in every org (each org's catalog changes
    /// with it), after the change: one transaction per org's log.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn record_instance_catalog_change(
        &self,
        by: &AdminActor,
        action: &str,
        kind: crate::store::CatalogKind,
        name: &str,
        version: Option<u32>,
        definition: Option<&Value>,
    ) -> Result<(), ServiceError> {
        for org in self.store.list_orgs().await? {
            let records = self.catalog_records(
                by, &org, action, kind, name, "instance", version, definition,
            )?;
            self.store
                .administer(&org, AdminChange::Record, records)
                .await?;
        }
        Ok(())
    }

    /// Records in every org that checkpoints are now signed with `key_id`, replacing
    /// `retired` (the keys that were active before).
    pub(super) async fn record_key_rotation(
        &self,
        key_id: &str,
        key_name: &str,
        retired: &[String],
    ) -> Result<(), ServiceError> {
        let by = AdminActor {
            actor: json!({ "type": "system", "id": "operator", "name": "Operator" }),
            meta: json!({ "credential": "operator_command", "command": "auditlog serve" }),
        };
        for org in self.store.list_orgs().await? {
            let record = Self::record(
                "signing_key.rotated",
                json!({ "type": "signing_key", "id": key_id, "name": key_name }),
                &by,
                json!({ "key_id": key_id, "key_name": key_name, "retired_key_ids": retired }),
                None,
            );
            let records = self.prepare_records(&org.slug, &[record])?;
            self.store
                .administer(&org, AdminChange::Record, records)
                .await?;
        }
        Ok(())
    }
}
