//! The platform-defined catalog in the service: who may define entries, the per-org view
//! of the catalog (built-ins, the instance's entries, the org's) that ingest and every read
//! resolve names against, and its cache.
//!
//! The cache's invariant: a view is never older than the store's catalog generation as
//! read at most [`REVALIDATE`] ago. Each node keeps one generation and one view per scope;
//! the first request after `REVALIDATE` reads the generation (one row), and a changed one
//! drops every view. A change made through this node drops them at once. Compiled schemas
//! are kept apart, by (scope, action, version): a version never changes, so a rebuilt view
//! reuses them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::catalog_rules::{
    self, ActionPut, EntityTypePut, bad_field, check_entity_type_name, split_action_name,
};
use super::{Principal, Service, ServiceError};
use crate::model::catalog::{Action, CATALOG_JSON, CustomRules, Named, OcsfMapping};
use crate::model::{Catalog, Org, Scope};
use crate::store::{CatalogEntry, CatalogKind, CatalogPut};

/// How long a node trusts its views before it reads the store's generation again.
pub const REVALIDATE: Duration = Duration::from_millis(500);

/// One scope's catalog: the catalog its names resolve against and the platform-defined
/// entries in it (their latest versions), for `GET /v1/catalog`.
#[derive(Debug)]
pub struct CatalogView {
    pub catalog: Arc<Catalog>,
    pub entries: Vec<CustomEntry>,
}

/// A platform-defined entry's latest version.
#[derive(Debug, Clone)]
pub struct CustomEntry {
    pub org_id: Option<i64>,
    pub kind: CatalogKind,
    pub name: String,
    pub version: u32,
    pub definition: Value,
}

#[derive(Default)]
struct Views {
    generation: Option<i64>,
    checked: Option<Instant>,
    /// By scope: `None` the instance's view (built-ins and instance entries).
    views: HashMap<Option<i64>, Arc<CatalogView>>,
}

type ValidatorKey = (i64, String, u32);

/// The per-node cache of catalog views and compiled schemas (see the module's doc).
#[derive(Default)]
pub(super) struct CatalogCache {
    views: Mutex<Views>,
    validators: Mutex<HashMap<ValidatorKey, Arc<jsonschema::Validator>>>,
}

impl CatalogCache {
    fn lookup(&self, scope: Option<i64>) -> Option<Arc<CatalogView>> {
        let v = self.views.lock().ok()?;
        let fresh = v.checked.is_some_and(|t| t.elapsed() < REVALIDATE);
        if fresh {
            v.views.get(&scope).cloned()
        } else {
            None
        }
    }

    /// Records the generation just read; drops the views if it moved. Returns the view
    /// of `scope` if it is still held.
    fn revalidated(&self, generation: i64, scope: Option<i64>) -> Option<Arc<CatalogView>> {
        let mut v = self.views.lock().ok()?;
        if v.generation != Some(generation) {
            v.views.clear();
            v.generation = Some(generation);
        }
        v.checked = Some(Instant::now());
        v.views.get(&scope).cloned()
    }

    fn insert(&self, generation: i64, scope: Option<i64>, view: Arc<CatalogView>) {
        if let Ok(mut v) = self.views.lock()
            && v.generation == Some(generation)
        {
            v.views.insert(scope, view);
        }
    }

    /// Forgets everything but the compiled schemas: after a change through this node.
    fn invalidate(&self) {
        if let Ok(mut v) = self.views.lock() {
            *v = Views::default();
        }
    }

    fn validator(
        &self,
        key: ValidatorKey,
        schema: &Value,
    ) -> Result<Arc<jsonschema::Validator>, ServiceError> {
        if let Some(v) = self
            .validators
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return Ok(v);
        }
        let compiled = Arc::new(catalog_rules::compile_schema(schema)?);
        if let Ok(mut m) = self.validators.lock() {
            m.insert(key, compiled.clone());
        }
        Ok(compiled)
    }
}

