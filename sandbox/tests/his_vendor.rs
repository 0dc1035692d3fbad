//! The vendor hand-off end to end: the kiosk's adapter (`facekiosk-his`), driven by the two
//! example site profiles in `assets/his-profiles/`, against the sandbox hospital's own
//! implementation of those two sites, over real HTTP.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use common::his::{assert_no_pii, fault, hand_off, logs, persona_ids, records, url};
use facekiosk_his::settings::{Connection, VendorSettings};
use facekiosk_his::{AdapterSettings, HisSettings, Hospital};
use facekiosk_sandbox::SandboxHandle;
use facekiosk_sandbox::hospital::registry::NewPatient;
use facekiosk_sandbox::hospital::{Endpoint, HisFault, HisFaultKind};
use serde_json::{Value, json};

const SITES: [&str; 2] = ["tianrui", "zzj"];

fn profile_path(site: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../assets/his-profiles/{site}.toml"))
}

fn hospital_with(
    sb: &SandboxHandle,
    site: &str,
    profile: PathBuf,
    retries: u32,
) -> Arc<dyn Hospital> {
    let settings = HisSettings {
        adapter: AdapterSettings::Http(VendorSettings {
            url: url(sb, &format!("vendor/{site}")),
            profile,
        }),
        patient_number_visible: None,
        connection: Connection {
            request_timeout: Duration::from_secs(1),
            retries,
            ..Connection::default()
        },
    };
    facekiosk_his::connect(&settings)
        .unwrap()
        .expect("http is an adapter")
}

fn hospital(sb: &SandboxHandle, site: &str) -> Arc<dyn Hospital> {
    hospital_with(sb, site, profile_path(site), 0)
}

#[tokio::test]
async fn every_persona_is_registered_intact_once_and_found_again() {
    logs();
    for site in SITES {
        let sb = common::start().await;
        let h = hospital(&sb, site);
        for id in persona_ids(&sb) {
            let persona = sb.world().persona(&id).unwrap();
            let number = hand_off(&h, &sb, &id)
                .await
                .unwrap_or_else(|e| panic!("{site} {id}: {e}"));
            let kept = records(&sb, &id);
            assert_eq!(kept.len(), 1, "{site} {id}");
            let r = &kept[0];
            assert_eq!(r.number, number.as_str(), "{site} {id}");
            assert_eq!(
                r.name, persona.name,
                "{site} {id}: the name as verified, whole"
            );
            assert_eq!(r.credential_number, persona.credential_id, "{site} {id}");
            assert_eq!(r.via, "vendor", "{site} {id}");
            assert_eq!(r.phone, persona.phone, "{site} {id}");
            let digits = &persona.credential_id;
            if persona.credential_type == 2 {
                assert_eq!(r.credential_type, "03", "{site} {id}");
                // Each site's "unknown" (天瑞 2, GB 0) kept as GB/T 2261.1 says it.
                assert_eq!(r.sex.as_deref(), Some("0"), "{site} {id}");
                assert_eq!(r.birth_date, None, "{site} {id}");
            } else {
                assert_eq!(r.credential_type, "01", "{site} {id}");
                // 天瑞 codes male 0 and female 1; the site keeps the GB meaning.
                let odd = digits.as_bytes()[16] % 2 == 1;
                assert_eq!(
                    r.sex.as_deref(),
                    Some(if odd { "1" } else { "2" }),
                    "{site} {id}"
                );
                let born = format!("{}-{}-{}", &digits[6..10], &digits[10..12], &digits[12..14]);
                // 天瑞 takes no birth date; the XML site checks it against the ID number.
                let expected = (site == "zzj").then_some(born.as_str());
                assert_eq!(r.birth_date.as_deref(), expected, "{site} {id}");
            }

            // The same patient again (a retry, a second visit): the same number, no new record.
            let again = hand_off(&h, &sb, &id).await.unwrap();
            assert_eq!(again, number, "{site} {id}");
            assert_eq!(records(&sb, &id).len(), 1, "{site} {id}");
        }
        assert_eq!(
            sb.hospital().registry.lock().unwrap().all().len(),
            persona_ids(&sb).len()
        );
        assert_no_pii(&sb, "");
    }
}

