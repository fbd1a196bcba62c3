//! The read requests the service answers, as plain values: what a client asked for, decoded
//! once by the caller (the HTTP layer decodes query strings in `api/query.rs`) and resolved
//! here against the catalog (`query.rs`). No query strings, no HTTP types.
//!
//! Values are kept as the client gave them (list filters split on commas, items trimmed,
//! empty items dropped; everything else verbatim): the service validates them in one fixed
//! order, so a request with several problems is always told about the same one first, and a
//! read is recorded (`access.rs`) with exactly the parameters it named.

/// The filters every event endpoint shares. `None`: not given. A list given with no item
/// (`entity_id=`) is `Some(vec![])`, which the service refuses with a message naming it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilters {
    pub from: Option<String>,
    pub to: Option<String>,
    pub tz: Option<String>,
    pub category: Option<Vec<String>>,
    pub entity_type: Option<Vec<String>>,
    pub verb: Option<Vec<String>>,
    pub action: Option<Vec<String>>,
    pub entity_id: Option<Vec<String>>,
    pub actor_id: Option<Vec<String>>,
    pub actor_type: Option<Vec<String>>,
}

impl EventFilters {
    /// The names of the shared filters, in the order the API documents them.
    pub const NAMES: &'static [&'static str] = &[
        "from",
        "to",
        "tz",
        "category",
        "entity_type",
        "verb",
        "action",
        "entity_id",
        "actor_id",
        "actor_type",
    ];

    /// The scalar filters by name.
    pub fn scalar(&self, name: &str) -> Option<&str> {
        match name {
            "from" => self.from.as_deref(),
            "to" => self.to.as_deref(),
            "tz" => self.tz.as_deref(),
            _ => None,
        }
    }

    /// The list filters by name.
    pub fn list(&self, name: &str) -> Option<&[String]> {
        match name {
            "category" => self.category.as_deref(),
            "entity_type" => self.entity_type.as_deref(),
            "verb" => self.verb.as_deref(),
            "action" => self.action.as_deref(),
            "entity_id" => self.entity_id.as_deref(),
            "actor_id" => self.actor_id.as_deref(),
            "actor_type" => self.actor_type.as_deref(),
            _ => None,
        }
    }

    /// A mutable list filter by name (`None` for a name that is no list filter).
    pub fn list_mut(&mut self, name: &str) -> Option<&mut Option<Vec<String>>> {
        match name {
            "category" => Some(&mut self.category),
            "entity_type" => Some(&mut self.entity_type),
            "verb" => Some(&mut self.verb),
            "action" => Some(&mut self.action),
            "entity_id" => Some(&mut self.entity_id),
            "actor_id" => Some(&mut self.actor_id),
            "actor_type" => Some(&mut self.actor_type),
            _ => None,
        }
    }

    /// A mutable scalar filter by name (`None` for a name that is no scalar filter).
    pub fn scalar_mut(&mut self, name: &str) -> Option<&mut Option<String>> {
        match name {
            "from" => Some(&mut self.from),
            "to" => Some(&mut self.to),
            "tz" => Some(&mut self.tz),
            _ => None,
        }
    }

    fn given(&self) -> Vec<(&'static str, Given<'_>)> {
        Self::NAMES
            .iter()
            .filter_map(|&n| match (self.scalar(n), self.list(n)) {
                (Some(v), _) => Some((n, Given::Scalar(v))),
                (_, Some(items)) => Some((n, Given::List(items))),
                _ => None,
            })
            .collect()
    }
}

/// One parameter a request named, for the access record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given<'a> {
    Scalar(&'a str),
    List(&'a [String]),
}

/// A request whose parameters are recorded when it reads the log (`access.rs`).
pub trait Recorded {
    /// Every parameter the request named, with its value.
    fn given(&self) -> Vec<(&'static str, Given<'_>)>;
}

fn with_scalars<'a>(
    filters: &'a EventFilters,
    scalars: &[(&'static str, &'a Option<String>)],
) -> Vec<(&'static str, Given<'a>)> {
    let mut out = filters.given();
    out.extend(
        scalars
            .iter()
            .filter_map(|(n, v)| v.as_deref().map(|v| (*n, Given::Scalar(v)))),
    );
    out
}

/// `GET /v1/events`: a page of the listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRequest {
    pub filters: EventFilters,
    pub limit: Option<String>,
    pub order: Option<String>,
    pub cursor: Option<String>,
}

impl ListRequest {
    pub const EXTRA: &'static [&'static str] = &["limit", "order", "cursor"];
}

impl Recorded for ListRequest {
    fn given(&self) -> Vec<(&'static str, Given<'_>)> {
        with_scalars(
            &self.filters,
            &[
                ("limit", &self.limit),
                ("order", &self.order),
                ("cursor", &self.cursor),
            ],
        )
    }
}

/// `GET /v1/events/summary`: Event Counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryRequest {
    pub filters: EventFilters,
    pub group_by: Option<String>,
    pub limit: Option<String>,
    pub format: Option<String>,
}

impl SummaryRequest {
    pub const EXTRA: &'static [&'static str] = &["group_by", "limit", "format"];
}

impl Recorded for SummaryRequest {
    fn given(&self) -> Vec<(&'static str, Given<'_>)> {
        with_scalars(
            &self.filters,
            &[
                ("group_by", &self.group_by),
                ("limit", &self.limit),
                ("format", &self.format),
            ],
        )
    }
}

/// `GET /v1/events/histogram`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistogramRequest {
    pub filters: EventFilters,
    pub interval: Option<String>,
    pub stack: Option<String>,
}

impl HistogramRequest {
    pub const EXTRA: &'static [&'static str] = &["interval", "stack"];
}

impl Recorded for HistogramRequest {
    fn given(&self) -> Vec<(&'static str, Given<'_>)> {
        with_scalars(
            &self.filters,
            &[("interval", &self.interval), ("stack", &self.stack)],
        )
    }
}

/// `GET /v1/events/export`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportRequest {
    pub filters: EventFilters,
    pub format: Option<String>,
}

impl ExportRequest {
    pub const EXTRA: &'static [&'static str] = &["format"];
}

impl Recorded for ExportRequest {
    fn given(&self) -> Vec<(&'static str, Given<'_>)> {
        with_scalars(&self.filters, &[("format", &self.format)])
    }
}

/// `GET /v1/integrity/inclusion`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InclusionRequest {
    pub event_id: Option<String>,
    pub tree_size: Option<String>,
}

impl InclusionRequest {
    pub const PARAMS: &'static [&'static str] = &["event_id", "tree_size"];
}

/// `GET /v1/integrity/consistency`: two tree sizes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsistencyRequest {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl ConsistencyRequest {
    pub const PARAMS: &'static [&'static str] = &["from", "to"];
}

/// `GET /v1/integrity/checkpoints`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckpointListRequest {
    pub limit: Option<String>,
}

impl CheckpointListRequest {
    pub const PARAMS: &'static [&'static str] = &["limit"];
}
