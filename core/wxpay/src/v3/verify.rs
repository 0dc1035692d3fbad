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
    #[error(
        "the response is signed with platform certificate `{serial}`, which is not valid now (check the certificate and this kiosk's clock)"
    )]
    OutOfValidity { serial: String },
    #[error(
        "the response repeats one already accepted (same signature and nonce): replayed by something between us and WeChat; check the proxy"
    )]
    Replayed,
}

/// Where a verifying key came from, for diagnostics ("which key verified the last response").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    WechatpayPublicKey,
    PlatformCertificate,
}

/// A verifying key, with a platform certificate's validity in Unix seconds.
#[derive(Debug, Clone)]
struct Known {
    source: KeySource,
    key: PublicKey,
    valid: Option<(i64, i64)>,
}

#[derive(Debug, Clone, Default)]
pub struct Verifier {
    keys: BTreeMap<String, Known>,
}

fn unix_secs(t: std::time::SystemTime) -> i64 {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

impl Verifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// A WeChat Pay public key and its id (`PUB_KEY_ID_...`), the mode of merchants since 2024.
    pub fn add_public_key(&mut self, id: impl Into<String>, key: PublicKey) {
        let known = Known {
            source: KeySource::WechatpayPublicKey,
            key,
            valid: None,
        };
        self.keys.insert(id.into(), known);
    }

    /// A platform certificate: its key verifies only between its notBefore and notAfter, by
    /// the clock `verify` is given (a retired certificate's key may have leaked since).
    pub fn add_certificate(&mut self, cert: &Certificate) {
        let known = Known {
            source: KeySource::PlatformCertificate,
            key: cert.public_key.clone(),
            valid: Some((unix_secs(cert.not_before), unix_secs(cert.not_after))),
        };
        self.keys.insert(cert.serial.clone(), known);
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
            .find(|(_, known)| known.source == KeySource::WechatpayPublicKey)
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
        // `now` is the caller's and `ts` the sender's: neither may overflow the subtraction.
        let skew_secs = now.saturating_sub(ts);
        if skew_secs.unsigned_abs() >= MAX_SKEW_SECS.unsigned_abs() {
            return Err(VerifyError::Skew { skew_secs });
        }
        let known = self
            .keys
            .get(&headers.serial)
            .ok_or_else(|| VerifyError::UnknownSerial {
                got: headers.serial.chars().take(64).collect(),
                known: self.serials().collect::<Vec<_>>().join(", "),
            })?;
        if let Some((not_before, not_after)) = known.valid
            && !(not_before..=not_after).contains(&now)
        {
            return Err(VerifyError::OutOfValidity {
                serial: headers.serial.clone(),
            });
        }
        let message = response_message(&headers.timestamp, &headers.nonce, body);
        if known.key.verify_sha256(&message, &headers.signature) {
            Ok(known.source)
        } else {
            Err(VerifyError::BadSignature {
                serial: headers.serial.clone(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(timestamp: &str) -> SignedHeaders {
        SignedHeaders {
            timestamp: timestamp.into(),
            nonce: "n".into(),
            signature: "c2ln".into(),
            serial: "PUB_KEY_ID_X".into(),
        }
    }

    #[test]
    fn absurd_timestamps_and_clocks_are_skew_not_a_panic() {
        let v = Verifier::new();
        for (ts, now) in [
            ("-999999999", i64::MAX),
            ("9999999999", i64::MIN),
            ("0", i64::MIN),
            ("-1", i64::MAX),
        ] {
            assert!(
                matches!(
                    v.verify(&headers(ts), b"{}", now),
                    Err(VerifyError::Skew { .. })
                ),
                "{ts} at {now}"
            );
        }
        for ts in ["18446744073709551615", "99999999999", "", "1e9", " 1"] {
            assert_eq!(
                v.verify(&headers(ts), b"{}", 0),
                Err(VerifyError::Timestamp),
                "{ts}"
            );
        }
    }
}
