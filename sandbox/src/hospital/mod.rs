//! The hospital's side: the systems a kiosk hands verified patients to, each serving the same
//! patients (one hospital, three interfaces) from memory.
//!
//! - [`fhir`]: a FHIR R4 server's `Patient` (conditional create, search by identifier), under
//!   `/his/fhir`;
//! - [`wst846`]: the hospital information platform's SOAP `HIPMessageServer(action, message)`
//!   with PatientInfoQuery and PatientInfoRegister (WS/T 846.2, HL7 V3), under `/his/wst846`;
//! - [`vendor`]: vendor self-service interfaces of the two public field sets the example site
//!   profiles describe, under `/his/vendor/{profile}`.
//!
//! Faults are set through the admin API (`/sandbox/hospital/faults`), like WeChat's: slow,
//! down (the connection reset), an error status, a refusal, two patients with one ID number,
//! an answer that cannot be read. Every request body is kept (the last 256) for the
//! independent validators (`GET /sandbox/hospital/received`).

pub mod fhir;
pub mod registry;
pub mod vendor;
pub mod wst846;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::front::ConnHandle;
pub use registry::{HospitalPatient, Registry};

/// Which of the hospital's interfaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Fhir,
    Wst846,
    Vendor,
}

/// What can go wrong at the hospital.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum HisFaultKind {
    /// The answer comes `latency_ms` late (then as usual, unless another fault ends it).
    Slow { latency_ms: u64 },
    /// The connection is reset before any answer.
    Down,
    /// An HTTP error status (5xx, or any other) with the interface's error body.
    Status { status: u16 },
    /// The system answers and refuses: an AE acknowledgement, an OperationOutcome, the
    /// profile's failure code.
    Refuse,
    /// The query finds two patients with the patient's ID number.
    Duplicate,
    /// An answer that cannot be read (not XML/JSON, or without the patient number).
    Malformed,
}

/// One fault: on one interface (or all), for a number of requests (or until cleared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HisFault {
    #[serde(default)]
    pub endpoint: Option<Endpoint>,
    #[serde(flatten)]
    pub kind: HisFaultKind,
    #[serde(default)]
    pub times: Option<u32>,
}

/// A request the hospital received, as it came.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    pub endpoint: Endpoint,
    pub method: String,
    /// The path and query.
    pub target: String,
    pub content_type: Option<String>,
    /// `SOAPAction` (SOAP 1.1) or the `action` of the content type (SOAP 1.2), when present.
    pub action: Option<String>,
    pub body: String,
}

const KEPT: usize = 256;

/// The identifier system of the hospital's patient numbers on its FHIR Patients (the platform
/// standard's OID of the local patient id).
pub const PATIENT_NUMBER_SYSTEM: &str = "urn:oid:2.16.156.10011.2.5.1.4";

/// The hospital: its patients, its faults, what it received.
#[derive(Debug, Default)]
pub struct Hospital {
    pub registry: Mutex<Registry>,
    faults: Mutex<Vec<HisFault>>,
    received: Mutex<VecDeque<Received>>,
}

/// The faults of one request that alter the answer (after [`begin`] applied the others).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Altered {
    pub refuse: bool,
    pub duplicate: bool,
    pub malformed: bool,
}

impl Hospital {
    pub fn new() -> Arc<Hospital> {
        Arc::new(Hospital::default())
    }

    pub fn add_fault(&self, fault: HisFault) {
        self.faults.lock().expect("faults").push(fault);
    }

    pub fn clear_faults(&self) {
        self.faults.lock().expect("faults").clear();
    }

    /// Forgets the patients, the faults and what was received.
    pub fn reset(&self) {
        *self.registry.lock().expect("registry") = Registry::default();
        self.clear_faults();
        self.received.lock().expect("received").clear();
    }

    /// Keeps `request` for the validators.
    pub fn receive(&self, request: Received) {
        let mut kept = self.received.lock().expect("received");
        if kept.len() == KEPT {
            kept.pop_front();
        }
        kept.push_back(request);
    }

    pub fn received(&self, endpoint: Option<Endpoint>) -> Vec<Received> {
        self.received
            .lock()
            .expect("received")
            .iter()
            .filter(|r| endpoint.is_none_or(|e| r.endpoint == e))
            .cloned()
            .collect()
    }

