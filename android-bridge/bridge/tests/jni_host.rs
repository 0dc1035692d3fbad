//! The JNI FaceSdk on a host JVM (JDK 17, `-Xcheck:jni`): the bridge server drives the Java glue
//! of `android-bridge/app` and the test double of `com.tencent.wxpayface.WxPayFace` in
//! `android-bridge/host-test`, over a real TCP connection. Needs `--features jni-host-test` and
//! a JDK (`JAVA_HOME` or `javac`/`java` on PATH).
#![cfg(feature = "jni-host-test")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::Client;
use facekiosk_bridge::jni_sdk::JniFaceSdk;
use facekiosk_bridge::jni_sdk::app::register_app_natives;
use facekiosk_bridge::protocol::{ErrorCode, Method, Params, ServerMessage};
use facekiosk_bridge::{Bridge, ServerConfig};
use jni::{InitArgsBuilder, JNIVersion, JValue, JavaVM, jni_sig, jni_str};
use serde_json::json;

fn java_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            java_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "java") {
            out.push(path);
        }
    }
}

fn javac() -> PathBuf {
    match std::env::var_os("JAVA_HOME") {
        Some(home) => Path::new(&home).join("bin/javac"),
        None => PathBuf::from("javac"),
    }
}

/// Compiles the glue, the android stubs and the SDK double; returns the class directory.
fn compile_java() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("jni-host-classes");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let mut sources = Vec::new();
    java_sources(&root.join("host-test"), &mut sources);
    java_sources(&root.join("app/src/main/java"), &mut sources);
    let status = Command::new(javac())
        .args([
            "--release",
            "8",
            "-nowarn",
            "-XDsuppressNotes",
            "-encoding",
            "UTF-8",
            "-d",
        ])
        .arg(&out)
        .args(&sources)
        .status()
        .expect("javac (set JAVA_HOME or put a JDK on PATH)");
    assert!(status.success(), "javac failed");
    out
}

fn start_jvm(classes: &Path) -> JavaVM {
    let args = InitArgsBuilder::new()
        .version(JNIVersion::V1_8)
        .option("-Xcheck:jni")
        .option(format!("-Djava.class.path={}", classes.display()))
        .build()
        .unwrap();
    JavaVM::new(args).expect("start a JVM")
}

fn script(vm: &JavaVM, method: &str, behaviour: &str) {
    vm.attach_current_thread(|env| -> jni::errors::Result<()> {
        let m = env.new_string(method)?;
        let b = env.new_string(behaviour)?;
        env.call_static_method(
            jni_str!("com/tencent/wxpayface/WxPayFace"),
            jni_str!("script"),
            jni_sig!("(Ljava/lang/String;Ljava/lang/String;)V"),
            &[JValue::Object(&m), JValue::Object(&b)],
        )?;
        Ok(())
    })
    .unwrap();
}

fn answer_held(vm: &JavaVM) -> i32 {
    vm.attach_current_thread(|env| -> jni::errors::Result<i32> {
        env.call_static_method(
            jni_str!("com/tencent/wxpayface/WxPayFace"),
            jni_str!("answerHeld"),
            jni_sig!("()I"),
            &[],
        )?
        .i()
    })
    .unwrap()
}

fn last_call_thread(vm: &JavaVM) -> String {
    vm.attach_current_thread(|env| -> jni::errors::Result<String> {
        let v = env
            .get_static_field(
                jni_str!("com/tencent/wxpayface/WxPayFace"),
                jni_str!("lastCallThread"),
                jni_sig!("Ljava/lang/String;"),
            )?
            .l()?;
        env.as_cast::<jni::objects::JString>(&v)?.try_to_string(env)
    })
    .unwrap()
}

fn params(pairs: &[(&str, &str)]) -> Params {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Runs [`bridge_drives_the_sdk_double_through_jni`] in a child process (one JVM per process)
/// and fails on any CheckJNI warning the JVM prints.
#[test]
fn checkjni_reports_nothing() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "bridge_drives_the_sdk_double_through_jni",
            "--nocapture",
        ])
        .env(INNER, "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
    for bad in ["WARNING", "FATAL ERROR", "Exception in thread"] {
        assert!(!text.contains(bad), "the JVM reported {bad}:\n{text}");
    }
}

