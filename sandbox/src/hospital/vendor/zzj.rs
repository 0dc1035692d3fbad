//! A self-service (自助机) XML interface in the Bsoft/DHC style: `<Request><TradeCode>` and
//! flat fields in, `<Response><ResultCode><ResultMsg><PatInfo>...` out, always HTTP 200. Field
//! names of the 建档 model GETPATRECORD (HOS_ID, LTERMINAL_SN, SFZ_NO, PAT_NAME, SEX,
//! BIR_DATE, MOBILE_NO; HOSPATID out), plus ID_TYPE; sex as GB/T 2261.1.
//!
//! `GETPATINFO` finds by SFZ_NO (ResultCode 1: 查无此人); `GETPATRECORD` registers, and refuses
//! an ID number it already has (so a kiosk that does not query first is caught).

use std::collections::BTreeMap;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use facekiosk_pii::identity::validate;
use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;

use super::super::registry::NewPatient;
use super::super::{Altered, Hospital};
use super::{media_type, resident_facts};

const HOSPITAL_ID: &str = "H0001";
const SUCCESS: &str = "0";
const NOT_FOUND: &str = "1";
const REFUSED: &str = "-1";
const INVALID: &str = "-2";
const EXISTS: &str = "-3";
const QUERY_FIELDS: &[&str] = &["TradeCode", "HOS_ID", "LTERMINAL_SN", "SFZ_NO", "ID_TYPE"];
const CREATE_FIELDS: &[&str] = &[
    "TradeCode",
    "HOS_ID",
    "LTERMINAL_SN",
    "SFZ_NO",
    "ID_TYPE",
    "PAT_NAME",
    "SEX",
    "BIR_DATE",
    "MOBILE_NO",
    "AGE",
    "ADDRESS",
    "NATION",
];
const ID_TYPES: &[&str] = &["01", "02", "03", "06", "07", "99"];

fn answer(status: StatusCode, code: &str, msg: &str, numbers: &[(String, String)]) -> Response {
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><ResultCode>{code}</ResultCode>\
         <ResultMsg>{}</ResultMsg>",
        escape(msg)
    );
    for (number, name) in numbers {
        xml.push_str(&format!(
            "<PatInfo><HOSPATID>{}</HOSPATID><PAT_NAME>{}</PAT_NAME></PatInfo>",
            escape(number.as_str()),
            escape(name.as_str())
        ));
    }
    xml.push_str("</Response>");
    (
        status,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

fn fail(code: &str, msg: impl AsRef<str>) -> Response {
    answer(StatusCode::OK, code, msg.as_ref(), &[])
}

/// The error body of a status fault.
pub(super) fn status(status: StatusCode) -> Response {
    answer(status, "-9", "系统异常", &[])
}

pub(super) fn handle(
    hospital: &Hospital,
    headers: &HeaderMap,
    body: &[u8],
    altered: Altered,
) -> Response {
    if !matches!(
        media_type(headers).as_deref(),
        Some("application/xml" | "text/xml")
    ) {
        return fail(INVALID, "Content-Type 必须为 application/xml");
    }
    let fields = match read(body) {
        Ok(f) => f,
        Err(why) => return fail(INVALID, why),
    };
    let get = |k: &str| {
        fields
            .get(k)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    };
    let allowed = match get("TradeCode") {
        Some("GETPATINFO") => QUERY_FIELDS,
        Some("GETPATRECORD") => CREATE_FIELDS,
        Some(_) => return fail(INVALID, "TradeCode 无效"),
        None => return fail(INVALID, "TradeCode 缺失"),
    };
    if let Some(unknown) = fields.keys().find(|k| !allowed.contains(&k.as_str())) {
        return fail(INVALID, format!("节点 {unknown} 不属于该交易"));
    }
    if get("HOS_ID") != Some(HOSPITAL_ID) {
        return fail(INVALID, "HOS_ID 错误");
    }
    if get("LTERMINAL_SN").is_none() {
        return fail(INVALID, "LTERMINAL_SN 缺失");
    }
    let Some(id_type) = get("ID_TYPE") else {
        return fail(INVALID, "ID_TYPE 缺失");
    };
    if !ID_TYPES.contains(&id_type) {
        return fail(INVALID, "ID_TYPE 无效");
    }
    let Some(number) = get("SFZ_NO") else {
        return fail(INVALID, "SFZ_NO 缺失");
    };
    let facts = if id_type == "01" {
        match resident_facts(number) {
            Some(f) => Some(f),
            None => return fail(INVALID, "SFZ_NO 不是有效的身份证号"),
        }
    } else if validate::other_credential(number).is_err() {
        return fail(INVALID, "SFZ_NO 证件号无效");
    } else {
        None
    };
    let create = get("TradeCode") == Some("GETPATRECORD");
    let patient = if create {
        match registration(&get, id_type, number, facts) {
            Ok(p) => Some(p),
            Err(why) => return fail(INVALID, why),
        }
    } else {
        None
    };
    if altered.refuse {
        return fail(REFUSED, "院方拒绝");
    }
    if altered.malformed {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            "<Response><ResultCode>0</ResultCode><PatInfo><HOSPATID>",
        )
            .into_response();
    }
    let mut registry = hospital.registry.lock().expect("registry");
    let mut found: Vec<(String, String)> = registry
        .find(number)
        .iter()
        .map(|p| (p.number.clone(), p.name.clone()))
        .collect();
    match patient {
        None => {
            if altered.duplicate {
                // The window registered them twice: two records of one ID number.
                while found.len() < 2 {
                    let record = registry.add(
                        NewPatient {
                            number: None,
                            name: "重复档案".into(),
                            credential_type: id_type.into(),
                            credential_number: number.into(),
                            sex: None,
                            birth_date: None,
                            phone: None,
                        },
                        "admin",
                    );
                    found.push((record.number, record.name));
                }
            }
            if found.is_empty() {
                fail(NOT_FOUND, "查无此人")
            } else {
                answer(StatusCode::OK, SUCCESS, "成功", &found)
            }
        }
        Some(_) if !found.is_empty() => fail(EXISTS, "该证件号已建档"),
        Some(patient) => {
            let record = registry.add(patient, "vendor");
            answer(
                StatusCode::OK,
                SUCCESS,
                "成功",
                &[(record.number, record.name)],
            )
        }
    }
}

