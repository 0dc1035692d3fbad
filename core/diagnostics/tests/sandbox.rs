//! The doctor against a sandbox world with its simulated terminal reached directly: healthy,
//! then with one thing broken at a time, and never a persona's data or a secret in its report.

use std::path::{Path, PathBuf};

use facekiosk_diagnostics::{Options, Report, Status};
use facekiosk_sandbox::{FaceAppOptions, Sandbox, SandboxHandle, SimTerminal, StartOptions};

struct World {
    sandbox: SandboxHandle,
    terminal: SimTerminal,
    _dir: tempfile::TempDir,
}

impl World {
    fn config(&self) -> &Path {
        &self.sandbox.paths.kiosk_config
    }
}

fn keys_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diagnostics-keys")
}

/// A sandbox, its terminal named in `[terminal] direct`, and the records created.
async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(StartOptions::new(dir.path()).keys_dir(keys_dir()))
        .await
        .unwrap();
    let terminal = sandbox
        .start_terminal(FaceAppOptions::default())
        .await
        .unwrap();
    facekiosk_sandbox::kiosk::add_terminal(&sandbox.paths.kiosk_config, terminal.addr).unwrap();
    let settings = facekiosk_config::load(&sandbox.paths.kiosk_config).unwrap();
    facekiosk_session::records::Records::open(&settings.kiosk.records).unwrap();
    World {
        sandbox,
        terminal,
        _dir: dir,
    }
}

async fn doctor(config: &Path) -> Report {
    facekiosk_diagnostics::run(config, &Options::default()).await
}

