//! api.mch: `GET /v3/facemch/users/{face_sid}` and `GET /v3/certificates`, authenticated and
//! answered as APIv3 does.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use facekiosk_wxpay::InfoType;
use facekiosk_wxpay::crypto::{Certificate, PublicKey};
use facekiosk_wxpay::v3::Authorization;
use facekiosk_wxpay::v3::sign::{request_message, response_message};
use facekiosk_wxpay::v3::verify::{
    HEADER_NONCE, HEADER_SERIAL, HEADER_SIGNATURE, HEADER_TIMESTAMP, MAX_SKEW_SECS,
};
use serde_json::{Value, json};

use crate::faults::{Active, FaultKind, Target};
use crate::front::{ConnHandle, begin, v3_error_with as error_with};
use crate::world::{Merchant, World, random_hex};

pub const SIGNATURE_TYPE: &str = "WECHATPAY2-SHA256-RSA2048";

/// Observed messages.
pub const MSG_AUTHORIZATION: &str = "Authorization不合法";
pub const MSG_TIMESTAMP: &str = "Http头Authorization中的timestamp与发起请求的时间不得超过5分钟";
pub const MSG_SIGN: &str = "签名错误，请检查后再试";
pub const MSG_INFO_TYPE: &str = "info_type值无定义";
pub const MSG_UNIONID: &str = "UnionID为空";
pub const MSG_SUB_MCHID: &str = "sub_mchid不合法";
/// The sandbox's choices where WeChat's words are not on record.
pub const MSG_SERIAL: &str = "商户证书序列号有误。请使用签名私钥匹配的证书序列号";
pub const MSG_APPID_MISSING: &str = "缺少参数appid";
pub const MSG_APPID_MISMATCH: &str = "appid和mch_id不匹配";
pub const MSG_SUB_APPID: &str = "sub_appid和sub_mchid不匹配";
pub const MSG_SUB_SERIAL_MISSING: &str = "服务商模式下请求实名信息必须传入sub_serial_no";
pub const MSG_SUB_SERIAL: &str = "sub_serial_no不合法";
pub const MSG_FACE_SID_UNKNOWN: &str = "face_sid无效";
pub const MSG_FACE_SID_EXPIRED: &str = "face_sid已过期";
pub const MSG_NOT_AUTHORIZED: &str = "用户未授权";
pub const MSG_PHONE: &str = "手机号为空";
pub const MSG_NO_CERTIFICATE: &str = "证书不存在";

/// An APIv3 error body, unsigned.
pub use crate::front::v3_error as error;

fn sign_error(message: &str) -> Response {
    error(StatusCode::UNAUTHORIZED, "SIGN_ERROR", message)
}

fn bad_request(code: &str, message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, code, message)
}

/// How much of the body line WeChat echoes in `truncated_sign_message`.
const ECHOED_BODY_CHARS: usize = 8;

/// The 401 WeChat answers when the signature does not verify: it echoes the start of the
/// message it checked, so the caller can see which line differs.
fn sign_mismatch(method: &str, url: &str, message: &str) -> Response {
    let mut lines: Vec<&str> = message.splitn(5, '\n').collect();
    let body = lines.pop().unwrap_or_default();
    let body = body.strip_suffix('\n').unwrap_or(body);
    let mut truncated = lines.join("\n");
    truncated.push('\n');
    truncated.extend(body.chars().take(ECHOED_BODY_CHARS));
    truncated.push('\n');
    error_with(
        StatusCode::UNAUTHORIZED,
        json!({
            "code": "SIGN_ERROR",
            "message": MSG_SIGN,
            "detail": {
                "detail": {"issue": "sign not match"},
                "field": "signature",
                "location": "authorization",
                "sign_information": {
                    "method": method,
                    "sign_message_length": message.len(),
                    "truncated_sign_message": truncated,
                    "url": url,
                }
            }
        }),
    )
}

/// Who sent a request whose signature verified.
struct Caller {
    merchant: Merchant,
    /// The merchant certificate that verified the request.
    certificate: PublicKey,
}

fn authenticate(
    world: &World,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Caller, Response> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| Authorization::parse(v).ok())
        .ok_or_else(|| sign_error(MSG_AUTHORIZATION))?;
    let ts: i64 = auth
        .timestamp
        .parse()
        .map_err(|_| sign_error(MSG_AUTHORIZATION))?;
    if (world.now() - ts).abs() >= MAX_SKEW_SECS {
        return Err(sign_error(MSG_TIMESTAMP));
    }
    let merchant = world
        .merchant(&auth.mchid)
        .ok_or_else(|| sign_error(MSG_SERIAL))?;
    let certificate = merchant
        .certificates
        .iter()
        .find(|(serial, _)| serial.eq_ignore_ascii_case(&auth.serial_no))
        .map(|(_, key)| key.clone())
        .ok_or_else(|| sign_error(MSG_SERIAL))?;
    let url = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_else(|| uri.path());
    let message = request_message(method.as_str(), url, ts, &auth.nonce_str, "");
    if !certificate.verify_sha256(message.as_bytes(), &auth.signature) {
        return Err(sign_mismatch(method.as_str(), url, &message));
    }
    Ok(Caller {
        merchant: merchant.clone(),
        certificate,
    })
}