/// What a `PUT` of a catalog entry did.
#[derive(Debug, Clone)]
pub struct CatalogChange {
    /// The org it is defined for; `None`: the instance.
    pub org: Option<Org>,
    pub kind: CatalogKind,
    pub name: String,
    pub version: u32,
    /// `false`: the latest version already said this; nothing was stored.
    pub changed: bool,
}

/// The latest version of each entry, parsed, in the store's order.
fn latest(entries: Vec<CatalogEntry>) -> Result<Vec<CustomEntry>, ServiceError> {
    let mut by_key: BTreeMap<(Option<i64>, CatalogKind, String), CatalogEntry> = BTreeMap::new();
    for e in entries {
        let key = (e.org_id, e.kind, e.name.clone());
        match by_key.get(&key) {
            Some(prev) if prev.version >= e.version => {}
            _ => {
                by_key.insert(key, e);
            }
        }
    }
    by_key
        .into_values()
        .map(|e| {
            let definition = serde_json::from_str(&e.definition).map_err(|err| {
                ServiceError::Internal(format!("catalog entry {} unreadable: {err}", e.name))
            })?;
            Ok(CustomEntry {
                org_id: e.org_id,
                kind: e.kind,
                name: e.name,
                version: e.version,
                definition,
            })
        })
        .collect()
}

fn build_view(
    builtin: &Catalog,
    entries: Vec<CustomEntry>,
    cache: &CatalogCache,
) -> Result<CatalogView, ServiceError> {
    let mut types = Vec::new();
    for e in entries.iter().filter(|e| e.kind == CatalogKind::EntityType) {
        let d: EntityTypePut = serde_json::from_value(e.definition.clone())
            .map_err(|err| ServiceError::Internal(format!("entity type {}: {err}", e.name)))?;
        types.push(Named {
            name: e.name.clone(),
            label: d.label,
            description: d.description,
        });
    }
    let mut verbs: Vec<Named> = Vec::new();
    let mut actions = Vec::new();
    for e in entries.iter().filter(|e| e.kind == CatalogKind::Action) {
        let d: ActionPut = serde_json::from_value(e.definition.clone())
            .map_err(|err| ServiceError::Internal(format!("action {}: {err}", e.name)))?;
        let Some((entity_type, verb)) = e.name.split_once('.') else {
            continue;
        };
        if !builtin.has_verb(verb) && !verbs.iter().any(|v| v.name == verb) {
            verbs.push(Named {
                name: verb.to_string(),
                label: d.verb_label.clone().unwrap_or_else(|| verb.to_string()),
                description: None,
            });
        }
        let mapping = OcsfMapping {
            class_uid: d.ocsf.class_uid,
            activity_id: d.ocsf.activity_id,
        };
        let Some(ocsf) = builtin.resolve_ocsf(mapping) else {
            tracing::warn!(action = %e.name, "custom action's OCSF mapping is unknown; skipped");
            continue;
        };
        let metadata_schema = match &d.metadata_schema {
            Some(s) => {
                let key = (e.org_id.unwrap_or(0), e.name.clone(), e.version);
                Some(cache.validator(key, s)?)
            }
            None => None,
        };
        actions.push(Action {
            name: e.name.clone(),
            entity_type: entity_type.to_string(),
            verb: verb.to_string(),
            category: d.category.clone(),
            label: d.label.clone(),
            ocsf,
            metadata: BTreeMap::new(),
            custom: Some(Arc::new(CustomRules {
                org_id: e.org_id,
                version: e.version,
                deprecated: d.deprecated,
                metadata_schema,
                change_fields: d.change_fields.map(|f| f.into_iter().collect()),
            })),
        });
    }
    Ok(CatalogView {
        catalog: Arc::new(builtin.extended(types, verbs, actions)),
        entries,
    })
}

fn scope_name(org_id: Option<i64>) -> &'static str {
    if org_id.is_some() { "org" } else { "instance" }
}

