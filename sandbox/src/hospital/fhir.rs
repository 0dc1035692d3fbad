//! The hospital's FHIR R4 server, `Patient` only, written from the FHIR specification (not
//! from the kiosk's adapter) so it catches the kiosk's mistakes:
//!
//! - `POST /his/fhir/Patient`: create, conditional on `If-None-Exist: identifier=system|value`
//!   (none found: 201 and a new number; one: 200 and that patient; more: 412);
//! - `GET /his/fhir/Patient?identifier=system|value`: a searchset Bundle;
//! - `GET /his/fhir/Patient/{id}`: a read.
//!
//! What it receives is checked strictly and refused with 400 and an OperationOutcome whose
//! `expression` names the element. The Patient answered has `id` = the hospital's number and
//! two identifiers: the ID number (under the system asked) and the number under
//! [`NUMBER_SYSTEM`].

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::registry::{HospitalPatient, NewPatient};
use super::{Endpoint, Hospital, Received, begin};
use crate::front::ConnHandle;

const FHIR_JSON: &str = "application/fhir+json";
/// The hospital's patient number (本地患者ID in the platform's standard).
pub const NUMBER_SYSTEM: &str = "urn:oid:2.16.156.10011.2.5.1.4";
/// The ID number's system when a read does not say which the client uses.
pub const ID_SYSTEM: &str = "urn:oid:2.16.156.10011.1.3";
const V2_0203: &str = "http://terminology.hl7.org/CodeSystem/v2-0203";
/// CV02.01.101, the standard's ID document types.
const CREDENTIAL_SYSTEM: &str = "urn:oid:2.16.156.10011.2.3.1.1";
/// v2-0203 codes a person's identifier may have here (the table holds 140-odd, most for
/// accounts, licences and specimens).
const V2_PERSON_CODES: &[&str] = &[
    "NI", "PPN", "MI", "DL", "PI", "MR", "PN", "PRN", "CZ", "BCT", "DP", "NH", "JHN", "SS",
];
const CREDENTIAL_CODES: &[&str] = &["01", "02", "03", "04", "05", "06", "07", "99"];
const GENDERS: &[&str] = &["male", "female", "other", "unknown"];
const TELECOM_SYSTEMS: &[&str] = &["phone", "fax", "email", "pager", "url", "sms", "other"];

pub(super) fn routes() -> Router<Arc<Hospital>> {
    Router::new()
        .route("/his/fhir/Patient", post(create).get(search))
        .route("/his/fhir/Patient/{id}", get(read))
}

/// An OperationOutcome with one issue.
fn outcome(status: StatusCode, code: &str, expression: Option<&str>, text: &str) -> Response {
    let mut issue = json!({ "severity": "error", "code": code, "diagnostics": text });
    if let Some(e) = expression {
        issue["expression"] = json!([e]);
    }
    fhir(
        status,
        json!({ "resourceType": "OperationOutcome", "issue": [issue] }),
    )
}

fn invalid(expression: &str, text: &str) -> Response {
    outcome(StatusCode::BAD_REQUEST, "invalid", Some(expression), text)
}

fn fhir(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, FHIR_JSON)],
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response()
}

/// The error body of a status fault, as a FHIR server sends one.
fn status_error(status: StatusCode) -> Response {
    let code = if status.is_server_error() {
        "exception"
    } else {
        "processing"
    };
    outcome(
        status,
        code,
        None,
        "the server could not process the request",
    )
}

fn keep(hospital: &Hospital, method: &str, uri: &Uri, headers: &HeaderMap, body: &[u8]) {
    hospital.receive(Received {
        endpoint: Endpoint::Fhir,
        method: method.into(),
        target: uri
            .path_and_query()
            .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned()),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        action: None,
        body: String::from_utf8_lossy(body).into_owned(),
    });
}

