//! Tests of the whole generator: its history is valid, covers the catalog, stays in the
//! period, is deterministic and looks like a helpdesk; and every configuration field moves.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

use super::config_history::CONFIG_MIX;
use super::fields::Shape;
use super::objects::{Life, objects};
use super::rng::Rng;
use super::schedule::weekday;
use super::{DAY, DemoOptions, HOUR, generate};
use crate::model::Catalog;
use crate::model::time::parse_rfc3339_micros;
use crate::service::validate::prepare;

fn now() -> i64 {
    parse_rfc3339_micros("2026-11-18T15:30:00Z").expect("valid timestamp")
}

fn action(v: &Value) -> &str {
    v["action"].as_str().expect("action is a string")
}

fn occurred(v: &Value) -> i64 {
    let s = v["occurred_at"].as_str().expect("occurred_at is a string");
    parse_rfc3339_micros(s).expect("occurred_at is RFC 3339")
}

fn opts(seed: u64) -> DemoOptions {
    DemoOptions {
        seed,
        now_micros: now(),
        days: 90,
        events: 60_000,
    }
}

fn sample() -> &'static Vec<Value> {
    static SAMPLE: OnceLock<Vec<Value>> = OnceLock::new();
    SAMPLE.get_or_init(|| generate(Catalog::builtin(), &opts(42)))
}

fn validate_all(events: &[Value], now: i64) -> Vec<crate::service::error::FieldError> {
    let mut errors = Vec::new();
    for (i, v) in events.iter().enumerate() {
        // `prepare` takes the event's JSON text, as a client sends it.
        prepare(
            Catalog::builtin(),
            "demo",
            i,
            &v.to_string(),
            now,
            &mut errors,
        );
    }
    errors
}

#[test]
fn every_event_is_valid() {
    let events = sample();
    assert!(events.len() >= 60_000, "only {} events", events.len());
    assert!(events.len() < 60_100, "{} events", events.len());
    let errors = validate_all(events, now());
    if !errors.is_empty() {
        for e in errors.iter().take(10) {
            eprintln!("{e:?}\n  {}", events[e.index]);
        }
    }
    assert!(errors.is_empty(), "{} validation errors", errors.len());
    for v in events {
        assert!(v.get("id").is_none(), "ids are generated on ingest: {v}");
    }
}

#[test]
fn every_catalog_action_appears() {
    let seen: BTreeSet<&str> = sample().iter().map(action).collect();
    for a in Catalog::builtin().actions() {
        assert!(seen.contains(a.name.as_str()), "{} never appears", a.name);
    }
}

#[test]
fn sorted_and_within_the_period() {
    let start = now() - 90 * DAY;
    let mut prev = i64::MIN;
    for v in sample() {
        let t = occurred(v);
        assert!(t >= prev, "not sorted at {v}");
        assert!(t >= start && t <= now(), "outside the period: {v}");
        prev = t;
    }
}

#[test]
fn deterministic_for_a_seed() {
    let o = DemoOptions {
        events: 5_000,
        ..opts(7)
    };
    let a = generate(Catalog::builtin(), &o);
    let b = generate(Catalog::builtin(), &o);
    assert_eq!(a, b);
    let c = generate(Catalog::builtin(), &DemoOptions { seed: 8, ..o });
    assert_ne!(a, c);
}

#[test]
fn odd_options_still_give_valid_events() {
    for (days, events) in [(0, 0), (1, 10), (3, 500), (400, 2_000)] {
        let o = DemoOptions {
            seed: 3,
            now_micros: now(),
            days,
            events,
        };
        let out = generate(Catalog::builtin(), &o);
        assert!(out.len() >= events);
        let errors = validate_all(&out, now());
        assert!(
            errors.is_empty(),
            "days {days}: {:?}",
            &errors[..errors.len().min(3)]
        );
        let seen: BTreeSet<&str> = out.iter().map(action).collect();
        assert_eq!(
            seen.len(),
            Catalog::builtin().actions().count(),
            "days {days}"
        );
    }
}

