//! The org, Acme Support: its agents (shifts, devices, home IPs), admins, teams, inboxes and
//! channels; the automations an action goes through (`via`); customers' names. The people and
//! clients are kept as data in `data/cast.json` and compiled into the binary; the code names
//! some of them by position (see the file's `about`), checked by the tests below.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;

/// The cast, as data.
const CAST_JSON: &str = include_str!("data/cast.json");

/// `data/cast.json`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CastDoc {
    #[allow(dead_code)]
    about: Vec<String>,
    user_agents: BTreeMap<String, String>,
    agents: Vec<AgentSpec>,
    office_ips: [String; 2],
    api_ip: String,
    teams: Vec<Named>,
    inboxes: Vec<Named>,
    api_clients: Vec<ApiClient>,
    first_names: Vec<(String, String)>,
    last_names: Vec<(String, String)>,
    mail_domains: Vec<String>,
    loyalty_tiers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentSpec {
    id: String,
    name: String,
    email: String,
    role: String,
    /// A team id.
    team: String,
    /// Working weekdays: `mon` to `sun`.
    days: Vec<String>,
    shift: (i64, i64),
    starts_after_days: i64,
    /// A key of `user_agents`.
    user_agent: String,
    home_ip: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    id: String,
    name: String,
}

/// An API key that acts as an automation (a `via` of type `api`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiClient {
    id: String,
    name: String,
    user_agent: String,
}

static DOC: LazyLock<CastDoc> =
    LazyLock::new(|| serde_json::from_str(CAST_JSON).expect("src/demo/data/cast.json parses"));

pub(super) struct Agent {
    pub(super) id: &'static str,
    pub(super) name: &'static str,
    pub(super) email: &'static str,
    pub(super) role: &'static str,
    /// Index into [`TEAMS`].
    pub(super) team: usize,
    /// Working weekdays, bit 0 = Monday.
    pub(super) days: u8,
    /// Shift start and end hour (UTC).
    pub(super) shift: (i64, i64),
    /// Days after the start of the period before the first shift (a new hire).
    pub(super) starts_after: i64,
    pub(super) user_agent: &'static str,
    pub(super) home_ip: &'static str,
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub(super) static AGENTS: LazyLock<Vec<Agent>> = LazyLock::new(|| {
    let doc = &*DOC;
    doc.agents
        .iter()
        .map(|a| Agent {
            id: &a.id,
            name: &a.name,
            email: &a.email,
            role: &a.role,
            team: doc
                .teams
                .iter()
                .position(|t| t.id == a.team)
                .unwrap_or_else(|| panic!("{}: no team {}", a.id, a.team)),
            days: a.days.iter().fold(0, |m, d| {
                let i = WEEKDAYS.iter().position(|w| w == d);
                m | 1 << i.unwrap_or_else(|| panic!("{}: no weekday {d}", a.id))
            }),
            shift: a.shift,
            starts_after: a.starts_after_days,
            user_agent: doc
                .user_agents
                .get(&a.user_agent)
                .unwrap_or_else(|| panic!("{}: no user agent {}", a.id, a.user_agent)),
            home_ip: &a.home_ip,
        })
        .collect()
});

pub(super) static OFFICE_IPS: LazyLock<[&str; 2]> =
    LazyLock::new(|| DOC.office_ips.each_ref().map(String::as_str));
pub(super) static API_IP: LazyLock<&str> = LazyLock::new(|| &DOC.api_ip);

fn pairs(xs: &'static [Named]) -> Vec<(&'static str, &'static str)> {
    xs.iter()
        .map(|x| (x.id.as_str(), x.name.as_str()))
        .collect()
}

/// The teams, `(id, name)`.
pub(super) static TEAMS: LazyLock<Vec<(&str, &str)>> = LazyLock::new(|| pairs(&DOC.teams));
/// The inboxes, `(id, name)`: one per channel ([`CHANNELS`] order), then VIP.
pub(super) static INBOXES: LazyLock<Vec<(&str, &str)>> = LazyLock::new(|| pairs(&DOC.inboxes));

fn names(xs: &'static [(String, String)]) -> Vec<(&'static str, &'static str)> {
    xs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

/// Customers' first and last names: `(as shown, as in an email address)`.
pub(super) static FIRST_NAMES: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| names(&DOC.first_names));
pub(super) static LAST_NAMES: LazyLock<Vec<(&str, &str)>> =
    LazyLock::new(|| names(&DOC.last_names));
pub(super) static MAIL_DOMAINS: LazyLock<Vec<&str>> =
    LazyLock::new(|| DOC.mail_domains.iter().map(String::as_str).collect());
/// Customers' loyalty tiers, lowest first; the top one makes a customer a VIP.
pub(super) static LOYALTY: LazyLock<Vec<&str>> =
    LazyLock::new(|| DOC.loyalty_tiers.iter().map(String::as_str).collect());

/// Who does configuration work (positions in [`AGENTS`]).
pub(super) const ADMINS: [usize; 3] = [0, 5, 6];
/// Aisha Bello handles data-protection requests.
pub(super) const COMPLIANCE: usize = 6;

// Positions in [`TEAMS`] and [`CHANNELS`].
pub(super) const TIER1: usize = 0;
pub(super) const TIER2: usize = 1;
pub(super) const BILLING: usize = 2;
pub(super) const VIP_TEAM: usize = 3;

pub(super) const CHANNELS: [&str; 3] = ["email", "chat", "voice"];
pub(super) const EMAIL: usize = 0;
pub(super) const CHAT: usize = 1;
pub(super) const VOICE: usize = 2;

/// The automation an action went through (`via`), by id: a rule, macro or integration of
/// `data/objects.json` (which names it), or an API client of `data/cast.json` (which also
/// gives the client's user agent).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Via(pub(super) &'static str);

/// What a `via` id stands for: `(type, name, user agent)`, the user agent only for an API key.
static VIAS: LazyLock<HashMap<&str, (&str, &str, &str)>> = LazyLock::new(|| {
    let objects = super::objects::DOC.objects.iter();
    let automations =
        objects.filter(|o| matches!(o.kind.as_str(), "rule" | "macro" | "integration"));
    let mut m: HashMap<&str, (&str, &str, &str)> = automations
        .map(|o| (o.id.as_str(), (o.kind.as_str(), o.name.as_str(), "")))
        .collect();
    for c in &DOC.api_clients {
        m.insert(&c.id, ("api", &c.name, &c.user_agent));
    }
    m
});

impl Via {
    fn resolve(self) -> (&'static str, &'static str, &'static str) {
        *VIAS
            .get(self.0)
            .unwrap_or_else(|| panic!("no automation {} in the demo's data", self.0))
    }

