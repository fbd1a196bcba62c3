//! Black-box integration tests: the real server on a random port, spoken to over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

/// This target runs the suite on SQLite; `tests/api_pg` runs it again on PostgreSQL.
pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

mod auth;
mod cli;
mod helpers;
mod ingest;
mod integrity;
#[path = "../common/pg.rs"]
mod pg;
mod query;
mod reports;
mod web;
