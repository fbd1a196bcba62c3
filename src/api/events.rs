//! `/v1/events`: ingest, list, fetch one.

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::error::ApiError;
use super::{ApiResult, principal};
use crate::model::Scope;
use crate::service::{BodyFormat, Report, Service};

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

pub async fn ingest(State(service): State<Service>, req: Request) -> ApiResult<Response> {
    let (parts, body) = req.into_parts();
    let p = principal(&service, &parts.headers).await?;
    service.org_for(&p, Scope::Write)?;
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
    let report = service.ingest(&p, &bytes, format).await?;
    let events: Vec<_> = report
        .events
        .iter()
        .map(|e| {
            if e.duplicate {
                json!({ "id": e.id, "seq": e.seq, "duplicate": true })
            } else {
                json!({ "id": e.id, "seq": e.seq })
            }
        })
        .collect();
    let body = json!({
        "accepted": report.accepted,
        "duplicates": report.duplicates,
        "events": events,
    });
    // Acknowledgements are never compressed: the ingest path is the hot one and a deflate
    // stream costs more than the bytes it saves ("identity" tells the compression layer).
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_ENCODING, "identity")],
        axum::Json(body),
    )
        .into_response())
}

pub async fn list(
    State(service): State<Service>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let page = service
        .list_events(&p, query.as_deref().unwrap_or(""))
        .await?;
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

pub async fn get_one(
    State(service): State<Service>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
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

pub async fn summary(
    State(service): State<Service>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    match service.summary(&p, query.as_deref().unwrap_or("")).await? {
        Report::Json(v) => Ok(axum::Json(v).into_response()),
        Report::Csv {
            file_name,
            body,
            total,
            truncated,
        } => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, attachment(&file_name)),
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

pub async fn histogram(
    State(service): State<Service>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let v = service
        .histogram(&p, query.as_deref().unwrap_or(""))
        .await?;
    Ok(axum::Json(v).into_response())
}

pub async fn export(
    State(service): State<Service>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let p = principal(&service, &headers).await?;
    let export = service.export(&p, query.as_deref().unwrap_or("")).await?;
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
            (
                header::CONTENT_TYPE,
                export.format.content_type().to_string(),
            ),
            (header::CONTENT_DISPOSITION, attachment(&export.file_name)),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
