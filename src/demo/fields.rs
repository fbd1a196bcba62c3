//! How a configuration field's value moves: one of a few states, a number moved in steps, an
//! on/off flag, a set of items that grows and shrinks, or a text made of parts; and how a raw
//! value is shown in `changes` (a rule's conditions and actions, a snooze).

use serde::Deserialize;
use serde_json::{Value, json};

use super::rng::Rng;

/// How a field's value moves.
pub(super) enum Shape {
    /// One of a few states; an edit usually moves on to the next one, sometimes back.
    States(Vec<Value>),
    /// A whole number in `lo..=hi`, moved by one or two steps.
    Num {
        lo: i64,
        hi: i64,
        step: i64,
    },
    Flag,
    /// Some items of a pool (shown in pool order); an edit adds or removes one or two, never
    /// one of `keep` (a bit mask), and stays around `base` items, its size when the object
    /// was set up. Planned work may add items the pool did not have.
    Set {
        pool: Vec<&'static str>,
        keep: u64,
        base: u32,
    },
    /// A text made of parts (a greeting, a sentence, a sign-off), each one of a few options;
    /// an edit rewrites one part. The state numbers the options in mixed radix.
    Parts(Vec<Vec<&'static str>>),
}

pub(super) struct Field {
    pub(super) name: &'static str,
    pub(super) shape: Shape,
    /// The state: an index into the states, the number, 0 or 1, or the set's bit mask.
    pub(super) cur: i64,
    /// Turns the raw value (a state, number, flag or list) into what `changes` show.
    pub(super) show: Show,
    /// How often everyday edits pick this field (0: only planned work changes it).
    pub(super) weight: u32,
}

/// Fields that Okta SCIM owns: changed by the sync, never by an admin.
pub(super) const SCIM_FIELDS: [&str; 2] = ["title", "department"];

impl Field {
    pub(super) fn raw_at(&self, s: i64) -> Value {
        match &self.shape {
            Shape::States(vs) => vs[s as usize].clone(),
            Shape::Num { .. } => json!(s),
            Shape::Flag => json!(s != 0),
            Shape::Set { pool, .. } => pool
                .iter()
                .enumerate()
                .filter(|(i, _)| (s >> i) & 1 == 1)
                .map(|(_, x)| json!(x))
                .collect(),
            Shape::Parts(slots) => {
                let mut rest = s;
                let mut words = Vec::new();
                for options in slots {
                    let n = options.len() as i64;
                    let part = options[(rest % n) as usize];
                    rest /= n;
                    if !part.is_empty() {
                        words.push(part);
                    }
                }
                json!(words.join(" "))
            }
        }
    }

    pub(super) fn value_at(&self, s: i64) -> Value {
        self.show.apply(self.raw_at(s))
    }

    pub(super) fn value(&self) -> Value {
        self.value_at(self.cur)
    }

    pub(super) fn movable(&self) -> bool {
        match &self.shape {
            Shape::States(vs) => vs.len() > 1,
            Shape::Num { lo, hi, .. } => hi > lo,
            Shape::Flag => true,
            Shape::Set { pool, keep, .. } => pool.len() > keep.count_ones() as usize,
            Shape::Parts(slots) => slots.iter().any(|o| o.len() > 1),
        }
    }

