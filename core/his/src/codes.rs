//! The standard's codes for what the patient's ID document is (CV02.01.101, 身份证件类别代码,
//! OID 2.16.156.10011.2.3.1.1), mapped from WeChat's `credential_type`.

use facekiosk_pii::identity::CredentialType;

/// An ID document type as the hospital's systems code it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Credential {
    /// 01 居民身份证
    ResidentId,
    /// 02 居民户口簿
    HouseholdRegister,
    /// 03 护照
    Passport,
    /// 04 军官证
    MilitaryOfficer,
    /// 06 港澳居民来往内地通行证
    HomeReturnPermit,
    /// 07 台湾居民来往内地通行证
    TaiwanCompatriotPermit,
    /// 99 其他法定有效证件
    Other,
}

/// The OID of the code system (`codeSystem` in HL7 V3).
pub const CREDENTIAL_CODE_SYSTEM: &str = "2.16.156.10011.2.3.1.1";
/// The OID of GB/T 2261.1, the sex codes.
pub const SEX_CODE_SYSTEM: &str = "2.16.156.10011.2.3.3.4";

impl Credential {
    /// WeChat's credential type (the facemch `credential_type`) in the standard's terms.
    /// WeChat's 4 (士兵证), 6 (临时居民身份证), 8 (警官证) and 10 (营业执照) have no code of
    /// their own there: 99.
    pub fn of(kind: CredentialType) -> Credential {
        match kind {
            CredentialType::ResidentId => Credential::ResidentId,
            CredentialType::Passport => Credential::Passport,
            CredentialType::MilitaryOfficer => Credential::MilitaryOfficer,
            CredentialType::HomeReturnPermit => Credential::HomeReturnPermit,
            CredentialType::HouseholdRegister => Credential::HouseholdRegister,
            CredentialType::TaiwanCompatriotPermit => Credential::TaiwanCompatriotPermit,
            CredentialType::Soldier
            | CredentialType::TemporaryResidentId
            | CredentialType::PoliceOfficer
            | CredentialType::BusinessLicense
            | CredentialType::Other(_) => Credential::Other,
        }
    }

    /// The two-digit code.
    pub fn gb_code(self) -> &'static str {
        match self {
            Credential::ResidentId => "01",
            Credential::HouseholdRegister => "02",
            Credential::Passport => "03",
            Credential::MilitaryOfficer => "04",
            Credential::HomeReturnPermit => "06",
            Credential::TaiwanCompatriotPermit => "07",
            Credential::Other => "99",
        }
    }

    /// The code's name in the code table (the `displayName` HL7 V3 carries).
    pub fn gb_name(self) -> &'static str {
        match self {
            Credential::ResidentId => "居民身份证",
            Credential::HouseholdRegister => "居民户口簿",
            Credential::Passport => "护照",
            Credential::MilitaryOfficer => "军官证",
            Credential::HomeReturnPermit => "港澳居民来往内地通行证",
            Credential::TaiwanCompatriotPermit => "台湾居民来往内地通行证",
            Credential::Other => "其他法定有效证件",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wechat_types_map_to_the_standards_codes() {
        let cases = [
            (1, "01"),
            (2, "03"),
            (3, "04"),
            (4, "99"),
            (5, "06"),
            (6, "99"),
            (7, "02"),
            (8, "99"),
            (9, "07"),
            (10, "99"),
            (11, "99"),
        ];
        for (wechat, gb) in cases {
            assert_eq!(
                Credential::of(CredentialType::from_code(wechat)).gb_code(),
                gb,
                "WeChat credential_type {wechat}"
            );
        }
    }
}
