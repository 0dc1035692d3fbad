//! What the protocol costs the kiosk per patient: v2 signing (authinfo), v3 signing and
//! verification (facemch), PKCS#1 v1.5 decryption (three fields for ASK_REAL_NAME_TEL).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use facekiosk_pii::secret::Secret;
use facekiosk_wxpay::crypto::{Padding, PrivateKey, PublicKey};
use facekiosk_wxpay::v2::{SignType, sign, xml};
use facekiosk_wxpay::v3::{MerchantSigner, SignedHeaders, Verifier};

use facekiosk_testkit::fixtures::path as fixture;

fn authinfo_fields() -> sign::Fields {
    [
        ("store_id", "HOSP-001-F1"),
        ("store_name", "市第一人民医院 门诊一楼"),
        ("device_id", "KIOSK-07"),
        ("rawdata", &"R".repeat(2048)),
        ("appid", "wxd930ea5d5a258f4f"),
        ("mch_id", "1900000109"),
        ("now", "1763971200"),
        ("version", "1"),
        ("sign_type", "HMAC-SHA256"),
        ("nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn v2(c: &mut Criterion) {
    let fields = authinfo_fields();
    let key = Secret::new("192006250b4c09247ec02edce69f6a2d");
    c.bench_function("v2 sign MD5 (authinfo request)", |b| {
        b.iter(|| sign::sign(black_box(&fields), &key, SignType::Md5))
    });
    c.bench_function("v2 sign HMAC-SHA256 (authinfo request)", |b| {
        b.iter(|| sign::sign(black_box(&fields), &key, SignType::HmacSha256))
    });
    let body = xml::write(&fields).unwrap();
    c.bench_function("v2 XML parse (authinfo request)", |b| {
        b.iter(|| xml::parse(black_box(body.as_bytes())).unwrap())
    });
}

fn v3(c: &mut Criterion) {
    let key = PrivateKey::from_file(&fixture("merchant_key.pem")).unwrap();
    let signer = MerchantSigner::new(
        "1900000109",
        "3A6F1C52D8E94B07A1C3E5F7092B4D6F8E0A1C2B",
        key.clone(),
    );
    let url = "/v3/facemch/users/bbaf113f-4171-4332-9c79-dace6d35a917?info_type=ASK_REAL_NAME&appid=wxd930ea5d5a258f4f";
    c.bench_function("v3 sign (facemch request)", |b| {
        b.iter(|| {
            signer.authorization(
                "GET",
                black_box(url),
                1_763_971_200,
                "593BEC0C930BF1AFEB40B4A08C8FB242",
                "",
            )
        })
    });

    // The private operation alone, as `openssl speed rsa2048` measures its "sign".
    c.bench_function("RSA-2048 SHA256withRSA sign (32 bytes)", |b| {
        b.iter(|| key.sign_sha256(black_box(&[7u8; 32])))
    });

    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("vectors.json")).unwrap()).unwrap();
    let case = &v["v3_verify"][0];
    let mut verifier = Verifier::new();
    verifier.add_public_key(
        case["serial"].as_str().unwrap(),
        PublicKey::from_file(&fixture("wechatpay_pub_key.pem")).unwrap(),
    );
    let headers = SignedHeaders {
        timestamp: case["timestamp"].as_str().unwrap().into(),
        nonce: case["nonce"].as_str().unwrap().into(),
        signature: case["signature"].as_str().unwrap().into(),
        serial: case["serial"].as_str().unwrap().into(),
    };
    let body = case["body"].as_str().unwrap().as_bytes();
    let now = headers.timestamp.parse::<i64>().unwrap();
    c.bench_function("v3 verify (facemch response)", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(&headers), black_box(body), now)
                .unwrap()
        })
    });

    let ciphertext = v["decrypt"][0]["ciphertext"].as_str().unwrap();
    c.bench_function("PKCS#1 v1.5 decrypt (one facemch field)", |b| {
        b.iter(|| {
            key.decrypt_b64(Padding::Pkcs1v15, black_box(ciphertext))
                .unwrap()
        })
    });
}

/// The same private operations in the `rsa` crate, which did them before AWS-LC: the ratio
/// to the lines above, measured in the same run, is what the dependency buys.
fn rsa_crate(c: &mut Criterion) {
    use rsa::sha2::Sha256;
    let key = PrivateKey::from_file(&fixture("merchant_key.pem")).unwrap();
    c.bench_function("rsa crate: RSA-2048 SHA256withRSA sign (32 bytes)", |b| {
        b.iter(|| {
            key.as_rsa()
                .pkcs1v15_sign::<Sha256>(black_box(&[7u8; 32]))
                .unwrap()
        })
    });
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("vectors.json")).unwrap()).unwrap();
    let ciphertext = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        v["decrypt"][0]["ciphertext"].as_str().unwrap(),
    )
    .unwrap();
    c.bench_function("rsa crate: PKCS#1 v1.5 decrypt (one facemch field)", |b| {
        b.iter(|| {
            key.as_rsa()
                .pkcs1v15_decrypt(black_box(&ciphertext))
                .unwrap()
        })
    });
}

criterion_group!(benches, v2, v3, rsa_crate);
criterion_main!(benches);
