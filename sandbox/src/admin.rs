//! The admin API under `/sandbox/`: JSON in and out, for tests, the demo and outside clients.
//! Documented in the crate's README.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::face_app::{SimFaceSdk, Terminals};
use crate::faults::MAX_LATENCY_MS;
use crate::faults::{FaultRule, Target};
use crate::material::ids;
use crate::options::{MAX_CLOCK_SKEW_SECS, MAX_TTL_SECS, SidShape};
use crate::world::{SessionError, SessionRequest, World};

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// An integer field of a request body and the values it may take.
struct IntField {
    name: &'static str,
    min: i128,
    max: i128,
}

const fn field(name: &'static str, min: i128, max: i128) -> IntField {
    IntField { name, min, max }
}

const FAULT_FIELDS: &[IntField] = &[
    field("ms", 0, MAX_LATENCY_MS as i128),
    field("status", 400, 599),
    field("err_code", i64::MIN as i128, i64::MAX as i128),
    field("times", 1, u32::MAX as i128),
];
const CLOCK_FIELDS: &[IntField] = &[field(
    "skew_secs",
    -(MAX_CLOCK_SKEW_SECS as i128),
    MAX_CLOCK_SKEW_SECS as i128,
)];
const SESSION_FIELDS: &[IntField] = &[field("ttl_secs", 0, MAX_TTL_SECS as i128)];

/// Reads a JSON body. Numbers out of range are a 400 naming the field and its range (serde
/// alone would call `1e30` a type error and let `i64::MAX` through to the clock's arithmetic);
/// then the body is read as `T` by axum, whose errors name the field (422) or the syntax (400).
/// axum's body limit (2 MiB) answers 413 to anything larger.
fn body<T: DeserializeOwned>(bytes: &Bytes, ints: &[IntField]) -> Result<T, Response> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| problem(StatusCode::BAD_REQUEST, format!("body: not JSON: {e}")))?;
    if let Some(object) = value.as_object() {
        for f in ints {
            let Some(Value::Number(n)) = object.get(f.name) else {
                continue;
            };
            let n = n
                .as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from));
            if !n.is_some_and(|n| (f.min..=f.max).contains(&n)) {
                return Err(problem(
                    StatusCode::BAD_REQUEST,
                    format!("{} must be an integer in {}..={}", f.name, f.min, f.max),
                ));
            }
        }
    }
    Json::<T>::from_bytes(bytes)
        .map(|Json(t)| t)
        .map_err(|e| problem(e.status(), e.body_text()))
}

pub fn routes() -> Router<Arc<World>> {
    Router::new()
        .route("/sandbox/info", get(info))
        .route("/sandbox/personas", get(personas))
        .route("/sandbox/sessions", post(create_session))
        .route("/sandbox/sessions/{face_sid}", get(session))
        .route("/sandbox/sessions/{face_sid}/authorize", post(authorize))
        .route("/sandbox/sessions/{face_sid}/expire", post(expire))
        .route("/sandbox/authinfo/expire", post(expire_authinfos))
        .route("/sandbox/authinfo/scopes", get(authinfo_scopes))
        .route(
            "/sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/sandbox/faults/{target}", delete(clear_target))
        .route("/sandbox/clock", get(clock).put(set_clock))
        .route("/sandbox/face-app/persona", get(current).put(set_current))
        .route("/sandbox/face-app/disconnect", post(face_app_disconnect))
        .route("/sandbox/face-app/reconnect", post(face_app_reconnect))
        .route(
            "/sandbox/face-app/installing",
            axum::routing::put(face_app_installing),
        )
        .route("/sandbox/face-app/present", post(face_app_present))
        .route(
            "/sandbox/face-app/wechat-screen",
            post(face_app_wechat_screen),
        )
        .route("/sandbox/terminal", get(terminal_state))
        .route("/sandbox/terminal/unplug", post(terminal_unplug))
        .route("/sandbox/terminal/replug", post(terminal_replug))
        .route("/sandbox/stats", get(stats))
        .route("/sandbox/reset", post(reset))
}

async fn info(State(world): State<Arc<World>>) -> Json<Value> {
    let m = &world.material;
    let o = world.options();
    Json(json!({
        "merchant": {"mch_id": m.merchant.mch_id, "appids": [ids::MERCHANT_APPID, ids::MERCHANT_APPID_2],
                     "serial": m.merchant.serial, "dir": m.merchant.dir},
        "service_provider": {"mch_id": m.service_provider.mch_id, "appids": [ids::SP_APPID],
                             "serial": m.service_provider.serial, "dir": m.service_provider.dir},
        "sub_merchant": {"mch_id": m.sub_merchant.mch_id, "appids": [ids::SUB_APPID],
                         "serial": m.sub_merchant.serial, "dir": m.sub_merchant.dir},
        "wechatpay": {"public_key_id": m.public_key_id, "public_key": m.pub_key_path(),
                      "platform_serial": m.platform_serial, "platform_certificate": m.platform_cert_path()},
        "store_id": ids::STORE_ID,
        "device_id": ids::DEVICE_ID,
        "key_mode": o.key_mode,
        "padding": o.padding,
        "authinfo_expires_in": o.authinfo_expires_in,
        "keys_dir": m.dir,
    }))
}

