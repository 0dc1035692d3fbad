//! facekiosk-core: everything the kiosk knows, testable without a window.
//!
//! - [`config`]: the kiosk's TOML configuration, validated field by field.
//! - [`wxpay`]: WeChat Pay APIv2 (`get_wxpayface_authinfo`) and APIv3 (facemch).
//! - [`authinfo_cache`]: one authinfo per device scope, refreshed early, single-flight.
//! - [`crypto`]: RSA keys, certificates, signatures, facemch decryption.
//! - [`identity`]: the decrypted identity, validated, masked, wiped on drop.
//! - [`secret`]: secrets that never print.
//! - [`session`]: the patient session (state machine, records, consent), driving the rest.
//! - [`terminal`]: the face terminal (the WeChat face SDK behind the bridge, found through adb).

pub mod authinfo_cache;
pub mod config;
pub mod crypto;
pub mod identity;
pub mod secret;
pub mod session;
pub mod terminal;
pub mod wxpay;

pub use config::Config;
pub use identity::Identity;
pub use secret::Secret;
pub use wxpay::{WxpayClient, WxpayError};
