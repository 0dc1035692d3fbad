//! The face SDK as the server sees it.
//!
//! The real SDK (`com.tencent.wxpayface.WxPayFace`) answers each call through one callback
//! `response(Map)`, or never (it swallows exceptions), and the callback may come synchronously
//! on the calling thread or later on a Binder thread. [`FaceSdk`] keeps exactly that shape:
//! each call ([`FaceSdk::call`], one of the five [`SdkMethod`]s) gets an [`SdkCallback`] to
//! answer once, from any thread, at any time, or not at all.

use std::fmt;

use facekiosk_bridge_protocol::{Method, Params, SdkResult};
use tokio::sync::oneshot;
use tracing::debug;

use crate::events::Notifier;

/// The versions reported in the hello and by `getVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkVersion {
    /// The AAR's version, e.g. `2.32.105.2032105`.
    pub aar: String,
    /// `versionName` of `com.tencent.wxpayface`, `None` when the face app is not installed.
    pub face_app: Option<String>,
}

/// The five calls of the WeChat face SDK (`com.tencent.wxpayface.WxPayFace`): the protocol's
/// [`Method`]s less `getVersion`, which the bridge answers itself from [`FaceSdk::version`] and
/// which therefore never reaches [`FaceSdk::call`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SdkMethod {
    /// `initWxpayface(Context, Map, cb)`; empty params mean the overload without a Map.
    InitWxpayface,
    /// `getWxpayfaceRawdata(cb)`: the params are always empty.
    GetWxpayfaceRawdata,
    /// `getWxpayfaceCode(Map, cb)`.
    GetWxpayfaceCode,
    /// `getWxpayAuth(Map, cb)`.
    GetWxpayAuth,
    /// `stopWxpayface(Map, cb)`: called even while another call is in flight.
    StopWxpayface,
}

impl SdkMethod {
    /// Every SDK call.
    pub const ALL: [SdkMethod; 5] = [
        SdkMethod::InitWxpayface,
        SdkMethod::GetWxpayfaceRawdata,
        SdkMethod::GetWxpayfaceCode,
        SdkMethod::GetWxpayAuth,
        SdkMethod::StopWxpayface,
    ];

    /// The protocol method.
    pub fn method(self) -> Method {
        match self {
            SdkMethod::InitWxpayface => Method::InitWxpayface,
            SdkMethod::GetWxpayfaceRawdata => Method::GetWxpayfaceRawdata,
            SdkMethod::GetWxpayfaceCode => Method::GetWxpayfaceCode,
            SdkMethod::GetWxpayAuth => Method::GetWxpayAuth,
            SdkMethod::StopWxpayface => Method::StopWxpayface,
        }
    }

    /// The wire name, which is also the Java method's name (`getWxpayfaceCode`).
    pub fn as_str(self) -> &'static str {
        self.method().as_str()
    }
}

impl From<SdkMethod> for Method {
    fn from(method: SdkMethod) -> Method {
        method.method()
    }
}

/// `getVersion` is not an SDK call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAnSdkCall(pub Method);

impl fmt::Display for NotAnSdkCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is answered by the bridge, not by the SDK", self.0)
    }
}

impl std::error::Error for NotAnSdkCall {}

impl TryFrom<Method> for SdkMethod {
    type Error = NotAnSdkCall;

    fn try_from(method: Method) -> Result<SdkMethod, NotAnSdkCall> {
        SdkMethod::ALL
            .into_iter()
            .find(|m| m.method() == method)
            .ok_or(NotAnSdkCall(method))
    }
}

impl fmt::Display for SdkMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The WeChat face SDK, or a stand-in for it.
///
/// The server makes every SDK call through [`FaceSdk::call`], one at a time, from a single
/// long-lived thread of its own (`facekiosk-sdk`), which a JNI implementation can attach to the
/// JVM once. `stopWxpayface` is called even while another call is in flight (it bypasses the
/// server's queue, not the thread). A call must return promptly (post the real work, e.g. to a
/// Java `HandlerThread`) and answer through the callback, once, from any thread, synchronously
/// or later:
///
/// - [`SdkCallback::respond`] with the SDK's callback Map, exactly as received (a `FAIL`
///   `return_code` is a result, not an error);
/// - [`SdkCallback::fail`] when the call could not be made (a Java exception): the client gets
///   SDK_EXCEPTION;
/// - or keep the callback and never answer, as the real SDK may: the client gets TIMEOUT.
///   Dropping the callback unanswered also ends the call with SDK_EXCEPTION.
///
/// A panic in `call` is caught and ends the call with SDK_EXCEPTION. Params hold strings only
/// (empty for `getWxpayfaceRawdata`); the AAR's `aar_version` key is injected by the AAR
/// itself, not by the implementation. `getVersion` never reaches `call` ([`SdkMethod`] has no
/// such variant): the server answers it from [`FaceSdk::version`].
pub trait FaceSdk: Send + Sync + 'static {
    /// Makes the SDK call `method` (`WxPayFace.getInstance().<method>(…, params, cb)`).
    fn call(&self, method: SdkMethod, params: Params, callback: SdkCallback);
    /// The AAR's and the face app's versions; must not block for long.
    fn version(&self) -> SdkVersion;
    /// Called once by [`crate::Bridge::new`]: where to push SDK-side events (the face service
    /// going away and coming back). The default ignores it.
    fn set_notifier(&self, notifier: Notifier) {
        let _ = notifier;
    }
}

