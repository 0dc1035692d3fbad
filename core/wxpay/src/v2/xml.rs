//! The `<xml><name>value</name>...</xml>` format of APIv2.
//!
//! Reading refuses any DOCTYPE (so no external or custom entity is ever expanded: XXE) and
//! accepts plain text, CDATA and the five predefined entities and character references.
//! Writing wraps values with markup characters in CDATA (splitting `]]>`) and refuses what
//! WeChat cannot take: 4-byte UTF-8 characters ("不支持UTF8非3字节编码的字符") and
//! characters XML 1.0 cannot carry.

use quick_xml::Reader;
use quick_xml::events::Event;
use thiserror::Error;

use super::sign::Fields;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum XmlError {
    #[error("the body is not UTF-8")]
    NotUtf8,
    #[error("the body is not XML: {0}")]
    Syntax(String),
    #[error("the body has a DOCTYPE, which WeChat never sends; refused (XXE)")]
    Doctype,
    #[error("the root element is <{0}>, not <xml>")]
    Root(String),
    #[error("the body has no <xml> root element")]
    NoRoot,
    #[error("field <{0}> contains an element; APIv2 fields are text")]
    Nested(String),
    #[error("field <{0}> appears twice")]
    Duplicate(String),
    #[error("field <{field}> uses the undefined entity &{entity};")]
    Entity { field: String, entity: String },
    #[error("text outside any field: {0:?}")]
    StrayText(String),
    #[error("content after </xml>")]
    TrailingContent,
    #[error("field `{0}` has a 4-byte UTF-8 character (emoji or rare CJK), which WeChat refuses")]
    FourByteChar(String),
    #[error("field `{0}` has a control character XML cannot carry")]
    ControlChar(String),
    #[error("`{0}` is not a valid field name")]
    BadName(String),
    #[error("the body is {len} bytes; APIv2 messages are at most {MAX_XML_BYTES}")]
    TooLarge { len: usize },
}

/// The largest message parsed. WeChat's answers are a few KiB and a request's `rawdata` a few
/// more; anything bigger is refused before the parser sees it.
pub const MAX_XML_BYTES: usize = 64 * 1024;

/// Parses an APIv2 XML message into its fields.
pub fn parse(body: &[u8]) -> Result<Fields, XmlError> {
    if body.len() > MAX_XML_BYTES {
        return Err(XmlError::TooLarge { len: body.len() });
    }
    let text = std::str::from_utf8(body).map_err(|_| XmlError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    let mut fields = Fields::new();
    // Where we are: before <xml>, inside it (and maybe inside one field), or after it.
    let mut in_root = false;
    let mut done = false;
    let mut field: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Syntax(e.to_string()))?;
        match event {
            Event::Eof => break,
            Event::DocType(_) => return Err(XmlError::Doctype),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            _ if done => match event {
                Event::Text(t) if t.xml10_content().trim().is_empty() => {}
                _ => return Err(XmlError::TrailingContent),
            },
            Event::Start(e) if !in_root => {
                check_root(e.name().as_ref())?;
                in_root = true;
            }
            Event::Empty(e) if !in_root => {
                check_root(e.name().as_ref())?;
                done = true;
            }
            Event::Start(e) => {
                if let Some((name, _)) = &field {
                    return Err(XmlError::Nested(name.clone()));
                }
                field = Some((element_name(e.name().as_ref()), String::new()));
            }
            Event::Empty(e) => {
                if let Some((name, _)) = &field {
                    return Err(XmlError::Nested(name.clone()));
                }
                insert(&mut fields, element_name(e.name().as_ref()), String::new())?;
            }
            Event::End(_) => match field.take() {
                Some((name, value)) => insert(&mut fields, name, value)?,
                None => {
                    in_root = false;
                    done = true;
                }
            },
            Event::Text(t) => match &mut field {
                Some((_, value)) => value.push_str(&t.xml10_content()),
                None => {
                    let t = t.xml10_content();
                    if !t.trim().is_empty() {
                        return Err(XmlError::StrayText(t.chars().take(32).collect()));
                    }
                }
            },
            Event::CData(c) => match &mut field {
                Some((_, value)) => value.push_str(&c.xml10_content()),
                None => return Err(XmlError::StrayText("<![CDATA[...]]>".into())),
            },
            Event::GeneralRef(r) => {
                let Some((name, value)) = &mut field else {
                    return Err(XmlError::StrayText(format!("&{};", r.xml10_content())));
                };
                match resolve_entity(&r) {
                    Some(c) => value.push(c),
                    None => {
                        return Err(XmlError::Entity {
                            field: name.clone(),
                            entity: r.xml10_content().chars().take(32).collect(),
                        });
                    }
                }
            }
        }
    }
    if in_root || field.is_some() {
        return Err(XmlError::Syntax("the document ends inside <xml>".into()));
    }
    if !done {
        return Err(XmlError::NoRoot);
    }
    Ok(fields)
}

fn check_root(raw: &str) -> Result<(), XmlError> {
    match element_name(raw) {
        name if name == "xml" => Ok(()),
        name => Err(XmlError::Root(name)),
    }
}

fn element_name(raw: &str) -> String {
    raw.to_owned()
}

fn insert(fields: &mut Fields, name: String, value: String) -> Result<(), XmlError> {
    if fields.contains_key(&name) {
        return Err(XmlError::Duplicate(name));
    }
    fields.insert(name, value);
    Ok(())
}