/// The Patient resource of `record`, its ID number under `id_system`.
fn resource(record: &HospitalPatient, id_system: &str) -> Value {
    let mut p = json!({
        "resourceType": "Patient",
        "id": record.number,
        "meta": { "versionId": "1" },
        "identifier": [
            { "use": "official", "system": id_system, "value": record.credential_number },
            {
                "use": "usual",
                "type": { "coding": [{ "system": V2_0203, "code": "MR" }] },
                "system": NUMBER_SYSTEM,
                "value": record.number
            }
        ],
        "active": true,
        "name": [{ "text": record.name }],
    });
    let gender = match record.sex.as_deref() {
        Some("1") => "male",
        Some("2") => "female",
        Some("9") => "other",
        _ => "unknown",
    };
    p["gender"] = json!(gender);
    if let Some(d) = &record.birth_date {
        p["birthDate"] = json!(d);
    }
    if let Some(phone) = &record.phone {
        p["telecom"] = json!([{ "system": "phone", "value": phone }]);
    }
    p
}

/// A token search `system|value` (FHIR escaping: `\|`, `\,`, `\$`, `\\`), both parts
/// required here.
fn token(text: &str) -> Option<(String, String)> {
    let mut parts = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => parts.last_mut()?.push(chars.next()?),
            '|' => parts.push(String::new()),
            ',' | '$' => return None,
            c => parts.last_mut()?.push(c),
        }
    }
    match <[String; 2]>::try_from(parts) {
        Ok([system, value]) if !system.is_empty() && !value.is_empty() => Some((system, value)),
        _ => None,
    }
}

/// The one `identifier` parameter of a search (the query string, or `If-None-Exist`).
fn identifier_search(query: &str) -> Result<(String, String), &'static str> {
    let mut found = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if key != "identifier" || found.is_some() {
            return Err("only one search parameter is supported: identifier=system|value");
        }
        found = Some(token(&value).ok_or("identifier must be system|value, both present")?);
    }
    found.ok_or("identifier=system|value is required")
}

