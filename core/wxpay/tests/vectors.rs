//! The core against vectors made by independent implementations (Python `cryptography`,
//! cross-checked with the PyPI package `wechatpayv3`): see fixtures/README.md.

use facekiosk_pii::identity::{CredentialNumber, CredentialType, Invalid, validate};
use facekiosk_pii::secret::Secret;
use facekiosk_wxpay::crypto::{Certificate, Padding, PrivateKey, PublicKey};
use facekiosk_wxpay::v2::sign::{self, Fields, SignType};
use facekiosk_wxpay::v3::{
    MerchantSigner, SignedHeaders, Verifier, VerifyError, sign::request_message,
};
use facekiosk_wxpay::{InfoType, WxpayError, facemch};
use serde_json::Value;

use facekiosk_testkit::fixtures::{path as fixture, vectors};

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn merchant_key() -> PrivateKey {
    PrivateKey::from_file(&fixture("merchant_key.pem")).unwrap()
}

#[test]
fn v2_signatures_match() {
    let v = vectors();
    for case in v["v2"].as_array().unwrap() {
        let fields: Fields = case["params"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), s(v).to_owned()))
            .collect();
        let t = SignType::parse(s(&case["sign_type"])).unwrap();
        assert_eq!(sign::string_to_sign(&fields), s(&case["string_to_sign"]));
        let key = Secret::new(s(&case["key"]));
        assert_eq!(sign::sign(&fields, &key, t), s(&case["sign"]), "{case}");
        let mut signed = fields.clone();
        signed.insert("sign".into(), s(&case["sign"]).into());
        assert_eq!(sign::verify(&signed, &key, t), Ok(()));
    }
}

#[test]
fn v3_request_signatures_and_authorization_match() {
    let v = vectors();
    let signer = MerchantSigner::new(s(&v["mchid"]), s(&v["merchant_serial"]), merchant_key());
    for case in v["v3_sign"].as_array().unwrap() {
        let ts: i64 = s(&case["timestamp"]).parse().unwrap();
        let (method, url, nonce, body) = (
            s(&case["method"]),
            s(&case["url"]),
            s(&case["nonce"]),
            s(&case["body"]),
        );
        assert_eq!(
            request_message(method, url, ts, nonce, body),
            s(&case["message"])
        );
        let auth = signer.authorization(method, url, ts, nonce, body);
        assert_eq!(auth.signature, s(&case["signature"]));
        assert_eq!(auth.to_string(), s(&case["authorization"]));
    }
}

#[test]
fn pkcs1_and_pkcs8_forms_are_the_same_key() {
    let pkcs1 = PrivateKey::from_file(&fixture("merchant_key_pkcs1.pem")).unwrap();
    assert_eq!(pkcs1.public_key(), merchant_key().public_key());
}

fn verifier(v: &Value) -> Verifier {
    let mut verifier = Verifier::new();
    let pub_key = PublicKey::from_file(&fixture("wechatpay_pub_key.pem")).unwrap();
    verifier.add_public_key(s(&v["wechatpay_public_key_id"]), pub_key);
    verifier.add_certificate(&Certificate::from_file(&fixture("platform_cert.pem")).unwrap());
    verifier
}

#[test]
fn v3_response_verification_agrees() {
    let v = vectors();
    let verifier = verifier(&v);
    for case in v["v3_verify"].as_array().unwrap() {
        let headers = SignedHeaders {
            timestamp: s(&case["timestamp"]).into(),
            nonce: s(&case["nonce"]).into(),
            signature: s(&case["signature"]).into(),
            serial: s(&case["serial"]).into(),
        };
        let now = s(&case["timestamp"]).parse::<i64>().unwrap() + 10;
        let result = verifier.verify(&headers, s(&case["body"]).as_bytes(), now);
        assert_eq!(
            result.is_ok(),
            case["valid"].as_bool().unwrap(),
            "{}",
            case["why"]
        );
        if s(&case["serial"]).starts_with("0000") {
            let Err(VerifyError::UnknownSerial { known, .. }) = result else {
                panic!("{result:?}")
            };
            assert!(known.contains(s(&v["platform_serial"])) && known.contains("PUB_KEY_ID_"));
        }
    }
}

#[test]
fn v3_response_skew_is_refused_both_ways() {
    let v = vectors();
    let verifier = verifier(&v);
    let case = &v["v3_verify"][0];
    let headers = SignedHeaders::read(|name| match name {
        "Wechatpay-Timestamp" => case["timestamp"].as_str(),
        "Wechatpay-Nonce" => case["nonce"].as_str(),
        "Wechatpay-Signature" => case["signature"].as_str(),
        "Wechatpay-Serial" => case["serial"].as_str(),
        _ => None,
    })
    .unwrap();
    let ts: i64 = headers.timestamp.parse().unwrap();
    let body = s(&case["body"]).as_bytes();
    assert!(verifier.verify(&headers, body, ts + 299).is_ok());
    assert!(verifier.verify(&headers, body, ts - 299).is_ok());
    assert_eq!(
        verifier.verify(&headers, body, ts + 300),
        Err(VerifyError::Skew { skew_secs: 300 })
    );
    assert_eq!(
        verifier.verify(&headers, body, ts - 301),
        Err(VerifyError::Skew { skew_secs: -301 })
    );
    assert_eq!(
        SignedHeaders::read(|n| (n != "Wechatpay-Signature").then_some("x")),
        Err(VerifyError::Missing("Wechatpay-Signature"))
    );
}

