//! Black-box integration tests: the real server on a random port, spoken to over HTTP.

mod auth;
mod cli;
mod helpers;
mod ingest;
mod query;
