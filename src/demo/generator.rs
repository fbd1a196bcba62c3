//! The generator's state (`Gen`): the clock, the PRNG, the configuration objects, customers
//! and counters; and `Gen::emit`, which turns an `Ev` into the JSON value of an `EventInput`.

use super::cast::{AGENTS, API_IP, FIRST_NAMES, LAST_NAMES, OFFICE_IPS};
use super::event::{Ev, Who};
use super::objects::{Obj, objects};
use super::rng::{Rng, mix64};
use super::schedule::weekday;
use super::topics::Topic;
use super::{DAY, DemoOptions};
use crate::model::Catalog;
use crate::model::time::format_micros;
use serde_json::{Map, Value, json};

pub(super) struct Customer {
    pub(super) id: u32,
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) vip: bool,
    pub(super) tier: usize,
    pub(super) gone: bool,
}

/// A ticket being worked on.
pub(super) struct Tk {
    pub(super) n: u32,
    pub(super) topic: Topic,
    pub(super) id: String,
    pub(super) subject: String,
    pub(super) created: i64,
    pub(super) cust: usize,
    pub(super) chan: usize,
    pub(super) tags: Vec<&'static str>,
    pub(super) team: Option<usize>,
    pub(super) assignee: Option<usize>,
    pub(super) status: &'static str,
    pub(super) priority: &'static str,
    pub(super) order: Option<u32>,
}

pub(super) struct Gen<'c> {
    pub(super) catalog: &'c Catalog,
    pub(super) rng: Rng,
    pub(super) seed: u64,
    pub(super) now: i64,
    pub(super) start: i64,
    pub(super) target: usize,
    pub(super) out: Vec<(i64, Value)>,
    pub(super) objs: Vec<Obj>,
    pub(super) customers: Vec<Customer>,
    pub(super) next_ticket: u32,
    pub(super) next_customer: u32,
    pub(super) next_order: u32,
    pub(super) next_message: u64,
    pub(super) next_suggestion: u32,
    /// The last moment of the coverage phase; configuration churn starts after it.
    pub(super) cover_end: i64,
    /// The change-request ticket the admin's current piece of work is filed under, if any.
    pub(super) change_request: Option<String>,
    pub(super) next_change: u32,
}

impl<'c> Gen<'c> {
    pub(super) fn new(catalog: &'c Catalog, opts: &DemoOptions) -> Self {
        let now = opts.now_micros;
        let span = i64::from(opts.days.max(1)).saturating_mul(DAY);
        let start = now.saturating_sub(span).max(0).min(now);
        let mut rng = Rng(mix64(opts.seed ^ 0xA0D1_7106_DE30_0001));
        let customers = (0..400)
            .map(|i| Customer {
                id: 40_001 + i,
                first: rng.below(FIRST_NAMES.len()),
                last: rng.below(LAST_NAMES.len()),
                vip: rng.chance(0.08),
                tier: rng.below(3),
                gone: false,
            })
            .collect();
        Gen {
            catalog,
            rng,
            seed: opts.seed,
            now,
            start,
            target: opts.events,
            out: Vec::with_capacity(opts.events + 64),
            objs: objects(),
            customers,
            next_ticket: 10_233,
            next_customer: 40_400,
            next_order: 5_120,
            next_message: 880_000,
            next_suggestion: 0,
            cover_end: start,
            change_request: None,
            next_change: 1040,
        }
    }

    /// Adds one event; false when `t` is outside the period. An action the catalog does not
    /// know is skipped (and counts as done).
    pub(super) fn emit(&mut self, t: i64, action: &str, ev: Ev) -> bool {
        if t > self.now || t < self.start {
            return false;
        }
        let catalog = self.catalog;
        let Some(a) = catalog.action(action) else {
            return true;
        };
        let mut m = Map::new();
        m.insert("occurred_at".into(), Value::String(format_micros(t)));
        m.insert("action".into(), Value::String(a.name.clone()));
        let mut ent = Map::new();
        ent.insert("type".into(), Value::String(a.entity_type.clone()));
        ent.insert("id".into(), Value::String(ev.id));
        if let Some(n) = ev.name {
            ent.insert("name".into(), Value::String(n));
        }
        m.insert("entity".into(), Value::Object(ent));
        let mut ctx = Map::new();
        let actor = match ev.by.who {
            Who::System => json!({"type": "system"}),
            Who::User(i) => {
                let ag = &AGENTS[i];
                let day = t.div_euclid(DAY);
                let h = mix64(self.seed ^ ((i as u64 + 1) << 40) ^ (day as u64));
                let ip = if weekday(day) >= 5 || h.is_multiple_of(5) {
                    ag.home_ip
                } else {
                    OFFICE_IPS[((h >> 8) & 1) as usize]
                };
                ctx.insert("ip".into(), json!(ip));
                ctx.insert("user_agent".into(), json!(ag.user_agent));
                ctx.insert("session_id".into(), json!(format!("sess_{:016x}", h)));
                json!({"type": "user", "id": ag.id, "name": ag.name, "email": ag.email})
            }
        };
        m.insert("actor".into(), actor);
        if let Some(v) = ev.by.via {
            m.insert(
                "via".into(),
                json!({"type": v.kind(), "id": v.id(), "name": v.name()}),
            );
            if ev.by.who == Who::System && !v.ua().is_empty() {
                ctx.insert("ip".into(), json!(*API_IP));
                ctx.insert("user_agent".into(), json!(v.ua()));
            }
        }
        if !ev.related.is_empty() {
            m.insert("related".into(), Value::Array(ev.related));
        }
        if !ev.changes.is_empty() {
            m.insert("changes".into(), Value::Array(ev.changes));
        }
        if !ctx.is_empty() {
            let r = self.rng.next_u64();
            ctx.insert("request_id".into(), json!(format!("req_{r:016x}")));
            m.insert("context".into(), Value::Object(ctx));
        }
        if let Some(meta) = ev.meta {
            m.insert("metadata".into(), meta);
        }
        self.out.push((t, Value::Object(m)));
        true
    }

    /// [`Gen::emit`] for stories: `None` stops the story (the moment is past `now`).
    pub(super) fn put(&mut self, t: i64, action: &str, ev: Ev) -> Option<()> {
        self.emit(t, action, ev).then_some(())
    }
}
