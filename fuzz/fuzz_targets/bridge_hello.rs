//! The v2 handshake on one frame body, from both sides: as the server's hello (the kiosk parses
//! it and answers with its pairing proof), as the client's hello (the bridge checks its proof
//! against the nonce it sent), as the server's `paired` (the kiosk checks the bridge's proof);
//! and the raw bytes as a pairing key file's text. Never a panic; a proof made without the key
//! never verifies; a genuine exchange over any hello that parses always does.
#![no_main]

use facekiosk_bridge_protocol::{
    ClientMessage, DeviceInfo, Hello, PairingKey, check_paired, client_hello, decode_body,
    parse_client_message, parse_hello, parse_paired, verify_client_hello,
};
use libfuzzer_sys::fuzz_target;

fn key() -> PairingKey {
    PairingKey::from_bytes([0x42; 32])
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = PairingKey::parse(text);
    }
    let Ok(object) = decode_body(data) else {
        return;
    };
    if let Ok(hello) = parse_hello(object.clone()) {
        let (answer, transcript) = client_hello(&key(), "fuzz", &hello);
        let paired = verify_client_hello(&key(), &hello, &answer).expect("our own proof verifies");
        check_paired(&key(), &transcript, &paired).expect("the bridge's own proof verifies");
        let stranger = PairingKey::from_bytes([0x43; 32]);
        assert!(verify_client_hello(&stranger, &hello, &answer).is_err());
    }
    let sent = Hello::new(
        "0.0.0",
        "aar",
        None,
        DeviceInfo {
            serial: "FUZZ".into(),
            model: "m".into(),
            sdk_int: 0,
        },
    );
    if let Ok(ClientMessage::Hello(client)) = parse_client_message(object.clone()) {
        // The fuzzer cannot know the nonce `sent` drew: its proof must not verify.
        assert!(verify_client_hello(&key(), &sent, &client).is_err());
    }
    if let Ok(paired) = parse_paired(object) {
        let (_, transcript) = client_hello(&key(), "fuzz", &sent);
        assert!(check_paired(&key(), &transcript, &paired).is_err());
    }
});