#[tokio::test]
async fn a_patient_registered_at_the_window_is_found_not_duplicated() {
    for site in SITES {
        let sb = common::start().await;
        let p = sb.world().persona("registered").unwrap();
        sb.hospital().registry.lock().unwrap().add(
            NewPatient {
                number: Some("W-000123".into()),
                name: p.name.clone(),
                credential_type: "01".into(),
                credential_number: p.credential_id.clone(),
                sex: Some("1".into()),
                birth_date: None,
                phone: None,
            },
            "admin",
        );
        let number = hand_off(&hospital(&sb, site), &sb, "registered")
            .await
            .unwrap();
        assert_eq!(number.as_str(), "W-000123", "{site}");
        assert_eq!(records(&sb, "registered").len(), 1, "{site}");
    }
}

#[tokio::test]
async fn each_fault_gives_its_code_and_no_personal_data() {
    logs();
    for site in SITES {
        let sb = common::start().await;
        let h = hospital(&sb, site);
        let cases = [
            (HisFaultKind::Slow { latency_ms: 1500 }, "HIS_TIMEOUT"),
            (HisFaultKind::Down, "HIS_UNREACHABLE"),
            (HisFaultKind::Status { status: 500 }, "HIS_SERVER_ERROR"),
            (HisFaultKind::Refuse, "HIS_REFUSED"),
            (HisFaultKind::Duplicate, "HIS_DUPLICATE_PATIENTS"),
            (HisFaultKind::Malformed, "HIS_ANSWER_INVALID"),
        ];
        for (kind, code) in cases {
            sb.hospital().reset();
            fault(&sb, Endpoint::Vendor, kind.clone());
            let err = hand_off(&h, &sb, "rare-char").await.unwrap_err();
            assert_eq!(err.code().as_str(), code, "{site} {kind:?}: {err}");
            assert_no_pii(&sb, &err.to_string());
            assert_no_pii(&sb, &format!("{err:?}"));
            match kind {
                // The site's own failure code, shown to staff.
                HisFaultKind::Refuse => {
                    let theirs = if site == "tianrui" {
                        "code: 0"
                    } else {
                        "code: -1"
                    };
                    assert!(err.to_string().contains(theirs), "{site}: {err}");
                }
                HisFaultKind::Malformed if site == "tianrui" => {
                    assert!(
                        err.to_string().contains("data.accountNo is missing"),
                        "{err}"
                    );
                }
                HisFaultKind::Malformed => {
                    assert!(
                        err.to_string()
                            .contains("the answer's body ends inside an element"),
                        "{err}"
                    );
                }
                _ => {}
            }
        }
    }
}

#[tokio::test]
async fn a_query_after_a_503_is_retried_and_registers_once() {
    let sb = common::start().await;
    let h = hospital_with(&sb, "zzj", profile_path("zzj"), 1);
    fault(&sb, Endpoint::Vendor, HisFaultKind::Status { status: 503 });
    let number = hand_off(&h, &sb, "minor").await.unwrap();
    let trades: Vec<String> = sb
        .hospital()
        .received(Some(Endpoint::Vendor))
        .iter()
        .map(|r| trade_of(&r.body))
        .collect();
    assert_eq!(trades, ["GETPATINFO", "GETPATINFO", "GETPATRECORD"]);
    let kept = records(&sb, "minor");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].number, number.as_str());
}