/// A 200 with WeChat's response signature (or a faulty one).
fn signed(world: &World, headers: &HeaderMap, body: String, active: &Active) -> Response {
    let requested = headers.get(HEADER_SERIAL).and_then(|v| v.to_str().ok());
    let (serial, key) = world.response_signer(requested);
    let key = if active.has(&FaultKind::BadSignature) {
        // A key of WeChat's that did not sign this serial: the client must refuse.
        if key.public_key() == world.material.wechatpay_key.public_key() {
            world.material.platform_key.clone()
        } else {
            world.material.wechatpay_key.clone()
        }
    } else {
        key
    };
    let timestamp = world.now().to_string();
    let nonce = random_hex(16);
    let signature = key.sign_sha256(&response_message(&timestamp, &nonce, body.as_bytes()));
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response();
    let h = response.headers_mut();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = value.parse() {
            h.insert(name, v);
        }
    };
    set(HEADER_TIMESTAMP, &timestamp);
    set(HEADER_NONCE, &nonce);
    set(HEADER_SERIAL, &serial);
    set("Wechatpay-Signature-Type", SIGNATURE_TYPE);
    if !active.has(&FaultKind::MissingSignature) {
        set(HEADER_SIGNATURE, &signature);
    }
    response
}

pub async fn facemch(
    State(world): State<Arc<World>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    Path(face_sid): Path<String>,
    RawQuery(query): RawQuery,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let active = match begin(&world, Target::Facemch, &conn).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let caller = match authenticate(&world, &method, &uri, &headers) {
        Ok(c) => c,
        Err(response) => return response,
    };
    let mut q: HashMap<String, String> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        q.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    let param = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(info_type) = param("info_type").and_then(InfoType::parse) else {
        return bad_request("PARAM_ERROR", MSG_INFO_TYPE);
    };
    let real_name = matches!(info_type, InfoType::AskRealName | InfoType::AskRealNameTel);
    let Some(appid) = param("appid") else {
        return bad_request("PARAM_ERROR", MSG_APPID_MISSING);
    };
    let merchant = &caller.merchant;
    if !merchant.appids.iter().any(|a| a == appid) {
        return bad_request("PARAM_ERROR", MSG_APPID_MISMATCH);
    }
    let sub_mchid = param("sub_mchid");
    let sub_appid = param("sub_appid");
    // Whose certificate the fields are encrypted to.
    let mut recipient = caller.certificate.clone();
    if merchant.is_service_provider() {
        let Some(sub) = sub_mchid.filter(|s| merchant.sub_merchants.iter().any(|m| m == s)) else {
            return bad_request("INVALID_REQUEST", MSG_SUB_MCHID);
        };
        let Some(sub_merchant) = world.merchant(sub) else {
            return bad_request("INVALID_REQUEST", MSG_SUB_MCHID);
        };
        if let Some(sa) = sub_appid
            && !sub_merchant.appids.iter().any(|a| a == sa)
        {
            return bad_request("PARAM_ERROR", MSG_SUB_APPID);
        }
        if real_name {
            let Some(serial) = param("sub_serial_no") else {
                return bad_request("PARAM_ERROR", MSG_SUB_SERIAL_MISSING);
            };
            match sub_merchant
                .certificates
                .iter()
                .find(|(s, _)| s.eq_ignore_ascii_case(serial))
            {
                Some((_, key)) => recipient = key.clone(),
                None => return bad_request("PARAM_ERROR", MSG_SUB_SERIAL),
            }
        }
    } else if sub_mchid.is_some() || sub_appid.is_some() {
        return bad_request("INVALID_REQUEST", MSG_SUB_MCHID);
    }
    let Some(session) = world.session(&face_sid).filter(|s| {
        s.mch_id == merchant.mch_id && s.appid == appid && s.sub_mch_id.as_deref() == sub_mchid
    }) else {
        return bad_request("INVALID_REQUEST", MSG_FACE_SID_UNKNOWN);
    };
    if session.expires_at <= world.now() || active.has(&FaultKind::ExpiredFaceSid) {
        return bad_request("INVALID_REQUEST", MSG_FACE_SID_EXPIRED);
    }
    if !session.authorized {
        return bad_request("INVALID_REQUEST", MSG_NOT_AUTHORIZED);
    }
    let Some(persona) = world.persona(&session.persona) else {
        return bad_request("INVALID_REQUEST", MSG_FACE_SID_UNKNOWN);
    };
    let mut body = serde_json::Map::new();
    body.insert("openid".into(), persona.openid(appid).into());
    if let Some(sa) = sub_appid {
        body.insert("sub_openid".into(), persona.openid(sa).into());
    }
    let padding = if active.has(&FaultKind::WrongPadding) {
        world.options().padding.other()
    } else {
        world.options().padding
    };
    let garbage = active.has(&FaultKind::GarbageCiphertext);
    let encrypt = |plain: &str| -> Result<String, Response> {
        if garbage {
            let mut noise = vec![0u8; recipient.bits() / 8];
            rand::fill(&mut noise[..]);
            return Ok(B64.encode(noise));
        }
        recipient
            .encrypt_b64(padding.padding(), plain.as_bytes())
            .map_err(|_| {
                error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "SYSTEM_ERROR",
                    "系统错误",
                )
            })
    };
    match info_type {
        InfoType::AskUnionid => match persona.union_id() {
            Some(u) => {
                body.insert("union_id".into(), u.into());
            }
            None => return bad_request("INVALID_REQUEST", MSG_UNIONID),
        },
        InfoType::AskRealName | InfoType::AskRealNameTel => {
            let phone = if info_type == InfoType::AskRealNameTel {
                match &persona.phone {
                    Some(p) => Some(p.clone()),
                    None => return bad_request("INVALID_REQUEST", MSG_PHONE),
                }
            } else {
                None
            };
            let name = match encrypt(&persona.name) {
                Ok(v) => v,
                Err(r) => return r,
            };
            let id = match encrypt(&persona.credential_id) {
                Ok(v) => v,
                Err(r) => return r,
            };
            body.insert(
                "real_name_info".into(),
                json!({
                    "encrypted_real_name": name,
                    "credential_type": persona.credential_type,
                    "encrypted_credential_id": id,
                }),
            );
            if let Some(p) = phone {
                match encrypt(&p) {
                    Ok(v) => body.insert("encrypted_phone_number".into(), v.into()),
                    Err(r) => return r,
                };
            }
        }
    }
    signed(&world, &headers, Value::Object(body).to_string(), &active)
}