#[test]
fn the_mix_looks_like_a_helpdesk() {
    let events = sample();
    let catalog = Catalog::builtin();
    let mut per_category: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_action: BTreeMap<&str, usize> = BTreeMap::new();
    let mut via_types: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut system, mut user_via_macro, mut weekend, mut working_hours) = (0, 0, 0, 0);
    for v in events {
        let action = action(v);
        let cat = &catalog.action(action).expect("catalog action").category;
        *per_category.entry(cat.as_str()).or_default() += 1;
        *per_action.entry(action).or_default() += 1;
        let is_user = v["actor"]["type"] == "user";
        if !is_user {
            system += 1;
        }
        if let Some(t) = v["via"]["type"].as_str() {
            *via_types.entry(t).or_default() += 1;
            if is_user && t == "macro" {
                user_via_macro += 1;
            }
        }
        if is_user {
            let ip = v["context"]["ip"]
                .as_str()
                .expect("user actions carry an ip");
            assert!(
                ip.starts_with("203.0.113.") || ip.starts_with("198.51.100."),
                "{ip}"
            );
            assert!(v["context"]["user_agent"].is_string());
        }
        let t = occurred(v);
        let day = t.div_euclid(DAY);
        if weekday(day) >= 5 {
            weekend += 1;
        }
        let h = t.rem_euclid(DAY) / HOUR;
        if (7..20).contains(&h) {
            working_hours += 1;
        }
    }
    let n = events.len();
    let share = system as f64 / n as f64;
    println!("{n} events; per category: {per_category:?}");
    println!(
        "system actors: {system} ({:.1}%); via: {via_types:?}; user via macro: {user_via_macro}",
        share * 100.0
    );
    println!(
        "weekend: {:.1}%, 07-20h UTC: {:.1}%",
        weekend as f64 * 100.0 / n as f64,
        working_hours as f64 * 100.0 / n as f64
    );
    let mut top: Vec<_> = per_action.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1));
    println!("actions: {top:?}");
    assert!((0.25..0.6).contains(&share), "system share {share}");
    assert!(per_category["activity"] > n * 8 / 10);
    assert!(per_category["security"] > 800);
    assert!((10..400).contains(&per_category["compliance"]));
    // An admin team at work, not just the coverage phase (it used to be about 100).
    assert!(per_category["configuration"] >= 1200);
    assert!(per_category["configuration"] < n / 20);
    assert!(user_via_macro > 500);
    assert!(weekend < n / 5, "weekends are quieter");
    assert!(working_hours > n * 3 / 4);
    assert!(per_action["user.logged_in"] > per_action["user.password_changed"] * 10);
    assert!(per_action["ticket.merged"] > 50 && per_action["ticket.closed"] > 4000);
}

