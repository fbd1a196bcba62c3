//! The demo org's configuration and the admin team's history of changing it.
//!
//! [`objects`] lists every configuration object (rules, macros, inboxes, teams, views, widgets,
//! integrations, custom attributes, roles, users, tags, the org settings and the account) with
//! the ways each field can change: one of a few states, a number moved in steps, an on/off
//! flag, or a set of items (permissions, keywords, options, members) that grows and shrinks.
//!
//! [`Gen::configuration`] then walks the period day by day: on weekdays each admin at work
//! makes a few small edits (a saved rule, a tweaked macro, a recoloured tag), and some days
//! hold a larger piece of work: reworking the routing rules, setting up a new inbox, an access
//! review of the roles, refreshing the macros, tidying the tags, integration maintenance,
//! getting ready for the holiday peak, onboarding a new agent. All of it runs in time order,
//! so each change's `old` is the previous change's `new`.

use serde_json::{Value, json};

use super::{
    ADMINS, AGENTS, By, COMPLIANCE, DAY, Ev, Gen, HOUR, I_AI, I_CHAT, I_EMAIL, I_OKTA, I_SHOPIFY,
    I_VOICE, M_ESCALATE, M_REFUND, M_SNOOZE, M_SPAM, M_THANKS, M_WISMO, MIN, R_ANGRY, R_AUTOCLOSE,
    R_ORDERS, R_REFUND, R_SNOOZE, R_SPAM, R_VIP, Rng, TEAMS, Who, sys, user, weekday,
};

// ---------------------------------------------------------------------------------------------
// Objects and fields.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
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

/// How a field's value moves.
enum Shape {
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
    name: &'static str,
    shape: Shape,
    /// The state: an index into the states, the number, 0 or 1, or the set's bit mask.
    cur: i64,
    /// Turns the raw value (a state, number, flag or list) into what `changes` show.
    show: fn(Value) -> Value,
    /// How often everyday edits pick this field (0: only planned work changes it).
    weight: u32,
}

fn same(v: Value) -> Value {
    v
}

/// Fields that Okta SCIM owns: changed by the sync, never by an admin.
const SCIM_FIELDS: [&str; 2] = ["title", "department"];

impl Field {
    fn new(name: &'static str, shape: Shape, cur: i64) -> Field {
        Field {
            name,
            shape,
            cur,
            show: same,
            weight: 10,
        }
    }

    fn show(mut self, f: fn(Value) -> Value) -> Field {
        self.show = f;
        self
    }

    fn w(mut self, weight: u32) -> Field {
        self.weight = weight;
        self
    }

    /// Items of the set that edits never remove.
    fn keep(mut self, items: &[&str]) -> Field {
        if let Shape::Set { pool, keep, .. } = &mut self.shape {
            *keep = mask(pool, items);
        }
        self
    }

