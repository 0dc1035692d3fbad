//! Reading the FHIR server's answer to the conditional create (or to the read that follows a
//! body-less create): the patient number, or why there is none.
//!
//! The answer is navigated as a `serde_json::Value` and every error is written here: serde's
//! own messages can quote the value they choked on, which here is a name or an ID number.

use serde_json::Value;

use crate::error::HisError;
use crate::patient::PatientNumber;
use crate::settings::FhirSettings;

/// Named in every error.
pub const SYSTEM: &str = "FHIR server";

/// The patient number in the answer to `POST Patient` (or `GET Patient/{id}`), for the
/// patient whose ID number is `id_number`.
///
/// - 200 or 201: the Patient; its ID-number identifier must be `id_number` (a server that
///   answers for someone else must not give this patient another's number); the number is
///   the identifier of `patient_number_system`, or else the resource id;
/// - 412: the If-None-Exist matched more than one patient: [`HisError::Ambiguous`];
/// - 400, 409, 422 with an OperationOutcome: [`HisError::Refused`] with the issue's code;
/// - anything else: [`HisError::Status`].
///
/// Pure, and never panics on any input (fuzzed: `his_fhir_answer`).
pub fn read_answer(
    status: u16,
    body: &[u8],
    settings: &FhirSettings,
    id_number: &str,
) -> Result<PatientNumber, HisError> {
    match status {
        200 | 201 => read_patient(body, settings, id_number),
        // The server does not say how many matched, only that it is more than one.
        412 => Err(HisError::Ambiguous {
            system: SYSTEM,
            count: 2,
        }),
        400 | 409 | 422 => match refusal_code(body) {
            Some(code) => Err(HisError::refused(SYSTEM, code)),
            // No OperationOutcome: a proxy's or a misrouted 4xx, not the server's judgement.
            None => Err(HisError::Status {
                system: SYSTEM,
                status,
            }),
        },
        _ => Err(HisError::Status {
            system: SYSTEM,
            status,
        }),
    }
}

/// The `code` of the OperationOutcome's first error (or first issue).
fn refusal_code(body: &[u8]) -> Option<&'static str> {
    let outcome: Value = serde_json::from_slice(body).ok()?;
    let issues = outcome
        .as_object()
        .filter(|o| o.get("resourceType").and_then(Value::as_str) == Some("OperationOutcome"))?
        .get("issue")?
        .as_array()?;
    let is_error = |i: &&Value| {
        matches!(
            i.get("severity").and_then(Value::as_str),
            Some("error" | "fatal")
        )
    };
    let issue = issues.iter().find(is_error).or_else(|| issues.first())?;
    Some(known_issue_code(issue.get("code")?.as_str()?))
}

/// The FHIR R4 issue-type code `code` is, or `other`: a server's free text never reaches the
/// error, even one `safe_code` would let through.
fn known_issue_code(code: &str) -> &'static str {
    const CODES: &[&str] = &[
        "invalid",
        "structure",
        "required",
        "value",
        "invariant",
        "security",
        "login",
        "unknown",
        "expired",
        "forbidden",
        "suppressed",
        "processing",
        "not-supported",
        "duplicate",
        "multiple-matches",
        "not-found",
        "deleted",
        "too-long",
        "code-invalid",
        "extension",
        "too-costly",
        "business-rule",
        "conflict",
        "transient",
        "lock-error",
        "no-store",
        "exception",
        "timeout",
        "incomplete",
        "throttled",
        "informational",
    ];
    CODES
        .iter()
        .find(|c| **c == code)
        .copied()
        .unwrap_or("other")
}

fn malformed(field: impl Into<String>, problem: &str) -> HisError {
    HisError::malformed(SYSTEM, field, problem)
}

