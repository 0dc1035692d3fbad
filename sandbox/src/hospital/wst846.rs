//! The hospital information platform's patient services (WS/T 846.2, HL7 V3, 2020 evaluation
//! dialect) behind the SOAP convention `HIPMessageServer(action, message)`: PatientInfoQuery
//! answers PRPA_IN201306UV02, PatientInfoRegister answers MCCI_IN000002UV01.
//!
//! Written from the standard, not from the kiosk's code: it checks what the platform relies
//! on (the envelope, the action, the message root and interaction id, the OIDs, the ID number,
//! the patient id of a registration, the name, the organisation code) and answers an AE naming
//! the element when the kiosk gets one wrong; a broken envelope gets a SOAP Client (Sender)
//! fault. Never a 500 for a bad message.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use quick_xml::NsReader;
use quick_xml::escape::escape;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use super::registry::NewPatient;
use super::{Altered, Endpoint, Hospital, Received, begin};
use crate::front::ConnHandle;

const HL7: &str = "urn:hl7-org:v3";
const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
const ACTION: &str = "urn:hl7-org:v3/HIPMessageServer";

const MESSAGE_ID: &str = "2.16.156.10011.2.5.1.1";
const INTERACTION_ID: &str = "2.16.156.10011.2.5.1.2";
const DEVICE_ID: &str = "2.16.156.10011.2.5.1.3";
const PATIENT_ID: &str = "2.16.156.10011.2.5.1.4";
const ID_NUMBER: &str = "2.16.156.10011.1.3";
const ORGANIZATION_ID: &str = "2.16.156.10011.1.5";
const CREDENTIAL_SYSTEM: &str = "2.16.156.10011.2.3.1.1";
const SEX_SYSTEM: &str = "2.16.156.10011.2.3.3.4";

/// The platform's own device id in its answers.
const PLATFORM_DEVICE: &str = "SANDBOX-HIP-PLATFORM";

/// Requests larger than this are not patient messages.
const MAX_BODY: usize = 512 * 1024;

pub(super) fn routes() -> Router<Arc<Hospital>> {
    Router::new().route("/his/wst846", post(serve))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Soap {
    V11,
    V12,
}

impl Soap {
    fn ns(self) -> &'static str {
        match self {
            Soap::V11 => SOAP11,
            Soap::V12 => SOAP12,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Soap::V11 => "text/xml; charset=utf-8",
            Soap::V12 => "application/soap+xml; charset=utf-8",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Query,
    Register,
}

impl Service {
    fn request_root(self) -> &'static str {
        match self {
            Service::Query => "PRPA_IN201305UV02",
            Service::Register => "PRPA_IN201311UV02",
        }
    }

    fn reply_root(self) -> &'static str {
        match self {
            Service::Query => "PRPA_IN201306UV02",
            Service::Register => "MCCI_IN000002UV01",
        }
    }
}

