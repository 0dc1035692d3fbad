//! `GET /v3/facemch/users/{face_sid}`: the query that returns the patient's real name, once
//! they confirmed on WeChat's screen; and the decoding of its encrypted fields.

use serde::Deserialize;
use zeroize::Zeroize;

use super::error::WxpayError;
use crate::crypto::{Padding, PrivateKey};
use facekiosk_pii::identity::{
    CredentialNumber, CredentialType, Identity, Phone, RealName, RealNameInfo, WechatId, validate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InfoType {
    /// Name and credential number.
    AskRealName,
    /// The union id only.
    AskUnionid,
    /// Name, credential number and phone (face app 2.24+).
    AskRealNameTel,
}

impl InfoType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AskRealName => "ASK_REAL_NAME",
            Self::AskUnionid => "ASK_UNIONID",
            Self::AskRealNameTel => "ASK_REAL_NAME_TEL",
        }
    }

    /// The spellings WeChat accepts. `ASK_UNION_ID` (the source doc's typo) is not one.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ASK_REAL_NAME" => Some(Self::AskRealName),
            "ASK_UNIONID" => Some(Self::AskUnionid),
            "ASK_REAL_NAME_TEL" => Some(Self::AskRealNameTel),
            _ => None,
        }
    }

    fn wants_real_name(self) -> bool {
        matches!(self, Self::AskRealName | Self::AskRealNameTel)
    }
}

/// One query. The service-provider fields are set together with `merchant.sub_mch_id`.
#[derive(Clone, PartialEq, Eq)]
pub struct FacemchQuery<'a> {
    pub face_sid: &'a str,
    pub info_type: InfoType,
    pub appid: &'a str,
    pub sub_mchid: Option<&'a str>,
    pub sub_appid: Option<&'a str>,
    pub sub_serial_no: Option<&'a str>,
}

impl std::fmt::Debug for FacemchQuery<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FacemchQuery")
            .field("info_type", &self.info_type)
            .field("appid", &self.appid)
            .field("sub_mchid", &self.sub_mchid)
            .finish_non_exhaustive()
    }
}

/// The longest `face_sid` taken. WeChat's are about 40 characters
/// (`9502ca24-d7e2-48d7-812f-ee6512cfa591_rt1`).
pub const MAX_FACE_SID_LEN: usize = 128;

/// Checks the shape of a `face_sid` from the terminal before it becomes a path segment of a
/// signed request: letters, digits, `-` and `_` only, so no dot segment, separator, escape or
/// query can change which URL is signed and fetched. The error never quotes the value.
pub fn validate_face_sid(face_sid: &str) -> Result<(), WxpayError> {
    if face_sid.is_empty() {
        return Err(WxpayError::BadFaceSid("is empty"));
    }
    if face_sid.len() > MAX_FACE_SID_LEN {
        return Err(WxpayError::BadFaceSid(
            "is longer than the 128 characters a face_sid can have",
        ));
    }
    if !face_sid
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(WxpayError::BadFaceSid(
            "has characters other than letters, digits, `-` and `_`",
        ));
    }
    Ok(())
}

impl FacemchQuery<'_> {
    /// Path and query exactly as sent, which is also what the signature covers. Refuses a
    /// `face_sid` of the wrong shape (see [`validate_face_sid`]).
    pub fn path_and_query(&self) -> Result<String, WxpayError> {
        validate_face_sid(self.face_sid)?;
        let mut url = url::Url::parse("https://x/v3/facemch/users/").expect("static URL");
        url.path_segments_mut()
            .expect("https URL has segments")
            .pop_if_empty()
            .push(self.face_sid);
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("info_type", self.info_type.as_str());
            q.append_pair("appid", self.appid);
            for (k, v) in [
                ("sub_mchid", self.sub_mchid),
                ("sub_appid", self.sub_appid),
                ("sub_serial_no", self.sub_serial_no),
            ] {
                if let Some(v) = v {
                    q.append_pair(k, v);
                }
            }
        }
        let out = format!("{}?{}", url.path(), url.query().unwrap_or_default());
        // The scratch URL held the face_sid; it is gone with it.
        drop(url);
        Ok(out)
    }
}

#[derive(Deserialize, Default)]
struct Body {
    openid: Option<String>,
    sub_openid: Option<String>,
    union_id: Option<String>,
    real_name_info: Option<RealNameInfoBody>,
    encrypted_phone_number: Option<String>,
}

#[derive(Deserialize, Default)]
struct RealNameInfoBody {
    encrypted_real_name: Option<String>,
    credential_type: Option<i64>,
    encrypted_credential_id: Option<String>,
    /// Where WeChat puts the phone is unconfirmed; both places are read.
    encrypted_phone_number: Option<String>,
}

