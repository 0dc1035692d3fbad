//! Loading keys from PEM files. Key material is never typed into the kiosk and never
//! printed: `Debug` shows only what kind of key it is.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use facekiosk_pii::secret_file::{self, Exposure};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use rsa::traits::PublicKeyParts;
use thiserror::Error;
use zeroize::Zeroizing;

use super::native::{Native, NativePublic};

#[derive(Debug, Error)]
pub enum KeyError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{what} is not a PEM {expected} (expected a `-----BEGIN {expected}-----` block)")]
    NotPem {
        what: String,
        expected: &'static str,
    },
    #[error("{what} is not a valid RSA key: {reason}")]
    Invalid { what: String, reason: String },
    #[error("{what} is a {bits}-bit RSA key; WeChat Pay uses 2048-bit keys or larger")]
    TooShort { what: String, bits: usize },
    #[error(
        "{path} can be read by others than its owner ({exposure}); it holds a secret: run `{}`",
        exposure.fix(Path::new(path))
    )]
    TooOpen { path: String, exposure: Exposure },
    #[error("{what} is valid from {not_before} to {not_after}, which does not include now ({now})")]
    OutOfValidity {
        what: String,
        not_before: String,
        not_after: String,
        now: String,
    },
}

/// An RSA private key: the merchant API key that signs APIv3 requests and decrypts facemch
/// fields (or, in the sandbox, WeChat Pay's own key). The private operations run in AWS-LC
/// (see `native`); `rsa` holds the same key for its encodings and its public half.
#[derive(Clone)]
pub struct PrivateKey {
    pub(crate) rsa: rsa::PrivateKey,
    pub(crate) native: Arc<Native>,
    public: PublicKey,
}

/// An RSA public key: a WeChat Pay public key (`PUB_KEY_ID_...`) or a certificate's key.
/// Its operations run in AWS-LC too; two keys are equal when `rsa` says so.
#[derive(Clone)]
pub struct PublicKey {
    rsa: rsa::PublicKey,
    pub(crate) native: Arc<NativePublic>,
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.rsa == other.rsa
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey(RSA-{}, [redacted])", self.bits())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(RSA-{})", self.bits())
    }
}

const MIN_BITS: usize = 2048;

fn check_size(what: &str, size_bytes: usize) -> Result<(), KeyError> {
    let bits = size_bytes * 8;
    if bits < MIN_BITS {
        return Err(KeyError::TooShort {
            what: what.to_owned(),
            bits,
        });
    }
    Ok(())
}

/// A file's text, wiped from memory when dropped (key files hold secrets).
pub(crate) fn read(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(|source| KeyError::Read {
            path: path.display().to_string(),
            source,
        })
}

/// Reads a file that holds a secret (a private key, the APIv2 key): refused, naming the file,
/// when anyone but its owner may read it; the text is wiped when dropped.
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<String>, KeyError> {
    let too_open = secret_file::exposed(path).map_err(|source| KeyError::Read {
        path: path.display().to_string(),
        source,
    })?;
    if let Some(exposure) = too_open {
        return Err(KeyError::TooOpen {
            path: path.display().to_string(),
            exposure,
        });
    }
    read(path)
}

impl PrivateKey {
    /// Reads a PKCS#8 (`PRIVATE KEY`, what WeChat's tool writes as `apiclient_key.pem`) or
    /// PKCS#1 (`RSA PRIVATE KEY`) PEM.
    pub fn from_pem(what: &str, pem: &str) -> Result<Self, KeyError> {
        let key = if pem.contains("-----BEGIN PRIVATE KEY-----") {
            rsa::PrivateKey::from_pkcs8_pem(pem).map_err(|e| KeyError::Invalid {
                what: what.to_owned(),
                reason: e.to_string(),
            })?
        } else if pem.contains("-----BEGIN RSA PRIVATE KEY-----") {
            rsa::PrivateKey::from_pkcs1_pem(pem).map_err(|e| KeyError::Invalid {
                what: what.to_owned(),
                reason: e.to_string(),
            })?
        } else {
            return Err(KeyError::NotPem {
                what: what.to_owned(),
                expected: "PRIVATE KEY",
            });
        };
        Self::new(what, key)
    }