fn trade_of(xml: &str) -> String {
    let start = xml.find("<TradeCode>").unwrap() + "<TradeCode>".len();
    xml[start..start + xml[start..].find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn a_create_that_may_have_arrived_is_not_sent_again() {
    let sb = common::start().await;
    let h = hospital_with(&sb, "zzj", profile_path("zzj"), 3);
    // The query is held back until the 503 meant for the create is in place.
    fault(
        &sb,
        Endpoint::Vendor,
        HisFaultKind::Slow { latency_ms: 400 },
    );
    let admin = format!("{}/sandbox/hospital/faults", sb.base_url);
    let watcher = tokio::spawn({
        let hospital = sb.hospital().clone();
        async move {
            let client = reqwest::Client::new();
            loop {
                let faults = client.get(&admin).send().await.unwrap();
                let faults: Value = serde_json::from_slice(&faults.bytes().await.unwrap()).unwrap();
                if faults.as_array().is_some_and(Vec::is_empty) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            hospital.add_fault(HisFault {
                endpoint: Some(Endpoint::Vendor),
                kind: HisFaultKind::Status { status: 503 },
                times: Some(1),
            });
        }
    });
    let err = hand_off(&h, &sb, "with-phone").await.unwrap_err();
    watcher.await.unwrap();
    assert_eq!(err.code().as_str(), "HIS_SERVER_ERROR", "{err}");
    let trades: Vec<String> = sb
        .hospital()
        .received(Some(Endpoint::Vendor))
        .iter()
        .map(|r| trade_of(&r.body))
        .collect();
    assert_eq!(
        trades,
        ["GETPATINFO", "GETPATRECORD"],
        "the create was sent once"
    );
}

#[tokio::test]
async fn an_idempotent_create_that_timed_out_is_sent_again_and_not_duplicated() {
    let sb = common::start().await;
    let h = hospital_with(&sb, "tianrui", profile_path("tianrui"), 1);
    fault(
        &sb,
        Endpoint::Vendor,
        HisFaultKind::Slow { latency_ms: 1500 },
    );
    let number = hand_off(&h, &sb, "with-phone").await.unwrap();
    assert_eq!(sb.hospital().received(Some(Endpoint::Vendor)).len(), 2);
    let kept = records(&sb, "with-phone");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].number, number.as_str());
}

#[tokio::test]
async fn a_profile_with_the_wrong_sex_codes_is_caught_by_the_site() {
    let sb = common::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tianrui-gb-sex.toml");
    // GB/T 2261.1's codes, where 天瑞 codes 0 male, 1 female.
    let text = std::fs::read_to_string(profile_path("tianrui"))
        .unwrap()
        .replace(
            "male = 0\nfemale = 1\nunknown = 2",
            "male = 1\nfemale = 2\nunknown = 0",
        );
    std::fs::write(&file, text).unwrap();
    let h = hospital_with(&sb, "tianrui", file, 0);
    let err = hand_off(&h, &sb, "zhang-san").await.unwrap_err();
    assert_eq!(err.code().as_str(), "HIS_REFUSED", "{err}");
    assert!(sb.hospital().registry.lock().unwrap().all().is_empty());
}

#[tokio::test]
async fn the_profile_names_its_problems_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("site.toml");
    std::fs::write(
        &file,
        "format = \"xml\"\n[trade]\nfeild = \"Request/TradeCode\"\n",
    )
    .unwrap();
    let settings = HisSettings {
        adapter: AdapterSettings::Http(VendorSettings {
            url: "http://127.0.0.1:9/his".into(),
            profile: file,
        }),
        ..HisSettings::local()
    };
    let err = facekiosk_his::connect(&settings).unwrap_err();
    assert_eq!(err.code().as_str(), "HIS_SETUP");
    let text = err.to_string();
    for key in [
        "trade.feild: is not a known key",
        "trade.create: is required",
        "fields.name: is required",
        "answer.number: is required",
    ] {
        assert!(text.contains(key), "{key} not in {text}");
    }
    assert!(text.contains("site.toml"), "{text}");
}

async fn post(sb: &SandboxHandle, site: &str, headers: &[(&str, &str)], body: String) -> String {
    let mut request = reqwest::Client::new()
        .post(url(sb, &format!("vendor/{site}")))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let answer = request.send().await.unwrap();
    assert_eq!(answer.status(), 200);
    answer.text().await.unwrap()
}

