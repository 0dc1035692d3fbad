//! `POST /face/get_wxpayface_authinfo`: the request that turns the terminal's rawdata into
//! an `authinfo` the face SDK needs, and the checks on what comes back.

use std::fmt;

use crate::error::WxpayError;
use crate::v2::sign::{self, Fields, SignType};
use crate::v2::xml::{self, XmlError};
use facekiosk_pii::Secret;

pub const PATH: &str = "/face/get_wxpayface_authinfo";

/// Everything the request carries besides `sign`. `sub_appid`/`sub_mch_id` are set in
/// service-provider mode, which signs with the service provider's key.
#[derive(Clone)]
pub struct AuthinfoRequest {
    pub store_id: String,
    pub store_name: String,
    pub device_id: String,
    pub rawdata: String,
    pub appid: String,
    pub mch_id: String,
    pub sub_appid: Option<String>,
    pub sub_mch_id: Option<String>,
    pub now: u64,
    pub sign_type: SignType,
    pub nonce_str: String,
    pub attach: Option<String>,
}

impl fmt::Debug for AuthinfoRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthinfoRequest")
            .field("store_id", &self.store_id)
            .field("device_id", &self.device_id)
            .field("appid", &self.appid)
            .field("mch_id", &self.mch_id)
            .field("sub_mch_id", &self.sub_mch_id)
            .field("rawdata", &format_args!("[{} bytes]", self.rawdata.len()))
            .finish_non_exhaustive()
    }
}

impl AuthinfoRequest {
    pub fn fields(&self) -> Fields {
        let mut f = Fields::new();
        let mut put = |k: &str, v: &str| {
            f.insert(k.to_owned(), v.to_owned());
        };
        put("store_id", &self.store_id);
        put("store_name", &self.store_name);
        put("device_id", &self.device_id);
        put("rawdata", &self.rawdata);
        put("appid", &self.appid);
        put("mch_id", &self.mch_id);
        put("now", &self.now.to_string());
        put("version", "1");
        put("sign_type", self.sign_type.as_str());
        put("nonce_str", &self.nonce_str);
        for (k, v) in [
            ("sub_appid", &self.sub_appid),
            ("sub_mch_id", &self.sub_mch_id),
            ("attach", &self.attach),
        ] {
            if let Some(v) = v {
                put(k, v);
            }
        }
        f
    }

    /// The signed XML body. Refuses, naming the field, anything WeChat would not accept.
    pub fn to_xml(&self, key: &Secret) -> Result<String, XmlError> {
        let mut fields = self.fields();
        xml::check_sendable(&fields)?;
        let signature = sign::sign(&fields, key, self.sign_type);
        fields.insert("sign".into(), signature);
        xml::write(&fields)
    }
}

/// A token that lets the face SDK run on this device for `expires_in` seconds.
#[derive(Clone, PartialEq, Eq)]
pub struct Authinfo {
    pub authinfo: Secret,
    pub expires_in: u64,
}

impl fmt::Debug for Authinfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authinfo")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// WeChat's default lifetime when `expires_in` is missing.
pub const DEFAULT_EXPIRES_IN: u64 = 3600;

/// The longest lifetime believed (WeChat gives an hour): a day, so that no arithmetic on it
/// can overflow and no token outlives a day on the word of a response.
pub const MAX_EXPIRES_IN: u64 = 86_400;

/// A checked answer, and what it is remembered by against a replay (its `nonce_str` and
/// `sign`, when it has a `nonce_str`).
#[derive(Debug)]
pub struct Accepted {
    pub authinfo: Authinfo,
    pub replay_digest: Option<[u8; 32]>,
}

/// Reads a response: errors arrive as XML in HTTP 200, so `return_code` is checked before
/// anything else; a success must carry a valid signature (of the request's sign type, the
/// configured one) and echo our identity.
pub fn parse_response(
    body: &[u8],
    key: &Secret,
    request: &AuthinfoRequest,
) -> Result<Authinfo, WxpayError> {
    parse_accepted(body, key, request).map(|a| a.authinfo)
}