    pub(super) fn id(self) -> &'static str {
        self.0
    }

    pub(super) fn kind(self) -> &'static str {
        self.resolve().0
    }

    pub(super) fn name(self) -> &'static str {
        self.resolve().1
    }

    /// The client of an API key; empty for the others.
    pub(super) fn ua(self) -> &'static str {
        self.resolve().2
    }
}

pub(super) const R_VIP: Via = Via("rule_101");
pub(super) const R_SPAM: Via = Via("rule_102");
pub(super) const R_REFUND: Via = Via("rule_103");
pub(super) const R_SNOOZE: Via = Via("rule_104");
pub(super) const R_ORDERS: Via = Via("rule_105");
pub(super) const R_ANGRY: Via = Via("rule_106");
pub(super) const R_AUTOCLOSE: Via = Via("rule_107");
pub(super) const M_SPAM: Via = Via("mac_201");
pub(super) const M_REFUND: Via = Via("mac_202");
pub(super) const M_WISMO: Via = Via("mac_203");
pub(super) const M_ESCALATE: Via = Via("mac_204");
pub(super) const M_SNOOZE: Via = Via("mac_205");
pub(super) const M_THANKS: Via = Via("mac_206");
pub(super) const I_SHOPIFY: Via = Via("int_301");
pub(super) const I_EMAIL: Via = Via("int_303");
pub(super) const I_CHAT: Via = Via("int_304");
pub(super) const I_VOICE: Via = Via("int_305");
pub(super) const I_OKTA: Via = Via("int_306");
pub(super) const I_AI: Via = Via("int_307");
pub(super) const A_RETURNS: Via = Via("key_returns_portal");
pub(super) const A_TRANSLATE: Via = Via("key_translation");
pub(super) const A_PII: Via = Via("key_pii_scrubber");
pub(super) const CHANNEL_VIA: [Via; 3] = [I_EMAIL, I_CHAT, I_VOICE];

