//! The bridge's message parsers on one frame body: the server's strict `parse_client_message`,
//! the client's `ServerMessage::from_object` and `parse_hello`. Never a panic; a message that
//! parses re-encodes to a frame that parses to the same message.
#![no_main]

use facekiosk_bridge_protocol::{
    ServerMessage, decode_body, encode_frame, parse_client_message, parse_hello,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(object) = decode_body(data) else {
        return;
    };
    match parse_client_message(object.clone()) {
        Ok(message) => {
            if let Ok(frame) = encode_frame(&message) {
                let again = decode_body(&frame[4..]).expect("our own frame decodes");
                let again = parse_client_message(again).expect("our own message parses");
                assert_eq!(again, message, "client message round trip changed it");
            }
        }
        Err(rejection) => {
            let reply = rejection.to_message();
            encode_frame(&reply).expect("a rejection always encodes");
        }
    }
    if let Ok(message) = ServerMessage::from_object(object.clone())
        && let Ok(frame) = encode_frame(&message)
    {
        let again = decode_body(&frame[4..]).expect("our own frame decodes");
        let again = ServerMessage::from_object(again).expect("our own message parses");
        assert_eq!(again, message, "server message round trip changed it");
    }
    let _ = parse_hello(object);
});
