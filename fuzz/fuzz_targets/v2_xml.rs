//! APIv2 XML (`get_wxpayface_authinfo` responses): arbitrary bytes never panic, and whatever
//! parses (never more than `MAX_XML_BYTES`) and can be written back parses again to the same
//! fields.
#![no_main]

use facekiosk_wxpay::v2::xml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(fields) = xml::parse(data) else {
        return;
    };
    assert!(
        data.len() <= xml::MAX_XML_BYTES,
        "oversized input was parsed"
    );
    // Written back (CDATA added) it may outgrow the cap, which is then right to refuse it.
    if let Ok(text) = xml::write(&fields)
        && text.len() <= xml::MAX_XML_BYTES
    {
        let again = xml::parse(text.as_bytes()).expect("our own XML parses");
        assert_eq!(again, fields, "XML round trip changed the fields");
    }
});
