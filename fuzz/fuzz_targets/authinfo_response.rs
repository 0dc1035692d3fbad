//! payapp `get_wxpayface_authinfo` answers, checked against a fixed request and key: arbitrary
//! bytes never panic, and an accepted answer has a lifetime within the bound.
#![no_main]

use facekiosk_pii::Secret;
use facekiosk_wxpay::authinfo::{AuthinfoRequest, MAX_EXPIRES_IN, parse_accepted};
use facekiosk_wxpay::v2::SignType;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let sign_type = if choice & 1 == 0 {
        SignType::Md5
    } else {
        SignType::HmacSha256
    };
    let request = AuthinfoRequest {
        store_id: "HOSP-001".into(),
        store_name: "门诊".into(),
        device_id: "KIOSK-07".into(),
        rawdata: "raw".into(),
        appid: "wxd930ea5d5a258f4f".into(),
        mch_id: "1900000109".into(),
        sub_appid: None,
        sub_mch_id: None,
        now: 1_763_971_200,
        sign_type,
        nonce_str: "n".into(),
        attach: None,
    };
    // The key of the fuzz seeds (corpus-seeds/authinfo_response), so signed answers get past
    // the signature to the fields after it.
    let key = Secret::new("192006250b4c09247ec02edce69f6a2d");
    if let Ok(accepted) = parse_accepted(body, &key, &request) {
        assert!((1..=MAX_EXPIRES_IN).contains(&accepted.authinfo.expires_in));
    }
});
