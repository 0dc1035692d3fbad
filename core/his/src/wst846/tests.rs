use facekiosk_pii::identity::{
    CredentialNumber, CredentialType, Identity, Phone, RealName, RealNameInfo, WechatId,
};

use super::message::{self, HL7_NS, Stamp};
use super::reply::{Reply, Service, read_reply};
use super::soap::{self, Body};
use super::tree;
use super::*;
use crate::settings::{SoapVersion, Wst846Oids};

const PERSONAS: [(&str, i64, &str, Option<&str>); 4] = [
    ("𠮷雅婷", 1, "320106199203040029", None),
    ("阿卜杜·买买提", 1, "650102198502151518", None),
    ("JOHN SMITH", 2, "GB5527104", None),
    ("王芳", 1, "310115197909230049", Some("13912345678")),
];

fn identity(name: &str, kind: i64, number: &str, phone: Option<&str>) -> Identity {
    let kind = CredentialType::from_code(kind);
    Identity {
        openid: Some(WechatId::new("o-1")),
        sub_openid: None,
        union_id: None,
        real_name: Some(RealNameInfo {
            name: RealName::parse(name.into()).unwrap(),
            credential_type: kind,
            credential_number: CredentialNumber::parse(kind, number.into()).unwrap(),
        }),
        phone: phone.map(|p| Phone::parse(p.into()).unwrap()),
    }
}

pub(super) fn settings() -> Wst846Settings {
    Wst846Settings {
        url: "http://127.0.0.1:1/his/wst846".into(),
        soap_version: SoapVersion::V1_1,
        sender_id: "KIOSK-0001".into(),
        receiver_id: "HIP-PLATFORM".into(),
        organization_code: "12440300455755626N".into(),
        organization_name: "示例市人民医院".into(),
        register: true,
        patient_number_prefix: "ZZJ01-".into(),
        oids: Wst846Oids::default(),
        agreed: Default::default(),
        birth_date_required: false,
    }
}

/// The text of the first element named `name` anywhere below `e` with attribute `attr`.
fn find_attr<'a>(e: &'a tree::Element, name: &str, attr: &str) -> Option<&'a str> {
    if e.name == name
        && let Some(v) = e.attr(attr)
    {
        return Some(v);
    }
    e.children.iter().find_map(|c| find_attr(c, name, attr))
}

/// The message inside an envelope, as the platform reads it.
fn unwrap(envelope: &str) -> (String, String) {
    let root = tree::parse(envelope.as_bytes()).unwrap();
    let body = root.first(soap::SOAP11_NS, "Body").unwrap();
    let call = body.first(HL7_NS, "HIPMessageServer").unwrap();
    let action = call.first(HL7_NS, "action").unwrap().text.clone();
    let message = call.first(HL7_NS, "message").unwrap().text.clone();
    (action, message)
}

#[test]
fn every_persona_survives_the_register_message_and_its_envelope_intact() {
    let s = settings();
    let number = PatientNumber::parse("ZZJ01-0123456789").unwrap();
    for (name, kind, id, phone) in PERSONAS {
        let identity = identity(name, kind, id, phone);
        let patient = HisPatient::from_identity(&identity).unwrap();
        let m = message::register(&s, &Stamp::now(), &patient, &number);
        let envelope = soap::envelope(SoapVersion::V1_1, "PatientInfoRegister", &m);
        let (action, inner) = unwrap(&envelope);
        assert_eq!(action, "PatientInfoRegister");
        assert_eq!(inner, *m);
        let root = tree::parse(inner.as_bytes()).unwrap();
        assert_eq!(root.name, "PRPA_IN201311UV02");
        assert_eq!(find_attr(&root, "part", "value"), Some(name), "{name}");
        let gb = patient.credential.gb_code();
        assert_eq!(find_attr(&root, "idCategory", "code"), Some(gb));
        assert_eq!(find_attr(&root, "telecom", "xsi:type"), Some("DSET_TEL"));
        let ids: Vec<_> = ids(&root);
        assert!(
            ids.contains(&("2.16.156.10011.1.3".into(), id.into())),
            "{ids:?}"
        );
        assert!(ids.contains(&("2.16.156.10011.2.5.1.4".into(), number.as_str().into())));
        match phone {
            Some(p) => assert!(inner.contains(&format!("<item value=\"{p}\"/>"))),
            None => assert!(inner.contains("<telecom xsi:type=\"DSET_TEL\"><item/></telecom>")),
        }
        match &patient.birth_date {
            Some(d) => assert_eq!(find_attr(&root, "birthTime", "value"), Some(&*d.compact())),
            None => assert_eq!(find_attr(&root, "birthTime", "nullFlavor"), Some("UNK")),
        }
    }
}

