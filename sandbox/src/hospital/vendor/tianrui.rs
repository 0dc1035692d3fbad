//! 天瑞-style `RegisterAccount`: JSON in, `{code, msg, data: {accountNo, cardNo}}` out, always
//! HTTP 200 (the code says what happened). Written from that field set: idcard, idcardType,
//! name, sex (0 男, 1 女, 2 未知), mobile, terminalId.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use facekiosk_pii::identity::validate;
use serde_json::{Map, Value, json};

use super::super::registry::NewPatient;
use super::super::{Altered, Hospital};
use super::{media_type, resident_facts};

pub(super) const TRADE_HEADER: &str = "x-trade-code";
const SUCCESS: i64 = 1;
const FAILURE: i64 = 0;
/// 存在多条档案: the hospital must merge them first.
const MULTIPLE: i64 = 3;
const KNOWN: &[&str] = &[
    "name",
    "idcard",
    "idcardType",
    "sex",
    "mobile",
    "address",
    "terminalId",
];

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn fail(code: i64, msg: impl Into<String>) -> Response {
    answer(
        StatusCode::OK,
        json!({ "code": code, "msg": msg.into(), "data": null }),
    )
}

/// The error body of a status fault.
pub(super) fn status(status: StatusCode) -> Response {
    answer(
        status,
        json!({ "code": FAILURE, "msg": "系统异常", "data": null }),
    )
}

pub(super) fn handle(
    hospital: &Hospital,
    headers: &HeaderMap,
    body: &[u8],
    altered: Altered,
) -> Response {
    if media_type(headers).as_deref() != Some("application/json") {
        return fail(FAILURE, "Content-Type 必须为 application/json");
    }
    match headers.get(TRADE_HEADER).and_then(|v| v.to_str().ok()) {
        Some("RegisterAccount") => {}
        Some(_) => return fail(FAILURE, "X-Trade-Code 未知的交易码"),
        None => return fail(FAILURE, "X-Trade-Code 缺失"),
    }
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(body) else {
        return fail(FAILURE, "请求体不是 JSON 对象");
    };
    let patient = match check(&request) {
        Ok(p) => p,
        Err(field) => return fail(FAILURE, field),
    };
    if altered.refuse {
        return fail(FAILURE, "建档失败: 院方拒绝");
    }
    if altered.duplicate {
        return fail(MULTIPLE, "存在多条档案, 请到窗口处理");
    }
    let mut registry = hospital.registry.lock().expect("registry");
    let found: Vec<String> = registry
        .find(&patient.credential_number)
        .iter()
        .map(|p| p.number.clone())
        .collect();
    let number = match found.as_slice() {
        // A known ID number: its account, not a second one.
        [one] => one.clone(),
        [] => registry.add(patient, "vendor").number,
        _ => return fail(MULTIPLE, "存在多条档案, 请到窗口处理"),
    };
    drop(registry);
    if altered.malformed {
        return answer(
            StatusCode::OK,
            json!({ "code": SUCCESS, "msg": "成功", "data": { "cardNo": number } }),
        );
    }
    answer(
        StatusCode::OK,
        json!({ "code": SUCCESS, "msg": "成功", "data": { "accountNo": number, "cardNo": number } }),
    )
}

/// The registration, or the message naming the first field that is wrong.
fn check(r: &Map<String, Value>) -> Result<NewPatient, String> {
    if let Some(unknown) = r.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!("参数 {unknown} 未定义"));
    }
    let text = |key: &str, required: bool| -> Result<Option<String>, String> {
        match r.get(key) {
            None | Some(Value::Null) if required => Err(format!("参数 {key} 缺失")),
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(format!("参数 {key} 必须为非空字符串")),
        }
    };
    let int = |key: &str, allowed: &[i64]| -> Result<i64, String> {
        match r.get(key).and_then(Value::as_i64) {
            Some(v) if allowed.contains(&v) => Ok(v),
            Some(_) => Err(format!("参数 {key} 取值无效")),
            None if r.get(key).is_none() => Err(format!("参数 {key} 缺失")),
            None => Err(format!("参数 {key} 必须为整数")),
        }
    };
    text("terminalId", true)?;
    let name = text("name", true)?.unwrap_or_default();
    validate::name(&name).map_err(|_| "参数 name 无效".to_string())?;
    let kind = int("idcardType", &[1, 2, 3, 4])?;
    let idcard = text("idcard", true)?.unwrap_or_default();
    let sex = int("sex", &[0, 1, 2])?;
    let credential_type = match kind {
        1 => "01",
        2 => "03",
        3 => "06",
        _ => "07",
    };
    if kind == 1 {
        let (male, _) = resident_facts(&idcard).ok_or("参数 idcard 不是有效的身份证号")?;
        // 天瑞's codes: 0 男, 1 女. A GB code (1 = male) sent here lands on the wrong sex.
        if sex != if male { 0 } else { 1 } {
            return Err("参数 sex 与身份证号不符".into());
        }
    } else if validate::other_credential(&idcard).is_err() {
        return Err("参数 idcard 证件号无效".into());
    }
    let phone = text("mobile", false)?;
    if let Some(p) = &phone
        && validate::phone(p).is_err()
    {
        return Err("参数 mobile 不是有效的手机号".into());
    }
    text("address", false)?;
    Ok(NewPatient {
        number: None,
        name,
        credential_type: credential_type.into(),
        credential_number: idcard,
        // Kept as GB/T 2261.1 codes it.
        sex: Some(
            match sex {
                0 => "1",
                1 => "2",
                _ => "0",
            }
            .into(),
        ),
        birth_date: None,
        phone,
    })
}
