//! The FHIR R4 `Patient` the kiosk sends, and the `If-None-Exist` that makes its create
//! conditional.
//!
//! The resource borrows the patient's strings and is written straight into a buffer the
//! caller wipes, so the clear name and ID number are never copied into a `serde_json::Value`
//! that would drop unwiped.

use serde::Serialize;
use zeroize::Zeroizing;

use crate::codes::Credential;
use crate::demographics::Sex;
use crate::patient::HisPatient;

/// HL7 v2 table 0203 (identifier type) as FHIR names it.
pub const V2_0203: &str = "http://terminology.hl7.org/CodeSystem/v2-0203";

/// The type of the ID document in HL7 v2 table 0203, when the table has one that fits.
///
/// A resident ID number is the national unique individual identifier (`NI`). The table's
/// `NNxxx` ("national person identifier where xxx is the ISO country code") is a pattern in
/// the v2 table, not a concept of the `v2-0203` CodeSystem, so `NNCHN` would fail a
/// terminology check. Passports are `PPN`, a military officer's card `MI`. The household
/// register and the travel permits have no code in the table: they carry only the
/// standard's CV02.01.101 coding, which every Chinese system reads anyway.
fn v2_identifier_type(credential: Credential) -> Option<(&'static str, &'static str)> {
    match credential {
        Credential::ResidentId => Some(("NI", "National unique individual identifier")),
        Credential::Passport => Some(("PPN", "Passport number")),
        Credential::MilitaryOfficer => Some(("MI", "Military ID number")),
        Credential::HouseholdRegister
        | Credential::HomeReturnPermit
        | Credential::TaiwanCompatriotPermit
        | Credential::Other => None,
    }
}

/// FHIR administrative-gender.
pub fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
        Sex::Unknown => "unknown",
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Patient<'a> {
    resource_type: &'static str,
    identifier: [Identifier<'a>; 1],
    active: bool,
    name: [HumanName<'a>; 1],
    gender: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    telecom: Vec<ContactPoint<'a>>,
}

#[derive(Serialize)]
struct Identifier<'a> {
    #[serde(rename = "use")]
    use_: &'static str,
    #[serde(rename = "type")]
    type_: CodeableConcept,
    system: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct CodeableConcept {
    coding: Vec<Coding>,
    text: &'static str,
}

#[derive(Serialize)]
struct Coding {
    system: &'static str,
    code: &'static str,
    display: &'static str,
}

/// The name as WeChat verified it, whole: a Chinese name has no reliable family/given split
/// (compound surnames, minority names with a middle dot), and a wrong split is worse than
/// none. `text` is what FHIR defines for exactly this.
#[derive(Serialize)]
struct HumanName<'a> {
    #[serde(rename = "use")]
    use_: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct ContactPoint<'a> {
    system: &'static str,
    value: &'a str,
    #[serde(rename = "use")]
    use_: &'static str,
}

/// The Patient resource of `patient`, its ID number under `identifier_system`, as JSON bytes
/// that wipe themselves.
pub fn patient_json(patient: &HisPatient<'_>, identifier_system: &str) -> Zeroizing<Vec<u8>> {
    let mut coding = Vec::with_capacity(2);
    if let Some((code, display)) = v2_identifier_type(patient.credential) {
        coding.push(Coding {
            system: V2_0203,
            code,
            display,
        });
    }
    coding.push(Coding {
        system: CREDENTIAL_SYSTEM_URI,
        code: patient.credential.gb_code(),
        display: patient.credential.gb_name(),
    });
    let resource = Patient {
        resource_type: "Patient",
        identifier: [Identifier {
            use_: "official",
            type_: CodeableConcept {
                coding,
                text: patient.credential.gb_name(),
            },
            system: identifier_system,
            value: patient.credential_number.reveal(),
        }],
        active: true,
        name: [HumanName {
            use_: "official",
            text: patient.name.reveal(),
        }],
        gender: gender(patient.sex),
        birth_date: patient.birth_date.as_ref().map(|d| d.iso()),
        telecom: patient
            .phone
            .map(|p| ContactPoint {
                system: "phone",
                value: p.reveal(),
                use_: "mobile",
            })
            .into_iter()
            .collect(),
    };
    let mut out = Zeroizing::new(Vec::with_capacity(512));
    // Writing borrowed strings and static codes into a Vec cannot fail.
    if serde_json::to_writer(&mut *out, &resource).is_err() {
        out.clear();
    }
    out
}

/// CV02.01.101 as a FHIR system URI (spelled out: a const cannot concatenate; a test keeps
/// it equal to the OID).
pub const CREDENTIAL_SYSTEM_URI: &str = "urn:oid:2.16.156.10011.2.3.1.1";

/// `identifier=<system>|<value>`, URL-encoded, as `If-None-Exist` carries a search: the
/// token's own separators in either part escaped with `\` first (FHIR search escaping), then
/// the whole parameter form-encoded so `:` and `|` travel as `%3A` and `%7C`.
pub fn if_none_exist(system: &str, value: &str) -> Zeroizing<String> {
    let token = Zeroizing::new(format!("{}|{}", escape(system), escape(value)));
    Zeroizing::new(
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("identifier", &token)
            .finish(),
    )
}

