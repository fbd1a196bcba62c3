//! The coverage phase's identity and security stories: a mistyped password and a lock, MFA,
//! an SSO connection and the SCIM users and groups it provisions, API tokens, role grants, an
//! impersonation by the admin, and bulk exports by agents. Each event fills the metadata the
//! catalog names for its action.

use super::MIN;
use super::cast::{ADMINS, AGENTS, I_OKTA};
use super::event::{Ev, SYSTEM, sys, user};
use super::generator::Gen;
use crate::model::catalog::Action;
use serde_json::json;

/// The actions told here.
const STORIES: &[&str] = &[
    "user.login_failed",
    "user.locked",
    "user.unlocked",
    "user.mfa_enabled",
    "user.mfa_disabled",
    "session.revoked",
    "sso_connection.created",
    "sso_connection.updated",
    "sso_connection.deleted",
    "user.provisioned",
    "user.deprovisioned",
    "group.provisioned",
    "group.deprovisioned",
    "api_token.created",
    "api_token.revoked",
    "api_token.used",
    "user.role_assigned",
    "user.role_removed",
    "user.impersonation_started",
    "user.impersonation_ended",
    "ticket.exported",
    "customer.exported",
    "report.exported",
];

pub(super) fn has_story(a: &Action) -> bool {
    STORIES.contains(&a.name.as_str())
}

