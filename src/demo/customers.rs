//! Customers, orders and conversations: new and returning customers, their updates and
//! merges, GDPR erasure, refunds and cancellations, redactions.

use super::cast::{COMPLIANCE, FIRST_NAMES, I_SHOPIFY, LAST_NAMES, LOYALTY, MAIL_DOMAINS};
use super::event::{By, Ev, sys, user};
use super::generator::{Customer, Gen, Tk};
use serde_json::{Value, json};

impl Gen<'_> {
    pub(super) fn cust_id(&self, c: usize) -> String {
        format!("cus_{}", self.customers[c].id)
    }

    pub(super) fn cust_name(&self, c: usize) -> String {
        let cu = &self.customers[c];
        format!("{} {}", FIRST_NAMES[cu.first].0, LAST_NAMES[cu.last].0)
    }

    pub(super) fn cust_email(&self, c: usize) -> String {
        let cu = &self.customers[c];
        format!(
            "{}.{}@{}",
            FIRST_NAMES[cu.first].1,
            LAST_NAMES[cu.last].1,
            MAIL_DOMAINS[cu.id as usize % MAIL_DOMAINS.len()]
        )
    }

    pub(super) fn add_customer(&mut self) -> usize {
        self.next_customer += 1;
        let c = Customer {
            id: self.next_customer,
            first: self.rng.below(FIRST_NAMES.len()),
            last: self.rng.below(LAST_NAMES.len()),
            vip: self.rng.chance(0.04),
            tier: 0,
            gone: false,
        };
        self.customers.push(c);
        self.customers.len() - 1
    }

    /// A customer seen for the first time: created by the channel or by the Shopify sync.
    pub(super) fn new_customer(&mut self, t: i64, by: By) -> usize {
        let c = self.add_customer();
        let ev = Ev::new(self.cust_id(c), self.cust_name(c), by)
            .chg("name", Value::Null, json!(self.cust_name(c)))
            .chg("email", Value::Null, json!(self.cust_email(c)));
        self.emit(t, "customer.created", ev);
        c
    }

    pub(super) fn existing_customer(&mut self) -> usize {
        for _ in 0..10 {
            let c = self.rng.below(self.customers.len());
            if !self.customers[c].gone {
                return c;
            }
        }
        self.add_customer()
    }

    pub(super) fn new_order(&mut self) -> u32 {
        self.next_order += 1 + self.rng.below(3) as u32;
        self.next_order
    }

    pub(super) fn message_id(&mut self) -> String {
        self.next_message += 1 + self.rng.below(4) as u64;
        format!("msg_{}", self.next_message)
    }

    pub(super) fn change_customer(&mut self, t: i64, tk: &mut Tk, a: usize) -> Option<()> {
        let new = self.existing_customer();
        let (oid, oname) = (self.cust_id(tk.cust), self.cust_name(tk.cust));
        let (nid, nname) = (self.cust_id(new), self.cust_name(new));
        let ev = Self::tev(tk, user(a))
            .chg(
                "customer",
                json!({"id": oid, "name": oname}),
                json!({"id": nid, "name": nname}),
            )
            .rel("customer", &oid, "previous", &oname)
            .rel("customer", &nid, "current", &nname);
        tk.cust = new;
        self.put(t, "ticket.customer_updated", ev)
    }

    pub(super) fn customer_update(&mut self, t: i64, c: usize, a: usize) -> Option<()> {
        let (id, name) = (self.cust_id(c), self.cust_name(c));
        let tier = self.customers[c].tier;
        let ev = match self.rng.below(3) {
            0 if tier < 3 => {
                // Shopify sync: spending moved the customer up a loyalty tier.
                self.customers[c].tier += 1;
                if tier + 1 == 3 {
                    self.customers[c].vip = true;
                }
                let spent = self.rng.range(300, 4000);
                Ev::new(id, name, sys(I_SHOPIFY))
                    .chg(
                        "loyalty_tier",
                        json!(LOYALTY[tier]),
                        json!(LOYALTY[tier + 1]),
                    )
                    .meta(json!({"total_spent_usd": spent}))
            }
            1 => {
                let phone = format!("+1 555-01{:02}", self.rng.below(100));
                Ev::new(id, name, user(a)).chg("phone", Value::Null, json!(phone))
            }
            _ => {
                let lang = *self.rng.pick(&["de", "fr", "es", "pt-BR", "ja"]);
                Ev::new(id, name, user(a)).chg("preferred_language", json!("en"), json!(lang))
            }
        };
        self.put(t, "customer.updated", ev)
    }

    pub(super) fn customer_merge(&mut self, t: i64, c: usize, a: usize) -> Option<()> {
        let dup = self.add_customer();
        self.customers[dup].first = self.customers[c].first;
        self.customers[dup].last = self.customers[c].last;
        self.customers[dup].gone = true;
        let moved = self.rng.range(1, 4);
        let ev = Ev::new(self.cust_id(c), self.cust_name(c), user(a))
            .rel(
                "customer",
                &self.cust_id(dup),
                "merged_from",
                &self.cust_name(dup),
            )
            .meta(json!({"tickets_moved": moved}));
        self.put(t, "customer.merged", ev)
    }

    /// GDPR erasure: the profile (named by id only) and, when a request ticket is given, its
    /// conversations.
    pub(super) fn profile_delete(&mut self, t: i64, c: usize, request: Option<&Tk>) -> Option<()> {
        let id = self.cust_id(c);
        let convs = 1 + self.rng.below(3);
        let mut ev = Ev::anon(id.clone(), user(COMPLIANCE)).meta(json!({
            "legal_basis": "GDPR Art. 17 (right to erasure)",
            "conversations_deleted": convs,
            "orders_anonymized": self.rng.below(3),
        }));
        if let Some(tk) = request {
            ev = ev.rel("ticket", &tk.id, "request", "");
        }
        self.customers[c].gone = true;
        self.put(t, "customer.profile_deleted", ev)?;
        if let Some(tk) = request {
            for k in 0..convs {
                let n = if k == 0 {
                    tk.n
                } else {
                    tk.n.saturating_sub(self.rng.range(30, 3000) as u32)
                };
                let ev = Ev::anon(format!("conv_{n}"), user(COMPLIANCE))
                    .rel("customer", &id, "data_subject", "")
                    .meta(json!({"reason": "GDPR erasure request", "request_ticket": tk.id}));
                self.put(t + (k as i64 + 1) * 400_000, "conversation.deleted", ev)?;
            }
        }
        Some(())
    }

    pub(super) fn order_event(
        &mut self,
        t: i64,
        c: usize,
        o: u32,
        verb: &str,
        by: By,
        tk: Option<&Tk>,
    ) -> Option<()> {
        let cents = self.rng.range(1_500, 25_000);
        let amount = format!("{}.{:02}", cents / 100, cents % 100);
        let mut ev = Ev::new(format!("ord_{o}"), format!("#{o}"), by).rel(
            "customer",
            &self.cust_id(c),
            "customer",
            &self.cust_name(c),
        );
        if let Some(tk) = tk {
            ev = ev.rel("ticket", &tk.id, "ticket", &tk.subject);
        }
        let ev = if verb == "refunded" {
            let partial = self.rng.chance(0.25);
            let status = if partial {
                "partially_refunded"
            } else {
                "refunded"
            };
            ev.chg("financial_status", json!("paid"), json!(status))
                .meta(json!({"amount": amount, "currency": "USD", "gateway": "shopify_payments"}))
        } else {
            ev.chg("status", json!("open"), json!("canceled"))
                .chg("financial_status", json!("paid"), json!("refunded"))
                .meta(json!({"reason": "customer", "restock": true, "amount": amount, "currency": "USD"}))
        };
        self.put(t, &format!("order.{verb}"), ev)
    }

    pub(super) fn conversation_event(
        &mut self,
        t: i64,
        tk: &Tk,
        verb: &str,
        a: usize,
    ) -> Option<()> {
        let cust = self.cust_name(tk.cust);
        let (name, meta) = match verb {
            "recording_redacted" => {
                let s = self.rng.range(30, 400);
                let e = s + self.rng.range(15, 60);
                (
                    format!("Call with {cust}"),
                    json!({"reason": "Payment card number spoken on the call",
                           "segment": {"start": format!("00:{:02}:{:02}", s / 60, s % 60),
                                       "end": format!("00:{:02}:{:02}", e / 60, e % 60)}}),
                )
            }
            "transcript_redacted" => (
                format!("Chat with {cust}"),
                json!({"reason": "Customer shared a card number", "messages_redacted": 1}),
            ),
            _ => (
                format!("Conversation with {cust}"),
                json!({"reason": "Duplicate test conversation"}),
            ),
        };
        let ev = Ev::new(format!("conv_{}", tk.n), name, user(a))
            .rel("ticket", &tk.id, "ticket", &tk.subject)
            .meta(meta);
        self.put(t, &format!("conversation.{verb}"), ev)
    }
}
