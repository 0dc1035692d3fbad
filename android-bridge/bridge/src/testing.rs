//! The scripted face SDK for tests (cargo feature `test-support`): the one [`FaceSdk`] double
//! of the workspace. The bridge's own tests and benches use it from here; the test suites of the
//! other crates get it through `facekiosk-testkit`, which re-exports this module.
//!
//! Each call takes the next [`Act`] scripted for its method ([`ScriptedSdk::then`]), or the
//! method's default ([`ScriptedSdk::default_for`]), or answers [`success`]: answer at once on
//! the calling thread, answer later from a thread of its own, never answer (the callback is
//! kept and can be answered late), make the binding fail, drop the callback, or panic. It records
//! every call (method, params, thread) and the largest number of calls it had outstanding at
//! once. Cheap to clone: clones share the script and the records.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use facekiosk_bridge_protocol::{PairingKey, Params, SdkResult};
use serde_json::{Value, json};

use crate::{FaceSdk, Notifier, SdkCallback, SdkMethod, SdkVersion};

/// The AAR version the double reports (`hello.aar`, `getVersion`).
pub const AAR_VERSION: &str = "2.32.105.2032105";
/// The face app version the double reports (`hello.face_app`, `getVersion`).
pub const FACE_APP_VERSION: &str = "2.20.0";

/// The canary values of [`ScriptedSdk::with_canaries`]: easy to search for in logs and dumps.
pub const RAWDATA: &str = "RAWDATA-CANARY-5c1d";
/// See [`RAWDATA`].
pub const FACE_SID: &str = "FACESID-CANARY-0b6e-4d2a";
/// See [`RAWDATA`].
pub const OPENID: &str = "oOPENID-CANARY-f00d";
/// See [`RAWDATA`].
pub const SUB_OPENID: &str = "oSUBOPENID-CANARY-beef";

/// The pairing key the workspace's tests give both the bridge and the kiosk (fixed, so that a
/// test can pair a raw client by hand).
pub fn pairing_key() -> PairingKey {
    PairingKey::from_bytes(*b"facekiosk test pairing key 32 b!")
}

/// What the SDK does with one call.
#[derive(Debug, Clone)]
pub enum Act {
    /// Answer before returning, on the calling thread.
    Reply(SdkResult),
    /// Answer after a pause from a thread of its own (`fake-binder`, as a Binder thread would).
    Later(Duration, SdkResult),
    /// Keep the callback and never answer, as the real SDK may (unless
    /// [`ScriptedSdk::answer_held`]).
    Never,
    /// The binding cannot make the call (a Java exception of that class): `SdkCallback::fail`.
    Throw(&'static str),
    /// Drop the callback unanswered.
    DropCallback,
    /// Panic inside the call.
    Panic,
}

/// One call the SDK received.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: SdkMethod,
    /// Values included: this is a test double.
    pub params: Params,
    /// The name of the thread the call came on.
    pub thread: String,
}

#[derive(Debug, Default)]
struct State {
    script: HashMap<SdkMethod, VecDeque<Act>>,
    defaults: HashMap<SdkMethod, Act>,
    calls: Vec<Call>,
    held: Vec<SdkCallback>,
    outstanding: usize,
    max_outstanding: usize,
    notifier: Option<Notifier>,
}

/// The scripted SDK. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct ScriptedSdk {
    state: Arc<Mutex<State>>,
}

/// A JSON object, as the SDK's callback Map.
///
/// # Panics
///
/// When `v` is not an object.
pub fn map(v: Value) -> SdkResult {
    match v {
        Value::Object(o) => o,
        _ => panic!("not an object"),
    }
}

/// `{"return_code": "SUCCESS", "return_msg": "SUCCESS"}`.
pub fn success() -> SdkResult {
    map(json!({"return_code": "SUCCESS", "return_msg": "SUCCESS"}))
}

/// `FAIL` with an Integer err_code, as the AAR synthesises it.
pub fn fail(err_code: i64, msg: &str) -> SdkResult {
    map(json!({"return_code": "FAIL", "return_msg": msg, "err_code": err_code}))
}

/// A bare `return_code` (`USER_CANCEL`, `SYSTEMERROR`, …).
pub fn code(return_code: &str) -> SdkResult {
    map(json!({"return_code": return_code, "return_msg": "msg"}))
}