async fn serve(
    State(hospital): State<Arc<Hospital>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let soap_action = headers
        .get("soapaction")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let ct_action = content_type.as_deref().and_then(|ct| param(ct, "action"));
    hospital.receive(Received {
        endpoint: Endpoint::Wst846,
        method: "POST".into(),
        target: "/his/wst846".into(),
        content_type: content_type.clone(),
        action: soap_action.clone().or_else(|| ct_action.clone()),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let version = match content_type.as_deref().map(media_type).as_deref() {
        Some("text/xml") => Some(Soap::V11),
        Some("application/soap+xml") => Some(Soap::V12),
        _ => None,
    };
    let fault_version = version.unwrap_or(Soap::V11);
    let altered = match begin(&hospital, Endpoint::Wst846, Some(&conn), |status| {
        fault(fault_version, status, true, "the platform is unavailable")
    })
    .await
    {
        Ok(a) => a,
        Err(response) => return response,
    };
    let Some(version) = version else {
        return fault(
            Soap::V11,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            false,
            "Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2)",
        );
    };
    let action_ok = match version {
        Soap::V11 => soap_action.as_deref() == Some(&format!("\"{ACTION}\"")),
        Soap::V12 => ct_action.as_deref() == Some(ACTION),
    };
    if !action_ok {
        let what = match version {
            Soap::V11 => "SOAPAction must be \"urn:hl7-org:v3/HIPMessageServer\" (quoted)",
            Soap::V12 => "the Content-Type's action must be urn:hl7-org:v3/HIPMessageServer",
        };
        return client_fault(version, what);
    }
    if body.len() > MAX_BODY {
        return client_fault(version, "the request is too large");
    }
    let (service, message) = match read_call(version, &body) {
        Ok(call) => call,
        Err(what) => return client_fault(version, &what),
    };
    let answer = answer(&hospital, service, &message, altered);
    respond(version, &answer)
}

/// The service and the message text of a `HIPMessageServer` call, or what is wrong.
fn read_call(version: Soap, body: &[u8]) -> Result<(Service, String), String> {
    let root = parse(body).map_err(|e| format!("the request {e}"))?;
    let ns = version.ns();
    if !root.is(ns, "Envelope") {
        return Err(format!("Envelope: the root must be Envelope in {ns}"));
    }
    let body = only(&root, ns, "Body").map_err(|e| format!("Envelope/Body {e}"))?;
    let [call] = body.children.as_slice() else {
        return Err("Body must hold exactly one element".into());
    };
    if !call.is(HL7, "HIPMessageServer") {
        return Err("Body/HIPMessageServer (urn:hl7-org:v3) is missing".into());
    }
    if call.children.len() != 2 {
        return Err("HIPMessageServer must hold action and message, nothing else".into());
    }
    let action = only(call, HL7, "action").map_err(|e| format!("HIPMessageServer/action {e}"))?;
    let message =
        only(call, HL7, "message").map_err(|e| format!("HIPMessageServer/message {e}"))?;
    let service = match action.text.trim() {
        "PatientInfoQuery" => Service::Query,
        "PatientInfoRegister" => Service::Register,
        _ => {
            return Err(
                "HIPMessageServer/action must be PatientInfoQuery or PatientInfoRegister".into(),
            );
        }
    };
    if !message.children.is_empty() {
        return Err("HIPMessageServer/message must be the HL7 V3 message as text".into());
    }
    Ok((service, message.text.clone()))
}

/// The HL7 V3 reply text to `message`.
fn answer(hospital: &Hospital, service: Service, message: &str, altered: Altered) -> String {
    let request = match parse(message.trim().as_bytes()) {
        Ok(r) => r,
        Err(e) => {
            return ack(
                service,
                None,
                Ack::Error("message", &format!("the message {e}")),
            );
        }
    };
    let checked = check_header(&request, service).and_then(|id| {
        let fields = match service {
            Service::Query => check_query(&request).map(Checked::Query),
            Service::Register => check_register(&request).map(Checked::Register),
        };
        fields.map(|f| (id, f))
    });
    let (request_id, checked) = match checked {
        Ok(c) => c,
        Err((element, problem)) => {
            let id = request
                .first(HL7, "id")
                .and_then(|i| i.attr("extension"))
                .map(str::to_owned);
            return ack(service, id.as_deref(), Ack::Error(element, &problem));
        }
    };
    let id = Some(request_id.as_str());
    if altered.malformed {
        // A reply without its acknowledgement: the kiosk must not take it for an answer.
        return format!(
            "<{root} xmlns=\"{HL7}\" ITSVersion=\"XML_1.0\"></{root}>",
            root = service.reply_root()
        );
    }
    if altered.refuse {
        return ack(service, id, Ack::Refused("REFUSED", "平台拒绝"));
    }
    let mut registry = hospital.registry.lock().expect("registry");
    match checked {
        Checked::Query(number) => {
            let mut found: Vec<String> = registry
                .find(&number)
                .into_iter()
                .map(|p| p.number.clone())
                .collect();
            if altered.duplicate {
                while found.len() < 2 {
                    found.push(registry.mint());
                }
            }
            ack(service, id, Ack::Found(&found))
        }
        Checked::Register(patient) => {
            if !registry.find(&patient.credential_number).is_empty() {
                return ack(service, id, Ack::Refused("DUPLICATE", "重复注册"));
            }
            let number = patient.number.clone().unwrap_or_default();
            if registry.by_number(&number).is_some() {
                return ack(service, id, Ack::Refused("DUPLICATE_ID", "患者ID已被占用"));
            }
            registry.add(patient, "wst846");
            ack(service, id, Ack::Accepted)
        }
    }
}

enum Checked {
    /// The ID number asked for.
    Query(String),
    Register(NewPatient),
}

type Problem = (&'static str, String);

fn problem(element: &'static str, rule: &str) -> Problem {
    (element, rule.to_owned())
}

/// The message header; returns the message id.
fn check_header(m: &El, service: Service) -> Result<String, Problem> {
    let root = service.request_root();
    if !m.is(HL7, root) {
        return Err(problem(
            "root element",
            &format!("must be {root} in urn:hl7-org:v3 for this action"),
        ));
    }
    if m.attr("ITSVersion") != Some("XML_1.0") {
        return Err(problem("@ITSVersion", "must be XML_1.0"));
    }
    let id = only(m, HL7, "id").map_err(|e| problem("id", &e))?;
    if id.attr("root") != Some(MESSAGE_ID) {
        return Err(problem("id/@root", &format!("must be {MESSAGE_ID}")));
    }
    let extension = id.attr("extension").unwrap_or_default();
    if !(32..=36).contains(&extension.chars().count()) {
        return Err(problem(
            "id/@extension",
            "must be 32 to 36 characters (a UUID)",
        ));
    }
    let time = only(m, HL7, "creationTime").map_err(|e| problem("creationTime", &e))?;
    if !time
        .attr("value")
        .is_some_and(|v| v.len() == 14 && v.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(problem("creationTime/@value", "must be yyyyMMddHHmmss"));
    }
    let interaction = only(m, HL7, "interactionId").map_err(|e| problem("interactionId", &e))?;
    if interaction.attr("root") != Some(INTERACTION_ID) {
        return Err(problem(
            "interactionId/@root",
            &format!("must be {INTERACTION_ID}"),
        ));
    }
    if interaction.attr("extension") != Some(root) {
        return Err(problem(
            "interactionId/@extension",
            &format!("must be {root}"),
        ));
    }
    for (role, element) in [
        ("receiver", "receiver/device/id/item"),
        ("sender", "sender/device/id/item"),
    ] {
        let item =
            path(m, &[role, "device", "id", "item"]).ok_or((element, "is missing".into()))?;
        if item.attr("root") != Some(DEVICE_ID) {
            return Err(problem(element, &format!("@root must be {DEVICE_ID}")));
        }
        let ext = item.attr("extension").unwrap_or_default();
        if !(7..=36).contains(&ext.chars().count()) {
            return Err(problem(element, "@extension must be 7 to 36 characters"));
        }
    }
    Ok(extension.to_owned())
}

fn check_query(m: &El) -> Result<String, Problem> {
    const ITEM: &str = "queryByParameter/parameterList/livingSubjectId/value/item";
    let params = path(
        m,
        &["controlActProcess", "queryByParameter", "parameterList"],
    )
    .ok_or(problem(
        "controlActProcess/queryByParameter/parameterList",
        "is missing",
    ))?;
    let item =
        path(params, &["livingSubjectId", "value", "item"]).ok_or(problem(ITEM, "is missing"))?;
    if item.attr("root") != Some(ID_NUMBER) {
        return Err(problem(ITEM, &format!("@root must be {ID_NUMBER}")));
    }
    let number = item.attr("extension").unwrap_or_default().trim();
    if number.is_empty() {
        return Err(problem(ITEM, "@extension (the ID number) is empty"));
    }
    Ok(number.to_owned())
}

fn check_register(m: &El) -> Result<NewPatient, Problem> {
    let patient = path(
        m,
        &[
            "controlActProcess",
            "subject",
            "registrationRequest",
            "subject1",
            "patient",
        ],
    )
    .ok_or(problem(
        "registrationRequest/subject1/patient",
        "is missing",
    ))?;
    let id = path(patient, &["id", "item"]).ok_or(problem("patient/id/item", "is missing"))?;
    if id.attr("root") != Some(PATIENT_ID) {
        return Err(problem(
            "patient/id/item",
            &format!("@root must be {PATIENT_ID}"),
        ));
    }
    let number = id.attr("extension").unwrap_or_default().trim();
    if number.is_empty() || number.len() > 64 || !number.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(problem(
            "patient/id/item",
            "@extension (the patient id) must be 1 to 64 printable ASCII characters",
        ));
    }
    let person = only(patient, HL7, "patientPerson").map_err(|e| problem("patientPerson", &e))?;
    let item =
        path(person, &["id", "item"]).ok_or(problem("patientPerson/id/item", "is missing"))?;
    if item.attr("root") != Some(ID_NUMBER) {
        return Err(problem(
            "patientPerson/id/item",
            &format!("@root must be {ID_NUMBER}"),
        ));
    }
    let credential_number = item.attr("extension").unwrap_or_default();
    if !(2..=64).contains(&credential_number.chars().count()) {
        return Err(problem(
            "patientPerson/id/item",
            "@extension must be 2 to 64 characters",
        ));
    }
    let category =
        only(person, HL7, "idCategory").map_err(|e| problem("patientPerson/idCategory", &e))?;
    let credential_type = coded(
        category,
        "patientPerson/idCategory",
        CREDENTIAL_SYSTEM,
        &[
            ("01", "居民身份证"),
            ("02", "居民户口簿"),
            ("03", "护照"),
            ("04", "军官证"),
            ("05", "驾驶证"),
            ("06", "港澳居民来往内地通行证"),
            ("07", "台湾居民来往内地通行证"),
            ("99", "其他法定有效证件"),
        ],
    )?;
    let name = path(person, &["name", "item", "part"])
        .and_then(|p| p.attr("value"))
        .unwrap_or_default();
    if name.trim().is_empty() || name.chars().count() > 64 {
        return Err(problem(
            "patientPerson/name/item/part/@value",
            "must be the name, 1 to 64 characters",
        ));
    }
    let gender = only(person, HL7, "administrativeGenderCode")
        .map_err(|e| problem("patientPerson/administrativeGenderCode", &e))?;
    let sex = coded(
        gender,
        "patientPerson/administrativeGenderCode",
        SEX_SYSTEM,
        &[
            ("0", "未知的性别"),
            ("1", "男性"),
            ("2", "女性"),
            ("9", "未说明的性别"),
        ],
    )?;
    let birth =
        only(person, HL7, "birthTime").map_err(|e| problem("patientPerson/birthTime", &e))?;
    let birth_date = match (birth.attr("value"), birth.attr("nullFlavor")) {
        (Some(v), None) => Some(date(v).ok_or(problem(
            "patientPerson/birthTime/@value",
            "must be a real date, yyyyMMdd",
        ))?),
        (None, Some(_)) => None,
        _ => {
            return Err(problem(
                "patientPerson/birthTime",
                "must have a value or a nullFlavor (one of them)",
            ));
        }
    };
    let telecom = only(person, HL7, "telecom").map_err(|e| problem("patientPerson/telecom", &e))?;
    let phone = telecom
        .children
        .iter()
        .filter_map(|i| i.attr("value"))
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(str::to_owned);
    only(person, HL7, "addr").map_err(|e| problem("patientPerson/addr", &e))?;
    let org = path(patient, &["providerOrganization", "id", "item"])
        .ok_or(problem("providerOrganization/id/item", "is missing"))?;
    if org.attr("root") != Some(ORGANIZATION_ID) {
        return Err(problem(
            "providerOrganization/id/item",
            &format!("@root must be {ORGANIZATION_ID}"),
        ));
    }
    if org.attr("extension").unwrap_or_default().chars().count() != 18 {
        return Err(problem(
            "providerOrganization/id/item",
            "@extension must be the 18-character organisation code",
        ));
    }
    let author = path(
        m,
        &[
            "controlActProcess",
            "subject",
            "registrationRequest",
            "author",
            "assignedEntity",
            "id",
            "item",
        ],
    )
    .ok_or(problem(
        "registrationRequest/author/assignedEntity/id/item",
        "is missing",
    ))?;
    if author.attr("extension").unwrap_or_default().is_empty() {
        return Err(problem(
            "registrationRequest/author/assignedEntity/id/item",
            "@extension is empty",
        ));
    }
    Ok(NewPatient {
        number: Some(number.to_owned()),
        name: name.to_owned(),
        credential_type,
        credential_number: credential_number.to_owned(),
        sex: Some(sex),
        birth_date,
        phone,
    })
}

/// A coded element's code, checked against its system and the name its code has.
fn coded(
    e: &El,
    element: &'static str,
    system: &str,
    codes: &[(&str, &str)],
) -> Result<String, Problem> {
    if e.attr("codeSystem") != Some(system) {
        return Err(problem(element, &format!("@codeSystem must be {system}")));
    }
    let code = e.attr("code").unwrap_or_default();
    let Some((_, name)) = codes.iter().find(|(c, _)| *c == code) else {
        return Err(problem(element, "@code is not in the code system"));
    };
    let shown = e.first(HL7, "displayName").and_then(|d| d.attr("value"));
    if shown != Some(*name) {
        return Err(problem(
            element,
            "displayName/@value is not the code's name",
        ));
    }
    Ok(code.to_owned())
}

/// `yyyyMMdd` as `yyyy-MM-dd`, when a real date.
fn date(v: &str) -> Option<String> {
    if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (
        v[..4].parse().ok()?,
        v[4..6].parse().ok()?,
        v[6..].parse().ok()?,
    );
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (y >= 1800 && (1..=days).contains(&d)).then(|| format!("{}-{}-{}", &v[..4], &v[4..6], &v[6..]))
}

enum Ack<'a> {
    Accepted,
    Found(&'a [String]),
    Refused(&'a str, &'a str),
    /// The element and what is wrong with it.
    Error(&'a str, &'a str),
}

/// The reply (HL7 V3 text) to `service`.
fn ack(service: Service, request_id: Option<&str>, ack: Ack<'_>) -> String {
    let root = service.reply_root();
    let mut id = [0u8; 16];
    rand::fill(&mut id[..]);
    let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let (type_code, detail) = match &ack {
        Ack::Accepted | Ack::Found(_) => (
            "AA",
            "<acknowledgementDetail><text value=\"成功\"/></acknowledgementDetail>".to_owned(),
        ),
        Ack::Refused(code, text) => (
            "AE",
            format!(
                "<acknowledgementDetail typeCode=\"E\"><code code=\"{code}\"/><text value=\"{}\"/></acknowledgementDetail>",
                escape(*text)
            ),
        ),
        Ack::Error(element, text) => (
            "AE",
            format!(
                "<acknowledgementDetail typeCode=\"E\"><code code=\"INVALID\"/><text value=\"{}\"/><location value=\"{}\"/></acknowledgementDetail>",
                escape(*text),
                escape(*element)
            ),
        ),
    };
    let target = request_id
        .map(|r| {
            format!(
                "<targetMessage><id root=\"{MESSAGE_ID}\" extension=\"{}\"/></targetMessage>",
                escape(r)
            )
        })
        .unwrap_or_default();
    let control = match ack {
        Ack::Found(numbers) => {
            let subjects: String = numbers
                .iter()
                .map(|n| {
                    format!(
                        "<subject typeCode=\"SUBJ\"><registrationEvent classCode=\"REG\" moodCode=\"EVN\">\
                         <statusCode code=\"active\"/><subject1 typeCode=\"SBJ\"><patient classCode=\"PAT\">\
                         <id><item root=\"{PATIENT_ID}\" extension=\"{}\"/></id><statusCode code=\"active\"/>\
                         </patient></subject1></registrationEvent></subject>",
                        escape(n.as_str())
                    )
                })
                .collect();
            let code = if numbers.is_empty() { "NF" } else { "OK" };
            format!(
                "<controlActProcess classCode=\"CACT\" moodCode=\"EVN\">{subjects}\
                 <queryAck><queryResponseCode code=\"{code}\"/><resultTotalQuantity value=\"{}\"/></queryAck>\
                 </controlActProcess>",
                numbers.len()
            )
        }
        _ => String::new(),
    };
    format!(
        "<{root} xmlns=\"{HL7}\" ITSVersion=\"XML_1.0\"><id root=\"{MESSAGE_ID}\" extension=\"{id}\"/>\
         <creationTime value=\"20260101000000\"/><interactionId root=\"{INTERACTION_ID}\" extension=\"{root}\"/>\
         <processingCode code=\"P\"/><processingModeCode/><acceptAckCode code=\"AL\"/>\
         <receiver typeCode=\"RCV\"><device classCode=\"DEV\" determinerCode=\"INSTANCE\"><id>\
         <item root=\"{DEVICE_ID}\" extension=\"KIOSK\"/></id></device></receiver>\
         <sender typeCode=\"SND\"><device classCode=\"DEV\" determinerCode=\"INSTANCE\"><id>\
         <item root=\"{DEVICE_ID}\" extension=\"{PLATFORM_DEVICE}\"/></id></device></sender>\
         <acknowledgement typeCode=\"{type_code}\">{target}{detail}</acknowledgement>{control}</{root}>"
    )
}

fn respond(version: Soap, reply: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"{}\"><soap:Body>\
         <HIPMessageServerResponse xmlns=\"{HL7}\"><HIPMessageServerResult>{}</HIPMessageServerResult>\
         </HIPMessageServerResponse></soap:Body></soap:Envelope>",
        version.ns(),
        escape(reply)
    );
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, version.content_type())],
        body,
    )
        .into_response()
}

