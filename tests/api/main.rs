//! Black-box integration tests: the real server on a random port, spoken to over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

/// This target runs the suite on SQLite; `tests/api_pg` runs it again on PostgreSQL.
pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

mod access;
mod admin;
mod auth;
mod authz;
mod catalog_custom;
mod cli;
mod contract;
mod demo;
mod diskfull;
mod helpers;
mod hostile;
mod ingest;
mod integrity;
mod limits;
mod logs;
mod openapi;
#[path = "../common/pg.rs"]
mod pg;
mod query;
mod reports;
mod torture;
mod web;