#[tokio::test]
async fn the_json_site_refuses_a_wrong_field_with_its_code_naming_the_field() {
    let sb = common::start().await;
    let good = json!({
        "terminalId": "T1", "name": "张三", "idcardType": 1, "idcard": "110105198806120036", "sex": 0
    });
    let json_headers = [
        ("Content-Type", "application/json"),
        ("X-Trade-Code", "RegisterAccount"),
    ];
    let cases: [(Value, &str); 6] = [
        (json!({"sex": 1}), "sex"),
        (json!({"sex": "0"}), "sex"),
        (json!({"idcard": "110105198806120037"}), "idcard"),
        (json!({"idcardType": 9}), "idcardType"),
        (json!({"birthday": "1988-06-12"}), "birthday"),
        (json!({"mobile": "1391234"}), "mobile"),
    ];
    for (change, field) in cases {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let answer: Value =
            serde_json::from_str(&post(&sb, "tianrui", &json_headers, body.to_string()).await)
                .unwrap();
        assert_eq!(answer["code"], 0, "{field}");
        assert!(
            answer["msg"].as_str().unwrap().contains(field),
            "{field}: {answer}"
        );
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("name");
    let answer = post(&sb, "tianrui", &json_headers, missing.to_string()).await;
    assert!(answer.contains("name 缺失"), "{answer}");
    let answer = post(
        &sb,
        "tianrui",
        &[("Content-Type", "application/json")],
        good.to_string(),
    )
    .await;
    assert!(answer.contains("X-Trade-Code"), "{answer}");
    assert!(sb.hospital().registry.lock().unwrap().all().is_empty());
    let answer: Value =
        serde_json::from_str(&post(&sb, "tianrui", &json_headers, good.to_string()).await).unwrap();
    assert_eq!(answer["code"], 1);
    assert!(answer["data"]["accountNo"].is_string());
}

#[tokio::test]
async fn the_xml_site_refuses_a_wrong_element_with_its_code_naming_the_element() {
    let sb = common::start().await;
    let xml = |trade: &str, extra: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Request><TradeCode>{trade}</TradeCode>\
             <HOS_ID>H0001</HOS_ID><LTERMINAL_SN>T1</LTERMINAL_SN><ID_TYPE>01</ID_TYPE>\
             <SFZ_NO>110105198806120036</SFZ_NO>{extra}</Request>"
        )
    };
    let create = |extra: &str| xml("GETPATRECORD", &format!("<PAT_NAME>张三</PAT_NAME>{extra}"));
    let headers = [("Content-Type", "application/xml")];
    let cases = [
        (xml("GETPATINFO", "<PAT_NAME>张三</PAT_NAME>"), "PAT_NAME"),
        (
            create("<SEX>1</SEX><BIR_DATE>19880612</BIR_DATE>"),
            "BIR_DATE",
        ),
        (create("<SEX>0</SEX><BIR_DATE>1988-06-12</BIR_DATE>"), "SEX"),
        (create("<BIR_DATE>1988-06-12</BIR_DATE>"), "SEX"),
        (
            create("<SEX>1</SEX><BIR_DATE>1988-06-12</BIR_DATE><MOBILE_NO>x</MOBILE_NO>"),
            "MOBILE_NO",
        ),
        (xml("GETPATINFO", "").replace("H0001", "H9"), "HOS_ID"),
        (xml("REGISTER", ""), "TradeCode"),
        (
            format!("<!DOCTYPE r [<!ENTITY x \"y\">]>{}", xml("GETPATINFO", "")),
            "DOCTYPE",
        ),
    ];
    for (body, element) in cases {
        let answer = post(&sb, "zzj", &headers, body).await;
        assert!(
            answer.contains("<ResultCode>-2</ResultCode>"),
            "{element}: {answer}"
        );
        assert!(answer.contains(element), "{element}: {answer}");
    }
    assert!(sb.hospital().registry.lock().unwrap().all().is_empty());
    let answer = post(&sb, "zzj", &headers, xml("GETPATINFO", "")).await;
    assert!(answer.contains("<ResultCode>1</ResultCode>"), "{answer}");
    let good = create("<SEX>1</SEX><BIR_DATE>1988-06-12</BIR_DATE>");
    let answer = post(&sb, "zzj", &headers, good.clone()).await;
    assert!(
        answer.contains("<ResultCode>0</ResultCode>") && answer.contains("<HOSPATID>"),
        "{answer}"
    );
    // This site's create is not idempotent: it refuses an ID number it has.
    let answer = post(&sb, "zzj", &headers, good).await;
    assert!(answer.contains("<ResultCode>-3</ResultCode>"), "{answer}");
}