fn ids(e: &tree::Element) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if e.name == "item"
        && let (Some(r), Some(x)) = (e.attr("root"), e.attr("extension"))
    {
        out.push((r.to_owned(), x.to_owned()));
    }
    for c in &e.children {
        out.extend(ids(c));
    }
    out
}

#[test]
fn the_query_asks_by_the_id_number_alone() {
    let s = settings();
    let m = message::query(&s, &Stamp::now(), "650102198502151518");
    let root = tree::parse(m.as_bytes()).unwrap();
    assert_eq!(root.name, "PRPA_IN201305UV02");
    assert_eq!(
        ids(&root),
        vec![
            ("2.16.156.10011.2.5.1.3".into(), "HIP-PLATFORM".into()),
            ("2.16.156.10011.2.5.1.3".into(), "KIOSK-0001".into()),
            ("2.16.156.10011.1.3".into(), "650102198502151518".into()),
        ]
    );
    assert_eq!(find_attr(&root, "part", "value"), Some(""));
    assert_eq!(
        find_attr(&root, "interactionId", "extension"),
        Some("PRPA_IN201305UV02")
    );
}

#[test]
fn stamps_are_uuids_and_china_time() {
    let s = Stamp::now();
    assert_eq!(s.id.len(), 36);
    assert_eq!(s.time.len(), 14);
    // 2024-02-29 16:30:05 UTC is 2024-03-01 00:30:05 in Beijing.
    assert_eq!(message::china_time(1_709_224_205), "20240301003005");
    assert_eq!(message::china_time(0), "19700101080000");
}

#[test]
fn soap_12_envelopes_and_headers() {
    let e = soap::envelope(SoapVersion::V1_2, "PatientInfoQuery", "<a>&</a>");
    assert!(e.contains(soap::SOAP12_NS) && e.contains("&lt;a&gt;&amp;&lt;/a&gt;"));
    let (ct, action) = soap::headers(SoapVersion::V1_2);
    assert_eq!(
        ct,
        "application/soap+xml; charset=utf-8; action=\"urn:hl7-org:v3/HIPMessageServer\""
    );
    assert_eq!(action, None);
    assert_eq!(
        soap::headers(SoapVersion::V1_1),
        (
            "text/xml; charset=utf-8".into(),
            Some("\"urn:hl7-org:v3/HIPMessageServer\"".into())
        )
    );
}

const ROOT: &str = "2.16.156.10011.2.5.1.4";

fn answer(ns: &str, result_name: &str, reply: &str, cdata: bool) -> Vec<u8> {
    let text = if cdata {
        format!("<![CDATA[{reply}]]>")
    } else {
        quick_xml::escape::escape(reply).into_owned()
    };
    format!(
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"{ns}\"><s:Body>\
         <HIPMessageServerResponse xmlns=\"urn:hl7-org:v3\"><{result_name}>{text}</{result_name}>\
         </HIPMessageServerResponse></s:Body></s:Envelope>"
    )
    .into_bytes()
}

fn query_reply(ack: &str, numbers: &[&str]) -> String {
    let patients: String = numbers
        .iter()
        .map(|n| {
            format!(
                "<subject typeCode=\"SUBJ\"><registrationEvent classCode=\"REG\" moodCode=\"EVN\">\
                 <subject1 typeCode=\"SBJ\"><patient classCode=\"PAT\"><id>\
                 <item root=\"2.16.156.10011.1.3\" extension=\"110105194912310020\"/>\
                 <item root=\"{ROOT}\" extension=\"{n}\"/></id></patient></subject1>\
                 </registrationEvent></subject>"
            )
        })
        .collect();
    format!(
        "<PRPA_IN201306UV02 xmlns=\"urn:hl7-org:v3\" ITSVersion=\"XML_1.0\">{ack}\
         <controlActProcess classCode=\"CACT\" moodCode=\"EVN\">{patients}</controlActProcess>\
         </PRPA_IN201306UV02>"
    )
}

const AA: &str = "<acknowledgement typeCode=\"AA\"/>";

#[test]
fn query_replies_give_the_patients_found() {
    for (ns, name, cdata) in [
        (soap::SOAP11_NS, "HIPMessageServerResult", false),
        (soap::SOAP12_NS, "return", true),
    ] {
        let one = answer(ns, name, &query_reply(AA, &["0001234567"]), cdata);
        let Reply::Found(found) = read_reply(200, &one, Service::Query, ROOT).unwrap() else {
            panic!("not a query reply");
        };
        assert_eq!(
            found.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
            ["0001234567"]
        );
    }
    let none = answer(soap::SOAP11_NS, "r", &query_reply(AA, &[]), false);
    assert_eq!(
        read_reply(200, &none, Service::Query, ROOT),
        Ok(Reply::Found(vec![]))
    );
    let two = answer(soap::SOAP11_NS, "r", &query_reply(AA, &["A1", "B2"]), false);
    let Ok(Reply::Found(two)) = read_reply(200, &two, Service::Query, ROOT) else {
        panic!()
    };
    assert_eq!(two.len(), 2);
}

