//! What the client trusts: answers are taken once (no replay), signed the way we configured,
//! with platform certificates only while valid and keys only of a safe size, and key files
//! only when nobody but their owner can read them.

mod http_support;

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use facekiosk_wxpay::WxpayClient;
use facekiosk_wxpay::crypto::{Certificate, KeyError, PrivateKey, PublicKey};
use facekiosk_wxpay::v3::sign::response_message;
use facekiosk_wxpay::v3::{SignedHeaders, Verifier, VerifyError};
use http_support::{Reply, Script, TestServer, client, fixture, settings_for};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::der::EncodePem;
use x509_cert::der::pem::LineEnding;
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{EncodePublicKey, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};

const FACE_SID: &str = "9502ca24-d7e2-48d7-812f-ee6512cfa591_rt1";

#[tokio::test]
async fn a_replayed_facemch_answer_is_refused() {
    let server = TestServer::start(Script {
        facemch: vec![Reply::Ok, Reply::Replay],
        ..Script::default()
    })
    .await;
    let client = client(&server, 0);
    client.query_user(FACE_SID).await.unwrap();
    let err = client.query_user(FACE_SID).await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_RESPONSE_UNVERIFIED", "{err}");
    assert!(err.to_string().contains("replayed"), "{err}");
    assert!(!err.is_retryable());
    // A fresh answer is taken again.
    client.query_user(FACE_SID).await.unwrap();
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_replayed_authinfo_answer_is_refused() {
    let server = TestServer::start(Script {
        authinfo: vec![Reply::Ok, Reply::Replay],
        ..Script::default()
    })
    .await;
    let client = client(&server, 0);
    client.get_authinfo("raw").await.unwrap();
    let err = client.get_authinfo("raw").await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_RESPONSE_UNVERIFIED", "{err}");
    assert!(err.to_string().contains("replayed"), "{err}");
    client.get_authinfo("raw").await.unwrap();
}

#[tokio::test]
async fn an_authinfo_signed_with_md5_when_hmac_is_configured_is_refused() {
    let server = TestServer::start(Script {
        authinfo: vec![Reply::Md5Signed],
        ..Script::default()
    })
    .await;
    let err = client(&server, 0).get_authinfo("raw").await.unwrap_err();
    assert_eq!(err.code(), "WECHAT_RESPONSE_UNVERIFIED", "{err}");
    assert!(err.to_string().contains("`sign`"), "{err}");
    assert!(err.to_string().contains("HMAC-SHA256"), "{err}");
}

#[tokio::test]
async fn a_face_sid_of_the_wrong_shape_is_never_sent() {
    let server = TestServer::start(Script::default()).await;
    let client = client(&server, 0);
    for sid in [
        "../../v3/certificates",
        "a/b",
        "x%2F..",
        "sid?x=1",
        "sid#x",
        "",
    ] {
        let err = client.query_user(sid).await.unwrap_err();
        assert_eq!(err.code(), "REQUEST_UNSENDABLE", "{sid:?}: {err}");
        assert!(err.to_string().contains("`face_sid`"), "{err}");
    }
    assert_eq!(server.facemch_hits.load(Ordering::SeqCst), 0);
}

// ---- key files at rest ----

#[cfg(unix)]
fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn key_files_readable_by_others_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_for(dir.path(), "http://127.0.0.1:9", 0);
    assert!(
        WxpayClient::from_settings(settings.clone()).is_ok(),
        "0600 loads"
    );

    let mut with_sub = settings.clone();
    let sub = dir.path().join("sub_key.pem");
    std::fs::copy(fixture("other_key.pem"), &sub).unwrap();
    chmod(&sub, 0o600);
    with_sub.keys.sub_merchant_private_key = Some(sub.clone());
    assert!(WxpayClient::from_settings(with_sub.clone()).is_ok());

    for path in [
        settings.keys.apiv2_key_file.clone(),
        settings.keys.merchant_private_key.clone(),
        sub,
    ] {
        for mode in [0o644, 0o640, 0o604] {
            chmod(&path, mode);
            let err = WxpayClient::from_settings(with_sub.clone()).unwrap_err();
            assert_eq!(err.code(), "KEY_SETUP");
            let text = err.to_string();
            assert!(text.contains(&path.display().to_string()), "{text}");
            assert!(text.contains("chmod 600"), "{text}");
        }
        chmod(&path, 0o600);
    }
    assert!(WxpayClient::from_settings(with_sub).is_ok());
}

// ---- platform certificates ----

struct Plain(Name);

