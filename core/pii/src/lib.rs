//! facekiosk-pii: the personal data and secrets the kiosk handles, as types that keep them safe.
//!
//! A leaf: it knows nothing of WeChat, the terminal or the kiosk. Every type here zeroizes its
//! memory on drop, and its `Debug` and `Display` print a masked or redacted form, so a value can
//! only reach a log line, an error message or the screen through an explicit, reviewable call.
//!
//! - [`identity`]: the decrypted identity (name, credential number, phone), validated and masked;
//!   [`WechatId`] (openid, unionid).
//! - [`FaceSid`]: the face session id the face app returns.
//! - [`Secret`]: keys, tokens and passwords that never print.
//! - [`secret_file`]: files that hold a secret, owner-only from their first byte.

pub mod face_sid;
pub mod identity;
pub mod secret;
pub mod secret_file;

pub use face_sid::FaceSid;
pub use identity::{Identity, WechatId};
pub use secret::Secret;
