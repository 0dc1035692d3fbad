//! The hospital information platform's patient services (WS/T 846.2, HL7 V3, 2020 evaluation
//! dialect) over the SOAP `HIPMessageServer(action, message)` convention.
//!
//! The platform does not hand out patient numbers: the registering system owns them
//! (`patient/id` is the sender's). So the kiosk queries by the ID number first
//! (PatientInfoQuery); a patient found gives their number; one not found is registered
//! (PatientInfoRegister, when `register` is on) under a number the kiosk mints in its own
//! namespace (`patient_number_prefix`). A register that may or may not have arrived is never
//! sent again: the next try's query finds the patient when it did.
//!
//! Against the schemas in `tests/schemas/` (the 2020 evaluation dialect's, as published by a
//! third party): the query validates; the registration validates once the hospital has agreed
//! what the kiosk sends for the coded facts it does not collect and the schema offers no "not
//! known" for: the ethnic group (`ethnicGroupCode/item`, only the 56 nationalities), the
//! occupation, the contact's relation and the insurance (`[his] agreed_*`), and whether a
//! patient without a birth date (a passport) is sent at all (`birth_date_required`). The kiosk
//! does not choose those values: made up, they would put a false ethnicity or insurance into
//! the patient's record. Not agreed, they go as HL7's `nullFlavor="UNK"`, which a platform
//! that keeps to HL7 accepts and that strict schema does not.

mod message;
mod reply;
mod soap;
mod tree;

use reqwest::header::CONTENT_TYPE;

pub use reply::{Reply, Service, read_reply};

use crate::error::HisError;
use crate::patient::{HisPatient, PatientNumber, Sent};
use crate::settings::{Connection, Wst846Settings};
use crate::transport::{Repeat, Transport};
use crate::{BoxFuture, Hospital};

/// How errors and logs name the platform.
pub(crate) const SYSTEM: &str = "hospital platform (WS/T 846)";

/// Crockford's base32: no I, L, O, U, so a number read aloud at the window is not misheard.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The random part of a minted number: 50 bits, no collision among a hospital's patients.
const MINTED_LEN: usize = 10;

#[derive(Debug)]
pub struct Wst846Hospital {
    settings: Wst846Settings,
    transport: Transport,
}

impl Wst846Hospital {
    pub fn new(
        settings: &Wst846Settings,
        connection: &Connection,
    ) -> Result<Wst846Hospital, HisError> {
        check(settings)?;
        let transport = Transport::new(SYSTEM, "url", &settings.url, connection)?;
        Ok(Wst846Hospital {
            settings: settings.clone(),
            transport,
        })
    }

    async fn call(
        &self,
        service: Service,
        repeat: Repeat,
        message: &str,
    ) -> Result<Reply, HisError> {
        let envelope = soap::envelope(self.settings.soap_version, service.action(), message);
        let (content_type, soap_action) = soap::headers(self.settings.soap_version);
        let answer = self
            .transport
            .send(repeat, |client| {
                let mut request = client
                    .post(&self.settings.url)
                    .header(CONTENT_TYPE, content_type.as_str())
                    .body(envelope.as_bytes().to_vec());
                if let Some(action) = &soap_action {
                    request = request.header("SOAPAction", action.as_str());
                }
                request
            })
            .await?;
        read_reply(
            answer.status.as_u16(),
            &answer.body,
            service,
            &self.settings.oids.patient_id,
        )
    }

    async fn find(&self, patient: &HisPatient<'_>) -> Result<Vec<PatientNumber>, HisError> {
        let stamp = message::Stamp::now();
        let query = message::query(&self.settings, &stamp, patient.credential_number.reveal());
        match self.call(Service::Query, Repeat::Safe, &query).await? {
            Reply::Found(mut numbers) => {
                // One patient named in two registration events is still one patient.
                numbers.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                numbers.dedup();
                Ok(numbers)
            }
            Reply::Registered => Err(HisError::malformed(SYSTEM, "reply", "is not a query reply")),
        }
    }

    async fn register(&self, patient: &HisPatient<'_>) -> Result<PatientNumber, HisError> {
        let number = mint(&self.settings.patient_number_prefix)?;
        let stamp = message::Stamp::now();
        let request = message::register(&self.settings, &stamp, patient, &number);
        match self.call(Service::Register, Repeat::Once, &request).await? {
            Reply::Registered => Ok(number),
            Reply::Found(_) => Err(HisError::malformed(
                SYSTEM,
                "reply",
                "is not a registration reply",
            )),
        }
    }
}

