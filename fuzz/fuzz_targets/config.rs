//! The kiosk configuration (TOML): arbitrary text never panics, every error formats.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match facekiosk_config::parse(text, Path::new("/etc/facekiosk")) {
        Ok(config) => {
            let _ = format!("{config:?}{}", facekiosk_config::Summary(&config));
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
