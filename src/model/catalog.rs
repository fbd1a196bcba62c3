//! The built-in event catalog: categories, entity types, verbs and actions, kept as data in
//! `catalog/catalog.json` and compiled into the binary.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

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
}

#[derive(Debug, Clone, Deserialize)]
struct CatalogDoc {
    version: u32,
    categories: Vec<Named>,
    verbs: Vec<Named>,
    entity_types: Vec<Named>,
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
}

impl Action {
    /// Whether only the service itself records this action, so that clients cannot send
    /// it: every action on the log itself (entity type `audit_log`: its purges, and reads
    /// of it) and every action of the `access` category (reads of the log).
    pub fn service_only(&self) -> bool {
        self.entity_type == "audit_log" || self.category == "access"
    }
}

/// The catalog, indexed for lookups.
#[derive(Debug)]
pub struct Catalog {
    pub version: u32,
    pub categories: Vec<Named>,
    pub verbs: Vec<Named>,
    pub entity_types: Vec<Named>,
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
            let prev = actions.insert(
                a.action.clone(),
                Action {
                    name: a.action.clone(),
                    entity_type: entity_type.to_string(),
                    verb: verb.to_string(),
                    category: a.category.clone(),
                    label: a.label.clone(),
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
            actions,
        })
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
            ["audit_log.exported", "audit_log.purged", "audit_log.viewed"]
        );
    }

    #[test]
    fn parse_rejects_inconsistent_catalogs() {
        let bad = r#"{"version":1,"categories":[{"name":"c","label":"C"}],"verbs":[{"name":"v","label":"V"}],
            "entity_types":[{"name":"t","label":"T"}],"actions":[{"action":"t.x","label":"","category":"c"}]}"#;
        assert!(Catalog::parse(bad).unwrap_err().contains("unknown verb"));
    }
}
