//! APIv2 XML (`get_wxpayface_authinfo` responses): arbitrary bytes never panic, and whatever
//! parses and can be written back parses again to the same fields.
#![no_main]

use facekiosk_wxpay::v2::xml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(fields) = xml::parse(data) else {
        return;
    };
    if let Ok(text) = xml::write(&fields) {
        let again = xml::parse(text.as_bytes()).expect("our own XML parses");
        assert_eq!(again, fields, "XML round trip changed the fields");
    }
});
