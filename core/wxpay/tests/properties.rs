//! Properties over arbitrary input: round trips hold, and no outside bytes make us panic.

use facekiosk_pii::secret::Secret;
use facekiosk_wxpay::crypto::{Padding, PrivateKey};
use facekiosk_wxpay::v2::sign::{self, Fields, SignType};
use facekiosk_wxpay::v2::xml;
use facekiosk_wxpay::v3::{Authorization, SignedHeaders, Verifier};
use facekiosk_wxpay::{InfoType, facemch};
use proptest::prelude::*;

fn key() -> &'static PrivateKey {
    static KEY: std::sync::OnceLock<PrivateKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        let path = facekiosk_testkit::fixtures::path(facekiosk_testkit::fixtures::MERCHANT_KEY);
        PrivateKey::from_file(&path).unwrap()
    })
}

/// Field names as WeChat uses them.
fn name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,15}"
}

/// Values WeChat can carry: any character XML 1.0 allows, except 4-byte ones.
fn sendable_value() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            any::<char>()
                .prop_filter("3-byte max, XML chars", |c| {
                    c.len_utf8() < 4 && (!c.is_control() || matches!(c, '\t' | '\n' | '\r'))
                })
                .boxed(),
            prop::sample::select(vec!['<', '>', '&', '"', '\'', ']', '\r', '中', '·']).boxed(),
        ],
        0..40,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>())
    .boxed()
    .prop_union(Just("a]]>b]]>".to_owned()).boxed())
    .or(Just("]]]]>>".to_owned()).boxed())
}

fn fields() -> impl Strategy<Value = Fields> {
    proptest::collection::btree_map(name(), sendable_value(), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn xml_round_trips(f in fields()) {
        let text = xml::write(&f).unwrap();
        prop_assert_eq!(xml::parse(text.as_bytes()).unwrap(), f);
    }

    #[test]
    fn v2_sign_verify_round_trips(mut f in fields(), k in "[A-Za-z0-9]{32}", hmac in any::<bool>()) {
        f.remove("sign");
        let t = if hmac { SignType::HmacSha256 } else { SignType::Md5 };
        let key = Secret::new(k);
        let mut signed = f.clone();
        signed.insert("sign".into(), sign::sign(&f, &key, t));
        prop_assert_eq!(sign::verify(&signed, &key, t), Ok(()));
        // Through the wire format and back, still valid.
        let back = xml::parse(xml::write(&signed).unwrap().as_bytes()).unwrap();
        prop_assert_eq!(sign::verify(&back, &key, t), Ok(()));
        // Any changed non-empty value breaks it.
        if let Some((name, value)) = f.iter().find(|(n, v)| !v.is_empty() && n.as_str() != "sign") {
            let mut tampered = signed.clone();
            tampered.insert(name.clone(), format!("{value}x"));
            prop_assert!(sign::verify(&tampered, &key, t).is_err());
        }
    }

    #[test]
    fn xml_parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = xml::parse(&bytes);
    }

    #[test]
    fn xml_parse_never_panics_on_xmlish_text(s in r#"(<xml>|</xml>|<a>|</a>|<!\[CDATA\[|\]\]>|&[a-z#0-9x]{0,5};|<!DOCTYPE x>|<\?xml\?>|[a-z<>/&;]){0,30}"#) {
        let _ = xml::parse(s.as_bytes());
    }

    #[test]
    fn authorization_parse_never_panics(s in ".{0,200}") {
        let _ = Authorization::parse(&s);
        let _ = Authorization::parse(&format!("WECHATPAY2-SHA256-RSA2048 {s}"));
    }

    #[test]
    fn authorization_round_trips(
        mchid in "[0-9]{1,12}", nonce in "[A-Za-z0-9]{1,32}", sig in "[A-Za-z0-9+/=]{1,64}",
        ts in 0u32..u32::MAX, serial in "[0-9A-F]{1,40}",
    ) {
        let a = Authorization {
            mchid, nonce_str: nonce, signature: sig, timestamp: ts.to_string(), serial_no: serial,
        };
        prop_assert_eq!(Authorization::parse(&a.to_string()).unwrap(), a);
    }

    #[test]
    fn response_headers_never_panic(ts in ".{0,20}", nonce in ".{0,40}", sig in ".{0,400}", serial in ".{0,70}", body in proptest::collection::vec(any::<u8>(), 0..64)) {
        let headers = SignedHeaders { timestamp: ts, nonce, signature: sig, serial };
        prop_assert!(Verifier::new().verify(&headers, &body, 1_700_000_000).is_err());
    }

    #[test]
    fn decrypt_never_panics(s in ".{0,400}", oaep in any::<bool>()) {
        let padding = if oaep { Padding::OaepSha1 } else { Padding::Pkcs1v15 };
        let _ = key().decrypt_b64(padding, &s);
    }

    #[test]
    fn facemch_decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = facemch::decode(bytes, InfoType::AskRealNameTel, key(), Padding::Pkcs1v15);
    }
}

#[test]
fn random_ciphertexts_of_the_right_length_do_not_panic() {
    use base64::Engine;
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(&proptest::collection::vec(any::<u8>(), 256), |bytes| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let _ = key().decrypt_b64(Padding::Pkcs1v15, &b64);
            let _ = key().decrypt_b64(Padding::OaepSha1, &b64);
            Ok(())
        })
        .unwrap();
}