#[test]
fn the_configuration_history_looks_like_an_admin_team() {
    let catalog = Catalog::builtin();
    let config: Vec<&Value> = sample()
        .iter()
        .filter(|v| catalog.action(action(v)).expect("catalog action").category == "configuration")
        .collect();
    let n = config.len();
    let mut per_action: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_type: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_actor: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_field: BTreeMap<String, usize> = BTreeMap::new();
    // (entity id, field) -> the distinct values it held
    let mut values: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut per_hour: BTreeMap<(i64, &str), usize> = BTreeMap::new();
    let mut per_day: BTreeMap<i64, usize> = BTreeMap::new();
    let (mut real_change, mut weekend, mut office_hours, mut by_people) = (0, 0, 0, 0);
    let (mut updates, mut updates_ok, mut filed) = (0, 0, 0);
    for v in &config {
        let a = action(v);
        *per_action.entry(a).or_default() += 1;
        let kind = v["entity"]["type"].as_str().expect("entity type");
        let id = v["entity"]["id"].as_str().expect("entity id");
        *per_type.entry(kind).or_default() += 1;
        let actor = v["actor"]["name"].as_str().unwrap_or("System");
        *per_actor.entry(actor).or_default() += 1;
        let changes = v["changes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        let changed = changes.iter().any(|c| c.get("new") != c.get("old"));
        if changed {
            real_change += 1;
        }
        if a.ends_with(".updated") {
            updates += 1;
            if !changes.is_empty()
                && changes.iter().all(|c| {
                    c.get("old").is_some() && c.get("new").is_some() && c["old"] != c["new"]
                })
            {
                updates_ok += 1;
            }
        }
        for c in changes {
            let field = c["field"].as_str().expect("field");
            *per_field.entry(format!("{kind}.{field}")).or_default() += 1;
            let seen = values
                .entry((id.to_string(), field.to_string()))
                .or_default();
            for k in ["old", "new"] {
                if let Some(x) = c.get(k) {
                    seen.insert(x.to_string());
                }
            }
        }
        if v["metadata"]["change_request"].is_string() {
            filed += 1;
        }
        let t = occurred(v);
        if weekday(t.div_euclid(DAY)) >= 5 {
            weekend += 1;
        }
        if v["actor"]["type"] == "user" {
            by_people += 1;
            let h = t.rem_euclid(DAY) / HOUR;
            if (7..21).contains(&h) {
                office_hours += 1;
            }
            *per_hour.entry((t.div_euclid(HOUR), actor)).or_default() += 1;
        }
        *per_day.entry(t.div_euclid(DAY)).or_default() += 1;
    }
    let rich = |kind: &str, min: usize| {
        values
            .iter()
            .filter(|((id, _), vs)| {
                vs.len() >= min
                    && config
                        .iter()
                        .any(|v| v["entity"]["id"] == id.as_str() && v["entity"]["type"] == kind)
            })
            .count()
    };
    let bursts = per_hour.values().filter(|&&c| c >= 10).count();
    let busiest = per_day.values().max().copied().unwrap_or(0);
    let quiet = (0..90)
        .filter(|d| !per_day.contains_key(&(now().div_euclid(DAY) - d)))
        .count();
    println!("{n} configuration events; per entity type: {per_type:?}");
    println!("per action: {per_action:?}");
    println!("per actor: {per_actor:?}");
    println!("per field: {per_field:?}");
    println!(
        "with a change: {real_change}; updates {updates}, all changes old != new: {updates_ok}; \
         filed under a change request: {filed}; weekend: {weekend}; people {by_people}, 07-21h UTC: {office_hours}"
    );
    println!(
        "rule fields with >= 4 values: {}; any field with >= 4 values: {}; hours with >= 10 edits by one admin: {bursts}; \
         busiest day: {busiest}; days without any: {quiet}",
        rich("rule", 4),
        values.values().filter(|vs| vs.len() >= 4).count()
    );
    assert!((1200..3500).contains(&n), "{n} configuration events");
    assert!(
        per_type.values().filter(|&&c| c >= 10).count() >= 12,
        "{per_type:?}"
    );
    assert!(
        real_change * 10 >= n * 9,
        "{real_change} of {n} change something"
    );
    assert_eq!(
        updates, updates_ok,
        "every update says what changed, from what to what"
    );
    assert!(
        rich("rule", 4) >= 6,
        "rule fields keep moving to new values"
    );
    assert!(values.values().filter(|vs| vs.len() >= 4).count() >= 60);
    for f in [
        "rule.enabled",
        "role.permissions",
        "user.max_concurrent_chats",
        "inbox.sla_first_response_minutes",
        "custom_attribute.options",
        "macro.body",
    ] {
        assert!(
            per_field.get(f).copied().unwrap_or(0) >= 5,
            "{f}: {per_field:?}"
        );
    }
    assert!(weekend * 20 < n, "quiet weekends: {weekend}");
    assert!(
        office_hours * 20 >= by_people * 19,
        "admins work in office hours"
    );
    assert!(bursts >= 3, "a few bursts of work");
    assert!(
        filed > 50 && filed < n / 2,
        "{filed} filed under change requests"
    );
    assert!(
        per_action["user.created"] >= 3 && per_action["user.invited"] >= 2,
        "onboarding"
    );
    assert!(
        per_actor.get("System").copied().unwrap_or(0) > 5,
        "Okta and AI Assist"
    );
}

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
