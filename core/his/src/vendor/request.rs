//! A query or create request as the site's profile shapes it: JSON (nested objects) or XML
//! (elements under one root), with the trade code in a field or a header.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::profile::{DateFormat, Format, Ours, Profile, SYSTEM, TheirPath, TradePlace};
use crate::error::HisError;
use crate::patient::HisPatient;

/// Which of the site's trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trade {
    /// Find the patient by their ID document.
    Query,
    /// Register them.
    Create,
}

/// A request ready to send.
#[derive(Debug)]
pub struct Request {
    /// Holds the patient's data: wiped on drop.
    pub body: Zeroizing<Vec<u8>>,
    pub content_type: &'static str,
    /// The trade code's header, when the profile puts it there.
    pub header: Option<(String, String)>,
}

/// One value to write: wiped on drop, as it may be the patient's.
struct Item<'p> {
    at: &'p TheirPath,
    text: Zeroizing<String>,
    number: bool,
    /// Our field's key, to name it when it cannot be sent.
    key: &'static str,
}

/// The request for `trade`. A query carries the trade code, the constants and the ID
/// document; a create everything the profile maps that the patient has.
pub fn build(
    profile: &Profile,
    trade: Trade,
    patient: &HisPatient<'_>,
) -> Result<Request, HisError> {
    let code = match trade {
        Trade::Query => profile
            .trades
            .query
            .as_deref()
            .ok_or_else(|| HisError::Setup("the profile has no trade.query".into()))?,
        Trade::Create => profile.trades.create.as_str(),
    };
    let mut items = Vec::new();
    let mut header = None;
    match &profile.trades.place {
        TradePlace::Field(at) => items.push(Item {
            at,
            text: Zeroizing::new(code.to_owned()),
            number: false,
            key: "trade",
        }),
        TradePlace::Header(name) => header = Some((name.clone(), code.to_owned())),
    }
    for (at, value) in &profile.constants {
        items.push(Item {
            at,
            text: Zeroizing::new(value.text.clone()),
            number: value.number,
            key: "constants",
        });
    }
    for (&ours, at) in &profile.fields {
        if trade == Trade::Query && !matches!(ours, Ours::CredentialType | Ours::CredentialNumber) {
            continue;
        }
        if let Some((text, number)) = value(profile, ours, patient)? {
            items.push(Item {
                at,
                text,
                number,
                key: ours.key(),
            });
        }
    }
    let (body, content_type) = match profile.format {
        Format::Json => (json(&items)?, "application/json; charset=utf-8"),
        Format::Xml => (xml(&items)?, "application/xml; charset=utf-8"),
    };
    Ok(Request {
        body,
        content_type,
        header,
    })
}

/// Our field's value in the site's terms, or `None` when the patient has none (a passport
/// says no birth date; a phone is asked only with `ASK_REAL_NAME_TEL`).
fn value(
    profile: &Profile,
    ours: Ours,
    patient: &HisPatient<'_>,
) -> Result<Option<(Zeroizing<String>, bool)>, HisError> {
    let text = |s: &str| Some((Zeroizing::new(s.to_owned()), false));
    Ok(match ours {
        Ours::Name => text(patient.name.reveal()),
        Ours::CredentialNumber => text(patient.credential_number.reveal()),
        Ours::CredentialType => {
            let gb = patient.credential.gb_code();
            let theirs = profile
                .credential_codes
                .get(gb)
                .ok_or_else(|| HisError::Unsendable {
                    system: SYSTEM,
                    what: format!(
                        "its ID document type (the standard's code {gb}) has no code in the site \
                     profile (codes.credential_type)"
                    ),
                })?;
            Some((Zeroizing::new(theirs.text.clone()), theirs.number))
        }
        Ours::Sex => profile.sex_codes.as_ref().map(|codes| {
            let code = codes.of(patient.sex);
            (Zeroizing::new(code.text.clone()), code.number)
        }),
        Ours::BirthDate => patient.birth_date.as_ref().map(|d| {
            let text = match profile.birth_date {
                Some(DateFormat::Compact) => d.compact(),
                _ => d.iso(),
            };
            (Zeroizing::new(text), false)
        }),
        Ours::Phone => patient.phone.and_then(|p| text(p.reveal())),
    })
}

fn json(items: &[Item<'_>]) -> Result<Zeroizing<Vec<u8>>, HisError> {
    let mut root = Map::new();
    for item in items {
        let (last, parents) = item.at.segments.split_last().expect("a path has a segment");
        let mut object = &mut root;
        for segment in parents {
            let next = object
                .entry(segment.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            object = next.as_object_mut().ok_or_else(|| overlap(item))?;
        }
        let value = if item.number {
            // The profile gave an integer (checked when it was read).
            item.text
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(item.text.to_string()))
        } else {
            Value::String(item.text.to_string())
        };
        if object.insert(last.clone(), value).is_some() {
            return Err(overlap(item));
        }
    }
    let value = Value::Object(root);
    let body = Zeroizing::new(serde_json::to_vec(&value).expect("a JSON value serializes"));
    wipe(value);
    Ok(body)
}

/// serde_json's strings are plain `String`s: wiped here before they are freed.
fn wipe(value: Value) {
    match value {
        Value::String(s) => drop(Zeroizing::new(s)),
        Value::Array(items) => items.into_iter().for_each(wipe),
        Value::Object(map) => map.into_iter().for_each(|(_, v)| wipe(v)),
        _ => {}
    }
}

/// An element of the XML request being built.
struct Node<'p> {
    name: &'p str,
    text: Option<&'p str>,
    children: Vec<Node<'p>>,
}

fn xml(items: &[Item<'_>]) -> Result<Zeroizing<Vec<u8>>, HisError> {
    let Some(first) = items.first() else {
        return Err(HisError::Setup("the profile maps nothing to send".into()));
    };
    let mut root = Node {
        name: &first.at.segments[0],
        text: None,
        children: Vec::new(),
    };
    for item in items {
        if item.text.chars().any(|c| !xml_char(c)) {
            return Err(HisError::Unsendable {
                system: SYSTEM,
                what: format!("its {} has a character XML cannot carry", item.key),
            });
        }
        let mut node = &mut root;
        for segment in &item.at.segments[1..] {
            let i = match node.children.iter().position(|c| c.name == segment) {
                Some(i) => i,
                None => {
                    node.children.push(Node {
                        name: segment,
                        text: None,
                        children: Vec::new(),
                    });
                    node.children.len() - 1
                }
            };
            node = &mut node.children[i];
        }
        if node.text.is_some() || !node.children.is_empty() {
            return Err(overlap(item));
        }
        node.text = Some(&item.text);
    }
    let mut writer = Writer::new(Vec::new());
    let failed = |_| HisError::Setup("cannot write the XML request".into());
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(failed)?;
    write_node(&mut writer, &root).map_err(failed)?;
    Ok(Zeroizing::new(writer.into_inner()))
}

fn write_node(writer: &mut Writer<Vec<u8>>, node: &Node<'_>) -> std::io::Result<()> {
    writer.write_event(Event::Start(BytesStart::new(node.name)))?;
    if let Some(text) = node.text {
        writer.write_event(Event::Text(BytesText::new(text)))?;
    }
    for child in &node.children {
        write_node(writer, child)?;
    }
    writer.write_event(Event::End(BytesEnd::new(node.name)))
}

/// XML 1.0's `Char`: what an element's text may hold.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn overlap(item: &Item<'_>) -> HisError {
    HisError::Setup(format!(
        "profile: {} writes to {}, where another value already is",
        item.key, item.at.text
    ))
}
