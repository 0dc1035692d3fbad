//! A scriptable stand-in for the WeChat face SDK, for the server's tests only.
//!
//! Each call takes the next scripted [`Behaviour`] for its method (or the method's default):
//! answer synchronously on the caller's thread, answer later from another thread, never answer
//! (the callback is kept, and can be answered late), fail, or panic. It records the calls it
//! got and the largest number of calls it had outstanding at once.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use facekiosk_bridge::protocol::{Method, Params, SdkResult};
use facekiosk_bridge::{FaceSdk, Notifier, SdkCallback, SdkVersion};
use serde_json::json;

#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Answer before returning, on the calling thread.
    Sync(SdkResult),
    /// Answer after a delay from a thread of its own ("fake-binder").
    Async(Duration, SdkResult),
    /// Keep the callback and never answer (unless [`FakeSdk::answer_held`]).
    Never,
    /// `SdkCallback::fail`.
    Fail(&'static str),
    /// Drop the callback unanswered.
    Drop,
    /// Panic inside the call.
    Panic,
}

#[derive(Debug, Clone)]
pub struct CallRecord {
    pub method: Method,
    pub params: Params,
    pub thread: String,
}

#[derive(Debug, Default)]
struct State {
    script: HashMap<Method, VecDeque<Behaviour>>,
    defaults: HashMap<Method, Behaviour>,
    calls: Vec<CallRecord>,
    held: Vec<SdkCallback>,
    outstanding: usize,
    max_outstanding: usize,
    notifier: Option<Notifier>,
}

#[derive(Debug, Clone, Default)]
pub struct FakeSdk {
    state: Arc<Mutex<State>>,
}

pub fn success() -> SdkResult {
    map(json!({"return_code": "SUCCESS", "return_msg": "SUCCESS"}))
}

pub fn map(v: serde_json::Value) -> SdkResult {
    match v {
        serde_json::Value::Object(o) => o,
        _ => panic!("not an object"),
    }
}

impl FakeSdk {
    pub fn new() -> Self {
        Self::default()
    }

    /// The behaviour of every call of `method` not otherwise scripted.
    pub fn default_for(&self, method: Method, behaviour: Behaviour) {
        self.state
            .lock()
            .unwrap()
            .defaults
            .insert(method, behaviour);
    }

    /// The behaviour of the next call of `method`.
    pub fn script(&self, method: Method, behaviour: Behaviour) {
        self.state
            .lock()
            .unwrap()
            .script
            .entry(method)
            .or_default()
            .push_back(behaviour);
    }

    pub fn calls(&self) -> Vec<CallRecord> {
        self.state.lock().unwrap().calls.clone()
    }

    pub fn max_outstanding(&self) -> usize {
        self.state.lock().unwrap().max_outstanding
    }

    /// Answers every held ("never answering") callback now, from another thread.
    pub fn answer_held(&self, result: SdkResult) -> usize {
        let held = std::mem::take(&mut self.state.lock().unwrap().held);
        let n = held.len();
        std::thread::spawn(move || {
            for cb in held {
                cb.respond(result.clone());
            }
        })
        .join()
        .unwrap();
        n
    }

    /// The notifier the bridge gave the SDK.
    pub fn notifier(&self) -> Notifier {
        self.state
            .lock()
            .unwrap()
            .notifier
            .clone()
            .expect("set by Bridge::new")
    }

    fn call(&self, method: Method, params: Params, callback: SdkCallback) {
        let behaviour = {
            let mut st = self.state.lock().unwrap();
            let thread = std::thread::current().name().unwrap_or("?").to_string();
            st.calls.push(CallRecord {
                method,
                params,
                thread,
            });
            let scripted = st.script.get_mut(&method).and_then(VecDeque::pop_front);
            let behaviour = scripted
                .or_else(|| st.defaults.get(&method).cloned())
                .unwrap_or_else(|| Behaviour::Sync(success()));
            if matches!(behaviour, Behaviour::Async(..) | Behaviour::Never) {
                st.outstanding += 1;
                st.max_outstanding = st.max_outstanding.max(st.outstanding);
            } else {
                st.max_outstanding = st.max_outstanding.max(st.outstanding + 1);
            }
            behaviour
        };
        match behaviour {
            Behaviour::Sync(result) => callback.respond(result),
            Behaviour::Async(delay, result) => {
                let state = self.state.clone();
                std::thread::Builder::new()
                    .name("fake-binder".into())
                    .spawn(move || {
                        std::thread::sleep(delay);
                        state.lock().unwrap().outstanding -= 1;
                        callback.respond(result);
                    })
                    .unwrap();
            }
            Behaviour::Never => self.state.lock().unwrap().held.push(callback),
            Behaviour::Fail(message) => callback.fail(message),
            Behaviour::Drop => drop(callback),
            Behaviour::Panic => panic!("fake SDK panics as scripted"),
        }
    }
}

impl FaceSdk for FakeSdk {
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