fn resolve_entity(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    match r.xml10_content().as_ref() {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

/// Checks that WeChat can take every field, naming the first one it cannot.
pub fn check_sendable(fields: &Fields) -> Result<(), XmlError> {
    for (name, value) in fields {
        let valid_name = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && !name.as_bytes()[0].is_ascii_digit();
        if !valid_name {
            return Err(XmlError::BadName(name.chars().take(32).collect()));
        }
        if value.chars().any(|c| c.len_utf8() == 4) {
            return Err(XmlError::FourByteChar(name.clone()));
        }
        if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            return Err(XmlError::ControlChar(name.clone()));
        }
    }
    Ok(())
}

/// Writes an APIv2 message. Fails, naming the field, on anything WeChat would refuse.
pub fn write(fields: &Fields) -> Result<String, XmlError> {
    check_sendable(fields)?;
    let mut out = String::from("<xml>");
    for (name, value) in fields {
        out.push('<');
        out.push_str(name);
        out.push('>');
        write_value(&mut out, value);
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
    out.push_str("</xml>");
    Ok(out)
}

/// Plain text when the value has no markup characters; CDATA otherwise, as WeChat's own
/// responses and SDKs do. `]]>` is split across two sections, and a carriage return is
/// written as `&#13;` because parsers turn a literal one into a line feed.
fn write_value(out: &mut String, value: &str) {
    let needs_cdata = value.contains(['<', '>', '&', '"', '\'']);
    if !needs_cdata {
        for c in value.chars() {
            match c {
                '\r' => out.push_str("&#13;"),
                c => out.push(c),
            }
        }
        return;
    }
    let mut open = false;
    let mut rest = value;
    while !rest.is_empty() {
        if rest.starts_with('\r') {
            if open {
                out.push_str("]]>");
                open = false;
            }
            out.push_str("&#13;");
            rest = &rest[1..];
            continue;
        }
        if !open {
            out.push_str("<![CDATA[");
            open = true;
        }
        if let Some(tail) = rest.strip_prefix("]]>") {
            // End the section between "]]" and ">" so neither half closes it.
            out.push_str("]]]]><![CDATA[>");
            rest = tail;
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if open {
        out.push_str("]]>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_wechat_error_body() {
        let body = "<xml><return_code><![CDATA[PARAM_ERROR]]></return_code>\n<return_msg><![CDATA[签名错误]]></return_msg>\n</xml>";
        assert_eq!(
            parse(body.as_bytes()).unwrap(),
            fields(&[("return_code", "PARAM_ERROR"), ("return_msg", "签名错误")])
        );
    }

    #[test]
    fn plain_text_entities_and_empty_elements() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?><xml><a>x &amp; y &#x4E2D;&#25991;</a><b/><c></c></xml>"#;
        assert_eq!(
            parse(body.as_bytes()).unwrap(),
            fields(&[("a", "x & y 中文"), ("b", ""), ("c", "")])
        );
    }

    #[test]
    fn refuses_oversized_input_before_parsing() {
        let field = format!("<a>{}</a>", "x".repeat(MAX_XML_BYTES));
        let body = format!("<xml>{field}</xml>");
        assert_eq!(
            parse(body.as_bytes()),
            Err(XmlError::TooLarge { len: body.len() })
        );
        // Not even checked for UTF-8 or well-formedness: the size alone decides.
        assert!(matches!(
            parse(&vec![0xff; MAX_XML_BYTES + 1]),
            Err(XmlError::TooLarge { .. })
        ));
        assert!(parse(b"<xml><a>x</a></xml>").is_ok());
    }

    #[test]
    fn refuses_doctype_and_custom_entities() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><a>&x;</a></xml>"#;
        assert_eq!(parse(xxe.as_bytes()), Err(XmlError::Doctype));
        let undefined = "<xml><a>&x;</a></xml>";
        assert_eq!(
            parse(undefined.as_bytes()),
            Err(XmlError::Entity {
                field: "a".into(),
                entity: "x".into()
            })
        );
    }

    #[test]
    fn refuses_odd_shapes() {
        assert_eq!(
            parse(b"<root><a>1</a></root>"),
            Err(XmlError::Root("root".into()))
        );
        assert_eq!(
            parse(b"<xml><a><b>1</b></a></xml>"),
            Err(XmlError::Nested("a".into()))
        );
        assert_eq!(
            parse(b"<xml><a>1</a><a>2</a></xml>"),
            Err(XmlError::Duplicate("a".into()))
        );
        assert_eq!(
            parse(b"<xml><a>1</a></xml><x/>"),
            Err(XmlError::TrailingContent)
        );
        assert_eq!(parse(b""), Err(XmlError::NoRoot));
        assert_eq!(
            parse(b"appid=1&mch_id=2"),
            Err(XmlError::StrayText("appid=1".into()))
        );
        assert_eq!(parse(&[0xff]), Err(XmlError::NotUtf8));
        assert!(matches!(
            parse(b"<xml><a>1</b></xml>"),
            Err(XmlError::Syntax(_))
        ));
        assert!(matches!(parse(b"<xml><a>1</a>"), Err(XmlError::Syntax(_))));
    }

    #[test]
    fn writes_cdata_where_needed_and_round_trips() {
        let f = fields(&[
            ("a", "plain"),
            ("b", "<tag> & ]]> \"q\""),
            ("c", "line\r\nbreak"),
        ]);
        let xml = write(&f).unwrap();
        assert!(xml.contains("<a>plain</a>"));
        assert!(xml.contains("<![CDATA["));
        assert_eq!(parse(xml.as_bytes()).unwrap(), f);
    }

    #[test]
    fn refuses_unsendable_values() {
        assert_eq!(
            write(&fields(&[("store_name", "门诊😀")])),
            Err(XmlError::FourByteChar("store_name".into()))
        );
        assert_eq!(
            write(&fields(&[("a", "x\u{1}")])),
            Err(XmlError::ControlChar("a".into()))
        );
        assert_eq!(
            write(&fields(&[("a b", "x")])),
            Err(XmlError::BadName("a b".into()))
        );
    }
}
