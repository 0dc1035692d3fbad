//! Framing: a `u32` big-endian length, then that many bytes of UTF-8 JSON holding one object.
//!
//! [`FrameDecoder`] is incremental (feed it whatever the socket gave, pull whole frames out),
//! [`encode_frame`] builds a frame, and [`read_frame`] / [`write_frame`] do the same over
//! blocking [`std::io`] streams.

use std::fmt;
use std::io::{self, Read, Write};

use serde::Serialize;

use crate::MAX_FRAME;

/// One decoded frame: a JSON object.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Length of the prefix in bytes.
const PREFIX: usize = 4;

/// What was wrong with a frame. Only [`DecodeError::Oversized`] leaves the stream unusable
/// ([`DecodeError::is_fatal`]); after any other error the next frame decodes normally.
///
/// The messages never quote the frame's content (it may hold personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The length prefix announces more than the maximum. Detected from the prefix alone,
    /// before any of the body is read or buffered.
    Oversized {
        /// The announced length.
        len: u64,
        /// The maximum in force.
        max: usize,
    },
    /// The body is not valid UTF-8.
    BadUtf8 {
        /// Byte offset of the first invalid sequence.
        valid_up_to: usize,
    },
    /// The body is UTF-8 but not JSON (an empty body is reported here too).
    BadJson {
        /// 1-based line of the syntax error.
        line: usize,
        /// 1-based column of the syntax error.
        column: usize,
        /// serde_json's description of the error class (never the offending text).
        reason: &'static str,
    },
    /// The body is JSON but not an object.
    NotAnObject {
        /// The JSON kind found instead: "array", "string", "number", "boolean" or "null".
        found: &'static str,
    },
}

impl DecodeError {
    /// Whether the stream can no longer be trusted (the caller should report and close).
    pub fn is_fatal(&self) -> bool {
        matches!(self, DecodeError::Oversized { .. })
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Oversized { len, max } => {
                write!(f, "frame length {len} exceeds the maximum of {max} bytes")
            }
            DecodeError::BadUtf8 { valid_up_to } => {
                write!(
                    f,
                    "frame body is not valid UTF-8 (invalid byte at offset {valid_up_to})"
                )
            }
            DecodeError::BadJson {
                line,
                column,
                reason,
            } => {
                write!(
                    f,
                    "frame body is not valid JSON ({reason} at line {line} column {column})"
                )
            }
            DecodeError::NotAnObject { found } => {
                write!(f, "frame body is a JSON {found}, expected an object")
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Validates and parses one frame body (without its length prefix).
pub fn decode_body(body: &[u8]) -> Result<JsonObject, DecodeError> {
    let text = std::str::from_utf8(body).map_err(|e| DecodeError::BadUtf8 {
        valid_up_to: e.valid_up_to(),
    })?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| DecodeError::BadJson {
            line: e.line(),
            column: e.column(),
            reason: match e.classify() {
                serde_json::error::Category::Eof => "unexpected end of input",
                serde_json::error::Category::Syntax => "syntax error",
                // Io cannot happen from a str; Data cannot happen for Value, except numbers or
                // nesting beyond serde_json's limits.
                serde_json::error::Category::Data | serde_json::error::Category::Io => {
                    "invalid data"
                }
            },
        })?;
    match value {
        serde_json::Value::Object(object) => Ok(object),
        other => Err(DecodeError::NotAnObject {
            found: json_kind(&other),
        }),
    }
}

pub(crate) fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// Incremental frame decoder: [`FrameDecoder::push`] bytes as they arrive, then call
/// [`FrameDecoder::next_frame`] until it returns `Ok(None)`.
///
/// Splitting the input anywhere (even byte by byte) yields the same frames and errors.
/// After a fatal error ([`DecodeError::is_fatal`]) the decoder keeps returning that error.
///
/// The work is linear in the bytes received: a call that finds no whole frame looks at the
/// 4-byte prefix only, each body is parsed once, and consumed frames are not moved out of the
/// buffer one by one (that would copy the rest of the buffer per frame, quadratic in a burst of
/// small frames); the consumed front is dropped when it outweighs what is left.
#[derive(Debug, Clone)]
pub struct FrameDecoder {
    buf: Vec<u8>,
    /// Where the unconsumed bytes start in `buf`.
    start: usize,
    max: usize,
    poisoned: Option<DecodeError>,
    /// Bytes copied to compact the buffer, for the linearity test.
    #[cfg(test)]
    moved: usize,
}

impl Default for FrameDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameDecoder {
    /// A decoder with the protocol maximum, [`MAX_FRAME`].
    pub fn new() -> Self {
        Self::with_max_frame(MAX_FRAME)
    }

    /// A decoder with a smaller or larger maximum body length.
    pub fn with_max_frame(max: usize) -> Self {
        FrameDecoder {
            buf: Vec::new(),
            start: 0,
            max,
            poisoned: None,
            #[cfg(test)]
            moved: 0,
        }
    }

    /// Appends received bytes. Bytes pushed after a fatal error are discarded.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.poisoned.is_some() {
            return;
        }
        // Each byte is moved at most once per time the unconsumed part halves: amortised O(1).
        if self.start > 0 && self.start >= self.buf.len() - self.start {
            #[cfg(test)]
            {
                self.moved += self.buf.len() - self.start;
            }
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Number of bytes received but not yet consumed by a frame.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Whether a fatal error has been reported.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.is_some()
    }

    /// The next complete frame, `Ok(None)` if more bytes are needed, or what was wrong with
    /// the next frame (which is then consumed, unless the error is fatal).
    pub fn next_frame(&mut self) -> Result<Option<JsonObject>, DecodeError> {
        if let Some(err) = &self.poisoned {
            return Err(err.clone());
        }
        let pending = &self.buf[self.start..];
        let Some(prefix) = pending.first_chunk::<PREFIX>() else {
            return Ok(None);
        };
        let len = u32::from_be_bytes(*prefix) as usize;
        if len > self.max {
            let err = DecodeError::Oversized {
                len: len as u64,
                max: self.max,
            };
            self.poisoned = Some(err.clone());
            self.buf = Vec::new();
            self.start = 0;
            return Err(err);
        }
        if pending.len() < PREFIX + len {
            return Ok(None);
        }
        let result = decode_body(&pending[PREFIX..PREFIX + len]);
        self.start += PREFIX + len;
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
        result.map(Some)
    }
}

/// Keeps a stream of bad frames from flooding the log and from holding a connection open:
/// [`BadFrames::record`] says to log only the 1st, 2nd, 4th, 8th... bad frame of a connection
/// (with the running total) and to close once `max_in_a_row` came with no good frame between.
#[derive(Debug, Clone)]
pub struct BadFrames {
    total: u64,
    in_a_row: u32,
    max_in_a_row: u32,
}

/// What to do about one bad frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadFrameVerdict {
    /// Bad frames on this connection so far, this one included.
    pub total: u64,
    /// Whether to write this one to the log (a power of two: 1, 2, 4, 8...).
    pub log: bool,
    /// Whether the connection should be closed: too many in a row.
    pub close: bool,
}