    fn raw_at(&self, s: i64) -> Value {
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

    fn value_at(&self, s: i64) -> Value {
        (self.show)(self.raw_at(s))
    }

    fn value(&self) -> Value {
        self.value_at(self.cur)
    }

    fn movable(&self) -> bool {
        match &self.shape {
            Shape::States(vs) => vs.len() > 1,
            Shape::Num { lo, hi, .. } => hi > lo,
            Shape::Flag => true,
            Shape::Set { pool, keep, .. } => pool.len() > keep.count_ones() as usize,
            Shape::Parts(slots) => slots.iter().any(|o| o.len() > 1),
        }
    }

    /// The state after one edit; never the current one (the field must be movable).
    fn next(&self, rng: &mut Rng) -> i64 {
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

fn mask(pool: &[&str], items: &[&str]) -> u64 {
    pool.iter()
        .enumerate()
        .filter(|(_, x)| items.contains(x))
        .fold(0, |m, (i, _)| m | (1 << i))
}

/// One of `states`, starting at the first.
fn st(name: &'static str, states: Vec<Value>) -> Field {
    Field::new(name, Shape::States(states), 0)
}

/// One of a few texts, starting at the first.
fn txt(name: &'static str, texts: &[&str]) -> Field {
    st(name, texts.iter().map(|t| json!(t)).collect())
}

/// Shown when the object is created, never changed.
fn fixed(name: &'static str, v: Value) -> Field {
    st(name, vec![v]).w(0)
}

/// A text of parts, starting with the first option of each.
fn parts(name: &'static str, slots: &[&[&'static str]]) -> Field {
    let slots = slots.iter().map(|o| o.to_vec()).collect();
    Field::new(name, Shape::Parts(slots), 0)
}

fn num(name: &'static str, cur: i64, lo: i64, hi: i64, step: i64) -> Field {
    Field::new(name, Shape::Num { lo, hi, step }, cur)
}

fn flag(name: &'static str, on: bool) -> Field {
    Field::new(name, Shape::Flag, i64::from(on)).w(2)
}

fn set(name: &'static str, pool: &[&'static str], on: &[&str]) -> Field {
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

pub(super) struct Obj {
    kind: &'static str,
    id: String,
    name: String,
    life: Life,
    /// When it was created (`i64::MIN` when before the period).
    since: i64,
    fields: Vec<Field>,
}

fn obj(kind: &'static str, id: &str, name: &str, life: Life, fields: Vec<Field>) -> Obj {
    Obj {
        kind,
        id: id.to_string(),
        name: name.to_string(),
        life,
        since: i64::MIN,
        fields,
    }
}

// How some fields are shown: the raw value (a number, a list) inside the object the
// helpdesk stores.

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

const TEAM_NAMES: [&str; 4] = [TEAMS[0].1, TEAMS[1].1, TEAMS[2].1, TEAMS[3].1];
const INBOX_NAMES: [&str; 4] = ["Email Support", "Live Chat", "Voice", "VIP"];
const LANGS: [&str; 6] = [
    "English",
    "Spanish",
    "German",
    "French",
    "Portuguese",
    "Polish",
];
// The permissions each role may plausibly be given (Admin has `*`).
const LEAD_PERMISSIONS: [&str; 16] = [
    "tickets:read",
    "tickets:write",
    "tickets:merge",
    "tickets:delete",
    "customers:read",
    "customers:write",
    "customers:merge",
    "orders:refund",
    "orders:cancel",
    "macros:use",
    "macros:manage",
    "rules:view",
    "rules:manage",
    "views:manage",
    "reports:view",
    "reports:export",
];
const AGENT_PERMISSIONS: [&str; 10] = [
    "tickets:read",
    "tickets:write",
    "tickets:merge",
    "customers:read",
    "customers:write",
    "customers:merge",
    "orders:cancel",
    "macros:use",
    "rules:view",
    "reports:view",
];
const BILLING_PERMISSIONS: [&str; 11] = [
    "tickets:read",
    "tickets:write",
    "tickets:merge",
    "customers:read",
    "customers:write",
    "orders:refund",
    "orders:cancel",
    "macros:use",
    "macros:manage",
    "reports:view",
    "reports:export",
];
const REVIEWER_PERMISSIONS: [&str; 7] = [
    "tickets:read",
    "customers:read",
    "macros:use",
    "rules:view",
    "reports:view",
    "reports:export",
    "audit_log:view",
];
const COMPLIANCE_PERMISSIONS: [&str; 8] = [
    "tickets:read",
    "tickets:delete",
    "customers:read",
    "customers:delete",
    "reports:view",
    "audit_log:view",
    "audit_log:export",
    "conversations:redact",
];
const COLORS: [&str; 8] = [
    "#e5484d", "#f76808", "#30a46c", "#0091ff", "#8e4ec6", "#6f6e77", "#ffb224", "#12a594",
];

/// Every configuration object of the org, with the ways its fields change.
#[rustfmt::skip]
pub(super) fn objects() -> Vec<Obj> {
    use Life::{Legacy, Live, Planned, Spare};
    let hours = |v: &[(&str, &str, &str)]| -> Vec<Value> {
        v.iter().map(|(wd, sat, sun)| json!({"timezone": "Europe/London", "weekdays": wd, "saturday": sat, "sunday": sun})).collect()
    };
    let support_hours = hours(&[
        ("07:00-20:00", "09:00-18:00", "11:00-20:00"),
        ("07:00-20:00", "09:00-18:00", "closed"),
        ("07:00-21:00", "09:00-18:00", "closed"),
        ("07:00-21:00", "08:00-20:00", "10:00-18:00"),
        ("06:00-22:00", "08:00-20:00", "10:00-18:00"),
    ]);
    let office_hours = hours(&[
        ("08:00-18:00", "closed", "closed"),
        ("08:00-19:00", "closed", "closed"),
        ("08:00-19:00", "10:00-16:00", "closed"),
    ]);
    let mut v = vec![
        // Rules, in the order they run.
        obj("rule", R_VIP.id, R_VIP.name, Live, vec![
            set("conditions", &["customer.tags contains vip", "customer.total_spent >= 2500", "customer.loyalty_tier in (Gold, Platinum)", "customer.orders_count >= 10", "ticket.inbox is VIP", "customer.email ends with @press.acme-partners.test"], &["customer.tags contains vip", "customer.total_spent >= 2500"]).keep(&["customer.tags contains vip"]).show(any_of),
            set("actions", &["assign_team team=VIP Concierge", "set_priority value=high", "add_tags tags=vip", "notify_slack channel=#vip-alerts", "assign_agent strategy=least_busy", "add_internal_note body=VIP: reply within the hour"], &["assign_team team=VIP Concierge", "set_priority value=high", "add_tags tags=vip"]).keep(&["assign_team team=VIP Concierge"]).show(acts).w(6),
            num("position", 1, 1, 12, 1).w(2),
            flag("enabled", true).w(0),
        ]),
        obj("rule", R_SPAM.id, R_SPAM.name, Live, vec![
            set("conditions", &["crypto giveaway", "seo services", "guest post", "casino bonus", "backlinks", "web design offer", "bitcoin doubler", "increase your traffic", "loan approved"], &["crypto giveaway", "seo services"]).keep(&["crypto giveaway"]).show(kw),
            set("actions", &["add_tags tags=spam", "mark_spam", "close", "block_sender", "skip_csat"], &["mark_spam", "close"]).keep(&["mark_spam"]).show(acts).w(3),
            num("position", 2, 1, 12, 1).w(1),
            flag("enabled", true).w(0),
        ]),
        obj("rule", R_REFUND.id, R_REFUND.name, Live, vec![
            set("conditions", &["refund", "money back", "chargeback", "return my money", "reimburse", "dispute", "charged twice", "cancel and refund"], &["refund", "money back"]).keep(&["refund"]).show(kw),
            set("actions", &["add_tags tags=refund", "add_tags tags=billing", "assign_team team=Billing", "set_priority value=normal", "apply_macro macro=Refund approved", "notify_slack channel=#billing"], &["add_tags tags=refund", "assign_team team=Billing"]).keep(&["add_tags tags=refund", "assign_team team=Billing"]).show(acts).w(5),
            num("position", 3, 1, 12, 1).w(2),
            flag("enabled", true).w(0),
        ]),
        obj("rule", R_ORDERS.id, R_ORDERS.name, Live, vec![
            set("conditions", &["where is my order", "tracking", "delivery status", "hasn't arrived", "not received", "shipping update", "dónde está mi pedido", "wo ist meine bestellung"], &["where is my order", "tracking"]).keep(&["where is my order"]).show(kw),
            set("actions", &["add_tags tags=wismo", "assign_team team=Tier 1", "apply_macro macro=Where is my order?", "set_status value=pending", "skip_csat"], &["add_tags tags=wismo", "assign_team team=Tier 1"]).keep(&["add_tags tags=wismo", "assign_team team=Tier 1"]).show(acts).w(4),
            txt("assign_agent_strategy", &["round_robin", "least_busy", "skill_based", "least_busy_in_shift"]).w(4),
            num("position", 4, 1, 12, 1).w(2),
            flag("enabled", true).w(0),
        ]),
        obj("rule", R_ANGRY.id, R_ANGRY.name, Live, vec![
            num("conditions", -60, -90, -30, 5).show(sentiment),
            set("actions", &["add_tags tags=urgent", "assign_team team=Tier 2", "set_priority value=high", "notify_slack channel=#cx-escalations", "add_internal_note body=Upset customer: a lead reviews the reply"], &["add_tags tags=urgent", "assign_team team=Tier 2"]).keep(&["add_tags tags=urgent", "assign_team team=Tier 2"]).show(acts).w(5),
            num("position", 5, 1, 12, 1).w(2),
            flag("enabled", true).w(0),
        ]),
        obj("rule", R_SNOOZE.id, R_SNOOZE.name, Live, vec![
            set("conditions", &["ticket.status is pending", "last_message.sender is agent", "ticket.tags not contains vip", "ticket.channel is not voice", "ticket.tags not contains wholesale", "customer.loyalty_tier is not Platinum"], &["ticket.status is pending", "last_message.sender is agent"]).keep(&["ticket.status is pending", "last_message.sender is agent"]).show(all_of),
            num("actions", 24, 12, 96, 12).show(snooze_for),
            num("position", 6, 1, 12, 1).w(2),
            flag("enabled", true).w(0),
        ]),
        obj("rule", R_AUTOCLOSE.id, R_AUTOCLOSE.name, Live, vec![
            num("conditions", 5, 3, 14, 1).show(stale),
            set("actions", &["add_tags tags=auto-closed", "close", "send_csat", "add_internal_note body=Closed: no reply from the customer"], &["close"]).keep(&["close"]).show(acts).w(4),
            num("position", 7, 1, 12, 1).w(2),
            flag("enabled", true).w(0),
        ]),
        // Rules no ticket story goes through, so they may be switched off and on.
        obj("rule", "rule_111", "Out-of-hours auto-reply", Live, vec![
            set("conditions", &["ticket.created_at outside business_hours", "ticket.channel is not voice", "customer.tags not contains vip", "ticket.inbox is not Wholesale", "message.is_first is true"], &["ticket.created_at outside business_hours"]).keep(&["ticket.created_at outside business_hours"]).show(all_of).w(6),
            set("actions", &["send_reply", "add_tags tags=out-of-hours", "skip_sla"], &["send_reply"]).keep(&["send_reply"]).show(acts).w(2),
            parts("reply_body", &[
                &["Thanks for reaching out!", "Thanks for your message!", "Hi there, thanks for getting in touch!"],
                &["Our team is offline right now", "We're closed right now", "We're away at the moment"],
                &["and will reply when we open at 07:00 UK time.", "and will get back to you first thing tomorrow.", "and reply from 07:00 UK time, usually within 2 hours."],
                &["", "Track your order any time at https://shop.acme-support.test/track", "Tracking and returns: https://shop.acme-support.test/help"],
            ]).w(8),
            num("position", 8, 1, 12, 1).w(2),
            flag("enabled", true).w(1),
        ]),
        obj("rule", "rule_112", "Route Spanish-language tickets to Tier 1", Live, vec![
            set("conditions", &["es", "pt", "ca", "gl", "it"], &["es"]).keep(&["es"]).show(languages),
            set("actions", &["assign_team team=Tier 1", "add_tags tags=spanish", "assign_agent agent=José Álvarez-Núñez", "apply_macro macro=Respuesta en español"], &["assign_team team=Tier 1", "add_tags tags=spanish"]).keep(&["assign_team team=Tier 1"]).show(acts).w(6),
            num("position", 9, 1, 12, 1).w(1),
            flag("enabled", false).w(1),
        ]),
        obj("rule", "rule_113", "Prioritise chargeback emails", Live, vec![
            set("conditions", &["chargeback", "dispute", "my bank", "fraud", "unauthorized charge", "stolen card"], &["chargeback", "dispute"]).keep(&["chargeback"]).show(kw),
            set("actions", &["set_priority value=high", "assign_team team=Billing", "add_tags tags=chargeback", "notify_slack channel=#billing", "add_internal_note body=Check Shopify for an open dispute"], &["set_priority value=high", "assign_team team=Billing"]).keep(&["assign_team team=Billing"]).show(acts).w(6),
            num("position", 10, 1, 12, 1).w(1),
            flag("enabled", true).w(1),
        ]),
        obj("rule", "rule_099", "Holiday auto-reply (Black Friday 2025)", Legacy, vec![]),
        obj("rule", "rule_098", "Summer sale auto-tag (2025)", Legacy, vec![]),
        obj("rule", "rule_108", "Tag damaged-item reports", Spare, vec![
            set("conditions", &["damaged", "broken", "arrived cracked", "smashed", "dented", "torn"], &["damaged", "broken", "arrived cracked"]).keep(&["damaged"]).show(kw),
            set("actions", &["add_tags tags=damaged-item", "apply_macro macro=Damaged item: send replacement", "set_priority value=normal", "assign_team team=Tier 1"], &["add_tags tags=damaged-item"]).keep(&["add_tags tags=damaged-item"]).show(acts),
            num("position", 11, 1, 12, 1).w(1),
            flag("enabled", true).w(1),
        ]),
        obj("rule", "rule_109", "Route wholesale emails", Planned, vec![
            set("conditions", &["wholesale", "bulk order", "trade account", "reseller", "net 30", "purchase order", "pro forma"], &["wholesale", "bulk order"]).keep(&["wholesale"]).show(kw),
            set("actions", &["move_to_inbox inbox=Wholesale", "assign_team team=Billing", "add_tags tags=wholesale", "apply_macro macro=Wholesale order received"], &["move_to_inbox inbox=Wholesale", "assign_team team=Billing"]).keep(&["move_to_inbox inbox=Wholesale"]).show(acts),
            num("position", 12, 1, 12, 1).w(1),
            flag("enabled", true).w(1),
        ]),
        obj("rule", "rule_110", "Black Friday 2026 auto-reply", Planned, vec![
            fixed("conditions", json!({"match": "all", "conditions": ["ticket.created_at between 2026-11-27 and 2026-12-01", "ticket.channel is email"]})),
            fixed("actions", json!([{"type": "send_reply"}, {"type": "add_tags", "tags": ["black-friday-2026"]}])),
            parts("reply_body", &[
                &["Thanks for your message!", "Thanks for reaching out during Black Friday week!"],
                &["It's our busiest week of the year, so replies may take up to 48 hours.", "We reply to every message within 48 hours this week.", "Expect a reply within 48 hours."],
                &["", "Order tracking: https://shop.acme-support.test/track", "Tracking and returns: https://shop.acme-support.test/help"],
            ]),
            flag("enabled", false).w(0),
        ]),
        // Macros.
        obj("macro", M_SPAM.id, M_SPAM.name, Live, vec![
            set("actions", &["add_tags tags=spam", "mark_spam", "close", "block_sender", "skip_csat"], &["mark_spam", "close"]).keep(&["mark_spam"]).show(acts),
            set("available_to", &TEAM_NAMES, &TEAM_NAMES).w(2),
            txt("shortcut", &["/spam", "/sp", "/junk"]).w(1),
        ]),
        obj("macro", M_REFUND.id, M_REFUND.name, Live, vec![
            parts("body", &[
                &["Hi {{customer.first_name}},", "Hi {{customer.first_name}}, good news:", "Hello {{customer.first_name}},"],
                &["your refund for order {{order.name}} has been approved.", "we've refunded {{order.refund_amount}} for order {{order.name}}.", "your refund of {{order.refund_amount}} for order {{order.name}} is on its way."],
                &["It will show on your statement within 5-10 business days.", "It should reach your account within 3-5 business days.", "Banks take 3-5 business days; Shopify will email you a receipt too."],
                &["", "Sorry again for the trouble!", "Thanks for your patience."],
            ]),
            set("actions", &["add_tags tags=refund", "shopify_refund_order", "close", "send_csat", "add_internal_note body=Refund issued with the macro"], &["add_tags tags=refund", "shopify_refund_order", "close"]).keep(&["shopify_refund_order"]).show(acts).w(4),
            set("available_to", &TEAM_NAMES, &["Billing", "Tier 2"]).keep(&["Billing"]).w(2),
        ]),
        obj("macro", M_WISMO.id, M_WISMO.name, Live, vec![
            parts("body", &[
                &["Hi {{customer.first_name}},", "Hey {{customer.first_name}},", "Hello {{customer.first_name}},"],
                &["your order {{order.name}} is on its way:", "order {{order.name}} shipped on {{order.shipped_at}}; track it here:", "order {{order.name}} is with {{order.carrier}}:"],
                &["{{order.tracking_url}}", "{{order.tracking_url}} (updates can take a day to appear)."],
                &["", "If it hasn't moved in 3 days, reply and we'll chase it.", "Reply here if anything looks wrong."],
            ]),
            set("actions", &["add_tags tags=wismo", "set_status value=pending", "snooze duration=48h", "send_csat"], &["add_tags tags=wismo", "set_status value=pending"]).keep(&["add_tags tags=wismo"]).show(acts).w(3),
            set("available_to", &TEAM_NAMES, &["Tier 1", "Tier 2", "VIP Concierge"]).keep(&["Tier 1"]).w(2),
        ]),
        obj("macro", M_ESCALATE.id, M_ESCALATE.name, Live, vec![
            parts("body", &[
                &["Thanks for your patience!", "Thanks for bearing with us.", "Thanks for your patience, {{customer.first_name}}."],
                &["I've passed this to our specialist team.", "A specialist from our Tier 2 team will pick this up.", "I've escalated this to a specialist."],
                &["You'll hear from them within one business day.", "Expect a reply within 24 hours.", "They reply within one business day."],
            ]),
            set("actions", &["assign_team team=Tier 2", "unassign_agent", "add_tags tags=escalated", "set_priority value=high", "add_internal_note body=Escalated by {{agent.name}}", "notify_slack channel=#cx-escalations"], &["assign_team team=Tier 2", "unassign_agent", "add_tags tags=escalated"]).keep(&["assign_team team=Tier 2"]).show(acts).w(5),
        ]),
        obj("macro", M_SNOOZE.id, M_SNOOZE.name, Live, vec![
            parts("body", &[
                &["Thanks!", "Thanks, {{customer.first_name}}!", "Thanks, {{customer.first_name}}, no rush!"],
                &["I'll check back in 24 hours if we haven't heard from you.", "We'll follow up tomorrow if we don't hear back.", "Just reply when you have a moment; we'll check in tomorrow otherwise."],
            ]),
            num("actions", 24, 12, 72, 12).show(snooze_for).w(4),
        ]),
        obj("macro", M_THANKS.id, M_THANKS.name, Live, vec![
            parts("body", &[
                &["Glad we could help, {{customer.first_name}}!", "Happy to help, {{customer.first_name}}!", "Glad that's sorted, {{customer.first_name}}!", "Great news, {{customer.first_name}}!"],
                &["I'll close this ticket now;", "I'm closing this one for now;", "I'll mark this as solved;"],
                &["just reply if anything else comes up.", "a reply reopens it any time.", "reply any time and we'll pick it up again.", "we'd love your feedback in the short survey that follows."],
            ]),
            set("actions", &["add_tags tags=resolved", "close", "send_csat"], &["close"]).keep(&["close"]).show(acts).w(4),
        ]),
        obj("macro", "mac_199", "Old returns policy (2024)", Legacy, vec![]),
        obj("macro", "mac_198", "COVID shipping delays (2021)", Legacy, vec![]),
        obj("macro", "mac_207", "Damaged item: send replacement", Spare, vec![
            parts("body", &[
                &["So sorry it arrived damaged!", "So sorry it arrived damaged, {{customer.first_name}}!", "So sorry about that, {{customer.first_name}}!"],
                &["A replacement is on its way,", "A replacement ships today,", "We've sent a replacement ({{order.tracking_url}}),"],
                &["no need to send the original back.", "please keep or recycle the damaged one.", "no need to return anything."],
            ]),
            fixed("actions", json!([{"type": "add_tags", "tags": ["damaged-item"]}, {"type": "shopify_create_replacement"}])),
        ]),
        obj("macro", "mac_208", "Password reset instructions", Spare, vec![
            parts("body", &[
                &["You can reset your password at https://shop.acme-support.test/account/reset.", "Reset your password at https://shop.acme-support.test/account/reset."],
                &["The link is valid for 1 hour.", "The emailed link is valid for 1 hour; check your spam folder if it doesn't arrive.", "The link in the email works for 1 hour."],
                &["", "Still stuck? Reply here and we'll help.", "If you use Google or Apple sign-in, choose that button instead."],
            ]),
            set("available_to", &TEAM_NAMES, &["Tier 1"]).keep(&["Tier 1"]).w(2),
        ]),
        obj("macro", "mac_209", "Holiday shipping delays", Planned, vec![
            parts("body", &[
                &["Hi {{customer.first_name}}, thanks for your patience!", "Hi {{customer.first_name}}, thanks for your order!"],
                &["Carriers are very busy this week, so deliveries may take 2-3 extra days.", "Carriers are running 2-3 days behind this week."],
                &["Your order {{order.name}} is on its way: {{order.tracking_url}}", "Order {{order.name}} is moving: {{order.tracking_url}}."],
                &["", "UK orders placed by Dec 16 arrive before Christmas.", "UK orders placed by Dec 16 (EU: Dec 12) arrive before Christmas."],
            ]),
            fixed("actions", json!([{"type": "add_tags", "tags": ["shipping"]}, {"type": "set_status", "value": "pending"}])),
        ]),
        obj("macro", "mac_210", "Wholesale order received", Planned, vec![
            parts("body", &[
                &["Thanks for your wholesale order!", "Thanks for your wholesale order, {{customer.first_name}}!"],
                &["Our trade team will confirm stock and send a pro forma invoice within one business day.", "We'll confirm stock and send a pro forma invoice within one business day."],
                &["", "Payment terms are net 30.", "Payment terms are net 30; orders over £5,000 ship free."],
            ]),
            fixed("actions", json!([{"type": "add_tags", "tags": ["wholesale"]}, {"type": "assign_team", "team": "Billing"}])),
        ]),
        // Inboxes.
        obj("inbox", "ib_401", "Email Support", Live, vec![
            fixed("address", json!("support@acme-support.test")),
            st("business_hours", support_hours.clone()).w(3),
            num("sla_first_response_minutes", 240, 60, 480, 30),
            num("sla_target_percent", 80, 70, 95, 5).w(4),
            txt("routing_strategy", &["round_robin", "least_busy", "longest_idle"]).w(4),
            set("routing_teams", &TEAM_NAMES, &["Tier 1"]).keep(&["Tier 1"]).w(6),
            num("max_open_per_agent", 25, 10, 40, 5).w(6),
            parts("auto_reply", &[
                &["Thanks for contacting Acme Support!", "Thanks for getting in touch with Acme Support!"],
                &["We reply to most emails within 4 hours.", "We usually reply within 3 hours during business hours.", "We usually reply within 2 hours."],
                &["", "Track your order any time at https://shop.acme-support.test/track", "Returns can be started at https://shop.acme-support.test/returns"],
            ]).w(3),
        ]),
        obj("inbox", "ib_402", "Live Chat", Live, vec![
            st("business_hours", support_hours.clone()).w(3),
            num("sla_first_response_seconds", 120, 30, 300, 30),
            num("max_concurrent_chats", 3, 2, 6, 1).w(6),
            set("routing_teams", &TEAM_NAMES, &["Tier 1"]).keep(&["Tier 1"]).w(5),
            num("queue_timeout_seconds", 300, 120, 900, 60).w(4),
            txt("offline_behavior", &["show offline form", "offer email", "show offline form and FAQ links", "hide widget"]).w(2),
        ]),
        obj("inbox", "ib_403", "Voice", Live, vec![
            st("business_hours", office_hours.clone()).w(3),
            txt("routing_strategy", &["longest_idle", "round_robin", "simultaneous"]).w(3),
            set("routing_teams", &TEAM_NAMES, &["Tier 2"]).keep(&["Tier 2"]).w(4),
            num("overflow_after_seconds", 90, 30, 180, 15),
            num("voicemail_after_seconds", 120, 60, 300, 30).w(6),
            parts("hold_message", &[
                &["Thanks for calling Acme.", "Thanks for calling Acme Support."],
                &["All our agents are busy; please hold.", "You're in the queue and will be answered shortly.", "Please stay on the line."],
                &["", "You can also reach us by chat at shop.acme-support.test.", "Press 1 to leave a voicemail and we'll call you back today."],
            ]).w(3),
        ]),
        obj("inbox", "ib_404", "VIP", Live, vec![
            fixed("address", json!("vip@acme-support.test")),
            st("business_hours", support_hours.clone()).w(2),
            num("sla_first_response_minutes", 60, 15, 120, 15),
            txt("routing_strategy", &["manual", "round_robin", "least_busy"]).w(4),
            set("routing_teams", &TEAM_NAMES, &["VIP Concierge"]).keep(&["VIP Concierge"]).w(4),
            num("max_open_per_agent", 15, 5, 30, 5).w(4),
        ]),
        obj("inbox", "ib_405", "Returns", Spare, vec![
            fixed("address", json!("returns@acme-support.test")),
            st("business_hours", office_hours.clone()),
            num("sla_first_response_minutes", 480, 120, 1440, 60),
            set("routing_teams", &TEAM_NAMES, &["Tier 1"]).keep(&["Tier 1"]),
        ]),
        obj("inbox", "ib_406", "Wholesale", Planned, vec![
            txt("address", &["wholesale@acme-support.test", "trade@acme-support.test", "b2b@acme-support.test"]),
            st("business_hours", office_hours),
            num("sla_first_response_minutes", 480, 120, 1440, 60),
            txt("routing_strategy", &["manual", "round_robin", "least_busy"]),
            set("routing_teams", &TEAM_NAMES, &["Billing"]).keep(&["Billing"]),
            num("max_open_per_agent", 20, 5, 40, 5),
            parts("auto_reply", &[
                &["Thanks for your wholesale enquiry!", "Thanks for contacting Acme Trade!"],
                &["Our trade team replies within one business day.", "We reply within one business day."],
                &["", "For urgent orders call +44 20 7946 0958.", "Price lists: https://shop.acme-support.test/trade"],
            ]),
        ]),
        // Teams (members change only when someone joins).
        obj("team", TEAMS[0].0, TEAMS[0].1, Live, vec![
            txt("description", &["Front line: orders, shipping and returns", "Front line: orders, shipping, returns and chat", "Front line for email and chat: orders, shipping, returns"]).w(3),
            set("members", &[AGENTS[1].name, AGENTS[3].name], &[AGENTS[1].name, AGENTS[3].name]).keep(&[AGENTS[1].name, AGENTS[3].name]).w(0),
            flag("auto_assign", true).w(2),
            num("max_open_per_member", 25, 10, 40, 5).w(5),
            set("inboxes", &INBOX_NAMES, &["Email Support", "Live Chat"]).keep(&["Email Support"]).w(4),
        ]),
        obj("team", TEAMS[1].0, TEAMS[1].1, Live, vec![
            txt("description", &["Escalations and technical issues", "Escalations, bugs and voice overflow", "Escalations, bugs, voice overflow and chargebacks"]).w(3),
            set("members", &[AGENTS[0].name, AGENTS[5].name], &[AGENTS[0].name, AGENTS[5].name]).keep(&[AGENTS[0].name, AGENTS[5].name]).w(0),
            flag("auto_assign", false).w(2),
            num("max_open_per_member", 15, 5, 30, 5).w(5),
            set("inboxes", &INBOX_NAMES, &["Email Support", "Voice"]).keep(&["Voice"]).w(4),
        ]),
        obj("team", TEAMS[2].0, TEAMS[2].1, Live, vec![
            txt("description", &["Refunds, invoices and payment problems", "Refunds, invoices, chargebacks and payment problems", "Refunds, invoices, chargebacks, payments and wholesale accounts"]).w(3),
            set("members", &[AGENTS[2].name, AGENTS[6].name], &[AGENTS[2].name, AGENTS[6].name]).keep(&[AGENTS[2].name, AGENTS[6].name]).w(0),
            flag("auto_assign", true).w(2),
            num("max_open_per_member", 20, 10, 40, 5).w(5),
            set("inboxes", &INBOX_NAMES, &["Email Support"]).keep(&["Email Support"]).w(4),
        ]),
        obj("team", TEAMS[3].0, TEAMS[3].1, Live, vec![
            txt("description", &["Customers with VIP status", "VIP customers and high-value orders", "VIP customers, high-value orders and press enquiries"]).w(3),
            set("members", &[AGENTS[4].name], &[AGENTS[4].name]).keep(&[AGENTS[4].name]).w(0),
            flag("auto_assign", false).w(1),
            num("max_open_per_member", 15, 5, 30, 5).w(4),
            set("inboxes", &INBOX_NAMES, &["VIP"]).keep(&["VIP"]).w(3),
        ]),
        obj("team", "team_5", "Returns & Exchanges", Spare, vec![
            txt("description", &["Returns, exchanges and damaged items", "Returns, exchanges, damaged items and warranty claims"]).w(2),
            set("members", &[AGENTS[1].name, AGENTS[2].name], &[AGENTS[1].name, AGENTS[2].name]).w(0),
            flag("auto_assign", true).w(1),
            num("max_open_per_member", 20, 10, 40, 5).w(5),
            set("inboxes", &["Returns", "Email Support", "Live Chat"], &["Returns"]).keep(&["Returns"]).w(4),
        ]),
        obj("team", "team_6", "Holiday Surge", Planned, vec![
            fixed("description", json!("Extra hands for Black Friday to New Year")),
            set("members", &[AGENTS[3].name, AGENTS[7].name, AGENTS[9].name], &[AGENTS[3].name, AGENTS[7].name, AGENTS[9].name]).w(0),
            flag("auto_assign", true).w(1),
        ]),
        obj("team", "team_9", "Night Shift (pilot)", Legacy, vec![]),
        // Views.
        obj("view", "view_601", "My open tickets", Live, vec![
            set("statuses", &["open", "pending", "snoozed"], &["open"]).keep(&["open"]).w(4),
            txt("sort", &["updated_at desc", "created_at asc", "sla_due asc", "priority desc"]).w(4),
            set("columns", &["subject", "customer", "status", "priority", "updated_at", "created_at", "sla_due", "channel", "tags", "team"], &["subject", "customer", "status", "updated_at"]).keep(&["subject"]),
        ]),
        obj("view", "view_602", "Unassigned", Live, vec![
            set("statuses", &["open", "pending", "snoozed"], &["open"]).keep(&["open"]).w(3),
            set("exclude_tags", &["spam", "auto-closed", "feedback", "internal", "wholesale"], &[]),
            txt("sort", &["created_at asc", "sla_due asc", "priority desc"]).w(4),
            set("shared_with", &TEAM_NAMES, &["Tier 1", "Tier 2"]).w(3),
        ]),
        obj("view", "view_603", "VIP queue", Live, vec![
            set("statuses", &["open", "pending", "snoozed"], &["open"]).keep(&["open"]).w(3),
            set("inboxes", &INBOX_NAMES, &["VIP"]).keep(&["VIP"]),
            txt("sort", &["sla_due asc", "created_at asc", "priority desc"]).w(3),
            set("shared_with", &TEAM_NAMES, &["VIP Concierge"]).keep(&["VIP Concierge"]).w(3),
        ]),
        obj("view", "view_604", "Refunds pending", Live, vec![
            set("tags", &["refund", "chargeback", "returns", "damaged-item", "cancellation"], &["refund"]).keep(&["refund"]),
            set("teams", &TEAM_NAMES, &["Billing"]).w(4),
            txt("sort", &["created_at asc", "updated_at desc", "sla_due asc"]).w(3),
        ]),
        obj("view", "view_605", "SLA at risk", Live, vec![
            txt("name", &["SLA at risk", "SLA breaching soon", "SLA at risk (next 2h)", "SLA watch"]).w(2),
            num("breaching_within_minutes", 60, 15, 240, 15),
            set("inboxes", &INBOX_NAMES, &["Email Support", "Live Chat"]).w(5),
            set("shared_with", &TEAM_NAMES, &["Tier 1", "Tier 2"]).w(3),
        ]),
        obj("view", "view_690", "Black Friday 2025 queue", Legacy, vec![]),
        obj("view", "view_691", "Summer sale 2025", Legacy, vec![]),
        obj("view", "view_606", "Chargebacks", Spare, vec![
            set("tags", &["chargeback", "dispute", "fraud", "refund", "billing"], &["chargeback"]).keep(&["chargeback"]),
            set("statuses", &["open", "pending", "snoozed"], &["open", "pending"]).keep(&["open"]).w(3),
            txt("sort", &["created_at asc", "sla_due asc", "updated_at desc"]).w(3),
            set("shared_with", &TEAM_NAMES, &["Billing"]).keep(&["Billing"]).w(3),
        ]),
        obj("view", "view_607", "Wholesale queue", Planned, vec![
            set("inboxes", &["Wholesale", "Email Support"], &["Wholesale"]).keep(&["Wholesale"]),
            set("statuses", &["open", "pending", "snoozed"], &["open", "pending"]).keep(&["open"]),
            txt("sort", &["created_at asc", "sla_due asc"]),
        ]),
        obj("view", "view_608", "Holiday backlog", Planned, vec![
            fixed("tags", json!(["black-friday-2026", "shipping"])),
            set("statuses", &["open", "pending", "snoozed"], &["open", "pending"]).keep(&["open"]),
            txt("sort", &["created_at asc", "sla_due asc"]),
        ]),
        // Widgets (the ticket sidebar).
        obj("widget", "wid_701", "Shopify order history", Live, vec![
            set("fields", &["order_number", "status", "total", "tracking_url", "refund_status", "fulfillment_status", "shipping_address", "items", "discount_codes"], &["order_number", "status", "total", "tracking_url"]).keep(&["order_number"]),
            num("position", 1, 1, 6, 1).w(4),
            num("orders_shown", 5, 3, 20, 1).w(4),
            flag("collapsed", false).w(1),
        ]),
        obj("widget", "wid_702", "Customer lifetime value", Live, vec![
            set("fields", &["total_spent", "orders_count", "loyalty_tier", "average_order_value", "first_order_at", "last_order_at", "returns_count"], &["total_spent", "orders_count"]).keep(&["total_spent"]),
            num("position", 2, 1, 6, 1).w(4),
            flag("collapsed", false).w(1),
        ]),
        obj("widget", "wid_703", "Recent conversations", Live, vec![
            set("fields", &["channel", "subject", "csat", "assignee", "status", "created_at"], &["channel", "subject", "csat"]).keep(&["subject"]),
            num("limit", 5, 3, 20, 1).w(5),
            num("position", 3, 1, 6, 1).w(3),
        ]),
        obj("widget", "wid_790", "Legacy CRM lookup", Legacy, vec![]),
        obj("widget", "wid_704", "Loyalty points", Spare, vec![
            set("fields", &["points_balance", "tier", "next_reward", "points_expiring"], &["points_balance", "tier", "next_reward"]).keep(&["points_balance"]),
            num("position", 4, 1, 6, 1),
        ]),
        // Integrations.
        obj("integration", I_SHOPIFY.id, I_SHOPIFY.name, Live, vec![
            fixed("store", json!("acme-store.myshopify.com")),
            num("refund_limit_usd", 500, 100, 1500, 50),
            num("sync_interval_minutes", 15, 5, 60, 5).w(5),
            set("synced_order_tags", &["vip", "wholesale", "gift", "pre-order", "subscription"], &["vip"]).w(4),
            flag("allow_refunds", true).w(0),
        ]),
        obj("integration", "int_302", "Slack", Live, vec![
            fixed("workspace", json!("acme-cx")),
            txt("channel", &["#support-alerts", "#cx-escalations", "#cx-ops", "#cx-alerts"]).w(4),
            set("notify_on", &["vip_ticket", "sla_breach", "negative_csat", "chargeback", "outage_keywords", "refund_over_limit"], &["vip_ticket"]).keep(&["vip_ticket"]),
        ]),
        obj("integration", I_EMAIL.id, I_EMAIL.name, Live, vec![
            fixed("address", json!("support@acme-support.test")),
            txt("spam_filter", &["standard", "strict", "standard + blocklist"]).w(3),
            txt("signature", &[
                "Acme Support | shop.acme-support.test",
                "The Acme Support team | shop.acme-support.test | Mon-Sun 07:00-20:00 UK",
                "{{agent.first_name}} from Acme Support | shop.acme-support.test",
                "{{agent.first_name}}, Acme Support | Track your order: shop.acme-support.test/track",
            ]).w(4),
            set("forwarding_addresses", &["help@acme-support.test", "orders@acme-support.test", "returns@acme-support.test", "hello@acme-support.test"], &["help@acme-support.test"]).keep(&["help@acme-support.test"]).w(3),
        ]),
        obj("integration", I_CHAT.id, I_CHAT.name, Live, vec![
            parts("greeting", &[
                &["Hi!", "Hi there!", "Hi! 👋"],
                &["How can we help?", "Ask us anything about your order.", "Order, return or product question?"],
                &["", "We usually reply in under 2 minutes.", "We're here 07:00-20:00 UK time."],
            ]).w(5),
            txt("color", &["#3355ff", "#2743d6", "#111827"]).w(2),
            num("proactive_delay_seconds", 30, 10, 120, 10).w(5),
            flag("offline_form", true).w(1),
        ]),
        obj("integration", I_VOICE.id, I_VOICE.name, Live, vec![
            set("numbers", &["+1 555-0100", "+44 20 7946 0958", "+49 30 901820", "+1 555-0199"], &["+1 555-0100"]).keep(&["+1 555-0100"]).w(3),
            flag("record_calls", true).w(0),
            flag("transcription", false).w(1),
            num("ring_timeout_seconds", 25, 15, 60, 5).w(5),
        ]),
        obj("integration", I_OKTA.id, I_OKTA.name, Live, vec![
            txt("group_filter", &["cx-agents", "cx-all", "cx-agents, cx-contractors"]).w(3),
            set("synced_attributes", &["title", "department", "manager", "locale", "phone"], &["title", "department"]).keep(&["title"]).w(3),
            flag("deprovisioning", true).w(0),
        ]),
        obj("integration", I_AI.id, I_AI.name, Live, vec![
            set("languages", &["en", "de", "fr", "es", "it", "nl", "pl", "pt"], &["en"]).keep(&["en"]),
            flag("summaries", true).w(1),
            flag("rule_suggestions", true).w(1),
            txt("reply_tone", &["friendly", "neutral", "concise", "friendly and concise"]).w(4),
        ]),
        obj("integration", "int_390", "Zendesk importer", Legacy, vec![]),
        obj("integration", "int_391", "Twilio SMS (old number)", Legacy, vec![]),
        obj("integration", "int_308", "Facebook Messenger", Spare, vec![
            fixed("page", json!("Acme Store")),
            flag("auto_reply", false).w(1),
            parts("greeting", &[
                &["Hi!", "Hi there!", "Hello from Acme!"],
                &["Thanks for messaging Acme Store.", "Thanks for your message."],
                &["We reply within a few hours.", "An agent will be with you shortly.", "We reply between 07:00 and 20:00 UK time."],
            ]).w(6),
        ]),
        // Custom attributes.
        obj("custom_attribute", "ca_801", "Loyalty tier", Live, vec![
            set("options", &["Bronze", "Silver", "Gold", "Platinum", "Diamond"], &["Bronze", "Silver", "Gold"]).keep(&["Bronze", "Silver", "Gold"]),
            flag("required", false).w(1),
            parts("description", &[
                &["The customer's loyalty programme tier.", "Loyalty tier.", "The loyalty programme tier."],
                &["", "Synced from Shopify nightly.", "Updated from Shopify every night."],
                &["", "Diamond is invite-only.", "Agents must not change it by hand."],
            ]).w(4),
        ]),
        obj("custom_attribute", "ca_802", "Contact reason", Live, vec![
            set("options", &["Order status", "Refund", "Return", "Billing", "Technical", "Feedback", "Account", "Cancellation", "Damaged item", "Wholesale", "Product question", "Delivery"], &["Order status", "Refund", "Return", "Billing", "Technical", "Feedback"]).keep(&["Order status", "Refund", "Return", "Billing"]),
            flag("required", true).w(1),
        ]),
        obj("custom_attribute", "ca_803", "Order number", Live, vec![
            flag("required", false).w(1),
            txt("pattern", &["^#[0-9]{4,6}$", "^#?[0-9]{4,7}$", "^(#|W-)?[0-9]{4,7}$"]).w(3),
            parts("help_text", &[
                &["The Shopify order number,", "The order number from the confirmation email,", "Shopify order number,"],
                &["for example #5123.", "like #5123.", "with or without the #."],
                &["", "Wholesale orders start with W-.", "Leave it empty for pre-sales questions."],
            ]).w(6),
        ]),
        obj("custom_attribute", "ca_805", "Product line", Live, vec![
            set("options", &["Apparel", "Footwear", "Accessories", "Home", "Gift cards", "Outlet", "Kids"], &["Apparel", "Footwear", "Accessories", "Home"]).keep(&["Apparel", "Footwear"]),
            flag("required", false).w(1),
        ]),
        obj("custom_attribute", "ca_806", "Return reason", Live, vec![
            set("options", &["Too small", "Too large", "Damaged", "Not as described", "Changed mind", "Late delivery", "Wrong item", "Quality"], &["Too small", "Too large", "Damaged", "Changed mind"]).keep(&["Damaged"]),
            flag("required", true).w(1),
        ]),
        obj("custom_attribute", "ca_804", "Preferred language", Spare, vec![
            fixed("applies_to", json!("customer")),
            set("options", &["English", "Deutsch", "Español", "Français", "Italiano", "Polski"], &["English", "Deutsch", "Español", "Français"]).keep(&["English"]),
        ]),
        obj("custom_attribute", "ca_807", "Wholesale account ID", Planned, vec![
            fixed("applies_to", json!("customer")),
            txt("pattern", &["^W-[0-9]{5}$", "^W-[0-9]{5,6}$"]),
            flag("required", false).w(1),
        ]),
        // Roles.
        obj("role", "role_901", "Admin", Live, vec![fixed("permissions", json!(["*"]))]),
        obj("role", "role_902", "Lead", Live, vec![
            set("permissions", &LEAD_PERMISSIONS, &["tickets:read", "tickets:write", "tickets:merge", "customers:read", "customers:write", "macros:use", "macros:manage", "rules:view", "reports:view"]).keep(&["tickets:read", "tickets:write", "customers:read", "macros:use"]),
            txt("description", &["Team leads: manage macros, see reports", "Team leads: manage macros and views, see reports", "Team leads: manage macros, views and rules; see and export reports"]).w(2),
        ]),
        obj("role", "role_903", "Agent", Live, vec![
            set("permissions", &AGENT_PERMISSIONS, &["tickets:read", "tickets:write", "customers:read", "macros:use"]).keep(&["tickets:read", "tickets:write", "customers:read", "macros:use"]),
            txt("description", &["Works tickets", "Works tickets and updates customer details", "Works tickets, updates customers, merges duplicates"]).w(2),
        ]),
        obj("role", "role_904", "Billing specialist", Live, vec![
            set("permissions", &BILLING_PERMISSIONS, &["tickets:read", "tickets:write", "customers:read", "orders:refund", "orders:cancel", "macros:use"]).keep(&["tickets:read", "orders:refund"]),
        ]),
        obj("role", "role_905", "Quality reviewer", Spare, vec![
            set("permissions", &REVIEWER_PERMISSIONS, &["tickets:read", "customers:read", "reports:view"]).keep(&["tickets:read"]),
        ]),
        obj("role", "role_906", "Compliance officer", Planned, vec![
            set("permissions", &COMPLIANCE_PERMISSIONS, &["customers:read", "customers:delete", "conversations:redact", "audit_log:view"]).keep(&["audit_log:view"]),
        ]),
        // Organization settings.
        obj("org_config", "cfg_acme", "Acme Support settings", Live, vec![
            st("business_hours", support_hours).w(3),
            set("holidays", &["2026-08-31", "2026-11-26", "2026-11-27", "2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31", "2027-01-01"], &["2026-08-31", "2026-12-25", "2026-12-26"]).w(1),
            txt("default_language", &["en-GB", "en-US"]).w(1),
            num("csat_delay_hours", 24, 2, 72, 2).w(4),
            num("auto_close_pending_days", 7, 3, 14, 1).w(4),
            num("session_timeout_minutes", 60, 15, 240, 15).w(2),
            set("ip_allowlist", &["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/28", "192.0.2.64/26"], &["203.0.113.0/24", "198.51.100.0/24"]).keep(&["203.0.113.0/24"]).w(1),
            st("data_retention_days", vec![json!(730), json!(365), json!(1095), json!(540)]).w(1),
        ]),
        // Accounts.
        obj("account", "acc_1", "Acme Support", Live, vec![
            txt("billing_email", &["billing@acme-support.test", "finance@acme-support.test", "accounts-payable@acme-support.test"]),
            txt("invoice_po_number", &["PO-2026-0142", "PO-2026-0388", "PO-2026-0519", "PO-2026-0604"]),
            txt("plan", &["Pro", "Advanced"]).w(0),
            num("seats", 10, 8, 30, 1).w(0),
        ]),
        obj("account", "acc_2", "Acme Support (Sandbox)", Spare, vec![fixed("plan", json!("Starter"))]),
        // Users (the agents are added below).
        obj("user", "u_0450", "Casey Lin (contractor)", Legacy, vec![]),
        obj("user", "u_0451", "QA Test Account", Legacy, vec![]),
        // Tags (the everyday ones are added below).
        obj("tag", "tag_590", "refunds", Legacy, vec![]),
        obj("tag", "tag_591", "black-friday-2025", Legacy, vec![]),
        obj("tag", "tag_592", "covid-delay", Legacy, vec![]),
        obj("tag", "tag_593", "delivery-delay", Legacy, vec![]),
        obj("tag", "tag_594", "test", Legacy, vec![]),
        obj("tag", "tag_520", "chargeback", Spare, vec![txt("color", &["#e5484d", "#8e4ec6", "#6f6e77"]), txt("description", &["Bank chargebacks and disputes", "Chargebacks and payment disputes; Billing handles them"])]),
        obj("tag", "tag_521", "damaged-item", Spare, vec![txt("color", &["#f76808", "#ffb224", "#e5484d"]), txt("description", &["Items that arrived damaged", "Arrived damaged: send a replacement, no return needed"])]),
        obj("tag", "tag_522", "wholesale", Planned, vec![txt("color", &["#12a594", "#0091ff", "#30a46c"]), txt("description", &["Trade and wholesale accounts", "Wholesale and trade orders (the Wholesale inbox)"])]),
        obj("tag", "tag_523", "black-friday-2026", Planned, vec![txt("color", &["#111827", "#e5484d", "#ffb224"]), txt("description", &["Black Friday 2026 week", "Black Friday to Cyber Monday 2026"])]),
    ];
    const TAGS: [&str; 14] = [
        "refund", "shipping", "vip", "spam", "bug", "billing", "wismo", "urgent", "feedback",
        "returns", "escalated", "gdpr", "account", "cancellation",
    ];
    for (i, name) in TAGS.iter().enumerate() {
        let colors: Vec<Value> = (0..4).map(|k| json!(COLORS[(i + 3 * k) % COLORS.len()])).collect();
        v.push(obj("tag", &format!("tag_{}", 501 + i), name, Live, vec![
            st("color", colors).w(4),
            st("description", vec![
                json!(format!("Tickets about {name}")),
                json!(format!("Use for {name} conversations")),
                json!(format!("Add to every {name} ticket; reports group by it")),
                json!(format!("{name}: added by rules or by hand; used in weekly reports")),
                json!(format!("Conversations about {name} (see the tagging guide)")),
            ]).w(4),
        ]));
    }
    const TITLES: [&str; 4] = ["Customer Support Agent", "Senior Support Agent", "Support Team Lead", "Support Specialist"];
    for (i, a) in AGENTS.iter().enumerate() {
        let role = match a.role {
            "Agent" => txt("role", &["Agent", "Lead"]),
            "Lead" => txt("role", &["Lead", "Agent"]),
            r => fixed("role", json!(r)),
        };
        let title = match (a.role, a.starts_after) { ("Admin", _) => "Head of Customer Experience", ("Lead", _) => TITLES[2], (_, 0) => TITLES[i % 2], _ => TITLES[0] };
        let titles: Vec<Value> = std::iter::once(title).chain(TITLES.iter().copied().filter(|t| *t != title).take(2)).map(|t| json!(t)).collect();
        let inboxes: &[&str] = match a.team { 0 => &["Email Support", "Live Chat"], 1 => &["Email Support", "Voice"], 2 => &["Email Support"], _ => &["VIP", "Email Support"] };
        let (life, chats, inboxes) = match a.starts_after {
            0 => (Live, 3 + i as i64 % 2, inboxes),
            1..=7 => (Spare, 2, &[][..]),
            _ => (Planned, 2, &[][..]),
        };
        v.push(obj("user", a.id, a.name, life, vec![
            fixed("email", json!(a.email)),
            role.w(0),
            fixed("team", json!(TEAMS[a.team].1)),
            st("title", titles).w(3),
            txt("department", &["Customer Experience", "CX Operations"]).w(1),
            num("max_concurrent_chats", chats, 1, 6, 1).w(6),
            set("inboxes", &INBOX_NAMES, inboxes).w(4),
            set("languages", &LANGS, &["English"]).keep(&["English"]).w(2),
        ]));
    }
    v
}

/// Which kinds of object everyday edits touch, relatively.
const CONFIG_MIX: [(&str, u32); 13] = [
    ("rule", 20),
    ("macro", 17),
    ("view", 9),
    ("inbox", 8),
    ("user", 8),
    ("tag", 6),
    ("integration", 6),
    ("widget", 4),
    ("team", 4),
    ("org_config", 4),
    ("custom_attribute", 4),
    ("role", 2),
    ("account", 1),
];

/// Everyday sessions per weekday for each admin (`ADMINS` order), relative weights of 0, 1, ...
const SESSIONS: [[u32; 8]; 3] = [
    [1, 4, 10, 18, 24, 20, 13, 10],
    [3, 9, 20, 26, 21, 12, 6, 3],
    [3, 9, 20, 26, 21, 12, 6, 3],
];

fn shuffle<T>(rng: &mut Rng, xs: &mut [T]) {
    for i in (1..xs.len()).rev() {
        xs.swap(i, rng.below(i + 1));
    }
}

// ---------------------------------------------------------------------------------------------
// The work.

/// A piece of configuration work, done by one admin on one day.
#[derive(Clone, Copy, Debug)]
enum Job {
    /// A few everyday edits.
    Routine,
    /// Okta SCIM pushes a profile change.
    Okta,
    /// Reworking the routing rules: pause, edit, reorder, switch back on.
    Rework,
    /// Setting up the new Wholesale inbox and what goes with it.
    NewInbox,
    /// The access review: role permissions, a promotion, session and IP settings, stale users.
    AccessReview,
    /// Rewriting macros after a policy or tone change.
    MacroRefresh,
    /// Recolouring, describing, merging and removing tags.
    TagCleanup,
    /// Integration and sidebar-widget settings.
    Integrations,
    /// Getting ready for Black Friday and the holidays.
    HolidayPrep,
    /// Sending an invitation to a seasonal hire (an index into `AGENTS`).
    Invite(usize),
    /// Setting up a new agent: their account (from Okta unless invited), inboxes, team, seat.
    Onboard(usize),
    /// Raising a new agent's chat capacity as they settle in.
    Ramp(usize),
}

/// An admin at work: the moment of their next save, and when they stop.
struct Desk {
    a: usize,
    t: i64,
    end: i64,
}

impl Gen<'_> {
    pub(super) fn has(&self, kind: &str, life: Life) -> bool {
        self.objs.iter().any(|o| o.kind == kind && o.life == life)
    }

    fn find_obj(&self, id: &str) -> Option<usize> {
        self.objs.iter().position(|o| o.id == id)
    }

    fn field_ix(&self, i: usize, name: &str) -> Option<usize> {
        self.objs[i].fields.iter().position(|f| f.name == name)
    }

    fn live_at(&self, i: usize, t: i64) -> bool {
        let o = &self.objs[i];
        matches!(o.life, Life::Live | Life::Legacy) && o.since < t
    }

    /// Fields `by` may edit, with their weights: an admin everything but the SCIM fields,
    /// the Okta sync only those.
    fn editable(&self, i: usize, by: By) -> Vec<(usize, u32)> {
        let scim = by.who == Who::System;
        self.objs[i]
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.weight > 0 && f.movable())
            .filter(|(_, f)| SCIM_FIELDS.contains(&f.name) == scim)
            .map(|(k, f)| (k, f.weight))
            .collect()
    }

    /// Objects of `kind` that exist at `t` and that `by` has something to edit on.
    fn editable_objs(&self, kind: &str, t: i64, by: By) -> Vec<usize> {
        (0..self.objs.len())
            .filter(|&i| self.objs[i].kind == kind && self.live_at(i, t))
            .filter(|&i| !self.editable(i, by).is_empty())
            .collect()
    }

    fn open_change_request(&mut self) {
        self.next_change += 1 + self.rng.below(6) as u32;
        self.change_request = Some(format!("CHG-{}", self.next_change));
    }

    fn filed(&self, ev: Ev, by: By) -> Ev {
        match &self.change_request {
            Some(cr) if by.who != Who::System => ev.meta(json!({"change_request": cr})),
            _ => ev,
        }
    }

    /// Creates the first spare object of `kind`.
    pub(super) fn create_obj(&mut self, kind: &str, t: i64, by: By) -> bool {
        let i = self
            .objs
            .iter()
            .position(|o| o.kind == kind && o.life == Life::Spare);
        i.is_some_and(|i| self.create_at(i, t, by))
    }

    /// `<kind>.created` for a spare or planned object, with each field's first value.
    fn create_at(&mut self, i: usize, t: i64, by: By) -> bool {
        let o = &self.objs[i];
        if !matches!(o.life, Life::Spare | Life::Planned) {
            return false;
        }
        let mut ev = Ev::new(o.id.clone(), o.name.clone(), by);
        for f in &o.fields {
            ev = ev.chg(f.name, Value::Null, f.value());
        }
        let action = format!("{}.created", o.kind);
        let ev = self.filed(ev, by);
        if !self.emit(t, &action, ev) {
            return false;
        }
        let o = &mut self.objs[i];
        o.life = Life::Live;
        o.since = t;
        true
    }

    /// One save of object `i`: `<kind>.updated` with each field moved to its new state. A
    /// change of `name` renames the object.
    fn save(&mut self, i: usize, moves: &[(usize, i64)], t: i64, by: By) -> bool {
        let o = &self.objs[i];
        let mut name = o.name.clone();
        let mut ev = Ev::new(o.id.clone(), "", by);
        for &(f, to) in moves {
            let f = &o.fields[f];
            let new = f.value_at(to);
            if f.name == "name"
                && let Some(s) = new.as_str()
            {
                name = s.to_string();
            }
            ev = ev.chg(f.name, f.value(), new);
        }
        ev.name = Some(name.clone());
        let action = format!("{}.updated", o.kind);
        let ev = self.filed(ev, by);
        if !self.emit(t, &action, ev) {
            return false;
        }
        let o = &mut self.objs[i];
        o.name = name;
        for &(f, to) in moves {
            o.fields[f].cur = to;
        }
        true
    }

    /// One save of object `i` changing a field `by` may edit (sometimes `again`, the one
    /// changed just before), now and then together with a second one. Returns the field.
    fn save_some(&mut self, i: usize, again: Option<usize>, t: i64, by: By) -> Option<usize> {
        let fs = self.editable(i, by);
        if fs.is_empty() {
            return None;
        }
        let ws: Vec<u32> = fs.iter().map(|f| f.1).collect();
        let f = match again {
            Some(g) if fs.iter().any(|x| x.0 == g) && self.rng.chance(0.4) => g,
            _ => fs[self.rng.weighted(&ws)].0,
        };
        let mut moves = vec![(f, self.objs[i].fields[f].next(&mut self.rng))];
        if fs.len() > 1 && self.rng.chance(0.2) {
            let g = fs[self.rng.weighted(&ws)].0;
            if g != f {
                moves.push((g, self.objs[i].fields[g].next(&mut self.rng)));
            }
        }
        self.save(i, &moves, t, by).then_some(f)
    }

    /// `<kind>.updated` for a random object of `kind` (used by the coverage phase).
    pub(super) fn update_obj(&mut self, kind: &str, t: i64, by: By) -> bool {
        let cands = self.editable_objs(kind, t, by);
        if cands.is_empty() {
            return false;
        }
        let i = *self.rng.pick(&cands);
        self.save_some(i, None, t, by).is_some()
    }

    /// Deletes (or deactivates) a legacy object, or one created during the period.
    pub(super) fn retire_obj(&mut self, kind: &str, verb: &str, t: i64, by: By) -> bool {
        let Some(i) = self
            .objs
            .iter()
            .position(|o| o.kind == kind && o.life == Life::Legacy)
            .or_else(|| {
                self.objs.iter().position(|o| {
                    o.kind == kind && o.life == Life::Live && o.since != i64::MIN && o.since < t
                })
            })
        else {
            return false;
        };
        let o = &self.objs[i];
        let ev = Ev::new(o.id.clone(), o.name.clone(), by);
        let ev = self.filed(ev, by);
        if self.emit(t, &format!("{kind}.{verb}"), ev) {
            self.objs[i].life = Life::Gone;
            true
        } else {
            false
        }
    }

    /// The first merge of the period: the old `refunds` tag into `refund`.
    pub(super) fn merge_tag(&mut self, t: i64, by: By) -> bool {
        self.merge_tag_into("tag_590", "tag_501", t, by)
    }

    fn merge_tag_into(&mut self, from: &str, into: &str, t: i64, by: By) -> bool {
        let (Some(i), Some(j)) = (self.find_obj(from), self.find_obj(into)) else {
            return false;
        };
        if self.objs[i].life != Life::Legacy {
            return false;
        }
        let n = self.rng.range(40, 260);
        let (into_id, into_name) = (self.objs[j].id.clone(), self.objs[j].name.clone());
        let ev = Ev::new(from, self.objs[i].name.clone(), by)
            .rel("tag", &into_id, "merged_into", &into_name)
            .meta(json!({"tickets_retagged": n}));
        if self.emit(t, "tag.merged", ev) {
            self.objs[i].life = Life::Gone;
            true
        } else {
            false
        }
    }

    /// AI Assist suggests a rule, at night.
    pub(super) fn suggestion(&mut self, t: i64) -> bool {
        const IDEAS: [&str; 5] = [
            "Auto-tag 'damaged item' messages",
            "Route Spanish-language tickets to Tier 1",
            "Auto-close 'thank you' replies",
            "Tag subscription cancellations",
            "Escalate repeat contacts within 24h",
        ];
        self.next_suggestion += 1;
        let idea = *self.rng.pick(&IDEAS);
        let based = self.rng.range(40, 400);
        let weekly = self.rng.range(5, 80);
        let ev = Ev::new(
            format!("rule_sugg_{}", self.next_suggestion),
            format!("Suggested: {idea}"),
            sys(I_AI),
        )
        .meta(json!({"based_on_tickets": based, "estimated_weekly_matches": weekly}));
        self.emit(t, "rule.suggestion_created", ev)
    }

    // ----- the period, day by day

    /// The admin team's configuration work over the period, after the coverage phase.
    pub(super) fn configuration(&mut self) {
        let (first, last) = (self.first_day(), self.last_day());
        // Fewer everyday edits for a quiet demo (few events a day), so that tickets still
        // make most of it; the planned pieces of work happen regardless.
        let per_day = self.target as f64 / (last - first + 1) as f64;
        let keep = (per_day / 600.0).clamp(0.05, 1.0);
        let plan = self.plan_work();
        let mut clock = self.cover_end;
        for day in first..=last {
            let mut jobs: Vec<(i64, usize, Job)> = Vec::new();
            for &(_, a, job) in plan.iter().filter(|p| p.0 == day) {
                let (s, _) = Self::window(a, day);
                jobs.push((s + self.rng.range(0, 3 * HOUR), a, job));
            }
            for (k, &a) in ADMINS.iter().enumerate() {
                if !self.works(a, day) {
                    continue;
                }
                let mut n = match weekday(day) {
                    0..5 => self.rng.weighted(&SESSIONS[k]),
                    5 => usize::from(self.rng.chance(0.3)),
                    _ => 0,
                };
                if plan.iter().any(|p| p.0 == day && p.1 == a) {
                    n /= 2;
                }
                let (s, e) = Self::window(a, day);
                for _ in 0..n {
                    if self.rng.chance(keep) {
                        jobs.push((self.rng.range(s, e - HOUR), a, Job::Routine));
                    }
                }
            }
            if weekday(day) < 5 && self.rng.chance(0.12) {
                let t = day * DAY + self.rng.range(6 * HOUR, 21 * HOUR);
                jobs.push((t, 0, Job::Okta));
            }
            jobs.sort_by_key(|j| j.0);
            for (t, a, job) in jobs {
                // One thing at a time, so that every change starts from the one before.
                let t = t.max(clock + self.rng.range(MIN, 8 * MIN));
                let end = match job {
                    Job::Okta => day * DAY + 22 * HOUR,
                    _ => Self::window(a, day).1 + HOUR,
                };
                if t > end || t > self.now || t <= self.cover_end {
                    continue;
                }
                let mut d = Desk { a, t, end };
                self.run_job(job, &mut d);
                self.change_request = None;
                clock = clock.max(d.t);
            }
        }
    }

    /// The planned pieces of work: (day, admin, job), each on a weekday its admin works.
    fn plan_work(&mut self) -> Vec<(i64, usize, Job)> {
        let (first, last) = (self.first_day(), self.last_day());
        let p = last - first;
        let every = |from: i64, step: i64| {
            (0..)
                .map(move |k| from + k * step)
                .take_while(move |&d| d < p)
        };
        const PRIYA: usize = ADMINS[0];
        const DMITRI: usize = ADMINS[1];
        let mut want: Vec<(i64, &[usize], Job)> = Vec::new();
        want.extend(every(8, 28).map(|d| (d, &[PRIYA][..], Job::Integrations)));
        want.extend(every(12, 33).map(|d| (d, &[COMPLIANCE, DMITRI][..], Job::MacroRefresh)));
        want.extend(every(20, 38).map(|d| (d, &[PRIYA, DMITRI][..], Job::Rework)));
        want.extend(every(30, 45).map(|d| (d, &[COMPLIANCE][..], Job::AccessReview)));
        want.extend(every(35, 50).map(|d| (d, &[DMITRI][..], Job::TagCleanup)));
        if p >= 30 {
            want.push((p * 42 / 100, &[PRIYA], Job::NewInbox));
        }
        if p >= 25 {
            want.push((p - 12, &[PRIYA], Job::HolidayPrep));
        }
        let mut hires: Vec<(i64, &[usize], Job)> = Vec::new();
        for (h, ag) in AGENTS
            .iter()
            .enumerate()
            .filter(|(_, a)| a.starts_after > 0)
        {
            let s = ag.starts_after;
            let planned = self
                .find_obj(ag.id)
                .is_some_and(|i| self.objs[i].life == Life::Planned);
            if planned && ag.days & 0b110_0000 != 0 {
                // A seasonal weekend agent: invited by email rather than provisioned.
                hires.push((s - 6, &[PRIYA], Job::Invite(h)));
            }
            // Set up before the first shift; one created in the coverage phase on the day.
            hires.push((
                if planned { s - 2 } else { s + 4 },
                &[PRIYA],
                Job::Onboard(h),
            ));
            hires.push((s + 7, &[PRIYA, DMITRI], Job::Ramp(h)));
            hires.push((s + 21, &[PRIYA, DMITRI], Job::Ramp(h)));
        }
        let mut out = Vec::new();
        for (d, who, job) in want {
            let a = *self.rng.pick(who);
            let d0 = first + d + self.rng.range(-2, 3);
            if let Some(day) = (d0..d0 + 7).find(|&x| self.works(a, x) && weekday(x) < 5) {
                out.push((day, a, job));
            }
        }
        for (d, who, job) in hires {
            // On the day or just before it (a hire is set up before their first shift).
            let a = *self.rng.pick(who);
            let d0 = first + d;
            if let Some(day) = (d0 - 4..=d0)
                .rev()
                .find(|&x| self.works(a, x) && weekday(x) < 5)
            {
                out.push((day, a, job));
            }
        }
        out.retain(|&(day, _, _)| day >= first && day <= last);
        out
    }

    fn run_job(&mut self, job: Job, d: &mut Desk) {
        match job {
            Job::Routine => self.routine(d),
            Job::Okta => self.okta_sync(d),
            Job::Rework => self.rework_rules(d),
            Job::NewInbox => self.set_up_inbox(d),
            Job::AccessReview => self.access_review(d),
            Job::MacroRefresh => self.refresh_macros(d),
            Job::TagCleanup => self.tidy_tags(d),
            Job::Integrations => self.maintain_integrations(d),
            Job::HolidayPrep => self.holiday_prep(d),
            Job::Invite(h) => self.invite(d, h),
            Job::Onboard(h) => self.onboard(d, h),
            Job::Ramp(h) => {
                self.bump(d, AGENTS[h].id, "max_concurrent_chats", 1);
            }
        }
    }

    // ----- small steps of a session

    fn wait(&mut self, d: &mut Desk, lo_min: i64, hi_min: i64) {
        d.t += self.rng.range(lo_min * MIN, hi_min * MIN) + self.rng.range(0, MIN);
    }

    /// The object `id` if it exists now.
    fn at_hand(&self, d: &Desk, id: &str) -> Option<usize> {
        self.find_obj(id)
            .filter(|&i| d.t <= d.end && self.live_at(i, d.t))
    }

    /// One save of `id` moving each named field one edit on.
    fn edit(&mut self, d: &mut Desk, id: &str, fields: &[&str]) -> bool {
        let Some(i) = self.at_hand(d, id) else {
            return false;
        };
        let mut moves = Vec::new();
        for name in fields {
            if let Some(f) = self.field_ix(i, name)
                && self.objs[i].fields[f].movable()
            {
                moves.push((f, self.objs[i].fields[f].next(&mut self.rng)));
            }
        }
        let ok = !moves.is_empty() && self.save(i, &moves, d.t, user(d.a));
        self.wait(d, 1, 6);
        ok
    }

    /// One save of `id` changing whatever the admin gets to.
    fn edit_any(&mut self, d: &mut Desk, id: &str) -> bool {
        let Some(i) = self.at_hand(d, id) else {
            return false;
        };
        let ok = self.save_some(i, None, d.t, user(d.a)).is_some();
        self.wait(d, 1, 6);
        ok
    }

    /// One save of `id` setting `field` to the state `to` (a number, or 0/1 for a flag).
    fn set_state(&mut self, d: &mut Desk, id: &str, field: &str, to: i64) -> bool {
        let Some(i) = self.at_hand(d, id) else {
            return false;
        };
        let Some(f) = self
            .field_ix(i, field)
            .filter(|&f| self.objs[i].fields[f].cur != to)
        else {
            return false;
        };
        let ok = self.save(i, &[(f, to)], d.t, user(d.a));
        self.wait(d, 1, 6);
        ok
    }

    fn set_flag(&mut self, d: &mut Desk, id: &str, field: &str, on: bool) -> bool {
        self.set_state(d, id, field, i64::from(on))
    }

    /// Whether an admin may switch rule `id` off: not one the ticket stories go through.
    fn pausable(&self, id: &str) -> bool {
        self.find_obj(id)
            .and_then(|i| Some(self.objs[i].fields[self.field_ix(i, "enabled")?].weight > 0))
            .unwrap_or(false)
    }

    fn flag_on(&self, id: &str, field: &str) -> bool {
        self.find_obj(id)
            .and_then(|i| Some(self.objs[i].fields[self.field_ix(i, field)?].cur != 0))
            .unwrap_or(false)
    }

    /// Moves a number by `by`, within its range.
    fn bump(&mut self, d: &mut Desk, id: &str, field: &str, by: i64) -> bool {
        let Some(i) = self.find_obj(id) else {
            return false;
        };
        let Some(f) = self.field_ix(i, field) else {
            return false;
        };
        let fl = &self.objs[i].fields[f];
        let Shape::Num { lo, hi, .. } = fl.shape else {
            return false;
        };
        let to = (fl.cur + by).clamp(lo, hi);
        self.set_state(d, id, field, to)
    }

    /// Adds `item` to (or removes it from) the set `field` of `id`; an item the pool lacks is
    /// added to it.
    fn set_item(
        &mut self,
        d: &mut Desk,
        id: &str,
        field: &str,
        item: &'static str,
        on: bool,
    ) -> bool {
        let Some(i) = self.at_hand(d, id) else {
            return false;
        };
        let Some(f) = self.field_ix(i, field) else {
            return false;
        };
        let fl = &mut self.objs[i].fields[f];
        let Shape::Set { pool, .. } = &mut fl.shape else {
            return false;
        };
        let k = match pool.iter().position(|x| *x == item) {
            Some(k) => k,
            None if on && pool.len() < 62 => {
                pool.push(item);
                pool.len() - 1
            }
            None => return false,
        };
        let to = if on {
            fl.cur | (1 << k)
        } else {
            fl.cur & !(1 << k)
        };
        self.set_state(d, id, field, to)
    }

    /// Creates the planned or spare object `id`.
    fn make(&mut self, d: &mut Desk, id: &str) -> bool {
        let Some(i) = self.find_obj(id) else {
            return false;
        };
        if d.t > d.end || !self.create_at(i, d.t, user(d.a)) {
            return false;
        }
        self.wait(d, 3, 12);
        true
    }

    /// Creates the first spare object of `kind`, if any is left.
    fn make_spare(&mut self, d: &mut Desk, kind: &str) -> Option<String> {
        let i = self
            .objs
            .iter()
            .position(|o| o.kind == kind && o.life == Life::Spare)?;
        let id = self.objs[i].id.clone();
        self.make(d, &id).then_some(id)
    }

    /// Deletes the first legacy object of `kind`, if any is left.
    fn drop_legacy(&mut self, d: &mut Desk, kind: &str) -> bool {
        if d.t > d.end || !self.has(kind, Life::Legacy) {
            return false;
        }
        let ok = self.retire_obj(kind, "deleted", d.t, user(d.a));
        self.wait(d, 1, 5);
        ok
    }

    /// Up to `n` random objects of `kind` an admin can edit now.
    fn some_of(&mut self, d: &Desk, kind: &str, n: usize) -> Vec<String> {
        let mut xs = self.editable_objs(kind, d.t, user(d.a));
        shuffle(&mut self.rng, &mut xs);
        xs.truncate(n);
        xs.into_iter().map(|i| self.objs[i].id.clone()).collect()
    }

    // ----- the jobs

    /// Everyday work: one to a few objects of one kind, each saved once or a few times.
    fn routine(&mut self, d: &mut Desk) {
        let ws: Vec<u32> = CONFIG_MIX.iter().map(|k| k.1).collect();
        let kind = CONFIG_MIX[self.rng.weighted(&ws)].0;
        if self.rng.chance(0.08) {
            self.open_change_request();
        }
        let r = self.rng.below(100);
        if r < 3
            && kind != "user"
            && let Some(id) = self.make_spare(d, kind)
        {
            for _ in 0..self.rng.below(3) {
                self.edit_any(d, &id);
            }
            return;
        }
        if r >= 98 && !matches!(kind, "user" | "account") && self.drop_legacy(d, kind) {
            return;
        }
        // The account and the org settings get a single considered change; the rest are
        // edited, saved, looked at and edited again.
        let (n, saves): (usize, &[u32]) = match kind {
            "account" | "org_config" => (1, &[85, 15]),
            _ => (1 + self.rng.weighted(&[55, 25, 12, 8]), &[40, 30, 17, 13]),
        };
        for id in self.some_of(d, kind, n) {
            let Some(i) = self.find_obj(&id) else {
                continue;
            };
            let mut last = None;
            for _ in 0..1 + self.rng.weighted(saves) {
                if d.t > d.end {
                    return;
                }
                last = self.save_some(i, last, d.t, user(d.a));
                self.wait(d, 1, 6);
            }
            self.wait(d, 2, 10);
        }
    }

    /// Okta SCIM pushes a title or department change from HR.
    fn okta_sync(&mut self, d: &mut Desk) {
        let by = sys(I_OKTA);
        let users = self.editable_objs("user", d.t, by);
        if !users.is_empty() {
            let i = *self.rng.pick(&users);
            self.save_some(i, None, d.t, by);
        }
    }

    fn rework_rules(&mut self, d: &mut Desk) {
        if self.rng.chance(0.6) {
            self.open_change_request();
        }
        let n = 4 + self.rng.below(3);
        for id in self.some_of(d, "rule", n) {
            // Rules that tickets go through are edited live; the others are often paused
            // while being edited.
            let pause = self.flag_on(&id, "enabled") && self.pausable(&id) && self.rng.chance(0.7);
            if pause {
                self.set_flag(d, &id, "enabled", false);
            }
            for _ in 0..1 + self.rng.below(3) {
                self.edit(d, &id, &["conditions"]);
            }
            for _ in 0..self.rng.below(3) {
                self.edit(d, &id, &["actions"]);
            }
            if self.rng.chance(0.4) {
                self.edit(d, &id, &["position"]);
            }
            if pause {
                self.set_flag(d, &id, "enabled", true);
            }
            self.wait(d, 3, 12);
        }
        if self.rng.chance(0.5)
            && let Some(id) = self.make_spare(d, "rule")
        {
            self.edit(d, &id, &["conditions"]);
        }
        self.drop_legacy(d, "rule");
        for _ in 0..1 + self.rng.below(2) {
            self.edit_any(d, "view_602");
        }
    }

    fn set_up_inbox(&mut self, d: &mut Desk) {
        if self.rng.chance(0.5) {
            self.open_change_request();
        }
        if !self.make(d, "ib_406") {
            return;
        }
        for _ in 0..8 + self.rng.below(7) {
            self.edit_any(d, "ib_406");
        }
        self.make(d, "tag_522");
        if self.make(d, "ca_807") && self.rng.chance(0.5) {
            self.edit_any(d, "ca_807");
        }
        if self.make(d, "rule_109") {
            for _ in 0..1 + self.rng.below(3) {
                self.edit(d, "rule_109", &["conditions"]);
            }
        }
        if self.make(d, "mac_210") {
            self.edit(d, "mac_210", &["body"]);
        }
        if self.make(d, "view_607") && self.rng.chance(0.5) {
            self.edit_any(d, "view_607");
        }
        self.set_item(
            d,
            I_EMAIL.id,
            "forwarding_addresses",
            "wholesale@acme-support.test",
            true,
        );
        self.set_state(d, TEAMS[2].0, "description", 2);
        for a in [2, 6] {
            self.set_item(d, AGENTS[a].id, "inboxes", "Wholesale", true);
        }
        self.set_item(d, "ca_802", "options", "Wholesale", true);
    }

    fn access_review(&mut self, d: &mut Desk) {
        self.open_change_request();
        for id in self.some_of(d, "role", 8) {
            for _ in 0..1 + self.rng.below(3) {
                self.edit(d, &id, &["permissions"]);
            }
            if self.rng.chance(0.2) {
                self.edit(d, &id, &["description"]);
            }
        }
        if self.make(d, "role_906") {
            self.edit(d, "role_906", &["permissions"]);
        }
        if self.rng.chance(0.5) {
            // A promotion: an agent becomes a lead.
            let agents: Vec<&str> = AGENTS[1..5]
                .iter()
                .filter(|a| a.role == "Agent")
                .filter(|a| {
                    self.find_obj(a.id).is_some_and(|i| {
                        self.field_ix(i, "role")
                            .is_some_and(|f| self.objs[i].fields[f].cur == 0)
                    })
                })
                .map(|a| a.id)
                .collect();
            if !agents.is_empty() {
                let id = *self.rng.pick(&agents);
                self.set_state(d, id, "role", 1);
            }
        }
        if self.rng.chance(0.5) {
            self.edit(d, "cfg_acme", &["session_timeout_minutes"]);
        }
        if self.rng.chance(0.4) {
            self.edit(d, "cfg_acme", &["ip_allowlist"]);
        }
        if self.rng.chance(0.3) {
            self.edit(d, I_OKTA.id, &["group_filter"]);
        }
        self.drop_legacy(d, "user");
    }

    fn refresh_macros(&mut self, d: &mut Desk) {
        if self.rng.chance(0.3) {
            self.open_change_request();
        }
        let n = 3 + self.rng.below(3);
        for id in self.some_of(d, "macro", n) {
            for _ in 0..1 + self.rng.below(2) {
                if !self.edit(d, &id, &["body"]) {
                    self.edit_any(d, &id);
                }
            }
            if self.rng.chance(0.3) {
                self.edit(d, &id, &["actions"]);
            }
            if self.rng.chance(0.15) {
                self.edit(d, &id, &["available_to"]);
            }
        }
        if self.rng.chance(0.4)
            && let Some(id) = self.make_spare(d, "macro")
        {
            self.edit(d, &id, &["body"]);
        }
        if self.rng.chance(0.5) {
            self.drop_legacy(d, "macro");
        }
    }

    fn tidy_tags(&mut self, d: &mut Desk) {
        let n = 4 + self.rng.below(4);
        for id in self.some_of(d, "tag", n) {
            self.edit_any(d, &id);
        }
        if d.t <= d.end && self.merge_tag_into("tag_593", "tag_502", d.t, user(d.a)) {
            self.wait(d, 1, 4);
        } else {
            self.drop_legacy(d, "tag");
        }
        if self.rng.chance(0.5) {
            self.make_spare(d, "tag");
        }
        if self.rng.chance(0.3) {
            self.edit(d, "view_602", &["exclude_tags"]);
        }
    }

    fn maintain_integrations(&mut self, d: &mut Desk) {
        let n = 1 + self.rng.below(3);
        for id in self.some_of(d, "integration", n) {
            for _ in 0..1 + self.rng.below(3) {
                self.edit_any(d, &id);
            }
        }
        if self.rng.chance(0.6) {
            self.drop_legacy(d, "integration");
        }
        if self.rng.chance(0.5) {
            let n = 1 + self.rng.below(2);
            for id in self.some_of(d, "widget", n) {
                self.edit_any(d, &id);
            }
        }
    }

    fn holiday_prep(&mut self, d: &mut Desk) {
        if self.rng.chance(0.5) {
            self.open_change_request();
        }
        self.make(d, "team_6");
        self.make(d, "tag_523");
        for day in ["2026-11-27", "2026-12-24", "2026-12-31"] {
            self.set_item(d, "cfg_acme", "holidays", day, true);
        }
        self.edit(d, "cfg_acme", &["business_hours"]);
        self.bump(d, "ib_401", "sla_first_response_minutes", 60);
        self.bump(d, "ib_402", "sla_first_response_seconds", 60);
        if self.make(d, "rule_110") {
            for _ in 0..1 + self.rng.below(2) {
                self.edit(d, "rule_110", &["reply_body"]);
            }
        }
        if self.make(d, "mac_209") {
            self.edit(d, "mac_209", &["body"]);
        }
        self.make(d, "view_608");
        self.edit(d, "wid_701", &["fields"]);
        self.set_item(d, "int_302", "notify_on", "sla_breach", true);
    }

    /// An invitation to a seasonal agent, who accepts it later that day or the next.
    fn invite(&mut self, d: &mut Desk, h: usize) {
        let ag = &AGENTS[h];
        let Some(i) = self
            .find_obj(ag.id)
            .filter(|&i| self.objs[i].life == Life::Planned)
        else {
            return;
        };
        let ev = Ev::new(ag.id, ag.name, user(d.a))
            .chg("email", Value::Null, json!(ag.email))
            .chg("role", Value::Null, json!(ag.role))
            .meta(json!({"invitation_expires_in_days": 7}));
        if self.emit(d.t, "user.invited", ev) {
            let accepted = d.t + self.rng.range(2 * HOUR, 20 * HOUR);
            self.create_at(i, accepted, user(h));
        }
        self.wait(d, 2, 6);
    }

    /// A new agent: provisioned by Okta (unless invited), then given inboxes, languages, a
    /// team and a seat.
    fn onboard(&mut self, d: &mut Desk, h: usize) {
        let ag = &AGENTS[h];
        let Some(i) = self.find_obj(ag.id) else {
            return;
        };
        if self.objs[i].life == Life::Planned {
            if !self.create_at(i, d.t, sys(I_OKTA)) {
                return;
            }
            self.wait(d, 10, 40);
        }
        self.set_item(d, ag.id, "inboxes", "Email Support", true);
        if self.rng.chance(0.6) {
            self.set_item(d, ag.id, "inboxes", "Live Chat", true);
        }
        if self.rng.chance(0.5) {
            self.edit(d, ag.id, &["languages"]);
        }
        self.set_item(d, TEAMS[ag.team].0, "members", ag.name, true);
        self.bump(d, "acc_1", "seats", 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_starts_valid_and_moves_to_new_values() {
        let mut rng = Rng(7);
        let mut objs = objects();
        let mut ids = std::collections::BTreeSet::new();
        for o in &mut objs {
            assert!(ids.insert(o.id.clone()), "duplicate id {}", o.id);
            for f in &mut o.fields {
                match &f.shape {
                    Shape::States(vs) => assert!(!vs.is_empty()),
                    Shape::Num { lo, hi, step } => {
                        assert!(lo <= &f.cur && &f.cur <= hi && (f.cur - lo) % step == 0);
                        assert!(*step <= hi - lo, "{}.{}", o.id, f.name);
                    }
                    Shape::Flag => {}
                    Shape::Parts(slots) => assert!(slots.iter().all(|o| !o.is_empty())),
                    Shape::Set { pool, keep, .. } => {
                        assert!(pool.len() < 62);
                        assert_eq!(
                            *keep & !(f.cur as u64),
                            0,
                            "{}.{} keeps what it lacks",
                            o.id,
                            f.name
                        );
                    }
                }
                if !f.movable() {
                    continue;
                }
                for _ in 0..50 {
                    let next = f.next(&mut rng);
                    assert_ne!(f.value_at(next), f.value(), "{}.{}", o.id, f.name);
                    if let Shape::Set { keep, .. } = &f.shape {
                        assert_eq!(
                            *keep & !(next as u64),
                            0,
                            "{}.{} dropped a kept item",
                            o.id,
                            f.name
                        );
                    }
                    f.cur = next;
                }
            }
        }
        for (kind, _) in CONFIG_MIX {
            assert!(
                objs.iter()
                    .any(|o| o.kind == kind && o.life == Life::Spare || kind == "org_config"),
                "no spare {kind}"
            );
        }
    }
}
