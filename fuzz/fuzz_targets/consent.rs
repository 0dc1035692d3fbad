//! A hospital's consent text (TOML): arbitrary text never panics; what parses has a title,
//! sections, a hash and names what is fetched, once each.
#![no_main]

use facekiosk_session::Language;
use facekiosk_session::consent::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(Language::ZhCn, text, "zh-CN.toml") {
        Ok(text) => {
            let doc = &text.document;
            assert!(!doc.title.trim().is_empty() && !doc.sections.is_empty());
            assert_eq!(doc.sha256.len(), 64);
            assert!(!text.fetches.is_empty() && text.fetches.windows(2).all(|w| w[0] < w[1]));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
