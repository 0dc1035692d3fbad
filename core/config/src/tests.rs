use super::*;

const WXPAY: &str = r#"
[merchant]
appid = "wxd930ea5d5a258f4f"
mch_id = "1900000109"

[store]
store_id = "HOSP-001-F1"
store_name = "市第一人民医院 门诊一楼"

[device]
device_id = "KIOSK-07"

[endpoints]
payapp = "http://127.0.0.1:8080"
api_mch = "http://127.0.0.1:8080/"

[keys]
apiv2_key_file = "apiv2.key"
merchant_private_key = "apiclient_key.pem"
merchant_certificate = "/etc/facekiosk/apiclient_cert.pem"
wechatpay_public_key = "pub_key.pem"
wechatpay_public_key_id = "PUB_KEY_ID_0119000001092025112400000000000001"

[proxy]
url = "socks5://10.1.2.3:1080"
username = "kiosk"
password = "hunter2-secret"

[timeouts]
connect_ms = 2000
"#;

/// A pairing key file, mode 600, shared by the tests of this binary.
fn key_file() -> &'static Path {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("facekiosk-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        write_key(&dir, 0o600)
    })
}

fn write_key(dir: &Path, mode: u32) -> std::path::PathBuf {
    let path = dir.join(format!("pairing-{mode:o}.key"));
    std::fs::write(&path, format!("{}\n", "c3".repeat(32))).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    path
}

/// A production file: the merchant's sections and a `[terminal]` with what production requires.
fn good() -> String {
    format!(
        "{WXPAY}\n[terminal]\nserial = \"T1\"\npairing_key_file = {}\n",
        toml::Value::String(key_file().display().to_string())
    )
}

#[test]
fn reads_a_good_file_with_defaults() {
    let c = parse(&good(), Path::new("/etc/facekiosk")).unwrap();
    assert_eq!(c.wxpay.merchant.mch_id, "1900000109");
    assert_eq!(c.wxpay.store.store_name, "市第一人民医院 门诊一楼");
    assert_eq!(c.wxpay.facemch.info_type, InfoType::AskRealName);
    assert_eq!(c.wxpay.facemch.padding, Padding::Pkcs1v15);
    assert_eq!(c.wxpay.endpoints.api_mch, "http://127.0.0.1:8080");
    assert_eq!(
        c.wxpay.keys.apiv2_key_file,
        Path::new("/etc/facekiosk/apiv2.key")
    );
    assert_eq!(
        c.wxpay.keys.merchant_certificate,
        Path::new("/etc/facekiosk/apiclient_cert.pem")
    );
    assert_eq!(c.wxpay.keys.apiv2_sign_type, SignType::HmacSha256);
    assert_eq!(c.wxpay.timeouts.connect, Duration::from_secs(2));
    assert_eq!(c.wxpay.timeouts.request, Timeouts::default().request);
    assert!(!c.wxpay.is_service_provider());
}

#[test]
fn secrets_never_print() {
    let c = parse(&good(), Path::new("/")).unwrap();
    assert!(!format!("{c:?}").contains("hunter2"));
    assert!(!format!("{}", Summary(&c)).contains("hunter2"));
}

#[test]
fn reports_every_problem_at_once_by_name() {
    let bad = r#"
[merchant]
appid = "1234"
mch_id = "19000x"
sub_appid = "wx0000000000000001"

[store]
store_id = "THIS-STORE-ID-IS-FAR-TOO-LONG-FOR-WECHAT"
store_name = "门诊😀"

[device]

[facemch]
info_type = "ASK_UNION_ID"
padding = "pss"

[endpoints]
payapp = "http://payapp.example.com"

[keys]
apiv2_key_file = "k"
merchant_private_key = "k.pem"
merchant_certificate = "c.pem"
wechatpay_public_key_id = "ABC"

[proxy]
url = "ftp://proxy:21"
password = "x"

[timeouts]
retries = 99
connect_ms = "fast"
facemch_deadline_ms = 999_999

[extra]
"#;
    let err = parse(bad, Path::new("/")).unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    for want in [
        "extra",
        "merchant.appid",
        "merchant.mch_id",
        "merchant.sub_mch_id",
        "store.store_id",
        "store.store_name",
        "device.device_id",
        "facemch.info_type",
        "facemch.padding",
        "endpoints.payapp",
        "keys.wechatpay_public_key_id",
        "keys.wechatpay_public_key",
        "proxy.url",
        "proxy.username",
        "timeouts.retries",
        "timeouts.connect_ms",
        "timeouts.facemch_deadline_ms",
    ] {
        assert!(fields.contains(&want), "{want} not reported in {fields:?}");
    }
    let text = err.to_string();
    assert!(
        text.contains("store.store_id: must be at most 32 characters (it has 40)"),
        "{text}"
    );
    assert!(text.contains("ASK_UNIONID"), "{text}");
    assert!(!text.contains("hunter2") && !text.contains("\"x\""));
}