impl Hospital for Wst846Hospital {
    fn find_or_register<'a>(
        &'a self,
        patient: &'a HisPatient<'a>,
    ) -> BoxFuture<'a, Result<PatientNumber, HisError>> {
        Box::pin(async move {
            sendable(patient)?;
            let mut found = self.find(patient).await?;
            match found.len() {
                1 => return Ok(found.remove(0)),
                0 => {}
                count => {
                    return Err(HisError::Ambiguous {
                        system: SYSTEM,
                        count,
                    });
                }
            }
            if !self.settings.register {
                return Err(HisError::NotRegistered { system: SYSTEM });
            }
            if self.settings.birth_date_required && patient.birth_date.is_none() {
                return Err(HisError::Unsendable {
                    system: SYSTEM,
                    what: "the platform requires a date of birth, and this ID document gives \
                           none (birth_date_required)"
                        .into(),
                });
            }
            let number = self.register(patient).await?;
            tracing::info!(system = SYSTEM, "registered a new patient at the platform");
            Ok(number)
        })
    }

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

/// A new patient number: the prefix and ten random Crockford base32 characters.
fn mint(prefix: &str) -> Result<PatientNumber, HisError> {
    let mut bytes = [0u8; MINTED_LEN];
    rand::fill(&mut bytes[..]);
    let mut number = prefix.to_owned();
    number.extend(bytes.iter().map(|b| CROCKFORD[usize::from(b % 32)] as char));
    PatientNumber::parse(&number)
        .map_err(|problem| HisError::Setup(format!("patient_number_prefix: the number {problem}")))
}

/// What the registration schema can carry (the name a `part` of at most 64 characters, the ID
/// number 2 to 64): found before anything is sent, named, never shown.
fn sendable(patient: &HisPatient<'_>) -> Result<(), HisError> {
    let unsendable = |what: &str| HisError::Unsendable {
        system: SYSTEM,
        what: what.to_owned(),
    };
    let xml_char = |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r');
    let name = patient.name.reveal();
    if name.trim().is_empty() || name.chars().count() > 64 {
        return Err(unsendable("the name must be 1 to 64 characters"));
    }
    let number = patient.credential_number.reveal();
    if !(2..=64).contains(&number.chars().count()) {
        return Err(unsendable("the ID number must be 2 to 64 characters"));
    }
    let phone = patient.phone.map(|p| p.reveal()).unwrap_or_default();
    if !name
        .chars()
        .chain(number.chars())
        .chain(phone.chars())
        .all(xml_char)
    {
        return Err(unsendable(
            "the name, ID number or phone has a control character",
        ));
    }
    Ok(())
}

/// The settings the message schemas constrain, checked once at start.
fn check(s: &Wst846Settings) -> Result<(), HisError> {
    let setup = |field: &str, rule: &str| Err(HisError::Setup(format!("{field} {rule}")));
    let printable = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_graphic());
    for (field, value) in [("sender_id", &s.sender_id), ("receiver_id", &s.receiver_id)] {
        if !printable(value) || !(7..=36).contains(&value.len()) {
            return setup(
                field,
                "must be 7 to 36 printable ASCII characters (the message schema's device id)",
            );
        }
    }
    if s.organization_code.len() != 18
        || !s
            .organization_code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric())
    {
        return setup(
            "organization_code",
            "must be the hospital's 18-character organisation code (letters and digits)",
        );
    }
    let name = s.organization_name.trim();
    if name.is_empty()
        || s.organization_name.chars().count() > 64
        || s.organization_name.chars().any(char::is_control)
    {
        return setup(
            "organization_name",
            "must be 1 to 64 characters, no control characters",
        );
    }
    if s.patient_number_prefix.len() > 64 - MINTED_LEN
        || !s
            .patient_number_prefix
            .bytes()
            .all(|b| b.is_ascii_graphic())
    {
        return setup(
            "patient_number_prefix",
            "must be at most 54 printable ASCII characters, no spaces",
        );
    }
    let o = &s.oids;
    for (field, oid) in [
        ("message_id_root", &o.message_id),
        ("interaction_id_root", &o.interaction_id),
        ("device_id_root", &o.device_id),
        ("patient_id_root", &o.patient_id),
        ("id_number_root", &o.id_number),
        ("organization_id_root", &o.organization_id),
        ("author_id_root", &o.author_id),
    ] {
        let ok = oid.len() <= 64
            && oid.split('.').count() >= 2
            && oid
                .split('.')
                .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()));
        if !ok {
            return setup(field, "must be an OID (digits separated by dots)");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
