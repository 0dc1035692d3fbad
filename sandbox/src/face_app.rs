//! The simulated WeChat face terminal: the AAR (`WxPayFace`) and the face app
//! (`com.tencent.wxpayface`) behind it, as one implementation of the bridge's [`FaceSdk`].
//!
//! It behaves as the real pair does (`reference/wechat-face-facts.md` §1):
//! - the AAR injects `aar_version` into every request map; the face app ignores it;
//! - every result is a Map: `return_code`, `return_msg`, `err_code` as an Integer when the AAR
//!   synthesises one (271378620 not initialised, 271378621 initialising, 271378622 installing);
//! - calls may never be answered (the `hang` fault), answers may come late (`latency`) and from
//!   another thread (a "binder" thread), or synchronously;
//! - the face app may go away (self-update): the AAR keeps one call in a single slot while it
//!   reconnects, answers it 271378621 after its 10 s timer, and a second call made meanwhile
//!   overwrites the first, which is then never answered;
//! - `getWxpayfaceCode{FACE_AUTH}` checks the authinfo against payapp's grant (device, appid,
//!   mch_id, sub ids, store_id, expiry) and answers `face_sid` (shaped `uuid` or `uuid_rt1`)
//!   and `openid` for the persona in front of the camera, or USER_CANCEL if they cancel;
//! - `getWxpayAuth{quit_face_auth="0"}` is the patient's confirmation on WeChat's screen: it
//!   authorizes the face_sid for the facemch query, or answers USER_CANCEL if they decline.
//!
//! The face app talks to the sandbox's backends in-process, through the shared [`World`], as
//! the real one talks to WeChat's servers.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use facekiosk_bridge::protocol::{Event, Method, Params, SdkResult};
use facekiosk_bridge::{FaceSdk, Notifier, SdkCallback, SdkMethod, SdkVersion};
use serde_json::{Value, json};

use crate::faults::{FaultKind, Target};
use crate::personas::Behaviour;
use crate::world::{SessionRequest, World, random_hex};

pub use crate::rawdata::{RAWDATA_PREFIX, rawdata_for, terminal_of_rawdata};

/// `FacePayConstants.KEY_REQ_PARAMS_AAR_VERSION`'s value in AAR 2.32.105.
pub const AAR_VERSION: &str = "2.32.105.2032105";
/// The simulated face app's `versionName` (2.24+ supports ASK_REAL_NAME_TEL).
pub const FACE_APP_VERSION: &str = "2.32.100.0";

pub const ERR_NOT_INITIALISED: i64 = 271_378_620;
pub const ERR_INITIALISING: i64 = 271_378_621;
pub const ERR_INSTALLING: i64 = 271_378_622;

fn map(v: Value) -> SdkResult {
    match v {
        Value::Object(o) => o,
        _ => SdkResult::new(),
    }
}

fn success() -> SdkResult {
    map(json!({"return_code": "SUCCESS", "return_msg": "SUCCESS"}))
}

/// What the AAR synthesises: `FAIL` with an Integer `err_code`.
pub fn aar_fail(err_code: i64) -> SdkResult {
    let msg = match err_code {
        ERR_NOT_INITIALISED => "刷脸服务未初始化",
        ERR_INITIALISING => "刷脸服务初始化中",
        ERR_INSTALLING => "刷脸安装中",
        _ => "FAIL",
    };
    map(json!({"return_code": "FAIL", "return_msg": msg, "err_code": err_code}))
}

fn returned(return_code: &str, return_msg: &str) -> SdkResult {
    map(json!({"return_code": return_code, "return_msg": return_msg}))
}

/// Where the face app is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Connected,
    /// Gone (restarting, updating): calls wait in the AAR's single slot.
    Reconnecting,
    /// Being installed: every call answers 271378622.
    Installing,
}

struct Slot {
    method: SdkMethod,
    params: Params,
    callback: SdkCallback,
    generation: u64,
}

struct AppState {
    service: Service,
    initialised: bool,
    slot: Option<Slot>,
    slot_generation: u64,
    /// Callbacks that will never be answered (kept, not dropped: dropping would tell the bridge).
    held: Vec<SdkCallback>,
    /// The last [`RECEIVED_KEPT`] request maps the face app received (with the AAR's
    /// `aar_version`): a terminal that runs for days must not keep every one.
    received: VecDeque<(Method, Params)>,
    /// How many calls of each method it received, ever.
    counts: BTreeMap<Method, usize>,
    notifier: Option<Notifier>,
    /// Interactive mode: the call waiting for the patient (a face, or an answer on WeChat's
    /// screen).
    waiting: Option<Waiting>,
}

