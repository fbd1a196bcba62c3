//! Realistic demo history for the `demo` org: a seeded, deterministic generator of helpdesk
//! audit events (Acme Support's agents, inboxes, rules, macros, tickets, customers and orders)
//! that covers every catalog action.
//!
//! [`generate`] runs four phases on one `Gen` (`generator.rs`), then sorts the events by time:
//! coverage, the staff's days, the admin team's configuration work, and the tickets. The
//! files, by concern:
//!
//! - `rng.rs`: the PRNG (splitmix64); every random choice goes through it, in a fixed order.
//! - `cast.rs`: the people and clients: agents and their shifts, admins, teams, inboxes,
//!   channels, the automations an action goes through (`via`), customers' names.
//! - `topics.rs`: what tickets are about, their subjects, and when they arrive.
//! - `event.rs`: building one event: who did it (`By`), its entity, changes and metadata.
//! - `generator.rs`: the generator's state and `Gen::emit`, which turns an
//!   event into the JSON value of an `EventInput`.
//! - `schedule.rs`: time and shifts: who is at work when, and the staff's logins and logouts.
//! - `coverage.rs`: one event of every catalog action early in the period (setting up).
//! - `customers.rs`: customers, orders and conversations, and the events on them.
//! - `tickets.rs`: the ticket phase (how many stories a day) and the steps of a ticket.
//! - `stories.rs`: one ticket's story from arrival to close: routing, work, closing, reopening.
//! - `fields.rs`: how a configuration field's value moves (states, numbers, flags, sets, texts
//!   of parts) and how it is shown in `changes`.
//! - `objects.rs`: every configuration object of the org, with its fields.
//! - `edits.rs`: creating, saving, retiring and merging configuration objects, one event each.
//! - `config_history.rs`: the admin team's configuration work over the period, day by day,
//!   and the small steps of a session; each change's `old` is the previous change's `new`.
//! - `jobs.rs`: the pieces of configuration work: everyday edits, reworking the rules, a new
//!   inbox, the access review, macros, tags, integrations, the holiday peak, onboarding.
//! - `tests.rs`: the generated history is valid, complete, deterministic and looks real.
//!
//! The data is kept like the catalog, as JSON compiled in and parsed once (each file's `about`
//! says how it is written, and the loading module's tests check it): `data/cast.json` (the
//! people and clients, read by `cast.rs`), `data/tickets.json` (topics, subjects and the
//! arrival rhythm, read by `topics.rs`) and `data/objects.json` (every configuration object
//! and how its fields change, read by `objects.rs`).

use serde_json::Value;

use crate::model::Catalog;

mod cast;
mod config_history;
mod coverage;
mod customers;
mod edits;
mod event;
mod fields;
mod generator;
mod jobs;
mod objects;
mod rng;
mod schedule;
mod security;
mod stories;
#[cfg(test)]
mod tests;
mod tickets;
mod topics;

use generator::Gen;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Seed of the PRNG: the same options always give the same events.
    pub seed: u64,
    /// End of the period, in microseconds since the epoch; no event is later.
    pub now_micros: i64,
    /// Length of the period in days, ending at `now_micros` (0 is treated as 1).
    pub days: u32,
    /// How many events to generate, at least.
    pub events: usize,
}

/// Returns `events` (at least) event JSON values, each a valid `EventInput`, sorted by
/// `occurred_at` ascending, spanning `days` days back from `now_micros`.
///
/// Every catalog action appears once early in the period (setting things up), followed by a
/// working helpdesk: agents logging in and out on their shifts, tickets arriving with a daily
/// and weekly rhythm and being routed by rules, worked by agents and macros, closed and
/// sometimes reopened or merged; customers and orders changing along the way; an admin team
/// changing the configuration with before/after values, a few edits most weekdays and some
/// larger pieces of work (see `config_history.rs`); a handful of compliance events.
pub fn generate(catalog: &Catalog, opts: &DemoOptions) -> Vec<Value> {
    let mut g = Gen::new(catalog, opts);
    g.coverage();
    g.staff_days();
    g.configuration();
    g.tickets();
    let mut out = std::mem::take(&mut g.out);
    out.sort_by_key(|e| e.0);
    out.into_iter().map(|e| e.1).collect()
}

pub(super) const SEC: i64 = 1_000_000;
pub(super) const MIN: i64 = 60 * SEC;
pub(super) const HOUR: i64 = 60 * MIN;
pub(super) const DAY: i64 = 24 * HOUR;
