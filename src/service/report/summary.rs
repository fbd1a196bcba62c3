//! Event Counts: events counted by the `group_by` dimensions, largest groups first.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use super::{DEFAULT_GROUPS, Dim, MAX_GROUPS, count};
use crate::model::{Catalog, Org};
use crate::service::ServiceError;
use crate::service::query::Filters;
use crate::service::requests::SummaryRequest;
use crate::store::Store;

/// A parsed `group_by`.
pub fn parse_group_by(raw: Option<&str>) -> Result<Vec<Dim>, ServiceError> {
    let mut dims = Vec::new();
    for name in raw
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let Some((_, d)) = Dim::ALL.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = Dim::ALL.iter().map(|(n, _)| *n).collect();
            return Err(ServiceError::bad_param(
                "group_by",
                format!("unknown group_by {name:?}; use any of {}", known.join(", ")),
            ));
        };
        if dims.contains(d) {
            return Err(ServiceError::bad_param(
                "group_by",
                format!("{name} given twice"),
            ));
        }
        dims.push(*d);
    }
    if dims.iter().filter(|d| d.interval().is_some()).count() > 1 {
        return Err(ServiceError::bad_param(
            "group_by",
            "group by at most one of hour, day, week, month",
        ));
    }
    Ok(dims)
}

/// One group of a summary, ready to print.
#[derive(Debug, Clone)]
pub struct Group {
    /// (dimension, value) in the order asked for.
    pub key: Vec<(Dim, DimValue)>,
    pub count: u64,
}

/// A group's value for one dimension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DimValue {
    /// No value: an action the catalog does not know (its category, entity type, verb), an
    /// event without `via`, a count row without an actor.
    Null,
    /// The category, entity type, action, verb, `via` type, or a time bucket's label.
    Text(String),
    Actor(GroupActor),
}

/// The `actor` of a group: a system actor has no id and the name `System`; any other its
/// id, named by the latest "Performed By" of that id for a user, else by the id itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupActor {
    pub kind: String,
    pub id: Option<String>,
    pub name: String,
}

impl DimValue {
    fn text(v: Option<&str>) -> DimValue {
        v.map_or(DimValue::Null, |v| DimValue::Text(v.to_string()))
    }

    /// What groups are told apart and ties ordered by: the value's JSON text with members
    /// in alphabetical order, as the answer was ordered when it was built as JSON here.
    fn sort_text(&self) -> String {
        let json = |s: &str| serde_json::Value::from(s).to_string();
        match self {
            DimValue::Null => "null".into(),
            DimValue::Text(s) => json(s),
            DimValue::Actor(a) => format!(
                "{{\"id\":{},\"name\":{},\"type\":{}}}",
                a.id.as_deref().map_or("null".into(), json),
                json(&a.name),
                json(&a.kind)
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub group_by: Vec<Dim>,
    pub groups: Vec<Group>,
    pub total: u64,
    /// More groups exist than `limit` allowed.
    pub truncated: bool,
}

pub async fn summary(
    store: &dyn Store,
    catalog: &Catalog,
    org: &Org,
    req: &SummaryRequest,
    f: &Filters,
) -> Result<Summary, ServiceError> {
    let dims = parse_group_by(req.group_by.as_deref())?;
    let limit = match req.limit.as_deref() {
        // a CSV has no room for "truncated": give it every group unless told otherwise
        None if req.format.as_deref() == Some("csv") => MAX_GROUPS,
        None => DEFAULT_GROUPS,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_GROUPS).contains(&n) => n,
            _ => {
                return Err(ServiceError::bad_param(
                    "limit",
                    format!("limit must be an integer from 1 to {MAX_GROUPS}"),
                ));
            }
        },
    };
    let by_action = dims.iter().any(|d| d.derives_from_action());
    let by_actor = dims.iter().any(|d| matches!(d, Dim::Actor | Dim::ViaType));
    let interval = dims.iter().find_map(|d| d.interval());
    let raw = count(store, catalog, org, f, by_action, by_actor, interval).await?;

    let user_ids: Vec<String> = if dims.contains(&Dim::Actor) {
        let mut ids: Vec<String> = raw
            .groups
            .keys()
            .filter_map(|(_, _, a)| a.as_ref())
            .filter(|(t, id, _)| t == "user" && !id.is_empty())
            .map(|(_, id, _)| id.clone())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    } else {
        Vec::new()
    };
    let names: HashMap<String, String> = store
        .actor_names(org, &user_ids)
        .await?
        .into_iter()
        .collect();

    type Keyed = (Vec<(Dim, DimValue)>, u64);
    let mut grouped: BTreeMap<Vec<String>, Keyed> = BTreeMap::new();
    let mut labels: foldhash::HashMap<i64, String> = Default::default();
    let mut total = 0u64;
    for ((bucket, action, actor), n) in raw.groups {
        total += n;
        let a = action.as_deref().and_then(|a| catalog.action(a));
        let mut key = Vec::with_capacity(dims.len());
        for d in &dims {
            let v = match d {
                Dim::Category => DimValue::text(a.map(|a| a.category.as_str())),
                Dim::EntityType => DimValue::text(a.map(|a| a.entity_type.as_str())),
                Dim::Action => DimValue::text(action.as_deref()),
                Dim::Verb => DimValue::text(a.map(|a| a.verb.as_str())),
                Dim::Actor => match &actor {
                    Some((t, _, _)) if t == "system" => DimValue::Actor(GroupActor {
                        kind: "system".into(),
                        id: None,
                        name: "System".into(),
                    }),
                    Some((t, id, _)) => DimValue::Actor(GroupActor {
                        kind: t.clone(),
                        id: Some(id.clone()),
                        name: names.get(id).cloned().unwrap_or_else(|| id.clone()),
                    }),
                    None => DimValue::Null,
                },
                Dim::ViaType => match &actor {
                    Some((_, _, v)) if !v.is_empty() => DimValue::Text(v.clone()),
                    _ => DimValue::Null,
                },
                Dim::Hour | Dim::Day | Dim::Week | Dim::Month => {
                    let label = match (d.interval(), bucket) {
                        // a year of days is a few hundred buckets over thousands of groups
                        (Some(i), Some(b)) => match labels.get(&b) {
                            Some(l) => l.clone(),
                            None => {
                                let z = Timestamp::from_microsecond(b)
                                    .map_err(|e| ServiceError::Internal(e.to_string()))?
                                    .to_zoned(f.tz.clone());
                                let l = i.label(&z);
                                labels.insert(b, l.clone());
                                l
                            }
                        },
                        _ => String::new(),
                    };
                    DimValue::Text(label)
                }
            };
            key.push((*d, v));
        }
        let sort_key: Vec<String> = key.iter().map(|(_, v)| v.sort_text()).collect();
        let entry = grouped.entry(sort_key).or_insert((key, 0));
        entry.1 += n;
    }
    let mut groups: Vec<Group> = grouped
        .into_values()
        .map(|(key, count)| Group { key, count })
        .collect();
    // largest first; ties in key order (the BTreeMap order), so answers are deterministic
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    if dims.is_empty() {
        // no group_by: only the total
        groups.clear();
    }
    let truncated = groups.len() > limit;
    groups.truncate(limit);
    Ok(Summary {
        group_by: dims,
        groups,
        total,
        truncated,
    })
}
