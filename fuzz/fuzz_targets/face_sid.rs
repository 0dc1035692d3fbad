//! The terminal's `face_sid` on its way into the signed facemch path: arbitrary text never
//! panics, and whatever is accepted stays one path segment, sent as it came (nothing in it
//! needs escaping, so the URL signed is the URL fetched).
#![no_main]

use facekiosk_wxpay::{InfoType, WxpayError};
use facekiosk_wxpay::facemch::{FacemchQuery, validate_face_sid};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(face_sid) = std::str::from_utf8(data) else {
        return;
    };
    let query = FacemchQuery {
        face_sid,
        info_type: InfoType::AskRealName,
        appid: "wxd930ea5d5a258f4f",
        sub_mchid: None,
        sub_appid: None,
        sub_serial_no: None,
    };
    match query.path_and_query() {
        Ok(path) => {
            assert!(validate_face_sid(face_sid).is_ok());
            let expected = format!("/v3/facemch/users/{face_sid}?info_type=ASK_REAL_NAME&");
            assert!(
                path.starts_with(&expected),
                "the path is not the face_sid as sent"
            );
        }
        Err(e) => {
            assert!(validate_face_sid(face_sid).is_err());
            // The error names the field and never quotes the value: its reason is a
            // `&'static str`, so it cannot hold the input (a substring test would fail on
            // inputs such as "; no" that happen to occur in the fixed wording).
            assert!(matches!(e, WxpayError::BadFaceSid(_)));
            assert!(e.to_string().contains("`face_sid`"));
        }
    }
});
