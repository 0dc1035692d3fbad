//! The WS/T 846.2 hand-off end to end: the kiosk's adapter (`facekiosk-his`) against the
//! sandbox hospital's platform (SOAP `HIPMessageServer`), over real HTTP, in both SOAP
//! versions.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::his::{assert_no_pii, fault, hand_off, identity, logs, persona_ids, records, url};
use facekiosk_his::settings::{Connection, SoapVersion, Wst846Oids, Wst846Settings};
use facekiosk_his::{AdapterSettings, HisPatient, HisSettings, Hospital};
use facekiosk_sandbox::SandboxHandle;
use facekiosk_sandbox::hospital::registry::NewPatient;
use facekiosk_sandbox::hospital::{Endpoint, HisFaultKind};

const VERSIONS: [SoapVersion; 2] = [SoapVersion::V1_1, SoapVersion::V1_2];

fn settings(sb: &SandboxHandle, version: SoapVersion, register: bool) -> Wst846Settings {
    Wst846Settings {
        url: url(sb, "wst846"),
        soap_version: version,
        sender_id: "KIOSK-0001".into(),
        receiver_id: "HIP-PLATFORM".into(),
        organization_code: "12440300455755626N".into(),
        organization_name: "示例市人民医院".into(),
        register,
        patient_number_prefix: "ZZJ01-".into(),
        oids: Wst846Oids::default(),
        agreed: Default::default(),
        birth_date_required: false,
    }
}

fn hospital_with(
    sb: &SandboxHandle,
    version: SoapVersion,
    register: bool,
    retries: u32,
) -> Arc<dyn Hospital> {
    let settings = HisSettings {
        adapter: AdapterSettings::Wst846(Box::new(settings(sb, version, register))),
        patient_number_visible: None,
        connection: Connection {
            request_timeout: Duration::from_secs(1),
            retries,
            ..Connection::default()
        },
    };
    facekiosk_his::connect(&settings)
        .unwrap()
        .expect("wst846 is an adapter")
}

/// How many calls of `action` the platform received.
fn calls(sb: &SandboxHandle, action: &str) -> usize {
    sb.hospital()
        .received(Some(Endpoint::Wst846))
        .iter()
        .filter(|r| r.body.contains(&format!("<action>{action}</action>")))
        .count()
}

#[tokio::test]
async fn every_persona_is_registered_intact_once_and_found_again_in_both_soap_versions() {
    logs();
    let sb = common::start().await;
    for version in VERSIONS {
        sb.hospital().reset();
        let h = hospital_with(&sb, version, true, 0);
        for id in persona_ids(&sb) {
            let persona = sb.world().persona(&id).unwrap();
            let number = hand_off(&h, &sb, &id).await.unwrap();
            assert!(
                number.as_str().starts_with("ZZJ01-"),
                "{id}: the kiosk's namespace"
            );
            let kept = records(&sb, &id);
            assert_eq!(kept.len(), 1, "{id}");
            let r = &kept[0];
            assert_eq!(r.number, number.as_str(), "{id}");
            assert_eq!(r.name, persona.name, "{id}: the name as verified, whole");
            assert_eq!(r.credential_number, persona.credential_id, "{id}");
            assert_eq!(r.via, "wst846", "{id}");
            assert_eq!(r.phone, persona.phone, "{id}");
            if persona.credential_type == 2 {
                assert_eq!(r.credential_type, "03", "{id}");
                assert_eq!(r.sex.as_deref(), Some("0"), "{id}");
                assert_eq!(r.birth_date, None, "{id}: a passport says no birth date");
            } else {
                assert_eq!(r.credential_type, "01", "{id}");
                let digits = &persona.credential_id;
                let born = format!("{}-{}-{}", &digits[6..10], &digits[10..12], &digits[12..14]);
                assert_eq!(r.birth_date.as_deref(), Some(born.as_str()), "{id}");
                let odd = digits.as_bytes()[16] % 2 == 1;
                assert_eq!(r.sex.as_deref(), Some(if odd { "1" } else { "2" }), "{id}");
            }

            // The same patient again (a retry, a second visit): found by the query, the same
            // number, no second register sent.
            let registers = calls(&sb, "PatientInfoRegister");
            let again = hand_off(&h, &sb, &id).await.unwrap();
            assert_eq!(again, number, "{id}");
            assert_eq!(records(&sb, &id).len(), 1, "{id}");
            assert_eq!(calls(&sb, "PatientInfoRegister"), registers, "{id}");
        }
        let n = persona_ids(&sb).len();
        assert_eq!(sb.hospital().registry.lock().unwrap().all().len(), n);
        assert_eq!(calls(&sb, "PatientInfoRegister"), n, "{version:?}");
        assert_eq!(calls(&sb, "PatientInfoQuery"), 2 * n, "{version:?}");
        let received = sb.hospital().received(Some(Endpoint::Wst846));
        let (ct, action) = match version {
            SoapVersion::V1_1 => ("text/xml", "\"urn:hl7-org:v3/HIPMessageServer\""),
            SoapVersion::V1_2 => ("application/soap+xml", "urn:hl7-org:v3/HIPMessageServer"),
        };
        for r in &received {
            assert!(
                r.content_type.as_deref().unwrap().starts_with(ct),
                "{version:?}"
            );
            assert_eq!(r.action.as_deref(), Some(action), "{version:?}");
        }
        keep_for_validators(&received, version);
    }
    assert_no_pii(&sb, "");
}