fn only<'a>(report: &'a Report, id: &str) -> &'a facekiosk_diagnostics::Check {
    match report.find(id).as_slice() {
        [one] => one,
        other => panic!("{} {id} checks in {report:#?}", other.len()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_world_is_all_ok() {
    let w = world().await;
    let report = doctor(w.config()).await;
    for id in [
        "config",
        "keys.apiv2_key",
        "keys.merchant_private_key",
        "keys.merchant_certificate",
        "clock",
        "endpoint.payapp",
        "endpoint.api_mch",
        "terminal.adb",
        "terminal.serial",
        "terminal.bridge",
        "records",
        "disk",
        "his",
    ] {
        assert!(!report.find(id).is_empty(), "no {id} in {report:#?}");
    }
    for check in &report.checks {
        // The build machine's disk is not ours to judge.
        let expected = check.status == Status::Ok || check.id == "disk";
        assert!(expected, "{check:#?}");
    }
    assert!(!report.has_failures());
    assert!(
        only(&report, "endpoint.payapp")
            .detail
            .contains("plain http (sandbox)")
    );
    assert!(
        only(&report, "terminal.bridge")
            .detail
            .contains("round trip")
    );
    let records = only(&report, "records");
    assert!(records.detail.contains("integrity ok"), "{records:#?}");
    assert!(records.detail.contains("0 patient link(s)"), "{records:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_far_from_wechat_fails_with_the_number() {
    let w = world().await;
    w.sandbox.set_clock_skew(-420);
    let report = doctor(w.config()).await;
    let clock = only(&report, "clock");
    assert_eq!(clock.status, Status::Fail, "{clock:#?}");
    // Within a second or two of 420: the request takes time, the Date has whole seconds.
    assert!(
        (418..=422).any(|n| clock.detail.contains(&format!("{n} s ahead"))),
        "{clock:#?}"
    );
    assert!(clock.action.is_some());
    assert!(report.has_failures());
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_key_others_can_read_fails_naming_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let w = world().await;
    let original = w.sandbox.material().merchant.key_path();
    let copy = w.sandbox.paths.data_dir.join("exposed_key.pem");
    std::fs::copy(&original, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o644)).unwrap();
    let text = std::fs::read_to_string(w.config()).unwrap();
    let quoted = |p: &Path| toml_string(&p.display().to_string());
    assert!(text.contains(&quoted(&original)));
    std::fs::write(w.config(), text.replace(&quoted(&original), &quoted(&copy))).unwrap();

    let report = doctor(w.config()).await;
    let key = only(&report, "keys.merchant_private_key");
    assert_eq!(key.status, Status::Fail, "{key:#?}");
    assert!(key.detail.contains("exposed_key.pem"), "{key:#?}");
    assert!(key.detail.contains("644"), "{key:#?}");
    assert!(key.action.as_deref().unwrap().contains("chmod 600"));
    assert!(report.has_failures());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unplugged_terminal_fails_with_an_action() {
    let w = world().await;
    w.terminal.cable.control().unplug();
    let report = doctor(w.config()).await;
    let bridge = only(&report, "terminal.bridge");
    assert_eq!(bridge.status, Status::Fail, "{bridge:#?}");
    assert!(
        bridge.action.as_deref().unwrap().contains("cable"),
        "{bridge:#?}"
    );
    assert!(report.has_failures());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_holds_no_personal_data_and_no_secret() {
    let w = world().await;
    let report = doctor(w.config()).await;
    let json = serde_json::to_string(&report).unwrap();
    let mut forbidden = Vec::new();
    for p in facekiosk_sandbox::personas::fixture() {
        forbidden.push(p.name.clone());
        forbidden.push(p.credential_id.clone());
        forbidden.extend(p.phone.clone());
    }
    let m = w.sandbox.material();
    let apiv2 = std::fs::read_to_string(m.merchant.apiv2_key_path()).unwrap();
    forbidden.push(apiv2.trim().to_owned());
    let pem = std::fs::read_to_string(m.merchant.key_path()).unwrap();
    // Any line of the key's body, not only the whole PEM.
    forbidden.extend(
        pem.lines()
            .filter(|l| !l.starts_with("-----") && l.len() > 20)
            .map(str::to_owned),
    );
    for secret in &forbidden {
        assert!(!secret.is_empty());
        assert!(
            !json.contains(secret.as_str()),
            "the report holds a secret or personal data"
        );
    }
    // Serialized as the screens and the CLI's --json read it.
    assert!(json.contains("\"status\":\"ok\""));
    assert!(json.contains("\"id\":\"terminal.bridge\""));
}

/// A TOML basic string, as the sandbox writes paths.
fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_adb_server_the_terminal_fails_with_an_action() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(StartOptions::new(dir.path()).keys_dir(keys_dir()))
        .await
        .unwrap();
    let config = &sandbox.paths.kiosk_config;
    // `[terminal]` is the file's last section: no `direct`, an adb port nobody serves.
    let text = std::fs::read_to_string(config).unwrap();
    std::fs::write(config, format!("{text}adb_port = {}\n", closed_port())).unwrap();
    let report = doctor(config).await;
    let adb = only(&report, "terminal.adb");
    assert_eq!(adb.status, Status::Fail, "{adb:#?}");
    assert!(adb.action.as_deref().unwrap().contains("adb start-server"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_proxy_the_endpoints_go_through_it() {
    let w = world().await;
    let port = closed_port();
    let text = std::fs::read_to_string(w.config()).unwrap();
    std::fs::write(
        w.config(),
        format!("{text}\n[proxy]\nurl = \"http://127.0.0.1:{port}\"\n"),
    )
    .unwrap();
    let report = doctor(w.config()).await;
    let payapp = only(&report, "endpoint.payapp");
    assert_eq!(payapp.status, Status::Fail, "{payapp:#?}");
    assert!(
        payapp
            .detail
            .contains(&format!("through the proxy 127.0.0.1:{port}")),
        "{payapp:#?}"
    );
    assert!(payapp.action.as_deref().unwrap().contains("proxy"));
}

#[tokio::test]
async fn a_broken_configuration_is_the_only_check_and_keeps_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    // Not TOML: the parser's message quotes the line, password and all.
    std::fs::write(&config, "[proxy]\npassword = \"hunter2\n").unwrap();
    let report = doctor(&config).await;
    assert_eq!(report.checks.len(), 1, "{report:#?}");
    assert_eq!(report.checks[0].id, "config");
    assert_eq!(report.checks[0].status, Status::Fail);
    assert!(report.checks[0].detail.contains("line 2"), "{report:#?}");
    assert!(!serde_json::to_string(&report).unwrap().contains("hunter2"));

    std::fs::write(&config, "[merchant]\nappid = \"\"\n").unwrap();
    let report = doctor(&config).await;
    let detail = &report.checks[0].detail;
    // Every problem, each by its field.
    for field in ["merchant.mch_id", "store", "device", "keys"] {
        assert!(detail.contains(field), "{field} not in {detail}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_key_that_is_not_the_certificates_fails() {
    let w = world().await;
    let m = w.sandbox.material();
    let text = std::fs::read_to_string(w.config()).unwrap();
    let (ours, other) = (m.merchant.key_path(), m.sub_merchant.key_path());
    let quoted = |p: &Path| toml_string(&p.display().to_string());
    assert!(text.contains(&quoted(&ours)));
    std::fs::write(w.config(), text.replace(&quoted(&ours), &quoted(&other))).unwrap();

    let report = doctor(w.config()).await;
    let cert = only(&report, "keys.merchant_certificate");
    assert_eq!(cert.status, Status::Fail, "{cert:#?}");
    assert!(
        cert.detail.contains("is not the certificate of"),
        "{cert:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_that_are_not_a_database_fail() {
    let w = world().await;
    let settings = facekiosk_config::load(w.config()).unwrap();
    std::fs::write(&settings.kiosk.records, vec![0x5a; 8192]).unwrap();
    let report = doctor(w.config()).await;
    let records = only(&report, "records");
    assert_eq!(records.status, Status::Fail, "{records:#?}");
    assert!(records.action.as_deref().unwrap().contains("backup"));
}
