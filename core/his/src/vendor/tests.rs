use facekiosk_pii::identity::{CredentialNumber, CredentialType, Phone, RealName};

use super::*;
use crate::codes::Credential;
use crate::demographics::{BirthDate, Sex};

const TIANRUI: &str = include_str!("../../../../assets/his-profiles/tianrui.toml");
const ZZJ: &str = include_str!("../../../../assets/his-profiles/zzj.toml");

fn profile(text: &str) -> Profile {
    parse_profile(text).unwrap_or_else(|p| panic!("{p:?}"))
}

struct Person {
    name: RealName,
    number: CredentialNumber,
    phone: Option<Phone>,
    kind: CredentialType,
}

fn person(name: &str, kind: CredentialType, number: &str, phone: Option<&str>) -> Person {
    Person {
        name: RealName::parse(name.into()).unwrap(),
        number: CredentialNumber::parse(kind, number.into()).unwrap(),
        phone: phone.map(|p| Phone::parse(p.into()).unwrap()),
        kind,
    }
}

fn patient(p: &Person) -> HisPatient<'_> {
    let resident = p.kind == CredentialType::ResidentId;
    HisPatient {
        name: &p.name,
        credential: Credential::of(p.kind),
        credential_number: &p.number,
        sex: if resident { Sex::Female } else { Sex::Unknown },
        birth_date: resident.then(|| BirthDate::new(1992, 3, 4).unwrap()),
        phone: p.phone.as_ref(),
    }
}

fn personas() -> Vec<Person> {
    vec![
        person(
            "𠮷雅婷",
            CredentialType::ResidentId,
            "320106199203040029",
            None,
        ),
        person(
            "阿卜杜·买买提",
            CredentialType::ResidentId,
            "650102198502151518",
            None,
        ),
        person("JOHN SMITH", CredentialType::Passport, "GB5527104", None),
        person(
            "王芳",
            CredentialType::ResidentId,
            "310115197909230049",
            Some("13912345678"),
        ),
    ]
}

fn keys(text: &str) -> Vec<String> {
    parse_profile(text)
        .unwrap_err()
        .into_iter()
        .map(|p| p.key)
        .collect()
}

#[test]
fn the_example_profiles_are_valid_and_send_what_they_map() {
    let t = profile(TIANRUI);
    assert_eq!(
        t.sends(),
        vec![Sent::Name, Sent::Credential, Sent::Sex, Sent::Phone]
    );
    assert!(t.trades.query.is_none() && t.trades.create_is_idempotent);
    let z = profile(ZZJ);
    assert_eq!(
        z.sends(),
        vec![
            Sent::Name,
            Sent::Credential,
            Sent::Sex,
            Sent::BirthDate,
            Sent::Phone
        ]
    );
    assert_eq!(z.trades.query.as_deref(), Some("GETPATINFO"));
}

#[test]
fn every_problem_of_a_profile_is_named_by_its_key_at_once() {
    let text = r#"
format = "yaml"
colour = "blue"
[trade]
header = "X Trade"
create = ""
qeury = "Q"
[fields]
name = "a..b"
sex = "sex"
birth_date = "born"
nickname = "nick"
[codes.sex]
male = 1
female = 1
[codes.credential_type]
"42" = "x"
[answer]
success = []
number = "data.no"
"#;
    let keys = keys(text);
    for want in [
        "format",
        "colour",
        "trade.qeury",
        "trade.header",
        "trade.create",
        "trade.query",
        "fields.name",
        "fields.credential_number",
        "fields.nickname",
        "formats.birth_date",
        "codes.sex.unknown",
        "codes.credential_type.\"42\"",
        "codes.credential_type",
        "answer.code",
        "answer.success",
    ] {
        assert!(keys.iter().any(|k| k == want), "{want} not in {keys:?}");
    }
    let text = parse_profile(text)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("trade.qeury: is not a known key (known: field, header, query"),
        "{text}"
    );
    assert!(!text.contains("blue") && !text.contains("nick\""), "{text}");
}

