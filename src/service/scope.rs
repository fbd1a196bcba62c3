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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::service::access::normalize_query;
    use crate::service::requests::ListRequest;
    use crate::service::{Limits, Principal};
    use crate::store::sqlite::SqliteStore;

    #[tokio::test]
    async fn a_limited_viewer_reads_its_categories_and_its_record_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("t.db")).unwrap());
        let service = Service::new(store, Limits::default(), None);
        let org = service
            .create_org(&Principal::Operator, "acme", None)
            .await
            .unwrap()
            .org;
        let viewer = |categories: Option<&[&str]>| Principal::Viewer {
            key_id: "k".into(),
            org: org.clone(),
            categories: categories.map(|c| c.iter().map(|s| s.to_string()).collect()),
            expires_at: i64::MAX,
        };
        let limited = viewer(Some(&["security", "activity"]));
        let category = |list: &[&str]| Some(list.iter().map(|s| s.to_string()).collect());

        // no category named: the token's, recorded sorted
        let mut req = ListRequest {
            limit: Some(" 10 ".into()),
            ..ListRequest::default()
        };
        service.scope_filters(&limited, &mut req.filters).unwrap();
        assert_eq!(req.filters.category, category(&["security", "activity"]));
        let recorded = normalize_query(&req);
        assert_eq!(recorded["category"], "activity,security");
        assert_eq!(recorded["limit"], "10");

        // one of its own: kept as named
        let mut req = ListRequest::default();
        req.filters.category = category(&["activity"]);
        service.scope_filters(&limited, &mut req.filters).unwrap();
        assert_eq!(req.filters.category, category(&["activity"]));

        // another one, or all of them: refused
        for (named, not) in [
            ("configuration", "\"configuration\""),
            (
                "all",
                "\"configuration\" (category=all names every category)",
            ),
        ] {
            let mut req = ListRequest::default();
            req.filters.category = category(&["activity", named]);
            match service.scope_filters(&limited, &mut req.filters) {
                Err(ServiceError::Forbidden(m)) => assert_eq!(
                    m,
                    format!(
                        "this viewer token may read only these categories: security, activity; not {not}"
                    )
                ),
                other => panic!("{named}: {other:?}"),
            }
        }

        // a token for every category, and keys, are not narrowed
        for p in [viewer(None), Principal::Operator] {
            let mut req = ListRequest::default();
            service.scope_filters(&p, &mut req.filters).unwrap();
            assert_eq!(req.filters.category, None);
        }
    }
}
