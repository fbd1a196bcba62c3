//! The pieces of configuration work an admin does in one session: everyday edits, an Okta sync,
//! reworking the routing rules, setting up a new inbox, an access review, refreshing macros,
//! tidying tags, integration maintenance, the holiday preparations, inviting and onboarding.

use super::HOUR;
use super::cast::{AGENTS, I_EMAIL, I_OKTA, TEAMS};
use super::config_history::{CONFIG_MIX, Desk};
use super::event::{Ev, sys, user};
use super::generator::Gen;
use super::objects::Life;
use serde_json::{Value, json};

impl Gen<'_> {
    /// Everyday work: one to a few objects of one kind, each saved once or a few times.
    pub(super) fn routine(&mut self, d: &mut Desk) {
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
    pub(super) fn okta_sync(&mut self, d: &mut Desk) {
        let by = sys(I_OKTA);
        let users = self.editable_objs("user", d.t, by);
        if !users.is_empty() {
            let i = *self.rng.pick(&users);
            self.save_some(i, None, d.t, by);
        }
    }

    pub(super) fn rework_rules(&mut self, d: &mut Desk) {
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

    pub(super) fn set_up_inbox(&mut self, d: &mut Desk) {
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
            I_EMAIL.id(),
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

    pub(super) fn access_review(&mut self, d: &mut Desk) {
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
            self.edit(d, I_OKTA.id(), &["group_filter"]);
        }
        self.drop_legacy(d, "user");
    }

    pub(super) fn refresh_macros(&mut self, d: &mut Desk) {
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

    pub(super) fn tidy_tags(&mut self, d: &mut Desk) {
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

    pub(super) fn maintain_integrations(&mut self, d: &mut Desk) {
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

    pub(super) fn holiday_prep(&mut self, d: &mut Desk) {
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
    pub(super) fn invite(&mut self, d: &mut Desk, h: usize) {
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
    pub(super) fn onboard(&mut self, d: &mut Desk, h: usize) {
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
