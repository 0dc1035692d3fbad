use std::path::{Path, PathBuf};

use facekiosk_pii::Secret;
use facekiosk_terminal::{
    FaceAppSettings, FaceProxy, FaceScreen, InitOptions, PerformMode, ProxyKind, ScreenIndex,
};

use crate::{ConfigError, DemoSections, load_demo_sections};

const PASSWORD: &str = "PW-CANARY-7731";

fn write(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let _ = mode;
    path
}

/// Reads a file holding `[terminal.face_app]` (and what else `body` says) the way a demo does:
/// `[terminal]` without what only production requires.
fn read(dir: &Path, body: &str) -> Result<DemoSections, ConfigError> {
    load_demo_sections(&write(dir, "kiosk.toml", body, 0o600))
}

fn fields(err: &ConfigError) -> Vec<String> {
    let mut fields: Vec<String> = err.problems().iter().map(|p| p.field.clone()).collect();
    fields.sort();
    fields
}

#[test]
fn a_full_table_becomes_the_face_apps_settings_and_the_password_never_prints() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "proxy.pass", &format!("{PASSWORD}\n"), 0o600);
    let demo = read(
        dir.path(),
        r#"
[terminal.face_app]
perform_mode = "low"
screen_index = 1
overlay_option = 1
proxy_host = "10.0.0.5"
proxy_port = 3128
proxy_type = "socks5"
proxy_tcp_port = 8080
proxy_user = "kiosk"
proxy_password_file = "proxy.pass"
"#,
    )
    .unwrap();
    let expected = FaceAppSettings {
        init: InitOptions {
            proxy: Some(FaceProxy {
                host: "10.0.0.5".into(),
                port: 3128,
                user: Some("kiosk".into()),
                password: Some(Secret::new(PASSWORD)),
                kind: Some(ProxyKind::Socks5),
                tcp_port: Some(8080),
            }),
            perform_mode: Some(PerformMode::Low),
        },
        screen: FaceScreen {
            screen_index: Some(ScreenIndex::Secondary),
            overlay_option: Some(true),
        },
    };
    assert_eq!(demo.terminal.face_app, expected);
    let shown = format!("{:?}", demo.terminal);
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[test]
fn without_the_table_the_face_app_keeps_its_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let demo = read(dir.path(), "[terminal]\nadb_port = 5038\n").unwrap();
    assert_eq!(demo.terminal.face_app, FaceAppSettings::default());
    let demo = read(
        dir.path(),
        "[terminal.face_app]\nproxy_host = \"proxy.hospital.local\"\nproxy_port = 80\n",
    )
    .unwrap();
    let proxy = demo.terminal.face_app.init.proxy.unwrap();
    assert_eq!(
        (proxy.host.as_str(), proxy.port),
        ("proxy.hospital.local", 80)
    );
    assert_eq!((proxy.user, proxy.password, proxy.kind), (None, None, None));
}

#[test]
fn every_bad_value_is_named_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let err = read(
        dir.path(),
        r#"
[terminal.face_app]
perform_mode = "fast"
screen_index = 4
overlay_option = 2
proxy_host = "http://10.0.0.5:3128"
proxy_port = 0
proxy_type = "ftp"
proxy_tcp_port = 70000
proxy_user = 5
proxy_password_file = "absent.pass"
colour = "blue"
"#,
    )
    .unwrap_err();
    let f = |name: &str| format!("terminal.face_app.{name}");
    let mut expected: Vec<String> = super::FIELDS
        .iter()
        .chain(&["colour"])
        .map(|n| f(n))
        .collect();
    expected.sort();
    assert_eq!(fields(&err), expected, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("terminal.face_app.colour: is not a known field"),
        "{text}"
    );
    assert!(
        text.contains("terminal.face_app.screen_index: must be between 0 and 3"),
        "{text}"
    );
    assert!(
        text.contains("terminal.face_app.perform_mode: must be normal or low"),
        "{text}"
    );
}

#[test]
fn a_proxy_needs_its_port_and_proxy_fields_need_a_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let err = read(
        dir.path(),
        "[terminal.face_app]\nproxy_host = \"10.0.0.5\"\n",
    )
    .unwrap_err();
    assert_eq!(
        err.problems()[0].to_string(),
        "terminal.face_app.proxy_port: is required when terminal.face_app.proxy_host is set"
    );
    assert_eq!(err.problems().len(), 1);

    let err = read(
        dir.path(),
        "[terminal.face_app]\nproxy_port = 3128\nproxy_user = \"kiosk\"\n",
    )
    .unwrap_err();
    assert_eq!(
        fields(&err),
        [
            "terminal.face_app.proxy_port",
            "terminal.face_app.proxy_user"
        ]
    );

    let err = read(dir.path(), "[terminal]\nface_app = \"low\"\n").unwrap_err();
    assert_eq!(fields(&err), ["terminal.face_app"]);
}

#[cfg(unix)]
#[test]
fn a_password_file_others_may_read_is_refused_by_name_and_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "proxy.pass", PASSWORD, 0o644);
    let body = "[terminal.face_app]\nproxy_host = \"10.0.0.5\"\nproxy_port = 3128\n\
                proxy_user = \"kiosk\"\nproxy_password_file = \"proxy.pass\"\n";
    let err = read(dir.path(), body).unwrap_err();
    assert_eq!(fields(&err), ["terminal.face_app.proxy_password_file"]);
    let text = err.to_string();
    assert!(text.contains(&file.display().to_string()), "{text}");
    assert!(text.contains("chmod 600"), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");

    let missing = body.replace("proxy.pass", "absent.pass");
    let err = read(dir.path(), &missing).unwrap_err();
    assert!(
        err.to_string().contains("absent.pass cannot be read"),
        "{err}"
    );

    write(dir.path(), "empty.pass", "\n", 0o600);
    let err = read(dir.path(), &body.replace("proxy.pass", "empty.pass")).unwrap_err();
    assert!(err.to_string().contains("empty.pass is empty"), "{err}");

    let without_user = body.replace("proxy_user = \"kiosk\"\n", "");
    write(dir.path(), "proxy.pass", PASSWORD, 0o600);
    let err = read(dir.path(), &without_user).unwrap_err();
    assert_eq!(fields(&err), ["terminal.face_app.proxy_user"]);
}

#[test]
fn the_password_is_never_inline() {
    let dir = tempfile::tempdir().unwrap();
    let err = read(
        dir.path(),
        &format!("[terminal.face_app]\nproxy_password = \"{PASSWORD}\"\n"),
    )
    .unwrap_err();
    assert_eq!(fields(&err), ["terminal.face_app.proxy_password"]);
    assert!(!err.to_string().contains(PASSWORD));
}
