//! `adapter = "fhir"`: a FHIR R4 server's `Patient`, found or registered in one call.
//!
//! `POST {base_url}/Patient` with `If-None-Exist: identifier=<system>|<ID number>` is FHIR's
//! conditional create: the server searches first and creates only when nothing matches
//! (201), answers the one match (200), or refuses with 412 when several do. Query before
//! create is thus the server's, atomically, and sending it twice is harmless: it is the one
//! write that may be retried ([`Repeat::Safe`]).

mod answer;
mod resource;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};

pub use answer::{SYSTEM, check_fhir_id, read_answer};
use resource::{if_none_exist, patient_json};

use crate::error::HisError;
use crate::patient::{HisPatient, PatientNumber, Sent};
use crate::settings::{Connection, FhirSettings};
use crate::transport::{Answer, Repeat, Transport};
use crate::{BoxFuture, Hospital};

const FHIR_JSON: &str = "application/fhir+json";
const IF_NONE_EXIST: HeaderName = HeaderName::from_static("if-none-exist");

#[derive(Debug)]
pub struct FhirHospital {
    transport: Transport,
    settings: FhirSettings,
    /// `base_url` with one trailing `/`, what `Location` is resolved against.
    base: url::Url,
}

impl FhirHospital {
    pub fn new(settings: &FhirSettings, connection: &Connection) -> Result<FhirHospital, HisError> {
        let mut settings = settings.clone();
        settings.base_url = settings.base_url.trim_end_matches('/').to_owned();
        let transport = Transport::new(SYSTEM, "base_url", &settings.base_url, connection)?;
        let base = url::Url::parse(&format!("{}/", settings.base_url))
            .map_err(|e| HisError::Setup(format!("base_url is not a URL ({e})")))?;
        if base.query().is_some() || base.fragment().is_some() {
            return Err(HisError::Setup(
                "base_url must be the server's base, without ? or #".into(),
            ));
        }
        check_system("identifier_system", &settings.identifier_system)?;
        if let Some(system) = &settings.patient_number_system {
            check_system("patient_number_system", system)?;
            if *system == settings.identifier_system {
                return Err(HisError::Setup(
                    "patient_number_system must differ from identifier_system: the patient \
                     number and the ID number would be one identifier"
                        .into(),
                ));
            }
        }
        Ok(FhirHospital {
            transport,
            settings,
            base,
        })
    }

    async fn find_or_register(&self, patient: &HisPatient<'_>) -> Result<PatientNumber, HisError> {
        let id_number = patient.credential_number.reveal();
        let body = patient_json(patient, &self.settings.identifier_system);
        let search = if_none_exist(&self.settings.identifier_system, id_number);
        let mut search = HeaderValue::from_str(&search).map_err(|_| HisError::Unsendable {
            system: SYSTEM,
            what: "the ID number cannot be written in If-None-Exist".into(),
        })?;
        search.set_sensitive(true);
        let url = format!("{}/Patient", self.settings.base_url);
        let answer = self
            .transport
            .send(Repeat::Safe, |client| {
                client
                    .post(&url)
                    .header(CONTENT_TYPE, FHIR_JSON)
                    .header(ACCEPT, FHIR_JSON)
                    .header(IF_NONE_EXIST, search.clone())
                    // Ask for the resource back; a server may still answer only Location.
                    .header("Prefer", "return=representation")
                    .body(body.to_vec())
            })
            .await?;
        let status = answer.status.as_u16();
        tracing::debug!(system = SYSTEM, status, "conditional create answered");
        let bodiless = answer.body.iter().all(u8::is_ascii_whitespace);
        if matches!(status, 200 | 201) && bodiless {
            let location = answer.location.as_deref().ok_or_else(|| {
                HisError::malformed(SYSTEM, "body", "is empty and there is no Location header")
            })?;
            let id = patient_id_in(&self.base, location)?;
            let url = format!("{}/Patient/{id}", self.settings.base_url);
            let read = self
                .transport
                .send(Repeat::Safe, |client| {
                    client.get(&url).header(ACCEPT, FHIR_JSON)
                })
                .await?;
            return read_checked(&read, &self.settings, id_number);
        }
        read_checked(&answer, &self.settings, id_number)
    }
}

impl Hospital for FhirHospital {
    fn find_or_register<'a>(
        &'a self,
        patient: &'a HisPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientNumber, HisError>> {
        Box::pin(self.find_or_register(patient))
    }

    /// Everything the Patient can carry: the name, the ID document, the gender (for a
    /// passport it is `unknown`, but the element is still sent), the birth date and the phone.
    /// Birth date and phone go only when the patient has them (a resident ID gives the date;
    /// the phone comes only when `facemch.info_type` asks WeChat for it), which this adapter
    /// cannot know ahead: it names them all, and the consent check keeps what is also
    /// fetched.
    fn sends(&self) -> Vec<Sent> {
        vec![
            Sent::Name,
            Sent::Credential,
            Sent::Sex,
            Sent::BirthDate,
            Sent::Phone,
        ]
    }
}

/// [`read_answer`], after checking that a Patient answer (200, 201) is JSON. Any other
/// status is read whatever its type: a proxy's HTML error page is still its status.
fn read_checked(
    answer: &Answer,
    settings: &FhirSettings,
    id_number: &str,
) -> Result<PatientNumber, HisError> {
    let status = answer.status.as_u16();
    if matches!(status, 200 | 201)
        && let Some(kind) = &answer.content_type
    {
        check_json(kind)?;
    }
    read_answer(status, &answer.body, settings, id_number)
}

/// A FHIR JSON answer (`application/fhir+json`, or `application/json` from older servers); an
/// XML or HTML answer is a server that ignored `Accept`, or a proxy's page.
fn check_json(content_type: &str) -> Result<(), HisError> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case(FHIR_JSON) || essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(HisError::malformed(
            SYSTEM,
            "Content-Type",
            "is not application/fhir+json",
        ))
    }
}

/// An identifier system must be an absolute URI (`urn:oid:...`, `http(s)://...`): the server
/// compares it character for character.
fn check_system(field: &str, system: &str) -> Result<(), HisError> {
    let ok = !system.is_empty()
        && system.contains(':')
        && system.bytes().all(|b| b.is_ascii_graphic() && b != b'|');
    if ok {
        Ok(())
    } else {
        Err(HisError::Setup(format!(
            "{field} must be an absolute URI (e.g. urn:oid:2.16.156.10011.1.3) without spaces \
             or '|'"
        )))
    }
}

/// The id of the Patient a `Location` header points at: only under the configured base, so
/// the read that follows (with the kiosk's credentials) never goes elsewhere. `Location` may
/// be relative and may carry `/_history/{version}`.
fn patient_id_in(base: &url::Url, location: &str) -> Result<String, HisError> {
    let bad = |problem| HisError::malformed(SYSTEM, "Location", problem);
    let url = base.join(location).map_err(|_| bad("is not a URL"))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("is not a Patient's address"));
    }
    let rest = url
        .as_str()
        .strip_prefix(base.as_str())
        .and_then(|r| r.strip_prefix("Patient/"))
        .ok_or_else(|| bad("is not a Patient under base_url"))?;
    let mut parts = rest.split('/');
    let id = parts.next().unwrap_or_default();
    check_fhir_id(id).map_err(|_| bad("does not end in a FHIR id"))?;
    match (parts.next(), parts.next(), parts.next()) {
        (None, ..) => {}
        (Some("_history"), Some(v), None) if check_fhir_id(v).is_ok() => {}
        _ => return Err(bad("is not a Patient's address")),
    }
    Ok(id.to_owned())
}

#[cfg(test)]
mod tests;
