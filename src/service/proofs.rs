//! Integrity: signing checkpoints (on demand and the background pass), the public keys,
//! inclusion and consistency proofs, the retention cut, and online verification. The
//! signer and the verifier themselves are in `integrity.rs`.

use super::requests::{CheckpointListRequest, ConsistencyRequest, InclusionRequest};
use super::{
    ConsistencyAnswer, InclusionAnswer, PassReport, Principal, Service, ServiceError, integrity,
    validate,
};
use crate::model::time::now_micros;
use crate::model::{Org, Scope};
use crate::store::{PurgeState, SigningKeyInfo, StoredCheckpoint};

impl Service {
    fn signer(&self) -> Result<&integrity::Signer, ServiceError> {
        self.signer.as_ref().ok_or_else(|| {
            ServiceError::Unavailable("this server has no checkpoint signing key".into())
        })
    }

    /// The log's name: the signing key's name and the prefix of checkpoint origins.
    pub fn log_name(&self) -> &str {
        self.signer
            .as_ref()
            .map_or(crate::config::LOG_NAME, |s| s.name.as_str())
    }

    /// Signs a checkpoint of the org's tree unless the latest one already covers it.
    pub async fn checkpoint_org(&self, org: &Org) -> Result<StoredCheckpoint, ServiceError> {
        let signer = self.signer()?;
        let latest = self.store.checkpoints(org, 1).await?.pop();
        let (size, root) = self.store.tree_head(org).await?;
        if let Some(l) = latest
            && l.tree_size >= size
        {
            return Ok(l);
        }
        let cp = signer.sign(org, size, root);
        fail::fail_point!("checkpoint::before_save", |_| {
            Err(crate::store::StoreError::Unavailable(
                "injected failure while signing a checkpoint".into(),
            )
            .into())
        });
        self.store.save_checkpoint(org, &cp).await?;
        Ok(cp)
    }

    /// One pass of the background checkpointer: every org whose tree grew by `every` events
    /// or whose latest checkpoint is older than `max_age_micros` gets a new checkpoint.
    /// `done` counts the checkpoints signed. An org that fails (a full disk for one write)
    /// is logged and reported; the pass goes on with the others.
    pub async fn checkpoint_pass(
        &self,
        every: u64,
        max_age_micros: i64,
    ) -> Result<PassReport<usize>, ServiceError> {
        let mut report = PassReport::default();
        for org in self.store.list_orgs().await? {
            match self.checkpoint_if_due(&org, every, max_age_micros).await {
                Ok(made) => report.done += usize::from(made),
                Err(e) => {
                    tracing::warn!(org = %org.slug, error = %e, "checkpoint failed for this org");
                    report.failed.push((org.slug, e));
                }
            }
        }
        Ok(report)
    }

    /// Signs a checkpoint of the org if [`Self::checkpoint_pass`]'s rule says it is due;
    /// whether it did.
    async fn checkpoint_if_due(
        &self,
        org: &Org,
        every: u64,
        max_age_micros: i64,
    ) -> Result<bool, ServiceError> {
        let latest = self.store.checkpoints(org, 1).await?.pop();
        let (size, _) = self.store.tree_head(org).await?;
        let (last_size, last_time) = latest.map_or((0, 0), |c| (c.tree_size, c.time));
        let due = size > last_size
            && (size - last_size >= every || now_micros() - last_time >= max_age_micros);
        if due {
            self.checkpoint_org(org).await?;
        }
        Ok(due)
    }

    /// The checkpoint signing keys, current and retired.
    pub async fn public_keys(&self) -> Result<Vec<SigningKeyInfo>, ServiceError> {
        Ok(self.store.signing_keys().await?)
    }

    pub async fn checkpoints(
        &self,
        p: &Principal,
        limit: usize,
    ) -> Result<Vec<StoredCheckpoint>, ServiceError> {
        self.not_viewer(p)?;
        let org = self.org_for(p, Scope::Read)?;
        Ok(self.store.checkpoints(org, limit).await?)
    }