    /// The faults that apply to one request on `endpoint`, each used up once.
    fn take(&self, endpoint: Endpoint) -> Vec<HisFaultKind> {
        let mut faults = self.faults.lock().expect("faults");
        let mut hit = Vec::new();
        faults.retain_mut(|f| {
            if f.endpoint.is_some_and(|e| e != endpoint) {
                return true;
            }
            hit.push(f.kind.clone());
            match &mut f.times {
                Some(n) => {
                    *n = n.saturating_sub(1);
                    *n > 0
                }
                None => true,
            }
        });
        hit
    }
}

/// Applies the faults of one request that come before any answer: latency, then a reset or an
/// error status (`error` makes the interface's own error body). Returns the faults that alter
/// the answer, or the response to send instead.
pub async fn begin(
    hospital: &Hospital,
    endpoint: Endpoint,
    conn: Option<&ConnHandle>,
    error: impl FnOnce(StatusCode) -> Response,
) -> Result<Altered, Response> {
    let faults = hospital.take(endpoint);
    let latency: u64 = faults
        .iter()
        .map(|f| match f {
            HisFaultKind::Slow { latency_ms } => *latency_ms,
            _ => 0,
        })
        .sum();
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(
            latency.min(crate::faults::MAX_LATENCY_MS),
        ))
        .await;
    }
    let mut altered = Altered::default();
    for fault in faults {
        match fault {
            HisFaultKind::Slow { .. } => {}
            HisFaultKind::Down => {
                if let Some(conn) = conn {
                    conn.reset();
                }
                return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
            }
            HisFaultKind::Status { status } => {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return Err(error(status));
            }
            HisFaultKind::Refuse => altered.refuse = true,
            HisFaultKind::Duplicate => altered.duplicate = true,
            HisFaultKind::Malformed => altered.malformed = true,
        }
    }
    Ok(altered)
}

/// The hospital's interfaces and its admin API, for any router state.
pub fn routes<S: Clone + Send + Sync + 'static>(hospital: Arc<Hospital>) -> Router<S> {
    Router::new()
        .merge(fhir::routes())
        .merge(wst846::routes())
        .merge(vendor::routes())
        .route(
            "/sandbox/hospital/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/sandbox/hospital/patients",
            get(patients).post(add_patient),
        )
        .route("/sandbox/hospital/received", get(received))
        .route("/sandbox/hospital/reset", post(reset))
        .route("/sandbox/hospital", delete(reset))
        .with_state(hospital)
}

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

async fn list_faults(State(h): State<Arc<Hospital>>) -> Json<Vec<HisFault>> {
    Json(h.faults.lock().expect("faults").clone())
}

async fn add_fault(State(h): State<Arc<Hospital>>, body: Bytes) -> Response {
    let fault: HisFault = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => return problem(StatusCode::BAD_REQUEST, format!("fault: {e}")),
    };
    if let HisFaultKind::Slow { latency_ms } = fault.kind
        && latency_ms > crate::faults::MAX_LATENCY_MS
    {
        return problem(
            StatusCode::BAD_REQUEST,
            format!("latency_ms: at most {}", crate::faults::MAX_LATENCY_MS),
        );
    }
    if let HisFaultKind::Status { status } = fault.kind
        && !(400..=599).contains(&status)
    {
        return problem(StatusCode::BAD_REQUEST, "status: from 400 to 599");
    }
    if fault.times == Some(0) {
        return problem(
            StatusCode::BAD_REQUEST,
            "times: at least 1 (or absent: until cleared)",
        );
    }
    h.add_fault(fault);
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(h): State<Arc<Hospital>>) -> StatusCode {
    h.clear_faults();
    StatusCode::NO_CONTENT
}

async fn patients(State(h): State<Arc<Hospital>>) -> Json<Vec<HospitalPatient>> {
    Json(h.registry.lock().expect("registry").all().to_vec())
}

/// Registers a patient ahead of the kiosk (as the window would): a returning patient the
/// kiosk must find, or a second record of one ID number (`duplicate`).
async fn add_patient(State(h): State<Arc<Hospital>>, body: Bytes) -> Response {
    let patient: registry::NewPatient = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => return problem(StatusCode::BAD_REQUEST, format!("patient: {e}")),
    };
    let added = h.registry.lock().expect("registry").add(patient, "admin");
    (StatusCode::CREATED, Json(added)).into_response()
}

#[derive(Debug, Deserialize)]
struct ReceivedQuery {
    endpoint: Option<Endpoint>,
}

async fn received(State(h): State<Arc<Hospital>>, Query(q): Query<ReceivedQuery>) -> Json<Value> {
    Json(json!(h.received(q.endpoint)))
}

async fn reset(State(h): State<Arc<Hospital>>) -> StatusCode {
    h.reset();
    StatusCode::NO_CONTENT
}
