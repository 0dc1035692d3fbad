//! A small element tree of an answer, read with quick-xml: namespaces resolved, the five
//! predefined entities and character references only. A DOCTYPE is refused (no entity of the
//! sender's is ever expanded: no XXE, no billion laughs), and depth and size are bounded.
//! Problems say where (a byte offset or an element), never what the text held.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// Deeper than any SOAP envelope around an HL7 V3 patient message.
const MAX_DEPTH: usize = 48;
/// More elements than any answer about one or two patients has.
const MAX_ELEMENTS: usize = 8_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    /// The namespace URI, `None` when unqualified.
    pub ns: Option<String>,
    pub name: String,
    /// By qualified name as written (`extension`, `xsi:type`).
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The text directly inside (CDATA included), children's text not.
    pub text: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The children named `name` in namespace `ns`.
    pub fn all<'a>(&'a self, ns: &'a str, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children
            .iter()
            .filter(move |c| c.name == name && c.ns.as_deref() == Some(ns))
    }

    pub fn first<'a>(&'a self, ns: &'a str, name: &'a str) -> Option<&'a Element> {
        self.all(ns, name).next()
    }
}

/// Reads `bytes` (UTF-8) into its root element, or says why not.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("is not UTF-8 (at byte {})", e.valid_up_to()))?;
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let at = reader.buffer_position();
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|_| format!("is not well-formed XML (near byte {at})"))?;
        let ns = match ns {
            ResolveResult::Bound(n) => Some(n.as_ref().to_owned()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(_) => {
                return Err(format!(
                    "uses an undeclared namespace prefix (near byte {at})"
                ));
            }
        };
        match event {
            Event::Eof => break,
            Event::DocType(_) => return Err("has a DOCTYPE, which is refused".into()),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(format!(
                    "has content after its root element (near byte {at})"
                ));
            }
            Event::Start(e) => {
                count += 1;
                if count > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err("has too many or too deeply nested elements".into());
                }
                stack.push(element(ns, &e, at)?);
            }
            Event::Empty(e) => {
                count += 1;
                if count > MAX_ELEMENTS || stack.len() >= MAX_DEPTH {
                    return Err("has too many or too deeply nested elements".into());
                }
                let el = element(ns, &e, at)?;
                close(&mut stack, &mut root, el);
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| format!("closes an element never opened (near byte {at})"))?;
                close(&mut stack, &mut root, el);
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                match stack.last_mut() {
                    Some(el) => el.text.push_str(&t),
                    None if t.trim().is_empty() => {}
                    None => {
                        return Err(format!(
                            "has text outside its root element (near byte {at})"
                        ));
                    }
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(el) => el.text.push_str(&c.xml10_content()),
                None => {
                    return Err(format!(
                        "has CDATA outside its root element (near byte {at})"
                    ));
                }
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
                let c = c.ok_or_else(|| format!("uses an undefined entity (near byte {at})"))?;
                match stack.last_mut() {
                    Some(el) => el.text.push(c),
                    None => {
                        return Err(format!(
                            "has text outside its root element (near byte {at})"
                        ));
                    }
                }
            }
        }
    }
    if !stack.is_empty() {
        return Err("ends inside an element".into());
    }
    root.ok_or_else(|| "has no root element".into())
}

fn element(ns: Option<String>, e: &BytesStart<'_>, at: u64) -> Result<Element, String> {
    let name = e.local_name().as_ref().to_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|_| format!("has a malformed attribute (near byte {at})"))?;
        let key = a.key.as_ref().to_owned();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|_| format!("has an attribute with an undefined entity (near byte {at})"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        ns,
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
    })
}

fn close(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_entities_and_cdata_are_read() {
        let root = parse(
            "<?xml version=\"1.0\"?><a:r xmlns:a=\"urn:a\" xmlns=\"urn:b\"><c k=\"&lt;&#x20BB7;\">x&amp;<![CDATA[<y>]]></c></a:r>"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(
            (root.ns.as_deref(), root.name.as_str()),
            (Some("urn:a"), "r")
        );
        let c = root.first("urn:b", "c").unwrap();
        assert_eq!(c.attr("k"), Some("<𠮷"));
        assert_eq!(c.text, "x&<y>");
    }

    #[test]
    fn a_doctype_or_an_unknown_entity_is_refused() {
        let bomb = "<!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><r>&b;</r>";
        assert!(parse(bomb.as_bytes()).unwrap_err().contains("DOCTYPE"));
        assert!(parse(b"<r>&b;</r>").unwrap_err().contains("entity"));
    }

    #[test]
    fn a_byte_order_mark_is_read_past() {
        let root = parse("\u{feff}<?xml version=\"1.0\"?><r/>".as_bytes()).unwrap();
        assert_eq!(root.name, "r");
    }

    #[test]
    fn depth_and_shape_are_bounded() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(deep.as_bytes()).unwrap_err().contains("nested"));
        assert!(parse(b"<a></a><b/>").is_err());
        assert!(parse(b"<a>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<p:a/>").is_err());
    }
}
