//! Verifying APIv3 responses before anything in them is trusted: the signature over
//! `TIMESTAMP\nNONCE\nBODY\n` with the key that `Wechatpay-Serial` names (a WeChat Pay public
//! key `PUB_KEY_ID_...` or a platform certificate), and a timestamp within five minutes.

use std::collections::BTreeMap;

use thiserror::Error;

use super::sign::response_message;
use crate::crypto::{Certificate, PublicKey};

/// WeChat's and the official SDKs' bound: |now - Wechatpay-Timestamp| must stay below this.
pub const MAX_SKEW_SECS: i64 = 300;

pub const HEADER_TIMESTAMP: &str = "Wechatpay-Timestamp";
pub const HEADER_NONCE: &str = "Wechatpay-Nonce";
pub const HEADER_SIGNATURE: &str = "Wechatpay-Signature";
pub const HEADER_SERIAL: &str = "Wechatpay-Serial";

/// The signature headers of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub timestamp: String,
    pub nonce: String,
    pub signature: String,
    pub serial: String,
}

impl SignedHeaders {
    /// Reads the four headers through `get`, naming the first that is missing.
    pub fn read<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, VerifyError> {
        let need = |name: &'static str| {
            get(name)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or(VerifyError::Missing(name))
        };
        Ok(Self {
            timestamp: need(HEADER_TIMESTAMP)?,
            nonce: need(HEADER_NONCE)?,
            signature: need(HEADER_SIGNATURE)?,
            serial: need(HEADER_SERIAL)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error("the response is not signed: header {0} is missing")]
    Missing(&'static str),
    #[error("the response's Wechatpay-Timestamp is not a number of seconds")]
    Timestamp,
    #[error(
        "the response was signed {skew_secs} s away from our clock (the limit is {MAX_SKEW_SECS} s)"
    )]
    Skew { skew_secs: i64 },
    #[error("the response is signed with key `{got}`, which we do not know (we know: {known})")]
    UnknownSerial { got: String, known: String },
    #[error("the response signature does not verify with key `{serial}`")]
    BadSignature { serial: String },
}

/// Where a verifying key came from, for diagnostics ("which key verified the last response").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    WechatpayPublicKey,
    PlatformCertificate,
}

#[derive(Debug, Clone, Default)]
pub struct Verifier {
    keys: BTreeMap<String, (KeySource, PublicKey)>,
}

impl Verifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// A WeChat Pay public key and its id (`PUB_KEY_ID_...`), the mode of merchants since 2024.
    pub fn add_public_key(&mut self, id: impl Into<String>, key: PublicKey) {
        self.keys
            .insert(id.into(), (KeySource::WechatpayPublicKey, key));
    }

    pub fn add_certificate(&mut self, cert: &Certificate) {
        self.keys.insert(
            cert.serial.clone(),
            (KeySource::PlatformCertificate, cert.public_key.clone()),
        );
    }

    pub fn serials(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The serial to send as `Wechatpay-Serial` so WeChat signs with a key we hold: the
    /// public key when we have one (WeChat's recommended mode), else a platform certificate.
    pub fn preferred_serial(&self) -> Option<&str> {
        self.keys
            .iter()
            .find(|(_, (source, _))| *source == KeySource::WechatpayPublicKey)
            .or_else(|| self.keys.iter().next_back())
            .map(|(serial, _)| serial.as_str())
    }

    /// Verifies one response. `now` is our clock in Unix seconds.
    pub fn verify(
        &self,
        headers: &SignedHeaders,
        body: &[u8],
        now: i64,
    ) -> Result<KeySource, VerifyError> {
        let ts: i64 = headers
            .timestamp
            .parse()
            .ok()
            .filter(|_| headers.timestamp.len() <= 10)
            .ok_or(VerifyError::Timestamp)?;
        let skew_secs = now - ts;
        if skew_secs.abs() >= MAX_SKEW_SECS {
            return Err(VerifyError::Skew { skew_secs });
        }
        let (source, key) =
            self.keys
                .get(&headers.serial)
                .ok_or_else(|| VerifyError::UnknownSerial {
                    got: headers.serial.chars().take(64).collect(),
                    known: self.serials().collect::<Vec<_>>().join(", "),
                })?;
        let message = response_message(&headers.timestamp, &headers.nonce, body);
        if key.verify_sha256(&message, &headers.signature) {
            Ok(*source)
        } else {
            Err(VerifyError::BadSignature {
                serial: headers.serial.clone(),
            })
        }
    }
}
