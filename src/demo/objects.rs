//! Every configuration object of the org (rules, macros, inboxes, teams, views, widgets,
//! integrations, custom attributes, roles, users, tags, the org settings and the account), with
//! the ways each field can change, and when it exists (`Life`).

use super::cast::{
    AGENTS, I_AI, I_CHAT, I_EMAIL, I_OKTA, I_SHOPIFY, I_VOICE, M_ESCALATE, M_REFUND, M_SNOOZE,
    M_SPAM, M_THANKS, M_WISMO, R_ANGRY, R_AUTOCLOSE, R_ORDERS, R_REFUND, R_SNOOZE, R_SPAM, R_VIP,
    TEAMS,
};
use super::fields::{
    Field, acts, all_of, any_of, fixed, flag, kw, languages, num, parts, sentiment, set,
    snooze_for, st, stale, txt,
};
use serde_json::{Value, json};

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

pub(super) struct Obj {
    pub(super) kind: &'static str,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) life: Life,
    /// When it was created (`i64::MIN` when before the period).
    pub(super) since: i64,
    pub(super) fields: Vec<Field>,
}

pub(super) fn obj(kind: &'static str, id: &str, name: &str, life: Life, fields: Vec<Field>) -> Obj {
    Obj {
        kind,
        id: id.to_string(),
        name: name.to_string(),
        life,
        since: i64::MIN,
        fields,
    }
}

pub(super) const TEAM_NAMES: [&str; 4] = [TEAMS[0].1, TEAMS[1].1, TEAMS[2].1, TEAMS[3].1];
pub(super) const INBOX_NAMES: [&str; 4] = ["Email Support", "Live Chat", "Voice", "VIP"];
pub(super) const LANGS: [&str; 6] = [
    "English",
    "Spanish",
    "German",
    "French",
    "Portuguese",
    "Polish",
];
// The permissions each role may plausibly be given (Admin has `*`).
pub(super) const LEAD_PERMISSIONS: [&str; 16] = [
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
pub(super) const AGENT_PERMISSIONS: [&str; 10] = [
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
pub(super) const BILLING_PERMISSIONS: [&str; 11] = [
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
pub(super) const REVIEWER_PERMISSIONS: [&str; 7] = [
    "tickets:read",
    "customers:read",
    "macros:use",
    "rules:view",
    "reports:view",
    "reports:export",
    "audit_log:view",
];
pub(super) const COMPLIANCE_PERMISSIONS: [&str; 8] = [
    "tickets:read",
    "tickets:delete",
    "customers:read",
    "customers:delete",
    "reports:view",
    "audit_log:view",
    "audit_log:export",
    "conversations:redact",
];
pub(super) const COLORS: [&str; 8] = [
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
