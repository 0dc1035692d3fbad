//! X.509 certificates: the merchant API certificate (whose serial goes into every APIv3
//! Authorization header) and WeChat Pay platform certificates (which verify responses).

use std::time::SystemTime;

use x509_cert::der::{DecodePem, Encode};

use super::keys::{KeyError, PublicKey, read};

#[derive(Debug, Clone)]
pub struct Certificate {
    /// Uppercase hex, as WeChat prints serials (never decimal).
    pub serial: String,
    pub subject: String,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    pub public_key: PublicKey,
}

impl Certificate {
    pub fn from_pem(what: &str, pem: &str) -> Result<Self, KeyError> {
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(KeyError::NotPem {
                what: what.to_owned(),
                expected: "CERTIFICATE",
            });
        }
        let invalid = |e: &dyn std::fmt::Display| KeyError::Invalid {
            what: what.to_owned(),
            reason: e.to_string(),
        };
        let cert = x509_cert::Certificate::from_pem(pem.trim()).map_err(|e| invalid(&e))?;
        let tbs = cert.tbs_certificate();
        let spki = tbs
            .subject_public_key_info()
            .to_der()
            .map_err(|e| invalid(&e))?;
        Ok(Self {
            serial: hex::encode_upper(strip_sign_byte(tbs.serial_number().as_bytes())),
            subject: tbs.subject().to_string(),
            not_before: tbs.validity().not_before.to_system_time(),
            not_after: tbs.validity().not_after.to_system_time(),
            public_key: PublicKey::from_spki_der(what, &spki)?,
        })
    }

    pub fn from_file(path: &std::path::Path) -> Result<Self, KeyError> {
        Self::from_pem(&path.display().to_string(), &read(path)?)
    }

    pub fn is_valid_at(&self, at: SystemTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// Refuses, naming `what` (the file) and the dates, a certificate not valid `at`.
    pub fn check_valid_at(&self, what: &str, at: SystemTime) -> Result<(), KeyError> {
        if self.is_valid_at(at) {
            return Ok(());
        }
        Err(KeyError::OutOfValidity {
            what: what.to_owned(),
            not_before: show(self.not_before),
            not_after: show(self.not_after),
            now: show(at),
        })
    }
}

/// A date for a message. httpdate panics outside 1970..=9999; a certificate can say 1950.
fn show(t: SystemTime) -> String {
    let year_10000 = std::time::UNIX_EPOCH + std::time::Duration::from_secs(253_402_300_800);
    if t < std::time::UNIX_EPOCH {
        "before 1970".into()
    } else if t >= year_10000 {
        "after 9999".into()
    } else {
        httpdate::fmt_http_date(t)
    }
}

/// DER integers carry a leading zero byte when the high bit is set; WeChat's serials don't.
fn strip_sign_byte(bytes: &[u8]) -> &[u8] {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => bytes,
    }
}