#[test]
fn unknown_fields_and_missing_sections() {
    let err = parse("[store]\nstor_id = \"1\"\n", Path::new("/")).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("store.stor_id: is not a known field"),
        "{text}"
    );
    assert!(text.contains("merchant.appid: is required"), "{text}");
    assert!(
        text.contains("keys.merchant_private_key: is required"),
        "{text}"
    );
}

#[test]
fn syntax_errors_do_not_quote_the_file() {
    let err = parse("[proxy]\npassword = \"hunter2\n", Path::new("/")).unwrap_err();
    assert!(matches!(err, ConfigError::Syntax(_)));
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn service_provider_mode_needs_the_sub_merchant_serial() {
    let sp = good().replace(
        "mch_id = \"1900000109\"",
        "mch_id = \"1900000109\"\nsub_mch_id = \"1900000110\"\nsub_appid = \"wx1111111111111111\"",
    );
    let err = parse(&sp, Path::new("/")).unwrap_err();
    assert_eq!(err.problems()[0].field, "keys.sub_merchant_serial");
    let sp = sp.replace(
        "[proxy]",
        "sub_merchant_serial = \"5157F09EFDC096DE15EBE81A47057A7232F1B8E1\"\n\n[proxy]",
    );
    assert!(
        parse(&sp, Path::new("/"))
            .unwrap()
            .wxpay
            .is_service_provider()
    );
}

#[test]
fn kiosk_and_terminal_default_to_what_a_hospital_starts_with() {
    let c = parse(&good(), Path::new("/etc/facekiosk")).unwrap();
    assert_eq!(c.kiosk.language, facekiosk_session::Language::ZhCn);
    assert_eq!(c.kiosk.idle_timeout, Duration::from_secs(60));
    assert_eq!(c.kiosk.records, Path::new("/etc/facekiosk/records.sqlite"));
    assert_eq!(c.kiosk.elder_time_percent, 200);
    assert_eq!(c.terminal.adb, None);
    assert_eq!(c.terminal.adb_port, 5037);
    assert_eq!(c.terminal.face_scan_timeout, Duration::from_secs(90));
}

#[test]
fn kiosk_and_terminal_sections_are_read_and_checked_by_field() {
    let good = format!(
        "{WXPAY}\n[kiosk]\nlanguage = \"en\"\nidle_timeout_secs = 90\nelder_time_factor = 1.5\n\
         consent_dir = \"consent\"\nhand_over_timeout_secs = 45\n[terminal]\nserial = \"T1\"\nadb = \"bin/adb\"\n\
         direct = \"127.0.0.1:7070\"\npairing_key_file = {}\n",
        toml::Value::String(key_file().display().to_string())
    );
    let c = parse(&good, Path::new("/etc/facekiosk")).unwrap();
    assert_eq!(c.kiosk.language, facekiosk_session::Language::En);
    assert_eq!(c.kiosk.elder_time_percent, 150);
    assert_eq!(c.kiosk.hand_over_timeout, Duration::from_secs(45));
    assert_eq!(
        c.kiosk.consent_dir.as_deref(),
        Some(Path::new("/etc/facekiosk/consent"))
    );
    assert_eq!(
        c.terminal.adb.as_deref(),
        Some(Path::new("/etc/facekiosk/bin/adb"))
    );
    assert_eq!(c.terminal.direct, Some("127.0.0.1:7070".parse().unwrap()));

    let bad = format!(
        "{WXPAY}\n[kiosk]\nlanguage = \"fr\"\nidle_timeout_secs = 10\nwarning_secs = 30\n\
         elder_time_factor = 9\nshow_ads = true\nhand_over_timeout_secs = 1\n[terminal]\ndirect = \"localhost\"\n\
         adb_port = 0\n"
    );
    let err = parse(&bad, Path::new("/")).unwrap_err();
    let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
    for field in [
        "kiosk.language",
        "kiosk.warning_secs",
        "kiosk.elder_time_factor",
        "kiosk.show_ads",
        "kiosk.hand_over_timeout_secs",
        "terminal.direct",
        "terminal.adb_port",
    ] {
        assert!(fields.contains(&field), "{field} not reported: {fields:?}");
    }
}

#[test]
fn production_requires_the_terminal_serial_and_pairing_key_file() {
    let err = parse(WXPAY, Path::new("/etc/facekiosk")).unwrap_err();
    let rule = |field: &str| {
        err.problems()
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.rule.clone())
            .unwrap_or_else(|| panic!("{field} not reported: {err}"))
    };
    assert!(rule("terminal.serial").contains("adb devices"));
    assert!(rule("terminal.pairing_key_file").contains("is required"));
    // A demo's own sections may leave both to the simulated terminal.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.toml");
    std::fs::write(&path, "[terminal]\ncall_timeout_secs = 20\n").unwrap();
    let demo = load_demo_sections(&path).unwrap();
    assert_eq!((demo.terminal.serial, demo.terminal.pairing), (None, None));
    assert_eq!(demo.his, None);
}

