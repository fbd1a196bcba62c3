//! The org, Acme Support: its agents (shifts, devices, home IPs), admins, teams, inboxes and
//! channels; the automations an action goes through (`via`); customers' names.

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

pub(super) const MON_FRI: u8 = 0b001_1111;
pub(super) const TUE_SAT: u8 = 0b011_1110;
pub(super) const WED_SUN: u8 = 0b111_1100;

pub(super) const UA_CHROME_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
pub(super) const UA_FIREFOX_WIN: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
pub(super) const UA_EDGE: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.51";
pub(super) const UA_DESKTOP: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/537.36 (KHTML, like Gecko) AcmeDesk/4.12.0 Chrome/128.0.6613.36 Electron/32.1.2 Safari/537.36";
pub(super) const UA_SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15";
pub(super) const UA_CHROME_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
pub(super) const UA_CHROME_WIN: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

pub(super) static AGENTS: [Agent; 10] = [
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
pub(super) const ADMINS: [usize; 3] = [0, 5, 6];
/// Aisha Bello handles data-protection requests.
pub(super) const COMPLIANCE: usize = 6;
pub(super) const OFFICE_IPS: [&str; 2] = ["203.0.113.24", "203.0.113.25"];
pub(super) const API_IP: &str = "198.51.100.200";

pub(super) const TEAMS: [(&str, &str); 4] = [
    ("team_1", "Tier 1"),
    ("team_2", "Tier 2"),
    ("team_3", "Billing"),
    ("team_4", "VIP Concierge"),
];
pub(super) const TIER1: usize = 0;
pub(super) const TIER2: usize = 1;
pub(super) const BILLING: usize = 2;
pub(super) const VIP_TEAM: usize = 3;

pub(super) const INBOXES: [(&str, &str); 4] = [
    ("ib_401", "Email Support"),
    ("ib_402", "Live Chat"),
    ("ib_403", "Voice"),
    ("ib_404", "VIP"),
];
pub(super) const CHANNELS: [&str; 3] = ["email", "chat", "voice"];
pub(super) const EMAIL: usize = 0;
pub(super) const CHAT: usize = 1;
pub(super) const VOICE: usize = 2;

/// The automation an action went through (`via`); `ua` is the client of an API key.
#[derive(Clone, Copy)]
pub(super) struct Via {
    pub(super) kind: &'static str,
    pub(super) id: &'static str,
    pub(super) name: &'static str,
    pub(super) ua: &'static str,
}

pub(super) const fn via(kind: &'static str, id: &'static str, name: &'static str) -> Via {
    Via {
        kind,
        id,
        name,
        ua: "",
    }
}

pub(super) const R_VIP: Via = via("rule", "rule_101", "Route VIP customers");
pub(super) const R_SPAM: Via = via("rule", "rule_102", "Auto-close spam");
pub(super) const R_REFUND: Via = via("rule", "rule_103", "Tag refund requests");
pub(super) const R_SNOOZE: Via = via("rule", "rule_104", "Auto-snooze awaiting customer");
pub(super) const R_ORDERS: Via = via("rule", "rule_105", "Assign order questions to Tier 1");
pub(super) const R_ANGRY: Via = via("rule", "rule_106", "Escalate angry customers");
pub(super) const R_AUTOCLOSE: Via = via("rule", "rule_107", "Auto-close stale pending tickets");
pub(super) const M_SPAM: Via = via("macro", "mac_201", "Close as spam");
pub(super) const M_REFUND: Via = via("macro", "mac_202", "Refund approved");
pub(super) const M_WISMO: Via = via("macro", "mac_203", "Where is my order?");
pub(super) const M_ESCALATE: Via = via("macro", "mac_204", "Escalate to Tier 2");
pub(super) const M_SNOOZE: Via = via("macro", "mac_205", "Snooze 24h awaiting reply");
pub(super) const M_THANKS: Via = via("macro", "mac_206", "Thank you & close");
pub(super) const I_SHOPIFY: Via = via("integration", "int_301", "Shopify");
pub(super) const I_EMAIL: Via = via("integration", "int_303", "Email: support@acme-support.test");
pub(super) const I_CHAT: Via = via("integration", "int_304", "Live chat widget");
pub(super) const I_VOICE: Via = via("integration", "int_305", "Aircall");
pub(super) const I_OKTA: Via = via("integration", "int_306", "Okta SCIM");
pub(super) const I_AI: Via = via("integration", "int_307", "AI Assist");
pub(super) const A_RETURNS: Via = Via {
    kind: "api",
    id: "key_returns_portal",
    name: "Returns portal",
    ua: "acme-returns-portal/3.4.1 (+https://returns.acme-support.test)",
};
pub(super) const A_TRANSLATE: Via = Via {
    kind: "api",
    id: "key_translation",
    name: "Translation service",
    ua: "acme-translate-worker/1.9.0",
};
pub(super) const A_PII: Via = Via {
    kind: "api",
    id: "key_pii_scrubber",
    name: "PII scrubber",
    ua: "acme-pii-scrubber/0.7.2 python-requests/2.32.3",
};
pub(super) const CHANNEL_VIA: [Via; 3] = [I_EMAIL, I_CHAT, I_VOICE];

pub(super) const FIRST_NAMES: [(&str, &str); 24] = [
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
pub(super) const LAST_NAMES: [(&str, &str); 20] = [
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
pub(super) const MAIL_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];
pub(super) const LOYALTY: [&str; 4] = ["Bronze", "Silver", "Gold", "Platinum"];
