//! Pairing: the kiosk and its bridge share a 32-byte secret, provisioned when the bridge is
//! installed, and each proves it knows the secret in the handshake without sending it.
//!
//! Both proofs are HMAC-SHA256 under the [`PairingKey`] of one [`Transcript`] (both fresh
//! [`Nonce`]s, the protocol version and the device serial the bridge announced), labelled with
//! the [`Role`] of the side that proves. The nonces make every proof good for one connection
//! only; the role keeps the bridge's proof from being reflected back as the kiosk's.

use std::fmt;

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of the pairing key, of a nonce and of a proof, in bytes.
pub const PAIRING_BYTES: usize = 32;

/// The secret a kiosk and its bridge share. Its `Debug` never shows it; it is wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PairingKey([u8; PAIRING_BYTES]);

/// Why a pairing key's text was refused. Never quotes the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormatError {
    /// Neither 64 hex digits nor base64 of 32 bytes.
    NotHexOrBase64,
    /// Decodes, but to this many bytes instead of 32.
    WrongLength(usize),
}

impl fmt::Display for KeyFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyFormatError::NotHexOrBase64 => {
                f.write_str("must hold 32 bytes written as 64 hex digits or as base64")
            }
            KeyFormatError::WrongLength(n) => {
                write!(f, "must hold 32 bytes, holds {n} (64 hex digits or base64)")
            }
        }
    }
}

impl std::error::Error for KeyFormatError {}

impl PairingKey {
    /// A new random key (from the operating system's generator).
    pub fn generate() -> PairingKey {
        let mut key = PairingKey([0; PAIRING_BYTES]);
        rand::fill(&mut key.0[..]);
        key
    }

    /// A key from its bytes (tests, and callers that decoded it themselves).
    pub fn from_bytes(bytes: [u8; PAIRING_BYTES]) -> PairingKey {
        PairingKey(bytes)
    }

    /// Reads a key written as 64 hex digits or as base64 (padded or not); surrounding
    /// whitespace is ignored. The caller wipes `text`.
    pub fn parse(text: &str) -> Result<PairingKey, KeyFormatError> {
        let text = text.trim();
        let mut bytes = Zeroizing::new(Vec::new());
        if text.len() == 2 * PAIRING_BYTES && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            *bytes = hex::decode(text).map_err(|_| KeyFormatError::NotHexOrBase64)?;
        } else {
            let engine = base64::engine::general_purpose::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            *bytes = engine
                .decode(text)
                .map_err(|_| KeyFormatError::NotHexOrBase64)?;
        }
        let array: [u8; PAIRING_BYTES] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyFormatError::WrongLength(bytes.len()))?;
        Ok(PairingKey(array))
    }

    /// The key as 64 lowercase hex digits, for the key file and the bridge's provisioning;
    /// wiped when dropped.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0))
    }

    /// This side's proof over `transcript`.
    pub fn prove(&self, role: Role, transcript: &Transcript) -> Proof {
        Proof(self.mac(role, transcript).finalize().into_bytes().into())
    }

    /// Checks the peer's proof in constant time.
    pub fn verify(
        &self,
        role: Role,
        transcript: &Transcript,
        proof: &Proof,
    ) -> Result<(), BadProof> {
        self.mac(role, transcript)
            .verify_slice(&proof.0)
            .map_err(|_| BadProof)
    }

    fn mac(&self, role: Role, transcript: &Transcript) -> Hmac<Sha256> {
        // new_from_slice accepts any length for HMAC; 32 bytes cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(&transcript.bytes(role));
        mac
    }
}

impl fmt::Debug for PairingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PairingKey(…)")
    }
}

/// Constant time, so that comparing keys (in settings) says nothing about them.
impl PartialEq for PairingKey {
    fn eq(&self, other: &Self) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl Eq for PairingKey {}

/// Which side a proof is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The client's proof, in its hello.
    Kiosk,
    /// The server's proof, in `paired`.
    Bridge,
}

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::Kiosk => "kiosk",
            Role::Bridge => "bridge",
        }
    }
}

/// A proof did not verify: the peer holds another key (or none), or replays an old proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadProof;

impl fmt::Display for BadProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the pairing proof does not verify")
    }
}

impl std::error::Error for BadProof {}

/// What both proofs of one connection are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// The protocol version both sides speak.
    pub proto: u32,
    /// The server's nonce, from its hello.
    pub server_nonce: Nonce,
    /// The client's nonce, from its hello.
    pub client_nonce: Nonce,
    /// The device serial the server's hello announced.
    pub serial: String,
}

