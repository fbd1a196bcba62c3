//! `/v1/events`: ingest, list, fetch one.

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

use super::error::ApiError;
use super::query::Decoded;
use super::views::{Histogram, IngestReceipt, Summary};
use super::{ApiResult, Caller};
use crate::service::export::ExportFormat;
use crate::service::requests::{ExportRequest, HistogramRequest, ListRequest, SummaryRequest};
use crate::service::{BodyFormat, Coverage, Report, Service};

fn body_format(headers: &HeaderMap) -> ApiResult<BodyFormat> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => Ok(BodyFormat::Json),
        "application/x-ndjson" | "application/ndjson" | "application/jsonl" => {
            Ok(BodyFormat::Ndjson)
        }
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!(
                "Content-Type must be application/json or application/x-ndjson, got {:?}",
                ct
            ),
        )),
    }
}

/// Ingests one event or a batch (JSON object, `{"events": [...]}`, JSON array, or NDJSON).
#[utoipa::path(
    post, path = "/v1/events", tag = "events", operation_id = "ingestEvents",
    request_body(content(
        (super::doc_only::IngestBody = "application/json"),
        (String = "application/x-ndjson"),
    )),
    responses(
        (status = 201, description = "Stored (or recognised as duplicates), durably", body = super::views::IngestReceipt),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden,
        (status = 409, description = "`id_conflict`: an id already used for other content; nothing stored", body = super::views::ErrorBody),
        super::views::PayloadTooLarge,
        (status = 415, description = "Not JSON or NDJSON", body = super::views::ErrorBody),
        (status = 422, description = "`invalid_event`: one or more events failed validation; nothing stored", body = super::views::ErrorBody),
        super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn ingest(
    State(service): State<Service>,
    Caller(p): Caller,
    req: Request,
) -> ApiResult<Response> {
    let (parts, body) = req.into_parts();
    // refused before the body is read
    let access = service.write_access(&p)?;
    let format = body_format(&parts.headers)?;
    let limit = service.limits().max_body_bytes;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {limit} bytes; send smaller batches"),
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(Body::new(body), limit)
        .await
        .map_err(|_| too_large())?;
    let report = service.ingest(access, &bytes, format).await?;
    // Acknowledgements are never compressed: the ingest path is the hot one and a deflate
    // stream costs more than the bytes it saves ("identity" tells the compression layer).
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_ENCODING, "identity")],
        axum::Json(IngestReceipt::from(&report)),
    )
        .into_response())
}

