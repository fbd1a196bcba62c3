//! The ticket phase (how many ticket stories each day, topped up to the target) and the
//! single steps of a ticket: created, status, tags, team, assignee, replies, snoozes, merges.

use super::HOUR;
use super::cast::{
    A_PII, A_TRANSLATE, AGENTS, CHANNEL_VIA, CHANNELS, I_AI, INBOXES, R_SNOOZE, TEAMS, TIER1, VOICE,
};
use super::event::{By, Ev, SYSTEM, Who, agent_ref, sys, user};
use super::generator::{Gen, Tk};
use super::topics::Topic;
use crate::model::time::format_micros;
use serde_json::{Map, Value, json};

impl Gen<'_> {
    pub(super) fn tickets(&mut self) {
        let days: Vec<(i64, u64)> = (self.first_day()..=self.last_day())
            .map(|d| (d, self.day_weight(d)))
            .collect();
        let mut remaining: u64 = days.iter().map(|d| d.1).sum();
        let (mut stories, mut story_events) = (0usize, 0usize);
        for &(day, w) in &days {
            let need = self.target.saturating_sub(self.out.len()) as f64;
            let avg = if stories >= 20 {
                story_events as f64 / stories as f64
            } else {
                7.0
            };
            let expect = if remaining == 0 {
                0.0
            } else {
                need / avg * w as f64 / remaining as f64
            };
            remaining -= w;
            let mut n = expect as usize;
            if self.rng.chance(expect.fract()) {
                n += 1;
            }
            let mut times: Vec<i64> = (0..n).map(|_| self.time_in_day(day)).collect();
            times.sort_unstable();
            for t in times {
                let before = self.out.len();
                let _ = self.ticket_story(t);
                story_events += self.out.len() - before;
                stories += 1;
            }
        }
        // Top up at random moments until there are enough events.
        let weights: Vec<u32> = days
            .iter()
            .map(|d| u32::try_from(d.1).unwrap_or(u32::MAX))
            .collect();
        let mut misses = 0;
        while self.out.len() < self.target && misses < 1000 && !days.is_empty() {
            let day = days[self.rng.weighted(&weights)].0;
            let t = self.time_in_day(day);
            let before = self.out.len();
            let _ = self.ticket_story(t);
            misses = if self.out.len() == before {
                misses + 1
            } else {
                0
            };
        }
    }

    pub(super) fn tev(tk: &Tk, by: By) -> Ev {
        Ev::new(tk.id.clone(), tk.subject.clone(), by)
    }

    pub(super) fn created(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<()> {
        let inbox = if tk.chan != VOICE && self.customers[tk.cust].vip {
            3
        } else {
            tk.chan
        };
        let mut ev = Self::tev(tk, by)
            .chg("status", Value::Null, json!("open"))
            .chg("subject", Value::Null, json!(tk.subject))
            .chg("channel", Value::Null, json!(CHANNELS[tk.chan]))
            .rel(
                "customer",
                &self.cust_id(tk.cust),
                "requester",
                &self.cust_name(tk.cust),
            )
            .rel("inbox", INBOXES[inbox].0, "inbox", INBOXES[inbox].1);
        if let Some(o) = tk.order {
            ev = ev.rel("order", &format!("ord_{o}"), "order", &format!("#{o}"));
        }
        let mut meta = Map::new();
        if tk.topic != Topic::Spam {
            meta.insert("contact_reason".into(), json!(tk.topic.label()));
        }
        if tk.chan == VOICE {
            let secs = self.rng.range(45, 900);
            meta.insert("call_duration_seconds".into(), json!(secs));
            meta.insert("voicemail".into(), json!(by.who == Who::System));
        }
        if !meta.is_empty() {
            ev = ev.meta(Value::Object(meta));
        }
        self.put(t, "ticket.created", ev)
    }

    pub(super) fn status(
        &mut self,
        t: i64,
        action: &str,
        tk: &mut Tk,
        by: By,
        new: &'static str,
    ) -> Option<()> {
        let ev = Self::tev(tk, by).chg("status", json!(tk.status), json!(new));
        tk.status = new;
        self.put(t, action, ev)
    }

    pub(super) fn tags_add(
        &mut self,
        t: i64,
        tk: &mut Tk,
        by: By,
        tags: &[&'static str],
    ) -> Option<()> {
        let old = tk.tags.clone();
        for tag in tags {
            if !tk.tags.contains(tag) {
                tk.tags.push(tag);
            }
        }
        if tk.tags.len() == old.len() {
            return Some(());
        }
        let ev = Self::tev(tk, by).chg("tags", json!(old), json!(tk.tags));
        self.put(t, "ticket.tags_added", ev)
    }

    pub(super) fn tags_remove(&mut self, t: i64, tk: &mut Tk, by: By, tag: &str) -> Option<()> {
        let old = tk.tags.clone();
        tk.tags.retain(|x| *x != tag);
        let ev = Self::tev(tk, by).chg("tags", json!(old), json!(tk.tags));
        self.put(t, "ticket.tags_removed", ev)
    }

    pub(super) fn team(&mut self, t: i64, tk: &mut Tk, by: By, team: usize) -> Option<()> {
        if tk.team == Some(team) {
            return Some(());
        }
        let old = tk.team.map_or(Value::Null, |x| json!(TEAMS[x].1));
        let ev = Self::tev(tk, by)
            .chg("team", old, json!(TEAMS[team].1))
            .rel("team", TEAMS[team].0, "team", TEAMS[team].1);
        tk.team = Some(team);
        self.put(t, "ticket.team_assigned", ev)
    }

    pub(super) fn team_off(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<()> {
        let team = tk.team.unwrap_or(TIER1);
        let ev = Self::tev(tk, by)
            .chg("team", json!(TEAMS[team].1), Value::Null)
            .rel("team", TEAMS[team].0, "team", TEAMS[team].1);
        tk.team = None;
        self.put(t, "ticket.team_unassigned", ev)
    }

    pub(super) fn assign(&mut self, t: i64, tk: &mut Tk, by: By, a: usize) -> Option<()> {
        let old = tk.assignee.map_or(Value::Null, agent_ref);
        let ev = Self::tev(tk, by).chg("assignee", old, agent_ref(a)).rel(
            "user",
            AGENTS[a].id,
            "assignee",
            AGENTS[a].name,
        );
        tk.assignee = Some(a);
        self.put(t, "ticket.assigned", ev)
    }

    pub(super) fn unassign(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<()> {
        let a = tk.assignee.unwrap_or(1);
        let ev = Self::tev(tk, by)
            .chg("assignee", agent_ref(a), Value::Null)
            .rel("user", AGENTS[a].id, "previous_assignee", AGENTS[a].name);
        tk.assignee = None;
        self.put(t, "ticket.unassigned", ev)
    }

    /// An agent's reply: the ticket waits on the customer.
    pub(super) fn reply(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<()> {
        let msg = self.message_id();
        let mut ev = Self::tev(tk, by).meta(json!({
            "message_id": msg, "channel": CHANNELS[tk.chan], "direction": "outbound", "public": true
        }));
        if tk.status != "pending" {
            ev = ev.chg("status", json!(tk.status), json!("pending"));
            tk.status = "pending";
        }
        self.put(t, "ticket.updated", ev)
    }

    /// The customer wrote back (through the channel).
    pub(super) fn customer_reply(&mut self, t: i64, tk: &mut Tk) -> Option<()> {
        let msg = self.message_id();
        let mut ev = Self::tev(tk, sys(CHANNEL_VIA[tk.chan])).meta(json!({
            "message_id": msg, "channel": CHANNELS[tk.chan], "direction": "inbound"
        }));
        if tk.status != "open" {
            ev = ev.chg("status", json!(tk.status), json!("open"));
            tk.status = "open";
        }
        self.put(t, "ticket.updated", ev)
    }

    pub(super) fn priority(
        &mut self,
        t: i64,
        tk: &mut Tk,
        by: By,
        new: &'static str,
    ) -> Option<()> {
        if tk.priority == new {
            return Some(());
        }
        let ev = Self::tev(tk, by).chg("priority", json!(tk.priority), json!(new));
        tk.priority = new;
        self.put(t, "ticket.updated", ev)
    }

    /// Snoozes the ticket; returns for how many hours.
    pub(super) fn snooze(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<i64> {
        let hours = if by.via == Some(R_SNOOZE) && self.rng.chance(0.3) {
            48
        } else {
            24
        };
        let until = format_micros(t + hours * HOUR);
        let ev = Self::tev(tk, by)
            .chg("status", json!(tk.status), json!("snoozed"))
            .chg("snooze_until", Value::Null, json!(until));
        tk.status = "snoozed";
        self.put(t, "ticket.snoozed", ev).map(|()| hours)
    }

    pub(super) fn unsnooze(&mut self, t: i64, tk: &mut Tk, since: i64) -> Option<()> {
        let ev = Self::tev(tk, SYSTEM)
            .chg("status", json!("snoozed"), json!("open"))
            .chg("snooze_until", json!(format_micros(t)), Value::Null)
            .meta(json!({"snoozed_at": format_micros(since)}));
        tk.status = "open";
        self.put(t, "ticket.self_unsnoozed", ev)
    }

    pub(super) fn subject_update(&mut self, t: i64, tk: &mut Tk, a: usize) -> Option<()> {
        let new = match tk.order {
            Some(o) => format!("{} (order #{o})", tk.subject.trim_end_matches('?')),
            None => format!("{}: {}", self.cust_name(tk.cust), tk.subject),
        };
        let ev = Self::tev(tk, user(a)).chg("subject", json!(tk.subject), json!(new));
        tk.subject = new;
        let ev = Ev {
            name: Some(tk.subject.clone()),
            ..ev
        };
        self.put(t, "ticket.subject_updated", ev)
    }

    pub(super) fn message_event(&mut self, t: i64, tk: &Tk, verb: &str) -> Option<()> {
        let msg = self.message_id();
        let ev = match verb {
            "message_summary_created" => {
                let words = self.rng.range(25, 90);
                Self::tev(tk, sys(I_AI)).meta(json!({"message_id": msg, "summary_words": words}))
            }
            "message_updated" => Self::tev(tk, sys(A_TRANSLATE))
                .chg("language", json!("de"), json!("en"))
                .meta(json!({"message_id": msg, "translated": true})),
            _ => Self::tev(tk, sys(A_PII))
                .meta(json!({"message_id": msg, "reason": "Contained a full card number"})),
        };
        self.put(t, &format!("ticket.{verb}"), ev)
    }

    /// `dup` is merged into `keep`: the merged event names the ticket that remains, and the
    /// absorbed one is deleted.
    pub(super) fn merge(&mut self, t: i64, keep: &Tk, dup: &Tk, a: usize) -> Option<()> {
        let moved = self.rng.range(1, 5);
        let ev = Self::tev(keep, user(a))
            .rel("ticket", &dup.id, "merged_from", &dup.subject)
            .meta(json!({"messages_moved": moved}));
        self.put(t, "ticket.merged", ev)?;
        let ev = Self::tev(dup, user(a))
            .rel("ticket", &keep.id, "merged_into", &keep.subject)
            .meta(json!({"reason": "merged"}));
        self.put(t + 350_000, "ticket.deleted", ev)
    }
}