#[tokio::test]
async fn the_name_travels_whole_escaped_twice() {
    let sb = common::start().await;
    let h = hospital_with(&sb, SoapVersion::V1_1, true, 0);
    hand_off(&h, &sb, "rare-char").await.unwrap();
    let received = sb.hospital().received(Some(Endpoint::Wst846));
    let register = received
        .iter()
        .find(|r| r.body.contains("PatientInfoRegister"))
        .unwrap();
    // The HL7 message is text inside the SOAP body: its markup escaped, the name intact.
    assert!(
        register
            .body
            .contains("&lt;part value=&quot;𠮷雅婷&quot;/&gt;"),
        "{}",
        register.body
    );
}

#[tokio::test]
async fn without_register_an_unknown_patient_is_not_registered_and_a_known_one_found() {
    let sb = common::start().await;
    for version in VERSIONS {
        sb.hospital().reset();
        let h = hospital_with(&sb, version, false, 0);
        let err = hand_off(&h, &sb, "zhang-san").await.unwrap_err();
        assert_eq!(err.code().as_str(), "HIS_NOT_REGISTERED");
        assert!(sb.hospital().registry.lock().unwrap().all().is_empty());
        assert_eq!(calls(&sb, "PatientInfoRegister"), 0);
        window(&sb, "registered", "W-000123");
        let number = hand_off(&h, &sb, "registered").await.unwrap();
        assert_eq!(number.as_str(), "W-000123", "{version:?}");
    }
}

/// Registers `persona` at the window, as the hospital's staff would.
fn window(sb: &SandboxHandle, persona: &str, number: &str) {
    let p = sb.world().persona(persona).unwrap();
    sb.hospital().registry.lock().unwrap().add(
        NewPatient {
            number: Some(number.into()),
            name: p.name.clone(),
            credential_type: "01".into(),
            credential_number: p.credential_id.clone(),
            sex: Some("1".into()),
            birth_date: None,
            phone: None,
        },
        "admin",
    );
}

#[tokio::test]
async fn a_patient_registered_at_the_window_is_found_not_duplicated() {
    let sb = common::start().await;
    window(&sb, "registered", "W-000123");
    for version in VERSIONS {
        let h = hospital_with(&sb, version, true, 0);
        let number = hand_off(&h, &sb, "registered").await.unwrap();
        assert_eq!(number.as_str(), "W-000123", "{version:?}");
        assert_eq!(records(&sb, "registered").len(), 1);
    }
    assert_eq!(calls(&sb, "PatientInfoRegister"), 0);
}