/// The patient number in a Patient resource.
fn read_patient(
    body: &[u8],
    settings: &FhirSettings,
    id_number: &str,
) -> Result<PatientNumber, HisError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(malformed("body", "is empty"));
    }
    let resource: Value =
        serde_json::from_slice(body).map_err(|_| malformed("body", "is not JSON"))?;
    let resource = resource
        .as_object()
        .ok_or_else(|| malformed("body", "is not a JSON object"))?;
    match resource.get("resourceType") {
        None => return Err(malformed("resourceType", "is missing")),
        Some(Value::String(t)) if t == "Patient" => {}
        Some(_) => return Err(malformed("resourceType", "is not Patient")),
    }
    let identifiers = match resource.get("identifier") {
        None => return Err(malformed("identifier", "is missing")),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(malformed("identifier", "is not an array")),
    };
    let mut read = Vec::with_capacity(identifiers.len());
    for (i, identifier) in identifiers.iter().enumerate() {
        let Some(identifier) = identifier.as_object() else {
            return Err(malformed(format!("identifier[{i}]"), "is not an object"));
        };
        let text = |key: &str| match identifier.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(malformed(
                format!("identifier[{i}].{key}"),
                "is not a string",
            )),
        };
        read.push((text("system")?, text("value")?));
    }

    let id_field = format!("identifier[system={}]", settings.identifier_system);
    let mut ours = read
        .iter()
        .filter(|(s, _)| *s == Some(settings.identifier_system.as_str()))
        .peekable();
    if ours.peek().is_none() {
        return Err(malformed(
            id_field,
            "is missing: the answer does not say whose record it is",
        ));
    }
    if !ours.any(|(_, v)| v.is_some_and(|v| v.trim().eq_ignore_ascii_case(id_number))) {
        return Err(malformed(
            id_field,
            "is not the patient's: the server answered with another patient's record",
        ));
    }

    match &settings.patient_number_system {
        Some(system) => {
            let field = format!("identifier[system={system}]");
            let mut values = read
                .iter()
                .filter(|(s, _)| *s == Some(system.as_str()))
                .map(|(_, v)| *v);
            let first = values
                .next()
                .ok_or_else(|| malformed(&field, "is missing"))?;
            let value = first.ok_or_else(|| malformed(format!("{field}.value"), "is missing"))?;
            if values.any(|v| v != Some(value)) {
                return Err(malformed(
                    &field,
                    "appears more than once with different values",
                ));
            }
            PatientNumber::parse(value).map_err(|p| malformed(format!("{field}.value"), p))
        }
        None => {
            let id = match resource.get("id") {
                None => return Err(malformed("id", "is missing")),
                Some(Value::String(id)) => id,
                Some(_) => return Err(malformed("id", "is not a string")),
            };
            check_fhir_id(id).map_err(|p| malformed("id", p))?;
            PatientNumber::parse(id).map_err(|p| malformed("id", p))
        }
    }
}