async fn personas(State(world): State<Arc<World>>) -> Json<Value> {
    let list: Vec<Value> = world
        .personas()
        .into_iter()
        .map(|p| {
            let mut v = serde_json::to_value(&p).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("openid".into(), p.openid(ids::MERCHANT_APPID).into());
                o.insert("union_id".into(), p.union_id().into());
            }
            v
        })
        .collect();
    Json(Value::Array(list))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateSession {
    persona: String,
    #[serde(default)]
    appid: Option<String>,
    #[serde(default)]
    mch_id: Option<String>,
    #[serde(default)]
    sub_mch_id: Option<String>,
    #[serde(default)]
    sub_appid: Option<String>,
    #[serde(default)]
    authorized: bool,
    #[serde(default)]
    shape: Option<SidShape>,
    #[serde(default)]
    ttl_secs: Option<u64>,
}

async fn create_session(State(world): State<Arc<World>>, bytes: Bytes) -> Response {
    let body: CreateSession = match body(&bytes, SESSION_FIELDS) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let request = SessionRequest {
        persona: body.persona,
        appid: body.appid,
        mch_id: body.mch_id,
        sub_mch_id: body.sub_mch_id,
        sub_appid: body.sub_appid,
        authorized: body.authorized,
        shape: body.shape,
        ttl_secs: body.ttl_secs,
    };
    match world.create_session(request) {
        Ok(s) => (StatusCode::CREATED, Json(s)).into_response(),
        Err(e) => problem(StatusCode::BAD_REQUEST, e),
    }
}

async fn session(State(world): State<Arc<World>>, Path(face_sid): Path<String>) -> Response {
    match world.session(&face_sid) {
        Some(s) => Json(json!({
            "persona": s.persona, "appid": s.appid, "mch_id": s.mch_id,
            "sub_mch_id": s.sub_mch_id, "sub_appid": s.sub_appid,
            "authorized": s.authorized, "expires_at": s.expires_at,
        }))
        .into_response(),
        None => problem(StatusCode::NOT_FOUND, "no such face_sid"),
    }
}

fn session_result(r: Result<(), SessionError>, ok: Value) -> Response {
    match r {
        Ok(()) => Json(ok).into_response(),
        Err(SessionError::Unknown) => problem(StatusCode::NOT_FOUND, "no such face_sid"),
        Err(SessionError::Expired) => problem(StatusCode::CONFLICT, "the face_sid has expired"),
    }
}

async fn authorize(State(world): State<Arc<World>>, Path(face_sid): Path<String>) -> Response {
    session_result(world.authorize(&face_sid), json!({"authorized": true}))
}

async fn expire(State(world): State<Arc<World>>, Path(face_sid): Path<String>) -> Response {
    session_result(world.expire_session(&face_sid), json!({"expired": true}))
}

async fn expire_authinfos(State(world): State<Arc<World>>) -> Json<Value> {
    world.expire_authinfos();
    Json(json!({"expired": true}))
}

/// The store, device and merchant each authinfo was requested for (a kiosk whose staff
/// changed its store id is seen asking with the new one).
async fn authinfo_scopes(State(world): State<Arc<World>>) -> Json<Vec<crate::world::Scope>> {
    Json(world.grant_scopes())
}

async fn list_faults(State(world): State<Arc<World>>) -> Json<Vec<FaultRule>> {
    Json(world.faults())
}

async fn add_fault(State(world): State<Arc<World>>, bytes: Bytes) -> Response {
    let rule: FaultRule = match body(&bytes, FAULT_FIELDS) {
        Ok(r) => r,
        Err(r) => return r,
    };
    match world.add_fault(rule.clone()) {
        Ok(()) => (StatusCode::CREATED, Json(rule)).into_response(),
        Err(e) => problem(StatusCode::BAD_REQUEST, e),
    }
}

async fn clear_faults(State(world): State<Arc<World>>) -> StatusCode {
    world.clear_faults(None);
    StatusCode::NO_CONTENT
}

async fn clear_target(State(world): State<Arc<World>>, Path(target): Path<String>) -> Response {
    match Target::parse(&target) {
        Some(t) => {
            world.clear_faults(Some(t));
            StatusCode::NO_CONTENT.into_response()
        }
        None => problem(StatusCode::NOT_FOUND, format!("no fault target {target}")),
    }
}