impl Transcript {
    /// Each field is named and length-prefixed, so that no two transcripts share bytes.
    fn bytes(&self, role: Role) -> Vec<u8> {
        let mut out = b"facekiosk-bridge pairing proof".to_vec();
        let mut field = |name: &str, value: &[u8]| {
            out.push(0);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&(value.len() as u32).to_be_bytes());
            out.extend_from_slice(value);
        };
        field("role", role.label().as_bytes());
        field("proto", &self.proto.to_be_bytes());
        field("server_nonce", &self.server_nonce.0);
        field("client_nonce", &self.client_nonce.0);
        field("serial", self.serial.as_bytes());
        out
    }
}

/// 32 random bytes, fresh for every connection on each side; 64 hex digits on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Nonce(pub [u8; PAIRING_BYTES]);

impl Nonce {
    /// A fresh nonce.
    pub fn random() -> Nonce {
        let mut n = Nonce([0; PAIRING_BYTES]);
        rand::fill(&mut n.0[..]);
        n
    }
}

/// An HMAC-SHA256 proof; 64 hex digits on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Proof(pub [u8; PAIRING_BYTES]);

macro_rules! hex_bytes {
    ($t:ident) => {
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($t), hex::encode(self.0))
            }
        }

        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&hex::encode(self.0))
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                decode_hex32(&text).map($t).ok_or_else(|| {
                    serde::de::Error::custom(concat!(
                        "a ",
                        stringify!($t),
                        " must be 64 hex digits"
                    ))
                })
            }
        }
    };
}

hex_bytes!(Nonce);
hex_bytes!(Proof);

/// 64 hex digits (either case) to 32 bytes.
pub(crate) fn decode_hex32(text: &str) -> Option<[u8; PAIRING_BYTES]> {
    if text.len() != 2 * PAIRING_BYTES {
        return None;
    }
    let mut out = [0u8; PAIRING_BYTES];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript() -> Transcript {
        Transcript {
            proto: 2,
            server_nonce: Nonce([1; 32]),
            client_nonce: Nonce([2; 32]),
            serial: "S1".into(),
        }
    }

    #[test]
    fn a_proof_verifies_under_the_same_key_role_and_transcript_only() {
        let key = PairingKey::from_bytes([7; 32]);
        let proof = key.prove(Role::Kiosk, &transcript());
        assert_eq!(key.verify(Role::Kiosk, &transcript(), &proof), Ok(()));
        let other = PairingKey::from_bytes([8; 32]);
        assert_eq!(
            other.verify(Role::Kiosk, &transcript(), &proof),
            Err(BadProof)
        );
        assert_eq!(
            key.verify(Role::Bridge, &transcript(), &proof),
            Err(BadProof)
        );
        let mut fresh = transcript();
        fresh.server_nonce = Nonce([3; 32]);
        assert_eq!(key.verify(Role::Kiosk, &fresh, &proof), Err(BadProof));
        let mut moved = transcript();
        moved.serial = "S2".into();
        assert_eq!(key.verify(Role::Kiosk, &moved, &proof), Err(BadProof));
    }

    #[test]
    fn keys_are_read_as_hex_or_base64_and_never_shown() {
        let key = PairingKey::from_bytes([0xab; 32]);
        let hex_text = key.to_hex();
        assert_eq!(
            PairingKey::parse(&format!(" {}\n", *hex_text)),
            Ok(key.clone())
        );
        let b64 = base64::engine::general_purpose::STANDARD.encode([0xab; 32]);
        assert_eq!(PairingKey::parse(&b64), Ok(key.clone()));
        assert_eq!(
            PairingKey::parse(b64.trim_end_matches('=')),
            Ok(key.clone())
        );
        assert_eq!(
            PairingKey::parse("abcd"),
            Err(KeyFormatError::WrongLength(3))
        );
        assert_eq!(
            PairingKey::parse("not a key!"),
            Err(KeyFormatError::NotHexOrBase64)
        );
        let shown = format!("{key:?}");
        assert!(!shown.contains("ab") && !shown.contains("AB"), "{shown}");
    }

    #[test]
    fn nonces_travel_as_hex_and_bad_hex_is_refused_without_quoting_it() {
        let n = Nonce([0x5a; 32]);
        let text = serde_json::to_string(&n).unwrap();
        assert_eq!(text, format!("\"{}\"", "5a".repeat(32)));
        assert_eq!(serde_json::from_str::<Nonce>(&text).unwrap(), n);
        let err = serde_json::from_str::<Proof>("\"zz\"")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("64 hex digits") && !err.contains("zz"),
            "{err}"
        );
    }
}
