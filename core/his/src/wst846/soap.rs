//! The SOAP convention of the hospital information platform: one operation,
//! `HIPMessageServer(action, message)` in `urn:hl7-org:v3`, the HL7 V3 message as text; the
//! answer `HIPMessageServerResponse` holds the reply as text in one child.

use quick_xml::escape::escape;
use zeroize::Zeroizing;

use super::message::HL7_NS;
use super::tree::Element;
use crate::settings::SoapVersion;

pub(crate) const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub(crate) const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
pub(crate) const SOAP_ACTION: &str = "urn:hl7-org:v3/HIPMessageServer";

/// The request body around `message` for the service `action`.
pub(crate) fn envelope(version: SoapVersion, action: &str, message: &str) -> Zeroizing<String> {
    let ns = match version {
        SoapVersion::V1_1 => SOAP11_NS,
        SoapVersion::V1_2 => SOAP12_NS,
    };
    Zeroizing::new(format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
         <soap:Envelope xmlns:soap=\"{ns}\"><soap:Body>\
         <HIPMessageServer xmlns=\"{HL7_NS}\"><action>{action}</action>\
         <message>{}</message></HIPMessageServer></soap:Body></soap:Envelope>",
        escape(message)
    ))
}

/// The `Content-Type` and, for SOAP 1.1, the `SOAPAction` header.
pub(crate) fn headers(version: SoapVersion) -> (String, Option<String>) {
    match version {
        SoapVersion::V1_1 => (
            "text/xml; charset=utf-8".into(),
            Some(format!("\"{SOAP_ACTION}\"")),
        ),
        SoapVersion::V1_2 => (
            format!("application/soap+xml; charset=utf-8; action=\"{SOAP_ACTION}\""),
            None,
        ),
    }
}

/// What the envelope carries.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// The reply's text (the inner HL7 V3 XML).
    Result(String),
    /// A SOAP Fault: its code's local part (`Client`, `Server`, `Sender`, `Receiver`...).
    Fault { code: String, server: bool },
}

/// Reads the envelope of an answer. `Err` is `(element, problem)`.
pub(crate) fn read(root: &Element) -> Result<Body, (&'static str, &'static str)> {
    let ns = match root.ns.as_deref() {
        Some(SOAP11_NS) => SOAP11_NS,
        Some(SOAP12_NS) => SOAP12_NS,
        _ => return Err(("Envelope", "is not a SOAP 1.1 or 1.2 envelope")),
    };
    if root.name != "Envelope" {
        return Err(("Envelope", "is not a SOAP 1.1 or 1.2 envelope"));
    }
    let mut bodies = root.all(ns, "Body");
    let body = bodies.next().ok_or(("Body", "is missing"))?;
    if bodies.next().is_some() {
        return Err(("Body", "appears twice"));
    }
    let [content] = body.children.as_slice() else {
        return Err(("Body", "does not hold exactly one element"));
    };
    if content.ns.as_deref() == Some(ns) && content.name == "Fault" {
        return fault(ns, content);
    }
    if content.ns.as_deref() != Some(HL7_NS) || content.name != "HIPMessageServerResponse" {
        return Err((
            "Body/HIPMessageServerResponse",
            "is missing (the body holds another element)",
        ));
    }
    // The one result child: `HIPMessageServerResult` (.NET), `return` (JAX-WS) or another
    // name; its text (escaped or CDATA) is the reply.
    let [result] = content.children.as_slice() else {
        return Err((
            "HIPMessageServerResponse",
            "does not hold exactly one result element",
        ));
    };
    if !result.children.is_empty() {
        return Err((
            "HIPMessageServerResponse/HIPMessageServerResult",
            "holds elements, not the reply as text",
        ));
    }
    Ok(Body::Result(result.text.clone()))
}

fn fault(ns: &str, fault: &Element) -> Result<Body, (&'static str, &'static str)> {
    let code = if ns == SOAP11_NS {
        fault
            .children
            .iter()
            .find(|c| c.name == "faultcode")
            .map(|c| c.text.trim().to_owned())
            .ok_or(("Fault/faultcode", "is missing"))?
    } else {
        fault
            .first(ns, "Code")
            .and_then(|c| c.first(ns, "Value"))
            .map(|c| c.text.trim().to_owned())
            .ok_or(("Fault/Code/Value", "is missing"))?
    };
    let local = code.rsplit(':').next().unwrap_or_default().to_owned();
    let server = matches!(local.split('.').next(), Some("Server" | "Receiver"));
    Ok(Body::Fault {
        code: local,
        server,
    })
}