/// Every automation the stories name.
#[cfg(test)]
pub(super) const ALL_VIAS: [Via; 22] = [
    R_VIP,
    R_SPAM,
    R_REFUND,
    R_SNOOZE,
    R_ORDERS,
    R_ANGRY,
    R_AUTOCLOSE,
    M_SPAM,
    M_REFUND,
    M_WISMO,
    M_ESCALATE,
    M_SNOOZE,
    M_THANKS,
    I_SHOPIFY,
    I_EMAIL,
    I_CHAT,
    I_VOICE,
    I_OKTA,
    I_AI,
    A_RETURNS,
    A_TRANSLATE,
    A_PII,
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::objects::{DOC as OBJECTS, ShapeSpec};
    use super::*;

    #[test]
    fn the_cast_is_consistent_with_itself_and_the_objects() {
        let object = |kind: &str, id: &str| {
            OBJECTS
                .objects
                .iter()
                .find(|o| o.kind == kind && o.id == id)
        };
        let mut ids = BTreeSet::new();
        for a in AGENTS.iter() {
            assert!(ids.insert(a.id), "duplicate agent {}", a.id);
            assert!(
                a.days != 0 && a.shift.0 < a.shift.1 && a.shift.1 <= 24,
                "{}",
                a.id
            );
            assert!(a.starts_after >= 0, "{}", a.id);
            // every agent is a user of the org, as the cast has them
            let u = object("user", a.id).unwrap_or_else(|| panic!("no user object {}", a.id));
            assert_eq!(u.name, a.name);
            let fixed = |name: &str| {
                u.fields
                    .iter()
                    .find(|f| f.name == name)
                    .and_then(|f| match &f.shape {
                        ShapeSpec::Fixed(v) => v.as_str(),
                        _ => None,
                    })
            };
            assert_eq!(fixed("email"), Some(a.email), "{}", a.id);
            assert_eq!(fixed("team"), Some(TEAMS[a.team].1), "{}", a.id);
        }
        // the positions the code names
        assert_eq!(AGENTS[0].role, "Admin", "agents[0] heads CX");
        for &a in &ADMINS {
            assert!(
                ["Admin", "Lead"].contains(&AGENTS[a].role),
                "admin {}",
                AGENTS[a].id
            );
        }
        assert!(ADMINS.contains(&COMPLIANCE));
        assert!(
            AGENTS[1..=5].iter().all(|a| a.starts_after == 0),
            "on shift from the start"
        );
        assert!(
            AGENTS[7].starts_after > 0,
            "the coverage phase invites agents[7]"
        );
        assert_eq!(
            [TIER1, TIER2, BILLING, VIP_TEAM].map(|t| TEAMS[t].1),
            ["Tier 1", "Tier 2", "Billing", "VIP Concierge"]
        );
        assert_eq!(
            INBOXES.len(),
            CHANNELS.len() + 1,
            "one inbox per channel, then VIP"
        );
        assert_eq!(
            LOYALTY.len(),
            4,
            "customers move up to the fourth tier, which is VIP"
        );
        assert!(!MAIL_DOMAINS.is_empty() && !FIRST_NAMES.is_empty() && !LAST_NAMES.is_empty());
        for (shown, written) in FIRST_NAMES.iter().chain(LAST_NAMES.iter()) {
            assert!(!shown.is_empty(), "{shown}");
            assert!(written.bytes().all(|b| b.is_ascii_lowercase()), "{written}");
        }
        // teams and inboxes are configuration objects of the same names
        for (kind, list) in [("team", &TEAMS), ("inbox", &INBOXES)] {
            for (id, name) in list.iter() {
                let o = object(kind, id).unwrap_or_else(|| panic!("no {kind} object {id}"));
                assert_eq!(o.name, *name);
            }
        }
        // every automation the stories name is a rule, macro, integration or API client
        for v in ALL_VIAS {
            assert!(!v.kind().is_empty() && !v.name().is_empty(), "{v:?}");
            assert_eq!(v.kind() == "api", !v.ua().is_empty(), "{v:?}");
        }
        assert_eq!(CHANNEL_VIA.map(Via::kind), ["integration"; 3]);
        // set fields that list people, teams or inboxes list ones that exist
        let names_of = |kind: &str| -> BTreeSet<&str> {
            let os = OBJECTS.objects.iter().filter(|o| o.kind == kind);
            os.map(|o| o.name.as_str()).collect()
        };
        let agents: BTreeSet<&str> = AGENTS.iter().map(|a| a.name).collect();
        let (teams, inboxes) = (names_of("team"), names_of("inbox"));
        for o in &OBJECTS.objects {
            for f in &o.fields {
                let ShapeSpec::Set { pool, .. } = &f.shape else {
                    continue;
                };
                let known = match f.name.as_str() {
                    "members" => &agents,
                    "available_to" | "routing_teams" | "shared_with" | "teams" => &teams,
                    "inboxes" => &inboxes,
                    _ => continue,
                };
                for x in pool {
                    assert!(known.contains(x.as_str()), "{}.{}: {x}", o.id, f.name);
                }
            }
        }
    }
}