#[tokio::test]
async fn each_fault_gives_its_code_and_no_personal_data() {
    logs();
    let sb = common::start().await;
    let cases = [
        (HisFaultKind::Slow { latency_ms: 1500 }, "HIS_TIMEOUT"),
        (HisFaultKind::Down, "HIS_UNREACHABLE"),
        (HisFaultKind::Status { status: 500 }, "HIS_SERVER_ERROR"),
        (HisFaultKind::Status { status: 503 }, "HIS_SERVER_ERROR"),
        (HisFaultKind::Refuse, "HIS_REFUSED"),
        (HisFaultKind::Duplicate, "HIS_DUPLICATE_PATIENTS"),
        (HisFaultKind::Malformed, "HIS_ANSWER_INVALID"),
    ];
    for version in VERSIONS {
        let h = hospital_with(&sb, version, true, 0);
        for (kind, code) in cases.clone() {
            sb.hospital().reset();
            fault(&sb, Endpoint::Wst846, kind.clone());
            let err = hand_off(&h, &sb, "uyghur-name").await.unwrap_err();
            assert_eq!(err.code().as_str(), code, "{version:?} {kind:?}: {err}");
            assert_no_pii(&sb, &err.to_string());
            assert_no_pii(&sb, &format!("{err:?}"));
            if kind == HisFaultKind::Refuse {
                assert!(err.to_string().contains("REFUSED"), "{err}");
            }
            if kind == HisFaultKind::Malformed {
                assert!(err.to_string().contains("acknowledgement"), "{err}");
            }
            assert_eq!(calls(&sb, "PatientInfoRegister"), 0, "{kind:?}");
        }
    }
}

#[tokio::test]
async fn a_503_on_the_query_is_retried_and_registers_once() {
    let sb = common::start().await;
    let h = hospital_with(&sb, SoapVersion::V1_1, true, 1);
    fault(&sb, Endpoint::Wst846, HisFaultKind::Status { status: 503 });
    let number = hand_off(&h, &sb, "with-phone").await.unwrap();
    assert_eq!(calls(&sb, "PatientInfoQuery"), 2);
    assert_eq!(calls(&sb, "PatientInfoRegister"), 1);
    let kept = records(&sb, "with-phone");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].number, number.as_str());
}

/// Sends `message` as the call of `action` (SOAP 1.1), returns the status and the body.
async fn call(sb: &SandboxHandle, soap_action: &str, action: &str, message: &str) -> (u16, String) {
    let body = format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
         <HIPMessageServer xmlns=\"urn:hl7-org:v3\"><action>{action}</action><message>{}</message>\
         </HIPMessageServer></s:Body></s:Envelope>",
        message.replace('&', "&amp;").replace('<', "&lt;")
    );
    let answer = reqwest::Client::new()
        .post(url(sb, "wst846"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", soap_action)
        .body(body)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test]
async fn the_platform_answers_a_wrong_message_with_an_ae_naming_the_element() {
    let sb = common::start().await;
    const SOAP_ACTION: &str = "\"urn:hl7-org:v3/HIPMessageServer\"";
    // A query sent as a registration: the root does not match the action.
    let query = "<PRPA_IN201305UV02 xmlns=\"urn:hl7-org:v3\" ITSVersion=\"XML_1.0\"/>";
    let (status, body) = call(&sb, SOAP_ACTION, "PatientInfoRegister", query).await;
    assert_eq!(status, 200);
    assert!(body.contains("MCCI_IN000002UV01"), "{body}");
    assert!(body.contains("typeCode=&quot;AE&quot;"), "{body}");
    assert!(body.contains("root element"), "{body}");
    // Not XML at all: still an AE, not a 500.
    let (status, body) = call(&sb, SOAP_ACTION, "PatientInfoQuery", "not <xml").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("PRPA_IN201306UV02") && body.contains("AE"),
        "{body}"
    );
    // An unknown action or a wrong SOAPAction: a Client fault.
    let (status, body) = call(&sb, SOAP_ACTION, "PatientInfoDelete", query).await;
    assert_eq!(status, 500);
    assert!(
        body.contains("soap:Client") && body.contains("action"),
        "{body}"
    );
    let (status, body) = call(&sb, "urn:other", "PatientInfoQuery", query).await;
    assert_eq!(status, 500);
    assert!(
        body.contains("soap:Client") && body.contains("SOAPAction"),
        "{body}"
    );
    assert!(sb.hospital().registry.lock().unwrap().all().is_empty());
}

