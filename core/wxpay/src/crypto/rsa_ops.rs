//! The three RSA operations of the protocol.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use thiserror::Error;
use zeroize::Zeroizing;

use super::keys::{PrivateKey, PublicKey};
use super::padding::Padding;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecryptError {
    #[error("is not valid base64")]
    Base64,
    #[error("is {got} bytes, not the {want} bytes of an RSA-{bits} ciphertext")]
    Length {
        got: usize,
        want: usize,
        bits: usize,
    },
    #[error("does not decrypt with this key and {0} padding")]
    Rejected(&'static str),
}

impl PrivateKey {
    /// SHA256withRSA (RSASSA-PKCS1-v1_5), base64: the APIv3 request signature.
    pub fn sign_sha256(&self, message: &[u8]) -> String {
        B64.encode(self.native.sign_sha256(message))
    }

    /// Decrypts one base64 field. The plaintext is wiped when dropped.
    ///
    /// Every ciphertext of the right length that does not decrypt (wrong key, wrong padding,
    /// any byte of the padding off) gives the same [`DecryptError::Rejected`], decided in
    /// constant time (see `native`); callers still validate what does decrypt, and do.
    pub fn decrypt_b64(
        &self,
        padding: Padding,
        ciphertext_b64: &str,
    ) -> Result<Zeroizing<Vec<u8>>, DecryptError> {
        let ciphertext = B64
            .decode(ciphertext_b64.trim())
            .map_err(|_| DecryptError::Base64)?;
        let want = self.bits() / 8;
        if ciphertext.len() != want {
            return Err(DecryptError::Length {
                got: ciphertext.len(),
                want,
                bits: self.bits(),
            });
        }
        self.native
            .decrypt(padding, &ciphertext)
            .ok_or(DecryptError::Rejected(padding.name()))
    }
}

impl PublicKey {
    /// Checks a base64 SHA256withRSA signature. Any malformation is simply "invalid".
    pub fn verify_sha256(&self, message: &[u8], signature_b64: &str) -> bool {
        let Ok(sig) = B64.decode(signature_b64.trim()) else {
            return false;
        };
        self.native.verify_sha256(message, &sig)
    }

    /// Encrypts for the holder of the private key (the sandbox encrypts facemch fields).
    pub fn encrypt_b64(&self, padding: Padding, plaintext: &[u8]) -> Result<String, DecryptError> {
        self.native
            .encrypt(padding, plaintext)
            .map(|c| B64.encode(c))
            .ok_or(DecryptError::Rejected(padding.name()))
    }
}