async fn clock(State(world): State<Arc<World>>) -> Json<Value> {
    Json(json!({"skew_secs": world.clock_skew(), "now": world.now()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    skew_secs: i64,
}

async fn set_clock(State(world): State<Arc<World>>, bytes: Bytes) -> Response {
    let body: SetClock = match body(&bytes, CLOCK_FIELDS) {
        Ok(b) => b,
        Err(r) => return r,
    };
    world.set_clock_skew(body.skew_secs);
    Json(json!({"skew_secs": world.clock_skew(), "now": world.now()})).into_response()
}

async fn current(State(world): State<Arc<World>>) -> Json<Value> {
    Json(json!({"persona": world.current_persona()}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetPersona {
    persona: String,
}

async fn set_current(State(world): State<Arc<World>>, bytes: Bytes) -> Response {
    let body: SetPersona = match body(&bytes, &[]) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match world.set_current_persona(&body.persona) {
        Ok(()) => Json(json!({"persona": body.persona})).into_response(),
        Err(e) => problem(StatusCode::NOT_FOUND, e),
    }
}

async fn stats(State(world): State<Arc<World>>) -> Json<Value> {
    let counters = world.counters();
    let map: serde_json::Map<String, Value> = Target::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_owned(),
                counters.get(t).copied().unwrap_or(0).into(),
            )
        })
        .collect();
    Json(Value::Object(map))
}

async fn reset(State(world): State<Arc<World>>) -> StatusCode {
    world.reset();
    StatusCode::NO_CONTENT
}

/// The face-app controls act on every simulated terminal this sandbox started.
fn terminals(terminals: &Terminals) -> Result<Vec<SimFaceSdk>, Response> {
    let t = terminals.all();
    if t.is_empty() {
        return Err(problem(
            StatusCode::NOT_FOUND,
            "no simulated terminal runs on this sandbox",
        ));
    }
    Ok(t)
}

async fn face_app_disconnect(Extension(all): Extension<Terminals>) -> Response {
    match terminals(&all) {
        Ok(t) => {
            t.iter().for_each(|s| s.disconnect());
            Json(json!({"terminals": t.len(), "service": "reconnecting"})).into_response()
        }
        Err(r) => r,
    }
}

async fn face_app_reconnect(Extension(all): Extension<Terminals>) -> Response {
    match terminals(&all) {
        Ok(t) => {
            t.iter().for_each(|s| s.reconnect());
            Json(json!({"terminals": t.len(), "service": "connected"})).into_response()
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Installing {
    installing: bool,
}

async fn face_app_installing(Extension(all): Extension<Terminals>, bytes: Bytes) -> Response {
    let body: Installing = match body(&bytes, &[]) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match terminals(&all) {
        Ok(t) => {
            t.iter().for_each(|s| s.set_installing(body.installing));
            Json(json!({"terminals": t.len(), "installing": body.installing})).into_response()
        }
        Err(r) => r,
    }
}

#[derive(Deserialize)]
struct Present {
    persona: String,
}

/// Interactive terminal: this persona looks into the camera.
async fn face_app_present(Extension(all): Extension<Terminals>, bytes: Bytes) -> Response {
    let body: Present = match body(&bytes, &[]) {
        Ok(b) => b,
        Err(r) => return r,
    };
    patient_acts(&all, |t| t.present_face(&body.persona))
}

#[derive(Deserialize)]
struct WechatScreen {
    confirm: bool,
}

/// Interactive terminal: the patient's answer on WeChat's confirmation screen.
async fn face_app_wechat_screen(Extension(all): Extension<Terminals>, bytes: Bytes) -> Response {
    let body: WechatScreen = match body(&bytes, &[]) {
        Ok(b) => b,
        Err(r) => return r,
    };
    patient_acts(&all, |t| t.answer_wechat_screen(body.confirm))
}

fn patient_acts(all: &Terminals, act: impl Fn(&SimFaceSdk) -> Result<(), String>) -> Response {
    let terminals = match terminals(all) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let mut last = String::new();
    for t in &terminals {
        match act(t) {
            Ok(()) => return Json(json!({"ok": true})).into_response(),
            Err(e) => last = e,
        }
    }
    problem(StatusCode::CONFLICT, last)
}

async fn terminal_state(
    State(world): State<Arc<World>>,
    Extension(all): Extension<Terminals>,
) -> Response {
    let cables = world.cables();
    let waiting: Vec<_> = all.all().iter().map(|t| t.waiting_for()).collect();
    Json(json!({
        "plugged": cables.iter().map(|c| c.is_plugged()).collect::<Vec<_>>(),
        "waiting_for": waiting,
    }))
    .into_response()
}

async fn terminal_unplug(State(world): State<Arc<World>>) -> Response {
    cable(&world, false)
}

async fn terminal_replug(State(world): State<Arc<World>>) -> Response {
    cable(&world, true)
}

fn cable(world: &World, plugged: bool) -> Response {
    let cables = world.cables();
    if cables.is_empty() {
        return problem(
            StatusCode::NOT_FOUND,
            "no simulated terminal runs on this sandbox",
        );
    }
    for c in &cables {
        if plugged { c.replug() } else { c.unplug() }
    }
    Json(json!({"terminals": cables.len(), "plugged": plugged})).into_response()
}