#[test]
fn decryption_agrees_for_both_paddings() {
    let v = vectors();
    let key = merchant_key();
    for case in v["decrypt"].as_array().unwrap() {
        let padding = Padding::parse(s(&case["padding"])).unwrap();
        let plain = key.decrypt_b64(padding, s(&case["ciphertext"])).unwrap();
        assert_eq!(std::str::from_utf8(&plain).unwrap(), s(&case["plaintext"]));
    }
}

/// A wrong key or padding must never yield something that passes for an identity.
#[test]
fn bad_ciphertexts_never_become_identities() {
    let v = vectors();
    let key = merchant_key();
    for case in v["decrypt_bad"].as_array().unwrap() {
        let padding = Padding::parse(s(&case["padding"])).unwrap();
        let why = s(&case["why"]);
        let Ok(plain) = key.decrypt_b64(padding, s(&case["ciphertext"])) else {
            continue;
        };
        // PKCS#1 v1.5 implicit rejection: noise comes out; validation must catch it.
        let text = validate::utf8(plain.to_vec());
        match case.get("plaintext").and_then(Value::as_str) {
            Some(p) => {
                assert_eq!(text.as_deref(), Ok(p), "{why}");
                assert_eq!(
                    CredentialNumber::parse(CredentialType::ResidentId, p.into()),
                    Err(Invalid::ResidentIdCheckDigit)
                );
            }
            None => {
                let passes_as_id = text
                    .as_ref()
                    .is_ok_and(|t| validate::resident_id(t).is_ok() || validate::phone(t).is_ok());
                assert!(!passes_as_id, "{why}: noise passed validation");
            }
        }
    }
}

#[test]
fn gb11643_agrees() {
    for case in vectors()["gb11643"].as_array().unwrap() {
        let ok = validate::resident_id(s(&case["id"])).is_ok();
        assert_eq!(ok, case["valid"].as_bool().unwrap(), "{case}");
    }
}

#[test]
fn certificates_read_like_the_merchant_platform_shows_them() {
    let v = vectors();
    let cert = Certificate::from_file(&fixture("merchant_cert.pem")).unwrap();
    assert_eq!(cert.serial, s(&v["merchant_serial"]));
    assert_eq!(cert.public_key, merchant_key().public_key());
    assert!(cert.subject.contains("1900000109"), "{}", cert.subject);
    let expired = Certificate::from_file(&fixture("expired_cert.pem")).unwrap();
    assert_eq!(expired.serial, s(&v["expired_serial"]));
    assert!(!expired.is_valid_at(std::time::SystemTime::now()));
    assert!(
        cert.is_valid_at(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_763_971_200))
    );
}

#[test]
fn a_signed_facemch_body_decodes_into_a_masked_identity() {
    let v = vectors();
    let body = s(&v["v3_verify"][0]["body"]).as_bytes().to_vec();
    let identity = facemch::decode(
        body,
        InfoType::AskRealName,
        &merchant_key(),
        Padding::Pkcs1v15,
    )
    .unwrap();
    let info = identity.real_name.as_ref().unwrap();
    assert_eq!(info.credential_type, CredentialType::ResidentId);
    assert!(validate::resident_id(info.credential_number.reveal()).is_ok());
    let shown = format!("{identity:?}");
    assert!(
        !shown.contains(info.name.reveal()) && !shown.contains(info.credential_number.reveal())
    );
}

#[test]
fn wrong_padding_on_a_real_body_is_an_error_not_garbage() {
    let v = vectors();
    let body = s(&v["v3_verify"][0]["body"]).as_bytes().to_vec();
    let err = facemch::decode(
        body,
        InfoType::AskRealName,
        &merchant_key(),
        Padding::OaepSha1,
    )
    .unwrap_err();
    assert!(matches!(err, WxpayError::Decrypt { .. }), "{err}");
    assert_eq!(err.code(), "IDENTITY_UNDECRYPTABLE");
    let other = PrivateKey::from_file(&fixture("other_key.pem")).unwrap();
    let body = s(&v["v3_verify"][0]["body"]).as_bytes().to_vec();
    let err = facemch::decode(body, InfoType::AskRealName, &other, Padding::Pkcs1v15).unwrap_err();
    assert_eq!(err.code(), "IDENTITY_UNDECRYPTABLE", "{err}");
}
