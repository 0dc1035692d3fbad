//! The hospital's patients: one record per registration, found by the ID document's number.
//! Fictitious people only (the sandbox's personas), so nothing here is wiped.

use serde::{Deserialize, Serialize};

/// A patient as the hospital keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HospitalPatient {
    /// The hospital's patient number (printed on the card).
    pub number: String,
    pub name: String,
    /// The standard's credential type code (01 resident ID, 03 passport, ...).
    pub credential_type: String,
    pub credential_number: String,
    /// GB/T 2261.1 (0, 1, 2, 9), when the registration said it.
    pub sex: Option<String>,
    /// `yyyy-MM-dd`, when the registration said it.
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    /// Which interface registered them (`fhir`, `wst846`, `vendor`, `admin`).
    pub via: String,
}

/// A registration: everything but the number, which the hospital mints unless given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPatient {
    #[serde(default)]
    pub number: Option<String>,
    pub name: String,
    #[serde(default = "resident_id")]
    pub credential_type: String,
    pub credential_number: String,
    #[serde(default)]
    pub sex: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

fn resident_id() -> String {
    "01".into()
}

/// The standard's credential type code (CV02.01.101) of WeChat's `credential_type`.
pub fn gb_credential(wechat: i64) -> String {
    match wechat {
        1 => "01",
        2 => "03",
        3 => "04",
        5 => "06",
        7 => "02",
        9 => "07",
        _ => "99",
    }
    .into()
}

#[derive(Debug, Default)]
pub struct Registry {
    patients: Vec<HospitalPatient>,
    minted: u64,
}

impl Registry {
    /// Every patient with this ID number (two when the hospital has a duplicate to merge).
    pub fn find(&self, credential_number: &str) -> Vec<&HospitalPatient> {
        self.patients
            .iter()
            .filter(|p| p.credential_number.eq_ignore_ascii_case(credential_number))
            .collect()
    }

    pub fn by_number(&self, number: &str) -> Option<&HospitalPatient> {
        self.patients.iter().find(|p| p.number == number)
    }

    /// Adds a record (a second one of the same ID number too: the caller checks first, as
    /// the real systems do or do not). Mints the number when the registration has none.
    pub fn add(&mut self, patient: NewPatient, via: &str) -> HospitalPatient {
        let number = patient.number.unwrap_or_else(|| self.mint());
        let record = HospitalPatient {
            number,
            name: patient.name,
            credential_type: patient.credential_type,
            credential_number: patient.credential_number,
            sex: patient.sex,
            birth_date: patient.birth_date,
            phone: patient.phone,
            via: via.to_owned(),
        };
        self.patients.push(record.clone());
        record
    }

    /// The next patient number: ten digits, as card numbers are printed.
    pub fn mint(&mut self) -> String {
        self.minted += 1;
        format!("{:010}", 2_026_000_000 + self.minted)
    }

    pub fn all(&self) -> &[HospitalPatient] {
        &self.patients
    }
}
