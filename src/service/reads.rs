//! Reads of the log: the listing, Event Counts, the histogram, exports and one event. Each
//! takes a typed request (`requests.rs`), answers only the caller's org, narrowed to a
//! viewer token's categories (`scope.rs`), and is recorded as an access event (`access.rs`).

use std::collections::BTreeMap;

use super::requests::{ExportRequest, HistogramRequest, ListRequest, SummaryRequest};
use super::{Coverage, EventPage, Export, Principal, Report, Service, ServiceError};
use super::{access, export, query, report, validate};
use crate::model::{Org, Scope};

impl Service {
    pub async fn list_events(
        &self,
        p: &Principal,
        mut req: ListRequest,
    ) -> Result<EventPage, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        self.scope_filters(p, &mut req.filters)?;
        let view = self.catalog_of(org).await?;
        let plan = query::parse_list(&view.catalog, org.id, &req)?;
        let page = self.list_page(org, plan).await?;
        let facts = access::ReadFacts {
            rows: Some(page.events.len() as u64),
            format: None,
        };
        let q = access::normalize_query(&req);
        self.record_read(p, access::ReadKind::List, q, facts).await;
        Ok(page)
    }

    async fn list_page(&self, org: &Org, req: query::ListPlan) -> Result<EventPage, ServiceError> {
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
    pub async fn summary(
        &self,
        p: &Principal,
        mut req: SummaryRequest,
    ) -> Result<Report, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        self.scope_filters(p, &mut req.filters)?;
        let view = self.catalog_of(org).await?;
        let f = query::parse_filters(&view.catalog, &req.filters)?;
        let csv = match req.format.as_deref() {
            None | Some("json") => false,
            Some("csv") => true,
            Some(_) => {
                return Err(ServiceError::bad_param(
                    "format",
                    "format must be json or csv",
                ));
            }
        };
        let summary = report::summary(self.store.as_ref(), &view.catalog, org, &req, &f).await?;
        let facts = access::ReadFacts {
            rows: Some(summary.total),
            format: Some(if csv { "csv" } else { "json" }),
        };
        let q = access::normalize_query(&req);
        self.record_read(p, access::ReadKind::Summary, q, facts)
            .await;
        Ok(if csv {
            Report::Csv {
                coverage: Coverage::of(org, &f),
                body: export::summary_csv(&summary)?,
                total: summary.total,
                truncated: summary.truncated,
            }
        } else {
            Report::Json(summary)
        })
    }

    pub async fn histogram(
        &self,
        p: &Principal,
        mut req: HistogramRequest,
    ) -> Result<report::Histogram, ServiceError> {
        let org = self.org_for(p, Scope::Read)?;
        self.scope_filters(p, &mut req.filters)?;
        let view = self.catalog_of(org).await?;
        let f = query::parse_filters(&view.catalog, &req.filters)?;
        let h = report::histogram(self.store.as_ref(), &view.catalog, org, &req, &f).await?;
        let facts = access::ReadFacts {
            rows: Some(h.total),
            format: None,
        };
        let q = access::normalize_query(&req);
        self.record_read(p, access::ReadKind::Histogram, q, facts)
            .await;
        Ok(h)
    }

    /// Starts an export. Bad parameters fail here, before any byte is sent; the rows then
    /// arrive on the returned channel, a page at a time. The export is recorded
    /// (`audit_log.exported`) before it starts.
    pub async fn export(
        &self,
        p: &Principal,
        mut req: ExportRequest,
    ) -> Result<Export, ServiceError> {
        let org = self.org_for(p, Scope::Read)?.clone();
        self.scope_filters(p, &mut req.filters)?;
        let view = self.catalog_of(&org).await?;
        let f = query::parse_filters(&view.catalog, &req.filters)?;
        let format = export::ExportFormat::parse(req.format.as_deref())?;
        let coverage = Coverage::of(&org, &f);
        let facts = access::ReadFacts {
            rows: None,
            format: Some(format.name()),
        };
        let q = access::normalize_query(&req);
        self.record_read(p, access::ReadKind::Export, q, facts)
            .await;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        tokio::spawn(export::run_export(
            self.store.clone(),
            view.catalog.clone(),
            org,
            f,
            format,
            tx,
        ));
        Ok(Export {
            format,
            coverage,
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
