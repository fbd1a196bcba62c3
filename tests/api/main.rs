//! Black-box integration tests: the real server on a random port, spoken to over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod authz;
mod cli;
mod helpers;
mod hostile;
mod ingest;
mod integrity;
mod logs;
mod query;
mod reports;
mod torture;