fn client_fault(version: Soap, reason: &str) -> Response {
    let status = match version {
        Soap::V11 => StatusCode::INTERNAL_SERVER_ERROR,
        Soap::V12 => StatusCode::BAD_REQUEST,
    };
    fault(version, status, false, reason)
}

/// A SOAP Fault: the server's (`Server`/`Receiver`) or the client's (`Client`/`Sender`).
fn fault(version: Soap, status: StatusCode, server: bool, reason: &str) -> Response {
    let reason = escape(reason);
    let body = match version {
        Soap::V11 => format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"{SOAP11}\"><soap:Body>\
             <soap:Fault><faultcode>soap:{}</faultcode><faultstring>{reason}</faultstring></soap:Fault>\
             </soap:Body></soap:Envelope>",
            if server { "Server" } else { "Client" }
        ),
        Soap::V12 => format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><env:Envelope xmlns:env=\"{SOAP12}\"><env:Body>\
             <env:Fault><env:Code><env:Value>env:{}</env:Value></env:Code><env:Reason>\
             <env:Text xml:lang=\"en\">{reason}</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>",
            if server { "Receiver" } else { "Sender" }
        ),
    };
    (
        status,
        [(header::CONTENT_TYPE, version.content_type())],
        body,
    )
        .into_response()
}

