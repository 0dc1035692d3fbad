//! The patient as the hospital's system receives them, and the number it answers.

use std::fmt;

use facekiosk_pii::identity::{CredentialNumber, CredentialType, Identity, Phone, RealName};
use serde::Deserialize;

use crate::codes::Credential;
use crate::demographics::{BirthDate, Sex};
use crate::error::HisError;
use crate::gb11643;

/// What an adapter may send; the consent texts name each in `sends`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sent {
    Name,
    /// The ID document's type and number.
    Credential,
    /// Read from a resident ID number (GB 11643).
    Sex,
    /// Read from a resident ID number (GB 11643).
    BirthDate,
    Phone,
}

impl Sent {
    pub fn as_str(self) -> &'static str {
        match self {
            Sent::Name => "name",
            Sent::Credential => "credential",
            Sent::Sex => "sex",
            Sent::BirthDate => "birth_date",
            Sent::Phone => "phone",
        }
    }
}

/// A verified patient as the hospital's system receives them: borrowed from the session's
/// identity (which wipes itself), plus what a resident ID number says of its holder.
#[derive(Debug, Clone)]
pub struct HisPatient<'a> {
    pub name: &'a RealName,
    pub credential: Credential,
    pub credential_number: &'a CredentialNumber,
    /// From a resident ID number; [`Sex::Unknown`] for other documents.
    pub sex: Sex,
    /// From a resident ID number; `None` for other documents.
    pub birth_date: Option<BirthDate>,
    /// Present when `facemch.info_type` is `ASK_REAL_NAME_TEL`.
    pub phone: Option<&'a Phone>,
}

impl<'a> HisPatient<'a> {
    /// The patient in `identity`; an identity without the real name cannot be handed off.
    pub fn from_identity(identity: &'a Identity) -> Result<HisPatient<'a>, HisError> {
        let info = identity
            .real_name
            .as_ref()
            .ok_or_else(|| HisError::Unsendable {
                system: "hand-off",
                what: "WeChat's answer has no real name".into(),
            })?;
        let (sex, birth_date) = if info.credential_type == CredentialType::ResidentId {
            let facts = gb11643::read(info.credential_number.reveal()).map_err(|e| {
                HisError::Unsendable {
                    system: "hand-off",
                    what: format!("the resident ID number {e}"),
                }
            })?;
            (facts.sex, Some(facts.birth_date))
        } else {
            (Sex::Unknown, None)
        };
        Ok(HisPatient {
            name: &info.name,
            credential: Credential::of(info.credential_type),
            credential_number: &info.credential_number,
            sex,
            birth_date,
            phone: identity.phone.as_ref(),
        })
    }
}

/// The hospital's own patient number: what is printed on the patient's card and asked for at
/// the window. Shown to the patient, kept beside the hashed openid for welcome back; never
/// logged (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct PatientNumber(String);

impl PatientNumber {
    /// A number as the hospital's system answered it: 1 to 64 printable ASCII characters (no
    /// spaces), or the field's `problem`.
    pub fn parse(value: &str) -> Result<PatientNumber, &'static str> {
        let value = value.trim();
        if value.is_empty() {
            return Err("is empty");
        }
        if value.len() > 64 {
            return Err("is longer than 64 characters");
        }
        if !value.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("has characters other than printable ASCII");
        }
        Ok(PatientNumber(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for PatientNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PatientNumber({} chars)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use facekiosk_pii::identity::{RealNameInfo, WechatId};

    fn identity(name: &str, kind: CredentialType, number: &str) -> Identity {
        Identity {
            openid: Some(WechatId::new("o-1")),
            sub_openid: None,
            union_id: None,
            real_name: Some(RealNameInfo {
                name: RealName::parse(name.into()).unwrap(),
                credential_type: kind,
                credential_number: CredentialNumber::parse(kind, number.into()).unwrap(),
            }),
            phone: None,
        }
    }

    #[test]
    fn a_resident_id_gives_sex_and_birth_date() {
        let id = identity("张三", CredentialType::ResidentId, "11010519491231002X");
        let p = HisPatient::from_identity(&id).unwrap();
        assert_eq!(p.sex, Sex::Female);
        assert_eq!(p.birth_date.as_ref().unwrap().compact(), "19491231");
        assert_eq!(p.credential.gb_code(), "01");
        // Nothing personal in Debug.
        let dump = format!("{p:?}");
        assert!(!dump.contains("1949") && !dump.contains("张三"), "{dump}");
    }

    #[test]
    fn a_passport_says_neither() {
        let id = identity("John Smith", CredentialType::Passport, "E12345678");
        let p = HisPatient::from_identity(&id).unwrap();
        assert_eq!(p.sex, Sex::Unknown);
        assert!(p.birth_date.is_none());
        assert_eq!(p.credential.gb_code(), "03");
    }

    #[test]
    fn an_identity_without_the_real_name_cannot_be_sent() {
        let mut id = identity("张三", CredentialType::ResidentId, "11010519491231002X");
        id.real_name = None;
        let err = HisPatient::from_identity(&id).unwrap_err();
        assert_eq!(err.code().as_str(), "HIS_UNSENDABLE");
    }

    #[test]
    fn patient_numbers_are_printable_and_hidden_from_debug() {
        let n = PatientNumber::parse(" 0001234567 ").unwrap();
        assert_eq!(n.as_str(), "0001234567");
        assert_eq!(format!("{n:?}"), "PatientNumber(10 chars)");
        assert_eq!(PatientNumber::parse(""), Err("is empty"));
        assert!(PatientNumber::parse("12 34").is_err());
        assert!(PatientNumber::parse("号码").is_err());
        assert!(PatientNumber::parse(&"9".repeat(65)).is_err());
    }
}
