//! The entry points of the Android app: `JNI_OnLoad` and the natives of
//! `com.facekiosk.bridge.BridgeNative` (start, stop, event).

use std::ffi::c_void;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use facekiosk_bridge_protocol::{DeviceInfo, Event, PairingKey};
use jni::errors::LogErrorAndDefault;
use jni::objects::{JClass, JString};
use jni::sys::{JNI_VERSION_1_6, jboolean, jint};
use jni::{Env, JavaVM, NativeMethod, jni_str, native_method};
use tracing::{info, warn};
use zeroize::Zeroize;

use super::{JniFaceSdk, register_natives};
use crate::server::{Bridge, ServerConfig, listener::bind_abstract, peer_cred::PeerPolicy};

/// The glue classes, cached by `JNI_OnLoad` (or [`register_app_natives`]) on a Java thread.
static SDK: OnceLock<Arc<JniFaceSdk>> = OnceLock::new();
/// The running server.
static RUNNING: Mutex<Option<Bridge>> = Mutex::new(None);

fn running() -> MutexGuard<'static, Option<Bridge>> {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Called by `System.loadLibrary`: registers every native and caches the glue classes.
///
/// # Safety
/// Called by the JVM with a valid `JavaVM` pointer.
#[unsafe(no_mangle)]
pub unsafe extern "system" fn JNI_OnLoad(
    vm: *mut jni::sys::JavaVM,
    _reserved: *mut c_void,
) -> jint {
    // SAFETY: the JVM passes its own, valid JavaVM pointer.
    let vm = unsafe { JavaVM::from_raw(vm) };
    match vm.attach_current_thread(register_app_natives) {
        Ok(()) => JNI_VERSION_1_6,
        Err(e) => {
            warn!(error = %e, "JNI_OnLoad failed");
            jni::sys::JNI_ERR
        }
    }
}

/// What `JNI_OnLoad` does: registers the natives of `NativeCallback` and `BridgeNative` and
/// caches the glue classes. Run it from a Java thread (host tests call it directly).
pub fn register_app_natives(env: &mut Env<'_>) -> jni::errors::Result<()> {
    register_natives(env)?;
    let class = env.find_class(jni_str!("com/facekiosk/bridge/BridgeNative"))?;
    // SAFETY: the entries come from `native_method!`, which checks each Rust function against
    // its signature; all three are static methods of BridgeNative, as declared in Java.
    unsafe { env.register_native_methods(&class, &[START, STOP, EVENT])? };
    if SDK.get().is_none() {
        let _ = SDK.set(Arc::new(JniFaceSdk::new(env)?));
    }
    Ok(())
}

const START: NativeMethod = native_method! {
    fn = native_start,
    name = "start",
    static = true,
    sig = (socket: JString, serial: JString, model: JString, pairing_key: JString, sdk_int: jint) -> jboolean,
    error_policy = LogErrorAndDefault,
};

const STOP: NativeMethod = native_method! {
    fn = native_stop,
    name = "stop",
    static = true,
    sig = () -> void,
    error_policy = LogErrorAndDefault,
};

const EVENT: NativeMethod = native_method! {
    fn = native_event,
    name = "event",
    static = true,
    sig = (name: JString) -> void,
    error_policy = LogErrorAndDefault,
};

fn string(env: &Env<'_>, s: &JString<'_>) -> jni::errors::Result<String> {
    if s.is_null() {
        Ok(String::new())
    } else {
        s.try_to_string(env)
    }
}

fn native_start<'local>(
    env: &mut Env<'local>,
    _class: JClass<'local>,
    socket: JString<'local>,
    serial: JString<'local>,
    model: JString<'local>,
    pairing_key: JString<'local>,
    sdk_int: jint,
) -> jni::errors::Result<jboolean> {
    let socket = string(env, &socket)?;
    let mut key_text = string(env, &pairing_key)?;
    let parsed = PairingKey::parse(&key_text);
    key_text.zeroize();
    let pairing = match parsed {
        Ok(key) => key,
        Err(e) => {
            // Never serve unpaired: any app could then answer as the bridge's peer.
            warn!(error = %e, "the bridge's pairing key is missing or malformed; not starting");
            return Ok(false);
        }
    };
    let device = DeviceInfo {
        serial: string(env, &serial)?,
        model: string(env, &model)?,
        sdk_int: u32::try_from(sdk_int).unwrap_or(0),
    };
    let Some(sdk) = SDK.get().cloned() else {
        warn!("BridgeNative.start before the natives were registered");
        return Ok(false);
    };
    Ok(start(sdk, &socket, device, pairing))
}

/// Starts the server on `@socket` in a thread of its own; false if it could not.
fn start(sdk: Arc<JniFaceSdk>, socket: &str, device: DeviceInfo, pairing: PairingKey) -> bool {
    let mut running = running();
    if running.is_some() {
        return true;
    }
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let socket = socket.to_string();
    let spawned = std::thread::Builder::new()
        .name("facekiosk-bridge".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("facekiosk-bridge-io")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    warn!(error = %e, "cannot build the runtime");
                    let _ = ready_tx.send(None);
                    return;
                }
            };
            runtime.block_on(async move {
                let served = match Bridge::new(sdk, ServerConfig::new(device, pairing)) {
                    Ok(bridge) => bind_when_free(&socket).await.map(|l| (bridge, l)),
                    Err(e) => Err(e),
                };
                let (bridge, listener) = match served {
                    Ok(pair) => pair,
                    Err(e) => {
                        warn!(error = %e, "cannot start the bridge server");
                        let _ = ready_tx.send(None);
                        return;
                    }
                };
                let _ = ready_tx.send(Some(bridge.clone()));
                info!(%socket, "bridge server started");
                if let Err(e) = bridge
                    .serve_unix(listener, PeerPolicy::for_this_process())
                    .await
                {
                    warn!(error = %e, "bridge server stopped");
                }
            });
        });
    if spawned.is_err() {
        return false;
    }
    match ready_rx.recv() {
        Ok(Some(bridge)) => {
            *running = Some(bridge);
            true
        }
        _ => false,
    }
}

/// Binds `@socket`, waiting up to 2 s for a server that was just stopped (a new pairing key
/// restarts the server) to let go of the name.
async fn bind_when_free(socket: &str) -> std::io::Result<tokio::net::UnixListener> {
    let mut attempts = 0;
    loop {
        match bind_abstract(socket) {
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && attempts < 20 => {
                attempts += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            bound => return bound,
        }
    }
}

fn native_stop<'local>(_env: &mut Env<'local>, _class: JClass<'local>) -> jni::errors::Result<()> {
    if let Some(bridge) = running().take() {
        bridge.shutdown();
    }
    Ok(())
}

fn native_event<'local>(
    env: &mut Env<'local>,
    _class: JClass<'local>,
    name: JString<'local>,
) -> jni::errors::Result<()> {
    let name = string(env, &name)?;
    let event = match name.as_str() {
        "face_service_disconnected" => Event::FaceServiceDisconnected,
        "face_service_reconnected" => Event::FaceServiceReconnected,
        "sdk_reinitialised" => Event::SdkReinitialised,
        _ => {
            warn!(event = %name.escape_debug(), "unknown event from the app ignored");
            return Ok(());
        }
    };
    if let Some(bridge) = running().as_ref() {
        bridge.notifier().notify(event);
    }
    Ok(())
}