/// Decrypts and validates a verified response body into an identity. The body is wiped.
pub fn decode(
    mut body: Vec<u8>,
    info_type: InfoType,
    key: &PrivateKey,
    padding: Padding,
) -> Result<Identity, WxpayError> {
    let parsed: Result<Body, _> = serde_json::from_slice(&body);
    body.zeroize();
    let mut b = parsed
        .map_err(|e| WxpayError::BadBody(format!("{} at column {}", classify(&e), e.column())))?;
    let id = |v: Option<String>| v.filter(|s| !s.is_empty()).map(WechatId::new);
    let mut identity = Identity {
        openid: id(b.openid.take()),
        sub_openid: id(b.sub_openid.take()),
        union_id: id(b.union_id.take()),
        real_name: None,
        phone: None,
    };
    if info_type == InfoType::AskUnionid && identity.union_id.is_none() {
        return Err(WxpayError::MissingField("union_id"));
    }
    if !info_type.wants_real_name() {
        return Ok(identity);
    }
    let mut info = b
        .real_name_info
        .take()
        .ok_or(WxpayError::MissingField("real_name_info"))?;
    let decrypt = |field: &'static str, value: Option<String>| -> Result<String, WxpayError> {
        let value = value
            .filter(|v| !v.is_empty())
            .ok_or(WxpayError::MissingField(field))?;
        let plain = key
            .decrypt_b64(padding, &value)
            .map_err(|error| WxpayError::Decrypt { field, error })?;
        validate::utf8(plain.to_vec()).map_err(|error| WxpayError::Implausible { field, error })
    };
    let name = decrypt(
        "real_name_info.encrypted_real_name",
        info.encrypted_real_name.take(),
    )?;
    let name = RealName::parse(name).map_err(|error| WxpayError::Implausible {
        field: "real_name_info.encrypted_real_name",
        error,
    })?;
    let credential_type = CredentialType::from_code(
        info.credential_type
            .ok_or(WxpayError::MissingField("real_name_info.credential_type"))?,
    );
    let number = decrypt(
        "real_name_info.encrypted_credential_id",
        info.encrypted_credential_id.take(),
    )?;
    let credential_number = CredentialNumber::parse(credential_type, number).map_err(|error| {
        WxpayError::Implausible {
            field: "real_name_info.encrypted_credential_id",
            error,
        }
    })?;
    identity.real_name = Some(RealNameInfo {
        name,
        credential_type,
        credential_number,
    });
    if info_type == InfoType::AskRealNameTel {
        let (field, value) = match b.encrypted_phone_number.take() {
            Some(v) => ("encrypted_phone_number", Some(v)),
            None => (
                "real_name_info.encrypted_phone_number",
                info.encrypted_phone_number.take(),
            ),
        };
        let phone = decrypt(field, value)?;
        identity.phone =
            Some(Phone::parse(phone).map_err(|error| WxpayError::Implausible { field, error })?);
    }
    Ok(identity)
}

/// serde_json's messages quote the offending input, which may be personal data.
fn classify(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => "read error",
        Category::Syntax => "invalid JSON",
        Category::Data => "a field has the wrong type",
        Category::Eof => "truncated JSON",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_encodes_the_sid_and_keeps_query_order() {
        let q = FacemchQuery {
            face_sid: "9502ca24-d7e2-48d7-812f-ee6512cfa591_rt1",
            info_type: InfoType::AskRealNameTel,
            appid: "wxd930ea5d5a258f4f",
            sub_mchid: Some("1900000110"),
            sub_appid: None,
            sub_serial_no: Some("ABC"),
        };
        assert_eq!(
            q.path_and_query().unwrap(),
            "/v3/facemch/users/9502ca24-d7e2-48d7-812f-ee6512cfa591_rt1?info_type=ASK_REAL_NAME_TEL&appid=wxd930ea5d5a258f4f&sub_mchid=1900000110&sub_serial_no=ABC"
        );
    }

    #[test]
    fn a_face_sid_of_the_wrong_shape_is_refused_without_being_quoted() {
        let long = "a".repeat(MAX_FACE_SID_LEN + 1);
        for sid in [
            "",
            "..",
            ".",
            "a/b",
            "../../v3/certificates",
            "a\\b",
            "a%2Fb",
            "a?b=c",
            "a#b",
            "a b",
            "sid\n",
            "é",
            long.as_str(),
        ] {
            let q = FacemchQuery {
                face_sid: sid,
                info_type: InfoType::AskRealName,
                appid: "wx",
                sub_mchid: None,
                sub_appid: None,
                sub_serial_no: None,
            };
            let err = q.path_and_query().unwrap_err();
            assert_eq!(err.code(), "REQUEST_UNSENDABLE", "{sid:?}");
            let shown = format!("{err} {err:?}");
            assert!(shown.contains("`face_sid`"), "{shown}");
            // Short values ("." or "") occur in any sentence; the distinctive ones must not.
            if sid.len() >= 3 {
                assert!(!shown.contains(sid), "{shown}");
            }
        }
        assert!(validate_face_sid("9502ca24-d7e2-48d7-812f-ee6512cfa591_rt1").is_ok());
        assert!(validate_face_sid(&"a".repeat(MAX_FACE_SID_LEN)).is_ok());
    }

    #[test]
    fn info_type_spellings() {
        assert_eq!(InfoType::parse("ASK_UNIONID"), Some(InfoType::AskUnionid));
        assert_eq!(InfoType::parse("ASK_UNION_ID"), None);
        for t in [
            InfoType::AskRealName,
            InfoType::AskUnionid,
            InfoType::AskRealNameTel,
        ] {
            assert_eq!(InfoType::parse(t.as_str()), Some(t));
        }
    }
}
