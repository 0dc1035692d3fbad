//! The terminal's `face_sid` on its way into the signed facemch path: arbitrary text never
//! panics, and whatever is accepted stays one path segment, sent as it came (nothing in it
//! needs escaping, so the URL signed is the URL fetched).
#![no_main]

use facekiosk_wxpay::InfoType;
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
            // The error names the field and never quotes the value.
            let shown = e.to_string();
            assert!(shown.contains("`face_sid`"));
            assert!(face_sid.len() < 3 || !shown.contains(face_sid));
        }
    }
});
