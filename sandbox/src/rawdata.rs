//! The simulated terminal's rawdata (`getWxpayfaceRawdata`): opaque to the kiosk, made by the
//! simulated face app, and read back by the sandbox's payapp, which binds the authinfo it mints
//! to the terminal the rawdata came from.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The prefix of the rawdata the simulated terminal produces.
pub const RAWDATA_PREFIX: &str = "SIMRAW1.";

/// Simulated rawdata for `terminal`: opaque to the kiosk, readable by the sandbox's payapp,
/// which binds the authinfo to that terminal.
pub fn rawdata_for(terminal: &str) -> String {
    let mut nonce = [0u8; 24];
    rand::fill(&mut nonce[..]);
    let payload = format!("{terminal}|{}", hex::encode(nonce));
    format!("{RAWDATA_PREFIX}{}", URL_SAFE_NO_PAD.encode(payload))
}

/// The terminal a simulated rawdata came from; `None` for any other rawdata.
pub fn terminal_of_rawdata(rawdata: &str) -> Option<String> {
    let b = URL_SAFE_NO_PAD
        .decode(rawdata.strip_prefix(RAWDATA_PREFIX)?)
        .ok()?;
    let text = String::from_utf8(b).ok()?;
    Some(text.split_once('|')?.0.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rawdata_names_its_terminal() {
        let r = rawdata_for("SIM-7");
        assert_eq!(terminal_of_rawdata(&r).as_deref(), Some("SIM-7"));
        assert_ne!(rawdata_for("SIM-7"), r);
        assert_eq!(terminal_of_rawdata("some real rawdata"), None);
    }
}
