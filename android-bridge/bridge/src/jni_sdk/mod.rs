//! The JNI [`FaceSdk`]: calls `com.tencent.wxpayface.WxPayFace` through the Java glue in
//! `android-bridge/app` (`com.facekiosk.bridge.Dispatcher` and `NativeCallback`).
//!
//! - Each call registers its [`SdkCallback`] under a fresh handle, builds a `HashMap<String,
//!   String>` of the params, creates `new NativeCallback(handle)` and calls the static
//!   `Dispatcher.call(method, map, cb)`, which posts the SDK call to a Java `HandlerThread` (the
//!   AAR needs a Looper on the calling thread) and returns at once.
//! - The SDK answers with `NativeCallback.response(Map)` on a Binder thread, or synchronously on
//!   the looper thread: the native converts the Map to JSON (String → string, Integer/Long/Short/
//!   Byte → integer, Double/Float → number, Boolean → bool, Map → object, null → null, anything
//!   else → its `toString()`) and completes the call. It returns at once and never throws:
//!   errors are logged and any pending Java exception is cleared.
//! - Natives are bound with `RegisterNatives` ([`register_natives`]), and the glue classes are
//!   cached as global references from a Java-initiated call ([`JniFaceSdk::new`]): on Android a
//!   thread created by Rust cannot find app classes.
//! - The server calls the SDK from its one long-lived `facekiosk-sdk` thread, which attaches to
//!   the JVM once, permanently.

// RegisterNatives is an `unsafe` JNI call (the method table must match the Java declarations;
// the tables here are built only by jni's `native_method!`, which type-checks each Rust function
// against its Java signature), and `JNI_OnLoad` must be exported unmangled and take the raw
// JavaVM pointer. These are the only unsafe code of the crate.
#![allow(unsafe_code)]

#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod app;
mod convert;
mod pending;

/// The `jni` crate this module is built on.
pub use jni;

use std::fmt;

use facekiosk_bridge_protocol::Params;
use jni::errors::LogErrorAndDefault;
use jni::objects::{Global, JClass, JMap, JObject, JObjectArray, JString};
use jni::{Env, JValue, JavaVM, NativeMethod, jni_sig, jni_str, native_method};
use tracing::{debug, warn};

use crate::sdk::{FaceSdk, SdkCallback, SdkMethod, SdkVersion};

/// The glue's class names, as `FindClass` wants them.
pub const DISPATCHER_CLASS: &str = "com/facekiosk/bridge/Dispatcher";
/// See [`DISPATCHER_CLASS`].
pub const CALLBACK_CLASS: &str = "com/facekiosk/bridge/NativeCallback";

/// The face SDK reached through JNI.
pub struct JniFaceSdk {
    dispatcher: Global<JClass<'static>>,
    callback: Global<JClass<'static>>,
}

impl fmt::Debug for JniFaceSdk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JniFaceSdk")
    }
}

impl JniFaceSdk {
    /// Caches the glue classes. Call it from a thread Java started (a native method, or
    /// `JNI_OnLoad`), where the app's class loader is visible, after [`register_natives`].
    pub fn new(env: &mut Env<'_>) -> jni::errors::Result<Self> {
        let dispatcher = env.find_class(jni_str!("com/facekiosk/bridge/Dispatcher"))?;
        let callback = env.find_class(jni_str!("com/facekiosk/bridge/NativeCallback"))?;
        Ok(JniFaceSdk {
            dispatcher: env.new_global_ref(&dispatcher)?,
            callback: env.new_global_ref(&callback)?,
        })
    }

    fn versions(&self) -> jni::errors::Result<SdkVersion> {
        JavaVM::singleton()?.attach_current_thread(|env| {
            env.with_local_frame(8, |env| -> jni::errors::Result<SdkVersion> {
                let array = env
                    .call_static_method(
                        &self.dispatcher,
                        jni_str!("versions"),
                        jni_sig!("()[Ljava/lang/String;"),
                        &[],
                    )?
                    .l()?;
                let array = env.cast_local::<JObjectArray<JString>>(array)?;
                let aar = array.get_element(env, 0)?;
                let face_app = array.get_element(env, 1)?;
                let aar = if aar.is_null() {
                    "unknown".into()
                } else {
                    aar.try_to_string(env)?
                };
                let face_app = if face_app.is_null() {
                    None
                } else {
                    Some(face_app.try_to_string(env)?)
                };
                Ok(SdkVersion { aar, face_app })
            })
        })
    }
}