    /// `GET /v1/integrity/checkpoints`: the newest `limit` (default 100, at most 1000).
    pub async fn list_checkpoints(
        &self,
        p: &Principal,
        req: &CheckpointListRequest,
    ) -> Result<Vec<StoredCheckpoint>, ServiceError> {
        let limit = match req.limit.as_deref() {
            None => 100,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| {
                    ServiceError::bad_param("limit", "limit must be an integer from 1 to 1000")
                })?,
        };
        self.checkpoints(p, limit).await
    }

    pub async fn create_checkpoint(&self, p: &Principal) -> Result<StoredCheckpoint, ServiceError> {
        let org = self.org_for(p, Scope::Admin)?;
        self.checkpoint_org(org).await
    }

    /// An inclusion proof for an event in the tree of `tree_size` (default: the latest
    /// checkpoint's size).
    pub async fn inclusion(
        &self,
        p: &Principal,
        req: &InclusionRequest,
    ) -> Result<InclusionAnswer, ServiceError> {
        self.not_viewer(p)?;
        let org = self.org_for(p, Scope::Read)?;
        let id = req
            .event_id
            .as_deref()
            .ok_or_else(|| ServiceError::bad_param("event_id", "event_id is required"))?;
        let row = if validate::valid_event_id(id) {
            self.store.get_event(org, id).await?
        } else {
            None
        };
        let row = row.ok_or_else(|| ServiceError::NotFound(format!("no event with id {id:?}")))?;
        let (size, _) = self.store.tree_head(org).await?;
        let tree_size = match req.tree_size.as_deref() {
            Some(v) => v.parse::<u64>().map_err(|_| {
                ServiceError::bad_param("tree_size", "tree_size must be a positive integer")
            })?,
            None => self
                .store
                .checkpoints(org, 1)
                .await?
                .pop()
                .map(|c| c.tree_size)
                .ok_or_else(|| {
                    ServiceError::NotFound(
                        "no checkpoint yet; give tree_size or POST /v1/integrity/checkpoints"
                            .into(),
                    )
                })?,
        };
        if tree_size < row.seq || tree_size > size {
            return Err(ServiceError::bad_param(
                "tree_size",
                format!(
                    "tree_size must be from {} (the event's seq) to {size} (the current tree size)",
                    row.seq
                ),
            ));
        }
        let (leaf, proof) = self
            .store
            .inclusion_proof(org, row.seq - 1, tree_size)
            .await?;
        Ok(InclusionAnswer {
            event_id: id.to_string(),
            seq: row.seq,
            leaf_index: row.seq - 1,
            tree_size,
            leaf_hash: leaf,
            proof,
        })
    }

    pub async fn consistency(
        &self,
        p: &Principal,
        req: &ConsistencyRequest,
    ) -> Result<ConsistencyAnswer, ServiceError> {
        self.not_viewer(p)?;
        let org = self.org_for(p, Scope::Read)?;
        let num = |n: &str, given: Option<&str>| -> Result<u64, ServiceError> {
            given
                .ok_or_else(|| {
                    ServiceError::bad_param(n, format!("{n} (a tree size) is required"))
                })?
                .parse::<u64>()
                .map_err(|_| {
                    ServiceError::bad_param(n, format!("{n} must be a tree size (an integer)"))
                })
        };
        let (from, to) = (
            num("from", req.from.as_deref())?,
            num("to", req.to.as_deref())?,
        );
        let (size, _) = self.store.tree_head(org).await?;
        if from == 0 {
            return Err(ServiceError::bad_param(
                "from",
                "from must be at least 1: an empty tree has nothing to be consistent with",
            ));
        }
        if from > to || to > size {
            return Err(ServiceError::bad_param(
                "to",
                format!("need from <= to <= {size} (the current tree size)"),
            ));
        }
        let proof = self.store.consistency_proof(org, from, to).await?;
        Ok(ConsistencyAnswer { from, to, proof })
    }

    /// Where retention cut the caller's log, with the state kept there (for offline
    /// verification of an export that starts after the cut).
    pub async fn retention_cut(&self, p: &Principal) -> Result<PurgeState, ServiceError> {
        self.not_viewer(p)?;
        let org = self.org_for(p, Scope::Read)?;
        match self.store.purge_state(org).await? {
            Some(s) => Ok(s),
            None => Err(ServiceError::NotFound(
                "retention has not removed any event of this org".into(),
            )),
        }
    }

    /// Verifies the caller's whole log (admin).
    pub async fn verify(&self, p: &Principal) -> Result<integrity::VerifyReport, ServiceError> {
        let org = self.org_for(p, Scope::Admin)?;
        integrity::verify_org(self.store.as_ref(), org, self.log_name(), |_| {}).await
    }

    /// Verifies the whole log of org `slug` (the operator: `auditlog verify --org`), its
    /// checkpoints' origins named by `log_name`; `progress` hears the events verified so far.
    pub async fn verify_org(
        &self,
        p: &Principal,
        slug: &str,
        log_name: &str,
        progress: impl FnMut(u64),
    ) -> Result<integrity::VerifyReport, ServiceError> {
        self.require_operator(p)?;
        let org = self.managed_org(p, slug).await?;
        integrity::verify_org(self.store.as_ref(), &org, log_name, progress).await
    }
}