impl BuilderProfile for Plain {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.0.clone()
    }
    fn get_subject(&self) -> Name {
        self.0.clone()
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

/// A self-signed certificate for `key`, valid from `not_before` to `not_after`.
fn certificate(key: &rsa::PrivateKey, not_before: SystemTime, not_after: SystemTime) -> String {
    let spki_der = key.to_public_key().to_public_key_der().unwrap();
    let spki = SubjectPublicKeyInfo::try_from(spki_der.as_bytes()).unwrap();
    let mut validity = Validity::from_now(Duration::from_secs(1)).unwrap();
    validity.not_before = Time::try_from(not_before).unwrap();
    validity.not_after = Time::try_from(not_after).unwrap();
    let name: Name = "CN=Wechatpay Test Platform".parse().unwrap();
    let builder = CertificateBuilder::new(
        Plain(name),
        SerialNumber::new(&[0x42, 1, 2, 3]).unwrap(),
        validity,
        spki,
    )
    .unwrap();
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key.clone());
    let cert = builder
        .build::<_, rsa::pkcs1v15::Signature>(&signer)
        .unwrap();
    cert.to_pem(LineEnding::LF).unwrap()
}

fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

fn platform_key() -> PrivateKey {
    PrivateKey::from_file(&fixture("platform_key.pem")).unwrap()
}

#[test]
fn platform_certificates_out_of_validity_are_refused_at_load_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings_for(dir.path(), "http://127.0.0.1:9", 0);
    let future = dir.path().join("future_cert.pem");
    let year = 365 * 86_400;
    let now = SystemTime::now();
    let pem = certificate(
        platform_key().as_rsa(),
        now + Duration::from_secs(10 * year),
        now + Duration::from_secs(15 * year),
    );
    std::fs::write(&future, pem).unwrap();
    for path in [fixture("expired_cert.pem"), future] {
        let mut s = settings.clone();
        s.keys.platform_certificates = vec![fixture("platform_cert.pem"), path.clone()];
        let err = WxpayClient::from_settings(s).unwrap_err();
        assert_eq!(err.code(), "KEY_SETUP");
        let text = err.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("valid from"), "{text}");
    }
    let mut s = settings;
    s.keys.platform_certificates = vec![fixture("platform_cert.pem")];
    assert!(WxpayClient::from_settings(s).is_ok());
}

#[test]
fn a_merchant_certificate_out_of_validity_is_refused_at_load_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings_for(dir.path(), "http://127.0.0.1:9", 0);
    let merchant_key = PrivateKey::from_file(&fixture("merchant_key.pem")).unwrap();
    let expired = dir.path().join("expired_merchant_cert.pem");
    let year = 365 * 86_400;
    let now = SystemTime::now();
    let pem = certificate(
        merchant_key.as_rsa(),
        now - Duration::from_secs(6 * year),
        now - Duration::from_secs(year),
    );
    std::fs::write(&expired, pem).unwrap();
    settings.keys.merchant_certificate = expired.clone();
    settings.keys.merchant_serial = None;
    let err = WxpayClient::from_settings(settings).unwrap_err();
    assert_eq!(err.code(), "KEY_SETUP");
    let text = err.to_string();
    assert!(text.contains(&expired.display().to_string()), "{text}");
    assert!(text.contains("valid from"), "{text}");
}

#[test]
fn a_platform_certificate_verifies_only_within_its_validity() {
    // platform_cert.pem: 2025-01-01 to 2030-01-01.
    let cert = Certificate::from_file(&fixture("platform_cert.pem")).unwrap();
    let mut verifier = Verifier::new();
    verifier.add_certificate(&cert);
    let key = platform_key();
    let body = br#"{"openid":"o"}"#;
    let signed_at = |ts: i64| {
        let ts = ts.to_string();
        let signature = key.sign_sha256(&response_message(&ts, "n", body));
        SignedHeaders {
            timestamp: ts,
            nonce: "n".into(),
            signature,
            serial: cert.serial.clone(),
        }
    };
    let inside = 1_763_971_200; // 2025-11-24
    assert!(verifier.verify(&signed_at(inside), body, inside).is_ok());
    for outside in [1_735_689_600 - 10, 1_893_456_000 + 10] {
        assert_eq!(
            verifier.verify(&signed_at(outside), body, outside),
            Err(VerifyError::OutOfValidity {
                serial: cert.serial.clone()
            })
        );
    }
}

#[test]
fn keys_shorter_than_2048_bits_are_refused_in_certificates_too() {
    let short = rsa::PrivateKey::new(&mut rand::rngs::SysRng, 1024).unwrap();
    let pem = certificate(&short, at(1_735_689_600), at(1_893_456_000));
    let err = Certificate::from_pem("short_cert.pem", &pem).unwrap_err();
    assert!(
        matches!(&err, KeyError::TooShort { bits: 1024, what } if what == "short_cert.pem"),
        "{err}"
    );
    // And as a WeChat Pay public key or a merchant key.
    use rsa::pkcs8::EncodePrivateKey;
    let public_pem = short
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let private_pem = short.to_pkcs8_pem(LineEnding::LF).unwrap();
    assert!(matches!(
        PublicKey::from_pem("pub_key.pem", &public_pem),
        Err(KeyError::TooShort { bits: 1024, .. })
    ));
    assert!(matches!(
        PrivateKey::from_pem("apiclient_key.pem", &private_pem),
        Err(KeyError::TooShort { bits: 1024, .. })
    ));
}
