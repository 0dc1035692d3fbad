//! The FHIR server's answer to the kiosk's conditional create (`facekiosk_his::fhir`):
//! arbitrary status and bytes never panic, and a patient number is read only from a 200 or
//! 201 Patient that carries the patient's own ID number, and is then a FHIR id (read from
//! `id`) or a printable number (read from the configured identifier).
#![no_main]

use facekiosk_his::fhir::{check_fhir_id, read_answer};
use facekiosk_his::settings::FhirSettings;
use libfuzzer_sys::fuzz_target;

const ID_NUMBER: &str = "11010519491231002X";

fuzz_target!(|data: &[u8]| {
    let Some((&[selector, by_identifier], body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let statuses = [200, 201, 400, 409, 412, 422, 500, 503, 404, 204];
    let status = statuses[usize::from(selector) % statuses.len()];
    let settings = FhirSettings {
        base_url: "https://his.example.cn/fhir".into(),
        identifier_system: FhirSettings::DEFAULT_IDENTIFIER_SYSTEM.into(),
        patient_number_system: (by_identifier % 2 == 1)
            .then(|| "urn:oid:2.16.156.10011.2.5.1.4".into()),
    };
    let Ok(number) = read_answer(status, body, &settings, ID_NUMBER) else {
        return;
    };
    assert!(matches!(status, 200 | 201), "a number from status {status}");
    // Written back, JSON's escapes are gone and the ID number reads as it is.
    let resource: serde_json::Value = serde_json::from_slice(body).expect("a number from JSON");
    let text = serde_json::to_string(&resource).expect("a Value writes");
    assert!(
        text.to_ascii_uppercase().contains(ID_NUMBER),
        "a number from an answer without the patient's ID number"
    );
    let n = number.as_str();
    assert!(!n.is_empty() && n.len() <= 64 && n.bytes().all(|b| b.is_ascii_graphic()));
    if settings.patient_number_system.is_none() {
        assert!(check_fhir_id(n).is_ok(), "an id that is not a FHIR id");
    }
});
