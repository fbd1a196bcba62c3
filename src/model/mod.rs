//! Domain types shared by every layer: events as clients send them, organizations, API keys,
//! timestamps. No HTTP and no SQL here.

pub mod catalog;
pub mod chain;
pub mod checkpoint;
pub mod event;
pub mod merkle;
pub mod time;

use serde::{Deserialize, Serialize};

pub use catalog::Catalog;

/// What an API key may do. `admin` includes `read` and `write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Read,
    Write,
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    /// Whether a key of this scope may do what `needed` allows.
    pub fn allows(self, needed: Scope) -> bool {
        self == Scope::Admin || self == needed
    }
}

/// An organization: the tenant boundary. Every event and key belongs to exactly one.
/// A store row: clients see `api::views::OrgView`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Microseconds.
    pub created_at: i64,
}

/// An API key as listed (never the secret itself). A store row: clients see
/// `api::views::KeyView`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub id: String,
    pub org: String,
    pub scope: Scope,
    pub name: String,
    /// The first characters of the secret, enough to recognise it in a list.
    pub prefix: String,
    /// Microseconds.
    pub created_at: i64,
    /// Microseconds; `None` while active.
    pub revoked_at: Option<i64>,
}

/// Validates an org slug: 2 to 64 characters of `a-z`, `0-9` and `-`, starting with a letter or digit.
pub fn validate_slug(slug: &str) -> Result<(), String> {
    let ok_len = (2..=64).contains(&slug.len());
    let ok_chars = slug
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let ok_start = slug.bytes().next().is_some_and(|b| b != b'-');
    if ok_len && ok_chars && ok_start {
        Ok(())
    } else {
        Err("slug must be 2 to 64 characters of a-z, 0-9 and '-', not starting with '-'".into())
    }
}

/// A fresh ULID (time-ordered, 80 random bits) as 26 Crockford base32 characters.
pub fn new_ulid() -> String {
    let ms = jiff::Timestamp::now().as_millisecond().max(0) as u64;
    ulid::Ulid::from_parts(ms, u128::from_le_bytes(random16())).to_string()
}

/// 16 bytes from the OS's random source, drawn 4 KiB at a time per thread (an id per event
/// was a system call per event).
fn random16() -> [u8; 16] {
    const BUF: usize = 4096;
    thread_local! {
        static POOL: std::cell::RefCell<(usize, [u8; BUF])> =
            const { std::cell::RefCell::new((BUF, [0u8; BUF])) };
    }
    let mut r = [0u8; 16];
    let drawn = POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let (used, buf) = &mut *pool;
        if *used + 16 > BUF {
            getrandom::fill(buf).ok()?;
            *used = 0;
        }
        r.copy_from_slice(&buf[*used..*used + 16]);
        *used += 16;
        Some(())
    });
    // getrandom only fails without an OS entropy source; fall back to the clock's nanoseconds
    // mixed with a counter, which still gives unique, sortable ids in one process.
    if drawn.is_none() {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = jiff::Timestamp::now().as_nanosecond() as u64;
        r[..8].copy_from_slice(&t.to_le_bytes());
        r[8..].copy_from_slice(&n.to_le_bytes());
    }
    r
}
