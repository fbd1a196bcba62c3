//! How a configuration field's value moves: one of a few states, a number moved in steps, an
//! on/off flag, a set of items that grows and shrinks, or a text made of parts; and how a raw
//! value is shown in `changes` (a rule's conditions and actions, a snooze).

use super::rng::Rng;
use serde_json::{Value, json};

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
    pub(super) show: fn(Value) -> Value,
    /// How often everyday edits pick this field (0: only planned work changes it).
    pub(super) weight: u32,
}

pub(super) fn same(v: Value) -> Value {
    v
}

/// Fields that Okta SCIM owns: changed by the sync, never by an admin.
pub(super) const SCIM_FIELDS: [&str; 2] = ["title", "department"];

impl Field {
    pub(super) fn new(name: &'static str, shape: Shape, cur: i64) -> Field {
        Field {
            name,
            shape,
            cur,
            show: same,
            weight: 10,
        }
    }

    pub(super) fn show(mut self, f: fn(Value) -> Value) -> Field {
        self.show = f;
        self
    }

    pub(super) fn w(mut self, weight: u32) -> Field {
        self.weight = weight;
        self
    }

    /// Items of the set that edits never remove.
    pub(super) fn keep(mut self, items: &[&str]) -> Field {
        if let Shape::Set { pool, keep, .. } = &mut self.shape {
            *keep = mask(pool, items);
        }
        self
    }

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
        (self.show)(self.raw_at(s))
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

/// One of `states`, starting at the first.
pub(super) fn st(name: &'static str, states: Vec<Value>) -> Field {
    Field::new(name, Shape::States(states), 0)
}

/// One of a few texts, starting at the first.
pub(super) fn txt(name: &'static str, texts: &[&str]) -> Field {
    st(name, texts.iter().map(|t| json!(t)).collect())
}

/// Shown when the object is created, never changed.
pub(super) fn fixed(name: &'static str, v: Value) -> Field {
    st(name, vec![v]).w(0)
}

/// A text of parts, starting with the first option of each.
pub(super) fn parts(name: &'static str, slots: &[&[&'static str]]) -> Field {
    let slots = slots.iter().map(|o| o.to_vec()).collect();
    Field::new(name, Shape::Parts(slots), 0)
}

pub(super) fn num(name: &'static str, cur: i64, lo: i64, hi: i64, step: i64) -> Field {
    Field::new(name, Shape::Num { lo, hi, step }, cur)
}

pub(super) fn flag(name: &'static str, on: bool) -> Field {
    Field::new(name, Shape::Flag, i64::from(on)).w(2)
}

pub(super) fn set(name: &'static str, pool: &[&'static str], on: &[&str]) -> Field {
    let cur = mask(pool, on);
    let (pool, base) = (pool.to_vec(), cur.count_ones());
    Field::new(
        name,
        Shape::Set {
            pool,
            keep: 0,
            base,
        },
        cur as i64,
    )
}

// How some fields are shown: the raw value (a number, a list) inside the object the
// helpdesk stores.

pub(super) fn kw(v: Value) -> Value {
    json!({"match": "any", "conditions": [{"field": "message.body", "operator": "contains_any", "value": v}]})
}

pub(super) fn sentiment(v: Value) -> Value {
    let threshold = v.as_i64().unwrap_or(-60) as f64 / 100.0;
    json!({"match": "any", "conditions": [
        {"field": "message.sentiment", "operator": "lt", "value": threshold},
        {"field": "message.body", "operator": "contains_any", "value": ["lawyer", "chargeback", "unacceptable"]},
    ]})
}

pub(super) fn stale(v: Value) -> Value {
    json!({"match": "all", "conditions": [
        {"field": "ticket.status", "operator": "is", "value": "pending"},
        {"field": "ticket.updated_at", "operator": "older_than", "value": format!("{}d", v.as_i64().unwrap_or(7))},
    ]})
}

/// Conditions written as expressions, all of which must hold.
pub(super) fn all_of(v: Value) -> Value {
    json!({"match": "all", "conditions": v})
}

pub(super) fn any_of(v: Value) -> Value {
    json!({"match": "any", "conditions": v})
}

/// Actions written as `type` or `type key=value` (`tags=x` is a list of one tag).
pub(super) fn acts(v: Value) -> Value {
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

pub(super) fn snooze_for(v: Value) -> Value {
    json!([{"type": "snooze", "duration": format!("{}h", v.as_i64().unwrap_or(24))}])
}

pub(super) fn languages(v: Value) -> Value {
    json!({"match": "any", "conditions": [{"field": "message.language", "operator": "in", "value": v}]})
}