#[test]
fn the_pairing_key_is_read_from_an_owner_only_file_and_never_shown() {
    let c = parse(&good(), Path::new("/etc/facekiosk")).unwrap();
    let pairing = c.terminal.pairing.as_ref().expect("the pairing key");
    assert_eq!(pairing.source, key_file().display().to_string());
    assert!(!format!("{c:?}").contains(&"c3".repeat(32)));

    #[cfg(unix)]
    {
        let dir = tempfile::tempdir().unwrap();
        let exposed = write_key(dir.path(), 0o640);
        let text = good().replace(
            &toml::Value::String(key_file().display().to_string()).to_string(),
            &toml::Value::String(exposed.display().to_string()).to_string(),
        );
        let err = parse(&text, Path::new("/")).unwrap_err();
        let problem = err
            .problems()
            .iter()
            .find(|p| p.field == "terminal.pairing_key_file")
            .expect("the exposed key file is reported");
        assert!(
            problem.rule.contains(&exposed.display().to_string()),
            "{problem}"
        );
        assert!(
            problem.rule.contains("readable by group or others"),
            "{problem}"
        );
        assert!(!err.to_string().contains(&"c3".repeat(32)), "{err}");
    }
}

/// The good file with `[his]` set to `his`.
fn with_his(his: &str) -> Result<Settings, ConfigError> {
    parse(
        &format!("{}\n[his]\n{his}", good()),
        Path::new("/etc/facekiosk"),
    )
}

fn rules_of(err: &ConfigError) -> Vec<(String, String)> {
    err.problems()
        .iter()
        .map(|p| (p.field.clone(), p.rule.clone()))
        .collect()
}

#[test]
fn without_his_the_kiosk_keeps_its_own_registry() {
    let c = parse(&good(), Path::new("/etc/facekiosk")).unwrap();
    assert_eq!(c.his, facekiosk_his::HisSettings::local());
}

#[test]
fn a_fhir_hand_off_is_read_with_the_standards_defaults() {
    use facekiosk_his::settings::{AdapterSettings, Auth};
    let c = with_his(
        "adapter = \"fhir\"\nbase_url = \"https://his.example.cn/fhir/\"\n\
         bearer_token_file = \"his.token\"\npatient_number_visible = 6\nretries = 2\n",
    )
    .unwrap();
    let AdapterSettings::Fhir(fhir) = &c.his.adapter else {
        panic!("{:?}", c.his.adapter)
    };
    assert_eq!(fhir.base_url, "https://his.example.cn/fhir");
    assert_eq!(fhir.identifier_system, "urn:oid:2.16.156.10011.1.3");
    assert_eq!(fhir.patient_number_system, None);
    assert_eq!(c.his.patient_number_visible, Some(6));
    assert_eq!(c.his.connection.retries, 2);
    assert_eq!(
        c.his.connection.auth,
        Auth::Bearer {
            token_file: Path::new("/etc/facekiosk/his.token").to_path_buf()
        }
    );
}

