//! Every configuration object of the org (rules, macros, inboxes, teams, views, widgets,
//! integrations, custom attributes, roles, users, tags, the org settings and the account), with
//! the ways each field can change, and when it exists (`Life`): kept as data in
//! `data/objects.json` (its `about` says how a field is written) and compiled into the binary.

use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::Value;

use super::fields::{Field, Shape, Show, mask};

/// The configuration objects, as data.
const OBJECTS_JSON: &str = include_str!("data/objects.json");

#[derive(Clone, Copy, PartialEq, Eq, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Life {
    /// Exists before the period.
    Live,
    /// Created during the period by whoever gets to it first (the coverage phase, or an
    /// admin's everyday work).
    Spare,
    /// Created during the period by one planned piece of work (the new inbox, a hire, the
    /// holiday preparations), never by chance.
    Planned,
    /// Exists before the period and is removed during it.
    Legacy,
    Gone,
}

pub(super) struct Obj {
    pub(super) kind: &'static str,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) life: Life,
    /// When it was created (`i64::MIN` when before the period).
    pub(super) since: i64,
    pub(super) fields: Vec<Field>,
}

/// `data/objects.json`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ObjectsDoc {
    #[allow(dead_code)]
    about: Vec<String>,
    pub(super) objects: Vec<ObjSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ObjSpec {
    pub(super) kind: String,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) life: Life,
    #[serde(default)]
    pub(super) fields: Vec<FieldSpec>,
}

