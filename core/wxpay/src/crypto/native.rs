//! The RSA operations, done by AWS-LC (`aws-lc-rs`): its assembly Montgomery arithmetic (with
//! CRT for the private key) signs and decrypts 2048-bit RSA about as fast as OpenSSL, where the
//! portable constant-time arithmetic of the `rsa` crate took eight to nine times as long, and
//! verifies in a fifth of the time (the kiosk pays one signature, one verification and up to
//! three decryptions per patient; the sandbox the mirror image). `rsa` keeps parsing and
//! writing the keys and building the sandbox's certificates.
//!
//! Padding oracles: AWS-LC blinds the private operation and scans the PKCS#1 v1.5 type 2
//! padding in constant time (no branch on which byte is wrong, nor where the zero byte is);
//! every failure comes out as the same opaque error, which [`Native::decrypt`] passes on as one
//! `None`, and [`super::DecryptError::Rejected`] says no more. What it cannot hide is whether
//! the padding was good (AWS-LC says so of its own API), so the defence is that no one can ask:
//! the client decrypts only responses whose WeChat Pay signature it verified first and has not
//! seen before, and validates what decrypts before use.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::error::Unspecified;
use aws_lc_rs::rsa::{
    KeyPair, KeySize, OAEP_SHA1_MGF1SHA1, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use zeroize::Zeroizing;

use super::padding::Padding;

/// One private key, parsed once into each form AWS-LC uses it in.
pub(crate) struct Native {
    signing: KeyPair,
    pkcs1: Pkcs1PrivateDecryptingKey,
    oaep: OaepPrivateDecryptingKey,
}

impl Native {
    /// From a PKCS#8 DER `PrivateKeyInfo`; the error is AWS-LC's reason, which holds no key
    /// material.
    pub(crate) fn from_pkcs8(der: &[u8]) -> Result<Self, String> {
        let decrypting = || PrivateDecryptingKey::from_pkcs8(der).map_err(|e| e.to_string());
        let unspecified = |_| "not usable for decryption".to_owned();
        Ok(Self {
            signing: KeyPair::from_pkcs8(der).map_err(|e| e.to_string())?,
            pkcs1: Pkcs1PrivateDecryptingKey::new(decrypting()?).map_err(unspecified)?,
            oaep: OaepPrivateDecryptingKey::new(decrypting()?).map_err(unspecified)?,
        })
    }

    /// A new 2048-bit key as PKCS#8 DER (AWS-LC's prime search is the faster one, and the
    /// sandbox mints several keys at every start).
    pub(crate) fn generate_pkcs8() -> Zeroizing<Vec<u8>> {
        let key = KeyPair::generate(KeySize::Rsa2048).expect("2048-bit RSA key generation");
        let der = key.as_der().expect("a generated RSA key encodes as PKCS#8");
        Zeroizing::new(der.as_ref().to_vec())
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256; deterministic, so byte for byte what any library
    /// signs with the same key.
    pub(crate) fn sign_sha256(&self, message: &[u8]) -> Vec<u8> {
        let mut sig = vec![0; self.signing.public_modulus_len()];
        // AWS-LC ignores the RNG (it blinds with its own); `ring`'s signature asks for one.
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.signing
            .sign(&RSA_PKCS1_SHA256, &rng, message, &mut sig)
            .expect("PKCS#1 v1.5 signing with a validated 2048+ bit key cannot fail");
        sig
    }

    /// The plaintext, or `None` for any ciphertext that does not decrypt: one outcome whatever
    /// the padding failure.
    pub(crate) fn decrypt(
        &self,
        padding: Padding,
        ciphertext: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        let size = self.pkcs1.min_output_size();
        match padding {
            Padding::Pkcs1v15 => written(size, |out| self.pkcs1.decrypt(ciphertext, out)),
            Padding::OaepSha1 => written(size, |out| {
                self.oaep
                    .decrypt(&OAEP_SHA1_MGF1SHA1, ciphertext, out, None)
            }),
        }
    }
}

/// One public key, parsed once into each form AWS-LC uses it in.
pub(crate) struct NativePublic {
    verifying: ParsedPublicKey,
    pkcs1: Pkcs1PublicEncryptingKey,
    oaep: OaepPublicEncryptingKey,
}

impl NativePublic {
    /// From a DER `SubjectPublicKeyInfo`; 2048 to 8192 bits.
    pub(crate) fn from_spki(der: &[u8]) -> Result<Self, String> {
        let encrypting = || PublicEncryptingKey::from_der(der).map_err(|e| e.to_string());
        let unspecified = |_| "not usable for encryption".to_owned();
        Ok(Self {
            verifying: ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, der)
                .map_err(|e| e.to_string())?,
            pkcs1: Pkcs1PublicEncryptingKey::new(encrypting()?).map_err(unspecified)?,
            oaep: OaepPublicEncryptingKey::new(encrypting()?).map_err(unspecified)?,
        })
    }

    pub(crate) fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifying.verify_sig(message, signature).is_ok()
    }

    /// `None` when the plaintext is too long for the key and padding.
    pub(crate) fn encrypt(&self, padding: Padding, plaintext: &[u8]) -> Option<Vec<u8>> {
        let size = self.pkcs1.ciphertext_size();
        let out = match padding {
            Padding::Pkcs1v15 => written(size, |out| self.pkcs1.encrypt(plaintext, out)),
            Padding::OaepSha1 => written(size, |out| {
                self.oaep.encrypt(&OAEP_SHA1_MGF1SHA1, plaintext, out, None)
            }),
        };
        out.map(|c| c.to_vec())
    }
}

/// Runs one AWS-LC operation that writes at most `size` bytes into a buffer; what it wrote,
/// wiped when dropped (a decryption writes a name or an ID number).
fn written(
    size: usize,
    op: impl FnOnce(&mut [u8]) -> Result<&mut [u8], Unspecified>,
) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0; size]);
    let len = op(&mut out).ok()?.len();
    out.truncate(len);
    Some(out)
}