/// The built-in catalog document, parsed once.
fn builtin_document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(CATALOG_JSON).unwrap_or(Value::Null))
}

fn push(doc: &mut Value, list: &str, item: Value) {
    if let Some(Value::Array(a)) = doc.get_mut(list) {
        a.push(item);
    }
}

/// `GET /v1/catalog` of a view: the built-in document, and each platform-defined entry
/// with `custom: true`, its scope and its version.
fn document(view: &CatalogView) -> String {
    if view.entries.is_empty() {
        return CATALOG_JSON.to_string();
    }
    let mut doc = builtin_document().clone();
    let builtin = Catalog::builtin();
    let mut verbs_added: Vec<String> = Vec::new();
    for e in &view.entries {
        let Value::Object(def) = &e.definition else {
            continue;
        };
        let mut item: Map<String, Value> = Map::new();
        match e.kind {
            CatalogKind::EntityType => {
                item.insert("name".into(), json!(e.name));
                item.extend(def.clone());
            }
            CatalogKind::Action => {
                let verb = e.name.split_once('.').map_or("", |(_, v)| v);
                if !builtin.has_verb(verb) && !verbs_added.iter().any(|v| v == verb) {
                    verbs_added.push(verb.to_string());
                    push(
                        &mut doc,
                        "verbs",
                        json!({"name": verb, "label": view.catalog.verb_label(verb), "custom": true}),
                    );
                }
                item.insert("action".into(), json!(e.name));
                item.extend(def.clone());
                item.remove("verb_label");
                item.entry("description").or_insert(json!(""));
                item.insert("sources".into(), json!([]));
            }
        }
        item.insert("custom".into(), json!(true));
        item.insert("scope".into(), json!(scope_name(e.org_id)));
        item.insert("version".into(), json!(e.version));
        let list = match e.kind {
            CatalogKind::EntityType => "entity_types",
            CatalogKind::Action => "actions",
        };
        push(&mut doc, list, Value::Object(item));
    }
    doc.to_string()
}

impl Service {
    /// The catalog `org`'s events are validated and read against (`None`: the instance's,
    /// with no org's entries).
    pub async fn catalog_view(&self, org: Option<&Org>) -> Result<Arc<CatalogView>, ServiceError> {
        let scope = org.map(|o| o.id);
        if let Some(v) = self.catalog_cache.lookup(scope) {
            return Ok(v);
        }
        let generation = self.store.catalog_generation().await?;
        if let Some(v) = self.catalog_cache.revalidated(generation, scope) {
            return Ok(v);
        }
        let entries = if generation == 0 {
            Vec::new() // nothing was ever defined
        } else {
            latest(self.store.catalog_entries(org).await?)?
        };
        let view = if entries.is_empty() {
            // the built-ins alone, one copy for every scope that sees nothing else
            static BUILTIN: OnceLock<Arc<Catalog>> = OnceLock::new();
            CatalogView {
                catalog: BUILTIN
                    .get_or_init(|| Arc::new(Catalog::builtin().clone()))
                    .clone(),
                entries,
            }
        } else {
            build_view(self.catalog, entries, &self.catalog_cache)?
        };
        let view = Arc::new(view);
        self.catalog_cache.insert(generation, scope, view.clone());
        Ok(view)
    }

    /// The catalog an org's names resolve against.
    pub(super) async fn catalog_of(&self, org: &Org) -> Result<Arc<CatalogView>, ServiceError> {
        self.catalog_view(Some(org)).await
    }

    /// `GET /v1/catalog`: the built-ins and the entries the caller sees (an org's key or
    /// viewer token: the instance's and its org's; the operator or no credential: the
    /// instance's).
    pub async fn catalog_document(&self, p: Option<&Principal>) -> Result<String, ServiceError> {
        let org = match p {
            Some(Principal::Key { org, .. } | Principal::Viewer { org, .. }) => Some(org),
            Some(Principal::System(a)) => Some(a.org()),
            Some(Principal::Operator | Principal::OperatorCommand(_)) | None => None,
        };
        Ok(document(&*self.catalog_view(org).await?))
    }