#[test]
fn refusals_carry_the_platforms_code_and_never_its_text() {
    let ae = "<acknowledgement typeCode=\"AE\"><acknowledgementDetail><code code=\"E042\"/>\
              <text value=\"张三 110105194912310020 重复注册\"/></acknowledgementDetail>\
              </acknowledgement>";
    let body = answer(soap::SOAP11_NS, "r", &query_reply(ae, &[]), false);
    let err = read_reply(200, &body, Service::Query, ROOT).unwrap_err();
    assert_eq!(err, HisError::refused(SYSTEM, "E042"));
    let ar = "<acknowledgement typeCode=\"AR\"/>";
    let mcci = format!("<MCCI_IN000002UV01 xmlns=\"urn:hl7-org:v3\">{ar}</MCCI_IN000002UV01>");
    let body = answer(soap::SOAP12_NS, "r", &mcci, false);
    let err = read_reply(200, &body, Service::Register, ROOT).unwrap_err();
    assert_eq!(err, HisError::refused(SYSTEM, "AR"));
    assert_eq!(err.code().as_str(), "HIS_REFUSED");
    let aa = mcci.replace("AR", "AA");
    let body = answer(soap::SOAP12_NS, "r", &aa, false);
    assert_eq!(
        read_reply(200, &body, Service::Register, ROOT),
        Ok(Reply::Registered)
    );
}

#[test]
fn faults_are_refusals_or_server_errors() {
    let f11 = |code: &str| {
        format!(
            "<soap:Envelope xmlns:soap=\"{}\"><soap:Body><soap:Fault><faultcode>soap:{code}\
             </faultcode><faultstring>张三</faultstring></soap:Fault></soap:Body></soap:Envelope>",
            soap::SOAP11_NS
        )
    };
    let err = read_reply(500, f11("Client").as_bytes(), Service::Query, ROOT).unwrap_err();
    assert_eq!(err, HisError::refused(SYSTEM, "Client"));
    let err = read_reply(503, f11("Server").as_bytes(), Service::Query, ROOT).unwrap_err();
    assert_eq!(
        err,
        HisError::Status {
            system: SYSTEM,
            status: 503
        }
    );
    let f12 = format!(
        "<e:Envelope xmlns:e=\"{}\"><e:Body><e:Fault><e:Code><e:Value>e:Sender</e:Value>\
         </e:Code><e:Reason><e:Text xml:lang=\"en\">x</e:Text></e:Reason></e:Fault></e:Body>\
         </e:Envelope>",
        soap::SOAP12_NS
    );
    let err = read_reply(400, f12.as_bytes(), Service::Query, ROOT).unwrap_err();
    assert_eq!(err, HisError::refused(SYSTEM, "Sender"));
    let err = read_reply(502, b"<html>bad gateway</html>", Service::Query, ROOT).unwrap_err();
    assert_eq!(
        err,
        HisError::Status {
            system: SYSTEM,
            status: 502
        }
    );
    assert_eq!(
        soap::read(&tree::parse(f11("Server").as_bytes()).unwrap()),
        Ok(Body::Fault {
            code: "Server".into(),
            server: true
        })
    );
}

#[test]
fn unreadable_answers_name_the_element_and_no_value() {
    let secret = "110105194912310020";
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not xml".to_vec(), "body"),
        (
            format!("<!DOCTYPE x [<!ENTITY e \"{secret}\">]><x>&e;</x>").into_bytes(),
            "body",
        ),
        (b"<Envelope/>".to_vec(), "Envelope"),
        (
            answer(soap::SOAP11_NS, "r", &query_reply("", &["1"]), false),
            "acknowledgement",
        ),
        (
            answer(
                soap::SOAP11_NS,
                "r",
                &query_reply("<acknowledgement typeCode=\"OK\"/>", &[]),
                false,
            ),
            "acknowledgement/@typeCode",
        ),
        (
            answer(
                soap::SOAP11_NS,
                "r",
                &query_reply(AA, &[secret]).replace(ROOT, "1.2"),
                false,
            ),
            "registrationEvent/subject1/patient/id/item",
        ),
        (
            answer(soap::SOAP11_NS, "r", &query_reply(AA, &["有 空格"]), false),
            "registrationEvent/subject1/patient/id/item/@extension",
        ),
        (
            answer(soap::SOAP11_NS, "r", &format!("{secret}<"), false),
            "HIPMessageServerResult",
        ),
        (
            answer(
                soap::SOAP11_NS,
                "r",
                "<MCCI_IN000002UV01 xmlns=\"urn:hl7-org:v3\"/>",
                false,
            ),
            "reply root element",
        ),
    ];
    for (body, field) in cases {
        let err = read_reply(200, &body, Service::Query, ROOT).unwrap_err();
        let HisError::Malformed { field: f, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(f, field);
        assert_eq!(err.code().as_str(), "HIS_ANSWER_INVALID");
        assert!(
            !err.to_string().contains(secret) && !err.to_string().contains("空格"),
            "{err}"
        );
    }
}