impl BadFrames {
    /// Closes after `max_in_a_row` bad frames with no good one between (at least 1).
    pub fn new(max_in_a_row: u32) -> Self {
        BadFrames {
            total: 0,
            in_a_row: 0,
            max_in_a_row: max_in_a_row.max(1),
        }
    }

    /// One bad frame.
    pub fn record(&mut self) -> BadFrameVerdict {
        self.total += 1;
        self.in_a_row = self.in_a_row.saturating_add(1);
        BadFrameVerdict {
            total: self.total,
            log: self.total.is_power_of_two(),
            close: self.in_a_row >= self.max_in_a_row,
        }
    }

    /// One good frame: the run of bad ones is over.
    pub fn good(&mut self) {
        self.in_a_row = 0;
    }

    /// Bad frames on this connection so far.
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// What [`encode_frame`] refused.
#[derive(Debug)]
pub enum EncodeError {
    /// The value could not be serialized.
    Json(serde_json::Error),
    /// The value does not serialize to a JSON object.
    NotAnObject,
    /// The JSON body would exceed [`MAX_FRAME`].
    Oversized {
        /// Length of the JSON body.
        len: usize,
        /// The maximum in force.
        max: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Json(e) => write!(f, "cannot serialize the message: {e}"),
            EncodeError::NotAnObject => f.write_str("the message does not serialize to an object"),
            EncodeError::Oversized { len, max } => {
                write!(
                    f,
                    "message of {len} bytes exceeds the frame maximum of {max} bytes"
                )
            }
        }
    }
}

impl std::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EncodeError::Json(e) => Some(e),
            _ => None,
        }
    }
}

impl From<EncodeError> for io::Error {
    fn from(e: EncodeError) -> Self {
        io::Error::new(io::ErrorKind::InvalidData, e)
    }
}

/// Serializes `message` (which must serialize to a JSON object) into one frame: the 4-byte
/// big-endian body length followed by the compact JSON body.
pub fn encode_frame<T: Serialize + ?Sized>(message: &T) -> Result<Vec<u8>, EncodeError> {
    let mut out = vec![0u8; PREFIX];
    serde_json::to_writer(&mut out, message).map_err(EncodeError::Json)?;
    let len = out.len() - PREFIX;
    if out.get(PREFIX) != Some(&b'{') {
        return Err(EncodeError::NotAnObject);
    }
    if len > MAX_FRAME {
        return Err(EncodeError::Oversized {
            len,
            max: MAX_FRAME,
        });
    }
    out[..PREFIX].copy_from_slice(&(len as u32).to_be_bytes());
    Ok(out)
}