impl Gen<'_> {
    /// Tells `a`'s story (one of [`STORIES`]); false when it fell outside the period.
    pub(super) fn cover_security(&mut self, a: &Action, t: i64, deadline: i64) -> bool {
        let admin = ADMINS[self.rng.below(ADMINS.len())];
        let u = 1 + self.rng.below(5);
        let agent = &AGENTS[u];
        match a.name.as_str() {
            "user.login_failed" => {
                let t = self.when(u, t, deadline);
                let ev = Ev::new(agent.id, agent.name, user(u)).meta(json!({
                    "reason": "invalid_password", "method": "password", "attempt": 1,
                }));
                self.emit(t, &a.name, ev)
            }
            "user.locked" | "user.unlocked" => {
                let t = self.when(u, t, deadline);
                let locked = a.name == "user.locked";
                let (by, meta) = if locked {
                    let m = json!({"reason": "too_many_failed_logins", "failed_attempts": 5});
                    (SYSTEM, m)
                } else {
                    (user(admin), json!({"reason": "admin"}))
                };
                self.emit(t, &a.name, Ev::new(agent.id, agent.name, by).meta(meta))
            }
            "user.mfa_enabled" | "user.mfa_disabled" => {
                let t = self.when(u, t, deadline);
                let meta = if a.name == "user.mfa_enabled" {
                    json!({"factor": "webauthn", "enforced": true})
                } else {
                    json!({"factor": "sms", "reason": "user"})
                };
                self.emit(
                    t,
                    &a.name,
                    Ev::new(agent.id, agent.name, user(u)).meta(meta),
                )
            }
            "session.revoked" => {
                let t = self.when(admin, t, deadline);
                let ev = Ev::anon(format!("sess_{}", agent.id), user(admin))
                    .rel("user", agent.id, "owner", agent.name)
                    .meta(json!({"reason": "admin", "sessions": 2}));
                self.emit(t, &a.name, ev)
            }
            "sso_connection.created" | "sso_connection.updated" | "sso_connection.deleted" => {
                let t = self.when(admin, t, deadline);
                let (id, name, provider, protocol) = match a.verb.as_str() {
                    "deleted" => ("sso_2", "Google Workspace (trial)", "Google", "oidc"),
                    _ => ("sso_1", "Okta", "Okta", "saml"),
                };
                let mut ev = Ev::new(id, name, user(admin));
                ev = match a.verb.as_str() {
                    "created" => ev.meta(json!({
                        "provider": provider, "protocol": protocol,
                        "domains": ["acme-support.test"],
                    })),
                    "updated" => ev
                        .chg("enforced", json!(false), json!(true))
                        .meta(json!({"provider": provider, "protocol": protocol})),
                    _ => ev.meta(json!({"provider": provider, "protocol": protocol})),
                };
                self.emit(t, &a.name, ev)
            }
            "user.provisioned" | "user.deprovisioned" => {
                let who = &AGENTS[if a.verb == "provisioned" { 7 } else { 4 }];
                let ev = Ev::new(who.id, who.name, sys(I_OKTA)).meta(json!({
                    "provider": "Okta", "external_id": format!("00u{}", who.id),
                }));
                self.emit(t, &a.name, ev)
            }
            "group.provisioned" | "group.deprovisioned" => {
                let ev = Ev::new("grp_support_leads", "Support leads", sys(I_OKTA));
                let ev = if a.verb == "provisioned" {
                    ev.meta(json!({"provider": "Okta", "external_id": "00g71", "members": 3}))
                } else {
                    ev.meta(json!({"provider": "Okta", "external_id": "00g71"}))
                };
                self.emit(t, &a.name, ev)
            }
            "api_token.created" | "api_token.revoked" | "api_token.used" => {
                let t = self.when(admin, t, deadline);
                let ev = Ev::new("tok_41", "Warehouse sync", user(admin));
                let ev = match a.verb.as_str() {
                    "created" => ev.meta(json!({"scopes": ["tickets:read"], "prefix": "ak_41f3"})),
                    "revoked" => ev.meta(json!({"reason": "rotated", "prefix": "ak_41f3"})),
                    _ => Ev::new("tok_41", "Warehouse sync", SYSTEM).meta(json!({
                        "first_use": true, "endpoint": "GET /api/tickets", "prefix": "ak_41f3",
                    })),
                };
                self.emit(t, &a.name, ev)
            }
            "user.role_assigned" | "user.role_removed" => {
                let t = self.when(admin, t, deadline);
                let (role_id, role) = ("role_902", "Lead");
                let ev = Ev::new(agent.id, agent.name, user(admin)).rel("role", role_id, "", role);
                let ev = if a.verb == "role_assigned" {
                    ev.chg("role", json!(agent.role), json!(role))
                        .meta(json!({"role": role, "previous_role": agent.role}))
                } else {
                    ev.chg("role", json!(role), json!(agent.role))
                        .meta(json!({"role": role}))
                };
                self.emit(t, &a.name, ev)
            }
            "user.impersonation_started" | "user.impersonation_ended" => {
                let t = self.when(admin, t, deadline);
                let started = a.verb == "impersonation_started";
                let meta = if started {
                    json!({"reason": "Reproduce a macro bug the agent reported", "ticket": "t_10042"})
                } else {
                    json!({"duration_seconds": 12 * MIN / 1_000_000, "ended_by": "actor"})
                };
                let t = if started { t } else { t + 12 * MIN };
                self.emit(
                    t,
                    &a.name,
                    Ev::new(agent.id, agent.name, user(admin)).meta(meta),
                )
            }
            "ticket.exported" | "customer.exported" | "report.exported" => {
                let t = self.when(u, t, deadline);
                let (id, name, meta) = match a.entity_type.as_str() {
                    "ticket" => (
                        "view_501",
                        "Open tickets",
                        json!({"rows": 1840, "format": "csv", "filters": "view: Open tickets"}),
                    ),
                    "customer" => (
                        "export_c1",
                        "VIP customers",
                        json!({"rows": 212, "format": "csv", "filters": "segment: VIP"}),
                    ),
                    _ => (
                        "report_agent_performance",
                        "Agent performance",
                        json!({"rows": 31, "format": "pdf", "period": "last 30 days"}),
                    ),
                };
                self.emit(t, &a.name, Ev::new(id, name, user(u)).meta(meta))
            }
            _ => false,
        }
    }
}
