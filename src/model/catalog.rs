//! The built-in event catalog: categories, entity types, verbs and actions, kept as data in
//! `catalog/catalog.json` and compiled into the binary.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

/// The raw catalog document, exactly as served at `GET /v1/catalog`.
pub const CATALOG_JSON: &str = include_str!("../../catalog/catalog.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Named {
    pub name: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActionDef {
    pub action: String,
    pub label: String,
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sources: Vec<String>,
    pub ocsf: OcsfMapping,
    /// The `metadata` members a sender is expected to fill, with what each holds: what a SIEM
    /// reads (reason codes, the factor, the provider). Documentation, not a schema: events
    /// with other members are accepted.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// An action's place in OCSF: the event class and the activity within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcsfMapping {
    pub class_uid: u32,
    pub activity_id: u32,
}

/// The OCSF classes the catalog maps to, with their activities (`"id": "caption"`), as the
/// OCSF schema of `version` defines them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OcsfTable {
    pub version: String,
    pub classes: Vec<OcsfClass>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OcsfClass {
    pub class_uid: u32,
    pub name: String,
    pub activities: BTreeMap<String, String>,
}

/// An action's OCSF class and activity, with their captions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ocsf {
    pub class_uid: u32,
    pub class_name: String,
    pub activity_id: u32,
    pub activity_name: String,
}