/// Makes the call `method` names: an SDK call through [`FaceSdk::call`], or `getVersion`,
/// which is not one and is answered with `{"aar", "face_app"}` at once.
pub(crate) fn invoke(sdk: &dyn FaceSdk, method: Method, params: Params, callback: SdkCallback) {
    match SdkMethod::try_from(method) {
        Ok(method) => sdk.call(method, params, callback),
        Err(NotAnSdkCall(_)) => {
            let SdkVersion { aar, face_app } = sdk.version();
            let mut result = SdkResult::new();
            result.insert("aar".into(), aar.into());
            result.insert("face_app".into(), face_app.into());
            callback.respond(result);
        }
    }
}

/// How an SDK call ended, as seen by whoever waits for it.
#[derive(Debug, Clone, PartialEq)]
pub enum CallOutcome {
    /// The SDK's callback Map.
    Answered(SdkResult),
    /// The binding could not make the call.
    Failed(String),
    /// The callback was dropped without an answer.
    Dropped,
}

/// The one-shot answer channel of one SDK call. `Send`: answer from any thread. Answering after
/// the server stopped waiting (the call timed out) is harmless: the answer is dropped and logged
/// at debug level (method and id only).
pub struct SdkCallback {
    tx: Option<oneshot::Sender<CallOutcome>>,
    method: Method,
    id: u64,
}

impl SdkCallback {
    /// A callback and the receiver of its outcome; `id` only labels log lines. The server makes
    /// these; tests of a [`FaceSdk`] implementation can too.
    pub fn channel(method: Method, id: u64) -> (SdkCallback, oneshot::Receiver<CallOutcome>) {
        let (tx, rx) = oneshot::channel();
        (
            SdkCallback {
                tx: Some(tx),
                method,
                id,
            },
            rx,
        )
    }

    /// The method this callback answers.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Whether nobody waits for the answer any more (the call timed out or was answered).
    pub fn is_abandoned(&self) -> bool {
        self.tx.as_ref().is_none_or(|tx| tx.is_closed())
    }

    /// Delivers the SDK's callback Map.
    pub fn respond(mut self, result: SdkResult) {
        self.send(CallOutcome::Answered(result));
    }

    /// Reports that the call could not be made. The message reaches the client: it must not
    /// contain params or results.
    pub fn fail(mut self, message: impl Into<String>) {
        self.send(CallOutcome::Failed(message.into()));
    }

    fn send(&mut self, outcome: CallOutcome) {
        if let Some(tx) = self.tx.take()
            && tx.send(outcome).is_err()
        {
            debug!(method = %self.method, id = self.id, "late SDK callback dropped");
        }
    }
}

impl Drop for SdkCallback {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.send(CallOutcome::Dropped);
        }
    }
}

impl fmt::Debug for SdkCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SdkCallback")
            .field("method", &self.method)
            .field("id", &self.id)
            .field("answered", &self.tx.is_none())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respond_fail_and_drop_each_deliver_one_outcome() {
        let (cb, mut rx) = SdkCallback::channel(Method::GetWxpayAuth, 1);
        cb.respond(SdkResult::new());
        assert_eq!(
            rx.try_recv().unwrap(),
            CallOutcome::Answered(SdkResult::new())
        );

        let (cb, mut rx) = SdkCallback::channel(Method::GetWxpayAuth, 2);
        cb.fail("x");
        assert_eq!(rx.try_recv().unwrap(), CallOutcome::Failed("x".into()));

        let (cb, mut rx) = SdkCallback::channel(Method::GetWxpayAuth, 3);
        drop(cb);
        assert_eq!(rx.try_recv().unwrap(), CallOutcome::Dropped);
    }

    #[test]
    fn sdk_methods_are_the_protocol_methods_less_get_version() {
        for method in Method::ALL {
            match SdkMethod::try_from(method) {
                Ok(sdk) => {
                    assert_eq!(Method::from(sdk), method);
                    assert_eq!(sdk.as_str(), method.as_str());
                }
                Err(e) => assert_eq!(e, NotAnSdkCall(Method::GetVersion)),
            }
        }
        assert_eq!(SdkMethod::ALL.len(), Method::ALL.len() - 1);
    }

    #[test]
    fn a_late_answer_is_harmless() {
        let (cb, rx) = SdkCallback::channel(Method::GetWxpayfaceCode, 4);
        drop(rx);
        std::thread::spawn(move || cb.respond(SdkResult::new()))
            .join()
            .unwrap();
    }
}