/// FHIR's `id` type: `[A-Za-z0-9\-\.]{1,64}`.
pub fn check_fhir_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        return Err("is empty");
    }
    if id.len() > 64 {
        return Err("is longer than 64 characters");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Err("has characters other than A-Z, a-z, 0-9, '-' and '.'");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "11010519491231002X";
    const NUMBER_SYSTEM: &str = "urn:oid:2.16.156.10011.2.5.1.4";

    fn settings(number_system: bool) -> FhirSettings {
        FhirSettings {
            base_url: "http://127.0.0.1:1/fhir".into(),
            identifier_system: FhirSettings::DEFAULT_IDENTIFIER_SYSTEM.into(),
            patient_number_system: number_system.then(|| NUMBER_SYSTEM.into()),
        }
    }

    fn patient() -> Value {
        json!({
            "resourceType": "Patient",
            "id": "2026000001",
            "identifier": [
                {"system": FhirSettings::DEFAULT_IDENTIFIER_SYSTEM, "value": ID},
                {"system": NUMBER_SYSTEM, "value": "MR-0042"}
            ],
            "name": [{"text": "张三"}]
        })
    }

    fn read(status: u16, body: &Value, number_system: bool) -> Result<PatientNumber, HisError> {
        read_answer(
            status,
            &serde_json::to_vec(body).unwrap(),
            &settings(number_system),
            ID,
        )
    }

    /// The error's field, and a check that no value of the answer is in its message.
    fn field_of(err: HisError) -> String {
        let text = err.to_string();
        for value in [ID, "张三", "MR-0042", "2026000001", "someone", "bad id!"] {
            assert!(!text.contains(value), "{text}");
        }
        match err {
            HisError::Malformed { field, .. } => field,
            other => panic!("not Malformed: {other:?}"),
        }
    }

    #[test]
    fn the_number_is_the_id_or_the_configured_identifier() {
        assert_eq!(read(201, &patient(), false).unwrap().as_str(), "2026000001");
        assert_eq!(read(200, &patient(), true).unwrap().as_str(), "MR-0042");
    }

    #[test]
    fn the_id_number_may_differ_in_the_case_of_its_x() {
        let mut p = patient();
        p["identifier"][0]["value"] = json!(ID.to_lowercase());
        assert!(read(200, &p, false).is_ok());
    }

    #[test]
    fn another_patients_record_is_refused() {
        let mut p = patient();
        p["identifier"][0]["value"] = json!("110105194912310021");
        let err = read(200, &p, false).unwrap_err();
        assert!(err.to_string().contains("is not the patient's"), "{err}");
        assert_eq!(
            field_of(err),
            "identifier[system=urn:oid:2.16.156.10011.1.3]"
        );
    }

    #[test]
    fn each_malformed_answer_names_its_field() {
        let cases: Vec<(Value, bool, &str)> = vec![
            (json!("someone"), false, "body"),
            (json!({"resourceType": "Bundle"}), false, "resourceType"),
            (json!({"id": "1"}), false, "resourceType"),
            (
                json!({"resourceType": "Patient", "id": "1"}),
                false,
                "identifier",
            ),
            (
                json!({"resourceType": "Patient", "identifier": {"value": ID}}),
                false,
                "identifier",
            ),
            (
                json!({"resourceType": "Patient", "identifier": ["someone"]}),
                false,
                "identifier[0]",
            ),
            (
                json!({"resourceType": "Patient", "identifier": [{"system": 7}]}),
                false,
                "identifier[0].system",
            ),
            (
                json!({"resourceType": "Patient", "id": "1", "identifier": [{"value": ID}]}),
                false,
                "identifier[system=urn:oid:2.16.156.10011.1.3]",
            ),
        ];
        for (body, number_system, field) in cases {
            let err = read(200, &body, number_system).unwrap_err();
            assert_eq!(field_of(err), field, "{body}");
        }

        let mut p = patient();
        p.as_object_mut().unwrap().remove("id");
        assert_eq!(field_of(read(200, &p, false).unwrap_err()), "id");
        p["id"] = json!("bad id!");
        assert_eq!(field_of(read(200, &p, false).unwrap_err()), "id");
        p["id"] = json!("9".repeat(65));
        assert_eq!(field_of(read(200, &p, false).unwrap_err()), "id");
        p["id"] = json!(7);
        assert_eq!(field_of(read(200, &p, false).unwrap_err()), "id");

        let mut p = patient();
        p["identifier"].as_array_mut().unwrap().pop();
        let err = read(200, &p, true).unwrap_err();
        assert_eq!(
            field_of(err),
            "identifier[system=urn:oid:2.16.156.10011.2.5.1.4]"
        );
        p["identifier"]
            .as_array_mut()
            .unwrap()
            .push(json!({"system": NUMBER_SYSTEM}));
        assert_eq!(
            field_of(read(200, &p, true).unwrap_err()),
            "identifier[system=urn:oid:2.16.156.10011.2.5.1.4].value"
        );
        let mut p = patient();
        p["identifier"][1]["value"] = json!("号 码");
        assert_eq!(
            field_of(read(200, &p, true).unwrap_err()),
            "identifier[system=urn:oid:2.16.156.10011.2.5.1.4].value"
        );
        let mut p = patient();
        p["identifier"]
            .as_array_mut()
            .unwrap()
            .push(json!({"system": NUMBER_SYSTEM, "value": "MR-0043"}));
        assert_eq!(
            field_of(read(200, &p, true).unwrap_err()),
            "identifier[system=urn:oid:2.16.156.10011.2.5.1.4]"
        );

        for body in [&b""[..], b"  \n", b"{\"resourceType\":\"Pat", b"\xff\xfe"] {
            let err = read_answer(201, body, &settings(false), ID).unwrap_err();
            assert_eq!(field_of(err), "body");
        }
    }

    #[test]
    fn statuses_are_their_codes() {
        let outcome = |code: &str| {
            json!({"resourceType": "OperationOutcome", "issue": [
                {"severity": "warning", "code": "informational"},
                {"severity": "error", "code": code, "diagnostics": "张三 110105194912310021"}
            ]})
        };
        let err = read(422, &outcome("business-rule"), false).unwrap_err();
        assert_eq!(err, HisError::refused(SYSTEM, "business-rule"));
        assert!(!err.to_string().contains("张三"), "{err}");
        let err = read(409, &outcome("duplicate"), false).unwrap_err();
        assert_eq!(err, HisError::refused(SYSTEM, "duplicate"));
        // A code that is not FHIR's is not passed on.
        let err = read(400, &outcome("张三"), false).unwrap_err();
        assert_eq!(err, HisError::refused(SYSTEM, "other"));
        // A 400 without an OperationOutcome is not the server's refusal.
        let err = read(400, &json!({"error": "bad"}), false).unwrap_err();
        assert_eq!(err.code().as_str(), "HIS_SERVER_ERROR");

        let err = read(412, &outcome("multiple-matches"), false).unwrap_err();
        assert_eq!(err.code().as_str(), "HIS_DUPLICATE_PATIENTS");
        for status in [500, 503, 401, 404, 204] {
            let err = read(status, &outcome("exception"), false).unwrap_err();
            assert_eq!(
                err,
                HisError::Status {
                    system: SYSTEM,
                    status
                }
            );
        }
    }

    #[test]
    fn fhir_ids_follow_the_type() {
        assert!(check_fhir_id("a-Z.09").is_ok());
        assert!(check_fhir_id(&"a".repeat(64)).is_ok());
        for bad in ["", "a b", "a/b", "患者", &"a".repeat(65)] {
            assert!(check_fhir_id(bad).is_err(), "{bad}");
        }
    }
}