impl OcsfTable {
    fn resolve(&self, m: OcsfMapping) -> Option<Ocsf> {
        let class = self.classes.iter().find(|c| c.class_uid == m.class_uid)?;
        let activity = class.activities.get(&m.activity_id.to_string())?;
        Some(Ocsf {
            class_uid: m.class_uid,
            class_name: class.name.clone(),
            activity_id: m.activity_id,
            activity_name: activity.clone(),
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
struct CatalogDoc {
    version: u32,
    categories: Vec<Named>,
    verbs: Vec<Named>,
    entity_types: Vec<Named>,
    ocsf: OcsfTable,
    actions: Vec<ActionDef>,
}

/// One action resolved into its parts.
#[derive(Debug, Clone)]
pub struct Action {
    pub name: String,
    pub entity_type: String,
    pub verb: String,
    pub category: String,
    pub label: String,
    pub ocsf: Ocsf,
    /// The metadata members it expects, with what each holds (see [`ActionDef::metadata`]).
    pub metadata: BTreeMap<String, String>,
    /// What a platform-defined action adds (`None` for the built-ins).
    pub custom: Option<Arc<CustomRules>>,
}

/// The rules of a platform-defined action's current version (docs/catalog.md,
/// "Platform-defined actions"): checked by `service::validate` on every event of it.
pub struct CustomRules {
    /// `None`: defined for the whole instance; else the org's id.
    pub org_id: Option<i64>,
    /// The version events are validated against, recorded in each as `schema_version`.
    pub version: u32,
    /// Deprecated actions take no new events.
    pub deprecated: bool,
    /// The compiled JSON Schema of `metadata`, shared by the service's cache.
    pub metadata_schema: Option<Arc<jsonschema::Validator>>,
    /// The allowed `changes[].field` names; `None`: any.
    pub change_fields: Option<BTreeSet<String>>,
}

impl std::fmt::Debug for CustomRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomRules")
            .field("org_id", &self.org_id)
            .field("version", &self.version)
            .field("deprecated", &self.deprecated)
            .field("metadata_schema", &self.metadata_schema.is_some())
            .field("change_fields", &self.change_fields)
            .finish()
    }
}

impl Action {
    /// Whether only the service itself records this action, so that clients cannot send
    /// it: every action on the log itself (entity type `audit_log`: its purges, settings,
    /// and reads of it), every action of the `access` category (reads of the log) and of the
    /// `admin` category (administration of the log: orgs, keys, settings, viewer tokens,
    /// signing keys).
    pub fn service_only(&self) -> bool {
        self.entity_type == "audit_log" || self.category == "access" || self.category == "admin"
    }
}

/// The catalog, indexed for lookups: the built-in one, or an org's view of it with the
/// platform-defined entries it sees ([`Catalog::extended`]).
#[derive(Debug, Clone)]
pub struct Catalog {
    pub version: u32,
    pub categories: Vec<Named>,
    pub verbs: Vec<Named>,
    pub entity_types: Vec<Named>,
    pub ocsf: OcsfTable,
    actions: BTreeMap<String, Action>,
}

impl Catalog {
    /// The catalog compiled into this binary. Its consistency is checked by a unit test, so
    /// parsing cannot fail at run time for a binary that passed the tests.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| match Catalog::parse(CATALOG_JSON) {
            Ok(c) => c,
            Err(e) => panic!("built-in catalog is invalid: {e}"),
        })
    }

    pub fn parse(json: &str) -> Result<Catalog, String> {
        let doc: CatalogDoc = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let cats: BTreeSet<&str> = doc.categories.iter().map(|c| c.name.as_str()).collect();
        let verbs: BTreeSet<&str> = doc.verbs.iter().map(|c| c.name.as_str()).collect();
        let types: BTreeSet<&str> = doc.entity_types.iter().map(|c| c.name.as_str()).collect();
        let mut actions = BTreeMap::new();
        for a in &doc.actions {
            let (entity_type, verb) = a
                .action
                .split_once('.')
                .ok_or_else(|| format!("action {} is not <entity_type>.<verb>", a.action))?;
            if !types.contains(entity_type) {
                return Err(format!("action {}: unknown entity type", a.action));
            }
            if !verbs.contains(verb) {
                return Err(format!("action {}: unknown verb", a.action));
            }
            if !cats.contains(a.category.as_str()) {
                return Err(format!("action {}: unknown category", a.action));
            }
            let ocsf = doc.ocsf.resolve(a.ocsf).ok_or_else(|| {
                format!(
                    "action {}: OCSF class {} has no activity {} in the catalog's table",
                    a.action, a.ocsf.class_uid, a.ocsf.activity_id
                )
            })?;
            let prev = actions.insert(
                a.action.clone(),
                Action {
                    name: a.action.clone(),
                    entity_type: entity_type.to_string(),
                    verb: verb.to_string(),
                    category: a.category.clone(),
                    label: a.label.clone(),
                    ocsf,
                    metadata: a.metadata.clone(),
                    custom: None,
                },
            );
            if prev.is_some() {
                return Err(format!("action {} listed twice", a.action));
            }
        }
        Ok(Catalog {
            version: doc.version,
            categories: doc.categories,
            verbs: doc.verbs,
            entity_types: doc.entity_types,
            ocsf: doc.ocsf,
            actions,
        })
    }

    /// This catalog with platform-defined entries added: entity types, verbs (name and label)
    /// and actions. The caller checked that none redefines a name already here; an entry
    /// that does is ignored (the built-in stays).
    pub fn extended(
        &self,
        entity_types: Vec<Named>,
        verbs: Vec<Named>,
        actions: Vec<Action>,
    ) -> Catalog {
        let mut c = self.clone();
        for t in entity_types {
            if !c.has_entity_type(&t.name) {
                c.entity_types.push(t);
            }
        }
        for v in verbs {
            if !c.has_verb(&v.name) {
                c.verbs.push(v);
            }
        }
        for a in actions {
            c.actions.entry(a.name.clone()).or_insert(a);
        }
        c
    }

    /// The OCSF class and activity of a mapping, if the catalog's table has them.
    pub fn resolve_ocsf(&self, m: OcsfMapping) -> Option<Ocsf> {
        self.ocsf.resolve(m)
    }

    /// Whether the rollups count this action. Records of reads (the `access` category) are
    /// left out, so that Event Counts that leave them out (the default) can be answered from
    /// rollups without an action filter; counts that ask for them read the events.
    pub fn rolled_up(&self, action: &str) -> bool {
        self.action(action).is_none_or(|a| a.category != "access")
    }

    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.get(name)
    }

    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.actions.values()
    }

    pub fn has_category(&self, name: &str) -> bool {
        self.categories.iter().any(|c| c.name == name)
    }

    pub fn has_verb(&self, name: &str) -> bool {
        self.verbs.iter().any(|c| c.name == name)
    }

    pub fn has_entity_type(&self, name: &str) -> bool {
        self.entity_types.iter().any(|c| c.name == name)
    }

    pub fn verb_label<'a>(&'a self, verb: &'a str) -> &'a str {
        self.verbs
            .iter()
            .find(|v| v.name == verb)
            .map_or(verb, |v| v.label.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_is_consistent_and_complete() {
        let c = Catalog::parse(CATALOG_JSON).expect("catalog parses");
        for required in [
            "rule.suggestion_created",
            "user.invited",
            "tag.merged",
            "account.deactivated",
            "ticket.self_unsnoozed",
            "ticket.message_summary_created",
            "customer.merged",
            "order.refunded",
            "user.logged_in",
            "user.password_reset",
            "customer.profile_deleted",
            "conversation.recording_redacted",
        ] {
            assert!(c.action(required).is_some(), "{required} missing");
        }
        for cat in ["configuration", "activity", "security", "compliance"] {
            assert!(c.actions().any(|a| a.category == cat), "no action in {cat}");
        }
        // every declared verb and entity type is used by some action
        for v in &c.verbs {
            assert!(
                c.actions().any(|a| a.verb == v.name),
                "verb {} unused",
                v.name
            );
        }
        for t in &c.entity_types {
            assert!(
                c.actions().any(|a| a.entity_type == t.name),
                "type {} unused",
                t.name
            );
        }
    }

    #[test]
    fn the_service_alone_records_the_log_s_own_actions() {
        let c = Catalog::builtin();
        let only: Vec<&str> = c
            .actions()
            .filter(|a| a.service_only())
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(
            only,
            [
                "api_key.created",
                "api_key.revoked",
                "audit_log.exported",
                "audit_log.purged",
                "audit_log.settings_updated",
                "audit_log.viewed",
                "catalog.action_defined",
                "catalog.action_deleted",
                "catalog.entity_type_defined",
                "org.created",
                "org.renamed",
                "signing_key.rotated",
                "viewer_token.created",
            ]
        );
        for a in c.actions().filter(|a| a.category == "admin") {
            assert!(a.service_only(), "{}", a.name);
        }
    }

    #[test]
    fn parse_rejects_inconsistent_catalogs() {
        let doc = |action: &str, class: u32, activity: u32| {
            format!(
                r#"{{"version":1,"categories":[{{"name":"c","label":"C"}}],"verbs":[{{"name":"v","label":"V"}}],
                "entity_types":[{{"name":"t","label":"T"}}],
                "ocsf":{{"version":"1.7.0","classes":[{{"class_uid":3004,"name":"Entity Management","activities":{{"1":"Create"}}}}]}},
                "actions":[{{"action":"{action}","label":"","category":"c","ocsf":{{"class_uid":{class},"activity_id":{activity}}}}}]}}"#
            )
        };
        assert!(Catalog::parse(&doc("t.v", 3004, 1)).is_ok());
        assert!(
            Catalog::parse(&doc("t.x", 3004, 1))
                .unwrap_err()
                .contains("unknown verb")
        );
        for (class, activity) in [(3004, 2), (3001, 1)] {
            let e = Catalog::parse(&doc("t.v", class, activity)).unwrap_err();
            assert!(e.contains("OCSF class"), "{e}");
        }
    }

    /// The catalog's OCSF table is the standard's: every class and activity caption as the
    /// OCSF schema 1.7.0 publishes it (tests/data/ocsf-1.7.0, extracted from the schema's
    /// own files).
    #[test]
    fn ocsf_mappings_are_the_standard_s() {
        #[derive(Deserialize)]
        struct SpecClass {
            class_uid: u32,
            caption: String,
            activity_id: BTreeMap<String, String>,
        }
        let spec: Vec<SpecClass> =
            serde_json::from_str(include_str!("../../tests/data/ocsf-1.7.0/classes.json"))
                .expect("spec data parses");
        let c = Catalog::builtin();
        assert_eq!(c.ocsf.version, "1.7.0");
        for class in &c.ocsf.classes {
            let s = spec
                .iter()
                .find(|s| s.class_uid == class.class_uid)
                .unwrap_or_else(|| panic!("class {} is not in OCSF 1.7.0", class.class_uid));
            assert_eq!(class.name, s.caption, "{}", class.class_uid);
            for (id, name) in &class.activities {
                assert_eq!(
                    s.activity_id.get(id),
                    Some(name),
                    "class {} activity {id}",
                    class.class_uid
                );
            }
        }
        // spot checks of the mappings a SIEM keys on
        for (action, class, activity) in [
            ("user.logged_in", 3002, "Logon"),
            ("user.login_failed", 3002, "Logon"),
            ("user.logged_out", 3002, "Logoff"),
            ("user.mfa_disabled", 3001, "MFA Factor Disable"),
            ("user.locked", 3001, "Lock"),
            ("user.role_assigned", 3005, "Assign Privileges"),
            ("group.provisioned", 3006, "Create"),
            ("user.impersonation_started", 3002, "Account Switch"),
            ("ticket.exported", 6005, "Read"),
            ("rule.updated", 3004, "Update"),
        ] {
            let a = c
                .action(action)
                .unwrap_or_else(|| panic!("{action} missing"));
            assert_eq!(
                (a.ocsf.class_uid, a.ocsf.activity_name.as_str()),
                (class, activity),
                "{action}"
            );
        }
    }

    /// Every security action tells the sender which metadata members to fill.
    #[test]
    fn security_and_admin_actions_name_their_metadata() {
        let c = Catalog::builtin();
        for a in c
            .actions()
            .filter(|a| a.category == "security" || a.category == "admin")
        {
            assert!(!a.metadata.is_empty(), "{} names no metadata", a.name);
        }
        let failed = c.action("user.login_failed").expect("user.login_failed");
        for m in ["reason", "method", "provider", "factor"] {
            assert!(failed.metadata.contains_key(m), "user.login_failed: {m}");
        }
    }

    /// docs/catalog.md is the catalog: each action's row, its counts.
    #[test]
    fn docs_catalog_md_lists_every_action() {
        let md = include_str!("../../docs/catalog.md");
        let c = Catalog::builtin();
        for a in c.actions() {
            let row = format!(
                "| `{}` | {} | `{}` | {} ({}: {}) |",
                a.name,
                a.label,
                a.entity_type,
                a.ocsf.class_name,
                a.ocsf.class_uid,
                a.ocsf.activity_name
            );
            assert!(
                md.contains(&row),
                "docs/catalog.md lacks the row starting {row}"
            );
        }
        let counts = format!(
            "{} categories, {} verbs, {} entity types, {} actions",
            c.categories.len(),
            c.verbs.len(),
            c.entity_types.len(),
            c.actions().count()
        );
        assert!(
            md.contains(&counts),
            "docs/catalog.md does not say {counts}"
        );
    }
}