fn escape(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        if matches!(c, '\\' | '|' | ',' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CREDENTIAL_CODE_SYSTEM;
    use crate::demographics::BirthDate;
    use facekiosk_pii::identity::{CredentialNumber, CredentialType, Phone, RealName};
    use serde_json::Value;

    fn built(
        name: &str,
        kind: CredentialType,
        number: &str,
        sex: Sex,
        birth: Option<BirthDate>,
        phone: Option<&str>,
    ) -> Value {
        let name = RealName::parse(name.into()).unwrap();
        let number = CredentialNumber::parse(kind, number.into()).unwrap();
        let phone = phone.map(|p| Phone::parse(p.into()).unwrap());
        let patient = HisPatient {
            name: &name,
            credential: Credential::of(kind),
            credential_number: &number,
            sex,
            birth_date: birth,
            phone: phone.as_ref(),
        };
        serde_json::from_slice(&patient_json(&patient, "urn:oid:2.16.156.10011.1.3")).unwrap()
    }

    #[test]
    fn every_persona_name_comes_back_whole_and_unsplit() {
        for name in ["𠮷雅婷", "阿卜杜·买买提", "JOHN SMITH", "张三"] {
            let p = built(
                name,
                CredentialType::ResidentId,
                "110105198806120036",
                Sex::Male,
                BirthDate::new(1988, 6, 12),
                None,
            );
            assert_eq!(p["name"][0]["text"], name);
            let fields: Vec<&String> = p["name"][0].as_object().unwrap().keys().collect();
            assert_eq!(fields, ["text", "use"], "no family/given split");
        }
    }

    #[test]
    fn a_resident_id_is_ni_with_the_standards_code_and_dates() {
        let p = built(
            "张三",
            CredentialType::ResidentId,
            "110105198806120036",
            Sex::Male,
            BirthDate::new(1988, 6, 12),
            None,
        );
        assert_eq!(p["resourceType"], "Patient");
        assert_eq!(p["active"], true);
        let id = &p["identifier"][0];
        assert_eq!(id["system"], "urn:oid:2.16.156.10011.1.3");
        assert_eq!(id["value"], "110105198806120036");
        assert_eq!(id["type"]["coding"][0]["system"], V2_0203);
        assert_eq!(id["type"]["coding"][0]["code"], "NI");
        assert_eq!(id["type"]["coding"][1]["system"], CREDENTIAL_SYSTEM_URI);
        assert_eq!(id["type"]["coding"][1]["code"], "01");
        assert_eq!(p["gender"], "male");
        assert_eq!(p["birthDate"], "1988-06-12");
        assert!(p.get("telecom").is_none(), "no phone, no telecom");
    }

    #[test]
    fn a_passport_is_ppn_gender_unknown_and_has_no_birth_date() {
        let p = built(
            "JOHN SMITH",
            CredentialType::Passport,
            "GB5527104",
            Sex::Unknown,
            None,
            None,
        );
        assert_eq!(p["identifier"][0]["type"]["coding"][0]["code"], "PPN");
        assert_eq!(p["identifier"][0]["type"]["coding"][1]["code"], "03");
        assert_eq!(p["gender"], "unknown");
        assert!(p.get("birthDate").is_none());
    }

    #[test]
    fn a_document_without_a_v2_code_carries_only_the_standards_coding() {
        let p = built(
            "陈大文",
            CredentialType::HomeReturnPermit,
            "H12345678",
            Sex::Unknown,
            None,
            None,
        );
        let coding = p["identifier"][0]["type"]["coding"].as_array().unwrap();
        assert_eq!(coding.len(), 1);
        assert_eq!(coding[0]["code"], "06");
    }

    #[test]
    fn genders_are_the_fhir_value_set() {
        assert_eq!(gender(Sex::Female), "female");
        assert_eq!(gender(Sex::Male), "male");
        assert_eq!(gender(Sex::Unknown), "unknown");
    }

    #[test]
    fn a_phone_is_sent_only_when_present() {
        let p = built(
            "王芳",
            CredentialType::ResidentId,
            "310115197909230049",
            Sex::Female,
            BirthDate::new(1979, 9, 23),
            Some("13912345678"),
        );
        assert_eq!(
            p["telecom"],
            serde_json::json!([{"system": "phone", "value": "13912345678", "use": "mobile"}])
        );
    }

    #[test]
    fn the_credential_uri_is_the_standards_oid() {
        assert_eq!(
            CREDENTIAL_SYSTEM_URI,
            format!("urn:oid:{CREDENTIAL_CODE_SYSTEM}")
        );
    }

    #[test]
    fn if_none_exist_is_url_encoded_and_decodes_back() {
        let header = if_none_exist("urn:oid:2.16.156.10011.1.3", "11010519491231002X");
        assert_eq!(
            header.as_str(),
            "identifier=urn%3Aoid%3A2.16.156.10011.1.3%7C11010519491231002X"
        );
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(header.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs,
            [(
                "identifier".to_owned(),
                "urn:oid:2.16.156.10011.1.3|11010519491231002X".to_owned()
            )]
        );
        // A system with the token's separators in it stays one system.
        let header = if_none_exist("http://x.cn/a,b|c", "1");
        let (_, v) = url::form_urlencoded::parse(header.as_bytes())
            .next()
            .unwrap();
        assert_eq!(v, r"http://x.cn/a\,b\|c|1");
    }
}
