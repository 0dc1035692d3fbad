//! The key material of the sandbox's world, generated at run time and kept in a directory so
//! that a client (the kiosk, the cli, `wechatpayv3`) can be pointed at it: three merchants'
//! API keys and certificates, their APIv2 and APIv3 keys, the WeChat Pay public key and its
//! `PUB_KEY_ID_...`, and a platform certificate. Nothing here is ever committed.
//!
//! Layout of the keys directory:
//!
//! ```text
//! merchant/          the direct merchant (also what the default kiosk.toml uses)
//!   apiclient_key.pem  apiclient_cert.pem  serial.txt  apiv2.key  apiv3.key
//! service_provider/  same files, for service-provider mode
//! sub_merchant/      apiclient_key.pem  apiclient_cert.pem  serial.txt (+ apiv2/apiv3 keys, unused)
//! wechatpay/
//!   pub_key.pem  pub_key_id.txt        what a merchant downloads (public-key mode)
//!   platform_cert.pem                  the platform certificate (platform-certificate mode)
//!   private_key.pem  platform_key.pem  WeChat's own private keys: only the sandbox reads them
//! ```
//!
//! The directory is made whole or not at all (generated beside it, then renamed into place),
//! so several processes may share one and none ever sees half of it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, anyhow};
use facekiosk_pii::secret::Secret;
use facekiosk_wxpay::crypto::{Certificate, PrivateKey, PublicKey};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::der::EncodePem;
use x509_cert::der::pem::LineEnding;
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{EncodePublicKey, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};

/// The identities of the sandbox's world.
pub mod ids {
    /// The direct merchant (a hospital with its own merchant number).
    pub const MERCHANT_MCH_ID: &str = "1900000109";
    pub const MERCHANT_APPID: &str = "wxd930ea5d5a258f4f";
    /// A second appid bound to the direct merchant (e.g. the hospital's mini-program).
    pub const MERCHANT_APPID_2: &str = "wx2421b1c4370ec43b";
    /// The service provider (the hospital's IT vendor).
    pub const SP_MCH_ID: &str = "1900000100";
    pub const SP_APPID: &str = "wx8888888888888888";
    /// The sub-merchant (the hospital, under the service provider).
    pub const SUB_MCH_ID: &str = "1900000201";
    pub const SUB_APPID: &str = "wx1234567890abcdef";
    /// The store and device the generated kiosk configurations use.
    pub const STORE_ID: &str = "HOSP-001-F1";
    pub const STORE_NAME: &str = "沙盒市第一人民医院 门诊一楼";
    pub const HOSPITAL_NAME: &str = "沙盒市第一人民医院";
    pub const DEVICE_ID: &str = "KIOSK-SIM-01";
    /// The sandbox hospital's organisation code (an 18-character 统一社会信用代码, made up).
    pub const ORGANIZATION_CODE: &str = "12440300SANDBOX01X";
}

/// One merchant's API key, certificate and symmetric keys.
#[derive(Debug, Clone)]
pub struct Party {
    pub mch_id: String,
    pub key: PrivateKey,
    pub cert_pem: String,
    /// The certificate's serial, uppercase hex.
    pub serial: String,
    pub apiv2_key: Secret,
    pub apiv3_key: Secret,
    pub dir: PathBuf,
}

impl Party {
    pub fn key_path(&self) -> PathBuf {
        self.dir.join("apiclient_key.pem")
    }
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join("apiclient_cert.pem")
    }
    pub fn apiv2_key_path(&self) -> PathBuf {
        self.dir.join("apiv2.key")
    }
    pub fn apiv3_key_path(&self) -> PathBuf {
        self.dir.join("apiv3.key")
    }
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }
}

