//! What a viewer token may read, applied to typed requests: a token limited to categories
//! answers a request without `category` as if it named the token's categories; a request
//! that names another category (or `category=all`, unless the token may read every
//! category) is refused with 403; an event of another category answers 404 like a missing
//! one; the integrity endpoints refuse viewer tokens. (Minting and authenticating tokens is
//! `viewing.rs`.)

use std::borrow::Cow;

use super::requests::EventFilters;
use super::{Principal, Service, ServiceError, query};

impl Service {
    /// Narrows a report request's filters to what `p` may read: for a viewer token limited
    /// to categories, `category` defaults to them, and naming another one is refused.
    pub(super) fn scope_filters(
        &self,
        p: &Principal,
        filters: &mut EventFilters,
    ) -> Result<(), ServiceError> {
        let Principal::Viewer {
            categories: Some(allowed),
            ..
        } = p
        else {
            return Ok(());
        };
        let Some(named) = &filters.category else {
            filters.category = Some(allowed.clone());
            return Ok(());
        };
        let not_allowed = |c: &str| !allowed.iter().any(|a| a == c);
        for c in named {
            // `category=all` names every category: allowed only to a token that may read
            // them all
            let refused = if c == query::ALL_CATEGORIES {
                self.catalog
                    .categories
                    .iter()
                    .map(|k| k.name.as_str())
                    .find(|k| not_allowed(k))
                    .map(|k| format!("{k:?} (category=all names every category)"))
            } else {
                not_allowed(c).then(|| format!("{c:?}"))
            };
            if let Some(what) = refused {
                return Err(ServiceError::Forbidden(format!(
                    "this viewer token may read only these categories: {}; not {what}",
                    allowed.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// Whether a viewer token may see a stored event (by its category).
    pub(super) fn may_see(&self, p: &Principal, body: &str) -> bool {
        let Principal::Viewer {
            categories: Some(allowed),
            ..
        } = p
        else {
            return true;
        };
        #[derive(serde::Deserialize)]
        struct Cat<'a> {
            #[serde(borrow)]
            category: Cow<'a, str>,
        }
        serde_json::from_str::<Cat<'_>>(body)
            .is_ok_and(|c| allowed.iter().any(|a| *a == c.category))
    }

    /// Refuses viewer tokens on endpoints they are not for (integrity proofs and
    /// checkpoints reveal counts and ids across categories).
    pub(super) fn not_viewer(&self, p: &Principal) -> Result<(), ServiceError> {
        match p {
            Principal::Viewer { .. } => Err(ServiceError::Forbidden(
                "viewer tokens open the report only; use a read key for integrity endpoints".into(),
            )),
            _ => Ok(()),
        }
    }
}
