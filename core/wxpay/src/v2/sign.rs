//! The APIv2 signature, exactly as WeChat computes it: fields with a non-empty value except
//! `sign`, sorted by name in ASCII order, joined as `k=v&...` with raw (not URL-encoded)
//! values, then `&key=KEY`; MD5 or HMAC-SHA256 (keyed with the same key, over the same string
//! including `&key=`), uppercase hex. `sign_type` is an ordinary field and is signed too.

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;
use thiserror::Error;

use facekiosk_pii::Secret;

/// An APIv2 message: field name -> value. A `BTreeMap` keeps names in the ASCII order the
/// signature needs.
pub type Fields = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignType {
    #[default]
    Md5,
    HmacSha256,
}

impl SignType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::HmacSha256 => "HMAC-SHA256",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "MD5" => Some(Self::Md5),
            "HMAC-SHA256" => Some(Self::HmacSha256),
            _ => None,
        }
    }

    /// How many hex digits a signature of this type has.
    pub fn sign_len(self) -> usize {
        match self {
            Self::Md5 => 32,
            Self::HmacSha256 => 64,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    #[error("the message has no `sign` field")]
    Missing,
    #[error(
        "`sign` is {got} characters long, not the {want} of a {expected} signature (keys.apiv2_sign_type)"
    )]
    WrongLength {
        got: usize,
        want: usize,
        expected: &'static str,
    },
    #[error("`sign` does not match the message signed with our APIv2 key ({0})")]
    Mismatch(&'static str),
}

/// The string WeChat signs, before `&key=` is appended. Technicians compare it with theirs.
pub fn string_to_sign(fields: &Fields) -> String {
    let mut out = String::new();
    for (name, value) in fields {
        if name == "sign" || value.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

pub fn sign(fields: &Fields, key: &Secret, sign_type: SignType) -> String {
    let mut message = string_to_sign(fields);
    message.push_str("&key=");
    message.push_str(key.expose());
    let digest = match sign_type {
        SignType::Md5 => hex::encode_upper(Md5::digest(message.as_bytes())),
        SignType::HmacSha256 => {
            let mut mac = Hmac::<Sha256>::new_from_slice(key.expose().as_bytes())
                .expect("HMAC accepts keys of any length");
            mac.update(message.as_bytes());
            hex::encode_upper(mac.finalize().into_bytes())
        }
    };
    zeroize::Zeroize::zeroize(&mut message);
    digest
}

/// Verifies the `sign` of a received message with the sign type we configured, keeping
/// unknown fields (WeChat adds fields over time and signs them). The type is never inferred
/// from the signature: whoever could make a 32-digit `sign` would otherwise choose MD5 for us.
pub fn verify(fields: &Fields, key: &Secret, sign_type: SignType) -> Result<(), SignError> {
    let received = fields.get("sign").ok_or(SignError::Missing)?;
    if received.len() != sign_type.sign_len() {
        return Err(SignError::WrongLength {
            got: received.len(),
            want: sign_type.sign_len(),
            expected: sign_type.as_str(),
        });
    }
    if sign(fields, key, sign_type).eq_ignore_ascii_case(received) {
        Ok(())
    } else {
        Err(SignError::Mismatch(sign_type.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official() -> Fields {
        [
            ("appid", "wxd930ea5d5a258f4f"),
            ("mch_id", "10000100"),
            ("device_info", "1000"),
            ("body", "test"),
            ("nonce_str", "ibuaiVcKdpRxkhJA"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    const KEY: &str = "192006250b4c09247ec02edce69f6a2d";

    #[test]
    fn official_example_reproduces() {
        let fields = official();
        assert_eq!(
            string_to_sign(&fields),
            "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA"
        );
        let key = Secret::new(KEY);
        assert_eq!(
            sign(&fields, &key, SignType::Md5),
            "9A0A8659F005D6984697E2CA0A9CF3B7"
        );
        assert_eq!(
            sign(&fields, &key, SignType::HmacSha256),
            "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"
        );
    }

    #[test]
    fn empty_values_and_sign_are_skipped_sign_type_is_not() {
        let mut fields = official();
        fields.insert("attach".into(), String::new());
        fields.insert("sign".into(), "whatever".into());
        assert!(!string_to_sign(&fields).contains("attach"));
        assert!(!string_to_sign(&fields).contains("whatever"));
        fields.insert("sign_type".into(), "MD5".into());
        assert!(string_to_sign(&fields).ends_with("&sign_type=MD5"));
    }

    #[test]
    fn verify_catches_tampering() {
        let key = Secret::new(KEY);
        for t in [SignType::Md5, SignType::HmacSha256] {
            let mut fields = official();
            fields.insert("sign".into(), sign(&fields, &key, t));
            assert_eq!(verify(&fields, &key, t), Ok(()));
            fields.insert("body".into(), "test2".into());
            assert_eq!(
                verify(&fields, &key, t),
                Err(SignError::Mismatch(t.as_str()))
            );
        }
        let mut fields = official();
        assert_eq!(
            verify(&fields, &key, SignType::Md5),
            Err(SignError::Missing)
        );
        fields.insert("sign".into(), "ABC".into());
        assert!(matches!(
            verify(&fields, &key, SignType::Md5),
            Err(SignError::WrongLength { got: 3, .. })
        ));
    }

    #[test]
    fn verify_uses_the_configured_type_never_the_signature_length() {
        let key = Secret::new(KEY);
        let mut fields = official();
        fields.insert("sign".into(), sign(&fields, &key, SignType::Md5));
        let err = verify(&fields, &key, SignType::HmacSha256).unwrap_err();
        assert!(err.to_string().contains("`sign`"), "{err}");
        assert!(err.to_string().contains("HMAC-SHA256"), "{err}");
        let mut fields = official();
        fields.insert("sign".into(), sign(&fields, &key, SignType::HmacSha256));
        assert!(verify(&fields, &key, SignType::Md5).is_err());
    }
}
