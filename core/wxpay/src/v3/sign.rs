//! APIv3 request signing: SHA256withRSA over `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n` with the
//! merchant API key, sent as `Authorization: WECHATPAY2-SHA256-RSA2048 ...`.

use std::fmt;

use super::authorization::Authorization;
use crate::crypto::PrivateKey;

/// The five-line message a request signature covers. `url` is the path plus `?query` exactly
/// as sent on the wire; the body line is empty for a GET.
pub fn request_message(method: &str, url: &str, timestamp: i64, nonce: &str, body: &str) -> String {
    format!("{method}\n{url}\n{timestamp}\n{nonce}\n{body}\n")
}

/// The three-line message a response signature covers, over the raw body bytes.
pub fn response_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    m.extend_from_slice(timestamp.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(nonce.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(body);
    m.push(b'\n');
    m
}

/// Signs requests as one merchant (or, in service-provider mode, as the service provider).
#[derive(Clone)]
pub struct MerchantSigner {
    pub mchid: String,
    /// Serial of the merchant API certificate, uppercase hex.
    pub serial: String,
    key: PrivateKey,
}

impl fmt::Debug for MerchantSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantSigner")
            .field("mchid", &self.mchid)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

impl MerchantSigner {
    pub fn new(mchid: impl Into<String>, serial: impl Into<String>, key: PrivateKey) -> Self {
        Self {
            mchid: mchid.into(),
            serial: serial.into(),
            key,
        }
    }

    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    pub fn authorization(
        &self,
        method: &str,
        url: &str,
        timestamp: i64,
        nonce: &str,
        body: &str,
    ) -> Authorization {
        let message = request_message(method, url, timestamp, nonce, body);
        Authorization {
            mchid: self.mchid.clone(),
            nonce_str: nonce.to_owned(),
            signature: self.key.sign_sha256(message.as_bytes()),
            timestamp: timestamp.to_string(),
            serial_no: self.serial.clone(),
        }
    }
}
