//! The shared test fixtures, by path: the keys, certificates and crypto vectors in
//! `core/wxpay/tests/fixtures` (see its README.md), which the wxpay tests, the technician
//! CLI's tests and the fuzz targets all read. The files stay where they are.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The merchant's API private key (PKCS#8 PEM).
pub const MERCHANT_KEY: &str = "merchant_key.pem";
/// The same key as PKCS#1 (`RSA PRIVATE KEY`).
pub const MERCHANT_KEY_PKCS1: &str = "merchant_key_pkcs1.pem";
/// The merchant's self-signed certificate (2025-01-01 to 2030-01-01, serial `merchant_serial`).
pub const MERCHANT_CERT: &str = "merchant_cert.pem";
/// The same key, certified 2019-01-01 to 2020-01-01 (serial `expired_serial`).
pub const EXPIRED_CERT: &str = "expired_cert.pem";
/// WeChat Pay's public key (public-key mode, id `wechatpay_public_key_id`).
pub const WECHATPAY_PUB_KEY: &str = "wechatpay_pub_key.pem";
/// Its private key, to sign responses as WeChat Pay does.
pub const WECHATPAY_KEY: &str = "wechatpay_key.pem";
/// The platform certificate (platform-certificate mode, serial `platform_serial`).
pub const PLATFORM_CERT: &str = "platform_cert.pem";
/// Its private key.
pub const PLATFORM_KEY: &str = "platform_key.pem";
/// An unrelated key, for negative tests.
pub const OTHER_KEY: &str = "other_key.pem";
/// The crypto vectors (`make_vectors.py`, cross-checked with the PyPI package `wechatpayv3`).
pub const VECTORS: &str = "vectors.json";

/// `core/wxpay/tests/fixtures`, absolute.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../wxpay/tests/fixtures")
}

/// The fixture `name` (e.g. [`MERCHANT_KEY`]).
pub fn path(name: &str) -> PathBuf {
    dir().join(name)
}

/// The text of the fixture `name`.
///
/// # Panics
///
/// When it cannot be read.
pub fn read(name: &str) -> String {
    let path = path(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the fixture {}: {e}", path.display()))
}

/// The crypto vectors, parsed.
///
/// # Panics
///
/// When they cannot be read or parsed.
pub fn vectors() -> Value {
    serde_json::from_str(&read(VECTORS)).expect("vectors.json is JSON")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_fixture_exists() {
        for name in [
            MERCHANT_KEY,
            MERCHANT_KEY_PKCS1,
            MERCHANT_CERT,
            WECHATPAY_PUB_KEY,
            WECHATPAY_KEY,
            PLATFORM_CERT,
            PLATFORM_KEY,
            EXPIRED_CERT,
            OTHER_KEY,
            VECTORS,
        ] {
            assert!(path(name).is_file(), "{name}");
        }
        assert!(vectors().is_object());
    }
}
