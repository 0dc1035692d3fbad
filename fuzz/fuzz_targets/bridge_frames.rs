//! The bridge's incremental frame decoder fed arbitrary chunks. Input: two bytes seeding the
//! chunk sizes, one byte choosing the maximum frame length, then the stream. Any split of the
//! stream must give the same frames and errors as feeding it whole, and every frame goes
//! through both message parsers.
#![no_main]

use facekiosk_bridge_protocol::{
    DecodeError, FrameDecoder, JsonObject, MAX_FRAME, ServerMessage, parse_client_message,
};
use libfuzzer_sys::fuzz_target;

type Item = Result<JsonObject, DecodeError>;

/// Drains every frame the decoder can give now; stops after a fatal error.
fn drain(decoder: &mut FrameDecoder, out: &mut Vec<Item>) {
    loop {
        match decoder.next_frame() {
            Ok(None) => return,
            Ok(Some(frame)) => out.push(Ok(frame)),
            Err(e) => {
                let fatal = e.is_fatal();
                out.push(Err(e));
                if fatal {
                    return;
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [s0, s1, max_choice, stream @ ..] = data else {
        return;
    };
    let max = match max_choice % 4 {
        0 => MAX_FRAME,
        1 => 0,
        2 => 16,
        _ => usize::from(*max_choice),
    };

    let mut whole = FrameDecoder::with_max_frame(max);
    whole.push(stream);
    let mut expected = Vec::new();
    drain(&mut whole, &mut expected);

    // Chunk sizes from a small xorshift seeded by the first two bytes (1..=64 bytes each).
    let mut state = u16::from_be_bytes([*s0, *s1]) | 1;
    let mut chunked = FrameDecoder::with_max_frame(max);
    let mut got = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() && !chunked.is_poisoned() {
        state ^= state << 7;
        state ^= state >> 9;
        state ^= state << 8;
        let n = usize::from(state % 64 + 1).min(rest.len());
        let (chunk, tail) = rest.split_at(n);
        chunked.push(chunk);
        rest = tail;
        drain(&mut chunked, &mut got);
    }
    assert_eq!(
        got, expected,
        "a split of the stream changed what it decodes to"
    );
    assert_eq!(whole.is_poisoned(), chunked.is_poisoned());
    if !whole.is_poisoned() {
        assert_eq!(whole.buffered(), chunked.buffered());
    }

    for frame in expected.into_iter().flatten() {
        if let Err(rejection) = parse_client_message(frame.clone()) {
            let _ = rejection.to_message();
        }
        let _ = ServerMessage::from_object(frame);
    }
});