/// A successful `getWxpayfaceCode` with the canary face_sid, openid and sub_openid.
pub fn face_code_success() -> SdkResult {
    map(
        json!({"return_code": "SUCCESS", "return_msg": "SUCCESS", "face_sid": FACE_SID,
               "openid": OPENID, "sub_openid": SUB_OPENID, "underage_state": 1,
               "telephone_used": "0", "face_code": ""}),
    )
}

impl ScriptedSdk {
    /// Every call answers [`success`] at once, unless scripted otherwise.
    pub fn new() -> Self {
        Self::default()
    }

    /// Like [`ScriptedSdk::new`], but a face scan answers as a face app would, with canary
    /// values: `getWxpayfaceRawdata` [`RAWDATA`], `getWxpayfaceCode` [`face_code_success`].
    pub fn with_canaries() -> Self {
        let sdk = ScriptedSdk::new();
        let raw = map(json!({"return_code": "SUCCESS", "return_msg": "", "rawdata": RAWDATA}));
        sdk.default_for(SdkMethod::GetWxpayfaceRawdata, Act::Reply(raw))
            .default_for(SdkMethod::GetWxpayfaceCode, Act::Reply(face_code_success()));
        sdk
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What every call of `method` not otherwise scripted does.
    pub fn default_for(&self, method: SdkMethod, act: Act) -> &Self {
        self.lock().defaults.insert(method, act);
        self
    }

    /// The next call of `method` does `act` (after those already scripted).
    pub fn then(&self, method: SdkMethod, act: Act) -> &Self {
        self.lock().script.entry(method).or_default().push_back(act);
        self
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The methods called so far, in order.
    pub fn methods(&self) -> Vec<SdkMethod> {
        self.lock().calls.iter().map(|c| c.method).collect()
    }

    /// The params of every call of `method`, in order.
    pub fn params_of(&self, method: SdkMethod) -> Vec<Params> {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .map(|c| c.params.clone())
            .collect()
    }

    /// How many calls of `method` the SDK received.
    pub fn count(&self, method: SdkMethod) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// The most calls the SDK had outstanding at once (the one being made included).
    pub fn max_outstanding(&self) -> usize {
        self.lock().max_outstanding
    }

    /// Answers every callback held by [`Act::Never`] now, from another thread; returns how many.
    pub fn answer_held(&self, result: SdkResult) -> usize {
        let held = std::mem::take(&mut self.lock().held);
        let n = held.len();
        std::thread::spawn(move || {
            for cb in held {
                cb.respond(result.clone());
            }
        })
        .join()
        .expect("answering the held callbacks");
        n
    }

    /// The notifier the bridge gave the SDK.
    ///
    /// # Panics
    ///
    /// Before `Bridge::new` set it.
    pub fn notifier(&self) -> Notifier {
        self.lock().notifier.clone().expect("set by Bridge::new")
    }
}

impl FaceSdk for ScriptedSdk {
    fn call(&self, method: SdkMethod, params: Params, callback: SdkCallback) {
        let act = {
            let mut st = self.lock();
            let thread = std::thread::current().name().unwrap_or("?").to_string();
            st.calls.push(Call {
                method,
                params,
                thread,
            });
            let scripted = st.script.get_mut(&method).and_then(VecDeque::pop_front);
            let act = scripted
                .or_else(|| st.defaults.get(&method).cloned())
                .unwrap_or_else(|| Act::Reply(success()));
            if matches!(act, Act::Later(..) | Act::Never) {
                st.outstanding += 1;
                st.max_outstanding = st.max_outstanding.max(st.outstanding);
            } else {
                st.max_outstanding = st.max_outstanding.max(st.outstanding + 1);
            }
            act
        };
        match act {
            Act::Reply(result) => callback.respond(result),
            Act::Later(pause, result) => {
                let state = self.state.clone();
                std::thread::Builder::new()
                    .name("fake-binder".into())
                    .spawn(move || {
                        std::thread::sleep(pause);
                        state.lock().unwrap_or_else(|e| e.into_inner()).outstanding -= 1;
                        callback.respond(result);
                    })
                    .expect("spawning a fake-binder thread");
            }
            Act::Never => self.lock().held.push(callback),
            Act::Throw(exception) => callback.fail(exception),
            Act::DropCallback => drop(callback),
            Act::Panic => panic!("the scripted SDK panics as scripted"),
        }
    }

    fn version(&self) -> SdkVersion {
        SdkVersion {
            aar: AAR_VERSION.into(),
            face_app: Some(FACE_APP_VERSION.into()),
        }
    }

    fn set_notifier(&self, notifier: Notifier) {
        self.lock().notifier = Some(notifier);
    }
}