/// RFC 3339 in China Standard Time, as WeChat writes `effective_time` and `expire_time`.
pub fn rfc3339_cst(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
        + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+08:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// AEAD_AES_256_GCM as APIv3 uses it: the APIv3 key, a 12-character nonce, the associated
/// data; base64 of the ciphertext with its 16-byte tag.
pub fn aes_gcm_encrypt(
    apiv3_key: &str,
    nonce: &str,
    associated_data: &str,
    plaintext: &[u8],
) -> Option<String> {
    let cipher = Aes256Gcm::new_from_slice(apiv3_key.as_bytes()).ok()?;
    let nonce = Nonce::try_from(nonce.as_bytes()).ok()?;
    let out = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad: associated_data.as_bytes(),
            },
        )
        .ok()?;
    Some(B64.encode(out))
}

pub async fn certificates(
    State(world): State<Arc<World>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let active = match begin(&world, Target::Certificates, &conn).await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let caller = match authenticate(&world, &method, &uri, &headers) {
        Ok(c) => c,
        Err(response) => return response,
    };
    if !world.options().key_mode.has_platform_certificate() {
        return error(StatusCode::NOT_FOUND, "NOT_FOUND", MSG_NO_CERTIFICATE);
    }
    let m = &world.material;
    let Ok(cert) = Certificate::from_pem("platform certificate", &m.platform_cert_pem) else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SYSTEM_ERROR",
            "系统错误",
        );
    };
    use rand::distr::{Alphanumeric, SampleString};
    let nonce = Alphanumeric.sample_string(&mut rand::rng(), 12);
    let Some(ciphertext) = aes_gcm_encrypt(
        caller.merchant.apiv3_key.expose(),
        &nonce,
        "certificate",
        m.platform_cert_pem.as_bytes(),
    ) else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SYSTEM_ERROR",
            "系统错误",
        );
    };
    let body = json!({
        "data": [{
            "serial_no": m.platform_serial,
            "effective_time": rfc3339_cst(cert.not_before),
            "expire_time": rfc3339_cst(cert.not_after),
            "encrypt_certificate": {
                "algorithm": "AEAD_AES_256_GCM",
                "nonce": nonce,
                "associated_data": "certificate",
                "ciphertext": ciphertext,
            }
        }]
    });
    signed(&world, &headers, body.to_string(), &active)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_cst_rfc3339() {
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_528_425_296);
        assert_eq!(rfc3339_cst(t), "2018-06-08T10:34:56+08:00");
        assert_eq!(rfc3339_cst(UNIX_EPOCH), "1970-01-01T08:00:00+08:00");
    }

    #[test]
    fn sign_mismatch_echoes_the_message_start() {
        let msg = "POST\n/v3/pay/transactions/jsapi\n1686039829\nad34e9b1a34845faa8987eca27cf82ee\n{\"appid\":\"wx\"}\n";
        let r = sign_mismatch("POST", "/v3/pay/transactions/jsapi", msg);
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}
