//! The failpoint cases of `tests/failpoints` on PostgreSQL (skipped without
//! `AUDITLOG_TEST_POSTGRES_URL`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub const BACKEND: helpers::Backend = helpers::Backend::Postgres;

#[path = "../failpoints/cases.rs"]
mod cases;
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../common/pg.rs"]
#[allow(dead_code)]
mod pg;
