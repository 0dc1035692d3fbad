//! The kiosk's side of the pairing with its bridge (protocol v2): the shared key, and where it
//! was read from, which the errors name so that a technician knows which key to give the
//! bridge. The key itself is never shown.

use std::fmt;

use facekiosk_bridge_protocol::PairingKey;
use facekiosk_pii::secret_file::{self, Exposure};

/// The pairing key this kiosk proves to its bridge, and the file it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Pairing {
    /// The shared secret.
    pub key: PairingKey,
    /// Where it was read from (`terminal.pairing_key_file`), for the messages.
    pub source: String,
}

impl Pairing {
    /// A pairing with the key read from `source`.
    pub fn new(key: PairingKey, source: impl Into<String>) -> Self {
        Pairing {
            key,
            source: source.into(),
        }
    }
}

impl fmt::Debug for Pairing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pairing")
            .field("key", &self.key)
            .field("source", &self.source)
            .finish()
    }
}

/// Why the pairing key file cannot be used. The texts name the rule, never the file's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileError {
    /// The file cannot be read.
    #[error("cannot be read ({0})")]
    Read(std::io::ErrorKind),
    /// Group or others may read it: the kiosk refuses to use a key others could copy.
    #[error(
        "is readable by group or others ({exposure}): make it readable by its owner only ({fix})"
    )]
    Exposed {
        /// Who else may read it.
        exposure: Exposure,
        /// The command that makes it its owner's only, on this platform.
        fix: String,
    },
    /// The content is not a pairing key.
    #[error("{0}")]
    Format(facekiosk_bridge_protocol::KeyFormatError),
}

impl Pairing {
    /// Reads the key from `path`, which only its owner may read; the text read is
    /// wiped once parsed.
    pub fn load(path: &std::path::Path) -> Result<Pairing, KeyFileError> {
        use std::io::Read;
        use zeroize::Zeroizing;
        let mut file = std::fs::File::open(path).map_err(|e| KeyFileError::Read(e.kind()))?;
        if let Some(exposure) =
            secret_file::exposed(path).map_err(|e| KeyFileError::Read(e.kind()))?
        {
            let fix = exposure.fix(path);
            return Err(KeyFileError::Exposed { exposure, fix });
        }
        let mut text = Zeroizing::new(String::new());
        // A key file is under 100 bytes; reading more than a page is a wrong file.
        (&mut file)
            .take(4096)
            .read_to_string(&mut text)
            .map_err(|e| KeyFileError::Read(e.kind()))?;
        let key = PairingKey::parse(&text).map_err(KeyFileError::Format)?;
        Ok(Pairing::new(key, path.display().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &std::path::Path, text: &str, mode: u32) -> std::path::PathBuf {
        let path = dir.join("pairing.key");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let _ = mode;
        path
    }

    #[test]
    fn a_key_file_readable_by_others_is_refused_and_the_key_never_shown() {
        let dir = std::env::temp_dir().join(format!("facekiosk-pairing-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let hex = "ab".repeat(32);
        let path = write(&dir, &format!("{hex}\n"), 0o600);
        let pairing = Pairing::load(&path).unwrap();
        assert_eq!(pairing.key, PairingKey::from_bytes([0xab; 32]));
        assert!(!format!("{pairing:?}").contains(&hex));
        #[cfg(unix)]
        {
            let path = write(&dir, &hex, 0o644);
            let err = Pairing::load(&path).unwrap_err();
            assert_eq!(
                err,
                KeyFileError::Exposed {
                    exposure: Exposure::Mode(0o644),
                    fix: format!("chmod 600 {}", path.display()),
                }
            );
            assert!(err.to_string().contains("(mode 644)"), "{err}");
        }
        let path = write(&dir, "SECRET-not-a-key", 0o600);
        let err = Pairing::load(&path).unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
        assert_eq!(
            Pairing::load(&dir.join("missing")),
            Err(KeyFileError::Read(std::io::ErrorKind::NotFound))
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
