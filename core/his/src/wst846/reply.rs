//! Reading the platform's answer: the SOAP envelope, then the HL7 V3 reply inside it
//! (PRPA_IN201306UV02 to a query, MCCI_IN000002UV01 to a registration). Pure and total: any
//! bytes give a [`Reply`] or a [`HisError`] naming the element, never a value from the answer.

use super::SYSTEM;
use super::message::HL7_NS;
use super::soap::{self, Body};
use super::tree::{self, Element};
use crate::error::HisError;
use crate::patient::PatientNumber;

/// Which service the answer is to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// PatientInfoQuery: answered with PRPA_IN201306UV02.
    Query,
    /// PatientInfoRegister: answered with MCCI_IN000002UV01.
    Register,
}

impl Service {
    /// The service code, the SOAP `action`.
    pub fn action(self) -> &'static str {
        match self {
            Service::Query => "PatientInfoQuery",
            Service::Register => "PatientInfoRegister",
        }
    }

    fn reply_root(self) -> &'static str {
        match self {
            Service::Query => "PRPA_IN201306UV02",
            Service::Register => "MCCI_IN000002UV01",
        }
    }
}

/// What an accepted (AA) answer says.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// The patients the query found with the ID number: none, one, or more (to merge).
    Found(Vec<PatientNumber>),
    /// The registration was accepted.
    Registered,
}

/// Reads the answer to `service` (`status`: the HTTP status; `patient_id_root`: the OID of the
/// hospital's patient number, `[his] wst846.patient_id_root`).
pub fn read_reply(
    status: u16,
    body: &[u8],
    service: Service,
    patient_id_root: &str,
) -> Result<Reply, HisError> {
    let ok = (200..300).contains(&status);
    let envelope = match tree::parse(body) {
        Ok(root) => root,
        Err(_) if !ok => {
            return Err(HisError::Status {
                system: SYSTEM,
                status,
            });
        }
        Err(problem) => return Err(HisError::malformed(SYSTEM, "body", problem)),
    };
    let text = match soap::read(&envelope) {
        Ok(Body::Fault { server: true, .. }) => {
            // The platform's own trouble: as an HTTP error (a SOAP fault comes with a 500).
            let status = if ok { 500 } else { status };
            return Err(HisError::Status {
                system: SYSTEM,
                status,
            });
        }
        Ok(Body::Fault { code, .. }) => return Err(HisError::refused(SYSTEM, &code)),
        Err(_) if !ok => {
            return Err(HisError::Status {
                system: SYSTEM,
                status,
            });
        }
        Err((element, problem)) => return Err(HisError::malformed(SYSTEM, element, problem)),
        Ok(Body::Result(_)) if !ok => {
            return Err(HisError::Status {
                system: SYSTEM,
                status,
            });
        }
        Ok(Body::Result(text)) => text,
    };
    let reply = tree::parse(text.trim().as_bytes()).map_err(|problem| {
        HisError::malformed(
            SYSTEM,
            "HIPMessageServerResult",
            format!("(the reply) {problem}"),
        )
    })?;
    read_hl7(&reply, service, patient_id_root)
}

fn read_hl7(root: &Element, service: Service, patient_id_root: &str) -> Result<Reply, HisError> {
    let bad = |field: &str, problem: &str| HisError::malformed(SYSTEM, field, problem);
    if root.ns.as_deref() != Some(HL7_NS) || root.name != service.reply_root() {
        return Err(bad(
            "reply root element",
            &format!("is not {} in urn:hl7-org:v3", service.reply_root()),
        ));
    }
    let mut acks = root.all(HL7_NS, "acknowledgement");
    let ack = acks
        .next()
        .ok_or_else(|| bad("acknowledgement", "is missing"))?;
    if acks.next().is_some() {
        return Err(bad("acknowledgement", "appears twice"));
    }
    let type_code = ack
        .attr("typeCode")
        .ok_or_else(|| bad("acknowledgement/@typeCode", "is missing"))?;
    match type_code.trim() {
        "AA" => {}
        refusal @ ("AE" | "AR") => {
            let code = ack
                .all(HL7_NS, "acknowledgementDetail")
                .find_map(|d| d.first(HL7_NS, "code").and_then(|c| c.attr("code")))
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .unwrap_or(refusal);
            return Err(HisError::refused(SYSTEM, code));
        }
        _ => return Err(bad("acknowledgement/@typeCode", "is not AA, AE or AR")),
    }
    match service {
        Service::Register => Ok(Reply::Registered),
        Service::Query => found(root, patient_id_root).map(Reply::Found),
    }
}

/// Every `controlActProcess/subject/registrationEvent/subject1/patient`'s number.
fn found(root: &Element, patient_id_root: &str) -> Result<Vec<PatientNumber>, HisError> {
    const ITEM: &str = "registrationEvent/subject1/patient/id/item";
    let mut numbers = Vec::new();
    let Some(act) = root.first(HL7_NS, "controlActProcess") else {
        return Ok(numbers);
    };
    let patients = act
        .all(HL7_NS, "subject")
        .flat_map(|s| s.all(HL7_NS, "registrationEvent"))
        .flat_map(|e| e.all(HL7_NS, "subject1"))
        .flat_map(|s| s.all(HL7_NS, "patient"));
    for patient in patients {
        let mut items = patient
            .all(HL7_NS, "id")
            .flat_map(|id| id.all(HL7_NS, "item"))
            .filter(|i| i.attr("root").map(str::trim) == Some(patient_id_root));
        let item = items.next().ok_or_else(|| {
            HisError::malformed(SYSTEM, ITEM, "has no item with the patient number's root")
        })?;
        if items.next().is_some() {
            return Err(HisError::malformed(
                SYSTEM,
                ITEM,
                "has two items with the patient number's root",
            ));
        }
        let extension = item.attr("extension").ok_or_else(|| {
            HisError::malformed(SYSTEM, format!("{ITEM}/@extension"), "is missing")
        })?;
        let number = PatientNumber::parse(extension).map_err(|problem| {
            HisError::malformed(SYSTEM, format!("{ITEM}/@extension"), problem)
        })?;
        numbers.push(number);
    }
    Ok(numbers)
}