    fn new(what: &str, rsa: rsa::PrivateKey) -> Result<Self, KeyError> {
        check_size(what, rsa.size())?;
        let invalid = |reason: String| KeyError::Invalid {
            what: what.to_owned(),
            reason,
        };
        let der = rsa.to_pkcs8_der().map_err(|e| invalid(e.to_string()))?;
        let native = Native::from_pkcs8(der.as_bytes()).map_err(invalid)?;
        let public = PublicKey::new(what, rsa.to_public_key())?;
        Ok(Self {
            rsa,
            native: Arc::new(native),
            public,
        })
    }

    /// Reads a key file whatever its permissions (the technician's tools, tests); the kiosk
    /// loads its keys with [`PrivateKey::from_secret_file`].
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        Self::from_pem(&path.display().to_string(), &read(path)?)
    }

    /// Reads a key file only its owner can read (see [`read_secret_file`]).
    pub fn from_secret_file(path: &Path) -> Result<Self, KeyError> {
        Self::from_pem(&path.display().to_string(), &read_secret_file(path)?)
    }

    pub fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    /// A new 2048-bit key (the sandbox mints its merchant and WeChat keys with this).
    pub fn generate() -> Self {
        let der = Native::generate_pkcs8();
        let rsa = rsa::PrivateKey::from_pkcs8_der(&der).expect("AWS-LC writes valid PKCS#8");
        Self::new("a generated key", rsa).expect("a generated 2048-bit key is usable")
    }

    /// PKCS#8 PEM, as WeChat's certificate tool writes `apiclient_key.pem`.
    pub fn to_pem(&self) -> Zeroizing<String> {
        self.rsa
            .to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
            .expect("a valid RSA key encodes as PKCS#8")
    }

    /// The underlying RustCrypto key, for building certificates with `x509-cert`.
    pub fn as_rsa(&self) -> &rsa::PrivateKey {
        &self.rsa
    }

    pub fn bits(&self) -> usize {
        self.rsa.size() * 8
    }
}

impl PublicKey {
    /// Reads a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM, as WeChat's `pub_key.pem`.
    pub fn from_pem(what: &str, pem: &str) -> Result<Self, KeyError> {
        if !pem.contains("-----BEGIN PUBLIC KEY-----") {
            return Err(KeyError::NotPem {
                what: what.to_owned(),
                expected: "PUBLIC KEY",
            });
        }
        let key = rsa::PublicKey::from_public_key_pem(pem).map_err(|e| KeyError::Invalid {
            what: what.to_owned(),
            reason: e.to_string(),
        })?;
        Self::new(what, key)
    }

    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        Self::from_pem(&path.display().to_string(), &read(path)?)
    }

    /// SubjectPublicKeyInfo PEM, as WeChat's `pub_key.pem`.
    pub fn to_pem(&self) -> String {
        use rsa::pkcs8::EncodePublicKey;
        self.rsa
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
            .expect("a valid RSA key encodes")
    }

    pub fn as_rsa(&self) -> &rsa::PublicKey {
        &self.rsa
    }

    pub(crate) fn from_spki_der(what: &str, der: &[u8]) -> Result<Self, KeyError> {
        let key = rsa::PublicKey::from_public_key_der(der).map_err(|e| KeyError::Invalid {
            what: what.to_owned(),
            reason: e.to_string(),
        })?;
        Self::new(what, key)
    }

    fn new(what: &str, rsa: rsa::PublicKey) -> Result<Self, KeyError> {
        use rsa::pkcs8::EncodePublicKey;
        check_size(what, rsa.size())?;
        let invalid = |reason: String| KeyError::Invalid {
            what: what.to_owned(),
            reason,
        };
        let der = rsa
            .to_public_key_der()
            .map_err(|e| invalid(e.to_string()))?;
        let native = NativePublic::from_spki(der.as_bytes()).map_err(invalid)?;
        Ok(Self {
            rsa,
            native: Arc::new(native),
        })
    }

    pub fn bits(&self) -> usize {
        self.rsa.size() * 8
    }
}