#[test]
fn settings_the_schemas_cannot_carry_are_refused_by_name() {
    let connection = Connection::default();
    assert!(Wst846Hospital::new(&settings(), &connection).is_ok());
    type Change = fn(&mut Wst846Settings);
    let cases: [(&str, Change); 5] = [
        ("sender_id", |s| s.sender_id = "K1".into()),
        ("receiver_id", |s| s.receiver_id = "x".repeat(37)),
        ("organization_code", |s| {
            s.organization_code = "1244030045575562".into()
        }),
        ("patient_number_prefix", |s| {
            s.patient_number_prefix = "A B".into()
        }),
        ("patient_id_root", |s| s.oids.patient_id = "2.16..4".into()),
    ];
    for (field, change) in cases {
        let mut s = settings();
        change(&mut s);
        let err = Wst846Hospital::new(&s, &connection).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!("[his] {field} ")),
            "{err}"
        );
    }
}

#[test]
fn minted_numbers_are_the_prefix_and_ten_crockford_characters() {
    let a = mint("ZZJ01-").unwrap();
    let b = mint("ZZJ01-").unwrap();
    assert_ne!(a, b);
    let tail = a.as_str().strip_prefix("ZZJ01-").unwrap();
    assert_eq!(tail.len(), 10);
    assert!(tail.bytes().all(|c| CROCKFORD.contains(&c)), "{tail}");
}

/// Writes every message kind for every persona to `FACEKIOSK_HIS_MESSAGES_DIR` (when set), for
/// an XSD validator outside Rust.
#[test]
fn write_messages_for_validation() {
    let Some(dir) = std::env::var_os("FACEKIOSK_HIS_MESSAGES_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let s = settings();
    let number = PatientNumber::parse("ZZJ01-0123456789").unwrap();
    for (i, (name, kind, id, phone)) in PERSONAS.into_iter().enumerate() {
        let identity = identity(name, kind, id, phone);
        let patient = HisPatient::from_identity(&identity).unwrap();
        let r = message::register(&s, &Stamp::now(), &patient, &number);
        std::fs::write(dir.join(format!("register-{i}.xml")), r.as_bytes()).unwrap();
        let q = message::query(&s, &Stamp::now(), id);
        std::fs::write(dir.join(format!("query-{i}.xml")), q.as_bytes()).unwrap();
    }
}

#[test]
fn what_the_kiosk_does_not_collect_is_sent_as_agreed_or_as_not_known() {
    use crate::settings::AgreedCode;
    let identity = identity("阿卜杜·买买提", 1, "650102198502151518", None);
    let patient = HisPatient::from_identity(&identity).unwrap();
    let number = PatientNumber::parse("ZZJ01-0123456789").unwrap();
    let mut s = settings();
    let not_agreed = message::register(&s, &Stamp::now(), &patient, &number);
    for element in [
        "<item nullFlavor=\"UNK\" codeSystem=\"2.16.156.10011.2.3.3.3\"/>",
        "<occupationCode nullFlavor=\"UNK\"",
    ] {
        assert!(
            not_agreed.contains(element),
            "{element} not in {}",
            *not_agreed
        );
    }
    s.agreed.occupation = Some(AgreedCode {
        code: "90".into(),
        name: "其他".into(),
    });
    s.agreed.insurance_type = Some(AgreedCode {
        code: "99".into(),
        name: "其他".into(),
    });
    let agreed = message::register(&s, &Stamp::now(), &patient, &number);
    assert!(agreed.contains(
        "<occupationCode code=\"90\" codeSystem=\"2.16.156.10011.2.3.3.7\"><displayName value=\"其他\"/></occupationCode>"
    ));
    assert!(agreed.contains(
        "<code code=\"99\" codeSystem=\"2.16.156.10011.2.3.1.248\" codeSystemName=\"医疗保险类别代码表\"><displayName value=\"其他\"/></code>"
    ));
    // Not agreed stays not known: the kiosk makes no ethnicity up.
    assert!(agreed.contains("<item nullFlavor=\"UNK\" codeSystem=\"2.16.156.10011.2.3.3.3\"/>"));
}
