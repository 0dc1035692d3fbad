//! Two vendor self-service 建档 interfaces, each as its site would write it (its own field
//! names, sex codes and result codes hard-coded; the kiosk's profiles are not read), so a
//! profile that maps a field or a code wrongly is caught:
//!
//! - `POST /his/vendor/tianrui`: 天瑞-style JSON, the trade code in `X-Trade-Code`, one trade
//!   (`RegisterAccount`) that answers a known ID number with its patient (idempotent); sex
//!   0 = male, 1 = female, 2 = unknown;
//! - `POST /his/vendor/zzj`: a self-service XML interface, `<Request><TradeCode>`, a query
//!   (`GETPATINFO`) and a create (`GETPATRECORD`, which refuses a known ID number); sex as
//!   GB/T 2261.1 (1 male, 2 female, 0 unknown).
//!
//! Each checks what it receives strictly and answers a wrong field with its own failure code
//! and a message naming the field.

mod tianrui;
mod zzj;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use facekiosk_pii::identity::validate;

use super::{Endpoint, Hospital, Received, begin};
use crate::front::ConnHandle;

pub(super) fn routes() -> Router<Arc<Hospital>> {
    Router::new().route("/his/vendor/{site}", post(call))
}

async fn call(
    State(hospital): State<Arc<Hospital>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path(site): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    hospital.receive(Received {
        endpoint: Endpoint::Vendor,
        method: "POST".into(),
        target: format!("/his/vendor/{site}"),
        content_type: header(header::CONTENT_TYPE.as_str()),
        action: header(tianrui::TRADE_HEADER),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    match site.as_str() {
        "tianrui" => {
            let altered =
                match begin(&hospital, Endpoint::Vendor, Some(&conn), tianrui::status).await {
                    Ok(a) => a,
                    Err(response) => return response,
                };
            tianrui::handle(&hospital, &headers, &body, altered)
        }
        "zzj" => {
            let altered = match begin(&hospital, Endpoint::Vendor, Some(&conn), zzj::status).await {
                Ok(a) => a,
                Err(response) => return response,
            };
            zzj::handle(&hospital, &headers, &body, altered)
        }
        _ => (
            StatusCode::NOT_FOUND,
            "no such vendor interface (tianrui, zzj)",
        )
            .into_response(),
    }
}

/// What a resident ID number says of its holder (GB 11643), as a site checks the sex and birth
/// date it is sent against it: male, `yyyy-MM-dd`.
fn resident_facts(number: &str) -> Option<(bool, String)> {
    validate::resident_id(number).ok()?;
    let b = number.as_bytes();
    let male = (b[16] - b'0') % 2 == 1;
    let birth = format!("{}-{}-{}", &number[6..10], &number[10..12], &number[12..14]);
    Some((male, birth))
}

/// The content type's media type, lower case.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(v.split(';').next()?.trim().to_ascii_lowercase())
}
