//! The verified identity of one patient, as the facemch API returns it once decrypted.
//!
//! Every type here holds personal data, so every type here wipes itself on drop and masks
//! itself in `Debug` and `Display`. The clear value is reachable only through `reveal()`,
//! for the hand-over to the hospital system.

pub mod mask;
pub mod validate;

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

pub use validate::Invalid;

macro_rules! personal {
    ($(#[$doc:meta])* $name:ident, $mask:path) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// The clear value, for the hand-over to the hospital system only.
            pub fn reveal(&self) -> &str {
                &self.0
            }

            /// What the patient sees on screen.
            pub fn masked(&self) -> String {
                $mask(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.masked())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.masked())
            }
        }
    };
}

personal!(
    /// A real name, validated as a name.
    RealName,
    mask::name
);
personal!(
    /// A credential number (resident ID, passport...), validated for its credential type.
    CredentialNumber,
    mask::credential_id
);
personal!(
    /// An 11-digit mainland mobile number.
    Phone,
    mask::phone
);
personal!(
    /// A WeChat openid, sub_openid or union_id: personal data under PIPL too.
    WechatId,
    mask::opaque
);

impl WechatId {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
}

impl RealName {
    pub fn parse(value: String) -> Result<Self, Invalid> {
        let value = Self(value);
        validate::name(&value.0)?;
        Ok(value)
    }
}

impl Phone {
    pub fn parse(value: String) -> Result<Self, Invalid> {
        let value = Self(value);
        validate::phone(&value.0)?;
        Ok(value)
    }
}

impl CredentialNumber {
    /// Validates by credential type; a resident ID's lowercase `x` becomes `X`.
    pub fn parse(kind: CredentialType, value: String) -> Result<Self, Invalid> {
        let mut value = Self(value);
        if kind == CredentialType::ResidentId {
            validate::resident_id(&value.0)?;
            value.0.make_ascii_uppercase();
        } else {
            validate::other_credential(&value.0)?;
        }
        Ok(value)
    }
}

/// `credential_type` of the facemch API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialType {
    ResidentId,
    Passport,
    MilitaryOfficer,
    Soldier,
    HomeReturnPermit,
    TemporaryResidentId,
    HouseholdRegister,
    PoliceOfficer,
    TaiwanCompatriotPermit,
    BusinessLicense,
    Other(i64),
}

impl CredentialType {
    pub fn from_code(code: i64) -> Self {
        match code {
            1 => Self::ResidentId,
            2 => Self::Passport,
            3 => Self::MilitaryOfficer,
            4 => Self::Soldier,
            5 => Self::HomeReturnPermit,
            6 => Self::TemporaryResidentId,
            7 => Self::HouseholdRegister,
            8 => Self::PoliceOfficer,
            9 => Self::TaiwanCompatriotPermit,
            10 => Self::BusinessLicense,
            other => Self::Other(other),
        }
    }

    pub fn code(self) -> i64 {
        match self {
            Self::ResidentId => 1,
            Self::Passport => 2,
            Self::MilitaryOfficer => 3,
            Self::Soldier => 4,
            Self::HomeReturnPermit => 5,
            Self::TemporaryResidentId => 6,
            Self::HouseholdRegister => 7,
            Self::PoliceOfficer => 8,
            Self::TaiwanCompatriotPermit => 9,
            Self::BusinessLicense => 10,
            Self::Other(code) => code,
        }
    }
}

/// Name and credential, present for `ASK_REAL_NAME` and `ASK_REAL_NAME_TEL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealNameInfo {
    pub name: RealName,
    pub credential_type: CredentialType,
    pub credential_number: CredentialNumber,
}

/// Everything the facemch query revealed about the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Absent when WeChat does not return it for the info_type asked.
    pub openid: Option<WechatId>,
    pub sub_openid: Option<WechatId>,
    pub union_id: Option<WechatId>,
    pub real_name: Option<RealNameInfo>,
    pub phone: Option<Phone>,
}

impl Identity {
    /// Wipes every field now, for the end of a session that keeps the value alive a little
    /// longer (the memory is wiped on drop anyway).
    pub fn wipe(&mut self) {
        for id in [&mut self.openid, &mut self.sub_openid, &mut self.union_id]
            .into_iter()
            .flatten()
        {
            id.zeroize();
        }
        if let Some(info) = &mut self.real_name {
            info.name.zeroize();
            info.credential_number.zeroize();
        }
        if let Some(phone) = &mut self.phone {
            phone.zeroize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Identity {
        Identity {
            openid: Some(WechatId::new("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")),
            sub_openid: None,
            union_id: Some(WechatId::new("o6_bmasdasdsad6_2sgVt7hMZOPfL")),
            real_name: Some(RealNameInfo {
                name: RealName::parse("张小三".into()).unwrap(),
                credential_type: CredentialType::ResidentId,
                credential_number: CredentialNumber::parse(
                    CredentialType::ResidentId,
                    "11010519491231002x".into(),
                )
                .unwrap(),
            }),
            phone: Some(Phone::parse("13800001234".into()).unwrap()),
        }
    }

    #[test]
    fn debug_and_display_mask_everything() {
        let id = sample();
        let dump = format!("{id:?}");
        for clear in [
            "张小三",
            "11010519491231002",
            "13800001234",
            "oUpF8uMuAJO",
            "asdasdsad",
        ] {
            assert!(!dump.contains(clear), "{clear} leaked into {dump}");
        }
        assert!(dump.contains("张*三") && dump.contains("1101**********002X"));
        let info = id.real_name.as_ref().unwrap();
        assert_eq!(info.name.to_string(), "张*三");
        assert_eq!(info.credential_number.reveal(), "11010519491231002X");
        assert_eq!(id.phone.as_ref().unwrap().to_string(), "138****1234");
    }

    #[test]
    fn wipe_clears_every_field() {
        let mut id = sample();
        id.wipe();
        assert_eq!(id.openid.as_ref().unwrap().reveal(), "");
        assert_eq!(id.union_id.as_ref().unwrap().reveal(), "");
        assert_eq!(id.real_name.as_ref().unwrap().name.reveal(), "");
        assert_eq!(
            id.real_name.as_ref().unwrap().credential_number.reveal(),
            ""
        );
        assert_eq!(id.phone.as_ref().unwrap().reveal(), "");
    }

    #[test]
    fn credential_validation_depends_on_type() {
        assert_eq!(
            CredentialNumber::parse(CredentialType::ResidentId, "E12345678".into()),
            Err(Invalid::ResidentIdShape)
        );
        assert!(CredentialNumber::parse(CredentialType::Passport, "E12345678".into()).is_ok());
        assert_eq!(CredentialType::from_code(9).code(), 9);
        assert_eq!(CredentialType::from_code(42), CredentialType::Other(42));
    }
}
