//! The vendor adapter's readers of outside bytes: a site profile (a file staff edit) and a
//! site's answer (JSON or XML, by the two example profiles, to a query or a create). Any
//! bytes give a value or an error, never a panic; a number read is what `PatientNumber`
//! allows.
#![no_main]

use std::sync::OnceLock;

use facekiosk_his::vendor::{Outcome, Profile, Trade, parse_profile, read_answer};
use libfuzzer_sys::fuzz_target;

const TIANRUI: &str = include_str!("../../assets/his-profiles/tianrui.toml");
const ZZJ: &str = include_str!("../../assets/his-profiles/zzj.toml");

fn profiles() -> &'static [Profile; 2] {
    static PROFILES: OnceLock<[Profile; 2]> = OnceLock::new();
    PROFILES.get_or_init(|| {
        [
            parse_profile(TIANRUI).expect("the JSON example is valid"),
            parse_profile(ZZJ).expect("the XML example is valid"),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    if selector & 0b100 != 0 {
        if let Ok(text) = std::str::from_utf8(rest)
            && let Ok(profile) = parse_profile(text)
        {
            // What the consent check relies on: only mapped fields are sent, name and ID always.
            let sends = profile.sends();
            assert!(sends.len() <= 5 && !sends.is_empty());
        }
        return;
    }
    let profile = &profiles()[usize::from(selector & 1)];
    let trade = if selector & 0b10 == 0 {
        Trade::Query
    } else {
        Trade::Create
    };
    match read_answer(profile, trade, rest) {
        Ok(Outcome::Number(n)) => {
            let s = n.as_str();
            assert!(!s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic()));
        }
        Ok(Outcome::NotFound) => assert_eq!(trade, Trade::Query, "not found is a query's answer"),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