fn media_type(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// A Content-Type parameter (`action="..."`), unquoted.
fn param(ct: &str, name: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// An element of a received message.
#[derive(Debug)]
struct El {
    ns: Option<String>,
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
    text: String,
}

impl El {
    fn is(&self, ns: &str, name: &str) -> bool {
        self.name == name && self.ns.as_deref() == Some(ns)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn first(&self, ns: &str, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.is(ns, name))
    }
}

/// The one child `name` in `ns`, or what is wrong.
fn only<'a>(e: &'a El, ns: &str, name: &str) -> Result<&'a El, String> {
    let mut all = e.children.iter().filter(|c| c.is(ns, name));
    let first = all.next().ok_or_else(|| "is missing".to_owned())?;
    if all.next().is_some() {
        return Err("appears more than once".into());
    }
    Ok(first)
}

/// The first element down `steps` (HL7 namespace).
fn path<'a>(e: &'a El, steps: &[&str]) -> Option<&'a El> {
    steps.iter().try_fold(e, |at, step| at.first(HL7, step))
}

/// A received document into its root element; a DOCTYPE and undefined entities are refused.
fn parse(bytes: &[u8]) -> Result<El, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8".to_owned())?;
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<El> = Vec::new();
    let mut root = None;
    let mut count = 0usize;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("is not well-formed XML ({e})"))?;
        let ns = match ns {
            ResolveResult::Bound(n) => Some(n.as_ref().to_owned()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(_) => return Err("uses an undeclared namespace prefix".into()),
        };
        let start = |e: &quick_xml::events::BytesStart<'_>| -> Result<El, String> {
            let mut attrs = Vec::new();
            for a in e.attributes() {
                let a = a.map_err(|_| "has a malformed attribute".to_owned())?;
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|_| "has an attribute with an undefined entity".to_owned())?;
                attrs.push((a.key.as_ref().to_owned(), v.into_owned()));
            }
            Ok(El {
                ns: ns.clone(),
                name: e.local_name().as_ref().to_owned(),
                attrs,
                children: Vec::new(),
                text: String::new(),
            })
        };
        match event {
            Event::Eof => break,
            Event::DocType(_) => return Err("has a DOCTYPE (refused)".into()),
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err("has a second root element".into());
            }
            Event::Start(e) => {
                count += 1;
                if count > 10_000 || stack.len() > 64 {
                    return Err("is too large or too deep".into());
                }
                stack.push(start(&e)?);
            }
            Event::Empty(e) => {
                count += 1;
                let el = start(&e)?;
                match stack.last_mut() {
                    Some(p) => p.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("closes an unopened element")?;
                match stack.last_mut() {
                    Some(p) => p.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                } else if !t.xml10_content().trim().is_empty() {
                    return Err("has text outside the root element".into());
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(el) => el.text.push_str(&c.xml10_content()),
                None => return Err("has CDATA outside the root element".into()),
            },
            Event::GeneralRef(r) => {
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
                let c = c.ok_or("uses an undefined entity")?;
                stack
                    .last_mut()
                    .ok_or("has a reference outside the root element")?
                    .text
                    .push(c);
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("ends inside an element".into());
    }
    root.ok_or_else(|| "has no root element".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_real_dates() {
        assert_eq!(date("19491231").as_deref(), Some("1949-12-31"));
        assert_eq!(date("20230229"), None);
        assert_eq!(date("2000022"), None);
    }

    #[test]
    fn a_wrong_root_is_answered_with_an_ae_naming_it() {
        let h = Hospital::default();
        let reply = answer(
            &h,
            Service::Query,
            "<PRPA_IN201311UV02 xmlns=\"urn:hl7-org:v3\"/>",
            Altered::default(),
        );
        assert!(
            reply.contains("typeCode=\"AE\"") && reply.contains("root element"),
            "{reply}"
        );
        let reply = answer(&h, Service::Register, "not xml", Altered::default());
        assert!(
            reply.starts_with("<MCCI_IN000002UV01") && reply.contains("AE"),
            "{reply}"
        );
    }
}
