//! facekiosk-wxpay: WeChat Pay for face real-name: the two protocols the flow speaks, and the
//! client that runs them over HTTPS; the keys, the facemch decryption and the authinfo cache.
//! It knows nothing of a kiosk: a [`WxpaySettings`] is all it is configured with.

pub mod authinfo;
pub mod authinfo_cache;
pub mod client;
pub mod clock;
pub mod crypto;
pub mod error;
pub mod facemch;
pub mod http;
pub mod replay;
pub mod settings;
pub mod v2;
pub mod v3;

pub use client::WxpayClient;
pub use clock::ClockOffset;
pub use error::{Endpoint, WechatErrorKind, WxpayError};
pub use facemch::InfoType;
pub use settings::WxpaySettings;

/// A random `nonce_str`: 32 letters and digits, as WeChat's own SDKs make them.
pub fn nonce() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

/// Seconds since the Unix epoch on this machine's clock.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
