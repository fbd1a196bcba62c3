//! Retention: an org's settings (retention period, legal hold), the purge of events stored
//! longer ago than the retention period, the `audit_log.purged` record each purge leaves
//! (late, if the run that cut the log could not write it), and the background pass over
//! every org.

use serde_json::Value;

use super::{
    PassReport, Principal, PurgeOutcome, RetentionSettings, Service, ServiceError, SettingsUpdate,
    SystemActor, access,
};
use crate::model::time::now_micros;
use crate::model::{Org, Scope};

/// An `audit_log.purged` event of `org` with `metadata` (and `id`, if given).
fn purge_record(org: &Org, id: Option<String>, metadata: Value) -> Value {
    let mut event = serde_json::json!({
        "action": access::PURGED,
        "entity": { "type": "audit_log", "id": org.slug, "name": "Audit log" },
        "actor": { "type": "system", "name": "Retention" },
        "metadata": metadata,
    });
    if let Some(id) = id {
        event["id"] = Value::String(id);
    }
    event
}

/// Who writes the retention purge's records.
fn retention_writer(org: &Org) -> Principal {
    Principal::System(SystemActor::Retention(org.clone()))
}

impl Service {
    pub async fn settings(&self, p: &Principal) -> Result<RetentionSettings, ServiceError> {
        let org = self.org_for(p, Scope::Admin)?;
        let s = self.store.settings(org).await?;
        Ok(RetentionSettings {
            retention_days: s.retention_days,
            legal_hold: s.legal_hold,
            effective_retention_days: s.retention_days.or(self.default_retention_days),
        })
    }

    /// `PUT /v1/settings {"retention_days": N | null, "legal_hold": bool}`.
    pub async fn put_settings(
        &self,
        p: &Principal,
        put: SettingsUpdate,
    ) -> Result<RetentionSettings, ServiceError> {
        let org = self.org_for(p, Scope::Admin)?;
        if put.retention_days == Some(0) {
            return Err(ServiceError::InvalidRequest {
                message: "retention_days must be at least 1 (null keeps events forever)".into(),
                details: Some(serde_json::json!({ "field": "retention_days" })),
            });
        }
        let new = crate::store::OrgSettings {
            retention_days: put.retention_days,
            legal_hold: put.legal_hold,
        };
        let by = self.admin_actor(p, Some(org)).await;
        // compare and set: the record names the values replaced; should another request
        // change them in between, read them again
        let mut applied = false;
        for _ in 0..5 {
            let old = self.store.settings(org).await?;
            if self.administer_settings(&by, org, old, new).await? {
                applied = true;
                break;
            }
        }
        if !applied {
            return Err(ServiceError::Unavailable(
                "the settings kept changing while this request was applied; retry".into(),
            ));
        }
        self.settings(p).await
    }

    /// Applies the org's retention: deletes, in batches, events stored longer ago than its
    /// retention period (never under legal hold), then records what it did as an
    /// `audit_log.purged` event. Returns how many events went (or would go).
    pub async fn purge_org(
        &self,
        org: &Org,
        dry_run: bool,
    ) -> Result<crate::store::Purged, ServiceError> {
        if !dry_run {
            self.record_unrecorded_cut(org).await?;
        }
        let settings = self.store.settings(org).await?;
        let Some(days) = settings.retention_days.or(self.default_retention_days) else {
            return Ok(crate::store::Purged::default());
        };
        if settings.legal_hold {
            return Ok(crate::store::Purged::default());
        }
        // saturating: a retention of millions of years must not overflow (and purge all)
        let before = now_micros().saturating_sub(i64::from(days).saturating_mul(86_400_000_000));
        let mut total = crate::store::Purged::default();
        loop {
            let step = self.store.purge(org, before, 10_000, dry_run).await?;
            total.events += step.events;
            total.cut_seq = step.cut_seq;
            if dry_run || step.events == 0 {
                break;
            }
        }
        if !dry_run && total.events > 0 {
            let event = purge_record(
                org,
                None,
                serde_json::json!({
                    "events_purged": total.events,
                    "log_starts_after_seq": total.cut_seq,
                    "retention_days": days,
                    "stored_before": crate::model::time::format_micros(before),
                }),
            );
            fail::fail_point!("purge::before_record", |_| Err(ServiceError::Unavailable(
                "injected failure before recording a purge".into()
            )));
            self.ingest_values(&retention_writer(org), vec![event])
                .await?;
        }
        Ok(total)
    }

