//! Reads of the log: the listing, Event Counts, the histogram, exports and one event. Each
//! answers only the caller's org, narrowed to a viewer token's categories (`viewing.rs`),
//! and is recorded as an access event (`access.rs`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{EventPage, Export, Principal, Report, Service, ServiceError};
use super::{access, export, query, report, validate};
use crate::model::{Org, Scope};

impl Service {
    pub async fn list_events(
        &self,
        p: &Principal,
        raw_query: &str,
    ) -> Result<EventPage, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        let raw_query = &*self.scoped_query(p, raw_query)?;
        let req = query::parse_list(self.catalog, org.id, raw_query)?;
        let page = self.list_page(org, req).await?;
        let facts = access::ReadFacts {
            rows: Some(page.events.len() as u64),
            format: None,
        };
        let q = access::normalize_query(raw_query);
        self.record_read(p, access::ReadKind::List, q, facts).await;
        Ok(page)
    }

    async fn list_page(
        &self,
        org: &Org,
        req: query::ListRequest,
    ) -> Result<EventPage, ServiceError> {
        if req.empty {
            return Ok(EventPage {
                events: Vec::new(),
                next_cursor: None,
            });
        }
        let limit = req.query.limit;
        let mut q = req.query.clone();
        q.limit = limit + 1;
        let mut rows = self.store.query(org, &q).await?;
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last()
                .map(|r| query::encode_cursor(r.occurred_at, r.seq, &req.fingerprint))
        } else {
            None
        };
        Ok(EventPage {
            events: rows.into_iter().map(|r| r.body).collect(),
            next_cursor,
        })
    }

    /// Event Counts. `format=csv` asks for CSV.
    pub async fn summary(&self, p: &Principal, raw_query: &str) -> Result<Report, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        let raw_query = &*self.scoped_query(p, raw_query)?;
        let params = query::Params::parse(raw_query, &["group_by", "limit", "format"])?;
        let f = query::parse_filters(self.catalog, &params)?;
        let csv = match params.get("format") {
            None | Some("json") => false,
            Some("csv") => true,
            Some(_) => {
                return Err(ServiceError::bad_param(
                    "format",
                    "format must be json or csv",
                ));
            }
        };
        let summary = report::summary(self.store.as_ref(), self.catalog, org, &params, &f).await?;
        let facts = access::ReadFacts {
            rows: Some(summary.total),
            format: Some(if csv { "csv" } else { "json" }),
        };
        let q = access::normalize_query(raw_query);
        self.record_read(p, access::ReadKind::Summary, q, facts)
            .await;
        Ok(if csv {
            Report::Csv {
                file_name: export::file_name(org, &f, "summary", "csv"),
                body: export::summary_csv(&summary)?,
                total: summary.total,
                truncated: summary.truncated,
            }
        } else {
            Report::Json(summary.to_json())
        })
    }

    pub async fn histogram(&self, p: &Principal, raw_query: &str) -> Result<Value, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        let raw_query = &*self.scoped_query(p, raw_query)?;
        let params = query::Params::parse(raw_query, &["interval", "stack"])?;
        let f = query::parse_filters(self.catalog, &params)?;
        let v = report::histogram(self.store.as_ref(), self.catalog, org, &params, &f).await?;
        let facts = access::ReadFacts {
            rows: v["total"].as_u64(),
            format: None,
        };
        let q = access::normalize_query(raw_query);
        self.record_read(p, access::ReadKind::Histogram, q, facts)
            .await;
        Ok(v)
    }

    /// Starts an export. Bad parameters fail here, before any byte is sent; the rows then
    /// arrive on the returned channel, a page at a time. The export is recorded
    /// (`audit_log.exported`) before it starts.
    pub async fn export(&self, p: &Principal, raw_query: &str) -> Result<Export, ServiceError> {
        let org = self.org_for(p, Scope::Read)?.clone();
        let raw_query = &*self.scoped_query(p, raw_query)?;
        let params = query::Params::parse(raw_query, &["format"])?;
        let f = query::parse_filters(self.catalog, &params)?;
        let format = export::ExportFormat::parse(params.get("format"))?;
        let file_name = export::file_name(&org, &f, "events", format.extension());
        let facts = access::ReadFacts {
            rows: None,
            format: Some(format.extension()),
        };
        let q = access::normalize_query(raw_query);
        self.record_read(p, access::ReadKind::Export, q, facts)
            .await;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tokio::spawn(export::run_export(
            self.store.clone(),
            self.catalog,
            org,
            f,
            format,
            tx,
        ));
        Ok(Export {
            format,
            file_name,
            chunks: rx,
        })
    }

    pub async fn get_event(&self, p: &Principal, id: &str) -> Result<String, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        let not_found = || ServiceError::NotFound(format!("no event with id {id:?}"));
        if !validate::valid_event_id(id) {
            return Err(not_found());
        }
        match self.store.get_event(org, id).await? {
            Some(row) if self.may_see(p, &row.body) => {
                let q = BTreeMap::from([("id".to_string(), id.to_string())]);
                let facts = access::ReadFacts {
                    rows: Some(1),
                    format: None,
                };
                self.record_read(p, access::ReadKind::Get, q, facts).await;
                Ok(row.body)
            }
            _ => Err(not_found()),
        }
    }
}