#[test]
fn a_wst846_hand_off_reports_every_problem_at_once_by_name() {
    let err = with_his(
        "adapter = \"wst846\"\nurl = \"http://10.0.0.5/hip\"\nsoap_version = \"2\"\n\
         organization_code = \"12345\"\norganization_name = \"人民医院\"\nregister = true\n\
         patient_id_root = \"not.an.oid\"\nbase_url = \"https://x\"\n\
         client_certificate = \"kiosk.pem\"\nagreed_ethnic_group = \"01\"\n",
    )
    .unwrap_err();
    let problems = rules_of(&err);
    let rule = |field: &str| {
        problems
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{field} not reported: {problems:?}"))
    };
    assert!(rule("his.url").contains("https"));
    assert!(rule("his.soap_version").contains("1.1"));
    assert!(rule("his.sender_id").contains("required"));
    assert!(rule("his.receiver_id").contains("required"));
    assert!(rule("his.organization_code").contains("18-character"));
    assert!(rule("his.patient_number_prefix").contains("register = true"));
    assert!(rule("his.patient_id_root").contains("OID"));
    assert!(rule("his.base_url").contains("not a field of adapter = \"wst846\""));
    assert!(rule("his.client_key").contains("client_certificate"));
    assert!(rule("his.agreed_ethnic_group").contains("\"90 其他\""));
}

#[test]
fn a_wst846_hand_off_is_read_whole() {
    use facekiosk_his::settings::{AdapterSettings, SoapVersion};
    let c = with_his(
        "adapter = \"wst846\"\nurl = \"https://hip.example.cn/HIPService\"\n\
         soap_version = \"1.1\"\nsender_id = \"ZZJ-0001\"\nreceiver_id = \"HIP-0001\"\n\
         organization_code = \"12440300455755474X\"\norganization_name = \"人民医院\"\n\
         register = true\npatient_number_prefix = \"ZZJ01-\"\n\
         id_number_root = \"2.16.156.10011.1.3\"\nagreed_occupation = \"90 其他\"\n\
         birth_date_required = true\n",
    )
    .unwrap();
    let AdapterSettings::Wst846(w) = &c.his.adapter else {
        panic!("{:?}", c.his.adapter)
    };
    assert_eq!(w.soap_version, SoapVersion::V1_1);
    assert!(w.register);
    assert_eq!(w.patient_number_prefix, "ZZJ01-");
    assert_eq!(w.oids.patient_id, "2.16.156.10011.2.5.1.4");
    let occupation = w.agreed.occupation.as_ref().unwrap();
    assert_eq!(
        (occupation.code.as_str(), occupation.name.as_str()),
        ("90", "其他")
    );
    assert_eq!(w.agreed.ethnic_group, None, "not agreed: sent as not known");
    assert!(w.birth_date_required);
}

#[test]
fn an_unknown_adapter_names_the_ones_there_are() {
    let err = with_his("adapter = \"hl7v2\"\n").unwrap_err();
    assert_eq!(
        rules_of(&err),
        [(
            "his.adapter".to_owned(),
            "must be local (the kiosk's own registry), fhir, wst846 or http".to_owned()
        )]
    );
    let err = with_his("adapter = \"http\"\n").unwrap_err();
    let fields: Vec<String> = rules_of(&err).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["his.url", "his.profile"]);
}

#[test]
fn a_demo_takes_a_hospitals_his_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hospital.toml");
    std::fs::write(
        &path,
        format!(
            "{}\n[his]\nadapter = \"fhir\"\nbase_url = \"https://his-test.example.cn/fhir\"\n",
            good()
        ),
    )
    .unwrap();
    let demo = load_demo_sections(&path).unwrap();
    assert_eq!(demo.his.unwrap().adapter_name(), "fhir");
    std::fs::write(&path, "[hiss]\nadapter = \"fhir\"\n").unwrap();
    let err = load_demo_sections(&path).unwrap_err();
    assert_eq!(err.problems()[0].field, "hiss");
}

#[test]
fn a_kiosk_may_start_its_sessions_in_elder_mode_and_keep_receipts_for_a_while() {
    let text = "[kiosk]\nelder_mode = true\nreceipt_retention_days = 365\n";
    let sections = load_demo_sections_from(text);
    assert!(sections.kiosk.elder_mode);
    assert_eq!(sections.kiosk.receipt_retention_days, Some(365));
    let bad = "[kiosk]\nelder_mode = \"yes\"\nreceipt_retention_days = 0\n";
    let err = demo_sections_error(bad);
    assert!(err.contains("kiosk.elder_mode"), "{err}");
    assert!(err.contains("kiosk.receipt_retention_days"), "{err}");
}

fn load_demo_sections_from(text: &str) -> DemoSections {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    load_demo_sections(&path).unwrap()
}

fn demo_sections_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    load_demo_sections(&path).unwrap_err().to_string()
}