    /// Applies the retention of org `slug` now (the operator: `auditlog purge`), as
    /// [`Self::purge_org`] does; with the settings it applied.
    pub async fn purge(
        &self,
        p: &Principal,
        slug: &str,
        dry_run: bool,
    ) -> Result<PurgeOutcome, ServiceError> {
        self.require_operator(p)?;
        let org = self.managed_org(p, slug).await?;
        let settings = self.store.settings(&org).await?;
        let purged = self.purge_org(&org, dry_run).await?;
        Ok(PurgeOutcome {
            retention_days: settings.retention_days.or(self.default_retention_days),
            legal_hold: settings.legal_hold,
            org,
            purged,
        })
    }

    /// Records the org's retention cut if the run that made it could not: a purge step
    /// commits on its own, so a run that failed after one (writing its `audit_log.purged`
    /// event, or a later step) left the cut unrecorded. The latest record names the cut it
    /// recorded (`log_starts_after_seq`); a cut past it (or any cut, with no record left)
    /// gets a late record of the events between the two, which no record in the log
    /// accounts for. Its id is derived from the cut, so a retry or a second node writing
    /// the same late record stores it once.
    async fn record_unrecorded_cut(&self, org: &Org) -> Result<(), ServiceError> {
        let Some(state) = self.store.purge_state(org).await? else {
            return Ok(());
        };
        let recorded = self.last_recorded_cut(org).await?.unwrap_or(0);
        if recorded >= state.cut_seq {
            return Ok(());
        }
        tracing::warn!(
            org = %org.slug,
            cut_seq = state.cut_seq,
            recorded_cut_seq = recorded,
            "recording a retention purge that was not recorded when it ran"
        );
        let event = purge_record(
            org,
            Some(format!("auditlog-purge-cut-{}", state.cut_seq)),
            serde_json::json!({
                "events_purged": state.cut_seq - recorded,
                "log_starts_after_seq": state.cut_seq,
                "recorded_late": true,
            }),
        );
        self.ingest_values(&retention_writer(org), vec![event])
            .await?;
        Ok(())
    }

    /// `log_starts_after_seq` of the org's latest `audit_log.purged` event, if one is left.
    /// Read by the entity id the records carry (the org's slug), which the time index
    /// holds, so the newest events are walked in the index down to the latest record.
    async fn last_recorded_cut(&self, org: &Org) -> Result<Option<u64>, ServiceError> {
        let q = crate::store::EventQuery {
            from: None,
            to: None,
            actions: Some(vec![access::PURGED.into()]),
            entity_ids: Some(vec![org.slug.clone()]),
            actor_ids: None,
            actor_types: None,
            order: crate::store::Order::Desc,
            after: None,
            limit: 1,
        };
        let Some(row) = self.store.query(org, &q).await?.pop() else {
            return Ok(None);
        };
        let body: Value = serde_json::from_str(&row.body)
            .map_err(|e| ServiceError::Internal(format!("stored event seq {}: {e}", row.seq)))?;
        body["metadata"]["log_starts_after_seq"]
            .as_u64()
            .map(Some)
            .ok_or_else(|| {
                ServiceError::Internal(format!(
                    "the {} event at seq {} has no metadata.log_starts_after_seq",
                    access::PURGED,
                    row.seq
                ))
            })
    }

    /// One pass of the background purge over every org: `done` counts the events purged.
    /// An org that fails is logged and reported; the pass goes on with the others.
    pub async fn purge_pass(&self) -> Result<PassReport<u64>, ServiceError> {
        let mut report = PassReport::default();
        for org in self.store.list_orgs().await? {
            match self.purge_org(&org, false).await {
                Ok(purged) => report.done += purged.events,
                Err(e) => {
                    tracing::warn!(org = %org.slug, error = %e, "retention purge failed for this org");
                    report.failed.push((org.slug, e));
                }
            }
        }
        Ok(report)
    }
}