/// The create's patient, or the message naming the first wrong field.
fn registration<'a>(
    get: &impl Fn(&str) -> Option<&'a str>,
    id_type: &str,
    number: &str,
    facts: Option<(bool, String)>,
) -> Result<NewPatient, String> {
    let name = get("PAT_NAME").ok_or("PAT_NAME 缺失")?;
    validate::name(name).map_err(|_| "PAT_NAME 无效")?;
    let sex = get("SEX").ok_or("SEX 缺失")?;
    if !matches!(sex, "0" | "1" | "2") {
        return Err("SEX 取值无效 (0 未知, 1 男, 2 女)".into());
    }
    let birth = get("BIR_DATE");
    if let Some((male, born)) = &facts {
        if sex != if *male { "1" } else { "2" } {
            return Err("SEX 与身份证号不符".into());
        }
        match birth {
            None => return Err("BIR_DATE 缺失".into()),
            Some(b) if b != born => return Err("BIR_DATE 与身份证号不符 (yyyy-MM-dd)".into()),
            Some(_) => {}
        }
    } else if let Some(b) = birth {
        let shape = b.len() == 10
            && b.bytes().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shape {
            return Err("BIR_DATE 格式应为 yyyy-MM-dd".into());
        }
    }
    let phone = get("MOBILE_NO");
    if let Some(p) = phone
        && validate::phone(p).is_err()
    {
        return Err("MOBILE_NO 不是有效的手机号".into());
    }
    Ok(NewPatient {
        number: None,
        name: name.into(),
        credential_type: id_type.into(),
        credential_number: number.into(),
        sex: Some(sex.into()),
        birth_date: birth.map(str::to_owned),
        phone: phone.map(str::to_owned),
    })
}

/// `<Request>` and its text fields, or why not. No DOCTYPE, no nesting, no field twice.
fn read(body: &[u8]) -> Result<BTreeMap<String, String>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "请求不是 UTF-8")?;
    let mut reader = Reader::from_str(text);
    let mut fields = BTreeMap::new();
    let mut depth = 0;
    let mut current: Option<(String, String)> = None;
    let mut done = false;
    loop {
        let event = reader.read_event().map_err(|_| "请求不是合法的 XML")?;
        match event {
            Event::Eof => break,
            Event::DocType(_) => return Err("请求含 DOCTYPE".into()),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Start(e) if depth == 0 => {
                if done || e.name().as_ref() != "Request" {
                    return Err("根节点必须为 Request".into());
                }
                depth = 1;
            }
            Event::Start(e) if depth == 1 => {
                current = Some((e.name().as_ref().to_owned(), String::new()));
                depth = 2;
            }
            Event::Empty(e) if depth == 1 => {
                let name = e.name().as_ref().to_owned();
                if fields.insert(name.clone(), String::new()).is_some() {
                    return Err(format!("节点 {name} 重复"));
                }
            }
            Event::Start(_) | Event::Empty(_) => {
                return Err("节点不能嵌套".into());
            }
            Event::End(_) if depth == 2 => {
                let (name, value) = current.take().ok_or("请求不是合法的 XML")?;
                if fields.insert(name.clone(), value).is_some() {
                    return Err(format!("节点 {name} 重复"));
                }
                depth = 1;
            }
            Event::End(_) => {
                depth = 0;
                done = true;
            }
            Event::Text(t) => match &mut current {
                Some((_, v)) => v.push_str(&t.xml10_content()),
                None if t.xml10_content().trim().is_empty() => {}
                None => return Err("Request 下有游离文本".into()),
            },
            Event::CData(c) => match &mut current {
                Some((_, v)) => v.push_str(&c.xml10_content()),
                None => return Err("Request 下有游离文本".into()),
            },
            Event::GeneralRef(r) => {
                let Some((name, v)) = &mut current else {
                    return Err("Request 下有游离文本".into());
                };
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    match r.xml10_content().as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "apos" => Some('\''),
                        "quot" => Some('"'),
                        _ => None,
                    }
                };
                v.push(c.ok_or_else(|| format!("节点 {name} 含未定义的实体"))?);
            }
        }
    }
    if !done || depth != 0 {
        return Err("缺少 Request 根节点".into());
    }
    Ok(fields)
}