    /// The state after one edit; never the current one (the field must be movable).
    pub(super) fn next(&self, rng: &mut Rng) -> i64 {
        let cur = self.cur;
        match &self.shape {
            Shape::States(vs) => {
                let (n, c) = (vs.len(), cur as usize);
                let r = rng.below(100);
                let x = if r < 55 && c + 1 < n {
                    c + 1
                } else if r < 80 && c > 0 {
                    c - 1
                } else {
                    (c + 1 + rng.below(n - 1)) % n
                };
                x as i64
            }
            Shape::Num { lo, hi, step } => {
                let by = if rng.chance(0.2) { 2 * step } else { *step };
                let by = if rng.chance(0.5) { by } else { -by };
                let x = (cur + by).clamp(*lo, *hi);
                if x != cur {
                    x
                } else {
                    (cur - by.signum() * step).clamp(*lo, *hi)
                }
            }
            Shape::Flag => 1 - cur,
            Shape::Set { pool, keep, base } => {
                let m = cur as u64;
                let size = f64::from(m.count_ones()) - f64::from(*base);
                let add: Vec<usize> = (0..pool.len()).filter(|i| (m >> i) & 1 == 0).collect();
                // A list in use is not emptied by an edit (an agent keeps an inbox).
                let del: Vec<usize> = (0..pool.len())
                    .filter(|i| (m >> i) & 1 == 1 && (keep >> i) & 1 == 0)
                    .filter(|_| m.count_ones() > 1)
                    .collect();
                let p_add = (0.55 - 0.15 * size).clamp(0.1, 0.9);
                let adding = !add.is_empty() && (del.is_empty() || rng.chance(p_add));
                let xs = if adding { add } else { del };
                let first = *rng.pick(&xs);
                let mut m = m ^ (1 << first);
                if xs.len() > 1 && m.count_ones() > 2 && rng.chance(0.2) {
                    let second = xs[(xs.iter().position(|&x| x == first).unwrap_or(0)
                        + 1
                        + rng.below(xs.len() - 1))
                        % xs.len()];
                    m ^= 1 << second;
                }
                m as i64
            }
            Shape::Parts(slots) => {
                let movable: Vec<usize> =
                    (0..slots.len()).filter(|&k| slots[k].len() > 1).collect();
                let k = *rng.pick(&movable);
                let unit: i64 = slots[..k].iter().map(|o| o.len() as i64).product();
                let n = slots[k].len() as i64;
                let c = (cur / unit) % n;
                let x = if rng.chance(0.6) {
                    (c + 1) % n
                } else {
                    (c + 1 + rng.below(n as usize - 1) as i64) % n
                };
                cur + (x - c) * unit
            }
        }
    }
}

pub(super) fn mask(pool: &[&str], items: &[&str]) -> u64 {
    pool.iter()
        .enumerate()
        .filter(|(_, x)| items.contains(x))
        .fold(0, |m, (i, _)| m | (1 << i))
}

/// How a field's raw value (a number, a list) is shown in `changes`: as is, or inside the
/// object the helpdesk stores (named by `show` in `data/objects.json`).
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Show {
    /// The raw value.
    #[default]
    Raw,
    /// Keywords: a rule's conditions matching any of them in the message body.
    Keywords,
    /// A sentiment threshold (in hundredths): a rule's conditions for upset customers.
    Sentiment,
    /// A number of days: a rule's conditions for stale pending tickets.
    Stale,
    /// Conditions written as expressions, all of which must hold.
    AllOf,
    /// Conditions written as expressions, any of which may hold.
    AnyOf,
    /// Actions written as `type` or `type key=value`.
    Actions,
    /// A number of hours: a snooze action.
    Snooze,
    /// Language codes: a rule's conditions on the message language.
    Languages,
}

impl Show {
    pub(super) fn apply(self, v: Value) -> Value {
        match self {
            Show::Raw => v,
            Show::Keywords => kw(v),
            Show::Sentiment => sentiment(v),
            Show::Stale => stale(v),
            Show::AllOf => all_of(v),
            Show::AnyOf => any_of(v),
            Show::Actions => acts(v),
            Show::Snooze => snooze_for(v),
            Show::Languages => languages(v),
        }
    }
}

fn kw(v: Value) -> Value {
    json!({"match": "any", "conditions": [{"field": "message.body", "operator": "contains_any", "value": v}]})
}

fn sentiment(v: Value) -> Value {
    let threshold = v.as_i64().unwrap_or(-60) as f64 / 100.0;
    json!({"match": "any", "conditions": [
        {"field": "message.sentiment", "operator": "lt", "value": threshold},
        {"field": "message.body", "operator": "contains_any", "value": ["lawyer", "chargeback", "unacceptable"]},
    ]})
}

fn stale(v: Value) -> Value {
    json!({"match": "all", "conditions": [
        {"field": "ticket.status", "operator": "is", "value": "pending"},
        {"field": "ticket.updated_at", "operator": "older_than", "value": format!("{}d", v.as_i64().unwrap_or(7))},
    ]})
}

/// Conditions written as expressions, all of which must hold.
fn all_of(v: Value) -> Value {
    json!({"match": "all", "conditions": v})
}

fn any_of(v: Value) -> Value {
    json!({"match": "any", "conditions": v})
}

/// Actions written as `type` or `type key=value` (`tags=x` is a list of one tag).
fn acts(v: Value) -> Value {
    let items = v.as_array().map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .filter_map(Value::as_str)
        .map(|a| {
            match a
                .split_once(' ')
                .and_then(|(t, kv)| Some((t, kv.split_once('=')?)))
            {
                Some((t, ("tags", x))) => json!({"type": t, "tags": [x]}),
                Some((t, (k, x))) => {
                    let mut m = serde_json::Map::new();
                    m.insert("type".into(), json!(t));
                    m.insert(k.into(), json!(x));
                    Value::Object(m)
                }
                None => json!({"type": a}),
            }
        })
        .collect()
}

fn snooze_for(v: Value) -> Value {
    json!([{"type": "snooze", "duration": format!("{}h", v.as_i64().unwrap_or(24))}])
}

fn languages(v: Value) -> Value {
    json!({"match": "any", "conditions": [{"field": "message.language", "operator": "in", "value": v}]})
}