/// Set in the child process of [`checkjni_reports_nothing`].
const INNER: &str = "FACEKIOSK_JNI_HOST_INNER";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bridge_drives_the_sdk_double_through_jni() {
    if std::env::var_os(INNER).is_none() {
        return; // runs in the child process of checkjni_reports_nothing
    }
    let classes = compile_java();
    let vm = start_jvm(&classes);

    // What the app's Service does at start: natives, looper thread, versions; then the SDK.
    let sdk = vm
        .attach_current_thread(|env| -> jni::errors::Result<JniFaceSdk> {
            register_app_natives(env)?;
            let context =
                env.new_object(jni_str!("android/content/Context"), jni_sig!("()V"), &[])?;
            env.call_static_method(
                jni_str!("com/facekiosk/bridge/Dispatcher"),
                jni_str!("start"),
                jni_sig!("(Landroid/content/Context;)V"),
                &[JValue::Object(&context)],
            )?;
            let aar = env.new_string("2.32.105.2032105")?;
            env.set_static_field(
                jni_str!("com/facekiosk/bridge/Dispatcher"),
                jni_str!("aarVersion"),
                jni_sig!("Ljava/lang/String;"),
                JValue::Object(&aar),
            )?;
            let face_app = env.new_string("2.20.0")?;
            env.set_static_field(
                jni_str!("com/facekiosk/bridge/Dispatcher"),
                jni_str!("faceAppVersion"),
                jni_sig!("Ljava/lang/String;"),
                JValue::Object(&face_app),
            )?;
            JniFaceSdk::new(env)
        })
        .unwrap();

    let bridge = Bridge::new(
        Arc::new(sdk),
        ServerConfig::new(common::device(), common::pairing_key()),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = bridge.clone();
    tokio::spawn(async move { server.serve_tcp(listener).await.unwrap() });
    let (mut c, hello) = Client::connect(addr).await;
    assert_eq!(hello.aar, "2.32.105.2032105");
    assert_eq!(hello.face_app.as_deref(), Some("2.20.0"));

    // A synchronous callback (on the looper thread, inside the call), params as a HashMap.
    script(&vm, "initWxpayface", "sync");
    c.request(
        1,
        Method::InitWxpayface,
        params(&[("ip", "10.0.0.1"), ("port", "3128")]),
        5000,
    )
    .await;
    let r = c.recv_response().await.outcome.unwrap();
    assert_eq!(r["return_msg"], "init with map");
    assert_eq!(r["param_count"], json!(2), "Integer stays a number");
    assert_eq!(r["callback_thread"], "facekiosk-sdk-looper");
    assert_eq!(last_call_thread(&vm), "facekiosk-sdk-looper");

    // Empty params: the overload without a Map; the answer comes from a "Binder" thread.
    c.request(2, Method::InitWxpayface, Params::new(), 5000)
        .await;
    let r = c.recv_response().await.outcome.unwrap();
    assert_eq!(r["return_msg"], "init without map");
    assert!(
        r["callback_thread"]
            .as_str()
            .unwrap()
            .starts_with("fake-binder-")
    );

    c.request(3, Method::GetWxpayfaceRawdata, Params::new(), 5000)
        .await;
    let r = c.recv_response().await.outcome.unwrap();
    assert_eq!(r["rawdata"], "FAKE-RAWDATA-0123456789");

    // Every value kind of the callback Map.
    c.request(
        4,
        Method::GetWxpayfaceCode,
        params(&[("face_authtype", "FACE_AUTH")]),
        5000,
    )
    .await;
    let r = c.recv_response().await.outcome.unwrap();
    assert_eq!(r["echo_face_authtype"], "FACE_AUTH");
    assert_eq!(r["face_sid"], "FAKE-FACE-SID");
    assert_eq!(r["underage_state"], json!(1));
    assert_eq!(r["telephone_used"], json!(0));
    assert_eq!(r["extra"], json!({"ok": true, "score": 0.5}));
    assert_eq!(r["nothing"], json!(null));

    // The AAR's Integer err_code.
    script(&vm, "getWxpayfaceCode", "errcode");
    c.request(5, Method::GetWxpayfaceCode, Params::new(), 5000)
        .await;
    let raw = c.recv_object().await.unwrap();
    assert_eq!(raw["result"]["err_code"], json!(271_378_620));
    assert_eq!(raw["result"]["return_code"], "FAIL");
    assert_eq!(raw["result"]["return_msg"], "刷脸服务未初始化");

    // An SDK that never calls back: TIMEOUT; its late answer is dropped; the queue moves on.
    script(&vm, "getWxpayAuth", "never");
    c.request(
        6,
        Method::GetWxpayAuth,
        params(&[("quit_face_auth", "0")]),
        300,
    )
    .await;
    let err = c.recv_response().await.outcome.unwrap_err();
    assert_eq!(err.code, ErrorCode::Timeout);
    assert_eq!(answer_held(&vm), 1);
    c.request(7, Method::StopWxpayface, Params::new(), 5000)
        .await;
    assert_eq!(
        c.recv_response().await.outcome.unwrap()["return_msg"],
        "stopped"
    );

    // An exception in the call: SDK_EXCEPTION naming only the exception class.
    script(&vm, "getWxpayAuth", "throw");
    c.request(8, Method::GetWxpayAuth, Params::new(), 5000)
        .await;
    let err = c.recv_response().await.outcome.unwrap_err();
    assert_eq!(err.code, ErrorCode::SdkException);
    assert!(
        err.message.contains("java.lang.IllegalStateException"),
        "{}",
        err.message
    );

    c.request(9, Method::GetVersion, Params::new(), 5000).await;
    let r = c.recv_response().await.outcome.unwrap();
    assert_eq!(
        r,
        common::map(json!({"aar": "2.32.105.2032105", "face_app": "2.20.0"}))
    );

    // Many calls in a row, pipelined: local references stay bounded (CheckJNI would complain).
    for id in 100..300 {
        c.request(id, Method::GetWxpayfaceCode, params(&[("n", "1")]), 5000)
            .await;
    }
    let mut ok = 0;
    while ok < 200 {
        match c.recv().await {
            ServerMessage::Response(r) => {
                assert!(r.outcome.is_ok() || r.outcome.unwrap_err().code == ErrorCode::Busy);
                ok += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    c.ping(1).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    bridge.shutdown();

    app_entry_points_serve_the_abstract_socket(&vm).await;
}

fn call_static(vm: &JavaVM, name: &'static str, args: &[&str], sdk_int: Option<i32>) -> bool {
    vm.attach_current_thread(|env| -> jni::errors::Result<bool> {
        let mut strings = Vec::new();
        for a in args {
            strings.push(env.new_string(a)?);
        }
        let mut values: Vec<JValue> = strings.iter().map(|s| JValue::Object(s)).collect();
        let class = jni_str!("com/facekiosk/bridge/BridgeNative");
        match name {
            "start" => {
                values.push(JValue::Int(sdk_int.unwrap()));
                let sig = jni_sig!(
                    "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;I)Z"
                );
                env.call_static_method(class, jni_str!("start"), sig, &values)?
                    .z()
            }
            "event" => {
                let sig = jni_sig!("(Ljava/lang/String;)V");
                env.call_static_method(class, jni_str!("event"), sig, &values)?;
                Ok(true)
            }
            _ => {
                env.call_static_method(class, jni_str!("stop"), jni_sig!("()V"), &[])?;
                Ok(true)
            }
        }
    })
    .unwrap()
}

/// What the app's Service does: BridgeNative.start on an abstract socket, events, stop.
async fn app_entry_points_serve_the_abstract_socket(vm: &JavaVM) {
    use std::os::linux::net::SocketAddrExt;
    let name = format!("facekiosk-bridge-jni-test-{}", std::process::id());
    let key = common::pairing_key().to_hex();
    let unpaired = [name.as_str(), "SERIAL-9", "fake model", "not a key"];
    assert!(
        !call_static(vm, "start", &unpaired, Some(28)),
        "a bridge without a valid pairing key does not serve"
    );
    let args = [name.as_str(), "SERIAL-9", "fake model", key.as_str()];
    assert!(call_static(vm, "start", &args, Some(28)));
    assert!(
        call_static(vm, "start", &args, Some(28)),
        "a second start is a no-op"
    );
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let stream = std::os::unix::net::UnixStream::connect_addr(&addr).unwrap();
    stream.set_nonblocking(true).unwrap();
    let mut c = Client::over(tokio::net::UnixStream::from_std(stream).unwrap());
    let hello = c.handshake().await;
    assert_eq!(hello.device.serial, "SERIAL-9");
    assert_eq!(hello.device.sdk_int, 28);
    c.request(1, Method::GetWxpayfaceRawdata, Params::new(), 5000)
        .await;
    assert!(c.recv_response().await.outcome.is_ok());
    c.ping(2).await;
    call_static(vm, "event", &["face_service_disconnected"], None);
    call_static(vm, "event", &["no_such_event"], None);
    match c.recv().await {
        ServerMessage::Notification(n) => {
            assert_eq!(
                n.event,
                facekiosk_bridge::protocol::Event::FaceServiceDisconnected
            )
        }
        other => panic!("expected a notification, got {other:?}"),
    }
    call_static(vm, "stop", &[], None);
    match c.recv().await {
        ServerMessage::Error(e) => assert_eq!(e.error.code, ErrorCode::ShuttingDown),
        other => panic!("expected SHUTTING_DOWN, got {other:?}"),
    }
    // What a new pairing key does: stop, then start at once on the same name.
    assert!(
        call_static(vm, "start", &args, Some(28)),
        "a restart waits for the name"
    );
    let stream = std::os::unix::net::UnixStream::connect_addr(&addr).unwrap();
    stream.set_nonblocking(true).unwrap();
    let mut again = Client::over(tokio::net::UnixStream::from_std(stream).unwrap());
    again.handshake().await;
    call_static(vm, "stop", &[], None);
}