impl FaceSdk for JniFaceSdk {
    /// Registers the callback, then `Dispatcher.call(method, map, new NativeCallback(handle))`.
    fn call(&self, method: SdkMethod, params: Params, callback: SdkCallback) {
        let handle = pending::register(callback);
        let outcome = JavaVM::singleton().and_then(|vm| {
            vm.attach_current_thread(|env| {
                env.with_local_frame(16 + 3 * params.len(), |env| -> jni::errors::Result<()> {
                    let name = env.new_string(method.as_str())?;
                    let map = convert::params_to_map(env, &params)?;
                    let cb = env.new_object(
                        &self.callback,
                        jni_sig!("(J)V"),
                        &[JValue::Long(handle)],
                    )?;
                    env.call_static_method(
                        &self.dispatcher,
                        jni_str!("call"),
                        jni_sig!(
                            "(Ljava/lang/String;Ljava/util/Map;Lcom/facekiosk/bridge/NativeCallback;)V"
                        ),
                        &[JValue::Object(&name), JValue::Object(&map), JValue::Object(&cb)],
                    )?;
                    Ok(())
                })
            })
        });
        if let Err(e) = outcome {
            warn!(%method, error = %e, "calling the SDK through JNI failed");
            if let Some(callback) = pending::take(handle) {
                callback.fail(format!("JNI call failed: {e}"));
            }
        }
    }

    fn version(&self) -> SdkVersion {
        self.versions().unwrap_or_else(|e| {
            warn!(error = %e, "reading the versions through JNI failed");
            SdkVersion {
                aar: "unknown".into(),
                face_app: None,
            }
        })
    }
}

const RESPONSE: NativeMethod = native_method! {
    fn = native_response,
    name = "response",
    sig = (result: JMap) -> void,
    error_policy = LogErrorAndDefault,
};

const FAILED: NativeMethod = native_method! {
    fn = native_failed,
    name = "failed",
    sig = (message: JString) -> void,
    error_policy = LogErrorAndDefault,
};

/// Binds `NativeCallback.response(Map)` and `NativeCallback.failed(String)` with RegisterNatives.
/// Call it from a Java-initiated thread (see [`JniFaceSdk::new`]).
pub fn register_natives(env: &mut Env<'_>) -> jni::errors::Result<()> {
    let class = env.find_class(jni_str!("com/facekiosk/bridge/NativeCallback"))?;
    // SAFETY: both entries come from `native_method!`, which checks the Rust functions against
    // the signatures; both are instance methods of NativeCallback, as declared in Java.
    unsafe { env.register_native_methods(&class, &[RESPONSE, FAILED]) }
}

fn handle_of(env: &mut Env<'_>, this: &JObject<'_>) -> jni::errors::Result<i64> {
    env.get_field(this, jni_str!("handle"), jni_sig!("J"))?.j()
}

/// `NativeCallback.response(Map)`: runs on the SDK's thread; never blocks, never throws.
fn native_response<'local>(
    env: &mut Env<'local>,
    this: JObject<'local>,
    result: JMap<'local>,
) -> jni::errors::Result<()> {
    let handle = handle_of(env, &this)?;
    let Some(callback) = pending::take(handle) else {
        debug!(
            handle,
            "SDK callback for a call that is not pending (answered twice?)"
        );
        return Ok(());
    };
    match convert::map_to_json(env, &result) {
        Ok(result) => callback.respond(result),
        Err(e) => {
            if env.exception_check() {
                env.exception_clear();
            }
            warn!(method = %callback.method(), error = %e, "cannot convert the SDK's Map");
            callback.fail("the SDK's callback Map could not be converted");
        }
    }
    Ok(())
}

/// `NativeCallback.failed(String)`: the glue could not make the call.
fn native_failed<'local>(
    env: &mut Env<'local>,
    this: JObject<'local>,
    message: JString<'local>,
) -> jni::errors::Result<()> {
    let handle = handle_of(env, &this)?;
    let message = if message.is_null() {
        "unknown failure".to_string()
    } else {
        message
            .try_to_string(env)
            .unwrap_or_else(|_| "unreadable failure".into())
    };
    if let Some(callback) = pending::take(handle) {
        callback.fail(message);
    }
    Ok(())
}