async fn create(
    State(hospital): State<Arc<Hospital>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    keep(&hospital, "POST", &uri, &headers, &body);
    let altered = match begin(&hospital, Endpoint::Fhir, Some(&conn), status_error).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    if !accepts_json(&headers) {
        return outcome(
            StatusCode::NOT_ACCEPTABLE,
            "not-supported",
            None,
            "Accept must allow application/fhir+json: this server answers nothing else",
        );
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    if content_type != Some(FHIR_JSON) {
        return outcome(
            StatusCode::BAD_REQUEST,
            "not-supported",
            None,
            "Content-Type must be application/fhir+json",
        );
    }
    let conditional = match headers.get("if-none-exist") {
        None => None,
        Some(v) => match v
            .to_str()
            .map_err(|_| "is not ASCII")
            .and_then(identifier_search)
        {
            Ok(search) => Some(search),
            Err(problem) => {
                return outcome(
                    StatusCode::BAD_REQUEST,
                    "invalid",
                    None,
                    &format!("If-None-Exist: {problem}"),
                );
            }
        },
    };
    let patient = match checked_patient(&body) {
        Ok(p) => p,
        Err(response) => return response,
    };
    // The condition must be on the patient's own ID number, or the search and the record
    // disagree about who this is.
    let id_system = match &conditional {
        Some((system, value)) => {
            if !patient
                .identifiers
                .iter()
                .any(|(s, v)| s == system && v == value)
            {
                return outcome(
                    StatusCode::BAD_REQUEST,
                    "invalid",
                    Some("Patient.identifier"),
                    "If-None-Exist searches an identifier the Patient does not have",
                );
            }
            system.clone()
        }
        None => patient.identifiers[0].0.clone(),
    };
    let id_number = patient
        .identifiers
        .iter()
        .find(|(s, _)| *s == id_system)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if altered.refuse {
        return outcome(
            StatusCode::UNPROCESSABLE_ENTITY,
            "business-rule",
            None,
            "the hospital does not accept this registration",
        );
    }

    let mut registry = hospital.registry.lock().expect("registry");
    if altered.duplicate {
        // The hospital holds two records of this ID number (one registered at the window).
        while registry.find(&id_number).len() < 2 {
            let mut copy = patient.new.clone();
            copy.credential_number = id_number.clone();
            registry.add(copy, "admin");
        }
    }
    let (status, record) = match conditional {
        None => (
            StatusCode::CREATED,
            registry.add(new_record(&patient, &id_number), "fhir"),
        ),
        Some(_) => match registry.find(&id_number).as_slice() {
            [] => (
                StatusCode::CREATED,
                registry.add(new_record(&patient, &id_number), "fhir"),
            ),
            [one] => (StatusCode::OK, (*one).clone()),
            more => {
                return outcome(
                    StatusCode::PRECONDITION_FAILED,
                    "multiple-matches",
                    None,
                    &format!("{} patients match If-None-Exist", more.len()),
                );
            }
        },
    };
    drop(registry);
    let body = resource(&record, &id_system);
    if altered.malformed {
        let text = serde_json::to_string(&body).unwrap_or_default();
        let cut: String = text.chars().take(text.chars().count() / 2).collect();
        return (StatusCode::OK, [(header::CONTENT_TYPE, FHIR_JSON)], cut).into_response();
    }
    let mut response = fhir(status, body);
    if status == StatusCode::CREATED
        && let Ok(location) =
            HeaderValue::from_str(&format!("/his/fhir/Patient/{}/_history/1", record.number))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `Accept` absent (FHIR: the server's default, JSON here) or allowing FHIR JSON.
fn accepts_json(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return true;
    };
    let Ok(accept) = accept.to_str() else {
        return false;
    };
    accept.split(',').any(|range| {
        let media = range.split(';').next().unwrap_or_default().trim();
        matches!(
            media,
            FHIR_JSON | "application/json" | "application/*" | "*/*"
        )
    })
}

fn new_record(patient: &Checked, id_number: &str) -> NewPatient {
    let mut new = patient.new.clone();
    new.credential_number = id_number.to_owned();
    new
}

/// A Patient as received, checked.
struct Checked {
    /// `(system, value)` of every identifier.
    identifiers: Vec<(String, String)>,
    /// The registration (its `credential_number` is set once the ID identifier is known).
    new: NewPatient,
}

/// The body as a FHIR R4 Patient, every element this hospital uses checked.
fn checked_patient(body: &[u8]) -> Result<Checked, Response> {
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        outcome(
            StatusCode::BAD_REQUEST,
            "structure",
            None,
            "the body is not JSON",
        )
    })?;
    let p = value
        .as_object()
        .ok_or_else(|| invalid("Patient", "the body is not a JSON object"))?;
    if p.get("resourceType").and_then(Value::as_str) != Some("Patient") {
        return Err(invalid("resourceType", "must be Patient"));
    }
    if p.contains_key("id") {
        return Err(invalid("Patient.id", "a create must not carry an id"));
    }
    if let Some(active) = p.get("active")
        && !active.is_boolean()
    {
        return Err(invalid("Patient.active", "must be true or false"));
    }
    let (identifiers, credential_type) = identifiers(p)?;
    let name = name(p)?;
    let sex = match p.get("gender") {
        None => return Err(invalid("Patient.gender", "is required here")),
        Some(Value::String(g)) if GENDERS.contains(&g.as_str()) => match g.as_str() {
            "male" => "1",
            "female" => "2",
            "other" => "9",
            _ => "0",
        },
        Some(_) => {
            return Err(invalid(
                "Patient.gender",
                "must be a code of administrative-gender (male, female, other, unknown)",
            ));
        }
    };
    let birth_date = match p.get("birthDate") {
        None => None,
        Some(Value::String(d)) if fhir_date(d) => Some(d.clone()),
        Some(_) => {
            return Err(invalid(
                "Patient.birthDate",
                "must be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD), a real one",
            ));
        }
    };
    let phone = telecom_phone(p)?;
    Ok(Checked {
        identifiers,
        new: NewPatient {
            number: None,
            name,
            credential_type,
            credential_number: String::new(),
            sex: Some(sex.into()),
            birth_date,
            phone,
        },
    })
}