/// Writes the HL7 V3 messages the platform received to `FACEKIOSK_HIS_MESSAGES_DIR` (when set),
/// for an XSD validator outside Rust (`register-*.xml` against PatientInfoRegister.xsd,
/// `query-*.xml` against PatientInfoQuery.xsd).
fn keep_for_validators(received: &[facekiosk_sandbox::hospital::Received], version: SoapVersion) {
    let Some(dir) = std::env::var_os("FACEKIOSK_HIS_MESSAGES_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (i, r) in received.iter().enumerate() {
        let (Some(start), Some(end)) = (r.body.find("<message>"), r.body.find("</message>")) else {
            continue;
        };
        let message = r.body[start + "<message>".len()..end]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        let kind = if r.body.contains("<action>PatientInfoRegister</action>") {
            "register"
        } else {
            "query"
        };
        std::fs::write(dir.join(format!("{kind}-{version:?}-{i}.xml")), message).unwrap();
    }
}

/// A platform that knows no one and fails every registration as `register` says; counts the
/// registrations it receives.
async fn failing_platform(
    register: axum::http::StatusCode,
    delay: Duration,
) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use axum::http::header::CONTENT_TYPE;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let registers = Arc::new(AtomicUsize::new(0));
    let counted = registers.clone();
    let app = axum::Router::new().route(
        "/his/wst846",
        axum::routing::post(move |body: String| {
            let counted = counted.clone();
            async move {
                let envelope = |reply: &str| {
                    format!(
                        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
                         <HIPMessageServerResponse xmlns=\"urn:hl7-org:v3\"><HIPMessageServerResult>{}\
                         </HIPMessageServerResult></HIPMessageServerResponse></s:Body></s:Envelope>",
                        reply.replace('<', "&lt;")
                    )
                };
                if body.contains("<action>PatientInfoRegister</action>") {
                    counted.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    let fault = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\
                                 <s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>busy\
                                 </faultstring></s:Fault></s:Body></s:Envelope>";
                    return (register, [(CONTENT_TYPE, "text/xml")], fault.to_owned());
                }
                let none = "<PRPA_IN201306UV02 xmlns=\"urn:hl7-org:v3\"><acknowledgement typeCode=\"AA\"/>\
                            </PRPA_IN201306UV02>";
                (axum::http::StatusCode::OK, [(CONTENT_TYPE, "text/xml")], envelope(none))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/his/wst846", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, registers)
}

#[tokio::test]
async fn a_registration_that_failed_or_timed_out_is_not_sent_again() {
    let sb = common::start().await;
    let cases = [
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::ZERO,
            "HIS_SERVER_ERROR",
        ),
        (
            axum::http::StatusCode::OK,
            Duration::from_millis(1500),
            "HIS_TIMEOUT",
        ),
    ];
    for (status, delay, code) in cases {
        let (url, registers) = failing_platform(status, delay).await;
        let mut s = settings(&sb, SoapVersion::V1_1, true);
        s.url = url;
        let connection = Connection {
            request_timeout: Duration::from_secs(1),
            retries: 3,
            ..Connection::default()
        };
        let h = facekiosk_his::wst846::Wst846Hospital::new(&s, &connection).unwrap();
        let id = identity(&sb, "zhang-san");
        let patient = HisPatient::from_identity(&id).unwrap();
        let err = h.find_or_register(&patient).await.unwrap_err();
        assert_eq!(err.code().as_str(), code);
        // It may have arrived: the next try's query finds the patient if it did.
        assert_eq!(
            registers.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "{code}"
        );
    }
}

#[tokio::test]
async fn the_platform_checks_a_registration_strictly() {
    let sb = common::start().await;
    let h = hospital_with(&sb, SoapVersion::V1_1, true, 0);
    let number = hand_off(&h, &sb, "zhang-san").await.unwrap();
    let sent = sb.hospital().received(Some(Endpoint::Wst846));
    let register = sent
        .iter()
        .find(|r| r.body.contains("<action>PatientInfoRegister</action>"))
        .unwrap();
    let (start, end) = (
        register.body.find("<message>").unwrap() + "<message>".len(),
        register.body.find("</message>").unwrap(),
    );
    let message = register.body[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    // Another patient, so that only the broken element stands in the way.
    let other = message
        .replace("110105198806120036", "11010519491231002X")
        .replace(number.as_str(), "ZZJ01-OTHER");
    const SOAP_ACTION: &str = "\"urn:hl7-org:v3/HIPMessageServer\"";
    let (_, body) = call(&sb, SOAP_ACTION, "PatientInfoRegister", &other).await;
    assert!(body.contains("typeCode=&quot;AA&quot;"), "{body}");
    let cases = [
        (
            "12440300455755626N",
            "12440300455755626",
            "providerOrganization/id/item",
        ),
        ("\"2.16.156.10011.2.5.1.4\"", "\"1.2.3\"", "patient/id/item"),
        (
            "<part value=\"张三\"/>",
            "<part value=\"\"/>",
            "patientPerson/name/item/part/@value",
        ),
        (
            "code=\"1\" codeSystem=\"2.16.156.10011.2.3.3.4\"",
            "code=\"M\" codeSystem=\"2.16.156.10011.2.3.3.4\"",
            "patientPerson/administrativeGenderCode",
        ),
        (
            "extension=\"PRPA_IN201311UV02\"",
            "extension=\"PRPA_IN201314UV02\"",
            "interactionId/@extension",
        ),
    ];
    for (i, (from, to, element)) in cases.into_iter().enumerate() {
        assert!(message.contains(from), "{from}");
        let broken = message
            .replace(from, to)
            .replace("110105198806120036", &format!("44052418800101001{i}"))
            .replace(number.as_str(), &format!("ZZJ01-CASE{i}"));
        let (status, body) = call(&sb, SOAP_ACTION, "PatientInfoRegister", &broken).await;
        assert_eq!(status, 200, "{element}");
        assert!(
            body.contains("typeCode=&quot;AE&quot;"),
            "{element}: {body}"
        );
        assert!(body.contains(element), "{element}: {body}");
    }
    // Registered: the two good ones only.
    assert_eq!(sb.hospital().registry.lock().unwrap().all().len(), 2);
    // The same ID number again: 重复注册.
    let (_, body) = call(&sb, SOAP_ACTION, "PatientInfoRegister", &other).await;
    assert!(
        body.contains("DUPLICATE") && body.contains("重复注册"),
        "{body}"
    );
}

#[tokio::test]
async fn a_platform_that_requires_a_birth_date_gets_no_registration_without_one() {
    let sb = common::start().await;
    let mut s = settings(&sb, SoapVersion::V1_2, true);
    s.birth_date_required = true;
    let h = facekiosk_his::connect(&HisSettings {
        adapter: AdapterSettings::Wst846(Box::new(s)),
        patient_number_visible: None,
        connection: Connection::default(),
    })
    .unwrap()
    .unwrap();
    // A passport gives no date of birth: the window registers the holder.
    let err = hand_off(&h, &sb, "passport").await.unwrap_err();
    assert_eq!(err.code().as_str(), "HIS_UNSENDABLE");
    assert!(err.to_string().contains("birth_date_required"), "{err}");
    assert_no_pii(&sb, &err.to_string());
    assert_eq!(
        calls(&sb, "PatientInfoQuery"),
        1,
        "the platform was asked first"
    );
    assert_eq!(calls(&sb, "PatientInfoRegister"), 0);
    // Known to the platform already, the holder is found all the same.
    window(&sb, "passport", "W-000777");
    assert_eq!(
        hand_off(&h, &sb, "passport").await.unwrap().as_str(),
        "W-000777"
    );
    // A resident ID gives the date: registered as usual.
    hand_off(&h, &sb, "zhang-san").await.unwrap();
    assert_eq!(calls(&sb, "PatientInfoRegister"), 1);
}