    /// Where `p` defines entries: the operator for the instance, an admin key for its org.
    fn catalog_scope<'p>(&self, p: &'p Principal) -> Result<Option<&'p Org>, ServiceError> {
        match p {
            Principal::Operator | Principal::OperatorCommand(_) => Ok(None),
            Principal::Key { .. } => self.org_for(p, Scope::Admin).map(Some),
            _ => Err(ServiceError::Forbidden(
                "the catalog is defined with the operator token or an org's admin key".into(),
            )),
        }
    }

    /// Stores `definition` as the next version of the entry, with its record: in the org's
    /// log in the same transaction, or (an instance's entry) in every org's log after it.
    async fn store_entry(
        &self,
        p: &Principal,
        org: Option<&Org>,
        kind: CatalogKind,
        name: &str,
        definition: &Value,
    ) -> Result<CatalogChange, ServiceError> {
        let text = definition.to_string();
        let action = match kind {
            CatalogKind::EntityType => "catalog.entity_type_defined",
            CatalogKind::Action => "catalog.action_defined",
        };
        let by = self.admin_actor(p, org).await;
        let mut put = CatalogPut::Stale;
        // compare and set: the record names the version it makes
        for _ in 0..5 {
            let scope_id = org.map(|o| o.id);
            let next = self
                .store
                .catalog_entries(org)
                .await?
                .iter()
                .filter(|e| e.org_id == scope_id && e.kind == kind && e.name == name)
                .map(|e| e.version)
                .max()
                .unwrap_or(0)
                + 1;
            let records = match org {
                Some(o) => self.catalog_records(
                    &by,
                    o,
                    action,
                    kind,
                    name,
                    "org",
                    Some(next),
                    Some(definition),
                )?,
                None => Vec::new(),
            };
            put = self
                .store
                .put_catalog_entry(org, kind, name, &text, next, records)
                .await?;
            if put != CatalogPut::Stale {
                break;
            }
        }
        self.catalog_cache.invalidate();
        match put {
            CatalogPut::Stored { version, changed } => {
                if changed && org.is_none() {
                    self.record_instance_catalog_change(
                        &by,
                        action,
                        kind,
                        name,
                        Some(version),
                        Some(definition),
                    )
                    .await?;
                }
                Ok(CatalogChange {
                    org: org.cloned(),
                    kind,
                    name: name.to_string(),
                    version,
                    changed,
                })
            }
            CatalogPut::Stale => Err(ServiceError::Unavailable(
                "the catalog entry kept changing while this request was applied; retry".into(),
            )),
            CatalogPut::Conflict => Err(ServiceError::CatalogConflict(format!(
                "{} {name} is already defined {}",
                kind.as_str().replace('_', " "),
                if org.is_some() {
                    "for the whole instance"
                } else {
                    "by an org"
                }
            ))),
        }
    }

    /// `PUT /v1/catalog/entity-types/{type}`.
    pub async fn put_entity_type(
        &self,
        p: &Principal,
        name: &str,
        body: EntityTypePut,
    ) -> Result<CatalogChange, ServiceError> {
        let org = self.catalog_scope(p)?;
        check_entity_type_name(name)?;
        body.check()?;
        if self.catalog.has_entity_type(name) {
            return Err(ServiceError::CatalogConflict(format!(
                "entity type {name} is built in; it cannot be redefined"
            )));
        }
        let def = serde_json::to_value(&body).map_err(|e| ServiceError::Internal(e.to_string()))?;
        self.store_entry(p, org, CatalogKind::EntityType, name, &def)
            .await
    }

    /// `PUT /v1/catalog/actions/{action}`.
    pub async fn put_action(
        &self,
        p: &Principal,
        name: &str,
        mut body: ActionPut,
    ) -> Result<CatalogChange, ServiceError> {
        let org = self.catalog_scope(p)?;
        let (entity_type, verb) = split_action_name(name)?;
        body.check()?;
        if self.catalog.action(name).is_some() {
            return Err(ServiceError::CatalogConflict(format!(
                "action {name} is built in; it cannot be redefined"
            )));
        }
        // names resolve in the scope's view, read afresh
        self.catalog_cache.invalidate();
        let view = self.catalog_view(org).await?;
        let c = &view.catalog;
        if entity_type == "audit_log" {
            return Err(bad_field(
                "action",
                "actions on the audit_log entity type are the service's own",
            ));
        }
        if !c.has_entity_type(entity_type) {
            return Err(bad_field(
                "action",
                format!(
                    "unknown entity type {entity_type:?}; define it first with PUT /v1/catalog/entity-types/{entity_type}"
                ),
            ));
        }
        if body.category == "access" || !c.has_category(&body.category) {
            return Err(bad_field(
                "category",
                format!(
                    "category must be one of the catalog's categories other than access; got {:?}",
                    body.category
                ),
            ));
        }
        let verb_is_new = !c.has_verb(verb);
        if verb_is_new && body.verb_label.is_none() {
            return Err(bad_field(
                "verb_label",
                format!("verb {verb:?} is new to the catalog: give its verb_label"),
            ));
        }
        // a built-in verb keeps its label; a platform-defined one keeps the label it was
        // given, so that the same PUT again is the same definition (no new version)
        if self.catalog.has_verb(verb) {
            body.verb_label = None;
        }
        let mapping = OcsfMapping {
            class_uid: body.ocsf.class_uid,
            activity_id: body.ocsf.activity_id,
        };
        if c.resolve_ocsf(mapping).is_none() {
            return Err(bad_field(
                "ocsf",
                format!(
                    "OCSF class {} has no activity {} in the catalog's OCSF table (GET /v1/catalog, ocsf.classes)",
                    mapping.class_uid, mapping.activity_id
                ),
            ));
        }
        if let Some(schema) = &body.metadata_schema {
            catalog_rules::compile_schema(schema)?;
        }
        let def = serde_json::to_value(&body).map_err(|e| ServiceError::Internal(e.to_string()))?;
        self.store_entry(p, org, CatalogKind::Action, name, &def)
            .await
    }

    /// `DELETE /v1/catalog/actions/{action}`: only an action no event uses.
    pub async fn delete_action(&self, p: &Principal, name: &str) -> Result<(), ServiceError> {
        let org = self.catalog_scope(p)?;
        split_action_name(name)?;
        if self.catalog.action(name).is_some() {
            return Err(ServiceError::CatalogConflict(format!(
                "action {name} is built in; it cannot be deleted"
            )));
        }
        let defined = self.store.catalog_entries(org).await?.iter().any(|e| {
            e.org_id == org.map(|o| o.id) && e.kind == CatalogKind::Action && e.name == name
        });
        if !defined {
            return Err(ServiceError::NotFound(format!(
                "no action {name} is defined {}",
                if org.is_some() {
                    "for this org"
                } else {
                    "for the instance"
                }
            )));
        }
        if self.store.action_has_events(org, name).await? {
            return Err(ServiceError::ActionInUse(format!(
                "action {name} has events; deprecate it instead (\"deprecated\": true)"
            )));
        }
        let by = self.admin_actor(p, org).await;
        let deleted = "catalog.action_deleted";
        let records = match org {
            Some(o) => self.catalog_records(
                &by,
                o,
                deleted,
                CatalogKind::Action,
                name,
                "org",
                None,
                None,
            )?,
            None => Vec::new(),
        };
        let removed = self
            .store
            .delete_catalog_entry(org, CatalogKind::Action, name, records)
            .await?;
        self.catalog_cache.invalidate();
        if removed && org.is_none() {
            self.record_instance_catalog_change(
                &by,
                deleted,
                CatalogKind::Action,
                name,
                None,
                None,
            )
            .await?;
        }
        Ok(())
    }
}