/// A field as written in the data: its name, one shape key, and optionally `show` and
/// `weight`.
#[derive(Deserialize)]
pub(super) struct FieldSpec {
    pub(super) name: String,
    #[serde(flatten)]
    pub(super) shape: ShapeSpec,
    #[serde(default)]
    pub(super) show: Show,
    /// How often everyday edits pick the field; the shape's default when left out.
    pub(super) weight: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ShapeSpec {
    /// Shown when the object is created, never changed.
    Fixed(Value),
    /// One of a few values, starting at the first.
    States(Vec<Value>),
    /// A whole number from `value`, within `min..=max`, moved by `step`.
    Num {
        value: i64,
        min: i64,
        max: i64,
        step: i64,
    },
    /// On or off, starting as given.
    Flag(bool),
    /// Items of `pool`, `on` at the start; edits never remove one of `keep`.
    Set {
        pool: Vec<String>,
        on: Vec<String>,
        #[serde(default)]
        keep: Vec<String>,
    },
    /// A text of parts, each one of a few options, starting with the first of each.
    Parts(Vec<Vec<String>>),
}

/// The parsed data, once.
pub(super) static DOC: LazyLock<ObjectsDoc> = LazyLock::new(|| {
    serde_json::from_str(OBJECTS_JSON).expect("src/demo/data/objects.json parses")
});

/// Every configuration object of the org, as it is at the start of the period.
pub(super) fn objects() -> Vec<Obj> {
    DOC.objects.iter().map(ObjSpec::build).collect()
}

fn strs(xs: &'static [String]) -> Vec<&'static str> {
    xs.iter().map(String::as_str).collect()
}

impl ObjSpec {
    fn build(&'static self) -> Obj {
        Obj {
            kind: &self.kind,
            id: self.id.clone(),
            name: self.name.clone(),
            life: self.life,
            since: i64::MIN,
            fields: self.fields.iter().map(FieldSpec::build).collect(),
        }
    }
}

impl FieldSpec {
    fn build(&'static self) -> Field {
        let (shape, cur, weight) = match &self.shape {
            ShapeSpec::Fixed(v) => (Shape::States(vec![v.clone()]), 0, 0),
            ShapeSpec::States(vs) => (Shape::States(vs.clone()), 0, 10),
            &ShapeSpec::Num {
                value,
                min,
                max,
                step,
            } => (
                Shape::Num {
                    lo: min,
                    hi: max,
                    step,
                },
                value,
                10,
            ),
            &ShapeSpec::Flag(on) => (Shape::Flag, i64::from(on), 2),
            ShapeSpec::Set { pool, on, keep } => {
                let pool = strs(pool);
                let (on, keep) = (strs(on), strs(keep));
                let cur = mask(&pool, &on);
                let keep = mask(&pool, &keep);
                let base = cur.count_ones();
                (Shape::Set { pool, keep, base }, cur as i64, 10)
            }
            ShapeSpec::Parts(slots) => {
                (Shape::Parts(slots.iter().map(|o| strs(o)).collect()), 0, 10)
            }
        };
        Field {
            name: &self.name,
            shape,
            cur,
            show: self.show,
            weight: self.weight.unwrap_or(weight),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::{DOC, Life, OBJECTS_JSON, ShapeSpec};

    /// The keys a field may have: its name, exactly one shape, and `show` and `weight`.
    #[test]
    fn every_field_is_written_with_known_keys() {
        let doc: Value = serde_json::from_str(OBJECTS_JSON).unwrap();
        let shapes = ["fixed", "states", "num", "flag", "set", "parts"];
        for o in doc["objects"].as_array().unwrap() {
            for f in o["fields"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
                let n = keys.iter().filter(|k| shapes.contains(k)).count();
                assert_eq!(n, 1, "{}: one shape in {f}", o["id"]);
                for k in keys {
                    assert!(
                        shapes.contains(&k) || ["name", "show", "weight"].contains(&k),
                        "{}: unknown key {k} in {f}",
                        o["id"]
                    );
                }
            }
        }
    }

    #[test]
    fn the_objects_are_consistent() {
        let mut ids = BTreeSet::new();
        for o in &DOC.objects {
            assert!(ids.insert(o.id.as_str()), "duplicate id {}", o.id);
            assert_ne!(o.life, Life::Gone, "{}", o.id);
            let mut names = BTreeSet::new();
            for f in &o.fields {
                let at = format!("{}.{}", o.id, f.name);
                assert!(names.insert(f.name.as_str()), "{at} twice");
                match &f.shape {
                    ShapeSpec::Fixed(_) | ShapeSpec::Flag(_) => {}
                    ShapeSpec::States(vs) => assert!(!vs.is_empty(), "{at}"),
                    ShapeSpec::Parts(slots) => {
                        assert!(
                            !slots.is_empty() && slots.iter().all(|o| !o.is_empty()),
                            "{at}"
                        )
                    }
                    &ShapeSpec::Num {
                        value,
                        min,
                        max,
                        step,
                    } => {
                        assert!(
                            min <= value && value <= max,
                            "{at}: {value} in {min}..={max}"
                        );
                        assert!(step > 0 && step <= max - min, "{at}: step {step}");
                        assert_eq!((value - min) % step, 0, "{at}: {value} is on a step");
                    }
                    ShapeSpec::Set { pool, on, keep } => {
                        let items: BTreeSet<&String> = pool.iter().collect();
                        assert_eq!(items.len(), pool.len(), "{at}: an item twice in the pool");
                        assert!(pool.len() < 62, "{at}: the pool is a bit mask");
                        assert!(on.iter().all(|x| items.contains(x)), "{at}: on {on:?}");
                        assert!(keep.iter().all(|x| on.contains(x)), "{at}: keeps {keep:?}");
                    }
                }
            }
        }
    }

    /// Every object and field that the planned pieces of work name (`jobs.rs`, `edits.rs`).
    #[test]
    fn what_the_code_names_exists() {
        let named: &[(&str, &[&str])] = &[
            ("acc_1", &["seats"]),
            ("ca_802", &["options"]),
            ("ca_807", &[]),
            (
                "cfg_acme",
                &[
                    "holidays",
                    "business_hours",
                    "session_timeout_minutes",
                    "ip_allowlist",
                ],
            ),
            ("ib_401", &["sla_first_response_minutes"]),
            ("ib_402", &["sla_first_response_seconds"]),
            ("ib_406", &[]),
            ("int_302", &["notify_on"]),
            ("int_303", &["forwarding_addresses"]),
            ("int_306", &["group_filter"]),
            ("mac_209", &["body"]),
            ("mac_210", &["body"]),
            ("role_906", &["permissions"]),
            ("rule_109", &["conditions"]),
            ("rule_110", &["reply_body"]),
            ("tag_501", &[]),
            ("tag_502", &[]),
            ("tag_522", &[]),
            ("tag_523", &[]),
            ("tag_590", &[]),
            ("tag_593", &[]),
            ("team_3", &["description"]),
            ("team_6", &[]),
            ("view_602", &["exclude_tags"]),
            ("view_607", &[]),
            ("view_608", &[]),
            ("wid_701", &["fields"]),
        ];
        for (id, fields) in named {
            let o = DOC.objects.iter().find(|o| o.id == *id);
            let o = o.unwrap_or_else(|| panic!("no object {id}"));
            for f in *fields {
                assert!(o.fields.iter().any(|x| x.name == *f), "{id} has no {f}");
            }
        }
        for o in DOC
            .objects
            .iter()
            .filter(|o| o.kind == "rule" && !o.fields.is_empty())
        {
            assert!(o.fields.iter().any(|f| f.name == "enabled"), "{}", o.id);
        }
    }
}
