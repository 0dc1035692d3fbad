//! facekiosk-testkit: what the workspace's test suites share, written once (a dev-dependency
//! only, never a normal one).
//!
//! - [`sdk`]: the scripted face SDK, [`ScriptedSdk`], behind the real bridge server (the
//!   terminal client's tests; the bridge's own tests use the same one from
//!   `facekiosk_bridge::testing`, which this re-exports).
//! - [`logs`]: every log line of the test binary, at every level, in one buffer
//!   ([`logs::capture`]), for the privacy tests.
//! - [`fixtures`]: the paths of the shared test fixtures (keys, certificates, vectors) in
//!   `core/wxpay/tests/fixtures`.
//!
//! ```
//! use facekiosk_testkit::sdk::{Act, ScriptedSdk, success};
//! use facekiosk_testkit::SdkMethod;
//!
//! let sdk = ScriptedSdk::with_canaries();
//! sdk.then(SdkMethod::GetWxpayAuth, Act::Never)
//!     .then(SdkMethod::GetWxpayAuth, Act::Reply(success()));
//! assert!(sdk.calls().is_empty());
//! ```

pub mod fixtures;
pub mod logs;

/// The scripted face SDK: `facekiosk_bridge::testing`.
pub use facekiosk_bridge::testing as sdk;

pub use facekiosk_bridge::SdkMethod;
pub use logs::Logs;
pub use sdk::ScriptedSdk;
