//! The APIv3 `Authorization` header: arbitrary text never panics, and a parsed header prints
//! back to a header that parses to the same fields.
#![no_main]

use facekiosk_wxpay::v3::Authorization;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(auth) = Authorization::parse(header) {
        let again = Authorization::parse(&auth.to_string()).expect("our own header parses");
        assert_eq!(again, auth, "Authorization round trip changed the fields");
    }
});
