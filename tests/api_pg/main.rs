//! The HTTP suite again, from the same source files, on PostgreSQL: every server these
//! tests start uses a schema of its own in `AUDITLOG_TEST_POSTGRES_URL` (skipped when it is
//! not set; `.ci/run` sets it). Plus what only a shared database has: several nodes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub const BACKEND: helpers::Backend = helpers::Backend::Postgres;

#[path = "../api/access.rs"]
mod access;
#[path = "../api/admin.rs"]
mod admin;
#[path = "../api/auth.rs"]
mod auth;
#[path = "../api/authz.rs"]
mod authz;
#[path = "../api/catalog_custom.rs"]
mod catalog_custom;
#[path = "../api/contract.rs"]
mod contract;
#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../api/hostile.rs"]
mod hostile;
#[path = "../api/ingest.rs"]
mod ingest;
#[path = "../api/integrity.rs"]
mod integrity;
#[path = "../api/limits.rs"]
mod limits;
mod multinode;
#[path = "../common/pg.rs"]
mod pg;
#[path = "../api/query.rs"]
mod query;
#[path = "../api/reports.rs"]
mod reports;
#[path = "../api/torture.rs"]
mod torture;
#[path = "../api/web.rs"]
mod web;
