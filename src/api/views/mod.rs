//! What the API answers, as types: each response body is a view here (`Serialize` for the
//! handlers, `ToSchema` for the OpenAPI document), built from the service's results with
//! `From`, so that the document describes the very types the handlers send. Store rows
//! (`model::Org`, `model::KeyInfo`) and the service's results never reach a client as they
//! are: the views choose the members and their format (times as RFC 3339 text, hashes as
//! base64 or hex).
//!
//! | file | views |
//! |---|---|
//! | `catalog.rs` | a platform-defined catalog entry as stored |
//! | `errors.rs` | the error body, and the error responses every operation shares (`BadRequest`, `Unauthorized`, ...) |
//! | `orgs.rs` | orgs, keys, a created org or key |
//! | `viewer.rs` | a minted viewer token, `whoami` |
//! | `integrity.rs` | public keys, checkpoints, proofs, the retention cut, verification, settings |
//! | `events.rs` | the ingest receipt, a page of events, Event Counts, the histogram |
//! | `meta.rs` | health and readiness |
//!
//! What the handlers do not build as a value (the catalog file and stored events, sent as
//! the text the server holds; query strings and the ingest body, parsed by hand) is
//! described by the doc-only types of `api/doc_only.rs`.

mod catalog;
mod errors;
mod events;
mod integrity;
mod meta;
mod orgs;
mod viewer;

pub use catalog::*;
pub use errors::*;
pub use events::*;
pub use integrity::*;
pub use meta::*;
pub use orgs::*;
pub use viewer::*;
