//! The coverage phase: one event of every catalog action early in the period, as the org is
//! set up, each told by the story that fits it (a ticket step, a customer edit, a login...).

use super::cast::{
    ADMINS, AGENTS, COMPLIANCE, EMAIL, I_EMAIL, I_SHOPIFY, M_REFUND, M_SNOOZE, M_THANKS, R_SPAM,
    TIER1, TIER2,
};
use super::event::{Ev, SYSTEM, sys, user, user_via};
use super::generator::{Gen, Tk};
use super::objects::Life;
use super::topics::{TOPIC_WEIGHTS, TOPICS, Topic, subject};
use super::{DAY, HOUR, MIN};
use crate::model::catalog::Action;
use serde_json::{Value, json};

impl Gen<'_> {
    pub(super) fn coverage(&mut self) {
        let catalog = self.catalog;
        let mut actions: Vec<&Action> = catalog.actions().collect();
        let rank = |a: &Action| match a.verb.as_str() {
            "created" => 0,
            "invited" => 1,
            "deleted" | "deactivated" => 3,
            _ => 2,
        };
        actions.sort_by(|a, b| (rank(a), &a.name).cmp(&(rank(b), &b.name)));
        let period = self.now - self.start;
        let span = (period / 3).min(DAY + 12 * HOUR);
        let deadline = self.start + (period / 2).min(5 * DAY);
        let n = actions.len() as i64;
        for (i, a) in actions.into_iter().enumerate() {
            let t = self.start + HOUR.min(span / 4) + span * (i as i64) / (n + 1);
            self.cover(a, t, deadline);
        }
        self.cover_end = self.out.iter().map(|e| e.0).max().unwrap_or(self.start);
    }

    /// When `a` would do something at `t` (shifted into their shift), not later than `deadline`.
    pub(super) fn when(&mut self, a: usize, t: i64, deadline: i64) -> i64 {
        self.shift_time(a, t)
            .filter(|&x| x <= deadline.min(self.now))
            .unwrap_or(t)
    }

    pub(super) fn cover(&mut self, a: &Action, t: i64, deadline: i64) {
        let admin = ADMINS[self.rng.below(ADMINS.len())];
        let kind = a.entity_type.as_str();
        let verb = a.verb.as_str();
        let done = match (kind, verb) {
            _ if super::security::has_story(a) => self.cover_security(a, t, deadline),
            ("ticket", _) => self.cover_ticket(verb, t, deadline),
            ("customer", _) | ("order", _) | ("conversation", _) => {
                self.cover_customer(kind, verb, t, deadline)
            }
            ("user", "logged_in" | "logged_out" | "password_changed" | "password_reset") => {
                let u = 1 + self.rng.below(5);
                let t = self.when(u, t, deadline);
                let ev = Ev::new(AGENTS[u].id, AGENTS[u].name, user(u));
                let ev = match verb {
                    "logged_in" => {
                        ev.meta(json!({"method": "sso", "provider": "Okta", "mfa": true}))
                    }
                    "logged_out" => ev.meta(json!({"reason": "user"})),
                    "password_changed" => ev.meta(json!({"mfa_verified": true})),
                    _ => Ev::new(AGENTS[u].id, AGENTS[u].name, user(0))
                        .meta(json!({"initiated_by": "admin", "method": "email_link"})),
                };
                let done = self.emit(t, &a.name, ev);
                if verb == "logged_out" {
                    // Switching machines: back a couple of minutes later.
                    let back = t + self.rng.range(MIN, 3 * MIN);
                    let sso = json!({"method": "sso", "provider": "Okta", "mfa": true});
                    let ev = Ev::new(AGENTS[u].id, AGENTS[u].name, user(u)).meta(sso);
                    self.emit(back, "user.logged_in", ev);
                }
                done
            }
            ("user", "invited") => {
                let t = self.when(0, t, deadline);
                let new = &AGENTS[7];
                let ev = Ev::new(new.id, new.name, user(0))
                    .chg("email", Value::Null, json!(new.email))
                    .chg("role", Value::Null, json!(new.role))
                    .meta(json!({"invitation_expires_in_days": 7}));
                self.emit(t, &a.name, ev)
            }
            ("tag", "merged") => {
                let t = self.when(admin, t, deadline);
                self.merge_tag(t, user(admin))
            }
            ("rule", "suggestion_created") => self.suggestion(t),
            ("user", "created") => {
                let t = self.when(0, t, deadline);
                self.create_obj(kind, t, user(0))
            }
            (_, "created") if self.has(kind, Life::Spare) => {
                let t = self.when(admin, t, deadline);
                self.create_obj(kind, t, user(admin))
            }
            (_, "updated") => {
                let t = self.when(admin, t, deadline);
                self.update_obj(kind, t, user(admin))
            }
            (_, "deleted" | "deactivated") => {
                let t = self.when(admin, t, deadline);
                self.retire_obj(kind, verb, t, user(admin))
            }
            // reads of the log: recorded by the service for an API key, never by a person
            ("audit_log", "viewed" | "exported") => {
                let endpoint = if verb == "viewed" { "list" } else { "export" };
                let ev = Ev::new("demo", "Audit log", SYSTEM).meta(json!({
                    "endpoint": endpoint,
                    "query": {"category": "configuration"},
                    "credential": "api_key",
                }));
                self.emit(t, &a.name, ev)
            }
            _ => false,
        };
        if !done {
            // An action this generator has no story for: a plain event by an admin.
            let ev = Ev::new(
                format!("{kind}_demo_1"),
                format!("Demo {kind}"),
                user(admin),
            );
            self.emit(t, &a.name, ev);
        }
    }

    /// A ticket from before the period, for a single coverage event.
    pub(super) fn old_ticket(&mut self) -> Tk {
        let n = 10_001 + self.rng.below(232) as u32;
        let topic = TOPICS[self.rng.weighted(&TOPIC_WEIGHTS[..7])];
        let order = topic
            .has_order()
            .then(|| 4_800 + self.rng.below(300) as u32);
        let v = self.rng.below(3);
        let cust = self.existing_customer();
        Tk {
            n,
            topic,
            id: format!("t_{n}"),
            subject: subject(topic, order, v),
            created: self.start - DAY,
            cust,
            chan: EMAIL,
            tags: topic.tags()[..1].to_vec(),
            team: Some(TIER1),
            assignee: None,
            status: "open",
            priority: "normal",
            order,
        }
    }

    pub(super) fn cover_ticket(&mut self, verb: &str, t: i64, deadline: i64) -> bool {
        let mut tk = self.old_ticket();
        let a = 1 + self.rng.below(4);
        let t = self.when(a, t, deadline);
        let ok = match verb {
            "created" => {
                tk.created = t;
                self.created(t, &mut tk, sys(I_EMAIL))
            }
            "assigned" => self.assign(t, &mut tk, user(a), a),
            "closed" => {
                tk.assignee = Some(a);
                self.status(t, "ticket.closed", &mut tk, user_via(a, M_THANKS), "closed")
            }
            "customer_updated" => self.change_customer(t, &mut tk, a),
            "deleted" => {
                tk.subject = "Test ticket, please ignore".into();
                let ev = Self::tev(&tk, user(a)).meta(json!({"reason": "test ticket"}));
                self.put(t, "ticket.deleted", ev)
            }
            "marked_spam" => {
                tk.subject = subject(Topic::Spam, None, 0);
                let ev = Self::tev(&tk, sys(R_SPAM)).chg("spam", json!(false), json!(true));
                self.put(t, "ticket.marked_spam", ev)
            }
            "unmarked_spam" => {
                let ev = Self::tev(&tk, user(a)).chg("spam", json!(true), json!(false));
                self.put(t, "ticket.unmarked_spam", ev)
            }
            "merged" => {
                let dup = self.old_ticket();
                self.merge(t, &tk, &dup, a)
            }
            "message_deleted" | "message_updated" | "message_summary_created" => {
                self.message_event(t, &tk, verb)
            }
            "reopened" => {
                tk.status = "closed";
                self.status(t, "ticket.reopened", &mut tk, sys(I_EMAIL), "open")
            }
            "self_unsnoozed" => self.unsnooze(t, &mut tk, t - DAY),
            "snoozed" => self.snooze(t, &mut tk, user_via(a, M_SNOOZE)).map(|_| ()),
            "subject_updated" => self.subject_update(t, &mut tk, a),
            "tags_added" => self.tags_add(t, &mut tk, user(a), &["urgent"]),
            "tags_removed" => {
                let tag = tk.tags[0];
                self.tags_remove(t, &mut tk, user(a), tag)
            }
            "team_assigned" => self.team(t, &mut tk, user(a), TIER2),
            "team_unassigned" => self.team_off(t, &mut tk, user(a)),
            "trashed" | "untrashed" => {
                let on = verb == "trashed";
                let ev = Self::tev(&tk, user(a)).chg("trashed", json!(!on), json!(on));
                self.put(t, &format!("ticket.{verb}"), ev)
            }
            "unassigned" => {
                tk.assignee = Some(a);
                self.unassign(t, &mut tk, user(a))
            }
            "updated" => self.reply(t, &mut tk, user(a)),
            _ => None,
        };
        ok.is_some()
    }

    pub(super) fn cover_customer(&mut self, kind: &str, verb: &str, t: i64, deadline: i64) -> bool {
        let a = 1 + self.rng.below(4);
        let t = self.when(a, t, deadline);
        let c = self.existing_customer();
        let ok = match (kind, verb) {
            ("customer", "created") => {
                self.new_customer(t, sys(I_SHOPIFY));
                Some(())
            }
            ("customer", "updated") => self.customer_update(t, c, a),
            ("customer", "merged") => self.customer_merge(t, c, a),
            ("customer", "deleted") => {
                self.next_customer += 1;
                let id = format!("cus_{}", self.next_customer);
                let ev = Ev::new(id, "Test Customer (QA)", user(0))
                    .meta(json!({"reason": "test record"}));
                self.put(t, "customer.deleted", ev)
            }
            ("customer", "profile_deleted") => {
                let t = self.when(COMPLIANCE, t, deadline);
                self.profile_delete(t, c, None)
            }
            ("order", "refunded" | "canceled") => {
                let o = self.new_order();
                let by = if verb == "refunded" {
                    user_via(a, M_REFUND)
                } else {
                    user(a)
                };
                self.order_event(t, c, o, verb, by, None)
            }
            ("conversation", _) => {
                let tk = self.old_ticket();
                let who = if verb == "recording_redacted" {
                    COMPLIANCE
                } else {
                    a
                };
                let t = self.when(who, t, deadline);
                self.conversation_event(t, &tk, verb, who)
            }
            _ => None,
        };
        ok.is_some()
    }
}