/// Lists the org's events, newest first by default, a page at a time.
#[utoipa::path(
    get, path = "/v1/events", tag = "events", operation_id = "listEvents",
    params(super::doc_only::EventFilters, super::doc_only::ListParams),
    responses(
        (status = 200, description = "A page of stored events", body = super::views::EventPage),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<ListRequest>,
) -> ApiResult<Response> {
    let page = service.list_events(&p, req).await?;
    // The stored bodies are canonical JSON already: splice them in without re-parsing.
    let mut out =
        String::with_capacity(page.events.iter().map(|e| e.len() + 1).sum::<usize>() + 64);
    out.push_str("{\"events\":[");
    for (i, e) in page.events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push_str("],\"next_cursor\":");
    out.push_str(&serde_json::to_string(&page.next_cursor).unwrap_or_else(|_| "null".into()));
    out.push('}');
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

/// One stored event of the org, by its `id`.
#[utoipa::path(
    get, path = "/v1/events/{id}", tag = "events", operation_id = "getEvent",
    params(("id" = String, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The stored event (canonical JSON)", body = super::doc_only::StoredEvent),
        super::views::Unauthorized, super::views::Forbidden, super::views::NotFound, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn get_one(
    State(service): State<Service>,
    Caller(p): Caller,
    id: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> ApiResult<Response> {
    let id = match id {
        Ok(Path(id)) => id,
        Err(_) => super::lossy_segments(&uri).pop().unwrap_or_default(),
    };
    let body = service.get_event(&p, &id).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

fn attachment(file_name: &str) -> String {
    format!("attachment; filename=\"{file_name}\"")
}

/// The file name of a report or an export: says the org, what it holds and the range (the
/// days in its time zone).
fn file_name(c: &Coverage, what: &str, ext: &str) -> String {
    let day =
        |t: Option<i64>, default: &str| match t.and_then(|t| Timestamp::from_microsecond(t).ok()) {
            Some(t) => t.to_zoned(c.tz.clone()).strftime("%Y-%m-%d").to_string(),
            None => default.to_string(),
        };
    format!(
        "auditlog-{}-{}-{}_{}.{ext}",
        c.org,
        what,
        day(c.from, "start"),
        // `to` is exclusive: name the last day the file covers
        day(c.to.map(|t| t - 1), "now")
    )
}

const CSV: &str = "text/csv; charset=utf-8";

/// An export's `Content-Type` and file extension.
fn export_media(format: ExportFormat) -> (&'static str, &'static str) {
    match format {
        ExportFormat::Csv => (CSV, "csv"),
        ExportFormat::Ndjson => ("application/x-ndjson", "ndjson"),
    }
}

/// Event Counts: the org's events counted by the `group_by` dimensions.
#[utoipa::path(
    get, path = "/v1/events/summary", tag = "events", operation_id = "eventSummary",
    params(super::doc_only::EventFilters, super::doc_only::SummaryParams),
    responses(
        (status = 200, description = "Counts (JSON, or CSV with `format=csv`)",
            content((super::views::Summary = "application/json"), (String = "text/csv")),
            headers(
                ("x-auditlog-total" = Option<u64>, description = "CSV only: the total count"),
                ("x-auditlog-truncated" = Option<bool>, description = "CSV only: whether `limit` cut groups off"),
            )),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn summary(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<SummaryRequest>,
) -> ApiResult<Response> {
    match service.summary(&p, req).await? {
        Report::Json(s) => Ok(axum::Json(Summary::from(&s)).into_response()),
        Report::Csv {
            coverage,
            body,
            total,
            truncated,
        } => Ok((
            [
                (header::CONTENT_TYPE, CSV.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    attachment(&file_name(&coverage, "summary", "csv")),
                ),
                (
                    header::HeaderName::from_static("x-auditlog-total"),
                    total.to_string(),
                ),
                (
                    header::HeaderName::from_static("x-auditlog-truncated"),
                    truncated.to_string(),
                ),
            ],
            body,
        )
            .into_response()),
    }
}

/// The org's events per hour, day, week or month in a time zone, zero-filled.
#[utoipa::path(
    get, path = "/v1/events/histogram", tag = "events", operation_id = "eventHistogram",
    params(super::doc_only::EventFilters, super::doc_only::HistogramParams),
    responses(
        (status = 200, description = "Buckets in time order", body = super::views::Histogram),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn histogram(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<HistogramRequest>,
) -> ApiResult<Response> {
    let h = service.histogram(&p, req).await?;
    Ok(axum::Json(Histogram::from(&h)).into_response())
}

/// Every selected event as CSV or NDJSON, oldest first, streamed.
#[utoipa::path(
    get, path = "/v1/events/export", tag = "events", operation_id = "exportEvents",
    params(super::doc_only::EventFilters, super::doc_only::ExportParams),
    responses(
        (status = 200, description = "The export (an attachment)",
            content((String = "text/csv"), (String = "application/x-ndjson")),
            headers(("content-disposition" = String, description = "attachment; filename=\"auditlog-<org>-events-<from>_<to>.<ext>\""))),
        super::views::BadRequest, super::views::Unauthorized, super::views::Forbidden, super::views::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn export(
    State(service): State<Service>,
    Caller(p): Caller,
    Decoded(req): Decoded<ExportRequest>,
) -> ApiResult<Response> {
    let export = service.export(&p, req).await?;
    let (content_type, ext) = export_media(export.format);
    let disposition = attachment(&file_name(&export.coverage, "events", ext));
    let stream = futures_util::stream::unfold(export.chunks, |mut rx| async move {
        let item = rx.recv().await?;
        // An error after the first byte cannot change the status any more: end the body
        // with an error so the client sees a truncated transfer, never a silent short file.
        let item = item.map_err(|e| {
            tracing::error!(error = %e, "export failed mid-stream");
            std::io::Error::other(e.to_string())
        });
        Some((item, rx))
    });
    // fused: body wrappers (compression) may poll again after the end
    let stream = futures_util::StreamExt::fuse(stream);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
