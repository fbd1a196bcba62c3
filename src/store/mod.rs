//! Storage: the [`Store`] trait and its backends. All SQL lives below this module.
//!
//! Architecture invariant: every method that touches events or keys takes the org's id, and
//! every statement filters by it.

pub mod sqlite;

use async_trait::async_trait;

use crate::model::chain::PreparedEvent;
use crate::model::{KeyInfo, Org, Scope};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// An event id was used before with other content. `index` is the event's position in
    /// the request.
    #[error("event id {id} was already used for an event with different content")]
    IdConflict { index: usize, id: String },
    /// The database cannot take the request now (busy, disk full, I/O error).
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("storage error: {0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// What became of one event of an append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub id: String,
    pub seq: u64,
    /// The same id with the same content was stored before: nothing new was written.
    pub duplicate: bool,
}

/// A key found by the hash of its secret.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub key_id: String,
    pub org: Org,
    pub scope: Scope,
    pub secret_hash: [u8; 32],
    pub revoked: bool,
}

/// A new key to store; the secret itself never reaches the store.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub id: String,
    pub scope: Scope,
    pub name: String,
    pub prefix: String,
    pub secret_hash: [u8; 32],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Asc,
    Desc,
}

/// A resolved event query: everything already validated and mapped to stored columns.
#[derive(Debug, Clone, PartialEq)]
pub struct EventQuery {
    /// `occurred_at >= from` (microseconds).
    pub from: Option<i64>,
    /// `occurred_at < to` (microseconds).
    pub to: Option<i64>,
    /// `None`: any action. Never empty (an empty selection is answered without a query).
    pub actions: Option<Vec<String>>,
    pub entity_ids: Option<Vec<String>>,
    pub actor_ids: Option<Vec<String>>,
    pub actor_types: Option<Vec<String>>,
    pub order: Order,
    /// Keyset position: strictly after `(occurred_at, seq)` in `order`.
    pub after: Option<(i64, u64)>,
    pub limit: usize,
}

/// One event row as read back.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub seq: u64,
    pub occurred_at: i64,
    /// The canonical JSON body, `hash` included.
    pub body: String,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    async fn create_org(&self, slug: &str, name: &str) -> StoreResult<Org>;
    async fn get_org(&self, slug: &str) -> StoreResult<Option<Org>>;
    async fn list_orgs(&self) -> StoreResult<Vec<Org>>;

    async fn create_key(&self, org: &Org, key: NewKey) -> StoreResult<KeyInfo>;
    async fn list_keys(&self, org: &Org) -> StoreResult<Vec<KeyInfo>>;
    /// Marks a key revoked. `Ok(false)` when the org has no such key (or it was revoked already).
    async fn revoke_key(&self, org: &Org, key_id: &str) -> StoreResult<bool>;
    async fn find_key(&self, secret_hash: &[u8; 32]) -> StoreResult<Option<KeyRecord>>;

    /// Appends events to one org atomically: either every event is stored (or recognised as
    /// a duplicate) and committed durably before this returns, or nothing is.
    async fn append(&self, org: &Org, events: Vec<PreparedEvent>) -> StoreResult<Vec<Appended>>;
    async fn query(&self, org: &Org, q: &EventQuery) -> StoreResult<Vec<EventRow>>;
    async fn get_event(&self, org: &Org, id: &str) -> StoreResult<Option<EventRow>>;
    /// All of an org's bodies in seq order from `from_seq`, at most `limit`.
    async fn events_by_seq(
        &self,
        org: &Org,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<EventRow>>;

    /// Whether the store can serve requests now.
    async fn ready(&self) -> StoreResult<()>;
}
