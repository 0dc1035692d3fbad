//! APIv3 response verification from raw header values. Input: four lines
//! (Wechatpay-Timestamp, -Nonce, -Signature, -Serial), then the raw body. The verifier holds
//! the test fixtures' WeChat Pay public key and platform certificate (core/wxpay/tests/fixtures),
//! the certificate valid at `NOW`.
#![no_main]

use std::sync::LazyLock;

use facekiosk_wxpay::crypto::{Certificate, PublicKey};
use facekiosk_wxpay::v3::{SignedHeaders, Verifier};
use libfuzzer_sys::fuzz_target;

const PUB_KEY_ID: &str = "PUB_KEY_ID_0119000001092025112400000000000001";
/// The fixtures' responses are signed at 1763971300..=1763971305.
const NOW: i64 = 1_763_971_400;

static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| {
    let mut v = Verifier::new();
    let key = include_str!("../../core/wxpay/tests/fixtures/wechatpay_pub_key.pem");
    v.add_public_key(PUB_KEY_ID, PublicKey::from_pem("fixture", key).unwrap());
    let cert = include_str!("../../core/wxpay/tests/fixtures/platform_cert.pem");
    v.add_certificate(&Certificate::from_pem("fixture", cert).unwrap());
    v
});

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(5, |&b| b == b'\n');
    let mut header = || parts.next().and_then(|p| std::str::from_utf8(p).ok());
    let values = [header(), header(), header(), header()];
    let body = parts.next().unwrap_or_default();
    let get = |name: &str| {
        let i = [
            "Wechatpay-Timestamp",
            "Wechatpay-Nonce",
            "Wechatpay-Signature",
            "Wechatpay-Serial",
        ]
        .iter()
        .position(|n| *n == name)?;
        values[i]
    };
    let Ok(headers) = SignedHeaders::read(get) else {
        return;
    };
    let _ = VERIFIER
        .verify(&headers, body, NOW)
        .map_err(|e| e.to_string());
    // Whatever the sender's timestamp, no clock of ours makes the arithmetic overflow.
    for now in [i64::MIN, -1, i64::MAX] {
        let _ = VERIFIER.verify(&headers, body, now);
    }
});