/// Everything the world needs, loaded from (or first generated into) one directory.
#[derive(Debug, Clone)]
pub struct Material {
    pub dir: PathBuf,
    pub merchant: Party,
    pub service_provider: Party,
    pub sub_merchant: Party,
    /// WeChat Pay's key for public-key mode (the sandbox's secret; clients get `pub_key.pem`).
    pub wechatpay_key: PrivateKey,
    pub public_key_id: String,
    /// The platform certificate's key (the sandbox's secret).
    pub platform_key: PrivateKey,
    pub platform_cert_pem: String,
    pub platform_serial: String,
}

impl Material {
    /// The key the simulated terminals' bridges share with the kiosk (`terminal.pairing_key_file`
    /// of the kiosk.toml the sandbox writes).
    pub fn pairing_key_path(&self) -> PathBuf {
        self.dir.join("terminal-pairing.key")
    }

    /// The pairing key, made on first use (a keys directory from before pairing has none).
    pub fn pairing_key(&self) -> Result<facekiosk_bridge_protocol::PairingKey> {
        let path = self.pairing_key_path();
        if !path.exists() {
            let key = facekiosk_bridge_protocol::PairingKey::generate();
            match write_secret(&path, &key.to_hex()) {
                Ok(()) => {}
                // Another process of the same run made it first: use theirs.
                Err(_) if path.exists() => {}
                Err(e) => return Err(e),
            }
        }
        facekiosk_terminal::Pairing::load(&path)
            .map(|pairing| pairing.key)
            .map_err(|e| anyhow!("{} {e}", path.display()))
    }

    pub fn pub_key_path(&self) -> PathBuf {
        self.dir.join("wechatpay/pub_key.pem")
    }
    pub fn platform_cert_path(&self) -> PathBuf {
        self.dir.join("wechatpay/platform_cert.pem")
    }

    /// Loads the material in `dir`, generating it first if the directory does not exist.
    pub fn load_or_create(dir: &Path) -> Result<Self> {
        if !dir.join("complete").exists() {
            let parent = dir
                .parent()
                .ok_or_else(|| anyhow!("{} has no parent directory", dir.display()))?;
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
            let staging = parent.join(format!(
                ".{}.staging-{}-{:08x}",
                dir.file_name().and_then(|n| n.to_str()).unwrap_or("keys"),
                std::process::id(),
                rand::random::<u32>()
            ));
            generate(&staging)?;
            match fs::rename(&staging, dir) {
                Ok(()) => {}
                // Another process made it first (or an empty directory is in the way).
                Err(_) if dir.join("complete").exists() => {
                    let _ = fs::remove_dir_all(&staging);
                }
                Err(e) if dir.exists() && is_empty_dir(dir) => {
                    fs::remove_dir(dir).with_context(|| {
                        format!("cannot replace the empty {}: {e}", dir.display())
                    })?;
                    fs::rename(&staging, dir)
                        .with_context(|| format!("cannot move keys into {}", dir.display()))?;
                }
                Err(e) => {
                    let _ = fs::remove_dir_all(&staging);
                    return Err(anyhow!(
                        "{} exists but holds no complete sandbox key set ({e}); remove it",
                        dir.display()
                    ));
                }
            }
        }
        load(dir)
    }
}

