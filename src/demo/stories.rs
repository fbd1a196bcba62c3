//! One ticket's story from arrival to close: spam, routing by rules, assignment, replies, the
//! topic's own steps, waiting on the customer, closing and sometimes reopening.

use super::cast::{
    A_RETURNS, AGENTS, BILLING, CHANNEL_VIA, CHAT, COMPLIANCE, EMAIL, I_SHOPIFY, I_VOICE,
    M_ESCALATE, M_REFUND, M_SNOOZE, M_SPAM, M_THANKS, M_WISMO, R_ANGRY, R_AUTOCLOSE, R_ORDERS,
    R_REFUND, R_SNOOZE, R_SPAM, R_VIP, TIER1, TIER2, VIP_TEAM, VOICE,
};
use super::event::{sys, user, user_via};
use super::generator::{Gen, Tk};
use super::topics::{TOPIC_WEIGHTS, TOPICS, Topic, subject};
use super::{DAY, HOUR, MIN, SEC};
use serde_json::json;

impl Gen<'_> {
    /// One ticket from arrival to close (or to `now`).
    pub(super) fn ticket_story(&mut self, t0: i64) -> Option<()> {
        let topic = TOPICS[self.rng.weighted(&TOPIC_WEIGHTS)];
        let spam = topic == Topic::Spam;
        let chan = if spam || topic == Topic::Gdpr {
            EMAIL
        } else {
            self.rng.weighted(&[58, 30, 12])
        };
        let order = topic.has_order().then(|| self.new_order());
        let cust = if self.rng.chance(if spam { 0.95 } else { 0.3 }) {
            let by = if order.is_some() && self.rng.chance(0.5) {
                sys(I_SHOPIFY)
            } else {
                sys(CHANNEL_VIA[chan])
            };
            let t = t0 - self.rng.range(2 * SEC, 90 * SEC);
            self.new_customer(t, by)
        } else {
            self.existing_customer()
        };
        self.next_ticket += 1;
        let n = self.next_ticket;
        let v = self.rng.below(3);
        let mut tk = Tk {
            n,
            topic,
            id: format!("t_{n}"),
            subject: subject(topic, order, v),
            created: t0,
            cust,
            chan,
            tags: Vec::new(),
            team: None,
            assignee: None,
            status: "open",
            priority: "normal",
            order,
        };
        let by = match self.on_duty(t0) {
            Some(a) if chan == VOICE => user_via(a, I_VOICE),
            None if chan == VOICE => sys(I_VOICE),
            _ if topic == Topic::Returns && self.rng.chance(0.5) => sys(A_RETURNS),
            Some(a) if !spam && self.rng.chance(0.06) => user(a),
            _ => sys(CHANNEL_VIA[chan]),
        };
        self.created(t0, &mut tk, by)?;
        if spam {
            self.spam_story(t0, &mut tk)
        } else {
            self.work(t0, &mut tk, topic, true)
        }
    }

    pub(super) fn spam_story(&mut self, t0: i64, tk: &mut Tk) -> Option<()> {
        let mut t = t0;
        if self.rng.chance(0.85) {
            t += self.rng.range(SEC, 4 * SEC);
            let ev = Self::tev(tk, sys(R_SPAM)).chg("spam", json!(false), json!(true));
            self.put(t, "ticket.marked_spam", ev)?;
            t += self.rng.range(SEC / 5, 2 * SEC);
            self.status(t, "ticket.closed", tk, sys(R_SPAM), "closed")?;
        } else {
            let (a, ta) = self.pick_after(t, (10 * MIN, 3 * HOUR), None)?;
            t = ta;
            let by = user_via(a, M_SPAM);
            let ev = Self::tev(tk, by).chg("spam", json!(false), json!(true));
            self.put(t, "ticket.marked_spam", ev)?;
            self.tags_add(t + SEC / 3, tk, by, &["spam"])?;
            t += SEC;
            self.status(t, "ticket.closed", tk, by, "closed")?;
        }
        if self.rng.chance(0.06) {
            // A false positive: an agent rescues it and handles it.
            let (a, ta) = self.pick_after(t, (30 * MIN, 20 * HOUR), None)?;
            t = ta;
            let ev = Self::tev(tk, user(a)).chg("spam", json!(true), json!(false));
            self.put(t, "ticket.unmarked_spam", ev)?;
            if tk.tags.contains(&"spam") {
                self.tags_remove(t + 2 * SEC, tk, user(a), "spam")?;
            }
            self.status(t + 4 * SEC, "ticket.reopened", tk, user(a), "open")?;
            return self.work(t + 5 * SEC, tk, Topic::Feedback, false);
        }
        if self.rng.chance(0.25) {
            let (a, ta) = self.pick_after(t, (2 * HOUR, 5 * DAY), None)?;
            t = ta;
            let ev = Self::tev(tk, user(a)).chg("trashed", json!(false), json!(true));
            self.put(t, "ticket.trashed", ev)?;
            if self.rng.chance(0.05) {
                let t = self.shift_after(a, t, (10 * MIN, 2 * DAY))?;
                let ev = Self::tev(tk, user(a)).chg("trashed", json!(true), json!(false));
                self.put(t, "ticket.untrashed", ev)?;
            }
        }
        Some(())
    }

    /// Routing, assignment, replies, the topic's own steps, snoozing, closing, reopening.
    pub(super) fn work(&mut self, t0: i64, tk: &mut Tk, topic: Topic, route: bool) -> Option<()> {
        let mut t = t0;
        let vip = self.customers[tk.cust].vip;
        if route {
            if vip {
                t += self.rng.range(SEC, 5 * SEC);
                self.team(t, tk, sys(R_VIP), VIP_TEAM)?;
                self.priority(t + SEC / 4, tk, sys(R_VIP), "high")?;
                self.tags_add(t + SEC / 2, tk, sys(R_VIP), &["vip"])?;
            }
            match topic {
                Topic::Wismo if !vip => {
                    t += self.rng.range(SEC, 5 * SEC);
                    self.tags_add(t, tk, sys(R_ORDERS), &["wismo"])?;
                    self.team(t + SEC / 3, tk, sys(R_ORDERS), TIER1)?;
                }
                Topic::Refund => {
                    t += self.rng.range(SEC, 5 * SEC);
                    self.tags_add(t, tk, sys(R_REFUND), &["refund"])?;
                    if !vip {
                        self.team(t + SEC / 3, tk, sys(R_REFUND), BILLING)?;
                    }
                }
                _ => {}
            }
            if !vip && self.rng.chance(0.07) {
                t += self.rng.range(SEC, 4 * SEC);
                self.tags_add(t, tk, sys(R_ANGRY), &["urgent"])?;
                self.team(t + SEC / 3, tk, sys(R_ANGRY), TIER2)?;
            }
        }

        // Assignment.
        let (mut a, ta) = self.pick_after(t, (30 * SEC, 90 * MIN), tk.team)?;
        t = ta;
        if route && topic == Topic::Wismo && tk.team == Some(TIER1) && self.rng.chance(0.7) {
            self.assign(t, tk, sys(R_ORDERS), a)?;
        } else {
            let lead = *self.rng.pick(&[0usize, 5, 6]);
            let by = if lead != a && self.is_on(lead, t) && self.rng.chance(0.25) {
                user(lead)
            } else {
                user(a)
            };
            self.assign(t, tk, by, a)?;
        }
        if route && tk.team.is_none() && self.rng.chance(0.4) {
            let team = AGENTS[a].team;
            self.team(t + 2 * SEC, tk, user(a), team)?;
        }

        // First response.
        t = self.shift_after(a, t, (MIN, 40 * MIN))?;
        let by = if topic == Topic::Wismo && self.rng.chance(0.5) {
            user_via(a, M_WISMO)
        } else {
            user(a)
        };
        self.reply(t, tk, by)?;

        // Odds and ends while working the ticket.
        if self.rng.chance(0.07) {
            t = self.shift_after(a, t, (10 * SEC, 5 * MIN))?;
            self.subject_update(t, tk, a)?;
        }
        if self.rng.chance(0.22) {
            let tag = topic.tags().iter().find(|x| !tk.tags.contains(*x)).copied();
            t = self.shift_after(a, t, (10 * SEC, 3 * MIN))?;
            self.tags_add(t, tk, user(a), &[tag.unwrap_or("urgent")])?;
        }
        if self.rng.chance(0.06) && !tk.tags.is_empty() {
            let tag = *self.rng.pick(&tk.tags);
            t = self.shift_after(a, t, (10 * SEC, 3 * MIN))?;
            self.tags_remove(t, tk, user(a), tag)?;
        }
        if self.rng.chance(0.08) {
            let p = if tk.priority == "high" {
                "normal"
            } else {
                "high"
            };
            t = self.shift_after(a, t, (10 * SEC, 3 * MIN))?;
            self.priority(t, tk, user(a), p)?;
        }
        if self.rng.chance(0.05) {
            t += self.rng.range(5 * SEC, 60 * SEC);
            self.message_event(t, tk, "message_summary_created")?;
        }
        if self.rng.chance(0.012) {
            t += self.rng.range(5 * SEC, 60 * SEC);
            self.message_event(t, tk, "message_updated")?;
        }
        if self.rng.chance(0.006) {
            t += self.rng.range(MIN, 30 * MIN);
            self.message_event(t, tk, "message_deleted")?;
        }
        if self.rng.chance(0.07) {
            t = self.shift_after(a, t, (30 * SEC, 10 * MIN))?;
            self.customer_update(t, tk.cust, a)?;
        }
        if self.rng.chance(0.02) {
            t = self.shift_after(a, t, (30 * SEC, 10 * MIN))?;
            self.change_customer(t, tk, a)?;
        }
        if self.rng.chance(0.012) {
            t = self.shift_after(a, t, (30 * SEC, 10 * MIN))?;
            self.customer_merge(t, tk.cust, a)?;
        }
        if self.rng.chance(0.03) && tk.created + 3 * HOUR < self.now {
            // The customer wrote again in a new ticket; the agent merges the two.
            self.next_ticket += 1;
            let dn = self.next_ticket;
            let mut dup = Tk {
                n: dn,
                id: format!("t_{dn}"),
                subject: format!("Re: {}", tk.subject),
                created: tk.created + self.rng.range(2 * MIN, 3 * HOUR),
                tags: Vec::new(),
                team: None,
                assignee: None,
                status: "open",
                ..*tk
            };
            let by = sys(CHANNEL_VIA[tk.chan]);
            self.created(dup.created, &mut dup, by)?;
            t = self.shift_after(a, t.max(dup.created), (5 * MIN, 2 * HOUR))?;
            self.merge(t, tk, &dup, a)?;
        }
        if tk.team.is_some() && self.rng.chance(0.03) {
            t = self.shift_after(a, t, (MIN, 20 * MIN))?;
            self.team_off(t, tk, user(a))?;
            let team = *self.rng.pick(&[TIER1, TIER2, BILLING]);
            self.team(t + 3 * SEC, tk, user(a), team)?;
        }
        if self.rng.chance(0.03) {
            // Handed over to a colleague.
            t = self.shift_after(a, t, (MIN, 3 * HOUR))?;
            self.unassign(t, tk, user(a))?;
            let (b, tb) = self.pick_after(t, (MIN, 30 * MIN), tk.team)?;
            self.assign(tb, tk, user(b), b)?;
            (a, t) = (b, tb);
        }

        // The topic's own steps.
        let mut closed = false;
        match topic {
            Topic::Refund => {
                t = self.shift_after(a, t, (10 * MIN, 8 * HOUR))?;
                let by = user_via(a, M_REFUND);
                self.reply(t, tk, by)?;
                self.tags_add(t + SEC / 4, tk, by, &["refund"])?;
                if let Some(o) = tk.order {
                    let by = if self.rng.chance(0.6) {
                        sys(I_SHOPIFY)
                    } else {
                        by
                    };
                    self.order_event(t + 2 * SEC, tk.cust, o, "refunded", by, Some(tk))?;
                }
                self.status(t + 3 * SEC, "ticket.closed", tk, by, "closed")?;
                closed = true;
                t += 3 * SEC;
            }
            Topic::Cancel => {
                t = self.shift_after(a, t, (5 * MIN, 4 * HOUR))?;
                if let Some(o) = tk.order
                    && self.rng.chance(0.85)
                {
                    self.order_event(t, tk.cust, o, "canceled", user(a), Some(tk))?;
                }
                self.reply(t + 30 * SEC, tk, user(a))?;
            }
            Topic::Bug => {
                t = self.shift_after(a, t, (10 * MIN, 4 * HOUR))?;
                let by = user_via(a, M_ESCALATE);
                self.team(t, tk, by, TIER2)?;
                self.unassign(t + SEC / 4, tk, by)?;
                self.tags_add(t + SEC / 2, tk, by, &["escalated"])?;
                let (b, tb) = self.pick_after(t, (10 * MIN, 4 * HOUR), Some(TIER2))?;
                self.assign(tb, tk, user(b), b)?;
                a = b;
                t = self.shift_after(b, tb, (5 * MIN, 45 * MIN))?;
                self.reply(t, tk, user(b))?;
            }
            Topic::Gdpr => {
                t = self.shift_after(COMPLIANCE, t, (HOUR, 2 * DAY))?;
                self.profile_delete(t, tk.cust, Some(tk))?;
                t += 5 * SEC;
                self.status(t, "ticket.closed", tk, user(COMPLIANCE), "closed")?;
                closed = true;
            }
            _ => {}
        }
        if tk.chan == VOICE && self.rng.chance(0.03) {
            let who = if self.rng.chance(0.5) { COMPLIANCE } else { a };
            let tr = self.shift_after(who, t, (10 * MIN, DAY))?;
            self.conversation_event(tr, tk, "recording_redacted", who)?;
        }
        if tk.chan == CHAT && self.rng.chance(0.01) {
            t = self.shift_after(a, t, (MIN, 10 * MIN))?;
            self.conversation_event(t, tk, "transcript_redacted", a)?;
        }

        // Waiting on the customer.
        if !closed {
            let p = if matches!(topic, Topic::Wismo | Topic::Returns) {
                0.35
            } else {
                0.18
            };
            if self.rng.chance(p) {
                let r = self.rng.below(100);
                let by = if r < 45 {
                    t += self.rng.range(SEC, 10 * SEC);
                    sys(R_SNOOZE)
                } else if r < 80 {
                    t = self.shift_after(a, t, (10 * SEC, 2 * MIN))?;
                    user_via(a, M_SNOOZE)
                } else {
                    t = self.shift_after(a, t, (10 * SEC, 2 * MIN))?;
                    user(a)
                };
                let hours = self.snooze(t, tk, by)?;
                if self.rng.chance(0.6) {
                    let since = t;
                    t += hours * HOUR;
                    self.unsnooze(t, tk, since)?;
                    if self.rng.chance(0.35) {
                        t += 5 * DAY + self.rng.range(0, HOUR);
                        self.status(t, "ticket.closed", tk, sys(R_AUTOCLOSE), "closed")?;
                        closed = true;
                    }
                } else {
                    t += self.rng.range(HOUR, 20 * HOUR);
                    self.customer_reply(t, tk)?;
                }
            }
        }

        // Close.
        if !closed {
            t = self.shift_after(a, t, (5 * MIN, DAY))?;
            let by = match self.rng.weighted(&[60, 28]) {
                0 => user(a),
                _ => user_via(a, M_THANKS),
            };
            self.status(t, "ticket.closed", tk, by, "closed")?;
        }

        // Sometimes the customer comes back.
        if self.rng.chance(0.1) {
            t += self.rng.range(2 * HOUR, 4 * DAY);
            let by = if self.rng.chance(0.8) {
                // The customer replied to the closed ticket.
                sys(CHANNEL_VIA[tk.chan])
            } else {
                t = self.shift_time(a, t)?;
                user(a)
            };
            self.status(t, "ticket.reopened", tk, by, "open")?;
            t = self.shift_after(a, t, (5 * MIN, 6 * HOUR))?;
            self.reply(t, tk, user(a))?;
            t = self.shift_after(a, t, (30 * MIN, 2 * DAY))?;
            self.status(t, "ticket.closed", tk, user(a), "closed")?;
        }
        Some(())
    }
}
