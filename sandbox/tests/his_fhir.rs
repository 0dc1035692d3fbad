//! The FHIR hand-off end to end: the kiosk's adapter (`facekiosk-his`) against the sandbox
//! hospital's FHIR server, over real HTTP.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::his::{assert_no_pii, fault, hand_off, logs, persona_ids, records, url};
use facekiosk_his::settings::{Connection, FhirSettings};
use facekiosk_his::{AdapterSettings, HisError, HisSettings, Hospital};
use facekiosk_sandbox::SandboxHandle;
use facekiosk_sandbox::hospital::registry::NewPatient;
use facekiosk_sandbox::hospital::{Endpoint, HisFaultKind};
use serde_json::{Value, json};

const NUMBER_SYSTEM: &str = "urn:oid:2.16.156.10011.2.5.1.4";

fn hospital_with(
    sb: &SandboxHandle,
    number_system: Option<&str>,
    retries: u32,
) -> Arc<dyn Hospital> {
    let settings = HisSettings {
        adapter: AdapterSettings::Fhir(FhirSettings {
            base_url: url(sb, "fhir"),
            identifier_system: FhirSettings::DEFAULT_IDENTIFIER_SYSTEM.into(),
            patient_number_system: number_system.map(str::to_owned),
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
        .expect("fhir is an adapter")
}

fn hospital(sb: &SandboxHandle) -> Arc<dyn Hospital> {
    hospital_with(sb, None, 0)
}

#[tokio::test]
async fn every_persona_is_registered_intact_once_and_found_again() {
    logs();
    let sb = common::start().await;
    let h = hospital(&sb);
    for id in persona_ids(&sb) {
        let persona = sb.world().persona(&id).unwrap();
        let number = hand_off(&h, &sb, &id).await.unwrap();
        let kept = records(&sb, &id);
        assert_eq!(kept.len(), 1, "{id}");
        let r = &kept[0];
        assert_eq!(r.number, number.as_str(), "{id}");
        assert_eq!(r.name, persona.name, "{id}: the name as verified, whole");
        assert_eq!(r.credential_number, persona.credential_id, "{id}");
        assert_eq!(r.via, "fhir", "{id}");
        assert_eq!(r.phone, persona.phone, "{id}");
        if persona.credential_type == 2 {
            assert_eq!(r.credential_type, "03", "{id}");
            assert_eq!(
                r.sex.as_deref(),
                Some("0"),
                "{id}: gender unknown, still sent"
            );
            assert_eq!(r.birth_date, None, "{id}: a passport says no birth date");
        } else {
            assert_eq!(r.credential_type, "01", "{id}");
            let digits = &persona.credential_id;
            let born = format!("{}-{}-{}", &digits[6..10], &digits[10..12], &digits[12..14]);
            assert_eq!(r.birth_date.as_deref(), Some(born.as_str()), "{id}");
            let odd = digits.as_bytes()[16] % 2 == 1;
            assert_eq!(r.sex.as_deref(), Some(if odd { "1" } else { "2" }), "{id}");
        }

        // The same patient again (a retry, a second visit): the same number, no new record.
        let again = hand_off(&h, &sb, &id).await.unwrap();
        assert_eq!(again, number, "{id}");
        assert_eq!(records(&sb, &id).len(), 1, "{id}");
    }
    assert_eq!(
        sb.hospital().registry.lock().unwrap().all().len(),
        persona_ids(&sb).len()
    );
    assert_no_pii(&sb, "");
}

#[tokio::test]
async fn the_name_travels_whole_in_name_text() {
    let sb = common::start().await;
    let h = hospital(&sb);
    hand_off(&h, &sb, "uyghur-name").await.unwrap();
    let received = sb.hospital().received(Some(Endpoint::Fhir));
    let sent: Value = serde_json::from_str(&received[0].body).unwrap();
    assert_eq!(
        sent["name"],
        json!([{"use": "official", "text": "阿卜杜·买买提"}])
    );
    assert_eq!(
        received[0].content_type.as_deref(),
        Some("application/fhir+json")
    );
}

#[tokio::test]
async fn a_patient_registered_at_the_window_is_found_not_duplicated() {
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
    for number_system in [None, Some(NUMBER_SYSTEM)] {
        let h = hospital_with(&sb, number_system, 0);
        let number = hand_off(&h, &sb, "registered").await.unwrap();
        assert_eq!(number.as_str(), "W-000123", "{number_system:?}");
        assert_eq!(records(&sb, "registered").len(), 1);
    }
}

#[tokio::test]
async fn the_number_is_read_from_the_configured_identifier() {
    let sb = common::start().await;
    let by_identifier = hospital_with(&sb, Some(NUMBER_SYSTEM), 0);
    let number = hand_off(&by_identifier, &sb, "zhang-san").await.unwrap();
    assert_eq!(number.as_str(), records(&sb, "zhang-san")[0].number);

    // A system the server does not use: the identifier is missing, named without a value.
    let elsewhere = hospital_with(&sb, Some("urn:oid:1.2.3.4"), 0);
    let err = hand_off(&elsewhere, &sb, "zhang-san").await.unwrap_err();
    assert_eq!(err.code().as_str(), "HIS_ANSWER_INVALID");
    assert!(
        matches!(&err, HisError::Malformed { field, .. } if field == "identifier[system=urn:oid:1.2.3.4]"),
        "{err:?}"
    );
    assert_no_pii(&sb, &err.to_string());
}

#[tokio::test]
async fn each_fault_gives_its_code_and_no_personal_data() {
    logs();
    let sb = common::start().await;
    let h = hospital(&sb);
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
        fault(&sb, Endpoint::Fhir, kind.clone());
        let err = hand_off(&h, &sb, "rare-char").await.unwrap_err();
        assert_eq!(err.code().as_str(), code, "{kind:?}: {err}");
        assert_no_pii(&sb, &err.to_string());
        assert_no_pii(&sb, &format!("{err:?}"));
        if kind == HisFaultKind::Refuse {
            assert!(err.to_string().contains("business-rule"), "{err}");
        }
    }
    // The capture does see the adapter's lines (so their lack of personal data means
    // something).
    assert!(logs().contents().contains("conditional create answered"));
}

#[tokio::test]
async fn a_503_is_retried_and_registers_once() {
    let sb = common::start().await;
    let h = hospital_with(&sb, None, 1);
    fault(&sb, Endpoint::Fhir, HisFaultKind::Status { status: 503 });
    let number = hand_off(&h, &sb, "minor").await.unwrap();
    assert_eq!(sb.hospital().received(Some(Endpoint::Fhir)).len(), 2);
    let kept = records(&sb, "minor");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].number, number.as_str());
}