/// [`parse_response`], with the digest the client's replay guard remembers.
pub fn parse_accepted(
    body: &[u8],
    key: &Secret,
    request: &AuthinfoRequest,
) -> Result<Accepted, WxpayError> {
    let fields = xml::parse(body).map_err(WxpayError::Xml)?;
    let get = |name: &str| {
        fields
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let return_code = get("return_code").ok_or(WxpayError::MissingField("return_code"))?;
    if return_code != "SUCCESS" {
        return Err(WxpayError::V2Return {
            return_code: return_code.to_owned(),
            return_msg: get("return_msg").unwrap_or_default().to_owned(),
        });
    }
    if let Some(result_code) = get("result_code").filter(|c| *c != "SUCCESS") {
        return Err(WxpayError::V2Return {
            return_code: get("err_code").unwrap_or(result_code).to_owned(),
            return_msg: get("err_code_des")
                .or(get("return_msg"))
                .unwrap_or_default()
                .to_owned(),
        });
    }
    sign::verify(&fields, key, request.sign_type).map_err(WxpayError::V2Sign)?;
    for (field, ours) in [
        ("appid", Some(&request.appid)),
        ("mch_id", Some(&request.mch_id)),
        ("sub_appid", request.sub_appid.as_ref()),
        ("sub_mch_id", request.sub_mch_id.as_ref()),
    ] {
        if let (Some(theirs), Some(ours)) = (get(field), ours)
            && theirs != ours
        {
            return Err(WxpayError::BadField {
                field,
                reason: "differs from the request".into(),
            });
        }
    }
    let authinfo = get("authinfo").ok_or(WxpayError::MissingField("authinfo"))?;
    let expires_in = match get("expires_in") {
        None => DEFAULT_EXPIRES_IN,
        Some(v) => v
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=MAX_EXPIRES_IN).contains(s))
            .ok_or_else(|| WxpayError::BadField {
                field: "expires_in",
                reason: format!("is not a number of seconds in 1..={MAX_EXPIRES_IN}"),
            })?,
    };
    let replay_digest = get("nonce_str").zip(get("sign")).map(|(nonce, sign)| {
        crate::replay::ReplayGuard::digest(&[b"v2", nonce.as_bytes(), sign.as_bytes()])
    });
    Ok(Accepted {
        authinfo: Authinfo {
            authinfo: Secret::new(authinfo),
            expires_in,
        },
        replay_digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "K3yForTheUnitTestsOnly0123456789";

    fn request(sign_type: SignType) -> AuthinfoRequest {
        AuthinfoRequest {
            store_id: "S".into(),
            store_name: "N".into(),
            device_id: "D".into(),
            rawdata: "R".into(),
            appid: "wx1".into(),
            mch_id: "1900000109".into(),
            sub_appid: None,
            sub_mch_id: None,
            now: 1,
            sign_type,
            nonce_str: "n".into(),
            attach: None,
        }
    }

    fn answer(expires_in: &str, signed_with: SignType) -> String {
        let mut f = Fields::new();
        for (k, v) in [
            ("return_code", "SUCCESS"),
            ("authinfo", "TOKEN"),
            ("expires_in", expires_in),
            ("nonce_str", "abc"),
        ] {
            f.insert(k.into(), v.into());
        }
        let s = sign::sign(&f, &Secret::new(KEY), signed_with);
        f.insert("sign".into(), s);
        xml::write(&f).unwrap()
    }

    #[test]
    fn expires_in_is_bounded() {
        let key = Secret::new(KEY);
        let req = request(SignType::HmacSha256);
        for ok in ["1", "3600", "86400"] {
            let a = parse_response(answer(ok, SignType::HmacSha256).as_bytes(), &key, &req);
            assert_eq!(a.unwrap().expires_in, ok.parse::<u64>().unwrap());
        }
        for bad in [
            "0",
            "86401",
            "18446744073709551615",
            "99999999999999999999999",
            "-1",
        ] {
            let err = parse_response(answer(bad, SignType::HmacSha256).as_bytes(), &key, &req)
                .unwrap_err();
            assert!(err.to_string().contains("`expires_in`"), "{bad}: {err}");
        }
    }

    #[test]
    fn an_answer_signed_with_another_type_than_configured_is_refused() {
        let key = Secret::new(KEY);
        let body = answer("3600", SignType::Md5);
        let err =
            parse_response(body.as_bytes(), &key, &request(SignType::HmacSha256)).unwrap_err();
        assert_eq!(err.code(), "WECHAT_RESPONSE_UNVERIFIED");
        assert!(err.to_string().contains("`sign`"), "{err}");
        assert!(parse_response(body.as_bytes(), &key, &request(SignType::Md5)).is_ok());
    }
}
