//! Failpoints (the `fail` crate, compiled into the library for tests): a failure before the
//! commit, between the commit and the reply, while signing a checkpoint and in the middle of
//! an export leaves no partial state, and a retry gives exactly one copy. Failpoints are
//! global to the process, so this target's tests take turns; `tests/failpoints_pg` runs the
//! same cases on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub const BACKEND: helpers::Backend = helpers::Backend::Sqlite;

mod cases;
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../common/pg.rs"]
#[allow(dead_code)]
mod pg;
