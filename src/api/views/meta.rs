//! Health and readiness.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Status {
    #[schema(value_type = String)]
    pub status: &'static str,
}

impl Status {
    /// `/healthz`.
    pub const OK: Status = Status { status: "ok" };
    /// `/readyz`.
    pub const READY: Status = Status { status: "ready" };
}
