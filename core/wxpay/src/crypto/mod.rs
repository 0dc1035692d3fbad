//! RSA keys and operations WeChat Pay needs: SHA256withRSA signatures (APIv3 requests and
//! responses) and decryption of the facemch fields (PKCS#1 v1.5, or OAEP-SHA1).

mod certificate;
mod keys;
mod native;
mod padding;
mod rsa_ops;

pub use certificate::Certificate;
pub use keys::{KeyError, PrivateKey, PublicKey, read_secret_file};
pub use padding::Padding;
pub use rsa_ops::DecryptError;