/// How many of the last request maps a simulated face app keeps for tests to read.
pub const RECEIVED_KEPT: usize = 256;

/// A call that waits for the patient, in interactive mode.
struct Waiting {
    method: SdkMethod,
    params: Params,
    callback: SdkCallback,
    expired_authinfo: bool,
    expired_sid: bool,
    foreign_openid: bool,
}

/// What the simulated terminal waits for, in interactive mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PatientAction {
    /// A face in front of the camera: [`SimFaceSdk::present_face`].
    Face,
    /// An answer on WeChat's confirmation screen: [`SimFaceSdk::answer_wechat_screen`].
    Confirmation,
}

/// Options of the simulated terminal.
#[derive(Debug, Clone)]
pub struct FaceAppOptions {
    /// The terminal's serial (the device the rawdata and authinfo are bound to).
    pub serial: String,
    /// The AAR's reconnect timer (10 s in the real AAR).
    pub reconnect_timeout: Duration,
    /// Answer from a separate "binder" thread (as real results arrive) rather than on the
    /// calling thread.
    pub answer_from_binder_thread: bool,
    /// The demo's terminal: the face scan waits until a persona is presented and WeChat's
    /// confirmation until it is answered, as a patient takes their time. Otherwise both
    /// answer at once with the current persona.
    pub interactive: bool,
}

impl Default for FaceAppOptions {
    fn default() -> Self {
        FaceAppOptions {
            serial: "SIM-TERMINAL-1".into(),
            reconnect_timeout: Duration::from_secs(10),
            answer_from_binder_thread: true,
            interactive: false,
        }
    }
}

/// The simulated AAR + face app.
#[derive(Clone)]
pub struct SimFaceSdk {
    world: Arc<World>,
    options: FaceAppOptions,
    state: Arc<Mutex<AppState>>,
}

impl fmt::Debug for SimFaceSdk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimFaceSdk")
            .field("serial", &self.options.serial)
            .finish_non_exhaustive()
    }
}

