use std::sync::{Arc, Mutex};
use std::time::Duration;

use facekiosk_pii::identity::{CredentialNumber, CredentialType, RealName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::codes::Credential;
use crate::demographics::{BirthDate, Sex};

fn settings(base_url: &str) -> FhirSettings {
    FhirSettings {
        base_url: base_url.into(),
        identifier_system: FhirSettings::DEFAULT_IDENTIFIER_SYSTEM.into(),
        patient_number_system: None,
    }
}

fn connection() -> Connection {
    Connection {
        request_timeout: Duration::from_secs(2),
        retries: 0,
        ..Connection::default()
    }
}

#[test]
fn settings_that_cannot_work_are_refused_naming_the_field() {
    let c = Connection::default();
    let err = FhirHospital::new(&settings("http://his.example.cn/fhir"), &c).unwrap_err();
    assert!(err.to_string().contains("base_url must use https"), "{err}");
    let err = FhirHospital::new(&settings("https://his.example.cn/fhir?x=1"), &c).unwrap_err();
    assert!(err.to_string().contains("base_url"), "{err}");
    let mut s = settings("https://his.example.cn/fhir");
    s.identifier_system = "id card".into();
    let err = FhirHospital::new(&s, &c).unwrap_err();
    assert!(err.to_string().contains("identifier_system"), "{err}");
    let mut s = settings("https://his.example.cn/fhir");
    s.patient_number_system = Some(s.identifier_system.clone());
    let err = FhirHospital::new(&s, &c).unwrap_err();
    assert!(err.to_string().contains("patient_number_system"), "{err}");
    FhirHospital::new(&settings("https://his.example.cn/fhir/"), &c).unwrap();
}

#[test]
fn a_location_is_read_only_under_the_base() {
    let base = url::Url::parse("https://his.example.cn/fhir/").unwrap();
    for ok in [
        "https://his.example.cn/fhir/Patient/42/_history/1",
        "https://his.example.cn/fhir/Patient/42",
        "Patient/42/_history/1",
        "/fhir/Patient/42",
    ] {
        assert_eq!(patient_id_in(&base, ok).unwrap(), "42", "{ok}");
    }
    for bad in [
        "https://evil.example.cn/fhir/Patient/42",
        "http://his.example.cn/fhir/Patient/42",
        "https://his.example.cn/fhir/Observation/42",
        "https://his.example.cn/fhir/Patient/4%202",
        "https://his.example.cn/fhir/Patient/42?x=1",
        "https://his.example.cn/fhir/Patient/42/_history",
        "https://his.example.cn/fhir/Patient/",
        "//evil.example.cn/fhir/Patient/42",
    ] {
        let err = patient_id_in(&base, bad).unwrap_err();
        match err {
            HisError::Malformed { field, .. } => assert_eq!(field, "Location", "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn it_names_everything_a_patient_can_carry() {
    let h = FhirHospital::new(
        &settings("https://his.example.cn/fhir"),
        &Connection::default(),
    )
    .unwrap();
    assert_eq!(
        h.sends(),
        [
            Sent::Name,
            Sent::Credential,
            Sent::Sex,
            Sent::BirthDate,
            Sent::Phone
        ]
    );
}

/// A one-connection-per-request HTTP server answering `answers` in turn; keeps each request
/// (head and body) as text.
async fn stub(answers: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/fhir", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    tokio::spawn(async move {
        for answer in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = socket.read(&mut buf).await.unwrap();
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).into_owned();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length || n == 0 {
                        break;
                    }
                }
            }
            kept.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request).into_owned());
            socket.write_all(answer.as_bytes()).await.unwrap();
            socket.shutdown().await.ok();
        }
    });
    (base, seen)
}

fn response(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

const ID: &str = "110105198806120036";

async fn register(base: &str) -> Result<PatientNumber, HisError> {
    let name = RealName::parse("张三".into()).unwrap();
    let number = CredentialNumber::parse(CredentialType::ResidentId, ID.into()).unwrap();
    let patient = HisPatient {
        name: &name,
        credential: Credential::ResidentId,
        credential_number: &number,
        sex: Sex::Male,
        birth_date: BirthDate::new(1988, 6, 12),
        phone: None,
    };
    let hospital = FhirHospital::new(&settings(base), &connection()).unwrap();
    Hospital::find_or_register(&hospital, &patient).await
}

#[tokio::test]
async fn a_create_answered_by_location_alone_is_read_there() {
    let patient = format!(
        r#"{{"resourceType":"Patient","id":"77","identifier":[{{"system":"urn:oid:2.16.156.10011.1.3","value":"{ID}"}}]}}"#
    );
    let (base, seen) = stub(vec![
        response("201 Created", "Location: Patient/77/_history/1\r\n", ""),
        response(
            "200 OK",
            "Content-Type: application/fhir+json\r\n",
            &patient,
        ),
    ])
    .await;
    let number = register(&base).await.unwrap();
    assert_eq!(number.as_str(), "77");
    let seen = seen.lock().unwrap();
    assert!(
        seen[0].starts_with("POST /fhir/Patient HTTP/1.1"),
        "{}",
        seen[0]
    );
    let head = seen[0].to_ascii_lowercase();
    assert!(head.contains("content-type: application/fhir+json"));
    assert!(head.contains("accept: application/fhir+json"));
    assert!(
        head.contains(&format!(
            "if-none-exist: identifier=urn%3aoid%3a2.16.156.10011.1.3%7c{ID}"
        )),
        "{head}"
    );
    assert!(
        seen[1].starts_with("GET /fhir/Patient/77 HTTP/1.1"),
        "{}",
        seen[1]
    );
}

#[tokio::test]
async fn a_location_elsewhere_is_not_followed() {
    let (base, seen) = stub(vec![response(
        "201 Created",
        "Location: http://127.0.0.2:9/fhir/Patient/77\r\n",
        "",
    )])
    .await;
    let err = register(&base).await.unwrap_err();
    assert!(
        matches!(&err, HisError::Malformed { field, .. } if field == "Location"),
        "{err:?}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_bodiless_create_without_location_names_the_body() {
    let (base, _) = stub(vec![response("200 OK", "", "")]).await;
    let err = register(&base).await.unwrap_err();
    assert!(
        matches!(&err, HisError::Malformed { field, .. } if field == "body"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_json_names_its_content_type() {
    let (base, _) = stub(vec![response(
        "200 OK",
        "Content-Type: text/html\r\n",
        "<html>proxy</html>",
    )])
    .await;
    let err = register(&base).await.unwrap_err();
    assert!(
        matches!(&err, HisError::Malformed { field, .. } if field == "Content-Type"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_proxys_error_page_is_the_status_not_an_unreadable_answer() {
    let (base, _) = stub(vec![response(
        "502 Bad Gateway",
        "Content-Type: text/html\r\n",
        "<html>bad gateway</html>",
    )])
    .await;
    let err = register(&base).await.unwrap_err();
    assert_eq!(
        err,
        HisError::Status {
            system: SYSTEM,
            status: 502
        }
    );
}
