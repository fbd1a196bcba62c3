//! Realistic demo history for the `demo` org: a seeded, deterministic generator of helpdesk audit events (Acme Support's agents, inboxes, rules, macros, tickets, customers and orders) that covers every catalog action.

use serde_json::{Map, Value, json};

use crate::model::Catalog;
use crate::model::catalog::Action;
use crate::model::time::format_micros;

mod config;

use config::{Life, Obj, objects};

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
/// larger pieces of work (see [`config`]); a handful of compliance events.
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

const SEC: i64 = 1_000_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

// ---------------------------------------------------------------------------------------------
// PRNG: splitmix64.

struct Rng(u64);

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..hi` (`lo` when the range is empty).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + ((u128::from(self.next_u64()) * (hi - lo) as u128) >> 64) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn weighted(&mut self, ws: &[u32]) -> usize {
        let total: u32 = ws.iter().sum();
        let mut x = self.below(total as usize) as u32;
        for (i, &w) in ws.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        ws.len() - 1
    }
}

// ---------------------------------------------------------------------------------------------
// The org: Acme Support.

struct Agent {
    id: &'static str,
    name: &'static str,
    email: &'static str,
    role: &'static str,
    /// Index into [`TEAMS`].
    team: usize,
    /// Working weekdays, bit 0 = Monday.
    days: u8,
    /// Shift start and end hour (UTC).
    shift: (i64, i64),
    /// Days after the start of the period before the first shift (a new hire).
    starts_after: i64,
    user_agent: &'static str,
    home_ip: &'static str,
}

const MON_FRI: u8 = 0b001_1111;
const TUE_SAT: u8 = 0b011_1110;
const WED_SUN: u8 = 0b111_1100;

const UA_CHROME_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const UA_FIREFOX_WIN: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const UA_EDGE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.51";
const UA_DESKTOP: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/537.36 (KHTML, like Gecko) AcmeDesk/4.12.0 Chrome/128.0.6613.36 Electron/32.1.2 Safari/537.36";
const UA_SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";
const UA_CHROME_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const UA_CHROME_WIN: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

static AGENTS: [Agent; 10] = [
    Agent {
        id: "u_1001",
        name: "Priya Raman",
        email: "priya.raman@acme-support.test",
        role: "Admin",
        team: 1,
        days: MON_FRI,
        shift: (8, 17),
        starts_after: 0,
        user_agent: UA_CHROME_MAC,
        home_ip: "198.51.100.23",
    },
    Agent {
        id: "u_1002",
        name: "Zoë O'Brien, Jr.",
        email: "zoe.obrien@acme-support.test",
        role: "Agent",
        team: 0,
        days: MON_FRI,
        shift: (7, 15),
        starts_after: 0,
        user_agent: UA_FIREFOX_WIN,
        home_ip: "198.51.100.41",
    },
    Agent {
        id: "u_1003",
        name: "José Álvarez-Núñez",
        email: "jose.alvarez@acme-support.test",
        role: "Agent",
        team: 2,
        days: MON_FRI,
        shift: (10, 19),
        starts_after: 0,
        user_agent: UA_EDGE,
        home_ip: "198.51.100.57",
    },
    Agent {
        id: "u_1004",
        name: "Sam Okafor 🚀",
        email: "sam.okafor@acme-support.test",
        role: "Agent",
        team: 0,
        days: WED_SUN,
        shift: (11, 20),
        starts_after: 0,
        user_agent: UA_DESKTOP,
        home_ip: "198.51.100.62",
    },
    Agent {
        id: "u_1005",
        name: "Hannah Müller",
        email: "hannah.mueller@acme-support.test",
        role: "Agent",
        team: 3,
        days: MON_FRI,
        shift: (8, 16),
        starts_after: 0,
        user_agent: UA_SAFARI,
        home_ip: "198.51.100.78",
    },
    Agent {
        id: "u_1006",
        name: "Dmitri Volkov",
        email: "dmitri.volkov@acme-support.test",
        role: "Lead",
        team: 1,
        days: TUE_SAT,
        shift: (9, 18),
        starts_after: 0,
        user_agent: UA_CHROME_LINUX,
        home_ip: "198.51.100.90",
    },
    Agent {
        id: "u_1007",
        name: "Aisha Bello",
        email: "aisha.bello@acme-support.test",
        role: "Lead",
        team: 2,
        days: MON_FRI,
        shift: (9, 17),
        starts_after: 0,
        user_agent: UA_CHROME_WIN,
        home_ip: "198.51.100.104",
    },
    Agent {
        id: "u_1008",
        name: "Noah Kim",
        email: "noah.kim@acme-support.test",
        role: "Agent",
        team: 0,
        days: MON_FRI,
        shift: (12, 20),
        starts_after: 2,
        user_agent: UA_CHROME_MAC,
        home_ip: "198.51.100.117",
    },
    // Two hires during the period: provisioned from Okta, and a seasonal agent invited by
    // email for the holiday peak (see `config`, which onboards them a few days earlier).
    Agent {
        id: "u_1009",
        name: "Lena Fischer",
        email: "lena.fischer@acme-support.test",
        role: "Agent",
        team: 0,
        days: MON_FRI,
        shift: (8, 16),
        starts_after: 48,
        user_agent: UA_CHROME_WIN,
        home_ip: "198.51.100.131",
    },
    Agent {
        id: "u_1010",
        name: "Marcus Reid",
        email: "marcus.reid@acme-support.test",
        role: "Agent",
        team: 0,
        days: WED_SUN,
        shift: (12, 20),
        starts_after: 64,
        user_agent: UA_SAFARI,
        home_ip: "198.51.100.144",
    },
];

/// Who does configuration work.
const ADMINS: [usize; 3] = [0, 5, 6];
/// Aisha Bello handles data-protection requests.
const COMPLIANCE: usize = 6;
const OFFICE_IPS: [&str; 2] = ["203.0.113.24", "203.0.113.25"];
const API_IP: &str = "198.51.100.200";

const TEAMS: [(&str, &str); 4] = [
    ("team_1", "Tier 1"),
    ("team_2", "Tier 2"),
    ("team_3", "Billing"),
    ("team_4", "VIP Concierge"),
];
const TIER1: usize = 0;
const TIER2: usize = 1;
const BILLING: usize = 2;
const VIP_TEAM: usize = 3;

const INBOXES: [(&str, &str); 4] = [
    ("ib_401", "Email Support"),
    ("ib_402", "Live Chat"),
    ("ib_403", "Voice"),
    ("ib_404", "VIP"),
];
const CHANNELS: [&str; 3] = ["email", "chat", "voice"];
const EMAIL: usize = 0;
const CHAT: usize = 1;
const VOICE: usize = 2;

/// The automation an action went through (`via`); `ua` is the client of an API key.
#[derive(Clone, Copy)]
struct Via {
    kind: &'static str,
    id: &'static str,
    name: &'static str,
    ua: &'static str,
}

const fn via(kind: &'static str, id: &'static str, name: &'static str) -> Via {
    Via {
        kind,
        id,
        name,
        ua: "",
    }
}

const R_VIP: Via = via("rule", "rule_101", "Route VIP customers");
const R_SPAM: Via = via("rule", "rule_102", "Auto-close spam");
const R_REFUND: Via = via("rule", "rule_103", "Tag refund requests");
const R_SNOOZE: Via = via("rule", "rule_104", "Auto-snooze awaiting customer");
const R_ORDERS: Via = via("rule", "rule_105", "Assign order questions to Tier 1");
const R_ANGRY: Via = via("rule", "rule_106", "Escalate angry customers");
const R_AUTOCLOSE: Via = via("rule", "rule_107", "Auto-close stale pending tickets");
const M_SPAM: Via = via("macro", "mac_201", "Close as spam");
const M_REFUND: Via = via("macro", "mac_202", "Refund approved");
const M_WISMO: Via = via("macro", "mac_203", "Where is my order?");
const M_ESCALATE: Via = via("macro", "mac_204", "Escalate to Tier 2");
const M_SNOOZE: Via = via("macro", "mac_205", "Snooze 24h awaiting reply");
const M_THANKS: Via = via("macro", "mac_206", "Thank you & close");
const I_SHOPIFY: Via = via("integration", "int_301", "Shopify");
const I_EMAIL: Via = via("integration", "int_303", "Email: support@acme-support.test");
const I_CHAT: Via = via("integration", "int_304", "Live chat widget");
const I_VOICE: Via = via("integration", "int_305", "Aircall");
const I_OKTA: Via = via("integration", "int_306", "Okta SCIM");
const I_AI: Via = via("integration", "int_307", "AI Assist");
const A_RETURNS: Via = Via {
    kind: "api",
    id: "key_returns_portal",
    name: "Returns portal",
    ua: "acme-returns-portal/3.4.1 (+https://returns.acme-support.test)",
};
const A_TRANSLATE: Via = Via {
    kind: "api",
    id: "key_translation",
    name: "Translation service",
    ua: "acme-translate-worker/1.9.0",
};
const A_PII: Via = Via {
    kind: "api",
    id: "key_pii_scrubber",
    name: "PII scrubber",
    ua: "acme-pii-scrubber/0.7.2 python-requests/2.32.3",
};
const CHANNEL_VIA: [Via; 3] = [I_EMAIL, I_CHAT, I_VOICE];

const FIRST_NAMES: [(&str, &str); 24] = [
    ("Chloé", "chloe"),
    ("Liam", "liam"),
    ("Mei", "mei"),
    ("Oluwaseun", "oluwaseun"),
    ("Søren", "soren"),
    ("Ava", "ava"),
    ("Mateo", "mateo"),
    ("Fatima", "fatima"),
    ("Björn", "bjorn"),
    ("Renée", "renee"),
    ("Arjun", "arjun"),
    ("Grace", "grace"),
    ("Łukasz", "lukasz"),
    ("Isabella", "isabella"),
    ("Kenji", "kenji"),
    ("Amara", "amara"),
    ("Lucas", "lucas"),
    ("Noor", "noor"),
    ("Elena", "elena"),
    ("Tomás", "tomas"),
    ("Hana", "hana"),
    ("Daniel", "daniel"),
    ("Ingrid", "ingrid"),
    ("Kwame", "kwame"),
];
const LAST_NAMES: [(&str, &str); 20] = [
    ("Dubois", "dubois"),
    ("Nguyễn", "nguyen"),
    ("O'Connor", "oconnor"),
    ("García", "garcia"),
    ("Smith", "smith"),
    ("Kowalski", "kowalski"),
    ("Andersen", "andersen"),
    ("Okoye", "okoye"),
    ("Tanaka", "tanaka"),
    ("Haddad", "haddad"),
    ("Rossi", "rossi"),
    ("Johnson", "johnson"),
    ("Schäfer", "schaefer"),
    ("Patel", "patel"),
    ("Lindqvist", "lindqvist"),
    ("Mensah", "mensah"),
    ("Costa", "costa"),
    ("Ivanova", "ivanova"),
    ("Brown", "brown"),
    ("Yılmaz", "yilmaz"),
];
const MAIL_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];
const LOYALTY: [&str; 4] = ["Bronze", "Silver", "Gold", "Platinum"];

/// Tickets per hour of day (UTC) and per weekday (Monday first), relative.
const HOUR_WEIGHTS: [u32; 24] = [
    2, 1, 1, 1, 1, 2, 4, 7, 11, 14, 15, 15, 13, 13, 14, 13, 12, 10, 8, 7, 6, 5, 4, 3,
];
const WEEKDAY_WEIGHTS: [u32; 7] = [118, 108, 100, 100, 92, 45, 38];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Topic {
    Wismo,
    Refund,
    Cancel,
    Billing,
    Bug,
    Returns,
    Feedback,
    Spam,
    Account,
    Gdpr,
}

const TOPICS: [Topic; 10] = [
    Topic::Wismo,
    Topic::Refund,
    Topic::Cancel,
    Topic::Billing,
    Topic::Bug,
    Topic::Returns,
    Topic::Feedback,
    Topic::Spam,
    Topic::Account,
    Topic::Gdpr,
];
const TOPIC_WEIGHTS: [u32; 10] = [240, 140, 60, 100, 80, 100, 60, 90, 80, 1];

impl Topic {
    fn has_order(self) -> bool {
        matches!(
            self,
            Topic::Wismo | Topic::Refund | Topic::Cancel | Topic::Returns
        )
    }

    /// Tags an agent would add, in order of preference.
    fn tags(self) -> &'static [&'static str] {
        match self {
            Topic::Wismo => &["wismo", "shipping"],
            Topic::Refund => &["refund", "returns"],
            Topic::Cancel => &["cancellation", "billing"],
            Topic::Billing => &["billing"],
            Topic::Bug => &["bug"],
            Topic::Returns => &["returns", "shipping"],
            Topic::Feedback => &["feedback"],
            Topic::Spam => &["spam"],
            Topic::Account => &["account"],
            Topic::Gdpr => &["gdpr"],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Topic::Wismo => "Order status",
            Topic::Refund => "Refund",
            Topic::Cancel => "Cancellation",
            Topic::Billing => "Billing",
            Topic::Bug => "Technical",
            Topic::Returns => "Return",
            Topic::Feedback => "Feedback",
            Topic::Spam => "Spam",
            Topic::Account => "Account",
            Topic::Gdpr => "Privacy request",
        }
    }
}

fn subject(topic: Topic, order: Option<u32>, v: usize) -> String {
    let o = order.map(|n| format!("#{n}")).unwrap_or_default();
    let s = match (topic, v) {
        (Topic::Wismo, 0) => return format!("Where is my order {o}?"),
        (Topic::Wismo, 1) => return format!("Order {o} hasn't arrived yet"),
        (Topic::Wismo, _) => return format!("Tracking for {o} stopped updating"),
        (Topic::Refund, 0) => return format!("Refund request for order {o}"),
        (Topic::Refund, 1) => return format!("Item arrived damaged, refund please ({o})"),
        (Topic::Refund, _) => return format!("Can I get my money back for {o}?"),
        (Topic::Cancel, 0) => return format!("Please cancel order {o}"),
        (Topic::Cancel, _) => return format!("Cancel {o} before it ships"),
        (Topic::Returns, 0) => return format!("Return label for order {o}"),
        (Topic::Returns, 1) => return format!("Exchange for a different size ({o})"),
        (Topic::Returns, _) => return format!("How do I return part of {o}?"),
        (Topic::Billing, 0) => "Charged twice this month",
        (Topic::Billing, 1) => "Question about my invoice",
        (Topic::Billing, _) => "Card declined but money was taken",
        (Topic::Bug, 0) => "App crashes at checkout",
        (Topic::Bug, 1) => "Discount code not applying",
        (Topic::Bug, _) => "Can't see my order history",
        (Topic::Feedback, 0) => "Love the new packaging!",
        (Topic::Feedback, 1) => "Suggestion: dark mode for the app",
        (Topic::Feedback, _) => "Delivery driver was great",
        (Topic::Spam, 0) => "💰 Claim your crypto giveaway now",
        (Topic::Spam, 1) => "SEO services for acme-support.test",
        (Topic::Spam, _) => "Guest post opportunity (paid)",
        (Topic::Account, 0) => "Can't reset my password",
        (Topic::Account, 1) => "Change the email on my account",
        (Topic::Account, _) => "Update my shipping address",
        (Topic::Gdpr, 0) => "Please delete all my data (GDPR)",
        (Topic::Gdpr, _) => "Right to erasure request",
    };
    s.to_string()
}

// ---------------------------------------------------------------------------------------------
// Event building.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    System,
    User(usize),
}

/// Who performed an action and through what.
#[derive(Clone, Copy)]
struct By {
    who: Who,
    via: Option<Via>,
}

fn user(a: usize) -> By {
    By {
        who: Who::User(a),
        via: None,
    }
}

fn user_via(a: usize, v: Via) -> By {
    By {
        who: Who::User(a),
        via: Some(v),
    }
}

fn sys(v: Via) -> By {
    By {
        who: Who::System,
        via: Some(v),
    }
}

const SYSTEM: By = By {
    who: Who::System,
    via: None,
};

struct Ev {
    id: String,
    name: Option<String>,
    by: By,
    related: Vec<Value>,
    changes: Vec<Value>,
    meta: Option<Value>,
}

impl Ev {
    fn new(id: impl Into<String>, name: impl Into<String>, by: By) -> Ev {
        Ev {
            id: id.into(),
            name: Some(name.into()),
            by,
            related: Vec::new(),
            changes: Vec::new(),
            meta: None,
        }
    }

    fn anon(id: impl Into<String>, by: By) -> Ev {
        let mut e = Ev::new(id, "", by);
        e.name = None;
        e
    }

    /// A change; a `null` old or new is left out (a creation, a removal).
    fn chg(mut self, field: &str, old: Value, new: Value) -> Ev {
        let mut m = Map::new();
        m.insert("field".into(), Value::String(field.into()));
        if !old.is_null() {
            m.insert("old".into(), old);
        }
        if !new.is_null() {
            m.insert("new".into(), new);
        }
        self.changes.push(Value::Object(m));
        self
    }

    /// A related object; empty `role` or `name` are left out.
    fn rel(mut self, kind: &str, id: &str, role: &str, name: &str) -> Ev {
        let mut m = Map::new();
        m.insert("type".into(), Value::String(kind.into()));
        m.insert("id".into(), Value::String(id.into()));
        if !role.is_empty() {
            m.insert("role".into(), Value::String(role.into()));
        }
        if !name.is_empty() {
            m.insert("name".into(), Value::String(name.into()));
        }
        self.related.push(Value::Object(m));
        self
    }

    fn meta(mut self, v: Value) -> Ev {
        self.meta = Some(v);
        self
    }
}

fn agent_ref(a: usize) -> Value {
    json!({"id": AGENTS[a].id, "name": AGENTS[a].name})
}

fn weekday(day: i64) -> usize {
    // 1970-01-01 was a Thursday; 0 = Monday.
    (day + 3).rem_euclid(7) as usize
}

struct Customer {
    id: u32,
    first: usize,
    last: usize,
    vip: bool,
    tier: usize,
    gone: bool,
}

/// A ticket being worked on.
struct Tk {
    n: u32,
    topic: Topic,
    id: String,
    subject: String,
    created: i64,
    cust: usize,
    chan: usize,
    tags: Vec<&'static str>,
    team: Option<usize>,
    assignee: Option<usize>,
    status: &'static str,
    priority: &'static str,
    order: Option<u32>,
}

struct Gen<'c> {
    catalog: &'c Catalog,
    rng: Rng,
    seed: u64,
    now: i64,
    start: i64,
    target: usize,
    out: Vec<(i64, Value)>,
    objs: Vec<Obj>,
    customers: Vec<Customer>,
    next_ticket: u32,
    next_customer: u32,
    next_order: u32,
    next_message: u64,
    next_suggestion: u32,
    /// The last moment of the coverage phase; configuration churn starts after it.
    cover_end: i64,
    /// The change-request ticket the admin's current piece of work is filed under, if any.
    change_request: Option<String>,
    next_change: u32,
}

impl<'c> Gen<'c> {
    fn new(catalog: &'c Catalog, opts: &DemoOptions) -> Self {
        let now = opts.now_micros;
        let span = i64::from(opts.days.max(1)).saturating_mul(DAY);
        let start = now.saturating_sub(span).max(0).min(now);
        let mut rng = Rng(mix64(opts.seed ^ 0xA0D1_7106_DE30_0001));
        let customers = (0..400)
            .map(|i| Customer {
                id: 40_001 + i,
                first: rng.below(FIRST_NAMES.len()),
                last: rng.below(LAST_NAMES.len()),
                vip: rng.chance(0.08),
                tier: rng.below(3),
                gone: false,
            })
            .collect();
        Gen {
            catalog,
            rng,
            seed: opts.seed,
            now,
            start,
            target: opts.events,
            out: Vec::with_capacity(opts.events + 64),
            objs: objects(),
            customers,
            next_ticket: 10_233,
            next_customer: 40_400,
            next_order: 5_120,
            next_message: 880_000,
            next_suggestion: 0,
            cover_end: start,
            change_request: None,
            next_change: 1040,
        }
    }

    /// Adds one event; false when `t` is outside the period. An action the catalog does not
    /// know is skipped (and counts as done).
    fn emit(&mut self, t: i64, action: &str, ev: Ev) -> bool {
        if t > self.now || t < self.start {
            return false;
        }
        let catalog = self.catalog;
        let Some(a) = catalog.action(action) else {
            return true;
        };
        let mut m = Map::new();
        m.insert("occurred_at".into(), Value::String(format_micros(t)));
        m.insert("action".into(), Value::String(a.name.clone()));
        let mut ent = Map::new();
        ent.insert("type".into(), Value::String(a.entity_type.clone()));
        ent.insert("id".into(), Value::String(ev.id));
        if let Some(n) = ev.name {
            ent.insert("name".into(), Value::String(n));
        }
        m.insert("entity".into(), Value::Object(ent));
        let mut ctx = Map::new();
        let actor = match ev.by.who {
            Who::System => json!({"type": "system"}),
            Who::User(i) => {
                let ag = &AGENTS[i];
                let day = t.div_euclid(DAY);
                let h = mix64(self.seed ^ ((i as u64 + 1) << 40) ^ (day as u64));
                let ip = if weekday(day) >= 5 || h.is_multiple_of(5) {
                    ag.home_ip
                } else {
                    OFFICE_IPS[((h >> 8) & 1) as usize]
                };
                ctx.insert("ip".into(), json!(ip));
                ctx.insert("user_agent".into(), json!(ag.user_agent));
                ctx.insert("session_id".into(), json!(format!("sess_{:016x}", h)));
                json!({"type": "user", "id": ag.id, "name": ag.name, "email": ag.email})
            }
        };
        m.insert("actor".into(), actor);
        if let Some(v) = ev.by.via {
            m.insert(
                "via".into(),
                json!({"type": v.kind, "id": v.id, "name": v.name}),
            );
            if ev.by.who == Who::System && !v.ua.is_empty() {
                ctx.insert("ip".into(), json!(API_IP));
                ctx.insert("user_agent".into(), json!(v.ua));
            }
        }
        if !ev.related.is_empty() {
            m.insert("related".into(), Value::Array(ev.related));
        }
        if !ev.changes.is_empty() {
            m.insert("changes".into(), Value::Array(ev.changes));
        }
        if !ctx.is_empty() {
            let r = self.rng.next_u64();
            ctx.insert("request_id".into(), json!(format!("req_{r:016x}")));
            m.insert("context".into(), Value::Object(ctx));
        }
        if let Some(meta) = ev.meta {
            m.insert("metadata".into(), meta);
        }
        self.out.push((t, Value::Object(m)));
        true
    }

    /// [`Gen::emit`] for stories: `None` stops the story (the moment is past `now`).
    fn put(&mut self, t: i64, action: &str, ev: Ev) -> Option<()> {
        self.emit(t, action, ev).then_some(())
    }

    // ----- time and shifts

    fn works(&self, a: usize, day: i64) -> bool {
        let ag = &AGENTS[a];
        day >= self.start.div_euclid(DAY) + ag.starts_after
            && (ag.days >> weekday(day)) & 1 == 1
            && mix64(self.seed ^ 0x0FF_DA75 ^ ((a as u64) << 48) ^ (day as u64)) % 100 >= 4
    }

    /// The part of a working day in which the agent acts on tickets (after logging in).
    fn window(a: usize, day: i64) -> (i64, i64) {
        let (s, e) = AGENTS[a].shift;
        (
            day * DAY + s * HOUR + 20 * MIN,
            day * DAY + e * HOUR - 30 * MIN,
        )
    }

    /// On some days an agent's session times out around lunch and they log in again a few
    /// minutes later; they do nothing in between.
    fn idle_gap(&self, a: usize, day: i64) -> Option<(i64, i64)> {
        let h = mix64(self.seed ^ 0x1D1E_6A95 ^ ((a as u64) << 40) ^ (day as u64));
        if !h.is_multiple_of(10) {
            return None;
        }
        let (s, e) = Self::window(a, day);
        let from = s + 2 * HOUR + ((h >> 8) as i64).rem_euclid((e - s - 4 * HOUR).max(1));
        let len = (3 + ((h >> 40) % 23) as i64) * MIN;
        Some((from, from + len))
    }

    fn is_on(&self, a: usize, t: i64) -> bool {
        let day = t.div_euclid(DAY);
        let (s, e) = Self::window(a, day);
        s <= t
            && t < e
            && self.works(a, day)
            && self
                .idle_gap(a, day)
                .is_none_or(|(gs, ge)| t < gs || t >= ge)
    }

    /// The first moment at or after `t` when the agent is at work.
    fn shift_time(&mut self, a: usize, t: i64) -> Option<i64> {
        let d0 = t.div_euclid(DAY);
        for day in d0..d0 + 21 {
            if !self.works(a, day) {
                continue;
            }
            let (s, e) = Self::window(a, day);
            if t < s {
                return Some(s + self.rng.range(0, 45 * MIN));
            }
            if t < e {
                return match self.idle_gap(a, day) {
                    Some((gs, ge)) if gs <= t && t < ge => Some(ge + self.rng.range(0, 5 * MIN)),
                    _ => Some(t),
                };
            }
        }
        None
    }

    /// [`Gen::shift_time`] after a random delay in `lo..hi`.
    fn shift_after(&mut self, a: usize, t: i64, (lo, hi): (i64, i64)) -> Option<i64> {
        let d = self.rng.range(lo, hi);
        self.shift_time(a, t + d)
    }

    /// [`Gen::pick_agent`] after a random delay in `lo..hi`.
    fn pick_after(
        &mut self,
        t: i64,
        (lo, hi): (i64, i64),
        team: Option<usize>,
    ) -> Option<(usize, i64)> {
        let d = self.rng.range(lo, hi);
        self.pick_agent(t + d, team)
    }

    /// An agent (of `team` if given) to act at `t`, or the first one to come on shift.
    fn pick_agent(&mut self, t: i64, team: Option<usize>) -> Option<(usize, i64)> {
        let members = |a: &usize| team.is_none_or(|tm| AGENTS[*a].team == tm);
        let on: Vec<usize> = (0..AGENTS.len())
            .filter(members)
            .filter(|&a| self.is_on(a, t))
            .collect();
        if !on.is_empty() {
            return Some((*self.rng.pick(&on), t));
        }
        let mut best: Option<(usize, i64)> = None;
        for a in (0..AGENTS.len()).filter(members) {
            if let Some(ta) = self.shift_time(a, t)
                && best.is_none_or(|(_, b)| ta < b)
            {
                best = Some((a, ta));
            }
        }
        if team.is_some()
            && best.is_none_or(|(_, b)| b > t + 4 * HOUR)
            && let Some(alt) = self.pick_agent(t, None)
            && best.is_none_or(|(_, b)| alt.1 < b)
        {
            best = Some(alt);
        }
        best
    }

    /// Someone on shift right now, if anyone.
    fn on_duty(&mut self, t: i64) -> Option<usize> {
        let on: Vec<usize> = (0..AGENTS.len()).filter(|&a| self.is_on(a, t)).collect();
        (!on.is_empty()).then(|| *self.rng.pick(&on))
    }

    fn first_day(&self) -> i64 {
        self.start.div_euclid(DAY)
    }

    fn last_day(&self) -> i64 {
        self.now.div_euclid(DAY)
    }

    /// Relative weight of tickets arriving on `day` (only the part inside the period counts).
    fn day_weight(&self, day: i64) -> u64 {
        let hours: u64 = (0..24)
            .filter(|&h| self.hour_in_period(day, h))
            .map(|h| u64::from(HOUR_WEIGHTS[h as usize]))
            .sum();
        hours * u64::from(WEEKDAY_WEIGHTS[weekday(day)])
    }

    fn hour_in_period(&self, day: i64, h: i64) -> bool {
        let s = day * DAY + h * HOUR;
        s + HOUR > self.start && s <= self.now
    }

    /// A ticket arrival time on `day`, following the hourly rhythm.
    fn time_in_day(&mut self, day: i64) -> i64 {
        let ws: Vec<u32> = (0..24)
            .map(|h| {
                if self.hour_in_period(day, h) {
                    HOUR_WEIGHTS[h as usize]
                } else {
                    0
                }
            })
            .collect();
        let h = if ws.iter().any(|&w| w > 0) {
            self.rng.weighted(&ws) as i64
        } else {
            0
        };
        // Uniform within the part of that hour inside the period.
        let lo = (day * DAY + h * HOUR).max(self.start);
        let hi = (day * DAY + (h + 1) * HOUR).min(self.now + 1);
        self.rng.range(lo, hi).clamp(self.start, self.now)
    }

    // ----- customers and orders

    fn cust_id(&self, c: usize) -> String {
        format!("cus_{}", self.customers[c].id)
    }

    fn cust_name(&self, c: usize) -> String {
        let cu = &self.customers[c];
        format!("{} {}", FIRST_NAMES[cu.first].0, LAST_NAMES[cu.last].0)
    }

    fn cust_email(&self, c: usize) -> String {
        let cu = &self.customers[c];
        format!(
            "{}.{}@{}",
            FIRST_NAMES[cu.first].1,
            LAST_NAMES[cu.last].1,
            MAIL_DOMAINS[cu.id as usize % 3]
        )
    }

    fn add_customer(&mut self) -> usize {
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
    fn new_customer(&mut self, t: i64, by: By) -> usize {
        let c = self.add_customer();
        let ev = Ev::new(self.cust_id(c), self.cust_name(c), by)
            .chg("name", Value::Null, json!(self.cust_name(c)))
            .chg("email", Value::Null, json!(self.cust_email(c)));
        self.emit(t, "customer.created", ev);
        c
    }

    fn existing_customer(&mut self) -> usize {
        for _ in 0..10 {
            let c = self.rng.below(self.customers.len());
            if !self.customers[c].gone {
                return c;
            }
        }
        self.add_customer()
    }

    fn new_order(&mut self) -> u32 {
        self.next_order += 1 + self.rng.below(3) as u32;
        self.next_order
    }

    fn message_id(&mut self) -> String {
        self.next_message += 1 + self.rng.below(4) as u64;
        format!("msg_{}", self.next_message)
    }

    // ----- coverage: every catalog action, early in the period

    fn coverage(&mut self) {
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
    fn when(&mut self, a: usize, t: i64, deadline: i64) -> i64 {
        self.shift_time(a, t)
            .filter(|&x| x <= deadline.min(self.now))
            .unwrap_or(t)
    }

    fn cover(&mut self, a: &Action, t: i64, deadline: i64) {
        let admin = ADMINS[self.rng.below(ADMINS.len())];
        let kind = a.entity_type.as_str();
        let verb = a.verb.as_str();
        let done = match (kind, verb) {
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
    fn old_ticket(&mut self) -> Tk {
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

    fn cover_ticket(&mut self, verb: &str, t: i64, deadline: i64) -> bool {
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

    fn cover_customer(&mut self, kind: &str, verb: &str, t: i64, deadline: i64) -> bool {
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

    // ----- the staff: shifts and logins (configuration work is in `config`)

    fn staff_days(&mut self) {
        for day in self.first_day()..=self.last_day() {
            for a in 0..AGENTS.len() {
                if self.works(a, day) {
                    self.shift(a, day);
                }
            }
            let wd = weekday(day);
            if self.rng.chance(0.07) {
                let t = day * DAY + self.rng.range(2 * HOUR, 5 * HOUR);
                if t > self.cover_end {
                    self.suggestion(t);
                }
            }
            if wd < 5 && self.rng.chance(0.02) {
                // A test customer record cleaned up.
                let t = day * DAY + self.rng.range(10 * HOUR, 16 * HOUR);
                if self.is_on(0, t) {
                    self.next_customer += 1;
                    let id = format!("cus_{}", self.next_customer);
                    let ev = Ev::new(id, "QA Test Customer", user(0))
                        .meta(json!({"reason": "test record"}));
                    self.emit(t, "customer.deleted", ev);
                }
            }
        }
    }

    /// One agent's working day: log in, maybe an idle timeout, maybe a password change, log out.
    fn shift(&mut self, a: usize, day: i64) {
        let ag = &AGENTS[a];
        let me = || Ev::new(ag.id, ag.name, user(a));
        let login = day * DAY + ag.shift.0 * HOUR - self.rng.range(0, 20 * MIN);
        let logout = day * DAY + ag.shift.1 * HOUR + self.rng.range(0, 25 * MIN);
        if self.rng.chance(0.012) {
            let t = login - self.rng.range(2 * MIN, 10 * MIN);
            self.emit(
                t,
                "user.password_reset",
                me().meta(json!({"initiated_by": "user", "method": "email_link"})),
            );
        }
        let sso = json!({"method": "sso", "provider": "Okta", "mfa": true});
        self.emit(login, "user.logged_in", me().meta(sso.clone()));
        if let Some((gs, ge)) = self.idle_gap(a, day) {
            let out = gs + self.rng.range(0, 30 * SEC);
            let back = ge - self.rng.range(SEC, MIN);
            let reason = json!({"reason": "idle_timeout"});
            self.emit(out, "user.logged_out", me().meta(reason));
            self.emit(back, "user.logged_in", me().meta(sso));
        }
        if self.rng.chance(0.02) {
            let t = login + self.rng.range(5 * MIN, 3 * HOUR);
            self.emit(
                t,
                "user.password_changed",
                me().meta(json!({"mfa_verified": true})),
            );
        }
        if self.rng.chance(0.9) {
            self.emit(
                logout,
                "user.logged_out",
                me().meta(json!({"reason": "user"})),
            );
        }
    }

    // ----- tickets

    fn tickets(&mut self) {
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

    fn tev(tk: &Tk, by: By) -> Ev {
        Ev::new(tk.id.clone(), tk.subject.clone(), by)
    }

    fn created(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<()> {
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

    fn status(
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

    fn tags_add(&mut self, t: i64, tk: &mut Tk, by: By, tags: &[&'static str]) -> Option<()> {
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

    fn tags_remove(&mut self, t: i64, tk: &mut Tk, by: By, tag: &str) -> Option<()> {
        let old = tk.tags.clone();
        tk.tags.retain(|x| *x != tag);
        let ev = Self::tev(tk, by).chg("tags", json!(old), json!(tk.tags));
        self.put(t, "ticket.tags_removed", ev)
    }

    fn team(&mut self, t: i64, tk: &mut Tk, by: By, team: usize) -> Option<()> {
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

    fn team_off(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<()> {
        let team = tk.team.unwrap_or(TIER1);
        let ev = Self::tev(tk, by)
            .chg("team", json!(TEAMS[team].1), Value::Null)
            .rel("team", TEAMS[team].0, "team", TEAMS[team].1);
        tk.team = None;
        self.put(t, "ticket.team_unassigned", ev)
    }

    fn assign(&mut self, t: i64, tk: &mut Tk, by: By, a: usize) -> Option<()> {
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

    fn unassign(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<()> {
        let a = tk.assignee.unwrap_or(1);
        let ev = Self::tev(tk, by)
            .chg("assignee", agent_ref(a), Value::Null)
            .rel("user", AGENTS[a].id, "previous_assignee", AGENTS[a].name);
        tk.assignee = None;
        self.put(t, "ticket.unassigned", ev)
    }

    /// An agent's reply: the ticket waits on the customer.
    fn reply(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<()> {
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
    fn customer_reply(&mut self, t: i64, tk: &mut Tk) -> Option<()> {
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

    fn priority(&mut self, t: i64, tk: &mut Tk, by: By, new: &'static str) -> Option<()> {
        if tk.priority == new {
            return Some(());
        }
        let ev = Self::tev(tk, by).chg("priority", json!(tk.priority), json!(new));
        tk.priority = new;
        self.put(t, "ticket.updated", ev)
    }

    /// Snoozes the ticket; returns for how many hours.
    fn snooze(&mut self, t: i64, tk: &mut Tk, by: By) -> Option<i64> {
        let hours = if by.via.is_some_and(|v| v.id == R_SNOOZE.id) && self.rng.chance(0.3) {
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

    fn unsnooze(&mut self, t: i64, tk: &mut Tk, since: i64) -> Option<()> {
        let ev = Self::tev(tk, SYSTEM)
            .chg("status", json!("snoozed"), json!("open"))
            .chg("snooze_until", json!(format_micros(t)), Value::Null)
            .meta(json!({"snoozed_at": format_micros(since)}));
        tk.status = "open";
        self.put(t, "ticket.self_unsnoozed", ev)
    }

    fn subject_update(&mut self, t: i64, tk: &mut Tk, a: usize) -> Option<()> {
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

    fn change_customer(&mut self, t: i64, tk: &mut Tk, a: usize) -> Option<()> {
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

    fn customer_update(&mut self, t: i64, c: usize, a: usize) -> Option<()> {
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

    fn customer_merge(&mut self, t: i64, c: usize, a: usize) -> Option<()> {
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
    fn profile_delete(&mut self, t: i64, c: usize, request: Option<&Tk>) -> Option<()> {
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

    fn order_event(
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

    fn conversation_event(&mut self, t: i64, tk: &Tk, verb: &str, a: usize) -> Option<()> {
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

    fn message_event(&mut self, t: i64, tk: &Tk, verb: &str) -> Option<()> {
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
    fn merge(&mut self, t: i64, keep: &Tk, dup: &Tk, a: usize) -> Option<()> {
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

    /// One ticket from arrival to close (or to `now`).
    fn ticket_story(&mut self, t0: i64) -> Option<()> {
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

    fn spam_story(&mut self, t0: i64, tk: &mut Tk) -> Option<()> {
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
    fn work(&mut self, t0: i64, tk: &mut Tk, topic: Topic, route: bool) -> Option<()> {
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

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::OnceLock;

    use super::*;
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
            .filter(|v| {
                catalog.action(action(v)).expect("catalog action").category == "configuration"
            })
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
                        && config.iter().any(|v| {
                            v["entity"]["id"] == id.as_str() && v["entity"]["type"] == kind
                        })
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
}