fn is_empty_dir(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

fn random_key32() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

/// Owner-only from the first byte, never over a file that was there (see
/// `facekiosk_pii::secret_file`).
fn write_secret(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    let mut file = facekiosk_pii::secret_file::create(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn write_public(path: &Path, contents: &str) -> Result<()> {
    fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn generate(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir.join("wechatpay"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    // The platform key doubles as the sandbox's CA ("Tenpay.com Root CA") for every certificate.
    let platform_key = PrivateKey::generate();
    let wechatpay_key = PrivateKey::generate();
    let ca = Name::from_str_checked("CN=Tenpay.com Root CA (facekiosk sandbox),O=Tenpay.com,C=CN")?;
    let (platform_cert, _) = certificate(
        &platform_key.public_key(),
        "CN=Tenpay.com sign (facekiosk sandbox),O=Tenpay.com,OU=Tenpay.com CA Center,C=CN",
        &ca,
        &platform_key,
    )?;
    write_secret(
        &dir.join("wechatpay/platform_key.pem"),
        &platform_key.to_pem(),
    )?;
    write_public(&dir.join("wechatpay/platform_cert.pem"), &platform_cert)?;
    write_secret(
        &dir.join("wechatpay/private_key.pem"),
        &wechatpay_key.to_pem(),
    )?;
    write_public(
        &dir.join("wechatpay/pub_key.pem"),
        &wechatpay_key.public_key().to_pem(),
    )?;
    let digits: String = (0..16)
        .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
        .collect();
    let public_key_id = format!("PUB_KEY_ID_01{}{}", ids::MERCHANT_MCH_ID, digits);
    write_public(&dir.join("wechatpay/pub_key_id.txt"), &public_key_id)?;
    for (name, mch_id) in [
        ("merchant", ids::MERCHANT_MCH_ID),
        ("service_provider", ids::SP_MCH_ID),
        ("sub_merchant", ids::SUB_MCH_ID),
    ] {
        let pdir = dir.join(name);
        fs::create_dir_all(&pdir)?;
        let key = PrivateKey::generate();
        let subject = format!("CN={mch_id},O=facekiosk sandbox merchant {mch_id},OU={name},C=CN");
        let (cert, serial) = certificate(&key.public_key(), &subject, &ca, &platform_key)?;
        write_secret(&pdir.join("apiclient_key.pem"), &key.to_pem())?;
        write_public(&pdir.join("apiclient_cert.pem"), &cert)?;
        write_public(&pdir.join("serial.txt"), &serial)?;
        write_public(&pdir.join("mch_id.txt"), mch_id)?;
        write_secret(&pdir.join("apiv2.key"), &random_key32())?;
        write_secret(&pdir.join("apiv3.key"), &random_key32())?;
    }
    write_public(&dir.join("complete"), "facekiosk sandbox key material\n")?;
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn load_party(dir: &Path, name: &str) -> Result<Party> {
    let pdir = dir.join(name);
    let key = PrivateKey::from_pem(name, &read(&pdir.join("apiclient_key.pem"))?)?;
    let cert_pem = read(&pdir.join("apiclient_cert.pem"))?;
    let cert = Certificate::from_pem(name, &cert_pem)?;
    if cert.public_key != key.public_key() {
        return Err(anyhow!(
            "{}: the certificate is not the key's",
            pdir.display()
        ));
    }
    Ok(Party {
        mch_id: read(&pdir.join("mch_id.txt"))?.trim().to_owned(),
        key,
        cert_pem,
        serial: cert.serial,
        apiv2_key: Secret::new(read(&pdir.join("apiv2.key"))?.trim()),
        apiv3_key: Secret::new(read(&pdir.join("apiv3.key"))?.trim()),
        dir: pdir,
    })
}

fn load(dir: &Path) -> Result<Material> {
    let w = dir.join("wechatpay");
    let platform_cert_pem = read(&w.join("platform_cert.pem"))?;
    let platform = Certificate::from_pem("platform certificate", &platform_cert_pem)?;
    Ok(Material {
        dir: dir.to_owned(),
        merchant: load_party(dir, "merchant")?,
        service_provider: load_party(dir, "service_provider")?,
        sub_merchant: load_party(dir, "sub_merchant")?,
        wechatpay_key: PrivateKey::from_pem("wechatpay", &read(&w.join("private_key.pem"))?)?,
        public_key_id: read(&w.join("pub_key_id.txt"))?.trim().to_owned(),
        platform_key: PrivateKey::from_pem("platform", &read(&w.join("platform_key.pem"))?)?,
        platform_cert_pem,
        platform_serial: platform.serial,
    })
}

/// A certificate profile with a fixed issuer and subject and no extensions.
struct Plain {
    issuer: Name,
    subject: Name,
}

impl BuilderProfile for Plain {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }
    fn get_subject(&self) -> Name {
        self.subject.clone()
    }
    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(Vec::new())
    }
}

/// A five-year certificate for `subject_key`, signed by `ca_key` (SHA256withRSA), with a random
/// 20-byte serial. Returns the PEM and the serial as WeChat prints it (uppercase hex).
pub fn certificate(
    subject_key: &PublicKey,
    subject: &str,
    issuer: &Name,
    ca_key: &PrivateKey,
) -> Result<(String, String)> {
    let mut serial = [0u8; 20];
    rand::fill(&mut serial[..]);
    // Positive and exactly 20 bytes: a leading byte in 0x10..=0x7f.
    serial[0] = 0x10 + (serial[0] % 0x70);
    let now = SystemTime::now();
    let mut validity = Validity::from_now(Duration::from_secs(5 * 365 * 86_400))?;
    validity.not_before = Time::try_from(now - Duration::from_secs(86_400))?;
    let spki_der = subject_key
        .as_rsa()
        .to_public_key_der()
        .map_err(|e| anyhow!("public key: {e}"))?;
    let spki = SubjectPublicKeyInfo::try_from(spki_der.as_bytes())
        .map_err(|e| anyhow!("public key: {e}"))?;
    let profile = Plain {
        issuer: issuer.clone(),
        subject: Name::from_str_checked(subject)?,
    };
    let builder = CertificateBuilder::new(profile, SerialNumber::new(&serial)?, validity, spki)?;
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(ca_key.as_rsa().clone());
    let cert = builder.build::<_, rsa::pkcs1v15::Signature>(&signer)?;
    let pem = cert
        .to_pem(LineEnding::LF)
        .map_err(|e| anyhow!("certificate PEM: {e}"))?;
    Ok((pem, hex::encode_upper(serial)))
}

/// `Name::from_str`, with the error made printable.
trait NameExt: Sized {
    fn from_str_checked(s: &str) -> Result<Self>;
}

impl NameExt for Name {
    fn from_str_checked(s: &str) -> Result<Self> {
        s.parse().map_err(|e| anyhow!("name {s}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificates_parse_in_core_with_the_serial_we_print() {
        let ca_key = PrivateKey::generate();
        let ca = Name::from_str_checked("CN=Test CA").unwrap();
        let (pem, serial) =
            certificate(&ca_key.public_key(), "CN=1900000109", &ca, &ca_key).unwrap();
        let cert = Certificate::from_pem("test", &pem).unwrap();
        assert_eq!(cert.serial, serial);
        assert_eq!(serial.len(), 40);
        assert!(cert.is_valid_at(SystemTime::now()));
        assert_eq!(cert.public_key, ca_key.public_key());
    }

    /// The kiosk refuses key files that group or others can read: every secret the sandbox
    /// makes must be owner-only as it appears, and public files stay readable.
    #[cfg(unix)]
    #[test]
    fn secret_files_are_owner_only_from_creation() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("keys");
        generate(&dir).unwrap();
        let mode = |p: &str| fs::metadata(dir.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(""), 0o700);
        for secret in [
            "wechatpay/platform_key.pem",
            "wechatpay/private_key.pem",
            "merchant/apiclient_key.pem",
            "merchant/apiv2.key",
            "merchant/apiv3.key",
            "service_provider/apiclient_key.pem",
            "service_provider/apiv2.key",
            "sub_merchant/apiclient_key.pem",
            "sub_merchant/apiv3.key",
        ] {
            assert_eq!(mode(secret), 0o600, "{secret}");
        }
        assert_eq!(mode("merchant/apiclient_cert.pem") & 0o044, 0o044);
    }

    /// A file already at a secret's path may be readable by others (or a link elsewhere):
    /// the secret is not written into it.
    #[cfg(unix)]
    #[test]
    fn a_secret_is_never_written_into_a_file_that_was_there() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("apiv2.key");
        fs::write(&path, "").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let e = write_secret(&path, "SECRET-KEY-CANARY").unwrap_err();
        assert!(format!("{e:#}").contains("cannot create"), "{e:#}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "");
        assert!(!format!("{e:#}").contains("CANARY"));
    }
}
