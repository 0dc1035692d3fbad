//! `POST /face/get_wxpayface_authinfo`, as payapp answers it: APIv2 XML in, XML out, every
//! error as XML in HTTP 200 with CDATA.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use facekiosk_pii::secret::Secret;
use facekiosk_wxpay::v2::sign::{self, Fields, SignType};
use facekiosk_wxpay::v2::xml;

use crate::faults::{FaultKind, Target};
use crate::front::{ConnHandle, begin};
use crate::world::{Scope, World, random_hex};

/// Observed: a body that is not XML (or a query string).
pub const MSG_FORMAT: &str = "请求报文格式错误";
/// Observed: a signature that does not match.
pub const MSG_SIGN: &str = "签名错误";

/// An APIv2 message as WeChat writes it: every value in CDATA, one field per line.
pub fn cdata_xml(fields: &[(&str, &str)]) -> String {
    let mut out = String::from("<xml>");
    for (name, value) in fields {
        out.push('<');
        out.push_str(name);
        out.push_str("><![CDATA[");
        out.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
        out.push_str("]]></");
        out.push_str(name);
        out.push_str(">\n");
    }
    out.push_str("</xml>");
    out
}

fn xml_response(body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `return_code` + `return_msg`, in HTTP 200: how payapp reports every error.
pub fn fail(return_code: &str, return_msg: &str) -> Response {
    xml_response(cdata_xml(&[
        ("return_code", return_code),
        ("return_msg", return_msg),
    ]))
}

fn param_error(msg: &str) -> Response {
    fail("PARAM_ERROR", msg)
}

/// Fields the request must carry, with their maximum lengths in characters.
const REQUIRED: [(&str, usize); 9] = [
    ("store_id", 32),
    ("store_name", 128),
    ("device_id", 32),
    ("rawdata", 2048),
    ("appid", 32),
    ("mch_id", 32),
    ("now", 10),
    ("version", 8),
    ("nonce_str", 32),
];

pub async fn authinfo(
    State(world): State<Arc<World>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    body: Bytes,
) -> Response {
    let active = match begin(&world, Target::Authinfo, &conn).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let Ok(fields) = xml::parse(&body) else {
        return param_error(MSG_FORMAT);
    };
    if fields.is_empty() {
        return param_error(MSG_FORMAT);
    }
    let get = |k: &str| fields.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let sign_type = match get("sign_type") {
        None => SignType::Md5,
        Some(t) => match SignType::parse(t) {
            Some(t) => t,
            None => return param_error("sign_type参数错误"),
        },
    };
    let Some(received_sign) = get("sign") else {
        return param_error("缺少参数sign");
    };
    let Some(mch_id) = get("mch_id") else {
        return param_error("缺少参数mch_id");
    };
    let Some(merchant) = world.merchant(mch_id) else {
        return param_error("mch_id参数错误");
    };
    let expected = sign::sign(&fields, &merchant.apiv2_key, sign_type);
    if !expected.eq_ignore_ascii_case(received_sign) {
        return param_error(MSG_SIGN);
    }
    for (name, max) in REQUIRED {
        match get(name) {
            None => return param_error(&format!("缺少参数{name}")),
            Some(v) if v.chars().count() > max => {
                return param_error(&format!("{name}参数长度有误"));
            }
            Some(_) => {}
        }
    }
    let value = |k: &str| get(k).unwrap_or_default().to_owned();
    if value("version") != "1" {
        return param_error("version参数错误");
    }
    let Ok(now) = value("now").parse::<i64>() else {
        return param_error("now参数错误");
    };
    if let Some(tolerance) = world.options().authinfo_now_tolerance_secs
        && (world.now() - now).unsigned_abs() > tolerance
    {
        return param_error("now参数错误");
    }
    let appid = value("appid");
    if !merchant.appids.contains(&appid) {
        return param_error("appid和mch_id不匹配");
    }
    let sub_mch_id = get("sub_mch_id").map(str::to_owned);
    let sub_appid = get("sub_appid").map(str::to_owned);
    match &sub_mch_id {
        Some(sub) if !merchant.sub_merchants.contains(sub) => {
            return param_error("sub_mch_id与mch_id不匹配");
        }
        Some(sub) => {
            if let Some(sa) = &sub_appid
                && !world.merchant(sub).is_some_and(|s| s.appids.contains(sa))
            {
                return param_error("sub_appid和sub_mch_id不匹配");
            }
        }
        None if sub_appid.is_some() => return param_error("缺少参数sub_mch_id"),
        None if merchant.is_service_provider() => return param_error("缺少参数sub_mch_id"),
        None => {}
    }
    let scope = Scope {
        device_id: value("device_id"),
        appid: appid.clone(),
        mch_id: mch_id.to_owned(),
        sub_appid: sub_appid.clone(),
        sub_mch_id: sub_mch_id.clone(),
        store_id: value("store_id"),
    };
    let (token, expires_in) = world.grant(
        scope,
        &value("rawdata"),
        active.has(&FaultKind::ExpiredAuthinfo),
    );
    let mut out = Fields::new();
    let mut put = |k: &str, v: String| {
        out.insert(k.to_owned(), v);
    };
    put("return_code", "SUCCESS".into());
    put("return_msg", "SUCCESS".into());
    put("authinfo", token);
    put("expires_in", expires_in.to_string());
    put("nonce_str", random_hex(16));
    put("appid", appid);
    put("mch_id", mch_id.to_owned());
    if let Some(s) = sub_appid {
        put("sub_appid", s);
    }
    if let Some(s) = sub_mch_id {
        put("sub_mch_id", s);
    }
    if !active.has(&FaultKind::MissingSignature) {
        let key = if active.has(&FaultKind::BadSignature) {
            Secret::new(format!("not-{}", merchant.apiv2_key.expose()))
        } else {
            merchant.apiv2_key.clone()
        };
        let signature = sign::sign(&out, &key, sign_type);
        out.insert("sign".into(), signature);
    }
    let pairs: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    xml_response(cdata_xml(&pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_wechats_cdata_xml_and_core_reads_them() {
        let body = cdata_xml(&[("return_code", "PARAM_ERROR"), ("return_msg", MSG_SIGN)]);
        assert_eq!(
            body,
            "<xml><return_code><![CDATA[PARAM_ERROR]]></return_code>\n<return_msg><![CDATA[签名错误]]></return_msg>\n</xml>"
        );
        let fields = xml::parse(body.as_bytes()).unwrap();
        assert_eq!(fields["return_msg"], MSG_SIGN);
        let tricky = cdata_xml(&[("a", "x]]>y<&")]);
        assert_eq!(xml::parse(tricky.as_bytes()).unwrap()["a"], "x]]>y<&");
    }
}
