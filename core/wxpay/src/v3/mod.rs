//! WeChat Pay APIv3: RSA-signed JSON over HTTPS, used here by `/v3/facemch/users/{face_sid}`.

pub mod authorization;
pub mod error_body;
pub mod sign;
pub mod verify;

pub use authorization::Authorization;
pub use error_body::ErrorBody;
pub use sign::MerchantSigner;
pub use verify::{KeySource, SignedHeaders, Verifier, VerifyError};