#[test]
fn an_xml_profile_needs_one_root_and_places_that_do_not_collide() {
    let text = ZZJ
        .replace("\"Request/PAT_NAME\"", "\"Req/PAT_NAME\"")
        .replace("\"Request/SEX\"", "\"Request/SFZ_NO\"")
        .replace(
            "number = \"Response/PatInfo/HOSPATID\"",
            "number = \"Answer/HOSPATID\"",
        )
        .replace("\"Request/MOBILE_NO\"", "\"Request/1MOBILE\"");
    let keys = keys(&text);
    for want in ["fields.name", "fields.sex", "answer.number", "fields.phone"] {
        assert!(keys.iter().any(|k| k == want), "{want} not in {keys:?}");
    }
}

#[test]
fn a_toml_syntax_error_gives_the_line_not_the_text() {
    let err = parse_profile("format = \"json\"\n[fields]\nname = \"PAT_SECRET\n").unwrap_err();
    assert_eq!(err.len(), 1);
    let text = err[0].to_string();
    assert!(text.contains("line 3"), "{text}");
    assert!(!text.contains("PAT_SECRET"), "{text}");
}

#[test]
fn a_missing_profile_file_is_named() {
    let err = read_profile(Path::new("/nonexistent/site.toml")).unwrap_err();
    assert!(
        err.to_string()
            .contains("profile /nonexistent/site.toml: cannot be read"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("site.toml");
    std::fs::write(&file, TIANRUI.replace("[answer]", "[answer]\nsucces = [1]")).unwrap();
    let err = read_profile(&file).unwrap_err();
    assert!(
        err.to_string()
            .contains("site.toml: answer.succes: is not a known key"),
        "{err}"
    );
}

#[test]
fn json_requests_carry_every_name_intact_and_the_sites_codes() {
    let t = profile(TIANRUI);
    for p in personas() {
        let patient = patient(&p);
        let request = build_request(&t, Trade::Create, &patient).unwrap();
        assert_eq!(
            request.header,
            Some(("X-Trade-Code".into(), "RegisterAccount".into()))
        );
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["name"], p.name.reveal(), "{}", p.name.reveal());
        assert_eq!(body["idcard"], p.number.reveal());
        assert_eq!(body["terminalId"], "ZZJ-0001");
        // 天瑞: female 1, unknown 2, as numbers; passport 2.
        let (sex, kind) = match p.kind {
            CredentialType::Passport => (2, 2),
            _ => (1, 1),
        };
        assert_eq!(body["sex"], sex);
        assert_eq!(body["idcardType"], kind);
        assert_eq!(
            body.get("mobile").and_then(|m| m.as_str()),
            p.phone.as_ref().map(|p| p.reveal())
        );
        assert!(body.get("birthday").is_none());
    }
}

#[test]
fn xml_requests_carry_every_name_intact() {
    let z = profile(ZZJ);
    for p in personas() {
        let patient = patient(&p);
        let request = build_request(&z, Trade::Create, &patient).unwrap();
        assert!(request.header.is_none());
        let leaves = answer::tests_leaves(&request.body);
        let get = |path: &str| {
            leaves
                .iter()
                .find(|(p, _)| p.join("/") == path)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("Request/TradeCode").as_deref(), Some("GETPATRECORD"));
        assert_eq!(get("Request/PAT_NAME").as_deref(), Some(p.name.reveal()));
        assert_eq!(get("Request/SFZ_NO").as_deref(), Some(p.number.reveal()));
        assert_eq!(get("Request/HOS_ID").as_deref(), Some("H0001"));
        let resident = p.kind == CredentialType::ResidentId;
        assert_eq!(
            get("Request/SEX").as_deref(),
            Some(if resident { "2" } else { "0" })
        );
        assert_eq!(
            get("Request/ID_TYPE").as_deref(),
            Some(if resident { "01" } else { "03" })
        );
        assert_eq!(
            get("Request/BIR_DATE").as_deref(),
            resident.then_some("1992-03-04")
        );
        // The raw text, not an escape of it.
        let raw = std::str::from_utf8(&request.body).unwrap();
        assert!(
            raw.contains(&format!("<PAT_NAME>{}</PAT_NAME>", p.name.reveal())),
            "{raw}"
        );
    }
}

#[test]
fn a_query_carries_the_id_document_only() {
    let z = profile(ZZJ);
    let p = &personas()[3];
    let request = build_request(&z, Trade::Query, &patient(p)).unwrap();
    let raw = std::str::from_utf8(&request.body).unwrap();
    assert!(raw.contains("<TradeCode>GETPATINFO</TradeCode>"), "{raw}");
    assert!(raw.contains(p.number.reveal()) && raw.contains("<ID_TYPE>01</ID_TYPE>"));
    assert!(!raw.contains(p.name.reveal()) && !raw.contains("MOBILE_NO") && !raw.contains("SEX"));
}

#[test]
fn a_document_the_site_has_no_code_for_is_unsendable_by_its_standard_code() {
    let t = profile(TIANRUI);
    let p = person("张三", CredentialType::HouseholdRegister, "H1234567", None);
    let err = build_request(&t, Trade::Create, &patient(&p)).unwrap_err();
    assert_eq!(err.code().as_str(), "HIS_UNSENDABLE");
    assert!(
        err.to_string().contains("code 02") && err.to_string().contains("codes.credential_type"),
        "{err}"
    );
    assert!(!err.to_string().contains("H1234567"));
}

#[test]
fn json_answers_are_read_by_their_code() {
    let t = profile(TIANRUI);
    let read = |body: &str| read_answer(&t, Trade::Create, body.as_bytes());
    assert_eq!(
        read(r#"{"code":1,"msg":"成功","data":{"accountNo":"0000123","cardNo":"9"}}"#).unwrap(),
        Outcome::Number(PatientNumber::parse("0000123").unwrap())
    );
    // A number as a JSON number, a code as a string: both as text.
    assert_eq!(
        read(r#"{"code":"1","data":{"accountNo":4567}}"#).unwrap(),
        Outcome::Number(PatientNumber::parse("4567").unwrap())
    );
    let err = read(r#"{"code":0,"msg":"张三 身份证号 110105194912310020 已存在"}"#).unwrap_err();
    assert_eq!(err, HisError::refused(SYSTEM_NAME, "0"));
    assert!(!err.to_string().contains("张三"));
    let err = read(r#"{"code":3,"msg":"存在多条档案"}"#).unwrap_err();
    assert_eq!(err.code().as_str(), "HIS_DUPLICATE_PATIENTS");
    let err = read(r#"{"code":1,"data":{}}"#).unwrap_err();
    assert_eq!(err.code().as_str(), "HIS_ANSWER_INVALID");
    assert!(
        err.to_string().contains("data.accountNo is missing"),
        "{err}"
    );
    let err = read(r#"{"code":1,"data":{"accountNo":"张三"}}"#).unwrap_err();
    assert!(
        err.to_string().contains("data.accountNo has characters"),
        "{err}"
    );
    assert!(!err.to_string().contains("张三"));
    let err = read(r#"{"data":{"accountNo":"1"}}"#).unwrap_err();
    assert!(
        err.to_string().contains("answer's code is missing"),
        "{err}"
    );
    let err = read("<html>502 Bad Gateway</html>").unwrap_err();
    assert!(err.to_string().contains("body is not JSON"), "{err}");
    let err = read(r#"{"code":1,"data":[{"accountNo":"1"},{"accountNo":"2"}]}"#).unwrap_err();
    assert_eq!(
        err,
        HisError::Ambiguous {
            system: SYSTEM_NAME,
            count: 2
        }
    );
}

#[test]
fn xml_answers_are_read_by_their_code() {
    let z = profile(ZZJ);
    let read = |trade, body: &str| read_answer(&z, trade, body.as_bytes());
    let found = "<?xml version=\"1.0\"?><Response><ResultCode>0</ResultCode><ResultMsg>成功</ResultMsg>\
                 <PatInfo><HOSPATID> 2026000001 </HOSPATID><PAT_NAME>𠮷雅婷</PAT_NAME></PatInfo></Response>";
    assert_eq!(
        read(Trade::Query, found).unwrap(),
        Outcome::Number(PatientNumber::parse("2026000001").unwrap())
    );
    let none = "<Response><ResultCode>1</ResultCode><ResultMsg>查无此人</ResultMsg></Response>";
    assert_eq!(read(Trade::Query, none).unwrap(), Outcome::NotFound);
    // "Not found" is no answer to a create.
    assert_eq!(
        read(Trade::Create, none).unwrap_err().code().as_str(),
        "HIS_REFUSED"
    );
    let two = "<Response><ResultCode>0</ResultCode><PatInfo><HOSPATID>1</HOSPATID></PatInfo>\
               <PatInfo><HOSPATID>2</HOSPATID></PatInfo></Response>";
    assert_eq!(
        read(Trade::Query, two).unwrap_err(),
        HisError::Ambiguous {
            system: SYSTEM_NAME,
            count: 2
        }
    );
    let refused = "<Response><ResultCode>-1</ResultCode><ResultMsg>身份证号 SFZ_NO 错误</ResultMsg></Response>";
    assert_eq!(
        read(Trade::Create, refused).unwrap_err(),
        HisError::refused(SYSTEM_NAME, "-1")
    );
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\
               <Response><ResultCode>0</ResultCode><PatInfo><HOSPATID>&x;</HOSPATID></PatInfo></Response>";
    let err = read(Trade::Query, xxe).unwrap_err();
    assert!(err.to_string().contains("DOCTYPE"), "{err}");
    let err = read(
        Trade::Query,
        "<Response><ResultCode>0</ResultCode></Response>",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("Response/PatInfo/HOSPATID is missing"),
        "{err}"
    );
    for broken in [
        "",
        "not xml",
        "<Response><ResultCode>0</Response>",
        "<a/><b/>",
    ] {
        let err = read(Trade::Query, broken).unwrap_err();
        assert_eq!(err.code().as_str(), "HIS_ANSWER_INVALID", "{broken}: {err}");
    }
}

#[test]
fn a_separate_error_code_is_the_one_reported() {
    let text = TIANRUI.replace(
        "number = \"data.accountNo\"",
        "number = \"data.accountNo\"\nerror_code = \"errCode\"",
    );
    let t = profile(&text);
    let err = read_answer(&t, Trade::Create, br#"{"code":0,"errCode":"E1001"}"#).unwrap_err();
    assert_eq!(err, HisError::refused(SYSTEM_NAME, "E1001"));
}

const SYSTEM_NAME: &str = profile::SYSTEM;

#[test]
fn a_site_that_answers_true_for_success_is_read_and_a_true_number_is_not() {
    let text = TIANRUI
        .replace("success = [1]", "success = [true]")
        .replace("code = \"code\"", "code = \"success\"");
    let t = profile(&text);
    let read = |body: &str| read_answer(&t, Trade::Create, body.as_bytes());
    assert_eq!(
        read(r#"{"success":true,"data":{"accountNo":"77"}}"#).unwrap(),
        Outcome::Number(PatientNumber::parse("77").unwrap())
    );
    assert_eq!(
        read(r#"{"success":false}"#).unwrap_err(),
        HisError::refused(SYSTEM_NAME, "false")
    );
    let err = read(r#"{"success":true,"data":{"accountNo":true}}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("data.accountNo is neither text nor a number"),
        "{err}"
    );
}