#[tokio::test]
async fn a_conditional_create_that_timed_out_is_sent_again() {
    let sb = common::start().await;
    let h = hospital_with(&sb, None, 1);
    fault(&sb, Endpoint::Fhir, HisFaultKind::Slow { latency_ms: 1500 });
    let number = hand_off(&h, &sb, "with-phone").await.unwrap();
    // The first create may still be on its way: whenever it lands, its If-None-Exist finds
    // this record (the search and the add are one step under the registry's lock).
    let kept = records(&sb, "with-phone");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].number, number.as_str());
}

/// Sends `body` to the sandbox's create with `If-None-Exist` for the ID number `id`.
async fn post(sb: &SandboxHandle, content_type: &str, id: &str, body: &Value) -> (u16, Value) {
    post_accepting(sb, content_type, "application/fhir+json", id, body).await
}

async fn post_accepting(
    sb: &SandboxHandle,
    content_type: &str,
    accept: &str,
    id: &str,
    body: &Value,
) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(format!("{}/Patient", url(sb, "fhir")))
        .header("Content-Type", content_type)
        .header("Accept", accept)
        .header(
            "If-None-Exist",
            format!("identifier=urn%3Aoid%3A2.16.156.10011.1.3%7C{id}"),
        )
        .body(serde_json::to_vec(body).unwrap())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (
        status,
        serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn the_server_refuses_what_fhir_does_not_allow_naming_the_element() {
    let sb = common::start().await;
    const ID: &str = "110105198806120036";
    let good = json!({
        "resourceType": "Patient",
        "identifier": [{"system": "urn:oid:2.16.156.10011.1.3", "value": ID}],
        "name": [{"text": "张三"}],
        "gender": "male",
        "birthDate": "1988-06-12"
    });
    let broken = |path: &str, value: Value| {
        let mut b = good.clone();
        match path {
            "gender" => b["gender"] = value,
            "birthDate" => b["birthDate"] = value,
            "name" => b["name"] = value,
            "resourceType" => b["resourceType"] = value,
            "identifier" => b["identifier"] = value,
            _ => unreachable!(),
        }
        b
    };
    let cases = [
        (broken("gender", json!("1")), "Patient.gender"),
        (broken("birthDate", json!("19880612")), "Patient.birthDate"),
        (
            broken("name", json!([{"family": "张", "given": ["三"]}])),
            "Patient.name[0].text",
        ),
        (broken("resourceType", json!("Person")), "resourceType"),
        (
            broken(
                "identifier",
                json!([{"system": "urn:oid:2.16.156.10011.1.3"}]),
            ),
            "Patient.identifier[0].value",
        ),
        (
            broken(
                "identifier",
                json!([{"system": "urn:oid:2.16.156.10011.1.3", "value": ID,
                    "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "NNCHN"}]}}]),
            ),
            "Patient.identifier[0].type.coding[0].code",
        ),
    ];
    for (body, element) in cases {
        let (status, outcome) = post(&sb, "application/fhir+json", ID, &body).await;
        assert_eq!(status, 400, "{element}");
        assert_eq!(outcome["resourceType"], "OperationOutcome");
        assert_eq!(outcome["issue"][0]["expression"][0], element);
    }
    let (status, outcome) = post(&sb, "application/json", ID, &good).await;
    assert_eq!(status, 400);
    assert_eq!(outcome["issue"][0]["code"], "not-supported");
    let (status, _) = post_accepting(
        &sb,
        "application/fhir+json",
        "application/fhir+xml",
        ID,
        &good,
    )
    .await;
    assert_eq!(status, 406);
    // The condition must search the Patient's own identifier.
    let (status, _) = post(&sb, "application/fhir+json", "320106199203040029", &good).await;
    assert_eq!(status, 400);
    assert!(sb.hospital().registry.lock().unwrap().all().is_empty());

    let (status, created) = post(&sb, "application/fhir+json", ID, &good).await;
    assert_eq!(status, 201);
    assert_eq!(created["identifier"][1]["system"], NUMBER_SYSTEM);
    let (status, again) = post(&sb, "application/fhir+json", ID, &good).await;
    assert_eq!((status, &again["id"]), (200, &created["id"]));
}

#[tokio::test]
async fn search_and_read_answer_the_registered_patient() {
    let sb = common::start().await;
    let h = hospital(&sb);
    let number = hand_off(&h, &sb, "zhang-san").await.unwrap();
    let client = reqwest::Client::new();
    let bundle = client
        .get(format!(
            "{}/Patient?identifier=urn%3Aoid%3A2.16.156.10011.1.3%7C110105198806120036",
            url(&sb, "fhir")
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let bundle: Value = serde_json::from_slice(&bundle).unwrap();
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], 1);
    assert_eq!(bundle["entry"][0]["resource"]["id"], number.as_str());
    let read = client
        .get(format!("{}/Patient/{}", url(&sb, "fhir"), number.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let patient: Value = serde_json::from_slice(&read.bytes().await.unwrap()).unwrap();
    assert_eq!(patient["name"][0]["text"], "张三");
    let missing = client
        .get(format!("{}/Patient/0", url(&sb, "fhir")))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
