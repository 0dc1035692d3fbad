//! facemch response bodies (`GET /v3/facemch/users/{face_sid}`), decrypted with the fixture
//! merchant key. Input: one byte choosing the info_type and the padding, then the body.
//! Never a panic, and never an identity that failed validation.
#![no_main]

use std::sync::LazyLock;

use facekiosk_wxpay::crypto::{Padding, PrivateKey};
use facekiosk_wxpay::InfoType;
use facekiosk_wxpay::facemch::decode;
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<PrivateKey> = LazyLock::new(|| {
    let pem = include_str!("../../core/wxpay/tests/fixtures/merchant_key.pem");
    PrivateKey::from_pem("fixture", pem).unwrap()
});

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let info_type = match choice % 3 {
        0 => InfoType::AskRealName,
        1 => InfoType::AskUnionid,
        _ => InfoType::AskRealNameTel,
    };
    let padding = if choice & 0x80 == 0 {
        Padding::Pkcs1v15
    } else {
        Padding::OaepSha1
    };
    match decode(body.to_vec(), info_type, &KEY, padding) {
        Ok(identity) => {
            // Debug and Display mask; exercise them (they must not panic on any valid identity).
            let _ = format!("{identity:?}");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
