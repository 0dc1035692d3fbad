//! A scripted stand-in for the WeChat face SDK behind the real bridge server: each call takes the
//! next scripted act for its method (or the method's default): answer at once, answer later from
//! a thread of its own, or never answer. It records every call with its params.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use facekiosk_bridge::protocol::{Method, Params, SdkResult};
use facekiosk_bridge::{FaceSdk, Notifier, SdkCallback, SdkVersion};
use serde_json::{Value, json};

/// What the SDK does with one call.
#[derive(Debug, Clone)]
pub enum Act {
    /// Answer at once, on the calling thread.
    Reply(SdkResult),
    /// Answer after a pause, from another thread (a Binder thread on a real terminal).
    Later(Duration, SdkResult),
    /// Keep the callback and never answer (the real SDK swallows exceptions).
    Never,
}

#[derive(Debug, Default)]
struct State {
    script: HashMap<Method, VecDeque<Act>>,
    defaults: HashMap<Method, Act>,
    calls: Vec<(Method, Params)>,
    held: Vec<SdkCallback>,
    notifier: Option<Notifier>,
}

/// The SDK double. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct ScriptedSdk {
    state: Arc<Mutex<State>>,
}

pub fn map(v: Value) -> SdkResult {
    match v {
        Value::Object(o) => o,
        _ => panic!("not an object"),
    }
}

pub fn success() -> SdkResult {
    map(json!({"return_code": "SUCCESS", "return_msg": "SUCCESS"}))
}

/// `FAIL` with an Integer err_code, as the AAR synthesises it.
pub fn fail(err_code: i64, msg: &str) -> SdkResult {
    map(json!({"return_code": "FAIL", "return_msg": msg, "err_code": err_code}))
}

pub fn code(return_code: &str) -> SdkResult {
    map(json!({"return_code": return_code, "return_msg": "msg"}))
}

pub const RAWDATA: &str = "RAWDATA-CANARY-5c1d";
pub const FACE_SID: &str = "FACESID-CANARY-0b6e-4d2a";
pub const OPENID: &str = "oOPENID-CANARY-f00d";
pub const SUB_OPENID: &str = "oSUBOPENID-CANARY-beef";

pub fn face_code_success() -> SdkResult {
    map(
        json!({"return_code": "SUCCESS", "return_msg": "SUCCESS", "face_sid": FACE_SID,
               "openid": OPENID, "sub_openid": SUB_OPENID, "underage_state": 1,
               "telephone_used": "0", "face_code": ""}),
    )
}

impl ScriptedSdk {
    pub fn new() -> Self {
        let sdk = ScriptedSdk::default();
        let raw = map(json!({"return_code": "SUCCESS", "return_msg": "", "rawdata": RAWDATA}));
        sdk.default_for(Method::GetWxpayfaceRawdata, Act::Reply(raw));
        sdk.default_for(Method::GetWxpayfaceCode, Act::Reply(face_code_success()));
        sdk
    }

    pub fn default_for(&self, method: Method, act: Act) {
        self.state.lock().unwrap().defaults.insert(method, act);
    }

    /// The next call of `method` does `act`.
    pub fn then(&self, method: Method, act: Act) -> &Self {
        self.state
            .lock()
            .unwrap()
            .script
            .entry(method)
            .or_default()
            .push_back(act);
        self
    }

    /// The methods called so far, in order.
    pub fn methods(&self) -> Vec<Method> {
        self.state
            .lock()
            .unwrap()
            .calls
            .iter()
            .map(|(m, _)| *m)
            .collect()
    }

    /// The params of every call of `method`.
    pub fn params_of(&self, method: Method) -> Vec<Params> {
        let st = self.state.lock().unwrap();
        st.calls
            .iter()
            .filter(|(m, _)| *m == method)
            .map(|(_, p)| p.clone())
            .collect()
    }

    pub fn count(&self, method: Method) -> usize {
        self.methods().iter().filter(|m| **m == method).count()
    }

    /// Answers the calls held by `Act::Never`.
    pub fn answer_held(&self, result: SdkResult) -> usize {
        let held = std::mem::take(&mut self.state.lock().unwrap().held);
        let n = held.len();
        for cb in held {
            cb.respond(result.clone());
        }
        n
    }

    pub fn notifier(&self) -> Notifier {
        self.state
            .lock()
            .unwrap()
            .notifier
            .clone()
            .expect("set by Bridge::new")
    }

    fn call(&self, method: Method, params: Params, callback: SdkCallback) {
        let act = {
            let mut st = self.state.lock().unwrap();
            st.calls.push((method, params));
            let scripted = st.script.get_mut(&method).and_then(VecDeque::pop_front);
            scripted
                .or_else(|| st.defaults.get(&method).cloned())
                .unwrap_or_else(|| Act::Reply(success()))
        };
        match act {
            Act::Reply(result) => callback.respond(result),
            Act::Later(pause, result) => {
                std::thread::spawn(move || {
                    std::thread::sleep(pause);
                    callback.respond(result);
                });
            }
            Act::Never => self.state.lock().unwrap().held.push(callback),
        }
    }
}

impl FaceSdk for ScriptedSdk {
    fn init_wxpayface(&self, params: Params, callback: SdkCallback) {
        self.call(Method::InitWxpayface, params, callback);
    }
    fn get_wxpayface_rawdata(&self, callback: SdkCallback) {
        self.call(Method::GetWxpayfaceRawdata, Params::new(), callback);
    }
    fn get_wxpayface_code(&self, params: Params, callback: SdkCallback) {
        self.call(Method::GetWxpayfaceCode, params, callback);
    }
    fn get_wxpay_auth(&self, params: Params, callback: SdkCallback) {
        self.call(Method::GetWxpayAuth, params, callback);
    }
    fn stop_wxpayface(&self, params: Params, callback: SdkCallback) {
        self.call(Method::StopWxpayface, params, callback);
    }
    fn version(&self) -> SdkVersion {
        SdkVersion {
            aar: "2.32.105.2032105".into(),
            face_app: Some("2.20.0".into()),
        }
    }
    fn set_notifier(&self, notifier: Notifier) {
        self.state.lock().unwrap().notifier = Some(notifier);
    }
}
