//! A kiosk configured to fetch what it may not never opens: the configuration file's
//! settings through the one wiring, refused before anything is opened.

use facekiosk_session::Parts;

#[test]
fn a_kiosk_asking_for_what_it_may_not_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    // The pairing key lives apart: nothing may appear in `dir`.
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("pairing.key");
    std::fs::write(&key_file, "5a".repeat(32)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let config = format!(
        "[merchant]\nappid = \"wxd930ea5d5a258f4f\"\nmch_id = \"1900000109\"\n\
         [store]\nstore_id = \"HOSP-001\"\nstore_name = \"门诊一楼\"\n\
         [device]\ndevice_id = \"KIOSK-07\"\n\
         [keys]\napiv2_key_file = \"apiv2.key\"\nmerchant_private_key = \"k.pem\"\n\
         merchant_certificate = \"c.pem\"\nwechatpay_public_key = \"p.pem\"\n\
         wechatpay_public_key_id = \"PUB_KEY_ID_0114232134912410000000000000\"\n\
         [facemch]\ninfo_type = \"ASK_UNIONID\"\n[kiosk]\nrecords = \"{}/r.sqlite\"\n\
         [terminal]\nserial = \"T1\"\npairing_key_file = \"{}\"\n",
        dir.path().display(),
        key_file.display()
    );
    let unionid = facekiosk_config::parse(&config, dir.path()).unwrap();
    let tel = config.replace("ASK_UNIONID", "ASK_REAL_NAME_TEL");
    let tel = facekiosk_config::parse(&tel, dir.path()).unwrap();
    let err = facekiosk_session::start(unionid, Parts::default()).unwrap_err();
    assert_eq!(err.code(), "INFO_TYPE_UNSUITABLE");
    assert!(err.to_string().contains("facemch.info_type"), "{err}");
    // The built-in consent texts name no phone number.
    let err = facekiosk_session::start(tel, Parts::default()).unwrap_err();
    assert_eq!(err.code(), "CONSENT_MISMATCH");
    assert!(err.to_string().contains("facemch.info_type"), "{err}");
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing opened"
    );
}