impl SimFaceSdk {
    pub fn new(world: Arc<World>, options: FaceAppOptions) -> Self {
        SimFaceSdk {
            world,
            options,
            state: Arc::new(Mutex::new(AppState {
                service: Service::Connected,
                initialised: false,
                slot: None,
                slot_generation: 0,
                held: Vec::new(),
                received: VecDeque::new(),
                counts: BTreeMap::new(),
                notifier: None,
                waiting: None,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AppState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn serial(&self) -> &str {
        &self.options.serial
    }

    /// The last request maps the face app received, in order (values included: for tests).
    pub fn received(&self) -> Vec<(Method, Params)> {
        self.lock().received.iter().cloned().collect()
    }

    /// How many `method` calls the face app received (like the core tests' `ScriptedSdk::count`).
    pub fn count(&self, method: Method) -> usize {
        self.lock().counts.get(&method).copied().unwrap_or(0)
    }

    /// How many callbacks are held unanswered.
    pub fn held(&self) -> usize {
        self.lock().held.len()
    }

    pub fn is_initialised(&self) -> bool {
        self.lock().initialised
    }

    /// The face app goes away (self-update, crash): the AAR reconnects; calls wait in its slot.
    pub fn disconnect(&self) {
        let notifier = {
            let mut st = self.lock();
            st.service = Service::Reconnecting;
            st.initialised = false;
            st.notifier.clone()
        };
        if let Some(n) = notifier {
            n.notify(Event::FaceServiceDisconnected);
        }
    }

    /// The face app is back (not initialised: it restarted). A call waiting in the AAR's slot
    /// is made now.
    pub fn reconnect(&self) {
        let (slot, notifier) = {
            let mut st = self.lock();
            st.service = Service::Connected;
            (st.slot.take(), st.notifier.clone())
        };
        if let Some(n) = notifier {
            n.notify(Event::FaceServiceReconnected);
        }
        if let Some(slot) = slot {
            self.dispatch(slot.method, slot.params, slot.callback);
        }
    }

    /// The face app is being installed (or not): every call answers 271378622 meanwhile.
    pub fn set_installing(&self, installing: bool) {
        let mut st = self.lock();
        st.service = if installing {
            Service::Installing
        } else {
            Service::Connected
        };
        if installing {
            st.initialised = false;
        }
    }

    /// The AAR's single slot and its 10 s `OverTimeHandler`.
    fn park(&self, method: SdkMethod, params: Params, callback: SdkCallback) {
        let generation = {
            let mut st = self.lock();
            st.slot_generation += 1;
            let generation = st.slot_generation;
            if let Some(old) = st.slot.replace(Slot {
                method,
                params,
                callback,
                generation,
            }) {
                // Overwritten: that call's callback is lost and never called.
                st.held.push(old.callback);
            }
            generation
        };
        let state = self.state.clone();
        let wait = self.options.reconnect_timeout;
        let _ = std::thread::Builder::new()
            .name("sim-aar-overtime".into())
            .spawn(move || {
                std::thread::sleep(wait);
                let slot = {
                    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
                    match &st.slot {
                        Some(s) if s.generation == generation => st.slot.take(),
                        _ => None,
                    }
                };
                if let Some(slot) = slot {
                    slot.callback.respond(aar_fail(ERR_INITIALISING));
                }
            });
    }

    /// The face app side: faults, then the call itself.
    fn dispatch(&self, method: SdkMethod, params: Params, callback: SdkCallback) {
        {
            let mut st = self.lock();
            let method = Method::from(method);
            *st.counts.entry(method).or_default() += 1;
            if st.received.len() == RECEIVED_KEPT {
                st.received.pop_front();
            }
            st.received.push_back((method, params.clone()));
        }
        let target = match method {
            SdkMethod::InitWxpayface => Target::InitWxpayface,
            SdkMethod::GetWxpayfaceRawdata => Target::GetWxpayfaceRawdata,
            SdkMethod::GetWxpayfaceCode => Target::GetWxpayfaceCode,
            SdkMethod::GetWxpayAuth => Target::GetWxpayAuth,
            SdkMethod::StopWxpayface => Target::StopWxpayface,
        };
        let active = self.world.begin(target);
        let result = match active.terminal() {
            Some(FaultKind::Hang) => {
                self.lock().held.push(callback);
                return;
            }
            Some(FaultKind::ErrCode { err_code }) => aar_fail(*err_code),
            Some(FaultKind::ReturnCode { return_code }) => returned(return_code, return_code),
            _ => {
                let expired_authinfo = active.has(&FaultKind::ExpiredAuthinfo);
                let expired_sid = active.has(&FaultKind::ExpiredFaceSid);
                let foreign_openid = active.has(&FaultKind::ForeignOpenid);
                if method == SdkMethod::StopWxpayface {
                    self.close_waiting();
                }
                if self.options.interactive && waits_for_patient(method, &params) {
                    self.lock().waiting = Some(Waiting {
                        method,
                        params,
                        callback,
                        expired_authinfo,
                        expired_sid,
                        foreign_openid,
                    });
                    return;
                }
                let faults = (expired_authinfo, expired_sid, foreign_openid);
                self.answer(method, &params, faults)
            }
        };
        let latency = Duration::from_millis(active.latency_ms());
        if latency.is_zero() && !self.options.answer_from_binder_thread {
            callback.respond(result);
            return;
        }
        let _ = std::thread::Builder::new()
            .name("sim-binder".into())
            .spawn(move || {
                std::thread::sleep(latency);
                callback.respond(result);
            });
    }

    /// What the terminal waits for, if anything (interactive mode).
    pub fn waiting_for(&self) -> Option<PatientAction> {
        self.lock().waiting.as_ref().map(|w| match w.method {
            SdkMethod::GetWxpayfaceCode => PatientAction::Face,
            _ => PatientAction::Confirmation,
        })
    }

    /// Interactive mode: `persona` looks into the camera; the waiting face scan answers.
    pub fn present_face(&self, persona: &str) -> Result<(), String> {
        self.world.set_current_persona(persona)?;
        let waiting = self.take_waiting(PatientAction::Face)?;
        let result = self.face_code(
            &waiting.params,
            waiting.expired_authinfo,
            waiting.foreign_openid,
        );
        waiting.callback.respond(result);
        Ok(())
    }

    /// Interactive mode: the patient confirms (or declines) on WeChat's screen.
    pub fn answer_wechat_screen(&self, confirm: bool) -> Result<(), String> {
        let waiting = self.take_waiting(PatientAction::Confirmation)?;
        let result = if confirm {
            self.auth(
                &waiting.params,
                waiting.expired_authinfo,
                waiting.expired_sid,
            )
        } else {
            returned("USER_CANCEL", "用户退出实名认证")
        };
        waiting.callback.respond(result);
        Ok(())
    }

    fn take_waiting(&self, action: PatientAction) -> Result<Waiting, String> {
        let mut st = self.lock();
        if st.waiting.is_none() {
            return Err("the terminal is not waiting for the patient".into());
        }
        let matches = st.waiting.as_ref().is_some_and(|w| {
            (w.method == SdkMethod::GetWxpayfaceCode) == (action == PatientAction::Face)
        });
        if !matches {
            return Err(format!("the terminal is not waiting for {action:?}"));
        }
        Ok(st.waiting.take().expect("checked above"))
    }

    /// `stopWxpayface` closes the face UI: the call that waited for the patient ends as a
    /// cancel, as the real app's does.
    fn close_waiting(&self) {
        let waiting = self.lock().waiting.take();
        if let Some(w) = waiting {
            w.callback.respond(returned("USER_CANCEL", "用户取消"));
        }
    }

    /// `faults`: expired authinfo, expired face_sid, foreign openid.
    fn answer(
        &self,
        method: SdkMethod,
        params: &Params,
        (expired_authinfo, expired_sid, foreign_openid): (bool, bool, bool),
    ) -> SdkResult {
        match method {
            SdkMethod::InitWxpayface => {
                self.lock().initialised = true;
                success()
            }
            SdkMethod::StopWxpayface => success(),
            _ if !self.lock().initialised => aar_fail(ERR_NOT_INITIALISED),
            SdkMethod::GetWxpayfaceRawdata => {
                let mut r = success();
                r.insert("rawdata".into(), rawdata_for(&self.options.serial).into());
                r
            }
            SdkMethod::GetWxpayfaceCode => self.face_code(params, expired_authinfo, foreign_openid),
            SdkMethod::GetWxpayAuth => self.auth(params, expired_authinfo, expired_sid),
        }
    }

    /// Checks an authinfo as the face app does with WeChat's servers.
    fn check_authinfo(&self, params: &Params, expired: bool, scoped: bool) -> Option<SdkResult> {
        let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let Some(authinfo) = get("authinfo") else {
            return Some(returned("PARAM_ERROR", "authinfo为空"));
        };
        let Some(grant) = self.world.grant_of(authinfo) else {
            return Some(returned("PARAM_ERROR", "authinfo无效"));
        };
        if expired || grant.expires_at <= self.world.now() {
            return Some(returned("PARAM_ERROR", "authinfo已过期"));
        }
        if grant
            .terminal
            .as_deref()
            .is_some_and(|t| t != self.options.serial)
        {
            return Some(returned("PARAM_ERROR", "authinfo与设备不匹配"));
        }
        if scoped {
            let s = &grant.scope;
            let same = get("appid") == Some(s.appid.as_str())
                && get("mch_id") == Some(s.mch_id.as_str())
                && get("store_id") == Some(s.store_id.as_str())
                && get("sub_appid") == s.sub_appid.as_deref()
                && get("sub_mch_id") == s.sub_mch_id.as_deref();
            if !same {
                return Some(returned("PARAM_ERROR", "authinfo与参数不匹配"));
            }
        }
        None
    }

    fn face_code(
        &self,
        params: &Params,
        expired_authinfo: bool,
        foreign_openid: bool,
    ) -> SdkResult {
        let get = |k: &str| params.get(k).map(String::as_str).filter(|v| !v.is_empty());
        match get("face_authtype") {
            Some("FACE_AUTH") => {}
            None => return returned("PARAM_ERROR", "face_authtype为空"),
            Some(_) => return returned("PARAM_ERROR", "face_authtype不支持"),
        }
        if let Some(refusal) = self.check_authinfo(params, expired_authinfo, true) {
            return refusal;
        }
        let persona_id = self.world.current_persona();
        let Some(persona) = self.world.persona(&persona_id) else {
            return returned("SYSTEMERROR", "系统错误");
        };
        if persona.behaviour == Behaviour::CancelsFaceScan {
            return returned("USER_CANCEL", "用户取消");
        }
        let session = self.world.create_session(SessionRequest {
            persona: persona.id.clone(),
            appid: get("appid").map(str::to_owned),
            mch_id: get("mch_id").map(str::to_owned),
            sub_mch_id: get("sub_mch_id").map(str::to_owned),
            sub_appid: get("sub_appid").map(str::to_owned),
            ..SessionRequest::default()
        });
        let Ok(session) = session else {
            return returned("PARAM_ERROR", "参数错误");
        };
        let (openid, sub_openid) = match foreign_openid {
            // Someone else's ids beside this patient's face_sid: what an app that took the
            // bridge's place would report.
            true => (
                format!("o{}", random_hex(14)),
                session.sub_openid.map(|_| format!("o{}", random_hex(14))),
            ),
            false => (session.openid, session.sub_openid),
        };
        let mut r = success();
        r.insert("face_sid".into(), session.face_sid.into());
        r.insert("openid".into(), openid.into());
        r.insert("sub_openid".into(), sub_openid.unwrap_or_default().into());
        // Wire types of these two are unconfirmed; the apps in the wild parse either.
        r.insert(
            "underage_state".into(),
            session.underage_state.to_string().into(),
        );
        r.insert(
            "telephone_used".into(),
            i64::from(persona.phone.is_some()).into(),
        );
        r
    }

    fn auth(&self, params: &Params, expired_authinfo: bool, expired_sid: bool) -> SdkResult {
        if let Some(refusal) = self.check_authinfo(params, expired_authinfo, false) {
            return refusal;
        }
        let Some(face_sid) = params.get("face_sid").filter(|v| !v.is_empty()) else {
            return returned("PARAM_ERROR", "face_sid为空");
        };
        let Some(session) = self.world.session(face_sid) else {
            return returned("PARAM_ERROR", "face_sid无效");
        };
        if expired_sid || session.expires_at <= self.world.now() {
            return returned("PARAM_ERROR", "face_sid已过期");
        }
        if params.get("quit_face_auth").map(String::as_str) == Some("1") {
            return success();
        }
        let declines = self
            .world
            .persona(&session.persona)
            .is_some_and(|p| p.behaviour == Behaviour::DeclinesAtWechat);
        if declines {
            return returned("USER_CANCEL", "用户退出实名认证");
        }
        match self.world.authorize(face_sid) {
            Ok(()) => success(),
            Err(_) => returned("PARAM_ERROR", "face_sid已过期"),
        }
    }
}

/// The simulated terminals a sandbox started, which the admin API's face-app controls act on.
/// Shared by the sandbox's handle (which adds them) and its admin routes (which read them).
#[derive(Debug, Clone, Default)]
pub struct Terminals(Arc<Mutex<Vec<SimFaceSdk>>>);

impl Terminals {
    /// Registers a simulated terminal.
    pub fn add(&self, sdk: SimFaceSdk) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(sdk);
    }

    /// Every simulated terminal started so far, in order.
    pub fn all(&self) -> Vec<SimFaceSdk> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The calls a patient answers: the face scan, and WeChat's confirmation ("0").
fn waits_for_patient(method: SdkMethod, params: &Params) -> bool {
    match method {
        SdkMethod::GetWxpayfaceCode => true,
        SdkMethod::GetWxpayAuth => params.get("quit_face_auth").map(String::as_str) != Some("1"),
        _ => false,
    }
}

impl FaceSdk for SimFaceSdk {
    /// The AAR side: inject `aar_version`, park the call while the face app is away.
    fn call(&self, method: SdkMethod, mut params: Params, callback: SdkCallback) {
        params.insert("aar_version".into(), AAR_VERSION.into());
        let service = self.lock().service;
        match service {
            Service::Installing => callback.respond(aar_fail(ERR_INSTALLING)),
            Service::Reconnecting => self.park(method, params, callback),
            Service::Connected => self.dispatch(method, params, callback),
        }
    }

    fn version(&self) -> SdkVersion {
        let face_app = match self.lock().service {
            Service::Installing => None,
            _ => Some(FACE_APP_VERSION.to_owned()),
        };
        SdkVersion {
            aar: AAR_VERSION.into(),
            face_app,
        }
    }

    fn set_notifier(&self, notifier: Notifier) {
        self.lock().notifier = Some(notifier);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aar_failures_carry_integer_err_codes() {
        let f = aar_fail(ERR_INITIALISING);
        assert_eq!(f["err_code"], json!(271_378_621));
        assert!(f["err_code"].is_i64());
        assert_eq!(f["return_msg"], "刷脸服务初始化中");
        assert_eq!(aar_fail(ERR_INSTALLING)["return_msg"], "刷脸安装中");
    }
}