/// Every identifier's `(system, value)`, and the ID document type (CV02.01.101) its type
/// coding says.
fn identifiers(p: &Map<String, Value>) -> Result<(Vec<(String, String)>, String), Response> {
    let list = match p.get("identifier") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        _ => {
            return Err(invalid(
                "Patient.identifier",
                "is required: an array of at least one identifier",
            ));
        }
    };
    let mut out = Vec::new();
    let mut credential_type = None;
    for (i, identifier) in list.iter().enumerate() {
        let at = |tail: &str| format!("Patient.identifier[{i}]{tail}");
        let system = identifier.get("system").and_then(Value::as_str);
        let Some(system) = system.filter(|s| s.contains(':') && !s.contains(char::is_whitespace))
        else {
            return Err(invalid(&at(".system"), "is required: an absolute URI"));
        };
        let value = identifier.get("value").and_then(Value::as_str);
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            return Err(invalid(&at(".value"), "is required"));
        };
        if let Some(type_) = identifier.get("type") {
            let codings = match type_.get("coding") {
                None => &Vec::new(),
                Some(Value::Array(c)) => c,
                Some(_) => return Err(invalid(&at(".type.coding"), "must be an array")),
            };
            for (j, coding) in codings.iter().enumerate() {
                let at = |tail: &str| at(&format!(".type.coding[{j}]{tail}"));
                let code = coding.get("code").and_then(Value::as_str);
                match coding.get("system").and_then(Value::as_str) {
                    Some(V2_0203) => match code {
                        Some(c) if V2_PERSON_CODES.contains(&c) => {
                            if credential_type.is_none() {
                                credential_type = match c {
                                    "NI" => Some("01"),
                                    "PPN" => Some("03"),
                                    "MI" => Some("04"),
                                    _ => None,
                                };
                            }
                        }
                        _ => {
                            return Err(invalid(
                                &at(".code"),
                                "is not a person identifier code of v2-0203",
                            ));
                        }
                    },
                    Some(CREDENTIAL_SYSTEM) => match code {
                        Some(c) if CREDENTIAL_CODES.contains(&c) => {
                            // The standard's own code wins over the v2 mapping.
                            credential_type = CREDENTIAL_CODES.iter().copied().find(|k| *k == c);
                        }
                        _ => return Err(invalid(&at(".code"), "is not a code of CV02.01.101")),
                    },
                    Some(_) => {}
                    None => return Err(invalid(&at(".system"), "is required")),
                }
            }
        }
        out.push((system.to_owned(), value.to_owned()));
    }
    Ok((out, credential_type.unwrap_or("99").to_owned()))
}

/// `name[0].text`: the name whole, as this hospital prints it on the card.
fn name(p: &Map<String, Value>) -> Result<String, Response> {
    let first = match p.get("name") {
        Some(Value::Array(a)) if !a.is_empty() => &a[0],
        _ => {
            return Err(invalid(
                "Patient.name",
                "is required: at least one HumanName",
            ));
        }
    };
    match first.get("text").and_then(Value::as_str) {
        Some(t) if !t.trim().is_empty() => Ok(t.to_owned()),
        _ => Err(invalid(
            "Patient.name[0].text",
            "is required: the full name as written",
        )),
    }
}

/// The first phone of `telecom`, every entry checked.
fn telecom_phone(p: &Map<String, Value>) -> Result<Option<String>, Response> {
    let list = match p.get("telecom") {
        None => return Ok(None),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(invalid("Patient.telecom", "must be an array")),
    };
    let mut phone = None;
    for (i, contact) in list.iter().enumerate() {
        let system = contact.get("system").and_then(Value::as_str);
        if !system.is_some_and(|s| TELECOM_SYSTEMS.contains(&s)) {
            return Err(invalid(
                &format!("Patient.telecom[{i}].system"),
                "must be a code of contact-point-system",
            ));
        }
        let Some(value) = contact.get("value").and_then(Value::as_str) else {
            return Err(invalid(
                &format!("Patient.telecom[{i}].value"),
                "is required",
            ));
        };
        if system == Some("phone") && phone.is_none() {
            phone = Some(value.to_owned());
        }
    }
    Ok(phone)
}

/// FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date.
fn fhir_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok())?
    };
    let Some(year) = parts.first().and_then(|y| number(y, 4)) else {
        return false;
    };
    match parts.as_slice() {
        [_] => true,
        [_, m] => number(m, 2).is_some_and(|m| (1..=12).contains(&m)),
        [_, m, d] => {
            let (Some(m), Some(d)) = (number(m, 2), number(d, 2)) else {
                return false;
            };
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let days = match m {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => return false,
            };
            (1..=days).contains(&d)
        }
        _ => false,
    }
}

async fn search(
    State(hospital): State<Arc<Hospital>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    keep(&hospital, "GET", &uri, &headers, b"");
    let altered = match begin(&hospital, Endpoint::Fhir, Some(&conn), status_error).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let (system, value) = match identifier_search(query.as_deref().unwrap_or_default()) {
        Ok(s) => s,
        Err(problem) => return outcome(StatusCode::BAD_REQUEST, "invalid", None, problem),
    };
    if altered.refuse {
        return outcome(
            StatusCode::FORBIDDEN,
            "forbidden",
            None,
            "this client may not search patients",
        );
    }
    let mut registry = hospital.registry.lock().expect("registry");
    if altered.duplicate
        && let Some(first) = registry.find(&value).first().map(|p| (*p).clone())
    {
        registry.add(
            NewPatient {
                number: None,
                name: first.name,
                credential_type: first.credential_type,
                credential_number: first.credential_number,
                sex: first.sex,
                birth_date: first.birth_date,
                phone: first.phone,
            },
            "admin",
        );
    }
    let entries: Vec<Value> = registry
        .find(&value)
        .into_iter()
        .map(|p| {
            json!({
                "fullUrl": format!("Patient/{}", p.number),
                "resource": resource(p, &system),
                "search": { "mode": "match" }
            })
        })
        .collect();
    drop(registry);
    if altered.malformed {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, FHIR_JSON)],
            "{\"resourceType\":\"Bundle\",\"entry\":[",
        )
            .into_response();
    }
    fhir(
        StatusCode::OK,
        json!({
            "resourceType": "Bundle",
            "type": "searchset",
            "total": entries.len(),
            "entry": entries
        }),
    )
}

async fn read(
    State(hospital): State<Arc<Hospital>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    keep(&hospital, "GET", &uri, &headers, b"");
    let altered = match begin(&hospital, Endpoint::Fhir, Some(&conn), status_error).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let record = hospital
        .registry
        .lock()
        .expect("registry")
        .by_number(&id)
        .cloned();
    let Some(record) = record else {
        return outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            None,
            "no Patient with this id",
        );
    };
    if altered.malformed {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, FHIR_JSON)],
            "{\"resourceType\":",
        )
            .into_response();
    }
    fhir(StatusCode::OK, resource(&record, ID_SYSTEM))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_unescape_and_need_both_parts() {
        assert_eq!(
            token("urn:oid:1.2|110105"),
            Some(("urn:oid:1.2".into(), "110105".into()))
        );
        assert_eq!(
            token(r"http://x/a\,b\|c|1"),
            Some(("http://x/a,b|c".into(), "1".into()))
        );
        for bad in [
            "110105",
            "|110105",
            "urn:oid:1.2|",
            "a|b|c",
            "a|b,c",
            "a|b\\",
        ] {
            assert_eq!(token(bad), None, "{bad}");
        }
    }

    #[test]
    fn if_none_exist_is_one_identifier_parameter() {
        assert_eq!(
            identifier_search("identifier=urn%3Aoid%3A1.2%7C110105"),
            Ok(("urn:oid:1.2".into(), "110105".into()))
        );
        assert!(identifier_search("name=x").is_err());
        assert!(identifier_search("identifier=a|1&identifier=a|2").is_err());
        assert!(identifier_search("").is_err());
    }

    #[test]
    fn dates_are_fhir_dates_and_real() {
        for ok in ["1988", "1988-06", "1988-06-12", "2000-02-29"] {
            assert!(fhir_date(ok), "{ok}");
        }
        for bad in [
            "19880612",
            "1988-6-12",
            "1988-13",
            "1900-02-29",
            "1988-06-31",
            "",
        ] {
            assert!(!fhir_date(bad), "{bad}");
        }
    }
}