/// Encodes `message` and writes the whole frame to a blocking stream (then flushes).
pub fn write_frame<W: Write + ?Sized, T: Serialize + ?Sized>(
    writer: &mut W,
    message: &T,
) -> io::Result<()> {
    let frame = encode_frame(message)?;
    writer.write_all(&frame)?;
    writer.flush()
}

/// What [`read_frame`] met.
#[derive(Debug)]
pub enum ReadFrameError {
    /// The stream failed, or ended in the middle of a frame (`UnexpectedEof`).
    Io(io::Error),
    /// The frame was malformed; see [`DecodeError::is_fatal`].
    Decode(DecodeError),
}

impl fmt::Display for ReadFrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadFrameError::Io(e) => write!(f, "reading a frame: {e}"),
            ReadFrameError::Decode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadFrameError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadFrameError::Io(e) => Some(e),
            ReadFrameError::Decode(e) => Some(e),
        }
    }
}

impl From<io::Error> for ReadFrameError {
    fn from(e: io::Error) -> Self {
        ReadFrameError::Io(e)
    }
}

/// Reads one frame from a blocking stream. `Ok(None)` is a clean end of stream (before the
/// first byte of a frame). An oversized length is reported before its body is read.
pub fn read_frame<R: Read + ?Sized>(
    reader: &mut R,
    max: usize,
) -> Result<Option<JsonObject>, ReadFrameError> {
    let mut prefix = [0u8; PREFIX];
    let mut got = 0;
    while got < PREFIX {
        match reader.read(&mut prefix[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(io::Error::from(io::ErrorKind::UnexpectedEof).into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = u32::from_be_bytes(prefix) as usize;
    if len > max {
        return Err(ReadFrameError::Decode(DecodeError::Oversized {
            len: len as u64,
            max,
        }));
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    decode_body(&body).map(Some).map_err(ReadFrameError::Decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut out = (body.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn encodes_length_prefix_big_endian() {
        let ping = crate::ClientMessage::Ping(crate::Ping { seq: 1 });
        let bytes = encode_frame(&ping).unwrap();
        assert_eq!(&bytes[..4], &[0, 0, 0, 23]);
        assert_eq!(&bytes[4..], br#"{"type":"ping","seq":1}"#.as_slice());
    }

    #[test]
    fn decodes_two_frames_from_one_push() {
        let mut bytes = frame(br#"{"a":1}"#);
        bytes.extend(frame(br#"{"b":"x"}"#));
        let mut dec = FrameDecoder::new();
        dec.push(&bytes);
        assert_eq!(dec.next_frame().unwrap().unwrap()["a"], 1);
        assert_eq!(dec.next_frame().unwrap().unwrap()["b"], "x");
        assert_eq!(dec.next_frame().unwrap(), None);
        assert_eq!(dec.buffered(), 0);
    }

    /// A burst of small frames in one push, and a big frame fed one byte at a time: the bytes
    /// the decoder copies stay within a small multiple of the bytes received (moving the rest
    /// of the buffer per frame copied about 10^9 bytes for the burst below).
    #[test]
    fn decoding_work_is_linear_in_the_bytes_received() {
        let small = frame(br#"{"type":"ping","seq":1}"#);
        let burst: Vec<u8> = small
            .iter()
            .copied()
            .cycle()
            .take(small.len() * 20_000)
            .collect();
        let mut dec = FrameDecoder::new();
        dec.push(&burst);
        let mut frames = 0;
        while dec.next_frame().unwrap().is_some() {
            frames += 1;
        }
        dec.push(&small);
        assert!(dec.next_frame().unwrap().is_some());
        assert_eq!(frames, 20_000);
        assert!(dec.moved <= 2 * small.len(), "moved {} bytes", dec.moved);

        let mut body = br#"{"s":""#.to_vec();
        body.resize(200_000, b'a');
        body.extend_from_slice(br#""}"#);
        let mut stream = frame(&body);
        stream.extend(frame(br#"{"b":1}"#));
        let mut dec = FrameDecoder::new();
        let mut got = Vec::new();
        for byte in &stream {
            dec.push(std::slice::from_ref(byte));
            while let Some(f) = dec.next_frame().unwrap() {
                got.push(f);
            }
        }
        assert_eq!(got.len(), 2);
        assert_eq!(got[1]["b"], 1);
        assert!(dec.moved <= 2 * stream.len(), "moved {} bytes", dec.moved);
        assert_eq!(dec.buffered(), 0);
    }

    #[test]
    fn bad_frames_are_logged_logarithmically_and_a_run_closes() {
        let mut bad = BadFrames::new(8);
        let mut logged = 0;
        for i in 0..1000 {
            let verdict = bad.record();
            assert!(
                !verdict.close,
                "closed after {i} bad frames between good ones"
            );
            logged += usize::from(verdict.log);
            bad.good();
        }
        assert_eq!(bad.total(), 1000);
        assert_eq!(logged, 10);
        let verdicts: Vec<_> = (0..8).map(|_| bad.record().close).collect();
        assert_eq!(
            verdicts,
            [false, false, false, false, false, false, false, true]
        );
    }

    #[test]
    fn oversized_is_reported_from_the_prefix_alone_and_is_fatal() {
        let mut dec = FrameDecoder::new();
        dec.push(&(MAX_FRAME as u32 + 1).to_be_bytes());
        let err = dec.next_frame().unwrap_err();
        assert_eq!(
            err,
            DecodeError::Oversized {
                len: MAX_FRAME as u64 + 1,
                max: MAX_FRAME
            }
        );
        assert!(err.is_fatal());
        dec.push(&frame(b"{}"));
        assert_eq!(dec.next_frame().unwrap_err(), err);
        assert!(dec.is_poisoned());
    }

    #[test]
    fn exactly_max_is_accepted() {
        let mut body = br#"{"s":""#.to_vec();
        body.resize(MAX_FRAME - 2, b'a');
        body.extend_from_slice(br#""}"#);
        assert_eq!(body.len(), MAX_FRAME);
        let mut dec = FrameDecoder::new();
        dec.push(&frame(&body));
        assert!(dec.next_frame().unwrap().is_some());
    }

    #[test]
    fn bad_utf8_json_and_kind_are_typed_and_not_fatal() {
        let mut dec = FrameDecoder::new();
        dec.push(&frame(b"{\"a\":\"\xff\"}"));
        dec.push(&frame(b"{\"a\":"));
        dec.push(&frame(b""));
        dec.push(&frame(b"[1,2]"));
        dec.push(&frame(b"{}"));
        assert_eq!(
            dec.next_frame().unwrap_err(),
            DecodeError::BadUtf8 { valid_up_to: 6 }
        );
        let err = dec.next_frame().unwrap_err();
        assert!(matches!(
            err,
            DecodeError::BadJson {
                reason: "unexpected end of input",
                ..
            }
        ));
        assert!(!err.is_fatal());
        assert!(matches!(
            dec.next_frame().unwrap_err(),
            DecodeError::BadJson { .. }
        ));
        assert_eq!(
            dec.next_frame().unwrap_err(),
            DecodeError::NotAnObject { found: "array" }
        );
        assert_eq!(dec.next_frame().unwrap(), Some(JsonObject::new()));
    }

    #[test]
    fn messages_do_not_quote_content() {
        let mut dec = FrameDecoder::new();
        dec.push(&frame(br#"{"openid": oSECRET}"#));
        let msg = dec.next_frame().unwrap_err().to_string();
        assert!(!msg.contains("SECRET"), "{msg}");
    }

    #[test]
    fn encode_refuses_non_objects_and_oversized() {
        assert!(matches!(
            encode_frame(&[1, 2]),
            Err(EncodeError::NotAnObject)
        ));
        let big = serde_json::json!({ "s": "x".repeat(MAX_FRAME) });
        assert!(matches!(
            encode_frame(&big),
            Err(EncodeError::Oversized { .. })
        ));
    }

    #[test]
    fn blocking_helpers_round_trip() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &serde_json::json!({"x": [1, "y"]})).unwrap();
        write_frame(&mut wire, &serde_json::json!({})).unwrap();
        let mut r = wire.as_slice();
        assert_eq!(read_frame(&mut r, MAX_FRAME).unwrap().unwrap()["x"][1], "y");
        assert_eq!(
            read_frame(&mut r, MAX_FRAME).unwrap(),
            Some(JsonObject::new())
        );
        assert!(read_frame(&mut r, MAX_FRAME).unwrap().is_none());
    }

    #[test]
    fn blocking_read_reports_truncation_and_oversize() {
        let mut r: &[u8] = &[0, 0];
        let err = read_frame(&mut r, MAX_FRAME).unwrap_err();
        assert!(matches!(err, ReadFrameError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof));
        let mut r: &[u8] = &[0xff, 0xff, 0xff, 0xff];
        let err = read_frame(&mut r, MAX_FRAME).unwrap_err();
        assert!(matches!(
            err,
            ReadFrameError::Decode(DecodeError::Oversized { .. })
        ));
    }
}
